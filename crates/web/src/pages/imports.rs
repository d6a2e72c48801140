//! Spreadsheets as pages, for those who may import (administrators and
//! organization departments):
//!
//! - `/imports`: the three templates to download, the upload form (what
//!   the file holds, for which organization's subtree, the file) and the
//!   latest uploads there;
//! - `POST /imports/upload`: reads the file and previews it — every row applied
//!   as a trial, nothing written — then shows the preview; a file with bad
//!   rows is shown again with every bad row named as the command line
//!   names it (422), a file over 32 MiB is refused (413);
//! - `/imports/{id}`: the preview (rows to create, rows that change and
//!   how, rows left alone, warnings) with 确认导入 and 取消, or what the
//!   upload did;
//! - `POST /imports/{id}/commit` and `/cancel`: a commit refused because
//!   the records changed since the preview writes nothing and says so.
//!
//! The work is `crate::uploads`, shared with the API.

use crate::AppState;
use crate::api::attachments::{UploadError, read_multipart_limited};
use crate::auth::csrf;
use crate::pages::session::CsrfForm;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer, render, render_status};
use crate::uploads::{self, MAX_SHEET_BYTES, Refusal};
use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::access::Action;
use domain::{Id, Organization};
use i18n::Lang;
use store::Audited;
use store::uploads::{RowAction, SheetKind, Upload, UploadStatus};

/// How many recent uploads the page lists.
const RECENT: i64 = 20;

/// The routes of these pages (merged into the page routes).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports", get(list_page))
        .route(
            "/imports/upload",
            get(|| async { Redirect::to("/imports") })
                .post(upload)
                .layer(axum::extract::DefaultBodyLimit::max(uploads::MAX_SHEET_BODY_BYTES)),
        )
        .route("/imports/templates/{file}", get(template))
        .route("/imports/{id}", get(upload_page))
        .route("/imports/{id}/commit", post(commit))
        .route("/imports/{id}/cancel", post(cancel))
}

/// An organization offered as the target of an upload.
struct Target {
    id: String,
    label: String,
    chosen: bool,
}

/// One upload in the list.
struct UploadRow {
    href: String,
    at: String,
    kind: &'static str,
    org: String,
    file_name: String,
    status: &'static str,
    status_code: &'static str,
    counts: String,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportsPage<'a> {
    c: &'a PageContext,
    csrf: String,
    kinds: Vec<(&'static str, &'static str, bool)>,
    targets: Vec<Target>,
    max_mb: usize,
    /// Why the last upload was refused: a sentence, then each bad row.
    refusal: Option<String>,
    bad_rows: Vec<String>,
    recent: Vec<UploadRow>,
}

fn kind_label(lang: Lang, kind: SheetKind) -> &'static str {
    i18n::label(lang, "sheet_kind", kind.code())
}

fn status_label(lang: Lang, status: UploadStatus) -> &'static str {
    i18n::label(lang, "upload_status", status.code())
}

/// The organizations the viewer may import into: each grant's root and
/// the organizations directly under it.
async fn targets(state: &AppState, viewer: &Viewer) -> Result<Vec<Organization>, PageError> {
    let today = state.today.date();
    let mut found = Vec::new();
    for root in viewer.roots(state, Action::Import).await? {
        let children = state.store.children(&root.id, today).await?;
        found.push(root);
        found.extend(children);
    }
    Ok(found)
}

fn counts(lang: Lang, u: &Upload) -> String {
    i18n::t_args(
        lang,
        "imports-counts",
        &[("rows", u.rows.into()), ("created", u.created.into()), ("updated", u.updated.into()), ("unchanged", u.unchanged.into())],
    )
}

