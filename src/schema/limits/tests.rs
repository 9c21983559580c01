//! The values cap: the function as a table, then every write path through a tenant,
//! checking that a refused write changes nothing; and the operations cap of PATCH
//! through a tenant.

use super::*;
use crate::env::SequentialIds;
use crate::error::ScimType;
use crate::json;
use crate::schema::builtin::ENTERPRISE_USER;
use crate::{Env, Method, Request, Settings, Tenant};
use alloc::string::ToString;
use alloc::vec::Vec;

/// (resource, cap, `None` when accepted or the attribute path the error names).
#[test]
fn lists_over_the_cap_are_refused_wherever_they_are() {
    let enterprise = |attrs: Value| {
        let mut user = json!({"userName": "ann"});
        user[ENTERPRISE_USER] = attrs;
        user
    };
    let table: Vec<(Value, usize, Option<String>)> = alloc::vec![
        (json!({}), 1, None),
        (json!("not an object"), 1, None),
        (
            json!({"members": [{"value": "a"}, {"value": "b"}, {"value": "c"}]}),
            3,
            None
        ),
        (
            json!({"members": [{"value": "a"}, {"value": "b"}, {"value": "c"}]}),
            2,
            Some("members".into())
        ),
        (
            json!({"schemas": ["a", "b"], "userName": "ann"}),
            1,
            Some("schemas".into())
        ),
        (
            json!({"emails": [{"value": "a@x.org"}], "phoneNumbers": [{"value": "1"}, {"value": "2"}]}),
            1,
            Some("phoneNumbers".into())
        ),
        (
            enterprise(json!({"tags": ["x", "y"]})),
            1,
            Some(format!("{ENTERPRISE_USER}:tags"))
        ),
        (enterprise(json!({"tags": ["x", "y"]})), 2, None),
        (
            json!({"emails": [{"value": "a@x.org", "tags": ["x", "y"]}]}),
            1,
            Some("emails.tags".into())
        ),
        (
            json!({"name": {"parts": ["x", "y"]}}),
            1,
            Some("name.parts".into())
        ),
        (
            enterprise(json!({"things": [{"tags": ["x", "y"]}]})),
            1,
            Some(format!("{ENTERPRISE_USER}:things.tags"))
        ),
        (
            enterprise(json!({"manager": {"tags": ["x", "y"]}})),
            1,
            Some(format!("{ENTERPRISE_USER}:manager.tags"))
        ),
        // Deeper than any stored form goes is not looked at: the walk is bounded.
        (enterprise(json!({"a": {"b": {"c": ["x", "y"]}}})), 1, None),
    ];
    for (resource, max, expected) in table {
        let got = check_value_counts(&resource, max);
        match (&expected, got) {
            (None, Ok(())) => {}
            (Some(path), Err(e)) => {
                assert_eq!(
                    (e.status, e.scim_type),
                    (400, Some(ScimType::InvalidValue)),
                    "{resource}"
                );
                let named = format!("attribute \"{path}\" has");
                assert!(e.detail.contains(&named), "{resource}: {}", e.detail);
                assert!(
                    e.detail.contains(&format!("at most {max} ")),
                    "{}",
                    e.detail
                );
                assert!(e.detail.contains("maxValuesPerAttribute"), "{}", e.detail);
            }
            (expected, got) => panic!("{resource} (cap {max}): want {expected:?}, got {got:?}"),
        }
    }
}

/// A tenant capped at 3 values per attribute, holding a group with 3 members.
fn capped() -> (Tenant, SequentialIds, String) {
    let settings = Settings {
        max_values_per_attribute: 3,
        ..Settings::default()
    };
    let mut tenant = Tenant::new(settings).expect("settings");
    let mut ids = SequentialIds::default();
    let body =
        json!({"displayName": "g", "members": [{"value": "a"}, {"value": "b"}, {"value": "c"}]});
    let out = send(&mut tenant, &mut ids, Method::Post, "/Groups", Some(body));
    assert_eq!(out.0, 201, "{}", out.1);
    let id = out.1["id"].as_str().expect("id").to_string();
    (tenant, ids, id)
}

fn send(
    tenant: &mut Tenant,
    ids: &mut SequentialIds,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, usize) {
    let mut env = Env {
        now_ms: 1_795_000_000_000,
        base_url: "http://localhost/scim/v2",
        ids,
    };
    let mut req = Request::new(method, path);
    if let Some(body) = body {
        req = req.with_body(body.to_string());
    }
    let out = tenant.handle(&req, &mut env);
    let json = crate::value::from_slice(&out.response.body).unwrap_or(Value::Null);
    let changed = out.changes.upserted.len() + out.changes.deleted.len();
    (out.response.status, json, changed)
}

