//! `scimlet`: the command-line client for scimlet servers.
//!
//! Talks HTTP to any scimlet (the local `make dev` by default): administers virtual
//! servers through `/api/servers`, bulk-loads generated users through SCIM `/Bulk`
//! (a migration rehearsal) and purges users matching a filter by walking ids in order.
//!
//! ```text
//! scimlet servers create --users 100            # a new server with fake data
//! scimlet load --server demo --users 100000     # 100,000 more users through /Bulk
//! scimlet purge --server demo --filter 'userName ew "@load-1.example.org"'
//! ```

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use scimlet::generate::{Grant, People, SeedSpec, MAX_USERS};
use scimlet::value::Text;
use serde_json::{json, Map, Value};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// How many failures are listed before "... and N more".
const LISTED_FAILURES: usize = 50;

/// The scimlet command-line client: manage virtual SCIM servers, bulk-load fake users,
/// purge users by filter.
#[derive(Parser, Debug)]
#[command(name = "scimlet", version, propagate_version = true)]
struct Cli {
    /// Where scimlet runs (its origin, without a path).
    #[arg(
        long,
        env = "SCIMLET_URL",
        default_value = "http://127.0.0.1:8787",
        global = true
    )]
    url: String,
    /// The server's bearer token (from `servers create`).
    #[arg(long, env = "SCIMLET_TOKEN", hide_env_values = true, global = true)]
    token: Option<String>,
    /// The deployment's admin token (needed by `servers list`; works for every server).
    #[arg(
        long,
        env = "SCIMLET_ADMIN_TOKEN",
        hide_env_values = true,
        global = true
    )]
    admin_token: Option<String>,
    /// Print machine-readable JSON on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create, inspect, configure, export, import and delete virtual servers.
    #[command(subcommand)]
    Servers(ServersCommand),
    /// Bulk-create generated users through SCIM /Bulk (a migration rehearsal).
    Load(LoadArgs),
    /// Delete the users matching a filter, walking ids in order, through Bulk DELETE.
    Purge(PurgeArgs),
}

#[derive(Subcommand, Debug)]
enum ServersCommand {
    /// Create a server, optionally filled with generated data.
    Create(CreateArgs),
    /// List every server (admin token).
    List,
    /// Show a server: SCIM URL, counts per resource type, created, expires.
    Show {
        /// The server id.
        #[arg(value_parser = server_id)]
        id: String,
    },
    /// Delete a server and all its data.
    Delete {
        /// The server id.
        #[arg(value_parser = server_id)]
        id: String,
    },
    /// Delete every resource of a server, keeping its settings and tokens.
    Reset {
        /// The server id.
        #[arg(value_parser = server_id)]
        id: String,
    },
    /// Print a server's settings, or change some with --set.
    Config {
        /// The server id.
        #[arg(value_parser = server_id)]
        id: String,
        /// A setting to change: `key=value`, the key dotted for nested settings
        /// (`resourceTypes.group=false`, `patchResponse=noContent`, `maxResults=500`).
        /// The value is JSON if it parses as JSON, a string otherwise. Repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE", value_parser = key_value)]
        set: Vec<(String, Value)>,
    },
    /// Write a server's settings and resources as JSON to stdout.
    Export {
        /// The server id.
        #[arg(value_parser = server_id)]
        id: String,
    },
    /// Replace a server's settings and resources with an export file.
    Import {
        /// The server id.
        #[arg(value_parser = server_id)]
        id: String,
        /// A file written by `servers export`.
        file: PathBuf,
    },
}

#[derive(Args, Debug)]
struct CreateArgs {
    /// The server id (1-64 of A-Z a-z 0-9 _ -); random if absent.
    #[arg(long, value_parser = server_id)]
    id: Option<String>,
    /// Generated users.
    #[arg(long)]
    users: Option<usize>,
    /// Generated groups.
    #[arg(long)]
    groups: Option<usize>,
    /// Generated Okta entitlements.
    #[arg(long)]
    entitlements: Option<usize>,
    /// Generated Okta roles.
    #[arg(long)]
    roles: Option<usize>,
    /// Random seed for the generated data (the same seed gives the same data).
    #[arg(long)]
    seed: Option<u64>,
}

/// Which SCIM server `load` and `purge` talk to.
#[derive(Args, Debug)]
struct Target {
    /// The server id: SCIM base `<url>/scim-identifier/<id>/scim/v2`.
    #[arg(long, short = 's', value_parser = server_id, required_unless_present = "scim")]
    server: Option<String>,
    /// Any SCIM base URL instead (e.g. https://host/scim/v2).
    #[arg(long, conflicts_with = "server")]
    scim: Option<String>,
}

