//! CSV import and export in identity domains' formats: Users.csv, Groups.csv and
//! AppRoleMembership.csv, with their column names (current and older), formula-injection
//! escaping, hashed passwords and hard limits.
//!
//! - [`read`]: the bounded tokenizer and the whole-file checks (size, row count);
//! - [`formula`]: `'@value'` escaping of cells a spreadsheet would run;
//! - [`columns`]: the column catalogue, resolved against a tenant's schemas;
//! - [`import`]: the resumable importer, a row at a time through the engine's writes
//!   (`approles.rs` for AppRoleMembership.csv; `lookup.rs` finds what cells name);
//! - [`export`]: the exporter, in pieces, resumable; [`write`] quotes its cells;
//! - [`attributes`]: the `ResourceTypeSchemaAttributes` entries listing the columns.

mod approles;
pub mod attributes;
pub mod columns;
pub mod export;
pub mod formula;
pub mod import;
mod lookup;
pub mod read;
pub mod write;

pub use attributes::{schema_attributes, schema_attributes_of};
pub use export::{export, ExportCursor, Exporter};
pub use import::{Action, Applied, Cursor, Importer, Options, RowOutcome, Step};

/// Which file: what its rows are and which resource type they write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Users.csv: a user per row, keyed by `User Name`.
    Users,
    /// Groups.csv: a group per row, keyed by `Name`, members by user name.
    Groups,
    /// AppRoleMembership.csv: a grant of an app role to a user or group per row.
    AppRoles,
}

impl Kind {
    /// The resource type its rows write.
    pub fn resource_type(self) -> &'static str {
        match self {
            Kind::Users => "User",
            Kind::Groups => "Group",
            Kind::AppRoles => "Grant",
        }
    }

    /// The file name identity domains' templates use.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Users => "Users.csv",
            Kind::Groups => "Groups.csv",
            Kind::AppRoles => "AppRoleMembership.csv",
        }
    }
}

/// The attribute a resource of a type is named by in a CSV cell (a manager, a member, a
/// grantee): what people know it by, unique in identity domains.
pub fn key_attribute(resource_type: &str) -> &'static str {
    if resource_type.eq_ignore_ascii_case("User") {
        "userName"
    } else {
        "displayName"
    }
}

#[cfg(test)]
mod fixtures;
