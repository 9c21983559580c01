use super::*;
use crate::csv::fixtures::{idcs_settings, tenant, IDCS_USER};
use crate::csv::formula::escape;
use crate::csv::write::push_record;
use crate::env::SequentialIds;
use crate::http::{Method, Request};
use crate::schema::builtin::ENTERPRISE_USER;
use alloc::borrow::ToOwned;
use alloc::vec;

const NOW: i64 = 1_795_000_000_000;
const BASE: &str = "http://localhost/scim/v2";

/// A file from a header and rows of cells (quoted as an export would).
fn file(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::new();
    push_record(&mut out, header.iter().copied());
    for row in rows {
        push_record(&mut out, row.iter().map(String::as_str));
    }
    out
}

/// Imports a whole file in steps of `budget` rows; the outcomes and every change.
fn import(
    tenant: &mut Tenant,
    kind: Kind,
    data: &[u8],
    budget: usize,
) -> (Vec<RowOutcome>, ChangeSet) {
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: NOW,
        base_url: BASE,
        ids: &mut ids,
    };
    let mut importer =
        Importer::new(kind, data, tenant, &Options::default()).expect("a valid file");
    let (mut outcomes, mut changes) = (Vec::new(), ChangeSet::default());
    while !importer.is_finished() {
        let step = importer.step(tenant, &mut env, budget);
        assert!(!step.outcomes.is_empty(), "a step makes progress");
        outcomes.extend(step.outcomes);
        changes.upserted.extend(step.changes.upserted);
    }
    (outcomes, changes)
}

/// The stored form of the resource of a type named `name`.
fn stored(tenant: &Tenant, resource_type: &str, name: &str) -> Option<Value> {
    let key = crate::csv::key_attribute(resource_type);
    tenant
        .resources()
        .find(|r| {
            r.pointer("/meta/resourceType").and_then(Value::as_str) == Some(resource_type)
                && r.get(key).and_then(Value::as_str) == Some(name)
        })
        .map(owned)
}

/// A stored resource as a value, whatever the tenant's iterator hands out.
fn owned<R: core::borrow::Borrow<alloc::sync::Arc<Value>>>(r: R) -> Value {
    Value::clone(r.borrow())
}

fn users(tenant: &Tenant) -> usize {
    tenant.counts().get("User").copied().unwrap_or(0)
}

/// One generated row of the few-hundred-row file: what the file says and what must be
/// stored.
struct Person {
    user_name: String,
    given: String,
    family: String,
    email: String,
    title: String,
    phone: String,
    password: String,
    active: bool,
    federated: bool,
}

fn person(i: usize) -> Person {
    let user_name = match i % 5 {
        0 => format!("o'brien.{i}@example.com"),
        1 => format!("zoë.{i}@example.com"),
        2 => format!("=HYPERLINK(\"x\").{i}"),
        3 => format!("李{i}@example.com"),
        _ => format!("user{i}@example.com"),
    };
    let password = match i % 4 {
        0 => format!("Secret {i}!"),
        1 => crate::secret::ssha256(&format!("pw{i}"), b"12345678"),
        2 => format!("{{PBKDF2-HMAC-SHA512}}10000:c2FsdHNhbHQ{i}"),
        _ => String::new(),
    };
    Person {
        user_name,
        given: ["Zoë", "D'Arcy", "Ann", "@dmin"][i % 4].to_owned(),
        family: if i.is_multiple_of(3) {
            format!("Smith, Jr. {i}")
        } else {
            format!("Ng{i}")
        },
        email: format!("u{i}@example.com"),
        title: if i.is_multiple_of(7) {
            "-lead".to_owned()
        } else {
            format!("Title {i}")
        },
        phone: format!("+1 555 01{i:02}"),
        password,
        active: i.is_multiple_of(2),
        federated: i % 3 == 1,
    }
}

const BAD_ROW: usize = 150;

