//! The endpoints of [`handle`]: routing, then storage files, job schedules, histories and
//! reports (EPM's are in `epm.rs`).

use super::{
    epm, file, job, multipart, report, Answer, Effects, Job, JobStore, Order, Request, StoredFile,
    Work, MAX_BODY_BYTES,
};
use crate::csv::{Importer, Options};
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::{Method, Response};
use crate::persona::Caller;
use crate::query::{percent_decode, query_pairs};
use crate::tenant::Tenant;
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

pub(super) fn json(status: u16, body: &Value) -> Response {
    crate::admin::json(status, body)
}

fn error(e: &ScimError) -> Answer {
    Answer {
        response: crate::admin::error_response(e),
        effects: Effects::default(),
    }
}

pub(super) fn ok(response: Response, effects: Effects) -> Answer {
    Answer { response, effects }
}

/// Handles one request. Never panics; a refused request has no effects.
pub fn handle(
    req: &Request<'_>,
    store: &dyn JobStore,
    tenant: &mut Tenant,
    env: &mut Env,
) -> Answer {
    handle_as(req, None, store, tenant, env)
}

/// [`handle`] for a caller (an identity domain's app or user): the jobs it schedules write
/// their rows as it (`idcsCreatedBy`), as its own requests would.
pub fn handle_as(
    req: &Request<'_>,
    caller: Option<&Caller>,
    store: &dyn JobStore,
    tenant: &mut Tenant,
    env: &mut Env,
) -> Answer {
    match route(req, caller, store, tenant, env) {
        Ok(answer) => answer,
        Err(e) => error(&e),
    }
}

fn route(
    req: &Request<'_>,
    caller: Option<&Caller>,
    store: &dyn JobStore,
    tenant: &mut Tenant,
    env: &mut Env,
) -> Result<Answer> {
    let segments: Vec<String> = req
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s, false).into_owned())
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = req.method;
    match (method, segments.as_slice()) {
        (Method::Post, ["storage", "v1", "Files"]) => upload(req, env),
        (Method::Get, ["storage", "v1", "Files"]) => download(req, store),
        (Method::Post, ["job", "v1", "JobSchedules"]) => schedule(req, caller, store, tenant, env),
        (Method::Get, ["job", "v1", "JobSchedules", id]) => {
            let job = find_job(store, |j| j.schedule_id == *id)?;
            Ok(ok(json(200, &job.schedule_answer()), Effects::default()))
        }
        (Method::Get, ["job", "v1", "JobHistories"]) => histories(req, store),
        (Method::Get, ["job", "v1", "JobHistories", id]) => {
            let job = find_job(store, |j| j.id == *id)?;
            Ok(ok(json(200, &job.history()), Effects::default()))
        }
        (Method::Get, ["job", "v1", endpoint]) if *endpoint == "JobReports" => {
            reports(req, store, None)
        }
        (Method::Get, ["job", "v1", endpoint]) if report::typed_kind(endpoint).is_some() => {
            reports(req, store, report::typed_kind(endpoint))
        }
        (Method::Post, ["interop", "rest", _, "applicationsnapshots", name, "contents"]) => {
            epm::upload(req, store, name, env)
        }
        (Method::Delete, ["interop", "rest", _, "applicationsnapshots", name]) => {
            epm::delete(store, name)
        }
        (Method::Post, ["interop", "rest", "security", "v1", "users"]) => {
            epm::add_users_request(req, store, env)
        }
        (Method::Get, ["interop", "rest", "security", "v1", "jobs", id]) => {
            let job = find_job(store, |j| j.id == *id && j.work == Work::EpmAddUsers)?;
            let href = format!("{}{}", req.origin, req.path);
            Ok(ok(
                json(200, &epm::job_answer(&job, &href)),
                Effects::default(),
            ))
        }
        _ => Err(ScimError::not_found(format!(
            "no {} endpoint at {}",
            method.as_str(),
            req.path
        ))),
    }
}

fn find_job(store: &dyn JobStore, pred: impl Fn(&Job) -> bool) -> Result<Job> {
    store
        .jobs()?
        .into_iter()
        .find(|j| pred(j))
        .ok_or_else(|| ScimError::not_found("no such job"))
}

