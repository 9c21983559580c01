//! Jobs: what `POST /job/v1/JobSchedules` asks for ([`Order`]), the record a host keeps of
//! each run ([`Job`]: its state, cursor and counts, enough to resume after an eviction),
//! and how it reads as a `JobSchedule` and a `JobHistory`.
//!
//! A schedule runs once, at once: its history id is the job's id, its schedule id is
//! derived from it, so one record is both.

use crate::csv::{Cursor, ExportCursor, Kind};
use crate::error::{Result, ScimError};
use crate::persona::{Caller, CallerKind};
use crate::time::format_millis;
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The `JobSchedule` schema.
pub const SCHEDULE_SCHEMA: &str = "urn:ietf:params:scim:schemas:oracle:idcs:JobSchedule";
/// The `JobHistory` schema.
pub const HISTORY_SCHEMA: &str = "urn:ietf:params:scim:schemas:oracle:idcs:JobHistory";

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Work {
    /// Import a file of this kind.
    Import(#[serde(with = "kind_name")] Kind),
    /// Export resources to a file of this kind.
    Export(#[serde(with = "kind_name")] Kind),
    /// EPM's Add Users: `First Name,Last Name,Email,User Login` rows, new users only.
    EpmAddUsers,
}

mod kind_name {
    use crate::csv::Kind;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(kind: &Kind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.resource_type())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        let name = alloc::string::String::deserialize(d)?;
        super::kind_of(&name).ok_or_else(|| serde::de::Error::custom("unknown resource type"))
    }
}

/// The file kind of a resource type name (`User`, `Group`, `Grant`; `AppRole` too).
pub fn kind_of(resource_type: &str) -> Option<Kind> {
    [
        ("User", Kind::Users),
        ("Users", Kind::Users),
        ("Group", Kind::Groups),
        ("Groups", Kind::Groups),
        ("Grant", Kind::AppRoles),
        ("AppRole", Kind::AppRoles),
    ]
    .into_iter()
    .find(|(name, _)| name.eq_ignore_ascii_case(resource_type.trim()))
    .map(|(_, kind)| kind)
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Accepted; its rows are being processed.
    Running,
    /// Every row was processed (some may have failed: see the counts).
    Succeeded,
    /// The job as a whole failed (its file vanished, the server changed under it).
    Failed,
}

impl Status {
    /// How `JobHistories` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
        }
    }
}

/// One job: what it does, where it stands. Hosts persist it after every step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// The job's id: its `JobHistory` id (and, EPM, its job id).
    pub id: String,
    /// The `JobSchedule` id.
    pub schedule_id: String,
    /// The job type as asked (`UserImport`, `Import`, `ADD_USERS`, ...).
    pub job_type: String,
    /// What it does.
    pub work: Work,
    /// The parameters as sent, for the schedule's answer.
    #[serde(default)]
    pub parameters: Vec<(String, String)>,
    /// The input file's key (imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The output file's key (exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Bytes written to the output file so far.
    #[serde(default)]
    pub output_bytes: usize,
    /// AppRoleMembership.csv's app, when the file has no `App Name` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_display_name: Option<String>,
    /// EPM: the password new users get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_password: Option<String>,
    /// Exports: the columns asked for (`attributesToGet`), by heading or attribute name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes_to_get: Vec<String>,
    /// Exports: the columns left out (`attributesToExclude`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes_to_exclude: Vec<String>,
    /// Exports: which resources (a SCIM filter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Who scheduled it: what its rows are written as (`idcsCreatedBy`); `None`: the
    /// server itself (its own token, EPM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<Requester>,
    /// Where it stands.
    pub status: Status,
    /// Why the job as a whole failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Rows in all (an export: resources when it started).
    pub total: usize,
    /// Rows processed.
    pub done: usize,
    /// Rows that went through.
    pub succeeded: usize,
    /// Rows that failed.
    pub failed: usize,
    /// An import's cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
    /// An export's cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_cursor: Option<ExportCursor>,
    /// When it was scheduled.
    pub created_ms: i64,
    /// When it started.
    pub start_ms: i64,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
}

