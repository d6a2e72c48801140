//! `/api/v1/research-projects`: research projects (调研课题) — start one,
//! list those of a subtree (each flagged `produced_nothing` until it has a
//! result), read and change one (with its `version`), and add a result,
//! which for kind `problem` also creates a problem record for the
//! rectification ledger. Visits and case analyses join a project by naming
//! it in `research_project_id` when they are recorded (`/api/v1/activities`).
//!
//! Writing needs `record` on the project's organization, reading `read`.
//! The checks (who may lead or join, lengths, dates) are the store's.

use super::codes;
use super::extract::{ApiQuery, Caller, PathId, Post};
use super::fields::{self, required};
use super::idempotency::Answer;
use super::problems::ProblemJson;
use super::scope;
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
use store::problems::NewProblem;
use store::research::{LinkedActivity, NewProject, Project, ProjectChanges, ResearchResult, ResultKind};
use utoipa::{IntoParams, ToSchema};

/// A research project with its team, results and the activities recorded for it.
#[derive(Serialize, ToSchema)]
#[schema(as = ResearchProject)]
pub struct ProjectJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    /// The organization whose project it is.
    #[schema(value_type = codes::RecordId)]
    pub org_id: Id,
    pub topic: String,
    #[schema(value_type = codes::RecordId)]
    pub lead_id: Id,
    /// The team besides the lead.
    #[schema(value_type = Vec<codes::RecordId>)]
    pub team: Vec<Id>,
    pub started_on: NaiveDate,
    pub findings: Option<String>,
    /// In the order they were added.
    pub results: Vec<ResultJson>,
    /// Grassroots visits, case analyses and other activities that name this project, by day.
    pub activities: Vec<LinkedActivityJson>,
    /// True while the project has no result.
    pub produced_nothing: bool,
    /// Send it back to change the project; a stale one gets 409.
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

/// A result of a research project and what it turned into.
#[derive(Serialize, ToSchema)]
#[schema(as = ResearchResult)]
pub struct ResultJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    #[schema(value_type = codes::RecordId)]
    pub project_id: Id,
    /// `measure`, `document` or `problem`.
    pub kind: String,
    pub description: String,
    /// The problem record it became (kind `problem`).
    #[schema(value_type = Option<codes::RecordId>)]
    pub problem_id: Option<Id>,
    /// Kind `problem`: the problem record created with it (answers to POST only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<ProblemJson>,
    pub created_at: String,
    pub created_by: String,
}

/// An activity recorded as part of a project.
#[derive(Serialize, ToSchema)]
#[schema(as = ResearchActivity)]
pub struct LinkedActivityJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    /// An activity kind of the catalogue (`grassroots_visit`, `case_analysis`, ...).
    pub kind: String,
    #[schema(value_type = codes::RecordId)]
    pub host_org_id: Id,
    pub title: Option<String>,
    pub held_on: NaiveDate,
    /// `planned`, `held` or `cancelled`.
    pub status: String,
    pub visit_kind: Option<String>,
    /// `positive` or `negative` (case analyses).
    pub polarity: Option<String>,
}

impl From<ResearchResult> for ResultJson {
    fn from(r: ResearchResult) -> Self {
        ResultJson {
            id: r.id,
            project_id: r.project_id,
            kind: r.kind.code().to_owned(),
            description: r.description,
            problem_id: r.problem_id,
            problem: None,
            created_at: r.created_at,
            created_by: r.created_by,
        }
    }
}

impl From<LinkedActivity> for LinkedActivityJson {
    fn from(a: LinkedActivity) -> Self {
        LinkedActivityJson {
            id: a.id,
            kind: a.kind,
            host_org_id: a.host_org_id,
            title: a.title,
            held_on: a.held_on,
            status: a.status.code().to_owned(),
            visit_kind: a.visit_kind,
            polarity: a.polarity,
        }
    }
}

impl From<Project> for ProjectJson {
    fn from(p: Project) -> Self {
        ProjectJson {
            id: p.id,
            org_id: p.org_id,
            topic: p.topic,
            lead_id: p.lead_id,
            team: p.team,
            started_on: p.started_on,
            findings: p.findings,
            results: p.results.into_iter().map(ResultJson::from).collect(),
            activities: p.activities.into_iter().map(LinkedActivityJson::from).collect(),
            produced_nothing: p.produced_nothing,
            version: p.version,
            created_at: p.created_at,
            created_by: p.created_by,
            updated_at: p.updated_at,
        }
    }
}

/// A page of research projects.
#[derive(Serialize, ToSchema)]
#[schema(as = ResearchProjectPage)]
pub struct ProjectPage {
    pub items: Vec<ProjectJson>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<String>,
}

