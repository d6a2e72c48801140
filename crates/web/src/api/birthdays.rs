//! Political birthdays and the coordination of grassroots visits:
//!
//! - `GET /api/v1/orgs/{id}/political-birthdays?month=YYYY-MM`: the members
//!   of a branch (its groups included) whose political birthday falls in the
//!   month, and whether each already attended one (needs `read`);
//! - `POST /api/v1/orgs/{id}/political-birthdays`: records the birthday of
//!   the chosen members in one step (needs `record`); the store checks
//!   everything and builds the activity ([`store::Store::record_birthday`]);
//! - `GET /api/v1/orgs/{id}/planned-visits?around=YYYY-MM-DD`: the
//!   grassroots visits planned or held at a unit within 14 days of a day,
//!   so that visits can be spread rather than gathered at the same places
//!   (needs `read` on the unit).

use super::activities::ActivityJson;
use super::codes;
use super::extract::{ApiQuery, Caller, PathId, Post};
use super::fields::{self, required};
use super::idempotency::Answer;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use domain::access::Action;
use domain::{Field, Id, Message, PartialDate};
use serde::{Deserialize, Serialize};
use store::StoreError;
use store::birthdays::{Birthday, BirthdayMember, NearbyVisit, VISIT_WINDOW_DAYS};
use utoipa::{IntoParams, ToSchema};

/// A member whose political birthday falls in the month.
#[derive(Serialize, ToSchema)]
#[schema(as = BirthdayMember)]
pub struct BirthdayJson {
    #[schema(value_type = codes::RecordId)]
    pub person_id: Id,
    pub name: String,
    /// The branch, or the group of members under it, the member belongs to.
    #[schema(value_type = codes::RecordId)]
    pub org_id: Id,
    /// `YYYY-MM-DD`, or `YYYY-MM` when the day is not known.
    #[schema(value_type = String)]
    pub join_date: PartialDate,
    /// Whole years in the party that year.
    pub years: i32,
    /// A held political birthday the member attended in that month, if any.
    #[schema(value_type = Option<codes::RecordId>)]
    pub celebrated_activity_id: Option<Id>,
    pub celebrated_on: Option<NaiveDate>,
}

impl From<BirthdayMember> for BirthdayJson {
    fn from(m: BirthdayMember) -> Self {
        BirthdayJson {
            person_id: m.person_id,
            name: m.name,
            org_id: m.org_id,
            join_date: m.join_date,
            years: m.years,
            celebrated_activity_id: m.celebrated_in,
            celebrated_on: m.celebrated_on,
        }
    }
}

