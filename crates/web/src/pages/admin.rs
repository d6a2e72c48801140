//! Account management for administrators, inside the subtrees where they
//! hold `manage_accounts`: the accounts with grants there, creating an
//! account with its first role (a generated first password is shown once),
//! granting and ending roles, and one-time password-reset links (shown to
//! the administrator; no mail is sent).
//!
//! An administrator changes only accounts whose every current grant lies
//! inside their own subtrees, and never their own account: so no one can
//! widen their own rights, or take over an account that is worth more than
//! their own, through this page. Everyone else's account is a 404.

use super::account::{OrgOption, RoleRow, in_force, role_rows};
use super::session::{CsrfForm, NoFields};
use super::{PageContext, PageError, Viewer, render, render_secret, render_status};
use crate::AppState;
use crate::auth::cookies;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{Action, Login, Password, Role};
use domain::{Field, FieldError, Id, Name, Organization};
use store::StoreError;
use store::accounts::{Account, GrantRecord, new_secret};

/// The most organizations offered in a form's list.
const MAX_ORG_OPTIONS: usize = 5_000;

/// An account in the administrator's list.
struct AccountRow {
    id: String,
    login: String,
    display_name: String,
    roles: String,
}

/// An account just created, with its generated first password if any.
struct Created {
    id: String,
    login: String,
    password: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct ListPage<'a> {
    c: &'a PageContext,
    csrf: String,
    accounts: Vec<AccountRow>,
    orgs: Vec<OrgOption>,
    roles: Vec<(&'static str, &'static str)>,
    created: Option<Created>,
    error: Option<String>,
    /// What was typed, to show again with an error.
    login: String,
    display_name: String,
}

/// One grant of the account shown, and whether this administrator may end it.
struct GrantRow {
    id: String,
    role: RoleRow,
    can_end: bool,
}

#[derive(Template)]
#[template(path = "admin_account.html")]
struct AccountPage<'a> {
    c: &'a PageContext,
    csrf: String,
    id: String,
    login: String,
    display_name: String,
    grants: Vec<GrantRow>,
    /// The administrator may change this account.
    manageable: bool,
    is_self: bool,
    orgs: Vec<OrgOption>,
    roles: Vec<(&'static str, &'static str)>,
    reset_link: Option<String>,
    error: Option<String>,
    /// Where the weekly digest of the linked member goes ("" for none).
    email: String,
}

fn role_options(lang: i18n::Lang) -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), i18n::label(lang, "role", r.code()))).collect()
}

/// The subtrees the viewer manages accounts in; none → the pages do not exist.
async fn managed_roots(state: &AppState, viewer: &Viewer) -> Result<Vec<Organization>, PageError> {
    let roots = viewer.roots(state, Action::ManageAccounts).await?;
    if roots.is_empty() { Err(PageError::NotFound) } else { Ok(roots) }
}

/// The organizations of the managed subtrees, indented by depth.
async fn org_options(state: &AppState, roots: &[Organization]) -> Result<Vec<OrgOption>, PageError> {
    let mut options = Vec::new();
    for root in roots {
        for org in state.store.subtree(&root.id, state.today.date()).await? {
            if options.len() >= MAX_ORG_OPTIONS {
                return Ok(options);
            }
            let depth = org.path.len().saturating_sub(root.path.len());
            options.push(OrgOption { id: org.id.to_string(), label: format!("{}{}", "\u{3000}".repeat(depth), org.name) });
        }
    }
    Ok(options)
}

fn message(ctx: &PageContext, e: &FieldError) -> String {
    ctx.render(&e.message())
}