#[test]
fn a_few_hundred_rows_import_each_on_its_own_and_one_bad_row_fails_alone() {
    let header = [
        "User Name",
        "First Name",
        "Last Name",
        "Work Email",
        "Title",
        "Work Phone",
        "Password",
        "Active",
        "Federated",
        "ByPass Notification",
        "Primary Email Type",
    ];
    let rows: Vec<Vec<String>> = (1..=300)
        .map(|i| {
            let p = person(i);
            let active = if i == BAD_ROW {
                "maybe".to_owned()
            } else {
                (if p.active { "TRUE" } else { "false" }).to_owned()
            };
            vec![
                escape(&p.user_name).into_owned(),
                escape(&p.given).into_owned(),
                escape(&p.family).into_owned(),
                p.email.clone(),
                escape(&p.title).into_owned(),
                escape(&p.phone).into_owned(),
                p.password.clone(),
                active,
                (if p.federated { "TRUE" } else { "FALSE" }).to_owned(),
                "TRUE".to_owned(),
                "work".to_owned(),
            ]
        })
        .collect();
    let data = file(&header, &rows);
    let mut tenant = tenant(idcs_settings());
    let (outcomes, changes) = import(&mut tenant, Kind::Users, &data, 64);

    assert_eq!(outcomes.len(), 300);
    for (i, outcome) in (1..=300).zip(&outcomes) {
        assert_eq!(outcome.row, i);
        assert_eq!(outcome.key, person(i).user_name, "row {i}");
        if i == BAD_ROW {
            let err = outcome.result.as_ref().expect_err("the bad row fails");
            assert_eq!(err.status, 400);
            assert!(err.detail.contains("active"), "{}", err.detail);
        } else {
            let applied = outcome.result.as_ref().expect("a good row");
            assert_eq!(applied.action, Action::Created, "row {i}");
        }
    }
    assert_eq!(users(&tenant), 299);
    assert_eq!(changes.upserted.len(), 299);
    assert!(stored(&tenant, "User", &person(BAD_ROW).user_name).is_none());

    for i in (1..=300).filter(|i| *i != BAD_ROW) {
        let p = person(i);
        let user = stored(&tenant, "User", &p.user_name).unwrap_or_else(|| panic!("row {i}"));
        assert_eq!(user["name"]["givenName"], p.given.as_str(), "row {i}");
        assert_eq!(user["name"]["familyName"], p.family.as_str(), "row {i}");
        assert_eq!(user["emails"], json_emails(&p.email), "row {i}");
        assert_eq!(user["title"], p.title.as_str(), "row {i}");
        assert_eq!(
            user["phoneNumbers"][0]["value"],
            p.phone.as_str(),
            "row {i}"
        );
        assert_eq!(user["active"], p.active, "row {i}");
        assert_eq!(user[IDCS_USER]["isFederatedUser"], p.federated, "row {i}");
        assert_eq!(user[IDCS_USER]["bypassNotification"], true, "row {i}");
        let password = user.get("password").and_then(Value::as_str);
        match i % 4 {
            0 => {
                let kept = password.expect("a password");
                assert!(kept.starts_with("{PBKDF2-HMAC-SHA256}64:"), "{kept}");
                assert!(crate::secret::verify(kept, &p.password), "row {i}");
            }
            1 | 2 => assert_eq!(password, Some(p.password.as_str()), "row {i}"),
            _ => assert_eq!(password, None, "row {i}"),
        }
    }

    // SCIM never returns the password or bypassNotification.
    let id = stored(&tenant, "User", &person(4).user_name).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: NOW,
        base_url: BASE,
        ids: &mut ids,
    };
    let got = tenant.handle(
        &Request::new(Method::Get, &format!("/Users/{id}")),
        &mut env,
    );
    let body = String::from_utf8(got.response.body.clone()).unwrap();
    assert_eq!(got.response.status, 200);
    assert!(
        !body.contains("password") && !body.contains("PBKDF2"),
        "{body}"
    );
    assert!(
        !body.contains("bypassNotification") && body.contains("isFederatedUser"),
        "{body}"
    );
}

fn json_emails(email: &str) -> Value {
    crate::json!([{"type": "work", "value": email, "primary": true}])
}

