//! The own account: name, the roles held and where, the password, and the
//! API tokens for machine clients (created here, shown once, revocable).

use super::login::new_password;
use super::session::{CsrfForm, NoFields};
use super::views::minute;
use super::{PageContext, PageError, Viewer, render, render_secret, render_status};
use crate::AppState;
use crate::auth::{ClientAddress, cookies};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::access::{Action, Grant, TokenScope};
use domain::{Field, Id, Name};

/// A role held, as the account page lists it.
pub struct RoleRow {
    pub role: &'static str,
    pub org_name: String,
    pub from: String,
    pub to: Option<String>,
}

/// An API token, without its secret.
struct TokenRow {
    id: String,
    name: String,
    org_name: String,
    scope: &'static str,
    created: String,
    revoked: Option<String>,
}

/// An organization to choose in a form.
pub struct OrgOption {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    c: &'a PageContext,
    csrf: String,
    login: String,
    display_name: String,
    roles: Vec<RoleRow>,
    tokens: Vec<TokenRow>,
    token_orgs: Vec<OrgOption>,
    scopes: Vec<(&'static str, &'static str)>,
    /// The secret of the token just created: shown on this response only.
    new_token: Option<String>,
    notice: Option<&'static str>,
    error: Option<String>,
}

/// Whether a grant counts on `today`.
pub fn in_force(g: &Grant, today: NaiveDate) -> bool {
    g.valid_from <= today && g.valid_to.is_none_or(|to| today < to)
}

/// The grants of an account as rows, current first.
pub async fn role_rows(state: &AppState, grants: &[Grant], lang: i18n::Lang) -> Result<Vec<RoleRow>, PageError> {
    let today = state.today.date();
    let mut rows = Vec::new();
    let mut ordered: Vec<&Grant> = grants.iter().collect();
    ordered.sort_by_key(|g| (!in_force(g, today), g.valid_from));
    for g in ordered {
        let org_name = state.store.org(&g.org_id, today).await?.map(|o| o.name.to_string()).unwrap_or_default();
        rows.push(RoleRow {
            role: i18n::label(lang, "role", g.role.code()),
            org_name,
            from: g.valid_from.to_string(),
            to: g.valid_to.map(|d| d.to_string()),
        });
    }
    Ok(rows)
}

/// What the account page shows besides the account itself.
#[derive(Default)]
struct Extras {
    new_token: Option<String>,
    error: Option<String>,
    notice: Option<&'static str>,
}

