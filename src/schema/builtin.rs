//! The built-in schemas: RFC 7643 User, EnterpriseUser and Group (section 8.7.1), and
//! Okta's Entitlement and Role resource types.
//!
//! Written with a tiny builder so each attribute reads like its row in the RFC.

use super::{
    AttrType, Attribute, Extension, Mutability, ResourceSchema, Returned, Schema, Uniqueness,
};
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// `urn:ietf:params:scim:schemas:core:2.0:User`
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// `urn:ietf:params:scim:schemas:core:2.0:Group`
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// Okta's entitlement resource schema.
pub const OKTA_ENTITLEMENT: &str = "urn:okta:scim:schemas:core:1.0:Entitlement";
/// Okta's role resource schema.
pub const OKTA_ROLE: &str = "urn:okta:scim:schemas:core:1.0:Role";
/// `ListResponse` message URN.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// `SearchRequest` message URN.
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
/// `PatchOp` message URN.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// `BulkRequest` message URN.
pub const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
/// `BulkResponse` message URN.
pub const BULK_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
/// ServiceProviderConfig schema URN.
pub const SERVICE_PROVIDER_CONFIG: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
/// ResourceType schema URN.
pub const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
/// Schema schema URN.
pub const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// Starts a `string` attribute with RFC 7643 defaults
/// (not multi-valued, optional, case-insensitive, readWrite, returned by default, no uniqueness).
pub(crate) fn attr(name: &str) -> Attribute {
    Attribute {
        name: name.to_owned(),
        ty: AttrType::String,
        multi_valued: false,
        description: String::new(),
        required: false,
        canonical_values: Vec::new(),
        case_exact: false,
        mutability: Mutability::ReadWrite,
        returned: Returned::Default,
        uniqueness: Uniqueness::None,
        reference_types: Vec::new(),
        sub_attributes: Vec::new(),
        computed: false,
    }
}

impl Attribute {
    pub(crate) fn ty(mut self, ty: AttrType) -> Self {
        self.ty = ty;
        self
    }
    pub(crate) fn multi(mut self) -> Self {
        self.multi_valued = true;
        self
    }
    pub(crate) fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub(crate) fn exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    pub(crate) fn mutability(mut self, m: Mutability) -> Self {
        self.mutability = m;
        self
    }
    pub(crate) fn returned(mut self, r: Returned) -> Self {
        self.returned = r;
        self
    }
    pub(crate) fn unique(mut self) -> Self {
        self.uniqueness = Uniqueness::Server;
        self
    }
    pub(crate) fn canonical(mut self, values: &[&str]) -> Self {
        self.canonical_values = values.iter().map(|v| (*v).to_owned()).collect();
        self
    }
    pub(crate) fn refs(mut self, types: &[&str]) -> Self {
        self.ty = AttrType::Reference;
        self.case_exact = true;
        self.reference_types = types.iter().map(|v| (*v).to_owned()).collect();
        self
    }
    pub(crate) fn subs(mut self, subs: Vec<Attribute>) -> Self {
        self.ty = AttrType::Complex;
        self.sub_attributes = subs;
        self
    }
    pub(crate) fn describe(mut self, d: &str) -> Self {
        self.description = d.to_owned();
        self
    }
    pub(crate) fn computed(mut self) -> Self {
        self.computed = true;
        self
    }
}

/// The usual multi-valued complex shape: value, display, type, primary.
pub(crate) fn plural(name: &str, types: &[&str]) -> Attribute {
    attr(name).multi().subs(vec![
        attr("value"),
        attr("display"),
        attr("type").canonical(types),
        attr("primary").ty(AttrType::Boolean),
    ])
}

/// `id`, `externalId` and `meta`, common to every resource (RFC 7643 section 3.1).
pub fn common_attributes() -> Vec<Attribute> {
    vec![
        attr("id")
            .exact()
            .mutability(Mutability::ReadOnly)
            .returned(Returned::Always)
            .unique()
            .describe("Unique identifier for the resource, assigned by the service provider."),
        attr("externalId")
            .exact()
            .describe("Identifier of the resource as defined by the provisioning client."),
        attr("meta")
            .mutability(Mutability::ReadOnly)
            .subs(vec![
                attr("resourceType")
                    .exact()
                    .mutability(Mutability::ReadOnly),
                attr("created")
                    .ty(AttrType::DateTime)
                    .mutability(Mutability::ReadOnly),
                attr("lastModified")
                    .ty(AttrType::DateTime)
                    .mutability(Mutability::ReadOnly),
                attr("location")
                    .refs(&["uri"])
                    .mutability(Mutability::ReadOnly),
                attr("version").exact().mutability(Mutability::ReadOnly),
            ])
            .describe("Resource metadata maintained by the service provider."),
    ]
}

