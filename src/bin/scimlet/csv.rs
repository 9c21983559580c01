//! `scimlet csv import|export`: identity-domain CSV files through the domain's own job API,
//! exactly as a script drives an identity domain: upload the file to `/storage/v1/Files`
//! (multipart), `POST /job/v1/JobSchedules` with `runNow`, poll `/job/v1/JobHistories`
//! (a progress bar on stderr), then read the per-row report (import) or download the
//! result file (export). The server must be an `oci` one; its token (remembered or
//! `--token`) is accepted at the identity-domain root like an access token.
//!
//! Exit status: 0 when the job succeeded and every row did; 3 when the job ran but some
//! rows failed (the others are written; each failure is listed with its reason); 1 when a
//! request was refused or the job failed as a whole.

use crate::auth::Credential;
use crate::bulk::whole;
use crate::http::{encode, parse_json, Http};
use crate::servers::print_json;
use crate::{server_id, Context, Fallible};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::HumanCount;
use scimlet::csv::Kind;
use serde_json::{json, Map, Value};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The exit status of an import or export whose job ran but left rows failed.
pub const ROWS_FAILED: u8 = 3;
/// Failed rows listed in text output before "... and N more" (`--json` lists them all).
const LISTED_FAILURES: usize = 50;
/// Report entries asked for per page.
const REPORT_PAGE: usize = 1000;
/// The schema of a job schedule (what identity domains' scripts send).
const JOB_SCHEDULE: &str = "urn:ietf:params:scim:schemas:oracle:idcs:JobSchedule";

#[derive(Subcommand, Debug)]
pub enum CsvCommand {
    /// Import a Users.csv, Groups.csv or AppRoleMembership.csv into an `oci` server through
    /// its job API (upload, JobSchedules, JobHistories), then list the rows that failed.
    /// Exit 0: every row imported; 3: some rows failed (the others are written);
    /// 1: the job or a request failed.
    Import(ImportArgs),
    /// Export an `oci` server's users, groups or app-role grants as CSV to stdout, through
    /// its job API (JobSchedules, JobHistories, then the result file from /storage/v1/Files).
    Export(ExportArgs),
}

/// Which file, as `--type` names it.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// Users.csv
    Users,
    /// Groups.csv
    Groups,
    /// AppRoleMembership.csv
    #[value(name = "approles")]
    AppRoles,
}

impl FileType {
    pub fn kind(self) -> Kind {
        match self {
            FileType::Users => Kind::Users,
            FileType::Groups => Kind::Groups,
            FileType::AppRoles => Kind::AppRoles,
        }
    }

    /// The type a file's name suggests (`Groups.csv`, `AppRoleMembership-2.csv`), users
    /// otherwise: what identity domains' templates are called.
    pub fn of_file(path: &Path) -> FileType {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.starts_with("group") {
            FileType::Groups
        } else if name.starts_with("approle") {
            FileType::AppRoles
        } else {
            FileType::Users
        }
    }

    fn import_job(self) -> &'static str {
        match self {
            FileType::Users => "UserImport",
            FileType::Groups => "GroupImport",
            FileType::AppRoles => "AppRoleImport",
        }
    }

    fn export_job(self) -> &'static str {
        match self {
            FileType::Users => "UserExport",
            FileType::Groups => "GroupExport",
            FileType::AppRoles => "AppRoleExport",
        }
    }

    /// The per-row report resource of its import.
    fn report_resource(self) -> &'static str {
        match self {
            FileType::Users => "UserImportJobReports",
            FileType::Groups => "GroupImportJobReports",
            FileType::AppRoles => "AppRoleImportJobReports",
        }
    }

    /// What a row is, for messages.
    fn rows(self) -> &'static str {
        match self {
            FileType::Users => "users",
            FileType::Groups => "groups",
            FileType::AppRoles => "grants",
        }
    }
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The server id (an `oci` server).
    #[arg(value_parser = server_id)]
    pub id: String,
    /// The CSV file.
    pub file: PathBuf,
    /// What the file holds. Default: from its name (Groups*.csv: groups,
    /// AppRole*.csv: approles), else users.
    #[arg(long = "type", value_enum)]
    pub kind: Option<FileType>,
    /// The app whose roles an AppRoleMembership.csv grants (the job's `appDisplayName`).
    #[arg(long)]
    pub app: Option<String>,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The server id (an `oci` server).
    #[arg(value_parser = server_id)]
    pub id: String,
    /// What to export.
    #[arg(long = "type", value_enum, default_value = "users")]
    pub kind: FileType,
    /// A SCIM filter selecting what to export, e.g. `userName sw "a"`.
    #[arg(long)]
    pub filter: Option<String>,
    /// Only these attributes (comma-separated; the job's `attributesToGet`).
    #[arg(long, value_delimiter = ',', conflicts_with = "exclude")]
    pub attributes: Vec<String>,
    /// All but these attributes (comma-separated; the job's `attributesToExclude`).
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Write the file here instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

