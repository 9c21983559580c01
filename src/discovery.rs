//! Discovery: `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas` (RFC 7643 sections
//! 5-7, RFC 7644 section 4), generated from the tenant's settings and schemas so that
//! what is advertised is what the engine does.
//!
//! `/Schemas` lists the resource types' core schemas, then their extensions, then the
//! three schemas describing the discovery resources themselves (RFC 7643 section 8.7.2:
//! `ServiceProviderConfig`, `ResourceType`, `Schema`), which scim2-tester looks for by
//! name. Core schemas do not list the common attributes `id`, `externalId` and `meta`,
//! as in RFC 7643's own examples and in scim2-models (whose base `Resource` model
//! already declares them).
//!
//! All functions are pure: the router calls them with the tenant's settings, its enabled
//! resource types and the SCIM base URL.

use crate::json;
use crate::schema::builtin::{RESOURCE_TYPE, SCHEMA, SERVICE_PROVIDER_CONFIG};
use crate::schema::{
    AttrType, Attribute, Mutability, ResourceSchema, Returned, Schema, Uniqueness,
};
use crate::settings::Settings;
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// `GET /ServiceProviderConfig` (RFC 7643 section 5).
///
/// Advertises: PATCH, Bulk (with the tenant's `maxOperations` and `maxPayloadSize`),
/// filtering (with `maxResults`), password change, sorting and ETags, all supported;
/// paging by index and by cursor (RFC 9865 section 4: index is the default, both with
/// `maxResults` as the default and largest page; no `cursorTimeout`, as cursors never
/// expire); authentication by OAuth bearer token (primary) or HTTP Basic.
///
/// Only RFC 7643's members: the caps with no member here, operations per PATCH
/// (`patchMaxOperations`) and values per multi-valued attribute
/// (`maxValuesPerAttribute`), are not advertised, because clients built on scim2-models
/// reject any member they do not know (`patch.maxOperations`, or an extension schema,
/// fails scim2-tester's discovery and with it every later check). The README's settings
/// line documents them, and the 400s that enforce them name them.
pub fn service_provider_config(settings: &Settings, base_url: &str) -> Value {
    json!({
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "patch": {"supported": true},
        "bulk": {
            "supported": true,
            "maxOperations": settings.bulk_max_operations,
            "maxPayloadSize": settings.bulk_max_payload_size,
        },
        "filter": {"supported": true, "maxResults": settings.max_results},
        "changePassword": {"supported": true},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "pagination": {
            "cursor": true,
            "index": true,
            "defaultPaginationMethod": "index",
            "defaultPageSize": settings.max_results,
            "maxPageSize": settings.max_results,
        },
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication with the server's token sent as \
                                `Authorization: Bearer <token>`.",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "primary": true,
            },
            {
                "type": "httpbasic",
                "name": "HTTP Basic",
                "description": "Authentication with HTTP Basic credentials \
                                (`Authorization: Basic <base64 of user:password>`).",
                "specUri": "https://www.rfc-editor.org/info/rfc7617",
                "primary": false,
            },
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{}/ServiceProviderConfig", trim_base(base_url)),
        },
    })
}

/// `GET /ResourceTypes/{name}` (RFC 7643 section 6).
pub fn resource_type(rs: &ResourceSchema, base_url: &str) -> Value {
    let extensions: Vec<Value> = rs
        .extensions
        .iter()
        .map(|e| json!({"schema": e.schema.id, "required": e.required}))
        .collect();
    json!({
        "schemas": [RESOURCE_TYPE],
        "id": rs.name,
        "name": rs.name,
        "endpoint": rs.endpoint,
        "description": rs.description,
        "schema": rs.core.id,
        "schemaExtensions": extensions,
        "meta": {
            "resourceType": "ResourceType",
            "location": format!("{}/ResourceTypes/{}", trim_base(base_url), rs.name),
        },
    })
}

/// `GET /ResourceTypes`: every resource type given, in order.
pub fn resource_types(types: &[ResourceSchema], base_url: &str) -> Vec<Value> {
    types.iter().map(|rs| resource_type(rs, base_url)).collect()
}

