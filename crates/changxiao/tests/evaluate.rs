//! `changxiao evaluate` on the real binary over the demo county: it finds
//! exactly the gaps the demo planted, its JSON for one branch matches the
//! committed snapshot, and bad arguments are refused by name.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;
use testkit::cli::{Cli, DataDir};

/// The binary this crate builds, on 2026-11-23.
fn changxiao() -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_changxiao"))
}

/// One demo for every test of this file.
fn demo() -> &'static DataDir {
    static DATA: OnceLock<DataDir> = OnceLock::new();
    DATA.get_or_init(|| {
        let data = DataDir::sqlite("demo");
        let out = changxiao().on(&data).run(&["demo", "--no-serve"]);
        assert!(out.success(), "{}", out.stderr);
        data
    })
}

fn evaluate(args: &[&str]) -> Value {
    let out = changxiao().on(demo()).run(&[&["evaluate"], args].concat());
    assert!(out.success(), "{}", out.stderr);
    out.json()
}

type Key = (String, String, String);

fn keys(cells: &[Value], status: &str) -> BTreeSet<Key> {
    cells
        .iter()
        .filter(|c| c["status"] == status)
        .map(|c| {
            (
                c["requirement"].as_str().unwrap().to_owned(),
                c["subject"].as_str().unwrap().to_owned(),
                c["period"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn evaluation_finds_exactly_the_planted_gaps() {
    let doc = evaluate(&["--year", "2025", "--as-of", "2026-01-31"]);
    let planted: Value = serde_json::from_slice(&std::fs::read(demo().path().join("planted-gaps.json")).unwrap()).unwrap();
    let planted: BTreeSet<Key> = planted
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["period"].as_str().unwrap().starts_with("2025"))
        .map(|g| {
            (
                g["requirement"].as_str().unwrap().to_owned(),
                g["subject_id"].as_str().unwrap().to_owned(),
                g["period"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let cells = doc["cells"].as_array().unwrap();
    assert!(planted.len() >= 8, "the demo plants gaps: {planted:?}");
    assert_eq!(keys(cells, "missed"), planted);
    assert!(keys(cells, "overdue").is_empty() && keys(cells, "due").is_empty());
    // Every requirement of the catalogue has cells, and unbuilt ones are not applicable.
    let requirements: BTreeSet<&str> = cells.iter().map(|c| c["requirement"].as_str().unwrap()).collect();
    assert_eq!(requirements.len(), 21, "{requirements:?}");
    for c in cells.iter().filter(|c| c["requirement"] == "rectification") {
        assert_eq!((c["status"].as_str(), c["why_code"].as_str()), (Some("not_applicable"), Some("feature_not_built")));
    }
    // Frequencies no document sets wait for the local rule; a political birthday is never missed.
    for c in cells
        .iter()
        .filter(|c| ["discipline-education", "political-checkup", "four-under-grassroots"].contains(&c["requirement"].as_str().unwrap()))
    {
        assert_eq!((c["status"].as_str(), c["why_code"].as_str()), (Some("not_applicable"), Some("pending_local_rule")));
    }
    let birthdays: Vec<&str> =
        cells.iter().filter(|c| c["requirement"] == "political-birthday").map(|c| c["status"].as_str().unwrap()).collect();
    assert!(birthdays.contains(&"met") && birthdays.iter().all(|s| ["met", "not_applicable"].contains(s)), "{birthdays:?}");
    let kinds: BTreeSet<&str> = doc["requirements"].as_array().unwrap().iter().map(|r| r["source_kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, BTreeSet::from(["common_practice", "method", "national"]));
    // Every met cell of an organization names its evidence.
    assert!(
        cells
            .iter()
            .filter(|c| c["status"] == "met" && c["subject_kind"] == "organization")
            .all(|c| !c["evidence"].as_array().unwrap().is_empty())
    );
}

#[test]
fn the_json_for_one_branch_matches_the_snapshot() {
    let all = evaluate(&["--year", "2025", "--as-of", "2026-01-31"]);
    let branch = all["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject_name"] == demo::DUPLICATE_NAME_BRANCH)
        .map(|c| c["subject"].as_str().unwrap().to_owned())
        .unwrap();
    let doc = evaluate(&["--org", &branch, "--year", "2025", "--as-of", "2026-01-31", "--lang", "en"]);
    // The subtree's cells are those of the whole evaluation.
    for status in ["met", "missed", "not_applicable"] {
        let whole = keys(all["cells"].as_array().unwrap(), status);
        assert!(keys(doc["cells"].as_array().unwrap(), status).is_subset(&whole), "{status}");
    }
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/evaluate_branch_2025.json");
    if std::env::var_os("CHANGXIAO_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        text == expected,
        "the evaluation of {branch} differs from {}; rerun with CHANGXIAO_UPDATE_SNAPSHOTS=1 if the change is meant",
        path.display()
    );
}

#[test]
fn the_current_year_shows_due_and_met_cells_and_a_readable_table() {
    let doc = evaluate(&["--as-of", "2026-11-23"]);
    assert_eq!(doc["year"], 2026);
    let cells = doc["cells"].as_array().unwrap();
    assert!(!keys(cells, "due").is_empty(), "November's meetings are still due");
    assert!(keys(cells, "missed").is_empty());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    assert!(cells.iter().all(|c| rules::Period::parse(c["period"].as_str().unwrap()).unwrap().first_day() <= today));
    let out = changxiao().on(demo()).run(&["evaluate", "--format", "table", "--lang", "zh-CN"]);
    let table = out.stdout;
    assert!(table.starts_with("要求\t对象\t期间\t状态\t原因"), "{table:.200}");
    assert!(table.contains("待落实"));
}

#[test]
fn bad_arguments_are_refused_by_name() {
    for (args, named) in [
        (vec!["--org", "not-an-id"], "--org"),
        (vec!["--org", "0000000000000000000000000000dead"], "没有组织"),
        (vec!["--lang", "fr"], "--lang"),
        (vec!["--year", "1850"], "--year"),
        (vec!["--as-of", "2025-02-30"], "--as-of"),
    ] {
        let out = changxiao().on(demo()).run(&[&["evaluate"], &args[..]].concat());
        assert!(!out.success(), "{args:?} was accepted");
        assert!(out.stdout.is_empty());
        assert!(out.stderr.contains(named), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn gen_writes_a_deterministic_dataset_and_evaluates_it() {
    let (a, b) = (DataDir::sqlite("a"), DataDir::sqlite("b"));
    for dir in [&a, &b] {
        let out = changxiao().run(&["gen", "--scale", "0.002", "--seed", "7", "--out", dir.file("world").to_str().unwrap()]);
        assert!(out.success(), "{}", out.stderr);
        assert!(out.stdout.starts_with("已评估 2025 年的 "), "{}", out.stdout);
    }
    for table in ["orgs.csv", "people.csv", "memberships.csv", "positions.csv", "activities.csv", "attendance.csv"] {
        let first = std::fs::read(a.file("world").join(table)).unwrap();
        assert!(first.len() > 100, "{table} is nearly empty");
        assert_eq!(first, std::fs::read(b.file("world").join(table)).unwrap(), "{table} differs between two runs");
    }
    // A directory that is not empty is never overwritten; a bad scale is refused by name.
    let out = changxiao().run(&["gen", "--scale", "0.002", "--out", a.file("world").parent().unwrap().to_str().unwrap()]);
    assert!(!out.success() && out.stderr.contains("--out"));
    let out = changxiao().run(&["gen", "--scale", "galaxy"]);
    assert!(!out.success() && out.stderr.contains("--scale"));
}
