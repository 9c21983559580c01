//! A loopback stand-in for the scimlet Worker, for exercising the CLI where no Worker
//! runs: the engine's own administration (`scimlet::admin`) and SCIM (`Tenant::handle`)
//! behind a minimal HTTP/1.1 server with the edge's URL layout, servers kept in memory.
//!
//! Everything it answers comes from the core, as at the edge and in the browser; only
//! Durable Objects, KV and the creation rate limit are missing. `tests/cli/run.sh
//! --standin` starts it.
//!
//! Usage: `standin [PORT] [ADMIN_TOKEN] [MAX_RESOURCES]` (port 0 picks one); prints
//! `listening on <url>`.

use scimlet::admin::{self, Access, CreateOrder, Fresh, Listed, Policy, Route, Server, Site, EDGE};
use scimlet::env::UuidIds;
use scimlet::persona::oci::{self, DomainRequest, Locator};
use scimlet::{Env, Method, Request, Response, ScimError};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// Everything the stand-in holds: the servers, the id source, fresh-token material.
struct State {
    servers: BTreeMap<String, Server>,
    ids: UuidIds,
    counter: u64,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    let admin = args.get(2).cloned().unwrap_or_default();
    let max_resources = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
    let origin = format!("http://{}", listener.local_addr().expect("address"));
    println!("listening on {origin}");
    let _ = std::io::stdout().flush();
    let policy = Arc::new(Policy {
        max_resources,
        ttl_cap_seconds: None,
        import_max_bytes: 64 * 1024 * 1024,
        admin_token_digest: (!admin.is_empty()).then(|| admin::token_digest(&admin)),
    });
    let state = Arc::new(Mutex::new(State {
        servers: BTreeMap::new(),
        ids: UuidIds::new(now_ms() as u64),
        counter: now_ms() as u64,
    }));
    for stream in listener.incoming().flatten() {
        let (state, origin, policy) = (state.clone(), origin.clone(), policy.clone());
        std::thread::spawn(move || {
            let _ = serve(stream, &state, &origin, &policy);
        });
    }
}

/// One connection: requests until the client closes it.
fn serve(
    stream: TcpStream,
    state: &Mutex<State>,
    origin: &str,
    policy: &Policy,
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
        let response = {
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            route(
                &method, &target, &headers, &body, &mut state, origin, policy,
            )
        };
        let mut head = format!("HTTP/1.1 {} X\r\n", response.status);
        for (name, value) in &response.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", response.body.len()));
        writer.write_all(head.as_bytes())?;
        writer.write_all(&response.body)?;
        if headers
            .get("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            return Ok(());
        }
    }
}

fn route(
    method: &str,
    target: &str,
    headers: &BTreeMap<String, String>,
    body: &[u8],
    state: &mut State,
    origin: &str,
    policy: &Policy,
) -> Response {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let method = Method::parse(method);
    let site = Site {
        origin,
        layout: EDGE,
    };
    let authorization = headers.get("authorization").map(String::as_str);
    let route = EDGE.parse(path);
    let not_found =
        || admin::error_response(&ScimError::not_found(format!("no endpoint at {path}")));
    let id = match route {
        Route::Servers => return servers(&method, authorization, body, state, &site, policy),
        Route::Token | Route::Domain { .. } => {
            return domain(&method, target, &route, headers, body, state, &site)
        }
        Route::Server { id, .. } | Route::Scim { id, .. } => id.to_string(),
        // CSV jobs need a job runner: the Worker and the browser sandbox have one.
        Route::BadServerId(_) | Route::NotFound | Route::Jobs { .. } => {
            return admin::route_error(&route, path).unwrap_or_else(not_found)
        }
    };
    let record = state.servers.get(&id).map(|s| s.record.clone());
    let access = match admin::authenticate(authorization, &id, record.as_ref(), policy) {
        Ok(access) => access,
        Err(e) => return admin::error_response(&e),
    };
    let limit = admin::body_limit(&route, record.as_ref(), policy);
    if body.len() > limit {
        return admin::error_response(&admin::too_large(body.len() as u64, limit));
    }
    let State { servers, ids, .. } = state;
    let Some(server) = servers.get_mut(&id) else {
        return not_found();
    };
    match route {
        Route::Scim { rest, .. } => {
            if access == Access::Admin {
                return admin::error_response(&ScimError::new(
                    403,
                    None,
                    "the admin token never opens SCIM data",
                ));
            }
            let mut request = Request::new(method, if rest.is_empty() { "/" } else { rest });
            request.query = query.to_string();
            request.body = body.to_vec();
            request.content_type = headers.get("content-type").cloned();
            request.if_match = headers.get("if-match").cloned();
            request.if_none_match = headers.get("if-none-match").cloned();
            let base = site.scim_base(&id);
            let mut env = Env {
                now_ms: now_ms(),
                base_url: &base,
                ids,
            };
            server.tenant.handle(&request, &mut env).response
        }
        Route::Server { action, .. } => {
            let request = admin::Request {
                method: &method,
                action,
                access,
                body,
            };
            let outcome = admin::handle(&request, server, policy, &site);
            if outcome.record == admin::RecordChange::Deleted {
                servers.remove(&id);
            }
            outcome.into_response()
        }
        Route::Servers
        | Route::BadServerId(_)
        | Route::NotFound
        | Route::Token
        | Route::Domain { .. }
        | Route::Jobs { .. } => not_found(),
    }
}

