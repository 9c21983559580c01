//! End-to-end tables through `Tenant::handle`: each script is a list of requests with the
//! status and a JSON subset expected back. `{name}` in a path or body is replaced by the
//! id saved from an earlier step (`save`), so scripts read like the clients' traffic.
//!
//! Expected-JSON conventions: objects match if every expected key matches (extra keys are
//! fine); arrays must have the same length and match element-wise; `"<any>"` matches any
//! present value; `"<absent>"` asserts the key is missing.

use scimlet::env::SequentialIds;
use scimlet::{Env, Method, Request, Response, Settings, Tenant};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const BASE: &str = "https://scim.example.com/v2";

struct Step {
    method: &'static str,
    path: String,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
    status: u16,
    expect: Value,
    save: Option<&'static str>,
}

fn step(method: &'static str, path: &str, body: Option<Value>, status: u16, expect: Value) -> Step {
    Step {
        method,
        path: path.into(),
        body,
        headers: Vec::new(),
        status,
        expect,
        save: None,
    }
}

impl Step {
    fn save(mut self, name: &'static str) -> Step {
        self.save = Some(name);
        self
    }
    fn header(mut self, name: &'static str, value: &str) -> Step {
        self.headers.push((name, value.into()));
        self
    }
}

fn matches(actual: Option<&Value>, expected: &Value) -> bool {
    match (actual, expected) {
        (None, Value::String(s)) if s == "<absent>" => true,
        (Some(_), Value::String(s)) if s == "<absent>" => false,
        (Some(_), Value::String(s)) if s == "<any>" => true,
        (Some(Value::Object(a)), Value::Object(e)) => e.iter().all(|(k, v)| matches(a.get(k), v)),
        (Some(Value::Array(a)), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(x, y)| matches(Some(x), y))
        }
        (Some(a), e) => a == e,
        (None, _) => false,
    }
}

fn fill(text: &str, saved: &BTreeMap<&str, String>) -> String {
    saved.iter().fold(text.to_string(), |t, (k, v)| {
        t.replace(&format!("{{{k}}}"), v)
    })
}

fn run(name: &str, settings: Settings, steps: Vec<Step>) -> Tenant {
    let mut tenant = Tenant::new(settings).unwrap();
    let mut ids = SequentialIds {
        prefix: "id-".into(),
        last: 0,
    };
    let mut saved: BTreeMap<&str, String> = BTreeMap::new();
    for (i, s) in steps.into_iter().enumerate() {
        let path = fill(&s.path, &saved);
        let mut req = Request::new(Method::parse(s.method), &path);
        if let Some(body) = &s.body {
            req = req.with_body(fill(&body.to_string(), &saved).into_bytes());
        }
        for (h, v) in &s.headers {
            let v = fill(v, &saved);
            match *h {
                "If-Match" => req.if_match = Some(v),
                "If-None-Match" => req.if_none_match = Some(v),
                "Content-Type" => req.content_type = Some(v),
                "Raw-Body" => req.body = v.into_bytes(),
                other => panic!("unknown header {other}"),
            }
        }
        let mut env = Env {
            now_ms: 1_795_000_000_000 + i as i64 * 1000,
            base_url: BASE,
            ids: &mut ids,
        };
        let out = tenant.handle(&req, &mut env);
        let body: Value = if out.response.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&out.response.body).unwrap()
        };
        assert_eq!(
            out.response.status, s.status,
            "{name} step {i}: {} {path}\n{body:#}",
            s.method
        );
        let expect: Value = serde_json::from_str(&fill(&s.expect.to_string(), &saved)).unwrap();
        assert!(
            matches(Some(&body), &expect),
            "{name} step {i}: {} {path}\nexpected subset {expect:#}\ngot {body:#}",
            s.method
        );
        check_headers(name, i, &out.response);
        if let Some(key) = s.save {
            saved.insert(key, body["id"].as_str().unwrap().to_string());
        }
        if out.response.status >= 400 {
            assert!(
                out.changes.is_empty(),
                "{name} step {i}: a failed request changed something"
            );
        }
    }
    tenant
}

