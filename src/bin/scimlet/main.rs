//! `scimlet`: the command-line client for scimlet servers.
//!
//! Talks HTTP to any scimlet (the local `make dev` by default): administers virtual
//! servers through `/api/servers`, bulk-loads generated users and groups through SCIM
//! `/Bulk` (a migration rehearsal) and purges resources matching a filter by walking ids
//! in order. Tokens of the servers it creates are remembered (`remember.rs`), so the next
//! command needs no `--token`.
//!
//! ```text
//! scimlet servers create --id big --users 100                # a new server with fake data
//! scimlet load --server big --users 10000 --groups 20        # more users, then groups, through /Bulk
//! scimlet purge --server big --filter 'userName ew "@load-1.example.org"'
//! ```

mod auth;
mod bulk;
mod csv;
mod http;
mod load;
mod purge;
mod remember;
mod servers;
#[cfg(test)]
mod test_server;

use clap::{Args, Parser, Subcommand};
use scimlet::generate::{MAX_OTHERS, MAX_USERS};
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

/// The scimlet command-line client: manage virtual SCIM servers, bulk-load fake users and
/// groups, purge resources by filter.
#[derive(Parser, Debug)]
#[command(name = "scimlet", version, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes, listed apart from each command's own in `--help`.
#[derive(Args, Debug)]
#[command(next_help_heading = "Global options")]
struct Global {
    /// Where scimlet runs (its origin, without a path).
    #[arg(
        long,
        env = "SCIMLET_URL",
        default_value = "http://127.0.0.1:8787",
        global = true
    )]
    url: String,
    /// The server's token. Default: the one remembered when this CLI created the server.
    #[arg(long, env = "SCIMLET_TOKEN", hide_env_values = true, global = true)]
    token: Option<String>,
    /// The deployment's admin token: opens /api/servers (every server; needed by
    /// `servers list`), never SCIM data.
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
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create, list, inspect, configure, export, import and delete virtual servers.
    #[command(subcommand)]
    Servers(ServersCommand),
    /// Bulk-create generated users, then groups of them, through SCIM /Bulk (a migration
    /// rehearsal).
    Load(LoadArgs),
    /// Delete the resources matching a filter, walking ids in order, through Bulk DELETE.
    Purge(PurgeArgs),
    /// Import or export identity-domain CSV files (Users.csv, Groups.csv,
    /// AppRoleMembership.csv) of an `oci` server through its job API.
    #[command(subcommand)]
    Csv(csv::CsvCommand),
}

#[derive(Subcommand, Debug)]
enum ServersCommand {
    /// Create a server, optionally filled with generated data; its token is remembered.
    Create(CreateArgs),
    /// List every server with its counts (admin token).
    List,
    /// Show a server: SCIM URL, counts per resource type, limits, created, expires.
    Show {
        /// The server id.
        #[arg(value_parser = server_id)]
        id: String,
    },
    /// Delete a server and all its data, and forget its token.
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
    /// What real service the server stands in for: `scim` (the default) or `oci` (an Oracle
    /// identity domain, whose job API `scimlet csv` uses).
    #[arg(long)]
    persona: Option<String>,
}

/// Which SCIM server `load` and `purge` talk to.
#[derive(Args, Debug)]
struct Target {
    /// The server id: SCIM base `<url>/scim-identifier/<id>/scim/v2`.
    #[arg(long, short = 's', value_parser = server_id, required_unless_present = "scim")]
    server: Option<String>,
    /// Any SCIM base URL instead (e.g. https://host/scim/v2); its capacity is unknown and
    /// only --token authenticates.
    #[arg(long, conflicts_with = "server")]
    scim: Option<String>,
}

impl Target {
    /// The SCIM base URL, and the server id when it names a server of `url`.
    fn resolve(&self, url: &str) -> (String, Option<&str>) {
        match (&self.scim, &self.server) {
            (Some(scim), _) => (scim.trim_end_matches('/').to_string(), None),
            (None, Some(id)) => (format!("{url}/scim-identifier/{id}/scim/v2"), Some(id)),
            (None, None) => (url.to_string(), None),
        }
    }
}

#[derive(Args, Debug)]
struct LoadArgs {
    #[command(flatten)]
    target: Target,
    /// How many users to create.
    #[arg(long, short = 'n', default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=MAX_USERS as u64))]
    users: u64,
    /// How many groups to create once the users exist, with the generated users as
    /// members (as `servers create --groups` would).
    #[arg(long, short = 'g', default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=MAX_OTHERS as u64))]
    groups: u64,
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
    if scimlet::admin::valid_server_id(s) {
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
    let url = cli.global.url.trim_end_matches('/').to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        eprintln!("error: --url (or SCIMLET_URL) must be an http:// or https:// origin such as http://127.0.0.1:8787, not {:?}", cli.global.url);
        return ExitCode::from(2);
    }
    let context = Context {
        url,
        token: cli.global.token.clone(),
        admin_token: cli.global.admin_token.clone(),
        json: cli.global.json,
        remembered: remember::Store::open(),
    };
    let outcome = match &cli.command {
        Command::Servers(cmd) => servers::run(&context, cmd),
        Command::Load(args) => load::run(&context, args),
        Command::Purge(args) => purge::run(&context, args),
        Command::Csv(cmd) => return csv::run(&context, cmd),
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

/// What every command works with: the global options, resolved.
struct Context {
    /// The origin, without a trailing slash.
    url: String,
    /// `--token` / `SCIMLET_TOKEN`.
    token: Option<String>,
    /// `--admin-token` / `SCIMLET_ADMIN_TOKEN`.
    admin_token: Option<String>,
    json: bool,
    /// Tokens of the servers this CLI created.
    remembered: remember::Store,
}

#[cfg(test)]
#[path = "main_tests.rs"]
mod tests;
