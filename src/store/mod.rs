//! The storage seam: where a tenant's resources live.
//!
//! A tenant reads and writes resources only through a [`Store`]. Two implement it:
//! [`MemoryStore`] (`memory.rs`: ordered and hashed indexes in wasm memory; the browser,
//! in-process hosts, benches) and [`SqlStore`] (`sql.rs`: rows and SQLite indexes in a
//! database the host lends through the [`Sql`] trait; the Durable Object at the edge,
//! `rusqlite` in tests). Both are driven synchronously (Durable Object SQL calls are
//! synchronous), both give identical answers: every engine table runs against each.
//!
//! Architecture invariant: a store knows no SCIM rule. It keeps what the tenant declares
//! (which attributes are keyed, by [`KeySpec`]; group membership, by
//! `crate::membership::member_ids`) exact on every write, and answers in id order.
//! Uniqueness, validation and versions stay in the engine.
//!
//! Rows: each stored resource has a row number, handed out once per type and never reused
//! while the resource lives, so text columns (`crate::column`) can keep one slot per row.

mod memory;
mod mirrored;
mod sql;

/// The tests' SQLite adapter (shared with the integration tests).
#[cfg(test)]
#[path = "../../tests/client/sqlite.rs"]
mod lite;

pub(crate) use memory::MemoryStore;
pub(crate) use mirrored::Mirrored;
pub(crate) use sql::read_error;
pub use sql::{Sql, SqlError, SqlStore, SqlValue};

use crate::column::{Column, ColumnPath};
use crate::error::{Result, ScimError};
use crate::filter::CompareOp;
use crate::index::keyed::KeySpec;
use crate::index::{head_of, IndexKey, KeyView};
use crate::value::{Text, Value};
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// One stored resource as a store hands it out.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// Its row number within its type (see the module docs).
    pub(crate) row: u32,
    /// The stored form (`id` first, `meta` complete).
    pub(crate) value: Arc<Value>,
}

impl Record {
    /// The resource's `id` (stored forms always have one).
    pub(crate) fn id(&self) -> &str {
        self.value.get("id").and_then(Value::as_str).unwrap_or("")
    }
}

/// A resource as a scan hands it out: borrowed from a store that holds it in memory, or
/// read (and owned). A scan of a million resources in memory then touches only its index:
/// no reference count, no JSON, until a resource is actually needed.
#[derive(Debug, Clone)]
pub(crate) enum Found<'s> {
    /// Held by the store: its index key (the id, with its head inline) and the record.
    Held(&'s IndexKey, &'s Record),
    /// Read from storage.
    Read(Record),
}

impl Found<'_> {
    /// The resource's id.
    pub(crate) fn id(&self) -> &str {
        match self {
            Found::Held(key, _) => key.as_str(),
            Found::Read(record) => record.id(),
        }
    }

    /// The id's first 16 bytes as an integer (`crate::index::head_of`).
    pub(crate) fn head(&self) -> u128 {
        match self {
            Found::Held(key, _) => key.head(),
            Found::Read(record) => head_of(record.id()),
        }
    }

    /// The record.
    pub(crate) fn record(&self) -> &Record {
        match self {
            Found::Held(_, record) => record,
            Found::Read(record) => record,
        }
    }
}

/// Resources in ascending id order.
pub(crate) type Records<'s> = Box<dyn Iterator<Item = Found<'s>> + 's>;

/// What [`Store::matching`] found.
pub(crate) struct Matches<'s> {
    /// The matches, in id order.
    pub(crate) records: Records<'s>,
    /// How many there are, when the store counted them without reading one (a popcount of
    /// the column's rows): then a page of a million matches reads a page.
    pub(crate) count: Option<usize>,
}

/// Where a scan starts: after (or at, if inclusive) an id.
#[derive(Debug, Clone, Copy)]
pub(crate) struct From<'a> {
    pub(crate) id: &'a str,
    pub(crate) inclusive: bool,
}