/// The oci persona at the root: the credential names the server (a server token is
/// found by its digest among the servers held), then the core answers.
fn domain(
    method: &Method,
    target: &str,
    route: &Route<'_>,
    headers: &BTreeMap<String, String>,
    body: &[u8],
    state: &mut State,
    site: &Site<'_>,
) -> Response {
    let authorization = headers.get("authorization").map(String::as_str);
    let form: &[u8] = if *route == Route::Token { body } else { b"" };
    let id = match oci::locate(authorization, form) {
        Ok(Locator::Server(id)) => id,
        Ok(Locator::TokenDigest(digest)) => {
            let owner = state
                .servers
                .values()
                .find(|s| s.record.token_digests.contains(&digest));
            owner.map(|s| s.record.id.clone()).unwrap_or_default()
        }
        Err(e) => return admin::error_response(&e),
    };
    let State { servers, ids, .. } = state;
    let Some(server) = servers.get_mut(&id) else {
        return admin::error_response(&oci::unknown());
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let rest = match route {
        Route::Domain { rest } => *rest,
        _ => return oci::token(server, authorization, body, now_ms()),
    };
    let pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let request = DomainRequest {
        method: method.clone(),
        rest,
        target,
        query,
        headers: &pairs,
        body: body.to_vec(),
    };
    let _ = path;
    let caller = match oci::authenticate(server, &request, now_ms()) {
        Ok(caller) => caller,
        Err(e) => return admin::error_response(&e),
    };
    let base = format!("{}{}", site.origin, EDGE.domain);
    let mut env = Env {
        now_ms: now_ms(),
        base_url: &base,
        ids,
    };
    oci::handle(server, request, caller, &mut env).response
}

/// `/api/servers`: create (every seed chunk at once: nothing else needs answering meanwhile)
/// and list.
fn servers(
    method: &Method,
    authorization: Option<&str>,
    body: &[u8],
    state: &mut State,
    site: &Site<'_>,
    policy: &Policy,
) -> Response {
    match method {
        Method::Get => match admin::authenticate_admin(authorization, policy) {
            Ok(()) => admin::list(
                state
                    .servers
                    .values()
                    .map(|s| Listed {
                        id: s.record.id.clone(),
                        created_ms: s.record.created_ms,
                        expires_ms: s.record.expires_ms,
                    })
                    .collect(),
                site,
            ),
            Err(e) => admin::error_response(&e),
        },
        Method::Post => {
            state.counter = state.counter.wrapping_add(1);
            let fresh = Fresh {
                id: format!("s-{:x}", state.counter),
                token: admin::token_from_random_bytes(&random_bytes(state.counter)),
                key: admin::token_from_random_bytes(&random_bytes(!state.counter)),
            };
            let order = match CreateOrder::parse(body, fresh, policy, now_ms()) {
                Ok(order) => order,
                Err(e) => return admin::error_response(&e),
            };
            let id = order.record.id.clone();
            let base = site.scim_base(&id);
            let mut env = Env {
                now_ms: now_ms(),
                base_url: &base,
                ids: &mut state.ids,
            };
            let existing = state.servers.get(&id).map(|s| &s.record);
            match admin::create(order, existing, usize::MAX, &mut env) {
                Ok(created) => {
                    let response = created.response(site);
                    state.servers.insert(id, created.server);
                    response
                }
                Err(e) => admin::error_response(&e),
            }
        }
        other => admin::servers_method_not_allowed(other),
    }
}

/// Token material for a test stand-in: the OS's random bytes, else the clock and a counter
/// (a stand-in on loopback needs unguessable-enough, not secret-grade).
fn random_bytes(counter: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(mut urandom) = std::fs::File::open("/dev/urandom") {
        if urandom.read_exact(&mut out).is_ok() {
            return out;
        }
    }
    let seed = counter ^ now_ms() as u64;
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (seed.rotate_left(i as u32 * 7) >> 8) as u8;
    }
    out
}
