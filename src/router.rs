//! Routing: a core [`Request`] to an operation, and its result to a [`Response`].
//!
//! Everything below the SCIM base is here: discovery endpoints, resource endpoints (as
//! the tenant's resource types declare them), `.search` at the root and per type, and
//! `/Bulk`. Paths match with or without a trailing slash, endpoint names ignoring case.

use crate::discovery;
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::{Method, Request, Response, SCIM_JSON};
use crate::project::Projection;
use crate::query::{percent_decode, ListParams};
use crate::resource;
use crate::settings::PatchResponse;
use crate::tenant::{ChangeSet, Outcome, Tenant};
use crate::value::Value;
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

/// Where a request goes.
#[derive(Debug, PartialEq)]
pub(crate) enum Route {
    ServiceProviderConfig,
    ResourceTypes(Option<String>),
    Schemas(Option<String>),
    RootSearch,
    Bulk,
    Me,
    Collection(usize),
    Search(usize),
    Resource(usize, String),
}

impl Route {
    /// The methods a route serves, for 405 and `Allow`.
    fn allowed(&self) -> &'static [&'static str] {
        match self {
            Route::ServiceProviderConfig | Route::ResourceTypes(_) | Route::Schemas(_) => &["GET"],
            Route::RootSearch | Route::Search(_) | Route::Bulk => &["POST"],
            Route::Me => &["GET", "POST", "PUT", "PATCH", "DELETE"],
            Route::Collection(_) => &["GET", "POST"],
            Route::Resource(..) => &["GET", "PUT", "PATCH", "DELETE"],
        }
    }
}

pub(crate) fn resolve(tenant: &Tenant, path: &str) -> Result<Route> {
    let segments: Vec<Cow<'_, str>> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s, false))
        .collect();
    let seg = |i: usize| segments.get(i).map(|s| s.as_ref());
    let endpoint = |name: &str| {
        tenant.types.iter().position(|rs| {
            rs.endpoint
                .trim_start_matches('/')
                .eq_ignore_ascii_case(name)
        })
    };
    let not_found = || ScimError::not_found(format!("no SCIM endpoint at {path}"));
    let route = match (seg(0), seg(1), segments.len()) {
        (Some(s), None, 1) if s.eq_ignore_ascii_case("ServiceProviderConfig") => {
            Route::ServiceProviderConfig
        }
        (Some(s), rest, 1 | 2) if s.eq_ignore_ascii_case("ResourceTypes") => {
            Route::ResourceTypes(rest.map(String::from))
        }
        (Some(s), rest, 1 | 2) if s.eq_ignore_ascii_case("Schemas") => {
            Route::Schemas(rest.map(String::from))
        }
        (Some(".search"), None, 1) => Route::RootSearch,
        (Some(s), None, 1) if s.eq_ignore_ascii_case("Bulk") => Route::Bulk,
        (Some(s), _, 1 | 2) if s.eq_ignore_ascii_case("Me") => Route::Me,
        (Some(name), None, 1) => Route::Collection(endpoint(name).ok_or_else(not_found)?),
        (Some(name), Some(".search"), 2) => Route::Search(endpoint(name).ok_or_else(not_found)?),
        (Some(name), Some(id), 2) => {
            Route::Resource(endpoint(name).ok_or_else(not_found)?, id.to_string())
        }
        _ => return Err(not_found()),
    };
    Ok(route)
}

/// Handles one request against a tenant.
pub(crate) fn route(tenant: &mut Tenant, req: &Request, env: &mut Env) -> Outcome {
    let mut changes = ChangeSet::default();
    let response = match dispatch(tenant, req, env, &mut changes) {
        Ok(response) => response,
        // Operations write only after every check passed, so a failure has changed
        // nothing (Bulk reports failures per operation and never fails as a whole after
        // its first write).
        Err(e) => error_response(&e),
    };
    Outcome { response, changes }
}

