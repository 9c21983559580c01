//! Routing: a core [`Request`] to an operation, and its result to a [`Response`].
//!
//! Every SCIM request body is checked against `maxPayloadSize` first (413), then the path
//! resolves (`crate::route`, 404) and the method must be one the route serves (405).
//! Reads (discovery, GET, searches) are answered here; writes become one
//! `crate::operation::Operation`, run by the same function as a Bulk operation; `/Bulk`
//! goes to `crate::bulk` with its parsed body.

use crate::discovery;
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::{location, Method, Request, Response, SCIM_JSON};
use crate::operation::{self, Operation, Write};
use crate::project::Projection;
use crate::query::ListParams;
use crate::resource;
use crate::route::{resolve, Route};
use crate::settings::PatchResponse;
use crate::tenant::{ChangeSet, Outcome, Tenant};
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

/// Handles one request against a tenant.
pub(crate) fn route(tenant: &mut Tenant, req: &Request, env: &mut Env) -> Outcome {
    let mut changes = ChangeSet::default();
    if let Err(response) = crate::persona::admit(tenant, req, env.now_ms) {
        return Outcome { response, changes };
    }
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
    check_size(tenant, req)?;
    let route = resolve(tenant, &req.path)?;
    let allowed = route.allowed();
    if !allowed.contains(&req.method) {
        return Ok(not_allowed(req, allowed));
    }
    let base = env.base_url.trim_end_matches('/');
    if let (Route::Me, Method::Get, Some(id)) = (&route, &req.method, crate::persona::me(req)) {
        let ti = tenant
            .type_index("User")
            .ok_or_else(|| ScimError::not_found("this server serves no Users"))?;
        return read(tenant, req, ti, &id, base);
    }
    let write = match (route, &req.method) {
        (Route::Me, _) => {
            return Err(ScimError::new(
                501,
                None,
                "/Me is not supported: scimlet tokens identify a server, not a user",
            ))
        }
        (Route::ServiceProviderConfig, Method::Get) => {
            return Ok(json_response(
                200,
                &discovery::service_provider_config(&tenant.settings, base),
            ))
        }
        (Route::ResourceTypes(None), Method::Get) => {
            return Ok(json_response(
                200,
                &list_of(discovery::resource_types(&tenant.types, base)),
            ))
        }
        (Route::ResourceTypes(Some(name)), Method::Get) => {
            return discovery::resource_type_by_id(&tenant.types, &name, base)
                .map(|rt| json_response(200, &rt))
                .ok_or_else(|| ScimError::not_found(format!("resource type {name} not found")))
        }
        (Route::Schemas(None), Method::Get) => {
            return Ok(json_response(
                200,
                &list_of(discovery::schemas(&tenant.types, base)),
            ))
        }
        (Route::Schemas(Some(urn)), Method::Get) => {
            return discovery::schema_by_id(&tenant.types, &urn, base)
                .map(|schema| json_response(200, &schema))
                .ok_or_else(|| ScimError::not_found(format!("schema {urn} not found")))
        }
        (Route::RootSearch, Method::Post) => {
            let params = ListParams::from_search_request(&json_body(req)?)?;
            let all: Vec<usize> = (0..tenant.types.len()).collect();
            return Ok(json_response(
                200,
                &crate::query::list(tenant, &all, &params, base)?,
            ));
        }
        (Route::Search(ti), Method::Post) => {
            let params = ListParams::from_search_request(&json_body(req)?)?;
            return Ok(json_response(
                200,
                &crate::query::list(tenant, &[ti], &params, base)?,
            ));
        }
        (Route::Collection(ti), Method::Get) => {
            let params = ListParams::from_query(&req.query)?;
            let (list, headers) = crate::persona::list(tenant, &req.query, params, ti, base)?;
            let mut response = json_response(200, &list);
            response.headers.extend(headers);
            return Ok(response);
        }
        (Route::Resource(ti, id), Method::Get) => return read(tenant, req, ti, &id, base),
        (Route::Bulk, Method::Post) => {
            return crate::bulk::handle(tenant, json_body(req)?, req.caller.as_ref(), env, changes)
        }
        (route, method) => match Write::of(method, route) {
            Some(write) => write,
            None => return Ok(not_allowed(req, allowed)),
        },
    };
    let data = if write.takes_body() {
        json_body(req)?
    } else {
        Value::Null
    };
    let patch = matches!(write, Write::Modify { .. });
    let op = Operation {
        write,
        data,
        version: req.if_match.as_deref(),
        caller: req.caller.as_ref(),
    };
    let done = operation::execute(tenant, op, env, changes)?;
    Ok(match done.stored {
        None => no_content(None),
        Some(stored) if patch && tenant.settings.patch_response == PatchResponse::NoContent => {
            no_content(Some(&stored))
        }
        Some(stored) => {
            let mut response = resource_response(
                tenant,
                done.type_index,
                done.status,
                &stored,
                &projection(req),
                base,
                done.location,
            );
            if done.status == 201 {
                reveal(tenant, done.type_index, &stored, &mut response);
            }
            response
        }
    })
}

