//! Browser host: the engine for a page or a Service Worker, through `wasm-bindgen`.
//!
//! The JavaScript side (`www/js/local-host.js`) owns everything a browser owns: IndexedDB,
//! the clock (`Date.now()`), the CSPRNG and the Service Worker life cycle. This module only
//! adapts values across the boundary; routing, authentication, administration and SCIM are
//! the core's, exactly as at the edge:
//! - [`Sandbox`] is the deployment: its URL layout ([`admin::SANDBOX`]; [`admin::EDGE`] for
//!   the page's tests of remote mode), origin and policy
//!   (limits, the sandbox's admin token). It routes paths, authenticates headers, lists
//!   servers and creates them.
//! - [`Server`] is one sandbox server (record and tenant): SCIM requests, administration
//!   requests and the chunks of a seed. Every answer carries what to write to IndexedDB as
//!   `[type, id, storedJson]` triples and the record, for one transaction.
//! - `jobs.rs`: an `oci` server's CSV jobs (files, job records, reports) and their steps.

mod jobs;

use crate::admin::{
    self, Access, Action, CreateOrder, Fresh, Layout, Listed, Policy, RecordChange, Route,
    ServerRecord, Site, TenantChange, EDGE, SANDBOX,
};
use crate::env::{Env, UuidIds};
use crate::error::ScimError;
use crate::generate::Generator;
use crate::http::{Method, Request, Response};
use crate::persona::oci::{self, DomainRequest, Locator};
use crate::tenant::{ChangeSet, Tenant};
use crate::value::Value;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The sandbox as a deployment: where it answers and what it allows.
#[wasm_bindgen]
pub struct Sandbox {
    origin: String,
    layout: Layout,
    policy: Policy,
}

#[wasm_bindgen]
impl Sandbox {
    /// `origin` is the page's origin plus the Service Worker scope's path without its
    /// trailing slash (`http://127.0.0.1:8080`, or `https://x.github.io/scimlet` for a page
    /// served below a path); paths given to [`Sandbox::route`] are relative to it.
    /// `admin_token_digest` is the digest of the sandbox's own admin token. `layout` is
    /// `"sandbox"` (`/sandbox/...`), or `"edge"` for a stand-in of the Worker's URLs (tests).
    #[wasm_bindgen(constructor)]
    pub fn new(
        origin: String,
        max_resources: usize,
        import_max_bytes: usize,
        admin_token_digest: Option<String>,
        layout: Option<String>,
    ) -> Sandbox {
        Sandbox {
            origin,
            layout: if layout.as_deref() == Some("edge") {
                EDGE
            } else {
                SANDBOX
            },
            policy: Policy {
                max_resources,
                ttl_cap_seconds: None,
                import_max_bytes,
                admin_token_digest,
            },
        }
    }

