//! Exporting a file: the header, then a row per resource of the type, in id order, written
//! in pieces like the administration export (`admin::ExportStream`), so a host streams it
//! or spreads it over alarms. Every cell a spreadsheet would run is wrapped (`'@x'`,
//! `formula.rs`), so importing the file back gives the same resources.
//!
//! The [`Exporter`] walks ids (`id gt` the last one written) through the engine's list
//! query, so it keeps no copy of the tenant and its [`ExportCursor`] resumes it after an
//! eviction; it is not a snapshot: a resource created during the export appears if its id
//! comes after the cursor (ids are time-ordered, so new ones do).
//!
//! What is written: the columns the tenant serves whose values can be read back
//! (`Password` and `ByPass Notification` are `returned: never`); references by name
//! (`Manager`: the manager's user name; `User Members`: the users' names, `;`-separated;
//! a name containing `;` cannot round-trip); booleans as `TRUE`/`FALSE`.

use super::columns::{self, Column, Select, Target};
use super::formula::escape;
use super::lookup;
use super::write::{push_cell, push_record};
use super::Kind;
use crate::error::{Result, ScimError};
use crate::filter::Filter;
use crate::tenant::Tenant;
use crate::value::{Text, Value};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Where an export stands, to resume it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportCursor {
    /// The id of the last resource written (`None`: none yet).
    pub after: Option<String>,
    /// Rows written so far.
    pub done: usize,
    /// Whether the header is written.
    pub header: bool,
    /// Whether every row is written.
    pub finished: bool,
}

/// An export in progress.
#[derive(Debug, Clone)]
pub struct Exporter {
    kind: Kind,
    columns: Vec<Column>,
    cursor: ExportCursor,
    total: usize,
    names: Names,
    /// Which resources (an export job's `filter`); all when `None`.
    only: Option<Filter>,
}

/// Names of referenced resources by type and id, each read once.
#[derive(Debug, Clone, Default)]
struct Names(BTreeMap<(String, Text), String>);

impl Names {
    /// The key (`userName`, `displayName`) of a referenced resource.
    fn of(&mut self, tenant: &Tenant, resource_type: &str, id: &str, base: &str) -> Option<String> {
        let key = (resource_type.to_string(), Text::new(id));
        if let Some(name) = self.0.get(&key) {
            return Some(name.clone());
        }
        let name = lookup::key_of(tenant, resource_type, id, base)?;
        self.0.insert(key, name.clone());
        Some(name)
    }
}

/// What a row's cells look names up in: the tenant, through the exporter's cache.
struct Referents<'a> {
    names: &'a mut Names,
    tenant: &'a Tenant,
    base_url: &'a str,
}

impl Referents<'_> {
    fn of(&mut self, resource_type: &str, id: &str) -> Option<String> {
        self.names.of(self.tenant, resource_type, id, self.base_url)
    }
}

/// A whole file at once.
pub fn export(kind: Kind, tenant: &Tenant, base_url: &str) -> Result<Vec<u8>> {
    let mut exporter = Exporter::new(kind, tenant)?;
    let mut out = Vec::new();
    while !exporter.is_finished() {
        out.extend(exporter.step(tenant, base_url, 1000)?);
    }
    Ok(out)
}

impl Exporter {
    /// An export of a tenant's resources of the file's type, from the start.
    pub fn new(kind: Kind, tenant: &Tenant) -> Result<Exporter> {
        Exporter::resume(kind, tenant, ExportCursor::default())
    }

    /// An export picked up at `cursor`.
    pub fn resume(kind: Kind, tenant: &Tenant, cursor: ExportCursor) -> Result<Exporter> {
        let rs = tenant
            .resource_types()
            .iter()
            .find(|rs| rs.name == kind.resource_type())
            .ok_or_else(|| {
                ScimError::invalid_value(format!(
                    "this server serves no {} resources",
                    kind.resource_type()
                ))
            })?;
        let mut columns = columns::columns(kind, rs).columns;
        columns.retain(Column::exported);
        let total = tenant.counts().get(&rs.name).copied().unwrap_or(0);
        Ok(Exporter {
            kind,
            columns,
            cursor,
            total,
            names: Names::default(),
            only: None,
        })
    }

    /// Exports only the resources matching `filter` (a SCIM filter, as a list query
    /// takes it); `total` stays the type's count.
    pub fn only(mut self, filter: &str) -> Result<Exporter> {
        self.only = Some(crate::filter::parse(filter)?);
        Ok(self)
    }

    /// Keeps only the columns `get` names (all when empty), then drops those `exclude`
    /// names; a column is named by its heading or its attribute path (`name.givenName`),
    /// ignoring case. A name no column has is an error, so a typo does not go unnoticed.
    pub fn select(mut self, get: &[String], exclude: &[String]) -> Result<Exporter> {
        let names = |c: &Column, n: &str| {
            c.heading.eq_ignore_ascii_case(n.trim())
                || c.target.path().eq_ignore_ascii_case(n.trim())
                || c.target.attr.eq_ignore_ascii_case(n.trim())
        };
        for name in get.iter().chain(exclude) {
            if !self.columns.iter().any(|c| names(c, name)) {
                return Err(ScimError::invalid_value(format!(
                    "no exported column of {} is named \"{name}\"",
                    self.kind.file_name()
                )));
            }
        }
        if !get.is_empty() {
            self.columns.retain(|c| get.iter().any(|n| names(c, n)));
        }
        self.columns
            .retain(|c| !exclude.iter().any(|n| names(c, n)));
        Ok(self)
    }

