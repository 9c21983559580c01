use super::*;
use alloc::string::ToString;
use alloc::vec::Vec;
use proptest::prelude::*;

/// The rule in the module docs, one row per case it names: (a, b, equal ignoring case).
const RULE: &[(&str, &str, bool)] = &[
    ("É", "é", true),
    ("JÜRGEN", "jürgen", true),
    ("\u{212A}", "k", true),
    ("ß", "ss", true),
    ("ß", "SS", true),
    ("ẞ", "ß", true),
    ("Straße", "STRASSE", true),
    ("ß", "s", false),
    ("ﬁ", "FI", true),
    ("ΟΔΟΣ", "οδος", true),
    ("Σ", "ς", true),
    ("σ", "ς", true),
    ("İ", "i\u{307}", true),
    ("İ", "i", false),
    ("ı", "i", false),
    ("I", "i", true),
    ("ı", "I", false),
    ("é", "e\u{301}", false),
    ("\u{13A0}", "\u{AB70}", true),
    ("\u{13F8}", "\u{13F0}", true),
    ("ǅ", "ǆ", true),
    ("Ǆ", "ǅ", true),
    ("ANN", "ann", true),
    ("ann", "anne", false),
];

#[test]
fn the_rule_holds_for_every_operation() {
    for &(a, b, same) in RULE {
        assert_eq!(fold(a) == fold(b), same, "fold: {a} / {b}");
        assert_eq!(eq(a, b), same, "eq: {a} / {b}");
        assert_eq!(eq(b, a), same, "eq: {b} / {a}");
        assert_eq!(cmp(a, b) == Ordering::Equal, same, "cmp: {a} / {b}");
        assert_eq!(
            cmp(a, b),
            cmp(b, a).reverse(),
            "cmp is antisymmetric: {a} / {b}"
        );
        assert_eq!(
            cmp(a, b),
            fold(a).cmp(&fold(b)),
            "cmp orders folded text: {a} / {b}"
        );
        if same {
            assert!(
                starts_with(a, b) && ends_with(a, b) && contains(a, b),
                "{a} / {b}"
            );
        }
        let mut column = String::from("x");
        fold_into(&mut column, a);
        assert_eq!(column.get(1..), Some(&*fold(a)), "fold_into: {a}");
    }
}

#[test]
fn matching_is_on_folded_text() {
    // (haystack, needle, eq, sw, ew, co)
    let table = [
        ("Jürgen", "JÜRGEN", true, true, true, true),
        ("\u{212A}elvin", "kelvin", true, true, true, true),
        ("Straße", "STRASSE", true, true, true, true),
        ("ÅSA", "sa", false, false, true, true),
        ("İstanbul", "i\u{307}st", false, true, false, true),
        ("İ", "\u{307}", false, false, true, true),
        ("ß", "s", false, true, true, true),
        ("ßa", "sa", false, false, true, true),
        ("Maße", "ASS", false, false, false, true),
        ("ΟΔΥΣΣΕΥΣ", "σευς", false, false, true, true),
        ("abc", "", false, true, true, true),
        ("", "a", false, false, false, false),
    ];
    for (hay, needle, is_eq, sw, ew, co) in table {
        assert_eq!(
            (
                eq(hay, needle),
                starts_with(hay, needle),
                ends_with(hay, needle),
                contains(hay, needle),
            ),
            (is_eq, sw, ew, co),
            "{hay} / {needle}"
        );
        // What a column does with the folded copies it keeps.
        let (h, n) = (fold(hay), fold(needle));
        assert_eq!(
            (
                h == n,
                h.starts_with(&*n),
                h.ends_with(&*n),
                h.contains(&*n)
            ),
            (is_eq, sw, ew, co),
            "folded: {hay} / {needle}"
        );
    }
}

#[test]
fn text_already_folded_is_borrowed() {
    for (text, borrowed) in [
        ("ann@example.com", true),
        ("Ann@example.com", false),
        ("jürgen", true),
        ("Jürgen", false),
        ("straße", false),
        ("", true),
    ] {
        assert_eq!(matches!(fold(text), Cow::Borrowed(_)), borrowed, "{text}");
    }
}

/// Every code point folds as the `unicase` crate's full case folding says, except code
/// points this toolchain's Unicode does not know to have case at all (`unicase` may be a
/// Unicode version ahead: a few letters of Unicode drafts).
#[test]
fn every_code_point_folds_as_unicode_case_folding_says() {
    let mut ahead = Vec::new();
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let ours: String = fold_char(c).collect();
        let theirs = unicase::UniCase::new(c.to_string()).to_folded_case();
        if ours != theirs {
            let uncased = c.to_lowercase().eq([c]) && c.to_uppercase().eq([c]);
            assert!(
                uncased,
                "U+{:04X}: ours {ours:?}, Unicode {theirs:?}",
                u32::from(c)
            );
            ahead.push(c);
        }
    }
    assert!(ahead.len() < 64, "{} code points differ", ahead.len());
}

#[test]
fn folding_is_idempotent_and_reversible() {
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let once: String = fold_char(c).collect();
        let twice: String = once.chars().flat_map(fold_char).collect();
        assert_eq!(once, twice, "U+{:04X}", u32::from(c));
        let backwards: Vec<char> = fold_char(c).rev().collect();
        let forwards: Vec<char> = once.chars().rev().collect();
        assert_eq!(backwards, forwards, "U+{:04X}", u32::from(c));
    }
}

#[test]
fn the_special_table_is_sorted_and_needed() {
    for pair in table::SPECIAL.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{pair:?}");
    }
    for &(c, to) in table::SPECIAL {
        assert!(
            !c.to_lowercase().eq(to.chars()),
            "U+{:04X} is plain lowercase",
            u32::from(c)
        );
    }
}

proptest! {
    /// The ASCII fast paths give exactly what folding character by character defines.
    #[test]
    fn ascii_fast_paths_agree_with_unicode_folding(
        a in "[a-cA-C\\-]{0,6}|\\PC{0,4}",
        b in "[a-cA-C\\-]{0,3}|\\PC{0,2}",
    ) {
        prop_assert_eq!(eq(&a, &b), eq_folded(&a, &b));
        prop_assert_eq!(cmp(&a, &b), cmp_folded(&a, &b));
        prop_assert_eq!(starts_with(&a, &b), starts_with_folded(&a, &b));
        prop_assert_eq!(ends_with(&a, &b), ends_with_folded(&a, &b));
        prop_assert_eq!(contains(&a, &b), contains_folded(&a, &b));
    }

    /// Comparing texts ignoring case is comparing their folded copies, whatever the text.
    #[test]
    fn every_operation_is_the_one_on_folded_copies(
        a in "[sSkKıiIß\u{130}\u{307}σςΣ\u{212A}]{0,5}|\\PC{0,4}",
        b in "[sSkKıiIß\u{130}\u{307}σςΣ\u{212A}]{0,3}|\\PC{0,2}",
    ) {
        let (fa, fb) = (fold(&a), fold(&b));
        prop_assert_eq!(eq(&a, &b), fa == fb);
        prop_assert_eq!(cmp(&a, &b), fa.cmp(&fb));
        prop_assert_eq!(starts_with(&a, &b), fa.starts_with(&*fb));
        prop_assert_eq!(ends_with(&a, &b), fa.ends_with(&*fb));
        prop_assert_eq!(contains(&a, &b), fa.contains(&*fb));
    }
}
