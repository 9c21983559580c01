//! RFC 9865 cursor pagination through `Tenant::handle`: walks compared with index paging,
//! walks backwards, walks that delete as they go, and every refusal.

mod client;

use client::Client;
use scimlet::Settings;
use serde_json::{json, Value};
use std::collections::BTreeSet;

struct Server {
    client: Client,
}

impl Server {
    fn new() -> Server {
        Server {
            client: Client::new(client::tenant(Settings::default())),
        }
    }

    /// The status and body (the client checks that a refusal changed nothing).
    fn call(&mut self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let answer = self.client.send(method, path, body);
        (answer.status, answer.body)
    }

    fn ok(&mut self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, body) = self.call(method, path, body);
        assert!(status < 300, "{method} {path}: {status}\n{body:#}");
        body
    }

    fn user_ids(&mut self) -> BTreeSet<String> {
        let all = self.ok("GET", "/Users?count=100000&attributes=id", None);
        ids_of(&all).into_iter().collect()
    }
}

/// 60 users: 30 whose userName starts with `J`, family names with ties (and some
/// unassigned), and 4 groups.
fn populated() -> Server {
    let mut server = Server::new();
    for i in 0..60 {
        let first = if i % 2 == 0 { "J" } else { "k" };
        let mut user = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": format!("{first}user{:03}", (i * 37) % 60),
            "emails": [{"value": format!("u{}@example.com", (i * 11) % 60), "primary": true}],
        });
        if i % 5 != 0 {
            let family = ["Smith", "jones", "Ölund", "smith"][i % 4];
            user["name"] = json!({ "familyName": family });
        }
        server.ok("POST", "/Users", Some(user));
    }
    for name in ["b-team", "A-team", "c-team", "D-team"] {
        server.ok(
            "POST",
            "/Groups",
            Some(
                json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                        "displayName": name}),
            ),
        );
    }
    server
}

fn ids_of(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn with_cursor(path: &str, cursor: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}cursor={cursor}")
}

/// GET or `.search`, with the cursor where each puts it.
#[derive(Clone, Copy)]
enum How<'a> {
    Get(&'a str),
    Search(&'a str, &'a str),
}

fn page(server: &mut Server, how: How<'_>, cursor: &str, count: usize) -> Value {
    match how {
        How::Get(path) => server.ok(
            "GET",
            &with_cursor(&format!("{path}&count={count}"), cursor),
            None,
        ),
        How::Search(path, body) => {
            let mut body: Value = serde_json::from_str(body).unwrap();
            body["cursor"] = json!(cursor);
            body["count"] = json!(count);
            server.ok("POST", path, Some(body))
        }
    }
}

