//! The organization tree on both backends: founding, descendants, paths,
//! the tree as it was on a past day, moves, closures and their audit entries.
#![allow(clippy::unwrap_used)]

use domain::{Field, Id, Name};
use store::orgs::OrgChanges;
use store::{Actor, Store, StoreError};
use testkit::world::Builder;
use testkit::{TestDb, day};

/// A county with two townships; under the first a general branch, its
/// branch and the branch's group.
struct Tree {
    county: Id,
    town_a: Id,
    town_b: Id,
    village: Id,
    branch: Id,
    group: Id,
}

async fn build(store: &Store) -> Tree {
    let b = Builder::new(store);
    let county = b.county("县委").founded("1950-01-01").await;
    let town_a = b.township("甲镇党委", &county).founded("1960-01-01").await;
    let town_b = b.township("乙镇党委", &county).founded("1960-01-01").await;
    let village = b.general_branch("东村党总支", &town_a).founded("1980-01-01").await;
    let branch = b.branch("东村第一支部", &village).founded("1990-01-01").await;
    let group = b.group("第一党小组", &branch).await;
    Tree { county, town_a, town_b, village, branch, group }
}

fn names(orgs: &[domain::Organization]) -> Vec<String> {
    orgs.iter().map(|o| o.name.to_string()).collect()
}

