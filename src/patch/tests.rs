//! PatchOp semantics as tables: RFC 7644 examples, client quirks, errors, and properties.

use super::*;
use crate::error::ScimType;
use crate::json;
use crate::schema::builtin::{self, ENTERPRISE_USER, GROUP, USER};
use alloc::vec::Vec;
use proptest::prelude::*;

fn schema(name: &str) -> ResourceSchema {
    builtin::resource_type(name).expect("built-in resource type")
}

const BABS: &str = "2819c223-7f76-453a-919d-413861904646";
const MANDY: &str = "902c246b-6245-4190-8e05-00816be7344a";
const JAMES: &str = "08e1d05d-121c-4561-8b96-473d93df9210";

fn user() -> Value {
    json!({
        "schemas": [USER],
        "id": BABS,
        "meta": {"resourceType": "User", "version": "W/\"3\""},
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "nickName": "Babs",
        "title": "Tour Guide",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "addresses": [{
            "type": "work", "streetAddress": "100 Universal City Plaza",
            "locality": "Hollywood", "region": "CA", "postalCode": "91608",
            "country": "US", "primary": true
        }]
    })
}

fn enterprise_user() -> Value {
    let mut u = user();
    u["schemas"] = json!([USER, ENTERPRISE_USER]);
    u[ENTERPRISE_USER] = json!({
        "employeeNumber": "701984",
        "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
    });
    u
}

fn group() -> Value {
    json!({
        "schemas": [GROUP],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "meta": {"resourceType": "Group", "version": "W/\"7\""},
        "displayName": "Tour Guides",
        "members": [
            {"value": BABS, "display": "Babs Jensen",
             "$ref": format!("https://example.com/v2/Users/{BABS}")},
            {"value": MANDY, "display": "Mandy Pepperidge"}
        ]
    })
}

/// RFC 7386 merge patch, to write an expected resource as "before, plus these changes"
/// (`null` removes a member; arrays are replaced whole).
fn changed(mut base: Value, changes: Value) -> Value {
    fn merge(target: &mut Value, patch: Value) {
        match (target, patch) {
            (Value::Object(t), Value::Object(p)) => {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(&k);
                    } else {
                        merge(t.entry(k).or_insert(Value::Null), v);
                    }
                }
            }
            (t, p) => *t = p,
        }
    }
    merge(&mut base, changes);
    base
}

fn ops(operations: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": operations})
}

