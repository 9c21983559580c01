//! RFC 9865 cursors: an opaque, validated encoding of a position in a listing's order.
//!
//! A cursor names the last (or first) resource of the page it came from by what orders
//! the listing (the sort key, the resource type, the id), never by an index: a resource
//! deleted or created before the position does not shift the pages after it, so a walk
//! that deletes each page as it goes sees every resource exactly once. Nothing is kept on
//! the server: a cursor survives an eviction, costs no memory and never expires (hence no
//! `cursorTimeout` and no `expiredCursor`).
//!
//! A cursor is `base64url(payload ‖ tag)` (only RFC 3986 unreserved characters), where the
//! tag is the first 8 bytes of SHA-256 over the query it belongs to (resource types,
//! filter, sort) and the payload. A cursor that does not decode, was altered, or is sent
//! with another query is `invalidCursor`. The tag is a check, not a secret: a cursor only
//! names a place in a listing its holder may read in full anyway.
//!
//! Payload: version (1), direction (0 after, 1 before), type index (u32), key kind (0
//! unassigned, 1 folded text, 2 JSON) with a u32 length and the bytes, then the id.

use crate::encoding::{base64url_decode, base64url_encode};
use crate::error::{Result, ScimError, ScimType};
use crate::value::Value;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

const VERSION: u8 = 1;
const TAG: usize = 8;

/// A sort key as a cursor carries it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SortValue {
    /// Unassigned (or an unsorted listing).
    None,
    /// Text as a column holds it (folded unless `caseExact`).
    Text(String),
    /// A value compared by its attribute's type.
    Json(Value),
}

/// Which side of a position a page lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// The resources after the position (`nextCursor`).
    After,
    /// The resources before it (`previousCursor`).
    Before,
}

/// A decoded cursor.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Position {
    pub(crate) direction: Direction,
    pub(crate) type_index: usize,
    pub(crate) key: SortValue,
    pub(crate) id: String,
}

/// What a cursor is checked against: the parameters that decide which resources a
/// listing holds and in what order (`count` and the projection may change between pages).
#[derive(Debug, Clone)]
pub(crate) struct QueryCheck {
    digest: Sha256,
}

impl QueryCheck {
    pub(crate) fn new(
        type_names: &[&str],
        filter: Option<&str>,
        sort_by: Option<&str>,
        descending: bool,
    ) -> QueryCheck {
        let mut digest = Sha256::new();
        // Each part is length-prefixed, so no two queries hash the same bytes.
        let mut part = |bytes: &[u8]| {
            digest.update((bytes.len() as u64).to_be_bytes());
            digest.update(bytes);
        };
        part(b"scimlet cursor v1");
        for name in type_names {
            part(name.as_bytes());
        }
        part(filter.unwrap_or("").as_bytes());
        part(
            sort_by
                .map(str::trim)
                .unwrap_or("")
                .to_ascii_lowercase()
                .as_bytes(),
        );
        part(if descending {
            b"descending"
        } else {
            b"ascending"
        });
        QueryCheck { digest }
    }

    fn tag(&self, payload: &[u8]) -> [u8; TAG] {
        let mut digest = self.digest.clone();
        digest.update(payload);
        let mut tag = [0u8; TAG];
        for (t, b) in tag.iter_mut().zip(digest.finalize()) {
            *t = b;
        }
        tag
    }

    /// The cursor for `position` in this query.
    pub(crate) fn encode(&self, position: &Position) -> String {
        let mut bytes = Vec::with_capacity(position.id.len() + 32);
        bytes.push(VERSION);
        bytes.push(match position.direction {
            Direction::After => 0,
            Direction::Before => 1,
        });
        bytes.extend_from_slice(
            &u32::try_from(position.type_index)
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
        let key = match &position.key {
            SortValue::None => None,
            SortValue::Text(text) => Some((1, text.clone())),
            SortValue::Json(value) => Some((2, value.to_string())),
        };
        match key {
            None => bytes.push(0),
            Some((kind, text)) => {
                bytes.push(kind);
                bytes.extend_from_slice(
                    &u32::try_from(text.len()).unwrap_or(u32::MAX).to_be_bytes(),
                );
                bytes.extend_from_slice(text.as_bytes());
            }
        }
        bytes.extend_from_slice(position.id.as_bytes());
        let tag = self.tag(&bytes);
        bytes.extend_from_slice(&tag);
        base64url_encode(&bytes)
    }

    /// The position a cursor stands for, if it is one this query gave.
    pub(crate) fn decode(&self, cursor: &str) -> Result<Position> {
        // Only the one spelling this server writes (base64 leaves spare bits in the last
        // character that decoders ignore).
        let bytes = base64url_decode(cursor)
            .filter(|bytes| base64url_encode(bytes) == cursor)
            .ok_or_else(not_ours)?;
        let split = bytes.len().checked_sub(TAG).ok_or_else(not_ours)?;
        let (payload, tag) = bytes.split_at(split);
        if self.tag(payload) != tag {
            return Err(invalid_cursor(
                "cursor belongs to another query or was altered: send it with the filter, \
                 sortBy and sortOrder it came with, on the endpoint that gave it",
            ));
        }
        parse_payload(payload).ok_or_else(not_ours)
    }
}

/// A canonical filter's text with attribute names (and keywords, already lowercase)
/// folded, string literals kept: `userName sw "J"` and `username sw "J"` are one query.
pub(crate) fn fold_names(filter: &str) -> String {
    let mut out = String::with_capacity(filter.len());
    let (mut quoted, mut escaped) = (false, false);
    for c in filter.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            _ => {}
        }
        out.push(if quoted { c } else { c.to_ascii_lowercase() });
    }
    out
}

/// A checked payload that still does not parse: only a cursor from another version.
fn not_ours() -> ScimError {
    invalid_cursor(
        "cursor is not one this server gave: send a nextCursor or previousCursor as received",
    )
}

fn invalid_cursor(detail: &str) -> ScimError {
    ScimError::new(400, Some(ScimType::InvalidCursor), detail)
}

fn parse_payload(payload: &[u8]) -> Option<Position> {
    let (&version, rest) = payload.split_first()?;
    if version != VERSION {
        return None;
    }
    let (&direction, rest) = rest.split_first()?;
    let direction = match direction {
        0 => Direction::After,
        1 => Direction::Before,
        _ => return None,
    };
    let (type_index, rest) = take_u32(rest)?;
    let (&kind, rest) = rest.split_first()?;
    let (key, rest) = match kind {
        0 => (SortValue::None, rest),
        1 | 2 => {
            let (len, rest) = take_u32(rest)?;
            let len = usize::try_from(len).ok()?;
            let text = core::str::from_utf8(rest.get(..len)?).ok()?;
            let rest = rest.get(len..)?;
            let key = if kind == 1 {
                SortValue::Text(text.into())
            } else {
                SortValue::Json(crate::value::from_str(text).ok()?)
            };
            (key, rest)
        }
        _ => return None,
    };
    Some(Position {
        direction,
        type_index: usize::try_from(type_index).ok()?,
        key,
        id: core::str::from_utf8(rest).ok()?.into(),
    })
}

fn take_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let head: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    Some((u32::from_be_bytes(head), bytes.get(4..)?))
}

#[cfg(test)]
mod tests;
