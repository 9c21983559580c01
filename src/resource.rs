//! Operations on one resource: create, read, replace (PUT), modify (PATCH), delete, and
//! rendering a stored resource for a client.
//!
//! Each operation validates against the type's schema, enforces uniqueness, mutability and
//! versions, then writes through [`Tenant::put`]/[`Tenant::remove`] so indexes and the
//! change set stay exact. `crate::operation` is their one caller for writes (direct
//! requests and Bulk alike).

use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::location;
use crate::json;
use crate::membership;
use crate::persona::Caller;
use crate::project::{Projection, ProjectionPlan};
use crate::schema::{check_immutable, check_required, normalize_resource};
use crate::schema::{Mutability, ResourceSchema};
use crate::tenant::{touch, ChangeSet, Tenant};
use crate::time::format_millis;
use crate::value::{Map, Text, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;

/// How many fresh ids to try before giving up: only a broken id source repeats itself.
const ID_ATTEMPTS: usize = 16;

/// `If-Match` / a Bulk operation's `version`: `*` or a list of entity tags. Weak and
/// strong forms of the same version match (RFC 7232 weak comparison).
pub(crate) fn check_if_match(current: &Value, if_match: Option<&str>) -> Result<()> {
    let Some(wanted) = if_match.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    if version_matches(current, wanted) {
        Ok(())
    } else {
        Err(ScimError::new(
            412,
            None,
            format!(
                "If-Match {wanted} does not match the current version {}",
                version_of(current)
            ),
        ))
    }
}

/// Whether an `If-Match`/`If-None-Match` list names the resource's current version.
pub(crate) fn version_matches(current: &Value, tags: &str) -> bool {
    let version = strip_weak(version_of(current));
    tags.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || strip_weak(tag) == version)
}

fn strip_weak(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"')
}

/// A stored resource's `meta.version`.
pub(crate) fn version_of(resource: &Value) -> &str {
    resource
        .pointer("/meta/version")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Creates a resource of `tenant.types[type_index]` from client JSON.
pub(crate) fn create(
    tenant: &mut Tenant,
    type_index: usize,
    input: Value,
    caller: Option<&Caller>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Arc<Value>> {
    tenant.check_room(1)?;
    let strict = tenant.settings.strict;
    let rs = schema_of(tenant, type_index)?;
    let mut value = normalize_resource(rs, input, strict)?;
    crate::persona::prepare(tenant, rs, &mut value)?;
    crate::schema::limits::check_value_counts(&value, tenant.settings.max_values_per_attribute)?;
    check_required(rs, &value)?;
    check_unique(tenant, rs, &value, None)?;
    membership::check_members(tenant, rs, &value)?;
    let id = fresh_id(tenant, &rs.name, env)?;
    let type_name = Text::new(&rs.name);
    let now = format_millis(env.now_ms);
    let version = tenant.next_version();
    if let Some(obj) = value.as_object_mut() {
        // `id` first: it is what every later lookup reads (and what people look for
        // first in a response). Room for both is usually there already: the body parser
        // leaves it in every resource.
        obj.reserve(2);
        obj.insert_first("id", Value::from(id));
        // Built directly: this runs once per created resource (json! goes through serde_json).
        let mut meta = Map::with_capacity(4);
        meta.insert("resourceType", Value::String(type_name.clone()));
        meta.insert("created", Value::String(now.clone()));
        meta.insert("lastModified", Value::String(now));
        meta.insert("version", Value::String(version.clone()));
        obj.insert("meta", Value::Object(meta));
    }
    let id = id_of(&value);
    let rs = schema_of(tenant, type_index)?;
    crate::persona::stamp(tenant, rs, &mut value, None, caller)?;
    crate::secret::seal(rs, &mut value, &id, &version);
    let stored = Arc::new(value);
    tenant.put(&type_name, stored.clone(), changes)?;
    Ok(stored)
}

/// A stored form's `id`.
fn id_of(value: &Value) -> Text {
    Text::new(value.get("id").and_then(Value::as_str).unwrap_or_default())
}

fn fresh_id(tenant: &Tenant, type_name: &str, env: &mut Env) -> Result<String> {
    for _ in 0..ID_ATTEMPTS {
        let id = env.ids.next_id(env.now_ms);
        if !id.is_empty() && tenant.get(type_name, &id).is_none() {
            return Ok(id);
        }
    }
    Err(ScimError::new(
        500,
        None,
        "the id source keeps returning ids already in use",
    ))
}

/// Looks a resource up or answers 404 naming it.
pub(crate) fn existing(tenant: &Tenant, type_index: usize, id: &str) -> Result<Arc<Value>> {
    let rs = schema_of(tenant, type_index)?;
    tenant
        .get(&rs.name, id)
        .ok_or_else(|| ScimError::not_found(format!("{} {id} not found", rs.name)))
}

/// A type's schema, by its index in the tenant.
fn schema_of(tenant: &Tenant, type_index: usize) -> Result<&ResourceSchema> {
    tenant
        .types
        .get(type_index)
        .ok_or_else(|| ScimError::not_found("no such resource type"))
}

/// The resource a write targets, with its type, after the `If-Match` check.
fn current<'t>(
    tenant: &'t Tenant,
    type_index: usize,
    id: &str,
    if_match: Option<&str>,
) -> Result<(Arc<Value>, &'t ResourceSchema)> {
    let old = existing(tenant, type_index, id)?;
    check_if_match(&old, if_match)?;
    Ok((old, schema_of(tenant, type_index)?))
}

/// What an update asks besides its data: the versions the target may have (`If-Match`)
/// and who asks (the persona's `idcsLastModifiedBy`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Asking<'a> {
    pub(crate) if_match: Option<&'a str>,
    pub(crate) caller: Option<&'a Caller>,
}

