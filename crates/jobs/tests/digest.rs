#![allow(clippy::unwrap_used)]
//! The weekly digest job on a real database (a fresh SQLite file, or a
//! fresh PostgreSQL database when `CHANGXIAO_TEST_DATABASE_URL` is set):
//! running it twice queues one message per person per week; nobody with
//! nothing open gets one; without a mail server messages stay in the outbox
//! with the reason; with a tiny SMTP server on 127.0.0.1 the message is
//! sent and marked sent; a refusing server leaves it failed with the
//! server's answer, and the next run tries again.

use chrono::NaiveDate;
use domain::Id;
use i18n::Lang;
use jobs::smtp::SmtpConfig;
use jobs::{Delivery, FreshEvaluator, run_due, run_weekly_digests};
use std::sync::{Arc, Mutex};
use store::obligations::{Obligation, ObligationsError, OpenObligations, SubjectRef};
use store::outbox::{NO_ADDRESS, NO_MAIL_SERVER, WEEKLY_DIGEST};
use store::{Actor, Store};
use testkit::world::{Builder, SmallTree};
use testkit::{TestDb, day, today};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A Monday: ISO week 2026-W48.
fn monday() -> NaiveDate {
    today()
}

struct Tree {
    county: Id,
    secretary: Id,
    member: Id,
    account: Id,
}

/// The small tree with a member linked to an account, and a member with
/// neither (who gets no digest).
async fn build(store: &Store) -> Tree {
    let tree = SmallTree::build(store).await;
    let b = Builder::new(store);
    let member = b.member("赵红梅", &tree.branch).await;
    b.member("李明", &tree.branch).await;
    let account = b.account("zhao", "赵红梅").person(&member).await;
    Tree { county: tree.county.clone(), secretary: tree.secretary, member, account }
}

async fn set_email(store: &Store, account: &Id, email: &str) {
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.set_account_email(&mut w, account, Some(email)).await.unwrap();
    w.commit().await.unwrap();
}

async fn outbox(store: &Store, t: &Tree, person: &Id) -> Vec<store::outbox::OutboxMessage> {
    store.outbox_for(&t.county, person, 20).await.unwrap()
}

/// An evaluation in which nothing is open for anyone.
struct NothingOpen;

impl OpenObligations for NothingOpen {
    async fn open_obligations(&self, _: &Store, _: NaiveDate, subjects: &[SubjectRef]) -> Result<Vec<Vec<Obligation>>, ObligationsError> {
        Ok(subjects.iter().map(|_| Vec::new()).collect())
    }
}

/// A tiny SMTP server on 127.0.0.1: answers 220/250/354/221, or 550 to
/// RCPT when `refuse` is set, and keeps each session's transcript.
async fn smtp_server(refuse: bool) -> (SmtpConfig, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let sessions = Arc::new(Mutex::new(Vec::new()));
    let kept = sessions.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut transcript = String::new();
                write.write_all(b"220 test.local ESMTP\r\n").await.unwrap();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    transcript.push_str(&line);
                    transcript.push('\n');
                    let reply: &[u8] = if in_data {
                        if line != "." {
                            continue;
                        }
                        in_data = false;
                        b"250 2.0.0 queued\r\n"
                    } else if line.starts_with("EHLO") {
                        b"250-test.local\r\n250 8BITMIME\r\n"
                    } else if line.starts_with("RCPT") && refuse {
                        b"550 5.7.1 relaying denied\r\n"
                    } else if line.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if line.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
                kept.lock().unwrap().push(transcript);
            });
        }
    });
    (SmtpConfig::new(&format!("smtp://127.0.0.1:{port}"), "changxiao@qingchuan.example").unwrap(), sessions)
}

