//! Benchmark: tree queries on a province of about 300,000 organizations
//! (province → 14 cities → 14 counties each → 13–17 townships → 10–14
//! grassroots committees → 5–10 branches, so a county holds about 1,500
//! organizations). Measures `Store::subtree` of random counties and
//! `Store::path_to` of random branches, and prints the median and the 99th
//! percentile of their latencies.
//!
//! Run with `cargo bench -p changxiao --bench tree_queries`. The backend is
//! SQLite in a temporary directory, or PostgreSQL when
//! `CHANGXIAO_BENCH_DATABASE_URL` names a server (`postgres://user@host:port`;
//! a database name in it is ignored): a fresh database
//! `changxiao_bench_<id>` is created there and dropped at the end.
//! `CHANGXIAO_BENCH_SAMPLES` changes the number of timed calls per query
//! (default 1,000).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use anyhow::{Context, Result, ensure};
use chrono::NaiveDate;
use domain::{Id, Name, OrgKind, OrgLevel, Organization, UnitType};
use std::time::{Duration, Instant};
use store::{Actor, PiiKeys, Store};

const CITIES: usize = 14;
const COUNTIES_PER_CITY: usize = 14;
const DEFAULT_SAMPLES: usize = 1_000;
const WARM_UP: usize = 100;
const TARGET_P99_MS: f64 = 5.0;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run())
}

/// A small deterministic generator (SplitMix64), so every run builds the same tree.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn id(&mut self, serial: u64) -> Id {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next().to_le_bytes());
        random[8..].copy_from_slice(&self.next().to_le_bytes()[..2]);
        Id::from_parts(1_700_000_000_000 + serial, random)
    }
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

struct Generator {
    rng: Rng,
    serial: u64,
    founded: NaiveDate,
}

impl Generator {
    fn org(
        &mut self,
        parent: Option<&Organization>,
        name: String,
        level: OrgLevel,
        kind: OrgKind,
        unit_type: Option<UnitType>,
    ) -> Organization {
        self.serial += 1;
        let id = self.rng.id(self.serial);
        let mut path = parent.map(|p| p.path.clone()).unwrap_or_default();
        path.push(id.clone());
        Organization {
            province_id: parent.map_or_else(|| id.clone(), |p| p.province_id.clone()),
            parent_id: parent.map(|p| p.id.clone()),
            id,
            name: Name::parse(domain::Field::Name, &name).unwrap(),
            level,
            kind,
            unit_type,
            founded_on: self.founded,
            closed_on: None,
            path,
            version: 1,
        }
    }
}

/// What the queries are run on.
struct Tree {
    orgs: usize,
    counties: Vec<(Id, usize)>,
    branches: Vec<(Id, usize)>,
}

/// Builds one city at a time (a parent before its children) and inserts it
/// in its own audited transaction.
async fn build_tree(store: &Store) -> Result<Tree> {
    let mut g = Generator { rng: Rng(300_000), serial: 0, founded: NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() };
    let province = g.org(None, "中共测试省委员会".into(), OrgLevel::Provincial, OrgKind::Committee, None);
    let mut w = store.writer(&Actor::system("bench")).await?;
    store.insert_orgs(&mut w, std::slice::from_ref(&province)).await?;
    w.commit().await?;
    let mut tree = Tree { orgs: 1, counties: Vec::new(), branches: Vec::new() };
    for c in 0..CITIES {
        let mut orgs = Vec::new();
        let city = g.org(Some(&province), format!("中共第{}市委员会", c + 1), OrgLevel::City, OrgKind::Committee, None);
        for k in 0..COUNTIES_PER_CITY {
            let county = g.org(Some(&city), format!("中共第{}市第{}县委员会", c + 1, k + 1), OrgLevel::County, OrgKind::Committee, None);
            let county_start = orgs.len();
            for t in 0..g.rng.between(13, 17) {
                let town_name = format!("第{}市第{}县第{}镇", c + 1, k + 1, t + 1);
                let town = g.org(Some(&county), format!("中共{town_name}委员会"), OrgLevel::Township, OrgKind::Committee, None);
                for v in 0..g.rng.between(10, 14) {
                    let unit = [UnitType::Village, UnitType::Community, UnitType::Enterprise][g.rng.below(3)];
                    let village = g.org(
                        Some(&town),
                        format!("中共{town_name}第{}村委员会", v + 1),
                        OrgLevel::Grassroots,
                        OrgKind::Committee,
                        Some(unit),
                    );
                    for b in 0..g.rng.between(5, 10) {
                        let branch = g.org(
                            Some(&village),
                            format!("中共{town_name}第{}村第{}支部委员会", v + 1, b + 1),
                            OrgLevel::Grassroots,
                            OrgKind::Branch,
                            Some(unit),
                        );
                        tree.branches.push((branch.id.clone(), branch.path.len()));
                        orgs.push(branch);
                    }
                    orgs.push(village);
                }
                orgs.push(town);
            }
            tree.counties.push((county.id.clone(), orgs.len() - county_start + 1));
            orgs.push(county);
        }
        orgs.push(city);
        orgs.sort_by_key(|o| o.path.len());
        let mut w = store.writer(&Actor::system("bench")).await?;
        store.insert_orgs(&mut w, &orgs).await?;
        w.commit().await?;
        tree.orgs += orgs.len();
    }
    Ok(tree)
}

