//! Recording an activity once, from the organization's page:
//! `/orgs/{id}/record?kind=…` (or `?requirement=…` from the due list) shows a
//! form already filled in from what is due and from the last record of the
//! same kind here — the kind, today's date, the host, the people expected
//! (everyone present until ticked absent, with a reason), the last agenda
//! as a template (the first-issue study item first for meetings the
//! "first issue" system binds, the required items of life meetings), the
//! last presenter. Minutes are typed or pasted, files may be attached.
//!
//! The same form plans an activity ahead, holds a plan
//! (`/activities/{id}/edit` on a planned record) and corrects a record
//! (with a reason once its minutes are final). Each form carries a one-time
//! key: submitting it twice records once. A refused form comes back with
//! the reason beside its field and nothing written.

use crate::AppState;
use crate::pages::compliance::rules_lang;
use crate::pages::forms::message;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer, render, render_status};
use crate::write::{self, Answered, Key, Outcome};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{NaiveDate, NaiveTime};
use domain::access::Action;
use domain::{Field, FieldError, Id, Organization, Problem};
use i18n::Lang;
use rules::Catalogue;
use std::collections::HashMap;
use store::StoreError;
use store::activities::{Activity, ActivityStatus, MinutesState, NewAbsentee, NewActivity, NewAgendaItem, Revision};

/// Kinds of activity that may belong to a research project.
const LINKS_PROJECTS: [&str; 3] = ["grassroots_visit", "case_analysis", "research_visit"];

/// The largest recording form accepted, files included.
pub const MAX_FORM_BYTES: usize = 64 * 1024 * 1024;
/// Empty agenda rows offered below the template's for additions.
const SPARE_AGENDA_ROWS: usize = 2;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/record", get(new_form).post(submit_new))
        .route("/activities/{id}/edit", get(edit_form).post(submit_edit))
        .route("/activities/{id}/cancel", post(cancel))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    kind: Option<String>,
    requirement: Option<String>,
    /// The day to record for (an overdue period's last day), `YYYY-MM-DD`.
    on: Option<String>,
}

/// An option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options under a heading.
pub struct ChoiceGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

/// One row of the agenda table.
pub struct AgendaRow {
    pub index: usize,
    pub kinds: Vec<Choice>,
    pub title: String,
}

/// One expected person: present unless ticked absent.
pub struct AttendeeRow {
    pub id: String,
    pub name: String,
    pub absent: bool,
    pub reason: String,
}

/// What the form holds, from defaults, a stored record or a submission.
#[derive(Clone, Debug, Default)]
struct Draft {
    kind: String,
    planned: bool,
    held_on: String,
    starts_at: String,
    duration: String,
    title: String,
    host: String,
    presenter: String,
    agenda: Vec<(String, String)>,
    /// (person, absent, reason)
    people: Vec<(Id, bool, String)>,
    /// The host the people were listed for.
    people_host: String,
    visit_kind: String,
    polarity: String,
    project: String,
    minutes: String,
    minutes_final: bool,
    form_key: String,
    correction_reason: String,
}

#[derive(Template)]
#[template(path = "record_form.html")]
pub struct RecordForm<'a> {
    pub c: &'a PageContext,
    pub org: OrgLink,
    pub heading: String,
    pub action: String,
    pub csrf: String,
    pub form_key: String,
    /// The host the people were listed for (sent back to notice a change of host).
    pub people_host: String,
    /// Editing a stored record (its version is sent back).
    pub version: Option<i64>,
    /// The record's minutes are final: a correction needs a reason.
    pub needs_reason: bool,
    pub correction_reason: String,
    /// A new record or a plan: it may (still) be only planned.
    pub may_plan: bool,
    pub planned: bool,
    pub kind: String,
    /// Other kinds, for the "another kind" switch (a GET form).
    pub kinds: Vec<Choice>,
    pub held_on: String,
    pub starts_at: String,
    pub duration: String,
    pub title: String,
    pub hosts: Vec<Choice>,
    pub presenters: Vec<ChoiceGroup>,
    pub no_presenter: bool,
    pub agenda: Vec<AgendaRow>,
    pub first_issue: bool,
    pub people: Vec<AttendeeRow>,
    pub visit_kinds: Vec<Choice>,
    pub polarities: Vec<Choice>,
    /// Other visits to the same unit within 14 days (grassroots visits only).
    pub visit_coordination: Option<crate::pages::birthdays::VisitCoordination>,
    /// Research projects a visit or case analysis may belong to (those of
    /// the host and the organizations above it); empty for other kinds.
    pub projects: Vec<Choice>,
    pub minutes: String,
    pub minutes_final: bool,
    pub errors: Vec<(String, String)>,
}

