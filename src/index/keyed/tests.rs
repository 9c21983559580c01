//! Attribute indexes: which attributes get one, and keys that are equal exactly when the
//! values compare equal (as uniqueness and the filter's `eq` see them).

use super::*;
use crate::filter::{compare_values, compile, parse};
use crate::json;
use crate::settings::Settings;
use crate::tenant::resource_types_for;
use alloc::vec;
use proptest::prelude::*;

fn settings(json: Value) -> Settings {
    Settings::from_value(json).expect("valid settings")
}

fn schema(settings: &Settings, name: &str) -> ResourceSchema {
    resource_types_for(settings)
        .expect("valid types")
        .into_iter()
        .find(|rs| rs.name == name)
        .expect("served")
}

/// A unique attribute (so it is indexed) from its definition.
fn attribute(mut json: Value) -> Attribute {
    if let Some(obj) = json.as_object_mut() {
        obj.insert("uniqueness", Value::from("server"));
    }
    crate::value::from_value(json).expect("attribute")
}

fn spec_of(attr: &Attribute) -> KeySpec {
    KeySpec::of(Container::Core, attr).expect("indexed")
}

/// One expected index: (extension, attribute, kind, unique).
type Row<'a> = (Option<&'a str>, &'a str, KeyKind, bool);

const TEAM: &str = "urn:example:params:scim:schemas:extension:Team";

#[test]
fn indexes_follow_the_schema() {
    let custom = json!({
        "customAttributes": [
            {"resourceType": "User", "attribute": {"name": "badge", "type": "integer", "uniqueness": "server"}},
            {"resourceType": "User", "attribute": {"name": "aliases", "type": "string", "multiValued": true, "uniqueness": "server"}},
            {"resourceType": "User", "attribute": {"name": "nickCode", "type": "string", "caseExact": true, "uniqueness": "global"}},
            {"resourceType": "Role", "attribute": {"name": "plain", "type": "string"}}
        ],
        "extensions": [{"resourceTypes": ["Group"], "schema": {"id": TEAM, "name": "Team",
            "attributes": [{"name": "costCode", "type": "string", "uniqueness": "server"}]}}]
    });
    // (settings, type, its indexes)
    let table: Vec<(Value, &str, Vec<Row>)> = vec![
        (
            json!({}),
            "User",
            vec![
                (None, "externalId", KeyKind::Exact, false),
                (None, "userName", KeyKind::Folded, true),
            ],
        ),
        (
            json!({}),
            "Group",
            vec![
                (None, "externalId", KeyKind::Exact, false),
                (None, "displayName", KeyKind::Folded, true),
            ],
        ),
        (
            json!({"allowDuplicateGroupNames": true}),
            "Group",
            vec![(None, "externalId", KeyKind::Exact, false)],
        ),
        (
            json!({}),
            "Entitlement",
            vec![(None, "externalId", KeyKind::Exact, false)],
        ),
        (
            custom.clone(),
            "User",
            vec![
                (None, "externalId", KeyKind::Exact, false),
                (None, "userName", KeyKind::Folded, true),
                (None, "badge", KeyKind::Number, true),
                (None, "nickCode", KeyKind::Exact, true),
            ],
        ),
        (
            custom.clone(),
            "Group",
            vec![
                (None, "externalId", KeyKind::Exact, false),
                (None, "displayName", KeyKind::Folded, true),
                (Some(TEAM), "costCode", KeyKind::Folded, true),
            ],
        ),
        (
            custom,
            "Role",
            vec![(None, "externalId", KeyKind::Exact, false)],
        ),
    ];
    for (json, type_name, expected) in table {
        let rs = schema(&settings(json.clone()), type_name);
        let specs = specs_for(&rs);
        let got: Vec<Row> = specs
            .iter()
            .map(|spec| {
                (
                    spec.ext.as_deref(),
                    spec.name.as_str(),
                    spec.kind,
                    spec.unique,
                )
            })
            .collect();
        assert_eq!(got, expected, "{type_name} with {json}");
    }
}

