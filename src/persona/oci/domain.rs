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

/// The app made with a server: what the creation answer shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Furnished {
    /// Its id.
    pub app_id: String,
    /// Its client id (`name`).
    pub client_id: String,
    /// Its client secret, in clear (shown this once).
    pub client_secret: String,
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

/// Fills a new domain: its app and its administrator roles, created by the domain itself.
pub fn furnish(tenant: &mut Tenant, env: &mut Env, changes: &mut ChangeSet) -> Result<Furnished> {
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
    Ok(Furnished {
        app_id,
        client_id,
        client_secret,
    })
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
