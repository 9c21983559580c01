//! The Cloudflare Worker host (`--features worker`, built by `worker-build`).
//!
//! - The Worker (this module) routes: `/healthz`, CORS preflights, `POST /api/servers`
//!   (create, rate-limited per client address), `GET /api/servers` (admin token), and
//!   forwards `/scim-identifier/{id}/scim/v2/...` and `/api/servers/{id}/...` to the
//!   Durable Object named `id`.
//! - [`ScimServer`] (one Durable Object per server id, SQLite-backed) owns a server: its
//!   record, its tenant in memory, its resources in SQLite. See `server.rs`.
//! - [`CreateLimiter`] (one per client address) counts server creations per minute.
//! - The `REGISTRY` KV namespace holds a copy of every server's record, keyed by server
//!   id, for listing; each `ScimServer` publishes its own.
//! - Any other `GET` is the browser page, from `www/` (the `ASSETS` binding); the Worker
//!   runs first on every request so each answer carries CORS and `Server-Timing`.
//!
//! Configuration (`[vars]` in `wrangler.toml`, or `--var` / secrets):
//! `ADMIN_TOKEN` (secret; unset disables `GET /api/servers`), `SERVER_TTL_SECONDS`
//! (0: servers never expire), `CREATE_LIMIT_PER_MINUTE` (0: unlimited),
//! `MAX_RESOURCES_PER_SERVER`, `IMPORT_MAX_BYTES`.
//!
//! No SCIM rule lives here: the host adapts HTTP, storage, time and randomness.

// `#[durable_object]` generates undocumented glue methods.
#[allow(missing_docs)]
mod limiter;
mod reply;
pub mod route;
#[allow(missing_docs)]
mod server;

pub use limiter::CreateLimiter;
pub use server::ScimServer;

use crate::admin::{
    digests_equal, token_digest, token_from_authorization, token_from_random_bytes,
    valid_server_id, ServerRecord,
};
use crate::error::ScimError;
use crate::generate::SeedSpec;
use crate::settings::Settings;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use route::Route;
use serde::Deserialize;
use serde_json::{json, Value};
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
/// outside: the Worker forwards only `/scim-identifier/...` and `/api/servers/{id}...`.
pub const INTERNAL_CREATE: &str = "/__internal/create";

/// The largest `POST /api/servers` body accepted.
const CREATE_MAX_BYTES: usize = 256 * 1024;
/// Client-chosen tokens: at least this long (ours have 64 hex digits)...
const TOKEN_MIN_LEN: usize = 16;
/// ... and at most this long.
const TOKEN_MAX_LEN: usize = 256;

/// The limits this deployment enforces, from its variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Servers one client address may create per minute (0: unlimited).
    pub create_per_minute: u64,
    /// Resources one server may hold.
    pub max_resources: usize,
    /// The longest a server lives, in seconds (`None`: forever).
    pub ttl_seconds: Option<u64>,
    /// The largest import or config body, in bytes.
    pub import_max_bytes: usize,
}

impl Limits {
    /// Reads `CREATE_LIMIT_PER_MINUTE`, `MAX_RESOURCES_PER_SERVER`, `SERVER_TTL_SECONDS` and
    /// `IMPORT_MAX_BYTES`, with defaults for missing or unreadable values.
    pub fn from_env(env: &Env) -> Limits {
        let read = |name: &str, default: u64| -> u64 {
            env.var(name)
                .ok()
                .and_then(|v| v.to_string().trim().parse().ok())
                .unwrap_or(default)
        };
        let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Limits {
            create_per_minute: read("CREATE_LIMIT_PER_MINUTE", 30),
            max_resources: to_usize(read("MAX_RESOURCES_PER_SERVER", 20_000)),
            ttl_seconds: Some(read("SERVER_TTL_SECONDS", 0)).filter(|&s| s > 0),
            import_max_bytes: to_usize(read("IMPORT_MAX_BYTES", 64 * 1024 * 1024)),
        }
    }

