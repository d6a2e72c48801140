//! `/api/v1/people`: party members — list, page or search a subtree, record
//! a member, read, change and move one to another organization.
//!
//! ID numbers and phone numbers go in, but only their masked forms come out.

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
use chrono::{Months, NaiveDate};
use domain::access::Action;
use domain::roster::ETHNICITY_MAX;
use domain::{
    CadreRank, Field, FieldError, Id, IdNumber, MemberCategory, MemberStatus, Message, Name, PartialDate, PhoneNumber, PositionKind,
    Problem, Sex,
};
use serde::{Deserialize, Serialize};
use store::people::{NewPerson, PersonChanges};
use utoipa::{IntoParams, ToSchema};

/// A party member. Personal numbers appear only masked.
#[derive(Serialize, ToSchema)]
#[schema(as = Person)]
pub struct PersonJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    /// The organization the member belongs to on the day asked about.
    #[schema(value_type = codes::RecordId)]
    pub org_id: Id,
    pub name: String,
    #[schema(value_type = Option<codes::Sex>)]
    pub sex: Option<Sex>,
    pub ethnicity: Option<String>,
    #[schema(value_type = Option<codes::PartialDate>)]
    pub birth_date: Option<PartialDate>,
    #[schema(value_type = codes::MemberCategory)]
    pub category: MemberCategory,
    #[schema(value_type = codes::MemberStatus)]
    pub status: MemberStatus,
    /// The date of joining the party (the political birthday).
    #[schema(value_type = codes::PartialDate)]
    pub join_date: PartialDate,
    #[schema(value_type = Option<codes::PartialDate>)]
    pub full_member_date: Option<PartialDate>,
    #[schema(value_type = codes::CadreRank)]
    pub cadre_rank: CadreRank,
    /// `510***********1234`
    pub id_number_masked: Option<String>,
    /// `138****8000`
    pub phone_masked: Option<String>,
    /// Positions held in `org_id`.
    #[schema(value_type = Vec<codes::PositionKind>)]
    pub positions: Vec<PositionKind>,
    /// Send it back with every change; a stale one gets 409.
    pub version: i64,
}

impl From<domain::Person> for PersonJson {
    fn from(p: domain::Person) -> Self {
        PersonJson {
            id: p.id,
            org_id: p.org_id,
            name: p.name.as_str().to_owned(),
            sex: p.sex,
            ethnicity: p.ethnicity,
            birth_date: p.birth_date,
            category: p.category,
            status: p.status,
            join_date: p.join_date,
            full_member_date: p.full_member_date,
            cadre_rank: p.cadre_rank,
            id_number_masked: p.id_number_masked,
            phone_masked: p.phone_masked,
            positions: p.positions,
            version: p.version,
        }
    }
}

