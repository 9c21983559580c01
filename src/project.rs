//! `attributes` / `excludedAttributes` projection honouring `returned` (RFC 7644 section 3.9).
//!
//! (Contract in place; being written.)

use crate::schema::ResourceSchema;
use alloc::string::String;
use serde_json::Value;

/// Which attributes the client asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    /// `attributes`: if non-empty, only these (plus `returned: always`) are returned.
    pub attributes: alloc::vec::Vec<String>,
    /// `excludedAttributes`: removed unless `returned: always`.
    pub excluded: alloc::vec::Vec<String>,
}

/// The representation of a stored resource returned to the client: `returned: never`
/// dropped (password), `request` only when asked, the projection applied.
pub fn project(rs: &ResourceSchema, resource: &Value, projection: &Projection) -> Value {
    let _ = (rs, projection);
    resource.clone()
}

/// Splits an `attributes`/`excludedAttributes` parameter on commas.
pub fn parse_attribute_list(text: &str) -> alloc::vec::Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}
