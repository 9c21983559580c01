//! The `oci` persona: a server that is an Oracle identity domain (OCI IAM), so scripts and
//! the OCI SDK written for one run against it unchanged.
//!
//! At the origin's root, beside the SCIM base every server has:
//! - `POST /oauth2/v1/token`: client credentials for a confidential app ([`token`]);
//! - `/admin/v1/...`: the tenant's SCIM API with the identity domain's behaviours
//!   ([`handle`]), reached with an access token, the server's own token, or a request
//!   signed with one of its users' API keys.
//!
//! Which server a request at the root is for comes from the credential itself
//! ([`locate`]): access tokens and client ids carry the server id, signatures name the
//! tenancy OCID that does; only the server's own token cannot, and a host looks its digest
//! up. The edge checks what it can without the server's key ([`preflight`]); the server's
//! owner checks everything ([`authenticate`]).
//!
//! Modules: `schemas` (the domain's types), `ident` (OCIDs, client ids), `keyed` (the
//! server's key: MACs, generated secrets), `credentials` (writes), `signature` (API-key
//! signatures), `tokens` (access tokens), `paging` (`opc-next-page`), `ratelimit`,
//! `domain` (what a new domain holds: its app and admin roles).

pub mod credentials;
pub mod domain;
pub mod epm;
pub mod ident;
pub mod keyed;
pub mod paging;
pub mod ratelimit;
pub mod schemas;
pub mod seed;
pub mod signature;
pub mod tokens;

use crate::admin::{token_digest, token_from_authorization, Server, ServerRecord};
use crate::encoding::base64_decode;
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::filter::Literal;
use crate::http::{Method, Request, Response};
use crate::persona::{Caller, CallerKind, Identity};
use crate::query::query_pairs;
use crate::settings::Persona;
use crate::tenant::{Outcome, Tenant};
use crate::value::{Map, Value};
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// The identity domain's own app: what writes made with the server's token record as
/// their writer, and what Grants of administrator roles name.
pub const DOMAIN_APP: &str = "IDCSAppId";

/// Where a request at the root goes, by its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// The server the credential names.
    Server(String),
    /// A bearer token that names no server: the digest ([`token_digest`]) to look up.
    TokenDigest(String),
}

fn unauthorized(detail: impl Into<String>) -> ScimError {
    ScimError::new(401, None, detail)
}

/// The 401 for a credential that names no server here, the same for every kind.
pub fn unknown() -> ScimError {
    unauthorized("this credential does not open any identity domain here")
}

/// `(client id, secret)` of HTTP Basic, or of a token request's form body.
fn client_credentials(authorization: Option<&str>, form: &[u8]) -> Option<(String, String)> {
    if let Some((scheme, rest)) = authorization.map(str::trim).and_then(|a| a.split_once(' ')) {
        if scheme.eq_ignore_ascii_case("Basic") {
            let decoded = String::from_utf8(base64_decode(rest.trim())?).ok()?;
            let (id, secret) = decoded.split_once(':')?;
            return Some((percent(id), percent(secret)));
        }
    }
    let pairs = query_pairs(core::str::from_utf8(form).ok()?);
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    Some((field("client_id")?, field("client_secret")?))
}

/// RFC 6749 section 2.3.1 form-encodes client ids and secrets inside HTTP Basic.
fn percent(text: &str) -> String {
    crate::query::percent_decode(text, true).into_owned()
}

/// Which server a request at the root is for, from its `Authorization` header (and, at the
/// token endpoint, its form body). 401 when nothing names one.
pub fn locate(authorization: Option<&str>, form: &[u8]) -> Result<Locator> {
    let header = authorization.map(str::trim).unwrap_or("");
    if let Some(parsed) = signature::parse(header) {
        let parsed = parsed?;
        let tenancy = parsed.key_parts().map(|(t, _, _)| t).unwrap_or("");
        return ident::server_of_tenancy(tenancy)
            .map(Locator::Server)
            .ok_or_else(unknown);
    }
    if let Some((client, _)) = client_credentials(authorization, form) {
        if let Some(server) = ident::server_of_client_id(&client) {
            return Ok(Locator::Server(server));
        }
    }
    let token = token_from_authorization(header).ok_or_else(|| {
        unauthorized(
            "send an access token (Authorization: Bearer), a signed request, or HTTP Basic \
             with an app's client id and secret",
        )
    })?;
    Ok(match tokens::claims(&token).and_then(|c| c.server_id()) {
        Some(server) => Locator::Server(server),
        None => Locator::TokenDigest(token_digest(&token)),
    })
}

