//! SCIM errors (RFC 7644 section 3.12).
//!
//! Every failure in the core ends as a [`ScimError`]: an HTTP status, an optional
//! [`ScimType`] (its kind, the RFC's `scimType` keyword) and a human-readable detail. The
//! core never panics on bad input; it returns one of these instead, and the router
//! renders it as a SCIM Error body. `ScimError` is a `core::error::Error`, so hosts can
//! pass it on with `?` like any other error.

use crate::json;
use crate::value::Value;
use alloc::string::{String, ToString};
use core::fmt;

/// The SCIM Error schema URN.
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The kind of a [`ScimError`]: its `scimType` keyword, one of RFC 7644 section 3.12's
/// Table 9 or RFC 9865's cursor errors, and nothing else. Errors the RFC names no keyword for (404, 412, 413, ...)
/// have none.
///
/// Non-exhaustive: a later RFC may add keywords, so a `match` needs a wildcard arm.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimType {
    /// The filter syntax was invalid or the attribute and comparison are not supported.
    InvalidFilter,
    /// The filter yields more results than the service provider will return.
    TooMany,
    /// One or more attribute values are already in use or reserved.
    Uniqueness,
    /// The attempted modification is not compatible with the attribute's mutability.
    Mutability,
    /// The request body message structure was invalid.
    InvalidSyntax,
    /// The PATCH path attribute was invalid or malformed.
    InvalidPath,
    /// The PATCH path did not yield an attribute or attribute value to operate on.
    NoTarget,
    /// A required value was missing, or a value was not compatible with the attribute's type.
    InvalidValue,
    /// The specified SCIM protocol version is not supported.
    InvalidVers,
    /// The request cannot be completed because of sensitive information in the URI.
    Sensitive,
    /// The cursor does not decode, or belongs to another query (RFC 9865 section 2.2).
    InvalidCursor,
    /// The cursor has expired (RFC 9865 section 2.2). scimlet's cursors hold no state and
    /// never expire, so it never answers this; it is here for clients matching on kinds.
    ExpiredCursor,
    /// `count` is not a positive integer with a cursor (RFC 9865 section 2.2).
    InvalidCount,
}

impl ScimType {
    /// The wire name, as it appears in `scimType`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
            ScimType::InvalidCursor => "invalidCursor",
            ScimType::ExpiredCursor => "expiredCursor",
            ScimType::InvalidCount => "invalidCount",
        }
    }
}

/// A SCIM error: what the client gets back instead of a panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    /// HTTP status code (400, 401, 403, 404, 405, 409, 412, 413, 500, 501).
    pub status: u16,
    /// The SCIM detail error keyword, where RFC 7644 defines one for the case.
    pub scim_type: Option<ScimType>,
    /// A human-readable explanation, specific enough to fix the request.
    pub detail: String,
}

/// Shorthand for results in the core.
pub type Result<T, E = ScimError> = core::result::Result<T, E>;

impl ScimError {
    /// An error with a status, a `scimType` and a detail.
    pub fn new(status: u16, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }
    /// 400 `invalidFilter`.
    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(400, Some(ScimType::InvalidFilter), detail)
    }
    /// 400 `invalidSyntax`.
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(400, Some(ScimType::InvalidSyntax), detail)
    }
    /// 400 `invalidValue`.
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(400, Some(ScimType::InvalidValue), detail)
    }
    /// 400 `invalidPath`.
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(400, Some(ScimType::InvalidPath), detail)
    }
    /// 400 `noTarget`.
    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::new(400, Some(ScimType::NoTarget), detail)
    }
    /// 400 `mutability`.
    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::new(400, Some(ScimType::Mutability), detail)
    }
    /// 409 `uniqueness`.
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(409, Some(ScimType::Uniqueness), detail)
    }
    /// 400 `tooMany`.
    pub fn too_many(detail: impl Into<String>) -> Self {
        Self::new(400, Some(ScimType::TooMany), detail)
    }
    /// 404 without a `scimType`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, None, detail)
    }
    /// 400 without a `scimType`: a bad request the RFC has no keyword for.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, None, detail)
    }

    /// The SCIM Error body: `status` is a string, as RFC 7644 section 3.12 shows.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let (Some(t), Some(obj)) = (self.scim_type, body.as_object_mut()) {
            obj.insert("scimType", Value::String(t.as_str().into()));
        }
        body
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scim_type {
            Some(t) => write!(f, "{} {}: {}", self.status, t.as_str(), self.detail),
            None => write!(f, "{}: {}", self.status, self.detail),
        }
    }
}

/// A SCIM error has no underlying cause to report: the detail says it all.
impl core::error::Error for ScimError {}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
