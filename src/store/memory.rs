//! The in-memory store: every resource in wasm memory, with ordered and hashed indexes
//! (`crate::index`) and text columns built on first use (`crate::column`). What the
//! browser sandbox, in-process hosts and the benches use; nothing here can fail.

use super::{Found, From, Matches, Record, Records, Store};
use crate::column::{Column, ColumnPath};
use crate::error::{Result, ScimError};
use crate::filter::CompareOp;
use crate::index::{IdLookup, IdSet, Index, IndexKey, KeyIndex, KeySpec};
use crate::membership::{member_ids, GROUP};
use crate::value::{Text, Value};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::RefCell;

/// The resources of one type, with their indexes.
#[derive(Debug, Clone, Default)]
struct Table {
    /// By id; id order is the listing order.
    by_id: Index<Record>,
    /// The declared keys, in slot order (also inside `keyed`, which needs its own copy).
    specs: Vec<KeySpec>,
    keyed: Vec<KeyIndex>,
    /// Row numbers are handed out once and never reused.
    next_row: u32,
    /// Text columns built so far; built lazily by reads, hence the cell.
    columns: RefCell<Vec<Column>>,
}

impl Table {
    fn column<R>(&self, path: &ColumnPath, f: impl FnOnce(&mut Column) -> R) -> Option<R> {
        let mut columns = self.columns.try_borrow_mut().ok()?;
        let index = match columns.iter().position(|c| c.path == *path) {
            Some(i) => i,
            None => {
                let mut column = Column::new(path.clone());
                for record in self.by_id.values() {
                    column.set(record.row, Some(&record.value));
                }
                columns.push(column);
                columns.len() - 1
            }
        };
        columns.get_mut(index).map(f)
    }
}

/// Every resource of a tenant in memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct MemoryStore {
    tables: BTreeMap<Text, Table>,
    /// Member id -> ids of the groups listing it.
    member_of: IdLookup,
}

impl MemoryStore {
    fn table_mut(&mut self, resource_type: &str) -> &mut Table {
        self.tables.entry(Text::new(resource_type)).or_default()
    }
}

fn ids(set: Option<&IdSet>) -> Vec<Text> {
    set.into_iter()
        .flat_map(IdSet::iter)
        .map(Text::new)
        .collect()
}

impl Store for MemoryStore {
    fn declare(&mut self, resource_type: &str, specs: Vec<KeySpec>) -> Result<()> {
        let table = self.table_mut(resource_type);
        if table.specs == specs {
            return Ok(());
        }
        let mut keyed: Vec<KeyIndex> = specs.iter().cloned().map(KeyIndex::new).collect();
        for (id, record) in table.by_id.iter() {
            for index in &mut keyed {
                index.add(&record.value, id);
            }
        }
        table.specs = specs;
        table.keyed = keyed;
        Ok(())
    }

    fn specs(&self, resource_type: &str) -> &[KeySpec] {
        self.tables
            .get(resource_type)
            .map_or(&[], |t| t.specs.as_slice())
    }

    fn types(&self) -> Vec<Text> {
        self.tables
            .iter()
            .filter(|(_, t)| t.by_id.len() > 0)
            .map(|(name, _)| name.clone())
            .collect()
    }

    fn count(&self, resource_type: &str) -> usize {
        self.tables.get(resource_type).map_or(0, |t| t.by_id.len())
    }

    fn total(&self) -> usize {
        self.tables.values().map(|t| t.by_id.len()).sum()
    }

    fn count_from(&self, resource_type: &str, from: From<'_>) -> usize {
        self.tables.get(resource_type).map_or(0, |t| {
            t.by_id.entries_after(from.id, from.inclusive).count()
        })
    }

    fn get(&self, resource_type: &str, id: &str) -> Option<Record> {
        self.tables.get(resource_type)?.by_id.get(id).cloned()
    }

