//! Client JSON -> canonical stored form, driven by the schema (RFC 7643).
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

use super::{find_attr, find_attr_in, AttrType, Attribute, Mutability, ResourceSchema};
use crate::error::{Result, ScimError};
use crate::value::Entry;
use crate::value::{Key, Map, Number, Text, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// How deeply complex attributes may nest in a schema. RFC 7643 allows one level
/// (sub-attributes are simple); custom schemas get some room, but data never drives
/// recursion deeper than this.
const MAX_NESTING: usize = 8;

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

fn extension_index(rs: &ResourceSchema, urn: &str) -> Option<usize> {
    rs.extensions
        .iter()
        .position(|e| e.schema.id.eq_ignore_ascii_case(urn))
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
    let whole_object_scope = if let Some(i) = extension_index(rs, &key) {
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
        Some(urn) => extension_index(rs, urn).map(Scope::Extension),
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

/// Where a value sits, for error messages: built on the stack as normalization descends,
/// rendered only when an error is reported.
struct Trail<'a> {
    parent: Option<&'a Trail<'a>>,
    /// The extension URN of a top-level extension attribute.
    urn: Option<&'a str>,
    name: &'a str,
    depth: usize,
}

impl<'a> Trail<'a> {
    fn root(urn: Option<&'a str>, name: &'a str) -> Self {
        Trail {
            parent: None,
            urn,
            name,
            depth: 0,
        }
    }
    fn child(&'a self, name: &'a str) -> Trail<'a> {
        Trail {
            parent: Some(self),
            urn: None,
            name,
            depth: self.depth + 1,
        }
    }
}

impl fmt::Display for Trail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}.")?;
        } else if let Some(urn) = self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(self.name)
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

/// Converts a simple value to the attribute's type, with the leniency real clients need;
/// an empty string becomes `null` (unassigned).
fn coerce_simple(attr: &Attribute, value: &mut Value, strict: bool, at: &Trail<'_>) -> Result<()> {
    let coerced = match (attr.ty, &*value) {
        (_, Value::Null) => return Ok(()),
        (_, Value::String(s)) if s.is_empty() => Value::Null,
        (AttrType::String, Value::String(s)) => {
            if strict {
                check_canonical(attr, s, at)?;
            }
            return Ok(());
        }
        // employeeNumber: 12345, a boolean custom flag sent into a string attribute.
        (AttrType::String, Value::Number(n)) => Value::String(Text::from(n.to_string())),
        (AttrType::String, Value::Bool(b)) => {
            Value::String(Text::new(if *b { "true" } else { "false" }))
        }
        (AttrType::Boolean, Value::Bool(_)) => return Ok(()),
        // Entra sends "False", "true".
        (AttrType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => {
            Value::Bool(true)
        }
        (AttrType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => {
            Value::Bool(false)
        }
        (AttrType::Integer, Value::Number(n)) => match integral(n) {
            Some(n) => Value::Number(n),
            None => return Err(type_error(attr, at, value)),
        },
        (AttrType::Integer, Value::String(s)) => match parse_integer(s.trim()) {
            Some(n) => Value::Number(n),
            None => return Err(type_error(attr, at, value)),
        },
        (AttrType::Decimal, Value::Number(_)) => return Ok(()),
        (AttrType::Decimal, Value::String(s)) => match parse_decimal(s.trim()) {
            Some(n) => Value::Number(n),
            None => return Err(type_error(attr, at, value)),
        },
        // The client's text is kept as is; filters compare it as an instant.
        (AttrType::DateTime, Value::String(s)) if crate::time::parse(s).is_some() => return Ok(()),
        (AttrType::Reference | AttrType::Binary, Value::String(_)) => return Ok(()),
        (_, other) => return Err(type_error(attr, at, other)),
    };
    *value = coerced;
    Ok(())
}

fn check_canonical(attr: &Attribute, value: &str, at: &Trail<'_>) -> Result<()> {
    if attr.canonical_values.is_empty()
        || attr
            .canonical_values
            .iter()
            .any(|c| c.eq_ignore_ascii_case(value))
    {
        return Ok(());
    }
    Err(ScimError::invalid_value(format!(
        "attribute \"{at}\" must be one of {}, got \"{}\"",
        attr.canonical_values.join(", "),
        clip(value)
    )))
}

/// A JSON number as an integer: integers as they are, integral floats (`5.0`) converted.
fn integral(n: &Number) -> Option<Number> {
    if n.is_i64() || n.is_u64() {
        return Some(n.clone());
    }
    let f = n.as_f64()?;
    // Within i64's range, a float is integral exactly when the cast round-trips.
    if (-9.0e18..=9.0e18).contains(&f) && (f as i64) as f64 == f {
        Some(Number::from(f as i64))
    } else {
        None
    }
}

fn parse_integer(text: &str) -> Option<Number> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Number::from(i));
    }
    text.parse::<u64>().ok().map(Number::from)
}

