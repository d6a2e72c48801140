//! Benchmark: importing a 100,000-member roster, the way `changxiao import
//! roster` does it (read the file → `sheets::read_table` →
//! `domain::roster::parse_roster` → `Store::import_roster` in one audited
//! transaction → commit), then importing the same file again (which must
//! change nothing).
//!
//! Run with `cargo bench -p changxiao --bench roster_import`. The backend is
//! SQLite in a temporary directory, or PostgreSQL when
//! `CHANGXIAO_BENCH_DATABASE_URL` names a server (`postgres://user@host:port`;
//! a database name in it is ignored): a fresh database
//! `changxiao_bench_<id>` is created there and dropped at the end.
//! `CHANGXIAO_BENCH_MEMBERS` changes the number of members (default 100,000).
//!
//! Not a test: it prints its figures and fails only if the import itself
//! fails or does not do what it should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use anyhow::{Context, Result, bail, ensure};
use domain::Id;
use std::time::{Duration, Instant};
use store::{Actor, PiiKeys, Store};

#[path = "common/county.rs"]
mod county;

use county::{Rng, build_tree, roster_csv, today};

const DEFAULT_MEMBERS: usize = 100_000;
const TARGET_SECONDS: f64 = 10.0;

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run())
}

/// The database the benchmark runs on, and how to remove it afterwards.
struct BenchDb {
    store: Store,
    label: String,
    _dir: tempfile::TempDir,
    pg_url: Option<String>,
}

async fn open_db() -> Result<BenchDb> {
    let dir = tempfile::tempdir()?;
    let keys = PiiKeys::from_hex(&"5a".repeat(64), "bench")?;
    let server = std::env::var("CHANGXIAO_BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty());
    let (url, pg_url, label) = match server {
        Some(server) => {
            let base = match server.find("://").and_then(|s| server[s + 3..].find('/').map(|i| s + 3 + i)) {
                Some(slash) => server[..slash].to_owned(),
                None => server.clone(),
            };
            let url = format!("{base}/changxiao_bench_{}", Id::generate());
            (url.clone(), Some(url.clone()), format!("PostgreSQL ({})", store::redact(&url)))
        }
        None => (store::sqlite_url(dir.path()), None, format!("SQLite ({})", dir.path().join("changxiao.db").display())),
    };
    let store = Store::connect(&url, keys).await?;
    store.migrate().await?;
    Ok(BenchDb { store, label, _dir: dir, pg_url })
}

/// Timings of one import, phase by phase.
struct Timed {
    read: Duration,
    parse: Duration,
    import: Duration,
    commit: Duration,
    report: store::import::ImportReport,
}

impl Timed {
    fn total(&self) -> Duration {
        self.read + self.parse + self.import + self.commit
    }
}

/// The import path of `changxiao import roster`, timed phase by phase.
async fn import(store: &Store, file: &std::path::Path, county: &Id) -> Result<Timed> {
    let started = Instant::now();
    let bytes = std::fs::read(file)?;
    let hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let table = sheets::read_table(&bytes, "roster.csv")?;
    let read = started.elapsed();
    let started = Instant::now();
    let entries = match domain::roster::parse_roster(&table, today()) {
        Ok(entries) => entries,
        Err(errors) => {
            bail!("the generated roster was refused: {}", errors.iter().take(5).map(ToString::to_string).collect::<Vec<_>>().join("; "))
        }
    };
    let parse = started.elapsed();
    let started = Instant::now();
    let mut w = store.writer(&Actor::system("cli")).await?;
    let report = match store.import_roster(&mut w, county, entries, &hash, today()).await {
        Ok(report) => report,
        Err(store::import::ImportError::Rows(rows)) => {
            bail!("rows refused: {}", rows.iter().take(5).map(ToString::to_string).collect::<Vec<_>>().join("; "))
        }
        Err(store::import::ImportError::Store(e)) => return Err(e.into()),
    };
    let import = started.elapsed();
    let started = Instant::now();
    w.commit().await?;
    let commit = started.elapsed();
    Ok(Timed { read, parse, import, commit, report })
}

fn print_run(title: &str, members: usize, t: &Timed) {
    let total = t.total().as_secs_f64();
    println!("{title}");
    println!("  read_table    {:>8.3} s", t.read.as_secs_f64());
    println!("  parse_roster  {:>8.3} s", t.parse.as_secs_f64());
    println!("  import_roster {:>8.3} s", t.import.as_secs_f64());
    println!("  commit        {:>8.3} s", t.commit.as_secs_f64());
    println!(
        "  total         {total:>8.3} s  = {:.0} members/s  (target < {TARGET_SECONDS} s: {})",
        members as f64 / total,
        if total < TARGET_SECONDS { "met" } else { "MISSED" }
    );
    println!(
        "  report: {} rows, {} created, {} updated, {} unchanged, {} warnings",
        t.report.rows,
        t.report.created,
        t.report.updated,
        t.report.unchanged,
        t.report.warnings.len()
    );
}

async fn run() -> Result<()> {
    let members: usize = match std::env::var("CHANGXIAO_BENCH_MEMBERS") {
        Ok(n) => n.parse().context("CHANGXIAO_BENCH_MEMBERS must be a number")?,
        Err(_) => DEFAULT_MEMBERS,
    };
    let db = open_db().await?;
    println!("roster_import on {}", db.label);
    let outcome = bench(&db.store, members).await;
    db.store.close().await;
    if let Some(url) = &db.pg_url {
        store::drop_postgres_database(url).await?;
    }
    outcome
}

async fn bench(store: &Store, members: usize) -> Result<()> {
    let mut rng = Rng(20_250_601);
    let started = Instant::now();
    let tree = build_tree(store, &mut rng).await?;
    println!("  tree: {} organizations, {} branches, built in {:.2} s", tree.orgs, tree.branches.len(), started.elapsed().as_secs_f64());
    let started = Instant::now();
    let csv = roster_csv(&mut rng, &tree.branches, members);
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("roster.csv");
    std::fs::write(&file, &csv)?;
    println!("  file: {members} members, {:.1} MB, generated in {:.2} s", csv.len() as f64 / 1e6, started.elapsed().as_secs_f64());

    let first = import(store, &file, &tree.county).await?;
    print_run("first import (all members new)", members, &first);
    ensure!(first.report.created == members, "expected {members} created, got {:?}", first.report);

    let again = import(store, &file, &tree.county).await?;
    print_run("re-import of the same file (nothing to change)", members, &again);
    ensure!(
        again.report.created == 0 && again.report.updated == 0 && again.report.unchanged == members,
        "the re-import changed something: {} created, {} updated, {} unchanged",
        again.report.created,
        again.report.updated,
        again.report.unchanged
    );
    let roster = store.members(&tree.county, today(), 5000).await?;
    ensure!(roster.len() == 5000.min(members), "members listed: {}", roster.len());
    Ok(())
}
