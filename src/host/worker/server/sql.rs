//! The Durable Object's SQL storage lent to the engine's SQLite store
//! (`crate::store::SqlStore`): statements in, rows out, nothing else. The tables, indexes
//! and every statement are the store's; this only converts values.

use crate::store::{Sql, SqlError, SqlValue};
use crate::value::Text;
use alloc::string::ToString;
use alloc::vec::Vec;
use worker::send::SendWrapper;
use worker::{SqlStorage, SqlStorageValue};

/// `SqlStorage` is a JavaScript handle, so not `Send`; the store's trait asks for `Send`
/// for in-process hosts that move tenants between threads. A Worker isolate has one
/// thread, which is what `SendWrapper` (from the `worker` crate, made for this) relies on.
pub(super) struct DoSql(SendWrapper<SqlStorage>);

impl DoSql {
    pub(super) fn new(sql: SqlStorage) -> DoSql {
        DoSql(SendWrapper::new(sql))
    }
}

fn failed(e: impl ToString) -> SqlError {
    SqlError {
        message: e.to_string(),
    }
}

impl Sql for DoSql {
    fn max_row_bytes(&self) -> Option<usize> {
        Some(super::MAX_ROW_BYTES)
    }

    fn exec(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, SqlError> {
        let bindings: Vec<SqlStorageValue> = params
            .iter()
            .map(|p| match p {
                SqlValue::Null => SqlStorageValue::Null,
                SqlValue::Integer(n) => SqlStorageValue::Integer(*n),
                SqlValue::Text(t) => SqlStorageValue::String(t.to_string()),
            })
            .collect();
        let cursor = self.0 .0.exec(sql, bindings).map_err(failed)?;
        let mut rows = Vec::new();
        for row in cursor.raw() {
            let row = row.map_err(failed)?;
            let mut values = Vec::with_capacity(row.len());
            for value in row {
                values.push(match value {
                    SqlStorageValue::Null => SqlValue::Null,
                    SqlStorageValue::Integer(n) => SqlValue::Integer(n),
                    // JavaScript numbers: whole ones are the integers the store wrote.
                    SqlStorageValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        SqlValue::Integer(f as i64)
                    }
                    SqlStorageValue::Boolean(b) => SqlValue::Integer(i64::from(b)),
                    SqlStorageValue::String(s) => SqlValue::Text(Text::from(s)),
                    other => return Err(failed(alloc::format!("unexpected SQL value {other:?}"))),
                });
            }
            rows.push(values);
        }
        Ok(rows)
    }
}
