//! Calendar feeds: secret subscription links to the open obligations of a
//! person or an organization (`/calendar/{token}.ics`).
//!
//! The token is the credential, so it is treated like an API token: it is
//! shown once, only its SHA-256 is stored, and it can be revoked. A subject
//! has at most one live feed; creating a new one revokes the old, which is
//! how a leaked link is rotated. The token begins with the subject's
//! province id (32 hex digits, not secret), so that a lookup reads one
//! shard; 64 random hex digits follow.

use crate::accounts::{new_secret, secret_hash};
use crate::audit::Audited;
use crate::rows::{opt_text, text};
use crate::{Result, Store, StoreError};
use domain::Id;

/// Whose obligations a feed lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedSubjectKind {
    Person,
    Organization,
}

impl FeedSubjectKind {
    pub fn code(self) -> &'static str {
        match self {
            FeedSubjectKind::Person => "person",
            FeedSubjectKind::Organization => "organization",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "person" => Some(FeedSubjectKind::Person),
            "organization" => Some(FeedSubjectKind::Organization),
            _ => None,
        }
    }
}

/// A calendar feed as stored (never with its token).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CalendarFeed {
    pub id: Id,
    pub province_id: Id,
    pub subject_kind: FeedSubjectKind,
    pub subject_id: Id,
    /// The account (or `system:…` role) that created it.
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

const FEED_COLUMNS: &str = "province_id, id, subject_kind, subject_id, created_by, created_at, revoked_at";

/// Length of a feed token: the province id (32) and the secret (64).
pub const TOKEN_LEN: usize = 96;

fn feed_from_row(row: &sqlx::any::AnyRow) -> Result<CalendarFeed> {
    let kind = text(row, "subject_kind")?;
    Ok(CalendarFeed {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        subject_kind: FeedSubjectKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("calendar feed subject kind '{kind}'")))?,
        subject_id: Id::from_stored(text(row, "subject_id")?),
        created_by: text(row, "created_by")?,
        created_at: text(row, "created_at")?,
        revoked_at: opt_text(row, "revoked_at")?,
    })
}

impl Store {
    /// Creates the feed of a subject and returns it with its token, which is
    /// shown once and stored only hashed; the subject's previous live feed,
    /// if any, is revoked in the same transaction (audited).
    pub async fn create_calendar_feed(
        &self,
        w: &mut Audited,
        province_id: &Id,
        subject_kind: FeedSubjectKind,
        subject_id: &Id,
    ) -> Result<(CalendarFeed, String)> {
        self.revoke_live_feeds(w, province_id, subject_id).await?;
        let token = format!("{}{}", province_id.as_str(), new_secret());
        let feed = CalendarFeed {
            id: Id::generate(),
            province_id: province_id.clone(),
            subject_kind,
            subject_id: subject_id.clone(),
            created_by: w.actor().id.clone(),
            created_at: w.at().to_owned(),
            revoked_at: None,
        };
        sqlx::query(
            "INSERT INTO calendar_feeds (province_id, id, subject_kind, subject_id, token_hash, created_by, created_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
        )
        .bind(province_id.as_str())
        .bind(feed.id.as_str())
        .bind(subject_kind.code())
        .bind(subject_id.as_str())
        .bind(secret_hash(&token))
        .bind(&feed.created_by)
        .bind(&feed.created_at)
        .execute(&mut **w.tx())
        .await?;
        w.record(province_id.as_str(), "create", "calendar_feed", feed.id.as_str(), None, serde_json::to_value(&feed).ok());
        Ok((feed, token))
    }

    /// Revokes the live feed of a subject (audited); `NotFound` if it has none.
    pub async fn revoke_calendar_feed(&self, w: &mut Audited, province_id: &Id, subject_id: &Id) -> Result<()> {
        if self.revoke_live_feeds(w, province_id, subject_id).await? == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn revoke_live_feeds(&self, w: &mut Audited, province_id: &Id, subject_id: &Id) -> Result<usize> {
        let rows = sqlx::query(&format!(
            "SELECT {FEED_COLUMNS} FROM calendar_feeds WHERE province_id = $1 AND subject_id = $2 AND revoked_at IS NULL"
        ))
        .bind(province_id.as_str())
        .bind(subject_id.as_str())
        .fetch_all(&mut **w.tx())
        .await?;
        let live: Vec<CalendarFeed> = rows.iter().map(feed_from_row).collect::<Result<_>>()?;
        let at = w.at().to_owned();
        for feed in &live {
            sqlx::query("UPDATE calendar_feeds SET revoked_at = $1 WHERE province_id = $2 AND id = $3")
                .bind(&at)
                .bind(province_id.as_str())
                .bind(feed.id.as_str())
                .execute(&mut **w.tx())
                .await?;
            let after = CalendarFeed { revoked_at: Some(at.clone()), ..feed.clone() };
            w.record(
                province_id.as_str(),
                "revoke",
                "calendar_feed",
                feed.id.as_str(),
                serde_json::to_value(feed).ok(),
                serde_json::to_value(&after).ok(),
            );
        }
        Ok(live.len())
    }

    /// The live feed of a subject, if any.
    pub async fn calendar_feed_of(&self, province_id: &Id, subject_id: &Id) -> Result<Option<CalendarFeed>> {
        let row = sqlx::query(&format!(
            "SELECT {FEED_COLUMNS} FROM calendar_feeds WHERE province_id = $1 AND subject_id = $2 AND revoked_at IS NULL
             ORDER BY created_at DESC"
        ))
        .bind(province_id.as_str())
        .bind(subject_id.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(feed_from_row).transpose()
    }

    /// The live feed a token opens. Anything that is not a token, an
    /// unknown token and a revoked one all give `None`.
    pub async fn calendar_feed_by_token(&self, token: &str) -> Result<Option<CalendarFeed>> {
        if token.len() != TOKEN_LEN || !token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "SELECT {FEED_COLUMNS} FROM calendar_feeds WHERE province_id = $1 AND token_hash = $2 AND revoked_at IS NULL"
        ))
        .bind(&token[..32])
        .bind(secret_hash(token))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(feed_from_row).transpose()
    }
}
