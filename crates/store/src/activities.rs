//! Activities: one real-world event (a meeting, a class, a theme party day, a
//! grassroots visit...) recorded once, with its ordered agenda and the people
//! expected at it. Attendance is recorded by exception: everyone expected is
//! a participant, and only the absent are marked, each with a reason.
//!
//! Every check is made before anything is written, against the catalogue's
//! vocabulary (activity, agenda-item and visit kinds are data) and against
//! the tree as it stood on the day the activity was held; a refusal names the
//! field and changes nothing. Deleting keeps the row (`deleted_at`).

use crate::audit::Audited;
use crate::orgs::{Page, date_text, parse_date, path_end, root_path};
use crate::rows::{Value, insert_rows, int, opt_parsed, opt_text, parsed, text};
use crate::{Result, Store, StoreError};
use chrono::{NaiveDate, NaiveTime};
use domain::{Field, FieldError, Id, MemberStatus, Message, OrgKind, OrgLevel, Organization, Problem, Text};
use rules::Catalogue;
use rules::catalogue::Polarity;
use rules::vocabulary::ActivityKind;
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::{BTreeSet, HashMap, HashSet};

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

const ACTIVITY_COLUMNS: &str = "a.province_id, a.id, a.kind, a.host_org_id, a.title, a.held_on, a.starts_at, a.duration_minutes, a.presenter_id, a.visit_kind, a.polarity, a.research_project_id, a.status, a.planned_on, a.minutes, a.minutes_state, a.version, a.created_at, a.created_by, a.updated_at, a.deleted_at";