/// Runs `csv import` or `csv export`, printing errors itself.
pub fn run(context: &Context, command: &CsvCommand) -> ExitCode {
    let outcome = match command {
        CsvCommand::Import(args) => import(context, args),
        CsvCommand::Export(args) => export(context, args),
    };
    match outcome {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The identity-domain API of one server, at the deployment's root.
pub struct Domain {
    http: Http,
    /// The origin, without a trailing slash.
    url: String,
}

/// One `JobHistories` entry: a run of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The history id (reports are filed under it).
    pub id: String,
    pub status: String,
    pub succeeded: u64,
    pub failed: u64,
    /// Rows in the file (0 until the job knows).
    pub total: u64,
    pub percentage: u64,
    /// The whole entry, for `--json` and the export's file name.
    pub raw: Value,
}

impl History {
    fn from_json(value: &Value) -> Option<History> {
        let count = |k: &str| value.get(k).and_then(Value::as_u64).unwrap_or(0);
        Some(History {
            id: value.get("id")?.as_str()?.to_string(),
            status: value
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            succeeded: count("successCount"),
            failed: count("failureCount"),
            total: count("totalCount"),
            percentage: count("percentage"),
            raw: value.clone(),
        })
    }

    /// Why the job failed as a whole, if it says.
    pub fn message(&self) -> &str {
        self.raw
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no reason given")
    }

    /// Rows processed so far.
    pub fn done(&self) -> u64 {
        self.succeeded + self.failed
    }

    /// Whether the job has ended, and if so whether it ran (true) or failed as a whole.
    pub fn ended(&self) -> Option<bool> {
        match self.status.to_ascii_lowercase().as_str() {
            "succeeded" => Some(true),
            "failed" => Some(false),
            _ => None,
        }
    }
}

impl Domain {
    /// The API at `url` (an origin) with this client.
    pub fn at(http: Http, url: &str) -> Domain {
        Domain {
            http,
            url: url.trim_end_matches('/').to_string(),
        }
    }

    pub fn new(context: &Context, id: &str) -> Domain {
        let mut credential: Credential = context.scim_credential(Some(id));
        credential.hint = format!(
            "{} (The identity-domain API at the root takes the server's token; the server must \
             have been created with the `oci` persona.)",
            credential.hint
        );
        Domain::at(Http::new(credential, 2), &context.url)
    }

    /// `POST /storage/v1/Files`: the stored file's name (`files/<ts>/<name>`).
    pub fn upload(&self, name: &str, bytes: &[u8]) -> Fallible<String> {
        let (content_type, body) = multipart(&[
            ("fileName", Part::Text(name)),
            ("contentType", Part::Text("text/csv")),
            ("isPublic", Part::Text("false")),
            (
                "file",
                Part::File {
                    name,
                    content_type: "text/csv",
                    bytes,
                },
            ),
        ]);
        let url = format!("{}/storage/v1/Files", self.url);
        let reply = self
            .http
            .send_as("POST", &url, Some((&content_type, body)))?;
        if !(200..300).contains(&reply.status) {
            return Err(self.http.refusal("POST", &url, &reply));
        }
        let answer = parse_json("POST", &url, &reply)?;
        answer
            .get("fileName")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("POST {url} answered without a fileName: {answer}"))
    }

    /// `POST /job/v1/JobSchedules` with `runNow`: the schedule's id.
    pub fn schedule(&self, job_type: &str, parameters: &[(&str, String)]) -> Fallible<String> {
        let url = format!("{}/job/v1/JobSchedules", self.url);
        let parameters: Vec<Value> = parameters
            .iter()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect();
        let body = json!({
            "schemas": [JOB_SCHEDULE],
            "jobType": job_type,
            "runNow": true,
            "parameters": parameters,
        });
        let answer = self.http.json("POST", &url, Some(&body))?;
        answer
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("POST {url} answered without an id: {answer}"))
    }

    /// `GET /job/v1/JobHistories?filter=jobScheduleid eq "<id>"`: the run, once it exists.
    pub fn history(&self, schedule: &str) -> Fallible<Option<History>> {
        let filter = format!("jobScheduleid eq \"{}\"", filter_string(schedule));
        let url = format!(
            "{}/job/v1/JobHistories?filter={}",
            self.url,
            encode(&filter)
        );
        let list = self.http.json("GET", &url, None)?;
        Ok(resources(&list).first().and_then(History::from_json))
    }

    /// Every entry of a report resource for a history, page by page.
    pub fn report(&self, resource: &str, history: &str) -> Fallible<Vec<Value>> {
        let filter = format!("historyId eq \"{}\"", filter_string(history));
        let mut entries = Vec::new();
        loop {
            let url = format!(
                "{}/job/v1/{resource}?filter={}&startIndex={}&count={REPORT_PAGE}",
                self.url,
                encode(&filter),
                entries.len() + 1
            );
            let page = self.http.json("GET", &url, None)?;
            let got = resources(&page);
            let total = page
                .get("totalResults")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0);
            let empty = got.is_empty();
            entries.extend(got.iter().cloned());
            if empty || entries.len() >= total {
                return Ok(entries);
            }
        }
    }

    /// `GET /storage/v1/Files?fileName=`: a stored file's bytes.
    pub fn download(&self, file_name: &str) -> Fallible<Vec<u8>> {
        let url = format!(
            "{}/storage/v1/Files?fileName={}",
            self.url,
            encode(file_name)
        );
        let reply = self.http.send("GET", &url, None)?;
        if !(200..300).contains(&reply.status) {
            return Err(self.http.refusal("GET", &url, &reply));
        }
        Ok(reply.body)
    }

    /// An import as a script runs it: upload, schedule, wait, then the failed rows of the
    /// report. The schedule id, the run's history and its failures.
    pub fn import(
        &self,
        kind: FileType,
        name: &str,
        bytes: &[u8],
        app: Option<&str>,
        progress: &mut Progress,
        sleep: impl FnMut(Duration),
    ) -> Fallible<(String, History, Vec<Failure>)> {
        let location = self.upload(name, bytes)?;
        let mut parameters = vec![("fileLocation", location), ("fileType", "csv".to_string())];
        if let Some(app) = app {
            parameters.push(("appDisplayName", app.to_string()));
        }
        let schedule = self.schedule(kind.import_job(), &parameters)?;
        let history = self.wait(&schedule, progress, sleep)?;
        // A job that failed as a whole is reported as such even if its rows cannot be read.
        let entries = match self.report(kind.report_resource(), &history.id) {
            Err(_) if history.ended() == Some(false) => Vec::new(),
            read => read?,
        };
        let failures = entries.iter().filter_map(Failure::of_entry).collect();
        Ok((schedule, history, failures))
    }

    /// An export as a script runs it: schedule, wait, download the file. The schedule id,
    /// the run's history and the file's bytes.
    pub fn export(
        &self,
        kind: FileType,
        parameters: &[(&str, String)],
        progress: &mut Progress,
        sleep: impl FnMut(Duration),
    ) -> Fallible<(String, History, Vec<u8>)> {
        let mut all = vec![("exportFormat", "CSV".to_string())];
        all.extend_from_slice(parameters);
        let schedule = self.schedule(kind.export_job(), &all)?;
        let history = self.wait(&schedule, progress, sleep)?;
        if history.ended() != Some(true) {
            return Err(format!(
                "the export failed (job {schedule}, status {}): {}",
                history.status,
                history.message()
            ));
        }
        let bytes = self.download(&export_file(&history)?)?;
        Ok((schedule, history, bytes))
    }

    /// Polls the job's history until it ends, drawing `progress`; waits `interval(n)`
    /// before the n-th poll.
    pub fn wait(
        &self,
        schedule: &str,
        progress: &mut Progress,
        mut sleep: impl FnMut(Duration),
    ) -> Fallible<History> {
        for poll in 0u32.. {
            if poll > 0 {
                sleep(interval(poll));
            }
            let Some(history) = self.history(schedule)? else {
                progress.draw(0, 0);
                continue;
            };
            progress.draw(history.done(), history.total);
            if history.ended().is_some() {
                return Ok(history);
            }
        }
        Err(format!("job {schedule} never ended"))
    }
}

