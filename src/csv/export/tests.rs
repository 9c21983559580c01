use super::*;
use crate::csv::fixtures::{idcs_settings, tenant, IDCS_USER};
use crate::csv::import::{Action, Importer, Options};
use crate::env::{Env, SequentialIds};
use crate::http::{Method, Request};
use crate::json;
use crate::schema::builtin::ENTERPRISE_USER;
use alloc::borrow::ToOwned;
use alloc::vec;

const NOW: i64 = 1_795_000_000_000;
const BASE: &str = "http://localhost/scim/v2";

/// Users and groups with every kind of value the columns carry: non-ASCII names,
/// apostrophes, commas, quotes, line ends, cells a spreadsheet would run, references.
fn people() -> Vec<Value> {
    let mut people = vec![
        json!({"userName": "boss@example.com", "name": {"givenName": "Zoë", "familyName": "O'Brien"},
               "emails": [{"value": "boss@example.com", "type": "work", "primary": true}],
               IDCS_USER: {"serviceUser": true, "isFederatedUser": false}}),
        json!({"userName": "李雷", "name": {"givenName": "雷", "familyName": "李", "middleName": "\"Lei\"",
                 "honorificPrefix": "Dr.", "formatted": "Dr. 李雷"},
               "displayName": "=HYPERLINK(\"http://evil\")", "nickName": "@lei", "title": "-1",
               "active": true, "locale": "zh_CN", "timezone": "Asia/Shanghai", "userType": "Employee",
               "preferredLanguage": "zh", "profileUrl": "https://example.com/lei", "externalId": "+ext",
               "emails": [{"value": "lei@example.com", "type": "work"},
                          {"value": "lei@home.example", "type": "home", "primary": true},
                          {"value": "lei@recovery.example", "type": "recovery"}],
               "phoneNumbers": [{"value": "+86 10 5555 0100", "type": "work"},
                                {"value": "%20", "type": "mobile", "primary": true},
                                {"value": "|pager", "type": "pager"}],
               "addresses": [{"type": "work", "streetAddress": "1 Road, Suite 2\nFloor 3", "locality": "Beijing",
                              "region": "BJ", "postalCode": "100000", "country": "CN", "primary": true},
                             {"type": "home", "formatted": "Home, sweet home"}],
               ENTERPRISE_USER: {"employeeNumber": "0042", "costCenter": "CC-1", "organization": "Org, Inc.",
                                 "division": "R&D", "department": "'quoted'"},
               IDCS_USER: {"isFederatedUser": true, "bypassNotification": true}}),
    ];
    for i in 0..25 {
        people.push(json!({"userName": format!("user{i}@example.com"), "name": {"givenName": "Ann", "familyName": format!("Lee {i}")},
                           "emails": [{"value": format!("user{i}@example.com"), "type": "work"}],
                           "active": i % 2 == 0}));
    }
    people
}

fn env(ids: &mut SequentialIds) -> Env<'_> {
    Env {
        now_ms: NOW,
        base_url: BASE,
        ids,
    }
}

/// Creates a resource through SCIM; its id.
fn post(t: &mut Tenant, ids: &mut SequentialIds, endpoint: &str, body: &Value) -> String {
    let request = Request::new(Method::Post, endpoint).with_body(body.to_string());
    let out = t.handle(&request, &mut env(ids));
    let made: serde_json::Value = serde_json::from_slice(&out.response.body).unwrap();
    assert_eq!(out.response.status, 201, "{made}");
    made["id"].as_str().unwrap().to_owned()
}