    fn site(&self) -> Site<'_> {
        Site {
            origin: &self.origin,
            layout: self.layout,
        }
    }

    /// Where a path goes: `{kind: "servers"}`, `{kind: "server", id, action}`,
    /// `{kind: "scim", id, rest}`, `{kind: "token"}`, `{kind: "domain", rest}`,
    /// `{kind: "jobs", rest, epm}` (an `oci` server's CSV jobs), or `{kind: "error",
    /// response}` (a bad server id, or a path that is not the sandbox's).
    pub fn route(&self, path: &str) -> Result<JsValue, JsValue> {
        let out = Object::new();
        match self.layout.parse(path) {
            Route::Servers => set(&out, "kind", &"servers".into())?,
            Route::Server { id, action } => {
                set(&out, "kind", &"server".into())?;
                set(&out, "id", &id.into())?;
                set(&out, "action", &action_name(action).into())?;
            }
            Route::Scim { id, rest } => {
                set(&out, "kind", &"scim".into())?;
                set(&out, "id", &id.into())?;
                set(
                    &out,
                    "rest",
                    &(if rest.is_empty() { "/" } else { rest }).into(),
                )?;
            }
            Route::Token => set(&out, "kind", &"token".into())?,
            Route::Domain { rest } => {
                set(&out, "kind", &"domain".into())?;
                set(&out, "rest", &rest.into())?;
            }
            Route::Jobs { rest } => {
                set(&out, "kind", &"jobs".into())?;
                set(&out, "rest", &rest.into())?;
                set(&out, "epm", &crate::jobs::is_epm_path(rest).into())?;
            }
            route => {
                set(&out, "kind", &"error".into())?;
                let response = admin::route_error(&route, path)
                    .unwrap_or_else(|| admin::error_response(&ScimError::not_found("not found")));
                set(&out, "response", &response_value(&response)?)?;
            }
        }
        Ok(out.into())
    }

    /// Authenticates a request for server `id` from its `Authorization` header alone:
    /// `"owner"` or `"admin"`, or throws the 401 response. `record_json` is the server's
    /// record (`None`: no such server, which answers exactly like a wrong token).
    pub fn authenticate(
        &self,
        authorization: Option<String>,
        id: &str,
        record_json: Option<String>,
    ) -> Result<String, JsValue> {
        let record = record_json.as_deref().map(parse_record).transpose()?;
        match admin::authenticate(authorization.as_deref(), id, record.as_ref(), &self.policy) {
            Ok(Access::Owner) => Ok("owner".into()),
            Ok(Access::Admin) => Ok("admin".into()),
            Err(e) => Err(response_value(&admin::error_response(&e))?),
        }
    }

    /// Which server a request at the `oci` persona's root paths (`/sandbox/oauth2/v1/token`,
    /// `/sandbox/admin/v1/...`) is for, from its credential: `{server: id}`, or `{digest}`
    /// of a server token for the host to look up among its records; or throws the 401.
    pub fn locate(&self, authorization: Option<String>, form: &[u8]) -> Result<JsValue, JsValue> {
        let out = Object::new();
        match oci::locate(authorization.as_deref(), form) {
            Ok(Locator::Server(id)) => set(&out, "server", &id.into())?,
            Ok(Locator::TokenDigest(digest)) => set(&out, "digest", &digest.into())?,
            Err(e) => return Err(error_response_value(&e)),
        }
        Ok(out.into())
    }

    /// The most body bytes a request to `path` may carry (its SCIM limit from the record,
    /// or the administration limits).
    #[wasm_bindgen(js_name = bodyLimit)]
    pub fn body_limit(&self, path: &str, record_json: Option<String>) -> Result<usize, JsValue> {
        let record = record_json.as_deref().map(parse_record).transpose()?;
        Ok(admin::body_limit(
            &self.layout.parse(path),
            record.as_ref(),
            &self.policy,
        ))
    }

    /// The 413 for a body of `length` bytes over `limit`.
    #[wasm_bindgen(js_name = tooLarge)]
    pub fn too_large(&self, length: f64, limit: usize) -> Result<JsValue, JsValue> {
        response_value(&admin::error_response(&admin::too_large(
            length as u64,
            limit,
        )))
    }

    /// `GET /api/servers`: every server (records as JSON), with the admin token; or the 401.
    pub fn list(
        &self,
        authorization: Option<String>,
        records_json: Vec<String>,
    ) -> Result<JsValue, JsValue> {
        if let Err(e) = admin::authenticate_admin(authorization.as_deref(), &self.policy) {
            return response_value(&admin::error_response(&e));
        }
        let mut listed = Vec::with_capacity(records_json.len());
        for json in &records_json {
            let record = parse_record(json)?;
            listed.push(Listed {
                id: record.id,
                created_ms: record.created_ms,
                expires_ms: record.expires_ms,
            });
        }
        response_value(&admin::list(listed, &self.site()))
    }

    /// 405 for `/api/servers` with a method other than GET and POST.
    #[wasm_bindgen(js_name = serversMethodNotAllowed)]
    pub fn servers_method_not_allowed(&self, method: &str) -> Result<JsValue, JsValue> {
        response_value(&admin::servers_method_not_allowed(&Method::parse(method)))
    }

    /// Checks a `POST /api/servers` body and creates the server (its first seed chunk
    /// included), or throws the error response. `existing_record_json` is the record
    /// already stored under the order's id, if any (then 409). The new server's
    /// [`Server::created`] gives the answer and what to write.
    pub fn create(
        &self,
        body: &[u8],
        fresh_id: String,
        token_random: &[u8],
        id_seed: &[u8],
        now_ms: f64,
    ) -> Result<PendingCreate, JsValue> {
        let fresh = Fresh {
            id: fresh_id,
            token: admin::token_from_random_bytes(token_random),
            // The key must not follow from the token (which a client may know): both of
            // the host's random inputs, hashed.
            key: server_key(id_seed, token_random),
        };
        let order = CreateOrder::parse(body, fresh, &self.policy, now_ms as i64)
            .map_err(|e| error_response_value(&e))?;
        Ok(PendingCreate {
            order: Some(order),
            id_seed: seed_from(id_seed),
        })
    }
}

