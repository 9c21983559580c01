//! Reading a request body without ever holding more than its route allows.
//!
//! A declared `Content-Length` past the limit is refused before a byte is read; a body
//! without one (chunked) is read as it streams and refused as soon as it passes the limit.
//! Either way the answer is the core's 413 and memory stays bounded by the limit.

use crate::admin::too_large;
use crate::error::ScimError;
use alloc::vec::Vec;
use futures_util::StreamExt;
use worker::{Method, Request, Result};

/// The body (`None` for GET and HEAD, which carry none), or the 413 to answer.
pub async fn read(
    req: &mut Request,
    limit: usize,
) -> Result<core::result::Result<Option<Vec<u8>>, ScimError>> {
    if matches!(req.method(), Method::Get | Method::Head) {
        return Ok(Ok(None));
    }
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|length| length.trim().parse::<u64>().ok());
    if let Some(length) = declared {
        if length > limit as u64 {
            return Ok(Err(too_large(length, limit)));
        }
    }
    let capacity = declared.map_or(0, |n| usize::try_from(n).unwrap_or(limit).min(limit));
    let mut body = Vec::with_capacity(capacity);
    let Ok(mut stream) = req.stream() else {
        // No body at all.
        return Ok(Ok(Some(body)));
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len().saturating_add(chunk.len()) > limit {
            let seen = body.len().saturating_add(chunk.len()) as u64;
            return Ok(Err(too_large(seen, limit)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(Some(body)))
}