fn check_headers(name: &str, i: usize, r: &Response) {
    if !r.body.is_empty() {
        assert_eq!(
            r.header("Content-Type"),
            Some("application/scim+json"),
            "{name} step {i}"
        );
    }
    if r.status == 201 {
        assert!(
            r.header("Location").is_some_and(|l| l.starts_with(BASE)),
            "{name} step {i}: 201 without Location"
        );
    }
}

fn error(status: &str, scim_type: Option<&str>) -> Value {
    let mut e = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": status, "detail": "<any>"});
    if let Some(t) = scim_type {
        e["scimType"] = json!(t);
    }
    e
}

fn bjensen() -> Value {
    // RFC 7644 section 3.3
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "bjensen",
        "externalId": "bjensen",
        "name": {"formatted": "Ms. Barbara J Jensen III", "familyName": "Jensen", "givenName": "Barbara"}
    })
}

#[test]
fn user_lifecycle_rfc_7644_section_3() {
    run("user lifecycle", Settings::default(), vec![
        step("POST", "/Users", Some(bjensen()), 201, json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "<any>", "userName": "bjensen",
            "meta": {"resourceType": "User", "created": "<any>", "lastModified": "<any>", "location": "<any>", "version": "<any>"}
        })).save("u"),
        step("GET", "/Users/{u}", None, 200, json!({"userName": "bjensen", "name": {"givenName": "Barbara"}})),
        step("POST", "/Users", Some(json!({"userName": "BJENSEN"})), 409, error("409", Some("uniqueness"))),
        step("POST", "/Users", Some(json!({"name": {"givenName": "x"}})), 400, error("400", Some("invalidValue"))),
        step("GET", "/Users?filter=userName%20eq%20%22BJensen%22", None, 200, json!({"totalResults": 1, "Resources": [{"id": "{u}"}]})),
        step("GET", "/Users?filter=userName%20eq%20%22nobody%22", None, 200, json!({"totalResults": 0, "Resources": []})),
        step("PUT", "/Users/{u}", Some(json!({"id": "{u}", "userName": "bjensen", "active": false, "groups": [], "meta": {"version": "W/\"999\""}})), 200,
            json!({"active": false, "name": "<absent>", "groups": "<absent>"})),
        step("PATCH", "/Users/{u}", Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": true}}]})), 200,
            json!({"active": true})),
        step("DELETE", "/Users/{u}", None, 204, Value::Null),
        step("GET", "/Users/{u}", None, 404, error("404", None)),
        step("DELETE", "/Users/{u}", None, 404, error("404", None)),
    ]);
}

#[test]
fn password_is_write_only_and_kept_across_put() {
    let tenant = run(
        "password",
        Settings::default(),
        vec![
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "okta", "password": "s3cret!", "groups": []})),
                201,
                json!({"password": "<absent>", "groups": "<absent>"}),
            )
            .save("u"),
            step(
                "GET",
                "/Users/{u}?attributes=password",
                None,
                200,
                json!({"password": "<absent>"}),
            ),
            step(
                "PUT",
                "/Users/{u}",
                Some(json!({"userName": "okta", "displayName": "Okta User"})),
                200,
                json!({"password": "<absent>"}),
            ),
        ],
    );
    let stored = tenant.resources().next().unwrap();
    assert_eq!(
        stored["password"], "s3cret!",
        "the stored form keeps the password for export"
    );
}

#[test]
fn etags_if_match_and_if_none_match() {
    run(
        "etags",
        Settings::default(),
        vec![
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "etag"})),
                201,
                json!({"meta": {"version": "W/\"1\""}}),
            )
            .save("u"),
            step("GET", "/Users/{u}", None, 304, Value::Null).header("If-None-Match", "W/\"1\""),
            step("GET", "/Users/{u}", None, 200, json!({"id": "{u}"}))
                .header("If-None-Match", "W/\"0\""),
            step(
                "PUT",
                "/Users/{u}",
                Some(json!({"userName": "etag", "title": "x"})),
                412,
                error("412", None),
            )
            .header("If-Match", "W/\"7\""),
            step(
                "PUT",
                "/Users/{u}",
                Some(json!({"userName": "etag", "title": "x"})),
                200,
                json!({"meta": {"version": "W/\"2\""}}),
            )
            .header("If-Match", "W/\"1\""),
            step(
                "PATCH",
                "/Users/{u}",
                Some(json!({"Operations": [{"op": "replace", "path": "title", "value": "x"}]})),
                200,
                json!({"meta": {"version": "W/\"2\""}}),
            ),
            step("DELETE", "/Users/{u}", None, 412, error("412", None)).header("If-Match", "\"1\""),
            step("DELETE", "/Users/{u}", None, 204, Value::Null).header("If-Match", "*"),
        ],
    );
}

