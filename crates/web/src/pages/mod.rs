//! The server-rendered pages: login and the own account, account
//! management, the audit trail, the organization tree, members, search,
//! what the requirements ask and what was done (`compliance`), and the
//! one stylesheet. Pages work without JavaScript, load nothing from
//! outside this server, and carry strict security headers.
//!
//! Each handler is thin: it takes the [`PageContext`] (language and header
//! links) and the [`Viewer`] (the logged-in principal; anonymous visitors
//! are sent to the login page), calls one function of a page module that
//! checks the viewer's grants, reads the store and builds a template, and
//! lets [`PageContext::respond`] turn failures into the friendly error page.

mod account;
mod admin;
pub mod attachments;
mod audit;
mod birthdays;
mod calendar;
mod compliance;
mod context;
mod forms;
mod guide;
mod imports;
mod login;
mod orgs;
mod people;
mod record;
mod research;
mod search;
pub mod session;
mod views;

pub use context::PageContext;
pub use session::{CsrfForm, Viewer};

use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use i18n::Lang;
use std::sync::LazyLock;

/// The page routes, with the security headers and the language cookie.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/orgs/{id}", get(org))
        .route("/people/{id}", get(person))
        .route("/search", get(search_page))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/reset/{secret}", get(login::reset_form).post(login::reset_submit))
        .route("/account", get(account::page))
        .route("/account/password", get(account::password_form).post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin/accounts", get(admin::list).post(admin::create))
        .route("/admin/accounts/{id}", get(admin::account))
        .route("/admin/accounts/{id}/grants", post(admin::grant))
        .route("/admin/accounts/{id}/grants/{grant}/end", post(admin::end_grant))
        .route("/admin/accounts/{id}/reset", post(admin::reset_link))
        .route("/admin/accounts/{id}/email", post(admin::set_email))
        .route("/audit", get(audit::page))
        .route("/audit/open", post(audit::open))
        .route("/calendar/{file}", get(calendar::feed))
        .route("/people/{id}/calendar", post(calendar::create_person_feed))
        .route("/people/{id}/calendar/revoke", post(calendar::revoke_person_feed))
        .route("/orgs/{id}/calendar", post(calendar::create_org_feed))
        .route("/orgs/{id}/calendar/revoke", post(calendar::revoke_org_feed))
        .route("/static/app.css", get(stylesheet))
        .route("/attachments/{id}", get(attachments::download))
        .route("/attachments/{id}/remove", post(attachments::remove))
        .route(
            "/activities/{id}/attachments",
            post(attachments::upload).layer(axum::extract::DefaultBodyLimit::max(crate::api::attachments::MAX_UPLOAD_BODY_BYTES)),
        )
        .merge(compliance::routes())
        .merge(birthdays::routes())
        .merge(record::routes())
        .merge(research::routes())
        .merge(imports::routes())
        .merge(guide::routes())
        .layer(middleware::from_fn(page_headers))
}

async fn home(State(state): State<AppState>, ctx: PageContext, viewer: Viewer) -> Response {
    ctx.respond(orgs::home(&state, &ctx, &viewer).await)
}

async fn org(State(state): State<AppState>, ctx: PageContext, viewer: Viewer, Path(id): Path<String>) -> Response {
    ctx.respond(orgs::org_page(&state, &ctx, &viewer, &id).await)
}

async fn person(State(state): State<AppState>, ctx: PageContext, viewer: Viewer, Path(id): Path<String>) -> Response {
    ctx.respond(people::person_page(&state, &ctx, &viewer, &id).await)
}

async fn search_page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    query: Result<Query<search::SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let params = query.map(|Query(p)| p).unwrap_or_default();
    ctx.respond(search::search_page(&state, &ctx, &viewer, params).await)
}

/// The stylesheet, embedded in the binary.
pub const STYLESHEET: &str = include_str!("../../static/app.css");

/// The stylesheet's address with a content fingerprint, so it can be cached for a year.
pub static STYLESHEET_HREF: LazyLock<String> = LazyLock::new(|| {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(STYLESHEET.as_bytes());
    format!("/static/app.css?v={}", &hex::encode(digest)[..12])
});

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], STYLESHEET)
        .into_response()
}

/// The Content-Security-Policy of every page: nothing from outside, no inline script or style.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// How long the language cookie lasts: one year.
const LANG_COOKIE_MAX_AGE: u32 = 365 * 24 * 3600;

/// Adds the security headers, remembers a language chosen with `?lang=`
/// in a cookie, and keeps personal pages out of shared caches.
async fn page_headers(request: Request, next: Next) -> Response {
    let chosen = context::lang_from_query(request.uri());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A response may set a stricter policy of its own (a download: `sandbox`).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
    }
    if let Some(lang) = chosen {
        let cookie = format!("lang={}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE}; SameSite=Lax; HttpOnly", lang.code());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// No such record, an id that cannot be one, or a record outside the
    /// viewer's grants: the same page in every case.
    NotFound,
    /// A form without the session's CSRF token (nothing was done).
    Forbidden,
    /// A form that could not be read.
    BadRequest,
    Store(store::StoreError),
    Render(askama::Error),
}

impl From<crate::auth::Denied> for PageError {
    fn from(d: crate::auth::Denied) -> Self {
        match d {
            crate::auth::Denied::NotFound | crate::auth::Denied::InsufficientScope => PageError::NotFound,
            crate::auth::Denied::Store(e) => PageError::Store(e),
        }
    }
}

impl From<store::StoreError> for PageError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound => PageError::NotFound,
            other => PageError::Store(other),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError::Render(e)
    }
}

/// Renders a template into a 200 response.
pub fn render(template: &impl Template) -> Result<Response, PageError> {
    Ok(Html(template.render()?).into_response())
}

/// Renders a template with another status (a form shown again with its error).
pub fn render_status(status: StatusCode, template: &impl Template) -> Result<Response, PageError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// Renders a page that shows a secret once (a new token, a generated
/// password, a reset link): never stored by any cache.
pub fn render_secret(template: &impl Template) -> Result<Response, PageError> {
    let mut response = render(template)?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The error page (not found, or a failure on our side).
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: &'a PageContext,
    title_key: &'static str,
    text_key: &'static str,
}

impl PageContext {
    /// Turns a page result into a response, rendering failures as the error page.
    pub fn respond(&self, result: Result<Response, PageError>) -> Response {
        let error = match result {
            Ok(response) => return response,
            Err(e) => e,
        };
        let (status, title_key, text_key) = match &error {
            PageError::NotFound => (StatusCode::NOT_FOUND, "error-not-found-title", "error-not-found-text"),
            PageError::Forbidden => (StatusCode::FORBIDDEN, "error-csrf-title", "error-csrf-text"),
            PageError::BadRequest => (StatusCode::BAD_REQUEST, "error-bad-request-title", "error-bad-request-text"),
            PageError::Store(e) => {
                tracing::error!(error = %e, "page failed: storage");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal-title", "error-internal-text")
            }
            PageError::Render(e) => {
                tracing::error!(error = %e, "page failed: template");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal-title", "error-internal-text")
            }
        };
        match (ErrorPage { c: self, title_key, text_key }).render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (status, i18n::t(self.lang, text_key).to_owned()).into_response()
            }
        }
    }

    /// The `lang` attribute and the language of this response.
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }
}
