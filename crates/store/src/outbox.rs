//! The outbox: messages composed by the scheduled jobs (the weekly digest),
//! kept whether or not they could be mailed, and where mail goes.
//!
//! A message is unique per person, kind and period (`2026-W48`), so a job
//! that runs twice queues nothing the second time. `sent_at` is set when a
//! mail server accepted the message; until then `send_error` says why not
//! (no mail server configured, no address, or what the server answered),
//! and the job tries again on its next run.
//!
//! Mail goes to the e-mail address of an account linked to the person
//! (`accounts.person_id`); an account without an address gets no mail.

use crate::audit::Audited;
use crate::rows::{opt_text, text};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::Id;
use std::collections::BTreeMap;

/// The kind of the weekly digest.
pub const WEEKLY_DIGEST: &str = "weekly_digest";

/// `send_error` when no mail server is configured.
pub const NO_MAIL_SERVER: &str = "no_mail_server";
/// `send_error` when the person has no account with an e-mail address.
pub const NO_ADDRESS: &str = "no_email_address";

/// A message to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    pub province_id: Id,
    pub person_id: Id,
    pub kind: String,
    /// The period the message is about, e.g. the ISO week `2026-W48`.
    pub period_key: String,
    /// `zh-CN` or `en`.
    pub lang: String,
    pub subject: String,
    pub body: String,
}

/// A message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OutboxMessage {
    pub id: Id,
    pub province_id: Id,
    pub person_id: Id,
    pub kind: String,
    pub period_key: String,
    pub lang: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub send_error: Option<String>,
}

impl OutboxMessage {
    /// What the audit trail keeps of a message: everything but the body.
    fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "person_id": self.person_id, "kind": self.kind, "period_key": self.period_key, "lang": self.lang,
            "subject": self.subject, "sent_at": self.sent_at, "send_error": self.send_error,
        })
    }
}

const MESSAGE_COLUMNS: &str = "province_id, id, person_id, kind, period_key, lang, subject, body, created_at, sent_at, send_error";

fn message_from_row(row: &sqlx::any::AnyRow) -> Result<OutboxMessage> {
    Ok(OutboxMessage {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        person_id: Id::from_stored(text(row, "person_id")?),
        kind: text(row, "kind")?,
        period_key: text(row, "period_key")?,
        lang: text(row, "lang")?,
        subject: text(row, "subject")?,
        body: text(row, "body")?,
        created_at: text(row, "created_at")?,
        sent_at: opt_text(row, "sent_at")?,
        send_error: opt_text(row, "send_error")?,
    })
}

/// A person the weekly digest is for: linked to a live account, or holding
/// a secretary position, on the day of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestRecipient {
    pub province_id: Id,
    pub person_id: Id,
    pub name: String,
    /// The address of an account linked to the person, if any.
    pub email: Option<String>,
    /// The organizations whose secretary they are.
    pub secretary_of: Vec<Id>,
}

/// Whether `s` is a plain e-mail address `local@domain` that can be put in
/// a mail header and an SMTP command as it is: ASCII, no spaces, quotes,
/// brackets or separators, a domain of letters, digits, hyphens and dots.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b));
    let domain_ok = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    s.len() <= 254 && local_ok && domain_ok
}

impl Store {
    /// Queues a message unless one of the same person, kind and period is
    /// already there (audited when it is queued). Returns the new message,
    /// or `None` if it already existed.
    pub async fn queue_message(&self, w: &mut Audited, new: NewMessage) -> Result<Option<OutboxMessage>> {
        let message = OutboxMessage {
            id: Id::generate(),
            province_id: new.province_id,
            person_id: new.person_id,
            kind: new.kind,
            period_key: new.period_key,
            lang: new.lang,
            subject: new.subject,
            body: new.body,
            created_at: w.at().to_owned(),
            sent_at: None,
            send_error: None,
        };
        let done = sqlx::query(
            "INSERT INTO outbox (province_id, id, person_id, kind, period_key, lang, subject, body, created_at, sent_at, send_error)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL)
             ON CONFLICT (province_id, person_id, kind, period_key) DO NOTHING",
        )
        .bind(message.province_id.as_str())
        .bind(message.id.as_str())
        .bind(message.person_id.as_str())
        .bind(&message.kind)
        .bind(&message.period_key)
        .bind(&message.lang)
        .bind(&message.subject)
        .bind(&message.body)
        .bind(&message.created_at)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        w.record(message.province_id.as_str(), "queue", "message", message.id.as_str(), None, Some(message.audit_json()));
        Ok(Some(message))
    }

