use super::*;
use crate::csv::fixtures::{idcs_settings, resource_type, IDCS_USER};
use crate::json;
use crate::schema::builtin::ENTERPRISE_USER;
use alloc::vec;

fn find<'c>(columns: &'c Columns, heading: &str) -> Option<&'c Column> {
    columns.columns.iter().find(|c| c.heading == heading)
}

/// (heading, its path on a plain tenant or None, the same with identity domains' extension).
#[test]
fn users_catalogue_resolves_by_attribute_name() {
    let ent = |a: &str| format!("{ENTERPRISE_USER}:{a}");
    let idcs = |a: &str| format!("{IDCS_USER}:{a}");
    let table: Vec<(&str, Option<String>, Option<String>)> = vec![
        (
            "User Name",
            Some("userName".into()),
            Some("userName".into()),
        ),
        (
            "First Name",
            Some("name.givenName".into()),
            Some("name.givenName".into()),
        ),
        (
            "Time Zone",
            Some("timezone".into()),
            Some("timezone".into()),
        ),
        (
            "Work Email",
            Some("emails[type eq \"work\"].value".into()),
            Some("emails[type eq \"work\"].value".into()),
        ),
        (
            "Recovery Phone",
            Some("phoneNumbers[type eq \"recovery\"].value".into()),
            Some("phoneNumbers[type eq \"recovery\"].value".into()),
        ),
        (
            "Primary Email Type",
            Some("emails.primary".into()),
            Some("emails.primary".into()),
        ),
        (
            "Work Address Locality",
            Some("addresses[type eq \"work\"].locality".into()),
            Some("addresses[type eq \"work\"].locality".into()),
        ),
        (
            "Department",
            Some(ent("department")),
            Some(ent("department")),
        ),
        (
            "Manager",
            Some(ent("manager.value")),
            Some(ent("manager.value")),
        ),
        ("Federated", None, Some(idcs("isFederatedUser"))),
        (
            "ByPass Notification",
            None,
            Some(idcs("bypassNotification")),
        ),
        ("Service User", None, Some(idcs("serviceUser"))),
        // emails has no `verified` here, in either.
        ("Work Email Verified", None, None),
    ];
    let plain = columns(Kind::Users, &resource_type(json!({}), "User"));
    let idcs_cols = columns(Kind::Users, &resource_type(idcs_settings(), "User"));
    for (heading, on_plain, on_idcs) in table {
        for (cols, expected) in [(&plain, on_plain), (&idcs_cols, on_idcs)] {
            let got = find(cols, heading).map(|c| c.target.path());
            assert_eq!(got, expected, "{heading}");
            let unserved = cols.unserved.iter().any(|m| m.heading == heading);
            assert_eq!(unserved, got.is_none(), "{heading}");
        }
    }
}

#[test]
fn references_and_lists_are_read_from_the_schema() {
    let users = columns(Kind::Users, &resource_type(json!({}), "User"));
    let groups = columns(Kind::Groups, &resource_type(idcs_settings(), "Group"));
    // (columns, heading, refers to, delimiter, exported)
    let table = [
        (&users, "Manager", Some("User"), None, true),
        (&users, "Work Email", None, None, true),
        (&users, "Password", None, None, false),
        (&groups, "User Members", Some("User"), Some(';'), true),
        (&groups, "Name", None, None, true),
        (&groups, "Description", None, None, true),
    ];
    for (cols, heading, refers, delimiter, exported) in table {
        let column = find(cols, heading).expect(heading);
        assert_eq!(column.target.refers.as_deref(), refers, "{heading}");
        assert_eq!(column.delimiter, delimiter, "{heading}");
        assert_eq!(column.exported(), exported, "{heading}");
    }
    // A plain tenant's Group has no description.
    let plain = columns(Kind::Groups, &resource_type(json!({}), "Group"));
    assert!(find(&plain, "Description").is_none());
    assert_eq!(plain.unserved.len(), 1);
}

