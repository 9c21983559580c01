//! The HTTP client: one token per client, messages that say what went wrong and what to do.

use crate::auth::Credential;
use crate::Fallible;
use serde_json::Value;
use std::time::Duration;

/// An HTTP client with one credential, shared by worker threads (the agent pools
/// connections).
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
    credential: Credential,
}

/// A response: status and body.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Http {
    /// A client sending `credential`'s token, keeping up to `connections` open.
    pub fn new(credential: Credential, connections: usize) -> Http {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(300)))
            .max_idle_connections_per_host(connections.max(4))
            .max_idle_connections(connections.max(4))
            .user_agent(concat!("scimlet-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http { agent, credential }
    }

    /// Sends a request (a body as SCIM JSON); only transport failures are errors here.
    pub fn send(&self, method: &str, url: &str, body: Option<Vec<u8>>) -> Fallible<Reply> {
        self.send_as(method, url, body.map(|b| ("application/scim+json", b)))
    }

    /// Sends a request with a body of the given content type; only transport failures are
    /// errors here.
    pub fn send_as(
        &self,
        method: &str,
        url: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Fallible<Reply> {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Accept", "application/scim+json, application/json");
        if let Some(token) = &self.credential.token {
            builder = builder.header("Authorization", format!("Bearer {token}"));
        }
        let result = match body {
            Some((content_type, bytes)) => builder
                .header("Content-Type", content_type)
                .body(bytes)
                .map_err(|e| format!("bad request to {url}: {e}"))
                .map(|req| self.agent.run(req))?,
            None => builder
                .body(())
                .map_err(|e| format!("bad request to {url}: {e}"))
                .map(|req| self.agent.run(req))?,
        };
        let mut response = result.map_err(|e| unreachable_message(url, &e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .map_err(|e| format!("reading the answer of {method} {url}: {e}"))?;
        Ok(Reply { status, body })
    }

    /// Sends a request and returns its JSON body (null when empty) on 2xx; anything
    /// else becomes a message saying what the server said.
    pub fn json(&self, method: &str, url: &str, body: Option<&Value>) -> Fallible<Value> {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        let reply = self.send(method, url, bytes)?;
        if !(200..300).contains(&reply.status) {
            return Err(self.refusal(method, url, &reply));
        }
        parse_json(method, url, &reply)
    }

    /// The message for a non-2xx answer: the server's `detail`, and for a 401 what to do
    /// about the token.
    pub fn refusal(&self, method: &str, url: &str, reply: &Reply) -> String {
        status_message(method, url, reply, &self.credential.hint)
    }
}

/// A reply's JSON body (null when empty).
pub fn parse_json(method: &str, url: &str, reply: &Reply) -> Fallible<Value> {
    if reply.body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&reply.body).map_err(|e| {
        format!(
            "{method} {url} answered {} with invalid JSON: {e}",
            reply.status
        )
    })
}

/// The message for a request that never got an answer.
fn unreachable_message(url: &str, error: &ureq::Error) -> String {
    let origin = origin_of(url);
    match error {
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            format!("{url:?} is not a valid URL (expected something like http://127.0.0.1:8787): {error}")
        }
        ureq::Error::Timeout(_) => format!("{origin} did not answer in time ({error})"),
        _ => format!(
            "cannot reach scimlet at {origin}: {error}.\n  Is it running? Start one with `make dev`, \
             or point --url (or SCIMLET_URL) at a running server."
        ),
    }
}

/// `scheme://host[:port]` of a URL.
pub fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url.get(after_scheme..).and_then(|rest| rest.find('/')) {
        Some(i) => url.get(..after_scheme + i).unwrap_or(url),
        None => url,
    }
}

/// The message for a non-2xx answer, with the server's `detail` and, for a 401, `hint`.
pub fn status_message(method: &str, url: &str, reply: &Reply, hint: &str) -> String {
    let detail = detail_of(&reply.body);
    match reply.status {
        401 => format!("{method} {url} was refused (401 Unauthorized): {detail}\n  {hint}"),
        403 => format!("{method} {url} is forbidden (403): {detail}"),
        404 => format!("{method} {url}: not found (404): {detail}"),
        status => format!("{method} {url} answered {status}: {detail}"),
    }
}

/// The `detail` of a SCIM error body, else the body itself (shortened).
pub fn detail_of(body: &[u8]) -> String {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    if let Some(detail) = parsed
        .as_ref()
        .and_then(|v| v.get("detail"))
        .and_then(Value::as_str)
    {
        return detail.to_string();
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "(no body)".into()
    } else if text.chars().count() > 300 {
        format!("{}...", text.chars().take(300).collect::<String>())
    } else {
        text.to_string()
    }
}

/// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
pub fn encode(component: &str) -> String {
    let mut out = String::with_capacity(component.len() * 3 / 2);
    for b in component.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
