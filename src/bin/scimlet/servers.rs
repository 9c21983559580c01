//! `scimlet servers ...`: the `/api/servers` administration API.

use crate::auth::Credential;
use crate::http::Http;
use crate::{Context, CreateArgs, Fallible, ServersCommand};
use serde_json::{json, Map, Value};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Servers whose counts `servers list` fetches at once.
const LIST_CONCURRENCY: usize = 8;

/// Runs one `servers` command; whether it went well.
pub fn run(context: &Context, cmd: &ServersCommand) -> Fallible<bool> {
    let api = format!("{}/api/servers", context.url);
    let client = |id: &str| Http::new(context.admin_credential(id), 2);
    match cmd {
        ServersCommand::Create(args) => create(context, &api, args)?,
        ServersCommand::List => list(context, &api)?,
        ServersCommand::Show { id } => print_server(
            context,
            &client(id).json("GET", &format!("{api}/{id}"), None)?,
        ),
        ServersCommand::Delete { id } => {
            let (http, url) = (client(id), format!("{api}/{id}"));
            let reply = http.send("DELETE", &url, None)?;
            let deleted = (200..300).contains(&reply.status);
            // A server that is gone (404) is forgotten too; one that refused the token is not.
            if deleted || reply.status == 404 {
                context.remembered.forget(&context.url, id)?;
            }
            if !deleted {
                return Err(http.refusal("DELETE", &url, &reply));
            }
            if context.json {
                print_json(&json!({ "deleted": id }));
            } else {
                println!("Deleted server {id}");
            }
        }
        ServersCommand::Reset { id } => {
            print_server(
                context,
                &client(id).json("POST", &format!("{api}/{id}/reset"), None)?,
            );
        }
        ServersCommand::Config { id, set } => {
            let http = client(id);
            let config_url = format!("{api}/{id}/config");
            let config = if set.is_empty() {
                http.json("GET", &config_url, None)?
            } else {
                // A merge patch (RFC 7396) of just what was set: the server refuses an
                // unknown key or a bad value with 400 and changes nothing.
                let mut patch = json!({});
                for (key, value) in set {
                    set_dotted(&mut patch, key, value.clone())?;
                }
                http.json("PATCH", &config_url, Some(&patch))?
            };
            print_json(&config);
        }
        ServersCommand::Export { id } => {
            let http = client(id);
            let export_url = format!("{api}/{id}/export");
            let reply = http.send("GET", &export_url, None)?;
            if !(200..300).contains(&reply.status) {
                return Err(http.refusal("GET", &export_url, &reply));
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
                context,
                &client(id).json("PUT", &format!("{api}/{id}/import"), Some(&export))?,
            );
        }
    }
    Ok(true)
}

/// `servers create`: creates, prints, and remembers the token for later commands.
fn create(context: &Context, api: &str, args: &CreateArgs) -> Fallible<()> {
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
    if let Some(persona) = &args.persona {
        body.insert("settings".into(), json!({ "persona": persona }));
    }
    // Anyone may create a server; the admin token (if any) may lift rate limits.
    let http = Http::new(
        Credential {
            token: context.admin_token.clone(),
            hint: "Creating a server needs no token; the admin token given was refused.".into(),
        },
        2,
    );
    let mut created = http.json("POST", api, Some(&Value::Object(body)))?;
    wait_for_seed(api, &mut created)?;
    let field = |k: &str| created.get(k).and_then(Value::as_str).unwrap_or_default();
    let (id, token) = (field("id"), field("token"));
    // Not remembering is worth a warning, not a failure: the server exists and the token
    // is printed.
    let remembered = match (
        id.is_empty() || token.is_empty(),
        context.remembered.put(&context.url, id, token),
    ) {
        (true, _) => None,
        (false, Ok(path)) => Some(path.display().to_string()),
        (false, Err(why)) => {
            eprintln!("warning: the token was not remembered: {why}");
            None
        }
    };
    if context.json {
        print_json(&created);
    } else {
        println!("Created server {id}");
        println!("  SCIM base: {}", field("scim"));
        println!("  token:     {token}");
        match remembered {
            Some(path) => println!(
                "The token is remembered in {path}: `scimlet load --server {id}` and the other \
                 commands for this server at {} need no --token.",
                context.url
            ),
            None => println!("Use it with: export SCIMLET_TOKEN={token}"),
        }
    }
    Ok(())
}

/// A big seed goes on after the creation answers (the server fills itself in slices,
/// answering requests meanwhile): wait for it, its progress on stderr, so the server is
/// whole when `servers create` ends. The answer's counts are the finished server's.
fn wait_for_seed(api: &str, created: &mut Value) -> Fallible<()> {
    if created.get("seeding").is_none() {
        return Ok(());
    }
    let field = |k: &str| created.get(k).and_then(Value::as_str).unwrap_or_default();
    let url = format!("{api}/{}", field("id"));
    let http = Http::new(
        Credential {
            token: Some(field("token").to_string()),
            hint: "The new server refused its own token.".into(),
        },
        1,
    );
    loop {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let shown = http.json("GET", &url, None)?;
        match shown.get("seeding") {
            Some(seeding) => {
                eprint!("\rseeding: {} of {}", seeding["done"], seeding["total"]);
                let _ = std::io::stderr().flush();
            }
            None => {
                eprintln!("\rseeding: done");
                if let Some(obj) = created.as_object_mut() {
                    obj.remove("seeding");
                    if let Some(counts) = shown.get("counts") {
                        obj.insert("counts".into(), counts.clone());
                    }
                }
                return Ok(());
            }
        }
    }
}

