use super::*;
use crate::encoding::base64_decode;
use crate::json;
use crate::schema::builtin;
use alloc::format;
use alloc::string::ToString;

fn user_schema() -> ResourceSchema {
    builtin::resource_types()
        .into_iter()
        .find(|rs| rs.name == "User")
        .unwrap()
}

#[test]
fn ssha256_is_the_digest_of_secret_then_salt_followed_by_the_salt() {
    let sealed = ssha256("secret", b"saltsalt");
    let body = base64_decode(sealed.strip_prefix("{SSHA256}").unwrap()).unwrap();
    assert_eq!(body.len(), 32 + 8);
    assert_eq!(&body[32..], b"saltsalt");
    let expected = Sha256::digest(b"secretsaltsalt");
    assert_eq!(&body[..32], expected.as_slice());
    assert!(verify(&sealed, "secret"));
    for (stored, clear) in [
        (&*sealed, "Secret"),
        (&*sealed, ""),
        ("{SSHA256}", "secret"),
        ("secret", "secret"),
    ] {
        assert!(!verify(stored, clear), "{stored} {clear}");
    }
}

#[test]
fn known_digest_schemes_are_recognised_and_nothing_else() {
    let table = [
        ("{SSHA256}abc=", true),
        ("{SSHA}abc", true),
        ("{PBKDF2-HMAC-SHA256}1000$salt$hash", true),
        ("{SSHA512}", false),
        ("{MD5}abc", false),
        ("SSHA256}abc", false),
        ("{ssha256}abc", false),
        ("plain password", false),
        ("", false),
    ];
    for (value, digest) in table {
        assert_eq!(is_digest(value), digest, "{value:?}");
    }
}

#[test]
fn write_only_values_are_sealed_once_and_nothing_else_changes() {
    let rs = user_schema();
    let mut user = json!({"userName": "ann", "password": "Pa55word!", "title": "Pa55word!"});
    seal(&rs, &mut user, "id-1", "W/\"1\"");
    let sealed = user["password"].as_str().unwrap().to_string();
    assert!(sealed.starts_with("{SSHA256}"), "{sealed}");
    assert_eq!(user["title"], "Pa55word!");
    // Sealing again (a later write keeping the password) leaves the digest alone.
    seal(&rs, &mut user, "id-1", "W/\"2\"");
    assert_eq!(user["password"], sealed.as_str());
    // The same password at another write gets another salt.
    let mut other = json!({"userName": "bob", "password": "Pa55word!"});
    seal(&rs, &mut other, "id-2", "W/\"1\"");
    assert_ne!(other["password"], sealed.as_str());
    // A pre-hashed value is kept as given.
    let mut given =
        json!({"userName": "cy", "password": "{PBKDF2-HMAC-SHA256}10000$c2FsdA==$aGFzaA=="});
    seal(&rs, &mut given, "id-3", "W/\"1\"");
    assert_eq!(
        given["password"],
        "{PBKDF2-HMAC-SHA256}10000$c2FsdA==$aGFzaA=="
    );
}

/// The published PBKDF2-HMAC-SHA256 vectors (RFC 7914 section 11 / RFC 6070 style), in
/// the stored form OpenDJ's own test pins for "password" and "salt" at 4096 iterations.
#[test]
fn pbkdf2_sha256_matches_the_published_vectors_in_the_opendj_form() {
    let table = [
        (
            "password",
            &b"salt"[..],
            4096,
            "{PBKDF2-HMAC-SHA256}4096:xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0pzYWx0",
        ),
        (
            "password",
            &b"salt"[..],
            1,
            "{PBKDF2-HMAC-SHA256}1:Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4XtzYWx0",
        ),
    ];
    for (clear, salt, iterations, stored) in table {
        assert_eq!(pbkdf2_sha256(clear, salt, iterations), stored);
        assert!(is_digest(stored), "{stored}");
        assert!(verify(stored, clear), "{stored}");
        assert!(!verify(stored, "Password"), "{stored}");
    }
}

#[test]
fn verify_refuses_malformed_and_unbounded_pbkdf2_values() {
    let good = pbkdf2_sha256("pw", b"0123456789abcdef", 3);
    assert!(verify(&good, "pw"));
    let body = good.split_once(':').unwrap().1;
    for stored in [
        "{PBKDF2-HMAC-SHA256}".to_string(),
        "{PBKDF2-HMAC-SHA256}3".to_string(),
        format!("{{PBKDF2-HMAC-SHA256}}0:{body}"),
        format!("{{PBKDF2-HMAC-SHA256}}4000000000:{body}"),
        format!("{{PBKDF2-HMAC-SHA256}}x:{body}"),
        "{PBKDF2-HMAC-SHA256}3:!!".to_string(),
        "{PBKDF2-HMAC-SHA256}3:c2FsdA==".to_string(),
        format!("{{PBKDF2-HMAC-SHA512}}3:{body}"),
    ] {
        assert!(!verify(&stored, "pw"), "{stored}");
    }
}