/// A checked order, waiting for the host to look up whether its id is taken.
#[wasm_bindgen]
pub struct PendingCreate {
    order: Option<CreateOrder>,
    id_seed: u64,
}

#[wasm_bindgen]
impl PendingCreate {
    /// The server id the order asks for.
    pub fn id(&self) -> String {
        self.order
            .as_ref()
            .map(|o| o.record.id.clone())
            .unwrap_or_default()
    }

    /// Creates the server (`existing_record_json`: the record stored under that id, if any,
    /// which makes this a 409), making the first `first_chunk` resources of its seed; the
    /// rest come from [`Server::seed_step`]. Throws the error response.
    pub fn run(
        &mut self,
        sandbox: &Sandbox,
        existing_record_json: Option<String>,
        now_ms: f64,
        first_chunk: usize,
    ) -> Result<Server, JsValue> {
        let existing = existing_record_json
            .as_deref()
            .map(parse_record)
            .transpose()?;
        let order = self.order.take().ok_or_else(|| {
            error_response_value(&ScimError::new(500, None, "this order already ran"))
        })?;
        let id = order.record.id.clone();
        let mut ids = UuidIds::new(self.id_seed);
        let base_url = sandbox.site().scim_base(&id);
        let mut env = Env {
            now_ms: now_ms as i64,
            base_url: &base_url,
            ids: &mut ids,
        };
        let mut created = admin::create(order, existing.as_ref(), first_chunk, &mut env)
            .map_err(|e| error_response_value(&e))?;
        let response = created.response(&sandbox.site());
        let changes = core::mem::take(&mut created.changes);
        Ok(Server {
            generator: created.generator.take(),
            server: created.server,
            ids,
            created: Some((response, changes)),
            jobs: crate::jobs::MemoryStore::default(),
        })
    }
}

/// A request at the sandbox's root for an identity domain (`/sandbox/admin/v1`, and the
/// jobs below `/sandbox/storage/v1`, `/sandbox/job/v1`, `/sandbox/interop/rest`), as the
/// Service Worker received it: built once in JavaScript, read once here.
#[wasm_bindgen]
pub struct RootRequest {
    method: Method,
    rest: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

#[wasm_bindgen]
impl RootRequest {
    /// `rest`: the path below the route's prefix, still percent-encoded; `target`: the path
    /// and query as sent (what signatures sign); `headers`: `[name, value]` pairs.
    #[wasm_bindgen(constructor)]
    pub fn new(
        method: &str,
        rest: &str,
        target: &str,
        headers: Vec<JsValue>,
        body: Vec<u8>,
    ) -> RootRequest {
        let headers = headers
            .iter()
            .filter_map(|pair| {
                let pair: &Array = pair.dyn_ref()?;
                Some((
                    pair.get(0).as_string()?.to_ascii_lowercase(),
                    pair.get(1).as_string()?,
                ))
            })
            .collect();
        RootRequest {
            method: Method::parse(method),
            rest: rest.into(),
            target: target.into(),
            headers,
            body,
        }
    }
}

impl RootRequest {
    /// The core's view of it (the body moves along).
    pub(crate) fn as_domain(&mut self) -> DomainRequest<'_> {
        DomainRequest {
            method: self.method.clone(),
            rest: &self.rest,
            target: &self.target,
            query: self.target.split_once('?').map_or("", |(_, q)| q),
            headers: &self.headers,
            body: core::mem::take(&mut self.body),
        }
    }
}

