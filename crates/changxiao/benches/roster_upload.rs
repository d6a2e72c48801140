//! Benchmark: a 100,000-member roster brought in through the web against
//! the command line, on the same file, in the same run, interleaved.
//!
//! Each round builds two identical fresh deployments (the generated county
//! of `common/county.rs`, written through the store) and then
//! - times `changxiao import roster FILE --org COUNTY` on the first, as a
//!   process, from start to exit;
//! - starts `changxiao serve` on the second and times, as an API client
//!   would see them, the upload with `dry_run=true` (the preview: every row
//!   applied as a trial and rolled back) and the commit of that preview
//!   (the kept file applied again, its digest compared, committed).
//!
//! The target is that the preview and the commit each take at most 1.2× the
//! command line's time. Run with `cargo bench -p changxiao --bench
//! roster_upload`; `CHANGXIAO_BENCH_DATABASE_URL=postgres://user@host:port`
//! runs it on PostgreSQL (a fresh database per deployment, dropped after),
//! `CHANGXIAO_BENCH_MEMBERS` (default 100,000) and `CHANGXIAO_BENCH_ROUNDS`
//! (default 3) change its size. It prints its figures; it fails only if an
//! import does not do what it should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/county.rs"]
mod county;

use anyhow::{Context, Result, bail, ensure};
use county::{Rng, build_tree, roster_csv, today};
use domain::access::{Login, Password, Role, TokenScope};
use domain::{Id, Name};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use store::{Actor, PiiKeys, Store};

const DEFAULT_MEMBERS: usize = 100_000;
const DEFAULT_ROUNDS: usize = 3;
const TARGET_RATIO: f64 = 1.2;

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run())
}

fn env_number(name: &str, default: usize) -> Result<usize> {
    match std::env::var(name) {
        Ok(n) => n.parse().with_context(|| format!("{name} must be a number")),
        Err(_) => Ok(default),
    }
}

/// One fresh deployment: its data directory and, on PostgreSQL, its database.
struct Deployment {
    dir: tempfile::TempDir,
    url: Option<String>,
    county: Id,
}

impl Deployment {
    /// The options that point the binary at this deployment.
    fn args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_owned(), self.dir.path().display().to_string(), "--today".to_owned(), today().to_string()];
        if let Some(url) = &self.url {
            args.extend(["--database-url".to_owned(), url.clone()]);
        }
        args
    }

    async fn open(&self) -> Result<Store> {
        let keys = PiiKeys::load_or_create(self.dir.path())?;
        let url = self.url.clone().unwrap_or_else(|| store::sqlite_url(self.dir.path()));
        Ok(Store::connect(&url, keys).await?)
    }

    async fn drop_database(&self) -> Result<()> {
        if let Some(url) = &self.url {
            store::drop_postgres_database(url).await?;
        }
        Ok(())
    }
}

/// A deployment holding the generated county, an API token of its
/// organization department when asked for, and the roster file for the
/// county (written to `file` if it is not there yet).
async fn deployment(with_token: bool, file: &Path, members: usize) -> Result<(Deployment, Option<String>)> {
    let dir = tempfile::tempdir()?;
    let url = std::env::var("CHANGXIAO_BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty()).map(|server| {
        let base = match server.find("://").and_then(|s| server[s + 3..].find('/').map(|i| s + 3 + i)) {
            Some(slash) => server[..slash].to_owned(),
            None => server.clone(),
        };
        format!("{base}/changxiao_bench_{}", Id::generate())
    });
    let mut d = Deployment { dir, url, county: Id::generate() };
    let store = d.open().await?;
    store.migrate().await?;
    let mut rng = Rng(20_250_601);
    let tree = build_tree(&store, &mut rng).await?;
    d.county = tree.county.clone();
    if !file.exists() {
        std::fs::write(file, roster_csv(&mut rng, &tree.branches, members))?;
    }
    let token = if with_token {
        let mut w = store.writer(&Actor::system("bench")).await?;
        let login = Login::parse("zuzhibu")?;
        let password = Password::parse("bench-password-2025", &login)?;
        let account = store.create_account(&mut w, login, Name::parse(domain::Field::Name, "组织部")?, None, &password, false).await?;
        store.add_grant(&mut w, &account.id, Role::OrgDepartment, &tree.county, today()).await?;
        let name = Name::parse(domain::Field::Name, "bench")?;
        let (_, secret) = store.create_api_token(&mut w, &account.id, name, &tree.county, TokenScope::Write).await?;
        w.commit().await?;
        Some(secret)
    } else {
        None
    };
    store.close().await;
    Ok((d, token))
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_changxiao"))
}