/// What the engine needs of storage. Reads take `&self` (a query borrows the store for its
/// walk); a read that fails (a SQL error) ends its iterator early and is reported by
/// [`Store::take_failure`], which the engine checks before it answers, so a failed read is
/// an error response, never a short page. Writes report their failure directly, and a
/// failed write changes nothing the store holds.
pub(crate) trait Store: core::fmt::Debug + Send {
    /// Declares the keyed attributes of a type (from its schema, in this order: a slot
    /// is a position in it). Rebuilds the keys of the stored resources only when the
    /// declaration differs from the one in force (a settings change); a type never
    /// declared has none.
    fn declare(&mut self, resource_type: &str, specs: Vec<KeySpec>) -> Result<()>;

    /// The keyed attributes in force for a type, in slot order.
    fn specs(&self, resource_type: &str) -> &[KeySpec];

    /// Names of the types with at least one stored resource, in ascending order.
    fn types(&self) -> Vec<Text>;

    /// How many resources of a type are stored.
    fn count(&self, resource_type: &str) -> usize;

    /// How many resources are stored, of every type.
    fn total(&self) -> usize;

    /// How many resources of a type come after `from` in id order (an index count: no
    /// resource is read).
    fn count_from(&self, resource_type: &str, from: From<'_>) -> usize;

    /// One resource by type and id.
    fn get(&self, resource_type: &str, id: &str) -> Option<Record>;

    /// The resources of a type in ascending id order, from the first, or from `from`.
    fn scan(&self, resource_type: &str, from: Option<From<'_>>) -> Records<'_>;

    /// Ids of the resources of a type whose key in `slot` is `key`, ascending.
    fn by_key(&self, resource_type: &str, slot: usize, key: &str) -> Vec<Text>;

    /// Ids of the groups whose `members` list `member`, ascending.
    fn groups_of(&self, member: &str) -> Vec<Text>;

    /// Runs `f` on the text column for `path` (built on first use, within the store's
    /// budget); `false`, without calling `f`, when the store keeps no column for it now.
    fn with_column(
        &self,
        resource_type: &str,
        path: &ColumnPath,
        f: &mut dyn FnMut(&Column),
    ) -> bool;

    /// The resources of a type whose `path` text satisfies `op needle`, ascending by id,
    /// from `from` when given; `None` when the store keeps no column for `path` now (the
    /// engine then scans). The column compares as filters do (`Column::matching_rows`),
    /// so these are exactly the matches of `path op "needle"`.
    fn matching(
        &self,
        resource_type: &str,
        path: &ColumnPath,
        op: CompareOp,
        needle: &str,
        from: Option<From<'_>>,
    ) -> Option<Matches<'_>>;

    /// Stores a resource (its `id` is the key), new or replacing the one with its id,
    /// keeping keys, membership and columns exact. Returns the replaced stored form.
    fn put(&mut self, resource_type: &str, value: Arc<Value>) -> Result<Option<Arc<Value>>>;

    /// Deletes a resource, keeping keys, membership and columns exact. Whether it was
    /// stored.
    fn remove(&mut self, resource_type: &str, id: &str) -> Result<bool>;

    /// The first read failure since the last call, if any.
    fn take_failure(&self) -> Option<ScimError>;

    /// A copy holding the same resources, for a store that can make one (in memory);
    /// `None` for a store over a database.
    fn duplicate(&self) -> Option<Box<dyn Store>> {
        None
    }

    /// The largest version number (`meta.version`, `W/"n"`) stored, so a tenant opened
    /// over stored data hands out versions past it. By default a scan of everything; a
    /// store that keeps it as it writes answers at once.
    fn max_version(&self) -> u64 {
        self.types()
            .iter()
            .flat_map(|name| self.scan(name, None))
            .filter_map(|found| {
                found
                    .record()
                    .value
                    .pointer("/meta/version")
                    .and_then(Value::as_str)
                    .and_then(crate::tenant::version_number)
            })
            .max()
            .unwrap_or(0)
    }
}
