//! The recording form as sent and as filled in: a submitted form
//! (multipart, so files may come along) read into a [`Draft`], the draft a
//! new record starts from (the last record of the kind here, the catalogue's
//! required items, the people expected) or a stored record's, and a draft
//! read into a record to store, with each refusal named by its form field.

use crate::AppState;
use crate::pages::forms::message;
use crate::pages::{PageContext, PageError, Viewer};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::header;
use axum::response::Response;
use chrono::{NaiveDate, NaiveTime};
use domain::{Field, FieldError, Id, Organization, Problem};
use i18n::Lang;
use rules::Catalogue;
use rules::vocabulary::{ActivityKind, AgendaKind};
use store::StoreError;
use store::activities::{Activity, ActivityStatus, MinutesState, NewAbsentee, NewActivity, NewAgendaItem};

use super::view::{first_item, required_items};

/// What the form holds, from defaults, a stored record or a submission.
#[derive(Clone, Debug, Default)]
pub(super) struct Draft {
    pub(super) kind: String,
    pub(super) planned: bool,
    pub(super) held_on: String,
    pub(super) starts_at: String,
    pub(super) duration: String,
    pub(super) title: String,
    pub(super) host: String,
    pub(super) presenter: String,
    pub(super) agenda: Vec<(String, String)>,
    /// (person, absent, reason)
    pub(super) people: Vec<(Id, bool, String)>,
    /// The host the people were listed for.
    pub(super) people_host: String,
    pub(super) visit_kind: String,
    pub(super) polarity: String,
    pub(super) project: String,
    pub(super) minutes: String,
    pub(super) minutes_final: bool,
    pub(super) form_key: String,
    pub(super) correction_reason: String,
}

/// A usual length for a first record of a kind, in minutes: the
/// catalogue's, or an hour and a half.
pub(super) fn usual_duration(catalogue: &Catalogue, kind: &str) -> i64 {
    catalogue.activity_kinds.iter().find(|t| t.code == kind).and_then(|t| t.minutes).map_or(90, i64::from)
}

/// A fresh one-time key for a form.
pub(super) fn fresh_form_key() -> String {
    Id::generate().to_string()
}

/// The draft a new record starts from.
pub(super) async fn defaults(state: &AppState, host: &Organization, kind: &str, day: NaiveDate) -> Result<Draft, PageError> {
    let catalogue = &state.catalogue;
    let last = state.store.last_of_kind(host, kind).await?;
    let mut agenda: Vec<(String, String)> =
        last.as_ref().map(|a| a.agenda.iter().map(|i| (i.kind.clone(), i.title.clone().unwrap_or_default())).collect()).unwrap_or_default();
    for required in required_items(catalogue, kind).into_iter().rev() {
        if !agenda.iter().any(|(k, _)| *k == required) {
            agenda.insert(0, (required, String::new()));
        }
    }
    if let Some(first) = first_item(catalogue, kind) {
        match agenda.iter().position(|(k, _)| *k == first) {
            Some(0) => {}
            Some(i) => {
                let item = agenda.remove(i);
                agenda.insert(0, item);
            }
            None => agenda.insert(0, (first, String::new())),
        }
    }
    if agenda.is_empty() {
        let fallback = if ActivityKind::PoliticalBirthday.is(kind) { AgendaKind::OathReview } else { AgendaKind::Business };
        agenda.push((fallback.code().to_owned(), String::new()));
    }
    let people = state.store.expected_participants(catalogue, kind, &host.id, day).await?;
    Ok(Draft {
        kind: kind.to_owned(),
        planned: false,
        held_on: day.format("%Y-%m-%d").to_string(),
        starts_at: last.as_ref().and_then(|a| a.starts_at.clone()).unwrap_or_default(),
        duration: last.as_ref().map_or_else(|| usual_duration(catalogue, kind), |a| a.duration_minutes).to_string(),
        title: String::new(),
        host: host.id.to_string(),
        presenter: last.as_ref().and_then(|a| a.presenter_id.as_ref()).map(Id::to_string).unwrap_or_default(),
        agenda,
        people: people.into_iter().map(|p| (p, false, String::new())).collect(),
        people_host: host.id.to_string(),
        visit_kind: String::new(),
        polarity: String::new(),
        project: String::new(),
        minutes: String::new(),
        minutes_final: false,
        form_key: fresh_form_key(),
        correction_reason: String::new(),
    })
}

