//! Spreadsheets through the API (`crate::uploads` is the one path the pages
//! share): `POST /api/v1/imports` takes a multipart form with `kind`
//! (`orgs`, `roster` or `activities`), `org_id` (the organization whose
//! subtree the file is for), `file` and `dry_run`. With `dry_run=true` the
//! file is previewed — every row applied as a trial, nothing written — and
//! kept; `POST /api/v1/imports/{id}/commit` then applies it, or answers 409
//! `stale_preview` (nothing written) if the records changed since. Without
//! `dry_run` the file is applied at once. A file with bad rows is 422
//! `rows_refused`, every bad row listed as the command line lists it.
//! Uploading needs `import` on the organization.

use super::attachments::{MultipartForm, UploadError, read_multipart_limited};
use super::extract::{Caller, Change, Idempotency, PathId, Post};
use super::idempotency::Answer;
use crate::AppState;
use crate::error::{ApiError, ErrorBody, call_lang};
use crate::uploads::{self, MAX_SHEET_BYTES, Refusal};
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, OriginalUri, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use domain::access::Action;
use domain::{Id, Message};
use i18n::Lang;
use serde::Serialize;
use sha2::{Digest, Sha256};
use store::uploads::{SheetKind, Upload};
use utoipa::ToSchema;

/// An uploaded spreadsheet and what it does (or did).
#[derive(Serialize, ToSchema)]
#[schema(as = Import)]
pub struct ImportJson {
    #[schema(value_type = super::codes::RecordId)]
    pub id: Id,
    /// `orgs`, `roster` or `activities`.
    pub kind: String,
    #[schema(value_type = super::codes::RecordId)]
    pub org_id: Id,
    pub file_name: String,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    pub size_bytes: i64,
    /// `previewed` (waiting for a commit or a cancel), `committed`,
    /// `cancelled` or `stale` (a commit found the records changed since
    /// the preview; nothing was written).
    pub status: String,
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    /// The first 500 rows that create or change something.
    pub changes: Vec<ImportRowJson>,
    /// Problems that do not block the import, in the call's language.
    pub warnings: Vec<String>,
    pub created_at: String,
    pub created_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

/// One row that creates or changes something.
#[derive(Serialize, ToSchema)]
#[schema(as = ImportRow)]
pub struct ImportRowJson {
    pub line: usize,
    /// `create` or `update`.
    pub action: String,
    /// The member's or organization's name, or the activity's day and title.
    pub name: String,
    /// Its organization (an organization's parent; an activity's host).
    pub org: String,
    /// For an update: the fields that change, by their codes.
    pub changed: Vec<String>,
}

impl ImportJson {
    fn new(u: Upload, lang: Lang) -> Self {
        ImportJson {
            changes: u
                .shown
                .iter()
                .map(|o| ImportRowJson {
                    line: o.line,
                    action: o.action.code().to_owned(),
                    name: o.name.clone(),
                    org: o.org.clone(),
                    changed: o.changed.iter().map(|f| f.code().to_owned()).collect(),
                })
                .collect(),
            warnings: u.warnings.iter().map(|w| i18n::render(lang, w)).collect(),
            id: u.id,
            kind: u.kind.code().to_owned(),
            org_id: u.org_id,
            file_name: u.file_name,
            sha256: u.sha256,
            size_bytes: u.size_bytes,
            status: u.status.code().to_owned(),
            rows: u.rows,
            created: u.created,
            updated: u.updated,
            unchanged: u.unchanged,
            created_at: u.created_at,
            created_by: u.created_by,
            decided_at: u.decided_at,
            decided_by: u.decided_by,
        }
    }
}

/// The upload form.
#[derive(ToSchema)]
#[schema(as = ImportUpload)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// `orgs`, `roster` or `activities`.
    kind: String,
    /// The organization whose subtree the file is for.
    org_id: String,
    /// `true`: preview only (nothing written; commit it later). Default `false`.
    dry_run: Option<bool>,
    /// The file: XLSX, XLS or CSV (UTF-8 or GB18030), at most 32 MiB, in
    /// the layout of the template (`GET /api/v1/imports/templates/{kind}`).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Unavailable => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "imports_unavailable", Message::new("api-imports-unavailable"))
            }
            Refusal::TooLarge => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                Message::new("api-sheet-too-large").count("max_mb", MAX_SHEET_BYTES / (1024 * 1024)),
            )
            .with_field("file"),
            Refusal::Sheet(e) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.message()).with_field("file"),
            Refusal::Rows(rows) => {
                let mut error = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "rows_refused",
                    Message::new("upload-rows-refused").count("rows", rows.len()),
                )
                .with_field("file");
                error.rows = rows;
                error
            }
            Refusal::Stale => ApiError::new(StatusCode::CONFLICT, "stale_preview", Message::new("upload-stale")),
            Refusal::Store(e) => e.into(),
        }
    }
}

