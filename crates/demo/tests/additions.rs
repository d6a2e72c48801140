//! What the demo adds around its held activities (on 2026-11-23, and for a
//! few other seeds and days): plans ahead and a few left unclosed, never
//! held and never at the secretary's branch; minutes final before last month
//! and drafts this month; research projects led by county leaders with teams
//! of people who exist, two thirds of them with results; problems raised at
//! life meetings; small valid PDF and PNG attachments. None of it changes a
//! held activity: the county generated without the additions has the same
//! held activities, so the planted gaps stay exactly as they were.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, Days, NaiveDate};
use demo::{DEFAULT_SEED, DemoActivity, DemoData, DemoStatus, GapSubject, generate, generate_held_only};
use domain::{CadreRank, Id};
use std::collections::{HashMap, HashSet};
use testkit::demo::county as data;
use testkit::{today, ymd};

fn days(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_add_days(Days::new(n)).unwrap()
}

fn days_before(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(n)).unwrap()
}

fn org_index(data: &DemoData) -> HashMap<&Id, usize> {
    data.orgs.iter().enumerate().map(|(i, o)| (&o.id, i)).collect()
}

fn secretary_branch(data: &DemoData) -> usize {
    data.orgs.iter().position(|o| o.name.as_str() == demo::DUPLICATE_NAME_BRANCH).unwrap()
}

/// An activity as it was before the additions annotated it.
fn bare(a: &DemoActivity) -> DemoActivity {
    DemoActivity { minutes: None, research_project: None, ..a.clone() }
}

#[test]
fn the_additions_change_no_held_activity() {
    for (seed, day) in [(DEFAULT_SEED, today()), (3, ymd(2026, 7, 1))] {
        let with = if seed == DEFAULT_SEED { data().clone() } else { generate(seed, day) };
        let without = generate_held_only(seed, day);
        assert_eq!(with.activities.len(), without.activities.len(), "seed {seed}");
        for (a, b) in with.activities.iter().zip(&without.activities) {
            assert_eq!(bare(a), *b, "seed {seed}");
            assert_eq!(a.status, DemoStatus::Held);
        }
        assert_eq!(with.planted_gaps, without.planted_gaps);
        assert_eq!((with.orgs, with.people), (without.orgs, without.people));
        assert!(without.plans.is_empty() && without.projects.is_empty() && without.problems.is_empty());
        assert!(without.attachments.is_empty());
        assert!(without.activities.iter().all(|a| a.minutes.is_none() && a.research_project.is_none()));
        // The additions are there, and the same for the same seed and day.
        assert!(with.activities.iter().any(|a| a.minutes.is_some()) && !with.plans.is_empty());
    }
    assert_eq!(generate(DEFAULT_SEED, today()), *data());
}

/// Whether person `p` could be listed at an activity of `host` on `day`: a
/// member of the host's subtree then, or a holder of a position in it.
fn eligible(data: &DemoData, index: &HashMap<&Id, usize>, p: usize, host: usize, day: NaiveDate) -> bool {
    let person = &data.people[p];
    if !person.status.counts_in_branch() {
        return false;
    }
    let branch = index[&person.org_id];
    let from = person.join_date.first_day().max(data.orgs[branch].founded_on);
    if from > day {
        return false;
    }
    let mut at = branch;
    loop {
        if at == host {
            return true;
        }
        match &data.orgs[at].parent_id {
            Some(parent) => at = index[parent],
            None => break,
        }
    }
    person.positions.iter().any(|(o, _)| index[o] == host)
}

