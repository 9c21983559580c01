//! The store over SQLite: resources as rows, SQLite indexes for what the engine looks up
//! exactly. The host lends the database through [`Sql`] (a Durable Object's SQL storage at
//! the edge; `rusqlite` in tests), so the statements, the tables and their indexes are
//! written once, here.
//!
//! Tables (all `res_`-prefixed, clear of the host's own): `res_resources` (row, type, id,
//! body: the stored form's JSON), unique on (type, id); `res_keys` (type, slot, key, id),
//! each declared [`KeySpec`]'s key of each resource, slot = its position in the
//! declaration; `res_members` (member, group_id), from `membership::member_ids` of each
//! `Group`; `res_counts` per type; `res_specs`, each type's declaration fingerprint, so a
//! declaration equal to the stored one rebuilds nothing.
//!
//! Reads never hold more than a batch: scans are keyset pages in id order (`id > last`),
//! read as the iterator is drained; `matching` walks `(row, id)` pairs from the id index
//! (no bodies), keeps the rows a text column's bitmap selects and fetches just their
//! bodies by row. Text columns are built by SQLite's `json_extract` (no body crosses into
//! wasm) and cached within [`COLUMN_BUDGET_BYTES`], least recently used out first.

#![allow(dead_code)] // until the tenant reads through the `Store` seam

use super::{Found, From, Matches, Record, Records, Store};
use crate::column::{Bitmap, Column, ColumnPath};
use crate::error::{Result, ScimError};
use crate::filter::CompareOp;
use crate::index::KeySpec;
use crate::membership::{member_ids, GROUP};
use crate::value::{Text, Value};
use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

/// One SQL value, as a parameter or in a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// SQL `NULL`.
    Null,
    /// An integer.
    Integer(i64),
    /// Text.
    Text(Text),
}

/// Why the database refused a statement (its own message, e.g. `SQLITE_TOOBIG`).
#[derive(Debug, Clone, PartialEq)]
pub struct SqlError {
    /// The database's message.
    pub message: String,
}

/// A SQLite database the host lends to a [`SqlStore`], synchronously. `Send` so a tenant
/// can move between threads in-process hosts (a wasm host is single-threaded).
pub trait Sql: Send {
    /// Runs one statement with positional parameters (`?1`, `?2`, ...) and returns every
    /// row it yields, each column as a [`SqlValue`]. The store bounds what one statement
    /// returns (`LIMIT`), so the rows fit in memory.
    fn exec(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, SqlError>;

    /// The largest row the database stores, in bytes, when it has a limit below SQLite's
    /// own (a Durable Object's is 2 MB): a resource whose JSON is larger is refused with
    /// 413 before any statement runs, in the same words whatever the database says.
    fn max_row_bytes(&self) -> Option<usize> {
        None
    }
}

/// Rows a scan (or a key rebuild) reads per statement, bodies included.
const BATCH: usize = 500;

/// `(row, id)` pairs, or `(row, text)` for a column, read per statement: no bodies.
const WALK_BATCH: usize = 1000;

/// What the text columns a [`SqlStore`] caches may hold together, in bytes. A column that
/// alone is larger is not kept: queries on it scan instead.
pub const COLUMN_BUDGET_BYTES: usize = 32 << 20;

/// The last row number handed out (`u32::MAX` marks "no value" in a column's spans).
const LAST_ROW: u64 = u32::MAX as u64 - 1;

/// The tables, their indexes and the triggers that make each write one statement,
/// created if missing. Names start with `res_`, clear of the host's own tables.
///
/// Why triggers: a put writes the row, its keys and its memberships, and a Durable Object
/// refuses `SAVEPOINT` and `BEGIN` (workerd's `SqlStorageRegulator::allowTransactions`:
/// "please use the state.storage.transaction() or state.storage.transactionSync() APIs").
/// So a put is one `INSERT` into the view `res_put` whose `INSTEAD OF` trigger does every
/// write; SQLite backs out a failing statement whole, triggers included, so a failed put or
/// remove leaves nothing behind. Keys and members are computed here, in Rust (the one
/// `fold`, `member_ids`), and passed as JSON arrays the trigger expands with `json_each`.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS res_resources (row INTEGER PRIMARY KEY, type TEXT NOT NULL, \
     id TEXT NOT NULL, body TEXT NOT NULL)",
    // Covers `row` too: the rowid is in every index entry.
    "CREATE UNIQUE INDEX IF NOT EXISTS res_resources_by_id ON res_resources (type, id)",
    "CREATE TABLE IF NOT EXISTS res_keys (type TEXT NOT NULL, slot INTEGER NOT NULL, \
     key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (type, slot, key, id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS res_keys_by_id ON res_keys (type, id)",
    "CREATE TABLE IF NOT EXISTS res_members (member TEXT NOT NULL, group_id TEXT NOT NULL, \
     PRIMARY KEY (member, group_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS res_members_by_group ON res_members (group_id, member)",
    "CREATE TABLE IF NOT EXISTS res_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL) \
     WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS res_specs (type TEXT PRIMARY KEY, fingerprint TEXT NOT NULL) \
     WITHOUT ROWID",
    // The largest version number ever stored, so a tenant opened over this database hands
    // out versions past it without reading a body.
    "CREATE TABLE IF NOT EXISTS res_versions (one INTEGER PRIMARY KEY CHECK (one = 1), \
     n INTEGER NOT NULL)",
    // A key rebuild's new keys, swapped in by one statement (`res_declare`).
    "CREATE TABLE IF NOT EXISTS res_staged_keys (type TEXT NOT NULL, slot INTEGER NOT NULL, \
     key TEXT NOT NULL, id TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS res_resources_added AFTER INSERT ON res_resources BEGIN
       INSERT OR IGNORE INTO res_counts (type, n) VALUES (NEW.type, 0);
       UPDATE res_counts SET n = n + 1 WHERE type = NEW.type;
     END",
    "CREATE TRIGGER IF NOT EXISTS res_resources_removed AFTER DELETE ON res_resources BEGIN
       UPDATE res_counts SET n = n - 1 WHERE type = OLD.type;
       DELETE FROM res_keys WHERE type = OLD.type AND id = OLD.id;
       DELETE FROM res_members WHERE OLD.type = 'Group' AND group_id = OLD.id;
     END",
    // Views and their triggers are made anew at each open (cheap), so a change to them
    // reaches databases made before it.
    "DROP VIEW IF EXISTS res_put",
    "CREATE VIEW res_put (type, id, row, body, keys, members, members_gone, replaced, \
     version) AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0",
    // `members` are the group's members the write adds, `members_gone` those it drops: a
    // group of thousands that loses one member (a user's delete cascade) changes one row.
    "CREATE TRIGGER res_put_apply INSTEAD OF INSERT ON res_put BEGIN
       DELETE FROM res_keys WHERE type = NEW.type AND id = NEW.id;
       DELETE FROM res_members WHERE NEW.type = 'Group' AND group_id = NEW.id
         AND member IN (SELECT value FROM json_each(NEW.members_gone));
       UPDATE res_resources SET body = NEW.body WHERE NEW.replaced AND row = NEW.row;
       INSERT INTO res_resources (row, type, id, body)
         SELECT NEW.row, NEW.type, NEW.id, NEW.body WHERE NOT NEW.replaced;
       INSERT INTO res_keys (type, slot, key, id)
         SELECT NEW.type, json_extract(value, '$[0]'), json_extract(value, '$[1]'), NEW.id
         FROM json_each(NEW.keys);
       INSERT OR IGNORE INTO res_members (member, group_id)
         SELECT value, NEW.id FROM json_each(NEW.members);
       INSERT INTO res_versions (one, n) VALUES (1, NEW.version)
         ON CONFLICT (one) DO UPDATE SET n = max(n, excluded.n);
     END",
    "DROP VIEW IF EXISTS res_declare",
    "CREATE VIEW res_declare (type, fingerprint) AS SELECT NULL, NULL WHERE 0",
    "CREATE TRIGGER res_declare_apply INSTEAD OF INSERT ON res_declare BEGIN
       DELETE FROM res_keys WHERE type = NEW.type;
       INSERT OR IGNORE INTO res_keys (type, slot, key, id)
         SELECT type, slot, key, id FROM res_staged_keys WHERE type = NEW.type;
       DELETE FROM res_staged_keys WHERE type = NEW.type;
       INSERT OR REPLACE INTO res_specs (type, fingerprint) VALUES (NEW.type, NEW.fingerprint);
     END",
];

