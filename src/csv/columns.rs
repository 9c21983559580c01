//! The column catalogue: each file's headings as identity domains name them (current and
//! older), and where each one's cells go in a resource.
//!
//! The catalogue is data in identity domains' own vocabulary, `idcsCsvAttributeNameMappings`
//! (`columnHeaderName`, `deprecatedColumnHeaderName`, `mapsTo`, `multiValueDelimiter`; read
//! from the OCI SDK's schema documentation), resolved against one tenant's schemas by
//! attribute name: a heading whose attribute the tenant does not serve (`Federated` on a
//! plain SCIM server, `Work Email Verified` without an `emails.verified`) is known but
//! ignored. Every other simple, single-valued, writable attribute (custom attributes and
//! extension attributes) gets a generated column named after it, so a custom attribute
//! imports and exports like the rest.
//!
//! `mapsTo` forms: `attr`, `attr.sub`, `attr[type].sub` (the element of that `type`),
//! `attr[$(type)].primary` (the cell is the type of the primary element). A `value` whose
//! attribute has a `$ref` names the referenced resource by its key (`manager.value`: a
//! user name; `members[User].value`: user names), resolved to its id.

use super::Kind;
use crate::error::{Result, ScimError};
use crate::schema::{AttrType, Attribute, Container, Mutability, ResourceSchema, Returned};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// One column as identity domains describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapping {
    /// `columnHeaderName`: the current heading.
    pub heading: &'static str,
    /// `deprecatedColumnHeaderName`: the older heading, still read.
    pub older: Option<&'static str>,
    /// `mapsTo`: where the cells go (see the module documentation).
    pub maps_to: &'static str,
    /// `multiValueDelimiter`: the cell lists several values.
    pub delimiter: Option<char>,
    /// The import needs this column (and a value in it to create).
    pub required: bool,
}

const fn col(heading: &'static str, maps_to: &'static str) -> Mapping {
    Mapping {
        heading,
        older: None,
        maps_to,
        delimiter: None,
        required: false,
    }
}

const fn was(heading: &'static str, older: &'static str, maps_to: &'static str) -> Mapping {
    Mapping {
        older: Some(older),
        ..col(heading, maps_to)
    }
}

const fn required(mapping: Mapping) -> Mapping {
    Mapping {
        required: true,
        ..mapping
    }
}

/// Users.csv, in identity domains' template order.
pub const USERS: &[Mapping] = &[
    required(was("User Name", "User ID", "userName")),
    required(col("First Name", "name.givenName")),
    col("Middle Name", "name.middleName"),
    required(col("Last Name", "name.familyName")),
    col("Honorific Prefix", "name.honorificPrefix"),
    col("Honorific Suffix", "name.honorificSuffix"),
    col("Formatted Name", "name.formatted"),
    col("Display Name", "displayName"),
    col("Nick Name", "nickName"),
    col("Profile Url", "profileUrl"),
    col("Title", "title"),
    col("User Type", "userType"),
    col("Locale", "locale"),
    col("Preferred Language", "preferredLanguage"),
    was("Time Zone", "TimeZone", "timezone"),
    col("Active", "active"),
    col("Password", "password"),
    col("External Id", "externalId"),
    required(col("Work Email", "emails[work].value")),
    col("Work Email Verified", "emails[work].verified"),
    col("Home Email", "emails[home].value"),
    col("Home Email Verified", "emails[home].verified"),
    col("Other Email", "emails[other].value"),
    col("Other Email Verified", "emails[other].verified"),
    col("Recovery Email", "emails[recovery].value"),
    col("Recovery Email Verified", "emails[recovery].verified"),
    col("Primary Email Type", "emails[$(type)].primary"),
    col("Work Phone", "phoneNumbers[work].value"),
    col("Mobile No", "phoneNumbers[mobile].value"),
    col("Home Phone", "phoneNumbers[home].value"),
    col("Fax", "phoneNumbers[fax].value"),
    col("Pager", "phoneNumbers[pager].value"),
    col("Other Phone", "phoneNumbers[other].value"),
    col("Recovery Phone", "phoneNumbers[recovery].value"),
    col("Primary Phone Type", "phoneNumbers[$(type)].primary"),
    was(
        "Work Address Street",
        "Work Street Address",
        "addresses[work].streetAddress",
    ),
    was(
        "Work Address Locality",
        "Work City",
        "addresses[work].locality",
    ),
    was(
        "Work Address Region",
        "Work State",
        "addresses[work].region",
    ),
    was(
        "Work Address Postal Code",
        "Work Postal Code",
        "addresses[work].postalCode",
    ),
    was(
        "Work Address Country",
        "Work Country",
        "addresses[work].country",
    ),
    col("Work Address Formatted", "addresses[work].formatted"),
    col("Home Address Street", "addresses[home].streetAddress"),
    col("Home Address Locality", "addresses[home].locality"),
    col("Home Address Region", "addresses[home].region"),
    col("Home Address Postal Code", "addresses[home].postalCode"),
    col("Home Address Country", "addresses[home].country"),
    col("Home Address Formatted", "addresses[home].formatted"),
    col("Other Address Street", "addresses[other].streetAddress"),
    col("Other Address Locality", "addresses[other].locality"),
    col("Other Address Region", "addresses[other].region"),
    col("Other Address Postal Code", "addresses[other].postalCode"),
    col("Other Address Country", "addresses[other].country"),
    col("Other Address Formatted", "addresses[other].formatted"),
    col("Primary Address Type", "addresses[$(type)].primary"),
    col("Employee Number", "employeeNumber"),
    col("Cost Center", "costCenter"),
    was("Organization Name", "Organization", "organization"),
    col("Division", "division"),
    col("Department", "department"),
    was("Manager", "Manager Name", "manager.value"),
    col("Federated", "isFederatedUser"),
    col("ByPass Notification", "bypassNotification"),
    col("Service User", "serviceUser"),
];

