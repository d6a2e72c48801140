//! Spreadsheets brought in from the web and the API: one way to apply a
//! sheet of organizations, members or held activities (the command line's
//! imports use it too), what became of each row, and the uploads a person
//! previewed before committing them.
//!
//! A preview applies the whole file inside the caller's transaction and
//! rolls that part back ([`Audited::trial`]), so it names every row it
//! would create, change or leave alone, and every bad row, without writing
//! any of it. What each row met in the records (the member's or the
//! organization's version, or that it was new) is summed up in a digest; a
//! commit applies the kept file again and is refused when its digest
//! differs, so nothing is written from a preview that another change has
//! made untrue. Kept files are content-addressed under the data directory
//! (`imports/`), so a file changed on disk is found by its hash.

use crate::audit::Audited;
use crate::import::ImportError;
use crate::rows::{int, opt_text, text};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::sheet::{ImportErrors, RowError, Table};
use domain::{Field, Id, Message};
use rules::Catalogue;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

/// How many changed rows an upload keeps to show (the digest covers all).
pub const SHOWN_ROWS: usize = 500;

/// What a sheet holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SheetKind {
    /// The organization tree (`import orgs`).
    Orgs,
    /// Members (`import roster`).
    Roster,
    /// Held activities (`import activities`).
    Activities,
}

impl SheetKind {
    pub const ALL: [SheetKind; 3] = [SheetKind::Orgs, SheetKind::Roster, SheetKind::Activities];

    pub fn code(self) -> &'static str {
        match self {
            SheetKind::Orgs => "orgs",
            SheetKind::Roster => "roster",
            SheetKind::Activities => "activities",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The template's columns, and its example rows.
    pub fn template(self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        match self {
            SheetKind::Orgs => (domain::org_sheet::org_template_headers(), Vec::new()),
            SheetKind::Roster => (domain::roster::template_headers(), Vec::new()),
            SheetKind::Activities => (
                domain::activity_sheet::activity_template_headers(),
                vec![domain::activity_sheet::activity_template_example().into_iter().map(str::to_owned).collect()],
            ),
        }
    }
}

/// What a row does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    /// Already as the row says: nothing to write.
    Keep,
}

impl RowAction {
    pub fn code(self) -> &'static str {
        match self {
            RowAction::Create => "create",
            RowAction::Update => "update",
            RowAction::Keep => "keep",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        [RowAction::Create, RowAction::Update, RowAction::Keep].into_iter().find(|a| a.code() == code)
    }
}

/// What became of one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowOutcome {
    pub line: usize,
    pub action: RowAction,
    /// The member's or organization's name, or the activity's kind and day.
    pub name: String,
    /// The organization it belongs to (its host, for an activity).
    pub org: String,
    /// For an update: the fields that change.
    pub changed: Vec<Field>,
    /// What the row met in the records (a record and its version, or what
    /// would be new); two runs that meet the same records agree on it.
    pub basis: String,
}

/// What applying a sheet did (or, in a trial, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// One per row, in the file's order.
    pub outcomes: Vec<RowOutcome>,
    /// Problems that do not block the import.
    pub warnings: Vec<Message>,
}

impl Applied {
    /// SHA-256 of every row's line, action, basis and changed fields.
    pub fn digest(&self) -> String {
        let mut hash = Sha256::new();
        for o in &self.outcomes {
            let fields: Vec<&str> = o.changed.iter().map(|f| f.code()).collect();
            hash.update(format!("{}|{}|{}|{}\n", o.line, o.action.code(), o.basis, fields.join(",")).as_bytes());
        }
        hex::encode(hash.finalize())
    }
}

/// Where an upload stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadStatus {
    /// Applied in a trial; waiting to be committed or cancelled.
    Previewed,
    Committed,
    Cancelled,
    /// A commit found the records changed since the preview; nothing was written.
    Stale,
}