async fn list_page<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    created: Option<Created>,
    error: Option<String>,
    typed: (String, String),
) -> Result<ListPage<'a>, PageError> {
    let today = state.today.date();
    let roots = managed_roots(state, viewer).await?;
    let mut accounts: Vec<Account> = Vec::new();
    for root in &roots {
        for account in state.store.accounts_under(&root.id, today).await? {
            if !accounts.iter().any(|a| a.id == account.id) {
                accounts.push(account);
            }
        }
    }
    accounts.sort_by(|a, b| a.login.as_str().cmp(b.login.as_str()));
    let mut rows = Vec::with_capacity(accounts.len());
    for account in accounts {
        let grants: Vec<_> =
            state.store.grants_of(&account.id).await?.into_iter().map(|g| g.grant).filter(|g| in_force(g, today)).collect();
        let roles = role_rows(state, &grants, ctx.lang).await?;
        let roles: Vec<String> = roles.iter().map(|r| format!("{} · {}", r.role, r.org_name)).collect();
        rows.push(AccountRow {
            id: account.id.to_string(),
            login: account.login.as_str().to_owned(),
            display_name: account.display_name.to_string(),
            roles: roles.join(i18n::t(ctx.lang, "list-separator")),
        });
    }
    Ok(ListPage {
        c: ctx,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        accounts: rows,
        orgs: org_options(state, &roots).await?,
        roles: role_options(ctx.lang),
        created,
        error,
        login: typed.0,
        display_name: typed.1,
    })
}

