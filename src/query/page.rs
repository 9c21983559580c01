//! Which matches make the page: the listing order, and a bounded selection of the page
//! from matches that arrive in any order.
//!
//! The order is (sort key, resource type, id): ties on the key break on the type and id,
//! so pages never overlap or skip. A page starts at an index (RFC 7644 `startIndex`) or
//! beside a position (an RFC 9865 cursor: the matches after it, or the last ones before
//! it). Only the matches that can still be on the page are kept: a buffer of twice the
//! page (plus the skipped part, for an index) is cut back to the best ones with an O(n)
//! selection whenever it fills, so a sorted page of 100 among a million matches holds a
//! few hundred, sorts only those, and never sorts the million.

use super::cursor::{Direction, Position, SortValue};
use crate::filter;
use crate::index::head_of;
use crate::schema::Attribute;
use crate::store::Found;
use crate::value::Value;
use alloc::vec::Vec;
use core::cmp::Ordering;

/// One matched resource on its way to a page.
#[derive(Clone)]
pub(super) struct Hit<'t> {
    pub(super) type_index: usize,
    pub(super) found: Found<'t>,
}

impl<'t> Hit<'t> {
    pub(super) fn new(type_index: usize, found: Found<'t>) -> Hit<'t> {
        Hit { type_index, found }
    }

    #[cfg(test)]
    pub(super) fn id(&self) -> &str {
        self.found.id()
    }
}

/// A sort key, extracted once per hit: a sort of 100,000 users makes ~1.7 million
/// comparisons, and each extraction chases pointers through the JSON tree.
///
/// Keys stay small (a window moves them while it selects): a typed key borrows its value
/// where the resource outlives the query, and boxes a copy where a store read it.
#[derive(Clone, Debug)]
pub(super) enum Key<'a> {
    /// Folded (or case-exact) text from a column: compared bytewise.
    Text(&'a str),
    /// A JSON value, compared by the attribute's type.
    Typed(&'a Attribute, KeyValue<'a>),
    /// Unassigned (or an unsorted listing): sorts last either way, so a page of "the top
    /// N" stays useful.
    Missing,
}

/// A typed key's value: borrowed from a resource a store holds (or a cursor's position),
/// or a copy of one read from storage.
#[derive(Clone, Debug)]
pub(super) enum KeyValue<'a> {
    Ref(&'a Value),
    Copy(alloc::boxed::Box<Value>),
}

impl KeyValue<'_> {
    fn get(&self) -> &Value {
        match self {
            KeyValue::Ref(value) => value,
            KeyValue::Copy(value) => value,
        }
    }
}

impl Key<'_> {
    fn to_sort_value(&self) -> SortValue {
        match self {
            Key::Text(text) => SortValue::Text((*text).into()),
            Key::Typed(_, value) => SortValue::Json(value.get().clone()),
            Key::Missing => SortValue::None,
        }
    }
}

pub(super) fn compare_keys(a: &Key<'_>, b: &Key<'_>, descending: bool) -> Ordering {
    let o = match (a, b) {
        (Key::Missing, Key::Missing) => return Ordering::Equal,
        (Key::Missing, _) => return Ordering::Greater,
        (_, Key::Missing) => return Ordering::Less,
        (Key::Text(x), Key::Text(y)) => x.cmp(y),
        (Key::Typed(attr, x), Key::Typed(_, y)) => filter::compare_values(attr, x.get(), y.get()),
        // Mixed kinds only happen across types in a root search; text first.
        (Key::Text(_), Key::Typed(..)) => Ordering::Less,
        (Key::Typed(..), Key::Text(_)) => Ordering::Greater,
    };
    if descending {
        o.reverse()
    } else {
        o
    }
}

/// A place in the listing order: a cursor's (a hit's is its key, type and id).
#[derive(Clone, Debug)]
pub(super) struct Place<'k> {
    pub(super) key: Key<'k>,
    pub(super) type_index: usize,
    pub(super) id: &'k str,
}

impl Place<'_> {
    fn at(&self) -> At<'_> {
        At {
            key: &self.key,
            type_index: self.type_index,
            id: IdOf::Text(self.id),
        }
    }
}

/// A place by reference: what comparisons take, so neither a key nor an id is copied.
#[derive(Clone, Copy)]
struct At<'a> {
    key: &'a Key<'a>,
    type_index: usize,
    id: IdOf<'a>,
}