/// A row's effect on one user, on a tenant that already holds `ann` (managed by `boss`).
#[test]
fn rows_create_update_or_fail_by_the_rules() {
    #[rustfmt::skip]
    let header = [
        "User Name", "First Name", "Last Name", "Work Email", "Home Email", "Title",
        "Primary Email Type", "Manager", "Work Email Verified",
    ];
    #[rustfmt::skip]
    let seed = file(
        &header,
        &[
            row(&["boss", "Bo", "Ss", "boss@example.com", "", "Chief", "", "", ""]),
            row(&["ann", "Ann", "Lee", "ann@example.com", "", "Clerk", "", "boss", ""]),
        ],
    );
    let ann = |t: &Tenant| stored(t, "User", "ann").expect("ann");
    let boss_id = |t: &Tenant| {
        stored(t, "User", "boss").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // (row, expected action or error part, check on the tenant after)
    type Check = fn(&Tenant, &Value, &str);
    #[rustfmt::skip]
    let table: Vec<(Vec<String>, core::result::Result<Action, &str>, Check)> = vec![
        (
            row(&["new", "N", "Ew", "new@example.com", "", "", "", "", ""]),
            Ok(Action::Created),
            |t, _, _| assert!(stored(t, "User", "new").is_some()),
        ),
        (
            row(&["ann", "", "", "", "", "Manager", "", "", ""]),
            Ok(Action::Updated),
            |_, a, _| {
                assert_eq!(a["title"], "Manager");
                assert_eq!(a["name"]["givenName"], "Ann");
            },
        ),
        (
            row(&["ANN", "Ann", "Lee", "ann@example.com", "", "Clerk", "", "boss", "TRUE"]),
            Ok(Action::Unchanged),
            |_, a, _| assert_eq!(a["userName"], "ann"),
        ),
        (
            row(&["ann", "", "", "", "ann@home.example", "", "home", "", ""]),
            Ok(Action::Updated),
            |_, a, _| {
                let home = a["emails"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["type"] == "home")
                    .unwrap()
                    .clone();
                assert_eq!(home["value"], "ann@home.example");
                assert_eq!(home["primary"], true);
            },
        ),
        (
            row(&["ann", "", "", "", "", "", "other", "", ""]),
            Err("Primary Email Type: no element of `emails` matches"),
            |_, a, _| assert_eq!(a["title"], "Clerk"),
        ),
        (
            row(&["ann", "", "", "", "", "Boss", "", "nobody", ""]),
            Err("Manager: no User has userName \"nobody\""),
            |_, a, _| assert_eq!(a["title"], "Clerk"),
        ),
        (row(&["ann", "", "", "", "", "", "", "'=boss'", ""]), Err("\"=boss\""), |_, _, _| {}),
        (
            row(&["ann", "", "", "", "", "", "", "boss", ""]),
            Ok(Action::Unchanged),
            |_, a, b| assert_eq!(a[ENTERPRISE_USER]["manager"]["value"], b),
        ),
        (
            row(&["carl", "Carl", "", "carl@example.com", "", "", "", "", ""]),
            Err("Last Name is required to create a user"),
            |t, _, _| assert!(stored(t, "User", "carl").is_none()),
        ),
        (
            row(&[
                "dee",
                "Dee",
                "Ray",
                "dee@example.com",
                "",
                "",
                "home",
                "",
                "",
            ]),
            Err("no emails of type \"home\""),
            |t, _, _| assert!(stored(t, "User", "dee").is_none()),
        ),
        (
            row(&["", "Nobody", "Here", "x@example.com", "", "", "", "", ""]),
            Err("User Name is empty"),
            |t, _, _| assert_eq!(users(t), 2),
        ),
        (row(&["", "", "", "", "", "", "", "", ""]), Ok(Action::Skipped), |t, _, _| assert_eq!(users(t), 2)),
        (row(&["boss", "", "", "", "", "", "", "", ""]), Ok(Action::Unchanged), |_, _, _| {}),
    ];
    for (line, expected, check) in table {
        let mut tenant = tenant(crate::json!({}));
        let (seeded, _) = import(&mut tenant, Kind::Users, &seed, 10);
        assert!(seeded.iter().all(|o| o.result.is_ok()), "{seeded:?}");
        let before: Vec<Value> = tenant.resources().map(owned).collect();
        let (outcomes, changes) = import(
            &mut tenant,
            Kind::Users,
            &file(&header, core::slice::from_ref(&line)),
            10,
        );
        let [outcome] = outcomes.as_slice() else {
            panic!("{outcomes:?}")
        };
        match expected {
            Ok(action) => {
                let applied = outcome
                    .result
                    .as_ref()
                    .unwrap_or_else(|e| panic!("{line:?}: {e:?}"));
                assert_eq!(applied.action, action, "{line:?}");
                let changed = matches!(action, Action::Created | Action::Updated);
                assert_eq!(changes.upserted.len(), usize::from(changed), "{line:?}");
            }
            Err(part) => {
                let err = outcome.result.as_ref().expect_err("refused");
                assert!(err.detail.contains(part), "{line:?}: {}", err.detail);
                // A refused row changes nothing.
                assert!(changes.is_empty(), "{line:?}");
                let after: Vec<Value> = tenant.resources().map(owned).collect();
                assert_eq!(after, before, "{line:?}");
            }
        }
        check(&tenant, &ann(&tenant), &boss_id(&tenant));
    }
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

#[test]
fn groups_are_keyed_by_name_and_gain_members_by_user_name() {
    let mut tenant = tenant(idcs_settings());
    let people = file(
        &["User Name", "First Name", "Last Name", "Work Email"],
        &["ann", "bob", "cy"].map(|u| row(&[u, "F", "L", "e@example.com"])),
    );
    import(&mut tenant, Kind::Users, &people, 10);
    let id = |t: &Tenant, u: &str| {
        stored(t, "User", u).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let members = |t: &Tenant, g: &str| -> Vec<String> {
        let group = stored(t, "Group", g).expect("the group");
        let mut ids: Vec<String> = group["members"].as_array().map_or(vec![], |m| {
            m.iter()
                .map(|m| m["value"].as_str().unwrap().to_owned())
                .collect()
        });
        ids.sort();
        ids
    };
    let groups = file(
        &["Display Name", "Description", "User Members"],
        &[
            row(&["Admins", "'=admins'", "ann;bob"]),
            row(&["Empty", "", ""]),
            row(&["Admins", "", " cy ; ann ;"]),
            row(&["Ghosts", "", "ann;nobody"]),
            row(&["ADMINS", "Admins again", ""]),
        ],
    );
    let (outcomes, _) = import(&mut tenant, Kind::Groups, &groups, 2);
    let actions: Vec<core::result::Result<Action, String>> = outcomes
        .iter()
        .map(|o| {
            o.result
                .as_ref()
                .map(|a| a.action)
                .map_err(|e| e.detail.clone())
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            Ok(Action::Created),
            Ok(Action::Created),
            Ok(Action::Updated),
            Err("User Members: no User has userName \"nobody\"".to_owned()),
            Ok(Action::Updated),
        ]
    );
    let mut everyone = vec![id(&tenant, "ann"), id(&tenant, "bob"), id(&tenant, "cy")];
    everyone.sort();
    assert_eq!(members(&tenant, "Admins"), everyone);
    assert_eq!(members(&tenant, "Empty"), Vec::<String>::new());
    assert!(stored(&tenant, "Group", "Ghosts").is_none());
    let admins = stored(&tenant, "Group", "Admins").unwrap();
    assert_eq!(admins["description"], "Admins again");
    assert_eq!(admins["members"][0]["type"], "User");

    // On a tenant whose groups have no description, the column is known and ignored.
    let mut plain = tenant_with_people(&people);
    let importer = Importer::new(Kind::Groups, &groups, &plain, &Options::default()).unwrap();
    assert_eq!(importer.ignored(), ["Description"]);
    let (outcomes, _) = import(&mut plain, Kind::Groups, &groups, 100);
    assert!(outcomes[0].result.is_ok());
    assert!(stored(&plain, "Group", "Admins")
        .unwrap()
        .get("description")
        .is_none());
}

fn tenant_with_people(people: &[u8]) -> Tenant {
    let mut plain = tenant(crate::json!({}));
    import(&mut plain, Kind::Users, people, 100);
    plain
}

/// Files refused as a whole: nothing is written.
#[test]
fn a_file_past_the_limits_or_with_a_bad_header_is_refused_before_any_write() {
    let header = "User Name,First Name,Last Name,Work Email\r\n";
    let rows = |n: usize| {
        let mut data = header.as_bytes().to_vec();
        for i in 0..n {
            data.extend_from_slice(format!("u{i},F,L,u{i}@example.com\r\n").as_bytes());
        }
        data
    };
    let too_big = {
        let mut data = rows(1);
        data.resize(LIMITS.max_bytes + 1, b'\n');
        data
    };
    type Case = (Vec<u8>, Kind, Option<(u16, &'static str)>);
    #[rustfmt::skip]
    let table: Vec<Case> = vec![
        (rows(LIMITS.max_rows), Kind::Users, None),
        (rows(LIMITS.max_rows + 1), Kind::Users, Some((413, "more than 100000 rows"))),
        (too_big, Kind::Users, Some((413, "52 MB"))),
        (Vec::new(), Kind::Users, Some((400, "the file is empty"))),
        (b"User Name,Shoe Size\r\nann,9\r\n".to_vec(), Kind::Users, Some((400, "unknown column \"Shoe Size\""))),
        (b"User Name\r\nann\r\n".to_vec(), Kind::Users, Some((400, "lacks the required columns"))),
        (b"\xffUser Name\r\nann\r\n".to_vec(), Kind::Users, Some((400, "the header row: cell 1 is not UTF-8"))),
        (
            b"Grantee Name,Entitlement Value\r\nann,Admin\r\n".to_vec(),
            Kind::AppRoles,
            Some((400, "serves no Grant resources")),
        ),
    ];
    for (data, kind, expected) in table {
        let mut tenant = tenant(crate::json!({}));
        let made = Importer::new(kind, &data, &tenant, &Options::default());
        match expected {
            None => {
                let importer = made.expect("accepted");
                assert_eq!(importer.total(), LIMITS.max_rows);
                assert_eq!(importer.done(), 0);
            }
            Some((status, part)) => {
                let err = made.expect_err("refused");
                assert_eq!(err.status, status, "{}", err.detail);
                assert!(err.detail.contains(part), "{}", err.detail);
            }
        }
        assert_eq!(users(&tenant), 0);
        let _ = &mut tenant;
    }
}

#[test]
fn an_import_resumed_after_each_step_ends_where_one_pass_does() {
    let header = [
        "User Name",
        "First Name",
        "Last Name",
        "Work Email",
        "Password",
        "Manager",
    ];
    let rows: Vec<Vec<String>> = (1..=60)
        .map(|i| {
            let manager = if i > 1 {
                format!("u{}", i / 2)
            } else {
                String::new()
            };
            row(&[
                &format!("u{i}"),
                "F",
                "L",
                &format!("u{i}@example.com"),
                &format!("pw{i}"),
                &manager,
            ])
        })
        .chain([
            row(&["u7", "", "", "", "", "u60"]),
            row(&["", "", "", "", "", ""]),
        ])
        .collect();
    let data = file(&header, &rows);

    let mut once = tenant(crate::json!({}));
    let (whole, _) = import(&mut once, Kind::Users, &data, 1000);

    let mut resumed = tenant(crate::json!({}));
    let mut ids = SequentialIds::default();
    let mut cursor = None;
    let mut outcomes = Vec::new();
    // Every other step trusts the first count (`resume_counted`, what a job does).
    let mut counted = false;
    loop {
        let mut env = Env {
            now_ms: NOW,
            base_url: BASE,
            ids: &mut ids,
        };
        let options = Options::default();
        counted = !counted;
        let mut importer = match cursor {
            None => Importer::new(Kind::Users, &data, &resumed, &options),
            Some(c) if counted => {
                Importer::resume_counted(Kind::Users, &data, &resumed, &options, c, whole.len())
            }
            Some(c) => Importer::resume(Kind::Users, &data, &resumed, &options, c),
        }
        .expect("a valid file");
        if importer.is_finished() {
            break;
        }
        let step = importer.step(&mut resumed, &mut env, 7);
        outcomes.extend(step.outcomes);
        assert_eq!(importer.done(), outcomes.len());
        cursor = Some(importer.cursor());
    }
    assert_eq!(outcomes, whole);
    let all = |t: &Tenant| t.resources().map(owned).collect::<Vec<_>>();
    assert_eq!(all(&resumed), all(&once));
    assert_eq!(whole.len(), 62);
    assert_eq!(
        whole[60].result.as_ref().map(|a| a.action),
        Ok(Action::Updated)
    );
}

#[test]
fn a_strict_tenant_takes_the_rows_of_its_columns() {
    let mut settings = idcs_settings();
    settings["strict"] = Value::Bool(true);
    let mut tenant = tenant(settings);
    let data = file(
        &[
            "User Name",
            "First Name",
            "Last Name",
            "Work Email",
            "Federated",
            "Department",
        ],
        &[row(&[
            "ann",
            "Ann",
            "Lee",
            "ann@example.com",
            "TRUE",
            "Sales",
        ])],
    );
    let (outcomes, _) = import(&mut tenant, Kind::Users, &data, 10);
    assert_eq!(
        outcomes[0].result.as_ref().map(|a| a.action),
        Ok(Action::Created)
    );
    let ann = stored(&tenant, "User", "ann").unwrap();
    assert_eq!(ann[ENTERPRISE_USER]["department"], "Sales");
    assert_eq!(ann["schemas"].as_array().map(Vec::len), Some(3));
}
