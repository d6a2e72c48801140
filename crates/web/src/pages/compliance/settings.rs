//! Local settings and exemptions of an organization, `/orgs/{id}/settings`:
//! the settings that apply to it (its own and those set above it) and the
//! exemptions in its subtree, for everyone who may read it; and for those
//! who supervise it, the forms to set a frequency the documents leave open,
//! add a requirement of its own, end a setting, exempt the organization or
//! one of its members, and revoke an exemption.
//!
//! Every form carries the session's CSRF token; every write goes through
//! the audited store functions. A bad value is shown beside its field in
//! the page's language and changes nothing; after a change the evaluation
//! is rebuilt and the browser is sent back to the page.

use super::rules_lang;
use crate::AppState;
use crate::pages::forms::{FormState, message};
use crate::pages::session::CsrfForm;
use crate::pages::views::{OrgLink, actor_names};
use crate::pages::{PageContext, PageError, Viewer, render, render_status};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::access::Action;
use domain::{Field, FieldError, Id, Organization, Problem};
use i18n::Lang;
use rules::Requirement;
use rules::catalogue::SubjectKind;
use std::collections::HashMap;
use store::requirements::{DEFINITION_SOURCE, ListedSetting, NewExemption, NewFrequency, NewLocalRequirement};
use store::{Audited, StoreError};

/// The most members offered as exemption subjects.
const MAX_SUBJECTS: usize = 1000;

/// A choice of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn is(&self, value: &str) -> bool {
        self.value == value
    }
}

/// A setting as listed.
pub struct SettingRow {
    pub id: String,
    pub requirement: String,
    pub requirement_id: String,
    pub org: String,
    pub org_href: String,
    pub inherited: bool,
    pub valid_from: String,
    /// "每季度 1 次" for a frequency; `None` for a local requirement.
    pub frequency: Option<String>,
    pub definition: Option<String>,
    pub reason: String,
    pub ended_on: Option<String>,
    pub version: i64,
    pub can_end: bool,
}

/// An exemption as listed.
pub struct ExemptionRow {
    pub id: String,
    pub requirement: String,
    pub subject: String,
    pub subject_href: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub approved_by: String,
    pub version: i64,
    pub can_revoke: bool,
}

#[derive(Template)]
#[template(path = "compliance_settings.html")]
struct SettingsPage<'a> {
    c: &'a PageContext,
    org: OrgLink,
    csrf: String,
    supervisor: bool,
    settings: Vec<SettingRow>,
    exemptions: Vec<ExemptionRow>,
    locally_set: Vec<Choice>,
    periods: Vec<Choice>,
    requirements: Vec<Choice>,
    subjects: Vec<Choice>,
    subjects_truncated: bool,
    today: String,
    form: FormState,
    saved: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `GET /orgs/{id}/settings`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let saved = query.ok().and_then(|Query(q)| q.saved).is_some();
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let org = viewer.require(&state, Action::Read, &id, state.today.date()).await?;
        render(&settings_page(&state, &ctx, &viewer, &org, FormState::default(), saved).await?)
    }
    .await;
    ctx.respond(result)
}

/// A period kind in words ("每季度" / "per quarter").
fn period_word(lang: Lang, code: &str) -> String {
    i18n::lookup(lang, &i18n::message_id("settings-period", code)).map_or_else(|| code.to_owned(), str::to_owned)
}

/// A requirement's title by id: the catalogue's, else that of a local
/// definition, else the id.
fn requirement_title(state: &AppState, locals: &HashMap<String, Requirement>, id: &str, lang: Lang) -> String {
    let found = state.catalogue.requirement(id).and_then(|ix| state.catalogue.requirements.get(usize::from(ix))).or_else(|| locals.get(id));
    found.map_or_else(|| id.to_owned(), |r| r.title(rules_lang(lang)).to_owned())
}

