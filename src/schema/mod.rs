//! Schemas as data (RFC 7643 section 7).
//!
//! An [`Attribute`] carries everything the engine needs to know about one attribute:
//! type, plurality, case sensitivity, mutability, returnability, uniqueness, canonical
//! values and sub-attributes. Validation, filtering, sorting, projection and discovery
//! all read these definitions; no SCIM rule hard-codes an attribute name when the
//! schema can say it instead.
//!
//! A [`ResourceSchema`] is one resource type as a tenant sees it: the core schema plus
//! its extensions, with the tenant's custom attributes already merged in.
//!
//! Validation of client input, by concept: [`normalize_resource`] and [`normalize_value`]
//! place a client's JSON into the canonical stored form (`normalize.rs`), converting
//! simple values to their types on the way (`coerce.rs`); [`check_required`] and
//! [`check_immutable`] check whole resources, and a strict tenant's `schemas` and
//! canonical values are checked during normalization (`checks.rs`).

pub mod builtin;
pub mod limits;

mod checks;
mod coerce;
mod normalize;
mod trail;

#[cfg(test)]
mod fixtures;

pub use checks::{check_immutable, check_required};
pub use normalize::{normalize_resource, normalize_value};

use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// How deeply complex attributes may nest in a schema. RFC 7643 allows one level
/// (sub-attributes are simple); custom schemas get some room, but data never drives
/// recursion deeper than this.
const MAX_NESTING: usize = 8;

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

/// `type` of an attribute (RFC 7643 section 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttrType {
    /// A sequence of characters.
    String,
    /// `true` or `false`.
    Boolean,
    /// A real number.
    Decimal,
    /// A whole number.
    Integer,
    /// An `xsd:dateTime`, compared as an instant.
    DateTime,
    /// Base64 data, compared exactly.
    Binary,
    /// A URI, compared exactly.
    Reference,
    /// A set of sub-attributes.
    Complex,
}

/// `mutability` (RFC 7643 section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    /// Set by the service provider only; client input is ignored.
    ReadOnly,
    /// Updatable.
    ReadWrite,
    /// Set once (at creation or when unassigned), never changed after.
    Immutable,
    /// Settable, never returned (`password`).
    WriteOnly,
}

/// `returned` (RFC 7643 section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    /// Always returned, whatever `attributes`/`excludedAttributes` say.
    Always,
    /// Never returned.
    Never,
    /// Returned unless excluded.
    Default,
    /// Returned only when named in `attributes`.
    Request,
}

/// `uniqueness` (RFC 7643 section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Uniqueness {
    /// No uniqueness.
    None,
    /// Unique within the tenant (for the resource type).
    Server,
    /// Globally unique.
    Global,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}
fn default_mutability() -> Mutability {
    Mutability::ReadWrite
}
fn default_returned() -> Returned {
    Returned::Default
}
fn default_uniqueness() -> Uniqueness {
    Uniqueness::None
}

/// One attribute definition, in the RFC 7643 section 7 wire shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attribute {
    /// The attribute's canonical name (the case used when storing and returning).
    pub name: String,
    /// Data type.
    #[serde(rename = "type")]
    pub ty: AttrType,
    /// Whether values are arrays.
    #[serde(default)]
    pub multi_valued: bool,
    /// Human-readable description.
    #[serde(default)]
    pub description: String,
    /// Required on create and replace.
    #[serde(default)]
    pub required: bool,
    /// Suggested values; enforced when the tenant is strict, except for `type`-like
    /// attributes where the RFC says "canonical" rather than "only".
    #[serde(default, skip_serializing_if = "is_empty")]
    pub canonical_values: Vec<String>,
    /// Case-sensitive comparison (strings).
    #[serde(default)]
    pub case_exact: bool,
    /// Who may write it.
    #[serde(default = "default_mutability")]
    pub mutability: Mutability,
    /// When it is returned.
    #[serde(default = "default_returned")]
    pub returned: Returned,
    /// Uniqueness scope.
    #[serde(default = "default_uniqueness")]
    pub uniqueness: Uniqueness,
    /// For `reference` attributes: the resource types or `external`/`uri`.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub reference_types: Vec<String>,
    /// For `complex` attributes.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub sub_attributes: Vec<Attribute>,
    /// Not part of RFC 7643: computed by the engine (e.g. `User.groups`); never stored.
    #[serde(default, skip_serializing_if = "is_false", rename = "x-computed")]
    pub computed: bool,
}

impl Attribute {
    /// Finds a sub-attribute by name, ignoring case (attribute names are case-insensitive).
    pub fn sub(&self, name: &str) -> Option<&Attribute> {
        find_attr(&self.sub_attributes, name)
    }
    /// A complex attribute's `value` sub-attribute, or the attribute itself when simple:
    /// what a filter or a sort compares when no sub-attribute is named.
    pub fn value_attr(&self) -> &Attribute {
        if self.ty == AttrType::Complex {
            self.sub("value").unwrap_or(self)
        } else {
            self
        }
    }
}

/// Finds an attribute by name in a list, ignoring ASCII case.
pub fn find_attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    find_attr_in(attrs, name)
}

/// [`find_attr`] over any sequence of attributes (e.g. [`ResourceSchema::top_level`]).
pub fn find_attr_in<'a>(
    attrs: impl IntoIterator<Item = &'a Attribute>,
    name: &str,
) -> Option<&'a Attribute> {
    attrs
        .into_iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
}

