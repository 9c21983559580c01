//! The `oci` persona's requests inside a server's object: the token endpoint and
//! `/admin/v1/...`, authenticated in full against the object's own record and tenant
//! (`persona::oci::authenticate`), then handled by the core and written through like any
//! SCIM request.

use super::{internal, Fallible, ScimServer};
use crate::admin::Route;
use crate::error::ScimError;
use crate::host::worker::{now_ms, reply, to_core};
use crate::persona::oci::{self, DomainRequest};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use worker::{Request, Response, Url};

impl ScimServer {
    /// `POST /oauth2/v1/token` or `/admin/v1/...` for this object's server.
    pub(super) async fn domain(
        &self,
        req: &Request,
        body: Vec<u8>,
        url: &Url,
        route: Route<'_>,
    ) -> Fallible<Response> {
        let load_ms = self.load(now_ms()).await?;
        let (headers, target) = signed_parts(req, url);
        let authorization = headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.clone());
        let mut slot = self.server.borrow_mut();
        let Some(server) = slot.as_mut() else {
            return Err(oci::unknown());
        };
        let rest = match route {
            Route::Token => {
                let response = oci::token(server, authorization.as_deref(), &body, now_ms());
                return reply::from_core(response).map_err(|e| internal("response", e));
            }
            Route::Domain { rest } => rest,
            _ => return Err(ScimError::not_found("no such endpoint")),
        };
        let query = url.query().unwrap_or("");
        let request = DomainRequest {
            method: to_core(&req.method()),
            rest,
            target: &target,
            query,
            headers: &headers,
            body,
        };
        let caller = oci::authenticate(server, &request, now_ms())?;
        let origin = url.origin().ascii_serialization();
        let base_url = format!("{origin}{}", crate::admin::EDGE.domain);
        self.run(&mut slot, &base_url, load_ms, |server, env| {
            oci::handle(server, request, caller, env)
        })
    }
}

/// What a request at the root is signed over, as the core reads it: its headers (names
/// lower-case, with `host` as the client signed it: the URL's host and port when no header
/// says it) and its target (the path and query as sent).
pub(super) fn signed_parts(req: &Request, url: &Url) -> (Vec<(String, String)>, String) {
    let mut headers: Vec<(String, String)> = req
        .headers()
        .entries()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    if !headers.iter().any(|(k, _)| k == "host") {
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => String::new(),
        };
        headers.push(("host".into(), host));
    }
    let target = match url.query() {
        Some(query) if !query.is_empty() => format!("{}?{query}", url.path()),
        _ => url.path().to_string(),
    };
    (headers, target)
}