/// Starting a research project.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewResearchProject)]
pub struct CreateProject {
    /// The organization whose project it is; the caller needs `record` on it.
    #[schema(value_type = codes::RecordId, required = true)]
    org_id: Option<String>,
    /// One line, 1 to 200 characters.
    #[schema(value_type = String, required = true)]
    topic: Option<String>,
    /// A member of the organization or of one under it, or a holder of a
    /// position there, on the day the project started or today.
    #[schema(value_type = codes::RecordId, required = true)]
    lead_id: Option<String>,
    /// The team besides the lead (the same rule; at most 100).
    #[schema(value_type = Option<Vec<codes::RecordId>>)]
    team: Option<Vec<String>>,
    /// Not in the future.
    #[schema(value_type = NaiveDate, required = true)]
    started_on: Option<String>,
    /// At most 20,000 characters.
    findings: Option<String>,
}

/// Changes to a research project; absent fields stay as they are.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PatchResearchProject)]
pub struct PatchProject {
    /// The version last read.
    #[schema(value_type = i64, required = true)]
    version: Option<i64>,
    topic: Option<String>,
    #[schema(value_type = Option<codes::RecordId>)]
    lead_id: Option<String>,
    /// The whole new team.
    #[schema(value_type = Option<Vec<codes::RecordId>>)]
    team: Option<Vec<String>>,
    #[schema(value_type = Option<NaiveDate>)]
    started_on: Option<String>,
    /// `null` clears the findings.
    #[serde(default, deserialize_with = "fields::nullable")]
    #[schema(value_type = Option<String>)]
    findings: Option<Option<String>>,
}

/// The problem record a result of kind `problem` becomes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewResultProblem)]
pub struct ResultProblem {
    /// Whose problem it is, when it is one person's (a person who may take part in the project).
    #[schema(value_type = Option<codes::RecordId>)]
    person_id: Option<String>,
    /// The problem in other words than the result's description (at most 2,000 characters).
    description: Option<String>,
}

