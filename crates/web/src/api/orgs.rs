//! `/api/v1/orgs`: the organization tree — list and page, found, read on a
//! day, rename, move a subtree, close, children and the path from the root.

use super::codes;
use super::extract::{ApiQuery, Caller, PathId, Post};
use super::fields::{self, nullable, required};
use super::idempotency::Answer;
use super::scope;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::access::Action;
use domain::{Field, Id, Name, OrgKind, OrgLevel, Problem, UnitType};
use serde::{Deserialize, Serialize};
use store::orgs::{NewOrg, OrgChanges};
use utoipa::{IntoParams, ToSchema};

/// An organization as it stands on the day asked about.
#[derive(Serialize, ToSchema)]
#[schema(as = Organization)]
pub struct OrgJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    /// `null` for a root of the tree.
    #[schema(value_type = Option<codes::RecordId>)]
    pub parent_id: Option<Id>,
    pub name: String,
    #[schema(value_type = codes::OrgLevel)]
    pub level: OrgLevel,
    #[schema(value_type = codes::OrgKind)]
    pub kind: OrgKind,
    #[schema(value_type = Option<codes::UnitType>)]
    pub unit_type: Option<UnitType>,
    #[schema(value_type = NaiveDate)]
    pub founded_on: NaiveDate,
    /// The first day it no longer exists; `null` while open.
    #[schema(value_type = Option<NaiveDate>)]
    pub closed_on: Option<NaiveDate>,
    /// Send it back with every change; a stale one gets 409.
    pub version: i64,
}

impl From<domain::Organization> for OrgJson {
    fn from(o: domain::Organization) -> Self {
        OrgJson {
            id: o.id,
            parent_id: o.parent_id,
            name: o.name.as_str().to_owned(),
            level: o.level,
            kind: o.kind,
            unit_type: o.unit_type,
            founded_on: o.founded_on,
            closed_on: o.closed_on,
            version: o.version,
        }
    }
}

/// A page of organizations.
#[derive(Serialize, ToSchema)]
#[schema(as = OrganizationPage)]
pub struct OrgPage {
    pub items: Vec<OrgJson>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<String>,
}

impl OrgPage {
    fn of(orgs: Vec<domain::Organization>, next_cursor: Option<String>) -> Self {
        OrgPage { items: orgs.into_iter().map(OrgJson::from).collect(), next_cursor }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this organization and those under it (404 if outside the caller's
    /// grants). Without it, every subtree the caller may read.
    under: Option<String>,
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// The day the tree is read on, `YYYY-MM-DD` (default today).
    #[param(value_type = Option<NaiveDate>)]
    on: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// The day asked about, `YYYY-MM-DD` (default today).
    #[param(value_type = Option<NaiveDate>)]
    on: Option<String>,
}

/// Founding an organization.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewOrganization)]
pub struct CreateOrg {
    #[schema(value_type = codes::RecordId, required = true)]
    parent_id: Option<String>,
    /// 1 to 100 characters, no control or direction-override characters.
    #[schema(value_type = String, required = true)]
    name: Option<String>,
    #[schema(value_type = codes::OrgLevel, required = true)]
    level: Option<String>,
    #[schema(value_type = codes::OrgKind, required = true)]
    kind: Option<String>,
    #[schema(value_type = Option<codes::UnitType>)]
    unit_type: Option<String>,
    #[schema(value_type = NaiveDate, required = true)]
    founded_on: Option<String>,
}

/// Changes to an organization's own attributes; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OrganizationChanges)]
pub struct PatchOrg {
    #[schema(value_type = String)]
    name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<codes::UnitType>)]
    unit_type: Option<Option<String>>,
    /// The version last read.
    #[schema(value_type = i64, required = true)]
    version: Option<i64>,
}

/// Moving an organization, with everything under it, to a new parent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OrganizationMove)]
pub struct MoveOrg {
    #[schema(value_type = codes::RecordId, required = true)]
    parent_id: Option<String>,
    /// The first day under the new parent (default today).
    #[schema(value_type = NaiveDate)]
    on: Option<String>,
    #[schema(value_type = i64, required = true)]
    version: Option<i64>,
}

