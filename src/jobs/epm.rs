//! EPM Cloud's Add Users at an identity domain's origin:
//! - `POST /interop/rest/11.1.2.3.600/applicationsnapshots/{name}/contents?q={"isFirst",
//!   "isLast","chunkSize"}`: a file uploaded in chunks (`isFirst` starts it anew, `isLast`
//!   completes it);
//! - `DELETE /interop/rest/11.1.2.3.600/applicationsnapshots/{name}`;
//! - `POST /interop/rest/security/v1/users` (form `filename`, `userpassword`,
//!   `resetpassword`[, `jobtype`]): a job ([`Work::EpmAddUsers`]) answered `status: -1`
//!   with its `Job Status` link; a missing file is `status: 1` at once;
//! - `GET /interop/rest/security/v1/jobs/{id}`: `status: -1` while it runs, then `0` with
//!   `"Processed - N, Succeeded - S, Failed - F."`.
//!
//! The file is `First Name,Last Name,Email,User Login`; a row whose user exists already
//! leaves it unchanged and counts as failed. New users get `userpassword` (stored as a
//! digest); `resetpassword` is echoed in the answer and otherwise not acted on (there is no
//! sign-in here to force a change at).

use super::file::{self, StoredFile, EPM_PREFIX, MAX_FILE_BYTES};
use super::handle::{json, ok, param};
use super::job::{Job, Status, Work};
use super::report::{self, ReportRow};
use super::run::{describe_user, Progress};
use super::{Answer, Effects, JobStore, Request};
use crate::csv::read::{count_rows, Records, LIMITS};
use crate::csv::Cursor;
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::Response;
use crate::query::query_pairs;
use crate::schema::builtin::USER as USER_SCHEMA;
use crate::tenant::Tenant;
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

/// The file's headings, in EPM's words.
const HEADINGS: [&str; 4] = ["First Name", "Last Name", "Email", "User Login"];

/// The storage key of the snapshot `name`.
pub fn key(name: &str) -> Result<String> {
    file::check_name(name)?;
    Ok(format!("{EPM_PREFIX}{name}"))
}

/// An EPM answer: `{"status", "details", "links", "items"}`.
pub fn answer(status: i64, details: Option<&str>, links: Vec<Value>) -> Value {
    let mut body = Map::with_capacity(4);
    body.insert("links", Value::Array(links));
    body.insert("details", details.map_or(Value::Null, Value::from));
    body.insert("status", Value::from(status));
    body.insert("items", Value::Null);
    Value::Object(body)
}

/// A link of an EPM answer.
pub fn link(rel: &str, href: &str, action: &str, data: Option<Value>) -> Value {
    let mut l = Map::with_capacity(4);
    l.insert("rel", Value::from(rel));
    l.insert("href", Value::from(href));
    l.insert("action", Value::from(action));
    if let Some(data) = data {
        l.insert("data", data);
    }
    Value::Object(l)
}

/// The `q` parameter of an upload: `(isFirst, isLast)`.
pub fn chunk_flags(q: Option<&str>) -> Result<(bool, bool)> {
    let Some(q) = q else {
        // No `q`: the whole file in one request.
        return Ok((true, true));
    };
    let value = crate::value::from_str(q)
        .map_err(|e| ScimError::invalid_syntax(format!("the q parameter: {e}")))?;
    let flag = |name: &str| match value.get(name) {
        None => Ok(true),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(ScimError::invalid_value(format!(
            "q: {name} is true or false"
        ))),
    };
    Ok((flag("isFirst")?, flag("isLast")?))
}

/// The file record after one chunk of an upload: a first chunk starts a new file, a later
/// one extends the incomplete file it follows.
pub fn next_chunk(
    key: &str,
    existing: Option<StoredFile>,
    (is_first, is_last): (bool, bool),
    chunk: usize,
    now_ms: i64,
) -> Result<StoredFile> {
    let mut file = match (is_first, existing) {
        (true, _) => StoredFile {
            key: key.into(),
            content_type: "application/octet-stream".into(),
            is_public: false,
            size: 0,
            created_ms: now_ms,
            complete: false,
        },
        (false, Some(f)) if !f.complete => f,
        (false, _) => {
            return Err(ScimError::invalid_value(
                "a chunk with isFirst false continues an upload that is not complete: send \
                 the first chunk with isFirst true",
            ))
        }
    };
    file.size = file.size.saturating_add(chunk);
    if file.size > MAX_FILE_BYTES {
        return Err(file::too_large(file.size));
    }
    file.complete = is_last;
    Ok(file)
}

/// The message of a missing file.
pub fn missing_file(name: &str) -> String {
    format!("Failed to add users. File {name} is not found. Please provide a valid file name.")
}

