//! Attachments of activities: files a secretary chooses to add to a record
//! (a scan of the minutes, the slides of a class, a photo) — never demanded.
//!
//! A file is accepted only if its **content** is one of a short list of
//! document and image formats (PDF, PNG, JPEG, GIF, WebP, Word, Excel and
//! PowerPoint old and new, UTF-8 text) and its name's extension agrees with
//! what the content is: a program renamed `.pdf`, a web page or SVG image
//! (which can carry scripts), an archive or an Office file with macros is
//! refused, and the refusal says what the content is. Files are at most
//! [`MAX_ATTACHMENT_BYTES`], an activity has at most
//! [`MAX_ATTACHMENTS_PER_ACTIVITY`].
//!
//! The bytes live beside the database, content-addressed ([`Files`]):
//! `<dir>/<first two hex digits>/<SHA-256>`, written to a temporary file and
//! renamed into place, so a file is either whole or absent, and the same
//! content is stored once however often it is attached. The rows
//! (`attachments`) say which activity a file belongs to, under what name and
//! type; removing an attachment marks its row deleted and leaves the file (the
//! audit trail and other rows may still name it).
//!
//! Every check is made before anything is written: a refused upload leaves no
//! row and no file.

use crate::activities::{Activity, ActivityStatus};
use crate::audit::Audited;
use crate::rows::{int, opt_text, text};
use crate::{Backend, Result, Store, StoreError};
use domain::{Field, FieldError, Id, Message, Problem};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The largest file accepted: 20 MiB.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;
/// The most attachments one activity may have (not counting removed ones).
pub const MAX_ATTACHMENTS_PER_ACTIVITY: usize = 20;
/// The longest file name kept, in characters.
pub const FILE_NAME_MAX: usize = 200;
/// The extensions accepted, as an HTML `accept` list.
pub const ACCEPT: &str = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt";

/// The most bytes of `[Content_Types].xml` read from an Office file (a
/// real one is a few kilobytes; this bounds what a crafted archive costs).
const CONTENT_TYPES_MAX: u64 = 1024 * 1024;

/// A kind of file that may be attached, as its content shows it to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    Docx,
    Xlsx,
    Pptx,
    Doc,
    Xls,
    Ppt,
    Text,
}

impl FileKind {
    pub const ALL: [FileKind; 12] = [
        FileKind::Pdf,
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Gif,
        FileKind::Webp,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Pptx,
        FileKind::Doc,
        FileKind::Xls,
        FileKind::Ppt,
        FileKind::Text,
    ];

    /// The media type it is stored and served with.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            FileKind::Doc => "application/msword",
            FileKind::Xls => "application/vnd.ms-excel",
            FileKind::Ppt => "application/vnd.ms-powerpoint",
            FileKind::Text => "text/plain",
        }
    }

    /// The kind stored under a media type.
    pub fn from_media_type(media_type: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.media_type() == media_type)
    }

    /// The extensions a file of this kind may have (lowercase, without the dot).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Gif => &["gif"],
            FileKind::Webp => &["webp"],
            FileKind::Docx => &["docx"],
            FileKind::Xlsx => &["xlsx"],
            FileKind::Pptx => &["pptx"],
            FileKind::Doc => &["doc"],
            FileKind::Xls => &["xls"],
            FileKind::Ppt => &["ppt"],
            FileKind::Text => &["txt"],
        }
    }

    /// Which family it belongs to, for a plain word on the pages
    /// (`pdf`, `image`, `word`, `excel`, `powerpoint`, `text`).
    pub fn family(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png | FileKind::Jpeg | FileKind::Gif | FileKind::Webp => "image",
            FileKind::Docx | FileKind::Doc => "word",
            FileKind::Xlsx | FileKind::Xls => "excel",
            FileKind::Pptx | FileKind::Ppt => "powerpoint",
            FileKind::Text => "text",
        }
    }

    /// What the content is, as a code of the `file_content` vocabulary
    /// (its words are in `locales/`).
    fn content(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpeg",
            FileKind::Gif => "gif",
            FileKind::Webp => "webp",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Pptx => "pptx",
            FileKind::Doc => "doc",
            FileKind::Xls => "xls",
            FileKind::Ppt => "ppt",
            FileKind::Text => "text",
        }
    }
}