/// The draft of a stored record, to hold a plan or change the record.
pub(super) fn draft_of(activity: &Activity, today: NaiveDate) -> Draft {
    let holding = activity.status == ActivityStatus::Planned;
    // A plan still ahead stays a plan on its day (changing its details); one
    // whose day has come is offered as held on that day.
    let ahead = holding && activity.held_on > today;
    let held_on = if holding && !ahead { activity.held_on.min(today) } else { activity.held_on };
    Draft {
        kind: activity.kind.clone(),
        planned: ahead,
        people_host: activity.host_org_id.to_string(),
        held_on: held_on.format("%Y-%m-%d").to_string(),
        starts_at: activity.starts_at.clone().unwrap_or_default(),
        duration: activity.duration_minutes.to_string(),
        title: activity.title.clone().unwrap_or_default(),
        host: activity.host_org_id.to_string(),
        presenter: activity.presenter_id.as_ref().map(Id::to_string).unwrap_or_default(),
        agenda: activity.agenda.iter().map(|i| (i.kind.clone(), i.title.clone().unwrap_or_default())).collect(),
        people: activity
            .participants
            .iter()
            .map(|p| (p.person_id.clone(), !p.present, p.absence_reason.clone().unwrap_or_default()))
            .collect(),
        visit_kind: activity.visit_kind.clone().unwrap_or_default(),
        polarity: activity.polarity.clone().unwrap_or_default(),
        project: activity.research_project_id.as_ref().map(Id::to_string).unwrap_or_default(),
        minutes: activity.minutes.clone().unwrap_or_default(),
        minutes_final: activity.minutes_state == Some(MinutesState::Final),
        form_key: fresh_form_key(),
        correction_reason: String::new(),
    }
}

/// A submitted form: its text fields (every value of each name, in order)
/// and its files.
pub struct Submitted {
    pub viewer: Viewer,
    fields: Vec<(String, String)>,
    pub(super) files: Vec<(String, Vec<u8>)>,
}

impl Submitted {
    pub(super) fn value(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn values(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// A digest of what the form says (the CSRF token and form key left
    /// out): the same form sent twice has the same one.
    pub(super) fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for (k, v) in self.fields.iter().filter(|(k, _)| k != "csrf" && k != "form_key") {
            hash.update(k.as_bytes());
            hash.update([0]);
            hash.update(v.as_bytes());
            hash.update([0]);
        }
        for (name, bytes) in &self.files {
            hash.update(name.as_bytes());
            hash.update([0]);
            hash.update(Sha256::digest(bytes));
        }
        hex::encode(hash.finalize())
    }

    pub(super) fn draft(&self) -> Draft {
        let mut agenda = Vec::new();
        for i in 0..200 {
            let kind = self.value(&format!("agenda_kind_{i}"));
            let title = self.value(&format!("agenda_title_{i}"));
            if !self.fields.iter().any(|(k, _)| *k == format!("agenda_kind_{i}")) {
                break;
            }
            if !kind.trim().is_empty() {
                agenda.push((kind.trim().to_owned(), title));
            }
        }
        let people = self
            .values("participant")
            .into_iter()
            .filter_map(|p| Id::parse(p.trim()))
            .map(|p| {
                let absent = !self.value(&format!("absent_{p}")).is_empty();
                let reason = self.value(&format!("reason_{p}"));
                (p, absent, reason)
            })
            .collect();
        Draft {
            kind: self.value("kind").trim().to_owned(),
            planned: self.value("status") == "planned",
            held_on: self.value("held_on").trim().to_owned(),
            starts_at: self.value("starts_at").trim().to_owned(),
            duration: self.value("duration_minutes").trim().to_owned(),
            title: self.value("title"),
            host: self.value("host_org_id").trim().to_owned(),
            presenter: self.value("presenter_id").trim().to_owned(),
            agenda,
            people,
            people_host: self.value("people_host").trim().to_owned(),
            visit_kind: self.value("visit_kind").trim().to_owned(),
            polarity: self.value("polarity").trim().to_owned(),
            project: self.value("research_project_id").trim().to_owned(),
            minutes: self.value("minutes"),
            minutes_final: !self.value("minutes_final").is_empty(),
            form_key: self.value("form_key").trim().to_owned(),
            correction_reason: self.value("correction_reason"),
        }
    }
}

impl FromRequest<AppState> for Submitted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let ctx = PageContext::new(&parts.uri, &parts.headers);
        let bad = |ctx: &PageContext| ctx.respond(Err(PageError::BadRequest));
        let multipart =
            parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/form-data"));
        let request = Request::from_parts(parts, body);
        let mut fields = Vec::new();
        let mut files = Vec::new();
        if multipart {
            let Ok(mut form) = Multipart::from_request(request, state).await else { return Err(bad(&ctx)) };
            loop {
                let field = match form.next_field().await {
                    Ok(Some(f)) => f,
                    Ok(None) => break,
                    Err(_) => return Err(bad(&ctx)),
                };
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().map(str::to_owned);
                let Ok(bytes) = field.bytes().await else { return Err(bad(&ctx)) };
                match file_name {
                    // A file input left empty still sends a part without content.
                    Some(file_name) if name == "file" => {
                        if !(file_name.is_empty() && bytes.is_empty()) {
                            files.push((file_name, bytes.to_vec()));
                        }
                    }
                    _ => match String::from_utf8(bytes.to_vec()) {
                        Ok(text) => fields.push((name, text)),
                        Err(_) => return Err(bad(&ctx)),
                    },
                }
            }
        } else {
            let Ok(axum::Form(pairs)) = axum::Form::<Vec<(String, String)>>::from_request(request, state).await else {
                return Err(bad(&ctx));
            };
            fields = pairs;
        }
        let given = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str());
        if !crate::auth::csrf::session_token_matches(&viewer, given) {
            return Err(ctx.respond(Err(PageError::Forbidden)));
        }
        Ok(Submitted { viewer, fields, files })
    }
}

