//! The one shape of every write a request makes: open the audited
//! transaction; if the request carries a key (an API `Idempotency-Key`, a
//! form's one-time key), claim it in that transaction — a key already used
//! answers with what it answered then, and nothing is written again; do the
//! work; keep the answer under the key; commit it all at once.
//!
//! A handler gives only the work ([`write`]); it cannot forget to claim the
//! key, to store the answer or to commit, and a refusal inside the work
//! rolls everything back, the key included.

use store::idempotency::{Claim, StoredResponse};
use store::{Actor, Audited, Store, StoreError};

/// A request's key and the hash of what it asked, kept to tell a retry
/// (same hash) from another request reusing the key.
#[derive(Clone, Copy, Debug)]
pub struct Key<'a> {
    pub key: &'a str,
    pub request_hash: &'a str,
}

/// What a write answered, kept under its key for a retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    pub status: u16,
    pub body: String,
}

/// How a write ended.
#[derive(Debug)]
pub enum Outcome<V> {
    /// The work was done and committed; here is what it gave.
    Written(V),
    /// The key was used by an earlier request with the same content; this
    /// is what that request was answered. Nothing was written.
    Replayed(StoredResponse),
    /// The key was used by an earlier request asking something else.
    KeyReused,
}

/// Runs `work` in one audited transaction, once per key (see the module).
/// `work` returns what the caller needs afterwards and the answer to keep;
/// its error rolls the transaction back.
pub async fn write<V, E>(
    store: &Store,
    actor: &Actor,
    key: Option<Key<'_>>,
    work: impl AsyncFnOnce(&mut Audited) -> Result<(V, Answered), E>,
) -> Result<Outcome<V>, E>
where
    E: From<StoreError>,
{
    let mut w = store.writer(actor).await?;
    if let Some(Key { key, request_hash }) = key
        && let Claim::Used(stored) = store.claim_idempotency_key(&mut w, key, request_hash).await?
    {
        drop(w);
        return Ok(if stored.request_hash == request_hash { Outcome::Replayed(stored) } else { Outcome::KeyReused });
    }
    let (value, answered) = work(&mut w).await?;
    if let Some(Key { key, .. }) = key {
        store.save_idempotent_response(&mut w, key, answered.status, &answered.body).await?;
    }
    w.commit().await?;
    Ok(Outcome::Written(value))
}

/// A write that carries no key: `work` in one audited transaction,
/// committed if it succeeds, rolled back if it fails.
pub async fn plain<V, E>(store: &Store, actor: &Actor, work: impl AsyncFnOnce(&mut Audited) -> Result<V, E>) -> Result<V, E>
where
    E: From<StoreError>,
{
    let mut w = store.writer(actor).await?;
    let value = work(&mut w).await?;
    w.commit().await?;
    Ok(value)
}
