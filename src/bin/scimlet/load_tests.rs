use super::*;
use crate::remember::Store;
use crate::test_server::TestServer;
use crate::{Cli, Command};
use clap::Parser;
use scimlet::env::UuidIds;
use scimlet::{Env, Method, Request, Settings, Tenant};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn bulk_ids_and_locations_are_read_back() {
    for (bulk_id, n) in [
        ("u0", Some(0)),
        ("u123", Some(123)),
        ("u", None),
        ("g1", None),
        ("u-1", None),
    ] {
        assert_eq!(user_number(bulk_id), n, "{bulk_id}");
    }
    for (bulk_id, numbers) in [
        ("m3.1", Some((3, 1))),
        ("m3", None),
        ("g3.1", None),
        ("m.1", None),
    ] {
        assert_eq!(patch_numbers(bulk_id), numbers, "{bulk_id}");
    }
    for (result, id) in [
        (
            json!({"location": "http://h/scim/v2/Users/0190-ab"}),
            Some("0190-ab"),
        ),
        (
            json!({"location": "http://h/scim/v2/Users/0190-ab/"}),
            Some("0190-ab"),
        ),
        (json!({"location": ""}), None),
        (json!({"status": "201"}), None),
    ] {
        assert_eq!(created_id(&result).as_deref(), id, "{result}");
    }
}

#[test]
#[allow(clippy::single_range_in_vec_init)] // a list of one chunk is what is meant
fn member_lists_are_cut_into_requests_that_fit() {
    let entries =
        |sizes: &[usize]| -> Vec<Vec<u8>> { sizes.iter().map(|&n| vec![b'x'; n]).collect() };
    for (sizes, limit, chunks) in [
        (&[][..], 100, vec![0..0]),
        (&[10, 10, 10], 100, vec![0..3]),
        (&[10, 10, 10], 22, vec![0..2, 2..3]),
        (&[10, 10, 10], 21, vec![0..1, 1..2, 2..3]),
        (&[50, 4, 4], 10, vec![0..1, 1..3]),
        (&[50, 5, 5], 10, vec![0..1, 1..2, 2..3]),
        (&[50], 10, vec![0..1]),
    ] {
        assert_eq!(chunk(&entries(sizes), limit), chunks, "{sizes:?} {limit}");
    }
}

#[test]
fn group_operations_are_bulk_operations() {
    let members = vec![
        br#"{"value":"a","type":"User"}"#.to_vec(),
        br#"{"value":"b","type":"User"}"#.to_vec(),
    ];
    let post: Value =
        serde_json::from_slice(&group_operation(4, "Sales \"EMEA\"", &members)).expect("JSON");
    assert_eq!(
        post,
        json!({"method": "POST", "path": "/Groups", "bulkId": "g4", "data": {
            "schemas": [GROUP], "displayName": "Sales \"EMEA\"",
            "members": [{"value": "a", "type": "User"}, {"value": "b", "type": "User"}]}})
    );
    let patch: Value =
        serde_json::from_slice(&members_operation(4, 2, "0190-x", &members[..1])).expect("JSON");
    assert_eq!(
        patch,
        json!({"method": "PATCH", "path": "/Groups/0190-x", "bulkId": "m4.2", "data": {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "a", "type": "User"}]}]}})
    );
}

