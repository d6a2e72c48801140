//! Spreadsheet import and export from the command line: read and validate
//! the whole file first, write nothing if any row is bad, then apply it in
//! one audited transaction (the same path as an upload through the web,
//! `store::uploads`).

use crate::accounts::org_option;
use crate::say::{self, While, refuse};
use anyhow::Result;
use chrono::NaiveDate;
use domain::{Id, Message};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::ExitCode;
use store::import::ImportError;
use store::uploads::SheetKind;
use store::{Actor, Store};

/// Exit code for a file refused because of its content.
const REFUSED: u8 = 2;

fn reading(file: &Path) -> Message {
    Message::new("cli-reading-file").text("file", file.display().to_string())
}

fn writing(file: &Path) -> Message {
    Message::new("cli-writing-file").text("file", file.display().to_string())
}

fn no_such_org(target: &Id) -> Message {
    Message::new("cli-no-such-org").text("id", target.as_str())
}

/// Reads a file after checking its size (and never more than the limit,
/// even if it grows or is not a regular file), returning the bytes and their SHA-256.
fn read_limited(file: &Path) -> Result<std::result::Result<(Vec<u8>, String), Message>> {
    use std::io::Read;
    let meta = std::fs::metadata(file).during(reading(file))?;
    if !meta.is_file() {
        return refuse(Message::new("cli-not-a-file").text("file", file.display().to_string()));
    }
    let too_large = |bytes| Ok(Err(sheets::SheetError::TooLarge { bytes }.message()));
    if meta.len() > sheets::MAX_FILE_BYTES {
        return too_large(meta.len());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(file).and_then(|f| f.take(sheets::MAX_FILE_BYTES + 1).read_to_end(&mut bytes)).during(reading(file))?;
    if bytes.len() as u64 > sheets::MAX_FILE_BYTES {
        return too_large(bytes.len() as u64);
    }
    let hash = hex::encode(Sha256::digest(&bytes));
    Ok(Ok((bytes, hash)))
}

/// Prints why a file was refused, one problem a line, and gives the exit code.
fn refused(problems: impl IntoIterator<Item = Message>) -> ExitCode {
    say::err(&Message::new("cli-file-not-imported"));
    for problem in problems {
        eprintln!("  {}", say::text(&problem));
    }
    ExitCode::from(REFUSED)
}

fn read_table(file: &Path) -> Result<std::result::Result<(domain::sheet::Table, String), ExitCode>> {
    let (bytes, hash) = match read_limited(file)? {
        Ok(v) => v,
        Err(message) => return Ok(Err(refused([message]))),
    };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match sheets::read_table(&bytes, &name) {
        Ok(table) => Ok(Ok((table, hash))),
        Err(e) => Ok(Err(refused([e.message()]))),
    }
}

/// Reads `file` as a sheet of `kind` and applies it to the subtree of
/// `org` in one audited transaction; any bad row refuses the whole file,
/// one line per bad row, and nothing is written.
pub async fn import(store: &Store, kind: SheetKind, file: &Path, org: &str, today: NaiveDate) -> Result<ExitCode> {
    let target = org_option(org)?;
    let catalogue = rules::Catalogue::embedded().during(Message::new("cli-loading-catalogue"))?;
    let (table, hash) = match read_table(file)? {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let mut w = store.writer(&Actor::system("cli")).await?;
    let sheet = store::uploads::Sheet { kind, table: &table, file_hash: &hash };
    match store.apply_sheet(&mut w, &catalogue, &target, sheet, today).await {
        Ok(applied) => {
            w.commit().await?;
            if applied.created + applied.updated > 1_000 {
                store.refresh_statistics().await?;
            }
            let imported = Message::new("cli-imported")
                .count("rows", applied.rows)
                .count("created", applied.created)
                .count("updated", applied.updated)
                .count("unchanged", applied.unchanged);
            say::out(&imported);
            for warning in applied.warnings {
                say::out(&Message::new("cli-warning").message("warning", warning));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rows(errors)) => Ok(refused(errors.iter().map(domain::sheet::RowError::message))),
        Err(ImportError::Store(store::StoreError::NotFound)) => refuse(no_such_org(&target)),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}

/// Writes the empty template of `kind` (the activities' with one example
/// row, which an import refuses if it is left in).
pub fn write_template(file: &Path, kind: SheetKind) -> Result<ExitCode> {
    let format =
        sheets::OutputFormat::from_path(file).during(Message::new("cli-output-extension").text("file", file.display().to_string()))?;
    let (headers, rows) = kind.template();
    let bytes = format.write(&headers, &rows)?;
    std::fs::write(file, bytes).during(writing(file))?;
    say::out(&Message::new("cli-template-written").text("file", file.display().to_string()));
    Ok(ExitCode::SUCCESS)
}

pub async fn export_roster(store: &Store, org: &str, file: &Path, today: NaiveDate) -> Result<()> {
    let target = org_option(org)?;
    let format =
        sheets::OutputFormat::from_path(file).during(Message::new("cli-output-extension").text("file", file.display().to_string()))?;
    let records = match store.roster(&target, today).await {
        Err(store::StoreError::NotFound) => return refuse(no_such_org(&target)),
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
    write_private(file, &bytes).during(writing(file))?;
    say::out(&Message::new("cli-roster-exported").count("members", rows.len()).text("file", file.display().to_string()));
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
