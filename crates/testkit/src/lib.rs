//! The one kit the integration tests of every crate build their worlds with,
//! so that a test reads as a sentence over it: a fresh database per test
//! ([`TestDb`]), a tree of organizations with people, accounts and
//! activities written through the store's real, audited write path
//! ([`world`], [`activities`]), the real web application on a free port
//! with sessions that log in through the real login form and replies read
//! as JSON or as a parsed DOM ([`app`], [`html`]), the real binary's output
//! and data directories ([`cli`]), and the demo county ([`demo`]).
//!
//! Nothing here is mocked: SQLite files in a temporary directory, or a new
//! PostgreSQL database per test when `CHANGXIAO_TEST_DATABASE_URL` names a
//! server (dropped by `cleanup`).
//!
//! Features keep a crate's tests as light as they can be: none for days, ID
//! numbers and messages; `store` for databases and builders; `web` for the
//! server; `demo` for the demo county; `sheets` for XLSX files.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::{IdNumber, Message};
use i18n::Lang;

#[cfg(feature = "store")]
pub mod activities;
#[cfg(feature = "web")]
pub mod app;
#[cfg(feature = "store")]
pub mod cli;
#[cfg(feature = "store")]
pub mod db;
#[cfg(feature = "demo")]
pub mod demo;
#[cfg(feature = "store")]
pub mod files;
#[cfg(feature = "web")]
pub mod html;
#[cfg(feature = "sheets")]
pub mod workbook;
#[cfg(feature = "store")]
pub mod world;

#[cfg(feature = "store")]
pub use db::{TestDb, field_of};

/// The day every test lives on unless it says otherwise: a Monday, ISO week
/// 2026-W48, with November and the fourth quarter under way.
pub const TODAY: &str = "2026-11-23";

/// [`TODAY`] as a date.
pub fn today() -> NaiveDate {
    day(TODAY)
}

/// A day written `YYYY-MM-DD`.
pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s} is no day: {e}"))
}

/// The day `y`-`m`-`d`.
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d} is no day"))
}

/// A valid ID number (GB 11643) made from its first 17 digits.
pub fn id_number(first17: &str) -> String {
    IdNumber::with_check_char(first17).unwrap_or_else(|| panic!("{first17}: not 17 digits of an ID number")).expose().to_owned()
}

/// The same ID number with a wrong check character.
pub fn id_number_with_wrong_check(first17: &str) -> String {
    let good = id_number(first17);
    let wrong = if good.ends_with('0') { '1' } else { '0' };
    format!("{}{wrong}", &good[..17])
}

/// A message as a Chinese reader sees it.
pub fn zh(message: &Message) -> String {
    i18n::render(Lang::ZhCn, message)
}

/// A message as an English reader sees it.
pub fn en(message: &Message) -> String {
    i18n::render(Lang::En, message)
}
