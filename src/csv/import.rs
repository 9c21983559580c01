//! Importing a file: each row creates or updates one resource (a user by its `User Name`,
//! a group by its `Name`; AppRoleMembership.csv rows grant app roles, `approles.rs`), as
//! its own write through the engine's operations, so a bad row fails with its reason and
//! changes nothing while the others go on.
//!
//! The [`Importer`] checks the whole file first (size, row count, header) and writes
//! nothing if any of that fails. Then [`Importer::step`] processes up to a budget of rows
//! and returns their outcomes and the changes to persist; [`Importer::cursor`] says where
//! it stands, and [`Importer::resume`] picks the file up there after the host was evicted
//! (rows done / [`Importer::total`] is the progress).
//!
//! Row rules (identity domains' where they are documented, ours where not):
//! - cells wrapped against formula injection (`'@x'`) are unwrapped (`formula.rs`);
//! - an empty cell leaves the attribute as it is; a row of empty cells is skipped;
//! - creating needs every required column filled (Users: User Name, First Name, Last
//!   Name, Work Email); updating needs only the key, and a row that changes nothing is
//!   reported `Unchanged`;
//! - a clear password is stored as `{PBKDF2-HMAC-SHA256}` (`secret::pbkdf2_sha256`), a
//!   pre-hashed one (`{SSHA256}...`, `{PBKDF2-HMAC-SHA512}...`) as given; SCIM never
//!   returns either;
//! - `Manager` and `User Members` name users by user name; an unknown one fails the row;
//!   members are added to a group, never removed;
//! - `Primary Email Type` (and phone, address) marks the element of that type primary,
//!   which the row (or, updating, the resource) must have.
//!
//! Steps of about a thousand rows keep each step's change set small for the host.

use super::approles;
use super::columns::{self, Column, Select, Target};
use super::formula::unescape;
use super::lookup;
use super::read::{count_rows, Record, Records, LIMITS};
use super::Kind;
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::operation::{execute, Operation, Write};
use crate::persona::Caller;
use crate::schema::builtin::PATCH_OP;
use crate::schema::{AttrType, Mutability, ResourceSchema};
use crate::secret;
use crate::tenant::{ChangeSet, Tenant};
use crate::value::{Map, Text, Value};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where an import stands: the byte offset of the next row and its number. A host keeps
/// it with the file to resume after an eviction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Where the next row starts in the file.
    pub offset: usize,
    /// The next row's number (data rows count from 1).
    pub row: usize,
}

/// What a job passes besides the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// AppRoleMembership.csv: the app when the file has no `App Name` column (the
    /// `appDisplayName` parameter of an `AppRoleImport` job).
    pub app_display_name: Option<String>,
    /// Who the rows are written for (`idcsCreatedBy`, `idcsLastModifiedBy` of an identity
    /// domain: the app or user that scheduled the job); `None`: the server itself.
    pub caller: Option<Caller>,
}

/// What a row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new resource.
    Created,
    /// An existing resource changed.
    Updated,
    /// An existing resource already had every value of the row.
    Unchanged,
    /// The row is empty.
    Skipped,
}

/// A row that went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// What it did.
    pub action: Action,
    /// The resource it wrote (none for a skipped row).
    pub id: Option<Text>,
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    /// The row's number: the first row after the header is 1.
    pub row: usize,
    /// What the row names: the user name, the group name, the grantee.
    pub key: String,
    /// What it did, or why it failed (it then changed nothing).
    pub result: Result<Applied>,
}

/// What one step did: the rows' outcomes and everything they changed, to persist.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Step {
    /// One per row read, in file order.
    pub outcomes: Vec<RowOutcome>,
    /// The writes of the rows that went through.
    pub changes: ChangeSet,
}

/// An import in progress over a file.
#[derive(Debug, Clone)]
pub struct Importer<'a> {
    kind: Kind,
    records: Records<'a>,
    plan: Plan,
    total: usize,
}

