//! A tenant's settings: what one virtual server enables, enforces and advertises, and
//! which service it stands in for (its persona).
//!
//! Settings are plain JSON data (`GET`/`PUT /api/servers/{id}/config` at the edge), so
//! every field has a default and unknown fields are kept out of the way by serde.
//! `ServiceProviderConfig` is generated from these, so what is advertised is what the
//! engine does.

use crate::error::{Result, ScimError};
use crate::schema::{Attribute, Schema};
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Which resource types are served. Users are always on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EnabledTypes {
    /// `/Groups`.
    pub group: bool,
    /// `/Entitlements` (Okta).
    pub entitlement: bool,
    /// `/Roles` (Okta).
    pub role: bool,
}

impl Default for EnabledTypes {
    fn default() -> Self {
        EnabledTypes {
            group: true,
            entitlement: true,
            role: true,
        }
    }
}

/// A custom attribute added to a resource type's core schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomAttribute {
    /// Resource type name, e.g. `User`.
    pub resource_type: String,
    /// The attribute definition in RFC 7643 section 7 shape.
    pub attribute: Attribute,
}

/// An extension schema attached to resource types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomExtension {
    /// The extension schema (its `id` is the URN).
    pub schema: Schema,
    /// Resource type names it extends, e.g. `["User"]`.
    pub resource_types: Vec<String>,
    /// Whether resources must carry it.
    #[serde(default)]
    pub required: bool,
}

/// How PATCH answers on success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PatchResponse {
    /// 200 with the resource (what Okta and most clients expect).
    Resource,
    /// 204 No Content (Entra prefers it for groups; RFC 7644 allows it).
    NoContent,
}

/// Which real service a server stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Persona {
    /// A plain SCIM 2.0 service provider (RFC 7643/7644).
    #[default]
    Scim,
    /// An Oracle identity domain (OCI IAM): `/admin/v1`, `/oauth2/v1/token`, apps, request
    /// signatures, `idcsCreatedBy`, credentials (`crate::persona::oci`).
    Oci,
}

/// Request rates a server allows, as identity domains limit them (`429` with
/// `Retry-After` beyond). Off by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RateLimits {
    /// Whether requests are limited at all.
    pub enabled: bool,
    /// `/Bulk` requests per second (identity domains: 5 for every domain type).
    pub bulk_per_second: u32,
    /// `/Bulk` requests per minute (identity domains: 200).
    pub bulk_per_minute: u32,
    /// Every other request, per second (identity domains: 20 to 90 by domain type).
    pub others_per_second: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            enabled: false,
            bulk_per_second: 5,
            bulk_per_minute: 200,
            others_per_second: 20,
        }
    }
}

/// One tenant's settings.
///
/// Parsed strictly ([`Settings::from_json`], [`Settings::merged`]): an unknown key or a value
/// out of its range is a 400 naming it, never silently dropped or clamped, so a typo in a
/// config cannot reset the server to defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Settings {
    /// Resource types switched on or off.
    pub resource_types: EnabledTypes,
    /// Reject unknown attributes and unknown schema URNs instead of ignoring them.
    pub strict: bool,
    /// PATCH success answer.
    pub patch_response: PatchResponse,
    /// The most resources one list page returns (`filter.maxResults`); larger `count`s are capped.
    pub max_results: usize,
    /// `bulk.maxOperations`.
    pub bulk_max_operations: usize,
    /// `bulk.maxPayloadSize`, in bytes; also the limit for any request body.
    pub bulk_max_payload_size: usize,
    /// The most operations one PATCH request may carry (`patch.maxOperations`).
    pub patch_max_operations: usize,
    /// The most values one multi-valued attribute may hold (a group's `members`, say), after
    /// any write.
    pub max_values_per_attribute: usize,
    /// Allow two groups with the same `displayName` (plain RFC 7643). Off by default: real
    /// targets and Entra's SCIM validator expect a duplicate to get 409 `uniqueness`.
    pub allow_duplicate_group_names: bool,
    /// Attributes added to core schemas.
    pub custom_attributes: Vec<CustomAttribute>,
    /// Extension schemas added to resource types.
    pub extensions: Vec<CustomExtension>,
    /// Seconds until the server expires (hosts enforce it; `None` never expires).
    pub ttl_seconds: Option<u64>,
    /// The service this server stands in for (`scim`, `oci`).
    pub persona: Persona,
    /// Request rate limits (the `oci` persona's, off by default).
    pub rate_limits: RateLimits,
    /// How long an access token from the `oci` persona's token endpoint lives: long enough
    /// by default (8 hours) for a million-user run by a script that never refreshes it.
    pub token_lifetime_seconds: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            resource_types: EnabledTypes::default(),
            strict: false,
            patch_response: PatchResponse::Resource,
            max_results: 1000,
            bulk_max_operations: 1000,
            bulk_max_payload_size: 1_048_576,
            patch_max_operations: 1000,
            max_values_per_attribute: 20_000,
            allow_duplicate_group_names: false,
            custom_attributes: Vec::new(),
            extensions: Vec::new(),
            ttl_seconds: None,
            persona: Persona::Scim,
            rate_limits: RateLimits::default(),
            token_lifetime_seconds: 8 * 3600,
        }
    }
}