async fn account_page<'a>(state: &AppState, ctx: &'a PageContext, viewer: &Viewer, extras: Extras) -> Result<AccountPage<'a>, PageError> {
    let today = state.today.date();
    let lang = ctx.lang;
    let account = &viewer.account;
    let roles = role_rows(state, &viewer.grants, lang).await?;
    let mut tokens = Vec::new();
    for t in state.store.api_tokens_of(&account.id).await? {
        let org_name = state.store.org(&t.org_id, today).await?.map(|o| o.name.to_string()).unwrap_or_default();
        tokens.push(TokenRow {
            id: t.id.to_string(),
            name: t.name.to_string(),
            org_name,
            scope: i18n::label(lang, "token_scope", t.scope.code()),
            created: minute(&t.created_at),
            revoked: t.revoked_at.as_deref().map(minute),
        });
    }
    let mut token_orgs: Vec<OrgOption> = Vec::new();
    for root in viewer.roots(state, Action::Read).await? {
        token_orgs.push(OrgOption { id: root.id.to_string(), label: root.name.to_string() });
    }
    Ok(AccountPage {
        c: ctx,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        login: account.login.as_str().to_owned(),
        display_name: account.display_name.to_string(),
        roles,
        tokens,
        token_orgs,
        scopes: TokenScope::ALL.iter().map(|s| (s.code(), i18n::label(lang, "token_scope", s.code()))).collect(),
        new_token: extras.new_token,
        notice: extras.notice,
        error: extras.error,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /account`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = query.map(|Query(q)| q).unwrap_or_default().done;
    let notice = match done.as_deref() {
        Some("password") => Some("password-changed"),
        Some("revoked") => Some("token-revoked-notice"),
        _ => None,
    };
    let result = async { render(&account_page(&state, &ctx, &viewer, Extras { notice, ..Extras::default() }).await?) }.await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct TokenFields {
    name: Option<String>,
    org_id: Option<String>,
    scope: Option<String>,
}

/// `POST /account/tokens`: creates a token and shows its secret once.
pub async fn create_token(State(state): State<AppState>, ctx: PageContext, form: CsrfForm<TokenFields>) -> Response {
    let CsrfForm { viewer, form } = form;
    let result = async {
        let today = state.today.date();
        let problem = |e: domain::FieldError| ctx.render(&e.message());
        let name = Name::parse(Field::Name, form.name.as_deref().unwrap_or_default()).map_err(problem);
        let scope = TokenScope::parse(form.scope.as_deref().unwrap_or_default()).map_err(problem);
        let org = match form.org_id.as_deref().and_then(Id::parse) {
            Some(id) => viewer.require(&state, Action::Read, &id, today).await.ok(),
            None => None,
        };
        let (name, scope, org) = match (name, scope, org) {
            (Ok(name), Ok(scope), Some(org)) => (name, scope, org),
            (Err(e), _, _) | (_, Err(e), _) => return failed(&state, &ctx, &viewer, e).await,
            (_, _, None) => return failed(&state, &ctx, &viewer, ctx.t("token-org-required").to_owned()).await,
        };
        let mut w = state.store.writer(&viewer.actor()).await?;
        let (_, secret) = state.store.create_api_token(&mut w, &viewer.account.id, name, &org.id, scope).await?;
        w.commit().await?;
        render_secret(&account_page(&state, &ctx, &viewer, Extras { new_token: Some(secret), ..Extras::default() }).await?)
    }
    .await;
    ctx.respond(result)
}

async fn failed(state: &AppState, ctx: &PageContext, viewer: &Viewer, error: String) -> Result<Response, PageError> {
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &account_page(state, ctx, viewer, Extras { error: Some(error), ..Extras::default() }).await?,
    )
}

/// `POST /account/tokens/{id}/revoke`: only the account's own tokens.
pub async fn revoke_token(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<NoFields>) -> Response {
    let viewer = form.viewer;
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let mut w = state.store.writer(&viewer.actor()).await?;
        state.store.revoke_api_token(&mut w, &viewer.account.id, &id).await?;
        w.commit().await?;
        Ok(Redirect::to("/account?done=revoked").into_response())
    }
    .await;
    ctx.respond(result)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    c: &'a PageContext,
    csrf: String,
    must_change: bool,
    error: Option<String>,
}

/// `GET /account/password`.
pub async fn password_form(ctx: PageContext, viewer: Viewer) -> Response {
    let page = PasswordPage {
        c: &ctx,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        must_change: viewer.account.must_change_password,
        error: None,
    };
    ctx.respond(render(&page))
}

#[derive(Debug, serde::Deserialize)]
pub struct PasswordFields {
    current: Option<String>,
    password: Option<String>,
    password2: Option<String>,
}

/// `POST /account/password`: checks the current password, sets the new one,
/// ends every session of the account and starts a fresh one for this browser.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    form: CsrfForm<PasswordFields>,
) -> Response {
    let CsrfForm { viewer, form } = form;
    let result = async {
        let again = |error: String| {
            let page = PasswordPage {
                c: &ctx,
                csrf: viewer.csrf().unwrap_or_default().to_owned(),
                must_change: viewer.account.must_change_password,
                error: Some(error),
            };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        };
        let current: String = form.current.unwrap_or_default().chars().take(200).collect();
        if !state.store.password_is(&viewer.account.id, &current).await? {
            return again(ctx.t("password-wrong-current").to_owned());
        }
        let password = match new_password(&ctx, &viewer.account.login, form.password.as_deref(), form.password2.as_deref()) {
            Ok(p) => p,
            Err(e) => return again(e),
        };
        let mut w = state.store.writer(&viewer.actor()).await?;
        state.store.set_password(&mut w, &viewer.account.id, &password).await?;
        w.commit().await?;
        let (secret, _) = state.store.create_session(&viewer.account.id, address.as_deref()).await?;
        let mut response = Redirect::to("/account?done=password").into_response();
        response.headers_mut().append(header::SET_COOKIE, cookies::set_session(&secret, cookies::secure(&state, &headers)));
        Ok(response)
    }
    .await;
    ctx.respond(result)
}
