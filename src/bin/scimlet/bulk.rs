//! Sending Bulk requests concurrently and keeping score: what `load` and `purge` share.
//!
//! A producer packs operations into [`Job`]s (at most `--batch` operations and the server's
//! `maxPayloadSize`) and hands them to a [`Pipeline`] of sender threads. Every operation
//! ends in exactly one place of the [`Tally`]: succeeded, already gone, failed, refused
//! (its whole request was turned away: server full, token refused) or not sent (the run
//! stopped first). A refusal of the whole request stops the run: the next request would
//! be refused too, and each refusal costs the server time.

use crate::http::{detail_of, Http};
use crate::servers::print_json;
use crate::Fallible;
use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use scimlet::schema::builtin::BULK_REQUEST;
use serde_json::{json, Map, Value};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// How many failures are listed before "... and N more".
const LISTED_FAILURES: usize = 50;
/// Room left in a Bulk request for its envelope.
const ENVELOPE_BYTES: usize = 256;

/// `bulk.maxOperations` and `bulk.maxPayloadSize` from `/ServiceProviderConfig`.
pub fn bulk_limits(http: &Http, base: &str) -> Fallible<(u64, u64)> {
    let config = http.json("GET", &format!("{base}/ServiceProviderConfig"), None)?;
    let bulk = config.get("bulk").cloned().unwrap_or(Value::Null);
    if bulk.get("supported").and_then(Value::as_bool) == Some(false) {
        return Err(format!(
            "{base} does not support /Bulk (ServiceProviderConfig bulk.supported is false)"
        ));
    }
    let max_operations = bulk
        .get("maxOperations")
        .and_then(Value::as_u64)
        .unwrap_or(1000);
    let max_payload = bulk
        .get("maxPayloadSize")
        .and_then(Value::as_u64)
        .unwrap_or(1_048_576);
    Ok((max_operations, max_payload))
}

/// Checks `--batch` against the server's `maxOperations`; the bytes a request's
/// operations may take.
pub fn check_batch(http: &Http, base: &str, batch: u64) -> Fallible<usize> {
    let (max_operations, max_payload) = bulk_limits(http, base)?;
    if batch > max_operations {
        return Err(format!(
            "--batch {batch} is more than the server's bulk.maxOperations ({max_operations})"
        ));
    }
    Ok(usize::try_from(max_payload)
        .unwrap_or(usize::MAX)
        .saturating_sub(ENVELOPE_BYTES)
        .max(1024))
}

/// A progress bar on stderr, hidden when stderr is not a terminal; the rate in whole
/// units per second.
pub fn progress(length: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(length),
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    let template = format!(
        "{{elapsed_precise}} [{{wide_bar}}] {{human_pos}}/{{human_len}} {what} ({{rate}} {what}/s, eta {{eta}})"
    );
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(
            style
                .with_key(
                    "rate",
                    |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{}", HumanCount(whole(state.per_sec())));
                    },
                )
                .progress_chars("=> "),
        );
    }
    bar
}

/// A rate as a whole number (0 for NaN, negative or infinite).
pub fn whole(rate: f64) -> u64 {
    if rate.is_finite() && rate > 0.0 {
        // Saturating float-to-int conversion: no wrap.
        rate.round() as u64
    } else {
        0
    }
}

/// What a run of Bulk requests did, shared by the threads.
#[derive(Default)]
pub struct Tally {
    pub succeeded: AtomicU64,
    /// Deletes of resources already gone (404): not failures.
    pub already_gone: AtomicU64,
    failed: AtomicU64,
    failures: Mutex<Vec<String>>,
    /// Operations in requests the server turned away whole (403, 401, 404).
    refused: AtomicU64,
    /// Operations never sent because the run stopped.
    not_sent: AtomicU64,
    /// Set when going on is pointless (server full, token refused, server gone).
    abort: OnceLock<String>,
    server_full: AtomicBool,
    stop: AtomicBool,
}

