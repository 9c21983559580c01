//! `ScimServer`: the Durable Object that owns one virtual server.
//!
//! One object per server id (`id_from_name`), so one writer per tenant: uniqueness, ETags
//! and Bulk stay exact under concurrent requests. The object keeps its [`Tenant`] in
//! memory, loaded lazily from SQLite on the first request after an eviction, and writes
//! each request's [`ChangeSet`] through in one synchronous SQLite transaction before
//! answering. Between loading the tenant, handling the request and writing its changes
//! there is no `await`, so no other request can interleave.
//!
//! Storage (SQLite, per object):
//! - `resources(key TEXT PRIMARY KEY, body TEXT)`: one row per resource, keyed
//!   `{resourceType}/{id}`, the stored form as JSON.
//! - `meta(name TEXT PRIMARY KEY, value TEXT)`: the row `record` holds the server's
//!   [`ServerRecord`] (settings, token digests, created, expiry). This row is the source of
//!   truth; the `REGISTRY` KV entry is a copy this object publishes after every change, for
//!   listing servers across objects.

use super::reply;
use super::route::{self, Action, Route};
use super::{is_admin_token, now_ms, random_u64, Limits, INTERNAL_CREATE, REGISTRY};
use crate::admin::{token_from_authorization, ServerRecord};
use crate::env::{Env as CoreEnv, UuidIds};
use crate::error::ScimError;
use crate::generate::{populate, SeedSpec};
use crate::http::{Method as CoreMethod, Request as CoreRequest};
use crate::json;
use crate::settings::Settings;
use crate::tenant::{ChangeSet, ResourceKey, Tenant};
use crate::value::Value;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::RefCell;
use serde::Deserialize;
use worker::wasm_bindgen::closure::Closure;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{
    console_error, durable_object, js_sys, DurableObject, Env, Method, Request, Response, Result,
    ScheduledTime, SqlStorage, SqlStorageValue, State, Url,
};

const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS resources (key TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);";
const UPSERT_RESOURCE: &str = "INSERT INTO resources (key, body) VALUES (?, ?) \
     ON CONFLICT(key) DO UPDATE SET body = excluded.body";
const DELETE_RESOURCE: &str = "DELETE FROM resources WHERE key = ?";
const UPSERT_RECORD: &str = "INSERT INTO meta (name, value) VALUES ('record', ?) \
     ON CONFLICT(name) DO UPDATE SET value = excluded.value";

/// A failure inside the object, already shaped as the SCIM error to answer.
type Fallible<T> = core::result::Result<T, ScimError>;

fn internal(context: &str, err: impl core::fmt::Display) -> ScimError {
    ScimError::new(500, None, format!("{context}: {err}"))
}

/// One virtual server: its record, its tenant in memory, its storage.
#[durable_object(alarm)]
pub struct ScimServer {
    state: State,
    env: Env,
    /// The record, cached from the `meta` table (`None`: not read yet or no server).
    record: RefCell<Option<Rc<ServerRecord>>>,
    /// The tenant, loaded on first use (`None`: not loaded, or dropped to be reloaded).
    tenant: RefCell<Option<Tenant>>,
    /// Resource ids, seeded from the CSPRNG when the object starts.
    ids: RefCell<UuidIds>,
}

/// What `POST /__internal/create` carries from the Worker.
#[derive(Deserialize)]
struct CreateOrder {
    record: ServerRecord,
    seed: Option<SeedSpec>,
}

impl DurableObject for ScimServer {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(SCHEMA, None) {
            console_error!("creating tables failed: {e}");
        }
        ScimServer {
            state,
            env,
            record: RefCell::new(None),
            tenant: RefCell::new(None),
            // Ids need uniqueness, not secrecy: v7 ids carry the time and a counter too,
            // so a failed random source falls back to the clock's bits.
            ids: RefCell::new(UuidIds::new(random_u64().unwrap_or_else(|e| {
                console_error!("{}", e.detail);
                js_sys::Date::now().to_bits()
            }))),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let started = js_sys::Date::now();
        let mut resp = match self.route(req).await {
            Ok(resp) => resp,
            Err(err) => reply::error(&err)?,
        };
        // `object`: the whole time inside this Durable Object, storage included.
        let object = reply::server_timing(&[("object", js_sys::Date::now() - started)]);
        let timing = match resp.headers().get("Server-Timing")? {
            Some(inner) => format!("{inner}, {object}"),
            None => format!("{}, {object}", reply::server_timing(&[("engine", 0.0)])),
        };
        resp.headers_mut().set("Server-Timing", &timing)?;
        Ok(resp)
    }