/// What [`SqlStore::wipe`] drops: every object `SCHEMA` makes (triggers go with their
/// table or view).
const WIPE: &[&str] = &[
    "DROP VIEW IF EXISTS res_put",
    "DROP VIEW IF EXISTS res_declare",
    "DROP TABLE IF EXISTS res_resources",
    "DROP TABLE IF EXISTS res_keys",
    "DROP TABLE IF EXISTS res_members",
    "DROP TABLE IF EXISTS res_counts",
    "DROP TABLE IF EXISTS res_specs",
    "DROP TABLE IF EXISTS res_staged_keys",
    "DROP TABLE IF EXISTS res_versions",
];

const COUNTS: &str = "SELECT type, n FROM res_counts WHERE n > 0";
const COUNT_FROM: &str = "SELECT count(*) FROM res_resources WHERE type = ?1 AND id >= ?2";
const COUNT_AFTER: &str = "SELECT count(*) FROM res_resources WHERE type = ?1 AND id > ?2";
const MAX_ROW: &str = "SELECT max(row) FROM res_resources";
const GET: &str = "SELECT row, body FROM res_resources WHERE type = ?1 AND id = ?2";
const SCAN_FROM: &str = "SELECT row, id, body FROM res_resources \
     WHERE type = ?1 AND id >= ?2 ORDER BY id LIMIT ?3";
const SCAN_AFTER: &str = "SELECT row, id, body FROM res_resources \
     WHERE type = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
const WALK_FROM: &str = "SELECT row, id FROM res_resources \
     WHERE type = ?1 AND id >= ?2 ORDER BY id LIMIT ?3";
const WALK_AFTER: &str = "SELECT row, id FROM res_resources \
     WHERE type = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
const FIRST_FROM: &str =
    "SELECT row FROM res_resources WHERE type = ?1 AND id >= ?2 ORDER BY id LIMIT 1";
const FIRST_AFTER: &str =
    "SELECT row FROM res_resources WHERE type = ?1 AND id > ?2 ORDER BY id LIMIT 1";
const MAX_ID: &str = "SELECT max(id) FROM res_resources WHERE type = ?1";
// Rows in id order after the id of row ?2 (none: from the first): integers only cross.
const ROWS_AFTER: &str = "SELECT row FROM res_resources WHERE type = ?1 \
     AND id > coalesce((SELECT id FROM res_resources WHERE row = ?2), '') ORDER BY id LIMIT ?3";
const BODIES: &str =
    "SELECT row, body FROM res_resources WHERE row IN (SELECT value FROM json_each(?1))";
// A column's text, in id order after the id of row ?2 (none: from the first), extracted
// by SQLite: neither bodies nor ids cross.
const TEXT_AFTER: &str = "SELECT row, CASE WHEN json_type(body, ?4) = 'text' \
     THEN json_extract(body, ?4) END FROM res_resources WHERE type = ?1 \
     AND id > coalesce((SELECT id FROM res_resources WHERE row = ?2), '') ORDER BY id LIMIT ?3";
// The same for a type that is most of the table: the table itself in row order, each
// batch packed into one JSON array of `[row, value]` (one value crosses, not a row each),
// with the batch's last row and size. `->` hands the attribute over as JSON, a string as a
// string: one pass over the body, and the store keeps only strings.
const TEXT_PACKED: &str = "SELECT json_group_array(json_array(row, body -> ?4)), max(row), \
     count(*) FROM (SELECT row, body FROM res_resources WHERE row > ?2 AND +type = ?1 \
     ORDER BY row LIMIT ?3)";
