//! The JSON API under `/api/v1`, described by OpenAPI 3 at
//! `/api/v1/openapi.json`.
//!
//! Conventions (DESIGN.md §6): ids are opaque strings; lists are
//! `{"items": [...], "next_cursor": ...}`; dates `YYYY-MM-DD`; every record
//! carries a `version` that a change must send back (stale → 409); errors are
//! `{"error": {"code", "message", "field"}}`; a POST with an
//! `Idempotency-Key` can be retried safely.
//!
//! Every endpoint but this description needs a caller ([`extract::Caller`])
//! and checks its grants on the target organization (`crate::auth`).

pub mod activities;
pub mod attachments;
pub mod birthdays;
pub mod codes;
pub mod extract;
pub mod fields;
pub mod idempotency;
pub mod imports;
pub mod orgs;
pub mod people;
pub mod problems;
pub mod requirements;
pub mod research;
pub mod scope;

use crate::AppState;
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::LazyLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// The OpenAPI description of everything below.
#[derive(OpenApi)]
#[openapi(
    info(title = "Changxiao API", version = "1", description = API_DESCRIPTION),
    modifiers(&Security),
    paths(
        orgs::list, orgs::create, orgs::get, orgs::patch, orgs::move_to, orgs::close, orgs::children, orgs::path,
        people::list, people::create, people::get, people::patch, people::move_to,
        activities::list, activities::create, activities::get, activities::update, activities::cancel, activities::delete,
        attachments::create, attachments::list, attachments::get, attachments::content, attachments::delete,
        birthdays::list, birthdays::create, birthdays::planned_visits,
        research::list, research::create, research::get, research::patch, research::add_result,
        problems::raise, problems::of_activity, problems::of_org,
        requirements::list_settings, requirements::create_setting, requirements::end_setting,
        requirements::list_exemptions, requirements::create_exemption, requirements::revoke_exemption,
        imports::create, imports::get, imports::commit, imports::cancel, imports::template,
        openapi_json,
    ),
    components(schemas(ErrorBody, ErrorDetail, crate::error::RowDetail)),
    tags(
        (name = "organizations", description = "The organization tree"),
        (name = "people", description = "Party members"),
        (name = "activities", description = "Meetings, classes, visits and other activities, recorded once"),
        (name = "research", description = "Research projects: team, findings, results, and the visits and case analyses recorded for them"),
        (name = "problems", description = "Problems raised at life meetings or found by research, for the rectification ledger"),
        (name = "requirements", description = "Local requirement settings and exemptions"),
        (name = "imports", description = "Spreadsheets of organizations, members and held activities: previewed, then committed"),
        (name = "meta", description = "This description"),
    ),
)]
pub struct ApiDoc;

const API_DESCRIPTION: &str = "Organizations and members of the party organization tree, the activities they hold, and the local
requirement settings and exemptions that evaluation takes into account.

**Authentication.** Machine clients send `Authorization: Bearer cx_…` with an API token created on the
account page (`/account`). A token acts for its account, only inside the subtree it was created for, and
only reads if its scope is `read`. A browser that is logged in may call the API with its session cookie
(`cx_session`); then every request that changes something (POST, PATCH, DELETE) must also send the session's
CSRF token in the `X-CSRF-Token` header. Bearer calls need no CSRF token.

**Permissions.** Every call is checked against the caller's grants (roles held on a subtree of the
tree) for the organization the record belongs to. Without a valid credential: 401 `unauthenticated`.
A record outside the caller's grants is answered exactly like one that does not exist: 404
`not_found` for the record in the path, 422 `not_found` naming the field for an organization named
in the body. A read-only token asked to write inside its subtree: 403 `insufficient_scope`. A session
call that changes something without a matching `X-CSRF-Token`: 403 `csrf`.

**Lists.** `GET /orgs` and `GET /people` without `under` (`GET /activities` without `org`) cover every subtree the caller may read,
merged into one list ordered by id (one cursor pages through all of them); with `under`, that subtree.";

