//! `ScimServer`: the Durable Object that owns one virtual server.
//!
//! One object per server id (`id_from_name`), so one writer per tenant: uniqueness, ETags
//! and Bulk stay exact under concurrent requests. The object keeps its server's record in
//! memory and its tenant over the object's own SQLite (`crate::store::SqlStore`, through
//! `sql.rs`), mirrored in memory while the server holds at most [`MIRROR_LIMIT`] resources
//! (so a small server answers as one held in memory always did). Waking an evicted object
//! of a bigger server reads the record, the per-type counts and the version high-water
//! mark, never the resources. The engine writes
//! resources through the store as it handles a request; between loading, handling and
//! answering there is no `await`, so no other request can interleave, and the object's
//! implicit transaction commits a request's writes together. Whole-tenant changes (a new
//! server, a reset, an import) are one explicit transaction (`replace_tenant`).
//!
//! Storage (SQLite, per object):
//! - the store's tables (`res_*`, see `crate::store::sql`): resources as rows, with the
//!   indexes the engine looks up by;
//! - `meta(name TEXT PRIMARY KEY, value TEXT)`: the row `record` holds the server's
//!   [`ServerRecord`] (settings, token digests, created, expiry). This row is the source of
//!   truth; the `REGISTRY` KV entry is a copy this object publishes after every change, for
//!   listing servers and answering unknown ones at the edge;
//! - `files`, `file_chunks`, `jobs`, `job_reports`: CSV jobs (`jobs.rs`);
//! - `resources(key, body)`: where resources were kept before the store; a server found
//!   with rows there is moved into the store on its first load (`migrate`).

mod domain;
mod jobs;
mod sql;

use super::reply;
use super::{now_ms, policy, random_u64, to_core, INTERNAL_CREATE, REGISTRY};
use crate::admin::{
    self, Access, CreateOrder, Outcome, RecordChange, Route, Server, ServerRecord, Site,
    TenantChange, EDGE,
};
use crate::env::{Env as CoreEnv, UuidIds};
use crate::error::ScimError;
use crate::generate::Generator;
use crate::http::Request as CoreRequest;
use crate::json;
use crate::store::SqlStore;
use crate::tenant::Tenant;
use crate::value::Value;
use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::RefCell;
use sql::DoSql;
use worker::wasm_bindgen::closure::Closure;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{
    console_error, durable_object, js_sys, DurableObject, Env, Method, Request, Response, Result,
    ScheduledTime, SqlStorage, SqlStorageValue, State, Url,
};

