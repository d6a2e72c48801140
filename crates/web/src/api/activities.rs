//! `/api/v1/activities`: meetings, classes, visits and the other activities
//! organizations hold — record one, list those of a subtree, read one,
//! delete one. The checks (kinds from the catalogue, the host open on the
//! day, participants from the host's tree) are the store's; handlers parse
//! the body and check permissions: recording and deleting need `record` on
//! the host, reading needs `read`.

use super::codes;
use super::extract::{ApiQuery, Caller, Change, PathId, Post};
use super::fields::{self, required};
use super::idempotency::Answer;
use super::scope;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDate, NaiveTime};
use domain::access::Action;
use domain::{Id, Message};
use serde::{Deserialize, Serialize};
use store::activities::{Activity, ActivityFilter, ActivityStatus, MinutesState, NewAbsentee, NewActivity, NewAgendaItem, Revision};
use utoipa::{IntoParams, ToSchema};

/// A recorded activity.
#[derive(Serialize, ToSchema)]
#[schema(as = Activity)]
pub struct ActivityJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    /// An activity kind of the catalogue (`members_assembly`, `party_class`, ...).
    pub kind: String,
    #[schema(value_type = codes::RecordId)]
    pub host_org_id: Id,
    pub title: Option<String>,
    pub held_on: NaiveDate,
    /// `HH:MM`
    pub starts_at: Option<String>,
    pub duration_minutes: i64,
    #[schema(value_type = Option<codes::RecordId>)]
    pub presenter_id: Option<Id>,
    /// In order.
    pub agenda: Vec<AgendaItemJson>,
    /// Everyone expected, each marked present or absent (with the reason).
    pub participants: Vec<ParticipantJson>,
    pub visit_kind: Option<String>,
    /// `positive` or `negative` (case analyses).
    pub polarity: Option<String>,
    #[schema(value_type = Option<codes::RecordId>)]
    pub research_project_id: Option<Id>,
    /// `planned`, `held` or `cancelled`. Only held activities count for requirements.
    pub status: String,
    /// The day it was first planned for, when it was planned before being held.
    pub planned_on: Option<NaiveDate>,
    pub minutes: Option<String>,
    /// `draft` or `final` (`null` without minutes).
    pub minutes_state: Option<String>,
    /// Send it back to update or delete; a stale one gets 409.
    pub version: i64,
    /// When it was entered, RFC 3339 (+08:00).
    pub created_at: String,
    /// The account that entered it.
    pub created_by: String,
    pub updated_at: String,
}

/// An agenda item.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AgendaItem)]
pub struct AgendaItemJson {
    /// An agenda-item kind of the catalogue (`theory_study`, `business`, ...).
    #[schema(value_type = String, required = true)]
    pub kind: Option<String>,
    pub title: Option<String>,
}

/// Someone expected at an activity.
#[derive(Serialize, ToSchema)]
#[schema(as = Participant)]
pub struct ParticipantJson {
    #[schema(value_type = codes::RecordId)]
    pub person_id: Id,
    pub present: bool,
    /// Why they were absent. Reasons may be personal (illness), so they are
    /// given only to those who may record or supervise at the host, and
    /// never in lists.
    pub absence_reason: Option<String>,
}

impl ActivityJson {
    /// The same record without the reasons for absence.
    fn without_absence_reasons(mut self) -> Self {
        for p in &mut self.participants {
            p.absence_reason = None;
        }
        self
    }
}

impl From<Activity> for ActivityJson {
    fn from(a: Activity) -> Self {
        ActivityJson {
            id: a.id,
            kind: a.kind,
            host_org_id: a.host_org_id,
            title: a.title,
            held_on: a.held_on,
            starts_at: a.starts_at,
            duration_minutes: a.duration_minutes,
            presenter_id: a.presenter_id,
            agenda: a.agenda.into_iter().map(|i| AgendaItemJson { kind: Some(i.kind), title: i.title }).collect(),
            participants: a
                .participants
                .into_iter()
                .map(|p| ParticipantJson { person_id: p.person_id, present: p.present, absence_reason: p.absence_reason })
                .collect(),
            visit_kind: a.visit_kind,
            polarity: a.polarity,
            research_project_id: a.research_project_id,
            status: a.status.code().to_owned(),
            planned_on: a.planned_on,
            minutes: a.minutes,
            minutes_state: a.minutes_state.map(|m| m.code().to_owned()),
            version: a.version,
            created_at: a.created_at,
            created_by: a.created_by,
            updated_at: a.updated_at,
        }
    }
}

/// A page of activities.
#[derive(Serialize, ToSchema)]
#[schema(as = ActivityPage)]
pub struct ActivityPage {
    pub items: Vec<ActivityJson>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<String>,
}

