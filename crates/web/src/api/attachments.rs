//! Attachments of activities over the API: add a file to a record
//! (`POST /api/v1/activities/{id}/attachments`, multipart/form-data with one
//! field `file`), list them, read one and its content, remove one. Adding
//! and removing need `record` on the activity's host, reading needs `read`.
//! Files are optional — nothing requires one.
//!
//! What a file may be is the store's rule ([`store::attachments::check_file`]:
//! sniffed by content, the extension agreeing); this module reads multipart
//! bodies for the API and for the pages ([`read_multipart`]), and serves a
//! file with headers that keep a browser from running anything in it
//! ([`file_response`]).

use super::codes;
use super::extract::{Caller, Change, Idempotency, PathId, Post};
use super::idempotency::Answer;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use domain::access::Action;
use domain::{Id, Message};
use serde::Serialize;
use sha2::{Digest, Sha256};
use store::StoreError;
use store::activities::Activity;
use store::attachments::{Attachment, MAX_ATTACHMENT_BYTES};
use utoipa::ToSchema;

/// The largest upload request: one file of [`MAX_ATTACHMENT_BYTES`] and
/// room for the form around it (applied to the upload routes only).
pub const MAX_UPLOAD_BODY_BYTES: usize = MAX_ATTACHMENT_BYTES + 1024 * 1024;

/// The largest text field of a multipart form (the minutes of a record fit).
const MAX_TEXT_FIELD_BYTES: usize = 1024 * 1024;

/// An attachment of an activity.
#[derive(Serialize, ToSchema)]
#[schema(as = Attachment)]
pub struct AttachmentJson {
    #[schema(value_type = codes::RecordId)]
    pub id: Id,
    #[schema(value_type = codes::RecordId)]
    pub activity_id: Id,
    /// The name it was uploaded under, without folders.
    pub file_name: String,
    /// The type of its content, found from the bytes (never from the name).
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// When it was added, RFC 3339 (+08:00).
    pub created_at: String,
    /// The account that added it.
    pub created_by: String,
    /// The file itself for API clients.
    pub content_href: String,
    /// The address a logged-in browser downloads it from.
    pub download_href: String,
}

impl From<Attachment> for AttachmentJson {
    fn from(a: Attachment) -> Self {
        AttachmentJson {
            content_href: format!("/api/v1/attachments/{}/content", a.id),
            download_href: format!("/attachments/{}", a.id),
            id: a.id,
            activity_id: a.activity_id,
            file_name: a.file_name,
            media_type: a.media_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            created_at: a.created_at,
            created_by: a.created_by,
        }
    }
}

/// The attachments of an activity.
#[derive(Serialize, ToSchema)]
#[schema(as = AttachmentList)]
pub struct AttachmentList {
    /// Oldest first; at most 20.
    pub items: Vec<AttachmentJson>,
}

/// The upload form.
#[derive(ToSchema)]
#[schema(as = AttachmentUpload)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// The file, with its name (`filename` of the part). PDF, PNG, JPEG,
    /// GIF, WebP, Word, Excel, PowerPoint (.docx/.xlsx/.pptx and
    /// .doc/.xls/.ppt) or UTF-8 text (.txt); at most 20 MiB; the extension
    /// must agree with the content.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A file received in a multipart form.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The form field it came in.
    pub field: String,
    /// The name the browser gave (checked and cleaned by the store).
    pub file_name: String,
    pub bytes: Bytes,
}

/// A multipart form as received: its text fields and its files (parts
/// with a file name; an empty file input, which browsers send as a part
/// with an empty name and no bytes, is left out).
#[derive(Clone, Debug, Default)]
pub struct MultipartForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl MultipartForm {
    /// The first value of a text field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Why an upload went no further.
#[derive(Debug)]
pub enum UploadError {
    /// The server keeps no attachment directory (503).
    Unavailable,
    /// A file over [`MAX_ATTACHMENT_BYTES`], or a request over
    /// [`MAX_UPLOAD_BODY_BYTES`] (413).
    TooLarge,
    /// Not a multipart/form-data body, or a broken one (400).
    Malformed,
    /// Refused or failed in the store.
    Store(StoreError),
}

impl From<StoreError> for UploadError {
    fn from(e: StoreError) -> Self {
        UploadError::Store(e)
    }
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::Unavailable => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "attachments_unavailable", Message::new("api-attachments-unavailable"))
                    .with_field("file")
            }
            UploadError::TooLarge => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                Message::new("api-attachment-too-large").count("max_mb", MAX_ATTACHMENT_BYTES / (1024 * 1024)),
            )
            .with_field("file"),
            UploadError::Malformed => ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", Message::new("api-bad-multipart")),
            UploadError::Store(e) => e.into(),
        }
    }
}

