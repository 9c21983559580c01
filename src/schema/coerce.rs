//! Simple values converted to their attribute's type (RFC 7643 section 2.3), with the
//! leniency real clients need: `"False"` for a boolean (Entra), `"42"` for an integer,
//! `12345` for a string, `5.0` for an integer; an empty string means unassigned.

use super::checks::check_canonical;
use super::trail::{describe, Trail};
use super::{AttrType, Attribute};
use crate::error::{Result, ScimError};
use crate::value::{Number, Text, Value};
use alloc::format;
use alloc::string::ToString;

/// Converts a simple value to the attribute's type, with the leniency real clients need;
/// an empty string becomes `null` (unassigned).
pub(super) fn coerce_simple(
    attr: &Attribute,
    value: &mut Value,
    strict: bool,
    at: &Trail<'_>,
) -> Result<()> {
    let coerced = match (attr.ty, &*value) {
        (_, Value::Null) => return Ok(()),
        (_, Value::String(s)) if s.is_empty() => Value::Null,
        (AttrType::String, Value::String(s)) => {
            if strict {
                check_canonical(attr, s, at)?;
            }
            return Ok(());
        }
        // employeeNumber: 12345, a boolean custom flag sent into a string attribute.
        (AttrType::String, Value::Number(n)) => Value::String(Text::from(n.to_string())),
        (AttrType::String, Value::Bool(b)) => {
            Value::String(Text::new(if *b { "true" } else { "false" }))
        }
        (AttrType::Boolean, Value::Bool(_)) => return Ok(()),
        // Entra sends "False", "true".
        (AttrType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => {
            Value::Bool(true)
        }
        (AttrType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => {
            Value::Bool(false)
        }
        (AttrType::Integer, Value::Number(n)) => match integral(n) {
            Some(n) => Value::Number(n),
            None => return Err(type_error(attr, at, value)),
        },
        (AttrType::Integer, Value::String(s)) => match parse_integer(s.trim()) {
            Some(n) => Value::Number(n),
            None => return Err(type_error(attr, at, value)),
        },
        (AttrType::Decimal, Value::Number(_)) => return Ok(()),
        (AttrType::Decimal, Value::String(s)) => match parse_decimal(s.trim()) {
            Some(n) => Value::Number(n),
            None => return Err(type_error(attr, at, value)),
        },
        // The client's text is kept as is; filters compare it as an instant.
        (AttrType::DateTime, Value::String(s)) if crate::time::parse(s).is_some() => return Ok(()),
        (AttrType::Reference | AttrType::Binary, Value::String(_)) => return Ok(()),
        (_, other) => return Err(type_error(attr, at, other)),
    };
    *value = coerced;
    Ok(())
}

/// A JSON number as an integer: integers as they are, integral floats (`5.0`) converted.
fn integral(n: &Number) -> Option<Number> {
    if n.is_i64() || n.is_u64() {
        return Some(n.clone());
    }
    let f = n.as_f64()?;
    // Within i64's range, a float is integral exactly when the cast round-trips.
    if (-9.0e18..=9.0e18).contains(&f) && (f as i64) as f64 == f {
        Some(Number::from(f as i64))
    } else {
        None
    }
}

fn parse_integer(text: &str) -> Option<Number> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Number::from(i));
    }
    text.parse::<u64>().ok().map(Number::from)
}

fn parse_decimal(text: &str) -> Option<Number> {
    if let Some(n) = parse_integer(text) {
        return Some(n);
    }
    // `f64::from_str` also reads "inf" and "NaN"; JSON has no such numbers.
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

fn type_name(ty: AttrType) -> &'static str {
    match ty {
        AttrType::String => "a string",
        AttrType::Boolean => "a boolean (true or false)",
        AttrType::Decimal => "a decimal number",
        AttrType::Integer => "an integer",
        AttrType::DateTime => "an xsd:dateTime such as \"2026-01-31T12:00:00Z\"",
        AttrType::Binary => "a base64 string",
        AttrType::Reference => "a reference (a URI string)",
        AttrType::Complex => "an object of sub-attributes",
    }
}

pub(super) fn type_error(attr: &Attribute, at: &Trail<'_>, got: &Value) -> ScimError {
    ScimError::invalid_value(format!(
        "attribute \"{at}\" must be {}{}, got {}",
        type_name(attr.ty),
        if attr.multi_valued {
            " (or an array of them)"
        } else {
            ""
        },
        describe(got)
    ))
}

#[cfg(test)]
mod tests;
