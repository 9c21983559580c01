//! PATCH (RFC 7644 section 3.5.2) (being written).

use crate::error::{Result, ScimError};
use crate::schema::ResourceSchema;
use serde_json::Value;

/// Applies a PatchOp body to a stored resource, returning the new resource.
pub fn apply(rs: &ResourceSchema, resource: &Value, body: &Value, strict: bool) -> Result<Value> {
    let _ = (rs, resource, body, strict);
    Err(ScimError::new(501, None, "PATCH is not implemented yet"))
}