#[derive(Debug, Clone)]
enum Plan {
    Resources(ResourcePlan),
    Grants(approles::Plan),
}

impl<'a> Importer<'a> {
    /// Checks a file for a tenant: its size and row count against identity domains'
    /// limits, then its header against the columns the tenant serves. Nothing is written;
    /// an error here is the whole file's.
    pub fn new(kind: Kind, data: &'a [u8], tenant: &Tenant, options: &Options) -> Result<Self> {
        let total = count_rows(data, &LIMITS)?;
        Importer::start(kind, data, tenant, options, None, total)
    }

    /// [`Importer::new`], then on from `cursor` (which an earlier importer of the same
    /// file gave): the header and the whole file are checked again.
    pub fn resume(
        kind: Kind,
        data: &'a [u8],
        tenant: &Tenant,
        options: &Options,
        cursor: Cursor,
    ) -> Result<Self> {
        let total = count_rows(data, &LIMITS)?;
        Importer::start(kind, data, tenant, options, Some(cursor), total)
    }

    /// [`Importer::resume`] for a file already counted (`total` rows, what an earlier
    /// importer of the same bytes said): the header is checked again, the rows are not
    /// counted again. A job resumes each step this way instead of rescanning its file.
    pub fn resume_counted(
        kind: Kind,
        data: &'a [u8],
        tenant: &Tenant,
        options: &Options,
        cursor: Cursor,
        total: usize,
    ) -> Result<Self> {
        // A count from elsewhere is trusted only for a file within the limits; counting
        // any other refuses it.
        let total = if data.len() > LIMITS.max_bytes || total > LIMITS.max_rows {
            count_rows(data, &LIMITS)?
        } else {
            total
        };
        Importer::start(kind, data, tenant, options, Some(cursor), total)
    }

    /// The header checked against the tenant's columns, the rows from `cursor` on.
    fn start(
        kind: Kind,
        data: &'a [u8],
        tenant: &Tenant,
        options: &Options,
        cursor: Option<Cursor>,
        total: usize,
    ) -> Result<Self> {
        let mut records = Records::new(data, LIMITS);
        let header: Vec<String> = match records.next_record() {
            None => {
                return Err(ScimError::invalid_value(format!(
                    "the file is empty: {} starts with a header row naming its columns",
                    kind.file_name()
                )))
            }
            Some((_, Err(e))) => {
                return Err(ScimError::invalid_value(format!(
                    "the header row: {}",
                    e.detail
                )))
            }
            Some((_, Ok(header))) => header.cells().iter().map(|c| c.to_string()).collect(),
        };
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rs = tenant
            .resource_types()
            .iter()
            .find(|rs| rs.name == kind.resource_type())
            .ok_or_else(|| not_served(kind))?;
        let plan = match kind {
            Kind::AppRoles => Plan::Grants(approles::Plan::new(&header, rs, options)?),
            Kind::Users | Kind::Groups => {
                let mut plan = ResourcePlan::new(kind, &header, rs)?;
                plan.caller = options.caller.clone();
                Plan::Resources(plan)
            }
        };
        let mut importer = Importer {
            kind,
            records,
            plan,
            total,
        };
        if let Some(cursor) = cursor.filter(|c| c.row > importer.records.next_number()) {
            importer.records = Records::resume(data, cursor.offset, cursor.row, LIMITS);
        }
        Ok(importer)
    }

    /// Which file this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// How many rows the file has (the header not counted).
    pub fn total(&self) -> usize {
        self.total
    }

    /// How many rows are done.
    pub fn done(&self) -> usize {
        self.records.next_number().saturating_sub(1)
    }

    /// Whether every row is done.
    pub fn is_finished(&self) -> bool {
        self.done() >= self.total
    }

