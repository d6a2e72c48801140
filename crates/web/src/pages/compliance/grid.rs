//! An organization's own cells: the "this month" section of its page (what
//! is due, overdue, met or exempt in the periods that contain today) and
//! the year grid `/orgs/{id}/compliance?year=YYYY`, one row per requirement
//! binding it, twelve month columns, quarterly cells spanning three,
//! half-yearly six and yearly twelve.

use super::{CellView, YearLink, YearQuery, cell_view, months_of, with_year, year_links, year_of};
use crate::AppState;
use crate::evaluation::Evaluated;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer, render};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use domain::Id;
use domain::access::Action;
use i18n::Lang;
use rules::catalogue::{Binding, SubjectKind};
use rules::{Status, Subject};

/// The "this month" section of an organization's page.
pub struct MonthSection {
    pub org_id: String,
    pub year: i32,
    /// Due first, then overdue (still open for late entry), met, exempt.
    pub items: Vec<CellView>,
    /// The viewer may change settings and exemptions here.
    pub supervisor: bool,
    /// The viewer may record activities here (each open item links to its form).
    pub recorder: bool,
    pub today: NaiveDate,
    /// Activities planned here and not yet held or cancelled.
    pub plans: Vec<PlanLine>,
}

/// A planned activity, linked to its record (where it is marked held).
pub struct PlanLine {
    pub href: String,
    pub date: String,
    pub kind: String,
    pub title: Option<String>,
}

impl CellView {
    /// The recording form for this item: for a period already over, dated its last day.
    pub fn record_href(&self, org_id: &str, today: &NaiveDate) -> String {
        let last = self.period.last_day();
        if last < *today {
            format!("/orgs/{org_id}/record?requirement={}&on={}", self.requirement, last.format("%Y-%m-%d"))
        } else {
            format!("/orgs/{org_id}/record?requirement={}", self.requirement)
        }
    }
}

fn month_rank(status: Status) -> u8 {
    match status {
        Status::Due => 0,
        Status::Overdue => 1,
        Status::Met => 2,
        Status::Exempt => 3,
        Status::Missed | Status::NotApplicable => 4,
    }
}

/// The organization's cells whose period contains `today` (and those
/// overdue, which may still be entered late), due first.
fn month_items(ev: &Evaluated, org: &Id, today: NaiveDate, lang: Lang) -> Vec<CellView> {
    let Some(&ix) = ev.loaded.org_index.get(org) else { return Vec::new() };
    let mut cells: Vec<_> = ev
        .engine
        .cells_of(Subject::Org(ix))
        .into_iter()
        .filter(|c| match c.status {
            Status::Due | Status::Met | Status::Exempt => c.period.contains(today),
            Status::Overdue => true,
            Status::Missed | Status::NotApplicable => false,
        })
        .collect();
    cells.sort_by_key(|c| (month_rank(c.status), c.requirement, c.period));
    cells.iter().filter_map(|c| cell_view(ev, c, lang)).collect()
}

/// The section for the organization page (the viewer may read the
/// organization); `None`, logged, if the evaluation cannot be had, so that
/// the page still shows the tree.
pub async fn month_section(state: &AppState, viewer: &Viewer, org: &domain::Organization, lang: Lang) -> Option<MonthSection> {
    let today = state.today.date();
    match with_year(state, today.year(), |ev| month_items(ev, &org.id, today, lang)).await {
        Ok(items) => Some(MonthSection {
            org_id: org.id.to_string(),
            year: today.year(),
            items,
            supervisor: viewer.may(Action::Supervise, &org.path, today),
            recorder: viewer.may(Action::Record, &org.path, today),
            today,
            plans: plans(state, org, lang).await,
        }),
        Err(e) => {
            tracing::error!(error = ?e, org = %org.id, "the organization page is shown without its obligations");
            None
        }
    }
}

