//! What the requirements ask and what was done, as the evaluation engine
//! sees it: the pieces every compliance page shares (the evaluation of a
//! year read under its lock, a cell turned into words, its evidence as
//! links, period labels) and the routes of the pages built on them:
//!
//! - `/orgs/{id}/compliance?year=YYYY`: the year grid of an organization
//!   ([`grid`]), and the "this month" section of its page;
//! - `/orgs/{id}/rollup?year=YYYY` and `/orgs/{id}/rollup/{requirement}`:
//!   counts over a subtree and the cells behind each count ([`rollup`]);
//! - `/activities/{id}`: one record and the requirements it satisfied
//!   ([`activity`]);
//! - `/orgs/{id}/settings`: local settings and exemptions, with their forms
//!   ([`settings`]);
//! - the obligations section of a person's page ([`obligations`]).
//!
//! Statuses are always shown as a word with a symbol, never by colour
//! alone; every count links to the cells it counts, and every cell to the
//! records behind it. Nothing here ranks people or organizations: lists
//! follow the tree's order and names.

pub mod activity;
pub mod grid;
pub mod obligations;
pub mod rollup;
pub mod settings;

use super::PageError;
use crate::AppState;
use crate::evaluation::{Evaluated, EvaluationError};
use axum::Router;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use i18n::Lang;
use rules::{Cell, Period, Status};
use store::StoreError;

/// The routes of the compliance pages (merged into the page routes, so they
/// carry the same headers).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/compliance", get(grid::page))
        .route("/orgs/{id}/rollup", get(rollup::page))
        .route("/orgs/{id}/rollup/{requirement}", get(rollup::drill_down))
        .route("/orgs/{id}/settings", get(settings::page))
        .route("/orgs/{id}/settings/frequency", post(settings::set_frequency))
        .route("/orgs/{id}/settings/local", post(settings::add_local))
        .route("/orgs/{id}/settings/{setting}/end", post(settings::end_setting))
        .route("/orgs/{id}/exemptions", post(settings::exempt))
        .route("/orgs/{id}/exemptions/{exemption}/revoke", post(settings::revoke))
        .route("/activities/{id}", get(activity::page))
}

/// The earliest year the pages evaluate.
pub const FIRST_YEAR: i32 = 2000;

/// `?year=YYYY` (and, for lists, `?status=` and `?page=`), all optional.
#[derive(Debug, Default, serde::Deserialize)]
pub struct YearQuery {
    pub year: Option<String>,
    pub status: Option<String>,
    pub page: Option<String>,
}

/// The year asked for: this year by default; a year before [`FIRST_YEAR`],
/// after this year or not a number is "not found".
pub fn year_of(raw: Option<&str>, today: NaiveDate) -> Result<i32, PageError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today.year()),
        Some(s) => s.parse::<i32>().ok().filter(|y| (FIRST_YEAR..=today.year()).contains(y)).ok_or(PageError::NotFound),
    }
}

/// Runs `f` on the evaluation of `year` under its read lock, which is
/// released before this returns (nothing is awaited while it is held).
pub async fn with_year<T>(state: &AppState, year: i32, f: impl FnOnce(&Evaluated) -> T) -> Result<T, PageError> {
    let entry = state.evaluations.year(&state.store, year, state.today.date()).await.map_err(evaluation_error)?;
    let guard = entry.read().map_err(|_| PageError::Store(StoreError::Corrupt("the evaluation lock is poisoned".into())))?;
    Ok(f(&guard))
}

fn evaluation_error(e: EvaluationError) -> PageError {
    match e {
        EvaluationError::Store(e) => PageError::Store(e),
        EvaluationError::World(e) => PageError::Store(StoreError::Corrupt(e.to_string())),
    }
}

/// The catalogue's language for a page language.
pub fn rules_lang(lang: Lang) -> rules::catalogue::Lang {
    match lang {
        Lang::ZhCn => rules::catalogue::Lang::Zh,
        Lang::En => rules::catalogue::Lang::En,
    }
}

