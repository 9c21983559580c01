//! The server's secret key at work: HMAC-SHA-256 over length-prefixed parts, for access
//! tokens and for the secrets the domain generates (a client secret, an auth token).
//!
//! Generated secrets are derived from the key and the resource they belong to, never from
//! the id source (which is fast, not secret): unpredictable without the key, and the same
//! each time they are derived, so a creation answer can show a secret that is stored only
//! as a digest.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA-256 of `parts` under `key`; each part is preceded by its length, so no two
/// different lists of parts give the same input.
pub fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length, so this cannot fail; an empty MAC would only follow
    // a broken `hmac` crate.
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
        return [0; 32];
    };
    for part in parts {
        m.update(&(part.len() as u64).to_be_bytes());
        m.update(part);
    }
    m.finalize().into_bytes().into()
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, parts): another key, or the same bytes split otherwise, gives another MAC.
    #[test]
    fn macs_differ_by_key_and_by_how_parts_split() {
        let base = mac(b"key", &[b"ab", b"c"]);
        let table: [(&[u8], &[&[u8]]); 4] = [
            (b"key", &[b"a", b"bc"]),
            (b"key", &[b"abc"]),
            (b"kez", &[b"ab", b"c"]),
            (b"", &[b"ab", b"c"]),
        ];
        for (key, parts) in table {
            assert_ne!(mac(key, parts), base, "{parts:?}");
        }
        assert_eq!(mac(b"key", &[b"ab", b"c"]), base);
        assert!(equal(&base, &mac(b"key", &[b"ab", b"c"])));
        assert!(!equal(&base, &base[..31]));
    }
}
