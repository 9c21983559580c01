//! Credentials presented at an identity domain's root (the `oci` persona): any
//! `Authorization` header and token-request form, as the edge reads them (`locate`,
//! `preflight`) and as the server's owner checks them (`authenticate`, `token`), with any
//! signed headers. Nothing panics; every refusal is a 401 (or an OAuth error at the token
//! endpoint); nothing unsigned gets in, and a check never changes the server.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::admin::{self, CreateOrder, Fresh, Policy};
use scimlet::env::SequentialIds;
use scimlet::persona::oci::{self, DomainRequest};
use scimlet::{Env, Method};

const NOW: i64 = 1_796_408_640_000;

fuzz_target!(|data: &[u8]| {
    // Layout: "authorization\nform\nheader: value\n..." (lossy UTF-8).
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let authorization = lines.next().unwrap_or("").to_string();
    let form = lines.next().unwrap_or("").as_bytes().to_vec();
    let mut headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    headers.push(("authorization".into(), authorization.clone()));

    let policy = Policy { max_resources: 100, ttl_cap_seconds: None, import_max_bytes: 1 << 16, admin_token_digest: None };
    let fresh = Fresh { id: "x".into(), token: "fuzz-token-0123456789".into(), key: "0a".repeat(32) };
    let order = CreateOrder::parse(br#"{"id":"dom","settings":{"persona":"oci"}}"#, fresh, &policy, NOW).unwrap();
    let mut ids = SequentialIds::default();
    let mut env = Env { now_ms: NOW, base_url: "http://x/admin/v1", ids: &mut ids };
    let server = admin::create(order, None, usize::MAX, &mut env).unwrap().server;
    let before = admin::export(&server.tenant);

    if let Err(e) = oci::locate(Some(&authorization), &form) {
        assert_eq!(e.status, 401);
    }
    if let Err(e) = oci::preflight(Some(&authorization), &form, Some(&server.record.public()), NOW) {
        assert_eq!(e.status, 401);
    }
    let token = oci::token(&server, Some(&authorization), &form, NOW);
    assert!(matches!(token.status, 200 | 400 | 401), "{}", token.status);
    let req = DomainRequest {
        method: Method::Post,
        rest: "/Users",
        target: "/admin/v1/Users",
        query: "",
        headers: &headers,
        body: form.clone(),
    };
    match oci::authenticate(&server, &req, NOW) {
        // Only the server's token or a genuine credential gets in; the fuzzer cannot forge
        // a MAC or a signature, so only the server token can.
        Ok(_) => assert!(authorization.contains("fuzz-token-0123456789")
            || String::from_utf8_lossy(&base64_of(&authorization)).contains("fuzz-token-0123456789")),
        Err(e) => assert_eq!(e.status, 401),
    }
    assert_eq!(admin::export(&server.tenant), before);
});

/// The bytes of `Basic <base64>`, for the check above (nothing if it is not base64).
fn base64_of(authorization: &str) -> Vec<u8> {
    use base64::engine::{general_purpose::GeneralPurposeConfig, DecodePaddingMode, GeneralPurpose};
    use base64::{alphabet, Engine as _};
    // As lenient as any server may be: padding optional, trailing bits ignored.
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let b64 = authorization.split_once(' ').map_or("", |(_, b)| b.trim());
    GeneralPurpose::new(&alphabet::STANDARD, config).decode(b64).unwrap_or_default()
}