/// GET on one resource: 304 when `If-None-Match` names its version.
fn read(tenant: &Tenant, req: &Request, ti: usize, id: &str, base: &str) -> Result<Response> {
    let found = resource::existing(tenant, ti, id)?;
    if let Some(tags) = req.if_none_match.as_deref() {
        if resource::version_matches(&found, tags) {
            return Ok(Response {
                status: 304,
                headers: vec![("ETag".into(), resource::version_of(&found).to_string())],
                body: Vec::new(),
            });
        }
    }
    let endpoint = tenant.types.get(ti).map_or("", |rs| rs.endpoint.as_str());
    let url = location(base, endpoint, id);
    Ok(resource_response(
        tenant,
        ti,
        200,
        &found,
        &projection(req),
        base,
        url,
    ))
}

/// 405 with the methods the route serves in `Allow`.
fn not_allowed(req: &Request, allowed: &[Method]) -> Response {
    let allow = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
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
    response
}

/// Checks the media type, then parses the body as JSON.
fn json_body(req: &Request) -> Result<Value> {
    check_media_type(req)?;
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ScimError::invalid_syntax(
            "the request body is empty; a JSON object was expected",
        ));
    }
    crate::value::from_slice(&req.body)
        .map_err(|e| ScimError::invalid_syntax(format!("the request body is not valid JSON: {e}")))
}

/// 413 for any request body over the advertised `maxPayloadSize`, whatever the endpoint:
/// the engine is the one place that limit is enforced.
fn check_size(tenant: &Tenant, req: &Request) -> Result<()> {
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
    Ok(())
}

/// 415 for a body that says it is not JSON. A missing Content-Type is accepted (scripts
/// forget it); `application/json` is what Okta sends.
fn check_media_type(req: &Request) -> Result<()> {
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

/// A resource as the client sees it, with its `ETag` and `Location`.
fn resource_response(
    tenant: &Tenant,
    ti: usize,
    status: u16,
    stored: &Arc<Value>,
    projection: &Projection,
    base: &str,
    location: String,
) -> Response {
    let Some(rs) = tenant.types.get(ti) else {
        return error_response(&ScimError::not_found("no such resource type"));
    };
    let rendered = resource::render(tenant, rs, stored, projection, base);
    let mut response = json_response(status, &rendered);
    response
        .headers
        .push(("ETag".into(), resource::version_of(stored).to_string()));
    response.headers.push(("Location".into(), location));
    response
}

/// A creation answer with the secrets the persona generated (shown this once).
fn reveal(tenant: &Tenant, ti: usize, stored: &Value, response: &mut Response) {
    let Some(rs) = tenant.types.get(ti) else {
        return;
    };
    if !crate::persona::active(tenant) {
        return;
    }
    if let Ok(mut view) = crate::value::from_slice(&response.body) {
        crate::persona::reveal(tenant, rs, stored, &mut view);
        response.body = serde_json::to_vec(&view).unwrap_or_default();
    }
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