/// An attachment of an activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: Id,
    pub province_id: Id,
    pub activity_id: Id,
    /// The name it was uploaded under (without any folder).
    pub file_name: String,
    /// The media type of its content, as sniffed.
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, lowercase hex: where [`Files`] keeps it.
    pub sha256: String,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: String,
    pub deleted_at: Option<String>,
}

impl Attachment {
    /// The kind of its content.
    pub fn kind(&self) -> Option<FileKind> {
        FileKind::from_media_type(&self.media_type)
    }
}

/// A file that passed every check of [`check_file`], ready to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedFile {
    /// The name without folders, trimmed.
    pub file_name: String,
    pub kind: FileKind,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
}

/// Where attachment files are kept: content-addressed under one directory
/// (`<data dir>/attachments` by default).
#[derive(Clone, Debug)]
pub struct Files {
    dir: PathBuf,
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Files(std::io::Error::new(e.kind(), format!("{what} {}: {e}", path.display())))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Files {
    /// Files kept under `dir` (created on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Files { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the content with this SHA-256 (lowercase hex) is kept:
    /// `<dir>/<sha[0..2]>/<sha>`. Anything but 64 lowercase hex digits is
    /// refused, so no stored value can name a path outside the directory.
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf> {
        if !is_sha256(sha256) {
            return Err(StoreError::Corrupt(format!("'{sha256}' is not a SHA-256 in hex")));
        }
        Ok(self.dir.join(&sha256[..2]).join(sha256))
    }

    /// Stores `bytes` and returns their SHA-256; content already stored is
    /// not written again.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        self.put_hashed(&sha, bytes).await?;
        Ok(sha)
    }

    /// Stores `bytes` whose SHA-256 is `sha`: into a temporary file in the
    /// same directory, flushed to disk, then renamed into place — a reader
    /// sees the whole file or none. A file already there with the same
    /// content is kept as it is.
    pub(crate) async fn put_hashed(&self, sha: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(sha)?;
        let bytes = bytes.to_vec();
        let temp_name = format!(".{sha}.{}.tmp", Id::generate());
        tokio::task::spawn_blocking(move || write_atomically(&path, &temp_name, &bytes))
            .await
            .map_err(|e| StoreError::Files(std::io::Error::other(format!("the file writer stopped: {e}"))))?
    }

    /// The content with this SHA-256, checked against it (a file changed on
    /// disk is reported as corrupt rather than served).
    pub async fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256)?;
        let expected = sha256.to_owned();
        tokio::task::spawn_blocking(move || {
            let bytes = std::fs::read(&path).map_err(|e| io_error("reading", &path, e))?;
            if sha256_hex(&bytes) != expected {
                return Err(StoreError::Corrupt(format!("{} does not match its SHA-256", path.display())));
            }
            Ok(bytes)
        })
        .await
        .map_err(|e| StoreError::Files(std::io::Error::other(format!("the file reader stopped: {e}"))))?
    }

    /// Whether the content with this SHA-256 is stored.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_ok_and(|p| p.is_file())
    }
}

fn write_atomically(path: &Path, temp_name: &str, bytes: &[u8]) -> Result<()> {
    let Some(folder) = path.parent() else {
        return Err(StoreError::Corrupt(format!("{} has no folder", path.display())));
    };
    // Content already stored is kept; a copy that differs (changed or
    // damaged on disk) is replaced.
    if let Ok(meta) = std::fs::metadata(path)
        && meta.is_file()
        && meta.len() == bytes.len() as u64
        && std::fs::read(path).is_ok_and(|stored| stored == bytes)
    {
        return Ok(());
    }
    std::fs::create_dir_all(folder).map_err(|e| io_error("creating", folder, e))?;
    let temp = folder.join(temp_name);
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(io_error("writing", path, e));
    }
    // Make the rename itself durable; not every platform can open a folder.
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn refuse(file_name: &str, rule: Message) -> StoreError {
    crate::invalid(Field::Attachment, rule, file_name)
}

/// The name a file is kept under: the last part of what was sent (browsers
/// on Windows once sent whole paths), trimmed; no control or
/// direction-override characters, at most [`FILE_NAME_MAX`] characters.
pub fn clean_file_name(raw: &str) -> std::result::Result<String, FieldError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if base.is_empty() || base == "." || base == ".." {
        return Err(FieldError::new(Field::Attachment, Problem::Required, ""));
    }
    if base.chars().any(|c| c.is_control() || domain::text::is_bidi_control(c)) {
        return Err(FieldError::new(Field::Attachment, Problem::ControlCharacter, base));
    }
    if base.chars().count() > FILE_NAME_MAX {
        return Err(FieldError::new(Field::Attachment, Problem::TooLong { max: FILE_NAME_MAX }, base));
    }
    Ok(base.to_owned())
}

