//! The audit trail, for security auditors only: whether every hash chain
//! is intact (and where the first break is), and the entries of one chain,
//! newest first, paged by sequence number. An auditor reads the entries
//! about records inside the subtrees of their grants; the system chain
//! (logins, accounts, grants) and entries about no organization only with
//! a grant at the root. Personal content shows as sealed, with the names of
//! the fields that changed; an auditor with a grant at the root may open
//! one entry (`POST /audit/open`), which the system chain records.
//! Administrators and everyone else get the not-found page.

use super::session::CsrfForm;
use super::views::actor_names;
use super::{PageContext, PageError, Viewer, render};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::Id;
use domain::access::Action;
use serde_json::Value;
use store::audit_scope::TrailScope;
use store::sealing;
use store::trail::AuditRow;

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
    chain: String,
    seq: i64,
    at: String,
    actor: String,
    address: String,
    action: String,
    entity: String,
    entity_id: String,
    before: String,
    after: String,
    /// The names of the fields whose values changed.
    changed: String,
    /// Whether personal content is sealed in it (and may be opened).
    sealed: bool,
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
    /// Whether the viewer may open sealed entries (a grant at the root).
    may_open: bool,
    csrf: String,
}

#[derive(Template)]
#[template(path = "audit_entry.html")]
struct OpenedPage<'a> {
    c: &'a PageContext,
    chain_label: String,
    e: EntryRow,
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
        let scope = scope_of(&state, &viewer).await?;
        let allowed = chains_of(&state, &viewer, &scope).await?;
        let chain = match query.chain.as_deref() {
            None => allowed.iter().find(|a| !a.is_empty()).or(allowed.first()).cloned().unwrap_or_default(),
            Some(other) => {
                let wanted = if other == SYSTEM { "" } else { other };
                allowed.iter().find(|a| a.as_str() == wanted).cloned().ok_or(PageError::NotFound)?
            }
        };
        let before = query.before.as_deref().and_then(|b| b.parse::<i64>().ok()).filter(|b| *b > 0);
        let report = state.store.verify_audit().await?;
        let mut chains = Vec::new();
        for code in &allowed {
            chains.push(ChainLink {
                code: chain_code(code).to_owned(),
                label: chain_label(&state, &ctx, code).await?,
                current: *code == chain,
            });
        }
        let entries = state.store.audit_page(&chain, &scope, before, PAGE).await?;
        let names = actor_names(&state.store, entries.iter().map(|e| e.actor.clone()).collect()).await?;
        let older = (entries.len() as i64 == PAGE)
            .then(|| entries.last().map(|e| format!("/audit?chain={}&before={}", chain_code(&chain), e.seq)))
            .flatten();
        let rows = entries.into_iter().map(|e| entry_row(&ctx, &names, e)).collect();
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
            may_open: scope == TrailScope::Everything,
            csrf: viewer.csrf().unwrap_or_default().to_owned(),
        })
    }
    .await;
    ctx.respond(result)
}

#[derive(Debug, serde::Deserialize)]
pub struct OpenFields {
    chain: Option<String>,
    seq: Option<String>,
}

/// `POST /audit/open`: one entry with its personal content, for an auditor
/// with a grant at the root; recorded in the system chain.
pub async fn open(State(state): State<AppState>, ctx: PageContext, form: CsrfForm<OpenFields>) -> Response {
    let CsrfForm { viewer, form } = form;
    let result = async {
        if scope_of(&state, &viewer).await? != TrailScope::Everything {
            return Err(PageError::NotFound);
        }
        let chain = match form.chain.as_deref() {
            Some(SYSTEM) => String::new(),
            Some(code) => Id::parse(code).ok_or(PageError::NotFound)?.to_string(),
            None => return Err(PageError::NotFound),
        };
        let seq = form.seq.as_deref().and_then(|s| s.parse::<i64>().ok()).filter(|s| *s > 0).ok_or(PageError::NotFound)?;
        let mut w = state.store.writer(&viewer.actor()).await?;
        let row = state.store.open_audit_entry(&mut w, &chain, seq).await?;
        w.commit().await?;
        let names = actor_names(&state.store, vec![row.actor.clone()]).await?;
        render(&OpenedPage { c: &ctx, chain_label: chain_label(&state, &ctx, &chain).await?, e: entry_row(&ctx, &names, row) })
    }
    .await;
    ctx.respond(result)
}

/// What the viewer's audit grants cover: everything with a grant at the
/// root, else the subtrees of their grants. No grant: not found.
async fn scope_of(state: &AppState, viewer: &Viewer) -> Result<TrailScope, PageError> {
    let roots = viewer.roots(state, Action::ReadAudit).await?;
    if roots.is_empty() {
        return Err(PageError::NotFound);
    }
    if roots.iter().any(|r| r.parent_id.is_none()) {
        return Ok(TrailScope::Everything);
    }
    Ok(TrailScope::Subtrees(roots.iter().map(|r| format!("/{}/", r.path.iter().map(Id::as_str).collect::<Vec<_>>().join("/"))).collect()))
}

/// The chains the viewer may read: every chain (the system chain first)
/// for the whole trail, else the chains of the provinces of their subtrees.
async fn chains_of(state: &AppState, viewer: &Viewer, scope: &TrailScope) -> Result<Vec<String>, PageError> {
    let mut allowed = Vec::new();
    if *scope == TrailScope::Everything {
        allowed.push(String::new());
        for chain in state.store.audit_chains().await? {
            if !allowed.contains(&chain) {
                allowed.push(chain);
            }
        }
    }
    for root in viewer.roots(state, Action::ReadAudit).await? {
        if !allowed.contains(&root.province_id.to_string()) {
            allowed.push(root.province_id.to_string());
        }
    }
    Ok(allowed)
}

fn chain_code(chain: &str) -> &str {
    if chain.is_empty() { SYSTEM } else { chain }
}

/// An entry as shown: sealed values replaced by the word for them, and
/// the names of the fields that changed.
fn entry_row(ctx: &PageContext, names: &std::collections::HashMap<String, String>, e: AuditRow) -> EntryRow {
    let parse = |json: &Option<String>| json.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok());
    let (before, after) = (parse(&e.before_json), parse(&e.after_json));
    let marker = ctx.t("audit-sealed");
    let show = |v: &Option<Value>| v.as_ref().map(|v| sealing::conceal(v, marker).to_string()).unwrap_or_default();
    EntryRow {
        chain: chain_code(&e.province_id).to_owned(),
        seq: e.seq,
        at: e.at,
        actor: names.get(&e.actor).cloned().unwrap_or(e.actor),
        address: e.address.unwrap_or_default(),
        action: e.action,
        entity: e.entity,
        entity_id: e.entity_id,
        changed: sealing::changed_fields(before.as_ref(), after.as_ref()).join(", "),
        sealed: before.iter().chain(after.iter()).any(sealing::holds_sealed),
        before: show(&before),
        after: show(&after),
    }
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
