//! Server administration (`/api/servers`): one state machine that every host drives.
//!
//! A *server* is one tenant behind its own SCIM base, with a record (settings, token
//! digests, created, expiry). The Worker, the browser's Service Worker and the CLI's test
//! stand-in all answer `/api/servers/...` through this module, so they answer identically by
//! construction; each host only maps HTTP to it and does storage (SQLite and KV, IndexedDB,
//! memory), alarms and randomness.
//!
//! A request's path goes through [`Layout::parse`]. Then, for one server:
//! 1. [`authenticate`] reads only the `Authorization` header (a host checks it *before*
//!    reading any body), against the record if there is one; an unknown server and a
//!    wrong token get the same 401, so ids cannot be probed.
//! 2. [`body_limit`] says how many body bytes the host may read before answering 413.
//! 3. [`handle`] takes the request, the [`Server`] (record and tenant), the host's
//!    [`Policy`] and the [`Site`], and returns an [`Outcome`]: the response, whether the
//!    record changed, and what happened to the tenant. The host persists exactly that, in one
//!    transaction, before it answers.
//!
//! Creating a server is two steps because the server does not exist yet: the host parses
//! the order ([`CreateOrder::parse`], with fresh id and token from its CSPRNG), applies its
//! rate limit, and has the server's owner run [`create`] (which decides 409 atomically).
//!
//! Who may do what: a server's token opens everything about its server; the admin token
//! (`Policy::admin_token_digest`) lists, shows and deletes servers, and never reads or
//! changes their data (no export, import, reset, config or SCIM).
//!
//! Architecture invariant: no I/O, no clock, no randomness (hosts pass `now_ms`, fresh
//! ids and tokens in).

pub mod auth;
mod create;
mod record;
pub mod route;
mod transfer;

pub use auth::{
    digests_equal, token_digest, token_from_authorization, token_from_random_bytes, unauthorized,
    valid_server_id, MAX_SERVER_ID_LEN, REALM,
};
pub use create::{create, seed, CreateOrder, Created, Fresh, SEED_CHUNK};
pub use record::{Seeding, ServerRecord};
pub use route::{Action, Layout, Route, EDGE, SANDBOX};
pub use transfer::{export, import, valid_resource_id, ExportStream, ImportPlan, MAX_VERSION};

use crate::error::{Result, ScimError};
use crate::http::{Method, Response};
use crate::settings::Settings;
use crate::tenant::Tenant;
use crate::time::format_millis;
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// The largest token request accepted (a form of a few fields).
pub const TOKEN_MAX_BYTES: usize = 8 * 1024;

/// The largest `POST /api/servers` body accepted (an id, a token, a seed and settings).
pub const CREATE_MAX_BYTES: usize = 256 * 1024;

/// A deployment's limits and admin credential: the host's policy, not a server's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Resources one server may hold (every type, served or not).
    pub max_resources: usize,
    /// The longest a server may live, in seconds (`None`: forever). A server's own
    /// `ttlSeconds` is capped by it; a server without one gets it.
    pub ttl_cap_seconds: Option<u64>,
    /// The largest import body, in bytes.
    pub import_max_bytes: usize,
    /// The digest ([`token_digest`]) of the deployment's admin token (`None`: no admin).
    pub admin_token_digest: Option<String>,
}

impl Policy {
    /// Caps a server's TTL at this deployment's.
    pub fn apply_ttl(&self, settings: &mut Settings) {
        if let Some(cap) = self.ttl_cap_seconds {
            settings.ttl_seconds = Some(settings.ttl_seconds.map_or(cap, |t| t.min(cap)));
        }
    }

    fn is_admin(&self, token: &str) -> bool {
        self.admin_token_digest
            .as_deref()
            .is_some_and(|digest| digests_equal(digest, &token_digest(token)))
    }
}

