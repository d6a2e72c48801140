#![allow(clippy::unwrap_used)]
//! Political birthdays, the visits near a day and plans left open, in the
//! store: a branch lists the members whose birthday falls in a month (its
//! groups included, those who left or joined that month not), records their
//! birthday in one step so that the requirement is met for each of them, and
//! refuses bad input naming the field and changing nothing; visits to one
//! unit within fourteen days are listed, cancelled and deleted ones not; a
//! plan three days past is overdue, one held is not, and its reminder goes
//! to the host's secretary or else to whoever entered it. Runs on SQLite,
//! and on PostgreSQL when `CHANGXIAO_TEST_DATABASE_URL` is set.

use domain::{Field, Id, MemberStatus};
use rules::{Calendar, Catalogue, Engine, Period, Status, Subject};
use store::activities::{ActivityStatus, NewActivity};
use store::birthdays::{BIRTHDAY_AGENDA, BIRTHDAY_MINUTES, Birthday, POLITICAL_BIRTHDAY};
use store::{Actor, Store, StoreError};
use testkit::activities::{activity, record};
use testkit::world::{Builder, County};
use testkit::{TestDb, day, field_of, today};

fn catalogue() -> Catalogue {
    Catalogue::embedded().unwrap()
}

struct Tree {
    orgs: County,
    /// Secretary of the branch, joined in November 1995.
    secretary: Id,
    /// Committee member of the branch, joined in March 1990.
    committee: Id,
    /// In the branch's group, joined November 2001 (month only).
    grouped: Id,
    /// In the branch, joined in March 2010.
    march: Id,
    /// In the branch, joined on 2026-11-01: no birthday this year.
    newcomer: Id,
    /// Joined in November 2005, transferred out.
    gone: Id,
    /// In the other branch, joined in November 2000.
    neighbour: Id,
    /// A county leader (for visits).
    leader: Id,
    /// Another county leader.
    deputy: Id,
}

async fn build(store: &Store) -> Tree {
    let orgs = County::build(store).await;
    let b = Builder::new(store);
    let branch = &orgs.branch;
    let secretary = b.member("王书记", branch).secretary().joined("1995-11-03").await;
    let committee = b.member("陈委员", branch).committee_member().joined("1990-03-15").await;
    let grouped = b.member("孙党员", &orgs.group).joined("2001-11").await;
    let march = b.member("李党员", branch).joined("2010-03-08").await;
    let newcomer = b.member("赵新党员", branch).joined("2026-11-01").await;
    let gone = b.member("钱党员", branch).joined("2005-11-10").status(MemberStatus::TransferredOut).await;
    let neighbour = b.member("周党员", &orgs.other_branch).joined("2000-11-20").await;
    let leader = b.member("县领导甲", &orgs.county).leads(&orgs.county).joined("1988-06-01").await;
    let deputy = b.member("县领导乙", &orgs.county).leads(&orgs.county).joined("1990-06-01").await;
    Tree { orgs, secretary, committee, grouped, march, newcomer, gone, neighbour, leader, deputy }
}

async fn record_birthday(
    store: &Store,
    t: &Tree,
    on: &str,
    people: &[Id],
    presenter: Option<&Id>,
) -> Result<store::activities::Activity, StoreError> {
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let recorded = store
        .record_birthday(&mut w, &catalogue(), Birthday { org_id: &t.orgs.branch, day: day(on), person_ids: people, presenter }, today())
        .await;
    if recorded.is_ok() {
        w.commit().await.unwrap();
    }
    recorded
}

