//! `multipart/form-data` (RFC 7578) bodies, as `POST /storage/v1/Files` receives them:
//! parts separated by `--boundary` lines, each with its headers (`Content-Disposition:
//! form-data; name="file"; filename="Users.csv"`, an optional `Content-Type`) and its bytes.
//!
//! Bounded and copy-free: the parts borrow the body; at most [`MAX_PARTS`] parts, headers
//! of at most [`MAX_HEADER_BYTES`] each; any malformed input is a 400 `invalidSyntax`.

use crate::error::{Result, ScimError};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The most parts a body may have (an upload has four).
pub const MAX_PARTS: usize = 16;
/// The longest header block of one part.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// The longest boundary RFC 2046 allows.
const MAX_BOUNDARY: usize = 70;

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// The form field's name (`Content-Disposition`'s `name`).
    pub name: String,
    /// The file name, for a file field.
    pub filename: Option<String>,
    /// The part's own `Content-Type`.
    pub content_type: Option<String>,
    /// Its bytes.
    pub data: &'a [u8],
}

impl Part<'_> {
    /// The part's bytes as text (a form field's value).
    pub fn text(&self) -> Option<&str> {
        core::str::from_utf8(self.data).ok()
    }
}

fn syntax(detail: impl Into<String>) -> ScimError {
    ScimError::invalid_syntax(detail)
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: Option<&str>) -> Result<String> {
    let content_type = content_type.unwrap_or("");
    let mut params = content_type.split(';');
    let media = params.next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return Err(ScimError::new(
            415,
            None,
            format!("send the file as multipart/form-data, not \"{media}\""),
        ));
    }
    let boundary = params
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| unquote(v.trim()))
        .ok_or_else(|| syntax("multipart/form-data without a boundary parameter"))?;
    if boundary.is_empty() || boundary.len() > MAX_BOUNDARY {
        return Err(syntax("a multipart boundary has 1 to 70 characters"));
    }
    Ok(boundary)
}

fn unquote(text: &str) -> String {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    // RFC 7578 forbids escapes in names; a quoted-pair is read as its character anyway.
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// Where `needle` first occurs in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while let Some(rest) = hay.get(at..) {
        let offset = rest.iter().position(|&b| b == first)?;
        let start = at + offset;
        if hay.get(start..start + needle.len()) == Some(needle) {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// The parts of a body sent with `content_type`.
pub fn parse<'a>(content_type: Option<&str>, body: &'a [u8]) -> Result<Vec<Part<'a>>> {
    let boundary = boundary(content_type)?;
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    // The first delimiter starts the body or a line (a preamble before it is ignored).
    let mut at = if body.starts_with(delimiter) {
        0
    } else {
        let line = format!("\r\n--{boundary}");
        find(body, line.as_bytes(), 0)
            .ok_or_else(|| syntax("the body has no multipart boundary line"))?
            + 2
    };
    let close = format!("\r\n--{boundary}");
    let close = close.as_bytes();
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        let after = body.get(at..).unwrap_or_default();
        if after.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding (spaces, tabs) may follow a delimiter before its line end.
        let pad = after
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if !after.get(pad..).unwrap_or_default().starts_with(b"\r\n") {
            return Err(syntax("a multipart boundary line does not end with CRLF"));
        }
        at += pad + 2;
        if parts.len() == MAX_PARTS {
            return Err(syntax(format!("a form has at most {MAX_PARTS} parts")));
        }
        let head_end = find(body, b"\r\n\r\n", at)
            .filter(|end| end - at <= MAX_HEADER_BYTES)
            .or_else(|| body.get(at..at + 2).filter(|b| *b == b"\r\n").map(|_| at))
            .ok_or_else(|| syntax("a part's headers do not end with an empty line"))?;
        let head = body.get(at..head_end).unwrap_or_default();
        let data_start = if head_end == at { at + 2 } else { head_end + 4 };
        let data_end = find(body, close, data_start)
            .ok_or_else(|| syntax("the body ends inside a part: no closing boundary"))?;
        let mut part = headers(head)?;
        part.data = body.get(data_start..data_end).unwrap_or_default();
        parts.push(part);
        at = data_end + 2;
    }
}

/// A part's headers: its name, file name and type.
fn headers(head: &[u8]) -> Result<Part<'static>> {
    let head = core::str::from_utf8(head).map_err(|_| syntax("a part's headers are not UTF-8"))?;
    let mut part = Part {
        name: String::new(),
        filename: None,
        content_type: None,
        data: &[],
    };
    let mut disposition = false;
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| syntax(format!("a part's header line has no colon: {line:?}")))?;
        if name.trim().eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.trim().to_string());
        } else if name.trim().eq_ignore_ascii_case("content-disposition") {
            disposition = true;
            let mut params = split_params(value);
            let kind = params.next().unwrap_or_default();
            if !kind.trim().eq_ignore_ascii_case("form-data") {
                return Err(syntax("a part's Content-Disposition is not form-data"));
            }
            for param in params {
                let Some((k, v)) = param.split_once('=') else {
                    continue;
                };
                match k.trim().to_ascii_lowercase().as_str() {
                    "name" => part.name = unquote(v.trim()),
                    "filename" => part.filename = Some(unquote(v.trim())),
                    _ => {}
                }
            }
        }
    }
    if !disposition || part.name.is_empty() {
        return Err(syntax(
            "every part needs Content-Disposition: form-data; name=\"...\"",
        ));
    }
    Ok(part)
}

/// `;`-separated parameters, a `;` inside quotes not splitting.
fn split_params(text: &str) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut escaped = false;
    let mut start = 0;
    let mut cuts = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                cuts.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    cuts.push((start, text.len()));
    cuts.into_iter()
        .map(move |(a, b)| text.get(a..b).unwrap_or(""))
}

#[cfg(test)]
mod tests;