    /// How many rows the export will have (the count when it started).
    pub fn total(&self) -> usize {
        self.total
    }

    /// Rows written so far.
    pub fn done(&self) -> usize {
        self.cursor.done
    }

    /// Whether the whole file is written.
    pub fn is_finished(&self) -> bool {
        self.cursor.finished
    }

    /// Where the export stands, to resume it.
    pub fn cursor(&self) -> &ExportCursor {
        &self.cursor
    }

    /// The headings, in order.
    pub fn headings(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.heading.as_str())
    }

    /// The next piece of the file: the header first, then up to `budget` rows (at least
    /// one); empty once the export is finished.
    pub fn step(&mut self, tenant: &Tenant, base_url: &str, budget: usize) -> Result<Vec<u8>> {
        let budget = budget.max(1);
        let mut out = Vec::new();
        if self.cursor.finished {
            return Ok(out);
        }
        if !self.cursor.header {
            push_record(&mut out, self.columns.iter().map(|c| c.heading.as_str()));
            self.cursor.header = true;
        }
        let attributes = self.attributes();
        let attributes: Vec<&str> = attributes.iter().map(String::as_str).collect();
        let mut written = 0usize;
        while written < budget {
            let want = budget - written;
            let page = lookup::after(
                tenant,
                self.kind.resource_type(),
                self.cursor.after.as_deref(),
                self.only.as_ref(),
                &attributes,
                want,
                base_url,
            )?;
            if page.is_empty() {
                self.cursor.finished = true;
                break;
            }
            for view in &page {
                self.row(tenant, base_url, view, &mut out);
                written += 1;
                self.cursor.done += 1;
                self.cursor.after = view.get("id").and_then(Value::as_str).map(String::from);
            }
        }
        Ok(out)
    }

    /// The top-level attributes the columns read (URN-qualified for extensions).
    fn attributes(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for column in &self.columns {
            let name = match &column.target.urn {
                Some(urn) => format!("{urn}:{}", column.target.attr),
                None => column.target.attr.clone(),
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// Writes one resource's row.
    fn row(&mut self, tenant: &Tenant, base_url: &str, view: &Value, out: &mut Vec<u8>) {
        let mut names = Referents {
            names: &mut self.names,
            tenant,
            base_url,
        };
        for (i, column) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let text = match self.kind {
                Kind::AppRoles => grant_cell(&mut names, view, column),
                Kind::Users | Kind::Groups => cell(&mut names, view, column),
            };
            push_cell(out, &escape(&text));
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// One cell of a user or a group.
fn cell(names: &mut Referents<'_>, view: &Value, column: &Column) -> String {
    let target = &column.target;
    let Some(value) = holder(view, target).and_then(|h| h.get(&target.attr)) else {
        return String::new();
    };
    let sub = target.sub.as_deref();
    match (&target.select, &target.refers) {
        (Select::One, None) => text(sub.map_or(Some(value), |s| value.get(s))),
        (Select::One, Some(referenced)) => {
            let id = sub.and_then(|s| value.get(s)).and_then(Value::as_str);
            id.and_then(|id| names.of(referenced, id))
                .unwrap_or_default()
        }
        (Select::Type(ty), None) => {
            let element = elements(value).find(|e| has_type(e, ty));
            text(element.and_then(|e| sub.and_then(|s| e.get(s))))
        }
        (Select::Type(ty), Some(referenced)) => {
            let delimiter = column.delimiter.unwrap_or(';');
            let mut joined = String::new();
            let ids = elements(value)
                .filter(|e| has_type(e, ty))
                .filter_map(|e| sub.and_then(|s| e.get(s)).and_then(Value::as_str));
            for id in ids {
                if let Some(name) = names.of(referenced, id) {
                    if !joined.is_empty() {
                        joined.push(delimiter);
                    }
                    joined.push_str(&name);
                }
            }
            joined
        }
        (Select::PrimaryType, _) => elements(value)
            .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
            .and_then(|e| e.get("type"))
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_default(),
    }
}

/// One cell of an app-role grant: names for the ids a Grant holds.
fn grant_cell(names: &mut Referents<'_>, view: &Value, column: &Column) -> String {
    let at = |path: &str| view.pointer(path).and_then(Value::as_str).unwrap_or("");
    let (resource_type, id) = match column.maps_to.as_str() {
        "app.value" => ("App", at("/app/value")),
        "entitlement.attributeValue" => ("AppRole", at("/entitlement/attributeValue")),
        "grantee.value" => (at("/grantee/type"), at("/grantee/value")),
        "entitlement.attributeName" => return at("/entitlement/attributeName").to_string(),
        "grantee.type" => return at("/grantee/type").to_string(),
        _ => return String::new(),
    };
    names.of(resource_type, id).unwrap_or_default()
}

/// The object holding a target's attribute in a resource.
fn holder<'v>(view: &'v Value, target: &Target) -> Option<&'v Value> {
    match &target.urn {
        Some(urn) => view.get(urn.as_str()),
        None => Some(view),
    }
}

fn elements(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

fn has_type(element: &Value, ty: &str) -> bool {
    element.get("type").and_then(Value::as_str) == Some(ty)
}

/// A simple value as a cell.
fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Bool(true)) => "TRUE".to_string(),
        Some(Value::Bool(false)) => "FALSE".to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