fn parse_decimal(text: &str) -> Option<Number> {
    if let Some(n) = parse_integer(text) {
        return Some(n);
    }
    // `f64::from_str` also reads "inf" and "NaN"; JSON has no such numbers.
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

fn type_name(ty: AttrType) -> &'static str {
    match ty {
        AttrType::String => "a string",
        AttrType::Boolean => "a boolean (true or false)",
        AttrType::Decimal => "a decimal number",
        AttrType::Integer => "an integer",
        AttrType::DateTime => "an xsd:dateTime such as \"2026-01-31T12:00:00Z\"",
        AttrType::Binary => "a base64 string",
        AttrType::Reference => "a reference (a URI string)",
        AttrType::Complex => "an object of sub-attributes",
    }
}

fn type_error(attr: &Attribute, at: &Trail<'_>, got: &Value) -> ScimError {
    ScimError::invalid_value(format!(
        "attribute \"{at}\" must be {}{}, got {}",
        type_name(attr.ty),
        if attr.multi_valued {
            " (or an array of them)"
        } else {
            ""
        },
        describe(got)
    ))
}

/// A short description of a JSON value for error messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("\"{}\"", clip(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The first 40 characters of a client's text, enough to recognize it.
fn clip(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

/// Unassigned per RFC 7643 section 2.5: null, an empty array, an empty object, and (as
/// clients use it to clear) the empty string.
fn is_unassigned(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn check_client_schemas(rs: &ResourceSchema, schemas: Option<&Value>) -> Result<()> {
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
        } else if extension_index(rs, urn).is_none() {
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
mod tests {
    use super::*;
    use crate::error::ScimType;
    use crate::json;
    use crate::schema::builtin::{self, ENTERPRISE_USER, GROUP, USER};
    use crate::schema::{Extension, Schema};
    use proptest::prelude::*;

    fn resource_type(name: &str) -> ResourceSchema {
        builtin::resource_type(name).expect("built-in resource type")
    }

    fn custom(def: Value) -> Attribute {
        crate::value::from_value(def).expect("attribute definition")
    }

    /// User with custom attributes of every simple type.
    fn user_with_typed_attributes() -> ResourceSchema {
        let mut rs = resource_type("User");
        rs.core.attributes.extend([
            custom(json!({"name": "badge", "type": "integer"})),
            custom(json!({"name": "score", "type": "decimal"})),
            custom(json!({"name": "hired", "type": "dateTime"})),
            custom(json!({"name": "certificate", "type": "binary"})),
            custom(json!({"name": "tags", "type": "string", "multiValued": true})),
        ]);
        rs
    }

    enum Expect {
        Stored(Value),
        Fails(ScimType, &'static str),
    }
    use Expect::{Fails, Stored};

    fn check_table(rs: &ResourceSchema, table: Vec<(&str, bool, Value, Expect)>) {
        for (name, strict, input, expected) in table {
            let got = normalize_resource(rs, input, strict);
            match (got, expected) {
                (Ok(got), Stored(want)) => assert_eq!(got, want, "{name}"),
                (Err(e), Fails(scim_type, detail)) => {
                    assert_eq!(
                        (e.status, e.scim_type),
                        (400, Some(scim_type)),
                        "{name}: {e}"
                    );
                    assert!(
                        e.detail.contains(detail),
                        "{name}: {:?} lacks {detail:?}",
                        e.detail
                    );
                }
                (Ok(got), Fails(..)) => panic!("{name}: expected an error, got {got}"),
                (Err(e), Stored(_)) => panic!("{name}: unexpected error {e}"),
            }
        }
    }

    fn rfc7643_enterprise_user() -> Value {
        // RFC 7643 section 8.3 (the section 8.2 full user plus the enterprise extension).
        json!({
          "schemas": [USER, ENTERPRISE_USER],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "701984",
          "userName": "bjensen@example.com",
          "name": {
            "formatted": "Ms. Barbara J Jensen, III",
            "familyName": "Jensen",
            "givenName": "Barbara",
            "middleName": "Jane",
            "honorificPrefix": "Ms.",
            "honorificSuffix": "III"
          },
          "displayName": "Babs Jensen",
          "nickName": "Babs",
          "profileUrl": "https://login.example.com/bjensen",
          "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
          ],
          "addresses": [
            {
              "streetAddress": "100 Universal City Plaza",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "USA",
              "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
              "type": "work",
              "primary": true
            },
            {
              "streetAddress": "456 Hollywood Blvd",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "USA",
              "formatted": "456 Hollywood Blvd\nHollywood, CA 91608 USA",
              "type": "home"
            }
          ],
          "phoneNumbers": [
            {"value": "555-555-5555", "type": "work"},
            {"value": "555-555-4444", "type": "mobile"}
          ],
          "ims": [{"value": "someaimhandle", "type": "aim"}],
          "photos": [
            {"value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo"},
            {"value": "https://photos.example.com/profilephoto/72930000000Ccne/T", "type": "thumbnail"}
          ],
          "userType": "Employee",
          "title": "Tour Guide",
          "preferredLanguage": "en-US",
          "locale": "en-US",
          "timezone": "America/Los_Angeles",
          "active": true,
          "password": "t1meMa$heen",
          "groups": [
            {
              "value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
              "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
              "display": "Tour Guides"
            }
          ],
          "x509Certificates": [{"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "organization": "Universal Studios",
            "division": "Theme Park",
            "department": "Tour Operations",
            "manager": {
              "value": "26118915-6090-4610-87e4-49d8ca9f808d",
              "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
              "displayName": "John Smith"
            }
          },
          "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "version": "W/\"3694e05e9dff591\"",
            "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
          }
        })
    }

    #[test]
    fn rfc7643_examples_normalize_to_themselves_minus_read_only() {
        let user = resource_type("User");
        let group = resource_type("Group");
        let minimal = json!({
            "schemas": [USER],
            "id": "2819c223-7f76-453a-919d-413861904646",
            "userName": "bjensen@example.com",
            "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
                     "lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3694e05e9dff590\"",
                     "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"}
        });
        let enterprise = rfc7643_enterprise_user();
        let mut enterprise_stored = enterprise.clone();
        for read_only in ["id", "meta", "groups"] {
            enterprise_stored.as_object_mut().unwrap().remove(read_only);
        }
        enterprise_stored[ENTERPRISE_USER]["manager"]
            .as_object_mut()
            .unwrap()
            .remove("displayName");
        let group_example = json!({
            "schemas": [GROUP],
            "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
            "displayName": "Tour Guides",
            "members": [
                {"value": "2819c223-7f76-453a-919d-413861904646",
                 "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
                 "display": "Babs Jensen"},
                {"value": "902c246b-6245-4190-8e05-00816be7344a",
                 "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a",
                 "display": "Mandy Pepperidge"}
            ],
            "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z"}
        });
        let mut group_stored = group_example.clone();
        group_stored.as_object_mut().unwrap().remove("id");
        group_stored.as_object_mut().unwrap().remove("meta");

        check_table(
            &user,
            vec![
                (
                    "section 8.1 minimal user",
                    false,
                    minimal.clone(),
                    Stored(json!({"schemas": [USER], "userName": "bjensen@example.com"})),
                ),
                (
                    "section 8.1 minimal user, strict",
                    true,
                    minimal,
                    Stored(json!({"schemas": [USER], "userName": "bjensen@example.com"})),
                ),
                (
                    "section 8.3 enterprise user",
                    false,
                    enterprise.clone(),
                    Stored(enterprise_stored.clone()),
                ),
                (
                    "section 8.3 enterprise user, strict",
                    true,
                    enterprise,
                    Stored(enterprise_stored),
                ),
            ],
        );
        check_table(
            &group,
            vec![(
                "section 8.4 group",
                true,
                group_example,
                Stored(group_stored),
            )],
        );
    }

    #[test]
    fn names_and_extensions_are_canonicalized() {
        let ent = ENTERPRISE_USER;
        let table = vec![
            (
                "attribute and sub-attribute names in any case",
                false,
                json!({"UserName": "ann", "EMAILS": [{"Value": "a@x.org", "TYPE": "work"}],
                    "Name": {"GIVENNAME": "Ann"}}),
                Stored(json!({"schemas": [USER], "userName": "ann",
                           "emails": [{"value": "a@x.org", "type": "work"}],
                           "name": {"givenName": "Ann"}})),
            ),
            (
                "extension object under a URN in another case",
                false,
                json!({"userName": "ann",
                    "URN:IETF:params:scim:schemas:extension:ENTERPRISE:2.0:user": {"EmployeeNumber": "42"}}),
                Stored(
                    json!({"schemas": [USER, ent], "userName": "ann", ent: {"employeeNumber": "42"}}),
                ),
            ),
            (
                "flattened URN-qualified extension keys (Entra, OCI)",
                false,
                json!({"userName": "ann",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value": "m1"}),
                Stored(json!({"schemas": [USER, ent], "userName": "ann",
                           ent: {"employeeNumber": "42", "manager": {"value": "m1"}}})),
            ),
            (
                "flattened keys merge with the extension object",
                false,
                json!({"userName": "ann", ent: {"department": "Ops"},
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42"}),
                Stored(json!({"schemas": [USER, ent], "userName": "ann",
                           ent: {"department": "Ops", "employeeNumber": "42"}})),
            ),
            (
                "URN-qualified core attribute",
                false,
                json!({"urn:ietf:params:scim:schemas:core:2.0:User:userName": "ann",
                    "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName": "Lee"}),
                Stored(
                    json!({"schemas": [USER], "userName": "ann", "name": {"familyName": "Lee"}}),
                ),
            ),
            (
                "core attributes under the core URN",
                false,
                json!({"urn:ietf:params:scim:schemas:core:2.0:User": {"userName": "ann"}}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "dotted keys merge into the complex value",
                false,
                json!({"userName": "ann", "name": {"familyName": "Lee"}, "name.givenName": "Ann",
                    "NAME.middleName": "J"}),
                Stored(json!({"schemas": [USER], "userName": "ann",
                           "name": {"familyName": "Lee", "givenName": "Ann", "middleName": "J"}})),
            ),
            (
                "unqualified extension attribute lands in its extension",
                false,
                json!({"userName": "ann", "employeeNumber": "7", "manager": "m1"}),
                Stored(json!({"schemas": [USER, ent], "userName": "ann",
                           ent: {"employeeNumber": "7", "manager": {"value": "m1"}}})),
            ),
            (
                "two spellings of one multi-valued attribute are concatenated, one primary",
                false,
                json!({"userName": "ann", "emails": [{"value": "a@x.org", "primary": true}],
                    "EMAILS": [{"value": "b@x.org", "primary": true}]}),
                Stored(json!({"schemas": [USER], "userName": "ann",
                           "emails": [{"value": "b@x.org", "primary": true},
                                      {"value": "a@x.org", "primary": false}]})),
            ),
        ];
        check_table(&resource_type("User"), table);
    }

    #[test]
    fn schemas_and_unknown_input_are_tolerated_unless_strict() {
        let ent = ENTERPRISE_USER;
        let oci_flag =
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User:bypassNotification";
        let table = vec![
            (
                "misspelt and unknown schema URNs are ignored",
                false,
                json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Usr", "urn:bogus"], "userName": "ann"}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "schemas that is not even an array is ignored",
                false,
                json!({"schemas": 5, "userName": "ann"}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "listed extension without attributes is not listed",
                false,
                json!({"schemas": [USER, ent], "userName": "ann", ent: {"employeeNumber": null}}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "extension present though unlisted is listed",
                false,
                json!({"schemas": [USER], "userName": "ann", ent: {"costCenter": "9"}}),
                Stored(
                    json!({"schemas": [USER, ent], "userName": "ann", ent: {"costCenter": "9"}}),
                ),
            ),
            (
                "OCI's unknown extension key is dropped",
                false,
                json!({"userName": "ann", oci_flag: true}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "unknown attributes and sub-attributes are dropped",
                false,
                json!({"userName": "ann", "foo": 1, "name": {"nickname2": "x"}, "name.bar": "y",
                    "userName.x": "z", ent: {"shoeSize": 9}}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "read-only input is ignored (Okta, Entra)",
                false,
                json!({"id": "client-id", "userName": "ann", "meta": {"created": "not a date"},
                    "groups": [], ent: {"manager": {"value": "m1", "displayName": "Boss"}},
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName": "B"}),
                Stored(
                    json!({"schemas": [USER, ent], "userName": "ann", ent: {"manager": {"value": "m1"}}}),
                ),
            ),
            (
                "write-only password is stored",
                false,
                json!({"userName": "ann", "password": "s3cret!"}),
                Stored(json!({"schemas": [USER], "userName": "ann", "password": "s3cret!"})),
            ),
            (
                "canonical values are not enforced",
                false,
                json!({"userName": "ann", "emails": [{"value": "a@x.org", "type": "Work2"}]}),
                Stored(
                    json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org", "type": "Work2"}]}),
                ),
            ),
            (
                "strict: canonical values match ignoring case, kept as given",
                true,
                json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org", "type": "WORK"}]}),
                Stored(
                    json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org", "type": "WORK"}]}),
                ),
            ),
            (
                "strict: value outside canonical values",
                true,
                json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org", "type": "Work2"}]}),
                Fails(
                    ScimType::InvalidValue,
                    "attribute \"emails.type\" must be one of work, home, other, got \"Work2\"",
                ),
            ),
            (
                "strict: unknown attribute",
                true,
                json!({"schemas": [USER], "userName": "ann", "foo": 1}),
                Fails(ScimType::InvalidSyntax, "unknown attribute \"foo\""),
            ),
            (
                "strict: unknown sub-attribute",
                true,
                json!({"schemas": [USER], "userName": "ann", "name": {"nickname2": "x"}}),
                Fails(
                    ScimType::InvalidSyntax,
                    "unknown attribute \"name.nickname2\"",
                ),
            ),
            (
                "strict: unknown dotted sub-attribute",
                true,
                json!({"schemas": [USER], "userName": "ann", "name.bar": "y"}),
                Fails(ScimType::InvalidSyntax, "unknown attribute \"name.bar\""),
            ),
            (
                "strict: unknown extension attribute",
                true,
                json!({"schemas": [USER, ent], "userName": "ann", ent: {"shoeSize": 9}}),
                Fails(ScimType::InvalidSyntax, "unknown attribute \"shoeSize\""),
            ),
            (
                "strict: unknown extension key",
                true,
                json!({"schemas": [USER], "userName": "ann", oci_flag: true}),
                Fails(ScimType::InvalidSyntax, oci_flag),
            ),
            (
                "strict: unknown schema URN",
                true,
                json!({"schemas": [USER, "urn:bogus"], "userName": "ann"}),
                Fails(ScimType::InvalidValue, "unknown schema \"urn:bogus\""),
            ),
            (
                "strict: core schema not listed",
                true,
                json!({"schemas": [ent], "userName": "ann"}),
                Fails(
                    ScimType::InvalidValue,
                    "must be an array listing \"urn:ietf:params:scim:schemas:core:2.0:User\"",
                ),
            ),
            (
                "strict: schemas missing",
                true,
                json!({"userName": "ann"}),
                Fails(ScimType::InvalidValue, "\"schemas\" must be an array"),
            ),
            (
                "strict: schema URNs match ignoring case",
                true,
                json!({"SCHEMAS": ["URN:ietf:params:scim:schemas:core:2.0:USER"], "userName": "ann"}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "body that is an array",
                false,
                json!([{"userName": "ann"}]),
                Fails(ScimType::InvalidSyntax, "must be a JSON object"),
            ),
            (
                "body that is a string",
                false,
                json!("ann"),
                Fails(ScimType::InvalidSyntax, "must be a JSON object"),
            ),
            (
                "extension that is not an object",
                false,
                json!({"userName": "ann", ent: "x"}),
                Fails(
                    ScimType::InvalidSyntax,
                    "must be a JSON object of that schema's attributes",
                ),
            ),
        ];
        check_table(&resource_type("User"), table);
    }

    #[test]
    fn unassigned_values_are_dropped() {
        let table = vec![
            (
                "null, empty string, empty array, empty object",
                false,
                json!({"userName": "ann", "displayName": null, "nickName": "", "emails": [],
                    "name": {}, "active": null}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "recursively inside complex values",
                false,
                json!({"userName": "ann", "phoneNumbers": [{"value": null, "type": ""}],
                    "addresses": [{}, {"locality": "Oslo", "region": null}],
                    "name": {"givenName": "", "familyName": null}}),
                Stored(
                    json!({"schemas": [USER], "userName": "ann", "addresses": [{"locality": "Oslo"}]}),
                ),
            ),
            (
                "null and empty elements of multi-valued attributes",
                false,
                json!({"userName": "ann", "emails": [null, "", {"value": "a@x.org"}]}),
                Stored(
                    json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org"}]}),
                ),
            ),
        ];
        check_table(&resource_type("User"), table);
    }

    #[test]
    fn types_are_coerced_with_real_client_leniency() {
        let ent = ENTERPRISE_USER;
        let table = vec![
            ("string booleans from Entra", false,
             json!({"userName": "ann", "active": "False", "emails": [{"value": "a@x.org", "primary": "TRUE"}]}),
             Stored(json!({"schemas": [USER], "userName": "ann", "active": false,
                           "emails": [{"value": "a@x.org", "primary": true}]}))),
            ("strings from numbers and booleans", false,
             json!({"userName": "ann", "displayName": true, ent: {"employeeNumber": 12345}}),
             Stored(json!({"schemas": [USER, ent], "userName": "ann", "displayName": "true",
                           ent: {"employeeNumber": "12345"}}))),
            ("integers from numbers and numeric strings", false,
             json!({"userName": "ann", "badge": " 42 "}),
             Stored(json!({"schemas": [USER], "userName": "ann", "badge": 42}))),
            ("integral float as integer", false,
             json!({"userName": "ann", "badge": 7.0}),
             Stored(json!({"schemas": [USER], "userName": "ann", "badge": 7}))),
            ("decimals from numbers and numeric strings", false,
             json!({"userName": "ann", "score": "2.5", "badge": -3}),
             Stored(json!({"schemas": [USER], "userName": "ann", "score": 2.5, "badge": -3}))),
            ("integer-looking decimal string stays an integer number", false,
             json!({"userName": "ann", "score": "3"}),
             Stored(json!({"schemas": [USER], "userName": "ann", "score": 3}))),
            ("dateTime text is kept as sent", false,
             json!({"userName": "ann", "hired": "2026-01-31T12:00:00+01:00"}),
             Stored(json!({"schemas": [USER], "userName": "ann", "hired": "2026-01-31T12:00:00+01:00"}))),
            ("binary and reference strings", false,
             json!({"userName": "ann", "certificate": "AAEC", "profileUrl": "https://x.org/ann"}),
             Stored(json!({"schemas": [USER], "userName": "ann", "certificate": "AAEC",
                           "profileUrl": "https://x.org/ann"}))),
            ("boolean from an unknown word", false, json!({"userName": "ann", "active": "yes"}),
             Fails(ScimType::InvalidValue, "attribute \"active\" must be a boolean (true or false), got \"yes\"")),
            ("boolean from a number", false, json!({"userName": "ann", "active": 1}),
             Fails(ScimType::InvalidValue, "attribute \"active\" must be a boolean")),
            ("string from an object", false, json!({"userName": {"first": "ann"}}),
             Fails(ScimType::InvalidValue, "attribute \"userName\" must be a string, got an object")),
            ("integer from a fraction", false, json!({"userName": "ann", "badge": 7.5}),
             Fails(ScimType::InvalidValue, "attribute \"badge\" must be an integer, got 7.5")),
            ("integer from a decimal string", false, json!({"userName": "ann", "badge": "7.0"}),
             Fails(ScimType::InvalidValue, "attribute \"badge\" must be an integer")),
            ("decimal from a word", false, json!({"userName": "ann", "score": "NaN"}),
             Fails(ScimType::InvalidValue, "attribute \"score\" must be a decimal number")),
            ("dateTime that is not one", false, json!({"userName": "ann", "hired": "yesterday"}),
             Fails(ScimType::InvalidValue, "attribute \"hired\" must be an xsd:dateTime")),
            ("dateTime from a number", false, json!({"userName": "ann", "hired": 1700000000}),
             Fails(ScimType::InvalidValue, "attribute \"hired\" must be an xsd:dateTime")),
            ("binary from a number", false, json!({"userName": "ann", "certificate": 5}),
             Fails(ScimType::InvalidValue, "attribute \"certificate\" must be a base64 string")),
            ("sub-attribute type error names the path", false,
             json!({"userName": "ann", "emails": [{"value": "a@x.org", "primary": "maybe"}]}),
             Fails(ScimType::InvalidValue, "attribute \"emails.primary\" must be a boolean")),
            ("extension type error names the URN", false,
             json!({"userName": "ann", ent: {"manager": {"value": {"id": 1}}}}),
             Fails(ScimType::InvalidValue,
                   "attribute \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value\" must be a string")),
        ];
        check_table(&user_with_typed_attributes(), table);
    }

    #[test]
    fn shapes_are_fixed_the_way_clients_mean_them() {
        let ent = ENTERPRISE_USER;
        let table = vec![
            (
                "single value for a multi-valued complex attribute",
                false,
                json!({"userName": "ann", "emails": {"value": "a@x.org"}}),
                Stored(
                    json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org"}]}),
                ),
            ),
            (
                "plain strings for a multi-valued complex attribute",
                false,
                json!({"userName": "ann", "emails": ["a@x.org", "b@x.org"], "phoneNumbers": "555"}),
                Stored(json!({"schemas": [USER], "userName": "ann",
                           "emails": [{"value": "a@x.org"}, {"value": "b@x.org"}],
                           "phoneNumbers": [{"value": "555"}]})),
            ),
            (
                "single value for a multi-valued simple attribute",
                false,
                json!({"userName": "ann", "tags": "blue"}),
                Stored(json!({"schemas": [USER], "userName": "ann", "tags": ["blue"]})),
            ),
            (
                "Entra manager as an array with $ref null",
                false,
                json!({"userName": "ann", ent: {"manager": [{"value": "m1", "$ref": null}, {"value": "m2"}]}}),
                Stored(
                    json!({"schemas": [USER, ent], "userName": "ann", ent: {"manager": {"value": "m1"}}}),
                ),
            ),
            (
                "Entra manager as a bare string",
                false,
                json!({"userName": "ann", ent: {"manager": "m1"}}),
                Stored(
                    json!({"schemas": [USER, ent], "userName": "ann", ent: {"manager": {"value": "m1"}}}),
                ),
            ),
            (
                "one-element array for a single-valued simple attribute",
                false,
                json!({"userName": ["ann"]}),
                Stored(json!({"schemas": [USER], "userName": "ann"})),
            ),
            (
                "several values for a single-valued simple attribute",
                false,
                json!({"userName": ["ann", "bob"]}),
                Fails(
                    ScimType::InvalidValue,
                    "attribute \"userName\" is single-valued",
                ),
            ),
            (
                "nested arrays",
                false,
                json!({"userName": "ann", "emails": [["a@x.org"]]}),
                Fails(
                    ScimType::InvalidValue,
                    "attribute \"emails\" must be an object of sub-attributes",
                ),
            ),
            (
                "at most one primary: later ones become false",
                false,
                json!({"userName": "ann", "emails": [
                 {"value": "a@x.org", "primary": false}, {"value": "b@x.org", "primary": true},
                 {"value": "c@x.org", "primary": "True"}]}),
                Stored(json!({"schemas": [USER], "userName": "ann", "emails": [
                 {"value": "a@x.org", "primary": false}, {"value": "b@x.org", "primary": true},
                 {"value": "c@x.org", "primary": false}]})),
            ),
            (
                "an Entra create body",
                false,
                json!({
                   "schemas": [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"],
                   "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                   "userName": "Test_User_ab6490ee@testuser.com",
                   "active": "True",
                   "displayName": null,
                   "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea13b@testuser.com"}],
                   "meta": {"resourceType": "User"},
                   "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
                   "roles": [],
                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "1",
                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": null,
                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": [{"value": "m1", "$ref": null}],
                   "Nickname2": "x"
                }),
                Stored(json!({
                   "schemas": [USER, ent],
                   "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                   "userName": "Test_User_ab6490ee@testuser.com",
                   "active": true,
                   "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea13b@testuser.com"}],
                   "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
                   ent: {"employeeNumber": "1", "manager": {"value": "m1"}}
                })),
            ),
        ];
        check_table(&user_with_typed_attributes(), table);

        let group_table = vec![
            (
                "Entra member add with $ref null",
                false,
                json!({"displayName": "Ops", "members": [{"value": "u1", "$ref": null, "type": "user"}]}),
                Stored(
                    json!({"schemas": [GROUP], "displayName": "Ops", "members": [{"value": "u1", "type": "user"}]}),
                ),
            ),
            (
                "Okta group create with empty members",
                false,
                json!({"schemas": [GROUP], "displayName": "Ops", "members": []}),
                Stored(json!({"schemas": [GROUP], "displayName": "Ops"})),
            ),
        ];
        check_table(&resource_type("Group"), group_table);
    }

    #[test]
    fn normalize_value_handles_one_attribute() {
        let rs = resource_type("User");
        let attr = |name: &str| rs.resolve(None, name).expect("attribute").1.clone();
        let table = [
            (
                "emails",
                json!("a@x.org"),
                Some(json!([{"value": "a@x.org"}])),
            ),
            (
                "emails",
                json!([{"VALUE": "a@x.org", "primary": "true"}, {"value": "b@x.org", "primary": true}]),
                Some(
                    json!([{"value": "a@x.org", "primary": true}, {"value": "b@x.org", "primary": false}]),
                ),
            ),
            ("active", json!("true"), Some(json!(true))),
            (
                "name",
                json!({"GIVENNAME": "Ann", "familyName": null}),
                Some(json!({"givenName": "Ann"})),
            ),
            ("name", json!({"familyName": ""}), None),
            (
                "manager",
                json!([{"value": "m1", "displayName": "Boss"}]),
                Some(json!({"value": "m1"})),
            ),
            ("displayName", Value::Null, None),
            ("displayName", json!(""), None),
            ("members", json!([]), None),
        ];
        let group = resource_type("Group");
        for (name, input, expected) in table {
            let attr = if name == "members" {
                group.resolve(None, name).expect("members").1.clone()
            } else {
                attr(name)
            };
            let got = normalize_value(&attr, input.clone(), false);
            assert_eq!(got, Ok(expected), "{name} <- {input}");
        }
        let err = normalize_value(&attr("active"), json!("maybe"), false).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
        assert!(err.detail.contains("\"active\""), "{}", err.detail);
    }

    /// `None`: accepted; `Some((scimType, detail))`: a 400 with that type, detail included.
    type Verdict = Option<(ScimType, &'static str)>;

    fn expect_result(name: &str, got: Result<()>, expected: Verdict) {
        match (got, expected) {
            (Ok(()), None) => {}
            (Err(e), Some((scim_type, detail))) => {
                assert_eq!((e.status, e.scim_type), (400, Some(scim_type)), "{name}");
                assert!(
                    e.detail.contains(detail),
                    "{name}: {:?} lacks {detail:?}",
                    e.detail
                );
            }
            (got, _) => panic!("{name}: got {got:?}"),
        }
    }

    #[test]
    fn required_attributes_are_checked() {
        let mut strict_user = resource_type("User");
        if let Some(e) = strict_user.extensions.first_mut() {
            e.required = true;
            e.schema
                .attributes
                .iter_mut()
                .for_each(|a| a.required = a.name == "employeeNumber");
        }
        let mut sub_required = resource_type("User");
        if let Some(emails) = sub_required
            .core
            .attributes
            .iter_mut()
            .find(|a| a.name == "emails")
        {
            emails
                .sub_attributes
                .iter_mut()
                .for_each(|s| s.required = s.name == "value");
        }
        let mut ext_attr_required = resource_type("User");
        if let Some(e) = ext_attr_required.extensions.first_mut() {
            e.schema
                .attributes
                .iter_mut()
                .for_each(|a| a.required = a.name == "employeeNumber");
        }
        let ent = ENTERPRISE_USER;
        let table: Vec<(&str, ResourceSchema, Value, Verdict)> = vec![
            ("user with userName", resource_type("User"), json!({"userName": "ann"}), None),
            ("user without userName", resource_type("User"), json!({"displayName": "Ann"}),
             Some((ScimType::InvalidValue, "attribute \"userName\" is required"))),
            ("user with an empty userName", resource_type("User"), json!({"userName": ""}),
             Some((ScimType::InvalidValue, "attribute \"userName\" is required"))),
            ("group without displayName", resource_type("Group"), json!({"members": [{"value": "u1"}]}),
             Some((ScimType::InvalidValue, "attribute \"displayName\" is required"))),
            ("group with displayName", resource_type("Group"), json!({"displayName": "Ops"}), None),
            ("entitlement without displayName", resource_type("Entitlement"), json!({"type": "License"}),
             Some((ScimType::InvalidValue, "attribute \"displayName\" is required"))),
            ("role without displayName", resource_type("Role"), json!({}),
             Some((ScimType::InvalidValue, "attribute \"displayName\" is required"))),
            ("required extension missing", strict_user.clone(), json!({"userName": "ann"}),
             Some((ScimType::InvalidValue, "extension \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\" is required"))),
            ("required extension without its required attribute", strict_user.clone(),
             json!({"userName": "ann", ent: {"department": "Ops"}}),
             Some((ScimType::InvalidValue, "attribute \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber\" is required"))),
            ("required extension complete", strict_user, json!({"userName": "ann", ent: {"employeeNumber": "7"}}), None),
            ("optional extension absent: its required attributes are not asked for", ext_attr_required.clone(),
             json!({"userName": "ann"}), None),
            ("optional extension present without its required attribute", ext_attr_required,
             json!({"userName": "ann", ent: {"department": "Ops"}}),
             Some((ScimType::InvalidValue, "employeeNumber\" is required"))),
            ("required sub-attribute missing in one element", sub_required.clone(),
             json!({"userName": "ann", "emails": [{"value": "a@x.org"}, {"type": "work"}]}),
             Some((ScimType::InvalidValue, "attribute \"emails.value\" is required"))),
            ("required sub-attribute present", sub_required.clone(),
             json!({"userName": "ann", "emails": [{"value": "a@x.org"}]}), None),
            ("required sub-attribute of an absent attribute", sub_required, json!({"userName": "ann"}), None),
        ];
        for (name, rs, resource, expected) in table {
            expect_result(name, check_required(&rs, &resource), expected);
        }
    }

    #[test]
    fn immutable_attributes_cannot_change_once_set() {
        let mut rs = resource_type("User");
        rs.core.attributes.push(custom(
            json!({"name": "employeeId", "type": "string", "mutability": "immutable"}),
        ));
        if let Some(name) = rs.core.attributes.iter_mut().find(|a| a.name == "name") {
            name.sub_attributes.iter_mut().for_each(|s| {
                if s.name == "givenName" {
                    s.mutability = Mutability::Immutable;
                }
            });
        }
        if let Some(e) = rs.extensions.first_mut() {
            e.schema.attributes.iter_mut().for_each(|a| {
                if a.name == "costCenter" {
                    a.mutability = Mutability::Immutable;
                }
            });
        }
        let ent = ENTERPRISE_USER;
        let table = [
            ("unchanged", json!({"employeeId": "E1"}), json!({"employeeId": "E1"}), None),
            ("same ignoring case (caseExact false)", json!({"employeeId": "E1"}), json!({"employeeId": "e1"}), None),
            ("set for the first time", json!({}), json!({"employeeId": "E1"}), None),
            ("changed", json!({"employeeId": "E1"}), json!({"employeeId": "E2"}),
             Some((ScimType::Mutability, "attribute \"employeeId\" is immutable"))),
            ("removed", json!({"employeeId": "E1"}), json!({}),
             Some((ScimType::Mutability, "attribute \"employeeId\" is immutable"))),
            ("immutable sub-attribute of a single-valued complex", json!({"name": {"givenName": "Ann"}}),
             json!({"name": {"givenName": "Anne"}}),
             Some((ScimType::Mutability, "attribute \"name.givenName\" is immutable"))),
            ("other sub-attributes of that complex may change", json!({"name": {"givenName": "Ann", "familyName": "Lee"}}),
             json!({"name": {"givenName": "Ann", "familyName": "Li"}}), None),
            ("immutable extension attribute", json!({ent: {"costCenter": "1"}}), json!({ent: {"costCenter": "2"}}),
             Some((ScimType::Mutability, "attribute \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter\" is immutable"))),
            ("extension removed altogether", json!({ent: {"costCenter": "1"}}), json!({}),
             Some((ScimType::Mutability, "costCenter\" is immutable"))),
        ];
        for (name, old, new, expected) in table {
            expect_result(name, check_immutable(&rs, &old, &new), expected);
        }
        let group = resource_type("Group");
        expect_result(
            "replacing group members (immutable per element) is allowed",
            check_immutable(
                &group,
                &json!({"displayName": "Ops", "members": [{"value": "u1", "type": "User"}]}),
                &json!({"displayName": "Ops", "members": [{"value": "u2", "type": "Group"}]}),
            ),
            None,
        );
    }

    #[test]
    fn custom_schemas_nesting_too_deep_are_refused_not_overflowed() {
        // A pathological custom schema: complex attributes nested 12 deep.
        let mut attr = custom(json!({"name": "leaf", "type": "string"}));
        let mut input = json!("x");
        for level in 0..12 {
            let name = format!("level{level}");
            attr = Attribute {
                name: name.clone(),
                ty: AttrType::Complex,
                sub_attributes: vec![attr],
                ..custom(json!({"name": "x", "type": "complex"}))
            };
            let inner_name = if level == 0 {
                "leaf".to_string()
            } else {
                format!("level{}", level - 1)
            };
            input = json!({ inner_name: input });
        }
        let rs = ResourceSchema {
            name: "Deep".into(),
            endpoint: "/Deep".into(),
            description: String::new(),
            common: builtin::common_attributes(),
            core: Schema {
                id: "urn:example:Deep".into(),
                name: "Deep".into(),
                description: String::new(),
                attributes: vec![attr],
            },
            extensions: Vec::<Extension>::new(),
        };
        let err = normalize_resource(&rs, json!({ "level11": input }), false).unwrap_err();
        assert!(err.detail.contains("nested too deeply"), "{}", err.detail);
    }

    /// Arbitrary JSON with keys that often hit the schema.
    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let text = prop_oneof![
            Just(String::new()),
            Just("true".to_string()),
            Just("False".to_string()),
            Just("42".to_string()),
            Just("2026-01-01T00:00:00Z".to_string()),
            "\\PC{0,8}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
            text.prop_map(Value::from),
        ];
        let key = prop_oneof![
            prop::sample::select(vec![
                "userName",
                "USERNAME",
                "emails",
                "value",
                "primary",
                "type",
                "name",
                "name.givenName",
                "manager",
                "members",
                "schemas",
                "id",
                "meta",
                "active",
                "password",
                "$ref",
                "groups",
                "phoneNumbers",
                "addresses",
                "x509Certificates",
                "employeeNumber",
                "displayName",
                "externalId",
                "Emails",
                "PRIMARY",
                ENTERPRISE_USER,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
                "urn:ietf:params:scim:schemas:core:2.0:User:",
                "urn:",
                "urn:x:y",
                "a.b.c",
                ".",
            ])
            .prop_map(String::from),
            "\\PC{0,6}",
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|fields| Value::Object(fields.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
        #[test]
        fn normalize_never_panics_and_is_idempotent(input in arbitrary_json(), strict in any::<bool>()) {
            for rs in builtin::resource_types() {
                if let Ok(stored) = normalize_resource(&rs, input.clone(), strict) {
                    let _ = check_required(&rs, &stored);
                    let _ = check_immutable(&rs, &input, &stored);
                    let again = normalize_resource(&rs, stored.clone(), strict);
                    prop_assert_eq!(again, Ok(stored));
                }
            }
        }
    }
}
