//! Limits on a stored resource that its schema cannot express: how many values one
//! multi-valued attribute may hold (the `maxValuesPerAttribute` setting).
//!
//! [`check_value_counts`] runs on the resource every write would store (POST and PUT
//! bodies after normalization, PATCH results, and Bulk operations, which go through the
//! same code), so no request grows a list past the cap, and a refused write changes
//! nothing. SCIM has no discovery member for this limit (RFC 7643 section 5 has
//! `bulk.maxOperations` and `filter.maxResults` only), so it is documented with the
//! settings in the README and named in the error.

use crate::error::{Result, ScimError};
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::String;

/// How deep lists are looked for: a resource, an extension object, a complex attribute
/// (or an element of a multi-valued one). A stored form holds nothing deeper.
const DEPTH: usize = 3;

/// 400 `invalidValue` when a multi-valued attribute anywhere in `resource` (a stored
/// form: top level, in an extension, as a sub-attribute) holds more than `max` values,
/// naming the attribute and the cap.
pub fn check_value_counts(resource: &Value, max: usize) -> Result<()> {
    match resource {
        Value::Object(attributes) => walk(attributes, &mut Trail::default(), max),
        _ => Ok(()),
    }
}

/// Checks the lists among `members`, then looks inside objects and list elements while
/// the trail has room (which bounds the walk, whatever the value). Scalars, most of a
/// resource, cost one match: this runs on every write, Bulk ingest included.
fn walk<'a>(members: &'a Map, trail: &mut Trail<'a>, max: usize) -> Result<()> {
    for (name, value) in members {
        let (Value::Array(_) | Value::Object(_)) = value else {
            continue;
        };
        if !trail.push(name) {
            return Ok(());
        }
        match value {
            Value::Array(items) if items.len() > max => {
                return Err(ScimError::invalid_value(format!(
                    "attribute \"{}\" has {} values; this server allows at most {max} per \
                     attribute (setting maxValuesPerAttribute)",
                    trail.path(),
                    items.len()
                )));
            }
            Value::Array(items) => {
                for element in items.iter().filter_map(Value::as_object) {
                    walk(element, trail, max)?;
                }
            }
            Value::Object(inner) => walk(inner, trail, max)?,
            _ => {}
        }
        trail.pop();
    }
    Ok(())
}

/// The names leading to the attribute being checked, for the error message.
#[derive(Default)]
struct Trail<'a> {
    names: [&'a str; DEPTH],
    len: usize,
}

impl<'a> Trail<'a> {
    /// Adds a name; false when the trail is full (nothing that deep is checked).
    fn push(&mut self, name: &'a str) -> bool {
        let Some(slot) = self.names.get_mut(self.len) else {
            return false;
        };
        *slot = name;
        self.len += 1;
        true
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    /// RFC 7644 section 3.10 notation: `urn:...:User:attr`, `attr.sub`.
    fn path(&self) -> String {
        let names = self.names.get(..self.len).unwrap_or_default();
        let mut path = String::new();
        for (i, name) in names.iter().enumerate() {
            // Only an extension URN (always first) contains `:`.
            let urn_first = names.first().is_some_and(|first| first.contains(':'));
            match i {
                0 => {}
                1 if urn_first => path.push(':'),
                _ => path.push('.'),
            }
            path.push_str(name);
        }
        path
    }
}

#[cfg(test)]
mod tests;