/// A requirement's clause with the kind of source that sets it, as a
/// heading's note says it: "Opinions 2024 §1 item 2 · common practice".
pub fn clause_with_source(req: &rules::Requirement, lang: Lang) -> String {
    let kind = match req.source_kind {
        rules::catalogue::SourceKind::National => "source-kind-national",
        rules::catalogue::SourceKind::CommonPractice => "source-kind-common-practice",
        rules::catalogue::SourceKind::Method => "source-kind-method",
        rules::catalogue::SourceKind::Local => "source-kind-local",
    };
    format!("{} · {}", req.clause, i18n::t(lang, kind))
}

/// The locale key of a status word.
pub fn status_key(status: Status) -> &'static str {
    match status {
        Status::Met => "status-met",
        Status::Due => "status-due",
        Status::Overdue => "status-overdue",
        Status::Missed => "status-missed",
        Status::Exempt => "status-exempt",
        Status::NotApplicable => "status-not-applicable",
    }
}

/// A symbol beside the status word, so that no status is told by colour alone.
pub fn status_symbol(status: Status) -> &'static str {
    match status {
        Status::Met => "✓",
        Status::Due => "○",
        Status::Overdue => "!",
        Status::Missed => "✗",
        Status::Exempt => "–",
        Status::NotApplicable => "·",
    }
}

/// Reads a status code of the engine (`met`, `due`, ...).
pub fn parse_status(code: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|s| s.code() == code)
}

/// A period in words: `2026年第四季度` / `Q4 2026`.
pub fn period_label(period: Period, lang: Lang) -> String {
    let (key, year) = match period {
        Period::Year(y) => ("period-year".to_owned(), y),
        Period::Half(y, h) => (format!("period-half-{h}"), y),
        Period::Quarter(y, q) => (format!("period-quarter-{q}"), y),
        Period::Month(y, m) => {
            let month = i18n::t(lang, &format!("month-{m}")).to_owned();
            return i18n::t_args(lang, "period-month", &[("year", y.into()), ("month", month.into())]);
        }
    };
    i18n::t_args(lang, &key, &[("year", year.into())])
}

/// A link to an activity that satisfied a cell.
pub struct EvidenceLink {
    pub href: String,
    /// `2026-11-20`
    pub date: String,
    /// `11-20`, for the grid.
    pub short: String,
    /// The activity kind in the page's language.
    pub kind: String,
}

/// One cell of the evaluation in words, ready for a template.
pub struct CellView {
    pub requirement: String,
    pub title: String,
    pub period: Period,
    pub period_label: String,
    /// `met`, `due`, ... (for the class attribute).
    pub code: &'static str,
    pub word: &'static str,
    pub symbol: &'static str,
    /// The reason in a sentence.
    pub reason: String,
    pub evidence: Vec<EvidenceLink>,
}

/// The link to activity number `ix` of the evaluation.
pub fn evidence_link(ev: &Evaluated, ix: u32, lang: Lang) -> Option<EvidenceLink> {
    let id = ev.loaded.activity_ids.get(ix as usize)?;
    let fact = ev.engine.world().activities.get(ix as usize).and_then(Option::as_ref);
    let (date, short, kind) = match fact {
        Some(f) => (
            f.held_on.format("%Y-%m-%d").to_string(),
            f.held_on.format("%m-%d").to_string(),
            ev.engine.catalogue().activity_kinds.get(usize::from(f.kind)).map(|t| t.label(rules_lang(lang)).to_owned()).unwrap_or_default(),
        ),
        None => (String::new(), i18n::t(lang, "compliance-record").to_owned(), String::new()),
    };
    Some(EvidenceLink { href: format!("/activities/{id}"), date, short, kind })
}

