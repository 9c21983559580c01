//! Canonical filter text: lowercase keywords, JSON strings, parentheses exactly where the
//! precedence (`not` > `and` > `or`, chains to the left) needs them, so that
//! `parse(&filter.to_string()) == Ok(filter)`.
//!
//! `and`/`or` chains are walked along their left spine with a loop, so printing recurses
//! only as deep as the filter nests, not as long as it is.

use super::{AttrPath, CompareOp, Filter, Literal};
use alloc::vec::Vec;
use core::fmt::{self, Display, Formatter, Write};

impl Display for AttrPath {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

impl Display for CompareOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(true) => f.write_str("true"),
            Literal::Bool(false) => f.write_str("false"),
            Literal::Number(n) => f.write_str(n),
            Literal::String(s) => write_json_string(f, s),
        }
    }
}

/// `text` as a JSON string literal.
fn write_json_string(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Where a sub-filter is printed, from the loosest position to the tightest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Position {
    /// Anything fits: the whole filter, inside "(...)" or "[...]", an `or` chain's head.
    Or,
    /// An `or` operand: an `and` chain or tighter.
    And,
    /// An `and` operand: an attribute expression, a value path, `not (...)`, or "(...)".
    Unary,
}

impl Display for Filter {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_filter(f, self, Position::Or)
    }
}

fn write_filter(f: &mut Formatter<'_>, node: &Filter, at: Position) -> fmt::Result {
    match node {
        Filter::Or(..) if at == Position::Or => {
            write_chain(f, node.chain_operands(false), " or ", Position::And)
        }
        Filter::And(..) if at <= Position::And => {
            write_chain(f, node.chain_operands(true), " and ", Position::Unary)
        }
        Filter::Or(..) | Filter::And(..) => {
            f.write_char('(')?;
            write_filter(f, node, Position::Or)?;
            f.write_char(')')
        }
        Filter::Not(inner) => {
            f.write_str("not (")?;
            write_filter(f, inner, Position::Or)?;
            f.write_char(')')
        }
        Filter::Present(path) => write!(f, "{path} pr"),
        Filter::Compare(path, op, value) => write!(f, "{path} {op} {value}"),
        Filter::ValuePath { attr, filter, then } => {
            write!(f, "{attr}[")?;
            match then.as_deref() {
                None => write_filter(f, filter, Position::Or)?,
                Some(then) if is_element_test(then) => {
                    write_filter(f, filter, Position::Or)?;
                    f.write_str("].")?;
                    return write_filter(f, then, Position::Unary);
                }
                // A hand-built `then` the text form cannot carry: print the equivalent
                // `attr[filter and then]`.
                Some(then) => {
                    write_filter(f, filter, Position::And)?;
                    f.write_str(" and ")?;
                    write_filter(f, then, Position::Unary)?;
                }
            }
            f.write_char(']')
        }
    }
}

/// The first operand is printed at `first`'s own position rules, every later one at `rest`.
fn write_chain(
    f: &mut Formatter<'_>,
    operands: Vec<&Filter>,
    keyword: &str,
    rest: Position,
) -> fmt::Result {
    let mut first = true;
    for operand in operands {
        if !first {
            f.write_str(keyword)?;
        }
        first = false;
        write_filter(f, operand, rest)?;
    }
    Ok(())
}

/// Whether `then` has the only shape `].sub op value` can print: a plain name, no URN.
fn is_element_test(then: &Filter) -> bool {
    let plain = |p: &AttrPath| p.urn.is_none() && p.sub.is_none();
    match then {
        Filter::Present(p) | Filter::Compare(p, ..) => plain(p),
        _ => false,
    }
}