#[tokio::test]
async fn the_months_birthdays_are_the_branchs_members_who_joined_in_that_month_of_an_earlier_year() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let listed = store.birthdays_in_month(&t.orgs.branch, 2026, 11, today()).await.unwrap();
    let names: Vec<(&str, i32)> = listed.iter().map(|m| (m.name.as_str(), m.years)).collect();
    // By name; the group's member is included, the other branch's, the one
    // transferred out and the one who joined this very month are not.
    assert_eq!(names, vec![("孙党员", 25), ("王书记", 31)]);
    assert_eq!(listed[0].person_id, t.grouped);
    assert_eq!(listed[0].join_date.to_string(), "2001-11");
    assert!(listed.iter().all(|m| m.celebrated_in.is_none()));
    assert!(!listed.iter().any(|m| [&t.neighbour, &t.gone, &t.newcomer].contains(&&m.person_id)));
    let march = store.birthdays_in_month(&t.orgs.branch, 2026, 3, today()).await.unwrap();
    let names: Vec<&str> = march.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["李党员", "陈委员"]);
    // The newcomer's first political birthday is next November.
    let next = store.birthdays_in_month(&t.orgs.branch, 2027, 11, today()).await.unwrap();
    assert!(next.iter().any(|m| m.person_id == t.newcomer && m.years == 1));
    assert!(
        matches!(store.birthdays_in_month(&t.orgs.branch, 2026, 13, today()).await, Err(StoreError::Invalid(f)) if f.field == Field::Period)
    );
    assert!(matches!(store.birthdays_in_month(&Id::generate(), 2026, 11, today()).await, Err(StoreError::NotFound)));
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn one_step_records_the_birthday_for_all_chosen_and_meets_the_requirement_for_each() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let chosen = vec![t.grouped.clone(), t.secretary.clone()];
    let activity = record_birthday(store, &t, "2026-11-20", &chosen, Some(&t.secretary)).await.unwrap();
    assert_eq!(activity.kind, POLITICAL_BIRTHDAY);
    assert_eq!(activity.status, ActivityStatus::Held);
    assert_eq!(activity.host_org_id, t.orgs.branch);
    assert_eq!(activity.duration_minutes, BIRTHDAY_MINUTES);
    assert_eq!(activity.presenter_id.as_ref(), Some(&t.secretary));
    let agenda: Vec<(&str, Option<&str>)> = activity.agenda.iter().map(|a| (a.kind.as_str(), a.title.as_deref())).collect();
    assert_eq!(agenda, [("oath_review", Some("重温入党誓词")), ("other", Some("政治生日"))]);
    assert_eq!(BIRTHDAY_AGENDA, ["oath_review", "other"]);
    // The chosen and the committee, all present; nobody else.
    let mut present: Vec<&Id> = activity.participants.iter().filter(|p| p.present).map(|p| &p.person_id).collect();
    present.sort();
    let mut expected = vec![&t.grouped, &t.secretary, &t.committee];
    expected.sort();
    assert_eq!(present, expected);
    assert_eq!(activity.participants.len(), 3);
    assert_eq!(store.activity(&activity.id).await.unwrap().unwrap(), activity);

    let listed = store.birthdays_in_month(&t.orgs.branch, 2026, 11, today()).await.unwrap();
    assert!(listed.iter().all(|m| m.celebrated_in.as_ref() == Some(&activity.id) && m.celebrated_on == Some(day("2026-11-20"))));

    // The engine counts it for each of them: political-birthday, 2026-11, met.
    let catalogue = catalogue();
    let loaded = store.load_world(&catalogue, None, 2026, today()).await.unwrap();
    let engine = Engine::new(&catalogue, Calendar::embedded().unwrap(), loaded.world.clone(), &loaded.settings, 2026, today()).unwrap();
    let requirement = catalogue.requirement("political-birthday").unwrap();
    for person in &chosen {
        let ix = loaded.person_index[person];
        let cell = engine
            .cells_of(Subject::Person(ix))
            .into_iter()
            .find(|c| c.requirement == requirement && c.period == Period::Month(2026, 11))
            .unwrap();
        assert_eq!(cell.status, Status::Met, "{person}");
        assert_eq!(cell.evidence, vec![loaded.activity_index[&activity.id]]);
    }
    // Not for the neighbour of the other branch, who has no record: a method, never due nor missed.
    let ix = loaded.person_index[&t.neighbour];
    let cell = engine.cells_of(Subject::Person(ix)).into_iter().find(|c| c.requirement == requirement).unwrap();
    assert_eq!((cell.status, cell.why.code()), (Status::NotApplicable, "method_not_duty"));
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn bad_birthdays_are_refused_naming_the_field_and_change_nothing() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let before = store.dump().await.unwrap();
    let one = vec![t.grouped.clone()];
    /// What is wrong, the day, who is chosen, the presenter, the field named.
    type Case<'a> = (&'a str, &'a str, Vec<Id>, Option<&'a Id>, Field);
    let cases: Vec<Case> = vec![
        ("a day after today", "2026-11-24", one.clone(), None, Field::HeldOn),
        ("no one chosen", "2026-11-20", vec![], None, Field::Participant),
        ("someone twice", "2026-11-20", vec![t.grouped.clone(), t.grouped.clone()], None, Field::Participant),
        ("a member of another branch", "2026-11-20", vec![t.neighbour.clone()], None, Field::Participant),
        ("a member transferred out", "2026-11-20", vec![t.gone.clone()], None, Field::Participant),
        ("a member whose birthday is in March", "2026-11-20", vec![t.march.clone()], None, Field::Participant),
        ("a member who joined this month", "2026-11-20", vec![t.newcomer.clone()], None, Field::Participant),
        ("no such person", "2026-11-20", vec![Id::generate()], None, Field::Participant),
        ("a presenter from elsewhere", "2026-11-20", one.clone(), Some(&t.leader), Field::Presenter),
    ];
    for (what, on, people, presenter, field) in cases {
        let e = record_birthday(store, &t, on, &people, presenter).await.unwrap_err();
        assert_eq!(field_of::<()>(Err(e)), field, "{what}");
    }
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let e = store
        .record_birthday(
            &mut w,
            &catalogue(),
            Birthday { org_id: &Id::generate(), day: day("2026-11-20"), person_ids: &one, presenter: None },
            today(),
        )
        .await
        .unwrap_err();
    assert_eq!(field_of::<()>(Err(e)), Field::Host);
    drop(w);
    assert_eq!(store.dump().await.unwrap(), before);
    db.cleanup().await.unwrap();
}

