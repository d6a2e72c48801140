#![allow(clippy::unwrap_used)]
//! Activities, requirement settings and exemptions in the store, and the
//! world the evaluation engine is given: each refused input names its field
//! and leaves the database exactly as it was. Runs on SQLite, and on
//! PostgreSQL when `CHANGXIAO_TEST_DATABASE_URL` is set.

use domain::{Field, Id, OrgKind, PositionKind};
use rules::Catalogue;
use store::activities::{NewAbsentee, NewActivity, NewAgendaItem};
use store::requirements::{NewExemption, NewFrequency, NewLocalRequirement};
use store::{Actor, Store, StoreError};
use testkit::activities::{activity, try_record};
use testkit::world::{Builder, County};
use testkit::{TestDb, day, db, today};

fn catalogue() -> Catalogue {
    Catalogue::embedded().unwrap()
}

/// Two provinces' worth of tree: the county's tree (the first branch with
/// a group of members), a branch closed in 2024 and one founded in 2025;
/// and a county of another province.
struct Tree {
    orgs: County,
    closed_branch: Id,
    new_branch: Id,
    elsewhere: Id,
    secretary: Id,
    member: Id,
    absentee: Id,
    group_member: Id,
    other_member: Id,
    leader: Id,
    outsider: Id,
}

async fn build(store: &Store) -> Tree {
    let orgs = County::build(store).await;
    let b = Builder::new(store);
    let closed_branch = b.branch("石桥村第三党支部", &orgs.village).await;
    let new_branch = b.branch("石桥村第四党支部", &orgs.village).founded("2025-03-01").await;
    let elsewhere = b.county("外省某县委").await;
    let secretary = b.member("王书记", &orgs.branch).secretary().await;
    let member = b.member("李党员", &orgs.branch).await;
    let absentee = b.member("赵党员", &orgs.branch).await;
    let group_member = b.member("孙党员", &orgs.group).await;
    let other_member = b.member("周党员", &orgs.other_branch).await;
    let leader = b.member("县领导", &orgs.county).leads(&orgs.county).await;
    let outsider = b.member("外省党员", &elsewhere).await;
    b.close(&closed_branch, "2024-06-01").await;
    Tree { orgs, closed_branch, new_branch, elsewhere, secretary, member, absentee, group_member, other_member, leader, outsider }
}

/// A members' assembly of the branch with the default participants, one absent.
fn assembly(t: &Tree) -> NewActivity {
    activity("members_assembly", &t.orgs.branch, "2026-10-10")
        .titled("十月党员大会")
        .starting("09:30")
        .presented_by(&t.secretary)
        .agenda_item("theory_study", "学习最新重要讲话")
        .agenda(&["business"])
        .absent(&t.absentee, "外出务工")
        .build()
}

async fn record(db: &TestDb, new: NewActivity) -> Result<store::activities::Activity, StoreError> {
    try_record(&db.store, new).await
}

/// Runs a write that must be refused for `field`, and shows that it changed nothing.
async fn refused<F, Fut, T>(db: &TestDb, field: Field, write: F) -> String
where
    F: FnOnce(store::Audited) -> Fut,
    Fut: std::future::Future<Output = (store::Audited, Result<T, StoreError>)>,
    T: std::fmt::Debug,
{
    let before = db.store.dump().await.unwrap();
    let w = db.store.writer(&Actor::system("test")).await.unwrap();
    let (w, result) = write(w).await;
    drop(w);
    let message = match result {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.field, field, "{e}");
            i18n::render(i18n::Lang::En, &e.message())
        }
        other => panic!("expected a refusal of {field:?}, got {other:?}"),
    };
    assert_eq!(db.store.dump().await.unwrap(), before, "a refused write changed something");
    message
}

async fn refused_activity(db: &TestDb, field: Field, new: NewActivity) -> String {
    let s = &db.store;
    refused(db, field, |mut w| async move {
        let r = s.record_activity(&mut w, &catalogue(), new, today()).await;
        (w, r)
    })
    .await
}

