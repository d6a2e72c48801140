//! Reading the audit trail back, a chain at a time and newest first, as
//! the security auditor reads it: every column but the hashes, the client
//! address included.

use crate::rows::{int, opt_text, text};
use crate::{Result, Store};

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
    /// The stored JSON text, as written (not re-serialized).
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl Store {
    /// The newest entries of one chain, newest first, before `before_seq` if given.
    pub async fn audit_page(&self, province_id: &str, before_seq: Option<i64>, limit: i64) -> Result<Vec<AuditRow>> {
        let rows = sqlx::query(
            "SELECT province_id, seq, at, actor, address, action, entity, entity_id, before_json, after_json FROM audit_log
             WHERE province_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3",
        )
        .bind(province_id)
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
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
            })
            .collect()
    }
}
