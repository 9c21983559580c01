//! Building workers-rs responses: SCIM errors, JSON, the core's responses, CORS and
//! `Server-Timing`.

use crate::error::ScimError;
use crate::http::SCIM_JSON;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;
use worker::{Headers, Response, ResponseBuilder, Result};

/// Methods any endpoint may be called with from a browser.
const CORS_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
/// Request headers browsers may send (answering a preflight that asks for none).
const CORS_HEADERS: &str = "Authorization, Content-Type, If-Match, If-None-Match";
/// Response headers browser code may read.
const CORS_EXPOSE: &str =
    "ETag, Location, Server-Timing, WWW-Authenticate, Retry-After, Allow, opc-next-page";

/// A response with a body and a content type.
pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Result<Response> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    Ok(ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .fixed(body))
}

/// A JSON response (`application/json`: the administration API).
pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Result<Response> {
    let body = serde_json::to_vec(value).map_err(|e| worker::Error::RustError(format!("{e}")))?;
    bytes(status, "application/json", body)
}

/// A SCIM Error response (RFC 7644 section 3.12); a 401 carries the `WWW-Authenticate`
/// challenge.
pub fn error(err: &ScimError) -> Result<Response> {
    if err.status == 401 {
        return from_core(crate::admin::unauthorized(&err.detail));
    }
    let body = serde_json::to_vec(&err.to_json()).unwrap_or_default();
    bytes(err.status, SCIM_JSON, body)
}

/// A SCIM Error response from a status and detail.
pub fn error_status(status: u16, detail: impl Into<String>) -> Result<Response> {
    error(&ScimError::new(status, None, detail))
}

/// 405 with `Allow`.
pub fn method_not_allowed(method: &str, allow: &str) -> Result<Response> {
    let mut resp = error_status(
        405,
        format!("{method} is not supported here; allowed: {allow}"),
    )?;
    resp.headers_mut().set("Allow", allow)?;
    Ok(resp)
}

/// The core's response as a workers-rs response.
pub fn from_core(core: crate::http::Response) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in &core.headers {
        headers.append(name, value)?;
    }
    let builder = ResponseBuilder::new()
        .with_status(core.status)
        .with_headers(headers);
    Ok(if core.body.is_empty() {
        builder.empty()
    } else {
        builder.fixed(core.body)
    })
}

/// The core's response with its body streamed from `pieces`, produced one at a time as
/// the client reads.
pub fn streamed(
    core: crate::http::Response,
    pieces: impl Iterator<Item = Vec<u8>> + 'static,
) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in &core.headers {
        headers.append(name, value)?;
    }
    let stream = futures_util::stream::iter(pieces.map(Ok::<Vec<u8>, worker::Error>));
    Ok(Response::from_stream(stream)?
        .with_status(core.status)
        .with_headers(headers))
}

/// `Server-Timing` value: each metric as `name;dur=<ms>`.
pub fn server_timing(metrics: &[(&str, f64)]) -> String {
    let mut out = String::new();
    for (name, ms) in metrics {
        if !out.is_empty() {
            out.push_str(", ");
        }
        // Three decimals are more than any Workers clock offers; trailing zeros dropped.
        let rounded = (ms.max(0.0) * 1000.0).round() / 1000.0;
        out.push_str(&format!("{name};dur={rounded}"));
    }
    out
}

/// The same response with headers the Worker may change (responses from a Durable Object
/// stub carry immutable headers), CORS on, and `Server-Timing` completed: `engine` (0 if
/// the engine did not run) and `edge`, the Worker's whole time (`edge_ms`).
pub fn finish(resp: Response, request_headers: Option<&str>, edge_ms: f64) -> Result<Response> {
    let status = resp.status_code();
    let old = resp.headers().clone();
    let (_, body) = resp.into_parts();
    let headers = Headers::new();
    for (name, value) in old.entries() {
        headers.append(&name, &value)?;
    }
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Access-Control-Allow-Methods", CORS_METHODS)?;
    headers.set(
        "Access-Control-Allow-Headers",
        request_headers.unwrap_or(CORS_HEADERS),
    )?;
    headers.set("Access-Control-Expose-Headers", CORS_EXPOSE)?;
    headers.set("Access-Control-Max-Age", "86400")?;
    // Lets browser code read Server-Timing across origins.
    headers.set("Timing-Allow-Origin", "*")?;
    let timing = match headers.get("Server-Timing")? {
        Some(inner) => format!("{inner}, {}", server_timing(&[("edge", edge_ms)])),
        None => server_timing(&[("engine", 0.0), ("edge", edge_ms)]),
    };
    headers.set("Server-Timing", &timing)?;
    Ok(ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .body(body))
}