/// The activities planned at `org` (logged and left out on failure).
async fn plans(state: &AppState, org: &domain::Organization, lang: Lang) -> Vec<PlanLine> {
    let filter = store::activities::ActivityFilter {
        org: org.id.clone(),
        subtree: false,
        from: None,
        to: None,
        kind: None,
        status: Some(store::activities::ActivityStatus::Planned),
    };
    match state.store.list_activities(&filter, None, 50, state.today.date()).await {
        Ok(page) => {
            let mut lines: Vec<PlanLine> = page
                .items
                .into_iter()
                .map(|a| PlanLine {
                    href: format!("/activities/{}", a.id),
                    date: a.held_on.format("%Y-%m-%d").to_string(),
                    kind: state
                        .catalogue
                        .kind(&a.kind)
                        .and_then(|k| state.catalogue.activity_kinds.get(usize::from(k)))
                        .map_or_else(|| a.kind.clone(), |t| t.label(super::rules_lang(lang)).to_owned()),
                    title: a.title,
                })
                .collect();
            lines.sort_by(|a, b| a.date.cmp(&b.date));
            lines
        }
        Err(e) => {
            tracing::error!(error = ?e, org = %org.id, "the organization page is shown without its plans");
            Vec::new()
        }
    }
}

/// A place in a grid row: a cell spanning `span` months, or an empty month.
pub struct GridSlot {
    pub span: u32,
    pub cell: Option<CellView>,
}

/// One requirement of the grid; a row has more than one lane only when
/// local settings changed its period within the year and periods overlap.
pub struct GridRow {
    pub requirement: String,
    pub title: String,
    pub clause: String,
    pub lanes: Vec<Vec<GridSlot>>,
}

/// Lays cells out over the twelve months: each cell in the first lane where
/// its months are free; empty months are slots of one.
pub fn lay_out(mut cells: Vec<CellView>) -> Vec<Vec<GridSlot>> {
    cells.sort_by_key(|c| months_of(c.period));
    let mut lanes: Vec<Vec<CellView>> = Vec::new();
    for cell in cells {
        let (first, _) = months_of(cell.period);
        let free = lanes.iter().position(|lane| lane.last().is_none_or(|c| months_of(c.period).1 < first));
        match free {
            Some(i) => lanes[i].push(cell),
            None => lanes.push(vec![cell]),
        }
    }
    if lanes.is_empty() {
        lanes.push(Vec::new());
    }
    lanes
        .into_iter()
        .map(|lane| {
            let mut slots = Vec::new();
            let mut month = 1;
            for cell in lane {
                let (first, last) = months_of(cell.period);
                while month < first {
                    slots.push(GridSlot { span: 1, cell: None });
                    month += 1;
                }
                slots.push(GridSlot { span: last + 1 - first, cell: Some(cell) });
                month = last + 1;
            }
            while month <= 12 {
                slots.push(GridSlot { span: 1, cell: None });
                month += 1;
            }
            slots
        })
        .collect()
}

/// The rows of the grid: every catalogue requirement that binds an
/// organization of this kind and level (even before it has a cell), and
/// every other requirement with cells for it, in catalogue order.
fn grid_rows(ev: &Evaluated, org: &Id, lang: Lang) -> Vec<GridRow> {
    let Some(&ix) = ev.loaded.org_index.get(org) else { return Vec::new() };
    let Some(fact) = ev.engine.world().orgs.get(ix as usize) else { return Vec::new() };
    let cells = ev.engine.cells_of(Subject::Org(ix));
    let catalogue_len = ev.engine.catalogue().requirements.len();
    let mut rows = Vec::new();
    for (ri, req) in ev.engine.requirements().iter().enumerate() {
        let mine: Vec<CellView> =
            cells.iter().filter(|c| usize::from(c.requirement) == ri).filter_map(|c| cell_view(ev, c, lang)).collect();
        let binds = req.subject == SubjectKind::Organization
            && ri < catalogue_len
            && matches!(&req.binds, Binding::Organizations { kinds, levels }
                if (kinds.is_empty() || kinds.contains(&fact.kind)) && (levels.is_empty() || levels.contains(&fact.level)));
        if mine.is_empty() && !binds {
            continue;
        }
        rows.push(GridRow {
            requirement: req.id.clone(),
            title: req.title(super::rules_lang(lang)).to_owned(),
            clause: super::clause_with_source(req, lang),
            lanes: lay_out(mine),
        });
    }
    rows
}