/// How long to wait before the n-th poll: quick at first (small files end at once),
/// then twice a second.
pub fn interval(poll: u32) -> Duration {
    Duration::from_millis(match poll {
        0..=4 => 100,
        5..=14 => 250,
        _ => 500,
    })
}

/// `Resources` of a list answer.
fn resources(list: &Value) -> &[Value] {
    list.get("Resources")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `"` and `\` escaped for a SCIM filter string literal.
fn filter_string(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// One field of a multipart/form-data body.
pub enum Part<'a> {
    Text(&'a str),
    File {
        name: &'a str,
        content_type: &'a str,
        bytes: &'a [u8],
    },
}

/// A multipart/form-data body (RFC 7578): its `Content-Type` (with the boundary) and bytes.
/// The boundary is one that occurs in no part.
pub fn multipart(parts: &[(&str, Part<'_>)]) -> (String, Vec<u8>) {
    let contains =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
    let mut boundary = String::new();
    for n in 0u64.. {
        boundary = format!("scimlet-{n:016x}");
        let clash = parts.iter().any(|(_, part)| match part {
            Part::Text(text) => contains(text.as_bytes(), boundary.as_bytes()),
            Part::File { bytes, .. } => contains(bytes, boundary.as_bytes()),
        });
        if !clash {
            break;
        }
    }
    let size: usize = parts
        .iter()
        .map(|(_, p)| match p {
            Part::Text(t) => t.len(),
            Part::File { bytes, .. } => bytes.len(),
        })
        .sum();
    let mut body = Vec::with_capacity(size + 200 * parts.len());
    for (name, part) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(text) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                        quoted(name)
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(text.as_bytes());
            }
            Part::File {
                name: file_name,
                content_type,
                bytes,
            } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {content_type}\r\n\r\n",
                        quoted(name),
                        quoted(file_name)
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A name inside a quoted header parameter: `"`, CR and LF percent-encoded, as browsers do
/// (RFC 7578 section 4.2).
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The progress line on stderr while a job runs (only on a terminal).
pub struct Progress {
    started: Instant,
    what: &'static str,
    shown: bool,
    enabled: bool,
}

impl Progress {
    /// A progress line counting `what`, drawn only when stderr is a terminal.
    pub fn new(what: &'static str) -> Progress {
        Progress {
            started: Instant::now(),
            what,
            shown: false,
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// One that draws nothing (tests).
    #[cfg(test)]
    pub fn hidden() -> Progress {
        Progress {
            enabled: false,
            ..Progress::new("rows")
        }
    }

    fn draw(&mut self, done: u64, total: u64) {
        if self.enabled {
            let line = progress_line(done, total, self.started.elapsed(), self.what, 30);
            eprint!("\r{line}\x1b[K");
            self.shown = true;
        }
    }

    fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[K");
            self.shown = false;
        }
    }
}

/// `[=========>          ] 45,000/100,000 rows  9,876 rows/s  45%`, or while the job has
/// not counted its rows yet, `[                    ] waiting for the job  1.2 s`.
pub fn progress_line(done: u64, total: u64, elapsed: Duration, what: &str, width: usize) -> String {
    let seconds = elapsed.as_secs_f64();
    if total == 0 {
        return format!(
            "[{}] waiting for the job  {seconds:.1} s",
            " ".repeat(width)
        );
    }
    let done = done.min(total);
    let filled = usize::try_from(done.saturating_mul(width as u64) / total).unwrap_or(width);
    let bar = if filled >= width {
        "=".repeat(width)
    } else {
        format!("{}>{}", "=".repeat(filled), " ".repeat(width - filled - 1))
    };
    let rate = if seconds > 0.0 {
        whole(done as f64 / seconds)
    } else {
        0
    };
    format!(
        "[{bar}] {}/{} {what}  {} {what}/s  {}%",
        HumanCount(done),
        HumanCount(total),
        HumanCount(rate),
        done * 100 / total
    )
}

/// `csv import`: upload, run, wait, report.
fn import(context: &Context, args: &ImportArgs) -> Fallible<u8> {
    let kind = args.kind.unwrap_or_else(|| FileType::of_file(&args.file));
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let name = args.file.file_name().map_or_else(
        || kind.kind().file_name().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let domain = Domain::new(context, &args.id);
    let started = Instant::now();
    let mut progress = Progress::new("rows");
    let ran = domain.import(
        kind,
        &name,
        &bytes,
        args.app.as_deref(),
        &mut progress,
        std::thread::sleep,
    );
    progress.clear();
    let (schedule, history, failures) = ran?;
    let summary = ImportSummary {
        file: &name,
        kind,
        schedule: &schedule,
        history: &history,
        failures: &failures,
        elapsed: started.elapsed(),
    };
    if context.json {
        print_json(&summary.to_json());
    } else {
        print!("{}", summary.text());
    }
    Ok(summary.exit_code())
}

/// A row the job reported failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Its line in the file (the heading is line 1), when the report says.
    pub row: Option<u64>,
    /// What names it (a user name, a group's name), when the report says.
    pub key: Option<String>,
    pub message: String,
}

impl Failure {
    /// The failure a report entry describes (`"type": "Error"`), or None for a row that
    /// went through. The row is its `lineNumber`; what names it is in the typed report's
    /// extension (`userName`, `displayName`, `grantee`).
    pub fn of_entry(entry: &Value) -> Option<Failure> {
        let kind = entry.get("type").and_then(Value::as_str)?;
        if !kind.eq_ignore_ascii_case("error") {
            return None;
        }
        let key = entry
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(name, _)| name.starts_with("urn:"))
            .find_map(|(_, ext)| {
                ["userName", "displayName", "grantee"]
                    .iter()
                    .find_map(|k| ext.get(*k)?.as_str())
            })
            .filter(|k| !k.is_empty())
            .map(str::to_string);
        Some(Failure {
            row: entry.get("lineNumber").and_then(Value::as_u64),
            key,
            message: entry
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("failed, with no reason given")
                .to_string(),
        })
    }
}

/// What `csv import` prints.
pub struct ImportSummary<'a> {
    pub file: &'a str,
    pub kind: FileType,
    pub schedule: &'a str,
    pub history: &'a History,
    pub failures: &'a [Failure],
    pub elapsed: Duration,
}

