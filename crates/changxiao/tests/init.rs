//! `changxiao init` through the real binary, on a fresh SQLite data
//! directory or (with `CHANGXIAO_TEST_DATABASE_URL`) a fresh PostgreSQL
//! database: the root and the first two accounts are created once, the
//! passwords printed; every refusal names its option and writes nothing.
#![allow(clippy::unwrap_used)]

use testkit::cli::{Cli, DataDir};

fn changxiao() -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_changxiao"))
}

const COUNTY: &[&str] = testkit::cli::INIT_COUNTY;

/// The one-time password printed on the line naming `login`.
fn password_of(out: &str, login: &str) -> String {
    testkit::cli::one_time_password(out, login).unwrap_or_else(|| panic!("no password for {login}:\n{out}"))
}

#[test]
fn init_creates_the_root_and_two_accounts_that_must_change_their_passwords() {
    let place = DataDir::from_env("init");
    let out = changxiao().en().on(&place).run(COUNTY);
    assert!(out.success(), "{}", out.stderr);
    let said = out.stdout;
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

    let verified = changxiao().on(&place).run(&["audit", "verify"]);
    assert!(verified.success(), "{}", verified.stderr);
}

#[test]
fn a_second_init_is_refused_and_changes_nothing() {
    let place = DataDir::from_env("init");
    assert!(changxiao().on(&place).run(COUNTY).success());
    let before = place.dump();
    let again = changxiao().on(&place).run(COUNTY);
    assert!(!again.success());
    assert!(again.stderr.contains("已经初始化"), "{}", again.stderr);
    assert_eq!(place.dump(), before);
}

#[test]
fn a_branch_at_the_root_needs_its_province_and_a_bad_code_is_named() {
    let place = DataDir::from_env("init");
    let run = |args: &[&str]| changxiao().on(&place).run(args);
    let branch = ["init", "--name", "某村党支部", "--level", "grassroots", "--kind", "branch", "--founded-on", "1990-07-01"];
    let accounts = ["--admin-login", "admin", "--admin-name", "王管理", "--auditor-login", "auditor", "--auditor-name", "李审计"];
    // A database that was never initialised: migrated, and empty.
    let migrated = run(&["migrate"]);
    assert!(migrated.success(), "{}", migrated.stderr);
    let empty = place.dump();

    let missing = run(&[&branch[..], &accounts[..]].concat());
    assert!(!missing.success());
    assert!(missing.stderr.contains("--province"), "{}", missing.stderr);

    let bad = run(&[&branch[..], &accounts[..], &["--province", "99"]].concat());
    assert!(!bad.success());
    let said = bad.stderr;
    assert!(said.contains("--province") && said.contains("99") && said.contains("行政区划代码"), "{said}");
    assert_eq!(place.dump(), empty, "nothing is written by a refused init");

    let central_with_code =
        run(&[
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
        .concat());
    assert!(!central_with_code.success());
    assert_eq!(place.dump(), empty);

    let good = run(&[&branch[..], &accounts[..], &["--province", "510000"]].concat());
    assert!(good.success(), "{}", good.stderr);
}

#[test]
fn the_same_login_for_both_accounts_is_refused() {
    let place = DataDir::from_env("init");
    let mut args = COUNTY.to_vec();
    let auditor = args.iter().position(|a| *a == "auditor").unwrap();
    args[auditor] = "admin";
    let out = changxiao().on(&place).run(&args);
    assert!(!out.success());
    assert!(out.stderr.contains("admin"), "{}", out.stderr);
    assert!(!place.dump().contains("\"administrator\""), "nothing is written");
}