/// What the list page needs besides a refusal.
async fn list_view<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    chosen: Option<(SheetKind, &Id)>,
) -> Result<ImportsPage<'a>, PageError> {
    let lang = ctx.lang;
    let orgs = targets(state, viewer).await?;
    if orgs.is_empty() {
        return Err(PageError::NotFound);
    }
    let ids: Vec<Id> = orgs.iter().map(|o| o.id.clone()).collect();
    let names: std::collections::HashMap<&Id, &str> = orgs.iter().map(|o| (&o.id, o.name.as_str())).collect();
    let recent = state
        .store
        .uploads_for(&ids, RECENT)
        .await?
        .into_iter()
        .map(|u| UploadRow {
            href: format!("/imports/{}", u.id),
            at: crate::pages::views::minute(&u.created_at),
            kind: kind_label(lang, u.kind),
            org: names.get(&u.org_id).copied().unwrap_or_default().to_owned(),
            counts: counts(lang, &u),
            file_name: u.file_name,
            status: status_label(lang, u.status),
            status_code: u.status.code(),
        })
        .collect();
    let chosen_kind = chosen.map_or(SheetKind::Orgs, |(k, _)| k);
    let chosen_org = chosen.map(|(_, id)| id.clone());
    Ok(ImportsPage {
        c: ctx,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        kinds: SheetKind::ALL.iter().map(|k| (k.code(), kind_label(lang, *k), *k == chosen_kind)).collect(),
        targets: orgs
            .iter()
            .enumerate()
            .map(|(i, o)| Target {
                id: o.id.to_string(),
                label: if o.path.len() > orgs[0].path.len() { format!("　{}", o.name) } else { o.name.to_string() },
                chosen: chosen_org.as_ref().map_or(i == 0, |c| *c == o.id),
            })
            .collect(),
        max_mb: MAX_SHEET_BYTES / (1024 * 1024),
        refusal: None,
        bad_rows: Vec::new(),
        recent,
    })
}

async fn list_page(State(state): State<AppState>, ctx: PageContext, viewer: Viewer) -> Response {
    let result = async { render(&list_view(&state, &ctx, &viewer, None).await?) }.await;
    ctx.respond(result)
}

/// `/imports/templates/{kind}.xlsx`.
async fn template(State(state): State<AppState>, ctx: PageContext, viewer: Viewer, Path(file): Path<String>) -> Response {
    let result = async {
        if !viewer.holds(Action::Import, state.today.date()) {
            return Err(PageError::NotFound);
        }
        let kind = file.strip_suffix(".xlsx").and_then(SheetKind::parse).ok_or(PageError::NotFound)?;
        crate::api::imports::template_response(kind)
            .map_err(|e| PageError::Store(store::StoreError::Files(std::io::Error::other(e.to_string()))))
    }
    .await;
    ctx.respond(result)
}

/// Shows the list page again with why the upload was refused.
async fn refused(
    state: &AppState,
    ctx: &PageContext,
    viewer: &Viewer,
    chosen: Option<(SheetKind, &Id)>,
    refusal: Refusal,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let mut page = list_view(state, ctx, viewer, chosen).await?;
    let (status, sentence, rows) = match refusal {
        Refusal::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, i18n::t(lang, "api-imports-unavailable").to_owned(), Vec::new()),
        Refusal::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            i18n::t_args(lang, "api-sheet-too-large", &[("max_mb", (MAX_SHEET_BYTES / (1024 * 1024)).into())]),
            Vec::new(),
        ),
        Refusal::Sheet(e) => (StatusCode::UNPROCESSABLE_ENTITY, i18n::render(lang, &e.message()), Vec::new()),
        Refusal::Rows(rows) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            i18n::t_args(lang, "upload-rows-refused", &[("rows", rows.len().into())]),
            rows.iter().map(|r| i18n::render(lang, &r.message())).collect(),
        ),
        Refusal::Stale => (StatusCode::CONFLICT, i18n::t(lang, "upload-stale").to_owned(), Vec::new()),
        Refusal::Store(store::StoreError::Rule(m)) => (StatusCode::UNPROCESSABLE_ENTITY, i18n::render(lang, &m), Vec::new()),
        Refusal::Store(e) => return Err(e.into()),
    };
    page.refusal = Some(sentence);
    page.bad_rows = rows;
    render_status(status, &page)
}

