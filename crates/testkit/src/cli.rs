//! The real binary on real data directories. The binary's path is known
//! only to the crate that builds it (`env!("CARGO_BIN_EXE_changxiao")`), so
//! that crate hands it over once, and the arguments every call needs — the
//! fixed day, the data directory, the PostgreSQL database — are added here:
//!
//! ```text
//! let data = DataDir::sqlite("data");
//! let out = Cli::new(env!("CARGO_BIN_EXE_changxiao")).on(&data).run(&["import", "roster", file, "--org", &branch]);
//! assert!(out.success(), "{}", out.stderr);
//! assert_eq!(data.dump(), before);
//! ```

use crate::TODAY;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use store::{PiiKeys, Store};

/// One way of running the binary: which one, in which language, on which data.
#[derive(Clone, Debug)]
pub struct Cli {
    bin: PathBuf,
    lang: Option<&'static str>,
    data: Option<(PathBuf, Option<String>)>,
}

impl Cli {
    /// The binary at `bin`, on [`TODAY`], logging only errors, ignoring any
    /// database URL or key the environment of the test run holds.
    pub fn new(bin: impl Into<PathBuf>) -> Cli {
        Cli { bin: bin.into(), lang: None, data: None }
    }

    /// Speaking English (`--lang en`).
    pub fn en(&self) -> Cli {
        Cli { lang: Some("en"), ..self.clone() }
    }

    /// On the data directory (and PostgreSQL database) of `data`.
    pub fn on(&self, data: &DataDir) -> Cli {
        Cli { data: Some((data.path.clone(), data.database_url.clone())), ..self.clone() }
    }

    /// Runs it with `args` and waits for it to finish.
    pub fn run(&self, args: &[&str]) -> Ran {
        let mut command = Command::new(&self.bin);
        command.args(args);
        if let Some(lang) = self.lang {
            command.args(["--lang", lang]);
        }
        command.args(["--today", TODAY]);
        if let Some((dir, url)) = &self.data {
            command.arg("--data-dir").arg(dir);
            if let Some(url) = url {
                command.args(["--database-url", url]);
            }
        }
        command.env("CHANGXIAO_LOG", "error").env_remove("CHANGXIAO_DATABASE_URL").env_remove("CHANGXIAO_PII_KEY");
        let out = command.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()));
        Ran {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// What a run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Ran {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// The exit code.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Standard output as JSON (it must hold nothing else).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// A data directory in a temporary directory of its own (beside it, room
/// for the test's files), with a PostgreSQL database of its own when asked
/// for; the database is dropped when this goes, even when the test fails.
pub struct DataDir {
    dir: tempfile::TempDir,
    path: PathBuf,
    database_url: Option<String>,
}

impl DataDir {
    /// `name` in a fresh temporary directory, on SQLite.
    pub fn sqlite(name: &str) -> DataDir {
        DataDir::with_database(name, None)
    }

    fn with_database(name: &str, database_url: Option<String>) -> DataDir {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        DataDir { dir, path, database_url }
    }

    /// The same, on a new PostgreSQL database (whose name holds `name`) on
    /// the server `CHANGXIAO_TEST_DATABASE_URL` names; None without one.
    pub fn postgres(name: &str) -> Option<DataDir> {
        let server = store::testing::postgres_base()?;
        let url = format!("{server}/changxiao_{name}_{}", domain::Id::generate());
        Some(DataDir::with_database(name, Some(url)))
    }

    /// On PostgreSQL when the environment names a server, else on SQLite.
    pub fn from_env(name: &str) -> DataDir {
        DataDir::postgres(name).unwrap_or_else(|| DataDir::sqlite(name))
    }

    /// The data directory itself.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data directory as an argument.
    pub fn arg(&self) -> &str {
        self.path.to_str().unwrap()
    }

    /// A file beside the data directory, for the test to write or the binary to write into.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The PostgreSQL database's URL, if it has one.
    pub fn database_url(&self) -> Option<&str> {
        self.database_url.as_deref()
    }

    /// The URL that reaches its database from outside the store.
    pub fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| store::sqlite_url(&self.path))
    }

    /// Opens its database with its own keys (creating both when missing).
    pub async fn store(&self) -> Store {
        let keys = PiiKeys::load_or_create(&self.path).unwrap();
        Store::connect(&self.url(), keys).await.unwrap()
    }

    /// Every row of its database (migrated first, which writes no row of
    /// its own), to show that a command changed nothing.
    pub fn dump(&self) -> String {
        self.with_store(async |store| {
            store.migrate().await.unwrap();
            store.dump().await.unwrap()
        })
    }

    /// Runs `f` on its store, opened for the call and closed after.
    pub fn with_store<T>(&self, f: impl AsyncFnOnce(&Store) -> T) -> T {
        block_on(async {
            let store = self.store().await;
            let out = f(&store).await;
            store.close().await;
            out
        })
    }

    /// Runs statements on its database around the store, one at a time.
    pub fn execute(&self, statements: &[&str]) {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => format!("{}?mode=rwc", store::sqlite_url(&self.path)),
        };
        block_on(async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
            for s in statements {
                sqlx::query(s).execute(&pool).await.unwrap_or_else(|e| panic!("{s}: {e}"));
            }
            pool.close().await;
        });
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        if let Some(url) = &self.database_url
            && let Err(e) = block_on(store::drop_postgres_database(url))
        {
            eprintln!("could not drop the test database {url}: {e}");
        }
    }
}

/// Runs a future to its end on a runtime of its own (tests of the binary
/// are plain `#[test]`s).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

/// `changxiao init` for a county committee founded on 1950-03-01 in
/// province 51, with the administrator `admin` (王管理) and the security
/// auditor `auditor` (李审计).
pub const INIT_COUNTY: &[&str] = &[
    "init",
    "--name",
    "中共示范县委员会",
    "--level",
    "county",
    "--kind",
    "committee",
    "--founded-on",
    "1950-03-01",
    "--province",
    "51",
    "--admin-login",
    "admin",
    "--admin-name",
    "王管理",
    "--auditor-login",
    "auditor",
    "--auditor-name",
    "李审计",
];

/// The one-time password `changxiao init` (in English) printed on the line
/// naming `login`.
pub fn one_time_password(out: &str, login: &str) -> Option<String> {
    let line = out.lines().find(|l| l.contains(&format!("login {login},")))?;
    Some(line.split("one-time password ").nth(1)?.split(' ').next()?.to_owned())
}
