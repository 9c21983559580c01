//! Browser host: the engine for a page or a Service Worker, through `wasm-bindgen`.
//!
//! The JavaScript side (`www/js/local-host.js`) owns everything a browser owns: routing
//! `/sandbox/...` URLs, IndexedDB, the clock (`Date.now()`), the CSPRNG and the
//! Service Worker life cycle. This module only adapts values across the boundary: one
//! [`Server`] per sandbox server wraps a [`Tenant`], requests come in as plain strings and
//! bytes, and every answer carries the change set as `[type, id, storedJson]` triples so the
//! host can write it to IndexedDB in one transaction. No SCIM rule lives here.

use crate::admin;
use crate::env::{Env, UuidIds};
use crate::error::ScimError;
use crate::generate::{populate, SeedSpec};
use crate::http::{Method, Request};
use crate::settings::Settings;
use crate::tenant::{ChangeSet, Tenant};
use crate::value::Value;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

/// One sandbox server: a tenant and its id source.
#[wasm_bindgen]
pub struct Server {
    tenant: Tenant,
    ids: UuidIds,
}

#[wasm_bindgen]
impl Server {
    /// An empty server from settings JSON (`""` or `"{}"` for the defaults). `id_seed` is
    /// eight or more random bytes from the host's CSPRNG, for fresh resource ids.
    #[wasm_bindgen(constructor)]
    pub fn new(settings_json: &str, id_seed: &[u8]) -> Result<Server, JsValue> {
        let settings = parse_settings(settings_json)?;
        let tenant = Tenant::new(settings).map_err(|e| error_value(&e))?;
        Ok(Server {
            tenant,
            ids: UuidIds::new(seed_from(id_seed)),
        })
    }

    /// A server rebuilt from an export (`{"settings": ..., "resources": [...]}`), as
    /// `PUT /api/servers/{id}/import` does. Throws a SCIM error object on bad input.
    pub fn import(export_json: &str, id_seed: &[u8]) -> Result<Server, JsValue> {
        let value = crate::value::from_str(export_json).map_err(|e| {
            error_value(&ScimError::invalid_syntax(alloc::format!(
                "the import is not valid JSON: {e}"
            )))
        })?;
        let tenant = Tenant::import(&value).map_err(|e| error_value(&e))?;
        Ok(Server {
            tenant,
            ids: UuidIds::new(seed_from(id_seed)),
        })
    }

    /// Adds stored resources (JSON strings, as written from earlier change sets) without
    /// validation: how the host rebuilds a server from IndexedDB. Returns how many loaded.
    pub fn load(&mut self, stored: Vec<String>) -> Result<u32, JsValue> {
        reserve_heap(stored.iter().map(String::len).sum());
        let mut loaded = 0u32;
        for json in &stored {
            let value = crate::value::from_str(json).map_err(|e| {
                error_value(&ScimError::new(
                    500,
                    None,
                    alloc::format!("a stored resource is not valid JSON: {e}"),
                ))
            })?;
            self.tenant.load(value).map_err(|e| error_value(&e))?;
            loaded = loaded.saturating_add(1);
        }
        Ok(loaded)
    }

    /// Handles one SCIM request. `path` is below the SCIM base (`/Users/2819c223`) and
    /// `query` has no `?`. Returns `{status, headers: [[name, value]], body: Uint8Array,
    /// upserted: [[type, id, json]], deleted: [[type, id]]}`.
    #[allow(clippy::too_many_arguments)]
    pub fn handle(
        &mut self,
        method: &str,
        path: &str,
        query: &str,
        if_match: Option<String>,
        if_none_match: Option<String>,
        content_type: Option<String>,
        body: Vec<u8>,
        now_ms: f64,
        base_url: &str,
    ) -> Result<JsValue, JsValue> {
        let request = Request {
            method: Method::parse(method),
            path: path.into(),
            query: query.into(),
            if_match,
            if_none_match,
            content_type,
            body,
        };
        let mut env = Env {
            now_ms: now_ms as i64,
            base_url,
            ids: &mut self.ids,
        };
        let outcome = self.tenant.handle(&request, &mut env);
        let result = changes_value(&outcome.changes)?;
        set(&result, "status", &outcome.response.status.into())?;
        set(&result, "headers", &header_pairs(&outcome.response.headers))?;
        set(
            &result,
            "body",
            &Uint8Array::from(outcome.response.body.as_slice()),
        )?;
        Ok(result.into())
    }

    /// Fills the server with generated data (`SeedSpec` JSON, e.g. `{"users": 100}`).
    /// Returns `{upserted, deleted}` like [`Server::handle`].
    pub fn populate(
        &mut self,
        seed_spec_json: &str,
        now_ms: f64,
        base_url: &str,
    ) -> Result<JsValue, JsValue> {
        let spec: SeedSpec =
            serde_json::from_str(empty_as_object(seed_spec_json)).map_err(|e| {
                error_value(&ScimError::invalid_syntax(alloc::format!(
                    "invalid seed: {e}"
                )))
            })?;
        let mut env = Env {
            now_ms: now_ms as i64,
            base_url,
            ids: &mut self.ids,
        };
        let changes = populate(&mut self.tenant, &spec, &mut env).map_err(|e| error_value(&e))?;
        Ok(changes_value(&changes)?.into())
    }

