//! Placing a client's JSON into the canonical stored form, driven by the schema (RFC 7643).
//!
//! What a stored resource looks like after [`normalize_resource`]:
//! - attribute names in the schema's case (`USERNAME` -> `userName`, `emails[].Value` ->
//!   `emails[].value`), extension attributes inside an object keyed by the canonical
//!   extension URN, whether the client sent them that way, flattened
//!   (`"urn:...:enterprise:2.0:User:employeeNumber"`) or dotted (`"name.givenName"`);
//! - `schemas` = the core URN, then the URN of each extension present;
//! - no unassigned values: `null`, `""`, `[]` and `{}` are dropped, recursively;
//! - no read-only input (`id`, `meta`, `groups`, `manager.displayName`): the tenant owns
//!   those. Write-only `password` is kept; the projection never returns it;
//! - values of the declared type, with what real clients send accepted: `"False"` for a
//!   boolean, `"42"` for an integer, `12345` for a string, a bare string or a one-element
//!   array for a single-valued complex attribute (Entra's `manager`), plain strings for a
//!   multi-valued complex one (`"emails": ["a@example.com"]`);
//! - at most one `primary: true` per multi-valued attribute: the first is kept, later
//!   ones are set to `false`.
//!
//! Lenient by default (unknown attributes, unknown extension URNs and misspelt `schemas`
//! are dropped, any value is accepted for an attribute with canonical values); a strict
//! tenant rejects each of those with a 400.
//!
//! Values are converted to their types in [`super::coerce`]; the checks on whole
//! resources (required, immutable, strict `schemas` and canonical values) are in
//! [`super::checks`].

use super::checks::check_client_schemas;
use super::coerce::{coerce_simple, type_error};
use super::trail::{describe, Trail};
use super::{
    find_attr, find_attr_in, is_unassigned, AttrType, Attribute, Mutability, ResourceSchema,
    MAX_NESTING,
};
use crate::error::{Result, ScimError};
use crate::value::{Entry, Key, Map, Value};
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

/// Normalizes a client's resource body (POST or PUT) into canonical stored form.
/// Does not assign `id` or `meta` and does not check uniqueness (the tenant does).
///
/// Errors: 400 `invalidSyntax` when the body is not an object (or, strict, for unknown
/// attributes and extensions), 400 `invalidValue` for values of the wrong type (or,
/// strict, for values outside `canonicalValues` and unknown `schemas` URNs).
pub fn normalize_resource(rs: &ResourceSchema, input: Value, strict: bool) -> Result<Value> {
    let Value::Object(mut input) = input else {
        return Err(ScimError::invalid_syntax(format!(
            "a {} resource must be a JSON object",
            rs.name
        )));
    };
    if strict {
        let schemas = input
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("schemas"))
            .map(|(_, v)| v);
        check_client_schemas(rs, schemas)?;
    }
    // Most bodies already use canonical names: normalize their values where they are,
    // which keeps the client's maps and strings instead of allocating new ones.
    if normalize_top_level_in_place(rs, &mut input, strict)? {
        set_schemas(rs, &mut input);
        return Ok(Value::Object(input));
    }

    let mut out = Output {
        core: Map::new(),
        extensions: rs.extensions.iter().map(|_| Map::new()).collect(),
    };
    for (key, value) in input {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        place_top_level(rs, key, value, strict, &mut out)?;
    }
    let Output {
        core: mut resource,
        extensions,
    } = out;
    for (ext, attrs) in rs.extensions.iter().zip(extensions) {
        if !attrs.is_empty() {
            resource.insert(ext.schema.id.clone(), Value::Object(attrs));
        }
    }
    set_schemas(rs, &mut resource);
    Ok(Value::Object(resource))
}

/// Sets `schemas` to the core URN and the URN of each extension present, keeping the
/// client's array when it already says exactly that.
fn set_schemas(rs: &ResourceSchema, resource: &mut Map) {
    let expected = || {
        rs.schema_urns()
            .enumerate()
            .filter(|(i, urn)| *i == 0 || resource.get(urn).is_some_and(|v| !is_unassigned(v)))
    };
    if let Some(Value::Array(given)) = resource.get("schemas") {
        if given.len() == expected().count()
            && given
                .iter()
                .zip(expected())
                .all(|(g, (_, urn))| g.as_str() == Some(urn))
        {
            return;
        }
    }
    let schemas = expected()
        .map(|(_, urn)| Value::String(urn.into()))
        .collect();
    resource.insert("schemas", Value::Array(schemas));
}