#[derive(Args, Debug)]
struct LoadArgs {
    #[command(flatten)]
    target: Target,
    /// How many users to create.
    #[arg(long, short = 'n', default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=MAX_USERS as u64))]
    users: u64,
    /// Operations per Bulk request.
    #[arg(long, short = 'b', default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    batch: u64,
    /// Bulk requests in flight at once.
    #[arg(long, short = 'c', default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=256))]
    concurrency: u64,
    /// Random seed: the same seed generates the same users (as `servers create` would).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Mail domain of the users (an example.com/.org/.net subdomain); default
    /// `load-<seed>.example.org`, so a purge can find them with `userName ew "@<domain>"`.
    #[arg(long)]
    domain: Option<String>,
    /// Do not give users the server's entitlements and roles.
    #[arg(long)]
    no_grants: bool,
}

#[derive(Args, Debug)]
struct PurgeArgs {
    #[command(flatten)]
    target: Target,
    /// SCIM filter selecting what to delete, e.g. `userName ew "@load-1.example.org"`.
    #[arg(long, short = 'f')]
    filter: String,
    /// Resource endpoint to purge.
    #[arg(long, default_value = "Users", value_parser = endpoint)]
    endpoint: String,
    /// Operations per Bulk request.
    #[arg(long, short = 'b', default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    batch: u64,
    /// Bulk requests in flight at once.
    #[arg(long, short = 'c', default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=256))]
    concurrency: u64,
    /// Ids fetched per page (the server may cap it at its maxResults).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    page: u64,
}

fn server_id(s: &str) -> Result<String, String> {
    let ok = (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(s.to_string())
    } else {
        Err("a server id is 1 to 64 characters of A-Z, a-z, 0-9, _ and -".into())
    }
}

fn endpoint(s: &str) -> Result<String, String> {
    let name = s.trim_matches('/');
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(name.to_string())
    } else {
        Err("an endpoint is a resource type's path segment, e.g. Users or Groups".into())
    }
}

fn key_value(s: &str) -> Result<(String, Value), String> {
    let (key, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, got {s:?}"))?;
    let key = key.trim();
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(format!("bad setting name {key:?}"));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
    Ok((key.to_string(), value))
}

/// A failed command: what to tell the user.
type Fallible<T> = Result<T, String>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let url = cli.url.trim_end_matches('/').to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        eprintln!("error: --url (or SCIMLET_URL) must be an http:// or https:// origin such as http://127.0.0.1:8787, not {:?}", cli.url);
        return ExitCode::from(2);
    }
    let outcome = match &cli.command {
        Command::Servers(cmd) => servers(&cli, &url, cmd),
        Command::Load(args) => load(&cli, &url, args),
        Command::Purge(args) => purge(&cli, &url, args),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------
// HTTP

/// An HTTP client with one token, shared by worker threads (the agent pools connections).
#[derive(Clone)]
struct Http {
    agent: ureq::Agent,
    token: Option<String>,
}

/// A response: status and body.
struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Http {
    fn new(token: Option<String>, connections: usize) -> Http {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(300)))
            .max_idle_connections_per_host(connections.max(4))
            .max_idle_connections(connections.max(4))
            .user_agent(concat!("scimlet-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http { agent, token }
    }

    /// Sends a request; only transport failures are errors here.
    fn send(&self, method: &str, url: &str, body: Option<Vec<u8>>) -> Fallible<Reply> {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Accept", "application/scim+json, application/json");
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", format!("Bearer {token}"));
        }
        let result = match body {
            Some(bytes) => builder
                .header("Content-Type", "application/scim+json")
                .body(bytes)
                .map_err(|e| format!("bad request to {url}: {e}"))
                .map(|req| self.agent.run(req))?,
            None => builder
                .body(())
                .map_err(|e| format!("bad request to {url}: {e}"))
                .map(|req| self.agent.run(req))?,
        };
        let mut response = result.map_err(|e| unreachable_message(url, &e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .map_err(|e| format!("reading the answer of {method} {url}: {e}"))?;
        Ok(Reply { status, body })
    }

    /// Sends a request and returns its JSON body (null when empty) on 2xx; anything
    /// else becomes a message saying what the server said.
    fn json(&self, method: &str, url: &str, body: Option<&Value>) -> Fallible<Value> {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        let reply = self.send(method, url, bytes)?;
        if !(200..300).contains(&reply.status) {
            return Err(status_message(method, url, &reply));
        }
        if reply.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&reply.body).map_err(|e| {
            format!(
                "{method} {url} answered {} with invalid JSON: {e}",
                reply.status
            )
        })
    }
}

/// The message for a request that never got an answer.
fn unreachable_message(url: &str, error: &ureq::Error) -> String {
    let origin = origin_of(url);
    match error {
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            format!("{url:?} is not a valid URL (expected something like http://127.0.0.1:8787): {error}")
        }
        ureq::Error::Timeout(_) => format!("{origin} did not answer in time ({error})"),
        _ => format!(
            "cannot reach scimlet at {origin}: {error}.\n  Is it running? Start one with `make dev`, \
             or point --url (or SCIMLET_URL) at a running server."
        ),
    }
}

fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// The message for a non-2xx answer, with the server's `detail`.
fn status_message(method: &str, url: &str, reply: &Reply) -> String {
    let detail = detail_of(&reply.body);
    match reply.status {
        401 => format!(
            "{method} {url} was refused (401 Unauthorized): {detail}\n  Pass the server's token \
             with --token (or SCIMLET_TOKEN), or the admin token with --admin-token (or \
             SCIMLET_ADMIN_TOKEN)."
        ),
        403 => format!("{method} {url} is forbidden (403): {detail}"),
        404 => format!("{method} {url}: not found (404): {detail}"),
        status => format!("{method} {url} answered {status}: {detail}"),
    }
}

/// The `detail` of a SCIM error body, else the body itself (shortened).
fn detail_of(body: &[u8]) -> String {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    if let Some(detail) = parsed
        .as_ref()
        .and_then(|v| v.get("detail"))
        .and_then(Value::as_str)
    {
        return detail.to_string();
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "(no body)".into()
    } else if text.chars().count() > 300 {
        format!("{}...", text.chars().take(300).collect::<String>())
    } else {
        text.to_string()
    }
}

/// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
fn encode(component: &str) -> String {
    let mut out = String::with_capacity(component.len() * 3 / 2);
    for b in component.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// servers

fn servers(cli: &Cli, url: &str, cmd: &ServersCommand) -> Fallible<bool> {
    let server_token = cli.token.clone().or_else(|| cli.admin_token.clone());
    let http = Http::new(server_token, 2);
    let api = format!("{url}/api/servers");
    match cmd {
        ServersCommand::Create(args) => {
            let mut body = Map::new();
            if let Some(id) = &args.id {
                body.insert("id".into(), json!(id));
            }
            let mut seed = Map::new();
            for (key, value) in [
                ("users", args.users.map(|n| json!(n))),
                ("groups", args.groups.map(|n| json!(n))),
                ("entitlements", args.entitlements.map(|n| json!(n))),
                ("roles", args.roles.map(|n| json!(n))),
                ("seed", args.seed.map(|n| json!(n))),
            ] {
                if let Some(v) = value {
                    seed.insert(key.into(), v);
                }
            }
            if !seed.is_empty() {
                body.insert("seed".into(), Value::Object(seed));
            }
            // Anyone may create a server; the admin token (if any) may lift rate limits.
            let http = Http::new(cli.admin_token.clone(), 2);
            let created = http.json("POST", &api, Some(&Value::Object(body)))?;
            if cli.json {
                print_json(&created);
            } else {
                let field = |k: &str| {
                    created
                        .get(k)
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_string()
                };
                println!("Created server {}", field("id"));
                println!("  SCIM base: {}", field("scim"));
                println!("  token:     {}", field("token"));
                println!("Use it with: export SCIMLET_TOKEN={}", field("token"));
            }
        }
        ServersCommand::List => {
            let Some(admin) = cli.admin_token.clone() else {
                return Err("servers list needs the admin token: pass --admin-token or set SCIMLET_ADMIN_TOKEN".into());
            };
            let list = Http::new(Some(admin), 2).json("GET", &api, None)?;
            if cli.json {
                print_json(&list);
            } else {
                let servers = list
                    .get("servers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                println!("{:<40} {:<26} {:<26}", "ID", "CREATED", "EXPIRES");
                for s in &servers {
                    let field =
                        |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("-").to_string();
                    println!(
                        "{:<40} {:<26} {:<26}",
                        field("id"),
                        field("created"),
                        field("expires")
                    );
                }
                println!("{} servers", servers.len());
            }
        }
        ServersCommand::Show { id } => {
            print_server(cli, &http.json("GET", &format!("{api}/{id}"), None)?)
        }
        ServersCommand::Delete { id } => {
            http.json("DELETE", &format!("{api}/{id}"), None)?;
            if cli.json {
                print_json(&json!({ "deleted": id }));
            } else {
                println!("Deleted server {id}");
            }
        }
        ServersCommand::Reset { id } => {
            print_server(cli, &http.json("POST", &format!("{api}/{id}/reset"), None)?);
        }
        ServersCommand::Config { id, set } => {
            let config_url = format!("{api}/{id}/config");
            let mut config = http.json("GET", &config_url, None)?;
            if !set.is_empty() {
                for (key, value) in set {
                    set_dotted(&mut config, key, value.clone())?;
                }
                config = http.json("PUT", &config_url, Some(&config))?;
            }
            print_json(&config);
        }
        ServersCommand::Export { id } => {
            let export_url = format!("{api}/{id}/export");
            let reply = http.send("GET", &export_url, None)?;
            if !(200..300).contains(&reply.status) {
                return Err(status_message("GET", &export_url, &reply));
            }
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&reply.body)
                .and_then(|()| stdout.write_all(b"\n"))
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("writing the export: {e}"))?;
        }
        ServersCommand::Import { id, file } => {
            let bytes =
                std::fs::read(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
            let export: Value = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
            print_server(
                cli,
                &http.json("PUT", &format!("{api}/{id}/import"), Some(&export))?,
            );
        }
    }
    Ok(true)
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn print_server(cli: &Cli, server: &Value) {
    if cli.json {
        return print_json(server);
    }
    let field = |k: &str| match server.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "-".into(),
        Some(other) => other.to_string(),
    };
    println!("Server {}", field("id"));
    println!("  SCIM base: {}", field("scim"));
    println!("  created:   {}", field("created"));
    println!("  expires:   {}", field("expires"));
    if let Some(counts) = server.get("counts").and_then(Value::as_object) {
        for (resource_type, n) in counts {
            println!("  {resource_type:<12} {n}");
        }
    }
}

/// Sets `a.b.c` in a JSON object, creating intermediate objects.
fn set_dotted(config: &mut Value, key: &str, value: Value) -> Fallible<()> {
    let mut node = config;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(map) = node else {
            return Err(format!(
                "cannot set {key}: {part:?} is inside a value that is not an object"
            ));
        };
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return Ok(());
        }
        node = map.entry(part.to_string()).or_insert_with(|| json!({}));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// load and purge

/// The SCIM base URL and the client for `load`/`purge`.
fn scim_target(cli: &Cli, url: &str, target: &Target, connections: usize) -> (String, Http) {
    let base = match (&target.scim, &target.server) {
        (Some(scim), _) => scim.trim_end_matches('/').to_string(),
        (None, Some(id)) => format!("{url}/scim-identifier/{id}/scim/v2"),
        (None, None) => url.to_string(),
    };
    let token = cli.token.clone().or_else(|| cli.admin_token.clone());
    (base, Http::new(token, connections))
}

/// `bulk.maxOperations` and `bulk.maxPayloadSize` from `/ServiceProviderConfig`.
fn bulk_limits(http: &Http, base: &str) -> Fallible<(u64, u64)> {
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

/// A progress bar on stderr, hidden when stderr is not a terminal.
fn progress(length: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(length),
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    let template = format!("{{elapsed_precise}} [{{wide_bar}}] {{human_pos}}/{{human_len}} {what} ({{per_sec}}, eta {{eta}})");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// What a run of Bulk requests did, shared by the worker threads.
#[derive(Default)]
struct Tally {
    succeeded: AtomicU64,
    /// Deletes of resources already gone (404): not failures.
    already_gone: AtomicU64,
    failures: Mutex<Vec<String>>,
    failed: AtomicU64,
    /// Set when going on is pointless (401, server gone): the message says why.
    abort: OnceLock<String>,
    stop: AtomicBool,
}

impl Tally {
    fn fail(&self, message: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut failures) = self.failures.lock() {
            failures.push(message);
        }
    }
    fn abort(&self, message: String) {
        let _ = self.abort.set(message);
        self.stop.store(true, Ordering::Relaxed);
    }
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Prints the summary (stderr for text, stdout for --json) and whether all went well.
    fn finish(
        &self,
        json_output: bool,
        verb: &str,
        what: &str,
        started: Instant,
        extra: Map<String, Value>,
    ) -> bool {
        let seconds = started.elapsed().as_secs_f64();
        let succeeded = self.succeeded.load(Ordering::Relaxed);
        let failed = self.failed.load(Ordering::Relaxed);
        let rate = succeeded as f64 / seconds.max(1e-9);
        let failures = self.failures.lock().map(|f| f.clone()).unwrap_or_default();
        let aborted = self.abort.get().cloned();
        if json_output {
            let mut out = Map::new();
            out.insert(verb.into(), json!(succeeded));
            out.insert("failed".into(), json!(failed));
            out.insert(
                "alreadyGone".into(),
                json!(self.already_gone.load(Ordering::Relaxed)),
            );
            out.insert("seconds".into(), json!((seconds * 1000.0).round() / 1000.0));
            out.insert("perSecond".into(), json!(rate.round()));
            out.insert("failures".into(), json!(failures));
            out.insert("aborted".into(), json!(aborted));
            out.extend(extra);
            print_json(&Value::Object(out));
        } else {
            eprintln!(
                "{} {succeeded} {what} in {seconds:.2} s: {rate:.0} {what}/s",
                capitalised(verb)
            );
            for (key, value) in &extra {
                eprintln!("  {key}: {value}");
            }
            if failed > 0 {
                eprintln!("{failed} failed:");
                for f in failures.iter().take(LISTED_FAILURES) {
                    eprintln!("  {f}");
                }
                if failures.len() > LISTED_FAILURES {
                    eprintln!("  ... and {} more", failures.len() - LISTED_FAILURES);
                }
            }
            if let Some(why) = &aborted {
                eprintln!("error: stopped early: {why}");
            }
        }
        failed == 0 && aborted.is_none()
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// What to do with one operation's result: its (bulkId, label) and the result object.
type OnOperation = Arc<dyn Fn(&(String, String), &Value) + Send + Sync>;

/// One Bulk request to send, with what each operation stands for (for messages).
struct Job {
    body: Vec<u8>,
    /// Per operation, in order: (bulkId, label for messages).
    operations: Vec<(String, String)>,
}

/// The Bulk request `load` is filling.
#[derive(Default)]
struct Batch {
    /// Each operation's JSON.
    operations: Vec<Vec<u8>>,
    /// (bulkId, label) per operation, as [`Job::operations`].
    labels: Vec<(String, String)>,
    /// The operations' bytes with their separators.
    bytes: usize,
    /// The number of the batch's first user (a manager at or after it is a bulkId).
    start: usize,
}

impl Batch {
    /// Hands the batch over as a job; the next one starts with user `next_start`.
    fn take(&mut self, next_start: usize) -> Job {
        let job = Job {
            body: bulk_body(&self.operations),
            operations: std::mem::take(&mut self.labels),
        };
        self.operations.clear();
        self.bytes = 0;
        self.start = next_start;
        job
    }
}

fn bulk_body(operations: &[Vec<u8>]) -> Vec<u8> {
    let mut body =
        Vec::with_capacity(operations.iter().map(Vec::len).sum::<usize>() + operations.len() + 80);
    body.extend_from_slice(b"{\"schemas\":[\"");
    body.extend_from_slice(BULK_REQUEST.as_bytes());
    body.extend_from_slice(b"\"],\"Operations\":[");
    for (i, op) in operations.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(op);
    }
    body.extend_from_slice(b"]}");
    body
}

/// Starts `n` threads that send the jobs of `jobs` to `{base}/Bulk`, each answer
/// handed to `on_result(job, operation results)`.
fn spawn_senders(
    n: usize,
    http: &Http,
    base: &str,
    jobs: Receiver<Job>,
    tally: &Arc<Tally>,
    on_operation: OnOperation,
    bar: &ProgressBar,
) -> Vec<std::thread::JoinHandle<()>> {
    let jobs = Arc::new(Mutex::new(jobs));
    (0..n)
        .map(|_| {
            let (http, url, jobs, tally, on_operation, bar) = (
                http.clone(),
                format!("{base}/Bulk"),
                jobs.clone(),
                tally.clone(),
                on_operation.clone(),
                bar.clone(),
            );
            std::thread::spawn(move || loop {
                let job = match jobs.lock().map(|rx| rx.recv()) {
                    Ok(Ok(job)) => job,
                    _ => return,
                };
                if tally.stopped() {
                    continue; // drain the queue so the producer never blocks
                }
                let count = job.operations.len() as u64;
                match http.send("POST", &url, Some(job.body)) {
                    Err(message) => {
                        for (_, label) in &job.operations {
                            tally.fail(format!("{label}: {message}"));
                        }
                        tally.abort(message);
                    }
                    Ok(reply) if reply.status == 401 || reply.status == 404 => {
                        let message = status_message("POST", &url, &reply);
                        for (_, label) in &job.operations {
                            tally.fail(format!("{label}: {}", reply.status));
                        }
                        tally.abort(message);
                    }
                    Ok(reply) if !(200..300).contains(&reply.status) => {
                        let detail = detail_of(&reply.body);
                        for (_, label) in &job.operations {
                            tally.fail(format!(
                                "{label}: the Bulk request got {}: {detail}",
                                reply.status
                            ));
                        }
                    }
                    Ok(reply) => {
                        let parsed: Value =
                            serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                        let results = parsed
                            .get("Operations")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default();
                        for (i, operation) in job.operations.iter().enumerate() {
                            // Match by bulkId where the server echoes it, else by position.
                            let result = results
                                .iter()
                                .find(|r| {
                                    r.get("bulkId").and_then(Value::as_str)
                                        == Some(operation.0.as_str())
                                })
                                .or_else(|| results.get(i));
                            match result {
                                Some(r) => on_operation(operation, r),
                                None => tally.fail(format!(
                                    "{}: no result in the Bulk response",
                                    operation.1
                                )),
                            }
                        }
                    }
                }
                bar.inc(count);
            })
        })
        .collect()
}

/// An operation result's status as a number (RFC 7644 sends it as a string).
fn operation_status(result: &Value) -> u16 {
    match result.get("status") {
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()).unwrap_or(0),
        _ => 0,
    }
}

fn operation_detail(result: &Value) -> String {
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

/// Reads every resource of a type (first page, up to the server's cap) as grants.
fn fetch_grants(http: &Http, base: &str, endpoint: &str) -> Vec<Grant> {
    let url = format!("{base}/{endpoint}?count=1000&attributes=displayName,type");
    let Ok(list) = http.json("GET", &url, None) else {
        return Vec::new(); // type not served: nothing to assign
    };
    list.get("Resources")
        .and_then(Value::as_array)
        .map(|resources| {
            resources
                .iter()
                .filter_map(|r| {
                    Some(Grant {
                        id: Text::new(r.get("id")?.as_str()?),
                        display: Text::new(
                            r.get("displayName").and_then(Value::as_str).unwrap_or(""),
                        ),
                        kind: r.get("type").and_then(Value::as_str).map(Text::new),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn load(cli: &Cli, url: &str, args: &LoadArgs) -> Fallible<bool> {
    let concurrency = args.concurrency as usize;
    let (base, http) = scim_target(cli, url, &args.target, concurrency);
    let domain = args
        .domain
        .clone()
        .unwrap_or_else(|| format!("load-{}.example.org", args.seed));
    let (max_operations, max_payload) = bulk_limits(&http, &base)?;
    if args.batch > max_operations {
        return Err(format!(
            "--batch {} is more than the server's bulk.maxOperations ({max_operations})",
            args.batch
        ));
    }
    let (entitlements, roles) = if args.no_grants {
        (Vec::new(), Vec::new())
    } else {
        (
            fetch_grants(&http, &base, "Entitlements"),
            fetch_grants(&http, &base, "Roles"),
        )
    };
    let users = args.users as usize;
    let spec = SeedSpec {
        users,
        groups: 0,
        entitlements: entitlements.len(),
        roles: roles.len(),
        seed: args.seed,
        domain: Some(domain.clone()),
        ..SeedSpec::default()
    };
    let mut people = People::new(&spec)
        .map_err(|e| format!("bad arguments: {}", e.detail.replace("seed.", "--")))?;

    let tally = Arc::new(Tally::default());
    let ids: Arc<Vec<OnceLock<String>>> = Arc::new((0..users).map(|_| OnceLock::new()).collect());
    let bar = progress(args.users, "users");
    let started = Instant::now();
    let (sender, receiver) = sync_channel::<Job>(concurrency * 2);
    let record = {
        let (tally, ids) = (tally.clone(), ids.clone());
        Arc::new(move |operation: &(String, String), result: &Value| {
            let status = operation_status(result);
            if (200..300).contains(&status) {
                tally.succeeded.fetch_add(1, Ordering::Relaxed);
                let id = result
                    .get("location")
                    .and_then(Value::as_str)
                    .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
                    .map(str::to_string);
                let n = operation
                    .0
                    .strip_prefix('u')
                    .and_then(|n| n.parse::<usize>().ok());
                if let (Some(id), Some(slot)) = (id, n.and_then(|n| ids.get(n))) {
                    let _ = slot.set(id);
                }
            } else {
                tally.fail(format!(
                    "{}: {status} {}",
                    operation.1,
                    operation_detail(result)
                ));
            }
        })
    };
    let senders = spawn_senders(concurrency, &http, &base, receiver, &tally, record, &bar);

    // Generate and batch here; the senders work meanwhile. Payloads stay under the
    // server's maxPayloadSize with room for the envelope.
    let payload_budget = (max_payload as usize).saturating_sub(256).max(1024);
    let mut managers_skipped = 0u64;
    let mut batch = Batch::default();
    // The manager as this batch can name it: a bulkId inside the batch, an id from an
    // earlier batch once it has been answered, or nothing while it is still in flight.
    let manager_value = |m: usize, batch_start: usize| -> Option<String> {
        if m >= batch_start {
            Some(format!("bulkId:u{m}"))
        } else {
            ids.get(m).and_then(|slot| slot.get()).cloned()
        }
    };
    let set_manager = |user: &mut scimlet::Map, value: Option<String>| {
        if let Some(scimlet::Value::Object(enterprise)) = user.get_mut(ENTERPRISE_USER) {
            match value {
                Some(v) => enterprise.insert("manager", scimlet::json!({ "value": v })),
                None => enterprise.remove("manager"),
            };
        }
    };
    for n in 0..users {
        if tally.stopped() {
            break;
        }
        if batch.operations.len() as u64 >= args.batch && sender.send(batch.take(n)).is_err() {
            break;
        }
        let mut person = people.next_person();
        person.assign_grants(&entitlements, &roles);
        if let Some(m) = person.manager {
            set_manager(&mut person.user, manager_value(m, batch.start));
        }
        let bulk_id = format!("u{n}");
        let mut bytes = create_operation(&bulk_id, &person.user);
        if !batch.operations.is_empty() && batch.bytes + bytes.len() + 1 > payload_budget {
            if sender.send(batch.take(n)).is_err() {
                break;
            }
            if let Some(m) = person.manager {
                set_manager(&mut person.user, manager_value(m, batch.start));
                bytes = create_operation(&bulk_id, &person.user);
            }
        }
        if person.manager.is_some()
            && person
                .user
                .get(ENTERPRISE_USER)
                .is_none_or(|e| e.get("manager").is_none())
        {
            managers_skipped += 1;
        }
        let user_name = person
            .user
            .get("userName")
            .and_then(scimlet::Value::as_str)
            .unwrap_or("")
            .to_string();
        batch.bytes += bytes.len() + 1;
        batch.operations.push(bytes);
        batch.labels.push((bulk_id, format!("user {user_name}")));
    }
    if !batch.operations.is_empty() && !tally.stopped() {
        let _ = sender.send(batch.take(users));
    }
    drop(sender);
    for handle in senders {
        let _ = handle.join();
    }
    bar.finish_and_clear();
    let mut extra = Map::new();
    extra.insert("domain".into(), json!(domain));
    extra.insert("managersSkipped".into(), json!(managers_skipped));
    extra.insert("entitlementsAvailable".into(), json!(entitlements.len()));
    extra.insert("rolesAvailable".into(), json!(roles.len()));
    Ok(tally.finish(cli.json, "created", "users", started, extra))
}

/// A Bulk `POST /Users` operation, serialized.
fn create_operation(bulk_id: &str, user: &scimlet::Map) -> Vec<u8> {
    let data = serde_json::to_vec(user).unwrap_or_default();
    let mut op = Vec::with_capacity(data.len() + 64);
    op.extend_from_slice(b"{\"method\":\"POST\",\"path\":\"/Users\",\"bulkId\":\"");
    op.extend_from_slice(bulk_id.as_bytes());
    op.extend_from_slice(b"\",\"data\":");
    op.extend_from_slice(&data);
    op.push(b'}');
    op
}

/// `"` and `\` escaped for a SCIM filter string literal.
fn filter_string(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn purge(cli: &Cli, url: &str, args: &PurgeArgs) -> Fallible<bool> {
    let concurrency = args.concurrency as usize;
    let (base, http) = scim_target(cli, url, &args.target, concurrency + 1);
    let (max_operations, _) = bulk_limits(&http, &base)?;
    if args.batch > max_operations {
        return Err(format!(
            "--batch {} is more than the server's bulk.maxOperations ({max_operations})",
            args.batch
        ));
    }
    let what = args.endpoint.to_ascii_lowercase();
    let tally = Arc::new(Tally::default());
    let bar = progress(0, &what);
    let started = Instant::now();
    let (sender, receiver) = sync_channel::<Job>(concurrency * 2);
    let record = {
        let tally = tally.clone();
        Arc::new(move |operation: &(String, String), result: &Value| {
            match operation_status(result) {
                200..=299 => {
                    tally.succeeded.fetch_add(1, Ordering::Relaxed);
                }
                404 => {
                    tally.already_gone.fetch_add(1, Ordering::Relaxed);
                }
                status => tally.fail(format!(
                    "{}: {status} {}",
                    operation.1,
                    operation_detail(result)
                )),
            }
        })
    };
    let senders = spawn_senders(concurrency, &http, &base, receiver, &tally, record, &bar);

    // Walk ids upwards: deleting behind the cursor never shifts what is ahead of it,
    // unlike startIndex paging.
    let mut last: Option<String> = None;
    let mut pages = 0u64;
    let mut error: Option<String> = None;
    while !tally.stopped() {
        let filter = match &last {
            None => format!("({})", args.filter),
            Some(id) => format!("({}) and id gt \"{}\"", args.filter, filter_string(id)),
        };
        let page_url = format!(
            "{base}/{}?filter={}&sortBy=id&sortOrder=ascending&attributes=id&count={}",
            args.endpoint,
            encode(&filter),
            args.page
        );
        let page = match http.json("GET", &page_url, None) {
            Ok(page) => page,
            Err(message) => {
                error = Some(message);
                break;
            }
        };
        if pages == 0 {
            bar.set_length(
                page.get("totalResults")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
            );
        }
        pages += 1;
        let ids: Vec<String> = page
            .get("Resources")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|r| r.get("id")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if ids.is_empty() {
            break;
        }
        // A server that ignores sortBy or `id gt` would make this walk loop or skip.
        let ascending =
            ids.windows(2).all(|w| w[0] < w[1]) && last.as_ref().is_none_or(|l| &ids[0] > l);
        if !ascending {
            error = Some(format!(
                "{base} did not return ids in ascending order for sortBy=id with `id gt`; stopped so as not to loop"
            ));
            break;
        }
        last = ids.last().cloned();
        for chunk in ids.chunks(args.batch as usize) {
            let operations: Vec<Vec<u8>> = chunk
                .iter()
                .map(|id| {
                    serde_json::to_vec(&json!({ "method": "DELETE", "path": format!("/{}/{id}", args.endpoint), "bulkId": format!("d{id}") }))
                        .unwrap_or_default()
                })
                .collect();
            let labels = chunk
                .iter()
                .map(|id| (format!("d{id}"), format!("{} {id}", args.endpoint)))
                .collect();
            if sender
                .send(Job {
                    body: bulk_body(&operations),
                    operations: labels,
                })
                .is_err()
            {
                break;
            }
        }
    }
    drop(sender);
    for handle in senders {
        let _ = handle.join();
    }
    bar.finish_and_clear();
    if let Some(message) = error {
        tally.abort(message);
    }
    let mut extra = Map::new();
    extra.insert("pages".into(), json!(pages));
    Ok(tally.finish(cli.json, "deleted", &what, started, extra))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_components_are_percent_encoded() {
        for (raw, encoded) in [
            ("plain", "plain"),
            (
                "(userName ew \"@x.example.org\") and id gt \"a\"",
                "%28userName%20ew%20%22%40x.example.org%22%29%20and%20id%20gt%20%22a%22",
            ),
            ("é+&=", "%C3%A9%2B%26%3D"),
        ] {
            assert_eq!(encode(raw), encoded);
        }
    }

    #[test]
    fn settings_are_set_by_dotted_keys() {
        let mut config = json!({ "resourceTypes": { "group": true }, "maxResults": 1000 });
        for (arg, pointer, expected) in [
            ("maxResults=50", "/maxResults", json!(50)),
            (
                "resourceTypes.group=false",
                "/resourceTypes/group",
                json!(false),
            ),
            (
                "patchResponse=noContent",
                "/patchResponse",
                json!("noContent"),
            ),
            ("ttlSeconds=null", "/ttlSeconds", Value::Null),
            ("new.nested.key=\"x\"", "/new/nested/key", json!("x")),
        ] {
            let (key, value) = key_value(arg).expect(arg);
            set_dotted(&mut config, &key, value).expect(arg);
            assert_eq!(config.pointer(pointer), Some(&expected), "{arg}");
        }
        for bad in ["novalue", "=1", "a..b=1"] {
            assert!(key_value(bad).is_err(), "{bad}");
        }
        assert!(set_dotted(&mut config, "maxResults.x", json!(1)).is_err());
    }

    #[test]
    fn server_ids_follow_the_edge_rules() {
        for (id, ok) in [
            ("demo", true),
            ("a_b-C9", true),
            ("", false),
            ("a.b", false),
            (&"x".repeat(65), false),
        ] {
            assert_eq!(server_id(id).is_ok(), ok, "{id}");
        }
    }

    #[test]
    fn bulk_results_give_their_status_and_detail() {
        for (result, status, detail) in [
            (
                json!({"status": "201", "location": "http://x/Users/1"}),
                201,
                None,
            ),
            (json!({"status": 204}), 204, None),
            (
                json!({"status": "409", "response": {"detail": "userName taken"}}),
                409,
                Some("userName taken"),
            ),
            (json!({}), 0, None),
        ] {
            assert_eq!(operation_status(&result), status);
            if let Some(detail) = detail {
                assert_eq!(operation_detail(&result), detail);
            }
        }
    }

    #[test]
    fn the_origin_is_what_the_user_typed_without_the_path() {
        for (url, origin) in [
            ("http://127.0.0.1:8787/api/servers", "http://127.0.0.1:8787"),
            ("https://scimlet.example.com", "https://scimlet.example.com"),
        ] {
            assert_eq!(origin_of(url), origin);
        }
    }
}
