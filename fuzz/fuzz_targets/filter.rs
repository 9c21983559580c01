//! Filters: any UTF-8 text parses or fails cleanly; what parses prints to text that parses
//! back to the same tree; compiling against the User schema and evaluating against a
//! sample user never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::filter::{compile, parse};
use scimlet::schema::builtin::resource_types;
use scimlet::schema::ResourceSchema;
use scimlet::{json, Value};
use std::sync::OnceLock;

fn fixtures() -> &'static (ResourceSchema, Value) {
    static FIXTURES: OnceLock<(ResourceSchema, Value)> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let user = json!({
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
            ],
            "id": "2819c223-7f76-453a-919d-413861904646",
            "externalId": "bjensen",
            "userName": "bjensen@example.com",
            "name": {"familyName": "Jensen", "givenName": "Barbara", "formatted": "Ms. Barbara J Jensen III"},
            "displayName": "Babs Jensen",
            "active": true,
            "emails": [
                {"value": "bjensen@example.com", "type": "work", "primary": true},
                {"value": "babs@jensen.org", "type": "home"}
            ],
            "groups": [{"value": "e9e30dba", "display": "Tour Guides", "type": "direct"}],
            "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "701984",
                "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
            }
        });
        (resource_types().remove(0), user)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(filter) = parse(text) else {
        return;
    };
    let printed = filter.to_string();
    assert_eq!(
        parse(&printed).as_ref(),
        Ok(&filter),
        "{text:?} printed as {printed:?}"
    );
    let (users, user) = fixtures();
    for strict in [true, false] {
        if let Ok(compiled) = compile(&filter, users, strict) {
            compiled.matches(user);
        }
    }
});
