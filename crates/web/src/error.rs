//! The API's one error type and its mapping to HTTP: every failure becomes
//! `{"error": {"code", "message", "field"}}` with a fitting status.
//!
//! An [`ApiError`] carries a stable code and a typed message, never text:
//! the words are put together once, by [`render_errors`], in the language
//! of the call (`Accept-Language`, zh-CN by default). Messages never repeat
//! an ID number or a phone number: field errors on personal data carry no
//! value (see [`domain::FieldError::new`]), and body-parsing errors never
//! quote the request. Failures of the installation (the database out of
//! reach, a file that cannot be written) are 500 or 503 with their cause in
//! the log and nothing internal in the answer.

use crate::auth::Denied;
use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::Message;
use i18n::Lang;
use serde::Serialize;
use std::borrow::Cow;
use store::StoreError;

/// An error as the API reports it.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Message,
    pub field: Option<Cow<'static, str>>,
    /// The rows of a refused spreadsheet, each with its own message.
    pub rows: Vec<domain::sheet::RowError>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable snake_case code.
    pub code: String,
    /// A sentence in the caller's language: `Accept-Language` picks zh-CN
    /// (the default) or en.
    pub message: String,
    /// The request field at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For a refused spreadsheet: every bad row, in the file's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowDetail>,
}

/// One bad row of a refused spreadsheet.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RowDetail {
    /// The line of the file (the header is line 1).
    pub line: usize,
    /// The column at fault, by its field code.
    pub field: String,
    /// A stable snake_case code of the problem.
    pub code: String,
    /// The row's problem in the caller's language, as the command line says it.
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: Message) -> Self {
        ApiError { status, code, message, field: None, rows: Vec::new() }
    }

    /// Names the request field at fault.
    pub fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", Message::new("api-not-found"))
    }

    /// 422: a well-formed request whose `field` (as the request names it)
    /// holds an unusable value; `problem` says what is wrong with it.
    pub fn unprocessable(field: &'static str, code: &'static str, problem: Message) -> Self {
        let message = Message::new("field-error").text("field", field).message("problem", problem);
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).with_field(field)
    }

    /// 400: the body is not the JSON the endpoint takes.
    pub fn bad_json(message: Message) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_json", message)
    }

    /// 401: no valid session cookie or API token.
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", Message::new("api-unauthenticated"))
    }

    /// 403: a call authenticated by the session cookie without its CSRF token.
    pub fn csrf() -> Self {
        Self::new(StatusCode::FORBIDDEN, "csrf", Message::new("api-csrf"))
    }

    /// 403: a read-only API token asked to write inside its subtree.
    pub fn insufficient_scope() -> Self {
        Self::new(StatusCode::FORBIDDEN, "insufficient_scope", Message::new("api-insufficient-scope"))
    }

    /// 500: a failure of this installation; the cause is logged where it happened.
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", Message::new("api-internal"))
    }

    /// 503: the database is out of reach or busy; the same call may succeed later.
    pub fn unavailable() -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", Message::new("api-unavailable"))
    }

    pub fn field(error: domain::FieldError) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: error.problem.code(),
            field: Some(Cow::Borrowed(api_field_name(error.field))),
            message: error.message(),
            rows: Vec::new(),
        }
    }

    /// The body in `lang`.
    pub fn body(&self, lang: Lang) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: i18n::render(lang, &self.message),
                field: self.field.as_deref().map(str::to_owned),
                rows: self
                    .rows
                    .iter()
                    .map(|r| RowDetail {
                        line: r.line,
                        field: r.error.field.code().to_owned(),
                        code: r.error.problem.code().to_owned(),
                        message: i18n::render(lang, &r.message()),
                    })
                    .collect(),
            },
        }
    }
}

/// The JSON name of a domain field where the API's request bodies name it
/// differently from the import templates.
pub fn api_field_name(field: domain::Field) -> &'static str {
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
            StoreError::Conflict { current } => {
                ApiError::new(StatusCode::CONFLICT, "version_conflict", Message::new("api-version-conflict").number("current", current))
            }
            StoreError::Invalid(f) => ApiError::field(f),
            StoreError::Rule(message) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violated", message),
            StoreError::Database(db) if db.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", Message::new("api-simultaneous-change"))
            }
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::unavailable()
            }
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
            Denied::NotFound => ApiError::unprocessable(field, "not_found", Message::new("problem-no-such-record")),
            other => other.into(),
        }
    }
}

/// An error answered but not yet put into words: [`render_errors`] writes
/// its body in the caller's language.
#[derive(Clone, Debug)]
struct Unrendered(ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut response = (status, Json(self.body(Lang::default()))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"changxiao\""));
        }
        response.extensions_mut().insert(Unrendered(self));
        response
    }
}

/// The language of an API call: its `Accept-Language`, zh-CN by default.
pub fn call_lang(headers: &axum::http::HeaderMap) -> Lang {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language).unwrap_or_default()
}

/// Middleware of the API: writes every error's message in the language of
/// the call, and says that answers vary by it.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let lang = call_lang(request.headers());
    let mut response = next.run(request).await;
    if let Some(Unrendered(error)) = response.extensions_mut().remove::<Unrendered>()
        && lang != Lang::default()
    {
        let (mut parts, _) = response.into_parts();
        let body = Json(error.body(lang)).into_response();
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, body.into_body());
    }
    response.headers_mut().append(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}