#[test]
fn custom_and_extension_attributes_get_generated_columns() {
    let urn = "urn:example:params:scim:schemas:extension:badge:2.0:User";
    let settings = json!({
        "customAttributes": [
            {"resourceType": "User", "attribute": {"name": "costCode", "type": "string"}},
            {"resourceType": "User", "attribute": {"name": "score", "type": "integer"}},
            {"resourceType": "User", "attribute": {"name": "tags", "type": "string", "multiValued": true}},
            {"resourceType": "User", "attribute": {"name": "badgeId", "type": "string", "mutability": "readOnly"}}
        ],
        "extensions": [{
            "schema": {"id": urn, "attributes": [
                {"name": "badge", "type": "string"},
                {"name": "title", "type": "string"},
                {"name": "site", "type": "complex", "subAttributes": [{"name": "code", "type": "string"}]}
            ]},
            "resourceTypes": ["User"]
        }]
    });
    let cols = columns(Kind::Users, &resource_type(settings, "User"));
    let generated: Vec<(&str, String)> = cols
        .columns
        .iter()
        .filter(|c| c.custom)
        .map(|c| (c.heading.as_str(), c.target.path()))
        .collect();
    let title = format!("{urn}:title");
    assert_eq!(
        generated,
        vec![
            ("costCode", "costCode".into()),
            ("score", "score".into()),
            ("badge", format!("{urn}:badge")),
            // "Title" is the core title's heading: the extension's goes by its URN.
            (title.as_str(), title.clone()),
        ]
    );
    let badge = find(&cols, "badge").expect("badge");
    for heading in ["badge", "BADGE", &format!("{urn}:badge"), " badge "] {
        assert!(badge.answers_to(heading), "{heading}");
    }
    assert!(!badge.answers_to(&format!("{urn}:badgeX")));
}

#[test]
fn a_header_names_served_columns_once_each_and_the_required_ones() {
    let cols = columns(Kind::Users, &resource_type(json!({}), "User"));
    let index = |h: &str| cols.columns.iter().position(|c| c.answers_to(h));
    let base = ["User Name", "First Name", "Last Name", "Work Email"];
    type Case<'a> = (
        Vec<&'a str>,
        core::result::Result<Vec<Option<usize>>, &'a str>,
    );
    let table: Vec<Case> = vec![
        (base.to_vec(), Ok(base.iter().map(|h| index(h)).collect())),
        // Older names, any case, spaces around, in any order.
        (
            vec![
                " user id ",
                "Work Email",
                "LAST NAME",
                "First Name",
                "TimeZone",
                "Work City",
            ],
            Ok(vec![
                index("User Name"),
                index("Work Email"),
                index("Last Name"),
                index("First Name"),
                index("Time Zone"),
                index("Work Address Locality"),
            ]),
        ),
        // Known columns this tenant does not serve, and empty headings, are skipped.
        (
            vec![
                "User Name",
                "First Name",
                "Last Name",
                "Work Email",
                "Federated",
                "",
            ],
            Ok(vec![
                index("User Name"),
                index("First Name"),
                index("Last Name"),
                index("Work Email"),
                None,
                None,
            ]),
        ),
        (
            vec![
                "User Name",
                "First Name",
                "Last Name",
                "Work Email",
                "Shoe Size",
                "Hat",
            ],
            Err("unknown columns \"Shoe Size\", \"Hat\""),
        ),
        (
            vec![
                "User Name",
                "User ID",
                "First Name",
                "Last Name",
                "Work Email",
            ],
            Err("names column \"User ID\" twice"),
        ),
        (
            vec!["User Name", "First Name"],
            Err("lacks the required columns \"Last Name\", \"Work Email\""),
        ),
    ];
    for (header, expected) in table {
        let got = match_header(&cols, &header);
        match expected {
            Ok(indexes) => assert_eq!(got, Ok(indexes), "{header:?}"),
            Err(part) => {
                let err = got.expect_err("refused");
                assert!(err.detail.contains(part), "{header:?}: {}", err.detail);
                assert_eq!(err.status, 400);
            }
        }
    }
}

#[test]
fn unknown_and_malformed_mappings_resolve_to_nothing() {
    let rs = resource_type(json!({}), "User");
    for maps_to in [
        "nope",
        "name.nope",
        "emails[work",
        "name[work].givenName",
        "emails",
        "groups[direct].value",
        "meta.created",
        "name",
        "",
    ] {
        assert_eq!(resolve(&rs, maps_to), None, "{maps_to}");
    }
}
