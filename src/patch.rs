//! PATCH (RFC 7644 section 3.5.2): `add`, `remove` and `replace` operations on one stored
//! resource, with the quirks of real clients (`shared/notes/clients.md`).
//!
//! [`apply`] takes the canonical stored resource and a PatchOp message and returns the new
//! resource, or the first operation's error (the request is atomic: nothing is applied).
//! It never touches `id` or `meta`; the tenant updates `meta` and checks required and
//! immutable attributes on the result.
//!
//! Every operation value goes through [`normalize_value`] first, so merging compares
//! canonical names and typed values (`"False"` is `false`, `""` and `null` are unassigned).
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

use crate::error::{Result, ScimError};
use crate::filter::{self, CompareOp, Filter, Literal};
use crate::path::{self, PatchPath};
use crate::schema::builtin::PATCH_OP;
use crate::schema::normalize_value;
use crate::schema::{AttrType, Attribute, Container, Mutability, ResourceSchema};
use crate::value::{Map, Text, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;

/// Applies a PatchOp message to a stored resource and returns the patched resource.
///
/// `resource` is the canonical stored form; `body` the parsed request body. Errors are
/// 400s naming the failing operation (`Operations[2]: ...`).
pub fn apply(rs: &ResourceSchema, resource: &Value, body: &Value, strict: bool) -> Result<Value> {
    let ops = operations(body, strict)?;
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

/// Checks the message envelope and returns its operations.
fn operations(body: &Value, strict: bool) -> Result<&[Value]> {
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

/// Whether the operation's path came from the client's `path` or from a key of a pathless
/// `value`: read-only and unknown attributes are errors in the first case only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Path,
    ValueKey,
}

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

/// Whether a parsed path is qualified by a URN that is none of the type's schemas.
fn is_unknown_urn(rs: &ResourceSchema, path: &PatchPath) -> bool {
    path.urn
        .as_deref()
        .is_some_and(|u| !rs.schema_urns().any(|k| k.eq_ignore_ascii_case(u)))
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

/// Applies one operation to one parsed path whose URN (if any) is a known schema.
fn apply_path(
    rs: &ResourceSchema,
    obj: &mut Map,
    kind: Kind,
    path: &PatchPath,
    value: Option<&Value>,
    origin: Origin,
    strict: bool,
) -> Result<()> {
    if path.is_whole_extension() {
        return apply_whole_extension(rs, obj, kind, path, value, strict);
    }
    let Some((container, def)) = rs.resolve(path.urn.as_deref(), &path.attr) else {
        return Err(ScimError::invalid_path(format!(
            "`{path}` is not an attribute"
        )));
    };
    let sub = match path.sub.as_deref() {
        Some(name) => Some(
            def.sub(name)
                .ok_or_else(|| ScimError::invalid_path(format!("`{path}` is not an attribute")))?,
        ),
        None => None,
    };
    let read_only = def.mutability == Mutability::ReadOnly
        || def.computed
        || sub.is_some_and(|s| s.mutability == Mutability::ReadOnly);
    if read_only {
        return match origin {
            Origin::ValueKey => Ok(()),
            Origin::Path => Err(ScimError::mutability(format!(
                "`{path}` is readOnly: clients cannot {} it",
                kind.name()
            ))),
        };
    }
    let Some(holder) = holder_mut(obj, container, kind != Kind::Remove) else {
        return Ok(()); // removing from an extension the resource does not have
    };
    let target = Target { def, sub, strict };
    match (&path.filter, sub) {
        (None, None) => target.on_attribute(holder, kind, value),
        (None, Some(sub)) if !def.multi_valued => target.on_sub(holder, sub, kind, value),
        (filter, _) => {
            let selector = match filter {
                Some(f) => Some((
                    f,
                    filter::compile_element(f, def)
                        .map_err(|e| ScimError::invalid_path(format!("`{path}`: {}", e.detail)))?,
                )),
                None => None,
            };
            target.on_elements(holder, selector.as_ref(), kind, value)
        }
    }
}

/// `add`/`replace`/`remove` on a bare extension URN path.
fn apply_whole_extension(
    rs: &ResourceSchema,
    obj: &mut Map,
    kind: Kind,
    path: &PatchPath,
    value: Option<&Value>,
    strict: bool,
) -> Result<()> {
    let Some(ext) = path.urn.as_deref().and_then(|u| rs.extension(u)) else {
        return Err(ScimError::invalid_path(format!(
            "`{path}` is not an extension"
        )));
    };
    let urn = ext.schema.id.as_str();
    match (kind, value) {
        (Kind::Remove, _) => {
            obj.remove(urn);
            Ok(())
        }
        (_, Some(v)) if is_clear(v) => {
            obj.remove(urn);
            Ok(())
        }
        (_, Some(Value::Object(attrs))) => apply_pathless(rs, obj, kind, attrs, Some(urn), strict),
        _ => Err(ScimError::invalid_value(format!(
            "the value for `{urn}` must be an object of its attributes"
        ))),
    }
}

/// The object holding a top-level attribute: the resource itself or its extension object
/// (created when `create`).
fn holder_mut<'m>(obj: &'m mut Map, container: Container<'_>, create: bool) -> Option<&'m mut Map> {
    match container {
        Container::Core => Some(obj),
        Container::Extension(urn) if create => {
            let slot = obj.entry(urn).or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            slot.as_object_mut()
        }
        Container::Extension(urn) => obj.get_mut(urn).and_then(Value::as_object_mut),
    }
}

/// `null` and `""`: what Entra sends to clear a value.
fn is_clear(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// One resolved top-level attribute (and sub-attribute) being patched.
struct Target<'s> {
    def: &'s Attribute,
    sub: Option<&'s Attribute>,
    strict: bool,
}

impl Target<'_> {
    fn normalize(&self, def: &Attribute, raw: &Value) -> Result<Option<Value>> {
        if is_clear(raw) {
            return Ok(None);
        }
        normalize_value(def, raw.clone(), self.strict)
    }

    /// `attr` (no filter, no sub-attribute).
    fn on_attribute(&self, holder: &mut Map, kind: Kind, raw: Option<&Value>) -> Result<()> {
        let def = self.def;
        let key = def.name.as_str();
        let raw = match (kind, raw) {
            (Kind::Remove, Some(list)) if def.multi_valued && !list.is_null() => {
                return self.remove_listed(holder, list)
            }
            (Kind::Remove, _) | (_, None) => {
                holder.remove(key);
                return Ok(());
            }
            (_, Some(raw)) => raw,
        };
        if is_clear(raw) {
            holder.remove(key);
            return Ok(());
        }
        let normalized = normalize_value(def, raw.clone(), self.strict)?;
        if def.multi_valued {
            let new = match normalized {
                Some(Value::Array(items)) => items,
                Some(one) => alloc::vec![one],
                None if kind == Kind::Replace => {
                    holder.remove(key);
                    return Ok(());
                }
                None => return Ok(()),
            };
            let mut items = match (kind, holder.remove(key)) {
                (Kind::Add, Some(Value::Array(old))) => old,
                _ => Vec::new(),
            };
            let mut written = Vec::with_capacity(new.len());
            for element in new {
                let at = match items
                    .iter()
                    .position(|old| same_element(def, old, &element))
                {
                    Some(i) => {
                        if let Some(old) = items.get_mut(i) {
                            merge_element(old, element);
                        }
                        i
                    }
                    None => {
                        items.push(element);
                        items.len() - 1
                    }
                };
                written.push(at);
            }
            self.store_list(holder, items, &written);
            return Ok(());
        }
        if def.ty == AttrType::Complex {
            let current = holder.remove(key);
            let merged = merge_complex(def, current, normalized, raw);
            if let Some(v) = merged {
                holder.insert(key.to_string(), v);
            }
            return Ok(());
        }
        match normalized {
            Some(v) => holder.insert(key.to_string(), v),
            None => holder.remove(key),
        };
        Ok(())
    }

    /// `remove attr` with a `value` list (Entra's member removal): removes the listed
    /// elements only.
    fn remove_listed(&self, holder: &mut Map, list: &Value) -> Result<()> {
        let key = self.def.name.as_str();
        let listed = match normalize_value(self.def, list.clone(), self.strict)? {
            Some(Value::Array(items)) => items,
            Some(one) => alloc::vec![one],
            None => return Ok(()),
        };
        if let Some(Value::Array(items)) = holder.get_mut(key) {
            items.retain(|old| !listed.iter().any(|gone| same_element(self.def, old, gone)));
            if items.is_empty() {
                holder.remove(key);
            }
        }
        Ok(())
    }

    /// `attr.sub` on a single-valued complex attribute.
    fn on_sub(
        &self,
        holder: &mut Map,
        sub: &Attribute,
        kind: Kind,
        raw: Option<&Value>,
    ) -> Result<()> {
        let key = self.def.name.as_str();
        let new = match (kind, raw) {
            (Kind::Remove, _) | (_, None) => None,
            (_, Some(raw)) => self.normalize(sub, raw)?,
        };
        let mut object = match holder.remove(key) {
            Some(Value::Object(o)) => o,
            _ => Map::new(),
        };
        match new {
            Some(v) => object.insert(sub.name.clone(), v),
            None => object.remove(&sub.name),
        };
        if !object.is_empty() {
            holder.insert(key.to_string(), Value::Object(object));
        }
        Ok(())
    }

    /// `attr[filter]`, `attr[filter].sub`, and `attr.sub` on a multi-valued attribute
    /// (every element selected).
    fn on_elements(
        &self,
        holder: &mut Map,
        selector: Option<&(&Filter, filter::Compiled)>,
        kind: Kind,
        raw: Option<&Value>,
    ) -> Result<()> {
        let key = self.def.name.as_str();
        let mut items = match holder.remove(key) {
            Some(Value::Array(items)) => items,
            Some(one) if !one.is_null() => alloc::vec![one],
            _ => Vec::new(),
        };
        let matching: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, e)| selector.is_none_or(|(_, c)| c.matches(e)))
            .map(|(i, _)| i)
            .collect();
        let written =
            self.edit_elements(&mut items, &matching, selector.map(|(f, _)| *f), kind, raw)?;
        self.store_list(holder, items, &written);
        Ok(())
    }

    /// Edits `items` in place; returns the indices written (for the one-primary rule).
    fn edit_elements(
        &self,
        items: &mut Vec<Value>,
        matching: &[usize],
        filter: Option<&Filter>,
        kind: Kind,
        raw: Option<&Value>,
    ) -> Result<Vec<usize>> {
        let raw = match (kind, raw) {
            (Kind::Remove, _) | (_, None) => None,
            (_, Some(raw)) => Some(raw),
        };
        match self.sub {
            Some(sub) => {
                let new = match raw {
                    Some(raw) => self.normalize(sub, raw)?,
                    None => None,
                };
                let Some(new) = new else {
                    remove_sub_from(items, matching, &sub.name);
                    return Ok(Vec::new());
                };
                if matching.is_empty() {
                    let mut element = self.element_from_filter(filter)?;
                    element.insert(sub.name.clone(), new);
                    let element = self.normalize_element(Value::Object(element))?;
                    items.push(element);
                    return Ok(alloc::vec![items.len() - 1]);
                }
                for &i in matching {
                    if let Some(Value::Object(e)) = items.get_mut(i) {
                        e.insert(sub.name.clone(), new.clone());
                    }
                }
                Ok(matching.to_vec())
            }
            None => {
                let Some(raw) = raw.filter(|r| !is_clear(r)) else {
                    remove_indices(items, matching);
                    return Ok(Vec::new());
                };
                let raw = match raw {
                    Value::Array(one) if one.len() == 1 => one.first().unwrap_or(raw),
                    Value::Array(_) => {
                        return Err(ScimError::invalid_value(format!(
                            "a value filter selects elements of `{}`: give one element, \
                             not a list",
                            self.def.name
                        )))
                    }
                    other => other,
                };
                let element_def = element_attr(self.def);
                let normalized = self.normalize(&element_def, raw)?;
                if matching.is_empty() {
                    if kind == Kind::Replace {
                        return Err(ScimError::no_target(format!(
                            "no element of `{}` matches the value filter",
                            self.def.name
                        )));
                    }
                    let Some(new) = normalized else {
                        return Ok(Vec::new());
                    };
                    let mut element = self.element_from_filter(filter).unwrap_or_default();
                    let new = match new {
                        Value::Object(fields) => {
                            element.extend(fields);
                            Value::Object(element)
                        }
                        simple => simple,
                    };
                    items.push(self.normalize_element(new)?);
                    return Ok(alloc::vec![items.len() - 1]);
                }
                for &i in matching {
                    if let Some(slot) = items.get_mut(i) {
                        let old = core::mem::take(slot);
                        *slot =
                            match merge_complex(&element_def, Some(old), normalized.clone(), raw) {
                                Some(v) => v,
                                None => Value::Null,
                            };
                    }
                }
                Ok(matching.to_vec())
            }
        }
    }

    /// A new element holding the `eq` conditions of a filter (`type eq "work"` gives
    /// `{"type":"work"}`); 400 `noTarget` when the filter is not a conjunction of `eq`.
    fn element_from_filter(&self, filter: Option<&Filter>) -> Result<Map> {
        let mut element = Map::new();
        let Some(filter) = filter else {
            return Ok(element);
        };
        let no_target = || {
            ScimError::no_target(format!(
                "no element of `{}` matches the value filter, and it is not a set of `eq` \
                 conditions to create one from",
                self.def.name
            ))
        };
        let mut pending = alloc::vec![filter];
        while let Some(f) = pending.pop() {
            match f {
                Filter::And(a, b) => {
                    pending.push(a);
                    pending.push(b);
                }
                Filter::Compare(p, CompareOp::Eq, literal)
                    if p.urn.is_none() && p.sub.is_none() =>
                {
                    let sub = self.def.sub(&p.name).ok_or_else(no_target)?;
                    let value = match literal {
                        Literal::Bool(b) => Value::Bool(*b),
                        Literal::String(s) => Value::String(Text::new(s)),
                        Literal::Number(n) => crate::value::from_str(n)
                            .unwrap_or_else(|_| Value::String(Text::new(n))),
                        Literal::Null => return Err(no_target()),
                    };
                    element.insert(sub.name.clone(), value);
                }
                _ => return Err(no_target()),
            }
        }
        Ok(element)
    }

    /// Normalizes one element built by PATCH (typed, canonical).
    fn normalize_element(&self, element: Value) -> Result<Value> {
        Ok(normalize_value(&element_attr(self.def), element, self.strict)?.unwrap_or(Value::Null))
    }

    /// Stores a multi-valued attribute back (dropping it when empty) and enforces one
    /// `primary`: the last written element that is primary wins.
    /// Elements set to `null` by an edit are dropped here, after `written` was used.
    fn store_list(&self, holder: &mut Map, mut items: Vec<Value>, written: &[usize]) {
        if self.def.sub("primary").is_some() {
            let is_primary = |e: &Value| e.get("primary") == Some(&Value::Bool(true));
            let winner = written
                .iter()
                .rev()
                .copied()
                .find(|&i| items.get(i).is_some_and(is_primary));
            if let Some(winner) = winner {
                for (i, e) in items.iter_mut().enumerate() {
                    if i != winner && is_primary(e) {
                        if let Some(o) = e.as_object_mut() {
                            o.remove("primary");
                        }
                    }
                }
            }
        }
        items.retain(|e| !e.is_null());
        if !items.is_empty() {
            holder.insert(self.def.name.clone(), Value::Array(items));
        }
    }
}

