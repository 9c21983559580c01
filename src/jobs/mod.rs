//! CSV jobs at an identity domain's origin (`oci` persona): file storage, job schedules,
//! their histories and per-row reports, and EPM Cloud's Add Users. Every rule is here,
//! once; hosts keep the records and bytes, and run steps.
//!
//! API shape (what a host does):
//! ```text
//!   // A request below /storage/v1, /job/v1 or /interop/rest, already authenticated:
//!   let answer = jobs::handle(&jobs::Request { method, path, query, content_type, body,
//!                                               origin }, &store, &mut tenant, &mut env);
//!   // persist answer.effects in ONE transaction, then send answer.response.
//!   // `store: impl JobStore` reads what the host keeps: file records and bytes, jobs,
//!   // report rows.
//!
//!   // Background (an alarm, a timer): while some job `is_running()`:
//!   let effects = jobs::advance(&mut job, &input_bytes, &mut tenant, &mut env, jobs::STEP_ROWS);
//!   // persist effects (tenant changes + the job + its report rows + output bytes) in ONE
//!   // transaction; answer other requests between steps.
//! ```
//! [`Effects`] say what to write: the tenant's [`ChangeSet`], files removed, file records
//! upserted, bytes appended to files (hosts keep them in pieces of at most
//! [`file::CHUNK_BYTES`]), job records upserted, report rows added. Apply them in that
//! order.
//!
//! Endpoints (paths from the origin's root):
//! - `POST /storage/v1/Files` (multipart: `fileName`, `contentType`, `isPublic`, `file`)
//!   and `GET /storage/v1/Files?fileName=` (`files/<ts>/x.csv`, `export/<ts>/Export_<hid>.csv`);
//! - `POST /job/v1/JobSchedules` ([`job::Order`]: imports, exports, generic `Import` /
//!   `Export`), `GET /job/v1/JobSchedules/{id}`;
//! - `GET /job/v1/JobHistories[?filter=jobScheduleid eq "..."]`, `GET /job/v1/JobHistories/{id}`;
//! - `GET /job/v1/JobReports?filter=historyId eq "..."` and the typed reports
//!   (`UserImportJobReports`, `GroupImportJobReports`, `AppRoleImportJobReports`);
//! - EPM (`epm.rs`): `/interop/rest/11.1.2.3.600/applicationsnapshots/{name}[/contents]`,
//!   `/interop/rest/security/v1/users`, `/interop/rest/security/v1/jobs/{id}`.
//!
//! An import's file is checked whole when the job is scheduled (52 MB, 100,000 rows, its
//! header against the tenant's columns): a refused job writes nothing at all.
//!
//! Modules: `multipart` (bounded form parsing), `file` (stored files), `job` (orders and
//! job records), `report` (per-row reports), `run` (the step function), `handle` (the
//! endpoints), `store` (what hosts keep, and what to write), `epm` (EPM's endpoints).

pub mod epm;
pub mod file;
mod handle;
pub mod job;
pub mod multipart;
pub mod report;
pub mod run;
mod store;

pub use file::StoredFile;
pub use handle::{handle, handle_as};
pub use job::{Job, Order, Status, Work};
pub use report::ReportRow;
pub use run::{step, Progress, STEP_ROWS};
pub use store::{Effects, JobStore, MemoryStore};

use crate::env::Env;
use crate::http::{Method, Response};
use crate::tenant::Tenant;

/// A request below `/storage/v1`, `/job/v1` or `/interop/rest`, authenticated.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The method.
    pub method: &'a Method,
    /// The path from the origin's root, still percent-encoded (`/job/v1/JobSchedules`).
    pub path: &'a str,
    /// The query without `?`.
    pub query: &'a str,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
    /// The origin (`http://127.0.0.1:8787`), for links.
    pub origin: &'a str,
}

/// A response and what to persist before sending it.
#[derive(Debug)]
pub struct Answer {
    /// What to send.
    pub response: Response,
    /// What to write first.
    pub effects: Effects,
}

/// Whether a root path is one of the jobs' endpoints.
pub fn is_jobs_path(path: &str) -> bool {
    ["/storage/v1/", "/job/v1/", "/interop/rest/"]
        .iter()
        .any(|p| path.starts_with(p) || path == p.trim_end_matches('/'))
}

/// Whether a root path is EPM's (HTTP Basic as `<domain>.<user>`).
pub fn is_epm_path(path: &str) -> bool {
    path.starts_with("/interop/rest/")
}

/// The most body bytes a jobs request may carry: a whole file and its form around it.
pub const MAX_BODY_BYTES: usize = file::MAX_FILE_BYTES + 64 * 1024;

/// One step of a running job (see [`run::step`]), as effects to persist together.
pub fn advance(
    job: &mut Job,
    input: &[u8],
    tenant: &mut Tenant,
    env: &mut Env,
    budget: usize,
) -> Effects {
    let progress = run::step(job, input, tenant, env, budget);
    let mut effects = Effects {
        changes: progress.changes,
        reports: progress.reports,
        ..Effects::default()
    };
    if let Some(output) = &job.output {
        if !progress.output.is_empty() {
            effects.appends.push((output.clone(), progress.output));
        }
    }
    effects.files.extend(progress.output_file);
    effects.jobs.push(job.clone());
    effects
}

#[cfg(test)]
mod tests;
