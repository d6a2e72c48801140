//! Upgrades lose nothing: a database written by the previous release (its
//! demo county, built by its own binary) is migrated by this release's
//! `changxiao migrate`, and then every table, every column and every row it
//! held is still there with the same values (new tables, columns and rows
//! may appear), the audit trail is the same row for row, `audit verify`
//! passes, `evaluate` runs, and a second `migrate` changes nothing. The files
//! beside the database (keys, attachments) are left byte for byte.
//!
//! The previous release is the commit in `.ci/previous-release`;
//! `.ci/previous-release.sh` builds its binary and prints the path, which the
//! test takes from `CHANGXIAO_PREVIOUS_BIN` (`.ci/run` always sets it).
//! Without it the tests say they were skipped and pass. SQLite runs always;
//! PostgreSQL when `CHANGXIAO_TEST_DATABASE_URL` names a server, in a fresh
//! database dropped at the end.
//!
//! The database is read by introspection (`sqlite_master`,
//! `information_schema`), never through this release's list of tables, so
//! a table this release no longer knows is still compared. A migration that
//! rewrites stored values on purpose declares it in [`EXPECTED_REWRITES`].
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use testkit::TODAY;
use testkit::cli::{Cli, DataDir, Ran, block_on};

/// A value as the database holds it: its kind (SQLite's storage class of the
/// value, PostgreSQL's type of the column) and its text. A BIGINT 42 and a
/// TEXT '42' are different values.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Null,
    Integer(i64),
    Real(String),
    Text(String),
    /// Bytes in lowercase hex.
    Blob(String),
    /// Any other PostgreSQL type, by name, with its text form.
    Other(String, String),
}

/// One row of the previous release's database, for a rewrite to read.
struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
}

impl Row<'_> {
    /// The value of `column` in this row (panics on a column the table does not have).
    fn get(&self, column: &str) -> &Value {
        let i = self.columns.iter().position(|c| c == column);
        &self.values[i.unwrap_or_else(|| panic!("a rewrite reads column {column}, which the table does not have"))]
    }
}