/// `GET /admin/accounts`.
pub async fn list(State(state): State<AppState>, ctx: PageContext, viewer: Viewer) -> Response {
    let result = async { render(&list_page(&state, &ctx, &viewer, None, None, Default::default()).await?) }.await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct NewAccountFields {
    login: Option<String>,
    display_name: Option<String>,
    password: Option<String>,
    role: Option<String>,
    org_id: Option<String>,
}

/// `POST /admin/accounts`: a new account with its first role; it must
/// change its password at the first login.
pub async fn create(State(state): State<AppState>, ctx: PageContext, form: CsrfForm<NewAccountFields>) -> Response {
    let CsrfForm { viewer, form } = form;
    let result = async {
        let today = state.today.date();
        managed_roots(&state, &viewer).await?;
        let typed = (form.login.clone().unwrap_or_default(), form.display_name.clone().unwrap_or_default());
        let (st, cx, vw) = (&state, &ctx, &viewer);
        let refuse = move |error: String| {
            let typed = typed.clone();
            async move { render_status(StatusCode::UNPROCESSABLE_ENTITY, &list_page(st, cx, vw, None, Some(error), typed).await?) }
        };
        let login = match Login::parse(form.login.as_deref().unwrap_or_default()) {
            Ok(l) => l,
            Err(e) => return refuse(message(&ctx, &e)).await,
        };
        let display_name = match Name::parse(Field::Name, form.display_name.as_deref().unwrap_or_default()) {
            Ok(n) => n,
            Err(e) => return refuse(message(&ctx, &e)).await,
        };
        let typed_password = form.password.as_deref().filter(|p| !p.is_empty());
        let generated = typed_password.is_none().then(|| new_secret()[..20].to_owned());
        let password = match Password::parse(typed_password.or(generated.as_deref()).unwrap_or_default(), &login) {
            Ok(p) => p,
            Err(e) => return refuse(message(&ctx, &e)).await,
        };
        let role = match Role::parse(form.role.as_deref().unwrap_or_default()) {
            Ok(r) => r,
            Err(e) => return refuse(message(&ctx, &e)).await,
        };
        let Some(org) = managed_org(&state, &viewer, form.org_id.as_deref()).await? else {
            return refuse(ctx.t("admin-org-required").to_owned()).await;
        };
        let mut w = state.store.writer(&viewer.actor()).await?;
        let account = match state.store.create_account(&mut w, login, display_name, None, &password, true).await {
            Ok(a) => a,
            Err(StoreError::Invalid(e)) => {
                drop(w);
                return refuse(message(&ctx, &e)).await;
            }
            Err(e) => return Err(e.into()),
        };
        state.store.add_grant(&mut w, &account.id, role, &org.id, today).await?;
        w.commit().await?;
        let created = Created { id: account.id.to_string(), login: account.login.as_str().to_owned(), password: generated };
        render_secret(&list_page(&state, &ctx, &viewer, Some(created), None, Default::default()).await?)
    }
    .await;
    ctx.respond(result)
}

/// An organization chosen in a form, if it lies where the viewer manages accounts.
async fn managed_org(state: &AppState, viewer: &Viewer, raw: Option<&str>) -> Result<Option<Organization>, PageError> {
    let Some(id) = raw.and_then(|r| Id::parse(r.trim())) else { return Ok(None) };
    match viewer.require(state, Action::ManageAccounts, &id, state.today.date()).await {
        Ok(org) => Ok(Some(org)),
        Err(crate::auth::Denied::Store(e)) => Err(e.into()),
        Err(_) => Ok(None),
    }
}

/// An account as this administrator sees it.
struct Target {
    account: Account,
    grants: Vec<(GrantRecord, bool)>,
    manageable: bool,
    is_self: bool,
}

/// The account `raw_id` if it holds a grant inside the viewer's managed
/// subtrees (404 otherwise), each grant marked in or out of them.
async fn target(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Target, PageError> {
    managed_roots(state, viewer).await?;
    let today = state.today.date();
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let account = state.store.account(&id).await?.ok_or(PageError::NotFound)?;
    let mut grants = Vec::new();
    for record in state.store.grants_of(&id).await? {
        let inside = match state.store.org(&record.grant.org_id, today).await? {
            Some(org) => viewer.may(Action::ManageAccounts, &org.path, today),
            None => false,
        };
        grants.push((record, inside));
    }
    if !grants.iter().any(|(_, inside)| *inside) {
        return Err(PageError::NotFound);
    }
    let is_self = account.id == viewer.account.id;
    let manageable = !is_self && grants.iter().all(|(g, inside)| *inside || !in_force(&g.grant, today));
    Ok(Target { account, grants, manageable, is_self })
}

async fn account_page<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    target: Target,
    reset_link: Option<String>,
    error: Option<String>,
) -> Result<AccountPage<'a>, PageError> {
    let today = state.today.date();
    let roots = managed_roots(state, viewer).await?;
    let mut grants = Vec::new();
    for (record, inside) in &target.grants {
        let row = role_rows(state, std::slice::from_ref(&record.grant), ctx.lang).await?.pop();
        if let Some(role) = row {
            let can_end = target.manageable && *inside && in_force(&record.grant, today);
            grants.push(GrantRow { id: record.id.to_string(), role, can_end });
        }
    }
    Ok(AccountPage {
        c: ctx,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        id: target.account.id.to_string(),
        login: target.account.login.as_str().to_owned(),
        display_name: target.account.display_name.to_string(),
        grants,
        manageable: target.manageable,
        is_self: target.is_self,
        orgs: if target.manageable { org_options(state, &roots).await? } else { Vec::new() },
        roles: role_options(ctx.lang),
        reset_link,
        error,
        email: state.store.account_email(&target.account.id).await?.unwrap_or_default(),
    })
}