impl UploadStatus {
    pub fn code(self) -> &'static str {
        match self {
            UploadStatus::Previewed => "previewed",
            UploadStatus::Committed => "committed",
            UploadStatus::Cancelled => "cancelled",
            UploadStatus::Stale => "stale",
        }
    }

    fn parse(code: &str) -> Result<Self> {
        [UploadStatus::Previewed, UploadStatus::Committed, UploadStatus::Cancelled, UploadStatus::Stale]
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| StoreError::Corrupt(format!("upload status '{code}'")))
    }
}

/// A spreadsheet uploaded for one organization's subtree.
#[derive(Clone, Debug)]
pub struct Upload {
    pub id: Id,
    pub province_id: Id,
    pub kind: SheetKind,
    pub org_id: Id,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub status: UploadStatus,
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    /// [`Applied::digest`] of the preview.
    pub digest: String,
    /// The first [`SHOWN_ROWS`] rows that create or change something.
    pub shown: Vec<RowOutcome>,
    pub warnings: Vec<Message>,
    pub created_at: String,
    pub created_by: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
}

/// A new upload, as previewed (or applied at once).
pub struct NewUpload<'a> {
    pub kind: SheetKind,
    pub target: &'a domain::Organization,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub size_bytes: usize,
}

/// A sheet read from a file, and what it holds.
#[derive(Clone, Copy)]
pub struct Sheet<'a> {
    pub kind: SheetKind,
    pub table: &'a Table,
    /// SHA-256 of the file, which the audit trail names.
    pub file_hash: &'a str,
}

