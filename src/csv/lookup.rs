//! Finding resources by what people call them (a user name, a group's name), and the
//! names of resources by their ids, through the engine's own list query: an indexed probe
//! for unique attributes, and it works on whichever store holds the tenant.

use super::key_attribute;
use crate::error::{Result, ScimError};
use crate::filter::{AttrPath, CompareOp, Filter, Literal};
use crate::project::Projection;
use crate::query::{list, ListParams};
use crate::tenant::Tenant;
use crate::value::{Text, Value};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// `attr eq "value"`, or `attr.sub eq "value"` for `attr.sub`.
fn equals(path: &str, value: &str) -> Filter {
    let (name, sub) = match path.split_once('.') {
        Some((name, sub)) => (name, Some(sub.to_string())),
        None => (path, None),
    };
    Filter::Compare(
        AttrPath {
            urn: None,
            name: name.to_string(),
            sub,
        },
        CompareOp::Eq,
        Literal::String(value.to_string()),
    )
}

/// Every `(path, value)` condition at once.
fn all_equal(conditions: &[(&str, &str)]) -> Option<Filter> {
    conditions
        .iter()
        .map(|(path, value)| equals(path, value))
        .reduce(|all, next| Filter::And(Box::new(all), Box::new(next)))
}

/// The resources of a type matching every `(path, value)` condition: up to `limit` of
/// them (in id order, with the attributes asked for) and how many match in all.
pub(crate) fn select(
    tenant: &Tenant,
    resource_type: &str,
    conditions: &[(&str, &str)],
    attributes: &[&str],
    limit: usize,
    base_url: &str,
) -> Result<(Vec<Value>, usize)> {
    page(
        tenant,
        resource_type,
        all_equal(conditions),
        attributes,
        limit,
        base_url,
    )
}

/// The next resources of a type in id order after `after` (from the first without it),
/// up to `limit`, as a client would see them with these attributes; only those matching
/// `only` when given.
pub(crate) fn after(
    tenant: &Tenant,
    resource_type: &str,
    after: Option<&str>,
    only: Option<&Filter>,
    attributes: &[&str],
    limit: usize,
    base_url: &str,
) -> Result<Vec<Value>> {
    let filter = after.map(|id| {
        Filter::Compare(
            AttrPath {
                urn: None,
                name: "id".to_string(),
                sub: None,
            },
            CompareOp::Gt,
            Literal::String(id.to_string()),
        )
    });
    let filter = match (filter, only) {
        (Some(walk), Some(only)) => Some(Filter::And(Box::new(walk), Box::new(only.clone()))),
        (walk, only) => walk.or_else(|| only.cloned()),
    };
    page(tenant, resource_type, filter, attributes, limit, base_url).map(|(found, _)| found)
}

fn page(
    tenant: &Tenant,
    resource_type: &str,
    filter: Option<Filter>,
    attributes: &[&str],
    limit: usize,
    base_url: &str,
) -> Result<(Vec<Value>, usize)> {
    let type_index = tenant.type_index(resource_type).ok_or_else(|| {
        ScimError::not_found(format!("this server serves no {resource_type} resources"))
    })?;
    let params = ListParams {
        filter,
        start_index: 1,
        count: Some(limit),
        projection: Projection {
            attributes: attributes.iter().map(|a| a.to_string()).collect(),
            excluded: Vec::new(),
            sets: Vec::new(),
        },
        ..ListParams::default()
    };
    let mut page = list(tenant, &[type_index], &params, base_url)?;
    let total = page
        .get("totalResults")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let resources = match page.get_mut("Resources").map(Value::take) {
        Some(Value::Array(resources)) => resources,
        _ => Vec::new(),
    };
    Ok((resources, total))
}

/// The id of the one resource matching the conditions; `None` if none does; an error
/// naming `what` if several do.
pub(crate) fn the_one(
    tenant: &Tenant,
    resource_type: &str,
    conditions: &[(&str, &str)],
    what: &dyn Fn() -> String,
    base_url: &str,
) -> Result<Option<Text>> {
    let (found, total) = select(tenant, resource_type, conditions, &["id"], 1, base_url)?;
    if total > 1 {
        return Err(ScimError::new(
            409,
            None,
            format!("{} matches {total} resources; it must name one", what()),
        ));
    }
    Ok(found
        .first()
        .and_then(|r| r.get("id"))
        .and_then(Value::as_str)
        .map(Text::new))
}

/// The id of the resource of a type a cell names by its key (`userName`, else
/// `displayName`); `None` if there is none.
pub(crate) fn by_key(
    tenant: &Tenant,
    resource_type: &str,
    name: &str,
    base_url: &str,
) -> Result<Option<Text>> {
    let key = key_attribute(resource_type);
    the_one(
        tenant,
        resource_type,
        &[(key, name)],
        &|| format!("{resource_type} {key} \"{name}\""),
        base_url,
    )
}

/// The key (`userName`, else `displayName`) of the resource of a type with this id.
pub(crate) fn key_of(
    tenant: &Tenant,
    resource_type: &str,
    id: &str,
    base_url: &str,
) -> Option<String> {
    let key = key_attribute(resource_type);
    let (found, _) = select(tenant, resource_type, &[("id", id)], &[key], 1, base_url).ok()?;
    found
        .first()
        .and_then(|r| r.get(key))
        .and_then(Value::as_str)
        .map(String::from)
}

/// One id per name, in order, or an error naming the first unknown name.
pub(crate) fn ids_by_key(
    tenant: &Tenant,
    resource_type: &str,
    names: &[&str],
    base_url: &str,
) -> Result<Vec<Text>> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        match by_key(tenant, resource_type, name, base_url)? {
            Some(id) => ids.push(id),
            None => {
                return Err(ScimError::invalid_value(format!(
                    "no {resource_type} has {} \"{name}\"",
                    key_attribute(resource_type)
                )))
            }
        }
    }
    Ok(ids)
}
