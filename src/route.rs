//! Where a path below the SCIM base points: discovery endpoints, resource endpoints (as
//! the tenant's resource types declare them), `.search` at the root and per type, `/Bulk`
//! and `/Me`. Paths match with or without a trailing slash, endpoint names ignoring case.
//!
//! A request's path and a Bulk operation's path resolve here, the same way.

use crate::error::{Result, ScimError};
use crate::http::Method;
use crate::query::percent_decode;
use crate::tenant::Tenant;
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Route {
    ServiceProviderConfig,
    ResourceTypes(Option<String>),
    Schemas(Option<String>),
    RootSearch,
    Bulk,
    Me,
    /// A resource type's endpoint (its index in the tenant's types).
    Collection(usize),
    Search(usize),
    /// One resource: its type's index and its id.
    Resource(usize, String),
}

const READ: &[Method] = &[Method::Get];
const POST: &[Method] = &[Method::Post];
const COLLECTION: &[Method] = &[Method::Get, Method::Post];
const RESOURCE: &[Method] = &[Method::Get, Method::Put, Method::Patch, Method::Delete];
const ANY: &[Method] = &[
    Method::Get,
    Method::Post,
    Method::Put,
    Method::Patch,
    Method::Delete,
];

impl Route {
    /// The methods a route serves, for 405 and `Allow`.
    pub(crate) fn allowed(&self) -> &'static [Method] {
        match self {
            Route::ServiceProviderConfig | Route::ResourceTypes(_) | Route::Schemas(_) => READ,
            Route::RootSearch | Route::Search(_) | Route::Bulk => POST,
            Route::Me => ANY,
            Route::Collection(_) => COLLECTION,
            Route::Resource(..) => RESOURCE,
        }
    }
}

/// Resolves a path (still percent-encoded) against the tenant's resource types; 404 for
/// anything else.
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
