//! Spreadsheet import and export from the command line: read and validate
//! the whole file first, write nothing if any row is bad, then apply it in
//! one audited transaction.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use domain::Id;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::ExitCode;
use store::import::ImportError;
use store::{Actor, Store};

/// Exit code for a file refused because of its content.
const REFUSED: u8 = 2;

fn org_id(raw: &str) -> Result<Id> {
    Id::parse(raw.trim()).with_context(|| format!("--org '{raw}' is not an organization id (32 hex digits)"))
}

/// Reads a file after checking its size (and never more than the limit,
/// even if it grows or is not a regular file), returning the bytes and their SHA-256.
fn read_limited(file: &Path) -> Result<std::result::Result<(Vec<u8>, String), String>> {
    use std::io::Read;
    let meta = std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?;
    if !meta.is_file() {
        bail!("{} is not a regular file", file.display());
    }
    let too_large = |bytes| Ok(Err(sheets::SheetError::TooLarge { bytes }.to_string()));
    if meta.len() > sheets::MAX_FILE_BYTES {
        return too_large(meta.len());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(sheets::MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("reading {}", file.display()))?;
    if bytes.len() as u64 > sheets::MAX_FILE_BYTES {
        return too_large(bytes.len() as u64);
    }
    let hash = hex::encode(Sha256::digest(&bytes));
    Ok(Ok((bytes, hash)))
}

fn refuse(lines: impl IntoIterator<Item = String>) -> ExitCode {
    eprintln!("文件未导入，未作任何修改 / the file was not imported; nothing was changed:");
    for line in lines {
        eprintln!("  {line}");
    }
    ExitCode::from(REFUSED)
}

fn read_table(file: &Path) -> Result<std::result::Result<(domain::sheet::Table, String), ExitCode>> {
    let (bytes, hash) = match read_limited(file)? {
        Ok(v) => v,
        Err(message) => return Ok(Err(refuse([message]))),
    };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match sheets::read_table(&bytes, &name) {
        Ok(table) => Ok(Ok((table, hash))),
        Err(e) => Ok(Err(refuse([e.to_string()]))),
    }
}

/// The counts of an import, for one summary line.
struct Counts {
    rows: usize,
    created: usize,
    updated: usize,
    unchanged: usize,
}

/// Commits a successful import and prints its summary, or turns its
/// failure into the refusal message (nothing is committed then).
async fn finish(
    store: &Store,
    w: store::Audited,
    target: &Id,
    outcome: std::result::Result<(Counts, Vec<String>), ImportError>,
) -> Result<ExitCode> {
    match outcome {
        Ok((c, warnings)) => {
            w.commit().await?;
            if c.created + c.updated > 1_000 {
                store.refresh_statistics().await?;
            }
            println!(
                "已导入 {} 行：新增 {}，更新 {}，未变 {} / imported {} rows: {} created, {} updated, {} unchanged",
                c.rows, c.created, c.updated, c.unchanged, c.rows, c.created, c.updated, c.unchanged
            );
            for warning in &warnings {
                println!("提示 / warning: {warning}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rows(errors)) => Ok(refuse(errors.iter().map(ToString::to_string))),
        Err(ImportError::Store(store::StoreError::NotFound)) => bail!("organization {target} not found"),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}

pub async fn import_roster(store: &Store, file: &Path, org: &str, today: NaiveDate) -> Result<ExitCode> {
    let target = org_id(org)?;
    let (table, hash) = match read_table(file)? {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let entries = match domain::roster::parse_roster(&table, today) {
        Ok(entries) => entries,
        Err(errors) => return Ok(refuse(errors.iter().map(ToString::to_string))),
    };
    let mut w = store.writer(&Actor::system("cli")).await?;
    let outcome = store
        .import_roster(&mut w, &target, entries, &hash, today)
        .await
        .map(|r| (Counts { rows: r.rows, created: r.created, updated: r.updated, unchanged: r.unchanged }, r.warnings));
    finish(store, w, &target, outcome).await
}

pub async fn import_orgs(store: &Store, file: &Path, org: &str, today: NaiveDate) -> Result<ExitCode> {
    let target = org_id(org)?;
    let (table, hash) = match read_table(file)? {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let entries = match domain::org_sheet::parse_org_sheet(&table, today) {
        Ok(entries) => entries,
        Err(errors) => return Ok(refuse(errors.iter().map(ToString::to_string))),
    };
    let mut w = store.writer(&Actor::system("cli")).await?;
    let outcome = store
        .import_orgs(&mut w, &target, entries, &hash, today)
        .await
        .map(|r| (Counts { rows: r.rows, created: r.created, updated: r.updated, unchanged: r.unchanged }, Vec::new()));
    finish(store, w, &target, outcome).await
}

/// Held activities for organizations in the subtree of `org`: rows already
/// recorded are skipped and counted as unchanged.
pub async fn import_activities(store: &Store, file: &Path, org: &str, today: NaiveDate) -> Result<ExitCode> {
    let target = org_id(org)?;
    let catalogue = rules::Catalogue::embedded().context("loading the requirement catalogue")?;
    let (table, hash) = match read_table(file)? {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let vocabulary = store::activity_import::vocabulary(&catalogue);
    let (entries, mut errors) = domain::activity_sheet::read_activity_sheet(&table, &vocabulary, today);
    // The good rows are checked against the records even when others are
    // bad, so that one refusal lists every bad row; nothing is kept then.
    let mut w = store.writer(&Actor::system("cli")).await?;
    let outcome = store
        .import_activities(&mut w, &catalogue, &target, entries, &hash, today)
        .await
        .map(|r| (Counts { rows: r.rows, created: r.created, updated: 0, unchanged: r.unchanged }, Vec::new()));
    if errors.is_empty() {
        return finish(store, w, &target, outcome).await;
    }
    drop(w);
    match outcome {
        Ok(_) => {}
        Err(ImportError::Rows(more)) => errors.errors.extend(more),
        Err(ImportError::Store(store::StoreError::NotFound)) => bail!("organization {target} not found"),
        Err(ImportError::Store(e)) => return Err(e.into()),
    }
    errors.errors.sort_by_key(|e| e.line);
    Ok(refuse(errors.iter().map(ToString::to_string)))
}

/// Which import template to write.
#[derive(Clone, Copy, Debug)]
pub enum Template {
    Roster,
    Orgs,
    /// With one example row, which an import refuses if it is left in.
    Activities,
}

pub fn write_template(file: &Path, which: Template) -> Result<ExitCode> {
    let format =
        sheets::OutputFormat::from_path(file).with_context(|| format!("{}: the file name must end in .xlsx or .csv", file.display()))?;
    let (headers, rows) = match which {
        Template::Roster => (domain::roster::template_headers(), Vec::new()),
        Template::Orgs => (domain::org_sheet::org_template_headers(), Vec::new()),
        Template::Activities => (
            domain::activity_sheet::activity_template_headers(),
            vec![domain::activity_sheet::activity_template_example().into_iter().map(str::to_owned).collect()],
        ),
    };
    let bytes = format.write(&headers, &rows)?;
    std::fs::write(file, bytes).with_context(|| format!("writing {}", file.display()))?;
    println!("已写出模板 / template written: {}", file.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn export_roster(store: &Store, org: &str, file: &Path, today: NaiveDate) -> Result<()> {
    let target = org_id(org)?;
    let format =
        sheets::OutputFormat::from_path(file).with_context(|| format!("{}: the file name must end in .xlsx or .csv", file.display()))?;
    let records = match store.roster(&target, today).await {
        Err(store::StoreError::NotFound) => bail!("organization {target} not found"),
        other => other?,
    };
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            let p = &r.person;
            vec![
                p.name.to_string(),
                p.sex.map(|s| s.word().to_owned()).unwrap_or_default(),
                p.ethnicity.clone().unwrap_or_default(),
                r.id_number.clone().unwrap_or_default(),
                p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                p.category.word().to_owned(),
                p.join_date.to_string(),
                p.full_member_date.map(|d| d.to_string()).unwrap_or_default(),
                r.org_name.clone(),
                p.positions.iter().map(|k| k.word()).collect::<Vec<_>>().join("、"),
                r.phone.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = format.write(&domain::roster::template_headers(), &rows)?;
    // The export is audited before the file exists, so no export goes unrecorded.
    let mut w = store.writer(&Actor::system("cli")).await?;
    let province = store.org_required(&target, today).await?.province_id;
    w.record(
        province.as_str(),
        "export",
        "roster_export",
        target.as_str(),
        None,
        Some(serde_json::json!({ "rows": rows.len(), "format": format.extension() })),
    );
    w.commit().await?;
    write_private(file, &bytes).with_context(|| format!("writing {}", file.display()))?;
    println!("已导出 {} 名党员 / exported {} members to {}", rows.len(), rows.len(), file.display());
    Ok(())
}

/// Writes a file only its owner can read: exports hold ID numbers in clear.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