enum Expect {
    Resource(Value),
    Error(u16, ScimType, &'static str),
}
use Expect::{Error as Fails, Resource as Gives};

struct Case {
    name: &'static str,
    rs: &'static str,
    before: Value,
    body: Value,
    strict: bool,
    max_operations: usize,
    expect: Expect,
}

fn case(name: &'static str, rs: &'static str, before: Value, body: Value, expect: Expect) -> Case {
    Case {
        name,
        rs,
        before,
        body,
        strict: false,
        max_operations: Settings::default().patch_max_operations,
        expect,
    }
}

fn strict(mut c: Case) -> Case {
    c.strict = true;
    c
}

fn limited(max_operations: usize, mut c: Case) -> Case {
    c.max_operations = max_operations;
    c
}

fn run(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        let rs = schema(c.rs);
        let settings = Settings {
            strict: c.strict,
            patch_max_operations: c.max_operations,
            ..Settings::default()
        };
        let got = apply(&rs, &c.before, &c.body, &settings);
        match (&c.expect, got) {
            (Gives(want), Ok(got)) if *want == got => {}
            (Fails(status, ty, fragment), Err(e))
                if e.status == *status
                    && e.scim_type == Some(*ty)
                    && e.detail.contains(fragment) => {}
            (Gives(want), got) => failures.push(format!(
                "{}:\n  want {want}\n  got  {:?}",
                c.name,
                got.map(|v| v.to_string())
            )),
            (Fails(status, ty, fragment), got) => failures.push(format!(
                "{}:\n  want {status} {} containing {fragment:?}\n  got  {got:?}",
                c.name,
                ty.as_str()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every PATCH example of RFC 7644 section 3.5.2.
#[test]
fn rfc7644_examples() {
    let babs = json!({"display": "Babs Jensen",
        "$ref": format!("https://example.com/v2/Users/{BABS}"), "value": BABS});
    let mandy = json!({"value": MANDY, "display": "Mandy Pepperidge"});
    let james = json!({"display": "James Smith",
        "$ref": format!("https://example.com/v2/Users/{JAMES}"), "value": JAMES});
    let mandy_only = changed(group(), json!({"members": [mandy]}));
    run(alloc::vec![
        // 3.5.2.1: add a member.
        case(
            "add_member",
            "Group",
            mandy_only.clone(),
            ops(json!([{"op": "add", "path": "members", "value": [babs]}])),
            Gives(changed(
                mandy_only.clone(),
                json!({"members": [mandy, babs]})
            ))
        ),
        // 3.5.2.1: add without path: emails appended, nickname set (name in any case).
        case(
            "add_emails_and_nickname_without_path",
            "User",
            changed(
                user(),
                json!({"emails": [user()["emails"][0]], "nickName": null})
            ),
            ops(json!([{"op": "add", "value": {
                "emails": [{"value": "babs@jensen.org", "type": "home"}],
                "nickname": "Babs"}}])),
            Gives(user())
        ),
        // 3.5.2.2: remove all members.
        case(
            "remove_all_members",
            "Group",
            group(),
            ops(json!([{"op": "remove", "path": "members"}])),
            Gives(changed(group(), json!({"members": null})))
        ),
        // 3.5.2.2: remove one member by value filter.
        case(
            "remove_member_by_filter",
            "Group",
            group(),
            ops(json!([{"op": "remove",
                "path": format!("members[value eq \"{BABS}\"]")}])),
            Gives(mandy_only.clone())
        ),
        // 3.5.2.2: remove with a complex filter.
        case(
            "remove_work_email_by_complex_filter",
            "User",
            user(),
            ops(json!([{"op": "remove",
                "path": "emails[type eq \"work\" and value ew \"example.com\"]"}])),
            Gives(changed(
                user(),
                json!({"emails": [{"value": "babs@jensen.org", "type": "home"}]})
            ))
        ),
        // 3.5.2.2: remove several members, one operation each.
        case(
            "remove_multiple_members",
            "Group",
            group(),
            ops(json!([
                {"op": "remove", "path": format!("members[value eq \"{BABS}\"]")},
                {"op": "remove", "path": format!("members[value eq \"{MANDY}\"]")}])),
            Gives(changed(group(), json!({"members": null})))
        ),
        // 3.5.2.2: remove all members, then add one, in one request.
        case(
            "remove_then_add_members",
            "Group",
            group(),
            ops(json!([
                {"op": "remove", "path": "members"},
                {"op": "add", "path": "members", "value": [james]}])),
            Gives(changed(group(), json!({"members": [james]})))
        ),
        // 3.5.2.3: replace all members.
        case(
            "replace_members",
            "Group",
            group(),
            ops(json!([{"op": "replace", "path": "members", "value": [babs, james]}])),
            Gives(changed(group(), json!({"members": [babs, james]})))
        ),
        // 3.5.2.3: replace the work address.
        case(
            "replace_work_address",
            "User",
            user(),
            ops(
                json!([{"op": "replace", "path": "addresses[type eq \"work\"]", "value": {
                "type": "work", "streetAddress": "911 Universal City Plaza",
                "locality": "Hollywood", "region": "CA", "postalCode": "91608",
                "country": "US", "formatted": "911 Universal City Plaza\nHollywood, CA 91608 US",
                "primary": true}}])
            ),
            Gives(changed(
                user(),
                json!({"addresses": [{
                "type": "work", "streetAddress": "911 Universal City Plaza",
                "locality": "Hollywood", "region": "CA", "postalCode": "91608",
                "country": "US", "formatted": "911 Universal City Plaza\nHollywood, CA 91608 US",
                "primary": true}]})
            ))
        ),
        // 3.5.2.3: replace one sub-attribute of the work address.
        case(
            "replace_work_street_address",
            "User",
            user(),
            ops(
                json!([{"op": "replace", "path": "addresses[type eq \"work\"].streetAddress",
                "value": "1010 Broadway Ave"}])
            ),
            Gives({
                let mut u = user();
                u["addresses"][0]["streetAddress"] = json!("1010 Broadway Ave");
                u
            })
        ),
        // 3.5.2.3: replace without path: emails replaced as a list.
        case(
            "replace_emails_and_nickname_without_path",
            "User",
            user(),
            ops(json!([{"op": "replace", "value": {
                "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
                "nickname": "Babsy"}}])),
            Gives(changed(
                user(),
                json!({"nickName": "Babsy",
                "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}]})
            ))
        ),
        // Extension attributes by URN path (RFC 7644 section 3.10 notation).
        case(
            "add_enterprise_manager",
            "User",
            user(),
            ops(json!([{"op": "add",
                "path": format!("{ENTERPRISE_USER}:manager"),
                "value": {"value": JAMES}}])),
            Gives(changed(
                user(),
                json!({"schemas": [USER, ENTERPRISE_USER],
                ENTERPRISE_USER: {"manager": {"value": JAMES}}})
            ))
        ),
        case(
            "replace_enterprise_manager_value",
            "User",
            enterprise_user(),
            ops(json!([{"op": "replace",
                "path": format!("{ENTERPRISE_USER}:manager.value"), "value": JAMES}])),
            Gives(changed(
                enterprise_user(),
                json!({ENTERPRISE_USER: {"manager": {"value": JAMES}}})
            ))
        ),
        case(
            "remove_enterprise_manager",
            "User",
            enterprise_user(),
            ops(json!([{"op": "remove", "path": format!("{ENTERPRISE_USER}:manager")}])),
            Gives(changed(
                enterprise_user(),
                json!({ENTERPRISE_USER: {"manager": null}})
            ))
        ),
        case(
            "remove_whole_extension",
            "User",
            enterprise_user(),
            ops(json!([{"op": "remove", "path": ENTERPRISE_USER}])),
            Gives(user())
        ),
        case(
            "removing_last_extension_attribute_drops_the_extension",
            "User",
            enterprise_user(),
            ops(json!([
                {"op": "remove", "path": format!("{ENTERPRISE_USER}:manager")},
                {"op": "remove", "path": "employeeNumber"}])),
            Gives(user())
        ),
    ]);
}

/// What Okta, Entra and the conformance suites send.
#[test]
fn client_quirks() {
    let babs = json!({"value": BABS, "display": "Babs Jensen"});
    let mandy = json!({"value": MANDY, "display": "Mandy Pepperidge"});
    let james = json!({"value": JAMES, "display": "James Smith"});
    let bare_group = changed(group(), json!({"members": [babs, mandy]}));
    run(alloc::vec![
        case(
            "okta_deactivate_without_path",
            "User",
            user(),
            json!({"schemas": [PATCH_OP], "Operations": [
                {"op": "replace", "value": {"active": false}}]}),
            Gives(changed(user(), json!({"active": false})))
        ),
        case(
            "okta_group_rename_with_id_in_value",
            "Group",
            group(),
            ops(json!([{"op": "replace", "value": {
                "id": "e9e30dba-f08f-4109-8486-d5c6a331660a", "displayName": "Guides"}}])),
            Gives(changed(group(), json!({"displayName": "Guides"})))
        ),
        case(
            "okta_read_only_keys_in_value_are_ignored",
            "User",
            user(),
            ops(json!([{"op": "replace", "value": {
                "id": "other", "meta": {"version": "W/\"9\""}, "groups": [],
                "schemas": [USER], "title": "Lead"}}])),
            Gives(changed(user(), json!({"title": "Lead"})))
        ),
        case(
            "okta_member_remove_by_filter_then_add_with_display",
            "Group",
            bare_group.clone(),
            ops(json!([
                {"op": "remove", "path": format!("members[value eq \"{MANDY}\"]")},
                {"op": "add", "path": "members", "value": [james]}])),
            Gives(changed(
                bare_group.clone(),
                json!({"members": [babs, james]})
            ))
        ),
        case(
            "entra_capitalised_ops_and_keys",
            "User",
            user(),
            json!({"schemas": [PATCH_OP], "operations": [
                {"Op": "Replace", "Path": "title", "Value": "Lead"},
                {"op": "Add", "path": "displayName", "value": "Babs J"},
                {"op": "Remove", "path": "nickName"}]}),
            Gives(changed(
                user(),
                json!({"title": "Lead", "displayName": "Babs J", "nickName": null})
            ))
        ),
        case(
            "entra_string_booleans",
            "User",
            user(),
            ops(json!([
                {"op": "Replace", "path": "active", "value": "False"},
                {"op": "Replace", "path": "emails[type eq \"home\"].primary", "value": "true"}])),
            Gives({
                let mut u = changed(user(), json!({"active": false}));
                u["emails"] = json!([
                    {"value": "bjensen@example.com", "type": "work"},
                    {"value": "babs@jensen.org", "type": "home", "primary": true}]);
                u
            })
        ),
        case(
            "entra_dotted_and_urn_keys_in_pathless_value",
            "User",
            user(),
            ops(json!([{"op": "Replace", "value": {
                "name.givenName": "Babs",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42",
                "urn:ietf:params:scim:schemas:core:2.0:User:title": "Lead"}}])),
            Gives(changed(
                user(),
                json!({"schemas": [USER, ENTERPRISE_USER],
                "name": {"givenName": "Babs"}, "title": "Lead",
                ENTERPRISE_USER: {"employeeNumber": "42"}})
            ))
        ),
        case(
            "entra_manager_as_bare_string",
            "User",
            enterprise_user(),
            ops(json!([{"op": "Replace",
                "path": format!("{ENTERPRISE_USER}:manager"), "value": JAMES}])),
            Gives(changed(
                enterprise_user(),
                json!({ENTERPRISE_USER: {"manager": {"value": JAMES}}})
            ))
        ),
        case(
            "entra_manager_as_array_with_null_ref",
            "User",
            user(),
            ops(json!([{"op": "Add",
                "path": format!("{ENTERPRISE_USER}:manager"),
                "value": [{"$ref": null, "value": JAMES}]}])),
            Gives(changed(
                user(),
                json!({"schemas": [USER, ENTERPRISE_USER],
                ENTERPRISE_USER: {"manager": {"value": JAMES}}})
            ))
        ),
        case(
            "entra_clears_manager_with_empty_string",
            "User",
            enterprise_user(),
            ops(json!([{"op": "Replace",
                "path": format!("{ENTERPRISE_USER}:manager"), "value": ""}])),
            Gives(changed(
                enterprise_user(),
                json!({ENTERPRISE_USER: {"manager": null}})
            ))
        ),
        case(
            "extension_urn_key_holding_an_object",
            "User",
            enterprise_user(),
            ops(json!([{"op": "add", "value": {
                ENTERPRISE_USER: {"department": "Tour Operations", "manager": {"value": JAMES}}}}])),
            Gives(changed(
                enterprise_user(),
                json!({ENTERPRISE_USER: {
                "department": "Tour Operations", "manager": {"value": JAMES}}})
            ))
        ),
        case(
            "entra_remove_members_with_value_list",
            "Group",
            bare_group.clone(),
            ops(json!([{"op": "Remove", "path": "members", "value": [{"value": BABS}]}])),
            Gives(changed(bare_group.clone(), json!({"members": [mandy]})))
        ),
        case(
            "remove_with_value_list_of_unknown_member_changes_nothing",
            "Group",
            bare_group.clone(),
            ops(json!([{"op": "Remove", "path": "members", "value": [{"value": JAMES}]}])),
            Gives(bare_group.clone())
        ),
        case(
            "entra_add_creates_missing_home_email",
            "User",
            changed(user(), json!({"emails": [user()["emails"][0]]})),
            ops(
                json!([{"op": "Add", "path": "emails[type eq \"home\"].value", "value": "b@home.org"}])
            ),
            Gives(changed(
                user(),
                json!({"emails": [user()["emails"][0],
                {"type": "home", "value": "b@home.org"}]})
            ))
        ),
        case(
            "entra_replace_creates_missing_home_postal_code",
            "User",
            user(),
            ops(
                json!([{"op": "Replace", "path": "addresses[type eq \"home\"].postalCode", "value": "90210"}])
            ),
            Gives(changed(
                user(),
                json!({"addresses": [user()["addresses"][0],
                {"type": "home", "postalCode": "90210"}]})
            ))
        ),
        case(
            "entra_replace_sets_sub_of_matching_element",
            "User",
            user(),
            ops(
                json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "b@new.example"}])
            ),
            Gives({
                let mut u = user();
                u["emails"][0]["value"] = json!("b@new.example");
                u
            })
        ),
        case(
            "entra_empty_string_and_null_clear",
            "User",
            user(),
            ops(json!([
                {"op": "Replace", "path": "nickName", "value": ""},
                {"op": "Replace", "path": "title", "value": null},
                {"op": "Add", "path": "name.familyName", "value": ""},
                {"op": "Replace", "path": "emails[type eq \"home\"].value", "value": null}])),
            Gives({
                let mut u = changed(
                    user(),
                    json!({"nickName": null, "title": null,
                    "name": {"familyName": null}}),
                );
                u["emails"][1] = json!({"type": "home"});
                u
            })
        ),
        case(
            "null_sub_attribute_in_value_clears_only_it",
            "User",
            user(),
            ops(
                json!([{"op": "replace", "value": {"name": {"familyName": null, "middleName": "J"}}}])
            ),
            Gives(changed(
                user(),
                json!({"name": {"familyName": null, "middleName": "J"}})
            ))
        ),
        case(
            "empty_operations_change_nothing",
            "User",
            user(),
            ops(json!([])),
            Gives(user())
        ),
        case(
            "member_ref_null_is_fine",
            "Group",
            bare_group.clone(),
            ops(json!([{"op": "Add", "path": "members",
                "value": [{"value": JAMES, "display": "James Smith", "$ref": null}]}])),
            Gives(changed(
                bare_group.clone(),
                json!({"members": [babs, mandy, james]})
            ))
        ),
        case(
            "adding_an_existing_member_does_not_duplicate_it",
            "Group",
            bare_group.clone(),
            ops(json!([{"op": "add", "path": "members", "value": [{"value": BABS}]}])),
            Gives(bare_group.clone())
        ),
        case(
            "adding_an_existing_member_refreshes_its_display",
            "Group",
            bare_group.clone(),
            ops(
                json!([{"op": "add", "path": "members", "value": {"value": BABS, "display": "Barbara"}}])
            ),
            Gives(changed(
                bare_group.clone(),
                json!({"members": [
                {"value": BABS, "display": "Barbara"}, mandy]})
            ))
        ),
        case(
            "missing_schemas_tolerated",
            "User",
            user(),
            json!({"Operations": [{"op": "replace", "path": "title", "value": "Lead"}]}),
            Gives(changed(user(), json!({"title": "Lead"})))
        ),
        case(
            "pathless_unknown_attribute_ignored",
            "User",
            user(),
            ops(
                json!([{"op": "add", "value": {"shoeSize": 42, "title": "Lead",
                "urn:example:unknown:1.0:User:x": 1, "urn:example:unknown:1.0:User": {"x": 1}}}])
            ),
            Gives(changed(user(), json!({"title": "Lead"})))
        ),
        case(
            "unknown_extension_urn_path_ignored",
            "User",
            user(),
            ops(
                json!([{"op": "add", "path": "urn:example:unknown:1.0:User:shoeSize", "value": 42}])
            ),
            Gives(user())
        ),
    ]);
}

/// RFC 7644 3.5.2.3 on complex attributes, the one-primary rule, sub-attribute edits.
#[test]
fn multi_valued_and_complex_semantics() {
    run(alloc::vec![
        case(
            "replace_complex_with_path_keeps_unnamed_sub_attributes",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "name", "value": {"givenName": "Babs"}}])),
            Gives(changed(user(), json!({"name": {"givenName": "Babs"}})))
        ),
        case(
            "replace_complex_without_path_keeps_unnamed_sub_attributes",
            "User",
            user(),
            ops(json!([{"op": "replace", "value": {"NAME": {"GivenName": "Babs"}}}])),
            Gives(changed(user(), json!({"name": {"givenName": "Babs"}})))
        ),
        case(
            "add_sub_attribute_creates_complex_attribute",
            "User",
            changed(user(), json!({"name": null})),
            ops(json!([{"op": "add", "path": "name.givenName", "value": "Babs"}])),
            Gives(changed(
                user(),
                json!({"name": {"givenName": "Babs", "familyName": null}})
            ))
        ),
        case(
            "remove_sub_attribute",
            "User",
            user(),
            ops(json!([{"op": "remove", "path": "name.givenName"}])),
            Gives(changed(user(), json!({"name": {"givenName": null}})))
        ),
        case(
            "removing_last_sub_attribute_removes_attribute",
            "User",
            user(),
            ops(json!([{"op": "remove", "path": "name.givenName"},
                       {"op": "remove", "path": "name.familyName"}])),
            Gives(changed(user(), json!({"name": null})))
        ),
        case(
            "remove_sub_of_matching_elements",
            "User",
            user(),
            ops(json!([{"op": "remove", "path": "addresses[type eq \"work\"].streetAddress"}])),
            Gives({
                let mut u = user();
                u["addresses"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("streetAddress");
                u
            })
        ),
        case(
            "remove_sub_drops_elements_left_empty",
            "User",
            changed(
                user(),
                json!({"emails": [{"value": "a@x.org"}, {"value": "b@x.org", "type": "home"}]})
            ),
            ops(json!([{"op": "remove", "path": "emails[value eq \"a@x.org\"].value"}])),
            Gives(changed(
                user(),
                json!({"emails": [{"value": "b@x.org", "type": "home"}]})
            ))
        ),
        case(
            "remove_filter_matching_nothing_is_a_no_op",
            "Group",
            group(),
            ops(json!([{"op": "remove", "path": format!("members[value eq \"{JAMES}\"]")}])),
            Gives(group())
        ),
        case(
            "remove_from_absent_extension_is_a_no_op",
            "User",
            user(),
            ops(json!([{"op": "remove", "path": "employeeNumber"}])),
            Gives(user())
        ),
        case(
            "added_primary_email_takes_primary_from_the_others",
            "User",
            user(),
            ops(json!([{"op": "add", "path": "emails",
                "value": [{"value": "new@x.org", "type": "other", "primary": true}]}])),
            Gives(changed(
                user(),
                json!({"emails": [
                {"value": "bjensen@example.com", "type": "work"},
                {"value": "babs@jensen.org", "type": "home"},
                {"value": "new@x.org", "type": "other", "primary": true}]})
            ))
        ),
        case(
            "add_with_filter_and_no_match_appends_with_filter_conditions",
            "User",
            user(),
            ops(
                json!([{"op": "add", "path": "emails[type eq \"other\"]", "value": {"value": "o@x.org"}}])
            ),
            Gives(changed(
                user(),
                json!({"emails": [user()["emails"][0], user()["emails"][1],
                {"type": "other", "value": "o@x.org"}]})
            ))
        ),
        case(
            "replace_matching_element_merges_sub_attributes",
            "User",
            user(),
            ops(
                json!([{"op": "replace", "path": "emails[type eq \"home\"]", "value": {"display": "Home"}}])
            ),
            Gives({
                let mut u = user();
                u["emails"][1]["display"] = json!("Home");
                u
            })
        ),
        case(
            "replace_filter_with_null_removes_matching_elements",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "emails[type eq \"home\"]", "value": null}])),
            Gives(changed(user(), json!({"emails": [user()["emails"][0]]})))
        ),
        case(
            "sub_attribute_of_multi_valued_without_filter_applies_to_all",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "emails.display", "value": "E"}])),
            Gives({
                let mut u = user();
                u["emails"][0]["display"] = json!("E");
                u["emails"][1]["display"] = json!("E");
                u
            })
        ),
        case(
            "replace_multi_valued_with_empty_list_clears_it",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "emails", "value": []}])),
            Gives(changed(user(), json!({"emails": null})))
        ),
        case(
            "failed_operation_leaves_nothing_applied",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "title", "value": "Lead"},
                       {"op": "replace", "path": "id", "value": "x"}])),
            Fails(400, ScimType::Mutability, "Operations[1]")
        ),
    ]);
}

