//! `changxiao init` through the real binary, on a fresh SQLite data
//! directory or (with `CHANGXIAO_TEST_DATABASE_URL`) a fresh PostgreSQL
//! database: the root and the first two accounts are created once, the
//! passwords printed; every refusal names its option and writes nothing.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

/// A fresh place to initialise: its data directory and, on PostgreSQL, the database URL.
struct Place {
    dir: tempfile::TempDir,
    url: Option<String>,
}

impl Place {
    fn new() -> Self {
        let url = store::testing::postgres_base().map(|server| format!("{server}/changxiao_init_{}", domain::Id::generate()));
        Place { dir: tempfile::tempdir().unwrap(), url }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_changxiao"));
        command.args(["--data-dir", self.dir.path().to_str().unwrap(), "--today", TODAY]).args(args).env("CHANGXIAO_LOG", "error");
        match &self.url {
            Some(url) => command.args(["--database-url", url]),
            None => command.env_remove("CHANGXIAO_DATABASE_URL"),
        };
        command.stdin(std::process::Stdio::null()).output().unwrap()
    }

    fn dump(&self) -> String {
        runtime().block_on(async {
            let keys = store::PiiKeys::load_or_create(self.dir.path()).unwrap();
            let url = self.url.clone().unwrap_or_else(|| store::sqlite_url(self.dir.path()));
            let store = store::Store::connect(&url, keys).await.unwrap();
            store.migrate().await.unwrap();
            let dump = store.dump().await.unwrap();
            store.close().await;
            dump
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Some(url) = &self.url {
            let _ = runtime().block_on(store::drop_postgres_database(url));
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const COUNTY: &[&str] = &[
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

/// The one-time password printed on the line naming `login`.
fn password_of(out: &str, login: &str) -> String {
    let line = out.lines().find(|l| l.contains(&format!("login {login},"))).unwrap_or_else(|| panic!("no line for {login}:\n{out}"));
    line.split("one-time password ").nth(1).unwrap().split(' ').next().unwrap().to_owned()
}

#[test]
fn init_creates_the_root_and_two_accounts_that_must_change_their_passwords() {
    let place = Place::new();
    let out = place.run(&[COUNTY, &["--lang", "en"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("Set up 中共示范县委员会"), "{said}");
    let admin = password_of(&said, "admin");
    let auditor = password_of(&said, "auditor");
    assert_ne!(admin, auditor);
    assert!(admin.len() >= 12, "{admin}");

    let dump = place.dump();
    assert_eq!(dump.matches("中共示范县委员会").count(), 2, "the organization and its audit entry:\n{dump}");
    assert!(dump.contains("\"administrator\""), "{dump}");
    assert!(dump.contains("\"security_auditor\""), "{dump}");
    assert!(!dump.contains(&admin), "a password is never stored as given");

    let verified = place.run(&["audit", "verify", "--lang", "en"]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
}

#[test]
fn a_second_init_is_refused_and_changes_nothing() {
    let place = Place::new();
    assert!(place.run(COUNTY).status.success());
    let before = place.dump();
    let again = place.run(COUNTY);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("已经初始化"), "{}", text(&again.stderr));
    assert_eq!(place.dump(), before);
}

#[test]
fn a_branch_at_the_root_needs_its_province_and_a_bad_code_is_named() {
    let place = Place::new();
    let branch = ["init", "--name", "某村党支部", "--level", "grassroots", "--kind", "branch", "--founded-on", "1990-07-01"];
    let accounts = ["--admin-login", "admin", "--admin-name", "王管理", "--auditor-login", "auditor", "--auditor-name", "李审计"];
    let empty = place.dump();

    let missing = place.run(&[&branch[..], &accounts[..]].concat());
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("--province"), "{}", text(&missing.stderr));

    let bad = place.run(&[&branch[..], &accounts[..], &["--province", "99"]].concat());
    assert!(!bad.status.success());
    let said = text(&bad.stderr);
    assert!(said.contains("--province") && said.contains("99") && said.contains("行政区划代码"), "{said}");
    assert_eq!(place.dump(), empty, "nothing is written by a refused init");

    let central_with_code = place.run(
        &[
            &[
                "init",
                "--name",
                "某部党组",
                "--level",
                "central",
                "--kind",
                "party_group",
                "--founded-on",
                "1990-07-01",
                "--province",
                "11",
            ][..],
            &accounts[..],
        ]
        .concat(),
    );
    assert!(!central_with_code.status.success());
    assert_eq!(place.dump(), empty);

    let good = place.run(&[&branch[..], &accounts[..], &["--province", "510000"]].concat());
    assert!(good.status.success(), "{}", text(&good.stderr));
}

#[test]
fn the_same_login_for_both_accounts_is_refused() {
    let place = Place::new();
    let mut args = COUNTY.to_vec();
    let auditor = args.iter().position(|a| *a == "auditor").unwrap();
    args[auditor] = "admin";
    let out = place.run(&args);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("admin"), "{}", text(&out.stderr));
}