/// `POST /imports/upload`: previews a file.
async fn upload(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let form = match read_multipart_limited(multipart.map_err(|_| PageError::BadRequest)?, MAX_SHEET_BYTES).await {
            Ok(form) => form,
            Err(UploadError::TooLarge) => return refused(&state, &ctx, &viewer, None, Refusal::TooLarge).await,
            Err(_) => return Err(PageError::BadRequest),
        };
        if !csrf::session_token_matches(&viewer, form.field("csrf")) {
            return Err(PageError::Forbidden);
        }
        let kind = form.field("kind").and_then(SheetKind::parse).ok_or(PageError::BadRequest)?;
        let org_id = form.field("org").and_then(Id::parse).ok_or(PageError::NotFound)?;
        let target = viewer.require(&state, Action::Import, &org_id, state.today.date()).await?;
        let chosen = Some((kind, &org_id));
        let Some(file) = form.files.iter().find(|f| f.field == "file") else {
            let none = Refusal::Sheet(sheets::SheetError::Empty);
            return refused(&state, &ctx, &viewer, chosen, none).await;
        };
        let received = match uploads::receive(&state, &file.file_name, &file.bytes).await {
            Ok(r) => r,
            Err(refusal) => return refused(&state, &ctx, &viewer, chosen, refusal).await,
        };
        let previewed = crate::write::plain(&state.store, &viewer.actor(), async |w: &mut Audited| {
            uploads::preview_in(&state, w, kind, &target, &received).await
        })
        .await;
        match previewed {
            Ok(upload) => Ok(Redirect::to(&format!("/imports/{}", upload.id)).into_response()),
            Err(refusal) => refused(&state, &ctx, &viewer, chosen, refusal).await,
        }
    }
    .await;
    ctx.respond(result)
}

/// One row of a preview.
struct ChangeRow {
    line: usize,
    action: &'static str,
    action_code: &'static str,
    name: String,
    org: String,
    changed: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct UploadPage<'a> {
    c: &'a PageContext,
    csrf: String,
    id: String,
    kind: &'static str,
    org: OrgLink,
    file_name: String,
    at: String,
    status: &'static str,
    status_code: &'static str,
    waiting: bool,
    rows: i64,
    created: i64,
    updated: i64,
    unchanged: i64,
    warnings: Vec<String>,
    changes: Vec<ChangeRow>,
    /// Rows that change something beyond those listed.
    more: i64,
    error: Option<String>,
    notice: Option<&'static str>,
}

async fn upload_view<'a>(state: &AppState, ctx: &'a PageContext, viewer: &Viewer, raw_id: &str) -> Result<UploadPage<'a>, PageError> {
    let lang = ctx.lang;
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let upload = state.store.upload(&id).await?.ok_or(PageError::NotFound)?;
    let org = viewer.require(state, Action::Import, &upload.org_id, state.today.date()).await?;
    let changes: Vec<ChangeRow> = upload
        .shown
        .iter()
        .map(|o| ChangeRow {
            line: o.line,
            action: i18n::label(lang, "row_action", o.action.code()),
            action_code: o.action.code(),
            name: o.name.clone(),
            org: o.org.clone(),
            changed: if o.action == RowAction::Update {
                let fields = o.changed.iter().map(|f| domain::Arg::Field(*f)).collect();
                i18n::render(lang, &domain::Message::new("imports-changed-fields").list("fields", fields))
            } else {
                String::new()
            },
        })
        .collect();
    let listed = i64::try_from(changes.len()).unwrap_or(i64::MAX);
    Ok(UploadPage {
        c: ctx,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        id: upload.id.to_string(),
        kind: kind_label(lang, upload.kind),
        org: OrgLink::new(&org, lang),
        at: crate::pages::views::minute(&upload.created_at),
        status: status_label(lang, upload.status),
        status_code: upload.status.code(),
        waiting: upload.status == UploadStatus::Previewed,
        rows: upload.rows,
        created: upload.created,
        updated: upload.updated,
        unchanged: upload.unchanged,
        warnings: upload.warnings.iter().map(|w| i18n::render(lang, w)).collect(),
        more: (upload.created + upload.updated - listed).max(0),
        changes,
        file_name: upload.file_name,
        error: None,
        notice: None,
    })
}