/// One sandbox server: its record, its tenant, its id source and any seed still being made.
#[wasm_bindgen]
pub struct Server {
    server: admin::Server,
    ids: UuidIds,
    generator: Option<Generator>,
    /// The answer and first writes of a server just created, until the host takes them.
    created: Option<(Response, ChangeSet)>,
    /// Its CSV jobs' files, records and reports (`jobs.rs`), as stored.
    jobs: crate::jobs::MemoryStore,
}

#[wasm_bindgen]
impl Server {
    /// The start of rebuilding a server from its record: the host then feeds its stored
    /// resources in chunks ([`ServerLoad::feed`]) and [`ServerLoad::finish`]es, so only one
    /// chunk's JSON is in wasm memory at a time beside the tenant being built.
    /// `id_seed` is eight or more random bytes from the host's CSPRNG, for fresh ids;
    /// `expected` how many resources the host will feed, as it last counted them (a hint
    /// for sizing the heap: 0 when unknown).
    #[wasm_bindgen(js_name = beginLoad)]
    pub fn begin_load(
        sandbox: &Sandbox,
        record_json: &str,
        id_seed: &[u8],
        expected: u32,
    ) -> Result<ServerLoad, JsValue> {
        let mut record = parse_record(record_json)?;
        // A seed still being made when the host stopped cannot go on: its generator's state
        // was in memory only. The server keeps what was made.
        record.seeding = None;
        let mut tenant =
            Tenant::new(record.settings.clone()).map_err(|e| error_response_value(&e))?;
        tenant.set_capacity(Some(sandbox.policy.max_resources));
        tenant.set_identity(Some(record.identity()));
        Ok(ServerLoad {
            server: admin::Server { record, tenant },
            ids: UuidIds::new(seed_from(id_seed)),
            expected: usize::try_from(expected).unwrap_or(0),
            failed: None,
        })
    }

    /// The answer to the create call that made this server, and what to write with its
    /// record: `{status, headers, body, upserted, deleted}` (once; `null` after).
    pub fn created(&mut self) -> Result<JsValue, JsValue> {
        match self.created.take() {
            Some((response, changes)) => outcome_value(&response, Some(&changes)),
            None => Ok(JsValue::NULL),
        }
    }

    /// The record as JSON, for IndexedDB.
    pub fn record(&self) -> String {
        serde_json::to_string(&self.server.record).unwrap_or_default()
    }

    /// Resource counts per type name, as a JSON object.
    pub fn counts(&self) -> String {
        serde_json::to_string(&self.server.tenant.counts()).unwrap_or_else(|_| "{}".into())
    }

    /// Whether a seed is still being made.
    pub fn seeding(&self) -> bool {
        self.generator.is_some()
    }

    /// Makes the next `budget` resources of the seed. Returns `{upserted, deleted}` to write
    /// with the record, or throws a SCIM error response.
    #[wasm_bindgen(js_name = seedStep)]
    pub fn seed_step(
        &mut self,
        sandbox: &Sandbox,
        budget: usize,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let Some(generator) = self.generator.as_mut() else {
            return Ok(changes_value(&ChangeSet::default())?.into());
        };
        let base_url = sandbox.site().scim_base(&self.server.record.id);
        let mut env = Env {
            now_ms: now_ms as i64,
            base_url: &base_url,
            ids: &mut self.ids,
        };
        let changes = admin::seed(&mut self.server, generator, budget, &mut env)
            .map_err(|e| error_response_value(&e))?;
        if generator.is_finished() {
            self.generator = None;
        }
        Ok(changes_value(&changes)?.into())
    }