/// `GET /ResourceTypes/{id}`: the type whose name is `id` (ignoring case), if any.
pub fn resource_type_by_id(types: &[ResourceSchema], id: &str, base_url: &str) -> Option<Value> {
    types
        .iter()
        .find(|rs| rs.name.eq_ignore_ascii_case(id))
        .map(|rs| resource_type(rs, base_url))
}

/// `GET /Schemas/{urn}` (RFC 7643 section 7): a schema with its attributes in the
/// section 7 shape.
pub fn schema(schema: &Schema, base_url: &str) -> Value {
    let attributes: Vec<Value> = schema.attributes.iter().map(attribute).collect();
    json!({
        "schemas": [SCHEMA],
        "id": schema.id,
        "name": schema.name,
        "description": schema.description,
        "attributes": attributes,
        "meta": {
            "resourceType": "Schema",
            "location": format!("{}/Schemas/{}", trim_base(base_url), schema.id),
        },
    })
}

/// `GET /Schemas`: each distinct schema of `types` once (core schemas in type order,
/// then extensions), then the discovery schemas. `types` are the enabled types only.
pub fn schemas(types: &[ResourceSchema], base_url: &str) -> Vec<Value> {
    distinct_schemas(types)
        .iter()
        .map(|s| schema(s, base_url))
        .collect()
}

/// `GET /Schemas/{urn}`: the schema with that URN (ignoring case) among `types` and the
/// discovery schemas, if any.
pub fn schema_by_id(types: &[ResourceSchema], urn: &str, base_url: &str) -> Option<Value> {
    distinct_schemas(types)
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(urn))
        .map(|s| schema(s, base_url))
}

fn distinct_schemas(types: &[ResourceSchema]) -> Vec<Schema> {
    let mut out: Vec<Schema> = Vec::new();
    let cores = types.iter().map(|rs| &rs.core);
    let extensions = types
        .iter()
        .flat_map(|rs| rs.extensions.iter().map(|e| &e.schema));
    for s in cores.chain(extensions) {
        if !out.iter().any(|o| o.id.eq_ignore_ascii_case(&s.id)) {
            out.push(s.clone());
        }
    }
    out.extend(discovery_schemas());
    out
}

fn trim_base(base_url: &str) -> &str {
    base_url.trim_end_matches('/')
}

/// One attribute definition in the RFC 7643 section 7 shape: every characteristic
/// spelled out, `referenceTypes` on references, `subAttributes` on complex attributes,
/// and nothing non-standard (the engine's `x-computed` flag stays inside).
pub fn attribute(attr: &Attribute) -> Value {
    let mut value = crate::value::to_value(attr).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut value {
        tidy(attr, fields);
    }
    value
}

fn tidy(attr: &Attribute, fields: &mut Map) {
    fields.remove("x-computed");
    match attr.ty {
        // scim2-models cannot build a model for a reference without its types.
        AttrType::Reference if attr.reference_types.is_empty() => {
            fields.insert("referenceTypes", json!(["external"]));
        }
        AttrType::Complex => {
            let subs = attr.sub_attributes.iter().map(attribute).collect();
            fields.insert("subAttributes", Value::Array(subs));
        }
        _ => {}
    }
}

/// A read-only attribute of the discovery schemas, RFC 7643 defaults otherwise.
fn read_only(name: &str, ty: AttrType) -> Attribute {
    Attribute {
        name: name.into(),
        ty,
        multi_valued: false,
        description: String::new(),
        required: false,
        canonical_values: Vec::new(),
        case_exact: false,
        mutability: Mutability::ReadOnly,
        returned: Returned::Default,
        uniqueness: Uniqueness::None,
        reference_types: Vec::new(),
        sub_attributes: Vec::new(),
        computed: false,
    }
}

fn required(mut attr: Attribute) -> Attribute {
    attr.required = true;
    attr
}

fn multi(mut attr: Attribute) -> Attribute {
    attr.multi_valued = true;
    attr
}