/// `GET /admin/accounts/{id}`.
pub async fn account(State(state): State<AppState>, ctx: PageContext, viewer: Viewer, Path(id): Path<String>) -> Response {
    let result = async {
        let target = target(&state, &viewer, &id).await?;
        render(&account_page(&state, &ctx, &viewer, target, None, None).await?)
    }
    .await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct GrantFields {
    role: Option<String>,
    org_id: Option<String>,
}

/// The account if this administrator may change it (404 otherwise, like an
/// account they cannot see at all).
async fn manageable_target(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Target, PageError> {
    let target = target(state, viewer, raw_id).await?;
    if target.manageable { Ok(target) } else { Err(PageError::NotFound) }
}

/// `POST /admin/accounts/{id}/grants`.
pub async fn grant(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<GrantFields>) -> Response {
    let CsrfForm { viewer, form } = form;
    let result = async {
        let target = manageable_target(&state, &viewer, &id).await?;
        let role = Role::parse(form.role.as_deref().unwrap_or_default()).map_err(|e| message(&ctx, &e));
        let org = managed_org(&state, &viewer, form.org_id.as_deref()).await?;
        let (role, org) = match (role, org) {
            (Ok(role), Some(org)) => (role, org),
            (Err(e), _) => {
                return render_status(StatusCode::UNPROCESSABLE_ENTITY, &account_page(&state, &ctx, &viewer, target, None, Some(e)).await?);
            }
            (_, None) => {
                let e = ctx.t("admin-org-required").to_owned();
                return render_status(StatusCode::UNPROCESSABLE_ENTITY, &account_page(&state, &ctx, &viewer, target, None, Some(e)).await?);
            }
        };
        let mut w = state.store.writer(&viewer.actor()).await?;
        state.store.add_grant(&mut w, &target.account.id, role, &org.id, state.today.date()).await?;
        w.commit().await?;
        Ok(Redirect::to(&format!("/admin/accounts/{}", target.account.id)).into_response())
    }
    .await;
    ctx.respond(result)
}

/// `POST /admin/accounts/{id}/grants/{grant}/end`: the grant stops counting today.
pub async fn end_grant(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, grant_id)): Path<(String, String)>,
    form: CsrfForm<NoFields>,
) -> Response {
    let viewer = form.viewer;
    let result = async {
        let today = state.today.date();
        let target = manageable_target(&state, &viewer, &id).await?;
        let grant_id = Id::parse(&grant_id).ok_or(PageError::NotFound)?;
        let endable = target.grants.iter().any(|(g, inside)| g.id == grant_id && *inside && in_force(&g.grant, today));
        if !endable {
            return Err(PageError::NotFound);
        }
        let mut w = state.store.writer(&viewer.actor()).await?;
        state.store.end_grant(&mut w, &grant_id, today).await?;
        w.commit().await?;
        Ok(Redirect::to(&format!("/admin/accounts/{}", target.account.id)).into_response())
    }
    .await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct EmailFields {
    email: Option<String>,
}

/// `POST /admin/accounts/{id}/email`: sets or clears the address the weekly
/// digest of the linked member is mailed to.
pub async fn set_email(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<EmailFields>) -> Response {
    let CsrfForm { viewer, form } = form;
    let result = async {
        let target = manageable_target(&state, &viewer, &id).await?;
        let mut w = state.store.writer(&viewer.actor()).await?;
        match state.store.set_account_email(&mut w, &target.account.id, form.email.as_deref()).await {
            Ok(()) => w.commit().await?,
            Err(StoreError::Rule(message)) => {
                drop(w);
                let e = ctx.render(&message);
                return render_status(StatusCode::UNPROCESSABLE_ENTITY, &account_page(&state, &ctx, &viewer, target, None, Some(e)).await?);
            }
            Err(e) => return Err(e.into()),
        }
        Ok(Redirect::to(&format!("/admin/accounts/{}", target.account.id)).into_response())
    }
    .await;
    ctx.respond(result)
}

/// `POST /admin/accounts/{id}/reset`: a one-time reset link, valid 24 hours,
/// shown on this response only for the administrator to pass on.
pub async fn reset_link(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: CsrfForm<NoFields>,
) -> Response {
    let viewer = form.viewer;
    let result = async {
        let target = manageable_target(&state, &viewer, &id).await?;
        let mut w = state.store.writer(&viewer.actor()).await?;
        let secret = state.store.create_password_reset(&mut w, &target.account.id).await?;
        w.commit().await?;
        let link = format!("{}/reset/{secret}", origin(&state, &headers));
        render_secret(&account_page(&state, &ctx, &viewer, target, Some(link), None).await?)
    }
    .await;
    ctx.respond(result)
}

/// `scheme://host` of this request, for links to pass on; empty (a path
/// only) when the request names no usable host.
pub(super) fn origin(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let usable = !host.is_empty() && host.len() <= 255 && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    if !usable {
        return String::new();
    }
    let scheme = if cookies::secure(state, headers) { "https" } else { "http" };
    format!("{scheme}://{host}")
}