    /// Caps a server's TTL at this deployment's (a server without one gets the cap).
    pub fn apply_ttl_policy(&self, settings: &mut Settings) {
        if let Some(max) = self.ttl_seconds {
            settings.ttl_seconds = Some(settings.ttl_seconds.map_or(max, |t| t.min(max)));
        }
    }
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
    match route::parse(url.path()) {
        Route::Health => match method {
            Method::Get | Method::Head => reply::json(200, &json!({ "status": "ok" })),
            _ => reply::method_not_allowed(method.as_ref(), "GET"),
        },
        Route::Servers => match method {
            Method::Post => match create(req, env, &url).await? {
                Ok(resp) => Ok(resp),
                Err(err) => reply::error(&err),
            },
            Method::Get => list(&req, env).await,
            _ => reply::method_not_allowed(method.as_ref(), "GET, POST"),
        },
        Route::Server { id, .. } | Route::Scim { id, .. } => {
            let limit = Limits::from_env(env).import_max_bytes;
            if let Some(err) = declared_too_large(&req, limit)? {
                return reply::error(&err);
            }
            let stub = env.durable_object(SERVERS)?.id_from_name(id)?.get_stub()?;
            stub.fetch_with_request(req).await
        }
        Route::BadServerId(id) => reply::error(&bad_server_id(id)),
        Route::NotFound => {
            if matches!(method, Method::Get | Method::Head) {
                if let Some(page) = static_asset(req, env).await? {
                    return Ok(page);
                }
            }
            reply::error(&ScimError::not_found(format!(
                "no endpoint at {}: SCIM lives under /scim-identifier/{{server_id}}/scim/v2, \
                 administration under /api/servers",
                url.path()
            )))
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

/// A 413 for a body declared (`Content-Length`) larger than any endpoint takes, refused
/// before it is read or forwarded. The object reads every body it is given in full before
/// answering: a streamed body left unread when the answer goes out leaves the client
/// hanging under workerd.
fn declared_too_large(req: &Request, limit: usize) -> Result<Option<ScimError>> {
    let declared = req.headers().get("Content-Length")?;
    Ok(declared
        .filter(|length| length.trim().parse::<u64>().is_ok_and(|n| n > limit as u64))
        .map(|length| {
            ScimError::new(
                413,
                None,
                format!(
                    "the request body ({} bytes) exceeds this service's limit of {limit} bytes",
                    length.trim()
                ),
            )
        }))
}

fn bad_server_id(id: &str) -> ScimError {
    ScimError::bad_request(format!(
        "invalid server id '{id}': use 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'"
    ))
}

/// The body of `POST /api/servers` (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateServer {
    /// The server id; a random one if absent.
    id: Option<String>,
    /// The token to open it with; a random one if absent (lets `make dev` keep a stable
    /// demo token across restarts).
    token: Option<String>,
    /// Fake data to fill it with.
    seed: Option<SeedSpec>,
    /// Its settings (defaults if absent).
    settings: Option<Settings>,
}

/// `POST /api/servers`: checks the order, counts it against the client's limit, and has
/// the new server's object create it (the object decides 409, atomically).
async fn create(
    mut req: Request,
    env: &Env,
    url: &worker::Url,
) -> Result<core::result::Result<Response, ScimError>> {
    let body = req.bytes().await.unwrap_or_default();
    if body.len() > CREATE_MAX_BYTES {
        return Ok(Err(ScimError::new(
            413,
            None,
            format!("the body exceeds {CREATE_MAX_BYTES} bytes"),
        )));
    }
    let order: CreateServer = if body.iter().all(u8::is_ascii_whitespace) {
        CreateServer::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(order) => order,
            Err(e) => {
                return Ok(Err(ScimError::invalid_syntax(format!(
                    "invalid server order: {e}; expected {{\"id\"?, \"token\"?, \"seed\"?: \
                     {{\"users\", \"groups\", \"entitlements\", \"roles\", \"seed\"}}, \"settings\"?}}"
                ))))
            }
        }
    };
    let id = match order.id {
        Some(id) if valid_server_id(&id) => id,
        Some(id) => return Ok(Err(bad_server_id(&id))),
        None => match random_bytes::<6>() {
            Ok(random) => format!("s-{}", token_from_random_bytes(&random)),
            Err(e) => return Ok(Err(e)),
        },
    };
    let token = match order.token {
        Some(token) if acceptable_token(&token) => token,
        Some(_) => {
            return Ok(Err(ScimError::invalid_value(format!(
                "a chosen token must be {TOKEN_MIN_LEN} to {TOKEN_MAX_LEN} visible ASCII \
                 characters without spaces"
            ))))
        }
        None => match random_bytes::<32>() {
            Ok(random) => token_from_random_bytes(&random),
            Err(e) => return Ok(Err(e)),
        },
    };
    let limits = Limits::from_env(env);
    let mut settings = order.settings.unwrap_or_default();
    if let Err(err) = settings.check() {
        return Ok(Err(err));
    }
    limits.apply_ttl_policy(&mut settings);

    if let Some(retry_after) = over_create_limit(&req, env, limits.create_per_minute).await? {
        let mut resp = reply::error_status(
            429,
            format!(
                "too many servers created from this address: at most {} per minute",
                limits.create_per_minute
            ),
        )?;
        resp.headers_mut().set("Retry-After", &retry_after)?;
        return Ok(Ok(resp));
    }

    let record = ServerRecord::new(&id, &token, now_ms(), settings);
    let expires = record.expires_ms;
    let order = json!({ "record": record, "seed": order.seed });
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(JsValue::from_str(&order.to_string())));
    let internal = Request::new_with_init(
        &format!("{}{INTERNAL_CREATE}", url.origin().ascii_serialization()),
        &init,
    )?;
    let stub = env.durable_object(SERVERS)?.id_from_name(&id)?.get_stub()?;
    let mut created = stub.fetch_with_request(internal).await?;
    if created.status_code() != 201 {
        return Ok(Ok(created));
    }
    let counts: Value = created.json::<Value>().await?["counts"].take();
    let scim = format!(
        "{}{}{id}{}",
        url.origin().ascii_serialization(),
        route::SERVER_PREFIX,
        route::SCIM_SUFFIX
    );
    let mut resp = reply::json(
        201,
        &json!({
            "id": id,
            "token": token,
            "scim": scim,
            "expires": expires.map(crate::time::format_millis),
            "counts": counts,
        }),
    )?;
    resp.headers_mut()
        .set("Location", &format!("{}/{id}", route::API_SERVERS))?;
    Ok(Ok(resp))
}