/// A cell in words, or `None` if its requirement is unknown to the engine.
pub fn cell_view(ev: &Evaluated, cell: &Cell, lang: Lang) -> Option<CellView> {
    let req = ev.engine.requirements().get(usize::from(cell.requirement))?;
    let reason = i18n::render(lang, &rules::why::message(ev.engine.catalogue(), req, cell.why, cell.found, cell.needed));
    Some(CellView {
        requirement: req.id.clone(),
        title: req.title(rules_lang(lang)).to_owned(),
        period: cell.period,
        period_label: period_label(cell.period, lang),
        code: cell.status.code(),
        word: i18n::t(lang, status_key(cell.status)),
        symbol: status_symbol(cell.status),
        reason,
        evidence: cell.evidence.iter().filter_map(|&ix| evidence_link(ev, ix, lang)).collect(),
    })
}

/// The first and last month (1-12) of a period.
pub fn months_of(period: Period) -> (u32, u32) {
    (period.first_day().month(), period.last_day().month())
}

/// A year in the year switcher.
pub struct YearLink {
    pub year: i32,
    pub href: String,
    pub current: bool,
}

/// Last year and this year (and the year shown, if it is neither), as links
/// to `base?year=…`.
pub fn year_links(base: &str, shown: i32, today: NaiveDate) -> Vec<YearLink> {
    let this = today.year();
    let mut years = vec![this - 1, this];
    if !years.contains(&shown) {
        years.insert(0, shown);
    }
    years
        .into_iter()
        .filter(|y| *y >= FIRST_YEAR)
        .map(|year| YearLink { year, href: format!("{base}?year={year}"), current: year == shown })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn years_default_to_this_year_and_the_future_is_not_found() {
        let today = day(2026, 11, 23);
        assert_eq!(year_of(None, today).ok(), Some(2026));
        assert_eq!(year_of(Some(" "), today).ok(), Some(2026));
        assert_eq!(year_of(Some("2025"), today).ok(), Some(2025));
        for bad in ["2027", "1999", "abc", "2026.5"] {
            assert!(matches!(year_of(Some(bad), today), Err(PageError::NotFound)), "{bad}");
        }
    }

    #[test]
    fn periods_read_as_words_in_both_languages() {
        assert_eq!(period_label(Period::Quarter(2026, 4), Lang::ZhCn), "2026年第四季度");
        assert_eq!(period_label(Period::Quarter(2026, 4), Lang::En), "Q4 2026");
        assert_eq!(period_label(Period::Month(2026, 7), Lang::ZhCn), "2026年7月");
        assert_eq!(period_label(Period::Month(2026, 7), Lang::En), "July 2026");
        assert_eq!(period_label(Period::Half(2026, 1), Lang::ZhCn), "2026年上半年");
        assert_eq!(period_label(Period::Year(2026), Lang::En), "2026");
    }

    #[test]
    fn every_status_has_a_word_and_a_symbol_in_both_languages() {
        for lang in Lang::ALL {
            for s in Status::ALL {
                assert!(i18n::has(lang, status_key(s)), "{} lacks {}", lang.code(), status_key(s));
                assert!(!status_symbol(s).is_empty());
                assert_eq!(parse_status(s.code()), Some(s));
            }
        }
        assert_eq!(i18n::t(Lang::ZhCn, "status-overdue"), "逾期待补录");
    }

    #[test]
    fn the_year_switcher_offers_last_year_and_this_year() {
        let links = year_links("/orgs/x/compliance", 2026, day(2026, 3, 1));
        assert_eq!(links.iter().map(|l| l.year).collect::<Vec<_>>(), vec![2025, 2026]);
        assert!(links[1].current && !links[0].current);
        let older = year_links("/orgs/x/compliance", 2020, day(2026, 3, 1));
        assert_eq!(older.iter().map(|l| l.year).collect::<Vec<_>>(), vec![2020, 2025, 2026]);
    }
}