/// A value that a migration since the previous release rewrites on purpose:
/// in every row of `table`, `column` becomes `to(previous row)`.
struct Rewrite {
    /// The migration (version and name) that rewrites the value, and why.
    migration: &'static str,
    table: &'static str,
    column: &'static str,
    to: fn(&Row<'_>) -> Value,
}

/// Every stored value that this release's migrations rewrite on purpose;
/// any other change to a value that existed before is a loss and fails the
/// test. Empty: no migration since the previous release rewrites anything.
///
/// A migration that must rewrite values adds an entry in the same change,
/// for example (version 6 turning 'branch' into 'party_branch'):
///
/// ```text
/// Rewrite {
///     migration: "6 organization kinds renamed: 'branch' is 'party_branch' (issue …)",
///     table: "organizations",
///     column: "kind",
///     to: |row| match row.get("kind") {
///         Value::Text(k) if k == "branch" => Value::Text("party_branch".into()),
///         other => other.clone(),
///     },
/// },
/// ```
///
/// When the previous release is bumped past that migration, its entry goes
/// (the previous release's database then already holds the new values).
/// The audit trail is never rewritten: an entry naming an audit table fails.
/// Dropping a table or a column cannot be declared here: it fails the test,
/// and changing that is a change of this test, to be reviewed as such.
const EXPECTED_REWRITES: &[Rewrite] = &[];

/// The tables of the audit trail (`audit_log`, `audit_anchors`, and any
/// later `audit_*` table): identical row for row after an upgrade, no row
/// added or removed; a column added to them must be NULL on every old row.
fn is_audit_table(table: &str) -> bool {
    table.starts_with("audit_")
}

/// One table: its columns in their order, the columns of its primary key
/// (empty: the whole row identifies it), and its rows, sorted.
#[derive(Debug, PartialEq, Eq)]
struct Table {
    columns: Vec<String>,
    key: Vec<String>,
    rows: Vec<Vec<Value>>,
}

/// Everything the database and the data directory held at one moment.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    tables: BTreeMap<String, Table>,
    /// Every file of the data directory but the SQLite database itself, by path.
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Snapshot {
    fn rows(&self) -> usize {
        self.tables.values().map(|t| t.rows.len()).sum()
    }
}

/// Where one upgrade runs: a data directory and, on PostgreSQL, its own
/// database (dropped when the test ends, also when it fails).
type Place = DataDir;

/// Runs `bin` with `args` on this place's data (`--data-dir`, `--database-url`, `--today`).
fn run(place: &Place, bin: &Path, args: &[&str]) -> Ran {
    Cli::new(bin).on(place).run(args)
}

/// Everything the place's database and data directory hold now.
fn snapshot(place: &Place) -> Snapshot {
    let url = match place.database_url() {
        Some(url) => url.to_owned(),
        None => format!("{}?mode=rw", store::sqlite_url(place.path())),
    };
    let tables = block_on(read_tables(&url));
    let mut files = BTreeMap::new();
    read_files(place.path(), place.path(), &mut files);
    Snapshot { tables, files }
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// The previous release's binary, from `CHANGXIAO_PREVIOUS_BIN`; None (the
/// test is skipped) when the variable is unset.
fn previous_release(test: &str) -> Option<PathBuf> {
    let Some(bin) = std::env::var_os("CHANGXIAO_PREVIOUS_BIN").filter(|v| !v.is_empty()) else {
        println!("{test}: skipped: set CHANGXIAO_PREVIOUS_BIN to the binary printed by .ci/previous-release.sh");
        return None;
    };
    let bin = PathBuf::from(bin);
    assert!(bin.is_file(), "CHANGXIAO_PREVIOUS_BIN={} is not a file", bin.display());
    // The script names the binary after its commit: it must be the one in
    // .ci/previous-release, not a leftover from before a bump.
    let listed = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/previous-release")).unwrap();
    let commit = listed.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap();
    if let Some(built) = bin.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_prefix("changxiao-")) {
        assert_eq!(built, commit, "CHANGXIAO_PREVIOUS_BIN was built from {built}, but .ci/previous-release names {commit}");
    }
    Some(bin)
}

/// Every table of the database with every column and row, found by introspection.
async fn read_tables(url: &str) -> BTreeMap<String, Table> {
    use sqlx::Row as _;
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(url).await.unwrap();
    let sqlite = url.starts_with("sqlite:");
    // SQLite's own statistics tables (sqlite_stat1, sqlite_stat4) are
    // rewritten by ANALYZE and PRAGMA optimize at will; they hold no records.
    let names: Vec<String> = if sqlite {
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name")
            .fetch_all(&pool)
            .await
            .unwrap()
    } else {
        sqlx::query_scalar(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let mut tables = BTreeMap::new();
    for name in names {
        // (column, PostgreSQL type or "" on SQLite), in the table's order; the primary key's columns in its order.
        let (columns, key): (Vec<(String, String)>, Vec<String>) = if sqlite {
            let columns = sqlx::query("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&pool)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get::<String, _>(0), String::new()))
                .collect();
            let key = sqlx::query_scalar("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk")
                .bind(&name)
                .fetch_all(&pool)
                .await
                .unwrap();
            (columns, key)
        } else {
            let columns = sqlx::query(
                "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(&name)
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect();
            let key = sqlx::query_scalar(
                "SELECT CAST(k.column_name AS TEXT) FROM information_schema.table_constraints c
                 JOIN information_schema.key_column_usage k
                   ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
                 WHERE c.table_schema = current_schema() AND c.table_name = $1 AND c.constraint_type = 'PRIMARY KEY'
                 ORDER BY k.ordinal_position",
            )
            .bind(&name)
            .fetch_all(&pool)
            .await
            .unwrap();
            (columns, key)
        };
        // Every value as (kind, text): one query per table, decoded as text on both backends.
        let select: Vec<String> = columns
            .iter()
            .map(|(c, ty)| {
                let c = quoted(c);
                match (sqlite, ty.as_str()) {
                    (true, _) => format!("typeof({c}), CASE typeof({c}) WHEN 'blob' THEN hex({c}) ELSE CAST({c} AS TEXT) END"),
                    (false, "bytea") => format!("'{ty}', encode({c}, 'hex')"),
                    (false, _) => format!("'{ty}', CAST({c} AS TEXT)"),
                }
            })
            .collect();
        let sql = format!("SELECT {} FROM {}", select.join(", "), quoted(&name));
        let mut rows: Vec<Vec<Value>> = sqlx::query(&sql)
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (0..columns.len())
                    .map(|i| {
                        let kind: String = r.get(2 * i);
                        let text: Option<String> = r.get(2 * i + 1);
                        value(&kind, text, &name, &columns[i].0)
                    })
                    .collect()
            })
            .collect();
        rows.sort();
        tables.insert(name, Table { columns: columns.into_iter().map(|(c, _)| c).collect(), key, rows });
    }
    pool.close().await;
    tables
}

/// A value from its kind (SQLite's `typeof`, or the PostgreSQL column type) and its text.
fn value(kind: &str, text: Option<String>, table: &str, column: &str) -> Value {
    let Some(text) = text else { return Value::Null };
    match kind {
        "integer" | "bigint" | "smallint" => {
            Value::Integer(text.parse().unwrap_or_else(|e| panic!("{table}.{column}: integer {text:?} does not parse: {e}")))
        }
        "real" | "double precision" | "numeric" => Value::Real(text),
        "text" | "character varying" | "character" => Value::Text(text),
        "blob" | "bytea" => Value::Blob(text.to_ascii_lowercase()),
        "null" => Value::Null,
        other => Value::Other(other.to_owned(), text),
    }
}

/// Every file under `dir` but the SQLite database (compared row by row).
fn read_files(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_files(root, &path, out);
            continue;
        }
        let relative = path.strip_prefix(root).unwrap().to_path_buf();
        if relative.to_str().is_some_and(|p| ["changxiao.db", "changxiao.db-wal", "changxiao.db-shm"].contains(&p)) {
            continue;
        }
        out.insert(relative, std::fs::read(&path).unwrap());
    }
}

/// What `after` lost or changed of `before`, one sentence each. After an
/// upgrade (`upgrade`), new tables, new columns and new rows are allowed,
/// except in the audit trail, and `rewrites` say which values change;
/// otherwise `after` must equal `before` exactly.
fn differences(before: &Snapshot, after: &Snapshot, rewrites: &[Rewrite], upgrade: bool) -> Vec<String> {
    let mut found = Vec::new();
    for (name, old) in &before.tables {
        let Some(new) = after.tables.get(name) else {
            found.push(format!("table {name} is gone (it had {} rows)", old.rows.len()));
            continue;
        };
        // Where each old column is in the new table.
        let mut at = Vec::with_capacity(old.columns.len());
        for column in &old.columns {
            match new.columns.iter().position(|c| c == column) {
                Some(i) => at.push(i),
                None => found.push(format!("column {name}.{column} is gone")),
            }
        }
        if at.len() < old.columns.len() {
            continue;
        }
        let added_columns: Vec<usize> = (0..new.columns.len()).filter(|i| !at.contains(i)).collect();
        if !upgrade && !added_columns.is_empty() {
            found.push(format!("table {name} has new columns {:?}", added_columns.iter().map(|&i| &new.columns[i]).collect::<Vec<_>>()));
        }
        let mine: Vec<&Rewrite> = rewrites.iter().filter(|r| r.table == name).collect();
        let key: Vec<usize> = if old.key.is_empty() {
            (0..old.columns.len()).collect()
        } else {
            old.key.iter().map(|k| old.columns.iter().position(|c| c == k).unwrap()).collect()
        };
        let project = |row: &Vec<Value>| at.iter().map(|&i| row[i].clone()).collect::<Vec<_>>();
        let mut by_key: BTreeMap<Vec<Value>, Vec<usize>> = BTreeMap::new();
        for (n, row) in new.rows.iter().enumerate() {
            by_key.entry(key.iter().map(|&k| row[at[k]].clone()).collect()).or_default().push(n);
        }
        let mut kept = vec![false; new.rows.len()];
        for row in &old.rows {
            let mut expected = row.clone();
            for r in &mine {
                let i = old.columns.iter().position(|c| c == r.column).unwrap();
                expected[i] = (r.to)(&Row { columns: &old.columns, values: row });
            }
            let id: Vec<Value> = key.iter().map(|&k| expected[k].clone()).collect();
            let candidates = by_key.get(&id).map(Vec::as_slice).unwrap_or_default();
            if let Some(&n) = candidates.iter().find(|&&n| !kept[n] && project(&new.rows[n]) == expected) {
                kept[n] = true;
                if is_audit_table(name) && upgrade {
                    for &i in &added_columns {
                        if new.rows[n][i] != Value::Null {
                            found.push(format!("audit table {name}: new column {} is set on an old entry {id:?}", new.columns[i]));
                        }
                    }
                }
                continue;
            }
            let which = key.iter().map(|&k| format!("{}={:?}", old.columns[k], expected[k])).collect::<Vec<_>>().join(", ");
            // One row left under the same key: name what changed in it.
            let unmatched: Vec<usize> = candidates.iter().copied().filter(|&n| !kept[n]).collect();
            match unmatched.as_slice() {
                [n] => {
                    // Reported here, not again as a new row.
                    kept[*n] = true;
                    let now = project(&new.rows[*n]);
                    for (i, column) in old.columns.iter().enumerate() {
                        if now[i] != expected[i] {
                            let told =
                                if expected[i] == row[i] { String::new() } else { format!(", {:?} by a declared rewrite", expected[i]) };
                            found.push(format!("{name} ({which}): {column} was {:?}{told}, is now {:?}", row[i], now[i]));
                        }
                    }
                }
                _ => found.push(format!("{name} ({which}): the row is gone: {expected:?}")),
            }
        }
        let added: Vec<&Vec<Value>> = new.rows.iter().zip(&kept).filter(|(_, k)| !**k).map(|(r, _)| r).collect();
        if let Some(first) = added.first()
            && (!upgrade || is_audit_table(name))
        {
            found.push(format!("table {name} has {} new rows, the first {first:?}", added.len()));
        }
    }
    if !upgrade {
        for name in after.tables.keys().filter(|t| !before.tables.contains_key(*t)) {
            found.push(format!("table {name} is new"));
        }
    }
    for (path, bytes) in &before.files {
        match after.files.get(path) {
            None => found.push(format!("file {} is gone", path.display())),
            Some(now) if now != bytes => found.push(format!("file {} changed", path.display())),
            Some(_) => {}
        }
    }
    if !upgrade {
        for path in after.files.keys().filter(|p| !before.files.contains_key(*p)) {
            found.push(format!("file {} is new", path.display()));
        }
    }
    found
}

/// Panics listing the first differences, if any.
fn assert_none(what: &str, found: &[String]) {
    if !found.is_empty() {
        let shown = found.iter().take(40).map(|f| format!("  {f}")).collect::<Vec<_>>().join("\n");
        let more = if found.len() > 40 { format!("\n  … and {} more", found.len() - 40) } else { String::new() };
        panic!("{what}: {} differences\n{shown}{more}", found.len());
    }
}

/// The whole check on one place: the previous release's demo, this
/// release's migrations, the comparisons, `audit verify` and `evaluate`.
fn upgrade_keeps_everything(previous: &Path, place: &Place) {
    let current = Path::new(env!("CARGO_BIN_EXE_changxiao"));
    let step = Instant::now();
    let out = run(place, previous, &["demo", "--no-serve"]);
    assert!(out.success(), "the previous release's demo failed: {}", out.stderr);
    eprintln!("previous release's demo built in {:.1?}", step.elapsed());

    let step = Instant::now();
    let before = snapshot(place);
    eprintln!("snapshot of {} tables, {} rows, {} files in {:.1?}", before.tables.len(), before.rows(), before.files.len(), step.elapsed());
    // A snapshot that saw nothing would make every comparison pass.
    assert!(before.rows() > 10_000, "the previous release's demo holds only {} rows", before.rows());
    assert!(
        before.tables.iter().any(|(name, t)| is_audit_table(name) && !t.rows.is_empty()),
        "no audit table with entries in {:?}",
        before.tables.keys()
    );
    assert!(before.files.keys().any(|p| p.starts_with("attachments")), "the demo wrote no attachment files");

    for r in EXPECTED_REWRITES {
        assert!(!is_audit_table(r.table), "{}: the audit trail is never rewritten ({})", r.migration, r.table);
        let known = before.tables.get(r.table).is_some_and(|t| t.columns.iter().any(|c| c == r.column));
        assert!(known, "{}: the previous release has no column {}.{}", r.migration, r.table, r.column);
    }

    let step = Instant::now();
    let out = run(place, current, &["migrate"]);
    assert!(out.success(), "this release's migrate failed: {}", out.stderr);
    eprintln!("migrate: {} in {:.1?}", out.stdout.trim(), step.elapsed());
    let after = snapshot(place);
    assert_none("the upgrade lost or changed records", &differences(&before, &after, EXPECTED_REWRITES, true));
    drop(before);

    let out = run(place, current, &["migrate"]);
    assert!(out.success(), "the second migrate failed: {}", out.stderr);
    let again = snapshot(place);
    assert_none("a second migrate changed the database", &differences(&after, &again, &[], false));
    // What the comparison does not name: a primary key or the order of the columns.
    assert!(after == again, "a second migrate changed a primary key or the order of columns");
    drop((after, again));

    let out = run(place, current, &["audit", "verify"]);
    assert!(out.success(), "audit verify failed after the upgrade: {}{}", out.stdout, out.stderr);

    let step = Instant::now();
    let out = run(place, current, &["evaluate", "--as-of", TODAY]);
    assert!(out.success(), "evaluate failed after the upgrade: {}", out.stderr);
    let report = out.json();
    let cells = report["cells"].as_array().map_or(0, Vec::len);
    assert!(cells > 0, "evaluate found nothing to evaluate after the upgrade: {}", report["summary"]);
    eprintln!("evaluate: {cells} cells in {:.1?}", step.elapsed());
}

/// A case of the comparison: what changes, its statements, and a phrase
/// every difference found must contain (or "" when none may be found).
type Case = (&'static str, &'static [&'static str], &'static str);

// (what changes, its statements, a phrase every difference found must
// contain, or "" when none may be found), compared as after an upgrade.
const UPGRADES: &[Case] = &[
    ("nothing", &[], ""),
    (
        "additions",
        &[
            "CREATE TABLE new_things (id TEXT NOT NULL PRIMARY KEY)",
            "ALTER TABLE things ADD COLUMN extra TEXT",
            "UPDATE things SET extra = 'x'",
            "INSERT INTO things (province_id, id, n, note) VALUES ('p', 'd', 4, 'four')",
            "INSERT INTO loose (a, b) VALUES ('z', 26)",
            "ALTER TABLE audit_log ADD COLUMN request TEXT",
        ],
        "",
    ),
    ("a changed value", &["UPDATE things SET note = 'changed' WHERE id = 'b'"], "note was Text(\"two\"), is now Text(\"changed\")"),
    ("a value turned NULL", &["UPDATE things SET n = NULL WHERE id = 'a'"], "n was Integer(1), is now Null"),
    (
        "a text turned number",
        &["ALTER TABLE things DROP COLUMN note", "ALTER TABLE things ADD COLUMN note BIGINT", "UPDATE things SET note = 2"],
        "is now Integer(2)",
    ),
    ("a deleted row", &["DELETE FROM things WHERE id = 'c'"], "the row is gone"),
    ("a changed key", &["UPDATE things SET id = 'cc' WHERE id = 'c'"], "the row is gone"),
    (
        "one of two equal rows",
        &["DELETE FROM loose WHERE a = 'x'", "INSERT INTO loose (a, b) VALUES ('x', 1)"],
        "loose (a=Text(\"x\"), b=Integer(1)): the row is gone",
    ),
    ("a dropped column", &["ALTER TABLE things DROP COLUMN note"], "column things.note is gone"),
    ("a dropped table", &["DROP TABLE loose"], "table loose is gone (it had 3 rows)"),
    ("a new audit entry", &["INSERT INTO audit_log (seq, what) VALUES (3, 'migrated')"], "audit_log has 1 new rows"),
    ("a deleted audit entry", &["DELETE FROM audit_log WHERE seq = 1"], "audit_log (seq=Integer(1)): the row is gone"),
    (
        "a new audit column set on old entries",
        &["ALTER TABLE audit_log ADD COLUMN request TEXT", "UPDATE audit_log SET request = 'r'"],
        "new column request is set on an old entry",
    ),
];

// The same, with `upper` declared.
const REWRITTEN: &[Case] = &[
    ("a declared rewrite", &["UPDATE things SET note = UPPER(note)"], ""),
    ("a declared rewrite that did not happen", &[], "by a declared rewrite, is now Text("),
    ("a rewrite beyond the declared one", &["UPDATE things SET note = UPPER(note) || '!'"], "!\")"),
];

// The same, compared as after a second migrate: nothing may be new.
const SECOND_MIGRATES: &[Case] = &[
    ("nothing", &[], ""),
    ("a new table", &["CREATE TABLE new_things (id TEXT NOT NULL PRIMARY KEY)"], "table new_things is new"),
    ("a new column", &["ALTER TABLE things ADD COLUMN extra TEXT"], "new columns [\"extra\"]"),
    ("a new row", &["INSERT INTO things (province_id, id, n, note) VALUES ('p', 'd', 4, 'four')"], "things has 1 new rows"),
    // Named once, as a change, not again as a new row.
    ("a changed value", &["UPDATE things SET note = 'changed' WHERE id = 'b'"], "note was Text(\"two\"), is now Text(\"changed\")"),
];

/// The small database each case starts from.
const SCHEMA: &[&str] = &[
    "DROP TABLE IF EXISTS things",
    "DROP TABLE IF EXISTS new_things",
    "DROP TABLE IF EXISTS loose",
    "DROP TABLE IF EXISTS audit_log",
    "CREATE TABLE things (province_id TEXT NOT NULL, id TEXT NOT NULL, n BIGINT, note TEXT, PRIMARY KEY (province_id, id))",
    "INSERT INTO things (province_id, id, n, note) VALUES ('p', 'a', 1, 'one'), ('p', 'b', 2, 'two'), ('p', 'c', 3, 'three')",
    "CREATE TABLE loose (a TEXT, b BIGINT)",
    "INSERT INTO loose (a, b) VALUES ('x', 1), ('x', 1), ('y', NULL)",
    "CREATE TABLE audit_log (seq BIGINT NOT NULL PRIMARY KEY, what TEXT NOT NULL)",
    "INSERT INTO audit_log (seq, what) VALUES (1, 'created a'), (2, 'created b')",
];

/// The rewrite the cases of [`REWRITTEN`] declare: notes in capitals.
fn upper() -> Rewrite {
    Rewrite {
        migration: "a test's rewrite: notes in capitals",
        table: "things",
        column: "note",
        to: |row| match row.get("note") {
            Value::Text(t) => Value::Text(t.to_uppercase()),
            other => other.clone(),
        },
    }
}

/// The comparison itself, on a small real database: every kind of loss is
/// named, what an upgrade may add is not, a declared rewrite is expected
/// (and missed when it does not happen), and after a second `migrate`
/// nothing at all may differ. Runs without the previous release, on SQLite,
/// and on PostgreSQL too when `CHANGXIAO_TEST_DATABASE_URL` is set.
#[test]
fn the_comparison_names_every_loss_and_allows_only_additions() {
    let mut places = vec![DataDir::sqlite("sqlite")];
    if let Some(postgres) = DataDir::postgres("upgrade_check") {
        block_on(async {
            let keys = store::PiiKeys::from_hex(&"5a".repeat(64), "test").unwrap();
            store::Store::connect(postgres.database_url().unwrap(), keys).await.unwrap().close().await;
        });
        places.push(postgres);
    }
    for place in &places {
        let backend = if place.database_url().is_some() { "PostgreSQL" } else { "SQLite" };
        std::fs::create_dir_all(place.path().join("attachments")).unwrap();
        std::fs::write(place.path().join("attachments/file"), b"scan").unwrap();
        let upper_rewrite = upper();
        let runs = [(UPGRADES, &[][..], true), (REWRITTEN, std::slice::from_ref(&upper_rewrite), true), (SECOND_MIGRATES, &[][..], false)];
        for (cases, rewrites, upgrade) in runs {
            for (what, statements, phrase) in cases {
                place.execute(SCHEMA);
                let before = snapshot(place);
                place.execute(statements);
                let found = differences(&before, &snapshot(place), rewrites, upgrade);
                if phrase.is_empty() {
                    assert!(found.is_empty(), "{backend}, {what} (upgrade: {upgrade}): expected no differences, found {found:#?}");
                } else {
                    assert!(
                        !found.is_empty() && found.iter().all(|f| f.contains(phrase)),
                        "{backend}, {what} (upgrade: {upgrade}): expected {phrase:?}, found {found:#?}"
                    );
                }
            }
        }
        place.execute(SCHEMA);
        let before = snapshot(place);
        std::fs::write(place.path().join("attachments/file"), b"scam").unwrap();
        assert_eq!(differences(&before, &snapshot(place), &[], true), ["file attachments/file changed"], "{backend}");
        std::fs::remove_file(place.path().join("attachments/file")).unwrap();
        assert_eq!(differences(&before, &snapshot(place), &[], true), ["file attachments/file is gone"], "{backend}");
    }
}

#[test]
fn an_upgrade_from_the_previous_release_keeps_every_record_on_sqlite() {
    let Some(previous) = previous_release("an_upgrade_from_the_previous_release_keeps_every_record_on_sqlite") else {
        return;
    };
    upgrade_keeps_everything(&previous, &DataDir::sqlite("demo"));
}

#[test]
fn an_upgrade_from_the_previous_release_keeps_every_record_on_postgresql() {
    let test = "an_upgrade_from_the_previous_release_keeps_every_record_on_postgresql";
    let Some(previous) = previous_release(test) else {
        return;
    };
    // The demo only rebuilds a database whose name says 'demo'.
    let Some(place) = DataDir::postgres("upgrade_demo") else {
        println!("{test}: skipped: CHANGXIAO_TEST_DATABASE_URL is not set");
        return;
    };
    upgrade_keeps_everything(&previous, &place);
}