/// Adds the security schemes and the 401/403 answers every endpoint can give.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cx_ followed by 64 hex digits")
                    .description(Some("An API token created on the account page; scoped to a subtree and to read or write."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "cx_session",
                "The browser session; changes also need the X-CSRF-Token header.",
            ))),
        );
        openapi.security =
            Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new()), SecurityRequirement::new("session", Vec::<String>::new())]);
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = path == "/api/v1/openapi.json";
            for operation in [&mut item.get, &mut item.post, &mut item.patch, &mut item.put, &mut item.delete].into_iter().flatten() {
                if public {
                    operation.security = Some(vec![SecurityRequirement::default()]);
                    continue;
                }
                let responses = &mut operation.responses.responses;
                responses.entry("401".into()).or_insert_with(|| error("`unauthenticated`: no valid session cookie or API token").into());
                responses.entry("403".into()).or_insert_with(|| {
                    error("`csrf`: a session call without its X-CSRF-Token; `insufficient_scope`: a read-only token writing").into()
                });
                responses
                    .entry("404".into())
                    .or_insert_with(|| error("`not_found`: no such record, or outside the caller's grants").into());
            }
        }
    }
}

/// The routes, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route("/orgs/{id}", get(orgs::get).patch(orgs::patch))
        .route("/orgs/{id}/move", post(orgs::move_to))
        .route("/orgs/{id}/close", post(orgs::close))
        .route("/orgs/{id}/children", get(orgs::children))
        .route("/orgs/{id}/path", get(orgs::path))
        .route("/people", get(people::list).post(people::create))
        .route("/people/{id}", get(people::get).patch(people::patch))
        .route("/people/{id}/move", post(people::move_to))
        .route("/activities", get(activities::list).post(activities::create))
        .route("/activities/{id}", get(activities::get).put(activities::update).delete(activities::delete))
        .route("/activities/{id}/cancel", post(activities::cancel))
        .route(
            "/activities/{id}/attachments",
            get(attachments::list)
                .post(attachments::create)
                .layer(axum::extract::DefaultBodyLimit::max(attachments::MAX_UPLOAD_BODY_BYTES)),
        )
        .route("/attachments/{id}", get(attachments::get).delete(attachments::delete))
        .route("/attachments/{id}/content", get(attachments::content))
        .route("/orgs/{id}/political-birthdays", get(birthdays::list).post(birthdays::create))
        .route("/orgs/{id}/planned-visits", get(birthdays::planned_visits))
        .route("/research-projects", get(research::list).post(research::create))
        .route("/research-projects/{id}", get(research::get).patch(research::patch))
        .route("/research-projects/{id}/results", post(research::add_result))
        .route("/activities/{id}/problems", get(problems::of_activity).post(problems::raise))
        .route("/orgs/{id}/problems", get(problems::of_org))
        .route("/orgs/{id}/requirement-settings", get(requirements::list_settings).post(requirements::create_setting))
        .route("/requirement-settings/{id}/end", post(requirements::end_setting))
        .route("/orgs/{id}/exemptions", get(requirements::list_exemptions))
        .route("/exemptions", post(requirements::create_exemption))
        .route("/exemptions/{id}/revoke", post(requirements::revoke_exemption))
        .route("/imports", post(imports::create).layer(axum::extract::DefaultBodyLimit::max(crate::uploads::MAX_SHEET_BODY_BYTES)))
        .route("/imports/{id}", get(imports::get))
        .route("/imports/{id}/commit", post(imports::commit))
        .route("/imports/{id}/cancel", post(imports::cancel))
        .route("/imports/templates/{kind}", get(imports::template))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(crate::error::render_errors))
}

static OPENAPI_JSON: LazyLock<Result<String, String>> = LazyLock::new(|| ApiDoc::openapi().to_pretty_json().map_err(|e| e.to_string()));

/// This document.
#[utoipa::path(operation_id = "openapi", get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3 description of the API", content_type = "application/json")))]
pub async fn openapi_json() -> Response {
    match &*OPENAPI_JSON {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json")], text.clone()).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "OpenAPI description did not serialize");
            ApiError::internal().into_response()
        }
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", domain::Message::new("api-method-not-allowed"))
}
