//! The command-line interface: commands, options and their defaults. Other
//! tools and scripts rely on these names.

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "changxiao",
    version,
    about = "长效 Changxiao: the long-term mechanisms of the thematic education, run by every party organization"
)]
pub struct Cli {
    /// Files and keys (and the SQLite database unless --database-url names PostgreSQL).
    /// Default ./changxiao-data; for `demo`, ./changxiao-demo.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// postgres://user@host:port/name to use PostgreSQL instead of SQLite.
    #[arg(long, global = true, env = "CHANGXIAO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The day every date-dependent output is computed for (default: today in Asia/Shanghai).
    #[arg(long, global = true, value_parser = parse_day)]
    pub today: Option<NaiveDate>,
    /// The language of everything printed: zh-CN or en.
    #[arg(long, global = true, env = "CHANGXIAO_LANG", default_value = "zh-CN", value_parser = parse_lang)]
    pub lang: i18n::Lang,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Rebuild the demo county in its own directory and serve it.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
        /// Build the demo data and exit.
        #[arg(long)]
        no_serve: bool,
    },
    /// Serve the product (applies pending migrations first).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Apply the schema to the database, creating it if missing.
    Migrate,
    /// Set up an empty installation: the root organization, the first
    /// administrator and the first security auditor (asks for what is missing).
    Init {
        #[command(flatten)]
        flags: crate::init::InitFlags,
    },
    /// Load members, organizations or held activities from a spreadsheet.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Write data out as a spreadsheet.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Check or trim the audit trail.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Evaluate every requirement for every subject of a subtree: status per
    /// period, the evidence and why.
    Evaluate {
        /// The organization whose subtree is evaluated (default: every root).
        #[arg(long)]
        org: Option<String>,
        /// The year (default: the year of --as-of).
        #[arg(long)]
        year: Option<i32>,
        /// The day of the evaluation (default: --today, or today).
        #[arg(long, value_parser = parse_day)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "json")]
        format: crate::evaluate::Format,
    },
    /// Generate a deterministic dataset (a province by default), write it as
    /// CSV with --out, and evaluate it.
    Gen {
        /// province, city, county, or a factor of a province.
        #[arg(long, default_value = "province", value_parser = crate::generate::parse_scale)]
        scale: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// An empty or new directory for the CSV files.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Manage login accounts from the command line (the first administrator).
    Account {
        #[command(subcommand)]
        what: AccountWhat,
    },
    /// The scheduled jobs (the weekly digest), which `serve` runs hourly.
    Jobs {
        #[command(subcommand)]
        what: JobsWhat,
    },
}

#[derive(Subcommand, Debug)]
pub enum JobsWhat {
    /// Run the due jobs once (for cron and tests); idempotent. Mail is sent
    /// only with CHANGXIAO_SMTP_URL and CHANGXIAO_SMTP_FROM set.
    Run,
}

#[derive(Subcommand, Debug)]
pub enum AuditWhat {
    /// Verify every hash chain and compare the chains' heads with the latest
    /// signed ones; exits 1 naming the first broken entry, lost tail or rollback.
    Verify,
    /// Announce that the database was restored from a copy: records a signed
    /// "restored to these heads" entry, so that `verify` reports it as such.
    Restored,
    /// Remove entries older than the retention period (at least 6 months).
    Purge {
        #[arg(long, default_value_t = 6)]
        keep_months: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccountWhat {
    /// Create an account holding one role on an organization's subtree; prints a
    /// one-time password that must be changed at the first login.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// secretary | org_department | administrator | security_auditor
        #[arg(long)]
        role: String,
        #[arg(long)]
        org: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportWhat {
    /// Members from XLSX, XLS or CSV (template columns 姓名, 性别, 民族, 公民身份号码, …).
    Roster {
        file: PathBuf,
        /// The organization the roster belongs to (rows may name organizations under it).
        #[arg(long)]
        org: String,
    },
    /// Organizations from XLSX, XLS or CSV (组织名称, 上级组织, 组织层级, 组织类别, 单位类型, 成立日期).
    Orgs {
        file: PathBuf,
        #[arg(long)]
        org: String,
    },
    /// Held activities from XLSX, XLS or CSV (活动类型, 主办组织, 举办日期, 开始时间, 时长（分钟）, 主讲人, 议程,
    /// 缺席人员, 走访类型, 案例性质, 标题, 会议记录; see docs/IMPORT.md). Rows already recorded are skipped.
    Activities {
        file: PathBuf,
        /// The organization whose subtree the rows' hosts are in (a row without a host is its own).
        #[arg(long)]
        org: String,
    },
    /// Write an empty template (.xlsx or .csv by the file name).
    Template {
        file: PathBuf,
        /// The organization-tree template instead of the roster.
        #[arg(long)]
        orgs: bool,
        /// The activity template (with one example row) instead of the roster.
        #[arg(long, conflicts_with = "orgs")]
        activities: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportWhat {
    /// The members of an organization and everything under it.
    Roster {
        #[arg(long)]
        org: String,
        /// FILE.xlsx or FILE.csv
        file: PathBuf,
    },
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| crate::say::text(&domain::Message::new("cli-not-a-day").text("value", s)))
}

fn parse_lang(s: &str) -> Result<i18n::Lang, String> {
    i18n::Lang::parse(s).ok_or_else(|| crate::say::text(&domain::Message::new("cli-unknown-lang").text("value", s)))
}