    /// Handles one SCIM request. `path` is below the SCIM base (`/Users/2819c223`) and
    /// `query` has no `?`. Returns `{status, headers: [[name, value]], body: Uint8Array,
    /// upserted: [[type, id, json]], deleted: [[type, id]]}`.
    #[allow(clippy::too_many_arguments)]
    pub fn handle(
        &mut self,
        sandbox: &Sandbox,
        method: &str,
        path: &str,
        query: &str,
        if_match: Option<String>,
        if_none_match: Option<String>,
        content_type: Option<String>,
        body: Vec<u8>,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let request = Request {
            method: Method::parse(method),
            path: path.into(),
            query: query.into(),
            if_match,
            if_none_match,
            content_type,
            body,
            caller: None,
        };
        let base_url = sandbox.site().scim_base(&self.server.record.id);
        let mut env = Env {
            now_ms: now_ms as i64,
            base_url: &base_url,
            ids: &mut self.ids,
        };
        let outcome = self.server.tenant.handle(&request, &mut env);
        outcome_value(&outcome.response, Some(&outcome.changes))
    }

    /// `POST /sandbox/oauth2/v1/token` for this server (client credentials): the response.
    pub fn token(
        &self,
        authorization: Option<String>,
        body: &[u8],
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let response = oci::token(&self.server, authorization.as_deref(), body, now_ms as i64);
        response_value(&response)
    }

    /// A request to `/sandbox/admin/v1{rest}` for this server: authenticated in full, then
    /// handled like [`Server::handle`] (same answer shape).
    pub fn domain(
        &mut self,
        sandbox: &Sandbox,
        mut request: RootRequest,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let request = request.as_domain();
        let caller = oci::authenticate(&self.server, &request, now_ms as i64)
            .map_err(|e| error_response_value(&e))?;
        let base_url = alloc::format!("{}{}", sandbox.origin, sandbox.layout.domain);
        let mut env = Env {
            now_ms: now_ms as i64,
            base_url: &base_url,
            ids: &mut self.ids,
        };
        let outcome = oci::handle(&mut self.server, request, caller, &mut env);
        outcome_value(&outcome.response, Some(&outcome.changes))
    }

    /// Handles one request to the server's administration endpoints (`action`: `""`,
    /// `reset`, `export`, `import`, `config`; `access`: what [`Sandbox::authenticate`]
    /// said). Returns the response plus `record` (`"unchanged"`, `"updated"`, `"deleted"`)
    /// and `tenant` (`"unchanged"`, `"replaced"` with every stored resource as `upserted`,
    /// `"reload"`).
    pub fn admin(
        &mut self,
        sandbox: &Sandbox,
        method: &str,
        action: &str,
        access: &str,
        body: &[u8],
    ) -> Result<JsValue, JsValue> {
        let method = Method::parse(method);
        let Some(action) = parse_action(action) else {
            return response_value(&admin::error_response(&ScimError::not_found(
                "no such endpoint",
            )));
        };
        let access = if access == "owner" {
            Access::Owner
        } else {
            Access::Admin
        };
        let request = admin::Request {
            method: &method,
            action,
            access,
            body,
        };
        let outcome = admin::handle(&request, &mut self.server, &sandbox.policy, &sandbox.site());
        let (record_change, tenant_change) = (outcome.record, outcome.tenant);
        let response = outcome.into_response();
        let out = response_object(&response)?;
        if tenant_change == TenantChange::Replaced {
            let upserted = Array::new();
            for value in self.server.tenant.resources() {
                upserted.push(stored_triple(&value)?.as_ref());
            }
            set(&out, "upserted", &upserted)?;
            set(&out, "deleted", &Array::new())?;
        }
        let record = match record_change {
            RecordChange::Unchanged => "unchanged",
            RecordChange::Updated => "updated",
            RecordChange::Deleted => "deleted",
        };
        let tenant = match tenant_change {
            TenantChange::Unchanged => "unchanged",
            TenantChange::Replaced => "replaced",
            TenantChange::Reload => "reload",
        };
        set(&out, "record", &record.into())?;
        set(&out, "tenant", &tenant.into())?;
        Ok(out.into())
    }
}

