//! End-to-end tables through `Tenant::handle`: each script is a list of requests with the
//! status and a JSON subset expected back. `{name}` in a path or body is replaced by the
//! id saved from an earlier step (`save`), so scripts read like the clients' traffic.
//!
//! Expected-JSON conventions: objects match if every expected key matches (extra keys are
//! fine); arrays must have the same length and match element-wise; `"<any>"` matches any
//! present value; `"<absent>"` asserts the key is missing.

mod client;

use client::{Client, BASE};
use scimlet::env::SequentialIds;
use scimlet::{Env, Method, Request, Response, Settings, Tenant};
use serde_json::{json, Value};
use std::collections::BTreeMap;

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

/// A read that answers 200 with (at least) `expect`.
fn get(path: &str, expect: Value) -> Step {
    step("GET", path, None, 200, expect)
}

/// A create that answers 201.
fn created(path: &str, body: Value) -> Step {
    step("POST", path, Some(body), 201, json!({}))
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
    run_on(name, client::tenant(settings), steps)
}

/// [`run`] on a tenant the test prepared (a capacity, resources loaded from storage).
fn run_on(name: &str, mut tenant: Tenant, steps: Vec<Step>) -> Tenant {
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
        get("/Users/{u}", json!({"userName": "bjensen", "name": {"givenName": "Barbara"}})),
        step("POST", "/Users", Some(json!({"userName": "BJENSEN"})), 409, error("409", Some("uniqueness"))),
        step("POST", "/Users", Some(json!({"name": {"givenName": "x"}})), 400, error("400", Some("invalidValue"))),
        get("/Users?filter=userName%20eq%20%22BJensen%22", json!({"totalResults": 1, "Resources": [{"id": "{u}"}]})),
        get("/Users?filter=userName%20eq%20%22nobody%22", json!({"totalResults": 0, "Resources": []})),
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
            get(
                "/Users/{u}?attributes=password",
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
    let kept = stored["password"].as_str().unwrap_or_default();
    assert!(
        kept.starts_with("{SSHA256}") && scimlet::secret::verify(kept, "s3cret!"),
        "the stored form keeps the password, as a salted digest: {kept}"
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
            get("/Users/{u}", json!({"id": "{u}"})).header("If-None-Match", "W/\"0\""),
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
        created("/Users", json!({"userName": "alice"})).save("a"),
        created("/Users", json!({"userName": "bob"})).save("b"),
        step("POST", "/Groups", Some(json!({"displayName": "Admins", "members": [{"value": "{a}", "display": "alice"}]})), 201,
            json!({"members": [{"value": "{a}", "type": "User", "$ref": format!("{BASE}/Users/{{a}}")}]})).save("g"),
        get("/Users/{a}", json!({"groups": [{"value": "{g}", "display": "Admins", "type": "direct"}]})),
        get("/Users/{b}", json!({"groups": "<absent>"})),
        get("/Users?filter=groups.value%20eq%20%22{g}%22", json!({"totalResults": 1, "Resources": [{"id": "{a}"}]})),
        step("PATCH", "/Groups/{g}", Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
            {"op": "add", "path": "members", "value": [{"value": "{b}", "display": "bob"}]},
            {"op": "remove", "path": "members[value eq \"{a}\"]"}
        ]})), 200, json!({"members": [{"value": "{b}"}]})),
        get("/Users/{a}", json!({"groups": "<absent>"})),
        get("/Groups?excludedAttributes=members", json!({"Resources": [{"displayName": "Admins", "members": "<absent>"}]})),
        step("DELETE", "/Users/{b}", None, 204, Value::Null),
        get("/Groups/{g}", json!({"members": "<absent>"})),
        get("/Groups?filter=displayName%20eq%20%22admins%22", json!({"totalResults": 1})),
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
        steps.push(created(
            "/Users",
            json!({"userName": name, "name": {"familyName": family}}),
        ));
    }
    steps.extend([
        get("/Users?sortBy=userName&startIndex=2&count=2", json!({"totalResults": 5, "startIndex": 2, "itemsPerPage": 2, "Resources": [{"userName": "bob"}, {"userName": "carol"}]})),
        get("/Users?sortBy=name.familyName&sortOrder=DESCENDING&count=3", json!({"Resources": [{"userName": "carol"}, {"userName": "alice"}, {"userName": "bob"}]})),
        get("/Users?count=0", json!({"totalResults": 5, "itemsPerPage": 0, "Resources": []})),
        get("/Users?startIndex=5&count=5", json!({"totalResults": 5, "itemsPerPage": 1})),
        get("/Users?attributes=userName&count=1", json!({"Resources": [{"id": "<any>", "userName": "<any>", "name": "<absent>", "meta": "<absent>"}]})),
        step("POST", "/Users/.search", Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "name.familyName eq \"young\"", "sortBy": "userName"})), 200,
            json!({"totalResults": 2, "Resources": [{"userName": "alice"}, {"userName": "bob"}]})),
        created("/Groups", json!({"displayName": "young people"})),
        step("POST", "/.search", Some(json!({"filter": "userName sw \"a\" or displayName co \"young\""})), 200,
            json!({"totalResults": 2})),
        step("GET", "/Users?filter=userName%20eq", None, 400, error("400", Some("invalidFilter"))),
        get("/Users?filter=id%20gt%20%22id-2%22&sortBy=id&attributes=id", json!({"totalResults": 3, "Resources": [{"id": "id-3"}, {"id": "id-4"}, {"id": "id-5"}]})),
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
            get(
                "/Groups?filter=displayName%20eq%20%22Tour%20Guides%22",
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
            get(
                "/Users?filter=userName%20eq%20%22never%22",
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
            get(
                "/ServiceProviderConfig",
                json!({"patch": {"supported": true}, "bulk": {"supported": true, "maxOperations": 1000}, "filter": {"supported": true, "maxResults": 1000}}),
            ),
            step(
                "POST",
                "/ServiceProviderConfig",
                Some(json!({})),
                405,
                error("405", None),
            ),
            get("/ResourceTypes", json!({"totalResults": 4})),
            get(
                "/ResourceTypes/Group",
                json!({"id": "Group", "endpoint": "/Groups"}),
            ),
            step(
                "DELETE",
                "/ResourceTypes/User",
                None,
                405,
                error("405", None),
            ),
            get(
                "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
                json!({"id": "urn:ietf:params:scim:schemas:core:2.0:Group"}),
            ),
            get(
                "/Schemas/urn:okta:scim:schemas:core:1.0:Entitlement",
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
    // A body that is not a JSON object: each is refused before anything is parsed into the tenant.
    let unparsable = |raw: &str| {
        step(
            "POST",
            "/Users",
            None,
            400,
            error("400", Some("invalidSyntax")),
        )
        .header("Raw-Body", raw)
    };
    let create = |user: &str, status: u16, expect: Value| {
        step(
            "POST",
            "/Users",
            Some(json!({"userName": user})),
            status,
            expect,
        )
    };
    run(
        "bad input",
        settings,
        vec![
            create("keep", 201, json!({})).save("u"),
            unparsable("{\"userName\": "),
            unparsable(&"[".repeat(10_000)[..2000]),
            unparsable("[1,2]"),
            create("x", 415, error("415", None)).header("Content-Type", "text/plain"),
            create("y", 201, json!({})).header("Content-Type", "application/json; charset=utf-8"),
            create(&"z".repeat(3000), 413, error("413", None)),
            step(
                "PATCH",
                "/Users/{u}",
                Some(json!({"Operations": [{"op": "jump"}]})),
                400,
                error("400", Some("invalidSyntax")),
            ),
            get("/Users/{u}", json!({"userName": "keep"})),
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
        get("/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22E%40example.com%22", json!({"totalResults": 1})),
        get("/Users?filter=externalId%20eq%20jyoung", json!({"totalResults": 0})),
        get("/Users?filter=UserName%20eq%20%22ENTRA%40example.com%22", json!({"totalResults": 1})),
        // Okta: group rename with id inside a pathless replace value.
        created("/Groups", json!({"displayName": "Okta", "members": []})).save("g"),
        step("PATCH", "/Groups/{g}", Some(json!({"Operations": [{"op": "replace", "value": {"id": "{g}", "displayName": "Okta Renamed"}}]})), 200,
            json!({"id": "{g}", "displayName": "Okta Renamed"})),
        // OCI: flattened extension keys, Bulk path with a trailing slash, ASCENDING.
        step("POST", "/Bulk", Some(json!({"Operations": [{"method": "POST", "path": "/Users/", "bulkId": "r1", "data": {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "oci",
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User:bypassNotification": true}}]})), 200,
            json!({"Operations": [{"status": "201"}]})),
        get("/Users?sortBy=id&sortOrder=ASCENDING&attributes=id&count=1000&filter=id+gt+%220%22", json!({"totalResults": 2})),
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
            created("/Groups", json!({"displayName": "G"})).save("g"),
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
            created("/Users", bjensen()).save("u"),
            created(
                "/Groups",
                json!({"displayName": "G", "members": [{"value": "{u}"}]}),
            ),
        ],
    );
    let export = scimlet::admin::export(&tenant);
    let policy = scimlet::admin::Policy {
        max_resources: 100,
        ttl_cap_seconds: None,
        import_max_bytes: 1 << 20,
        admin_token_digest: None,
    };
    let (_, again) = scimlet::admin::import(&export, &policy).unwrap();
    assert_eq!(scimlet::admin::export(&again), export);
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
            get(
                "/Users?filter=badgeNumber%20gt%2010",
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
            get("/ResourceTypes", json!({"totalResults": 3})),
            step("GET", "/Roles", None, 404, error("404", None)),
        ],
    );
}

fn patch_op(op: &str, path: &str, value: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": op, "path": path, "value": value}]})
}

fn bulk_of(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": ops})
}

fn schema_of_groups(display_name_uniqueness: &str) -> Step {
    get(
        "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
        json!({"attributes": [{"name": "displayName", "uniqueness": display_name_uniqueness}, {"name": "members"}]}),
    )
}

#[test]
fn group_names_are_unique_unless_the_tenant_allows_duplicates() {
    let rename = |name: &str| patch_op("replace", "displayName", json!(name));
    let taken = || error("409", Some("uniqueness"));
    let group = |name: &str, status: u16, expect: Value| {
        step(
            "POST",
            "/Groups",
            Some(json!({"displayName": name})),
            status,
            expect,
        )
    };
    // Entra's SCIM validator (and the directories it stands for): a second group of the
    // same name is 409 uniqueness, whatever the write path.
    run(
        "unique group names",
        Settings::default(),
        vec![
            group("Admins", 201, json!({})).save("g"),
            group("ADMINS", 409, taken()),
            group("Ops", 201, json!({})).save("o"),
            step(
                "PUT",
                "/Groups/{o}",
                Some(json!({"displayName": "admins"})),
                409,
                taken(),
            ),
            step("PATCH", "/Groups/{o}", Some(rename("Admins")), 409, taken()),
            step(
                "POST",
                "/Bulk",
                Some(bulk_of(json!([
                    {"method": "POST", "path": "/Groups", "bulkId": "a", "data": {"displayName": "admins"}},
                    {"method": "PATCH", "path": "/Groups/{o}", "data": rename("ADMINS")}
                ]))),
                200,
                json!({"Operations": [
                    {"status": "409", "response": taken()},
                    {"status": "409", "response": taken()}
                ]}),
            ),
            // Keeping one's own name is no clash.
            step(
                "PUT",
                "/Groups/{g}",
                Some(json!({"displayName": "admins"})),
                200,
                json!({"displayName": "admins"}),
            ),
            step(
                "PATCH",
                "/Groups/{o}",
                Some(rename("Ops")),
                200,
                json!({"displayName": "Ops"}),
            ),
            get(
                "/Groups?filter=displayName%20eq%20%22ADMINS%22",
                json!({"totalResults": 1, "Resources": [{"id": "{g}"}]}),
            ),
            schema_of_groups("server"),
            // Other types keep RFC 7643's `none`.
            created("/Entitlements", json!({"displayName": "Admins"})),
            created("/Entitlements", json!({"displayName": "Admins"})),
        ],
    );
    let allowed = Settings {
        allow_duplicate_group_names: true,
        ..Settings::default()
    };
    run(
        "duplicate group names allowed",
        allowed,
        vec![
            group("Admins", 201, json!({})),
            group("ADMINS", 201, json!({})),
            group("Ops", 201, json!({})).save("o"),
            step(
                "PATCH",
                "/Groups/{o}",
                Some(rename("admins")),
                200,
                json!({"displayName": "admins"}),
            ),
            get(
                "/Groups?filter=displayName%20eq%20%22Admins%22",
                json!({"totalResults": 3}),
            ),
            schema_of_groups("none"),
        ],
    );
}

/// Unique custom and extension attributes, and write-only ones.
fn custom_settings() -> Settings {
    serde_json::from_value(json!({
        "customAttributes": [
            {"resourceType": "User", "attribute": {"name": "badge", "type": "integer", "uniqueness": "server"}},
            {"resourceType": "User", "attribute": {"name": "pin", "type": "string", "mutability": "writeOnly", "returned": "never"}}
        ],
        "extensions": [
            {"resourceTypes": ["Group"], "schema": {"id": TEAM, "name": "Team",
                "attributes": [{"name": "costCode", "type": "string", "uniqueness": "server"}]}},
            {"resourceTypes": ["User"], "schema": {"id": VAULT, "name": "Vault",
                "attributes": [
                    {"name": "secret", "type": "string", "mutability": "writeOnly", "returned": "never"},
                    {"name": "label", "type": "string"}
                ]}}
        ]
    }))
    .unwrap()
}

const TEAM: &str = "urn:example:params:scim:schemas:extension:Team";
const VAULT: &str = "urn:example:params:scim:schemas:extension:Vault";

#[test]
fn custom_unique_attributes_are_enforced() {
    let taken = || error("409", Some("uniqueness"));
    run(
        "custom unique",
        custom_settings(),
        vec![
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "a", "badge": 17})),
                201,
                json!({"badge": 17}),
            )
            .save("a"),
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "b", "badge": 17})),
                409,
                taken(),
            ),
            // Compared as numbers: the string a lenient tenant coerces is the same badge.
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "b", "badge": "17"})),
                409,
                taken(),
            ),
            created("/Users", json!({"userName": "b", "badge": 18})).save("b"),
            step(
                "PATCH",
                "/Users/{b}",
                Some(patch_op("replace", "badge", json!(17))),
                409,
                taken(),
            ),
            step(
                "PUT",
                "/Users/{b}",
                Some(json!({"userName": "b", "badge": 17})),
                409,
                taken(),
            ),
            step(
                "POST",
                "/Bulk",
                Some(bulk_of(json!([
                    {"method": "POST", "path": "/Users", "data": {"userName": "c", "badge": 17}}
                ]))),
                200,
                json!({"Operations": [{"status": "409", "response": taken()}]}),
            ),
            // A freed value can be taken again.
            step(
                "PATCH",
                "/Users/{a}",
                Some(patch_op("replace", "badge", json!(19))),
                200,
                json!({"badge": 19}),
            ),
            created("/Users", json!({"userName": "c", "badge": 17})).save("c"),
            get(
                "/Users?filter=badge%20eq%2019",
                json!({"totalResults": 1, "Resources": [{"id": "{a}"}]}),
            ),
            get(
                "/Users?filter=badge%20eq%2017.0",
                json!({"totalResults": 1, "Resources": [{"id": "{c}"}]}),
            ),
            // An extension attribute: case-insensitive unless caseExact.
            created(
                "/Groups",
                json!({"displayName": "T1", TEAM: {"costCode": "CC1"}}),
            )
            .save("t"),
            step(
                "POST",
                "/Groups",
                Some(json!({"displayName": "T2", TEAM: {"costCode": "cc1"}})),
                409,
                taken(),
            ),
            created(
                "/Groups",
                json!({"displayName": "T2", format!("{TEAM}:costCode"): "CC2"}),
            ),
            get(
                &format!("/Groups?filter={TEAM}:costCode%20eq%20%22cc1%22"),
                json!({"totalResults": 1, "Resources": [{"id": "{t}"}]}),
            ),
            // Without the attribute there is nothing to clash.
            created("/Users", json!({"userName": "d"})),
            created("/Users", json!({"userName": "e"})),
        ],
    );
}

