//! The first hour of a real deployment, in Chromium against the real
//! binary: `changxiao init` on an empty data directory (or, with
//! `CHANGXIAO_TEST_DATABASE_URL`, a new PostgreSQL database), `changxiao
//! serve`, the administrator's first login and new password, the guide, the
//! organization tree of a county (200 organizations) and a roster of 3,000
//! members uploaded from the web — half as a GB18030 CSV whose first preview
//! names a bad row and is fixed, half as XLSX — a secretary's account, the
//! county's page and the branch's obligations of the month.
//!
//! Runs when `CHANGXIAO_E2E=1`, like the other browser tests.
#![allow(clippy::unwrap_used)]

mod browser;

use anyhow::{Context, Result, ensure};
use browser::{driver, enabled, locale, start_server};
use serde_json::json;
use std::path::Path;
use testkit::cli::{Cli, DataDir};

const TODAY: &str = "2026-11-23";
const TOWNSHIPS: usize = 20;
const BRANCHES: usize = 179;
const MEMBERS: usize = 3_000;

/// The branch of member `i` (`城关镇第3村党支部`-like names, unique in the county).
fn branch_name(b: usize) -> String {
    format!("{}第{}村党支部", township_name(b % TOWNSHIPS), b / TOWNSHIPS + 1)
}

fn township_name(t: usize) -> String {
    const NAMES: [&str; TOWNSHIPS] = [
        "城关镇",
        "河东镇",
        "河西镇",
        "青山镇",
        "白石镇",
        "龙泉镇",
        "金桥镇",
        "新华镇",
        "平安镇",
        "永安镇",
        "太平镇",
        "长乐镇",
        "红星镇",
        "东升镇",
        "西坝镇",
        "南山镇",
        "北河镇",
        "清水镇",
        "石门镇",
        "马鞍镇",
    ];
    format!("{}党委", NAMES[t])
}

/// The organization tree below the county committee: 20 township
/// committees and 179 village branches (200 organizations with the root).
fn tree_rows() -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for t in 0..TOWNSHIPS {
        rows.push(vec![township_name(t), String::new(), "township".into(), "committee".into(), String::new(), "1950-05-01".into()]);
    }
    for b in 0..BRANCHES {
        rows.push(vec![
            branch_name(b),
            township_name(b % TOWNSHIPS),
            "grassroots".into(),
            "branch".into(),
            String::new(),
            "1960-07-01".into(),
        ]);
    }
    rows
}

fn id_number(i: usize) -> String {
    let birth = 1950 + i / 1000;
    domain::IdNumber::with_check_char(&format!("510122{birth}0101{:03}", i % 1000)).unwrap().expose().to_owned()
}

/// Roster rows for members `from..to` (distinct ID numbers: a birth year per thousand, a serial within it).
fn roster_rows(from: usize, to: usize) -> Vec<Vec<String>> {
    (from..to)
        .map(|i| {
            let name = format!("党员{i:04}");
            vec![
                name,
                String::new(),
                "汉族".into(),
                id_number(i),
                String::new(),
                "正式党员".into(),
                "1990-07-01".into(),
                String::new(),
                branch_name(i % BRANCHES),
                String::new(),
                String::new(),
            ]
        })
        .collect()
}

fn write_xlsx(path: &Path, headers: &[&str], rows: &[Vec<String>]) {
    std::fs::write(path, sheets::OutputFormat::Xlsx.write(headers, rows).unwrap()).unwrap();
}

/// A CSV file in GB18030, as Excel on a Chinese Windows saves it.
fn write_gb18030_csv(path: &Path, headers: &[&str], rows: &[Vec<String>]) {
    let mut text = headers.join(",");
    text.push_str("\r\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push_str("\r\n");
    }
    testkit::files::write_gb18030(path, &text);
}