/// Every listing shape, walked forward by `nextCursor` and back by `previousCursor`,
/// gives exactly what index paging gives, in the same order, page by page.
#[test]
fn cursor_walks_match_index_paging() {
    let mut server = populated();
    // (listing with index paging, the same by cursor)
    let table: Vec<(&str, How<'_>)> = vec![
        ("/Users?startIndex=1", How::Get("/Users?attributes=id")),
        (
            "/Users?filter=userName%20sw%20%22J%22",
            How::Get("/Users?filter=userName%20sw%20%22J%22"),
        ),
        ("/Users?sortBy=userName", How::Get("/Users?sortBy=userName")),
        (
            "/Users?sortBy=userName&sortOrder=descending",
            How::Get("/Users?sortBy=userName&sortOrder=descending"),
        ),
        // Ties and unassigned keys: the tie-break on id keeps pages apart.
        (
            "/Users?sortBy=name.familyName",
            How::Get("/Users?sortBy=name.familyName"),
        ),
        (
            "/Users?sortBy=name.familyName&sortOrder=descending",
            How::Get("/Users?sortBy=name.familyName&sortOrder=descending"),
        ),
        // Multi-valued and typed keys (no text column).
        ("/Users?sortBy=emails", How::Get("/Users?sortBy=emails")),
        (
            "/Users?sortBy=meta.created",
            How::Get("/Users?sortBy=meta.created"),
        ),
        (
            "/Users?sortBy=id&sortOrder=descending&filter=name.familyName%20eq%20%22smith%22",
            How::Get(
                "/Users?sortBy=id&sortOrder=descending&filter=name.familyName%20eq%20%22smith%22",
            ),
        ),
        (
            "/Users?filter=id%20gt%20%22id-3%22",
            How::Get("/Users?filter=id%20gt%20%22id-3%22"),
        ),
        (
            "/Users?filter=userName%20eq%20%22Juser000%22",
            How::Get("/Users?filter=userName%20eq%20%22Juser000%22"),
        ),
        (
            "/Groups?sortBy=displayName",
            How::Search("/Groups/.search", r#"{"sortBy": "displayName"}"#),
        ),
        (
            "/Users?filter=displayName%20sw%20%22smith%22",
            How::Search(
                "/Users/.search",
                r#"{"attributes": ["displayName", "userName"], "filter": "displayName sw \"smith\""}"#,
            ),
        ),
    ];
    for (index_path, how) in table {
        let sep = if index_path.contains('?') { '&' } else { '?' };
        let whole = server.ok("GET", &format!("{index_path}{sep}count=1000"), None);
        let expected = ids_of(&whole);
        let total = whole["totalResults"].as_u64().unwrap();
        for count in [1, 3, 7, 1000] {
            let name = format!("{index_path} count={count}");
            // Forward.
            let mut pages: Vec<Vec<String>> = Vec::new();
            let mut cursor = String::new();
            loop {
                let list = page(&mut server, how, &cursor, count);
                assert_eq!(list["totalResults"].as_u64(), Some(total), "{name}");
                assert!(
                    list.get("startIndex").is_none(),
                    "{name}: startIndex with a cursor"
                );
                let ids = ids_of(&list);
                assert!(ids.len() <= count, "{name}: more than count");
                assert_eq!(
                    list["itemsPerPage"].as_u64(),
                    Some(ids.len() as u64),
                    "{name}"
                );
                assert_eq!(
                    list.get("previousCursor").is_some(),
                    !pages.is_empty(),
                    "{name}"
                );
                pages.push(ids);
                match list.get("nextCursor").and_then(Value::as_str) {
                    Some(next) => {
                        assert!(
                            next.bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
                            "{name}: {next} is not unreserved characters"
                        );
                        cursor = next.to_string();
                    }
                    None => break,
                }
                assert!(pages.len() <= 61, "{name}: the walk does not end");
            }
            assert_eq!(pages.concat(), expected, "{name}: forward walk");
            // Backward, from the last page.
            let mut back: Vec<Vec<String>> = vec![pages.last().unwrap().clone()];
            let mut list = page(&mut server, how, &cursor, count);
            while let Some(previous) = list.get("previousCursor").and_then(Value::as_str) {
                let previous = previous.to_string();
                list = page(&mut server, how, &previous, count);
                assert!(
                    list.get("nextCursor").is_some(),
                    "{name}: a previous page has a next"
                );
                back.push(ids_of(&list));
                assert!(back.len() <= 61, "{name}: the walk back does not end");
            }
            back.reverse();
            assert_eq!(back, pages, "{name}: backward walk");
        }
    }
}

/// RFC 9865 section 2's examples: the first page of `userName sw "J"` by 10 with an
/// empty cursor, then the next with `nextCursor`.
#[test]
fn rfc_9865_examples() {
    let mut server = populated();
    let first = server.ok(
        "GET",
        "/Users?filter=userName%20sw%20J&cursor&count=10",
        None,
    );
    let expected = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 30,
        "itemsPerPage": 10,
    });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&first[key], value, "{key}");
    }
    assert!(first.get("previousCursor").is_none());
    let next = first["nextCursor"].as_str().unwrap();
    let second = server.ok(
        "GET",
        &format!("/Users?filter=username%20sw%20J&cursor={next}&count=10"),
        None,
    );
    assert_eq!(second["itemsPerPage"], 10);
    assert!(second["previousCursor"].is_string() && second["nextCursor"].is_string());
    let seen: BTreeSet<String> = ids_of(&first).into_iter().chain(ids_of(&second)).collect();
    assert_eq!(seen.len(), 20);
    // The `.search` example: the cursor in the body, the projection honoured.
    let search = server.ok(
        "POST",
        "/Users/.search",
        Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "attributes": ["displayName", "userName"],
            "filter": "userName sw \"J\"",
            "cursor": "",
            "count": 10,
        })),
    );
    assert_eq!(search["totalResults"], 30);
    assert!(search["nextCursor"].is_string());
    assert!(search["Resources"][0].get("emails").is_none());
    // Without `cursor`, index paging exactly as before: `startIndex`, no cursors.
    let index = server.ok("GET", "/Users?filter=userName%20sw%20J&count=10", None);
    assert_eq!(index["startIndex"], 1);
    assert!(index.get("nextCursor").is_none() && index.get("previousCursor").is_none());
    assert_eq!(ids_of(&index), ids_of(&first));
}

