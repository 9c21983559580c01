//! The state machine as tables: each request, who sends it, what it answers and what it
//! leaves behind (a refused request leaves the server exactly as it was).

use super::*;
use crate::env::{Env, SequentialIds};
use crate::generate::SeedSpec;
use alloc::string::ToString;

const ADMIN: &str = "the-admin-token-0123";
const OWNER: &str = "the-owner-token-0123";

fn policy() -> Policy {
    Policy {
        max_resources: 100,
        ttl_cap_seconds: Some(3600),
        import_max_bytes: 1 << 20,
        admin_token_digest: Some(token_digest(ADMIN)),
    }
}

const SITE: Site<'static> = Site {
    origin: "http://127.0.0.1:8787",
    layout: EDGE,
};

fn new_server(users: usize) -> Server {
    let order = CreateOrder::parse(
        alloc::format!(r#"{{"id":"demo","token":"{OWNER}","seed":{{"users":{users},"groups":2,"entitlements":0,"roles":0}}}}"#)
            .as_bytes(),
        Fresh {
            id: "unused".into(),
            token: "unused-token-0000".into(),
            key: "0a".repeat(32),
        },
        &policy(),
        1_000,
    )
    .unwrap();
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: 1_000,
        base_url: "http://127.0.0.1:8787/scim-identifier/demo/scim/v2",
        ids: &mut ids,
    };
    create(order, None, SEED_CHUNK, &mut env).unwrap().server
}

fn body(response: &Response) -> Value {
    crate::value::from_slice(&response.body).unwrap_or(Value::Null)
}

/// What a server looks like from outside: its record and every stored resource.
fn snapshot(server: &Server) -> (ServerRecord, Vec<u8>) {
    (server.record.clone(), export(&server.tenant))
}

#[test]
fn authentication_reads_only_the_header_and_hides_which_servers_exist() {
    let record = new_server(0).record;
    let wrong = "this token does not open server 'demo' (or there is no such server)";
    let bearer = |t: &str| alloc::format!("Bearer {t}");
    // (header, record known?, expected access or 401 detail)
    let table: Vec<(Option<String>, bool, core::result::Result<Access, &str>)> = alloc::vec![
        (Some(bearer(OWNER)), true, Ok(Access::Owner)),
        (Some(bearer(ADMIN)), true, Ok(Access::Admin)),
        (Some(bearer("nope-nope-nope-nope")), true, Err(wrong)),
        // Unknown server: the same answer as a wrong token, whatever the token.
        (Some(bearer(OWNER)), false, Err(wrong)),
        (Some(bearer(ADMIN)), false, Err(wrong)),
        (Some(bearer("nope-nope-nope-nope")), false, Err(wrong)),
        (None, true, Err("missing Authorization header")),
        (
            Some("Token abc".into()),
            true,
            Err("malformed Authorization header")
        ),
    ];
    for (header, known, expected) in table {
        let got = authenticate(
            header.as_deref(),
            "demo",
            known.then_some(&record),
            &policy(),
        );
        match (got, expected) {
            (Ok(access), Ok(want)) => assert_eq!(access, want, "{header:?}"),
            (Err(e), Err(want)) => {
                assert_eq!(e.status, 401, "{header:?}");
                assert!(e.detail.starts_with(want), "{header:?}: {}", e.detail);
            }
            (got, want) => panic!("{header:?}: {got:?} instead of {want:?}"),
        }
    }
    assert!(authenticate_admin(Some(&bearer(ADMIN)), &policy()).is_ok());
    assert_eq!(
        authenticate_admin(Some(&bearer(OWNER)), &policy())
            .unwrap_err()
            .status,
        401
    );
    let no_admin = Policy {
        admin_token_digest: None,
        ..policy()
    };
    assert!(authenticate_admin(Some(&bearer(ADMIN)), &no_admin).is_err());
}

/// One row: who, method, endpoint, body; then status, record and tenant changes, and a
/// check of the answer and the server afterwards.
type Check = fn(&Value, &Server) -> bool;
struct Case {
    access: Access,
    method: Method,
    action: Action,
    body: &'static str,
    status: u16,
    record: RecordChange,
    tenant: TenantChange,
    check: Check,
}