/// The settings that apply to `org`: its own and those inherited from
/// above, each with what it sets and whether the viewer may end it.
async fn setting_rows(
    state: &AppState,
    lang: Lang,
    org: &Organization,
    listed: Vec<ListedSetting>,
    locals: &HashMap<String, Requirement>,
    supervisor: bool,
) -> Result<Vec<SettingRow>, PageError> {
    let today = state.today.date();
    let mut org_names: HashMap<Id, String> = HashMap::new();
    org_names.insert(org.id.clone(), org.name.to_string());
    let mut settings = Vec::new();
    for l in listed {
        let s = l.setting;
        if !org_names.contains_key(&s.org_id) {
            let name = state.store.org(&s.org_id, today).await?.map(|o| o.name.to_string()).unwrap_or_else(|| s.org_id.to_string());
            org_names.insert(s.org_id.clone(), name);
        }
        let frequency = match (&s.period, s.count) {
            (Some(p), Some(n)) => {
                Some(i18n::t_args(lang, "settings-frequency-text", &[("period", period_word(lang, p).into()), ("count", n.into())]))
            }
            _ => None,
        };
        settings.push(SettingRow {
            id: s.id.to_string(),
            requirement: requirement_title(state, locals, &s.requirement_id, lang),
            requirement_id: s.requirement_id.clone(),
            org: org_names.get(&s.org_id).cloned().unwrap_or_default(),
            org_href: format!("/orgs/{}", s.org_id),
            inherited: l.inherited,
            valid_from: s.valid_from.to_string(),
            frequency,
            definition: s.definition.clone(),
            reason: s.reason.clone(),
            ended_on: s.ended_on.map(|d| d.to_string()),
            version: s.version,
            can_end: supervisor && !l.inherited && s.ended_on.is_none(),
        });
    }
    Ok(settings)
}

/// The exemptions granted in `org`, with their subjects by name.
async fn exemption_rows(
    state: &AppState,
    lang: Lang,
    org: &Organization,
    locals: &HashMap<String, Requirement>,
    supervisor: bool,
) -> Result<Vec<ExemptionRow>, PageError> {
    let today = state.today.date();
    let store = &state.store;
    let listed_exemptions = store.list_exemptions(&org.id, today).await?;
    let approvers = actor_names(store, listed_exemptions.iter().map(|e| e.approved_by.clone()).collect()).await?;
    let mut exemptions = Vec::new();
    for e in listed_exemptions {
        let (subject, subject_href) = match e.subject_kind.as_str() {
            "organization" => (store.org(&e.subject_id, today).await?.map(|o| o.name.to_string()), format!("/orgs/{}", e.subject_id)),
            _ => (store.person(&e.subject_id, today).await?.map(|p| p.name.to_string()), format!("/people/{}", e.subject_id)),
        };
        exemptions.push(ExemptionRow {
            id: e.id.to_string(),
            requirement: requirement_title(state, locals, &e.requirement_id, lang),
            subject: subject.unwrap_or_else(|| e.subject_id.to_string()),
            subject_href,
            from: e.from.to_string(),
            to: e.to.to_string(),
            reason: e.reason.clone(),
            approved_by: approvers.get(&e.approved_by).cloned().unwrap_or_else(|| e.approved_by.clone()),
            version: e.version,
            can_revoke: supervisor,
        });
    }
    Ok(exemptions)
}

async fn settings_page<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    org: &Organization,
    form: FormState,
    saved: bool,
) -> Result<SettingsPage<'a>, PageError> {
    let today = state.today.date();
    let lang = ctx.lang;
    let store = &state.store;
    let supervisor = viewer.may(Action::Supervise, &org.path, today);
    let listed = store.list_settings(&org.id, today).await?;
    let mut locals: HashMap<String, Requirement> = HashMap::new();
    for l in &listed {
        if let Some(definition) = &l.setting.definition
            && let Ok(req) = state.catalogue.parse_local_requirement(DEFINITION_SOURCE, definition)
        {
            locals.insert(req.id.clone(), req);
        }
    }
    let settings = setting_rows(state, lang, org, listed, &locals, supervisor).await?;
    let exemptions = exemption_rows(state, lang, org, &locals, supervisor).await?;
    let (mut subjects, mut subjects_truncated) = (Vec::new(), false);
    let (mut locally_set, mut requirements) = (Vec::new(), Vec::new());
    if supervisor {
        subjects.push(Choice {
            value: "organization".into(),
            label: i18n::t_args(lang, "settings-subject-org-named", &[("org", org.name.as_str().into())]),
        });
        let mut members = store.members(&org.id, today, MAX_SUBJECTS + 1).await?;
        subjects_truncated = members.len() > MAX_SUBJECTS;
        members.truncate(MAX_SUBJECTS);
        subjects.extend(members.iter().map(|p| Choice { value: format!("person:{}", p.id), label: p.name.to_string() }));
        let title = |r: &Requirement| Choice { value: r.id.clone(), label: r.title(rules_lang(lang)).to_owned() };
        locally_set = state.catalogue.requirements.iter().filter(|r| r.locally_set).map(title).collect();
        requirements = state.catalogue.requirements.iter().filter(|r| r.feature_not_built.is_none()).map(title).collect();
        let mut own: Vec<&Requirement> = locals.values().collect();
        own.sort_by(|a, b| a.id.cmp(&b.id));
        requirements.extend(own.into_iter().map(title));
    }
    let periods =
        ["month", "quarter", "half", "year"].iter().map(|p| Choice { value: (*p).to_owned(), label: period_word(lang, p) }).collect();
    Ok(SettingsPage {
        c: ctx,
        org: OrgLink::new(org, lang),
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        supervisor,
        settings,
        exemptions,
        locally_set,
        periods,
        requirements,
        subjects,
        subjects_truncated,
        today: today.to_string(),
        form,
        saved,
    })
}