#[test]
fn put_keeps_every_write_only_attribute_it_leaves_out() {
    let mut client = Client::new(client::tenant(custom_settings()));
    let created = client.send(
        "POST",
        "/Users",
        Some(json!({"userName": "w", "password": "p1", "pin": "1111", VAULT: {"secret": "s1", "label": "L"}})),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(
        matches(
            Some(&created.body),
            &json!({"password": "<absent>", "pin": "<absent>", VAULT: {"label": "L", "secret": "<absent>"}})
        ),
        "{}",
        created.body
    );
    let id = created.body["id"].as_str().unwrap().to_string();
    let path = format!("/Users/{id}");
    // (PUT body, then stored: password, pin, Vault secret, Vault label)
    let table = [
        (json!({"userName": "w"}), ("p1", "1111", "s1", Value::Null)),
        (
            json!({"userName": "w", "pin": "2222", VAULT: {"label": "M"}}),
            ("p1", "2222", "s1", json!("M")),
        ),
        (
            json!({"userName": "w", "password": "p2", VAULT: {"secret": "s2"}}),
            ("p2", "2222", "s2", Value::Null),
        ),
        (
            json!({"userName": "w", "displayName": "W"}),
            ("p2", "2222", "s2", Value::Null),
        ),
    ];
    for (body, (password, pin, secret, label)) in table {
        let answer = client.send("PUT", &path, Some(body.clone()));
        assert_eq!(answer.status, 200, "{body}: {}", answer.body);
        assert!(
            matches(
                Some(&answer.body),
                &json!({"password": "<absent>", "pin": "<absent>"})
            ),
            "{}",
            answer.body
        );
        let stored = client.stored(&id);
        // Write-only values are kept as salted digests of what was written.
        let sealed = |value: &Value, clear: &str| {
            value
                .as_str()
                .is_some_and(|v| scimlet::secret::verify(v, clear))
        };
        assert!(
            sealed(&stored["password"], password)
                && sealed(&stored["pin"], pin)
                && sealed(&stored[VAULT]["secret"], secret),
            "after PUT {body}: {stored}"
        );
        assert_eq!(
            &stored[VAULT]["label"], &label,
            "after PUT {body}: {stored}"
        );
        let schemas: Vec<&str> = stored["schemas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        // A kept extension value keeps its extension listed.
        assert!(schemas.contains(&VAULT), "{stored}");
        assert_eq!(
            schemas[0], "urn:ietf:params:scim:schemas:core:2.0:User",
            "{stored}"
        );
    }
}

/// Every way a resource's indexed values can change, and whether the old values are
/// then free (no stale entry: no false 409, no false match) and the new ones found.
#[test]
fn no_write_path_leaves_a_stale_index_entry() {
    let old = json!({"userName": "old", "externalId": "ext-old"});
    let new = json!({"userName": "new", "externalId": "ext-new"});
    let group_old = json!({"displayName": "old", "externalId": "ext-old"});
    let group_new = json!({"displayName": "new", "externalId": "ext-new"});
    let renames = |new: &Value| {
        let ops: Vec<Value> = new
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| json!({"op": "replace", "path": k, "value": v}))
            .collect();
        json!({"Operations": ops})
    };
    // (how, endpoint, name attribute, created, write method, write body; None: delete)
    let mut table = Vec::new();
    for (endpoint, name, before, after) in [
        ("/Users", "userName", &old, &new),
        ("/Groups", "displayName", &group_old, &group_new),
    ] {
        table.extend([
            ("PUT", endpoint, name, before, Some(after.clone())),
            ("PATCH", endpoint, name, before, Some(renames(after))),
            ("DELETE", endpoint, name, before, None),
            ("Bulk PUT", endpoint, name, before, Some(after.clone())),
            ("Bulk PATCH", endpoint, name, before, Some(renames(after))),
            ("Bulk DELETE", endpoint, name, before, None),
            ("load", endpoint, name, before, Some(after.clone())),
        ]);
    }
    for (how, endpoint, name, before, write) in table {
        let context = format!("{how} {endpoint}");
        let mut client = Client::new(client::tenant(Settings::default()));
        // Bulk rows create through Bulk too.
        let id = if how.starts_with("Bulk") {
            let op = json!({"method": "POST", "path": endpoint, "bulkId": "b", "data": before});
            let answer = client.send("POST", "/Bulk", Some(bulk_of(json!([op]))));
            let entry = &answer.body["Operations"][0];
            assert_eq!(entry["status"], "201", "{context}: {}", answer.body);
            let location = entry["location"].as_str().unwrap();
            location.rsplit('/').next().unwrap().to_string()
        } else {
            let created = client.send("POST", endpoint, Some(before.clone()));
            assert_eq!(created.status, 201, "{context}: {}", created.body);
            created.body["id"].as_str().unwrap().to_string()
        };
        let path = format!("{endpoint}/{id}");
        let filter =
            |attr: &str, value: &str| format!("{endpoint}?filter={attr}%20eq%20%22{value}%22");
        assert_eq!(client.total(&filter(name, "OLD")), 1, "{context}: created");
        match (how, &write) {
            ("load", Some(body)) => {
                // The host rebuilding the tenant from storage with a newer stored form.
                let mut stored = client.stored(&id);
                for (k, v) in body.as_object().unwrap() {
                    stored[k] = v.clone();
                }
                client.tenant.load(scimlet::Value::from(stored)).unwrap();
            }
            (bulk, _) if bulk.starts_with("Bulk") => {
                let method = &bulk[5..];
                let mut op = json!({"method": method, "path": path});
                if let Some(body) = &write {
                    op["data"] = body.clone();
                }
                let answer = client.send("POST", "/Bulk", Some(bulk_of(json!([op]))));
                assert_eq!(answer.status, 200, "{context}");
                let status = &answer.body["Operations"][0]["status"];
                assert!(
                    status == "200" || status == "204",
                    "{context}: {}",
                    answer.body
                );
            }
            (method, body) => {
                let answer = client.send(method, &path, body.clone());
                assert!(
                    answer.status == 200 || answer.status == 204,
                    "{context}: {}",
                    answer.body
                );
            }
        }
        let renamed = write.is_some();
        assert_eq!(
            client.total(&filter(name, "old")),
            0,
            "{context}: old name still indexed"
        );
        assert_eq!(
            client.total(&filter("externalId", "ext-old")),
            0,
            "{context}: old externalId still indexed"
        );
        assert_eq!(
            client.total(&filter(name, "new")),
            u64::from(renamed),
            "{context}: new name"
        );
        assert_eq!(
            client.total(&filter("externalId", "ext-new")),
            u64::from(renamed),
            "{context}: new externalId"
        );
        // The old name is free again: no false 409.
        let again = client.send("POST", endpoint, Some(before.clone()));
        assert_eq!(again.status, 201, "{context}: {}", again.body);
        assert_eq!(
            client.total(&filter(name, "old")),
            1,
            "{context}: recreated"
        );
        // And the new one is taken (or free, after a delete).
        let clash = client.send("POST", endpoint, Some(json!({name: "NEW"})));
        assert_eq!(
            clash.status,
            if renamed { 409 } else { 201 },
            "{context}: {}",
            clash.body
        );
    }
}

#[test]
fn a_full_tenant_refuses_growth_before_writing_anything() {
    let settings = Settings {
        bulk_max_operations: 3,
        ..Settings::default()
    };
    let mut tenant = client::tenant(settings);
    tenant.set_capacity(Some(3));
    let full =
        || json!({"status": "403", "detail": "server is full: it holds at most 3 resources"});
    let user = |name: &str| json!({"userName": name});
    let post_user =
        |name: &str| json!({"method": "POST", "path": "/Users", "data": {"userName": name}});
    let mut tenant = run_on(
        "capacity",
        tenant,
        vec![
            created("/Users", user("u1")).save("u1"),
            created("/Users", user("u2")),
            // Two creates cannot both fit: refused as a whole, before either runs.
            step(
                "POST",
                "/Bulk",
                Some(bulk_of(json!([post_user("u3"), post_user("u4")]))),
                403,
                full(),
            ),
            get(
                "/Users?filter=userName%20eq%20%22u3%22",
                json!({"totalResults": 0}),
            ),
            // Every type counts.
            created(
                "/Groups",
                json!({"displayName": "g", "members": [{"value": "{u1}"}]}),
            )
            .save("g"),
            step("POST", "/Users", Some(user("u3")), 403, full()),
            step(
                "POST",
                "/Roles",
                Some(json!({"displayName": "r"})),
                403,
                full(),
            ),
            // A delete in the same request does not make room: creates are counted up front.
            step(
                "POST",
                "/Bulk",
                Some(bulk_of(
                    json!([{"method": "DELETE", "path": "/Users/{u1}"}, post_user("u3")]),
                )),
                403,
                full(),
            ),
            get("/Users/{u1}", json!({"userName": "u1"})),
            get("/Groups/{g}", json!({"members": [{"value": "{u1}"}]})),
            // Over maxOperations is still 413, whatever the room.
            step(
                "POST",
                "/Bulk",
                Some(bulk_of(json!([
                    post_user("a"),
                    post_user("b"),
                    post_user("c"),
                    post_user("d")
                ]))),
                413,
                error("413", None),
            ),
            // Writes that do not grow the tenant go on.
            step("PUT", "/Users/{u1}", Some(user("u1")), 200, json!({})),
            step(
                "PATCH",
                "/Users/{u1}",
                Some(patch_op("replace", "displayName", json!("U1"))),
                200,
                json!({}),
            ),
            step("DELETE", "/Users/{u1}", None, 204, Value::Null),
            step(
                "POST",
                "/Bulk",
                Some(bulk_of(json!([post_user("u3")]))),
                200,
                json!({"Operations": [{"status": "201"}]}),
            ),
            step("POST", "/Users", Some(user("u4")), 403, full()),
        ],
    );
    assert_eq!(tenant.counts().values().sum::<usize>(), 3);
    // The generator's and importers' path is held to it too.
    let mut ids = SequentialIds {
        prefix: "x-".into(),
        last: 0,
    };
    let mut env = Env {
        now_ms: 0,
        base_url: BASE,
        ids: &mut ids,
    };
    let mut changes = scimlet::ChangeSet::default();
    let refused = tenant.create(
        "User",
        scimlet::json!({"userName": "seeded"}),
        &mut env,
        &mut changes,
    );
    assert_eq!(refused.map_err(|e| e.status).err(), Some(403));
    assert!(changes.is_empty());
    tenant.set_capacity(None);
    assert!(tenant
        .create(
            "User",
            scimlet::json!({"userName": "seeded"}),
            &mut env,
            &mut changes
        )
        .is_ok());
}

#[test]
fn resources_of_types_not_served_count_towards_capacity() {
    let settings: Settings =
        serde_json::from_value(json!({"resourceTypes": {"role": false}})).unwrap();
    let mut tenant = client::tenant(settings);
    tenant
        .load(scimlet::json!({"schemas": ["urn:okta:scim:schemas:core:1.0:Role"], "id": "r1", "displayName": "kept",
            "meta": {"resourceType": "Role", "version": "W/\"1\""}}))
        .unwrap();
    tenant.set_capacity(Some(2));
    run_on(
        "capacity with a type switched off",
        tenant,
        vec![
            created("/Users", json!({"userName": "a"})),
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "b"})),
                403,
                error("403", None),
            ),
        ],
    );
}

