//! The Cloudflare Worker host (`--features worker`, built by `scripts/build.mjs` around `worker/shim.mjs`).
//!
//! - The Worker (this module) routes every request with the core's URL layout
//!   ([`admin::EDGE`]): `/healthz`, CORS preflights, `POST /api/servers` (create,
//!   rate-limited per client address), `GET /api/servers` (admin token), and for one server
//!   (`/api/servers/{id}/...`, `/scim-identifier/{id}/scim/v2/...`) it authenticates against
//!   the registry copy of the server's record *before reading any body*, reads the body up
//!   to the route's limit, and forwards the request to the Durable Object named `id`.
//!   Unknown servers are answered here, exactly like a wrong token, without ever creating
//!   an object.
//! - [`ScimServer`] (one Durable Object per server id, SQLite-backed) owns a server: its
//!   record, its tenant in memory, its resources in SQLite. See `server.rs`.
//! - [`CreateLimiter`] (one per client address) counts server creations per minute.
//! - The `REGISTRY` KV namespace holds a copy of every server's record, keyed by server
//!   id, for listing and for answering unknown ids and wrong tokens at the edge; each
//!   `ScimServer` publishes its own. The object's record stays the truth: it checks again.
//! - Any other `GET` is the browser page, from `www/` (the `ASSETS` binding); the Worker
//!   runs first on every request so each answer carries CORS and `Server-Timing`.
//!
//! Configuration (`[vars]` in `wrangler.toml`, or `--var` / secrets):
//! `ADMIN_TOKEN` (secret; unset disables the admin token), `SERVER_TTL_SECONDS` (0: servers
//! never expire), `CREATE_LIMIT_PER_MINUTE` (0: unlimited), `MAX_RESOURCES_PER_SERVER`,
//! `IMPORT_MAX_BYTES`, `SEED_INLINE_MS` (how long a creation seeds before alarm slices take
//! over the rest; 3,000), `SEED_SLICE_MS` (how long each of those slices runs; 500),
//! `MIRROR_RESOURCES` (servers up to this size are also held in memory; 12,000, the most).
//!
//! No SCIM rule and no administration rule lives here: the host adapts HTTP, storage, time
//! and randomness.

mod body;
// `#[durable_object]` generates undocumented glue methods.
#[allow(missing_docs)]
mod limiter;
mod reply;
mod root;
#[allow(missing_docs)]
mod server;

pub use limiter::CreateLimiter;
pub use server::ScimServer;

use crate::admin::{
    self, token_digest, token_from_random_bytes, CreateOrder, Fresh, Listed, Policy, Route,
    ServerRecord, Site, EDGE,
};
use crate::error::ScimError;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use worker::wasm_bindgen::JsValue;
use worker::{console_error, js_sys, Env, Method, Request, RequestInit, Response, Result};

/// The KV namespace binding of the registry.
pub const REGISTRY: &str = "REGISTRY";
/// The Durable Object namespace binding of the servers.
pub const SERVERS: &str = "SERVERS";
/// The static assets binding: the browser page in `www/`.
pub const ASSETS: &str = "ASSETS";
/// The Durable Object namespace binding of the creation limiter.
pub const LIMITER: &str = "LIMITER";
/// The path, on a `ScimServer` object, of the Worker's create order. Never reachable from
/// outside: the Worker forwards only requests for an existing server's own paths.
pub const INTERNAL_CREATE: &str = "/__internal/create";

/// This deployment's policy, from its variables: resources per server, TTL cap, import
/// size, admin token; plus the per-minute creation limit, which only the Worker applies.
pub fn policy(env: &Env) -> Policy {
    let admin = env
        .secret("ADMIN_TOKEN")
        .map(|s| s.to_string())
        .or_else(|_| env.var("ADMIN_TOKEN").map(|v| v.to_string()))
        .unwrap_or_default();
    Policy {
        max_resources: to_usize(var(env, "MAX_RESOURCES_PER_SERVER", 2_000_000)),
        ttl_cap_seconds: Some(var(env, "SERVER_TTL_SECONDS", 0)).filter(|&s| s > 0),
        import_max_bytes: to_usize(var(env, "IMPORT_MAX_BYTES", 32 * 1024 * 1024)),
        admin_token_digest: (!admin.is_empty()).then(|| token_digest(&admin)),
    }
}

pub(super) fn var(env: &Env, name: &str, default: u64) -> u64 {
    env.var(name)
        .ok()
        .and_then(|v| v.to_string().trim().parse().ok())
        .unwrap_or(default)
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The `fetch` export the runtime calls. Written out instead of `#[event(fetch)]`, whose
/// expansion names `Box` and `ToString` from the std prelude, which this `no_std` crate
/// does not have.
mod entry {
    use worker::wasm_bindgen::prelude::wasm_bindgen;
    use worker::wasm_bindgen::JsValue;
    use worker::worker_sys::web_sys;

    #[wasm_bindgen(
        wasm_bindgen = ::worker::wasm_bindgen,
        wasm_bindgen_futures = ::worker::wasm_bindgen_futures,
        js_sys = ::worker::js_sys
    )]
    pub async fn fetch(
        req: web_sys::Request,
        env: worker::Env,
        _ctx: worker::worker_sys::Context,
    ) -> Result<JsValue, JsValue> {
        let resp = super::fetch(worker::Request::from(req), env)
            .await
            .map_err(JsValue::from)?;
        Ok(JsValue::from(web_sys::Response::from(resp)))
    }
}