/// Every write path refuses a fourth member with 400 naming the cap, and the group, its
/// version and the tenant's change set stay as they were; three members still pass.
#[test]
fn every_write_path_honours_the_cap_and_changes_nothing_when_refused() {
    let four = json!([{"value": "a"}, {"value": "b"}, {"value": "c"}, {"value": "d"}]);
    let patch_op = |op: Value| json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [op]});
    let bulk = |method: &str, path: &str, data: Value| {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
               "Operations": [{"method": method, "path": path, "bulkId": "b", "data": data}]})
    };
    // (what, method, path ("{id}" is the group), body, status of the whole request)
    let table = [
        (
            "POST",
            Method::Post,
            "/Groups".to_string(),
            json!({"displayName": "h", "members": four.clone()}),
            400,
        ),
        (
            "PUT",
            Method::Put,
            "/Groups/{id}".to_string(),
            json!({"displayName": "g", "members": four.clone()}),
            400,
        ),
        (
            "PATCH add",
            Method::Patch,
            "/Groups/{id}".to_string(),
            patch_op(json!({"op": "add", "path": "members", "value": [{"value": "d"}]})),
            400,
        ),
        (
            "PATCH replace",
            Method::Patch,
            "/Groups/{id}".to_string(),
            patch_op(json!({"op": "replace", "path": "members", "value": four.clone()})),
            400,
        ),
        (
            "PATCH pathless add",
            Method::Patch,
            "/Groups/{id}".to_string(),
            patch_op(json!({"op": "add", "value": {"members": [{"value": "d"}]}})),
            400,
        ),
        (
            "Bulk PATCH",
            Method::Post,
            "/Bulk".to_string(),
            bulk(
                "PATCH",
                "/Groups/{id}",
                patch_op(json!({"op": "add", "path": "members", "value": [{"value": "d"}]})),
            ),
            200,
        ),
        (
            "Bulk POST",
            Method::Post,
            "/Bulk".to_string(),
            bulk(
                "POST",
                "/Groups",
                json!({"displayName": "h", "members": four.clone()}),
            ),
            200,
        ),
    ];
    for (what, method, path, body, status) in table {
        let (mut tenant, mut ids, id) = capped();
        let group_path = format!("/Groups/{id}");
        let before = send(&mut tenant, &mut ids, Method::Get, &group_path, None).1;
        let list_before = send(&mut tenant, &mut ids, Method::Get, "/Groups", None).1;
        let body = body.to_string().replace("{id}", &id);
        let body = crate::value::from_slice(body.as_bytes()).expect("json");
        let (got, answer, changed) = send(
            &mut tenant,
            &mut ids,
            method,
            &path.replace("{id}", &id),
            Some(body),
        );
        assert_eq!(got, status, "{what}: {answer}");
        let error = if status == 200 {
            &answer["Operations"][0]["response"]
        } else {
            &answer
        };
        let op_status = if status == 200 {
            answer["Operations"][0]["status"].clone()
        } else {
            json!("400")
        };
        assert_eq!(op_status, json!("400"), "{what}: {answer}");
        assert_eq!(error["scimType"], json!("invalidValue"), "{what}: {answer}");
        let detail = error["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("\"members\" has 4 values") && detail.contains("at most 3"),
            "{what}: {detail}"
        );
        assert_eq!(changed, 0, "{what}: the refused write recorded changes");
        assert_eq!(
            send(&mut tenant, &mut ids, Method::Get, &group_path, None).1,
            before,
            "{what}"
        );
        assert_eq!(
            send(&mut tenant, &mut ids, Method::Get, "/Groups", None).1,
            list_before,
            "{what}"
        );
    }
    // At the cap is fine: a third value replaces, a duplicate merges.
    let (mut tenant, mut ids, id) = capped();
    let ok = [
        patch_op(
            json!({"op": "add", "path": "members", "value": [{"value": "A", "display": "same as a"}]}),
        ),
        patch_op(
            json!({"op": "replace", "path": "members", "value": [{"value": "x"}, {"value": "y"}, {"value": "z"}]}),
        ),
    ];
    for body in ok {
        let (got, answer, _) = send(
            &mut tenant,
            &mut ids,
            Method::Patch,
            &format!("/Groups/{id}"),
            Some(body),
        );
        assert_eq!(got, 200, "{answer}");
        assert_eq!(
            answer["members"].as_array().map(Vec::len),
            Some(3),
            "{answer}"
        );
    }
}

/// The other cap a write meets, `patchMaxOperations` (checked in `patch`): through a
/// tenant, a PATCH over it is a 400 that changes nothing (same resource and version, no
/// change set), and one at it applies.
#[test]
fn operation_cap_through_a_tenant() {
    let settings = Settings {
        patch_max_operations: 2,
        ..Settings::default()
    };
    let mut tenant = Tenant::new(settings).expect("settings");
    let mut ids = SequentialIds::default();
    let user = json!({"userName": "bjensen", "title": "Guide"});
    let (status, created, _) = send(&mut tenant, &mut ids, Method::Post, "/Users", Some(user));
    assert_eq!(status, 201, "{created}");
    let path = format!("/Users/{}", created["id"].as_str().unwrap_or_default());
    let title = |t: &str| json!({"op": "replace", "path": "title", "value": t});
    let ops = |ops: Value| json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
    // (body, status, title after, resources written)
    let table = [
        (
            ops(json!([title("A"), title("B"), title("C")])),
            400,
            "Guide",
            0,
        ),
        (ops(json!([title("A"), title("B")])), 200, "B", 1),
    ];
    for (body, status, title, writes) in table {
        let before = send(&mut tenant, &mut ids, Method::Get, &path, None).1;
        let (got, answer, changed) = send(&mut tenant, &mut ids, Method::Patch, &path, Some(body));
        assert_eq!((got, changed), (status, writes), "{answer}");
        let after = send(&mut tenant, &mut ids, Method::Get, &path, None).1;
        assert_eq!(after["title"], json!(title), "{after}");
        if status != 200 {
            assert_eq!(answer["scimType"], json!("invalidValue"), "{answer}");
            let detail = answer["detail"].as_str().unwrap_or_default();
            assert!(
                detail.contains("at most 2") && detail.contains("patchMaxOperations"),
                "{detail}"
            );
            assert_eq!(after, before);
        }
    }
}
