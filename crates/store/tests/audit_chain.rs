//! The audit trail's hash chains on both backends: intact after many
//! concurrent writers, and broken — at the right entry — by any edit,
//! deletion or reordering of stored rows; purging under the retention rule
//! keeps the rest verifiable.
#![allow(clippy::unwrap_used)]

use domain::Id;
use store::{Actor, Store};
use testkit::world::Builder;
use testkit::{TestDb, db};

/// A county with `n` branches written by `n` concurrent writers; returns the county id.
async fn concurrent_tree(store: &Store, n: usize) -> Id {
    let county = Builder::new(store).county("县委").await;
    let mut tasks = Vec::new();
    for i in 0..n {
        let store = store.clone();
        let county = county.clone();
        tasks.push(tokio::spawn(async move {
            let branch = Builder::new(&store).branch(&format!("支部{i}"), &county).build();
            let mut w = store.writer(&Actor { id: format!("writer-{i}"), address: Some("127.0.0.1".into()) }).await.unwrap();
            store.create_org(&mut w, branch).await.unwrap();
            w.commit().await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    county
}

/// Tampering goes around the store, as an intruder with database access would.
async fn tamper(db: &TestDb, sql: &str) {
    db::execute(db, sql, &[]).await;
}

#[tokio::test]
async fn many_concurrent_writers_leave_one_unbroken_chain() {
    let db = TestDb::new().await.unwrap();
    concurrent_tree(&db.store, 40).await;
    let report = db.store.verify_audit().await.unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.entries, 41);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_edited_entry_is_named_as_the_first_break() {
    let db = TestDb::new().await.unwrap();
    let county = concurrent_tree(&db.store, 5).await;
    tamper(&db, &format!("UPDATE audit_log SET actor = 'someone-else' WHERE province_id = '{county}' AND seq = 3")).await;
    let report = db.store.verify_audit().await.unwrap();
    let broken = report.first_break.unwrap();
    assert_eq!(broken.seq, 3);
    assert_eq!(broken.reason, store::chain::BreakReason::Changed, "{broken}");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_deleted_entry_is_named_as_the_first_break() {
    let db = TestDb::new().await.unwrap();
    let county = concurrent_tree(&db.store, 5).await;
    tamper(&db, &format!("DELETE FROM audit_log WHERE province_id = '{county}' AND seq = 4")).await;
    let broken = db.store.verify_audit().await.unwrap().first_break.unwrap();
    assert_eq!(broken.seq, 4);
    assert_eq!(broken.reason, store::chain::BreakReason::Missing, "{broken}");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn swapping_two_entries_is_caught() {
    let db = TestDb::new().await.unwrap();
    let county = concurrent_tree(&db.store, 5).await;
    tamper(&db, &format!("UPDATE audit_log SET seq = -2 WHERE province_id = '{county}' AND seq = 2")).await;
    tamper(&db, &format!("UPDATE audit_log SET seq = 2 WHERE province_id = '{county}' AND seq = 3")).await;
    tamper(&db, &format!("UPDATE audit_log SET seq = 3 WHERE province_id = '{county}' AND seq = -2")).await;
    let broken = db.store.verify_audit().await.unwrap().first_break.unwrap();
    assert_eq!(broken.seq, 2);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_forged_entry_appended_with_a_made_up_hash_is_caught() {
    let db = TestDb::new().await.unwrap();
    let county = concurrent_tree(&db.store, 3).await;
    tamper(
        &db,
        &format!(
            "INSERT INTO audit_log (province_id, seq, id, at, actor, address, action, entity, entity_id, before_json, after_json, prev_hash, hash)
             VALUES ('{county}', 5, 'x', '2026-01-01T00:00:00+08:00', 'intruder', NULL, 'create', 'organization', 'x', NULL, NULL, 'abc', 'def')"
        ),
    )
    .await;
    let broken = db.store.verify_audit().await.unwrap().first_break.unwrap();
    assert_eq!(broken.seq, 5);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn purging_old_entries_keeps_the_rest_verifiable_and_new_entries_chain_on() {
    let db = TestDb::new().await.unwrap();
    let county = concurrent_tree(&db.store, 4).await;
    tamper(&db, &format!("UPDATE audit_log SET at = '2020-01-01T00:00:00+08:00' WHERE province_id = '{county}' AND seq <= 2")).await;
    // Backdating the rows is itself tampering: verification sees it before the purge.
    assert!(db.store.verify_audit().await.unwrap().first_break.is_some());
    let removed = db.store.purge_audit("2021-01-01T00:00:00+08:00").await.unwrap();
    assert_eq!(removed, 2);
    let report = db.store.verify_audit().await.unwrap();
    assert_eq!(report.first_break, None, "the chain now starts at its anchor");
    assert_eq!(report.entries, 3);
    Builder::new(&db.store).branch("新支部", &county).await;
    assert_eq!(db.store.verify_audit().await.unwrap().first_break, None);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn entries_name_their_organization_and_a_changed_stamp_breaks_the_chain() {
    let db = TestDb::new().await.unwrap();
    let county = concurrent_tree(&db.store, 3).await;
    let b = Builder::new(&db.store);
    let member = b.member("王党员", &county).born("1970-03-07").phone("13800138000").await;
    let entries = db.store.audit_page(county.as_str(), &store::audit_scope::TrailScope::Everything, None, 500).await.unwrap();
    let about_member = entries.iter().find(|e| e.entity_id == member.as_str()).unwrap();
    let stored = format!("{:?} {:?}", about_member.before_json, about_member.after_json);
    assert!(!stored.contains("1970-03-07") && !stored.contains("1234") && stored.contains("birth_date"), "{stored}");
    assert_eq!(db.store.verify_audit().await.unwrap().first_break, None, "the chain covers the sealed form");
    let history = db.store.history(member.as_str()).await.unwrap();
    assert_eq!(history[0].after.as_ref().unwrap()["birth_date"], "1970-03-07", "the record's history opens it for its readers");

    let subtree = store::audit_scope::TrailScope::Subtrees(vec![format!("/{county}/")]);
    assert_eq!(db.store.audit_page(county.as_str(), &subtree, None, 500).await.unwrap().len(), entries.len());
    let elsewhere = Builder::new(&db.store).county("外县县委").await;
    let other = store::audit_scope::TrailScope::Subtrees(vec![format!("/{elsewhere}/")]);
    assert!(db.store.audit_page(county.as_str(), &other, None, 500).await.unwrap().is_empty());

    tamper(&db, &format!("UPDATE audit_log SET org_id = '{elsewhere}' WHERE province_id = '{county}' AND seq = 2")).await;
    let broken = db.store.verify_audit().await.unwrap().first_break.unwrap();
    assert_eq!((broken.seq, broken.reason), (2, store::chain::BreakReason::Changed), "moving an entry to another subtree is caught");
    db.cleanup().await.unwrap();
}

/// `n` more entries in the county's chain.
async fn more_entries(store: &Store, county: &Id, n: usize) {
    for i in 0..n {
        Builder::new(store).member(&format!("党员{i}"), county).await;
    }
}

#[tokio::test]
async fn signed_heads_detect_a_deleted_tail_a_copy_put_back_and_accept_an_announced_restore() {
    use store::heads::HeadsFinding;
    let db = TestDb::new().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let county = concurrent_tree(&db.store, 3).await;
    assert_eq!(db.store.check_heads(dir.path()).await.unwrap(), HeadsFinding::NoneSigned);
    let yesterday = db.store.sign_heads(dir.path(), "scheduled").await.unwrap();
    let yesterday_seq = yesterday.heads.iter().find(|h| h.chain == county.as_str()).unwrap().seq;
    more_entries(&db.store, &county, 150).await;
    let today = db.store.sign_heads(dir.path(), "scheduled").await.unwrap();
    let last = today.heads.iter().find(|h| h.chain == county.as_str()).unwrap().seq;
    assert!(matches!(db.store.check_heads(dir.path()).await.unwrap(), HeadsFinding::Current { restored: false, .. }));
    assert_eq!(db.store.verify_audit().await.unwrap().first_break, None);

    // The last entry deleted: the chain itself still verifies, the heads do not.
    tamper(&db, &format!("DELETE FROM audit_log WHERE province_id = '{county}' AND seq = {last}")).await;
    assert_eq!(db.store.verify_audit().await.unwrap().first_break, None, "a chain cannot see its own lost tail");
    let finding = db.store.check_heads(dir.path()).await.unwrap();
    assert_eq!(finding, HeadsFinding::Truncated { chain: county.to_string(), signed_seq: last, seq: last - 1 });

    // The last 100.
    tamper(&db, &format!("DELETE FROM audit_log WHERE province_id = '{county}' AND seq > {}", last - 100)).await;
    let finding = db.store.check_heads(dir.path()).await.unwrap();
    assert_eq!(finding, HeadsFinding::Truncated { chain: county.to_string(), signed_seq: last, seq: last - 100 });

    // Yesterday's copy put back without a word: the chains stand exactly at yesterday's heads.
    tamper(&db, &format!("DELETE FROM audit_log WHERE province_id = '{county}' AND seq > {yesterday_seq}")).await;
    match db.store.check_heads(dir.path()).await.unwrap() {
        HeadsFinding::RolledBack { chain, seq, copy_of, .. } => {
            assert_eq!((chain.as_str(), seq, copy_of.as_str()), (county.as_str(), yesterday_seq, yesterday.at.as_str()));
        }
        other => panic!("a rollback, not {other:?}"),
    }

    // The same copy, announced: a signed entry says so, and the check passes naming the restore.
    db.store.announce_restore(dir.path(), &Actor::system("cli")).await.unwrap();
    assert!(matches!(db.store.check_heads(dir.path()).await.unwrap(), HeadsFinding::Current { restored: true, .. }));
    assert_eq!(db.store.verify_audit().await.unwrap().first_break, None);
    let system = db.store.audit_page("", &store::audit_scope::TrailScope::Everything, None, 10).await.unwrap();
    assert!(system.iter().any(|e| e.action == "restored" && e.after_json.as_deref().unwrap_or_default().contains(&county.to_string())));

    // A forged line in the heads file is caught.
    let file = store::heads::heads_file(dir.path());
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&text.lines().next().unwrap().replace("scheduled", "purge"));
    text.push('\n');
    std::fs::write(&file, text).unwrap();
    assert!(matches!(db.store.check_heads(dir.path()).await.unwrap(), HeadsFinding::BadSignature { line: 4 }));
    db.cleanup().await.unwrap();
}