/// `changxiao import roster`, as a process: its wall time.
fn time_cli(d: &Deployment, file: &Path) -> Result<Duration> {
    let started = Instant::now();
    let out = Command::new(binary())
        .args(["import", "roster", &file.display().to_string(), "--org", d.county.as_str()])
        .args(d.args())
        .env("CHANGXIAO_LOG", "warn")
        .env_remove("CHANGXIAO_DATABASE_URL")
        .output()?;
    let took = started.elapsed();
    ensure!(out.status.success(), "the command line import failed: {}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    ensure!(said.contains("新增"), "unexpected output: {said}");
    Ok(took)
}

/// A running `changxiao serve`, ended on drop.
struct Server {
    child: Child,
    origin: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(d: &Deployment) -> Result<Server> {
    let mut child = Command::new(binary())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(d.args())
        .env("CHANGXIAO_LOG", "warn")
        .env_remove("CHANGXIAO_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().context("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(at) = line.find("http://127.0.0.1:") {
            let origin = line[at..].split_whitespace().next().unwrap_or_default().trim_end_matches('/').to_owned();
            return Ok(Server { child, origin });
        }
    }
    bail!("the server printed no address")
}

fn multipart(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = format!("changxiao-bench-{}", Id::generate());
    let mut body = Vec::with_capacity(bytes.len() + 1024);
    for (name, value) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes());
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The upload's preview and commit through the API: their times.
async fn time_web(d: &Deployment, token: &str, file: &Path, members: usize) -> Result<(Duration, Duration)> {
    let server = serve(d)?;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(1800)).no_proxy().build()?;
    let bytes = std::fs::read(file)?;
    let county = d.county.to_string();
    let (content_type, body) = multipart(&[("kind", "roster"), ("org_id", &county), ("dry_run", "true")], "roster.csv", &bytes);
    let started = Instant::now();
    let previewed = http
        .post(format!("{}/api/v1/imports", server.origin))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await?;
    let status = previewed.status();
    let preview_json: serde_json::Value = previewed.json().await?;
    let preview = started.elapsed();
    ensure!(status.as_u16() == 201, "the preview answered {status}: {preview_json}");
    ensure!(preview_json["created"].as_u64() == Some(members as u64), "{preview_json}");
    let id = preview_json["id"].as_str().context("no id")?;
    let started = Instant::now();
    let committed = http.post(format!("{}/api/v1/imports/{id}/commit", server.origin)).bearer_auth(token).send().await?;
    let status = committed.status();
    let commit_json: serde_json::Value = committed.json().await?;
    let commit = started.elapsed();
    ensure!(status.as_u16() == 200 && commit_json["status"] == "committed", "the commit answered {status}: {commit_json}");
    Ok((preview, commit))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn run() -> Result<()> {
    let members = env_number("CHANGXIAO_BENCH_MEMBERS", DEFAULT_MEMBERS)?;
    let rounds = env_number("CHANGXIAO_BENCH_ROUNDS", DEFAULT_ROUNDS)?;
    let files = tempfile::tempdir()?;
    let file = files.path().join("roster.csv");
    let backend = if std::env::var("CHANGXIAO_BENCH_DATABASE_URL").is_ok_and(|u| !u.is_empty()) { "PostgreSQL" } else { "SQLite" };
    println!("roster_upload on {backend}: {members} members, {rounds} rounds, interleaved");
    let (mut cli, mut preview, mut commit) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        // Interleaved: the command line first on odd rounds, the web first on even ones.
        let (a, _) = deployment(false, &file, members).await?;
        let (b, token) = deployment(true, &file, members).await?;
        let token = token.context("no token")?;
        let (c, (p, m)) = if round % 2 == 1 {
            let c = time_cli(&a, &file)?;
            (c, time_web(&b, &token, &file, members).await?)
        } else {
            let web = time_web(&b, &token, &file, members).await?;
            (time_cli(&a, &file)?, web)
        };
        println!(
            "  round {round}: command line {:.2} s; web preview {:.2} s ({:.2}×), commit {:.2} s ({:.2}×)",
            c.as_secs_f64(),
            p.as_secs_f64(),
            p.as_secs_f64() / c.as_secs_f64(),
            m.as_secs_f64(),
            m.as_secs_f64() / c.as_secs_f64()
        );
        cli.push(c.as_secs_f64());
        preview.push(p.as_secs_f64());
        commit.push(m.as_secs_f64());
        a.drop_database().await?;
        b.drop_database().await?;
    }
    let (c, p, m) = (median(cli), median(preview), median(commit));
    let verdict = |ratio: f64| if ratio <= TARGET_RATIO { "met" } else { "MISSED" };
    println!(
        "  median: command line {c:.2} s; preview {p:.2} s ({:.2}×, {}); commit {m:.2} s ({:.2}×, {})",
        p / c,
        verdict(p / c),
        m / c,
        verdict(m / c)
    );
    Ok(())
}
