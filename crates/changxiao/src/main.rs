//! `changxiao`: the command line of the platform — build and serve the demo
//! county, serve real data, apply the schema, import and export rosters.
#![forbid(unsafe_code)]

mod accounts;
mod cli;
mod demo_load;
mod evaluate;
mod generate;
mod say;
mod transfer;

use anyhow::Result;
use clap::Parser;
use cli::{AccountWhat, AuditWhat, Cli, Command, ExportWhat, ImportWhat, JobsWhat};
use domain::Message;
use say::While;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use store::{PiiKeys, Store};
use web::{AppState, Today};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    say::set_lang(cli.lang);
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("CHANGXIAO_LOG").unwrap_or_else(|_| "info,sqlx=error".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            say::err(&Message::new("cli-failed").message("what", Message::new("cli-starting-runtime")).text("cause", e.to_string()));
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", say::describe(&e));
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
                say::out(&Message::new("cli-demo-built").text("dir", data_dir.display().to_string()));
                return Ok(std::process::ExitCode::SUCCESS);
            }
            serve(store, today, addr, true, &data_dir).await?;
        }
        Command::Serve { addr } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open(&data_dir, cli.database_url.as_deref()).await?;
            store.migrate().await.during(Message::new("cli-applying-schema"))?;
            serve(store, today, addr, false, &data_dir).await?;
        }
        Command::Migrate => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open(&data_dir, cli.database_url.as_deref()).await?;
            let applied = store.migrate().await.during(Message::new("cli-applying-schema"))?;
            if applied.is_empty() {
                say::out(&Message::new("cli-schema-up-to-date"));
            } else {
                let list = applied.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                say::out(&Message::new("cli-migrations-applied").text("migrations", list));
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
        Command::Evaluate { org, year, as_of, format } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
            let as_of = as_of.unwrap_or(today.date());
            evaluate::run(&store, evaluate::Request { org: org.as_deref(), year, as_of, format }).await?;
        }
        Command::Account { what } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
            match what {
                AccountWhat::Create { login, name, role, org } => {
                    accounts::create(&store, accounts::NewAccount { login: &login, name: &name, role: &role, org: &org }, today.date())
                        .await?
                }
            }
        }
        Command::Jobs { what: JobsWhat::Run } => {
            let data_dir = cli.data_dir.unwrap_or_else(|| PathBuf::from("./changxiao-data"));
            let store = open_migrated(&data_dir, cli.database_url.as_deref()).await?;
            let delivery = jobs::Delivery { mail: jobs::smtp::SmtpConfig::from_env()?, lang: say::lang() };
            let evaluator = jobs::FreshEvaluator::embedded()?;
            match jobs::run_due(&store, &evaluator, &delivery, today.date()).await? {
                Some(summary) => say::out(&summary.message()),
                None => say::out(&Message::new("cli-jobs-busy")),
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
    std::fs::create_dir_all(data_dir).during(Message::new("cli-creating-data-dir").text("dir", data_dir.display().to_string()))?;
    let keys = PiiKeys::load_or_create(data_dir)?;
    let url = database_url.map_or_else(|| store::sqlite_url(data_dir), str::to_owned);
    Store::connect(&url, keys).await.during(Message::new("cli-opening-database").text("url", store::redact(&url)))
}

async fn open_migrated(data_dir: &Path, database_url: Option<&str>) -> Result<Store> {
    let store = open(data_dir, database_url).await?;
    store.migrate().await.during(Message::new("cli-applying-schema"))?;
    Ok(store)
}

/// Serves the application; attachment files are kept in `<data_dir>/attachments`.
async fn serve(store: Store, today: Today, addr: SocketAddr, demo: bool, data_dir: &Path) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.during(Message::new("cli-listening").text("addr", addr.to_string()))?;
    let bound = listener.local_addr()?;
    let state = AppState::new(store.clone(), today).during(Message::new("cli-loading-catalogue"))?.with_files(data_dir.join("attachments"));
    let mail = jobs::smtp::SmtpConfig::from_env()?;
    if mail.is_none() {
        tracing::info!("no mail server configured (CHANGXIAO_SMTP_URL): weekly digests stay in the outbox");
    }
    let delivery = jobs::Delivery { mail, lang: say::lang() };
    let scheduler = tokio::spawn(jobs::run_hourly(store.clone(), state.evaluations.clone(), delivery, move || today.date()));
    let app = web::app(state);
    say::out(&Message::new("cli-serving").text("url", format!("http://{bound}/")));
    if demo {
        say::out(&Message::new("cli-demo-logins"));
        for l in &accounts::DEMO_LOGINS {
            let role = i18n::label(say::lang(), "demo_login", l.login);
            println!("  {:<8} {:<20} {role}", l.login, l.password);
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
        .during(Message::new("cli-serving-failed"))?;
    scheduler.abort();
    store.close().await;
    Ok(())
}
