//! The demo's random source and the small date helpers built on it.
//! Everything random in the demo goes through [`Random`], which draws from
//! the workspace's shared [`Seeded`] source (ChaCha8, integer draws only, no
//! floating-point transcendental functions), so a seed gives the same county
//! on every platform. Besides the draws, [`Random`] keeps the day the demo is
//! generated for and the clock of the ids it makes.

use chrono::{Days, Months, NaiveDate};
use domain::Id;
use seeded::Seeded;

/// The seeded generator, the day the demo is generated for, and the id clock.
pub(crate) struct Random {
    rng: Seeded,
    seed: u64,
    today: NaiveDate,
    base_millis: u64,
    ids_made: u64,
}

impl Random {
    pub(crate) fn new(seed: u64, today: NaiveDate) -> Self {
        let millis = today.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis());
        Random { rng: Seeded::new(seed), seed, today, base_millis: u64::try_from(millis).unwrap_or(0), ids_made: 0 }
    }

    /// An independent generator for the same seed and day: stream `stream`
    /// of the seed (this one draws from stream 0), so that what it draws
    /// changes nothing this one draws. Its ids come after every id this one
    /// has made so far.
    pub(crate) fn fork(&self, stream: u64) -> Random {
        let rng = Seeded::stream(self.seed, stream);
        Random { rng, seed: self.seed, today: self.today, base_millis: self.base_millis + self.ids_made, ids_made: 0 }
    }

    pub(crate) fn today(&self) -> NaiveDate {
        self.today
    }

    /// The last day anything in the demo may have happened on (yesterday).
    pub(crate) fn yesterday(&self) -> NaiveDate {
        sub_days(self.today, 1)
    }

    /// A fresh id: time-ordered from midnight of `today`, random from the seed.
    pub(crate) fn id(&mut self) -> Id {
        let mut random = [0u8; 10];
        self.rng.fill(&mut random);
        self.ids_made += 1;
        Id::from_parts(self.base_millis + self.ids_made, random)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }

    /// A number in `lo..=hi` (`lo` when the range is empty).
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.between(lo, hi)
    }

    /// Like [`Random::between`], for counts.
    pub(crate) fn count_between(&mut self, lo: usize, hi: usize) -> usize {
        self.rng.between(lo, hi)
    }

    /// True with a probability of `per_mille` thousandths.
    pub(crate) fn chance(&mut self, per_mille: u32) -> bool {
        self.rng.chance(per_mille)
    }

    /// One item of a fixed, non-empty list.
    pub(crate) fn pick<T: Copy, const N: usize>(&mut self, items: &[T; N]) -> T {
        self.rng.pick(items)
    }

    /// The index of an entry drawn with probability proportional to its weight;
    /// `None` when every weight is zero.
    pub(crate) fn weighted(&mut self, weights: &[u64]) -> Option<usize> {
        self.rng.weighted(weights)
    }

    /// An item of a weighted list; `None` when every weight is zero.
    pub(crate) fn weighted_item<T: Copy>(&mut self, items: &[(T, u64)]) -> Option<T> {
        let weights: Vec<u64> = items.iter().map(|(_, w)| *w).collect();
        self.weighted(&weights).and_then(|i| items.get(i)).map(|(t, _)| *t)
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        self.rng.shuffle(items);
    }

    /// A day in `lo..=hi` (`lo` when the range is empty).
    pub(crate) fn day_between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        self.rng.day_between(lo, hi)
    }

    /// A day within `years` years after `from`, never after yesterday and
    /// never before `from` (a child organization founded after its parent).
    pub(crate) fn day_after(&mut self, from: NaiveDate, years: u32) -> NaiveDate {
        let hi = add_years(from, years).min(self.yesterday());
        self.day_between(from, hi).max(from)
    }

    /// A birth date that makes the person exactly `age` on `on`.
    pub(crate) fn birth_for_age(&mut self, age: i32, on: NaiveDate) -> NaiveDate {
        let age = u32::try_from(age).unwrap_or(0);
        let latest = sub_years(on, age);
        let earliest = add_days(sub_years(on, age + 1), 1);
        self.day_between(earliest, latest)
    }
}

/// A calendar date from literal parts known to be valid.
pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

pub(crate) fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(years * 12)).unwrap_or(NaiveDate::MAX)
}

pub(crate) fn sub_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(years * 12)).unwrap_or(NaiveDate::MIN)
}

pub(crate) fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

pub(crate) fn sub_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::dates::age_on;

    #[test]
    fn birth_dates_give_the_asked_age_even_around_leap_days() {
        let mut r = Random::new(7, ymd(2026, 11, 23));
        for on in [ymd(2026, 11, 23), ymd(2028, 2, 29), ymd(2027, 2, 28), ymd(2027, 3, 1)] {
            for age in [18, 30, 61, 95] {
                for _ in 0..50 {
                    let birth = r.birth_for_age(age, on);
                    assert_eq!(age_on(birth, on), age, "{birth} on {on}");
                }
            }
        }
    }

    #[test]
    fn weighted_draws_never_choose_a_zero_weight() {
        let mut r = Random::new(1, ymd(2026, 1, 1));
        for _ in 0..200 {
            assert_ne!(r.weighted(&[0, 3, 0, 1]), Some(0));
        }
        assert_eq!(r.weighted(&[0, 0]), None);
    }
}
