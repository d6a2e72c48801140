//! Spreadsheets uploaded through the pages and the API, one path for both:
//! a file is read, checked and kept (under `<data dir>/imports`, by its
//! SHA-256) before any transaction opens; a preview applies it as a trial
//! inside the write ([`store::Audited::trial`]) and keeps what it found; a
//! commit applies the kept file again and is refused, writing nothing,
//! when it would now do something else than the preview said (another
//! change touched the same members or organizations, or the kept file
//! changed on disk). The bad rows of a file are named exactly as the
//! command line names them.

use crate::AppState;
use domain::sheet::{RowError, Table};
use domain::{Id, Message, Organization};
use store::uploads::{Applied, NewUpload, Sheet, SheetKind, Upload, UploadStatus};
use store::{Audited, StoreError};

/// The largest spreadsheet accepted (as on the command line).
pub const MAX_SHEET_BYTES: usize = 32 * 1024 * 1024;

/// The largest upload request: the file and room for the form around it.
pub const MAX_SHEET_BODY_BYTES: usize = MAX_SHEET_BYTES + 1024 * 1024;

/// Why an upload went no further. Nothing was written in any case.
#[derive(Debug)]
pub enum Refusal {
    /// The server keeps no upload directory.
    Unavailable,
    /// Over [`MAX_SHEET_BYTES`].
    TooLarge,
    /// Not a spreadsheet this product reads, or a damaged one.
    Sheet(sheets::SheetError),
    /// Rows the records refuse, each named.
    Rows(Vec<RowError>),
    /// The records changed since the preview: preview again.
    Stale,
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Store(e)
    }
}

impl From<store::import::ImportError> for Refusal {
    fn from(e: store::import::ImportError) -> Self {
        match e {
            store::import::ImportError::Rows(rows) => Refusal::Rows(rows),
            store::import::ImportError::Store(e) => Refusal::Store(e),
        }
    }
}

/// A file received and read, ready to be applied; it is kept on disk only
/// by the write that records its upload ([`preview_in`], [`import_in`]), so
/// a refused file leaves nothing behind.
pub struct Received<'a> {
    pub file_name: String,
    pub sha256: String,
    pub size: usize,
    pub table: Table,
    bytes: &'a [u8],
}

impl Received<'_> {
    /// The file read as `kind`.
    pub fn sheet(&self, kind: SheetKind) -> Sheet<'_> {
        Sheet { kind, table: &self.table, file_hash: &self.sha256 }
    }
}

/// The directory uploads are kept in.
fn kept(state: &AppState) -> Result<&store::attachments::Files, Refusal> {
    state.uploads.as_deref().ok_or(Refusal::Unavailable)
}

/// Reads `bytes` as a spreadsheet; nothing is kept yet.
pub async fn receive<'a>(state: &AppState, file_name: &str, bytes: &'a [u8]) -> Result<Received<'a>, Refusal> {
    if bytes.len() > MAX_SHEET_BYTES {
        return Err(Refusal::TooLarge);
    }
    kept(state)?;
    let name = clean_name(file_name);
    let table = sheets::read_table(bytes, &name).map_err(Refusal::Sheet)?;
    let sha256 = store::attachments::sha256_hex(bytes);
    Ok(Received { file_name: name, sha256, size: bytes.len(), table, bytes })
}

/// Keeps the file under its SHA-256 once its rows were accepted (the
/// directory is content-addressed: keeping a file twice is harmless).
async fn keep(state: &AppState, file: &Received<'_>) -> Result<(), Refusal> {
    kept(state)?.put(file.bytes).await?;
    Ok(())
}

/// The file's own name, without folders or control characters, at most 200 characters.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if name.trim().is_empty() { "upload".to_owned() } else { name }
}

