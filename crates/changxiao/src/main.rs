//! `changxiao`: the command line of the platform — build and serve the demo
//! county, serve real data, apply the schema, import and export rosters.
#![forbid(unsafe_code)]

mod accounts;
mod cli;
mod demo_load;
mod evaluate;
mod generate;
mod transfer;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{AccountWhat, AuditWhat, Cli, Command, ExportWhat, ImportWhat, JobsWhat};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use store::{PiiKeys, Store};
use web::{AppState, Today};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("CHANGXIAO_LOG").unwrap_or_else(|_| "info,sqlx=error".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<std::process::ExitCode> {
    let today = match cli.today {
        Some(d) => Today::Fixed(d),
        None => Today::Clock,
    };
    match cli.command {
        Command::Demo { addr, seed, no_serve } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-demo"));
            let store = demo_load::rebuild(&data_dir, cli.database_url.as_deref(), seed, today.date()).await?;
            if no_serve {
                println!("演示数据已建好 / demo data built in {}", data_dir.display());
                return Ok(std::process::ExitCode::SUCCESS);
            }
            serve(store, today, addr, true, &data_dir).await?;
        }
        Command::Serve { addr } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open(&data_dir, cli.database_url.as_deref()).await?;
            store.migrate().await.context("applying the schema")?;
            serve(store, today, addr, false, &data_dir).await?;
        }
        Command::Migrate => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open(&data_dir, cli.database_url.as_deref()).await?;
            let applied = store.migrate().await.context("applying the schema")?;
            if applied.is_empty() {
                println!("数据库已是最新 / the schema is up to date");
            } else {
                println!("已应用迁移 / applied migrations: {applied:?}");
            }
        }
        Command::Import { what } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            return match what {
                ImportWhat::Template { file, orgs, activities } => {
                    let which = match (orgs, activities) {
                        (_, true) => transfer::Template::Activities,
                        (true, false) => transfer::Template::Orgs,
                        (false, false) => transfer::Template::Roster,
                    };
                    transfer::write_template(&file, which)
                }
                ImportWhat::Roster { file, org } => {
                    let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
                    transfer::import_roster(&store, &file, &org, today.date()).await
                }
                ImportWhat::Orgs { file, org } => {
                    let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
                    transfer::import_orgs(&store, &file, &org, today.date()).await
                }
                ImportWhat::Activities { file, org } => {
                    let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
                    transfer::import_activities(&store, &file, &org, today.date()).await
                }
            };
        }
        Command::Audit { what } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
            return match what {
                AuditWhat::Verify => accounts::verify(&store).await,
                AuditWhat::Purge { keep_months } => accounts::purge(&store, keep_months, today.date()).await,
            };
        }
        Command::Gen { scale, seed, out } => generate::run(scale, seed, out.as_deref())?,
        Command::Evaluate { org, year, as_of, format, lang } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
            let as_of = as_of.unwrap_or(today.date());
            evaluate::run(&store, evaluate::Request { org: org.as_deref(), year, as_of, format, lang: &lang }).await?;
        }
        Command::Account { what } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
            match what {
                AccountWhat::Create { login, name, role, org } => {
                    accounts::create(&store, &login, &name, &role, &org, today.date()).await?
                }
            }
        }
        Command::Jobs { what: JobsWhat::Run } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
            let mail = jobs::smtp::SmtpConfig::from_env()?;
            let evaluator = jobs::FreshEvaluator::embedded()?;
            match jobs::run_due(&store, &evaluator, mail.as_ref(), today.date()).await? {
                Some(summary) => println!("{summary}"),
                None => println!("另一进程正在运行定时任务 / another process is running the jobs"),
            }
        }
        Command::Export { what } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
            match what {
                ExportWhat::Roster { org, file } => transfer::export_roster(&store, &org, &file, today.date()).await?,
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Opens the database named by `--database-url`, or the SQLite file in the data directory.
pub async fn open(data_dir: &Path, database_url: Option<&str>) -> Result<Store> {
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let keys = PiiKeys::load_or_create(data_dir)?;
    let url = database_url.map_or_else(|| store::sqlite_url(data_dir), str::to_owned);
    Store::connect(&url, keys).await.with_context(|| format!("opening the database {}", store::redact(&url)))
}

async fn open_migrated(data_dir: &Path, database_url: Option<&str>) -> Result<Store> {
    let store = open(data_dir, database_url).await?;
    store.migrate().await.context("applying the schema")?;
    Ok(store)
}

/// Serves the application; attachment files are kept in `<data_dir>/attachments`.
async fn serve(store: Store, today: Today, addr: SocketAddr, demo: bool, data_dir: &Path) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
    let bound = listener.local_addr()?;
    let state = AppState::new(store.clone(), today).context("loading the requirement catalogue")?.with_files(data_dir.join("attachments"));
    let mail = jobs::smtp::SmtpConfig::from_env()?;
    if mail.is_none() {
        tracing::info!("no mail server configured (CHANGXIAO_SMTP_URL): weekly digests stay in the outbox");
    }
    let scheduler = tokio::spawn(jobs::run_hourly(store.clone(), state.evaluations.clone(), mail, move || today.date()));
    let app = web::app(state);
    println!("长效 Changxiao: http://{bound}/");
    if demo {
        println!("演示账号 / demo logins (login / password):");
        for l in &accounts::DEMO_LOGINS {
            println!("  {:<8} {:<20} {} / {}", l.login, l.password, l.what_zh, l.what_en);
        }
    }
    if !bound.ip().is_loopback() {
        tracing::info!(%bound, "listening beyond this machine: put TLS in front and set secure cookies");
    }
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving")?;
    scheduler.abort();
    store.close().await;
    Ok(())
}
