//! What the host passes in: the current time, the SCIM base URL and fresh ids.
//!
//! Architecture invariant: the core reads no clock and no random source. Given the same
//! [`Env`] inputs, a request always produces the same response and change set.

use alloc::string::String;
use core::fmt::Write;

/// A source of fresh resource ids.
pub trait IdSource {
    /// A new id, never handed out before by this source.
    fn next_id(&mut self) -> String;
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

/// Random version-4 UUIDs from a seeded [`Rng`]: hosts seed it from their CSPRNG,
/// tests and benchmarks from a constant.
#[derive(Debug, Clone)]
pub struct UuidIds(pub Rng);

impl UuidIds {
    /// A UUID source from a seed.
    pub fn new(seed: u64) -> UuidIds {
        UuidIds(Rng::new(seed))
    }
}

impl IdSource for UuidIds {
    fn next_id(&mut self) -> String {
        let hi = (self.0.next_u64() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let lo = (self.0.next_u64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
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
    fn next_id(&mut self) -> String {
        self.last += 1;
        let mut s = self.prefix.clone();
        let _ = write!(s, "{}", self.last);
        s
    }
}