/// Rows a packed column batch holds (fewer in tests, so their tables span batches).
#[cfg(not(test))]
const PACKED_BATCH: usize = 5000;
#[cfg(test)]
const PACKED_BATCH: usize = 700;
const BY_KEY_FROM: &str = "SELECT id FROM res_keys \
     WHERE type = ?1 AND slot = ?2 AND key = ?3 AND id >= ?4 ORDER BY id LIMIT ?5";
const BY_KEY_AFTER: &str = "SELECT id FROM res_keys \
     WHERE type = ?1 AND slot = ?2 AND key = ?3 AND id > ?4 ORDER BY id LIMIT ?5";
const GROUPS_FROM: &str = "SELECT group_id FROM res_members \
     WHERE member = ?1 AND group_id >= ?2 ORDER BY group_id LIMIT ?3";
const GROUPS_AFTER: &str = "SELECT group_id FROM res_members \
     WHERE member = ?1 AND group_id > ?2 ORDER BY group_id LIMIT ?3";
const PUT: &str = "INSERT INTO res_put (type, id, row, body, keys, members, members_gone, \
     replaced, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const MAX_VERSION: &str = "SELECT n FROM res_versions WHERE one = 1";
const REMOVE: &str = "DELETE FROM res_resources WHERE type = ?1 AND id = ?2 RETURNING row";
const FINGERPRINT: &str = "SELECT fingerprint FROM res_specs WHERE type = ?1";
const UNSTAGE: &str = "DELETE FROM res_staged_keys WHERE type = ?1";
const STAGE: &str = "INSERT INTO res_staged_keys (type, slot, key, id) \
     SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), \
     json_extract(value, '$[2]') FROM json_each(?2)";
const DECLARE: &str = "INSERT INTO res_declare (type, fingerprint) VALUES (?1, ?2)";

/// The store over a host's SQLite database: every resource a row, the declared keys and
/// group memberships in indexed tables, kept exact by each write in one statement. What it
/// keeps in memory is small and bounded: the declarations, per-type counts, the next row
/// number, and a cache of text columns within [`COLUMN_BUDGET_BYTES`].
///
/// The in-memory part mirrors what this store wrote. A host that rolls back a transaction
/// after writes through it (a failed request) opens the store again, which is cheap.
pub struct SqlStore {
    sql: Box<dyn Sql>,
    /// Declarations in force, by type (slot order).
    specs: BTreeMap<Text, Vec<KeySpec>>,
    /// Stored resources by type (mirrors `res_counts`).
    counts: BTreeMap<Text, usize>,
    /// The row number the next new resource gets.
    next_row: u64,
    columns: RefCell<Columns>,
    column_budget: usize,
    /// How each type's rows stand to its ids, where known (see [`Order`]).
    orders: RefCell<BTreeMap<Text, Order>>,
    /// The first read failure since [`Store::take_failure`] last took it.
    failure: Cell<Option<ScimError>>,
}