#[tokio::test]
async fn running_twice_queues_one_digest_per_person_per_week() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let evaluator = FreshEvaluator::embedded().unwrap();
    let first = run_weekly_digests(store, &evaluator, None, Lang::ZhCn, monday()).await.unwrap();
    assert_eq!(first.week, "2026-W48");
    assert_eq!((first.recipients, first.queued, first.already_queued, first.nothing_open), (2, 2, 0, 0), "{first}");
    assert_eq!((first.sent, first.failed, first.held), (0, 0, 2), "no mail server: both held");
    let dump = store.dump().await.unwrap();
    let second = run_weekly_digests(store, &evaluator, None, Lang::ZhCn, day("2026-11-26")).await.unwrap();
    assert_eq!((second.queued, second.already_queued, second.held), (0, 2, 2), "{second}");
    assert_eq!(store.dump().await.unwrap(), dump, "a second run in the same week writes nothing");

    let digest = &outbox(store, &t, &t.secretary).await[0];
    assert_eq!((digest.kind.as_str(), digest.period_key.as_str(), digest.lang.as_str()), (WEEKLY_DIGEST, "2026-W48", "zh-CN"));
    assert_eq!(digest.send_error.as_deref(), Some(NO_MAIL_SERVER));
    assert!(digest.sent_at.is_none());
    assert!(digest.subject.starts_with("长效：本周待办") && digest.subject.ends_with("2026-W48"), "{}", digest.subject);
    assert!(digest.body.starts_with("王建国同志："), "{}", digest.body);
    assert!(digest.body.contains("\n本人\n"), "the secretary's own obligations: {}", digest.body);
    assert!(digest.body.contains("\n石桥村第一党支部（您任书记）\n- ["), "and the branch's: {}", digest.body);
    let member = &outbox(store, &t, &t.member).await[0];
    assert!(!member.body.contains("您任书记"), "a member sees only their own: {}", member.body);

    let next_week = run_weekly_digests(store, &evaluator, None, Lang::ZhCn, day("2026-11-30")).await.unwrap();
    assert_eq!((next_week.week.as_str(), next_week.queued), ("2026-W49", 2));
    assert_eq!(outbox(store, &t, &t.secretary).await.len(), 2);
    assert!(run_due(store, &evaluator, &Delivery::default(), day("2026-11-30")).await.unwrap().is_some());
    assert_eq!(outbox(store, &t, &t.secretary).await.len(), 2, "run_due is idempotent too");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn nobody_gets_a_message_when_nothing_is_open() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let before = store.dump().await.unwrap();
    let summary = run_weekly_digests(store, &NothingOpen, None, Lang::ZhCn, monday()).await.unwrap();
    assert_eq!((summary.recipients, summary.nothing_open, summary.queued), (2, 2, 0), "{summary}");
    assert_eq!(store.dump().await.unwrap(), before, "no empty mail, nothing written");
    assert!(outbox(store, &t, &t.secretary).await.is_empty());
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn with_a_mail_server_the_digest_is_sent_to_the_linked_accounts_address_and_marked_sent() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    set_email(store, &t.account, "zhao@qingchuan.example").await;
    let (config, sessions) = smtp_server(false).await;
    let evaluator = FreshEvaluator::embedded().unwrap();
    let summary = run_weekly_digests(store, &evaluator, Some(&config), Lang::ZhCn, monday()).await.unwrap();
    assert_eq!((summary.queued, summary.sent, summary.failed, summary.held), (2, 1, 0, 1), "{summary}");
    let sent = &outbox(store, &t, &t.member).await[0];
    assert!(sent.sent_at.is_some() && sent.send_error.is_none(), "{sent:?}");
    let held = &outbox(store, &t, &t.secretary).await[0];
    assert_eq!((held.sent_at.as_deref(), held.send_error.as_deref()), (None, Some(NO_ADDRESS)), "the secretary has no address");

    let transcript = sessions.lock().unwrap().concat();
    assert!(transcript.contains("MAIL FROM:<changxiao@qingchuan.example>"), "{transcript}");
    assert!(transcript.contains("RCPT TO:<zhao@qingchuan.example>"), "{transcript}");
    assert!(transcript.contains("Subject: =?UTF-8?B?"), "{transcript}");
    assert!(transcript.contains("Auto-Submitted: auto-generated"), "{transcript}");
    assert!(transcript.contains(&format!("Message-ID: <{}@qingchuan.example>", sent.id)), "{transcript}");

    let again = run_weekly_digests(store, &evaluator, Some(&config), Lang::ZhCn, day("2026-11-24")).await.unwrap();
    assert_eq!((again.queued, again.sent, again.held), (0, 0, 1), "a sent digest is not sent again: {again}");
    assert_eq!(sessions.lock().unwrap().len(), 1);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_refused_digest_is_marked_failed_with_the_reason_and_retried_next_run() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    set_email(store, &t.account, "zhao@qingchuan.example").await;
    let evaluator = FreshEvaluator::embedded().unwrap();
    let (refusing, _) = smtp_server(true).await;
    let summary = run_weekly_digests(store, &evaluator, Some(&refusing), Lang::ZhCn, monday()).await.unwrap();
    assert_eq!((summary.sent, summary.failed), (0, 1), "{summary}");
    let failed = &outbox(store, &t, &t.member).await[0];
    assert!(failed.sent_at.is_none());
    let reason = failed.send_error.clone().unwrap();
    assert!(reason.contains("550 5.7.1 relaying denied"), "{reason}");

    let still = run_weekly_digests(store, &evaluator, Some(&refusing), Lang::ZhCn, monday()).await.unwrap();
    assert_eq!((still.queued, still.failed), (0, 1), "tried again: {still}");
    let unreachable = SmtpConfig::new("smtp://127.0.0.1:1", "changxiao@qingchuan.example").unwrap();
    let down = run_weekly_digests(store, &evaluator, Some(&unreachable), Lang::ZhCn, monday()).await.unwrap();
    assert_eq!(down.failed, 1);
    assert!(outbox(store, &t, &t.member).await[0].send_error.as_deref().unwrap().contains("cannot reach"));

    let (accepting, sessions) = smtp_server(false).await;
    let later = run_weekly_digests(store, &evaluator, Some(&accepting), Lang::ZhCn, day("2026-11-25")).await.unwrap();
    assert_eq!((later.sent, later.failed), (1, 0), "{later}");
    let sent = &outbox(store, &t, &t.member).await[0];
    assert!(sent.sent_at.is_some() && sent.send_error.is_none());
    assert_eq!(sessions.lock().unwrap().len(), 1);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn only_one_process_runs_the_jobs_at_a_time() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    build(store).await;
    let held = store.try_job_lock("scheduler").await.unwrap().unwrap();
    let ran = run_due(store, &NothingOpen, &Delivery::default(), monday()).await.unwrap();
    assert_eq!(ran.is_none(), db.is_postgres(), "PostgreSQL holds a job lock; SQLite has one server per file");
    held.release().await;
    assert!(run_due(store, &NothingOpen, &Delivery::default(), monday()).await.unwrap().is_some(), "released");
    db.cleanup().await.unwrap();
}
