//! The SQLite store's host side for tests: a `rusqlite` database lent to the engine through
//! `scimlet::store::Sql`, as the Durable Object lends its SQL storage. Used by the engine
//! tables (`tests/client`) and by the store's own tests (`src/store/`, which
//! include this file), so both run over the same adapter.

use rusqlite::types::{Value as LiteValue, ValueRef};
use rusqlite::Connection;
use scimlet::store::{Sql, SqlError, SqlValue};
use scimlet::Text;
// Named, not from the prelude: the store's unit tests include this file in a `no_std` crate.
use std::format;
use std::string::ToString;
use std::sync::{Arc, Mutex};
use std::vec::Vec;

/// One in-memory database; [`Lite::share`] lends it again (a store reopened over it).
pub struct Lite(Arc<Mutex<Connection>>);

impl Lite {
    pub fn in_memory() -> Lite {
        Lite(Arc::new(Mutex::new(
            Connection::open_in_memory().expect("an in-memory SQLite"),
        )))
    }

    pub fn share(&self) -> Lite {
        Lite(Arc::clone(&self.0))
    }

    /// The connection, for a test that looks at (or breaks) the tables directly.
    pub fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.0.lock().expect("the connection")
    }
}

fn failed(e: impl ToString) -> SqlError {
    SqlError {
        message: e.to_string(),
    }
}

impl Sql for Lite {
    fn exec(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, SqlError> {
        let conn = self.connection();
        let mut statement = conn.prepare_cached(sql).map_err(failed)?;
        let params = params.iter().map(|p| match p {
            SqlValue::Null => LiteValue::Null,
            SqlValue::Integer(n) => LiteValue::Integer(*n),
            SqlValue::Text(t) => LiteValue::Text(t.to_string()),
        });
        let width = statement.column_count();
        let mut rows = statement
            .query(rusqlite::params_from_iter(params))
            .map_err(failed)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(failed)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(match row.get_ref(i).map_err(failed)? {
                    ValueRef::Null => SqlValue::Null,
                    ValueRef::Integer(n) => SqlValue::Integer(n),
                    ValueRef::Text(t) => {
                        SqlValue::Text(Text::new(std::str::from_utf8(t).map_err(failed)?))
                    }
                    other => return Err(failed(format!("unexpected SQL value {other:?}"))),
                });
            }
            out.push(values);
        }
        Ok(out)
    }
}
