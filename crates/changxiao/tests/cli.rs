//! The real `changxiao` binary on real files: the demo's safety rule, roster
//! import from a GB18030 CSV, refusal of bad files with one message per bad
//! row and nothing written, idempotent re-import, export and templates.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

fn changxiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_changxiao")).args(args).args(["--today", TODAY]).env("CHANGXIAO_LOG", "error").output().unwrap()
}

/// The binary speaking English (`--lang en`).
fn changxiao_en(args: &[&str]) -> Output {
    changxiao(&[args, &["--lang", "en"]].concat())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

async fn open(dir: &Path) -> store::Store {
    let keys = store::PiiKeys::load_or_create(dir).unwrap();
    store::Store::connect(&store::sqlite_url(dir), keys).await.unwrap()
}

fn dump(dir: &Path) -> String {
    runtime().block_on(async {
        let store = open(dir).await;
        let dump = store.dump().await.unwrap();
        store.close().await;
        dump
    })
}

/// Builds the demo in `dir` and returns the id of the branch with two members of the same name.
fn demo_with_branch(dir: &Path) -> String {
    let out = changxiao(&["demo", "--no-serve", "--data-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    runtime().block_on(async {
        let store = open(dir).await;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let found = store.search_orgs(demo::DUPLICATE_NAME_BRANCH, None, day, 5).await.unwrap();
        store.close().await;
        found[0].id.to_string()
    })
}

fn id_number(seq: u32) -> String {
    domain::IdNumber::with_check_char(&format!("51282319800101{seq:03}")).unwrap().expose().to_owned()
}

fn write_gb18030(path: &Path, text: &str) {
    let (bytes, _, had_errors) = encoding_rs::GB18030.encode(text);
    assert!(!had_errors);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn the_demo_never_wipes_a_directory_that_is_not_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("changxiao.db");
    std::fs::write(&precious, b"real data").unwrap();
    let out = changxiao_en(&["demo", "--no-serve", "--data-dir", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is not a demo directory"), "{}", stderr(&out));
    let out = changxiao(&["demo", "--no-serve", "--data-dir", dir.path().to_str().unwrap()]);
    assert!(stderr(&out).contains("不是演示目录"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&precious).unwrap(), b"real data");
}

#[test]
fn a_gb18030_roster_imports_once_and_a_second_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let branch = demo_with_branch(&data);
    let file = dir.path().join("名册.csv");
    let csv = format!(
        "姓名,性别,民族,公民身份号码,出生日期,人员类别,入党日期,转正日期,所在党组织,党内职务,联系电话\n\
         赵𠮷,男,汉族,{},,正式党员,2001/7/1,2002/7/1,,,13812345678\n\
         阿依古丽·买买提,女,维吾尔族,{},,预备党员,2026年3月1日,,,,\n",
        id_number(11),
        id_number(22)
    );
    write_gb18030(&file, &csv);
    let args = ["import", "roster", file.to_str().unwrap(), "--org", &branch, "--data-dir", data.to_str().unwrap()];
    let first = changxiao(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("新增 2"), "{}", stdout(&first));
    let before = dump(&data);
    assert!(before.contains("赵𠮷") && before.contains("阿依古丽·买买提"));
    assert!(!before.contains(&id_number(11)), "ID numbers are never stored in clear");
    let second = changxiao(&args);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(stdout(&second).contains("未变 2"), "{}", stdout(&second));
    assert_eq!(dump(&data), before);
}

#[test]
fn a_file_with_bad_rows_is_refused_whole_with_one_message_per_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let branch = demo_with_branch(&data);
    let bad_check = {
        let good = id_number(33);
        let last = if good.ends_with('0') { '1' } else { '0' };
        format!("{}{last}", &good[..17])
    };
    let file = dir.path().join("roster.csv");
    let csv = format!(
        "\u{feff}name,sex,ethnicity,id_number,birth_date,category,join_date,full_member_date,organization,position,phone\n\
         钱一,,汉族,{},,正式党员,2001-07-01,,,,\n\
         孙二,,汉族,{},,正式党员,2023-13-40,,,,\n\
         李三,,汉族,{bad_check},,正式党员,2001-07-01,,,,\n",
        id_number(44),
        id_number(55)
    );
    std::fs::write(&file, csv).unwrap();
    let before = dump(&data);
    let out = changxiao(&["import", "roster", file.to_str().unwrap(), "--org", &branch, "--data-dir", data.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("第3行 入党日期：“2023-13-40”不是日期"), "{err}");
    assert!(err.contains("第4行 公民身份号码"), "{err}");
    assert!(!err.contains(&bad_check[..10]), "the ID number is never echoed: {err}");
    assert!(!err.contains("第2行"), "the good row is not reported: {err}");
    assert_eq!(dump(&data), before, "nothing is written when any row is bad");
}

#[test]
fn files_over_32_mib_and_garbage_with_a_spreadsheet_name_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let branch = demo_with_branch(&data);
    let big = dir.path().join("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(33 * 1024 * 1024).unwrap();
    let garbage = dir.path().join("roster.xlsx");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 1, 2, 3].repeat(100)).unwrap();
    let template = dir.path().join("template.xlsx");
    assert!(changxiao(&["import", "template", template.to_str().unwrap()]).status.success());
    let whole = std::fs::read(&template).unwrap();
    let truncated = dir.path().join("truncated.xlsx");
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let header_only = dir.path().join("header.csv");
    std::fs::write(&header_only, "姓名,公民身份号码,人员类别,入党日期\n").unwrap();
    let hostile = dir.path().join("hostile.csv");
    std::fs::write(
        &hostile,
        format!("姓名,公民身份号码,人员类别,入党日期\n张\u{0}三,{},正式党员,2001-07-01\n王\u{202e}五,{},正式党员,2001-07-01\n{},{},正式党员,2001-07-01\n", id_number(77), id_number(78), "长".repeat(10_000), id_number(79)),
    )
    .unwrap();
    let before = dump(&data);
    for file in [&big, &garbage, &truncated, &empty, &header_only, &hostile] {
        let out = changxiao(&["import", "roster", file.to_str().unwrap(), "--org", &branch, "--data-dir", data.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).starts_with("文件未导入，未作任何修改："), "{}", stderr(&out));
    }
    assert!(
        stderr(&changxiao(&["import", "roster", big.to_str().unwrap(), "--org", &branch, "--data-dir", data.to_str().unwrap()]))
            .contains("32 MiB")
    );
    assert_eq!(dump(&data), before);
}

