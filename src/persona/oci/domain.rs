//! What a new identity domain holds, and its app administration:
//! - [`furnish`]: the confidential app made with the server (active, client credentials;
//!   its client id and secret are in the creation answer) and the domain's administrator
//!   roles (`AppRoles` of the domain's own app, which scripts look up by name to grant);
//! - [`change_status`]: `PUT /AppStatusChanger/{id} {"active": true|false}`.

use super::schemas::{APP, APP_ROLE, APP_STATUS_CHANGER};
use super::DOMAIN_APP;
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::{Method, Request, Response};
use crate::persona::{Caller, CallerKind};
use crate::schema::builtin::PATCH_OP;
use crate::tenant::{ChangeSet, Outcome, Tenant};
use crate::value::{Map, Value};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The administrator roles of a new domain (`AppRoles` of its own app).
pub const ADMIN_ROLES: [&str; 7] = [
    "Identity Domain Administrator",
    "Security Administrator",
    "Application Administrator",
    "User Administrator",
    "User Manager",
    "Help Desk Administrator",
    "Audit Administrator",
];

/// What a server's creation order may ask of its domain besides its app: an administrator
/// whose API key the OCI SDK can sign with from the start (`{"apiKey": PEM, "userName"?}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DomainOrder {
    /// The administrator's PEM public key.
    pub api_key: String,
    /// The administrator's userName (default `oci-admin@example.com`).
    #[serde(default)]
    pub user_name: Option<String>,
}

impl DomainOrder {
    /// 400 for a key that is not an RSA public key, before anything is made.
    pub fn check(&self) -> Result<()> {
        super::signature::fingerprint(&self.api_key).map(|_| ())
    }
}

/// The app made with a server: what the creation answer shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Furnished {
    /// Its id.
    pub app_id: String,
    /// Its client id (`name`).
    pub client_id: String,
    /// Its client secret, in clear (shown this once).
    pub client_secret: String,
    /// The administrator made with it, if asked: its user OCID and its key's fingerprint.
    pub admin: Option<(String, String)>,
}

impl Furnished {
    /// The app as a caller: who the server's generated data is created by.
    pub fn caller(&self) -> Caller {
        Caller {
            kind: CallerKind::App,
            id: self.app_id.clone(),
            display: String::from(APP_NAME),
        }
    }
}

/// The display name of the app made with a server.
pub const APP_NAME: &str = "scimlet";

fn text(s: &str) -> Value {
    Value::from(s)
}

fn object(entries: Vec<(&str, Value)>) -> Value {
    let mut map = Map::with_capacity(entries.len());
    for (k, v) in entries {
        map.insert(k, v);
    }
    Value::Object(map)
}