/// A page of members.
#[derive(Serialize, ToSchema)]
#[schema(as = PersonPage)]
pub struct PersonPage {
    pub items: Vec<PersonJson>,
    /// Pass as `cursor` for the next page; `null` on the last page (and always for a search).
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only members of this organization and those under it (404 if outside
    /// the caller's grants). Without it, every subtree the caller may read.
    under: Option<String>,
    /// From a previous page's `next_cursor` (not with `q`).
    cursor: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// Search: members whose name contains this text (at most `limit`, by name).
    q: Option<String>,
    /// The day memberships are read on, `YYYY-MM-DD` (default today).
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

/// Recording a member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewPerson)]
pub struct CreatePerson {
    #[schema(value_type = codes::RecordId, required = true)]
    org_id: Option<String>,
    #[schema(value_type = String, required = true)]
    name: Option<String>,
    /// Taken from the ID number if absent; must agree with it.
    #[schema(value_type = Option<codes::Sex>)]
    sex: Option<String>,
    ethnicity: Option<String>,
    /// 18 characters (GB 11643); never returned, never echoed in errors.
    #[schema(value_type = String, required = true)]
    id_number: Option<String>,
    #[schema(value_type = codes::MemberCategory, required = true)]
    category: Option<String>,
    /// Not in the future, not before the member turned 18.
    #[schema(value_type = codes::PartialDate, required = true)]
    join_date: Option<String>,
    #[schema(value_type = Option<codes::PartialDate>)]
    full_member_date: Option<String>,
    /// Default `none`.
    #[schema(value_type = Option<codes::CadreRank>)]
    cadre_rank: Option<String>,
    /// Never returned in full, never echoed in errors.
    phone: Option<String>,
    /// Positions held in `org_id`.
    #[schema(value_type = Option<Vec<codes::PositionKind>>)]
    positions: Option<Vec<String>>,
}

/// Changes to a member's record; absent fields stay as they are, `null` clears a clearable one.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PersonChanges)]
pub struct PatchPerson {
    #[schema(value_type = String)]
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<codes::Sex>)]
    sex: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    ethnicity: Option<Option<String>>,
    #[schema(value_type = codes::MemberCategory)]
    category: Option<String>,
    #[schema(value_type = codes::MemberStatus)]
    status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<codes::PartialDate>)]
    full_member_date: Option<Option<String>>,
    #[schema(value_type = codes::CadreRank)]
    cadre_rank: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    phone: Option<Option<String>>,
    /// Replaces the positions held in the member's organization.
    #[schema(value_type = Vec<codes::PositionKind>)]
    positions: Option<Vec<String>>,
    /// The version last read.
    #[schema(value_type = i64, required = true)]
    version: Option<i64>,
}

/// Moving a member to another organization.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PersonMove)]
pub struct MovePerson {
    #[schema(value_type = codes::RecordId, required = true)]
    org_id: Option<String>,
    /// The first day in the new organization (default today).
    #[schema(value_type = NaiveDate)]
    on: Option<String>,
    #[schema(value_type = i64, required = true)]
    version: Option<i64>,
}

