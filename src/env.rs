//! What the host passes in: the current time, the SCIM base URL and fresh ids.
//!
//! Architecture invariant: the core reads no clock and no random source. Given the same
//! [`Env`] inputs, a request always produces the same response and change set.

use alloc::string::String;
use core::fmt::Write;

/// A source of fresh resource ids.
pub trait IdSource {
    /// A new id, never handed out before by this source. `now_ms` is the request's
    /// time ([`Env::now_ms`]), for sources whose ids sort by creation time.
    fn next_id(&mut self, now_ms: i64) -> String;
}

/// The host's inputs for one request.
pub struct Env<'a> {
    /// Milliseconds since the Unix epoch, UTC.
    pub now_ms: i64,
    /// Absolute SCIM base URL without a trailing slash, for `Location` and `meta.location`,
    /// e.g. `http://127.0.0.1:8787/scim-identifier/demo/scim/v2`.
    pub base_url: &'a str,
    /// Fresh ids for created resources.
    pub ids: &'a mut dyn IdSource,
}

/// A small, fast, seedable pseudo-random generator (SplitMix64).
///
/// Good enough for ids and fake data; not for secrets (hosts use the platform's CSPRNG
/// for tokens). Deterministic on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n > 0`; returns 0 for `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Lemire's multiply-shift: unbiased enough for test data, no division.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
    /// `true` with probability `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    /// One element of a non-empty slice (`None` if empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

/// Time-ordered UUIDs (RFC 9562 version 7) from a seeded [`Rng`]: hosts seed it from
/// their CSPRNG, tests and benchmarks from a constant.
///
/// Why version 7 and not 4: ids then sort by creation time, so a new resource lands at
/// the right edge of the tenant's id index (the part already in cache, not a random
/// leaf: a Bulk load of 100,000 users spent a tenth of its time on those misses), and
/// `id gt` walks (the CLI's `purge`) visit the oldest resources first. Ids stay opaque
/// and unguessable: 62 random bits follow the time.
#[derive(Debug, Clone)]
pub struct UuidIds {
    rng: Rng,
    /// Milliseconds and a 12-bit counter of the last id: ids from one source strictly
    /// increase even when the clock stands still or steps back.
    last: u64,
}

impl UuidIds {
    /// A UUID source from a seed.
    pub fn new(seed: u64) -> UuidIds {
        UuidIds {
            rng: Rng::new(seed),
            last: 0,
        }
    }
}

impl IdSource for UuidIds {
    fn next_id(&mut self, now_ms: i64) -> String {
        let now = (u64::try_from(now_ms).unwrap_or(0) & 0xFFFF_FFFF_FFFF) << 12;
        self.last = now.max(self.last.wrapping_add(1)) & 0x0FFF_FFFF_FFFF_FFFF;
        let (ms, counter) = (self.last >> 12, self.last & 0xFFF);
        let hi = (ms << 16) | 0x7000 | counter;
        let lo = (self.rng.next_u64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        let mut s = String::with_capacity(36);
        let _ = write!(
            s,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xFFFF,
            hi & 0xFFFF,
            lo >> 48,
            lo & 0xFFFF_FFFF_FFFF
        );
        s
    }
}

/// Ids `1`, `2`, `3`, ... with a prefix: readable ids for tests.
#[derive(Debug, Clone, Default)]
pub struct SequentialIds {
    /// Prepended to every id.
    pub prefix: String,
    /// The last number handed out.
    pub last: u64,
}

impl IdSource for SequentialIds {
    fn next_id(&mut self, _now_ms: i64) -> String {
        self.last += 1;
        let mut s = self.prefix.clone();
        let _ = write!(s, "{}", self.last);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// (request times in ms): ids must come out as version-7 UUIDs in strictly increasing
    /// order, including when the clock stands still, steps back or is before 1970.
    #[test]
    fn uuid_ids_are_version_7_and_strictly_increasing() {
        let cases: [&[i64]; 4] = [
            &[1_795_000_000_000, 1_795_000_000_001, 1_795_000_000_500],
            &[1_795_000_000_000; 5000],
            &[1_795_000_000_000, 1_700_000_000_000, 1_795_000_000_000],
            &[-5, 0, 0],
        ];
        for times in cases {
            let mut ids = UuidIds::new(7);
            let made: Vec<String> = times.iter().map(|&t| ids.next_id(t)).collect();
            for id in &made {
                let bytes = id.as_bytes();
                assert_eq!(id.len(), 36, "{id}");
                assert_eq!(bytes.get(14), Some(&b'7'), "version of {id}");
                assert!(
                    matches!(bytes.get(19), Some(b'8' | b'9' | b'a' | b'b')),
                    "variant of {id}"
                );
            }
            assert!(made.windows(2).all(|w| w[0] < w[1]), "{made:?}");
        }
        let mut ids = UuidIds::new(1);
        assert!(
            ids.next_id(1_795_000_000_000).starts_with("01a1"),
            "the time leads"
        );
    }
}
