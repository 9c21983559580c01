//! Text columns: a contiguous, case-folded copy of one single-valued text attribute of
//! every resource of a type, so that scans (`displayName co "ann"`, sorting by
//! `name.familyName`) read one arena sequentially instead of chasing four pointers per
//! resource through the JSON tree.
//!
//! A column is built the first time a query needs it and then kept exact by every write
//! (`Tenant::put`/`remove`). Columns only narrow work: the planner uses one to pick
//! candidate rows, and the full filter is still evaluated on each candidate.

use crate::filter::CompareOp;
use crate::fold::{fold, fold_into};
use crate::value::Value;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// Where a column's text lives in a stored resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnPath {
    /// Extension URN holding the attribute, if any.
    pub(crate) ext: Option<String>,
    /// Top-level attribute (canonical name).
    pub(crate) name: String,
    /// Sub-attribute of a single-valued complex attribute (canonical name).
    pub(crate) sub: Option<String>,
    /// Whether comparisons are case-sensitive (then the text is stored unfolded).
    pub(crate) case_exact: bool,
}

impl ColumnPath {
    /// The attribute's text in a resource, if it is a string.
    pub(crate) fn text<'v>(&self, resource: &'v Value) -> Option<&'v str> {
        let holder = match &self.ext {
            Some(urn) => resource.get(urn.as_str())?,
            None => resource,
        };
        let value = holder.get(self.name.as_str())?;
        match &self.sub {
            Some(sub) => value.get(sub.as_str())?.as_str(),
            None => value.as_str(),
        }
    }
}

const ABSENT: u32 = u32::MAX;

/// One column: an arena of text and a span per row.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub(crate) path: ColumnPath,
    arena: String,
    /// `(start, len)` into `arena` per row; `len == ABSENT` when the row has no value.
    spans: Vec<(u32, u32)>,
    /// Bytes of `arena` no span points to any more.
    garbage: usize,
    /// The last few [`Column::matching_rows`] answers, kept exact by every write: a
    /// clean-up walk asks the same question once per page while it deletes what it
    /// found, and a page then costs a popcount, not a pass over every row left.
    answers: Vec<Answer>,
}

/// A remembered `matching_rows` answer.
#[derive(Debug, Clone)]
struct Answer {
    op: CompareOp,
    /// Folded unless the column is `case_exact`.
    needle: String,
    rows: Bitmap,
}

/// How many answers a column remembers (each a bit per row: 125 KB at a million).
const ANSWERS: usize = 4;

impl Column {
    /// An empty column for `path`.
    pub(crate) fn new(path: ColumnPath) -> Column {
        Column {
            path,
            arena: String::new(),
            spans: Vec::new(),
            garbage: 0,
            answers: Vec::new(),
        }
    }

    /// Records a row's current value (`None` for a deleted row).
    pub(crate) fn set(&mut self, row: u32, resource: Option<&Value>) {
        let text = resource.and_then(|r| self.path.text(r));
        self.set_text(row, text);
    }

    /// Records a row's current text, as [`ColumnPath::text`] reads it from the resource
    /// (`None`: deleted, or no text there). For stores that extract the text themselves.
    pub(crate) fn set_text(&mut self, row: u32, text: Option<&str>) {
        let row = row as usize;
        if self.spans.len() <= row {
            self.spans.resize(row + 1, (0, ABSENT));
        }
        if let Some(&(_, len)) = self.spans.get(row) {
            if len != ABSENT {
                self.garbage += len as usize;
            }
        }
        let span = match text {
            Some(text) => {
                let start = self.arena.len();
                if self.path.case_exact {
                    self.arena.push_str(text);
                } else {
                    fold_into(&mut self.arena, text);
                }
                match (
                    u32::try_from(start),
                    u32::try_from(self.arena.len() - start),
                ) {
                    (Ok(s), Ok(l)) if l != ABSENT => (s, l),
                    _ => (0, ABSENT), // beyond 4 GiB of text: unindexed, still correct
                }
            }
            None => (0, ABSENT),
        };
        if let Some(slot) = self.spans.get_mut(row) {
            *slot = span;
        }
        if !self.answers.is_empty() {
            let text = match span {
                (_, ABSENT) => None,
                (start, len) => self.arena.get(start as usize..(start + len) as usize),
            };
            for answer in &mut self.answers {
                match text.is_some_and(|t| test(answer.op)(t, &answer.needle)) {
                    true => answer.rows.insert(row as u32),
                    false => answer.rows.remove(row as u32),
                }
            }
        }
        if self.garbage > 1 << 16 && self.garbage > self.arena.len() / 2 {
            self.compact();
        }
    }

    /// Rewrites the arena without garbage.
    fn compact(&mut self) {
        let mut arena = String::with_capacity(self.arena.len() - self.garbage);
        for span in &mut self.spans {
            if span.1 == ABSENT {
                continue;
            }
            let text = self
                .arena
                .get(span.0 as usize..(span.0 + span.1) as usize)
                .unwrap_or("");
            span.0 = arena.len() as u32;
            arena.push_str(text);
        }
        self.arena = arena;
        self.garbage = 0;
    }