/// Where the host serves: its origin (`http://127.0.0.1:8787`, no trailing slash) and URL
/// layout. Every URL in an answer is absolute and built from these.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// Scheme, host and port.
    pub origin: &'a str,
    /// The deployment's paths.
    pub layout: Layout,
}

impl Site<'_> {
    /// The SCIM base of a server.
    pub fn scim_base(&self, id: &str) -> String {
        self.layout.scim_base(self.origin, id)
    }
}

/// Who a request speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The server's own token: everything about this server.
    Owner,
    /// The deployment's admin token: list, show, delete.
    Admin,
}

/// One server as its owner holds it.
#[derive(Debug)]
pub struct Server {
    /// Its record.
    pub record: ServerRecord,
    /// Its tenant.
    pub tenant: Tenant,
}

impl Server {
    /// A copy of a server whose tenant is in memory ([`Tenant::duplicate`]).
    pub fn duplicate(&self) -> Option<Server> {
        Some(Server {
            record: self.record.clone(),
            tenant: self.tenant.duplicate()?,
        })
    }
}

/// One request to `/api/servers/{id}[/{action}]`, already authenticated.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The method.
    pub method: &'a Method,
    /// The endpoint.
    pub action: Action,
    /// Who is asking ([`authenticate`]).
    pub access: Access,
    /// The body, at most [`body_limit`] bytes.
    pub body: &'a [u8],
}

/// What a request did, for the host to persist before it answers.
#[derive(Debug)]
pub struct Outcome {
    /// What to send back.
    pub response: Response,
    /// What happened to the record.
    pub record: RecordChange,
    /// What happened to the tenant.
    pub tenant: TenantChange,
    /// When set (an export), the response's body is these pieces, in order: a host streams
    /// them, so a big server's export is never whole in memory. [`Outcome::into_response`]
    /// joins them for hosts that do not stream.
    pub stream: Option<ExportStream>,
}

impl Outcome {
    /// The response with any streamed body joined into it.
    pub fn into_response(self) -> Response {
        let mut response = self.response;
        if let Some(stream) = self.stream {
            response.body = stream.flatten().collect();
        }
        response
    }
}

/// The size of the pieces an export is streamed in.
pub const EXPORT_CHUNK_BYTES: usize = 256 * 1024;

/// What happened to a server's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordChange {
    /// Nothing to write.
    Unchanged,
    /// `Server::record` changed: write it (and refresh the registry copy).
    Updated,
    /// The server is gone: delete its record, resources, alarm and registry entry.
    Deleted,
}

/// What happened to a server's tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantChange {
    /// Its stored resources are unchanged.
    Unchanged,
    /// `Server::tenant` is a new tenant: delete every stored resource and write all of
    /// `tenant.resources()`, in the same transaction as the record.
    Replaced,
    /// The tenant in memory is no longer valid (an import failed after the old one was
    /// dropped to make room): forget it and reload it from storage, which is unchanged.
    Reload,
}

/// Checks an `Authorization` header against a server's record (`None`: no such server)
/// and the deployment's admin token. Reads nothing but the header.
///
/// An unknown server and a wrong token get the same 401, word for word, so a caller
/// cannot learn which server ids exist.
pub fn authenticate(
    authorization: Option<&str>,
    server_id: &str,
    record: Option<&ServerRecord>,
    policy: &Policy,
) -> Result<Access> {
    let token = presented(authorization)?;
    if record.is_some_and(|r| r.accepts(&token)) {
        return Ok(Access::Owner);
    }
    // The admin token opens only servers that exist; it is compared either way, so the
    // time taken does not tell whether the server exists.
    let admin = policy.is_admin(&token);
    match record {
        Some(_) if admin => Ok(Access::Admin),
        _ => Err(unauthorized_error(format!(
            "this token does not open server '{server_id}' (or there is no such server)"
        ))),
    }
}

/// Checks that an `Authorization` header carries the admin token (`GET /api/servers`).
pub fn authenticate_admin(authorization: Option<&str>, policy: &Policy) -> Result<()> {
    let token = presented(authorization)?;
    if policy.is_admin(&token) {
        Ok(())
    } else {
        Err(unauthorized_error(
            "listing servers needs the admin token of this deployment",
        ))
    }
}

