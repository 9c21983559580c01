//! Index tables: order, growth, id sets.

use super::*;
use alloc::vec::Vec;

/// Keys whose order turns on bytes inside and past the 16-byte head, on padding and
/// on non-ASCII text: the index must list them exactly as `str` orders them.
#[test]
fn order_is_byte_order_of_the_whole_text() {
    let mut keys = [
        "",
        "a",
        "a\u{0}",
        "a\u{0}b",
        "abcdefghijklmnop",
        "abcdefghijklmnopq",
        "abcdefghijklmnopa",
        "abcdefghijklmnoo",
        "b",
        "é",
        "e\u{301}",
        "2819c223-7f76-453a-919d-413861904646",
        "2819c223-7f76-453a-919d-413861904645",
        "2819c223-7f76-453b",
    ];
    let mut index = Index::default();
    for (n, k) in keys.iter().enumerate() {
        index.upsert(k, |_| n);
    }
    keys.sort_unstable();
    let listed: Vec<&str> = index.iter().map(|(k, _)| k).collect();
    assert_eq!(listed, keys);
    for (i, k) in keys.iter().enumerate() {
        assert!(index.get(k).is_some(), "{k:?}");
        let after: Vec<&str> = index
            .entries_after(k, false)
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(after, keys.get(i + 1..).unwrap_or_default(), "after {k:?}");
        let from: Vec<&str> = index
            .entries_after(k, true)
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(from, keys.get(i..).unwrap_or_default(), "from {k:?}");
    }
    assert!(index.get("abcdefghijklmnopz").is_none());
}

/// The table grows many times over; entries rehash from their stored hash, so every
/// key must still be found (long keys live on the heap, short ones inline).
#[test]
fn lookups_survive_growth_and_removal() {
    let mut index = IdLookup::default();
    let key = |n: usize| alloc::format!("user{n}@{}.example.com", "x".repeat(n % 40));
    for n in 0..5_000 {
        index.add(&key(n), &alloc::format!("{n}"));
    }
    for n in (0..5_000).step_by(2) {
        index.discard(&key(n), &alloc::format!("{n}"));
    }
    for n in 0..5_000 {
        let found: Vec<&str> = index
            .get(&key(n))
            .into_iter()
            .flat_map(IdSet::iter)
            .collect();
        let id = alloc::format!("{n}");
        let expected: Vec<&str> = if n % 2 == 0 {
            Vec::new()
        } else {
            alloc::vec![id.as_str()]
        };
        assert_eq!(found, expected, "{}", key(n));
    }
    assert_eq!(index.table.len(), 2_500);
}

#[test]
fn id_sets_grow_shrink_and_vanish() {
    let mut index = IdLookup::default();
    index.add("bjensen", "2");
    index.add("bjensen", "1");
    index.add("bjensen", "1");
    index.add("other", "3");
    let ids = |index: &IdLookup, k: &str| -> Vec<Text> {
        index
            .get(k)
            .map(|s| s.iter().map(Text::new).collect())
            .unwrap_or_default()
    };
    assert_eq!(ids(&index, "bjensen"), ["1", "2"]);
    index.discard("bjensen", "1");
    assert_eq!(ids(&index, "bjensen"), ["2"]);
    index.discard("bjensen", "2");
    index.discard("other", "nope");
    assert!(index.get("bjensen").is_none());
    assert_eq!(ids(&index, "other"), ["3"]);
    assert_eq!(index.table.len(), 1);
}