/// A new Add Users job over a complete file (its rows counted, the limits checked).
pub fn new_job(
    id: String,
    file: &StoredFile,
    data: &[u8],
    password: &str,
    now_ms: i64,
) -> Result<Job> {
    let total = count_rows(data, &LIMITS)?;
    header_positions(data)?;
    Ok(Job {
        parameters: vec![("filename".into(), file.public_name())],
        input: Some(file.key.clone()),
        user_password: Some(password.into()),
        total,
        ..Job::started(
            id.clone(),
            id,
            "ADD_USERS".into(),
            Work::EpmAddUsers,
            now_ms,
        )
    })
}

/// Where each of [`HEADINGS`] is in the header row.
fn header_positions(data: &[u8]) -> Result<[usize; 4]> {
    let mut records = Records::new(data, LIMITS);
    let header = match records.next_record() {
        Some((_, Ok(header))) => header,
        Some((_, Err(e))) => return Err(e),
        None => return Err(ScimError::invalid_value("the file is empty")),
    };
    let mut positions = [0usize; 4];
    for (slot, heading) in positions.iter_mut().zip(HEADINGS) {
        *slot = header
            .cells()
            .iter()
            .position(|c| c.trim().eq_ignore_ascii_case(heading))
            .ok_or_else(|| {
                ScimError::invalid_value(format!(
                    "the file's header has no \"{heading}\" column (EPM's Add Users file is \
                     First Name,Last Name,Email,User Login)"
                ))
            })?;
    }
    Ok(positions)
}

/// One step of an Add Users job.
pub(crate) fn add_users(
    job: &mut Job,
    data: &[u8],
    tenant: &mut Tenant,
    env: &mut Env,
    budget: usize,
    progress: &mut Progress,
) {
    let positions = match header_positions(data) {
        Ok(p) => p,
        Err(e) => return job.fail(e.detail, env.now_ms),
    };
    let mut records = Records::new(data, LIMITS);
    match job.cursor {
        Some(Cursor { offset, row }) if row > 0 => {
            records = Records::resume(data, offset, row, LIMITS);
        }
        _ => {
            records.next_record();
        }
    }
    let password = job.user_password.clone().unwrap_or_default();
    let mut processed = 0usize;
    let mut exhausted = false;
    while processed < budget.max(1) {
        let Some((row, record)) = records.next_record() else {
            exhausted = true;
            break;
        };
        processed += 1;
        let cells = record.map(|r| positions.map(|p| r.get(p).trim().to_string()));
        if cells.as_ref().is_ok_and(|c| c.iter().all(String::is_empty)) {
            job.done += 1;
            continue;
        }
        let login = cells.as_ref().map(|c| c[3].clone()).unwrap_or_default();
        let result =
            cells.and_then(|c| add_user(tenant, env, &c, &password, &mut progress.changes));
        let mut entry = ReportRow {
            history_id: job.id.clone(),
            row,
            ok: result.is_ok(),
            status: if result.is_ok() {
                "Create Succeeded"
            } else {
                "Failed"
            }
            .into(),
            message: result
                .as_ref()
                .err()
                .map(|e| e.detail.clone())
                .unwrap_or_default(),
            key: login,
            resource_id: result.ok(),
            email: None,
            first_name: None,
            last_name: None,
        };
        if let Some(id) = entry.resource_id.clone() {
            describe_user(&mut entry, tenant, &id);
        }
        report::count(job, &entry);
        progress.reports.push(entry);
    }
    job.cursor = Some(Cursor {
        offset: records.offset(),
        row: records.next_number(),
    });
    // The end of the file ends the job, whatever the first count said.
    if exhausted || job.done >= job.total {
        job.finish(env.now_ms);
    }
}

/// Creates one user; one who exists already is left as it is and fails the row.
fn add_user(
    tenant: &mut Tenant,
    env: &mut Env,
    [first, last, email, login]: &[String; 4],
    password: &str,
    changes: &mut crate::tenant::ChangeSet,
) -> Result<String> {
    if login.is_empty() {
        return Err(ScimError::invalid_value("User Login is empty"));
    }
    if crate::csv::lookup::by_key(tenant, "User", login, env.base_url)?.is_some() {
        return Err(ScimError::uniqueness(format!(
            "user {login} already exists; it was left unchanged"
        )));
    }
    let mut user = Map::with_capacity(6);
    user.insert("schemas", Value::Array(vec![Value::from(USER_SCHEMA)]));
    user.insert("userName", Value::from(login.as_str()));
    let mut name = Map::with_capacity(2);
    name.insert("givenName", Value::from(first.as_str()));
    name.insert("familyName", Value::from(last.as_str()));
    user.insert("name", Value::Object(name));
    if !email.is_empty() {
        let mut e = Map::with_capacity(3);
        e.insert("value", Value::from(email.as_str()));
        e.insert("type", Value::from("work"));
        e.insert("primary", Value::Bool(true));
        user.insert("emails", Value::Array(vec![Value::Object(e)]));
    }
    if !password.is_empty() {
        user.insert("password", Value::from(password));
    }
    let stored = tenant.create("User", Value::Object(user), env, changes)?;
    Ok(stored
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string())
}

