//! OCI API-key request signatures (draft-cavage HTTP signatures, as the OCI SDKs send
//! them): `Authorization: Signature algorithm="rsa-sha256",headers="date (request-target)
//! host",keyId="<tenancy ocid>/<user ocid>/<fingerprint>",signature="<base64>",version="1"`.
//!
//! The signed string is the listed headers as `name: value` lines joined by `\n`, with
//! `(request-target): <method> <path?query>`. Writes also sign `content-length`,
//! `content-type` and `x-content-sha256` (base64 SHA-256 of the body), which must match
//! the body. The `date` must be within [`MAX_SKEW_MS`] of the host's time. The key is an
//! API key registered for the user ([`super::schemas`]: `/ApiKeys`), found by its
//! fingerprint: the MD5 of the key's DER `SubjectPublicKeyInfo`, as colon-separated hex.
//!
//! Verification is RSASSA-PKCS1-v1_5 with SHA-256 (RustCrypto's `rsa`): no random source.

use crate::encoding::{base64_decode, base64_encode};
use crate::error::{Result, ScimError};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use md5::Md5;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use sha2::{Digest, Sha256};

/// How far a signed `date` may be from the host's clock: five minutes, as OCI allows.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// The largest PEM key accepted (an RSA 8192-bit key is about 1.5 KB).
const MAX_KEY_BYTES: usize = 16 * 1024;

/// The headers every signature must cover, and those a write must cover too.
const REQUIRED: [&str; 3] = ["date", "(request-target)", "host"];
const REQUIRED_FOR_BODY: [&str; 3] = ["content-length", "content-type", "x-content-sha256"];

/// The parts of a `Signature` authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// `keyId`.
    pub key_id: String,
    /// `headers`, lower-cased, in order.
    pub headers: Vec<String>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

impl Parsed {
    /// `keyId` as `(tenancy, user, fingerprint)`.
    pub fn key_parts(&self) -> Option<(&str, &str, &str)> {
        let mut parts = self.key_id.splitn(3, '/');
        Some((parts.next()?, parts.next()?, parts.next()?))
    }
}

fn unauthorized(detail: impl Into<String>) -> ScimError {
    ScimError::new(401, None, detail)
}

/// Parses the value of an `Authorization: Signature ...` header (`None`: not a signature).
pub fn parse(authorization: &str) -> Option<Result<Parsed>> {
    let (scheme, rest) = authorization.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Signature") {
        return None;
    }
    Some(parse_params(rest))
}

fn parse_params(text: &str) -> Result<Parsed> {
    let (mut key_id, mut headers, mut signature, mut algorithm) = (None, None, None, None);
    for part in text.split(',') {
        let Some((name, value)) = part.trim().split_once('=') else {
            return Err(unauthorized("a malformed Signature authorization"));
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        match name.trim() {
            "keyId" => key_id = Some(value),
            "headers" => headers = Some(value),
            "signature" => signature = Some(value),
            "algorithm" => algorithm = Some(value),
            _ => {}
        }
    }
    if algorithm.is_some_and(|a| !a.eq_ignore_ascii_case("rsa-sha256")) {
        return Err(unauthorized(
            "only rsa-sha256 request signatures are accepted",
        ));
    }
    let (Some(key_id), Some(signature)) = (key_id, signature) else {
        return Err(unauthorized(
            "a Signature authorization needs keyId and signature",
        ));
    };
    let signature =
        base64_decode(signature).ok_or_else(|| unauthorized("the signature is not base64"))?;
    Ok(Parsed {
        key_id: key_id.into(),
        headers: headers
            .unwrap_or("date")
            .split_ascii_whitespace()
            .map(str::to_ascii_lowercase)
            .collect(),
        signature,
    })
}

/// What a signature is checked against: the request as received.
pub struct Signed<'a> {
    /// Lower-case method (`get`).
    pub method: &'a str,
    /// The path and query as sent (`/admin/v1/Users?count=5`).
    pub target: &'a str,
    /// A header's value by lower-case name (`host` included).
    pub header: &'a dyn Fn(&str) -> Option<String>,
    /// The body.
    pub body: &'a [u8],
    /// The host's time.
    pub now_ms: i64,
}