    /// The latest messages of a person, newest first.
    pub async fn outbox_for(&self, province_id: &Id, person_id: &Id, limit: usize) -> Result<Vec<OutboxMessage>> {
        let rows = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM outbox WHERE province_id = $1 AND person_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3"
        ))
        .bind(province_id.as_str())
        .bind(person_id.as_str())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    /// The messages of one kind and period in a province not sent yet.
    pub async fn unsent_messages(&self, province_id: &Id, kind: &str, period_key: &str) -> Result<Vec<OutboxMessage>> {
        let rows = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM outbox WHERE province_id = $1 AND kind = $2 AND period_key = $3 AND sent_at IS NULL
             ORDER BY id"
        ))
        .bind(province_id.as_str())
        .bind(kind)
        .bind(period_key)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    /// Records that a mail server accepted the message (audited).
    pub async fn mark_sent(&self, w: &mut Audited, message: &OutboxMessage) -> Result<()> {
        let at = w.at().to_owned();
        let done = sqlx::query("UPDATE outbox SET sent_at = $1, send_error = NULL WHERE province_id = $2 AND id = $3 AND sent_at IS NULL")
            .bind(&at)
            .bind(message.province_id.as_str())
            .bind(message.id.as_str())
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        let after = OutboxMessage { sent_at: Some(at), send_error: None, ..message.clone() };
        w.record(
            message.province_id.as_str(),
            "sent",
            "message",
            message.id.as_str(),
            Some(message.audit_json()),
            Some(after.audit_json()),
        );
        Ok(())
    }

    /// Records why the message was not sent (audited when the reason
    /// changes; the same reason again writes nothing). Returns whether
    /// anything changed. The message stays unsent and is tried again.
    pub async fn mark_failed(&self, w: &mut Audited, message: &OutboxMessage, reason: &str) -> Result<bool> {
        let reason: String = reason.chars().filter(|c| !c.is_control()).take(500).collect();
        let done = sqlx::query(
            "UPDATE outbox SET send_error = $1 WHERE province_id = $2 AND id = $3 AND sent_at IS NULL
             AND (send_error IS NULL OR send_error <> $1)",
        )
        .bind(&reason)
        .bind(message.province_id.as_str())
        .bind(message.id.as_str())
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let after = OutboxMessage { send_error: Some(reason), ..message.clone() };
        w.record(
            message.province_id.as_str(),
            "send_failed",
            "message",
            message.id.as_str(),
            Some(message.audit_json()),
            Some(after.audit_json()),
        );
        Ok(true)
    }

    /// Everyone the weekly digest is for on `on`: people linked to an
    /// account that is not disabled, and holders of a secretary position,
    /// who still count in their organization. Ordered by province and id.
    pub async fn digest_recipients(&self, on: NaiveDate) -> Result<Vec<DigestRecipient>> {
        let day = on.format("%Y-%m-%d").to_string();
        let mut found: BTreeMap<(String, String), DigestRecipient> = BTreeMap::new();
        let counts = |status: &str| domain::MemberStatus::parse(status).is_ok_and(|s| s.counts_in_branch());
        let linked = sqlx::query(
            "SELECT DISTINCT p.province_id, p.id, p.name, p.status FROM accounts a JOIN people p ON p.id = a.person_id
             WHERE a.disabled_at IS NULL",
        )
        .fetch_all(self.pool())
        .await?;
        for row in &linked {
            if !counts(&text(row, "status")?) {
                continue;
            }
            let (province, id) = (text(row, "province_id")?, text(row, "id")?);
            found.entry((province.clone(), id.clone())).or_insert(DigestRecipient {
                province_id: Id::from_stored(province),
                person_id: Id::from_stored(id),
                name: text(row, "name")?,
                email: None,
                secretary_of: Vec::new(),
            });
        }
        let secretaries = sqlx::query(
            "SELECT p.province_id, p.id, p.name, p.status, s.org_id FROM positions s
             JOIN people p ON p.province_id = s.province_id AND p.id = s.person_id
             WHERE s.kind = 'secretary' AND s.valid_from <= $1 AND (s.valid_to IS NULL OR s.valid_to > $1)
             ORDER BY s.org_id",
        )
        .bind(&day)
        .fetch_all(self.pool())
        .await?;
        for row in &secretaries {
            if !counts(&text(row, "status")?) {
                continue;
            }
            let (province, id) = (text(row, "province_id")?, text(row, "id")?);
            let entry = found.entry((province.clone(), id.clone())).or_insert(DigestRecipient {
                province_id: Id::from_stored(province),
                person_id: Id::from_stored(id),
                name: text(row, "name")?,
                email: None,
                secretary_of: Vec::new(),
            });
            let org = Id::from_stored(text(row, "org_id")?);
            if !entry.secretary_of.contains(&org) {
                entry.secretary_of.push(org);
            }
        }
        let emails = self.linked_emails().await?;
        Ok(found
            .into_values()
            .map(|mut r| {
                r.email = emails.get(r.person_id.as_str()).cloned();
                r
            })
            .collect())
    }

    /// The address mail for a person goes to: that of the first (by login)
    /// live account linked to them that has one.
    pub async fn person_email(&self, person_id: &Id) -> Result<Option<String>> {
        let row: Option<String> = sqlx::query_scalar(
            "SELECT email FROM accounts WHERE person_id = $1 AND email IS NOT NULL AND disabled_at IS NULL ORDER BY login LIMIT 1",
        )
        .bind(person_id.as_str())
        .fetch_optional(self.pool())
        .await?;
        Ok(row)
    }

    async fn linked_emails(&self) -> Result<BTreeMap<String, String>> {
        let rows = sqlx::query(
            "SELECT person_id, email FROM accounts WHERE person_id IS NOT NULL AND email IS NOT NULL AND disabled_at IS NULL ORDER BY login",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = BTreeMap::new();
        for row in &rows {
            out.entry(text(row, "person_id")?).or_insert(text(row, "email")?);
        }
        Ok(out)
    }

    /// The e-mail address of an account, if it has one.
    pub async fn account_email(&self, account_id: &Id) -> Result<Option<String>> {
        let row: Option<Option<String>> =
            sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1").bind(account_id.as_str()).fetch_optional(self.pool()).await?;
        row.ok_or(StoreError::NotFound)
    }

    /// Sets or clears the e-mail address of an account (audited). An
    /// address that is not a plain `local@domain` is refused.
    pub async fn set_account_email(&self, w: &mut Audited, account_id: &Id, email: Option<&str>) -> Result<()> {
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email
            && !valid_email(e)
        {
            return Err(StoreError::rule("email-bad-form"));
        }
        let before: Option<Option<String>> =
            sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1").bind(account_id.as_str()).fetch_optional(&mut **w.tx()).await?;
        let before = before.ok_or(StoreError::NotFound)?;
        if before.as_deref() == email {
            return Ok(());
        }
        sqlx::query("UPDATE accounts SET email = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(email.map(str::to_owned))
            .bind(w.at().to_owned())
            .bind(account_id.as_str())
            .execute(&mut **w.tx())
            .await?;
        w.record(
            "",
            "update",
            "account",
            account_id.as_str(),
            Some(serde_json::json!({ "email": before.as_deref().map(masked_email) })),
            Some(serde_json::json!({ "email": email.map(masked_email) })),
        );
        Ok(())
    }
}

/// The right to run the scheduled jobs, held by one process at a time.
///
/// On PostgreSQL it is a session advisory lock on a connection of its own
/// (taken out of the pool, so that it is closed, and the lock let go, even
/// if the holder never calls [`JobLock::release`]). On SQLite there is
/// nothing to take: one server process uses a database file.
pub struct JobLock {
    conn: Option<(sqlx::AnyConnection, i64)>,
}

impl JobLock {
    /// Lets the lock go (at once, not when the server notices the closed
    /// connection).
    pub async fn release(self) {
        if let Some((mut conn, key)) = self.conn {
            use sqlx::Connection;
            let _ =
                sqlx::query("SELECT CAST(1 AS BIGINT) FROM (SELECT pg_advisory_unlock($1)) AS released").bind(key).execute(&mut conn).await;
            let _ = conn.close().await;
        }
    }
}

impl Store {
    /// Takes the job lock named `name`, or `None` if another process holds it.
    pub async fn try_job_lock(&self, name: &str) -> Result<Option<JobLock>> {
        if self.backend() != crate::Backend::Postgres {
            return Ok(Some(JobLock { conn: None }));
        }
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("changxiao:jobs:{name}").as_bytes());
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[..8]);
        let key = i64::from_be_bytes(bytes);
        let mut conn = self.pool().acquire().await?.detach();
        let got: i64 = sqlx::query_scalar("SELECT CAST(CASE WHEN pg_try_advisory_lock($1) THEN 1 ELSE 0 END AS BIGINT)")
            .bind(key)
            .fetch_one(&mut conn)
            .await?;
        if got == 1 {
            Ok(Some(JobLock { conn: Some((conn, key)) }))
        } else {
            use sqlx::Connection;
            let _ = conn.close().await;
            Ok(None)
        }
    }
}

/// An e-mail address as the audit trail keeps it: the first letter of the
/// local part and the domain (`z***@example.org`).
fn masked_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn only_plain_addresses_are_accepted() {
        for good in ["wang@example.org", "li.ming+digest@mail.qingchuan.gov.cn", "a@b.cn"] {
            assert!(valid_email(good), "{good}");
        }
        for bad in [
            "",
            "wang",
            "wang@localhost",
            "@example.org",
            "wang@",
            "wang @example.org",
            "wang@example.org\r\nBcc: x@y.z",
            "<wang@example.org>",
            "王@example.org",
            "wang@exa_mple.org",
            "wang@-example.org",
            "wang..li@example.org",
            "a,b@example.org",
        ] {
            assert!(!valid_email(bad), "{bad:?}");
        }
    }
}