/// The organization if the viewer supervises it; 404 otherwise, like one
/// that does not exist.
async fn supervised(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Organization, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    Ok(viewer.require(state, Action::Supervise, &id, state.today.date()).await?)
}

/// The form field a store error names, in the form `form`.
fn form_field(form: &str, field: Field) -> &'static str {
    match (form, field) {
        (_, Field::Requirement) => "requirement",
        (_, Field::Period) => "period",
        (_, Field::Count) => "count",
        (_, Field::ValidFrom) => "valid_from",
        (_, Field::Reason) => "reason",
        (_, Field::Definition) => "definition",
        (_, Field::SubjectKind | Field::Subject) => "subject",
        (_, Field::FromDate) => "from",
        (_, Field::ToDate) => "to",
        ("end", Field::ClosedOn) => "on",
        _ => "_form",
    }
}

/// Records a refused write in the form state, or passes other failures on.
fn refused(form: &mut FormState, lang: Lang, e: StoreError) -> Result<(), PageError> {
    match e {
        StoreError::Invalid(fe) => form.add(form_field(form.form, fe.field), message(lang, &fe)),
        StoreError::Rule(m) => form.add("_form", i18n::render(lang, &m)),
        StoreError::Conflict { .. } => form.add("_form", i18n::t(lang, "settings-conflict").to_owned()),
        other => return Err(other.into()),
    }
    Ok(())
}

fn values(pairs: &[(&str, &Option<String>)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).clone().unwrap_or_default())).collect()
}

/// A required text, or an error on the field.
fn required(form: &mut FormState, lang: Lang, name: &str, field: Field) -> Option<String> {
    let v = form.value(form.form, name).trim().to_owned();
    if v.is_empty() {
        form.add(name, message(lang, &FieldError::new(field, Problem::Required, "")));
        return None;
    }
    Some(v)
}

/// A `YYYY-MM-DD` date, or an error on the field.
fn date(form: &mut FormState, lang: Lang, name: &str, field: Field) -> Option<NaiveDate> {
    let raw = required(form, lang, name, field)?;
    match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            form.add(name, message(lang, &FieldError::new(field, Problem::NotADate, &raw)));
            None
        }
    }
}

/// Shows the page again with the form's errors (422), nothing changed.
async fn again(state: &AppState, ctx: &PageContext, viewer: &Viewer, org: &Organization, form: FormState) -> Result<Response, PageError> {
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &settings_page(state, ctx, viewer, org, form, false).await?)
}

/// After a write through `w`: commit it and go back to the page, or, if the
/// store refused it, show the form again with the reason beside its field
/// (nothing is written).
async fn settle<T>(
    state: &AppState,
    ctx: &PageContext,
    viewer: &Viewer,
    org: &Organization,
    w: Audited,
    written: Result<T, StoreError>,
    mut form: FormState,
) -> Result<Response, PageError> {
    match written {
        Ok(_) => {
            w.commit().await?;
            Ok(done(state, org))
        }
        Err(e) => {
            drop(w);
            refused(&mut form, ctx.lang, e)?;
            again(state, ctx, viewer, org, form).await
        }
    }
}

/// After a change: the evaluation is rebuilt on next use, and the browser
/// goes back to the page.
fn done(state: &AppState, org: &Organization) -> Response {
    state.evaluations.invalidate();
    Redirect::to(&format!("/orgs/{}/settings?saved=1", org.id)).into_response()
}

#[derive(Debug, serde::Deserialize)]
pub struct FrequencyFields {
    requirement: Option<String>,
    period: Option<String>,
    count: Option<String>,
    valid_from: Option<String>,
    reason: Option<String>,
}