#[test]
fn groups_members_and_computed_user_groups() {
    run("groups", Settings::default(), vec![
        step("POST", "/Users", Some(json!({"userName": "alice"})), 201, json!({})).save("a"),
        step("POST", "/Users", Some(json!({"userName": "bob"})), 201, json!({})).save("b"),
        step("POST", "/Groups", Some(json!({"displayName": "Admins", "members": [{"value": "{a}", "display": "alice"}]})), 201,
            json!({"members": [{"value": "{a}", "type": "User", "$ref": format!("{BASE}/Users/{{a}}")}]})).save("g"),
        step("GET", "/Users/{a}", None, 200, json!({"groups": [{"value": "{g}", "display": "Admins", "type": "direct"}]})),
        step("GET", "/Users/{b}", None, 200, json!({"groups": "<absent>"})),
        step("GET", "/Users?filter=groups.value%20eq%20%22{g}%22", None, 200, json!({"totalResults": 1, "Resources": [{"id": "{a}"}]})),
        step("PATCH", "/Groups/{g}", Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
            {"op": "add", "path": "members", "value": [{"value": "{b}", "display": "bob"}]},
            {"op": "remove", "path": "members[value eq \"{a}\"]"}
        ]})), 200, json!({"members": [{"value": "{b}"}]})),
        step("GET", "/Users/{a}", None, 200, json!({"groups": "<absent>"})),
        step("GET", "/Groups?excludedAttributes=members", None, 200, json!({"Resources": [{"displayName": "Admins", "members": "<absent>"}]})),
        step("DELETE", "/Users/{b}", None, 204, Value::Null),
        step("GET", "/Groups/{g}", None, 200, json!({"members": "<absent>"})),
        step("GET", "/Groups?filter=displayName%20eq%20%22admins%22", None, 200, json!({"totalResults": 1})),
    ]);
}

#[test]
fn listing_sorting_paging_and_root_search() {
    let mut steps = Vec::new();
    for (name, family) in [
        ("carol", "Zed"),
        ("alice", "Young"),
        ("dave", "Xu"),
        ("bob", "Young"),
        ("erin", "Able"),
    ] {
        steps.push(step(
            "POST",
            "/Users",
            Some(json!({"userName": name, "name": {"familyName": family}})),
            201,
            json!({}),
        ));
    }
    steps.extend([
        step("GET", "/Users?sortBy=userName&startIndex=2&count=2", None, 200,
            json!({"totalResults": 5, "startIndex": 2, "itemsPerPage": 2, "Resources": [{"userName": "bob"}, {"userName": "carol"}]})),
        step("GET", "/Users?sortBy=name.familyName&sortOrder=DESCENDING&count=3", None, 200,
            json!({"Resources": [{"userName": "carol"}, {"userName": "alice"}, {"userName": "bob"}]})),
        step("GET", "/Users?count=0", None, 200, json!({"totalResults": 5, "itemsPerPage": 0, "Resources": []})),
        step("GET", "/Users?startIndex=5&count=5", None, 200, json!({"totalResults": 5, "itemsPerPage": 1})),
        step("GET", "/Users?attributes=userName&count=1", None, 200, json!({"Resources": [{"id": "<any>", "userName": "<any>", "name": "<absent>", "meta": "<absent>"}]})),
        step("POST", "/Users/.search", Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "name.familyName eq \"young\"", "sortBy": "userName"})), 200,
            json!({"totalResults": 2, "Resources": [{"userName": "alice"}, {"userName": "bob"}]})),
        step("POST", "/Groups", Some(json!({"displayName": "young people"})), 201, json!({})),
        step("POST", "/.search", Some(json!({"filter": "userName sw \"a\" or displayName co \"young\""})), 200,
            json!({"totalResults": 2})),
        step("GET", "/Users?filter=userName%20eq", None, 400, error("400", Some("invalidFilter"))),
        step("GET", "/Users?filter=id%20gt%20%22id-2%22&sortBy=id&attributes=id", None, 200,
            json!({"totalResults": 3, "Resources": [{"id": "id-3"}, {"id": "id-4"}, {"id": "id-5"}]})),
    ]);
    run("listing", Settings::default(), steps);
}

