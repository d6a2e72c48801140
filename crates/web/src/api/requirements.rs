//! Local requirement settings and exemptions:
//! `/api/v1/orgs/{id}/requirement-settings`, `/api/v1/requirement-settings/{id}/end`,
//! `/api/v1/orgs/{id}/exemptions`, `/api/v1/exemptions` and
//! `/api/v1/exemptions/{id}/revoke`.
//!
//! Changing them needs `supervise` on the organization concerned (for a
//! person, their organization); reading them needs `read`, so that a branch
//! sees what is asked of it and why.

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
use store::StoreError;
use store::requirements::{Exemption, ListedSetting, NewExemption, NewFrequency, NewLocalRequirement, RequirementSetting};
use utoipa::{IntoParams, ToSchema};

/// A local setting: a frequency (`period`, `count`) for a catalogue
/// requirement, or a requirement of the organization's own (`definition`).
#[derive(Serialize, ToSchema)]
#[schema(as = RequirementSetting)]
pub struct SettingJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    /// The organization whose subtree it applies to.
    #[schema(value_type = codes::RecordId)]
    pub org_id: Id,
    pub requirement_id: String,
    pub valid_from: NaiveDate,
    /// `month`, `quarter`, `half` or `year` (frequencies).
    pub period: Option<String>,
    pub count: Option<i64>,
    /// The TOML of a local requirement.
    pub definition: Option<String>,
    pub reason: String,
    /// The first day it no longer applies.
    pub ended_on: Option<NaiveDate>,
    /// Set on an organization above the one asked about (lists only).
    pub inherited: bool,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
}

impl SettingJson {
    fn new(s: RequirementSetting, inherited: bool) -> Self {
        SettingJson {
            id: s.id,
            org_id: s.org_id,
            requirement_id: s.requirement_id,
            valid_from: s.valid_from,
            period: s.period,
            count: s.count,
            definition: s.definition,
            reason: s.reason,
            ended_on: s.ended_on,
            inherited,
            version: s.version,
            created_at: s.created_at,
            created_by: s.created_by,
        }
    }
}

impl From<ListedSetting> for SettingJson {
    fn from(l: ListedSetting) -> Self {
        SettingJson::new(l.setting, l.inherited)
    }
}

/// An exemption of an organization or a person from a requirement.
#[derive(Serialize, ToSchema)]
#[schema(as = Exemption)]
pub struct ExemptionJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    pub requirement_id: String,
    /// `organization` or `person`.
    pub subject_kind: String,
    #[schema(value_type = codes::RecordId)]
    pub subject_id: Id,
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub reason: String,
    /// The account that approved it.
    pub approved_by: String,
    pub revoked_at: Option<String>,
    pub version: i64,
    pub created_at: String,
}

impl From<Exemption> for ExemptionJson {
    fn from(e: Exemption) -> Self {
        ExemptionJson {
            id: e.id,
            requirement_id: e.requirement_id,
            subject_kind: e.subject_kind,
            subject_id: e.subject_id,
            from: e.from,
            to: e.to,
            reason: e.reason,
            approved_by: e.approved_by,
            revoked_at: e.revoked_at,
            version: e.version,
            created_at: e.created_at,
        }
    }
}

/// Settings that apply to an organization.
#[derive(Serialize, ToSchema)]
#[schema(as = RequirementSettingList)]
pub struct SettingList {
    pub items: Vec<SettingJson>,
}

/// Exemptions in a subtree.
#[derive(Serialize, ToSchema)]
#[schema(as = ExemptionList)]
pub struct ExemptionList {
    pub items: Vec<ExemptionJson>,
}

/// A new setting: either `requirement_id` with `period` and `count`, or a `definition`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewRequirementSetting)]
pub struct CreateSetting {
    /// A catalogue requirement whose frequency is set locally.
    requirement_id: Option<String>,
    /// `month`, `quarter`, `half` or `year`.
    period: Option<String>,
    /// 1 to 366 per period.
    count: Option<i64>,
    /// One `[[requirement]]` table in the catalogue's TOML form.
    definition: Option<String>,
    /// It applies to periods beginning on or after this day.
    #[schema(value_type = NaiveDate, required = true)]
    valid_from: Option<String>,
    /// Why; at most 500 characters.
    #[schema(value_type = String, required = true)]
    reason: Option<String>,
}

/// Ending a setting.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EndSetting)]
pub struct EndSetting {
    /// The first day it no longer applies (default today).
    #[schema(value_type = Option<NaiveDate>)]
    on: Option<String>,
    #[schema(value_type = i64, required = true)]
    version: Option<i64>,
}

