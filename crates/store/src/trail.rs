//! Reading the audit trail back, a chain at a time and newest first, as
//! the security auditor reads it: every column but the hashes, the client
//! address included, limited to what the auditor's grants cover
//! ([`TrailScope`]). Personal content stays sealed
//! ([`crate::sealing`]) unless one entry is opened ([`Store::open_audit_entry`]),
//! which is itself recorded in the system chain.

use crate::audit_scope::{SYSTEM_ENTITIES, TrailScope};
use crate::orgs::path_end;
use crate::rows::{int, opt_text, text};
use crate::{Audited, Result, Store, StoreError};

/// One audit entry as the auditor's page shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditRow {
    pub province_id: String,
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// The stored JSON text, as written (not re-serialized): personal
    /// values sealed.
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

const ROW_COLUMNS: &str = "province_id, seq, at, actor, address, action, entity, entity_id, before_json, after_json";

impl Store {
    /// The newest entries of one chain that `scope` covers, newest first,
    /// before `before_seq` if given.
    pub async fn audit_page(&self, province_id: &str, scope: &TrailScope, before_seq: Option<i64>, limit: i64) -> Result<Vec<AuditRow>> {
        let (filter, bounds) = scope_filter(province_id, scope, 4);
        let Some(filter) = filter else { return Ok(Vec::new()) };
        let sql = format!("SELECT {ROW_COLUMNS} FROM audit_log WHERE province_id = $1 AND seq < $2 {filter} ORDER BY seq DESC LIMIT $3");
        let mut query = sqlx::query(&sql).bind(province_id).bind(before_seq.unwrap_or(i64::MAX)).bind(limit.clamp(1, 500));
        for b in bounds {
            query = query.bind(b);
        }
        query.fetch_all(self.pool()).await?.iter().map(row_from).collect()
    }

    /// One entry, if `scope` covers it, with personal values still sealed.
    pub async fn audit_entry(&self, province_id: &str, seq: i64, scope: &TrailScope) -> Result<Option<AuditRow>> {
        let (filter, bounds) = scope_filter(province_id, scope, 3);
        let Some(filter) = filter else { return Ok(None) };
        let sql = format!("SELECT {ROW_COLUMNS} FROM audit_log WHERE province_id = $1 AND seq = $2 {filter}");
        let mut query = sqlx::query(&sql).bind(province_id).bind(seq);
        for b in bounds {
            query = query.bind(b);
        }
        query.fetch_optional(self.pool()).await?.as_ref().map(row_from).transpose()
    }

    /// Opens one entry with its personal content in clear, and records in
    /// the system chain who opened which entry. Only the whole trail's
    /// readers (a grant at the root, or the operator) may call it; the
    /// caller checks that.
    pub async fn open_audit_entry(&self, w: &mut Audited, province_id: &str, seq: i64) -> Result<AuditRow> {
        let mut row = self.audit_entry(province_id, seq, &TrailScope::Everything).await?.ok_or(StoreError::NotFound)?;
        let open = |json: Option<String>| -> Option<String> {
            let value = serde_json::from_str(json.as_deref()?).ok()?;
            Some(crate::sealing::unseal(self.keys(), value).to_string())
        };
        row.before_json = open(row.before_json.take());
        row.after_json = open(row.after_json.take());
        let chain = if province_id.is_empty() { "system" } else { province_id };
        let after = serde_json::json!({ "chain": chain, "seq": seq, "entity": row.entity, "entity_id": row.entity_id });
        w.record("", "open", "audit_entry", &format!("{chain}:{seq}"), None, Some(after));
        Ok(row)
    }
}

/// The SQL condition (after `AND`) limiting entries of `province_id` to
/// `scope`, with its parameters numbered from `$first`; `None` when the
/// scope covers nothing of the chain.
fn scope_filter(province_id: &str, scope: &TrailScope, first: usize) -> (Option<String>, Vec<String>) {
    let paths = match scope {
        TrailScope::Everything => return (Some(String::new()), Vec::new()),
        TrailScope::Subtrees(paths) if province_id.is_empty() || paths.is_empty() => return (None, Vec::new()),
        TrailScope::Subtrees(paths) => paths,
    };
    let mut bounds = Vec::new();
    let mut ranges = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let (lo, hi) = (first + 2 * i, first + 2 * i + 1);
        ranges.push(format!("(l.path >= ${lo} AND l.path < ${hi})"));
        bounds.push(path.clone());
        bounds.push(path_end(path));
    }
    let system = SYSTEM_ENTITIES.iter().map(|e| format!("'{e}'")).collect::<Vec<_>>().join(", ");
    let filter = format!(
        "AND entity NOT IN ({system}) AND org_id IN (SELECT l.org_id FROM org_links l WHERE l.province_id = audit_log.province_id AND ({}))",
        ranges.join(" OR ")
    );
    (Some(filter), bounds)
}

fn row_from(r: &sqlx::any::AnyRow) -> Result<AuditRow> {
    Ok(AuditRow {
        province_id: text(r, "province_id")?,
        seq: int(r, "seq")?,
        at: text(r, "at")?,
        actor: text(r, "actor")?,
        address: opt_text(r, "address")?,
        action: text(r, "action")?,
        entity: text(r, "entity")?,
        entity_id: text(r, "entity_id")?,
        before_json: opt_text(r, "before_json")?,
        after_json: opt_text(r, "after_json")?,
    })
}
