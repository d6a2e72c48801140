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
//!
//! This module holds the handlers; [`form`] reads what is sent, [`view`]
//! builds what is shown.

mod form;
mod view;

use crate::AppState;
use crate::pages::compliance::rules_lang;
use crate::pages::forms::message;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer, render, render_status};
use crate::write::{self, Answered, Key, Outcome};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::access::Action;
use domain::{Field, FieldError, Id, Organization, Problem};
use form::{Draft, Submitted, defaults, draft_of, fresh_form_key, refusal, to_new};
use i18n::Lang;
use store::StoreError;
use store::activities::{Activity, ActivityStatus, MinutesState, NewActivity, Revision};
use view::{Choice, ChooseKind, Frame, build_form, heading_new, kind_for_requirement, term_label};

/// The largest recording form accepted, files included.
pub const MAX_FORM_BYTES: usize = 64 * 1024 * 1024;

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
        let reason = Some(draft.correction_reason.as_str()).filter(|r| !r.trim().is_empty());
        let revision = Revision { id: &activity.id, expected_version: version, reason };
        let outcome = write::plain(&state.store, &viewer.actor(), async |w| {
            let updated = state.store.update_activity(w, &state.catalogue, revision, new, today).await?;
            attach_files(&state, w, &updated.after, &submitted.files).await?;
            Ok::<_, StoreError>(updated)
        })
        .await;
        match outcome {
            Ok(updated) => {
                state.evaluations.activity_deleted(&updated.before);
                state.evaluations.activity_recorded(&updated.after);
                Ok(Redirect::to(&format!("/activities/{}?saved=1", updated.after.id)).into_response())
            }
            Err(e) => {
                let conflict = matches!(e, StoreError::Conflict { .. });
                let error = refusal(e, ctx.lang)?;
                // After a conflict the form shows what was typed, against the current version.
                let current = if conflict { state.store.activity(&activity.id).await?.unwrap_or(activity) } else { activity };
                again(&state, &ctx, viewer, edit_frame(&state, ctx.lang, &current, &host), draft, vec![error]).await
            }
        }
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
        let outcome = write::plain(&state.store, &viewer.actor(), async |w| state.store.cancel_plan(w, &activity.id, version).await).await;
        match outcome {
            Ok(_) => Ok(Redirect::to(&format!("/activities/{}?saved=1", activity.id)).into_response()),
            Err(StoreError::Conflict { .. } | StoreError::Invalid(_)) => {
                Ok(Redirect::to(&format!("/activities/{}?conflict=1", activity.id)).into_response())
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    ctx.respond(result)
}