/// An id, read from its resource only when a comparison gets that far.
#[derive(Clone, Copy)]
enum IdOf<'a> {
    Text(&'a str),
    Found(&'a Found<'a>),
}

impl<'a> IdOf<'a> {
    /// The id's first 16 bytes as an integer (`crate::index::head_of`): inline in a memory
    /// store's index key, so most ties end without reading the id's text.
    fn head(self) -> u128 {
        match self {
            IdOf::Text(id) => head_of(id),
            IdOf::Found(found) => found.head(),
        }
    }

    fn get(self) -> &'a str {
        match self {
            IdOf::Text(id) => id,
            IdOf::Found(found) => found.id(),
        }
    }
}

impl<'a> At<'a> {
    fn of(key: &'a Key<'a>, hit: &'a Hit<'a>) -> At<'a> {
        At {
            key,
            type_index: hit.type_index,
            id: IdOf::Found(&hit.found),
        }
    }

    fn to_position(self, direction: Direction) -> Position {
        Position {
            direction,
            type_index: self.type_index,
            key: self.key.to_sort_value(),
            id: self.id.get().into(),
        }
    }
}

fn order(a: At<'_>, b: At<'_>, descending: bool) -> Ordering {
    // Only ties get as far as the ids, read then: heads first, the same order as the
    // text (see `head_of`).
    compare_keys(a.key, b.key, descending)
        .then_with(|| a.type_index.cmp(&b.type_index))
        .then_with(|| a.id.head().cmp(&b.id.head()))
        .then_with(|| a.id.get().cmp(b.id.get()))
}

/// Where a page starts.
#[derive(Clone, Debug)]
pub(super) enum Start<'k> {
    /// Skip this many matches (`startIndex - 1`).
    Index(usize),
    /// The first page of a cursor walk (an empty `cursor`).
    First,
    /// The matches after a cursor's position.
    After(Place<'k>),
    /// The last matches before a cursor's position.
    Before(Place<'k>),
}

/// The page and what the ListResponse says about it.
pub(super) struct Page<'t> {
    pub(super) hits: Vec<Hit<'t>>,
    pub(super) total: usize,
    pub(super) next: Option<Position>,
    pub(super) previous: Option<Position>,
}

/// Collects the page from matches pushed one by one.
pub(super) struct Window<'k, 't> {
    start: Start<'k>,
    take: usize,
    descending: bool,
    /// Matches arrive in listing order (an unsorted listing): keeping is a cut, not a
    /// selection.
    ordered: bool,
    kept: Vec<(Key<'k>, Hit<'t>)>,
    total: usize,
    /// Matches on the near side of the start (skipped, or not after the cursor's
    /// position) and on the far side (after the page's region).
    before: usize,
    after: usize,
}

