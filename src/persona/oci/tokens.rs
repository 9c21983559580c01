//! Access tokens of the token endpoint (`POST /oauth2/v1/token`, client credentials).
//!
//! A token is a JWT (HS256) like the identity domain's own: its claims say which server
//! (`tenant`, the tenancy OCID), which app (`app_id`, `client_id`), the scope and when it
//! expires; its MAC is under the server's key, so checking it costs no lookup and no
//! storage. The edge reads the claims to find the server ([`claims`]); only the server
//! holding the key can say a token is genuine ([`verify`]).

use super::ident::{server_of_tenancy, tenancy};
use super::keyed::{equal, mac};
use crate::encoding::{base64url_decode, base64url_encode};
use crate::error::{Result, ScimError};
use crate::persona::{Caller, CallerKind, Identity};
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The scope client-credentials scripts ask for (and get back).
pub const MY_SCOPES: &str = "urn:opc:idm:__myscopes__";

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT","kid":"scimlet"}"#;

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The tenancy OCID of the server.
    pub tenant: String,
    /// The app's client id (its `name`).
    pub client_id: String,
    /// The app's id.
    pub app_id: String,
    /// The app's display name, for `idcsCreatedBy.display`.
    #[serde(default)]
    pub app_name: String,
    /// The scope granted.
    pub scope: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expires at, seconds since the epoch.
    pub exp: i64,
}

impl Claims {
    /// The server the token is for.
    pub fn server_id(&self) -> Option<String> {
        server_of_tenancy(&self.tenant)
    }

    /// Whether the token has expired at `now_ms`.
    pub fn expired(&self, now_ms: i64) -> bool {
        now_ms.div_euclid(1000) >= self.exp
    }
}

fn signature(identity: &Identity, signed: &str) -> [u8; 32] {
    mac(&identity.key, &[b"access token", signed.as_bytes()])
}

/// Issues a token for an app: `lifetime_s` seconds from `now_ms`.
pub fn issue(
    identity: &Identity,
    app_id: &str,
    client_id: &str,
    app_name: &str,
    scope: &str,
    now_ms: i64,
    lifetime_s: u64,
) -> String {
    let iat = now_ms.div_euclid(1000);
    let claims = Claims {
        tenant: tenancy(&identity.server_id),
        client_id: client_id.into(),
        app_id: app_id.into(),
        app_name: app_name.into(),
        scope: scope.into(),
        iat,
        exp: iat.saturating_add(i64::try_from(lifetime_s).unwrap_or(i64::MAX)),
    };
    let payload = serde_json::to_vec(&claims).unwrap_or_default();
    let mut token = base64url_encode(HEADER.as_bytes());
    token.push('.');
    token.push_str(&base64url_encode(&payload));
    let mac = signature(identity, &token);
    token.push('.');
    token.push_str(&base64url_encode(&mac));
    token
}

/// The claims of something shaped like one of these tokens, unchecked (`None`: it is not
/// one): what the edge reads to find the server.
pub fn claims(token: &str) -> Option<Claims> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let payload = base64url_decode(payload)?;
    let value = crate::value::from_slice(&payload).ok()?;
    crate::value::from_value::<Claims>(value).ok()
}

fn unauthorized(detail: &str) -> ScimError {
    ScimError::new(401, None, detail)
}

/// Checks a token against the server's key and time: the claims if it is genuine, for this
/// server, and unexpired; a 401 otherwise.
pub fn verify(identity: &Identity, token: &str, now_ms: i64) -> Result<Claims> {
    let invalid = || unauthorized("the access token is not valid for this server");
    let (signed, mac) = token.rsplit_once('.').ok_or_else(invalid)?;
    let mac: Vec<u8> = base64url_decode(mac).ok_or_else(invalid)?;
    if identity.key.is_empty() || !equal(&mac, &signature(identity, signed)) {
        return Err(invalid());
    }
    let claims = claims(token).ok_or_else(invalid)?;
    if claims.server_id().as_deref() != Some(identity.server_id.as_str()) {
        return Err(invalid());
    }
    if claims.expired(now_ms) {
        return Err(unauthorized("the access token has expired: get a new one"));
    }
    Ok(claims)
}

impl Claims {
    /// Who a genuine token speaks for.
    pub fn caller(&self) -> Caller {
        Caller {
            kind: CallerKind::App,
            id: self.app_id.clone(),
            display: self.app_name.clone(),
        }
    }
}

/// The OAuth 2.0 answer (RFC 6749 section 5.1).
pub fn answer(token: &str, scope: &str, lifetime_s: u64) -> Value {
    let mut out = crate::value::Map::with_capacity(4);
    out.insert("access_token", Value::from(token));
    out.insert("token_type", Value::from("Bearer"));
    out.insert("expires_in", Value::from(lifetime_s));
    out.insert("scope", Value::from(scope));
    Value::Object(out)
}

#[cfg(test)]
mod tests;