    /// Where the import stands, to resume it.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            offset: self.records.offset(),
            row: self.records.next_number(),
        }
    }

    /// Headings of the file whose columns this tenant does not serve: their cells are
    /// ignored (`Federated` where there is no identity domains user extension).
    pub fn ignored(&self) -> &[String] {
        match &self.plan {
            Plan::Resources(plan) => &plan.ignored,
            Plan::Grants(_) => &[],
        }
    }

    /// Processes up to `budget` rows, each as its own write, and returns their outcomes
    /// and the changes of those that went through. A budget of 0 counts as 1, so every
    /// step makes progress.
    pub fn step(&mut self, tenant: &mut Tenant, env: &mut Env, budget: usize) -> Step {
        let budget = budget.max(1);
        let mut step = Step::default();
        let Importer { records, plan, .. } = self;
        while step.outcomes.len() < budget {
            let Some((row, record)) = records.next_record() else {
                break;
            };
            let outcome = match record {
                Err(e) => RowOutcome {
                    row,
                    key: String::new(),
                    result: Err(e),
                },
                Ok(record) if record.is_blank() => RowOutcome {
                    row,
                    key: String::new(),
                    result: Ok(Applied {
                        action: Action::Skipped,
                        id: None,
                    }),
                },
                Ok(record) => {
                    let (key, result) = match plan {
                        Plan::Resources(plan) => {
                            let key = plan.key_of(&record);
                            let result =
                                plan.write(tenant, env, &mut step.changes, row, &record, key);
                            (key.to_string(), result)
                        }
                        Plan::Grants(plan) => plan.apply(tenant, env, &mut step.changes, &record),
                    };
                    RowOutcome { row, key, result }
                }
            };
            step.outcomes.push(outcome);
        }
        step
    }
}

fn not_served(kind: Kind) -> ScimError {
    let why = match kind {
        Kind::AppRoles => {
            ": AppRoleMembership.csv grants identity domains' app roles (Apps, AppRoles, Grants)"
        }
        Kind::Users | Kind::Groups => "",
    };
    ScimError::invalid_value(format!(
        "this server serves no {} resources{why}",
        kind.resource_type()
    ))
}

/// How a Users.csv or Groups.csv file's header maps onto the tenant's columns.
#[derive(Debug, Clone)]
struct ResourcePlan {
    kind: Kind,
    /// The type's core schema URN, for `schemas`.
    core_urn: String,
    columns: Vec<Column>,
    /// (header position, column index) of each served column the header names.
    cells: Vec<(usize, usize)>,
    /// The header position of the key column.
    key: usize,
    /// Headings the tenant does not serve.
    ignored: Vec<String>,
    /// Who the rows are written for.
    caller: Option<Caller>,
}

/// One cell, ready to write.
enum Cell {
    /// A value as the engine takes it (it converts `TRUE`, `42` to their types).
    Value(Value),
    /// Resources a list names, by id.
    Ids(Vec<Text>),
    /// The type of the element to make primary.
    PrimaryType(String),
}

impl ResourcePlan {
    fn new(kind: Kind, header: &[&str], rs: &ResourceSchema) -> Result<ResourcePlan> {
        let all = columns::columns(kind, rs);
        let matched = columns::match_header(&all, header)?;
        let key_attr = super::key_attribute(kind.resource_type());
        let mut cells = Vec::new();
        let mut ignored = Vec::new();
        let mut key = None;
        for (position, column) in matched.iter().enumerate() {
            match column {
                Some(index) => {
                    cells.push((position, *index));
                    let target = all.columns.get(*index).map(|c| &c.target);
                    if target
                        .is_some_and(|t| t.urn.is_none() && t.sub.is_none() && t.attr == key_attr)
                    {
                        key = Some(position);
                    }
                }
                None => {
                    if let Some(heading) = header.get(position).filter(|h| !h.trim().is_empty()) {
                        ignored.push(heading.trim().to_string());
                    }
                }
            }
        }
        // The key column is required, so a matched header has it.
        let key = key.ok_or_else(|| {
            ScimError::invalid_value(format!("the header names no {key_attr} column"))
        })?;
        Ok(ResourcePlan {
            caller: None,
            kind,
            core_urn: rs.core.id.clone(),
            columns: all.columns,
            cells,
            key,
            ignored,
        })
    }