fn presented(authorization: Option<&str>) -> Result<String> {
    let Some(header) = authorization else {
        return Err(unauthorized_error(
            "missing Authorization header: send 'Authorization: Bearer <token>' (or HTTP \
             Basic with the token as password)",
        ));
    };
    token_from_authorization(header)
        .map(alloc::borrow::Cow::into_owned)
        .ok_or_else(|| {
            unauthorized_error(
                "malformed Authorization header: use 'Bearer <token>' or HTTP Basic with the \
                 token as password",
            )
        })
}

/// A 401 as a [`ScimError`]; [`error_response`] adds the `WWW-Authenticate` challenge.
fn unauthorized_error(detail: impl Into<String>) -> ScimError {
    ScimError::new(401, None, detail)
}

/// The most body bytes a host may read for a route before answering 413: a SCIM request
/// takes up to the server's `bulkMaxPayloadSize`, an import up to the deployment's
/// `import_max_bytes`, anything else [`CREATE_MAX_BYTES`].
pub fn body_limit(route: &Route<'_>, record: Option<&ServerRecord>, policy: &Policy) -> usize {
    match route {
        Route::Scim { .. } | Route::Domain { .. } => {
            record.map_or(0, |r| r.settings.bulk_max_payload_size)
        }
        Route::Token => TOKEN_MAX_BYTES,
        // A whole CSV file (or an EPM chunk) and its form.
        Route::Jobs { .. } => crate::jobs::MAX_BODY_BYTES,
        Route::Server {
            action: Action::Import,
            ..
        } => policy.import_max_bytes,
        _ => CREATE_MAX_BYTES,
    }
}

/// The 413 for a body over `limit` bytes (`length`: what the client declared or sent so far).
pub fn too_large(length: u64, limit: usize) -> ScimError {
    ScimError::new(
        413,
        None,
        format!("the request body has {length} bytes or more; at most {limit} are accepted here"),
    )
}

/// Handles one authenticated request to a server's administration endpoints.
pub fn handle(req: &Request<'_>, server: &mut Server, policy: &Policy, site: &Site<'_>) -> Outcome {
    match serve(req, server, policy, site) {
        Ok(outcome) => outcome,
        Err((e, tenant)) => Outcome {
            response: error_response(&e),
            record: RecordChange::Unchanged,
            tenant,
            stream: None,
        },
    }
}

type Served = core::result::Result<Outcome, (ScimError, TenantChange)>;