/// The `GET .../jobs/{id}` answer.
pub fn job_answer(job: &Job, self_href: &str) -> Value {
    let links = vec![link("self", self_href, "GET", None)];
    match job.status {
        Status::Running => answer(-1, Some("In Process"), links),
        Status::Succeeded => answer(
            0,
            Some(&format!(
                "Processed - {}, Succeeded - {}, Failed - {}.",
                job.succeeded + job.failed,
                job.succeeded,
                job.failed
            )),
            links,
        ),
        Status::Failed => answer(
            1,
            Some(&format!(
                "Failed to add users. {}",
                job.error.as_deref().unwrap_or("")
            )),
            links,
        ),
    }
}

// ---- the endpoints ----

fn epm_json(body: &Value) -> Response {
    json(200, body)
}

/// An EPM snapshot upload chunk.
pub(super) fn upload(
    req: &Request<'_>,
    store: &dyn JobStore,
    name: &str,
    env: &Env,
) -> Result<Answer> {
    let key = key(name)?;
    let flags = chunk_flags(param(req.query, "q").as_deref())?;
    let record = next_chunk(&key, store.file(&key)?, flags, req.body.len(), env.now_ms)?;
    let mut effects = Effects::default();
    if flags.0 {
        effects.removed_files.push(key.clone());
    }
    effects.files.push(record);
    effects.appends.push((key, req.body.to_vec()));
    let href = format!("{}{}", req.origin, req.path);
    let body = answer(0, None, vec![link("self", &href, "POST", None)]);
    Ok(ok(epm_json(&body), effects))
}

/// `DELETE .../applicationsnapshots/{name}`.
pub(super) fn delete(store: &dyn JobStore, name: &str) -> Result<Answer> {
    let key = key(name)?;
    if store.file(&key)?.is_none() {
        return Ok(ok(
            json(
                404,
                &answer(
                    8,
                    Some(&format!("Snapshot {name} does not exist.")),
                    Vec::new(),
                ),
            ),
            Effects::default(),
        ));
    }
    let effects = Effects {
        removed_files: vec![key],
        ..Effects::default()
    };
    Ok(ok(epm_json(&answer(0, None, Vec::new())), effects))
}

/// `POST /interop/rest/security/v1/users`: an Add Users job.
pub(super) fn add_users_request(
    req: &Request<'_>,
    store: &dyn JobStore,
    env: &mut Env,
) -> Result<Answer> {
    let form = core::str::from_utf8(req.body)
        .map_err(|_| ScimError::invalid_syntax("the form is not UTF-8"))?;
    let pairs = query_pairs(form);
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if let Some(t) = field("jobtype").filter(|t| !t.eq_ignore_ascii_case("ADD_USERS")) {
        return Err(ScimError::invalid_value(format!(
            "jobtype \"{t}\": this endpoint runs ADD_USERS"
        )));
    }
    let name = field("filename").unwrap_or_default().trim().to_string();
    let failed = |details: String| {
        Ok(ok(
            epm_json(&answer(1, Some(&details), Vec::new())),
            Effects::default(),
        ))
    };
    let key = match key(&name) {
        Ok(key) => key,
        Err(_) => return failed(missing_file(&name)),
    };
    let Some(record) = store.file(&key)?.filter(|f| f.complete) else {
        return failed(missing_file(&name));
    };
    let bytes = store.file_bytes(&key)?.unwrap_or_default();
    let id = env.ids.next_id(env.now_ms);
    let password = field("userpassword").unwrap_or_default();
    let job = match new_job(id, &record, &bytes, password, env.now_ms) {
        Ok(job) => job,
        Err(e) => return failed(format!("Failed to add users. {}", e.detail)),
    };
    let status_href = format!("{}/interop/rest/security/v1/jobs/{}", req.origin, job.id);
    let mut data = crate::value::Map::with_capacity(3);
    data.insert("jobType", Value::from("ADD_USERS"));
    data.insert("filename", Value::from(name.as_str()));
    data.insert(
        "resetpassword",
        Value::from(field("resetpassword").unwrap_or("false")),
    );
    let links = vec![
        link(
            "self",
            &format!("{}{}", req.origin, req.path),
            "POST",
            Some(Value::Object(data)),
        ),
        link("Job Status", &status_href, "GET", None),
    ];
    let effects = Effects {
        jobs: vec![job],
        ..Effects::default()
    };
    Ok(ok(epm_json(&answer(-1, None, links)), effects))
}
