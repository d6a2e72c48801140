//! Logging in and out, and setting a new password with a one-time reset
//! link. The two forms used without a session (login, reset) carry a
//! double-submit token (`cx_form` cookie and hidden field); a failed login
//! says only that the login or password is wrong; repeated failures are
//! slowed down by the store (429 with `Retry-After`).

use super::session::{CsrfForm, NoFields, safe_next};
use super::{PageContext, PageError, render_status};
use crate::AppState;
use crate::auth::{ClientAddress, Via, cookies, csrf};
use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Password;
use store::accounts::{LoginOutcome, new_secret};

/// The longest login and password passed on to be checked (no real one is longer).
const MAX_LOGIN_CHARS: usize = 100;
const MAX_PASSWORD_CHARS: usize = 200;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    c: &'a PageContext,
    login: String,
    next: String,
    csrf: String,
    /// An error in the page's language.
    error: Option<String>,
    /// A note above the form (after a password reset).
    notice: Option<&'static str>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct LoginFields {
    login: Option<String>,
    password: Option<String>,
    csrf: Option<String>,
    next: Option<String>,
}

/// The form token of this browser, or a new one (then set as a cookie).
fn form_token(headers: &HeaderMap) -> (String, bool) {
    match cookies::form_token(headers) {
        Some(token) => (token, false),
        None => (new_secret(), true),
    }
}

fn with_form_cookie(mut response: Response, token: &str, fresh: bool, secure: bool) -> Response {
    if fresh {
        response.headers_mut().append(header::SET_COOKIE, cookies::set_form(token, secure));
    }
    response
}

/// `GET /login`: the form (or, when already logged in, on to `next`).
pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    query: Result<Query<LoginQuery>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let next = safe_next(query.next.as_deref());
    if ctx.user.is_some() {
        return Redirect::to(&next).into_response();
    }
    let (token, fresh) = form_token(&headers);
    let notice = (query.done.as_deref() == Some("reset")).then_some("login-reset-done");
    let page = LoginPage { c: &ctx, login: String::new(), next, csrf: token.clone(), error: None, notice };
    let response = ctx.respond(render_status(StatusCode::OK, &page));
    with_form_cookie(response, &token, fresh, cookies::secure(&state, &headers))
}

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    fields: Result<Form<LoginFields>, FormRejection>,
) -> Response {
    let Ok(Form(fields)) = fields else {
        return ctx.respond(Err(PageError::BadRequest));
    };
    let cookie = cookies::form_token(&headers);
    if !csrf::double_submit_matches(cookie.as_deref(), fields.csrf.as_deref()) {
        return ctx.respond(Err(PageError::Forbidden));
    }
    let token = cookie.unwrap_or_default();
    let secure = cookies::secure(&state, &headers);
    let login: String = fields.login.unwrap_or_default().trim().chars().take(MAX_LOGIN_CHARS).collect();
    let password: String = fields.password.unwrap_or_default().chars().take(MAX_PASSWORD_CHARS).collect();
    let next = safe_next(fields.next.as_deref());
    let outcome = match state.store.attempt_login(&login, &password, address.as_deref()).await {
        Ok(outcome) => outcome,
        Err(e) => return ctx.respond(Err(e.into())),
    };
    let again = |status: StatusCode, error: String| {
        let page = LoginPage { c: &ctx, login: login.clone(), next: next.clone(), csrf: token.clone(), error: Some(error), notice: None };
        ctx.respond(render_status(status, &page))
    };
    match outcome {
        LoginOutcome::Success(account) => {
            if let Some(old) = cookies::session_secret(&headers)
                && let Err(e) = state.store.end_session(&old).await
            {
                return ctx.respond(Err(e.into()));
            }
            let (secret, _csrf) = match state.store.create_session(&account.id, address.as_deref()).await {
                Ok(created) => created,
                Err(e) => return ctx.respond(Err(e.into())),
            };
            let to = if account.must_change_password { "/account/password".to_owned() } else { next };
            let mut response = Redirect::to(&to).into_response();
            response.headers_mut().append(header::SET_COOKIE, cookies::set_session(&secret, secure));
            response.headers_mut().append(header::SET_COOKIE, cookies::clear_form(secure));
            response
        }
        LoginOutcome::Refused => again(StatusCode::UNAUTHORIZED, ctx.t("login-refused").to_owned()),
        LoginOutcome::Throttled { retry_after_secs } => {
            let at = chrono::Utc::now() + chrono::Duration::seconds(retry_after_secs);
            let at = at.with_timezone(&chrono_tz::Asia::Shanghai).format("%H:%M:%S");
            let message = format!("{} {at}（{retry_after_secs} {}）", ctx.t("login-throttled"), ctx.t("login-seconds"));
            let mut response = again(StatusCode::TOO_MANY_REQUESTS, message);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
            response
        }
    }
}

