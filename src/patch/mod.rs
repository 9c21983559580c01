//! PATCH (RFC 7644 section 3.5.2): `add`, `remove` and `replace` operations on one stored
//! resource, with the quirks Okta and Entra really send (the decisions below; the
//! `client_quirks` tests in `patch/tests.rs` pin them).
//!
//! [`apply`] takes the canonical stored resource and a PatchOp message and returns the new
//! resource, or the first operation's error (the request is atomic: nothing is applied).
//! It never touches `id` or `meta`; the tenant updates `meta` and checks required and
//! immutable attributes on the result.
//!
//! Bounds: a message carries at most `patchMaxOperations` operations (a setting), refused
//! with 400 `invalidValue` before any runs; the number of
//! values per attribute is capped on the result by the tenant, like any write
//! ([`crate::schema::limits`]). Cost is linear: adding N values to a list of M, or
//! removing N listed values from it, is O(N + M) expected, as elements are found by a
//! hash of their identity (`identity.rs`) rather than by a scan per value.
//!
//! Every operation value goes through [`crate::schema::normalize_value`]
//! first, so merging compares canonical names and typed values (`"False"` is `false`,
//! `""` and `null` are unassigned).
//!
//! Decisions where RFC 7644 is open or clients disagree with it:
//! - **Complex single-valued attributes merge**, for `add` and `replace`, with or without
//!   a path: section 3.5.2.3 says "sub-attributes that are not specified in the value
//!   parameter are left unchanged", and pathless replaces from Entra (`name.givenName`) and
//!   Okta expect exactly that. A sub-attribute given as `null` or `""` is cleared.
//! - **Multi-valued attributes**: `add` appends each value unless an equal one exists
//!   (elements with a `value` sub-attribute are equal when their `value`s compare equal
//!   under the schema, otherwise when they are identical), in which case the new element's
//!   sub-attributes are merged into it; `replace` without a filter replaces the whole list.
//! - **Value filters**: `replace attr[filter]` merges the value into each matching element
//!   and fails with `noTarget` when none matches (3.5.2.3). `attr[filter].sub` (add or
//!   replace) sets the sub-attribute on each matching element and, when none matches,
//!   creates an element from the filter's `eq` conditions (Entra's
//!   `emails[type eq "work"].value`). `add attr[filter]` with no match appends the value,
//!   completed with the filter's `eq` conditions. `attr.sub` on a multi-valued attribute
//!   applies to every element.
//! - **Clearing**: `add`/`replace` with `null` or `""` unassigns the target (Entra).
//!   `remove` of a filter that matches nothing succeeds without change; `remove members`
//!   with a `value` list removes only those members (Entra).
//! - **Read-only attributes**: named by an explicit path they are a 400 `mutability`;
//!   inside a pathless value (`id`, `meta`, `groups`, as Okta sends) they are ignored.
//! - **Unknown names**: an unknown attribute of a known schema in a path is 400
//!   `invalidPath`. Unknown extension URNs, and unknown keys of a pathless value, are
//!   ignored unless the tenant is strict (then `invalidPath` in a path, `invalidSyntax` in
//!   a value, as for unknown attributes of a POST body).
//! - Multi-valued attributes keep one `primary`: an operation that writes an element with
//!   `primary: true` removes `primary` from the others.
//!
//! Layout: this file reads the message and routes each operation; `target.rs` resolves
//! where an operation lands (attribute, sub-attribute, value filter, extension, read-only
//! rules); `merge.rs` writes the values there; `identity.rs` decides when two elements of
//! a multi-valued attribute are the same value.

mod identity;
mod merge;
mod target;
#[cfg(test)]
mod tests;

