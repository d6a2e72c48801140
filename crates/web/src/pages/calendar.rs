//! Calendar subscriptions and the outbox.
//!
//! `GET /calendar/{token}.ics` needs no login: the secret token in the
//! address is the credential. It answers with one all-day event per open
//! obligation (due or overdue cell) of the feed's person or organization in
//! the current year, on the day it falls due (the period's last day; for an
//! overdue cell the last day of the late-entry window). An unknown, revoked
//! or malformed token, and a feed whose creator can no longer read the
//! subject (account disabled, grant ended), all get the same 404.
//!
//! Whoever may read a person or an organization can create its link (a
//! form with the session's CSRF token; the address is shown once, like an
//! API token) and revoke it; creating a new link revokes the old. Both are
//! audited. The person page also lists the person's latest messages from
//! the outbox (the weekly digest) and whether each was sent.

mod ics;

use super::compliance::rules_lang;
use super::session::{CsrfForm, NoFields};
use super::views::minute;
use super::{PageContext, PageError, Viewer, render_secret};
use crate::AppState;
use crate::evaluation::{EvaluationError, Evaluations};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::access::{Action, can};
use domain::{Id, Person};
use store::feeds::FeedSubjectKind;
use store::obligations::{Obligation, ObligationsError, OpenObligations, SubjectRef, merge_years, open_obligations, open_years};
use store::outbox::{NO_ADDRESS, NO_MAIL_SERVER};
use store::{Store, StoreError};

/// How many messages the person page lists.
const OUTBOX_ROWS: usize = 10;

/// The web server's cached evaluation serves the jobs and the feeds: the
/// lock is taken after the last await and let go before returning.
impl OpenObligations for Evaluations {
    async fn open_obligations(
        &self,
        store: &Store,
        today: NaiveDate,
        subjects: &[SubjectRef],
    ) -> Result<Vec<Vec<Obligation>>, ObligationsError> {
        let mut per_year = Vec::new();
        for year in open_years(self.catalogue(), today) {
            let entry = self.year(store, year, today).await.map_err(|e| match e {
                EvaluationError::Store(e) => ObligationsError::Store(e),
                EvaluationError::World(e) => ObligationsError::World(e),
            })?;
            let guard = entry.read().map_err(|_| ObligationsError::Evaluation("the evaluation lock is poisoned".to_owned()))?;
            per_year.push(
                subjects.iter().map(|s| s.resolve(&guard.loaded).map(|x| open_obligations(&guard.engine, x)).unwrap_or_default()).collect(),
            );
        }
        Ok(merge_years(per_year, subjects.len()))
    }
}

fn obligations_error(e: ObligationsError) -> PageError {
    match e {
        ObligationsError::Store(e) => PageError::Store(e),
        other => PageError::Store(StoreError::Corrupt(other.to_string())),
    }
}

/// The live subscription link of a subject, as its page shows it.
pub struct LiveFeed {
    pub created: String,
    pub created_by: String,
}

/// The subscription part of a person's or an organization's page.
pub struct CalendarSection {
    /// `/people/{id}/calendar` or `/orgs/{id}/calendar`.
    pub action: String,
    pub csrf: String,
    pub live: Option<LiveFeed>,
}

/// The section for the subject `subject_id` whose page is at `page`.
pub async fn section(
    state: &AppState,
    viewer: &Viewer,
    province_id: &Id,
    subject_id: &Id,
    page: &str,
) -> Result<CalendarSection, PageError> {
    let live = match state.store.calendar_feed_of(province_id, subject_id).await? {
        Some(feed) => {
            let names = super::views::actor_names(&state.store, vec![feed.created_by.clone()]).await?;
            let created_by = names.get(&feed.created_by).cloned().unwrap_or(feed.created_by);
            Some(LiveFeed { created: minute(&feed.created_at), created_by })
        }
        None => None,
    };
    Ok(CalendarSection { action: format!("{page}/calendar"), csrf: viewer.csrf().unwrap_or_default().to_owned(), live })
}

