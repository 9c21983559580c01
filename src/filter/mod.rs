//! SCIM filters (RFC 7644 section 3.4.2.2): parse, print, compile against a schema, evaluate.
//!
//! (Contract in place; the parser and evaluator are being written.)

use crate::error::{Result, ScimError};
use crate::schema::{Attribute, ResourceSchema};
use alloc::boxed::Box;
use alloc::string::String;
use core::cmp::Ordering;
use serde_json::Value;

/// An attribute path: `[urn ":"] name ["." sub]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN prefix, if the path is qualified.
    pub urn: Option<String>,
    /// The attribute name, as written.
    pub name: String,
    /// The sub-attribute name, as written.
    pub sub: Option<String>,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `co`
    Co,
    /// `sw`
    Sw,
    /// `ew`
    Ew,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

/// A comparison literal (`compValue`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, kept as written so printing round-trips.
    Number(String),
    /// A string (unescaped).
    String(String),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `attrPath pr`
    Present(AttrPath),
    /// `attrPath op value`
    Compare(AttrPath, CompareOp, Literal),
    /// `attrPath "[" valFilter "]"`, optionally followed by `.sub op value` / `.sub pr`
    /// (an Entra form: `emails[type eq "work"].value eq "x"`), which `then` holds with paths
    /// relative to the element.
    ValuePath {
        /// The multi-valued (or complex) attribute.
        attr: AttrPath,
        /// The filter applied to each element.
        filter: Box<Filter>,
        /// An extra condition on the same element, from the trailing `.sub ...` form.
        then: Option<Box<Filter>>,
    },
    /// `not (f)`
    Not(Box<Filter>),
    /// `a and b`
    And(Box<Filter>, Box<Filter>),
    /// `a or b`
    Or(Box<Filter>, Box<Filter>),
}

/// A filter resolved against a schema, ready to evaluate many times.
#[derive(Debug, Clone)]
pub struct Compiled {
    _todo: (),
}

/// Parses a filter. Errors are 400 `invalidFilter` naming the character position.
pub fn parse(text: &str) -> Result<Filter> {
    let _ = text;
    Err(ScimError::new(501, None, "filters are not implemented yet"))
}

/// Compiles a filter for one resource type.
pub fn compile(filter: &Filter, rs: &ResourceSchema, strict: bool) -> Result<Compiled> {
    let _ = (filter, rs, strict);
    Err(ScimError::new(501, None, "filters are not implemented yet"))
}

/// Compiles a filter whose paths are relative to one element of a complex attribute
/// (the `[...]` of a PATCH path such as `emails[type eq "work"]`).
pub fn compile_element(filter: &Filter, attr: &Attribute) -> Result<Compiled> {
    let _ = (filter, attr);
    Err(ScimError::new(501, None, "filters are not implemented yet"))
}

impl Filter {
    /// Whether any attribute path in the filter names this top-level attribute.
    pub fn references(&self, name: &str) -> bool {
        let _ = name;
        false
    }
}

impl Compiled {
    /// Whether a stored resource (or, for [`compile_element`], one element) matches.
    pub fn matches(&self, value: &Value) -> bool {
        let _ = value;
        false
    }
}

/// Typed, schema-aware ordering of two values of one attribute (strings ignoring case
/// unless `caseExact`, numbers numerically, date-times as instants, booleans false < true).
pub fn compare_values(attr: &Attribute, a: &Value, b: &Value) -> Ordering {
    let _ = (attr, a, b);
    Ordering::Equal
}
