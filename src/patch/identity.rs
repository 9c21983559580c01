//! When two elements of a multi-valued attribute are the same value: by their `value`
//! sub-attribute when both have one (compared as the schema says: typed,
//! case-insensitive unless `caseExact`), otherwise when they are identical JSON.

use crate::filter;
use crate::schema::{AttrType, Attribute};
use crate::value::Value;
use core::cmp::Ordering;

/// Whether two elements of a multi-valued attribute are the same value: by their `value`
/// sub-attribute when both have one, else as whole elements.
pub(super) fn same_element(def: &Attribute, a: &Value, b: &Value) -> bool {
    if def.ty != AttrType::Complex {
        return filter::compare_values(def, a, b) == Ordering::Equal && same_kind(a, b);
    }
    match (def.sub("value"), a.get("value"), b.get("value")) {
        (Some(value_def), Some(x), Some(y)) => {
            same_kind(x, y) && filter::compare_values(value_def, x, y) == Ordering::Equal
        }
        _ => a == b,
    }
}

/// Two JSON values of the same JSON type (a guard around typed comparison).
fn same_kind(a: &Value, b: &Value) -> bool {
    core::mem::discriminant(a) == core::mem::discriminant(b)
}
