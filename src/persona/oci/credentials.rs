//! What an identity domain does on a write, beyond SCIM:
//! - every resource records who wrote it (`idcsCreatedBy` once, `idcsLastModifiedBy` on
//!   every write) and gets an `ocid`; read-only values survive a PUT;
//! - a new user gets the capabilities of a new domain (every `canUse*` on) unless sent;
//! - a credential belongs to an existing user (named by `user.value` or `user.ocid`) whose
//!   capability allows its kind, else 400 as the domain answers;
//! - an API key's `fingerprint` is computed from its PEM `key` (and is unique);
//! - an app's client id (`name`), its client secret and a credential's secret are
//!   generated from the server's key ([`super::keyed`]), stored as digests like every
//!   write-only value, and shown once, in the creation answer ([`reveal`]).

use super::ident::{client_id, resource_ocid, tenancy};
use super::keyed::mac;
use super::schemas::{credential_kind, CAPABILITIES, CAPABILITY_FLAGS};
use crate::encoding::{base64_encode, hex};
use crate::error::{Result, ScimError};
use crate::persona::{Caller, Identity};
use crate::schema::{Mutability, ResourceSchema};
use crate::tenant::Tenant;
use crate::value::{Map, Text, Value};
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Top-level read-only attributes a write never sets from client input, kept on PUT.
const KEEP_ON_UPDATE: [&str; 2] = ["ocid", "idcsCreatedBy"];

/// Before a create's checks: a credential's user and capability, an API key's
/// fingerprint, a user's default capabilities. A no-op outside an identity domain.
pub(crate) fn prepare(tenant: &Tenant, rs: &ResourceSchema, value: &mut Value) -> Result<()> {
    if !crate::persona::active(tenant) {
        return Ok(());
    }
    if rs.name == "User" {
        default_capabilities(rs, value);
        return Ok(());
    }
    let Some(kind) = credential_kind(&rs.name) else {
        return Ok(());
    };
    let user = owner(tenant, value)?;
    let allowed = user
        .get(CAPABILITIES)
        .and_then(|c| c.get(kind.capability))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let user_name = user.get("userName").and_then(Value::as_str).unwrap_or("");
    if !allowed {
        return Err(ScimError::invalid_value(format!(
            "user {user_name} cannot hold {}: its capability {} is false",
            kind.endpoint.trim_start_matches('/'),
            kind.capability
        )));
    }
    let user_id = user.get("id").and_then(Value::as_str).unwrap_or("");
    let display = user
        .get("displayName")
        .and_then(Value::as_str)
        .unwrap_or(user_name);
    let mut owner = Map::with_capacity(4);
    owner.insert("value", Value::from(user_id));
    owner.insert("ocid", Value::from(user_ocid(tenant, user_id)));
    owner.insert("display", Value::from(display));
    owner.insert("name", Value::from(user_name));
    let user_name = String::from(user_name);
    let Some(obj) = value.as_object_mut() else {
        return Ok(());
    };
    obj.insert("user", Value::Object(owner));
    match kind.name {
        "ApiKey" => {
            let pem = obj.get("key").and_then(Value::as_str).unwrap_or("");
            let fingerprint = super::signature::fingerprint(pem)?;
            obj.insert("fingerprint", Value::from(fingerprint));
        }
        "UserDbCredential" => {
            obj.insert("dbUserName", Value::from(user_name));
        }
        _ => {}
    }
    obj.entry("status").or_insert_with(|| Value::from("ACTIVE"));
    Ok(())
}

/// Every capability a new domain gives, where the client sent none.
fn default_capabilities(rs: &ResourceSchema, value: &mut Value) {
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    // Keys by reference (`Text::const_new`): this runs for every user of a load.
    let flags = obj
        .entry(Text::const_new(CAPABILITIES))
        .or_insert_with(|| Value::Object(Map::with_capacity(CAPABILITY_FLAGS.len())));
    if let Some(flags) = flags.as_object_mut() {
        for flag in CAPABILITY_FLAGS {
            flags
                .entry(Text::const_new(flag))
                .or_insert(Value::Bool(true));
        }
    }
    let listed = obj
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|urns| urns.iter().any(|u| u.as_str() == Some(CAPABILITIES)));
    if !listed {
        crate::resource::list_schema(rs, obj, CAPABILITIES);
    }
}

