//! Problem records (问题): `/api/v1/activities/{id}/problems` — the problems
//! raised at a democratic or organizational life meeting, recorded (all or
//! none) and listed — and `/api/v1/orgs/{id}/problems`, the problems an
//! organization (or its subtree) owns, whether raised at a meeting or found
//! by research. These records are what the rectification ledger takes over.
//!
//! Recording needs `record` on the meeting's host; reading needs `read`.

use super::codes;
use super::extract::{ApiQuery, Caller, PathId, Post};
use super::fields::{self, required};
use super::idempotency::Answer;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use domain::access::Action;
use domain::{Id, Message};
use serde::{Deserialize, Serialize};
use store::problems::{NewProblem, Problem};
use utoipa::{IntoParams, ToSchema};

/// A problem record: where it came from, whose it is, what it says.
#[derive(Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    /// The organization that owns it.
    #[schema(value_type = codes::RecordId)]
    pub org_id: Id,
    /// The life meeting where it was raised.
    #[schema(value_type = Option<codes::RecordId>)]
    pub source_activity_id: Option<Id>,
    /// The research project that found it.
    #[schema(value_type = Option<codes::RecordId>)]
    pub source_project_id: Option<Id>,
    /// Whose problem it is, when it is one person's.
    #[schema(value_type = Option<codes::RecordId>)]
    pub person_id: Option<Id>,
    pub description: String,
    pub raised_on: NaiveDate,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
}

impl From<Problem> for ProblemJson {
    fn from(p: Problem) -> Self {
        ProblemJson {
            id: p.id,
            org_id: p.org_id,
            source_activity_id: p.source_activity_id,
            source_project_id: p.source_project_id,
            person_id: p.person_id,
            description: p.description,
            raised_on: p.raised_on,
            version: p.version,
            created_at: p.created_at,
            created_by: p.created_by,
        }
    }
}

/// Problem records.
#[derive(Serialize, ToSchema)]
#[schema(as = ProblemList)]
pub struct ProblemList {
    pub items: Vec<ProblemJson>,
    /// Pass as `cursor` for the next page; `null` on the last page (and for a meeting's problems, which come in one list).
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<String>,
}

/// One problem raised.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewProblem)]
pub struct ProblemItem {
    /// Whose problem it is, when it is one person's: a participant of the meeting.
    #[schema(value_type = Option<codes::RecordId>)]
    person_id: Option<String>,
    /// 1 to 2,000 characters.
    #[schema(value_type = String, required = true)]
    description: Option<String>,
}

/// The problems raised at a meeting.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RaiseProblems)]
pub struct RaiseProblems {
    /// 1 to 200 problems, recorded all or none.
    #[schema(required = true)]
    problems: Option<Vec<ProblemItem>>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgProblemsQuery {
    /// `false`: only the organization's own problems; otherwise (default) also those of the organizations under it.
    #[param(value_type = Option<bool>)]
    subtree: Option<String>,
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

/// Records the problems raised at a held democratic or organizational life meeting.
#[utoipa::path(operation_id = "raise_problems", post, path = "/api/v1/activities/{id}/problems", tag = "problems", request_body = RaiseProblems,
    params(("id" = String, Path, description = "The activity id"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ProblemList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "not a held life meeting (`kind`, `status`), a person who was not a participant (`person_id`), a bad `description`", body = ErrorBody)))]
pub async fn raise(State(state): State<AppState>, PathId(id): PathId, post: Post<RaiseProblems>) -> Result<Response, ApiError> {
    let today = state.today.date();
    let items = required("problems", post.body.problems.as_ref().filter(|p| !p.is_empty()))?;
    let mut problems = Vec::with_capacity(items.len());
    for item in items {
        problems.push(NewProblem {
            person_id: item.person_id.as_deref().filter(|s| !s.trim().is_empty()).map(|s| fields::record_id("person_id", s)).transpose()?,
            description: item.description.clone().unwrap_or_default(),
        });
    }
    let activity = state.store.activity(&id).await?.ok_or_else(ApiError::not_found)?;
    post.caller.require(&state, Action::Record, &activity.host_org_id, today).await?;
    let written = post
        .write(&state.store, async |w| {
            let stored = state.store.raise_problems(w, &activity, problems, today).await?;
            let body = ProblemList { items: stored.into_iter().map(ProblemJson::from).collect(), next_cursor: None };
            Ok(((), Answer::new(StatusCode::CREATED, body)))
        })
        .await?;
    Ok(written.response())
}

/// The problems raised at a meeting, in the order they were recorded.
#[utoipa::path(operation_id = "list_activity_problems", get, path = "/api/v1/activities/{id}/problems", tag = "problems", params(("id" = String, Path, description = "The activity id")),
    responses((status = 200, body = ProblemList), (status = 404, body = ErrorBody)))]
pub async fn of_activity(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<ProblemList>, ApiError> {
    let activity = state.store.activity(&id).await?.ok_or_else(ApiError::not_found)?;
    caller.require(&state, Action::Read, &activity.host_org_id, state.today.date()).await?;
    let items = state.store.problems_of_activity(&activity).await?;
    Ok(Json(ProblemList { items: items.into_iter().map(ProblemJson::from).collect(), next_cursor: None }))
}

/// The problems an organization owns (by default with those of its subtree), ordered by id.
#[utoipa::path(operation_id = "list_org_problems", get, path = "/api/v1/orgs/{id}/problems", tag = "problems", params(("id" = String, Path, description = "The organization id"), OrgProblemsQuery),
    responses((status = 200, body = ProblemList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn of_org(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<OrgProblemsQuery>,
) -> Result<Json<ProblemList>, ApiError> {
    let subtree = match q.subtree.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => {
            return Err(ApiError::unprocessable(
                "subtree",
                "unknown_value",
                Message::new("problem-must-be-one-of").text("allowed", "true, false"),
            ));
        }
    };
    let cursor = fields::cursor(q.cursor.as_deref())?;
    let limit = fields::limit(q.limit.as_deref())?;
    let org = caller.require(&state, Action::Read, &id, state.today.date()).await?;
    let page = state.store.problems_of_org(&org, subtree, cursor.as_ref(), limit).await?;
    Ok(Json(ProblemList { items: page.items.into_iter().map(ProblemJson::from).collect(), next_cursor: page.next_cursor }))
}
