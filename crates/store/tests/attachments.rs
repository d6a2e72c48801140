#![allow(clippy::unwrap_used)]
//! Attachments of activities in the store: real files (a PDF, a PNG, a Word
//! document and an Excel workbook built here, the test program itself as an
//! ELF executable) checked by content, kept content-addressed in a real
//! directory, and refused — with no row and no file — when the content is
//! not a document or image, disagrees with the name, or is too large. Runs on
//! SQLite, and on PostgreSQL when `CHANGXIAO_TEST_DATABASE_URL` is set.

use domain::{Field, Id};
use std::io::Write;
use store::activities::{Activity, ActivityStatus};
use store::attachments::{Files, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_ACTIVITY};
use store::{Actor, StoreError};
use testkit::TestDb;
use testkit::activities::{activity, record};
use testkit::files::{PNG, files_on_disk, pdf};
use testkit::world::Builder;

/// A branch and one members' assembly it held, with the attachment
/// directory beside the database.
struct Fixture {
    db: TestDb,
    files: Files,
    activity: Activity,
    branch: Id,
}

async fn fixture() -> Fixture {
    let db = TestDb::new().await.unwrap();
    let b = Builder::new(&db.store);
    let county = b.county("青川县委").await;
    let branch = b.branch("第一党支部", &county).await;
    let activity = assembly(&db, &branch, ActivityStatus::Held).await;
    let files = Files::new(db.path().join("attachments"));
    Fixture { db, files, activity, branch }
}

/// The branch's October assembly, with nobody expected.
async fn assembly(db: &TestDb, branch: &Id, status: ActivityStatus) -> Activity {
    let new = activity("members_assembly", branch, "2026-10-10").titled("十月党员大会").agenda(&["theory_study"]).participants(&[]);
    record(&db.store, new.status(status).build()).await
}

/// A Word document with one paragraph, built part by part as Word writes it.
fn docx() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        (
            "word/document.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>会议记录</w:t></w:r></w:p></w:body></w:document>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A ZIP archive that is no Office file.
fn plain_zip() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(b"hello").unwrap();
    zip.finish().unwrap().into_inner()
}

/// An Excel workbook written by the same library the exports use.
fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "签到").unwrap();
    book.save_to_buffer().unwrap()
}

/// The first bytes of this very test program: a real ELF executable.
fn elf() -> Vec<u8> {
    let mut bytes = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    bytes.truncate(64 * 1024);
    assert!(bytes.starts_with(b"\x7fELF"), "the test runs on Linux");
    bytes
}

/// Attaches a file that must be refused, shows that the database and the
/// directory are as they were, and returns the message.
async fn refused(f: &Fixture, name: &str, bytes: &[u8]) -> String {
    let before = f.db.store.dump().await.unwrap();
    let on_disk = files_on_disk(f.files.dir());
    let mut w = f.db.store.writer(&Actor::system("test")).await.unwrap();
    let result = f.db.store.attach(&mut w, &f.files, &f.activity, name, bytes).await;
    drop(w);
    let message = match result {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.field, Field::Attachment, "{e}");
            i18n::render(i18n::Lang::En, &e.message())
        }
        other => panic!("{name}: expected a refusal, got {other:?}"),
    };
    assert_eq!(f.db.store.dump().await.unwrap(), before, "a refused attachment changed the database");
    assert_eq!(files_on_disk(f.files.dir()), on_disk, "a refused attachment left a file");
    message
}

async fn attach(f: &Fixture, name: &str, bytes: &[u8]) -> store::attachments::Attachment {
    let mut w = f.db.store.writer(&Actor::system("test")).await.unwrap();
    let attached = f.db.store.attach(&mut w, &f.files, &f.activity, name, bytes).await.unwrap();
    w.commit().await.unwrap();
    attached
}