impl<'k, 't: 'k> Window<'k, 't> {
    pub(super) fn new(start: Start<'k>, take: usize, descending: bool, ordered: bool) -> Self {
        Window {
            start,
            take,
            descending,
            ordered,
            kept: Vec::new(),
            total: 0,
            before: 0,
            after: 0,
        }
    }

    /// Whether pushes need sort keys: not for `count=0`, nor in an ordered walk.
    pub(super) fn wants_keys(&self) -> bool {
        self.take > 0 && !self.ordered
    }

    /// In an ordered walk, whether later matches can change nothing but the counts: the
    /// page is full and one more proves there is a next page.
    pub(super) fn is_full(&self) -> bool {
        self.ordered
            && match self.start {
                Start::Index(skip) => self.total >= skip.saturating_add(self.take),
                Start::First | Start::After(_) => self.after > self.take,
                Start::Before(_) => false,
            }
    }

    /// Counts `n` more matches of a full ordered walk (all of them after the page).
    pub(super) fn count_more(&mut self, n: usize) {
        self.total += n;
        if let Start::First | Start::After(_) = self.start {
            self.after += n;
        }
    }

    /// Counts the rest of an ordered walk without visiting it: `total` matches in all, and
    /// whether any lies before a cursor's position.
    pub(super) fn assume(&mut self, total: usize, any_before: bool) {
        self.total = total;
        if let Start::After(_) = self.start {
            self.before = usize::from(any_before);
        }
    }

    pub(super) fn push(&mut self, key: Key<'k>, hit: Hit<'t>) {
        self.total += 1;
        let side = |anchor: &Place<'_>| order(At::of(&key, &hit), anchor.at(), self.descending);
        match &self.start {
            &Start::Index(skip) => {
                if self.ordered {
                    if self.total > skip && self.kept.len() < self.take {
                        self.kept.push((key, hit));
                    }
                } else if self.take > 0 {
                    self.keep(skip.saturating_add(self.take), false, key, hit);
                }
            }
            Start::First => {
                self.after += 1;
                self.keep(self.take, false, key, hit);
            }
            Start::After(anchor) => {
                if side(anchor) == Ordering::Greater {
                    self.after += 1;
                    self.keep(self.take, false, key, hit);
                } else {
                    self.before += 1;
                }
            }
            Start::Before(anchor) => {
                if side(anchor) == Ordering::Less {
                    self.before += 1;
                    self.keep(self.take, true, key, hit);
                } else {
                    self.after += 1;
                }
            }
        }
    }

    /// Keeps the `n` least (or, `last`, greatest) matches seen so far, give or take a
    /// buffer of as many again.
    fn keep(&mut self, n: usize, last: bool, key: Key<'k>, hit: Hit<'t>) {
        if n == 0 {
            return;
        }
        if self.ordered && !last {
            if self.kept.len() < n {
                self.kept.push((key, hit));
            }
            return;
        }
        self.kept.push((key, hit));
        if self.kept.len() >= n.saturating_mul(2).max(64) {
            self.cut(n, last);
        }
    }

    /// Cuts `kept` to its `n` least (or greatest) in O(len).
    fn cut(&mut self, n: usize, last: bool) {
        if self.kept.len() <= n {
            return;
        }
        let descending = self.descending;
        if self.ordered {
            // Arrived ascending: the least are the head, the greatest the tail.
            if last {
                let excess = self.kept.len() - n;
                self.kept.drain(..excess);
            } else {
                self.kept.truncate(n);
            }
            return;
        }
        let Some(nth) = n.checked_sub(1) else {
            self.kept.clear();
            return;
        };
        self.kept.select_nth_unstable_by(nth, |(ka, a), (kb, b)| {
            let o = order(At::of(ka, a), At::of(kb, b), descending);
            if last {
                o.reverse()
            } else {
                o
            }
        });
        self.kept.truncate(n);
    }

    pub(super) fn finish(mut self) -> Page<'t> {
        let (n, last) = match self.start {
            Start::Index(skip) if !self.ordered => (skip.saturating_add(self.take), false),
            Start::Index(_) => (self.take, false),
            Start::First | Start::After(_) => (self.take, false),
            Start::Before(_) => (self.take, true),
        };
        self.cut(n, last);
        if !self.ordered {
            let descending = self.descending;
            self.kept.sort_unstable_by(|(ka, a), (kb, b)| {
                order(At::of(ka, a), At::of(kb, b), descending)
            });
        }
        let skip = match self.start {
            Start::Index(skip) if !self.ordered => skip,
            _ => 0,
        };
        let first = self.kept.get(skip).map(|(k, h)| At::of(k, h));
        let last_kept = self.kept.last().map(|(k, h)| At::of(k, h));
        let (has_previous, has_next) = match self.start {
            // From an index page a walk goes on forward only (the OCI persona's tokens).
            Start::Index(from) => {
                let shown = self.kept.len().saturating_sub(skip).min(self.take);
                (false, shown > 0 && self.total > from.saturating_add(shown))
            }
            Start::First | Start::After(_) => (self.before > 0, self.after > self.kept.len()),
            Start::Before(_) => (self.before > self.kept.len(), self.after > 0),
        };
        // An empty page (everything past the position went) still knows its place.
        let anchor = match &self.start {
            Start::After(a) | Start::Before(a) => Some(a.at()),
            _ => None,
        };
        let previous = has_previous
            .then(|| first.or(anchor))
            .flatten()
            .map(|p| p.to_position(Direction::Before));
        let next = has_next
            .then(|| last_kept.or(anchor))
            .flatten()
            .map(|p| p.to_position(Direction::After));
        Page {
            hits: self
                .kept
                .into_iter()
                .skip(skip)
                .take(self.take)
                .map(|(_, h)| h)
                .collect(),
            total: self.total,
            next,
            previous,
        }
    }
}

#[cfg(test)]
mod tests;