/// One message of the outbox, as the person page lists it.
pub struct OutboxRow {
    pub subject: String,
    pub week: String,
    pub created: String,
    /// When a mail server accepted it.
    pub sent: Option<String>,
    /// Why it is not sent (yet).
    pub reason: String,
}

/// The person's latest messages, newest first.
pub async fn outbox_rows(state: &AppState, ctx: &PageContext, person: &Person) -> Result<Vec<OutboxRow>, PageError> {
    let messages = state.store.outbox_for(&person.province_id, &person.id, OUTBOX_ROWS).await?;
    Ok(messages
        .into_iter()
        .map(|m| {
            let reason = match m.send_error.as_deref() {
                None => ctx.t("outbox-waiting").to_owned(),
                Some(NO_MAIL_SERVER) => ctx.t("outbox-no-mail-server").to_owned(),
                Some(NO_ADDRESS) => ctx.t("outbox-no-address").to_owned(),
                Some(other) => format!("{}{other}", ctx.t("outbox-refused")),
            };
            OutboxRow {
                subject: m.subject,
                week: m.period_key,
                created: minute(&m.created_at),
                sent: m.sent_at.as_deref().map(minute),
                reason,
            }
        })
        .collect())
}

/// The page that shows a new subscription address once.
#[derive(Template)]
#[template(path = "calendar_link.html")]
struct LinkPage<'a> {
    c: &'a PageContext,
    name: String,
    back: String,
    url: String,
    webcal: String,
}

/// `GET /calendar/{token}.ics`.
pub async fn feed(State(state): State<AppState>, ctx: PageContext, Path(file): Path<String>) -> Response {
    let result = async {
        let token = file.strip_suffix(".ics").ok_or(PageError::NotFound)?;
        let feed = state.store.calendar_feed_by_token(token).await?.ok_or(PageError::NotFound)?;
        let today = state.today.date();
        let store = &state.store;
        let (subject, name, path) = match feed.subject_kind {
            FeedSubjectKind::Person => {
                let person = store.person(&feed.subject_id, today).await?.ok_or(PageError::NotFound)?;
                let org = store.org(&person.org_id, today).await?.ok_or(PageError::NotFound)?;
                (SubjectRef::Person(person.id), person.name.to_string(), org.path)
            }
            FeedSubjectKind::Organization => {
                let org = store.org(&feed.subject_id, today).await?.ok_or(PageError::NotFound)?;
                (SubjectRef::Org(org.id), org.name.to_string(), org.path)
            }
        };
        if !creator_may_read(store, &feed.created_by, &path, today).await? {
            return Err(PageError::NotFound);
        }
        let open = state
            .evaluations
            .open_obligations(store, today, std::slice::from_ref(&subject))
            .await
            .map_err(obligations_error)?
            .pop()
            .unwrap_or_default();
        let events: Vec<ics::Event> = open
            .iter()
            .map(|o| {
                let when = if o.is_overdue() { "calendar-event-overdue" } else { "calendar-event-due" };
                let when = i18n::t_args(ctx.lang, when, &[("due_on", o.due_on.to_string().into())]);
                ics::Event {
                    uid: format!("{}+{}+{}@changxiao", o.requirement_id, subject.id(), o.period.label()),
                    date: o.due_on,
                    summary: o.title(rules_lang(ctx.lang)).to_owned(),
                    description: format!("{}\n{} · {when}", ctx.render(&o.why), o.period.label()),
                }
            })
            .collect();
        let body = ics::calendar(&i18n::t_args(ctx.lang, "calendar-feed-name", &[("name", name.into())]), &events, chrono::Utc::now());
        let mut response = body.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline; filename=\"changxiao.ics\""));
        Ok(response)
    }
    .await;
    ctx.respond(result)
}

