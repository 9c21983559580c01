use super::*;
use crate::encoding::base64_decode;
use crate::json;
use crate::schema::builtin;
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