#[test]
fn keys_are_equal_exactly_when_values_compare_equal() {
    // (attribute, a, b): the keys must agree with `compare_values`.
    let table = [
        (
            json!({"name": "s", "type": "string"}),
            json!("BJensen"),
            json!("bjensen"),
        ),
        (
            json!({"name": "s", "type": "string"}),
            json!("Jürgen"),
            json!("JÜRGEN"),
        ),
        (
            json!({"name": "s", "type": "string"}),
            json!("\u{212A}elvin"),
            json!("kelvin"),
        ),
        (
            json!({"name": "s", "type": "string"}),
            json!("Straße"),
            json!("STRASSE"),
        ),
        (
            json!({"name": "s", "type": "string"}),
            json!("a"),
            json!("b"),
        ),
        (
            json!({"name": "s", "type": "string", "caseExact": true}),
            json!("A"),
            json!("a"),
        ),
        (
            json!({"name": "s", "type": "string", "caseExact": true}),
            json!("a"),
            json!("a"),
        ),
        (
            json!({"name": "r", "type": "reference"}),
            json!("http://X/1"),
            json!("http://x/1"),
        ),
        (
            json!({"name": "b", "type": "binary"}),
            json!("QUJD"),
            json!("QUJD"),
        ),
        (
            json!({"name": "n", "type": "integer"}),
            json!(17),
            json!(17),
        ),
        (
            json!({"name": "n", "type": "integer"}),
            json!(17),
            json!(18),
        ),
        (
            json!({"name": "n", "type": "integer"}),
            json!(-1),
            json!(18446744073709551615u64),
        ),
        (
            json!({"name": "d", "type": "decimal"}),
            json!(1),
            json!(1.0),
        ),
        (
            json!({"name": "d", "type": "decimal"}),
            json!(1.5),
            json!(1.50),
        ),
        (
            json!({"name": "d", "type": "decimal"}),
            json!(1.5),
            json!(1),
        ),
        (
            json!({"name": "d", "type": "decimal"}),
            json!(-0.0),
            json!(0),
        ),
        (
            json!({"name": "d", "type": "decimal"}),
            json!(2.5),
            json!(0.25e1),
        ),
        (
            json!({"name": "d", "type": "decimal"}),
            json!(1e20),
            json!(100000000000000000000.0),
        ),
        (
            json!({"name": "d", "type": "decimal"}),
            json!(1e300),
            json!(1e299),
        ),
        (
            json!({"name": "t", "type": "dateTime"}),
            json!("2026-01-01T01:00:00+01:00"),
            json!("2026-01-01T00:00:00Z"),
        ),
        (
            json!({"name": "t", "type": "dateTime"}),
            json!("2026-01-01T00:00:00.5Z"),
            json!("2026-01-01T00:00:00.500Z"),
        ),
        (
            json!({"name": "t", "type": "dateTime"}),
            json!("2026-01-01T00:00:00.0005Z"),
            json!("2026-01-01T00:00:00Z"),
        ),
        (
            json!({"name": "f", "type": "boolean"}),
            json!(true),
            json!(true),
        ),
        (
            json!({"name": "f", "type": "boolean"}),
            json!(true),
            json!(false),
        ),
        (
            json!({"name": "c", "type": "complex", "subAttributes": [{"name": "value", "type": "string"}]}),
            json!({"value": "Ops"}),
            json!({"value": "OPS"}),
        ),
        (
            json!({"name": "c", "type": "complex", "subAttributes": [{"name": "value", "type": "string"}]}),
            json!({"value": "Ops"}),
            json!({"value": "Dev"}),
        ),
    ];
    for (attr, a, b) in table {
        let attr = attribute(attr);
        let spec = spec_of(&attr);
        let name = attr.name.as_str();
        let (ra, rb) = (json!({ name: a.clone() }), json!({ name: b.clone() }));
        let (ka, kb) = (spec.key(&ra), spec.key(&rb));
        assert!(ka.is_some() && kb.is_some(), "{attr:?}: {a} / {b}");
        assert_eq!(
            ka == kb,
            compare_values(&attr, &a, &b).is_eq(),
            "{}: {a} ({ka:?}) / {b} ({kb:?})",
            attr.name
        );
    }
}

