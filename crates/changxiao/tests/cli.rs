//! The real `changxiao` binary on real files: the demo's safety rule, roster
//! import from a GB18030 CSV, refusal of bad files with one message per bad
//! row and nothing written, idempotent re-import, export and templates.
#![allow(clippy::unwrap_used)]

use testkit::cli::{Cli, DataDir};
use testkit::files::write_gb18030;

/// The binary this crate builds, on 2026-11-23.
fn changxiao() -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_changxiao"))
}

/// A valid ID number of someone born on 1980-01-01.
fn id_number(seq: u32) -> String {
    testkit::id_number(&format!("51282319800101{seq:03}"))
}

/// Builds the demo in `data` and returns the id of the branch with two members of the same name.
fn demo_with_branch(data: &DataDir) -> String {
    let out = changxiao().on(data).run(&["demo", "--no-serve"]);
    assert!(out.success(), "{}", out.stderr);
    let found = data.with_store(async |store| store.search_orgs(demo::DUPLICATE_NAME_BRANCH, None, testkit::today(), 5).await.unwrap());
    found[0].id.to_string()
}

#[test]
fn the_demo_never_wipes_a_directory_that_is_not_its_own() {
    let data = DataDir::sqlite("data");
    std::fs::create_dir_all(data.path()).unwrap();
    let precious = data.path().join("changxiao.db");
    std::fs::write(&precious, b"real data").unwrap();
    let out = changxiao().en().on(&data).run(&["demo", "--no-serve"]);
    assert!(!out.success());
    assert!(out.stderr.contains("is not a demo directory"), "{}", out.stderr);
    let out = changxiao().on(&data).run(&["demo", "--no-serve"]);
    assert!(out.stderr.contains("不是演示目录"), "{}", out.stderr);
    assert_eq!(std::fs::read(&precious).unwrap(), b"real data");
}

#[test]
fn a_gb18030_roster_imports_once_and_a_second_import_changes_nothing() {
    let data = DataDir::sqlite("data");
    let branch = demo_with_branch(&data);
    let file = data.file("名册.csv");
    let csv = format!(
        "姓名,性别,民族,公民身份号码,出生日期,人员类别,入党日期,转正日期,所在党组织,党内职务,联系电话\n\
         赵𠮷,男,汉族,{},,正式党员,2001/7/1,2002/7/1,,,13812345678\n\
         阿依古丽·买买提,女,维吾尔族,{},,预备党员,2026年3月1日,,,,\n",
        id_number(11),
        id_number(22)
    );
    write_gb18030(&file, &csv);
    let import = changxiao().on(&data);
    let args = ["import", "roster", file.to_str().unwrap(), "--org", &branch];
    let first = import.run(&args);
    assert!(first.success(), "{}", first.stderr);
    assert!(first.stdout.contains("新增 2"), "{}", first.stdout);
    let before = data.dump();
    assert!(before.contains("赵𠮷") && before.contains("阿依古丽·买买提"));
    assert!(!before.contains(&id_number(11)), "ID numbers are never stored in clear");
    let second = import.run(&args);
    assert!(second.success(), "{}", second.stderr);
    assert!(second.stdout.contains("未变 2"), "{}", second.stdout);
    assert_eq!(data.dump(), before);
}

#[test]
fn a_file_with_bad_rows_is_refused_whole_with_one_message_per_bad_row() {
    let data = DataDir::sqlite("data");
    let branch = demo_with_branch(&data);
    let bad_check = testkit::id_number_with_wrong_check(&id_number(33)[..17]);
    let file = data.file("roster.csv");
    let csv = format!(
        "\u{feff}name,sex,ethnicity,id_number,birth_date,category,join_date,full_member_date,organization,position,phone\n\
         钱一,,汉族,{},,正式党员,2001-07-01,,,,\n\
         孙二,,汉族,{},,正式党员,2023-13-40,,,,\n\
         李三,,汉族,{bad_check},,正式党员,2001-07-01,,,,\n",
        id_number(44),
        id_number(55)
    );
    std::fs::write(&file, csv).unwrap();
    let before = data.dump();
    let out = changxiao().on(&data).run(&["import", "roster", file.to_str().unwrap(), "--org", &branch]);
    assert_eq!(out.code(), Some(2));
    let err = &out.stderr;
    assert!(err.contains("第3行 入党日期：“2023-13-40”不是日期"), "{err}");
    assert!(err.contains("第4行 公民身份号码"), "{err}");
    assert!(!err.contains(&bad_check[..10]), "the ID number is never echoed: {err}");
    assert!(!err.contains("第2行"), "the good row is not reported: {err}");
    assert_eq!(data.dump(), before, "nothing is written when any row is bad");
}