/// Checks a file before anything is stored: its size (not empty, at most
/// [`MAX_ATTACHMENT_BYTES`]), its name, its content (sniffed, never taken
/// from the name) and that the name's extension agrees with the content.
/// Every refusal names [`Field::Attachment`] and the file, and says what
/// the content is.
pub fn check_file(raw_name: &str, bytes: &[u8]) -> Result<CheckedFile> {
    let file_name = clean_file_name(raw_name).map_err(StoreError::Invalid)?;
    if bytes.is_empty() {
        return Err(refuse(&file_name, Message::new("attachment-empty")));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(refuse(&file_name, Message::new("attachment-too-large").count("max_mb", MAX_ATTACHMENT_BYTES / (1024 * 1024))));
    }
    let kinds = match sniff(bytes) {
        Ok(kinds) => kinds,
        Err(content) => {
            return Err(refuse(&file_name, Message::new("attachment-refused-content").code("content", "file_content", content)));
        }
    };
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).filter(|e| !e.is_empty());
    let Some(&first) = kinds.first() else {
        return Err(refuse(&file_name, Message::new("attachment-unrecognised")));
    };
    let matching = extension.as_deref().and_then(|ext| kinds.iter().copied().find(|k| k.extensions().contains(&ext)));
    let Some(kind) = matching else {
        let wanted = first.extensions().first().copied().unwrap_or_default();
        let rule = match &extension {
            Some(ext) => Message::new("attachment-extension-mismatch").text("extension", ext.clone()),
            None => Message::new("attachment-no-extension"),
        };
        return Err(refuse(&file_name, rule.code("content", "file_content", first.content()).text("wanted", wanted)));
    };
    Ok(CheckedFile { file_name, kind, sha256: sha256_hex(bytes) })
}

/// What `bytes` are: the kinds of the allow-list they may be (more than one
/// only for an old Office file holding documents of several programs), or
/// what they are (a code of the `file_content` vocabulary) if none.
pub fn sniff(bytes: &[u8]) -> std::result::Result<Vec<FileKind>, &'static str> {
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"%PDF-") {
        return Ok(vec![FileKind::Pdf]);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(vec![FileKind::Png]);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(vec![FileKind::Jpeg]);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(vec![FileKind::Gif]);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
        return Ok(vec![FileKind::Webp]);
    }
    if bytes.starts_with(CFB) {
        return legacy_office(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return office_open_xml(bytes);
    }
    if bytes.starts_with(b"MZ") {
        return Err("windows_program");
    }
    if bytes.starts_with(b"\x7fELF") {
        return Err("linux_program");
    }
    let macho: [&[u8]; 5] = [
        &[0xFE, 0xED, 0xFA, 0xCE],
        &[0xFE, 0xED, 0xFA, 0xCF],
        &[0xCE, 0xFA, 0xED, 0xFE],
        &[0xCF, 0xFA, 0xED, 0xFE],
        &[0xCA, 0xFE, 0xBA, 0xBE],
    ];
    if macho.iter().any(|m| bytes.starts_with(m)) {
        return Err("macos_program");
    }
    let archives: [&[u8]; 5] = [b"\x1f\x8b", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"BZh", b"\xfd7zXZ\x00"];
    if archives.iter().any(|m| bytes.starts_with(m)) {
        return Err("archive");
    }
    plain_text(bytes)
}

/// An OLE compound file (Word 97–2003, Excel 97–2003, PowerPoint 97–2003 —
/// but also installers and other programs' files): accepted only if its
/// directory names the main stream of one of the three programs. Directory
/// entries hold their names in UTF-16LE, ending in a NUL.
fn legacy_office(bytes: &[u8]) -> std::result::Result<Vec<FileKind>, &'static str> {
    let has_stream = |name: &str| {
        let mut needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        needle.extend_from_slice(&[0, 0]);
        bytes.windows(needle.len()).any(|w| w == needle.as_slice())
    };
    let mut kinds = Vec::new();
    if has_stream("WordDocument") {
        kinds.push(FileKind::Doc);
    }
    if has_stream("PowerPoint Document") {
        kinds.push(FileKind::Ppt);
    }
    if has_stream("Workbook") || has_stream("Book") {
        kinds.push(FileKind::Xls);
    }
    if kinds.is_empty() {
        return Err("ole_other");
    }
    Ok(kinds)
}

