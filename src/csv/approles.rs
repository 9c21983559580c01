//! AppRoleMembership.csv: each row grants an app role to a user or a group, as identity
//! domains' `AppRoleImport` does: the app by its display name (`App Name`, or the job's
//! `appDisplayName`), the role by its display name within that app (`Entitlement Value`),
//! the grantee by user name or group name (`Grantee Name`, of `Grantee Type`, `User` when
//! empty). The row creates one `Grant` (`grantMechanism` `IMPORT_GRANTS`); a grant that
//! exists already leaves the row `Unchanged`.
//!
//! This needs a tenant serving identity domains' `App`, `AppRole` and `Grant` resource
//! types (the `oci` persona); elsewhere the import is refused as a whole.

use super::columns::{self, Columns};
use super::formula::unescape;
use super::import::{Action, Applied, Options};
use super::lookup;
use super::read::Record;
use super::Kind;
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::schema::ResourceSchema;
use crate::tenant::{ChangeSet, Tenant};
use crate::value::{Map, Text, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;

/// Where each of a membership's cells is in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    app: Option<usize>,
    role: usize,
    attribute: Option<usize>,
    grantee: usize,
    grantee_type: Option<usize>,
    default_app: Option<String>,
    /// Who the grants are written for (`Options::caller`).
    caller: Option<crate::persona::Caller>,
    /// The Grant type's core schema URN, for `schemas`.
    schema: String,
}

/// One row, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Membership<'r> {
    /// The app's display name.
    pub(super) app: &'r str,
    /// The app role's display name.
    pub(super) role: &'r str,
    /// What is granted (`appRoles`).
    pub(super) attribute: &'r str,
    /// The grantee's user name or group name.
    pub(super) grantee: &'r str,
    /// `User` or `Group`.
    pub(super) grantee_type: &'r str,
}

impl Plan {
    /// Matches a header against the columns of the tenant's Grant type.
    pub(super) fn new(header: &[&str], grant: &ResourceSchema, options: &Options) -> Result<Plan> {
        let all: Columns = columns::columns(Kind::AppRoles, grant);
        let matched = columns::match_header(&all, header)?;
        let at = |maps_to: &str| {
            matched.iter().position(|m| {
                m.and_then(|i| all.columns.get(i))
                    .is_some_and(|c| c.maps_to == maps_to)
            })
        };
        let plan = Plan {
            app: at("app.value"),
            role: at("entitlement.attributeValue").ok_or_else(|| missing("Entitlement Value"))?,
            attribute: at("entitlement.attributeName"),
            grantee: at("grantee.value").ok_or_else(|| missing("Grantee Name"))?,
            grantee_type: at("grantee.type"),
            default_app: options.app_display_name.clone(),
            caller: options.caller.clone(),
            schema: grant.core.id.clone(),
        };
        if plan.app.is_none() && plan.default_app.is_none() {
            return Err(ScimError::invalid_value(
                "the file has no App Name column and the job names no app (appDisplayName)",
            ));
        }
        Ok(plan)
    }

    /// A row's cells, unwrapped, with the defaults for empty ones.
    pub(super) fn read<'r>(&'r self, record: &Record<'r>) -> Result<Membership<'r>> {
        let cell = |at: Option<usize>| {
            at.map(|i| unescape(record.get(i)))
                .filter(|c| !c.is_empty())
        };
        let app = cell(self.app)
            .or(self.default_app.as_deref())
            .ok_or_else(|| ScimError::invalid_value("App Name is empty"))?;
        let role = cell(Some(self.role))
            .ok_or_else(|| ScimError::invalid_value("Entitlement Value is empty"))?;
        let grantee = cell(Some(self.grantee))
            .ok_or_else(|| ScimError::invalid_value("Grantee Name is empty"))?;
        Ok(Membership {
            app,
            role,
            attribute: cell(self.attribute).unwrap_or("appRoles"),
            grantee,
            grantee_type: cell(self.grantee_type).unwrap_or("User"),
        })
    }

