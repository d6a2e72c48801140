#![allow(clippy::unwrap_used)]
//! Research projects and problem records in the store: a project with its
//! team, the visits and case analyses recorded for it, results (one of them
//! a problem record for the rectification ledger), and the problems raised
//! at a life meeting. Each refused input names its field and leaves the
//! database exactly as it was. Runs on SQLite, and on PostgreSQL when
//! `CHANGXIAO_TEST_DATABASE_URL` is set.

use domain::{Field, Id, Organization, PositionKind};
use rules::Catalogue;
use store::activities::{ActivityStatus, NewActivity};
use store::problems::NewProblem;
use store::research::{NewProject, Project, ProjectChanges, ResultKind};
use store::{Actor, Store, StoreError};
use testkit::activities::{activity, record};
use testkit::world::{Builder, County};
use testkit::{TestDb, day, field_of, today};

/// The county's tree with a third branch, closed in 2024; the county's
/// leader, the first branch's secretary and a member, a member of the
/// second branch; a county of another province with one member.
struct Tree {
    orgs: County,
    closed_branch: Id,
    leader: Id,
    secretary: Id,
    member: Id,
    other_member: Id,
    outsider: Id,
}

async fn build(store: &Store) -> Tree {
    let orgs = County::build(store).await;
    let b = Builder::new(store);
    let closed_branch = b.branch("石桥村第三党支部", &orgs.village).await;
    b.close(&closed_branch, "2024-06-01").await;
    let elsewhere = b.county("外省某县委").await;
    let leader = b.member("县领导", &orgs.county).holds_in(&orgs.county, PositionKind::LeadershipMember).await;
    let secretary = b.member("王书记", &orgs.branch).secretary().await;
    let member = b.member("李党员", &orgs.branch).await;
    let other_member = b.member("周党员", &orgs.other_branch).await;
    let outsider = b.member("外省党员", &elsewhere).await;
    Tree { orgs, closed_branch, leader, secretary, member, other_member, outsider }
}

fn project_of(t: &Tree) -> NewProject {
    NewProject {
        org_id: t.orgs.county.clone(),
        topic: "村级集体经济发展情况调研".into(),
        lead_id: t.leader.clone(),
        team: vec![t.secretary.clone(), t.member.clone()],
        started_on: day("2026-09-01"),
        findings: None,
    }
}

/// Starts the project, committed.
async fn start(store: &Store, new: NewProject) -> Project {
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let project = store.create_project(&mut w, new, today()).await.unwrap();
    w.commit().await.unwrap();
    project
}

async fn county_org(store: &Store, t: &Tree) -> Organization {
    store.org_required(&t.orgs.county, today()).await.unwrap()
}

/// A held activity of `kind` hosted by `host` on 2026-10-15, two hours long.
fn held(kind: &str, host: &Id, agenda: &[&str]) -> NewActivity {
    activity(kind, host, "2026-10-15").minutes(120).agenda(agenda).build()
}