/// A ZIP archive: accepted only as a Word, Excel or PowerPoint file — its
/// `[Content_Types].xml` names the main part of one of them and the archive
/// has that program's folder (`word/`, `xl/`, `ppt/`). Macro-enabled files
/// and any archive holding a VBA project are refused.
fn office_open_xml(bytes: &[u8]) -> std::result::Result<Vec<FileKind>, &'static str> {
    const DAMAGED: &str = "zip_damaged";
    const MACROS: &str = "office_macros";
    const ARCHIVE: &str = "zip_other";
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| DAMAGED)?;
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    if names.iter().any(|n| n.to_ascii_lowercase().ends_with("vbaproject.bin")) {
        return Err(MACROS);
    }
    let mut content_types = Vec::new();
    match archive.by_name("[Content_Types].xml") {
        Ok(entry) => {
            entry.take(CONTENT_TYPES_MAX).read_to_end(&mut content_types).map_err(|_| DAMAGED)?;
        }
        Err(_) => return Err(ARCHIVE),
    }
    let content_types = String::from_utf8_lossy(&content_types);
    if content_types.contains("macroEnabled") {
        return Err(MACROS);
    }
    let mains = [
        (FileKind::Docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/"),
        (FileKind::Xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
        (FileKind::Pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", "ppt/"),
    ];
    let kinds: Vec<FileKind> = mains
        .iter()
        .filter(|(_, main, folder)| content_types.contains(main) && names.iter().any(|n| n.starts_with(folder)))
        .map(|(kind, _, _)| *kind)
        .collect();
    if kinds.is_empty() {
        return Err(ARCHIVE);
    }
    Ok(kinds)
}

/// Plain text: UTF-8 (a byte-order mark allowed) without NUL or other
/// control characters besides tabs, line and page breaks — and not markup
/// (a web page or SVG image, which browsers would run scripts in) nor a
/// script (`#!`).
fn plain_text(bytes: &[u8]) -> std::result::Result<Vec<FileKind>, &'static str> {
    const UNKNOWN: &str = "unknown";
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let Ok(s) = std::str::from_utf8(body) else {
        return Err(UNKNOWN);
    };
    if s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) {
        return Err(UNKNOWN);
    }
    let start = s.trim_start();
    if start.starts_with("#!") {
        return Err("script");
    }
    let lower = start.chars().take(4096).collect::<String>().to_lowercase();
    let opens_with_markup = start.starts_with('<') && start.chars().nth(1).is_some_and(|c| c.is_ascii_alphabetic() || c == '!' || c == '?');
    let scripted = ["<script", "<svg", "<html", "<iframe", "<!doctype html"].iter().any(|tag| lower.contains(tag));
    if opens_with_markup || scripted {
        return Err("markup");
    }
    Ok(vec![FileKind::Text])
}

const COLUMNS: &str = "province_id, id, activity_id, sha256, file_name, media_type, size_bytes, created_at, created_by, deleted_at";

fn attachment_from_row(row: &AnyRow) -> Result<Attachment> {
    Ok(Attachment {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        activity_id: Id::from_stored(text(row, "activity_id")?),
        file_name: text(row, "file_name")?,
        media_type: text(row, "media_type")?,
        size_bytes: int(row, "size_bytes")?,
        sha256: text(row, "sha256")?,
        created_at: text(row, "created_at")?,
        created_by: text(row, "created_by")?,
        deleted_at: opt_text(row, "deleted_at")?,
    })
}

impl Store {
    /// Attaches one file to an activity (see [`Store::attach_all`]).
    pub async fn attach(&self, w: &mut Audited, files: &Files, activity: &Activity, file_name: &str, bytes: &[u8]) -> Result<Attachment> {
        let mut attached = self.attach_all(w, files, activity, &[(file_name, bytes)]).await?;
        attached.pop().ok_or_else(|| StoreError::Corrupt("one file attached, none returned".into()))
    }

