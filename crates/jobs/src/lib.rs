//! The scheduled jobs of Changxiao: the weekly digest (what is due and
//! overdue, for each person with an account and each secretary) and the
//! reminders of plans left open ([`reminders`]), queued in the outbox and
//! mailed if a mail server is configured.
//!
//! Every job is idempotent: running it twice queues nothing new. `changxiao
//! serve` runs the due jobs at start and then hourly ([`run_hourly`]);
//! `changxiao jobs run` runs them once, for cron and tests ([`run_due`]).
//! On PostgreSQL one process at a time runs them (a job lock); the others
//! skip the round. SQLite has no such lock: run the jobs from one process
//! only (docs/OPERATIONS.md), or a digest may be mailed twice.
//!
//! The composing is pure ([`digest`]); what is open comes from a
//! [`store::obligations::OpenObligations`]: the web server's evaluation, or
//! [`weekly::FreshEvaluator`], which builds the engine from the records.
//! Mail is written in the deployment's language ([`Delivery`]).
#![forbid(unsafe_code)]

pub mod digest;
pub mod reminders;
pub mod smtp;
pub mod weekly;

use chrono::NaiveDate;
use i18n::Lang;
use smtp::SmtpConfig;
use std::time::Duration;
use store::Store;
use store::obligations::{ObligationsError, OpenObligations};

pub use weekly::{FreshEvaluator, Summary, run_weekly_digests};

/// Why a job could not run.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("the records cannot be evaluated: {0}")]
    World(#[from] rules::world::WorldError),
    #[error("the evaluation failed: {0}")]
    Evaluation(String),
}

impl From<ObligationsError> for JobError {
    fn from(e: ObligationsError) -> Self {
        match e {
            ObligationsError::Store(e) => JobError::Store(e),
            ObligationsError::World(e) => JobError::World(e),
            ObligationsError::Evaluation(e) => JobError::Evaluation(e),
        }
    }
}

/// How the jobs reach people: the mail server, if any, and the language
/// their mail is written in (the deployment's, zh-CN unless set).
#[derive(Clone, Debug, Default)]
pub struct Delivery {
    pub mail: Option<SmtpConfig>,
    pub lang: Lang,
}

/// Runs every due job once. `None` when another process holds the job
/// lock and is running them.
pub async fn run_due<E: OpenObligations>(
    store: &Store,
    evaluator: &E,
    delivery: &Delivery,
    today: NaiveDate,
) -> Result<Option<Summary>, JobError> {
    let Some(lock) = store.try_job_lock("scheduler").await? else { return Ok(None) };
    let mail = delivery.mail.as_ref();
    let result = run_weekly_digests(store, evaluator, mail, delivery.lang, today).await;
    let reminded = reminders::run_plan_reminders(store, mail, delivery.lang, today).await;
    lock.release().await;
    match &reminded {
        Ok(r) => tracing::info!(summary = %r, "plan reminders ran"),
        Err(e) => tracing::warn!(error = %e, "plan reminders failed"),
    }
    let summary = result?;
    reminded?;
    Ok(Some(summary))
}

/// Runs the due jobs now and then every hour, logging what each round did,
/// and signs the audit chains' heads into `data_dir` after each round that
/// ran, until the task is dropped. `today` gives the day of each round.
pub async fn run_hourly<E: OpenObligations>(
    store: Store,
    evaluator: E,
    delivery: Delivery,
    data_dir: std::path::PathBuf,
    today: impl Fn() -> NaiveDate,
) {
    let mut interval = tokio::time::interval(Duration::from_secs(3600));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match run_due(&store, &evaluator, &delivery, today()).await {
            Ok(Some(summary)) => {
                tracing::info!(%summary, "scheduled jobs ran");
                if let Err(e) = store.sign_heads(&data_dir, "scheduled").await {
                    tracing::warn!(error = %e, "the audit chains' heads could not be signed");
                }
            }
            Ok(None) => tracing::info!("scheduled jobs skipped: another process is running them"),
            Err(e) => tracing::warn!(error = %e, "scheduled jobs failed; they run again in an hour"),
        }
    }
}
