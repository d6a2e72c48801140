//! Reading request values into domain values, each failure a 422 naming the
//! field: required values, ids that refer to records, dates, and the paging
//! parameters every list shares.

use crate::error::ApiError;
use chrono::NaiveDate;
use domain::{Id, Message, PartialDate};

/// Rows per page when the client does not say.
pub const DEFAULT_LIMIT: usize = 50;
/// The most rows a page may hold.
pub const MAX_LIMIT: usize = 500;

/// A value the request must carry.
pub fn required<T>(field: &'static str, value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::unprocessable(field, "required", Message::new("problem-required")))
}

/// An id naming a record in the body; one that cannot exist is reported like
/// one that does not.
pub fn record_id(field: &'static str, raw: &str) -> Result<Id, ApiError> {
    Id::parse(raw.trim()).ok_or_else(|| ApiError::unprocessable(field, "not_found", Message::new("problem-no-such-record")))
}

/// A full date, `YYYY-MM-DD`.
pub fn date(field: &'static str, raw: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::unprocessable(field, "not_a_date", Message::new("problem-not-iso-date")))
}

/// A date that may lack its day: `YYYY-MM-DD` or `YYYY-MM`.
pub fn partial_date(field: &'static str, raw: &str) -> Result<PartialDate, ApiError> {
    PartialDate::parse_iso(raw.trim())
        .ok_or_else(|| ApiError::unprocessable(field, "not_a_date", Message::new("problem-not-iso-partial-date")))
}

/// The day a request is about (`on`, in the query or the body): the given
/// date, or today.
pub fn on_day(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    match raw.filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(s) => date("on", s),
    }
}

/// The page size: `limit=N`, 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] if absent.
pub fn limit(raw: Option<&str>) -> Result<usize, ApiError> {
    let Some(raw) = raw.filter(|s| !s.is_empty()) else {
        return Ok(DEFAULT_LIMIT);
    };
    match raw.parse::<usize>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(ApiError::unprocessable("limit", "out_of_range", Message::new("problem-limit-out-of-range").count("max", MAX_LIMIT))),
    }
}

/// The cursor of a page: opaque to clients, the last id of the previous page.
pub fn cursor(raw: Option<&str>) -> Result<Option<Id>, ApiError> {
    match raw.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Id::parse(s).map(Some).ok_or_else(|| ApiError::unprocessable("cursor", "invalid", Message::new("problem-not-a-cursor"))),
    }
}

/// The subtree a list is limited to; an id that cannot exist is a missing one.
pub fn under(raw: Option<&str>) -> Result<Option<Id>, ApiError> {
    match raw.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Id::parse(s).map(Some).ok_or_else(ApiError::not_found),
    }
}

/// For PATCH fields that may be cleared: absent (`None`), `null`
/// (`Some(None)`) or a value (`Some(Some(v))`).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
