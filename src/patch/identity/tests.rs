//! Element identity: the hashed index must find exactly what a scan with
//! [`same_element`] finds, for every type and every quirk of typed comparison.

use super::*;
use crate::json;
use crate::schema::builtin::resource_type;
use alloc::string::String;
use alloc::vec::Vec;
use proptest::prelude::*;

fn custom(def: Value) -> Attribute {
    crate::value::from_value(def).expect("attribute definition")
}

/// The definitions the tests compare under: built-in lists and one of each simple type.
fn defs() -> Vec<(&'static str, Attribute)> {
    let top = |type_name: &str, attr: &str| {
        resource_type(type_name)
            .expect("built-in type")
            .core
            .attributes
            .into_iter()
            .find(|a| a.name == attr)
            .expect("built-in attribute")
    };
    let simple = |ty: &str, exact: bool| {
        custom(json!({"name": "x", "type": ty, "multiValued": true, "caseExact": exact}))
    };
    alloc::vec![
        ("members", top("Group", "members")),
        ("emails", top("User", "emails")),
        ("addresses", top("User", "addresses")),
        ("string", simple("string", false)),
        ("exact string", simple("string", true)),
        ("reference", simple("reference", false)),
        ("integer", simple("integer", false)),
        ("decimal", simple("decimal", false)),
        ("dateTime", simple("dateTime", false)),
        ("boolean", simple("boolean", false)),
        (
            "complex with typed value",
            custom(json!({"name": "x", "type": "complex", "multiValued": true,
                "subAttributes": [{"name": "value", "type": "dateTime"},
                                  {"name": "display", "type": "string"}]})),
        ),
    ]
}

fn def(name: &str) -> Attribute {
    defs()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, d)| d)
        .expect("a test definition")
}

fn index_hash(def: &Attribute, element: &Value) -> u64 {
    ElementIndex::new(def, &[]).hash(element)
}

/// Pairs that are, or are not, the same element; equal ones must hash equal and be found
/// through the index, unequal ones must not be found.
#[test]
fn same_elements_hash_equal_and_are_found() {
    let table = [
        // (definition, a, b, same)
        (
            "members",
            json!({"value": "ABC-1"}),
            json!({"value": "abc-1", "display": "A"}),
            true,
        ),
        (
            "members",
            json!({"value": "abc-1"}),
            json!({"value": "abc-2"}),
            false,
        ),
        (
            "emails",
            json!({"value": "Babs@Example.COM", "type": "work"}),
            json!({"value": "babs@example.com"}),
            true,
        ),
        (
            "emails",
            json!({"value": "J\u{fc}rgen@x.org"}),
            json!({"value": "J\u{dc}RGEN@X.ORG"}),
            true,
        ),
        (
            "emails",
            json!({"value": "\u{212a}@x.org"}),
            json!({"value": "k@x.org"}),
            true,
        ),
        (
            "emails",
            json!({"value": "Stra\u{df}e@x.org"}),
            json!({"value": "STRASSE@x.org"}),
            true,
        ),
        (
            "emails",
            json!({"value": "a@x.org"}),
            json!({"type": "work"}),
            false,
        ),
        // Without a `value`, elements are the same only when identical (in any key order).
        (
            "addresses",
            json!({"type": "work", "locality": "Oslo"}),
            json!({"locality": "Oslo", "type": "work"}),
            true,
        ),
        (
            "addresses",
            json!({"type": "work", "locality": "Oslo"}),
            json!({"type": "work", "locality": "OSLO"}),
            false,
        ),
        (
            "addresses",
            json!({"type": "work"}),
            json!({"type": "work", "primary": true}),
            false,
        ),
        ("string", json!("Tag"), json!("tAG"), true),
        ("string", json!("tag"), json!("tags"), false),
        ("exact string", json!("Tag"), json!("tag"), false),
        ("exact string", json!("tag"), json!("tag"), true),
        (
            "reference",
            json!("https://x.org/A"),
            json!("https://x.org/a"),
            false,
        ),
        ("integer", json!(1), json!(1), true),
        ("integer", json!(1), json!(2), false),
        ("decimal", json!(1), json!(1.0), true),
        ("decimal", json!(-0.0), json!(0), true),
        ("decimal", json!(0.5), json!(0.50), true),
        ("decimal", json!(0.5), json!(0.25), false),
        (
            "decimal",
            json!(9007199254740993u64),
            json!(9007199254740992.0),
            false,
        ),
        (
            "dateTime",
            json!("2026-01-01T01:00:00+01:00"),
            json!("2026-01-01T00:00:00Z"),
            true,
        ),
        (
            "dateTime",
            json!("2026-01-01T00:00:00.5Z"),
            json!("2026-01-01T00:00:00.500Z"),
            true,
        ),
        (
            "dateTime",
            json!("2026-01-01T00:00:00Z"),
            json!("2026-01-01T00:00:01Z"),
            false,
        ),
        ("boolean", json!(true), json!(true), true),
        ("boolean", json!(true), json!(false), false),
        (
            "complex with typed value",
            json!({"value": "2026-01-01T01:00:00+01:00"}),
            json!({"value": "2026-01-01T00:00:00Z", "display": "new year"}),
            true,
        ),
        // Values that do not fit the type compare by JSON kind only (compare_values's
        // order), and the index must agree: two numbers in a string list are "the same".
        ("string", json!(1), json!(2), true),
        ("string", json!(1), json!("1"), false),
        ("dateTime", json!("not a date"), json!("nor this"), true),
        (
            "dateTime",
            json!("not a date"),
            json!("2026-01-01T00:00:00Z"),
            false,
        ),
    ];
    for (name, a, b, same) in table {
        let d = def(name);
        assert_eq!(same_element(&d, &a, &b), same, "{name}: {a} vs {b}");
        assert_eq!(same_element(&d, &b, &a), same, "{name}: {b} vs {a}");
        if same {
            assert_eq!(index_hash(&d, &a), index_hash(&d, &b), "{name}: {a} vs {b}");
        }
        let items = [a.clone()];
        let index = ElementIndex::new(&d, &items);
        assert_eq!(
            index.find(&items, &b).ok(),
            same.then_some(0),
            "{name}: {a} vs {b}"
        );
    }
}

