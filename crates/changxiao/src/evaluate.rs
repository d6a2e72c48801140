//! `changxiao evaluate`: every requirement for every subject of a subtree,
//! per period, with the status, the evidence and why — as JSON on stdout
//! (documented in docs/EVALUATION.md) or as a table for people.

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use domain::Id;
use rules::catalogue::{Lang, SubjectKind};
use rules::{Calendar, Catalogue, Engine, Status, Subject};
use serde_json::json;
use std::io::Write;
use store::Store;

/// What `evaluate` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Table,
}

pub struct Request<'a> {
    pub org: Option<&'a str>,
    pub year: Option<i32>,
    pub as_of: NaiveDate,
    pub format: Format,
    pub lang: &'a str,
}

pub async fn run(store: &Store, req: Request<'_>) -> Result<()> {
    let lang = Lang::parse(req.lang).with_context(|| format!("--lang: '{}' is neither zh-CN nor en", req.lang))?;
    let year = req.year.unwrap_or(req.as_of.year());
    if !(2000..=2100).contains(&year) {
        bail!("--year: {year} is outside 2000-2100");
    }
    let root = match req.org {
        None => None,
        Some(raw) => Some(Id::parse(raw.trim()).with_context(|| format!("--org: '{raw}' is not an organization id"))?),
    };
    let catalogue = Catalogue::embedded().context("loading the requirement catalogue")?;
    let calendar = Calendar::embedded().context("loading the working-day calendars")?;
    // The whole tree is evaluated and the subtree reported: people attend,
    // and leaders present, activities held outside their own subtree.
    let loaded = store.load_world(&catalogue, None, year, req.as_of).await.context("reading the records")?;
    let engine = Engine::new(&catalogue, calendar, loaded.world.clone(), &loaded.settings, year, req.as_of).context("evaluating")?;
    let top = match &root {
        Some(id) => *loaded.org_index.get(id).with_context(|| format!("--org: there is no organization {id} in {year}"))?,
        None => 0,
    };
    let cells = if loaded.world.orgs.is_empty() {
        Vec::new()
    } else if root.is_some() {
        engine.cells_in(top)
    } else {
        engine.cells()
    };
    let reqs = engine.requirements();
    let subject_of = |s: Subject| match s {
        Subject::Org(o) => ("organization", loaded.org_ids.get(o as usize), loaded.org_names.get(o as usize)),
        Subject::Person(p) => ("person", loaded.person_ids.get(p as usize), loaded.person_names.get(p as usize)),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match req.format {
        Format::Json => {
            let mut summary = serde_json::Map::new();
            for s in Status::ALL {
                summary.insert(s.code().to_owned(), json!(cells.iter().filter(|c| c.status == s).count()));
            }
            let json_cells: Vec<serde_json::Value> = cells
                .iter()
                .map(|c| {
                    let r = &reqs[usize::from(c.requirement)];
                    let (kind, id, name) = subject_of(c.subject);
                    json!({
                        "requirement": r.id,
                        "subject": id.map(Id::as_str),
                        "subject_kind": kind,
                        "subject_name": name,
                        "period": c.period.label(),
                        "status": c.status.code(),
                        "evidence": c.evidence.iter().filter_map(|a| loaded.activity_ids.get(*a as usize).map(Id::as_str)).collect::<Vec<_>>(),
                        "why": rules::why::sentence(engine.catalogue(), r, c.why, c.found, c.needed, lang),
                        "why_code": c.why.code(),
                        "found": c.found,
                        "needed": c.needed,
                    })
                })
                .collect();
            let requirements: Vec<serde_json::Value> = reqs
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id,
                        "title": r.title(lang),
                        "clause": r.clause,
                        "subject_kind": r.subject.code(),
                        "period": r.period.code(),
                        "count": r.count,
                    })
                })
                .collect();
            let doc = json!({
                "year": year,
                "as_of": req.as_of.to_string(),
                "org": root.as_ref().map(Id::as_str),
                "lang": req.lang,
                "requirements": requirements,
                "summary": summary,
                "cells": json_cells,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Table => {
            let zh = lang == Lang::Zh;
            let head =
                if zh { ["要求", "对象", "期间", "状态", "原因"] } else { ["requirement", "subject", "period", "status", "why"] };
            writeln!(out, "{}", head.join("\t"))?;
            for c in &cells {
                let r = &reqs[usize::from(c.requirement)];
                let (_, _, name) = subject_of(c.subject);
                let status = if zh { status_zh(c.status) } else { c.status.code() };
                let why = rules::why::sentence(engine.catalogue(), r, c.why, c.found, c.needed, lang);
                writeln!(out, "{}\t{}\t{}\t{}\t{}", r.title(lang), name.map_or("", String::as_str), c.period.label(), status, why)?;
            }
            let shown = |kind: SubjectKind| cells.iter().filter(|c| reqs[usize::from(c.requirement)].subject == kind).count();
            writeln!(
                out,
                "{}",
                if zh {
                    format!("共{}项（组织{}项，个人{}项）", cells.len(), shown(SubjectKind::Organization), shown(SubjectKind::Person))
                } else {
                    format!(
                        "{} cells ({} of organizations, {} of people)",
                        cells.len(),
                        shown(SubjectKind::Organization),
                        shown(SubjectKind::Person)
                    )
                }
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn status_zh(s: Status) -> &'static str {
    match s {
        Status::Met => "已落实",
        Status::Due => "待落实",
        Status::Overdue => "逾期待补录",
        Status::Missed => "未落实",
        Status::Exempt => "已豁免",
        Status::NotApplicable => "不适用",
    }
}