/// A tenant holding `people`, `boss` managing everyone else, and three groups.
fn populated() -> Tenant {
    let mut t = tenant(idcs_settings());
    let mut ids = SequentialIds::default();
    let mut boss = None;
    for person in people() {
        let id = post(&mut t, &mut ids, "/Users", &person);
        match &boss {
            None => boss = Some(id),
            Some(boss) => {
                let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{"op": "add", "path": format!("{ENTERPRISE_USER}:manager"), "value": {"value": boss}}]});
                let out = t.handle(
                    &Request::new(Method::Patch, &format!("/Users/{id}"))
                        .with_body(patch.to_string()),
                    &mut env(&mut ids),
                );
                assert_eq!(out.response.status, 200);
            }
        }
    }
    let user_ids: Vec<String> = t
        .resources()
        .filter(|r| r.pointer("/meta/resourceType").and_then(Value::as_str) == Some("User"))
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    for (name, members) in [
        ("Admins", &user_ids[..3]),
        ("Everyone, \"all\"", &user_ids[..]),
        ("@Nobody", &user_ids[..0]),
    ] {
        let members: Vec<Value> = members.iter().map(|id| json!({"value": id})).collect();
        let group = json!({"displayName": name, "description": "=1+1", "members": members});
        post(&mut t, &mut ids, "/Groups", &group);
    }
    t
}

/// A tenant's resources of a type, comparable across tenants: keyed by name, references
/// by name, without ids, metadata and what is never exported.
fn comparable(t: &Tenant, resource_type: &str) -> BTreeMap<String, Value> {
    let name_of = |id: &str| -> String {
        t.resources()
            .filter(|r| r.pointer("/meta/resourceType").and_then(Value::as_str) == Some("User"))
            .find(|r| r["id"].as_str() == Some(id))
            .and_then(|r| r.get("userName").and_then(Value::as_str).map(String::from))
            .unwrap_or_default()
    };
    t.resources()
        .filter(|r| r.pointer("/meta/resourceType").and_then(Value::as_str) == Some(resource_type))
        .map(|r| {
            let mut v = Value::clone(&r);
            let obj = v.as_object_mut().unwrap();
            obj.remove("id");
            obj.remove("meta");
            if let Some(idcs) = obj.get_mut(IDCS_USER).and_then(Value::as_object_mut) {
                idcs.remove("bypassNotification");
                if idcs.is_empty() {
                    obj.remove(IDCS_USER);
                }
            }
            if let Some(schemas) = obj.get_mut("schemas").and_then(Value::as_array_mut) {
                schemas.sort_by_key(|s| s.as_str().map(String::from));
            }
            if let Some(m) = obj
                .get_mut(ENTERPRISE_USER)
                .and_then(|e| e.get_mut("manager"))
            {
                *m = Value::from(name_of(m["value"].as_str().unwrap_or_default()));
            }
            if let Some(members) = obj.remove("members") {
                let mut names: Vec<String> = members
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| name_of(m["value"].as_str().unwrap_or_default()))
                    .collect();
                names.sort();
                obj.insert("members", json!(names));
            }
            let key = obj
                .get(crate::csv::key_attribute(resource_type))
                .and_then(Value::as_str)
                .unwrap()
                .to_owned();
            (key, v)
        })
        .collect()
}

/// A file's header, then its rows in order.
fn records(data: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut records = crate::csv::read::Records::new(data, crate::csv::read::LIMITS);
    let mut all: Vec<Vec<String>> = Vec::new();
    while let Some((_, record)) = records.next_record() {
        all.push(
            record
                .unwrap()
                .cells()
                .iter()
                .map(|c| c.to_string())
                .collect(),
        );
    }
    let header = all.remove(0);
    all.sort();
    (header, all)
}

fn import_all(t: &mut Tenant, ids: &mut SequentialIds, kind: Kind, data: &[u8]) -> Vec<Action> {
    let mut importer = Importer::new(kind, data, t, &Options::default()).expect("a valid file");
    let step = importer.step(t, &mut env(ids), usize::MAX);
    assert!(importer.is_finished());
    step.outcomes
        .into_iter()
        .map(|o| {
            o.result
                .unwrap_or_else(|e| panic!("row {}: {}", o.row, e.detail))
                .action
        })
        .collect()
}

