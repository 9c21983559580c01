//! Compiling a [`Filter`] against a schema and evaluating the result.
//!
//! Compilation does everything that does not depend on the resource: resolves names to
//! the canonical keys resources are stored under, checks operators and literals against
//! the attribute's type, parses numbers and date-times, folds ASCII needles to lowercase,
//! and flattens `and`/`or` chains. Evaluation then only looks up exact keys and compares,
//! without allocating.
//!
//! Semantics worth knowing:
//! - A multi-valued attribute matches when any of its values (elements) matches.
//! - `ne` is exactly `not eq`: `emails.type ne "work"` matches a user with no work
//!   email, including one with no emails at all.
//! - `eq null` matches unassigned (absent, null, `""`, `[]`, `{}`), `ne null` assigned;
//!   `pr` is the same test as `ne null`.
//! - A complex attribute compared without a sub-attribute compares its `value`
//!   (`emails co "@example.com"`); `pr` and `eq null` test the attribute itself.
//! - An unknown attribute is an error when strict, otherwise unassigned: `pr` false,
//!   `eq` false, `ne` true, `eq null` true, ordering operators false.

use super::compare::{compare_text, text_contains, text_ends_with, text_eq, text_starts_with, Num};
use super::parse::MAX_NESTING;
use super::{AttrPath, CompareOp, Filter, Literal};
use crate::error::{Result, ScimError};
use crate::schema::{AttrType, Attribute, Container, ResourceSchema};
use crate::time::Instant;
use crate::value::Value;
use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

/// Recursion bound for compiling (hand-built trees may be deeper than parsed ones).
const MAX_COMPILE_DEPTH: usize = 4 * MAX_NESTING + 8;

/// A compiled filter node.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Decided at compile time (an unknown attribute in a lenient tenant).
    Const(bool),
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    /// An attribute test; `negate` turns `eq` into `ne` and `pr` into `eq null`.
    Test {
        access: Access,
        test: Test,
        negate: bool,
    },
    /// A value path: some element of the attribute matches `filter`.
    Element {
        access: Access,
        filter: Box<Node>,
    },
}

/// Where a value is read: `resource[ext][name]`, then `[sub]` of it or of each element.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    /// The extension URN key, for extension attributes.
    ext: Option<String>,
    name: String,
    sub: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Test {
    Present,
    Compare(CompareOp, Operand),
}

/// A literal converted to the attribute's type.
#[derive(Debug, Clone)]
pub(crate) enum Operand {
    /// Text; when not `case_exact`, already folded.
    Text {
        text: String,
        case_exact: bool,
    },
    Number(Num),
    Instant(Instant),
    Bool(bool),
}

/// What paths are resolved against.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// Top-level attributes of a resource type, plus the `schemas` attribute every
    /// resource carries but no schema lists (RFC 7644 filters on it).
    Resource(&'a ResourceSchema, &'a Attribute),
    /// Sub-attributes of one element of a complex attribute.
    Element(&'a Attribute),
}

/// Compiles `filter` in `scope`.
fn compile_node(filter: &Filter, scope: Scope<'_>, strict: bool, depth: usize) -> Result<Node> {
    if depth > MAX_COMPILE_DEPTH {
        return Err(ScimError::invalid_filter(format!(
            "invalid filter: it nests deeper than {MAX_NESTING} levels"
        )));
    }
    let child = |node: &Filter| compile_node(node, scope, strict, depth + 1);
    Ok(match filter {
        Filter::And(..) => Node::All(
            filter
                .chain_operands(true)
                .into_iter()
                .map(child)
                .collect::<Result<_>>()?,
        ),
        Filter::Or(..) => Node::Any(
            filter
                .chain_operands(false)
                .into_iter()
                .map(child)
                .collect::<Result<_>>()?,
        ),
        Filter::Not(inner) => Node::Not(Box::new(child(inner)?)),
        Filter::Present(path) => match resolve(path, scope, strict)? {
            None => Node::Const(false),
            Some((access, _)) => Node::Test {
                access,
                test: Test::Present,
                negate: false,
            },
        },
        Filter::Compare(path, op, literal) => match resolve(path, scope, strict)? {
            None => Node::Const(unassigned_result(*op, literal)),
            Some((access, attr)) => compare_node(path, access, attr, *op, literal)?,
        },
        Filter::ValuePath { attr, filter, then } => {
            if let Scope::Element(_) = scope {
                return Err(ScimError::invalid_filter(format!(
                    "invalid filter: a value filter \"[...]\" cannot contain another (\"{attr}[...]\")"
                )));
            }
            let Some((access, target)) = resolve(attr, scope, strict)? else {
                return Ok(Node::Const(false));
            };
            if target.ty != AttrType::Complex {
                return Err(ScimError::invalid_filter(format!(
                    "invalid filter: \"{attr}[...]\" needs a complex attribute, and \"{attr}\" is not"
                )));
            }
            let element = Scope::Element(target);
            let mut node = compile_node(filter, element, strict, depth + 1)?;
            if let Some(then) = then {
                let then = compile_node(then, element, strict, depth + 1)?;
                node = Node::All(alloc::vec![node, then]);
            }
            Node::Element {
                access,
                filter: Box::new(node),
            }
        }
    })
}

