//! Identifiers of an identity domain: OCIDs and OAuth client ids.
//!
//! The credentials a client presents at the origin's root must say which server they are
//! for, without a lookup: the tenancy OCID and an app's client id carry the server id,
//! encoded in lower-case base32 (RFC 4648 alphabet, no padding), so they look like the
//! real ones (`ocid1.tenancy.oc1..aaaaaaaa...`, a run of lower-case letters and digits).
//! Resource OCIDs are derived from the server and the resource id, so they are stable
//! across exports and need no storage of their own.

use crate::admin::valid_server_id;
use alloc::string::String;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// What every OCID suffix starts with, as real ones do.
const OCID_PAD: &str = "aaaaaaaa";

/// Separates the encoded server id from the rest of a client id: `9` is not a base32
/// digit, so the first one ends the server part.
const CLIENT_ID_SEPARATOR: char = '9';

/// Lower-case base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    push_base32(&mut out, bytes);
    out
}

/// Appends lower-case base32 (no padding) to `out`.
fn push_base32(out: &mut String, bytes: &[u8]) {
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((acc >> bits) & 31) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(BASE32[((acc << (5 - bits)) & 31) as usize]));
    }
}

/// Decodes [`base32`]; `None` for any other character or leftover bits that are not zero.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = BASE32.iter().position(|&d| d == c)? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    (acc == 0).then_some(out)
}

/// The tenancy OCID of a server: `ocid1.tenancy.oc1..aaaaaaaa<base32 of its id>`.
pub fn tenancy(server_id: &str) -> String {
    let mut out = String::from("ocid1.tenancy.oc1..");
    out.push_str(OCID_PAD);
    out.push_str(&base32(server_id.as_bytes()));
    out
}

/// The server a tenancy OCID names, if it is one of [`tenancy`]'s.
pub fn server_of_tenancy(ocid: &str) -> Option<String> {
    let encoded = ocid
        .strip_prefix("ocid1.tenancy.oc1..")?
        .strip_prefix(OCID_PAD)?;
    decode_server(encoded)
}

fn decode_server(encoded: &str) -> Option<String> {
    let id = String::from_utf8(base32_decode(encoded)?).ok()?;
    valid_server_id(&id).then_some(id)
}

/// The OCID kind of a resource type (`ocid1.<kind>.oc1..`).
fn ocid_kind(resource_type: &str) -> &'static str {
    match resource_type {
        "User" => "user",
        "Group" => "group",
        "App" => "domainapp",
        "AppRole" => "approle",
        "Grant" => "grant",
        "ApiKey" => "apikey",
        _ => "credential",
    }
}

/// The OCID of one resource of a server: derived from both, so it is the same wherever
/// and whenever it is computed.
pub fn resource_ocid(server_id: &str, resource_type: &str, id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(server_id.as_bytes())
        .chain_update(b"/")
        .chain_update(resource_type.as_bytes())
        .chain_update(b"/")
        .chain_update(id.as_bytes())
        .finalize();
    // One allocation: this runs for every resource an identity domain writes.
    let kind = ocid_kind(resource_type);
    let mut out = String::with_capacity(14 + kind.len() + OCID_PAD.len() + 32);
    for part in ["ocid1.", kind, ".oc1..", OCID_PAD] {
        out.push_str(part);
    }
    push_base32(&mut out, digest.get(..20).unwrap_or_default());
    out
}

/// An app's OAuth client id (its `name`): the server id in base32, `9`, then 24 hex digits
/// derived from the app's id.
pub fn client_id(server_id: &str, app_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"client id\0")
        .chain_update(app_id.as_bytes())
        .finalize();
    let mut out = base32(server_id.as_bytes());
    out.push(CLIENT_ID_SEPARATOR);
    out.push_str(&crate::encoding::hex(digest.get(..12).unwrap_or_default()));
    out
}

/// The server a client id names, if it is one of [`client_id`]'s.
pub fn server_of_client_id(client_id: &str) -> Option<String> {
    let (encoded, rest) = client_id.split_once(CLIENT_ID_SEPARATOR)?;
    if rest.len() != 24 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    decode_server(encoded)
}

#[cfg(test)]
mod tests;
