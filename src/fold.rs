//! Case folding: the one meaning of "the same text, ignoring case" for every attribute
//! that is not `caseExact`.
//!
//! The rule is Unicode's default case folding, full form (`CaseFolding.txt`, statuses C
//! and F, without the Turkic T mappings), character by character and without
//! normalization:
//! - `É` = `é`, `JÜRGEN` = `jürgen`, the Kelvin sign `K` = `k`;
//! - `ß` = `ẞ` = `ss` = `SS` (`Straße` = `STRASSE`), `ﬁ` = `fi`;
//! - Greek `Σ`, `σ` and final `ς` are one letter (`ΟΔΟΣ` = `οδος`);
//! - Turkish `İ` folds to `i` + U+0307 (combining dot above), so it equals `i̇`, not `i`;
//!   dotless `ı` stays a letter of its own and `I` folds to `i`, as outside Turkish;
//! - precomposed `é` (U+00E9) is not `e` + U+0301: no normalization.
//!
//! Everything that ignores case goes through here: the uniqueness and `eq` indexes
//! ([`fold`]), text columns ([`fold_into`]), filters and sorting ([`eq`], [`cmp`],
//! [`starts_with`], [`ends_with`], [`contains`], through `filter::compare`) and the
//! immutable check, so they agree on every input. Matching is on folded text: `ß`
//! starts with `s`, and `ßa` contains `sa`. Pure-ASCII inputs take byte-wise paths that
//! give the same answers without folding copies.

use alloc::borrow::Cow;
use alloc::string::String;
use core::cmp::Ordering;
use core::iter::FusedIterator;

mod table;

/// `text` folded: borrowed when it already is (most userNames are lower-case emails), so
/// index lookups and uniqueness checks usually allocate nothing.
#[inline]
pub(crate) fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else if chars(text).eq(text.chars()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(chars(text).collect())
    }
}

/// Appends `text` folded to `out` (a column's arena), without an intermediate copy.
#[inline]
pub(crate) fn fold_into(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
    } else {
        out.extend(chars(text));
    }
}

/// Equal ignoring case.
#[inline]
pub(crate) fn eq(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        eq_folded(a, b)
    }
}

/// Order ignoring case: the order of the folded texts (by code point).
#[inline]
pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        let lower = |c: &u8| c.to_ascii_lowercase();
        a.as_bytes()
            .iter()
            .map(lower)
            .cmp(b.as_bytes().iter().map(lower))
    } else {
        cmp_folded(a, b)
    }
}

/// `haystack` starts with `needle`, ignoring case.
#[inline]
pub(crate) fn starts_with(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        haystack
            .as_bytes()
            .get(..needle.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        starts_with_folded(haystack, needle)
    }
}

/// `haystack` ends with `needle`, ignoring case.
#[inline]
pub(crate) fn ends_with(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        haystack
            .len()
            .checked_sub(needle.len())
            .and_then(|start| haystack.as_bytes().get(start..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        ends_with_folded(haystack, needle)
    }
}

/// `haystack` contains `needle`, ignoring case.
#[inline]
pub(crate) fn contains(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        true
    } else if haystack.is_ascii() && needle.is_ascii() {
        let needle = needle.as_bytes();
        haystack
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
    } else {
        contains_folded(haystack, needle)
    }
}

/// The characters of `text`, folded.
fn chars(text: &str) -> impl DoubleEndedIterator<Item = char> + Clone + '_ {
    text.chars().flat_map(fold_char)
}

fn eq_folded(a: &str, b: &str) -> bool {
    chars(a).eq(chars(b))
}

fn cmp_folded(a: &str, b: &str) -> Ordering {
    chars(a).cmp(chars(b))
}

fn starts_with_folded(haystack: &str, needle: &str) -> bool {
    starts_with_items(chars(haystack), chars(needle))
}

fn ends_with_folded(haystack: &str, needle: &str) -> bool {
    starts_with_items(chars(haystack).rev(), chars(needle).rev())
}

/// Searched at every position of the folded haystack, not only at its character
/// boundaries, so that the answer is the one a column gets from folded text.
fn contains_folded(haystack: &str, needle: &str) -> bool {
    let mut rest = chars(haystack);
    loop {
        if starts_with_items(rest.clone(), chars(needle)) {
            return true;
        }
        if rest.next().is_none() {
            return false;
        }
    }
}

/// Whether `items` yields every item of `prefix` first.
fn starts_with_items(
    mut items: impl Iterator<Item = char>,
    prefix: impl Iterator<Item = char>,
) -> bool {
    for wanted in prefix {
        if items.next() != Some(wanted) {
            return false;
        }
    }
    true
}

/// The folding of one character: one to three characters.
fn fold_char(c: char) -> FoldChar {
    if c.is_ascii() {
        return FoldChar::One(Some(c.to_ascii_lowercase()));
    }
    // Cherokee folds to its upper case (its lower-case letters came later to Unicode).
    let cherokee = match c {
        '\u{13A0}'..='\u{13F5}' => Some(u32::from(c)),
        '\u{13F8}'..='\u{13FD}' => u32::from(c).checked_sub(8),
        '\u{AB70}'..='\u{ABBF}' => u32::from(c).checked_sub(0xAB70 - 0x13A0),
        _ => None,
    };
    if let Some(upper) = cherokee {
        return FoldChar::One(char::from_u32(upper).or(Some(c)));
    }
    let special = table::SPECIAL
        .binary_search_by_key(&c, |&(from, _)| from)
        .ok()
        .and_then(|i| table::SPECIAL.get(i));
    match special {
        Some((_, to)) => FoldChar::Special(to.chars()),
        None => FoldChar::Lower(c.to_lowercase()),
    }
}

/// The characters one character folds to.
#[derive(Clone, Debug)]
enum FoldChar {
    One(Option<char>),
    Lower(core::char::ToLowercase),
    Special(core::str::Chars<'static>),
}

impl Iterator for FoldChar {
    type Item = char;

    #[inline]
    fn next(&mut self) -> Option<char> {
        match self {
            FoldChar::One(c) => c.take(),
            FoldChar::Lower(chars) => chars.next(),
            FoldChar::Special(chars) => chars.next(),
        }
    }
}

impl DoubleEndedIterator for FoldChar {
    #[inline]
    fn next_back(&mut self) -> Option<char> {
        match self {
            FoldChar::One(c) => c.take(),
            FoldChar::Lower(chars) => chars.next_back(),
            FoldChar::Special(chars) => chars.next_back(),
        }
    }
}

impl FusedIterator for FoldChar {}

#[cfg(test)]
mod tests;
