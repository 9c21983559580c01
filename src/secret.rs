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

/// Whether `clear` is the secret behind a stored `{SSHA256}` digest (as [`seal`] makes).
pub fn verify(stored: &str, clear: &str) -> bool {
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