    /// Removes the server once it has expired.
    async fn alarm(&self) -> Result<Response> {
        let now = now_ms();
        if let Err(err) = self.live_record(None, now).await {
            console_error!("expiry check failed: {err}");
        }
        Response::empty()
    }
}

impl ScimServer {
    async fn route(&self, mut req: Request) -> Fallible<Response> {
        let url = req.url().map_err(|e| internal("bad URL", e))?;
        // Every body is read in full before anything is answered: a streamed body left
        // unread when the answer goes out leaves the client hanging under workerd. Its size
        // is bounded by the Worker (Content-Length) and checked per endpoint below.
        let body = match req.method() {
            Method::Get | Method::Head => Vec::new(),
            _ => req
                .bytes()
                .await
                .map_err(|e| ScimError::bad_request(format!("unreadable request body: {e}")))?,
        };
        if url.path() == INTERNAL_CREATE {
            return self.create(&body, &url).await;
        }
        let path = url.path().to_string();
        match route::parse(&path) {
            Route::Scim { id, rest } => self.scim(&req, body, &url, id, rest).await,
            Route::Server { id, action } => self.admin(&req, body, &url, id, action).await,
            _ => Err(ScimError::not_found(format!("no endpoint at {path}"))),
        }
    }

    /// A SCIM request: authenticate, hand it to the tenant, write its changes through.
    async fn scim(
        &self,
        req: &Request,
        body: Vec<u8>,
        url: &Url,
        id: &str,
        rest: &str,
    ) -> Fallible<Response> {
        // `require_record` awaits only to wipe an expired server. From here to the answer
        // there is no `await`: the tenant and its storage change together, and no other
        // request runs in between.
        let record = self.require_record(id).await?;
        authorize(req, &record, None)?;
        check_size(&body, record.settings.bulk_max_payload_size)?;
        let load_ms = self.ensure_tenant(&record)?;
        let method = req.inner().method();
        let headers = req.headers();
        let header = |name: &str| headers.get(name).ok().flatten();
        let request = CoreRequest {
            method: CoreMethod::parse(&method),
            path: if rest.is_empty() {
                "/".into()
            } else {
                rest.into()
            },
            query: url.query().unwrap_or("").into(),
            if_match: header("If-Match"),
            if_none_match: header("If-None-Match"),
            content_type: header("Content-Type"),
            body,
        };
        let base_url = scim_base(url, id);
        let max_resources = Limits::from_env(&self.env).max_resources;

        let mut slot = self.tenant.borrow_mut();
        let tenant = slot
            .as_mut()
            .ok_or_else(|| internal("tenant", "not loaded"))?;
        let before = total(tenant);
        let mut ids = self.ids.borrow_mut();
        let mut env = CoreEnv {
            now_ms: now_ms(),
            base_url: &base_url,
            ids: &mut *ids,
        };
        let started = js_sys::Date::now();
        let outcome = tenant.handle(&request, &mut env);
        let engine_ms = js_sys::Date::now() - started;

        let mut store_ms = None;
        if !outcome.changes.is_empty() {
            let after = total(tenant);
            if after > before && after > max_resources {
                // Forget the in-memory change: the next request reloads from storage.
                *slot = None;
                return Err(full(id, max_resources));
            }
            let started = js_sys::Date::now();
            if let Err(err) = self.write(&outcome.changes, None) {
                *slot = None;
                return Err(err);
            }
            store_ms = Some(js_sys::Date::now() - started);
        }
        let mut resp = reply::from_core(outcome.response).map_err(|e| internal("response", e))?;
        let mut timing = alloc::vec![("engine", engine_ms)];
        timing.extend(load_ms.map(|ms| ("load", ms)));
        timing.extend(store_ms.map(|ms| ("store", ms)));
        set_header(&mut resp, "Server-Timing", &reply::server_timing(&timing))?;
        Ok(resp)
    }

