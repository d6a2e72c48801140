//! The audited write path. Every change to stored data is made through an
//! [`Audited`] writer, which records who did what to which record, with the
//! record before and after, in the same transaction as the change itself.
//!
//! Entries are numbered per province (`province_id`, `seq`); numbering takes
//! a per-province lock (an advisory lock on PostgreSQL, the single writer
//! lock on SQLite), so concurrent writers never produce a gap or a fork.

use crate::rows::{Value, insert_rows};
use crate::{Backend, Result, now_text};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};
use std::collections::BTreeMap;

/// Who is acting, and from where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// An account id, or a role such as `system:cli` for command-line work.
    pub id: String,
    /// The client address for web requests.
    pub address: Option<String>,
}

impl Actor {
    pub fn system(name: &str) -> Self {
        Actor { id: format!("system:{name}"), address: None }
    }
}

struct Pending {
    action: String,
    entity: &'static str,
    entity_id: String,
    before: Option<Json>,
    after: Option<Json>,
}

/// A write transaction that records an audit entry for every change.
pub struct Audited {
    tx: Transaction<'static, Any>,
    actor: Actor,
    backend: Backend,
    pending: BTreeMap<String, Vec<Pending>>,
    at: String,
}

impl Audited {
    pub(crate) fn new(tx: Transaction<'static, Any>, actor: Actor, backend: Backend) -> Self {
        Audited { tx, actor, backend, pending: BTreeMap::new(), at: now_text() }
    }

    pub(crate) fn tx(&mut self) -> &mut Transaction<'static, Any> {
        &mut self.tx
    }

    /// The instant this transaction stamps on everything it writes.
    pub fn at(&self) -> &str {
        &self.at
    }

    /// Records one change. `before` is `None` for a creation.
    pub fn record(
        &mut self,
        province_id: &str,
        action: &str,
        entity: &'static str,
        entity_id: &str,
        before: Option<Json>,
        after: Option<Json>,
    ) {
        self.pending.entry(province_id.to_owned()).or_default().push(Pending {
            action: action.to_owned(),
            entity,
            entity_id: entity_id.to_owned(),
            before,
            after,
        });
    }

    /// Writes the audit entries and commits everything.
    pub async fn commit(mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.pending);
        for (province_id, entries) in pending {
            if self.backend == Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(lock_key(&province_id)).execute(&mut *self.tx).await?;
            }
            let last: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log WHERE province_id = $1")
                .bind(&province_id)
                .fetch_one(&mut *self.tx)
                .await?;
            let mut seq = last.unwrap_or(0);
            let rows = entries
                .into_iter()
                .map(|e| {
                    seq += 1;
                    vec![
                        Value::from(province_id.clone()),
                        Value::Int(seq),
                        Value::from(domain::Id::generate().to_string()),
                        Value::from(self.at.clone()),
                        Value::from(self.actor.id.clone()),
                        Value::from(self.actor.address.clone()),
                        Value::from(e.action),
                        Value::from(e.entity),
                        Value::from(e.entity_id),
                        Value::from(e.before.map(|j| j.to_string())),
                        Value::from(e.after.map(|j| j.to_string())),
                    ]
                })
                .collect();
            insert_rows(
                &mut self.tx,
                "audit_log",
                &["province_id", "seq", "id", "at", "actor", "address", "action", "entity", "entity_id", "before_json", "after_json"],
                rows,
            )
            .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

fn lock_key(province_id: &str) -> i64 {
    let digest = Sha256::digest(province_id.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// One entry of the audit trail as stored.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    pub province_id: String,
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

impl crate::Store {
    /// The audit trail of one record, oldest first.
    pub async fn history(&self, entity_id: &str) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT province_id, seq, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log WHERE entity_id = $1 ORDER BY at, seq")
            .bind(entity_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                use crate::rows::{int, opt_text, text};
                let json = |c: &str| -> Result<Option<Json>> { Ok(opt_text(r, c)?.and_then(|s| serde_json::from_str(&s).ok())) };
                Ok(AuditEntry {
                    province_id: text(r, "province_id")?,
                    seq: int(r, "seq")?,
                    at: text(r, "at")?,
                    actor: text(r, "actor")?,
                    action: text(r, "action")?,
                    entity: text(r, "entity")?,
                    entity_id: text(r, "entity_id")?,
                    before: json("before_json")?,
                    after: json("after_json")?,
                })
            })
            .collect()
    }
}