    /// Attaches files to an activity, all or none: each is checked
    /// ([`check_file`]); the activity must still be recorded (not deleted)
    /// and not a cancelled plan, and have room for them
    /// ([`MAX_ATTACHMENTS_PER_ACTIVITY`]). Only then are the contents stored
    /// in `files` and the rows written, each with an audit entry
    /// ("create" "attachment"). A refusal stores nothing.
    ///
    /// The contents are on disk once this returns; if the transaction is
    /// then rolled back, they stay as unreferenced files (harmless, and
    /// reused if the same content is attached again).
    pub async fn attach_all(
        &self,
        w: &mut Audited,
        files: &Files,
        activity: &Activity,
        uploads: &[(&str, &[u8])],
    ) -> Result<Vec<Attachment>> {
        if uploads.is_empty() {
            return Err(StoreError::Invalid(FieldError::new(Field::Attachment, Problem::Required, "")));
        }
        let checked = uploads.iter().map(|(name, bytes)| check_file(name, bytes)).collect::<Result<Vec<_>>>()?;
        // The activity as it is now, locked on PostgreSQL so that two
        // uploads cannot both take the last free place.
        let lock = if self.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
        let status: Option<String> =
            sqlx::query_scalar(&format!("SELECT status FROM activities WHERE province_id = $1 AND id = $2 AND deleted_at IS NULL{lock}"))
                .bind(activity.province_id.as_str())
                .bind(activity.id.as_str())
                .fetch_optional(&mut **w.tx())
                .await?;
        let Some(status) = status else { return Err(StoreError::NotFound) };
        if status == ActivityStatus::Cancelled.code() {
            return Err(refuse(activity.id.as_str(), Message::new("attachment-on-cancelled-plan")));
        }
        let present: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE province_id = $1 AND activity_id = $2 AND deleted_at IS NULL")
                .bind(activity.province_id.as_str())
                .bind(activity.id.as_str())
                .fetch_one(&mut **w.tx())
                .await?;
        let present = usize::try_from(present).unwrap_or(usize::MAX);
        if present.saturating_add(checked.len()) > MAX_ATTACHMENTS_PER_ACTIVITY {
            let rule = Message::new("attachment-too-many").count("max", MAX_ATTACHMENTS_PER_ACTIVITY).count("present", present);
            return Err(refuse(checked.first().map(|c| c.file_name.as_str()).unwrap_or_default(), rule));
        }
        let mut attached = Vec::with_capacity(checked.len());
        for (check, (_, bytes)) in checked.into_iter().zip(uploads) {
            files.put_hashed(&check.sha256, bytes).await?;
            let attachment = Attachment {
                id: Id::generate(),
                province_id: activity.province_id.clone(),
                activity_id: activity.id.clone(),
                file_name: check.file_name,
                media_type: check.kind.media_type().to_owned(),
                size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                sha256: check.sha256,
                created_at: w.at().to_owned(),
                created_by: w.actor().id.clone(),
                deleted_at: None,
            };
            sqlx::query(&format!("INSERT INTO attachments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
                .bind(attachment.province_id.as_str())
                .bind(attachment.id.as_str())
                .bind(attachment.activity_id.as_str())
                .bind(&attachment.sha256)
                .bind(&attachment.file_name)
                .bind(&attachment.media_type)
                .bind(attachment.size_bytes)
                .bind(&attachment.created_at)
                .bind(&attachment.created_by)
                .bind(None::<String>)
                .execute(&mut **w.tx())
                .await?;
            w.record(
                attachment.province_id.as_str(),
                "create",
                "attachment",
                attachment.id.as_str(),
                None,
                serde_json::to_value(&attachment).ok(),
            );
            attached.push(attachment);
        }
        Ok(attached)
    }

    /// The attachments of an activity that were not removed, oldest first.
    pub async fn attachments_of(&self, activity: &Activity) -> Result<Vec<Attachment>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attachments WHERE province_id = $1 AND activity_id = $2 AND deleted_at IS NULL ORDER BY created_at, id"
        ))
        .bind(activity.province_id.as_str())
        .bind(activity.id.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(attachment_from_row).collect()
    }

