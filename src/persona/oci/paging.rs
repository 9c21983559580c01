//! `opc-next-page`: how the OCI SDK pages. A list answer whose page is not the last carries
//! an `opc-next-page` header; the SDK sends it back as `page=<token>` with the same query,
//! and without the header it stops after one page.
//!
//! A token is opaque to clients: the next page's `startIndex` and a check of the query it
//! belongs to (filter and sort), so a token used with another query is a 400, not a page
//! of something else. Both functions here are the whole mechanism, so it can later follow
//! the engine's own cursors instead.

use crate::encoding::{base64url_decode, base64url_encode, hex};
use crate::error::{Result, ScimError};
use crate::query::query_pairs;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

/// What a token's check covers: the parameters that decide which resources and in what
/// order.
fn query_check(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(query)
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .filter(|(k, _)| matches!(k.as_str(), "filter" | "sortby" | "sortorder"))
        .collect();
    pairs.sort();
    let mut hasher = Sha256::new();
    for (k, v) in &pairs {
        hasher.update(k.as_bytes());
        hasher.update(b"=");
        hasher.update(v.as_bytes());
        hasher.update(b"&");
    }
    hex(hasher.finalize().get(..6).unwrap_or_default())
}

/// The `opc-next-page` token for the page starting at `next_start` of this query.
pub fn next_page(query: &str, next_start: usize) -> String {
    base64url_encode(format!("{next_start}.{}", query_check(query)).as_bytes())
}

/// The `startIndex` a `page` token stands for, checked against the query it came with.
pub fn start_of(query: &str, token: &str) -> Result<usize> {
    let bad = || ScimError::invalid_value("page is not a token this list gave (opc-next-page)");
    let text = base64url_decode(token.trim())
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let (start, check) = text.split_once('.').ok_or_else(bad)?;
    if check != query_check(query) {
        return Err(ScimError::invalid_value(
            "page belongs to another query: send it with the filter and sort it came with",
        ));
    }
    start
        .parse::<usize>()
        .ok()
        .filter(|&s| s >= 1)
        .ok_or_else(bad)
}

/// The `page` parameter of a query, if any.
pub fn page_param(query: &str) -> Option<String> {
    query_pairs(query)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("page"))
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests;
