//! The identity domain's schemas: what an `oci` server adds to the tenant's resource types.
//!
//! - On every type: `ocid`, and `idcsCreatedBy` / `idcsLastModifiedBy` (who wrote it:
//!   `{type: App|User, value, display, ocid, $ref}`), read-only, filterable and sortable
//!   like any attribute.
//! - On User: the identity-domain user extension (`bypassNotification`,
//!   `isFederatedUser`, ...) and the capabilities extension (the eight `canUse*` flags).
//! - New types: Apps, AppRoles, Grants, and the six credential types, each tied to a user.
//!
//! The Okta types (Entitlements, Roles) are not served: an identity domain has none.

use crate::schema::builtin::{attr, common_attributes};
use crate::schema::{AttrType, Attribute, Extension, Mutability, ResourceSchema, Returned, Schema};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// The identity-domain user extension.
pub const USER_EXTENSION: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User";
/// The capabilities extension of users.
pub const CAPABILITIES: &str =
    "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User";
/// App resources.
pub const APP: &str = "urn:ietf:params:scim:schemas:oracle:idcs:App";
/// AppRole resources.
pub const APP_ROLE: &str = "urn:ietf:params:scim:schemas:oracle:idcs:AppRole";
/// Grant resources.
pub const GRANT: &str = "urn:ietf:params:scim:schemas:oracle:idcs:Grant";
/// The body of `PUT /AppStatusChanger/{id}`.
pub const APP_STATUS_CHANGER: &str = "urn:ietf:params:scim:schemas:oracle:idcs:AppStatusChanger";

/// The eight capability flags of a user, all on in a new domain.
pub const CAPABILITY_FLAGS: [&str; 8] = [
    "canUseApiKeys",
    "canUseAuthTokens",
    "canUseConsolePassword",
    "canUseCustomerSecretKeys",
    "canUseDbCredentials",
    "canUseOAuth2ClientCredentials",
    "canUseSmtpCredentials",
    "canUseConsole",
];

/// One kind of user credential: its type, endpoint, schema, the capability that allows
/// it, and the secret the domain generates and shows once (`None`: the client sets it,
/// or there is none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialKind {
    /// Resource type name.
    pub name: &'static str,
    /// Endpoint below `/admin/v1`.
    pub endpoint: &'static str,
    /// Schema URN.
    pub schema: &'static str,
    /// The user capability that must be on.
    pub capability: &'static str,
    /// The generated secret attribute.
    pub secret: Option<&'static str>,
}

/// The six credential kinds, in the order the OCI console lists them.
pub const CREDENTIALS: [CredentialKind; 6] = [
    CredentialKind {
        name: "ApiKey",
        endpoint: "/ApiKeys",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:apikey",
        capability: "canUseApiKeys",
        secret: None,
    },
    CredentialKind {
        name: "AuthToken",
        endpoint: "/AuthTokens",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:authToken",
        capability: "canUseAuthTokens",
        secret: Some("token"),
    },
    CredentialKind {
        name: "CustomerSecretKey",
        endpoint: "/CustomerSecretKeys",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:customerSecretKey",
        capability: "canUseCustomerSecretKeys",
        secret: Some("secretKey"),
    },
    CredentialKind {
        name: "UserDbCredential",
        endpoint: "/UserDbCredentials",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:UserDbCredentials",
        capability: "canUseDbCredentials",
        secret: None,
    },
    CredentialKind {
        name: "OAuth2ClientCredential",
        endpoint: "/OAuth2ClientCredentials",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:oauth2ClientCredential",
        capability: "canUseOAuth2ClientCredentials",
        secret: Some("secret"),
    },
    CredentialKind {
        name: "SmtpCredential",
        endpoint: "/SmtpCredentials",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:smtpCredential",
        capability: "canUseSmtpCredentials",
        secret: Some("password"),
    },
];

/// The credential kind of a resource type name, if it is one.
pub fn credential_kind(type_name: &str) -> Option<&'static CredentialKind> {
    CREDENTIALS.iter().find(|k| k.name == type_name)
}

const RO: Mutability = Mutability::ReadOnly;

fn boolean(name: &str) -> Attribute {
    attr(name).ty(AttrType::Boolean)
}

fn read_only(a: Attribute) -> Attribute {
    a.mutability(RO)
}

