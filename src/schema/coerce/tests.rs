use crate::error::ScimType;
use crate::json;
use crate::schema::builtin::{ENTERPRISE_USER, USER};
use crate::schema::fixtures::Expect::{Fails, Stored};
use crate::schema::fixtures::{check_table, user_with_typed_attributes};
use alloc::vec;

#[test]
fn types_are_coerced_with_real_client_leniency() {
    let ent = ENTERPRISE_USER;
    let table = vec![
        ("string booleans from Entra", false,
         json!({"userName": "ann", "active": "False", "emails": [{"value": "a@x.org", "primary": "TRUE"}]}),
         Stored(json!({"schemas": [USER], "userName": "ann", "active": false,
                       "emails": [{"value": "a@x.org", "primary": true}]}))),
        ("strings from numbers and booleans", false,
         json!({"userName": "ann", "displayName": true, ent: {"employeeNumber": 12345}}),
         Stored(json!({"schemas": [USER, ent], "userName": "ann", "displayName": "true",
                       ent: {"employeeNumber": "12345"}}))),
        ("integers from numbers and numeric strings", false,
         json!({"userName": "ann", "badge": " 42 "}),
         Stored(json!({"schemas": [USER], "userName": "ann", "badge": 42}))),
        ("integral float as integer", false,
         json!({"userName": "ann", "badge": 7.0}),
         Stored(json!({"schemas": [USER], "userName": "ann", "badge": 7}))),
        ("decimals from numbers and numeric strings", false,
         json!({"userName": "ann", "score": "2.5", "badge": -3}),
         Stored(json!({"schemas": [USER], "userName": "ann", "score": 2.5, "badge": -3}))),
        ("integer-looking decimal string stays an integer number", false,
         json!({"userName": "ann", "score": "3"}),
         Stored(json!({"schemas": [USER], "userName": "ann", "score": 3}))),
        ("dateTime text is kept as sent", false,
         json!({"userName": "ann", "hired": "2026-01-31T12:00:00+01:00"}),
         Stored(json!({"schemas": [USER], "userName": "ann", "hired": "2026-01-31T12:00:00+01:00"}))),
        ("binary and reference strings", false,
         json!({"userName": "ann", "certificate": "AAEC", "profileUrl": "https://x.org/ann"}),
         Stored(json!({"schemas": [USER], "userName": "ann", "certificate": "AAEC",
                       "profileUrl": "https://x.org/ann"}))),
        ("boolean from an unknown word", false, json!({"userName": "ann", "active": "yes"}),
         Fails(ScimType::InvalidValue, "attribute \"active\" must be a boolean (true or false), got \"yes\"")),
        ("boolean from a number", false, json!({"userName": "ann", "active": 1}),
         Fails(ScimType::InvalidValue, "attribute \"active\" must be a boolean")),
        ("string from an object", false, json!({"userName": {"first": "ann"}}),
         Fails(ScimType::InvalidValue, "attribute \"userName\" must be a string, got an object")),
        ("integer from a fraction", false, json!({"userName": "ann", "badge": 7.5}),
         Fails(ScimType::InvalidValue, "attribute \"badge\" must be an integer, got 7.5")),
        ("integer from a decimal string", false, json!({"userName": "ann", "badge": "7.0"}),
         Fails(ScimType::InvalidValue, "attribute \"badge\" must be an integer")),
        ("decimal from a word", false, json!({"userName": "ann", "score": "NaN"}),
         Fails(ScimType::InvalidValue, "attribute \"score\" must be a decimal number")),
        ("dateTime that is not one", false, json!({"userName": "ann", "hired": "yesterday"}),
         Fails(ScimType::InvalidValue, "attribute \"hired\" must be an xsd:dateTime")),
        ("dateTime from a number", false, json!({"userName": "ann", "hired": 1700000000}),
         Fails(ScimType::InvalidValue, "attribute \"hired\" must be an xsd:dateTime")),
        ("binary from a number", false, json!({"userName": "ann", "certificate": 5}),
         Fails(ScimType::InvalidValue, "attribute \"certificate\" must be a base64 string")),
        ("sub-attribute type error names the path", false,
         json!({"userName": "ann", "emails": [{"value": "a@x.org", "primary": "maybe"}]}),
         Fails(ScimType::InvalidValue, "attribute \"emails.primary\" must be a boolean")),
        ("extension type error names the URN", false,
         json!({"userName": "ann", ent: {"manager": {"value": {"id": 1}}}}),
         Fails(ScimType::InvalidValue,
               "attribute \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value\" must be a string")),
    ];
    check_table(&user_with_typed_attributes(), table);
}
