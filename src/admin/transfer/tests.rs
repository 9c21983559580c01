use super::*;
use crate::env::{Env, SequentialIds};
use crate::generate::{populate, SeedSpec};
use crate::http::{Method, Request};
use alloc::string::ToString;
use alloc::vec;

/// `POST /Users` with this userName, through the tenant's own request path.
fn create_user(tenant: &mut Tenant, user_name: &str) -> crate::tenant::Outcome {
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: 1_795_000_000_000,
        base_url: "http://x/scim/v2",
        ids: &mut ids,
    };
    let body = alloc::format!(r#"{{"userName":"{user_name}"}}"#);
    tenant.handle(
        &Request::new(Method::Post, "/Users").with_body(body),
        &mut env,
    )
}

fn policy(max_resources: usize) -> Policy {
    Policy {
        max_resources,
        ttl_cap_seconds: None,
        import_max_bytes: 1 << 20,
        admin_token_digest: None,
    }
}

fn seeded() -> Tenant {
    let settings = Settings {
        resource_types: crate::settings::EnabledTypes {
            group: true,
            entitlement: true,
            role: true,
        },
        ..Settings::default()
    };
    let mut tenant = Tenant::new(settings).unwrap();
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: 1_795_000_000_000,
        base_url: "http://x/scim/v2",
        ids: &mut ids,
    };
    let spec = SeedSpec {
        users: 30,
        groups: 4,
        entitlements: 3,
        roles: 2,
        ..SeedSpec::default()
    };
    populate(&mut tenant, &spec, &mut env).unwrap();
    // A password (write-only) must survive the round trip.
    let out = tenant.handle(
        &Request::new(Method::Post, "/Users")
            .with_body(r#"{"userName":"pw","password":"s3cret-Passw0rd"}"#),
        &mut env,
    );
    assert_eq!(out.response.status, 201);
    tenant
}

fn resources(tenant: &Tenant) -> Vec<Value> {
    tenant.resources().map(|r| Value::clone(&r)).collect()
}

#[test]
fn export_then_import_is_lossless() {
    let tenant = seeded();
    let bytes = export(&tenant);
    let (settings, back) = import(&bytes, &policy(1000)).unwrap();
    assert_eq!(&settings, tenant.settings());
    assert_eq!(resources(&back), resources(&tenant));
    assert_eq!(back.counts(), tenant.counts());
    // And the imported server exports the same bytes.
    assert_eq!(export(&back), bytes);
}

#[test]
fn resources_of_a_type_switched_off_travel_too() {
    let mut tenant = seeded();
    let mut settings = tenant.settings().clone();
    settings.resource_types.role = false;
    tenant.configure(settings).unwrap();
    let bytes = export(&tenant);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\"resourceType\":\"Role\""));
    let (_, back) = import(&bytes, &policy(1000)).unwrap();
    assert_eq!(resources(&back), resources(&tenant));
}

/// A valid stored user, to break one part at a time.
fn user(id: &str, user_name: &str) -> String {
    alloc::format!(
        r#"{{"id":"{id}","userName":"{user_name}","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"meta":{{"resourceType":"User","created":"2026-01-01T00:00:00Z","lastModified":"2026-01-01T00:00:00Z","version":"W/\"3\""}}}}"#
    )
}

fn doc(resources: &[String]) -> String {
    alloc::format!(
        r#"{{"settings":{{}},"resources":[{}]}}"#,
        resources.join(",")
    )
}