/// `{type, value, display, ocid, $ref}` of who wrote a resource.
fn writer(name: &str, describe: &str) -> Attribute {
    read_only(attr(name))
        .subs(vec![
            read_only(attr("type")).canonical(&["App", "User"]),
            read_only(attr("value")).exact(),
            read_only(attr("display")),
            read_only(attr("ocid")).exact(),
            read_only(attr("$ref")).refs(&["App", "User"]),
        ])
        .describe(describe)
}

/// What every type of an identity domain carries besides `id`, `externalId` and `meta`.
fn domain_common() -> Vec<Attribute> {
    let mut common = common_attributes();
    common.push(
        read_only(attr("ocid"))
            .exact()
            .describe("The resource's Oracle Cloud ID."),
    );
    common.push(writer(
        "idcsCreatedBy",
        "The app or user whose credential created the resource.",
    ));
    common.push(writer(
        "idcsLastModifiedBy",
        "The app or user whose credential last changed the resource.",
    ));
    common
}

/// `{value, ocid, display, name, $ref}`: the user a credential belongs to.
fn owner() -> Attribute {
    attr("user")
        .subs(vec![
            attr("value").exact().mutability(Mutability::Immutable),
            attr("ocid").exact().mutability(Mutability::Immutable),
            read_only(attr("display")),
            read_only(attr("name")),
            read_only(attr("$ref")).refs(&["User"]),
        ])
        .describe("The user the credential belongs to (by id or by ocid).")
}

/// Status and expiry, shared by every credential.
fn credential_common() -> Vec<Attribute> {
    vec![
        attr("description"),
        attr("status").canonical(&["ACTIVE", "INACTIVE"]),
        attr("expiresOn").ty(AttrType::DateTime),
        owner(),
    ]
}

fn secret(name: &str) -> Attribute {
    attr(name)
        .exact()
        .mutability(Mutability::WriteOnly)
        .returned(Returned::Never)
        .describe("Generated; shown once, in the creation answer.")
}

/// The identity-domain user extension.
pub fn user_extension() -> Schema {
    Schema {
        id: USER_EXTENSION.into(),
        name: "IdcsUser".into(),
        description: "Identity domain user attributes".into(),
        attributes: vec![
            boolean("bypassNotification")
                .mutability(Mutability::WriteOnly)
                .returned(Returned::Never)
                .describe("Do not send the welcome e-mail."),
            boolean("isFederatedUser"),
            boolean("isAuthenticationDelegated"),
            attr("status"),
            attr("creationMechanism").canonical(&[
                "bulk", "api", "adsync", "idcsui", "import", "authsync", "selfreg", "samljit",
            ]),
            boolean("doNotShowGettingStarted"),
            attr("preferredUiLandingPage"),
            boolean("serviceUser"),
            attr("userProvider"),
            boolean("accountRecoveryRequired").mutability(RO),
            boolean("userFlowControlledByExternalClient"),
            boolean("isGroupMembershipSyncedToUsersGroups"),
        ],
    }
}

/// The capabilities extension: which credentials a user may hold.
pub fn capabilities_extension() -> Schema {
    Schema {
        id: CAPABILITIES.into(),
        name: "userCredentialsCapabilities".into(),
        description: "Which credentials the user may hold".into(),
        attributes: CAPABILITY_FLAGS.iter().map(|f| boolean(f)).collect(),
    }
}

fn app_schema() -> Schema {
    Schema {
        id: APP.into(),
        name: "App".into(),
        description: "An application: an OAuth client of the domain".into(),
        attributes: vec![
            attr("displayName").required(),
            // Immutable rather than read-only: the engine indexes (and keeps unique) only
            // what a client may send; the domain overwrites what one sends on create.
            attr("name")
                .exact()
                .unique()
                .mutability(Mutability::Immutable)
                .describe("The OAuth client id: generated, different from id."),
            attr("description"),
            boolean("active"),
            attr("clientType").canonical(&["confidential", "public", "trusted"]),
            attr("allowedGrants").multi(),
            attr("allowedScopes")
                .multi()
                .subs(vec![attr("fqs"), attr("idOfDefiningApp")]),
            boolean("isOAuthClient"),
            attr("basedOnTemplate").subs(vec![
                attr("value"),
                attr("wellKnownId"),
                read_only(attr("$ref")).refs(&["AppTemplate"]),
            ]),
            attr("redirectUris").multi(),
            boolean("allUrlSchemesAllowed"),
            secret("clientSecret"),
        ],
    }
}

