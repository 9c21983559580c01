use scimlet::env::UuidIds;
use scimlet::{Env, Method, Request, Settings, Tenant};
use std::hint::black_box;
fn cpu() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
fn main() {
    let mut t = Tenant::new(Settings {
        bulk_max_operations: 1000,
        bulk_max_payload_size: 4 << 20,
        ..Settings::default()
    })
    .unwrap();
    let mut ids = UuidIds::new(1);
    for b in 0..100 {
        let ops: Vec<String> = (0..1000).map(|i| { let i = b*1000+i; format!(r#"{{"method":"POST","path":"/Users","data":{{"userName":"u{i}@example.com","displayName":"Priya Wong {i}","name":{{"givenName":"P","familyName":"W"}},"emails":[{{"value":"u{i}@example.com","type":"work"}}],"active":true,"title":"Engineer"}}}}"#) }).collect();
        let body = format!(r#"{{"Operations":[{}]}}"#, ops.join(","));
        let mut env = Env {
            now_ms: 0,
            base_url: "http://x",
            ids: &mut ids,
        };
        assert_eq!(
            t.handle(
                &Request::new(Method::Post, "/Bulk").with_body(body),
                &mut env
            )
            .response
            .status,
            200
        );
    }
    for round in 0..3 {
        let c = cpu();
        let mut n = 0;
        for r in t.resources() {
            n += black_box(r.as_object().map_or(0, |m| m.len()));
        }
        let a = cpu() - c;
        let c = cpu();
        let mut m = 0;
        for r in t.resources() {
            if black_box(r.get("displayName")).is_some() {
                m += 1;
            }
        }
        let b = cpu() - c;
        let c = cpu();
        let mut k = 0;
        for r in t.resources() {
            if let Some(s) = r.get("displayName").and_then(|v| v.as_str()) {
                if s.as_bytes()
                    .windows(10)
                    .any(|w| w.eq_ignore_ascii_case(b"priya wong"))
                {
                    k += 1;
                }
            }
        }
        let d = cpu() - c;
        let c = cpu();
        let mut env = Env {
            now_ms: 0,
            base_url: "http://x",
            ids: &mut ids,
        };
        black_box(t.handle(
            &Request::new(
                Method::Get,
                "/Users?filter=displayName%20co%20%22priya%20wong%2099%22&count=100",
            ),
            &mut env,
        ));
        let e = cpu() - c;
        println!("round {round}: iterate {a:?} ({n}), +get {b:?} ({m}), +contains {d:?} ({k}), full handle {e:?}");
    }
}