    /// `/api/servers/{id}[/action]`, with the server's token or the admin token.
    async fn admin(
        &self,
        req: &Request,
        body: Vec<u8>,
        url: &Url,
        id: &str,
        action: Action,
    ) -> Fallible<Response> {
        let record = self.require_record(id).await?;
        authorize(req, &record, Some(&self.env))?;
        let limits = Limits::from_env(&self.env);
        let method = req.method();
        match (action, method) {
            (Action::Server, Method::Get) => self.show(&record, url),
            (Action::Server, Method::Delete) => {
                self.wipe(id).await?;
                Response::empty()
                    .map(|r| r.with_status(204))
                    .map_err(|e| internal("response", e))
            }
            (Action::Reset, Method::Post) => {
                let tenant = Tenant::new(record.settings.clone())?;
                self.transaction(|sql| sql_exec(sql, "DELETE FROM resources", Vec::new()))?;
                *self.tenant.borrow_mut() = Some(tenant);
                self.show(&record, url)
            }
            (Action::Export, Method::Get) => {
                self.ensure_tenant(&record)?;
                let export = self.with_tenant(|t| t.export())?;
                json(200, &export)
            }
            (Action::Import, Method::Put) => {
                check_size(&body, limits.import_max_bytes)?;
                let export = crate::value::from_slice(&body).map_err(|e| {
                    ScimError::invalid_syntax(format!("the import is not valid JSON: {e}"))
                })?;
                let mut tenant = Tenant::import(&export)?;
                if total(&tenant) > limits.max_resources {
                    return Err(full(id, limits.max_resources));
                }
                let mut settings = tenant.settings().clone();
                limits.apply_ttl_policy(&mut settings);
                tenant.configure(settings.clone())?;
                let mut updated = (*record).clone();
                updated.set_settings(settings);
                let mut changes = ChangeSet::default();
                for resource in tenant.resources() {
                    if let Some(key) = key_of(resource) {
                        changes.upserted.push((key, resource.clone()));
                    }
                }
                self.transaction(|sql| sql_exec(sql, "DELETE FROM resources", Vec::new()))
                    .and_then(|()| self.write(&changes, Some(&updated)))
                    .inspect_err(|_| *self.tenant.borrow_mut() = None)?;
                *self.tenant.borrow_mut() = Some(tenant);
                let updated = self.remember(updated);
                self.after_record_change(&updated).await;
                self.show(&updated, url)
            }
            (Action::Config, Method::Get) => json(200, &record.settings),
            (Action::Config, Method::Put) => {
                check_size(&body, limits.import_max_bytes)?;
                let mut settings = Settings::from_json(&body)?;
                limits.apply_ttl_policy(&mut settings);
                self.ensure_tenant(&record)?;
                self.with_tenant_mut(|t| t.configure(settings.clone()))??;
                let mut updated = (*record).clone();
                updated.set_settings(settings);
                self.write(&ChangeSet::default(), Some(&updated))?;
                let updated = self.remember(updated);
                self.after_record_change(&updated).await;
                json(200, &updated.settings)
            }
            (action, method) => reply::method_not_allowed(method.as_ref(), action.allowed())
                .map_err(|e| internal("response", e)),
        }
    }

    /// `POST /__internal/create` from the Worker: a new server, seeded if asked.
    async fn create(&self, body: &[u8], url: &Url) -> Fallible<Response> {
        let order: CreateOrder =
            serde_json::from_slice(body).map_err(|e| internal("create order", e))?;
        let id = order.record.id.clone();
        let now = now_ms();
        if self.live_record(Some(&id), now).await?.is_some() {
            return Err(ScimError::uniqueness(format!(
                "server '{id}' already exists; pick another id or delete it first"
            )));
        }
        let limits = Limits::from_env(&self.env);
        let mut tenant = Tenant::new(order.record.settings.clone())?;
        let mut changes = ChangeSet::default();
        if let Some(spec) = &order.seed {
            let asked = spec
                .users
                .saturating_add(spec.groups)
                .saturating_add(spec.entitlements)
                .saturating_add(spec.roles);
            if asked > limits.max_resources {
                return Err(ScimError::invalid_value(format!(
                    "the seed asks for {asked} resources; a server here holds at most {}",
                    limits.max_resources
                )));
            }
            let base_url = scim_base(url, &id);
            let mut ids = self.ids.borrow_mut();
            let mut env = CoreEnv {
                now_ms: now,
                base_url: &base_url,
                ids: &mut *ids,
            };
            changes = populate(&mut tenant, spec, &mut env)?;
        }
        self.write(&changes, Some(&order.record))?;
        *self.tenant.borrow_mut() = Some(tenant);
        let record = self.remember(order.record);
        self.after_record_change(&record).await;
        let counts = self.with_tenant(|t| t.counts())?;
        json(201, &json!({ "id": id, "counts": counts }))
    }