/// Checks a parsed signature against a request and a PEM public key. Every failure is a 401.
pub fn verify(parsed: &Parsed, req: &Signed<'_>, pem: &str) -> Result<()> {
    let writes = matches!(req.method, "post" | "put" | "patch");
    let required = REQUIRED
        .iter()
        .chain(REQUIRED_FOR_BODY.iter().filter(|_| writes));
    for name in required {
        let covered = parsed.headers.iter().any(|h| h == name)
            || (*name == "date" && parsed.headers.iter().any(|h| h == "x-date"));
        if !covered {
            return Err(unauthorized(format!("the signature must cover {name}")));
        }
    }
    let date = (req.header)("x-date")
        .or_else(|| (req.header)("date"))
        .and_then(|d| crate::time::parse_http_date(&d))
        .ok_or_else(|| unauthorized("a signed request needs a valid date header"))?;
    if (date - req.now_ms).abs() > MAX_SKEW_MS {
        return Err(unauthorized(
            "the signed date is more than five minutes from the server's clock",
        ));
    }
    if writes {
        let digest = base64_encode(&Sha256::digest(req.body));
        if (req.header)("x-content-sha256").as_deref() != Some(digest.as_str()) {
            return Err(unauthorized("x-content-sha256 does not match the body"));
        }
        let length = (req.header)("content-length").and_then(|l| l.trim().parse::<usize>().ok());
        if length != Some(req.body.len()) {
            return Err(unauthorized("content-length does not match the body"));
        }
    }
    let mut signing = String::new();
    for (i, name) in parsed.headers.iter().enumerate() {
        if i > 0 {
            signing.push('\n');
        }
        let value = if name == "(request-target)" {
            format!("{} {}", req.method, req.target)
        } else {
            (req.header)(name)
                .ok_or_else(|| unauthorized(format!("the signed header {name} is missing")))?
        };
        signing.push_str(name);
        signing.push_str(": ");
        signing.push_str(value.trim());
    }
    let key = public_key(pem).map_err(|_| unauthorized("the registered key cannot be read"))?;
    let signature = Signature::try_from(parsed.signature.as_slice())
        .map_err(|_| unauthorized("the signature is malformed"))?;
    VerifyingKey::<Sha256>::new(key)
        .verify(signing.as_bytes(), &signature)
        .map_err(|_| unauthorized("the request signature does not verify"))
}

/// The DER `SubjectPublicKeyInfo` inside a `PUBLIC KEY` PEM block.
fn der_of(pem: &str) -> Result<Vec<u8>> {
    let bad =
        || ScimError::invalid_value("key must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
    if pem.len() > MAX_KEY_BYTES {
        return Err(bad());
    }
    let body = pem
        .trim()
        .strip_prefix("-----BEGIN PUBLIC KEY-----")
        .and_then(|rest| rest.strip_suffix("-----END PUBLIC KEY-----"))
        .ok_or_else(bad)?;
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64_decode(&compact).ok_or_else(bad)
}

/// An RSA public key from its PEM.
fn public_key(pem: &str) -> Result<RsaPublicKey> {
    let der = der_of(pem)?;
    RsaPublicKey::from_public_key_der(&der)
        .map_err(|_| ScimError::invalid_value("key must be an RSA public key"))
}

/// The fingerprint OCI shows for a PEM public key: MD5 of its DER, colon-separated hex.
/// 400 for anything that is not an RSA public key.
pub fn fingerprint(pem: &str) -> Result<String> {
    public_key(pem)?;
    let digest = Md5::digest(der_of(pem)?);
    let mut out = String::with_capacity(47);
    for (i, byte) in digest.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push_str(&crate::encoding::hex(&[*byte]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