/// A Bulk operation reports the `location` the direct request's `Location` header (and
/// `meta.location`) gives, for every write.
#[test]
fn bulk_locations_are_the_direct_requests_locations() {
    for base in [BASE, "https://scim.example.com/v2/"] {
        let mut direct = Client::new(client::tenant(Settings::default()));
        let mut bulk = Client::new(client::tenant(Settings::default()));
        direct.base = base;
        bulk.base = base;
        let created = direct.send("POST", "/Users", Some(json!({"userName": "loc"})));
        let id = created.body["id"].as_str().unwrap().to_string();
        let path = format!("/Users/{id}");
        // (method, path, body)
        let table = [
            (
                "POST",
                "/Users".to_string(),
                Some(json!({"userName": "loc"})),
            ),
            (
                "PUT",
                path.clone(),
                Some(json!({"userName": "loc", "title": "t"})),
            ),
            (
                "PATCH",
                path.clone(),
                Some(patch_op("replace", "title", json!("u"))),
            ),
            ("DELETE", path.clone(), None),
        ];
        let mut first = true;
        for (method, path, body) in table {
            let answer = if first {
                first = false;
                created.clone()
            } else {
                direct.send(method, &path, body.clone())
            };
            let mut op = json!({"method": method, "path": path});
            if let Some(body) = body {
                op["data"] = body;
            }
            let reported = bulk.send("POST", "/Bulk", Some(bulk_of(json!([op]))));
            let entry = &reported.body["Operations"][0];
            let expected = format!("https://scim.example.com/v2/Users/{id}");
            assert_eq!(
                entry["location"], expected,
                "{method} via Bulk ({base}): {entry}"
            );
            match method {
                "DELETE" => assert_eq!(answer.status, 204, "{method}"),
                _ => {
                    assert_eq!(
                        answer.location.as_deref(),
                        Some(expected.as_str()),
                        "{method} ({base})"
                    );
                    assert_eq!(
                        answer.body["meta"]["location"], expected,
                        "{method} ({base})"
                    );
                    assert_eq!(entry["version"], answer.body["meta"]["version"], "{method}");
                    assert_eq!(entry["status"], answer.status.to_string(), "{method}");
                }
            }
        }
    }
}