    /// The heap bytes the column holds (its arena, spans and answers), for a cache's
    /// budget.
    pub(crate) fn bytes(&self) -> usize {
        let answers: usize = self.answers.iter().map(|a| a.rows.bytes()).sum();
        self.arena.capacity() + self.spans.capacity() * core::mem::size_of::<(u32, u32)>() + answers
    }

    /// The bytes it needs, without what its buffers hold in reserve (a build checks
    /// this against the budget, then [`Column::shrink`]s).
    pub(crate) fn used_bytes(&self) -> usize {
        self.arena.len() + self.spans.len() * core::mem::size_of::<(u32, u32)>()
    }

    /// A row's folded text.
    pub(crate) fn get(&self, row: u32) -> Option<&str> {
        let &(start, len) = self.spans.get(row as usize)?;
        if len == ABSENT {
            return None;
        }
        self.arena.get(start as usize..(start + len) as usize)
    }

    /// Rows whose value satisfies `op needle`, as a bitmap: exactly the rows a filter
    /// `path op "needle"` matches, because both compare folded text (`crate::fold`).
    /// Remembered (see `answers`), so asking again costs a copy of the bitmap.
    pub(crate) fn matching_rows(&mut self, op: CompareOp, needle: &str) -> Bitmap {
        let needle = if self.path.case_exact {
            Cow::Borrowed(needle)
        } else {
            fold(needle)
        };
        let needle = needle.as_ref();
        if let Some(at) = self
            .answers
            .iter()
            .position(|a| a.op == op && a.needle == needle)
        {
            // Most recent last: the first is the one to forget.
            let answer = self.answers.remove(at);
            let rows = answer.rows.clone();
            self.answers.push(answer);
            return rows;
        }
        let test = test(op);
        let mut rows = Bitmap::default();
        for (row, &(start, len)) in (0..).zip(&self.spans) {
            if len == ABSENT {
                continue;
            }
            if let Some(text) = self.arena.get(start as usize..(start + len) as usize) {
                if test(text, needle) {
                    rows.insert(row);
                }
            }
        }
        if self.answers.len() == ANSWERS {
            self.answers.remove(0);
        }
        self.answers.push(Answer {
            op,
            needle: String::from(needle),
            rows: rows.clone(),
        });
        rows
    }

    /// Gives back what building the column over-allocated (a cache counts capacity).
    pub(crate) fn shrink(&mut self) {
        self.arena.shrink_to_fit();
        self.spans.shrink_to_fit();
    }
}

/// The test of `op` on a column's (folded) text and a (folded) needle.
fn test(op: CompareOp) -> fn(&str, &str) -> bool {
    match op {
        CompareOp::Eq => |h, n| h == n,
        CompareOp::Sw => |h, n| h.starts_with(n),
        CompareOp::Ew => |h, n| h.ends_with(n),
        _ => |h, n| contains(h.as_bytes(), n.as_bytes()),
    }
}

/// Substring search: first-byte scan, then compare (needles are short).
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if haystack.len() < needle.len() {
        return false;
    }
    let last_start = haystack.len() - needle.len();
    haystack
        .iter()
        .take(last_start + 1)
        .enumerate()
        .any(|(i, &b)| b == first && haystack.get(i + 1..i + needle.len()) == Some(rest))
}

/// A set of row numbers, one bit each.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bitmap(Vec<u64>);

impl Bitmap {
    /// Adds a row (the set grows to hold it).
    pub(crate) fn insert(&mut self, row: u32) {
        let word = row as usize / 64;
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        if let Some(w) = self.0.get_mut(word) {
            *w |= 1 << (row % 64);
        }
    }

    /// Takes a row out.
    pub(crate) fn remove(&mut self, row: u32) {
        if let Some(w) = self.0.get_mut(row as usize / 64) {
            *w &= !(1 << (row % 64));
        }
    }

    /// Whether a row is in the set.
    pub(crate) fn contains(&self, row: u32) -> bool {
        self.0
            .get(row as usize / 64)
            .is_some_and(|w| w & (1 << (row % 64)) != 0)
    }

    /// How many rows from `first` on are in the set: a popcount, 16,000 words for a
    /// million rows.
    pub(crate) fn count_from(&self, first: u32) -> usize {
        let word = first as usize / 64;
        let Some(&head) = self.0.get(word) else {
            return 0;
        };
        let head = (head & (u64::MAX << (first % 64))).count_ones() as usize;
        let rest: usize = self
            .0
            .get(word + 1..)
            .unwrap_or_default()
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum();
        head + rest
    }

    /// The heap bytes it holds.
    fn bytes(&self) -> usize {
        self.0.capacity() * 8
    }