#[test]
fn bulk_rfc_7644_section_3_7() {
    let bulk = |ops: Value| json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": ops});
    run(
        "bulk",
        Settings::default(),
        vec![
            // References resolve whatever the order: the group is listed first.
            step(
                "POST",
                "/Bulk",
                Some(bulk(json!([
                    {"method": "POST", "path": "/Groups", "bulkId": "g1", "data": {"displayName": "Tour Guides", "members": [{"type": "User", "value": "bulkId:u1"}]}},
                    {"method": "POST", "path": "/Users/", "bulkId": "u1", "data": {"userName": "alice"}},
                    {"method": "POST", "path": "/Users", "bulkId": "u2", "data": {"userName": "ALICE"}}
                ]))),
                200,
                json!({"Operations": [
                    {"method": "POST", "bulkId": "g1", "status": "201", "location": "<any>"},
                    {"method": "POST", "bulkId": "u1", "status": "201", "location": "<any>", "version": "<any>"},
                    {"method": "POST", "bulkId": "u2", "status": "409", "response": error("409", Some("uniqueness"))}
                ]}),
            ),
            step(
                "GET",
                "/Groups?filter=displayName%20eq%20%22Tour%20Guides%22",
                None,
                200,
                json!({"Resources": [{"members": [{"value": "id-1"}]}]}),
            ),
            // Circular references get 409; results come back in request order.
            step(
                "POST",
                "/Bulk",
                Some(bulk(json!([
                    {"method": "POST", "path": "/Groups", "bulkId": "a", "data": {"displayName": "A", "members": [{"value": "bulkId:b"}]}},
                    {"method": "POST", "path": "/Groups", "bulkId": "b", "data": {"displayName": "B", "members": [{"value": "bulkId:a"}]}},
                    {"method": "DELETE", "path": "/Users/id-1"}
                ]))),
                200,
                json!({"Operations": [
                    {"bulkId": "a", "status": "409"},
                    {"bulkId": "b", "status": "409"},
                    {"method": "DELETE", "status": "204"}
                ]}),
            ),
            // failOnErrors stops after the first failure.
            step(
                "POST",
                "/Bulk",
                Some(json!({"failOnErrors": 1, "Operations": [
                    {"method": "DELETE", "path": "/Users/missing"},
                    {"method": "POST", "path": "/Users", "data": {"userName": "never"}}
                ]})),
                200,
                json!({"Operations": [{"status": "404"}]}),
            ),
            step(
                "GET",
                "/Users?filter=userName%20eq%20%22never%22",
                None,
                200,
                json!({"totalResults": 0}),
            ),
        ],
    );
}

#[test]
fn bulk_over_max_operations_is_413() {
    let settings = Settings {
        bulk_max_operations: 1,
        ..Settings::default()
    };
    run(
        "bulk limit",
        settings,
        vec![step(
            "POST",
            "/Bulk",
            Some(json!({"Operations": [
                {"method": "POST", "path": "/Users", "data": {"userName": "x"}},
                {"method": "POST", "path": "/Users", "data": {"userName": "y"}}
            ]})),
            413,
            error("413", None),
        )],
    );
}