    fn key_heading(&self) -> &str {
        self.cells
            .iter()
            .find(|(position, _)| *position == self.key)
            .and_then(|(_, index)| self.columns.get(*index))
            .map_or("", |c| c.heading.as_str())
    }

    /// The row's key cell (its User Name or group Name), formula quotes removed.
    fn key_of<'r>(&self, record: &'r Record<'_>) -> &'r str {
        unescape(record.get(self.key))
    }

    fn write(
        &self,
        tenant: &mut Tenant,
        env: &mut Env,
        changes: &mut ChangeSet,
        row: usize,
        record: &Record<'_>,
        key: &str,
    ) -> Result<Applied> {
        if key.is_empty() {
            return Err(ScimError::invalid_value(format!(
                "{} is empty",
                self.key_heading()
            )));
        }
        let resource_type = self.kind.resource_type();
        let existing = lookup::by_key(tenant, resource_type, key, env.base_url)?;
        let mut cells = Vec::with_capacity(self.cells.len());
        for (position, index) in &self.cells {
            let text = unescape(record.get(*position));
            let Some(column) = self.columns.get(*index).filter(|_| !text.is_empty()) else {
                continue;
            };
            // The key finds the resource; an update does not rewrite it (`ANN` for `ann`).
            if existing.is_some() && *position == self.key {
                continue;
            }
            let cell = self
                .cell(tenant, env, column, text, row, key)
                .map_err(|e| in_column(column, e))?;
            cells.push((column, cell));
        }
        match existing {
            None => self.create(tenant, env, changes, &cells),
            Some(id) => self.update(tenant, env, changes, id, &cells),
        }
    }

    /// A cell's text as what is written: ids for names, a digest for a clear password.
    fn cell(
        &self,
        tenant: &Tenant,
        env: &Env,
        column: &Column,
        text: &str,
        row: usize,
        key: &str,
    ) -> Result<Cell> {
        let target = &column.target;
        if target.select == Select::PrimaryType {
            return Ok(Cell::PrimaryType(text.to_string()));
        }
        if let Some(referenced) = &target.refers {
            let names: Vec<&str> = match column.delimiter {
                Some(d) => text
                    .split(d)
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .collect(),
                None => vec![text],
            };
            let ids = lookup::ids_by_key(tenant, referenced, &names, env.base_url)?;
            return Ok(match (column.delimiter, ids.as_slice()) {
                (None, [id]) => Cell::Value(Value::String(id.clone())),
                _ => Cell::Ids(ids),
            });
        }
        let leaf = &target.leaf;
        if leaf.mutability == Mutability::WriteOnly
            && leaf.ty == AttrType::String
            && !secret::is_digest(text)
        {
            let salt = salt(self.kind, key, row, env.now_ms);
            let sealed = secret::pbkdf2_sha256(text, &salt, secret::PBKDF2_ITERATIONS);
            return Ok(Cell::Value(Value::String(Text::from(sealed))));
        }
        Ok(Cell::Value(Value::from(text)))
    }

    fn create(
        &self,
        tenant: &mut Tenant,
        env: &mut Env,
        changes: &mut ChangeSet,
        cells: &[(&Column, Cell)],
    ) -> Result<Applied> {
        let resource_type = self.kind.resource_type();
        let what = match self.kind {
            Kind::Groups => "a group",
            Kind::Users | Kind::AppRoles => "a user",
        };
        for column in self.columns.iter().filter(|c| c.required) {
            if !cells.iter().any(|(c, _)| c.heading == column.heading) {
                return Err(ScimError::invalid_value(format!(
                    "{} is required to create {what}",
                    column.heading
                )));
            }
        }
        let mut resource = Map::new();
        // `schemas` (a strict tenant wants it): the core, then each extension written.
        let mut schemas = vec![Value::from(self.core_urn.as_str())];
        for urn in cells.iter().filter_map(|(c, _)| c.target.urn.as_deref()) {
            if !schemas.iter().any(|s| s.as_str() == Some(urn)) {
                schemas.push(Value::from(urn));
            }
        }
        resource.insert("schemas", Value::Array(schemas));
        // Elements first, then which of them is primary.
        for (column, cell) in cells {
            place(&mut resource, &column.target, cell);
        }
        for (column, cell) in cells {
            if let Cell::PrimaryType(ty) = cell {
                mark_primary(&mut resource, &column.target, ty)
                    .map_err(|e| in_column(column, e))?;
            }
        }
        let stored = tenant.create_as(
            resource_type,
            Value::Object(resource),
            self.caller.as_ref(),
            env,
            changes,
        )?;
        Ok(Applied {
            action: Action::Created,
            id: stored.get("id").and_then(Value::as_str).map(Text::new),
        })
    }

