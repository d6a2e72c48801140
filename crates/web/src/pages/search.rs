//! Search by name: organizations and members whose name contains the query
//! (Chinese text included), at most [`LIMIT`] of each, only inside the
//! subtrees the viewer may read.

use super::views::{OrgLink, positions};
use super::{PageContext, PageError, Viewer, render};
use crate::AppState;
use askama::Template;
use axum::response::Response;
use domain::Id;
use domain::access::Action;
use std::collections::HashMap;

/// Results shown per kind of record.
pub const LIMIT: usize = 50;

/// Longest query looked up, in characters (a name is at most 100).
const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
}

/// A member found, with their organization.
struct PersonHit {
    id: String,
    name: String,
    org: String,
    positions: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    c: &'a PageContext,
    q: String,
    orgs: Vec<OrgLink>,
    people: Vec<PersonHit>,
    at_limit: bool,
}

/// `/search?q=…`.
pub async fn search_page(state: &AppState, ctx: &PageContext, viewer: &Viewer, params: SearchParams) -> Result<Response, PageError> {
    let roots = viewer.roots(state, Action::Read).await?;
    if roots.is_empty() {
        // Those who may read no records (the security auditor) have no search.
        return Err(PageError::NotFound);
    }
    let q: String = params.q.unwrap_or_default().trim().chars().take(MAX_QUERY_CHARS).collect();
    let mut ctx = ctx.clone();
    ctx.query = q.clone();
    if q.is_empty() {
        return render(&SearchPage { c: &ctx, q, orgs: Vec::new(), people: Vec::new(), at_limit: false });
    }
    let today = state.today.date();
    let lang = ctx.lang;
    let mut orgs = Vec::new();
    let mut people = Vec::new();
    for root in &roots {
        orgs.extend(state.store.search_orgs(&q, Some(&root.id), today, LIMIT).await?);
        people.extend(state.store.search_people(&q, Some(&root.id), today, LIMIT).await?);
    }
    orgs.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    orgs.truncate(LIMIT);
    people.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    people.truncate(LIMIT);
    let at_limit = orgs.len() >= LIMIT || people.len() >= LIMIT;
    let mut org_names: HashMap<Id, String> = orgs.iter().map(|o| (o.id.clone(), o.name.to_string())).collect();
    let mut hits = Vec::with_capacity(people.len());
    for person in &people {
        if !org_names.contains_key(&person.org_id) {
            let name = state.store.org(&person.org_id, today).await?.map(|o| o.name.to_string()).unwrap_or_default();
            org_names.insert(person.org_id.clone(), name);
        }
        hits.push(PersonHit {
            id: person.id.to_string(),
            name: person.name.to_string(),
            org: org_names.get(&person.org_id).cloned().unwrap_or_default(),
            positions: positions(person, lang),
        });
    }
    let orgs = orgs.iter().map(|o| OrgLink::new(o, lang)).collect();
    render(&SearchPage { c: &ctx, q, orgs, people: hits, at_limit })
}