#[test]
fn discovery_endpoints_and_methods() {
    run(
        "discovery",
        Settings::default(),
        vec![
            step(
                "GET",
                "/ServiceProviderConfig",
                None,
                200,
                json!({"patch": {"supported": true}, "bulk": {"supported": true, "maxOperations": 1000}, "filter": {"supported": true, "maxResults": 1000}}),
            ),
            step(
                "POST",
                "/ServiceProviderConfig",
                Some(json!({})),
                405,
                error("405", None),
            ),
            step(
                "GET",
                "/ResourceTypes",
                None,
                200,
                json!({"totalResults": 4}),
            ),
            step(
                "GET",
                "/ResourceTypes/Group",
                None,
                200,
                json!({"id": "Group", "endpoint": "/Groups"}),
            ),
            step(
                "DELETE",
                "/ResourceTypes/User",
                None,
                405,
                error("405", None),
            ),
            step(
                "GET",
                "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
                None,
                200,
                json!({"id": "urn:ietf:params:scim:schemas:core:2.0:Group"}),
            ),
            step(
                "GET",
                "/Schemas/urn:okta:scim:schemas:core:1.0:Entitlement",
                None,
                200,
                json!({"name": "Entitlement"}),
            ),
            step("GET", "/Schemas/urn:nope", None, 404, error("404", None)),
            step("GET", "/Nope", None, 404, error("404", None)),
            step("GET", "/Me", None, 501, error("501", None)),
        ],
    );
}

#[test]
fn bad_input_gets_scim_errors_and_changes_nothing() {
    let settings = Settings {
        bulk_max_payload_size: 2048,
        ..Settings::default()
    };
    run(
        "bad input",
        settings,
        vec![
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "keep"})),
                201,
                json!({}),
            )
            .save("u"),
            step(
                "POST",
                "/Users",
                None,
                400,
                error("400", Some("invalidSyntax")),
            )
            .header("Raw-Body", "{\"userName\": "),
            step(
                "POST",
                "/Users",
                None,
                400,
                error("400", Some("invalidSyntax")),
            )
            .header("Raw-Body", &"[".repeat(10_000)[..2000]),
            step(
                "POST",
                "/Users",
                None,
                400,
                error("400", Some("invalidSyntax")),
            )
            .header("Raw-Body", "[1,2]"),
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "x"})),
                415,
                error("415", None),
            )
            .header("Content-Type", "text/plain"),
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "y"})),
                201,
                json!({}),
            )
            .header("Content-Type", "application/json; charset=utf-8"),
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "z".repeat(3000)})),
                413,
                error("413", None),
            ),
            step(
                "PATCH",
                "/Users/{u}",
                Some(json!({"Operations": [{"op": "jump"}]})),
                400,
                error("400", Some("invalidSyntax")),
            ),
            step("GET", "/Users/{u}", None, 200, json!({"userName": "keep"})),
        ],
    );
}

