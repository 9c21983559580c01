//! A type's hashed attribute indexes, derived from its schema: one per single-valued
//! attribute whose `uniqueness` is `server` or `global` (what every write is checked
//! against: `userName`, a Group's `displayName` unless the tenant allows duplicates, any
//! custom or extension attribute declared unique), plus `externalId`, an exact-match
//! lookup (RFC 7643 does not make it unique, but clients look resources up by it). The
//! list planner answers `attr eq "..."` from the same set.
//!
//! A key is a value as its attribute compares it (`crate::filter::compare_values`, the
//! filter's `eq`): text folded by the one `fold` unless `caseExact` (references and binary
//! are always exact), numbers by value (`1` and `1.0` are one key), date-times by instant
//! (`...T01:00:00+01:00` is `...T00:00:00Z`), booleans as `true`/`false`. Two values are
//! equal by that comparison exactly when their keys are equal, so one probe finds every
//! equal value and nothing else.

use super::{IdLookup, IdSet};
use crate::filter::{Literal, Num};
use crate::fold::fold;
use crate::schema::{AttrType, Attribute, Container, Mutability, ResourceSchema, Uniqueness};
use crate::time::Instant;
use crate::value::{Text, Value};
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The one attribute indexed without being unique: what clients look resources up by.
const EXTERNAL_ID: &str = "externalId";

/// How an attribute's values become keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    /// Case-insensitive text: folded.
    Folded,
    /// Case-exact text, references, binary: as stored.
    Exact,
    /// Integers and decimals: by numeric value.
    Number,
    /// Date-times: by instant.
    Instant,
    /// Booleans.
    Boolean,
}

/// Which attribute an index covers and how its keys are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeySpec {
    /// The extension URN holding the attribute, `None` at the top level.
    ext: Option<Text>,
    /// The attribute's canonical name.
    name: Text,
    /// For a complex attribute, the sub-attribute it compares by (`value`).
    sub: Option<Text>,
    kind: KeyKind,
    /// A write may not give a resource the key another one holds.
    pub(crate) unique: bool,
}

impl KeySpec {
    /// The index an attribute needs, if any: single-valued, unique or `externalId`, and
    /// of a type that compares by value. Read-only attributes are skipped: the service
    /// provider assigns them (`id` is the store's own key).
    fn of(container: Container<'_>, attr: &Attribute) -> Option<KeySpec> {
        let unique = attr.uniqueness != Uniqueness::None;
        let lookup = container == Container::Core && attr.name == EXTERNAL_ID;
        if attr.multi_valued || attr.mutability == Mutability::ReadOnly || !(unique || lookup) {
            return None;
        }
        let scalar = attr.value_attr();
        let sub = match attr.ty {
            // A complex attribute without a `value` compares by nothing.
            AttrType::Complex if core::ptr::eq(scalar, attr) => return None,
            AttrType::Complex => Some(Text::new(&scalar.name)),
            _ => None,
        };
        let kind = match scalar.ty {
            AttrType::String if !scalar.case_exact => KeyKind::Folded,
            AttrType::String | AttrType::Reference | AttrType::Binary => KeyKind::Exact,
            AttrType::Integer | AttrType::Decimal => KeyKind::Number,
            AttrType::DateTime => KeyKind::Instant,
            AttrType::Boolean => KeyKind::Boolean,
            AttrType::Complex => return None,
        };
        Some(KeySpec {
            ext: match container {
                Container::Core => None,
                Container::Extension(urn) => Some(Text::new(urn)),
            },
            name: Text::new(&attr.name),
            sub,
            kind,
            unique,
        })
    }

    /// A text naming everything this spec keys by (attribute, sub-attribute, how values
    /// become keys, uniqueness), so a store can tell whether the declaration it holds is
    /// still the one in force. Stable across builds: it is stored.
    pub(crate) fn fingerprint(&self) -> String {
        let kind = match self.kind {
            KeyKind::Folded => "folded",
            KeyKind::Exact => "exact",
            KeyKind::Number => "number",
            KeyKind::Instant => "instant",
            KeyKind::Boolean => "boolean",
        };
        format!(
            "{}|{}|{}|{}|{}",
            self.ext.as_deref().unwrap_or(""),
            self.name,
            self.sub.as_deref().unwrap_or(""),
            kind,
            if self.unique { "unique" } else { "lookup" }
        )
    }

