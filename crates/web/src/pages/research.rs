//! Research projects and the problems raised at life meetings, as pages:
//!
//! - `/orgs/{id}/research`: the projects of an organization and of those
//!   under it, each marked "尚无成果" while it has no result, and for those
//!   who may record there, the form to start one (topic, lead, team, start);
//! - `/research/{id}`: one project — topic, lead, team, findings (with a
//!   form to write them), the grassroots visits and case analyses recorded
//!   for it, and its results with a form to add one;
//! - the problems section of a life meeting's page (`/activities/{id}`,
//!   template `activity_problems.html`): the problems raised there, the
//!   required agenda items the record lacks (a plain warning), and the form
//!   "add problems raised" posting to `/activities/{id}/problems`.
//!
//! Reading needs `read` on the organization (the host), writing `record`.
//! Every form carries the session's CSRF token and writes through the
//! audited store functions; a refused value is shown beside its field in
//! the page's language (422) and nothing is written, as on the settings page.

use super::compliance::activity::PersonLink;
use super::compliance::rules_lang;
use super::compliance::settings::Choice;
use crate::AppState;
use crate::pages::forms::{FormState, message};
use crate::pages::session::CsrfForm;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer, render, render_status};
use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::access::Action;
use domain::{Field, FieldError, Id, Organization, Problem};
use i18n::Lang;
use std::collections::HashMap;
use store::activities::{Activity, ActivityStatus, AgendaItem};
use store::problems::{NewProblem, is_life_meeting};
use store::research::{NewProject, Project, ProjectChanges, ResultKind};
use store::{Audited, StoreError};

/// The most people offered as lead and team of a project.
const MAX_CANDIDATES: usize = 1000;

/// The routes of these pages (merged into the page routes).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/research", get(list_page).post(start_project))
        .route("/research/{id}", get(project_page))
        .route("/research/{id}/findings", post(write_findings))
        .route("/research/{id}/results", post(add_result))
        .route("/activities/{id}/problems", post(raise_problems))
}

/// The form field a store error names.
fn form_field(field: Field) -> &'static str {
    match field {
        Field::Topic => "topic",
        Field::Lead => "lead",
        Field::Team => "team",
        Field::StartedOn => "started_on",
        Field::Findings => "findings",
        Field::Outcome => "kind",
        Field::Description => "description",
        Field::Person => "person",
        _ => "_form",
    }
}

/// Records a refused write in the form state, or passes other failures on.
fn refused(form: &mut FormState, lang: Lang, e: StoreError) -> Result<(), PageError> {
    match e {
        StoreError::Invalid(fe) => form.add(form_field(fe.field), message(lang, &fe)),
        StoreError::Rule(m) => form.add("_form", i18n::render(lang, &m)),
        StoreError::Conflict { .. } => form.add("_form", i18n::t(lang, "research-conflict").to_owned()),
        other => return Err(other.into()),
    }
    Ok(())
}

/// Commits `w` and goes to `to`, or, if the store refused the write, puts
/// the reason in the form (nothing is written) for the caller to show again.
async fn settle<T>(
    w: Audited,
    written: Result<T, StoreError>,
    form: &mut FormState,
    lang: Lang,
    to: impl FnOnce(&T) -> String,
) -> Result<Option<Response>, PageError> {
    match written {
        Ok(value) => {
            w.commit().await?;
            Ok(Some(Redirect::to(&to(&value)).into_response()))
        }
        Err(e) => {
            drop(w);
            refused(form, lang, e)?;
            Ok(None)
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

fn was_saved(query: Result<Query<SavedQuery>, QueryRejection>) -> bool {
    query.ok().and_then(|Query(q)| q.saved).is_some()
}

fn term(list: &[rules::catalogue::Term], code: &str, lang: Lang) -> String {
    list.iter().find(|t| t.code == code).map_or_else(|| code.to_owned(), |t| t.label(rules_lang(lang)).to_owned())
}

fn kind_word(kind: ResultKind, lang: Lang) -> &'static str {
    i18n::t(
        lang,
        match kind {
            ResultKind::Measure => "research-kind-measure",
            ResultKind::Document => "research-kind-document",
            ResultKind::Problem => "research-kind-problem",
        },
    )
}

/// A person as a link, named from `names`.
fn person_link(names: &HashMap<Id, String>, id: &Id, lang: Lang) -> PersonLink {
    PersonLink {
        href: format!("/people/{id}"),
        name: names.get(id).cloned().unwrap_or_else(|| i18n::t(lang, "activity-unknown-person").to_owned()),
    }
}

// ---------------------------------------------------------------------------
// The list of an organization's projects.

/// A project as listed.
pub struct ProjectRow {
    pub href: String,
    pub topic: String,
    /// The organization, when it is one under the organization shown.
    pub org: Option<String>,
    pub lead: String,
    pub started_on: String,
    pub activities: usize,
    pub results: usize,
    pub produced_nothing: bool,
}

#[derive(Template)]
#[template(path = "research_list.html")]
struct ListPage<'a> {
    c: &'a PageContext,
    org: OrgLink,
    csrf: String,
    recorder: bool,
    projects: Vec<ProjectRow>,
    /// How many of them have no result yet.
    nothing_yet: usize,
    candidates: Vec<Choice>,
    candidates_truncated: bool,
    today: String,
    form: FormState,
    saved: bool,
}

/// `GET /orgs/{id}/research`.
async fn list_page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let saved = was_saved(query);
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let org = viewer.require(&state, Action::Read, &id, state.today.date()).await?;
        render(&list(&state, &ctx, &viewer, &org, FormState::default(), saved).await?)
    }
    .await;
    ctx.respond(result)
}