impl core::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SqlStore")
            .field("specs", &self.specs)
            .field("counts", &self.counts)
            .field("next_row", &self.next_row)
            .finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Drops every table, view and trigger a store made in `sql` (a server's reset, import
    /// or deletion): the next [`SqlStore::open`] starts empty. Cheaper than deleting rows,
    /// whose triggers would run once per resource.
    pub fn wipe(sql: &dyn Sql) -> Result<(), SqlError> {
        for statement in WIPE {
            sql.exec(statement, &[])?;
        }
        Ok(())
    }

    /// Opens the store over `sql`, creating its tables if missing. Opening a database that
    /// already holds resources reads only the per-type counts and the highest row number:
    /// no scan, no reload. Types must be declared again ([`Store::declare`]); a declaration
    /// equal to the stored one rebuilds nothing.
    pub fn open(sql: Box<dyn Sql>) -> Result<SqlStore, SqlError> {
        for statement in SCHEMA {
            sql.exec(statement, &[])?;
        }
        let mut counts = BTreeMap::new();
        for row in sql.exec(COUNTS, &[])? {
            if let (Some(SqlValue::Text(ty)), Some(&SqlValue::Integer(n))) =
                (row.first(), row.get(1))
            {
                counts.insert(ty.clone(), usize::try_from(n).unwrap_or(0));
            }
        }
        let max_row = match sql.exec(MAX_ROW, &[])?.first().and_then(|r| r.first()) {
            Some(&SqlValue::Integer(n)) => u64::try_from(n).unwrap_or(0),
            _ => 0,
        };
        Ok(SqlStore {
            sql,
            specs: BTreeMap::new(),
            counts,
            next_row: max_row + 1,
            columns: RefCell::new(Columns::default()),
            column_budget: COLUMN_BUDGET_BYTES,
            orders: RefCell::new(BTreeMap::new()),
            failure: Cell::new(None),
        })
    }

    /// The same store with another budget for its text columns (tests, small hosts).
    pub fn with_column_budget(mut self, bytes: usize) -> SqlStore {
        self.column_budget = bytes;
        self
    }

    fn exec(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>> {
        self.sql.exec(sql, params).map_err(read_error)
    }

    fn write(&self, sql: &str, params: &[SqlValue]) -> Result<()> {
        self.sql.exec(sql, params).map(drop).map_err(write_error)
    }

    /// Remembers a read failure for [`Store::take_failure`] (the first one wins).
    fn fail(&self, error: ScimError) {
        let first = self.failure.take().unwrap_or(error);
        self.failure.set(Some(first));
    }

    /// One resource and its row, or a read failure.
    fn read_one(&self, ty: &str, id: &str) -> Result<Option<Record>> {
        let rows = self.exec(GET, &[text(ty), text(id)])?;
        match rows.first() {
            Some(row) => Ok(Some(record(ty, row_at(row, 0)?, text_at(row, 1)?)?)),
            None => Ok(None),
        }
    }

    /// The next page of a type's resources in id order, after (or from) `keyset`.
    fn page(&self, ty: &str, keyset: &mut Keyset, limit: usize) -> Result<Vec<Record>> {
        let rows = self.exec(
            keyset.pick(SCAN_FROM, SCAN_AFTER),
            &[text(ty), text(&keyset.after), count(limit)],
        )?;
        let mut records = Vec::with_capacity(rows.len());
        for row in &rows {
            records.push(record(ty, row_at(row, 0)?, text_at(row, 2)?)?);
            keyset.advance(text_at(row, 1)?);
        }
        keyset.exhausted = rows.len() < limit;
        Ok(records)
    }

    /// Ids from a keyset walk of one indexed column (`by_key`, `groups_of`).
    fn ids(&self, from: &'static str, after: &'static str, params: &[SqlValue]) -> Vec<Text> {
        let mut ids = Vec::new();
        let mut keyset = Keyset::start(None);
        while !keyset.exhausted {
            let mut all = params.to_vec();
            all.push(text(&keyset.after));
            all.push(count(WALK_BATCH));
            let rows = match self.exec(keyset.pick(from, after), &all) {
                Ok(rows) => rows,
                Err(e) => {
                    self.fail(e);
                    break;
                }
            };
            for row in &rows {
                match text_at(row, 0) {
                    Ok(id) => {
                        keyset.advance(id);
                        ids.push(Text::new(id));
                    }
                    Err(e) => {
                        self.fail(e);
                        return ids;
                    }
                }
            }
            keyset.exhausted = rows.len() < WALK_BATCH;
        }
        ids
    }

    /// A row number for a new resource.
    fn fresh_row(&self) -> Result<u32> {
        match u32::try_from(self.next_row) {
            Ok(row) if self.next_row <= LAST_ROW => Ok(row),
            _ => Err(ScimError::new(
                500,
                None,
                "the database has handed out every row number it can",
            )),
        }
    }

    /// A resource's keys under the declaration in force, as `[slot, key]` pairs (with
    /// `id`, `[slot, key, id]` triples), for a JSON array `json_each` expands.
    fn keys_of(specs: &[KeySpec], value: &Value, id: Option<&str>) -> Vec<Value> {
        specs
            .iter()
            .enumerate()
            .filter_map(|(slot, spec)| {
                let key = spec.key(value)?;
                let mut entry = vec![Value::from(slot as u64), Value::from(key.as_ref())];
                if let Some(id) = id {
                    entry.push(Value::from(id));
                }
                Some(Value::Array(entry))
            })
            .collect()
    }

    /// Recomputes a type's keys from the stored bodies under `specs`: staged in batches,
    /// then swapped in by one statement, so a failure on the way leaves the keys in force
    /// untouched.
    fn rebuild(&self, ty: &str, specs: &[KeySpec], fingerprint: &str) -> Result<()> {
        self.write(UNSTAGE, &[text(ty)])?;
        let mut keyset = Keyset::start(None);
        while !specs.is_empty() && !keyset.exhausted {
            let mut triples = Vec::new();
            for record in self.page(ty, &mut keyset, BATCH)? {
                triples.extend(Self::keys_of(specs, &record.value, Some(record.id())));
            }
            if !triples.is_empty() {
                let triples = json(&Value::Array(triples))?;
                self.write(STAGE, &[text(ty), text(&triples)])?;
            }
        }
        self.write(DECLARE, &[text(ty), text(fingerprint)])
    }

    /// Builds the text column for `path`: `Ok(None)` when it would not fit the budget.
    fn build_column(&self, ty: &str, path: &ColumnPath) -> Result<Option<Column>> {
        let mut column = Column::new(path.clone());
        let mut keyset = Keyset::start(None);
        match json_path(path) {
            // The text is extracted by SQLite: no body crosses into wasm. A type that is
            // most of the table is read in row order, packed.
            Some(json_path) => {
                let packed = 2 * self.count(ty) >= self.total();
                let (statement, batch) = match packed {
                    true => (TEXT_PACKED, PACKED_BATCH),
                    false => (TEXT_AFTER, WALK_BATCH),
                };
                let mut last = -1;
                loop {
                    let params = [
                        text(ty),
                        SqlValue::Integer(last),
                        count(batch),
                        text(&json_path),
                    ];
                    let rows = self.exec(statement, &params)?;
                    let read = match packed {
                        true => unpack_texts(&rows, &mut column, &mut last)?,
                        false => set_texts(&rows, &mut column, &mut last)?,
                    };
                    if column.used_bytes() > self.column_budget {
                        return Ok(None);
                    }
                    if read < batch {
                        break;
                    }
                }
            }
            // A name SQLite's JSON paths cannot quote: read the bodies.
            None => {
                while !keyset.exhausted {
                    for record in self.page(ty, &mut keyset, BATCH)? {
                        column.set(record.row, Some(&record.value));
                    }
                    if column.used_bytes() > self.column_budget {
                        return Ok(None);
                    }
                }
            }
        }
        column.shrink();
        Ok(Some(column))
    }

    /// Whether a type's rows are in id order ([`Order`]), learning it first when unknown: a
    /// read of its row numbers in id order, 10,000 per statement (a type with nothing
    /// stored is ordered at once). A failed read counts as not ordered and is reported.
    fn ordered(&self, ty: &str) -> bool {
        self.learn(ty).unwrap_or_else(|e| {
            self.fail(e);
            false
        })
    }

    /// [`SqlStore::ordered`], its failure returned rather than remembered (a write's).
    fn learn(&self, ty: &str) -> Result<bool> {
        let Ok(mut orders) = self.orders.try_borrow_mut() else {
            return Ok(false);
        };
        if let Some(order) = orders.get(ty) {
            return Ok(order.rows().is_some());
        }
        let order = self.learn_order(ty)?;
        let ordered = order.rows().is_some();
        orders.insert(Text::new(ty), order);
        Ok(ordered)
    }

    fn learn_order(&self, ty: &str) -> Result<Order> {
        let mut live = Bitmap::default();
        if self.count(ty) == 0 {
            return Ok(Order::Ordered {
                live,
                bound: Text::default(),
            });
        }
        let mut last: Option<u32> = None;
        loop {
            let after = last.map_or(-1, i64::from);
            let rows = self.exec(
                ROWS_AFTER,
                &[text(ty), SqlValue::Integer(after), count(ORDER_BATCH)],
            )?;
            for row in &rows {
                let row = row_at(row, 0)?;
                if last.is_some_and(|last| row <= last) {
                    return Ok(Order::Unordered);
                }
                live.insert(row);
                last = Some(row);
            }
            if rows.len() < ORDER_BATCH {
                break;
            }
        }
        let bound = match self
            .exec(MAX_ID, &[text(ty)])?
            .first()
            .and_then(|r| r.first())
        {
            Some(SqlValue::Text(t)) => t.clone(),
            _ => Text::default(),
        };
        Ok(Order::Ordered { live, bound })
    }

    /// The row of the first resource of a type at or after `from` in id order (an index
    /// probe), `None` when there is none.
    fn first_row(&self, ty: &str, from: From<'_>) -> Result<Option<u32>> {
        let query = if from.inclusive {
            FIRST_FROM
        } else {
            FIRST_AFTER
        };
        match self.exec(query, &[text(ty), text(from.id)])?.first() {
            Some(row) => Ok(Some(row_at(row, 0)?)),
            None => Ok(None),
        }
    }

    /// Whether `id` is known to be above every stored id of the type (so not stored).
    fn is_above(&self, ty: &str, id: &str) -> bool {
        self.orders
            .try_borrow()
            .is_ok_and(|orders| orders.get(ty).is_some_and(|o| o.is_above(id)))
    }

    /// How many of an ordered type's live rows are at `row` or after it.
    fn live_from(&self, ty: &str, row: u32) -> usize {
        let orders = self.orders.try_borrow();
        orders
            .ok()
            .and_then(|orders| Some(orders.get(ty)?.rows()?.count_from(row)))
            .unwrap_or(0)
    }

    /// How many resources of a type come after `from`, counted by the id index.
    fn index_count(&self, ty: &str, from: From<'_>) -> Result<usize> {
        let query = if from.inclusive {
            COUNT_FROM
        } else {
            COUNT_AFTER
        };
        match self.exec(query, &[text(ty), text(from.id)])?.first() {
            Some(row) => match row.first() {
                Some(&SqlValue::Integer(n)) => Ok(usize::try_from(n).unwrap_or(0)),
                _ => Err(unexpected()),
            },
            None => Ok(0),
        }
    }

    /// The cache slot of a type's column for `path`, built if missing and it fits.
    fn column_slot(&self, columns: &mut Columns, ty: &str, path: &ColumnPath) -> Option<usize> {
        if let Some(slot) = columns.find(ty, path) {
            return Some(slot);
        }
        match self.build_column(ty, path) {
            Ok(Some(column)) => columns.insert(ty, column, self.column_budget),
            Ok(None) => None,
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }
}

impl Store for SqlStore {
    fn declare(&mut self, resource_type: &str, specs: Vec<KeySpec>) -> Result<()> {
        if self.specs.get(resource_type) == Some(&specs) {
            return Ok(());
        }
        let fingerprint = specs
            .iter()
            .map(KeySpec::fingerprint)
            .collect::<Vec<_>>()
            .join("\n");
        let stored = self.exec(FINGERPRINT, &[text(resource_type)])?;
        let stored = match stored.first() {
            Some(row) => text_at(row, 0)?,
            None => "",
        };
        if stored != fingerprint {
            if let Err(e) = self.rebuild(resource_type, &specs, &fingerprint) {
                // Best effort: staged keys are scratch, cleared by the next rebuild anyway.
                let _ = self.sql.exec(UNSTAGE, &[text(resource_type)]);
                return Err(e);
            }
        }
        self.specs.insert(Text::new(resource_type), specs);
        Ok(())
    }

    fn specs(&self, resource_type: &str) -> &[KeySpec] {
        self.specs.get(resource_type).map_or(&[], Vec::as_slice)
    }

    fn types(&self) -> Vec<Text> {
        self.counts
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(ty, _)| ty.clone())
            .collect()
    }

    fn count(&self, resource_type: &str) -> usize {
        self.counts.get(resource_type).copied().unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.counts.values().sum()
    }

    fn count_from(&self, resource_type: &str, from: From<'_>) -> usize {
        let counted = if self.ordered(resource_type) {
            // Ordered rows: a probe for where `from` stands, then a popcount.
            self.first_row(resource_type, from)
                .map(|first| first.map_or(0, |row| self.live_from(resource_type, row)))
        } else {
            self.index_count(resource_type, from)
        };
        counted.unwrap_or_else(|e| {
            self.fail(e);
            0
        })
    }

    fn get(&self, resource_type: &str, id: &str) -> Option<Record> {
        if self.is_above(resource_type, id) {
            return None; // a fresh id's check for a clash reads nothing
        }
        self.read_one(resource_type, id).unwrap_or_else(|e| {
            self.fail(e);
            None
        })
    }

    fn scan(&self, resource_type: &str, from: Option<From<'_>>) -> Records<'_> {
        let ty = Text::new(resource_type);
        Box::new(
            Batches::new(self, from, move |store, keyset, size| {
                store.page(&ty, keyset, size)
            })
            .map(Found::Read),
        )
    }

    fn by_key(&self, resource_type: &str, slot: usize, key: &str) -> Vec<Text> {
        self.ids(
            BY_KEY_FROM,
            BY_KEY_AFTER,
            &[text(resource_type), count(slot), text(key)],
        )
    }

    fn groups_of(&self, member: &str) -> Vec<Text> {
        self.ids(GROUPS_FROM, GROUPS_AFTER, &[text(member)])
    }

    fn with_column(
        &self,
        resource_type: &str,
        path: &ColumnPath,
        f: &mut dyn FnMut(&Column),
    ) -> bool {
        // A callback that asks for a column again finds the cache busy: no column then.
        let Ok(mut columns) = self.columns.try_borrow_mut() else {
            return false;
        };
        let Some(slot) = self.column_slot(&mut columns, resource_type, path) else {
            return false;
        };
        match columns.entries.get(slot) {
            Some(cached) => {
                f(&cached.column);
                true
            }
            None => false,
        }
    }

    fn matching(
        &self,
        resource_type: &str,
        path: &ColumnPath,
        op: CompareOp,
        needle: &str,
        from: Option<From<'_>>,
    ) -> Option<Matches<'_>> {
        let ordered = self.ordered(resource_type);
        let ty = Text::new(resource_type);
        // Ordered rows: the matches are the column's rows from where `from` stands, read
        // by number; else `(row, id)` pairs are walked from `from` and the rows kept.
        let first = match from.filter(|_| ordered) {
            None => 0,
            Some(from) => match self.first_row(resource_type, from) {
                Ok(Some(row)) => row,
                Ok(None) => {
                    return Some(Matches {
                        records: Box::new(core::iter::empty()),
                        count: Some(0),
                    })
                }
                Err(e) => {
                    self.fail(e);
                    return None;
                }
            },
        };
        let rows = {
            let mut columns = self.columns.try_borrow_mut().ok()?;
            let slot = self.column_slot(&mut columns, resource_type, path)?;
            let rows = columns
                .entries
                .get_mut(slot)?
                .column
                .matching_rows(op, needle);
            columns.refresh(self.column_budget);
            rows
        };
        if ordered {
            let count = rows.count_from(first);
            let mut next = first;
            let records = Batches::new(self, None, move |store, keyset, size| {
                let wanted: Vec<u32> = rows.rows_from(next).take(size).collect();
                keyset.exhausted = wanted.len() < size;
                next = wanted.last().map_or(next, |&row| row.saturating_add(1));
                bodies(store, &ty, &wanted)
            });
            return Some(Matches {
                records: Box::new(records.map(Found::Read)),
                count: Some(count),
            });
        }
        let count = from.is_none().then(|| rows.count_from(0));
        let records = Batches::new(self, from, move |store, keyset, size| {
            matching_batch(store, &ty, &rows, keyset, size)
        });
        Some(Matches {
            records: Box::new(records.map(Found::Read)),
            count,
        })
    }

    fn put(&mut self, resource_type: &str, value: Arc<Value>) -> Result<Option<Arc<Value>>> {
        let Some(id) = value
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
        else {
            return Err(ScimError::new(500, None, "a stored resource needs an id"));
        };
        if self.count(resource_type) <= ORDER_ON_WRITE {
            self.learn(resource_type)?;
        }
        // A create (an id above every stored one) has no old version to read.
        let old = match self.is_above(resource_type, id) {
            true => None,
            false => self.read_one(resource_type, id)?,
        };
        let (row, replaced) = match &old {
            Some(old) => (old.row, true),
            None => (self.fresh_row()?, false),
        };
        let keys = json(&Value::Array(Self::keys_of(
            self.specs(resource_type),
            &value,
            None,
        )))?;
        let (members, members_gone) = if resource_type == GROUP {
            let now: BTreeSet<&str> = member_ids(&value).collect();
            let before: BTreeSet<&str> = old
                .as_ref()
                .map(|old| member_ids(&old.value).collect())
                .unwrap_or_default();
            let list = |ids: alloc::collections::btree_set::Difference<'_, &str>| {
                json(&Value::Array(ids.map(|id| Value::from(*id)).collect()))
            };
            (
                list(now.difference(&before))?,
                list(before.difference(&now))?,
            )
        } else {
            (String::from("[]"), String::from("[]"))
        };
        let body = json(&value)?;
        if let Some(max) = self.sql.max_row_bytes().filter(|&max| body.len() > max) {
            return Err(ScimError::new(
                413,
                None,
                format!(
                    "a resource is too large to store ({} bytes of JSON): a server here stores \
                     at most {max} bytes per resource; nothing was changed",
                    body.len()
                ),
            ));
        }
        let version = value
            .pointer("/meta/version")
            .and_then(Value::as_str)
            .and_then(crate::tenant::version_number)
            .unwrap_or(0);
        self.write(
            PUT,
            &[
                text(resource_type),
                text(id),
                SqlValue::Integer(i64::from(row)),
                SqlValue::Text(Text::from(body)),
                SqlValue::Text(Text::from(keys)),
                SqlValue::Text(Text::from(members)),
                SqlValue::Text(Text::from(members_gone)),
                SqlValue::Integer(i64::from(replaced)),
                SqlValue::Integer(i64::try_from(version).unwrap_or(i64::MAX)),
            ],
        )?;
        if !replaced {
            *self.counts.entry(Text::new(resource_type)).or_insert(0) += 1;
            self.next_row = u64::from(row) + 1;
            if let Some(order) = self.orders.get_mut().get_mut(resource_type) {
                order.added(row, id);
            }
        }
        let budget = self.column_budget;
        self.columns
            .get_mut()
            .update(resource_type, row, Some(&value), budget);
        Ok(old.map(|old| old.value))
    }

    fn remove(&mut self, resource_type: &str, id: &str) -> Result<bool> {
        // One statement: the row goes, and says which it was (no body is read).
        let rows = self
            .sql
            .exec(REMOVE, &[text(resource_type), text(id)])
            .map_err(write_error)?;
        let Some(row) = rows.first() else {
            return Ok(false);
        };
        let row = row_at(row, 0)?;
        if let Some(Order::Ordered { live, .. }) = self.orders.get_mut().get_mut(resource_type) {
            live.remove(row);
        }
        if let Some(n) = self.counts.get_mut(resource_type) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.counts.remove(resource_type);
            }
        }
        let budget = self.column_budget;
        self.columns
            .get_mut()
            .update(resource_type, row, None, budget);
        Ok(true)
    }

    fn max_version(&self) -> u64 {
        match self.exec(MAX_VERSION, &[]) {
            Ok(rows) => match rows.first().and_then(|r| r.first()) {
                Some(&SqlValue::Integer(n)) => u64::try_from(n).unwrap_or(0),
                _ => 0,
            },
            Err(e) => {
                self.fail(e);
                0
            }
        }
    }

    fn take_failure(&self) -> Option<ScimError> {
        self.failure.take()
    }
}