#[test]
fn files_over_32_mib_and_garbage_with_a_spreadsheet_name_are_refused() {
    let data = DataDir::sqlite("data");
    let branch = demo_with_branch(&data);
    let big = data.file("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(33 * 1024 * 1024).unwrap();
    let garbage = data.file("roster.xlsx");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 1, 2, 3].repeat(100)).unwrap();
    let template = data.file("template.xlsx");
    assert!(changxiao().run(&["import", "template", template.to_str().unwrap()]).success());
    let whole = std::fs::read(&template).unwrap();
    let truncated = data.file("truncated.xlsx");
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let empty = data.file("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let header_only = data.file("header.csv");
    std::fs::write(&header_only, "姓名,公民身份号码,人员类别,入党日期\n").unwrap();
    let hostile = data.file("hostile.csv");
    std::fs::write(
        &hostile,
        format!("姓名,公民身份号码,人员类别,入党日期\n张\u{0}三,{},正式党员,2001-07-01\n王\u{202e}五,{},正式党员,2001-07-01\n{},{},正式党员,2001-07-01\n", id_number(77), id_number(78), "长".repeat(10_000), id_number(79)),
    )
    .unwrap();
    let before = data.dump();
    let import = |file: &std::path::Path| changxiao().on(&data).run(&["import", "roster", file.to_str().unwrap(), "--org", &branch]);
    for file in [&big, &garbage, &truncated, &empty, &header_only, &hostile] {
        let out = import(file);
        assert_eq!(out.code(), Some(2), "{}", out.stderr);
        assert!(out.stderr.starts_with("文件未导入，未作任何修改："), "{}", out.stderr);
    }
    assert!(import(&big).stderr.contains("32 MiB"));
    assert_eq!(data.dump(), before);
}

#[test]
fn an_export_opens_in_excel_and_cannot_smuggle_formulas() {
    let data = DataDir::sqlite("data");
    let branch = demo_with_branch(&data);
    let file = data.file("in.csv");
    std::fs::write(&file, format!("姓名,公民身份号码,人员类别,入党日期\n=HYPERLINK(\"http://x\"),{},正式党员,2001-07-01\n", id_number(66)))
        .unwrap();
    let imported = changxiao().on(&data).run(&["import", "roster", file.to_str().unwrap(), "--org", &branch]);
    assert!(imported.success(), "{}", imported.stderr);
    let out_csv = data.file("out.csv");
    let exported = changxiao().on(&data).run(&["export", "roster", "--org", &branch, out_csv.to_str().unwrap()]);
    assert!(exported.success(), "{}", exported.stderr);
    let bytes = std::fs::read(&out_csv).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains(&id_number(66)), "the export gives the full ID number back");
    assert!(text.lines().next().unwrap().contains("公民身份号码"));
    assert!(data.dump().contains("action=\"export\""), "exports of personal data are audited");
    let out_xlsx = data.file("out.xlsx");
    let exported = changxiao().on(&data).run(&["export", "roster", "--org", &branch, out_xlsx.to_str().unwrap()]);
    assert!(exported.success(), "{}", exported.stderr);
    let table = sheets::read_table_from_path(&out_xlsx).unwrap();
    assert_eq!(table.headers[0], "姓名");
    assert!(table.rows.len() >= 4);
}

#[test]
fn the_template_has_the_fixed_columns() {
    let dir = DataDir::sqlite("data");
    let file = dir.file("template.xlsx");
    let out = changxiao().run(&["import", "template", file.to_str().unwrap()]);
    assert!(out.success(), "{}", out.stderr);
    let table = sheets::read_table_from_path(&file).unwrap();
    assert_eq!(table.headers, domain::roster::template_headers());
    let out = changxiao().run(&["import", "template", dir.file("t.txt").to_str().unwrap()]);
    assert!(!out.success());
}

#[test]
fn migrate_creates_a_postgresql_database_when_one_is_named() {
    let Some(data) = DataDir::postgres("cli") else {
        eprintln!("skipped: CHANGXIAO_TEST_DATABASE_URL is not set");
        return;
    };
    let first = changxiao().en().on(&data).run(&["migrate"]);
    assert!(first.success(), "{}", first.stderr);
    assert!(first.stdout.contains("applied migrations: 1, 2, 3,"), "{}", first.stdout);
    let second = changxiao().en().on(&data).run(&["migrate"]);
    assert!(second.stdout.contains("up to date"), "{}", second.stdout);
}

#[test]
fn audit_verify_passes_on_the_demo_and_names_the_first_tampered_entry() {
    let data = DataDir::sqlite("data");
    demo_with_branch(&data);
    let verify = changxiao().on(&data);
    let ok = verify.en().run(&["audit", "verify"]);
    assert!(ok.success(), "{}", ok.stderr);
    assert!(ok.stdout.contains("intact"), "{}", ok.stdout);
    data.execute(&["UPDATE audit_log SET after_json = '{}' WHERE seq = 42 AND province_id <> ''"]);
    let broken = verify.en().run(&["audit", "verify"]);
    assert_eq!(broken.code(), Some(1));
    assert!(broken.stderr.contains("entry 42 was changed"), "{}", broken.stderr);
    let broken = verify.run(&["audit", "verify"]);
    assert!(broken.stderr.contains("第 42 条记录写入后被改动"), "{}", broken.stderr);
}