pub(super) fn param(query: &str, name: &str) -> Option<String> {
    query_pairs(query)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// `POST /storage/v1/Files`.
fn upload(req: &Request<'_>, env: &Env) -> Result<Answer> {
    if req.body.len() > MAX_BODY_BYTES {
        return Err(file::too_large(req.body.len()));
    }
    let parts = multipart::parse(req.content_type, req.body)?;
    let field = |name: &str| parts.iter().find(|p| p.name == name);
    let data = field("file").ok_or_else(|| {
        ScimError::invalid_value(
            "the form has no \"file\" part: fileName, contentType, isPublic, file",
        )
    })?;
    if data.data.len() > file::MAX_FILE_BYTES {
        return Err(file::too_large(data.data.len()));
    }
    let name = match field("fileName").and_then(|p| p.text()) {
        Some(name) => name.trim().to_string(),
        None => data.filename.clone().unwrap_or_default(),
    };
    let key = file::upload_key(&name, env.now_ms)?;
    let content_type = field("contentType")
        .and_then(|p| p.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .or_else(|| data.content_type.clone())
        .unwrap_or_else(|| "text/csv".into());
    let is_public = match field("isPublic").and_then(|p| p.text()).map(str::trim) {
        None | Some("") => false,
        Some(t) if t.eq_ignore_ascii_case("true") => true,
        Some(t) if t.eq_ignore_ascii_case("false") => false,
        Some(t) => {
            return Err(ScimError::invalid_value(format!(
                "isPublic is true or false, not \"{t}\""
            )))
        }
    };
    let stored = StoredFile {
        key: key.clone(),
        content_type,
        is_public,
        size: data.data.len(),
        created_ms: env.now_ms,
        complete: true,
    };
    let answer = stored.answer(req.origin);
    let effects = Effects {
        removed_files: vec![key.clone()],
        files: vec![stored],
        appends: vec![(key, data.data.to_vec())],
        ..Effects::default()
    };
    Ok(ok(json(201, &answer), effects))
}

/// `GET /storage/v1/Files?fileName=`.
fn download(req: &Request<'_>, store: &dyn JobStore) -> Result<Answer> {
    let name = param(req.query, "fileName")
        .ok_or_else(|| ScimError::invalid_value("name the file: ?fileName=files/..."))?;
    let key = file::key_of(&name);
    let missing = || ScimError::not_found(format!("no file named {name}"));
    if key.starts_with(file::EPM_PREFIX) {
        return Err(missing());
    }
    let record = store.file(&key)?.ok_or_else(missing)?;
    if !record.complete {
        return Err(ScimError::new(
            409,
            None,
            format!("{name} is still being written: wait for its job to finish"),
        ));
    }
    let bytes = store.file_bytes(&key)?.ok_or_else(missing)?;
    let response = Response {
        status: 200,
        headers: vec![("Content-Type".into(), record.content_type.clone())],
        body: bytes,
    };
    Ok(ok(response, Effects::default()))
}

/// A new job record for an order.
fn new_job(order: &Order, id: String, now_ms: i64) -> Job {
    let schedule_id = format!("{id}-schedule");
    Job {
        parameters: order.parameters.clone(),
        app_display_name: order.param("appDisplayName").map(String::from),
        attributes_to_get: job::list(order.param("attributesToGet")),
        attributes_to_exclude: job::list(order.param("attributesToExclude")),
        filter: order
            .param("filter")
            .map(String::from)
            .filter(|f| !f.trim().is_empty()),
        ..Job::started(id, schedule_id, order.job_type.clone(), order.work, now_ms)
    }
}

/// `POST /job/v1/JobSchedules`: the job is checked whole, then recorded, running.
fn schedule(
    req: &Request<'_>,
    caller: Option<&Caller>,
    store: &dyn JobStore,
    tenant: &Tenant,
    env: &mut Env,
) -> Result<Answer> {
    let order = Order::parse(req.body)?;
    let id = env.ids.next_id(env.now_ms);
    let mut job = new_job(&order, id, env.now_ms);
    job.requested_by = caller.map(job::Requester::of);
    let mut effects = Effects::default();
    match order.work {
        Work::Import(kind) => {
            let location = order.param("fileLocation").unwrap_or_default();
            let key = file::key_of(location);
            let missing = || {
                ScimError::invalid_value(format!(
                    "fileLocation \"{location}\" names no uploaded file"
                ))
            };
            let record = store
                .file(&key)?
                .filter(|f| f.complete)
                .ok_or_else(missing)?;
            if key.starts_with(file::EPM_PREFIX) {
                return Err(missing());
            }
            let bytes = store.file_bytes(&key)?.ok_or_else(missing)?;
            let options = Options {
                app_display_name: job.app_display_name.clone(),
                caller: None,
            };
            // The limits and the header, before anything is written.
            let importer = Importer::new(kind, &bytes, tenant, &options)?;
            job.total = importer.total();
            job.input = Some(record.key);
        }
        Work::Export(kind) => {
            let mut exporter = crate::csv::Exporter::new(kind, tenant)?
                .select(&job.attributes_to_get, &job.attributes_to_exclude)?;
            if let Some(filter) = &job.filter {
                exporter = exporter.only(filter)?;
            }
            job.total = exporter.total();
            let key = format!("export/{}/Export_{}.csv", env.now_ms, job.id);
            effects.files.push(StoredFile {
                key: key.clone(),
                content_type: "text/csv".into(),
                is_public: false,
                size: 0,
                created_ms: env.now_ms,
                complete: false,
            });
            job.output = Some(key);
        }
        Work::EpmAddUsers => {
            return Err(ScimError::invalid_value(
                "ADD_USERS jobs run through EPM's /interop/rest/security/v1/users",
            ))
        }
    }
    let answer = job.schedule_answer();
    effects.jobs.push(job);
    Ok(ok(json(201, &answer), effects))
}

/// The one `attr eq "value"` a jobs listing filters by (`None`: no filter).
fn equality(query: &str, allowed: &[&str]) -> Result<Option<(String, String)>> {
    let Some(text) = param(query, "filter") else {
        return Ok(None);
    };
    let filter = crate::filter::parse(&text)?;
    match filter {
        crate::filter::Filter::Compare(
            path,
            crate::filter::CompareOp::Eq,
            crate::filter::Literal::String(value),
        ) if path.sub.is_none() => {
            let attr = allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(&path.name))
                .ok_or_else(|| {
                    ScimError::new(
                        400,
                        Some(crate::error::ScimType::InvalidFilter),
                        format!("filter by {} here", allowed.join(", ")),
                    )
                })?;
            Ok(Some((attr.to_string(), value)))
        }
        _ => Err(ScimError::new(
            400,
            Some(crate::error::ScimType::InvalidFilter),
            format!(
                "filter with one `attr eq \"value\"`, attr one of {}",
                allowed.join(", ")
            ),
        )),
    }
}

/// Paging: `(startIndex 1-based, count)`, at most 1000 a page.
fn paging(query: &str) -> (usize, usize) {
    let number = |name: &str| param(query, name).and_then(|v| v.trim().parse::<usize>().ok());
    let start = number("startIndex").unwrap_or(1).max(1);
    let count = number("count").unwrap_or(1000).min(1000);
    (start, count)
}

/// `GET /job/v1/JobHistories`.
fn histories(req: &Request<'_>, store: &dyn JobStore) -> Result<Answer> {
    let only = equality(req.query, &["jobScheduleid", "id", "jobType", "status"])?;
    let mut jobs: Vec<Job> = store
        .jobs()?
        .into_iter()
        .filter(|j| j.work != Work::EpmAddUsers)
        .filter(|j| match &only {
            None => true,
            Some((attr, value)) => match attr.as_str() {
                "jobScheduleid" => j.schedule_id == *value,
                "id" => j.id == *value,
                "jobType" => j.job_type == *value,
                _ => j.status.as_str() == value.as_str(),
            },
        })
        .collect();
    jobs.sort_by(|a, b| {
        a.created_ms
            .cmp(&b.created_ms)
            .then_with(|| a.id.cmp(&b.id))
    });
    let (start, count) = paging(req.query);
    let total = jobs.len();
    let page: Vec<Value> = jobs
        .iter()
        .skip(start - 1)
        .take(count)
        .map(Job::history)
        .collect();
    Ok(ok(
        json(200, &report::list_answer(page, total, start)),
        Effects::default(),
    ))
}

/// `GET /job/v1/JobReports` and the typed reports: a job's rows.
fn reports(
    req: &Request<'_>,
    store: &dyn JobStore,
    typed: Option<crate::csv::Kind>,
) -> Result<Answer> {
    let (_, history) = equality(req.query, &["historyId"])?.ok_or_else(|| {
        ScimError::invalid_value("name the job: ?filter=historyId eq \"<JobHistory id>\"")
    })?;
    let (start, count) = paging(req.query);
    let job = store.job(&history)?;
    let Some(job) = job.filter(|j| typed.is_none_or(|k| report::reports_on(j, k))) else {
        return Ok(ok(
            json(200, &report::list_answer(Vec::new(), 0, start)),
            Effects::default(),
        ));
    };
    let (rows, total) = store.reports(&history, start - 1, count)?;
    let page = rows
        .iter()
        .map(|r| match typed {
            Some(kind) => r.typed(&job, kind),
            None => r.generic(&job),
        })
        .collect();
    Ok(ok(
        json(200, &report::list_answer(page, total, start)),
        Effects::default(),
    ))
}