#[test]
fn an_import_must_be_exactly_a_valid_export() {
    let deep = alloc::format!(
        r#"{{"settings":{{}},"resources":[{}1{}]}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let with = |from: &str, to: &str| doc(&[user("u1", "ann").replace(from, to)]);
    // (body, status, part of the detail)
    #[rustfmt::skip]
    let table: Vec<(String, u16, &str)> = vec![
        ("{}".into(), 400, "both \"settings\" and \"resources\" are required"),
        ("[]".into(), 400, "expected '{'"),
        (r#"{"not": 1}"#.into(), 400, "\"not\" is not part of one"),
        (r#"{"settings": {}}"#.into(), 400, "are required"),
        (r#"{"resources": []}"#.into(), 400, "are required"),
        ("".into(), 400, "expected '{'"),
        ("null".into(), 400, "expected '{'"),
        (r#"{"settings":{},"resources":[],"x":1}"#.into(), 400, "\"x\" is not part"),
        (r#"{"settings":{},"resources":[],"resources":[]}"#.into(), 400, "appears twice"),
        (r#"{"settings":{},"resources":{}}"#.into(), 400, "must be an array"),
        (r#"{"settings":[],"resources":[]}"#.into(), 400, "settings must be a JSON object"),
        (r#"{"settings":{"stirct":true},"resources":[]}"#.into(), 400, "unknown field `stirct`"),
        (r#"{"settings":{},"resources":[]} x"#.into(), 400, "trailing characters"),
        (r#"{"settings":{},"resources":[1,]}"#.into(), 400, "unexpected ']'"),
        (r#"{"settings":{},"resources":["#.into(), 400, "unexpected end"),
        (deep, 400, "nested deeper than 128"),
        (doc(&["1".into()]), 400, "resources[0]: a resource must be a JSON object"),
        (with("\"id\":\"u1\",", ""), 400, "resources[0]: a resource needs a string id"),
        (with("\"id\":\"u1\"", "\"id\":\"u\\r\\n1\""), 400, "invalid id"),
        (with("\"id\":\"u1\"", "\"id\":\"a/b\""), 400, "invalid id"),
        (with("\"id\":\"u1\"", "\"id\":\"\""), 400, "invalid id"),
        (with("\"resourceType\":\"User\"", "\"resourceType\":\"Widget\""), 400, "unknown resource type \"Widget\""),
        (with("W/\\\"3\\\"", "W/\\\"18446744073709551615\\\""), 400, "meta.version must be"),
        (with("W/\\\"3\\\"", "3"), 400, "meta.version must be"),
        (with("2026-01-01T00:00:00Z\",\"version", "yesterday\",\"version"), 400, "meta.lastModified"),
        (with("\"version\"", "\"x\":1,\"version\""), 400, "unknown meta attribute \"x\""),
        (with("\"userName\":\"ann\"", "\"userName\":\"ann\",\"active\":\"maybe\""), 400, "active"),
        (with("\"userName\":\"ann\",", ""), 400, "userName"),
        (doc(&[user("u1", "ann"), user("u2", "ANN")]), 409, "resources[1]: userName \"ANN\" is already taken"),
        (doc(&[user("u1", "ann"), user("u1", "bob")]), 409, "resources[1]: User id u1 appears twice"),
        (doc(&[user("u1", "a"), user("u2", "b"), user("u3", "c")]), 403, "at most 2"),
    ];
    for (body, status, detail) in table {
        let e = import(body.as_bytes(), &policy(2)).expect_err(&body);
        assert_eq!(e.status, status, "{body}: {}", e.detail);
        assert!(e.detail.contains(detail), "{body}: {}", e.detail);
    }
}

#[test]
fn an_import_over_the_byte_limit_is_413_before_it_is_read() {
    let body = doc(&[user("u1", "ann")]);
    let mut small = policy(10);
    small.import_max_bytes = body.len() - 1;
    assert_eq!(import(body.as_bytes(), &small).unwrap_err().status, 413);
    small.import_max_bytes = body.len();
    assert!(import(body.as_bytes(), &small).is_ok());
}

#[test]
fn imported_versions_continue_without_repeating() {
    let body = doc(&[user("u1", "ann").replace("W/\\\"3\\\"", "W/\\\"9007199254740991\\\"")]);
    let (_, mut tenant) = import(body.as_bytes(), &policy(10)).unwrap();
    let out = create_user(&mut tenant, "bob");
    assert_eq!(out.response.header("ETag"), Some("W/\"9007199254740992\""));
}

#[test]
fn resource_ids_are_url_and_header_safe() {
    let long = "a".repeat(MAX_ID_LEN + 1);
    let table: &[(&str, bool)] = &[
        ("2819c223-7f76-453a-919d-413861904646", true),
        ("00u1ab2CD3eF", true),
        ("a:b@c", true),
        (&long[1..], true),
        (&long, false),
        ("", false),
        ("a b", false),
        ("a\r\nb", false),
        ("a/b", false),
        ("a?b", false),
        ("a#b", false),
        ("a%20b", false),
        ("é", false),
    ];
    for (id, ok) in table {
        assert_eq!(valid_resource_id(id), *ok, "{id:?}");
    }
}

#[test]
fn the_scan_finds_value_bounds_in_valid_json() {
    let table: &[(&str, usize)] = &[
        ("1", 1),
        ("-1.5e+3,", 7),
        ("\"a\\\"]\" ", 6),
        ("[1, [2, {\"]\": \"}\"}]] ,", 20),
        ("{} ", 2),
        ("[]", 2),
        ("true]", 4),
    ];
    for (text, end) in table {
        assert_eq!(scan::skip(text.as_bytes()), Ok(*end), "{text}");
    }
    for bad in ["", "[", "[}", "{]", "\"abc", "[1 2]", "]", "\"\\"] {
        assert!(scan::skip(bad.as_bytes()).is_err(), "{bad}");
    }
    let text = r#" { "a" : [1, 2] , "b\"c" : {"x": "}"} } "#;
    let members = scan::object_members(text.as_bytes()).unwrap();
    let got: Vec<(String, &str)> = members.into_iter().map(|(k, r)| (k, &text[r])).collect();
    assert_eq!(
        got,
        vec![
            ("a".to_string(), "[1, 2]"),
            ("b\"c".to_string(), r#"{"x": "}"}"#)
        ]
    );
}

#[test]
fn an_export_in_pieces_is_the_export_and_a_snapshot() {
    let mut tenant = seeded();
    let whole = export(&tenant);
    for chunk in [1, 100, 4096, usize::MAX] {
        let stream = ExportStream::new(&tenant, chunk);
        let pieces: Vec<Vec<u8>> = stream.collect();
        assert_eq!(pieces.concat(), whole, "chunk {chunk}");
        if chunk == 4096 {
            assert!(pieces.len() > 2, "{}", pieces.len());
            // Each piece holds about a chunk: at most one resource past it.
            assert!(
                pieces.iter().all(|p| p.len() < 4096 + 4096),
                "pieces too big"
            );
        }
    }
    // Writes after the snapshot do not show in it.
    let stream = ExportStream::new(&tenant, 512);
    let out = create_user(&mut tenant, "later");
    assert_eq!(out.response.status, 201);
    assert_eq!(stream.collect::<Vec<_>>().concat(), whole);
}