/// Median and 99th percentile, in milliseconds.
fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1].as_secs_f64() * 1e3;
    (at(0.5), at(0.99), samples.last().map_or(0.0, |d| d.as_secs_f64() * 1e3))
}

fn print_summary(title: &str, samples: Vec<Duration>) -> bool {
    let n = samples.len();
    let (median, p99, max) = summary(samples);
    let met = p99 < TARGET_P99_MS;
    println!(
        "  {title:<32} n={n:<5} median {median:>7.3} ms  p99 {p99:>7.3} ms  max {max:>7.3} ms  (target p99 < {TARGET_P99_MS} ms: {})",
        if met { "met" } else { "MISSED" }
    );
    met
}

async fn run() -> Result<()> {
    let samples: usize = match std::env::var("CHANGXIAO_BENCH_SAMPLES") {
        Ok(n) => n.parse().context("CHANGXIAO_BENCH_SAMPLES must be a number")?,
        Err(_) => DEFAULT_SAMPLES,
    };
    let db = open_db().await?;
    println!("tree_queries on {}", db.label);
    let outcome = bench(&db.store, db.pg_url.as_deref(), samples).await;
    db.store.close().await;
    if let Some(url) = &db.pg_url {
        store::drop_postgres_database(url).await?;
    }
    outcome
}

async fn bench(store: &Store, pg_url: Option<&str>, samples: usize) -> Result<()> {
    let started = Instant::now();
    let tree = build_tree(store).await?;
    let sizes: Vec<usize> = tree.counties.iter().map(|(_, n)| *n).collect();
    println!(
        "  tree: {} organizations, {} counties of {}–{} (mean {}) organizations, {} branches; inserted in {:.1} s",
        tree.orgs,
        sizes.len(),
        sizes.iter().min().unwrap_or(&0),
        sizes.iter().max().unwrap_or(&0),
        sizes.iter().sum::<usize>() / sizes.len().max(1),
        tree.branches.len(),
        started.elapsed().as_secs_f64()
    );
    measure(store, &tree, samples, "as loaded").await?;
    if let Some(url) = pg_url {
        // Until autovacuum has analyzed the new tables (about a minute after
        // the load, or never where autovacuum is off), the planner has no
        // statistics on them. Measure again as it runs once they exist.
        let pool = sqlx::PgPool::connect(url).await?;
        let autovacuum: String = sqlx::query_scalar("SHOW autovacuum").fetch_one(&pool).await?;
        let started = Instant::now();
        sqlx::query("ANALYZE").execute(&pool).await?;
        pool.close().await;
        println!("  ANALYZE took {:.1} s (autovacuum is {autovacuum} on this server)", started.elapsed().as_secs_f64());
        measure(store, &tree, samples, "after ANALYZE").await?;
    }
    Ok(())
}

async fn measure(store: &Store, tree: &Tree, samples: usize, state: &str) -> Result<()> {
    let mut rng = Rng(42);
    let day = today();

    // Warm the caches and the prepared statements, untimed.
    for _ in 0..WARM_UP {
        let (county, _) = &tree.counties[rng.below(tree.counties.len())];
        store.subtree(county, day).await?;
        store.descendant_ids(county, day).await?;
        let (branch, _) = &tree.branches[rng.below(tree.branches.len())];
        store.path_to(branch, day).await?;
    }

    let mut subtree_times = Vec::with_capacity(samples);
    let mut returned = 0;
    for _ in 0..samples {
        let (county, size) = &tree.counties[rng.below(tree.counties.len())];
        let started = Instant::now();
        let found = store.subtree(county, day).await?;
        subtree_times.push(started.elapsed());
        ensure!(found.len() == *size, "subtree of a county: {} organizations, expected {size}", found.len());
        returned += found.len();
    }
    let mut path_times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let (branch, depth) = &tree.branches[rng.below(tree.branches.len())];
        let started = Instant::now();
        let found = store.path_to(branch, day).await?;
        path_times.push(started.elapsed());
        ensure!(found.len() == *depth, "path to a branch: {} organizations, expected {depth}", found.len());
    }
    println!("  queries on {day}, {state}, after {WARM_UP} untimed warm-up calls of each:");
    let mut ids_times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let (county, size) = &tree.counties[rng.below(tree.counties.len())];
        let started = Instant::now();
        let found = store.descendant_ids(county, day).await?;
        ids_times.push(started.elapsed());
        ensure!(found.len() == *size, "descendant ids of a county: {}, expected {size}", found.len());
    }
    let ids_met = print_summary("descendant_ids(county)", ids_times);
    println!("  descendant ids target p99 < {TARGET_P99_MS} ms: {}", if ids_met { "met" } else { "MISSED" });
    let subtree_met = print_summary(&format!("subtree(county) ~{} orgs", returned / samples.max(1)), subtree_times);
    let path_met = print_summary("path_to(branch) 6 orgs", path_times);
    println!("  target p99 < {TARGET_P99_MS} ms: {}", if subtree_met && path_met { "met" } else { "MISSED" });
    Ok(())
}
