//! A job's report: one [`ReportRow`] per row of its file, failed or succeeded, and how
//! it reads as `JobReports` (every job) and as the typed reports (`UserImportJobReports`,
//! `GroupImportJobReports`, `AppRoleImportJobReports`) with their extension.

use super::job::{Job, Work};
use crate::csv::Kind;
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The `JobReport` schema.
pub const REPORT_SCHEMA: &str = "urn:ietf:params:scim:schemas:oracle:idcs:JobReport";

/// The typed report resources, by the file kind they report on.
pub const TYPED: [(&str, Kind); 3] = [
    ("UserImportJobReports", Kind::Users),
    ("GroupImportJobReports", Kind::Groups),
    ("AppRoleImportJobReports", Kind::AppRoles),
];

fn extension_urn(kind: Kind) -> &'static str {
    match kind {
        Kind::Users => "urn:ietf:params:scim:schemas:oracle:idcs:extension:UserImport:JobReport",
        Kind::Groups => "urn:ietf:params:scim:schemas:oracle:idcs:extension:GroupImport:JobReport",
        Kind::AppRoles => {
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:AppRoleImport:JobReport"
        }
    }
}

/// One row's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRow {
    /// The job (history) it belongs to.
    pub history_id: String,
    /// The row's number in the file (the first after the header is 1).
    pub row: usize,
    /// Whether it went through.
    pub ok: bool,
    /// `Create Succeeded`, `Update Succeeded`, `No Change`, `Skipped`, `Create Failed`,
    /// `Update Failed`.
    pub status: String,
    /// Why it failed (empty when it went through).
    pub message: String,
    /// What the row names (a user name, a group name, a grantee).
    pub key: String,
    /// The resource it wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// A user's e-mail, first and last name, as stored after the row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

impl ReportRow {
    /// The report entry's id: the job's and the row's.
    pub fn id(&self) -> String {
        format!("{}-{}", self.history_id, self.row)
    }

    /// The `JobReports` entry.
    pub fn generic(&self, job: &Job) -> Value {
        let mut body = self.base(job);
        body.insert("schemas", Value::Array(vec![Value::from(REPORT_SCHEMA)]));
        Value::Object(body)
    }

    /// The typed entry (`UserImportJobReports`), with its extension.
    pub fn typed(&self, job: &Job, kind: Kind) -> Value {
        let urn = extension_urn(kind);
        let mut body = self.base(job);
        body.insert(
            "schemas",
            Value::Array(vec![Value::from(REPORT_SCHEMA), Value::from(urn)]),
        );
        let mut ext = Map::with_capacity(9);
        ext.insert("status", Value::from(self.status.as_str()));
        ext.insert(
            "requestData",
            Value::from(format!("row {}: {}", self.row, self.key)),
        );
        ext.insert(
            "responseData",
            Value::from(if self.ok {
                self.status.as_str()
            } else {
                self.message.as_str()
            }),
        );
        let id_name = match kind {
            Kind::Users => "userId",
            Kind::Groups => "groupId",
            Kind::AppRoles => "grantId",
        };
        if let Some(id) = &self.resource_id {
            ext.insert(id_name, Value::from(id.as_str()));
        }
        let name_key = match kind {
            Kind::Users => "userName",
            Kind::Groups => "displayName",
            Kind::AppRoles => "grantee",
        };
        ext.insert(name_key, Value::from(self.key.as_str()));
        for (name, value) in [
            ("email", &self.email),
            ("firstName", &self.first_name),
            ("lastName", &self.last_name),
        ] {
            if let Some(v) = value {
                ext.insert(name, Value::from(v.as_str()));
            }
        }
        body.insert(urn, Value::Object(ext));
        Value::Object(body)
    }

    fn base(&self, job: &Job) -> Map {
        let mut body = Map::with_capacity(8);
        body.insert("id", Value::from(self.id()));
        body.insert("historyId", Value::from(self.history_id.as_str()));
        body.insert("jobType", Value::from(job.job_type.as_str()));
        body.insert("lineNumber", Value::from(self.row as u64));
        body.insert(
            "type",
            Value::from(if self.ok { "Success" } else { "Error" }),
        );
        body.insert(
            "message",
            Value::from(if self.ok {
                self.status.as_str()
            } else {
                self.message.as_str()
            }),
        );
        body
    }
}

/// The kind a typed report resource reports on, by its endpoint name.
pub fn typed_kind(endpoint: &str) -> Option<Kind> {
    TYPED
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(endpoint))
        .map(|(_, kind)| *kind)
}

/// Whether a job's rows show in a typed report of `kind` (imports of that kind).
pub fn reports_on(job: &Job, kind: Kind) -> bool {
    matches!(job.work, Work::Import(k) if k == kind)
        || (job.work == Work::EpmAddUsers && kind == Kind::Users)
}

/// A list answer of SCIM resources.
pub fn list_answer(resources: Vec<Value>, total: usize, start_index: usize) -> Value {
    let mut body = Map::with_capacity(5);
    body.insert(
        "schemas",
        Value::Array(vec![Value::from(
            "urn:ietf:params:scim:api:messages:2.0:ListResponse",
        )]),
    );
    body.insert("totalResults", Value::from(total as u64));
    body.insert("itemsPerPage", Value::from(resources.len() as u64));
    body.insert("startIndex", Value::from(start_index as u64));
    body.insert("Resources", Value::Array(resources));
    Value::Object(body)
}

/// Counts a row into its job's totals.
pub(crate) fn count(job: &mut Job, row: &ReportRow) {
    job.done += 1;
    if row.ok {
        job.succeeded += 1;
    } else {
        job.failed += 1;
    }
}