async fn list<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    org: &Organization,
    form: FormState,
    saved: bool,
) -> Result<ListPage<'a>, PageError> {
    let today = state.today.date();
    let lang = ctx.lang;
    let store = &state.store;
    let recorder = viewer.may(Action::Record, &org.path, today);
    let projects = store.projects_of(org, true).await?;
    let leads: Vec<Id> = projects.iter().map(|p| p.lead_id.clone()).collect();
    let names = store.names_of(&leads).await?;
    let mut org_names: HashMap<Id, String> = HashMap::new();
    let mut rows = Vec::with_capacity(projects.len());
    for p in &projects {
        let other = if p.org_id == org.id {
            None
        } else {
            if !org_names.contains_key(&p.org_id) {
                let name = store.org(&p.org_id, today).await?.map_or_else(|| p.org_id.to_string(), |o| o.name.to_string());
                org_names.insert(p.org_id.clone(), name);
            }
            org_names.get(&p.org_id).cloned()
        };
        rows.push(ProjectRow {
            href: format!("/research/{}", p.id),
            topic: p.topic.clone(),
            org: other,
            lead: person_link(&names, &p.lead_id, lang).name,
            started_on: p.started_on.to_string(),
            activities: p.activities.len(),
            results: p.results.len(),
            produced_nothing: p.produced_nothing,
        });
    }
    let (mut candidates, mut candidates_truncated) = (Vec::new(), false);
    if recorder {
        let mut found = store.project_candidates(org, today, MAX_CANDIDATES + 1).await?;
        candidates_truncated = found.len() > MAX_CANDIDATES;
        found.truncate(MAX_CANDIDATES);
        candidates = found.into_iter().map(|c| Choice { value: c.id.to_string(), label: c.name }).collect();
    }
    Ok(ListPage {
        c: ctx,
        org: OrgLink::new(org, lang),
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        recorder,
        nothing_yet: rows.iter().filter(|r| r.produced_nothing).count(),
        projects: rows,
        candidates,
        candidates_truncated,
        today: today.to_string(),
        form,
        saved,
    })
}

/// An organization the viewer may record at; 404 otherwise.
async fn recorded_org(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Organization, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    Ok(viewer.require(state, Action::Record, &id, state.today.date()).await?)
}

/// A `YYYY-MM-DD` date typed into `name`, or an error on the field.
fn date(form: &mut FormState, lang: Lang, name: &str, field: Field) -> Option<NaiveDate> {
    let raw = form.value(form.form, name).trim().to_owned();
    if raw.is_empty() {
        form.add(name, message(lang, &FieldError::new(field, Problem::Required, "")));
        return None;
    }
    match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            form.add(name, message(lang, &FieldError::new(field, Problem::NotADate, &raw)));
            None
        }
    }
}

/// A person chosen in a select (`name`): none if blank, an error if not an id.
fn chosen_person(form: &mut FormState, lang: Lang, name: &str, field: Field, required: bool) -> Option<Option<Id>> {
    let raw = form.value(form.form, name).trim().to_owned();
    if raw.is_empty() {
        if required {
            form.add(name, message(lang, &FieldError::new(field, Problem::Required, "")));
            return None;
        }
        return Some(None);
    }
    match Id::parse(&raw) {
        Some(id) => Some(Some(id)),
        None => {
            form.add(name, message(lang, &FieldError::new(field, Problem::NotFound, &raw)));
            None
        }
    }
}

