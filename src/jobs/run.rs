//! Running a job a step at a time: [`step`] processes up to a budget of rows of a
//! [`Job`] (an import's rows through `csv::Importer`, an export's resources through
//! `csv::Exporter`, EPM's Add Users through `epm.rs`), advances its cursor and counts, and
//! returns what to persist, together, in one transaction: the tenant's changes, the
//! rows' reports and the piece of the output file. A host runs steps until the job is no
//! longer running; after an eviction it picks the job up from its record.

use super::epm;
use super::file::StoredFile;
use super::job::{Job, Status, Work};
use super::report::{self, ReportRow};
use crate::csv::{Action, Exporter, Importer, Options, RowOutcome};
use crate::env::Env;
use crate::tenant::{ChangeSet, Tenant};
use crate::value::Value;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Rows a host processes per step: each step is one storage transaction.
pub const STEP_ROWS: usize = 1000;

/// What one step did, to persist together.
#[derive(Debug, Default)]
pub struct Progress {
    /// The tenant's writes.
    pub changes: ChangeSet,
    /// One per row processed (blank rows have none).
    pub reports: Vec<ReportRow>,
    /// Bytes to append to the job's output file (an export).
    pub output: Vec<u8>,
    /// The output file's record when it changed (an export's size, its completion).
    pub output_file: Option<StoredFile>,
}

/// Processes up to `budget` rows of `job` over its input file's bytes (empty for an
/// export) and returns what to persist with the updated job. A job that is not running
/// is left as it is.
pub fn step(
    job: &mut Job,
    input: &[u8],
    tenant: &mut Tenant,
    env: &mut Env,
    budget: usize,
) -> Progress {
    let mut progress = Progress::default();
    if job.status != Status::Running {
        return progress;
    }
    match job.work {
        Work::Import(kind) => import(job, kind, input, tenant, env, budget, &mut progress),
        Work::Export(kind) => export(job, kind, tenant, env, budget, &mut progress),
        Work::EpmAddUsers => epm::add_users(job, input, tenant, env, budget, &mut progress),
    }
    progress
}

fn import(
    job: &mut Job,
    kind: crate::csv::Kind,
    input: &[u8],
    tenant: &mut Tenant,
    env: &mut Env,
    budget: usize,
    progress: &mut Progress,
) {
    let options = Options {
        app_display_name: job.app_display_name.clone(),
        caller: job.requested_by.as_ref().map(super::job::Requester::caller),
    };
    let cursor = job
        .cursor
        .unwrap_or(crate::csv::Cursor { offset: 0, row: 0 });
    // The file was counted when the job was scheduled (`job.total`).
    let importer = Importer::resume_counted(kind, input, tenant, &options, cursor, job.total);
    let mut importer = match importer {
        Ok(importer) => importer,
        Err(e) => return job.fail(e.detail, env.now_ms),
    };
    job.total = importer.total();
    let step = importer.step(tenant, env, budget);
    progress.changes = step.changes;
    for outcome in &step.outcomes {
        match row_report(job, outcome, tenant) {
            Some(row) => {
                report::count(job, &row);
                progress.reports.push(row);
            }
            None => job.done += 1,
        }
    }
    job.cursor = Some(importer.cursor());
    if importer.is_finished() {
        job.finish(env.now_ms);
    }
}

/// A row's report; `None` for a blank row (counted as done, neither way).
fn row_report(job: &Job, outcome: &RowOutcome, tenant: &Tenant) -> Option<ReportRow> {
    let (ok, status, message, id) = match &outcome.result {
        Ok(applied) => {
            let status = match applied.action {
                Action::Created => "Create Succeeded",
                Action::Updated => "Update Succeeded",
                Action::Unchanged => "No Change",
                Action::Skipped => return None,
            };
            (
                true,
                status,
                String::new(),
                applied.id.as_deref().map(String::from),
            )
        }
        Err(e) => (false, "Failed", e.detail.clone(), None),
    };
    let mut row = ReportRow {
        history_id: job.id.clone(),
        row: outcome.row,
        ok,
        status: status.to_string(),
        message,
        key: outcome.key.clone(),
        resource_id: id,
        email: None,
        first_name: None,
        last_name: None,
    };
    if let (Work::Import(crate::csv::Kind::Users), Some(id)) = (job.work, row.resource_id.clone()) {
        describe_user(&mut row, tenant, &id);
    }
    Some(row)
}

/// A user's e-mail and names for its report row, as stored.
pub(crate) fn describe_user(row: &mut ReportRow, tenant: &Tenant, id: &str) {
    let Some(user) = tenant.get("User", id) else {
        return;
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(String::from);
    row.first_name = text(user.pointer("/name/givenName"));
    row.last_name = text(user.pointer("/name/familyName"));
    let emails = user.get("emails").and_then(Value::as_array);
    let primary = emails.and_then(|list| {
        list.iter()
            .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
            .or_else(|| list.first())
    });
    row.email = text(primary.and_then(|e| e.get("value")));
}

fn export(
    job: &mut Job,
    kind: crate::csv::Kind,
    tenant: &mut Tenant,
    env: &mut Env,
    budget: usize,
    progress: &mut Progress,
) {
    let exporter = Exporter::resume(kind, tenant, job.export_cursor.clone().unwrap_or_default())
        .and_then(|e| e.select(&job.attributes_to_get, &job.attributes_to_exclude))
        .and_then(|e| match &job.filter {
            Some(filter) => e.only(filter),
            None => Ok(e),
        });
    let mut exporter = match exporter {
        Ok(exporter) => exporter,
        Err(e) => return job.fail(e.detail, env.now_ms),
    };
    if job.export_cursor.is_none() {
        job.total = exporter.total();
    }
    let before = exporter.done();
    match exporter.step(tenant, env.base_url, budget) {
        Ok(piece) => progress.output = piece,
        Err(e) => return job.fail(e.detail, env.now_ms),
    }
    let written = exporter.done().saturating_sub(before);
    job.done += written;
    job.succeeded += written;
    job.export_cursor = Some(exporter.cursor().clone());
    if exporter.is_finished() {
        // A filtered export's total is what it wrote.
        job.total = job.done;
        job.finish(env.now_ms);
    }
    job.output_bytes += progress.output.len();
    if let Some(key) = &job.output {
        progress.output_file = Some(StoredFile {
            key: key.clone(),
            content_type: "text/csv".into(),
            is_public: false,
            size: job.output_bytes,
            created_ms: job.created_ms,
            complete: !job.is_running(),
        });
    }
}
