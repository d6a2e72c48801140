//! Roll-ups over a subtree: `/orgs/{id}/rollup?year=YYYY` counts the cells
//! of each requirement by status (people count under their organization),
//! with the rate met / (met + overdue + missed) only when that denominator
//! is at least [`RATE_MIN`]; every count links to
//! `/orgs/{id}/rollup/{requirement}?status=…&year=…`, which lists the cells
//! behind it in the tree's order and by name, never by performance.

use super::{
    CellView, YearLink, YearQuery, cell_view, parse_status, rules_lang, status_key, status_symbol, with_year, year_links, year_of,
};
use crate::AppState;
use crate::evaluation::Evaluated;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer, render};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::Id;
use domain::access::Action;
use i18n::Lang;
use rules::{Period, Rollup, Status, Subject};

/// The smallest denominator for which a rate is shown; below it, counts only.
pub const RATE_MIN: u64 = 20;
/// Cells per page of a drill-down.
pub const PAGE_SIZE: usize = 200;

/// One count of a roll-up row.
pub struct CountCell {
    pub code: &'static str,
    pub n: u64,
    /// The drill-down behind the count.
    pub href: String,
}

/// One requirement of a roll-up.
pub struct RollupRow {
    pub requirement: String,
    pub title: String,
    pub clause: String,
    /// In the order met, due, overdue, missed, exempt, not applicable.
    pub counts: Vec<CountCell>,
    /// `85%`, when the denominator reaches [`RATE_MIN`].
    pub rate: Option<String>,
    pub met: u64,
    pub denominator: u64,
    /// The drill-down of every cell of the requirement.
    pub all_href: String,
}

/// The rate met / (met + overdue + missed) in whole percent, rounded down
/// (so that 100% means every one), when the denominator is at least
/// [`RATE_MIN`].
pub fn rate(met: u64, overdue: u64, missed: u64) -> Option<String> {
    let denominator = met + overdue + missed;
    (denominator >= RATE_MIN).then(|| format!("{}%", met * 100 / denominator))
}

fn rollup_rows(ev: &Evaluated, rollup: &Rollup, org: &Id, year: i32, lang: Lang) -> Vec<RollupRow> {
    let mut rows = Vec::new();
    for (ri, req) in ev.engine.requirements().iter().enumerate() {
        let Ok(r) = rules::RequirementIx::try_from(ri) else { continue };
        let n = |s: Status| rollup.count(r, s);
        if Status::ALL.iter().all(|s| n(*s) == 0) {
            continue;
        }
        let base = format!("/orgs/{org}/rollup/{}", req.id);
        let counts = Status::ALL
            .iter()
            .map(|s| CountCell { code: s.code(), n: n(*s), href: format!("{base}?status={}&year={year}", s.code()) })
            .collect();
        let (met, overdue, missed) = (n(Status::Met), n(Status::Overdue), n(Status::Missed));
        rows.push(RollupRow {
            requirement: req.id.clone(),
            title: req.title(rules_lang(lang)).to_owned(),
            clause: super::clause_with_source(req, lang),
            counts,
            rate: rate(met, overdue, missed),
            met,
            denominator: met + overdue + missed,
            all_href: format!("{base}?year={year}"),
        });
    }
    rows
}

/// A column heading of the roll-up.
pub struct StatusHead {
    pub code: &'static str,
    pub word: &'static str,
    pub symbol: &'static str,
}

fn status_heads(lang: Lang) -> Vec<StatusHead> {
    Status::ALL.iter().map(|s| StatusHead { code: s.code(), word: i18n::t(lang, status_key(*s)), symbol: status_symbol(*s) }).collect()
}

#[derive(Template)]
#[template(path = "compliance_rollup.html")]
struct RollupPage<'a> {
    c: &'a PageContext,
    org: OrgLink,
    year: i32,
    years: Vec<YearLink>,
    heads: Vec<StatusHead>,
    rows: Vec<RollupRow>,
    rate_min: u64,
    as_of: String,
}