/// Groups.csv.
pub const GROUPS: &[Mapping] = &[
    required(was("Name", "Display Name", "displayName")),
    col("Description", "description"),
    Mapping {
        delimiter: Some(';'),
        ..col("User Members", "members[User].value")
    },
];

/// AppRoleMembership.csv: one Grant of an app role per row (see `import.rs`).
pub const APP_ROLES: &[Mapping] = &[
    col("App Name", "app.value"),
    required(was(
        "Entitlement Value",
        "Display Name",
        "entitlement.attributeValue",
    )),
    col("Entitlement Name", "entitlement.attributeName"),
    required(was("Grantee Name", "Member", "grantee.value")),
    was("Grantee Type", "Member Type", "grantee.type"),
];

/// The catalogue of a file.
pub fn catalogue(kind: Kind) -> &'static [Mapping] {
    match kind {
        Kind::Users => USERS,
        Kind::Groups => GROUPS,
        Kind::AppRoles => APP_ROLES,
    }
}

/// Which element of a multi-valued attribute a column reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Select {
    /// A single-valued attribute.
    One,
    /// The element whose `type` is this (`emails[work]`).
    Type(String),
    /// The cell is the `type` of the primary element (`emails[$(type)].primary`).
    PrimaryType,
}

/// Where one column's cells go in a resource of the tenant's schema (canonical names).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The extension holding the attribute; `None` at the top level.
    pub urn: Option<String>,
    /// The attribute.
    pub attr: String,
    /// Which element, for a multi-valued attribute.
    pub select: Select,
    /// The sub-attribute, if any.
    pub sub: Option<String>,
    /// The cell names a resource of this type by its key, stored as its id.
    pub refers: Option<String>,
    /// The attribute (or sub-attribute) definition's type, mutability and the rest.
    pub leaf: Attribute,
    /// The attribute (not the sub-attribute) is multi-valued.
    pub multi: bool,
}

impl Target {
    /// The SCIM path of the column's attribute, for errors and PATCH:
    /// `urn:...:department`, `name.givenName`, `emails[type eq "work"].value`.
    pub fn path(&self) -> String {
        let mut path = String::new();
        if let Some(urn) = &self.urn {
            path.push_str(urn);
            path.push(':');
        }
        path.push_str(&self.attr);
        if let Select::Type(ty) = &self.select {
            path.push_str("[type eq ");
            path.push_str(&quote(ty));
            path.push(']');
        }
        if let Some(sub) = &self.sub {
            path.push('.');
            path.push_str(sub);
        }
        path
    }
}