#[test]
fn audit_verify_reports_a_deleted_tail_against_the_signed_heads_and_a_restore_announced_as_such() {
    let data = DataDir::sqlite("data");
    demo_with_branch(&data);
    let cli = changxiao().on(&data);
    assert!(cli.en().run(&["audit", "verify"]).stdout.contains("no chain heads signed yet"));
    let purge = cli.en().run(&["audit", "purge", "--keep-months", "120"]);
    assert!(purge.success(), "{}", purge.stderr);
    assert!(data.path().join("audit-heads.jsonl").exists() && data.path().join("keys/heads.key").exists());
    let signed = cli.en().run(&["audit", "verify"]);
    assert!(signed.success() && signed.stdout.contains("hold every entry signed at"), "{}", signed.stdout);

    data.execute(&["DELETE FROM audit_log WHERE province_id = '' AND seq = (SELECT MAX(seq) FROM audit_log WHERE province_id = '')"]);
    let cut = cli.en().run(&["audit", "verify"]);
    assert_eq!(cut.code(), Some(1), "{}", cut.stdout);
    assert!(cut.stdout.contains("intact") && cut.stderr.contains("its newest entries were deleted"), "{}", cut.stderr);
    assert!(cli.run(&["audit", "verify"]).stderr.contains("最新的记录被删除"));

    let restored = cli.en().run(&["audit", "restored"]);
    assert!(restored.success(), "{}", restored.stderr);
    let after = cli.en().run(&["audit", "verify"]);
    assert!(after.success() && after.stdout.contains("restored on purpose"), "{}", after.stdout);
    assert!(data.dump().contains("action=\"restored\""), "the restore is an entry of the trail");
}

#[test]
fn the_audit_trail_is_kept_at_least_six_months() {
    let data = DataDir::sqlite("data");
    let out = changxiao().en().on(&data).run(&["audit", "purge", "--keep-months", "5"]);
    assert!(!out.success());
    assert!(out.stderr.contains("at least 6"), "{}", out.stderr);
    let out = changxiao().en().on(&data).run(&["audit", "purge", "--keep-months", "6"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout.contains("older than 2026-05-01"), "{}", out.stdout);
}

#[test]
fn the_first_administrator_is_created_from_the_command_line_with_a_one_time_password() {
    let data = DataDir::sqlite("data");
    let branch = demo_with_branch(&data);
    let create = |cli: Cli, login: &str, name: &str, role: &str| {
        cli.on(&data).run(&["account", "create", "--login", login, "--name", name, "--role", role, "--org", &branch])
    };
    let out = create(changxiao().en(), "li.ming", "李明", "administrator");
    assert!(out.success(), "{}", out.stderr);
    let text = &out.stdout;
    let password = text.lines().find(|l| l.contains("one-time password")).and_then(|l| l.rsplit(' ').next()).unwrap().to_owned();
    assert_eq!(password.len(), 19, "{text}");
    let dump = data.dump();
    assert!(!dump.contains(&password), "only the argon2id hash is stored");
    assert!(dump.contains("$argon2id$"));
    let again = create(changxiao().en(), "li.ming", "李明", "administrator");
    assert!(!again.success());
    assert!(again.stderr.contains("already taken"), "{}", again.stderr);
    let bad_role = create(changxiao(), "wang", "王", "king");
    assert!(!bad_role.success());
}

#[test]
fn an_exported_roster_imports_back_without_changes() {
    let data = DataDir::sqlite("data");
    let branch = demo_with_branch(&data);
    let file = data.file("in.csv");
    std::fs::write(
        &file,
        format!("姓名,公民身份号码,人员类别,入党日期,联系电话\n周八,{},正式党员,2001-07-01,+86 10 6512 3456\n", id_number(88)),
    )
    .unwrap();
    let import = |f: &std::path::Path| changxiao().on(&data).run(&["import", "roster", f.to_str().unwrap(), "--org", &branch]);
    let first = import(&file);
    assert!(first.success(), "{}", first.stderr);
    let exported = data.file("out.csv");
    let out = changxiao().on(&data).run(&["export", "roster", "--org", &branch, exported.to_str().unwrap()]);
    assert!(out.success(), "{}", out.stderr);
    assert!(std::fs::read_to_string(&exported).unwrap().contains("'+861065123456"));
    let before = data.dump();
    let again = import(&exported);
    assert!(again.success(), "{}", again.stderr);
    assert!(again.stdout.contains("新增 0，更新 0"), "{}", again.stdout);
    assert_eq!(data.dump(), before);
}