impl RecordForm<'_> {
    /// The error shown beside `field`, if any.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

/// The kind chooser shown when no kind is given.
#[derive(Template)]
#[template(path = "record_choose.html")]
pub struct ChooseKind<'a> {
    pub c: &'a PageContext,
    pub org: OrgLink,
    /// Kinds the organization's requirements ask for, first.
    pub suggested: Vec<Choice>,
    pub others: Vec<Choice>,
}

fn term_label(terms: &[rules::catalogue::Term], code: &str, lang: Lang) -> String {
    terms.iter().find(|t| t.code == code).map_or_else(|| code.to_owned(), |t| t.label(rules_lang(lang)).to_owned())
}

fn choices(terms: &[rules::catalogue::Term], selected: &str, lang: Lang) -> Vec<Choice> {
    terms
        .iter()
        .map(|t| Choice { value: t.code.clone(), label: t.label(rules_lang(lang)).to_owned(), selected: t.code == selected })
        .collect()
}

/// The agenda-item kind the "first issue" system puts first for meetings of `kind`, if any.
fn first_item(catalogue: &Catalogue, kind: &str) -> Option<String> {
    let ix = catalogue.activity_kinds.iter().position(|t| t.code == kind)?;
    catalogue.requirements.iter().find_map(|r| {
        let s = &r.satisfied_by;
        if s.kinds.iter().any(|k| usize::from(*k) == ix) {
            s.first_agenda_item.and_then(|a| catalogue.agenda_kinds.get(usize::from(a))).map(|t| t.code.clone())
        } else {
            None
        }
    })
}

/// Agenda-item kinds a requirement on meetings of `kind` asks to include (life meetings).
fn required_items(catalogue: &Catalogue, kind: &str) -> Vec<String> {
    let Some(ix) = catalogue.activity_kinds.iter().position(|t| t.code == kind) else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    for r in &catalogue.requirements {
        if r.satisfied_by.kinds.iter().any(|k| usize::from(*k) == ix) {
            for a in &r.satisfied_by.agenda_includes {
                if let Some(t) = catalogue.agenda_kinds.get(usize::from(*a))
                    && !out.contains(&t.code)
                {
                    out.push(t.code.clone());
                }
            }
        }
    }
    out
}

/// The first activity kind that satisfies requirement `id`.
fn kind_for_requirement(catalogue: &Catalogue, id: &str) -> Option<String> {
    let r = catalogue.requirements.iter().find(|r| r.id == id)?;
    let kind = r.satisfied_by.kinds.first().or_else(|| r.hours.as_ref().and_then(|h| h.kinds.first()))?;
    catalogue.activity_kinds.get(usize::from(*kind)).map(|t| t.code.clone())
}

/// A usual length for a first record of a kind, in minutes.
fn usual_duration(kind: &str) -> i64 {
    match kind {
        "theme_party_day" | "grassroots_visit" | "research_visit" => 180,
        "party_class" | "party_lesson" | "center_group_study" | "democratic_life_meeting" | "organizational_life_meeting" => 120,
        "reading_class" | "training" => 240,
        "political_birthday" | "group_meeting" => 60,
        _ => 90,
    }
}

/// A fresh one-time key for a form.
fn fresh_form_key() -> String {
    Id::generate().to_string()
}