use crate::error::{Result, ScimError};
use crate::path;
use crate::schema::builtin::PATCH_OP;
use crate::schema::ResourceSchema;
use crate::settings::Settings;
use crate::value::{Map, Text, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use target::{apply_path, is_unknown_urn, Origin};

/// Applies a PatchOp message to a stored resource and returns the patched resource.
///
/// `resource` is the canonical stored form; `body` the parsed request body; `settings`
/// the tenant's (`strict`, `patchMaxOperations`). Errors are 400s naming the failing
/// operation (`Operations[2]: ...`).
pub fn apply(
    rs: &ResourceSchema,
    resource: &Value,
    body: &Value,
    settings: &Settings,
) -> Result<Value> {
    let strict = settings.strict;
    let ops = operations(body, strict, settings.patch_max_operations)?;
    let mut out = resource.clone();
    let Some(obj) = out.as_object_mut() else {
        return Err(ScimError::new(
            500,
            None,
            "stored resource is not a JSON object",
        ));
    };
    for (i, raw) in ops.iter().enumerate() {
        let op = Operation::read(raw).map_err(|e| at_op(i, e))?;
        apply_op(rs, obj, &op, strict).map_err(|e| at_op(i, e))?;
    }
    tidy_extensions(rs, obj);
    Ok(out)
}

/// Prefixes an error's detail with the index of the operation that failed.
fn at_op(index: usize, e: ScimError) -> ScimError {
    ScimError {
        detail: format!("Operations[{index}]: {}", e.detail),
        ..e
    }
}

/// Checks the message envelope and returns its operations (at most `max` of them).
fn operations(body: &Value, strict: bool, max: usize) -> Result<&[Value]> {
    let Some(msg) = body.as_object() else {
        return Err(ScimError::invalid_syntax(
            "PATCH body must be a PatchOp JSON object",
        ));
    };
    if strict {
        let declared = member(msg, "schemas")
            .and_then(Value::as_array)
            .is_some_and(|s| {
                s.iter()
                    .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(PATCH_OP)))
            });
        if !declared {
            return Err(ScimError::invalid_syntax(format!(
                "PatchOp body must list `{PATCH_OP}` in `schemas`"
            )));
        }
    }
    match member(msg, "Operations") {
        // `invalidValue`, not `tooMany`: RFC 7644 defines `tooMany` for filters that select
        // too much, while this is a request value beyond an advertised limit.
        Some(Value::Array(ops)) if ops.len() > max => Err(ScimError::invalid_value(format!(
            "the PatchOp has {} operations; this server takes at most {max} per request \
             (setting patchMaxOperations)",
            ops.len()
        ))),
        Some(Value::Array(ops)) => Ok(ops),
        Some(_) => Err(ScimError::invalid_syntax("`Operations` must be an array")),
        None => Err(ScimError::invalid_syntax(
            "PatchOp body has no `Operations` array",
        )),
    }
}

/// A JSON object member by name: exact first, then ignoring ASCII case.
fn member<'a>(obj: &'a Map, name: &str) -> Option<&'a Value> {
    obj.get(name).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Add,
    Replace,
    Remove,
}

/// One entry of `Operations`, read tolerantly (`Add`, `op`/`OP`, `"path": ""`).
struct Operation<'b> {
    kind: Kind,
    path: Option<&'b str>,
    /// `None` when the member is absent; `Some(Null)` when the client sent `null`.
    value: Option<&'b Value>,
}

impl<'b> Operation<'b> {
    fn read(raw: &'b Value) -> Result<Self> {
        let Some(obj) = raw.as_object() else {
            return Err(ScimError::invalid_syntax(
                "an operation must be a JSON object",
            ));
        };
        let kind = match member(obj, "op") {
            Some(Value::String(s)) if s.eq_ignore_ascii_case("add") => Kind::Add,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("replace") => Kind::Replace,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("remove") => Kind::Remove,
            Some(Value::String(s)) => {
                return Err(ScimError::invalid_syntax(format!(
                    "unknown op `{}`; expected add, replace or remove",
                    clip(s)
                )))
            }
            Some(_) => return Err(ScimError::invalid_syntax("`op` must be a string")),
            None => return Err(ScimError::invalid_syntax("operation has no `op`")),
        };
        let path = match member(obj, "path") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(ScimError::invalid_syntax("`path` must be a string")),
        };
        let value = member(obj, "value");
        if kind != Kind::Remove && value.is_none() {
            return Err(ScimError::invalid_syntax(format!(
                "`{}` needs a `value`",
                kind.name()
            )));
        }
        Ok(Operation { kind, path, value })
    }
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Add => "add",
            Kind::Replace => "replace",
            Kind::Remove => "remove",
        }
    }
}

