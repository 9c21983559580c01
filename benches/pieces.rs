//! Single pieces of the engine, timed alone: `cargo bench --bench pieces`.
//!
//! - `normalize`: `normalize_resource` on one rich user (client JSON to stored form), as
//!   the difference between clone + normalize + drop and clone + drop alone.
//! - `projection`: `attributes=id` and no projection over a page of 1,000 generated users.
//! - `patch`: group membership through `Tenant::handle` (body parsing, PATCH, checks,
//!   indexes and the rendered answer included), on a tenant holding 20,000 users: one
//!   PATCH adding all 20,000 to a group, one removing them with a value list (Entra's
//!   form), and 1,000 PATCHes adding 20 each (answered with the group, then with 204).
//!
//! Each `normalize`/`projection` figure is the best of 30 batches, since the machine is
//! shared; each `patch` figure the best of `SCIMLET_BENCH_REPS` rounds (default 5), each
//! round on a fresh group.

use scimlet::env::UuidIds;
use scimlet::generate::{populate, SeedSpec};
use scimlet::project::{parse_attribute_list, Projection, ProjectionPlan};
use scimlet::schema::builtin::{resource_type, ENTERPRISE_USER, USER};
use scimlet::schema::normalize_resource;
use scimlet::settings::PatchResponse;
use scimlet::{json, Env, Method, Request, Response, Settings, Tenant, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Best time per item over 30 batches of `items` runs of `f`, in nanoseconds.
fn best_ns(items: usize, mut f: impl FnMut()) -> f64 {
    (0..30)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_nanos() as f64 / items as f64
        })
        .fold(f64::MAX, f64::min)
}

fn normalize() {
    let rs = resource_type("User").expect("User");
    let user = json!({
        "schemas": [USER, ENTERPRISE_USER],
        "externalId": "00u1abcd",
        "userName": "ann.lee@example.com",
        "name": {"givenName": "Ann", "familyName": "Lee", "formatted": "Ann Lee"},
        "displayName": "Ann Lee",
        "nickName": "Annie",
        "title": "Engineer",
        "userType": "Employee",
        "preferredLanguage": "en-US",
        "locale": "en-US",
        "timezone": "Europe/Oslo",
        "active": true,
        "password": "hunter2!",
        "emails": [{"value": "ann.lee@example.com", "type": "work", "primary": true},
                   {"value": "ann@home.example", "type": "home"}],
        "phoneNumbers": [{"value": "+47 555 12345", "type": "work"}],
        ENTERPRISE_USER: {"employeeNumber": "12345", "department": "R&D",
                          "manager": {"value": "00u1boss"}}
    });
    let rounds = 10_000;
    let baseline = best_ns(rounds, || {
        for _ in 0..rounds {
            black_box(user.clone());
        }
    });
    let total = best_ns(rounds, || {
        for _ in 0..rounds {
            let stored = normalize_resource(&rs, user.clone(), false).expect("a valid user");
            black_box(stored);
        }
    });
    println!(
        "normalize_resource: {:.0} ns per user (clone + drop alone: {baseline:.0} ns)",
        total - baseline
    );
}

fn projection() {
    let rs = resource_type("User").expect("User");
    // A page of generated users, as rich as a seeded server's (enterprise extension,
    // manager, addresses, phones, several emails).
    let mut host = Host {
        tenant: Tenant::new(Settings::default()).expect("settings"),
        ids: UuidIds::new(7),
    };
    let spec = SeedSpec {
        users: 1000,
        ..SeedSpec::default()
    };
    host.seed(&spec);
    let page: Vec<Value> = host
        .tenant
        .resources()
        .filter(|r| r["meta"]["resourceType"] == "User")
        .map(|r| (*r).clone())
        .collect();
    assert_eq!(page.len(), 1000);
    for (name, attributes) in [("attributes=id", "id"), ("no projection", "")] {
        let projection = Projection {
            attributes: parse_attribute_list(attributes),
            excluded: Vec::new(),
            ..Projection::default()
        };
        let ns = best_ns(page.len(), || {
            let plan = ProjectionPlan::new(&rs, &projection);
            black_box(page.iter().map(|u| plan.apply(u)).collect::<Vec<Value>>());
        });
        println!("projection, {name}: {ns:.0} ns per resource (page of 1,000)");
    }
}

/// A tenant and its id source, answering requests as a host would.
struct Host {
    tenant: Tenant,
    ids: UuidIds,
}

/// What the host passes in: a fixed time, the base URL, its ids.
fn env(ids: &mut UuidIds) -> Env<'_> {
    Env {
        now_ms: 1_795_000_000_000,
        base_url: "http://127.0.0.1:8787/scim/v2",
        ids,
    }
}

