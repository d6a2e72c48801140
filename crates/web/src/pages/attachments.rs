//! Attachments on the pages: the section of an activity's page that lists
//! its files and, for those who may record at the host, offers a form to
//! add one (files are optional — the page says so plainly); the download
//! `GET /attachments/{id}`, served only to those who may read the record
//! (404 otherwise, like a file that does not exist) with headers that keep
//! the browser from running anything in it; the upload
//! `POST /activities/{id}/attachments` and the removal
//! `POST /attachments/{id}/remove`, both with the session's CSRF token.
//!
//! A refused file is shown on a page of its own with the reason (what the
//! content is) and the form again; nothing is stored. For a recording form
//! sent as multipart/form-data, [`store_uploads`] attaches its files in the
//! form's own write.

use crate::AppState;
use crate::api::attachments::{MultipartForm, Upload, UploadError, file_response, files, read_multipart};
use crate::auth::csrf;
use crate::pages::session::{CsrfForm, NoFields};
use crate::pages::views::{OrgLink, minute};
use crate::pages::{PageContext, PageError, Viewer, render_status};
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Action;
use domain::{Id, Organization};
use i18n::Lang;
use store::activities::{Activity, ActivityStatus};
use store::attachments::{ACCEPT, Attachment, FileKind, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_ACTIVITY};
use store::{Audited, StoreError};

/// An attachment as listed.
pub struct AttachmentLine {
    pub name: String,
    pub href: String,
    /// "PDF 文件", "图片", "Word 文档"...
    pub kind: &'static str,
    /// "1.2 MB"
    pub size: String,
    pub added_on: String,
    /// The removal form's address, for those who may record at the host.
    pub remove_href: Option<String>,
}

/// The attachments section of an activity's page
/// (`templates/activity_attachments.html`, included as `attachments`).
pub struct AttachmentsSection {
    pub items: Vec<AttachmentLine>,
    /// Shows the upload form: the viewer may record at the host, the
    /// activity is not a cancelled plan, has room, and the server keeps files.
    pub can_upload: bool,
    /// Shows the removal buttons.
    pub can_remove: bool,
    pub csrf: String,
    pub upload_href: String,
    pub accept: &'static str,
    /// What files may be added, and how many.
    pub allowed: String,
}

/// The section for `activity`, hosted by `host`, as `viewer` may see it.
pub async fn section(
    state: &AppState,
    viewer: &Viewer,
    activity: &Activity,
    host: &Organization,
    lang: Lang,
) -> Result<AttachmentsSection, PageError> {
    let today = state.today.date();
    let may_record = viewer.may(Action::Record, &host.path, today);
    let listed = state.store.attachments_of(activity).await?;
    let items = listed
        .iter()
        .map(|a| AttachmentLine {
            name: a.file_name.clone(),
            href: format!("/attachments/{}", a.id),
            kind: kind_word(a, lang),
            size: size_text(a.size_bytes),
            added_on: minute(&a.created_at),
            remove_href: may_record.then(|| format!("/attachments/{}/remove", a.id)),
        })
        .collect();
    Ok(AttachmentsSection {
        can_upload: may_record
            && activity.status != ActivityStatus::Cancelled
            && state.files.is_some()
            && listed.len() < MAX_ATTACHMENTS_PER_ACTIVITY,
        can_remove: may_record,
        items,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        upload_href: format!("/activities/{}/attachments", activity.id),
        accept: ACCEPT,
        allowed: i18n::t_args(
            lang,
            "attachments-allowed",
            &[("mb", (MAX_ATTACHMENT_BYTES / (1024 * 1024)).into()), ("count", MAX_ATTACHMENTS_PER_ACTIVITY.into())],
        ),
    })
}

/// A plain word for what a file is.
fn kind_word(a: &Attachment, lang: Lang) -> &'static str {
    let key = match a.kind().map(FileKind::family) {
        Some("pdf") => "attachments-kind-pdf",
        Some("image") => "attachments-kind-image",
        Some("word") => "attachments-kind-word",
        Some("excel") => "attachments-kind-excel",
        Some("powerpoint") => "attachments-kind-powerpoint",
        Some("text") => "attachments-kind-text",
        _ => "attachments-kind-other",
    };
    i18n::t(lang, key)
}

/// A size in bytes, KB or MB (1 KB = 1,024 bytes), one decimal for MB.
pub fn size_text(bytes: i64) -> String {
    const KIB: i64 = 1024;
    if bytes < KIB {
        format!("{bytes} B")
    } else if bytes < KIB * KIB {
        format!("{} KB", (bytes + KIB / 2) / KIB)
    } else {
        let tenths = (bytes * 10 + KIB * KIB / 2) / (KIB * KIB);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// `GET /attachments/{id}`: the file, to those who may read its record.
pub async fn download(State(state): State<AppState>, ctx: PageContext, viewer: Viewer, Path(id): Path<String>) -> Response {
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let attachment = state.store.attachment(&id).await?.ok_or(PageError::NotFound)?;
        let activity = state.store.activity(&attachment.activity_id).await?.ok_or(PageError::NotFound)?;
        viewer.require(&state, Action::Read, &activity.host_org_id, state.today.date()).await?;
        let files = state.files.as_deref().ok_or(PageError::NotFound)?;
        let bytes = files.read(&attachment.sha256).await?;
        Ok(file_response(&attachment, bytes))
    }
    .await;
    ctx.respond(result)
}

/// The page shown when a file was not added: why, and the form again.
#[derive(Template)]
#[template(path = "attachment_refused.html")]
struct RefusedPage<'a> {
    c: &'a PageContext,
    host: OrgLink,
    activity_href: String,
    message: String,
    attachments: AttachmentsSection,
}

