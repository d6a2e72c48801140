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

/// Reads a file after checking its size, returning the bytes and their SHA-256.
fn read_limited(file: &Path) -> Result<std::result::Result<(Vec<u8>, String), String>> {
    let meta = std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?;
    if meta.len() > sheets::MAX_FILE_BYTES {
        return Ok(Err(sheets::SheetError::TooLarge { bytes: meta.len() }.to_string()));
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
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
    match store.import_roster(&mut w, &target, entries, &hash, today).await {
        Ok(report) => {
            w.commit().await?;
            println!(
                "已导入 {} 行：新增 {}，更新 {}，未变 {} / imported {} rows: {} created, {} updated, {} unchanged",
                report.rows,
                report.created,
                report.updated,
                report.unchanged,
                report.rows,
                report.created,
                report.updated,
                report.unchanged
            );
            for warning in &report.warnings {
                println!("提示 / warning: {warning}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rows(errors)) => Ok(refuse(errors.iter().map(ToString::to_string))),
        Err(ImportError::Store(store::StoreError::NotFound)) => bail!("organization {target} not found"),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
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
    match store.import_orgs(&mut w, &target, entries, &hash, today).await {
        Ok(report) => {
            w.commit().await?;
            println!(
                "已导入 {} 行：新增 {}，更新 {}，未变 {} / imported {} rows: {} created, {} updated, {} unchanged",
                report.rows,
                report.created,
                report.updated,
                report.unchanged,
                report.rows,
                report.created,
                report.updated,
                report.unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rows(errors)) => Ok(refuse(errors.iter().map(ToString::to_string))),
        Err(ImportError::Store(store::StoreError::NotFound)) => bail!("organization {target} not found"),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}

pub fn write_template(file: &Path, orgs: bool) -> Result<ExitCode> {
    let format =
        sheets::OutputFormat::from_path(file).with_context(|| format!("{}: the file name must end in .xlsx or .csv", file.display()))?;
    let headers = if orgs { domain::org_sheet::org_template_headers() } else { domain::roster::template_headers() };
    let bytes = format.write(&headers, &[])?;
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
                p.sex.map(|s| if s == domain::Sex::Male { "男" } else { "女" }.to_owned()).unwrap_or_default(),
                p.ethnicity.clone().unwrap_or_default(),
                r.id_number.clone().unwrap_or_default(),
                p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                if p.category == domain::MemberCategory::Full { "正式党员" } else { "预备党员" }.to_owned(),
                p.join_date.to_string(),
                p.full_member_date.map(|d| d.to_string()).unwrap_or_default(),
                r.org_name.clone(),
                p.positions.iter().map(|k| position_word(*k)).collect::<Vec<_>>().join("、"),
                r.phone.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = format.write(&domain::roster::template_headers(), &rows)?;
    std::fs::write(file, bytes).with_context(|| format!("writing {}", file.display()))?;
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
    println!("已导出 {} 名党员 / exported {} members to {}", rows.len(), rows.len(), file.display());
    Ok(())
}

/// The roster template's word for a position (the first accepted word).
fn position_word(kind: domain::PositionKind) -> &'static str {
    use domain::PositionKind::*;
    match kind {
        Secretary => "书记",
        DeputySecretary => "副书记",
        CommitteeMember => "委员",
        LeadershipMember => "班子成员",
        GroupLeader => "党小组长",
    }
}