    /// `GET /api/servers/{id}`: counts per resource type, created, expires.
    fn show(&self, record: &ServerRecord, url: &Url) -> Fallible<Response> {
        self.ensure_tenant(record)?;
        let counts = self.with_tenant(|t| t.counts())?;
        let total: usize = counts.values().sum();
        json(
            200,
            &json!({
                "id": record.id,
                "scim": scim_base(url, &record.id),
                "created": crate::time::format_millis(record.created_ms),
                "expires": record.expires_ms.map(crate::time::format_millis),
                "counts": counts,
                "total": total,
                "limits": {"maxResources": Limits::from_env(&self.env).max_resources},
            }),
        )
    }

    /// The server's record if it exists and has not expired; an expired server is wiped
    /// on the spot. `id`, when given, must be the record's (an object serves one id).
    async fn live_record(&self, id: Option<&str>, now: i64) -> Fallible<Option<Rc<ServerRecord>>> {
        // Clone out first: `read_record` borrows the cell mutably.
        let cached = self.record.borrow().clone();
        let record = match cached {
            Some(record) => Some(record),
            None => self.read_record()?,
        };
        match record {
            Some(record) if id.is_some_and(|id| id != record.id) => Err(internal(
                "storage",
                format!(
                    "object for '{}' asked about '{}'",
                    record.id,
                    id.unwrap_or("")
                ),
            )),
            Some(record) if record.is_expired(now) => {
                self.wipe(&record.id).await?;
                Ok(None)
            }
            other => Ok(other),
        }
    }

    async fn require_record(&self, id: &str) -> Fallible<Rc<ServerRecord>> {
        self.live_record(Some(id), now_ms())
            .await?
            .ok_or_else(|| no_server(id))
    }

    fn read_record(&self) -> Fallible<Option<Rc<ServerRecord>>> {
        let sql = self.state.storage().sql();
        let cursor = sql
            .exec("SELECT value FROM meta WHERE name = 'record'", None)
            .map_err(|e| internal("reading the record", e))?;
        let Some(row) = cursor.raw().next() else {
            return Ok(None);
        };
        let row = row.map_err(|e| internal("reading the record", e))?;
        let Some(SqlStorageValue::String(text)) = row.into_iter().next() else {
            return Err(internal("reading the record", "not text"));
        };
        let record: ServerRecord =
            serde_json::from_str(&text).map_err(|e| internal("reading the record", e))?;
        Ok(Some(self.remember(record)))
    }

    fn remember(&self, record: ServerRecord) -> Rc<ServerRecord> {
        let record = Rc::new(record);
        *self.record.borrow_mut() = Some(record.clone());
        record
    }

    /// Loads the tenant from storage unless it is in memory; returns the load time if it
    /// loaded.
    fn ensure_tenant(&self, record: &ServerRecord) -> Fallible<Option<f64>> {
        if self.tenant.borrow().is_some() {
            return Ok(None);
        }
        let started = js_sys::Date::now();
        let mut tenant = Tenant::new(record.settings.clone())?;
        let sql = self.state.storage().sql();
        let cursor = sql
            .exec("SELECT body FROM resources", None)
            .map_err(|e| internal("loading resources", e))?;
        for row in cursor.raw() {
            let row = row.map_err(|e| internal("loading resources", e))?;
            let Some(SqlStorageValue::String(text)) = row.into_iter().next() else {
                return Err(internal("loading resources", "a row is not text"));
            };
            let stored =
                crate::value::from_str(&text).map_err(|e| internal("loading resources", e))?;
            tenant.load(stored)?;
        }
        *self.tenant.borrow_mut() = Some(tenant);
        Ok(Some(js_sys::Date::now() - started))
    }