/// A new token from the host's random bytes (32 give 256 bits), and its digest: the only
/// form it is stored in. Returns `[token, digest]`.
#[wasm_bindgen(js_name = newToken)]
pub fn new_token(random: &[u8]) -> Array {
    let token = admin::token_from_random_bytes(random);
    let digest = admin::token_digest(&token);
    Array::of2(&token.into(), &digest.into())
}

/// The SCIM error response (`{status, headers, body}`) for a host-level failure such as
/// storage that refused a write, so the host answers exactly like the engine.
#[wasm_bindgen(js_name = errorResponse)]
pub fn error_response(status: u16, detail: &str) -> Result<JsValue, JsValue> {
    response_value(&admin::error_response(&ScimError::new(
        status, None, detail,
    )))
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Server => "",
        Action::Reset => "reset",
        Action::Export => "export",
        Action::Import => "import",
        Action::Config => "config",
    }
}

fn parse_action(name: &str) -> Option<Action> {
    [
        Action::Server,
        Action::Reset,
        Action::Export,
        Action::Import,
        Action::Config,
    ]
    .into_iter()
    .find(|a| action_name(*a) == name)
}

fn parse_record(json: &str) -> Result<ServerRecord, JsValue> {
    serde_json::from_str(json).map_err(|e| {
        error_response_value(&ScimError::new(
            500,
            None,
            alloc::format!("a stored server record is unreadable: {e}"),
        ))
    })
}

/// A response plus a change set, as one JS object.
fn outcome_value(response: &Response, changes: Option<&ChangeSet>) -> Result<JsValue, JsValue> {
    let out = match changes {
        Some(changes) => changes_value(changes)?,
        None => Object::new(),
    };
    fill_response(&out, response)?;
    Ok(out.into())
}

fn response_object(response: &Response) -> Result<Object, JsValue> {
    let out = Object::new();
    fill_response(&out, response)?;
    Ok(out)
}

fn response_value(response: &Response) -> Result<JsValue, JsValue> {
    Ok(response_object(response)?.into())
}

/// A SCIM error as the response object to throw.
fn error_response_value(e: &ScimError) -> JsValue {
    response_value(&admin::error_response(e)).unwrap_or_else(|err| err)
}

/// A server being loaded from storage (see [`Server::begin_load`]). All or nothing: once a
/// chunk fails, every later feed and the finish fail with the same error, and the host drops
/// this half-built tenant; no `Server` is ever made from it.
#[wasm_bindgen]
pub struct ServerLoad {
    server: admin::Server,
    ids: UuidIds,
    /// Resources still expected, for sizing the heap at the first chunk (0 after it).
    expected: usize,
    failed: Option<ScimError>,
}

#[wasm_bindgen]
impl ServerLoad {
    /// Loads a chunk of stored resources (JSON strings, as written from earlier change sets),
    /// without validation.
    pub fn feed(&mut self, chunk: Vec<String>) -> Result<(), JsValue> {
        if self.failed.is_none() {
            if self.expected > 0 && !chunk.is_empty() {
                let json_bytes: usize = chunk.iter().map(String::len).sum();
                reserve_heap(
                    (json_bytes / chunk.len()).saturating_mul(core::mem::take(&mut self.expected)),
                );
            }
            if let Err(e) = load_chunk(&mut self.server.tenant, &chunk) {
                self.failed = Some(e);
            }
        }
        match &self.failed {
            Some(e) => Err(error_response_value(e)),
            None => Ok(()),
        }
    }