    fn update(
        &self,
        tenant: &mut Tenant,
        env: &mut Env,
        changes: &mut ChangeSet,
        id: Text,
        cells: &[(&Column, Cell)],
    ) -> Result<Applied> {
        if cells.is_empty() {
            return Ok(Applied {
                action: Action::Unchanged,
                id: Some(id),
            });
        }
        let operations: Vec<Value> = cells
            .iter()
            .map(|(c, cell)| operation(&c.target, cell))
            .collect();
        let type_index = tenant
            .type_index(self.kind.resource_type())
            .ok_or_else(|| not_served(self.kind))?;
        let mut body = Map::with_capacity(2);
        body.insert("schemas", Value::Array(vec![Value::from(PATCH_OP)]));
        body.insert("Operations", Value::Array(operations));
        let op = Operation {
            write: Write::Modify {
                type_index,
                id: id.to_string(),
            },
            data: Value::Object(body),
            version: None,
            caller: self.caller.as_ref(),
        };
        let before = tenant.version_seq;
        execute(tenant, op, env, changes).map_err(|e| name_operation(e, cells))?;
        // A write hands out a version; a PATCH that changes nothing does not.
        let action = if tenant.version_seq == before {
            Action::Unchanged
        } else {
            Action::Updated
        };
        Ok(Applied {
            action,
            id: Some(id),
        })
    }
}

/// A PATCH error names its operation (`Operations[2]: ...`): name the column instead.
fn name_operation(e: ScimError, cells: &[(&Column, Cell)]) -> ScimError {
    let named = e
        .detail
        .strip_prefix("Operations[")
        .and_then(|rest| rest.split_once("]: "))
        .and_then(|(index, detail)| Some((cells.get(index.parse::<usize>().ok()?)?.0, detail)));
    match named {
        Some((column, detail)) => ScimError::new(
            e.status,
            e.scim_type,
            format!("{}: {detail}", column.heading),
        ),
        None => e,
    }
}

/// A column's error, naming the column.
fn in_column(column: &Column, e: ScimError) -> ScimError {
    ScimError::new(
        e.status,
        e.scim_type,
        format!("{}: {}", column.heading, e.detail),
    )
}

/// The salt of a clear password: from the row and the time, as no random source is read.
fn salt(kind: Kind, key: &str, row: usize, now_ms: i64) -> [u8; 16] {
    let digest = Sha256::new()
        .chain_update(b"scimlet csv salt\0")
        .chain_update(kind.file_name().as_bytes())
        .chain_update(b"\0")
        .chain_update(key.as_bytes())
        .chain_update(row.to_le_bytes())
        .chain_update(now_ms.to_le_bytes())
        .finalize();
    let mut salt = [0u8; 16];
    salt.copy_from_slice(digest.get(..16).unwrap_or(&[0u8; 16]));
    salt
}

/// The object a target's attribute lives in (an extension's, made if missing).
fn holder<'m>(resource: &'m mut Map, target: &Target) -> Option<&'m mut Map> {
    match &target.urn {
        None => Some(resource),
        Some(urn) => resource
            .entry(urn.as_str())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut(),
    }
}