/// `POST /logout`: ends the session and clears its cookie.
pub async fn logout(State(state): State<AppState>, ctx: PageContext, headers: HeaderMap, form: CsrfForm<NoFields>) -> Response {
    if let Via::Session { secret, .. } = &form.viewer.via
        && let Err(e) = state.store.end_session(secret).await
    {
        return ctx.respond(Err(e.into()));
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookies::clear_session(cookies::secure(&state, &headers)));
    response
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage<'a> {
    c: &'a PageContext,
    login: String,
    action: String,
    csrf: String,
    error: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct ResetFields {
    password: Option<String>,
    password2: Option<String>,
    csrf: Option<String>,
}

fn well_formed_secret(secret: &str) -> bool {
    secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `GET /reset/{secret}`: the new-password form, or 404 for a link that is
/// unknown, used or expired.
pub async fn reset_form(State(state): State<AppState>, ctx: PageContext, headers: HeaderMap, Path(secret): Path<String>) -> Response {
    if !well_formed_secret(&secret) {
        return ctx.respond(Err(PageError::NotFound));
    }
    let account = match state.store.password_reset_account(&secret).await {
        Ok(Some(account)) => account,
        Ok(None) => return ctx.respond(Err(PageError::NotFound)),
        Err(e) => return ctx.respond(Err(e.into())),
    };
    let (token, fresh) = form_token(&headers);
    let page = ResetPage {
        c: &ctx,
        login: account.login.as_str().to_owned(),
        action: format!("/reset/{secret}"),
        csrf: token.clone(),
        error: None,
    };
    let mut response = ctx.respond(render_status(StatusCode::OK, &page));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    with_form_cookie(response, &token, fresh, cookies::secure(&state, &headers))
}

/// `POST /reset/{secret}`: sets the new password (the link then stops working).
pub async fn reset_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(secret): Path<String>,
    fields: Result<Form<ResetFields>, FormRejection>,
) -> Response {
    if !well_formed_secret(&secret) {
        return ctx.respond(Err(PageError::NotFound));
    }
    let Ok(Form(fields)) = fields else {
        return ctx.respond(Err(PageError::BadRequest));
    };
    let cookie = cookies::form_token(&headers);
    if !csrf::double_submit_matches(cookie.as_deref(), fields.csrf.as_deref()) {
        return ctx.respond(Err(PageError::Forbidden));
    }
    let account = match state.store.password_reset_account(&secret).await {
        Ok(Some(account)) => account,
        Ok(None) => return ctx.respond(Err(PageError::NotFound)),
        Err(e) => return ctx.respond(Err(e.into())),
    };
    let password = match new_password(&ctx, &account.login, fields.password.as_deref(), fields.password2.as_deref()) {
        Ok(p) => p,
        Err(error) => {
            let page = ResetPage {
                c: &ctx,
                login: account.login.as_str().to_owned(),
                action: format!("/reset/{secret}"),
                csrf: cookie.unwrap_or_default(),
                error: Some(error),
            };
            return ctx.respond(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    match state.store.complete_password_reset(&secret, &password, address.as_deref()).await {
        Ok(_) => {
            let mut response = Redirect::to("/login?done=reset").into_response();
            response.headers_mut().append(header::SET_COOKIE, cookies::clear_form(cookies::secure(&state, &headers)));
            response
        }
        Err(e) => ctx.respond(Err(e.into())),
    }
}

/// A new password typed twice, checked by the domain's rules; the error in
/// the page's language otherwise.
pub fn new_password(
    ctx: &PageContext,
    login: &domain::access::Login,
    first: Option<&str>,
    second: Option<&str>,
) -> Result<Password, String> {
    let first = first.unwrap_or_default();
    if first != second.unwrap_or_default() {
        return Err(ctx.t("password-mismatch").to_owned());
    }
    Password::parse(first, login).map_err(|e| ctx.render(&e.message()))
}