/// `POST /orgs/{id}/research`: starts a project. The team comes as one
/// checkbox per person, named `team_<id>`.
async fn start_project(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    form: CsrfForm<HashMap<String, String>>,
) -> Response {
    let CsrfForm { viewer, form: fields } = form;
    let result = async {
        let org = recorded_org(&state, &viewer, &id).await?;
        let lang = ctx.lang;
        let today = state.today.date();
        let mut team = Vec::new();
        let mut unreadable = None;
        for (name, value) in &fields {
            if let Some(raw) = name.strip_prefix("team_").filter(|_| !value.is_empty()) {
                match Id::parse(raw) {
                    Some(person) => team.push(person),
                    None => unreadable = Some(raw.to_owned()),
                }
            }
        }
        let mut form = FormState::new("start", fields);
        if let Some(raw) = unreadable {
            form.add("team", message(lang, &FieldError::new(Field::Team, Problem::NotFound, &raw)));
        }
        let topic = form.value("start", "topic").to_owned();
        let lead = chosen_person(&mut form, lang, "lead", Field::Lead, true);
        let started_on = date(&mut form, lang, "started_on", Field::StartedOn);
        let (Some(Some(lead_id)), Some(started_on), false) = (lead, started_on, form.failed_any()) else {
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &list(&state, &ctx, &viewer, &org, form, false).await?);
        };
        team.sort();
        let new = NewProject { org_id: org.id.clone(), topic, lead_id, team, started_on, findings: None };
        let mut w = state.store.writer(&viewer.actor()).await?;
        let written = state.store.create_project(&mut w, new, today).await;
        match settle(w, written, &mut form, lang, |p| format!("/research/{}?saved=1", p.id)).await? {
            Some(done) => Ok(done),
            None => render_status(StatusCode::UNPROCESSABLE_ENTITY, &list(&state, &ctx, &viewer, &org, form, false).await?),
        }
    }
    .await;
    ctx.respond(result)
}

// ---------------------------------------------------------------------------
// One project.

/// An activity recorded for a project.
pub struct ActivityRow {
    pub href: String,
    pub held_on: String,
    pub kind: String,
    /// The visit kind or the case's polarity, in words.
    pub detail: Option<String>,
    /// For a plan or a cancelled plan, in words.
    pub status: Option<&'static str>,
}

/// A result as listed.
pub struct ResultRow {
    pub kind: &'static str,
    pub description: String,
    /// It became a problem record for the rectification ledger.
    pub to_ledger: bool,
    pub added_on: String,
}

#[derive(Template)]
#[template(path = "research_project.html")]
struct ProjectPage<'a> {
    c: &'a PageContext,
    org: OrgLink,
    id: String,
    topic: String,
    lead: PersonLink,
    team: Vec<PersonLink>,
    started_on: String,
    findings: Option<String>,
    version: i64,
    produced_nothing: bool,
    activities: Vec<ActivityRow>,
    results: Vec<ResultRow>,
    recorder: bool,
    csrf: String,
    kinds: Vec<Choice>,
    form: FormState,
    saved: bool,
}

/// `GET /research/{id}`.
async fn project_page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let saved = was_saved(query);
    let result = async {
        let (project, org) = readable_project(&state, &viewer, &id, Action::Read).await?;
        render(&project_view(&state, &ctx, &viewer, &org, project, FormState::default(), saved).await?)
    }
    .await;
    ctx.respond(result)
}

/// A project and its organization, if the viewer may do `action` there; 404 otherwise.
async fn readable_project(state: &AppState, viewer: &Viewer, raw_id: &str, action: Action) -> Result<(Project, Organization), PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let project = state.store.project(&id).await?.ok_or(PageError::NotFound)?;
    let org = viewer.require(state, action, &project.org_id, state.today.date()).await?;
    Ok((project, org))
}