/// The options that point the binary at `place` on the test's fixed day.
fn args(place: &DataDir, command: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = command.iter().map(|s| (*s).to_owned()).collect();
    args.extend(["--data-dir".to_owned(), place.arg().to_owned(), "--today".to_owned(), TODAY.to_owned()]);
    if let Some(url) = place.database_url() {
        args.extend(["--database-url".to_owned(), url.to_owned()]);
    }
    args
}

/// Runs `changxiao init` for the county; the administrator's one-time password.
fn init(place: &DataDir) -> Result<String> {
    let out = Cli::new(env!("CARGO_BIN_EXE_changxiao")).en().on(place).run(testkit::cli::INIT_COUNTY);
    ensure!(out.success(), "init failed: {}{}", out.stderr, out.stdout);
    testkit::cli::one_time_password(&out.stdout, "admin").context("no administrator password")
}

/// Uploads `file` as `kind` on /imports and returns the page it leads to.
fn upload(s: &browser::Session, kind: &str, file: &Path) -> Result<()> {
    s.open("/imports")?;
    s.click(&format!("input[name=kind][value={kind}]"))?;
    s.choose_file("#import-file", file)?;
    s.click_to_navigate("form[action='/imports/upload'] button[type=submit]")
}

fn count(s: &browser::Session, id: &str) -> Result<i64> {
    let text = s.text(&s.find(&format!("#{id}"))?)?;
    text.trim().parse().with_context(|| format!("#{id} is {text:?}"))
}

/// Confirms the preview on the page and checks that the upload is imported.
fn commit(s: &browser::Session, imported: &str) -> Result<()> {
    s.click_to_navigate("#commit")?;
    let status = s.text(&s.find("#upload-status")?)?;
    ensure!(status == imported, "after the commit the upload is {status:?}: {}", s.body_text()?);
    Ok(())
}