/// An absent participant and why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Absentee)]
pub struct AbsenteeJson {
    #[schema(value_type = codes::RecordId, required = true)]
    person_id: Option<String>,
    /// At most 200 characters.
    #[schema(value_type = String, required = true)]
    reason: Option<String>,
}

/// Recording an activity.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewActivity)]
pub struct CreateActivity {
    /// An activity kind of the catalogue.
    #[schema(value_type = String, required = true)]
    kind: Option<String>,
    /// The organization that held it; the caller needs `record` on it.
    #[schema(value_type = codes::RecordId, required = true)]
    host_org_id: Option<String>,
    /// At most 200 characters.
    title: Option<String>,
    /// The day it was held: not in the future, while the host was open.
    #[schema(value_type = NaiveDate, required = true)]
    held_on: Option<String>,
    /// `HH:MM`
    starts_at: Option<String>,
    /// 1 to 1440.
    #[schema(value_type = i64, required = true)]
    duration_minutes: Option<i64>,
    /// A member recorded in the host's province.
    #[schema(value_type = Option<codes::RecordId>)]
    presenter_id: Option<String>,
    /// In order; each kind from the catalogue.
    agenda: Option<Vec<AgendaItemJson>>,
    /// Everyone expected: members of the host (or of organizations under it)
    /// or holders of a position in it on the day. Without it, the host's
    /// members and position holders on the day.
    #[schema(value_type = Option<Vec<codes::RecordId>>)]
    participants: Option<Vec<String>>,
    /// Participants who were absent, each with a reason.
    absentees: Option<Vec<AbsenteeJson>>,
    /// Required for `grassroots_visit`, not allowed otherwise: a visit kind of the catalogue.
    visit_kind: Option<String>,
    /// Required for `case_analysis`, not allowed otherwise: `positive` or `negative`.
    polarity: Option<String>,
    #[schema(value_type = Option<codes::RecordId>)]
    research_project_id: Option<String>,
    /// `held` (default) or `planned`: a plan may lie on any day and lists
    /// no absentees; it is held later by a PUT with `status: held`.
    status: Option<String>,
    /// Minutes, typed or pasted (at most 50,000 characters).
    minutes: Option<String>,
    /// `draft` (default) or `final`. Final minutes are corrected only with a `correction_reason`.
    minutes_state: Option<String>,
    /// PUT only: why a record whose minutes are final is corrected (required then).
    correction_reason: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Activities hosted by this organization or any under it (404 if
    /// outside the caller's grants). Without it, every subtree the caller may read.
    org: Option<String>,
    /// Held on or after this day, `YYYY-MM-DD`.
    #[param(value_type = Option<NaiveDate>)]
    from: Option<String>,
    /// Held on or before this day, `YYYY-MM-DD`.
    #[param(value_type = Option<NaiveDate>)]
    to: Option<String>,
    /// Only this activity kind.
    kind: Option<String>,
    /// Only activities in this state: `planned`, `held` or `cancelled`.
    status: Option<String>,
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The version last read.
    #[param(value_type = i64, required = true)]
    version: Option<String>,
}

/// Lists activities hosted in a subtree, ordered by id (the order of
/// entry), with their agenda and participants.
#[utoipa::path(operation_id = "list_activities", get, path = "/api/v1/activities", tag = "activities", params(ListQuery),
    responses((status = 200, body = ActivityPage), (status = 404, description = "`org` does not exist or lies outside the caller's grants", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Json<ActivityPage>, ApiError> {
    let org = fields::under(q.org.as_deref())?;
    let cursor = fields::cursor(q.cursor.as_deref())?;
    let limit = fields::limit(q.limit.as_deref())?;
    let from = q.from.as_deref().filter(|s| !s.is_empty()).map(|s| fields::date("from", s)).transpose()?;
    let to = q.to.as_deref().filter(|s| !s.is_empty()).map(|s| fields::date("to", s)).transpose()?;
    let kind = q.kind.filter(|s| !s.is_empty());
    if let Some(k) = &kind
        && state.catalogue.kind(k).is_none()
    {
        return Err(ApiError::unprocessable("kind", "unknown_value", Message::new("problem-not-a-catalogue-kind")));
    }
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(ActivityStatus::parse(code).ok_or_else(|| {
            ApiError::unprocessable(
                "status",
                "unknown_value",
                Message::new("problem-must-be-one-of").text("allowed", "planned, held, cancelled"),
            )
        })?),
    };
    let today = state.today.date();
    let roots = scope::subtrees(&state, &caller, org, today).await?;
    let (store, cursor) = (&state.store, cursor.as_ref());
    let page = scope::merged_page(
        &roots,
        limit,
        |a: &Activity| &a.id,
        |root| {
            let filter = ActivityFilter { org: root, subtree: true, from, to, kind: kind.clone(), status };
            async move { store.list_activities(&filter, cursor, limit, today).await }
        },
    )
    .await?;
    let items = page.items.into_iter().map(|a| ActivityJson::from(a).without_absence_reasons()).collect();
    Ok(Json(ActivityPage { items, next_cursor: page.next_cursor }))
}

/// Records an activity held by an organization.
#[utoipa::path(operation_id = "create_activity", post, path = "/api/v1/activities", tag = "activities", request_body = CreateActivity,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe: the same key and body return the first response.")),
    responses((status = 201, body = ActivityJson, headers(("Location" = String))), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, description = "a field is unusable; `field` names it", body = ErrorBody)))]