#[tokio::test]
async fn descendants_and_paths_come_from_the_materialized_path() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let today = testkit::today();
    let subtree = store.subtree(&t.town_a, today).await.unwrap();
    assert_eq!(names(&subtree), ["甲镇党委", "东村党总支", "东村第一支部", "第一党小组"]);
    let path = store.path_to(&t.group, today).await.unwrap();
    assert_eq!(names(&path), ["县委", "甲镇党委", "东村党总支", "东村第一支部", "第一党小组"]);
    let all = store.subtree(&t.county, today).await.unwrap();
    assert_eq!(all.len(), 6);
    let mut ids = store.descendant_ids(&t.town_a, today).await.unwrap();
    ids.sort();
    let mut expected: Vec<Id> = subtree.iter().map(|o| o.id.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected, "the aggregated descendant ids are the subtree's");
    assert!(all.iter().all(|o| o.province_id == t.county), "a tree rooted below province level shards by its root");
    let mut children = names(&store.children(&t.county, today).await.unwrap());
    children.sort();
    assert_eq!(children, ["乙镇党委", "甲镇党委"]);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn the_tree_answers_as_it_was_on_a_past_day() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let version = store.org(&t.village, day("2026-01-01")).await.unwrap().unwrap().version;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.move_org(&mut w, &t.village, &t.town_b, day("2025-07-01"), version).await.unwrap();
    w.commit().await.unwrap();

    let before = store.subtree(&t.town_a, day("2025-06-30")).await.unwrap();
    assert_eq!(names(&before), ["甲镇党委", "东村党总支", "东村第一支部", "第一党小组"]);
    let after_a = store.subtree(&t.town_a, day("2025-07-01")).await.unwrap();
    assert_eq!(names(&after_a), ["甲镇党委"]);
    let after_b = store.subtree(&t.town_b, day("2025-07-01")).await.unwrap();
    assert_eq!(names(&after_b), ["乙镇党委", "东村党总支", "东村第一支部", "第一党小组"]);
    let path_then = store.path_to(&t.group, day("2024-01-01")).await.unwrap();
    assert_eq!(names(&path_then)[1], "甲镇党委");
    let path_now = store.path_to(&t.group, day("2026-01-01")).await.unwrap();
    assert_eq!(names(&path_now)[1], "乙镇党委");
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let earlier = store.move_org(&mut w, &t.village, &t.town_a, day("2025-03-01"), version + 1).await;
    drop(w);
    assert!(matches!(earlier, Err(StoreError::Rule(_))), "a move dated before a later move would overlap it: {earlier:?}");
    let history = store.history(t.village.as_str()).await.unwrap();
    assert_eq!(history.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create", "move"]);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_move_under_its_own_descendant_or_a_group_is_refused_and_changes_nothing() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let before = store.dump().await.unwrap();
    let version = store.org(&t.town_a, day("2026-01-01")).await.unwrap().unwrap().version;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let err = store.move_org(&mut w, &t.town_a, &t.branch, day("2026-01-01"), version).await.unwrap_err();
    drop(w);
    assert!(matches!(err, StoreError::Invalid(ref e) if e.field == Field::Parent), "{err}");
    let err = Builder::new(store).branch("小组下的支部", &t.group).founded("2020-01-01").try_create().await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(store.dump().await.unwrap(), before);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_stale_version_is_a_conflict() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let today = testkit::today();
    let changes = OrgChanges { name: Some(Name::parse(Field::Name, "东村党委").unwrap()), unit_type: None };
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let renamed = store.update_org(&mut w, &t.village, 1, changes.clone(), today).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(renamed.version, 2);
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let err = store.update_org(&mut w, &t.village, 1, changes, today).await.unwrap_err();
    drop(w);
    assert!(matches!(err, StoreError::Conflict { current: 2 }), "{err}");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn closing_needs_an_empty_organization_and_hides_it_from_that_day() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let on = day("2026-03-01");
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    assert!(
        matches!(store.close_org(&mut w, &t.branch, on, 1).await, Err(StoreError::Rule(_))),
        "a branch with a group under it stays open"
    );
    store.close_org(&mut w, &t.group, on, 1).await.unwrap();
    store.close_org(&mut w, &t.branch, on, 1).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(names(&store.subtree(&t.village, on).await.unwrap()), ["东村党总支"]);
    assert_eq!(store.descendant_ids(&t.village, on).await.unwrap(), std::slice::from_ref(&t.village));
    assert_eq!(store.descendant_ids(&t.village, day("2026-02-28")).await.unwrap().len(), 3);
    assert_eq!(store.subtree(&t.village, day("2026-02-28")).await.unwrap().len(), 3);
    let closed = store.org(&t.branch, on).await.unwrap().unwrap();
    assert_eq!(closed.closed_on, Some(on));
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn searching_finds_chinese_names_and_treats_wildcards_as_text() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let today = testkit::today();
    let found = store.search_orgs("东村", None, today, 50).await.unwrap();
    assert_eq!(names(&found), ["东村党总支", "东村第一支部"]);
    let within_b = store.search_orgs("东村", Some(&t.town_b), today, 50).await.unwrap();
    assert!(within_b.is_empty());
    assert!(store.search_orgs("%", None, today, 50).await.unwrap().is_empty());
    assert!(store.search_orgs("_", None, today, 50).await.unwrap().is_empty());
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn cursor_paging_visits_every_organization_once() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let today = testkit::today();
    let mut seen = Vec::new();
    let mut cursor: Option<Id> = None;
    loop {
        let page = store.list_orgs(Some(&t.county), cursor.as_ref(), 4, today).await.unwrap();
        seen.extend(page.items.iter().map(|o| o.id.clone()));
        match page.next_cursor {
            Some(c) => cursor = Id::parse(&c),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(seen.len(), 6);
    assert_eq!(unique.len(), 6);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn concurrent_writers_number_the_audit_trail_without_gaps() {
    let db = TestDb::new().await.unwrap();
    let store = db.store.clone();
    let t = build(&store).await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = store.clone();
        let parent = t.village.clone();
        tasks.push(tokio::spawn(async move {
            Builder::new(&store).branch(&format!("并发支部{i}"), &parent).founded("2020-01-01").await;
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let dump = store.dump().await.unwrap();
    let seqs: Vec<i64> = dump
        .lines()
        .filter(|l| l.starts_with("audit_log "))
        .filter_map(|l| l.split(" seq=").nth(1)?.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(seqs, (1..=22).collect::<Vec<i64>>());
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_backdated_move_cannot_leave_a_later_founded_branch_behind() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    Builder::new(store).branch("新支部", &t.village).founded("2020-01-01").await;
    let before = store.dump().await.unwrap();
    let version = store.org(&t.village, day("2010-01-01")).await.unwrap().unwrap().version;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let moved = store.move_org(&mut w, &t.village, &t.town_b, day("2010-01-01"), version).await;
    drop(w);
    assert!(matches!(moved, Err(StoreError::Rule(_))), "{moved:?}");
    assert_eq!(store.dump().await.unwrap(), before);
    assert_eq!(store.subtree(&t.town_a, day("2026-01-01")).await.unwrap().len(), 5);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn search_ignores_latin_case_on_both_backends() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    Builder::new(store).branch("ABC科技有限公司支部", &t.town_b).founded("2020-01-01").await;
    let found = store.search_orgs("abc科技", None, day("2026-01-01"), 10).await.unwrap();
    assert_eq!(names(&found), ["ABC科技有限公司支部"]);
    db.cleanup().await.unwrap();
}
