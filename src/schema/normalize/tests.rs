use super::*;
use crate::error::ScimType;
use crate::json;
use crate::schema::builtin::{self, ENTERPRISE_USER, GROUP, USER};
use crate::schema::fixtures::Expect::{Fails, Stored};
use crate::schema::fixtures::{check_table, custom, resource_type, user_with_typed_attributes};
use crate::schema::{check_immutable, check_required, Extension, Schema};
use crate::value::Number;
use alloc::string::{String, ToString};
use proptest::prelude::*;

fn rfc7643_enterprise_user() -> Value {
    // RFC 7643 section 8.3 (the section 8.2 full user plus the enterprise extension).
    json!({
      "schemas": [USER, ENTERPRISE_USER],
      "id": "2819c223-7f76-453a-919d-413861904646",
      "externalId": "701984",
      "userName": "bjensen@example.com",
      "name": {
        "formatted": "Ms. Barbara J Jensen, III",
        "familyName": "Jensen",
        "givenName": "Barbara",
        "middleName": "Jane",
        "honorificPrefix": "Ms.",
        "honorificSuffix": "III"
      },
      "displayName": "Babs Jensen",
      "nickName": "Babs",
      "profileUrl": "https://login.example.com/bjensen",
      "emails": [
        {"value": "bjensen@example.com", "type": "work", "primary": true},
        {"value": "babs@jensen.org", "type": "home"}
      ],
      "addresses": [
        {
          "streetAddress": "100 Universal City Plaza",
          "locality": "Hollywood",
          "region": "CA",
          "postalCode": "91608",
          "country": "USA",
          "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
          "type": "work",
          "primary": true
        },
        {
          "streetAddress": "456 Hollywood Blvd",
          "locality": "Hollywood",
          "region": "CA",
          "postalCode": "91608",
          "country": "USA",
          "formatted": "456 Hollywood Blvd\nHollywood, CA 91608 USA",
          "type": "home"
        }
      ],
      "phoneNumbers": [
        {"value": "555-555-5555", "type": "work"},
        {"value": "555-555-4444", "type": "mobile"}
      ],
      "ims": [{"value": "someaimhandle", "type": "aim"}],
      "photos": [
        {"value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo"},
        {"value": "https://photos.example.com/profilephoto/72930000000Ccne/T", "type": "thumbnail"}
      ],
      "userType": "Employee",
      "title": "Tour Guide",
      "preferredLanguage": "en-US",
      "locale": "en-US",
      "timezone": "America/Los_Angeles",
      "active": true,
      "password": "t1meMa$heen",
      "groups": [
        {
          "value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
          "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
          "display": "Tour Guides"
        }
      ],
      "x509Certificates": [{"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
        "employeeNumber": "701984",
        "costCenter": "4130",
        "organization": "Universal Studios",
        "division": "Theme Park",
        "department": "Tour Operations",
        "manager": {
          "value": "26118915-6090-4610-87e4-49d8ca9f808d",
          "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
          "displayName": "John Smith"
        }
      },
      "meta": {
        "resourceType": "User",
        "created": "2010-01-23T04:56:22Z",
        "lastModified": "2011-05-13T04:42:34Z",
        "version": "W/\"3694e05e9dff591\"",
        "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
      }
    })
}

#[test]
fn rfc7643_examples_normalize_to_themselves_minus_read_only() {
    let user = resource_type("User");
    let group = resource_type("Group");
    let minimal = json!({
        "schemas": [USER],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "userName": "bjensen@example.com",
        "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
                 "lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3694e05e9dff590\"",
                 "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"}
    });
    let enterprise = rfc7643_enterprise_user();
    let mut enterprise_stored = enterprise.clone();
    for read_only in ["id", "meta", "groups"] {
        enterprise_stored.as_object_mut().unwrap().remove(read_only);
    }
    enterprise_stored[ENTERPRISE_USER]["manager"]
        .as_object_mut()
        .unwrap()
        .remove("displayName");
    let group_example = json!({
        "schemas": [GROUP],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Tour Guides",
        "members": [
            {"value": "2819c223-7f76-453a-919d-413861904646",
             "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
             "display": "Babs Jensen"},
            {"value": "902c246b-6245-4190-8e05-00816be7344a",
             "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a",
             "display": "Mandy Pepperidge"}
        ],
        "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z"}
    });
    let mut group_stored = group_example.clone();
    group_stored.as_object_mut().unwrap().remove("id");
    group_stored.as_object_mut().unwrap().remove("meta");

    check_table(
        &user,
        vec![
            (
                "section 8.1 minimal user",
                false,
                minimal.clone(),
                Stored(json!({"schemas": [USER], "userName": "bjensen@example.com"})),
            ),
            (
                "section 8.1 minimal user, strict",
                true,
                minimal,
                Stored(json!({"schemas": [USER], "userName": "bjensen@example.com"})),
            ),
            (
                "section 8.3 enterprise user",
                false,
                enterprise.clone(),
                Stored(enterprise_stored.clone()),
            ),
            (
                "section 8.3 enterprise user, strict",
                true,
                enterprise,
                Stored(enterprise_stored),
            ),
        ],
    );
    check_table(
        &group,
        vec![(
            "section 8.4 group",
            true,
            group_example,
            Stored(group_stored),
        )],
    );
}

