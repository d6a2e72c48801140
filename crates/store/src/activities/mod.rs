//! Activities: one real-world event (a meeting, a class, a theme party day, a
//! grassroots visit...) recorded once, with its ordered agenda and the people
//! expected at it. Attendance is recorded by exception: everyone expected is
//! a participant, and only the absent are marked, each with a reason.
//!
//! Every check is made before anything is written, against the catalogue's
//! vocabulary (activity, agenda-item and visit kinds are data) and against
//! the tree as it stood on the day the activity was held; a refusal names the
//! field and changes nothing. Deleting keeps the row (`deleted_at`).

//!
//! The model is here; [`checks`] holds what a record must satisfy,
//! [`reads`] and [`writes`] the queries. Who may take part is a question
//! about people (`crate::people::participants`).

mod checks;
mod reads;
mod writes;

use crate::orgs::parse_date;
use crate::rows::{int, opt_parsed, opt_text, parsed, text};
use crate::{Result, StoreError};
use chrono::{NaiveDate, NaiveTime};
use domain::{Field, FieldError, Id, Problem, Text};
use serde::Serialize;
use sqlx::any::AnyRow;

pub use writes::{Revision, Updated};

/// The longest activity, in minutes (a day).
pub const MAX_DURATION_MINUTES: i64 = 1440;

/// How far ahead an activity may be planned, in months.
pub const PLAN_AHEAD_MONTHS: u32 = 24;

/// The longest title and agenda-item title, in characters.
pub const TITLE_MAX: usize = 200;

/// The longest reason for an absence, in characters.
pub const REASON_MAX: usize = 200;

/// The most agenda items one activity may have.
pub const MAX_AGENDA_ITEMS: usize = 50;

/// The most participants one activity may have.
pub const MAX_PARTICIPANTS: usize = 10_000;

/// The longest minutes, in characters.
pub const MINUTES_MAX: usize = 50_000;

/// Where an activity stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    /// Announced for `held_on`; counts for no requirement yet.
    Planned,
    /// Held on `held_on`.
    Held,
    /// A plan that was dropped.
    Cancelled,
}

impl ActivityStatus {
    pub fn code(self) -> &'static str {
        match self {
            ActivityStatus::Planned => "planned",
            ActivityStatus::Held => "held",
            ActivityStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "planned" => Some(ActivityStatus::Planned),
            "held" => Some(ActivityStatus::Held),
            "cancelled" => Some(ActivityStatus::Cancelled),
            _ => None,
        }
    }
}

/// How far the minutes of an activity are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MinutesState {
    /// Still being written; changed freely.
    Draft,
    /// Settled; corrected only with a reason, kept in the history.
    Final,
}

impl MinutesState {
    pub fn code(self) -> &'static str {
        match self {
            MinutesState::Draft => "draft",
            MinutesState::Final => "final",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "draft" => Some(MinutesState::Draft),
            "final" => Some(MinutesState::Final),
            _ => None,
        }
    }
}

/// An activity to be recorded. Codes (kinds, visit kind, polarity) and texts
/// are checked by [`Store::record_activity`] against the catalogue.
#[derive(Clone, Debug)]
pub struct NewActivity {
    /// A chosen id (demo data); generated if `None`.
    pub id: Option<Id>,
    pub kind: String,
    pub host_org_id: Id,
    pub title: Option<String>,
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub duration_minutes: i64,
    pub presenter_id: Option<Id>,
    pub agenda: Vec<NewAgendaItem>,
    /// Everyone expected; `None` means the host's members and position
    /// holders on the day (see [`Store::record_activity`]).
    pub participants: Option<Vec<Id>>,
    pub absentees: Vec<NewAbsentee>,
    pub visit_kind: Option<String>,
    pub polarity: Option<String>,
    pub research_project_id: Option<Id>,
    /// `Planned` (any day, no attendance yet) or `Held` (not after today).
    pub status: ActivityStatus,
    /// Minutes typed or pasted, with their state (`Draft` if not given).
    pub minutes: Option<String>,
    pub minutes_state: Option<MinutesState>,
}

/// One agenda item to be recorded.
#[derive(Clone, Debug)]
pub struct NewAgendaItem {
    pub kind: String,
    pub title: Option<String>,
}

/// A participant who was absent, and why.
#[derive(Clone, Debug)]
pub struct NewAbsentee {
    pub person_id: Id,
    pub reason: String,
}

