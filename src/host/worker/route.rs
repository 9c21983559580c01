//! The URL layout of the Worker, parsed once and shared by the Worker and its Durable
//! Objects so both read a path the same way.

use crate::admin::valid_server_id;

/// The prefix of every virtual server's URLs.
pub const SERVER_PREFIX: &str = "/scim-identifier/";
/// What follows the server id in a SCIM URL.
pub const SCIM_SUFFIX: &str = "/scim/v2";
/// The administration API.
pub const API_SERVERS: &str = "/api/servers";

/// What a request path addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `GET /healthz`.
    Health,
    /// `/api/servers`: create (POST) and list (GET).
    Servers,
    /// `/api/servers/{id}[/{action}]`.
    Server {
        /// The server id (valid).
        id: &'a str,
        /// What is asked of it.
        action: Action,
    },
    /// `/scim-identifier/{id}/scim/v2{rest}`.
    Scim {
        /// The server id (valid).
        id: &'a str,
        /// The path below the SCIM base, `""` or starting with `/`.
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
    /// `/api/servers/{id}/reset`.
    Reset,
    /// `/api/servers/{id}/export`.
    Export,
    /// `/api/servers/{id}/import`.
    Import,
    /// `/api/servers/{id}/config`.
    Config,
}

impl Action {
    /// The methods the endpoint serves, for `Allow` and 405 answers.
    pub fn allowed(self) -> &'static str {
        match self {
            Action::Server => "GET, DELETE",
            Action::Reset => "POST",
            Action::Export => "GET",
            Action::Import => "PUT",
            Action::Config => "GET, PUT",
        }
    }
}

/// Parses a (percent-encoded, dot-segment-free) URL path.
pub fn parse(path: &str) -> Route<'_> {
    if path == "/healthz" {
        return Route::Health;
    }
    if let Some(after) = path.strip_prefix(SERVER_PREFIX) {
        let (id, rest) = after
            .split_once('/')
            .map_or((after, ""), |(id, _)| (id, &after[id.len()..]));
        if !valid_server_id(id) {
            return Route::BadServerId(id);
        }
        return match rest.strip_prefix(SCIM_SUFFIX) {
            Some(below) if below.is_empty() || below.starts_with('/') => {
                Route::Scim { id, rest: below }
            }
            _ => Route::NotFound,
        };
    }
    if let Some(after) = path.strip_prefix(API_SERVERS) {
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
        let action = match action {
            "" => Action::Server,
            "reset" => Action::Reset,
            "export" => Action::Export,
            "import" => Action::Import,
            "config" => Action::Config,
            _ => return Route::NotFound,
        };
        return Route::Server { id, action };
    }
    Route::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_route_to_servers_scim_and_admin_endpoints() {
        let long = alloc::format!("/scim-identifier/{}/scim/v2/Users", "a".repeat(65));
        let table: &[(&str, Route)] = &[
            ("/healthz", Route::Health),
            ("/healthz/", Route::NotFound),
            ("/", Route::NotFound),
            ("/api/servers", Route::Servers),
            ("/api/servers/", Route::Servers),
            ("/api/serversX", Route::NotFound),
            (
                "/api/servers/demo",
                Route::Server {
                    id: "demo",
                    action: Action::Server,
                },
            ),
            (
                "/api/servers/demo/",
                Route::Server {
                    id: "demo",
                    action: Action::Server,
                },
            ),
            (
                "/api/servers/demo/reset",
                Route::Server {
                    id: "demo",
                    action: Action::Reset,
                },
            ),
            (
                "/api/servers/demo/export",
                Route::Server {
                    id: "demo",
                    action: Action::Export,
                },
            ),
            (
                "/api/servers/demo/import",
                Route::Server {
                    id: "demo",
                    action: Action::Import,
                },
            ),
            (
                "/api/servers/demo/config",
                Route::Server {
                    id: "demo",
                    action: Action::Config,
                },
            ),
            ("/api/servers/demo/nope", Route::NotFound),
            ("/api/servers/de.mo", Route::BadServerId("de.mo")),
            ("/api/servers/a%20b/config", Route::BadServerId("a%20b")),
            (
                "/scim-identifier/demo/scim/v2",
                Route::Scim {
                    id: "demo",
                    rest: "",
                },
            ),
            (
                "/scim-identifier/demo/scim/v2/",
                Route::Scim {
                    id: "demo",
                    rest: "/",
                },
            ),
            (
                "/scim-identifier/demo/scim/v2/Users",
                Route::Scim {
                    id: "demo",
                    rest: "/Users",
                },
            ),
            (
                "/scim-identifier/A_b-9/scim/v2/Users/x/y",
                Route::Scim {
                    id: "A_b-9",
                    rest: "/Users/x/y",
                },
            ),
            ("/scim-identifier/demo/scim/v2Users", Route::NotFound),
            ("/scim-identifier/demo/scim/v1/Users", Route::NotFound),
            ("/scim-identifier/demo", Route::NotFound),
            ("/scim-identifier/", Route::BadServerId("")),
            (
                "/scim-identifier/bad!id/scim/v2/Users",
                Route::BadServerId("bad!id"),
            ),
            (&long, Route::BadServerId(&long[17..82])),
        ];
        for (path, expected) in table {
            assert_eq!(parse(path), *expected, "{path}");
        }
    }
}
