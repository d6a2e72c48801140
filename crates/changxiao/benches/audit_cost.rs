//! Benchmark: what the audit trail costs a write. The same endpoint —
//! `POST /api/v1/orgs`, founding a branch, authenticated by an API token —
//! is loaded with auditing on and with auditing off (a switch that exists
//! only for this measurement), and the requests per second are compared.
//!
//! Run with `cargo bench -p changxiao --bench audit_cost`. SQLite in a
//! temporary directory, or PostgreSQL when `CHANGXIAO_BENCH_DATABASE_URL`
//! names a server (a fresh database is created and dropped). The load comes
//! from `CHANGXIAO_BENCH_CLIENTS` concurrent clients (default 16) for
//! `CHANGXIAO_BENCH_SECONDS` seconds (default 10) per variant, over loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use anyhow::{Context, Result};
use chrono::NaiveDate;
use domain::access::{Login, Password, Role, TokenScope};
use domain::{Field, Id, Name, OrgKind, OrgLevel};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use store::orgs::NewOrg;
use store::{Actor, PiiKeys, Store};
use web::{AppState, Today};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run())
}

async fn open() -> Result<(Store, Option<String>, tempfile::TempDir)> {
    let dir = tempfile::tempdir()?;
    let keys = PiiKeys::from_hex(&"7e".repeat(64), "bench")?;
    let (url, pg) = match std::env::var("CHANGXIAO_BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(server) => {
            let base = match server.find("://").and_then(|s| server[s + 3..].find('/').map(|slash| s + 3 + slash)) {
                Some(cut) => server[..cut].to_owned(),
                None => server.clone(),
            };
            let url = format!("{base}/changxiao_bench_{}", Id::generate());
            (url.clone(), Some(url))
        }
        None => (store::sqlite_url(dir.path()), None),
    };
    let store = Store::connect(&url, keys).await?;
    store.migrate().await?;
    Ok((store, pg, dir))
}

/// A county, an administrator of it and a write token; returns (county, token).
async fn setup(store: &Store, today: NaiveDate) -> Result<(Id, String)> {
    let mut w = store.writer(&Actor::system("bench")).await?;
    let county = store
        .create_org(
            &mut w,
            NewOrg {
                id: None,
                parent_id: None,
                name: Name::parse(Field::Name, "基准县委").map_err(|e| anyhow::anyhow!("{e}"))?,
                level: OrgLevel::County,
                kind: OrgKind::Committee,
                unit_type: None,
                founded_on: NaiveDate::from_ymd_opt(2000, 1, 1).context("date")?,
            },
        )
        .await?;
    let login = Login::parse("bench-admin").map_err(|e| anyhow::anyhow!("{e}"))?;
    let password = Password::parse("bench-password-1", &login).map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = Name::parse(Field::Name, "基准管理员").map_err(|e| anyhow::anyhow!("{e}"))?;
    let account = store.create_account(&mut w, login, name, None, &password, false).await?;
    store.add_grant(&mut w, &account.id, Role::Administrator, &county.id, county.founded_on).await?;
    let token_name = Name::parse(Field::Name, "bench").map_err(|e| anyhow::anyhow!("{e}"))?;
    let (_, secret) = store.create_api_token(&mut w, &account.id, token_name, &county.id, TokenScope::Write).await?;
    w.commit().await?;
    let _ = today;
    Ok((county.id, secret))
}

/// Serves `store` on a free loopback port and loads the create endpoint; returns requests per second.
async fn load(store: Store, today: NaiveDate, county: &Id, token: &str, label: &str) -> Result<f64> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = web::app(AppState::new(store, Today::Fixed(today))?);
    let server = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.ok();
    });
    let clients = env_number("CHANGXIAO_BENCH_CLIENTS", 16);
    let seconds = env_number("CHANGXIAO_BENCH_SECONDS", 10);
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (done, failed) = (done.clone(), failed.clone());
        let url = format!("http://{addr}/api/v1/orgs");
        let (county, token, label) = (county.to_string(), token.to_owned(), label.to_owned());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let body = serde_json::json!({
                    "parent_id": county, "name": format!("{label}支部{client}-{n}"), "level": "grassroots",
                    "kind": "branch", "founded_on": "2020-01-01",
                });
                match http.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(r) if r.status().as_u16() == 201 => done.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    server.abort();
    let (ok, bad) = (done.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    anyhow::ensure!(bad == 0, "{bad} requests failed");
    Ok(ok as f64 / elapsed)
}

async fn run() -> Result<()> {
    let (store, pg, _dir) = open().await?;
    let backend = if pg.is_some() { "PostgreSQL" } else { "SQLite" };
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).context("date")?;
    let (county, token) = setup(&store, today).await?;
    // Alternate the variants so that neither profits alone from a warmer database.
    let mut audited = Vec::new();
    let mut unaudited = Vec::new();
    for round in 0..2 {
        audited.push(load(store.clone(), today, &county, &token, &format!("审计{round}")).await?);
        unaudited.push(load(store.without_audit_for_benchmarks(), today, &county, &token, &format!("无审计{round}")).await?);
    }
    let best = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    let (on, off) = (best(&audited), best(&unaudited));
    let report = store.verify_audit().await?;
    println!("backend: {backend}");
    println!("POST /api/v1/orgs with auditing on : {on:.0} requests/s (rounds: {audited:.0?})");
    println!("POST /api/v1/orgs with auditing off: {off:.0} requests/s (rounds: {unaudited:.0?})");
    println!("cost of auditing: {:.1}% of throughput (target: under 30%)", (1.0 - on / off) * 100.0);
    println!("audit chain after the run: {} entries, intact: {}", report.entries, report.first_break.is_none());
    store.close().await;
    if let Some(url) = pg {
        store::drop_postgres_database(&url).await?;
    }
    Ok(())
}