#[test]
fn the_first_hour_from_an_empty_machine_to_a_county_at_work() -> Result<()> {
    if !enabled("the_first_hour_from_an_empty_machine_to_a_county_at_work") {
        return Ok(());
    }
    let zh = locale("zh-CN")?;
    let word = |id: &str| zh.get(id).cloned().with_context(|| format!("no word {id}"));
    let place = DataDir::from_env("first_hour");
    let one_time = init(&place)?;
    let server_dir = tempfile::Builder::new().prefix("changxiao-first-hour-").tempdir()?.keep();
    let (_server, origin) = start_server(&server_dir, &args(&place, &["serve", "--addr", "127.0.0.1:0"]))?;
    let files = tempfile::tempdir()?;
    let s = driver()?.session(&origin, 1366, 900)?;

    // The first login leads to the new password, then to the guide.
    s.login("admin", &one_time)?;
    ensure!(s.current_path()?.starts_with("/account/password"), "first login went to {}", s.current_path()?);
    s.type_into(&s.find("#current")?, &one_time)?;
    s.type_into(&s.find("#password")?, "县里的新密码-2026")?;
    s.type_into(&s.find("#password2")?, "县里的新密码-2026")?;
    s.click_to_navigate("form[action='/account/password'] button[type=submit]")?;
    ensure!(s.current_path()?.starts_with("/account"), "after the new password: {} {}", s.current_path()?, s.body_text()?);
    s.open("/")?;
    ensure!(s.current_path()? == "/guide", "the administrator's first page is the guide, not {}", s.current_path()?);
    ensure!(s.h1()? == word("guide-title")?);

    // The organization tree, previewed and committed.
    let tree = files.path().join("组织架构.xlsx");
    write_xlsx(&tree, &domain::org_sheet::org_template_headers(), &tree_rows());
    upload(&s, "orgs", &tree)?;
    ensure!(s.current_path()?.starts_with("/imports/"), "no preview: {}", s.body_text()?);
    ensure!(count(&s, "count-created")? == 199, "{}", s.body_text()?);
    ensure!(s.exists("tr.row-create")?);
    commit(&s, &word("upload-status-committed")?)?;

    // Half the roster as a GB18030 CSV with a bad ID number on line 8.
    let headers = domain::roster::template_headers();
    let mut first_half = roster_rows(0, MEMBERS / 2);
    let good = first_half[6][3].clone();
    let wrong_check = if good.ends_with('0') { '1' } else { '0' };
    first_half[6][3] = format!("{}{wrong_check}", &good[..17]);
    let csv = files.path().join("名册一.csv");
    write_gb18030_csv(&csv, &headers, &first_half);
    upload(&s, "roster", &csv)?;
    let refusal = s.text(&s.find("#refusal")?)?;
    ensure!(refusal.contains("第8行") && refusal.contains("公民身份号码"), "the bad row is named: {refusal}");
    first_half[6][3] = good;
    write_gb18030_csv(&csv, &headers, &first_half);
    upload(&s, "roster", &csv)?;
    ensure!(count(&s, "count-created")? == 1_500, "{}", s.body_text()?);
    commit(&s, &word("upload-status-committed")?)?;

    // The other half as XLSX.
    let xlsx = files.path().join("名册二.xlsx");
    write_xlsx(&xlsx, &headers, &roster_rows(MEMBERS / 2, MEMBERS));
    upload(&s, "roster", &xlsx)?;
    ensure!(count(&s, "count-created")? == 1_500);
    commit(&s, &word("upload-status-committed")?)?;

    // The same file again changes nothing.
    upload(&s, "roster", &xlsx)?;
    ensure!(count(&s, "count-created")? == 0 && count(&s, "count-unchanged")? == 1_500);
    s.click_to_navigate("#cancel")?;

    // A secretary for the first branch.
    s.open("/guide")?;
    let branch_href = s
        .js(
            "return Array.from(document.querySelectorAll('ul.left a')).map(a => a.getAttribute('href')).find(h => h.startsWith('/orgs/'))",
            json!([]),
        )?
        .as_str()
        .context("the guide lists branches without a secretary")?
        .to_owned();
    let branch_id = branch_href.trim_start_matches("/orgs/").to_owned();
    s.open("/admin/accounts")?;
    s.type_into(&s.find("#new-login")?, "shuji")?;
    s.type_into(&s.find("#new-name")?, "赵书记")?;
    s.type_into(&s.find("#new-password")?, "支部书记的密码-2026")?;
    s.js(
        "document.querySelector('#grant-role').value = 'secretary'; document.querySelector('#grant-org').value = arguments[0];",
        json!([branch_id]),
    )?;
    s.click("form[action='/admin/accounts'] button[type=submit]")?;
    browser::wait_until(std::time::Duration::from_secs(30), "the new account to be listed", || {
        Ok(s.js("return document.readyState", json!([]))? == "complete"
            && s.exists("a[href^='/admin/accounts/']")?
            && s.body_text()?.contains("赵书记"))
    })?;

    // The county's page counts every member.
    s.open("/")?;
    ensure!(s.current_path()? != "/guide", "with a tree and a roster the guide is no longer the first page");
    let total = s.js("return document.body.innerText", json!([]))?.as_str().unwrap_or_default().to_owned();
    ensure!(total.contains("3000") || total.contains("3,000"), "the county counts 3,000 members: {total}");

    // The secretary sees the branch and what is due this month.
    let secretary = driver()?.session(&origin, 390, 844)?;
    secretary.login("shuji", "支部书记的密码-2026")?;
    if secretary.current_path()?.starts_with("/account/password") {
        secretary.type_into(&secretary.find("#current")?, "支部书记的密码-2026")?;
        secretary.type_into(&secretary.find("#password")?, "我自己的密码-2026")?;
        secretary.type_into(&secretary.find("#password2")?, "我自己的密码-2026")?;
        secretary.click_to_navigate("form[action='/account/password'] button[type=submit]")?;
    }
    secretary.open("/")?;
    ensure!(secretary.current_path()? == branch_href, "the secretary lands on the branch: {}", secretary.current_path()?);
    ensure!(secretary.exists("#this-month")?, "the branch shows this month: {}", secretary.body_text()?);
    Ok(())
}