fn exact(mut attr: Attribute) -> Attribute {
    attr.case_exact = true;
    attr
}

fn described(mut attr: Attribute, description: &str) -> Attribute {
    attr.description = description.into();
    attr
}

fn reference(name: &str, types: &[&str]) -> Attribute {
    let mut attr = exact(read_only(name, AttrType::Reference));
    attr.reference_types = types.iter().map(|t| (*t).into()).collect();
    attr
}

fn complex(name: &str, subs: Vec<Attribute>) -> Attribute {
    let mut attr = read_only(name, AttrType::Complex);
    attr.sub_attributes = subs;
    attr
}

fn keyword(name: &str, values: &[&str]) -> Attribute {
    let mut attr = exact(read_only(name, AttrType::String));
    attr.canonical_values = values.iter().map(|v| (*v).into()).collect();
    attr
}

/// A `{supported: boolean}` feature of the service provider configuration, plus extras.
fn feature(name: &str, description: &str, extra: &[&str]) -> Attribute {
    let mut subs = vec![required(read_only("supported", AttrType::Boolean))];
    subs.extend(
        extra
            .iter()
            .map(|n| required(read_only(n, AttrType::Integer))),
    );
    described(required(complex(name, subs)), description)
}

/// The sub-attributes of a schema attribute definition (RFC 7643 section 7), without
/// `subAttributes` itself.
fn attribute_characteristics() -> Vec<Attribute> {
    vec![
        required(exact(read_only("name", AttrType::String))),
        required(keyword(
            "type",
            &[
                "string",
                "complex",
                "boolean",
                "decimal",
                "integer",
                "dateTime",
                "reference",
                "binary",
            ],
        )),
        required(read_only("multiValued", AttrType::Boolean)),
        read_only("description", AttrType::String),
        read_only("required", AttrType::Boolean),
        multi(exact(read_only("canonicalValues", AttrType::String))),
        read_only("caseExact", AttrType::Boolean),
        keyword(
            "mutability",
            &["readOnly", "readWrite", "immutable", "writeOnly"],
        ),
        keyword("returned", &["always", "never", "default", "request"]),
        keyword("uniqueness", &["none", "server", "global"]),
        multi(exact(read_only("referenceTypes", AttrType::String))),
    ]
}

