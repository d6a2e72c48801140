//! The audited write path. Every change to stored data is made through an
//! [`Audited`] writer, which records who did what to which record, with the
//! record before and after, in the same transaction as the change itself.
//!
//! Entries are numbered per province (`province_id`, `seq`); numbering takes
//! a per-province lock (an advisory lock on PostgreSQL, the single writer
//! lock on SQLite), so concurrent writers never produce a gap or a fork.
//! Each entry's hash covers all its columns and the previous entry's hash, so
//! an edited, deleted or reordered entry breaks the chain ([`crate::Store::verify_audit`]).
//! Each entry is stamped with the organization its record belongs to
//! ([`crate::audit_scope`]), and personal content is sealed with the
//! personal-data key before it is hashed ([`crate::sealing`]).

use crate::rows::{Value, insert_rows};
use crate::{Backend, PiiKeys, Result, now_text};
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
    /// SQLite: this process's turn to write, held until the transaction has
    /// committed or rolled back (declared after `tx`, so dropped after it).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    actor: Actor,
    backend: Backend,
    audit_enabled: bool,
    keys: PiiKeys,
    pending: BTreeMap<String, Vec<Pending>>,
    at: String,
}

impl Audited {
    pub(crate) fn new(
        tx: Transaction<'static, Any>,
        actor: Actor,
        backend: Backend,
        audit_enabled: bool,
        keys: PiiKeys,
        turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    ) -> Self {
        Audited { tx, _turn: turn, actor, backend, audit_enabled, keys, pending: BTreeMap::new(), at: now_text() }
    }

    /// Serializes writers that change the shape of the tree (found, move,
    /// close) for the rest of this transaction. SQLite's single writer lock
    /// already does; PostgreSQL takes an advisory lock, so that two moves
    /// cannot compute paths from each other's stale reads.
    pub async fn lock_tree(&mut self) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(lock_key("changxiao:tree")).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// The acting account or role.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub(crate) fn tx(&mut self) -> &mut Transaction<'static, Any> {
        &mut self.tx
    }

    /// Runs `work` and then undoes everything it wrote, whatever it returns:
    /// its rows (a savepoint rolled back) and its audit entries. What it
    /// read and computed is its answer — a preview of a change, made with
    /// every check the change itself has.
    pub async fn trial<T>(&mut self, work: impl AsyncFnOnce(&mut Audited) -> T) -> Result<T> {
        sqlx::query("SAVEPOINT trial").execute(&mut *self.tx).await?;
        let kept: BTreeMap<String, usize> = self.pending.iter().map(|(p, entries)| (p.clone(), entries.len())).collect();
        let answer = work(self).await;
        sqlx::query("ROLLBACK TO SAVEPOINT trial").execute(&mut *self.tx).await?;
        sqlx::query("RELEASE SAVEPOINT trial").execute(&mut *self.tx).await?;
        self.pending.retain(|province, _| kept.contains_key(province));
        for (province, entries) in &mut self.pending {
            entries.truncate(kept.get(province).copied().unwrap_or_default());
        }
        Ok(answer)
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

    /// Writes the audit entries, each chained to the one before it in its
    /// province, and commits everything.
    pub async fn commit(mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.pending);
        if !self.audit_enabled {
            self.tx.commit().await?;
            return Ok(());
        }
        for (province_id, entries) in pending {
            if self.backend == Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(lock_key(&province_id)).execute(&mut *self.tx).await?;
            }
            let (mut seq, mut prev_hash) = chain_head(&mut self.tx, &province_id).await?;
            let mut rows = Vec::with_capacity(entries.len());
            for e in entries {
                seq += 1;
                let org_id = crate::audit_scope::owner(&mut self.tx, e.entity, &e.entity_id, e.before.as_ref(), e.after.as_ref()).await?;
                let before = e.before.map(|j| crate::sealing::seal(&self.keys, j));
                let after = e.after.map(|j| crate::sealing::seal(&self.keys, j));
                let columns = EntryColumns {
                    province_id: province_id.clone(),
                    seq,
                    id: domain::Id::generate().to_string(),
                    at: self.at.clone(),
                    actor: self.actor.id.clone(),
                    address: self.actor.address.clone(),
                    action: e.action,
                    entity: e.entity.to_owned(),
                    entity_id: e.entity_id,
                    before_json: before.map(|j| j.to_string()),
                    after_json: after.map(|j| j.to_string()),
                    org_id,
                };
                let hash = columns.hash(&prev_hash);
                rows.push(columns.into_row(prev_hash, hash.clone()));
                prev_hash = hash;
            }
            insert_rows(&mut self.tx, "audit_log", &AUDIT_COLUMNS, rows).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

const AUDIT_COLUMNS: [&str; 14] = [
    "province_id",
    "seq",
    "id",
    "at",
    "actor",
    "address",
    "action",
    "entity",
    "entity_id",
    "before_json",
    "after_json",
    "prev_hash",
    "hash",
    "org_id",
];

/// The stored columns of one entry, in the order the hash covers them.
#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct EntryColumns {
    pub province_id: String,
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// The organization the entry is about; entries written before it was
    /// kept have none, and their hash does not cover it.
    pub org_id: Option<String>,
}