/// The range of each numeric setting: (name as in JSON, floor, ceiling).
///
/// Ceilings keep one request within a server's memory and time whatever a client sets: a
/// Durable Object has 128 MB, and a parsed JSON body takes several times its size.
pub const NUMERIC_RANGES: &[(&str, u64, u64)] = &[
    ("maxResults", 1, 10_000),
    ("bulkMaxOperations", 1, 10_000),
    ("bulkMaxPayloadSize", 1024, 8 * 1024 * 1024),
    ("patchMaxOperations", 1, 10_000),
    ("maxValuesPerAttribute", 1, 100_000),
    // Ten years: far beyond any test run, and far from overflowing a timestamp.
    ("ttlSeconds", 1, 10 * 365 * 24 * 3600),
    // A minute to a week: scripts never refresh, and a leaked token must still die.
    ("tokenLifetimeSeconds", 60, 7 * 24 * 3600),
    ("rateLimits.bulkPerSecond", 1, 10_000),
    ("rateLimits.bulkPerMinute", 1, 600_000),
    ("rateLimits.othersPerSecond", 1, 10_000),
];

/// The largest settings body accepted (custom attributes and extensions included).
const MAX_SETTINGS_BYTES: usize = 256 * 1024;

impl Settings {
    /// Parses settings JSON, with a SCIM error on anything malformed, unknown or out of range.
    /// Keys left out take their defaults (this is `PUT .../config`: it replaces them all).
    pub fn from_json(bytes: &[u8]) -> Result<Settings> {
        check_length(bytes)?;
        Settings::from_value(object(bytes)?)
    }

    /// Settings from an already parsed JSON object (an export's `settings`, say).
    pub fn from_value(value: Value) -> Result<Settings> {
        if !value.is_object() {
            return Err(ScimError::invalid_syntax("settings must be a JSON object"));
        }
        let s: Settings = crate::value::from_value(value).map_err(invalid)?;
        s.check()?;
        Ok(s)
    }

    /// These settings with a JSON merge patch (RFC 7396) applied: keys sent replace theirs,
    /// `null` restores a key's default, objects merge key by key (`PATCH .../config`).
    pub fn merged(&self, patch: &[u8]) -> Result<Settings> {
        check_length(patch)?;
        let patch = object(patch)?;
        let mut current = crate::value::to_value(self).map_err(invalid)?;
        merge_patch(&mut current, patch);
        Settings::from_value(current)
    }

    /// Rejects settings the engine cannot honour: every numeric setting within
    /// [`NUMERIC_RANGES`].
    pub fn check(&self) -> Result<()> {
        let to_u64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        let values = [
            Some(to_u64(self.max_results)),
            Some(to_u64(self.bulk_max_operations)),
            Some(to_u64(self.bulk_max_payload_size)),
            Some(to_u64(self.patch_max_operations)),
            Some(to_u64(self.max_values_per_attribute)),
            self.ttl_seconds,
            Some(self.token_lifetime_seconds),
            Some(u64::from(self.rate_limits.bulk_per_second)),
            Some(u64::from(self.rate_limits.bulk_per_minute)),
            Some(u64::from(self.rate_limits.others_per_second)),
        ];
        for (&(name, floor, ceiling), value) in NUMERIC_RANGES.iter().zip(values) {
            if let Some(n) = value {
                if !(floor..=ceiling).contains(&n) {
                    return Err(ScimError::invalid_value(format!(
                        "{name} must be between {floor} and {ceiling}, got {n}"
                    )));
                }
            }
        }
        Ok(())
    }
}

fn check_length(bytes: &[u8]) -> Result<()> {
    if bytes.len() > MAX_SETTINGS_BYTES {
        return Err(ScimError::new(
            413,
            None,
            format!(
                "settings are {} bytes; at most {MAX_SETTINGS_BYTES} are accepted",
                bytes.len()
            ),
        ));
    }
    Ok(())
}

/// A settings body parsed as JSON; it must be an object.
fn object(bytes: &[u8]) -> Result<Value> {
    let value = crate::value::from_slice(bytes)
        .map_err(|e| ScimError::invalid_syntax(format!("settings are not valid JSON: {e}")))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(ScimError::invalid_syntax("settings must be a JSON object"))
    }
}

fn invalid(e: impl core::fmt::Display) -> ScimError {
    ScimError::invalid_value(format!("invalid settings: {e}"))
}

/// RFC 7396 section 2, on the engine's values. Depth is bounded by the parser (128 levels).
fn merge_patch(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(target) = target.as_object_mut() else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(&key);
        } else {
            let slot = target.entry(key).or_insert(Value::Null);
            merge_patch(slot, value);
        }
    }
}

#[cfg(test)]
mod tests;
