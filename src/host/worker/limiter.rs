//! `CreateLimiter`: a Durable Object per client address counting server creations in a
//! sliding minute.
//!
//! KV cannot count (one write per second per key, no compare-and-swap); one object per
//! client can, exactly. The window lives in memory only: an idle object is evicted after
//! about a minute or two, by which time its window would be empty anyway.

use alloc::collections::VecDeque;
use alloc::format;
use core::cell::RefCell;
use worker::{durable_object, js_sys, DurableObject, Env, Request, Response, Result, State};

/// The window the limit applies to.
const WINDOW_MS: f64 = 60_000.0;

/// Counts creations by one client.
#[durable_object(fetch)]
pub struct CreateLimiter {
    /// Times (ms since the epoch) of the creations in the current window, oldest first.
    hits: RefCell<VecDeque<f64>>,
}

impl DurableObject for CreateLimiter {
    fn new(_state: State, _env: Env) -> Self {
        CreateLimiter {
            hits: RefCell::new(VecDeque::new()),
        }
    }

    /// `POST /hit?limit=N`: 204 if one more creation fits in the window (and counts it),
    /// else 429 with the seconds until the oldest one leaves it.
    async fn fetch(&self, req: Request) -> Result<Response> {
        let url = req.url()?;
        let limit: usize = url
            .query_pairs()
            .find(|(k, _)| k == "limit")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let now = js_sys::Date::now();
        let mut hits = self.hits.borrow_mut();
        while hits.front().is_some_and(|t| now - t >= WINDOW_MS) {
            hits.pop_front();
        }
        if hits.len() >= limit {
            let oldest = hits.front().copied().unwrap_or(now);
            let retry_after = ((oldest + WINDOW_MS - now) / 1000.0).ceil().max(1.0);
            let mut resp = Response::empty()?.with_status(429);
            resp.headers_mut()
                .set("Retry-After", &format!("{retry_after}"))?;
            return Ok(resp);
        }
        hits.push_back(now);
        Ok(Response::empty()?.with_status(204))
    }
}
