//! The engine's JSON value: what resources are stored as and what every module reads.
//!
//! Why not `serde_json::Value`: without `std`, its objects are `BTreeMap<String, Value>`.
//! A B-tree leaf costs about 630 bytes even for two keys and every key is a separate heap
//! string, so a 470-byte user took 4.8 KB and ingest spent its time in the allocator
//! and in the kernel zeroing pages. Here an object is one `Vec` of (key, value) pairs in
//! insertion order, and keys and strings up to 24 bytes live inline ([`Text`]), so a user
//! is a handful of allocations.
//!
//! The API follows `serde_json::Value` and `serde_json::Map` closely, so code reads the
//! same. Differences that matter:
//! - A string is [`Text`], not `String` (`Value::from` takes either; `as_str` reads it).
//! - Objects keep insertion order (serialized in that order too) and are compared
//!   without regard to order.
//! - Lookup in an object is a linear scan. SCIM objects are small (a resource has at
//!   most a few dozen attributes); parsing stays linear in the input however large an
//!   object is (duplicate keys are found through an ordered map; the last one wins, as in
//!   serde_json).
//! - [`json!`](crate::json) builds through `serde_json::json!`, so it is for tests,
//!   errors and discovery documents, not for hot paths.
//! - JSON text becomes a `Value` one way: the parser in `value/parse.rs`, [`from_slice`]
//!   for request bodies, [`from_str`] for stored resources and exports a host reads back
//!   (measured against serde_json in `benches/json.rs`). `Value` is `Serialize` but not
//!   `Deserialize`; typed structs (settings, schemas) convert through [`to_value`] and
//!   [`from_value`].

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::de;
use serde::ser::{Serialize, SerializeMap, Serializer};

mod parse;
pub use parse::{from_slice, from_str, ParseError};

/// Text in a value: strings and object keys up to 24 bytes live inline, without a heap
/// allocation (most SCIM strings: names, types, timestamps, versions, short userNames).
pub use compact_str::CompactString as Text;
/// An object key.
pub type Key = Text;
pub use serde_json::Number;

/// A JSON value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// `null`, and what an absent attribute reads as.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json keeps it (integer or finite float).
    Number(Number),
    /// A string.
    String(Text),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// A JSON object: (key, value) pairs in insertion order, keys unique.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(Key, Value)>,
}

static NULL: Value = Value::Null;

/// Objects up to this size are checked for duplicate keys pairwise, without allocating.
const SMALL: usize = 16;

impl Map {
    /// An empty object.
    pub const fn new() -> Map {
        Map {
            entries: Vec::new(),
        }
    }

    /// An empty object with room for `n` keys.
    pub fn with_capacity(n: usize) -> Map {
        Map {
            entries: Vec::with_capacity(n),
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k.as_str() == key)
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }

    /// The value at `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }

    /// The stored key and value at `key`.
    pub fn get_key_value(&self, key: &str) -> Option<(&Key, &Value)> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(k, v)| (k, v))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` (in place if present, else at the end) and returns the old value.
    pub fn insert(&mut self, key: impl Into<Key>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.position(&key) {
            Some(i) => self
                .entries
                .get_mut(i)
                .map(|slot| core::mem::replace(&mut slot.1, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Makes room for `n` more keys.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve_exact(n);
    }

    /// Sets `key` as the first key (moving it there if present).
    pub fn insert_first(&mut self, key: impl Into<Key>, value: Value) {
        let key = key.into();
        if let Some(i) = self.position(&key) {
            self.entries.remove(i);
        }
        self.entries.insert(0, (key, value));
    }

    /// Removes `key`, keeping the order of the others, and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        Some(self.entries.remove(i).1)
    }

    /// Removes `key` and returns the stored key with its value.
    pub fn remove_entry(&mut self, key: &str) -> Option<(Key, Value)> {
        let i = self.position(key)?;
        Some(self.entries.remove(i))
    }

    /// The slot for `key`, to fill or change in one lookup.
    pub fn entry(&mut self, key: impl Into<Key>) -> Entry<'_> {
        let key = key.into();
        match self.position(&key) {
            Some(i) => Entry::Occupied(OccupiedEntry {
                value: &mut self.entries[i].1, // found just now: in bounds
            }),
            None => Entry::Vacant(VacantEntry { map: self, key }),
        }
    }

    /// Keeps the pairs `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&Key, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The pairs, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Key, &Value)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The pairs, in order, values mutable.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&Key, &mut Value)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Key> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values, in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values, in order, mutable.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Builds an object from pairs that may repeat keys: the last value wins, at the
    /// place of the first. Linear-logarithmic, whatever the input.
    fn from_pairs(mut entries: Vec<(Key, Value)>) -> Map {
        let small_and_unique = entries.len() <= SMALL
            && entries
                .iter()
                .enumerate()
                .all(|(i, (k, _))| entries.iter().take(i).all(|(b, _)| b != k));
        if small_and_unique {
            // The usual case: take the vector as it is, without allocating.
            return Map { entries };
        }
        // Where each key first appears (one ordered lookup per pair), then every repeat
        // hands its value to that first place and is dropped.
        let mut first_seen: alloc::collections::BTreeMap<&str, usize> = Default::default();
        let first: Vec<usize> = entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| *first_seen.entry(k.as_str()).or_insert(i))
            .collect();
        drop(first_seen);
        for (i, &f) in first.iter().enumerate() {
            if f != i {
                // In input order, so the last repeat's value is the one that stays.
                let value = entries.get_mut(i).map(|e| e.1.take()).unwrap_or_default();
                if let Some(e) = entries.get_mut(f) {
                    e.1 = value;
                }
            }
        }
        let mut i = 0;
        entries.retain(|_| {
            let keep = first.get(i) == Some(&i);
            i += 1;
            keep
        });
        Map { entries }
    }
}