/// `POST /orgs/{id}/settings/frequency`.
pub async fn set_frequency(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    form: CsrfForm<FrequencyFields>,
) -> Response {
    let CsrfForm { viewer, form: f } = form;
    let result = async {
        let org = supervised(&state, &viewer, &id).await?;
        let lang = ctx.lang;
        let mut form = FormState::new(
            "frequency",
            values(&[
                ("requirement", &f.requirement),
                ("period", &f.period),
                ("count", &f.count),
                ("valid_from", &f.valid_from),
                ("reason", &f.reason),
            ]),
        );
        let requirement = required(&mut form, lang, "requirement", Field::Requirement);
        let period = required(&mut form, lang, "period", Field::Period);
        let count = required(&mut form, lang, "count", Field::Count).and_then(|raw| match raw.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                form.add("count", message(lang, &FieldError::new(Field::Count, Problem::NotANumber, &raw)));
                None
            }
        });
        let valid_from = date(&mut form, lang, "valid_from", Field::ValidFrom);
        let reason = form.value("frequency", "reason").to_owned();
        let (Some(requirement_id), Some(period), Some(count), Some(valid_from), false) =
            (requirement, period, count, valid_from, form.failed_any())
        else {
            return again(&state, &ctx, &viewer, &org, form).await;
        };
        let new = NewFrequency { org_id: org.id.clone(), requirement_id, period, count, valid_from, reason };
        let mut w = state.store.writer(&viewer.actor()).await?;
        let written = state.store.set_frequency(&mut w, &state.catalogue, new).await;
        settle(&state, &ctx, &viewer, &org, w, written, form).await
    }
    .await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct LocalFields {
    definition: Option<String>,
    valid_from: Option<String>,
    reason: Option<String>,
}

