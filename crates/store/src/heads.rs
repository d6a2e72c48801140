//! Signed heads of the audit chains, kept outside the database, so that
//! deleting the newest entries or putting back an older copy of the
//! database is detected.
//!
//! A head is a chain's last sequence number and hash. The heads of every
//! chain are signed (Ed25519, with `<data-dir>/keys/heads.key`, created
//! with 0600 permissions beside the personal-data key) and appended as one
//! JSON line to `<data-dir>/audit-heads.jsonl` at every scheduled run,
//! every purge and every announced restore. [`compare`] holds the database
//! against the latest signed line: a chain behind it whose head matches an
//! earlier signed line is an older copy put back (a rollback); a chain
//! behind it otherwise has lost its newest entries; a line that does not
//! verify is reported as such. An announced restore (`restored` set) makes
//! the database's heads the latest signed ones.

use crate::rows::{int, opt_text, text};
use crate::{Result, Store, StoreError};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier};
use rand::RngCore;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The last entry of one chain (`""` is the system chain).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub chain: String,
    pub seq: i64,
    pub hash: String,
}

/// One signed line of the heads file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignedHeads {
    pub at: String,
    /// Why it was written: `scheduled`, `purge` or `restored`.
    pub reason: String,
    pub heads: Vec<ChainHead>,
    /// Hex Ed25519 signature over the line without this field.
    pub signature: String,
}

/// What the comparison found, for the first chain that differs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeadsFinding {
    /// The database holds every signed entry.
    Current { signed_at: String, restored: bool },
    /// No heads were signed yet.
    NoneSigned,
    /// A line of the heads file does not verify with the key.
    BadSignature { line: usize },
    /// The newest `missing` entries of the chain are gone.
    Truncated { chain: String, signed_seq: i64, seq: i64 },
    /// The database is the copy of an earlier signed moment.
    RolledBack { chain: String, signed_seq: i64, seq: i64, copy_of: String },
}

/// The signing key of the heads.
pub struct HeadKey(SigningKey);

impl std::fmt::Debug for HeadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeadKey(..)")
    }
}

impl HeadKey {
    /// Loads `<data-dir>/keys/heads.key`, creating it if there is none.
    pub fn load_or_create(data_dir: &Path) -> Result<Self> {
        let dir = data_dir.join("keys");
        let path = dir.join("heads.key");
        let io = |e: std::io::Error| StoreError::Setup(format!("cannot read or create {}: {e}", path.display()));
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&dir).map_err(io)?;
                let mut seed = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut seed);
                let text = hex::encode(seed);
                crate::pii::write_private(&path, &text).map_err(io)?;
                text
            }
            Err(e) => return Err(io(e)),
        };
        let bytes = hex::decode(text.trim()).ok().and_then(|b| <[u8; 32]>::try_from(b).ok());
        let seed = bytes.ok_or_else(|| StoreError::Setup(format!("{} is not 64 hex digits", path.display())))?;
        Ok(HeadKey(SigningKey::from_bytes(&seed)))
    }

    fn sign(&self, at: &str, reason: &str, heads: &[ChainHead]) -> SignedHeads {
        let signature = self.0.sign(&signed_bytes(at, reason, heads));
        SignedHeads { at: at.to_owned(), reason: reason.to_owned(), heads: heads.to_vec(), signature: hex::encode(signature.to_bytes()) }
    }

    fn verifies(&self, line: &SignedHeads) -> bool {
        let Some(bytes) = hex::decode(&line.signature).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        self.0.verifying_key().verify(&signed_bytes(&line.at, &line.reason, &line.heads), &Signature::from_bytes(&bytes)).is_ok()
    }
}

fn signed_bytes(at: &str, reason: &str, heads: &[ChainHead]) -> Vec<u8> {
    serde_json::json!([at, reason, heads]).to_string().into_bytes()
}

/// The heads file of a data directory.
pub fn heads_file(data_dir: &Path) -> PathBuf {
    data_dir.join("audit-heads.jsonl")
}