const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS resources (key TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file_chunks (key TEXT NOT NULL, seq INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (key, seq));
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, running INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS job_reports (history TEXT NOT NULL, row INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (history, row));";
const DELETE_ALL_RESOURCES: &str = "DELETE FROM resources";
const UPSERT_RECORD: &str = "INSERT INTO meta (name, value) VALUES ('record', ?) \
     ON CONFLICT(name) DO UPDATE SET value = excluded.value";

/// The most bytes Durable Object SQLite stores in one row (its `SQLITE_TOOBIG` limit).
pub(super) const MAX_ROW_BYTES: usize = 2_000_000;
/// How a write that found a row too big says so from inside the transaction.
const TOOBIG: &str = "scimlet: row too big:";

/// A failure inside the object, already shaped as the SCIM error to answer.
type Fallible<T> = core::result::Result<T, ScimError>;

fn internal(context: &str, err: impl core::fmt::Display) -> ScimError {
    ScimError::new(500, None, format!("{context}: {err}"))
}

/// One virtual server: its record and tenant in memory, its storage.
#[durable_object(alarm)]
pub struct ScimServer {
    state: State,
    env: Env,
    /// The server, loaded on first use (`None`: not loaded, or dropped to be reloaded).
    server: RefCell<Option<Server>>,
    /// Resource ids, seeded from the CSPRNG when the object starts.
    ids: RefCell<UuidIds>,
    /// The input file of the job being run, kept between its steps (`jobs.rs`).
    input: RefCell<Option<(String, alloc::rc::Rc<Vec<u8>>)>>,
    /// A big seed's generator, between the alarm slices that fill the server
    /// ([`ScimServer::seed_slice`]); the record's `seeding` shows its progress.
    seeder: RefCell<Option<Generator>>,
}

/// A server of at most this many resources is also held in memory (read from there,
/// written to SQLite too). At ~4.2 KB of wasm memory per generated user that is ~50 MB,
/// which with the SQLite store's column budget (32 MB) keeps the object under 100 MB of its
/// 128 MB (wasm memory never shrinks: a server that grew past the limit keeps the pages
/// its mirror used, and reuses them). Bigger servers are read from SQLite alone, so waking
/// them reads no resource. The variable `MIRROR_RESOURCES` lowers it (tests set 2,000, so
/// a 10,000-user server runs over SQLite alone as a million-user one does); it is never
/// raised past this.
const MIRROR_LIMIT: usize = 12_000;

/// Resources made between two looks at the clock in a seed slice.
const SEED_STEP: usize = 500;

impl DurableObject for ScimServer {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(SCHEMA, None) {
            console_error!("creating tables failed: {e}");
        }
        ScimServer {
            state,
            env,
            server: RefCell::new(None),
            input: RefCell::new(None),
            seeder: RefCell::new(None),
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
        // The isolate's wasm memory, which only ever grows: its high-water mark, what the
        // platform's 128 MB limit is about (benchmarks and tests read it).
        #[cfg(target_arch = "wasm32")]
        resp.headers_mut().set(
            "Scimlet-Wasm-Bytes",
            &(core::arch::wasm32::memory_size(0) * 65_536).to_string(),
        )?;
        Ok(resp)
    }

    /// Removes the server once it has expired, and runs its jobs a slice at a time
    /// (`jobs.rs`): the alarm fires at the earlier of the expiry and the next job step.
    async fn alarm(&self) -> Result<Response> {
        if let Err(err) = self.load(now_ms()).await {
            console_error!("expiry check failed: {err}");
        }
        let seeded = self.seed_slice();
        self.run_jobs();
        let record = self.server.borrow().as_ref().map(|s| s.record.clone());
        if let Some(record) = record {
            match seeded {
                // The registry's copy follows a seed's end (its `seeding` goes).
                Some(true) => self.after_record_change(&record).await,
                _ => self.arm(&record).await,
            }
        }
        Response::empty()
    }
}

impl ScimServer {
    async fn route(&self, mut req: Request) -> Fallible<Response> {
        let url = req.url().map_err(|e| internal("bad URL", e))?;
        // The Worker has authenticated the request against the registry and read its body
        // within the route's limit before forwarding it, so reading it here is bounded.
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
        let route = EDGE.parse(&path);
        if let Route::Token | Route::Domain { .. } = route {
            return self.domain(&req, body, &url, route).await;
        }
        if let Route::Jobs { rest } = route {
            return self.jobs(&req, body, &url, rest).await;
        }
        let (Route::Scim { id, .. } | Route::Server { id, .. }) = route else {
            return Err(ScimError::not_found(format!("no endpoint at {path}")));
        };
        let load_ms = self.load(now_ms()).await?;
        // The object's own record is the truth: authenticate again against it.
        let access = {
            let slot = self.server.borrow();
            let record = slot.as_ref().map(|s| &s.record);
            let authorization = req.headers().get("Authorization").ok().flatten();
            admin::authenticate(authorization.as_deref(), id, record, &policy(&self.env))?
        };
        match route {
            // The admin token lists, shows and deletes servers; it never opens their data.
            Route::Scim { .. } if access == Access::Admin => Err(ScimError::new(
                403,
                None,
                "the admin token never opens SCIM data: use this server's token",
            )),
            Route::Scim { rest, .. } => self.scim(&req, body, &url, id, rest, load_ms),
            Route::Server { action, .. } => {
                let method = to_core(&req.method());
                self.admin(&method, action, access, body, &url, id).await
            }
            _ => Err(ScimError::not_found(format!("no endpoint at {path}"))),
        }
    }

    /// A SCIM request: hand it to the tenant, write its changes through.
    fn scim(
        &self,
        req: &Request,
        body: Vec<u8>,
        url: &Url,
        id: &str,
        rest: &str,
        load_ms: Option<f64>,
    ) -> Fallible<Response> {
        let headers = req.headers();
        let header = |name: &str| headers.get(name).ok().flatten();
        let request = CoreRequest {
            method: to_core(&req.method()),
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
            caller: None,
        };
        let origin = url.origin().ascii_serialization();
        let base_url = EDGE.scim_base(&origin, id);

        let mut slot = self.server.borrow_mut();
        self.run(&mut slot, &base_url, load_ms, |server, env| {
            server.tenant.handle(&request, env)
        })
    }

    /// Runs the core on the loaded server with this request's time and ids and answers with
    /// its timings (engine, which includes the store's SQLite writes, and load). The
    /// tenant's store writes through SQLite as it goes, and the object's implicit
    /// transaction commits a request's writes together; after a server error the server is
    /// unloaded, so the next request reopens it from what storage holds.
    fn run(
        &self,
        slot: &mut Option<Server>,
        base_url: &str,
        load_ms: Option<f64>,
        handle: impl FnOnce(&mut Server, &mut CoreEnv) -> crate::tenant::Outcome,
    ) -> Fallible<Response> {
        let server = slot
            .as_mut()
            .ok_or_else(|| internal("server", "not loaded"))?;
        let mut env = CoreEnv {
            now_ms: now_ms(),
            base_url,
            ids: &mut *self.ids.borrow_mut(),
        };
        let started = js_sys::Date::now();
        let outcome = handle(server, &mut env);
        let engine_ms = js_sys::Date::now() - started;
        if outcome.response.status >= 500 {
            *slot = None;
        }
        let mut resp = reply::from_core(outcome.response).map_err(|e| internal("response", e))?;
        let mut timing = alloc::vec![("engine", engine_ms)];
        timing.extend(load_ms.map(|ms| ("load", ms)));
        set_header(&mut resp, "Server-Timing", &reply::server_timing(&timing))?;
        Ok(resp)
    }

    /// `/api/servers/{id}[/action]`: the core decides, this persists what it says.
    async fn admin(
        &self,
        method: &crate::http::Method,
        action: admin::Action,
        access: Access,
        body: Vec<u8>,
        url: &Url,
        id: &str,
    ) -> Fallible<Response> {
        let origin = url.origin().ascii_serialization();
        let site = Site {
            origin: &origin,
            layout: EDGE,
        };
        let policy = policy(&self.env);
        let (outcome, record) = {
            let mut slot = self.server.borrow_mut();
            let server = slot
                .as_mut()
                .ok_or_else(|| internal("server", "not loaded"))?;
            let request = admin::Request {
                method,
                action,
                access,
                body: &body,
            };
            let outcome = admin::handle(&request, server, &policy, &site);
            // An import is parsed by now: its bytes go before its rows are written.
            drop(body);
            let written = self.persist(&outcome, server);
            if let Err(err) = written {
                *slot = None;
                return Err(err);
            }
            if outcome.tenant == TenantChange::Reload {
                *slot = None;
            }
            let record = slot.as_ref().map(|s| s.record.clone());
            (outcome, record)
        };
        match (outcome.record, record) {
            (RecordChange::Deleted, _) => self.wipe(id).await?,
            (RecordChange::Updated, Some(record)) => self.after_record_change(&record).await,
            _ => {}
        }
        match outcome.stream {
            // An export streams: one piece serialized at a time, never the whole of it.
            Some(pieces) => reply::streamed(outcome.response, pieces),
            None => reply::from_core(outcome.response),
        }
        .map_err(|e| internal("response", e))
    }

    /// Writes what an administration request changed, in one transaction.
    fn persist(&self, outcome: &Outcome, server: &mut Server) -> Fallible<()> {
        let record = (outcome.record == RecordChange::Updated).then(|| server.record.clone());
        match (outcome.tenant, record) {
            (TenantChange::Replaced, record) => self.replace_tenant(server, record.as_ref()),
            (_, Some(record)) => self.write_record(&record),
            (_, None) => Ok(()),
        }
    }

    /// `POST /__internal/create` from the Worker: a new server, seeded if asked. A big seed
    /// is written in chunks, each its own transaction with the record's progress.
    async fn create(&self, body: &[u8], url: &Url) -> Fallible<Response> {
        let order: CreateOrder =
            serde_json::from_slice(body).map_err(|e| internal("create order", e))?;
        let id = order.record.id.clone();
        self.load(now_ms()).await?;
        let origin = url.origin().ascii_serialization();
        let site = Site {
            origin: &origin,
            layout: EDGE,
        };
        let base_url = site.scim_base(&id);
        let created = {
            let mut ids = self.ids.borrow_mut();
            let mut env = CoreEnv {
                now_ms: now_ms(),
                base_url: &base_url,
                ids: &mut *ids,
            };
            let mut created = {
                let existing = self.server.borrow();
                admin::create(
                    order,
                    existing.as_ref().map(|s| &s.record),
                    admin::SEED_CHUNK,
                    &mut env,
                )?
            };
            // The new server's first resources (its app, its first seed chunk) go into
            // SQLite with its record, in one transaction.
            let record = created.server.record.clone();
            self.replace_tenant(&mut created.server, Some(&record))?;
            // A seed goes on here for up to `SEED_INLINE_MS` (most seeds end within it);
            // the rest is made by alarm slices, so the server answers requests (and shows
            // its progress) while it fills.
            if let Some(mut generator) = created.generator.take() {
                let budget = super::var(&self.env, "SEED_INLINE_MS", 3_000) as f64;
                seed_for(budget, &mut created.server, &mut generator, &mut env)?;
                self.write_record(&created.server.record)?;
                *self.seeder.borrow_mut() = Some(generator).filter(|g| !g.is_finished());
            }
            created
        };
        let response = created.response(&site);
        let record = created.server.record.clone();
        *self.server.borrow_mut() = Some(created.server);
        self.after_record_change(&record).await;
        reply::from_core(response).map_err(|e| internal("response", e))
    }

    /// Makes a big seed's next resources for up to `SEED_SLICE_MS` (500), then writes the
    /// record's progress. `None` when no seed is filling the server, else whether it is done.
    fn seed_slice(&self) -> Option<bool> {
        let mut seeder = self.seeder.borrow_mut();
        let generator = seeder.as_mut()?;
        let mut slot = self.server.borrow_mut();
        let Some(server) = slot.as_mut() else {
            return None; // loaded again by the next request or alarm
        };
        let base_url = EDGE.scim_base("http://localhost", &server.record.id);
        let mut ids = self.ids.borrow_mut();
        let mut env = CoreEnv {
            now_ms: now_ms(),
            base_url: &base_url,
            ids: &mut *ids,
        };
        // How long one slice runs before the object answers requests again.
        let slice = super::var(&self.env, "SEED_SLICE_MS", 500) as f64;
        if let Err(err) = seed_for(slice, server, generator, &mut env) {
            console_error!("the seed of '{}' failed: {}", server.record.id, err.detail);
            server.record.seeding = None;
        }
        let done = generator.is_finished() || server.record.seeding.is_none();
        if let Err(err) = self.write_record(&server.record) {
            console_error!("writing the seed's progress failed: {}", err.detail);
        }
        if done {
            *seeder = None;
        }
        Some(done)
    }

    /// Makes sure the server is in memory if it exists and has not expired (an expired one
    /// is wiped on the spot). Returns the load time if it loaded.
    async fn load(&self, now: i64) -> Fallible<Option<f64>> {
        if let Some(server) = self.server.borrow().as_ref() {
            if !server.record.is_expired(now) {
                return Ok(None);
            }
        }
        let started = js_sys::Date::now();
        let Some(record) = self.read_record()? else {
            *self.server.borrow_mut() = None;
            return Ok(None);
        };
        if record.is_expired(now) {
            self.wipe(&record.id).await?;
            return Ok(None);
        }
        let tenant = self.read_tenant(&record)?;
        let mut record = record;
        if record.seeding.is_some() && self.seeder.borrow().is_none() {
            // The object was evicted while a seed was filling it: its generator went with
            // it. What was made stays; the seed stops here, and says so in the log.
            console_error!(
                "the seed of '{}' stopped at {:?}",
                record.id,
                record.seeding
            );
            record.seeding = None;
            self.write_record(&record)?;
        }
        // A job left running by an evicted object goes on, should its alarm be lost.
        if self.job_running() {
            self.arm(&record).await;
        }
        *self.server.borrow_mut() = Some(Server { record, tenant });
        Ok(Some(js_sys::Date::now() - started))
    }

    fn read_record(&self) -> Fallible<Option<ServerRecord>> {
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
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| internal("reading the record", e))
    }

    /// How many resources a server may hold and still be mirrored in memory.
    fn mirror_limit(&self) -> usize {
        let limit = super::var(&self.env, "MIRROR_RESOURCES", MIRROR_LIMIT as u64);
        usize::try_from(limit).map_or(MIRROR_LIMIT, |n| n.min(MIRROR_LIMIT))
    }

    /// The server's tenant over this object's SQLite: nothing is read but counts and the
    /// version high-water mark, however many resources it holds.
    fn read_tenant(&self, record: &ServerRecord) -> Fallible<Tenant> {
        if self.legacy_rows()? {
            return self.migrate(record);
        }
        let mut tenant = Tenant::with_sql_mirrored(
            record.settings.clone(),
            Box::new(DoSql::new(self.state.storage().sql())),
            self.mirror_limit(),
        )?;
        self.limit(&mut tenant, record);
        Ok(tenant)
    }

    /// The deployment's limit (the engine refuses growth past it before writing anything)
    /// and the server's identity, wherever a tenant is built.
    fn limit(&self, tenant: &mut Tenant, record: &ServerRecord) {
        tenant.set_capacity(Some(policy(&self.env).max_resources));
        tenant.set_identity(Some(record.identity()));
    }

    /// Whether resources are still in the table scimlet kept before the engine's SQLite
    /// store (one JSON row each, reloaded whole on every wake).
    fn legacy_rows(&self) -> Fallible<bool> {
        let sql = self.state.storage().sql();
        let cursor = sql
            .exec("SELECT 1 FROM resources LIMIT 1", None)
            .map_err(|e| internal("reading storage", e))?;
        Ok(cursor.raw().next().is_some())
    }

    /// Moves a server stored the old way (at most the old cap of 20,000 rows) into the
    /// engine's store, in one transaction: all moved, or nothing.
    fn migrate(&self, record: &ServerRecord) -> Fallible<Tenant> {
        let mut old = Tenant::new(record.settings.clone())?;
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
            old.load(stored)?;
        }
        let mut server = Server {
            record: record.clone(),
            tenant: old,
        };
        self.replace_tenant(&mut server, None)?;
        Ok(server.tenant)
    }

    /// Makes the stored resources exactly those of `server.tenant` (a tenant built in
    /// memory: a new server, a reset, an import, a migration), writes the record if given,
    /// all in one transaction, and leaves `server.tenant` over SQLite.
    fn replace_tenant(&self, server: &mut Server, record: Option<&ServerRecord>) -> Fallible<()> {
        let settings = server.record.settings.clone();
        let built = core::mem::replace(&mut server.tenant, Tenant::new(settings.clone())?);
        // The built tenant goes as its resources are collected, so each is moved, not copied.
        let resources: Vec<Arc<Value>> = built.resources().collect();
        drop(built);
        let record = record
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| internal("encoding", e))?;
        let storage = self.state.storage();
        let mirror_limit = self.mirror_limit();
        let mut tenant = self.atomically(move || {
            let sql = storage.sql();
            SqlStore::wipe(&DoSql::new(storage.sql()))
                .map_err(|e| internal("writing to storage", e.message))?;
            let mut tenant = Tenant::with_sql_mirrored(
                settings,
                Box::new(DoSql::new(storage.sql())),
                mirror_limit,
            )?;
            for resource in resources {
                tenant.load(Arc::try_unwrap(resource).unwrap_or_else(|r| Value::clone(&r)))?;
            }
            sql_exec(&sql, DELETE_ALL_RESOURCES, Vec::new())
                .map_err(|e| internal("writing to storage", e))?;
            if let Some(record) = record {
                sql_exec(&sql, UPSERT_RECORD, alloc::vec![record.into()])
                    .map_err(|e| internal("writing to storage", e))?;
            }
            Ok(tenant)
        })?;
        self.limit(&mut tenant, &server.record);
        server.tenant = tenant;
        Ok(())
    }

    /// Runs `f` inside `storage.transactionSync`: everything it wrote commits if it
    /// returns `Ok`, nothing if it fails.
    fn atomically<T: 'static>(&self, f: impl FnOnce() -> Fallible<T> + 'static) -> Fallible<T> {
        let storage = self.state.storage();
        let raw: &JsValue = storage.as_raw().as_ref();
        let run: js_sys::Function =
            js_sys::Reflect::get(raw, &JsValue::from_str("transactionSync"))
                .ok()
                .and_then(|f| f.dyn_into().ok())
                .ok_or_else(|| internal("storage", "transactionSync is missing"))?;
        let out: Rc<RefCell<Option<Fallible<T>>>> = Rc::new(RefCell::new(None));
        let slot = out.clone();
        let body = Closure::once(move || -> core::result::Result<JsValue, JsValue> {
            let result = f();
            let failed = result.is_err();
            *slot.borrow_mut() = Some(result);
            if failed {
                // Throwing is what rolls the transaction back.
                Err(JsValue::from(js_sys::Error::new("rolled back")))
            } else {
                Ok(JsValue::UNDEFINED)
            }
        });
        let called = run.call1(raw, body.as_ref());
        let result = out.borrow_mut().take();
        match (called, result) {
            (_, Some(Err(e))) => Err(e),
            (Ok(_), Some(Ok(value))) => Ok(value),
            (Err(e), _) => Err(storage_error(&js_error_text(&e))),
            (Ok(_), None) => Err(internal("storage", "the transaction did not run")),
        }
    }

    /// Writes the server's record (its settings, tokens, seeding progress). Resources are
    /// not written here: the tenant's store writes them as the engine goes.
    fn write_record(&self, record: &ServerRecord) -> Fallible<()> {
        let record = serde_json::to_string(record).map_err(|e| internal("encoding", e))?;
        self.transaction(move |sql| sql_exec(sql, UPSERT_RECORD, alloc::vec![record.into()]))
    }

    /// [`ScimServer::atomically`] for writes made with the object's `SqlStorage` that fail
    /// with a message: all commit, or none.
    fn transaction(
        &self,
        f: impl FnOnce(&SqlStorage) -> core::result::Result<(), String> + 'static,
    ) -> Fallible<()> {
        let sql = self.state.storage().sql();
        self.atomically(move || f(&sql).map_err(|text| storage_error(&text)))
    }

    /// Deletes everything: resources, record, alarm, registry entries.
    async fn wipe(&self, id: &str) -> Fallible<()> {
        let digests = self
            .read_record()
            .ok()
            .flatten()
            .map(|r| r.token_digests)
            .unwrap_or_default();
        self.transaction(|sql| {
            SqlStore::wipe(&DoSql::new(sql.clone())).map_err(|e| e.message)?;
            sql_exec(sql, DELETE_ALL_RESOURCES, Vec::new())?;
            for table in ["files", "file_chunks", "jobs", "job_reports"] {
                sql_exec(sql, &format!("DELETE FROM {table}"), Vec::new())?;
            }
            sql_exec(sql, "DELETE FROM meta", Vec::new())
        })?;
        *self.input.borrow_mut() = None;
        *self.server.borrow_mut() = None;
        if let Err(e) = self.state.storage().delete_alarm().await {
            console_error!("deleting the alarm of '{id}' failed: {e}");
        }
        match self.env.kv(REGISTRY) {
            Ok(kv) => {
                if let Err(e) = kv.delete(id).await {
                    console_error!("removing '{id}' from the registry failed: {e}");
                }
                for digest in &digests {
                    if let Err(e) = kv.delete(&super::root::token_key(digest)).await {
                        console_error!("removing a token of '{id}' from the registry failed: {e}");
                    }
                }
            }
            Err(e) => console_error!("registry binding: {e}"),
        }
        Ok(())
    }

    /// The alarm at the earlier of the expiry and, while a job runs, now; none if neither.
    async fn arm(&self, record: &ServerRecord) {
        let storage = self.state.storage();
        let next_step = (self.job_running() || self.seeder.borrow().is_some()).then(now_ms);
        let at = match (record.expires_ms, next_step) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let alarm = match at {
            Some(at) => {
                let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
                storage.set_alarm(ScheduledTime::new(date)).await
            }
            None => storage.delete_alarm().await,
        };
        if let Err(e) = alarm {
            console_error!("setting the alarm of '{}' failed: {e}", record.id);
        }
    }

    /// After the record changed: the expiry alarm and the registry copy follow it. Failures
    /// are logged, not answered: the object's own record is the truth.
    async fn after_record_change(&self, record: &ServerRecord) {
        self.arm(record).await;
        if let Err(e) = publish(&self.env, record).await {
            console_error!("publishing '{}' to the registry failed: {e}", record.id);
        }
    }
}