#[test]
fn an_export_opens_in_excel_and_cannot_smuggle_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let branch = demo_with_branch(&data);
    let file = dir.path().join("in.csv");
    std::fs::write(&file, format!("姓名,公民身份号码,人员类别,入党日期\n=HYPERLINK(\"http://x\"),{},正式党员,2001-07-01\n", id_number(66)))
        .unwrap();
    let imported = changxiao(&["import", "roster", file.to_str().unwrap(), "--org", &branch, "--data-dir", data.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let out_csv = dir.path().join("out.csv");
    let exported = changxiao(&["export", "roster", "--org", &branch, out_csv.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let bytes = std::fs::read(&out_csv).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains(&id_number(66)), "the export gives the full ID number back");
    assert!(text.lines().next().unwrap().contains("公民身份号码"));
    assert!(dump(&data).contains("action=\"export\""), "exports of personal data are audited");
    let out_xlsx = dir.path().join("out.xlsx");
    let exported = changxiao(&["export", "roster", "--org", &branch, out_xlsx.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let table = sheets::read_table_from_path(&out_xlsx).unwrap();
    assert_eq!(table.headers[0], "姓名");
    assert!(table.rows.len() >= 4);
}

#[test]
fn the_template_has_the_fixed_columns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.xlsx");
    let out = changxiao(&["import", "template", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = sheets::read_table_from_path(&file).unwrap();
    assert_eq!(table.headers, domain::roster::template_headers());
    let out = changxiao(&["import", "template", dir.path().join("t.txt").to_str().unwrap()]);
    assert!(!out.status.success());
}

#[test]
fn migrate_creates_a_postgresql_database_when_one_is_named() {
    let Some(server) = store::testing::postgres_base() else {
        eprintln!("skipped: CHANGXIAO_TEST_DATABASE_URL is not set");
        return;
    };
    let url = format!("{server}/changxiao_cli_{}", domain::Id::generate());
    let dir = tempfile::tempdir().unwrap();
    let first = changxiao(&["migrate", "--database-url", &url, "--data-dir", dir.path().to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("[1, 2, 3, 4, 5]"), "{}", stdout(&first));
    let second = changxiao(&["migrate", "--database-url", &url, "--data-dir", dir.path().to_str().unwrap()]);
    assert!(stdout(&second).contains("up to date"), "{}", stdout(&second));
    runtime().block_on(store::drop_postgres_database(&url)).unwrap();
}

#[test]
fn audit_verify_passes_on_the_demo_and_names_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    demo_with_branch(&data);
    let ok = changxiao_en(&["audit", "verify", "--data-dir", data.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("intact"), "{}", stdout(&ok));
    runtime().block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&store::sqlite_url(&data)).await.unwrap();
        sqlx::query("UPDATE audit_log SET after_json = '{}' WHERE seq = 42 AND province_id <> ''").execute(&pool).await.unwrap();
        pool.close().await;
    });
    let broken = changxiao_en(&["audit", "verify", "--data-dir", data.to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stderr(&broken).contains("entry 42 was changed"), "{}", stderr(&broken));
    let broken = changxiao(&["audit", "verify", "--data-dir", data.to_str().unwrap()]);
    assert!(stderr(&broken).contains("第 42 条记录写入后被改动"), "{}", stderr(&broken));
}

#[test]
fn the_audit_trail_is_kept_at_least_six_months() {
    let dir = tempfile::tempdir().unwrap();
    let out = changxiao_en(&["audit", "purge", "--keep-months", "5", "--data-dir", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("at least 6"), "{}", stderr(&out));
    let out = changxiao_en(&["audit", "purge", "--keep-months", "6", "--data-dir", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("older than 2026-05-01"), "{}", stdout(&out));
}

#[test]
fn the_first_administrator_is_created_from_the_command_line_with_a_one_time_password() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let branch = demo_with_branch(&data);
    let out = changxiao_en(&[
        "account",
        "create",
        "--login",
        "li.ming",
        "--name",
        "李明",
        "--role",
        "administrator",
        "--org",
        &branch,
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let password = text.lines().find(|l| l.contains("one-time password")).and_then(|l| l.rsplit(' ').next()).unwrap().to_owned();
    assert_eq!(password.len(), 19, "{text}");
    let dump = dump(&data);
    assert!(!dump.contains(&password), "only the argon2id hash is stored");
    assert!(dump.contains("$argon2id$"));
    let again = changxiao_en(&[
        "account",
        "create",
        "--login",
        "li.ming",
        "--name",
        "李明",
        "--role",
        "administrator",
        "--org",
        &branch,
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already taken"), "{}", stderr(&again));
    let bad_role = changxiao(&[
        "account",
        "create",
        "--login",
        "wang",
        "--name",
        "王",
        "--role",
        "king",
        "--org",
        &branch,
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(!bad_role.status.success());
}

#[test]
fn an_exported_roster_imports_back_without_changes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let branch = demo_with_branch(&data);
    let file = dir.path().join("in.csv");
    std::fs::write(
        &file,
        format!("姓名,公民身份号码,人员类别,入党日期,联系电话\n周八,{},正式党员,2001-07-01,+86 10 6512 3456\n", id_number(88)),
    )
    .unwrap();
    let args = |f: &Path| {
        vec![
            "import".to_owned(),
            "roster".into(),
            f.to_str().unwrap().into(),
            "--org".into(),
            branch.clone(),
            "--data-dir".into(),
            data.to_str().unwrap().into(),
        ]
    };
    let first = Command::new(env!("CARGO_BIN_EXE_changxiao")).args(args(&file)).args(["--today", TODAY]).output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    let exported = dir.path().join("out.csv");
    let out = changxiao(&["export", "roster", "--org", &branch, exported.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&exported).unwrap().contains("'+861065123456"));
    let before = dump(&data);
    let again = Command::new(env!("CARGO_BIN_EXE_changxiao")).args(args(&exported)).args(["--today", TODAY]).output().unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("新增 0，更新 0"), "{}", stdout(&again));
    assert_eq!(dump(&data), before);
}