/// The draft a new record starts from.
async fn defaults(state: &AppState, host: &Organization, kind: &str, day: NaiveDate) -> Result<Draft, PageError> {
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
        let fallback = if kind == "political_birthday" { "oath_review" } else { "business" };
        agenda.push((fallback.to_owned(), String::new()));
    }
    let people = state.store.expected_participants(catalogue, kind, &host.id, day).await?;
    Ok(Draft {
        kind: kind.to_owned(),
        planned: false,
        held_on: day.format("%Y-%m-%d").to_string(),
        starts_at: last.as_ref().and_then(|a| a.starts_at.clone()).unwrap_or_default(),
        duration: last.as_ref().map_or_else(|| usual_duration(kind), |a| a.duration_minutes).to_string(),
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
fn draft_of(activity: &Activity, today: NaiveDate) -> Draft {
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
    files: Vec<(String, Vec<u8>)>,
}

impl Submitted {
    fn value(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn values(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// A digest of what the form says (the CSRF token and form key left
    /// out): the same form sent twice has the same one.
    fn fingerprint(&self) -> String {
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

    fn draft(&self) -> Draft {
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
fn to_new(draft: &Draft, lang: Lang) -> Result<NewActivity, Vec<(String, String)>> {
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
fn form_field(field: Field) -> &'static str {
    match field {
        Field::Participant | Field::Absentee => "people",
        Field::Attachment | Field::File => "file",
        other => other.api_name(),
    }
}

/// A store refusal as (field, message), or the error itself if it is not about the input.
fn refusal(e: StoreError, lang: Lang) -> Result<(String, String), PageError> {
    match e {
        StoreError::Invalid(fe) => Ok((form_field(fe.field).to_owned(), message(lang, &fe))),
        StoreError::Rule(m) => Ok(("_form".to_owned(), i18n::render(lang, &m))),
        StoreError::Conflict { .. } => Ok(("_form".to_owned(), i18n::t(lang, "record-conflict").to_owned())),
        other => Err(other.into()),
    }
}

/// What the form needs besides the draft.
struct Frame<'a> {
    org: &'a Organization,
    /// The record being changed, if any.
    activity: Option<Id>,
    heading: String,
    action: String,
    version: Option<i64>,
    needs_reason: bool,
    may_plan: bool,
}

async fn build_form<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    frame: Frame<'_>,
    draft: Draft,
    errors: Vec<(String, String)>,
) -> Result<RecordForm<'a>, PageError> {
    let lang = ctx.lang;
    let catalogue = &state.catalogue;
    let today = state.today.date();
    let org = frame.org;
    let day = NaiveDate::parse_from_str(&draft.held_on, "%Y-%m-%d").unwrap_or(today);
    // Hosts: the organization and those directly under it the viewer may record for.
    let mut hosts = vec![Choice { value: org.id.to_string(), label: org.name.to_string(), selected: draft.host == org.id.as_str() }];
    for child in state.store.children(&org.id, today).await? {
        if viewer.may(Action::Record, &child.path, today) {
            hosts.push(Choice { selected: draft.host == child.id.as_str(), value: child.id.to_string(), label: child.name.to_string() });
        }
    }
    // The host sent back counts only if the viewer may record for it; the
    // form never shows anything of another organization.
    let host_org = match Id::parse(&draft.host) {
        Some(id) if id != org.id => match state.store.org(&id, day).await? {
            Some(o) if viewer.may(Action::Record, &o.path, today) => o,
            _ => org.clone(),
        },
        _ => org.clone(),
    };
    if !hosts.iter().any(|h| h.value == host_org.id.as_str()) {
        hosts.push(Choice { value: host_org.id.to_string(), label: host_org.name.to_string(), selected: true });
    }
    for h in &mut hosts {
        h.selected = h.value == host_org.id.as_str();
    }
    // Presenters: the host's people, then the leaders of the organizations above it.
    let own = state.store.list_people(Some(&host_org.id), None, 500, day).await?.items;
    let above: Vec<Id> = host_org.path.iter().filter(|p| **p != host_org.id).cloned().collect();
    let leaders = state.store.position_holders(&above, day).await?;
    let own_holders = state.store.position_holders(std::slice::from_ref(&host_org.id), day).await?;
    // Names only of people the host's form may name: its members on the
    // day, the holders of its positions and of those above it, and those
    // expected there; anyone else sent back is shown by id.
    let expected = state.store.expected_participants(&state.catalogue, &draft.kind, &host_org.id, day).await?;
    let mut wanted: Vec<Id> = leaders.iter().map(|(p, _)| p.clone()).collect();
    wanted.extend(own_holders.iter().map(|(p, _)| p.clone()));
    wanted.extend(expected);
    let allowed: std::collections::HashSet<Id> = wanted.iter().cloned().chain(own.iter().map(|p| p.id.clone())).collect();
    wanted.extend(draft.people.iter().map(|(p, _, _)| p.clone()).filter(|p| allowed.contains(p)));
    let mut names = state.store.names_of(&wanted).await?;
    for p in &own {
        names.insert(p.id.clone(), p.name.to_string());
    }
    let mut own_options: Vec<Choice> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for id in own_holders.iter().map(|(p, _)| p.clone()).chain(own.iter().map(|p| p.id.clone())) {
        if seen.insert(id.clone()) {
            own_options.push(Choice {
                selected: draft.presenter == id.as_str(),
                label: names.get(&id).cloned().unwrap_or_else(|| id.to_string()),
                value: id.to_string(),
            });
        }
    }
    // The host and the organizations above it, read once for the leaders' labels and the projects.
    let above_host = state.store.path_to(&host_org.id, day).await?;
    let org_names: HashMap<&Id, &str> = above_host.iter().map(|o| (&o.id, o.name.as_str())).collect();
    let mut leader_options = Vec::new();
    for (person, at) in &leaders {
        if seen.insert(person.clone()) {
            let name = names.get(person).cloned().unwrap_or_else(|| person.to_string());
            let label = match org_names.get(at) {
                Some(o) => format!("{name}（{o}）"),
                None => name,
            };
            leader_options.push(Choice { selected: draft.presenter == person.as_str(), value: person.to_string(), label });
        }
    }
    if let Some(p) = Id::parse(&draft.presenter).filter(|p| allowed.contains(p))
        && seen.insert(p.clone())
    {
        own_options.push(Choice { label: names.get(&p).cloned().unwrap_or_else(|| p.to_string()), value: p.to_string(), selected: true });
    }
    let no_presenter = draft.presenter.is_empty();
    let mut presenters = vec![ChoiceGroup { label: i18n::t(lang, "record-presenters-here").to_owned(), options: own_options }];
    if !leader_options.is_empty() {
        presenters.push(ChoiceGroup { label: i18n::t(lang, "record-presenters-above").to_owned(), options: leader_options });
    }
    let mut agenda: Vec<AgendaRow> = draft
        .agenda
        .iter()
        .enumerate()
        .map(|(index, (kind, title))| AgendaRow { index, kinds: choices(&catalogue.agenda_kinds, kind, lang), title: title.clone() })
        .collect();
    for _ in 0..SPARE_AGENDA_ROWS {
        let index = agenda.len();
        agenda.push(AgendaRow { index, kinds: choices(&catalogue.agenda_kinds, "", lang), title: String::new() });
    }
    let people = draft
        .people
        .iter()
        .map(|(p, absent, reason)| AttendeeRow {
            id: p.to_string(),
            name: names.get(p).cloned().unwrap_or_else(|| p.to_string()),
            absent: *absent,
            reason: reason.clone(),
        })
        .collect();
    let visit_kinds = if draft.kind == store::activities::GRASSROOTS_VISIT {
        choices(&catalogue.visit_kinds, &draft.visit_kind, lang)
    } else {
        Vec::new()
    };
    let polarities = if draft.kind == store::activities::CASE_ANALYSIS {
        ["positive", "negative"]
            .iter()
            .map(|p| Choice {
                value: (*p).to_owned(),
                label: i18n::t(lang, &format!("activity-polarity-{p}")).to_owned(),
                selected: draft.polarity == *p,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut projects = Vec::new();
    if LINKS_PROJECTS.contains(&draft.kind.as_str()) {
        for at in &above_host {
            for p in state.store.projects_of(at, false).await? {
                projects.push(Choice {
                    selected: draft.project == p.id.as_str(),
                    value: p.id.to_string(),
                    label: format!("{}（{}）", p.topic, at.name),
                });
            }
        }
    }
    let visit_coordination = if draft.kind == store::activities::GRASSROOTS_VISIT {
        Some(crate::pages::birthdays::visit_coordination(state, lang, &host_org, day, frame.activity.as_ref()).await?)
    } else {
        None
    };
    Ok(RecordForm {
        c: ctx,
        projects,
        visit_coordination,
        org: OrgLink::new(org, lang),
        heading: frame.heading,
        action: frame.action,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        form_key: draft.form_key.clone(),
        people_host: if draft.people_host.is_empty() { host_org.id.to_string() } else { draft.people_host.clone() },
        version: frame.version,
        needs_reason: frame.needs_reason,
        correction_reason: draft.correction_reason.clone(),
        may_plan: frame.may_plan,
        planned: draft.planned,
        kinds: choices(&catalogue.activity_kinds, &draft.kind, lang),
        first_issue: first_item(catalogue, &draft.kind).is_some(),
        kind: draft.kind,
        held_on: draft.held_on,
        starts_at: draft.starts_at,
        duration: draft.duration,
        title: draft.title,
        hosts,
        presenters,
        no_presenter,
        agenda,
        people,
        visit_kinds,
        polarities,
        minutes: draft.minutes,
        minutes_final: draft.minutes_final,
        errors,
    })
}

fn heading_new(lang: Lang, kind_label: &str) -> String {
    format!("{}{}{}", i18n::t(lang, "record-heading-new"), i18n::t(lang, "compliance-colon"), kind_label)
}

/// `GET /orgs/{id}/record`: the form, filled in; without a kind, the kinds to choose from.
async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<Query<NewQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let today = state.today.date();
        let org = viewer.require(&state, Action::Record, &id, today).await?;
        let catalogue = &state.catalogue;
        let kind = q
            .kind
            .filter(|k| catalogue.kind(k).is_some())
            .or_else(|| q.requirement.as_deref().and_then(|r| kind_for_requirement(catalogue, r)));
        let Some(kind) = kind else { return choose_kind(&state, &ctx, &org).await };
        let day =
            q.on.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .filter(|d| *d <= today && *d >= org.founded_on)
                .unwrap_or(today);
        let draft = defaults(&state, &org, &kind, day).await?;
        let frame = Frame {
            org: &org,
            activity: None,
            heading: heading_new(ctx.lang, &term_label(&catalogue.activity_kinds, &kind, ctx.lang)),
            action: format!("/orgs/{}/record", org.id),
            version: None,
            needs_reason: false,
            may_plan: true,
        };
        render(&build_form(&state, &ctx, &viewer, frame, draft, Vec::new()).await?)
    }
    .await;
    ctx.respond(result)
}

async fn choose_kind(state: &AppState, ctx: &PageContext, org: &Organization) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let catalogue = &state.catalogue;
    // Kinds asked for by the requirements that bind this organization, in catalogue order.
    let bound = kinds_binding(state, org).await?;
    let suggested: Vec<Choice> = catalogue
        .activity_kinds
        .iter()
        .filter(|t| bound.contains(&t.code))
        .map(|t| Choice { value: t.code.clone(), label: t.label(rules_lang(lang)).to_owned(), selected: false })
        .collect();
    let others = catalogue
        .activity_kinds
        .iter()
        .filter(|t| !bound.contains(&t.code))
        .map(|t| Choice { value: t.code.clone(), label: t.label(rules_lang(lang)).to_owned(), selected: false })
        .collect();
    render(&ChooseKind { c: ctx, org: OrgLink::new(org, lang), suggested, others })
}

/// The activity kinds that satisfy the requirements binding `org` this year.
async fn kinds_binding(state: &AppState, org: &Organization) -> Result<Vec<String>, PageError> {
    let today = state.today.date();
    crate::pages::compliance::with_year(state, chrono::Datelike::year(&today), |ev| {
        let Some(&ix) = ev.loaded.org_index.get(&org.id) else { return Vec::new() };
        let catalogue = ev.engine.catalogue();
        let mut kinds: Vec<String> = Vec::new();
        for cell in ev.engine.cells_of(rules::Subject::Org(ix)) {
            if cell.status == rules::Status::NotApplicable {
                continue;
            }
            let Some(r) = catalogue.requirements.get(usize::from(cell.requirement)) else { continue };
            for k in &r.satisfied_by.kinds {
                if let Some(t) = catalogue.activity_kinds.get(usize::from(*k))
                    && !kinds.contains(&t.code)
                {
                    kinds.push(t.code.clone());
                }
            }
        }
        kinds
    })
    .await
}

/// `POST /orgs/{id}/record`.
async fn submit_new(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, submitted: Submitted) -> Response {
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let today = state.today.date();
        let viewer = &submitted.viewer;
        let org = viewer.require(&state, Action::Record, &id, today).await?;
        let draft = submitted.draft();
        let frame = |draft: &Draft| Frame {
            org: &org,
            activity: None,
            heading: heading_new(ctx.lang, &term_label(&state.catalogue.activity_kinds, &draft.kind, ctx.lang)),
            action: format!("/orgs/{}/record", org.id),
            version: None,
            needs_reason: false,
            may_plan: true,
        };
        let new = match to_new(&draft, ctx.lang) {
            Ok(new) => new,
            Err(errors) => return again(&state, &ctx, viewer, frame(&draft), draft, errors).await,
        };
        if viewer.require(&state, Action::Record, &new.host_org_id, today).await.is_err() {
            let e = FieldError::new(Field::Host, Problem::NotFound, new.host_org_id.as_str());
            return again(&state, &ctx, viewer, frame(&draft), draft.clone(), vec![("host_org_id".into(), message(ctx.lang, &e))]).await;
        }
        let mut draft = draft;
        if let Some(notice) = relisted(&state, &mut draft, &new, ctx.lang).await? {
            return again(&state, &ctx, viewer, frame(&draft), draft.clone(), vec![notice]).await;
        }
        // Checked before the write opens; a refusal writes nothing.
        let checked = match state.store.check_new_activity(&state.catalogue, new, today).await {
            Ok(a) => a,
            Err(e) => {
                let error = refusal(e, ctx.lang)?;
                return again(&state, &ctx, viewer, frame(&draft), draft, vec![error]).await;
            }
        };
        // The same form sent again (a double click, a reload) finds its key
        // used; the form changed and sent again (back, another date) is
        // another record.
        let key_text = format!("form:{}:{}", draft.form_key, submitted.fingerprint());
        let key = (!draft.form_key.is_empty()).then_some(Key { key: &key_text, request_hash: "recording-form" });
        let outcome = write::write(&state.store, &viewer.actor(), key, async |w| {
            let activity = state.store.record_checked(w, checked).await?;
            attach_files(&state, w, &activity, &submitted.files).await?;
            let answered = Answered { status: 201, body: serde_json::json!({ "id": activity.id.to_string() }).to_string() };
            Ok::<_, StoreError>((activity, answered))
        })
        .await;
        match outcome {
            Ok(Outcome::Written(activity)) => {
                state.evaluations.activity_recorded(&activity);
                Ok(Redirect::to(&format!("/activities/{}?saved=1", activity.id)).into_response())
            }
            Ok(Outcome::Replayed(stored)) => Ok(already_recorded(&stored.body)),
            Ok(Outcome::KeyReused) => Ok(already_recorded("")),
            Err(e) => {
                let error = refusal(e, ctx.lang)?;
                again(&state, &ctx, viewer, frame(&draft), draft, vec![error]).await
            }
        }
    }
    .await;
    ctx.respond(result)
}

/// When the host was changed on the form, the people listed were those
/// expected at the former one: lists the new host's (all present) and says
/// so, for the form to be checked and sent again.
async fn relisted(state: &AppState, draft: &mut Draft, new: &NewActivity, lang: Lang) -> Result<Option<(String, String)>, PageError> {
    if draft.people_host.is_empty() || draft.people_host == new.host_org_id.as_str() {
        return Ok(None);
    }
    let people = state.store.expected_participants(&state.catalogue, &new.kind, &new.host_org_id, new.held_on).await?;
    draft.people = people.into_iter().map(|p| (p, false, String::new())).collect();
    draft.people_host = new.host_org_id.to_string();
    Ok(Some(("people".to_owned(), i18n::t(lang, "record-relisted").to_owned())))
}

/// A form sent a second time: the record made the first time.
fn already_recorded(body: &str) -> Response {
    let id = serde_json::from_str::<serde_json::Value>(body).ok().and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned));
    match id {
        Some(id) => Redirect::to(&format!("/activities/{id}?saved=1&again=1")).into_response(),
        None => Redirect::to("/").into_response(),
    }
}

/// Stores the files sent with a form, in the record's transaction.
async fn attach_files(
    state: &AppState,
    w: &mut store::Audited,
    activity: &Activity,
    files: &[(String, Vec<u8>)],
) -> Result<(), StoreError> {
    if files.is_empty() {
        return Ok(());
    }
    let Some(storage) = state.files.as_ref() else {
        return Err(StoreError::Invalid(FieldError::new(Field::Attachment, Problem::rule("attachment-no-storage"), "")));
    };
    for (name, bytes) in files {
        state.store.attach(w, storage, activity, name, bytes).await?;
    }
    Ok(())
}

/// The form shown again with its errors (422), nothing written.
async fn again(
    state: &AppState,
    ctx: &PageContext,
    viewer: &Viewer,
    frame: Frame<'_>,
    mut draft: Draft,
    errors: Vec<(String, String)>,
) -> Result<Response, PageError> {
    // A refused form may be sent again with the same key: nothing was recorded under it.
    if draft.form_key.is_empty() {
        draft.form_key = fresh_form_key();
    }
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &build_form(state, ctx, viewer, frame, draft, errors).await?)
}

