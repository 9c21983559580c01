//! Whole requests: any method, path, query, headers and body against a tenant that already
//! holds a user and a group. The engine must answer every input with a well-formed response
//! (a SCIM Error body for 4xx/5xx), never panic, and a failed request must change nothing.
//! The method byte's high bit makes the tenant an identity domain (the `oci` persona), with
//! an app and an API key besides.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::env::SequentialIds;
use scimlet::persona::Identity;
use scimlet::settings::Persona;
use scimlet::{Env, Method, Request, Settings, Tenant};
use serde_json::Value;

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

const PUBLIC_KEY: &str = include_str!("../../tests/oci/keys/user1_public.pem");

fn seeded(oci: bool) -> (Tenant, SequentialIds) {
    let persona = if oci { Persona::Oci } else { Persona::Scim };
    let mut tenant = Tenant::new(Settings { bulk_max_operations: 20, persona, ..Settings::default() }).unwrap();
    tenant.set_identity(Some(Identity { server_id: "fuzz".into(), key: vec![7; 32] }));
    let mut ids = SequentialIds { prefix: "id".into(), last: 0 };
    let key = serde_json::json!({"key": PUBLIC_KEY, "user": {"value": "id1"}}).to_string();
    let domain = [
        ("/Apps", r#"{"displayName":"loader","clientType":"confidential"}"#),
        ("/ApiKeys", key.as_str()),
    ];
    let common = [
        ("/Users", r#"{"userName":"bjensen","name":{"givenName":"Barbara"},"emails":[{"value":"b@example.com","type":"work","primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7"}}"#),
        ("/Groups", r#"{"displayName":"Admins","members":[{"value":"id1"}]}"#),
    ];
    for (path, body) in common.into_iter().chain(domain.into_iter().filter(|_| oci)) {
        let mut env = Env { now_ms: 0, base_url: "http://x/v2", ids: &mut ids };
        let out = tenant.handle(&Request::new(Method::Post, path).with_body(body), &mut env);
        assert_eq!(out.response.status, 201);
    }
    (tenant, ids)
}

fuzz_target!(|data: &[u8]| {
    // Layout: 1 byte method, then "path\nquery\nif-match\nbody..." (lossy UTF-8 for the text parts).
    let Some((&m, rest)) = data.split_first() else { return };
    let mut parts = rest.splitn(4, |&b| b == b'\n');
    let mut text = || String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let (path, query, if_match) = (text(), text(), text());
    let body = parts.next().unwrap_or_default().to_vec();
    let method = Method::parse(METHODS[m as usize % METHODS.len()]);

    let (mut tenant, mut ids) = seeded(m & 0x80 != 0);
    let before = scimlet::admin::export(&tenant);
    let req = Request {
        method,
        path: if path.starts_with('/') { path } else { format!("/Users/{path}") },
        query,
        if_match: (!if_match.is_empty()).then_some(if_match),
        if_none_match: None,
        content_type: Some("application/scim+json".into()),
        body,
        caller: None,
    };
    let mut env = Env { now_ms: 1, base_url: "http://x/v2", ids: &mut ids };
    let out = tenant.handle(&req, &mut env);
    let status = out.response.status;
    assert!((200..600).contains(&status));
    if !out.response.body.is_empty() {
        let body: Value = serde_json::from_slice(&out.response.body).expect("responses are JSON");
        if status >= 400 {
            assert_eq!(body["status"], Value::String(status.to_string()));
        }
    }
    if status >= 400 {
        assert!(out.changes.is_empty());
        assert_eq!(scimlet::admin::export(&tenant), before, "a failed request changed the tenant");
    }
});