/// The Worker's entry point: every request, with CORS and `Server-Timing` on the answer.
pub async fn fetch(req: Request, env: Env) -> Result<Response> {
    let started = js_sys::Date::now();
    let asked_headers = req
        .headers()
        .get("Access-Control-Request-Headers")
        .ok()
        .flatten();
    let resp = if req.method() == Method::Options {
        Response::empty().map(|r| r.with_status(204))
    } else {
        handle(req, &env).await
    };
    let resp = match resp {
        Ok(resp) => resp,
        Err(err) => {
            console_error!("unhandled error: {err}");
            reply::error_status(500, format!("internal error: {err}"))?
        }
    };
    reply::finish(
        resp,
        asked_headers.as_deref(),
        js_sys::Date::now() - started,
    )
}

async fn handle(req: Request, env: &Env) -> Result<Response> {
    let url = req.url()?;
    let method = req.method();
    let path = url.path().to_string();
    if path == "/healthz" {
        return match method {
            Method::Get | Method::Head => reply::json(200, &crate::json!({ "status": "ok" })),
            _ => reply::method_not_allowed(method.as_ref(), "GET"),
        };
    }
    let route = EDGE.parse(&path);
    let origin = url.origin().ascii_serialization();
    let site = Site {
        origin: &origin,
        layout: EDGE,
    };
    match route {
        Route::Servers => match method {
            Method::Post => match create(req, env, &site).await? {
                Ok(resp) => Ok(resp),
                Err(err) => reply::error(&err),
            },
            Method::Get => list(&req, env, &site).await,
            _ => reply::from_core(admin::servers_method_not_allowed(&to_core(&method))),
        },
        Route::Server { id, .. } | Route::Scim { id, .. } => forward(req, env, id, &route).await,
        Route::Token | Route::Domain { .. } | Route::Jobs { .. } => {
            root::handle(req, env, &route).await
        }
        Route::BadServerId(_) | Route::NotFound => {
            if matches!(method, Method::Get | Method::Head) && matches!(route, Route::NotFound) {
                if let Some(page) = static_asset(req, env).await? {
                    return Ok(page);
                }
            }
            match admin::route_error(&route, &path) {
                Some(resp) => reply::from_core(resp),
                None => reply::error_status(404, "not found"),
            }
        }
    }
}

/// One server's request: authenticated against the registry copy of its record before
/// any body is read, then read up to the route's limit and handed to the server's object.
async fn forward(mut req: Request, env: &Env, id: &str, route: &Route<'_>) -> Result<Response> {
    let policy = policy(env);
    let record = registry_record(env, id).await;
    let authorization = req.headers().get("Authorization")?;
    if let Err(err) = admin::authenticate(authorization.as_deref(), id, record.as_ref(), &policy) {
        return reply::error(&err);
    }
    let limit = admin::body_limit(route, record.as_ref(), &policy);
    let body = match body::read(&mut req, limit).await? {
        Ok(body) => body,
        Err(err) => return reply::error(&err),
    };
    forward_to(&req, env, id, body).await
}

/// Hands a request (its body already read) to the object of server `id`.
async fn forward_to(req: &Request, env: &Env, id: &str, body: Option<Vec<u8>>) -> Result<Response> {
    let stub = env.durable_object(SERVERS)?.id_from_name(id)?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(req.method())
        .with_headers(req.headers().clone());
    if let Some(body) = body {
        init.with_body(Some(js_sys::Uint8Array::from(body.as_slice()).into()));
    }
    let forwarded = Request::new_with_init(req.url()?.as_str(), &init)?;
    stub.fetch_with_request(forwarded).await
}

/// The registry's copy of a server's record (`None`: no such server, or unreadable).
async fn registry_record(env: &Env, id: &str) -> Option<ServerRecord> {
    let kv = env.kv(REGISTRY).ok()?;
    match kv.get(id).text().await {
        Ok(Some(text)) => serde_json::from_str(&text).ok(),
        Ok(None) => None,
        Err(e) => {
            console_error!("reading '{id}' from the registry failed: {e}");
            None
        }
    }
}

/// The browser page (`www/`, the `ASSETS` binding) for paths that are not API routes;
/// `None` when there is no such file (or no binding), so the caller answers a SCIM 404.
async fn static_asset(req: Request, env: &Env) -> Result<Option<Response>> {
    let Ok(assets) = env.assets(ASSETS) else {
        return Ok(None);
    };
    let resp = assets.fetch_request(req).await?;
    Ok((resp.status_code() != 404).then_some(resp))
}