/// A visit to `unit` presented by a leader, with the branch's secretary
/// along (a member of the village's tree).
fn visit(t: &Tree, unit: &Id, presenter: &Id, on: &str, kind: &str, status: ActivityStatus) -> NewActivity {
    activity("grassroots_visit", unit, on)
        .minutes(120)
        .presented_by(presenter)
        .agenda_item("other", "走访")
        .participants(&[&t.secretary])
        .visit(kind)
        .status(status)
        .build()
}

#[tokio::test]
async fn visits_to_the_same_unit_within_fourteen_days_are_listed_cancelled_and_deleted_ones_not() {
    use ActivityStatus::{Held, Planned};
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let around = day("2026-12-01");
    let this = record(store, visit(&t, &t.orgs.village, &t.leader, "2026-12-01", "investigate", Planned)).await;
    let planned = record(store, visit(&t, &t.orgs.village, &t.deputy, "2026-12-06", "publicize", Planned)).await;
    let held = record(store, visit(&t, &t.orgs.village, &t.leader, "2026-11-17", "receive_petitions", Held)).await;
    let edge = record(store, visit(&t, &t.orgs.village, &t.deputy, "2026-12-15", "on_site_work", Planned)).await;
    record(store, visit(&t, &t.orgs.village, &t.deputy, "2026-12-16", "on_site_work", Planned)).await;
    record(store, visit(&t, &t.orgs.village, &t.deputy, "2026-11-16", "on_site_work", Held)).await;
    record(store, visit(&t, &t.orgs.branch, &t.deputy, "2026-12-02", "publicize", Planned)).await;
    let cancelled = record(store, visit(&t, &t.orgs.village, &t.deputy, "2026-12-03", "publicize", Planned)).await;
    let deleted = record(store, visit(&t, &t.orgs.village, &t.deputy, "2026-12-04", "publicize", Planned)).await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.cancel_plan(&mut w, &cancelled.id, cancelled.version).await.unwrap();
    store.delete_activity(&mut w, &deleted.id, deleted.version).await.unwrap();
    w.commit().await.unwrap();

    let near = store.planned_visits_near(&t.orgs.village, around, Some(&this.id)).await.unwrap();
    /// Id, days apart, status, presenter, visit kind.
    type Row<'a> = (&'a Id, i64, ActivityStatus, Option<&'a str>, Option<&'a str>);
    let rows: Vec<Row> =
        near.iter().map(|v| (&v.id, v.days_apart, v.status, v.presenter_name.as_deref(), v.visit_kind.as_deref())).collect();
    assert_eq!(
        rows,
        vec![
            (&held.id, -14, Held, Some("县领导甲"), Some("receive_petitions")),
            (&planned.id, 5, Planned, Some("县领导乙"), Some("publicize")),
            (&edge.id, 14, Planned, Some("县领导乙"), Some("on_site_work")),
        ]
    );
    assert_eq!(near[1].presenter_id.as_ref(), Some(&t.deputy));
    // Without exclusion the visit itself is among them.
    let all = store.planned_visits_near(&t.orgs.village, around, None).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.iter().any(|v| v.id == this.id && v.days_apart == 0));
    // Another unit, or a quiet fortnight: none.
    assert!(store.planned_visits_near(&t.orgs.other_branch, around, None).await.unwrap().is_empty());
    assert!(store.planned_visits_near(&t.orgs.village, day("2027-03-01"), None).await.unwrap().is_empty());
    assert!(matches!(store.planned_visits_near(&Id::generate(), around, None).await, Err(StoreError::NotFound)));
    db.cleanup().await.unwrap();
}

