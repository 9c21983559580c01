//! CSV import and export from arbitrary bytes (`csv.dict`): a Users.csv, or a Groups.csv
//! over a few users, imported into a small tenant with identity domains' user extension.
//! Nothing panics; a refused file writes nothing; every row has one outcome and a failed
//! row changes nothing; an import resumed from its cursor after every row ends exactly
//! where one pass does; and exporting what was imported, then importing that into an empty
//! tenant, gives the same file again (row order aside).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::csv::{export, Cursor, Importer, Kind, Options};
use scimlet::env::SequentialIds;
use scimlet::{Env, Settings, Tenant, Value};

const SETTINGS: &str = r#"{"extensions": [{"schema": {"id": "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User",
  "attributes": [{"name": "isFederatedUser", "type": "boolean"},
                 {"name": "bypassNotification", "type": "boolean", "mutability": "immutable", "returned": "never"},
                 {"name": "serviceUser", "type": "boolean", "mutability": "immutable"}]},
  "resourceTypes": ["User"]}],
  "customAttributes": [{"resourceType": "Group", "attribute": {"name": "description", "type": "string"}},
                       {"resourceType": "User", "attribute": {"name": "score", "type": "integer"}}]}"#;

const PEOPLE: &[u8] = b"User Name,First Name,Last Name,Work Email\r\nann,A,L,a@x\r\nbob,B,L,b@x\r\ncy,C,L,c@x\r\n";

fn tenant(kind: Kind) -> Tenant {
    let mut tenant = Tenant::new(Settings::from_json(SETTINGS.as_bytes()).expect("settings")).expect("tenant");
    tenant.set_capacity(Some(40));
    if kind == Kind::Groups {
        let mut ids = SequentialIds { prefix: "p".into(), last: 0 };
        run(&mut tenant, &mut ids, Kind::Users, PEOPLE, usize::MAX).expect("the people");
    }
    tenant
}

fn snapshot(tenant: &Tenant) -> Vec<Value> {
    tenant.resources().map(|r| Value::clone(&r)).collect()
}

fn env(ids: &mut SequentialIds) -> Env<'_> {
    Env { now_ms: 1_795_000_000_000, base_url: "http://f/scim/v2", ids }
}

/// Imports a file in steps of `budget`, a new importer from the cursor each step, checking
/// every row: one outcome each, a failed one changes nothing. The outcomes as text.
fn run(tenant: &mut Tenant, ids: &mut SequentialIds, kind: Kind, data: &[u8], budget: usize) -> Option<Vec<String>> {
    let options = Options::default();
    let before = snapshot(tenant);
    let first = match Importer::new(kind, data, tenant, &options) {
        Ok(importer) => importer,
        Err(e) => {
            assert!((400..500).contains(&e.status), "{e:?}");
            assert_eq!(snapshot(tenant), before, "a refused file writes nothing");
            return None;
        }
    };
    let total = first.total();
    let mut cursor: Option<Cursor> = None;
    let mut outcomes = Vec::new();
    loop {
        let mut importer = match cursor {
            None => Importer::new(kind, data, tenant, &options),
            Some(c) => Importer::resume(kind, data, tenant, &options, c),
        }
        .expect("the file was accepted once");
        assert_eq!(importer.total(), total);
        if importer.is_finished() {
            break;
        }
        let before = snapshot(tenant);
        let step = importer.step(tenant, &mut env(ids), budget);
        assert!(!step.outcomes.is_empty() && step.outcomes.len() <= budget);
        if step.outcomes.iter().all(|o| o.result.is_err()) {
            assert!(step.changes.is_empty());
            assert_eq!(snapshot(tenant), before, "failed rows change nothing");
        }
        for outcome in &step.outcomes {
            assert_eq!(outcome.row, outcomes.len() + 1);
            outcomes.push(format!("{:?}", outcome.result.as_ref().map(|a| a.action).map_err(|e| e.status)));
        }
        cursor = Some(importer.cursor());
    }
    assert_eq!(outcomes.len(), total);
    Some(outcomes)
}

/// A file's header and its sorted rows.
fn rows(data: &[u8]) -> Vec<Vec<String>> {
    let mut records = scimlet::csv::read::Records::new(data, scimlet::csv::read::LIMITS);
    let mut all = Vec::new();
    while let Some((_, record)) = records.next_record() {
        all.push(record.expect("an export is valid").cells().iter().map(|c| c.to_string()).collect::<Vec<_>>());
    }
    if !all.is_empty() {
        all[1..].sort();
    }
    all
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, file)) = data.split_first() else { return };
    let kind = if which % 2 == 0 { Kind::Users } else { Kind::Groups };

    // Row by row, resumed each time, against one pass.
    let mut stepped = tenant(kind);
    let mut ids = SequentialIds::default();
    let Some(one_by_one) = run(&mut stepped, &mut ids, kind, file, 1) else { return };
    let mut whole = tenant(kind);
    let mut ids = SequentialIds::default();
    let at_once = run(&mut whole, &mut ids, kind, file, usize::MAX).expect("accepted");
    assert_eq!(one_by_one, at_once);
    assert_eq!(snapshot(&stepped), snapshot(&whole));

    // Export, import into an empty tenant (twice: a manager may come after the people it
    // manages), export again: the same file.
    let base = "http://f/scim/v2";
    let users = export(Kind::Users, &whole, base).expect("export");
    let groups = export(Kind::Groups, &whole, base).expect("export");
    let mut copy = tenant(Kind::Users);
    let mut ids = SequentialIds { prefix: "c".into(), last: 0 };
    for _ in 0..2 {
        run(&mut copy, &mut ids, Kind::Users, &users, usize::MAX).expect("an export imports");
    }
    assert_eq!(rows(&export(Kind::Users, &copy, base).expect("export")), rows(&users));
    // Member lists are `;`-separated names, trimmed: names with `;` or spaces around cannot
    // travel in them (documented), so groups are compared only without such names.
    let clean = rows(&users).iter().skip(1).all(|r| {
        r.first().is_some_and(|n| !n.contains(';') && n.trim() == n && !n.is_empty())
    });
    if clean {
        run(&mut copy, &mut ids, Kind::Groups, &groups, usize::MAX).expect("an export imports");
        assert_eq!(rows(&export(Kind::Groups, &copy, base).expect("export")), rows(&groups));
    }
});
