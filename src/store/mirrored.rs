//! A store over SQLite with the resources of a small server mirrored in memory.
//!
//! A server of up to `limit` resources (the Worker's 12,000, for a Durable Object's 128 MB)
//! is read from a [`MemoryStore`] loaded when the store opens, and
//! written to both, SQLite first: it answers as fast as a tenant held in memory, and its
//! SQLite is the truth. Past the limit the mirror is dropped and every read goes to SQLite,
//! so memory stays bounded however big the server grows; a server opened past the limit
//! never loads one, so waking it reads no resource.

use super::{From, Matches, MemoryStore, Records, Store};
use crate::column::{Column, ColumnPath};
use crate::error::{Result, ScimError};
use crate::filter::CompareOp;
use crate::index::keyed::KeySpec;
use crate::value::{Text, Value};
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// See the module docs.
#[derive(Debug)]
pub(crate) struct Mirrored {
    sql: Box<dyn Store>,
    mirror: Option<MemoryStore>,
    limit: usize,
}

impl Mirrored {
    /// `sql`, with its resources loaded into memory if it holds at most `limit`.
    pub(crate) fn open(sql: Box<dyn Store>, limit: usize) -> Result<Mirrored> {
        let mut mirror = None;
        if sql.total() <= limit {
            let mut memory = MemoryStore::default();
            for name in sql.types() {
                for found in sql.scan(&name, None) {
                    memory.put(&name, found.record().value.clone())?;
                }
            }
            if let Some(failure) = sql.take_failure() {
                return Err(failure);
            }
            mirror = Some(memory);
        }
        Ok(Mirrored { sql, mirror, limit })
    }

    /// Where reads go: the mirror while there is one.
    fn reads(&self) -> &dyn Store {
        match &self.mirror {
            Some(memory) => memory,
            None => &*self.sql,
        }
    }
}

impl Store for Mirrored {
    fn declare(&mut self, resource_type: &str, specs: Vec<KeySpec>) -> Result<()> {
        if let Some(memory) = &mut self.mirror {
            memory.declare(resource_type, specs.clone())?;
        }
        self.sql.declare(resource_type, specs)
    }

    fn specs(&self, resource_type: &str) -> &[KeySpec] {
        self.sql.specs(resource_type)
    }

    fn types(&self) -> Vec<Text> {
        self.sql.types()
    }

    fn count(&self, resource_type: &str) -> usize {
        self.sql.count(resource_type)
    }

    fn total(&self) -> usize {
        self.sql.total()
    }

    fn count_from(&self, resource_type: &str, from: From<'_>) -> usize {
        self.reads().count_from(resource_type, from)
    }

    fn get(&self, resource_type: &str, id: &str) -> Option<super::Record> {
        self.reads().get(resource_type, id)
    }

    fn scan(&self, resource_type: &str, from: Option<From<'_>>) -> Records<'_> {
        self.reads().scan(resource_type, from)
    }

    fn by_key(&self, resource_type: &str, slot: usize, key: &str) -> Vec<Text> {
        self.reads().by_key(resource_type, slot, key)
    }

    fn groups_of(&self, member: &str) -> Vec<Text> {
        self.reads().groups_of(member)
    }

    fn with_column(
        &self,
        resource_type: &str,
        path: &ColumnPath,
        f: &mut dyn FnMut(&Column),
    ) -> bool {
        self.reads().with_column(resource_type, path, f)
    }

    fn matching(
        &self,
        resource_type: &str,
        path: &ColumnPath,
        op: CompareOp,
        needle: &str,
        from: Option<From<'_>>,
    ) -> Option<Matches<'_>> {
        self.reads().matching(resource_type, path, op, needle, from)
    }

    fn put(&mut self, resource_type: &str, value: Arc<Value>) -> Result<Option<Arc<Value>>> {
        let old = self.sql.put(resource_type, value.clone())?;
        if self.sql.total() > self.limit {
            self.mirror = None;
        }
        if let Some(memory) = &mut self.mirror {
            memory.put(resource_type, value)?;
        }
        Ok(old)
    }

    fn remove(&mut self, resource_type: &str, id: &str) -> Result<bool> {
        let gone = self.sql.remove(resource_type, id)?;
        if let Some(memory) = &mut self.mirror {
            memory.remove(resource_type, id)?;
        }
        Ok(gone)
    }

    fn take_failure(&self) -> Option<ScimError> {
        self.sql.take_failure()
    }

    fn max_version(&self) -> u64 {
        self.sql.max_version()
    }
}

#[cfg(test)]
mod tests;