#[tokio::test]
async fn documents_and_images_are_kept_by_content_and_read_back() {
    let f = fixture().await;
    let cases = [
        ("会议记录扫描件.pdf", pdf(), "application/pdf"),
        ("合影.png", PNG.to_vec(), "image/png"),
        ("发言稿.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("签到表.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("提纲.txt", "一、学习最新重要讲话\n二、讨论\n".as_bytes().to_vec(), "text/plain"),
    ];
    for (name, bytes, media_type) in &cases {
        let a = attach(&f, name, bytes).await;
        assert_eq!((a.file_name.as_str(), a.media_type.as_str()), (*name, *media_type));
        assert_eq!(a.size_bytes, bytes.len() as i64);
        assert_eq!(a.activity_id, f.activity.id);
        assert_eq!(a.created_by, "system:test");
        let path = f.files.path_of(&a.sha256).unwrap();
        assert_eq!(path, f.db.path().join("attachments").join(&a.sha256[..2]).join(&a.sha256));
        assert_eq!(&std::fs::read(&path).unwrap(), bytes);
        assert_eq!(&f.files.read(&a.sha256).await.unwrap(), bytes);
        assert_eq!(f.db.store.attachment(&a.id).await.unwrap(), Some(a.clone()));
        let history = f.db.store.history(a.id.as_str()).await.unwrap();
        assert_eq!(history.iter().map(|e| (e.action.as_str(), e.entity.as_str())).collect::<Vec<_>>(), [("create", "attachment")]);
    }
    let listed = f.db.store.attachments_of(&f.activity).await.unwrap();
    assert_eq!(listed.iter().map(|a| a.file_name.as_str()).collect::<Vec<_>>(), cases.iter().map(|c| c.0).collect::<Vec<_>>());
    // No temporary file is left behind.
    assert!(files_on_disk(f.files.dir()).iter().all(|name| !name.contains(".tmp")), "{:?}", files_on_disk(f.files.dir()));
    f.db.cleanup().await.unwrap();
}

#[tokio::test]
async fn the_same_content_is_stored_once_on_disk() {
    let f = fixture().await;
    let first = attach(&f, "扫描件.pdf", &pdf()).await;
    let second = attach(&f, "扫描件（副本）.pdf", &pdf()).await;
    assert_ne!(first.id, second.id);
    assert_eq!(first.sha256, second.sha256);
    assert_eq!(files_on_disk(f.files.dir()), [format!("{}/{}", &first.sha256[..2], first.sha256)]);
    assert_eq!(f.db.store.attachments_of(&f.activity).await.unwrap().len(), 2);
    f.db.cleanup().await.unwrap();
}

#[tokio::test]
async fn programs_pages_archives_and_disguises_are_refused_with_what_they_are() {
    let f = fixture().await;
    let message = refused(&f, "会议记录.pdf", &elf()).await;
    assert!(message.contains("Linux program") && message.contains("会议记录.pdf"), "{message}");
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.resize(4096, 0);
    assert!(refused(&f, "通知.pdf", &exe).await.contains("Windows program"));
    assert!(refused(&f, "通知.exe", &exe).await.contains("Windows program"));
    let message = refused(&f, "合影.pdf", PNG).await;
    assert!(message.contains("PNG image") && message.contains(".pdf") && message.contains(".png"), "{message}");
    assert!(refused(&f, "表格.xlsx", &docx()).await.contains("Word document"));
    assert!(refused(&f, "页面.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>").await.contains("web page"));
    assert!(refused(&f, "说明.txt", b"<html><script>document.cookie</script></html>").await.contains("web page"));
    assert!(refused(&f, "图.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#).await.contains("SVG"));
    assert!(refused(&f, "资料.docx", &plain_zip()).await.contains("ZIP archive"));
    assert!(refused(&f, "install.sh", b"#!/bin/sh\necho hi\n").await.contains("script"));
    assert!(refused(&f, "空.pdf", b"").await.contains("empty"));
    let mut large = pdf();
    large.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
    assert!(refused(&f, "大文件.pdf", &large).await.contains("larger than 20 MB"));
    assert!(refused(&f, "坏\u{7}名.pdf", &pdf()).await.contains("control"));
    assert!(!f.files.dir().exists(), "nothing was ever written");
    f.db.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_activity_holds_at_most_twenty_files_and_all_of_a_batch_or_none() {
    let f = fixture().await;
    for i in 0..MAX_ATTACHMENTS_PER_ACTIVITY - 1 {
        attach(&f, &format!("第{i}页.txt"), format!("第 {i} 页").as_bytes()).await;
    }
    // Two more do not fit: neither is kept.
    let before = f.db.store.dump().await.unwrap();
    let on_disk = files_on_disk(f.files.dir());
    let mut w = f.db.store.writer(&Actor::system("test")).await.unwrap();
    let result = f.db.store.attach_all(&mut w, &f.files, &f.activity, &[("甲.txt", b"jia".as_slice()), ("乙.txt", b"yi".as_slice())]).await;
    drop(w);
    assert!(
        matches!(&result, Err(StoreError::Invalid(e)) if e.field == Field::Attachment && i18n::render(i18n::Lang::En, &e.message()).contains("at most 20")),
        "{result:?}"
    );
    assert_eq!(f.db.store.dump().await.unwrap(), before);
    assert_eq!(files_on_disk(f.files.dir()), on_disk);
    // A batch with one bad file keeps none of them.
    let mut w = f.db.store.writer(&Actor::system("test")).await.unwrap();
    let result = f.db.store.attach_all(&mut w, &f.files, &f.activity, &[("甲.txt", b"jia".as_slice()), ("乙.pdf", b"yi".as_slice())]).await;
    drop(w);
    assert!(matches!(&result, Err(StoreError::Invalid(e)) if i18n::render(i18n::Lang::En, &e.message()).contains("乙.pdf")), "{result:?}");
    assert_eq!(files_on_disk(f.files.dir()), on_disk);
    attach(&f, "最后一页.txt", b"last page").await;
    assert!(refused(&f, "多余.txt", b"one too many").await.contains("at most 20"));
    f.db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_removed_attachment_is_gone_from_lists_but_kept_in_the_history() {
    let f = fixture().await;
    let kept = attach(&f, "a.pdf", &pdf()).await;
    let removed = attach(&f, "b.png", PNG).await;
    let mut w = f.db.store.writer(&Actor::system("remover")).await.unwrap();
    let after = f.db.store.remove_attachment(&mut w, &removed.id).await.unwrap();
    w.commit().await.unwrap();
    assert!(after.deleted_at.is_some());
    assert_eq!(f.db.store.attachment(&removed.id).await.unwrap(), None);
    assert_eq!(f.db.store.attachments_of(&f.activity).await.unwrap(), vec![kept]);
    let history = f.db.store.history(removed.id.as_str()).await.unwrap();
    assert_eq!(history.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create", "delete"]);
    assert_eq!(history[1].actor, "system:remover");
    // The file stays: the history names it.
    assert!(f.files.contains(&removed.sha256));
    let mut w = f.db.store.writer(&Actor::system("remover")).await.unwrap();
    assert!(matches!(f.db.store.remove_attachment(&mut w, &removed.id).await, Err(StoreError::NotFound)));
    drop(w);
    f.db.cleanup().await.unwrap();
}

#[tokio::test]
async fn nothing_is_attached_to_a_cancelled_plan_or_a_deleted_record() {
    let f = fixture().await;
    let plan = assembly(&f.db, &f.branch, ActivityStatus::Planned).await;
    let mut w = f.db.store.writer(&Actor::system("test")).await.unwrap();
    let cancelled = f.db.store.cancel_plan(&mut w, &plan.id, plan.version).await.unwrap().after;
    w.commit().await.unwrap();
    let mut w = f.db.store.writer(&Actor::system("test")).await.unwrap();
    let result = f.db.store.attach(&mut w, &f.files, &cancelled, "a.pdf", &pdf()).await;
    drop(w);
    assert!(
        matches!(&result, Err(StoreError::Invalid(e)) if i18n::render(i18n::Lang::En, &e.message()).contains("cancelled")),
        "{result:?}"
    );
    let mut w = f.db.store.writer(&Actor::system("test")).await.unwrap();
    f.db.store.delete_activity(&mut w, &f.activity.id, f.activity.version).await.unwrap();
    w.commit().await.unwrap();
    let mut w = f.db.store.writer(&Actor::system("test")).await.unwrap();
    assert!(matches!(f.db.store.attach(&mut w, &f.files, &f.activity, "a.pdf", &pdf()).await, Err(StoreError::NotFound)));
    drop(w);
    assert!(!f.files.dir().exists());
    f.db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_file_changed_on_disk_is_not_served() {
    let f = fixture().await;
    let a = attach(&f, "a.pdf", &pdf()).await;
    let mut tampered = pdf();
    tampered[20] ^= 1;
    std::fs::write(f.files.path_of(&a.sha256).unwrap(), &tampered).unwrap();
    assert!(matches!(f.files.read(&a.sha256).await, Err(StoreError::Corrupt(_))));
    // Attaching the same content again repairs the stored copy.
    attach(&f, "a2.pdf", &pdf()).await;
    assert_eq!(f.files.read(&a.sha256).await.unwrap(), pdf());
    f.db.cleanup().await.unwrap();
}