/// Closing an organization.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OrganizationClose)]
pub struct CloseOrg {
    /// The first day it no longer exists (default today).
    #[schema(value_type = NaiveDate)]
    on: Option<String>,
    #[schema(value_type = i64, required = true)]
    version: Option<i64>,
}

/// Lists the organizations the caller may read (of one subtree with `under`)
/// page by page, ordered by id. Without `under`, the pages run over all the
/// caller's subtrees merged.
#[utoipa::path(operation_id = "list_orgs", get, path = "/api/v1/orgs", tag = "organizations", params(ListQuery),
    responses((status = 200, body = OrgPage), (status = 404, description = "`under` does not exist or lies outside the caller's grants", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Json<OrgPage>, ApiError> {
    let under = fields::under(q.under.as_deref())?;
    let cursor = fields::cursor(q.cursor.as_deref())?;
    let limit = fields::limit(q.limit.as_deref())?;
    let on = fields::on_day(q.on.as_deref(), state.today.date())?;
    let roots = scope::subtrees(&state, &caller, under, on).await?;
    let (store, cursor) = (&state.store, cursor.as_ref());
    let page = scope::merged_page(
        &roots,
        limit,
        |o: &domain::Organization| &o.id,
        |root| async move { store.list_orgs(Some(&root), cursor, limit, on).await },
    )
    .await?;
    Ok(Json(OrgPage::of(page.items, page.next_cursor)))
}

/// Founds an organization under its parent.
#[utoipa::path(operation_id = "create_org", post, path = "/api/v1/orgs", tag = "organizations", request_body = CreateOrg,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe: the same key and body return the first response.")),
    responses((status = 201, body = OrgJson, headers(("Location" = String))), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(State(state): State<AppState>, post: Post<CreateOrg>) -> Result<Response, ApiError> {
    let body = &post.body;
    let today = state.today.date();
    let new = NewOrg {
        id: None,
        parent_id: Some(fields::record_id("parent_id", required("parent_id", body.parent_id.as_deref())?)?),
        name: Name::parse(Field::Name, required("name", body.name.as_deref())?)?,
        level: OrgLevel::parse(required("level", body.level.as_deref())?)?,
        kind: OrgKind::parse(required("kind", body.kind.as_deref())?)?,
        unit_type: body.unit_type.as_deref().map(UnitType::parse).transpose()?,
        founded_on: not_in_future("founded_on", fields::date("founded_on", required("founded_on", body.founded_on.as_deref())?)?, today)?,
    };
    if let Some(parent) = &new.parent_id {
        post.caller.require(&state, Action::ManageTree, parent, today).await.map_err(ApiError::body_reference("parent_id"))?;
    }
    let written = post
        .write(&state.store, async |w| {
            let org = state.store.create_org(w, new).await?;
            let location = format!("{}/{}", post.path, org.id);
            Ok(((), Answer::created(OrgJson::from(org), location)))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// Reads one organization as it stood on a day.
#[utoipa::path(operation_id = "get_org", get, path = "/api/v1/orgs/{id}", tag = "organizations", params(("id" = String, Path, description = "The record id"), OnQuery),
    responses((status = 200, body = OrgJson), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> Result<Json<OrgJson>, ApiError> {
    let on = fields::on_day(q.on.as_deref(), state.today.date())?;
    let org = caller.require(&state, Action::Read, &id, on).await?;
    Ok(Json(org.into()))
}

/// Renames an organization or changes its unit type.
#[utoipa::path(operation_id = "patch_org", patch, path = "/api/v1/orgs/{id}", tag = "organizations", params(("id" = String, Path, description = "The record id")), request_body = PatchOrg,
    responses((status = 200, body = OrgJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "stale `version`", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch(State(state): State<AppState>, PathId(id): PathId, post: Post<PatchOrg>) -> Result<Response, ApiError> {
    let body = &post.body;
    let version = required("version", body.version)?;
    let changes = OrgChanges {
        name: body.name.as_deref().map(|n| Name::parse(Field::Name, n)).transpose()?,
        unit_type: body.unit_type.clone().map(|u| u.as_deref().map(UnitType::parse).transpose()).transpose()?,
    };
    let today = state.today.date();
    post.caller.require(&state, Action::ManageTree, &id, today).await?;
    let written = post
        .write(&state.store, async |w| {
            let org = state.store.update_org(w, &id, version, changes, today).await?;
            Ok(((), Answer::ok(OrgJson::from(org))))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// Moves an organization and everything under it to a new parent from a day.
#[utoipa::path(operation_id = "move_org", post, path = "/api/v1/orgs/{id}/move", tag = "organizations", params(("id" = String, Path, description = "The record id"), ("Idempotency-Key" = Option<String>, Header)), request_body = MoveOrg,
    responses((status = 200, body = OrgJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "e.g. a move under its own descendant", body = ErrorBody)))]
pub async fn move_to(State(state): State<AppState>, PathId(id): PathId, post: Post<MoveOrg>) -> Result<Response, ApiError> {
    let body = &post.body;
    let parent = fields::record_id("parent_id", required("parent_id", body.parent_id.as_deref())?)?;
    let today = state.today.date();
    let on = fields::on_day(body.on.as_deref(), today)?;
    let version = required("version", body.version)?;
    post.caller.require(&state, Action::ManageTree, &id, today).await?;
    post.caller.require(&state, Action::ManageTree, &parent, today).await.map_err(ApiError::body_reference("parent_id"))?;
    let written = post
        .write(&state.store, async |w| {
            let org = state.store.move_org(w, &id, &parent, on, version).await?;
            Ok(((), Answer::ok(OrgJson::from(org))))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// Closes an organization; refused while members or open organizations remain under it.
#[utoipa::path(operation_id = "close_org", post, path = "/api/v1/orgs/{id}/close", tag = "organizations", params(("id" = String, Path, description = "The record id"), ("Idempotency-Key" = Option<String>, Header)), request_body = CloseOrg,
    responses((status = 200, body = OrgJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(State(state): State<AppState>, PathId(id): PathId, post: Post<CloseOrg>) -> Result<Response, ApiError> {
    let body = &post.body;
    let on = fields::on_day(body.on.as_deref(), state.today.date())?;
    let version = required("version", body.version)?;
    post.caller.require(&state, Action::ManageTree, &id, state.today.date()).await?;
    let written = post
        .write(&state.store, async |w| {
            let org = state.store.close_org(w, &id, on, version).await?;
            Ok(((), Answer::ok(OrgJson::from(org))))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// The organizations directly under one, open on the day.
#[utoipa::path(operation_id = "org_children", get, path = "/api/v1/orgs/{id}/children", tag = "organizations", params(("id" = String, Path, description = "The record id"), OnQuery),
    responses((status = 200, description = "All children; `next_cursor` is always null", body = OrgPage), (status = 404, body = ErrorBody)))]
pub async fn children(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> Result<Json<OrgPage>, ApiError> {
    let on = fields::on_day(q.on.as_deref(), state.today.date())?;
    caller.require(&state, Action::Read, &id, on).await?;
    Ok(Json(OrgPage::of(state.store.children(&id, on).await?, None)))
}

/// The organizations from the highest one the caller may read down to this
/// one (included), as on the day.
#[utoipa::path(operation_id = "org_path", get, path = "/api/v1/orgs/{id}/path", tag = "organizations", params(("id" = String, Path, description = "The record id"), OnQuery),
    responses((status = 200, description = "Highest first; `next_cursor` is always null", body = OrgPage), (status = 404, body = ErrorBody)))]
pub async fn path(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> Result<Json<OrgPage>, ApiError> {
    let on = fields::on_day(q.on.as_deref(), state.today.date())?;
    caller.require(&state, Action::Read, &id, on).await?;
    let today = state.today.date();
    let readable = state.store.path_to(&id, on).await?.into_iter().filter(|o| caller.may(Action::Read, &o.path, today)).collect();
    Ok(Json(OrgPage::of(readable, None)))
}

fn not_in_future(field: &'static str, day: NaiveDate, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    if day > today {
        let problem = domain::FieldError::new(Field::FoundedOn, Problem::InFuture, &day.to_string());
        return Err(ApiError::from(problem).with_field(field));
    }
    Ok(day)
}