#[test]
fn plans_lie_ahead_or_a_few_days_back_and_are_never_held() {
    let data = data();
    let index = org_index(data);
    let ids: HashSet<&Id> = data.activities.iter().map(|a| &a.id).collect();
    let (mut ahead, mut unclosed, mut cancelled) = (0, 0, 0);
    for a in &data.plans {
        assert!(!ids.contains(&a.id), "a plan shares an id with a held activity: {a:?}");
        assert!(a.absentees.is_empty() && a.minutes.is_none(), "{a:?}");
        assert!(!a.participants.is_empty() && !a.agenda.is_empty(), "{a:?}");
        assert!(a.held_on >= data.orgs[a.host].founded_on);
        for &p in &a.participants {
            assert!(eligible(data, &index, p, a.host, a.held_on), "{} may not be at {}", data.people[p].name, a.title);
        }
        assert_eq!(a.visit_kind.is_some(), a.kind == "grassroots_visit", "{a:?}");
        match a.status {
            DemoStatus::Planned if a.held_on > today() => {
                assert!(a.held_on <= days(today(), 28), "{a:?}");
                ahead += 1;
            }
            DemoStatus::Planned => {
                assert!(a.held_on >= days_before(today(), 10) && a.held_on <= days_before(today(), 4), "{a:?}");
                unclosed += 1;
            }
            DemoStatus::Cancelled => cancelled += 1,
            DemoStatus::Held => panic!("a plan is held: {a:?}"),
        }
    }
    assert!(ahead >= 24, "a few dozen plans ahead, not {ahead}");
    assert!((2..=3).contains(&unclosed), "{unclosed}");
    assert!((1..=2).contains(&cancelled), "{cancelled}");
    let kinds: HashSet<&str> = data.plans.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, HashSet::from(["theme_party_day", "members_assembly", "party_class", "grassroots_visit"]));
    // Some places are visited twice within a fortnight, by different leaders.
    let visits: Vec<&DemoActivity> = data.plans.iter().filter(|a| a.kind == "grassroots_visit").collect();
    let shared = visits
        .iter()
        .filter(|a| {
            visits
                .iter()
                .any(|b| b.id != a.id && b.host == a.host && b.presenter != a.presenter && (b.held_on - a.held_on).num_days().abs() <= 14)
        })
        .count();
    assert!(shared >= 4, "{shared}");
    assert!(visits.iter().all(|a| a.presenter.is_some_and(|p| data.people[p].cadre_rank >= CadreRank::CountyDeputy)));
}

#[test]
fn the_secretary_s_branch_and_the_pending_leader_keep_their_work_open() {
    let data = data();
    let branch = secretary_branch(data);
    assert!(data.plans.iter().all(|a| a.host != branch), "nothing is planned at the secretary's branch");
    let quarter = |d: NaiveDate| (d.year(), (d.month() - 1) / 3);
    for a in data.activities.iter().chain(&data.plans).filter(|a| a.host == branch) {
        let this_month = (a.held_on.year(), a.held_on.month()) == (today().year(), today().month());
        assert!(!(a.kind == "branch_committee_meeting" && this_month), "{a:?}");
        let this_quarter = quarter(a.held_on) == quarter(today());
        assert!(!(matches!(a.kind, "party_lesson" | "party_class") && this_quarter), "{a:?}");
    }
    let pending = data
        .planted_gaps
        .iter()
        .find(|g| g.requirement == "special-party-class" && g.period == "2026")
        .map(|g| match g.subject {
            GapSubject::Person(p) => p,
            GapSubject::Org(_) => panic!("{g:?}"),
        })
        .unwrap();
    for a in data.activities.iter().chain(&data.plans) {
        assert!(!(a.kind == "party_class" && a.presenter == Some(pending) && a.held_on.year() == 2026), "{a:?}");
    }
}