/// In `w`: applies the file as a trial and keeps the upload as previewed.
pub async fn preview_in(
    state: &AppState,
    w: &mut Audited,
    kind: SheetKind,
    target: &Organization,
    file: &Received<'_>,
) -> Result<Upload, Refusal> {
    let today = state.today.date();
    let applied: Result<Applied, store::import::ImportError> =
        w.trial(async |w| state.store.apply_sheet(w, &state.catalogue, &target.id, file.sheet(kind), today).await).await?;
    let applied = applied?;
    keep(state, file).await?;
    let new = NewUpload { kind, target, file_name: &file.file_name, sha256: &file.sha256, size_bytes: file.size };
    Ok(state.store.record_upload(w, new, &applied, UploadStatus::Previewed).await?)
}

/// In `w`: applies the file for good and keeps the upload as committed.
pub async fn import_in(
    state: &AppState,
    w: &mut Audited,
    kind: SheetKind,
    target: &Organization,
    file: &Received<'_>,
) -> Result<(Upload, Applied), Refusal> {
    let today = state.today.date();
    let applied = state.store.apply_sheet(w, &state.catalogue, &target.id, file.sheet(kind), today).await?;
    keep(state, file).await?;
    let new = NewUpload { kind, target, file_name: &file.file_name, sha256: &file.sha256, size_bytes: file.size };
    let upload = state.store.record_upload(w, new, &applied, UploadStatus::Committed).await?;
    Ok((upload, applied))
}

/// In `w`: commits a previewed upload — its kept file applied again, and
/// refused ([`Refusal::Stale`], the caller rolls back) unless every row
/// meets what it met at the preview.
pub async fn commit_in(state: &AppState, w: &mut Audited, upload: &Upload) -> Result<(Upload, Applied), Refusal> {
    if upload.status != UploadStatus::Previewed {
        return Err(Refusal::Store(StoreError::Rule(decided(upload))));
    }
    let files = kept(state)?;
    let bytes = match files.read(&upload.sha256).await {
        Ok(bytes) => bytes,
        // A kept file that changed or went missing on disk is not applied.
        Err(StoreError::Corrupt(_) | StoreError::Files(_)) => return Err(Refusal::Stale),
        Err(e) => return Err(e.into()),
    };
    let table = sheets::read_table(&bytes, &upload.file_name).map_err(Refusal::Sheet)?;
    let today = state.today.date();
    let sheet = Sheet { kind: upload.kind, table: &table, file_hash: &upload.sha256 };
    let applied = match state.store.apply_sheet(w, &state.catalogue, &upload.org_id, sheet, today).await {
        Ok(applied) => applied,
        // Rows that were good at the preview and are refused now: stale too.
        Err(store::import::ImportError::Rows(_)) => return Err(Refusal::Stale),
        Err(e) => return Err(e.into()),
    };
    if applied.digest() != upload.digest {
        return Err(Refusal::Stale);
    }
    let done = state.store.decide_upload(w, &upload.id, UploadStatus::Committed).await?;
    Ok((done, applied))
}

/// The refusal of an upload that is no longer waiting.
pub fn decided(upload: &Upload) -> Message {
    Message::new("upload-decided").code("status", "upload_status", upload.status.code())
}

/// Marks a previewed upload stale, in a write of its own (after the failed
/// commit was rolled back).
pub async fn mark_stale(state: &AppState, actor: &store::Actor, id: &Id) -> Result<(), StoreError> {
    crate::write::plain(&state.store, actor, async |w: &mut Audited| {
        state.store.decide_upload(w, id, UploadStatus::Stale).await.map(|_| ())
    })
    .await
}

/// After a commit: the records changed, so the evaluation and the planner's
/// statistics follow.
pub async fn after_commit(state: &AppState, applied: &Applied) {
    if applied.created + applied.updated == 0 {
        return;
    }
    state.evaluations.invalidate();
    if applied.created + applied.updated > 1_000
        && let Err(e) = state.store.refresh_statistics().await
    {
        tracing::warn!(error = %e, "statistics not refreshed after an import");
    }
}
