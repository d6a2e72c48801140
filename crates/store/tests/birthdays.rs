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

use chrono::NaiveDate;
use domain::access::{Login, Password};
use domain::{CadreRank, Field, Id, MemberCategory, MemberStatus, Name, OrgKind, OrgLevel, PartialDate, PositionKind};
use rules::{Calendar, Catalogue, Engine, Period, Status, Subject};
use store::activities::{ActivityStatus, NewActivity, NewAgendaItem};
use store::birthdays::{BIRTHDAY_AGENDA, BIRTHDAY_MINUTES, Birthday, POLITICAL_BIRTHDAY};
use store::orgs::NewOrg;
use store::people::NewPerson;
use store::testing::TestDb;
use store::{Actor, Store, StoreError};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    day("2026-11-23")
}

fn catalogue() -> Catalogue {
    Catalogue::embedded().unwrap()
}

struct Tree {
    village: Id,
    branch: Id,
    other_branch: Id,
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

async fn org(store: &Store, w: &mut store::Audited, parent: Option<&Id>, name: &str, level: OrgLevel, kind: OrgKind) -> Id {
    let new = NewOrg {
        id: None,
        parent_id: parent.cloned(),
        name: Name::parse(Field::Name, name).unwrap(),
        level,
        kind,
        unit_type: None,
        founded_on: day("2000-01-01"),
    };
    store.create_org(w, new).await.unwrap().id
}

async fn person(
    store: &Store,
    w: &mut store::Audited,
    org: &Id,
    name: &str,
    joined: &str,
    status: MemberStatus,
    positions: Vec<(Id, PositionKind)>,
) -> Id {
    let new = NewPerson {
        id: None,
        org_id: org.clone(),
        name: Name::parse(Field::Name, name).unwrap(),
        sex: None,
        ethnicity: None,
        birth_date: None,
        category: MemberCategory::Full,
        status,
        join_date: PartialDate::parse_iso(joined).unwrap(),
        full_member_date: None,
        cadre_rank: if positions.iter().any(|(_, k)| *k == PositionKind::LeadershipMember) { CadreRank::County } else { CadreRank::None },
        id_number: None,
        phone: None,
        positions,
    };
    store.create_person(w, new).await.unwrap().id
}

async fn build(store: &Store) -> Tree {
    use MemberStatus::{Active, TransferredOut};
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let county = org(store, &mut w, None, "青川县委", OrgLevel::County, OrgKind::Committee).await;
    let township = org(store, &mut w, Some(&county), "临溪镇党委", OrgLevel::Township, OrgKind::Committee).await;
    let village = org(store, &mut w, Some(&township), "石桥村党委", OrgLevel::Grassroots, OrgKind::Committee).await;
    let branch = org(store, &mut w, Some(&village), "第一党支部", OrgLevel::Grassroots, OrgKind::Branch).await;
    let group = org(store, &mut w, Some(&branch), "第一党小组", OrgLevel::Grassroots, OrgKind::Group).await;
    let other_branch = org(store, &mut w, Some(&village), "第二党支部", OrgLevel::Grassroots, OrgKind::Branch).await;
    let secretary = person(store, &mut w, &branch, "王书记", "1995-11-03", Active, vec![(branch.clone(), PositionKind::Secretary)]).await;
    let committee =
        person(store, &mut w, &branch, "陈委员", "1990-03-15", Active, vec![(branch.clone(), PositionKind::CommitteeMember)]).await;
    let grouped = person(store, &mut w, &group, "孙党员", "2001-11", Active, vec![]).await;
    let march = person(store, &mut w, &branch, "李党员", "2010-03-08", Active, vec![]).await;
    let newcomer = person(store, &mut w, &branch, "赵新党员", "2026-11-01", Active, vec![]).await;
    let gone = person(store, &mut w, &branch, "钱党员", "2005-11-10", TransferredOut, vec![]).await;
    let neighbour = person(store, &mut w, &other_branch, "周党员", "2000-11-20", Active, vec![]).await;
    let leader =
        person(store, &mut w, &county, "县领导甲", "1988-06-01", Active, vec![(county.clone(), PositionKind::LeadershipMember)]).await;
    let deputy =
        person(store, &mut w, &county, "县领导乙", "1990-06-01", Active, vec![(county.clone(), PositionKind::LeadershipMember)]).await;
    w.commit().await.unwrap();
    Tree { village, branch, other_branch, secretary, committee, grouped, march, newcomer, gone, neighbour, leader, deputy }
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
        .record_birthday(&mut w, &catalogue(), Birthday { org_id: &t.branch, day: day(on), person_ids: people, presenter }, today())
        .await;
    if recorded.is_ok() {
        w.commit().await.unwrap();
    }
    recorded
}

fn field_of(e: StoreError) -> Field {
    match e {
        StoreError::Invalid(f) => f.field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_months_birthdays_are_the_branchs_members_who_joined_in_that_month_of_an_earlier_year() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let listed = store.birthdays_in_month(&t.branch, 2026, 11, today()).await.unwrap();
    let names: Vec<(&str, i32)> = listed.iter().map(|m| (m.name.as_str(), m.years)).collect();
    // By name; the group's member is included, the other branch's, the one
    // transferred out and the one who joined this very month are not.
    assert_eq!(names, vec![("孙党员", 25), ("王书记", 31)]);
    assert_eq!(listed[0].person_id, t.grouped);
    assert_eq!(listed[0].join_date.to_string(), "2001-11");
    assert!(listed.iter().all(|m| m.celebrated_in.is_none()));
    assert!(!listed.iter().any(|m| [&t.neighbour, &t.gone, &t.newcomer].contains(&&m.person_id)));
    let march = store.birthdays_in_month(&t.branch, 2026, 3, today()).await.unwrap();
    let names: Vec<&str> = march.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["李党员", "陈委员"]);
    // The newcomer's first political birthday is next November.
    let next = store.birthdays_in_month(&t.branch, 2027, 11, today()).await.unwrap();
    assert!(next.iter().any(|m| m.person_id == t.newcomer && m.years == 1));
    assert!(
        matches!(store.birthdays_in_month(&t.branch, 2026, 13, today()).await, Err(StoreError::Invalid(f)) if f.field == Field::Period)
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
    assert_eq!(activity.host_org_id, t.branch);
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

    let listed = store.birthdays_in_month(&t.branch, 2026, 11, today()).await.unwrap();
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
    // Not for the neighbour of the other branch, whose birthday is due.
    let ix = loaded.person_index[&t.neighbour];
    let cell = engine.cells_of(Subject::Person(ix)).into_iter().find(|c| c.requirement == requirement).unwrap();
    assert_eq!(cell.status, Status::Due);
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
        assert_eq!(field_of(e), field, "{what}");
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
    assert_eq!(field_of(e), Field::Host);
    drop(w);
    assert_eq!(store.dump().await.unwrap(), before);
    db.cleanup().await.unwrap();
}

fn visit(t: &Tree, unit: &Id, presenter: &Id, on: &str, kind: &str, status: ActivityStatus) -> NewActivity {
    NewActivity {
        id: None,
        kind: "grassroots_visit".into(),
        host_org_id: unit.clone(),
        title: None,
        held_on: day(on),
        starts_at: None,
        duration_minutes: 120,
        presenter_id: Some(presenter.clone()),
        agenda: vec![NewAgendaItem { kind: "other".into(), title: Some("走访".into()) }],
        // The branch's secretary went along (a member of the village's tree).
        participants: Some(vec![t.secretary.clone()]),
        absentees: vec![],
        visit_kind: Some(kind.into()),
        polarity: None,
        research_project_id: None,
        status,
        minutes: None,
        minutes_state: None,
    }
}

async fn record(store: &Store, new: NewActivity) -> store::activities::Activity {
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let a = store.record_activity(&mut w, &catalogue(), new, today()).await.unwrap();
    w.commit().await.unwrap();
    a
}

#[tokio::test]
async fn visits_to_the_same_unit_within_fourteen_days_are_listed_cancelled_and_deleted_ones_not() {
    use ActivityStatus::{Held, Planned};
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let around = day("2026-12-01");
    let this = record(store, visit(&t, &t.village, &t.leader, "2026-12-01", "investigate", Planned)).await;
    let planned = record(store, visit(&t, &t.village, &t.deputy, "2026-12-06", "publicize", Planned)).await;
    let held = record(store, visit(&t, &t.village, &t.leader, "2026-11-17", "receive_petitions", Held)).await;
    let edge = record(store, visit(&t, &t.village, &t.deputy, "2026-12-15", "on_site_work", Planned)).await;
    record(store, visit(&t, &t.village, &t.deputy, "2026-12-16", "on_site_work", Planned)).await;
    record(store, visit(&t, &t.village, &t.deputy, "2026-11-16", "on_site_work", Held)).await;
    record(store, visit(&t, &t.branch, &t.deputy, "2026-12-02", "publicize", Planned)).await;
    let cancelled = record(store, visit(&t, &t.village, &t.deputy, "2026-12-03", "publicize", Planned)).await;
    let deleted = record(store, visit(&t, &t.village, &t.deputy, "2026-12-04", "publicize", Planned)).await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.cancel_plan(&mut w, &cancelled.id, cancelled.version).await.unwrap();
    store.delete_activity(&mut w, &deleted.id, deleted.version).await.unwrap();
    w.commit().await.unwrap();

    let near = store.planned_visits_near(&t.village, around, Some(&this.id)).await.unwrap();
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
    let all = store.planned_visits_near(&t.village, around, None).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.iter().any(|v| v.id == this.id && v.days_apart == 0));
    // Another unit, or a quiet fortnight: none.
    assert!(store.planned_visits_near(&t.other_branch, around, None).await.unwrap().is_empty());
    assert!(store.planned_visits_near(&t.village, day("2027-03-01"), None).await.unwrap().is_empty());
    assert!(matches!(store.planned_visits_near(&Id::generate(), around, None).await, Err(StoreError::NotFound)));
    db.cleanup().await.unwrap();
}

fn plan(t: &Tree, on: &str) -> NewActivity {
    NewActivity {
        id: None,
        kind: "theme_party_day".into(),
        host_org_id: t.branch.clone(),
        title: Some("主题党日".into()),
        held_on: day(on),
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
    }
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
    assert_eq!(overdue[1].host_name, "第一党支部");
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
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let login = Login::parse("chen").unwrap();
    let password = Password::parse("correct horse battery", &login).unwrap();
    let account = store
        .create_account(&mut w, login, Name::parse(Field::Name, "陈委员").unwrap(), Some(t.committee.clone()), &password, false)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let actor = Actor { id: account.id.to_string(), address: None };
    let mut w = store.writer(&actor).await.unwrap();
    let mut new = plan(&t, "2026-11-10");
    new.host_org_id = t.other_branch.clone();
    let planned = store.record_activity(&mut w, &catalogue(), new, today()).await.unwrap();
    w.commit().await.unwrap();
    let overdue = store.overdue_plans(today()).await.unwrap();
    let found = overdue.iter().find(|p| p.id == planned.id).unwrap();
    assert_eq!(found.created_by, account.id.to_string());
    let to = store.plan_recipients(found, today()).await.unwrap();
    assert_eq!(to.iter().map(|r| &r.person_id).collect::<Vec<_>>(), vec![&t.committee]);
    // A plan entered by the system, at a host without a secretary: nobody.
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let mut new = plan(&t, "2026-11-09");
    new.host_org_id = t.other_branch.clone();
    let orphan = store.record_activity(&mut w, &catalogue(), new, today()).await.unwrap();
    w.commit().await.unwrap();
    let overdue = store.overdue_plans(today()).await.unwrap();
    let found = overdue.iter().find(|p| p.id == orphan.id).unwrap();
    assert!(store.plan_recipients(found, today()).await.unwrap().is_empty());
    db.cleanup().await.unwrap();
}