/// `POST /activities/{id}/attachments`: adds the chosen file, then goes
/// back to the activity's page.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let activity = state.store.activity(&id).await?.ok_or(PageError::NotFound)?;
        let host = viewer.require(&state, Action::Record, &activity.host_org_id, state.today.date()).await?;
        let form = match read_multipart(multipart.map_err(|_| PageError::BadRequest)?).await {
            Ok(form) => form,
            Err(UploadError::Malformed) => return Err(PageError::BadRequest),
            Err(e) => return refused(&state, &ctx, &viewer, &activity, &host, e).await,
        };
        if !csrf::session_token_matches(&viewer, form.field("csrf")) {
            return Err(PageError::Forbidden);
        }
        let uploads = file_uploads(&form);
        if uploads.is_empty() {
            let message = i18n::t(ctx.lang, "attachments-choose-first").to_owned();
            return refused_with(&state, &ctx, &viewer, &activity, &host, StatusCode::UNPROCESSABLE_ENTITY, message).await;
        }
        let mut w = state.store.writer(&viewer.actor()).await?;
        match store_uploads(&state, &mut w, &activity, &uploads).await {
            Ok(_) => {
                w.commit().await?;
                Ok(Redirect::to(&format!("/activities/{}#attachments", activity.id)).into_response())
            }
            Err(e) => {
                drop(w);
                refused(&state, &ctx, &viewer, &activity, &host, e).await
            }
        }
    }
    .await;
    ctx.respond(result)
}

/// Shows why an upload was refused (nothing was stored).
async fn refused(
    state: &AppState,
    ctx: &PageContext,
    viewer: &Viewer,
    activity: &Activity,
    host: &Organization,
    e: UploadError,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let (status, message) = match e {
        UploadError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, i18n::t(lang, "attachments-unavailable").to_owned()),
        UploadError::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            i18n::t_args(lang, "attachments-too-large", &[("mb", (MAX_ATTACHMENT_BYTES / (1024 * 1024)).into())]),
        ),
        UploadError::Malformed => return Err(PageError::BadRequest),
        UploadError::Store(StoreError::Invalid(fe)) => (StatusCode::UNPROCESSABLE_ENTITY, i18n::render(lang, &fe.message())),
        UploadError::Store(e) => return Err(e.into()),
    };
    refused_with(state, ctx, viewer, activity, host, status, message).await
}

async fn refused_with(
    state: &AppState,
    ctx: &PageContext,
    viewer: &Viewer,
    activity: &Activity,
    host: &Organization,
    status: StatusCode,
    message: String,
) -> Result<Response, PageError> {
    let attachments = section(state, viewer, activity, host, ctx.lang).await?;
    render_status(
        status,
        &RefusedPage {
            c: ctx,
            host: OrgLink::new(host, ctx.lang),
            activity_href: format!("/activities/{}", activity.id),
            message,
            attachments,
        },
    )
}

/// `POST /attachments/{id}/remove`: removes a file from its record (it stays
/// in the record history), then goes back to the activity's page.
pub async fn remove(State(state): State<AppState>, ctx: PageContext, Path(id): Path<String>, form: CsrfForm<NoFields>) -> Response {
    let viewer = form.viewer;
    let result = async {
        let id = Id::parse(&id).ok_or(PageError::NotFound)?;
        let attachment = state.store.attachment(&id).await?.ok_or(PageError::NotFound)?;
        let activity = state.store.activity(&attachment.activity_id).await?.ok_or(PageError::NotFound)?;
        viewer.require(&state, Action::Record, &activity.host_org_id, state.today.date()).await?;
        let mut w = state.store.writer(&viewer.actor()).await?;
        state.store.remove_attachment(&mut w, &id).await?;
        w.commit().await?;
        Ok(Redirect::to(&format!("/activities/{}#attachments", activity.id)).into_response())
    }
    .await;
    ctx.respond(result)
}

/// Attaches the files of a multipart form to `activity` in the write `w`
/// (all or none; nothing if `uploads` is empty), for a form that records
/// an activity and carries files. The caller has checked the CSRF token and
/// `record` on the host, and commits `w`. Read the form with
/// [`crate::api::attachments::read_multipart`] (the route needs the upload
/// body limit, [`crate::api::attachments::MAX_UPLOAD_BODY_BYTES`]).
///
/// Errors: [`UploadError::Unavailable`] when the server keeps no files;
/// [`UploadError::Store`] with `StoreError::Invalid` naming
/// `Field::Attachment` for a refused file (show its message; roll back).
pub async fn store_uploads(
    state: &AppState,
    w: &mut Audited,
    activity: &Activity,
    uploads: &[Upload],
) -> Result<Vec<Attachment>, UploadError> {
    if uploads.is_empty() {
        return Ok(Vec::new());
    }
    let files = files(state)?;
    let pairs: Vec<(&str, &[u8])> = uploads.iter().map(|u| (u.file_name.as_str(), u.bytes.as_ref())).collect();
    Ok(state.store.attach_all(w, files, activity, &pairs).await?)
}

/// The files of a multipart form sent in its field `file` (what
/// [`store_uploads`] takes).
pub fn file_uploads(form: &MultipartForm) -> Vec<Upload> {
    form.files.iter().filter(|f| f.field == "file").cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::size_text;

    #[test]
    fn sizes_read_plainly() {
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(2048), "2 KB");
        assert_eq!(size_text(1_258_291), "1.2 MB");
        assert_eq!(size_text(20 * 1024 * 1024), "20.0 MB");
    }
}