async fn project_view<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    org: &Organization,
    project: Project,
    form: FormState,
    saved: bool,
) -> Result<ProjectPage<'a>, PageError> {
    let today = state.today.date();
    let lang = ctx.lang;
    let people: Vec<Id> = std::iter::once(project.lead_id.clone()).chain(project.team.iter().cloned()).collect();
    let names = state.store.names_of(&people).await?;
    let mut team: Vec<PersonLink> = project.team.iter().map(|p| person_link(&names, p, lang)).collect();
    team.sort_by(|a, b| a.name.cmp(&b.name));
    let catalogue = &state.catalogue;
    let activities = project
        .activities
        .iter()
        .map(|a| ActivityRow {
            href: format!("/activities/{}", a.id),
            held_on: a.held_on.to_string(),
            kind: term(&catalogue.activity_kinds, &a.kind, lang),
            detail: match (&a.visit_kind, &a.polarity) {
                (Some(v), _) => Some(term(&catalogue.visit_kinds, v, lang)),
                (None, Some(p)) => Some(
                    i18n::t(lang, if p == "positive" { "activity-polarity-positive" } else { "activity-polarity-negative" }).to_owned(),
                ),
                (None, None) => None,
            },
            status: match a.status {
                ActivityStatus::Held => None,
                ActivityStatus::Planned => Some(i18n::t(lang, "research-status-planned")),
                ActivityStatus::Cancelled => Some(i18n::t(lang, "research-status-cancelled")),
            },
        })
        .collect();
    let results = project
        .results
        .iter()
        .map(|r| ResultRow {
            kind: kind_word(r.kind, lang),
            description: r.description.clone(),
            to_ledger: r.problem_id.is_some(),
            added_on: crate::pages::views::minute(&r.created_at),
        })
        .collect();
    let kinds = ResultKind::ALL.iter().map(|k| Choice { value: k.code().to_owned(), label: kind_word(*k, lang).to_owned() }).collect();
    Ok(ProjectPage {
        c: ctx,
        org: OrgLink::new(org, lang),
        id: project.id.to_string(),
        topic: project.topic.clone(),
        lead: person_link(&names, &project.lead_id, lang),
        team,
        started_on: project.started_on.to_string(),
        findings: project.findings.clone(),
        version: project.version,
        produced_nothing: project.produced_nothing,
        activities,
        results,
        recorder: viewer.may(Action::Record, &org.path, today),
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        kinds,
        form,
        saved,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct FindingsFields {
    findings: Option<String>,
    version: Option<String>,
}

/// `POST /research/{id}/findings`: writes (or clears) the findings.
async fn write_findings(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    form: CsrfForm<FindingsFields>,
) -> Response {
    let CsrfForm { viewer, form: f } = form;
    let result = async {
        let (project, org) = readable_project(&state, &viewer, &id, Action::Record).await?;
        let lang = ctx.lang;
        let text = f.findings.clone().unwrap_or_default();
        let mut form = FormState::new("findings", HashMap::from([("findings".to_owned(), text.clone())]));
        let version = f.version.as_deref().and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(project.version);
        let changes = ProjectChanges { findings: Some(Some(text)), ..ProjectChanges::default() };
        let mut w = state.store.writer(&viewer.actor()).await?;
        let written = state.store.update_project(&mut w, &project.id, version, changes, state.today.date()).await;
        match settle(w, written, &mut form, lang, |p| format!("/research/{}?saved=1#findings", p.id)).await? {
            Some(done) => Ok(done),
            None => {
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &project_view(&state, &ctx, &viewer, &org, project, form, false).await?)
            }
        }
    }
    .await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct ResultFields {
    kind: Option<String>,
    description: Option<String>,
}

/// `POST /research/{id}/results`: adds a result (of kind `problem`: with
/// its problem record for the rectification ledger).
async fn add_result(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<ResultFields>) -> Response {
    let CsrfForm { viewer, form: f } = form;
    let result = async {
        let (project, org) = readable_project(&state, &viewer, &id, Action::Record).await?;
        let lang = ctx.lang;
        let values = HashMap::from([
            ("kind".to_owned(), f.kind.clone().unwrap_or_default()),
            ("description".to_owned(), f.description.clone().unwrap_or_default()),
        ]);
        let mut form = FormState::new("result", values);
        let kind = match ResultKind::parse_field(form.value("result", "kind")) {
            Ok(kind) => Some(kind),
            Err(e) => {
                form.add("kind", message(lang, &e));
                None
            }
        };
        let Some(kind) = kind else {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &project_view(&state, &ctx, &viewer, &org, project, form, false).await?,
            );
        };
        let description = form.value("result", "description").to_owned();
        let mut w = state.store.writer(&viewer.actor()).await?;
        let written = state.store.add_result(&mut w, &project.id, kind, &description, None, state.today.date()).await;
        let to = format!("/research/{}?saved=1#results", project.id);
        match settle(w, written, &mut form, lang, |_| to).await? {
            Some(done) => Ok(done),
            None => {
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &project_view(&state, &ctx, &viewer, &org, project, form, false).await?)
            }
        }
    }
    .await;
    ctx.respond(result)
}