/// The edge's check, with the registry's copy of the record (no key, no tenant): what it
/// cannot check (a token's MAC, a signature, an app's secret) the owner checks. An unknown
/// server is the same 401 as a wrong credential.
pub fn preflight(
    authorization: Option<&str>,
    form: &[u8],
    record: Option<&ServerRecord>,
    now_ms: i64,
) -> Result<()> {
    let record = record
        .filter(|r| r.settings.persona == Persona::Oci)
        .ok_or_else(unknown)?;
    let header = authorization.map(str::trim).unwrap_or("");
    let names_it = |server: Option<String>| server.as_deref() == Some(record.id.as_str());
    if let Some(parsed) = signature::parse(header) {
        let parsed = parsed?;
        let tenancy = parsed.key_parts().map(|(t, _, _)| t).unwrap_or("");
        return names_it(ident::server_of_tenancy(tenancy))
            .then_some(())
            .ok_or_else(unknown);
    }
    if let Some((client, _)) = client_credentials(authorization, form) {
        if names_it(ident::server_of_client_id(&client)) {
            return Ok(());
        }
    }
    let token = token_from_authorization(header).ok_or_else(unknown)?;
    if record.accepts(&token) {
        return Ok(());
    }
    match tokens::claims(&token) {
        Some(c) if names_it(c.server_id()) && c.expired(now_ms) => {
            Err(unauthorized("the access token has expired: get a new one"))
        }
        Some(c) if names_it(c.server_id()) => Ok(()),
        _ => Err(unknown()),
    }
}

/// A request to `/admin/v1/...`, as the host received it.
#[derive(Debug, Clone)]
pub struct DomainRequest<'a> {
    /// The method.
    pub method: Method,
    /// The path below `/admin/v1` (`/Users`), still percent-encoded.
    pub rest: &'a str,
    /// The path and query as sent (`/admin/v1/Users?count=5`): what signatures sign.
    pub target: &'a str,
    /// The query without `?`.
    pub query: &'a str,
    /// Every header, names lower-case.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: Vec<u8>,
}

impl DomainRequest<'_> {
    /// A header's value (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

/// The identity a tenant needs from its record.
pub fn identity(record: &ServerRecord) -> Identity {
    record.identity()
}

/// The owner's check of a request at the root: who it speaks for (`None`: the server's
/// own token), or the 401.
pub fn authenticate(
    server: &Server,
    req: &DomainRequest<'_>,
    now_ms: i64,
) -> Result<Option<Caller>> {
    let authorization = req.header("authorization");
    let header = authorization.as_deref().map(str::trim).unwrap_or("");
    if let Some(parsed) = signature::parse(header) {
        return signed_by(server, req, &parsed?, now_ms).map(Some);
    }
    let token = token_from_authorization(header).ok_or_else(unknown)?;
    if server.record.accepts(&token) {
        return Ok(None);
    }
    let claims = tokens::verify(&identity(&server.record), &token, now_ms)?;
    // Bound to its app: a deleted or deactivated app's tokens stop working.
    let app = server
        .tenant
        .get("App", &claims.app_id)
        .filter(|a| a.get("active").and_then(Value::as_bool) == Some(true));
    match app {
        Some(_) => Ok(Some(claims.caller())),
        None => Err(unauthorized(
            "the app this token was issued to is no longer active",
        )),
    }
}

/// The owner's check of a jobs request at the root (`/storage/v1`, `/job/v1`,
/// `/interop/rest`): only an identity domain runs jobs; EPM's paths take its Basic
/// credential (and write as the server), the others what `/admin/v1` takes (and write as
/// its caller). Both hosts call this, so the rule is the same at the edge and in the sandbox.
pub fn authenticate_jobs(
    server: &Server,
    req: &DomainRequest<'_>,
    now_ms: i64,
) -> Result<Option<Caller>> {
    if server.record.settings.persona != crate::settings::Persona::Oci {
        return Err(unknown());
    }
    if crate::jobs::is_epm_path(req.rest) {
        epm::authenticate(&server.record, req.header("authorization").as_deref())?;
        return Ok(None);
    }
    authenticate(server, req, now_ms)
}

