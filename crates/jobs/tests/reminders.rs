#![allow(clippy::unwrap_used)]
//! Reminders of plans left open, on a real database (a fresh SQLite file,
//! or a fresh PostgreSQL database when `CHANGXIAO_TEST_DATABASE_URL` is
//! set): nothing two days after the planned day, one reminder to the
//! branch's secretary at three days, nothing new when the job runs again,
//! a second at seven days, and nothing once the plan is held or cancelled.

use chrono::{Duration, NaiveDate};
use domain::{CadreRank, Field, Id, MemberCategory, MemberStatus, Name, OrgKind, OrgLevel, PartialDate, PositionKind};
use i18n::Lang;
use jobs::reminders::{PLAN_REMINDER, run_plan_reminders};
use jobs::{Delivery, FreshEvaluator, run_due};
use rules::Catalogue;
use store::activities::{Activity, ActivityStatus, NewActivity, NewAgendaItem};
use store::orgs::NewOrg;
use store::outbox::{NO_MAIL_SERVER, OutboxMessage};
use store::people::NewPerson;
use store::testing::TestDb;
use store::{Actor, Store};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

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

async fn build(store: &Store) -> Tree {
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let mut parent = None;
    let mut ids = Vec::new();
    for (name, level, kind) in [
        ("中共青川县委员会", OrgLevel::County, OrgKind::Committee),
        ("中共临溪镇委员会", OrgLevel::Township, OrgKind::Committee),
        ("石桥村第一党支部", OrgLevel::Grassroots, OrgKind::Branch),
    ] {
        let new = NewOrg {
            id: None,
            parent_id: parent.clone(),
            name: Name::parse(Field::Name, name).unwrap(),
            level,
            kind,
            unit_type: None,
            founded_on: day("2000-01-01"),
        };
        let id = store.create_org(&mut w, new).await.unwrap().id;
        parent = Some(id.clone());
        ids.push(id);
    }
    let branch = ids[2].clone();
    let mut people = Vec::new();
    for (name, positions) in [("王建国", vec![(branch.clone(), PositionKind::Secretary)]), ("赵红梅", vec![])] {
        let new = NewPerson {
            id: None,
            org_id: branch.clone(),
            name: Name::parse(Field::Name, name).unwrap(),
            sex: None,
            ethnicity: None,
            birth_date: None,
            category: MemberCategory::Full,
            status: MemberStatus::Active,
            join_date: PartialDate::full(day("1998-07-01")),
            full_member_date: None,
            cadre_rank: CadreRank::None,
            id_number: None,
            phone: None,
            positions,
        };
        people.push(store.create_person(&mut w, new).await.unwrap().id);
    }
    w.commit().await.unwrap();
    Tree { county: ids[0].clone(), branch, secretary: people[0].clone(), member: people[1].clone() }
}

/// Plans a theme party day of the branch for [`planned_day`].
async fn plan(store: &Store, t: &Tree, title: &str) -> Activity {
    let new = NewActivity {
        id: None,
        kind: "theme_party_day".into(),
        host_org_id: t.branch.clone(),
        title: Some(title.into()),
        held_on: planned_day(),
        starts_at: None,
        duration_minutes: 90,
        presenter_id: None,
        agenda: vec![NewAgendaItem { kind: "theory_study".into(), title: None }],
        participants: None,
        absentees: vec![],
        visit_kind: None,
        polarity: None,
        research_project_id: None,
        status: ActivityStatus::Planned,
        minutes: None,
        minutes_state: None,
    };
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let a = store.record_activity(&mut w, &Catalogue::embedded().unwrap(), new, day("2026-11-01")).await.unwrap();
    w.commit().await.unwrap();
    a
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
    let holding = NewActivity {
        id: None,
        kind: held.kind.clone(),
        host_org_id: held.host_org_id.clone(),
        title: held.title.clone(),
        held_on: day("2026-11-21"),
        starts_at: None,
        duration_minutes: 90,
        presenter_id: None,
        agenda: vec![NewAgendaItem { kind: "theory_study".into(), title: None }],
        participants: None,
        absentees: vec![],
        visit_kind: None,
        polarity: None,
        research_project_id: None,
        status: ActivityStatus::Held,
        minutes: None,
        minutes_state: None,
    };
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
