//! Administration bodies: imports, settings (PUT and merge-patch), create orders and whole
//! administration requests, from arbitrary bytes. Nothing panics; every refusal is a SCIM
//! error; a refused request leaves the server exactly as it was (unless the engine says the
//! in-memory tenant must be reloaded, which only an import past its shape check may); an
//! accepted import exports to a document that imports to the same server.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::admin::{self, Access, Action, CreateOrder, Fresh, Policy, Server, Site, TenantChange, EDGE};
use scimlet::env::SequentialIds;
use scimlet::{Env, Method, Settings};

fn policy() -> Policy {
    Policy {
        max_resources: 50,
        ttl_cap_seconds: Some(3600),
        import_max_bytes: 1 << 16,
        admin_token_digest: Some(admin::token_digest("admin-token-0123456789")),
    }
}

thread_local! {
    /// A seeded server, made once; each input works on a clone.
    static SERVER: Server = seeded();
}

fn server() -> Server {
    SERVER.with(|s| s.duplicate().expect("an in-memory server"))
}

fn seeded() -> Server {
    {
        let body = br#"{"id":"f","token":"owner-token-0123456789","seed":{"users":6,"groups":2,"entitlements":1,"roles":1}}"#;
        let fresh = Fresh { id: "x".into(), token: "fresh-token-0123456789".into(), key: "0a".repeat(32) };
        let order = CreateOrder::parse(body, fresh, &policy(), 0).expect("order");
        let mut ids = SequentialIds::default();
        let mut env = Env { now_ms: 0, base_url: "http://f", ids: &mut ids };
        admin::create(order, None, usize::MAX, &mut env).expect("create").server
    }
}

fn assert_scim_error(status: u16, body: &[u8]) {
    assert!((400..600).contains(&status), "status {status}");
    let value = scimlet::value::from_slice(body).expect("an error body is JSON");
    assert_eq!(value["status"].as_str(), Some(status.to_string().as_str()));
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else { return };
    let site = Site { origin: "http://f", layout: EDGE };
    match kind % 5 {
        0 => {
            if let Ok((_, tenant)) = admin::import(rest, &policy()) {
                let again = admin::export(&tenant);
                let (_, back) = admin::import(&again, &policy()).expect("an export imports");
                assert_eq!(admin::export(&back), again, "export, import, export");
            }
        }
        1 => {
            if let Ok(settings) = Settings::from_json(rest) {
                settings.check().expect("parsed settings are in range");
            }
        }
        2 => {
            let base = server().record.settings.clone();
            if let Ok(settings) = base.merged(rest) {
                settings.check().expect("merged settings are in range");
            }
        }
        3 => {
            let fresh = Fresh { id: "y".into(), token: "fresh-token-0123456789".into(), key: "0b".repeat(32) };
            if let Ok(order) = CreateOrder::parse(rest, fresh, &policy(), 0) {
                assert!(admin::valid_server_id(&order.record.id));
                assert!(order.record.accepts(&order.token));
            }
        }
        _ => {
            let Some((&selector, body)) = rest.split_first() else { return };
            let actions = [Action::Server, Action::Reset, Action::Export, Action::Import, Action::Config];
            let methods = [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete];
            let action = actions[usize::from(selector % 5)];
            let method = methods[usize::from(selector / 5 % 5)].clone();
            let access = if selector >= 128 { Access::Admin } else { Access::Owner };
            let mut server = server();
            let before = (server.record.clone(), admin::export(&server.tenant));
            let request = admin::Request { method: &method, action, access, body };
            let outcome = admin::handle(&request, &mut server, &policy(), &site);
            let tenant = outcome.tenant;
            let response = outcome.into_response();
            if response.status >= 400 {
                assert_scim_error(response.status, &response.body);
                if tenant != TenantChange::Reload {
                    assert!(
                        (server.record.clone(), admin::export(&server.tenant)) == before,
                        "a refused request changed the server"
                    );
                }
            }
        }
    }
});