/// The stored record behind `/activities/{id}/edit`, with its host, if the viewer may record there.
async fn editable(state: &AppState, viewer: &Viewer, id: &str) -> Result<(Activity, Organization), PageError> {
    let id = Id::parse(id).ok_or(PageError::NotFound)?;
    let activity = state.store.activity(&id).await?.ok_or(PageError::NotFound)?;
    let host = viewer.require(state, Action::Record, &activity.host_org_id, state.today.date()).await?;
    Ok((activity, host))
}

fn edit_frame<'a>(state: &AppState, lang: Lang, activity: &Activity, host: &'a Organization) -> Frame<'a> {
    let kind = term_label(&state.catalogue.activity_kinds, &activity.kind, lang);
    let key = match activity.status {
        ActivityStatus::Planned => "record-heading-hold",
        _ if activity.minutes_state == Some(MinutesState::Final) => "record-heading-correct",
        _ => "record-heading-edit",
    };
    Frame {
        org: host,
        activity: Some(activity.id.clone()),
        heading: format!("{}{}{}", i18n::t(lang, key), i18n::t(lang, "compliance-colon"), kind),
        action: format!("/activities/{}/edit", activity.id),
        version: Some(activity.version),
        needs_reason: activity.minutes_state == Some(MinutesState::Final),
        may_plan: activity.status == ActivityStatus::Planned,
    }
}

