//! Small helpers for reading and writing rows through the `Any` driver:
//! typed column access with clear errors, and chunked multi-row inserts that
//! stay under SQLite's limit of 32,766 bound parameters.

use crate::{Result, StoreError};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A value to bind: text (possibly NULL) or an integer.
#[derive(Clone, Debug)]
pub enum Value {
    Text(Option<String>),
    Int(i64),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(Some(s))
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(Some(s.to_owned()))
    }
}
impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        Value::Text(s)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

/// The most parameters bound to one multi-row insert. SQLite accepts 32,766
/// and PostgreSQL 65,535; beyond a few thousand, larger statements no longer
/// save time (see docs/BENCHMARKS.md).
const MAX_PARAMS: usize = 2_000;

/// How many values to put in one `IN (…)` list of bound parameters when
/// looking up many rows. On SQLite numbered placeholders cost time quadratic
/// in their number (see [`insert_rows`]), so lists stay short; PostgreSQL
/// often answers a long list with one sequential scan, which short lists
/// would repeat many times.
pub(crate) fn in_list_size(backend: crate::Backend) -> usize {
    match backend {
        crate::Backend::Sqlite => 500,
        crate::Backend::Postgres => 10_000,
    }
}

/// Inserts `rows` into `table`, as few statements as the parameter limit allows.
///
/// On SQLite the placeholders are anonymous (`?`): sqlx-sqlite resolves a
/// numbered placeholder (`$N`) by looking its name up among all the
/// statement's parameter names, which makes binding a wide statement
/// quadratic in its number of parameters.
pub async fn insert_rows(tx: &mut Transaction<'static, Any>, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let anonymous = tx.backend_name().eq_ignore_ascii_case("sqlite");
    let per_chunk = (MAX_PARAMS / columns.len()).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_chunk).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            if row.len() != columns.len() {
                return Err(StoreError::Corrupt(format!("row of {} values for {} columns of {table}", row.len(), columns.len())));
            }
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..row.len() {
                n += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                if anonymous {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for value in chunk.into_iter().flatten() {
            query = match value {
                Value::Text(t) => query.bind(t),
                Value::Int(n) => query.bind(n),
            };
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Typed access to a column, naming the column when the stored value is off.
pub fn text(row: &AnyRow, column: &str) -> Result<String> {
    row.try_get::<String, _>(column).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

pub fn opt_text(row: &AnyRow, column: &str) -> Result<Option<String>> {
    row.try_get::<Option<String>, _>(column).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

pub fn int(row: &AnyRow, column: &str) -> Result<i64> {
    row.try_get::<i64, _>(column).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// Parses a stored code or date, reporting the column if it does not parse.
pub fn parsed<T, E>(row: &AnyRow, column: &str, parse: impl FnOnce(&str) -> std::result::Result<T, E>) -> Result<T> {
    let raw = text(row, column)?;
    parse(&raw).map_err(|_| StoreError::Corrupt(format!("{column}: unreadable value")))
}

pub fn opt_parsed<T, E>(row: &AnyRow, column: &str, parse: impl FnOnce(&str) -> std::result::Result<T, E>) -> Result<Option<T>> {
    match opt_text(row, column)? {
        None => Ok(None),
        Some(raw) => parse(&raw).map(Some).map_err(|_| StoreError::Corrupt(format!("{column}: unreadable value"))),
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