/// `POST /api/servers`: the core checks the order, the client's rate limit is applied, and
/// the new server's object creates it (it alone decides 409, atomically).
async fn create(
    mut req: Request,
    env: &Env,
    site: &Site<'_>,
) -> Result<core::result::Result<Response, ScimError>> {
    let body = match body::read(&mut req, admin::CREATE_MAX_BYTES).await? {
        Ok(body) => body.unwrap_or_default(),
        Err(err) => return Ok(Err(err)),
    };
    let fresh = match (
        random_bytes::<6>(),
        random_bytes::<32>(),
        random_bytes::<32>(),
    ) {
        (Ok(id), Ok(token), Ok(key)) => Fresh {
            id: format!("s-{}", token_from_random_bytes(&id)),
            token: token_from_random_bytes(&token),
            key: token_from_random_bytes(&key),
        },
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return Ok(Err(e)),
    };
    let policy = policy(env);
    let order = match CreateOrder::parse(&body, fresh, &policy, now_ms()) {
        Ok(order) => order,
        Err(e) => return Ok(Err(e)),
    };
    let per_minute = var(env, "CREATE_LIMIT_PER_MINUTE", 30);
    if let Some(retry_after) = over_create_limit(&req, env, per_minute).await? {
        let mut resp = reply::error_status(
            429,
            format!("too many servers created from this address: at most {per_minute} per minute"),
        )?;
        resp.headers_mut().set("Retry-After", &retry_after)?;
        return Ok(Ok(resp));
    }
    let text =
        serde_json::to_string(&order).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(JsValue::from_str(&text)));
    let internal = Request::new_with_init(&format!("{}{INTERNAL_CREATE}", site.origin), &init)?;
    let stub = env
        .durable_object(SERVERS)?
        .id_from_name(&order.record.id)?
        .get_stub()?;
    Ok(Ok(stub.fetch_with_request(internal).await?))
}

/// Counts one creation against the client's per-minute limit; `Some(retry_after)` when
/// over it. The client is `CF-Connecting-IP`, which Cloudflare sets and clients cannot.
async fn over_create_limit(req: &Request, env: &Env, limit: u64) -> Result<Option<String>> {
    if limit == 0 {
        return Ok(None);
    }
    let client = req
        .headers()
        .get("CF-Connecting-IP")?
        .unwrap_or_else(|| "unknown".into());
    let stub = env
        .durable_object(LIMITER)?
        .id_from_name(&client)?
        .get_stub()?;
    let resp = stub
        .fetch_with_str(&format!("https://limiter/hit?limit={limit}"))
        .await?;
    if resp.status_code() == 429 {
        let retry = resp
            .headers()
            .get("Retry-After")?
            .unwrap_or_else(|| "60".into());
        return Ok(Some(retry));
    }
    Ok(None)
}

/// `GET /api/servers` (admin token): every server in the registry.
async fn list(req: &Request, env: &Env, site: &Site<'_>) -> Result<Response> {
    let authorization = req.headers().get("Authorization")?;
    if let Err(err) = admin::authenticate_admin(authorization.as_deref(), &policy(env)) {
        return reply::error(&err);
    }
    let kv = env.kv(REGISTRY)?;
    let mut servers = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = kv.list();
        if let Some(c) = cursor.take() {
            query = query.cursor(c);
        }
        let page = query.execute().await?;
        for key in page.keys {
            let meta = key.metadata.unwrap_or(serde_json::Value::Null);
            let Some(created_ms) = meta["createdMs"].as_i64() else {
                continue;
            };
            servers.push(Listed {
                id: key.name,
                created_ms,
                expires_ms: meta["expiresMs"].as_i64(),
            });
        }
        // A page may be empty while more remain: only `list_complete` ends the walk.
        match page.cursor {
            Some(c) if !page.list_complete && !c.is_empty() => cursor = Some(c),
            _ => break,
        }
    }
    reply::from_core(admin::list(servers, site))
}

/// The core's name of a method.
pub fn to_core(method: &Method) -> crate::http::Method {
    crate::http::Method::parse(method.as_ref())
}

/// Milliseconds since the epoch (the platform clock).
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Bytes from the platform's CSPRNG (`crypto.getRandomValues`). Without randomness no
/// token is safe, so a failure is a 503, never zeros (and never a panic, which would kill
/// the isolate).
fn random_bytes<const N: usize>() -> core::result::Result<[u8; N], ScimError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        ScimError::new(
            503,
            None,
            format!("the platform's random source failed: {e}"),
        )
    })?;
    Ok(bytes)
}

/// A random seed for id generators.
pub fn random_u64() -> core::result::Result<u64, ScimError> {
    random_bytes::<8>().map(u64::from_le_bytes)
}