fn from_upload_error(e: UploadError) -> ApiError {
    match e {
        UploadError::TooLarge => Refusal::TooLarge.into(),
        other => other.into(),
    }
}

fn form_field<'a>(form: &'a MultipartForm, name: &'static str) -> Result<&'a str, ApiError> {
    form.field(name).ok_or_else(|| ApiError::unprocessable(name, "required", Message::new("problem-required")))
}

/// Uploads a spreadsheet: previews it (`dry_run=true`) or applies it at once.
#[utoipa::path(operation_id = "create_import", post, path = "/api/v1/imports", tag = "imports",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried upload safe: the same key, form and file return the first response.")),
    responses((status = 201, body = ImportJson, headers(("Location" = String))),
        (status = 400, description = "`bad_multipart`, `unknown_field`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the file is over 32 MiB", body = ErrorBody),
        (status = 422, description = "`rows_refused` (every bad row in `rows`), an unreadable file (`field` is `file`), or a bad `kind`, `org_id` or `dry_run`", body = ErrorBody),
        (status = 503, description = "`imports_unavailable`: the server keeps no upload directory", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let key = super::extract::idempotency_key(&headers)?;
    let form = read_multipart_limited(multipart.map_err(|_| UploadError::Malformed)?, MAX_SHEET_BYTES).await.map_err(from_upload_error)?;
    if let Some((name, _)) = form.fields.iter().find(|(k, _)| !matches!(k.as_str(), "kind" | "org_id" | "dry_run")) {
        return Err(super::attachments::unknown_field(name));
    }
    let kind = SheetKind::parse(form_field(&form, "kind")?)
        .ok_or_else(|| ApiError::unprocessable("kind", "unknown_value", Message::new("upload-kind-unknown")))?;
    let org_id = Id::parse(form_field(&form, "org_id")?).ok_or_else(ApiError::not_found)?;
    let dry_run = match form.field("dry_run") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::unprocessable("dry_run", "not_a_boolean", Message::new("upload-dry-run-bad"))),
    };
    let file = match form.files.as_slice() {
        [one] if one.field == "file" => one,
        [one] => return Err(super::attachments::unknown_field(&one.field)),
        [] => return Err(ApiError::unprocessable("file", "required", Message::new("problem-file-required"))),
        _ => return Err(ApiError::unprocessable("file", "too_many", Message::new("problem-one-file"))),
    };
    let target = caller.require(&state, Action::Import, &org_id, state.today.date()).await?;
    let received = uploads::receive(&state, &file.file_name, &file.bytes).await?;
    let lang = call_lang(&headers);
    let idempotency = key.map(|key| Idempotency {
        key: format!("{}:{key}", caller.account.id),
        request_hash: form_hash(uri.path(), &form, &received.sha256),
    });
    let post = Post { actor: caller.actor(), caller: caller.clone(), body: (), path: "/api/v1/imports".to_owned(), idempotency };
    let written = post
        .write(&state.store, async |w| {
            let (upload, applied) = if dry_run {
                (uploads::preview_in(&state, w, kind, &target, &received).await?, None)
            } else {
                let (upload, applied) = uploads::import_in(&state, w, kind, &target, &received).await?;
                (upload, Some(applied))
            };
            let location = format!("/api/v1/imports/{}", upload.id);
            Ok((applied, Answer::created(ImportJson::new(upload, lang), location)))
        })
        .await?;
    let applied = match written {
        super::idempotency::Written::Fresh(Some(ref applied), _) => Some(applied.clone()),
        _ => None,
    };
    if let Some(applied) = applied {
        uploads::after_commit(&state, &applied).await;
    }
    Ok(written.response())
}

/// What makes two uploads the same request: the path, the form's fields and
/// the file's content (not the multipart framing).
fn form_hash(path: &str, form: &MultipartForm, file_sha256: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{} {path}\n", Method::POST).as_bytes());
    let mut fields: Vec<&(String, String)> = form.fields.iter().collect();
    fields.sort();
    for (k, v) in fields {
        hasher.update(format!("{k}={v}\n").as_bytes());
    }
    for f in &form.files {
        hasher.update(format!("{}:{}\n", f.field, f.file_name).as_bytes());
    }
    hasher.update(file_sha256.as_bytes());
    hex::encode(hasher.finalize())
}

