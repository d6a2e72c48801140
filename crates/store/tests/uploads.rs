//! Uploads on both backends: a preview applies a sheet as a trial and
//! leaves every record as it was (only the upload and its audit entry are
//! kept); its per-row outcome names what each row would do; the digest of a
//! preview agrees with the commit's when nothing changed in between, and
//! differs when another import touched the same members; an upload is
//! decided once.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::sheet::{Cell, SheetRow, Table};
use domain::{Field, Id, IdNumber, Name, OrgKind, OrgLevel, Organization};
use store::orgs::NewOrg;
use store::testing::TestDb;
use store::uploads::{Applied, NewUpload, RowAction, Sheet, SheetKind, UploadStatus};
use store::{Actor, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn roster(rows: &[(&str, u32, &str)]) -> Table {
    let headers = domain::roster::template_headers();
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, (name, seq, phone))| {
                let id = IdNumber::with_check_char(&format!("51282319700101{seq:03}")).unwrap().expose().to_owned();
                let cells = [*name, "", "汉族", &id, "", "正式党员", "1995-07-01", "", "第一支部", "", phone];
                SheetRow {
                    line: i + 2,
                    cells: cells.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text((*c).to_owned()) }).collect(),
                }
            })
            .collect(),
    }
}

async fn village(store: &Store) -> Organization {
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let mut make = async |parent: Option<&Id>, name: &str, level, kind| {
        let new = NewOrg {
            id: None,
            parent_id: parent.cloned(),
            name: Name::parse(Field::Name, name).unwrap(),
            level,
            kind,
            unit_type: None,
            founded_on: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
        };
        store.create_org(&mut w, new).await.unwrap()
    };
    let village = make(None, "石桥村党委", OrgLevel::Grassroots, OrgKind::Committee).await;
    make(Some(&village.id), "第一支部", OrgLevel::Grassroots, OrgKind::Branch).await;
    w.commit().await.unwrap();
    village
}

async fn catalogue() -> rules::Catalogue {
    rules::Catalogue::embedded().unwrap()
}

/// Applies `table` as a trial and keeps the preview; the upload and what the trial found.
async fn preview(store: &Store, target: &Organization, table: &Table) -> (store::uploads::Upload, Applied) {
    let catalogue = catalogue().await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let sheet = Sheet { kind: SheetKind::Roster, table, file_hash: "f" };
    let applied = w.trial(async |w| store.apply_sheet(w, &catalogue, &target.id, sheet, today()).await).await.unwrap().unwrap();
    let new = NewUpload { kind: SheetKind::Roster, target, file_name: "名册.xlsx", sha256: &"a".repeat(64), size_bytes: 1 };
    let upload = store.record_upload(&mut w, new, &applied, UploadStatus::Previewed).await.unwrap();
    w.commit().await.unwrap();
    (upload, applied)
}

/// Applies `table` for good; what it did.
async fn apply(store: &Store, target: &Organization, table: &Table) -> Applied {
    let catalogue = catalogue().await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let sheet = Sheet { kind: SheetKind::Roster, table, file_hash: "f" };
    let applied = store.apply_sheet(&mut w, &catalogue, &target.id, sheet, today()).await.unwrap();
    w.commit().await.unwrap();
    applied
}

