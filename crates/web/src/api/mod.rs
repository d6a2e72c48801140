//! The JSON API under `/api/v1`, described by OpenAPI 3 at
//! `/api/v1/openapi.json`.
//!
//! Conventions (DESIGN.md §6): ids are opaque strings; lists are
//! `{"items": [...], "next_cursor": ...}`; dates `YYYY-MM-DD`; every record
//! carries a `version` that a change must send back (stale → 409); errors are
//! `{"error": {"code", "message", "field"}}`; a POST with an
//! `Idempotency-Key` can be retried safely.

pub mod codes;
pub mod extract;
pub mod fields;
pub mod idempotency;
pub mod orgs;
pub mod people;

use crate::AppState;
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::LazyLock;
use utoipa::OpenApi;

/// The OpenAPI description of everything below.
#[derive(OpenApi)]
#[openapi(
    info(title = "Changxiao API", version = "1", description = "Organizations and members of the party organization tree."),
    paths(
        orgs::list, orgs::create, orgs::get, orgs::patch, orgs::move_to, orgs::close, orgs::children, orgs::path,
        people::list, people::create, people::get, people::patch, people::move_to,
        openapi_json,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    tags((name = "organizations", description = "The organization tree"), (name = "people", description = "Party members"), (name = "meta", description = "This description")),
)]
pub struct ApiDoc;

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
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
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
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "该地址不支持此方法 / this method is not allowed here")
}
