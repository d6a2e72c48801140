//! A fresh database per test, and what tests do to it around the store: a
//! statement run directly (to age a session or tamper with the audit
//! trail, as someone with database access would), the schema of an earlier
//! release laid down by hand, and the field a refused write names.

use domain::Field;
use store::{StoreError, schema};

/// A store on its own fresh database: SQLite in a temporary directory, or a
/// new PostgreSQL database when `CHANGXIAO_TEST_DATABASE_URL` is set,
/// dropped by `cleanup`.
pub use store::testing::TestDb;

/// The URL that reaches the test's database from outside the store.
pub fn url(db: &TestDb) -> String {
    if db.is_postgres() { db.url().to_owned() } else { store::sqlite_url(db.path()) }
}

/// Runs one SQL statement on the test's database, with text parameters,
/// around the store.
pub async fn execute(db: &TestDb, statement: &str, params: &[&str]) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url(db)).await.unwrap();
    let mut query = sqlx::query(statement);
    for p in params {
        query = query.bind(*p);
    }
    query.execute(&pool).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    pool.close().await;
}

/// A fresh database holding the schema as the first `migrations` migrations
/// left it, recorded as applied, for a later `migrate` to bring up to date.
pub async fn with_first_migrations(migrations: usize) -> TestDb {
    let db = TestDb::empty().await.unwrap();
    let backend = db.store.backend();
    execute(&db, "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)", &[])
        .await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url(&db)).await.unwrap();
    for m in &schema::MIGRATIONS[..migrations] {
        for statement in m.statements {
            sqlx::query(&schema::render(statement, backend)).execute(&pool).await.unwrap();
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, '2026-01-01T00:00:00+08:00')")
            .bind(m.version)
            .bind(m.name)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    db
}

/// The field a refused write names; panics unless it was refused as invalid.
pub fn field_of<T: std::fmt::Debug>(result: Result<T, StoreError>) -> Field {
    match result {
        Err(StoreError::Invalid(e)) => e.field,
        other => panic!("expected a field error, got {other:?}"),
    }
}
