//! JSON text to `Value`: scimlet's parser (`value::from_slice`, the one path for request
//! bodies and stored resources) against serde_json's own `Value`, in MB/s of input.
//!
//! Run: `cargo bench --bench json` (`-- 20000` sets the users in the export). Inputs, all
//! from the generator's rich users (addresses, phones, EnterpriseUser, entitlements,
//! roles):
//! - `rich user`: one POST body (~1.1 KB), a thousand different ones;
//! - `stored user`: one stored resource (with `id` and `meta`) as hosts reload it from a
//!   storage row, a thousand different ones;
//! - `Bulk body`: 500 POST operations in one `/Bulk` request (~0.6 MB);
//! - `export`: `Tenant::export` of the whole server, one large document.
//!
//! Each figure is the best of several runs, in wall-clock and in this thread's CPU time
//! (the machine is shared). Only parsing is timed: the values are dropped after the
//! clocks stop, as a host keeps them.

use scimlet::env::{Env, SequentialIds};
use scimlet::generate::{populate, People, SeedSpec};
use scimlet::{Settings, Tenant};
use std::hint::black_box;
use std::time::{Duration, Instant};

mod clock;
use clock::cpu_time;

const RUNS: usize = 9;

/// A parser under test: its name and a function from JSON text to something kept.
type Parser = (&'static str, fn(&[u8]) -> Box<dyn std::any::Any>);

const PARSERS: &[Parser] = &[
    ("scimlet value::from_slice", |d| {
        Box::new(scimlet::value::from_slice(d).ok())
    }),
    ("serde_json::Value", |d| {
        Box::new(serde_json::from_slice::<serde_json::Value>(d).ok())
    }),
];

/// Wall and CPU time to parse every document of `docs` with `parse`; the values are
/// dropped after the clocks stop.
fn time(docs: &[Vec<u8>], parse: fn(&[u8]) -> Box<dyn std::any::Any>) -> [Duration; 2] {
    let mut kept = Vec::with_capacity(docs.len());
    let (wall, cpu) = (Instant::now(), cpu_time());
    for doc in docs {
        kept.push(black_box(parse(black_box(doc))));
    }
    let elapsed = [wall.elapsed(), cpu_time() - cpu];
    drop(kept);
    elapsed
}

fn report(input: &str, docs: &[Vec<u8>]) {
    let bytes: usize = docs.iter().map(Vec::len).sum();
    for doc in docs {
        let ours = scimlet::value::from_slice(doc).expect("valid JSON");
        let theirs: serde_json::Value = serde_json::from_slice(doc).expect("valid JSON");
        assert_eq!(
            ours,
            scimlet::Value::from(theirs),
            "both parsers read the same value"
        );
    }
    // Runs take turns between parsers, so a busy spell on the shared machine does not
    // fall on one of them only; each keeps its best.
    let mut best = vec![[Duration::MAX; 2]; PARSERS.len()];
    for _ in 0..RUNS {
        for ((_, parse), best) in PARSERS.iter().zip(&mut best) {
            let [wall, cpu] = time(docs, *parse);
            *best = [best[0].min(wall), best[1].min(cpu)];
        }
    }
    let rate = |time: Duration| bytes as f64 / time.as_secs_f64() / 1e6;
    for ((parser, _), [wall, cpu]) in PARSERS.iter().zip(best) {
        println!(
            "| {input:<12} | {:>5} x {:>8} B | {parser:<26} | {:>7.1} MB/s | {:>7.1} MB/s |",
            docs.len(),
            bytes / docs.len(),
            rate(wall),
            rate(cpu),
        );
    }
}

fn main() {
    let users: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let spec = SeedSpec {
        users,
        ..SeedSpec::default()
    };
    let mut people = People::new(&spec).expect("valid spec");
    let bodies: Vec<Vec<u8>> = (0..1000)
        .map(|_| serde_json::to_vec(&people.next_person().user).expect("JSON"))
        .collect();
    let mut bulk = String::from(
        r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":["#,
    );
    for (i, body) in bodies.iter().take(500).enumerate() {
        if i > 0 {
            bulk.push(',');
        }
        bulk.push_str(&format!(
            r#"{{"method":"POST","path":"/Users","bulkId":"u{i}","data":{}}}"#,
            String::from_utf8_lossy(body)
        ));
    }
    bulk.push_str("]}");

    let mut tenant = Tenant::new(Settings::default()).expect("tenant");
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: 1_767_225_600_000,
        base_url: "http://127.0.0.1:8787/scim/v2",
        ids: &mut ids,
    };
    populate(&mut tenant, &spec, &mut env).expect("populate");
    let stored: Vec<Vec<u8>> = tenant
        .resources()
        .filter(|r| {
            r.pointer("/meta/resourceType")
                .and_then(scimlet::Value::as_str)
                == Some("User")
        })
        .take(1000)
        .map(|r| serde_json::to_vec(&*r).expect("JSON"))
        .collect();
    let export = scimlet::admin::export(&tenant);
    drop(tenant);

    println!(
        "JSON to Value, best of {RUNS} runs (release, one thread): wall-clock | thread CPU time"
    );
    report("rich user", &bodies);
    report("stored user", &stored);
    report("Bulk body", &[bulk.into_bytes()]);
    report("export", &[export]);
}