/// A new exemption.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewExemption)]
pub struct CreateExemption {
    /// A requirement of the catalogue, or a local one of the subject's province.
    #[schema(value_type = String, required = true)]
    requirement_id: Option<String>,
    /// `organization` or `person`.
    #[schema(value_type = String, required = true)]
    subject_kind: Option<String>,
    #[schema(value_type = codes::RecordId, required = true)]
    subject_id: Option<String>,
    #[schema(value_type = NaiveDate, required = true)]
    from: Option<String>,
    /// The last day, inclusive; not before `from`.
    #[schema(value_type = NaiveDate, required = true)]
    to: Option<String>,
    /// Why; at most 500 characters.
    #[schema(value_type = String, required = true)]
    reason: Option<String>,
}

/// Revoking an exemption.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RevokeExemption)]
pub struct RevokeExemption {
    #[schema(value_type = i64, required = true)]
    version: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// The day asked about, `YYYY-MM-DD` (default today).
    #[param(value_type = Option<NaiveDate>)]
    on: Option<String>,
}

/// The settings that apply to an organization on a day: its own and those of
/// the organizations above it (`inherited`), from the top down.
#[utoipa::path(operation_id = "list_requirement_settings", get, path = "/api/v1/orgs/{id}/requirement-settings", tag = "requirements",
    params(("id" = String, Path, description = "The organization id"), OnQuery),
    responses((status = 200, body = SettingList), (status = 404, body = ErrorBody)))]