/// Appends the signed heads as one line (the file is only ever appended to).
pub fn append(data_dir: &Path, key: &HeadKey, reason: &str, heads: &[ChainHead]) -> Result<SignedHeads> {
    let line = key.sign(&crate::now_text(), reason, heads);
    let path = heads_file(data_dir);
    let io = |e: std::io::Error| StoreError::Setup(format!("cannot append to {}: {e}", path.display()));
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io)?;
    let text = serde_json::to_string(&line).map_err(|e| StoreError::Setup(e.to_string()))?;
    file.write_all(format!("{text}\n").as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(line)
}

/// Every line of the heads file, in order (none if there is no file);
/// `Err(n)` names the first line (1-based) that does not verify.
pub fn read(data_dir: &Path, key: &HeadKey) -> Result<std::result::Result<Vec<SignedHeads>, usize>> {
    let path = heads_file(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ok(Vec::new())),
        Err(e) => return Err(StoreError::Setup(format!("cannot read {}: {e}", path.display()))),
    };
    let mut lines = Vec::new();
    for (i, raw) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        match serde_json::from_str::<SignedHeads>(raw) {
            Ok(line) if key.verifies(&line) => lines.push(line),
            _ => return Ok(Err(i + 1)),
        }
    }
    Ok(Ok(lines))
}

/// Holds the database's heads against the signed lines.
pub fn compare(current: &[ChainHead], signed: &[SignedHeads]) -> HeadsFinding {
    let Some(latest) = signed.last() else { return HeadsFinding::NoneSigned };
    for head in &latest.heads {
        let now = current.iter().find(|c| c.chain == head.chain);
        let seq = now.map_or(0, |c| c.seq);
        if now == Some(head) || seq > head.seq {
            continue;
        }
        let earlier = signed.iter().rev().skip(1).find(|line| line.heads.iter().any(|h| Some(h) == now));
        return match earlier {
            Some(line) => HeadsFinding::RolledBack { chain: head.chain.clone(), signed_seq: head.seq, seq, copy_of: line.at.clone() },
            None => HeadsFinding::Truncated { chain: head.chain.clone(), signed_seq: head.seq, seq },
        };
    }
    HeadsFinding::Current { signed_at: latest.at.clone(), restored: latest.reason == "restored" }
}

impl Store {
    /// The last entry of every chain, in chain order.
    pub async fn chain_heads(&self) -> Result<Vec<ChainHead>> {
        let rows = sqlx::query(
            "SELECT a.province_id, a.seq, a.hash FROM audit_log a
             WHERE a.seq = (SELECT MAX(b.seq) FROM audit_log b WHERE b.province_id = a.province_id) ORDER BY a.province_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(ChainHead { chain: text(r, "province_id")?, seq: int(r, "seq")?, hash: opt_text(r, "hash")?.unwrap_or_default() }))
            .collect()
    }

    /// Signs the chains' heads into the heads file of `data_dir`.
    pub async fn sign_heads(&self, data_dir: &Path, reason: &str) -> Result<SignedHeads> {
        let key = HeadKey::load_or_create(data_dir)?;
        append(data_dir, &key, reason, &self.chain_heads().await?)
    }

    /// Records in the system chain that the database was restored to its
    /// present heads, then signs them as the latest (`restored`).
    pub async fn announce_restore(&self, data_dir: &Path, actor: &crate::Actor) -> Result<SignedHeads> {
        let heads = self.chain_heads().await?;
        let mut w = self.writer(actor).await?;
        let after = serde_json::json!({ "restored_to": heads });
        w.record("", "restored", "audit_head", "restore", None, Some(after));
        w.commit().await?;
        self.sign_heads(data_dir, "restored").await
    }

    /// The database's heads against the signed lines of `data_dir`.
    pub async fn check_heads(&self, data_dir: &Path) -> Result<HeadsFinding> {
        let key = HeadKey::load_or_create(data_dir)?;
        match read(data_dir, &key)? {
            Err(line) => Ok(HeadsFinding::BadSignature { line }),
            Ok(lines) => Ok(compare(&self.chain_heads().await?, &lines)),
        }
    }
}