fn dispatch(
    tenant: &mut Tenant,
    req: &Request,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Response> {
    let route = resolve(tenant, &req.path)?;
    if !route.allowed().contains(&req.method.as_str()) {
        let allow = route.allowed().join(", ");
        let mut response = error_response(&ScimError::new(
            405,
            None,
            format!(
                "{} is not allowed on {}; allowed: {allow}",
                req.method.as_str(),
                req.path
            ),
        ));
        response.headers.push(("Allow".into(), allow));
        return Ok(response);
    }
    let base = env.base_url.trim_end_matches('/');
    match route {
        Route::Me => Err(ScimError::new(
            501,
            None,
            "/Me is not supported: scimlet tokens identify a server, not a user",
        )),
        Route::ServiceProviderConfig => Ok(json_response(
            200,
            &discovery::service_provider_config(&tenant.settings, base),
        )),
        Route::ResourceTypes(None) => Ok(json_response(
            200,
            &list_of(discovery::resource_types(&tenant.types, base)),
        )),
        Route::ResourceTypes(Some(name)) => {
            discovery::resource_type_by_id(&tenant.types, &name, base)
                .map(|rt| json_response(200, &rt))
                .ok_or_else(|| ScimError::not_found(format!("resource type {name} not found")))
        }
        Route::Schemas(None) => Ok(json_response(
            200,
            &list_of(discovery::schemas(&tenant.types, base)),
        )),
        Route::Schemas(Some(urn)) => discovery::schema_by_id(&tenant.types, &urn, base)
            .map(|schema| json_response(200, &schema))
            .ok_or_else(|| ScimError::not_found(format!("schema {urn} not found"))),
        Route::RootSearch => {
            let params = ListParams::from_search_request(&json_body(tenant, req)?)?;
            let all: Vec<usize> = (0..tenant.types.len()).collect();
            Ok(json_response(
                200,
                &crate::query::list(tenant, &all, &params, base)?,
            ))
        }
        Route::Search(ti) => {
            let params = ListParams::from_search_request(&json_body(tenant, req)?)?;
            Ok(json_response(
                200,
                &crate::query::list(tenant, &[ti], &params, base)?,
            ))
        }
        Route::Collection(ti) if req.method == Method::Get => {
            let params = ListParams::from_query(&req.query)?;
            Ok(json_response(
                200,
                &crate::query::list(tenant, &[ti], &params, base)?,
            ))
        }
        Route::Collection(ti) => {
            let body = json_body(tenant, req)?;
            let created = resource::create(tenant, ti, body, env, changes)?;
            Ok(resource_response(
                tenant,
                ti,
                201,
                &created,
                &projection(req),
                base,
            ))
        }
        Route::Resource(ti, id) => match req.method {
            Method::Get => {
                let found = resource::existing(tenant, ti, &id)?;
                if let Some(tags) = req.if_none_match.as_deref() {
                    if resource::version_matches(&found, tags) {
                        let mut not_modified = Response {
                            status: 304,
                            headers: Vec::new(),
                            body: Vec::new(),
                        };
                        not_modified
                            .headers
                            .push(("ETag".into(), resource::version_of(&found).to_string()));
                        return Ok(not_modified);
                    }
                }
                Ok(resource_response(
                    tenant,
                    ti,
                    200,
                    &found,
                    &projection(req),
                    base,
                ))
            }
            Method::Put => {
                let body = json_body(tenant, req)?;
                let replaced = resource::replace(
                    tenant,
                    ti,
                    &id,
                    body,
                    req.if_match.as_deref(),
                    env,
                    changes,
                )?;
                Ok(resource_response(
                    tenant,
                    ti,
                    200,
                    &replaced,
                    &projection(req),
                    base,
                ))
            }
            Method::Patch => {
                let body = json_body(tenant, req)?;
                let patched = resource::modify(
                    tenant,
                    ti,
                    &id,
                    &body,
                    req.if_match.as_deref(),
                    env,
                    changes,
                )?;
                match tenant.settings.patch_response {
                    PatchResponse::Resource => Ok(resource_response(
                        tenant,
                        ti,
                        200,
                        &patched,
                        &projection(req),
                        base,
                    )),
                    PatchResponse::NoContent => Ok(no_content(Some(&patched))),
                }
            }
            _ => {
                resource::delete(tenant, ti, &id, req.if_match.as_deref(), env, changes)?;
                Ok(no_content(None))
            }
        },
        Route::Bulk => crate::bulk::handle(tenant, req, env, changes),
    }
}

/// Checks size and media type, then parses the body as JSON.
pub(crate) fn json_body(tenant: &Tenant, req: &Request) -> Result<Value> {
    check_body(tenant, req)?;
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ScimError::invalid_syntax(
            "the request body is empty; a JSON object was expected",
        ));
    }
    crate::value::from_slice(&req.body)
        .map_err(|e| ScimError::invalid_syntax(format!("the request body is not valid JSON: {e}")))
}

/// 413 over the advertised `maxPayloadSize`; 415 for a body that says it is not JSON.
/// A missing Content-Type is accepted (scripts forget it); `application/json` is what
/// Okta sends.
fn check_body(tenant: &Tenant, req: &Request) -> Result<()> {
    let limit = tenant.settings.bulk_max_payload_size;
    if req.body.len() > limit {
        return Err(ScimError::new(
            413,
            None,
            format!(
                "the request body has {} bytes; maxPayloadSize is {limit}",
                req.body.len()
            ),
        ));
    }
    if let Some(ct) = req.content_type.as_deref() {
        let media = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !media.is_empty() && !media.ends_with("json") && !media.ends_with("+json") {
            return Err(ScimError::new(
                415,
                None,
                format!("Content-Type {media} is not supported; send application/scim+json or application/json"),
            ));
        }
    }
    Ok(())
}

/// `attributes`/`excludedAttributes` of a single-resource request. Other parameters
/// (a stray `filter`, say) are not parsed, so they cannot cost time or drop the projection.
fn projection(req: &Request) -> Projection {
    crate::query::projection_from_query(&req.query)
}

fn list_of(resources: Vec<Value>) -> Value {
    crate::query::list_response(resources.len(), 1, resources)
}

/// A JSON response with the SCIM media type.
fn json_response(status: u16, body: &Value) -> Response {
    Response {
        status,
        headers: vec![("Content-Type".into(), SCIM_JSON.into())],
        body: serde_json::to_vec(body).unwrap_or_default(),
    }
}

/// A SCIM Error response.
fn error_response(e: &ScimError) -> Response {
    json_response(e.status, &e.to_json())
}

fn resource_response(
    tenant: &Tenant,
    ti: usize,
    status: u16,
    stored: &Arc<Value>,
    projection: &Projection,
    base: &str,
) -> Response {
    let Some(rs) = tenant.types.get(ti) else {
        return error_response(&ScimError::not_found("no such resource type"));
    };
    let rendered = resource::render(tenant, rs, stored, projection, base);
    let mut response = json_response(status, &rendered);
    let id = stored.get("id").and_then(Value::as_str).unwrap_or_default();
    response
        .headers
        .push(("ETag".into(), resource::version_of(stored).to_string()));
    response
        .headers
        .push(("Location".into(), format!("{base}{}/{id}", rs.endpoint)));
    response
}

fn no_content(stored: Option<&Arc<Value>>) -> Response {
    let mut response = Response {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
    };
    if let Some(stored) = stored {
        response
            .headers
            .push(("ETag".into(), resource::version_of(stored).to_string()));
    }
    response
}