    /// The loaded server, unless a chunk failed.
    pub fn finish(self) -> Result<Server, JsValue> {
        if let Some(e) = &self.failed {
            return Err(error_response_value(e));
        }
        Ok(Server {
            server: self.server,
            ids: self.ids,
            generator: None,
            created: None,
            jobs: crate::jobs::MemoryStore::default(),
        })
    }
}

/// Loads stored resources into a tenant; the first that is not valid JSON or not a stored
/// resource stops it.
fn load_chunk(tenant: &mut Tenant, chunk: &[String]) -> Result<(), ScimError> {
    for json in chunk {
        let value = crate::value::from_str(json).map_err(|e| {
            ScimError::new(
                500,
                None,
                alloc::format!("a stored resource is not valid JSON: {e}"),
            )
        })?;
        tenant.load(value)?;
    }
    Ok(())
}

fn fill_response(out: &Object, response: &Response) -> Result<(), JsValue> {
    set(out, "status", &response.status.into())?;
    let pairs = Array::new();
    for (name, value) in &response.headers {
        pairs.push(&Array::of2(&name.into(), &value.into()));
    }
    set(out, "headers", &pairs)?;
    set(out, "body", &Uint8Array::from(response.body.as_slice()))
}

/// Grows the wasm heap once, to about what a tenant holding `json_bytes` of stored JSON
/// takes, before loading it (the host's count and the first chunk's sizes give the
/// estimate). Left to grow on demand, the allocator asks the runtime for memory in thousands
/// of small steps, which made loading 10,000 users two to four times slower in V8. The block
/// is freed at once and the allocator reuses it for the tenant. A tenant of generated users
/// holds about 2.5 bytes per stored JSON byte (3.1 KB per 1.26 KB user at 100,000);
/// reserving more is never given back (wasm memory does not shrink).
/// A failed reservation is fine: loading then grows the heap as it goes.
fn reserve_heap(json_bytes: usize) {
    const MOST: usize = 1 << 30;
    let tenant_bytes = json_bytes.saturating_mul(5) / 2;
    let mut block: Vec<u8> = Vec::new();
    let _ = block.try_reserve_exact(tenant_bytes.min(MOST));
    drop(core::hint::black_box(block));
}

/// A server's secret key from the host's random bytes (`ServerRecord::key`).
fn server_key(id_seed: &[u8], token_random: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"scimlet server key\0")
        .chain_update(id_seed)
        .chain_update(token_random)
        .finalize();
    admin::token_from_random_bytes(&digest)
}

/// Folds the host's random bytes into the id generator's seed.
fn seed_from(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |acc, b| {
        (acc ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn changes_value(changes: &ChangeSet) -> Result<Object, JsValue> {
    let upserted = Array::new();
    for (_, value) in &changes.upserted {
        upserted.push(stored_triple(value)?.as_ref());
    }
    let deleted = Array::new();
    for key in &changes.deleted {
        deleted.push(&Array::of2(
            &key.resource_type.as_str().into(),
            &key.id.as_str().into(),
        ));
    }
    let result = Object::new();
    set(&result, "upserted", &upserted)?;
    set(&result, "deleted", &deleted)?;
    Ok(result)
}

/// `[type, id, json]` of one stored form (they are self-describing: `meta.resourceType`).
fn stored_triple(value: &Value) -> Result<Array, JsValue> {
    let resource_type = value
        .pointer("/meta/resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let id = value.get("id").and_then(Value::as_str).unwrap_or_default();
    if resource_type.is_empty() || id.is_empty() {
        return Err(error_response_value(&ScimError::new(
            500,
            None,
            "a stored resource has no id or meta.resourceType",
        )));
    }
    Ok(Array::of3(
        &resource_type.into(),
        &id.into(),
        &value.to_string().into(),
    ))
}

fn set(target: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(target, &key.into(), value).map(|_| ())
}