#[test]
fn every_request_body_over_max_payload_size_is_413() {
    let settings = Settings {
        bulk_max_payload_size: 1024,
        ..Settings::default()
    };
    let mut client = Client::new(client::tenant(settings));
    let kept = client.send("POST", "/Users", Some(json!({"userName": "kept"})));
    let id = kept.body["id"].as_str().unwrap().to_string();
    let padded = |len: usize| {
        let mut body = json!({"userName": "padded"}).to_string().into_bytes();
        body.resize(len, b' ');
        body
    };
    // (method, path): the size is checked first, whatever the endpoint or method.
    let user = format!("/Users/{id}");
    let table = [
        ("POST", "/Users"),
        ("PUT", user.as_str()),
        ("PATCH", user.as_str()),
        ("DELETE", user.as_str()),
        ("GET", user.as_str()),
        ("GET", "/Users"),
        ("POST", "/Bulk"),
        ("POST", "/.search"),
        ("GET", "/ServiceProviderConfig"),
        ("POST", "/ServiceProviderConfig"),
        ("GET", "/Nowhere"),
        ("HEAD", "/Users"),
    ];
    for (method, path) in table {
        let req = Request::new(Method::parse(method), path).with_body(padded(1025));
        let answer = client.send_request(&req);
        assert_eq!(answer.status, 413, "{method} {path}: {}", answer.body);
        assert_eq!(
            answer.body["detail"], "the request body has 1025 bytes; maxPayloadSize is 1024",
            "{method} {path}"
        );
    }
    assert_eq!(client.send("GET", &user, None).body["userName"], "kept");
    let at_limit = Request::new(Method::Post, "/Users").with_body(padded(1024));
    assert_eq!(client.send_request(&at_limit).status, 201);
}