/// Writes the registry copy of a record to KV (without its key), with the listing fields
/// as metadata, and an entry per token digest naming the server (what a server token
/// presented at the origin's root is found by).
async fn publish(env: &Env, record: &ServerRecord) -> Result<()> {
    let kv = env.kv(REGISTRY)?;
    let text = serde_json::to_string(&record.public())
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    // KV refuses expirations less than 60 s ahead; the alarm does the exact removal.
    let expiration = record.expires_ms.map(|at| {
        let floor = now_ms() / 1000 + 60;
        u64::try_from((at / 1000).max(floor)).unwrap_or(u64::MAX)
    });
    for digest in &record.token_digests {
        let mut put = kv.put(&super::root::token_key(digest), record.id.as_str())?;
        if let Some(at) = expiration {
            put = put.expiration(at);
        }
        put.execute().await?;
    }
    let metadata = json!({ "createdMs": record.created_ms, "expiresMs": record.expires_ms });
    let mut put = kv.put(&record.id, text)?.metadata(metadata)?;
    if let Some(at) = expiration {
        put = put.expiration(at);
    }
    put.execute().await?;
    Ok(())
}

/// Makes a seed's next resources for up to `budget_ms`, a step of [`SEED_STEP`] between
/// looks at the clock; each resource is written by the tenant's store as it is made.
fn seed_for(
    budget_ms: f64,
    server: &mut Server,
    generator: &mut Generator,
    env: &mut CoreEnv<'_>,
) -> Fallible<()> {
    let started = js_sys::Date::now();
    while !generator.is_finished() && js_sys::Date::now() - started < budget_ms {
        env.now_ms = now_ms();
        drop(admin::seed(server, generator, SEED_STEP, env)?);
    }
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

fn set_header(resp: &mut Response, name: &str, value: &str) -> Fallible<()> {
    resp.headers_mut()
        .set(name, value)
        .map_err(|e| internal("response", e))
}

/// The SCIM error for a storage write's failure: 413 for a row too large (as this host
/// says it, or as SQLite does), else 500.
fn storage_error(text: &str) -> ScimError {
    if let Some(size) = text.strip_prefix(TOOBIG) {
        too_big(size.trim().parse().unwrap_or(0))
    } else if text.contains("TOOBIG") || text.contains("too big") {
        too_big(0)
    } else {
        internal("writing to storage", text)
    }
}

/// 413 for a resource too large for one storage row; the transaction stored nothing.
fn too_big(bytes: usize) -> ScimError {
    let size = if bytes > 0 {
        format!(" ({bytes} bytes of JSON)")
    } else {
        String::new()
    };
    ScimError::new(
        413,
        None,
        format!(
            "a resource is too large to store{size}: a server here stores at most \
             {MAX_ROW_BYTES} bytes per resource; nothing was changed"
        ),
    )
}
