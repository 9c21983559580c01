//! A tenant's indexes: [`Index`], ordered, for ids (`id gt` walks, listing order), and
//! [`IdLookup`], hashed, for the exact-match secondary indexes (userName and other
//! names, externalId, group members).
//!
//! Why not `BTreeMap<String, V>`: every comparison in a B-tree descent follows a key's
//! heap pointer, so a lookup in 100,000 random ids cost some 30 cache misses (about 2 µs,
//! a sixth of a Bulk create). An [`Index`] keeps each key's first 16 bytes inline as
//! one big-endian `u128`: comparisons almost always end on that integer, inside the node
//! already in cache. Order is still plain byte order of the whole text (a shorter text
//! pads with zeros and a tie on the head falls back to the full text), so `id gt "..."`
//! walks and the default listing order are unchanged.
//!
//! Lookups take `&str` and allocate nothing: the map is searched through the
//! [`KeyView`] trait object, which both stored keys and borrowed probes implement.
//!
//! Which attributes get an [`IdLookup`], and how their values become keys, is the
//! schema's to say: see [`keyed`].

pub(crate) mod keyed;

pub(crate) use keyed::{specs_for, KeyIndex, KeySpec};

use crate::value::Text;
use alloc::boxed::Box;
use alloc::collections::btree_map::Entry as Slot;
use alloc::collections::BTreeMap;
use alloc::collections::BTreeSet;
use core::borrow::Borrow;
use core::cmp::Ordering;
use core::hash::BuildHasher;
use core::ops::Bound;
use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// The first 16 bytes of `text`, zero-padded, as a big-endian integer.
pub(crate) fn head_of(text: &str) -> u128 {
    let mut head = [0u8; 16];
    for (slot, byte) in head.iter_mut().zip(text.bytes()) {
        *slot = byte;
    }
    u128::from_be_bytes(head)
}

/// A stored key: the text and its inline head.
#[derive(Debug, Clone)]
pub(crate) struct IndexKey {
    head: u128,
    text: Box<str>,
}

impl IndexKey {
    pub(crate) fn new(text: &str) -> IndexKey {
        IndexKey {
            head: head_of(text),
            text: text.into(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

/// A key seen for comparison: stored ([`IndexKey`]) or borrowed for a lookup ([`Probe`]).
pub(crate) trait KeyView {
    fn head(&self) -> u128;
    fn text(&self) -> &str;
}

impl KeyView for IndexKey {
    fn head(&self) -> u128 {
        self.head
    }
    fn text(&self) -> &str {
        &self.text
    }
}

/// A borrowed lookup key.
struct Probe<'a> {
    head: u128,
    text: &'a str,
}

impl<'a> Probe<'a> {
    fn new(text: &'a str) -> Probe<'a> {
        Probe {
            head: head_of(text),
            text,
        }
    }
}

impl KeyView for Probe<'_> {
    fn head(&self) -> u128 {
        self.head
    }
    fn text(&self) -> &str {
        self.text
    }
}

impl Ord for dyn KeyView + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.head()
            .cmp(&other.head())
            .then_with(|| self.text().cmp(other.text()))
    }
}

impl PartialOrd for dyn KeyView + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for dyn KeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.head() == other.head() && self.text() == other.text()
    }
}

impl Eq for dyn KeyView + '_ {}

impl Ord for IndexKey {
    fn cmp(&self, other: &Self) -> Ordering {
        (self as &dyn KeyView).cmp(other as &dyn KeyView)
    }
}

impl PartialOrd for IndexKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for IndexKey {
    fn eq(&self, other: &Self) -> bool {
        self.head == other.head && self.text == other.text
    }
}

impl Eq for IndexKey {}

impl<'a> Borrow<dyn KeyView + 'a> for IndexKey {
    fn borrow(&self) -> &(dyn KeyView + 'a) {
        self
    }
}

/// An ordered map from text keys to `V`.
#[derive(Debug, Clone)]
pub(crate) struct Index<V> {
    map: BTreeMap<IndexKey, V>,
}

impl<V> Default for Index<V> {
    fn default() -> Self {
        Index {
            map: BTreeMap::new(),
        }
    }
}