/// A recorded activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub id: Id,
    pub province_id: Id,
    pub kind: String,
    pub host_org_id: Id,
    pub title: Option<String>,
    pub held_on: NaiveDate,
    /// `HH:MM`
    pub starts_at: Option<String>,
    pub duration_minutes: i64,
    pub presenter_id: Option<Id>,
    pub agenda: Vec<AgendaItem>,
    /// Ordered by person id.
    pub participants: Vec<Participant>,
    pub visit_kind: Option<String>,
    pub polarity: Option<String>,
    pub research_project_id: Option<Id>,
    pub status: ActivityStatus,
    /// The day it was first planned for, if it was planned before it was held.
    pub planned_on: Option<NaiveDate>,
    pub minutes: Option<String>,
    pub minutes_state: Option<MinutesState>,
    pub version: i64,
    /// When it was entered (RFC 3339).
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// An agenda item, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    pub kind: String,
    pub title: Option<String>,
}

/// Someone expected at an activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Participant {
    pub person_id: Id,
    pub present: bool,
    pub absence_reason: Option<String>,
}

/// Which activities a list covers.
#[derive(Clone, Debug)]
pub struct ActivityFilter {
    pub org: Id,
    /// Activities hosted anywhere in the organization's subtree (`true`) or
    /// by the organization itself.
    pub subtree: bool,
    /// Held on or after this day.
    pub from: Option<NaiveDate>,
    /// Held on or before this day.
    pub to: Option<NaiveDate>,
    pub kind: Option<String>,
    /// Only activities in this state (any state if `None`).
    pub status: Option<ActivityStatus>,
}

/// A correction of a record whose minutes were final.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// The version the correction produced.
    pub version: i64,
    pub reason: String,
    pub corrected_at: String,
    pub corrected_by: String,
}

pub(super) const ACTIVITY_COLUMNS: &str = "a.province_id, a.id, a.kind, a.host_org_id, a.title, a.held_on, a.starts_at, a.duration_minutes, a.presenter_id, a.visit_kind, a.polarity, a.research_project_id, a.status, a.planned_on, a.minutes, a.minutes_state, a.version, a.created_at, a.created_by, a.updated_at, a.deleted_at";

pub(super) const INSERT_COLUMNS: [&str; 21] = [
    "province_id",
    "id",
    "kind",
    "host_org_id",
    "title",
    "held_on",
    "starts_at",
    "duration_minutes",
    "presenter_id",
    "visit_kind",
    "polarity",
    "research_project_id",
    "status",
    "planned_on",
    "minutes",
    "minutes_state",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "deleted_at",
];

pub(super) fn field_error(field: Field, problem: Problem, value: &str) -> StoreError {
    StoreError::Invalid(FieldError::new(field, problem, value))
}

/// A single line of text of at most `max` characters, trimmed; `Required`
/// if blank.
pub(crate) fn line(field: Field, raw: &str, max: usize) -> std::result::Result<String, FieldError> {
    let text = Text::parse(field, raw)?;
    if text.as_str().contains(['\n', '\r', '\t']) {
        return Err(FieldError::new(field, Problem::ControlCharacter, raw));
    }
    if text.as_str().chars().count() > max {
        return Err(FieldError::new(field, Problem::TooLong { max }, raw));
    }
    Ok(text.as_str().to_owned())
}

/// An optional single line: blank means absent.
pub(super) fn optional_line(field: Field, raw: Option<&str>, max: usize) -> Result<Option<String>> {
    match raw.filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(s) => line(field, s, max).map(Some).map_err(StoreError::Invalid),
    }
}

pub(super) fn codes(terms: &[rules::catalogue::Term]) -> String {
    terms.iter().map(|t| t.code.as_str()).collect::<Vec<_>>().join(", ")
}

pub(super) fn activity_from_row(row: &AnyRow) -> Result<Activity> {
    Ok(Activity {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        kind: text(row, "kind")?,
        host_org_id: Id::from_stored(text(row, "host_org_id")?),
        title: opt_text(row, "title")?,
        held_on: parsed(row, "held_on", parse_date)?,
        starts_at: opt_text(row, "starts_at")?,
        duration_minutes: int(row, "duration_minutes")?,
        presenter_id: opt_text(row, "presenter_id")?.map(Id::from_stored),
        agenda: Vec::new(),
        participants: Vec::new(),
        visit_kind: opt_text(row, "visit_kind")?,
        polarity: opt_text(row, "polarity")?,
        research_project_id: opt_text(row, "research_project_id")?.map(Id::from_stored),
        status: parsed(row, "status", |s| ActivityStatus::parse(s).ok_or(()))?,
        planned_on: opt_parsed(row, "planned_on", parse_date)?,
        minutes: opt_text(row, "minutes")?,
        minutes_state: opt_parsed(row, "minutes_state", |s| MinutesState::parse(s).ok_or(()))?,
        version: int(row, "version")?,
        created_at: text(row, "created_at")?,
        created_by: text(row, "created_by")?,
        updated_at: text(row, "updated_at")?,
        deleted_at: opt_text(row, "deleted_at")?,
    })
}
