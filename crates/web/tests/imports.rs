#![allow(clippy::unwrap_used)]
//! Spreadsheets through the API, on the real application with a real upload
//! directory: a roster is previewed and committed; every bad input is
//! refused with the field or the rows named and nothing written — a file
//! over 32 MiB, an unknown kind, rows for organizations outside the upload's
//! subtree, a target outside the caller's grant; the same file twice changes
//! nothing the second time; a preview whose members another upload changed
//! meanwhile is refused at commit (409) and marked stale; another county's
//! upload is not found; the templates open as spreadsheets with the fixed
//! columns.

use domain::access::Role;
use reqwest::StatusCode;
use testkit::app::{Reply, Session, TestApp, content_type, multipart, spawn_app};

/// A member row of a roster file: name, ID number (from a sequence number),
/// branch and phone; the rest of the template's columns as a secretary
/// leaves them.
fn member_row(name: &str, seq: u32, branch: &str, phone: &str) -> String {
    let id = testkit::id_number(&format!("51282319700101{seq:03}"));
    format!("{name},,汉族,{id},,正式党员,1995-07-01,,{branch},,{phone}")
}

/// A roster CSV with the template's header and `rows`.
fn roster(rows: &[String]) -> Vec<u8> {
    let mut text = domain::roster::template_headers().join(",");
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text.into_bytes()
}

/// Three members of the first branch.
fn three_members(phone: &str) -> Vec<u8> {
    roster(&[
        member_row("赵一", 1, "石桥村第一党支部", phone),
        member_row("钱二", 2, "石桥村第一党支部", phone),
        member_row("孙三", 3, "石桥村第一党支部", phone),
    ])
}

/// Uploads `file` as `kind` for `org`, previewing it when `dry_run`.
async fn upload(s: &Session, kind: &str, org: &str, dry_run: bool, file_name: &str, file: &[u8]) -> Reply {
    let dry_run = if dry_run { "true" } else { "false" };
    let body = multipart(&[("kind", kind), ("org_id", org), ("dry_run", dry_run)], &[("file", file_name, file)]);
    s.post_bytes("/api/v1/imports", &content_type(), body).await
}

/// The rows of the records a spreadsheet may change (not the uploads, the
/// trail or the idempotency keys, which every upload writes).
async fn records(app: &TestApp) -> String {
    let skipped = ["uploads ", "audit_log ", "audit_anchors ", "idempotency_keys "];
    app.dump().await.lines().filter(|l| !skipped.iter().any(|t| l.starts_with(t))).collect::<Vec<_>>().join("\n")
}

/// The masked phones of the members named like the rows of [`three_members`].
async fn phones_of_branch(app: &TestApp) -> Vec<String> {
    let mut phones = Vec::new();
    for name in ["赵一", "钱二", "孙三"] {
        for person in app.store.search_people(name, None, testkit::today(), 5).await.unwrap() {
            phones.push(person.phone_masked.unwrap_or_default());
        }
    }
    phones
}

#[tokio::test]
async fn a_roster_is_previewed_then_committed_and_the_same_file_again_changes_nothing() {
    let app = spawn_app().await;
    let s = app.login("supervisor").await;
    let village = app.tree.village.to_string();
    let before = records(&app).await;

    let preview = upload(&s, "roster", &village, true, "名册.csv", &three_members("13900000001")).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(preview.body["status"], "previewed");
    assert_eq!((preview.body["rows"].as_i64(), preview.body["created"].as_i64()), (Some(3), Some(3)));
    assert_eq!(records(&app).await, before, "a preview writes no record");

    let id = preview.id();
    let committed = s.post_json(&format!("/api/v1/imports/{id}/commit"), &serde_json::json!({})).await;
    assert_eq!(committed.status, StatusCode::OK, "{}", committed.text);
    assert_eq!(committed.body["status"], "committed");
    assert_eq!(phones_of_branch(&app).await.len(), 3);
    let after_first = records(&app).await;
    assert_ne!(after_first, before);

    let again = upload(&s, "roster", &village, false, "名册（再次）.csv", &three_members("13900000001")).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(
        (again.body["created"].as_i64(), again.body["updated"].as_i64(), again.body["unchanged"].as_i64()),
        (Some(0), Some(0), Some(3))
    );
    assert_eq!(again.body["changes"], serde_json::json!([]));
    assert_eq!(records(&app).await, after_first, "the same file twice changes nothing the second time");

    let read = s.get(&format!("/api/v1/imports/{id}")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["status"], "committed");
    assert_eq!(read.body["decided_by"], app.accounts.supervisor.to_string());
    app.cleanup().await;
}

#[tokio::test]
async fn a_preview_whose_members_changed_meanwhile_is_refused_at_commit_and_marked_stale() {
    let app = spawn_app().await;
    let s = app.login("supervisor").await;
    let village = app.tree.village.to_string();
    let first = upload(&s, "roster", &village, false, "名册.csv", &three_members("13900000001")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);

    let preview = upload(&s, "roster", &village, true, "新号码.csv", &three_members("13900000002")).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(preview.body["updated"].as_i64(), Some(3));
    let other = upload(&s, "roster", &village, false, "另一份.csv", &three_members("13900000003")).await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text);
    let before = records(&app).await;

    let id = preview.id();
    let commit = s.post_json(&format!("/api/v1/imports/{id}/commit"), &serde_json::json!({})).await;
    assert_eq!(commit.status, StatusCode::CONFLICT, "{}", commit.text);
    assert_eq!(commit.code(), Some("stale_preview"));
    assert!(!commit.message().is_empty());
    assert_eq!(records(&app).await, before, "a stale preview writes nothing");
    assert!(phones_of_branch(&app).await.iter().all(|p| p.ends_with("0003")), "{:?}", phones_of_branch(&app).await);
    assert_eq!(s.get(&format!("/api/v1/imports/{id}")).await.body["status"], "stale");

    let twice = s.post_json(&format!("/api/v1/imports/{id}/commit"), &serde_json::json!({})).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "a stale upload is decided: {}", twice.text);
    assert_eq!(twice.code(), Some("rule_violated"));
    app.cleanup().await;
}

