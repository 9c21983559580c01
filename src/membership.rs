//! Group membership (RFC 7643 sections 4.1 and 4.2): a Group's `members` are stored, a
//! User's `groups` are computed from them and never stored.
//!
//! Everything membership means lives here: the reverse index (member id -> ids of the
//! groups listing it) that the tenant keeps exact on every write, the computed `groups`
//! (rendered, and materialized for a filter that names them), members' `type`, `$ref`
//! and `display` on output, the check that members exist (strict tenants), and the
//! delete cascade (RFC 7644 section 3.6: a deleted resource leaves every group).

use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::filter::Filter;
use crate::http::location;
use crate::project::Projection;
use crate::schema::ResourceSchema;
use crate::tenant::{touch, ChangeSet, Tenant};
use crate::value::{Map, Text, Value};
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// The resource type whose `members` make groups.
pub(crate) const GROUP: &str = "Group";
/// A group's multi-valued attribute of members.
const MEMBERS: &str = "members";
/// The computed attribute listing the groups a resource is a direct member of.
const GROUPS: &str = "groups";

/// The `members[].value`s of a resource.
pub(crate) fn member_ids(resource: &Value) -> impl Iterator<Item = &str> {
    resource
        .get(MEMBERS)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("value").and_then(Value::as_str))
}

/// A strict tenant's groups list only resources it serves. Lenient tenants accept unknown
/// ids (conformance probes add members that do not exist).
pub(crate) fn check_members(tenant: &Tenant, rs: &ResourceSchema, value: &Value) -> Result<()> {
    if !tenant.settings.strict || rs.name != GROUP {
        return Ok(());
    }
    match member_ids(value).find(|member| tenant.type_of_id(member).is_none()) {
        Some(missing) => Err(ScimError::invalid_value(format!(
            "member {missing} does not exist"
        ))),
        None => Ok(()),
    }
}

/// Whether a type has the computed `groups`: its schema says so.
fn computes_groups(rs: &ResourceSchema) -> bool {
    rs.top_level_exact(GROUPS).is_some_and(|a| a.computed)
}

/// Whether a projection can include `groups` (a cheap pre-check, so listing
/// `attributes=id` computes nobody's groups).
pub(crate) fn groups_wanted(projection: &Projection) -> bool {
    let named = |list: &[String]| {
        list.iter().any(|a| {
            let a = a.rsplit(':').next().unwrap_or(a);
            let top = a.split(['.', '[']).next().unwrap_or(a);
            top.eq_ignore_ascii_case(GROUPS)
        })
    };
    (projection.attributes.is_empty() || named(&projection.attributes))
        && !named(&projection.excluded)
}

/// The computed `groups` of a resource: the groups listing it (direct membership), each
/// with `value`, `$ref`, `display` and `type`. `None` when there are none or groups are
/// not served.
fn groups(tenant: &Tenant, id: &str, base_url: &str) -> Option<Value> {
    let endpoint = &tenant.types.iter().find(|rs| rs.name == GROUP)?.endpoint;
    let groups: Vec<Value> = tenant
        .store
        .groups_of(id)
        .into_iter()
        .filter_map(|gid| {
            let group = tenant.get(GROUP, &gid)?;
            let mut entry = Map::with_capacity(4);
            entry.insert("$ref", Value::from(location(base_url, endpoint, &gid)));
            entry.insert("value", Value::String(gid));
            if let Some(display) = group.get("displayName") {
                entry.insert("display", display.clone());
            }
            entry.insert("type", Value::String(Text::const_new("direct")));
            Some(Value::Object(entry))
        })
        .collect();
    (!groups.is_empty()).then_some(Value::Array(groups))
}

/// Adds what membership computes to a rendered resource: its `groups` (when the type
/// computes them and `with_groups`), and each member's `type`, `$ref` and `display`
/// (for groups).
pub(crate) fn decorate(
    tenant: &Tenant,
    rs: &ResourceSchema,
    id: &str,
    view: &mut Value,
    with_groups: bool,
    base_url: &str,
) {
    if with_groups && computes_groups(rs) {
        if let (Some(groups), Some(obj)) = (groups(tenant, id, base_url), view.as_object_mut()) {
            obj.insert(GROUPS, groups);
        }
    }
    if rs.name == GROUP {
        if let Some(members) = view.get_mut(MEMBERS).and_then(Value::as_array_mut) {
            for m in members.iter_mut().filter_map(Value::as_object_mut) {
                fill_member(tenant, m, base_url);
            }
        }
    }
}

/// A member's `type` and `$ref` from the resource it names, and its `display` unless the
/// client gave one.
fn fill_member(tenant: &Tenant, member: &mut Map, base_url: &str) {
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
        .or_insert_with(|| Value::from(location(base_url, &rs.endpoint, &id)));
    if !member.contains_key("display") {
        if let Some(display) = tenant
            .get(&rs.name, &id)
            .and_then(|r| r.get("displayName").cloned())
        {
            member.insert("display", display);
        }
    }
}

/// Whether evaluating `filter` on resources of `rs` needs their computed `groups`.
pub(crate) fn filter_needs_groups(rs: &ResourceSchema, filter: &Filter) -> bool {
    computes_groups(rs) && filter.references(GROUPS)
}

/// A stored resource as a filter sees it: with its computed `groups` (only called when
/// [`filter_needs_groups`]).
pub(crate) fn filter_view<'v>(
    tenant: &Tenant,
    resource: &'v Value,
    base_url: &str,
) -> Cow<'v, Value> {
    let id = resource
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match groups(tenant, id, base_url) {
        Some(groups) => {
            let mut view = resource.clone();
            if let Some(obj) = view.as_object_mut() {
                obj.insert(GROUPS, groups);
            }
            Cow::Owned(view)
        }
        None => Cow::Borrowed(resource),
    }
}

/// RFC 7644 section 3.6: a deleted resource no longer appears in any group. Each group
/// that listed `id` loses that member and gets a new version.
pub(crate) fn detach(
    tenant: &mut Tenant,
    id: &str,
    env: &Env,
    changes: &mut ChangeSet,
) -> Result<()> {
    for group_id in tenant.store.groups_of(id) {
        let Some(group) = tenant.get(GROUP, &group_id) else {
            continue;
        };
        let mut updated = Value::clone(&group);
        if let Some(members) = updated.get_mut(MEMBERS).and_then(Value::as_array_mut) {
            members.retain(|m| m.get("value").and_then(Value::as_str) != Some(id));
        }
        let version = tenant.next_version();
        if let Some(meta) = updated.get_mut("meta").and_then(Value::as_object_mut) {
            touch(meta, version, env.now_ms);
        }
        tenant.put(GROUP, Arc::new(updated), changes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