/// The political birthdays of a month.
#[derive(Serialize, ToSchema)]
#[schema(as = BirthdayList)]
pub struct BirthdayList {
    #[schema(value_type = codes::RecordId)]
    pub org_id: Id,
    /// `YYYY-MM`
    pub month: String,
    /// By name.
    pub items: Vec<BirthdayJson>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM` (default: this month).
    month: Option<String>,
}

/// Recording the political birthday of chosen members in one step.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewPoliticalBirthday)]
pub struct CreateBirthday {
    /// The day it was held: not after today; the chosen members' political
    /// birthday must fall in its month.
    #[schema(value_type = NaiveDate, required = true)]
    held_on: Option<String>,
    /// The members whose birthday it is: at least one, each a member of the
    /// organization (or a group under it) on the day. The holders of the
    /// organization's committee positions take part too.
    #[schema(value_type = Vec<codes::RecordId>, required = true)]
    person_ids: Option<Vec<String>>,
    /// Who led it: a member of the organization or of its committee.
    #[schema(value_type = Option<codes::RecordId>)]
    presenter_id: Option<String>,
}

/// A grassroots visit near the day asked about.
#[derive(Serialize, ToSchema)]
#[schema(as = NearbyVisit)]
pub struct VisitJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    pub held_on: NaiveDate,
    /// `planned` or `held`.
    pub status: String,
    #[schema(value_type = Option<codes::RecordId>)]
    pub presenter_id: Option<Id>,
    pub presenter_name: Option<String>,
    /// `publicize`, `investigate`, `receive_petitions` or `on_site_work`.
    pub visit_kind: Option<String>,
    /// Days from the day asked about (negative: before it).
    pub days_apart: i64,
}

impl From<NearbyVisit> for VisitJson {
    fn from(v: NearbyVisit) -> Self {
        VisitJson {
            id: v.id,
            held_on: v.held_on,
            status: v.status.code().to_owned(),
            presenter_id: v.presenter_id,
            presenter_name: v.presenter_name,
            visit_kind: v.visit_kind,
            days_apart: v.days_apart,
        }
    }
}

/// The visits to a unit near a day.
#[derive(Serialize, ToSchema)]
#[schema(as = NearbyVisitList)]
pub struct VisitList {
    /// The unit visited (the host of the visits).
    #[schema(value_type = codes::RecordId)]
    pub org_id: Id,
    pub around: NaiveDate,
    /// Visits at most this many days before or after `around` are listed (14).
    pub window_days: i64,
    /// By day.
    pub items: Vec<VisitJson>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AroundQuery {
    /// The day of the visit being planned, `YYYY-MM-DD` (default today).
    #[param(value_type = Option<NaiveDate>)]
    around: Option<String>,
    /// A visit to leave out (the one being looked at).
    exclude: Option<String>,
}

/// `YYYY-MM` as (year, month).
fn month(raw: Option<&str>, today: NaiveDate) -> Result<(i32, u32), ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok((today.year(), today.month()));
    };
    let parsed = raw
        .split_once('-')
        .filter(|(y, m)| y.len() == 4 && m.len() == 2)
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(y, m)| (1900..=9999).contains(y) && (1..=12).contains(m));
    parsed.ok_or_else(|| ApiError::unprocessable("month", "not_a_date", Message::new("problem-not-iso-month")))
}

/// The members of an organization (a branch and its groups) whose political
/// birthday falls in a month: who joined the party in that month of an
/// earlier year and still count in their organization, with whether each
/// already attended a political birthday that month.
#[utoipa::path(operation_id = "list_political_birthdays", get, path = "/api/v1/orgs/{id}/political-birthdays", tag = "activities",
    params(("id" = String, Path, description = "The organization id"), MonthQuery),
    responses((status = 200, body = BirthdayList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<BirthdayList>, ApiError> {
    let today = state.today.date();
    let (year, month) = month(q.month.as_deref(), today)?;
    caller.require(&state, Action::Read, &id, today).await?;
    let items = state.store.birthdays_in_month(&id, year, month, today).await?;
    Ok(Json(BirthdayList {
        org_id: id,
        month: format!("{year:04}-{month:02}"),
        items: items.into_iter().map(BirthdayJson::from).collect(),
    }))
}

/// Records the political birthday of the chosen members in one step: a
/// held `political_birthday` activity of the organization on `held_on`
/// (renewing the admission oath, then the birthday; 60 minutes), the chosen
/// members and the committee present. It meets the `political-birthday`
/// requirement of each chosen member.
#[utoipa::path(operation_id = "create_political_birthday", post, path = "/api/v1/orgs/{id}/political-birthdays", tag = "activities",
    params(("id" = String, Path, description = "The organization id"), ("Idempotency-Key" = Option<String>, Header)), request_body = CreateBirthday,
    responses((status = 201, body = ActivityJson, headers(("Location" = String))), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, description = "a field is unusable; `field` names it", body = ErrorBody)))]
pub async fn create(State(state): State<AppState>, PathId(id): PathId, post: Post<CreateBirthday>) -> Result<Response, ApiError> {
    let today = state.today.date();
    let body = &post.body;
    let held_on = fields::date("held_on", required("held_on", body.held_on.as_deref())?)?;
    let people = required("person_ids", body.person_ids.as_ref())?
        .iter()
        .map(|p| fields::record_id("person_ids", p))
        .collect::<Result<Vec<Id>, ApiError>>()?;
    let presenter =
        body.presenter_id.as_deref().filter(|p| !p.trim().is_empty()).map(|p| fields::record_id("presenter_id", p)).transpose()?;
    post.caller.require(&state, Action::Record, &id, today).await?;
    let written = post
        .write(&state.store, async |w| {
            let recorded = state
                .store
                .record_birthday(
                    w,
                    &state.catalogue,
                    Birthday { org_id: &id, day: held_on, person_ids: &people, presenter: presenter.as_ref() },
                    today,
                )
                .await;
            let activity = recorded.map_err(|e| match e {
                // The body names the chosen members `person_ids`.
                StoreError::Invalid(f) if f.field == Field::Participant => ApiError::field(f).with_field("person_ids"),
                other => ApiError::from(other),
            })?;
            let location = format!("/api/v1/activities/{}", activity.id);
            Ok((activity.clone(), Answer::created(ActivityJson::from(activity), location)))
        })
        .await?;
    Ok(written.then(|activity| state.evaluations.activity_recorded(&activity)))
}

/// The grassroots visits planned or held at a unit (its own, not those of
/// the organizations under it) within 14 days before or after a day,
/// cancelled and deleted ones left out: visits gathered at one place show
/// here before another is planned (Opinions §3 item 7).
#[utoipa::path(operation_id = "list_planned_visits", get, path = "/api/v1/orgs/{id}/planned-visits", tag = "activities",
    params(("id" = String, Path, description = "The visited unit's organization id"), AroundQuery),
    responses((status = 200, body = VisitList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn planned_visits(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<AroundQuery>,
) -> Result<Json<VisitList>, ApiError> {
    let today = state.today.date();
    let around = match q.around.as_deref().filter(|s| !s.trim().is_empty()) {
        None => today,
        Some(s) => fields::date("around", s)?,
    };
    let exclude = q.exclude.as_deref().filter(|s| !s.trim().is_empty()).map(|s| fields::record_id("exclude", s)).transpose()?;
    caller.require(&state, Action::Read, &id, today).await?;
    let items = state.store.planned_visits_near(&id, around, exclude.as_ref()).await?;
    Ok(Json(VisitList { org_id: id, around, window_days: VISIT_WINDOW_DAYS, items: items.into_iter().map(VisitJson::from).collect() }))
}
