use super::*;
use crate::Cli;
use clap::Parser;

fn parse(args: &[&str]) -> Result<CsvCommand, String> {
    let mut argv = vec!["scimlet", "csv"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(argv) {
        Ok(cli) => match cli.command {
            crate::Command::Csv(cmd) => Ok(cmd),
            other => Err(format!("not csv: {other:?}")),
        },
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn import_takes_a_server_a_file_and_a_type_from_the_flag_or_the_name() {
    for (args, file, kind) in [
        (
            &["import", "hr", "Users.csv"][..],
            "Users.csv",
            FileType::Users,
        ),
        (
            &["import", "hr", "dir/Groups.csv"],
            "dir/Groups.csv",
            FileType::Groups,
        ),
        (
            &["import", "hr", "groups-2024.csv"],
            "groups-2024.csv",
            FileType::Groups,
        ),
        (
            &["import", "hr", "AppRoleMembership.csv"],
            "AppRoleMembership.csv",
            FileType::AppRoles,
        ),
        (
            &["import", "hr", "people.csv"],
            "people.csv",
            FileType::Users,
        ),
        (
            &["import", "hr", "x.csv", "--type", "groups"],
            "x.csv",
            FileType::Groups,
        ),
        (
            &["import", "hr", "Groups.csv", "--type", "users"],
            "Groups.csv",
            FileType::Users,
        ),
        (
            &[
                "import", "hr", "a.csv", "--type", "approles", "--app", "Payroll",
            ],
            "a.csv",
            FileType::AppRoles,
        ),
    ] {
        let Ok(CsvCommand::Import(parsed)) = parse(args) else {
            panic!("{args:?} should parse as an import");
        };
        assert_eq!(parsed.id, "hr");
        assert_eq!(parsed.file, PathBuf::from(file), "{args:?}");
        assert_eq!(
            parsed
                .kind
                .unwrap_or_else(|| FileType::of_file(&parsed.file)),
            kind,
            "{args:?}"
        );
    }
}

#[test]
fn export_takes_a_server_a_type_and_what_to_select() {
    let Ok(CsvCommand::Export(e)) = parse(&["export", "hr"]) else {
        panic!("export hr");
    };
    assert_eq!((e.id.as_str(), e.kind), ("hr", FileType::Users));
    assert!(e.attributes.is_empty() && e.exclude.is_empty() && e.filter.is_none());
    let Ok(CsvCommand::Export(e)) = parse(&[
        "export",
        "hr",
        "--type",
        "groups",
        "--attributes",
        "displayName,members",
        "--filter",
        "displayName sw \"A\"",
        "-o",
        "G.csv",
    ]) else {
        panic!("export with options");
    };
    assert_eq!(e.kind, FileType::Groups);
    assert_eq!(e.attributes, ["displayName", "members"]);
    assert_eq!(e.filter.as_deref(), Some("displayName sw \"A\""));
    assert_eq!(e.output, Some(PathBuf::from("G.csv")));
}

#[test]
fn bad_csv_arguments_are_usage_errors() {
    for args in [
        &["import"][..],
        &["import", "hr"],
        &["import", "bad.id", "Users.csv"],
        &["import", "hr", "Users.csv", "--type", "roles"],
        &["export"],
        &["export", "hr", "--type", "Users.csv"],
        &["export", "hr", "--attributes", "a", "--exclude", "b"],
        &["frobnicate", "hr"],
    ] {
        assert!(parse(args).is_err(), "{args:?} should be refused");
    }
}

#[test]
fn job_types_and_reports_are_the_identity_domains_names() {
    for (kind, import, export, report) in [
        (
            FileType::Users,
            "UserImport",
            "UserExport",
            "UserImportJobReports",
        ),
        (
            FileType::Groups,
            "GroupImport",
            "GroupExport",
            "GroupImportJobReports",
        ),
        (
            FileType::AppRoles,
            "AppRoleImport",
            "AppRoleExport",
            "AppRoleImportJobReports",
        ),
    ] {
        assert_eq!(
            (kind.import_job(), kind.export_job(), kind.report_resource()),
            (import, export, report)
        );
    }
}

#[test]
fn the_progress_line_shows_done_of_total_the_rate_and_the_percentage() {
    let s = Duration::from_secs;
    for (done, total, elapsed, width, expected) in [
        (
            0,
            0,
            Duration::from_millis(1200),
            4,
            "[    ] waiting for the job  1.2 s",
        ),
        (
            0,
            100_000,
            s(1),
            10,
            "[>         ] 0/100,000 rows  0 rows/s  0%",
        ),
        (
            45_000,
            100_000,
            s(5),
            10,
            "[====>     ] 45,000/100,000 rows  9,000 rows/s  45%",
        ),
        (
            99_999,
            100_000,
            s(10),
            10,
            "[=========>] 99,999/100,000 rows  10,000 rows/s  99%",
        ),
        (
            100_000,
            100_000,
            s(10),
            10,
            "[==========] 100,000/100,000 rows  10,000 rows/s  100%",
        ),
        // A server counting past its total never draws past the end.
        (7, 5, s(1), 5, "[=====] 5/5 rows  5 rows/s  100%"),
        (3, 4, Duration::ZERO, 4, "[===>] 3/4 rows  0 rows/s  75%"),
    ] {
        assert_eq!(progress_line(done, total, elapsed, "rows", width), expected);
    }
}

#[test]
fn polls_are_quick_at_first_then_twice_a_second() {
    let ms = |n| interval(n).as_millis();
    assert_eq!(
        (ms(1), ms(4), ms(5), ms(14), ms(15), ms(1000)),
        (100, 100, 250, 250, 500, 500)
    );
}

#[test]
fn a_multipart_body_is_rfc_7578_form_data() {
    let (content_type, body) = multipart(&[
        ("fileName", Part::Text("Users.csv")),
        ("isPublic", Part::Text("false")),
        (
            "file",
            Part::File {
                name: "my \"Users\".csv",
                content_type: "text/csv",
                bytes: b"User Name\r\nbjensen\r\n",
            },
        ),
    ]);
    assert_eq!(
        content_type,
        "multipart/form-data; boundary=scimlet-0000000000000000"
    );
    let expected = "--scimlet-0000000000000000\r\n\
        Content-Disposition: form-data; name=\"fileName\"\r\n\r\n\
        Users.csv\r\n\
        --scimlet-0000000000000000\r\n\
        Content-Disposition: form-data; name=\"isPublic\"\r\n\r\n\
        false\r\n\
        --scimlet-0000000000000000\r\n\
        Content-Disposition: form-data; name=\"file\"; filename=\"my %22Users%22.csv\"\r\n\
        Content-Type: text/csv\r\n\r\n\
        User Name\r\nbjensen\r\n\r\n\
        --scimlet-0000000000000000--\r\n";
    assert_eq!(String::from_utf8(body).unwrap(), expected);
}

#[test]
fn the_boundary_never_occurs_in_a_part() {
    let sneaky = b"a\r\n--scimlet-0000000000000000\r\nb --scimlet-0000000000000001".to_vec();
    let (content_type, body) = multipart(&[(
        "file",
        Part::File {
            name: "x.csv",
            content_type: "text/csv",
            bytes: &sneaky,
        },
    )]);
    let boundary = content_type.rsplit('=').next().unwrap();
    assert_eq!(boundary, "scimlet-0000000000000002");
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8(body).unwrap();
    // Exactly the opening and the closing delimiter.
    assert_eq!(text.matches(&delimiter).count(), 2, "{text}");
}

#[test]
fn a_history_ends_when_its_status_says_so() {
    for (status, ended) in [
        ("succeeded", Some(true)),
        ("Succeeded", Some(true)),
        ("failed", Some(false)),
        ("running", None),
        ("queued", None),
        ("", None),
    ] {
        let h = History::from_json(&json!({ "id": "h", "status": status })).unwrap();
        assert_eq!(h.ended(), ended, "{status}");
    }
    assert!(
        History::from_json(&json!({ "status": "succeeded" })).is_none(),
        "no id"
    );
}

/// (method, path with query, body) of a request.
type Sent = (String, String, Vec<u8>);

/// A scripted identity domain: answers the job API as the documentation says, counting
/// polls, and keeps what it was sent.
struct FakeDomain {
    server: crate::test_server::TestServer,
    sent: std::sync::Arc<std::sync::Mutex<Vec<Sent>>>,
}

const REPORT_URN: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:UserImport:JobReport";

impl FakeDomain {
    /// A domain whose job runs for `running` polls, then ends with `status`.
    fn start(running: u64, status: &'static str) -> FakeDomain {
        use std::sync::{Arc, Mutex};
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = sent.clone();
        let polls = Arc::new(Mutex::new(0u64));
        let handler = move |method: &str, path: &str, body: &[u8]| -> (u16, String) {
            log.lock()
                .unwrap()
                .push((method.to_string(), path.to_string(), body.to_vec()));
            let history = |n: u64| {
                let (state, done) = if n < running {
                    ("running", n * 100)
                } else {
                    (status, 300)
                };
                json!({"Resources": [{
                    "id": "h1", "jobScheduleid": "s1", "status": state,
                    "totalCount": 300, "successCount": done.saturating_sub(n.min(1)),
                    "failureCount": n.min(1), "percentage": done / 3,
                    "fileName": "files/export/1/Export_h1.csv",
                    "message": "the file vanished",
                }], "totalResults": 1})
            };
            match (method, path.split('?').next().unwrap_or_default()) {
                ("POST", "/storage/v1/Files") => (
                    200,
                    json!({"fileName": "files/1/Users.csv", "isPublic": false}).to_string(),
                ),
                ("POST", "/job/v1/JobSchedules") => (201, json!({"id": "s1"}).to_string()),
                ("GET", "/job/v1/JobHistories") => {
                    let mut n = polls.lock().unwrap();
                    *n += 1;
                    // The run shows up only after the first poll.
                    if *n == 1 {
                        return (200, json!({"Resources": [], "totalResults": 0}).to_string());
                    }
                    (200, history(*n - 2).to_string())
                }
                ("GET", report) if report.ends_with("ImportJobReports") => {
                    let entry = |i: u64| {
                        let ok = i != 2;
                        json!({
                            "id": format!("h1-{i}"), "historyId": "h1", "lineNumber": i,
                            "type": if ok { "Success" } else { "Error" },
                            "message": if ok { "Create Succeeded" } else { "Work Email is not an email address" },
                            REPORT_URN: {"userName": format!("user{i}")},
                        })
                    };
                    // Two pages, to be read to the end.
                    let start = if path.contains("startIndex=1&") { 1 } else { 3 };
                    let page: Vec<Value> =
                        (start..start + 2).filter(|i| *i <= 3).map(entry).collect();
                    (
                        200,
                        json!({"Resources": page, "totalResults": 3}).to_string(),
                    )
                }
                ("GET", "/storage/v1/Files") => (200, "User Name\r\nbjensen\r\n".to_string()),
                _ => (
                    404,
                    json!({"detail": format!("no {method} {path}")}).to_string(),
                ),
            }
        };
        FakeDomain {
            server: crate::test_server::TestServer::start(Arc::new(handler)),
            sent,
        }
    }

    fn domain(&self) -> Domain {
        let credential = Credential {
            token: Some("t".into()),
            hint: "use the server's token".into(),
        };
        Domain::at(Http::new(credential, 2), &self.server.url)
    }

    /// The body of the first request to `path`.
    fn body_of(&self, path: &str) -> Vec<u8> {
        self.sent
            .lock()
            .unwrap()
            .iter()
            .find(|(_, p, _)| p == path)
            .map(|(_, _, b)| b.clone())
            .unwrap()
    }
}

#[test]
fn an_import_uploads_schedules_polls_and_lists_the_failed_rows() {
    let fake = FakeDomain::start(3, "succeeded");
    let mut slept = Vec::new();
    let file = b"User Name,First Name,Last Name,Work Email\r\nuser1,A,B,a@example.com\r\n";
    let (schedule, history, failures) = fake
        .domain()
        .import(
            FileType::Users,
            "Users.csv",
            file,
            None,
            &mut Progress::hidden(),
            |d| slept.push(d),
        )
        .unwrap();
    assert_eq!(
        (
            schedule.as_str(),
            history.id.as_str(),
            history.status.as_str()
        ),
        ("s1", "h1", "succeeded")
    );
    assert_eq!(
        (history.succeeded, history.failed, history.total),
        (299, 1, 300)
    );
    assert_eq!(
        failures,
        [Failure {
            row: Some(2),
            key: Some("user2".into()),
            message: "Work Email is not an email address".into()
        }]
    );
    // One poll before the run shows, three while it runs, one that sees it end.
    assert_eq!(slept, [interval(1), interval(2), interval(3), interval(4)]);
    let paths: Vec<String> = fake
        .server
        .requests()
        .into_iter()
        .map(|(m, p)| format!("{m} {}", p.split('?').next().unwrap()))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /storage/v1/Files",
            "POST /job/v1/JobSchedules",
            "GET /job/v1/JobHistories",
            "GET /job/v1/JobHistories",
            "GET /job/v1/JobHistories",
            "GET /job/v1/JobHistories",
            "GET /job/v1/JobHistories",
            "GET /job/v1/UserImportJobReports",
            "GET /job/v1/UserImportJobReports",
        ]
    );
    let upload = String::from_utf8(fake.body_of("/storage/v1/Files")).unwrap();
    assert!(upload.contains("name=\"file\"; filename=\"Users.csv\"\r\nContent-Type: text/csv\r\n\r\nUser Name,First Name"), "{upload}");
    let job: Value = serde_json::from_slice(&fake.body_of("/job/v1/JobSchedules")).unwrap();
    assert_eq!(
        job,
        json!({
            "schemas": [JOB_SCHEDULE], "jobType": "UserImport", "runNow": true,
            "parameters": [{"name": "fileLocation", "value": "files/1/Users.csv"}, {"name": "fileType", "value": "csv"}],
        })
    );
    let polled = fake
        .server
        .requests()
        .into_iter()
        .find(|(_, p)| p.starts_with("/job/v1/JobHistories"))
        .unwrap()
        .1;
    assert_eq!(
        polled,
        "/job/v1/JobHistories?filter=jobScheduleid%20eq%20%22s1%22"
    );

    let summary = ImportSummary {
        file: "Users.csv",
        kind: FileType::Users,
        schedule: &schedule,
        history: &history,
        failures: &failures,
        elapsed: Duration::from_secs(2),
    };
    assert_eq!(summary.exit_code(), ROWS_FAILED);
    assert_eq!(
        summary.text(),
        "Imported Users.csv: 299 of 300 users succeeded, 1 failed, in 2.0 s (150 rows/s; job s1).\n  \
         row 2 (user2): Work Email is not an email address\n"
    );
    let json = summary.to_json();
    assert_eq!(
        (json["failed"].clone(), json["perSecond"].clone()),
        (json!(1), json!(150))
    );
    assert_eq!(
        json["failures"],
        json!([{"row": 2, "key": "user2", "message": "Work Email is not an email address"}])
    );
}

#[test]
fn a_job_that_fails_as_a_whole_exits_1_with_its_reason() {
    let fake = FakeDomain::start(0, "failed");
    let (schedule, history, failures) = fake
        .domain()
        .import(
            FileType::Groups,
            "Groups.csv",
            b"Name\r\n",
            Some("Payroll"),
            &mut Progress::hidden(),
            |_| {},
        )
        .unwrap();
    let job: Value = serde_json::from_slice(&fake.body_of("/job/v1/JobSchedules")).unwrap();
    assert_eq!(job["jobType"], "GroupImport");
    assert_eq!(
        job["parameters"][2],
        json!({"name": "appDisplayName", "value": "Payroll"})
    );
    let summary = ImportSummary {
        file: "Groups.csv",
        kind: FileType::Groups,
        schedule: &schedule,
        history: &history,
        failures: &failures,
        elapsed: Duration::from_secs(1),
    };
    assert_eq!(summary.exit_code(), 1);
    assert_eq!(
        summary.text().lines().next(),
        Some("The import of Groups.csv failed (job s1, status failed): the file vanished")
    );
    assert_eq!(summary.to_json()["message"], "the file vanished");

    let err = fake
        .domain()
        .export(FileType::Users, &[], &mut Progress::hidden(), |_| {})
        .unwrap_err();
    assert_eq!(
        err,
        "the export failed (job s1, status failed): the file vanished"
    );
    assert!(
        !fake
            .server
            .requests()
            .iter()
            .any(|(_, p)| p.starts_with("/storage/v1/Files?")),
        "nothing downloaded"
    );
}

#[test]
fn an_export_schedules_waits_and_downloads_the_file_its_history_names() {
    let fake = FakeDomain::start(1, "succeeded");
    let (_, history, bytes) = fake
        .domain()
        .export(
            FileType::Users,
            &[("filter", "userName sw \"a\"".to_string())],
            &mut Progress::hidden(),
            |_| {},
        )
        .unwrap();
    assert_eq!(history.status, "succeeded");
    assert_eq!(bytes, b"User Name\r\nbjensen\r\n");
    let job: Value = serde_json::from_slice(&fake.body_of("/job/v1/JobSchedules")).unwrap();
    assert_eq!(job["jobType"], "UserExport");
    assert_eq!(
        job["parameters"],
        json!([{"name": "exportFormat", "value": "CSV"}, {"name": "filter", "value": "userName sw \"a\""}])
    );
    let download = fake.server.requests().into_iter().last().unwrap();
    assert_eq!(
        download,
        (
            "GET".into(),
            "/storage/v1/Files?fileName=export%2F1%2FExport_h1.csv".into()
        )
    );
}

#[test]
fn a_refused_request_says_what_the_server_said_and_what_to_do() {
    let fake = FakeDomain::start(0, "succeeded");
    let domain = Domain::at(
        Http::new(
            Credential {
                token: None,
                hint: "pass --token".into(),
            },
            1,
        ),
        &format!("{}/nowhere", fake.server.url),
    );
    let err = domain.upload("Users.csv", b"x").unwrap_err();
    assert!(
        err.contains("not found (404)") && err.contains("no POST /nowhere/storage/v1/Files"),
        "{err}"
    );
}

#[test]
fn the_engine_reads_the_upload_as_sent() {
    // The CLI's multipart writer against the parser identity-domain hosts run.
    let file = "User Name,Title\r\nbjensen,\"R&D, \"\"Lab\"\"\"\r\n--scimlet-0000000000000000\r\n";
    let (content_type, body) = multipart(&[
        ("fileName", Part::Text("Users.csv")),
        ("contentType", Part::Text("text/csv")),
        ("isPublic", Part::Text("false")),
        (
            "file",
            Part::File {
                name: "Users.csv",
                content_type: "text/csv",
                bytes: file.as_bytes(),
            },
        ),
    ]);
    let parts = scimlet::jobs::multipart::parse(Some(&content_type), &body).unwrap();
    let field = |name: &str| parts.iter().find(|p| p.name == name).unwrap();
    assert_eq!(field("fileName").text(), Some("Users.csv"));
    assert_eq!(field("isPublic").text(), Some("false"));
    let data = field("file");
    assert_eq!(
        (data.filename.as_deref(), data.data),
        (Some("Users.csv"), file.as_bytes())
    );
    assert_eq!(parts.len(), 4);
}
