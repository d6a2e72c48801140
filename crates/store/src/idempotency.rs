//! Idempotency keys: the stored response to a POST that carried an
//! `Idempotency-Key`, so that a retried request creates nothing new.
//!
//! A key is claimed inside the write transaction it protects, before the
//! write: the primary key on `idempotency_keys.key` makes a concurrent
//! duplicate wait for the first transaction and then find its response
//! instead of writing a second record. If the write fails, the transaction
//! rolls back and the key is free again.

use crate::audit::Audited;
use crate::rows::{int, text};
use crate::{Result, Store, StoreError, now_text};

/// A response recorded under a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    /// Hash of the request that first used the key.
    pub request_hash: String,
    pub status: u16,
    /// The response body as sent (JSON text).
    pub body: String,
}

/// The outcome of claiming a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: it now belongs to this transaction, which must record
    /// its response with [`Store::save_idempotent_response`] before committing.
    Claimed,
    /// The key was used before (possibly by a request that finished while
    /// this one waited); here is what it answered.
    Used(StoredResponse),
}

impl Store {
    /// Claims `key` for the write in `w`, or returns the response it already has.
    pub async fn claim_idempotency_key(&self, w: &mut Audited, key: &str, request_hash: &str) -> Result<Claim> {
        let at = now_text();
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (key, request_hash, status, body, created_at) VALUES ($1, $2, 0, '', $3) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(request_hash)
        .bind(at)
        .execute(&mut **w.tx())
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(Claim::Claimed);
        }
        let row = sqlx::query("SELECT request_hash, status, body FROM idempotency_keys WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut **w.tx())
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("idempotency key '{key}' neither inserted nor found")))?;
        let status = u16::try_from(int(&row, "status")?).map_err(|_| StoreError::Corrupt("idempotency_keys.status out of range".into()))?;
        Ok(Claim::Used(StoredResponse { request_hash: text(&row, "request_hash")?, status, body: text(&row, "body")? }))
    }

    /// Records the response for a key claimed in the same transaction.
    pub async fn save_idempotent_response(&self, w: &mut Audited, key: &str, status: u16, body: &str) -> Result<()> {
        let done = sqlx::query("UPDATE idempotency_keys SET status = $1, body = $2 WHERE key = $3")
            .bind(i64::from(status))
            .bind(body)
            .bind(key)
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Corrupt(format!("idempotency key '{key}' was not claimed")));
        }
        Ok(())
    }
}
