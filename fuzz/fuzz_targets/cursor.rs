//! RFC 9865 cursors against a tenant of 40 users and 3 groups. The first byte picks a
//! listing (endpoint, filter, sort) and the second a page size.
//! - Even third byte: the rest is a cursor, either as raw text or as bytes XORed into a
//!   real cursor. Every answer is a page (no larger than asked) or a 400 `invalidCursor`
//!   / `invalidCount` / `invalidValue`; nothing panics, nothing changes.
//! - Odd third byte: a walk by `nextCursor`, the rest of the input choosing after each
//!   page which users to delete (some of the page, some not yet seen) and whether to
//!   create one. Everything listed at the start and never deleted is seen, nothing twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::env::SequentialIds;
use scimlet::{Env, Method, Request, Settings, Tenant};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const LISTINGS: [&str; 8] = [
    "/Users?attributes=id",
    "/Users?sortBy=userName",
    "/Users?sortBy=name.familyName&sortOrder=descending",
    "/Users?sortBy=emails&filter=userName%20co%20%22u%22",
    "/Users?sortBy=meta.created&sortOrder=descending",
    "/Users?filter=id%20gt%20%22id17%22",
    "/Groups?sortBy=displayName",
    "/Users?sortBy=id&sortOrder=descending",
];

struct Seeded {
    tenant: Tenant,
    ids: SequentialIds,
}

thread_local! {
    static SEEDED: Seeded = seed();
}

fn seed() -> Seeded {
    {
        let mut tenant = Tenant::new(Settings::default()).unwrap();
        let mut ids = SequentialIds { prefix: "id".into(), last: 0 };
        for i in 0..43 {
            let (path, body) = if i < 40 {
                let mut user = json!({"userName": format!("u{:02}", (i * 7) % 40),
                                      "emails": [{"value": format!("{}@x.org", i % 6)}]});
                if i % 3 != 0 {
                    let family = ["B", "a", "b"][i % 3];
                    user["name"] = json!({ "familyName": family });
                }
                ("/Users", user)
            } else {
                ("/Groups", json!({ "displayName": format!("g{}", 43 - i) }))
            };
            let mut env = Env { now_ms: i as i64 * 1000, base_url: "http://x/v2", ids: &mut ids };
            let out = tenant.handle(&Request::new(Method::Post, path).with_body(body.to_string()), &mut env);
            assert_eq!(out.response.status, 201);
        }
        Seeded { tenant, ids }
    }
}

fn call(tenant: &mut Tenant, ids: &mut SequentialIds, req: &Request) -> (u16, Value) {
    let mut env = Env { now_ms: 99_000, base_url: "http://x/v2", ids };
    let out = tenant.handle(req, &mut env);
    let body: Value = serde_json::from_slice(&out.response.body).unwrap_or(Value::Null);
    if out.response.status >= 400 {
        assert!(out.changes.is_empty(), "a refusal changed something");
    }
    (out.response.status, body)
}

fn page_ids(body: &Value) -> Vec<String> {
    body["Resources"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["id"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

fn user_ids(tenant: &mut Tenant, ids: &mut SequentialIds) -> BTreeSet<String> {
    let (_, body) = call(tenant, ids, &Request::new(Method::Get, "/Users?count=1000"));
    page_ids(&body).into_iter().collect()
}

fuzz_target!(|data: &[u8]| {
    let [shape, count, mode, rest @ ..] = data else { return };
    let listing = LISTINGS[*shape as usize % LISTINGS.len()];
    let count = (*count % 12) as usize;
    let (mut tenant, mut ids) =
        SEEDED.with(|s| (s.tenant.duplicate().expect("an in-memory tenant"), s.ids.clone()));
    let first = format!("{listing}&cursor=&count={}", count.max(1));
    let (status, body) = call(&mut tenant, &mut ids, &Request::new(Method::Get, &first));
    assert_eq!(status, 200, "{first}: {body}");

    if mode % 2 == 0 {
        let cursor = match (mode & 2 != 0, body["nextCursor"].as_str()) {
            (true, Some(real)) => {
                let mut bytes = real.as_bytes().to_vec();
                for (i, b) in rest.iter().enumerate() {
                    if let Some(c) = bytes.get_mut(i % real.len().max(1)) {
                        *c ^= b;
                    }
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
            _ => String::from_utf8_lossy(rest).into_owned(),
        };
        let query = format!("{listing}&cursor={}&count={count}", cursor.replace(['&', '#'], ""));
        let (status, body) = call(&mut tenant, &mut ids, &Request::new(Method::Get, &query));
        match status {
            200 => assert!(page_ids(&body).len() <= count.max(1), "{query}"),
            400 => assert!(
                matches!(body["scimType"].as_str(), Some("invalidCursor" | "invalidCount" | "invalidValue")),
                "{query}: {body}"
            ),
            other => panic!("{query}: {other} {body}"),
        }
        return;
    }

    // A walk that deletes and creates as it goes.
    let count = count.max(1);
    let whole = format!("{listing}&count=1000");
    let (_, listed) = call(&mut tenant, &mut ids, &Request::new(Method::Get, &whole));
    let throughout: BTreeSet<String> = page_ids(&listed).into_iter().collect();
    let mut deleted: BTreeSet<String> = BTreeSet::new();
    let mut seen: Vec<String> = Vec::new();
    let mut choices = rest.iter().copied();
    let mut body = body;
    for step in 0..200 {
        let page = page_ids(&body);
        seen.extend(page.iter().cloned());
        let all: Vec<String> = user_ids(&mut tenant, &mut ids).into_iter().collect();
        let choice = choices.next().unwrap_or(0);
        let mut doomed: Vec<String> = page.iter().filter(|_| choice & 1 != 0).cloned().collect();
        if choice & 2 != 0 && !all.is_empty() {
            doomed.push(all[choice as usize % all.len()].clone());
        }
        for id in doomed {
            if listing.starts_with("/Users") && deleted.insert(id.clone()) {
                let (status, _) = call(&mut tenant, &mut ids, &Request::new(Method::Delete, &format!("/Users/{id}")));
                assert!(status == 204 || status == 404);
            }
        }
        if choice & 4 != 0 {
            let user = json!({ "userName": format!("new{step}"), "name": {"familyName": "a"} });
            let req = Request::new(Method::Post, "/Users").with_body(user.to_string());
            assert_eq!(call(&mut tenant, &mut ids, &req).0, 201);
        }
        let Some(next) = body["nextCursor"].as_str() else { break };
        let query = format!("{listing}&cursor={next}&count={count}");
        let (status, next_body) = call(&mut tenant, &mut ids, &Request::new(Method::Get, &query));
        assert_eq!(status, 200, "{query}: {next_body}");
        body = next_body;
    }
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "{listing}: a resource seen twice");
    // Everything listed at the start and never deleted was seen.
    let kept: BTreeSet<String> = throughout.difference(&deleted).cloned().collect();
    assert!(kept.is_subset(&unique), "{listing}: a resource missed");
});
