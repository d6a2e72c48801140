//! The days of the evaluated year's periods (first, last, midpoint, length),
//! computed once per engine so that evaluating a cell never builds a date,
//! and a period of the year written in one byte inside a stored cell.

use crate::period::Period;
use chrono::NaiveDate;

/// A period of the evaluated year in one byte: the year is 0, halves 1-2,
/// quarters 3-6, months 7-18.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PeriodCode(pub(super) u8);

impl PeriodCode {
    #[inline]
    pub(super) fn of(p: Period) -> Self {
        PeriodCode(match p {
            Period::Year(_) => 0,
            Period::Half(_, n) => n,
            Period::Quarter(_, n) => 2 + n,
            Period::Month(_, n) => 6 + n,
        })
    }

    #[inline]
    pub(super) fn period(self, year: i32) -> Period {
        match self.0 {
            0 => Period::Year(year),
            n @ 1..=2 => Period::Half(year, n),
            n @ 3..=6 => Period::Quarter(year, n - 2),
            n => Period::Month(year, n - 6),
        }
    }
}

/// The days of one period, computed once per engine.
#[derive(Clone, Copy, Debug)]
pub(super) struct Bounds {
    pub(super) first: NaiveDate,
    pub(super) last: NaiveDate,
    pub(super) mid: NaiveDate,
    pub(super) days: i64,
}

/// The bounds of every period of the evaluated year.
#[derive(Clone, Debug)]
pub(super) struct YearBounds {
    pub(super) year: Bounds,
    halves: [Bounds; 2],
    quarters: [Bounds; 4],
    months: [Bounds; 12],
}

impl YearBounds {
    pub(super) fn new(year: i32) -> Self {
        let b = |p: Period| Bounds { first: p.first_day(), last: p.last_day(), mid: p.midpoint(), days: p.days() };
        YearBounds {
            year: b(Period::Year(year)),
            halves: std::array::from_fn(|i| b(Period::Half(year, i as u8 + 1))),
            quarters: std::array::from_fn(|i| b(Period::Quarter(year, i as u8 + 1))),
            months: std::array::from_fn(|i| b(Period::Month(year, i as u8 + 1))),
        }
    }

    #[inline]
    pub(super) fn of(&self, p: Period) -> Bounds {
        let pick = |list: &[Bounds], n: u8| list.get(usize::from(n).wrapping_sub(1)).copied();
        let found = match p {
            Period::Year(_) => Some(self.year),
            Period::Half(_, n) => pick(&self.halves, n),
            Period::Quarter(_, n) => pick(&self.quarters, n),
            Period::Month(_, n) => pick(&self.months, n),
        };
        found.unwrap_or_else(|| Bounds { first: p.first_day(), last: p.last_day(), mid: p.midpoint(), days: p.days() })
    }
}
