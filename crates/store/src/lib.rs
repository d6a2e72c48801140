//! Persistence for Changxiao: one schema served by SQLite (the embedded
//! default, one file in the data directory) and PostgreSQL (the server
//! backend), chosen by the database URL.
//!
//! All writes go through [`Store::writer`], which opens the right kind of
//! transaction for the backend and hands out an [`audit::Audited`] writer so
//! that no change is stored without its audit entry.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod activities;
pub mod activity_import;
pub mod attachments;
pub mod audit;
pub mod audit_scope;
pub mod birthdays;
pub mod chain;
pub mod dump;
pub mod evaluation;
pub mod feeds;
pub mod heads;
pub mod idempotency;
pub mod import;
pub mod obligations;
pub mod orgs;
pub mod outbox;
pub mod people;
pub mod pii;
pub mod problems;
pub mod requirements;
pub mod research;
mod rows;
pub mod schema;
pub mod sealing;
pub mod setup;
#[cfg(feature = "testing")]
pub mod testing;
pub mod trail;
pub mod uploads;

use chrono::{DateTime, FixedOffset, Utc};
use domain::Message;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Connection, Executor};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use audit::{Actor, Audited};
pub use pii::PiiKeys;

/// Which database engine is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Errors of the storage layer, each with a stable meaning for the layers
/// above. The first four are the caller's to fix and carry what the reader
/// is told ([`StoreError::message`]); the others are failures of this
/// installation, logged with their cause and reported without details.
/// `Display` is for logs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("the record was changed by someone else (version {current} is current)")]
    Conflict { current: i64 },
    #[error("{0}")]
    Invalid(domain::FieldError),
    /// A rule the request breaks that is not about one field.
    #[error("{0}")]
    Rule(Message),
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Keys(#[from] pii::KeyError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// Reading or writing the attachment files beside the database.
    #[error("attachment files: {0}")]
    Files(std::io::Error),
    /// The installation cannot do what was asked: a directory that cannot
    /// be created, a database name the server cannot hold, a failing
    /// password hash.
    #[error("{0}")]
    Setup(String),
}

impl StoreError {
    /// A rule broken by the request, with no arguments.
    pub fn rule(id: &'static str) -> Self {
        StoreError::Rule(Message::new(id))
    }

    /// Whether the database is out of reach or out of connections, so that
    /// the same request may well succeed a little later.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed)
        )
    }

    /// Whether this is a failure of the installation rather than of the
    /// request: not found, conflicts and broken rules are the request's.
    pub fn is_internal(&self) -> bool {
        !matches!(self, StoreError::NotFound | StoreError::Conflict { .. } | StoreError::Invalid(_) | StoreError::Rule(_))
    }
}

/// A value of `field` that breaks `rule`.
pub(crate) fn invalid(field: domain::Field, rule: Message, value: &str) -> StoreError {
    StoreError::Invalid(domain::FieldError::rule(field, rule, value))
}

/// A value of `field` that breaks the rule `id` (a message without arguments).
pub(crate) fn broken(field: domain::Field, id: &'static str, value: &str) -> StoreError {
    invalid(field, Message::new(id), value)
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The handle to the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    keys: PiiKeys,
    audit_enabled: bool,
    /// SQLite lets one transaction write at a time. The writers of this
    /// process wait for their turn here, first come first served, before
    /// `BEGIN IMMEDIATE`, rather than in SQLite's busy handler, which polls
    /// with sleeps of up to 100 ms (docs/BENCHMARKS.md, "Recording
    /// throughput"). Other processes (the command line) still meet this one
    /// through `busy_timeout`.
    write_turns: Arc<tokio::sync::Mutex<()>>,
}

/// The SQLite URL of the default database in a data directory.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("changxiao.db").display())
}

