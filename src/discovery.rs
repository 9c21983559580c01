//! `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas` (being written).

use crate::schema::ResourceSchema;
use crate::settings::Settings;
use alloc::vec::Vec;
use serde_json::Value;

/// The ServiceProviderConfig.
pub fn service_provider_config(settings: &Settings, base_url: &str) -> Value {
    let _ = (settings, base_url);
    Value::Null
}
/// One ResourceType.
pub fn resource_type(rs: &ResourceSchema, base_url: &str) -> Value {
    let _ = (rs, base_url);
    Value::Null
}
/// Every schema of the served types.
pub fn schemas(types: &[ResourceSchema], base_url: &str) -> Vec<Value> {
    let _ = (types, base_url);
    Vec::new()
}