    /// Every stored resource as `[type, id, json]` triples: what the host writes after
    /// an import replaced the whole server.
    pub fn stored(&self) -> Result<Array, JsValue> {
        let all = Array::new();
        for value in self.tenant.resources() {
            all.push(stored_triple(value)?.as_ref());
        }
        Ok(all)
    }

    /// The whole server as JSON (`Tenant::export`).
    pub fn export(&self) -> String {
        self.tenant.export().to_string()
    }

    /// Resource counts per type name, as a JSON object.
    pub fn counts(&self) -> String {
        serde_json::to_string(&self.tenant.counts()).unwrap_or_else(|_| "{}".into())
    }

    /// The settings as JSON.
    pub fn settings(&self) -> String {
        serde_json::to_string(self.tenant.settings()).unwrap_or_else(|_| "{}".into())
    }

    /// Applies new settings JSON; stored resources are kept.
    pub fn configure(&mut self, settings_json: &str) -> Result<(), JsValue> {
        let settings = parse_settings(settings_json)?;
        self.tenant.configure(settings).map_err(|e| error_value(&e))
    }
}

/// The SCIM Error body (RFC 7644 section 3.12) for a host-level failure such as a
/// missing token or an unknown server, so the host answers exactly like the engine.
#[wasm_bindgen(js_name = scimErrorBody)]
pub fn scim_error_body(status: u16, detail: &str) -> String {
    ScimError::new(status, None, detail).to_json().to_string()
}

/// Checks a server id (1-64 characters of `[A-Za-z0-9_-]`); throws the SCIM error
/// object (status 400) when it is not one.
#[wasm_bindgen(js_name = checkServerId)]
pub fn check_server_id(id: &str) -> Result<(), JsValue> {
    if admin::valid_server_id(id) {
        return Ok(());
    }
    Err(error_value(&ScimError::bad_request(alloc::format!(
        "invalid server id {id:?}: use 1 to {} characters of A-Z, a-z, 0-9, '-' and '_'",
        admin::MAX_SERVER_ID_LEN
    ))))
}

/// A new token from the host's random bytes (32 give 256 bits), and its digest: the
/// only form it is stored in. Returns `[token, digest]`.
#[wasm_bindgen(js_name = newToken)]
pub fn new_token(random: &[u8]) -> Array {
    let token = admin::token_from_random_bytes(random);
    let digest = admin::token_digest(&token);
    Array::of2(&token.into(), &digest.into())
}

/// Whether an `Authorization` header (`Bearer <token>`, or HTTP Basic with the token as
/// password) carries a token whose digest is among `digests`, compared as at the edge.
#[wasm_bindgen]
pub fn authorized(authorization: Option<String>, digests: Vec<String>) -> bool {
    let Some(token) = authorization
        .as_deref()
        .and_then(admin::token_from_authorization)
    else {
        return false;
    };
    let record = admin::ServerRecord {
        id: String::new(),
        token_digests: digests,
        created_ms: 0,
        expires_ms: None,
        settings: Settings::default(),
    };
    record.accepts(&token)
}

/// The 401 answer of the edge (SCIM Error body, `WWW-Authenticate` challenge), as
/// `{status, headers, body}`.
#[wasm_bindgen]
pub fn unauthorized(detail: &str) -> Result<JsValue, JsValue> {
    let response = admin::unauthorized(detail);
    let result = Object::new();
    set(&result, "status", &response.status.into())?;
    set(&result, "headers", &header_pairs(&response.headers))?;
    set(&result, "body", &Uint8Array::from(response.body.as_slice()))?;
    Ok(result.into())
}

fn header_pairs(headers: &[(String, String)]) -> Array {
    let pairs = Array::new();
    for (name, value) in headers {
        pairs.push(&Array::of2(&name.into(), &value.into()));
    }
    pairs
}

fn parse_settings(json: &str) -> Result<Settings, JsValue> {
    Settings::from_json(empty_as_object(json).as_bytes()).map_err(|e| error_value(&e))
}

fn empty_as_object(json: &str) -> &str {
    if json.trim().is_empty() {
        "{}"
    } else {
        json
    }
}

/// Grows the wasm heap once, to about what `json_bytes` of stored JSON will take as parsed
/// values, before loading them. Left to grow on demand, the allocator asks the runtime for
/// memory in thousands of small steps, which made loading 10,000 users two to four times
/// slower in V8. The block is freed at once and the allocator reuses it.
/// A failed reservation is fine: loading then grows the heap as it goes.
fn reserve_heap(json_bytes: usize) {
    const PARSED_PER_JSON_BYTE: usize = 7;
    const MOST: usize = 1 << 30;
    let mut block: Vec<u8> = Vec::new();
    let _ = block.try_reserve_exact(json_bytes.saturating_mul(PARSED_PER_JSON_BYTE).min(MOST));
    drop(core::hint::black_box(block));
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
        return Err(error_value(&ScimError::new(
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

/// A SCIM error as a plain JS object (`{schemas, status, scimType?, detail}`) to throw.
fn error_value(error: &ScimError) -> JsValue {
    js_sys::JSON::parse(&error.to_json().to_string())
        .unwrap_or_else(|_| JsValue::from_str(&error.detail))
}