#[test]
fn real_client_quirks() {
    run("quirks", Settings::default(), vec![
        // Entra: string booleans, nulls, unknown keys, misspelt schema URNs, manager as a string.
        step("POST", "/Users", Some(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:Usr"],
            "UserName": "entra@example.com", "active": "False", "nickName": null, "unknownThing": 1,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": "mgr-1", "employeeNumber": 42}
        })), 201, json!({"userName": "entra@example.com", "active": false, "nickName": "<absent>", "unknownThing": "<absent>",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "mgr-1"}, "employeeNumber": "42"}})).save("u"),
        // Entra: PATCH with capitalised ops, dotted and URN keys, creating a missing typed email.
        step("PATCH", "/Users/{u}", Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
            {"op": "Replace", "value": {"name.givenName": "Ent", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "R&D"}},
            {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "e@example.com"},
            {"op": "Replace", "path": "active", "value": "True"}
        ]})), 200, json!({"name": {"givenName": "Ent"}, "active": true, "emails": [{"type": "work", "value": "e@example.com"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}})),
        step("PATCH", "/Users/{u}", Some(json!({"Operations": []})), 200, json!({"id": "{u}"})),
        step("GET", "/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22E%40example.com%22", None, 200, json!({"totalResults": 1})),
        step("GET", "/Users?filter=externalId%20eq%20jyoung", None, 200, json!({"totalResults": 0})),
        step("GET", "/Users?filter=UserName%20eq%20%22ENTRA%40example.com%22", None, 200, json!({"totalResults": 1})),
        // Okta: group rename with id inside a pathless replace value.
        step("POST", "/Groups", Some(json!({"displayName": "Okta", "members": []})), 201, json!({})).save("g"),
        step("PATCH", "/Groups/{g}", Some(json!({"Operations": [{"op": "replace", "value": {"id": "{g}", "displayName": "Okta Renamed"}}]})), 200,
            json!({"id": "{g}", "displayName": "Okta Renamed"})),
        // OCI: flattened extension keys, Bulk path with a trailing slash, ASCENDING.
        step("POST", "/Bulk", Some(json!({"Operations": [{"method": "POST", "path": "/Users/", "bulkId": "r1", "data": {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "oci",
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User:bypassNotification": true}}]})), 200,
            json!({"Operations": [{"status": "201"}]})),
        step("GET", "/Users?sortBy=id&sortOrder=ASCENDING&attributes=id&count=1000&filter=id+gt+%220%22", None, 200, json!({"totalResults": 2})),
    ]);
}

#[test]
fn patch_answers_204_when_the_tenant_says_so() {
    let settings = Settings {
        patch_response: scimlet::settings::PatchResponse::NoContent,
        ..Settings::default()
    };
    run(
        "patch 204",
        settings,
        vec![
            step(
                "POST",
                "/Groups",
                Some(json!({"displayName": "G"})),
                201,
                json!({}),
            )
            .save("g"),
            step(
                "PATCH",
                "/Groups/{g}",
                Some(
                    json!({"Operations": [{"op": "replace", "path": "displayName", "value": "H"}]}),
                ),
                204,
                Value::Null,
            ),
        ],
    );
}

#[test]
fn strict_tenants_reject_unknown_attributes() {
    let settings = Settings {
        strict: true,
        ..Settings::default()
    };
    run(
        "strict",
        settings,
        vec![
            step(
                "POST",
                "/Users",
                Some(
                    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "s", "shoeSize": 9}),
                ),
                400,
                error("400", Some("invalidSyntax")),
            ),
            step(
                "GET",
                "/Users?filter=shoeSize%20eq%209",
                None,
                400,
                error("400", Some("invalidFilter")),
            ),
        ],
    );
}

#[test]
fn export_and_import_are_lossless() {
    let tenant = run(
        "export",
        Settings::default(),
        vec![
            step("POST", "/Users", Some(bjensen()), 201, json!({})).save("u"),
            step(
                "POST",
                "/Groups",
                Some(json!({"displayName": "G", "members": [{"value": "{u}"}]})),
                201,
                json!({}),
            ),
        ],
    );
    let export = tenant.export();
    let again = Tenant::import(&export).unwrap();
    assert_eq!(again.export(), export);
    assert_eq!(again.counts(), tenant.counts());
}

#[test]
fn custom_attributes_and_extensions_from_settings() {
    let settings: Settings = serde_json::from_value(json!({
        "customAttributes": [{"resourceType": "User", "attribute": {"name": "badgeNumber", "type": "integer"}}],
        "extensions": [{"resourceTypes": ["Group"], "schema": {"id": "urn:example:params:scim:schemas:extension:Team", "name": "Team",
            "attributes": [{"name": "costCode", "type": "string", "required": true}]}, "required": false}],
        "resourceTypes": {"role": false}
    })).unwrap();
    run(
        "custom",
        settings,
        vec![
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "c", "badgeNumber": "17"})),
                201,
                json!({"badgeNumber": 17}),
            ),
            step(
                "GET",
                "/Users?filter=badgeNumber%20gt%2010",
                None,
                200,
                json!({"totalResults": 1}),
            ),
            step(
                "POST",
                "/Groups",
                Some(
                    json!({"displayName": "T", "urn:example:params:scim:schemas:extension:Team": {"costCode": "CC1"}}),
                ),
                201,
                json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "urn:example:params:scim:schemas:extension:Team"]}),
            ),
            step(
                "GET",
                "/ResourceTypes",
                None,
                200,
                json!({"totalResults": 3}),
            ),
            step("GET", "/Roles", None, 404, error("404", None)),
        ],
    );
}