impl Job {
    /// A job that starts running at `now_ms`, with nothing processed, no files and no
    /// options: each kind of job sets what it has on top.
    pub(crate) fn started(
        id: String,
        schedule_id: String,
        job_type: String,
        work: Work,
        now_ms: i64,
    ) -> Job {
        Job {
            id,
            schedule_id,
            job_type,
            work,
            parameters: Vec::new(),
            input: None,
            output: None,
            output_bytes: 0,
            app_display_name: None,
            user_password: None,
            attributes_to_get: Vec::new(),
            attributes_to_exclude: Vec::new(),
            filter: None,
            requested_by: None,
            status: Status::Running,
            error: None,
            total: 0,
            done: 0,
            succeeded: 0,
            failed: 0,
            cursor: None,
            export_cursor: None,
            created_ms: now_ms,
            start_ms: now_ms,
            end_ms: None,
        }
    }

    /// Whether it still has rows to process.
    pub fn is_running(&self) -> bool {
        self.status == Status::Running
    }

    /// Percent done, 0 to 100.
    pub fn percentage(&self) -> usize {
        match (self.status, self.total) {
            (Status::Running, 0) => 0,
            (Status::Running, total) => (self.done.min(total) * 100 / total).min(99),
            _ => 100,
        }
    }

    /// Marks it finished at `now_ms`.
    pub(crate) fn finish(&mut self, now_ms: i64) {
        if self.status == Status::Running {
            self.status = Status::Succeeded;
        }
        self.end_ms = Some(now_ms);
    }

    /// Marks the whole job failed.
    pub(crate) fn fail(&mut self, why: String, now_ms: i64) {
        self.status = Status::Failed;
        self.error = Some(why);
        self.end_ms = Some(now_ms);
    }

    fn parameters_value(&self) -> Value {
        Value::Array(
            self.parameters
                .iter()
                .map(|(name, value)| {
                    let mut p = Map::with_capacity(2);
                    p.insert("name", Value::from(name.as_str()));
                    p.insert("value", Value::from(value.as_str()));
                    Value::Object(p)
                })
                .collect(),
        )
    }

    /// The `JobSchedule` answer of `POST /job/v1/JobSchedules`.
    pub fn schedule_answer(&self) -> Value {
        let mut body = Map::with_capacity(7);
        body.insert("schemas", Value::Array(vec![Value::from(SCHEDULE_SCHEMA)]));
        body.insert("id", Value::from(self.schedule_id.as_str()));
        body.insert("jobType", Value::from(self.job_type.as_str()));
        body.insert("runNow", Value::Bool(true));
        let at = Value::from(format_millis(self.created_ms).as_str());
        body.insert("nextFireTime", at.clone());
        body.insert("runAt", at);
        body.insert("parameters", self.parameters_value());
        Value::Object(body)
    }

    /// The `JobHistory` resource.
    pub fn history(&self) -> Value {
        let mut body = Map::with_capacity(16);
        body.insert("schemas", Value::Array(vec![Value::from(HISTORY_SCHEMA)]));
        body.insert("id", Value::from(self.id.as_str()));
        body.insert("jobScheduleid", Value::from(self.schedule_id.as_str()));
        body.insert("jobType", Value::from(self.job_type.as_str()));
        body.insert("status", Value::from(self.status.as_str()));
        body.insert("totalCount", Value::from(self.total as u64));
        body.insert("successCount", Value::from(self.succeeded as u64));
        body.insert("failureCount", Value::from(self.failed as u64));
        body.insert("percentage", Value::from(self.percentage() as u64));
        body.insert(
            "startTime",
            Value::from(format_millis(self.start_ms).as_str()),
        );
        if let Some(end) = self.end_ms {
            body.insert("endTime", Value::from(format_millis(end).as_str()));
        }
        if let Some(output) = &self.output {
            body.insert("fileName", Value::from(format!("files/{output}")));
        }
        if let Some(error) = &self.error {
            body.insert("message", Value::from(error.as_str()));
        }
        body.insert("parameters", self.parameters_value());
        Value::Object(body)
    }
}

/// Who scheduled a job, kept with it (a [`Caller`] as stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    /// `App` or `User`.
    pub kind: String,
    /// The app's or user's id.
    pub id: String,
    /// Its name.
    pub display: String,
}

impl Requester {
    /// The caller as a request names it.
    pub fn of(caller: &Caller) -> Requester {
        Requester {
            kind: caller.kind.as_str().into(),
            id: caller.id.clone(),
            display: caller.display.clone(),
        }
    }