/// The walk a migration rehearsal does: each page's users deleted in one Bulk before
/// the next page is asked for. Every user is seen exactly once, whatever the order.
#[test]
fn walk_and_delete_sees_every_user_once() {
    for query in [
        "/Users?attributes=id",
        "/Users?sortBy=userName",
        "/Users?sortBy=name.familyName&sortOrder=descending",
        "/Users?filter=emails%20co%20%22example%22",
    ] {
        let mut server = populated();
        let all = server.user_ids();
        let mut seen: Vec<String> = Vec::new();
        let mut cursor = String::new();
        loop {
            let list = page(&mut server, How::Get(query), &cursor, 7);
            let ids = ids_of(&list);
            let operations: Vec<Value> = ids
                .iter()
                .map(|id| json!({"method": "DELETE", "path": format!("/Users/{id}")}))
                .collect();
            if !operations.is_empty() {
                let done = server.ok(
                    "POST",
                    "/Bulk",
                    Some(
                        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                                "Operations": operations}),
                    ),
                );
                for op in done["Operations"].as_array().unwrap() {
                    assert_eq!(op["status"], "204", "{query}: {op}");
                }
            }
            seen.extend(ids);
            match list.get("nextCursor").and_then(Value::as_str) {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        let unique: BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "{query}: a user seen twice");
        assert_eq!(unique, all, "{query}: every user seen");
        assert!(server.user_ids().is_empty(), "{query}");
    }
}

/// Users created behind the walk's position are not seen, those ahead of it are, and
/// nobody is seen twice.
#[test]
fn creates_during_a_walk_shift_nothing() {
    let mut server = populated();
    let before = server.user_ids();
    let mut seen: Vec<String> = Vec::new();
    let mut cursor = String::new();
    let mut created = 0;
    loop {
        let list = page(&mut server, How::Get("/Users?sortBy=userName"), &cursor, 9);
        seen.extend(ids_of(&list));
        for name in ["Aardvark", "zzz-late"] {
            created += 1;
            server.ok(
                "POST",
                "/Users",
                Some(
                    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                            "userName": format!("{name}{created}")}),
                ),
            );
        }
        match list.get("nextCursor").and_then(Value::as_str) {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a user seen twice");
    assert!(
        before.is_subset(&unique),
        "a user there all along was missed"
    );
}

