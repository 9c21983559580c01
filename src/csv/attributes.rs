//! `GET /admin/v1/ResourceTypeSchemaAttributes`: identity domains list the CSV columns of
//! each resource type there (`filter=resourceType eq "User" and idcsCsvAttributeName pr`),
//! so scripts can build a file a server takes. These are the entries, one per column the
//! tenant's schemas give (custom and extension attributes included), in the
//! `ResourceTypeSchemaAttribute` shape: `name`, `idcsCsvAttributeName`,
//! `idcsCsvAttributeNameMappings`, `idcsDisplayName`, `type`, `required`, `mutability`,
//! `caseExact`, `multiValued`, `idcsSearchable` and the rest. scimlet's schemas carry no
//! length bounds, so there is no `idcsMinLength`/`idcsMaxLength`. Serving them (the route,
//! its filter and projection) is the administration API's.

use super::columns::{self, Column, Select};
use super::Kind;
use crate::schema::{AttrType, ResourceSchema};
use crate::tenant::Tenant;
use crate::value::{to_value, Map, Value};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// The `ResourceTypeSchemaAttribute` schema URN.
pub const SCHEMA: &str = "urn:ietf:params:scim:schemas:oracle:idcs:ResourceTypeSchemaAttribute";

/// Every entry for a tenant: the columns of each file whose type it serves.
pub fn schema_attributes(tenant: &Tenant) -> Vec<Value> {
    [Kind::Users, Kind::Groups, Kind::AppRoles]
        .into_iter()
        .flat_map(|kind| schema_attributes_of(tenant, kind))
        .collect()
}

/// The entries of one file's columns (none when the tenant does not serve its type).
pub fn schema_attributes_of(tenant: &Tenant, kind: Kind) -> Vec<Value> {
    let Some(rs) = tenant
        .resource_types()
        .iter()
        .find(|rs| rs.name == kind.resource_type())
    else {
        return Vec::new();
    };
    columns::columns(kind, rs)
        .columns
        .iter()
        .map(|column| entry(rs, column))
        .collect()
}

/// One column's entry.
fn entry(rs: &ResourceSchema, column: &Column) -> Value {
    let target = &column.target;
    let leaf = &target.leaf;
    let urn = target.urn.clone().unwrap_or_else(|| rs.core.id.clone());
    let name = match &target.sub {
        Some(sub) => format!("{}.{sub}", target.attr),
        None => target.attr.clone(),
    };
    // The cell of `Primary Email Type` is a type's name, whatever `primary` is.
    let ty = match target.select {
        Select::PrimaryType => AttrType::String,
        Select::One | Select::Type(_) => leaf.ty,
    };
    let mut mapping = Map::with_capacity(4);
    mapping.insert("columnHeaderName", Value::from(column.heading.as_str()));
    if let Some(older) = &column.older {
        mapping.insert("deprecatedColumnHeaderName", Value::from(older.as_str()));
    }
    mapping.insert("mapsTo", Value::from(column.maps_to.as_str()));
    if let Some(delimiter) = column.delimiter {
        mapping.insert("multiValueDelimiter", Value::from(String::from(delimiter)));
    }
    let mut e = Map::with_capacity(20);
    e.insert("schemas", Value::Array(vec![Value::from(SCHEMA)]));
    e.insert("id", Value::from(id(&rs.name, &column.heading)));
    e.insert("resourceType", Value::from(rs.name.as_str()));
    e.insert("name", Value::from(name.as_str()));
    e.insert("idcsSchemaUrn", Value::from(urn.as_str()));
    e.insert(
        "idcsFullyQualifiedName",
        Value::from(format!("{urn}:{name}")),
    );
    e.insert("idcsCsvAttributeName", Value::from(column.heading.as_str()));
    e.insert(
        "idcsCsvAttributeNameMappings",
        Value::Array(vec![Value::Object(mapping)]),
    );
    e.insert("idcsDisplayName", Value::from(column.heading.as_str()));
    if !leaf.description.is_empty() {
        e.insert("description", Value::from(leaf.description.as_str()));
    }
    e.insert("type", to_value(&ty).unwrap_or(Value::Null));
    e.insert("multiValued", Value::Bool(column.delimiter.is_some()));
    e.insert("required", Value::Bool(column.required || leaf.required));
    if !leaf.canonical_values.is_empty() {
        e.insert(
            "canonicalValues",
            to_value(&leaf.canonical_values).unwrap_or(Value::Null),
        );
    }
    e.insert("caseExact", Value::Bool(leaf.case_exact));
    e.insert(
        "mutability",
        to_value(&leaf.mutability).unwrap_or(Value::Null),
    );
    e.insert("returned", to_value(&leaf.returned).unwrap_or(Value::Null));
    e.insert(
        "uniqueness",
        to_value(&leaf.uniqueness).unwrap_or(Value::Null),
    );
    e.insert("idcsSearchable", Value::Bool(true));
    e.insert("idcsCustomAttribute", Value::Bool(column.custom));
    Value::Object(e)
}

/// A stable id for a column: `User-work-email`.
fn id(resource_type: &str, heading: &str) -> String {
    let mut id = String::from(resource_type);
    id.push('-');
    let mut dash = false;
    for c in heading.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            id.push('-');
            dash = true;
        }
    }
    id
}

#[cfg(test)]
mod tests;