#[derive(Template)]
#[template(path = "compliance_grid.html")]
struct GridPage<'a> {
    c: &'a PageContext,
    org: OrgLink,
    year: i32,
    years: Vec<YearLink>,
    months: Vec<&'static str>,
    rows: Vec<GridRow>,
    as_of: String,
}

/// `GET /orgs/{id}/compliance?year=YYYY`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    ctx.respond(grid_page(&state, &ctx, &viewer, &id, &q).await)
}

async fn grid_page(state: &AppState, ctx: &PageContext, viewer: &Viewer, raw_id: &str, q: &YearQuery) -> Result<Response, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let today = state.today.date();
    let org = viewer.require(state, Action::Read, &id, today).await?;
    let year = year_of(q.year.as_deref(), today)?;
    let lang = ctx.lang;
    let (rows, as_of) = with_year(state, year, |ev| (grid_rows(ev, &id, lang), ev.as_of)).await?;
    render(&GridPage {
        c: ctx,
        years: year_links(&format!("/orgs/{id}/compliance"), year, today),
        org: OrgLink::new(&org, lang),
        year,
        months: (1..=12).map(|m| i18n::t(lang, month_short_key(m))).collect(),
        rows,
        as_of: as_of.format("%Y-%m-%d").to_string(),
    })
}

fn month_short_key(m: u32) -> &'static str {
    const KEYS: [&str; 12] = [
        "month-short-1",
        "month-short-2",
        "month-short-3",
        "month-short-4",
        "month-short-5",
        "month-short-6",
        "month-short-7",
        "month-short-8",
        "month-short-9",
        "month-short-10",
        "month-short-11",
        "month-short-12",
    ];
    KEYS.get(m.saturating_sub(1) as usize).copied().unwrap_or("month-short-1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::Period;

    fn cell(period: Period) -> CellView {
        CellView {
            requirement: "r".into(),
            title: "t".into(),
            period,
            period_label: period.label(),
            code: "met",
            word: "met",
            symbol: "✓",
            reason: String::new(),
            evidence: Vec::new(),
        }
    }

    fn spans(lane: &[GridSlot]) -> Vec<(u32, bool)> {
        lane.iter().map(|s| (s.span, s.cell.is_some())).collect()
    }

    #[test]
    fn quarters_span_three_months_and_future_months_stay_empty() {
        let lanes = lay_out(vec![cell(Period::Quarter(2026, 2)), cell(Period::Quarter(2026, 1))]);
        assert_eq!(lanes.len(), 1);
        let mut want = vec![(3, true), (3, true)];
        want.extend([(1, false); 6]);
        assert_eq!(spans(&lanes[0]), want);
        assert_eq!(lanes[0].iter().map(|s| s.span).sum::<u32>(), 12);
    }

    #[test]
    fn per_meeting_months_sit_in_their_months_and_a_year_spans_all() {
        let lanes = lay_out(vec![cell(Period::Month(2026, 3)), cell(Period::Month(2026, 5))]);
        assert_eq!(spans(&lanes[0])[..5], [(1, false), (1, false), (1, true), (1, false), (1, true)]);
        let year = lay_out(vec![cell(Period::Year(2026))]);
        assert_eq!(spans(&year[0]), vec![(12, true)]);
        assert_eq!(spans(&lay_out(Vec::new())[0]), vec![(1, false); 12]);
    }

    #[test]
    fn overlapping_periods_go_to_a_second_lane() {
        let lanes = lay_out(vec![cell(Period::Year(2026)), cell(Period::Month(2026, 7))]);
        assert_eq!(lanes.len(), 2);
        assert_eq!(lanes.iter().map(|l| l.iter().map(|s| s.span).sum::<u32>()).collect::<Vec<_>>(), vec![12, 12]);
    }
}