impl PartialEq for Map {
    /// Same keys with equal values, in any order.
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len()
            && self
                .entries
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|w| v == w))
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<Key>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Map {
        Map::from_pairs(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl<K: Into<Key>> Extend<(K, Value)> for Map {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Map {
    type Item = (Key, Value);
    type IntoIter = alloc::vec::IntoIter<(Key, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Key, &'a Value);
    type IntoIter = core::iter::Map<
        core::slice::Iter<'a, (Key, Value)>,
        fn(&'a (Key, Value)) -> (&'a Key, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a Key, &'a mut Value);
    type IntoIter = core::iter::Map<
        core::slice::IterMut<'a, (Key, Value)>,
        fn(&'a mut (Key, Value)) -> (&'a Key, &'a mut Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl core::ops::Index<&str> for Map {
    type Output = Value;
    /// The value at `key`, or `null`.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

/// A slot in a [`Map`], from [`Map::entry`].
pub enum Entry<'a> {
    /// The key is absent.
    Vacant(VacantEntry<'a>),
    /// The key is present.
    Occupied(OccupiedEntry<'a>),
}

/// An absent key's slot.
pub struct VacantEntry<'a> {
    map: &'a mut Map,
    key: Key,
}

/// A present key's slot.
pub struct OccupiedEntry<'a> {
    value: &'a mut Value,
}

impl<'a> VacantEntry<'a> {
    /// Adds the key with `value`.
    pub fn insert(self, value: Value) -> &'a mut Value {
        let entries = &mut self.map.entries;
        entries.push((self.key, value));
        let last = entries.len() - 1; // just pushed: in bounds
        &mut entries[last].1
    }
}

impl<'a> OccupiedEntry<'a> {
    /// The value.
    pub fn get_mut(&mut self) -> &mut Value {
        self.value
    }

    /// The value, for as long as the map is borrowed.
    pub fn into_mut(self) -> &'a mut Value {
        self.value
    }
}

impl<'a> Entry<'a> {
    /// The value, inserting `default` first if absent.
    pub fn or_insert(self, default: Value) -> &'a mut Value {
        match self {
            Entry::Vacant(slot) => slot.insert(default),
            Entry::Occupied(slot) => slot.into_mut(),
        }
    }

    /// The value, inserting `make()` first if absent.
    pub fn or_insert_with(self, make: impl FnOnce() -> Value) -> &'a mut Value {
        match self {
            Entry::Vacant(slot) => slot.insert(make()),
            Entry::Occupied(slot) => slot.into_mut(),
        }
    }
}

impl Value {
    /// `self[index]` without the default: `None` if absent or of the wrong kind.
    pub fn get<I: ValueIndex>(&self, index: I) -> Option<&Value> {
        index.index_into(self)
    }

    /// [`Value::get`], mutably.
    pub fn get_mut<I: ValueIndex>(&mut self, index: I) -> Option<&mut Value> {
        index.index_into_mut(self)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The number as `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The number as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The elements, mutably, if this is an array.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The object, mutably, if this is one.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether this is a boolean.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Takes the value out, leaving `null`.
    pub fn take(&mut self) -> Value {
        core::mem::take(self)
    }

    /// The value at a JSON Pointer (RFC 6901), such as `/meta/version`.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |target, token| {
            let unescaped;
            let token = if token.contains('~') {
                unescaped = token.replace("~1", "/").replace("~0", "~");
                unescaped.as_str()
            } else {
                token
            };
            match target {
                Value::Object(map) => map.get(token),
                Value::Array(list) => token.parse::<usize>().ok().and_then(|i| list.get(i)),
                _ => None,
            }
        })
    }
}

/// What [`Value::get`] accepts: an object key or an array position.
pub trait ValueIndex {
    /// The value at this index in `v`.
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value>;
    /// The value at this index in `v`, mutably.
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value>;
}

impl ValueIndex for str {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_object()?.get(self)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_object_mut()?.get_mut(self)
    }
}

impl ValueIndex for String {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().index_into(v)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        self.as_str().index_into_mut(v)
    }
}

impl ValueIndex for Key {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().index_into(v)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        self.as_str().index_into_mut(v)
    }
}

impl ValueIndex for usize {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_array()?.get(*self)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_array_mut()?.get_mut(*self)
    }
}

impl<T: ValueIndex + ?Sized> ValueIndex for &T {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).index_into(v)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        (**self).index_into_mut(v)
    }
}

impl<I: ValueIndex> core::ops::Index<I> for Value {
    type Output = Value;
    /// The value at `index`, or `null` (never panics).
    fn index(&self, index: I) -> &Value {
        index.index_into(self).unwrap_or(&NULL)
    }
}

impl fmt::Display for Value {
    /// Compact JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

macro_rules! eq_via {
    ($($t:ty => |$v:ident, $o:ident| $e:expr;)*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                let ($v, $o) = (self, other);
                $e
            }
        }
    )*};
}

eq_via! {
    str => |v, o| v.as_str() == Some(o);
    &str => |v, o| v.as_str() == Some(*o);
    String => |v, o| v.as_str() == Some(o.as_str());
    bool => |v, o| v.as_bool() == Some(*o);
    i64 => |v, o| v.as_i64() == Some(*o);
    u64 => |v, o| v.as_u64() == Some(*o);
    i32 => |v, o| v.as_i64() == Some(i64::from(*o));
    usize => |v, o| v.as_u64() == u64::try_from(*o).ok();
}

macro_rules! from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Number(Number::from(n))
            }
        }
    )*};
}

from_number!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl From<f64> for Value {
    /// A finite float; NaN and infinities become `null`, as JSON has no place for them.
    fn from(n: f64) -> Value {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Text::from(s))
    }
}

impl From<Text> for Value {
    fn from(s: Text) -> Value {
        Value::String(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(Text::new(s))
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(Text::new(s))
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(list: Vec<T>) -> Value {
        Value::Array(list.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(Text::from(s)),
            serde_json::Value::Array(a) => Value::Array(a.into_iter().map(Value::from).collect()),
            // serde_json's keys are already unique.
            serde_json::Value::Object(m) => Value::Object(Map {
                entries: m
                    .into_iter()
                    .map(|(k, v)| (Key::from(k), Value::from(v)))
                    .collect(),
            }),
        }
    }
}

impl From<Value> for serde_json::Value {
    fn from(v: Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Number(n) => serde_json::Value::Number(n),
            Value::String(s) => serde_json::Value::String(String::from(s)),
            Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(serde_json::Value::from).collect())
            }
            Value::Object(m) => serde_json::Value::Object(
                m.into_iter()
                    .map(|(k, v)| (String::from(k), serde_json::Value::from(v)))
                    .collect(),
            ),
        }
    }
}

/// Serializes `value` into a [`Value`] (through serde_json; not for hot paths).
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, serde_json::Error> {
    serde_json::to_value(value).map(Value::from)
}

/// Deserializes a `T` from a [`Value`] (through serde_json; not for hot paths).
pub fn from_value<T: de::DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::Value::from(value))
}

/// A JSON literal, as `serde_json::json!` writes it, as a [`Value`].
#[macro_export]
macro_rules! json {
    ($($json:tt)+) => {
        $crate::value::Value::from(::serde_json::json!($($json)+))
    };
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(text) => s.serialize_str(text),
            Value::Array(list) => s.collect_seq(list),
            Value::Object(map) => map.serialize(s),
        }
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_map(Some(self.len()))?;
        for (k, v) in &self.entries {
            out.serialize_entry(k.as_str(), v)?;
        }
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    /// `value["key"] = ...` in tests, as with serde_json. Runtime code uses
    /// [`Value::get_mut`] and [`Map::insert`], which cannot panic.
    impl core::ops::IndexMut<&str> for Value {
        fn index_mut(&mut self, key: &str) -> &mut Value {
            if self.is_null() {
                *self = Value::Object(Map::new());
            }
            match self {
                Value::Object(map) => map.entry(key).or_insert(Value::Null),
                _ => panic!("cannot index {self:?} with {key:?}"),
            }
        }
    }

    impl core::ops::IndexMut<usize> for Value {
        fn index_mut(&mut self, i: usize) -> &mut Value {
            match self {
                Value::Array(list) => &mut list[i],
                _ => panic!("cannot index {self:?} with {i}"),
            }
        }
    }

    /// (JSON text, what serde_json makes of it): parsing and printing agree with
    /// serde_json except for key order.
    #[test]
    fn parses_like_serde_json() {
        let cases = [
            r#"null"#,
            r#"[true, false, 0, -1, 1.5, 18446744073709551615, "x", "\u00e9"]"#,
            r#"{"b": 1, "a": {"c": [1, {"d": null}]}}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k1":100,"k17":17}"#,
        ];
        for text in cases {
            let ours = from_str(text).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, Value::from(theirs.clone()), "{text}");
            assert_eq!(serde_json::Value::from(ours.clone()), theirs, "{text}");
            let reprinted = from_str(&ours.to_string()).unwrap();
            assert_eq!(reprinted, ours, "{text}");
        }
    }

    #[test]
    fn duplicate_keys_keep_the_first_place_and_the_last_value() {
        for n in [3, 40] {
            let mut text = String::from("{");
            for i in 0..n {
                text.push_str(&alloc::format!("\"k{i}\":{i},"));
            }
            text.push_str("\"k1\":\"last\",\"k0\":\"again\"}");
            let v = from_str(&text).unwrap();
            let map = v.as_object().unwrap();
            assert_eq!(map.len(), n);
            let keys: Vec<&str> = map.keys().map(|k| k.as_str()).collect();
            assert_eq!(keys.get(..3), Some(&["k0", "k1", "k2"][..]));
            assert_eq!(map["k1"], "last");
            assert_eq!(map["k0"], "again");
        }
    }

    #[test]
    fn objects_keep_insertion_order_and_compare_without_it() {
        let mut a = Map::new();
        a.insert("z", Value::from(1));
        a.insert("a", Value::from(2));
        a.insert("z", Value::from(3));
        assert_eq!(Value::Object(a.clone()).to_string(), r#"{"z":3,"a":2}"#);
        let b: Map = [("a", Value::from(2)), ("z", Value::from(3))]
            .into_iter()
            .collect();
        assert_eq!(a, b);
        a.remove("z");
        assert_ne!(a, b);
    }

    #[test]
    fn lookups_follow_serde_json() {
        let v = json!({"meta": {"version": "W/\"1\"", "a/b": [10, 20]}, "list": [1, 2]});
        let cases: [(&str, Option<Value>); 6] = [
            ("/meta/version", Some(json!("W/\"1\""))),
            ("/meta/a~1b/1", Some(json!(20))),
            ("/list/2", None),
            ("/nope", None),
            ("", Some(v.clone())),
            ("meta", None),
        ];
        for (pointer, expected) in cases {
            assert_eq!(v.pointer(pointer).cloned(), expected, "{pointer}");
        }
        assert_eq!(v["list"][1], 2);
        assert!(v["missing"]["deeper"].is_null());
        assert_eq!(v.get("list").and_then(|l| l.get(0)), Some(&json!(1)));
        assert_eq!(Value::from(f64::NAN), Value::Null);
        assert_eq!(Value::from(vec!["a", "b"]), json!(["a", "b"]));
    }

    #[test]
    fn entry_fills_once() {
        let mut m = Map::new();
        *m.entry("n").or_insert(Value::from(1)) = Value::from(2);
        m.entry("n").or_insert_with(|| Value::from(9));
        assert_eq!(m["n"], 2);
        match m.entry("x") {
            Entry::Vacant(slot) => {
                slot.insert(Value::Bool(true));
            }
            Entry::Occupied(_) => panic!("x was absent"),
        }
        assert_eq!(m["x"], true);
    }
}
