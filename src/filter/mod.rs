//! SCIM filters (RFC 7644 section 3.4.2.2): parse, print, compile against a schema, evaluate.
//!
//! ```
//! use scimlet::filter::{compile, parse};
//! use scimlet::schema::builtin::resource_types;
//! use scimlet::json;
//!
//! let filter = parse(r#"emails[type eq "work" and value co "@example.com"] or userName sw "bj""#)?;
//! assert_eq!(
//!     filter.to_string(),
//!     r#"emails[type eq "work" and value co "@example.com"] or userName sw "bj""#
//! );
//! let users = &resource_types()[0];
//! let compiled = compile(&filter, users, true)?;
//! assert!(compiled.matches(&json!({"userName": "BJensen"})));
//! # Ok::<(), scimlet::ScimError>(())
//! ```
//!
//! - [`parse`] reads the text (the RFC grammar plus what real clients send: bare values,
//!   any case, Entra's `emails[type eq "work"].value eq "x"`), with character positions in
//!   its errors and bounded nesting ([`MAX_NESTING`], [`MAX_EXPRESSIONS`]).
//! - `Display` prints canonical text: `parse(&f.to_string()) == Ok(f)`.
//! - [`compile`] / [`compile_element`] resolve names and types once; [`Compiled::matches`]
//!   then evaluates without allocating. The semantics (multi-valued, `ne`, `null`,
//!   unknown attributes) are listed in the `compile` module docs and on [`compile`].
//! - [`compare_values`] is the same typed comparison, as an order for sorting.

mod compare;
mod compile;
mod parse;
mod print;

use crate::error::Result;
use crate::schema::{Attribute, ResourceSchema};
use crate::value::Value;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

pub use compare::compare_values;
pub(crate) use compare::hash_value;
pub(crate) use compare::Num;
pub use parse::{parse, MAX_EXPRESSIONS, MAX_NESTING};

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

impl Filter {
    /// The operands of the left-leaning `and` chain (`and` true) or `or` chain this node
    /// heads, first to last; just `[self]` otherwise. Walked with a loop, so a long chain
    /// costs no stack.
    pub(crate) fn chain_operands(&self, and: bool) -> Vec<&Filter> {
        let mut operands = Vec::new();
        let mut node = self;
        while let (Filter::And(left, right), true) | (Filter::Or(left, right), false) = (node, and)
        {
            operands.push(&**right);
            node = left;
        }
        operands.push(node);
        operands.reverse();
        operands
    }

    /// Whether any top-level attribute path of the filter (at any depth of `and`/`or`/`not`,
    /// including the attribute of a value path) names `name`, ignoring ASCII case. Paths
    /// inside `[...]` are sub-attributes and do not count. The tenant uses it to know when
    /// computed attributes such as `User.groups` must be materialized.
    pub fn references(&self, name: &str) -> bool {
        let mut pending: Vec<&Filter> = alloc::vec![self];
        while let Some(node) = pending.pop() {
            match node {
                Filter::Present(path) | Filter::Compare(path, ..) => {
                    if path.name.eq_ignore_ascii_case(name) {
                        return true;
                    }
                }
                Filter::ValuePath { attr, .. } => {
                    if attr.name.eq_ignore_ascii_case(name) {
                        return true;
                    }
                }
                Filter::Not(inner) => pending.push(inner),
                Filter::And(l, r) | Filter::Or(l, r) => {
                    pending.push(l);
                    pending.push(r);
                }
            }
        }
        false
    }
}

/// A filter resolved against a schema, ready to evaluate many times.
#[derive(Debug, Clone)]
pub struct Compiled {
    root: compile::Node,
}

/// Compiles a filter for one resource type.
///
/// Names resolve like [`ResourceSchema::resolve`] (common attributes, core, extensions;
/// URN-qualified or not; any case) and evaluation reads the canonical keys of the stored
/// form. Errors are 400 `invalidFilter`: an operator the attribute's type does not support
/// (`co` on a number, `gt` on a boolean), a literal of the wrong type (a date-time that
/// does not parse), a complex attribute without `value` compared directly, and, when
/// `strict`, an unknown attribute.
///
/// Semantics: a multi-valued attribute matches when any value matches; `ne` is `not eq`
/// (so unassigned matches `ne "x"`); `eq null` matches unassigned, `ne null` and `pr`
/// match assigned (not null, `""`, `[]` or `{}`); a complex attribute compared without a
/// sub-attribute compares its `value`; when not `strict`, an unknown attribute is
/// unassigned. Strings compare ignoring case unless `caseExact` (references and binary
/// always exactly), numbers numerically (numeric strings accepted), date-times as
/// instants, booleans with eq/ne only (`"true"`/`"False"` accepted).
pub fn compile(filter: &Filter, rs: &ResourceSchema, strict: bool) -> Result<Compiled> {
    compile::compile_resource(filter, rs, strict).map(|root| Compiled { root })
}

/// Compiles a filter whose paths are relative to one element of a complex attribute
/// (the `[...]` of a PATCH path such as `emails[type eq "work"]`).
///
/// Names are sub-attributes of `attr`; an unknown one is always an error here, since a
/// typo in a PATCH path would otherwise silently select nothing.
pub fn compile_element(filter: &Filter, attr: &Attribute) -> Result<Compiled> {
    compile::compile_for_element(filter, attr).map(|root| Compiled { root })
}

impl Compiled {
    /// Whether a stored resource (or, for [`compile_element`], one element) matches.
    pub fn matches(&self, value: &Value) -> bool {
        self.root.matches(value)
    }
}