#[test]
fn methods_a_route_does_not_serve_are_405_with_allow() {
    let mut client = Client::new(client::tenant(Settings::default()));
    let created = client.send("POST", "/Users", Some(json!({"userName": "m"})));
    let user = format!("/Users/{}", created.body["id"].as_str().unwrap());
    // (path, Allow)
    let table = [
        ("/ServiceProviderConfig", "GET"),
        ("/ResourceTypes", "GET"),
        ("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "GET"),
        ("/.search", "POST"),
        ("/Users/.search", "POST"),
        ("/Bulk", "POST"),
        ("/Users", "GET, POST"),
        (user.as_str(), "GET, PUT, PATCH, DELETE"),
    ];
    for (path, allow) in table {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] {
            let allowed = allow.split(", ").any(|m| m == method);
            if allowed && method == "DELETE" {
                continue; // served: the lifecycle tests delete
            }
            let answer = client.send(method, path, None);
            assert_eq!(
                answer.status == 405,
                !allowed,
                "{method} {path}: {}",
                answer.body
            );
            if !allowed {
                assert_eq!(answer.allow.as_deref(), Some(allow), "{method} {path}");
                assert!(!answer.changed, "{method} {path}");
            }
        }
    }
    // No refused method wrote or deleted anything.
    assert_eq!(client.send("GET", &user, None).body["userName"], "m");
}

