//! What a record must satisfy before anything is written: the kind and
//! every agenda item's kind are the catalogue's, the day is not ahead (a
//! plan at most two years), the host existed on the day, the presenter and
//! the research project belong to the host's province, the people listed
//! could take part, every absence has a reason. Each refusal names its
//! field; [`Store::prepare`] returns the record ready to write.

use super::{
    Activity, ActivityStatus, AgendaItem, MAX_AGENDA_ITEMS, MAX_DURATION_MINUTES, MAX_PARTICIPANTS, MINUTES_MAX, MinutesState, NewActivity,
    PLAN_AHEAD_MONTHS, Participant, REASON_MAX, TITLE_MAX, codes, field_error, line, optional_line,
};
use crate::orgs::date_text;
use crate::people::participants::eligible;
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::{Field, Id, Message, Organization, Problem};
use rules::Catalogue;
use rules::catalogue::Polarity;
use rules::vocabulary::ActivityKind;
use std::collections::{HashMap, HashSet};

impl Store {
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

    /// Checks a record (new or replacing one) and builds it, version 1,
    /// entered by `entered.0` at `entered.1`, reading through `conn`.
    pub(super) async fn prepare(
        &self,
        conn: &mut sqlx::AnyConnection,
        entered: (&str, &str),
        catalogue: &Catalogue,
        new: NewActivity,
        today: NaiveDate,
    ) -> Result<Activity> {
        let title = check_fields(catalogue, &new, today)?;
        let (minutes, minutes_state) = check_minutes(&new)?;
        let visit_kind = check_visit_kind(catalogue, &new)?;
        let polarity = check_polarity(&new)?;
        let agenda = check_agenda(catalogue, &new)?;
        let host = check_host(conn, &new).await?;
        let participants = check_attendance(conn, catalogue, &new, &host).await?;
        let (actor, at) = entered;
        Ok(Activity {
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
            participants,
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
        })
    }
}

/// The kind, the title, the day (not ahead for a held record, at most two
/// years ahead for a plan), a non-empty agenda, no absences on a plan, the
/// duration; the title checked.
fn check_fields(catalogue: &Catalogue, new: &NewActivity, today: NaiveDate) -> Result<Option<String>> {
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
        let first = new.absentees.first().map(|a| a.person_id.as_str()).unwrap_or_default();
        return Err(crate::broken(Field::Absentee, "absence-on-plan", first));
    }
    if !(1..=MAX_DURATION_MINUTES).contains(&new.duration_minutes) {
        return Err(crate::broken(Field::Duration, "duration-out-of-range", &new.duration_minutes.to_string()));
    }
    Ok(title)
}

/// Every agenda item's kind is the catalogue's; titles checked.
fn check_agenda(catalogue: &Catalogue, new: &NewActivity) -> Result<Vec<AgendaItem>> {
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
    Ok(agenda)
}

/// The host as it stood on the day (it existed and was open), and the
/// research project and presenter in its province.
async fn check_host(conn: &mut sqlx::AnyConnection, new: &NewActivity) -> Result<Organization> {
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
        let province: Option<String> =
            sqlx::query_scalar("SELECT province_id FROM people WHERE id = $1").bind(presenter.as_str()).fetch_optional(&mut *conn).await?;
        if province.as_deref() != Some(host.province_id.as_str()) {
            return Err(field_error(Field::Presenter, Problem::NotFound, presenter.as_str()));
        }
    }
    Ok(host)
}

/// The participants: those listed (each could take part, once) or, without
/// a list, those expected; every absentee among them, once, with a reason.
async fn check_attendance(
    conn: &mut sqlx::AnyConnection,
    catalogue: &Catalogue,
    new: &NewActivity,
    host: &Organization,
) -> Result<Vec<Participant>> {
    if new.participants.as_ref().is_some_and(|p| p.len() > MAX_PARTICIPANTS) {
        return Err(field_error(Field::Participant, Problem::TooLong { max: MAX_PARTICIPANTS }, ""));
    }
    let eligible = eligible(conn, host, new.held_on, catalogue.is_committee_meeting(&new.kind)).await?;
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
    Ok(expected
        .into_iter()
        .map(|p| {
            let reason = absent.remove(p.as_str());
            Participant { person_id: Id::from_stored(p), present: reason.is_none(), absence_reason: reason }
        })
        .collect())
}

/// A new record is planned or held, never cancelled.
pub(super) fn refuse_cancelled(new: &NewActivity) -> Result<()> {
    if new.status == ActivityStatus::Cancelled {
        return Err(crate::broken(Field::ActivityStatus, "new-record-cancelled", "cancelled"));
    }
    Ok(())
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