/// `POST /orgs/{id}/settings/local`.
pub async fn add_local(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<LocalFields>) -> Response {
    let CsrfForm { viewer, form: f } = form;
    let result = async {
        let org = supervised(&state, &viewer, &id).await?;
        let lang = ctx.lang;
        let mut form =
            FormState::new("local", values(&[("definition", &f.definition), ("valid_from", &f.valid_from), ("reason", &f.reason)]));
        let definition = f.definition.clone().unwrap_or_default();
        let valid_from = date(&mut form, lang, "valid_from", Field::ValidFrom);
        let reason = form.value("local", "reason").to_owned();
        let (Some(valid_from), false) = (valid_from, form.failed_any()) else {
            return again(&state, &ctx, &viewer, &org, form).await;
        };
        let new = NewLocalRequirement { org_id: org.id.clone(), definition, valid_from, reason };
        let mut w = state.store.writer(&viewer.actor()).await?;
        let written = state.store.add_local_requirement(&mut w, &state.catalogue, new).await;
        settle(&state, &ctx, &viewer, &org, w, written, form).await
    }
    .await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct EndFields {
    on: Option<String>,
    version: Option<String>,
}

/// `POST /orgs/{id}/settings/{setting}/end`: the organization's own setting
/// stops applying from the day given (today by default).
pub async fn end_setting(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, setting)): Path<(String, String)>,
    form: CsrfForm<EndFields>,
) -> Response {
    let CsrfForm { viewer, form: f } = form;
    let result = async {
        let org = supervised(&state, &viewer, &id).await?;
        let setting = Id::parse(&setting).ok_or(PageError::NotFound)?;
        let stored = state.store.requirement_setting(&setting).await?.ok_or(PageError::NotFound)?;
        if stored.org_id != org.id {
            return Err(PageError::NotFound);
        }
        let lang = ctx.lang;
        let on_raw = f.on.clone().filter(|s| !s.trim().is_empty()).or_else(|| Some(state.today.date().to_string()));
        let mut form = FormState::new("end", values(&[("on", &on_raw), ("setting", &Some(setting.to_string()))]));
        let on = date(&mut form, lang, "on", Field::ClosedOn);
        let version = f.version.as_deref().and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(stored.version);
        let (Some(on), false) = (on, form.failed_any()) else {
            return again(&state, &ctx, &viewer, &org, form).await;
        };
        let mut w = state.store.writer(&viewer.actor()).await?;
        let written = state.store.end_setting(&mut w, &setting, on, version).await;
        settle(&state, &ctx, &viewer, &org, w, written, form).await
    }
    .await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct ExemptFields {
    requirement: Option<String>,
    subject: Option<String>,
    from: Option<String>,
    to: Option<String>,
    reason: Option<String>,
}

/// The subject chosen in the exemption form: the organization itself
/// (`organization`) or one of its members (`person:<id>`) whom the viewer
/// supervises.
async fn subject_of(state: &AppState, viewer: &Viewer, org: &Organization, raw: &str) -> Result<Option<(SubjectKind, Id)>, PageError> {
    if raw == "organization" {
        return Ok(Some((SubjectKind::Organization, org.id.clone())));
    }
    let Some(id) = raw.strip_prefix("person:").and_then(Id::parse) else { return Ok(None) };
    match viewer.require_person(state, Action::Supervise, &id, state.today.date()).await {
        Ok((_, home)) if home.path.contains(&org.id) => Ok(Some((SubjectKind::Person, id))),
        Ok(_) | Err(crate::auth::Denied::NotFound | crate::auth::Denied::InsufficientScope) => Ok(None),
        Err(crate::auth::Denied::Store(e)) => Err(e.into()),
    }
}

/// `POST /orgs/{id}/exemptions`: the viewer is recorded as the approver.
pub async fn exempt(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<ExemptFields>) -> Response {
    let CsrfForm { viewer, form: f } = form;
    let result = async {
        let org = supervised(&state, &viewer, &id).await?;
        let lang = ctx.lang;
        let mut form = FormState::new(
            "exempt",
            values(&[("requirement", &f.requirement), ("subject", &f.subject), ("from", &f.from), ("to", &f.to), ("reason", &f.reason)]),
        );
        let requirement = required(&mut form, lang, "requirement", Field::Requirement);
        let subject = match required(&mut form, lang, "subject", Field::Subject) {
            Some(raw) => {
                let found = subject_of(&state, &viewer, &org, &raw).await?;
                if found.is_none() {
                    form.add("subject", message(lang, &FieldError::new(Field::Subject, Problem::NotFound, "")));
                }
                found
            }
            None => None,
        };
        let from = date(&mut form, lang, "from", Field::FromDate);
        let to = date(&mut form, lang, "to", Field::ToDate);
        let reason = form.value("exempt", "reason").to_owned();
        let (Some(requirement_id), Some((kind, subject_id)), Some(from), Some(to), false) =
            (requirement, subject, from, to, form.failed_any())
        else {
            return again(&state, &ctx, &viewer, &org, form).await;
        };
        let new = NewExemption {
            requirement_id,
            subject_kind: kind.code().to_owned(),
            subject_id,
            from,
            to,
            reason,
            approved_by: viewer.account.id.to_string(),
        };
        let mut w = state.store.writer(&viewer.actor()).await?;
        let written = state.store.exempt(&mut w, &state.catalogue, new).await;
        settle(&state, &ctx, &viewer, &org, w, written, form).await
    }
    .await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct RevokeFields {
    version: Option<String>,
}

/// `POST /orgs/{id}/exemptions/{exemption}/revoke`: an exemption of the
/// organization's subtree.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, exemption)): Path<(String, String)>,
    form: CsrfForm<RevokeFields>,
) -> Response {
    let CsrfForm { viewer, form: f } = form;
    let result = async {
        let org = supervised(&state, &viewer, &id).await?;
        let exemption = Id::parse(&exemption).ok_or(PageError::NotFound)?;
        let listed = state.store.list_exemptions(&org.id, state.today.date()).await?;
        let stored = listed.into_iter().find(|e| e.id == exemption).ok_or(PageError::NotFound)?;
        let version = f.version.as_deref().and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(stored.version);
        let form = FormState::new("revoke", HashMap::new());
        let mut w = state.store.writer(&viewer.actor()).await?;
        let written = state.store.revoke_exemption(&mut w, &exemption, version).await;
        settle(&state, &ctx, &viewer, &org, w, written, form).await
    }
    .await;
    ctx.respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_shows_only_its_own_values_and_errors() {
        let mut form = FormState::new("frequency", HashMap::from([("count".to_owned(), "0".to_owned())]));
        form.add("count", "次数: '0' 须为 1 至 366 的整数".into());
        form.add("count", "a second message is not shown".into());
        assert_eq!(form.value("frequency", "count"), "0");
        assert_eq!(form.value("exempt", "count"), "");
        assert_eq!(form.error("frequency", "count"), Some("次数: '0' 须为 1 至 366 的整数"));
        assert_eq!(form.error("exempt", "count"), None);
        assert_eq!(form.error("frequency", "period"), None);
    }

    #[test]
    fn store_errors_land_on_the_field_they_name() {
        assert_eq!(form_field("frequency", Field::Count), "count");
        assert_eq!(form_field("exempt", Field::SubjectKind), "subject");
        assert_eq!(form_field("end", Field::ClosedOn), "on");
        assert_eq!(form_field("frequency", Field::Organization), "_form");
    }
}