/// The public entry points.
pub(crate) fn compile_resource(filter: &Filter, rs: &ResourceSchema, strict: bool) -> Result<Node> {
    let schemas = schemas_attribute();
    compile_node(filter, Scope::Resource(rs, &schemas), strict, 0)
}

/// `schemas`: multi-valued URIs. Compared ignoring case, as URNs are.
fn schemas_attribute() -> Attribute {
    Attribute {
        name: "schemas".to_owned(),
        ty: AttrType::String,
        multi_valued: true,
        description: String::new(),
        required: true,
        canonical_values: Vec::new(),
        case_exact: false,
        mutability: crate::schema::Mutability::ReadOnly,
        returned: crate::schema::Returned::Always,
        uniqueness: crate::schema::Uniqueness::None,
        reference_types: Vec::new(),
        sub_attributes: Vec::new(),
        computed: false,
    }
}

/// Element filters (PATCH paths) are always strict: a typo there would otherwise
/// silently select nothing.
pub(crate) fn compile_for_element(filter: &Filter, attr: &Attribute) -> Result<Node> {
    compile_node(filter, Scope::Element(attr), true, 0)
}

/// What a comparison on an unassigned attribute gives.
fn unassigned_result(op: CompareOp, literal: &Literal) -> bool {
    match (op, literal) {
        (CompareOp::Eq, Literal::Null) => true,
        (CompareOp::Ne, Literal::Null) => false,
        (CompareOp::Ne, _) => true,
        _ => false,
    }
}

/// Resolves a path to where its values are read and its definition; `None` for an
/// unknown attribute when not strict.
fn resolve<'s>(
    path: &AttrPath,
    scope: Scope<'s>,
    strict: bool,
) -> Result<Option<(Access, &'s Attribute)>> {
    let found = match scope {
        Scope::Resource(rs, schemas) => rs
            .resolve(path.urn.as_deref(), &path.name)
            .and_then(|(container, attr)| {
                let ext = match container {
                    Container::Core => None,
                    Container::Extension(urn) => Some(urn.to_owned()),
                };
                with_sub(ext, attr, path.sub.as_deref())
            })
            .or_else(|| {
                let is_schemas =
                    path.urn.is_none() && path.name.eq_ignore_ascii_case(&schemas.name);
                is_schemas
                    .then(|| with_sub(None, schemas, path.sub.as_deref()))
                    .flatten()
            }),
        Scope::Element(parent) => {
            if path.urn.is_some() {
                return Err(ScimError::invalid_filter(format!(
                    "invalid filter: \"{path}\" inside \"{}[...]\" must name a sub-attribute of {} without a schema URN",
                    parent.name, parent.name
                )));
            }
            parent
                .sub(&path.name)
                .and_then(|attr| with_sub(None, attr, path.sub.as_deref()))
        }
    };
    match found {
        Some(found) => Ok(Some(found)),
        None if strict => {
            let within = match scope {
                Scope::Element(parent) => format!(" in \"{}\"", parent.name),
                Scope::Resource(rs, _) => format!(" for {}", rs.name),
            };
            Err(ScimError::invalid_filter(format!(
                "invalid filter: unknown attribute \"{path}\"{within}"
            )))
        }
        None => Ok(None),
    }
}

