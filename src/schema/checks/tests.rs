use super::*;
use crate::error::ScimType;
use crate::json;
use crate::schema::builtin::ENTERPRISE_USER;
use crate::schema::fixtures::{custom, resource_type};
use alloc::vec;
use alloc::vec::Vec;

/// `None`: accepted; `Some((scimType, detail))`: a 400 with that type, detail included.
type Verdict = Option<(ScimType, &'static str)>;

fn expect_result(name: &str, got: Result<()>, expected: Verdict) {
    match (got, expected) {
        (Ok(()), None) => {}
        (Err(e), Some((scim_type, detail))) => {
            assert_eq!((e.status, e.scim_type), (400, Some(scim_type)), "{name}");
            assert!(
                e.detail.contains(detail),
                "{name}: {:?} lacks {detail:?}",
                e.detail
            );
        }
        (got, _) => panic!("{name}: got {got:?}"),
    }
}

#[test]
fn required_attributes_are_checked() {
    let mut strict_user = resource_type("User");
    if let Some(e) = strict_user.extensions.first_mut() {
        e.required = true;
        e.schema
            .attributes
            .iter_mut()
            .for_each(|a| a.required = a.name == "employeeNumber");
    }
    let mut sub_required = resource_type("User");
    if let Some(emails) = sub_required
        .core
        .attributes
        .iter_mut()
        .find(|a| a.name == "emails")
    {
        emails
            .sub_attributes
            .iter_mut()
            .for_each(|s| s.required = s.name == "value");
    }
    let mut ext_attr_required = resource_type("User");
    if let Some(e) = ext_attr_required.extensions.first_mut() {
        e.schema
            .attributes
            .iter_mut()
            .for_each(|a| a.required = a.name == "employeeNumber");
    }
    let ent = ENTERPRISE_USER;
    let table: Vec<(&str, ResourceSchema, Value, Verdict)> = vec![
        ("user with userName", resource_type("User"), json!({"userName": "ann"}), None),
        ("user without userName", resource_type("User"), json!({"displayName": "Ann"}),
         Some((ScimType::InvalidValue, "attribute \"userName\" is required"))),
        ("user with an empty userName", resource_type("User"), json!({"userName": ""}),
         Some((ScimType::InvalidValue, "attribute \"userName\" is required"))),
        ("group without displayName", resource_type("Group"), json!({"members": [{"value": "u1"}]}),
         Some((ScimType::InvalidValue, "attribute \"displayName\" is required"))),
        ("group with displayName", resource_type("Group"), json!({"displayName": "Ops"}), None),
        ("entitlement without displayName", resource_type("Entitlement"), json!({"type": "License"}),
         Some((ScimType::InvalidValue, "attribute \"displayName\" is required"))),
        ("role without displayName", resource_type("Role"), json!({}),
         Some((ScimType::InvalidValue, "attribute \"displayName\" is required"))),
        ("required extension missing", strict_user.clone(), json!({"userName": "ann"}),
         Some((ScimType::InvalidValue, "extension \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\" is required"))),
        ("required extension without its required attribute", strict_user.clone(),
         json!({"userName": "ann", ent: {"department": "Ops"}}),
         Some((ScimType::InvalidValue, "attribute \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber\" is required"))),
        ("required extension complete", strict_user, json!({"userName": "ann", ent: {"employeeNumber": "7"}}), None),
        ("optional extension absent: its required attributes are not asked for", ext_attr_required.clone(),
         json!({"userName": "ann"}), None),
        ("optional extension present without its required attribute", ext_attr_required,
         json!({"userName": "ann", ent: {"department": "Ops"}}),
         Some((ScimType::InvalidValue, "employeeNumber\" is required"))),
        ("required sub-attribute missing in one element", sub_required.clone(),
         json!({"userName": "ann", "emails": [{"value": "a@x.org"}, {"type": "work"}]}),
         Some((ScimType::InvalidValue, "attribute \"emails.value\" is required"))),
        ("required sub-attribute present", sub_required.clone(),
         json!({"userName": "ann", "emails": [{"value": "a@x.org"}]}), None),
        ("required sub-attribute of an absent attribute", sub_required, json!({"userName": "ann"}), None),
    ];
    for (name, rs, resource, expected) in table {
        expect_result(name, check_required(&rs, &resource), expected);
    }
}

#[test]
fn immutable_attributes_cannot_change_once_set() {
    let mut rs = resource_type("User");
    rs.core.attributes.push(custom(
        json!({"name": "employeeId", "type": "string", "mutability": "immutable"}),
    ));
    if let Some(name) = rs.core.attributes.iter_mut().find(|a| a.name == "name") {
        name.sub_attributes.iter_mut().for_each(|s| {
            if s.name == "givenName" {
                s.mutability = Mutability::Immutable;
            }
        });
    }
    if let Some(e) = rs.extensions.first_mut() {
        e.schema.attributes.iter_mut().for_each(|a| {
            if a.name == "costCenter" {
                a.mutability = Mutability::Immutable;
            }
        });
    }
    let ent = ENTERPRISE_USER;
    let table = [
        ("unchanged", json!({"employeeId": "E1"}), json!({"employeeId": "E1"}), None),
        ("same ignoring case (caseExact false)", json!({"employeeId": "E1"}), json!({"employeeId": "e1"}), None),
        ("set for the first time", json!({}), json!({"employeeId": "E1"}), None),
        ("changed", json!({"employeeId": "E1"}), json!({"employeeId": "E2"}),
         Some((ScimType::Mutability, "attribute \"employeeId\" is immutable"))),
        ("removed", json!({"employeeId": "E1"}), json!({}),
         Some((ScimType::Mutability, "attribute \"employeeId\" is immutable"))),
        ("immutable sub-attribute of a single-valued complex", json!({"name": {"givenName": "Ann"}}),
         json!({"name": {"givenName": "Anne"}}),
         Some((ScimType::Mutability, "attribute \"name.givenName\" is immutable"))),
        ("other sub-attributes of that complex may change", json!({"name": {"givenName": "Ann", "familyName": "Lee"}}),
         json!({"name": {"givenName": "Ann", "familyName": "Li"}}), None),
        ("immutable extension attribute", json!({ent: {"costCenter": "1"}}), json!({ent: {"costCenter": "2"}}),
         Some((ScimType::Mutability, "attribute \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter\" is immutable"))),
        ("extension removed altogether", json!({ent: {"costCenter": "1"}}), json!({}),
         Some((ScimType::Mutability, "costCenter\" is immutable"))),
    ];
    for (name, old, new, expected) in table {
        expect_result(name, check_immutable(&rs, &old, &new), expected);
    }
    let group = resource_type("Group");
    expect_result(
        "replacing group members (immutable per element) is allowed",
        check_immutable(
            &group,
            &json!({"displayName": "Ops", "members": [{"value": "u1", "type": "User"}]}),
            &json!({"displayName": "Ops", "members": [{"value": "u2", "type": "Group"}]}),
        ),
        None,
    );
}
