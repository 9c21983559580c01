//! A tenant's settings: what one virtual server enables, enforces and advertises.
//!
//! Settings are plain JSON data (`GET`/`PUT /api/servers/{id}/config` at the edge), so
//! every field has a default and unknown fields are kept out of the way by serde.
//! `ServiceProviderConfig` is generated from these, so what is advertised is what the
//! engine does.

use crate::error::{Result, ScimError};
use crate::schema::{Attribute, Schema};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Which resource types are served. Users are always on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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
#[serde(rename_all = "camelCase")]
pub struct CustomAttribute {
    /// Resource type name, e.g. `User`.
    pub resource_type: String,
    /// The attribute definition in RFC 7643 section 7 shape.
    pub attribute: Attribute,
}

/// An extension schema attached to resource types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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

/// One tenant's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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
    /// Attributes added to core schemas.
    pub custom_attributes: Vec<CustomAttribute>,
    /// Extension schemas added to resource types.
    pub extensions: Vec<CustomExtension>,
    /// Seconds until the server expires (hosts enforce it; `None` never expires).
    pub ttl_seconds: Option<u64>,
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
            custom_attributes: Vec::new(),
            extensions: Vec::new(),
            ttl_seconds: None,
        }
    }
}

impl Settings {
    /// Parses settings JSON, with a SCIM error on anything malformed.
    pub fn from_json(bytes: &[u8]) -> Result<Settings> {
        let s: Settings = serde_json::from_slice(bytes)
            .map_err(|e| ScimError::invalid_syntax(alloc::format!("invalid settings: {e}")))?;
        s.check()?;
        Ok(s)
    }

    /// Rejects settings the engine cannot honour.
    pub fn check(&self) -> Result<()> {
        if self.max_results == 0 {
            return Err(ScimError::invalid_value("maxResults must be at least 1"));
        }
        if self.bulk_max_operations == 0 {
            return Err(ScimError::invalid_value(
                "bulkMaxOperations must be at least 1",
            ));
        }
        if self.bulk_max_payload_size < 1024 {
            return Err(ScimError::invalid_value(
                "bulkMaxPayloadSize must be at least 1024 bytes",
            ));
        }
        Ok(())
    }
}
