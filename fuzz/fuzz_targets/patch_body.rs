//! Whole PATCH requests against a tenant holding a user and a group, with small caps
//! (`patchMaxOperations` 4, `maxValuesPerAttribute` 4) so their edges are reached.
//!
//! Input: the first byte picks the target (user or group), strictness and the body's
//! form: raw bytes as the body, or operations built from the rest, three bytes each (op,
//! path from a list, value from a list: member lists with duplicates in other cases,
//! primaries, nulls, Entra's and Okta's shapes).
//!
//! Checks: nothing panics; every answer is 200 or a SCIM error with its status; a refused
//! PATCH changes nothing (the whole export is compared); an accepted one keeps `id` and
//! `meta.resourceType`, keeps every list within the cap, and leaves at most one `primary`
//! per list.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::env::SequentialIds;
use scimlet::{Env, Method, Request, Settings, Tenant};
use serde_json::{json, Value};

const CAP: usize = 4;

const PATHS: [&str; 16] = [
    "",
    "members",
    "emails",
    "emails[type eq \"work\"]",
    "emails[type eq \"home\"].value",
    "emails[value eq \"B@EXAMPLE.COM\"].primary",
    "emails.primary",
    "members[value eq \"ID1\"]",
    "members[value eq \"u9\"].display",
    "phoneNumbers",
    "name",
    "name.givenName",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
    "displayName",
    "active",
];

fn value(selector: u8) -> Option<Value> {
    Some(match selector % 16 {
        0 => return None,
        1 => Value::Null,
        2 => json!(""),
        3 => json!([{"value": "id1"}, {"value": "ID1", "display": "again"}, {"value": "u2"}]),
        4 => json!([{"value": "u1"}, {"value": "u2"}, {"value": "u3"}, {"value": "u4"}, {"value": "u5"}]),
        5 => json!({"value": "u9", "display": "Nine"}),
        6 => json!([{"value": "b@example.com", "type": "work", "primary": true},
                    {"value": "B@Example.com", "type": "home", "primary": "True"}]),
        7 => json!({"value": "c@example.com", "type": "work", "primary": true}),
        8 => json!([{"value": "+1 555", "type": "work"}, {"value": "+1 555", "type": "home"}]),
        9 => json!({"givenName": null, "familyName": "J"}),
        10 => json!({"members": [{"value": "id1"}, {"value": "u7"}], "displayName": "New"}),
        11 => json!({"emails": [{"value": "x@example.com", "primary": true}], "active": "False"}),
        12 => json!("True"),
        13 => json!({"value": "m1"}),
        14 => json!([{"type": "work"}, {"type": "work"}]),
        _ => json!({"employeeNumber": "9", "manager": {"value": "id1"}}),
    })
}

fn seeded(strict: bool) -> (Tenant, SequentialIds) {
    let settings = Settings {
        strict,
        patch_max_operations: CAP,
        max_values_per_attribute: CAP,
        ..Settings::default()
    };
    let mut tenant = Tenant::new(settings).unwrap();
    let mut ids = SequentialIds { prefix: "id".into(), last: 0 };
    for (path, body) in [
        ("/Users", r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"bjensen","name":{"givenName":"Barbara"},"emails":[{"value":"b@example.com","type":"work","primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7"}}"#),
        ("/Groups", r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Admins","members":[{"value":"id1"}]}"#),
    ] {
        let mut env = Env { now_ms: 0, base_url: "http://x/v2", ids: &mut ids };
        let out = tenant.handle(&Request::new(Method::Post, path).with_body(body), &mut env);
        assert_eq!(out.response.status, 201, "{}", String::from_utf8_lossy(&out.response.body));
    }
    (tenant, ids)
}

fn body(selector: u8, rest: &[u8]) -> Vec<u8> {
    if selector & 0x80 != 0 {
        return rest.to_vec();
    }
    let operations: Vec<Value> = rest
        .chunks(3)
        .map(|op| {
            let byte = |i: usize| op.get(i).copied().unwrap_or(0);
            let kind = ["add", "Replace", "remove"][usize::from(byte(0) % 3)];
            let mut operation = json!({"op": kind});
            let path = PATHS[usize::from(byte(1)) % PATHS.len()];
            if !path.is_empty() {
                operation["path"] = json!(path);
            }
            if let Some(v) = value(byte(2)) {
                operation["value"] = v;
            }
            operation
        })
        .collect();
    serde_json::to_vec(&json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": operations,
    }))
    .unwrap()
}

/// Whether every list of `resource` (top level and in extensions) is within the cap and
/// has at most one element with `primary: true`.
fn lists_ok(resource: &Value) -> bool {
    let Some(top) = resource.as_object() else { return false };
    let nested = top.values().filter_map(Value::as_object).flat_map(|o| o.values());
    top.values().chain(nested).filter_map(Value::as_array).all(|list| {
        list.len() <= CAP && list.iter().filter(|e| e["primary"] == json!(true)).count() <= 1
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let (path, resource_type) = if selector & 1 == 0 { ("/Users/id1", "User") } else { ("/Groups/id2", "Group") };
    let (mut tenant, mut ids) = seeded(selector & 2 != 0);
    let before = scimlet::admin::export(&tenant);
    let req = Request::new(Method::Patch, path).with_body(body(selector, rest));
    let mut env = Env { now_ms: 1, base_url: "http://x/v2", ids: &mut ids };
    let out = tenant.handle(&req, &mut env);
    let status = out.response.status;
    let answer: Value = serde_json::from_slice(&out.response.body).expect("a JSON answer");
    if status == 200 {
        assert_eq!(answer["id"], json!(&path[path.len() - 3..]), "{answer}");
        assert_eq!(answer["meta"]["resourceType"], json!(resource_type), "{answer}");
        assert!(lists_ok(&answer), "{answer}");
    } else {
        assert!((400..500).contains(&status), "{status}: {answer}");
        assert_eq!(answer["status"], json!(status.to_string()), "{answer}");
        assert!(out.changes.upserted.is_empty() && out.changes.deleted.is_empty());
        assert_eq!(scimlet::admin::export(&tenant), before, "a refused PATCH changed the tenant");
    }
});