    /// An attachment that was not removed.
    pub async fn attachment(&self, id: &Id) -> Result<Option<Attachment>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM attachments WHERE id = $1 AND deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(attachment_from_row).transpose()
    }

    /// Removes an attachment: its row is marked deleted (audited "delete"
    /// "attachment"); the file stays, as the audit trail and other rows may
    /// name the same content. `NotFound` if it does not exist or was removed.
    pub async fn remove_attachment(&self, w: &mut Audited, id: &Id) -> Result<Attachment> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM attachments WHERE id = $1 AND deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = attachment_from_row(&row)?;
        let at = w.at().to_owned();
        let done = sqlx::query("UPDATE attachments SET deleted_at = $1 WHERE province_id = $2 AND id = $3 AND deleted_at IS NULL")
            .bind(&at)
            .bind(before.province_id.as_str())
            .bind(id.as_str())
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        let after = Attachment { deleted_at: Some(at), ..before.clone() };
        w.record(
            before.province_id.as_str(),
            "delete",
            "attachment",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_because(name: &str, bytes: &[u8]) -> String {
        match check_file(name, bytes) {
            Err(StoreError::Invalid(e)) => {
                assert_eq!(e.field, Field::Attachment, "{e}");
                i18n::render(i18n::Lang::En, &e.message())
            }
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn kinds_are_told_by_content_and_must_agree_with_the_name() {
        assert_eq!(check_file("会议记录.pdf", b"%PDF-1.7\n...").map(|c| c.kind).ok(), Some(FileKind::Pdf));
        assert_eq!(check_file("photo.JPG", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).map(|c| c.kind).ok(), Some(FileKind::Jpeg));
        assert_eq!(check_file("a.gif", b"GIF89a....").map(|c| c.kind).ok(), Some(FileKind::Gif));
        assert_eq!(check_file("a.webp", b"RIFF\x10\0\0\0WEBPVP8 ").map(|c| c.kind).ok(), Some(FileKind::Webp));
        assert_eq!(check_file("笔记.txt", "第一项：学习\n".as_bytes()).map(|c| c.kind).ok(), Some(FileKind::Text));
        let message = refused_because("photo.pdf", b"\x89PNG\r\n\x1a\n....");
        assert!(message.contains("PNG") && message.contains(".pdf"), "{message}");
        let message = refused_because("invoice.pdf", b"MZ\x90\0\x03\0\0\0");
        assert!(message.contains("Windows program"), "{message}");
        assert!(refused_because("tool.pdf", b"\x7fELF\x02\x01\x01").contains("Linux program"));
        assert!(refused_because("run.txt", b"#!/bin/sh\nrm -rf /\n").contains("a script"));
        assert!(refused_because("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script>").contains("web page"));
        assert!(refused_because("pic.txt", b"<?xml version=\"1.0\"?><svg onload=\"alert(1)\"/>").contains("SVG"));
        assert!(refused_because("notes", b"plain words").contains("no extension"));
        assert!(refused_because("x.txt", b"a\0b").contains("not accepted"));
        assert!(refused_because("x.pdf", b"\x1f\x8b\x08\0").contains("archive"));
    }

    #[test]
    fn a_compound_file_counts_only_with_an_office_stream() {
        let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        doc.resize(512, 0);
        let installer = doc.clone();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        doc.extend([0, 0]);
        assert_eq!(check_file("old.doc", &doc).map(|c| c.kind).ok(), Some(FileKind::Doc));
        assert!(refused_because("old.xls", &doc).contains("Word document"));
        assert!(refused_because("setup.doc", &installer).contains("installer"));
    }

    #[test]
    fn names_lose_their_folders_and_are_checked() {
        assert_eq!(clean_file_name("C:\\Users\\王\\会议记录.pdf").ok().as_deref(), Some("会议记录.pdf"));
        assert_eq!(clean_file_name("../../etc/passwd.txt").ok().as_deref(), Some("passwd.txt"));
        assert!(matches!(clean_file_name("a\u{202e}fdp.exe").map_err(|e| e.problem), Err(Problem::ControlCharacter)));
        assert!(matches!(clean_file_name(&format!("{}.pdf", "长".repeat(200))).map_err(|e| e.problem), Err(Problem::TooLong { .. })));
        assert!(matches!(clean_file_name("dir/").map_err(|e| e.problem), Err(Problem::Required)));
        assert!(refused_because("empty.pdf", b"").contains("empty"));
        assert!(refused_because("big.pdf", &vec![b'%'; MAX_ATTACHMENT_BYTES + 1]).contains("larger than 20 MB"));
    }

    #[test]
    fn only_hex_digests_name_paths() {
        let files = Files::new("/srv/x");
        assert!(files.path_of("../../etc/passwd").is_err());
        assert!(files.path_of(&"A".repeat(64)).is_err());
        let sha = "ab".repeat(32);
        assert_eq!(files.path_of(&sha).ok(), Some(PathBuf::from("/srv/x/ab").join(&sha)));
    }
}