/// A settings change that makes an attribute unique (or drops its uniqueness) rebuilds
/// the index from what is stored; clashes already stored block nothing but new clashes.
#[test]
fn uniqueness_follows_a_settings_change() {
    // Before: duplicate group names allowed, and `badge` defined but not unique.
    let mut allowed = custom_settings();
    allowed.allow_duplicate_group_names = true;
    allowed.custom_attributes[0].attribute.uniqueness = scimlet::schema::Uniqueness::None;
    let mut tenant = run(
        "duplicates, before",
        allowed.clone(),
        vec![
            created("/Groups", json!({"displayName": "Twin"})),
            created("/Groups", json!({"displayName": "twin"})),
            created("/Users", json!({"userName": "u", "badge": 7})),
            created("/Users", json!({"userName": "v", "badge": 7})),
        ],
    );
    let mut unique: Settings = custom_settings();
    unique.allow_duplicate_group_names = false;
    tenant.configure(unique).unwrap();
    let taken = || error("409", Some("uniqueness"));
    let tenant = run_on(
        "duplicates, after",
        tenant,
        vec![
            get(
                "/Groups?filter=displayName%20eq%20%22TWIN%22",
                json!({"totalResults": 2}),
            ),
            step(
                "POST",
                "/Groups",
                Some(json!({"displayName": "TWIN"})),
                409,
                taken(),
            ),
            created("/Groups", json!({"displayName": "Solo"})).save("solo"),
            step(
                "PATCH",
                "/Groups/{solo}",
                Some(patch_op("replace", "displayName", json!("twin"))),
                409,
                taken(),
            ),
            // A stored twin may still change what is not its name.
            step(
                "PATCH",
                "/Groups/id-1",
                Some(patch_op("add", "members", json!([{"value": "id-3"}]))),
                200,
                json!({"displayName": "Twin"}),
            ),
            step(
                "PUT",
                "/Groups/id-2",
                Some(json!({"displayName": "twin", "externalId": "t2"})),
                200,
                json!({}),
            ),
            // badge became unique through the custom attribute.
            get("/Users?filter=badge%20eq%207", json!({"totalResults": 2})),
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "w", "badge": 7})),
                409,
                taken(),
            ),
            step(
                "PATCH",
                "/Users/id-3",
                Some(patch_op("replace", "badge", json!(8))),
                200,
                json!({}),
            ),
            step(
                "POST",
                "/Users",
                Some(json!({"userName": "x", "badge": 8})),
                409,
                taken(),
            ),
        ],
    );
    let mut tenant = tenant;
    tenant.configure(allowed).unwrap();
    run_on(
        "duplicates, allowed again",
        tenant,
        vec![
            created("/Groups", json!({"displayName": "Twin"})),
            get(
                "/Groups?filter=displayName%20eq%20%22twin%22",
                json!({"totalResults": 3}),
            ),
        ],
    );
}