/// Fills a new domain: its app, its administrator roles, and the administrator `order` asks
/// for, created by the domain itself.
pub fn furnish(
    tenant: &mut Tenant,
    order: Option<&DomainOrder>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Furnished> {
    let domain = Caller::domain();
    let app = object(vec![
        ("schemas", Value::Array(vec![text(APP)])),
        ("displayName", text(APP_NAME)),
        (
            "description",
            text("The confidential app made with this server"),
        ),
        ("clientType", text("confidential")),
        (
            "allowedGrants",
            Value::Array(vec![text("client_credentials")]),
        ),
        ("isOAuthClient", Value::Bool(true)),
        ("active", Value::Bool(true)),
        (
            "basedOnTemplate",
            object(vec![("value", text("CustomWebAppTemplateId"))]),
        ),
    ]);
    let stored = tenant.create_as("App", app, Some(&domain), env, changes)?;
    let field = |name: &str| stored.get(name).and_then(Value::as_str).unwrap_or("");
    let (app_id, client_id) = (String::from(field("id")), String::from(field("name")));
    let rs = tenant
        .resource_types()
        .iter()
        .find(|rs| rs.name == "App")
        .ok_or_else(|| ScimError::not_found("this server serves no Apps"))?;
    let client_secret = super::credentials::secret(tenant, rs, &app_id, "clientSecret")?;
    for role in ADMIN_ROLES {
        let app_role = object(vec![
            ("schemas", Value::Array(vec![text(APP_ROLE)])),
            ("displayName", text(role)),
            (
                "app",
                object(vec![
                    ("value", text(DOMAIN_APP)),
                    ("display", text("IDCS Application")),
                ]),
            ),
            ("adminRole", Value::Bool(true)),
            ("availableToClients", Value::Bool(true)),
            ("availableToGroups", Value::Bool(true)),
            ("availableToUsers", Value::Bool(true)),
        ]);
        tenant.create_as("AppRole", app_role, Some(&domain), env, changes)?;
    }
    let admin = match order {
        Some(order) => Some(administrator(tenant, order, &domain, env, changes)?),
        None => None,
    };
    Ok(Furnished {
        app_id,
        client_id,
        client_secret,
        admin,
    })
}

/// The administrator an order asks for, and its API key: `(user OCID, fingerprint)`.
fn administrator(
    tenant: &mut Tenant,
    order: &DomainOrder,
    domain: &Caller,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<(String, String)> {
    let name = order
        .user_name
        .as_deref()
        .unwrap_or("oci-admin@example.com");
    let user = object(vec![
        (
            "schemas",
            Value::Array(vec![text(crate::schema::builtin::USER)]),
        ),
        ("userName", text(name)),
        ("displayName", text("OCI administrator")),
        (
            "emails",
            Value::Array(vec![object(vec![
                ("value", text(name)),
                ("type", text("work")),
                ("primary", Value::Bool(true)),
            ])]),
        ),
    ]);
    let user = tenant.create_as("User", user, Some(domain), env, changes)?;
    let user_id = user.get("id").and_then(Value::as_str).unwrap_or("");
    let key = object(vec![
        (
            "schemas",
            Value::Array(vec![text(super::schemas::CREDENTIALS[0].schema)]),
        ),
        ("key", text(&order.api_key)),
        ("user", object(vec![("value", text(user_id))])),
    ]);
    let key = tenant.create_as("ApiKey", key, Some(domain), env, changes)?;
    let field =
        |v: &Value, name: &str| String::from(v.get(name).and_then(Value::as_str).unwrap_or(""));
    Ok((field(&user, "ocid"), field(&key, "fingerprint")))
}

/// `PUT /AppStatusChanger/{id}`: activates or deactivates an app (a PATCH of its `active`
/// on behalf of the caller), answered in the AppStatusChanger shape.
pub fn change_status(tenant: &mut Tenant, req: &Request, id: &str, env: &mut Env) -> Outcome {
    match status_patch(req) {
        Ok(active) => {
            let mut patch = Request::new(Method::Patch, &alloc::format!("/Apps/{id}"));
            patch.body = serde_json::to_vec(&crate::json!({
                "schemas": [PATCH_OP],
                "Operations": [{"op": "replace", "path": "active", "value": active}],
            }))
            .unwrap_or_default();
            patch.content_type = Some(crate::http::SCIM_JSON.into());
            patch.caller = req.caller.clone();
            let mut outcome = tenant.handle(&patch, env);
            if outcome.response.status == 200 {
                let body = crate::json!({
                    "schemas": [APP_STATUS_CHANGER],
                    "id": id,
                    "active": active,
                });
                outcome.response.body = serde_json::to_vec(&body).unwrap_or_default();
            }
            outcome
        }
        Err(e) => Outcome {
            response: error(&e),
            changes: ChangeSet::default(),
        },
    }
}

/// The `active` a status change asks for (only PUT, with a boolean).
fn status_patch(req: &Request) -> Result<bool> {
    if req.method != Method::Put {
        return Err(ScimError::new(
            405,
            None,
            "AppStatusChanger takes PUT {\"active\": true|false}",
        ));
    }
    crate::value::from_slice(&req.body)
        .ok()
        .and_then(|v| v.get("active").and_then(Value::as_bool))
        .ok_or_else(|| ScimError::invalid_value("AppStatusChanger needs \"active\": true or false"))
}

fn error(e: &ScimError) -> Response {
    crate::admin::error_response(e)
}