/// The dump without the uploads table and the audit trail.
fn records(dump: &str) -> String {
    dump.lines().filter(|l| !l.contains("uploads") && !l.contains("audit_")).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn a_preview_names_what_each_row_would_do_and_writes_none_of_it() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let village = village(store).await;
    apply(store, &village, &roster(&[("王建国", 11, "")])).await;
    let before = store.dump().await.unwrap();

    let file = roster(&[("王建国", 11, "13800138000"), ("李秀英", 22, ""), ("张伟", 33, "")]);
    let (upload, applied) = preview(store, &village, &file).await;
    let after = store.dump().await.unwrap();
    assert_eq!(records(&after), records(&before), "a preview writes no record");
    assert_eq!(after.matches("entity=\"upload\"").count(), 1, "the upload itself is audited:\n{after}");

    assert_eq!((upload.rows, upload.created, upload.updated, upload.unchanged), (3, 2, 1, 0));
    assert_eq!(upload.status, UploadStatus::Previewed);
    let actions: Vec<(usize, RowAction)> = applied.outcomes.iter().map(|o| (o.line, o.action)).collect();
    assert_eq!(actions, [(2, RowAction::Update), (3, RowAction::Create), (4, RowAction::Create)]);
    assert_eq!(applied.outcomes[0].changed, [Field::Phone]);
    assert_eq!(upload.shown.len(), 3);
    assert_eq!(upload.shown[0].name, "王建国");
    assert_eq!(upload.shown[0].org, "第一支部");
    assert_eq!(upload.digest, applied.digest());
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn the_digest_holds_until_another_change_touches_the_same_members() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let village = village(store).await;
    apply(store, &village, &roster(&[("王建国", 11, ""), ("李秀英", 22, "")])).await;
    let file = roster(&[("王建国", 11, "13800138000"), ("李秀英", 22, "")]);

    let (first, _) = preview(store, &village, &file).await;
    let (second, _) = preview(store, &village, &file).await;
    assert_eq!(first.digest, second.digest, "nothing changed in between");

    // Another upload changes 李秀英, whom this file leaves alone.
    apply(store, &village, &roster(&[("李秀英", 22, "13900139000")])).await;
    let (third, applied) = preview(store, &village, &file).await;
    assert_ne!(third.digest, first.digest, "a member this file names was changed since");
    assert_eq!(applied.outcomes[1].action, RowAction::Keep, "an empty phone leaves hers as it is; what changed is her version");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_upload_is_decided_once_and_each_decision_is_audited() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let village = village(store).await;
    let (upload, _) = preview(store, &village, &roster(&[("王建国", 11, "")])).await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let cancelled = store.decide_upload(&mut w, &upload.id, UploadStatus::Cancelled).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(cancelled.status, UploadStatus::Cancelled);
    assert!(cancelled.decided_at.is_some());

    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let again = store.decide_upload(&mut w, &upload.id, UploadStatus::Committed).await.unwrap_err();
    drop(w);
    let store::StoreError::Rule(message) = again else { panic!("{again}") };
    assert_eq!(i18n::render(i18n::Lang::ZhCn, &message), "这次上传的状态为“已取消”，不能再确认或取消");
    let listed = store.uploads_for(std::slice::from_ref(&village.id), 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(store.dump().await.unwrap().matches("entity=\"upload\"").count(), 2, "created, then cancelled");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_trial_undoes_its_rows_and_its_audit_entries_but_keeps_what_came_before() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let village = village(store).await;
    let catalogue = catalogue().await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    // A change before the trial, kept.
    let kept = roster(&[("王建国", 11, "")]);
    store
        .apply_sheet(&mut w, &catalogue, &village.id, Sheet { kind: SheetKind::Roster, table: &kept, file_hash: "k" }, today())
        .await
        .unwrap();
    let tried = roster(&[("李秀英", 22, "")]);
    let sheet = Sheet { kind: SheetKind::Roster, table: &tried, file_hash: "t" };
    let applied = w.trial(async |w| store.apply_sheet(w, &catalogue, &village.id, sheet, today()).await).await.unwrap().unwrap();
    assert_eq!(applied.created, 1);
    w.commit().await.unwrap();
    let dump = store.dump().await.unwrap();
    assert!(dump.contains("王建国") && !dump.contains("李秀英"), "{dump}");
    assert_eq!(dump.matches("file_sha256").count(), 1, "only the kept import's audit entry:\n{dump}");
    let verified = store.verify_audit().await.unwrap();
    assert!(verified.first_break.is_none(), "{:?}", verified.first_break);
    db.cleanup().await.unwrap();
}
