use super::*;

#[test]
fn server_ids_are_1_to_64_url_safe_characters() {
    let long_ok = "a".repeat(64);
    let too_long = "a".repeat(65);
    let table: &[(&str, bool)] = &[
        ("demo", true),
        ("A-z_09", true),
        ("-", true),
        (&long_ok, true),
        ("", false),
        (&too_long, false),
        ("a.b", false),
        ("a/b", false),
        ("a b", false),
        ("a%20b", false),
        ("é", false),
        ("..", false),
    ];
    for (id, expected) in table {
        assert_eq!(valid_server_id(id), *expected, "{id:?}");
    }
}

#[test]
fn token_digest_is_sha256_hex_of_the_fips_180_examples() {
    let table = [
        (
            "",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            "abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
    ];
    for (token, digest) in table {
        assert_eq!(token_digest(token), digest);
    }
}

#[test]
fn digests_compare_equal_only_when_identical() {
    let table = [
        ("abc", "abc", true),
        ("abc", "abd", false),
        ("abc", "ab", false),
        ("", "", true),
    ];
    for (a, b, expected) in table {
        assert_eq!(digests_equal(a, b), expected, "{a:?} {b:?}");
    }
}

#[test]
fn authorization_header_yields_bearer_or_basic_password() {
    // base64("okta:s3cret") = b2t0YTpzM2NyZXQ=, base64("tok:") = dG9rOg==,
    // base64("user:pa:ss") = dXNlcjpwYTpzcw==, base64("nocolon") = bm9jb2xvbg==
    let table: &[(&str, Option<&str>)] = &[
        ("Bearer abc123", Some("abc123")),
        ("bearer   abc123  ", Some("abc123")),
        ("BEARER abc", Some("abc")),
        ("Bearer", None),
        ("Bearer ", None),
        ("Basic b2t0YTpzM2NyZXQ=", Some("s3cret")),
        ("basic b2t0YTpzM2NyZXQ", Some("s3cret")),
        ("Basic dG9rOg==", Some("tok")),
        ("Basic dXNlcjpwYTpzcw==", Some("pa:ss")),
        ("Basic bm9jb2xvbg==", None),
        ("Basic !!!!", None),
        ("Basic Og==", None),
        ("Basic /w==", None),
        ("Basic Q", None),
        ("Token abc", None),
        ("abc", None),
        ("", None),
    ];
    for (header, expected) in table {
        assert_eq!(
            token_from_authorization(header).as_deref(),
            *expected,
            "{header:?}"
        );
    }
}

#[test]
fn unauthorized_is_a_scim_error_with_a_bearer_challenge() {
    let response = unauthorized("missing token");
    assert_eq!(response.status, 401);
    assert_eq!(
        response.header("www-authenticate"),
        Some("Bearer realm=\"scimlet\"")
    );
    assert_eq!(response.header("content-type"), Some(SCIM_JSON));
    let body = crate::value::from_slice(&response.body).unwrap();
    assert_eq!(
        body,
        crate::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": "401",
            "detail": "missing token",
        })
    );
}

#[test]
fn token_from_random_bytes_is_lower_hex() {
    assert_eq!(token_from_random_bytes(&[0x00, 0xab, 0xff]), "00abff");
    assert_eq!(token_from_random_bytes(&[7; 32]).len(), 64);
}