impl Tally {
    /// One operation failed.
    pub fn fail(&self, message: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut failures) = self.failures.lock() {
            failures.push(message);
        }
    }

    /// Stops the run; the first reason given is the one reported.
    pub fn abort(&self, message: String) {
        let _ = self.abort.set(message);
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Whether the run has stopped.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// `n` operations were never sent.
    pub fn not_sent(&self, n: u64) {
        self.not_sent.fetch_add(n, Ordering::Relaxed);
    }

    /// Whether every operation succeeded (or was already gone).
    pub fn ok(&self) -> bool {
        self.failed.load(Ordering::Relaxed) == 0
            && self.refused.load(Ordering::Relaxed) == 0
            && self.not_sent.load(Ordering::Relaxed) == 0
            && self.abort.get().is_none()
    }

    /// The figures as JSON: `{verb}`, failed, refused, notSent, alreadyGone, seconds,
    /// perSecond (whole), failures, aborted, serverFull.
    pub fn to_json(&self, verb: &str, elapsed: Duration) -> Map<String, Value> {
        let seconds = elapsed.as_secs_f64();
        let succeeded = self.succeeded.load(Ordering::Relaxed);
        let mut out = Map::new();
        out.insert(verb.into(), json!(succeeded));
        out.insert("failed".into(), json!(self.failed.load(Ordering::Relaxed)));
        out.insert(
            "refused".into(),
            json!(self.refused.load(Ordering::Relaxed)),
        );
        out.insert(
            "notSent".into(),
            json!(self.not_sent.load(Ordering::Relaxed)),
        );
        out.insert(
            "alreadyGone".into(),
            json!(self.already_gone.load(Ordering::Relaxed)),
        );
        out.insert("seconds".into(), json!((seconds * 1000.0).round() / 1000.0));
        out.insert("perSecond".into(), json!(per_second(succeeded, elapsed)));
        out.insert("failures".into(), json!(self.failure_list()));
        out.insert("aborted".into(), json!(self.abort.get()));
        out.insert(
            "serverFull".into(),
            json!(self.server_full.load(Ordering::Relaxed)),
        );
        out
    }

    /// The figures as text on stderr.
    pub fn print_text(&self, verb: &str, what: &str, elapsed: Duration) {
        let succeeded = self.succeeded.load(Ordering::Relaxed);
        eprintln!(
            "{verb} {} {what} in {:.2} s: {} {what}/s",
            HumanCount(succeeded),
            elapsed.as_secs_f64(),
            HumanCount(per_second(succeeded, elapsed))
        );
        let gone = self.already_gone.load(Ordering::Relaxed);
        if gone > 0 {
            eprintln!("  {} were already gone", HumanCount(gone));
        }
        let failures = self.failure_list();
        let failed = self.failed.load(Ordering::Relaxed);
        if failed > 0 {
            eprintln!("{} failed:", HumanCount(failed));
            for f in failures.iter().take(LISTED_FAILURES) {
                eprintln!("  {f}");
            }
            if failures.len() > LISTED_FAILURES {
                eprintln!("  ... and {} more", failures.len() - LISTED_FAILURES);
            }
        }
        if let Some(why) = self.abort.get() {
            eprintln!("error: stopped: {why}");
        }
        let refused = self.refused.load(Ordering::Relaxed);
        let not_sent = self.not_sent.load(Ordering::Relaxed);
        if refused > 0 || not_sent > 0 {
            eprintln!(
                "  {} {what} refused with their requests, {} not sent",
                HumanCount(refused),
                HumanCount(not_sent)
            );
        }
    }

    fn failure_list(&self) -> Vec<String> {
        self.failures.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

/// Units per second, whole.
pub fn per_second(n: u64, elapsed: Duration) -> u64 {
    whole(n as f64 / elapsed.as_secs_f64().max(1e-9))
}

/// One operation of a job: its bulkId and how messages name it.
pub type Operation = (String, String);

/// What to do with one operation's result; `None` when it has none (its request was
/// refused, failed or never sent). Called exactly once per operation handed over.
pub type OnOperation = Arc<dyn Fn(&Operation, Option<&Value>) + Send + Sync>;

/// One Bulk request to send, with what each operation stands for.
pub struct Job {
    body: Vec<u8>,
    /// Per operation, in order.
    operations: Vec<Operation>,
}

impl Job {
    /// A Bulk request of `operations` (each an operation's JSON).
    pub fn new(operations: &[Vec<u8>], labels: Vec<Operation>) -> Job {
        Job {
            body: bulk_body(operations),
            operations: labels,
        }
    }
}

/// The Bulk request a producer is filling.
#[derive(Default)]
pub struct Batch {
    /// Each operation's JSON.
    operations: Vec<Vec<u8>>,
    labels: Vec<Operation>,
    /// The operations' bytes with their separators.
    bytes: usize,
}

impl Batch {
    /// How many operations it holds.
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether `more` bytes would take a non-empty batch past `budget`.
    pub fn overflows(&self, more: usize, budget: usize) -> bool {
        !self.operations.is_empty() && self.bytes + more + 1 > budget
    }

    /// Adds an operation.
    pub fn push(&mut self, operation: Vec<u8>, label: Operation) {
        self.bytes += operation.len() + 1;
        self.operations.push(operation);
        self.labels.push(label);
    }

    /// Hands the batch over as a job (`None` when empty) and starts a new one.
    pub fn take(&mut self) -> Option<Job> {
        if self.operations.is_empty() {
            return None;
        }
        let job = Job::new(&self.operations, std::mem::take(&mut self.labels));
        self.operations.clear();
        self.bytes = 0;
        Some(job)
    }
}

/// `{"schemas": [BulkRequest], "Operations": [...]}` around serialized operations.
pub fn bulk_body(operations: &[Vec<u8>]) -> Vec<u8> {
    let size = operations.iter().map(|o| o.len() + 1).sum::<usize>() + 96;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(
        format!("{{\"schemas\":[\"{BULK_REQUEST}\"],\"Operations\":").as_bytes(),
    );
    push_json_array(&mut body, operations);
    body.push(b'}');
    body
}

/// Appends `[a,b,c]` of serialized values.
pub fn push_json_array(out: &mut Vec<u8>, items: &[Vec<u8>]) {
    out.reserve(items.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
}

/// Sender threads posting jobs to `{base}/Bulk`, a few jobs queued ahead.
pub struct Pipeline {
    jobs: Option<SyncSender<Job>>,
    senders: Vec<JoinHandle<()>>,
    tally: Arc<Tally>,
    on_operation: OnOperation,
}

impl Pipeline {
    /// Starts `n` senders; each result goes to `on_operation`, progress to `bar`.
    pub fn start(
        n: usize,
        http: &Http,
        base: &str,
        tally: &Arc<Tally>,
        on_operation: OnOperation,
        bar: &ProgressBar,
    ) -> Pipeline {
        let (jobs, receiver) = sync_channel::<Job>(n * 2);
        let receiver = Arc::new(Mutex::new(receiver));
        let senders = (0..n)
            .map(|_| {
                let sender = Sender {
                    http: http.clone(),
                    url: format!("{base}/Bulk"),
                    tally: tally.clone(),
                    on_operation: on_operation.clone(),
                    bar: bar.clone(),
                };
                let receiver = receiver.clone();
                std::thread::spawn(move || sender.run(&receiver))
            })
            .collect();
        Pipeline {
            jobs: Some(jobs),
            senders,
            tally: tally.clone(),
            on_operation,
        }
    }

    /// Queues a job (blocking while the queue is full); false once the run stopped, the
    /// job then counted as not sent.
    pub fn send(&self, job: Job) -> bool {
        let job = match &self.jobs {
            Some(jobs) if !self.tally.stopped() => match jobs.send(job) {
                Ok(()) => return true,
                Err(refused) => refused.0,
            },
            _ => job,
        };
        self.tally.not_sent(job.operations.len() as u64);
        for operation in &job.operations {
            (self.on_operation)(operation, None);
        }
        false
    }

    /// Waits until every queued job is answered.
    pub fn finish(mut self) {
        self.jobs = None;
        for handle in self.senders.drain(..) {
            let _ = handle.join();
        }
    }
}

/// One sender thread's share of a pipeline.
struct Sender {
    http: Http,
    url: String,
    tally: Arc<Tally>,
    on_operation: OnOperation,
    bar: ProgressBar,
}

impl Sender {
    fn run(&self, jobs: &Mutex<Receiver<Job>>) {
        loop {
            let job = match jobs.lock().map(|rx| rx.recv()) {
                Ok(Ok(job)) => job,
                _ => return,
            };
            let count = job.operations.len() as u64;
            if self.tally.stopped() {
                // Drained unsent, so the producer never blocks on a full queue.
                self.tally.not_sent(count);
                self.unanswered(&job.operations);
                continue;
            }
            self.send(job);
            self.bar.inc(count);
        }
    }

    fn unanswered(&self, operations: &[Operation]) {
        for operation in operations {
            (self.on_operation)(operation, None);
        }
    }

    fn send(&self, job: Job) {
        let Job { body, operations } = job;
        let count = operations.len() as u64;
        let reply = match self.http.send("POST", &self.url, Some(body)) {
            Ok(reply) => reply,
            Err(message) => {
                // No answer: these may or may not have been done.
                for (_, label) in &operations {
                    self.tally.fail(format!("{label}: no answer: {message}"));
                }
                self.unanswered(&operations);
                return self.tally.abort(message);
            }
        };
        match reply.status {
            401 | 403 | 404 => {
                // The whole request was turned away, and the next one would be too.
                self.tally.refused.fetch_add(count, Ordering::Relaxed);
                if reply.status == 403 && is_server_full(&reply.body) {
                    self.tally.server_full.store(true, Ordering::Relaxed);
                }
                self.unanswered(&operations);
                self.tally
                    .abort(self.http.refusal("POST", &self.url, &reply));
            }
            status if !(200..300).contains(&status) => {
                let detail = detail_of(&reply.body);
                for (_, label) in &operations {
                    self.tally
                        .fail(format!("{label}: the Bulk request got {status}: {detail}"));
                }
                self.unanswered(&operations);
            }
            _ => {
                let parsed: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                let results = parsed
                    .get("Operations")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                for (i, operation) in operations.iter().enumerate() {
                    // Match by bulkId where the server echoes it, else by position.
                    let result = results
                        .iter()
                        .find(|r| {
                            r.get("bulkId").and_then(Value::as_str) == Some(operation.0.as_str())
                        })
                        .or_else(|| results.get(i));
                    if result.is_none() {
                        self.tally
                            .fail(format!("{}: no result in the Bulk response", operation.1));
                    }
                    (self.on_operation)(operation, result);
                }
            }
        }
    }
}

/// Whether a 403 says the server is full (its `detail`: "server 'x' is full: ...").
pub fn is_server_full(body: &[u8]) -> bool {
    detail_of(body).contains(" is full")
}

/// An operation result's status as a number (RFC 7644 sends it as a string).
pub fn operation_status(result: &Value) -> u16 {
    match result.get("status") {
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()).unwrap_or(0),
        _ => 0,
    }
}

/// An operation result's error `detail`, else its whole response.
pub fn operation_detail(result: &Value) -> String {
    result
        .pointer("/response/detail")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            result
                .get("response")
                .map_or_else(|| "no detail".into(), Value::to_string)
        })
}

/// Prints a run's JSON summary (stdout).
pub fn print_summary(summary: Map<String, Value>) {
    print_json(&Value::Object(summary));
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod tests;
