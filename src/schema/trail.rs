//! How validation errors name a value: where it sits ([`Trail`]) and what it was
//! ([`describe`]), clipped so that an error never echoes a large input back.

use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;

/// Where a value sits, for error messages: built on the stack as normalization descends,
/// rendered only when an error is reported.
pub(super) struct Trail<'a> {
    parent: Option<&'a Trail<'a>>,
    /// The extension URN of a top-level extension attribute.
    urn: Option<&'a str>,
    name: &'a str,
    pub(super) depth: usize,
}

impl<'a> Trail<'a> {
    pub(super) fn root(urn: Option<&'a str>, name: &'a str) -> Self {
        Trail {
            parent: None,
            urn,
            name,
            depth: 0,
        }
    }
    pub(super) fn child(&'a self, name: &'a str) -> Trail<'a> {
        Trail {
            parent: Some(self),
            urn: None,
            name,
            depth: self.depth + 1,
        }
    }
}

impl fmt::Display for Trail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}.")?;
        } else if let Some(urn) = self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(self.name)
    }
}

/// A short description of a JSON value for error messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("\"{}\"", clip(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The first 40 characters of a client's text, enough to recognize it.
pub(super) fn clip(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}
