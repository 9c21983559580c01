//! CSV jobs and EPM's Add Users inside a server's object (`crate::jobs` decides
//! everything): requests are authenticated like `/admin/v1` (EPM's with its Basic
//! credential), handled by the core over [`SqlJobs`], and their effects written in one
//! transaction. Running jobs advance from the object's alarm, [`jobs::STEP_ROWS`] rows a
//! step, each step its own transaction (the tenant's changes, the job, its report rows,
//! the output's bytes), at most [`STEPS_PER_ALARM`] steps per alarm; requests are answered between
//! alarms. Everything a job needs to go on is in SQLite, so it survives an eviction.
//!
//! Tables: `files(key, record)`, `file_chunks(key, seq, bytes)` (pieces of at most
//! `jobs::file::CHUNK_BYTES`, below the 2 MB row limit), `jobs(id, running, body)`,
//! `job_reports(history, row, body)`.

use super::{internal, set_header, sql_exec, Fallible, ScimServer};
use crate::env::Env as CoreEnv;
use crate::error::{Result as CoreResult, ScimError};
use crate::host::worker::{now_ms, reply, to_core};
use crate::jobs::{self, file::CHUNK_BYTES, Effects, Job, JobStore, ReportRow, StoredFile};
use crate::persona::oci::{self, DomainRequest};
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use worker::{console_error, js_sys, Request, Response, SqlStorage, SqlStorageValue, Url};

/// The most steps one alarm runs before it lets requests in, and the longest it runs them
/// (the isolate's clock may stand still between I/O, so the count is the real bound).
const STEPS_PER_ALARM: usize = 2;
const SLICE_MS: f64 = 200.0;

/// The jobs' tables of one object, read for the core.
struct SqlJobs {
    sql: SqlStorage,
}

fn storage_error(e: impl core::fmt::Display) -> ScimError {
    internal("reading jobs", e)
}