/// The attachment directory, or [`UploadError::Unavailable`].
pub fn files(state: &AppState) -> Result<&store::attachments::Files, UploadError> {
    state.files.as_deref().ok_or(UploadError::Unavailable)
}

/// Reads a whole multipart form. A file over [`MAX_ATTACHMENT_BYTES`] or a
/// text field over 1 MiB is [`UploadError::TooLarge`] — reported only after
/// the rest of the body has been read (and dropped), so the client gets the
/// answer instead of a closed connection. The route's body limit bounds
/// what is read.
pub async fn read_multipart(multipart: Multipart) -> Result<MultipartForm, UploadError> {
    read_multipart_limited(multipart, MAX_ATTACHMENT_BYTES).await
}

/// Reads a whole multipart form whose files may hold up to `max_file`
/// bytes each (otherwise as [`read_multipart`]).
pub async fn read_multipart_limited(mut multipart: Multipart, max_file: usize) -> Result<MultipartForm, UploadError> {
    let mut form = MultipartForm::default();
    let mut too_large = false;
    loop {
        let next = multipart.next_field().await.map_err(part_error)?;
        let Some(mut part) = next else { break };
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part.file_name().map(str::to_owned);
        let limit = if file_name.is_some() { max_file } else { MAX_TEXT_FIELD_BYTES };
        let mut bytes = Vec::new();
        let mut over = false;
        while let Some(chunk) = part.chunk().await.map_err(part_error)? {
            if !over && bytes.len() + chunk.len() > limit {
                over = true;
                bytes = Vec::new();
            }
            if !over {
                bytes.extend_from_slice(&chunk);
            }
        }
        if over {
            too_large = true;
            continue;
        }
        match file_name {
            Some(f) if f.is_empty() && bytes.is_empty() => {}
            Some(file_name) => form.files.push(Upload { field: name, file_name, bytes: Bytes::from(bytes) }),
            None => form.fields.push((name, String::from_utf8(bytes).map_err(|_| UploadError::Malformed)?)),
        }
    }
    if too_large {
        return Err(UploadError::TooLarge);
    }
    Ok(form)
}

fn part_error(e: axum::extract::multipart::MultipartError) -> UploadError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE { UploadError::TooLarge } else { UploadError::Malformed }
}

/// The activity `id`, if the caller may do `action` at its host.
async fn activity_for(state: &AppState, caller: &Caller, action: Action, id: &Id) -> Result<Activity, ApiError> {
    let activity = state.store.activity(id).await?.ok_or_else(ApiError::not_found)?;
    caller.require(state, action, &activity.host_org_id, state.today.date()).await?;
    Ok(activity)
}

/// The attachment `id` and its activity, if the caller may do `action` at the host.
async fn attachment_for(state: &AppState, caller: &Caller, action: Action, id: &Id) -> Result<(Attachment, Activity), ApiError> {
    let attachment = state.store.attachment(id).await?.ok_or_else(ApiError::not_found)?;
    let activity = activity_for(state, caller, action, &attachment.activity_id).await?;
    Ok((attachment, activity))
}

