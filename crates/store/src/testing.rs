//! Test support shared by the crates' test suites: a fresh database per
//! test, SQLite in a temporary directory by default, or a new PostgreSQL
//! database on the server named by `CHANGXIAO_TEST_DATABASE_URL`, dropped by
//! [`TestDb::cleanup`].

use crate::{PiiKeys, Result, Store};
use std::path::Path;

/// A store on its own fresh database.
pub struct TestDb {
    pub store: Store,
    pub dir: tempfile::TempDir,
    pg_url: Option<String>,
}

impl TestDb {
    /// Creates and migrates a fresh database on the backend the environment asks for.
    pub async fn new() -> Result<Self> {
        let db = Self::empty().await?;
        db.store.migrate().await?;
        Ok(db)
    }

    /// Creates a fresh database without migrating it (for tests that lay
    /// down an older schema by hand).
    pub async fn empty() -> Result<Self> {
        let dir = tempfile::tempdir().map_err(|e| crate::StoreError::Setup(e.to_string()))?;
        let keys = PiiKeys::from_hex(&"5a".repeat(64), "test")?;
        let (url, pg_url) = match postgres_base() {
            Some(server) => {
                let url = format!("{server}/changxiao_test_{}", domain::Id::generate());
                (url.clone(), Some(url))
            }
            None => (crate::sqlite_url(dir.path()), None),
        };
        let store = Store::connect(&url, keys).await?;
        Ok(TestDb { store, dir, pg_url })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The PostgreSQL URL of this test's database, or "" on SQLite.
    pub fn url(&self) -> &str {
        self.pg_url.as_deref().unwrap_or_default()
    }

    pub fn is_postgres(&self) -> bool {
        self.pg_url.is_some()
    }

    /// Closes the store and drops the PostgreSQL database, if any.
    pub async fn cleanup(self) -> Result<()> {
        // A test that still holds a writer must not hang the suite; the
        // PostgreSQL database is dropped WITH (FORCE) either way.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), self.store.close()).await;
        if let Some(url) = &self.pg_url {
            crate::drop_postgres_database(url).await?;
        }
        Ok(())
    }
}

/// The server part of `CHANGXIAO_TEST_DATABASE_URL` (without a database name).
pub fn postgres_base() -> Option<String> {
    let url = std::env::var("CHANGXIAO_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let without_db = match url.find("://") {
        Some(scheme) => match url[scheme + 3..].find('/') {
            Some(slash) => url[..scheme + 3 + slash].to_owned(),
            None => url.clone(),
        },
        None => url.clone(),
    };
    Some(without_db)
}