#[test]
fn export_then_import_gives_the_same_users_and_groups() {
    let source = populated();
    let users = export(Kind::Users, &source, BASE).expect("users");
    let groups = export(Kind::Groups, &source, BASE).expect("groups");

    let mut copy = tenant(idcs_settings());
    let mut ids = SequentialIds {
        prefix: "b".into(),
        last: 0,
    };
    assert!(import_all(&mut copy, &mut ids, Kind::Users, &users)
        .iter()
        .all(|a| *a == Action::Created));
    assert!(import_all(&mut copy, &mut ids, Kind::Groups, &groups)
        .iter()
        .all(|a| *a == Action::Created));

    for resource_type in ["User", "Group"] {
        let (a, b) = (
            comparable(&source, resource_type),
            comparable(&copy, resource_type),
        );
        assert_eq!(a.len(), b.len());
        for (name, resource) in &a {
            assert_eq!(Some(resource), b.get(name), "{resource_type} {name}");
        }
    }
    // Exporting the copy gives the same files (rows in its own id order), and importing
    // them back changes nothing.
    assert_eq!(
        records(&export(Kind::Users, &copy, BASE).unwrap()),
        records(&users)
    );
    assert_eq!(
        records(&export(Kind::Groups, &copy, BASE).unwrap()),
        records(&groups)
    );
    assert!(import_all(&mut copy, &mut ids, Kind::Users, &users)
        .iter()
        .all(|a| *a == Action::Unchanged));
    assert!(import_all(&mut copy, &mut ids, Kind::Groups, &groups)
        .iter()
        .all(|a| *a == Action::Unchanged));
}

#[test]
fn cells_are_escaped_and_never_exported_values_are_absent() {
    let source = populated();
    let users = String::from_utf8(export(Kind::Users, &source, BASE).unwrap()).unwrap();
    let header = users.lines().next().unwrap();
    for (heading, present) in [
        ("User Name", true),
        ("Work Email", true),
        ("Federated", true),
        ("Service User", true),
        ("Manager", true),
        ("Password", false),
        ("ByPass Notification", false),
        ("Work Email Verified", false),
    ] {
        assert_eq!(
            header.split(',').any(|h| h == heading),
            present,
            "{heading}"
        );
    }
    for cell in [
        "\"'=HYPERLINK(\"\"http://evil\"\")'\"",
        "'@lei'",
        "'-1'",
        "'+ext'",
        "'%20'",
        "'|pager'",
        "'+86 10 5555 0100'",
        "\"1 Road, Suite 2\nFloor 3\"",
        "'quoted'",
        ",TRUE,",
    ] {
        assert!(users.contains(cell), "{cell} in {users}");
    }
    let groups = String::from_utf8(export(Kind::Groups, &source, BASE).unwrap()).unwrap();
    assert!(
        groups.starts_with("Name,Description,User Members\r\n"),
        "{groups}"
    );
    assert!(groups.contains("'@Nobody','=1+1',\r\n"), "{groups}");
    assert!(groups.contains("\"Everyone, \"\"all\"\"\""), "{groups}");
}

#[test]
fn an_export_in_pieces_resumed_anywhere_is_the_whole_export() {
    let source = populated();
    for kind in [Kind::Users, Kind::Groups] {
        let whole = export(kind, &source, BASE).unwrap();
        for budget in [1, 2, 5, 1000] {
            let mut pieces = Vec::new();
            let mut cursor = ExportCursor::default();
            loop {
                // A new exporter each time, from a cursor that went through JSON.
                let saved = serde_json::to_string(&cursor).unwrap();
                let mut exporter =
                    Exporter::resume(kind, &source, serde_json::from_str(&saved).unwrap()).unwrap();
                if exporter.is_finished() {
                    break;
                }
                pieces.extend(exporter.step(&source, BASE, budget).unwrap());
                assert!(exporter.done() <= exporter.total());
                cursor = exporter.cursor().clone();
            }
            assert_eq!(pieces, whole, "{kind:?} in steps of {budget}");
        }
    }
}

#[test]
fn an_empty_or_unserved_type_exports_as_expected() {
    let empty = tenant(json!({}));
    let users = export(Kind::Users, &empty, BASE).unwrap();
    assert!(users.starts_with(b"User Name,First Name,Middle Name,Last Name,"));
    assert_eq!(users.iter().filter(|b| **b == b'\n').count(), 1);
    let no_groups = tenant(json!({"resourceTypes": {"group": false}}));
    for kind in [Kind::Groups, Kind::AppRoles] {
        let err = export(kind, &no_groups, BASE).expect_err("not served");
        assert!(err.detail.contains("serves no"), "{}", err.detail);
    }
}
