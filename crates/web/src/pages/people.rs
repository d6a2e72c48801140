//! A member's own page: their record (personal numbers masked) and the
//! history of changes to it.

use super::views::{Fact, HistoryRow, OrgLink, person_facts};
use super::{PageContext, PageError, render};
use crate::AppState;
use askama::Template;
use axum::response::Response;
use domain::Id;

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    c: &'a PageContext,
    name: String,
    org: Option<OrgLink>,
    facts: Vec<Fact>,
    history: Vec<HistoryRow>,
}

/// `/people/{id}`.
pub async fn person_page(state: &AppState, ctx: &PageContext, raw_id: &str) -> Result<Response, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let today = state.today.date();
    let person = state.store.person(&id, today).await?.ok_or(PageError::NotFound)?;
    let org = state.store.org(&person.org_id, today).await?.map(|o| OrgLink::new(&o, ctx.lang));
    let history = state.store.history(id.as_str()).await?.iter().map(|e| HistoryRow::new(e, ctx.lang)).collect();
    render(&PersonPage { c: ctx, name: person.name.to_string(), org, facts: person_facts(&person, today, ctx.lang), history })
}
