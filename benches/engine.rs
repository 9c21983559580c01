//! Engine benchmark: Bulk ingest into an in-memory tenant, then indexed and scanned
//! queries, sorted pages, `count=0` and cursor pages, at 100,000 and 1,000,000 users.
//!
//! Run: `cargo bench --bench engine`. `SCIMLET_BENCH_SIZES=100000` picks sizes;
//! `SCIMLET_BENCH_PERSONA=oci` makes the tenant an identity domain. Figures are wall-clock
//! on whatever machine runs it; each query figure is
//! the mean over repeated requests through `Tenant::handle` (query parsing, filter
//! compilation, planning, rendering and JSON serialization included).

use scimlet::env::UuidIds;
use scimlet::persona::Identity;
use scimlet::settings::Persona;
use scimlet::{Env, Method, Request, Settings, Tenant};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod clock;
use clock::cpu_time;

/// The system allocator, counting allocations: allocations per ingested user is the figure
/// that ingest speed follows most closely (each costs time, and memory the kernel zeroes).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
/// Counting costs an atomic add per allocation (~5% of ingest), so only the first Bulk
/// request of the ingest counts.
static COUNTING: AtomicBool = AtomicBool::new(false);

fn count() {
    if COUNTING.load(Ordering::Relaxed) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `System`; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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

/// Wall-clock and CPU time of a closure.
fn timed<T>(f: impl FnOnce() -> T) -> (Duration, Duration, T) {
    let (wall, cpu) = (Instant::now(), cpu_time());
    let out = f();
    (wall.elapsed(), cpu_time() - cpu, out)
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
    /// Mean wall and CPU time of a GET over `reps` runs.
    fn time_get(
        &mut self,
        path_and_query: &str,
        reps: u32,
    ) -> (Duration, Duration, scimlet::Response) {
        let req = Request::new(Method::Get, path_and_query);
        let first = self.handle(&req);
        assert_eq!(
            first.status,
            200,
            "{path_and_query}: {}",
            String::from_utf8_lossy(&first.body)
        );
        let (wall, cpu, ()) = timed(|| {
            for _ in 0..reps {
                black_box(self.handle(black_box(&req)));
            }
        });
        (wall / reps, cpu / reps, first)
    }
}

fn total_results(resp: &scimlet::Response) -> u64 {
    let v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
    v["totalResults"].as_u64().unwrap()
}

fn run(n: usize) {
    // `SCIMLET_BENCH_PERSONA=oci`: the same load into an identity domain (writers, OCIDs,
    // capabilities recorded on every user).
    let persona = match std::env::var("SCIMLET_BENCH_PERSONA").as_deref() {
        Ok("oci") => Persona::Oci,
        _ => Persona::Scim,
    };
    let settings = Settings {
        bulk_max_operations: BATCH,
        bulk_max_payload_size: 4 << 20,
        persona,
        ..Settings::default()
    };
    let mut tenant = Tenant::new(settings).unwrap();
    tenant.set_identity(Some(Identity {
        server_id: "bench".into(),
        key: vec![7; 32],
    }));
    let mut bench = Bench {
        tenant,
        ids: UuidIds::new(7),
    };
    let bodies: Vec<Vec<u8>> = (0..n)
        .step_by(BATCH)
        .map(|s| bulk_body(s, (s + BATCH).min(n)))
        .collect();
    let bytes: usize = bodies.iter().map(Vec::len).sum();

    ALLOCATIONS.store(0, Ordering::Relaxed);
    let (ingest, ingest_cpu, ()) = timed(|| {
        for (i, body) in bodies.iter().enumerate() {
            COUNTING.store(i == 0, Ordering::Relaxed);
            let req = Request::new(Method::Post, "/Bulk").with_body(body.clone());
            let resp = bench.handle(&req);
            assert_eq!(resp.status, 200);
        }
    });
    COUNTING.store(false, Ordering::Relaxed);
    assert_eq!(bench.tenant.counts()["User"], n);
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) as f64 / BATCH.min(n) as f64;
    println!("| {n:>9} users | Bulk ingest | {:>9.0} users/s | {:>9.0} users/s | ({:.0} MB of Bulk JSON, {:.1} allocations per user)", rate(ingest), rate(ingest_cpu), bytes as f64 / 1e6, allocations);

    let probe = user_json(n / 2);
    let user_name = probe
        .split("\"userName\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // The id in the middle of id order, so the walk below starts halfway through.
    let middle = bench.handle(&Request::new(
        Method::Get,
        &format!(
            "/Users?sortBy=id&startIndex={}&count=1&attributes=id",
            n / 2 + 1
        ),
    ));
    let middle: serde_json::Value = serde_json::from_slice(&middle.body).unwrap();
    let middle_id = middle["Resources"][0]["id"].as_str().unwrap().to_string();
    let co_reps = if n > 200_000 { 5 } else { 20 };
    // The second page of a cursor walk (RFC 9865), unsorted and sorted; an engine without
    // cursors gives no `nextCursor`, and those lines are left out.
    let second_page = |bench: &mut Bench, query: &str| -> Option<String> {
        let first = bench.handle(&Request::new(
            Method::Get,
            &format!("{query}&cursor=&count=100"),
        ));
        let first: serde_json::Value = serde_json::from_slice(&first.body).ok()?;
        let next = first["nextCursor"].as_str()?;
        Some(format!("{query}&cursor={next}&count=100"))
    };
    let cursor_pages = [
        (
            "cursor page 2 of 100, id order",
            second_page(&mut bench, "/Users?attributes=id"),
        ),
        (
            "cursor page 2 of 100, sortBy familyName",
            second_page(
                &mut bench,
                "/Users?sortBy=name.familyName&sortOrder=descending",
            ),
        ),
    ];
    let mut queries: Vec<(&str, String, u32, Option<u64>)> = vec![
        (
            "userName eq (indexed, hit)",
            format!(
                "/Users?filter=userName%20eq%20%22{}%22",
                user_name.to_uppercase()
            ),
            10_000,
            Some(1),
        ),
        (
            "userName eq (indexed, miss)",
            "/Users?filter=userName%20eq%20%22nobody%40example.com%22".into(),
            10_000,
            Some(0),
        ),
        (
            "displayName co (scan)",
            "/Users?filter=displayName%20co%20%22priya%20wong%22&count=100".into(),
            co_reps,
            None,
        ),
        (
            "sortBy name.familyName, page 2 of 100",
            "/Users?sortBy=name.familyName&sortOrder=descending&startIndex=101&count=100".into(),
            co_reps,
            Some(n as u64),
        ),
        (
            "id gt walk, attributes=id, 1000",
            format!("/Users?filter=id%20gt%20%22{middle_id}%22&sortBy=id&attributes=id&count=1000"),
            50,
            Some((n - n / 2 - 1) as u64),
        ),
        (
            "count=0 (totalResults only)",
            "/Users?count=0".into(),
            co_reps,
            Some(n as u64),
        ),
        (
            "count=0, sortBy userName",
            "/Users?sortBy=userName&count=0".into(),
            co_reps,
            Some(n as u64),
        ),
        (
            "startIndex=n/2, 100, id order",
            format!("/Users?startIndex={}&count=100&attributes=id", n / 2),
            co_reps,
            Some(n as u64),
        ),
    ];
    for (label, path) in cursor_pages {
        if let Some(path) = path {
            queries.push((label, path, co_reps, Some(n as u64)));
        }
    }
    let only = std::env::var("SCIMLET_BENCH_ONLY").unwrap_or_default();
    for (label, path, reps, expected_total) in
        queries.into_iter().filter(|q| q.0.contains(only.as_str()))
    {
        let (wall, cpu, resp) = bench.time_get(&path, reps);
        let total = total_results(&resp);
        if let Some(expected) = expected_total {
            assert_eq!(total, expected, "{label}");
        }
        let fmt = |d: Duration| {
            if d < Duration::from_millis(1) {
                format!("{:>8.2} µs", d.as_secs_f64() * 1e6)
            } else {
                format!("{:>8.2} ms", d.as_secs_f64() * 1e3)
            }
        };
        println!(
            "| {n:>9} users | {label:<38} | {} | {} | ({total} results)",
            fmt(wall),
            fmt(cpu)
        );
    }
    if "walk and delete".contains(only.as_str()) {
        walk_and_delete(&mut bench, n);
    }
}

/// The clean-up a migration rehearsal ends with, last because it empties the tenant: walk
/// every user by cursor, 100 a page, deleting each page in one Bulk before the next.
fn walk_and_delete(bench: &mut Bench, n: usize) {
    let (wall, cpu, deleted) = timed(|| {
        let mut deleted = 0;
        let mut cursor = String::new();
        loop {
            let page = bench.handle(&Request::new(
                Method::Get,
                &format!("/Users?attributes=id&count=100&cursor={cursor}"),
            ));
            let page: serde_json::Value = serde_json::from_slice(&page.body).unwrap();
            let ops: Vec<String> = page["Resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        r#"{{"method":"DELETE","path":"/Users/{}"}}"#,
                        r["id"].as_str().unwrap()
                    )
                })
                .collect();
            if !ops.is_empty() {
                let body = format!(
                    r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{}]}}"#,
                    ops.join(",")
                );
                let resp =
                    bench.handle(&Request::new(Method::Post, "/Bulk").with_body(body.into_bytes()));
                assert_eq!(resp.status, 200);
                deleted += ops.len();
            }
            match page["nextCursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => break deleted,
            }
        }
    });
    assert_eq!((deleted, bench.tenant.counts()["User"]), (n, 0));
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "| {n:>9} users | walk and delete by cursor, 100 a page | {:>9.0} users/s | {:>9.0} users/s |",
        rate(wall),
        rate(cpu)
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::var("SCIMLET_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000]);
    println!("scimlet engine benchmark (release, one thread, system allocator): wall-clock | thread CPU time");
    for n in sizes {
        run(n);
    }
}
