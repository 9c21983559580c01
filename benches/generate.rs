//! Generator speed: `cargo bench --bench generate`; arguments pick sizes and phases
//! (`-- 100000 populate`; default 100,000 and 1,000,000 users, `stream` and `populate`).
//!
//! With the defaults' shape (5 groups, 8 entitlements, 4 roles) it reports wall and CPU
//! users/s for: `stream`, the user stream alone ([`People`], each user dropped at once,
//! userNames checked distinct); `generate`, the whole data set kept as JSON by a sink that
//! only assigns ids ([`generate`]); `populate`, the whole data set into an in-memory tenant
//! through `Tenant::create` ([`populate`]: validation, indexes, group membership, change
//! set). The issue's target: 1,000,000 users populated in under 10 s. `bulk` (opt-in) sends
//! the same rich users as Bulk JSON through `Tenant::handle`, as `scimlet load` does.

use scimlet::env::{Env, SequentialIds};
use scimlet::generate::{generate, populate, People, SeedSpec};
use scimlet::Value;
use scimlet::{Method, Request, Settings, Tenant};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// This process's CPU time so far (Linux `/proc/self/schedstat`, nanoseconds on CPU),
/// or `None` elsewhere. The machine is shared: wall time alone overstates the cost when
/// other jobs hold the cores.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// A stopwatch for wall and CPU time.
struct Timer {
    wall: Instant,
    cpu: Option<f64>,
}

impl Timer {
    fn start() -> Timer {
        Timer {
            wall: Instant::now(),
            cpu: cpu_seconds(),
        }
    }
    fn report(&self, what: &str, users: usize) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = match (self.cpu, cpu_seconds()) {
            (Some(a), Some(b)) => format!(
                "{:>6.2} s CPU {:>10.0} users/CPU-s",
                b - a,
                users as f64 / (b - a)
            ),
            _ => String::new(),
        };
        println!(
            "{what:<30} {users:>9} users {wall:>6.2} s wall {:>10.0} users/s | {cpu}",
            users as f64 / wall
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![100_000, 1_000_000];
    }
    let phases = ["stream", "generate", "populate", "bulk"];
    let mut chosen: Vec<&str> = phases
        .iter()
        .copied()
        .filter(|p| args.iter().any(|a| a == p))
        .collect();
    if chosen.is_empty() {
        chosen = vec!["stream", "populate"];
    }
    let run = |phase: &str| chosen.contains(&phase);
    for users in sizes {
        let spec = SeedSpec {
            users,
            ..SeedSpec::default()
        };
        if run("stream") {
            // Each person is dropped at once (what `scimlet load` does); the userNames are
            // kept to prove them unique at this size.
            let timer = Timer::start();
            let mut people = People::new(&spec).expect("valid spec");
            let mut user_names = HashSet::with_capacity(users);
            for _ in 0..users {
                let mut person = people.next_person();
                if let Some(Value::String(name)) = person.user.remove("userName") {
                    user_names.insert(name);
                }
            }
            timer.report("user stream (People)", users);
            assert_eq!(user_names.len(), users, "userNames repeat");
            println!("{:<30} {users:>9} distinct userNames", "");
        }
        if run("generate") {
            let timer = Timer::start();
            let mut stored = Vec::with_capacity(users + 17);
            let mut next = 0u64;
            generate(&spec, &mut |_, mut resource: Value| {
                next += 1;
                if let Value::Object(map) = &mut resource {
                    map.insert("id", Value::from(next.to_string()));
                }
                let resource = Arc::new(resource);
                stored.push(resource.clone());
                Ok(resource)
            })
            .expect("generation succeeds");
            timer.report("generate (sink keeps JSON)", users);
            drop(stored);
        }
        if run("bulk") {
            // Rich generated users (~1 KB of JSON each, what `scimlet load` sends) through
            // Bulk POST in batches of 500 (1,000 would pass the default 1 MB maxPayloadSize):
            // the engine bench's ingest with heavier users.
            // Only `Tenant::handle` is timed, not building the request bodies.
            let mut tenant = Tenant::new(Settings::default()).expect("tenant");
            let mut ids = SequentialIds::default();
            let mut people = People::new(&spec).expect("valid spec");
            let (mut engine, mut json_bytes) = (Duration::ZERO, 0);
            let mut done = 0;
            while done < users {
                let batch = (users - done).min(500);
                let mut body = String::from(
                    r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":["#,
                );
                for i in 0..batch {
                    let user = serde_json::to_string(&people.next_person().user).expect("JSON");
                    if i > 0 {
                        body.push(',');
                    }
                    body.push_str(r#"{"method":"POST","path":"/Users","data":"#);
                    body.push_str(&user);
                    body.push('}');
                }
                body.push_str("]}");
                json_bytes += body.len();
                let req = Request::new(Method::Post, "/Bulk").with_body(body);
                let mut env = Env {
                    now_ms: 1_767_225_600_000,
                    base_url: "http://127.0.0.1:8787/scim/v2",
                    ids: &mut ids,
                };
                let start = Instant::now();
                let out = tenant.handle(&req, &mut env);
                engine += start.elapsed();
                assert_eq!(out.response.status, 200);
                assert_eq!(
                    out.changes.upserted.len(),
                    batch,
                    "every operation succeeds"
                );
                done += batch;
            }
            println!(
                "{:<30} {users:>9} users {:>6.2} s engine {:>10.0} users/s | {} MB of Bulk JSON",
                "Bulk of rich users (engine)",
                engine.as_secs_f64(),
                users as f64 / engine.as_secs_f64(),
                json_bytes / 1_000_000
            );
        }
        if run("populate") {
            // A million users in 5 groups would put some 350,000 members in each; the
            // generator fills a group up to the tenant's `maxValuesPerAttribute`, at most
            // 100,000, and leaves later users out of it.
            let settings = Settings {
                max_values_per_attribute: 100_000,
                ..Settings::default()
            };
            let mut tenant = Tenant::new(settings).expect("tenant");
            let mut ids = SequentialIds::default();
            let mut env = Env {
                now_ms: 1_767_225_600_000,
                base_url: "http://127.0.0.1:8787/scim/v2",
                ids: &mut ids,
            };
            let timer = Timer::start();
            let changes = populate(&mut tenant, &spec, &mut env).expect("populate succeeds");
            timer.report("populate (in-memory tenant)", users);
            assert_eq!(changes.upserted.len(), users + 5 + 8 + 4);
            drop(changes);
            drop(tenant);
        }
    }
}