/// The definition of one element of a multi-valued attribute.
fn element_attr(def: &Attribute) -> Attribute {
    Attribute {
        multi_valued: false,
        ..def.clone()
    }
}

/// Merges a normalized complex value into the current one; sub-attributes the client gave
/// as `null` or `""` are cleared. `None` when nothing is left. A non-object value replaces.
fn merge_complex(
    def: &Attribute,
    current: Option<Value>,
    normalized: Option<Value>,
    raw: &Value,
) -> Option<Value> {
    let mut object = match current {
        Some(Value::Object(o)) => o,
        _ => Map::new(),
    };
    match normalized {
        Some(Value::Object(fields)) => object.extend(fields),
        Some(other) => return Some(other),
        None => {}
    }
    if let Value::Object(given) = raw {
        for (name, v) in given {
            if is_clear(v) {
                if let Some(sub) = def
                    .sub(name)
                    .filter(|s| s.mutability != Mutability::ReadOnly)
                {
                    object.remove(&sub.name);
                }
            }
        }
    }
    (!object.is_empty()).then_some(Value::Object(object))
}

/// Merges a new element's sub-attributes into an equal existing one (`add` of a value that
/// is already there refreshes it, e.g. a member's `display`).
fn merge_element(old: &mut Value, new: Value) {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => o.extend(n),
        (old, new) => *old = new,
    }
}