/// Whether the account that created a feed is still live and may read the
/// organization at the end of `path`.
async fn creator_may_read(store: &Store, created_by: &str, path: &[Id], today: NaiveDate) -> Result<bool, PageError> {
    let Some(id) = Id::parse(created_by) else { return Ok(false) };
    match store.account(&id).await? {
        Some(account) if !account.disabled => {
            let grants: Vec<_> = store.grants_of(&id).await?.into_iter().map(|g| g.grant).collect();
            Ok(can(&grants, Action::Read, path, today))
        }
        _ => Ok(false),
    }
}

/// What a feed is created or revoked for, once the viewer may read it.
struct Target {
    province_id: Id,
    kind: FeedSubjectKind,
    id: Id,
    name: String,
    page: String,
}

/// A person's feed is made or revoked by the person (an account linked to
/// them) or by a supervisor of their organization, never by any reader:
/// it opens their obligations without a login.
async fn person_target(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Target, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let (person, _) = viewer.require_person(state, Action::Read, &id, state.today.date()).await?;
    if viewer.account.person_id.as_ref() != Some(&person.id) {
        viewer.require_person(state, Action::Supervise, &id, state.today.date()).await?;
    }
    Ok(Target {
        province_id: person.province_id,
        kind: FeedSubjectKind::Person,
        page: format!("/people/{}", person.id),
        id: person.id,
        name: person.name.to_string(),
    })
}

async fn org_target(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Target, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let org = viewer.require(state, Action::Read, &id, state.today.date()).await?;
    Ok(Target {
        province_id: org.province_id,
        kind: FeedSubjectKind::Organization,
        page: format!("/orgs/{}", org.id),
        id: org.id,
        name: org.name.to_string(),
    })
}

async fn create(state: &AppState, ctx: &PageContext, headers: &HeaderMap, viewer: &Viewer, target: Target) -> Result<Response, PageError> {
    let mut w = state.store.writer(&viewer.actor()).await?;
    let (_, token) = state.store.create_calendar_feed(&mut w, &target.province_id, target.kind, &target.id).await?;
    w.commit().await?;
    let origin = super::admin::origin(state, headers);
    let url = format!("{origin}/calendar/{token}.ics");
    let webcal =
        url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).map(|rest| format!("webcal://{rest}")).unwrap_or_default();
    render_secret(&LinkPage { c: ctx, name: target.name, back: target.page, url, webcal })
}

async fn revoke(state: &AppState, viewer: &Viewer, target: Target) -> Result<Response, PageError> {
    let mut w = state.store.writer(&viewer.actor()).await?;
    state.store.revoke_calendar_feed(&mut w, &target.province_id, &target.id).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("{}#calendar", target.page)).into_response())
}

/// `POST /people/{id}/calendar`: a new subscription link, shown once.
pub async fn create_person_feed(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: CsrfForm<NoFields>,
) -> Response {
    let viewer = form.viewer;
    let result = async { create(&state, &ctx, &headers, &viewer, person_target(&state, &viewer, &id).await?).await }.await;
    ctx.respond(result)
}

/// `POST /people/{id}/calendar/revoke`.
pub async fn revoke_person_feed(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    form: CsrfForm<NoFields>,
) -> Response {
    let viewer = form.viewer;
    let result = async { revoke(&state, &viewer, person_target(&state, &viewer, &id).await?).await }.await;
    ctx.respond(result)
}

/// `POST /orgs/{id}/calendar`: a new subscription link, shown once.
pub async fn create_org_feed(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: CsrfForm<NoFields>,
) -> Response {
    let viewer = form.viewer;
    let result = async { create(&state, &ctx, &headers, &viewer, org_target(&state, &viewer, &id).await?).await }.await;
    ctx.respond(result)
}

/// `POST /orgs/{id}/calendar/revoke`.
pub async fn revoke_org_feed(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    form: CsrfForm<NoFields>,
) -> Response {
    let viewer = form.viewer;
    let result = async { revoke(&state, &viewer, org_target(&state, &viewer, &id).await?).await }.await;
    ctx.respond(result)
}
