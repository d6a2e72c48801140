//! Periods of a year (month, quarter, half, year) and their arithmetic: first
//! and last day, labels such as `2025-Q3`, and which periods a day falls in.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often a requirement recurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
    /// Every meeting of the bound kinds must satisfy the requirement; one cell
    /// per subject per month in which such meetings were held.
    PerMeeting,
    /// Once a year, in the month the member joined the party.
    JoinMonth,
}

impl PeriodKind {
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::Year => "year",
            PeriodKind::PerMeeting => "per_meeting",
            PeriodKind::JoinMonth => "join_month",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year, PeriodKind::PerMeeting, PeriodKind::JoinMonth]
            .into_iter()
            .find(|k| k.code() == s)
    }

    /// The periods of `year` of this kind, in order (months for per-meeting).
    pub fn periods(self, year: i32) -> Vec<Period> {
        match self {
            PeriodKind::Month | PeriodKind::PerMeeting | PeriodKind::JoinMonth => (1..=12).map(|m| Period::Month(year, m)).collect(),
            PeriodKind::Quarter => (1..=4).map(|q| Period::Quarter(year, q)).collect(),
            PeriodKind::Half => (1..=2).map(|h| Period::Half(year, h)).collect(),
            PeriodKind::Year => vec![Period::Year(year)],
        }
    }

    /// The period of this kind containing `day` (the month for per-meeting
    /// and join-month requirements).
    pub fn containing(self, day: NaiveDate) -> Period {
        let (y, m) = (day.year(), day.month() as u8);
        match self {
            PeriodKind::Month | PeriodKind::PerMeeting | PeriodKind::JoinMonth => Period::Month(y, m),
            PeriodKind::Quarter => Period::Quarter(y, (m - 1) / 3 + 1),
            PeriodKind::Half => Period::Half(y, (m - 1) / 6 + 1),
            PeriodKind::Year => Period::Year(y),
        }
    }
}

/// One period of one year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Half(i32, u8),
    Quarter(i32, u8),
    Month(i32, u8),
}

impl Period {
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Half(y, _) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// The first and last month (1-12) of the period.
    fn months(self) -> (u32, u32) {
        match self {
            Period::Year(_) => (1, 12),
            Period::Half(_, h) => (u32::from(h) * 6 - 5, u32::from(h) * 6),
            Period::Quarter(_, q) => (u32::from(q) * 3 - 2, u32::from(q) * 3),
            Period::Month(_, m) => (u32::from(m), u32::from(m)),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        let (first, _) = self.months();
        NaiveDate::from_ymd_opt(self.year(), first, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let (_, last) = self.months();
        let next =
            if last == 12 { NaiveDate::from_ymd_opt(self.year() + 1, 1, 1) } else { NaiveDate::from_ymd_opt(self.year(), last + 1, 1) };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// The day in the middle of the period (the 15th of a month, the 15th of
    /// the middle month otherwise): a subject that begins after it is not
    /// bound for the period.
    pub fn midpoint(self) -> NaiveDate {
        let (first, last) = self.months();
        let mid = (first + last) / 2;
        NaiveDate::from_ymd_opt(self.year(), mid, 15).unwrap_or(NaiveDate::MIN)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.first_day() <= day && day <= self.last_day()
    }

    /// Number of days in the period.
    pub fn days(self) -> i64 {
        (self.last_day() - self.first_day()).num_days() + 1
    }

    /// `2025`, `2025-H1`, `2025-Q3` or `2025-07`.
    pub fn label(self) -> String {
        match self {
            Period::Year(y) => format!("{y}"),
            Period::Half(y, h) => format!("{y}-H{h}"),
            Period::Quarter(y, q) => format!("{y}-Q{q}"),
            Period::Month(y, m) => format!("{y}-{m:02}"),
        }
    }

    /// Reads a label written by [`Period::label`].
    pub fn parse(s: &str) -> Option<Self> {
        let (y, rest) = match s.split_once('-') {
            Some((y, rest)) => (y, Some(rest)),
            None => (s, None),
        };
        if y.len() != 4 {
            return None;
        }
        let y: i32 = y.parse().ok()?;
        let Some(rest) = rest else { return Some(Period::Year(y)) };
        let num = |t: &str, max: u8| t.parse::<u8>().ok().filter(|n| (1..=max).contains(n));
        if let Some(h) = rest.strip_prefix('H') {
            return num(h, 2).map(|h| Period::Half(y, h));
        }
        if let Some(q) = rest.strip_prefix('Q') {
            return num(q, 4).map(|q| Period::Quarter(y, q));
        }
        if rest.len() == 2 { num(rest, 12).map(|m| Period::Month(y, m)) } else { None }
    }

    /// A small dense index of the period within its year's periods of the same
    /// kind (0-based): month 1 → 0, Q3 → 2, H2 → 1, the year → 0.
    pub fn index(self) -> usize {
        match self {
            Period::Year(_) => 0,
            Period::Half(_, n) | Period::Quarter(_, n) | Period::Month(_, n) => usize::from(n) - 1,
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_have_the_right_bounds_and_labels() {
        assert_eq!(Period::Quarter(2025, 3).first_day(), d(2025, 7, 1));
        assert_eq!(Period::Quarter(2025, 3).last_day(), d(2025, 9, 30));
        assert_eq!(Period::Month(2024, 2).last_day(), d(2024, 2, 29));
        assert_eq!(Period::Half(2025, 2).last_day(), d(2025, 12, 31));
        assert_eq!(Period::Year(2025).days(), 365);
        assert_eq!(Period::Quarter(2025, 3).label(), "2025-Q3");
        assert_eq!(Period::Month(2025, 7).label(), "2025-07");
        assert_eq!(Period::Half(2025, 1).label(), "2025-H1");
        for p in [Period::Year(2025), Period::Half(2025, 2), Period::Quarter(2026, 4), Period::Month(2025, 11)] {
            assert_eq!(Period::parse(&p.label()), Some(p));
        }
        for bad in ["2025-Q5", "2025-13", "2025-H0", "25", "2025-7", "x"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_last_day_of_a_quarter_is_in_that_quarter() {
        let day = d(2025, 3, 31);
        assert_eq!(PeriodKind::Quarter.containing(day), Period::Quarter(2025, 1));
        assert_eq!(PeriodKind::Quarter.containing(d(2025, 4, 1)), Period::Quarter(2025, 2));
        assert!(Period::Quarter(2025, 1).contains(day));
    }
}
