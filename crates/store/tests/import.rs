//! Roster and organization imports on both backends: new members are
//! created, the same file twice changes nothing (the full dump is identical),
//! changed rows update only what changed, and a bad row rejects the file.
#![allow(clippy::unwrap_used)]

use domain::Id;
use domain::sheet::{Cell, SheetRow, Table};
use store::import::ImportError;
use store::{Actor, Store};
use testkit::world::Builder;
use testkit::{TestDb, db, today};

fn table(headers: &[&str], rows: &[Vec<String>]) -> Table {
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| SheetRow {
                line: i + 2,
                cells: r.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text(c.clone()) }).collect(),
            })
            .collect(),
    }
}

fn id_number(seq: u32, birth: &str) -> String {
    testkit::id_number(&format!("512823{birth}{seq:03}"))
}

/// A roster row in template order.
fn member(name: &str, id: &str, join: &str, org: &str, position: &str, phone: &str) -> Vec<String> {
    [name, "", "汉族", id, "", "正式党员", join, "", org, position, phone].iter().map(|s| s.to_string()).collect()
}

struct Tree {
    village: Id,
    branch: Id,
}

/// A county, a village committee under it and its two branches, founded in 1980.
async fn tree(store: &Store) -> Tree {
    let b = Builder::new(store);
    let county = b.county("县委").founded("1980-01-01").await;
    let village = b.village("石桥村党委", &county).founded("1980-01-01").await;
    let branch = b.branch("第一支部", &village).founded("1980-01-01").await;
    b.branch("第二支部", &village).founded("1980-01-01").await;
    Tree { village, branch }
}

async fn import(store: &Store, target: &Id, table: &Table) -> Result<store::import::ImportReport, ImportError> {
    let entries = domain::roster::parse_roster(table, today()).unwrap();
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let report = store.import_roster(&mut w, target, entries, "hash", today()).await?;
    w.commit().await.unwrap();
    Ok(report)
}