impl Store {
    /// Reads a sheet's rows and applies them in `w` to the subtree of
    /// `target` — every check the records have, every bad row reported
    /// (nothing is kept then: the error rolls the caller's transaction back).
    pub async fn apply_sheet(
        &self,
        w: &mut Audited,
        catalogue: &Catalogue,
        target: &Id,
        sheet: Sheet<'_>,
        today: NaiveDate,
    ) -> std::result::Result<Applied, ImportError> {
        let Sheet { kind, table, file_hash } = sheet;
        match kind {
            SheetKind::Roster => {
                let entries = domain::roster::parse_roster(table, today).map_err(rows)?;
                let r = self.import_roster(w, target, entries, file_hash, today).await?;
                Ok(Applied {
                    rows: r.rows,
                    created: r.created,
                    updated: r.updated,
                    unchanged: r.unchanged,
                    outcomes: r.outcomes,
                    warnings: r.warnings,
                })
            }
            SheetKind::Orgs => {
                let entries = domain::org_sheet::parse_org_sheet(table, today).map_err(rows)?;
                let r = self.import_orgs(w, target, entries, file_hash, today).await?;
                Ok(Applied {
                    rows: r.rows,
                    created: r.created,
                    updated: r.updated,
                    unchanged: r.unchanged,
                    outcomes: r.outcomes,
                    warnings: Vec::new(),
                })
            }
            SheetKind::Activities => {
                let vocabulary = crate::activity_import::vocabulary(catalogue);
                let (entries, mut errors) = domain::activity_sheet::read_activity_sheet(table, &vocabulary, today);
                // The good rows are checked against the records even when others
                // are bad, so that one refusal lists every bad row (the caller
                // rolls back whatever they did).
                let applied = self.import_activities(w, catalogue, target, entries, file_hash, today).await;
                match applied {
                    Ok(r) if errors.is_empty() => Ok(Applied {
                        rows: r.rows,
                        created: r.created,
                        updated: 0,
                        unchanged: r.unchanged,
                        outcomes: r.outcomes,
                        warnings: Vec::new(),
                    }),
                    Ok(_) => Err(rows(errors)),
                    Err(ImportError::Rows(more)) => {
                        errors.errors.extend(more);
                        errors.errors.sort_by_key(|e| e.line);
                        Err(rows(errors))
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }
}

fn rows(errors: ImportErrors) -> ImportError {
    ImportError::Rows(errors.errors)
}

/// The bad rows of a refusal, in line order.
pub fn refusal_rows(error: &ImportError) -> &[RowError] {
    match error {
        ImportError::Rows(rows) => rows,
        ImportError::Store(_) => &[],
    }
}

impl RowOutcome {
    fn to_json(&self) -> Json {
        let changed: Vec<&str> = self.changed.iter().map(|f| f.code()).collect();
        json!({"line": self.line, "action": self.action.code(), "name": self.name, "org": self.org, "changed": changed})
    }

    fn from_json(v: &Json) -> Option<Self> {
        let changed = v.get("changed")?.as_array()?.iter().filter_map(|c| c.as_str().and_then(Field::from_code)).collect();
        Some(RowOutcome {
            line: usize::try_from(v.get("line")?.as_u64()?).ok()?,
            action: RowAction::parse(v.get("action")?.as_str()?)?,
            name: v.get("name")?.as_str()?.to_owned(),
            org: v.get("org")?.as_str()?.to_owned(),
            changed,
            basis: String::new(),
        })
    }
}

/// The warnings an import gives, kept by id with their organization and figure.
const WARNINGS: [(&str, &str); 2] = [("import-warning-large-branch", "total"), ("import-warning-needs-committee", "full")];

fn warning_to_json(m: &Message) -> Option<Json> {
    let (_, figure) = WARNINGS.iter().find(|(id, _)| *id == m.id)?;
    let org = match m.arg("org")? {
        domain::Arg::Text(t) => t.clone(),
        _ => return None,
    };
    let n = match m.arg(figure)? {
        domain::Arg::Number(n) => *n,
        _ => return None,
    };
    Some(json!({"id": m.id, "org": org, "n": n}))
}

fn warning_from_json(v: &Json) -> Option<Message> {
    let id = v.get("id")?.as_str()?;
    let (id, figure) = WARNINGS.iter().find(|(known, _)| *known == id)?;
    Some(Message::new(id).text("org", v.get("org")?.as_str()?).number(figure, v.get("n")?.as_i64()?))
}

const UPLOAD_COLUMNS: &str = "province_id, id, kind, org_id, file_name, sha256, size_bytes, status, rows_total, created, updated,
    unchanged, digest, shown_json, warnings_json, created_at, created_by, decided_at, decided_by";

fn upload_from_row(row: &sqlx::any::AnyRow) -> Result<Upload> {
    let kind = text(row, "kind")?;
    let parse_list = |column: &str| -> Result<Vec<Json>> {
        let raw = text(row, column)?;
        serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(format!("uploads.{column}: {e}")))
    };
    Ok(Upload {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        kind: SheetKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("upload kind '{kind}'")))?,
        org_id: Id::from_stored(text(row, "org_id")?),
        file_name: text(row, "file_name")?,
        sha256: text(row, "sha256")?,
        size_bytes: int(row, "size_bytes")?,
        status: UploadStatus::parse(&text(row, "status")?)?,
        rows: int(row, "rows_total")?,
        created: int(row, "created")?,
        updated: int(row, "updated")?,
        unchanged: int(row, "unchanged")?,
        digest: text(row, "digest")?,
        shown: parse_list("shown_json")?.iter().filter_map(RowOutcome::from_json).collect(),
        warnings: parse_list("warnings_json")?.iter().filter_map(warning_from_json).collect(),
        created_at: text(row, "created_at")?,
        created_by: text(row, "created_by")?,
        decided_at: opt_text(row, "decided_at")?,
        decided_by: opt_text(row, "decided_by")?,
    })
}

impl Store {
    /// Keeps an upload and what its preview found (or, with
    /// [`UploadStatus::Committed`], what it did at once); audited.
    pub async fn record_upload(&self, w: &mut Audited, new: NewUpload<'_>, applied: &Applied, status: UploadStatus) -> Result<Upload> {
        let id = Id::generate();
        let shown: Vec<Json> =
            applied.outcomes.iter().filter(|o| o.action != RowAction::Keep).take(SHOWN_ROWS).map(RowOutcome::to_json).collect();
        let warnings: Vec<Json> = applied.warnings.iter().filter_map(warning_to_json).collect();
        let actor = w.actor().id.clone();
        let at = w.at().to_owned();
        let decided = (status != UploadStatus::Previewed).then(|| (at.clone(), actor.clone()));
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        sqlx::query(&format!(
            "INSERT INTO uploads ({UPLOAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
        ))
        .bind(new.target.province_id.as_str())
        .bind(id.as_str())
        .bind(new.kind.code())
        .bind(new.target.id.as_str())
        .bind(new.file_name)
        .bind(new.sha256)
        .bind(count(new.size_bytes))
        .bind(status.code())
        .bind(count(applied.rows))
        .bind(count(applied.created))
        .bind(count(applied.updated))
        .bind(count(applied.unchanged))
        .bind(applied.digest())
        .bind(Json::Array(shown).to_string())
        .bind(Json::Array(warnings).to_string())
        .bind(&at)
        .bind(&actor)
        .bind(decided.as_ref().map(|(a, _)| a.clone()))
        .bind(decided.as_ref().map(|(_, b)| b.clone()))
        .execute(&mut **w.tx())
        .await?;
        let after = json!({
            "kind": new.kind.code(), "organization": new.target.id.as_str(), "file_name": new.file_name,
            "file_sha256": new.sha256, "status": status.code(), "rows": applied.rows, "created": applied.created,
            "updated": applied.updated, "unchanged": applied.unchanged,
        });
        w.record(new.target.province_id.as_str(), "create", "upload", id.as_str(), None, Some(after));
        self.upload_in(w, &id).await?.ok_or(StoreError::NotFound)
    }

