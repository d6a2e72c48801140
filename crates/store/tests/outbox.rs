#![allow(clippy::unwrap_used)]
//! Migration 4 and what it holds: calendar feeds (the token shown once and
//! stored hashed, one live feed per subject), the outbox (one message per
//! person, kind and week; sent or why not), the e-mail address of an
//! account, and who the weekly digest is for. Runs on SQLite, and on
//! PostgreSQL when `CHANGXIAO_TEST_DATABASE_URL` is set.

use domain::Id;
use store::feeds::FeedSubjectKind;
use store::outbox::{NO_MAIL_SERVER, NewMessage, WEEKLY_DIGEST};
use store::{Actor, StoreError};
use testkit::world::{Builder, County};
use testkit::{TestDb, db, today};

/// The county's tree; its branch's secretary, a member, and a member linked to an account.
struct Tree {
    orgs: County,
    secretary: Id,
    member: Id,
    linked: Id,
    account: Id,
}

async fn build(store: &store::Store) -> Tree {
    let orgs = County::build(store).await;
    let b = Builder::new(store);
    let secretary = b.member("王书记", &orgs.branch).secretary().await;
    let member = b.member("李党员", &orgs.branch).await;
    let linked = b.member("赵党员", &orgs.branch).await;
    let account = b.account("zhao", "赵党员").person(&linked).await;
    Tree { orgs, secretary, member, linked, account }
}

fn digest(t: &Tree, person: &Id, week: &str) -> NewMessage {
    NewMessage {
        province_id: t.orgs.county.clone(),
        person_id: person.clone(),
        kind: WEEKLY_DIGEST.to_owned(),
        period_key: week.to_owned(),
        lang: "zh-CN".to_owned(),
        subject: format!("长效：本周待办1项 · {week}"),
        body: "正文".to_owned(),
    }
}