/// Adding a result.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewResearchResult)]
pub struct CreateResult {
    /// `measure`, `document` or `problem` (which also creates a problem record).
    #[schema(value_type = String, required = true)]
    kind: Option<String>,
    /// 1 to 2,000 characters.
    #[schema(value_type = String, required = true)]
    description: Option<String>,
    /// Only for kind `problem`.
    problem: Option<ResultProblem>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Projects of this organization or of any under it (404 if outside the
    /// caller's grants). Without it, every subtree the caller may read.
    org: Option<String>,
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

/// Lists research projects of a subtree, ordered by id (the order of entry).
#[utoipa::path(operation_id = "list_research_projects", get, path = "/api/v1/research-projects", tag = "research", params(ListQuery),
    responses((status = 200, body = ProjectPage), (status = 404, description = "`org` does not exist or lies outside the caller's grants", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Json<ProjectPage>, ApiError> {
    let org = fields::under(q.org.as_deref())?;
    let cursor = fields::cursor(q.cursor.as_deref())?;
    let limit = fields::limit(q.limit.as_deref())?;
    let today = state.today.date();
    let roots = scope::subtrees(&state, &caller, org, today).await?;
    let (store, cursor) = (&state.store, cursor.as_ref());
    let page = scope::merged_page(
        &roots,
        limit,
        |p: &Project| &p.id,
        |root| async move {
            let org = store.org_required(&root, today).await?;
            store.list_projects(&org, true, cursor, limit).await
        },
    )
    .await?;
    Ok(Json(ProjectPage { items: page.items.into_iter().map(ProjectJson::from).collect(), next_cursor: page.next_cursor }))
}

/// Starts a research project of an organization.
#[utoipa::path(operation_id = "create_research_project", post, path = "/api/v1/research-projects", tag = "research", request_body = CreateProject,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe: the same key and body return the first response.")),
    responses((status = 201, body = ProjectJson, headers(("Location" = String))), (status = 400, body = ErrorBody), (status = 422, description = "a field is unusable; `field` names it", body = ErrorBody)))]
pub async fn create(State(state): State<AppState>, post: Post<CreateProject>) -> Result<Response, ApiError> {
    let today = state.today.date();
    let body = &post.body;
    let org_id = fields::record_id("org_id", required("org_id", body.org_id.as_deref())?)?;
    let topic = required("topic", body.topic.clone())?;
    let lead_id = fields::record_id("lead_id", required("lead_id", body.lead_id.as_deref())?)?;
    let team = team(body.team.as_deref())?.unwrap_or_default();
    let started_on = fields::date("started_on", required("started_on", body.started_on.as_deref())?)?;
    post.caller.require(&state, Action::Record, &org_id, today).await.map_err(ApiError::body_reference("org_id"))?;
    let new = NewProject { org_id, topic, lead_id, team, started_on, findings: body.findings.clone() };
    let written = post
        .write(&state.store, async |w| {
            let project = state.store.create_project(w, new, today).await?;
            let location = format!("{}/{}", post.path, project.id);
            Ok(((), Answer::created(ProjectJson::from(project), location)))
        })
        .await?;
    Ok(written.response())
}

/// Reads one research project.
#[utoipa::path(operation_id = "get_research_project", get, path = "/api/v1/research-projects/{id}", tag = "research", params(("id" = String, Path, description = "The record id")),
    responses((status = 200, body = ProjectJson), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<ProjectJson>, ApiError> {
    let project = state.store.project(&id).await?.ok_or_else(ApiError::not_found)?;
    caller.require(&state, Action::Read, &project.org_id, state.today.date()).await?;
    Ok(Json(project.into()))
}

/// Changes a research project: topic, lead, team, start date or findings.
#[utoipa::path(operation_id = "patch_research_project", patch, path = "/api/v1/research-projects/{id}", tag = "research", params(("id" = String, Path, description = "The record id")), request_body = PatchProject,
    responses((status = 200, body = ProjectJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "stale `version`: someone changed it since; read it again", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch(State(state): State<AppState>, PathId(id): PathId, post: Post<PatchProject>) -> Result<Response, ApiError> {
    let body = post.body.clone();
    let today = state.today.date();
    let version = required("version", body.version)?;
    let changes = ProjectChanges {
        topic: body.topic,
        lead_id: body.lead_id.as_deref().map(|l| fields::record_id("lead_id", l)).transpose()?,
        team: team(body.team.as_deref())?,
        started_on: body.started_on.as_deref().map(|d| fields::date("started_on", d)).transpose()?,
        findings: body.findings,
    };
    let current = state.store.project(&id).await?.ok_or_else(ApiError::not_found)?;
    post.caller.require(&state, Action::Record, &current.org_id, today).await?;
    let written = post
        .write(&state.store, async |w| {
            state.store.update_project(w, &id, version, changes, today).await?;
            let project = state.store.project_in(w, &id).await?.ok_or_else(ApiError::not_found)?;
            Ok(((), Answer::ok(ProjectJson::from(project))))
        })
        .await?;
    Ok(written.response())
}

/// Adds a result to a research project; one of kind `problem` also creates
/// the problem record that the rectification ledger takes over.
#[utoipa::path(operation_id = "create_research_result", post, path = "/api/v1/research-projects/{id}/results", tag = "research", request_body = CreateResult,
    params(("id" = String, Path, description = "The project id"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ResultJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, description = "a field is unusable; `field` names it", body = ErrorBody)))]
pub async fn add_result(State(state): State<AppState>, PathId(id): PathId, post: Post<CreateResult>) -> Result<Response, ApiError> {
    let today = state.today.date();
    let body = &post.body;
    let kind = required("kind", body.kind.as_deref())?;
    let kind = ResultKind::parse(kind).ok_or_else(|| {
        ApiError::unprocessable(
            "kind",
            "unknown_value",
            Message::new("problem-must-be-one-of").text("allowed", "measure, document, problem"),
        )
    })?;
    let description = required("description", body.description.as_deref())?;
    let problem = match &body.problem {
        None => None,
        Some(p) => Some(NewProblem {
            person_id: p.person_id.as_deref().map(|s| fields::record_id("person_id", s)).transpose()?,
            description: p.description.clone().unwrap_or_default(),
        }),
    };
    if problem.is_some() && kind != ResultKind::Problem {
        return Err(ApiError::unprocessable("problem", "not_allowed", Message::new("problem-only-problem-results")));
    }
    let project = state.store.project(&id).await?.ok_or_else(ApiError::not_found)?;
    post.caller.require(&state, Action::Record, &project.org_id, today).await?;
    let written = post
        .write(&state.store, async |w| {
            let (result, problem) = state.store.add_result(w, &id, kind, description, problem, today).await?;
            let mut json = ResultJson::from(result);
            json.problem = problem.map(ProblemJson::from);
            Ok(((), Answer::new(StatusCode::CREATED, json)))
        })
        .await?;
    Ok(written.response())
}

fn team(raw: Option<&[String]>) -> Result<Option<Vec<Id>>, ApiError> {
    raw.map(|list| list.iter().map(|p| fields::record_id("team", p)).collect::<Result<Vec<Id>, ApiError>>()).transpose()
}