impl ImportSummary<'_> {
    pub fn exit_code(&self) -> u8 {
        match self.history.ended() {
            Some(true) if self.history.failed == 0 && self.failures.is_empty() => 0,
            Some(true) => ROWS_FAILED,
            _ => 1,
        }
    }

    pub fn text(&self) -> String {
        let h = self.history;
        let seconds = self.elapsed.as_secs_f64();
        let mut out = String::new();
        let rate = if seconds > 0.0 {
            whole(h.done() as f64 / seconds)
        } else {
            0
        };
        if h.ended() == Some(false) {
            out.push_str(&format!(
                "The import of {} failed (job {}, status {}): {}\n",
                self.file,
                self.schedule,
                h.status,
                h.message()
            ));
        } else {
            out.push_str(&format!(
                "Imported {}: {} of {} {} succeeded, {} failed, in {seconds:.1} s ({} rows/s; job {}).\n",
                self.file,
                HumanCount(h.succeeded),
                HumanCount(h.total.max(h.done())),
                self.kind.rows(),
                HumanCount(h.failed),
                HumanCount(rate),
                self.schedule
            ));
        }
        for failure in self.failures.iter().take(LISTED_FAILURES) {
            let row = failure.row.map_or_else(String::new, |r| format!("row {r}"));
            let key = failure.key.as_deref().unwrap_or_default();
            let label = match (row.is_empty(), key.is_empty()) {
                (false, false) => format!("{row} ({key})"),
                (false, true) => row,
                (true, false) => key.to_string(),
                (true, true) => "a row".into(),
            };
            out.push_str(&format!("  {label}: {}\n", failure.message));
        }
        if self.failures.len() > LISTED_FAILURES {
            out.push_str(&format!(
                "  ... and {} more (--json lists them all)\n",
                self.failures.len() - LISTED_FAILURES
            ));
        }
        out
    }

    pub fn to_json(&self) -> Value {
        let h = self.history;
        let seconds = self.elapsed.as_secs_f64();
        let failures: Vec<Value> = self
            .failures
            .iter()
            .map(|f| json!({ "row": f.row, "key": f.key, "message": f.message }))
            .collect();
        let mut out = Map::new();
        out.insert("file".into(), json!(self.file));
        out.insert("jobType".into(), json!(self.kind.import_job()));
        out.insert("job".into(), json!(self.schedule));
        out.insert("history".into(), json!(h.id));
        out.insert("status".into(), json!(h.status));
        out.insert("total".into(), json!(h.total));
        out.insert("succeeded".into(), json!(h.succeeded));
        out.insert("failed".into(), json!(h.failed));
        out.insert("seconds".into(), json!((seconds * 1000.0).round() / 1000.0));
        out.insert(
            "perSecond".into(),
            json!(if seconds > 0.0 {
                whole(h.done() as f64 / seconds)
            } else {
                0
            }),
        );
        if h.ended() == Some(false) {
            out.insert("message".into(), json!(h.message()));
        }
        out.insert("failures".into(), Value::Array(failures));
        Value::Object(out)
    }
}