pub async fn list_settings(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> Result<Json<SettingList>, ApiError> {
    let on = fields::on_day(q.on.as_deref(), state.today.date())?;
    caller.require(&state, Action::Read, &id, on).await?;
    let items = state.store.list_settings(&id, on).await?;
    Ok(Json(SettingList { items: items.into_iter().map(SettingJson::from).collect() }))
}

/// Sets a frequency the documents leave to local decision, or adds a
/// requirement of the organization's own, for its subtree.
#[utoipa::path(operation_id = "create_requirement_setting", post, path = "/api/v1/orgs/{id}/requirement-settings", tag = "requirements",
    params(("id" = String, Path, description = "The organization id"), ("Idempotency-Key" = Option<String>, Header)), request_body = CreateSetting,
    responses((status = 201, body = SettingJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_setting(State(state): State<AppState>, PathId(id): PathId, post: Post<CreateSetting>) -> Result<Response, ApiError> {
    let body = &post.body;
    let valid_from = fields::date("valid_from", required("valid_from", body.valid_from.as_deref())?)?;
    let reason = required("reason", body.reason.clone())?;
    let frequency_given = body.requirement_id.is_some() || body.period.is_some() || body.count.is_some();
    let definition = match (&body.definition, frequency_given) {
        (Some(_), true) => {
            return Err(ApiError::unprocessable("definition", "invalid", Message::new("problem-definition-or-frequency")));
        }
        (definition, _) => definition.clone(),
    };
    post.caller.require(&state, Action::Supervise, &id, state.today.date()).await?;
    let frequency = match &definition {
        Some(_) => None,
        None => Some((
            required("requirement_id", body.requirement_id.clone())?,
            required("period", body.period.clone())?,
            required("count", body.count)?,
        )),
    };
    let catalogue = &state.catalogue;
    let written = post
        .write(&state.store, async |w| {
            let setting = match (definition, frequency) {
                (Some(definition), _) => {
                    state
                        .store
                        .add_local_requirement(w, catalogue, NewLocalRequirement { org_id: id, definition, valid_from, reason })
                        .await
                }
                (None, Some((requirement_id, period, count))) => {
                    let new = NewFrequency { org_id: id, requirement_id, period, count, valid_from, reason };
                    state.store.set_frequency(w, catalogue, new).await
                }
                (None, None) => return Err(ApiError::internal()),
            }
            .map_err(valid_from_named)?;
            Ok(((), Answer::new(StatusCode::CREATED, SettingJson::new(setting, false))))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// Ends a setting from a day on.
#[utoipa::path(operation_id = "end_requirement_setting", post, path = "/api/v1/requirement-settings/{id}/end", tag = "requirements",
    params(("id" = String, Path, description = "The setting id"), ("Idempotency-Key" = Option<String>, Header)), request_body = EndSetting,
    responses((status = 200, body = SettingJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end_setting(State(state): State<AppState>, PathId(id): PathId, post: Post<EndSetting>) -> Result<Response, ApiError> {
    let today = state.today.date();
    let on = fields::on_day(post.body.on.as_deref(), today)?;
    let version = required("version", post.body.version)?;
    let setting = state.store.requirement_setting(&id).await?.ok_or_else(ApiError::not_found)?;
    post.caller.require(&state, Action::Supervise, &setting.org_id, today).await?;
    let written = post
        .write(&state.store, async |w| {
            let setting = state.store.end_setting(w, &id, on, version).await?;
            Ok(((), Answer::ok(SettingJson::new(setting, false))))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// The exemptions in force (not revoked) of the organizations in a subtree
/// and of their members.
#[utoipa::path(operation_id = "list_exemptions", get, path = "/api/v1/orgs/{id}/exemptions", tag = "requirements",
    params(("id" = String, Path, description = "The organization id"), OnQuery),
    responses((status = 200, body = ExemptionList), (status = 404, body = ErrorBody)))]
pub async fn list_exemptions(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> Result<Json<ExemptionList>, ApiError> {
    let on = fields::on_day(q.on.as_deref(), state.today.date())?;
    caller.require(&state, Action::Read, &id, on).await?;
    let items = state.store.list_exemptions(&id, on).await?;
    Ok(Json(ExemptionList { items: items.into_iter().map(ExemptionJson::from).collect() }))
}

/// Exempts an organization or a person from a requirement for a span of
/// days; the caller is recorded as the approver.
#[utoipa::path(operation_id = "create_exemption", post, path = "/api/v1/exemptions", tag = "requirements",
    params(("Idempotency-Key" = Option<String>, Header)), request_body = CreateExemption,
    responses((status = 201, body = ExemptionJson), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_exemption(State(state): State<AppState>, post: Post<CreateExemption>) -> Result<Response, ApiError> {
    let body = &post.body;
    let today = state.today.date();
    let requirement_id = required("requirement_id", body.requirement_id.as_deref())?.trim().to_owned();
    let subject_kind = required("subject_kind", body.subject_kind.as_deref())?.trim().to_owned();
    let subject_id = fields::record_id("subject_id", required("subject_id", body.subject_id.as_deref())?)?;
    let from = fields::date("from", required("from", body.from.as_deref())?)?;
    let to = fields::date("to", required("to", body.to.as_deref())?)?;
    let reason = required("reason", body.reason.clone())?;
    require_subject(&state, &post.caller, &subject_kind, &subject_id, today).await?;
    let new = NewExemption { requirement_id, subject_kind, subject_id, from, to, reason, approved_by: post.caller.account.id.to_string() };
    let written = post
        .write(&state.store, async |w| {
            let exemption = state.store.exempt(w, &state.catalogue, new).await?;
            Ok(((), Answer::new(StatusCode::CREATED, ExemptionJson::from(exemption))))
        })
        .await?;
    let response = written.then(|()| state.evaluations.invalidate());
    state.evaluations.invalidate();
    Ok(response)
}

/// Revokes an exemption.
#[utoipa::path(operation_id = "revoke_exemption", post, path = "/api/v1/exemptions/{id}/revoke", tag = "requirements",
    params(("id" = String, Path, description = "The exemption id"), ("Idempotency-Key" = Option<String>, Header)), request_body = RevokeExemption,
    responses((status = 200, body = ExemptionJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn revoke_exemption(
    State(state): State<AppState>,
    PathId(id): PathId,
    post: Post<RevokeExemption>,
) -> Result<Response, ApiError> {
    let version = required("version", post.body.version)?;
    let today = state.today.date();
    let exemption = state.store.exemption(&id).await?.ok_or_else(ApiError::not_found)?;
    require_subject(&state, &post.caller, &exemption.subject_kind, &exemption.subject_id, today)
        .await
        .map_err(|_| ApiError::not_found())?;
    let written = post
        .write(&state.store, async |w| {
            let exemption = state.store.revoke_exemption(w, &id, version).await?;
            Ok(((), Answer::ok(ExemptionJson::from(exemption))))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// `supervise` on the subject's organization (a person's own organization);
/// a subject outside the grants is reported like a missing one, naming `subject_id`.
async fn require_subject(state: &AppState, caller: &Caller, kind: &str, subject: &Id, today: NaiveDate) -> Result<(), ApiError> {
    match kind {
        "organization" => {
            caller.require(state, Action::Supervise, subject, today).await.map_err(ApiError::body_reference("subject_id"))?;
        }
        "person" => {
            caller.require_person(state, Action::Supervise, subject, today).await.map_err(ApiError::body_reference("subject_id"))?;
        }
        _ => {
            return Err(ApiError::unprocessable(
                "subject_kind",
                "unknown_value",
                Message::new("problem-must-be-one-of").text("allowed", "organization, person"),
            ));
        }
    }
    Ok(())
}

/// The store names a setting's first day `valid_from`; the shared mapping
/// calls that field `on` (as in moves), so it is renamed here.
fn valid_from_named(e: StoreError) -> ApiError {
    let mut error = ApiError::from(e);
    if error.field.as_deref() == Some("on") {
        error.field = Some("valid_from".into());
    }
    error
}
