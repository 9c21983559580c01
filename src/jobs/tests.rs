//! Jobs driven as a host drives them: requests through [`handle`], effects applied to a
//! [`MemoryStore`], running jobs advanced a few rows at a time, the job records taken
//! through JSON between steps as an eviction would.

use super::*;
use crate::csv::fixtures::{idcs_settings, tenant};
use crate::env::SequentialIds;
use crate::value::{from_slice, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

const ORIGIN: &str = "http://localhost:8787";
const NOW: i64 = 1_795_000_000_000;
const CT: &str = "multipart/form-data; boundary=B0undary";

struct Host {
    tenant: Tenant,
    store: MemoryStore,
    ids: SequentialIds,
    now: i64,
}

impl Host {
    fn new() -> Host {
        Host {
            tenant: tenant(idcs_settings()),
            store: MemoryStore::default(),
            ids: SequentialIds {
                prefix: "j".into(),
                last: 0,
            },
            now: NOW,
        }
    }

    fn call(&mut self, method: Method, path: &str, ct: Option<&str>, body: &[u8]) -> (u16, Value) {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        self.now += 1;
        let mut env = Env {
            now_ms: self.now,
            base_url: "http://localhost:8787/admin/v1",
            ids: &mut self.ids,
        };
        let req = Request {
            method: &method,
            path,
            query,
            content_type: ct,
            body,
            origin: ORIGIN,
        };
        let answer = handle(&req, &self.store, &mut self.tenant, &mut env);
        if answer.response.status >= 400 {
            assert!(
                answer.effects.is_empty(),
                "a refused request has no effects"
            );
        }
        self.store.apply(&answer.effects);
        let body = from_slice(&answer.response.body).unwrap_or(Value::Null);
        (answer.response.status, body)
    }

    fn upload(&mut self, name: &str, data: &[u8]) -> String {
        let mut body = Vec::new();
        for (field, value) in [
            ("fileName", name),
            ("contentType", "text/csv"),
            ("isPublic", "false"),
        ] {
            body.extend_from_slice(
                format!("--B0undary\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n--B0undary--\r\n");
        let (status, answer) = self.call(Method::Post, "/storage/v1/Files", Some(CT), &body);
        assert_eq!(status, 201, "{answer}");
        let file_name = answer["fileName"].as_str().unwrap().to_string();
        assert!(
            file_name.starts_with("files/") && file_name.ends_with(name),
            "{file_name}"
        );
        assert_eq!(answer["isPublic"], false);
        file_name
    }

    fn schedule(&mut self, job_type: &str, params: &[(&str, &str)]) -> (u16, Value) {
        let parameters: Vec<Value> = params
            .iter()
            .map(|(n, v)| crate::json!({"name": n, "value": v}))
            .collect();
        let body = crate::json!({
            "schemas": [job::SCHEDULE_SCHEMA], "jobType": job_type, "runNow": true,
            "parameters": parameters,
        });
        self.call(
            Method::Post,
            "/job/v1/JobSchedules",
            Some("application/scim+json"),
            body.to_string().as_bytes(),
        )
    }

    /// Runs every running job to its end, `budget` rows a step, each job record going
    /// through JSON between steps (what an evicted host reads back).
    fn run(&mut self, budget: usize) -> usize {
        let mut steps = 0;
        while let Some(job) = self.store.jobs.values().find(|j| j.is_running()).cloned() {
            let text = serde_json::to_string(&job).unwrap();
            let mut job: Job = serde_json::from_str(&text).unwrap();
            let input = job
                .input
                .as_ref()
                .and_then(|k| self.store.file_bytes(k).unwrap())
                .unwrap_or_default();
            self.now += 1;
            let mut env = Env {
                now_ms: self.now,
                base_url: "http://localhost:8787/admin/v1",
                ids: &mut self.ids,
            };
            let effects = advance(&mut job, &input, &mut self.tenant, &mut env, budget);
            self.store.apply(&effects);
            steps += 1;
            assert!(steps < 10_000, "a job makes progress");
        }
        steps
    }

    fn history(&mut self, schedule_id: &str) -> Value {
        let (status, list) = self.call(
            Method::Get,
            &format!("/job/v1/JobHistories?filter=jobScheduleid%20eq%20%22{schedule_id}%22"),
            None,
            b"",
        );
        assert_eq!(status, 200);
        assert_eq!(list["totalResults"], 1, "{list}");
        list["Resources"][0].clone()
    }

    fn users(&self) -> usize {
        self.tenant.counts().get("User").copied().unwrap_or(0)
    }
}

fn users_csv(rows: usize, bad: usize) -> String {
    let mut out = String::from(
        "User Name,First Name,Last Name,Work Email,Title,Password,Active,Federated,ByPass Notification\r\n",
    );
    for i in 1..=rows {
        let name = match i % 4 {
            0 => format!("'=cmd{i}'"),
            1 => format!("\"o'neil, {i}\""),
            2 => format!("zoë{i}"),
            _ => format!("u{i}"),
        };
        let password = match i % 3 {
            0 => format!("Clear {i}!"),
            1 => crate::secret::ssha256(&format!("pw{i}"), b"saltsalt"),
            _ => format!("{{PBKDF2-HMAC-SHA512}}10000:c2FsdHNhbHQ{i}"),
        };
        let active = if i == bad { "maybe" } else { "TRUE" };
        out.push_str(&format!(
            "{name},Ann,\"Ng, Jr.\",u{i}@example.com,'-lead',{password},{active},{},TRUE\r\n",
            if i % 2 == 0 { "TRUE" } else { "FALSE" }
        ));
    }
    out
}

#[test]
fn an_import_job_runs_in_steps_and_reports_every_row() {
    let mut host = Host::new();
    let file = host.upload("Users1.csv", users_csv(300, 150).as_bytes());
    let (status, schedule) = host.schedule(
        "UserImport",
        &[("fileLocation", &file), ("fileType", "csv")],
    );
    assert_eq!(status, 201, "{schedule}");
    let schedule_id = schedule["id"].as_str().unwrap().to_string();
    assert_eq!(schedule["jobType"], "UserImport");
    // Nothing is written until a step runs; the history shows it running.
    assert_eq!(host.users(), 0);
    let running = host.history(&schedule_id);
    assert_eq!(
        (running["status"].as_str(), running["percentage"].as_u64()),
        (Some("running"), Some(0))
    );
    assert_eq!(running["totalCount"], 300);

    assert_eq!(host.run(7), 300usize.div_ceil(7));
    let done = host.history(&schedule_id);
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(
        (done["successCount"].as_u64(), done["failureCount"].as_u64()),
        (Some(299), Some(1))
    );
    assert_eq!(done["percentage"], 100);
    assert!(done["endTime"].is_string());
    assert_eq!(host.users(), 299);

    // Formula quotes removed, quoted cells kept whole, both hash formats kept as given.
    let hid = done["id"].as_str().unwrap().to_string();
    let find = |host: &Host, name: &str| {
        host.tenant
            .resources()
            .find(|u| u.get("userName").and_then(Value::as_str) == Some(name))
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(find(&host, "=cmd4")["title"], "-lead");
    assert_eq!(find(&host, "o'neil, 1")["name"]["familyName"], "Ng, Jr.");
    assert!(find(&host, "u7")["password"]
        .as_str()
        .unwrap()
        .starts_with("{SSHA256}"));
    assert!(find(&host, "zoë2")["password"]
        .as_str()
        .unwrap()
        .starts_with("{PBKDF2-HMAC-SHA512}10000:"));
    assert!(find(&host, "u3")["password"]
        .as_str()
        .unwrap()
        .starts_with("{PBKDF2-HMAC-SHA256}"));

    // Reports: one per row; the bad one names its row and its reason.
    let (status, reports) = host.call(
        Method::Get,
        &format!("/job/v1/UserImportJobReports?filter=historyId+eq+%22{hid}%22&count=1000"),
        None,
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(reports["totalResults"], 300);
    let entries = reports["Resources"].as_array().unwrap();
    let bad: Vec<&Value> = entries.iter().filter(|r| r["type"] == "Error").collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0]["lineNumber"], 150);
    assert!(
        bad[0]["message"].as_str().unwrap().contains("active"),
        "{}",
        bad[0]
    );
    let urn = "urn:ietf:params:scim:schemas:oracle:idcs:extension:UserImport:JobReport";
    assert_eq!(entries[2][urn]["status"], "Create Succeeded");
    assert_eq!(entries[2][urn]["email"], "u3@example.com");
    assert_eq!(entries[2][urn]["firstName"], "Ann");
    // The generic JobReports lists the same rows; a group report has none of them.
    let (_, generic) = host.call(
        Method::Get,
        &format!("/job/v1/JobReports?filter=historyId eq \"{hid}\"&startIndex=299"),
        None,
        b"",
    );
    assert_eq!(
        (
            generic["totalResults"].as_u64(),
            generic["Resources"].as_array().unwrap().len()
        ),
        (Some(300), 2)
    );
    let (_, groups) = host.call(
        Method::Get,
        &format!("/job/v1/GroupImportJobReports?filter=historyId eq \"{hid}\""),
        None,
        b"",
    );
    assert_eq!(groups["totalResults"], 0);
}

#[test]
fn an_export_job_writes_a_file_that_imports_back_to_the_same_users() {
    let mut host = Host::new();
    let file = host.upload("Users.csv", users_csv(40, 0).as_bytes());
    host.schedule("UserImport", &[("fileLocation", &file)]);
    host.run(1000);
    assert_eq!(host.users(), 40);
    let (status, schedule) = host.schedule("UserExport", &[("exportFormat", "CSV")]);
    assert_eq!(status, 201, "{schedule}");
    let id = schedule["id"].as_str().unwrap().to_string();
    let history = host.history(&id);
    let name = history["fileName"].as_str().unwrap().to_string();
    // Still being written: not downloadable yet.
    let (status, _) = host.call(
        Method::Get,
        &format!("/storage/v1/Files?fileName={name}"),
        None,
        b"",
    );
    assert_eq!(status, 409);
    host.run(6);
    let history = host.history(&id);
    assert_eq!(
        (history["status"].as_str(), history["successCount"].as_u64()),
        (Some("succeeded"), Some(40))
    );
    assert!(
        name.starts_with("files/export/")
            && name.ends_with(&format!("Export_{}.csv", history["id"].as_str().unwrap()))
    );
    let download = name.trim_start_matches("files/");
    let exported = host
        .store
        .file_bytes(&file::key_of(download))
        .unwrap()
        .unwrap();
    let mut env_ids = SequentialIds {
        prefix: "x".into(),
        last: 0,
    };
    // Downloaded by its short name, the same bytes.
    let req_path = format!("/storage/v1/Files?fileName={download}");
    let (path, query) = req_path.split_once('?').unwrap();
    let mut env = Env {
        now_ms: NOW,
        base_url: "b",
        ids: &mut env_ids,
    };
    let answer = handle(
        &Request {
            method: &Method::Get,
            path,
            query,
            content_type: None,
            body: b"",
            origin: ORIGIN,
        },
        &host.store,
        &mut host.tenant,
        &mut env,
    );
    assert_eq!(answer.response.status, 200);
    assert_eq!(answer.response.body, exported);

    // Into a fresh server and out again: the same file.
    let mut other = Host::new();
    let file = other.upload("Export.csv", &exported);
    let (status, _) = other.schedule(
        "Import",
        &[("fileLocation", &file), ("resourceType", "User")],
    );
    assert_eq!(status, 201);
    other.run(9);
    assert_eq!(other.users(), 40);
    let again = crate::csv::export(crate::csv::Kind::Users, &other.tenant, "http://x").unwrap();
    let first = crate::csv::export(crate::csv::Kind::Users, &host.tenant, "http://x").unwrap();
    // Ids differ, so rows come in another order: compare them as sets.
    let rows = |b: &[u8]| {
        let mut r: Vec<String> = String::from_utf8(b.to_vec())
            .unwrap()
            .split("\r\n")
            .map(String::from)
            .collect();
        r.sort();
        r
    };
    assert_eq!(rows(&again), rows(&first));

    // attributesToGet and a filter narrow an export.
    let (status, schedule) = host.schedule(
        "UserExport",
        &[
            ("attributesToGet", "User Name,Title"),
            ("filter", "userName sw \"u\""),
        ],
    );
    assert_eq!(status, 201, "{schedule}");
    host.run(1000);
    let history = host.history(schedule["id"].as_str().unwrap());
    let key = file::key_of(history["fileName"].as_str().unwrap());
    let text = String::from_utf8(host.store.file_bytes(&key).unwrap().unwrap()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("User Name,Title"));
    assert_eq!(lines.count(), 10, "u3, u7, ... u39");
    assert_eq!(history["successCount"], 10);
}

#[test]
fn refused_jobs_write_nothing() {
    let mut host = Host::new();
    let mut big = String::from("User Name,First Name,Last Name,Work Email\r\n");
    for i in 0..100_001 {
        big.push_str(&format!("u{i},A,B,u{i}@x.io\r\n"));
    }
    let too_many = host.upload("Big.csv", big.as_bytes());
    let bad_header = host.upload("Bad.csv", b"Nickname Only\r\nx\r\n");
    let before = (host.store.jobs.len(), host.store.files.len(), host.users());
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16, &'a str);
    let table: Vec<Case> = vec![
        (
            "UserImport",
            vec![("fileLocation", too_many.as_str())],
            413,
            "100000 rows",
        ),
        (
            "UserImport",
            vec![("fileLocation", bad_header.as_str())],
            400,
            "unknown column",
        ),
        (
            "UserImport",
            vec![("fileLocation", "files/1/none.csv")],
            400,
            "names no uploaded file",
        ),
        ("UserImport", vec![], 400, "fileLocation"),
        (
            "UserImport",
            vec![("fileLocation", too_many.as_str()), ("fileType", "xlsx")],
            400,
            "csv",
        ),
        (
            "Import",
            vec![("fileLocation", too_many.as_str())],
            400,
            "resourceType",
        ),
        (
            "Import",
            vec![
                ("fileLocation", too_many.as_str()),
                ("resourceType", "Widget"),
            ],
            400,
            "Widget",
        ),
        ("UserExport", vec![("exportFormat", "XML")], 400, "CSV"),
        (
            "UserExport",
            vec![("attributesToGet", "Shoe Size")],
            400,
            "Shoe Size",
        ),
        ("UserExport", vec![("filter", "userName eq")], 400, ""),
        ("Reboot", vec![], 400, "Reboot"),
    ];
    for (job_type, params, status, detail) in table {
        let (got, body) = host.schedule(job_type, &params);
        assert_eq!(got, status, "{job_type} {params:?}: {body}");
        assert!(body["detail"].as_str().unwrap().contains(detail), "{body}");
        assert_eq!(
            (host.store.jobs.len(), host.store.files.len(), host.users()),
            before
        );
    }
    let (status, _) = host.call(Method::Post, "/job/v1/JobSchedules", None, b"{not json");
    assert_eq!(status, 400);
    let (status, _) = host.call(
        Method::Get,
        "/job/v1/JobHistories?filter=status co \"x\"",
        None,
        b"",
    );
    assert_eq!(status, 400);
    let (status, _) = host.call(Method::Get, "/job/v1/JobReports", None, b"");
    assert_eq!(status, 400);
    let (status, _) = host.call(Method::Get, "/job/v1/Nothing", None, b"");
    assert_eq!(status, 404);
    let (status, _) = host.call(Method::Post, "/storage/v1/Files", Some("text/csv"), b"x");
    assert_eq!(status, 415);
    // A file one byte over 52 MB (`call` checks a refusal has no effects).
    let mut huge =
        b"--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"h.csv\"\r\n\r\n"
            .to_vec();
    huge.resize(huge.len() + file::MAX_FILE_BYTES + 1, b'x');
    huge.extend_from_slice(b"\r\n--B0undary--\r\n");
    let (status, _) = host.call(Method::Post, "/storage/v1/Files", Some(CT), &huge);
    assert_eq!(status, 413);
    assert_eq!(
        (host.store.jobs.len(), host.store.files.len(), host.users()),
        before
    );
}

/// EPM: a chunked upload, Add Users with one user who exists, the job's status, the
/// missing-file answer, the delete.
#[test]
fn epm_add_users_counts_an_existing_user_as_failed() {
    let mut host = Host::new();
    let file = host.upload(
        "seed.csv",
        b"User Name,First Name,Last Name,Work Email\r\nann,Ann,Lee,ann@x.io\r\n",
    );
    host.schedule("UserImport", &[("fileLocation", &file)]);
    host.run(10);
    let existing = host.tenant.resources().next().unwrap().clone();
    let base = "/interop/rest/11.1.2.3.600/applicationsnapshots/add.csv/contents";
    let chunks: [(&[u8], &str); 3] = [
        (
            b"First Name,Last Name,Email,User Login\r\nBo,Ek,bo@x.io,bo\r\n",
            r#"{"isFirst":true,"isLast":false,"chunkSize":60}"#,
        ),
        (
            b"Ann,Other,ann2@x.io,ann\r\nCy,Do,",
            r#"{"isFirst":false,"isLast":false}"#,
        ),
        (b"cy@x.io,cy\r\n", r#"{"isFirst":false,"isLast":true}"#),
    ];
    for (bytes, q) in chunks {
        let q: String = q.bytes().map(|b| format!("%{b:02X}")).collect();
        let (status, body) = host.call(
            Method::Post,
            &format!("{base}?q={q}"),
            Some("application/octet-stream"),
            bytes,
        );
        assert_eq!((status, body["status"].as_i64()), (200, Some(0)), "{body}");
    }
    let form = b"filename=add.csv&userpassword=Welcome%211&resetpassword=false&jobtype=ADD_USERS";
    let (status, started) = host.call(
        Method::Post,
        "/interop/rest/security/v1/users",
        Some("application/x-www-form-urlencoded"),
        form,
    );
    assert_eq!(
        (status, started["status"].as_i64()),
        (200, Some(-1)),
        "{started}"
    );
    let link = started["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "Job Status")
        .unwrap();
    let href = link["href"]
        .as_str()
        .unwrap()
        .trim_start_matches(ORIGIN)
        .to_string();
    let (_, polled) = host.call(Method::Get, &href, None, b"");
    assert_eq!(polled["status"], -1);
    host.run(2);
    let (_, polled) = host.call(Method::Get, &href, None, b"");
    assert_eq!(polled["status"], 0);
    assert_eq!(
        polled["details"],
        "Processed - 3, Succeeded - 2, Failed - 1."
    );
    // The existing user is as it was; the new ones have their hashed password.
    let ann = host
        .tenant
        .resources()
        .find(|u| u["userName"] == "ann")
        .unwrap();
    assert_eq!(*ann, *existing);
    let bo = host
        .tenant
        .resources()
        .find(|u| u["userName"] == "bo")
        .unwrap();
    assert!(bo["password"].as_str().unwrap().starts_with("{SSHA256}"));
    assert_eq!(bo["emails"][0]["value"], "bo@x.io");

    // A file that is not there, a chunk that continues nothing, the delete.
    let (status, missing) = host.call(
        Method::Post,
        "/interop/rest/security/v1/users",
        None,
        b"filename=nope.csv&userpassword=x",
    );
    assert_eq!((status, missing["status"].as_i64()), (200, Some(1)));
    assert_eq!(
        missing["details"],
        "Failed to add users. File nope.csv is not found. Please provide a valid file name."
    );
    let (status, _) = host.call(Method::Post, "/interop/rest/11.1.2.3.600/applicationsnapshots/other.csv/contents?q=%7B%22isFirst%22%3Afalse%7D", None, b"x");
    assert_eq!(status, 400);
    let (status, _) = host.call(
        Method::Delete,
        "/interop/rest/11.1.2.3.600/applicationsnapshots/add.csv",
        None,
        b"",
    );
    assert_eq!(status, 200);
    assert!(host.store.file("epm/add.csv").unwrap().is_none());
    let (status, _) = host.call(
        Method::Delete,
        "/interop/rest/11.1.2.3.600/applicationsnapshots/add.csv",
        None,
        b"",
    );
    assert_eq!(status, 404);
}