#[tokio::test]
async fn a_project_keeps_its_team_visits_and_results_and_says_when_it_produced_nothing() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let mut new = project_of(&t);
    // The lead named in the team too is simply left out of it.
    new.team.push(t.leader.clone());
    new.findings = Some("  集体经济收入普遍偏低。\r\n部分村缺少产业。 ".into());
    let project = start(store, new).await;
    let mut expected_team = vec![t.secretary.clone(), t.member.clone()];
    expected_team.sort();
    assert_eq!(project.team, expected_team);
    assert_eq!(project.findings.as_deref(), Some("集体经济收入普遍偏低。\n部分村缺少产业。"));
    assert!(project.produced_nothing);
    let audit = store.dump().await.unwrap();
    assert!(audit.lines().any(|l| l.starts_with("audit_log") && l.contains("\"research_project\"") && l.contains("\"create\"")), "audited");

    // A visit and a case analysis of the branch are recorded for it.
    let mut visit = held("grassroots_visit", &t.orgs.branch, &["business"]);
    visit.visit_kind = Some("investigate".into());
    visit.research_project_id = Some(project.id.clone());
    let visit = record(store, visit).await;
    let mut case = held("case_analysis", &t.orgs.branch, &["business"]);
    case.polarity = Some("negative".into());
    case.research_project_id = Some(project.id.clone());
    case.held_on = day("2026-10-20");
    let case = record(store, case).await;
    let read = store.project(&project.id).await.unwrap().unwrap();
    assert_eq!(read.activities.iter().map(|a| a.id.clone()).collect::<Vec<_>>(), vec![visit.id.clone(), case.id.clone()]);
    assert_eq!(read.activities[0].visit_kind.as_deref(), Some("investigate"));
    assert_eq!(read.activities[1].polarity.as_deref(), Some("negative"));
    assert_eq!(read.team, expected_team);

    let county = county_org(store, &t).await;
    let listed = store.projects_of(&county, true).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].produced_nothing);
    let branch = store.org_required(&t.orgs.branch, today()).await.unwrap();
    assert!(store.projects_of(&branch, true).await.unwrap().is_empty(), "a project of the county is not the branch's");

    // A measure, then a problem handed to the rectification ledger.
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let (measure, none) = store.add_result(&mut w, &project.id, ResultKind::Measure, "建立村集体经济台账", None, today()).await.unwrap();
    w.commit().await.unwrap();
    assert!(none.is_none());
    assert_eq!(measure.problem_id, None);
    let listed = store.projects_of(&county, true).await.unwrap();
    assert!(!listed[0].produced_nothing, "one result is enough");
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let problem = NewProblem { person_id: Some(t.secretary.clone()), description: String::new() };
    let (result, problem) =
        store.add_result(&mut w, &project.id, ResultKind::Problem, "石桥村未建立集体经济发展规划", Some(problem), today()).await.unwrap();
    w.commit().await.unwrap();
    let problem = problem.unwrap();
    assert_eq!(result.problem_id.as_ref(), Some(&problem.id));
    assert_eq!(problem.source_project_id.as_ref(), Some(&project.id));
    assert_eq!(problem.source_activity_id, None);
    assert_eq!(problem.org_id, t.orgs.county);
    assert_eq!(problem.description, "石桥村未建立集体经济发展规划", "worded like the result by default");
    assert_eq!(problem.raised_on, today());
    assert_eq!(problem.version, 1);
    let read = store.project(&project.id).await.unwrap().unwrap();
    assert_eq!(read.results.iter().map(|r| r.kind).collect::<Vec<_>>(), vec![ResultKind::Measure, ResultKind::Problem]);
    let owned = store.problems_of_org(&county, false, None, 50).await.unwrap();
    assert_eq!(owned.items, vec![problem.clone()]);
    assert_eq!(store.problem(&problem.id).await.unwrap(), Some(problem));
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_activity_may_name_only_a_project_of_its_own_province() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let project = start(store, project_of(&t)).await;
    let outsider = store.person(&t.outsider, today()).await.unwrap().unwrap();
    let catalogue = Catalogue::embedded().unwrap();
    let linked = |host: &Id, project: &Id| {
        let mut a = held("case_analysis", host, &["negative_case_analysis"]);
        a.polarity = Some("negative".into());
        a.research_project_id = Some(project.clone());
        a
    };
    // Checked before a write and inside one alike.
    store.check_new_activity(&catalogue, linked(&t.orgs.county, &project.id), today()).await.unwrap();
    let elsewhere = linked(&outsider.org_id, &project.id);
    assert_eq!(field_of(store.check_new_activity(&catalogue, elsewhere.clone(), today()).await), Field::ResearchProject);
    let unknown = linked(&t.orgs.county, &Id::generate());
    assert_eq!(field_of(store.check_new_activity(&catalogue, unknown.clone(), today()).await), Field::ResearchProject);
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    assert_eq!(field_of(store.record_activity(&mut w, &catalogue, elsewhere, today()).await), Field::ResearchProject);
    assert_eq!(field_of(store.record_activity(&mut w, &catalogue, unknown, today()).await), Field::ResearchProject);
    drop(w);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn bad_projects_are_refused_naming_the_field_and_change_nothing() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let before = store.dump().await.unwrap();
    let cases: Vec<(NewProject, Field)> = vec![
        (NewProject { topic: "   ".into(), ..project_of(&t) }, Field::Topic),
        (NewProject { topic: "第一行\n第二行".into(), ..project_of(&t) }, Field::Topic),
        (NewProject { topic: "长".repeat(201), ..project_of(&t) }, Field::Topic),
        (NewProject { findings: Some("长".repeat(20_001)), ..project_of(&t) }, Field::Findings),
        (NewProject { lead_id: Id::generate(), ..project_of(&t) }, Field::Lead),
        (NewProject { lead_id: t.outsider.clone(), ..project_of(&t) }, Field::Lead),
        (NewProject { team: vec![t.member.clone(), t.outsider.clone()], ..project_of(&t) }, Field::Team),
        (NewProject { team: vec![t.member.clone(), t.member.clone()], ..project_of(&t) }, Field::Team),
        (NewProject { started_on: day("2026-11-24"), ..project_of(&t) }, Field::StartedOn),
        (NewProject { started_on: day("1999-12-31"), ..project_of(&t) }, Field::StartedOn),
        (NewProject { org_id: Id::generate(), ..project_of(&t) }, Field::Organization),
        (NewProject { org_id: t.closed_branch.clone(), ..project_of(&t) }, Field::Organization),
        // A branch's project: the county's leader holds no post there and is no member of it.
        (NewProject { org_id: t.orgs.branch.clone(), ..project_of(&t) }, Field::Lead),
        (
            NewProject {
                org_id: t.orgs.branch.clone(),
                lead_id: t.secretary.clone(),
                team: vec![t.other_member.clone()],
                ..project_of(&t)
            },
            Field::Team,
        ),
    ];
    for (new, field) in cases {
        let mut w = store.writer(&Actor::system("test")).await.unwrap();
        let result = store.create_project(&mut w, new.clone(), today()).await;
        assert_eq!(field_of(result), field, "{new:?}");
        drop(w);
    }
    assert_eq!(store.dump().await.unwrap(), before);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_new_people_are_checked() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let project = start(store, project_of(&t)).await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let changes = ProjectChanges { findings: Some(Some("发现三个问题".into())), ..ProjectChanges::default() };
    let updated = store.update_project(&mut w, &project.id, 1, changes, today()).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!((updated.version, updated.findings.as_deref()), (2, Some("发现三个问题")));
    assert_eq!(updated.team, project.team, "the team stays");

    let before = store.dump().await.unwrap();
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let stale = store
        .update_project(&mut w, &project.id, 1, ProjectChanges { topic: Some("新题目".into()), ..ProjectChanges::default() }, today())
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict { current: 2 })), "{stale:?}");
    let outsider = ProjectChanges { team: Some(vec![t.outsider.clone()]), ..ProjectChanges::default() };
    assert_eq!(field_of(store.update_project(&mut w, &project.id, 2, outsider, today()).await), Field::Team);
    let blank = ProjectChanges { topic: Some(String::new()), ..ProjectChanges::default() };
    assert_eq!(field_of(store.update_project(&mut w, &project.id, 2, blank, today()).await), Field::Topic);
    drop(w);
    assert_eq!(store.dump().await.unwrap(), before);

    // Results: an unknown project is not found; a measure carries no problem; a blank one is refused.
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let missing = store.add_result(&mut w, &Id::generate(), ResultKind::Measure, "举措", None, today()).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let with_problem = store.add_result(&mut w, &project.id, ResultKind::Document, "制度", Some(NewProblem::default()), today()).await;
    assert_eq!(field_of(with_problem), Field::Outcome);
    assert_eq!(field_of(store.add_result(&mut w, &project.id, ResultKind::Measure, " ", None, today()).await), Field::Description);
    let someone_else = NewProblem { person_id: Some(t.outsider.clone()), description: String::new() };
    assert_eq!(
        field_of(store.add_result(&mut w, &project.id, ResultKind::Problem, "问题", Some(someone_else), today()).await),
        Field::Person
    );
    drop(w);
    assert_eq!(store.dump().await.unwrap(), before);
    assert_eq!(ResultKind::parse_field("plan").unwrap_err().field, Field::Outcome);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn problems_raised_at_a_life_meeting_are_stored_for_the_ledger() {
    let db = TestDb::new().await.unwrap();
    let store = &db.store;
    let t = build(store).await;
    let meeting = record(store, held("organizational_life_meeting", &t.orgs.branch, &["criticism_self_criticism"])).await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let raised = store
        .raise_problems(
            &mut w,
            &meeting,
            vec![
                NewProblem { person_id: Some(t.member.clone()), description: "理论学习不够深入".into() },
                NewProblem { person_id: None, description: "支部“三会一课”记录不规范".into() },
            ],
            today(),
        )
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(raised.len(), 2);
    assert!(
        raised
            .iter()
            .all(|p| p.org_id == t.orgs.branch && p.source_activity_id.as_ref() == Some(&meeting.id) && p.raised_on == meeting.held_on)
    );
    assert_eq!(store.problems_of_activity(&meeting).await.unwrap(), raised);
    let county = county_org(store, &t).await;
    assert_eq!(store.problems_of_org(&county, true, None, 50).await.unwrap().items.len(), 2, "the county sees its subtree's");
    assert!(store.problems_of_org(&county, false, None, 50).await.unwrap().items.is_empty(), "but owns none itself");
    let page = store.problems_of_org(&county, true, None, 1).await.unwrap();
    assert_eq!(page.items.len(), 1);
    let next = page.next_cursor.map(Id::from_stored);
    assert_eq!(store.problems_of_org(&county, true, next.as_ref(), 1).await.unwrap().items.len(), 1);

    let one = |person: Option<Id>, text: &str| vec![NewProblem { person_id: person, description: text.into() }];
    // Not a life meeting.
    let assembly = record(store, held("members_assembly", &t.orgs.branch, &["theory_study"])).await;
    let before = store.dump().await.unwrap();
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    assert_eq!(field_of(store.raise_problems(&mut w, &assembly, one(None, "问题"), today()).await), Field::ActivityKind);
    // Someone who was not expected at the meeting.
    assert_eq!(field_of(store.raise_problems(&mut w, &meeting, one(Some(t.other_member.clone()), "问题"), today()).await), Field::Person);
    // Nothing, or a blank description, or the second of two is bad: nothing is stored.
    assert_eq!(field_of(store.raise_problems(&mut w, &meeting, Vec::new(), today()).await), Field::Description);
    let mixed = vec![NewProblem { person_id: None, description: "好的".into() }, NewProblem { person_id: None, description: "  ".into() }];
    assert_eq!(field_of(store.raise_problems(&mut w, &meeting, mixed, today()).await), Field::Description);
    assert_eq!(field_of(store.raise_problems(&mut w, &meeting, one(None, &"长".repeat(2001)), today()).await), Field::Description);
    drop(w);
    assert_eq!(store.dump().await.unwrap(), before);

    // A planned meeting takes no problems until it is held.
    let mut plan = held("organizational_life_meeting", &t.orgs.branch, &["criticism_self_criticism"]);
    plan.status = ActivityStatus::Planned;
    plan.held_on = day("2026-12-10");
    let plan = record(store, plan).await;
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    assert_eq!(field_of(store.raise_problems(&mut w, &plan, one(None, "问题"), today()).await), Field::ActivityStatus);
    drop(w);
    db.cleanup().await.unwrap();
}
