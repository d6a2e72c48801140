//! The organization tree: the start page (the viewer's organization, or the
//! list of the subtrees they may read, or how to get data in) and one page
//! per organization with its place in the tree, its children with member
//! counts, for branches and groups the member list, and — for those who
//! may read it — its change history.

use super::views::{ChildRow, HistoryRow, MemberRow, OrgLink, child_totals, history_rows};
use super::{PageContext, PageError, Viewer, render};
use crate::AppState;
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Action;
use domain::{Id, OrgKind};
use std::collections::HashMap;

/// How many members an organization's page lists at most.
const MEMBER_LIST_LIMIT: usize = 1000;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    c: &'a PageContext,
    roots: Vec<OrgLink>,
    /// There are organizations, but none the viewer may read.
    no_access: bool,
}

/// `/`: the one organization the viewer's grants start at, or a choice of
/// them; the audit trail for an auditor; or the empty-start page.
pub async fn home(state: &AppState, ctx: &PageContext, viewer: &Viewer) -> Result<Response, PageError> {
    let today = state.today.date();
    if viewer.holds(Action::ManageAccounts, today) && super::guide::is_first_hour(state, viewer).await? {
        return Ok(Redirect::to("/guide").into_response());
    }
    let roots = viewer.roots(state, Action::Read).await?;
    if let [only] = roots.as_slice() {
        return Ok(Redirect::to(&format!("/orgs/{}", only.id)).into_response());
    }
    if roots.is_empty() && viewer.holds(Action::ReadAudit, today) {
        return Ok(Redirect::to("/audit").into_response());
    }
    let no_access = roots.is_empty() && !state.store.roots(today).await?.is_empty();
    let roots = roots.iter().map(|o| OrgLink::new(o, ctx.lang)).collect();
    render(&HomePage { c: ctx, roots, no_access })
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage<'a> {
    c: &'a PageContext,
    org: OrgLink,
    unit_type: Option<&'static str>,
    founded_on: String,
    /// Ancestors from the root, the organization itself excluded.
    crumbs: Vec<OrgLink>,
    total_members: i64,
    children: Vec<ChildRow>,
    /// `None` for organizations whose members are listed in their branches.
    members: Option<Vec<MemberRow>>,
    members_truncated: bool,
    /// `None` unless the viewer may read the history.
    history: Option<Vec<HistoryRow>>,
    /// What is due, overdue, met or exempt in the periods containing today.
    compliance: Option<super::compliance::grid::MonthSection>,
    /// The calendar subscription link of the organization.
    calendar: super::calendar::CalendarSection,
}

/// `/orgs/{id}`.
pub async fn org_page(state: &AppState, ctx: &PageContext, viewer: &Viewer, raw_id: &str) -> Result<Response, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let today = state.today.date();
    let store = &state.store;
    let org = viewer.require(state, Action::Read, &id, today).await?;
    let lang = ctx.lang;
    // Ancestors the viewer may not open are left out of the breadcrumb.
    let mut crumbs: Vec<OrgLink> = store
        .path_to(&id, today)
        .await?
        .iter()
        .filter(|o| viewer.may(Action::Read, &o.path, today))
        .map(|o| OrgLink::new(o, lang))
        .collect();
    crumbs.pop();
    let subtree = store.subtree(&id, today).await?;
    let counts = store.member_counts(&id, today).await?;
    let totals = child_totals(&org, &subtree, &counts);
    let children = store
        .children(&id, today)
        .await?
        .iter()
        .map(|child| ChildRow { org: OrgLink::new(child, lang), members: totals.get(&child.id).copied().unwrap_or(0) })
        .collect();
    let (members, members_truncated) = if matches!(org.kind, OrgKind::Branch | OrgKind::Group) {
        let mut people = store.members(&id, today, MEMBER_LIST_LIMIT + 1).await?;
        let truncated = people.len() > MEMBER_LIST_LIMIT;
        people.truncate(MEMBER_LIST_LIMIT);
        let names: HashMap<Id, String> = subtree.iter().map(|o| (o.id.clone(), o.name.to_string())).collect();
        (Some(people.iter().map(|p| MemberRow::new(p, &id, &names, today, lang)).collect()), truncated)
    } else {
        (None, false)
    };
    let history = if viewer.may(Action::ReadHistory, &org.path, today) {
        Some(history_rows(store, &store.history(id.as_str()).await?, lang).await?)
    } else {
        None
    };
    let compliance = super::compliance::grid::month_section(state, viewer, &org, lang).await;
    let calendar = super::calendar::section(state, viewer, &org.province_id, &org.id, &format!("/orgs/{}", org.id)).await?;
    render(&OrgPage {
        c: ctx,
        calendar,
        compliance,
        unit_type: org.unit_type.map(|u| i18n::label(lang, "unit_type", u.code())),
        founded_on: org.founded_on.format("%Y-%m-%d").to_string(),
        org: OrgLink::new(&org, lang),
        crumbs,
        total_members: counts.iter().map(|(_, n)| n).sum(),
        children,
        members,
        members_truncated,
        history,
    })
}