/// Whether two elements of a multi-valued attribute are the same value: by their `value`
/// sub-attribute when both have one, else as whole elements.
fn same_element(def: &Attribute, a: &Value, b: &Value) -> bool {
    if def.ty != AttrType::Complex {
        return filter::compare_values(def, a, b) == Ordering::Equal && same_kind(a, b);
    }
    match (def.sub("value"), a.get("value"), b.get("value")) {
        (Some(value_def), Some(x), Some(y)) => {
            same_kind(x, y) && filter::compare_values(value_def, x, y) == Ordering::Equal
        }
        _ => a == b,
    }
}

/// Two JSON values of the same JSON type (a guard around typed comparison).
fn same_kind(a: &Value, b: &Value) -> bool {
    core::mem::discriminant(a) == core::mem::discriminant(b)
}

/// Removes a sub-attribute from the selected elements; elements left empty become `null`
/// (dropped when the list is stored).
fn remove_sub_from(items: &mut [Value], selected: &[usize], sub: &str) {
    for &i in selected {
        if let Some(slot) = items.get_mut(i) {
            if let Value::Object(e) = slot {
                e.remove(sub);
                if e.is_empty() {
                    *slot = Value::Null;
                }
            }
        }
    }
}

/// Removes the selected elements (they become `null`, dropped when the list is stored).
fn remove_indices(items: &mut [Value], selected: &[usize]) {
    for &i in selected {
        if let Some(slot) = items.get_mut(i) {
            *slot = Value::Null;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ScimType;
    use crate::json;
    use crate::schema::builtin::{self, ENTERPRISE_USER, GROUP, USER};
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn schema(name: &str) -> ResourceSchema {
        builtin::resource_type(name).expect("built-in resource type")
    }

    const BABS: &str = "2819c223-7f76-453a-919d-413861904646";
    const MANDY: &str = "902c246b-6245-4190-8e05-00816be7344a";
    const JAMES: &str = "08e1d05d-121c-4561-8b96-473d93df9210";

    fn user() -> Value {
        json!({
            "schemas": [USER],
            "id": BABS,
            "meta": {"resourceType": "User", "version": "W/\"3\""},
            "userName": "bjensen",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "nickName": "Babs",
            "title": "Tour Guide",
            "active": true,
            "emails": [
                {"value": "bjensen@example.com", "type": "work", "primary": true},
                {"value": "babs@jensen.org", "type": "home"}
            ],
            "addresses": [{
                "type": "work", "streetAddress": "100 Universal City Plaza",
                "locality": "Hollywood", "region": "CA", "postalCode": "91608",
                "country": "US", "primary": true
            }]
        })
    }

    fn enterprise_user() -> Value {
        let mut u = user();
        u["schemas"] = json!([USER, ENTERPRISE_USER]);
        u[ENTERPRISE_USER] = json!({
            "employeeNumber": "701984",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
        });
        u
    }

    fn group() -> Value {
        json!({
            "schemas": [GROUP],
            "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
            "meta": {"resourceType": "Group", "version": "W/\"7\""},
            "displayName": "Tour Guides",
            "members": [
                {"value": BABS, "display": "Babs Jensen",
                 "$ref": format!("https://example.com/v2/Users/{BABS}")},
                {"value": MANDY, "display": "Mandy Pepperidge"}
            ]
        })
    }

    /// RFC 7386 merge patch, to write an expected resource as "before, plus these changes"
    /// (`null` removes a member; arrays are replaced whole).
    fn changed(mut base: Value, changes: Value) -> Value {
        fn merge(target: &mut Value, patch: Value) {
            match (target, patch) {
                (Value::Object(t), Value::Object(p)) => {
                    for (k, v) in p {
                        if v.is_null() {
                            t.remove(&k);
                        } else {
                            merge(t.entry(k).or_insert(Value::Null), v);
                        }
                    }
                }
                (t, p) => *t = p,
            }
        }
        merge(&mut base, changes);
        base
    }

    fn ops(operations: Value) -> Value {
        json!({"schemas": [PATCH_OP], "Operations": operations})
    }

    enum Expect {
        Resource(Value),
        Error(u16, ScimType, &'static str),
    }
    use Expect::{Error as Fails, Resource as Gives};

    struct Case {
        name: &'static str,
        rs: &'static str,
        before: Value,
        body: Value,
        strict: bool,
        expect: Expect,
    }

    fn case(
        name: &'static str,
        rs: &'static str,
        before: Value,
        body: Value,
        expect: Expect,
    ) -> Case {
        Case {
            name,
            rs,
            before,
            body,
            strict: false,
            expect,
        }
    }

    fn strict(mut c: Case) -> Case {
        c.strict = true;
        c
    }

    fn run(cases: Vec<Case>) {
        let mut failures = Vec::new();
        for c in cases {
            let rs = schema(c.rs);
            let got = apply(&rs, &c.before, &c.body, c.strict);
            match (&c.expect, got) {
                (Gives(want), Ok(got)) if *want == got => {}
                (Fails(status, ty, fragment), Err(e))
                    if e.status == *status
                        && e.scim_type == Some(*ty)
                        && e.detail.contains(fragment) => {}
                (Gives(want), got) => failures.push(format!(
                    "{}:\n  want {want}\n  got  {:?}",
                    c.name,
                    got.map(|v| v.to_string())
                )),
                (Fails(status, ty, fragment), got) => failures.push(format!(
                    "{}:\n  want {status} {} containing {fragment:?}\n  got  {got:?}",
                    c.name,
                    ty.as_str()
                )),
            }
        }
        assert!(
            failures.is_empty(),
            "{} failing:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// Every PATCH example of RFC 7644 section 3.5.2.
    #[test]
    fn rfc7644_examples() {
        let babs = json!({"display": "Babs Jensen",
            "$ref": format!("https://example.com/v2/Users/{BABS}"), "value": BABS});
        let mandy = json!({"value": MANDY, "display": "Mandy Pepperidge"});
        let james = json!({"display": "James Smith",
            "$ref": format!("https://example.com/v2/Users/{JAMES}"), "value": JAMES});
        let mandy_only = changed(group(), json!({"members": [mandy]}));
        run(alloc::vec![
            // 3.5.2.1: add a member.
            case(
                "add_member",
                "Group",
                mandy_only.clone(),
                ops(json!([{"op": "add", "path": "members", "value": [babs]}])),
                Gives(changed(
                    mandy_only.clone(),
                    json!({"members": [mandy, babs]})
                ))
            ),
            // 3.5.2.1: add without path: emails appended, nickname set (name in any case).
            case(
                "add_emails_and_nickname_without_path",
                "User",
                changed(
                    user(),
                    json!({"emails": [user()["emails"][0]], "nickName": null})
                ),
                ops(json!([{"op": "add", "value": {
                    "emails": [{"value": "babs@jensen.org", "type": "home"}],
                    "nickname": "Babs"}}])),
                Gives(user())
            ),
            // 3.5.2.2: remove all members.
            case(
                "remove_all_members",
                "Group",
                group(),
                ops(json!([{"op": "remove", "path": "members"}])),
                Gives(changed(group(), json!({"members": null})))
            ),
            // 3.5.2.2: remove one member by value filter.
            case(
                "remove_member_by_filter",
                "Group",
                group(),
                ops(json!([{"op": "remove",
                    "path": format!("members[value eq \"{BABS}\"]")}])),
                Gives(mandy_only.clone())
            ),
            // 3.5.2.2: remove with a complex filter.
            case(
                "remove_work_email_by_complex_filter",
                "User",
                user(),
                ops(json!([{"op": "remove",
                    "path": "emails[type eq \"work\" and value ew \"example.com\"]"}])),
                Gives(changed(
                    user(),
                    json!({"emails": [{"value": "babs@jensen.org", "type": "home"}]})
                ))
            ),
            // 3.5.2.2: remove several members, one operation each.
            case(
                "remove_multiple_members",
                "Group",
                group(),
                ops(json!([
                    {"op": "remove", "path": format!("members[value eq \"{BABS}\"]")},
                    {"op": "remove", "path": format!("members[value eq \"{MANDY}\"]")}])),
                Gives(changed(group(), json!({"members": null})))
            ),
            // 3.5.2.2: remove all members, then add one, in one request.
            case(
                "remove_then_add_members",
                "Group",
                group(),
                ops(json!([
                    {"op": "remove", "path": "members"},
                    {"op": "add", "path": "members", "value": [james]}])),
                Gives(changed(group(), json!({"members": [james]})))
            ),
            // 3.5.2.3: replace all members.
            case(
                "replace_members",
                "Group",
                group(),
                ops(json!([{"op": "replace", "path": "members", "value": [babs, james]}])),
                Gives(changed(group(), json!({"members": [babs, james]})))
            ),
            // 3.5.2.3: replace the work address.
            case(
                "replace_work_address",
                "User",
                user(),
                ops(
                    json!([{"op": "replace", "path": "addresses[type eq \"work\"]", "value": {
                    "type": "work", "streetAddress": "911 Universal City Plaza",
                    "locality": "Hollywood", "region": "CA", "postalCode": "91608",
                    "country": "US", "formatted": "911 Universal City Plaza\nHollywood, CA 91608 US",
                    "primary": true}}])
                ),
                Gives(changed(
                    user(),
                    json!({"addresses": [{
                    "type": "work", "streetAddress": "911 Universal City Plaza",
                    "locality": "Hollywood", "region": "CA", "postalCode": "91608",
                    "country": "US", "formatted": "911 Universal City Plaza\nHollywood, CA 91608 US",
                    "primary": true}]})
                ))
            ),
            // 3.5.2.3: replace one sub-attribute of the work address.
            case(
                "replace_work_street_address",
                "User",
                user(),
                ops(
                    json!([{"op": "replace", "path": "addresses[type eq \"work\"].streetAddress",
                    "value": "1010 Broadway Ave"}])
                ),
                Gives({
                    let mut u = user();
                    u["addresses"][0]["streetAddress"] = json!("1010 Broadway Ave");
                    u
                })
            ),
            // 3.5.2.3: replace without path: emails replaced as a list.
            case(
                "replace_emails_and_nickname_without_path",
                "User",
                user(),
                ops(json!([{"op": "replace", "value": {
                    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
                    "nickname": "Babsy"}}])),
                Gives(changed(
                    user(),
                    json!({"nickName": "Babsy",
                    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}]})
                ))
            ),
            // Extension attributes by URN path (RFC 7644 section 3.10 notation).
            case(
                "add_enterprise_manager",
                "User",
                user(),
                ops(json!([{"op": "add",
                    "path": format!("{ENTERPRISE_USER}:manager"),
                    "value": {"value": JAMES}}])),
                Gives(changed(
                    user(),
                    json!({"schemas": [USER, ENTERPRISE_USER],
                    ENTERPRISE_USER: {"manager": {"value": JAMES}}})
                ))
            ),
            case(
                "replace_enterprise_manager_value",
                "User",
                enterprise_user(),
                ops(json!([{"op": "replace",
                    "path": format!("{ENTERPRISE_USER}:manager.value"), "value": JAMES}])),
                Gives(changed(
                    enterprise_user(),
                    json!({ENTERPRISE_USER: {"manager": {"value": JAMES}}})
                ))
            ),
            case(
                "remove_enterprise_manager",
                "User",
                enterprise_user(),
                ops(json!([{"op": "remove", "path": format!("{ENTERPRISE_USER}:manager")}])),
                Gives(changed(
                    enterprise_user(),
                    json!({ENTERPRISE_USER: {"manager": null}})
                ))
            ),
            case(
                "remove_whole_extension",
                "User",
                enterprise_user(),
                ops(json!([{"op": "remove", "path": ENTERPRISE_USER}])),
                Gives(user())
            ),
            case(
                "removing_last_extension_attribute_drops_the_extension",
                "User",
                enterprise_user(),
                ops(json!([
                    {"op": "remove", "path": format!("{ENTERPRISE_USER}:manager")},
                    {"op": "remove", "path": "employeeNumber"}])),
                Gives(user())
            ),
        ]);
    }

    /// What Okta, Entra and the conformance suites send (shared/notes/clients.md).
    #[test]
    fn client_quirks() {
        let babs = json!({"value": BABS, "display": "Babs Jensen"});
        let mandy = json!({"value": MANDY, "display": "Mandy Pepperidge"});
        let james = json!({"value": JAMES, "display": "James Smith"});
        let bare_group = changed(group(), json!({"members": [babs, mandy]}));
        run(alloc::vec![
            case(
                "okta_deactivate_without_path",
                "User",
                user(),
                json!({"schemas": [PATCH_OP], "Operations": [
                    {"op": "replace", "value": {"active": false}}]}),
                Gives(changed(user(), json!({"active": false})))
            ),
            case(
                "okta_group_rename_with_id_in_value",
                "Group",
                group(),
                ops(json!([{"op": "replace", "value": {
                    "id": "e9e30dba-f08f-4109-8486-d5c6a331660a", "displayName": "Guides"}}])),
                Gives(changed(group(), json!({"displayName": "Guides"})))
            ),
            case(
                "okta_read_only_keys_in_value_are_ignored",
                "User",
                user(),
                ops(json!([{"op": "replace", "value": {
                    "id": "other", "meta": {"version": "W/\"9\""}, "groups": [],
                    "schemas": [USER], "title": "Lead"}}])),
                Gives(changed(user(), json!({"title": "Lead"})))
            ),
            case(
                "okta_member_remove_by_filter_then_add_with_display",
                "Group",
                bare_group.clone(),
                ops(json!([
                    {"op": "remove", "path": format!("members[value eq \"{MANDY}\"]")},
                    {"op": "add", "path": "members", "value": [james]}])),
                Gives(changed(
                    bare_group.clone(),
                    json!({"members": [babs, james]})
                ))
            ),
            case(
                "entra_capitalised_ops_and_keys",
                "User",
                user(),
                json!({"schemas": [PATCH_OP], "operations": [
                    {"Op": "Replace", "Path": "title", "Value": "Lead"},
                    {"op": "Add", "path": "displayName", "value": "Babs J"},
                    {"op": "Remove", "path": "nickName"}]}),
                Gives(changed(
                    user(),
                    json!({"title": "Lead", "displayName": "Babs J", "nickName": null})
                ))
            ),
            case(
                "entra_string_booleans",
                "User",
                user(),
                ops(json!([
                    {"op": "Replace", "path": "active", "value": "False"},
                    {"op": "Replace", "path": "emails[type eq \"home\"].primary", "value": "true"}])),
                Gives({
                    let mut u = changed(user(), json!({"active": false}));
                    u["emails"] = json!([
                        {"value": "bjensen@example.com", "type": "work"},
                        {"value": "babs@jensen.org", "type": "home", "primary": true}]);
                    u
                })
            ),
            case(
                "entra_dotted_and_urn_keys_in_pathless_value",
                "User",
                user(),
                ops(json!([{"op": "Replace", "value": {
                    "name.givenName": "Babs",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42",
                    "urn:ietf:params:scim:schemas:core:2.0:User:title": "Lead"}}])),
                Gives(changed(
                    user(),
                    json!({"schemas": [USER, ENTERPRISE_USER],
                    "name": {"givenName": "Babs"}, "title": "Lead",
                    ENTERPRISE_USER: {"employeeNumber": "42"}})
                ))
            ),
            case(
                "entra_manager_as_bare_string",
                "User",
                enterprise_user(),
                ops(json!([{"op": "Replace",
                    "path": format!("{ENTERPRISE_USER}:manager"), "value": JAMES}])),
                Gives(changed(
                    enterprise_user(),
                    json!({ENTERPRISE_USER: {"manager": {"value": JAMES}}})
                ))
            ),
            case(
                "entra_manager_as_array_with_null_ref",
                "User",
                user(),
                ops(json!([{"op": "Add",
                    "path": format!("{ENTERPRISE_USER}:manager"),
                    "value": [{"$ref": null, "value": JAMES}]}])),
                Gives(changed(
                    user(),
                    json!({"schemas": [USER, ENTERPRISE_USER],
                    ENTERPRISE_USER: {"manager": {"value": JAMES}}})
                ))
            ),
            case(
                "entra_clears_manager_with_empty_string",
                "User",
                enterprise_user(),
                ops(json!([{"op": "Replace",
                    "path": format!("{ENTERPRISE_USER}:manager"), "value": ""}])),
                Gives(changed(
                    enterprise_user(),
                    json!({ENTERPRISE_USER: {"manager": null}})
                ))
            ),
            case(
                "extension_urn_key_holding_an_object",
                "User",
                enterprise_user(),
                ops(json!([{"op": "add", "value": {
                    ENTERPRISE_USER: {"department": "Tour Operations", "manager": {"value": JAMES}}}}])),
                Gives(changed(
                    enterprise_user(),
                    json!({ENTERPRISE_USER: {
                    "department": "Tour Operations", "manager": {"value": JAMES}}})
                ))
            ),
            case(
                "entra_remove_members_with_value_list",
                "Group",
                bare_group.clone(),
                ops(json!([{"op": "Remove", "path": "members", "value": [{"value": BABS}]}])),
                Gives(changed(bare_group.clone(), json!({"members": [mandy]})))
            ),
            case(
                "remove_with_value_list_of_unknown_member_changes_nothing",
                "Group",
                bare_group.clone(),
                ops(json!([{"op": "Remove", "path": "members", "value": [{"value": JAMES}]}])),
                Gives(bare_group.clone())
            ),
            case(
                "entra_add_creates_missing_home_email",
                "User",
                changed(user(), json!({"emails": [user()["emails"][0]]})),
                ops(
                    json!([{"op": "Add", "path": "emails[type eq \"home\"].value", "value": "b@home.org"}])
                ),
                Gives(changed(
                    user(),
                    json!({"emails": [user()["emails"][0],
                    {"type": "home", "value": "b@home.org"}]})
                ))
            ),
            case(
                "entra_replace_creates_missing_home_postal_code",
                "User",
                user(),
                ops(
                    json!([{"op": "Replace", "path": "addresses[type eq \"home\"].postalCode", "value": "90210"}])
                ),
                Gives(changed(
                    user(),
                    json!({"addresses": [user()["addresses"][0],
                    {"type": "home", "postalCode": "90210"}]})
                ))
            ),
            case(
                "entra_replace_sets_sub_of_matching_element",
                "User",
                user(),
                ops(
                    json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "b@new.example"}])
                ),
                Gives({
                    let mut u = user();
                    u["emails"][0]["value"] = json!("b@new.example");
                    u
                })
            ),
            case(
                "entra_empty_string_and_null_clear",
                "User",
                user(),
                ops(json!([
                    {"op": "Replace", "path": "nickName", "value": ""},
                    {"op": "Replace", "path": "title", "value": null},
                    {"op": "Add", "path": "name.familyName", "value": ""},
                    {"op": "Replace", "path": "emails[type eq \"home\"].value", "value": null}])),
                Gives({
                    let mut u = changed(
                        user(),
                        json!({"nickName": null, "title": null,
                        "name": {"familyName": null}}),
                    );
                    u["emails"][1] = json!({"type": "home"});
                    u
                })
            ),
            case(
                "null_sub_attribute_in_value_clears_only_it",
                "User",
                user(),
                ops(
                    json!([{"op": "replace", "value": {"name": {"familyName": null, "middleName": "J"}}}])
                ),
                Gives(changed(
                    user(),
                    json!({"name": {"familyName": null, "middleName": "J"}})
                ))
            ),
            case(
                "empty_operations_change_nothing",
                "User",
                user(),
                ops(json!([])),
                Gives(user())
            ),
            case(
                "member_ref_null_is_fine",
                "Group",
                bare_group.clone(),
                ops(json!([{"op": "Add", "path": "members",
                    "value": [{"value": JAMES, "display": "James Smith", "$ref": null}]}])),
                Gives(changed(
                    bare_group.clone(),
                    json!({"members": [babs, mandy, james]})
                ))
            ),
            case(
                "adding_an_existing_member_does_not_duplicate_it",
                "Group",
                bare_group.clone(),
                ops(json!([{"op": "add", "path": "members", "value": [{"value": BABS}]}])),
                Gives(bare_group.clone())
            ),
            case(
                "adding_an_existing_member_refreshes_its_display",
                "Group",
                bare_group.clone(),
                ops(
                    json!([{"op": "add", "path": "members", "value": {"value": BABS, "display": "Barbara"}}])
                ),
                Gives(changed(
                    bare_group.clone(),
                    json!({"members": [
                    {"value": BABS, "display": "Barbara"}, mandy]})
                ))
            ),
            case(
                "missing_schemas_tolerated",
                "User",
                user(),
                json!({"Operations": [{"op": "replace", "path": "title", "value": "Lead"}]}),
                Gives(changed(user(), json!({"title": "Lead"})))
            ),
            case(
                "pathless_unknown_attribute_ignored",
                "User",
                user(),
                ops(
                    json!([{"op": "add", "value": {"shoeSize": 42, "title": "Lead",
                    "urn:example:unknown:1.0:User:x": 1, "urn:example:unknown:1.0:User": {"x": 1}}}])
                ),
                Gives(changed(user(), json!({"title": "Lead"})))
            ),
            case(
                "unknown_extension_urn_path_ignored",
                "User",
                user(),
                ops(
                    json!([{"op": "add", "path": "urn:example:unknown:1.0:User:shoeSize", "value": 42}])
                ),
                Gives(user())
            ),
        ]);
    }

    /// RFC 7644 3.5.2.3 on complex attributes, the one-primary rule, sub-attribute edits.
    #[test]
    fn multi_valued_and_complex_semantics() {
        run(alloc::vec![
            case(
                "replace_complex_with_path_keeps_unnamed_sub_attributes",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "name", "value": {"givenName": "Babs"}}])),
                Gives(changed(user(), json!({"name": {"givenName": "Babs"}})))
            ),
            case(
                "replace_complex_without_path_keeps_unnamed_sub_attributes",
                "User",
                user(),
                ops(json!([{"op": "replace", "value": {"NAME": {"GivenName": "Babs"}}}])),
                Gives(changed(user(), json!({"name": {"givenName": "Babs"}})))
            ),
            case(
                "add_sub_attribute_creates_complex_attribute",
                "User",
                changed(user(), json!({"name": null})),
                ops(json!([{"op": "add", "path": "name.givenName", "value": "Babs"}])),
                Gives(changed(
                    user(),
                    json!({"name": {"givenName": "Babs", "familyName": null}})
                ))
            ),
            case(
                "remove_sub_attribute",
                "User",
                user(),
                ops(json!([{"op": "remove", "path": "name.givenName"}])),
                Gives(changed(user(), json!({"name": {"givenName": null}})))
            ),
            case(
                "removing_last_sub_attribute_removes_attribute",
                "User",
                user(),
                ops(json!([{"op": "remove", "path": "name.givenName"},
                           {"op": "remove", "path": "name.familyName"}])),
                Gives(changed(user(), json!({"name": null})))
            ),
            case(
                "remove_sub_of_matching_elements",
                "User",
                user(),
                ops(json!([{"op": "remove", "path": "addresses[type eq \"work\"].streetAddress"}])),
                Gives({
                    let mut u = user();
                    u["addresses"][0]
                        .as_object_mut()
                        .unwrap()
                        .remove("streetAddress");
                    u
                })
            ),
            case(
                "remove_sub_drops_elements_left_empty",
                "User",
                changed(
                    user(),
                    json!({"emails": [{"value": "a@x.org"}, {"value": "b@x.org", "type": "home"}]})
                ),
                ops(json!([{"op": "remove", "path": "emails[value eq \"a@x.org\"].value"}])),
                Gives(changed(
                    user(),
                    json!({"emails": [{"value": "b@x.org", "type": "home"}]})
                ))
            ),
            case(
                "remove_filter_matching_nothing_is_a_no_op",
                "Group",
                group(),
                ops(json!([{"op": "remove", "path": format!("members[value eq \"{JAMES}\"]")}])),
                Gives(group())
            ),
            case(
                "remove_from_absent_extension_is_a_no_op",
                "User",
                user(),
                ops(json!([{"op": "remove", "path": "employeeNumber"}])),
                Gives(user())
            ),
            case(
                "added_primary_email_takes_primary_from_the_others",
                "User",
                user(),
                ops(json!([{"op": "add", "path": "emails",
                    "value": [{"value": "new@x.org", "type": "other", "primary": true}]}])),
                Gives(changed(
                    user(),
                    json!({"emails": [
                    {"value": "bjensen@example.com", "type": "work"},
                    {"value": "babs@jensen.org", "type": "home"},
                    {"value": "new@x.org", "type": "other", "primary": true}]})
                ))
            ),
            case(
                "add_with_filter_and_no_match_appends_with_filter_conditions",
                "User",
                user(),
                ops(
                    json!([{"op": "add", "path": "emails[type eq \"other\"]", "value": {"value": "o@x.org"}}])
                ),
                Gives(changed(
                    user(),
                    json!({"emails": [user()["emails"][0], user()["emails"][1],
                    {"type": "other", "value": "o@x.org"}]})
                ))
            ),
            case(
                "replace_matching_element_merges_sub_attributes",
                "User",
                user(),
                ops(
                    json!([{"op": "replace", "path": "emails[type eq \"home\"]", "value": {"display": "Home"}}])
                ),
                Gives({
                    let mut u = user();
                    u["emails"][1]["display"] = json!("Home");
                    u
                })
            ),
            case(
                "replace_filter_with_null_removes_matching_elements",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "emails[type eq \"home\"]", "value": null}])),
                Gives(changed(user(), json!({"emails": [user()["emails"][0]]})))
            ),
            case(
                "sub_attribute_of_multi_valued_without_filter_applies_to_all",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "emails.display", "value": "E"}])),
                Gives({
                    let mut u = user();
                    u["emails"][0]["display"] = json!("E");
                    u["emails"][1]["display"] = json!("E");
                    u
                })
            ),
            case(
                "replace_multi_valued_with_empty_list_clears_it",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "emails", "value": []}])),
                Gives(changed(user(), json!({"emails": null})))
            ),
            case(
                "failed_operation_leaves_nothing_applied",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "title", "value": "Lead"},
                           {"op": "replace", "path": "id", "value": "x"}])),
                Fails(400, ScimType::Mutability, "Operations[1]")
            ),
        ]);
    }

    /// Errors: status, scimType and a detail naming the problem.
    #[test]
    fn errors() {
        run(alloc::vec![
            case(
                "body_not_an_object",
                "User",
                user(),
                json!([]),
                Fails(400, ScimType::InvalidSyntax, "PatchOp")
            ),
            case(
                "operations_missing",
                "User",
                user(),
                json!({"schemas": [PATCH_OP]}),
                Fails(400, ScimType::InvalidSyntax, "Operations")
            ),
            case(
                "operations_not_an_array",
                "User",
                user(),
                json!({"Operations": {"op": "add"}}),
                Fails(400, ScimType::InvalidSyntax, "array")
            ),
            case(
                "operation_not_an_object",
                "User",
                user(),
                ops(json!(["add"])),
                Fails(400, ScimType::InvalidSyntax, "Operations[0]")
            ),
            case(
                "unknown_op_names_its_index",
                "User",
                user(),
                ops(
                    json!([{"op": "add", "path": "title", "value": "x"}, {"op": "copy", "path": "title"}])
                ),
                Fails(
                    400,
                    ScimType::InvalidSyntax,
                    "Operations[1]: unknown op `copy`"
                )
            ),
            case(
                "add_without_value",
                "User",
                user(),
                ops(json!([{"op": "add", "path": "title"}])),
                Fails(400, ScimType::InvalidSyntax, "needs a `value`")
            ),
            case(
                "pathless_value_not_an_object",
                "User",
                user(),
                ops(json!([{"op": "add", "value": "x"}])),
                Fails(400, ScimType::InvalidValue, "object of attributes")
            ),
            case(
                "remove_without_path",
                "User",
                user(),
                ops(json!([{"op": "remove"}])),
                Fails(400, ScimType::NoTarget, "path")
            ),
            case(
                "replace_filter_without_match",
                "User",
                user(),
                ops(
                    json!([{"op": "replace", "path": "emails[type eq \"other\"]", "value": {"value": "x@y.z"}}])
                ),
                Fails(400, ScimType::NoTarget, "matches")
            ),
            case(
                "replace_sub_without_match_and_no_eq_conditions",
                "User",
                user(),
                ops(
                    json!([{"op": "replace", "path": "emails[type ne \"work\" and type ne \"home\"].value", "value": "x@y.z"}])
                ),
                Fails(400, ScimType::NoTarget, "`eq`")
            ),
            case(
                "path_to_id",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "id", "value": "x"}])),
                Fails(400, ScimType::Mutability, "`id`")
            ),
            case(
                "path_to_meta_version",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "meta.version", "value": "x"}])),
                Fails(400, ScimType::Mutability, "meta.version")
            ),
            case(
                "path_to_groups",
                "User",
                user(),
                ops(json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}])),
                Fails(400, ScimType::Mutability, "groups")
            ),
            case(
                "remove_read_only",
                "User",
                user(),
                ops(json!([{"op": "remove", "path": "meta"}])),
                Fails(400, ScimType::Mutability, "meta")
            ),
            case(
                "unknown_attribute_path",
                "User",
                user(),
                ops(json!([{"op": "add", "path": "shoeSize", "value": 42}])),
                Fails(400, ScimType::InvalidPath, "shoeSize")
            ),
            case(
                "unknown_sub_attribute_path",
                "User",
                user(),
                ops(json!([{"op": "add", "path": "name.nickname", "value": "x"}])),
                Fails(400, ScimType::InvalidPath, "nickname")
            ),
            case(
                "malformed_path_says_where",
                "User",
                user(),
                ops(json!([{"op": "add", "path": "emails[type eq \"work\"", "value": "x"}])),
                Fails(400, ScimType::InvalidPath, "character 7")
            ),
            case(
                "path_not_a_string",
                "User",
                user(),
                ops(json!([{"op": "add", "path": 3, "value": "x"}])),
                Fails(400, ScimType::InvalidSyntax, "path")
            ),
            case(
                "wrong_type_value",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "active", "value": "maybe"}])),
                Fails(400, ScimType::InvalidValue, "active")
            ),
            case(
                "list_for_one_filtered_element",
                "User",
                user(),
                ops(
                    json!([{"op": "replace", "path": "emails[type eq \"work\"]", "value": [{}, {}]}])
                ),
                Fails(400, ScimType::InvalidValue, "one element")
            ),
            strict(case(
                "strict_requires_patch_op_schema",
                "User",
                user(),
                json!({"Operations": []}),
                Fails(400, ScimType::InvalidSyntax, PATCH_OP)
            )),
            strict(case(
                "strict_rejects_unknown_extension_urn_path",
                "User",
                user(),
                ops(
                    json!([{"op": "add", "path": "urn:example:unknown:1.0:User:shoeSize", "value": 42}])
                ),
                Fails(400, ScimType::InvalidPath, "urn:example:unknown:1.0:User")
            )),
            strict(case(
                "strict_rejects_unknown_key_in_pathless_value",
                "User",
                user(),
                ops(json!([{"op": "add", "value": {"shoeSize": 42}}])),
                Fails(400, ScimType::InvalidSyntax, "shoeSize")
            )),
            strict(case(
                "strict_rejects_unknown_extension_in_pathless_value",
                "User",
                user(),
                ops(json!([{"op": "add", "value": {"urn:example:unknown:1.0:User": {"x": 1}}}])),
                Fails(400, ScimType::InvalidSyntax, "urn:example:unknown:1.0")
            )),
        ]);
    }

    fn json_leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            prop::sample::select(alloc::vec![
                "",
                "work",
                "home",
                "true",
                "False",
                BABS,
                "x@y.z",
                ENTERPRISE_USER
            ])
            .prop_map(|s| json!(s)),
            "\\PC{0,8}".prop_map(Value::from),
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        json_leaf().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((json_key(), inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    fn json_key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(alloc::vec![
                "value",
                "type",
                "primary",
                "display",
                "givenName",
                "name.givenName",
                "emails",
                "members",
                "active",
                "id",
                "meta",
                "$ref",
                "userName",
                ENTERPRISE_USER,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            ])
            .prop_map(String::from),
            "[a-zA-Z.:]{0,10}",
        ]
    }

    fn path_text() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(alloc::vec![
                "members",
                "emails",
                "name",
                "name.givenName",
                "active",
                "id",
                "meta.version",
                "emails[type eq \"work\"]",
                "emails[type eq \"work\"].value",
                "emails[primary eq true].primary",
                "addresses[type eq \"home\"].postalCode",
                "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]",
                "emails[type ne \"work\" or value pr]",
                ENTERPRISE_USER,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
                "urn:x:y:z",
                "",
            ])
            .prop_map(String::from),
            "\\PC{0,24}",
        ]
    }

    fn operation() -> impl Strategy<Value = Value> {
        (
            prop::sample::select(alloc::vec!["add", "Replace", "REMOVE", "move", ""]),
            prop::option::of(path_text()),
            prop::option::of(json_value()),
        )
            .prop_map(|(op, path, value)| {
                let mut o = Map::new();
                o.insert("op", json!(op));
                if let Some(p) = path {
                    o.insert("path", json!(p));
                }
                if let Some(v) = value {
                    o.insert("value", v);
                }
                Value::Object(o)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// `apply` never panics, on arbitrary op bodies against users and groups, and a
        /// success never touches `id` or `meta`.
        #[test]
        fn apply_never_panics(
            operations in prop::collection::vec(prop_oneof![operation(), json_value()], 0..5),
            on_group in any::<bool>(),
            strict in any::<bool>(),
        ) {
            let (rs, before) = if on_group {
                (schema("Group"), group())
            } else {
                (schema("User"), enterprise_user())
            };
            let body = json!({"schemas": [PATCH_OP], "Operations": operations});
            if let Ok(after) = apply(&rs, &before, &body, strict) {
                prop_assert_eq!(after.get("id"), before.get("id"));
                prop_assert_eq!(after.get("meta"), before.get("meta"));
            }
        }

        /// Any JSON at all as the body.
        #[test]
        fn apply_never_panics_on_any_body(body in json_value()) {
            let _ = apply(&schema("User"), &user(), &body, false);
        }
    }
}