fn with_sub<'a>(
    ext: Option<String>,
    attr: &'a Attribute,
    sub: Option<&str>,
) -> Option<(Access, &'a Attribute)> {
    let (sub, target) = match sub {
        None => (None, attr),
        Some(sub) => {
            let sub_attr = attr.sub(sub)?;
            (Some(sub_attr.name.clone()), sub_attr)
        }
    };
    Some((
        Access {
            ext,
            name: attr.name.clone(),
            sub,
        },
        target,
    ))
}

/// `path op literal` for a known attribute.
fn compare_node(
    path: &AttrPath,
    mut access: Access,
    attr: &Attribute,
    op: CompareOp,
    literal: &Literal,
) -> Result<Node> {
    let invalid =
        |why: core::fmt::Arguments<'_>| ScimError::invalid_filter(format!("invalid filter: {why}"));
    if *literal == Literal::Null {
        return match op {
            CompareOp::Eq | CompareOp::Ne => Ok(Node::Test {
                access,
                test: Test::Present,
                negate: op == CompareOp::Eq,
            }),
            _ => Err(invalid(format_args!(
                "\"{path} {op} null\": null can only be compared with eq or ne"
            ))),
        };
    }
    // A complex attribute without a sub-attribute compares its `value`.
    let mut attr = attr;
    if attr.ty == AttrType::Complex {
        let value = attr.value_attr();
        if core::ptr::eq(value, attr) || access.sub.is_some() {
            return Err(invalid(format_args!(
                "\"{path}\" is complex: compare one of its sub-attributes (for example \"{path}.{}\")",
                attr.sub_attributes.first().map_or("value", |s| s.name.as_str())
            )));
        }
        access.sub = Some(value.name.clone());
        attr = value;
    }
    let ordering = matches!(
        op,
        CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
    );
    let text_only = matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew);
    let type_name = match attr.ty {
        AttrType::Boolean => "a boolean",
        AttrType::Integer => "an integer",
        AttrType::Decimal => "a decimal",
        AttrType::DateTime => "a dateTime",
        _ => "text",
    };
    let unsupported = || {
        invalid(format_args!(
            "\"{path}\" is {type_name}, which \"{op}\" cannot compare"
        ))
    };
    let operand = match attr.ty {
        AttrType::String | AttrType::Reference | AttrType::Binary => {
            let case_exact = attr.case_exact || attr.ty != AttrType::String;
            let text = match literal {
                Literal::String(s) | Literal::Number(s) => s.clone(),
                Literal::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
                Literal::Null => String::new(),
            };
            let text = if case_exact {
                text
            } else {
                crate::fold::fold(&text).into_owned()
            };
            Operand::Text { text, case_exact }
        }
        AttrType::Boolean => {
            if ordering || text_only {
                return Err(unsupported());
            }
            let value = match literal {
                Literal::Bool(b) => Some(*b),
                Literal::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
                Literal::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
                _ => None,
            };
            Operand::Bool(value.ok_or_else(|| {
                invalid(format_args!(
                    "\"{path}\" is a boolean: expected true or false, found {literal}"
                ))
            })?)
        }
        AttrType::Integer | AttrType::Decimal => {
            if text_only {
                return Err(unsupported());
            }
            let number = match literal {
                Literal::Number(s) | Literal::String(s) => Num::from_text(s),
                _ => None,
            };
            Operand::Number(number.ok_or_else(|| {
                invalid(format_args!(
                    "\"{path}\" is {type_name}: expected a number, found {literal}"
                ))
            })?)
        }
        AttrType::DateTime => {
            if text_only {
                return Err(unsupported());
            }
            let instant = match literal {
                Literal::String(s) => crate::time::parse(s),
                _ => None,
            };
            Operand::Instant(instant.ok_or_else(|| {
                invalid(format_args!(
                    "\"{path}\" is a dateTime: expected a date-time such as \"2011-05-13T04:42:34Z\", found {literal}"
                ))
            })?)
        }
        AttrType::Complex => return Err(unsupported()),
    };
    let (op, negate) = match op {
        CompareOp::Ne => (CompareOp::Eq, true),
        op => (op, false),
    };
    Ok(Node::Test {
        access,
        test: Test::Compare(op, operand),
        negate,
    })
}

