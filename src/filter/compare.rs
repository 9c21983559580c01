//! Typed comparison shared by filter evaluation and sorting: one code path, so a filter
//! `gt` and a `sortBy` agree on what "greater" means.
//!
//! Text that is not `caseExact` compares through [`crate::fold`], the one case folding
//! shared with indexes, columns and the immutable check.

use crate::fold;
use crate::schema::{AttrType, Attribute};
use crate::time::Instant;
use crate::value::Value;
use core::cmp::Ordering;
use core::hash::{Hash, Hasher};

/// Text equality, ignoring case unless `case_exact`.
pub(crate) fn text_eq(a: &str, b: &str, case_exact: bool) -> bool {
    if case_exact {
        a == b
    } else {
        fold::eq(a, b)
    }
}

/// Text order, ignoring case unless `case_exact` (then by code point, which is byte order).
pub(crate) fn compare_text(a: &str, b: &str, case_exact: bool) -> Ordering {
    if case_exact {
        a.cmp(b)
    } else {
        fold::cmp(a, b)
    }
}

/// `haystack sw needle`.
pub(crate) fn text_starts_with(haystack: &str, needle: &str, case_exact: bool) -> bool {
    if case_exact {
        haystack.starts_with(needle)
    } else {
        fold::starts_with(haystack, needle)
    }
}

/// `haystack ew needle`.
pub(crate) fn text_ends_with(haystack: &str, needle: &str, case_exact: bool) -> bool {
    if case_exact {
        haystack.ends_with(needle)
    } else {
        fold::ends_with(haystack, needle)
    }
}

/// `haystack co needle`.
pub(crate) fn text_contains(haystack: &str, needle: &str, case_exact: bool) -> bool {
    if case_exact {
        haystack.contains(needle)
    } else {
        fold::contains(haystack, needle)
    }
}

/// A number as JSON holds it: integers exactly, everything else as a double.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    /// Any JSON integer (i64 and u64 both fit).
    Int(i128),
    /// A number with a fraction or exponent, or an integer too large for `i128`.
    Float(f64),
}

impl Num {
    /// A stored JSON number.
    pub(crate) fn from_json(n: &crate::value::Number) -> Option<Num> {
        if let Some(i) = n.as_i64() {
            Some(Num::Int(i as i128))
        } else if let Some(u) = n.as_u64() {
            Some(Num::Int(u as i128))
        } else {
            n.as_f64().map(Num::Float)
        }
    }

    /// A number written as text: a JSON number, surrounding blanks ignored.
    pub(crate) fn from_text(text: &str) -> Option<Num> {
        let text = text.trim();
        if !is_json_number(text) {
            return None;
        }
        let integral = !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'));
        if integral {
            if let Ok(i) = text.parse::<i128>() {
                return Some(Num::Int(i));
            }
        }
        text.parse::<f64>().ok().map(Num::Float)
    }