/// RFC 7643 section 4.1: the User core schema.
pub fn user_schema() -> Schema {
    let ro = Mutability::ReadOnly;
    Schema {
        id: USER.into(),
        name: "User".into(),
        description: "User Account".into(),
        attributes: vec![
            attr("userName")
                .required()
                .unique()
                // RFC 7643 says `default`; `always` as OCI IAM declares it: OCI's clean-up
                // asks for `attributes=id` and still reads `userName`.
                .returned(Returned::Always)
                .describe("Unique identifier for the User, used to sign in."),
            attr("name")
                .subs(vec![
                    attr("formatted"),
                    attr("familyName"),
                    attr("givenName"),
                    attr("middleName"),
                    attr("honorificPrefix"),
                    attr("honorificSuffix"),
                ])
                .describe("The components of the user's real name."),
            attr("displayName"),
            attr("nickName"),
            attr("profileUrl").refs(&["external"]),
            attr("title"),
            attr("userType"),
            attr("preferredLanguage"),
            attr("locale"),
            attr("timezone"),
            attr("active").ty(AttrType::Boolean),
            attr("password")
                .exact()
                .mutability(Mutability::WriteOnly)
                .returned(Returned::Never)
                .describe("Cleartext password; write-only, never returned."),
            plural("emails", &["work", "home", "other"]),
            plural(
                "phoneNumbers",
                &["work", "home", "mobile", "fax", "pager", "other"],
            ),
            plural(
                "ims",
                &["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
            ),
            attr("photos").multi().subs(vec![
                attr("value").refs(&["external"]),
                attr("display"),
                attr("type").canonical(&["photo", "thumbnail"]),
                attr("primary").ty(AttrType::Boolean),
            ]),
            attr("addresses").multi().subs(vec![
                attr("formatted"),
                attr("streetAddress"),
                attr("locality"),
                attr("region"),
                attr("postalCode"),
                attr("country"),
                attr("type").canonical(&["work", "home", "other"]),
                attr("primary").ty(AttrType::Boolean),
            ]),
            attr("groups")
                .multi()
                .mutability(ro)
                .computed()
                .subs(vec![
                    attr("value").mutability(ro),
                    attr("$ref").refs(&["User", "Group"]).mutability(ro),
                    attr("display").mutability(ro),
                    attr("type")
                        .canonical(&["direct", "indirect"])
                        .mutability(ro),
                ])
                .describe("Groups the user belongs to, computed from Group membership; read-only."),
            plural("entitlements", &[]),
            plural("roles", &[]),
            attr("x509Certificates").multi().subs(vec![
                attr("value").ty(AttrType::Binary),
                attr("display"),
                attr("type"),
                attr("primary").ty(AttrType::Boolean),
            ]),
        ],
    }
}

/// RFC 7643 section 4.3: the Enterprise User extension.
pub fn enterprise_user_schema() -> Schema {
    Schema {
        id: ENTERPRISE_USER.into(),
        name: "EnterpriseUser".into(),
        description: "Enterprise User".into(),
        attributes: vec![
            attr("employeeNumber"),
            attr("costCenter"),
            attr("organization"),
            attr("division"),
            attr("department"),
            attr("manager").subs(vec![
                attr("value"),
                attr("$ref").refs(&["User"]),
                attr("displayName").mutability(Mutability::ReadOnly),
            ]),
        ],
    }
}

/// RFC 7643 section 4.2: the Group core schema.
///
/// `members.display` is not in the RFC's schema listing but every IdP sends it
/// (RFC 7643 section 4.2 text mentions it), so it is declared.
pub fn group_schema() -> Schema {
    Schema {
        id: GROUP.into(),
        name: "Group".into(),
        description: "Group".into(),
        attributes: vec![
            attr("displayName")
                .required()
                .describe("A human-readable name for the Group."),
            attr("members").multi().subs(vec![
                attr("value").mutability(Mutability::Immutable),
                attr("$ref")
                    .refs(&["User", "Group"])
                    .mutability(Mutability::Immutable),
                attr("display"),
                attr("type")
                    .canonical(&["User", "Group"])
                    .mutability(Mutability::Immutable),
            ]),
        ],
    }
}

/// Okta Identity Governance entitlement (`/Entitlements`).
pub fn entitlement_schema() -> Schema {
    Schema {
        id: OKTA_ENTITLEMENT.into(),
        name: "Entitlement".into(),
        description: "Okta entitlement: a license, profile or permission users can be granted"
            .into(),
        attributes: vec![
            attr("displayName").required(),
            attr("type").canonical(&["License", "Profile", "Permission"]),
            attr("description"),
        ],
    }
}

/// Okta Identity Governance role (`/Roles`).
pub fn role_schema() -> Schema {
    Schema {
        id: OKTA_ROLE.into(),
        name: "Role".into(),
        description: "Okta role: a named bundle of permissions users can be granted".into(),
        attributes: vec![
            attr("displayName").required(),
            attr("type"),
            attr("description"),
        ],
    }
}

/// The four built-in resource types, in discovery order.
pub fn resource_types() -> Vec<ResourceSchema> {
    vec![
        ResourceSchema {
            name: "User".into(),
            common: common_attributes(),
            endpoint: "/Users".into(),
            description: "User Account".into(),
            core: user_schema(),
            extensions: vec![Extension {
                schema: enterprise_user_schema(),
                required: false,
            }],
        },
        ResourceSchema {
            name: "Group".into(),
            common: common_attributes(),
            endpoint: "/Groups".into(),
            description: "Group".into(),
            core: group_schema(),
            extensions: Vec::new(),
        },
        ResourceSchema {
            name: "Entitlement".into(),
            common: common_attributes(),
            endpoint: "/Entitlements".into(),
            description: "Okta entitlements".into(),
            core: entitlement_schema(),
            extensions: Vec::new(),
        },
        ResourceSchema {
            name: "Role".into(),
            common: common_attributes(),
            endpoint: "/Roles".into(),
            description: "Okta roles".into(),
            core: role_schema(),
            extensions: Vec::new(),
        },
    ]
}

/// One built-in resource type by name (`User`, `Group`, `Entitlement`, `Role`).
pub fn resource_type(name: &str) -> Option<ResourceSchema> {
    resource_types().into_iter().find(|rs| rs.name == name)
}