#[test]
fn group_names_are_the_generators() {
    // The generator's names for the full data set (users included, ids made up).
    let spec = SeedSpec {
        users: 40,
        groups: 9,
        entitlements: 0,
        roles: 0,
        seed: 3,
        domain: Some("load-3.example.org".into()),
        ..SeedSpec::default()
    };
    let mut names = Vec::new();
    let mut n = 0;
    generate(&spec, &mut |kind, mut resource| {
        if kind == "Group" {
            names.push(
                resource["displayName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        n += 1;
        if let scimlet::Value::Object(map) = &mut resource {
            map.insert("id", scimlet::Value::from(format!("id{n}")));
        }
        Ok(Arc::new(resource))
    })
    .unwrap();
    assert_eq!(names.len(), 9);
    assert_eq!(group_names(&spec), Ok(names));
    let other_domain = SeedSpec {
        domain: None,
        ..spec.clone()
    };
    assert_eq!(group_names(&other_domain).map(|n| n.len()), Ok(9));
}

#[test]
fn a_manager_is_a_bulk_id_in_the_same_request_else_the_id_it_got() {
    let roster = Arc::new(Roster::default());
    for _ in 0..4 {
        roster.add();
    }
    roster.resolve(0, Some("id-0".into()));
    roster.resolve(1, None);
    let person = |manager| Person {
        index: 9,
        user: scimlet::Map::new(),
        manager,
        groups: Vec::new(),
        entitlements: Vec::new(),
        roles: Vec::new(),
    };
    for (manager, batch_start, expected) in [
        (None, 0, None),
        (Some(0), 0, Some("bulkId:u0")),
        (Some(3), 2, Some("bulkId:u3")),
        (Some(0), 2, Some("id-0")),
        (Some(1), 2, None),
    ] {
        assert_eq!(
            manager_reference(&person(manager), batch_start, &roster).as_deref(),
            expected,
            "{manager:?} {batch_start}"
        );
    }
    // A pending manager is waited for.
    let waiter = {
        let roster = roster.clone();
        std::thread::spawn(move || manager_reference(&person(Some(2)), 3, &roster))
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(!waiter.is_finished());
    roster.resolve(2, Some("id-2".into()));
    assert_eq!(waiter.join().unwrap().as_deref(), Some("id-2"));
}

/// The engine behind a loopback server with the Worker's paths for server `t`, refusing a
/// Bulk request whose creates would take it past `cap` (as the Worker does, whole).
struct Engine {
    tenant: Mutex<Tenant>,
    ids: Mutex<UuidIds>,
    cap: usize,
    /// Whether `GET /api/servers/t` states the cap.
    states_limits: bool,
}

const BASE: &str = "/scim-identifier/t/scim/v2";

impl Engine {
    fn new(settings: Settings, cap: usize, states_limits: bool) -> Arc<Engine> {
        Arc::new(Engine {
            tenant: Mutex::new(Tenant::new(settings).unwrap()),
            ids: Mutex::new(UuidIds::new(7)),
            cap,
            states_limits,
        })
    }

    fn total(&self) -> usize {
        self.tenant.lock().unwrap().counts().values().sum()
    }

    fn answer(&self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        let mut tenant = self.tenant.lock().unwrap();
        let total: usize = tenant.counts().values().sum();
        if path == "/api/servers/t" {
            let mut server = json!({ "id": "t", "counts": tenant.counts(), "total": total });
            if self.states_limits {
                server["limits"] = json!({ "maxResources": self.cap });
            }
            return (200, server.to_string());
        }
        let Some(rest) = path.strip_prefix(BASE) else {
            return (404, json!({"detail": "no such path"}).to_string());
        };
        if rest == "/Bulk" {
            let request: Value = serde_json::from_slice(body).unwrap_or_default();
            let creates = request["Operations"].as_array().map_or(0, |ops| {
                ops.iter().filter(|op| op["method"] == "POST").count()
            });
            if total + creates > self.cap {
                let detail = format!(
                    "server 't' is full: a server here holds at most {} resources",
                    self.cap
                );
                return (403, json!({"status": "403", "detail": detail}).to_string());
            }
        }
        let mut request = Request::new(Method::parse(method), rest);
        if !body.is_empty() {
            request = request.with_body(body.to_vec());
        }
        let mut ids = self.ids.lock().unwrap();
        let mut env = Env {
            now_ms: 1_795_000_000_000,
            base_url: "http://h/scim/v2",
            ids: &mut *ids,
        };
        let out = tenant.handle(&request, &mut env);
        (
            out.response.status,
            String::from_utf8_lossy(&out.response.body).into_owned(),
        )
    }

    fn serve(self: &Arc<Engine>) -> TestServer {
        let engine = self.clone();
        TestServer::start(Arc::new(move |method, path, body| {
            engine.answer(method, path, body)
        }))
    }

    /// Stored resources of a type, as serde_json values.
    fn stored(&self, resource_type: &str) -> Vec<Value> {
        let tenant = self.tenant.lock().unwrap();
        tenant
            .resources()
            .filter(|r| {
                r.get("meta")
                    .and_then(|m| m.get("resourceType"))
                    .and_then(scimlet::Value::as_str)
                    == Some(resource_type)
            })
            .map(|r| serde_json::to_value(&*r).unwrap())
            .collect()
    }
}

fn context(server: &TestServer, name: &str) -> Context {
    let path = std::env::temp_dir()
        .join(format!("scimlet-cli-load-{name}-{}", std::process::id()))
        .join("servers.json");
    Context {
        url: server.url.clone(),
        token: None,
        admin_token: None,
        json: true,
        remembered: Store::at(path),
    }
}

fn load_args(args: &[&str]) -> LoadArgs {
    let mut argv = vec!["scimlet", "load"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(argv).unwrap().command {
        Command::Load(args) => args,
        other => panic!("{other:?}"),
    }
}

/// Checks the loaded users and groups against the generator: every user with a manager
/// has that manager's id, every group the generator's members. Then the report's figures.
fn check_against_generator(engine: &Engine, spec: &SeedSpec, report: &Report) {
    let users = engine.stored("User");
    let id_of: BTreeMap<String, String> = users
        .iter()
        .map(|u| {
            (
                u["userName"].as_str().unwrap().to_string(),
                u["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let name_of: BTreeMap<&str, &str> = id_of
        .iter()
        .map(|(n, i)| (i.as_str(), n.as_str()))
        .collect();
    let stored_manager: BTreeMap<&str, Option<&str>> = users
        .iter()
        .map(|u| {
            (
                u["userName"].as_str().unwrap(),
                u[ENTERPRISE_USER]["manager"]["value"].as_str(),
            )
        })
        .collect();
    assert_eq!(users.len(), spec.users);
    let mut people = People::new(spec).unwrap();
    let mut generated = Vec::new();
    let mut with_manager = 0;
    let mut expected_members: Vec<BTreeSet<String>> = vec![BTreeSet::new(); spec.groups];
    for _ in 0..spec.users {
        let person = people.next_person();
        let user_name = person.user["userName"].as_str().unwrap().to_string();
        let expected = person.manager.map(|m| id_of[&generated[m]].as_str());
        with_manager += usize::from(expected.is_some());
        assert_eq!(
            stored_manager[user_name.as_str()],
            expected,
            "the manager of {user_name}"
        );
        for g in &person.groups {
            expected_members[*g].insert(user_name.clone());
        }
        generated.push(user_name);
    }
    assert!(with_manager > spec.users * 3 / 4, "{with_manager}");
    let names = loaded_group_names(spec).unwrap();
    let groups = engine.stored("Group");
    assert_eq!(groups.len(), spec.groups);
    for group in &groups {
        let name = group["displayName"].as_str().unwrap();
        let g = names.iter().position(|n| n == name).expect(name);
        let members: BTreeSet<String> = group["members"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|m| name_of[m["value"].as_str().unwrap()].to_string())
            .collect();
        assert_eq!(members, expected_members[g], "members of {name}");
    }
    assert!(report.ok());
    let users = report.users.tally.to_json("created", Default::default());
    assert_eq!(users["created"], json!(spec.users));
    assert_eq!(
        (users["failed"].clone(), users["notSent"].clone()),
        (json!(0), json!(0))
    );
    assert_eq!(
        (report.users.managers, report.users.managers_unresolved),
        (with_manager as u64, 0)
    );
    let groups = report.groups.as_ref().expect("groups");
    assert_eq!(
        groups.tally.to_json("created", Default::default())["created"],
        json!(spec.groups)
    );
    let memberships: usize = expected_members.iter().map(BTreeSet::len).sum();
    assert_eq!(groups.members, memberships as u64);
}

fn spec(users: usize, groups: usize, seed: u64) -> SeedSpec {
    SeedSpec {
        users,
        groups,
        entitlements: 0,
        roles: 0,
        seed,
        domain: Some(format!("load-{seed}.example.org")),
        ..SeedSpec::default()
    }
}

#[test]
fn a_concurrent_load_keeps_every_manager_and_makes_the_groups() {
    for (concurrency, batch) in [("1", "100"), ("8", "10"), ("16", "7")] {
        let engine = Engine::new(Settings::default(), 100_000, true);
        let server = engine.serve();
        let args = load_args(&[
            "--server",
            "t",
            "--users",
            "400",
            "--groups",
            "6",
            "--batch",
            batch,
            "--concurrency",
            concurrency,
            "--seed",
            "5",
        ]);
        let report = execute(&context(&server, "rich"), &args).unwrap();
        check_against_generator(&engine, &spec(400, 6, 5), &report);
    }
}

#[test]
fn a_small_payload_limit_splits_users_and_member_lists() {
    let settings = Settings {
        bulk_max_payload_size: 6_000,
        ..Settings::default()
    };
    let engine = Engine::new(settings, 100_000, true);
    let server = engine.serve();
    let args = load_args(&[
        "--server",
        "t",
        "--users",
        "300",
        "--groups",
        "3",
        "--concurrency",
        "8",
        "--seed",
        "9",
    ]);
    let report = execute(&context(&server, "small"), &args).unwrap();
    check_against_generator(&engine, &spec(300, 3, 9), &report);
    let requests = server.requests();
    let bulks = requests
        .iter()
        .filter(|(_, p)| p.ends_with("/Bulk"))
        .count();
    // Some 5 users per request, then the groups' POSTs and PATCHes.
    assert!(bulks > 300 / 6, "{bulks}");
}

#[test]
fn a_load_that_cannot_fit_sends_nothing() {
    let engine = Engine::new(Settings::default(), 250, true);
    let server = engine.serve();
    let args = load_args(&["--server", "t", "--users", "200", "--seed", "1"]);
    assert_eq!(run(&context(&server, "fit"), &args), Ok(true));
    let before = engine.total();
    for (users, groups) in [("51", "0"), ("50", "1"), ("10000", "0")] {
        let args = load_args(&[
            "--server", "t", "--users", users, "--groups", groups, "--seed", "2",
        ]);
        let error = run(&context(&server, "fit"), &args).unwrap_err();
        assert!(
            error.contains("room for 50 more resources (200 of at most 250)"),
            "{error}"
        );
        assert!(error.contains("nothing was sent"), "{error}");
        assert_eq!(engine.total(), before);
    }
    let bulks = server
        .requests()
        .iter()
        .filter(|(_, p)| p.ends_with("/Bulk"))
        .count();
    assert_eq!(bulks, 2, "only the first load's requests");
    // Exactly what fits does.
    let args = load_args(&[
        "--server", "t", "--users", "49", "--groups", "1", "--seed", "2",
    ]);
    assert_eq!(run(&context(&server, "fit"), &args), Ok(true));
    assert_eq!(engine.total(), 250);
}

#[test]
fn a_load_stops_at_the_first_server_full() {
    // The cap is unknown beforehand (a --scim URL, or a server that does not state it).
    for (target, concurrency) in [
        (&["--scim"][..], "8"),
        (&["--server", "t"], "4"),
        (&["--scim"], "1"),
    ] {
        let engine = Engine::new(Settings::default(), 1_234, false);
        let server = engine.serve();
        let scim = format!("{}{BASE}", server.url);
        let mut argv: Vec<&str> = target.to_vec();
        if target == ["--scim"] {
            argv.push(&scim);
        }
        argv.extend([
            "--users",
            "3000",
            "--groups",
            "5",
            "--batch",
            "50",
            "--concurrency",
            concurrency,
        ]);
        let report = execute(&context(&server, "full"), &load_args(&argv)).unwrap();
        assert!(!report.ok());
        let summary = report.users.tally.to_json("created", Default::default());
        assert_eq!(summary["serverFull"], json!(true));
        assert_eq!(summary["created"], json!(engine.total()));
        let groups = report
            .groups
            .as_ref()
            .expect("groups")
            .tally
            .to_json("created", Default::default());
        assert_eq!(groups["notSent"], json!(5));
        let total = engine.total();
        assert!(total <= 1_234 && total > 1_234 - 50, "{total}");
        let requests = server.requests();
        let first_refusal = requests
            .iter()
            .filter(|(_, p)| p.ends_with("/Bulk"))
            .count();
        let accepted = total / 50;
        let refused = first_refusal - accepted;
        let concurrency: usize = concurrency.parse().unwrap();
        assert!(
            (1..=concurrency).contains(&refused),
            "{refused} refused at concurrency {concurrency}"
        );
        assert!(engine.stored("Group").is_empty());
    }
}