/// The upload `id`, if the caller may import into its organization.
async fn upload_for(state: &AppState, caller: &Caller, id: &Id) -> Result<Upload, ApiError> {
    let upload = state.store.upload(id).await?.ok_or_else(ApiError::not_found)?;
    caller.require(state, Action::Import, &upload.org_id, state.today.date()).await?;
    Ok(upload)
}

/// Reads an upload: its preview, or what it did.
#[utoipa::path(operation_id = "get_import", get, path = "/api/v1/imports/{id}", tag = "imports",
    params(("id" = String, Path, description = "The upload id")),
    responses((status = 200, body = ImportJson), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, headers: HeaderMap, PathId(id): PathId) -> Result<Response, ApiError> {
    let upload = upload_for(&state, &caller, &id).await?;
    Ok(json(StatusCode::OK, &ImportJson::new(upload, call_lang(&headers))))
}

fn json(status: StatusCode, body: &impl Serialize) -> Response {
    let mut response = Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Commits a previewed upload.
#[utoipa::path(operation_id = "commit_import", post, path = "/api/v1/imports/{id}/commit", tag = "imports",
    params(("id" = String, Path, description = "The upload id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried commit safe.")),
    responses((status = 200, body = ImportJson),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`stale_preview`: the records changed since the preview (or the kept file did); nothing was written and the upload is `stale`: upload it again", body = ErrorBody),
        (status = 422, description = "`rule_violated`: the upload was already committed, cancelled or found stale", body = ErrorBody)))]
pub async fn commit(State(state): State<AppState>, PathId(id): PathId, headers: HeaderMap, post: Change) -> Result<Response, ApiError> {
    let upload = upload_for(&state, &post.caller, &id).await?;
    let lang = call_lang(&headers);
    let outcome = post
        .write(&state.store, async |w| {
            let (done, applied) = uploads::commit_in(&state, w, &upload).await?;
            Ok((applied, Answer::ok(ImportJson::new(done, lang))))
        })
        .await;
    match outcome {
        Ok(written) => {
            if let super::idempotency::Written::Fresh(applied, _) = &written {
                uploads::after_commit(&state, applied).await;
            }
            Ok(written.response())
        }
        Err(e) if e.code == "stale_preview" => {
            uploads::mark_stale(&state, &post.actor, &upload.id).await?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Cancels a previewed upload (nothing of it is written).
#[utoipa::path(operation_id = "cancel_import", post, path = "/api/v1/imports/{id}/cancel", tag = "imports",
    params(("id" = String, Path, description = "The upload id")),
    responses((status = 200, body = ImportJson), (status = 404, body = ErrorBody),
        (status = 422, description = "`rule_violated`: the upload was already committed, cancelled or found stale", body = ErrorBody)))]
pub async fn cancel(State(state): State<AppState>, PathId(id): PathId, headers: HeaderMap, post: Change) -> Result<Response, ApiError> {
    let upload = upload_for(&state, &post.caller, &id).await?;
    let lang = call_lang(&headers);
    let written = post
        .write(&state.store, async |w| {
            let done = state.store.decide_upload(w, &upload.id, store::uploads::UploadStatus::Cancelled).await?;
            Ok(((), Answer::ok(ImportJson::new(done, lang))))
        })
        .await?;
    Ok(written.response())
}

/// The empty template of a kind of spreadsheet, as XLSX (the activities'
/// with one example row, which an import refuses if it is left in).
#[utoipa::path(operation_id = "get_import_template", get, path = "/api/v1/imports/templates/{kind}", tag = "imports",
    params(("kind" = String, Path, description = "`orgs`, `roster` or `activities`")),
    responses((status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
pub async fn template(_caller: Caller, Path(kind): Path<String>) -> Result<Response, ApiError> {
    let kind = SheetKind::parse(kind.trim_end_matches(".xlsx")).ok_or_else(ApiError::not_found)?;
    template_response(kind).map_err(|e| {
        tracing::error!(error = %e, "template not written");
        ApiError::internal()
    })
}

/// The XLSX template of `kind` as a download.
pub fn template_response(kind: SheetKind) -> Result<Response, sheets::SheetError> {
    let (headers, rows) = kind.template();
    let bytes = sheets::OutputFormat::Xlsx.write(&headers, &rows)?;
    let mut response = Response::new(Body::from(bytes));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    let disposition = format!("attachment; filename=\"changxiao-{}-template.xlsx\"", kind.code());
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
