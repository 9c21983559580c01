//! The core's own request and response types.
//!
//! Hosts translate their HTTP (workers-rs, a browser `Request`, a test table) into a
//! [`Request`] whose `path` is relative to the SCIM base, hand it to
//! [`Tenant::handle`](crate::tenant::Tenant::handle), and translate the [`Response`] back.
//! Nothing here knows about sockets, JS values or storage.

use alloc::string::String;
use alloc::vec::Vec;

/// SCIM media type, used on every response with a body.
pub const SCIM_JSON: &str = "application/scim+json";

/// HTTP method. Anything the core does not serve is kept as [`Method::Other`] and answered 405.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// Anything else (HEAD, OPTIONS, ...), upper-cased.
    Other(String),
}

impl Method {
    /// Parses a method name, ignoring case (allocating only for a method the core does not
    /// serve: this runs for every operation of a Bulk load).
    pub fn parse(name: &str) -> Method {
        [
            Method::Get,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(name))
        .unwrap_or_else(|| Method::Other(name.to_ascii_uppercase()))
    }
    /// The upper-case name.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Other(s) => s,
        }
    }
}

/// A SCIM request, as the core sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The path below the SCIM base, starting with `/`: `/Users`, `/Users/2819c223`,
    /// `/Groups/.search`, `/Bulk`. Still percent-encoded.
    pub path: String,
    /// The raw query string without `?`, percent-encoded (`+` is a space).
    pub query: String,
    /// `If-Match` header.
    pub if_match: Option<String>,
    /// `If-None-Match` header.
    pub if_none_match: Option<String>,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// The body bytes (may be empty).
    pub body: Vec<u8>,
    /// Who makes the request, as the host authenticated it (`None`: the server's own
    /// token). Only a persona reads it (`crate::persona`).
    pub caller: Option<crate::persona::Caller>,
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: Method, path_and_query: &str) -> Request {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, q),
            None => (path_and_query, ""),
        };
        Request {
            method,
            path: path.into(),
            query: query.into(),
            if_match: None,
            if_none_match: None,
            content_type: None,
            body: Vec::new(),
            caller: None,
        }
    }
    /// The same request with a JSON body and `Content-Type: application/scim+json`.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self.content_type = Some(SCIM_JSON.into());
        self
    }
}

/// A SCIM response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Headers: `Content-Type`, `Location`, `ETag`, `Allow`.
    pub headers: Vec<(String, String)>,
    /// Body bytes (empty for 204 and 304).
    pub body: Vec<u8>,
}

impl Response {
    /// The value of a header, ignoring the name's case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The URL of one resource: its `meta.location`, the `Location` header, a Bulk result's
/// `location`, a member's or a group's `$ref`. `base` is the SCIM base (a trailing `/` is
/// ignored) and `endpoint` the type's (`/Users`).
pub(crate) fn location(base: &str, endpoint: &str, id: &str) -> String {
    let base = base.trim_end_matches('/');
    let mut url = String::with_capacity(base.len() + endpoint.len() + 1 + id.len());
    for part in [base, endpoint, "/", id] {
        url.push_str(part);
    }
    url
}