/// A JSON string literal (filter literals are JSON strings).
pub(crate) fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// One column of a file, resolved against a tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The current heading (what an export writes).
    pub heading: String,
    /// Another heading an import reads for it.
    pub older: Option<String>,
    /// `mapsTo`, as in the catalogue (the attribute name for a generated column).
    pub maps_to: String,
    /// `multiValueDelimiter`.
    pub delimiter: Option<char>,
    /// The import needs this column.
    pub required: bool,
    /// Generated from a custom or extension attribute rather than the catalogue.
    pub custom: bool,
    /// Where the cells go.
    pub target: Target,
}

impl Column {
    /// Whether a heading names this column (ignoring case and surrounding spaces; a
    /// generated column also answers to its URN-qualified attribute name).
    pub fn answers_to(&self, heading: &str) -> bool {
        let heading = heading.trim();
        heading.eq_ignore_ascii_case(&self.heading)
            || self
                .older
                .as_deref()
                .is_some_and(|o| heading.eq_ignore_ascii_case(o))
            || (self.custom
                && self
                    .target
                    .urn
                    .as_deref()
                    .is_some_and(|urn| qualified(urn, &self.target.attr, heading)))
    }

    /// Whether an export writes this column: the value can be read back
    /// (`returned: never` and write-only values cannot).
    pub fn exported(&self) -> bool {
        self.target.leaf.returned != Returned::Never
            && self.target.leaf.mutability != Mutability::WriteOnly
    }
}

/// `heading` is `urn:name`.
fn qualified(urn: &str, name: &str, heading: &str) -> bool {
    heading.len() == urn.len() + 1 + name.len()
        && heading
            .get(..urn.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(urn))
        && heading.as_bytes().get(urn.len()) == Some(&b':')
        && heading
            .get(urn.len() + 1..)
            .is_some_and(|h| h.eq_ignore_ascii_case(name))
}

/// A file's columns for one tenant: the catalogue's that the tenant serves, then the
/// generated ones; and the catalogue headings it does not serve.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    /// The served columns, catalogue order then generated.
    pub columns: Vec<Column>,
    /// Catalogue columns whose attribute the tenant does not serve.
    pub unserved: Vec<&'static Mapping>,
}

/// Resolves a file's catalogue against a resource type of the tenant, and generates a
/// column for each other simple, single-valued, writable attribute.
pub fn columns(kind: Kind, rs: &ResourceSchema) -> Columns {
    let mut columns = Vec::new();
    let mut unserved = Vec::new();
    for mapping in catalogue(kind) {
        match resolve(rs, mapping.maps_to) {
            Some(target) => columns.push(Column {
                heading: mapping.heading.to_string(),
                older: mapping.older.map(str::to_string),
                maps_to: mapping.maps_to.to_string(),
                delimiter: mapping.delimiter,
                required: mapping.required,
                custom: false,
                target,
            }),
            None => unserved.push(mapping),
        }
    }
    if kind != Kind::AppRoles {
        generate(rs, &mut columns);
    }
    Columns { columns, unserved }
}

/// Adds a column for each simple, single-valued, writable attribute no column covers.
fn generate(rs: &ResourceSchema, columns: &mut Vec<Column>) {
    let core = rs.core.attributes.iter().map(|a| (None, a));
    let extensions = rs.extensions.iter().flat_map(|e| {
        e.schema
            .attributes
            .iter()
            .map(move |a| (Some(e.schema.id.as_str()), a))
    });
    for (urn, attr) in core.chain(extensions) {
        let simple = attr.ty != AttrType::Complex && !attr.multi_valued && !attr.computed;
        let writable = attr.mutability != Mutability::ReadOnly;
        let covered = columns.iter().any(|c| {
            c.target.sub.is_none() && c.target.attr == attr.name && c.target.urn.as_deref() == urn
        });
        if !simple || !writable || covered {
            continue;
        }
        // The attribute's name, unless a heading already reads that way.
        let taken = columns.iter().any(|c| c.answers_to(&attr.name));
        let heading = match (urn, taken) {
            (Some(urn), true) => format!("{urn}:{}", attr.name),
            _ => attr.name.clone(),
        };
        columns.push(Column {
            heading,
            older: None,
            maps_to: attr.name.clone(),
            delimiter: None,
            required: false,
            custom: true,
            target: Target {
                urn: urn.map(str::to_string),
                attr: attr.name.clone(),
                select: Select::One,
                sub: None,
                refers: None,
                leaf: attr.clone(),
                multi: false,
            },
        });
    }
}