/// A schema: a URN and its attributes (RFC 7643 section 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// The schema URN, e.g. `urn:ietf:params:scim:schemas:core:2.0:User`.
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: String,
    /// Human-readable description.
    #[serde(default)]
    pub description: String,
    /// Top-level attributes (common attributes `id`, `externalId`, `meta` are not listed here;
    /// see [`ResourceSchema::common`]).
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

/// An extension schema attached to a resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    /// The extension schema.
    pub schema: Schema,
    /// Whether resources of the type must carry it.
    pub required: bool,
}

/// One resource type as a tenant sees it (RFC 7643 section 6).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSchema {
    /// The type's id and name, e.g. `User`.
    pub name: String,
    /// Endpoint below the SCIM base, e.g. `/Users`.
    pub endpoint: String,
    /// Human-readable description.
    pub description: String,
    /// `id`, `externalId`, `meta`: common to every resource type.
    pub common: Vec<Attribute>,
    /// The core schema, with tenant custom attributes merged in.
    pub core: Schema,
    /// Extensions, in declaration order.
    pub extensions: Vec<Extension>,
}

/// Where an attribute lives in a resource: at the top level (core or common attribute)
/// or inside an extension object keyed by the extension URN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container<'a> {
    /// Top level of the resource JSON.
    Core,
    /// Inside `resource[urn]`.
    Extension(&'a str),
}

impl Container<'_> {
    /// An attribute's value in a stored resource: at the top level, or inside the
    /// extension object keyed by its URN.
    pub fn get<'v>(self, resource: &'v Value, name: &str) -> Option<&'v Value> {
        match self {
            Container::Core => resource.get(name),
            Container::Extension(urn) => resource.get(urn)?.get(name),
        }
    }
}

impl ResourceSchema {
    /// Every schema URN of this type: the core first, then extensions.
    pub fn schema_urns(&self) -> impl Iterator<Item = &str> {
        core::iter::once(self.core.id.as_str())
            .chain(self.extensions.iter().map(|e| e.schema.id.as_str()))
    }

    /// Finds an extension by URN, ignoring case.
    pub fn extension(&self, urn: &str) -> Option<&Extension> {
        self.extensions.get(self.extension_index(urn)?)
    }

    /// The position of an extension in [`ResourceSchema::extensions`], by URN ignoring case.
    fn extension_index(&self, urn: &str) -> Option<usize> {
        self.extensions
            .iter()
            .position(|e| e.schema.id.eq_ignore_ascii_case(urn))
    }

    /// Resolves a top-level attribute name, optionally qualified by a schema URN
    /// (`urn:...:User:userName`, `urn:...:enterprise:2.0:User:employeeNumber`).
    ///
    /// Unqualified names are looked up in the common attributes, then the core schema,
    /// then each extension. Returns where the attribute is stored and its definition.
    pub fn resolve(&self, urn: Option<&str>, name: &str) -> Option<(Container<'_>, &Attribute)> {
        match urn {
            Some(urn) if urn.eq_ignore_ascii_case(&self.core.id) => self.resolve_core(name),
            Some(urn) => {
                let ext = self.extension(urn)?;
                find_attr(&ext.schema.attributes, name)
                    .map(|a| (Container::Extension(ext.schema.id.as_str()), a))
            }
            None => self.resolve_core(name).or_else(|| {
                self.extensions.iter().find_map(|ext| {
                    find_attr(&ext.schema.attributes, name)
                        .map(|a| (Container::Extension(ext.schema.id.as_str()), a))
                })
            }),
        }
    }

    fn resolve_core(&self, name: &str) -> Option<(Container<'_>, &Attribute)> {
        find_attr_in(self.top_level(), name).map(|a| (Container::Core, a))
    }

    /// The attributes stored at the top level: the common ones, then the core schema's.
    pub fn top_level(&self) -> impl Iterator<Item = &Attribute> {
        self.common.iter().chain(&self.core.attributes)
    }

    /// A top-level attribute by its canonical name (exact case: stored keys are canonical).
    pub fn top_level_exact(&self, name: &str) -> Option<&Attribute> {
        self.top_level().find(|a| a.name == name)
    }

    /// Splits `urn:...:Schema:attr.sub` into the URN (if it names one of this type's
    /// schemas, ignoring case) and the rest. A text that starts with `urn:` but names no
    /// known schema is split at its last `:`.
    pub fn split_urn<'p>(&self, path: &'p str) -> (Option<&'p str>, &'p str) {
        split_urn_prefix(path, self.schema_urns())
    }
}

/// Splits a URN-qualified attribute path into `(Some(urn), rest)` given the known URNs.
///
/// Attribute names never contain `:`, so for an unknown URN the split is at the last `:`
/// before any `[` (a value filter may contain colons in its literals).
pub fn split_urn_prefix<'p, 'u>(
    path: &'p str,
    known: impl Iterator<Item = &'u str>,
) -> (Option<&'p str>, &'p str) {
    if !path
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
    {
        return (None, path);
    }
    for urn in known {
        if path.len() > urn.len()
            && path.as_bytes()[urn.len()] == b':'
            && path
                .get(..urn.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(urn))
        {
            return (Some(&path[..urn.len()]), &path[urn.len() + 1..]);
        }
        if path.eq_ignore_ascii_case(urn) {
            return (Some(path), "");
        }
    }
    let head = path.find('[').map_or(path, |i| &path[..i]);
    match head.rfind(':') {
        Some(i) => (Some(&path[..i]), &path[i + 1..]),
        None => (None, path),
    }
}
