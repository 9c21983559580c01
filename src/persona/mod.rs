//! Personas: a server standing in for a real service beyond plain SCIM.
//!
//! A tenant's `persona` setting picks one. `scim` (the default) is RFC 7643/7644 alone;
//! `oci` is an Oracle identity domain ([`oci`]). Everything persona-specific lives here,
//! reached from the engine through a few seams, each a no-op for `scim`:
//! - [`adjust_types`]: the persona's schemas and resource types (`tenant::resource_types_for`);
//! - `prepare` and `stamp` (re-exported from `oci::credentials`): a write's persona
//!   attributes (`resource::create`, PUT and PATCH): who wrote it, OCIDs, generated
//!   secrets, credential rules;
//! - [`reveal`]: the secrets a creation answer shows once;
//! - [`State`]: what a tenant keeps for its persona (the server's identity, request rates).
//!
//! Who makes a request is the host's to say ([`Caller`], on the core `Request`), from the
//! credential it authenticated.

pub mod oci;

use crate::error::{Result, ScimError};
use crate::http::{Request, Response};
use crate::query::ListParams;
use crate::schema::ResourceSchema;
use crate::settings::{Persona, Settings};
use crate::tenant::Tenant;
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// What kind of principal a credential speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallerKind {
    /// An OAuth client (an access token from the token endpoint, or the server's token).
    App,
    /// A user (a request signed with one of the user's API keys).
    User,
}

impl CallerKind {
    /// `App` or `User`, as `idcsCreatedBy.type` says it.
    pub fn as_str(self) -> &'static str {
        match self {
            CallerKind::App => "App",
            CallerKind::User => "User",
        }
    }
}

/// Who makes a request, as the host authenticated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// App or user.
    pub kind: CallerKind,
    /// The app's or user's id.
    pub id: String,
    /// What `idcsCreatedBy.display` shows (an app's name, a user's userName).
    pub display: String,
}

impl Caller {
    /// The domain itself: what a request made with the server's own token (not an app's
    /// access token) is recorded as. `IDCSAppId` is the identity domain's own app, the one
    /// Grants name for administrator roles.
    pub fn domain() -> Caller {
        Caller {
            kind: CallerKind::App,
            id: String::from(oci::DOMAIN_APP),
            display: String::from("scimlet server token"),
        }
    }
}

/// Which server a tenant is and its secret: hosts set it from the server's record, so
/// OCIDs and client ids name the server, and generated secrets are keyed by it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The server id.
    pub server_id: String,
    /// The server's secret key (from its record; never shown).
    pub key: Vec<u8>,
}

/// What a tenant keeps for its persona, in memory only.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Set by the host ([`Tenant::set_identity`]).
    pub(crate) identity: Option<Identity>,
    /// Request counts for rate limits (need not survive an eviction).
    pub(crate) limiter: oci::ratelimit::Limiter,
    /// The last writer stamped and its `idcsCreatedBy` value: a Bulk load writes thousands
    /// of resources for one caller, and its OCID is a digest to compute.
    pub(crate) writer: core::cell::RefCell<Option<(Caller, Value)>>,
}

impl State {
    /// Sets the server identity; what was derived from the old one is forgotten.
    pub(crate) fn set_identity(&mut self, identity: Option<Identity>) {
        self.identity = identity;
        *self.writer.get_mut() = None;
    }
}

/// The persona's resource types: `types` are the built-in ones the settings enable.
pub(crate) fn adjust_types(settings: &Settings, types: &mut Vec<ResourceSchema>) {
    if settings.persona == Persona::Oci {
        oci::schemas::adjust(types);
    }
}

/// Whether a tenant has a persona beyond SCIM.
pub(crate) fn active(tenant: &Tenant) -> bool {
    tenant.settings.persona == Persona::Oci
}

// Before a create's checks, the persona's rules on client input (a credential's user and
// capability, an API key's fingerprint, a user's default capabilities): `prepare`. After a
// write's checks, before it is sealed and stored, who wrote it, its OCID, kept read-only
// values (`old` on PUT and PATCH) and on create the generated secrets: `stamp`. Both are
// no-ops for a tenant without a persona ([`active`]).
pub(crate) use oci::credentials::{prepare, stamp};

/// What an import must keep of a stored form that normalizing drops: the read-only values
/// the persona stored (a restore is the owner's own data).
pub(crate) fn stored_read_only(
    tenant: &Tenant,
    rs: &ResourceSchema,
    resource: &crate::value::Map,
) -> Vec<(crate::value::Text, Value)> {
    if !active(tenant) {
        return Vec::new();
    }
    oci::credentials::stored_read_only(rs, resource)
}

/// Puts back what [`stored_read_only`] kept.
pub(crate) fn restore(value: &mut Value, kept: Vec<(crate::value::Text, Value)>) {
    oci::credentials::restore(value, kept);
}

/// A creation answer's view with the secrets the persona generated, shown this once.
pub(crate) fn reveal(tenant: &Tenant, rs: &ResourceSchema, stored: &Value, view: &mut Value) {
    if active(tenant) {
        oci::credentials::reveal(tenant, rs, stored, view);
    }
}

/// Counts a request against the tenant's rate limits: 429 with `Retry-After` beyond them.
pub(crate) fn admit(tenant: &mut Tenant, req: &Request, now_ms: i64) -> Result<(), Response> {
    if !active(tenant) {
        return Ok(());
    }
    let bulk = req.path.trim_matches('/').eq_ignore_ascii_case("Bulk");
    let limits = &tenant.settings.rate_limits;
    tenant
        .persona
        .limiter
        .admit(limits, bulk, now_ms)
        .map_err(|retry_after| {
            let e = ScimError::new(
                429,
                None,
                format!(
                    "too many {} requests: this identity domain allows {}",
                    if bulk { "Bulk" } else { "API" },
                    if bulk {
                        format!(
                            "{} a second and {} a minute",
                            limits.bulk_per_second, limits.bulk_per_minute
                        )
                    } else {
                        format!("{} a second", limits.others_per_second)
                    }
                ),
            );
            let mut response = crate::admin::error_response(&e);
            response
                .headers
                .push(("Retry-After".into(), retry_after.to_string()));
            response
        })
}

/// The user `/Me` is for: the caller, when a user (a signed request) makes it.
pub(crate) fn me(req: &Request) -> Option<String> {
    req.caller
        .as_ref()
        .filter(|c| c.kind == CallerKind::User)
        .map(|c| c.id.clone())
}

/// The most resources one page of an identity domain's list holds.
pub const MAX_PAGE: usize = 1000;

/// A collection's list and the headers it adds: an identity domain caps `count` at
/// [`MAX_PAGE`] and pages by `opc-next-page` tokens ([`oci::paging`]); plain SCIM adds
/// nothing.
pub(crate) fn list(
    tenant: &Tenant,
    query: &str,
    mut params: ListParams,
    type_index: usize,
    base_url: &str,
) -> Result<(Value, Vec<(String, String)>)> {
    let domain = active(tenant);
    if domain {
        params.count = Some(
            params
                .count
                .unwrap_or(tenant.settings.max_results)
                .min(MAX_PAGE),
        );
        oci::paging::read_token(query, &mut params);
    }
    let listed = crate::query::list_page(tenant, &[type_index], &params, base_url, domain)?;
    let headers = match &listed.next {
        Some(next) if domain => alloc::vec![oci::paging::next_page(next)],
        _ => Vec::new(),
    };
    Ok((listed.render(&params), headers))
}