    /// The rows from `first` on, ascending.
    pub(crate) fn rows_from(&self, first: u32) -> impl Iterator<Item = u32> + '_ {
        let start = first as usize / 64;
        let words = self.0.get(start..).unwrap_or_default();
        (start..).zip(words).flat_map(move |(at, &word)| {
            let mut bits = if at == start {
                word & (u64::MAX << (first % 64))
            } else {
                word
            };
            core::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let bit = bits.trailing_zeros();
                bits &= bits - 1;
                u32::try_from(at * 64 + bit as usize).ok()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn column(case_exact: bool, values: &[Value]) -> Column {
        let path = ColumnPath {
            ext: None,
            name: "displayName".into(),
            sub: None,
            case_exact,
        };
        let mut c = Column::new(path);
        for (row, v) in values.iter().enumerate() {
            c.set(row as u32, Some(v));
        }
        c
    }

    fn rows(bitmap: &Bitmap, n: u32) -> Vec<u32> {
        (0..n).filter(|&r| bitmap.contains(r)).collect()
    }

    #[test]
    fn matching_rows_table() {
        let values = [
            json!({"displayName": "Ann Smith"}),
            json!({"displayName": "ÅSA LINDQVIST"}),
            json!({"nope": 1}),
            json!({"displayName": "anna"}),
        ];
        let mut c = column(false, &values);
        // (op, needle, rows)
        let table: [(CompareOp, &str, &[u32]); 7] = [
            (CompareOp::Co, "ANN", &[0, 3]),
            (CompareOp::Co, "åsa", &[1]),
            (CompareOp::Sw, "an", &[0, 3]),
            (CompareOp::Ew, "SMITH", &[0]),
            (CompareOp::Eq, "Anna", &[3]),
            (CompareOp::Co, "", &[0, 1, 3]),
            (CompareOp::Co, "zzz", &[]),
        ];
        for (op, needle, expected) in table {
            assert_eq!(
                rows(&c.matching_rows(op, needle), 4),
                expected,
                "{op:?} {needle}"
            );
        }
        let mut exact = column(true, &values);
        assert_eq!(rows(&exact.matching_rows(CompareOp::Co, "ann"), 4), [3]);
    }

    /// (first row, rows from it, their count) over a set spanning word edges.
    #[test]
    fn bitmap_counts_and_walks_from_any_row() {
        let mut bitmap = Bitmap::default();
        for row in [0, 5, 63, 64, 65, 127, 128, 1000] {
            bitmap.insert(row);
        }
        bitmap.remove(64);
        bitmap.remove(5000); // past the end: nothing to remove
        let table: [(u32, &[u32]); 7] = [
            (0, &[0, 5, 63, 65, 127, 128, 1000]),
            (1, &[5, 63, 65, 127, 128, 1000]),
            (63, &[63, 65, 127, 128, 1000]),
            (64, &[65, 127, 128, 1000]),
            (128, &[128, 1000]),
            (129, &[1000]),
            (1001, &[]),
        ];
        for (first, rows) in table {
            assert_eq!(bitmap.rows_from(first).collect::<Vec<_>>(), rows, "{first}");
            assert_eq!(bitmap.count_from(first), rows.len(), "{first}");
        }
        assert_eq!(bitmap.count_from(u32::MAX), 0);
        assert!(bitmap.contains(63) && !bitmap.contains(64) && !bitmap.contains(9999));
    }

    /// Remembered answers follow every write: (write, rows of `co "ann"`, of `eq "bob"`).
    #[test]
    fn remembered_answers_stay_exact_through_writes() {
        let mut c = column(
            false,
            &[json!({"displayName": "Ann"}), json!({"displayName": "Bob"})],
        );
        type Step<'a> = (u32, Option<&'a str>, &'a [u32], &'a [u32]);
        let steps: [Step; 5] = [
            (2, Some("JOANNE"), &[0, 2], &[1]),
            (1, Some("bob ann"), &[0, 1, 2], &[]),
            (0, None, &[1, 2], &[]),
            (70, Some("BOB"), &[1, 2], &[70]),
            (2, Some("Åsa"), &[1], &[70]),
        ];
        assert_eq!(rows(&c.matching_rows(CompareOp::Co, "ANN"), 100), [0]);
        assert_eq!(rows(&c.matching_rows(CompareOp::Eq, "bob"), 100), [1]);
        for (row, text, ann, bob) in steps {
            c.set_text(row, text);
            assert_eq!(
                rows(&c.matching_rows(CompareOp::Co, "ann"), 100),
                ann,
                "{text:?}"
            );
            assert_eq!(
                rows(&c.matching_rows(CompareOp::Eq, "BOB"), 100),
                bob,
                "{text:?}"
            );
            assert_eq!(c.answers.len(), 2, "asked again, not added");
        }
        for needle in ["a", "b", "c", "d", "e"] {
            c.matching_rows(CompareOp::Sw, needle);
        }
        assert_eq!(c.answers.len(), ANSWERS, "the oldest forgotten");
    }

    #[test]
    fn updates_and_deletes_keep_the_column_exact_through_compaction() {
        let mut c = column(
            false,
            &[json!({"displayName": "a"}), json!({"displayName": "b"})],
        );
        for i in 0..20_000u32 {
            c.set(1, Some(&json!({"displayName": alloc::format!("Name {i}")})));
        }
        c.set(0, None);
        assert_eq!(c.get(0), None);
        assert_eq!(c.get(1), Some("name 19999"));
        assert!(c.arena.len() < 200_000, "garbage was compacted");
    }
}
