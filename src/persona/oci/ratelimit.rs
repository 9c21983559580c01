//! Request rates as identity domains limit them: `/Bulk` at most `bulkPerSecond` a second
//! and `bulkPerMinute` a minute, everything else `othersPerSecond` a second; beyond, 429
//! with `Retry-After`. Fixed windows on the host's clock, kept per tenant in memory (an
//! evicted server starts counting afresh, as a restarted node would).

use crate::settings::RateLimits;

/// Requests admitted in the current window.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    /// Which window (the time divided by its length).
    index: i64,
    count: u32,
}

impl Window {
    /// Whether one more fits in `limit` per `length_ms`; `Err(ms)` until the next window.
    fn check(&self, limit: u32, length_ms: i64, now_ms: i64) -> Result<(), i64> {
        let index = now_ms.div_euclid(length_ms);
        if index != self.index || self.count < limit {
            return Ok(());
        }
        Err((index + 1) * length_ms - now_ms)
    }

    fn count(&mut self, length_ms: i64, now_ms: i64) {
        let index = now_ms.div_euclid(length_ms);
        if index != self.index {
            *self = Window { index, count: 0 };
        }
        self.count = self.count.saturating_add(1);
    }
}

/// One tenant's request counts.
#[derive(Debug, Clone, Default)]
pub struct Limiter {
    bulk_second: Window,
    bulk_minute: Window,
    others_second: Window,
}

impl Limiter {
    /// Counts a request if the limits admit it; else the seconds to wait (at least 1).
    pub fn admit(&mut self, limits: &RateLimits, bulk: bool, now_ms: i64) -> Result<(), u64> {
        if !limits.enabled {
            return Ok(());
        }
        let checks: &mut [(&mut Window, u32, i64)] = if bulk {
            &mut [
                (&mut self.bulk_second, limits.bulk_per_second, 1000),
                (&mut self.bulk_minute, limits.bulk_per_minute, 60_000),
            ]
        } else {
            &mut [(&mut self.others_second, limits.others_per_second, 1000)]
        };
        let wait = checks
            .iter()
            .filter_map(|(w, limit, len)| w.check(*limit, *len, now_ms).err())
            .max();
        if let Some(ms) = wait {
            // Whole seconds, rounded up: a client waiting that long is admitted.
            return Err(u64::try_from((ms + 999).div_euclid(1000))
                .unwrap_or(1)
                .max(1));
        }
        for (w, _, len) in checks.iter_mut() {
            w.count(*len, now_ms);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