    /// An upload, by id.
    pub async fn upload(&self, id: &Id) -> Result<Option<Upload>> {
        let row = sqlx::query(&format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(upload_from_row).transpose()
    }

    /// An upload as the transaction sees it.
    pub async fn upload_in(&self, w: &mut Audited, id: &Id) -> Result<Option<Upload>> {
        let row = sqlx::query(&format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?;
        row.as_ref().map(upload_from_row).transpose()
    }

    /// The latest uploads for the organizations `org_ids`, newest first.
    pub async fn uploads_for(&self, org_ids: &[Id], limit: i64) -> Result<Vec<Upload>> {
        let mut found = Vec::new();
        for chunk in org_ids.chunks(crate::rows::in_list_size(self.backend())) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE org_id IN ({}) ORDER BY created_at DESC, id DESC LIMIT $1",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(limit);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                found.push(upload_from_row(&row)?);
            }
        }
        found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.as_str().cmp(a.id.as_str())));
        found.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(found)
    }

    /// Ends a previewed upload as committed, cancelled or stale; audited.
    /// An upload no longer waiting is refused (`upload-decided`).
    pub async fn decide_upload(&self, w: &mut Audited, id: &Id, status: UploadStatus) -> Result<Upload> {
        let before = self.upload_in(w, id).await?.ok_or(StoreError::NotFound)?;
        if before.status != UploadStatus::Previewed {
            return Err(StoreError::Rule(Message::new("upload-decided").code("status", "upload_status", before.status.code())));
        }
        let actor = w.actor().id.clone();
        let at = w.at().to_owned();
        let done = sqlx::query(
            "UPDATE uploads SET status = $1, decided_at = $2, decided_by = $3 WHERE province_id = $4 AND id = $5 AND status = 'previewed'",
        )
        .bind(status.code())
        .bind(&at)
        .bind(&actor)
        .bind(before.province_id.as_str())
        .bind(id.as_str())
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Rule(Message::new("upload-decided").code("status", "upload_status", before.status.code())));
        }
        w.record(
            before.province_id.as_str(),
            "update",
            "upload",
            id.as_str(),
            Some(json!({"status": before.status.code()})),
            Some(json!({"status": status.code()})),
        );
        self.upload_in(w, id).await?.ok_or(StoreError::NotFound)
    }
}