/// The element of a multi-valued attribute with this `type`, made if missing.
fn element<'m>(holder: &'m mut Map, attr: &str, ty: &str) -> Option<&'m mut Map> {
    let list = holder
        .entry(attr)
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()?;
    let at = match list
        .iter()
        .position(|e| e.get("type").and_then(Value::as_str) == Some(ty))
    {
        Some(at) => at,
        None => {
            let mut fresh = Map::with_capacity(3);
            fresh.insert("type", Value::from(ty));
            list.push(Value::Object(fresh));
            list.len().saturating_sub(1)
        }
    };
    list.get_mut(at)?.as_object_mut()
}

/// Writes a cell into a resource being created.
fn place(resource: &mut Map, target: &Target, cell: &Cell) {
    let Some(holder) = holder(resource, target) else {
        return;
    };
    let attr = target.attr.as_str();
    match (&target.select, target.sub.as_deref(), cell) {
        (Select::One, None, Cell::Value(v)) => {
            holder.insert(attr, v.clone());
        }
        (Select::One, Some(sub), Cell::Value(v)) => {
            if let Some(obj) = holder
                .entry(attr)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
            {
                obj.insert(sub, v.clone());
            }
        }
        (Select::Type(ty), Some(sub), Cell::Value(v)) => {
            if let Some(e) = element(holder, attr, ty) {
                e.insert(sub, v.clone());
            }
        }
        (Select::Type(_), Some(_), Cell::Ids(ids)) => {
            if let Some(list) = holder
                .entry(attr)
                .or_insert_with(|| Value::Array(Vec::new()))
                .as_array_mut()
            {
                list.extend(references(target, ids));
            }
        }
        _ => {}
    }
}

/// Marks the element of type `ty` primary, in a resource being created.
fn mark_primary(resource: &mut Map, target: &Target, ty: &str) -> Result<()> {
    let attr = target.attr.as_str();
    let found = holder(resource, target)
        .and_then(|h| h.get_mut(attr))
        .and_then(Value::as_array_mut)
        .and_then(|list| {
            list.iter_mut().find(|e| {
                e.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case(ty))
            })
        })
        .and_then(Value::as_object_mut);
    match found {
        Some(e) => {
            e.insert("primary", Value::Bool(true));
            Ok(())
        }
        None => Err(ScimError::invalid_value(format!(
            "the row has no {attr} of type \"{ty}\" to make primary"
        ))),
    }
}

/// The elements naming resources by id: `{"value": id, "type": "User"}`.
fn references<'t>(target: &'t Target, ids: &'t [Text]) -> impl Iterator<Item = Value> + 't {
    let sub = target.sub.as_deref().unwrap_or("value");
    ids.iter().map(move |id| {
        let mut element = Map::with_capacity(2);
        element.insert(sub, Value::String(id.clone()));
        if let Select::Type(ty) = &target.select {
            element.insert("type", Value::from(ty.as_str()));
        }
        Value::Object(element)
    })
}

/// The PATCH operation writing a cell into an existing resource (built directly: one or
/// more a row).
fn operation(target: &Target, cell: &Cell) -> Value {
    let whole = match &target.urn {
        Some(urn) => format!("{urn}:{}", target.attr),
        None => target.attr.clone(),
    };
    let (op, path, value) = match cell {
        Cell::Value(v) => ("replace", target.path(), v.clone()),
        Cell::Ids(ids) => (
            "add",
            whole,
            Value::Array(references(target, ids).collect()),
        ),
        Cell::PrimaryType(ty) => {
            let mut primary = Map::with_capacity(1);
            primary.insert("primary", Value::Bool(true));
            let path = format!("{whole}[type eq {}]", columns::quote(ty));
            ("replace", path, Value::Object(primary))
        }
    };
    let mut operation = Map::with_capacity(3);
    operation.insert("op", Value::from(op));
    operation.insert("path", Value::from(path));
    operation.insert("value", value);
    Value::Object(operation)
}

#[cfg(test)]
mod tests;
