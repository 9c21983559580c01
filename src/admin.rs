//! Host-agnostic server administration, shared by the Worker and the browser hosts.
//!
//! A *server* is one tenant behind `/scim-identifier/{server_id}/scim/v2`. This module holds
//! the rules every host applies the same way: which server ids are valid, how bearer tokens
//! are stored (SHA-256 digests, never in clear) and compared (in constant time), how a token
//! is read from an `Authorization` header (Bearer, or HTTP Basic with the token as password),
//! the registry record kept per server, and the SCIM 401 answer.
//!
//! Architecture invariant: no I/O, no clock, no randomness. Hosts pass the time in and
//! generate tokens from their own CSPRNG ([`token_from_random_bytes`] only formats them).

use crate::error::ScimError;
use crate::http::{Response, SCIM_JSON};
use crate::settings::Settings;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The longest server id accepted.
pub const MAX_SERVER_ID_LEN: usize = 64;

/// The realm named in `WWW-Authenticate` challenges.
pub const REALM: &str = "scimlet";

/// Whether `id` is a valid server id: 1 to 64 characters of `[A-Za-z0-9_-]`.
///
/// The rule keeps ids safe in URLs, storage keys and file names without any escaping.
pub fn valid_server_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_SERVER_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The SHA-256 digest of a token, as 64 lower-case hex digits: the only form a token is
/// ever stored in.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two digests in time that depends only on their lengths, so a caller cannot
/// learn a stored digest byte by byte from response times.
pub fn digests_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Formats random bytes from a host's CSPRNG as a token (lower-case hex; 32 bytes give 64
/// characters, 256 bits of entropy).
pub fn token_from_random_bytes(random: &[u8]) -> String {
    hex(random)
}

/// The token carried by an `Authorization` header value.
///
/// - `Bearer <token>`: the token.
/// - `Basic base64(user:password)`: the password (Okta's "Basic Auth" option puts the token
///   there); when the password is empty, the user part (`curl -u TOKEN:`).
///
/// Scheme names are case-insensitive. Anything else (another scheme, bad base64, non-UTF-8,
/// an empty token) gives `None`, which hosts answer with [`unauthorized`].
pub fn token_from_authorization(header: &str) -> Option<Cow<'_, str>> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ')?;
    let credentials = rest.trim();
    if scheme.eq_ignore_ascii_case("Bearer") {
        return (!credentials.is_empty()).then_some(Cow::Borrowed(credentials));
    }
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(credentials)?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    let token = if password.is_empty() { user } else { password };
    (!token.is_empty()).then(|| Cow::Owned(token.into()))
}

/// Decodes standard base64 (RFC 4648 section 4), padded or not. `None` on any other byte.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for byte in text.bytes() {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone trailing sextet cannot encode a byte: the input was truncated.
    (bits < 6).then_some(out)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// What the registry keeps about one server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerRecord {
    /// The server id.
    pub id: String,
    /// SHA-256 digests ([`token_digest`]) of the tokens that open this server.
    pub token_digests: Vec<String>,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When the server expires, milliseconds since the Unix epoch (`None`: never).
    pub expires_ms: Option<i64>,
    /// The tenant's settings.
    pub settings: Settings,
}

impl ServerRecord {
    /// A record for a new server opened by `token`, created at `now_ms`, expiring after
    /// `settings.ttl_seconds` if set.
    pub fn new(id: &str, token: &str, now_ms: i64, settings: Settings) -> ServerRecord {
        let expires_ms = expiry(now_ms, settings.ttl_seconds);
        ServerRecord {
            id: id.into(),
            token_digests: vec![token_digest(token)],
            created_ms: now_ms,
            expires_ms,
            settings,
        }
    }

    /// Whether `token` opens this server. Every stored digest is compared, in constant time.
    pub fn accepts(&self, token: &str) -> bool {
        let presented = token_digest(token);
        self.token_digests
            .iter()
            .fold(false, |ok, d| digests_equal(d, &presented) | ok)
    }

    /// Whether the server has expired at `now_ms`.
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expires_ms.is_some_and(|t| now_ms >= t)
    }

    /// Replaces the settings; a changed TTL counts from the creation time.
    pub fn set_settings(&mut self, settings: Settings) {
        self.expires_ms = expiry(self.created_ms, settings.ttl_seconds);
        self.settings = settings;
    }
}

/// `start_ms + ttl_seconds`, saturating instead of overflowing on absurd TTLs.
fn expiry(start_ms: i64, ttl_seconds: Option<u64>) -> Option<i64> {
    ttl_seconds.map(|s| {
        let ms = i64::try_from(s).unwrap_or(i64::MAX).saturating_mul(1000);
        start_ms.saturating_add(ms)
    })
}

/// The SCIM 401 answer: a SCIM Error body and `WWW-Authenticate: Bearer realm="scimlet"`.
pub fn unauthorized(detail: &str) -> Response {
    let body = ScimError::new(401, None, detail).to_json();
    Response {
        status: 401,
        headers: vec![
            ("Content-Type".into(), SCIM_JSON.into()),
            (
                "WWW-Authenticate".into(),
                alloc::format!("Bearer realm=\"{REALM}\""),
            ),
        ],
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
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
    fn base64_decodes_rfc_4648_test_vectors() {
        let table: &[(&str, &[u8])] = &[
            ("", b""),
            ("Zg==", b"f"),
            ("Zm8=", b"fo"),
            ("Zm9v", b"foo"),
            ("Zm9vYg==", b"foob"),
            ("Zm9vYmE=", b"fooba"),
            ("Zm9vYmFy", b"foobar"),
            ("Zm9vYmE", b"fooba"),
        ];
        for (text, bytes) in table {
            assert_eq!(base64_decode(text).as_deref(), Some(*bytes), "{text:?}");
        }
    }

    #[test]
    fn record_accepts_only_its_own_tokens_and_expires_after_ttl() {
        let settings = Settings {
            ttl_seconds: Some(60),
            ..Settings::default()
        };
        let record = ServerRecord::new("demo", "right-token", 1_000, settings);
        let table = [
            ("right-token", true),
            ("wrong-token", false),
            ("", false),
            ("right-token ", false),
        ];
        for (token, expected) in table {
            assert_eq!(record.accepts(token), expected, "{token:?}");
        }
        assert_eq!(record.expires_ms, Some(61_000));
        for (now, expired) in [(60_999, false), (61_000, true), (i64::MAX, true)] {
            assert_eq!(record.is_expired(now), expired, "{now}");
        }
    }

    #[test]
    fn huge_ttl_saturates_instead_of_overflowing() {
        let mut record = ServerRecord::new("x", "t", 5, Settings::default());
        assert_eq!(record.expires_ms, None);
        record.set_settings(Settings {
            ttl_seconds: Some(u64::MAX),
            ..Settings::default()
        });
        assert_eq!(record.expires_ms, Some(i64::MAX));
        assert!(!record.is_expired(i64::MAX - 1));
    }

    #[test]
    fn record_round_trips_through_json_in_camel_case() {
        let record = ServerRecord::new("demo", "t", 7, Settings::default());
        let json = crate::value::to_value(&record).unwrap();
        assert_eq!(json["createdMs"], 7);
        assert_eq!(json["tokenDigests"][0], token_digest("t"));
        let back: ServerRecord = crate::value::from_value(json).unwrap();
        assert_eq!(back, record);
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
}
