//! What hosts keep for jobs ([`JobStore`], read back), what a request or a step asks them
//! to write ([`Effects`]), and [`MemoryStore`], an in-memory store that applies them.

use super::{Job, ReportRow, StoredFile};
use crate::error::Result;
use crate::tenant::ChangeSet;
use alloc::string::String;
use alloc::vec::Vec;

/// What a host keeps for jobs, read back. Errors are the host's storage failures.
pub trait JobStore {
    /// A file's record.
    fn file(&self, key: &str) -> Result<Option<StoredFile>>;
    /// A file's bytes, whole.
    fn file_bytes(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Every job of the server, any order.
    fn jobs(&self) -> Result<Vec<Job>>;
    /// One job.
    fn job(&self, id: &str) -> Result<Option<Job>>;
    /// A job's report rows in row order: `count` of them from the `start`-th (0-based),
    /// and how many it has in all.
    fn reports(
        &self,
        history_id: &str,
        start: usize,
        count: usize,
    ) -> Result<(Vec<ReportRow>, usize)>;
}

/// What to persist, in one transaction, in this order.
#[derive(Debug, Default)]
pub struct Effects {
    /// The tenant's writes.
    pub changes: ChangeSet,
    /// Files to remove (records and bytes).
    pub removed_files: Vec<String>,
    /// File records to upsert.
    pub files: Vec<StoredFile>,
    /// Bytes to append to files, by key.
    pub appends: Vec<(String, Vec<u8>)>,
    /// Job records to upsert.
    pub jobs: Vec<Job>,
    /// Report rows to add.
    pub reports: Vec<ReportRow>,
}

impl Effects {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.removed_files.is_empty()
            && self.files.is_empty()
            && self.appends.is_empty()
            && self.jobs.is_empty()
            && self.reports.is_empty()
    }

    /// Whether a job was left running: the host schedules its next step.
    pub fn runs_job(&self) -> bool {
        self.jobs.iter().any(Job::is_running)
    }
}

/// An in-memory [`JobStore`] that applies [`Effects`]: for tests, and a host that keeps
/// jobs in memory and persists elsewhere.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    /// File records with their bytes.
    pub files: alloc::collections::BTreeMap<String, (StoredFile, Vec<u8>)>,
    /// Jobs by id.
    pub jobs: alloc::collections::BTreeMap<String, Job>,
    /// Report rows by job, in row order.
    pub reports: alloc::collections::BTreeMap<String, Vec<ReportRow>>,
}

impl MemoryStore {
    /// Applies effects (not the tenant's changes: the tenant holds those already).
    pub fn apply(&mut self, effects: &Effects) {
        for key in &effects.removed_files {
            self.files.remove(key);
        }
        for record in &effects.files {
            let bytes = self
                .files
                .remove(&record.key)
                .map(|(_, b)| b)
                .unwrap_or_default();
            self.files
                .insert(record.key.clone(), (record.clone(), bytes));
        }
        for (key, bytes) in &effects.appends {
            if let Some((_, stored)) = self.files.get_mut(key) {
                stored.extend_from_slice(bytes);
            }
        }
        for job in &effects.jobs {
            self.jobs.insert(job.id.clone(), job.clone());
        }
        for row in &effects.reports {
            self.reports
                .entry(row.history_id.clone())
                .or_default()
                .push(row.clone());
        }
    }
}

impl JobStore for MemoryStore {
    fn file(&self, key: &str) -> Result<Option<StoredFile>> {
        Ok(self.files.get(key).map(|(f, _)| f.clone()))
    }
    fn file_bytes(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.files.get(key).map(|(_, b)| b.clone()))
    }
    fn jobs(&self) -> Result<Vec<Job>> {
        Ok(self.jobs.values().cloned().collect())
    }
    fn job(&self, id: &str) -> Result<Option<Job>> {
        Ok(self.jobs.get(id).cloned())
    }
    fn reports(
        &self,
        history_id: &str,
        start: usize,
        count: usize,
    ) -> Result<(Vec<ReportRow>, usize)> {
        let rows = self
            .reports
            .get(history_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        Ok((
            rows.iter().skip(start).take(count).cloned().collect(),
            rows.len(),
        ))
    }
}
