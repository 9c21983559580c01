//! The store over SQLite: resources as rows, SQLite indexes for what the engine looks up
//! exactly. The host lends the database through [`Sql`] (a Durable Object's SQL storage at
//! the edge; `rusqlite` in tests), so the statements, the tables and their indexes are
//! written once, here.

use crate::value::Text;
use alloc::string::String;
use alloc::vec::Vec;

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

/// A SQLite database the host lends to a [`SqlStore`], synchronously.
pub trait Sql {
    /// Runs one statement with positional parameters (`?1`, `?2`, ...) and returns every
    /// row it yields, each column as a [`SqlValue`]. The store bounds what one statement
    /// returns (`LIMIT`), so the rows fit in memory.
    fn exec(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, SqlError>;
}
