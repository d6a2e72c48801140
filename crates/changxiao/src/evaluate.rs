//! `changxiao evaluate`: every requirement for every subject of a subtree,
//! per period, with the status, the evidence and why — as JSON on stdout
//! (documented in docs/EVALUATION.md) or as a table for people, in the
//! command line's language.

use crate::say::{self, While, refuse};
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use domain::{Id, Message};
use rules::catalogue::{Lang, SubjectKind};
use rules::{Calendar, Catalogue, Cell, Engine, Requirement, Subject};
use serde_json::json;
use std::io::Write;
use store::Store;
use store::evaluation::Loaded;

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
}

/// A year of records evaluated, and the subtree to report.
struct Evaluated {
    loaded: Loaded,
    engine: Engine,
    year: i32,
    root: Option<Id>,
    cells: Vec<Cell>,
}

pub async fn run(store: &Store, req: Request<'_>) -> Result<()> {
    let evaluated = evaluate(store, &req).await?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match req.format {
        Format::Json => write_json(&mut out, &evaluated, req.as_of)?,
        Format::Table => write_table(&mut out, &evaluated)?,
    }
    out.flush()?;
    Ok(())
}

async fn evaluate(store: &Store, req: &Request<'_>) -> Result<Evaluated> {
    let year = req.year.unwrap_or(req.as_of.year());
    if !(2000..=2100).contains(&year) {
        return refuse(Message::new("cli-year-out-of-range").number("year", year));
    }
    let root = match req.org {
        None => None,
        Some(raw) => Some(crate::accounts::org_option(raw)?),
    };
    let catalogue = Catalogue::embedded().during(Message::new("cli-loading-catalogue"))?;
    let calendar = Calendar::embedded().during(Message::new("cli-loading-calendars"))?;
    // The whole tree is evaluated and the subtree reported: people attend,
    // and leaders present, activities held outside their own subtree.
    let loaded = store.load_world(&catalogue, None, year, req.as_of).await?;
    let engine = Engine::new(&catalogue, calendar, loaded.world.clone(), &loaded.settings, year, req.as_of)
        .during(Message::new("cli-evaluating"))?;
    let cells = match &root {
        _ if loaded.world.orgs.is_empty() => Vec::new(),
        Some(id) => {
            let top = *loaded.org_index.get(id).during(Message::new("cli-org-not-in-year").text("id", id.as_str()).number("year", year))?;
            engine.cells_in(top)
        }
        None => engine.cells(),
    };
    Ok(Evaluated { loaded, engine, year, root, cells })
}

impl Evaluated {
    /// (kind, id, name) of a subject.
    fn subject(&self, s: Subject) -> (&'static str, Option<&Id>, Option<&String>) {
        let l = &self.loaded;
        match s {
            Subject::Org(o) => ("organization", l.org_ids.get(o as usize), l.org_names.get(o as usize)),
            Subject::Person(p) => ("person", l.person_ids.get(p as usize), l.person_names.get(p as usize)),
        }
    }

    fn requirement(&self, c: &Cell) -> Option<&Requirement> {
        self.engine.requirements().get(usize::from(c.requirement))
    }

    fn why(&self, r: &Requirement, c: &Cell) -> String {
        say::text(&rules::why::message(self.engine.catalogue(), r, c.why, c.found, c.needed))
    }
}

fn catalogue_lang() -> Lang {
    match say::lang() {
        i18n::Lang::ZhCn => Lang::Zh,
        i18n::Lang::En => Lang::En,
    }
}

fn write_json(out: &mut impl Write, ev: &Evaluated, as_of: NaiveDate) -> Result<()> {
    let lang = catalogue_lang();
    let mut summary = serde_json::Map::new();
    for s in rules::Status::ALL {
        summary.insert(s.code().to_owned(), json!(ev.cells.iter().filter(|c| c.status == s).count()));
    }
    let cells: Vec<serde_json::Value> = ev
        .cells
        .iter()
        .filter_map(|c| {
            let r = ev.requirement(c)?;
            let (kind, id, name) = ev.subject(c.subject);
            Some(json!({
                "requirement": r.id,
                "subject": id.map(Id::as_str),
                "subject_kind": kind,
                "subject_name": name,
                "period": c.period.label(),
                "status": c.status.code(),
                "evidence": c.evidence.iter().filter_map(|a| ev.loaded.activity_ids.get(*a as usize).map(Id::as_str)).collect::<Vec<_>>(),
                "why": ev.why(r, c),
                "why_code": c.why.code(),
                "found": c.found,
                "needed": c.needed,
            }))
        })
        .collect();
    let requirements: Vec<serde_json::Value> = ev
        .engine
        .requirements()
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "title": r.title(lang),
                "clause": r.clause,
                "source_kind": r.source_kind.code(),
                "subject_kind": r.subject.code(),
                "period": r.period.code(),
                "count": r.count,
            })
        })
        .collect();
    let doc = json!({
        "year": ev.year,
        "as_of": as_of.to_string(),
        "org": ev.root.as_ref().map(Id::as_str),
        "lang": say::lang().code(),
        "requirements": requirements,
        "summary": summary,
        "cells": cells,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

fn write_table(out: &mut impl Write, ev: &Evaluated) -> Result<()> {
    let lang = catalogue_lang();
    writeln!(out, "{}", say::text(&Message::new("cli-evaluate-head")))?;
    for c in &ev.cells {
        let Some(r) = ev.requirement(c) else { continue };
        let (_, _, name) = ev.subject(c.subject);
        let status = i18n::label(say::lang(), "status", c.status.code());
        writeln!(out, "{}\t{}\t{}\t{}\t{}", r.title(lang), name.map_or("", String::as_str), c.period.label(), status, ev.why(r, c))?;
    }
    let shown = |kind: SubjectKind| ev.cells.iter().filter(|c| ev.requirement(c).is_some_and(|r| r.subject == kind)).count();
    let total = Message::new("cli-evaluate-total")
        .count("cells", ev.cells.len())
        .count("orgs", shown(SubjectKind::Organization))
        .count("people", shown(SubjectKind::Person));
    writeln!(out, "{}", say::text(&total))?;
    Ok(())
}