/// `?done=` after a decision, for the notice that says what was done.
#[derive(serde::Deserialize, Default)]
struct DoneQuery {
    done: Option<String>,
}

async fn upload_page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let done = query.map(|Query(q)| q).unwrap_or_default().done;
    let result = async {
        let mut page = upload_view(&state, &ctx, &viewer, &id).await?;
        page.notice = match done.as_deref() {
            Some("committed") => Some(i18n::t(ctx.lang, "imports-done-committed")),
            Some("cancelled") => Some(i18n::t(ctx.lang, "imports-done-cancelled")),
            _ => None,
        };
        render(&page)
    }
    .await;
    ctx.respond(result)
}

/// The form of the commit and cancel buttons: only the CSRF token.
#[derive(serde::Deserialize)]
struct Decision {}

/// `POST /imports/{id}/commit`.
async fn commit(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<Decision>) -> Response {
    let viewer = form.viewer;
    let result = async {
        let page = upload_view(&state, &ctx, &viewer, &id).await?;
        let upload_id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let upload = state.store.upload(&upload_id).await?.ok_or(PageError::NotFound)?;
        let done =
            crate::write::plain(&state.store, &viewer.actor(), async |w: &mut Audited| uploads::commit_in(&state, w, &upload).await).await;
        let refusal = match done {
            Ok((_, applied)) => {
                uploads::after_commit(&state, &applied).await;
                return Ok(Redirect::to(&format!("/imports/{id}?done=committed")).into_response());
            }
            Err(r) => r,
        };
        let (status, message) = match refusal {
            Refusal::Stale => {
                uploads::mark_stale(&state, &viewer.actor(), &upload_id).await?;
                (StatusCode::CONFLICT, i18n::t(ctx.lang, "upload-stale").to_owned())
            }
            Refusal::Store(store::StoreError::Rule(m)) => (StatusCode::UNPROCESSABLE_ENTITY, i18n::render(ctx.lang, &m)),
            Refusal::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, i18n::t(ctx.lang, "api-imports-unavailable").to_owned()),
            Refusal::Store(e) => return Err(e.into()),
            other => {
                tracing::warn!(refusal = ?other, "a commit was refused as stale");
                (StatusCode::CONFLICT, i18n::t(ctx.lang, "upload-stale").to_owned())
            }
        };
        let mut page = upload_view(&state, &ctx, &viewer, &id).await.unwrap_or(page);
        page.error = Some(message);
        render_status(status, &page)
    }
    .await;
    ctx.respond(result)
}

/// `POST /imports/{id}/cancel`.
async fn cancel(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<Decision>) -> Response {
    let viewer = form.viewer;
    let result = async {
        let page = upload_view(&state, &ctx, &viewer, &id).await?;
        let upload_id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let done = crate::write::plain(&state.store, &viewer.actor(), async |w: &mut Audited| {
            state.store.decide_upload(w, &upload_id, UploadStatus::Cancelled).await
        })
        .await;
        match done {
            Ok(_) => Ok(Redirect::to(&format!("/imports/{id}?done=cancelled")).into_response()),
            Err(store::StoreError::Rule(m)) => {
                let mut page = page;
                page.error = Some(i18n::render(ctx.lang, &m));
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    ctx.respond(result)
}
