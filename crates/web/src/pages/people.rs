//! A member's own page: their record (personal numbers masked) and, for
//! those who may read it, the history of changes to it. Serving the page
//! records in the audit trail that the viewer saw the masked ID number.

use super::views::{Fact, HistoryRow, OrgLink, history_rows, person_facts};
use super::{PageContext, PageError, Viewer, render};
use crate::AppState;
use askama::Template;
use axum::response::Response;
use domain::Id;
use domain::access::Action;

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    c: &'a PageContext,
    name: String,
    org: Option<OrgLink>,
    facts: Vec<Fact>,
    /// `None` unless the viewer may read the history.
    history: Option<Vec<HistoryRow>>,
    /// This year's obligations, as information.
    obligations: Option<super::compliance::obligations::Obligations>,
    /// The calendar subscription link of the person.
    calendar: super::calendar::CalendarSection,
    /// The person's latest messages (the weekly digest).
    outbox: Vec<super::calendar::OutboxRow>,
}

/// `/people/{id}`.
pub async fn person_page(state: &AppState, ctx: &PageContext, viewer: &Viewer, raw_id: &str) -> Result<Response, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let today = state.today.date();
    let (person, org) = viewer.require_person(state, Action::Read, &id, today).await?;
    let history = if viewer.may(Action::ReadHistory, &org.path, today) {
        Some(history_rows(&state.store, &state.store.history(id.as_str()).await?, ctx.lang).await?)
    } else {
        None
    };
    let obligations = super::compliance::obligations::section(state, &id, ctx.lang).await;
    let calendar = super::calendar::section(state, viewer, &person.province_id, &person.id, &format!("/people/{}", person.id)).await?;
    let outbox = super::calendar::outbox_rows(state, ctx, &person).await?;
    let page = PersonPage {
        c: ctx,
        calendar,
        outbox,
        obligations,
        name: person.name.to_string(),
        org: Some(OrgLink::new(&org, ctx.lang)),
        facts: person_facts(&person, today, ctx.lang),
        history,
    };
    let response = render(&page)?;
    viewer.record_id_number_view(&state.store, &person).await?;
    Ok(response)
}
