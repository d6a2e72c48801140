//! The API's one error type and its mapping to HTTP: every failure becomes
//! `{"error": {"code", "message", "field"}}` with a fitting status.
//!
//! Messages are one sentence in Chinese and English. They never repeat an
//! ID number or a phone number: field errors on personal data carry no value
//! (see [`domain::FieldError::new`]), and body-parsing errors never quote the
//! request.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::borrow::Cow;
use store::StoreError;

/// An error as the API reports it.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<Cow<'static, str>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable snake_case code.
    pub code: String,
    /// A sentence in Chinese and English.
    pub message: String,
    /// The request field at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), field: None }
    }

    /// Names the request field at fault.
    pub fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "找不到 / not found")
    }

    /// 422: a well-formed request whose `field` holds an unusable value.
    pub fn unprocessable(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).with_field(field)
    }

    /// 400: the body is not the JSON the endpoint takes.
    pub fn bad_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_json", message)
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误 / internal error")
    }

    pub fn field(error: domain::FieldError) -> Self {
        let message = match &error.problem {
            // The store reports a clash with a recorded member as row 0.
            domain::Problem::Duplicate { first_row: 0 } => format!(
                "{}: 已有党员使用该值 / {}: already recorded for another member",
                error.field.zh_name(),
                api_field_name(error.field)
            ),
            _ => error.to_string(),
        };
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: error.problem.code(),
            message,
            field: Some(Cow::Borrowed(api_field_name(error.field))),
        }
    }
}

/// The JSON name of a domain field where the API's request bodies name it
/// differently from the import templates.
fn api_field_name(field: domain::Field) -> &'static str {
    use domain::Field;
    match field {
        Field::Parent => "parent_id",
        Field::Organization => "org_id",
        Field::Position => "positions",
        Field::ValidFrom | Field::ClosedOn => "on",
        other => other.api_name(),
    }
}

impl From<domain::FieldError> for ApiError {
    fn from(e: domain::FieldError) -> Self {
        ApiError::field(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict { current } => ApiError::new(
                StatusCode::CONFLICT,
                "version_conflict",
                format!("记录已被他人修改（当前版本 {current}）/ the record was changed by someone else (current version {current})"),
            ),
            StoreError::Invalid(f) => ApiError::field(f),
            StoreError::Rule(message) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violated", message),
            StoreError::Database(db) if db.as_database_error().is_some_and(|d| d.is_unique_violation()) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "与同时进行的另一修改冲突，请重试 / conflicts with a simultaneous change; try again",
            ),
            other => {
                tracing::error!(error = %other, "storage failure");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message, field: self.field.map(Cow::into_owned) } };
        (self.status, Json(body)).into_response()
    }
}
