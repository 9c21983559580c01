//! Membership: the reverse index, and when `groups` are computed.

use super::*;
use crate::json;
use crate::project::parse_attribute_list;
use crate::schema::builtin::resource_type;
use crate::store::{MemoryStore, Store};

/// (step, type, resource, id, then: member -> groups listing it)
type Step = (
    &'static str,
    &'static str,
    Value,
    &'static str,
    [(&'static str, &'static [&'static str]); 3],
);

#[test]
fn the_reverse_index_follows_group_writes() {
    let group = |members: &[&str]| json!({"members": members.iter().map(|m| json!({"value": m})).collect::<Vec<_>>()});
    // The reverse index is the store's to keep (`crate::store`); this is the rule it keeps.
    let mut index = MemoryStore::default();
    let listed = |index: &MemoryStore, member: &str| -> Vec<String> {
        index
            .groups_of(member)
            .iter()
            .map(|g| String::from(g.as_str()))
            .collect()
    };
    let steps: [Step; 5] = [
        (
            "add",
            GROUP,
            group(&["u1", "u2"]),
            "g1",
            [("u1", &["g1"]), ("u2", &["g1"]), ("u3", &[])],
        ),
        (
            "add",
            GROUP,
            group(&["u2", "u3"]),
            "g2",
            [("u1", &["g1"]), ("u2", &["g1", "g2"]), ("u3", &["g2"])],
        ),
        // Not a group: its `members`, if any, make no membership.
        (
            "add",
            "Role",
            group(&["u1"]),
            "r1",
            [("u1", &["g1"]), ("u2", &["g1", "g2"]), ("u3", &["g2"])],
        ),
        (
            "discard",
            GROUP,
            group(&["u1", "u2"]),
            "g1",
            [("u1", &[]), ("u2", &["g2"]), ("u3", &["g2"])],
        ),
        (
            "discard",
            GROUP,
            group(&["u2", "u3"]),
            "g2",
            [("u1", &[]), ("u2", &[]), ("u3", &[])],
        ),
    ];
    for (step, type_name, resource, id, expected) in steps {
        let mut stored = resource;
        if let Some(obj) = stored.as_object_mut() {
            obj.insert("id", Value::from(id));
        }
        match step {
            "add" => index.put(type_name, Arc::new(stored)).map(drop),
            _ => index.remove(type_name, id).map(drop),
        }
        .expect("a memory store never fails");
        for (member, groups) in expected {
            assert_eq!(
                listed(&index, member),
                groups,
                "after {step} {id}: {member}"
            );
        }
    }
}

#[test]
fn groups_are_computed_only_when_a_projection_can_show_them() {
    // (attributes, excludedAttributes, wanted)
    let table = [
        ("", "", true),
        ("groups", "", true),
        ("groups.display", "", true),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:groups",
            "",
            true,
        ),
        ("GROUPS[type eq \"direct\"]", "", true),
        ("userName", "", false),
        ("userName,emails", "", false),
        ("", "groups", false),
        ("", "Groups.value", false),
        ("groups", "groups", false),
    ];
    for (attributes, excluded, expected) in table {
        let projection = Projection {
            attributes: parse_attribute_list(attributes),
            excluded: parse_attribute_list(excluded),
            ..Projection::default()
        };
        assert_eq!(
            groups_wanted(&projection),
            expected,
            "attributes={attributes} excludedAttributes={excluded}"
        );
    }
}

#[test]
fn only_types_whose_schema_computes_groups_materialize_them_for_filters() {
    // (type, filter, needed)
    let table = [
        ("User", "groups.value eq \"g1\"", true),
        ("User", "userName eq \"a\" and GROUPS pr", true),
        ("User", "userName eq \"a\"", false),
        ("Group", "groups.value eq \"g1\"", false),
        ("Entitlement", "groups pr", false),
    ];
    for (type_name, text, expected) in table {
        let rs = resource_type(type_name).expect("built-in");
        let filter = crate::filter::parse(text).expect("filter");
        assert_eq!(
            filter_needs_groups(&rs, &filter),
            expected,
            "{type_name}: {text}"
        );
    }
}