    /// Exact numeric order (an integer is compared with a double without rounding it, so
    /// the order stays total and transitive, which sorting relies on).
    pub(crate) fn cmp(self, other: Num) -> Ordering {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a.cmp(&b),
            (Num::Float(a), Num::Float(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            (Num::Int(a), Num::Float(b)) => int_cmp_float(a, b),
            (Num::Float(a), Num::Int(b)) => int_cmp_float(b, a).reverse(),
        }
    }

    /// Hashes what [`Num::cmp`] compares: an integral double as the integer it equals.
    fn hash_into(self, state: &mut impl Hasher) {
        match self {
            Num::Int(i) => i.hash(state),
            Num::Float(f) => {
                if f > -LIMIT && f < LIMIT {
                    // Truncation toward zero is exact (see `int_cmp_float`); `-0.0` gives 0.
                    let whole = f as i128;
                    if whole as f64 == f {
                        return whole.hash(state);
                    }
                }
                f.to_bits().hash(state);
            }
        }
    }
}

/// i128 spans about ±1.7e38; a double beyond that is no integer's equal.
const LIMIT: f64 = 1.7e38;

/// Compares an integer with a double exactly.
fn int_cmp_float(int: i128, float: f64) -> Ordering {
    if float.is_nan() {
        return Ordering::Equal;
    }
    if float >= LIMIT {
        return Ordering::Less;
    }
    if float <= -LIMIT {
        return Ordering::Greater;
    }
    // `as` truncates toward zero; the truncated value is an exact integer and converts
    // back to the same double, so the fraction below is exact too.
    let whole = float as i128;
    match int.cmp(&whole) {
        Ordering::Equal => {
            let fraction = float - whole as f64;
            if fraction > 0.0 {
                Ordering::Less
            } else if fraction < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        unequal => unequal,
    }
}

/// Whether `text` is a JSON number (RFC 8259 section 6).
pub(crate) fn is_json_number(text: &str) -> bool {
    let mut bytes = text.as_bytes();
    let digits = |bytes: &mut &[u8]| {
        let count = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        *bytes = bytes.get(count..).unwrap_or_default();
        count
    };
    if let [b'-', rest @ ..] = bytes {
        bytes = rest;
    }
    match bytes {
        [b'0', rest @ ..] => bytes = rest,
        [b'1'..=b'9', ..] => {
            digits(&mut bytes);
        }
        _ => return false,
    }
    if let [b'.', rest @ ..] = bytes {
        bytes = rest;
        if digits(&mut bytes) == 0 {
            return false;
        }
    }
    if let [b'e' | b'E', rest @ ..] = bytes {
        bytes = rest;
        if let [b'+' | b'-', rest @ ..] = bytes {
            bytes = rest;
        }
        if digits(&mut bytes) == 0 {
            return false;
        }
    }
    bytes.is_empty()
}

/// A stored value read as its attribute's type.
enum Typed<'a> {
    Text(&'a str, bool),
    Number(Num),
    Instant(Instant),
    Bool(bool),
}

impl<'a> Typed<'a> {
    fn read(attr: &Attribute, value: &'a Value) -> Option<Typed<'a>> {
        match attr.ty {
            AttrType::String => value.as_str().map(|s| Typed::Text(s, attr.case_exact)),
            AttrType::Reference | AttrType::Binary => value.as_str().map(|s| Typed::Text(s, true)),
            AttrType::Boolean => value.as_bool().map(Typed::Bool),
            AttrType::Integer | AttrType::Decimal => match value {
                Value::Number(n) => Num::from_json(n).map(Typed::Number),
                _ => None,
            },
            AttrType::DateTime => value
                .as_str()
                .and_then(crate::time::parse)
                .map(Typed::Instant),
            AttrType::Complex => None,
        }
    }

    fn cmp(&self, other: &Typed<'_>) -> Ordering {
        match (self, other) {
            (Typed::Text(a, exact), Typed::Text(b, _)) => compare_text(a, b, *exact),
            (Typed::Number(a), Typed::Number(b)) => a.cmp(*b),
            (Typed::Instant(a), Typed::Instant(b)) => a.cmp(b),
            (Typed::Bool(a), Typed::Bool(b)) => a.cmp(b),
            // One attribute gives one variant; a mix cannot happen, rank it anyway.
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Typed::Text(..) => 0,
            Typed::Number(_) => 1,
            Typed::Instant(_) => 2,
            Typed::Bool(_) => 3,
        }
    }
}

/// Order of values that do not fit the attribute's type: by JSON kind only.
fn kind_rank(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// Typed, schema-aware ordering of two values of one attribute (strings ignoring case
/// unless `caseExact`, numbers numerically, date-times as instants, booleans false < true,
/// references and binary exactly).
///
/// For a complex attribute, an element object is compared by its `value` sub-attribute.
/// For a multi-valued attribute the caller passes the chosen element. Values that do not
/// fit the type (null, a date-time that does not parse, ...) sort after every value that
/// does, grouped by JSON kind. The order is total, so it is safe for `sort_by`.
pub fn compare_values(attr: &Attribute, a: &Value, b: &Value) -> Ordering {
    let scalar = attr.value_attr();
    let (a, b) = (scalar_of(attr, scalar, a), scalar_of(attr, scalar, b));
    match (Typed::read(scalar, a), Typed::read(scalar, b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => kind_rank(a).cmp(&kind_rank(b)),
    }
}

/// The value compared for `attr`: an element's `value` sub-attribute (`scalar`) when
/// `attr` is complex and the element has one, else the value itself.
fn scalar_of<'v>(attr: &Attribute, scalar: &Attribute, value: &'v Value) -> &'v Value {
    if core::ptr::eq(scalar, attr) {
        value
    } else {
        value.get(scalar.name.as_str()).unwrap_or(value)
    }
}

/// Feeds `state` with what [`compare_values`] compares, so values it finds equal hash
/// equal (for hashed lookups that must agree with it, such as PATCH finding the element
/// a new one duplicates): text folded as it is compared, numbers by numeric value,
/// date-times as instants, and values that do not fit the type by JSON kind alone.
pub(crate) fn hash_value(attr: &Attribute, value: &Value, state: &mut impl Hasher) {
    let scalar = attr.value_attr();
    let value = scalar_of(attr, scalar, value);
    match Typed::read(scalar, value) {
        Some(Typed::Text(text, true)) => {
            state.write_u8(0);
            text.hash(state);
        }
        Some(Typed::Text(text, false)) => {
            state.write_u8(0);
            // Folded as `compare_text` compares (`fold::eq` is equality of folded texts).
            (*fold::fold(text)).hash(state);
        }
        Some(Typed::Number(n)) => {
            state.write_u8(1);
            n.hash_into(state);
        }
        Some(Typed::Instant(at)) => {
            state.write_u8(2);
            at.millis.hash(state);
            at.sub_nanos.hash(state);
        }
        Some(Typed::Bool(b)) => {
            state.write_u8(3);
            b.hash(state);
        }
        None => state.write_u8(4 + kind_rank(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_exactly_across_integer_and_double() {
        let n = |t: &str| Num::from_text(t).expect(t);
        let table = [
            ("1", "1.0", Ordering::Equal),
            ("-0", "0.0", Ordering::Equal),
            ("9007199254740993", "9007199254740992.0", Ordering::Greater),
            ("-9007199254740993", "-9007199254740992.0", Ordering::Less),
            ("2", "1.5", Ordering::Greater),
            ("-2", "-1.5", Ordering::Less),
            (
                "170141183460469231731687303715884105727",
                "1e400",
                Ordering::Less,
            ),
            ("1", "1e-400", Ordering::Greater),
            ("1e2", "100", Ordering::Equal),
        ];
        for (a, b, expected) in table {
            assert_eq!(n(a).cmp(n(b)), expected, "{a} vs {b}");
            assert_eq!(n(b).cmp(n(a)), expected.reverse(), "{b} vs {a}");
        }
        for not_a_number in [
            "", "+1", "1.", ".5", "01", "1e", "0x10", "NaN", "inf", "1 2",
        ] {
            assert_eq!(Num::from_text(not_a_number), None, "{not_a_number:?}");
        }
    }
}