/// The schemas of the discovery resources themselves (RFC 7643 section 8.7.2). Their
/// `name`s are the resource names, which is what scim2-tester checks.
pub fn discovery_schemas() -> Vec<Schema> {
    let mut sub_attributes = attribute_characteristics();
    sub_attributes.push(multi(complex("subAttributes", attribute_characteristics())));
    vec![
        Schema {
            id: SERVICE_PROVIDER_CONFIG.into(),
            name: "ServiceProviderConfig".into(),
            description: "Schema for representing the service provider's configuration".into(),
            attributes: vec![
                reference("documentationUri", &["external"]),
                feature("patch", "Whether PATCH is supported.", &[]),
                feature(
                    "bulk",
                    "Whether Bulk is supported, and its limits.",
                    &["maxOperations", "maxPayloadSize"],
                ),
                feature(
                    "filter",
                    "Whether filtering is supported, and the most results a page holds.",
                    &["maxResults"],
                ),
                feature(
                    "changePassword",
                    "Whether the password can be changed.",
                    &[],
                ),
                feature("sort", "Whether sorting is supported.", &[]),
                feature("etag", "Whether ETags are supported.", &[]),
                described(
                    complex(
                        "pagination",
                        vec![
                            required(read_only("cursor", AttrType::Boolean)),
                            required(read_only("index", AttrType::Boolean)),
                            keyword("defaultPaginationMethod", &["cursor", "index"]),
                            read_only("defaultPageSize", AttrType::Integer),
                            read_only("maxPageSize", AttrType::Integer),
                            read_only("cursorTimeout", AttrType::Integer),
                        ],
                    ),
                    "How lists are paged (RFC 9865 section 4).",
                ),
                described(
                    required(multi(complex(
                        "authenticationSchemes",
                        vec![
                            required(keyword(
                                "type",
                                &[
                                    "oauth",
                                    "oauth2",
                                    "oauthbearertoken",
                                    "httpbasic",
                                    "httpdigest",
                                ],
                            )),
                            required(read_only("name", AttrType::String)),
                            required(read_only("description", AttrType::String)),
                            reference("specUri", &["external"]),
                            reference("documentationUri", &["external"]),
                            read_only("primary", AttrType::Boolean),
                        ],
                    ))),
                    "The authentication schemes the service provider supports.",
                ),
            ],
        },
        Schema {
            id: RESOURCE_TYPE.into(),
            name: "ResourceType".into(),
            description: "Specifies the schema that describes a SCIM resource type".into(),
            attributes: vec![
                read_only("id", AttrType::String),
                required(read_only("name", AttrType::String)),
                read_only("description", AttrType::String),
                required(reference("endpoint", &["uri"])),
                required(reference("schema", &["uri"])),
                multi(complex(
                    "schemaExtensions",
                    vec![
                        required(reference("schema", &["uri"])),
                        required(read_only("required", AttrType::Boolean)),
                    ],
                )),
            ],
        },
        Schema {
            id: SCHEMA.into(),
            name: "Schema".into(),
            description: "Specifies the schema attribute".into(),
            attributes: vec![
                required(exact(read_only("id", AttrType::String))),
                required(read_only("name", AttrType::String)),
                read_only("description", AttrType::String),
                required(multi(complex("attributes", sub_attributes))),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::builtin::{self, ENTERPRISE_USER, GROUP, OKTA_ENTITLEMENT, OKTA_ROLE, USER};
    use crate::schema::Extension;
    use alloc::borrow::ToOwned;

    const BASE: &str = "https://scim.example.com/scim-identifier/demo/scim/v2";

    #[test]
    fn service_provider_config_reflects_settings() {
        let custom = Settings {
            max_results: 50,
            bulk_max_operations: 10,
            bulk_max_payload_size: 2048,
            // Not advertised (see `service_provider_config`): `patch` stays as RFC 7643 has it.
            patch_max_operations: 7,
            ..Settings::default()
        };
        for (name, settings) in [("defaults", Settings::default()), ("custom limits", custom)] {
            let spc = service_provider_config(&settings, BASE);
            assert_eq!(spc["schemas"], json!([SERVICE_PROVIDER_CONFIG]), "{name}");
            assert_eq!(
                spc["bulk"],
                json!({"supported": true, "maxOperations": settings.bulk_max_operations,
                       "maxPayloadSize": settings.bulk_max_payload_size}),
                "{name}"
            );
            assert_eq!(
                spc["filter"],
                json!({"supported": true, "maxResults": settings.max_results}),
                "{name}"
            );
            assert_eq!(
                spc["pagination"],
                json!({"cursor": true, "index": true, "defaultPaginationMethod": "index",
                       "defaultPageSize": settings.max_results,
                       "maxPageSize": settings.max_results}),
                "{name}"
            );
            for feature in ["patch", "changePassword", "sort", "etag"] {
                assert_eq!(
                    spc[feature],
                    json!({"supported": true}),
                    "{name}: {feature}"
                );
            }
            let schemes: Vec<(&str, bool)> = spc["authenticationSchemes"]
                .as_array()
                .expect("schemes")
                .iter()
                .map(|s| {
                    for field in ["name", "description", "specUri"] {
                        assert!(
                            s[field].as_str().is_some_and(|v| !v.is_empty()),
                            "{name}: {field}"
                        );
                    }
                    (
                        s["type"].as_str().unwrap_or(""),
                        s["primary"] == json!(true),
                    )
                })
                .collect();
            assert_eq!(
                schemes,
                [("oauthbearertoken", true), ("httpbasic", false)],
                "{name}"
            );
            assert_eq!(
                spc["meta"],
                json!({"resourceType": "ServiceProviderConfig",
                       "location": format!("{BASE}/ServiceProviderConfig")}),
                "{name}"
            );
        }
    }

    #[test]
    fn base_url_with_a_trailing_slash_is_not_doubled() {
        let spc = service_provider_config(&Settings::default(), "http://127.0.0.1:8787/v2/");
        assert_eq!(
            spc["meta"]["location"],
            "http://127.0.0.1:8787/v2/ServiceProviderConfig"
        );
    }

    #[test]
    fn resource_types_describe_endpoint_schema_and_extensions() {
        let types = builtin::resource_types();
        let expected = [
            json!({
                "schemas": [RESOURCE_TYPE], "id": "User", "name": "User", "endpoint": "/Users",
                "description": "User Account", "schema": USER,
                "schemaExtensions": [{"schema": ENTERPRISE_USER, "required": false}],
                "meta": {"resourceType": "ResourceType", "location": format!("{BASE}/ResourceTypes/User")}
            }),
            json!({
                "schemas": [RESOURCE_TYPE], "id": "Group", "name": "Group", "endpoint": "/Groups",
                "description": "Group", "schema": GROUP, "schemaExtensions": [],
                "meta": {"resourceType": "ResourceType", "location": format!("{BASE}/ResourceTypes/Group")}
            }),
        ];
        let listed = resource_types(&types, BASE);
        assert_eq!(listed.len(), types.len());
        assert_eq!(listed[..2], expected);
        assert_eq!(listed[2]["schema"], OKTA_ENTITLEMENT);
        assert_eq!(listed[3]["endpoint"], "/Roles");
        assert_eq!(
            resource_type_by_id(&types, "group", BASE).as_ref(),
            Some(&expected[1])
        );
        assert_eq!(resource_type_by_id(&types, "Widgets", BASE), None);
    }

    /// Every RFC 7643 section 7 characteristic on every attribute, recursively, and
    /// nothing that is not one.
    fn assert_rfc_shape(context: &str, attr: &Value) {
        const CHARACTERISTICS: [&str; 12] = [
            "name",
            "type",
            "multiValued",
            "description",
            "required",
            "canonicalValues",
            "caseExact",
            "mutability",
            "returned",
            "uniqueness",
            "referenceTypes",
            "subAttributes",
        ];
        let fields = attr.as_object().expect("attribute object");
        let name = attr["name"].as_str().unwrap_or("?");
        for always in [
            "name",
            "type",
            "multiValued",
            "description",
            "required",
            "caseExact",
            "mutability",
            "returned",
            "uniqueness",
        ] {
            assert!(
                fields.contains_key(always),
                "{context}.{name} lacks {always}"
            );
        }
        for key in fields.keys() {
            assert!(
                CHARACTERISTICS.contains(&key.as_str()),
                "{context}.{name} has {key}"
            );
        }
        match attr["type"].as_str() {
            Some("reference") => assert!(
                attr["referenceTypes"]
                    .as_array()
                    .is_some_and(|t| !t.is_empty()),
                "{context}.{name} lacks referenceTypes"
            ),
            Some("complex") => {
                let subs = attr["subAttributes"].as_array().expect("subAttributes");
                for sub in subs {
                    assert_rfc_shape(&format!("{context}.{name}"), sub);
                }
            }
            _ => assert!(!fields.contains_key("subAttributes"), "{context}.{name}"),
        }
    }

    #[test]
    fn every_schema_serializes_in_the_rfc_shape_and_round_trips() {
        let types = builtin::resource_types();
        for listed in schemas(&types, BASE) {
            let id = listed["id"].as_str().expect("id").to_owned();
            assert_eq!(listed["schemas"], json!([SCHEMA]), "{id}");
            assert_eq!(
                listed["meta"],
                json!({"resourceType": "Schema", "location": format!("{BASE}/Schemas/{id}")})
            );
            assert!(
                listed["name"].as_str().is_some_and(|n| !n.is_empty()),
                "{id}"
            );
            let attributes = listed["attributes"].as_array().expect("attributes");
            assert!(!attributes.is_empty(), "{id}");
            for attr in attributes {
                assert_rfc_shape(&id, attr);
            }
            // What a client reads back is the schema the engine uses (minus x-computed).
            let read_back: Schema = crate::value::from_value(listed.clone()).expect("a Schema");
            let mut original = distinct_schemas(&types)
                .into_iter()
                .find(|s| s.id == id)
                .expect("listed schema exists");
            fn clear_computed(attrs: &mut [Attribute]) {
                for a in attrs {
                    a.computed = false;
                    clear_computed(&mut a.sub_attributes);
                }
            }
            clear_computed(&mut original.attributes);
            assert_eq!(read_back, original, "{id}");
            assert_eq!(
                schema_by_id(&types, &id.to_ascii_lowercase(), BASE),
                Some(listed),
                "{id}"
            );
        }
        assert_eq!(schema_by_id(&types, "urn:bogus", BASE), None);
    }

    #[test]
    fn schemas_lists_each_once_core_first_then_discovery_schemas() {
        let all = builtin::resource_types();
        let user_only: Vec<ResourceSchema> =
            all.iter().filter(|t| t.name == "User").cloned().collect();
        // Two types sharing one extension.
        let mut shared = all.clone();
        if let (Some(group), Some(ext)) = (shared.get_mut(1), all[0].extensions.first()) {
            group.extensions.push(Extension {
                schema: ext.schema.clone(),
                required: true,
            });
        }
        let discovery = [SERVICE_PROVIDER_CONFIG, RESOURCE_TYPE, SCHEMA];
        let table: [(&str, &[ResourceSchema], Vec<&str>); 3] = [
            (
                "every built-in type",
                &all,
                [USER, GROUP, OKTA_ENTITLEMENT, OKTA_ROLE, ENTERPRISE_USER]
                    .into_iter()
                    .chain(discovery)
                    .collect(),
            ),
            (
                "users only (groups switched off)",
                &user_only,
                [USER, ENTERPRISE_USER]
                    .into_iter()
                    .chain(discovery)
                    .collect(),
            ),
            (
                "an extension shared by two types",
                &shared,
                [USER, GROUP, OKTA_ENTITLEMENT, OKTA_ROLE, ENTERPRISE_USER]
                    .into_iter()
                    .chain(discovery)
                    .collect(),
            ),
        ];
        for (name, types, expected) in table {
            let ids: Vec<String> = schemas(types, BASE)
                .iter()
                .map(|s| s["id"].as_str().unwrap_or("").to_owned())
                .collect();
            assert_eq!(ids, expected, "{name}");
        }
        // scim2-tester's core_schemas_validation looks for these names.
        let names: Vec<String> = schemas(&all, BASE)
            .iter()
            .map(|s| s["name"].as_str().unwrap_or("").to_owned())
            .collect();
        for required in [
            "ServiceProviderConfig",
            "ResourceType",
            "Schema",
            "User",
            "Group",
            "EnterpriseUser",
        ] {
            assert!(
                names.iter().any(|n| n == required),
                "{required} missing from {names:?}"
            );
        }
    }

    #[test]
    fn discovery_output_never_shows_engine_internals() {
        // User.groups is computed by the engine; discovery shows a plain read-only attribute.
        let user = builtin::user_schema();
        let listed = schema(&user, BASE);
        let groups = listed["attributes"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["name"] == "groups"))
            .expect("groups");
        assert_eq!(groups["mutability"], "readOnly");
        assert!(groups.get("x-computed").is_none());
        let text =
            serde_json::to_string(&schemas(&builtin::resource_types(), BASE)).unwrap_or_default();
        assert!(!text.contains("x-computed"));
    }

    #[test]
    fn references_without_types_are_advertised_as_external() {
        let attr: Attribute =
            crate::value::from_value(json!({"name": "homepage", "type": "reference"}))
                .expect("attribute");
        assert_eq!(attribute(&attr)["referenceTypes"], json!(["external"]));
        let empty_complex: Attribute =
            crate::value::from_value(json!({"name": "blob", "type": "complex"}))
                .expect("attribute");
        assert_eq!(attribute(&empty_complex)["subAttributes"], json!([]));
    }
}
