//! The audit trail, for security auditors only: whether every hash chain
//! is intact (and where the first break is), and the entries of one chain,
//! newest first, paged by sequence number. Administrators and everyone
//! else get the not-found page.

use super::views::actor_names;
use super::{PageContext, PageError, Viewer, render};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::Id;
use domain::access::Action;

/// Entries per page.
const PAGE: i64 = 50;

/// How the URL names the system chain (logins, accounts), stored as `""`.
const SYSTEM: &str = "system";

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    chain: Option<String>,
    before: Option<String>,
}

struct ChainLink {
    code: String,
    label: String,
    current: bool,
}

struct EntryRow {
    seq: i64,
    at: String,
    actor: String,
    address: String,
    action: String,
    entity: String,
    entity_id: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    c: &'a PageContext,
    chains_checked: usize,
    entries_checked: u64,
    /// The first broken entry, described.
    broken: Option<String>,
    chains: Vec<ChainLink>,
    chain_label: String,
    rows: Vec<EntryRow>,
    older: Option<String>,
}

/// `GET /audit?chain=…&before=…`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let roots = viewer.roots(&state, Action::ReadAudit).await?;
        if roots.is_empty() {
            return Err(PageError::NotFound);
        }
        // The system chain, and the chain of each province the auditor's subtrees lie in.
        let mut allowed: Vec<String> = vec![String::new()];
        for root in &roots {
            if !allowed.contains(&root.province_id.to_string()) {
                allowed.push(root.province_id.to_string());
            }
        }
        let chain = match query.chain.as_deref() {
            None => allowed.get(1).cloned().unwrap_or_default(),
            Some(SYSTEM) => String::new(),
            Some(other) => allowed.iter().find(|a| a.as_str() == other && !other.is_empty()).cloned().ok_or(PageError::NotFound)?,
        };
        let before = query.before.as_deref().and_then(|b| b.parse::<i64>().ok()).filter(|b| *b > 0);
        let report = state.store.verify_audit().await?;
        let mut chains = Vec::new();
        for code in &allowed {
            chains.push(ChainLink {
                code: if code.is_empty() { SYSTEM.to_owned() } else { code.clone() },
                label: chain_label(&state, &ctx, code).await?,
                current: *code == chain,
            });
        }
        let entries = state.store.audit_page(&chain, before, PAGE).await?;
        let names = actor_names(&state.store, entries.iter().map(|e| e.actor.clone()).collect()).await?;
        let older = (entries.len() as i64 == PAGE)
            .then(|| entries.last().map(|e| format!("/audit?chain={}&before={}", if chain.is_empty() { SYSTEM } else { &chain }, e.seq)))
            .flatten();
        let rows = entries
            .into_iter()
            .map(|e| EntryRow {
                seq: e.seq,
                at: e.at,
                actor: names.get(&e.actor).cloned().unwrap_or(e.actor),
                address: e.address.unwrap_or_default(),
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
                before: e.before_json.unwrap_or_default(),
                after: e.after_json.unwrap_or_default(),
            })
            .collect();
        let broken = report.first_break.as_ref().map(|b| ctx.render(&b.message()));
        render(&AuditPage {
            c: &ctx,
            chains_checked: report.chains,
            entries_checked: report.entries,
            broken,
            chains,
            chain_label: chain_label(&state, &ctx, &chain).await?,
            rows,
            older,
        })
    }
    .await;
    ctx.respond(result)
}

/// A chain's name: the system chain, or its province's name.
async fn chain_label(state: &AppState, ctx: &PageContext, code: &str) -> Result<String, PageError> {
    if code.is_empty() {
        return Ok(ctx.t("audit-system-chain").to_owned());
    }
    let name = match Id::parse(code) {
        Some(id) => state.store.org(&id, state.today.date()).await?.map(|o| o.name.to_string()),
        None => None,
    };
    Ok(name.unwrap_or_else(|| code.to_owned()))
}