/// How a type's row numbers stand to its ids.
///
/// Row numbers are handed out in increasing order, and the engine's ids are time-ordered
/// (`env::UuidIds`), so a type's rows are usually in id order too. While that holds, the
/// store keeps the type's live rows as a bitmap: then "how many come after this id" is a
/// popcount and "the matches after this id" are a column's rows read by number, so a walk
/// of a million resources costs a page per page, not what is left of a million. It stops
/// holding when a resource is stored below the largest id (an import, ids chosen by
/// hand); the type is then `Unordered` until the store is opened again, and answers by
/// the id index as before.
#[derive(Debug)]
enum Order {
    /// Rows ascend with ids: `live` holds the type's rows, and no stored id is above `bound`.
    Ordered { live: Bitmap, bound: Text },
    /// Some row is out of id order.
    Unordered,
}

impl Order {
    /// The type's rows in id order, when they are.
    fn rows(&self) -> Option<&Bitmap> {
        match self {
            Order::Ordered { live, .. } => Some(live),
            Order::Unordered => None,
        }
    }

    /// Whether `id` is above every stored id (so it is not stored).
    fn is_above(&self, id: &str) -> bool {
        matches!(self, Order::Ordered { bound, .. } if id > bound.as_str())
    }

    /// Keeps the order after a new resource `id` got `row` (the largest row yet).
    fn added(&mut self, row: u32, id: &str) {
        if let Order::Ordered { live, bound } = self {
            if id > bound.as_str() {
                live.insert(row);
                *bound = Text::new(id);
            } else {
                *self = Order::Unordered;
            }
        }
    }
}