#[tokio::test]
async fn an_activity_is_recorded_with_its_expected_participants_and_read_back() {
    let db = TestDb::new().await.unwrap();
    let t = build(&db.store).await;
    let recorded = record(&db, assembly(&t)).await.unwrap();
    // The branch's members, those of its group included; not the other branch's.
    let mut expected = vec![t.secretary.clone(), t.member.clone(), t.absentee.clone(), t.group_member.clone()];
    expected.sort();
    let ids: Vec<Id> = recorded.participants.iter().map(|p| p.person_id.clone()).collect();
    assert_eq!(ids, expected);
    let absent: Vec<_> = recorded.participants.iter().filter(|p| !p.present).collect();
    assert_eq!(absent.len(), 1);
    assert_eq!((&absent[0].person_id, absent[0].absence_reason.as_deref()), (&t.absentee, Some("外出务工")));
    assert_eq!(recorded.starts_at.as_deref(), Some("09:30"));
    assert!(recorded.created_at.ends_with("+08:00"), "{}", recorded.created_at);
    assert_eq!(recorded.created_by, "system:test");

    let read = db.store.activity(&recorded.id).await.unwrap().unwrap();
    assert_eq!(read, recorded);
    let history = db.store.history(recorded.id.as_str()).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].action.as_str(), history[0].entity.as_str()), ("create", "activity"));
    assert_eq!(history[0].after.as_ref().unwrap()["kind"], "members_assembly");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_township_meeting_expects_its_leadership_not_every_member_below() {
    let db = TestDb::new().await.unwrap();
    let t = build(&db.store).await;
    let mut new = assembly(&t);
    new.kind = "standing_committee_meeting".into();
    new.host_org_id = t.orgs.county.clone();
    new.absentees = vec![];
    new.presenter_id = Some(t.leader.clone());
    let recorded = record(&db, new).await.unwrap();
    let ids: Vec<Id> = recorded.participants.iter().map(|p| p.person_id.clone()).collect();
    assert_eq!(ids, vec![t.leader.clone()]);
    // But anyone of the county may be listed (a county-wide class).
    let mut class = assembly(&t);
    class.kind = "party_class".into();
    class.host_org_id = t.orgs.county.clone();
    class.absentees = vec![];
    class.participants = Some(vec![t.member.clone(), t.other_member.clone(), t.leader.clone()]);
    assert_eq!(record(&db, class).await.unwrap().participants.len(), 3);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn each_bad_activity_is_refused_naming_its_field_and_writes_nothing() {
    let db = TestDb::new().await.unwrap();
    let t = build(&db.store).await;
    let with = |f: &dyn Fn(&mut NewActivity)| {
        let mut new = assembly(&t);
        f(&mut new);
        new
    };
    let m = refused_activity(&db, Field::ActivityKind, with(&|n| n.kind = "tea_party".into())).await;
    assert!(m.contains("tea_party") && m.contains("members_assembly"), "{m}");
    refused_activity(&db, Field::Host, with(&|n| n.host_org_id = Id::generate())).await;
    let m = refused_activity(
        &db,
        Field::HeldOn,
        with(&|n| {
            n.host_org_id = t.closed_branch.clone();
            n.participants = Some(vec![]);
            n.absentees = vec![];
        }),
    )
    .await;
    assert!(m.contains("2024-06-01"), "{m}");
    let m = refused_activity(
        &db,
        Field::HeldOn,
        with(&|n| {
            n.host_org_id = t.new_branch.clone();
            n.held_on = day("2025-01-15");
            n.participants = Some(vec![]);
            n.absentees = vec![];
        }),
    )
    .await;
    assert!(m.contains("2025-03-01"), "{m}");
    refused_activity(&db, Field::HeldOn, with(&|n| n.held_on = day("2026-11-24"))).await;
    refused_activity(&db, Field::Duration, with(&|n| n.duration_minutes = 0)).await;
    refused_activity(&db, Field::Duration, with(&|n| n.duration_minutes = 1441)).await;
    refused_activity(&db, Field::Presenter, with(&|n| n.presenter_id = Some(t.outsider.clone()))).await;
    refused_activity(&db, Field::Presenter, with(&|n| n.presenter_id = Some(Id::generate()))).await;
    let m = refused_activity(
        &db,
        Field::Participant,
        with(&|n| {
            n.participants = Some(vec![t.secretary.clone(), t.other_member.clone()]);
            n.absentees = vec![];
        }),
    )
    .await;
    assert!(m.contains(t.other_member.as_str()), "the message names the person: {m}");
    refused_activity(
        &db,
        Field::Participant,
        with(&|n| {
            n.participants = Some(vec![t.member.clone(), t.member.clone()]);
            n.absentees = vec![];
        }),
    )
    .await;
    let m = refused_activity(
        &db,
        Field::Absentee,
        with(&|n| n.absentees = vec![NewAbsentee { person_id: t.other_member.clone(), reason: "病假".into() }]),
    )
    .await;
    assert!(m.contains(t.other_member.as_str()), "{m}");
    refused_activity(&db, Field::Absentee, with(&|n| n.absentees = vec![NewAbsentee { person_id: t.member.clone(), reason: "  ".into() }]))
        .await;
    refused_activity(
        &db,
        Field::Absentee,
        with(&|n| n.absentees = vec![NewAbsentee { person_id: t.member.clone(), reason: "长".repeat(201) }]),
    )
    .await;
    refused_activity(&db, Field::VisitKind, with(&|n| n.kind = "grassroots_visit".into())).await;
    refused_activity(
        &db,
        Field::VisitKind,
        with(&|n| {
            n.kind = "grassroots_visit".into();
            n.visit_kind = Some("sightseeing".into());
        }),
    )
    .await;
    refused_activity(&db, Field::VisitKind, with(&|n| n.visit_kind = Some("publicize".into()))).await;
    refused_activity(&db, Field::Polarity, with(&|n| n.kind = "case_analysis".into())).await;
    refused_activity(
        &db,
        Field::Polarity,
        with(&|n| {
            n.kind = "case_analysis".into();
            n.polarity = Some("neutral".into());
        }),
    )
    .await;
    refused_activity(&db, Field::Agenda, with(&|n| n.agenda.push(NewAgendaItem { kind: "karaoke".into(), title: None }))).await;
    refused_activity(&db, Field::Title, with(&|n| n.title = Some("标题\u{202e}".into()))).await;
    // None of it reached the audit trail either (the dumps above include it).
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn visits_and_case_analyses_carry_their_kind_and_polarity() {
    let db = TestDb::new().await.unwrap();
    let t = build(&db.store).await;
    let mut visit = assembly(&t);
    visit.kind = "grassroots_visit".into();
    visit.visit_kind = Some("receive_petitions".into());
    visit.presenter_id = Some(t.leader.clone());
    visit.absentees = vec![];
    assert_eq!(record(&db, visit).await.unwrap().visit_kind.as_deref(), Some("receive_petitions"));
    let mut case = assembly(&t);
    case.kind = "case_analysis".into();
    case.polarity = Some("negative".into());
    case.absentees = vec![];
    assert_eq!(record(&db, case).await.unwrap().polarity.as_deref(), Some("negative"));
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn activities_are_listed_by_subtree_and_deleted_with_their_version() {
    let db = TestDb::new().await.unwrap();
    let t = build(&db.store).await;
    let first = record(&db, assembly(&t)).await.unwrap();
    let mut other = assembly(&t);
    other.host_org_id = t.orgs.other_branch.clone();
    other.kind = "theme_party_day".into();
    other.held_on = day("2026-03-05");
    other.absentees = vec![];
    let second = record(&db, other).await.unwrap();
    let list = |org: &Id, subtree: bool, kind: Option<&str>, from: Option<&str>| store::activities::ActivityFilter {
        org: org.clone(),
        subtree,
        from: from.map(day),
        to: None,
        kind: kind.map(str::to_owned),
        status: None,
    };
    let ids = |page: store::orgs::Page<store::activities::Activity>| page.items.into_iter().map(|a| a.id).collect::<Vec<_>>();
    let s = &db.store;
    assert_eq!(
        ids(s.list_activities(&list(&t.orgs.county, true, None, None), None, 50, today()).await.unwrap()),
        vec![first.id.clone(), second.id.clone()]
    );
    assert_eq!(ids(s.list_activities(&list(&t.orgs.branch, true, None, None), None, 50, today()).await.unwrap()), vec![first.id.clone()]);
    assert!(ids(s.list_activities(&list(&t.orgs.village, false, None, None), None, 50, today()).await.unwrap()).is_empty());
    assert_eq!(
        ids(s.list_activities(&list(&t.orgs.county, true, Some("theme_party_day"), None), None, 50, today()).await.unwrap()),
        vec![second.id.clone()]
    );
    assert_eq!(
        ids(s.list_activities(&list(&t.orgs.county, true, None, Some("2026-06-01")), None, 50, today()).await.unwrap()),
        vec![first.id.clone()]
    );
    let page = s.list_activities(&list(&t.orgs.county, true, None, None), None, 1, today()).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].participants.len(), 4, "a page carries the participants");
    let cursor = Id::parse(page.next_cursor.as_deref().unwrap()).unwrap();
    assert_eq!(
        ids(s.list_activities(&list(&t.orgs.county, true, None, None), Some(&cursor), 1, today()).await.unwrap()),
        vec![second.id.clone()]
    );

    let mut w = s.writer(&Actor::system("test")).await.unwrap();
    assert!(matches!(s.delete_activity(&mut w, &first.id, 7).await, Err(StoreError::Conflict { current: 1 })));
    drop(w);
    let mut w = s.writer(&Actor::system("test")).await.unwrap();
    let deleted = s.delete_activity(&mut w, &first.id, 1).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(deleted.version, 2);
    assert!(s.activity(&first.id).await.unwrap().is_none());
    assert_eq!(ids(s.list_activities(&list(&t.orgs.county, true, None, None), None, 50, today()).await.unwrap()), vec![second.id.clone()]);
    let history = s.history(first.id.as_str()).await.unwrap();
    assert_eq!(history.iter().map(|h| h.action.as_str()).collect::<Vec<_>>(), vec!["create", "delete"]);
    let mut w = s.writer(&Actor::system("test")).await.unwrap();
    assert!(matches!(s.delete_activity(&mut w, &first.id, 2).await, Err(StoreError::NotFound)));
    drop(w);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn the_world_is_the_tree_in_pre_order_with_people_and_activities() {
    let db = TestDb::new().await.unwrap();
    let t = build(&db.store).await;
    let cat = catalogue();
    let recorded = record(&db, assembly(&t)).await.unwrap();
    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    let frequency = NewFrequency {
        org_id: t.orgs.county.clone(),
        requirement_id: "center-group-study".into(),
        period: "quarter".into(),
        count: 2,
        valid_from: day("2026-01-01"),
        reason: "县委决定".into(),
    };
    db.store.set_frequency(&mut w, &cat, frequency).await.unwrap();
    let exemption = NewExemption {
        requirement_id: "theme-party-day".into(),
        subject_kind: "organization".into(),
        subject_id: t.orgs.other_branch.clone(),
        from: day("2026-07-01"),
        to: day("2026-08-31"),
        reason: "汛期抢险".into(),
        approved_by: "system:test".into(),
    };
    db.store.exempt(&mut w, &cat, exemption).await.unwrap();
    w.commit().await.unwrap();

    let loaded = db.store.load_world(&cat, Some(&t.orgs.village), 2026, today()).await.unwrap();
    loaded.world.check().unwrap();
    // Village, then its branches by name (the one closed in 2024 is gone), the group under the first.
    assert_eq!(
        loaded.org_ids,
        vec![t.orgs.village.clone(), t.orgs.branch.clone(), t.orgs.group.clone(), t.orgs.other_branch.clone(), t.new_branch.clone()]
    );
    let ends: Vec<u32> = loaded.world.orgs.iter().map(|o| o.subtree_end).collect();
    assert_eq!(ends, vec![5, 3, 3, 4, 5]);
    let parents: Vec<Option<u32>> = loaded.world.orgs.iter().map(|o| o.parent).collect();
    assert_eq!(parents, vec![None, Some(0), Some(1), Some(0), Some(0)]);
    assert_eq!(loaded.world.orgs[4].founded_on, day("2025-03-01"));
    assert_eq!(loaded.world.orgs[1].kind, OrgKind::Branch);
    // The village's members, not the county leader nor the other province.
    assert_eq!(loaded.person_ids.len(), 5);
    assert!(!loaded.person_index.contains_key(&t.leader));
    let secretary = loaded.person_index[&t.secretary];
    assert_eq!(loaded.world.people[secretary as usize].joined_on, day("1998-07-01"));
    assert!(loaded.world.positions.iter().any(|p| p.person == secretary && p.org == 1 && p.kind == PositionKind::Secretary));
    assert!(loaded.world.memberships.iter().any(|m| m.person == loaded.person_index[&t.group_member] && m.org == 2));
    // The activity, with its agenda in order and its attendance.
    assert_eq!(loaded.activity_ids, vec![recorded.id.clone()]);
    let fact = loaded.world.activities[0].as_ref().unwrap();
    assert_eq!(fact.host, 1);
    assert_eq!(fact.kind, cat.kind("members_assembly").unwrap());
    assert_eq!(fact.agenda, vec![cat.agenda_kind("theory_study").unwrap(), cat.agenda_kind("business").unwrap()]);
    assert_eq!((fact.present.len(), fact.absent, fact.minutes), (3, 1, 90));
    assert_eq!(fact.voters, rules::Voters { present: 3, absent: 1 }, "full members all, and they have a vote");
    assert!(!fact.present.contains(&loaded.person_index[&t.absentee]));
    assert_eq!(fact.presenter, Some(secretary));
    // The county's setting reaches the village's world at its root; the exemption its subject.
    assert_eq!(loaded.settings.frequencies.len(), 1);
    assert_eq!(loaded.settings.frequencies[0].org, 0);
    assert_eq!(loaded.settings.exemptions.len(), 1);
    assert_eq!(loaded.settings.exemptions[0].subject, rules::Subject::Org(3));

    // Every root: both provinces, each in pre-order.
    let all = db.store.load_world(&cat, None, 2026, today()).await.unwrap();
    all.world.check().unwrap();
    assert_eq!(all.org_ids.len(), 8, "every organization but the branch closed in 2024");
    assert!(all.person_index.contains_key(&t.leader) && all.person_index.contains_key(&t.outsider));
    assert_eq!(all.settings.frequencies[0].org, all.org_index[&t.orgs.county]);
    // In 2023 the closed branch still stood, and nothing was held.
    let past = db.store.load_world(&cat, Some(&t.orgs.village), 2023, today()).await.unwrap();
    assert!(past.org_index.contains_key(&t.closed_branch) && !past.org_index.contains_key(&t.new_branch));
    assert!(past.world.activities.is_empty());
    let _ = (&t.orgs.township, &t.elsewhere);
    db.cleanup().await.unwrap();
}

const LOCAL: &str = r#"[[requirement]]
id = "county-visit"
zh = "走访群众"
en = "Visits to residents"
clause = "县委通知 2026 第 3 号"
subject = "organization"
org_kinds = ["branch"]
period = "quarter"
count = 2
kinds = ["grassroots_visit"]
"#;

#[tokio::test]
async fn settings_are_checked_listed_with_their_ancestors_and_ended() {
    let db = TestDb::new().await.unwrap();
    let s = &db.store;
    let t = build(&db.store).await;
    let cat = catalogue();
    let freq = |requirement: &str, period: &str, count: i64, reason: &str| NewFrequency {
        org_id: t.orgs.county.clone(),
        requirement_id: requirement.into(),
        period: period.into(),
        count,
        valid_from: day("2026-01-01"),
        reason: reason.into(),
    };
    for (field, new) in [
        (Field::Requirement, freq("no-such-thing", "month", 1, "x")),
        (Field::Requirement, freq("theme-party-day", "month", 2, "x")),
        (Field::Period, freq("center-group-study", "fortnight", 1, "x")),
        (Field::Count, freq("center-group-study", "month", 0, "x")),
        (Field::Reason, freq("center-group-study", "month", 1, "  ")),
    ] {
        let cat = &cat;
        refused(&db, field, |mut w| async move {
            let r = s.set_frequency(&mut w, cat, new).await;
            (w, r)
        })
        .await;
    }
    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    let county_setting = db.store.set_frequency(&mut w, &cat, freq("center-group-study", "quarter", 2, "县委决定")).await.unwrap();
    let mut own = freq("center-group-study", "month", 1, "镇党委决定");
    own.org_id = t.orgs.township.clone();
    db.store.set_frequency(&mut w, &cat, own).await.unwrap();
    w.commit().await.unwrap();
    refused(&db, Field::ValidFrom, |mut w| {
        let new = freq("center-group-study", "month", 3, "重复");
        let cat = &cat;
        async move {
            let r = s.set_frequency(&mut w, cat, new).await;
            (w, r)
        }
    })
    .await;

    let listed = db.store.list_settings(&t.orgs.branch, today()).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|l| l.inherited));
    assert_eq!(listed[0].setting.org_id, t.orgs.county, "from the top down");
    let listed = db.store.list_settings(&t.orgs.township, today()).await.unwrap();
    assert_eq!(listed.iter().map(|l| l.inherited).collect::<Vec<_>>(), vec![true, false]);

    // A local requirement: checked against the catalogue, the line kept in the message.
    let bad = LOCAL.replace("\"grassroots_visit\"", "\"picnic\"");
    let m = refused(&db, Field::Definition, |mut w| {
        let cat = &cat;
        let new = NewLocalRequirement {
            org_id: t.orgs.county.clone(),
            definition: bad,
            valid_from: day("2026-01-01"),
            reason: "县委决定".into(),
        };
        async move {
            let r = s.add_local_requirement(&mut w, cat, new).await;
            (w, r)
        }
    })
    .await;
    assert!(m.contains("definition line 10"), "{m}");
    let local = |org: &Id| NewLocalRequirement {
        org_id: org.clone(),
        definition: LOCAL.into(),
        valid_from: day("2026-01-01"),
        reason: "县委决定".into(),
    };
    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    let added = db.store.add_local_requirement(&mut w, &cat, local(&t.orgs.county)).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!((added.requirement_id.as_str(), added.period.as_deref()), ("county-visit", None));
    refused(&db, Field::Definition, |mut w| {
        let cat = &cat;
        let new = local(&t.orgs.township);
        async move {
            let r = s.add_local_requirement(&mut w, cat, new).await;
            (w, r)
        }
    })
    .await;

    // Ending: a stale version is a conflict; an ended setting is no longer listed.
    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    assert!(matches!(db.store.end_setting(&mut w, &county_setting.id, today(), 5).await, Err(StoreError::Conflict { current: 1 })));
    drop(w);
    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    let ended = db.store.end_setting(&mut w, &county_setting.id, today(), 1).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!((ended.ended_on, ended.version), (Some(today()), 2));
    let listed = db.store.list_settings(&t.orgs.branch, today()).await.unwrap();
    assert!(listed.iter().all(|l| l.setting.id != county_setting.id));
    let history = db.store.history(county_setting.id.as_str()).await.unwrap();
    assert_eq!(history.iter().map(|h| h.action.as_str()).collect::<Vec<_>>(), vec!["create", "end"]);

    // The local requirement reaches the world with an index after the catalogue's.
    let loaded = db.store.load_world(&cat, Some(&t.orgs.township), 2026, today()).await.unwrap();
    assert_eq!(loaded.settings.local_requirements.len(), 1);
    assert_eq!(loaded.settings.local_requirements[0].0.id, "county-visit");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn exemptions_are_checked_listed_and_revoked() {
    let db = TestDb::new().await.unwrap();
    let s = &db.store;
    let t = build(&db.store).await;
    let cat = catalogue();
    let exemption = |requirement: &str, kind: &str, subject: &Id, from: &str, to: &str, reason: &str| NewExemption {
        requirement_id: requirement.into(),
        subject_kind: kind.into(),
        subject_id: subject.clone(),
        from: day(from),
        to: day(to),
        reason: reason.into(),
        approved_by: "system:test".into(),
    };
    for (field, new) in [
        (Field::ToDate, exemption("theme-party-day", "organization", &t.orgs.branch, "2026-07-01", "2026-06-30", "汛期")),
        (Field::Reason, exemption("theme-party-day", "organization", &t.orgs.branch, "2026-07-01", "2026-07-31", "")),
        (Field::Subject, exemption("theme-party-day", "organization", &Id::generate(), "2026-07-01", "2026-07-31", "汛期")),
        (Field::Subject, exemption("political-birthday", "person", &t.orgs.branch, "2026-07-01", "2026-07-31", "汛期")),
        (Field::Requirement, exemption("county-visit", "organization", &t.orgs.branch, "2026-07-01", "2026-07-31", "汛期")),
        (Field::SubjectKind, exemption("theme-party-day", "person", &t.member, "2026-07-01", "2026-07-31", "汛期")),
        (Field::SubjectKind, exemption("theme-party-day", "robot", &t.member, "2026-07-01", "2026-07-31", "汛期")),
    ] {
        let cat = &cat;
        refused(&db, field, |mut w| async move {
            let r = s.exempt(&mut w, cat, new).await;
            (w, r)
        })
        .await;
    }
    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    let org_exemption = db
        .store
        .exempt(&mut w, &cat, exemption("theme-party-day", "organization", &t.orgs.branch, "2026-07-01", "2026-07-31", "汛期"))
        .await
        .unwrap();
    db.store
        .exempt(&mut w, &cat, exemption("political-birthday", "person", &t.member, "2026-01-01", "2026-12-31", "长期病休"))
        .await
        .unwrap();
    db.store
        .exempt(&mut w, &cat, exemption("political-birthday", "person", &t.other_member, "2026-01-01", "2026-12-31", "长期病休"))
        .await
        .unwrap();
    // A local requirement in force can be exempted from too.
    let local = NewLocalRequirement {
        org_id: t.orgs.county.clone(),
        definition: LOCAL.into(),
        valid_from: day("2026-01-01"),
        reason: "县委决定".into(),
    };
    db.store.add_local_requirement(&mut w, &cat, local).await.unwrap();
    db.store
        .exempt(&mut w, &cat, exemption("county-visit", "organization", &t.orgs.branch, "2026-07-01", "2026-09-30", "汛期"))
        .await
        .unwrap();
    w.commit().await.unwrap();

    let listed = db.store.list_exemptions(&t.orgs.branch, today()).await.unwrap();
    assert_eq!(listed.len(), 3, "the branch's two and its member's, not the other branch's member");
    assert_eq!(listed[0].subject_id, t.member);
    let everyone = db.store.list_exemptions(&t.orgs.village, today()).await.unwrap();
    assert_eq!(everyone.len(), 4);

    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    let revoked = db.store.revoke_exemption(&mut w, &org_exemption.id, 1).await.unwrap();
    w.commit().await.unwrap();
    assert!(revoked.revoked_at.is_some());
    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    assert!(matches!(db.store.revoke_exemption(&mut w, &org_exemption.id, 2).await, Err(StoreError::Rule(_))));
    drop(w);
    assert_eq!(db.store.list_exemptions(&t.orgs.branch, today()).await.unwrap().len(), 2);

    let loaded = db.store.load_world(&cat, Some(&t.orgs.village), 2026, today()).await.unwrap();
    let local_ix = cat.requirements.len() as u16;
    assert!(loaded.settings.exemptions.iter().any(|e| e.requirement == local_ix && e.subject == rules::Subject::Org(1)));
    assert_eq!(loaded.settings.exemptions.len(), 3, "the revoked one is left out");
    db.cleanup().await.unwrap();
}

/// A database holding the schema of the previous release (migrations 1 and
/// 2) with a member in it, migrated to the current one.
#[tokio::test]
async fn later_migrations_apply_to_the_schema_of_the_first_release_and_keep_its_data() {
    let db = db::with_first_migrations(2).await;
    let store = &db.store;
    // Written without audit entries: today's writer stamps columns that a
    // later migration adds (the upgrade test migrates a real older trail).
    let t = build(&store.without_audit_for_benchmarks()).await;
    let later: Vec<i64> = store::schema::MIGRATIONS.iter().map(|m| m.version).filter(|v| *v >= 3).collect();
    assert_eq!(store.migrate().await.unwrap(), later);
    assert_eq!(store.migrate().await.unwrap(), Vec::<i64>::new());
    assert!(store.person(&t.member, today()).await.unwrap().is_some());
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    store.record_activity(&mut w, &catalogue(), assembly(&t), today()).await.unwrap();
    w.commit().await.unwrap();
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_fresh_database_has_every_migration() {
    let db = TestDb::new().await.unwrap();
    assert_eq!(db.store.migrate().await.unwrap(), Vec::<i64>::new());
    assert!(!db.store.dump().await.unwrap().contains("activities "), "a fresh database has no activities");
    let t = build(&db.store).await;
    record(&db, assembly(&t)).await.unwrap();
    assert!(db.store.dump().await.unwrap().contains("activity_participants "));
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_votes_quorum_counts_the_members_with_a_vote_as_loaded_and_as_updated() {
    let db = TestDb::new().await.unwrap();
    let cat = Catalogue::embedded().unwrap();
    let orgs = County::build(&db.store).await;
    let b = Builder::new(&db.store);
    let full = b.member("王正式", &orgs.branch).secretary().await;
    let away = b.member("李正式", &orgs.branch).await;
    let mut probationers = Vec::new();
    for name in ["赵预备", "钱预备", "孙预备"] {
        probationers.push(b.member(name, &orgs.branch).probationary("2026-03-01").await);
    }
    // Four of five present, but one of the two members with a vote is away: no quorum for the vote.
    let expected: Vec<&Id> = [&full, &away].into_iter().chain(probationers.iter()).collect();
    let vote = activity("members_assembly", &orgs.branch, "2026-06-10")
        .agenda(&["theory_study", "vote"])
        .participants(&expected)
        .absent(&away, "外出务工")
        .build();
    let recorded = testkit::activities::record(&db.store, vote).await;
    let loaded = db.store.load_world(&cat, Some(&orgs.branch), 2026, day("2026-12-31")).await.unwrap();
    let fact = loaded.world.activities[0].as_ref().unwrap();
    assert_eq!((fact.present.len(), fact.absent, fact.voters), (4, 1, rules::Voters { present: 1, absent: 1 }));
    assert_eq!(loaded.fact_of(&cat, &recorded).as_ref(), Some(fact), "the incremental path reads the same voters");
    let engine =
        rules::Engine::new(&cat, rules::Calendar::embedded().unwrap(), loaded.world.clone(), &loaded.settings, 2026, day("2026-12-31"))
            .unwrap();
    let assembly = cat.requirement("members-assembly").unwrap();
    let q2 = engine
        .cells_of(rules::Subject::Org(loaded.org_index[&orgs.branch]))
        .into_iter()
        .find(|c| c.requirement == assembly && c.period.label() == "2026-Q2")
        .unwrap();
    assert_eq!((q2.status, q2.why.code()), (rules::Status::Missed, "held_without_quorum"));
    db.cleanup().await.unwrap();
}