fn serve(req: &Request<'_>, server: &mut Server, policy: &Policy, site: &Site<'_>) -> Served {
    let unchanged = |e: ScimError| (e, TenantChange::Unchanged);
    // The deployment's limit holds for whatever tenant this request leaves behind.
    let capacity = Some(policy.max_resources);
    server.tenant.set_capacity(capacity);
    let identity = Some(server.record.identity());
    server.tenant.set_identity(identity.clone());
    if !req.action.allowed().contains(req.method) {
        return Ok(method_not_allowed(req.method, req.action));
    }
    let admin_may = matches!(
        (req.action, req.method),
        (Action::Server, Method::Get | Method::Delete)
    );
    if req.access == Access::Admin && !admin_may {
        return Err(unchanged(ScimError::new(
            403,
            None,
            "the admin token lists, shows and deletes servers, and never reads or changes \
             their data: use this server's token",
        )));
    }
    let done = |response, record, tenant| {
        Ok(Outcome {
            response,
            record,
            tenant,
            stream: None,
        })
    };
    match (req.action, req.method) {
        (Action::Server, Method::Get) => done(
            json(200, &show(server, policy, site)),
            RecordChange::Unchanged,
            TenantChange::Unchanged,
        ),
        (Action::Server, _) => done(
            Response {
                status: 204,
                headers: Vec::new(),
                body: Vec::new(),
            },
            RecordChange::Deleted,
            TenantChange::Unchanged,
        ),
        (Action::Reset, _) => {
            server.tenant = Tenant::new(server.record.settings.clone()).map_err(unchanged)?;
            server.tenant.set_capacity(capacity);
            server.tenant.set_identity(identity);
            done(
                json(200, &show(server, policy, site)),
                RecordChange::Unchanged,
                TenantChange::Replaced,
            )
        }
        (Action::Export, _) => Ok(Outcome {
            response: Response {
                status: 200,
                headers: vec![
                    ("Content-Type".into(), JSON.into()),
                    (
                        "Content-Disposition".into(),
                        format!("attachment; filename=\"scimlet-{}.json\"", server.record.id),
                    ),
                ],
                body: Vec::new(),
            },
            record: RecordChange::Unchanged,
            tenant: TenantChange::Unchanged,
            stream: Some(ExportStream::new(&server.tenant, EXPORT_CHUNK_BYTES)),
        }),
        (Action::Import, _) => {
            let plan = ImportPlan::parse(req.body, policy).map_err(unchanged)?;
            // The old tenant goes before the new one is built, so a maximal import never
            // holds two: its storage is untouched until the host commits, so a failure from
            // here on only costs a reload.
            server.tenant = Tenant::new(Settings::default()).map_err(unchanged)?;
            let (mut settings, mut tenant) = plan.build().map_err(|e| (e, TenantChange::Reload))?;
            policy.apply_ttl(&mut settings);
            tenant
                .configure(settings.clone())
                .map_err(|e| (e, TenantChange::Reload))?;
            tenant.set_capacity(capacity);
            tenant.set_identity(identity);
            server.tenant = tenant;
            server.record.set_settings(settings);
            done(
                json(200, &show(server, policy, site)),
                RecordChange::Updated,
                TenantChange::Replaced,
            )
        }
        (Action::Config, Method::Get) => done(
            json(200, &server.record.settings),
            RecordChange::Unchanged,
            TenantChange::Unchanged,
        ),
        (Action::Config, _) => {
            let mut settings = if *req.method == Method::Patch {
                server.record.settings.merged(req.body)
            } else {
                Settings::from_json(req.body)
            }
            .map_err(unchanged)?;
            policy.apply_ttl(&mut settings);
            server
                .tenant
                .configure(settings.clone())
                .map_err(unchanged)?;
            server.record.set_settings(settings);
            done(
                json(200, &server.record.settings),
                RecordChange::Updated,
                TenantChange::Unchanged,
            )
        }
    }
}

/// `GET /api/servers/{id}`: counts per served resource type, created, expires, limits.
fn show(server: &Server, policy: &Policy, site: &Site<'_>) -> Value {
    let record = &server.record;
    let counts = server.tenant.counts();
    let total: usize = counts.values().sum();
    let mut counts_obj = Map::with_capacity(counts.len());
    for (name, n) in counts {
        counts_obj.insert(name, Value::from(n));
    }
    let mut limits = Map::with_capacity(1);
    limits.insert("maxResources", Value::from(policy.max_resources));
    let mut out = Map::with_capacity(7);
    out.insert("id", Value::from(record.id.as_str()));
    out.insert("scim", Value::from(site.scim_base(&record.id)));
    out.insert("created", Value::String(format_millis(record.created_ms)));
    out.insert("expires", expires(record));
    out.insert("counts", Value::Object(counts_obj));
    out.insert("total", Value::from(total));
    out.insert("limits", Value::Object(limits));
    if let Some(seeding) = record.seeding {
        out.insert("seeding", seeding_value(seeding));
    }
    Value::Object(out)
}

/// `{"done", "total"}` of a seed being made.
fn seeding_value(seeding: Seeding) -> Value {
    let mut out = Map::with_capacity(2);
    out.insert("done", Value::from(seeding.done));
    out.insert("total", Value::from(seeding.total));
    Value::Object(out)
}