impl<V> Index<V> {
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.map.get(&Probe::new(key) as &dyn KeyView)
    }

    /// Puts `value` under `key` in one descent, returning what was there: `make` builds the
    /// new value from the old one, if any.
    pub(crate) fn upsert(&mut self, key: &str, make: impl FnOnce(Option<&V>) -> V) -> Option<V> {
        match self.map.entry(IndexKey::new(key)) {
            Slot::Occupied(mut slot) => {
                let value = make(Some(slot.get()));
                Some(core::mem::replace(slot.get_mut(), value))
            }
            Slot::Vacant(slot) => {
                slot.insert(make(None));
                None
            }
        }
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        self.map.remove(&Probe::new(key) as &dyn KeyView)
    }

    /// Entries in key order, with their keys as stored (head inline).
    pub(crate) fn entries(&self) -> impl DoubleEndedIterator<Item = (&IndexKey, &V)> {
        self.map.iter()
    }

    /// Entries whose key is after `key` (or equal to it, if `inclusive`), in key order.
    pub(crate) fn entries_after<'s>(
        &'s self,
        key: &str,
        inclusive: bool,
    ) -> impl DoubleEndedIterator<Item = (&'s IndexKey, &'s V)> + 's {
        let probe = Probe::new(key);
        let probe: &dyn KeyView = &probe;
        let lower = if inclusive {
            Bound::Included(probe)
        } else {
            Bound::Excluded(probe)
        };
        self.map.range::<dyn KeyView, _>((lower, Bound::Unbounded))
    }

    /// Pairs in key order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &V)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub(crate) fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.map.values()
    }
}

/// The ids under one key of a secondary index. Most names and externalIds belong to one
/// resource, so that case is a single string, not a B-tree node.
#[derive(Debug, Clone, Default)]
pub(crate) enum IdSet {
    /// No ids (only transiently: an index drops empty sets).
    #[default]
    Empty,
    /// One id.
    One(Text),
    /// Several ids, ordered.
    Many(BTreeSet<Text>),
}

impl IdSet {
    pub(crate) fn insert(&mut self, id: &str) {
        match self {
            IdSet::Empty => *self = IdSet::One(Text::new(id)),
            IdSet::One(only) if only == id => {}
            IdSet::One(only) => {
                let mut many = BTreeSet::new();
                many.insert(core::mem::take(only));
                many.insert(Text::new(id));
                *self = IdSet::Many(many);
            }
            IdSet::Many(many) => {
                many.insert(Text::new(id));
            }
        }
    }

    pub(crate) fn remove(&mut self, id: &str) {
        match self {
            IdSet::One(only) if only == id => *self = IdSet::Empty,
            IdSet::Many(many) => {
                many.remove(id);
            }
            _ => {}
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            IdSet::Empty => true,
            IdSet::One(_) => false,
            IdSet::Many(many) => many.is_empty(),
        }
    }

    /// The ids, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            IdSet::Empty => (None, None),
            IdSet::One(only) => (Some(only.as_str()), None),
            IdSet::Many(many) => (None, Some(many.iter().map(Text::as_str))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }
}

/// The secondary indexes (`userName`, `externalId`, a group's members): which ids have
/// exactly this key. Nothing asks them for an order, so they are hash tables: a lookup is
/// a probe or two, where a B-tree descent among a million keys was some twenty cache
/// misses, a seventh of a Bulk create.
///
/// Each entry keeps its key's hash, so growing the table never reads the keys again
/// (a long key lives on the heap; rehashing a million of them was a cache miss each).
///
/// The hasher's seed is fixed, because the core reads no random source and nothing ever
/// iterates these tables (no output depends on their order). Keys crafted to collide can
/// slow writes to one tenant, never break them; at the edge a server's resource cap bounds
/// that.
#[derive(Debug, Clone)]
pub(crate) struct IdLookup {
    table: HashTable<Entry>,
    hasher: FixedState,
}

#[derive(Debug, Clone)]
struct Entry {
    hash: u64,
    key: Text,
    ids: IdSet,
}

/// Any constant will do (see [`IdLookup`]).
const SEED: u64 = 0x5c1e_7000_0000_0001;

impl Default for IdLookup {
    fn default() -> Self {
        IdLookup {
            table: HashTable::new(),
            hasher: FixedState::with_seed(SEED),
        }
    }
}

impl IdLookup {
    fn hash(&self, key: &str) -> u64 {
        self.hasher.hash_one(key)
    }

    /// The ids under `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&IdSet> {
        let entry = self.table.find(self.hash(key), |e| e.key == key)?;
        Some(&entry.ids)
    }

    /// Adds `id` under `key`.
    pub(crate) fn add(&mut self, key: &str, id: &str) {
        let hash = self.hash(key);
        // The key is copied only when new (a group's members mostly add to existing keys).
        if let Some(entry) = self.table.find_mut(hash, |e| e.key == key) {
            entry.ids.insert(id);
            return;
        }
        let mut ids = IdSet::default();
        ids.insert(id);
        let entry = Entry {
            hash,
            key: Text::new(key),
            ids,
        };
        self.table.insert_unique(hash, entry, |e| e.hash);
    }

    /// Removes `id` from under `key`, dropping the key when no id is left.
    pub(crate) fn discard(&mut self, key: &str, id: &str) {
        let Ok(mut found) = self.table.find_entry(self.hash(key), |e| e.key == key) else {
            return;
        };
        let ids = &mut found.get_mut().ids;
        ids.remove(id);
        if ids.is_empty() {
            found.remove();
        }
    }
}

#[cfg(test)]
mod tests;