/// The read-only values the domain stored on a resource (its OCID, writers, generated
/// non-secret values, a credential's user's display and name), as an export carries them:
/// what an import keeps although normalizing client input drops read-only attributes. Only
/// values of the right shape (text, or objects of text) are kept.
pub(crate) fn stored_read_only(rs: &ResourceSchema, resource: &Map) -> Vec<(Text, Value)> {
    let text_only = |v: &Value| match v {
        Value::String(_) => true,
        Value::Object(fields) => fields.values().all(Value::is_string),
        _ => false,
    };
    let mut out = Vec::new();
    for name in KEEP_ON_UPDATE
        .iter()
        .copied()
        .chain(["idcsLastModifiedBy"])
        .chain(kept_read_only(rs))
    {
        if let Some(value) = resource.get(name).filter(|v| text_only(v)) {
            out.push((Text::new(name), value.clone()));
        }
    }
    if credential_kind(&rs.name).is_some() {
        if let Some(Value::Object(user)) = resource.get("user") {
            let mut shown = Map::with_capacity(2);
            for sub in ["display", "name"] {
                if let Some(v) = user.get(sub).filter(|v| v.is_string()) {
                    shown.insert(sub, v.clone());
                }
            }
            out.push((Text::const_new("user"), Value::Object(shown)));
        }
    }
    out
}

/// Puts back what [`stored_read_only`] kept (a credential's `user` merges into the one
/// the import normalized).
pub(crate) fn restore(value: &mut Value, kept: Vec<(Text, Value)>) {
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    for (name, kept) in kept {
        match (obj.get_mut(&name), kept) {
            (Some(Value::Object(user)), Value::Object(shown)) if name == "user" => {
                for (k, v) in shown {
                    user.insert(k, v);
                }
            }
            (_, kept) if name != "user" => {
                obj.insert(name, kept);
            }
            _ => {}
        }
    }
}

/// The user a credential names by `user.value` (its id) or `user.ocid`: 400 if none.
fn owner(tenant: &Tenant, value: &Value) -> Result<Arc<Value>> {
    let named = value.get("user");
    let by_id = named
        .and_then(|u| u.get("value"))
        .and_then(Value::as_str)
        .and_then(|id| tenant.get("User", id));
    let found = by_id.or_else(|| {
        let ocid = named?.get("ocid")?.as_str()?;
        // An OCID is a digest of the id, so it is found by comparing: rare (clients send
        // `user.value`), and bounded by the users held.
        tenant
            .store
            .scan("User", None)
            .map(|found| found.record().value.clone())
            .find(|u| u.get("ocid").and_then(Value::as_str) == Some(ocid))
    });
    found.ok_or_else(|| {
        ScimError::invalid_value(
            "a credential needs user.value (or user.ocid) naming an existing user",
        )
    })
}

/// A user's OCID in this tenant.
pub(crate) fn user_ocid(tenant: &Tenant, user_id: &str) -> String {
    resource_ocid(server_id(tenant), "User", user_id)
}

fn server_id(tenant: &Tenant) -> &str {
    tenant
        .persona
        .identity
        .as_ref()
        .map_or("", |i| i.server_id.as_str())
}

/// After a write's checks: who wrote it, its OCID, kept read-only values (`old` on PUT
/// and PATCH) and, on create, generated values. A no-op outside an identity domain.
pub(crate) fn stamp(
    tenant: &Tenant,
    rs: &ResourceSchema,
    value: &mut Value,
    old: Option<&Value>,
    caller: Option<&Caller>,
) -> Result<()> {
    if !crate::persona::active(tenant) {
        return Ok(());
    }
    let domain = Caller::domain();
    let caller = caller.unwrap_or(&domain);
    let writer = writer_of(tenant, caller);
    let id = value.get("id").and_then(Value::as_str).unwrap_or("");
    let (generated, ocid) = match old {
        None => (
            generate(tenant, rs, id, value)?,
            Some(resource_ocid(server_id(tenant), &rs.name, id)),
        ),
        Some(_) => (Vec::new(), None),
    };
    let Some(obj) = value.as_object_mut() else {
        return Ok(());
    };
    match (old, ocid) {
        (Some(old), _) => {
            for name in KEEP_ON_UPDATE.iter().copied().chain(kept_read_only(rs)) {
                if let (false, Some(kept)) = (obj.contains_key(name), old.get(name)) {
                    obj.insert(name, kept.clone());
                }
            }
        }
        (None, ocid) => {
            obj.insert("ocid", Value::from(ocid.unwrap_or_default()));
            obj.insert("idcsCreatedBy", writer.clone());
        }
    }
    obj.insert("idcsLastModifiedBy", writer);
    for (name, value) in generated {
        obj.insert(name, value);
    }
    Ok(())
}

/// Read-only attributes of the type's own schema that a write stores (an app's `name`, an
/// API key's `fingerprint`): a PUT cannot send them, so they are kept.
fn kept_read_only(rs: &ResourceSchema) -> impl Iterator<Item = &str> {
    rs.core
        .attributes
        .iter()
        .filter(|a| a.mutability == Mutability::ReadOnly && !a.computed)
        .map(|a| a.name.as_str())
}

