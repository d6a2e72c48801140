//! Working-day calendars as data (`calendars/<year>.toml`): public holidays
//! and the make-up working days (调休) on weekends. Every deadline counted in
//! working days uses them.
//!
//! A file describes one year (its format is documented at the head of
//! `calendars/2025.toml`). Loading checks every date and either gives a whole
//! calendar or an error naming the file and line; nothing is half-loaded.
//! Outside the years that have a file, Saturday and Sunday are rest days and
//! every other day is a working day.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use domain::Message;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The calendars shipped with the product.
pub const EMBEDDED: &[(&str, &str)] =
    &[("2025.toml", include_str!("../../../calendars/2025.toml")), ("2026.toml", include_str!("../../../calendars/2026.toml"))];

/// A working-day calendar over the years it has data for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    /// The years with data, in order.
    years: Vec<i32>,
    /// Holiday names (zh, en); `days_off` points into this list.
    names: Vec<(String, String)>,
    /// Every day off of every holiday, with its holiday.
    days_off: BTreeMap<NaiveDate, usize>,
    /// Weekend days that are working days.
    makeup: BTreeSet<NaiveDate>,
}

/// A calendar file that cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
pub struct CalendarError {
    pub file: String,
    pub line: Option<usize>,
    pub message: Message,
}

impl CalendarError {
    /// Where and what, for people: the file, the line if known, the problem.
    pub fn message(&self) -> Message {
        match self.line {
            Some(line) => Message::new("file-line-error").text("file", self.file.clone()).count("line", line),
            None => Message::new("file-error").text("file", self.file.clone()),
        }
        .message("problem", self.message.clone())
    }
}

impl Calendar {
    /// The calendars embedded in the binary.
    pub fn embedded() -> Result<Self, CalendarError> {
        Self::load(EMBEDDED.iter().copied())
    }

    /// Loads year files given as (file name, text).
    pub fn load<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, CalendarError> {
        let mut cal = Calendar::default();
        for (file, text) in files {
            let raw: RawYear = basic_toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
            cal.add_year(&Locator { file, text }, &raw)?;
        }
        cal.years.sort_unstable();
        Ok(cal)
    }