/// Normalizes one attribute's value (a PATCH value, a sub-tree). `Ok(None)` means unassigned.
///
/// Applies the same names, types, shapes and primary rule as [`normalize_resource`];
/// read-only sub-attributes are dropped. Whether the attribute itself may be written is
/// the caller's decision.
pub fn normalize_value(attr: &Attribute, value: Value, strict: bool) -> Result<Option<Value>> {
    normalize_attr(attr, value, strict, &Trail::root(None, &attr.name))
}

/// The normalized resource being built: core and common attributes at the top level,
/// one object per extension (index of `rs.extensions`).
struct Output {
    core: Map,
    extensions: Vec<Map>,
}

/// Where the attributes of a map sit, for error messages.
#[derive(Clone, Copy)]
enum Parent<'a> {
    /// Top-level attributes, of the core (`None`) or of an extension (its URN).
    Top(Option<&'a str>),
    /// Sub-attributes of a complex value.
    Sub(&'a Trail<'a>),
}

impl<'a> Parent<'a> {
    fn trail(self, name: &'a str) -> Trail<'a> {
        match self {
            Parent::Top(urn) => Trail::root(urn, name),
            Parent::Sub(parent) => parent.child(name),
        }
    }
}

/// The fast path of [`normalize_resource`]: normalizes the values of a body whose keys
/// are all canonical (`schemas`, attribute names, extension URNs) where they are.
/// Returns `false` at the first key that needs the general path; values normalized so
/// far stay normalized, which is harmless because normalization is idempotent.
fn normalize_top_level_in_place(
    rs: &ResourceSchema,
    fields: &mut Map,
    strict: bool,
) -> Result<bool> {
    for (key, value) in fields.iter_mut() {
        if key == "schemas" {
            continue;
        }
        let attr = rs.top_level_exact(key);
        if let Some(attr) = attr {
            if attr.mutability == Mutability::ReadOnly {
                *value = Value::Null;
            } else {
                normalize_in_place(attr, value, strict, &Trail::root(None, &attr.name))?;
            }
            continue;
        }
        let Some(ext) = rs.extensions.iter().find(|e| e.schema.id == *key) else {
            return Ok(false);
        };
        match value {
            Value::Object(attrs) => {
                let urn = Parent::Top(Some(ext.schema.id.as_str()));
                if !normalize_fields_in_place(&ext.schema.attributes, attrs, strict, urn)? {
                    return Ok(false);
                }
                if attrs.is_empty() {
                    *value = Value::Null;
                }
            }
            v if is_unassigned(v) => *v = Value::Null,
            _ => return Ok(false),
        }
    }
    fields.retain(|_, v| !v.is_null());
    Ok(true)
}

/// Normalizes the values of a map whose keys are all canonical attribute names of
/// `attrs`, in place, dropping read-only and unassigned ones. Returns `false` at the
/// first key that is not (the caller then takes the general path; see
/// [`normalize_top_level_in_place`] on why that is harmless).
fn normalize_fields_in_place(
    attrs: &[Attribute],
    fields: &mut Map,
    strict: bool,
    parent: Parent<'_>,
) -> Result<bool> {
    for (key, value) in fields.iter_mut() {
        let Some(attr) = attrs.iter().find(|a| a.name == *key) else {
            return Ok(false);
        };
        if attr.mutability == Mutability::ReadOnly {
            *value = Value::Null;
        } else {
            normalize_in_place(attr, value, strict, &parent.trail(&attr.name))?;
        }
    }
    fields.retain(|_, v| !v.is_null());
    Ok(true)
}

/// Where an attribute name is looked up.
#[derive(Clone, Copy)]
enum Scope {
    /// Common and core attributes; when `qualified` is false (no URN prefix), an
    /// attribute only an extension defines is accepted too.
    Core { qualified: bool },
    /// The extension at this index of `rs.extensions`.
    Extension(usize),
}

fn starts_with_urn(key: &str) -> bool {
    key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
}

/// Places one top-level key of the input: a plain or dotted attribute name, a schema
/// URN holding an object, or a flattened URN-qualified attribute path.
fn place_top_level(
    rs: &ResourceSchema,
    key: Key,
    value: Value,
    strict: bool,
    out: &mut Output,
) -> Result<()> {
    if !starts_with_urn(&key) {
        return place(
            rs,
            Scope::Core { qualified: false },
            key,
            0,
            value,
            strict,
            out,
        );
    }
    let whole_object_scope = if let Some(i) = rs.extension_index(&key) {
        Some(Scope::Extension(i))
    } else if key.eq_ignore_ascii_case(&rs.core.id) {
        Some(Scope::Core { qualified: true })
    } else {
        None
    };
    if let Some(scope) = whole_object_scope {
        return match value {
            Value::Object(attrs) => {
                for (name, value) in attrs {
                    place(rs, scope, name, 0, value, strict, out)?;
                }
                Ok(())
            }
            v if is_unassigned(&v) => Ok(()),
            other => Err(ScimError::invalid_syntax(format!(
                "\"{key}\" must be a JSON object of that schema's attributes, got {}",
                describe(&other)
            ))),
        };
    }
    let (urn, rest) = rs.split_urn(&key);
    let scope = match urn {
        Some(urn) if urn.eq_ignore_ascii_case(&rs.core.id) => Some(Scope::Core { qualified: true }),
        Some(urn) => rs.extension_index(urn).map(Scope::Extension),
        None => None,
    };
    match scope {
        Some(scope) if !rest.is_empty() => {
            let start = key.len() - rest.len();
            place(rs, scope, key, start, value, strict, out)
        }
        _ if strict => Err(ScimError::invalid_syntax(format!(
            "unknown schema extension or attribute \"{key}\" for {}",
            rs.name
        ))),
        _ => Ok(()),
    }
}

/// Places the attribute path `key[start..]` (`name` or `name.sub`) found in `scope`.
fn place(
    rs: &ResourceSchema,
    scope: Scope,
    key: Key,
    start: usize,
    value: Value,
    strict: bool,
    out: &mut Output,
) -> Result<()> {
    let path = key.get(start..).unwrap_or_default();
    let (name, sub_name) = match path.split_once('.') {
        Some((name, sub)) => (name, Some(sub)),
        None => (path, None),
    };
    let Some((index, attr)) = lookup(rs, scope, name) else {
        return unknown_attribute(strict, path);
    };
    if attr.mutability == Mutability::ReadOnly {
        return Ok(());
    }
    let value = match sub_name {
        None => value,
        Some(sub_name) => {
            let Some(sub) = (attr.ty == AttrType::Complex)
                .then(|| attr.sub(sub_name))
                .flatten()
            else {
                return unknown_attribute(strict, path);
            };
            if sub.mutability == Mutability::ReadOnly {
                return Ok(());
            }
            let mut one = Map::new();
            one.insert(sub.name.clone(), value);
            Value::Object(one)
        }
    };
    let urn = index
        .and_then(|i| rs.extensions.get(i))
        .map(|e| e.schema.id.as_str());
    let Some(value) = normalize_attr(attr, value, strict, &Trail::root(urn, &attr.name))? else {
        return Ok(());
    };
    let target = match index {
        None => &mut out.core,
        Some(i) => match out.extensions.get_mut(i) {
            Some(target) => target,
            None => return Ok(()),
        },
    };
    // Reuse the client's key when it already is the canonical name (the usual case).
    let key = if start == 0 && key == attr.name {
        key
    } else {
        Key::from(attr.name.as_str())
    };
    merge(target, key, attr, value);
    Ok(())
}

/// Finds `name` in `scope`: `(None, attr)` for the top level, `(Some(i), attr)` for
/// extension `i`.
fn lookup<'a>(
    rs: &'a ResourceSchema,
    scope: Scope,
    name: &str,
) -> Option<(Option<usize>, &'a Attribute)> {
    match scope {
        Scope::Core { qualified } => find_attr_in(rs.top_level(), name)
            .map(|a| (None, a))
            .or_else(|| {
                if qualified {
                    return None;
                }
                rs.extensions
                    .iter()
                    .enumerate()
                    .find_map(|(i, e)| find_attr(&e.schema.attributes, name).map(|a| (Some(i), a)))
            }),
        Scope::Extension(i) => {
            let ext = rs.extensions.get(i)?;
            find_attr(&ext.schema.attributes, name).map(|a| (Some(i), a))
        }
    }
}

