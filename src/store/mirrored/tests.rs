//! The mirror: loaded at open only for a small server, dropped once the server outgrows
//! it, and never the truth (SQLite is).

use super::*;
use crate::json;
use crate::store::SqlStore;
use alloc::string::String;

use crate::store::lite;

fn user(id: &str) -> Arc<Value> {
    Arc::new(json!({"id": id, "userName": id, "meta": {"resourceType": "User"}}))
}

fn sql_over(db: &lite::Lite) -> Box<dyn Store> {
    Box::new(SqlStore::open(Box::new(db.share())).expect("open"))
}

fn ids(store: &dyn Store) -> Vec<String> {
    store.scan("User", None).map(|f| f.id().into()).collect()
}

#[test]
fn a_small_server_is_read_from_memory_and_a_big_one_from_sqlite() {
    let db = lite::Lite::in_memory();
    let mut store = Mirrored::open(sql_over(&db), 3).expect("open");
    // (write, then: mirror held, the ids a scan sees)
    let table: [(&str, bool, &[&str]); 5] = [
        ("put u1", true, &["u1"]),
        ("put u2", true, &["u1", "u2"]),
        ("put u3", true, &["u1", "u2", "u3"]),
        // Past the limit: the mirror goes, SQLite answers with everything.
        ("put u4", false, &["u1", "u2", "u3", "u4"]),
        ("remove u1", false, &["u2", "u3", "u4"]),
    ];
    for (write, held, expected) in table {
        match write.split_once(' ') {
            Some(("put", id)) => drop(store.put("User", user(id)).expect("put")),
            Some(("remove", id)) => drop(store.remove("User", id).expect("remove")),
            _ => unreachable!(),
        }
        assert_eq!(store.mirror.is_some(), held, "after {write}");
        assert_eq!(ids(&store), expected, "after {write}");
        assert_eq!(store.count("User"), expected.len(), "after {write}");
    }
    // Opened again over the same database: small enough now for a mirror of 3, which holds
    // what SQLite holds; too big for a mirror of 2.
    let reopened = Mirrored::open(sql_over(&db), 3).expect("reopen");
    assert!(reopened.mirror.is_some());
    assert_eq!(ids(&reopened), ["u2", "u3", "u4"]);
    let reopened = Mirrored::open(sql_over(&db), 2).expect("reopen");
    assert!(reopened.mirror.is_none());
    assert_eq!(ids(&reopened), ["u2", "u3", "u4"]);
}
