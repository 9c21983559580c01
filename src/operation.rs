//! One write on one resource (create, replace, modify, delete), however it arrived: a
//! request's method on its resolved route, or a Bulk operation's method and path resolved
//! the same way (`crate::route`). [`execute`] runs it through `crate::resource`; the router
//! and Bulk both call it and neither knows the other, so a Bulk operation is exactly the
//! request it stands for, down to its `location`.

use crate::env::Env;
use crate::error::Result;
use crate::http::{location, Method};
use crate::persona::Caller;
use crate::resource;
use crate::route::Route;
use crate::tenant::{ChangeSet, Tenant};
use crate::value::Value;
use alloc::string::String;
use alloc::sync::Arc;

/// Which write, on what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Write {
    /// POST on a type's endpoint.
    Create { type_index: usize },
    /// PUT on a resource.
    Replace { type_index: usize, id: String },
    /// PATCH on a resource.
    Modify { type_index: usize, id: String },
    /// DELETE on a resource.
    Delete { type_index: usize, id: String },
}

impl Write {
    /// The write `method` makes on `route`; `None` when it makes none there (a read, a
    /// search, discovery, or a method the route does not serve).
    pub(crate) fn of(method: &Method, route: Route) -> Option<Write> {
        match (method, route) {
            (Method::Post, Route::Collection(type_index)) => Some(Write::Create { type_index }),
            (Method::Put, Route::Resource(type_index, id)) => {
                Some(Write::Replace { type_index, id })
            }
            (Method::Patch, Route::Resource(type_index, id)) => {
                Some(Write::Modify { type_index, id })
            }
            (Method::Delete, Route::Resource(type_index, id)) => {
                Some(Write::Delete { type_index, id })
            }
            (Method::Get | Method::Put | Method::Patch | Method::Delete, Route::Collection(_))
            | (Method::Get | Method::Post, Route::Resource(..))
            | (Method::Other(_), Route::Collection(_) | Route::Resource(..))
            | (
                _,
                Route::ServiceProviderConfig
                | Route::ResourceTypes(_)
                | Route::Schemas(_)
                | Route::RootSearch
                | Route::Bulk
                | Route::Me
                | Route::Search(_),
            ) => None,
        }
    }

    /// Whether the write reads a body (all but DELETE).
    pub(crate) fn takes_body(&self) -> bool {
        !matches!(self, Write::Delete { .. })
    }
}

/// A write with what it carries.
#[derive(Debug)]
pub(crate) struct Operation<'a> {
    /// Which write, on what.
    pub(crate) write: Write,
    /// The resource (POST, PUT) or the PatchOp (PATCH); unused by DELETE.
    pub(crate) data: Value,
    /// `If-Match`, or a Bulk operation's `version`: the versions the target may have.
    pub(crate) version: Option<&'a str>,
    /// Who asks (the persona's `idcsCreatedBy`/`idcsLastModifiedBy`), as the host said.
    pub(crate) caller: Option<&'a Caller>,
}

/// What a write did.
#[derive(Debug)]
pub(crate) struct Done {
    /// 201 (created), 200 (replaced, modified) or 204 (deleted).
    pub(crate) status: u16,
    /// The type written.
    pub(crate) type_index: usize,
    /// The resource as now stored (`None` after a delete).
    pub(crate) stored: Option<Arc<Value>>,
    /// The resource's URL.
    pub(crate) location: String,
}

/// Runs one write. On error nothing has changed.
pub(crate) fn execute(
    tenant: &mut Tenant,
    op: Operation<'_>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Done> {
    let Operation {
        write,
        data,
        version,
        caller,
    } = op;
    let asking = resource::Asking {
        if_match: version,
        caller,
    };
    let base = env.base_url;
    let here = |tenant: &Tenant, type_index: usize, id: &str| {
        let endpoint = tenant
            .types
            .get(type_index)
            .map_or("", |rs| rs.endpoint.as_str());
        location(base, endpoint, id)
    };
    let (status, type_index, stored, location) = match write {
        Write::Create { type_index } => {
            let stored = resource::create(tenant, type_index, data, caller, env, changes)?;
            let id = stored.get("id").and_then(Value::as_str).unwrap_or_default();
            let location = here(tenant, type_index, id);
            (201, type_index, Some(stored), location)
        }
        Write::Replace { type_index, id } => {
            let stored = resource::replace(tenant, type_index, &id, data, asking, env, changes)?;
            (200, type_index, Some(stored), here(tenant, type_index, &id))
        }
        Write::Modify { type_index, id } => {
            let stored = resource::modify(tenant, type_index, &id, &data, asking, env, changes)?;
            (200, type_index, Some(stored), here(tenant, type_index, &id))
        }
        Write::Delete { type_index, id } => {
            resource::delete(tenant, type_index, &id, version, env, changes)?;
            (204, type_index, None, here(tenant, type_index, &id))
        }
    };
    Ok(Done {
        status,
        type_index,
        stored,
        location,
    })
}

#[cfg(test)]
mod tests;