impl SqlJobs {
    /// The rows of a query, each row's cells.
    fn rows(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> CoreResult<Vec<Vec<SqlStorageValue>>> {
        let cursor = self.sql.exec(query, bindings).map_err(storage_error)?;
        let mut rows = Vec::new();
        for row in cursor.raw() {
            rows.push(row.map_err(storage_error)?);
        }
        Ok(rows)
    }

    fn texts(&self, query: &str, bindings: Vec<SqlStorageValue>) -> CoreResult<Vec<String>> {
        self.rows(query, bindings)?
            .into_iter()
            .map(|row| match row.into_iter().next() {
                Some(SqlStorageValue::String(text)) => Ok(text),
                _ => Err(storage_error("a row is not text")),
            })
            .collect()
    }
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> CoreResult<T> {
    serde_json::from_str(text).map_err(storage_error)
}

impl JobStore for SqlJobs {
    fn file(&self, key: &str) -> CoreResult<Option<StoredFile>> {
        let found = self.texts(
            "SELECT record FROM files WHERE key = ?",
            alloc::vec![key.into()],
        )?;
        found.first().map(|t| parse(t)).transpose()
    }

    fn file_bytes(&self, key: &str) -> CoreResult<Option<Vec<u8>>> {
        if self.file(key)?.is_none() {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        let rows = self.rows(
            "SELECT bytes FROM file_chunks WHERE key = ? ORDER BY seq",
            alloc::vec![key.into()],
        )?;
        for row in rows {
            match row.into_iter().next() {
                Some(SqlStorageValue::Blob(chunk)) => bytes.extend_from_slice(&chunk),
                _ => return Err(storage_error("a file piece is not bytes")),
            }
        }
        Ok(Some(bytes))
    }

    fn jobs(&self) -> CoreResult<Vec<Job>> {
        self.texts("SELECT body FROM jobs", Vec::new())?
            .iter()
            .map(|t| parse(t))
            .collect()
    }

    fn job(&self, id: &str) -> CoreResult<Option<Job>> {
        let found = self.texts("SELECT body FROM jobs WHERE id = ?", alloc::vec![id.into()])?;
        found.first().map(|t| parse(t)).transpose()
    }

    fn reports(
        &self,
        history_id: &str,
        start: usize,
        count: usize,
    ) -> CoreResult<(Vec<ReportRow>, usize)> {
        let rows = self
            .texts(
                "SELECT body FROM job_reports WHERE history = ? ORDER BY row LIMIT ? OFFSET ?",
                alloc::vec![
                    history_id.into(),
                    (count as i64).into(),
                    (start as i64).into()
                ],
            )?
            .iter()
            .map(|t| parse(t))
            .collect::<CoreResult<Vec<ReportRow>>>()?;
        let total = match self
            .rows(
                "SELECT COUNT(*) FROM job_reports WHERE history = ?",
                alloc::vec![history_id.into()],
            )?
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
        {
            Some(SqlStorageValue::Integer(n)) => usize::try_from(n).unwrap_or(0),
            Some(SqlStorageValue::Float(n)) => n as usize,
            _ => 0,
        };
        Ok((rows, total))
    }
}

/// Serialized effects, ready to write inside a transaction.
struct Rows {
    removed_files: Vec<String>,
    files: Vec<(String, String)>,
    appends: Vec<(String, Vec<u8>)>,
    jobs: Vec<(String, bool, String)>,
    reports: Vec<(String, i64, String)>,
}

fn rows_of(effects: Effects) -> Fallible<Rows> {
    let encode = |e: serde_json::Error| internal("encoding", e);
    Ok(Rows {
        removed_files: effects.removed_files,
        files: effects
            .files
            .iter()
            .map(|f| Ok((f.key.clone(), serde_json::to_string(f).map_err(encode)?)))
            .collect::<Fallible<_>>()?,
        appends: effects.appends,
        jobs: effects
            .jobs
            .iter()
            .map(|j| {
                Ok((
                    j.id.clone(),
                    j.is_running(),
                    serde_json::to_string(j).map_err(encode)?,
                ))
            })
            .collect::<Fallible<_>>()?,
        reports: effects
            .reports
            .iter()
            .map(|r| {
                let row = i64::try_from(r.row).unwrap_or(i64::MAX);
                Ok((
                    r.history_id.clone(),
                    row,
                    serde_json::to_string(r).map_err(encode)?,
                ))
            })
            .collect::<Fallible<_>>()?,
    })
}

fn write_rows(sql: &SqlStorage, rows: Rows) -> core::result::Result<(), String> {
    // The step's resources were written by the tenant's store as it ran.
    for key in rows.removed_files {
        sql_exec(
            sql,
            "DELETE FROM files WHERE key = ?",
            alloc::vec![key.clone().into()],
        )?;
        sql_exec(
            sql,
            "DELETE FROM file_chunks WHERE key = ?",
            alloc::vec![key.into()],
        )?;
    }
    for (key, record) in rows.files {
        sql_exec(
            sql,
            "INSERT INTO files (key, record) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET record = excluded.record",
            alloc::vec![key.into(), record.into()],
        )?;
    }
    for (key, bytes) in rows.appends {
        let next = sql
            .exec(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM file_chunks WHERE key = ?",
                alloc::vec![key.clone().into()],
            )
            .map_err(|e| e.to_string())?
            .raw()
            .next()
            .and_then(|r| r.ok())
            .and_then(|r| r.into_iter().next());
        let first = match next {
            Some(SqlStorageValue::Integer(n)) => n,
            Some(SqlStorageValue::Float(n)) => n as i64,
            _ => 0,
        };
        for (seq, piece) in (first..).zip(bytes.chunks(CHUNK_BYTES)) {
            sql_exec(
                sql,
                "INSERT INTO file_chunks (key, seq, bytes) VALUES (?, ?, ?)",
                alloc::vec![key.clone().into(), seq.into(), piece.to_vec().into()],
            )?;
        }
    }
    for (id, running, body) in rows.jobs {
        sql_exec(
            sql,
            "INSERT INTO jobs (id, running, body) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET running = excluded.running, body = excluded.body",
            alloc::vec![id.into(), i64::from(running).into(), body.into()],
        )?;
    }
    for (history, row, body) in rows.reports {
        sql_exec(
            sql,
            "INSERT OR REPLACE INTO job_reports (history, row, body) VALUES (?, ?, ?)",
            alloc::vec![history.into(), row.into(), body.into()],
        )?;
    }
    Ok(())
}

impl ScimServer {
    fn job_store(&self) -> SqlJobs {
        SqlJobs {
            sql: self.state.storage().sql(),
        }
    }

    /// Writes a request's or a step's effects in one transaction: all or nothing.
    fn write_effects(&self, effects: Effects) -> Fallible<()> {
        let rows = rows_of(effects)?;
        self.transaction(move |sql| write_rows(sql, rows))
    }

    /// Whether some job is still running (its next step is due).
    pub(super) fn job_running(&self) -> bool {
        self.job_store()
            .rows("SELECT 1 FROM jobs WHERE running = 1 LIMIT 1", Vec::new())
            .is_ok_and(|rows| !rows.is_empty())
    }

    /// A request below `/storage/v1`, `/job/v1` or `/interop/rest` for this server.
    pub(super) async fn jobs(
        &self,
        req: &Request,
        body: Vec<u8>,
        url: &Url,
        rest: &str,
    ) -> Fallible<Response> {
        let load_ms = self.load(now_ms()).await?;
        let (headers, target) = super::domain::signed_parts(req, url);
        let query = url.query().unwrap_or("");
        let origin = url.origin().ascii_serialization();
        let method = to_core(&req.method());
        let (response, engine_ms, store_ms, record) = {
            let mut slot = self.server.borrow_mut();
            let Some(server) = slot.as_mut() else {
                return Err(oci::unknown());
            };
            let request = DomainRequest {
                method: method.clone(),
                rest,
                target: &target,
                query,
                headers: &headers,
                body,
            };
            let caller = oci::authenticate_jobs(server, &request, now_ms())?;
            let content_type = request.header("content-type");
            let body = request.body;
            let base_url = format!("{origin}{}", crate::admin::EDGE.domain);
            let jobs_request = jobs::Request {
                method: &method,
                path: rest,
                query,
                content_type: content_type.as_deref(),
                body: &body,
                origin: &origin,
            };
            let mut ids = self.ids.borrow_mut();
            let mut env = CoreEnv {
                now_ms: now_ms(),
                base_url: &base_url,
                ids: &mut *ids,
            };
            let started = js_sys::Date::now();
            let answer = jobs::handle_as(
                &jobs_request,
                caller.as_ref(),
                &self.job_store(),
                &mut server.tenant,
                &mut env,
            );
            let engine_ms = js_sys::Date::now() - started;
            drop(body);
            let mut store_ms = None;
            let starts_job = answer.effects.runs_job();
            if !answer.effects.is_empty() {
                let started = js_sys::Date::now();
                if let Err(err) = self.write_effects(answer.effects) {
                    *slot = None;
                    return Err(err);
                }
                store_ms = Some(js_sys::Date::now() - started);
            }
            let record = starts_job.then(|| server.record.clone());
            (answer.response, engine_ms, store_ms, record)
        };
        if let Some(record) = record {
            self.arm(&record).await;
        }
        let mut resp = reply::from_core(response).map_err(|e| internal("response", e))?;
        let mut timing = alloc::vec![("engine", engine_ms)];
        timing.extend(load_ms.map(|ms| ("load", ms)));
        timing.extend(store_ms.map(|ms| ("store", ms)));
        set_header(&mut resp, "Server-Timing", &reply::server_timing(&timing))?;
        Ok(resp)
    }

    /// Runs up to [`STEPS_PER_ALARM`] job steps for up to [`SLICE_MS`], each step written
    /// in its own transaction.
    pub(super) fn run_jobs(&self) {
        let started = js_sys::Date::now();
        for _ in 0..STEPS_PER_ALARM {
            if js_sys::Date::now() - started >= SLICE_MS {
                return;
            }
            match self.run_step() {
                Ok(true) => {}
                Ok(false) => return,
                Err(err) => {
                    console_error!("a job step failed: {}", err.detail);
                    return;
                }
            }
        }
    }

    /// One step of the oldest running job; `false` when none is running.
    fn run_step(&self) -> Fallible<bool> {
        let store = self.job_store();
        let job = store
            .texts(
                "SELECT body FROM jobs WHERE running = 1 ORDER BY rowid LIMIT 1",
                Vec::new(),
            )?
            .first()
            .map(|t| parse::<Job>(t))
            .transpose()?;
        let Some(mut job) = job else {
            *self.input.borrow_mut() = None;
            return Ok(false);
        };
        let input = self.input_of(&store, &job)?;
        let mut slot = self.server.borrow_mut();
        let Some(server) = slot.as_mut() else {
            return Ok(false);
        };
        let base_url = format!("http://localhost{}", crate::admin::EDGE.domain);
        let mut ids = self.ids.borrow_mut();
        let mut env = CoreEnv {
            now_ms: now_ms(),
            base_url: &base_url,
            ids: &mut *ids,
        };
        let effects = jobs::advance(
            &mut job,
            &input,
            &mut server.tenant,
            &mut env,
            jobs::STEP_ROWS,
        );
        if let Err(err) = self.write_effects(effects) {
            // The tenant in memory is ahead of storage: reload it, and fail the job so
            // that it does not fail again at every alarm.
            *slot = None;
            job.status = jobs::Status::Failed;
            job.error = Some(format!("the server could not store a step: {}", err.detail));
            job.end_ms = Some(now_ms());
            let failed = Effects {
                jobs: alloc::vec![job],
                ..Effects::default()
            };
            self.write_effects(failed)?;
            return Err(err);
        }
        Ok(true)
    }

    /// The job's input file, read once per job (and again after an eviction).
    fn input_of(&self, store: &SqlJobs, job: &Job) -> Fallible<Rc<Vec<u8>>> {
        let Some(key) = &job.input else {
            return Ok(Rc::new(Vec::new()));
        };
        if let Some((cached, bytes)) = self.input.borrow().as_ref() {
            if cached == key {
                return Ok(bytes.clone());
            }
        }
        let bytes = Rc::new(store.file_bytes(key)?.unwrap_or_default());
        *self.input.borrow_mut() = Some((key.clone(), bytes.clone()));
        Ok(bytes)
    }
}
