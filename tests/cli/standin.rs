//! A loopback stand-in for the scimlet Worker, for exercising the CLI where no Worker
//! runs: the real engine (`Tenant::handle`, `generate::populate`) behind a minimal
//! HTTP/1.1 server with the edge's paths (`/api/servers`, `/scim-identifier/{id}/scim/v2`).
//!
//! It is not the Worker (no Durable Objects, no KV, no limits): passing against it proves
//! the CLI and the engine agree, not that the edge does. `tests/cli/run.sh --standin`
//! starts it.
//!
//! Usage: `standin [PORT] [ADMIN_TOKEN]` (port 0 picks one); prints `listening on <url>`.

use scimlet::env::UuidIds;
use scimlet::generate::{populate, SeedSpec};
use scimlet::{Env, Method, Request, Settings, Tenant};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

struct Server {
    token: String,
    tenant: Tenant,
}

type Servers = Arc<Mutex<BTreeMap<String, Server>>>;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    let admin = args.get(2).cloned().unwrap_or_default();
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
    let origin = format!("http://{}", listener.local_addr().expect("address"));
    println!("listening on {origin}");
    let _ = std::io::stdout().flush();
    let servers: Servers = Arc::new(Mutex::new(BTreeMap::new()));
    let ids = Arc::new(Mutex::new(UuidIds::new(now_ms() as u64)));
    for stream in listener.incoming().flatten() {
        let (servers, ids, origin, admin) =
            (servers.clone(), ids.clone(), origin.clone(), admin.clone());
        std::thread::spawn(move || {
            let _ = serve(stream, &servers, &ids, &origin, &admin);
        });
    }
}

/// One connection: requests until the client closes it.
fn serve(
    stream: TcpStream,
    servers: &Servers,
    ids: &Arc<Mutex<UuidIds>>,
    origin: &str,
    admin: &str,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("/").to_string(),
        );
        let mut headers = BTreeMap::new();
        loop {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((k, v)) = header.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let token = headers
            .get("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .unwrap_or("")
            .to_string();
        let (status, content_type, out) = {
            let mut guard = servers.lock().unwrap_or_else(|e| e.into_inner());
            let mut ids = ids.lock().unwrap_or_else(|e| e.into_inner());
            route(
                &method,
                &target,
                &body,
                &token,
                headers.get("content-type"),
                &mut guard,
                &mut ids,
                origin,
                admin,
            )
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            out.len()
        );
        writer.write_all(head.as_bytes())?;
        writer.write_all(&out)?;
        if headers
            .get("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            return Ok(());
        }
    }
}

fn reply(status: u16, body: Value) -> (u16, String, Vec<u8>) {
    (
        status,
        "application/json".into(),
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

fn error(status: u16, detail: &str) -> (u16, String, Vec<u8>) {
    reply(
        status,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": status.to_string(), "detail": detail}),
    )
}

#[allow(clippy::too_many_arguments)]
fn route(
    method: &str,
    target: &str,
    body: &[u8],
    token: &str,
    content_type: Option<&String>,
    servers: &mut BTreeMap<String, Server>,
    ids: &mut UuidIds,
    origin: &str,
    admin: &str,
) -> (u16, String, Vec<u8>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let is_admin = !admin.is_empty() && token == admin;
    if path == "/api/servers" {
        return match method {
            "POST" => {
                let order: Value = serde_json::from_slice(body).unwrap_or(json!({}));
                let id = order["id"]
                    .as_str()
                    .map_or_else(|| format!("s{}", servers.len() + 1), str::to_string);
                if servers.contains_key(&id) {
                    return error(409, "server exists");
                }
                let mut tenant = Tenant::new(Settings::default()).expect("default settings");
                if let Some(seed) = order.get("seed") {
                    let spec: SeedSpec = match serde_json::from_value(seed.clone()) {
                        Ok(spec) => spec,
                        Err(e) => return error(400, &e.to_string()),
                    };
                    let base = format!("{origin}/scim-identifier/{id}/scim/v2");
                    let mut env = Env {
                        now_ms: now_ms(),
                        base_url: &base,
                        ids,
                    };
                    if let Err(e) = populate(&mut tenant, &spec, &mut env) {
                        return error(e.status, &e.detail);
                    }
                }
                let token = format!("t-{id}-{}", now_ms());
                servers.insert(
                    id.clone(),
                    Server {
                        token: token.clone(),
                        tenant,
                    },
                );
                reply(
                    201,
                    json!({"id": id, "token": token, "scim": format!("{origin}/scim-identifier/{id}/scim/v2")}),
                )
            }
            "GET" if is_admin => reply(
                200,
                json!({"total": servers.len(), "servers": servers.keys().map(|id| json!({"id": id})).collect::<Vec<_>>()}),
            ),
            "GET" => error(401, "listing servers needs the admin token"),
            _ => error(405, "method not allowed"),
        };
    }
    let (id, rest, scim) = if let Some(rest) = path.strip_prefix("/api/servers/") {
        let (id, action) = rest.split_once('/').unwrap_or((rest, ""));
        (id.to_string(), action.to_string(), false)
    } else if let Some(rest) = path.strip_prefix("/scim-identifier/") {
        let (id, tail) = rest.split_once("/scim/v2").unwrap_or((rest, ""));
        (id.to_string(), tail.to_string(), true)
    } else {
        return error(404, "no such path");
    };
    let Some(server) = servers.get_mut(&id) else {
        return error(404, &format!("server {id} not found"));
    };
    if token != server.token && !is_admin {
        return error(401, "missing or wrong bearer token");
    }
    if scim {
        let mut request = Request::new(Method::parse(method), &rest);
        request.query = query.to_string();
        request.body = body.to_vec();
        request.content_type = content_type.cloned();
        let base = format!("{origin}/scim-identifier/{id}/scim/v2");
        let mut env = Env {
            now_ms: now_ms(),
            base_url: &base,
            ids,
        };
        let outcome = server.tenant.handle(&request, &mut env);
        let content_type = outcome
            .response
            .header("Content-Type")
            .unwrap_or("application/scim+json")
            .to_string();
        return (outcome.response.status, content_type, outcome.response.body);
    }
    match (method, rest.as_str()) {
        ("GET", "") => reply(
            200,
            json!({"id": id, "scim": format!("{origin}/scim-identifier/{id}/scim/v2"), "counts": server.tenant.counts()}),
        ),
        ("DELETE", "") => {
            servers.remove(&id);
            (204, "application/json".into(), Vec::new())
        }
        _ => error(
            404,
            "the stand-in serves create, list, show and delete only",
        ),
    }
}