/// Reads a draft into an activity to record, or the errors by field name.
pub(super) fn to_new(draft: &Draft, lang: Lang) -> Result<NewActivity, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let mut fail = |name: &str, field: Field, problem: Problem, value: &str| {
        errors.push((name.to_owned(), message(lang, &FieldError::new(field, problem, value))));
    };
    if draft.kind.is_empty() {
        fail("kind", Field::ActivityKind, Problem::Required, "");
    }
    let host = Id::parse(&draft.host);
    if host.is_none() {
        fail("host_org_id", Field::Host, Problem::Required, "");
    }
    let held_on = NaiveDate::parse_from_str(&draft.held_on, "%Y-%m-%d").ok();
    if held_on.is_none() {
        let problem = if draft.held_on.is_empty() { Problem::Required } else { Problem::NotADate };
        fail("held_on", Field::HeldOn, problem, &draft.held_on);
    }
    let starts_at = if draft.starts_at.is_empty() {
        None
    } else {
        let t = NaiveTime::parse_from_str(&draft.starts_at, "%H:%M").ok();
        if t.is_none() {
            fail("starts_at", Field::StartsAt, Problem::rule("problem-not-a-time"), &draft.starts_at);
        }
        t
    };
    let duration = draft.duration.parse::<i64>().ok();
    if duration.is_none() {
        let problem = if draft.duration.is_empty() { Problem::Required } else { Problem::NotANumber };
        fail("duration_minutes", Field::Duration, problem, &draft.duration);
    }
    let presenter = if draft.presenter.is_empty() { None } else { Id::parse(&draft.presenter) };
    if !draft.presenter.is_empty() && presenter.is_none() {
        fail("presenter_id", Field::Presenter, Problem::NotFound, &draft.presenter);
    }
    let project = if draft.project.is_empty() { None } else { Id::parse(&draft.project) };
    if !draft.project.is_empty() && project.is_none() {
        fail("research_project_id", Field::ResearchProject, Problem::NotFound, &draft.project);
    }
    let (Some(host), Some(held_on), Some(duration)) = (host, held_on, duration) else { return Err(errors) };
    if !errors.is_empty() {
        return Err(errors);
    }
    let held = !draft.planned;
    Ok(NewActivity {
        id: None,
        kind: draft.kind.clone(),
        host_org_id: host,
        title: Some(draft.title.clone()),
        held_on,
        starts_at,
        duration_minutes: duration,
        presenter_id: presenter,
        agenda: draft
            .agenda
            .iter()
            .map(|(kind, title)| NewAgendaItem { kind: kind.clone(), title: Some(title.clone()).filter(|t| !t.trim().is_empty()) })
            .collect(),
        participants: (!draft.people.is_empty()).then(|| draft.people.iter().map(|(p, _, _)| p.clone()).collect()),
        // On a plan, absences are refused by the store with the reason.
        absentees: draft
            .people
            .iter()
            .filter(|(_, absent, _)| *absent)
            .map(|(p, _, reason)| NewAbsentee { person_id: p.clone(), reason: reason.clone() })
            .collect(),
        visit_kind: Some(draft.visit_kind.clone()).filter(|v| !v.is_empty()),
        polarity: Some(draft.polarity.clone()).filter(|v| !v.is_empty()),
        research_project_id: project,
        status: if held { ActivityStatus::Held } else { ActivityStatus::Planned },
        minutes: Some(draft.minutes.clone()),
        minutes_state: Some(if draft.minutes_final && held { MinutesState::Final } else { MinutesState::Draft }),
    })
}

/// The form field a store error is about.
pub(super) fn form_field(field: Field) -> &'static str {
    match field {
        Field::Participant | Field::Absentee => "people",
        Field::Attachment | Field::File => "file",
        other => other.api_name(),
    }
}

/// A store refusal as (field, message), or the error itself if it is not about the input.
pub(super) fn refusal(e: StoreError, lang: Lang) -> Result<(String, String), PageError> {
    match e {
        StoreError::Invalid(fe) => Ok((form_field(fe.field).to_owned(), message(lang, &fe))),
        StoreError::Rule(m) => Ok(("_form".to_owned(), i18n::render(lang, &m))),
        StoreError::Conflict { .. } => Ok(("_form".to_owned(), i18n::t(lang, "record-conflict").to_owned())),
        other => Err(other.into()),
    }
}
