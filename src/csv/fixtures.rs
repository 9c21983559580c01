//! Tenants the CSV tests share: identity domains' user extension and a group description
//! added through settings, as a plain scimlet server can have them today.

use crate::json;
use crate::schema::ResourceSchema;
use crate::settings::Settings;
use crate::tenant::Tenant;
use crate::value::Value;

/// Identity domains' user extension, with the attributes the CSV columns name.
pub(crate) const IDCS_USER: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User";

/// Settings with identity domains' user extension and a group `description`.
pub(crate) fn idcs_settings() -> Value {
    json!({
        "extensions": [{
            "schema": {
                "id": IDCS_USER,
                "name": "User",
                "attributes": [
                    {"name": "isFederatedUser", "type": "boolean"},
                    {"name": "bypassNotification", "type": "boolean",
                     "mutability": "immutable", "returned": "never"},
                    {"name": "serviceUser", "type": "boolean", "mutability": "immutable"}
                ]
            },
            "resourceTypes": ["User"]
        }],
        "customAttributes": [
            {"resourceType": "Group", "attribute": {"name": "description", "type": "string"}}
        ]
    })
}

/// A tenant with these settings.
pub(crate) fn tenant(settings: Value) -> Tenant {
    Tenant::new(Settings::from_value(settings).expect("settings")).expect("tenant")
}

/// A served type of a tenant with these settings.
pub(crate) fn resource_type(settings: Value, name: &str) -> ResourceSchema {
    tenant(settings)
        .resource_types()
        .iter()
        .find(|rs| rs.name == name)
        .cloned()
        .expect("a served type")
}
