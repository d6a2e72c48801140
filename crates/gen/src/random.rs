//! The generator's draws beyond those of the shared [`Seeded`] source:
//! counts around a mean and days of the generated year.

use super::{YEAR, ymd};
use chrono::NaiveDate;
use seeded::Seeded;

/// Draws for generating a province.
pub(crate) trait Draws {
    /// A count around `mean` (±30 %), rounded at random so that the mean holds; at least 1.
    fn around(&mut self, mean: f64) -> u32;
    /// A day of `month` of [`YEAR`] (1st to 28th).
    fn day_of(&mut self, month: u32) -> NaiveDate;
    /// A day of [`YEAR`] in a month from `lo` to `hi`.
    fn day_in(&mut self, lo: u32, hi: u32) -> NaiveDate;
}

impl Draws for Seeded {
    fn around(&mut self, mean: f64) -> u32 {
        let x = mean * (0.7 + 0.6 * self.unit());
        let whole = x.floor();
        let n = whole as u32 + u32::from(self.unit() < x - whole);
        n.max(1)
    }

    fn day_of(&mut self, month: u32) -> NaiveDate {
        ymd(YEAR, month, self.between(1, 28))
    }

    fn day_in(&mut self, lo: u32, hi: u32) -> NaiveDate {
        let m = self.between(lo, hi);
        self.day_of(m)
    }
}