const INSERT_COLUMNS: [&str; 21] = [
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

fn field_error(field: Field, problem: Problem, value: &str) -> StoreError {
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
fn optional_line(field: Field, raw: Option<&str>, max: usize) -> Result<Option<String>> {
    match raw.filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(s) => line(field, s, max).map(Some).map_err(StoreError::Invalid),
    }
}

fn codes(terms: &[rules::catalogue::Term]) -> String {
    terms.iter().map(|t| t.code.as_str()).collect::<Vec<_>>().join(", ")
}

fn activity_from_row(row: &AnyRow) -> Result<Activity> {
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

/// Whether a host's expected participants are the members of its whole
/// subtree (a grassroots committee, general branch, branch or group: their
/// members' assembly) or only its own members and position holders (a
/// township committee or above, whose meetings are its leadership's).
fn expects_whole_subtree(org: &Organization) -> bool {
    org.level == OrgLevel::Grassroots || matches!(org.kind, OrgKind::GeneralBranch | OrgKind::Branch | OrgKind::Group)
}

/// Who may take part in an activity of `host` held on `day`.
struct Eligible {
    /// Everyone who may be listed: members of the host's subtree and
    /// holders of positions in the host, on the day.
    all: HashSet<String>,
    /// Who is expected when the record lists nobody (people who count in
    /// their organization only).
    default: BTreeSet<String>,
}

impl Store {
    /// Records an activity after checking everything about it:
    ///
    /// - `kind` and every agenda item's kind are in the catalogue; `visit_kind`
    ///   is given (and known) exactly for grassroots visits, `polarity`
    ///   (`positive`/`negative`) exactly for case analyses;
    /// - the host exists and was open on `held_on`, which is not after `today`;
    /// - the duration is 1 to 1,440 minutes;
    /// - the presenter is a member recorded in the host's province;
    /// - every participant was, on `held_on`, a member of the host's subtree
    ///   or held a position in the host, and is listed once. Without a list,
    ///   those expected are the members of the host's subtree (for a
    ///   grassroots committee, a general branch, a branch or a group) or of
    ///   the host itself (township committees and above), plus the holders of
    ///   positions in the host — members who no longer count in their
    ///   organization (transferred out, deceased) left out;
    /// - every absentee is a participant and has a reason of at most 200 characters.
    ///
    /// A `Planned` activity may lie on any day and lists no absentees yet
    /// (attendance is marked when it is held); its minutes cannot be final.
    /// Every activity has at least one agenda item.
    pub async fn record_activity(&self, w: &mut Audited, catalogue: &Catalogue, new: NewActivity, today: NaiveDate) -> Result<Activity> {
        refuse_cancelled(&new)?;
        let (actor, at) = (w.actor().id.clone(), w.at().to_owned());
        let activity = self.prepare(w.tx(), (&actor, &at), catalogue, new, today).await?;
        self.record_checked(w, activity).await
    }

    /// The checks of [`Store::record_activity`], made on a connection of
    /// the pool before any write is open, so that writers wait only for
    /// each other's inserts: the record to pass to [`Store::record_checked`].
    /// What was read may change before the write (a member moved away in
    /// the same instant); the record is then as good as one entered a
    /// moment earlier.
    pub async fn check_new_activity(&self, catalogue: &Catalogue, new: NewActivity, today: NaiveDate) -> Result<Activity> {
        refuse_cancelled(&new)?;
        let mut conn = self.pool().acquire().await?;
        self.prepare(&mut conn, ("", ""), catalogue, new, today).await
    }

    /// Writes a record checked by [`Store::check_new_activity`], entered now
    /// by the writer.
    pub async fn record_checked(&self, w: &mut Audited, mut activity: Activity) -> Result<Activity> {
        activity.created_at = w.at().to_owned();
        activity.updated_at = activity.created_at.clone();
        activity.created_by = w.actor().id.clone();
        self.insert_activity(w, &activity).await?;
        w.record(activity.province_id.as_str(), "create", "activity", activity.id.as_str(), None, serde_json::to_value(&activity).ok());
        Ok(activity)
    }

    /// Checks a record (new or replacing one) and builds it, version 1,
    /// entered by `entered.0` at `entered.1`, reading through `conn`.
    async fn prepare(
        &self,
        conn: &mut sqlx::AnyConnection,
        entered: (&str, &str),
        catalogue: &Catalogue,
        new: NewActivity,
        today: NaiveDate,
    ) -> Result<Activity> {
        if catalogue.kind(&new.kind).is_none() {
            return Err(field_error(Field::ActivityKind, Problem::UnknownValue { allowed: codes(&catalogue.activity_kinds) }, &new.kind));
        }
        let title = optional_line(Field::Title, new.title.as_deref(), TITLE_MAX)?;
        let held = new.status == ActivityStatus::Held;
        if held && new.held_on > today {
            return Err(field_error(Field::HeldOn, Problem::InFuture, &date_text(new.held_on)));
        }
        if new.held_on > today + chrono::Months::new(PLAN_AHEAD_MONTHS) {
            return Err(crate::broken(Field::HeldOn, "plan-too-far-ahead", &date_text(new.held_on)));
        }
        if new.agenda.is_empty() {
            return Err(crate::broken(Field::Agenda, "agenda-empty", ""));
        }
        if !held && !new.absentees.is_empty() {
            return Err(crate::broken(
                Field::Absentee,
                "absence-on-plan",
                new.absentees.first().map(|a| a.person_id.as_str()).unwrap_or_default(),
            ));
        }
        let (minutes, minutes_state) = check_minutes(&new)?;
        if !(1..=MAX_DURATION_MINUTES).contains(&new.duration_minutes) {
            return Err(crate::broken(Field::Duration, "duration-out-of-range", &new.duration_minutes.to_string()));
        }
        let visit_kind = check_visit_kind(catalogue, &new)?;
        let polarity = check_polarity(&new)?;
        if new.agenda.len() > MAX_AGENDA_ITEMS {
            return Err(field_error(Field::Agenda, Problem::TooLong { max: MAX_AGENDA_ITEMS }, ""));
        }
        let mut agenda = Vec::with_capacity(new.agenda.len());
        for item in &new.agenda {
            if catalogue.agenda_kind(&item.kind).is_none() {
                return Err(field_error(Field::Agenda, Problem::UnknownValue { allowed: codes(&catalogue.agenda_kinds) }, &item.kind));
            }
            agenda.push(AgendaItem { kind: item.kind.clone(), title: optional_line(Field::Agenda, item.title.as_deref(), TITLE_MAX)? });
        }
        let host = crate::orgs::org_at(&mut *conn, &new.host_org_id, new.held_on)
            .await?
            .ok_or_else(|| field_error(Field::Host, Problem::NotFound, new.host_org_id.as_str()))?;
        if !host.is_open_on(new.held_on) {
            let rule = match host.closed_on {
                Some(closed) if new.held_on >= host.founded_on => Message::new("host-closed").date("closed_on", closed),
                _ => Message::new("host-not-founded").date("founded_on", host.founded_on),
            };
            return Err(crate::invalid(Field::HeldOn, rule, &date_text(new.held_on)));
        }
        if let Some(project) = &new.research_project_id {
            crate::research::check_project_link(&mut *conn, project, &host.province_id).await?;
        }
        if let Some(presenter) = &new.presenter_id {
            let province: Option<String> = sqlx::query_scalar("SELECT province_id FROM people WHERE id = $1")
                .bind(presenter.as_str())
                .fetch_optional(&mut *conn)
                .await?;
            if province.as_deref() != Some(host.province_id.as_str()) {
                return Err(field_error(Field::Presenter, Problem::NotFound, presenter.as_str()));
            }
        }
        if new.participants.as_ref().is_some_and(|p| p.len() > MAX_PARTICIPANTS) {
            return Err(field_error(Field::Participant, Problem::TooLong { max: MAX_PARTICIPANTS }, ""));
        }
        let eligible = eligible(conn, &host, new.held_on, catalogue.is_committee_meeting(&new.kind)).await?;
        let expected: Vec<String> = match &new.participants {
            None => eligible.default.iter().cloned().collect(),
            Some(given) => {
                let mut seen = HashSet::with_capacity(given.len());
                for person in given {
                    if !seen.insert(person.as_str()) {
                        return Err(crate::broken(Field::Participant, "listed-twice", person.as_str()));
                    }
                    if !eligible.all.contains(person.as_str()) {
                        return Err(crate::broken(Field::Participant, "participant-not-eligible", person.as_str()));
                    }
                }
                let mut ids: Vec<String> = given.iter().map(|p| p.to_string()).collect();
                ids.sort();
                ids
            }
        };
        let mut absent: HashMap<&str, String> = HashMap::with_capacity(new.absentees.len());
        for a in &new.absentees {
            if expected.binary_search_by(|p| p.as_str().cmp(a.person_id.as_str())).is_err() {
                return Err(crate::broken(Field::Absentee, "absentee-not-participant", a.person_id.as_str()));
            }
            if a.reason.trim().is_empty() {
                return Err(crate::broken(Field::Absentee, "absence-needs-reason", a.person_id.as_str()));
            }
            let reason = line(Field::Absentee, &a.reason, REASON_MAX).map_err(StoreError::Invalid)?;
            if absent.insert(a.person_id.as_str(), reason).is_some() {
                return Err(crate::broken(Field::Absentee, "listed-twice", a.person_id.as_str()));
            }
        }

        let (actor, at) = entered;
        let activity = Activity {
            id: new.id.clone().unwrap_or_else(Id::generate),
            province_id: host.province_id.clone(),
            kind: new.kind.clone(),
            host_org_id: host.id.clone(),
            title,
            held_on: new.held_on,
            starts_at: new.starts_at.map(|t| t.format("%H:%M").to_string()),
            duration_minutes: new.duration_minutes,
            presenter_id: new.presenter_id.clone(),
            agenda,
            participants: expected
                .into_iter()
                .map(|p| {
                    let reason = absent.remove(p.as_str());
                    Participant { person_id: Id::from_stored(p), present: reason.is_none(), absence_reason: reason }
                })
                .collect(),
            visit_kind,
            polarity,
            research_project_id: new.research_project_id.clone(),
            status: new.status,
            planned_on: None,
            minutes,
            minutes_state,
            version: 1,
            created_at: at.to_owned(),
            created_by: actor.to_owned(),
            updated_at: at.to_owned(),
            deleted_at: None,
        };
        Ok(activity)
    }

    /// Writes activities already checked elsewhere (the demo, whose test
    /// holds every generated activity to [`Store::record_activity`]'s rules),
    /// audited one entry each.
    pub async fn insert_activities(&self, w: &mut Audited, activities: &[Activity]) -> Result<()> {
        for a in activities {
            self.insert_activity(w, a).await?;
            w.record(a.province_id.as_str(), "create", "activity", a.id.as_str(), None, serde_json::to_value(a).ok());
        }
        Ok(())
    }

    async fn insert_activity(&self, w: &mut Audited, a: &Activity) -> Result<()> {
        let province = a.province_id.to_string();
        let row = vec![
            Value::from(province.clone()),
            Value::from(a.id.to_string()),
            Value::from(a.kind.clone()),
            Value::from(a.host_org_id.to_string()),
            Value::from(a.title.clone()),
            Value::from(date_text(a.held_on)),
            Value::from(a.starts_at.clone()),
            Value::Int(a.duration_minutes),
            Value::from(a.presenter_id.as_ref().map(Id::to_string)),
            Value::from(a.visit_kind.clone()),
            Value::from(a.polarity.clone()),
            Value::from(a.research_project_id.as_ref().map(Id::to_string)),
            Value::from(a.status.code().to_owned()),
            Value::from(a.planned_on.map(date_text)),
            Value::from(a.minutes.clone()),
            Value::from(a.minutes_state.map(|m| m.code().to_owned())),
            Value::Int(a.version),
            Value::from(a.created_at.clone()),
            Value::from(a.created_by.clone()),
            Value::from(a.updated_at.clone()),
            Value::Text(None),
        ];
        insert_rows(w.tx(), "activities", &INSERT_COLUMNS, vec![row]).await?;
        self.insert_details(w, a).await
    }

    /// Writes the agenda and participants of an activity.
    async fn insert_details(&self, w: &mut Audited, a: &Activity) -> Result<()> {
        let province = a.province_id.to_string();
        let agenda = a
            .agenda
            .iter()
            .enumerate()
            .map(|(i, item)| {
                vec![
                    Value::from(province.clone()),
                    Value::from(a.id.to_string()),
                    Value::Int(i as i64),
                    Value::from(item.kind.clone()),
                    Value::from(item.title.clone()),
                ]
            })
            .collect();
        insert_rows(w.tx(), "activity_agenda_items", &["province_id", "activity_id", "position", "kind", "title"], agenda).await?;
        let participants = a
            .participants
            .iter()
            .map(|p| {
                vec![
                    Value::from(province.clone()),
                    Value::from(a.id.to_string()),
                    Value::from(p.person_id.to_string()),
                    Value::Int(i64::from(!p.present)),
                    Value::from(p.absence_reason.clone()),
                ]
            })
            .collect();
        insert_rows(w.tx(), "activity_participants", &["province_id", "activity_id", "person_id", "absent", "absence_reason"], participants)
            .await
    }

    /// The people expected at an activity of `kind` hosted by `host` on
    /// `day` when the record lists nobody (in id order): what a recording
    /// form offers, each to be ticked absent or left present.
    pub async fn expected_participants(&self, catalogue: &Catalogue, kind: &str, host: &Id, day: NaiveDate) -> Result<Vec<Id>> {
        let Some(host) = self.org(host, day).await? else { return Ok(Vec::new()) };
        let mut conn = self.pool().acquire().await?;
        let eligible = eligible(&mut conn, &host, day, catalogue.is_committee_meeting(kind)).await?;
        Ok(eligible.default.into_iter().map(Id::from_stored).collect())
    }

    /// An activity that has not been deleted.
    pub async fn activity(&self, id: &Id) -> Result<Option<Activity>> {
        let row = sqlx::query(&format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = $1 AND a.deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut found = vec![activity_from_row(&row)?];
        self.attach_details(&mut found).await?;
        Ok(found.pop())
    }

    /// The names of people, by id (those not found are left out).
    pub async fn names_of(&self, ids: &[Id]) -> Result<HashMap<Id, String>> {
        let mut names = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(crate::rows::in_list_size(self.backend()).min(500)) {
            let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT id, name FROM people WHERE id IN ({})", list.join(", "));
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                names.insert(Id::from_stored(text(&row, "id")?), text(&row, "name")?);
            }
        }
        Ok(names)
    }

    /// The holders of positions in the organizations `orgs` on `day`, as
    /// (person, organization) pairs: the leaders a recording form offers as
    /// presenters beside the host's own members.
    pub async fn position_holders(&self, orgs: &[Id], day: NaiveDate) -> Result<Vec<(Id, Id)>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (2..orgs.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT DISTINCT person_id, org_id FROM positions WHERE org_id IN ({}) AND valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) ORDER BY org_id, person_id",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(date_text(day));
        for org in orgs {
            query = query.bind(org.as_str());
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((Id::from_stored(text(r, "person_id")?), Id::from_stored(text(r, "org_id")?))))
            .collect()
    }

    /// The last held activity of `kind` hosted by `host` (the template a
    /// recording form starts from: its agenda, duration and presenter).
    pub async fn last_of_kind(&self, host: &Organization, kind: &str) -> Result<Option<Activity>> {
        let row = sqlx::query(&format!(
            "SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.province_id = $1 AND a.host_org_id = $2 AND a.kind = $3
               AND a.status = 'held' AND a.deleted_at IS NULL ORDER BY a.held_on DESC, a.id DESC LIMIT 1"
        ))
        .bind(host.province_id.as_str())
        .bind(host.id.as_str())
        .bind(kind)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut found = vec![activity_from_row(&row)?];
        self.attach_details(&mut found).await?;
        Ok(found.pop())
    }

    /// Activities hosted by an organization or in its subtree, by id
    /// (entry order), after the cursor. An organization counts as in the
    /// subtree for an activity if it stood under the organization's present
    /// place at any time up to the day the activity was held (organizations
    /// moved away later keep their earlier activities here, closed ones too).
    pub async fn list_activities(
        &self,
        filter: &ActivityFilter,
        cursor: Option<&Id>,
        limit: usize,
        today: NaiveDate,
    ) -> Result<Page<Activity>> {
        let org = self.org_required(&filter.org, today).await?;
        let limit = limit.clamp(1, 500);
        let path = root_path(&org);
        let mut conditions = vec![
            "a.deleted_at IS NULL".to_owned(),
            "a.id > $1".to_owned(),
            "a.held_on >= $2".to_owned(),
            "a.held_on <= $3".to_owned(),
            "($4 = '' OR a.kind = $4)".to_owned(),
            "($8 = '' OR a.status = $8)".to_owned(),
        ];
        if filter.subtree {
            conditions.push(
                "EXISTS (SELECT 1 FROM org_links l WHERE l.province_id = a.province_id AND l.org_id = a.host_org_id AND l.path >= $5 AND l.path < $6 AND (l.valid_to IS NULL OR l.valid_to > a.held_on))"
                    .to_owned(),
            );
        } else {
            conditions.push("a.host_org_id = $5 AND $6 = $6".to_owned());
        }
        // A subtree below central level lies in one province.
        if org.level != OrgLevel::Central {
            conditions.push("a.province_id = $7".to_owned());
        } else {
            conditions.push("$7 = $7".to_owned());
        }
        let sql =
            format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE {} ORDER BY a.id LIMIT {}", conditions.join(" AND "), limit + 1);
        let (first, second) = if filter.subtree { (path.clone(), path_end(&path)) } else { (org.id.to_string(), String::new()) };
        let rows = sqlx::query(&sql)
            .bind(cursor.map(|c| c.to_string()).unwrap_or_default())
            .bind(filter.from.map(date_text).unwrap_or_else(|| "0000-00-00".to_owned()))
            .bind(filter.to.map(date_text).unwrap_or_else(|| "9999-99-99".to_owned()))
            .bind(filter.kind.clone().unwrap_or_default())
            .bind(first)
            .bind(second)
            .bind(org.province_id.to_string())
            .bind(filter.status.map(ActivityStatus::code).unwrap_or_default())
            .fetch_all(self.pool())
            .await?;
        let items = rows.iter().map(activity_from_row).collect::<Result<Vec<_>>>()?;
        let mut page = Page::cut(items, limit, |a| a.id.to_string());
        self.attach_details(&mut page.items).await?;
        Ok(page)
    }

    /// Reads the agenda and participants of activities (of one province
    /// each), a few queries for the lot.
    async fn attach_details(&self, activities: &mut [Activity]) -> Result<()> {
        if activities.is_empty() {
            return Ok(());
        }
        let mut agenda: HashMap<String, Vec<AgendaItem>> = HashMap::new();
        let mut participants: HashMap<String, Vec<Participant>> = HashMap::new();
        for chunk in activities.chunks(crate::rows::in_list_size(self.backend()).min(500)) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let list = placeholders.join(", ");
            let sql = format!(
                "SELECT activity_id, position, kind, title FROM activity_agenda_items WHERE activity_id IN ({list}) ORDER BY activity_id, position"
            );
            let mut query = sqlx::query(&sql);
            for a in chunk.iter() {
                query = query.bind(a.id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                agenda
                    .entry(text(&row, "activity_id")?)
                    .or_default()
                    .push(AgendaItem { kind: text(&row, "kind")?, title: opt_text(&row, "title")? });
            }
            let sql = format!(
                "SELECT activity_id, person_id, absent, absence_reason FROM activity_participants WHERE activity_id IN ({list}) ORDER BY activity_id, person_id"
            );
            let mut query = sqlx::query(&sql);
            for a in chunk.iter() {
                query = query.bind(a.id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                participants.entry(text(&row, "activity_id")?).or_default().push(Participant {
                    person_id: Id::from_stored(text(&row, "person_id")?),
                    present: int(&row, "absent")? == 0,
                    absence_reason: opt_text(&row, "absence_reason")?,
                });
            }
        }
        for a in activities.iter_mut() {
            a.agenda = agenda.remove(a.id.as_str()).unwrap_or_default();
            a.participants = participants.remove(a.id.as_str()).unwrap_or_default();
        }
        Ok(())
    }

    /// Deletes an activity (it stays stored, marked deleted), if
    /// `expected_version` is current.
    pub async fn delete_activity(&self, w: &mut Audited, id: &Id, expected_version: i64) -> Result<Activity> {
        let row = sqlx::query(&format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = $1 AND a.deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = activity_from_row(&row)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let at = w.at().to_owned();
        let done = sqlx::query(
            "UPDATE activities SET deleted_at = $1, updated_at = $1, version = $2 WHERE province_id = $3 AND id = $4 AND version = $5 AND deleted_at IS NULL",
        )
        .bind(&at)
        .bind(before.version + 1)
        .bind(before.province_id.as_str())
        .bind(id.as_str())
        .bind(expected_version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        let mut after = before.clone();
        after.version += 1;
        after.deleted_at = Some(at.clone());
        after.updated_at = at;
        w.record(
            before.province_id.as_str(),
            "delete",
            "activity",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }
}

/// A new record is planned or held, never cancelled.
fn refuse_cancelled(new: &NewActivity) -> Result<()> {
    if new.status == ActivityStatus::Cancelled {
        return Err(crate::broken(Field::ActivityStatus, "new-record-cancelled", "cancelled"));
    }
    Ok(())
}

/// The longest minutes, in characters.
pub const MINUTES_MAX: usize = 50_000;

/// A correction of a record whose minutes were final.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// The version the correction produced.
    pub version: i64,
    pub reason: String,
    pub corrected_at: String,
    pub corrected_by: String,
}

/// Which record an update replaces: its id, the version the writer read,
/// and why it is corrected (required once its minutes are final).
#[derive(Clone, Copy, Debug)]
pub struct Revision<'a> {
    pub id: &'a Id,
    pub expected_version: i64,
    pub reason: Option<&'a str>,
}

/// What an update did, for the caller to keep derived state current.
#[derive(Clone, Debug)]
pub struct Updated {
    pub before: Activity,
    pub after: Activity,
}

impl Store {
    /// Replaces an activity's record by `new` (checked as
    /// [`Store::record_activity`] checks a new one), if `expected_version`
    /// is current; otherwise `Conflict` and nothing changes.
    ///
    /// - a planned activity may be held (then `planned_on` keeps the day it
    ///   was planned for), moved or changed; a held one stays held;
    /// - a record whose minutes are final is changed only with a `reason`
    ///   (at most 200 characters), kept as a correction beside the audit
    ///   entry, and its minutes stay final;
    /// - a cancelled plan is not changed.
    pub async fn update_activity(
        &self,
        w: &mut Audited,
        catalogue: &Catalogue,
        revision: Revision<'_>,
        new: NewActivity,
        today: NaiveDate,
    ) -> Result<Updated> {
        let Revision { id, expected_version, reason } = revision;
        let before = self.activity_in(w, id).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        match (before.status, new.status) {
            (ActivityStatus::Cancelled, _) => {
                return Err(crate::broken(Field::ActivityStatus, "cancelled-plan-frozen", "cancelled"));
            }
            (_, ActivityStatus::Cancelled) => {
                return Err(crate::broken(Field::ActivityStatus, "cancel-by-update", "cancelled"));
            }
            (ActivityStatus::Held, ActivityStatus::Planned) => {
                return Err(crate::broken(Field::ActivityStatus, "held-back-to-plan", "planned"));
            }
            _ => {}
        }
        let was_final = before.minutes_state == Some(MinutesState::Final);
        if was_final && new.minutes_state != Some(MinutesState::Final) {
            return Err(crate::broken(Field::MinutesState, "final-minutes-to-draft", "draft"));
        }
        let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => Some(line(Field::CorrectionReason, r, REASON_MAX).map_err(StoreError::Invalid)?),
            None => None,
        };
        if was_final && reason.is_none() {
            return Err(crate::broken(Field::CorrectionReason, "correction-needs-reason", ""));
        }
        let (actor, at) = (w.actor().id.clone(), w.at().to_owned());
        let mut after = self.prepare(w.tx(), (&actor, &at), catalogue, new, today).await?;
        if after.province_id != before.province_id {
            return Err(crate::broken(Field::Host, "host-other-province", after.host_org_id.as_str()));
        }
        after.id = before.id.clone();
        after.version = before.version + 1;
        after.created_at = before.created_at.clone();
        after.created_by = before.created_by.clone();
        after.planned_on = match (before.status, after.status) {
            (ActivityStatus::Planned, ActivityStatus::Held) => Some(before.planned_on.unwrap_or(before.held_on)),
            _ => before.planned_on,
        };
        let done = sqlx::query(
            "UPDATE activities SET kind = $1, host_org_id = $2, title = $3, held_on = $4, starts_at = $5, duration_minutes = $6,
               presenter_id = $7, visit_kind = $8, polarity = $9, research_project_id = $10, status = $11, planned_on = $12,
               minutes = $13, minutes_state = $14, version = $15, updated_at = $16
             WHERE province_id = $17 AND id = $18 AND version = $19 AND deleted_at IS NULL",
        )
        .bind(&after.kind)
        .bind(after.host_org_id.as_str())
        .bind(after.title.clone())
        .bind(date_text(after.held_on))
        .bind(after.starts_at.clone())
        .bind(after.duration_minutes)
        .bind(after.presenter_id.as_ref().map(Id::to_string))
        .bind(after.visit_kind.clone())
        .bind(after.polarity.clone())
        .bind(after.research_project_id.as_ref().map(Id::to_string))
        .bind(after.status.code())
        .bind(after.planned_on.map(date_text))
        .bind(after.minutes.clone())
        .bind(after.minutes_state.map(MinutesState::code))
        .bind(after.version)
        .bind(&after.updated_at)
        .bind(after.province_id.as_str())
        .bind(after.id.as_str())
        .bind(expected_version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        for table in ["activity_agenda_items", "activity_participants"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE province_id = $1 AND activity_id = $2"))
                .bind(after.province_id.as_str())
                .bind(after.id.as_str())
                .execute(&mut **w.tx())
                .await?;
        }
        self.insert_details(w, &after).await?;
        let action = if let Some(reason) = &reason {
            sqlx::query(
                "INSERT INTO activity_corrections (province_id, activity_id, version, reason, corrected_at, corrected_by) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(after.province_id.as_str())
            .bind(after.id.as_str())
            .bind(after.version)
            .bind(reason)
            .bind(&after.updated_at)
            .bind(w.actor().id.clone())
            .execute(&mut **w.tx())
            .await?;
            "correct"
        } else if before.status == ActivityStatus::Planned && after.status == ActivityStatus::Held {
            "hold"
        } else {
            "update"
        };
        let mut after_json = serde_json::to_value(&after).ok();
        if let (Some(serde_json::Value::Object(map)), Some(reason)) = (after_json.as_mut(), &reason) {
            map.insert("correction_reason".into(), serde_json::Value::String(reason.clone()));
        }
        w.record(after.province_id.as_str(), action, "activity", after.id.as_str(), serde_json::to_value(&before).ok(), after_json);
        Ok(Updated { before, after })
    }

    /// Cancels a planned activity (it stays stored, marked cancelled), if
    /// `expected_version` is current.
    pub async fn cancel_plan(&self, w: &mut Audited, id: &Id, expected_version: i64) -> Result<Updated> {
        let before = self.activity_in(w, id).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        if before.status != ActivityStatus::Planned {
            return Err(crate::broken(Field::ActivityStatus, "cancel-not-planned", before.status.code()));
        }
        let at = w.at().to_owned();
        let done = sqlx::query(
            "UPDATE activities SET status = 'cancelled', version = $1, updated_at = $2 WHERE province_id = $3 AND id = $4 AND version = $5 AND deleted_at IS NULL",
        )
        .bind(before.version + 1)
        .bind(&at)
        .bind(before.province_id.as_str())
        .bind(id.as_str())
        .bind(expected_version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        let mut after = before.clone();
        after.status = ActivityStatus::Cancelled;
        after.version += 1;
        after.updated_at = at;
        w.record(
            after.province_id.as_str(),
            "cancel",
            "activity",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(Updated { before, after })
    }

    /// The corrections of a record, oldest first.
    pub async fn corrections(&self, activity: &Activity) -> Result<Vec<Correction>> {
        let rows = sqlx::query(
            "SELECT version, reason, corrected_at, corrected_by FROM activity_corrections WHERE province_id = $1 AND activity_id = $2 ORDER BY version",
        )
        .bind(activity.province_id.as_str())
        .bind(activity.id.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Correction {
                    version: int(r, "version")?,
                    reason: text(r, "reason")?,
                    corrected_at: text(r, "corrected_at")?,
                    corrected_by: text(r, "corrected_by")?,
                })
            })
            .collect()
    }

    /// An activity not deleted, read inside a write (with its details).
    async fn activity_in(&self, w: &mut Audited, id: &Id) -> Result<Option<Activity>> {
        let row = sqlx::query(&format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = $1 AND a.deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut a = activity_from_row(&row)?;
        let agenda =
            sqlx::query("SELECT kind, title FROM activity_agenda_items WHERE province_id = $1 AND activity_id = $2 ORDER BY position")
                .bind(a.province_id.as_str())
                .bind(a.id.as_str())
                .fetch_all(&mut **w.tx())
                .await?;
        a.agenda = agenda.iter().map(|r| Ok(AgendaItem { kind: text(r, "kind")?, title: opt_text(r, "title")? })).collect::<Result<_>>()?;
        let people = sqlx::query(
            "SELECT person_id, absent, absence_reason FROM activity_participants WHERE province_id = $1 AND activity_id = $2 ORDER BY person_id",
        )
        .bind(a.province_id.as_str())
        .bind(a.id.as_str())
        .fetch_all(&mut **w.tx())
        .await?;
        a.participants = people
            .iter()
            .map(|r| {
                Ok(Participant {
                    person_id: Id::from_stored(text(r, "person_id")?),
                    present: int(r, "absent")? == 0,
                    absence_reason: opt_text(r, "absence_reason")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Some(a))
    }
}

fn check_minutes(new: &NewActivity) -> Result<(Option<String>, Option<MinutesState>)> {
    let text = new.minutes.as_deref().map(str::trim).filter(|m| !m.is_empty());
    let Some(text) = text else {
        if new.minutes_state == Some(MinutesState::Final) {
            return Err(crate::broken(Field::Minutes, "final-minutes-empty", ""));
        }
        return Ok((None, None));
    };
    if text.chars().count() > MINUTES_MAX {
        return Err(field_error(Field::Minutes, Problem::TooLong { max: MINUTES_MAX }, ""));
    }
    if text.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\r' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }) {
        return Err(field_error(Field::Minutes, Problem::ControlCharacter, ""));
    }
    let state = new.minutes_state.unwrap_or(MinutesState::Draft);
    if state == MinutesState::Final && new.status != ActivityStatus::Held {
        return Err(crate::broken(Field::MinutesState, "minutes-final-before-held", "final"));
    }
    Ok((Some(text.replace("\r\n", "\n")), Some(state)))
}

/// The people who may take part in an activity of `host` on `day`.
///
/// For a committee meeting the expected people are the holders of
/// positions in the host. A group of members (党小组) holds no members of
/// its own: its meetings may list the members of its branch.
async fn eligible(conn: &mut sqlx::AnyConnection, host: &Organization, day: NaiveDate, committee_only: bool) -> Result<Eligible> {
    let path = if host.kind == OrgKind::Group && host.path.len() > 1 {
        let mut branch = host.clone();
        branch.path.pop();
        root_path(&branch)
    } else {
        root_path(host)
    };
    let day = date_text(day);
    // A subtree below central level lies in one province.
    let province = if host.level == OrgLevel::Central { "$4 = $4" } else { "m.province_id = $4" };
    let members = sqlx::query(&format!(
        "SELECT m.person_id, m.org_id, p.status FROM memberships m
         JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
         JOIN org_links l ON l.province_id = m.province_id AND l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
         WHERE {province} AND l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3)"
    ))
    .bind(&path)
    .bind(path_end(&path))
    .bind(&day)
    .bind(host.province_id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let holders = sqlx::query(
        "SELECT s.person_id, s.org_id, p.status FROM positions s JOIN people p ON p.province_id = s.province_id AND p.id = s.person_id
         WHERE s.org_id = $1 AND s.valid_from <= $2 AND (s.valid_to IS NULL OR s.valid_to > $2)",
    )
    .bind(host.id.as_str())
    .bind(&day)
    .fetch_all(&mut *conn)
    .await?;
    let whole_subtree = expects_whole_subtree(host);
    let mut eligible = Eligible { all: HashSet::new(), default: BTreeSet::new() };
    for (row, is_member) in members.iter().map(|r| (r, true)).chain(holders.iter().map(|r| (r, false))) {
        let person = text(row, "person_id")?;
        let counts = parsed(row, "status", MemberStatus::parse)?.counts_in_branch();
        let expected = !is_member || (!committee_only && (whole_subtree || text(row, "org_id")? == host.id.as_str()));
        if counts && expected {
            eligible.default.insert(person.clone());
        }
        eligible.all.insert(person);
    }
    Ok(eligible)
}

fn check_visit_kind(catalogue: &Catalogue, new: &NewActivity) -> Result<Option<String>> {
    let given = new.visit_kind.as_deref().map(str::trim).filter(|s| !s.is_empty());
    match (ActivityKind::GrassrootsVisit.is(&new.kind), given) {
        (true, None) => Err(field_error(Field::VisitKind, Problem::Required, "")),
        (true, Some(code)) if catalogue.visit_kind(code).is_none() => {
            Err(field_error(Field::VisitKind, Problem::UnknownValue { allowed: codes(&catalogue.visit_kinds) }, code))
        }
        (true, Some(code)) => Ok(Some(code.to_owned())),
        (false, Some(code)) => Err(crate::broken(Field::VisitKind, "visit-kind-not-visit", code)),
        (false, None) => Ok(None),
    }
}

fn check_polarity(new: &NewActivity) -> Result<Option<String>> {
    let given = new.polarity.as_deref().map(str::trim).filter(|s| !s.is_empty());
    match (ActivityKind::CaseAnalysis.is(&new.kind), given) {
        (true, None) => Err(field_error(Field::Polarity, Problem::Required, "")),
        (true, Some(code)) => match Polarity::parse(code) {
            Some(p) => Ok(Some(p.code().to_owned())),
            None => Err(field_error(Field::Polarity, Problem::UnknownValue { allowed: "positive, negative".into() }, code)),
        },
        (false, Some(code)) => Err(crate::broken(Field::Polarity, "polarity-not-case", code)),
        (false, None) => Ok(None),
    }
}