    fn scan(&self, resource_type: &str, from: Option<From<'_>>) -> Records<'_> {
        let Some(table) = self.tables.get(resource_type) else {
            return Box::new(core::iter::empty());
        };
        match from {
            None => Box::new(table.by_id.entries().map(|(k, r)| Found::Held(k, r))),
            Some(from) => Box::new(
                table
                    .by_id
                    .entries_after(from.id, from.inclusive)
                    .map(|(k, r)| Found::Held(k, r)),
            ),
        }
    }

    fn by_key(&self, resource_type: &str, slot: usize, key: &str) -> Vec<Text> {
        ids(self
            .tables
            .get(resource_type)
            .and_then(|t| t.keyed.get(slot))
            .and_then(|index| index.get(key)))
    }

    fn groups_of(&self, member: &str) -> Vec<Text> {
        ids(self.member_of.get(member))
    }

    fn with_column(
        &self,
        resource_type: &str,
        path: &ColumnPath,
        f: &mut dyn FnMut(&Column),
    ) -> bool {
        self.tables
            .get(resource_type)
            .and_then(|t| t.column(path, |c| f(c)))
            .is_some()
    }

    fn matching(
        &self,
        resource_type: &str,
        path: &ColumnPath,
        op: CompareOp,
        needle: &str,
        from: Option<From<'_>>,
    ) -> Option<Matches<'_>> {
        let table = self.tables.get(resource_type)?;
        let rows = table.column(path, |c| c.matching_rows(op, needle))?;
        // Counting the rows after `from` would walk the id index once more: the engine
        // counts the candidates it is handed instead, which costs the same in memory.
        let count = from.is_none().then(|| rows.count_from(0));
        let entries: Box<dyn Iterator<Item = (&IndexKey, &Record)>> = match from {
            None => Box::new(table.by_id.entries()),
            Some(from) => Box::new(table.by_id.entries_after(from.id, from.inclusive)),
        };
        Some(Matches {
            records: Box::new(
                entries
                    .filter(move |(_, r)| rows.contains(r.row))
                    .map(|(k, r)| Found::Held(k, r)),
            ),
            count,
        })
    }

    fn put(&mut self, resource_type: &str, value: Arc<Value>) -> Result<Option<Arc<Value>>> {
        let Some(id) = value
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
        else {
            return Err(ScimError::invalid_value("a stored resource needs an id"));
        };
        let table = match self.tables.get_mut(resource_type) {
            Some(table) => table,
            None => self.tables.entry(Text::new(resource_type)).or_default(),
        };
        let mut row = table.next_row;
        let old = table.by_id.upsert(id, |old| {
            row = old.map_or(row, |r| r.row);
            Record {
                row,
                value: value.clone(),
            }
        });
        if old.is_none() {
            table.next_row += 1;
        }
        let old = old.map(|r| r.value);
        if let Some(old) = &old {
            for index in &mut table.keyed {
                index.discard(old, id);
            }
        }
        for index in &mut table.keyed {
            index.add(&value, id);
        }
        for column in table.columns.get_mut() {
            column.set(row, Some(&value));
        }
        if resource_type == GROUP {
            if let Some(old) = &old {
                for member in member_ids(old) {
                    self.member_of.discard(member, id);
                }
            }
            for member in member_ids(&value) {
                self.member_of.add(member, id);
            }
        }
        Ok(old)
    }

    fn remove(&mut self, resource_type: &str, id: &str) -> Result<bool> {
        let Some(table) = self.tables.get_mut(resource_type) else {
            return Ok(false);
        };
        let Some(gone) = table.by_id.remove(id) else {
            return Ok(false);
        };
        for column in table.columns.get_mut() {
            column.set(gone.row, None);
        }
        for index in &mut table.keyed {
            index.discard(&gone.value, id);
        }
        if resource_type == GROUP {
            for member in member_ids(&gone.value) {
                self.member_of.discard(member, id);
            }
        }
        Ok(true)
    }

    fn take_failure(&self) -> Option<ScimError> {
        None
    }

    fn duplicate(&self) -> Option<Box<dyn Store>> {
        Some(Box::new(self.clone()))
    }
}
