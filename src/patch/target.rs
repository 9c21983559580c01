//! Where a PATCH operation lands: its path resolved against the resource type's schema
//! (attribute, sub-attribute, value filter, extension), the read-only rules, and the
//! object that holds the attribute. What is written there is `merge.rs`'s business.

use super::merge::is_clear;
use super::{apply_pathless, Kind};
use crate::error::{Result, ScimError};
use crate::filter;
use crate::path::PatchPath;
use crate::schema::{Attribute, Container, Mutability, ResourceSchema};
use crate::value::{Map, Value};
use alloc::format;

/// Whether the operation's path came from the client's `path` or from a key of a pathless
/// `value`: read-only and unknown attributes are errors in the first case only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// The operation's `path`.
    Path,
    /// A key of a pathless `value` object.
    ValueKey,
}

/// Whether a parsed path is qualified by a URN that is none of the type's schemas.
pub(super) fn is_unknown_urn(rs: &ResourceSchema, path: &PatchPath) -> bool {
    path.urn
        .as_deref()
        .is_some_and(|u| !rs.schema_urns().any(|k| k.eq_ignore_ascii_case(u)))
}

/// Applies one operation to one parsed path whose URN (if any) is a known schema.
pub(super) fn apply_path(
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

/// One resolved top-level attribute (and sub-attribute) being patched.
pub(super) struct Target<'s> {
    /// The top-level attribute.
    pub(super) def: &'s Attribute,
    /// The sub-attribute named by the path (`emails[type eq "work"].value`), if any.
    pub(super) sub: Option<&'s Attribute>,
    /// Whether the tenant rejects unknown names and non-canonical values.
    pub(super) strict: bool,
}