fn unknown_attribute(strict: bool, path: &str) -> Result<()> {
    if strict {
        Err(ScimError::invalid_syntax(format!(
            "unknown attribute \"{path}\""
        )))
    } else {
        Ok(())
    }
}

/// Adds a normalized value, merging with what an earlier spelling of the same attribute
/// placed (`name` and `name.givenName`, `emails` and `EMAILS`).
fn merge(target: &mut Map, key: Key, attr: &Attribute, value: Value) {
    match target.entry(key) {
        Entry::Vacant(slot) => {
            slot.insert(value);
        }
        Entry::Occupied(mut slot) => match (slot.get_mut(), value) {
            (Value::Object(old), Value::Object(new)) => old.extend(new),
            (Value::Array(old), Value::Array(new)) => {
                old.extend(new);
                enforce_one_primary(attr, old);
            }
            (old, new) => *old = new,
        },
    }
}

fn normalize_attr(
    attr: &Attribute,
    mut value: Value,
    strict: bool,
    at: &Trail<'_>,
) -> Result<Option<Value>> {
    normalize_in_place(attr, &mut value, strict, at)?;
    Ok((!value.is_null()).then_some(value))
}

/// Normalizes an attribute's value where it lies; `null` afterwards means unassigned.
///
/// In place because this runs for every value of every written resource: passing values
/// by value through each level moved them a dozen times, a third of normalization.
fn normalize_in_place(
    attr: &Attribute,
    value: &mut Value,
    strict: bool,
    at: &Trail<'_>,
) -> Result<()> {
    if at.depth > MAX_NESTING {
        return Err(ScimError::invalid_value(format!(
            "attribute \"{at}\" is nested too deeply"
        )));
    }
    match value {
        Value::Array(values) if attr.multi_valued => {
            for item in values.iter_mut() {
                if let Value::Array(_) = item {
                    return Err(type_error(attr, at, item));
                }
                normalize_one(attr, item, strict, at)?;
            }
            values.retain(|v| !v.is_null());
            if values.is_empty() {
                *value = Value::Null;
            } else {
                enforce_one_primary(attr, values);
            }
        }
        Value::Array(items) => {
            // A single-valued attribute sent as an array: Entra sends `manager` as
            // `[{"value": ...}]`. A complex value takes the first element; a simple one
            // only a lone element (several would silently lose data).
            let mut items = core::mem::take(items)
                .into_iter()
                .filter(|v| !is_unassigned(v));
            let first = items.next().unwrap_or_default();
            if attr.ty != AttrType::Complex && items.next().is_some() {
                return Err(ScimError::invalid_value(format!(
                    "attribute \"{at}\" is single-valued, got several values"
                )));
            }
            if let Value::Array(_) = first {
                return Err(type_error(attr, at, &first));
            }
            *value = first;
            normalize_one(attr, value, strict, at)?;
        }
        _ => {
            normalize_one(attr, value, strict, at)?;
            if attr.multi_valued && !value.is_null() {
                *value = Value::Array(vec![value.take()]);
            }
        }
    }
    Ok(())
}