/// Types up to this size learn their row order on their first write (a read of their row
/// numbers, milliseconds), so creates skip the read that looks for an old version; a
/// larger type learns it on its first ordered walk.
const ORDER_ON_WRITE: usize = 20_000;

/// Row numbers read per statement while learning a type's order.
const ORDER_BATCH: usize = 10_000;

/// Where a keyset walk in id order stands.
#[derive(Debug)]
struct Keyset {
    /// The last id read (or where to start).
    after: String,
    /// Whether `after` itself is still wanted (only before the first read).
    inclusive: bool,
    /// The last read came back short: nothing is left.
    exhausted: bool,
}

impl Keyset {
    fn start(from: Option<From<'_>>) -> Keyset {
        match from {
            Some(from) => Keyset {
                after: from.id.to_owned(),
                inclusive: from.inclusive,
                exhausted: false,
            },
            None => Keyset {
                after: String::new(),
                inclusive: true,
                exhausted: false,
            },
        }
    }

    fn pick(&self, from: &'static str, after: &'static str) -> &'static str {
        if self.inclusive {
            from
        } else {
            after
        }
    }

    fn advance(&mut self, id: &str) {
        self.after.clear();
        self.after.push_str(id);
        self.inclusive = false;
    }
}

/// Records read a batch at a time by `fill`, the next batch only when the last record is
/// handed out (a scan of a million rows holds one batch). Batches start at [`FIRST_BATCH`]
/// records, enough for a page of 100 and the one that says more follow, and double up to
/// [`BATCH`]. A failed read ends it and is kept for [`Store::take_failure`].
struct Batches<'s, F> {
    store: &'s SqlStore,
    keyset: Keyset,
    buffer: vec::IntoIter<Record>,
    size: usize,
    fill: F,
}

