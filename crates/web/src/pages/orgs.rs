//! The organization tree: the start page (the root organization, or the list
//! of roots, or how to get data in) and one page per organization with its
//! place in the tree, its children with member counts and, for branches and
//! groups, the member list.

use super::views::{ChildRow, MemberRow, OrgLink, child_totals};
use super::{PageContext, PageError, render};
use crate::AppState;
use crate::i18n;
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Id, OrgKind};
use std::collections::HashMap;

/// How many members an organization's page lists at most.
const MEMBER_LIST_LIMIT: usize = 1000;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    c: &'a PageContext,
    roots: Vec<OrgLink>,
}

/// `/`: the root organization, or a choice of roots, or the empty-start page.
pub async fn home(state: &AppState, ctx: &PageContext) -> Result<Response, PageError> {
    let roots = state.store.roots(state.today.date()).await?;
    if let [only] = roots.as_slice() {
        return Ok(Redirect::to(&format!("/orgs/{}", only.id)).into_response());
    }
    let roots = roots.iter().map(|o| OrgLink::new(o, ctx.lang)).collect();
    render(&HomePage { c: ctx, roots })
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
}

/// `/orgs/{id}`.
pub async fn org_page(state: &AppState, ctx: &PageContext, raw_id: &str) -> Result<Response, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let today = state.today.date();
    let store = &state.store;
    let org = store.org(&id, today).await?.ok_or(PageError::NotFound)?;
    let lang = ctx.lang;
    let mut crumbs: Vec<OrgLink> = store.path_to(&id, today).await?.iter().map(|o| OrgLink::new(o, lang)).collect();
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
    render(&OrgPage {
        c: ctx,
        unit_type: org.unit_type.map(|u| i18n::label(lang, "unit_type", u.code())),
        founded_on: org.founded_on.format("%Y-%m-%d").to_string(),
        org: OrgLink::new(&org, lang),
        crumbs,
        total_members: counts.iter().map(|(_, n)| n).sum(),
        children,
        members,
        members_truncated,
    })
}
