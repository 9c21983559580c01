//! `opc-next-page`: how the OCI SDK pages. A list answer whose page is not the last carries
//! an `opc-next-page` header; the SDK sends it back as `page=<token>` with the same query,
//! and without the header it stops after one page.
//!
//! A token is the engine's RFC 9865 cursor of the next page (`query::cursor`): it names
//! the last resource shown by its place in the listing order, never by an index, so a
//! script that deletes each page as it walks still sees every user once. It stays opaque
//! and is checked against the query it belongs to (resource type, filter, sort): a token
//! used with another query is a 400 `invalidCursor`, not a page of something else.

use crate::query::{self, ListParams};
use alloc::string::String;

/// Reads a `page` token as the cursor it is; without one the page starts at `startIndex`
/// (or at an RFC 9865 `cursor`) as in plain SCIM. A token's page answers as a cursor's
/// does (no `startIndex`).
pub(crate) fn read_token(query: &str, params: &mut ListParams) {
    if let Some(token) = page_param(query) {
        params.cursor = Some(token);
    }
}

/// The header that hands the next page's cursor to the SDK.
pub(crate) fn next_page(cursor: &str) -> (String, String) {
    ("opc-next-page".into(), cursor.into())
}

/// The `page` parameter of a query, if any and not empty.
fn page_param(query: &str) -> Option<String> {
    query::query_pairs(query)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("page"))
        .map(|(_, v)| v)
        .filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests;