// ---------------------------------------------------------------------------
// Problems raised at a life meeting (a section of the activity's page).

/// A problem raised at the meeting.
pub struct ProblemLine {
    pub description: String,
    /// Whose problem it is, when it is one person's.
    pub person: Option<PersonLink>,
}

/// The problems section of a life meeting's page.
pub struct ProblemsSection {
    pub action: String,
    pub csrf: String,
    /// The viewer may record at the host and the meeting is held.
    pub can_raise: bool,
    /// The meeting is still a plan (problems come once it is held).
    pub planned: bool,
    pub items: Vec<ProblemLine>,
    /// The participants, for "whose problem".
    pub people: Vec<Choice>,
    /// Agenda items the requirement for this kind of meeting asks for that
    /// the record lacks, in words.
    pub missing_items: Vec<String>,
    pub form: FormState,
}

/// The section for a life meeting (`None` for any other activity).
pub async fn problems_section(
    state: &AppState,
    viewer: &Viewer,
    activity: &Activity,
    host: &Organization,
    lang: Lang,
) -> Result<Option<ProblemsSection>, PageError> {
    section_with(state, viewer, activity, host, lang, FormState::default()).await
}

async fn section_with(
    state: &AppState,
    viewer: &Viewer,
    activity: &Activity,
    host: &Organization,
    lang: Lang,
    form: FormState,
) -> Result<Option<ProblemsSection>, PageError> {
    if !is_life_meeting(&activity.kind) {
        return Ok(None);
    }
    let today = state.today.date();
    let stored = state.store.problems_of_activity(activity).await?;
    let mut ids: Vec<Id> = activity.participants.iter().map(|p| p.person_id.clone()).collect();
    ids.extend(stored.iter().filter_map(|p| p.person_id.clone()));
    let names = state.store.names_of(&ids).await?;
    let items = stored
        .iter()
        .map(|p| ProblemLine { description: p.description.clone(), person: p.person_id.as_ref().map(|id| person_link(&names, id, lang)) })
        .collect();
    let mut people: Vec<Choice> = activity
        .participants
        .iter()
        .map(|p| Choice { value: p.person_id.to_string(), label: person_link(&names, &p.person_id, lang).name })
        .collect();
    people.sort_by(|a, b| a.label.cmp(&b.label));
    let held = activity.status == ActivityStatus::Held;
    Ok(Some(ProblemsSection {
        action: format!("/activities/{}/problems", activity.id),
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        can_raise: held && viewer.may(Action::Record, &host.path, today),
        planned: activity.status == ActivityStatus::Planned,
        items,
        people,
        missing_items: if activity.status == ActivityStatus::Cancelled {
            Vec::new()
        } else {
            missing_items(&state.catalogue, &activity.kind, &activity.agenda, lang)
        },
        form,
    }))
}

/// The agenda items that the catalogue's requirements for this kind of
/// activity ask for (`agenda_includes`) and the record lacks, in words.
fn missing_items(catalogue: &rules::Catalogue, kind: &str, agenda: &[AgendaItem], lang: Lang) -> Vec<String> {
    let Some(kind) = catalogue.kind(kind) else { return Vec::new() };
    let mut missing: Vec<u16> = Vec::new();
    for requirement in catalogue.requirements.iter().filter(|r| r.satisfied_by.kinds.contains(&kind)) {
        for &item in &requirement.satisfied_by.agenda_includes {
            let present = agenda.iter().any(|a| catalogue.agenda_kind(&a.kind) == Some(item));
            if !present && !missing.contains(&item) {
                missing.push(item);
            }
        }
    }
    missing.iter().filter_map(|&i| catalogue.agenda_kinds.get(usize::from(i))).map(|t| t.label(rules_lang(lang)).to_owned()).collect()
}