#[tokio::test]
async fn a_feed_token_is_shown_once_stored_hashed_and_replaced_by_a_new_one() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let (feed, token) = store.create_calendar_feed(&mut w, &t.orgs.county, FeedSubjectKind::Organization, &t.orgs.branch).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(token.len(), store::feeds::TOKEN_LEN);
    assert!(token.starts_with(t.orgs.county.as_str()), "the token starts with the province");
    let dump = store.dump().await.unwrap();
    assert!(!dump.contains(&token[32..]), "only a hash of the token is stored");
    assert!(dump.contains("entity=\"calendar_feed\""), "creating a feed is audited");
    assert_eq!(store.calendar_feed_by_token(&token).await.unwrap(), Some(feed.clone()));
    assert_eq!(store.calendar_feed_of(&t.orgs.county, &t.orgs.branch).await.unwrap(), Some(feed.clone()));
    for bad in ["", "x", &token[..95], &token.to_uppercase(), &format!("{}{}", &token[..32], "0".repeat(64))] {
        assert_eq!(store.calendar_feed_by_token(bad).await.unwrap(), None, "{bad}");
    }

    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let (second, token2) = store.create_calendar_feed(&mut w, &t.orgs.county, FeedSubjectKind::Organization, &t.orgs.branch).await.unwrap();
    w.commit().await.unwrap();
    assert_ne!(token, token2);
    assert_eq!(store.calendar_feed_by_token(&token).await.unwrap(), None, "a new link revokes the old");
    assert_eq!(store.calendar_feed_by_token(&token2).await.unwrap(), Some(second));

    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.revoke_calendar_feed(&mut w, &t.orgs.county, &t.orgs.branch).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(store.calendar_feed_by_token(&token2).await.unwrap(), None);
    assert_eq!(store.calendar_feed_of(&t.orgs.county, &t.orgs.branch).await.unwrap(), None);
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    assert!(matches!(store.revoke_calendar_feed(&mut w, &t.orgs.county, &t.orgs.branch).await, Err(StoreError::NotFound)));
    drop(w);
    assert_eq!(store.dump().await.unwrap().matches("action=\"revoke\"").count(), 2, "each revocation is audited");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_message_is_queued_once_per_person_kind_and_week_and_marked_sent_or_failed() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let mut w = store.writer(&Actor::system("jobs")).await.unwrap();
    let first = store.queue_message(&mut w, digest(&t, &t.secretary, "2026-W47")).await.unwrap().unwrap();
    let again = store.queue_message(&mut w, digest(&t, &t.secretary, "2026-W47")).await.unwrap();
    let next = store.queue_message(&mut w, digest(&t, &t.secretary, "2026-W48")).await.unwrap().unwrap();
    w.commit().await.unwrap();
    assert_eq!(again, None, "the same person, kind and week: nothing new");
    let listed = store.outbox_for(&t.orgs.county, &t.secretary, 10).await.unwrap();
    assert_eq!(listed.iter().map(|m| m.period_key.as_str()).collect::<Vec<_>>(), ["2026-W48", "2026-W47"], "latest first");
    assert_eq!(store.outbox_for(&t.orgs.county, &t.member, 10).await.unwrap(), vec![]);
    assert_eq!(store.unsent_messages(&t.orgs.county, WEEKLY_DIGEST, "2026-W47").await.unwrap(), vec![first.clone()]);

    let mut w = store.writer(&Actor::system("jobs")).await.unwrap();
    assert!(store.mark_failed(&mut w, &first, NO_MAIL_SERVER).await.unwrap());
    w.commit().await.unwrap();
    let before = store.dump().await.unwrap();
    let mut w = store.writer(&Actor::system("jobs")).await.unwrap();
    assert!(!store.mark_failed(&mut w, &first, NO_MAIL_SERVER).await.unwrap(), "the same reason again changes nothing");
    w.commit().await.unwrap();
    assert_eq!(store.dump().await.unwrap(), before);
    let failed = store.unsent_messages(&t.orgs.county, WEEKLY_DIGEST, "2026-W47").await.unwrap();
    assert_eq!(failed[0].send_error.as_deref(), Some(NO_MAIL_SERVER), "still unsent, with the reason");

    let mut w = store.writer(&Actor::system("jobs")).await.unwrap();
    store.mark_sent(&mut w, &failed[0]).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(store.unsent_messages(&t.orgs.county, WEEKLY_DIGEST, "2026-W47").await.unwrap(), vec![]);
    let sent = &store.outbox_for(&t.orgs.county, &t.secretary, 10).await.unwrap()[1];
    assert!(sent.sent_at.is_some() && sent.send_error.is_none());
    let mut w = store.writer(&Actor::system("jobs")).await.unwrap();
    assert!(matches!(store.mark_sent(&mut w, sent).await, Err(StoreError::NotFound)), "sent once");
    drop(w);
    let dump = store.dump().await.unwrap();
    for action in ["queue", "send_failed", "sent"] {
        assert!(dump.contains(&format!("action=\"{action}\"")), "{action} is audited");
    }
    assert_eq!(next.period_key, "2026-W48");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn the_digest_goes_to_linked_members_and_secretaries_with_the_accounts_address() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let recipients = store.digest_recipients(today()).await.unwrap();
    let mut ids: Vec<&Id> = recipients.iter().map(|r| &r.person_id).collect();
    ids.sort();
    let mut expected = vec![&t.secretary, &t.linked];
    expected.sort();
    assert_eq!(ids, expected, "not the member without account or position");
    let secretary = recipients.iter().find(|r| r.person_id == t.secretary).unwrap();
    assert_eq!(secretary.secretary_of, vec![t.orgs.branch.clone()]);
    assert!(recipients.iter().all(|r| r.email.is_none()));

    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let refused = store.set_account_email(&mut w, &t.account, Some("zhao@example.org\r\nBcc: x@y.z")).await;
    assert!(matches!(refused, Err(StoreError::Rule(_))));
    store.set_account_email(&mut w, &t.account, Some(" zhao@example.org ")).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(store.account_email(&t.account).await.unwrap().as_deref(), Some("zhao@example.org"));
    assert_eq!(store.person_email(&t.linked).await.unwrap().as_deref(), Some("zhao@example.org"));
    let linked = store.digest_recipients(today()).await.unwrap().into_iter().find(|r| r.person_id == t.linked).unwrap();
    assert_eq!(linked.email.as_deref(), Some("zhao@example.org"));
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.set_account_email(&mut w, &t.account, Some("")).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(store.account_email(&t.account).await.unwrap(), None, "an empty address clears it");
    db.cleanup().await.unwrap();
}

/// A database holding the schema of the previous release (migrations 1 to
/// 3) with a member and an account in it, migrated to the current one.
#[tokio::test]
async fn migrations_from_4_apply_to_the_previous_schema_and_keep_its_data() {
    let db = db::with_first_migrations(3).await;
    let store = &db.store;
    // Written without audit entries: today's writer stamps columns that a
    // later migration adds (the upgrade test migrates a real older trail).
    let t = build(&store.without_audit_for_benchmarks()).await;
    let later: Vec<i64> = store::schema::MIGRATIONS.iter().map(|m| m.version).filter(|v| *v >= 4).collect();
    assert_eq!(store.migrate().await.unwrap(), later);
    assert_eq!(store.migrate().await.unwrap(), Vec::<i64>::new());
    assert!(store.person(&t.secretary, today()).await.unwrap().is_some());
    assert_eq!(store.account_email(&t.account).await.unwrap(), None, "existing accounts have no address");
    assert!(store.account(&t.account).await.unwrap().is_some());
    let mut w = store.writer(&Actor::system("jobs")).await.unwrap();
    store.queue_message(&mut w, digest(&t, &t.secretary, "2026-W48")).await.unwrap().unwrap();
    store.create_calendar_feed(&mut w, &t.orgs.county, FeedSubjectKind::Person, &t.secretary).await.unwrap();
    w.commit().await.unwrap();
    let dump = store.dump().await.unwrap();
    assert!(dump.contains("outbox ") && dump.contains("calendar_feeds "), "both new tables are in the dump");
    db.cleanup().await.unwrap();
}