fn app_role_schema() -> Schema {
    Schema {
        id: APP_ROLE.into(),
        name: "AppRole".into(),
        description: "A role an app defines, granted to users, groups or apps".into(),
        attributes: vec![
            attr("displayName").required(),
            attr("description"),
            attr("app").subs(vec![
                attr("value"),
                attr("display"),
                read_only(attr("$ref")).refs(&["App"]),
            ]),
            boolean("adminRole"),
            boolean("public"),
            boolean("availableToUsers"),
            boolean("availableToGroups"),
            boolean("availableToClients"),
        ],
    }
}

fn grant_schema() -> Schema {
    Schema {
        id: GRANT.into(),
        name: "Grant".into(),
        description: "An entitlement of an app granted to a user, group or app".into(),
        attributes: vec![
            attr("grantee").required().subs(vec![
                attr("type").canonical(&["User", "Group", "App"]),
                attr("value"),
                attr("display"),
                read_only(attr("$ref")).refs(&["User", "Group", "App"]),
            ]),
            attr("app").subs(vec![
                attr("value"),
                attr("display"),
                read_only(attr("$ref")).refs(&["App"]),
            ]),
            attr("entitlement").subs(vec![attr("attributeName"), attr("attributeValue")]),
            attr("grantMechanism").canonical(&[
                "IMPORT_APPROLE_MEMBERS",
                "ADMINISTRATOR_TO_USER",
                "ADMINISTRATOR_TO_GROUP",
                "ADMINISTRATOR_TO_APP",
                "SERVICE_MANAGER_TO_USER",
                "SERVICE_MANAGER_TO_APP",
            ]),
        ],
    }
}

/// A credential kind's schema: its own attributes, then status, expiry and its user.
fn credential_schema(kind: &CredentialKind) -> Schema {
    let own: Vec<Attribute> = match kind.name {
        "ApiKey" => vec![
            attr("key")
                .required()
                .exact()
                .mutability(Mutability::Immutable)
                .describe("The PEM public key."),
            attr("fingerprint")
                .exact()
                .unique()
                .mutability(Mutability::Immutable)
                .describe("MD5 of the key's DER SubjectPublicKeyInfo, colon-separated hex: computed from key, whatever is sent."),
        ],
        "AuthToken" => vec![secret("token")],
        "CustomerSecretKey" => vec![
            attr("displayName"),
            read_only(attr("accessKey")).exact(),
            secret("secretKey"),
        ],
        "UserDbCredential" => vec![
            attr("dbPassword")
                .required()
                .exact()
                .mutability(Mutability::WriteOnly)
                .returned(Returned::Never),
            read_only(attr("dbUserName")),
        ],
        "OAuth2ClientCredential" => vec![
            attr("name").required(),
            attr("scopes")
                .multi()
                .subs(vec![attr("audience").required(), attr("scope").required()]),
            boolean("isResetSecret"),
            secret("secret"),
        ],
        "SmtpCredential" => vec![read_only(attr("userName")).exact(), secret("password")],
        _ => Vec::new(),
    };
    let mut attributes = own;
    attributes.extend(credential_common());
    Schema {
        id: kind.schema.into(),
        name: kind.name.into(),
        description: String::from(kind.name),
        attributes,
    }
}

fn domain_type(name: &str, endpoint: &str, core: Schema) -> ResourceSchema {
    ResourceSchema {
        name: name.into(),
        endpoint: endpoint.into(),
        description: core.description.clone(),
        common: domain_common(),
        core,
        extensions: Vec::new(),
    }
}

/// Turns the built-in types into an identity domain's: common attributes on all, the
/// user extensions, no Okta types, then Apps, AppRoles, Grants and the credentials.
pub fn adjust(types: &mut Vec<ResourceSchema>) {
    types.retain(|rs| matches!(rs.name.as_str(), "User" | "Group"));
    for rs in types.iter_mut() {
        rs.common = domain_common();
        if rs.name == "User" {
            for schema in [user_extension(), capabilities_extension()] {
                rs.extensions.push(Extension {
                    schema,
                    required: false,
                });
            }
        }
    }
    types.push(domain_type("App", "/Apps", app_schema()));
    types.push(domain_type("AppRole", "/AppRoles", app_role_schema()));
    types.push(domain_type("Grant", "/Grants", grant_schema()));
    for kind in &CREDENTIALS {
        types.push(domain_type(
            kind.name,
            kind.endpoint,
            credential_schema(kind),
        ));
    }
}

#[cfg(test)]
mod tests;
