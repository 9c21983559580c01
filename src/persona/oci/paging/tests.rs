use super::*;
use crate::env::{Env, SequentialIds};
use crate::http::{Method, Request};
use crate::persona::Identity;
use crate::settings::{Persona, Settings};
use crate::tenant::Tenant;
use crate::value::Value;
use alloc::format;
use alloc::vec::Vec;

/// An identity domain of `n` users (userNames in an order unlike their ids), and the ids
/// it gave.
fn domain(n: usize) -> (Tenant, SequentialIds) {
    let mut tenant = Tenant::new(Settings {
        persona: Persona::Oci,
        ..Settings::default()
    })
    .unwrap();
    tenant.set_identity(Some(Identity {
        server_id: "dom".into(),
        key: [7; 32].to_vec(),
    }));
    let mut ids = SequentialIds::default();
    for i in 0..n {
        let body = format!(r#"{{"userName": "u{:03}@example.com"}}"#, (i * 7) % n);
        let (status, _, _) = call(&mut tenant, &mut ids, Method::Post, "/Users", body);
        assert_eq!(status, 201);
    }
    (tenant, ids)
}

/// Status, body and `opc-next-page` of one request; a refusal must change nothing.
fn call(
    tenant: &mut Tenant,
    ids: &mut SequentialIds,
    method: Method,
    path: &str,
    body: String,
) -> (u16, Value, Option<String>) {
    let req = Request::new(method, path).with_body(body.into_bytes());
    let mut env = Env {
        now_ms: 1_796_408_640_000,
        base_url: "https://x/admin/v1",
        ids,
    };
    let out = tenant.handle(&req, &mut env);
    if out.response.status >= 400 {
        assert!(out.changes.is_empty(), "{path}");
    }
    let body = crate::value::from_str(core::str::from_utf8(&out.response.body).unwrap())
        .unwrap_or(Value::Null);
    let next = out.response.header("opc-next-page").map(String::from);
    (out.response.status, body, next)
}

fn remove(tenant: &mut Tenant, ids: &mut SequentialIds, id: &str) {
    let (status, body, _) = call(
        tenant,
        ids,
        Method::Delete,
        &format!("/Users/{id}"),
        String::new(),
    );
    assert_eq!(status, 204, "{body}");
}

fn ids_of(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r["id"].as_str())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// The SDK's walk: the first page by the query, the next ones by `page=<token>`, deleting
/// each page's first `delete` users (and, with `ahead`, one user of a later page) as it
/// goes. Every user that is still there when its page comes is seen exactly once, in the
/// listing's order.
#[test]
fn a_walk_sees_every_user_once_while_it_deletes() {
    // (query, page size, deletions a page, delete one user ahead too)
    let table = [
        ("count=4", 4, 0, false),
        ("count=4", 4, 4, false),
        ("count=3", 3, 1, false),
        ("count=5&sortBy=userName", 5, 5, false),
        ("count=5&sortBy=userName&sortOrder=descending", 5, 2, false),
        ("count=4&filter=userName+co+%22example%22", 4, 4, true),
        ("count=2&startIndex=3", 2, 2, false),
        ("count=1000", 1000, 0, false),
    ];
    for (query, size, delete, ahead) in table {
        let (mut tenant, mut ids) = domain(23);
        let (_, whole, _) = call(
            &mut tenant,
            &mut ids,
            Method::Get,
            &format!("/Users?{query}&count=1000"),
            String::new(),
        );
        let expected = ids_of(&whole);
        let mut deleted_ahead = Vec::new();
        let mut seen = Vec::new();
        let mut path = format!("/Users?{query}");
        let mut pages = 0;
        loop {
            let (status, list, next) =
                call(&mut tenant, &mut ids, Method::Get, &path, String::new());
            assert_eq!(status, 200, "{path}");
            let page = ids_of(&list);
            assert!(page.len() <= size, "{path}");
            // The first page is an index page; a token's page answers as a cursor's.
            if pages == 0 {
                assert!(list["startIndex"].as_u64().is_some(), "{path}");
            } else {
                assert_eq!(list["nextCursor"].as_str(), next.as_deref(), "{path}");
            }
            for id in page.iter().take(delete) {
                remove(&mut tenant, &mut ids, id);
            }
            if ahead {
                let later = expected.iter().rev().find(|id| {
                    !seen.contains(*id) && !page.contains(id) && !deleted_ahead.contains(*id)
                });
                if let Some(id) = later.cloned() {
                    remove(&mut tenant, &mut ids, &id);
                    deleted_ahead.push(id);
                }
            }
            seen.extend(page);
            pages += 1;
            match next {
                Some(token) => path = format!("/Users?{query}&page={token}"),
                None => break,
            }
            assert!(pages < 100, "{query}: the walk does not end");
        }
        let want: Vec<String> = expected
            .iter()
            .filter(|id| !deleted_ahead.contains(*id))
            .cloned()
            .collect();
        assert_eq!(seen, want, "{query}");
    }
}

/// A token is opaque and belongs to its query: with another filter or sort, altered, or
/// made up, it is a 400 `invalidCursor`; paging parameters and attributes may change.
#[test]
fn a_token_comes_back_with_its_query_only() {
    let (mut tenant, mut ids) = domain(11);
    let q = "filter=userName+sw+%22u%22&sortBy=userName&count=4";
    let (_, first, token) = call(
        &mut tenant,
        &mut ids,
        Method::Get,
        &format!("/Users?{q}"),
        String::new(),
    );
    let token = token.unwrap();
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(first["startIndex"], 1);
    let mut altered = token.clone();
    altered.replace_range(2..3, if &token[2..3] == "A" { "B" } else { "A" });
    // (query, expected status)
    let table: [(String, u16); 7] = [
        (format!("{q}&page={token}"), 200),
        (
            format!(
                "count=5&sortBy=userName&attributes=id&filter=userName%20sw%20%22u%22&page={token}"
            ),
            200,
        ),
        (
            format!("filter=userName+sw+%22v%22&sortBy=userName&page={token}"),
            400,
        ),
        (format!("filter=userName+sw+%22u%22&page={token}"), 400),
        (format!("{q}&sortOrder=descending&page={token}"), 400),
        (format!("{q}&page={altered}"), 400),
        (format!("{q}&page=!!"), 400),
    ];
    for (query, status) in table {
        let (got, body, _) = call(
            &mut tenant,
            &mut ids,
            Method::Get,
            &format!("/Users?{query}"),
            String::new(),
        );
        assert_eq!(got, status, "{query}: {body}");
        if status == 400 {
            assert_eq!(body["scimType"], "invalidCursor", "{query}");
        } else {
            // The page after the first four, with no index to report.
            assert_eq!(body["totalResults"], 11, "{query}");
            assert_eq!(body.get("startIndex"), None, "{query}");
        }
    }
    // The last page has no token; an empty `page` is the first page.
    let (_, _, none) = call(
        &mut tenant,
        &mut ids,
        Method::Get,
        "/Users?count=11",
        String::new(),
    );
    assert_eq!(none, None);
    let (status, body, _) = call(
        &mut tenant,
        &mut ids,
        Method::Get,
        "/Users?count=2&page=",
        String::new(),
    );
    assert_eq!((status, body["startIndex"].as_u64()), (200, Some(1)));
    assert_eq!(page_param("count=1"), None);
    assert_eq!(page_param("Page=abc").as_deref(), Some("abc"));
}
