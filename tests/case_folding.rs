//! One case folding everywhere (issue 15): uniqueness, the `userName` index, a text column
//! (`displayName`), a filter scan (`emails.value`), sorting and the immutable check all
//! call two texts equal, or all call them different, whatever the script.
//!
//! The rule (Unicode full case folding, no Turkic mappings, no normalization) is
//! documented and tested character by character in `src/fold.rs`; this table proves that
//! every place that ignores case agrees on it, through `Tenant::handle`.

use scimlet::env::SequentialIds;
use scimlet::{Env, Method, Request, Response, Settings, Tenant};
use serde_json::{json, Value};

/// (stored, probe, equal ignoring case).
const TABLE: &[(&str, &str, bool)] = &[
    ("ann@example.com", "ANN@Example.com", true),
    ("José", "JOSÉ", true),
    ("Jürgen", "JÜRGEN", true),
    ("Straße", "STRASSE", true),
    ("ẞ", "ss", true),
    ("Strasse", "Strase", false),
    ("ΟΔΟΣ", "οδος", true),
    ("Σίσυφος", "ΣΊΣΥΦΟΣ", true),
    ("İpek", "i\u{307}pek", true),
    ("İpek", "ipek", false),
    ("ılgın", "ILGIN", false),
    ("Irmak", "irmak", true),
    ("\u{212A}im", "kim", true),
    ("José", "Jose\u{301}", false),
    ("ﬁnn", "FINN", true),
];

struct Server {
    tenant: Tenant,
    ids: SequentialIds,
}

impl Server {
    fn new() -> Server {
        // `badge` is a custom immutable string: what the immutable check compares.
        let settings = Settings::from_json(
            json!({"customAttributes": [{"resourceType": "User",
                "attribute": {"name": "badge", "type": "string", "mutability": "immutable"}}]})
            .to_string()
            .as_bytes(),
        )
        .expect("settings");
        Server {
            tenant: Tenant::new(settings).expect("tenant"),
            ids: SequentialIds::default(),
        }
    }

    fn send(&mut self, method: Method, path: &str, body: Option<Value>) -> (Response, Value) {
        let mut request = Request::new(method, path);
        if let Some(body) = body {
            request = request.with_body(body.to_string());
        }
        let mut env = Env {
            now_ms: 1_795_000_000_000,
            base_url: "https://scim.example.com/v2",
            ids: &mut self.ids,
        };
        let before = scimlet::admin::export(&self.tenant);
        let out = self.tenant.handle(&request, &mut env);
        if out.response.status >= 400 {
            assert!(
                out.changes.is_empty(),
                "{path}: a refused request changed something"
            );
            assert_eq!(
                scimlet::admin::export(&self.tenant),
                before,
                "{path}: a refused request changed the tenant"
            );
        }
        let body = serde_json::from_slice(&out.response.body).unwrap_or(Value::Null);
        (out.response, body)
    }

    /// How many users `filter` finds.
    fn count(&mut self, filter: &str) -> u64 {
        let path = format!("/Users?filter={}", encode(filter));
        let (response, body) = self.send(Method::Get, &path, None);
        assert_eq!(response.status, 200, "{filter}: {body}");
        body["totalResults"].as_u64().expect("totalResults")
    }
}

/// Percent-encodes a query parameter value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a JSON string")
}

#[test]
fn every_place_that_ignores_case_agrees() {
    for &(stored, probe, same) in TABLE {
        let case = format!("{stored:?} / {probe:?}");
        let mut server = Server::new();
        let (created, body) = server.send(
            Method::Post,
            "/Users",
            Some(
                json!({"userName": stored, "displayName": stored, "badge": stored,
                        "emails": [{"value": stored}]}),
            ),
        );
        assert_eq!(created.status, 201, "{case}: {body}");
        let id = body["id"].as_str().expect("id").to_string();
        let found = u64::from(same);
        let probe_literal = quoted(probe);
        // The hashed userName index.
        assert_eq!(
            server.count(&format!("userName eq {probe_literal}")),
            found,
            "index: {case}"
        );
        // The displayName text column, then the same comparison as a plain filter scan.
        for op in ["eq", "sw", "ew", "co"] {
            let column = server.count(&format!("displayName {op} {probe_literal}"));
            let scan = server.count(&format!("emails.value {op} {probe_literal}"));
            assert_eq!(column, scan, "column and filter disagree on {op}: {case}");
        }
        assert_eq!(
            server.count(&format!("displayName eq {probe_literal}")),
            found,
            "column: {case}"
        );
        assert_eq!(
            server.count(&format!("emails.value eq {probe_literal}")),
            found,
            "filter: {case}"
        );
        // The immutable check: the same badge in another case is no change.
        let (replaced, body) = server.send(
            Method::Put,
            &format!("/Users/{id}"),
            Some(json!({"userName": stored, "displayName": stored, "badge": probe})),
        );
        let expected = if same { 200 } else { 400 };
        assert_eq!(replaced.status, expected, "immutable: {case}: {body}");
        if !same {
            assert_eq!(body["scimType"], "mutability", "{case}");
        }
        // Uniqueness of userName.
        let (second, body) = server.send(
            Method::Post,
            "/Users",
            Some(json!({"userName": probe, "displayName": probe})),
        );
        let expected = if same { 409 } else { 201 };
        assert_eq!(second.status, expected, "uniqueness: {case}: {body}");
        if !same {
            // Two users now: sorting by the column puts them in the order of their folded
            // text, which a filter's `lt` agrees with.
            let path = format!(
                "/Users?sortBy=displayName&filter={}",
                encode("displayName pr")
            );
            let (_, list) = server.send(Method::Get, &path, None);
            let first = list["Resources"][0]["displayName"]
                .as_str()
                .expect("sorted")
                .to_string();
            let other = if first == stored { probe } else { stored };
            let lower = server.count(&format!("displayName lt {}", quoted(other)));
            assert_eq!(lower, 1, "sort and lt disagree: {case}");
        }
    }
}
