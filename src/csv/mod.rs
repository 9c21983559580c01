//! CSV import and export in identity domains' formats: Users.csv, Groups.csv and
//! AppRoleMembership.csv, with their column names (current and older), formula-injection
//! escaping, hashed passwords and hard limits.
//!
//! - [`read`]: the bounded tokenizer and the whole-file checks (size, row count);
//! - [`formula`]: `'@value'` escaping of cells a spreadsheet would run;
//! - [`columns`]: the column catalogue, resolved against a tenant's schemas;
//! - [`import`]: the resumable importer, a row at a time through the engine's writes
//!   (`approles.rs` for AppRoleMembership.csv; `lookup.rs` finds what cells name);
//! - [`export`](mod@export): the exporter, in pieces, resumable; [`write`](mod@write)
//!   quotes its cells;
//! - [`attributes`]: the `ResourceTypeSchemaAttributes` entries listing the columns.
//!
//! ```
//! use scimlet::csv::{export, Action, Importer, Kind, Options};
//! use scimlet::{env::UuidIds, Env, Settings, Tenant};
//!
//! let mut tenant = Tenant::new(Settings::default()).unwrap();
//! let mut ids = UuidIds::new(42);
//! let mut env = Env { now_ms: 1_795_000_000_000, base_url: "http://localhost/scim/v2", ids: &mut ids };
//! let file = "User Name,First Name,Last Name,Work Email,Work Phone\r\n\
//!             bjensen,Barbara,Jensen,bjensen@example.com,'+1 555 0100'\r\n\
//!             ,No,Name,x@example.com,\r\n";
//! // The whole file is checked first (size, rows, header); nothing is written if it fails.
//! let mut import = Importer::new(Kind::Users, file.as_bytes(), &tenant, &Options::default()).unwrap();
//! while !import.is_finished() {
//!     let step = import.step(&mut tenant, &mut env, 1000);
//!     // Persist `step.changes`, keep `import.cursor()` to resume, report the outcomes:
//!     assert_eq!(step.outcomes[0].result.as_ref().unwrap().action, Action::Created);
//!     assert_eq!(step.outcomes[1].result.as_ref().unwrap_err().detail, "User Name is empty");
//! }
//! let users = export(Kind::Users, &tenant, env.base_url).unwrap();
//! assert!(String::from_utf8(users).unwrap().contains("bjensen,Barbara,,Jensen,"));
//! ```

mod approles;
pub mod attributes;
pub mod columns;
pub mod export;
pub mod formula;
pub mod import;
pub(crate) mod lookup;
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
pub(crate) mod fixtures;