/// Errors: status, scimType and a detail naming the problem.
#[test]
fn errors() {
    run(alloc::vec![
        case(
            "body_not_an_object",
            "User",
            user(),
            json!([]),
            Fails(400, ScimType::InvalidSyntax, "PatchOp")
        ),
        case(
            "operations_missing",
            "User",
            user(),
            json!({"schemas": [PATCH_OP]}),
            Fails(400, ScimType::InvalidSyntax, "Operations")
        ),
        case(
            "operations_not_an_array",
            "User",
            user(),
            json!({"Operations": {"op": "add"}}),
            Fails(400, ScimType::InvalidSyntax, "array")
        ),
        case(
            "operation_not_an_object",
            "User",
            user(),
            ops(json!(["add"])),
            Fails(400, ScimType::InvalidSyntax, "Operations[0]")
        ),
        case(
            "unknown_op_names_its_index",
            "User",
            user(),
            ops(
                json!([{"op": "add", "path": "title", "value": "x"}, {"op": "copy", "path": "title"}])
            ),
            Fails(
                400,
                ScimType::InvalidSyntax,
                "Operations[1]: unknown op `copy`"
            )
        ),
        case(
            "add_without_value",
            "User",
            user(),
            ops(json!([{"op": "add", "path": "title"}])),
            Fails(400, ScimType::InvalidSyntax, "needs a `value`")
        ),
        case(
            "pathless_value_not_an_object",
            "User",
            user(),
            ops(json!([{"op": "add", "value": "x"}])),
            Fails(400, ScimType::InvalidValue, "object of attributes")
        ),
        case(
            "remove_without_path",
            "User",
            user(),
            ops(json!([{"op": "remove"}])),
            Fails(400, ScimType::NoTarget, "path")
        ),
        case(
            "replace_filter_without_match",
            "User",
            user(),
            ops(
                json!([{"op": "replace", "path": "emails[type eq \"other\"]", "value": {"value": "x@y.z"}}])
            ),
            Fails(400, ScimType::NoTarget, "matches")
        ),
        case(
            "replace_sub_without_match_and_no_eq_conditions",
            "User",
            user(),
            ops(
                json!([{"op": "replace", "path": "emails[type ne \"work\" and type ne \"home\"].value", "value": "x@y.z"}])
            ),
            Fails(400, ScimType::NoTarget, "`eq`")
        ),
        case(
            "path_to_id",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "id", "value": "x"}])),
            Fails(400, ScimType::Mutability, "`id`")
        ),
        case(
            "path_to_meta_version",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "meta.version", "value": "x"}])),
            Fails(400, ScimType::Mutability, "meta.version")
        ),
        case(
            "path_to_groups",
            "User",
            user(),
            ops(json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}])),
            Fails(400, ScimType::Mutability, "groups")
        ),
        case(
            "remove_read_only",
            "User",
            user(),
            ops(json!([{"op": "remove", "path": "meta"}])),
            Fails(400, ScimType::Mutability, "meta")
        ),
        case(
            "unknown_attribute_path",
            "User",
            user(),
            ops(json!([{"op": "add", "path": "shoeSize", "value": 42}])),
            Fails(400, ScimType::InvalidPath, "shoeSize")
        ),
        case(
            "unknown_sub_attribute_path",
            "User",
            user(),
            ops(json!([{"op": "add", "path": "name.nickname", "value": "x"}])),
            Fails(400, ScimType::InvalidPath, "nickname")
        ),
        case(
            "malformed_path_says_where",
            "User",
            user(),
            ops(json!([{"op": "add", "path": "emails[type eq \"work\"", "value": "x"}])),
            Fails(400, ScimType::InvalidPath, "character 7")
        ),
        case(
            "path_not_a_string",
            "User",
            user(),
            ops(json!([{"op": "add", "path": 3, "value": "x"}])),
            Fails(400, ScimType::InvalidSyntax, "path")
        ),
        case(
            "wrong_type_value",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "active", "value": "maybe"}])),
            Fails(400, ScimType::InvalidValue, "active")
        ),
        case(
            "list_for_one_filtered_element",
            "User",
            user(),
            ops(json!([{"op": "replace", "path": "emails[type eq \"work\"]", "value": [{}, {}]}])),
            Fails(400, ScimType::InvalidValue, "one element")
        ),
        strict(case(
            "strict_requires_patch_op_schema",
            "User",
            user(),
            json!({"Operations": []}),
            Fails(400, ScimType::InvalidSyntax, PATCH_OP)
        )),
        strict(case(
            "strict_rejects_unknown_extension_urn_path",
            "User",
            user(),
            ops(
                json!([{"op": "add", "path": "urn:example:unknown:1.0:User:shoeSize", "value": 42}])
            ),
            Fails(400, ScimType::InvalidPath, "urn:example:unknown:1.0:User")
        )),
        strict(case(
            "strict_rejects_unknown_key_in_pathless_value",
            "User",
            user(),
            ops(json!([{"op": "add", "value": {"shoeSize": 42}}])),
            Fails(400, ScimType::InvalidSyntax, "shoeSize")
        )),
        strict(case(
            "strict_rejects_unknown_extension_in_pathless_value",
            "User",
            user(),
            ops(json!([{"op": "add", "value": {"urn:example:unknown:1.0:User": {"x": 1}}}])),
            Fails(400, ScimType::InvalidSyntax, "urn:example:unknown:1.0")
        )),
    ]);
}