    fn with_tenant<T>(&self, f: impl FnOnce(&Tenant) -> T) -> Fallible<T> {
        let slot = self.tenant.borrow();
        let tenant = slot
            .as_ref()
            .ok_or_else(|| internal("tenant", "not loaded"))?;
        Ok(f(tenant))
    }

    fn with_tenant_mut<T>(&self, f: impl FnOnce(&mut Tenant) -> T) -> Fallible<T> {
        let mut slot = self.tenant.borrow_mut();
        let tenant = slot
            .as_mut()
            .ok_or_else(|| internal("tenant", "not loaded"))?;
        Ok(f(tenant))
    }

    /// Writes a change set (and the record, if given) in one SQLite transaction.
    fn write(&self, changes: &ChangeSet, record: Option<&ServerRecord>) -> Fallible<()> {
        let mut rows: Vec<(String, Option<String>)> =
            Vec::with_capacity(changes.upserted.len() + changes.deleted.len());
        for (key, value) in &changes.upserted {
            let body = serde_json::to_string(&**value).map_err(|e| internal("encoding", e))?;
            rows.push((storage_key(key), Some(body)));
        }
        for key in &changes.deleted {
            rows.push((storage_key(key), None));
        }
        let record = record
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| internal("encoding", e))?;
        self.transaction(move |sql| {
            for (key, body) in rows {
                match body {
                    Some(body) => {
                        sql_exec(sql, UPSERT_RESOURCE, alloc::vec![key.into(), body.into()])?
                    }
                    None => sql_exec(sql, DELETE_RESOURCE, alloc::vec![key.into()])?,
                }
            }
            if let Some(record) = record {
                sql_exec(sql, UPSERT_RECORD, alloc::vec![record.into()])?;
            }
            Ok(())
        })
    }

    /// Runs `f` inside `storage.transactionSync`: all its writes commit, or none.
    fn transaction(
        &self,
        f: impl FnOnce(&SqlStorage) -> core::result::Result<(), String> + 'static,
    ) -> Fallible<()> {
        let storage = self.state.storage();
        let sql = storage.sql();
        let raw: &JsValue = storage.as_raw().as_ref();
        let run: js_sys::Function =
            js_sys::Reflect::get(raw, &JsValue::from_str("transactionSync"))
                .ok()
                .and_then(|f| f.dyn_into().ok())
                .ok_or_else(|| internal("storage", "transactionSync is missing"))?;
        let body = Closure::once(move || -> core::result::Result<JsValue, JsValue> {
            f(&sql)
                .map(|()| JsValue::UNDEFINED)
                .map_err(|e| JsValue::from(js_sys::Error::new(&e)))
        });
        run.call1(raw, body.as_ref())
            .map(|_| ())
            .map_err(|e| internal("writing to storage", js_error_text(&e)))
    }

    /// Deletes everything: resources, record, alarm, registry entry.
    async fn wipe(&self, id: &str) -> Fallible<()> {
        self.transaction(|sql| {
            sql_exec(sql, "DELETE FROM resources", Vec::new())?;
            sql_exec(sql, "DELETE FROM meta", Vec::new())
        })?;
        *self.record.borrow_mut() = None;
        *self.tenant.borrow_mut() = None;
        if let Err(e) = self.state.storage().delete_alarm().await {
            console_error!("deleting the alarm of '{id}' failed: {e}");
        }
        match self.env.kv(REGISTRY) {
            Ok(kv) => {
                if let Err(e) = kv.delete(id).await {
                    console_error!("removing '{id}' from the registry failed: {e}");
                }
            }
            Err(e) => console_error!("registry binding: {e}"),
        }
        Ok(())
    }

    /// After the record changed: the expiry alarm and the registry copy follow it. Failures
    /// are logged, not answered: the object's own record is the truth.
    async fn after_record_change(&self, record: &ServerRecord) {
        let storage = self.state.storage();
        let alarm = match record.expires_ms {
            Some(at) => {
                let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
                storage.set_alarm(ScheduledTime::new(date)).await
            }
            None => storage.delete_alarm().await,
        };
        if let Err(e) = alarm {
            console_error!("setting the expiry alarm of '{}' failed: {e}", record.id);
        }
        if let Err(e) = publish(&self.env, record).await {
            console_error!("publishing '{}' to the registry failed: {e}", record.id);
        }
    }
}