fn roster() -> Table {
    let headers = domain::roster::template_headers();
    table(
        &headers,
        &[
            member("王建国", &id_number(11, "19600101"), "1985.07", "第一支部", "书记、委员", "13800138000"),
            member("李秀英", &id_number(22, "19700202"), "1995-07-01", "第一支部", "", ""),
            member("张伟", &id_number(31, "19800303"), "2005年7月1日", "石桥村党委/第二支部", "", "13900139000"),
        ],
    )
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_at_all() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = tree(store).await;
    let first = import(store, &t.village, &roster()).await.unwrap();
    assert_eq!((first.rows, first.created, first.updated, first.unchanged), (3, 3, 0, 0));
    let members = store.members(&t.branch, today(), 100).await.unwrap();
    assert_eq!(members.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["李秀英", "王建国"]);
    let secretary = members.iter().find(|p| p.name.as_str() == "王建国").unwrap();
    assert_eq!(secretary.positions, [domain::PositionKind::Secretary, domain::PositionKind::CommitteeMember]);
    assert_eq!(secretary.phone_masked.as_deref(), Some("138****8000"));
    assert_eq!(secretary.join_date.to_string(), "1985-07");

    let before = store.dump().await.unwrap();
    let again = import(store, &t.village, &roster()).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
    assert_eq!(store.dump().await.unwrap(), before, "a re-import must not write a single row");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_changed_row_updates_the_member_and_is_audited() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = tree(store).await;
    import(store, &t.village, &roster()).await.unwrap();
    let mut changed = roster();
    changed.rows[1].cells[10] = Cell::Text("13700137000".into());
    changed.rows[2].cells[8] = Cell::Text("第一支部".into());
    let report = import(store, &t.village, &changed).await.unwrap();
    assert_eq!((report.created, report.updated, report.unchanged), (0, 2, 1));
    let members = store.members(&t.branch, today(), 100).await.unwrap();
    assert_eq!(members.len(), 3, "张伟 moved into the first branch");
    let li = members.iter().find(|p| p.name.as_str() == "李秀英").unwrap();
    assert_eq!(li.phone_masked.as_deref(), Some("137****7000"));
    let history = store.history(li.id.as_str()).await.unwrap();
    assert_eq!(history.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create", "update"]);
    let dump = store.dump().await.unwrap();
    assert_eq!(dump.matches("action=\"import\"").count(), 2, "one batch entry per import that changed something");
    assert!(!dump.contains("13700137000"), "phone numbers are never stored in clear");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_unknown_organization_rejects_the_whole_file_and_writes_nothing() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = tree(store).await;
    let before = store.dump().await.unwrap();
    let mut bad = roster();
    bad.rows[2].cells[8] = Cell::Text("不存在的支部".into());
    let err = import(store, &t.village, &bad).await.unwrap_err();
    let store::import::ImportError::Rows(rows) = &err else { panic!("{err}") };
    let message = i18n::render(i18n::Lang::ZhCn, &rows[0].message());
    assert_eq!(message, "第4行 所在党组织：“不存在的支部”不在“石桥村党委”之下（只能导入本组织及其下级组织的数据）");
    assert_eq!(store.dump().await.unwrap(), before);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn oversized_branches_and_missing_committees_are_warnings_not_errors() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = tree(store).await;
    let headers = domain::roster::template_headers();
    let rows: Vec<Vec<String>> =
        (0..52).map(|i| member(&format!("党员{i}"), &id_number(100 + i, "19750505"), "2000-07-01", "第一支部", "", "")).collect();
    let report = import(store, &t.village, &table(&headers, &rows)).await.unwrap();
    assert_eq!(report.created, 52);
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    assert_eq!((report.warnings[0].id, report.warnings[0].arg("total")), ("import-warning-large-branch", Some(&domain::Arg::Number(52))));
    assert_eq!(report.warnings[1].id, "import-warning-needs-committee");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_organization_sheet_imports_once_and_matches_on_the_second_run() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = tree(store).await;
    let headers = domain::org_sheet::org_template_headers();
    let sheet = table(
        &headers,
        &[
            ["东村党总支", "", "基层", "党总支", "村", "1990-01-01"].iter().map(|s| s.to_string()).collect(),
            ["东村第一支部", "东村党总支", "基层", "党支部", "村", "1990-01-01"].iter().map(|s| s.to_string()).collect(),
        ],
    );
    let run = async || {
        let entries = domain::org_sheet::parse_org_sheet(&sheet, today()).unwrap();
        let mut w = store.writer(&Actor::system("test")).await.unwrap();
        let report = store.import_orgs(&mut w, &t.village, entries, "hash", today()).await.unwrap();
        w.commit().await.unwrap();
        report
    };
    let first = run().await;
    assert_eq!((first.created, first.unchanged), (2, 0));
    let before = store.dump().await.unwrap();
    let second = run().await;
    assert_eq!((second.created, second.unchanged), (0, 2));
    assert_eq!(store.dump().await.unwrap(), before);
    let path = store.search_orgs("东村第一支部", None, today(), 5).await.unwrap();
    assert_eq!(path.len(), 1);
    assert_eq!(path[0].path.len(), 4, "county, village, general branch, branch");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_changed_join_date_is_audited_with_its_old_value() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = tree(store).await;
    import(store, &t.village, &roster()).await.unwrap();
    let mut changed = roster();
    changed.rows[1].cells[6] = Cell::Text("1996-07-01".into());
    let report = import(store, &t.village, &changed).await.unwrap();
    assert_eq!(report.updated, 1);
    let li = store.search_people("李秀英", None, today(), 5).await.unwrap().pop().unwrap();
    assert_eq!(li.join_date.to_string(), "1996-07-01");
    let history = store.history(li.id.as_str()).await.unwrap();
    let update = history.last().unwrap();
    assert_eq!(update.before.as_ref().unwrap()["join_date"], "1995-07-01");
    assert_eq!(update.after.as_ref().unwrap()["join_date"], "1996-07-01");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn moving_a_member_ends_only_the_positions_held_in_the_old_branch() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = tree(store).await;
    import(store, &t.village, &roster()).await.unwrap();
    let wang = store.search_people("王建国", None, today(), 5).await.unwrap().pop().unwrap();
    // 王建国 also sits on the village committee.
    Builder::new(store).member("占位", &t.village).joined("2000-07-01").await;
    let seat = "INSERT INTO positions (province_id, id, person_id, org_id, kind, valid_from, valid_to) VALUES ($1, 'p1', $2, $3, 'committee_member', '2020-01-01', NULL)";
    db::execute(&db, seat, &[wang.province_id.as_str(), wang.id.as_str(), t.village.as_str()]).await;
    let second = store.search_orgs("第二支部", None, today(), 5).await.unwrap().pop().unwrap();
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.move_person(&mut w, &wang.id, &second.id, today(), wang.version).await.unwrap();
    w.commit().await.unwrap();
    let dump = store.dump().await.unwrap();
    let village_seat = dump.lines().find(|l| l.starts_with("positions ") && l.contains("id=\"p1\"")).unwrap();
    assert!(village_seat.contains("valid_to=NULL"), "the village committee seat goes on: {village_seat}");
    let moved = store.person(&wang.id, today()).await.unwrap().unwrap();
    assert_eq!(moved.org_id, second.id);
    assert_eq!(
        moved.positions,
        [domain::PositionKind::CommitteeMember],
        "the branch posts stay with the old branch; the village seat goes on"
    );
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let stale = store.move_person(&mut w, &wang.id, &t.branch, today(), wang.version).await;
    assert!(matches!(stale, Err(store::StoreError::Conflict { .. })), "{stale:?}");
    drop(w);
    db.cleanup().await.unwrap();
}