/// `patchMaxOperations`: a message over the cap is refused before any operation runs
/// (the invalid second operation is not what the error names); at the cap it applies.
#[test]
fn operation_cap() {
    let two = ops(json!([{"op": "replace", "path": "title", "value": "Lead"},
                         {"op": "copy", "path": "title"}]));
    run(alloc::vec![
        limited(
            1,
            case(
                "over_the_cap_is_refused_before_anything_runs",
                "User",
                user(),
                two.clone(),
                Fails(
                    400,
                    ScimType::InvalidValue,
                    "has 2 operations; this server takes at most 1 per request"
                )
            )
        ),
        limited(
            2,
            case(
                "at_the_cap_the_operations_run",
                "User",
                user(),
                two,
                Fails(
                    400,
                    ScimType::InvalidSyntax,
                    "Operations[1]: unknown op `copy`"
                )
            )
        ),
        limited(
            2,
            case(
                "at_the_cap_valid_operations_apply",
                "User",
                user(),
                ops(json!([{"op": "replace", "path": "title", "value": "Lead"},
                           {"op": "remove", "path": "nickName"}])),
                Gives(changed(user(), json!({"title": "Lead", "nickName": null})))
            )
        ),
        limited(
            1,
            case(
                "no_operations_are_under_any_cap",
                "User",
                user(),
                ops(json!([])),
                Gives(user())
            )
        ),
    ]);
}

