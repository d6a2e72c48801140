//! Working-day calendars: the embedded years follow the State Council
//! notices; bad files are refused with the file and line of the mistake.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use rules::{Calendar, CalendarError};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn embedded() -> Calendar {
    Calendar::embedded().unwrap()
}

#[test]
fn the_embedded_calendar_covers_2025_and_2026() {
    assert_eq!(embedded().years(), [2025, 2026]);
}

#[test]
fn working_days_follow_the_notices() {
    let cal = embedded();
    // (day, working?, why)
    let table = [
        ("2025-01-01", false, "New Year's Day, a Wednesday"),
        ("2025-01-02", true, "an ordinary Thursday"),
        ("2025-01-26", true, "a Sunday worked before the Spring Festival"),
        ("2025-01-28", false, "first day of the Spring Festival"),
        ("2025-02-04", false, "last day of the Spring Festival, a Tuesday"),
        ("2025-02-05", true, "back to work"),
        ("2025-02-08", true, "a Saturday worked after the Spring Festival"),
        ("2025-02-09", false, "an ordinary Sunday"),
        ("2025-04-27", true, "a Sunday worked before Labour Day"),
        ("2025-05-05", false, "Labour Day holiday, a Monday"),
        ("2025-06-02", false, "Dragon Boat Festival, a Monday"),
        ("2025-09-28", true, "a Sunday worked before National Day"),
        ("2025-10-08", false, "National Day holiday, a Wednesday"),
        ("2025-10-11", true, "a Saturday worked after National Day"),
        ("2026-01-02", false, "New Year holiday, a Friday"),
        ("2026-01-04", true, "a Sunday worked after New Year"),
        ("2026-02-14", true, "a Saturday worked before the Spring Festival"),
        ("2026-02-15", false, "first day of the Spring Festival"),
        ("2026-02-23", false, "last day of the Spring Festival, a Monday"),
        ("2026-02-24", true, "back to work"),
        ("2026-02-28", true, "a Saturday worked after the Spring Festival"),
        ("2026-05-09", true, "a Saturday worked after Labour Day"),
        ("2026-09-25", false, "Mid-Autumn Festival, a Friday"),
        ("2026-09-20", true, "a Sunday worked before National Day"),
        ("2026-10-07", false, "National Day holiday, a Wednesday"),
        ("2026-10-10", true, "a Saturday worked after National Day"),
        ("2024-10-01", true, "no data for 2024: an ordinary Tuesday"),
        ("2027-01-02", false, "no data for 2027: an ordinary Saturday"),
    ];
    for (d, working, why) in table {
        assert_eq!(cal.is_working_day(day(d)), working, "{d}: {why}");
    }
}

#[test]
fn holidays_have_names_and_make_up_days_do_not() {
    let cal = embedded();
    assert_eq!(cal.holiday_name(day("2025-10-08")), Some(("国庆节、中秋节", "National Day and Mid-Autumn Festival")));
    assert_eq!(cal.holiday_name(day("2026-02-20")), Some(("春节", "Spring Festival")));
    assert_eq!(cal.holiday_name(day("2025-01-26")), None);
    assert_eq!(cal.holiday_name(day("2025-03-01")), None);
}

#[test]
fn adding_working_days_skips_holidays_and_counts_make_up_days() {
    let cal = embedded();
    // (from, n, expected, why)
    let table = [
        ("2025-09-26", 0, "2025-09-26", "zero days is the day itself"),
        ("2025-09-26", 1, "2025-09-28", "Friday + 1 is the worked Sunday"),
        ("2025-09-28", 1, "2025-09-29", "Monday"),
        ("2025-09-30", 1, "2025-10-09", "across the whole National Day week"),
        ("2025-09-30", 3, "2025-10-11", "Thursday, Friday, then the worked Saturday"),
        ("2025-09-30", 4, "2025-10-13", "then Monday"),
        ("2026-02-13", 1, "2026-02-14", "the worked Saturday before the Spring Festival"),
        ("2026-02-14", 1, "2026-02-24", "across the Spring Festival"),
        ("2026-02-24", 4, "2026-02-28", "the worked Saturday after it"),
        ("2025-12-31", 1, "2026-01-04", "across New Year 2026 onto the worked Sunday"),
        ("2027-01-01", 5, "2027-01-08", "a week without data: Friday + 5 is Friday"),
        ("2024-12-27", 3, "2025-01-02", "from a year without data into one with it"),
    ];
    for (from, n, expected, why) in table {
        assert_eq!(cal.add_working_days(day(from), n), day(expected), "{from} + {n}: {why}");
    }
}

#[test]
fn adding_many_working_days_agrees_with_counting_one_by_one() {
    let cal = embedded();
    for from in ["2020-03-07", "2024-06-15", "2025-09-30", "2026-12-31"] {
        let mut d = day(from);
        for n in 1..=800 {
            d = cal.add_working_days(d, 1);
            assert_eq!(cal.add_working_days(day(from), n), d, "{from} + {n}");
        }
    }
    assert_eq!(cal.add_working_days(NaiveDate::MAX, 1), NaiveDate::MAX);
    assert_eq!(cal.add_working_days(day("2025-01-01"), u32::MAX), NaiveDate::MAX);
}