/// Refusals: 400 with RFC 9865's `scimType`, and nothing changed (checked by `call`).
#[test]
fn bad_cursors_and_counts_are_refused() {
    let mut server = populated();
    let users = server.ok("GET", "/Users?cursor&count=5", None);
    let good = users["nextCursor"].as_str().unwrap().to_string();
    let sorted = server.ok("GET", "/Users?cursor&count=5&sortBy=userName", None);
    let sorted_cursor = sorted["nextCursor"].as_str().unwrap().to_string();
    let mut altered = good.clone().into_bytes();
    let last = altered.len() - 3;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let truncated = &good[..good.len() - 2];
    // (request, status, scimType)
    let table: Vec<(String, Option<Value>, u16, Option<&str>)> = vec![
        ("/Users?cursor=abc".into(), None, 400, Some("invalidCursor")),
        (
            "/Users?cursor=%21%21%21".into(),
            None,
            400,
            Some("invalidCursor"),
        ),
        (
            format!("/Users?cursor={altered}"),
            None,
            400,
            Some("invalidCursor"),
        ),
        (
            format!("/Users?cursor={truncated}"),
            None,
            400,
            Some("invalidCursor"),
        ),
        // Another query: a filter, a sort, an endpoint it did not come from.
        (
            format!("/Users?cursor={good}&filter=userName%20sw%20%22J%22"),
            None,
            400,
            Some("invalidCursor"),
        ),
        (
            format!("/Users?cursor={good}&sortBy=userName"),
            None,
            400,
            Some("invalidCursor"),
        ),
        (
            format!("/Users?cursor={sorted_cursor}&sortBy=userName&sortOrder=descending"),
            None,
            400,
            Some("invalidCursor"),
        ),
        (
            format!("/Groups?cursor={good}"),
            None,
            400,
            Some("invalidCursor"),
        ),
        (
            "/Users?cursor&count=0".into(),
            None,
            400,
            Some("invalidCount"),
        ),
        (
            "/Users?cursor&count=-3".into(),
            None,
            400,
            Some("invalidCount"),
        ),
        (
            "/Users?cursor&count=ten".into(),
            None,
            400,
            Some("invalidCount"),
        ),
        (
            "/Users?cursor&count=1.5".into(),
            None,
            400,
            Some("invalidCount"),
        ),
        (
            "/Users?cursor&startIndex=3".into(),
            None,
            400,
            Some("invalidValue"),
        ),
        (
            "/Users/.search".into(),
            Some(json!({"cursor": 5})),
            400,
            Some("invalidCursor"),
        ),
        (
            "/Users/.search".into(),
            Some(json!({"cursor": "", "count": 0})),
            400,
            Some("invalidCount"),
        ),
        (
            "/.search".into(),
            Some(json!({"cursor": good})),
            400,
            Some("invalidCursor"),
        ),
    ];
    for (path, body, status, scim_type) in table {
        let method = if body.is_some() { "POST" } else { "GET" };
        let (got, error) = server.call(method, &path, body);
        assert_eq!(got, status, "{path}\n{error:#}");
        assert_eq!(
            error.get("scimType").and_then(Value::as_str),
            scim_type,
            "{path}"
        );
    }
    // The same cursor with its own query still works, with another count too (count is
    // not part of the query), and past the page size it is cut to the page size.
    let (status, again) = server.call("GET", &format!("/Users?cursor={good}&count=2"), None);
    assert_eq!((status, again["itemsPerPage"].as_u64()), (200, Some(2)));
    let (status, _) = server.call(
        "GET",
        &format!("/Users?cursor={good}&count=99999999999999999999"),
        None,
    );
    assert_eq!(status, 200);
}

/// `count=0` answers `totalResults` alone, sorted or not, filtered or not.
#[test]
fn count_zero_counts() {
    let mut server = populated();
    for (query, total) in [
        ("/Users?count=0", 60),
        ("/Users?count=0&sortBy=userName", 60),
        (
            "/Users?count=0&filter=userName%20sw%20%22J%22&sortBy=name.familyName",
            30,
        ),
        ("/Users?count=0&filter=userName%20eq%20%22Juser000%22", 1),
        ("/Groups?count=0&startIndex=3", 4),
    ] {
        let list = server.ok("GET", query, None);
        assert_eq!(list["totalResults"], total, "{query}");
        assert_eq!(list["itemsPerPage"], 0, "{query}");
        assert_eq!(list["Resources"], json!([]), "{query}");
    }
}

/// A root search (`/.search`) walks every type in one order: by cursor exactly as by index,
/// sorted on a key the types share or not.
#[test]
fn root_search_walks_every_type() {
    let mut server = populated();
    for body in [
        r#"{}"#,
        r#"{"sortBy": "displayName"}"#,
        r#"{"sortBy": "meta.created", "sortOrder": "descending"}"#,
        r#"{"filter": "meta.resourceType eq \"Group\" or userName sw \"J\""}"#,
    ] {
        let mut whole: Value = serde_json::from_str(body).unwrap();
        whole["count"] = json!(1000);
        let whole = server.ok("POST", "/.search", Some(whole));
        let expected = ids_of(&whole);
        assert!(!expected.is_empty(), "{body}");
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let list = page(&mut server, How::Search("/.search", body), &cursor, 6);
            assert_eq!(list["totalResults"], whole["totalResults"], "{body}");
            seen.extend(ids_of(&list));
            match list.get("nextCursor").and_then(Value::as_str) {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        assert_eq!(seen, expected, "{body}");
    }
}