/// Adds a file to an activity. Files are optional; a record never needs one.
#[utoipa::path(operation_id = "create_attachment", post, path = "/api/v1/activities/{id}/attachments", tag = "activities",
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    params(("id" = String, Path, description = "The activity id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried upload safe: the same key, name and content return the first response.")),
    responses((status = 201, body = AttachmentJson, headers(("Location" = String))),
        (status = 400, description = "`bad_multipart`: not multipart/form-data; `unknown_field`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the file is over 20 MiB", body = ErrorBody),
        (status = 422, description = "`field` is `attachment` (the file refused: its content, with what it is, or 20 files already) or `file` (missing, or more than one)", body = ErrorBody),
        (status = 503, description = "`attachments_unavailable`: the server keeps no attachment directory", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let activity = activity_for(&state, &caller, Action::Record, &id).await?;
    let files = files(&state)?;
    let key = super::extract::idempotency_key(&headers)?;
    let form = read_multipart(multipart.map_err(|_| UploadError::Malformed)?).await?;
    if let Some((name, _)) = form.fields.iter().find(|(k, _)| k != "file") {
        return Err(unknown_field(name));
    }
    let upload = match form.files.as_slice() {
        [one] if one.field == "file" => one,
        [one] => return Err(unknown_field(&one.field)),
        [] => return Err(ApiError::unprocessable("file", "required", Message::new("problem-file-required"))),
        _ => {
            return Err(ApiError::unprocessable("file", "too_many", Message::new("problem-one-file")));
        }
    };
    let path = uri.path().to_owned();
    let idempotency = key.map(|key| Idempotency {
        key: format!("{}:{key}", caller.account.id),
        request_hash: upload_hash(&path, &upload.file_name, &upload.bytes),
    });
    // Replays answer with the stored body; the location is built from this path.
    let post = Post { actor: caller.actor(), caller: caller.clone(), body: (), path: "/api/v1/attachments".to_owned(), idempotency };
    let written = post
        .write(&state.store, async |w| {
            let attachment = state.store.attach(w, files, &activity, &upload.file_name, &upload.bytes).await?;
            let location = format!("/api/v1/attachments/{}", attachment.id);
            Ok(((), Answer::created(AttachmentJson::from(attachment), location)))
        })
        .await?;
    Ok(written.response())
}

pub(crate) fn unknown_field(name: &str) -> ApiError {
    let fits = !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let shown = if fits { name } else { "?" };
    let error = ApiError::new(StatusCode::BAD_REQUEST, "unknown_field", Message::new("api-unknown-field").text("field", shown));
    if fits { error.with_field(name.to_owned()) } else { error }
}

/// What makes two uploads the same request: the path, the file's name and
/// its content (not the multipart framing, whose boundary differs per try).
fn upload_hash(path: &str, file_name: &str, bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [Method::POST.as_str().as_bytes(), b" ", path.as_bytes(), b"\n", file_name.as_bytes(), b"\n", &Sha256::digest(bytes)] {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// Lists the attachments of an activity.
#[utoipa::path(operation_id = "list_attachments", get, path = "/api/v1/activities/{id}/attachments", tag = "activities",
    params(("id" = String, Path, description = "The activity id")),
    responses((status = 200, body = AttachmentList), (status = 404, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<AttachmentList>, ApiError> {
    let activity = activity_for(&state, &caller, Action::Read, &id).await?;
    let items = state.store.attachments_of(&activity).await?.into_iter().map(AttachmentJson::from).collect();
    Ok(Json(AttachmentList { items }))
}

/// Reads one attachment's description.
#[utoipa::path(operation_id = "get_attachment", get, path = "/api/v1/attachments/{id}", tag = "activities",
    params(("id" = String, Path, description = "The attachment id")),
    responses((status = 200, body = AttachmentJson), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<AttachmentJson>, ApiError> {
    let (attachment, _) = attachment_for(&state, &caller, Action::Read, &id).await?;
    Ok(Json(AttachmentJson::from(attachment)))
}

/// The file itself, as a download (`Content-Disposition: attachment`),
/// with the type found from its content.
#[utoipa::path(operation_id = "get_attachment_content", get, path = "/api/v1/attachments/{id}/content", tag = "activities",
    params(("id" = String, Path, description = "The attachment id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn content(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Response, ApiError> {
    let (attachment, _) = attachment_for(&state, &caller, Action::Read, &id).await?;
    let files = files(&state).map_err(|_| ApiError::not_found())?;
    let bytes = files.read(&attachment.sha256).await?;
    Ok(file_response(&attachment, bytes))
}

/// Removes an attachment from its activity (it stays in the record history).
#[utoipa::path(operation_id = "delete_attachment", delete, path = "/api/v1/attachments/{id}", tag = "activities",
    params(("id" = String, Path, description = "The attachment id")),
    responses((status = 204, description = "removed"), (status = 404, body = ErrorBody)))]
pub async fn delete(State(state): State<AppState>, PathId(id): PathId, change: Change) -> Result<Response, ApiError> {
    attachment_for(&state, &change.caller, Action::Record, &id).await?;
    let written = change
        .write(&state.store, async |w| {
            state.store.remove_attachment(w, &id).await?;
            Ok(((), Answer::no_content()))
        })
        .await?;
    Ok(written.response())
}

/// A stored file as a download: its sniffed type, `Content-Disposition:
/// attachment` with the name in UTF-8 (RFC 6266), and headers that forbid
/// the browser to guess another type (`nosniff`) or to run anything in it
/// (`Content-Security-Policy: sandbox`).
pub fn file_response(attachment: &Attachment, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    let media_type = if attachment.media_type == "text/plain" { "text/plain; charset=utf-8" } else { attachment.media_type.as_str() };
    let content_type = HeaderValue::from_str(media_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&attachment.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `attachment; filename="<ASCII stand-in>"; filename*=UTF-8''<percent-encoded name>`.
pub fn content_disposition(file_name: &str) -> String {
    let fallback: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let mut encoded = String::with_capacity(file_name.len() * 3);
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_encoded_for_the_header() {
        assert_eq!(
            content_disposition("会议 记录\".pdf"),
            "attachment; filename=\"______.pdf\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%20%E8%AE%B0%E5%BD%95%22.pdf"
        );
    }
}