/// Writes the registry copy of a record to KV, with the listing fields as metadata.
async fn publish(env: &Env, record: &ServerRecord) -> Result<()> {
    let kv = env.kv(REGISTRY)?;
    let text =
        serde_json::to_string(record).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let metadata = json!({ "createdMs": record.created_ms, "expiresMs": record.expires_ms });
    let mut put = kv.put(&record.id, text)?.metadata(metadata)?;
    if let Some(at) = record.expires_ms {
        // KV refuses expirations less than 60 s ahead; the alarm does the exact removal.
        let floor = now_ms() / 1000 + 60;
        put = put.expiration(u64::try_from((at / 1000).max(floor)).unwrap_or(u64::MAX));
    }
    put.execute().await?;
    Ok(())
}

fn sql_exec(
    sql: &SqlStorage,
    query: &str,
    bindings: Vec<SqlStorageValue>,
) -> core::result::Result<(), String> {
    sql.exec(query, bindings)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn js_error_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Checks the `Authorization` header against the server's tokens (and the admin token,
/// when `admin` is given).
fn authorize(req: &Request, record: &ServerRecord, admin: Option<&Env>) -> Fallible<()> {
    let header = req.headers().get("Authorization").ok().flatten();
    let Some(header) = header else {
        return Err(unauthorized_error(
            "missing Authorization header: send 'Authorization: Bearer <token>' \
             (or HTTP Basic with the token as password)",
        ));
    };
    let Some(token) = token_from_authorization(&header) else {
        return Err(unauthorized_error(
            "malformed Authorization header: use 'Bearer <token>' or HTTP Basic with the \
             token as password",
        ));
    };
    if record.accepts(&token) || admin.is_some_and(|env| is_admin_token(env, &token)) {
        Ok(())
    } else {
        Err(unauthorized_error(&format!(
            "this token does not open server '{}'",
            record.id
        )))
    }
}

/// A 401 as a [`ScimError`]; [`reply::error`] answers it with the challenge.
fn unauthorized_error(detail: &str) -> ScimError {
    ScimError::new(401, None, detail)
}

/// 413 for a body over `limit` bytes.
fn check_size(body: &[u8], limit: usize) -> Fallible<()> {
    if body.len() > limit {
        return Err(ScimError::new(
            413,
            None,
            format!(
                "the request body has {} bytes; the limit here is {limit}",
                body.len()
            ),
        ));
    }
    Ok(())
}

fn json(status: u16, value: &impl serde::Serialize) -> Fallible<Response> {
    reply::json(status, value).map_err(|e| internal("response", e))
}

fn set_header(resp: &mut Response, name: &str, value: &str) -> Fallible<()> {
    resp.headers_mut()
        .set(name, value)
        .map_err(|e| internal("response", e))
}

/// The absolute SCIM base of a server, as seen by this request.
fn scim_base(url: &Url, id: &str) -> String {
    format!(
        "{}{}{id}{}",
        url.origin().ascii_serialization(),
        route::SERVER_PREFIX,
        route::SCIM_SUFFIX
    )
}

fn storage_key(key: &ResourceKey) -> String {
    format!("{}/{}", key.resource_type, key.id)
}

/// The key of a stored form (`meta.resourceType`, `id`).
fn key_of(resource: &Value) -> Option<ResourceKey> {
    Some(ResourceKey {
        resource_type: resource.get("meta")?.get("resourceType")?.as_str()?.into(),
        id: resource.get("id")?.as_str()?.into(),
    })
}

fn total(tenant: &Tenant) -> usize {
    tenant.counts().values().sum()
}

fn no_server(id: &str) -> ScimError {
    ScimError::not_found(format!(
        "no server '{id}' here (it may have expired or been deleted)"
    ))
}

fn full(id: &str, max: usize) -> ScimError {
    ScimError::new(
        403,
        None,
        format!("server '{id}' is full: a server here holds at most {max} resources"),
    )
}