    /// Grants the row's role; the key is the grantee's name.
    pub(super) fn apply(
        &self,
        tenant: &mut Tenant,
        env: &mut Env,
        changes: &mut ChangeSet,
        record: &Record<'_>,
    ) -> (String, Result<Applied>) {
        match self.read(record) {
            Ok(m) => (m.grantee.to_string(), grant(tenant, env, changes, &m, self)),
            Err(e) => (String::new(), Err(e)),
        }
    }
}

fn missing(heading: &str) -> ScimError {
    ScimError::invalid_value(format!(
        "the header lacks the required column \"{heading}\""
    ))
}

/// Resolves a membership's names and creates its Grant unless it exists.
fn grant(
    tenant: &mut Tenant,
    env: &mut Env,
    changes: &mut ChangeSet,
    m: &Membership<'_>,
    plan: &Plan,
) -> Result<Applied> {
    let schema = plan.schema.as_str();
    if !m.attribute.eq_ignore_ascii_case("appRoles") {
        return Err(ScimError::invalid_value(format!(
            "Entitlement Name \"{}\": only appRoles are imported",
            m.attribute
        )));
    }
    let base = env.base_url;
    let app = lookup::by_key(tenant, "App", m.app, base)?
        .ok_or_else(|| ScimError::invalid_value(format!("App Name: no App \"{}\"", m.app)))?;
    let role = lookup::the_one(
        tenant,
        "AppRole",
        &[("displayName", m.role), ("app.value", &app)],
        &|| format!("AppRole \"{}\" of App \"{}\"", m.role, m.app),
        base,
    )?
    .ok_or_else(|| {
        ScimError::invalid_value(format!(
            "Entitlement Value: App \"{}\" has no AppRole \"{}\"",
            m.app, m.role
        ))
    })?;
    let grantee_type = tenant
        .resource_types()
        .iter()
        .map(|rs| rs.name.as_str())
        .find(|name| name.eq_ignore_ascii_case(m.grantee_type))
        .map(str::to_string)
        .ok_or_else(|| {
            ScimError::invalid_value(format!("Grantee Type \"{}\" is not served", m.grantee_type))
        })?;
    let grantee = lookup::by_key(tenant, &grantee_type, m.grantee, base)?.ok_or_else(|| {
        ScimError::invalid_value(format!("Grantee Name: no {grantee_type} \"{}\"", m.grantee))
    })?;
    let existing = lookup::the_one(
        tenant,
        "Grant",
        &[
            ("grantee.value", &grantee),
            ("app.value", &app),
            ("entitlement.attributeValue", &role),
        ],
        &|| format!("the grant of \"{}\" to \"{}\"", m.role, m.grantee),
        base,
    )?;
    if let Some(id) = existing {
        return Ok(Applied {
            action: Action::Unchanged,
            id: Some(id),
        });
    }
    let object = |pairs: &[(&str, Value)]| {
        let mut map = Map::with_capacity(pairs.len());
        for (key, value) in pairs {
            map.insert(*key, value.clone());
        }
        Value::Object(map)
    };
    let body = object(&[
        ("schemas", Value::Array(vec![Value::from(schema)])),
        (
            "grantee",
            object(&[
                ("type", Value::from(grantee_type.as_str())),
                ("value", Value::String(grantee)),
            ]),
        ),
        ("app", object(&[("value", Value::String(app))])),
        (
            "entitlement",
            object(&[
                ("attributeName", Value::from("appRoles")),
                ("attributeValue", Value::String(role)),
            ]),
        ),
        ("grantMechanism", Value::from("IMPORT_GRANTS")),
    ]);
    let stored = tenant.create_as("Grant", body, plan.caller.as_ref(), env, changes)?;
    Ok(Applied {
        action: Action::Created,
        id: stored.get("id").and_then(Value::as_str).map(Text::new),
    })
}

#[cfg(test)]
mod tests;
