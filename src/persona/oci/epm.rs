//! The EPM Cloud credential of an identity domain: EPM users sign in with HTTP Basic as
//! `<domain>.<user>`. Here the domain is the server id and the user `epm_admin`; the
//! password is derived from the server's key (`keyed.rs`), so it is part of the record
//! without a field of its own, is shown in the creation answer (`"epm"`), and is checked
//! in constant time.

use super::keyed;
use crate::admin::{valid_server_id, ServerRecord};
use crate::encoding::base64_decode;
use crate::error::{Result, ScimError};
use alloc::format;
use alloc::string::String;

/// The EPM user every domain has.
pub const USER: &str = "epm_admin";

/// `(user, password)`: what an EPM client signs in with.
pub fn credential(record: &ServerRecord) -> (String, String) {
    let identity = record.identity();
    let mac = keyed::mac(&identity.key, &[b"epm password", record.id.as_bytes()]);
    let password = super::ident::base32(mac.get(..15).unwrap_or_default());
    (format!("{}.{USER}", record.id), password)
}

/// The `(user, password)` of an HTTP Basic header.
fn basic(authorization: Option<&str>) -> Option<(String, String)> {
    let (scheme, rest) = authorization?.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(rest.trim())?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.into(), password.into()))
}

fn unauthorized() -> ScimError {
    ScimError::new(
        401,
        None,
        "EPM requests sign in with HTTP Basic as <domain>.<user> and the password the \
         server's creation answer gave (\"epm\")",
    )
}

/// The server an EPM request's `<domain>.<user>` names.
pub fn locate(authorization: Option<&str>) -> Result<String> {
    let (user, _) = basic(authorization).ok_or_else(unauthorized)?;
    let (domain, _) = user.split_once('.').ok_or_else(unauthorized)?;
    if !valid_server_id(domain) {
        return Err(unauthorized());
    }
    Ok(domain.into())
}

/// The owner's check: user and password, both compared in constant time.
pub fn authenticate(record: &ServerRecord, authorization: Option<&str>) -> Result<()> {
    let (user, password) = basic(authorization).ok_or_else(unauthorized)?;
    let (want_user, want_password) = credential(record);
    let user_ok = keyed::equal(user.as_bytes(), want_user.as_bytes());
    let password_ok = keyed::equal(password.as_bytes(), want_password.as_bytes());
    // An identity domain without a key has no EPM credential.
    if user_ok & password_ok & !record.key.is_empty() {
        Ok(())
    } else {
        Err(unauthorized())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::base64_encode;
    use crate::settings::Settings;

    fn record(key: &str) -> ServerRecord {
        let mut record = ServerRecord::new("s-epm", "tok", 0, Settings::default());
        record.key = key.into();
        record
    }

    fn header(user: &str, password: &str) -> String {
        format!(
            "Basic {}",
            base64_encode(format!("{user}:{password}").as_bytes())
        )
    }

    /// (header, accepted): only the exact user and password open it.
    #[test]
    fn only_the_derived_credential_opens_it() {
        let r = record("00112233445566778899aabbccddeeff");
        let (user, password) = credential(&r);
        assert_eq!(user, "s-epm.epm_admin");
        assert_eq!(locate(Some(&header(&user, &password))).unwrap(), "s-epm");
        let other = credential(&record("ff112233445566778899aabbccddeeff")).1;
        assert_ne!(other, password, "another key, another password");
        let table: [(String, bool); 6] = [
            (header(&user, &password), true),
            (header(&user, &other), false),
            (header("s-epm.someone", &password), false),
            (header(&user, ""), false),
            (format!("Bearer {password}"), false),
            ("Basic !!!".into(), false),
        ];
        for (h, ok) in table {
            assert_eq!(authenticate(&r, Some(&h)).is_ok(), ok, "{h}");
        }
        // No key, no credential.
        let keyless = record("");
        let (u, p) = credential(&keyless);
        assert!(authenticate(&keyless, Some(&header(&u, &p))).is_err());
    }
}