#[test]
fn an_empty_calendar_knows_only_weekends() {
    let cal = Calendar::load([]).unwrap();
    assert!(cal.years().is_empty());
    assert!(cal.is_working_day(day("2025-10-08")));
    assert!(!cal.is_working_day(day("2025-10-11")));
}

// ------------------------------------------------------------------ bad files

const GOOD: &str = r#"# a year
year = 2025
makeup_working_days = [
    "2025-01-26",
    "2025-02-08",
]

[[holiday]]
name_zh = "元旦"
name_en = "New Year's Day"
from = "2025-01-01"
to = "2025-01-01"

[[holiday]]
name_zh = "春节"
name_en = "Spring Festival"
from = "2025-01-28"
to = "2025-02-04"
"#;

/// Loading `text` as `2025.toml` fails at `line` with a message containing `words`.
#[track_caller]
fn refused(text: &str, line: Option<usize>, words: &str) -> CalendarError {
    let err = Calendar::load([("2025.toml", text)]).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("2025.toml", line), "{err}");
    assert!(i18n::render(i18n::Lang::En, &err.message).contains(words), "{err}");
    err
}

#[test]
fn the_good_file_loads() {
    let cal = Calendar::load([("2025.toml", GOOD)]).unwrap();
    assert!(!cal.is_working_day(day("2025-02-04")));
    assert!(cal.is_working_day(day("2025-02-08")));
}

#[test]
fn a_syntax_error_names_its_line() {
    refused(&GOOD.replace("to = \"2025-02-04\"", "to = 2025-02-04\""), Some(18), "at line 18");
}

#[test]
fn an_unknown_field_names_its_line() {
    refused(&GOOD.replace("name_en = \"Spring Festival\"", "name_en = \"Spring Festival\"\nname_fr = \"Fête\""), Some(17), "name_fr");
    refused(&GOOD.replace("year = 2025", "year = 2025\nyaer = 2025"), Some(3), "yaer");
}

#[test]
fn a_missing_field_is_refused() {
    refused(&GOOD.replace("year = 2025\n", ""), None, "year");
    refused(&GOOD.replace("to = \"2025-01-01\"\n", ""), Some(8), "missing field `to`");
}

#[test]
fn a_date_that_is_not_a_date_is_refused() {
    refused(&GOOD.replace("to = \"2025-02-04\"", "to = \"2025-02-30\""), Some(18), "holiday.to: '2025-02-30' is not a date");
    refused(&GOOD.replace("\"2025-02-08\"", "\"2025-2-8\""), Some(5), "makeup_working_days: '2025-2-8' is not a date");
}

#[test]
fn a_date_outside_the_files_year_is_refused() {
    refused(&GOOD.replace("from = \"2025-01-01\"", "from = \"2024-12-31\""), Some(11), "holiday.from: 2024-12-31 is not in 2025");
    refused(&GOOD.replace("\"2025-02-08\"", "\"2026-02-08\""), Some(5), "makeup_working_days: 2026-02-08 is not in 2025");
}

#[test]
fn from_after_to_is_refused() {
    refused(
        &GOOD.replace("from = \"2025-01-28\"", "from = \"2025-02-05\""),
        Some(18),
        "holiday.to: 2025-02-04 is before from = 2025-02-05",
    );
}

#[test]
fn a_make_up_day_must_be_a_weekend_day() {
    refused(&GOOD.replace("\"2025-02-08\"", "\"2025-02-07\""), Some(5), "2025-02-07 is not a weekend day");
}

#[test]
fn a_make_up_day_inside_a_holiday_is_refused() {
    refused(&GOOD.replace("\"2025-01-26\"", "\"2025-02-01\""), Some(4), "makeup_working_days: 2025-02-01 lies inside a holiday");
}

#[test]
fn a_make_up_day_listed_twice_points_at_the_second() {
    refused(&GOOD.replace("\"2025-02-08\"", "\"2025-01-26\""), Some(5), "2025-01-26 is listed twice");
}

#[test]
fn overlapping_holidays_are_refused() {
    refused(&GOOD.replace("to = \"2025-01-01\"", "to = \"2025-01-29\""), Some(17), "'春节' overlaps '元旦' on 2025-01-28");
}

#[test]
fn an_empty_name_is_refused() {
    refused(&GOOD.replace("name_en = \"Spring Festival\"", "name_en = \"\""), Some(16), "holiday.name_en: is required");
}

#[test]
fn a_year_given_twice_is_refused_in_the_second_file() {
    let err = Calendar::load([("2025.toml", GOOD), ("2025-again.toml", GOOD)]).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("2025-again.toml", Some(2)), "{err}");
    assert!(i18n::render(i18n::Lang::En, &err.message).contains("year: 2025 is already given"), "{err}");
}

#[test]
fn a_year_out_of_range_is_refused() {
    refused(&GOOD.replace("year = 2025", "year = 20255"), Some(2), "year: 20255");
}

#[test]
fn nothing_is_loaded_when_one_file_is_bad() {
    let bad = GOOD.replace("2025", "2026").replace("\"2026-01-26\"", "\"2026-01-27\"");
    let err = Calendar::load([("2025.toml", GOOD), ("2026.toml", bad.as_str())]).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("2026.toml", Some(4)), "{err}");
}