/// Lists the members the caller may read page by page, ordered by id, or
/// searches them by name with `q`. Without `under`, over all the caller's
/// subtrees merged.
#[utoipa::path(operation_id = "list_people", get, path = "/api/v1/people", tag = "people", params(ListQuery),
    responses((status = 200, body = PersonPage), (status = 404, description = "`under` does not exist or lies outside the caller's grants", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Json<PersonPage>, ApiError> {
    let under = fields::under(q.under.as_deref())?;
    let cursor = fields::cursor(q.cursor.as_deref())?;
    let limit = fields::limit(q.limit.as_deref())?;
    let on = fields::on_day(q.on.as_deref(), state.today.date())?;
    let search = q.q.as_deref().filter(|s| !s.trim().is_empty());
    if search.is_some() && cursor.is_some() {
        return Err(ApiError::unprocessable("cursor", "invalid", Message::new("problem-search-not-paged")));
    }
    let text = search.map(|t| Name::parse(Field::Name, t).map_err(|e| ApiError::from(e).with_field("q"))).transpose()?;
    let roots = scope::subtrees(&state, &caller, under, on).await?;
    let (store, cursor) = (&state.store, cursor.as_ref());
    let page = match text {
        Some(text) => {
            let mut items = Vec::new();
            for root in &roots {
                items.extend(store.search_people(text.as_str(), Some(root), on, limit).await?);
            }
            items.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
            items.truncate(limit);
            PersonPage { items: items.into_iter().map(PersonJson::from).collect(), next_cursor: None }
        }
        None => {
            let page = scope::merged_page(
                &roots,
                limit,
                |p: &domain::Person| &p.id,
                |root| async move { store.list_people(Some(&root), cursor, limit, on).await },
            )
            .await?;
            PersonPage { items: page.items.into_iter().map(PersonJson::from).collect(), next_cursor: page.next_cursor }
        }
    };
    Ok(Json(page))
}

/// Records a member in an organization.
#[utoipa::path(operation_id = "create_person", post, path = "/api/v1/people", tag = "people", request_body = CreatePerson,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe: the same key and body return the first response.")),
    responses((status = 201, body = PersonJson, headers(("Location" = String))), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(State(state): State<AppState>, post: Post<CreatePerson>) -> Result<Response, ApiError> {
    let new = new_person(&post.body, state.today.date())?;
    post.caller
        .require(&state, Action::ManageMembers, &new.org_id, state.today.date())
        .await
        .map_err(ApiError::body_reference("org_id"))?;
    let written = post
        .write(&state.store, async |w| {
            let person = state.store.create_person(w, new).await?;
            let location = format!("{}/{}", post.path, person.id);
            Ok(((), Answer::created(PersonJson::from(person), location)))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// Reads one member, with their organization on a day. Serving the masked
/// ID number is recorded in the audit trail (`view_id_number`).
#[utoipa::path(operation_id = "get_person", get, path = "/api/v1/people/{id}", tag = "people", params(("id" = String, Path, description = "The record id"), OnQuery),
    responses((status = 200, body = PersonJson), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> Result<Json<PersonJson>, ApiError> {
    let on = fields::on_day(q.on.as_deref(), state.today.date())?;
    let (person, _) = caller.require_person(&state, Action::Read, &id, on).await?;
    caller.record_id_number_view(&state.store, &person).await?;
    Ok(Json(person.into()))
}

/// Changes a member's record.
#[utoipa::path(operation_id = "patch_person", patch, path = "/api/v1/people/{id}", tag = "people", params(("id" = String, Path, description = "The record id")), request_body = PatchPerson,
    responses((status = 200, body = PersonJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "stale `version`", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch(State(state): State<AppState>, PathId(id): PathId, post: Post<PatchPerson>) -> Result<Response, ApiError> {
    let body = post.body.clone();
    let version = required("version", body.version)?;
    let changes = PersonChanges {
        name: body.name.as_deref().map(|n| Name::parse(Field::Name, n)).transpose()?,
        sex: body.sex.map(|s| s.as_deref().map(Sex::parse).transpose()).transpose()?,
        ethnicity: body.ethnicity.map(|e| e.as_deref().map(ethnicity).transpose()).transpose()?,
        category: body.category.as_deref().map(MemberCategory::parse).transpose()?,
        status: body.status.as_deref().map(MemberStatus::parse).transpose()?,
        full_member_date: body
            .full_member_date
            .map(|d| d.as_deref().map(|d| fields::partial_date("full_member_date", d)).transpose())
            .transpose()?,
        cadre_rank: body.cadre_rank.as_deref().map(CadreRank::parse).transpose()?,
        phone: body.phone.map(|p| p.as_deref().map(PhoneNumber::parse).transpose()).transpose()?,
        positions: body.positions.as_deref().map(positions).transpose()?,
        join_date: None,
    };
    let today = state.today.date();
    post.caller.require_person(&state, Action::ManageMembers, &id, today).await?;
    let written = post
        .write(&state.store, async |w| {
            let person = state.store.update_person(w, &id, version, changes, today).await?;
            Ok(((), Answer::ok(PersonJson::from(person))))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// Moves a member to another organization from a day; positions in the old one end.
#[utoipa::path(operation_id = "move_person", post, path = "/api/v1/people/{id}/move", tag = "people", params(("id" = String, Path, description = "The record id"), ("Idempotency-Key" = Option<String>, Header)), request_body = MovePerson,
    responses((status = 200, body = PersonJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_to(State(state): State<AppState>, PathId(id): PathId, post: Post<MovePerson>) -> Result<Response, ApiError> {
    let body = &post.body;
    let to = fields::record_id("org_id", required("org_id", body.org_id.as_deref())?)?;
    let today = state.today.date();
    let on = fields::on_day(body.on.as_deref(), today)?;
    let version = required("version", body.version)?;
    post.caller.require_person(&state, Action::ManageMembers, &id, today).await?;
    post.caller.require(&state, Action::ManageMembers, &to, today).await.map_err(ApiError::body_reference("org_id"))?;
    let written = post
        .write(&state.store, async |w| {
            let person = state.store.move_person(w, &id, &to, on, version).await?;
            Ok(((), Answer::ok(PersonJson::from(person))))
        })
        .await?;
    Ok(written.then(|()| state.evaluations.invalidate()))
}

/// Reads a new member's body into a checked record: each field, then the
/// checks across fields (sex and age against the ID number, dates against today).
fn new_person(body: &CreatePerson, today: NaiveDate) -> Result<NewPerson, ApiError> {
    let org_id = fields::record_id("org_id", required("org_id", body.org_id.as_deref())?)?;
    let name = Name::parse(Field::Name, required("name", body.name.as_deref())?)?;
    let id_number = IdNumber::parse(required("id_number", body.id_number.as_deref())?)?;
    let sex = body.sex.as_deref().map(Sex::parse).transpose()?;
    let ethnicity = body.ethnicity.as_deref().map(ethnicity).transpose()?;
    let category = MemberCategory::parse(required("category", body.category.as_deref())?)?;
    let join_date = fields::partial_date("join_date", required("join_date", body.join_date.as_deref())?)?;
    let full_member_date = body.full_member_date.as_deref().map(|d| fields::partial_date("full_member_date", d)).transpose()?;
    let cadre_rank = body.cadre_rank.as_deref().map(CadreRank::parse).transpose()?.unwrap_or(CadreRank::None);
    let phone = body.phone.as_deref().map(PhoneNumber::parse).transpose()?;
    let kinds = body.positions.as_deref().map(positions).transpose()?.unwrap_or_default();

    if let Some(sex) = sex
        && sex != id_number.sex()
    {
        return Err(FieldError::new(Field::Sex, mismatch(), sex.code()).into());
    }
    if join_date.first_day() > today {
        return Err(FieldError::new(Field::JoinDate, Problem::InFuture, &join_date.to_string()).into());
    }
    let adult = id_number.birth_date().checked_add_months(Months::new(18 * 12));
    if adult.is_some_and(|adult| join_date.last_day() < adult) {
        return Err(FieldError::new(Field::JoinDate, Problem::JoinedBeforeEighteen, &join_date.to_string()).into());
    }
    if let Some(full) = full_member_date {
        if full.first_day() > today {
            return Err(FieldError::new(Field::FullMemberDate, Problem::InFuture, &full.to_string()).into());
        }
        if full.last_day() < join_date.first_day() {
            return Err(FieldError::new(Field::FullMemberDate, Problem::BeforeJoinDate, &full.to_string()).into());
        }
    }
    Ok(NewPerson {
        id: None,
        positions: kinds.into_iter().map(|k| (org_id.clone(), k)).collect(),
        org_id,
        name,
        sex: Some(id_number.sex()),
        ethnicity,
        birth_date: Some(PartialDate::full(id_number.birth_date())),
        category,
        status: MemberStatus::Active,
        join_date,
        full_member_date,
        cadre_rank,
        id_number: Some(id_number),
        phone,
    })
}

fn mismatch() -> Problem {
    Problem::rule("id-number-mismatch")
}

fn ethnicity(raw: &str) -> Result<String, FieldError> {
    if raw.trim().chars().count() > ETHNICITY_MAX {
        return Err(FieldError::new(Field::Ethnicity, Problem::TooLong { max: ETHNICITY_MAX }, raw));
    }
    Name::parse(Field::Ethnicity, raw).map(|n| n.as_str().to_owned())
}

fn positions(codes: &[String]) -> Result<Vec<PositionKind>, FieldError> {
    let mut kinds = Vec::with_capacity(codes.len());
    for code in codes {
        let kind = PositionKind::parse(code)?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}
