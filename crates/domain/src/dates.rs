//! Calendar dates as people write them in rosters: full dates and dates whose
//! day (or month) is unknown, parsed from every common spelling.

use crate::error::{Field, FieldError, Problem};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A date that may lack its day ("1985.07": July 1985, day unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    year: i32,
    month: u32,
    day: Option<u32>,
}

impl PartialDate {
    pub fn full(date: NaiveDate) -> Self {
        PartialDate { year: date.year(), month: date.month(), day: Some(date.day()) }
    }

    pub fn year_month(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| PartialDate { year, month, day: None })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> u32 {
        self.month
    }

    pub fn day(&self) -> Option<u32> {
        self.day
    }

    /// The earliest day the date can mean.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day.unwrap_or(1)).unwrap_or(NaiveDate::MIN)
    }

    /// The latest day the date can mean.
    pub fn last_day(&self) -> NaiveDate {
        match self.day {
            Some(d) => NaiveDate::from_ymd_opt(self.year, self.month, d).unwrap_or(NaiveDate::MAX),
            None => {
                let (y, m) = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
                NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
            }
        }
    }

    /// Parses the stored and API form: `YYYY-MM-DD` or `YYYY-MM`.
    pub fn parse_iso(s: &str) -> Option<Self> {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(Self::full(d));
        }
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Self::year_month(y.parse().ok()?, m.parse().ok()?)
    }

    /// Parses a date as written in a spreadsheet cell: `2023-05-01`,
    /// `2023/5/1`, `2023.5.1`, `2023年5月1日`, `20230501`, or year and month
    /// alone (`1985.07`, `1985-07`, `1985年7月`).
    pub fn parse_flexible(field: Field, raw: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, Problem::NotADate, raw);
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, Problem::Required, raw));
        }
        // A timestamp such as "2023-05-01 00:00:00" keeps its date part.
        let s = s.split_once([' ', 'T']).map_or(s, |(d, _)| d);
        if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
            let (y, m, d) = (&s[0..4], &s[4..6], &s[6..8]);
            return Self::from_parts(y, m, Some(d)).ok_or_else(bad);
        }
        let normalized: String =
            s.trim_end_matches('日').chars().map(|c| if matches!(c, '年' | '月' | '/' | '.' | '-') { '-' } else { c }).collect();
        let parts: Vec<&str> = normalized.trim_end_matches('-').split('-').collect();
        match parts.as_slice() {
            [y, m] => Self::from_parts(y, m, None),
            [y, m, d] => Self::from_parts(y, m, Some(d)),
            _ => None,
        }
        .ok_or_else(bad)
    }

    fn from_parts(y: &str, m: &str, d: Option<&str>) -> Option<Self> {
        let numeric = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !numeric(y) || !numeric(m) || m.len() > 2 {
            return None;
        }
        let (year, month) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
        if !(1900..=2999).contains(&year) {
            return None;
        }
        match d {
            None => Self::year_month(year, month),
            Some(d) if numeric(d) && d.len() <= 2 => NaiveDate::from_ymd_opt(year, month, d.parse().ok()?).map(Self::full),
            Some(_) => None,
        }
    }

    /// Converts an Excel serial day number (1900 date system; 45047 is
    /// 2023-05-01). Fractions (a time of day) are dropped.
    pub fn from_excel_serial(field: Field, serial: f64) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, Problem::NotADate, &serial.to_string());
        if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
            return Err(bad());
        }
        // Day 60 is Excel's fictitious 1900-02-29; serials after it are one day ahead.
        let days = serial.trunc() as i64;
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 31).ok_or_else(bad)?;
        let offset = if days >= 60 { days - 1 } else { days };
        let date = epoch.checked_add_signed(chrono::Duration::days(offset)).ok_or_else(bad)?;
        Ok(Self::full(date))
    }
}

impl fmt::Display for PartialDate {
    /// `YYYY-MM-DD`, or `YYYY-MM` when the day is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.day {
            Some(d) => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, d),
            None => write!(f, "{:04}-{:02}", self.year, self.month),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PartialDate::parse_iso(&s).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DD or YYYY-MM"))
    }
}

/// Whole years between `birth` and `on` (age on that day).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<String, Problem> {
        PartialDate::parse_flexible(Field::JoinDate, s).map(|d| d.to_string()).map_err(|e| e.problem)
    }

    #[test]
    fn every_common_spelling_is_read() {
        for s in ["2023-05-01", "2023/5/1", "2023.5.1", "2023年5月1日", "20230501", "2023-05-01 00:00:00", " 2023-5-1 "] {
            assert_eq!(p(s), Ok("2023-05-01".into()), "{s}");
        }
        for s in ["1985.07", "1985-07", "1985年7月", "1985/7"] {
            assert_eq!(p(s), Ok("1985-07".into()), "{s}");
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in ["2023-13-40", "2023-02-30", "abc", "23-5-1", "2023-5-1-2", "1800-01-01", "2023--1", "２０２３-05-01"] {
            assert_eq!(p(s), Err(Problem::NotADate), "{s}");
        }
        assert_eq!(p(""), Err(Problem::Required));
    }

    #[test]
    fn excel_serials_follow_the_1900_system() {
        let d = |n: f64| PartialDate::from_excel_serial(Field::JoinDate, n).map(|d| d.to_string()).map_err(|e| e.problem);
        assert_eq!(d(45047.0), Ok("2023-05-01".into()));
        assert_eq!(d(45047.75), Ok("2023-05-01".into()));
        assert_eq!(d(1.0), Ok("1900-01-01".into()));
        assert_eq!(d(61.0), Ok("1900-03-01".into()));
        assert_eq!(d(-3.0), Err(Problem::NotADate));
        assert_eq!(d(f64::NAN), Err(Problem::NotADate));
    }

    #[test]
    fn partial_dates_span_their_month() {
        let d = PartialDate::year_month(2024, 2).unwrap();
        assert_eq!(d.first_day().to_string(), "2024-02-01");
        assert_eq!(d.last_day().to_string(), "2024-02-29");
        assert_eq!(PartialDate::parse_iso("2024-02"), Some(d));
    }

    #[test]
    fn age_counts_whole_years() {
        let b = NaiveDate::from_ymd_opt(2000, 6, 15).unwrap();
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2018, 6, 14).unwrap()), 17);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2018, 6, 15).unwrap()), 18);
    }
}
