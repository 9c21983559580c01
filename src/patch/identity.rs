//! When two elements of a multi-valued attribute are the same value, and [`ElementIndex`],
//! which finds an element's equal among many in expected constant time.
//!
//! Elements with a `value` sub-attribute are the same when their `value`s compare equal
//! under the schema ([`filter::compare_values`]: typed, case-insensitive unless
//! `caseExact`); other elements when they are identical JSON. PATCH asks this once per
//! added or listed element, so a scan of the list per element made adding 20,000 members
//! quadratic (13 s); hashing makes it linear.

use crate::filter;
use crate::schema::{AttrType, Attribute};
use crate::value::Value;
use core::cmp::Ordering;
use core::hash::{BuildHasher, Hash, Hasher};
use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// Whether two elements of a multi-valued attribute are the same value: by their `value`
/// sub-attribute when both have one, else as whole elements.
pub(super) fn same_element(def: &Attribute, a: &Value, b: &Value) -> bool {
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

/// A fixed seed, as for the tenant's indexes (`src/index.rs`): the core reads no random
/// source, and nothing iterates the table, so no output depends on its order. Values
/// crafted to collide slow one request down (the caps on operations, values and body size
/// bound how much), never change its answer.
const SEED: u64 = 0x5c1e_7000_0000_0002;

/// How deep a whole element is hashed. Stored elements are at most an object of simple
/// values (or of lists of them); anything deeper only collides more, never mismatches,
/// since equal values still hash equal.
const WHOLE_DEPTH: u8 = 3;

/// The elements of a list (or of several lists with one definition), one per group of
/// [`same_element`] ones, by a hash of their identity. [`same_element`] is an equivalence
/// (equal typed values, or equal JSON), so one representative per group is enough, and
/// it is the first in list order, which is the one a scan would find.
pub(super) struct ElementIndex<'d> {
    def: &'d Attribute,
    hasher: FixedState,
    /// (hash, position in the list the caller passes to every call).
    table: HashTable<(u64, usize)>,
}

/// The answer of [`ElementIndex::find`] for an element with no equal: its hash, which
/// [`ElementIndex::push`] reuses.
pub(super) struct Absent(u64);

impl<'d> ElementIndex<'d> {
    /// Indexes `items`, elements of `def`.
    pub(super) fn new(def: &'d Attribute, items: &[Value]) -> Self {
        let mut index = ElementIndex {
            def,
            hasher: FixedState::with_seed(SEED),
            table: HashTable::with_capacity(items.len()),
        };
        for (at, element) in items.iter().enumerate() {
            if let Err(Absent(hash)) = index.find(items, element) {
                index.table.insert_unique(hash, (hash, at), |&(h, _)| h);
            }
        }
        index
    }

    /// The position in `items` (the list indexed) of the first element equal to `probe`.
    pub(super) fn find(&self, items: &[Value], probe: &Value) -> Result<usize, Absent> {
        let hash = self.hash(probe);
        self.table
            .find(hash, |&(h, at)| {
                h == hash
                    && items
                        .get(at)
                        .is_some_and(|e| same_element(self.def, e, probe))
            })
            .map(|&(_, at)| at)
            .ok_or(Absent(hash))
    }

    /// Appends an element that [`find`](Self::find) did not find; returns its position.
    pub(super) fn push(
        &mut self,
        items: &mut alloc::vec::Vec<Value>,
        element: Value,
        absent: Absent,
    ) -> usize {
        let at = items.len();
        items.push(element);
        let Absent(hash) = absent;
        self.table.insert_unique(hash, (hash, at), |&(h, _)| h);
        at
    }

    /// A hash of what [`same_element`] compares: elements it finds the same hash equal.
    fn hash(&self, element: &Value) -> u64 {
        let mut state = self.hasher.build_hasher();
        if self.def.ty != AttrType::Complex {
            filter::hash_value(self.def, element, &mut state);
        } else {
            match (self.def.sub("value"), element.get("value")) {
                (Some(value_def), Some(value)) => {
                    state.write_u8(1);
                    filter::hash_value(value_def, value, &mut state);
                }
                _ => {
                    state.write_u8(2);
                    hash_whole(&self.hasher, element, &mut state, WHOLE_DEPTH);
                }
            }
        }
        state.finish()
    }
}

/// Feeds `state` with a JSON value so that equal values (`==`: objects in any order,
/// numbers as serde_json compares them) feed the same, down to `depth` levels.
fn hash_whole(hasher: &FixedState, value: &Value, state: &mut impl Hasher, depth: u8) {
    let Some(deeper) = depth.checked_sub(1) else {
        return;
    };
    match value {
        Value::Null => state.write_u8(0),
        Value::Bool(b) => {
            state.write_u8(1);
            b.hash(state);
        }
        Value::Number(n) => {
            state.write_u8(2);
            // Equal numbers give equal doubles; `0.0 == -0.0`, so both hash as `0.0`.
            let f = n.as_f64().unwrap_or(0.0);
            let f = if f == 0.0 { 0.0 } else { f };
            f.to_bits().hash(state);
        }
        Value::String(s) => {
            state.write_u8(3);
            s.as_str().hash(state);
        }
        Value::Array(items) => {
            state.write_u8(4);
            items.len().hash(state);
            for item in items {
                hash_whole(hasher, item, state, deeper);
            }
        }
        Value::Object(members) => {
            // Member order does not matter to `==`, so members are hashed apart and summed.
            state.write_u8(5);
            members.len().hash(state);
            let mut sum = 0u64;
            for (key, member) in members {
                let mut one = hasher.build_hasher();
                key.as_str().hash(&mut one);
                hash_whole(hasher, member, &mut one, deeper);
                sum = sum.wrapping_add(one.finish());
            }
            state.write_u64(sum);
        }
    }
}

#[cfg(test)]
mod tests;