/// `csv export`: run, wait, download.
fn export(context: &Context, args: &ExportArgs) -> Fallible<u8> {
    let domain = Domain::new(context, &args.id);
    let started = Instant::now();
    let mut parameters = Vec::new();
    if !args.attributes.is_empty() {
        parameters.push(("attributesToGet", args.attributes.join(",")));
    }
    if !args.exclude.is_empty() {
        parameters.push(("attributesToExclude", args.exclude.join(",")));
    }
    if let Some(filter) = &args.filter {
        parameters.push(("filter", filter.clone()));
    }
    let mut progress = Progress::new(args.kind.rows());
    let ran = domain.export(args.kind, &parameters, &mut progress, std::thread::sleep);
    progress.clear();
    let (schedule, history, bytes) = ran?;
    match &args.output {
        Some(path) => std::fs::write(path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write the export: {e}"))?;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "Exported {} {} in {seconds:.1} s ({} bytes, job {schedule}).",
        HumanCount(history.succeeded),
        args.kind.rows(),
        HumanCount(bytes.len() as u64)
    );
    Ok(if history.failed > 0 { ROWS_FAILED } else { 0 })
}

/// The result file of an export's run, as `GET /storage/v1/Files?fileName=` takes it: its
/// history's `fileName` (`files/export/<ts>/Export_<hid>.csv`) without the `files/`.
pub fn export_file(history: &History) -> Fallible<String> {
    let name = history
        .raw
        .get("fileName")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the export's history names no file: {}", history.raw))?;
    Ok(name.strip_prefix("files/").unwrap_or(name).to_string())
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
