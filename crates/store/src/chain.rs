//! Checking and trimming the audit trail's hash chains.
//!
//! Each province's entries form one chain: `seq` runs 1, 2, 3… without gaps,
//! each entry stores the previous entry's hash, and its own hash covers all
//! of its columns and that previous hash. Editing, deleting, inserting or
//! reordering any entry therefore breaks the chain at that entry. After a
//! purge under the retention rule, the chain starts at the recorded anchor.

use crate::audit::EntryColumns;
use crate::rows::{int, opt_text, text};
use crate::{Result, Store};

/// Where and why a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ChainBreak {
    pub province_id: String,
    pub seq: i64,
    pub reason: BreakReason,
}

/// What is wrong at the entry where a chain breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakReason {
    /// An entry numbered before the recorded start of the chain.
    BeforeStart,
    /// The entry is missing: deleted, or numbered out of order.
    Missing,
    /// The entry does not follow the one before it: inserted or reordered.
    NotFollowing,
    /// The entry was changed after it was written.
    Changed,
}

impl BreakReason {
    pub fn code(self) -> &'static str {
        match self {
            BreakReason::BeforeStart => "before_start",
            BreakReason::Missing => "missing",
            BreakReason::NotFollowing => "not_following",
            BreakReason::Changed => "changed",
        }
    }
}

impl ChainBreak {
    /// Where and why, for people: the chain (the system chain has no
    /// province), the entry and the reason.
    pub fn message(&self) -> domain::Message {
        let message = domain::Message::new("audit-chain-break");
        let message = if self.province_id.is_empty() {
            message.message("chain", domain::Message::new("audit-chain-system"))
        } else {
            message.text("chain", self.province_id.clone())
        };
        message.number("seq", self.seq).code("reason", "chain_break", self.reason.code())
    }
}

/// For logs.
impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let chain = if self.province_id.is_empty() { "system" } else { self.province_id.as_str() };
        write!(f, "audit chain {chain}: entry {} {}", self.seq, self.reason.code())
    }
}

/// What a verification saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChainReport {
    pub chains: usize,
    pub entries: u64,
    pub first_break: Option<ChainBreak>,
}

const PAGE: i64 = 5_000;

impl Store {
    /// The chains of the audit trail (`""` is the system chain), in order.
    pub async fn audit_chains(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT DISTINCT province_id FROM audit_log ORDER BY province_id").fetch_all(self.pool()).await?)
    }

    /// Checks every chain; reports the first broken entry, if any.
    pub async fn verify_audit(&self) -> Result<ChainReport> {
        let provinces = self.audit_chains().await?;
        let mut report = ChainReport { chains: provinces.len(), ..ChainReport::default() };
        for province in provinces {
            let anchor = sqlx::query("SELECT first_seq, prev_hash FROM audit_anchors WHERE province_id = $1")
                .bind(&province)
                .fetch_optional(self.pool())
                .await?;
            let (mut expected_seq, mut prev_hash) = match anchor {
                Some(row) => (int(&row, "first_seq")?, text(&row, "prev_hash")?),
                None => (1, String::new()),
            };
            let broken = |seq: i64, reason: BreakReason| ChainBreak { province_id: province.clone(), seq, reason };
            loop {
                let rows = sqlx::query(
                    "SELECT province_id, seq, id, at, actor, address, action, entity, entity_id, before_json, after_json, prev_hash, hash, org_id
                     FROM audit_log WHERE province_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
                )
                .bind(&province)
                .bind(expected_seq)
                .bind(PAGE)
                .fetch_all(self.pool())
                .await?;
                let first_seq: Option<i64> = if expected_seq > 1 {
                    sqlx::query_scalar("SELECT MIN(seq) FROM audit_log WHERE province_id = $1")
                        .bind(&province)
                        .fetch_one(self.pool())
                        .await?
                } else {
                    None
                };
                if let Some(min) = first_seq
                    && min < expected_seq
                    && report.entries == 0
                {
                    report.first_break = Some(broken(min, BreakReason::BeforeStart));
                    return Ok(report);
                }
                let count = rows.len();
                for row in rows {
                    let columns = EntryColumns {
                        province_id: text(&row, "province_id")?,
                        seq: int(&row, "seq")?,
                        id: text(&row, "id")?,
                        at: text(&row, "at")?,
                        actor: text(&row, "actor")?,
                        address: opt_text(&row, "address")?,
                        action: text(&row, "action")?,
                        entity: text(&row, "entity")?,
                        entity_id: text(&row, "entity_id")?,
                        before_json: opt_text(&row, "before_json")?,
                        after_json: opt_text(&row, "after_json")?,
                        org_id: opt_text(&row, "org_id")?,
                    };
                    let stored_prev = opt_text(&row, "prev_hash")?.unwrap_or_default();
                    let stored_hash = opt_text(&row, "hash")?.unwrap_or_default();
                    if columns.seq != expected_seq {
                        report.first_break = Some(broken(expected_seq, BreakReason::Missing));
                        return Ok(report);
                    }
                    if stored_prev != prev_hash {
                        report.first_break = Some(broken(columns.seq, BreakReason::NotFollowing));
                        return Ok(report);
                    }
                    if columns.hash(&prev_hash) != stored_hash {
                        report.first_break = Some(broken(columns.seq, BreakReason::Changed));
                        return Ok(report);
                    }
                    prev_hash = stored_hash;
                    expected_seq += 1;
                    report.entries += 1;
                }
                if (count as i64) < PAGE {
                    break;
                }
            }
        }
        Ok(report)
    }

    /// Removes entries older than `before` (an RFC 3339 instant) from every
    /// chain, recording where each chain now starts. Returns how many were removed.
    pub async fn purge_audit(&self, before: &str) -> Result<u64> {
        let mut tx = self.begin().await?;
        let provinces: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT province_id FROM audit_log WHERE at < $1").bind(before).fetch_all(&mut *tx).await?;
        let mut removed = 0;
        for province in provinces {
            // The first entry that stays: the oldest one not older than the cut.
            let keep = sqlx::query("SELECT seq, prev_hash FROM audit_log WHERE province_id = $1 AND at >= $2 ORDER BY seq LIMIT 1")
                .bind(&province)
                .bind(before)
                .fetch_optional(&mut *tx)
                .await?;
            let (first_seq, prev_hash) = match keep {
                Some(row) => (int(&row, "seq")?, opt_text(&row, "prev_hash")?.unwrap_or_default()),
                None => {
                    let last = sqlx::query("SELECT seq, hash FROM audit_log WHERE province_id = $1 ORDER BY seq DESC LIMIT 1")
                        .bind(&province)
                        .fetch_one(&mut *tx)
                        .await?;
                    (int(&last, "seq")? + 1, opt_text(&last, "hash")?.unwrap_or_default())
                }
            };
            let done = sqlx::query("DELETE FROM audit_log WHERE province_id = $1 AND seq < $2")
                .bind(&province)
                .bind(first_seq)
                .execute(&mut *tx)
                .await?;
            removed += done.rows_affected();
            sqlx::query("DELETE FROM audit_anchors WHERE province_id = $1").bind(&province).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_anchors (province_id, first_seq, prev_hash, purged_at) VALUES ($1, $2, $3, $4)")
                .bind(&province)
                .bind(first_seq)
                .bind(prev_hash)
                .bind(crate::now_text())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(removed)
    }
}
