//! Accounts, the roles they hold on subtrees, sessions, API tokens,
//! password resets and the throttling of failed logins.
//!
//! Passwords are stored only as argon2id hashes; session cookies, API tokens
//! and reset links only as SHA-256 hashes of their random secrets. Logins,
//! failed logins, grant changes and password changes are audited.

use crate::audit::Audited;
use crate::orgs::{date_text, parse_date};
use crate::rows::{int, opt_text, parsed, text};
use crate::{Actor, Result, Store, StoreError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use domain::access::{Grant, Login, Password, Role, TokenScope};
use domain::{Field, FieldError, Id, Name, Problem};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A person who can log in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub id: Id,
    pub login: Login,
    pub display_name: Name,
    pub person_id: Option<Id>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub version: i64,
}

/// A stored grant with its id and who made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantRecord {
    pub id: Id,
    pub account_id: Id,
    pub grant: Grant,
    pub granted_by: String,
}

/// An API token as listed (never with its secret).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    pub id: Id,
    pub account_id: Id,
    pub name: Name,
    pub org_id: Id,
    pub scope: TokenScope,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A session as found from its cookie.
#[derive(Clone, Debug)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
}

/// What a login attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    Success(Account),
    /// Wrong login or password (the two are not told apart).
    Refused,
    /// Too many recent failures for this login or address: try again later.
    Throttled {
        retry_after_secs: i64,
    },
}

/// How many failures are free before waiting starts, and the longest wait.
const FREE_FAILURES: i64 = 5;
const MAX_WAIT_SECS: i64 = 15 * 60;
/// How long a reset link lasts.
const RESET_HOURS: i64 = 24;

/// A random secret as 64 hex digits.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The argon2id hash of a password (PHC string with its own salt).
pub fn hash_password(password: &Password) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Setup(format!("password hashing failed: {e}")))
}

fn password_matches(stored: &str, candidate: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok())
}

/// A hash to verify against when the login does not exist, so that a wrong
/// login takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(b"decoy password", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

fn parse_instant(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

const ACCOUNT_COLUMNS: &str = "id, login, display_name, person_id, must_change_password, disabled_at, version";

fn account_from_row(row: &sqlx::any::AnyRow) -> Result<Account> {
    Ok(Account {
        id: Id::from_stored(text(row, "id")?),
        login: Login::from_stored(text(row, "login")?),
        display_name: Name::from_stored(text(row, "display_name")?),
        person_id: opt_text(row, "person_id")?.map(Id::from_stored),
        must_change_password: int(row, "must_change_password")? != 0,
        disabled: opt_text(row, "disabled_at")?.is_some(),
        version: int(row, "version")?,
    })
}

fn grant_from_row(row: &sqlx::any::AnyRow) -> Result<GrantRecord> {
    Ok(GrantRecord {
        id: Id::from_stored(text(row, "id")?),
        account_id: Id::from_stored(text(row, "account_id")?),
        grant: Grant {
            role: parsed(row, "role", Role::parse)?,
            org_id: Id::from_stored(text(row, "org_id")?),
            valid_from: parsed(row, "valid_from", parse_date)?,
            valid_to: crate::rows::opt_parsed(row, "valid_to", parse_date)?,
        },
        granted_by: text(row, "granted_by")?,
    })
}

fn token_from_row(row: &sqlx::any::AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: Id::from_stored(text(row, "id")?),
        account_id: Id::from_stored(text(row, "account_id")?),
        name: Name::from_stored(text(row, "name")?),
        org_id: Id::from_stored(text(row, "org_id")?),
        scope: parsed(row, "scope", TokenScope::parse)?,
        created_at: text(row, "created_at")?,
        revoked_at: opt_text(row, "revoked_at")?,
    })
}

/// The audit record of an account: never the password hash.
fn account_json(a: &Account) -> Option<serde_json::Value> {
    serde_json::to_value(a).ok()
}

impl Store {
    /// Creates an account (audited). The first password is to be changed at
    /// the first login when `must_change_password` is set.
    pub async fn create_account(
        &self,
        w: &mut Audited,
        login: Login,
        display_name: Name,
        person_id: Option<Id>,
        password: &Password,
        must_change_password: bool,
    ) -> Result<Account> {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM accounts WHERE login = $1").bind(login.as_str()).fetch_optional(&mut **w.tx()).await?;
        if existing.is_some() {
            return Err(StoreError::Invalid(FieldError::new(Field::Login, Problem::rule("login-taken"), login.as_str())));
        }
        let account = Account { id: Id::generate(), login, display_name, person_id, must_change_password, disabled: false, version: 1 };
        let at = w.at().to_owned();
        sqlx::query(
            "INSERT INTO accounts (id, login, display_name, person_id, password_hash, must_change_password, disabled_at, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, 1, $7, $7)",
        )
        .bind(account.id.as_str())
        .bind(account.login.as_str())
        .bind(account.display_name.as_str())
        .bind(account.person_id.as_ref().map(|p| p.to_string()))
        .bind(hash_password(password)?)
        .bind(i64::from(must_change_password))
        .bind(at)
        .execute(&mut **w.tx())
        .await?;
        w.record("", "create", "account", account.id.as_str(), None, account_json(&account));
        Ok(account)
    }