/// PUT: replaces a resource, keeping what the client may not change.
pub(crate) fn replace(
    tenant: &mut Tenant,
    type_index: usize,
    id: &str,
    input: Value,
    asking: Asking<'_>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Arc<Value>> {
    let (old, rs) = current(tenant, type_index, id, asking.if_match)?;
    let strict = tenant.settings.strict;
    let mut value = normalize_resource(rs, input, strict)?;
    keep_write_only(rs, &old, &mut value);
    if let (Some(obj), Some(id_value)) = (value.as_object_mut(), old.get("id")) {
        obj.insert_first("id", id_value.clone());
    }
    finish_update(tenant, type_index, &old, value, asking.caller, env, changes)
}

/// PATCH: applies a PatchOp body. A request that changes nothing keeps the version.
pub(crate) fn modify(
    tenant: &mut Tenant,
    type_index: usize,
    id: &str,
    body: &Value,
    asking: Asking<'_>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Arc<Value>> {
    let (old, rs) = current(tenant, type_index, id, asking.if_match)?;
    let new = crate::patch::apply(rs, &old, body, &tenant.settings)?;
    if new == *old {
        return Ok(old);
    }
    finish_update(tenant, type_index, &old, new, asking.caller, env, changes)
}

/// Write-only values (a `password`) cannot be read back, so a client doing GET-then-PUT
/// (Okta) never sends them: on PUT, absent means "unchanged", not "remove". Top-level
/// attributes of the core schema and of each extension.
fn keep_write_only(rs: &ResourceSchema, old: &Value, new: &mut Value) {
    let Some(obj) = new.as_object_mut() else {
        return;
    };
    let write_only = |a: &&crate::schema::Attribute| a.mutability == Mutability::WriteOnly;
    for attr in rs.top_level().filter(write_only) {
        if let Some(kept) = old.get(&attr.name) {
            obj.entry(attr.name.as_str())
                .or_insert_with(|| kept.clone());
        }
    }
    for ext in &rs.extensions {
        let urn = ext.schema.id.as_str();
        let Some(old_ext) = old.get(urn) else {
            continue;
        };
        for attr in ext.schema.attributes.iter().filter(write_only) {
            let Some(kept) = old_ext.get(&attr.name) else {
                continue;
            };
            if !obj.contains_key(urn) {
                obj.insert(urn, Value::Object(Map::new()));
                list_schema(rs, obj, urn);
            }
            if let Some(holder) = obj.get_mut(urn).and_then(Value::as_object_mut) {
                holder
                    .entry(attr.name.as_str())
                    .or_insert_with(|| kept.clone());
            }
        }
    }
}

/// Adds an extension URN to a stored resource's `schemas`, in the type's schema order.
pub(crate) fn list_schema(rs: &ResourceSchema, resource: &mut Map, urn: &str) {
    let Some(schemas) = resource.get_mut("schemas").and_then(Value::as_array_mut) else {
        return;
    };
    let rank = |u: &str| rs.schema_urns().position(|known| known == u);
    let at = schemas
        .iter()
        .position(|s| s.as_str().and_then(rank) > rank(urn))
        .unwrap_or(schemas.len());
    schemas.insert(at, Value::from(urn));
}