#[test]
fn minutes_are_final_before_last_month_and_drafts_this_month() {
    let data = data();
    let (this_month, last_month) = (ymd(2026, 11, 1), ymd(2026, 10, 1));
    let kinds = ["branch_committee_meeting", "members_assembly", "standing_committee_meeting", "party_group_meeting"];
    let (mut eligible, mut written, mut last_drafts, mut last_finals) = (0, 0, 0, 0);
    for a in &data.activities {
        if kinds.contains(&a.kind) {
            eligible += 1;
        }
        let Some(m) = &a.minutes else { continue };
        written += 1;
        assert!(kinds.contains(&a.kind), "{a:?}");
        assert!(!m.text.trim().is_empty() && m.text.chars().count() <= 50_000);
        assert!(m.text.chars().all(|c| !c.is_control() || c == '\n'), "{:?}", m.text);
        assert!(m.text.contains("会议内容"), "{}", m.text);
        if a.held_on < last_month {
            assert!(m.is_final, "{a:?}");
        } else if a.held_on >= this_month {
            assert!(!m.is_final, "{a:?}");
        } else if m.is_final {
            last_finals += 1;
        } else {
            last_drafts += 1;
        }
    }
    assert!(written * 4 > eligible * 3, "most meetings have minutes: {written} of {eligible}");
    assert!(last_drafts > 0 && last_finals > 0, "last month has drafts ({last_drafts}) and finals ({last_finals})");
    assert!(data.activities.iter().any(|a| a.held_on >= this_month && a.minutes.is_some()));
    // A study and a decision are written down.
    let with_decision = data
        .activities
        .iter()
        .filter_map(|a| a.minutes.as_ref())
        .filter(|m| m.text.contains("学习") && m.text.contains("会议决定"))
        .count();
    assert!(with_decision * 2 > written);
}

#[test]
fn every_project_is_led_by_a_county_leader_with_a_team_and_two_thirds_have_results() {
    let data = data();
    let root = data.orgs.iter().position(|o| o.parent_id.is_none()).unwrap();
    assert!(data.projects.len() >= 8, "{}", data.projects.len());
    let topics: HashSet<&str> = data.projects.iter().map(|p| p.topic.as_str()).collect();
    assert_eq!(topics.len(), data.projects.len(), "each project its own topic");
    let mut leads = HashSet::new();
    for p in &data.projects {
        assert_eq!(p.org, root);
        assert!(leads.insert(p.lead), "one project a leader");
        let lead = data.people.get(p.lead).unwrap();
        assert!(lead.cadre_rank >= CadreRank::CountyDeputy && lead.status.counts_in_branch());
        assert!((1..=3).contains(&p.team.len()), "{p:?}");
        assert!(!p.team.contains(&p.lead) && p.team.windows(2).all(|w| w[0] < w[1]), "{p:?}");
        for &t in &p.team {
            assert!(data.people.get(t).is_some_and(|x| x.cadre_rank >= CadreRank::CountyDeputy && x.status.counts_in_branch()));
        }
        assert!(p.started_on.year() == 2026 && p.started_on.month() == 1 && p.started_on < today(), "{p:?}");
        assert!(!p.topic.trim().is_empty() && p.topic.chars().count() <= 200);
        assert_eq!(p.findings.is_some(), !p.results.is_empty(), "findings go with results: {p:?}");
        assert!(p.results.len() <= 3);
        for r in &p.results {
            assert!(["measure", "document", "problem"].contains(&r.kind));
            assert!(r.person.is_none_or(|x| r.kind == "problem" && (x == p.lead || p.team.contains(&x))), "{r:?}");
        }
    }
    let n = data.projects.len();
    let with_results = data.projects.iter().filter(|p| !p.results.is_empty()).count();
    assert!((3 * with_results).abs_diff(2 * n) <= 2, "{with_results} of {n} have results");
    assert!(with_results < n, "some have produced nothing yet");
    // Every visit of the year by a lead belongs to the lead's project; some case analyses belong to one.
    for a in &data.activities {
        let visit = matches!(a.kind, "grassroots_visit" | "research_visit");
        let led = data.projects.iter().position(|p| Some(p.lead) == a.presenter);
        if visit && a.held_on.year() == 2026 {
            assert_eq!(a.research_project, led, "{a:?}");
        }
        if let Some(i) = a.research_project {
            assert!(visit || a.kind == "case_analysis", "{a:?}");
            assert!(a.held_on >= data.projects[i].started_on && a.held_on.year() == 2026, "{a:?}");
        }
    }
    assert!(data.activities.iter().any(|a| a.kind == "case_analysis" && a.research_project.is_some()));
    assert!(data.activities.iter().filter(|a| a.kind == "grassroots_visit" && a.research_project.is_some()).count() >= n * 3);
}

