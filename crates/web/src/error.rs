//! The API's one error type and its mapping to HTTP: every failure becomes
//! `{"error": {"code", "message", "field"}}` with a fitting status.
//!
//! Messages are one sentence in Chinese and English. They never repeat an
//! ID number or a phone number: field errors on personal data carry no value
//! (see [`domain::FieldError::new`]), and body-parsing errors never quote the
//! request.

use crate::auth::Denied;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
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

    /// 401: no valid session cookie or API token.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "请先登录，或提供有效的 API 令牌 / log in, or send a valid API token (Authorization: Bearer cx_…)",
        )
    }

    /// 403: a call authenticated by the session cookie without its CSRF token.
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "缺少或不符的 X-CSRF-Token / the X-CSRF-Token header is missing or does not match the session",
        )
    }

    /// 403: a read-only API token asked to write inside its subtree.
    pub fn insufficient_scope() -> Self {
        Self::new(StatusCode::FORBIDDEN, "insufficient_scope", "该令牌只能读取 / this token may only read")
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

impl From<Denied> for ApiError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::NotFound => ApiError::not_found(),
            Denied::InsufficientScope => ApiError::insufficient_scope(),
            Denied::Store(e) => e.into(),
        }
    }
}

impl ApiError {
    /// For an organization named in the request body: outside the grants it
    /// is answered like one that does not exist, 422 `not_found` naming the field.
    pub fn body_reference(field: &'static str) -> impl FnOnce(Denied) -> ApiError {
        move |d| match d {
            Denied::NotFound => ApiError::unprocessable(field, "not_found", format!("{field}: 找不到该记录 / {field}: no such record")),
            other => other.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let body =
            ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message, field: self.field.map(Cow::into_owned) } };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"changxiao\""));
        }
        response
    }
}