    pub async fn account(&self, id: &Id) -> Result<Option<Account>> {
        let row = sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    pub async fn account_by_login(&self, login: &str) -> Result<Option<Account>> {
        let row = sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = $1"))
            .bind(login)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// Accounts holding a grant on `org_id` or anywhere under it, by login.
    pub async fn accounts_under(&self, org_id: &Id, on: NaiveDate) -> Result<Vec<Account>> {
        let (from, to) = self.subtree_bounds(Some(org_id), on).await?;
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id IN (
                SELECT g.account_id FROM grants g JOIN org_links l ON l.org_id = g.org_id
                WHERE l.path >= $1 AND l.path < $2 AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3))
             ORDER BY login"
        ))
        .bind(&from)
        .bind(&to)
        .bind(date_text(on))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account_from_row).collect()
    }

    /// All grants of an account, current and ended.
    pub async fn grants_of(&self, account_id: &Id) -> Result<Vec<GrantRecord>> {
        let rows = sqlx::query(
            "SELECT id, account_id, role, org_id, valid_from, valid_to, granted_by FROM grants WHERE account_id = $1 ORDER BY valid_from, id",
        )
        .bind(account_id.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(grant_from_row).collect()
    }

    /// Grants a role on the subtree of `org_id` from `valid_from` (audited).
    pub async fn add_grant(&self, w: &mut Audited, account_id: &Id, role: Role, org_id: &Id, valid_from: NaiveDate) -> Result<GrantRecord> {
        let org = self
            .org_in(w, org_id, valid_from)
            .await?
            .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Organization, Problem::NotFound, org_id.as_str())))?;
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM accounts WHERE id = $1").bind(account_id.as_str()).fetch_optional(&mut **w.tx()).await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let record = GrantRecord {
            id: Id::generate(),
            account_id: account_id.clone(),
            grant: Grant { role, org_id: org_id.clone(), valid_from, valid_to: None },
            granted_by: w.actor().id.clone(),
        };
        sqlx::query(
            "INSERT INTO grants (province_id, id, account_id, role, org_id, valid_from, valid_to, granted_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)",
        )
        .bind(org.province_id.as_str())
        .bind(record.id.as_str())
        .bind(account_id.as_str())
        .bind(role.code())
        .bind(org_id.as_str())
        .bind(date_text(valid_from))
        .bind(&record.granted_by)
        .bind(w.at().to_owned())
        .execute(&mut **w.tx())
        .await?;
        let after =
            serde_json::json!({"account_id": account_id, "role": role.code(), "org_id": org_id, "valid_from": date_text(valid_from)});
        w.record(org.province_id.as_str(), "grant", "grant", record.id.as_str(), None, Some(after));
        Ok(record)
    }

    /// Ends a grant from `on` (audited).
    pub async fn end_grant(&self, w: &mut Audited, grant_id: &Id, on: NaiveDate) -> Result<()> {
        let row =
            sqlx::query("SELECT province_id, id, account_id, role, org_id, valid_from, valid_to, granted_by FROM grants WHERE id = $1")
                .bind(grant_id.as_str())
                .fetch_optional(&mut **w.tx())
                .await?
                .ok_or(StoreError::NotFound)?;
        let province = text(&row, "province_id")?;
        let before = grant_from_row(&row)?;
        if before.grant.valid_to.is_some() {
            return Err(StoreError::rule("grant-already-ended"));
        }
        let end = on.max(before.grant.valid_from);
        sqlx::query("UPDATE grants SET valid_to = $1 WHERE province_id = $2 AND id = $3")
            .bind(date_text(end))
            .bind(&province)
            .bind(grant_id.as_str())
            .execute(&mut **w.tx())
            .await?;
        let after = serde_json::json!({"account_id": before.account_id, "role": before.grant.role.code(), "org_id": before.grant.org_id, "valid_to": date_text(end)});
        w.record(&province, "revoke", "grant", grant_id.as_str(), None, Some(after));
        Ok(())
    }

    /// Checks a login and password, with throttling per login and per address;
    /// records the attempt in the audit trail either way.
    pub async fn attempt_login(&self, login: &str, password: &str, address: Option<&str>) -> Result<LoginOutcome> {
        let now = chrono::Utc::now();
        let keys = [format!("login:{}", login.trim().to_lowercase()), format!("address:{}", address.unwrap_or("-"))];
        for key in &keys {
            if let Some(wait) = self.throttle_wait(key, now).await? {
                return Ok(LoginOutcome::Throttled { retry_after_secs: wait });
            }
        }
        let row = sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE login = $1"))
            .bind(login.trim())
            .fetch_optional(self.pool())
            .await?;
        let (account, stored) = match &row {
            Some(r) => (Some(account_from_row(r)?), text(r, "password_hash")?),
            None => (None, decoy_hash().to_owned()),
        };
        let matches = password_matches(&stored, password);
        let actor = Actor {
            id: account.as_ref().map_or_else(|| "anonymous".to_owned(), |a| a.id.to_string()),
            address: address.map(str::to_owned),
        };
        let mut w = self.writer(&actor).await?;
        let outcome = match account {
            Some(account) if matches && !account.disabled => {
                sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1").bind(&keys[0]).execute(&mut **w.tx()).await?;
                w.record("", "login", "account", account.id.as_str(), None, None);
                LoginOutcome::Success(account)
            }
            other => {
                for key in &keys {
                    self.count_failure(&mut w, key).await?;
                }
                let entity_id =
                    other.map_or_else(|| format!("login:{}", login.trim().chars().take(64).collect::<String>()), |a| a.id.to_string());
                w.record("", "login_failed", "account", &entity_id, None, None);
                LoginOutcome::Refused
            }
        };
        w.commit().await?;
        Ok(outcome)
    }

    async fn throttle_wait(&self, key: &str, now: DateTime<chrono::Utc>) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT failures, last_failure_at FROM login_failures WHERE throttle_key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let failures = int(&row, "failures")?;
        if failures < FREE_FAILURES {
            return Ok(None);
        }
        let last = parse_instant(&text(&row, "last_failure_at")?).map(|t| t.with_timezone(&chrono::Utc)).unwrap_or(now);
        let wait = 2i64.saturating_pow(u32::try_from((failures - FREE_FAILURES).min(20)).unwrap_or(20)).min(MAX_WAIT_SECS);
        let ready = last + Duration::seconds(wait);
        Ok((ready > now).then(|| (ready - now).num_seconds().max(1)))
    }

    async fn count_failure(&self, w: &mut Audited, key: &str) -> Result<()> {
        let at = w.at().to_owned();
        let done = sqlx::query("UPDATE login_failures SET failures = failures + 1, last_failure_at = $1 WHERE throttle_key = $2")
            .bind(&at)
            .bind(key)
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() == 0 {
            sqlx::query("INSERT INTO login_failures (throttle_key, failures, last_failure_at) VALUES ($1, 1, $2)")
                .bind(key)
                .bind(&at)
                .execute(&mut **w.tx())
                .await?;
        }
        Ok(())
    }

    /// Sets a new password (audited; the hash never enters the trail) and
    /// ends the account's other sessions.
    pub async fn set_password(&self, w: &mut Audited, account_id: &Id, password: &Password) -> Result<()> {
        let done = sqlx::query(
            "UPDATE accounts SET password_hash = $1, must_change_password = 0, version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(hash_password(password)?)
        .bind(w.at().to_owned())
        .bind(account_id.as_str())
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE account_id = $1").bind(account_id.as_str()).execute(&mut **w.tx()).await?;
        w.record("", "password_change", "account", account_id.as_str(), None, None);
        Ok(())
    }

    /// Checks the current password of an account (for a password change).
    pub async fn password_is(&self, account_id: &Id, candidate: &str) -> Result<bool> {
        let stored: Option<String> = sqlx::query_scalar("SELECT password_hash FROM accounts WHERE id = $1")
            .bind(account_id.as_str())
            .fetch_optional(self.pool())
            .await?;
        Ok(stored.is_some_and(|s| password_matches(&s, candidate)))
    }

    /// Starts a session; returns the cookie secret and the CSRF token.
    pub async fn create_session(&self, account_id: &Id, address: Option<&str>) -> Result<(String, String)> {
        let secret = new_secret();
        let csrf = new_secret();
        let now = crate::now_text();
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, address, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(secret_hash(&secret))
        .bind(account_id.as_str())
        .bind(&csrf)
        .bind(address.map(str::to_owned))
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok((secret, csrf))
    }

    /// The live session for a cookie secret. A session idle longer than
    /// `idle_limit` is ended and not returned; otherwise its last use is
    /// refreshed (at most once a minute, to spare the database).
    pub async fn session(&self, secret: &str, idle_limit: Duration) -> Result<Option<Session>> {
        if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let hash = secret_hash(secret);
        let row = sqlx::query(
            "SELECT a.id, a.login, a.display_name, a.person_id, a.must_change_password, a.disabled_at, a.version, s.csrf_token, s.last_seen_at
             FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let account = account_from_row(&row)?;
        let now = chrono::Utc::now();
        let last = parse_instant(&text(&row, "last_seen_at")?).map(|t| t.with_timezone(&chrono::Utc));
        let expired = last.is_none_or(|l| now - l > idle_limit);
        if expired || account.disabled {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash).execute(self.pool()).await?;
            return Ok(None);
        }
        if last.is_some_and(|l| now - l > Duration::seconds(60)) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(crate::now_text())
                .bind(&hash)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(Session { account, csrf_token: text(&row, "csrf_token")? }))
    }

    /// Ends a session (logout).
    pub async fn end_session(&self, secret: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(secret_hash(secret)).execute(self.pool()).await?;
        Ok(())
    }

    /// Issues a one-time reset link secret for an account (audited), valid 24 hours.
    pub async fn create_password_reset(&self, w: &mut Audited, account_id: &Id) -> Result<String> {
        let secret = new_secret();
        let now = chrono::Utc::now();
        sqlx::query("INSERT INTO password_resets (token_hash, account_id, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, NULL)")
            .bind(secret_hash(&secret))
            .bind(account_id.as_str())
            .bind(now.to_rfc3339())
            .bind((now + Duration::hours(RESET_HOURS)).to_rfc3339())
            .execute(&mut **w.tx())
            .await?;
        w.record("", "password_reset_issued", "account", account_id.as_str(), None, None);
        Ok(secret)
    }

    /// The account a reset link is for, if the link is unused and unexpired.
    pub async fn password_reset_account(&self, secret: &str) -> Result<Option<Account>> {
        let row = sqlx::query("SELECT account_id, expires_at, used_at FROM password_resets WHERE token_hash = $1")
            .bind(secret_hash(secret))
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let usable = opt_text(&row, "used_at")?.is_none()
            && parse_instant(&text(&row, "expires_at")?).is_some_and(|e| e.with_timezone(&chrono::Utc) > chrono::Utc::now());
        if !usable {
            return Ok(None);
        }
        self.account(&Id::from_stored(text(&row, "account_id")?)).await
    }

    /// Uses a reset link once to set a new password.
    pub async fn complete_password_reset(&self, secret: &str, password: &Password, address: Option<&str>) -> Result<Account> {
        let account = self.password_reset_account(secret).await?.ok_or(StoreError::NotFound)?;
        let actor = Actor { id: account.id.to_string(), address: address.map(str::to_owned) };
        let mut w = self.writer(&actor).await?;
        let done = sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
            .bind(w.at().to_owned())
            .bind(secret_hash(secret))
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        self.set_password(&mut w, &account.id, password).await?;
        w.commit().await?;
        Ok(account)
    }

    /// Creates an API token; the secret is returned once and stored hashed.
    pub async fn create_api_token(
        &self,
        w: &mut Audited,
        account_id: &Id,
        name: Name,
        org_id: &Id,
        scope: TokenScope,
    ) -> Result<(ApiToken, String)> {
        let secret = format!("cx_{}", new_secret());
        let token = ApiToken {
            id: Id::generate(),
            account_id: account_id.clone(),
            name,
            org_id: org_id.clone(),
            scope,
            created_at: w.at().to_owned(),
            revoked_at: None,
        };
        sqlx::query("INSERT INTO api_tokens (id, account_id, name, token_hash, org_id, scope, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)")
            .bind(token.id.as_str())
            .bind(account_id.as_str())
            .bind(token.name.as_str())
            .bind(secret_hash(&secret))
            .bind(org_id.as_str())
            .bind(scope.code())
            .bind(&token.created_at)
            .execute(&mut **w.tx())
            .await?;
        w.record("", "create", "api_token", token.id.as_str(), None, serde_json::to_value(&token).ok());
        Ok((token, secret))
    }

    pub async fn api_tokens_of(&self, account_id: &Id) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, account_id, name, org_id, scope, created_at, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY created_at",
        )
        .bind(account_id.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes a token of `account_id` (audited).
    pub async fn revoke_api_token(&self, w: &mut Audited, account_id: &Id, token_id: &Id) -> Result<()> {
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL")
            .bind(w.at().to_owned())
            .bind(token_id.as_str())
            .bind(account_id.as_str())
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        w.record("", "revoke", "api_token", token_id.as_str(), None, None);
        Ok(())
    }

    /// The account and token for a bearer secret, if it is live.
    pub async fn api_token_by_secret(&self, secret: &str) -> Result<Option<(Account, ApiToken)>> {
        let row = sqlx::query("SELECT id, account_id, name, org_id, scope, created_at, revoked_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(secret_hash(secret))
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let token = token_from_row(&row)?;
        match self.account(&token.account_id).await? {
            Some(account) if !account.disabled => Ok(Some((account, token))),
            _ => Ok(None),
        }
    }
}