fn case(
    access: Access,
    method: Method,
    action: Action,
    body: &'static str,
    (status, record, tenant): (u16, RecordChange, TenantChange),
    check: Check,
) -> Case {
    Case {
        access,
        method,
        action,
        body,
        status,
        record,
        tenant,
        check,
    }
}

#[test]
fn every_endpoint_answers_and_changes_what_it_says() {
    use Access::{Admin, Owner};
    use RecordChange as R;
    use TenantChange as T;
    let refused = |status| (status, R::Unchanged, T::Unchanged);
    let ok = (200, R::Unchanged, T::Unchanged);
    let any: Check = |_, _| true;
    #[rustfmt::skip]
    let table = [
        case(Owner, Method::Get, Action::Server, "", ok, |b, _| {
            b["id"] == "demo"
                && b["scim"] == "http://127.0.0.1:8787/scim-identifier/demo/scim/v2"
                && b["counts"]["User"] == 5
                && b["counts"]["Group"] == 2
                && b["total"] == 7
                && b["limits"]["maxResources"] == 100
                && b["created"] == "1970-01-01T00:00:01.000Z"
                && b["expires"] == "1970-01-01T01:00:01.000Z"
        }),
        case(Admin, Method::Get, Action::Server, "", ok, |b, _| b["total"] == 7),
        case(Owner, Method::Post, Action::Server, "", refused(405), any),
        case(Owner, Method::Get, Action::Config, "", ok, |b, _| b["maxResults"] == 1000 && b["ttlSeconds"] == 3600),
        // A typo is refused and changes nothing (it used to reset every other setting).
        case(Owner, Method::Put, Action::Config, r#"{"stirct": true}"#, refused(400),
            |b, _| b["detail"].as_str().unwrap_or("").contains("stirct"),
        ),
        case(Owner, Method::Put, Action::Config, r#"{"maxResults": 0}"#, refused(400), any),
        case(Owner, Method::Patch, Action::Config, r#"{"strict": 1}"#, refused(400), any),
        case(Owner, Method::Patch, Action::Config, "[]", refused(400), any),
        case(Owner, Method::Patch, Action::Config, r#"{"strict": true, "resourceTypes": {"role": false}}"#, (200, R::Updated, T::Unchanged),
            |b, s| {
                b["strict"] == true
                    && b["maxResults"] == 1000
                    && s.record.settings.strict
                    && !s.tenant.counts().contains_key("Role")
            },
        ),
        // PUT replaces them all; the deployment's TTL cap still applies.
        case(Owner, Method::Put, Action::Config, r#"{"maxResults": 7, "ttlSeconds": 99999}"#, (200, R::Updated, T::Unchanged),
            |b, s| {
                b["maxResults"] == 7
                    && b["strict"] == false
                    && b["ttlSeconds"] == 3600
                    && s.record.expires_ms == Some(1_000 + 3_600_000)
            },
        ),
        case(Admin, Method::Get, Action::Config, "", refused(403), any),
        case(Admin, Method::Put, Action::Config, "{}", refused(403), any),
        case(Admin, Method::Get, Action::Export, "", refused(403),
            |b, _| b["detail"].as_str().unwrap_or("").contains("never reads"),
        ),
        case(Admin, Method::Post, Action::Reset, "", refused(403), any),
        case(Admin, Method::Put, Action::Import, "{}", refused(403), any),
        case(Owner, Method::Get, Action::Export, "", ok, |b, _| b["resources"].as_array().map(Vec::len) == Some(7)),
        case(Owner, Method::Put, Action::Export, "", refused(405), any),
        // Not an export: refused before the tenant is touched.
        case(Owner, Method::Put, Action::Import, "{}", refused(400), any),
        case(Owner, Method::Put, Action::Import, "[]", refused(400), any),
        case(Owner, Method::Put, Action::Import, r#"{"not": 1}"#, refused(400), any),
        case(Owner, Method::Put, Action::Import, r#"{"settings": {}}"#, refused(400), any),
        // A bad resource is found after the old tenant was let go: reload it.
        case(Owner, Method::Put, Action::Import, r#"{"settings": {}, "resources": [{"id": "x"}]}"#, (400, R::Unchanged, T::Reload), any),
        case(Owner, Method::Put, Action::Import, r#"{"settings": {"strict": true}, "resources": []}"#, (200, R::Updated, T::Replaced),
            |b, s| {
                b["total"] == 0
                    && s.record.settings.strict
                    && s.record.settings.ttl_seconds == Some(3600)
            },
        ),
        case(Owner, Method::Post, Action::Reset, "", (200, R::Unchanged, T::Replaced),
            |b, s| {
                b["total"] == 0
                    && s.tenant.resources().count() == 0
                    && s.record.settings.ttl_seconds == Some(3600)
            },
        ),
        case(Admin, Method::Delete, Action::Server, "", (204, R::Deleted, T::Unchanged), any),
        case(Owner, Method::Delete, Action::Server, "", (204, R::Deleted, T::Unchanged), any),
    ];
    for (i, c) in table.into_iter().enumerate() {
        let mut server = new_server(5);
        let before = snapshot(&server);
        let req = Request {
            method: &c.method,
            action: c.action,
            access: c.access,
            body: c.body.as_bytes(),
        };
        let out = handle(&req, &mut server, &policy(), &SITE);
        let (record, tenant) = (out.record, out.tenant);
        let response = out.into_response();
        let answer = body(&response);
        let what = alloc::format!(
            "row {i}: {:?} {:?} {:?} {}",
            c.access,
            c.method,
            c.action,
            c.body
        );
        assert_eq!(response.status, c.status, "{what}: {answer}");
        assert_eq!(record, c.record, "{what}");
        assert_eq!(tenant, c.tenant, "{what}");
        assert!((c.check)(&answer, &server), "{what}: {answer}");
        if response.status >= 400 {
            assert_eq!(
                answer["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
                "{what}"
            );
            assert_eq!(
                answer["status"],
                response.status.to_string().as_str(),
                "{what}"
            );
            if tenant == TenantChange::Unchanged {
                assert!(
                    snapshot(&server) == before,
                    "{what}: a refused request changed the server"
                );
            }
        }
        if response.status == 405 {
            assert!(response.header("Allow").is_some(), "{what}");
        }
    }
}

#[test]
fn the_server_list_is_oldest_first_with_absolute_urls() {
    let listed = |id: &str, created_ms, expires_ms| Listed {
        id: id.into(),
        created_ms,
        expires_ms,
    };
    let out = list(
        alloc::vec![listed("b", 2_000, None), listed("a", 1_000, Some(5_000))],
        &SITE,
    );
    assert_eq!(out.status, 200);
    assert_eq!(
        body(&out),
        crate::json!({
            "total": 2,
            "servers": [
                {"id": "a", "scim": "http://127.0.0.1:8787/scim-identifier/a/scim/v2",
                 "created": "1970-01-01T00:00:01.000Z", "expires": "1970-01-01T00:00:05.000Z"},
                {"id": "b", "scim": "http://127.0.0.1:8787/scim-identifier/b/scim/v2",
                 "created": "1970-01-01T00:00:02.000Z", "expires": null},
            ]
        })
    );
}

#[test]
fn body_limits_follow_the_route() {
    let record = new_server(0).record;
    let table = [
        ("/scim-identifier/demo/scim/v2/Users", 1_048_576),
        ("/api/servers/demo/import", 1 << 20),
        ("/api/servers/demo/config", CREATE_MAX_BYTES),
        ("/api/servers", CREATE_MAX_BYTES),
    ];
    for (path, limit) in table {
        assert_eq!(
            body_limit(&EDGE.parse(path), Some(&record), &policy()),
            limit,
            "{path}"
        );
    }
    assert_eq!(
        body_limit(
            &EDGE.parse("/scim-identifier/x/scim/v2/Users"),
            None,
            &policy()
        ),
        0
    );
}

#[test]
fn route_errors_are_scim_errors() {
    let table = [
        ("/api/servers/bad!id", 400),
        ("/sandbox/%E0%A4/scim/v2", 400),
        ("/elsewhere", 404),
    ];
    for (path, status) in table {
        let layout = if path.starts_with("/sandbox") {
            SANDBOX
        } else {
            EDGE
        };
        let out = route_error(&layout.parse(path), path).unwrap();
        assert_eq!(out.status, status, "{path}");
        assert_eq!(body(&out)["status"], status.to_string().as_str());
    }
    assert!(route_error(&Route::Servers, "/api/servers").is_none());
    let seed: SeedSpec = SeedSpec::default();
    assert!(seed.users > 0);
}