// ---- evaluation ----

impl Node {
    /// Whether `value` (a resource, or one element for element scope) matches.
    pub(crate) fn matches(&self, value: &Value) -> bool {
        match self {
            Node::Const(result) => *result,
            Node::All(nodes) => nodes.iter().all(|n| n.matches(value)),
            Node::Any(nodes) => nodes.iter().any(|n| n.matches(value)),
            Node::Not(node) => !node.matches(value),
            Node::Test {
                access,
                test,
                negate,
            } => {
                let found = match test {
                    Test::Present => access.any(value, is_present),
                    Test::Compare(op, operand) => access.any(value, |v| operand.matches(*op, v)),
                };
                found != *negate
            }
            Node::Element { access, filter } => match access.top(value) {
                Some(Value::Array(elements)) => elements.iter().any(|e| filter.matches(e)),
                Some(element @ Value::Object(_)) => filter.matches(element),
                _ => false,
            },
        }
    }
}

impl Access {
    /// `resource[ext][name]`.
    fn top<'v>(&self, resource: &'v Value) -> Option<&'v Value> {
        let holder = match &self.ext {
            Some(urn) => resource.get(urn.as_str())?,
            None => resource,
        };
        holder.get(self.name.as_str())
    }

    /// Whether any value at this path satisfies `test` (each element of an array).
    fn any(&self, resource: &Value, test: impl Fn(&Value) -> bool) -> bool {
        let Some(top) = self.top(resource) else {
            return false;
        };
        match (&self.sub, top) {
            (None, Value::Array(items)) => items.iter().any(test),
            (None, single) => test(single),
            (Some(sub), Value::Array(items)) => items
                .iter()
                .filter_map(|item| item.get(sub.as_str()))
                .any(test),
            (Some(sub), Value::Object(fields)) => fields.get(sub.as_str()).is_some_and(test),
            (Some(_), _) => false,
        }
    }
}

/// `pr`: present, not null, not an empty string, array or object.
fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(is_present),
        Value::Object(fields) => !fields.is_empty(),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// Whether `order` (stored compared with literal) satisfies an ordering operator.
fn order_satisfies(op: CompareOp, order: Ordering) -> bool {
    match op {
        CompareOp::Eq => order == Ordering::Equal,
        CompareOp::Ne => order != Ordering::Equal,
        CompareOp::Gt => order == Ordering::Greater,
        CompareOp::Ge => order != Ordering::Less,
        CompareOp::Lt => order == Ordering::Less,
        CompareOp::Le => order != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

impl Operand {
    fn matches(&self, op: CompareOp, stored: &Value) -> bool {
        match self {
            Operand::Text { text, case_exact } => {
                let Some(stored) = stored.as_str() else {
                    return false;
                };
                match op {
                    CompareOp::Eq => text_eq(stored, text, *case_exact),
                    CompareOp::Ne => !text_eq(stored, text, *case_exact),
                    CompareOp::Co => text_contains(stored, text, *case_exact),
                    CompareOp::Sw => text_starts_with(stored, text, *case_exact),
                    CompareOp::Ew => text_ends_with(stored, text, *case_exact),
                    _ => order_satisfies(op, compare_text(stored, text, *case_exact)),
                }
            }
            Operand::Number(n) => match stored {
                Value::Number(stored) => {
                    Num::from_json(stored).is_some_and(|s| order_satisfies(op, s.cmp(*n)))
                }
                _ => false,
            },
            Operand::Instant(t) => stored
                .as_str()
                .and_then(crate::time::parse)
                .is_some_and(|s| order_satisfies(op, s.cmp(t))),
            Operand::Bool(b) => stored
                .as_bool()
                .is_some_and(|s| order_satisfies(op, s.cmp(b))),
        }
    }
}