/// The first batch a scan reads.
const FIRST_BATCH: usize = 128;

impl<'s, F> Batches<'s, F>
where
    F: FnMut(&'s SqlStore, &mut Keyset, usize) -> Result<Vec<Record>>,
{
    fn new(store: &'s SqlStore, from: Option<From<'_>>, fill: F) -> Self {
        Batches {
            store,
            keyset: Keyset::start(from),
            buffer: Vec::new().into_iter(),
            size: FIRST_BATCH,
            fill,
        }
    }
}

impl<'s, F> Iterator for Batches<'s, F>
where
    F: FnMut(&'s SqlStore, &mut Keyset, usize) -> Result<Vec<Record>>,
{
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(record) = self.buffer.next() {
                return Some(record);
            }
            if self.keyset.exhausted {
                return None;
            }
            match (self.fill)(self.store, &mut self.keyset, self.size) {
                Ok(records) => self.buffer = records.into_iter(),
                Err(e) => {
                    self.store.fail(e);
                    self.keyset.exhausted = true;
                }
            }
            self.size = (self.size * 2).min(BATCH);
        }
    }
}

/// The next records of a type whose row is in a column's bitmap, in id order: `(row, id)`
/// pairs walked from the id index, bodies fetched by row for the pairs kept.
fn matching_batch(
    store: &SqlStore,
    ty: &str,
    rows: &Bitmap,
    keyset: &mut Keyset,
    size: usize,
) -> Result<Vec<Record>> {
    let mut wanted: Vec<u32> = Vec::new();
    while !keyset.exhausted && wanted.len() < size {
        let pairs = store.exec(
            keyset.pick(WALK_FROM, WALK_AFTER),
            &[text(ty), text(&keyset.after), count(WALK_BATCH)],
        )?;
        for pair in &pairs {
            let row = row_at(pair, 0)?;
            if rows.contains(row) {
                wanted.push(row);
            }
            keyset.advance(text_at(pair, 1)?);
        }
        keyset.exhausted = pairs.len() < WALK_BATCH;
    }
    bodies(store, ty, &wanted)
}

/// The records of these rows, in the order given (a row gone meanwhile is skipped).
fn bodies(store: &SqlStore, ty: &str, wanted: &[u32]) -> Result<Vec<Record>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let list = json(&Value::Array(
        wanted.iter().map(|&r| Value::from(u64::from(r))).collect(),
    ))?;
    let mut bodies = BTreeMap::new();
    for row in store.exec(BODIES, &[SqlValue::Text(Text::from(list))])? {
        bodies.insert(row_at(&row, 0)?, row);
    }
    let mut records = Vec::with_capacity(wanted.len());
    for &row in wanted {
        if let Some(found) = bodies.get(&row) {
            records.push(record(ty, row, text_at(found, 1)?)?);
        }
    }
    Ok(records)
}

/// Sets a column's texts from `(row, text)` rows ([`TEXT_AFTER`]); how many were read,
/// `last` the last row.
fn set_texts(rows: &[Vec<SqlValue>], column: &mut Column, last: &mut i64) -> Result<usize> {
    for row in rows {
        let value = match row.get(1) {
            Some(SqlValue::Text(t)) => Some(t.as_str()),
            _ => None,
        };
        let at = row_at(row, 0)?;
        column.set_text(at, value);
        *last = i64::from(at);
    }
    Ok(rows.len())
}