impl Store {
    /// Connects to the database named by `url`, creating it if missing
    /// (the SQLite file, or the PostgreSQL database on its server).
    pub async fn connect(url: &str, keys: PiiKeys) -> Result<Self> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let pool = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') { url.to_owned() } else { format!("{url}?mode=rwc") };
                let file = url.trim_start_matches("sqlite://").split('?').next().unwrap_or_default().to_owned();
                if let Some(parent) = Path::new(&file).parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent).map_err(|e| StoreError::Setup(format!("cannot create {}: {e}", parent.display())))?;
                }
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            // A page cache of up to 64 MiB (the default is 2 MiB), so that
                            // large imports do not re-read evicted pages from the file.
                            conn.execute("PRAGMA cache_size = -65536").await?;
                            // Statement journals and sorts in memory: a multi-row
                            // insert inside a transaction otherwise created and
                            // deleted a temporary file (one per recorded activity).
                            conn.execute("PRAGMA temp_store = MEMORY").await?;
                            // Checkpoint the WAL every 10,000 pages (40 MiB) instead
                            // of 1,000: a recorded activity appends about a hundred
                            // pages, so the default copied them back about every tenth
                            // write, inside that write's commit (docs/BENCHMARKS.md,
                            // "Recording throughput").
                            conn.execute("PRAGMA wal_autocheckpoint = 10000").await?;
                            Ok(())
                        })
                    })
                    // A write whose request is dropped between SQLite's `BEGIN
                    // IMMEDIATE` and the creation of its transaction (a client
                    // hanging up at that moment) would come back to the pool
                    // still inside the transaction, holding the write lock for
                    // good: every later write failed with "database is locked".
                    // Such a connection is closed (which rolls it back) instead
                    // of being reused. A rollback started by a dropped
                    // transaction may still be queued: the ping waits for it.
                    .after_release(|conn, _| {
                        Box::pin(async move {
                            if conn.is_in_transaction() {
                                conn.ping().await?;
                            }
                            Ok(!conn.is_in_transaction())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => {
                create_postgres_database_if_missing(url).await?;
                AnyPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(30)).connect(url).await?
            }
        };
        Ok(Store { pool, backend, keys, audit_enabled: true, write_turns: Arc::new(tokio::sync::Mutex::new(())) })
    }

    /// The same store with the audit trail switched off. Only for measuring
    /// what auditing costs (the benchmarks); nothing in the product calls it.
    pub fn without_audit_for_benchmarks(&self) -> Store {
        Store { audit_enabled: false, ..self.clone() }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn keys(&self) -> &PiiKeys {
        &self.keys
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies every migration not yet applied, in order, each in its own
    /// transaction. Returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        self.pool
            .execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            .await?;
        let mut applied = Vec::new();
        for migration in schema::MIGRATIONS {
            let mut tx = self.begin().await?;
            let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(migration.version)
                .fetch_optional(&mut *tx)
                .await?;
            if done.is_some() {
                continue;
            }
            for statement in migration.statements {
                tx.execute(schema::render(statement, self.backend).as_str()).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(migration.version)
                .bind(migration.name)
                .bind(now_text())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            applied.push(migration.version);
        }
        Ok(applied)
    }

    /// Begins a write transaction: IMMEDIATE on SQLite, so that concurrent
    /// writers queue for the lock instead of failing with "database is locked".
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Opens a write transaction with an audited writer. Changes are kept
    /// only if [`Audited::commit`] is called; dropping the writer rolls back.
    pub async fn writer(&self, actor: &Actor) -> Result<Audited> {
        let turn = match self.backend {
            Backend::Sqlite => Some(self.write_turns.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.begin().await?;
        Ok(Audited::new(tx, actor.clone(), self.backend, self.audit_enabled, self.keys.clone(), turn))
    }

    /// Refreshes the query planner's statistics after a large load (the
    /// demo, an import), so that the first queries after it use the indexes
    /// even where the server does not analyze tables by itself.
    pub async fn refresh_statistics(&self) -> Result<()> {
        let statement = match self.backend {
            Backend::Sqlite => "PRAGMA optimize",
            Backend::Postgres => "ANALYZE",
        };
        self.pool.execute(statement).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn create_postgres_database_if_missing(url: &str) -> Result<()> {
    let Some((server, rest)) = url.rsplit_once('/') else {
        return Err(StoreError::UnsupportedUrl(redact(url)));
    };
    let (name, query) = rest.split_once('?').map_or((rest, ""), |(n, q)| (n, q));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(StoreError::Setup(format!("database name '{name}' must be letters, digits, '_' or '-'")));
    }
    let maintenance = if query.is_empty() { format!("{server}/postgres") } else { format!("{server}/postgres?{query}") };
    let pool = AnyPoolOptions::new().max_connections(1).connect(&maintenance).await?;
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM pg_database WHERE datname = $1").bind(name).fetch_optional(&pool).await?;
    if exists.is_none() {
        let created = pool.execute(format!("CREATE DATABASE \"{name}\"").as_str()).await;
        // Another process may have created it in the meantime.
        if let Err(e) = created
            && !e.to_string().contains("already exists")
        {
            return Err(e.into());
        }
    }
    pool.close().await;
    Ok(())
}

/// Drops a PostgreSQL database (for tests and the demo's own database).
pub async fn drop_postgres_database(url: &str) -> Result<()> {
    install_default_drivers();
    let Some((server, name)) = url.rsplit_once('/') else {
        return Err(StoreError::UnsupportedUrl(redact(url)));
    };
    let name = name.split('?').next().unwrap_or_default();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(StoreError::Setup(format!("database name '{name}' must be letters, digits, '_' or '-'")));
    }
    let pool = AnyPoolOptions::new().max_connections(1).connect(&format!("{server}/postgres")).await?;
    pool.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await?;
    pool.close().await;
    Ok(())
}

/// A URL with any password replaced, safe to print.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The current instant in China Standard Time, RFC 3339.
pub fn now_text() -> String {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!());
    let now: DateTime<FixedOffset> = Utc::now().with_timezone(&offset);
    now.to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(super::redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    async fn sqlite_store(dir: &std::path::Path) -> super::Store {
        let keys = super::PiiKeys::from_hex(&"5a".repeat(64), "test").unwrap();
        let store = super::Store::connect(&super::sqlite_url(dir), keys).await.unwrap();
        store.migrate().await.unwrap();
        store
    }

    /// What a request dropped just after SQLite's `BEGIN IMMEDIATE` leaves
    /// behind: a pooled connection inside a transaction that nothing will end.
    #[tokio::test]
    async fn a_connection_left_inside_a_transaction_does_not_lock_out_writers() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(dir.path()).await;
        let mut conn = store.pool.acquire().await.unwrap();
        let abandoned = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await.unwrap();
        std::mem::forget(abandoned);
        drop(conn);
        let actor = super::Actor::system("test");
        for _ in 0..10 {
            // Well within the 10 s busy timeout: the lock must be free, on whichever connection.
            let w = tokio::time::timeout(std::time::Duration::from_secs(5), store.writer(&actor)).await.unwrap().unwrap();
            w.commit().await.unwrap();
        }
    }

    /// Writers waiting for SQLite's single write lock hold no connection, so
    /// reads (page views, token look-ups) go on meanwhile.
    #[tokio::test]
    async fn reads_go_on_while_writers_wait_for_their_turn() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(dir.path()).await;
        let actor = super::Actor::system("test");
        let first = store.writer(&actor).await.unwrap();
        let waiting: Vec<_> = (0..20)
            .map(|_| {
                let (store, actor) = (store.clone(), actor.clone());
                tokio::spawn(async move { store.writer(&actor).await.unwrap().commit().await.unwrap() })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let read = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM schema_migrations").fetch_one(&store.pool);
        let migrations = tokio::time::timeout(std::time::Duration::from_secs(5), read).await.unwrap().unwrap();
        assert!(migrations > 0);
        assert!(waiting.iter().all(|w| !w.is_finished()), "the writers wait for the first one");
        first.commit().await.unwrap();
        for w in waiting {
            tokio::time::timeout(std::time::Duration::from_secs(5), w).await.unwrap().unwrap();
        }
    }
}