pub async fn create(State(state): State<AppState>, post: Post<CreateActivity>) -> Result<Response, ApiError> {
    let today = state.today.date();
    if post.body.correction_reason.is_some() {
        return Err(ApiError::unprocessable("correction_reason", "not_allowed", Message::new("problem-only-for-corrections")));
    }
    let new = new_activity(&post.body)?;
    post.caller.require(&state, Action::Record, &new.host_org_id, today).await.map_err(ApiError::body_reference("host_org_id"))?;
    // Checked before the write opens: writers then wait only for inserts.
    let checked = state.store.check_new_activity(&state.catalogue, new, today).await?;
    let written = post
        .write(&state.store, async |w| {
            let activity = state.store.record_checked(w, checked).await?;
            let location = format!("{}/{}", post.path, activity.id);
            Ok((activity.clone(), Answer::created(ActivityJson::from(activity), location)))
        })
        .await?;
    Ok(written.then(|activity| state.evaluations.activity_recorded(&activity)))
}

/// Reads one activity.
#[utoipa::path(operation_id = "get_activity", get, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = String, Path, description = "The record id")),
    responses((status = 200, body = ActivityJson), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<ActivityJson>, ApiError> {
    let activity = state.store.activity(&id).await?.ok_or_else(ApiError::not_found)?;
    let today = state.today.date();
    let host = caller.require(&state, Action::Read, &activity.host_org_id, today).await?;
    let json = ActivityJson::from(activity);
    let may_see_reasons = caller.may(Action::Record, &host.path, today) || caller.may(Action::Supervise, &host.path, today);
    Ok(Json(if may_see_reasons { json } else { json.without_absence_reasons() }))
}

/// Deletes an activity (it stays in the record history).
#[utoipa::path(operation_id = "delete_activity", delete, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = String, Path, description = "The record id"), VersionQuery),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody), (status = 409, description = "stale `version`", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<VersionQuery>,
    change: Change,
) -> Result<Response, ApiError> {
    let version = version(q.version.as_deref())?;
    let activity = state.store.activity(&id).await?.ok_or_else(ApiError::not_found)?;
    change.caller.require(&state, Action::Record, &activity.host_org_id, state.today.date()).await?;
    let written = change
        .write(&state.store, async |w| {
            let deleted = state.store.delete_activity(w, &id, version).await?;
            Ok((deleted, Answer::no_content()))
        })
        .await?;
    Ok(written.then(|deleted| state.evaluations.activity_deleted(&deleted)))
}