/// `idcsCreatedBy` / `idcsLastModifiedBy` for a caller, from the tenant's one-entry cache.
fn writer_of(tenant: &Tenant, caller: &Caller) -> Value {
    let Ok(mut cache) = tenant.persona.writer.try_borrow_mut() else {
        return writer_value(server_id(tenant), caller);
    };
    match cache.as_ref() {
        Some((cached, value)) if cached == caller => value.clone(),
        _ => {
            let value = writer_value(server_id(tenant), caller);
            *cache = Some((caller.clone(), value.clone()));
            value
        }
    }
}

/// `idcsCreatedBy` / `idcsLastModifiedBy` for a caller.
fn writer_value(server: &str, caller: &Caller) -> Value {
    let mut w = Map::with_capacity(4);
    w.insert("type", Value::from(caller.kind.as_str()));
    w.insert("value", Value::from(caller.id.as_str()));
    w.insert("display", Value::from(caller.display.as_str()));
    w.insert(
        "ocid",
        Value::from(resource_ocid(server, caller.kind.as_str(), &caller.id)),
    );
    Value::Object(w)
}

/// The values a new resource of this type gets from the domain.
fn generate(
    tenant: &Tenant,
    rs: &ResourceSchema,
    id: &str,
    value: &Value,
) -> Result<Vec<(&'static str, Value)>> {
    let mut out = Vec::new();
    match rs.name.as_str() {
        "App" => {
            out.push(("name", Value::from(client_id(server_id(tenant), id))));
            if value.get("active").is_none() {
                // A new app is inactive until `AppStatusChanger` activates it.
                out.push(("active", Value::Bool(false)));
            }
            if has_secret(value) {
                out.push((
                    "clientSecret",
                    Value::from(secret(tenant, rs, id, "clientSecret")?),
                ));
            }
        }
        "CustomerSecretKey" => {
            let key = identity(tenant)?;
            let access = mac(&key.key, &[b"accessKey", id.as_bytes()]);
            out.push((
                "accessKey",
                Value::from(hex(access.get(..20).unwrap_or_default())),
            ));
        }
        "SmtpCredential" => {
            let owner = value
                .get("user")
                .and_then(|u| u.get("ocid"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let name = format!("{owner}@{}.ax.com", tenancy(server_id(tenant)));
            out.push(("userName", Value::from(name)));
        }
        _ => {}
    }
    if let Some(attr) = credential_kind(&rs.name).and_then(|k| k.secret) {
        out.push((attr, Value::from(secret(tenant, rs, id, attr)?)));
    }
    Ok(out)
}

/// Whether an app gets a client secret: confidential and trusted clients do.
fn has_secret(app: &Value) -> bool {
    !matches!(
        app.get("clientType").and_then(Value::as_str),
        Some(t) if t.eq_ignore_ascii_case("public")
    )
}

fn identity(tenant: &Tenant) -> Result<&Identity> {
    tenant
        .persona
        .identity
        .as_ref()
        .filter(|i| !i.key.is_empty())
        .ok_or_else(|| {
            ScimError::new(
                500,
                None,
                "this server has no key to generate secrets with (the host never set its identity)",
            )
        })
}

/// The secret the domain generates for attribute `attr` of resource `id`, in the shape the
/// real one has.
pub(crate) fn secret(tenant: &Tenant, rs: &ResourceSchema, id: &str, attr: &str) -> Result<String> {
    let key = identity(tenant)?;
    let bytes = mac(
        &key.key,
        &[
            b"secret",
            rs.name.as_bytes(),
            id.as_bytes(),
            attr.as_bytes(),
        ],
    );
    Ok(match attr {
        // `idcscs-` and a UUID's shape, as identity domains show client secrets.
        "clientSecret" => {
            let h = hex(bytes.get(..16).unwrap_or_default());
            let part = |a: usize, b: usize| h.get(a..b).unwrap_or("");
            format!(
                "idcscs-{}-{}-{}-{}-{}",
                part(0, 8),
                part(8, 12),
                part(12, 16),
                part(16, 20),
                part(20, 32)
            )
        }
        // Auth tokens and SMTP passwords are 20 characters.
        "token" | "password" => base64_encode(&bytes).chars().take(20).collect(),
        _ => base64_encode(&bytes).trim_end_matches('=').into(),
    })
}

/// Adds the generated secrets to a creation answer's view of `stored`.
pub(crate) fn reveal(tenant: &Tenant, rs: &ResourceSchema, stored: &Value, view: &mut Value) {
    let id = stored.get("id").and_then(Value::as_str).unwrap_or("");
    let attr = match rs.name.as_str() {
        "App" if stored.get("clientSecret").is_some() => Some("clientSecret"),
        name => credential_kind(name).and_then(|k| k.secret),
    };
    let (Some(attr), Some(obj)) = (attr, view.as_object_mut()) else {
        return;
    };
    if let Ok(clear) = secret(tenant, rs, id, attr) {
        obj.insert(attr, Value::from(clear));
    }
}

#[cfg(test)]
mod tests;