fn expires(record: &ServerRecord) -> Value {
    record
        .expires_ms
        .map_or(Value::Null, |ms| Value::String(format_millis(ms)))
}

/// One server in `GET /api/servers`, as the host's registry knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The server id.
    pub id: String,
    /// Creation time, milliseconds since the epoch.
    pub created_ms: i64,
    /// Expiry, milliseconds since the epoch.
    pub expires_ms: Option<i64>,
}

/// `GET /api/servers` (after [`authenticate_admin`]): every server, oldest first.
pub fn list(mut servers: Vec<Listed>, site: &Site<'_>) -> Response {
    servers.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    let entries: Vec<Value> = servers
        .iter()
        .map(|s| {
            let mut entry = Map::with_capacity(4);
            entry.insert("id", Value::from(s.id.as_str()));
            entry.insert("scim", Value::from(site.scim_base(&s.id)));
            entry.insert("created", Value::String(format_millis(s.created_ms)));
            entry.insert(
                "expires",
                s.expires_ms
                    .map_or(Value::Null, |ms| Value::String(format_millis(ms))),
            );
            Value::Object(entry)
        })
        .collect();
    let mut out = Map::with_capacity(2);
    out.insert("total", Value::from(entries.len()));
    out.insert("servers", Value::Array(entries));
    json(200, &Value::Object(out))
}

/// The administration API answers plain JSON; its errors are SCIM errors.
const JSON: &str = "application/json";

pub(crate) fn json(status: u16, body: &impl serde::Serialize) -> Response {
    Response {
        status,
        headers: vec![("Content-Type".into(), JSON.into())],
        body: serde_json::to_vec(body).unwrap_or_default(),
    }
}

/// A SCIM error as a response; a 401 carries the `WWW-Authenticate` challenge.
pub fn error_response(e: &ScimError) -> Response {
    if e.status == 401 {
        return unauthorized(&e.detail);
    }
    Response {
        status: e.status,
        headers: vec![("Content-Type".into(), crate::http::SCIM_JSON.into())],
        body: serde_json::to_vec(&e.to_json()).unwrap_or_default(),
    }
}

fn method_not_allowed(method: &Method, action: Action) -> Outcome {
    let allow: Vec<&str> = action.allowed().iter().map(Method::as_str).collect();
    let allow = allow.join(", ");
    let mut response = error_response(&ScimError::new(
        405,
        None,
        format!("{} is not allowed here; allowed: {allow}", method.as_str()),
    ));
    response.headers.push(("Allow".into(), allow));
    Outcome {
        response,
        record: RecordChange::Unchanged,
        tenant: TenantChange::Unchanged,
        stream: None,
    }
}

/// The answer to a request for a path that is not the API's, or an invalid server id.
pub fn route_error(route: &Route<'_>, path: &str) -> Option<Response> {
    let e = match route {
        Route::BadServerId(id) => bad_server_id(id),
        Route::NotFound => ScimError::not_found(format!(
            "no endpoint at {path}: SCIM lives under the server's SCIM base, administration \
             under the API's /api/servers"
        )),
        _ => return None,
    };
    Some(error_response(&e))
}

/// The 400 for a server id that breaks [`valid_server_id`].
pub fn bad_server_id(id: &str) -> ScimError {
    ScimError::bad_request(format!(
        "invalid server id '{id}': use 1 to {MAX_SERVER_ID_LEN} characters of A-Z, a-z, 0-9, \
         '_' and '-'"
    ))
}

/// 405 for `/api/servers` itself with a method other than GET and POST.
pub fn servers_method_not_allowed(method: &Method) -> Response {
    let mut response = error_response(&ScimError::new(
        405,
        None,
        format!(
            "{} is not allowed here; allowed: GET, POST",
            method.as_str()
        ),
    ));
    response.headers.push(("Allow".into(), "GET, POST".into()));
    response
}

#[cfg(test)]
mod tests;