/// A text column answers `attr op "text"` (and `... and id gt "x"`) without evaluating
/// the filter, counting its matches by popcount where the store can: it must give exactly
/// what evaluating the filter on every resource gives (an `or` with a filter that matches
/// nothing forces that), for the folding's hard cases, with ids stored in id order and
/// out of it (`id-10` sorts before `id-9`).
#[test]
fn column_plans_answer_as_evaluation_does() {
    let names = [
        "Straße",
        "STRASSE",
        "ﬁsh",
        "ΟΔΟΣ",
        "οδος",
        "İstanbul",
        "istanbul",
        "Ann",
        "anna",
        "JÜRGEN",
        "",
        "a b",
        "Kelvin",
    ];
    let types = ["Employee", "employee", "EMPLOYEE", "Contractor", ""];
    let queries = [
        r#"displayName eq "strasse""#,
        r#"displayName sw "s""#,
        r#"displayName co "ss""#,
        r#"displayName ew "ς""#,
        r#"displayName co """#,
        r#"displayName eq """#,
        r#"displayName sw "i̇""#,
        r#"displayName co "kelvin""#,
        r#"userType eq "employee""#,
        r#"userType eq "Employee" and id gt "id-120""#,
        r#"id ge "id-105" and displayName co "a""#,
        r#"userType eq "employee" and id gt "id-9""#,
    ];
    for first in [100, 0] {
        let mut client = Client::new(client::tenant(Settings::default()));
        client.ids.last = first;
        for i in 0..60 {
            let mut user = json!({"userName": format!("u{i}")});
            if i % 7 != 3 {
                user["displayName"] = json!(names[i % names.len()]);
            }
            if i % 6 != 5 {
                user["userType"] = json!(types[i % types.len()]);
            }
            assert_eq!(client.send("POST", "/Users", Some(user)).status, 201);
        }
        for i in [4, 20, 33] {
            let id = format!("id-{}", first + i);
            assert_eq!(
                client.send("DELETE", &format!("/Users/{id}"), None).status,
                204
            );
        }
        for query in queries {
            let listed = |client: &mut Client, filter: &str, count: usize| {
                let path = format!(
                    "/Users?filter={}&count={count}&attributes=id",
                    urlencode(filter)
                );
                let answer = client.send("GET", &path, None);
                assert_eq!(answer.status, 200, "{filter}: {}", answer.body);
                let ids: Vec<String> = answer.body["Resources"]
                    .as_array()
                    .map(|r| {
                        r.iter()
                            .map(|r| r["id"].as_str().unwrap_or("").to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                (answer.body["totalResults"].as_u64(), ids)
            };
            let evaluated = format!(r#"({query}) or id eq "nobody""#);
            for count in [0, 3, 100] {
                assert_eq!(
                    listed(&mut client, query, count),
                    listed(&mut client, &evaluated, count),
                    "ids from {first}: {query}, count {count}"
                );
            }
        }
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