#[test]
fn names_and_extensions_are_canonicalized() {
    let ent = ENTERPRISE_USER;
    let table = vec![
        (
            "attribute and sub-attribute names in any case",
            false,
            json!({"UserName": "ann", "EMAILS": [{"Value": "a@x.org", "TYPE": "work"}],
                "Name": {"GIVENNAME": "Ann"}}),
            Stored(json!({"schemas": [USER], "userName": "ann",
                       "emails": [{"value": "a@x.org", "type": "work"}],
                       "name": {"givenName": "Ann"}})),
        ),
        (
            "extension object under a URN in another case",
            false,
            json!({"userName": "ann",
                "URN:IETF:params:scim:schemas:extension:ENTERPRISE:2.0:user": {"EmployeeNumber": "42"}}),
            Stored(
                json!({"schemas": [USER, ent], "userName": "ann", ent: {"employeeNumber": "42"}}),
            ),
        ),
        (
            "flattened URN-qualified extension keys (Entra, OCI)",
            false,
            json!({"userName": "ann",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value": "m1"}),
            Stored(json!({"schemas": [USER, ent], "userName": "ann",
                       ent: {"employeeNumber": "42", "manager": {"value": "m1"}}})),
        ),
        (
            "flattened keys merge with the extension object",
            false,
            json!({"userName": "ann", ent: {"department": "Ops"},
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42"}),
            Stored(json!({"schemas": [USER, ent], "userName": "ann",
                       ent: {"department": "Ops", "employeeNumber": "42"}})),
        ),
        (
            "URN-qualified core attribute",
            false,
            json!({"urn:ietf:params:scim:schemas:core:2.0:User:userName": "ann",
                "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName": "Lee"}),
            Stored(json!({"schemas": [USER], "userName": "ann", "name": {"familyName": "Lee"}})),
        ),
        (
            "core attributes under the core URN",
            false,
            json!({"urn:ietf:params:scim:schemas:core:2.0:User": {"userName": "ann"}}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "dotted keys merge into the complex value",
            false,
            json!({"userName": "ann", "name": {"familyName": "Lee"}, "name.givenName": "Ann",
                "NAME.middleName": "J"}),
            Stored(json!({"schemas": [USER], "userName": "ann",
                       "name": {"familyName": "Lee", "givenName": "Ann", "middleName": "J"}})),
        ),
        (
            "unqualified extension attribute lands in its extension",
            false,
            json!({"userName": "ann", "employeeNumber": "7", "manager": "m1"}),
            Stored(json!({"schemas": [USER, ent], "userName": "ann",
                       ent: {"employeeNumber": "7", "manager": {"value": "m1"}}})),
        ),
        (
            "two spellings of one multi-valued attribute are concatenated, one primary",
            false,
            json!({"userName": "ann", "emails": [{"value": "a@x.org", "primary": true}],
                "EMAILS": [{"value": "b@x.org", "primary": true}]}),
            Stored(json!({"schemas": [USER], "userName": "ann",
                       "emails": [{"value": "b@x.org", "primary": true},
                                  {"value": "a@x.org", "primary": false}]})),
        ),
    ];
    check_table(&resource_type("User"), table);
}

#[test]
fn schemas_and_unknown_input_are_tolerated_unless_strict() {
    let ent = ENTERPRISE_USER;
    let oci_flag =
        "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User:bypassNotification";
    let table = vec![
        (
            "misspelt and unknown schema URNs are ignored",
            false,
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Usr", "urn:bogus"], "userName": "ann"}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "schemas that is not even an array is ignored",
            false,
            json!({"schemas": 5, "userName": "ann"}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "listed extension without attributes is not listed",
            false,
            json!({"schemas": [USER, ent], "userName": "ann", ent: {"employeeNumber": null}}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "extension present though unlisted is listed",
            false,
            json!({"schemas": [USER], "userName": "ann", ent: {"costCenter": "9"}}),
            Stored(json!({"schemas": [USER, ent], "userName": "ann", ent: {"costCenter": "9"}})),
        ),
        (
            "OCI's unknown extension key is dropped",
            false,
            json!({"userName": "ann", oci_flag: true}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "unknown attributes and sub-attributes are dropped",
            false,
            json!({"userName": "ann", "foo": 1, "name": {"nickname2": "x"}, "name.bar": "y",
                "userName.x": "z", ent: {"shoeSize": 9}}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "read-only input is ignored (Okta, Entra)",
            false,
            json!({"id": "client-id", "userName": "ann", "meta": {"created": "not a date"},
                "groups": [], ent: {"manager": {"value": "m1", "displayName": "Boss"}},
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName": "B"}),
            Stored(
                json!({"schemas": [USER, ent], "userName": "ann", ent: {"manager": {"value": "m1"}}}),
            ),
        ),
        (
            "write-only password is stored",
            false,
            json!({"userName": "ann", "password": "s3cret!"}),
            Stored(json!({"schemas": [USER], "userName": "ann", "password": "s3cret!"})),
        ),
        (
            "canonical values are not enforced",
            false,
            json!({"userName": "ann", "emails": [{"value": "a@x.org", "type": "Work2"}]}),
            Stored(
                json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org", "type": "Work2"}]}),
            ),
        ),
        (
            "strict: canonical values match ignoring case, kept as given",
            true,
            json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org", "type": "WORK"}]}),
            Stored(
                json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org", "type": "WORK"}]}),
            ),
        ),
        (
            "strict: value outside canonical values",
            true,
            json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org", "type": "Work2"}]}),
            Fails(
                ScimType::InvalidValue,
                "attribute \"emails.type\" must be one of work, home, other, got \"Work2\"",
            ),
        ),
        (
            "strict: unknown attribute",
            true,
            json!({"schemas": [USER], "userName": "ann", "foo": 1}),
            Fails(ScimType::InvalidSyntax, "unknown attribute \"foo\""),
        ),
        (
            "strict: unknown sub-attribute",
            true,
            json!({"schemas": [USER], "userName": "ann", "name": {"nickname2": "x"}}),
            Fails(
                ScimType::InvalidSyntax,
                "unknown attribute \"name.nickname2\"",
            ),
        ),
        (
            "strict: unknown dotted sub-attribute",
            true,
            json!({"schemas": [USER], "userName": "ann", "name.bar": "y"}),
            Fails(ScimType::InvalidSyntax, "unknown attribute \"name.bar\""),
        ),
        (
            "strict: unknown extension attribute",
            true,
            json!({"schemas": [USER, ent], "userName": "ann", ent: {"shoeSize": 9}}),
            Fails(ScimType::InvalidSyntax, "unknown attribute \"shoeSize\""),
        ),
        (
            "strict: unknown extension key",
            true,
            json!({"schemas": [USER], "userName": "ann", oci_flag: true}),
            Fails(ScimType::InvalidSyntax, oci_flag),
        ),
        (
            "strict: unknown schema URN",
            true,
            json!({"schemas": [USER, "urn:bogus"], "userName": "ann"}),
            Fails(ScimType::InvalidValue, "unknown schema \"urn:bogus\""),
        ),
        (
            "strict: core schema not listed",
            true,
            json!({"schemas": [ent], "userName": "ann"}),
            Fails(
                ScimType::InvalidValue,
                "must be an array listing \"urn:ietf:params:scim:schemas:core:2.0:User\"",
            ),
        ),
        (
            "strict: schemas missing",
            true,
            json!({"userName": "ann"}),
            Fails(ScimType::InvalidValue, "\"schemas\" must be an array"),
        ),
        (
            "strict: schema URNs match ignoring case",
            true,
            json!({"SCHEMAS": ["URN:ietf:params:scim:schemas:core:2.0:USER"], "userName": "ann"}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "body that is an array",
            false,
            json!([{"userName": "ann"}]),
            Fails(ScimType::InvalidSyntax, "must be a JSON object"),
        ),
        (
            "body that is a string",
            false,
            json!("ann"),
            Fails(ScimType::InvalidSyntax, "must be a JSON object"),
        ),
        (
            "extension that is not an object",
            false,
            json!({"userName": "ann", ent: "x"}),
            Fails(
                ScimType::InvalidSyntax,
                "must be a JSON object of that schema's attributes",
            ),
        ),
    ];
    check_table(&resource_type("User"), table);
}

#[test]
fn unassigned_values_are_dropped() {
    let table = vec![
        (
            "null, empty string, empty array, empty object",
            false,
            json!({"userName": "ann", "displayName": null, "nickName": "", "emails": [],
                "name": {}, "active": null}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "recursively inside complex values",
            false,
            json!({"userName": "ann", "phoneNumbers": [{"value": null, "type": ""}],
                "addresses": [{}, {"locality": "Oslo", "region": null}],
                "name": {"givenName": "", "familyName": null}}),
            Stored(
                json!({"schemas": [USER], "userName": "ann", "addresses": [{"locality": "Oslo"}]}),
            ),
        ),
        (
            "null and empty elements of multi-valued attributes",
            false,
            json!({"userName": "ann", "emails": [null, "", {"value": "a@x.org"}]}),
            Stored(json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org"}]})),
        ),
    ];
    check_table(&resource_type("User"), table);
}

#[test]
fn shapes_are_fixed_the_way_clients_mean_them() {
    let ent = ENTERPRISE_USER;
    let table = vec![
        (
            "single value for a multi-valued complex attribute",
            false,
            json!({"userName": "ann", "emails": {"value": "a@x.org"}}),
            Stored(json!({"schemas": [USER], "userName": "ann", "emails": [{"value": "a@x.org"}]})),
        ),
        (
            "plain strings for a multi-valued complex attribute",
            false,
            json!({"userName": "ann", "emails": ["a@x.org", "b@x.org"], "phoneNumbers": "555"}),
            Stored(json!({"schemas": [USER], "userName": "ann",
                       "emails": [{"value": "a@x.org"}, {"value": "b@x.org"}],
                       "phoneNumbers": [{"value": "555"}]})),
        ),
        (
            "single value for a multi-valued simple attribute",
            false,
            json!({"userName": "ann", "tags": "blue"}),
            Stored(json!({"schemas": [USER], "userName": "ann", "tags": ["blue"]})),
        ),
        (
            "Entra manager as an array with $ref null",
            false,
            json!({"userName": "ann", ent: {"manager": [{"value": "m1", "$ref": null}, {"value": "m2"}]}}),
            Stored(
                json!({"schemas": [USER, ent], "userName": "ann", ent: {"manager": {"value": "m1"}}}),
            ),
        ),
        (
            "Entra manager as a bare string",
            false,
            json!({"userName": "ann", ent: {"manager": "m1"}}),
            Stored(
                json!({"schemas": [USER, ent], "userName": "ann", ent: {"manager": {"value": "m1"}}}),
            ),
        ),
        (
            "one-element array for a single-valued simple attribute",
            false,
            json!({"userName": ["ann"]}),
            Stored(json!({"schemas": [USER], "userName": "ann"})),
        ),
        (
            "several values for a single-valued simple attribute",
            false,
            json!({"userName": ["ann", "bob"]}),
            Fails(
                ScimType::InvalidValue,
                "attribute \"userName\" is single-valued",
            ),
        ),
        (
            "nested arrays",
            false,
            json!({"userName": "ann", "emails": [["a@x.org"]]}),
            Fails(
                ScimType::InvalidValue,
                "attribute \"emails\" must be an object of sub-attributes",
            ),
        ),
        (
            "at most one primary: later ones become false",
            false,
            json!({"userName": "ann", "emails": [
             {"value": "a@x.org", "primary": false}, {"value": "b@x.org", "primary": true},
             {"value": "c@x.org", "primary": "True"}]}),
            Stored(json!({"schemas": [USER], "userName": "ann", "emails": [
             {"value": "a@x.org", "primary": false}, {"value": "b@x.org", "primary": true},
             {"value": "c@x.org", "primary": false}]})),
        ),
        (
            "an Entra create body",
            false,
            json!({
               "schemas": [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"],
               "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
               "userName": "Test_User_ab6490ee@testuser.com",
               "active": "True",
               "displayName": null,
               "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea13b@testuser.com"}],
               "meta": {"resourceType": "User"},
               "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
               "roles": [],
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "1",
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": null,
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": [{"value": "m1", "$ref": null}],
               "Nickname2": "x"
            }),
            Stored(json!({
               "schemas": [USER, ent],
               "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
               "userName": "Test_User_ab6490ee@testuser.com",
               "active": true,
               "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea13b@testuser.com"}],
               "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
               ent: {"employeeNumber": "1", "manager": {"value": "m1"}}
            })),
        ),
    ];
    check_table(&user_with_typed_attributes(), table);

    let group_table = vec![
        (
            "Entra member add with $ref null",
            false,
            json!({"displayName": "Ops", "members": [{"value": "u1", "$ref": null, "type": "user"}]}),
            Stored(
                json!({"schemas": [GROUP], "displayName": "Ops", "members": [{"value": "u1", "type": "user"}]}),
            ),
        ),
        (
            "Okta group create with empty members",
            false,
            json!({"schemas": [GROUP], "displayName": "Ops", "members": []}),
            Stored(json!({"schemas": [GROUP], "displayName": "Ops"})),
        ),
    ];
    check_table(&resource_type("Group"), group_table);
}

#[test]
fn normalize_value_handles_one_attribute() {
    let rs = resource_type("User");
    let attr = |name: &str| rs.resolve(None, name).expect("attribute").1.clone();
    let table = [
        (
            "emails",
            json!("a@x.org"),
            Some(json!([{"value": "a@x.org"}])),
        ),
        (
            "emails",
            json!([{"VALUE": "a@x.org", "primary": "true"}, {"value": "b@x.org", "primary": true}]),
            Some(
                json!([{"value": "a@x.org", "primary": true}, {"value": "b@x.org", "primary": false}]),
            ),
        ),
        ("active", json!("true"), Some(json!(true))),
        (
            "name",
            json!({"GIVENNAME": "Ann", "familyName": null}),
            Some(json!({"givenName": "Ann"})),
        ),
        ("name", json!({"familyName": ""}), None),
        (
            "manager",
            json!([{"value": "m1", "displayName": "Boss"}]),
            Some(json!({"value": "m1"})),
        ),
        ("displayName", Value::Null, None),
        ("displayName", json!(""), None),
        ("members", json!([]), None),
    ];
    let group = resource_type("Group");
    for (name, input, expected) in table {
        let attr = if name == "members" {
            group.resolve(None, name).expect("members").1.clone()
        } else {
            attr(name)
        };
        let got = normalize_value(&attr, input.clone(), false);
        assert_eq!(got, Ok(expected), "{name} <- {input}");
    }
    let err = normalize_value(&attr("active"), json!("maybe"), false).unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
    assert!(err.detail.contains("\"active\""), "{}", err.detail);
}

#[test]
fn custom_schemas_nesting_too_deep_are_refused_not_overflowed() {
    // A pathological custom schema: complex attributes nested 12 deep.
    let mut attr = custom(json!({"name": "leaf", "type": "string"}));
    let mut input = json!("x");
    for level in 0..12 {
        let name = format!("level{level}");
        attr = Attribute {
            name: name.clone(),
            ty: AttrType::Complex,
            sub_attributes: vec![attr],
            ..custom(json!({"name": "x", "type": "complex"}))
        };
        let inner_name = if level == 0 {
            "leaf".to_string()
        } else {
            format!("level{}", level - 1)
        };
        input = json!({ inner_name: input });
    }
    let rs = ResourceSchema {
        name: "Deep".into(),
        endpoint: "/Deep".into(),
        description: String::new(),
        common: builtin::common_attributes(),
        core: Schema {
            id: "urn:example:Deep".into(),
            name: "Deep".into(),
            description: String::new(),
            attributes: vec![attr],
        },
        extensions: Vec::<Extension>::new(),
    };
    let err = normalize_resource(&rs, json!({ "level11": input }), false).unwrap_err();
    assert!(err.detail.contains("nested too deeply"), "{}", err.detail);
}

/// Arbitrary JSON with keys that often hit the schema.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        Just(String::new()),
        Just("true".to_string()),
        Just("False".to_string()),
        Just("42".to_string()),
        Just("2026-01-01T00:00:00Z".to_string()),
        "\\PC{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text.prop_map(Value::from),
    ];
    let key = prop_oneof![
        prop::sample::select(vec![
            "userName",
            "USERNAME",
            "emails",
            "value",
            "primary",
            "type",
            "name",
            "name.givenName",
            "manager",
            "members",
            "schemas",
            "id",
            "meta",
            "active",
            "password",
            "$ref",
            "groups",
            "phoneNumbers",
            "addresses",
            "x509Certificates",
            "employeeNumber",
            "displayName",
            "externalId",
            "Emails",
            "PRIMARY",
            ENTERPRISE_USER,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            "urn:ietf:params:scim:schemas:core:2.0:User:",
            "urn:",
            "urn:x:y",
            "a.b.c",
            ".",
        ])
        .prop_map(String::from),
        "\\PC{0,6}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn normalize_never_panics_and_is_idempotent(input in arbitrary_json(), strict in any::<bool>()) {
        for rs in builtin::resource_types() {
            if let Ok(stored) = normalize_resource(&rs, input.clone(), strict) {
                let _ = check_required(&rs, &stored);
                let _ = check_immutable(&rs, &input, &stored);
                let again = normalize_resource(&rs, stored.clone(), strict);
                prop_assert_eq!(again, Ok(stored));
            }
        }
    }
}