#[test]
fn values_of_another_type_have_no_key() {
    let table = [
        (json!({"name": "n", "type": "integer"}), json!("17")),
        (json!({"name": "s", "type": "string"}), json!(17)),
        (json!({"name": "t", "type": "dateTime"}), json!("yesterday")),
        (json!({"name": "f", "type": "boolean"}), json!("true")),
        (json!({"name": "s", "type": "string"}), json!(["a"])),
        (
            json!({"name": "c", "type": "complex", "subAttributes": [{"name": "value", "type": "string"}]}),
            json!("Ops"),
        ),
    ];
    for (attr, value) in table {
        let attr = attribute(attr);
        let spec = spec_of(&attr);
        let name = attr.name.as_str();
        assert_eq!(spec.key(&json!({ name: value.clone() })), None, "{value}");
        assert_eq!(spec.key(&json!({})), None, "absent");
    }
}

/// Whatever literal a filter gives, the index finds a resource exactly when `eq` matches
/// it: the planner may trust the index (and skip evaluating the filter).
#[test]
fn literal_keys_find_exactly_what_eq_matches() {
    let settings = settings(json!({"customAttributes": [
        {"resourceType": "User", "attribute": {"name": "badge", "type": "integer", "uniqueness": "server"}},
        {"resourceType": "User", "attribute": {"name": "weight", "type": "decimal", "uniqueness": "server"}},
        {"resourceType": "User", "attribute": {"name": "started", "type": "dateTime", "uniqueness": "server"}},
        {"resourceType": "User", "attribute": {"name": "flag", "type": "boolean", "uniqueness": "server"}},
        {"resourceType": "User", "attribute": {"name": "code", "type": "string", "caseExact": true, "uniqueness": "server"}}
    ]}));
    let rs = schema(&settings, "User");
    let specs = specs_for(&rs);
    let stored = json!({"userName": "BJensen", "externalId": "Ext-1", "badge": 17, "weight": 70.5,
        "started": "2026-01-01T00:00:00Z", "flag": true, "code": "Abc"});
    let number_name = json!({"userName": "42"});
    // (filter, resource, whether eq matches)
    let table = [
        ("userName eq \"bjensen\"", &stored, true),
        ("USERNAME eq \"BJENSEN\"", &stored, true),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"bjensen\"",
            &stored,
            true,
        ),
        ("userName eq \"bjensen2\"", &stored, false),
        ("userName eq 42", &number_name, true),
        ("externalId eq \"Ext-1\"", &stored, true),
        ("externalId eq \"ext-1\"", &stored, false),
        ("badge eq 17", &stored, true),
        ("badge eq \"17\"", &stored, true),
        ("badge eq 17.0", &stored, true),
        ("badge eq 1.7e1", &stored, true),
        ("badge eq 18", &stored, false),
        ("weight eq 70.50", &stored, true),
        ("weight eq 70", &stored, false),
        ("started eq \"2026-01-01T01:00:00+01:00\"", &stored, true),
        ("started eq \"2026-01-01T00:00:01Z\"", &stored, false),
        ("flag eq true", &stored, true),
        ("flag eq \"TRUE\"", &stored, true),
        ("flag eq false", &stored, false),
        ("code eq \"Abc\"", &stored, true),
        ("code eq \"abc\"", &stored, false),
    ];
    for (text, resource, expected) in table {
        let filter = parse(text).expect("filter");
        let compiled = compile(&filter, &rs, true).expect("compiles");
        assert_eq!(compiled.matches(resource), expected, "{text}: filter");
        let crate::filter::Filter::Compare(path, _, literal) = &filter else {
            panic!("{text} is not a comparison");
        };
        let (container, attr) = rs.resolve(path.urn.as_deref(), &path.name).expect("known");
        let spec = specs
            .iter()
            .find(|spec| spec.covers(container, attr, path.sub.as_deref()))
            .expect("indexed");
        let found = spec
            .literal_key(literal)
            .is_some_and(|k| spec.key(resource) == Some(k));
        assert_eq!(found, expected, "{text}: index");
    }
}

proptest! {
    /// Folded keys agree with case-insensitive comparison on any text.
    #[test]
    fn folded_keys_agree_with_comparison(a in "[a-cA-C\\-]{0,4}|\\PC{0,4}", b in "[a-cA-C\\-]{0,4}|\\PC{0,4}") {
        let attr = attribute(json!({"name": "s", "type": "string"}));
        let spec = spec_of(&attr);
        let (va, vb) = (Value::from(a.as_str()), Value::from(b.as_str()));
        let same = spec.key(&json!({"s": va.clone()})) == spec.key(&json!({"s": vb.clone()}));
        prop_assert_eq!(same, compare_values(&attr, &va, &vb).is_eq());
    }
}