    /// The years that have data, in order.
    pub fn years(&self) -> &[i32] {
        &self.years
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.makeup.contains(&day) {
            return true;
        }
        !self.days_off.contains_key(&day) && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The holiday `day` belongs to, as (zh, en); `None` on other days,
    /// ordinary weekends and make-up working days included.
    pub fn holiday_name(&self, day: NaiveDate) -> Option<(&str, &str)> {
        let (zh, en) = self.names.get(*self.days_off.get(&day)?)?;
        Some((zh, en))
    }

    /// The day that is the `n`-th working day after `day` (`day` itself for
    /// `n = 0`). Saturates at the last date chrono can hold.
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let (mut day, mut left) = (day, n);
        while left > 0 {
            // Seven days without data hold exactly five working days: skip
            // whole weeks, keeping the last few days to step through.
            let weeks = self.weeks_without_data(day, (left - 1) / 5);
            if weeks > 0 {
                match day.checked_add_days(Days::new(7 * u64::from(weeks))) {
                    Some(d) => day = d,
                    None => return NaiveDate::MAX,
                }
                left -= 5 * weeks;
                continue;
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => return NaiveDate::MAX,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// How many of the `wanted` weeks after `day` hold no holiday and no
    /// make-up day.
    fn weeks_without_data(&self, day: NaiveDate, wanted: u32) -> u32 {
        let first = [self.days_off.keys().next(), self.makeup.first()].into_iter().flatten().min();
        let last = [self.days_off.keys().next_back(), self.makeup.last()].into_iter().flatten().max();
        match (first, last) {
            (Some(first), Some(last)) if day < *last => {
                if day >= *first {
                    return 0;
                }
                // Days strictly between `day` and the first special day.
                let free = (*first - day).num_days() - 1;
                u32::try_from(free / 7).unwrap_or(u32::MAX).min(wanted)
            }
            _ => wanted,
        }
    }

    fn add_year(&mut self, at: &Locator, raw: &RawYear) -> Result<(), CalendarError> {
        let year = raw.year;
        if !(1949..=2200).contains(&year) {
            return Err(at.error(at.key_line("year", 0), Message::new("calendar-year-range").number("year", year)));
        }
        if self.years.contains(&year) {
            return Err(at.error(at.key_line("year", 0), Message::new("calendar-year-twice").number("year", year)));
        }
        // Make-up working days: each is a weekend day of this year, once.
        let list_start = at.key_line("makeup_working_days", 0).map_or(0, |l| l - 1);
        let mut makeup = Vec::new();
        for (i, s) in raw.makeup_working_days.iter().enumerate() {
            let earlier = raw.makeup_working_days[..i].iter().filter(|o| *o == s).count();
            let line = at.value_line(s, list_start, earlier);
            let fail = |problem: Message| {
                at.error(line, Message::new("calendar-field").text("field", "makeup_working_days").message("problem", problem))
            };
            let day = parse_day(s).ok_or_else(|| fail(Message::new("calendar-not-a-day").text("value", s.clone())))?;
            if day.year() != year {
                return Err(fail(Message::new("calendar-other-year").date("day", day).number("year", year)));
            }
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(fail(Message::new("calendar-not-weekend").date("day", day)));
            }
            if earlier > 0 {
                return Err(fail(Message::new("calendar-listed-twice").date("day", day)));
            }
            makeup.push((day, line));
        }
        // Holidays: inclusive ranges inside this year that do not overlap.
        let mut days_off = BTreeMap::new();
        let mut names = Vec::new();
        for (i, h) in raw.holiday.iter().enumerate() {
            let start = at.table_line("holiday", i).map_or(0, |l| l - 1);
            let key_fail = |key: &str, problem: Message| {
                at.error(
                    at.key_line(key, start),
                    Message::new("calendar-field").text("field", format!("holiday.{key}")).message("problem", problem),
                )
            };
            for (key, value) in [("name_zh", &h.name_zh), ("name_en", &h.name_en)] {
                if value.trim().is_empty() {
                    return Err(key_fail(key, Message::new("problem-required")));
                }
            }
            let from =
                parse_day(&h.from).ok_or_else(|| key_fail("from", Message::new("calendar-not-a-day").text("value", h.from.clone())))?;
            let to = parse_day(&h.to).ok_or_else(|| key_fail("to", Message::new("calendar-not-a-day").text("value", h.to.clone())))?;
            for (key, day) in [("from", from), ("to", to)] {
                if day.year() != year {
                    return Err(key_fail(key, Message::new("calendar-other-year").date("day", day).number("year", year)));
                }
            }
            if from > to {
                return Err(key_fail("to", Message::new("calendar-to-before-from").date("to", to).date("from", from)));
            }
            if (to - from).num_days() >= 31 {
                return Err(key_fail("to", Message::new("calendar-holiday-too-long").date("to", to).date("from", from)));
            }
            let index = self.names.len() + names.len();
            for day in from.iter_days().take_while(|d| *d <= to) {
                if let Some(other) = days_off.insert(day, index) {
                    let (zh, _): &(String, String) = &names[other - self.names.len()];
                    let overlap =
                        Message::new("calendar-overlap").text("name", h.name_zh.clone()).text("other", zh.clone()).date("day", day);
                    return Err(key_fail("from", overlap));
                }
            }
            names.push((h.name_zh.trim().to_owned(), h.name_en.trim().to_owned()));
        }
        if let Some((day, line)) = makeup.iter().find(|(day, _)| days_off.contains_key(day)) {
            let inside = Message::new("calendar-makeup-in-holiday").date("day", *day);
            return Err(at.error(*line, Message::new("calendar-field").text("field", "makeup_working_days").message("problem", inside)));
        }
        self.years.push(year);
        self.names.extend(names);
        self.days_off.extend(days_off);
        self.makeup.extend(makeup.into_iter().map(|(day, _)| day));
        Ok(())
    }
}

/// A date written exactly `YYYY-MM-DD`.
fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Finds lines in a file for error messages.
struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn error(&self, line: Option<usize>, message: Message) -> CalendarError {
        CalendarError { file: self.file.to_owned(), line, message }
    }

    /// The 1-based line at or after line `skip` (0-based) that sets `key`.
    fn key_line(&self, key: &str, skip: usize) -> Option<usize> {
        key_line(self.text, key, skip)
    }

    /// The 1-based line of the `index`-th `[[table]]` header.
    fn table_line(&self, table: &str, index: usize) -> Option<usize> {
        let header = format!("[[{table}]]");
        self.text.lines().enumerate().filter(|(_, l)| l.trim() == header).nth(index).map(|(i, _)| i + 1)
    }

    /// The 1-based line holding the string `value` (quoted) for the
    /// `nth` time (0 = first) at or after line `skip` (0-based).
    fn value_line(&self, value: &str, skip: usize, nth: usize) -> Option<usize> {
        let quoted = [format!("\"{value}\""), format!("'{value}'")];
        let mut hits = self.text.lines().enumerate().skip(skip).flat_map(|(i, l)| {
            let count = quoted.iter().map(|q| l.matches(q.as_str()).count()).sum::<usize>();
            std::iter::repeat_n(i + 1, count)
        });
        hits.nth(nth)
    }
}

/// The 1-based line at or after line `skip` (0-based) that sets `key`.
fn key_line(text: &str, key: &str, skip: usize) -> Option<usize> {
    let sets = |l: &str| l.trim_start().strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='));
    text.lines().enumerate().skip(skip).find(|(_, l)| sets(l)).map(|(i, _)| i + 1)
}

fn toml_error(file: &str, text: &str, e: &basic_toml::Error) -> CalendarError {
    let detail = e.to_string();
    CalendarError {
        file: file.to_owned(),
        line: crate::catalogue::toml_error_line(text, &detail),
        message: Message::new("toml-error").text("detail", detail),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    #[serde(default)]
    makeup_working_days: Vec<String>,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name_zh: String,
    name_en: String,
    from: String,
    to: String,
}