/// Replaces an activity's record: holds a plan (`status: held` with the
/// actual day and attendance), changes a record, or corrects one whose
/// minutes are final (with `correction_reason`). The caller needs `record`
/// on the host before and after.
#[utoipa::path(operation_id = "update_activity", put, path = "/api/v1/activities/{id}", tag = "activities", request_body = CreateActivity,
    params(("id" = String, Path, description = "The record id"), VersionQuery),
    responses((status = 200, body = ActivityJson), (status = 404, body = ErrorBody), (status = 409, description = "stale `version`: someone changed it since; read it again", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<VersionQuery>,
    post: Post<CreateActivity>,
) -> Result<Response, ApiError> {
    let version = version(q.version.as_deref())?;
    let today = state.today.date();
    let mut new = new_activity(&post.body)?;
    let current = state.store.activity(&id).await?.ok_or_else(ApiError::not_found)?;
    // Without `status`, an update keeps the record's (a plan stays a plan).
    if post.body.status.as_deref().is_none_or(|s| s.trim().is_empty()) {
        new.status = current.status;
    }
    post.caller.require(&state, Action::Record, &current.host_org_id, today).await?;
    post.caller.require(&state, Action::Record, &new.host_org_id, today).await.map_err(ApiError::body_reference("host_org_id"))?;
    let revision = Revision { id: &id, expected_version: version, reason: post.body.correction_reason.as_deref() };
    let written = post
        .write(&state.store, async |w| {
            let updated = state.store.update_activity(w, &state.catalogue, revision, new, today).await?;
            let after = ActivityJson::from(updated.after.clone());
            Ok((updated, Answer::ok(after)))
        })
        .await?;
    Ok(written.then(|updated| {
        state.evaluations.activity_deleted(&updated.before);
        state.evaluations.activity_recorded(&updated.after);
    }))
}

/// Cancels a planned activity (it stays in the record history).
#[utoipa::path(operation_id = "cancel_activity", post, path = "/api/v1/activities/{id}/cancel", tag = "activities", params(("id" = String, Path, description = "The record id"), VersionQuery),
    responses((status = 200, body = ActivityJson), (status = 404, body = ErrorBody), (status = 409, description = "stale `version`", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<VersionQuery>,
    change: Change,
) -> Result<Response, ApiError> {
    let version = version(q.version.as_deref())?;
    let current = state.store.activity(&id).await?.ok_or_else(ApiError::not_found)?;
    change.caller.require(&state, Action::Record, &current.host_org_id, state.today.date()).await?;
    let written = change
        .write(&state.store, async |w| {
            let updated = state.store.cancel_plan(w, &id, version).await?;
            Ok(((), Answer::ok(ActivityJson::from(updated.after))))
        })
        .await?;
    Ok(written.response())
}

fn version(raw: Option<&str>) -> Result<i64, ApiError> {
    let raw = required("version", raw.filter(|s| !s.is_empty()))?;
    raw.parse().map_err(|_| ApiError::unprocessable("version", "not_a_number", Message::new("problem-not-a-whole-number")))
}

/// Reads the body into an activity to record; codes and texts are checked by the store.
fn new_activity(body: &CreateActivity) -> Result<NewActivity, ApiError> {
    let kind = required("kind", body.kind.as_deref())?.trim().to_owned();
    let host_org_id = fields::record_id("host_org_id", required("host_org_id", body.host_org_id.as_deref())?)?;
    let held_on = fields::date("held_on", required("held_on", body.held_on.as_deref())?)?;
    let starts_at = body.starts_at.as_deref().filter(|s| !s.trim().is_empty()).map(time).transpose()?;
    let duration_minutes = required("duration_minutes", body.duration_minutes)?;
    let presenter_id = body.presenter_id.as_deref().map(|p| fields::record_id("presenter_id", p)).transpose()?;
    let mut agenda = Vec::new();
    for item in body.agenda.iter().flatten() {
        agenda.push(NewAgendaItem { kind: required("agenda", item.kind.as_deref())?.trim().to_owned(), title: item.title.clone() });
    }
    let participants = body
        .participants
        .as_ref()
        .map(|list| list.iter().map(|p| fields::record_id("participants", p)).collect::<Result<Vec<Id>, ApiError>>())
        .transpose()?;
    let mut absentees = Vec::new();
    for a in body.absentees.iter().flatten() {
        let person_id = fields::record_id("absentees", required("absentees", a.person_id.as_deref())?)?;
        absentees.push(NewAbsentee { person_id, reason: a.reason.clone().unwrap_or_default() });
    }
    let research_project_id = body.research_project_id.as_deref().map(|p| fields::record_id("research_project_id", p)).transpose()?;
    let status = match body.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => ActivityStatus::Held,
        Some(code) => ActivityStatus::parse(code).ok_or_else(|| {
            ApiError::unprocessable("status", "unknown_value", Message::new("problem-must-be-one-of").text("allowed", "planned, held"))
        })?,
    };
    let minutes_state = match body.minutes_state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(MinutesState::parse(code).ok_or_else(|| {
            ApiError::unprocessable(
                "minutes_state",
                "unknown_value",
                Message::new("problem-must-be-one-of").text("allowed", "draft, final"),
            )
        })?),
    };
    Ok(NewActivity {
        id: None,
        kind,
        host_org_id,
        title: body.title.clone(),
        held_on,
        starts_at,
        duration_minutes,
        presenter_id,
        agenda,
        participants,
        absentees,
        visit_kind: body.visit_kind.clone(),
        polarity: body.polarity.clone(),
        research_project_id,
        status,
        minutes: body.minutes.clone(),
        minutes_state,
    })
}

fn time(raw: &str) -> Result<NaiveTime, ApiError> {
    let raw = raw.trim();
    let well_formed = raw.len() == 5 && raw.as_bytes().get(2) == Some(&b':');
    well_formed
        .then(|| NaiveTime::parse_from_str(raw, "%H:%M").ok())
        .flatten()
        .ok_or_else(|| ApiError::unprocessable("starts_at", "not_a_time", Message::new("problem-not-a-time")))
}