    /// The attribute's canonical name, for messages.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The attribute's value in a stored resource.
    pub(crate) fn value<'v>(&self, resource: &'v Value) -> Option<&'v Value> {
        let holder = match &self.ext {
            Some(urn) => resource.get(urn)?,
            None => resource,
        };
        let value = holder.get(&self.name)?;
        match &self.sub {
            Some(sub) => value.get(sub),
            None => Some(value),
        }
    }

    /// The key of a stored resource, `None` when the attribute is unassigned or holds a
    /// value of another type (which no `eq` matches either).
    pub(crate) fn key<'v>(&self, resource: &'v Value) -> Option<Cow<'v, str>> {
        let value = self.value(resource)?;
        match self.kind {
            KeyKind::Folded => value.as_str().map(fold),
            KeyKind::Exact => value.as_str().map(Cow::Borrowed),
            KeyKind::Number => match value {
                Value::Number(n) => Num::from_json(n).map(number_key),
                _ => None,
            },
            KeyKind::Instant => value.as_str().and_then(crate::time::parse).map(instant_key),
            KeyKind::Boolean => value.as_bool().map(bool_key),
        }
    }

    /// The key `attr eq literal` looks for, read exactly as the filter compiler reads a
    /// literal for this attribute's type; `None` when no stored value can equal it.
    pub(crate) fn literal_key<'l>(&self, literal: &'l Literal) -> Option<Cow<'l, str>> {
        match (self.kind, literal) {
            (_, Literal::Null) => None,
            (KeyKind::Folded, Literal::String(s) | Literal::Number(s)) => Some(fold(s)),
            (KeyKind::Exact, Literal::String(s) | Literal::Number(s)) => Some(Cow::Borrowed(s)),
            (KeyKind::Folded | KeyKind::Exact | KeyKind::Boolean, Literal::Bool(b)) => {
                Some(bool_key(*b))
            }
            (KeyKind::Number, Literal::String(s) | Literal::Number(s)) => {
                Num::from_text(s).map(number_key)
            }
            (KeyKind::Instant, Literal::String(s)) => crate::time::parse(s).map(instant_key),
            (KeyKind::Boolean, Literal::String(s)) => match s.trim() {
                t if t.eq_ignore_ascii_case("true") => Some(bool_key(true)),
                t if t.eq_ignore_ascii_case("false") => Some(bool_key(false)),
                _ => None,
            },
            (KeyKind::Number | KeyKind::Instant, Literal::Bool(_))
            | (KeyKind::Instant | KeyKind::Boolean, Literal::Number(_)) => None,
        }
    }

    /// Whether this index covers the attribute a filter path resolved to (with the
    /// sub-attribute named, if any).
    pub(crate) fn covers(
        &self,
        container: Container<'_>,
        attr: &Attribute,
        sub: Option<&str>,
    ) -> bool {
        let ext = match container {
            Container::Core => None,
            Container::Extension(urn) => Some(urn),
        };
        let sub_matches = match (&self.sub, sub) {
            (_, None) => true,
            (Some(mine), Some(named)) => mine.eq_ignore_ascii_case(named),
            (None, Some(_)) => false,
        };
        self.ext.as_deref() == ext && self.name == attr.name && sub_matches
    }
}

/// A number's key: integers (and doubles with no fraction) as decimal integers, other
/// doubles in Rust's shortest round-trip form. Equal numbers by `Num::cmp` give equal
/// keys: an integer equals a double only when the double has no fraction.
fn number_key<'a>(n: Num) -> Cow<'a, str> {
    // Beyond this a double is never equal to an `i128` (`Num::cmp` says the same).
    const LIMIT: f64 = 1.7e38;
    Cow::Owned(match n {
        Num::Int(i) => i.to_string(),
        Num::Float(f) if f > -LIMIT && f < LIMIT && (f as i128) as f64 == f => {
            (f as i128).to_string()
        }
        Num::Float(f) => format!("{f:?}"),
    })
}

/// An instant's key: milliseconds and the nanoseconds below them.
fn instant_key<'a>(t: Instant) -> Cow<'a, str> {
    Cow::Owned(format!("{}.{:06}", t.millis, t.sub_nanos))
}

fn bool_key<'a>(b: bool) -> Cow<'a, str> {
    Cow::Borrowed(if b { "true" } else { "false" })
}

/// One attribute's index: key -> ids.
#[derive(Debug, Clone)]
pub(crate) struct KeyIndex {
    pub(crate) spec: KeySpec,
    ids: IdLookup,
}

impl KeyIndex {
    /// An empty index of `spec`.
    pub(crate) fn new(spec: KeySpec) -> KeyIndex {
        KeyIndex {
            spec,
            ids: IdLookup::default(),
        }
    }

    /// Records `id` under the resource's key.
    pub(crate) fn add(&mut self, resource: &Value, id: &str) {
        if let Some(key) = self.spec.key(resource) {
            self.ids.add(&key, id);
        }
    }

    /// Drops `id` from under the resource's key.
    pub(crate) fn discard(&mut self, resource: &Value, id: &str) {
        if let Some(key) = self.spec.key(resource) {
            self.ids.discard(&key, id);
        }
    }

    /// The ids holding `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&IdSet> {
        self.ids.get(key)
    }
}

/// The keyed attributes of a resource type (in schema order: a key's slot).
pub(crate) fn specs_for(rs: &ResourceSchema) -> Vec<KeySpec> {
    let core = rs.top_level().map(|a| (Container::Core, a));
    let extensions = rs.extensions.iter().flat_map(|e| {
        let urn = e.schema.id.as_str();
        e.schema
            .attributes
            .iter()
            .map(move |a| (Container::Extension(urn), a))
    });
    core.chain(extensions)
        .filter_map(|(container, attr)| KeySpec::of(container, attr))
        .collect()
}

#[cfg(test)]
mod tests;
