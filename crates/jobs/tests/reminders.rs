#![allow(clippy::unwrap_used)]
//! Reminders of plans left open, on a real database (a fresh SQLite file,
//! or a fresh PostgreSQL database when `CHANGXIAO_TEST_DATABASE_URL` is
//! set): nothing two days after the planned day, one reminder to the
//! branch's secretary at three days, nothing new when the job runs again,
//! a second at seven days, and nothing once the plan is held or cancelled.

use chrono::{Duration, NaiveDate};
use domain::Id;
use i18n::Lang;
use jobs::reminders::{PLAN_REMINDER, run_plan_reminders};
use jobs::{Delivery, FreshEvaluator, run_due};
use rules::Catalogue;
use store::activities::{Activity, ActivityStatus};
use store::outbox::{NO_MAIL_SERVER, OutboxMessage};
use store::{Actor, Store};
use testkit::activities::{activity, record_as_of};
use testkit::world::{Builder, SmallTree};
use testkit::{TestDb, day};

/// The day the plans are for.
fn planned_day() -> NaiveDate {
    day("2026-11-20")
}

fn after(days: i64) -> NaiveDate {
    planned_day() + Duration::days(days)
}

struct Tree {
    county: Id,
    branch: Id,
    secretary: Id,
    member: Id,
}

/// The small tree with a member beside the branch's secretary.
async fn build(store: &Store) -> Tree {
    let tree = SmallTree::build(store).await;
    let member = Builder::new(store).member("赵红梅", &tree.branch).await;
    Tree { county: tree.county.clone(), branch: tree.branch.clone(), secretary: tree.secretary, member }
}

/// Plans a theme party day of the branch for [`planned_day`] (entered on 2026-11-01).
async fn plan(store: &Store, t: &Tree, title: &str) -> Activity {
    let new = activity("theme_party_day", &t.branch, "2026-11-20").titled(title).agenda(&["theory_study"]).planned().build();
    record_as_of(store, new, day("2026-11-01")).await.unwrap()
}

/// The plan reminders in the secretary's outbox, oldest first.
async fn reminders(store: &Store, t: &Tree) -> Vec<OutboxMessage> {
    let mut all: Vec<OutboxMessage> =
        store.outbox_for(&t.county, &t.secretary, 100).await.unwrap().into_iter().filter(|m| m.kind == PLAN_REMINDER).collect();
    all.sort_by(|a, b| (&a.created_at, &a.period_key).cmp(&(&b.created_at, &b.period_key)));
    all
}

#[tokio::test]
async fn a_plan_left_open_is_reminded_at_three_and_seven_days_once_each() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let open = plan(store, &t, "十一月主题党日").await;

    let ran = run_plan_reminders(store, None, Lang::ZhCn, after(2)).await.unwrap();
    assert_eq!((ran.open_plans, ran.queued), (0, 0));
    assert!(reminders(store, &t).await.is_empty(), "two days after: nothing");

    let ran = run_plan_reminders(store, None, Lang::ZhCn, after(3)).await.unwrap();
    assert_eq!((ran.open_plans, ran.queued, ran.held), (1, 1, 1), "{ran}");
    let queued = reminders(store, &t).await;
    assert_eq!(queued.len(), 1);
    let first = &queued[0];
    assert_eq!(first.period_key, format!("{}:3d", open.id));
    assert_eq!(first.lang, "zh-CN");
    assert!(first.subject.contains("主题党日") && first.subject.contains("2026-11-20"), "{}", first.subject);
    for part in ["王建国同志", "石桥村第一党支部", "2026年11月20日", "十一月主题党日", &format!("/activities/{}", open.id), "取消计划"]
    {
        assert!(first.body.contains(part), "{part}: {}", first.body);
    }
    assert_eq!(first.send_error.as_deref(), Some(NO_MAIL_SERVER), "no mail server: kept with the reason");
    // Only the secretary is reminded, not the members.
    assert!(store.outbox_for(&t.county, &t.member, 100).await.unwrap().is_empty());

    let again = run_plan_reminders(store, None, Lang::ZhCn, after(3)).await.unwrap();
    assert_eq!((again.queued, again.already_queued), (0, 1));
    let six = run_plan_reminders(store, None, Lang::ZhCn, after(6)).await.unwrap();
    assert_eq!(six.queued, 0);
    assert_eq!(reminders(store, &t).await.len(), 1, "a second run creates nothing");

    let seven = run_plan_reminders(store, None, Lang::ZhCn, after(7)).await.unwrap();
    assert_eq!(seven.queued, 1);
    let queued = reminders(store, &t).await;
    assert_eq!(queued.iter().map(|m| m.period_key.clone()).collect::<Vec<_>>(), vec![format!("{}:3d", open.id), format!("{}:7d", open.id)]);
    assert!(queued[1].body.contains("已过去7天"), "{}", queued[1].body);
    run_plan_reminders(store, None, Lang::ZhCn, after(8)).await.unwrap();
    run_plan_reminders(store, None, Lang::ZhCn, after(30)).await.unwrap();
    assert_eq!(reminders(store, &t).await.len(), 2, "two reminders, no more");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_plan_held_or_cancelled_gets_no_more_reminders() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let held = plan(store, &t, "党员大会").await;
    let dropped = plan(store, &t, "读书会").await;
    assert_eq!(run_plan_reminders(store, None, Lang::ZhCn, after(3)).await.unwrap().queued, 2);

    let catalogue = Catalogue::embedded().unwrap();
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let holding = activity(&held.kind, &held.host_org_id, "2026-11-21").titled(held.title.as_deref().unwrap()).agenda(&["theory_study"]);
    let holding = holding.status(ActivityStatus::Held).build();
    store
        .update_activity(
            &mut w,
            &catalogue,
            store::activities::Revision { id: &held.id, expected_version: held.version, reason: None },
            holding,
            after(4),
        )
        .await
        .unwrap();
    store.cancel_plan(&mut w, &dropped.id, dropped.version).await.unwrap();
    w.commit().await.unwrap();

    let ran = run_plan_reminders(store, None, Lang::ZhCn, after(7)).await.unwrap();
    assert_eq!((ran.open_plans, ran.queued), (0, 0));
    let keys: Vec<String> = reminders(store, &t).await.into_iter().map(|m| m.period_key).collect();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.ends_with(":3d")), "{keys:?}");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn the_scheduled_round_sends_the_reminders_too() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let open = plan(store, &t, "十一月主题党日").await;
    let evaluator = FreshEvaluator::embedded().unwrap();
    assert!(run_due(store, &evaluator, &Delivery::default(), after(3)).await.unwrap().is_some());
    assert!(run_due(store, &evaluator, &Delivery::default(), after(3)).await.unwrap().is_some());
    let queued = reminders(store, &t).await;
    assert_eq!(queued.iter().map(|m| m.period_key.clone()).collect::<Vec<_>>(), vec![format!("{}:3d", open.id)]);
    db.cleanup().await.unwrap();
}