/// `GET /orgs/{id}/rollup?year=YYYY`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    ctx.respond(rollup_page(&state, &ctx, &viewer, &id, &q).await)
}

async fn rollup_page(state: &AppState, ctx: &PageContext, viewer: &Viewer, raw_id: &str, q: &YearQuery) -> Result<Response, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let today = state.today.date();
    let org = viewer.require(state, Action::Read, &id, today).await?;
    let year = year_of(q.year.as_deref(), today)?;
    let lang = ctx.lang;
    let (rows, as_of) = with_year(state, year, |ev| {
        let rows = match ev.loaded.org_index.get(&id) {
            Some(&ix) => rollup_rows(ev, &ev.engine.rollup(ix), &id, year, lang),
            None => Vec::new(),
        };
        (rows, ev.as_of)
    })
    .await?;
    render(&RollupPage {
        c: ctx,
        org: OrgLink::new(&org, lang),
        year,
        years: year_links(&format!("/orgs/{id}/rollup"), year, today),
        heads: status_heads(lang),
        rows,
        rate_min: RATE_MIN,
        as_of: date(as_of),
    })
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// One cell of a drill-down.
pub struct DrillRow {
    pub subject: String,
    pub subject_href: String,
    /// For a person: the organization they count under.
    pub home: Option<String>,
    pub home_href: Option<String>,
    pub cell: CellView,
}

/// The organization a person counts under: their membership on the last
/// evaluated day, else their latest one (as the engine counts them).
fn homes(ev: &Evaluated) -> Vec<Option<u32>> {
    let day = Period::Year(ev.engine.year()).last_day().min(ev.engine.as_of());
    let mut homes: Vec<Option<(bool, NaiveDate, u32)>> = vec![None; ev.engine.world().people.len()];
    for m in &ev.engine.world().memberships {
        let Some(slot) = homes.get_mut(m.person as usize) else { continue };
        let covers = m.from <= day && m.to.is_none_or(|t| t > day);
        let better = match slot {
            None => true,
            Some((had_cover, from, _)) => !*had_cover && (covers || m.from >= *from),
        };
        if better {
            *slot = Some((covers, m.from, m.org));
        }
    }
    homes.into_iter().map(|h| h.map(|(_, _, org)| org)).collect()
}

/// The cells of requirement `req` in the subtree of `org` with the status
/// asked for (all if `None`), ordered by the tree's order (pre-order,
/// children by name), then by name and period.
fn drill_rows(ev: &Evaluated, org: u32, req: usize, status: Option<Status>, lang: Lang) -> Vec<DrillRow> {
    let homes = homes(ev);
    let loaded = &ev.loaded;
    let mut cells: Vec<(u32, &str, rules::Cell)> = ev
        .engine
        .cells_in(org)
        .into_iter()
        .filter(|c| usize::from(c.requirement) == req && status.is_none_or(|s| c.status == s))
        .map(|c| {
            let (home, name) = match c.subject {
                Subject::Org(o) => (o, loaded.org_names.get(o as usize).map_or("", String::as_str)),
                Subject::Person(p) => (
                    homes.get(p as usize).copied().flatten().unwrap_or(u32::MAX),
                    loaded.person_names.get(p as usize).map_or("", String::as_str),
                ),
            };
            (home, name, c)
        })
        .collect();
    cells.sort_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)).then_with(|| a.2.subject.cmp(&b.2.subject)).then(a.2.period.cmp(&b.2.period))
    });
    cells
        .into_iter()
        .filter_map(|(home, name, c)| {
            let (subject_href, home_name, home_href) = match c.subject {
                Subject::Org(o) => (loaded.org_ids.get(o as usize).map(|id| format!("/orgs/{id}"))?, None, None),
                Subject::Person(p) => (
                    loaded.person_ids.get(p as usize).map(|id| format!("/people/{id}"))?,
                    loaded.org_names.get(home as usize).cloned(),
                    loaded.org_ids.get(home as usize).map(|id| format!("/orgs/{id}")),
                ),
            };
            Some(DrillRow { subject: name.to_owned(), subject_href, home: home_name, home_href, cell: cell_view(ev, &c, lang)? })
        })
        .collect()
}

