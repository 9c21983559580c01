//! Write-only values at rest: a `writeOnly` string attribute (User `password`, or any the
//! schema marks so) is stored as a salted SHA-256 digest, `{SSHA256}` plus
//! base64(digest ‖ salt), the LDAP form identity domains accept for pre-hashed passwords.
//!
//! Nothing ever returns a write-only value, and scimlet authenticates no one with it, so
//! only its digest is kept: an export (or a leaked storage file) holds no password in
//! clear. A value that is already a digest in a known scheme (`{SSHA256}...`,
//! `{PBKDF2-HMAC-SHA256}...`, as an import or a pre-hashed password carries) is kept as
//! given. The salt is derived from the resource's id and version, so it differs for every
//! write without the core reading a random source.
//!
//! Clear passwords in a CSV import are stored as identity domains store them,
//! `{PBKDF2-HMAC-SHA256}` ([`pbkdf2_sha256`]), before the engine's create sees them, so
//! they are sealed once, not twice.

use crate::encoding::base64_encode;
use crate::schema::{Mutability, ResourceSchema};
use crate::value::{Text, Value};
use alloc::string::String;
use sha2::{Digest, Sha256};

/// Digest schemes a stored write-only value may already be in.
const SCHEMES: &[&str] = &[
    "SSHA",
    "SSHA256",
    "SSHA384",
    "SSHA512",
    "PBKDF2-HMAC-SHA1",
    "PBKDF2-HMAC-SHA256",
    "PBKDF2-HMAC-SHA384",
    "PBKDF2-HMAC-SHA512",
];

/// Whether a value is already a digest in one of [`SCHEMES`].
pub fn is_digest(value: &str) -> bool {
    value
        .strip_prefix('{')
        .and_then(|rest| rest.split_once('}'))
        .is_some_and(|(scheme, body)| SCHEMES.contains(&scheme) && !body.is_empty())
}

/// `{SSHA256}` digest of `secret` with `salt`.
pub fn ssha256(secret: &str, salt: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret.as_bytes());
    hasher.update(salt);
    let mut both = hasher.finalize().to_vec();
    both.extend_from_slice(salt);
    let mut out = String::from("{SSHA256}");
    out.push_str(&base64_encode(&both));
    out
}

/// PBKDF2 iterations for the clear passwords of a CSV import. Deliberately few: scimlet
/// authenticates no one with them (the digest only keeps a clear password out of storage
/// and exports), and an import of 100,000 users, each with a password, must still run at
/// 20,000 rows a second; each iteration is two SHA-256 blocks, in software in a Worker.
/// Real directories use thousands; a digest from one is kept as given.
pub const PBKDF2_ITERATIONS: u32 = 64;

/// The most iterations [`verify`] computes: a stored value names its own count, and checking
/// it must stay bounded whatever it says.
const MAX_VERIFY_ITERATIONS: u32 = 1_000_000;

/// `{PBKDF2-HMAC-SHA256}<iterations>:<base64(derived key ‖ salt)>`, a 32-byte key: the
/// form of Oracle Unified Directory and OpenDJ, whose scheme name identity domains use for
/// imported and hashed passwords (the LDAP convention of `{SSHA256}`, digest then salt).
pub fn pbkdf2_sha256(secret: &str, salt: &[u8], iterations: u32) -> String {
    let mut both = alloc::vec![0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(secret.as_bytes(), salt, iterations.max(1), &mut both);
    both.extend_from_slice(salt);
    let mut out = String::from("{PBKDF2-HMAC-SHA256}");
    out.push_str(itoa(iterations.max(1)).as_str());
    out.push(':');
    out.push_str(&base64_encode(&both));
    out
}

fn itoa(n: u32) -> Text {
    use compact_str::ToCompactString;
    n.to_compact_string()
}

/// Whether `clear` is the secret behind a stored `{SSHA256}` digest (as [`seal`] makes) or
/// a `{PBKDF2-HMAC-SHA256}` one (as [`pbkdf2_sha256`] makes, of at most a million
/// iterations).
pub fn verify(stored: &str, clear: &str) -> bool {
    if let Some(rest) = stored.strip_prefix("{PBKDF2-HMAC-SHA256}") {
        let Some((count, body)) = rest.split_once(':') else {
            return false;
        };
        let Some(iterations) = count
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_VERIFY_ITERATIONS).contains(n))
        else {
            return false;
        };
        let Some(both) = crate::encoding::base64_decode(body) else {
            return false;
        };
        let Some((_, salt)) = both.split_at_checked(32) else {
            return false;
        };
        return pbkdf2_sha256(clear, salt, iterations) == stored;
    }
    let Some(both) = stored
        .strip_prefix("{SSHA256}")
        .and_then(crate::encoding::base64_decode)
    else {
        return false;
    };
    let Some((digest, salt)) = both.split_at_checked(32) else {
        return false;
    };
    ssha256(clear, salt) == stored && digest.len() == 32
}

/// Replaces every write-only string value of a stored form (top-level attributes of the
/// core schema and of its extensions) that is not a digest yet by its digest. `id` and
/// `version` are the write's, for the salt.
pub(crate) fn seal(rs: &ResourceSchema, resource: &mut Value, id: &str, version: &str) {
    let core = rs
        .core
        .attributes
        .iter()
        .filter(|a| a.mutability == Mutability::WriteOnly && !a.multi_valued)
        .map(|a| (None, a.name.as_str()));
    let extensions = rs.extensions.iter().flat_map(|e| {
        e.schema
            .attributes
            .iter()
            .filter(|a| a.mutability == Mutability::WriteOnly && !a.multi_valued)
            .map(move |a| (Some(e.schema.id.as_str()), a.name.as_str()))
    });
    for (urn, name) in core.chain(extensions) {
        let holder = match urn {
            None => Some(&mut *resource),
            Some(urn) => resource.get_mut(urn),
        };
        let Some(slot) = holder.and_then(|h| h.get_mut(name)) else {
            continue;
        };
        let Some(clear) = slot.as_str().filter(|v| !is_digest(v)) else {
            continue;
        };
        let salt = Sha256::new()
            .chain_update(b"scimlet salt\0")
            .chain_update(id.as_bytes())
            .chain_update(b"\0")
            .chain_update(version.as_bytes())
            .chain_update(b"\0")
            .chain_update(name.as_bytes())
            .finalize();
        let sealed = ssha256(clear, salt.get(..8).unwrap_or_default());
        *slot = Value::String(Text::from(sealed));
    }
}

#[cfg(test)]
mod tests;