#[tokio::test]
async fn bad_uploads_are_refused_with_the_field_or_rows_named_and_nothing_written() {
    let app = spawn_app().await;
    let s = app.login("supervisor").await;
    let village = app.tree.village.to_string();
    let before = records(&app).await;
    let uploads_dir = app.data_dir().join("imports");
    let kept = || testkit::files::files_on_disk(&uploads_dir).len();

    let big = vec![b'a'; 32 * 1024 * 1024 + 1];
    let too_large = upload(&s, "roster", &village, true, "大文件.csv", &big).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", &too_large.text[..too_large.text.len().min(300)]);
    assert_eq!(too_large.code(), Some("payload_too_large"));
    assert_eq!(too_large.field(), Some("file"));

    let unknown = upload(&s, "budget", &village, true, "名册.csv", &three_members("13900000001")).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.text);
    assert_eq!(unknown.field(), Some("kind"));

    let not_a_sheet = upload(&s, "roster", &village, true, "名册.xlsx", b"MZ this is a program").await;
    assert_eq!(not_a_sheet.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", not_a_sheet.text);
    assert_eq!(not_a_sheet.field(), Some("file"));

    // The second branch's upload names the first branch on line 3.
    let other_branch = app.tree.other_branch.to_string();
    let file =
        roster(&[member_row("周四", 4, "石桥村第二党支部", "13900000004"), member_row("吴五", 5, "石桥村第一党支部", "13900000005")]);
    let outside = upload(&s, "roster", &other_branch, false, "第二支部.csv", &file).await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", outside.text);
    assert_eq!(outside.code(), Some("rows_refused"));
    let rows = outside.body["error"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{}", outside.text);
    assert_eq!((rows[0]["line"].as_i64(), rows[0]["field"].as_str()), (Some(3), Some("organization")), "{}", outside.text);
    assert!(rows[0]["message"].as_str().unwrap().contains("石桥村第一党支部"), "{}", outside.text);

    // The township's department may not upload for the county's other township.
    let dept = app.login("dept").await;
    let elsewhere = app.builder().township("中共石门镇委员会", &app.tree.county).await;
    let before_grant = records(&app).await;
    let not_granted = upload(&dept, "roster", &elsewhere.to_string(), true, "名册.csv", &three_members("13900000001")).await;
    assert_eq!(not_granted.status, StatusCode::NOT_FOUND, "{}", not_granted.text);
    assert_eq!(records(&app).await, before_grant);

    assert_eq!(
        records(&app).await.lines().filter(|l| l.starts_with("people ")).count(),
        before.lines().filter(|l| l.starts_with("people ")).count()
    );
    assert_eq!(kept(), 0, "a refused file is not kept");
    app.cleanup().await;
}

#[tokio::test]
async fn another_countys_upload_is_not_found_and_cannot_be_committed() {
    let app = spawn_app().await;
    let b = app.builder();
    let linjiang = b.county("中共临江县委员会").founded("2001-01-01").await;
    b.branch("临江村党支部", &linjiang).founded("2001-01-01").await;
    b.account("linjiang", "临江县委组织部").role(Role::OrgDepartment, &linjiang).await;
    let theirs = app.login("linjiang").await;
    let file = roster(&[member_row("李临江", 9, "临江村党支部", "13900000009")]);
    let preview = upload(&theirs, "roster", &linjiang.to_string(), true, "临江.csv", &file).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    let id = preview.id();

    let ours = app.login("supervisor").await;
    assert_eq!(ours.get(&format!("/api/v1/imports/{id}")).await.status, StatusCode::NOT_FOUND);
    let before = app.dump().await;
    let commit = ours.post_json(&format!("/api/v1/imports/{id}/commit"), &serde_json::json!({})).await;
    assert_eq!(commit.status, StatusCode::NOT_FOUND, "{}", commit.text);
    assert_eq!(ours.post_json(&format!("/api/v1/imports/{id}/cancel"), &serde_json::json!({})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.dump().await, before, "nothing written for a caller outside the grant");
    assert_eq!(ours.get(&format!("/imports/{id}")).await.status, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn the_templates_open_as_spreadsheets_with_the_fixed_columns() {
    let app = spawn_app().await;
    let s = app.login("supervisor").await;
    for (kind, first_column) in [("roster", "姓名"), ("orgs", ""), ("activities", "")] {
        let response = s.client.get(s.url(&format!("/api/v1/imports/templates/{kind}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{kind}");
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.contains(&format!("changxiao-{kind}-template.xlsx")), "{disposition}");
        let bytes = response.bytes().await.unwrap();
        let table = sheets::read_table(&bytes, "template.xlsx").unwrap();
        assert!(!table.headers.is_empty(), "{kind}");
        if !first_column.is_empty() {
            assert_eq!(table.headers[0], first_column);
            assert_eq!(table.headers, domain::roster::template_headers());
        }
    }
    let unknown = s.get("/api/v1/imports/templates/budget").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
    assert_eq!(app.get("/api/v1/imports/templates/roster").await.status, StatusCode::UNAUTHORIZED);
    app.cleanup().await;
}