impl Host {
    fn handle(&mut self, req: &Request) -> Response {
        self.tenant.handle(req, &mut env(&mut self.ids)).response
    }

    fn seed(&mut self, spec: &SeedSpec) {
        populate(&mut self.tenant, spec, &mut env(&mut self.ids)).expect("a valid seed");
    }

    /// Sends a request that must answer `status`; returns the answer as JSON.
    fn expect(&mut self, req: &Request, status: u16) -> serde_json::Value {
        let resp = self.handle(req);
        assert_eq!(
            resp.status,
            status,
            "{}",
            String::from_utf8_lossy(resp.body.get(..500).unwrap_or(&resp.body))
        );
        serde_json::from_slice(&resp.body).unwrap_or(serde_json::Value::Null)
    }
}

/// A PatchOp body with one operation on `members` listing `ids`.
fn members_op(op: &str, ids: &[String]) -> Vec<u8> {
    let values: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"value":"{id}"}}"#))
        .collect();
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"{op}","path":"members","value":[{}]}}]}}"#,
        values.join(",")
    )
    .into_bytes()
}

fn patch() {
    const USERS: usize = 20_000;
    const SMALL: usize = 20;
    let reps: usize = std::env::var("SCIMLET_BENCH_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let settings = Settings {
        // 20,000 members are about 1 MB of JSON.
        bulk_max_payload_size: 8 << 20,
        ..Settings::default()
    };
    let mut host = Host {
        tenant: Tenant::new(settings).expect("settings"),
        ids: UuidIds::new(7),
    };
    let ids: Vec<String> = (0..USERS)
        .map(|i| {
            let body = format!(r#"{{"userName":"member{i}@example.com"}}"#);
            let user = host.expect(&Request::new(Method::Post, "/Users").with_body(body), 201);
            user["id"].as_str().expect("id").to_string()
        })
        .collect();
    let mut big_add = Duration::MAX;
    let mut big_remove = Duration::MAX;
    let mut small_adds = Duration::MAX;
    let mut small_adds_204 = Duration::MAX;
    for round in 0..reps {
        let body = format!(r#"{{"displayName":"big {round}"}}"#);
        let group = host.expect(&Request::new(Method::Post, "/Groups").with_body(body), 201);
        let path = format!("/Groups/{}", group["id"].as_str().expect("id"));
        let members = |host: &mut Host| -> usize {
            let group = host.expect(&Request::new(Method::Get, &path), 200);
            group["members"].as_array().map_or(0, Vec::len)
        };

        let add = Request::new(Method::Patch, &path).with_body(members_op("add", &ids));
        let start = Instant::now();
        host.expect(&add, 200);
        big_add = big_add.min(start.elapsed());
        assert_eq!(members(&mut host), USERS);

        let remove = Request::new(Method::Patch, &path).with_body(members_op("remove", &ids));
        let start = Instant::now();
        host.expect(&remove, 200);
        big_remove = big_remove.min(start.elapsed());
        assert_eq!(members(&mut host), 0);

        let requests: Vec<Request> = ids
            .chunks(SMALL)
            .map(|chunk| Request::new(Method::Patch, &path).with_body(members_op("add", chunk)))
            .collect();
        // Twice: answering with the group (200), then with 204, which Entra prefers for
        // groups: rendering 20,000 members per answer is most of the first figure.
        for (answer, best) in [
            (PatchResponse::Resource, &mut small_adds),
            (PatchResponse::NoContent, &mut small_adds_204),
        ] {
            host.expect(&remove, 200);
            let settings = Settings {
                patch_response: answer,
                ..host.tenant.settings().clone()
            };
            host.tenant.configure(settings).expect("settings");
            let start = Instant::now();
            for req in &requests {
                black_box(host.handle(req));
            }
            *best = (*best).min(start.elapsed());
            assert_eq!(members(&mut host), USERS);
        }
        let settings = Settings {
            patch_response: PatchResponse::Resource,
            ..host.tenant.settings().clone()
        };
        host.tenant.configure(settings).expect("settings");
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "patch, add {USERS} members in one request: {:.1} ms",
        ms(big_add)
    );
    println!(
        "patch, remove them with a value list: {:.1} ms",
        ms(big_remove)
    );
    for (answer, time) in [("200 + group", small_adds), ("204", small_adds_204)] {
        println!(
            "patch, {} requests adding {SMALL} members each ({answer}): {:.0} ms ({:.0} µs per request)",
            USERS / SMALL,
            ms(time),
            ms(time) * 1e3 / (USERS / SMALL) as f64
        );
    }
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if run("normalize") {
        normalize();
    }
    if run("projection") {
        projection();
    }
    if run("patch") {
        patch();
    }
}
