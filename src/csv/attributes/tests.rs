use super::*;
use crate::csv::fixtures::{idcs_settings, tenant, IDCS_USER};
use crate::json;
use crate::schema::builtin::{ENTERPRISE_USER, GROUP, USER};

fn find<'e>(entries: &'e [Value], heading: &str) -> &'e Value {
    entries
        .iter()
        .find(|e| e["idcsCsvAttributeName"] == heading)
        .unwrap_or_else(|| panic!("{heading}"))
}

/// (heading, name, schema, type, required, multiValued, mutability, older heading)
#[test]
fn each_column_is_listed_from_the_schemas() {
    let t = tenant(idcs_settings());
    let entries = schema_attributes(&t);
    #[rustfmt::skip]
    let table = [
        ("User Name", "userName", USER, "string", true, false, "readWrite", Some("User ID")),
        ("First Name", "name.givenName", USER, "string", true, false, "readWrite", None),
        ("Work Email", "emails.value", USER, "string", true, false, "readWrite", None),
        ("Primary Email Type", "emails.primary", USER, "string", false, false, "readWrite", None),
        ("Active", "active", USER, "boolean", false, false, "readWrite", None),
        ("Password", "password", USER, "string", false, false, "writeOnly", None),
        ("Manager", "manager.value", ENTERPRISE_USER, "string", false, false, "readWrite", Some("Manager Name")),
        ("Federated", "isFederatedUser", IDCS_USER, "boolean", false, false, "readWrite", None),
        ("ByPass Notification", "bypassNotification", IDCS_USER, "boolean", false, false, "immutable", None),
        ("Name", "displayName", GROUP, "string", true, false, "readWrite", Some("Display Name")),
        ("User Members", "members.value", GROUP, "string", false, true, "immutable", None),
    ];
    for (heading, name, urn, ty, required, multi, mutability, older) in table {
        let e = find(&entries, heading);
        assert_eq!(e["name"], name, "{heading}");
        assert_eq!(e["idcsSchemaUrn"], urn, "{heading}");
        assert_eq!(
            e["idcsFullyQualifiedName"],
            format!("{urn}:{name}").as_str(),
            "{heading}"
        );
        assert_eq!(e["type"], ty, "{heading}");
        assert_eq!(e["required"], required, "{heading}");
        assert_eq!(e["multiValued"], multi, "{heading}");
        assert_eq!(e["mutability"], mutability, "{heading}");
        assert_eq!(e["idcsDisplayName"], heading, "{heading}");
        assert_eq!(e["idcsSearchable"], true, "{heading}");
        assert_eq!(e["schemas"][0], SCHEMA, "{heading}");
        let mapping = &e["idcsCsvAttributeNameMappings"][0];
        assert_eq!(mapping["columnHeaderName"], heading, "{heading}");
        assert_eq!(
            mapping["deprecatedColumnHeaderName"].as_str(),
            older,
            "{heading}"
        );
    }
    assert_eq!(
        find(&entries, "User Members")["idcsCsvAttributeNameMappings"][0]["multiValueDelimiter"],
        ";"
    );
    assert_eq!(
        find(&entries, "Work Email")["idcsCsvAttributeNameMappings"][0]["mapsTo"],
        "emails[work].value"
    );
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert!(ids.contains(&"User-work-address-postal-code"));
}

#[test]
fn only_served_columns_are_listed_and_custom_ones_are_marked() {
    let settings = json!({
        "customAttributes": [{"resourceType": "User", "attribute": {"name": "costCode", "type": "string", "description": "Where costs go"}}],
        "resourceTypes": {"group": false}
    });
    let t = tenant(settings);
    let entries = schema_attributes(&t);
    let headings: Vec<&str> = entries
        .iter()
        .map(|e| e["idcsCsvAttributeName"].as_str().unwrap())
        .collect();
    for absent in [
        "Federated",
        "Work Email Verified",
        "Name",
        "User Members",
        "Grantee Name",
    ] {
        assert!(!headings.contains(&absent), "{absent}");
    }
    let custom = find(&entries, "costCode");
    assert_eq!(custom["idcsCustomAttribute"], true);
    assert_eq!(custom["description"], "Where costs go");
    assert_eq!(find(&entries, "User Name")["idcsCustomAttribute"], false);
    assert!(entries.iter().all(|e| e["resourceType"] == "User"));
    assert!(schema_attributes_of(&t, Kind::Groups).is_empty());
}