impl EntryColumns {
    /// SHA-256 over every column and the previous entry's hash.
    pub(crate) fn hash(&self, prev_hash: &str) -> String {
        let mut canonical = serde_json::json!([
            self.province_id,
            self.seq,
            self.id,
            self.at,
            self.actor,
            self.address,
            self.action,
            self.entity,
            self.entity_id,
            self.before_json,
            self.after_json,
            prev_hash
        ]);
        if let (Some(org_id), Some(items)) = (&self.org_id, canonical.as_array_mut()) {
            items.push(serde_json::Value::String(org_id.clone()));
        }
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }

    fn into_row(self, prev_hash: String, hash: String) -> Vec<Value> {
        vec![
            Value::from(self.province_id),
            Value::Int(self.seq),
            Value::from(self.id),
            Value::from(self.at),
            Value::from(self.actor),
            Value::from(self.address),
            Value::from(self.action),
            Value::from(self.entity),
            Value::from(self.entity_id),
            Value::from(self.before_json),
            Value::from(self.after_json),
            Value::from(prev_hash),
            Value::from(hash),
            Value::from(self.org_id),
        ]
    }
}

/// The last sequence number and hash of a province's chain (or its anchor
/// after a purge, or the start of a new chain).
async fn chain_head(tx: &mut Transaction<'static, Any>, province_id: &str) -> Result<(i64, String)> {
    let last = sqlx::query("SELECT seq, hash FROM audit_log WHERE province_id = $1 ORDER BY seq DESC LIMIT 1")
        .bind(province_id)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(row) = last {
        return Ok((crate::rows::int(&row, "seq")?, crate::rows::opt_text(&row, "hash")?.unwrap_or_default()));
    }
    let anchor = sqlx::query("SELECT first_seq, prev_hash FROM audit_anchors WHERE province_id = $1")
        .bind(province_id)
        .fetch_optional(&mut **tx)
        .await?;
    match anchor {
        Some(row) => Ok((crate::rows::int(&row, "first_seq")? - 1, crate::rows::text(&row, "prev_hash")?)),
        None => Ok((0, String::new())),
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
    /// The audit trail of one record, oldest first, with personal content
    /// opened: it is read by those who may read the record itself.
    pub async fn history(&self, entity_id: &str) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT province_id, seq, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log WHERE entity_id = $1 ORDER BY at, seq")
            .bind(entity_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| entry_from_row(r, self.keys())).collect()
    }
}

fn entry_from_row(r: &sqlx::any::AnyRow, keys: &PiiKeys) -> Result<AuditEntry> {
    use crate::rows::{int, opt_text, text};
    let json = |c: &str| -> Result<Option<Json>> {
        Ok(opt_text(r, c)?.and_then(|s| serde_json::from_str(&s).ok()).map(|j| crate::sealing::unseal(keys, j)))
    };
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
}
