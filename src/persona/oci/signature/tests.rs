//! Signatures as the OCI SDK makes them, signed here with throwaway keys
//! (`tests/oci/keys`), and every way one can be wrong.

use super::*;
use alloc::vec;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;

const PRIVATE_1: &str = include_str!("../../../../tests/oci/keys/user1_private.pem");
const PUBLIC_1: &str = include_str!("../../../../tests/oci/keys/user1_public.pem");
const PUBLIC_2: &str = include_str!("../../../../tests/oci/keys/user2_public.pem");

const NOW: i64 = 1_796_408_640_000; // Fri, 04 Dec 2026 18:24:00 GMT
const DATE: &str = "Fri, 04 Dec 2026 18:24:00 GMT";

/// A request as the SDK sends it: headers, and the signature over `signed` of them.
struct Sent {
    method: &'static str,
    target: &'static str,
    headers: Vec<(&'static str, String)>,
    signed: Vec<&'static str>,
    body: Vec<u8>,
}

fn sent(method: &'static str, target: &'static str, body: &[u8]) -> Sent {
    let mut headers = vec![("date", DATE.into()), ("host", "127.0.0.1:8787".into())];
    let mut signed = vec!["date", "(request-target)", "host"];
    if method != "get" && method != "delete" {
        headers.push(("content-length", body.len().to_string()));
        headers.push(("content-type", "application/json".into()));
        headers.push(("x-content-sha256", base64_encode(&Sha256::digest(body))));
        signed.extend(["content-length", "content-type", "x-content-sha256"]);
    }
    Sent {
        method,
        target,
        headers,
        signed,
        body: body.to_vec(),
    }
}

use alloc::string::ToString;

/// The `Authorization` header the SDK would send for `s` (signing what `s` says).
fn authorization(s: &Sent) -> String {
    let lines: Vec<String> = s
        .signed
        .iter()
        .map(|h| match *h {
            "(request-target)" => format!("(request-target): {} {}", s.method, s.target),
            name => format!(
                "{name}: {}",
                s.headers
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map_or("", |(_, v)| v.as_str())
            ),
        })
        .collect();
    let key = RsaPrivateKey::from_pkcs8_pem(PRIVATE_1).unwrap();
    let signature = SigningKey::<Sha256>::new(key).sign(lines.join("\n").as_bytes());
    format!(
        "Signature algorithm=\"rsa-sha256\",headers=\"{}\",keyId=\"ocid1.tenancy.oc1..aaaa/ocid1.user.oc1..bbbb/fp\",signature=\"{}\",version=\"1\"",
        s.signed.join(" "),
        base64_encode(&signature.to_bytes())
    )
}

fn check(s: &Sent, auth: &str, pem: &str, now: i64) -> core::result::Result<(), String> {
    let parsed = parse(auth)
        .ok_or("not a signature")?
        .map_err(|e| e.detail)?;
    let header = |name: &str| {
        s.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    verify(
        &parsed,
        &Signed {
            method: s.method,
            target: s.target,
            header: &header,
            body: &s.body,
            now_ms: now,
        },
        pem,
    )
    .map_err(|e| {
        assert_eq!(e.status, 401, "{}", e.detail);
        e.detail
    })
}

#[test]
fn genuine_sdk_signatures_verify() {
    let table = [
        sent(
            "get",
            "/admin/v1/Users?count=5&filter=userName+eq+%22a%22",
            b"",
        ),
        sent("delete", "/admin/v1/ApiKeys/1", b""),
        sent("post", "/admin/v1/Users", br#"{"userName":"a"}"#),
        sent("put", "/admin/v1/AppStatusChanger/7", br#"{"active":true}"#),
    ];
    for s in &table {
        let auth = authorization(s);
        assert_eq!(check(s, &auth, PUBLIC_1, NOW), Ok(()), "{}", s.target);
        // Five minutes either way is still now.
        for skew in [-MAX_SKEW_MS, MAX_SKEW_MS] {
            assert_eq!(check(s, &auth, PUBLIC_1, NOW + skew), Ok(()), "{skew}");
        }
    }
}

#[test]
fn every_wrong_signature_is_401_naming_why() {
    type Tamper = fn(&mut Sent, &mut String, &mut &'static str, &mut i64);
    let post = || sent("post", "/admin/v1/Users", br#"{"userName":"a"}"#);
    let get = || sent("get", "/admin/v1/Users", b"");
    // (what is wrong, request, tampering after signing, part of the detail)
    #[rustfmt::skip]
    let table: Vec<(&str, Sent, Tamper, &str)> = vec![
        ("another key", post(), |_, _, pem, _| *pem = PUBLIC_2, "does not verify"),
        ("another path", post(), |s, _, _, _| s.target = "/admin/v1/Groups", "does not verify"),
        ("another method", get(), |s, _, _, _| s.method = "delete", "does not verify"),
        ("another body", post(), |s, _, _, _| s.body = b"{}".to_vec(), "x-content-sha256"),
        (
            "a body with its own digest",
            post(),
            |s, _, _, _| {
                s.body = b"{}".to_vec();
                let digest = base64_encode(&Sha256::digest(b"{}"));
                s.headers.retain(|(k, _)| *k != "x-content-sha256");
                s.headers.push(("x-content-sha256", digest));
            },
            "content-length",
        ),
        ("too old", post(), |_, _, _, now| *now += MAX_SKEW_MS + 1000, "five minutes"),
        ("from the future", post(), |_, _, _, now| *now -= MAX_SKEW_MS + 1000, "five minutes"),
        ("no date", post(), |s, _, _, _| s.headers.retain(|(k, _)| *k != "date"), "valid date"),
        (
            "a body not covered",
            post(),
            |_, auth, _, _| {
                *auth = auth.replace(" content-length content-type x-content-sha256", "")
            },
            "must cover content-length",
        ),
        ("host not covered", get(), |_, auth, _, _| *auth = auth.replace(" host", ""), "must cover host"),
        (
            "another algorithm",
            get(),
            |_, auth, _, _| *auth = auth.replace("rsa-sha256", "hmac-sha256"),
            "only rsa-sha256",
        ),
        (
            "a signature that is not base64",
            get(),
            |_, auth, _, _| *auth = auth.replace("signature=\"", "signature=\"!!"),
            "not base64",
        ),
        ("a truncated signature", get(), |_, auth, _, _| *auth = auth.replace("\",version", "AA==\",version"), ""),
        (
            "a key that is not one",
            get(),
            |_, _, pem, _| *pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "cannot be read",
        ),
    ];
    for (what, mut s, tamper, detail) in table {
        let mut auth = authorization(&s);
        let (mut pem, mut now) = (PUBLIC_1, NOW);
        tamper(&mut s, &mut auth, &mut pem, &mut now);
        let got = check(&s, &auth, pem, now);
        assert!(
            got.as_ref().is_err_and(|d| d.contains(detail)),
            "{what}: {got:?}"
        );
    }
}

#[test]
fn authorizations_are_parsed_or_refused() {
    assert!(parse("Bearer abc").is_none());
    assert!(parse("Basic abc").is_none());
    let table = [
        (
            "Signature keyId=\"a/b/c\",signature=\"AAAA\"",
            Ok(("a/b/c", vec!["date"])),
        ),
        (
            "signature headers=\"Date (Request-Target)\", keyId=\"t/u/f\", signature=\"AAAA\"",
            Ok(("t/u/f", vec!["date", "(request-target)"])),
        ),
        (
            "Signature keyId=\"a/b/c\"",
            Err("needs keyId and signature"),
        ),
        ("Signature nonsense", Err("malformed")),
    ];
    for (text, expected) in table {
        let got = parse(text).unwrap();
        match expected {
            Ok((key_id, headers)) => {
                let p = got.unwrap();
                assert_eq!(
                    (p.key_id.as_str(), p.headers),
                    (key_id, headers.iter().map(|h| String::from(*h)).collect())
                );
            }
            Err(detail) => assert!(got.unwrap_err().detail.contains(detail), "{text}"),
        }
    }
    let p = parse(
        "Signature keyId=\"ocid1.tenancy.oc1..x/ocid1.user.oc1..y/aa:bb\",signature=\"AA==\"",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        p.key_parts(),
        Some(("ocid1.tenancy.oc1..x", "ocid1.user.oc1..y", "aa:bb"))
    );
}

#[test]
fn fingerprints_are_what_oci_and_openssl_show() {
    // `openssl rsa -pubin -outform DER | openssl md5 -c` of each key.
    let table = [
        (
            PUBLIC_1,
            Ok("ff:35:c2:58:55:90:06:fb:40:7b:c6:6c:5e:8b:0d:a5"),
        ),
        (
            PUBLIC_2,
            Ok("59:b7:1d:e4:18:1b:bd:26:bf:51:36:04:f5:fa:62:ef"),
        ),
        ("not a key", Err(400)),
        (PRIVATE_1, Err(400)),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            Err(400),
        ),
    ];
    for (pem, expected) in table {
        let got = fingerprint(pem).map_err(|e| e.status);
        assert_eq!(got.as_deref().map_err(|s| *s), expected, "{pem:.30}");
    }
    let huge = "A".repeat(MAX_KEY_BYTES + 1);
    assert_eq!(fingerprint(&huge).map_err(|e| e.status), Err(400));
}