/// A theme party day of the branch planned for `on`.
fn plan(t: &Tree, on: &str) -> NewActivity {
    activity("theme_party_day", &t.orgs.branch, on).titled("主题党日").agenda(&["theory_study"]).planned().build()
}

#[tokio::test]
async fn a_plan_three_days_past_is_overdue_until_it_is_held_or_cancelled() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let late = record(store, plan(&t, "2026-11-20")).await;
    let later = record(store, plan(&t, "2026-11-13")).await;
    record(store, plan(&t, "2026-11-21")).await;
    record(store, plan(&t, "2026-11-30")).await;
    let cancelled = record(store, plan(&t, "2026-11-10")).await;
    let held = record(store, plan(&t, "2026-11-11")).await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.cancel_plan(&mut w, &cancelled.id, cancelled.version).await.unwrap();
    let mut holding = plan(&t, "2026-11-12");
    holding.status = ActivityStatus::Held;
    store
        .update_activity(
            &mut w,
            &catalogue(),
            store::activities::Revision { id: &held.id, expected_version: held.version, reason: None },
            holding,
            today(),
        )
        .await
        .unwrap();
    w.commit().await.unwrap();

    let overdue = store.overdue_plans(today()).await.unwrap();
    let rows: Vec<(&Id, i64)> = overdue.iter().map(|p| (&p.id, p.days_overdue)).collect();
    assert_eq!(rows, vec![(&later.id, 10), (&late.id, 3)]);
    assert_eq!(overdue[1].host_name, "石桥村第一党支部");
    assert_eq!(overdue[1].planned_for, day("2026-11-20"));
    assert_eq!(overdue[1].kind, "theme_party_day");
    assert_eq!(overdue[1].created_by, "system:test");
    assert!(store.overdue_plans(day("2026-11-22")).await.unwrap().iter().all(|p| p.id != late.id), "two days past: not yet");

    // The branch's secretary is reminded.
    let to = store.plan_recipients(&overdue[1], today()).await.unwrap();
    assert_eq!(to.iter().map(|r| (&r.person_id, r.name.as_str())).collect::<Vec<_>>(), vec![(&t.secretary, "王书记")]);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn without_a_secretary_the_reminder_goes_to_whoever_entered_the_plan() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let account = Builder::new(store).account("chen", "陈委员").person(&t.committee).await;
    let actor = Actor { id: account.to_string(), address: None };
    let mut w = store.writer(&actor).await.unwrap();
    let mut new = plan(&t, "2026-11-10");
    new.host_org_id = t.orgs.other_branch.clone();
    let planned = store.record_activity(&mut w, &catalogue(), new, today()).await.unwrap();
    w.commit().await.unwrap();
    let overdue = store.overdue_plans(today()).await.unwrap();
    let found = overdue.iter().find(|p| p.id == planned.id).unwrap();
    assert_eq!(found.created_by, account.to_string());
    let to = store.plan_recipients(found, today()).await.unwrap();
    assert_eq!(to.iter().map(|r| &r.person_id).collect::<Vec<_>>(), vec![&t.committee]);
    // A plan entered by the system, at a host without a secretary: nobody.
    let mut new = plan(&t, "2026-11-09");
    new.host_org_id = t.orgs.other_branch.clone();
    let orphan = record(store, new).await;
    let overdue = store.overdue_plans(today()).await.unwrap();
    let found = overdue.iter().find(|p| p.id == orphan.id).unwrap();
    assert!(store.plan_recipients(found, today()).await.unwrap().is_empty());
    db.cleanup().await.unwrap();
}
