//! The generator's random draws.

use super::{YEAR, ymd};
use chrono::{Days, NaiveDate};

/// SplitMix64.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 if `n` is 0).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        (((self.next() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A count around `mean` (±30 %), rounded at random so that the mean holds; at least 1.
    pub(crate) fn around(&mut self, mean: f64) -> u32 {
        let x = mean * (0.7 + 0.6 * self.unit());
        let whole = x.floor();
        let n = whole as u32 + u32::from(self.unit() < x - whole);
        n.max(1)
    }

    /// A day in `from..=to`.
    pub(crate) fn day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().clamp(0, i64::from(u32::MAX - 1)) as u32;
        from.checked_add_days(Days::new(u64::from(self.below(span + 1)))).unwrap_or(from)
    }

    /// A day of `month` of [`YEAR`] (1st to 28th).
    pub(crate) fn day_of(&mut self, month: u32) -> NaiveDate {
        ymd(YEAR, month, self.between(1, 28))
    }

    /// A day of [`YEAR`] in a month from `lo` to `hi`.
    pub(crate) fn day_in(&mut self, lo: u32, hi: u32) -> NaiveDate {
        let m = self.between(lo, hi);
        self.day_of(m)
    }
}
