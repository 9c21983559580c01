//! The SQLite store against a real SQLite (`rusqlite`, in memory): tables of writes and
//! the answers that must follow, failures injected statement by statement.

use super::*;
use crate::index::specs_for;
use crate::json;
use crate::settings::Settings;
use crate::tenant::resource_types_for;
use alloc::string::ToString;
use alloc::sync::Arc;
use std::sync::Mutex;

/// What a test sees of the statements a store runs, and how it makes one fail.
#[derive(Default)]
struct Probe {
    /// Every statement run, in order.
    log: Mutex<Vec<String>>,
    /// Fail the statement with this index (0 = the next one run), counting down.
    fail_in: Mutex<Option<usize>>,
    /// The message the failing statement reports.
    message: Mutex<String>,
    /// The most rows any one statement returned.
    most_rows: Mutex<usize>,
    /// The row limit the database declares.
    max_row: Mutex<Option<usize>>,
}

impl Probe {
    fn arm(&self, n: usize, message: &str) {
        *self.fail_in.lock().unwrap() = Some(n);
        *self.message.lock().unwrap() = message.to_string();
    }
    fn disarm(&self) {
        *self.fail_in.lock().unwrap() = None;
    }
    fn take_log(&self) -> Vec<String> {
        core::mem::take(&mut *self.log.lock().unwrap())
    }
}

use crate::store::lite;

/// The host's side: the tests' rusqlite adapter, with a [`Probe`] in front.
struct Probed {
    db: lite::Lite,
    probe: Arc<Probe>,
}

impl Sql for Probed {
    fn max_row_bytes(&self) -> Option<usize> {
        *self.probe.max_row.lock().unwrap()
    }

    fn exec(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, SqlError> {
        self.probe.log.lock().unwrap().push(sql.to_string());
        {
            let mut fail_in = self.probe.fail_in.lock().unwrap();
            match *fail_in {
                Some(0) => {
                    *fail_in = None;
                    return Err(SqlError {
                        message: self.probe.message.lock().unwrap().clone(),
                    });
                }
                Some(n) => *fail_in = Some(n - 1),
                None => {}
            }
        }
        let out = self.db.exec(sql, params)?;
        let mut most = self.probe.most_rows.lock().unwrap();
        *most = (*most).max(out.len());
        Ok(out)
    }
}

/// A database, and a way to open stores over it and watch them.
struct Db {
    db: lite::Lite,
    probe: Arc<Probe>,
}

impl Db {
    fn new() -> Db {
        Db {
            db: lite::Lite::in_memory(),
            probe: Arc::new(Probe::default()),
        }
    }

    /// Opens a store with User and Group declared as the default settings say.
    fn open(&self) -> SqlStore {
        let mut store = self.open_bare();
        for ty in ["User", "Group"] {
            store.declare(ty, specs(json!({}), ty)).expect("declare");
        }
        store
    }

    fn open_bare(&self) -> SqlStore {
        SqlStore::open(Box::new(Probed {
            db: self.db.share(),
            probe: Arc::clone(&self.probe),
        }))
        .expect("open")
    }

    /// Everything the tables hold, one line per row.
    fn dump(&self) -> Vec<String> {
        let queries = [
            "SELECT 'r', row, type, id, body FROM res_resources ORDER BY row",
            "SELECT 'k', type, slot, key, id FROM res_keys ORDER BY 2, 3, 4, 5",
            "SELECT 'm', member, group_id, '', '' FROM res_members ORDER BY 2, 3",
            "SELECT 'c', type, n, '', '' FROM res_counts ORDER BY 2",
            "SELECT 's', type, fingerprint, '', '' FROM res_specs ORDER BY 2",
        ];
        let mut lines = Vec::new();
        for query in queries {
            let conn = self.db.connection();
            let mut statement = conn.prepare(query).expect("dump");
            let rows = statement
                .query_map([], |row| {
                    let mut line = String::new();
                    for i in 0..5 {
                        let v: rusqlite::types::Value = row.get(i)?;
                        line.push_str(&format!("{v:?} "));
                    }
                    Ok(line)
                })
                .expect("dump");
            for row in rows {
                lines.push(row.expect("row"));
            }
        }
        lines
    }
}

/// The keyed attributes of a type under some settings.
fn specs(settings: Value, ty: &str) -> Vec<KeySpec> {
    let settings = Settings::from_value(settings).expect("settings");
    let rs = resource_types_for(&settings)
        .expect("types")
        .into_iter()
        .find(|rs| rs.name == ty)
        .expect("served");
    specs_for(&rs)
}

fn slot(store: &SqlStore, ty: &str, name: &str) -> usize {
    store
        .specs(ty)
        .iter()
        .position(|s| s.name() == name)
        .expect("keyed")
}

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn user(id: &str, user_name: &str, external_id: &str, display: &str) -> Arc<Value> {
    Arc::new(json!({
        "id": id,
        "userName": user_name,
        "externalId": external_id,
        "displayName": display,
        ENTERPRISE: {"department": display},
        "meta": {"resourceType": "User"}
    }))
}

fn group(id: &str, name: &str, members: &[&str]) -> Arc<Value> {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    Arc::new(json!({
        "id": id,
        "displayName": name,
        "externalId": id,
        "members": members,
        "meta": {"resourceType": "Group"}
    }))
}

fn ids<'s>(records: impl Iterator<Item = Found<'s>>) -> Vec<String> {
    records.map(|r| r.id().to_string()).collect()
}