/// Sets a column's texts from one packed batch ([`TEXT_PACKED`]: a JSON array of
/// `[row, value]`, the largest row, the count); how many were read, `last` the largest row.
fn unpack_texts(rows: &[Vec<SqlValue>], column: &mut Column, last: &mut i64) -> Result<usize> {
    let row = rows.first().ok_or_else(unexpected)?;
    let (Some(SqlValue::Text(packed)), Some(&SqlValue::Integer(max)), Some(&SqlValue::Integer(n))) =
        (row.first(), row.get(1), row.get(2))
    else {
        return Ok(0); // an empty batch (no largest row)
    };
    *last = max;
    let packed = crate::value::from_str(packed).map_err(|_| unexpected())?;
    for pair in packed.as_array().map_or(&[][..], Vec::as_slice) {
        let at = pair.get(0usize).and_then(Value::as_u64);
        let at = at
            .and_then(|r| u32::try_from(r).ok())
            .ok_or_else(unexpected)?;
        column.set_text(at, pair.get(1usize).and_then(Value::as_str));
    }
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The text columns a store keeps, least recently used first out.
#[derive(Debug, Default)]
struct Columns {
    entries: Vec<Cached>,
    /// What the entries hold together.
    bytes: usize,
    /// Ticks on each use, for recency.
    clock: u64,
}

#[derive(Debug)]
struct Cached {
    ty: Text,
    column: Column,
    bytes: usize,
    used: u64,
}

impl Columns {
    fn find(&mut self, ty: &str, path: &ColumnPath) -> Option<usize> {
        let slot = self
            .entries
            .iter()
            .position(|c| c.ty == ty && c.column.path == *path)?;
        self.clock += 1;
        if let Some(cached) = self.entries.get_mut(slot) {
            cached.used = self.clock;
        }
        Some(slot)
    }

    fn insert(&mut self, ty: &str, column: Column, budget: usize) -> Option<usize> {
        let bytes = column.bytes();
        if bytes > budget {
            return None;
        }
        while self.bytes + bytes > budget && self.evict() {}
        self.clock += 1;
        self.bytes += bytes;
        self.entries.push(Cached {
            ty: Text::new(ty),
            column,
            bytes,
            used: self.clock,
        });
        Some(self.entries.len() - 1)
    }

    /// Drops the least recently used column; `false` when none is left.
    fn evict(&mut self) -> bool {
        let Some(slot) = self
            .entries
            .iter()
            .enumerate()
            .min_by_key(|(_, c)| c.used)
            .map(|(slot, _)| slot)
        else {
            return false;
        };
        let evicted = self.entries.swap_remove(slot);
        self.bytes = self.bytes.saturating_sub(evicted.bytes);
        true
    }

    /// Recounts what the entries hold (a column remembered an answer), evicting the least
    /// recently used while over `budget`.
    fn refresh(&mut self, budget: usize) {
        let mut total = 0;
        for cached in &mut self.entries {
            cached.bytes = cached.column.bytes();
            total += cached.bytes;
        }
        self.bytes = total;
        while self.bytes > budget && self.evict() {}
    }

    /// Keeps a type's cached columns exact after a write to `row`.
    fn update(&mut self, ty: &str, row: u32, value: Option<&Value>, budget: usize) {
        let mut total = 0;
        for cached in &mut self.entries {
            if cached.ty == ty {
                cached.column.set(row, value);
                cached.bytes = cached.column.bytes();
            }
            total += cached.bytes;
        }
        self.bytes = total;
        while self.bytes > budget && self.evict() {}
    }
}

/// A column's attribute as a SQLite JSON path (`$."urn:...:User"."manager"."value"`);
/// `None` when a name holds a character the path syntax cannot quote.
fn json_path(path: &ColumnPath) -> Option<String> {
    let mut out = String::from("$");
    let names = path
        .ext
        .iter()
        .chain(core::iter::once(&path.name))
        .chain(path.sub.iter());
    for name in names {
        if name.contains(['"', '\\']) {
            return None;
        }
        out.push_str(".\"");
        out.push_str(name);
        out.push('"');
    }
    Some(out)
}

fn text(s: &str) -> SqlValue {
    SqlValue::Text(Text::new(s))
}

fn count(n: usize) -> SqlValue {
    SqlValue::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

fn json(value: &Value) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| ScimError::new(500, None, format!("cannot write JSON: {e}")))
}

/// A stored body read back.
fn record(ty: &str, row: u32, body: &str) -> Result<Record> {
    let value = crate::value::from_str(body).map_err(|e| {
        ScimError::new(
            500,
            None,
            format!("a stored {ty} does not read back as JSON: {e}"),
        )
    })?;
    Ok(Record {
        row,
        value: Arc::new(value),
    })
}

fn unexpected() -> ScimError {
    ScimError::new(
        500,
        None,
        "the database answered a row of an unexpected shape",
    )
}

fn text_at(row: &[SqlValue], i: usize) -> Result<&str> {
    match row.get(i) {
        Some(SqlValue::Text(t)) => Ok(t.as_str()),
        _ => Err(unexpected()),
    }
}

fn row_at(row: &[SqlValue], i: usize) -> Result<u32> {
    match row.get(i) {
        Some(&SqlValue::Integer(n)) => u32::try_from(n).map_err(|_| unexpected()),
        _ => Err(unexpected()),
    }
}

/// A failed read: 500 with the database's message.
pub(crate) fn read_error(e: SqlError) -> ScimError {
    ScimError::new(500, None, format!("storage failed: {}", e.message))
}

/// A failed write: 413 when the database found it too big (`SQLITE_TOOBIG`), else 500.
fn write_error(e: SqlError) -> ScimError {
    let message = e.message.to_ascii_lowercase();
    if message.contains("toobig") || message.contains("too big") {
        ScimError::new(
            413,
            None,
            format!("the resource is too large to store: {}", e.message),
        )
    } else {
        ScimError::new(500, None, format!("storage failed: {}", e.message))
    }
}

#[cfg(test)]
mod tests;
