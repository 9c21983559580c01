//! The SQLite store's host side for tests: an in-memory `rusqlite` database lent to the
//! engine through `scimlet::store::Sql`, as the Durable Object lends its SQL storage.

use rusqlite::types::{Value as LiteValue, ValueRef};
use rusqlite::Connection;
use scimlet::store::{Sql, SqlError, SqlValue};
use scimlet::Text;

pub struct Lite(Connection);

impl Lite {
    pub fn in_memory() -> Lite {
        Lite(Connection::open_in_memory().expect("an in-memory SQLite"))
    }
}

impl Sql for Lite {
    fn exec(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, SqlError> {
        let error = |e: rusqlite::Error| SqlError {
            message: e.to_string(),
        };
        let mut statement = self.0.prepare_cached(sql).map_err(error)?;
        let params = params.iter().map(|p| match p {
            SqlValue::Null => LiteValue::Null,
            SqlValue::Integer(n) => LiteValue::Integer(*n),
            SqlValue::Text(t) => LiteValue::Text(t.to_string()),
        });
        let width = statement.column_count();
        let mut rows = statement
            .query(rusqlite::params_from_iter(params))
            .map_err(error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(error)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(match row.get_ref(i).map_err(error)? {
                    ValueRef::Null => SqlValue::Null,
                    ValueRef::Integer(n) => SqlValue::Integer(n),
                    ValueRef::Text(t) => SqlValue::Text(Text::new(
                        std::str::from_utf8(t).map_err(|e| SqlError {
                            message: e.to_string(),
                        })?,
                    )),
                    other => {
                        return Err(SqlError {
                            message: format!("unexpected SQL value {other:?}"),
                        })
                    }
                });
            }
            out.push(values);
        }
        Ok(out)
    }
}
