//! CSV jobs (and EPM's Add Users) of an `oci` sandbox server: the browser's side of
//! `crate::jobs`, which decides everything. The server keeps its jobs' state in a
//! [`jobs::MemoryStore`] beside its tenant (loaded from IndexedDB with [`Server::load_jobs`]);
//! a request or a step applies its effects there and hands them to the host as one
//! IndexedDB change (`www/js/local-host.js`), exactly as the Worker writes them to SQLite.
//! If that write fails the host drops the whole server and loads it again, so memory never
//! runs ahead of storage.

use super::{
    changes_value, error_response_value, fill_response, set, RootRequest, Sandbox, Server,
};
use crate::env::Env;
use crate::error::ScimError;
use crate::jobs::{self, Effects, Job, ReportRow, StoredFile};
use crate::persona::oci;
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

fn unreadable(what: &str, e: impl core::fmt::Display) -> JsValue {
    error_response_value(&ScimError::new(
        500,
        None,
        alloc::format!("a stored {what} is unreadable: {e}"),
    ))
}

fn encoding(e: serde_json::Error) -> JsValue {
    error_response_value(&ScimError::new(500, None, alloc::format!("encoding: {e}")))
}

/// `{upserted, deleted, jobs: {removedFiles, files: [[key, json]], appends: [[key, bytes]],
/// jobs: [[id, json]], reports: [[historyId, row, json]]}, running}`: what to write, in one
/// transaction, and whether a job is left running (the host steps it).
fn effects_value(effects: &Effects) -> Result<Object, JsValue> {
    let out = changes_value(&effects.changes)?;
    let jobs = Object::new();
    let removed: Array = effects
        .removed_files
        .iter()
        .map(|k| JsValue::from(k.as_str()))
        .collect();
    set(&jobs, "removedFiles", &removed)?;
    let files = Array::new();
    for file in &effects.files {
        let json = serde_json::to_string(file).map_err(encoding)?;
        files.push(&Array::of2(&file.key.as_str().into(), &json.into()));
    }
    set(&jobs, "files", &files)?;
    let appends = Array::new();
    for (key, bytes) in &effects.appends {
        appends.push(&Array::of2(
            &key.as_str().into(),
            &Uint8Array::from(bytes.as_slice()),
        ));
    }
    set(&jobs, "appends", &appends)?;
    let records = Array::new();
    for job in &effects.jobs {
        let json = serde_json::to_string(job).map_err(encoding)?;
        records.push(&Array::of2(&job.id.as_str().into(), &json.into()));
    }
    set(&jobs, "jobs", &records)?;
    let reports = Array::new();
    for row in &effects.reports {
        let json = serde_json::to_string(row).map_err(encoding)?;
        reports.push(&Array::of3(
            &row.history_id.as_str().into(),
            &(row.row as f64).into(),
            &json.into(),
        ));
    }
    set(&jobs, "reports", &reports)?;
    set(&out, "jobs", &jobs)?;
    set(&out, "running", &effects.runs_job().into())?;
    Ok(out)
}

#[wasm_bindgen]
impl Server {
    /// Loads what IndexedDB keeps for this server's jobs: file records (JSON) with their
    /// bytes (`fileBytes[i]` belongs to `files[i]`), job records and report rows (JSON).
    #[wasm_bindgen(js_name = loadJobs)]
    pub fn load_jobs(
        &mut self,
        files: Vec<String>,
        file_bytes: Vec<Uint8Array>,
        jobs: Vec<String>,
        reports: Vec<String>,
    ) -> Result<(), JsValue> {
        let mut store = jobs::MemoryStore::default();
        for (json, bytes) in files.iter().zip(file_bytes.iter()) {
            let file: StoredFile = serde_json::from_str(json).map_err(|e| unreadable("file", e))?;
            store.files.insert(file.key.clone(), (file, bytes.to_vec()));
        }
        for json in &jobs {
            let job: Job = serde_json::from_str(json).map_err(|e| unreadable("job", e))?;
            store.jobs.insert(job.id.clone(), job);
        }
        for json in &reports {
            let row: ReportRow =
                serde_json::from_str(json).map_err(|e| unreadable("job report", e))?;
            store
                .reports
                .entry(row.history_id.clone())
                .or_default()
                .push(row);
        }
        for rows in store.reports.values_mut() {
            rows.sort_by_key(|r| r.row);
        }
        self.jobs = store;
        Ok(())
    }