/// Long lists merge exactly like short ones (the hashed path against a plain model):
/// existing members added again in another case merge in place, new ones append in
/// order, duplicates within the request collapse, and a value-list remove takes exactly
/// the listed members.
#[test]
fn long_member_lists_merge_and_remove_like_short_ones() {
    let rs = schema("Group");
    let id = |n: usize| format!("{n:08x}-aaaa-4bbb-8ccc-{n:012x}");
    let old: Vec<Value> = (0..3_000).map(|n| json!({"value": id(n)})).collect();
    let mut before = group();
    before["members"] = Value::Array(old);
    // Every third existing member again (upper case, with a display), then 2,000 new
    // ones, each new one twice.
    let mut added: Vec<Value> = (0..3_000)
        .step_by(3)
        .map(|n| json!({"value": id(n).to_uppercase(), "display": "again"}))
        .collect();
    for n in 3_000..5_000 {
        added.push(json!({"value": id(n)}));
        added.push(json!({"value": id(n), "display": "twice"}));
    }
    let after = apply(
        &rs,
        &before,
        &ops(json!([{"op": "add", "path": "members", "value": added}])),
        &Settings::default(),
    )
    .expect("add");
    let expected: Vec<Value> = (0..5_000)
        .map(|n| match n {
            n if n < 3_000 && n % 3 == 0 => {
                json!({"value": id(n).to_uppercase(), "display": "again"})
            }
            n if n < 3_000 => json!({"value": id(n)}),
            n => json!({"value": id(n), "display": "twice"}),
        })
        .collect();
    assert_eq!(after["members"], Value::Array(expected.clone()));

    // Remove every even member, listed in reverse order and in upper case, plus one that
    // is not there.
    let mut listed: Vec<Value> = (0..5_000)
        .rev()
        .filter(|n| n % 2 == 0)
        .map(|n| json!({"value": id(n).to_uppercase()}))
        .collect();
    listed.push(json!({"value": id(9_999)}));
    let removed = apply(
        &rs,
        &after,
        &ops(json!([{"op": "remove", "path": "members", "value": listed}])),
        &Settings::default(),
    )
    .expect("remove");
    let kept: Vec<Value> = expected
        .into_iter()
        .enumerate()
        .filter(|(n, _)| n % 2 == 1)
        .map(|(_, m)| m)
        .collect();
    assert_eq!(removed["members"], Value::Array(kept));
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(alloc::vec![
            "",
            "work",
            "home",
            "true",
            "False",
            BABS,
            "x@y.z",
            ENTERPRISE_USER
        ])
        .prop_map(|s| json!(s)),
        "\\PC{0,8}".prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((json_key(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(alloc::vec![
            "value",
            "type",
            "primary",
            "display",
            "givenName",
            "name.givenName",
            "emails",
            "members",
            "active",
            "id",
            "meta",
            "$ref",
            "userName",
            ENTERPRISE_USER,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        ])
        .prop_map(String::from),
        "[a-zA-Z.:]{0,10}",
    ]
}

fn path_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(alloc::vec![
            "members",
            "emails",
            "name",
            "name.givenName",
            "active",
            "id",
            "meta.version",
            "emails[type eq \"work\"]",
            "emails[type eq \"work\"].value",
            "emails[primary eq true].primary",
            "addresses[type eq \"home\"].postalCode",
            "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]",
            "emails[type ne \"work\" or value pr]",
            ENTERPRISE_USER,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            "urn:x:y:z",
            "",
        ])
        .prop_map(String::from),
        "\\PC{0,24}",
    ]
}

