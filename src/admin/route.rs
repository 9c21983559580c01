//! The URL layout of a scimlet deployment, parsed the same way by every host.
//!
//! The edge serves `/api/servers/...` and `/scim-identifier/{id}/scim/v2/...`; the browser
//! sandbox serves the same API under `/sandbox` (`/sandbox/api/servers/...`,
//! `/sandbox/{id}/scim/v2/...`). Only the prefixes differ, so a [`Layout`] is data and
//! [`Layout::parse`] is the one parser.

use super::auth::valid_server_id;
use crate::http::Method;

/// Where a deployment puts its administration API and its servers' SCIM bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The administration API, e.g. `/api/servers`.
    pub api: &'static str,
    /// What precedes a server id in a SCIM URL, e.g. `/scim-identifier/`.
    pub scim_prefix: &'static str,
    /// What follows the server id, e.g. `/scim/v2`.
    pub scim_suffix: &'static str,
    /// The `oci` persona's token endpoint, e.g. `/oauth2/v1/token` (the server is named
    /// by the credential, not the path).
    pub token: &'static str,
    /// The `oci` persona's API, e.g. `/admin/v1` (the server is named by the credential).
    pub domain: &'static str,
}

/// The Cloudflare Worker's layout (and the CLI's test stand-in's).
pub const EDGE: Layout = Layout {
    api: "/api/servers",
    scim_prefix: "/scim-identifier/",
    scim_suffix: "/scim/v2",
    token: "/oauth2/v1/token",
    domain: "/admin/v1",
};

/// The browser sandbox's layout (the Service Worker answers below `/sandbox`).
pub const SANDBOX: Layout = Layout {
    api: "/sandbox/api/servers",
    scim_prefix: "/sandbox/",
    scim_suffix: "/scim/v2",
    token: "/sandbox/oauth2/v1/token",
    domain: "/sandbox/admin/v1",
};

/// What a request path addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `/api/servers`: create (POST) and list (GET).
    Servers,
    /// `/api/servers/{id}[/{action}]`.
    Server {
        /// The server id (valid).
        id: &'a str,
        /// What is asked of it.
        action: Action,
    },
    /// `{scim_prefix}{id}{scim_suffix}{rest}`.
    Scim {
        /// The server id (valid).
        id: &'a str,
        /// The path below the SCIM base, `""` or starting with `/`, still percent-encoded.
        rest: &'a str,
    },
    /// The token endpoint of the `oci` persona (`POST`, client credentials).
    Token,
    /// `{domain}{rest}`: an identity domain's API, the server named by the credential.
    Domain {
        /// The path below the domain API, `""` or starting with `/`, still percent-encoded.
        rest: &'a str,
    },
    /// `{root}{rest}` with `rest` below `/storage/v1`, `/job/v1` or `/interop/rest`: an
    /// identity domain's CSV jobs and EPM's Add Users (`crate::jobs`), the server named by
    /// the credential.
    Jobs {
        /// The path from the origin's root (`/job/v1/JobSchedules`), still percent-encoded.
        rest: &'a str,
    },
    /// A server id that breaks [`valid_server_id`], in a place where one is expected.
    BadServerId(&'a str),
    /// Nothing here.
    NotFound,
}

/// The administration endpoints of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `/api/servers/{id}`: show (GET), delete (DELETE).
    Server,
    /// `/api/servers/{id}/reset`: remove every resource (POST).
    Reset,
    /// `/api/servers/{id}/export`: the whole server as JSON (GET).
    Export,
    /// `/api/servers/{id}/import`: replace it with an export (PUT).
    Import,
    /// `/api/servers/{id}/config`: its settings (GET, PUT, PATCH).
    Config,
}

impl Action {
    /// The methods the endpoint serves, for `Allow` and 405 answers.
    pub fn allowed(self) -> &'static [Method] {
        match self {
            Action::Server => &[Method::Get, Method::Delete],
            Action::Reset => &[Method::Post],
            Action::Export => &[Method::Get],
            Action::Import => &[Method::Put],
            Action::Config => &[Method::Get, Method::Put, Method::Patch],
        }
    }

    fn from_segment(segment: &str) -> Option<Action> {
        Some(match segment {
            "" => Action::Server,
            "reset" => Action::Reset,
            "export" => Action::Export,
            "import" => Action::Import,
            "config" => Action::Config,
            _ => return None,
        })
    }
}

impl Layout {
    /// Parses a percent-encoded, dot-segment-free URL path. Server ids are never decoded:
    /// a valid one has nothing to decode, and anything else is [`Route::BadServerId`].
    pub fn parse(self, path: &str) -> Route<'_> {
        if path.trim_end_matches('/') == self.token {
            return Route::Token;
        }
        let root = self.domain.strip_suffix("/admin/v1").unwrap_or("");
        if let Some(rest) = path
            .strip_prefix(root)
            .filter(|r| crate::jobs::is_jobs_path(r))
        {
            return Route::Jobs { rest };
        }
        if let Some(rest) = path.strip_prefix(self.domain) {
            if rest.is_empty() || rest.starts_with('/') {
                return Route::Domain { rest };
            }
            return Route::NotFound;
        }
        if let Some(after) = path.strip_prefix(self.api) {
            let after = after.trim_end_matches('/');
            if after.is_empty() {
                return Route::Servers;
            }
            let Some(after) = after.strip_prefix('/') else {
                return Route::NotFound;
            };
            let (id, action) = after.split_once('/').unwrap_or((after, ""));
            if !valid_server_id(id) {
                return Route::BadServerId(id);
            }
            return match Action::from_segment(action) {
                Some(action) => Route::Server { id, action },
                None => Route::NotFound,
            };
        }
        if let Some(after) = path.strip_prefix(self.scim_prefix) {
            let (id, rest) = after
                .split_once('/')
                .map_or((after, ""), |(id, _)| (id, &after[id.len()..]));
            if !valid_server_id(id) {
                return Route::BadServerId(id);
            }
            return match rest.strip_prefix(self.scim_suffix) {
                Some(below) if below.is_empty() || below.starts_with('/') => {
                    Route::Scim { id, rest: below }
                }
                _ => Route::NotFound,
            };
        }
        Route::NotFound
    }

    /// The absolute SCIM base of a server: `{origin}{scim_prefix}{id}{scim_suffix}`.
    pub fn scim_base(self, origin: &str, id: &str) -> alloc::string::String {
        alloc::format!("{origin}{}{id}{}", self.scim_prefix, self.scim_suffix)
    }

    /// The absolute administration URL of a server: `{origin}{api}/{id}`.
    pub fn server_url(self, origin: &str, id: &str) -> alloc::string::String {
        alloc::format!("{origin}{}/{id}", self.api)
    }
}

#[cfg(test)]
mod tests;