/// The user whose API key signed the request.
fn signed_by(
    server: &Server,
    req: &DomainRequest<'_>,
    parsed: &signature::Parsed,
    now_ms: i64,
) -> Result<Caller> {
    let (tenancy, user_ocid, fingerprint) = parsed.key_parts().ok_or_else(unknown)?;
    if ident::server_of_tenancy(tenancy).as_deref() != Some(server.record.id.as_str()) {
        return Err(unknown());
    }
    let tenant = &server.tenant;
    let unknown_key =
        || unauthorized("no API key with this fingerprint is registered for this user");
    let key = find_by(tenant, "ApiKey", "fingerprint", fingerprint).ok_or_else(unknown_key)?;
    let owner = key.get("user");
    if owner.and_then(|u| u.get("ocid")).and_then(Value::as_str) != Some(user_ocid) {
        return Err(unknown_key());
    }
    let user_id = owner
        .and_then(|u| u.get("value"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let user = tenant.get("User", user_id).ok_or_else(unknown_key)?;
    if user.get("active").and_then(Value::as_bool) == Some(false) {
        return Err(unauthorized("the user of this API key is not active"));
    }
    let pem = key.get("key").and_then(Value::as_str).unwrap_or("");
    let method = req.method.as_str().to_ascii_lowercase();
    let header = |name: &str| req.header(name);
    signature::verify(
        parsed,
        &signature::Signed {
            method: &method,
            target: req.target,
            header: &header,
            body: &req.body,
            now_ms,
        },
        pem,
    )?;
    Ok(Caller {
        kind: CallerKind::User,
        id: user_id.into(),
        display: user
            .get("userName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .into(),
    })
}

/// One stored resource of `type_name` whose `attr` equals `text`, through the type's index
/// of that attribute when it has one.
fn find_by(tenant: &Tenant, type_name: &str, attr: &str, text: &str) -> Option<Arc<Value>> {
    let store = &tenant.store;
    let specs = store.specs(type_name);
    if let Some((slot, spec)) = specs.iter().enumerate().find(|(_, s)| s.name() == attr) {
        let literal = Literal::String(text.into());
        let key = spec.literal_key(&literal)?;
        let id = store.by_key(type_name, slot, &key).into_iter().next()?;
        return tenant.get(type_name, &id);
    }
    store
        .scan(type_name, None)
        .map(|found| found.record().value.clone())
        .find(|v| v.get(attr).and_then(Value::as_str) == Some(text))
}

/// An OAuth error answer (RFC 6749 section 5.2).
fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    let mut body = Map::with_capacity(2);
    body.insert("error", Value::from(error));
    body.insert("error_description", Value::from(description));
    let mut response = crate::admin::json(status, &Value::Object(body));
    if status == 401 {
        response
            .headers
            .push(("WWW-Authenticate".into(), "Basic realm=\"scimlet\"".into()));
    }
    response
}

/// `POST /oauth2/v1/token` for a server: client credentials of an active confidential app
/// (HTTP Basic or form fields) for a bearer token of `tokenLifetimeSeconds`.
pub fn token(server: &Server, authorization: Option<&str>, body: &[u8], now_ms: i64) -> Response {
    let wrong = || oauth_error(401, "invalid_client", "Client authentication failed.");
    if server.record.settings.persona != Persona::Oci {
        return wrong();
    }
    let form = core::str::from_utf8(body).unwrap_or("");
    let pairs = query_pairs(form);
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if field("grant_type") != Some("client_credentials") {
        return oauth_error(
            400,
            "unsupported_grant_type",
            "this identity domain issues tokens for grant_type=client_credentials",
        );
    }
    let Some((client, secret)) = client_credentials(authorization, body) else {
        return wrong();
    };
    let Some(app) = find_by(&server.tenant, "App", "name", &client) else {
        return wrong();
    };
    let stored = app
        .get("clientSecret")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !crate::secret::verify(stored, &secret) {
        return wrong();
    }
    if app.get("active").and_then(Value::as_bool) != Some(true) {
        return oauth_error(401, "invalid_client", "The client is not active.");
    }
    let scope = field("scope").unwrap_or(tokens::MY_SCOPES);
    let text = |name: &str| app.get(name).and_then(Value::as_str).unwrap_or("");
    let lifetime = server.record.settings.token_lifetime_seconds;
    let issued = tokens::issue(
        &identity(&server.record),
        text("id"),
        &client,
        text("displayName"),
        scope,
        now_ms,
        lifetime,
    );
    let mut response = crate::admin::json(200, &tokens::answer(&issued, scope, lifetime));
    response
        .headers
        .push(("Cache-Control".into(), "no-store".into()));
    response
}

/// Handles one authenticated request to `/admin/v1/...`: `AppStatusChanger`, then the
/// tenant's SCIM API on behalf of the caller (`None`: the server's own token).
pub fn handle(
    server: &mut Server,
    req: DomainRequest<'_>,
    caller: Option<Caller>,
    env: &mut Env,
) -> Outcome {
    let rest = if req.rest.is_empty() { "/" } else { req.rest };
    let mut request = Request::new(req.method.clone(), rest);
    request.query = req.query.into();
    request.if_match = req.header("if-match");
    request.if_none_match = req.header("if-none-match");
    request.content_type = req.header("content-type");
    // Moved, not copied: a Bulk body is up to a megabyte.
    request.body = req.body;
    request.caller = caller;
    if let Some(id) = status_changer_target(req.rest) {
        return domain::change_status(&mut server.tenant, &request, &id, env);
    }
    server.tenant.handle(&request, env)
}

/// The app id of `/AppStatusChanger/{id}`.
fn status_changer_target(rest: &str) -> Option<String> {
    let mut parts = rest.split('/').filter(|s| !s.is_empty());
    let (Some(first), Some(id), None) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    first
        .eq_ignore_ascii_case("AppStatusChanger")
        .then(|| crate::query::percent_decode(id, false).to_string())
}

/// The error answer of the persona's endpoints (a SCIM Error; 401 with its challenge).
pub fn error_response(e: &ScimError) -> Response {
    crate::admin::error_response(e)
}

/// The domain URL of a site: its origin, with no path (the OCI SDK refuses one).
pub fn domain_url(origin: &str) -> String {
    origin.trim_end_matches('/').to_string()
}