/// One value (one element of a multi-valued attribute), never an array.
fn normalize_one(attr: &Attribute, value: &mut Value, strict: bool, at: &Trail<'_>) -> Result<()> {
    if attr.ty != AttrType::Complex {
        return coerce_simple(attr, value, strict, at);
    }
    match value {
        Value::Null => Ok(()),
        Value::Object(fields) => {
            normalize_complex(attr, fields, strict, at)?;
            if fields.is_empty() {
                *value = Value::Null;
            }
            Ok(())
        }
        Value::Array(_) => Err(type_error(attr, at, value)),
        _ => {
            // A bare value for a complex attribute means its `value` sub-attribute:
            // `"emails": ["a@example.com"]`, Entra's `"manager": "<id>"`.
            let Some(sub) = attr.sub("value") else {
                return Err(type_error(attr, at, value));
            };
            normalize_in_place(sub, value, strict, &at.child(&sub.name))?;
            if !value.is_null() {
                let mut fields = Map::with_capacity(1);
                fields.insert(sub.name.clone(), value.take());
                *value = Value::Object(fields);
            }
            Ok(())
        }
    }
}

/// Normalizes a complex value's sub-attributes; an empty map afterwards is unassigned.
fn normalize_complex(
    attr: &Attribute,
    fields: &mut Map,
    strict: bool,
    at: &Trail<'_>,
) -> Result<()> {
    if normalize_fields_in_place(&attr.sub_attributes, fields, strict, Parent::Sub(at))? {
        return Ok(());
    }
    let mut out = Map::new();
    for (key, mut value) in core::mem::take(fields) {
        let Some(sub) = attr.sub(&key) else {
            if strict {
                return Err(ScimError::invalid_syntax(format!(
                    "unknown attribute \"{at}.{key}\""
                )));
            }
            continue;
        };
        if sub.mutability == Mutability::ReadOnly {
            continue;
        }
        normalize_in_place(sub, &mut value, strict, &at.child(&sub.name))?;
        if !value.is_null() {
            let key = if key == sub.name {
                key
            } else {
                Key::from(sub.name.as_str())
            };
            out.insert(key, value);
        }
    }
    *fields = out;
    Ok(())
}

/// RFC 7643 section 2.4: "primary" true appears no more than once. The first one wins;
/// later ones become `false` (kept rather than removed, so the client's element still
/// says something about itself).
fn enforce_one_primary(attr: &Attribute, values: &mut [Value]) {
    let Some(primary) = attr.sub("primary").filter(|p| p.ty == AttrType::Boolean) else {
        return;
    };
    let mut seen = false;
    for value in values {
        if let Some(flag) = value.get_mut(primary.name.as_str()) {
            if *flag == Value::Bool(true) {
                if seen {
                    *flag = Value::Bool(false);
                }
                seen = true;
            }
        }
    }
}

#[cfg(test)]
mod tests;