fn acceptable_token(token: &str) -> bool {
    (TOKEN_MIN_LEN..=TOKEN_MAX_LEN).contains(&token.len())
        && token.bytes().all(|b| b.is_ascii_graphic())
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
async fn list(req: &Request, env: &Env) -> Result<Response> {
    let presented = req
        .headers()
        .get("Authorization")?
        .and_then(|h| token_from_authorization(&h).map(|t| t.into_owned()));
    if !presented.is_some_and(|t| is_admin_token(env, &t)) {
        return reply::error(&ScimError::new(
            401,
            None,
            "listing servers needs the admin token (ADMIN_TOKEN)",
        ));
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
            let meta = key.metadata.unwrap_or(Value::Null);
            servers.push(json!({
                "id": key.name,
                "created": meta["createdMs"].as_i64().map(crate::time::format_millis),
                "expires": meta["expiresMs"].as_i64().map(crate::time::format_millis),
            }));
        }
        // A page may be empty while more remain: only `list_complete` ends the walk.
        match page.cursor {
            Some(c) if !page.list_complete && !c.is_empty() => cursor = Some(c),
            _ => break,
        }
    }
    reply::json(200, &json!({ "total": servers.len(), "servers": servers }))
}

/// Whether `token` is this deployment's admin token (compared as digests, in constant
/// time). No `ADMIN_TOKEN` means no admin.
pub fn is_admin_token(env: &Env, token: &str) -> bool {
    let admin = env
        .secret("ADMIN_TOKEN")
        .map(|s| s.to_string())
        .or_else(|_| env.var("ADMIN_TOKEN").map(|v| v.to_string()))
        .unwrap_or_default();
    !admin.is_empty() && digests_equal(&token_digest(&admin), &token_digest(token))
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