    /// Back to the caller the rows are written for.
    pub fn caller(&self) -> Caller {
        Caller {
            kind: if self.kind == "User" {
                CallerKind::User
            } else {
                CallerKind::App
            },
            id: self.id.clone(),
            display: self.display.clone(),
        }
    }
}

/// A checked `JobSchedule` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The job type as asked.
    pub job_type: String,
    /// What it does.
    pub work: Work,
    /// Its parameters as sent.
    pub parameters: Vec<(String, String)>,
}

impl Order {
    /// Parses a `JobSchedule` body: `jobType`, `parameters` (`[{name, value}]`), `runNow`.
    pub fn parse(body: &[u8]) -> Result<Order> {
        let value = crate::value::from_slice(body)
            .map_err(|e| ScimError::invalid_syntax(format!("a JobSchedule body: {e}")))?;
        let job_type = value
            .get("jobType")
            .and_then(Value::as_str)
            .ok_or_else(|| ScimError::invalid_value("a JobSchedule needs its jobType"))?
            .to_string();
        let mut parameters = Vec::new();
        for p in value
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = p.get("name").and_then(Value::as_str);
            let text = match p.get("value") {
                Some(Value::String(s)) => Some(s.to_string()),
                Some(Value::Bool(b)) => Some(b.to_string()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            match (name, text) {
                (Some(name), Some(text)) if parameters.len() < 32 => {
                    parameters.push((name.to_string(), text))
                }
                _ => {
                    return Err(ScimError::invalid_value(
                        "JobSchedule parameters are {\"name\": ..., \"value\": ...} (at most 32)",
                    ))
                }
            }
        }
        if let Some(Value::Bool(false)) = value.get("runNow") {
            if value.get("runAt").is_none() {
                return Err(ScimError::invalid_value(
                    "a JobSchedule runs now (\"runNow\": true) or at \"runAt\"",
                ));
            }
        }
        let param = |name: &str| {
            parameters
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let work = match job_type.as_str() {
            "UserImport" => Work::Import(Kind::Users),
            "GroupImport" => Work::Import(Kind::Groups),
            "AppRoleImport" => Work::Import(Kind::AppRoles),
            "UserExport" => Work::Export(Kind::Users),
            "GroupExport" => Work::Export(Kind::Groups),
            "AppRoleExport" => Work::Export(Kind::AppRoles),
            "Import" | "Export" => {
                let rt = param("resourceType").ok_or_else(|| {
                    ScimError::invalid_value(format!(
                        "a generic {job_type} job needs the resourceType parameter (User, Group or Grant)"
                    ))
                })?;
                let kind = kind_of(rt).ok_or_else(|| {
                    ScimError::invalid_value(format!(
                        "resourceType \"{rt}\": a CSV job handles User, Group or Grant"
                    ))
                })?;
                if job_type == "Import" {
                    Work::Import(kind)
                } else {
                    Work::Export(kind)
                }
            }
            other => {
                return Err(ScimError::invalid_value(format!(
                    "jobType \"{other}\" is not one of UserImport, GroupImport, AppRoleImport, \
                     Import, UserExport, GroupExport, AppRoleExport, Export"
                )))
            }
        };
        if let Work::Import(_) = work {
            if param("fileLocation").is_none() {
                return Err(ScimError::invalid_value(format!(
                    "a {job_type} job needs the fileLocation parameter (the fileName the upload \
                     answered)"
                )));
            }
            if let Some(ty) = param("fileType").filter(|t| !t.eq_ignore_ascii_case("csv")) {
                return Err(ScimError::invalid_value(format!(
                    "fileType \"{ty}\": imports read csv files"
                )));
            }
        }
        if let Work::Export(_) = work {
            if let Some(f) = param("exportFormat").filter(|f| !f.eq_ignore_ascii_case("csv")) {
                return Err(ScimError::invalid_value(format!(
                    "exportFormat \"{f}\": exports write CSV"
                )));
            }
        }
        Ok(Order {
            job_type,
            work,
            parameters,
        })
    }

    /// A parameter's value (names ignore case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A comma-separated list parameter (`attributesToGet`).
pub(crate) fn list(text: Option<&str>) -> Vec<String> {
    text.into_iter()
        .flat_map(|t| t.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}
