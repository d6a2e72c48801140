//! `changxiao`: the command line of the platform — build and serve the demo
//! county, serve real data, apply the schema, import and export rosters.
#![forbid(unsafe_code)]

mod accounts;
mod cli;
mod demo_load;
mod evaluate;
mod generate;
mod init;
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

/// Where a command finds the data: the directory and, for PostgreSQL, the URL.
struct Place {
    data_dir: PathBuf,
    database_url: Option<String>,
}

impl Place {
    async fn open(&self) -> Result<Store> {
        open(&self.data_dir, self.database_url.as_deref()).await
    }

    async fn open_migrated(&self) -> Result<Store> {
        open_migrated(&self.data_dir, self.database_url.as_deref()).await
    }
}

const SUCCESS: std::process::ExitCode = std::process::ExitCode::SUCCESS;

async fn run(cli: Cli) -> Result<std::process::ExitCode> {
    let today = match cli.today {
        Some(d) => Today::Fixed(d),
        None => Today::Clock,
    };
    let demo_dir = PathBuf::from(if matches!(cli.command, Command::Demo { .. }) { "./changxiao-demo" } else { "./changxiao-data" });
    let place = Place { data_dir: cli.data_dir.unwrap_or(demo_dir), database_url: cli.database_url };
    let day = today.date();
    match cli.command {
        Command::Demo { addr, seed, no_serve } => {
            let store = demo_load::rebuild(&place.data_dir, place.database_url.as_deref(), seed, day).await?;
            if no_serve {
                say::out(&Message::new("cli-demo-built").text("dir", place.data_dir.display().to_string()));
                return Ok(SUCCESS);
            }
            serve(store, today, addr, true, &place.data_dir).await?;
        }
        Command::Serve { addr } => {
            let store = place.open().await?;
            store.migrate().await.during(Message::new("cli-applying-schema"))?;
            serve(store, today, addr, false, &place.data_dir).await?;
        }
        Command::Migrate => migrate(&place).await?,
        Command::Init { flags } => init::run(&place.open_migrated().await?, &flags, day).await?,
        Command::Import { what } => return import(&place, what, day).await,
        Command::Audit { what } => {
            let store = place.open_migrated().await?;
            return match what {
                AuditWhat::Verify => accounts::verify(&store, &place.data_dir).await,
                AuditWhat::Purge { keep_months } => accounts::purge(&store, &place.data_dir, keep_months, day).await,
                AuditWhat::Restored => accounts::announce_restore(&store, &place.data_dir).await,
            };
        }
        Command::Gen { scale, seed, out } => generate::run(scale, seed, out.as_deref())?,
        Command::Evaluate { org, year, as_of, format } => {
            let store = place.open_migrated().await?;
            evaluate::run(&store, evaluate::Request { org: org.as_deref(), year, as_of: as_of.unwrap_or(day), format }).await?;
        }
        Command::Account { what: AccountWhat::Create { login, name, role, org } } => {
            let store = place.open_migrated().await?;
            accounts::create(&store, accounts::NewAccount { login: &login, name: &name, role: &role, org: &org }, day).await?;
        }
        Command::Jobs { what: JobsWhat::Run } => run_jobs(&place, day).await?,
        Command::Export { what: ExportWhat::Roster { org, file } } => {
            transfer::export_roster(&place.open_migrated().await?, &org, &file, day).await?;
        }
    }
    Ok(SUCCESS)
}

async fn migrate(place: &Place) -> Result<()> {
    let store = place.open().await?;
    let applied = store.migrate().await.during(Message::new("cli-applying-schema"))?;
    if applied.is_empty() {
        say::out(&Message::new("cli-schema-up-to-date"));
    } else {
        let list = applied.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        say::out(&Message::new("cli-migrations-applied").text("migrations", list));
    }
    Ok(())
}

async fn import(place: &Place, what: ImportWhat, day: chrono::NaiveDate) -> Result<std::process::ExitCode> {
    use store::uploads::SheetKind;
    let (kind, file, org) = match what {
        ImportWhat::Template { file, orgs, activities } => {
            let kind = match (orgs, activities) {
                (_, true) => SheetKind::Activities,
                (true, false) => SheetKind::Orgs,
                (false, false) => SheetKind::Roster,
            };
            return transfer::write_template(&file, kind);
        }
        ImportWhat::Roster { file, org } => (SheetKind::Roster, file, org),
        ImportWhat::Orgs { file, org } => (SheetKind::Orgs, file, org),
        ImportWhat::Activities { file, org } => (SheetKind::Activities, file, org),
    };
    transfer::import(&place.open_migrated().await?, kind, &file, &org, day).await
}

async fn run_jobs(place: &Place, day: chrono::NaiveDate) -> Result<()> {
    let store = place.open_migrated().await?;
    let delivery = jobs::Delivery { mail: jobs::smtp::SmtpConfig::from_env()?, lang: say::lang() };
    let evaluator = jobs::FreshEvaluator::embedded()?;
    match jobs::run_due(&store, &evaluator, &delivery, day).await? {
        Some(summary) => {
            say::out(&summary.message());
            store.sign_heads(&place.data_dir, "scheduled").await?;
        }
        None => say::out(&Message::new("cli-jobs-busy")),
    }
    Ok(())
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
    let state = AppState::new(store.clone(), today)
        .during(Message::new("cli-loading-catalogue"))?
        .with_files(data_dir.join("attachments"))
        .with_uploads(data_dir.join("imports"));
    let mail = jobs::smtp::SmtpConfig::from_env()?;
    if mail.is_none() {
        tracing::info!("no mail server configured (CHANGXIAO_SMTP_URL): weekly digests stay in the outbox");
    }
    let delivery = jobs::Delivery { mail, lang: say::lang() };
    let scheduler =
        tokio::spawn(jobs::run_hourly(store.clone(), state.evaluations.clone(), delivery, data_dir.to_owned(), move || today.date()));
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
