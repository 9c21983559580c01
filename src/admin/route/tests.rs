use super::*;

#[test]
fn edge_paths_route_to_servers_scim_and_admin_endpoints() {
    let long = alloc::format!("/scim-identifier/{}/scim/v2/Users", "a".repeat(65));
    let server = |id, action| Route::Server { id, action };
    let scim = |id, rest| Route::Scim { id, rest };
    let table: &[(&str, Route)] = &[
        ("/healthz", Route::NotFound),
        ("/", Route::NotFound),
        ("/api/servers", Route::Servers),
        ("/api/servers/", Route::Servers),
        ("/api/serversX", Route::NotFound),
        ("/api/servers/demo", server("demo", Action::Server)),
        ("/api/servers/demo/", server("demo", Action::Server)),
        ("/api/servers/demo/reset", server("demo", Action::Reset)),
        ("/api/servers/demo/export", server("demo", Action::Export)),
        ("/api/servers/demo/import", server("demo", Action::Import)),
        ("/api/servers/demo/config", server("demo", Action::Config)),
        ("/api/servers/demo/token", Route::NotFound),
        ("/api/servers/demo/nope", Route::NotFound),
        ("/api/servers/de.mo", Route::BadServerId("de.mo")),
        ("/api/servers/a%20b/config", Route::BadServerId("a%20b")),
        ("/api/servers/%E0%A4%A", Route::BadServerId("%E0%A4%A")),
        ("/scim-identifier/demo/scim/v2", scim("demo", "")),
        ("/scim-identifier/demo/scim/v2/", scim("demo", "/")),
        (
            "/scim-identifier/demo/scim/v2/Users",
            scim("demo", "/Users"),
        ),
        (
            "/scim-identifier/A_b-9/scim/v2/Users/x/y",
            scim("A_b-9", "/Users/x/y"),
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
        // The oci persona at the origin's root: the credential names the server.
        ("/oauth2/v1/token", Route::Token),
        ("/oauth2/v1/token/", Route::Token),
        ("/oauth2/v1/tokens", Route::NotFound),
        ("/oauth2/v1", Route::NotFound),
        ("/admin/v1", Route::Domain { rest: "" }),
        ("/admin/v1/Users", Route::Domain { rest: "/Users" }),
        (
            "/admin/v1/AppStatusChanger/a%20b",
            Route::Domain {
                rest: "/AppStatusChanger/a%20b",
            },
        ),
        ("/admin/v1Users", Route::NotFound),
        // CSV jobs and EPM at the origin's root.
        (
            "/storage/v1/Files",
            Route::Jobs {
                rest: "/storage/v1/Files",
            },
        ),
        (
            "/job/v1/JobSchedules",
            Route::Jobs {
                rest: "/job/v1/JobSchedules",
            },
        ),
        (
            "/interop/rest/security/v1/users",
            Route::Jobs {
                rest: "/interop/rest/security/v1/users",
            },
        ),
        ("/job/v2/JobSchedules", Route::NotFound),
        ("/storage/v1x", Route::NotFound),
        ("/admin/v2/Users", Route::NotFound),
    ];
    for (path, expected) in table {
        assert_eq!(EDGE.parse(path), *expected, "{path}");
    }
}

#[test]
fn sandbox_paths_use_the_same_parser_under_sandbox() {
    let table: &[(&str, Route)] = &[
        ("/sandbox/api/servers", Route::Servers),
        (
            "/sandbox/api/servers/x/config",
            Route::Server {
                id: "x",
                action: Action::Config,
            },
        ),
        // A server may be called "api": its SCIM base is not the admin API.
        (
            "/sandbox/api/scim/v2/Users",
            Route::Scim {
                id: "api",
                rest: "/Users",
            },
        ),
        (
            "/sandbox/demo/scim/v2/Users?x",
            Route::Scim {
                id: "demo",
                rest: "/Users?x",
            },
        ),
        ("/sandbox/%zz/scim/v2", Route::BadServerId("%zz")),
        ("/api/servers", Route::NotFound),
        ("/scim-identifier/demo/scim/v2", Route::NotFound),
    ];
    for (path, expected) in table {
        assert_eq!(SANDBOX.parse(path), *expected, "{path}");
    }
}

#[test]
fn urls_are_built_from_the_layout() {
    assert_eq!(
        EDGE.scim_base("http://127.0.0.1:8787", "demo"),
        "http://127.0.0.1:8787/scim-identifier/demo/scim/v2"
    );
    assert_eq!(
        SANDBOX.server_url("http://localhost:8080", "x"),
        "http://localhost:8080/sandbox/api/servers/x"
    );
}
