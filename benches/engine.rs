//! Engine benchmark: Bulk ingest into an in-memory tenant, then indexed and scanned
//! queries and a sorted page, at 100,000 and 1,000,000 users.
//!
//! Run: `cargo bench --bench engine` (or `make bench`). `SCIMLET_BENCH_SIZES=100000`
//! picks sizes. Figures are wall-clock on whatever machine runs it; each query figure is
//! the mean over repeated requests through `Tenant::handle` (query parsing, filter
//! compilation, planning, rendering and JSON serialization included).

use scimlet::env::UuidIds;
use scimlet::{Env, Method, Request, Settings, Tenant};
use std::hint::black_box;
use std::time::{Duration, Instant};

const GIVEN: &[&str] = &[
    "Ann", "Barbara", "Chen", "Dmitri", "Emeka", "Fatima", "Giulia", "Hiroshi", "Ingrid", "Jamal",
    "Kofi", "Leila", "Mateo", "Nadia", "Olga", "Priya",
];
const FAMILY: &[&str] = &[
    "Jensen",
    "Smith",
    "Nakamura",
    "Okafor",
    "Rossi",
    "Garcia",
    "Kowalski",
    "Haddad",
    "Singh",
    "Andersson",
    "Dubois",
    "Ivanova",
    "Mensah",
    "Tanaka",
    "Wong",
    "Silva",
];
const BATCH: usize = 1000;

fn user_json(i: usize) -> String {
    let given = GIVEN[i % GIVEN.len()];
    let family = FAMILY[(i / GIVEN.len()) % FAMILY.len()];
    format!(
        r#"{{"method":"POST","path":"/Users","bulkId":"u{i}","data":{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{g}.{f}.{i}@example.com","name":{{"givenName":"{given}","familyName":"{family}"}},"displayName":"{given} {family} {i}","active":true,"emails":[{{"value":"{g}.{f}.{i}@example.com","type":"work","primary":true}}],"title":"Engineer"}}}}"#,
        g = given.to_lowercase(),
        f = family.to_lowercase(),
    )
}

fn bulk_body(start: usize, end: usize) -> Vec<u8> {
    let ops: Vec<String> = (start..end).map(user_json).collect();
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{}]}}"#,
        ops.join(",")
    )
    .into_bytes()
}

struct Bench {
    tenant: Tenant,
    ids: UuidIds,
}

impl Bench {
    fn handle(&mut self, req: &Request) -> scimlet::Response {
        let mut env = Env {
            now_ms: 1_795_000_000_000,
            base_url: "http://127.0.0.1:8787/scim/v2",
            ids: &mut self.ids,
        };
        self.tenant.handle(req, &mut env).response
    }

    /// Mean time of a GET over `reps` runs.
    fn time_get(&mut self, path_and_query: &str, reps: u32) -> (Duration, scimlet::Response) {
        let req = Request::new(Method::Get, path_and_query);
        let first = self.handle(&req);
        assert_eq!(
            first.status,
            200,
            "{path_and_query}: {}",
            String::from_utf8_lossy(&first.body)
        );
        let start = Instant::now();
        for _ in 0..reps {
            black_box(self.handle(black_box(&req)));
        }
        (start.elapsed() / reps, first)
    }
}

fn total_results(resp: &scimlet::Response) -> u64 {
    let v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
    v["totalResults"].as_u64().unwrap()
}

fn run(n: usize) {
    let settings = Settings {
        bulk_max_operations: BATCH,
        bulk_max_payload_size: 4 << 20,
        ..Settings::default()
    };
    let mut bench = Bench {
        tenant: Tenant::new(settings).unwrap(),
        ids: UuidIds::new(7),
    };
    let bodies: Vec<Vec<u8>> = (0..n)
        .step_by(BATCH)
        .map(|s| bulk_body(s, (s + BATCH).min(n)))
        .collect();
    let bytes: usize = bodies.iter().map(Vec::len).sum();

    let start = Instant::now();
    for body in &bodies {
        let req = Request::new(Method::Post, "/Bulk").with_body(body.clone());
        let resp = bench.handle(&req);
        assert_eq!(resp.status, 200);
    }
    let ingest = start.elapsed();
    assert_eq!(bench.tenant.counts()["User"], n);

    let probe = user_json(n / 2);
    let user_name = probe
        .split("\"userName\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (eq, resp) = bench.time_get(
        &format!(
            "/Users?filter=userName%20eq%20%22{}%22",
            user_name.to_uppercase()
        ),
        10_000,
    );
    assert_eq!(total_results(&resp), 1);
    let (eq_miss, resp) = bench.time_get(
        "/Users?filter=userName%20eq%20%22nobody%40example.com%22",
        10_000,
    );
    assert_eq!(total_results(&resp), 0);
    let co_reps = if n > 200_000 { 5 } else { 20 };
    let (co, resp) = bench.time_get(
        "/Users?filter=displayName%20co%20%22priya%20wong%22&count=100",
        co_reps,
    );
    let co_hits = total_results(&resp);
    let (sorted, resp) = bench.time_get(
        "/Users?sortBy=name.familyName&sortOrder=descending&startIndex=101&count=100",
        co_reps,
    );
    assert_eq!(total_results(&resp), n as u64);
    let (id_walk, _) = bench.time_get(
        "/Users?filter=id%20gt%20%228%22&sortBy=id&attributes=id&count=1000",
        50,
    );

    println!(
        "| {n:>9} users | ingest {:>7.0} users/s ({:.2} s, {:.0} MB/s of Bulk JSON) |",
        n as f64 / ingest.as_secs_f64(),
        ingest.as_secs_f64(),
        bytes as f64 / 1e6 / ingest.as_secs_f64()
    );
    println!(
        "|   userName eq (indexed, hit)        | {:>9.2} µs |",
        eq.as_secs_f64() * 1e6
    );
    println!(
        "|   userName eq (indexed, miss)       | {:>9.2} µs |",
        eq_miss.as_secs_f64() * 1e6
    );
    println!(
        "|   displayName co (scan, {co_hits:>5} hits) | {:>9.2} ms |",
        co.as_secs_f64() * 1e3
    );
    println!(
        "|   sortBy name.familyName, page 100  | {:>9.2} ms |",
        sorted.as_secs_f64() * 1e3
    );
    println!(
        "|   id gt walk, attributes=id, 1000   | {:>9.2} ms |",
        id_walk.as_secs_f64() * 1e3
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::var("SCIMLET_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000]);
    println!("scimlet engine benchmark (release, one thread)");
    for n in sizes {
        run(n);
    }
}
