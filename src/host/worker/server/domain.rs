//! The `oci` persona's requests inside a server's object: the token endpoint and
//! `/admin/v1/...`, authenticated in full against the object's own record and tenant
//! (`persona::oci::authenticate`), then handled by the core and written through like any
//! SCIM request.

use super::{internal, set_header, Fallible, Rows, ScimServer};
use crate::admin::Route;
use crate::env::Env as CoreEnv;
use crate::error::ScimError;
use crate::host::worker::{now_ms, reply, to_core};
use crate::persona::oci::{self, DomainRequest};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use worker::{js_sys, Request, Response, Url};

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
        let mut headers: Vec<(String, String)> = req
            .headers()
            .entries()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        if !headers.iter().any(|(k, _)| k == "host") {
            // What the client signed as `host`: the URL's host and port.
            let host = match (url.host_str(), url.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                _ => String::new(),
            };
            headers.push(("host".into(), host));
        }
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
        let target = if query.is_empty() {
            url.path().to_string()
        } else {
            format!("{}?{query}", url.path())
        };
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
        let mut ids = self.ids.borrow_mut();
        let mut env = CoreEnv {
            now_ms: now_ms(),
            base_url: &base_url,
            ids: &mut *ids,
        };
        let started = js_sys::Date::now();
        let outcome = oci::handle(server, request, caller, &mut env);
        let engine_ms = js_sys::Date::now() - started;
        let mut store_ms = None;
        if !outcome.changes.is_empty() {
            let started = js_sys::Date::now();
            if let Err(err) = self.write(Rows::Changes(&outcome.changes), None) {
                *slot = None;
                return Err(err);
            }
            store_ms = Some(js_sys::Date::now() - started);
        }
        let mut resp = reply::from_core(outcome.response).map_err(|e| internal("response", e))?;
        let mut timing = alloc::vec![("engine", engine_ms)];
        timing.extend(load_ms.map(|ms| ("load", ms)));
        timing.extend(store_ms.map(|ms| ("store", ms)));
        set_header(&mut resp, "Server-Timing", &reply::server_timing(&timing))?;
        Ok(resp)
    }
}
