//! Lists that stay inside the caller's grants: with `under`, that subtree
//! (checked like any record); without it, every subtree the caller may read,
//! merged into one page in the list's own order.

use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use chrono::NaiveDate;
use domain::access::Action;
use domain::{Id, Organization};
use std::future::Future;
use store::orgs::Page;

/// The subtrees a list covers: `under` if the caller may read it (404 like a
/// missing organization otherwise), or the roots of the caller's read scopes.
pub async fn subtrees(state: &AppState, caller: &Principal, under: Option<Id>, on: NaiveDate) -> Result<Vec<Id>, ApiError> {
    match under {
        Some(id) => Ok(vec![caller.require(state, Action::Read, &id, on).await?.id]),
        None => Ok(caller.roots(state, Action::Read).await?.into_iter().map(|o: Organization| o.id).collect()),
    }
}

/// One page over several disjoint subtrees, ordered by id: each subtree's
/// page after the cursor, merged, cut to `limit`.
pub async fn merged_page<T, F, Fut>(roots: &[Id], limit: usize, id_of: impl Fn(&T) -> &Id, page_of: F) -> Result<Page<T>, ApiError>
where
    F: Fn(Id) -> Fut,
    Fut: Future<Output = Result<Page<T>, store::StoreError>>,
{
    if let [only] = roots {
        return Ok(page_of(only.clone()).await?);
    }
    let mut items = Vec::new();
    let mut more = false;
    for root in roots {
        let page = page_of(root.clone()).await?;
        more |= page.next_cursor.is_some();
        items.extend(page.items);
    }
    items.sort_by(|a, b| id_of(a).cmp(id_of(b)));
    more |= items.len() > limit;
    items.truncate(limit);
    let next_cursor = if more { items.last().map(|i| id_of(i).to_string()) } else { None };
    Ok(Page { items, next_cursor })
}