fn texts(ids: Vec<Text>) -> Vec<String> {
    ids.into_iter().map(|t| t.to_string()).collect()
}

fn user_name(value: &Option<Arc<Value>>) -> Option<String> {
    value
        .as_ref()
        .and_then(|v| v.get("userName"))
        .and_then(Value::as_str)
        .map(ToString::to_string)
}

enum Op {
    Put(Arc<Value>),
    Remove(&'static str),
}

#[test]
fn put_get_replace_remove() {
    let db = Db::new();
    let mut store = db.open();
    // (write, the userName it replaced or removed (a remove says only whether it did),
    // users stored after)
    let table: Vec<(Op, Option<&str>, usize)> = vec![
        (Op::Put(user("a", "ann", "x1", "Ann")), None, 1),
        (Op::Put(user("b", "bob", "x2", "Bob")), None, 2),
        (Op::Put(user("a", "ann2", "x1", "Ann")), Some("ann"), 2),
        (Op::Remove("b"), Some("bob"), 1),
        (Op::Remove("b"), None, 1),
        (Op::Put(user("b", "bob3", "x2", "Bob")), None, 2),
        (Op::Remove("a"), Some("ann2"), 1),
        (Op::Remove("b"), Some("bob3"), 0),
    ];
    let mut rows: BTreeMap<String, u32> = BTreeMap::new();
    for (i, (op, returned, stored)) in table.into_iter().enumerate() {
        let (id, replaced) = match op {
            Op::Put(value) => {
                let id = value.get("id").and_then(Value::as_str).unwrap().to_string();
                let got = store.put("User", value).expect("put");
                assert_eq!(user_name(&got).as_deref(), returned, "step {i}");
                (id, got.is_some())
            }
            Op::Remove(id) => {
                let gone = store.remove("User", id).expect("remove");
                assert_eq!(gone, returned.is_some(), "step {i}");
                (id.to_string(), false)
            }
        };
        assert_eq!(store.count("User"), stored, "step {i}");
        assert_eq!(store.total(), stored, "step {i}");
        let expected_types: Vec<&str> = if stored > 0 { vec!["User"] } else { vec![] };
        assert_eq!(store.types(), expected_types, "step {i}");
        match store.get("User", &id) {
            Some(record) => {
                // A replace keeps the row; a new resource never takes a live one's row.
                let row = *rows.entry(id.clone()).or_insert(record.row);
                if replaced {
                    assert_eq!(record.row, row, "step {i}: replace keeps the row");
                }
                assert!(record.row >= 1);
            }
            None => {
                rows.remove(&id);
            }
        }
        let live: Vec<u32> = rows.values().copied().collect();
        let mut unique = live.clone();
        unique.dedup();
        assert_eq!(live.len(), unique.len(), "step {i}: rows are distinct");
    }
    assert!(store.get("User", "a").is_none());
    assert!(store.get("Group", "a").is_none());
    assert!(store.take_failure().is_none());
}

#[test]
fn get_reads_back_the_stored_form() {
    let db = Db::new();
    let mut store = db.open();
    let value = Arc::new(json!({
        "id": "u1", "userName": "ünï \"quoted\" \\ line\nbreak",
        "emails": [{"value": "a@b", "primary": true}], "n": 1.5, "big": 12345678901234_i64,
        "meta": {"resourceType": "User"}
    }));
    store.put("User", Arc::clone(&value)).expect("put");
    let record = store.get("User", "u1").expect("stored");
    assert_eq!(*record.value, *value);
    assert_eq!(record.id(), "u1");
}

#[test]
fn scans_cross_batches_from_anywhere() {
    let db = Db::new();
    let mut store = db.open();
    // 2,500 users written out of id order (a stride coprime to 2,500).
    for i in 0..2500u32 {
        let n = (i * 7) % 2500;
        let id = format!("u{n:05}");
        store.put("User", user(&id, &id, &id, &id)).expect("put");
    }
    store.put("Group", group("g1", "G", &[])).expect("put");
    *db.probe.most_rows.lock().unwrap() = 0;
    // (from, inclusive, first id, how many)
    let table: [(Option<&str>, bool, Option<&str>, usize); 9] = [
        (None, false, Some("u00000"), 2500),
        (Some(""), true, Some("u00000"), 2500),
        (Some("u00499"), true, Some("u00499"), 2001),
        (Some("u00499"), false, Some("u00500"), 2000),
        (Some("u00999x"), true, Some("u01000"), 1500),
        (Some("u01000"), false, Some("u01001"), 1499),
        (Some("u02499"), true, Some("u02499"), 1),
        (Some("u02499"), false, None, 0),
        (Some("v"), true, None, 0),
    ];
    for (from, inclusive, first, n) in table {
        let from = from.map(|id| From { id, inclusive });
        let got = ids(store.scan("User", from));
        assert_eq!(got.first().map(String::as_str), first, "{from:?}");
        assert_eq!(got.len(), n, "{from:?}");
        assert!(got.windows(2).all(|w| w[0] < w[1]), "{from:?}: ascending");
        // What follows a place is counted by the index, without reading a body.
        if let Some(from) = from {
            db.probe.take_log();
            assert_eq!(store.count_from("User", from), n, "{from:?}: counted");
            assert!(db.probe.take_log().iter().all(|s| !s.contains("body")));
        }
    }
    assert_eq!(ids(store.scan("Group", None)), ["g1"]);
    assert!(ids(store.scan("Role", None)).is_empty());
    assert!(
        *db.probe.most_rows.lock().unwrap() <= BATCH,
        "a scan reads a batch at a time"
    );
    // Lazily: taking three records reads one batch.
    db.probe.take_log();
    assert_eq!(store.scan("User", None).take(3).count(), 3);
    assert_eq!(db.probe.take_log().len(), 1);
}

#[test]
fn by_key_follows_folded_keys_through_writes() {
    let db = Db::new();
    let mut store = db.open();
    let user_name = slot(&store, "User", "userName");
    let external = slot(&store, "User", "externalId");
    // (writes, then (slot, key, ids) lookups)
    type Lookup = (usize, &'static str, &'static [&'static str]);
    let table: Vec<(Vec<Op>, Vec<Lookup>)> = vec![
        (
            vec![
                Op::Put(user("b", "Alice", "X", "B")),
                Op::Put(user("a", "bob", "X", "A")),
            ],
            vec![
                (user_name, "alice", &["b"]),
                (user_name, "ALICE", &[]),
                (user_name, "Alice", &[]),
                (user_name, "bob", &["a"]),
                (external, "X", &["a", "b"]),
                (external, "x", &[]),
            ],
        ),
        (
            vec![Op::Put(user("b", "STRASSE", "Y", "B"))],
            vec![
                (user_name, "alice", &[]),
                (user_name, "strasse", &["b"]),
                (external, "X", &["a"]),
                (external, "Y", &["b"]),
            ],
        ),
        (
            vec![Op::Put(user("c", "Straße", "Y", "C"))],
            // Full case folding: ß is ss.
            vec![
                (user_name, "strasse", &["b", "c"]),
                (external, "Y", &["b", "c"]),
            ],
        ),
        (
            vec![Op::Remove("b")],
            vec![
                (user_name, "strasse", &["c"]),
                (external, "Y", &["c"]),
                (external, "X", &["a"]),
            ],
        ),
    ];
    for (i, (writes, lookups)) in table.into_iter().enumerate() {
        for write in writes {
            match write {
                Op::Put(value) => drop(store.put("User", value).expect("put")),
                Op::Remove(id) => drop(store.remove("User", id).expect("remove")),
            }
        }
        for (slot, key, expected) in lookups {
            assert_eq!(
                texts(store.by_key("User", slot, key)),
                expected,
                "step {i}: {key}"
            );
        }
    }
    assert!(store.by_key("Group", 0, "X").is_empty());
}

#[test]
fn many_ids_under_one_key_come_back_in_batches() {
    let db = Db::new();
    let mut store = db.open();
    let external = slot(&store, "User", "externalId");
    for i in 0..2100 {
        let id = format!("u{i:05}");
        store.put("User", user(&id, &id, "same", &id)).expect("put");
    }
    let got = texts(store.by_key("User", external, "same"));
    assert_eq!(got.len(), 2100);
    assert!(got.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn groups_of_follows_members() {
    let db = Db::new();
    let mut store = db.open();
    // (type, write, then (member, its groups))
    type Check = (&'static str, &'static [&'static str]);
    let table: Vec<(&str, Op, Vec<Check>)> = vec![
        (
            "Group",
            Op::Put(group("g2", "Two", &["u1", "u2"])),
            vec![("u1", &["g2"]), ("u2", &["g2"]), ("u3", &[])],
        ),
        (
            "Group",
            Op::Put(group("g1", "One", &["u1", "u1", "u3"])),
            vec![("u1", &["g1", "g2"]), ("u3", &["g1"])],
        ),
        (
            "Group",
            Op::Put(group("g2", "Two", &["u2"])),
            vec![("u1", &["g1"]), ("u2", &["g2"])],
        ),
        // Only groups have members (membership.rs names the type `Group`).
        (
            "Role",
            Op::Put(group("r1", "Role", &["u1"])),
            vec![("u1", &["g1"])],
        ),
        (
            "Group",
            Op::Remove("g1"),
            vec![("u1", &[]), ("u3", &[]), ("u2", &["g2"])],
        ),
        ("Role", Op::Remove("r1"), vec![("u2", &["g2"])]),
        ("Group", Op::Put(group("g2", "Two", &[])), vec![("u2", &[])]),
    ];
    for (i, (ty, op, checks)) in table.into_iter().enumerate() {
        match op {
            Op::Put(value) => drop(store.put(ty, value).expect("put")),
            Op::Remove(id) => drop(store.remove(ty, id).expect("remove")),
        }
        for (member, groups) in checks {
            assert_eq!(texts(store.groups_of(member)), groups, "step {i}: {member}");
        }
    }
}

#[test]
fn declare_rebuilds_keys_only_when_the_declaration_changed() {
    let db = Db::new();
    let mut store = db.open();
    for i in 0..1200 {
        let id = format!("g{i:04}");
        let mut value = (*group(&id, &format!("Team {i}"), &[])).clone();
        if let Some(obj) = value.as_object_mut() {
            obj.insert("externalId", Value::from(format!("e{}", i % 3)));
        }
        store.put("Group", Arc::new(value)).expect("put");
    }
    let unique = specs(json!({}), "Group");
    let duplicates = specs(json!({"allowDuplicateGroupNames": true}), "Group");
    assert_ne!(unique, duplicates);
    let name_slot = slot(&store, "Group", "displayName");
    assert_eq!(texts(store.by_key("Group", name_slot, "team 7")), ["g0007"]);
    let rebuilt = |log: &[String]| log.iter().any(|s| s.starts_with("INSERT INTO res_declare"));
    // (declaration, whether it rebuilds, externalId's slot after)
    let table: [(&Vec<KeySpec>, bool, usize); 4] = [
        (&unique, false, 0),
        (&duplicates, true, 0),
        (&duplicates, false, 0),
        (&unique, true, 0),
    ];
    for (i, (specs, rebuilds, external)) in table.into_iter().enumerate() {
        db.probe.take_log();
        store.declare("Group", specs.clone()).expect("declare");
        assert_eq!(rebuilt(&db.probe.take_log()), rebuilds, "step {i}");
        assert_eq!(store.specs("Group"), specs.as_slice());
        let external = store
            .specs("Group")
            .iter()
            .position(|s| s.name() == "externalId")
            .unwrap_or(external);
        let e1 = texts(store.by_key("Group", external, "e1"));
        assert_eq!(e1.len(), 400, "step {i}");
        let names = store
            .specs("Group")
            .iter()
            .position(|s| s.name() == "displayName");
        match names {
            Some(slot) => assert_eq!(texts(store.by_key("Group", slot, "team 7")), ["g0007"]),
            None => {
                // No displayName keys are left behind under any slot.
                for slot in 0..3 {
                    assert!(store.by_key("Group", slot, "team 7").is_empty(), "step {i}");
                }
            }
        }
    }
    // Reopened with the same declaration: only the stored fingerprint is read.
    drop(store);
    let mut store = db.open_bare();
    db.probe.take_log();
    store.declare("Group", unique.clone()).expect("declare");
    assert_eq!(db.probe.take_log(), [FINGERPRINT]);
    store.declare("Group", unique.clone()).expect("declare");
    assert!(
        db.probe.take_log().is_empty(),
        "in force already: no statement"
    );
    let staged: i64 = db
        .db
        .connection()
        .query_row("SELECT count(*) FROM res_staged_keys", [], |r| r.get(0))
        .expect("count");
    assert_eq!(staged, 0, "nothing left staged");
}

fn display_path() -> ColumnPath {
    ColumnPath {
        ext: None,
        name: "displayName".into(),
        sub: None,
        case_exact: false,
    }
}

fn department_path() -> ColumnPath {
    ColumnPath {
        ext: Some(ENTERPRISE.into()),
        name: "department".into(),
        sub: None,
        case_exact: false,
    }
}

/// What `matching` must narrow to: the ids whose text satisfies `op needle`, by a scan.
fn brute(store: &SqlStore, path: &ColumnPath, op: CompareOp, needle: &str) -> Vec<String> {
    let needle = crate::fold::fold(needle).into_owned();
    store
        .scan("User", None)
        .filter(|r| {
            path.text(&r.record().value).is_some_and(|t| {
                let t = crate::fold::fold(t);
                match op {
                    CompareOp::Eq => *t == *needle,
                    CompareOp::Sw => t.starts_with(&needle),
                    CompareOp::Ew => t.ends_with(&needle),
                    _ => t.contains(&needle),
                }
            })
        })
        .map(|r| r.id().to_string())
        .collect()
}

/// The matches of `path op needle` after `from` (all of them without), as `matching`
/// answers them and counts them (when it does), against a brute-force scan.
fn check_matching(
    store: &SqlStore,
    (path, op, needle): (&ColumnPath, CompareOp, &str),
    all: &[String],
    from: Option<From<'_>>,
    what: &str,
) {
    let mut expected = all.to_vec();
    if let Some(from) = from {
        expected.retain(|id| id.as_str() > from.id || (from.inclusive && id == from.id));
    }
    let matches = store
        .matching("User", path, op, needle, from)
        .expect("column");
    let counted = matches.count;
    assert_eq!(ids(matches.records), expected, "{what}");
    if let Some(n) = counted {
        assert_eq!(n, expected.len(), "{what}: count");
    }
}

#[test]
fn matching_and_columns_stay_exact_through_writes() {
    // Ids stored shuffled (rows out of id order), then in order: rows in id order until
    // a removed id is stored again below the largest (then out of order).
    for stride in [11, 1] {
        matching_and_columns_stay_exact(stride);
    }
}

fn matching_and_columns_stay_exact(stride: usize) {
    let db = Db::new();
    let mut store = db.open();
    let names = ["Ann Smith", "anna", "Bob", "Åsa", "Hannah", "Joanne"];
    for i in 0..2600 {
        let id = format!("u{:05}", (i * stride) % 2600);
        let name = format!("{} {i}", names[i % names.len()]);
        store.put("User", user(&id, &id, &id, &name)).expect("put");
    }
    // A user without the attribute at all, and a group (another type).
    store
        .put(
            "User",
            Arc::new(json!({"id": "u99999", "userName": "nobody"})),
        )
        .expect("put");
    store
        .put("Group", group("g", "Ann's group", &[]))
        .expect("put");
    // (writes before the checks)
    let steps: Vec<Vec<Op>> = vec![
        vec![],
        vec![
            Op::Put(user("u00003", "u00003", "e", "Bob")),
            Op::Put(user("zz-new", "zz-new", "e", "ANNE-MARIE")),
            Op::Remove("u00010"),
        ],
        vec![
            Op::Remove("u00000"),
            Op::Put(user("u00000", "u00000", "e", "åSA ann")),
        ],
    ];
    let queries: [(CompareOp, &str); 6] = [
        (CompareOp::Co, "ann"),
        (CompareOp::Sw, "ÅSA"),
        (CompareOp::Ew, "7"),
        (CompareOp::Eq, "bob"),
        (CompareOp::Co, "nobody at all"),
        (CompareOp::Co, ""),
    ];
    for (i, writes) in steps.into_iter().enumerate() {
        for write in writes {
            match write {
                Op::Put(value) => drop(store.put("User", value).expect("put")),
                Op::Remove(id) => drop(store.remove("User", id).expect("remove")),
            }
        }
        for path in [display_path(), department_path()] {
            let every = ids(store.scan("User", None));
            for (op, needle) in queries {
                let all = brute(&store, &path, op, needle);
                for (from, inclusive) in [
                    ("", true),
                    ("u00000", true),
                    ("u00003", false),
                    ("u01234", false),
                    ("u01234x", true),
                    ("u02599", true),
                    ("zz", false),
                ] {
                    let what = format!("stride {stride}, step {i}: {op:?} {needle} from {from}");
                    let from = (!from.is_empty()).then_some(From {
                        id: from,
                        inclusive,
                    });
                    check_matching(&store, (&path, op, needle), &all, from, &what);
                    if let Some(from) = from {
                        let mut left = every.clone();
                        left.retain(|id| id.as_str() > from.id || (inclusive && id == from.id));
                        assert_eq!(store.count_from("User", from), left.len(), "{what}");
                    }
                }
            }
            // The column holds each row's folded text, as the stored form has it now.
            let mut seen = 0;
            assert!(store.with_column("User", &path, &mut |column| {
                for id in ["u00003", "u00004", "zz-new", "u99999"] {
                    let Some(record) = store_get(&db, id) else {
                        continue;
                    };
                    let expected = path
                        .text(&record.1)
                        .map(|t| crate::fold::fold(t).into_owned());
                    assert_eq!(
                        column.get(record.0).map(ToString::to_string),
                        expected,
                        "{id}"
                    );
                    seen += 1;
                }
            }));
            assert!(seen >= 3);
        }
    }
    assert!(store.take_failure().is_none());
    assert!(*db.probe.most_rows.lock().unwrap() <= ORDER_BATCH);
}

/// A user's row and stored form, read from the database directly (not through the store,
/// whose column cache is borrowed meanwhile).
fn store_get(db: &Db, id: &str) -> Option<(u32, Value)> {
    db.db
        .connection()
        .query_row(
            "SELECT row, body FROM res_resources WHERE type = 'User' AND id = ?1",
            [id],
            |r| Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?)),
        )
        .ok()
        .map(|(row, body)| (row, crate::value::from_str(&body).expect("json")))
}

#[test]
fn rows_in_id_order_are_learned_on_open_and_counted_by_popcount() {
    // (ids in the order stored, whether rows stay in id order)
    type IdOf = fn(usize) -> String;
    let table: [(IdOf, bool); 2] = [
        (|i| format!("u{i:04}"), true),
        (|i| format!("u{:04}", (i * 7) % 1500), false),
    ];
    for (id_of, ordered) in table {
        let db = Db::new();
        let mut store = db.open();
        for i in 0..1500 {
            let id = id_of(i);
            store.put("User", user(&id, &id, &id, "Ann")).expect("put");
        }
        store.remove("User", "u0700").expect("remove");
        // Opened again: the order is learned from the row numbers, then used.
        let store = db.open();
        db.probe.take_log();
        for (from, inclusive, left) in [
            ("u0000", true, 1499),
            ("u0699", false, 799),
            ("u0700", true, 799),
            ("u1499", false, 0),
            ("a", false, 1499),
            ("v", true, 0),
        ] {
            let from = From {
                id: from,
                inclusive,
            };
            assert_eq!(store.count_from("User", from), left, "{ordered} {from:?}");
            let matches = store
                .matching("User", &display_path(), CompareOp::Eq, "ann", Some(from))
                .expect("column");
            assert_eq!(matches.count, ordered.then_some(left), "{from:?}");
            assert_eq!(matches.records.count(), left, "{ordered} {from:?}");
        }
        let log = db.probe.take_log();
        let learned = log.iter().filter(|s| *s == ROWS_AFTER).count();
        let counted = log
            .iter()
            .filter(|s| [COUNT_FROM, COUNT_AFTER].contains(&s.as_str()))
            .count();
        // Learned once (1499 rows: one statement) and the column built once; an index
        // count only when the rows are out of order.
        assert_eq!(learned, 1, "{ordered}");
        assert_eq!(counted > 0, !ordered, "{ordered}");
        assert!(store.take_failure().is_none());
    }
}

#[test]
fn columns_live_within_the_budget() {
    let db = Db::new();
    let mut store = db.open();
    for i in 0..300 {
        let id = format!("u{i:04}");
        store
            .put("User", user(&id, &id, &id, &format!("Name {i}")))
            .expect("put");
    }
    let bytes = |store: &SqlStore, path: &ColumnPath| {
        let mut n = 0;
        assert!(store.with_column("User", path, &mut |c| n = c.bytes()));
        n
    };
    let one = bytes(&store, &display_path());
    // Room for one column: the other pushes it out, and using it again rebuilds it.
    let mut store = db.open().with_column_budget(one + one / 2);
    let builds = |log: Vec<String>| {
        log.iter()
            .filter(|s| [TEXT_AFTER, TEXT_PACKED].contains(&s.as_str()))
            .count()
    };
    db.probe.take_log();
    assert!(store
        .matching("User", &display_path(), CompareOp::Co, "1", None)
        .map(|m| m.records)
        .is_some());
    assert_eq!(builds(db.probe.take_log()), 1);
    assert!(store
        .matching("User", &display_path(), CompareOp::Co, "2", None)
        .map(|m| m.records)
        .is_some());
    assert_eq!(builds(db.probe.take_log()), 0, "cached");
    assert!(store
        .matching("User", &department_path(), CompareOp::Co, "2", None)
        .map(|m| m.records)
        .is_some());
    assert_eq!(builds(db.probe.take_log()), 1);
    assert!(store
        .matching("User", &display_path(), CompareOp::Co, "2", None)
        .map(|m| m.records)
        .is_some());
    assert_eq!(builds(db.probe.take_log()), 1, "evicted, rebuilt");
    // Writes keep the cached column exact.
    store
        .put("User", user("u0001", "u0001", "e", "Zed"))
        .expect("put");
    let got = ids(store
        .matching("User", &display_path(), CompareOp::Eq, "zed", None)
        .map(|m| m.records)
        .expect("column"));
    assert_eq!(got, ["u0001"]);
    // A budget no column fits: no column, the engine scans.
    let store = db.open().with_column_budget(16);
    assert!(store
        .matching("User", &display_path(), CompareOp::Co, "1", None)
        .map(|m| m.records)
        .is_none());
    assert!(!store.with_column("User", &display_path(), &mut |_| panic!("no column")));
    assert!(store.take_failure().is_none());
}

/// Runs `op` with the Nth statement failing, for every N until it succeeds untouched,
/// checking each failure left the database and the store's answers as they were.
fn fails_cleanly(
    what: &str,
    db: &Db,
    store: &mut SqlStore,
    op: &dyn Fn(&mut SqlStore) -> Result<()>,
) -> usize {
    let answers = |store: &SqlStore| {
        (
            store.types(),
            store.count("User"),
            store.count("Group"),
            ids(store.scan("User", None)),
            ids(store.scan("Group", None)),
            texts(store.by_key("User", 1, "alice")),
            texts(store.by_key("Group", 1, "team")),
            texts(store.groups_of("u1")),
            ids(store
                .matching("User", &display_path(), CompareOp::Co, "a", None)
                .map(|m| m.records)
                .expect("column")),
        )
    };
    let mut n = 0;
    loop {
        let before = (db.dump(), answers(store));
        db.probe.arm(n, "disk I/O error");
        let result = op(store);
        let fired = db.probe.fail_in.lock().unwrap().is_none();
        db.probe.disarm();
        if !fired {
            result.expect("no failure injected");
            return n;
        }
        let error = result.expect_err("the failing statement is reported");
        assert_eq!(error.status, 500, "{what}: statement {n}");
        assert!(error.detail.contains("disk I/O error"), "{what}");
        let after = (db.dump(), answers(store));
        assert!(
            after == before,
            "{what}: statement {n} failed and left a change"
        );
        assert!(
            store.take_failure().is_none(),
            "{what}: a write reports its own failure"
        );
        n += 1;
    }
}

#[test]
fn a_failed_write_changes_nothing() {
    // (write, the fewest statements it runs)
    type Write = Box<dyn Fn(&mut SqlStore) -> Result<()>>;
    let table: Vec<(&str, Write, usize)> = vec![
        (
            // Above every stored id: nothing to read first, the write alone.
            "new user",
            Box::new(|s| s.put("User", user("u2", "Bob", "e2", "Abe")).map(drop)),
            1,
        ),
        (
            // Below the largest id: read what it might replace, then write.
            "new user below",
            Box::new(|s| s.put("User", user("u0", "Bo", "e0", "Abe")).map(drop)),
            2,
        ),
        (
            "replace user",
            Box::new(|s| s.put("User", user("u1", "Al", "e1", "Al")).map(drop)),
            2,
        ),
        (
            "replace group",
            Box::new(|s| s.put("Group", group("g1", "O", &["u3"])).map(drop)),
            2,
        ),
        (
            // One statement: the row goes and names its row (`RETURNING`).
            "remove group",
            Box::new(|s| s.remove("Group", "g1").map(drop)),
            1,
        ),
        (
            "remove user",
            Box::new(|s| s.remove("User", "u1").map(drop)),
            1,
        ),
        (
            "declare",
            Box::new(|s| {
                s.declare(
                    "Group",
                    specs(json!({"allowDuplicateGroupNames": true}), "Group"),
                )
            }),
            // read the fingerprint, unstage, two pages of bodies and two of keys, swap
            7,
        ),
    ];
    for (what, write, statements) in table {
        // Each write from the same state: 601 groups (two pages), a cached column.
        let db = Db::new();
        let mut store = db.open();
        store
            .put("User", user("u1", "Alice", "e1", "Ann"))
            .expect("put");
        store
            .put("Group", group("g1", "Team", &["u1", "u2"]))
            .expect("put");
        for i in 0..600 {
            let id = format!("g{i:03}x");
            store.put("Group", group(&id, &id, &["u1"])).expect("put");
        }
        assert!(store
            .matching("User", &display_path(), CompareOp::Co, "a", None)
            .map(|m| m.records)
            .is_some());
        let ran = fails_cleanly(what, &db, &mut store, write.as_ref());
        assert!(ran >= statements, "{what}: {ran} statements");
    }
}

#[test]
fn a_statement_failing_inside_the_write_backs_out_all_of_it() {
    let db = Db::new();
    let mut store = db.open();
    store
        .put("User", user("u1", "Alice", "e1", "Ann"))
        .expect("put");
    store
        .put("Group", group("g1", "Team", &["u1", "u2"]))
        .expect("put");
    // The last statement of the trigger fails, after the others ran.
    db.db
        .connection()
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON res_members WHEN NEW.member = 'boom'
             BEGIN SELECT RAISE(ABORT, 'boom refused'); END",
        )
        .expect("trigger");
    let before = db.dump();
    let error = store
        .put("Group", group("g1", "Renamed", &["u3", "boom"]))
        .expect_err("refused");
    assert_eq!(error.status, 500);
    assert!(error.detail.contains("boom refused"), "{}", error.detail);
    assert_eq!(db.dump(), before);
    assert_eq!(texts(store.groups_of("u1")), ["g1"]);
    let name = slot(&store, "Group", "displayName");
    assert_eq!(texts(store.by_key("Group", name, "team")), ["g1"]);
    assert!(store.by_key("Group", name, "renamed").is_empty());
    // A new group refused the same way leaves no row and no count behind.
    store
        .put("Group", group("g2", "Two", &["boom"]))
        .expect_err("refused");
    assert_eq!(db.dump(), before);
    assert_eq!(store.count("Group"), 1);
    // And the store goes on.
    store
        .put("Group", group("g2", "Two", &["u1"]))
        .expect("put");
    assert_eq!(texts(store.groups_of("u1")), ["g1", "g2"]);
}

#[test]
fn too_big_is_413_and_read_failures_are_remembered() {
    let db = Db::new();
    let mut store = db.open();
    for i in 0..1200 {
        let id = format!("u{i:04}");
        store.put("User", user(&id, &id, &id, &id)).expect("put");
    }
    // (the database's message, status)
    let table = [
        ("string or blob too big", 413),
        ("SQLITE_TOOBIG: value too large", 413),
        ("database or disk is full", 500),
    ];
    for (message, status) in table {
        // The write statement is the second (after reading what it replaces).
        db.probe.arm(1, message);
        let error = store
            .put("User", user("n", "n", "n", "n"))
            .expect_err(message);
        assert_eq!((error.status, error.scim_type), (status, None), "{message}");
    }
    db.probe.disarm();
    // A scan whose second batch fails ends early; the failure is reported once.
    db.probe.arm(1, "disk I/O error");
    assert_eq!(store.scan("User", None).count(), FIRST_BATCH);
    let failure = store.take_failure().expect("remembered");
    assert_eq!(failure.status, 500);
    assert!(failure.detail.contains("disk I/O error"));
    assert!(store.take_failure().is_none());
    // Every read reports the same way.
    db.probe.arm(0, "gone");
    assert!(store.get("User", "u0001").is_none());
    assert!(store.take_failure().is_some());
    db.probe.arm(0, "gone");
    assert!(store.by_key("User", 0, "u0001").is_empty());
    assert!(store.take_failure().is_some());
    db.probe.arm(0, "gone");
    assert!(store.groups_of("u0001").is_empty());
    assert!(store.take_failure().is_some());
    db.probe.arm(2, "gone");
    let got = store
        .matching("User", &display_path(), CompareOp::Co, "u", None)
        .map(|m| m.records)
        .map(|records| records.count());
    assert!(got.is_none_or(|n| n < 1200));
    assert!(store.take_failure().is_some());
    db.probe.disarm();
    assert_eq!(
        store
            .matching("User", &display_path(), CompareOp::Co, "u", None)
            .map(|m| m.records)
            .map(|r| r.count()),
        Some(1200)
    );
    assert!(store.take_failure().is_none());
}

#[test]
fn open_sees_what_was_stored_without_reading_it() {
    let db = Db::new();
    let mut store = db.open();
    for i in 0..1500 {
        let id = format!("u{i:04}");
        store
            .put("User", user(&id, &format!("User{i}"), &id, &id))
            .expect("put");
    }
    store
        .put("Group", group("g1", "Team", &["u0001"]))
        .expect("put");
    store.remove("User", "u0000").expect("remove");
    let last_row = store.get("Group", "g1").expect("stored").row;
    drop(store);
    db.probe.take_log();
    let mut store = db.open_bare();
    let log = db.probe.take_log();
    assert!(
        log.iter()
            .filter(|s| s.starts_with("SELECT"))
            .all(|s| !s.contains("body")),
        "no body is read on open: {log:?}"
    );
    assert_eq!(log.len(), SCHEMA.len() + 2);
    assert_eq!(store.count("User"), 1499);
    assert_eq!(store.count("Group"), 1);
    assert_eq!(store.total(), 1500);
    assert_eq!(store.types(), ["Group", "User"]);
    assert_eq!(
        store
            .get("User", "u0007")
            .and_then(|r| r.value.get("userName").cloned()),
        Some(Value::from("User7"))
    );
    assert_eq!(texts(store.groups_of("u0001")), ["g1"]);
    store
        .declare("User", specs(json!({}), "User"))
        .expect("declare");
    let name = slot(&store, "User", "userName");
    assert_eq!(texts(store.by_key("User", name, "user42")), ["u0042"]);
    // A new resource gets a row no live resource holds.
    store
        .put("User", user("new", "new", "new", "new"))
        .expect("put");
    assert!(store.get("User", "new").expect("stored").row > last_row);
    // Opening twice is idempotent.
    drop(store);
    let store = db.open_bare();
    assert_eq!(store.total(), 1501);
}

/// A store reopened over its database resumes versions past every one stored, read from
/// one row: no body is read, however many there are.
#[test]
fn the_largest_version_survives_a_reopen() {
    let db = Db::new();
    let mut store = db.open();
    assert_eq!(store.max_version(), 0);
    // (resource, then the largest version the store knows)
    let versioned = |id: &str, version: &str| {
        let mut value = Value::clone(&user(id, id, id, id));
        value["meta"]["version"] = Value::from(version);
        Arc::new(value)
    };
    let table = [
        (versioned("u1", "W/\"3\""), 3),
        (versioned("u2", "W/\"9\""), 9),
        // A replace with an older version (an import) never lowers it.
        (versioned("u1", "W/\"4\""), 9),
        (versioned("u3", "W/\"12\""), 12),
    ];
    for (value, expected) in table {
        store.put("User", value).expect("put");
        assert_eq!(store.max_version(), expected);
    }
    store.remove("User", "u3").expect("remove");
    db.probe.take_log();
    let reopened = db.open_bare();
    assert_eq!(reopened.max_version(), 12);
    assert!(
        db.probe
            .take_log()
            .iter()
            .all(|s| !(s.starts_with("SELECT") && s.contains("body"))),
        "no body read to find the version"
    );
}

/// A database that declares a row limit has resources over it refused with 413 before any
/// statement runs; the store is left as it was.
#[test]
fn a_resource_over_the_row_limit_is_413_and_nothing_is_written() {
    let db = Db::new();
    let mut store = db.open();
    store
        .put("User", user("u1", "small", "e1", "Small"))
        .expect("put");
    let small = json(&user("u1", "small", "e1", "Small"))
        .expect("json")
        .len();
    *db.probe.max_row.lock().unwrap() = Some(small + 10);
    db.probe.take_log();
    let big = user("u2", "big", "e2", &"x".repeat(small));
    let error = store.put("User", big).expect_err("over the limit");
    assert_eq!((error.status, error.scim_type), (413, None));
    assert!(
        error.detail.contains("too large to store"),
        "{}",
        error.detail
    );
    assert!(db.probe.take_log().iter().all(|s| !s.starts_with("INSERT")));
    assert_eq!(store.count("User"), 1);
    assert!(store.get("User", "u2").is_none());
}