    /// A request to `/sandbox{rest}` below `/storage/v1`, `/job/v1` or `/interop/rest` for
    /// this server: authenticated in full like `/admin/v1` (EPM's with its Basic
    /// credential), then handled by the engine's jobs. Returns the response with the
    /// effects to write first (see `effects_value`), or throws the error response.
    pub fn jobs(
        &mut self,
        sandbox: &Sandbox,
        mut request: RootRequest,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let domain = request.as_domain();
        let caller = oci::authenticate_jobs(&self.server, &domain, now_ms as i64)
            .map_err(|e| error_response_value(&e))?;
        let content_type = domain.header("content-type");
        let origin = sandbox.origin_root();
        let request = jobs::Request {
            method: &domain.method,
            path: domain.rest,
            query: domain.query,
            content_type: content_type.as_deref(),
            body: &domain.body,
            origin: &origin,
        };
        let base_url = alloc::format!("{}{}", sandbox.origin, sandbox.layout.domain);
        let mut env = Env {
            now_ms: now_ms as i64,
            base_url: &base_url,
            ids: &mut self.ids,
        };
        let answer = jobs::handle_as(
            &request,
            caller.as_ref(),
            &self.jobs,
            &mut self.server.tenant,
            &mut env,
        );
        self.jobs.apply(&answer.effects);
        let out = effects_value(&answer.effects)?;
        fill_response(&out, &answer.response)?;
        Ok(out.into())
    }

    /// Whether some job of this server is still running.
    #[wasm_bindgen(js_name = jobsRunning)]
    pub fn jobs_running(&self) -> bool {
        self.jobs.jobs.values().any(Job::is_running)
    }

    /// One step of the oldest running job, `budget` rows: the effects to write (see
    /// `effects_value`), or `null` when no job is running.
    #[wasm_bindgen(js_name = jobStep)]
    pub fn job_step(
        &mut self,
        sandbox: &Sandbox,
        budget: usize,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let Some(mut job) = self
            .jobs
            .jobs
            .values()
            .filter(|j| j.is_running())
            .min_by(|a, b| {
                a.created_ms
                    .cmp(&b.created_ms)
                    .then_with(|| a.id.cmp(&b.id))
            })
            .cloned()
        else {
            return Ok(JsValue::NULL);
        };
        let base_url = alloc::format!("{}{}", sandbox.origin, sandbox.layout.domain);
        let mut env = Env {
            now_ms: now_ms as i64,
            base_url: &base_url,
            ids: &mut self.ids,
        };
        // The input's bytes stay where the store keeps them: a step reads, never copies.
        let input: &[u8] = job
            .input
            .as_ref()
            .and_then(|key| self.jobs.files.get(key))
            .map_or(&[], |(_, bytes)| bytes.as_slice());
        let effects = jobs::advance(&mut job, input, &mut self.server.tenant, &mut env, budget);
        self.jobs.apply(&effects);
        Ok(effects_value(&effects)?.into())
    }
}

#[wasm_bindgen]
impl Sandbox {
    /// The server an EPM request (`/sandbox/interop/rest/...`) is for: the `<domain>` of its
    /// HTTP Basic user `<domain>.<user>`; or throws the 401.
    #[wasm_bindgen(js_name = locateEpm)]
    pub fn locate_epm(&self, authorization: Option<String>) -> Result<String, JsValue> {
        oci::epm::locate(authorization.as_deref()).map_err(|e| error_response_value(&e))
    }
}

impl Sandbox {
    /// The origin the sandbox's identity domains answer at, for links in answers
    /// (`http://host/sandbox`): the domain API's root.
    fn origin_root(&self) -> String {
        let root = self
            .layout
            .domain
            .strip_suffix("/admin/v1")
            .unwrap_or(self.layout.domain);
        alloc::format!("{}{root}", self.origin)
    }
}
