//! CSV import and export in identity domains' formats (Users.csv, Groups.csv,
//! AppRoleMembership.csv).

pub mod formula;
pub mod read;