/// A page of a drill-down, as links.
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "compliance_drill.html")]
struct DrillPage<'a> {
    c: &'a PageContext,
    org: OrgLink,
    year: i32,
    title: String,
    clause: String,
    /// The status word asked for, or `None` for every status.
    status: Option<StatusHead>,
    total: usize,
    rows: Vec<DrillRow>,
    pager: Pager,
    rollup_href: String,
}

/// `GET /orgs/{id}/rollup/{requirement}?status=missed&year=YYYY&page=N`.
pub async fn drill_down(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path((id, requirement)): Path<(String, String)>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    ctx.respond(drill_page(&state, &ctx, &viewer, &id, &requirement, &q).await)
}

/// The page number asked for (1 by default; anything else than a whole
/// number from 1 is "not found").
fn page_of(raw: Option<&str>) -> Result<usize, PageError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(s) => s.parse::<usize>().ok().filter(|p| *p >= 1).ok_or(PageError::NotFound),
    }
}

async fn drill_page(
    state: &AppState,
    ctx: &PageContext,
    viewer: &Viewer,
    raw_id: &str,
    requirement: &str,
    q: &YearQuery,
) -> Result<Response, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let today = state.today.date();
    let org = viewer.require(state, Action::Read, &id, today).await?;
    let year = year_of(q.year.as_deref(), today)?;
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(parse_status(code).ok_or(PageError::NotFound)?),
    };
    let page = page_of(q.page.as_deref())?;
    let lang = ctx.lang;
    let found = with_year(state, year, |ev| {
        let req = ev.engine.requirements().iter().position(|r| r.id == requirement)?;
        let title =
            ev.engine.requirements().get(req).map(|r| (r.title(rules_lang(lang)).to_owned(), super::clause_with_source(r, lang)))?;
        let rows = match ev.loaded.org_index.get(&id) {
            Some(&ix) => drill_rows(ev, ix, req, status, lang),
            None => Vec::new(),
        };
        Some((title, rows))
    })
    .await?;
    let ((title, clause), mut rows) = found.ok_or(PageError::NotFound)?;
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    if page > pages {
        return Err(PageError::NotFound);
    }
    let rows: Vec<DrillRow> = rows.drain(..).skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
    let status_part = status.map(|s| format!("status={}&", s.code())).unwrap_or_default();
    let href = |p: usize| format!("/orgs/{id}/rollup/{requirement}?{status_part}year={year}&page={p}");
    let pager = Pager { page, pages, prev: (page > 1).then(|| href(page - 1)), next: (page < pages).then(|| href(page + 1)) };
    render(&DrillPage {
        c: ctx,
        org: OrgLink::new(&org, lang),
        year,
        title,
        clause,
        status: status.map(|s| StatusHead { code: s.code(), word: i18n::t(lang, status_key(s)), symbol: status_symbol(s) }),
        total,
        rows,
        pager,
        rollup_href: format!("/orgs/{id}/rollup?year={year}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_samples_get_no_rate() {
        assert_eq!(rate(10, 4, 5), None, "19 is too few");
        assert_eq!(rate(17, 1, 2).as_deref(), Some("85%"));
        assert_eq!(rate(0, 0, 20).as_deref(), Some("0%"));
        assert_eq!(rate(2, 0, 1), None);
        assert_eq!(rate(199, 0, 1).as_deref(), Some("99%"), "rounded down: 100% means every one");
    }

    #[test]
    fn pages_are_whole_numbers_from_one() {
        assert_eq!(page_of(None).ok(), Some(1));
        assert_eq!(page_of(Some("3")).ok(), Some(3));
        assert!(page_of(Some("0")).is_err());
        assert!(page_of(Some("-1")).is_err());
    }
}