/// The page that shows the problems form again after a refusal.
#[derive(Template)]
#[template(
    ext = "html",
    source = r#"{% extends "base.html" %}
{% block title %}{{ c.t("problems-refused-title") }}{% endblock %}
{% block content %}
<nav aria-label="{{ c.t("org-path") }}">
  <ol class="crumbs">
    <li><a href="/orgs/{{ host.id }}">{{ host.name }}</a></li>
    <li><a href="{{ activity_href }}">{{ kind }} · {{ held_on }}</a></li>
    <li aria-current="page">{{ c.t("problems-refused-title") }}</li>
  </ol>
</nav>
<h1>{{ c.t("problems-refused-title") }}</h1>
<p class="error" role="alert">{{ c.t("problems-nothing-stored") }}</p>
<ul class="links">
  <li><a href="{{ activity_href }}">{{ c.t("problems-back") }}</a></li>
</ul>
{% include "activity_problems.html" %}
{% endblock %}"#
)]
struct ProblemsRefused<'a> {
    c: &'a PageContext,
    host: OrgLink,
    activity_href: String,
    kind: String,
    held_on: String,
    problems: Option<ProblemsSection>,
}

#[derive(Debug, serde::Deserialize)]
pub struct ProblemFields {
    descriptions: Option<String>,
    person: Option<String>,
}

/// `POST /activities/{id}/problems`: one problem per non-empty line, all
/// for the person chosen (or the organization), all or none.
async fn raise_problems(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    form: CsrfForm<ProblemFields>,
) -> Response {
    let CsrfForm { viewer, form: f } = form;
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let activity = state.store.activity(&id).await?.ok_or(PageError::NotFound)?;
        let host = viewer.require(&state, Action::Record, &activity.host_org_id, state.today.date()).await?;
        let lang = ctx.lang;
        let values = HashMap::from([
            ("descriptions".to_owned(), f.descriptions.clone().unwrap_or_default()),
            ("person".to_owned(), f.person.clone().unwrap_or_default()),
        ]);
        let mut form = FormState::new("problems", values);
        let person = chosen_person(&mut form, lang, "person", Field::Person, false);
        let lines: Vec<String> =
            form.value("problems", "descriptions").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        if lines.is_empty() {
            form.add("description", message(lang, &FieldError::new(Field::Description, Problem::Required, "")));
        }
        if let (Some(person), false) = (person, form.failed_any()) {
            let problems = lines.into_iter().map(|description| NewProblem { person_id: person.clone(), description }).collect();
            let mut w = state.store.writer(&viewer.actor()).await?;
            let written = state.store.raise_problems(&mut w, &activity, problems, state.today.date()).await;
            if let Some(done) = settle(w, written, &mut form, lang, |_| format!("/activities/{}#problems", activity.id)).await? {
                return Ok(done);
            }
        }
        let problems = section_with(&state, &viewer, &activity, &host, lang, form).await?;
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ProblemsRefused {
                c: &ctx,
                host: OrgLink::new(&host, lang),
                activity_href: format!("/activities/{}", activity.id),
                kind: term(&state.catalogue.activity_kinds, &activity.kind, lang),
                held_on: activity.held_on.to_string(),
                problems,
            },
        )
    }
    .await;
    ctx.respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_land_on_the_field_they_name() {
        assert_eq!(form_field(Field::Topic), "topic");
        assert_eq!(form_field(Field::Outcome), "kind");
        assert_eq!(form_field(Field::Person), "person");
        assert_eq!(form_field(Field::Organization), "_form");
    }

    #[test]
    fn a_life_meeting_without_its_required_items_is_warned_about() {
        let catalogue = rules::Catalogue::embedded().unwrap_or_else(|e| panic!("{e}"));
        let item = |kind: &str| AgendaItem { kind: kind.into(), title: None };
        let word = |kind: &str| term(&catalogue.agenda_kinds, kind, Lang::En);
        let mut agenda = vec![item("three_musts_comparison")];
        assert_eq!(missing_items(&catalogue, "democratic_life_meeting", &agenda, Lang::En), vec![word("negative_case_analysis")]);
        agenda.push(item("negative_case_analysis"));
        assert!(missing_items(&catalogue, "democratic_life_meeting", &agenda, Lang::En).is_empty());
        assert_eq!(missing_items(&catalogue, "organizational_life_meeting", &agenda, Lang::En), vec![word("criticism_self_criticism")]);
        assert!(missing_items(&catalogue, "members_assembly", &[], Lang::En).is_empty());
    }
}
