//! Checks on values and resources beyond their types: required attributes (create and
//! replace), immutable ones (replace and PATCH), and what a strict tenant enforces on
//! input (`schemas` listing the resource's URNs, `canonicalValues`).
//!
//! Strings that are not `caseExact` compare as filters and uniqueness compare them
//! ([`crate::fold`]): an immutable `"É"` may be sent back as `"é"`.

use super::trail::{clip, Trail};
use super::{is_unassigned, AttrType, Attribute, Mutability, ResourceSchema, MAX_NESTING};
use crate::error::{Result, ScimError};
use crate::value::{Map, Value};
use alloc::format;
use core::fmt;

/// Checks required attributes (core and required extensions) of a normalized resource:
/// 400 `invalidValue` naming the first one missing. Read-only attributes are skipped (the
/// service provider assigns them); sub-attributes are checked in each value present;
/// an extension's required attributes only when the extension is present or required.
pub fn check_required(rs: &ResourceSchema, resource: &Value) -> Result<()> {
    let Value::Object(resource) = resource else {
        return Err(ScimError::invalid_syntax(format!(
            "a {} resource must be a JSON object",
            rs.name
        )));
    };
    check_required_in(&rs.core.attributes, resource, None, None)?;
    for ext in &rs.extensions {
        let urn = ext.schema.id.as_str();
        match resource.get(urn) {
            Some(Value::Object(attrs)) if !attrs.is_empty() => {
                check_required_in(&ext.schema.attributes, attrs, Some(urn), None)?
            }
            _ if ext.required => {
                return Err(ScimError::invalid_value(format!(
                    "extension \"{urn}\" is required"
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Rejects changes to `immutable` attributes that already had a value (400 `mutability`).
///
/// Checked: immutable top-level attributes (core, common, extensions) and immutable
/// sub-attributes of single-valued complex attributes. An immutable attribute that had a
/// value in `old` and is missing from `new` counts as a change. Sub-attributes of
/// multi-valued attributes (Group `members.value`) are immutable per element: replacing
/// the list is allowed.
pub fn check_immutable(rs: &ResourceSchema, old: &Value, new: &Value) -> Result<()> {
    let (Value::Object(old), Value::Object(new)) = (old, new) else {
        return Ok(());
    };
    check_immutable_in(&rs.common, old, new, None)?;
    check_immutable_in(&rs.core.attributes, old, new, None)?;
    for ext in &rs.extensions {
        let urn = ext.schema.id.as_str();
        if let Some(Value::Object(old_ext)) = old.get(urn) {
            let empty = Map::new();
            let new_ext = match new.get(urn) {
                Some(Value::Object(m)) => m,
                _ => &empty,
            };
            check_immutable_in(&ext.schema.attributes, old_ext, new_ext, Some(urn))?;
        }
    }
    Ok(())
}

/// Strict: a value of an attribute with `canonicalValues` must be one of them, ignoring
/// case ([`crate::fold`]) and kept as sent (400 `invalidValue`).
pub(super) fn check_canonical(attr: &Attribute, value: &str, at: &Trail<'_>) -> Result<()> {
    if attr.canonical_values.is_empty()
        || attr
            .canonical_values
            .iter()
            .any(|c| crate::fold::eq(c, value))
    {
        return Ok(());
    }
    Err(ScimError::invalid_value(format!(
        "attribute \"{at}\" must be one of {}, got \"{}\"",
        attr.canonical_values.join(", "),
        clip(value)
    )))
}

/// Strict: `schemas` must be an array of this type's URNs (ignoring case) that lists the
/// core one (400 `invalidValue`).
pub(super) fn check_client_schemas(rs: &ResourceSchema, schemas: Option<&Value>) -> Result<()> {
    let listing = || {
        ScimError::invalid_value(format!(
            "\"schemas\" must be an array listing \"{}\"",
            rs.core.id
        ))
    };
    let Some(Value::Array(urns)) = schemas else {
        return Err(listing());
    };
    let mut has_core = false;
    for urn in urns {
        let Value::String(urn) = urn else {
            return Err(listing());
        };
        if urn.eq_ignore_ascii_case(&rs.core.id) {
            has_core = true;
        } else if rs.extension_index(urn).is_none() {
            return Err(ScimError::invalid_value(format!(
                "unknown schema \"{}\" in \"schemas\" for {}",
                clip(urn),
                rs.name
            )));
        }
    }
    if has_core {
        Ok(())
    } else {
        Err(listing())
    }
}

fn has_required(attr: &Attribute) -> bool {
    attr.mutability != Mutability::ReadOnly
        && (attr.required || attr.sub_attributes.iter().any(has_required))
}

fn check_required_in(
    attrs: &[Attribute],
    values: &Map,
    urn: Option<&str>,
    parent: Option<&Trail<'_>>,
) -> Result<()> {
    for attr in attrs.iter().filter(|a| has_required(a)) {
        let trail = match parent {
            Some(parent) => parent.child(&attr.name),
            None => Trail::root(urn, &attr.name),
        };
        if trail.depth > MAX_NESTING {
            return Ok(());
        }
        let value = values.get(attr.name.as_str()).filter(|v| !is_unassigned(v));
        let Some(value) = value else {
            if attr.required {
                return Err(ScimError::invalid_value(format!(
                    "attribute \"{trail}\" is required"
                )));
            }
            continue;
        };
        let elements = match value {
            Value::Array(items) => items.as_slice(),
            one => core::slice::from_ref(one),
        };
        for element in elements {
            if let Value::Object(fields) = element {
                check_required_in(&attr.sub_attributes, fields, urn, Some(&trail))?;
            }
        }
    }
    Ok(())
}

/// Whether two values of one attribute are the same: strings ignoring case unless
/// `caseExact` ([`crate::fold`], as filters and uniqueness compare them), anything else
/// exactly.
fn same_value(attr: &Attribute, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) if attr.ty == AttrType::String && !attr.case_exact => {
            crate::fold::eq(a, b)
        }
        _ => a == b,
    }
}

fn immutable_error(urn: Option<&str>, path: fmt::Arguments<'_>) -> ScimError {
    let prefix = urn.map(|u| format!("{u}:")).unwrap_or_default();
    ScimError::mutability(format!(
        "attribute \"{prefix}{path}\" is immutable: it already has a value, which cannot be changed"
    ))
}

fn check_immutable_in(attrs: &[Attribute], old: &Map, new: &Map, urn: Option<&str>) -> Result<()> {
    for attr in attrs {
        let name = attr.name.as_str();
        let Some(before) = old.get(name).filter(|v| !is_unassigned(v)) else {
            continue;
        };
        let after = new.get(name).filter(|v| !is_unassigned(v));
        if attr.mutability == Mutability::Immutable {
            if !after.is_some_and(|after| same_value(attr, before, after)) {
                return Err(immutable_error(urn, format_args!("{name}")));
            }
        } else if attr.ty == AttrType::Complex && !attr.multi_valued {
            for sub in &attr.sub_attributes {
                if sub.mutability != Mutability::Immutable {
                    continue;
                }
                let sub_name = sub.name.as_str();
                let Some(sub_before) = before.get(sub_name).filter(|v| !is_unassigned(v)) else {
                    continue;
                };
                let sub_after = after.and_then(|a| a.get(sub_name));
                if !sub_after.is_some_and(|a| same_value(sub, sub_before, a)) {
                    return Err(immutable_error(urn, format_args!("{name}.{sub_name}")));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