/// `servers list`: every server, with its counts fetched a few servers at a time.
fn list(context: &Context, api: &str) -> Fallible<()> {
    if context.admin_token.is_none() {
        return Err(context.deployment_credential().hint);
    }
    let http = Http::new(context.deployment_credential(), LIST_CONCURRENCY);
    let mut listing = http.json("GET", api, None)?;
    let ids: Vec<String> = listing
        .get("servers")
        .and_then(Value::as_array)
        .map(|servers| {
            servers
                .iter()
                .map(|s| {
                    s.get("id")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    let details = fetch_all(&ids, |id| http.json("GET", &format!("{api}/{id}"), None));
    if let Some(Value::Array(servers)) = listing.get_mut("servers") {
        for (server, detail) in servers.iter_mut().zip(details) {
            let Value::Object(server) = server else {
                continue;
            };
            match detail {
                Ok(detail) => {
                    for key in ["counts", "total", "limits"] {
                        if let Some(value) = detail.get(key) {
                            server.insert(key.into(), value.clone());
                        }
                    }
                }
                Err(why) => {
                    server.insert("countsError".into(), json!(why));
                }
            }
        }
    }
    if context.json {
        print_json(&listing);
    } else {
        print_listing(&listing);
    }
    Ok(())
}

/// `fetch(item)` for every item, `LIST_CONCURRENCY` at a time, answers in item order.
fn fetch_all<T: Send>(
    items: &[String],
    fetch: impl Fn(&str) -> Fallible<T> + Sync,
) -> Vec<Fallible<T>> {
    let next = AtomicUsize::new(0);
    let mut answers: Vec<(usize, Fallible<T>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..LIST_CONCURRENCY.min(items.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return mine;
                        };
                        mine.push((i, fetch(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    answers.sort_by_key(|(i, _)| *i);
    answers.into_iter().map(|(_, answer)| answer).collect()
}

fn print_listing(listing: &Value) {
    let servers = listing
        .get("servers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let text = |s: &Value, k: &str| match s.get(k) {
        Some(Value::String(v)) => v.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "-".into(),
    };
    let count = |s: &Value, resource_type: &str| {
        s.pointer(&format!("/counts/{resource_type}"))
            .and_then(Value::as_u64)
            .map_or_else(
                || {
                    if s.get("counts").is_some() {
                        "0".into()
                    } else {
                        "-".into()
                    }
                },
                |n| n.to_string(),
            )
    };
    let width = servers
        .iter()
        .map(|s| text(s, "id").len())
        .max()
        .unwrap_or(0)
        .max(2);
    println!(
        "{:<width$} {:>8} {:>8} {:>8} {:<24} {:<24}",
        "ID", "USERS", "GROUPS", "TOTAL", "CREATED", "EXPIRES"
    );
    for s in servers {
        println!(
            "{:<width$} {:>8} {:>8} {:>8} {:<24} {:<24}",
            text(s, "id"),
            count(s, "User"),
            count(s, "Group"),
            text(s, "total"),
            text(s, "created"),
            text(s, "expires"),
        );
    }
    println!("{} servers", servers.len());
    for s in servers {
        if let Some(why) = s.get("countsError").and_then(Value::as_str) {
            eprintln!("warning: no counts for {}: {why}", text(s, "id"));
        }
    }
}

pub fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn print_server(context: &Context, server: &Value) {
    if context.json {
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
    if let Some(capacity) = Capacity::of(server) {
        println!(
            "  room for {} more resources ({} of at most {})",
            capacity.free(),
            capacity.total,
            capacity.max
        );
    }
}

/// How full a server is, from `GET /api/servers/{id}` (`None`: it does not say).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    /// Resources it holds.
    pub total: u64,
    /// The most it may hold.
    pub max: u64,
}

impl Capacity {
    /// Reads `total` (else the sum of `counts`) and `limits.maxResources`.
    pub fn of(server: &Value) -> Option<Capacity> {
        let max = server.pointer("/limits/maxResources")?.as_u64()?;
        let total = server.get("total").and_then(Value::as_u64).or_else(|| {
            server
                .get("counts")?
                .as_object()?
                .values()
                .map(Value::as_u64)
                .sum::<Option<u64>>()
        })?;
        Some(Capacity { total, max })
    }

    /// How many more resources fit.
    pub fn free(&self) -> u64 {
        self.max.saturating_sub(self.total)
    }
}

/// Sets `a.b.c` in a JSON object, creating intermediate objects.
pub fn set_dotted(config: &mut Value, key: &str, value: Value) -> Fallible<()> {
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

#[cfg(test)]
#[path = "servers_tests.rs"]
mod tests;
