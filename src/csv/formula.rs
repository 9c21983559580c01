//! Formula injection (CSV injection): a spreadsheet runs a cell that begins with `=`, `+`,
//! `-`, `@`, `|` or `%`. Identity domains export such a cell wrapped in single quotes
//! (`@test` as `'@test'`) and remove the quotes on import; so does scimlet.
//!
//! Lossless both ways: a value that would itself read as wrapped (`'=x'`, typed with its
//! quotes) is wrapped once more on export, so [`unescape`] of [`escape`] is always the
//! value, and a cell that is not wrapped (`'Bob'`, `O'Brien`) is read as it is.

use alloc::borrow::Cow;
use alloc::string::String;

/// The characters a spreadsheet reads as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['@', '+', '-', '=', '|', '%'];

fn starts_formula(text: &str) -> bool {
    text.starts_with(FORMULA_STARTS)
}

/// Whether a cell is a wrapped value: `'…'` around text that begins a formula, or around
/// a wrapped value (each layer is one export).
fn is_wrapped(cell: &str) -> bool {
    let mut text = cell;
    while let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        if starts_formula(inner) {
            return true;
        }
        text = inner;
    }
    false
}

/// A value as an exported cell: wrapped in single quotes when a spreadsheet would run it
/// (or an import would unwrap it).
pub fn escape(value: &str) -> Cow<'_, str> {
    if starts_formula(value) || is_wrapped(value) {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('\'');
        out.push_str(value);
        out.push('\'');
        Cow::Owned(out)
    } else {
        Cow::Borrowed(value)
    }
}

/// An imported cell as a value: one layer of quotes removed from a wrapped cell.
pub fn unescape(cell: &str) -> &str {
    if is_wrapped(cell) {
        cell.get(1..cell.len().saturating_sub(1)).unwrap_or(cell)
    } else {
        cell
    }
}

#[cfg(test)]
mod tests;
