//! Operations on one resource: create, read, replace (PUT), modify (PATCH), delete, and
//! rendering a stored resource for a client.
//!
//! Each operation validates against the type's schema, enforces uniqueness, mutability and
//! versions, then writes through [`Tenant::put`]/[`Tenant::remove`] so indexes and the
//! change set stay exact. HTTP routing and Bulk both call these; neither re-implements them.

use crate::column::fold;
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::json;
use crate::project::{Projection, ProjectionPlan};
use crate::schema::validate::{check_immutable, check_required, normalize_resource};
use crate::schema::{Container, ResourceSchema, Uniqueness};
use crate::tenant::{member_ids, meta_mut, ChangeSet, Tenant};
use crate::time::format_millis;
use crate::value::{Map, Text, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

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
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Arc<Value>> {
    let strict = tenant.settings.strict;
    let rs = schema_of(tenant, type_index)?;
    let mut value = normalize_resource(rs, input, strict)?;
    crate::schema::limits::check_value_counts(&value, tenant.settings.max_values_per_attribute)?;
    check_required(rs, &value)?;
    check_unique(tenant, rs, &value, None)?;
    check_members(tenant, rs, &value, strict)?;
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
        meta.insert("version", Value::String(version));
        obj.insert("meta", Value::Object(meta));
    }
    let stored = Arc::new(value);
    tenant.put(&type_name, stored.clone(), Some(changes), true);
    Ok(stored)
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
        .cloned()
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

/// PUT: replaces a resource, keeping what the client may not change.
pub(crate) fn replace(
    tenant: &mut Tenant,
    type_index: usize,
    id: &str,
    input: Value,
    if_match: Option<&str>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Arc<Value>> {
    let (old, rs) = current(tenant, type_index, id, if_match)?;
    let strict = tenant.settings.strict;
    let mut value = normalize_resource(rs, input, strict)?;
    // A write-only password cannot be read back, so a client doing GET-then-PUT (Okta)
    // never sends it: absent means "unchanged", not "remove".
    if let (Some(obj), Some(password)) = (value.as_object_mut(), old.get("password")) {
        obj.entry("password").or_insert_with(|| password.clone());
    }
    if let (Some(obj), Some(id_value)) = (value.as_object_mut(), old.get("id")) {
        obj.insert_first("id", id_value.clone());
    }
    finish_update(tenant, type_index, &old, value, env, changes)
}

/// PATCH: applies a PatchOp body. A request that changes nothing keeps the version.
pub(crate) fn modify(
    tenant: &mut Tenant,
    type_index: usize,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Arc<Value>> {
    let (old, rs) = current(tenant, type_index, id, if_match)?;
    let new = crate::patch::apply(rs, &old, body, &tenant.settings)?;
    if new == *old {
        return Ok(old);
    }
    finish_update(tenant, type_index, &old, new, env, changes)
}

/// The shared tail of PUT and PATCH: checks, new metadata, write.
fn finish_update(
    tenant: &mut Tenant,
    type_index: usize,
    old: &Value,
    mut value: Value,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Arc<Value>> {
    let strict = tenant.settings.strict;
    let rs = schema_of(tenant, type_index)?;
    crate::schema::limits::check_value_counts(&value, tenant.settings.max_values_per_attribute)?;
    check_required(rs, &value)?;
    check_immutable(rs, old, &value)?;
    let id = old
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    check_unique(tenant, rs, &value, Some(&id))?;
    check_members(tenant, rs, &value, strict)?;
    let type_name = Text::new(&rs.name);
    let version = tenant.next_version();
    let mut meta = old
        .get("meta")
        .cloned()
        .unwrap_or_else(|| json!({ "resourceType": type_name }));
    if let Some(m) = meta.as_object_mut() {
        m.insert("lastModified", Value::String(format_millis(env.now_ms)));
        m.insert("version", Value::String(version));
        m.remove("location");
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("meta", meta);
    }
    let stored = Arc::new(value);
    tenant.put(&type_name, stored.clone(), Some(changes), false);
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
    let old = existing(tenant, type_index, id)?;
    check_if_match(&old, if_match)?;
    let type_name = tenant
        .types
        .get(type_index)
        .map(|rs| rs.name.clone())
        .unwrap_or_default();
    tenant.remove(&type_name, id, changes);
    // RFC 7644 section 3.6: a deleted resource no longer appears in groups.
    let groups: Vec<String> = tenant
        .member_of
        .get(id)
        .map(|g| g.iter().map(String::from).collect())
        .unwrap_or_default();
    for group_id in groups {
        let Some(group) = tenant.get("Group", &group_id).cloned() else {
            continue;
        };
        let mut updated = Value::clone(&group);
        if let Some(members) = updated.get_mut("members").and_then(Value::as_array_mut) {
            members.retain(|m| m.get("value").and_then(Value::as_str) != Some(id));
        }
        let version = tenant.next_version();
        if let Some(meta) = meta_mut(&mut updated) {
            meta.insert("lastModified", Value::String(format_millis(env.now_ms)));
            meta.insert("version", Value::String(version));
        }
        tenant.put("Group", Arc::new(updated), Some(changes), false);
    }
    Ok(())
}

/// 409 `uniqueness` when another resource holds a value of a unique attribute.
/// `userName` uses the index; custom unique attributes fall back to a scan.
fn check_unique(
    tenant: &Tenant,
    rs: &ResourceSchema,
    value: &Value,
    own_id: Option<&str>,
) -> Result<()> {
    let Some(store) = tenant.stores.get(&rs.name) else {
        return Ok(());
    };
    let others = |ids: &crate::index::IdSet| ids.iter().any(|i| Some(i) != own_id);
    if rs.name == "User" {
        if let Some(name) = value.get("userName").and_then(Value::as_str) {
            if store.by_name.get(&fold(name)).is_some_and(others) {
                return Err(ScimError::uniqueness(format!(
                    "userName \"{name}\" is already taken"
                )));
            }
        }
    }
    let custom_unique = rs
        .core
        .attributes
        .iter()
        .map(|a| (Container::Core, a))
        .chain(rs.extensions.iter().flat_map(|e| {
            e.schema
                .attributes
                .iter()
                .map(move |a| (Container::Extension(e.schema.id.as_str()), a))
        }));
    for (container, attr) in custom_unique {
        if attr.uniqueness == Uniqueness::None
            || attr.multi_valued
            || (rs.name == "User" && attr.name == "userName")
        {
            continue;
        }
        // Borrowed, not cloned: this runs once per stored resource.
        let lookup = |r| container.get(r, &attr.name);
        let Some(mine) = lookup(value) else { continue };
        let clash = store.by_id.iter().any(|(id, row)| {
            let r = &row.value;
            Some(id) != own_id
                && lookup(r)
                    .is_some_and(|theirs| crate::filter::compare_values(attr, theirs, mine).is_eq())
        });
        if clash {
            return Err(ScimError::uniqueness(format!(
                "{} {mine} is already taken",
                attr.name
            )));
        }
    }
    Ok(())
}

/// Group members must be served resources when the tenant is strict. Lenient tenants
/// accept unknown ids (conformance probes add members that do not exist).
fn check_members(tenant: &Tenant, rs: &ResourceSchema, value: &Value, strict: bool) -> Result<()> {
    if !strict || rs.name != "Group" {
        return Ok(());
    }
    for member in member_ids(value) {
        if tenant.type_of_id(member).is_none() {
            return Err(ScimError::invalid_value(format!(
                "member {member} does not exist"
            )));
        }
    }
    Ok(())
}

/// What a client sees of a stored resource: the projection (which also drops
/// `password`), then `meta.location`, the computed `User.groups` and members'
/// `$ref`/`type`/`display`, each only where the projection kept room for it.
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
        wants(projection, "groups"),
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
    if let Some(meta) = meta_mut(&mut view) {
        meta.insert(
            "location",
            Value::from(format!("{base_url}{}/{id}", rs.endpoint)),
        );
    }
    if rs.name == "User" && with_groups {
        if let (Some(groups), Some(obj)) = (user_groups(tenant, id, base_url), view.as_object_mut())
        {
            obj.insert("groups", groups);
        }
    }
    if rs.name == "Group" {
        if let Some(members) = view.get_mut("members").and_then(Value::as_array_mut) {
            for m in members.iter_mut().filter_map(Value::as_object_mut) {
                fill_member_ref(tenant, m, base_url);
            }
        }
    }
    view
}

/// Whether a projection can include a top-level attribute (cheap pre-check, so listing
/// `attributes=id` does not compute every user's groups).
pub(crate) fn wants(projection: &Projection, name: &str) -> bool {
    let named = |list: &[String]| {
        list.iter().any(|a| {
            let a = a.rsplit(':').next().unwrap_or(a);
            let top = a.split(['.', '[']).next().unwrap_or(a);
            top.eq_ignore_ascii_case(name)
        })
    };
    (projection.attributes.is_empty() || named(&projection.attributes))
        && !named(&projection.excluded)
}

/// `User.groups`: the groups whose members include the user (direct membership).
pub(crate) fn user_groups(tenant: &Tenant, user_id: &str, base_url: &str) -> Option<Value> {
    let group_ids = tenant.member_of.get(user_id)?;
    let groups: Vec<Value> = group_ids
        .iter()
        .filter_map(|gid| {
            let group = tenant.get("Group", gid)?;
            let mut entry = Map::new();
            entry.insert("value", Value::String(gid.into()));
            entry.insert("$ref", Value::from(format!("{base_url}/Groups/{gid}")));
            if let Some(display) = group.get("displayName") {
                entry.insert("display", display.clone());
            }
            entry.insert("type", Value::String("direct".into()));
            Some(Value::Object(entry))
        })
        .collect();
    (!groups.is_empty()).then_some(Value::Array(groups))
}

fn fill_member_ref(tenant: &Tenant, member: &mut Map, base_url: &str) {
    let Some(id) = member
        .get("value")
        .and_then(Value::as_str)
        .map(String::from)
    else {
        return;
    };
    let Some(rs) = tenant.type_of_id(&id) else {
        return;
    };
    member
        .entry("type")
        .or_insert_with(|| Value::String(Text::new(&rs.name)));
    member
        .entry("$ref")
        .or_insert_with(|| Value::from(format!("{base_url}{}/{id}", rs.endpoint)));
    if !member.contains_key("display") {
        if let Some(display) = tenant.get(&rs.name, &id).and_then(|r| r.get("displayName")) {
            member.insert("display", display.clone());
        }
    }
}
