use super::*;

/// RFC 4648 section 10.
const VECTORS: &[(&str, &str)] = &[
    ("", ""),
    ("f", "Zg=="),
    ("fo", "Zm8="),
    ("foo", "Zm9v"),
    ("foob", "Zm9vYg=="),
    ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"),
];

#[test]
fn base64_follows_rfc_4648_test_vectors() {
    for (bytes, text) in VECTORS {
        assert_eq!(base64_encode(bytes.as_bytes()), *text, "{bytes:?}");
        assert_eq!(
            base64_decode(text).as_deref(),
            Some(bytes.as_bytes()),
            "{text:?}"
        );
    }
    // Unpadded input decodes too; anything else is refused.
    assert_eq!(base64_decode("Zm9vYmE").as_deref(), Some(&b"fooba"[..]));
    for bad in ["!!!!", "Zm9v Yg==", "Q", "Zg=x"] {
        assert_eq!(base64_decode(bad), None, "{bad:?}");
    }
}

#[test]
fn base64_round_trips_every_byte() {
    let bytes: Vec<u8> = (0..=255).chain((0..=255).rev()).collect();
    for len in [0, 1, 2, 3, 4, 5, 255, 256, 511, 512] {
        let slice = &bytes[..len];
        assert_eq!(base64_decode(&base64_encode(slice)).as_deref(), Some(slice));
    }
}

#[test]
fn hex_is_two_lower_case_digits_a_byte() {
    assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    assert_eq!(hex(&[]), "");
}

#[test]
fn base64url_is_the_url_alphabet_without_padding() {
    // (bytes, base64url): the two characters that differ, and padding dropped.
    let table: [(&[u8], &str); 4] = [
        (&[0xfb, 0xff], "-_8"),
        (b"fooba", "Zm9vYmE"),
        (&[0x3e, 0x3f], "Pj8"),
        (b"", ""),
    ];
    for (bytes, text) in table {
        assert_eq!(base64url_encode(bytes), text, "{bytes:?}");
        assert_eq!(base64url_decode(text).as_deref(), Some(bytes), "{text}");
    }
    for bad in ["+_8", "-/8", "a b", "Q"] {
        assert_eq!(base64url_decode(bad), None, "{bad:?}");
    }
}

#[test]
fn hex_decodes_what_hex_writes() {
    let table: [(&str, Option<&[u8]>); 5] = [
        ("00abff", Some(&[0x00, 0xab, 0xff])),
        ("00ABFF", Some(&[0x00, 0xab, 0xff])),
        ("", Some(&[])),
        ("abc", None),
        ("zz", None),
    ];
    for (text, expected) in table {
        assert_eq!(hex_decode(text).as_deref(), expected, "{text}");
    }
}