/// Resolves a `mapsTo` against a resource type; `None` when the tenant does not serve it.
pub fn resolve(rs: &ResourceSchema, maps_to: &str) -> Option<Target> {
    let (head, sub) = match maps_to.split_once('.') {
        Some((head, sub)) => (head, Some(sub)),
        None => (maps_to, None),
    };
    let (name, select) = match head.split_once('[') {
        Some((name, rest)) => {
            let inner = rest.strip_suffix(']')?;
            let select = if inner == "$(type)" {
                Select::PrimaryType
            } else {
                Select::Type(inner.to_string())
            };
            (name, select)
        }
        None => (head, Select::One),
    };
    let (container, attr) = rs.resolve(None, name)?;
    let urn = match container {
        Container::Core => None,
        Container::Extension(urn) => Some(urn.to_string()),
    };
    let leaf = match sub {
        Some(sub) => attr.sub(sub)?,
        None => attr,
    };
    if leaf.ty == AttrType::Complex || attr.computed || leaf.mutability == Mutability::ReadOnly {
        return None;
    }
    match &select {
        Select::One if attr.multi_valued && sub.is_none() => return None,
        Select::Type(_) | Select::PrimaryType
            if !attr.multi_valued || attr.sub("type").is_none() =>
        {
            return None
        }
        _ => {}
    }
    let refers = match (&select, leaf.name.as_str(), attr.sub("$ref")) {
        (_, "value", Some(reference)) => {
            let types = &reference.reference_types;
            match &select {
                Select::Type(ty) => types.iter().find(|t| t.eq_ignore_ascii_case(ty)).cloned(),
                _ if types.len() == 1 => types.first().cloned(),
                _ => None,
            }
        }
        _ => None,
    };
    Some(Target {
        urn,
        attr: attr.name.clone(),
        select,
        sub: sub.map(|_| leaf.name.clone()),
        refers,
        leaf: leaf.clone(),
        multi: attr.multi_valued,
    })
}

/// For each cell of a header row, the column it names (`None`: a catalogue heading the
/// tenant does not serve, whose cells are ignored). An unknown heading, a column named
/// twice and a missing required column are errors naming them.
pub fn match_header(columns: &Columns, header: &[&str]) -> Result<Vec<Option<usize>>> {
    let mut matched = Vec::with_capacity(header.len());
    let mut unknown = Vec::new();
    for heading in header {
        if heading.trim().is_empty() {
            matched.push(None);
            continue;
        }
        if let Some(i) = columns.columns.iter().position(|c| c.answers_to(heading)) {
            if matched.contains(&Some(i)) {
                return Err(ScimError::invalid_value(format!(
                    "the header names column \"{}\" twice",
                    heading.trim()
                )));
            }
            matched.push(Some(i));
        } else if columns.unserved.iter().any(|m| {
            heading.trim().eq_ignore_ascii_case(m.heading)
                || m.older
                    .is_some_and(|o| heading.trim().eq_ignore_ascii_case(o))
        }) {
            matched.push(None);
        } else {
            unknown.push(heading.trim());
        }
    }
    if !unknown.is_empty() {
        return Err(ScimError::invalid_value(format!(
            "unknown column{} {}: the columns are those of GET \
             /admin/v1/ResourceTypeSchemaAttributes (idcsCsvAttributeName)",
            if unknown.len() == 1 { "" } else { "s" },
            list(&unknown)
        )));
    }
    let missing: Vec<&str> = columns
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| c.required && !matched.contains(&Some(*i)))
        .map(|(_, c)| c.heading.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ScimError::invalid_value(format!(
            "the header lacks the required column{} {}",
            if missing.len() == 1 { "" } else { "s" },
            list(&missing)
        )));
    }
    Ok(matched)
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    quoted.join(", ")
}

#[cfg(test)]
mod tests;