/// A client string shortened for an error message.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(64) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// One operation: pathless (`value` is an object of attributes) or on one parsed path.
fn apply_op(rs: &ResourceSchema, obj: &mut Map, op: &Operation<'_>, strict: bool) -> Result<()> {
    let Some(text) = op.path else {
        if op.kind == Kind::Remove {
            return Err(ScimError::no_target("`remove` needs a `path`"));
        }
        return match op.value {
            Some(Value::Object(attrs)) => apply_pathless(rs, obj, op.kind, attrs, None, strict),
            _ => Err(ScimError::invalid_value(format!(
                "`{}` without a `path` needs a `value` object of attributes",
                op.kind.name()
            ))),
        };
    };
    let path = path::parse(text, rs)?;
    if is_unknown_urn(rs, &path) {
        return if strict {
            Err(ScimError::invalid_path(format!(
                "path `{}`: `{}` is not a schema of {}",
                clip(text),
                path.urn.as_deref().unwrap_or(""),
                rs.name
            )))
        } else {
            Ok(())
        };
    }
    apply_path(rs, obj, op.kind, &path, op.value, Origin::Path, strict)
}

/// `add`/`replace` without a path: each key of `attrs` is an attribute path (plain,
/// dotted, URN-qualified) or a schema URN holding an object of that schema's attributes.
/// `within` is the schema URN the keys are relative to (one level only: no recursion on
/// client data beyond it).
fn apply_pathless(
    rs: &ResourceSchema,
    obj: &mut Map,
    kind: Kind,
    attrs: &Map,
    within: Option<&str>,
    strict: bool,
) -> Result<()> {
    for (key, value) in attrs {
        if within.is_none() && key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        if within.is_none() && key.eq_ignore_ascii_case(&rs.core.id) {
            match value {
                Value::Object(inner) => {
                    apply_pathless(rs, obj, kind, inner, Some(&rs.core.id), strict)?;
                    continue;
                }
                _ => {
                    return Err(ScimError::invalid_value(format!(
                        "`{}` must hold an object of attributes",
                        rs.core.id
                    )))
                }
            }
        }
        let text = match within {
            Some(urn) => format!("{urn}:{key}"),
            None => key.to_string(),
        };
        let path = match path::parse(&text, rs) {
            Ok(p) if is_unknown_urn(rs, &p) && !strict => continue,
            Ok(p) if is_unknown_urn(rs, &p) => {
                return Err(ScimError::invalid_syntax(format!(
                    "`{}` is not a schema of {}",
                    clip(p.urn.as_deref().unwrap_or("")),
                    rs.name
                )))
            }
            Ok(p) if p.is_whole_extension() && within.is_some() => continue,
            Ok(p) => p,
            Err(_) if !strict => continue,
            Err(e) => {
                return Err(ScimError::invalid_syntax(format!(
                    "`value` key `{}` is not an attribute ({})",
                    clip(key),
                    e.detail
                )))
            }
        };
        apply_path(rs, obj, kind, &path, Some(value), Origin::ValueKey, strict)?;
    }
    Ok(())
}

/// Drops extension objects left empty and keeps `schemas` in step with the extensions the
/// resource carries.
fn tidy_extensions(rs: &ResourceSchema, obj: &mut Map) {
    for ext in &rs.extensions {
        let urn = ext.schema.id.as_str();
        if obj
            .get(urn)
            .is_some_and(|v| v.as_object().is_none_or(Map::is_empty))
        {
            obj.remove(urn);
        }
    }
    let present: Vec<String> = rs
        .extensions
        .iter()
        .map(|e| e.schema.id.clone())
        .filter(|urn| obj.contains_key(urn))
        .collect();
    let Some(Value::Array(schemas)) = obj.get_mut("schemas") else {
        return;
    };
    schemas.retain(|s| {
        let Some(s) = s.as_str() else { return true };
        rs.extension(s)
            .is_none_or(|e| present.iter().any(|p| p == &e.schema.id))
    });
    for urn in present {
        if !schemas
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(&urn)))
        {
            schemas.push(Value::String(Text::from(urn)));
        }
    }
}