/// `GET /activities/{id}/edit`: hold a plan, change or correct a record.
async fn edit_form(State(state): State<AppState>, ctx: PageContext, viewer: Viewer, Path(id): Path<String>) -> Response {
    let result = async {
        let (activity, host) = editable(&state, &viewer, &id).await?;
        if activity.status == ActivityStatus::Cancelled {
            return Err(PageError::NotFound);
        }
        let draft = draft_of(&activity, state.today.date());
        let frame = edit_frame(&state, ctx.lang, &activity, &host);
        render(&build_form(&state, &ctx, &viewer, frame, draft, Vec::new()).await?)
    }
    .await;
    ctx.respond(result)
}

/// `POST /activities/{id}/edit`.
async fn submit_edit(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, submitted: Submitted) -> Response {
    let result = async {
        let viewer = &submitted.viewer;
        let today = state.today.date();
        let (activity, host) = editable(&state, viewer, &id).await?;
        let draft = submitted.draft();
        let version = submitted.value("version").trim().parse::<i64>().unwrap_or(-1);
        let new = match to_new(&draft, ctx.lang) {
            Ok(new) => new,
            Err(errors) => return again(&state, &ctx, viewer, edit_frame(&state, ctx.lang, &activity, &host), draft, errors).await,
        };
        if viewer.require(&state, Action::Record, &new.host_org_id, today).await.is_err() {
            let e = FieldError::new(Field::Host, Problem::NotFound, new.host_org_id.as_str());
            let errors = vec![("host_org_id".into(), message(ctx.lang, &e))];
            return again(&state, &ctx, viewer, edit_frame(&state, ctx.lang, &activity, &host), draft, errors).await;
        }
        let mut draft = draft;
        if let Some(notice) = relisted(&state, &mut draft, &new, ctx.lang).await? {
            return again(&state, &ctx, viewer, edit_frame(&state, ctx.lang, &activity, &host), draft, vec![notice]).await;
        }
        let mut w = state.store.writer(&viewer.actor()).await?;
        let reason = Some(draft.correction_reason.as_str()).filter(|r| !r.trim().is_empty());
        let updated = match state
            .store
            .update_activity(&mut w, &state.catalogue, Revision { id: &activity.id, expected_version: version, reason }, new, today)
            .await
        {
            Ok(u) => u,
            Err(e) => {
                drop(w);
                let conflict = matches!(e, StoreError::Conflict { .. });
                let error = refusal(e, ctx.lang)?;
                // After a conflict the form shows what was typed, against the current version.
                let current = if conflict { state.store.activity(&activity.id).await?.unwrap_or(activity) } else { activity };
                return again(&state, &ctx, viewer, edit_frame(&state, ctx.lang, &current, &host), draft, vec![error]).await;
            }
        };
        if let Err(e) = attach_files(&state, &mut w, &updated.after, &submitted.files).await {
            drop(w);
            let error = refusal(e, ctx.lang)?;
            return again(&state, &ctx, viewer, edit_frame(&state, ctx.lang, &activity, &host), draft, vec![error]).await;
        }
        w.commit().await?;
        state.evaluations.activity_deleted(&updated.before);
        state.evaluations.activity_recorded(&updated.after);
        Ok(Redirect::to(&format!("/activities/{}?saved=1", updated.after.id)).into_response())
    }
    .await;
    ctx.respond(result)
}

/// `POST /activities/{id}/cancel`: a plan dropped.
async fn cancel(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, submitted: Submitted) -> Response {
    let result = async {
        let viewer = &submitted.viewer;
        let (activity, _host) = editable(&state, viewer, &id).await?;
        let version = submitted.value("version").trim().parse::<i64>().unwrap_or(-1);
        let mut w = state.store.writer(&viewer.actor()).await?;
        match state.store.cancel_plan(&mut w, &activity.id, version).await {
            Ok(_) => {
                w.commit().await?;
                Ok(Redirect::to(&format!("/activities/{}?saved=1", activity.id)).into_response())
            }
            Err(StoreError::Conflict { .. } | StoreError::Invalid(_)) => {
                Ok(Redirect::to(&format!("/activities/{}?conflict=1", activity.id)).into_response())
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    ctx.respond(result)
}