/// The shared tail of PUT and PATCH: checks, new metadata, write.
fn finish_update(
    tenant: &mut Tenant,
    type_index: usize,
    old: &Value,
    mut value: Value,
    caller: Option<&Caller>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Arc<Value>> {
    let rs = schema_of(tenant, type_index)?;
    crate::schema::limits::check_value_counts(&value, tenant.settings.max_values_per_attribute)?;
    check_required(rs, &value)?;
    check_immutable(rs, old, &value)?;
    check_unique(tenant, rs, &value, Some(old))?;
    membership::check_members(tenant, rs, &value)?;
    let type_name = Text::new(&rs.name);
    let version = tenant.next_version();
    let mut meta = old
        .get("meta")
        .cloned()
        .unwrap_or_else(|| json!({ "resourceType": type_name }));
    if let Some(m) = meta.as_object_mut() {
        touch(m, version.clone(), env.now_ms);
        m.remove("location");
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("meta", meta);
    }
    let rs = schema_of(tenant, type_index)?;
    crate::persona::stamp(tenant, rs, &mut value, Some(old), caller)?;
    crate::secret::seal(rs, &mut value, &id_of(old), &version);
    let stored = Arc::new(value);
    tenant.put(&type_name, stored.clone(), changes)?;
    Ok(stored)
}

/// DELETE: removes a resource and its memberships in groups.
pub(crate) fn delete(
    tenant: &mut Tenant,
    type_index: usize,
    id: &str,
    if_match: Option<&str>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<()> {
    let (_, rs) = current(tenant, type_index, id, if_match)?;
    let type_name = Text::new(&rs.name);
    tenant.remove(&type_name, id, changes)?;
    membership::detach(tenant, id, env, changes)
}

/// 409 `uniqueness` when another resource of the type holds the value of one of its
/// unique attributes: one probe of that attribute's index each. A write that keeps a
/// value is not refused for it, so an older clash (duplicates loaded from storage, names
/// that became unique with a settings change) never blocks unrelated changes.
pub(crate) fn check_unique(
    tenant: &Tenant,
    rs: &ResourceSchema,
    value: &Value,
    old: Option<&Value>,
) -> Result<()> {
    let own_id = old.and_then(|o| o.get("id")).and_then(Value::as_str);
    let specs = tenant.store.specs(&rs.name);
    for (slot, spec) in specs.iter().enumerate().filter(|(_, s)| s.unique) {
        let Some(key) = spec.key(value) else {
            continue;
        };
        if old.is_some_and(|o| spec.key(o).as_deref() == Some(&*key)) {
            continue;
        }
        if tenant
            .store
            .by_key(&rs.name, slot, &key)
            .iter()
            .any(|i| Some(i.as_str()) != own_id)
        {
            let shown = match spec.value(value) {
                Some(Value::String(s)) => format!("\"{s}\""),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            return Err(ScimError::uniqueness(format!(
                "{} {shown} is already taken",
                spec.name()
            )));
        }
    }
    Ok(())
}

/// What a client sees of a stored resource: the projection (which also drops
/// write-only values), then `meta.location`, and what membership computes (`groups`,
/// members' `$ref`/`type`/`display`), each only where the projection kept room for it.
pub(crate) fn render(
    tenant: &Tenant,
    rs: &ResourceSchema,
    stored: &Value,
    projection: &Projection,
    base_url: &str,
) -> Value {
    render_with(
        tenant,
        rs,
        stored,
        &ProjectionPlan::new(rs, projection),
        membership::groups_wanted(projection),
        base_url,
    )
}

/// [`render`] with the projection resolved once (a list page renders many resources).
pub(crate) fn render_with(
    tenant: &Tenant,
    rs: &ResourceSchema,
    stored: &Value,
    plan: &ProjectionPlan<'_>,
    with_groups: bool,
    base_url: &str,
) -> Value {
    let mut view = plan.apply(stored);
    let id = stored.get("id").and_then(Value::as_str).unwrap_or_default();
    if let Some(meta) = view.get_mut("meta").and_then(Value::as_object_mut) {
        meta.insert(
            "location",
            Value::from(location(base_url, &rs.endpoint, id)),
        );
    }
    membership::decorate(tenant, rs, id, &mut view, with_groups, base_url);
    view
}
