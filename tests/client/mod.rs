//! A tenant driven request by request through `Tenant::handle`, for the test binaries that
//! compare answers or look at the stored forms between steps (`engine.rs`, `cursor.rs`).

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

mod sqlite;

use scimlet::env::SequentialIds;
use scimlet::{Env, Method, Request, Settings, Tenant};
use serde_json::Value;

pub const BASE: &str = "https://scim.example.com/v2";

/// A tenant over the store the run asks for: in memory, or over SQLite when
/// `SCIMLET_TEST_STORE=sql`, or over SQLite with a memory mirror when `=mirrored` (`make
/// test` runs these tables every way; they must all agree).
pub fn tenant(settings: Settings) -> Tenant {
    match std::env::var("SCIMLET_TEST_STORE").as_deref() {
        Ok("sql") => Tenant::with_sql(settings, Box::new(sqlite::Lite::in_memory())),
        // A mirror small enough that the bigger tables outgrow it midway.
        Ok("mirrored") => {
            Tenant::with_sql_mirrored(settings, Box::new(sqlite::Lite::in_memory()), 8)
        }
        Ok("memory") | Err(_) => Tenant::new(settings),
        Ok(other) => panic!("SCIMLET_TEST_STORE={other}: expected memory, sql or mirrored"),
    }
    .expect("a tenant")
}

pub struct Client {
    pub tenant: Tenant,
    pub ids: SequentialIds,
    pub base: &'static str,
    pub clock: i64,
}

/// What one request got back.
#[derive(Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub location: Option<String>,
    pub allow: Option<String>,
    pub changed: bool,
}

impl Client {
    pub fn new(tenant: Tenant) -> Client {
        Client {
            tenant,
            ids: SequentialIds {
                prefix: "id-".into(),
                last: 0,
            },
            base: BASE,
            clock: 1_795_000_000_000,
        }
    }

    pub fn send(&mut self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let mut req = Request::new(Method::parse(method), path);
        if let Some(body) = body {
            req = req.with_body(body.to_string().into_bytes());
        }
        self.send_request(&req)
    }

    /// The answer, after checking that a refusal changed nothing.
    pub fn send_request(&mut self, req: &Request) -> Answer {
        self.clock += 1000;
        let mut env = Env {
            now_ms: self.clock,
            base_url: self.base,
            ids: &mut self.ids,
        };
        let out = self.tenant.handle(req, &mut env);
        let body = if out.response.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&out.response.body).unwrap()
        };
        if out.response.status >= 400 {
            assert!(
                out.changes.is_empty(),
                "{:?} {}: a failed request changed something: {body}",
                req.method,
                req.path
            );
        }
        Answer {
            status: out.response.status,
            location: out.response.header("Location").map(String::from),
            allow: out.response.header("Allow").map(String::from),
            body,
            changed: !out.changes.is_empty(),
        }
    }

    /// The stored form of a resource (what export and the host's storage see).
    pub fn stored(&self, id: &str) -> Value {
        let found = self.tenant.resources().find(|r| r["id"] == id);
        serde_json::to_value(&*found.expect("stored")).unwrap()
    }

    pub fn total(&mut self, path: &str) -> u64 {
        let answer = self.send("GET", path, None);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        answer.body["totalResults"].as_u64().unwrap()
    }
}
