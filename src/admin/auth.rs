//! Credentials: which server ids are valid, how tokens are stored (SHA-256 digests, never
//! in clear) and compared (in constant time), how a token is read from an `Authorization`
//! header (Bearer, or HTTP Basic with the token as password), and the SCIM 401 answer.
//!
//! Hosts generate tokens from their own CSPRNG; [`token_from_random_bytes`] only formats them.

use crate::encoding::{base64_decode, hex};
use crate::error::ScimError;
use crate::http::{Response, SCIM_JSON};
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec;
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
mod tests;
