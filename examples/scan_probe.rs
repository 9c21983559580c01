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
    let bodies: Vec<String> = (0..100).map(|b| {
        let ops: Vec<String> = (0..1000).map(|i| { let i = b*1000+i; format!(r#"{{"method":"POST","path":"/Users","bulkId":"u{i}","data":{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann.smith.{i}@example.com","name":{{"givenName":"Ann","familyName":"Smith"}},"displayName":"Ann Smith {i}","active":true,"emails":[{{"value":"ann.smith.{i}@example.com","type":"work","primary":true}}],"title":"Engineer"}}}}"#) }).collect();
        format!(r#"{{"Operations":[{}]}}"#, ops.join(","))
    }).collect();
    for _ in 0..3 {
        let c = cpu();
        let mut keep = Vec::new();
        for b in &bodies {
            let v: serde_json::Value = serde_json::from_str(b).unwrap();
            keep.push(v);
        }
        let parse_keep = cpu() - c;
        let c = cpu();
        for b in &bodies {
            let v: serde_json::Value = serde_json::from_str(b).unwrap();
            black_box(&v);
        }
        let parse_drop = cpu() - c;
        drop(keep);
        println!(
            "parse+keep {:.0} users/s, parse+drop {:.0} users/s",
            100000.0 / parse_keep.as_secs_f64(),
            100000.0 / parse_drop.as_secs_f64()
        );
    }
}