/// The index answers the first equal element, as a scan would, however many equal
/// elements the list already holds; what `push` adds is found afterwards.
#[test]
fn index_finds_the_first_equal_element_and_what_was_pushed() {
    let d = def("members");
    let mut items = alloc::vec![
        json!({"value": "a"}),
        json!({"value": "B"}),
        json!({"value": "A", "display": "second a"}),
        json!({"value": "b"}),
    ];
    let mut index = ElementIndex::new(&d, &items);
    let table = [("a", Some(0)), ("A", Some(0)), ("b", Some(1)), ("c", None)];
    for (value, expected) in table {
        assert_eq!(
            index.find(&items, &json!({"value": value})).ok(),
            expected,
            "{value}"
        );
    }
    let absent = index
        .find(&items, &json!({"value": "c"}))
        .expect_err("absent");
    assert_eq!(index.push(&mut items, json!({"value": "c"}), absent), 4);
    assert_eq!(index.find(&items, &json!({"value": "C"})).ok(), Some(4));
    assert_eq!(items.len(), 5);
}

/// Elements drawn from small pools, so that equal ones (by case, number form, instant,
/// key order, kind) come up often.
fn element() -> impl Strategy<Value = Value> {
    let text = prop::sample::select(alloc::vec![
        "a",
        "A",
        "b",
        "B",
        "\u{212a}",
        "k",
        "K",
        "stra\u{df}e",
        "STRASSE",
        "",
    ]);
    let scalar = prop_oneof![
        text.clone().prop_map(Value::from),
        prop::sample::select(alloc::vec![
            "2026-01-01T00:00:00Z",
            "2026-01-01T01:00:00+01:00",
            "2026-01-01T00:00:00.000Z",
            "not a date",
        ])
        .prop_map(Value::from),
        prop::sample::select(alloc::vec![0i64, 1, 2, -1]).prop_map(Value::from),
        prop::sample::select(alloc::vec![0.0f64, -0.0, 1.0, 0.5, 2.5]).prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    let key = prop::sample::select(alloc::vec!["value", "display", "type", "primary"]);
    prop_oneof![
        scalar.clone(),
        prop::collection::vec((key, scalar), 0..4).prop_map(|members| {
            Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (String::from(k), v))
                    .collect(),
            )
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// For every definition, list and probe: the index finds exactly the position a scan
    /// finds, and elements the scan calls the same hash equal.
    #[test]
    fn index_agrees_with_a_scan(
        which in 0usize..11,
        items in prop::collection::vec(element(), 0..12),
        probes in prop::collection::vec(element(), 1..6),
    ) {
        let all = defs();
        let (name, d) = all.get(which % all.len()).expect("a definition");
        let index = ElementIndex::new(d, &items);
        for probe in probes.iter().chain(&items) {
            let scan = items.iter().position(|e| same_element(d, e, probe));
            prop_assert_eq!(index.find(&items, probe).ok(), scan, "{}: {}", name, probe);
            for e in &items {
                if same_element(d, e, probe) {
                    prop_assert_eq!(index_hash(d, e), index_hash(d, probe), "{}: {} vs {}", name, e, probe);
                }
            }
        }
    }
}