fn operation() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(alloc::vec!["add", "Replace", "REMOVE", "move", ""]),
        prop::option::of(path_text()),
        prop::option::of(json_value()),
    )
        .prop_map(|(op, path, value)| {
            let mut o = Map::new();
            o.insert("op", json!(op));
            if let Some(p) = path {
                o.insert("path", json!(p));
            }
            if let Some(v) = value {
                o.insert("value", v);
            }
            Value::Object(o)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    /// `apply` never panics, on arbitrary op bodies against users and groups, and a
    /// success never touches `id` or `meta`.
    #[test]
    fn apply_never_panics(
        operations in prop::collection::vec(prop_oneof![operation(), json_value()], 0..5),
        on_group in any::<bool>(),
        strict in any::<bool>(),
    ) {
        let (rs, before) = if on_group {
            (schema("Group"), group())
        } else {
            (schema("User"), enterprise_user())
        };
        let body = json!({"schemas": [PATCH_OP], "Operations": operations});
        let settings = Settings { strict, ..Settings::default() };
        if let Ok(after) = apply(&rs, &before, &body, &settings) {
            prop_assert_eq!(after.get("id"), before.get("id"));
            prop_assert_eq!(after.get("meta"), before.get("meta"));
        }
    }

    /// Any JSON at all as the body.
    #[test]
    fn apply_never_panics_on_any_body(body in json_value()) {
        let _ = apply(&schema("User"), &user(), &body, &Settings::default());
    }
}