#[test]
fn life_meetings_raise_one_to_three_problems_some_of_a_participant() {
    let data = data();
    let mut per_meeting: HashMap<usize, usize> = HashMap::new();
    let mut personal = 0;
    for p in &data.problems {
        let a = &data.activities[p.activity];
        assert!(matches!(a.kind, "democratic_life_meeting" | "organizational_life_meeting"), "{a:?}");
        assert!(!p.description.trim().is_empty() && p.description.chars().count() <= 2000);
        if let Some(person) = p.person {
            assert!(a.participants.contains(&person) && !a.absentees.iter().any(|(x, _)| *x == person));
            personal += 1;
        }
        *per_meeting.entry(p.activity).or_default() += 1;
    }
    let meetings: Vec<usize> = (0..data.activities.len())
        .filter(|&i| matches!(data.activities[i].kind, "democratic_life_meeting" | "organizational_life_meeting"))
        .collect();
    assert!(meetings.iter().any(|&i| data.activities[i].held_on.year() == 2025));
    for i in meetings {
        assert!((1..=3).contains(per_meeting.get(&i).unwrap_or(&0)), "{:?}", data.activities[i]);
    }
    assert!(personal > 0 && personal < data.problems.len(), "{personal} of {}", data.problems.len());
}

#[test]
fn a_few_dozen_meetings_carry_a_small_pdf_or_png() {
    let data = data();
    let branch = secretary_branch(data);
    let activities: HashSet<usize> = data.attachments.iter().map(|a| a.activity).collect();
    assert!((20..=60).contains(&activities.len()), "{}", activities.len());
    let mut names = HashSet::new();
    for f in &data.attachments {
        let a = &data.activities[f.activity];
        assert!(a.minutes.is_some(), "a scan shows minutes: {a:?}");
        assert!(names.insert((f.activity, f.file_name.clone())), "a name twice on one activity: {}", f.file_name);
        assert!(f.bytes.len() < 200_000);
        if f.file_name.ends_with(".pdf") {
            assert!(f.bytes.starts_with(b"%PDF-1.4\n") && f.bytes.ends_with(b"%%EOF\n"));
        } else {
            assert!(f.file_name.ends_with(".png") && f.bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", f.file_name);
        }
    }
    assert!(data.attachments.iter().any(|f| f.file_name.ends_with(".png")));
    assert!(activities.iter().any(|&i| data.activities[i].host == branch && data.activities[i].kind == "branch_committee_meeting"));
    assert!(activities.iter().any(|&i| data.activities[i].kind == "standing_committee_meeting"));
}

#[test]
fn other_seeds_and_days_keep_the_rules() {
    for (seed, day) in [(1, ymd(2026, 1, 6)), (2, ymd(2026, 4, 2))] {
        let data = generate(seed, day);
        let last_month = if day.month() == 1 { ymd(day.year() - 1, 12, 1) } else { ymd(day.year(), day.month() - 1, 1) };
        for a in &data.activities {
            if let Some(m) = &a.minutes {
                assert!(a.held_on >= last_month || m.is_final, "seed {seed}: {a:?}");
                assert!(a.held_on < ymd(day.year(), day.month(), 1) || !m.is_final, "seed {seed}: {a:?}");
            }
        }
        for a in &data.plans {
            let ahead = a.held_on > day && a.held_on <= days(day, 28);
            let unclosed = a.held_on >= days_before(day, 10) && a.held_on <= days_before(day, 4);
            assert!(a.status == DemoStatus::Cancelled || ahead || unclosed, "seed {seed}: {a:?}");
            assert!(a.host != secretary_branch(&data));
        }
        assert!(!data.projects.is_empty(), "seed {seed}");
        assert!(data.projects.iter().all(|p| p.started_on < day), "seed {seed}");
        assert!(!data.problems.is_empty() && !data.attachments.is_empty(), "seed {seed}");
    }
}
