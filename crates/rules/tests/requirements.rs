//! Hand-computed cases for every requirement of the catalogue, from the
//! documents' wording: what counts, what does not, and when a period is due,
//! overdue or missed.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::{CadreRank, OrgKind, OrgLevel, PositionKind};
use rules::catalogue::{Catalogue, Polarity};
use rules::settings::{Exemption, LocalSetting};
use rules::{
    ActivityFact, Calendar, Cell, Engine, MembershipFact, OrgFact, PeriodKind, PersonFact, PositionFact, Settings, Status, Subject, Voters,
    World,
};
use std::sync::OnceLock;

fn cat() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| Catalogue::embedded().unwrap())
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

// The fixture county, in pre-order.
const COUNTY: u32 = 0;
const GOV_GROUP: u32 = 1;
const ORGANS: u32 = 2;
const TOWNSHIP: u32 = 3;
const BRANCH: u32 = 4;
const GROUP: u32 = 5;
const NEW_BRANCH: u32 = 6;
const OLD_BRANCH: u32 = 7;

const SECRETARY_OF_COUNTY: u32 = 0;
const MOVING_LEADER: u32 = 1;
const BRANCH_SECRETARY: u32 = 2;
const NEWCOMER: u32 = 9;

struct Fixture {
    world: World,
    settings: Settings,
}

fn org(parent: Option<u32>, level: OrgLevel, kind: OrgKind, founded: &str, closed: Option<&str>, end: u32) -> OrgFact {
    OrgFact { parent, level, kind, founded_on: d(founded), closed_on: closed.map(d), subtree_end: end }
}

fn fixture() -> Fixture {
    use OrgKind::*;
    use OrgLevel::*;
    let orgs = vec![
        org(None, County, Committee, "1950-01-01", None, 8),
        org(Some(COUNTY), County, PartyGroup, "1950-01-01", None, 2),
        org(Some(COUNTY), County, Committee, "1952-01-01", None, 3),
        org(Some(COUNTY), Township, Committee, "1958-01-01", None, 8),
        org(Some(TOWNSHIP), Grassroots, Branch, "1960-01-01", None, 6),
        org(Some(BRANCH), Grassroots, Group, "1990-01-01", None, 6),
        org(Some(TOWNSHIP), Grassroots, Branch, "2025-05-20", None, 7),
        org(Some(TOWNSHIP), Grassroots, Branch, "1980-01-01", Some("2025-09-10"), 8),
    ];
    let mut people = Vec::new();
    let mut memberships = Vec::new();
    for p in 0..10u32 {
        let joined = if p == NEWCOMER { d("2025-07-01") } else { d("1995-03-12") };
        let rank = match p {
            SECRETARY_OF_COUNTY => CadreRank::County,
            MOVING_LEADER => CadreRank::CountyDeputy,
            _ => CadreRank::None,
        };
        people.push(PersonFact { joined_on: joined, cadre_rank: rank });
        let home = if p < 2 { ORGANS } else { BRANCH };
        let from = if p == NEWCOMER { d("2025-07-01") } else { d("2000-01-01") };
        memberships.push(MembershipFact { person: p, org: home, from, to: None });
    }
    let positions = vec![
        PositionFact { person: SECRETARY_OF_COUNTY, org: COUNTY, kind: PositionKind::Secretary, from: d("2020-01-01"), to: None },
        PositionFact {
            person: MOVING_LEADER,
            org: COUNTY,
            kind: PositionKind::LeadershipMember,
            from: d("2021-01-01"),
            to: Some(d("2025-06-30")),
        },
        PositionFact { person: MOVING_LEADER, org: GOV_GROUP, kind: PositionKind::LeadershipMember, from: d("2025-06-30"), to: None },
        PositionFact { person: BRANCH_SECRETARY, org: BRANCH, kind: PositionKind::Secretary, from: d("2018-01-01"), to: None },
        PositionFact { person: 3, org: BRANCH, kind: PositionKind::CommitteeMember, from: d("2018-01-01"), to: None },
        PositionFact { person: 4, org: BRANCH, kind: PositionKind::CommitteeMember, from: d("2018-01-01"), to: None },
    ];
    Fixture { world: World { orgs, people, memberships, positions, activities: Vec::new() }, settings: Settings::default() }
}

struct Act {
    fact: ActivityFact,
}

fn act(kind: &str, host: u32, on: &str) -> Act {
    Act {
        fact: ActivityFact {
            kind: cat().kind(kind).unwrap_or_else(|| panic!("kind {kind}")),
            host,
            held_on: d(on),
            minutes: 90,
            presenter: None,
            agenda: vec![cat().agenda_kind("theory_study").unwrap()],
            visit_kind: None,
            polarity: None,
            present: vec![BRANCH_SECRETARY, 3, 4],
            absent: 0,
            voters: Voters { present: 3, absent: 0 },
        },
    }
}

impl Act {
    fn presenter(mut self, p: u32) -> Self {
        self.fact.presenter = Some(p);
        self
    }
    fn agenda(mut self, items: &[&str]) -> Self {
        self.fact.agenda = items.iter().map(|i| cat().agenda_kind(i).unwrap()).collect();
        self
    }
    fn present(mut self, people: &[u32], absent: u32) -> Self {
        self.fact.present = people.to_vec();
        self.fact.absent = absent;
        self
    }
    fn minutes(mut self, m: u32) -> Self {
        self.fact.minutes = m;
        self
    }
    fn visit(mut self, v: &str) -> Self {
        self.fact.visit_kind = Some(cat().visit_kind(v).unwrap());
        self
    }
    fn polarity(mut self, p: Polarity) -> Self {
        self.fact.polarity = Some(p);
        self
    }
}

fn evaluate(f: &Fixture, acts: Vec<Act>, as_of: &str) -> Engine {
    let mut world = f.world.clone();
    world.activities = acts.into_iter().map(|a| Some(a.fact)).collect();
    Engine::new(cat(), Calendar::embedded().unwrap(), world, &f.settings, 2025, d(as_of)).unwrap()
}

fn cell(e: &Engine, req: &str, subject: Subject, period: &str) -> Cell {
    let r = cat().requirement(req).unwrap_or_else(|| panic!("requirement {req}"));
    e.cells_of(subject)
        .into_iter()
        .find(|c| c.requirement == r && c.period.label() == period)
        .unwrap_or_else(|| panic!("no cell {req} {subject:?} {period}"))
}

fn has_cell(e: &Engine, req: &str, subject: Subject, period: &str) -> bool {
    let r = cat().requirement(req).unwrap();
    e.cells_of(subject).iter().any(|c| c.requirement == r && c.period.label() == period)
}

fn status(e: &Engine, req: &str, subject: Subject, period: &str) -> (Status, &'static str) {
    let c = cell(e, req, subject, period);
    (c.status, c.why.code())
}

#[test]
fn a_meeting_on_the_last_day_of_a_quarter_counts_for_that_quarter() {
    let f = fixture();
    let e = evaluate(&f, vec![act("members_assembly", BRANCH, "2025-03-31"), act("party_lesson", BRANCH, "2025-03-31")], "2026-01-31");
    assert_eq!(status(&e, "members-assembly", Subject::Org(BRANCH), "2025-Q1"), (Status::Met, "held"));
    assert_eq!(status(&e, "party-lesson", Subject::Org(BRANCH), "2025-Q1"), (Status::Met, "held"));
    assert_eq!(status(&e, "members-assembly", Subject::Org(BRANCH), "2025-Q2"), (Status::Missed, "not_enough"));
    assert_eq!(cell(&e, "members-assembly", Subject::Org(BRANCH), "2025-Q1").evidence, vec![0]);
}

#[test]
fn a_period_is_due_then_overdue_for_ten_days_then_missed() {
    let f = fixture();
    let months = |as_of| evaluate(&f, vec![], as_of);
    assert_eq!(status(&months("2025-04-20"), "branch-committee-meeting", Subject::Org(BRANCH), "2025-04").0, Status::Due);
    assert_eq!(status(&months("2025-05-10"), "branch-committee-meeting", Subject::Org(BRANCH), "2025-04").0, Status::Overdue);
    assert_eq!(status(&months("2025-05-11"), "branch-committee-meeting", Subject::Org(BRANCH), "2025-04").0, Status::Missed);
    // Periods that have not begun have no cell yet.
    assert!(!has_cell(&months("2025-04-20"), "branch-committee-meeting", Subject::Org(BRANCH), "2025-05"));
}

#[test]
fn a_committee_meeting_without_quorum_does_not_count() {
    let f = fixture();
    let without = act("branch_committee_meeting", BRANCH, "2025-06-10").present(&[BRANCH_SECRETARY], 2);
    let with = act("branch_committee_meeting", BRANCH, "2025-07-10").present(&[BRANCH_SECRETARY, 3], 1);
    let e = evaluate(&f, vec![without, with], "2026-01-31");
    let june = cell(&e, "branch-committee-meeting", Subject::Org(BRANCH), "2025-06");
    assert_eq!((june.status, june.why.code(), june.found), (Status::Missed, "held_without_quorum", 1));
    assert_eq!(status(&e, "branch-committee-meeting", Subject::Org(BRANCH), "2025-07"), (Status::Met, "held"));
}

#[test]
fn half_of_the_committee_present_is_a_quorum_because_yi_shang_includes_the_number() {
    let f = fixture();
    let half = act("branch_committee_meeting", BRANCH, "2025-06-10").present(&[BRANCH_SECRETARY, 3], 2);
    let nobody = act("branch_committee_meeting", BRANCH, "2025-07-10").present(&[], 0);
    let e = evaluate(&f, vec![half, nobody], "2026-01-31");
    assert_eq!(status(&e, "branch-committee-meeting", Subject::Org(BRANCH), "2025-06"), (Status::Met, "held"));
    assert_eq!(status(&e, "branch-committee-meeting", Subject::Org(BRANCH), "2025-07"), (Status::Missed, "held_without_quorum"));
}

#[test]
fn an_assemblys_quorum_applies_to_a_vote_and_counts_only_members_with_a_vote() {
    let f = fixture();
    let voting = |on: &str, voters: (u32, u32)| {
        let mut a = act("members_assembly", BRANCH, on).present(&[BRANCH_SECRETARY, 3, 4, 5, 6], 1).agenda(&["theory_study", "vote"]);
        a.fact.voters = Voters { present: voters.0, absent: voters.1 };
        a
    };
    // Q1: five of six present, but only two of the five full members (three are probationary): no quorum for the vote.
    // Q2: three of five full members: a quorum. Q3: no vote, two of six present: no quorum needed.
    let no_vote = act("members_assembly", BRANCH, "2025-08-10").present(&[3, 4], 4).agenda(&["theory_study", "business"]);
    let e = evaluate(&f, vec![voting("2025-02-10", (2, 3)), voting("2025-05-10", (3, 2)), no_vote], "2026-01-31");
    assert_eq!(status(&e, "members-assembly", Subject::Org(BRANCH), "2025-Q1"), (Status::Missed, "held_without_quorum"));
    assert_eq!(status(&e, "members-assembly", Subject::Org(BRANCH), "2025-Q2"), (Status::Met, "held"));
    assert_eq!(status(&e, "members-assembly", Subject::Org(BRANCH), "2025-Q3"), (Status::Met, "held"));
}

#[test]
fn a_meeting_not_opening_with_the_theory_study_breaks_the_first_issue_rule() {
    let f = fixture();
    let good = act("standing_committee_meeting", COUNTY, "2025-03-03");
    let bad = act("standing_committee_meeting", COUNTY, "2025-03-17").agenda(&["business", "theory_study"]);
    let april = act("center_group_study", COUNTY, "2025-04-08");
    let e = evaluate(&f, vec![good, bad, april], "2026-01-31");
    let march = cell(&e, "first-issue", Subject::Org(COUNTY), "2025-03");
    assert_eq!((march.status, march.why.code(), march.found, march.needed), (Status::Missed, "meetings_without_study", 1, 2));
    assert_eq!(march.evidence, vec![0, 1]);
    assert_eq!(status(&e, "first-issue", Subject::Org(COUNTY), "2025-04"), (Status::Met, "every_meeting_opened_with_study"));
    // Months without such meetings have no first-issue cell.
    assert!(!has_cell(&e, "first-issue", Subject::Org(COUNTY), "2025-05"));
    // The same center-group study also counts for the monthly study.
    assert_eq!(status(&e, "center-group-study", Subject::Org(COUNTY), "2025-04"), (Status::Met, "held"));
    assert_eq!(status(&e, "center-group-study", Subject::Org(COUNTY), "2025-05"), (Status::Missed, "not_enough"));
}

#[test]
fn a_special_party_class_counts_only_at_the_grassroots_and_for_the_branch_too() {
    let f = fixture();
    let at_organs = act("party_class", ORGANS, "2025-05-12").presenter(SECRETARY_OF_COUNTY);
    let e = evaluate(&f, vec![at_organs], "2026-01-31");
    let c = cell(&e, "special-party-class", Subject::Person(SECRETARY_OF_COUNTY), "2025");
    assert_eq!((c.status, c.why.code(), c.found), (Status::Missed, "not_at_grassroots", 1));

    let at_branch = act("party_class", BRANCH, "2025-05-12").presenter(SECRETARY_OF_COUNTY).present(&[2, 3, 4, 5, 6], 1).minutes(135);
    let e = evaluate(&f, vec![at_branch], "2026-01-31");
    assert_eq!(status(&e, "special-party-class", Subject::Person(SECRETARY_OF_COUNTY), "2025"), (Status::Met, "held"));
    // One record, every requirement: the branch's quarterly lesson and the attendees' hours.
    assert_eq!(status(&e, "party-lesson", Subject::Org(BRANCH), "2025-Q2"), (Status::Met, "held"));
    assert_eq!(cell(&e, "study-hours", Subject::Person(5), "2025").found, 135);
    assert_eq!(cell(&e, "study-hours", Subject::Person(7), "2025").found, 0);
}

#[test]
fn a_leader_who_moved_between_organizations_stays_bound_for_the_year() {
    let f = fixture();
    let class = act("party_class", NEW_BRANCH, "2025-11-05").presenter(MOVING_LEADER);
    let e = evaluate(&f, vec![class], "2026-01-31");
    assert_eq!(status(&e, "special-party-class", Subject::Person(MOVING_LEADER), "2025"), (Status::Met, "held"));
    let e = evaluate(&f, vec![], "2026-01-31");
    assert_eq!(status(&e, "special-party-class", Subject::Person(MOVING_LEADER), "2025"), (Status::Missed, "not_enough"));
}

#[test]
fn a_branch_founded_or_dissolved_mid_year_is_bound_only_while_it_exists() {
    let f = fixture();
    let e = evaluate(&f, vec![], "2026-01-31");
    // Founded 2025-05-20, after the middle of May: bound from June.
    assert!(
        !has_cell(&e, "theme-party-day", Subject::Org(NEW_BRANCH), "2025-04") || {
            status(&e, "theme-party-day", Subject::Org(NEW_BRANCH), "2025-04") == (Status::NotApplicable, "not_existing")
        }
    );
    assert_eq!(status(&e, "theme-party-day", Subject::Org(NEW_BRANCH), "2025-05"), (Status::NotApplicable, "not_existing"));
    assert_eq!(status(&e, "theme-party-day", Subject::Org(NEW_BRANCH), "2025-06"), (Status::Missed, "not_enough"));
    // Dissolved 2025-09-10: bound through August, not for September.
    assert_eq!(status(&e, "theme-party-day", Subject::Org(OLD_BRANCH), "2025-08"), (Status::Missed, "not_enough"));
    assert_eq!(status(&e, "theme-party-day", Subject::Org(OLD_BRANCH), "2025-09"), (Status::NotApplicable, "not_existing"));
    assert_eq!(status(&e, "members-assembly", Subject::Org(OLD_BRANCH), "2025-Q3"), (Status::NotApplicable, "not_existing"));
}

#[test]
fn a_member_who_joined_mid_year_owes_a_share_of_the_class_hours_and_no_birthday() {
    let f = fixture();
    let e = evaluate(&f, vec![act("training", BRANCH, "2025-09-01").present(&[NEWCOMER], 0).minutes(720)], "2026-01-31");
    // Joined in July: 6 of 12 months of 32 class hours of 45 minutes.
    let c = cell(&e, "study-hours", Subject::Person(NEWCOMER), "2025");
    assert_eq!((c.status, c.found, c.needed), (Status::Met, 720, 32 * 45 / 2));
    assert_eq!(status(&e, "political-birthday", Subject::Person(NEWCOMER), "2025-07"), (Status::NotApplicable, "joined_this_year"));
}

#[test]
fn secretaries_and_committee_members_owe_fifty_six_class_hours() {
    let f = fixture();
    let e = evaluate(&f, vec![act("training", BRANCH, "2025-09-01").present(&[BRANCH_SECRETARY, 6], 0).minutes(40 * 45)], "2026-01-31");
    let secretary = cell(&e, "study-hours", Subject::Person(BRANCH_SECRETARY), "2025");
    assert_eq!((secretary.status, secretary.why.code(), secretary.needed), (Status::Missed, "hours_short", 56 * 45));
    let member = cell(&e, "study-hours", Subject::Person(6), "2025");
    assert_eq!((member.status, member.why.code(), member.needed), (Status::Met, "hours_reached", 32 * 45));
    // Before the year ends the shortfall is only due.
    let e = evaluate(&f, vec![], "2025-12-01");
    assert_eq!(status(&e, "study-hours", Subject::Person(6), "2025").0, Status::Due);
}

#[test]
fn a_political_birthday_counts_in_the_month_of_joining_and_is_never_missed() {
    let f = fixture();
    let in_march = act("political_birthday", BRANCH, "2025-03-20").present(&[3], 0).agenda(&["oath_review"]);
    let in_april = act("political_birthday", BRANCH, "2025-04-20").present(&[4], 0).agenda(&["oath_review"]);
    let e = evaluate(&f, vec![in_march, in_april], "2026-01-31");
    assert_eq!(status(&e, "political-birthday", Subject::Person(3), "2025-03"), (Status::Met, "held"));
    // A method, not a duty: a member without a birthday activity is not missed, nor due.
    let none = cell(&e, "political-birthday", Subject::Person(4), "2025-03");
    assert_eq!((none.status, none.why.code(), none.evidence.len()), (Status::NotApplicable, "method_not_duty", 0));
    let during = evaluate(&f, vec![], "2025-03-10");
    assert_eq!(status(&during, "political-birthday", Subject::Person(4), "2025-03"), (Status::NotApplicable, "method_not_duty"));
    let r = cat().requirement("political-birthday").unwrap();
    assert!(e.cells().iter().filter(|c| c.requirement == r).all(|c| matches!(c.status, Status::Met | Status::NotApplicable)));
}

#[test]
fn four_under_the_grassroots_waits_for_the_local_rule_then_needs_every_kind_of_visit() {
    let mut f = fixture();
    let e = evaluate(&f, vec![], "2026-01-31");
    let pending = cell(&e, "four-under-grassroots", Subject::Person(SECRETARY_OF_COUNTY), "2025");
    assert_eq!((pending.status, pending.why.code()), (Status::NotApplicable, "pending_local_rule"));
    // The province sets one visit of each kind a year.
    f.settings.frequencies.push(LocalSetting {
        requirement: cat().requirement("four-under-grassroots").unwrap(),
        org: COUNTY,
        valid_from: d("2025-01-01"),
        period: PeriodKind::Year,
        count: 1,
    });
    let visits: Vec<Act> = ["publicize", "investigate", "receive_petitions"]
        .iter()
        .enumerate()
        .map(|(i, v)| act("grassroots_visit", BRANCH, &format!("2025-0{}-10", i + 3)).presenter(SECRETARY_OF_COUNTY).visit(v))
        .collect();
    let e = evaluate(&f, visits, "2026-01-31");
    let c = cell(&e, "four-under-grassroots", Subject::Person(SECRETARY_OF_COUNTY), "2025");
    assert_eq!((c.status, c.why.code(), c.found, c.needed), (Status::Missed, "parts_missing", 0b0111, 0b1111));
    let why = rules::why::message(cat(), &cat().requirements[usize::from(c.requirement)], c.why, c.found, c.needed);
    let on_site = &cat().visit_kinds[usize::from(cat().visit_kind("on_site_work").unwrap())];
    assert_eq!(why.id, "why-parts-missing");
    assert_eq!(
        why.arg("missing"),
        Some(&domain::Arg::List(vec![domain::Arg::Bilingual { zh: on_site.zh.clone(), en: on_site.en.clone() }]))
    );
    let mut all: Vec<Act> = ["publicize", "investigate", "receive_petitions", "on_site_work"]
        .iter()
        .map(|v| act("grassroots_visit", TOWNSHIP, "2025-06-01").presenter(SECRETARY_OF_COUNTY).visit(v))
        .collect();
    all.push(act("grassroots_visit", BRANCH, "2025-06-02").presenter(BRANCH_SECRETARY).visit("publicize"));
    let e = evaluate(&f, all, "2026-01-31");
    assert_eq!(status(&e, "four-under-grassroots", Subject::Person(SECRETARY_OF_COUNTY), "2025"), (Status::Met, "all_parts"));
    // Cadres below county level are not bound.
    assert!(!has_cell(&e, "four-under-grassroots", Subject::Person(BRANCH_SECRETARY), "2025"));
}

#[test]
fn typical_cases_need_a_positive_and_a_negative_case() {
    let f = fixture();
    let e = evaluate(&f, vec![act("case_analysis", COUNTY, "2025-05-01").polarity(Polarity::Positive)], "2026-01-31");
    assert_eq!(status(&e, "typical-cases", Subject::Org(COUNTY), "2025"), (Status::Missed, "parts_missing"));
    let both = vec![
        act("case_analysis", COUNTY, "2025-05-01").polarity(Polarity::Positive),
        act("case_analysis", COUNTY, "2025-08-01").polarity(Polarity::Negative),
    ];
    let e = evaluate(&f, both, "2026-01-31");
    assert_eq!(status(&e, "typical-cases", Subject::Org(COUNTY), "2025"), (Status::Met, "all_parts"));
}

#[test]
fn a_democratic_life_meeting_needs_its_required_items() {
    let f = fixture();
    let lacking = act("democratic_life_meeting", COUNTY, "2025-12-20").agenda(&["three_musts_comparison"]);
    let e = evaluate(&f, vec![lacking], "2026-01-31");
    assert_eq!(status(&e, "democratic-life-meeting", Subject::Org(COUNTY), "2025"), (Status::Missed, "agenda_item_missing"));
    let full = act("democratic_life_meeting", COUNTY, "2025-12-20").agenda(&["three_musts_comparison", "negative_case_analysis"]);
    let e = evaluate(&f, vec![full], "2026-01-31");
    assert_eq!(status(&e, "democratic-life-meeting", Subject::Org(COUNTY), "2025"), (Status::Met, "held"));
    // Only the late-entry window separates overdue from missed.
    let e = evaluate(&f, vec![], "2026-01-05");
    assert_eq!(status(&e, "democratic-life-meeting", Subject::Org(COUNTY), "2025").0, Status::Overdue);
}

#[test]
fn group_meetings_bind_groups_and_branch_work_binds_branches() {
    let f = fixture();
    let e = evaluate(&f, vec![act("group_meeting", GROUP, "2025-02-11")], "2026-01-31");
    assert_eq!(status(&e, "group-meeting", Subject::Org(GROUP), "2025-02"), (Status::Met, "held"));
    assert!(!has_cell(&e, "group-meeting", Subject::Org(BRANCH), "2025-02"));
    assert!(!has_cell(&e, "branch-committee-meeting", Subject::Org(GROUP), "2025-02"));
    assert!(!has_cell(&e, "theme-party-day", Subject::Org(TOWNSHIP), "2025-02"));
    assert_eq!(status(&e, "organizational-life-meeting", Subject::Org(BRANCH), "2025"), (Status::Missed, "not_enough"));
    assert_eq!(status(&e, "discipline-education", Subject::Org(TOWNSHIP), "2025"), (Status::NotApplicable, "pending_local_rule"));
    assert_eq!(status(&e, "reading-class", Subject::Org(GOV_GROUP), "2025"), (Status::Missed, "not_enough"));
    assert_eq!(status(&e, "secretary-party-class", Subject::Person(BRANCH_SECRETARY), "2025"), (Status::Missed, "not_enough"));
}

#[test]
fn unbuilt_features_are_not_applicable_with_a_reason() {
    let f = fixture();
    let e = evaluate(&f, vec![], "2026-01-31");
    for req in ["livelihood-list", "rectification"] {
        assert_eq!(status(&e, req, Subject::Org(COUNTY), "2025"), (Status::NotApplicable, "feature_not_built"), "{req}");
    }
}

#[test]
fn frequencies_no_document_sets_wait_for_the_local_rule_until_one_applies() {
    let mut f = fixture();
    let checkup = cat().requirement("political-checkup").unwrap();
    let discipline = cat().requirement("discipline-education").unwrap();
    // The county sets a half-yearly check-up from July; discipline education stays pending.
    f.settings.frequencies.push(LocalSetting {
        requirement: checkup,
        org: COUNTY,
        valid_from: d("2025-07-01"),
        period: PeriodKind::Half,
        count: 1,
    });
    let e = evaluate(&f, vec![act("discipline_education", BRANCH, "2025-03-01")], "2026-01-31");
    assert_eq!(status(&e, "political-checkup", Subject::Org(COUNTY), "2025"), (Status::NotApplicable, "pending_local_rule"));
    assert_eq!(status(&e, "political-checkup", Subject::Org(COUNTY), "2025-H2"), (Status::Missed, "not_enough"));
    let held = cell(&e, "discipline-education", Subject::Org(BRANCH), "2025");
    assert_eq!((held.status, held.why.code(), held.evidence.len()), (Status::NotApplicable, "pending_local_rule", 0));
    let why = rules::why::message(cat(), &cat().requirements[usize::from(discipline)], held.why, held.found, held.needed);
    assert_eq!(why.id, "why-pending-local-rule");
}

#[test]
fn townships_hold_first_issue_center_group_and_reading_class_duties() {
    let f = fixture();
    let meeting = act("standing_committee_meeting", TOWNSHIP, "2025-03-03").agenda(&["business"]);
    let e = evaluate(&f, vec![meeting, act("center_group_study", TOWNSHIP, "2025-03-10")], "2026-01-31");
    assert_eq!(status(&e, "first-issue", Subject::Org(TOWNSHIP), "2025-03"), (Status::Missed, "meetings_without_study"));
    assert_eq!(status(&e, "center-group-study", Subject::Org(TOWNSHIP), "2025-03"), (Status::Met, "held"));
    assert_eq!(status(&e, "reading-class", Subject::Org(TOWNSHIP), "2025"), (Status::Missed, "not_enough"));
    // A branch is no 各级党委.
    assert!(!has_cell(&e, "center-group-study", Subject::Org(BRANCH), "2025-03"));
}

#[test]
fn committee_secretaries_owe_a_party_class_by_article_16_and_branch_secretaries_by_practice() {
    let f = fixture();
    let class = act("party_class", BRANCH, "2025-05-05").presenter(SECRETARY_OF_COUNTY);
    let e = evaluate(&f, vec![class], "2026-01-31");
    assert_eq!(status(&e, "committee-secretary-party-class", Subject::Person(SECRETARY_OF_COUNTY), "2025"), (Status::Met, "held"));
    assert!(!has_cell(&e, "secretary-party-class", Subject::Person(SECRETARY_OF_COUNTY), "2025"));
    assert_eq!(status(&e, "secretary-party-class", Subject::Person(BRANCH_SECRETARY), "2025"), (Status::Missed, "not_enough"));
    assert!(!has_cell(&e, "committee-secretary-party-class", Subject::Person(BRANCH_SECRETARY), "2025"));
}

#[test]
fn exemptions_show_as_exempt_never_as_met() {
    let mut f = fixture();
    let hours = cat().requirement("study-hours").unwrap();
    let lesson = cat().requirement("party-lesson").unwrap();
    f.settings.exemptions.push(Exemption { requirement: hours, subject: Subject::Person(6), from: d("2025-01-01"), to: d("2025-12-31") });
    // Less than half of a quarter is not enough to exempt it.
    f.settings.exemptions.push(Exemption {
        requirement: lesson,
        subject: Subject::Org(BRANCH),
        from: d("2025-04-01"),
        to: d("2025-04-30"),
    });
    f.settings.exemptions.push(Exemption {
        requirement: lesson,
        subject: Subject::Org(BRANCH),
        from: d("2025-07-01"),
        to: d("2025-09-30"),
    });
    let e = evaluate(
        &f,
        vec![act("party_lesson", BRANCH, "2025-08-01"), act("training", BRANCH, "2025-08-01").present(&[6], 0).minutes(5000)],
        "2026-01-31",
    );
    assert_eq!(status(&e, "study-hours", Subject::Person(6), "2025"), (Status::Exempt, "exempted"));
    assert_eq!(status(&e, "party-lesson", Subject::Org(BRANCH), "2025-Q2").0, Status::Missed);
    let q3 = cell(&e, "party-lesson", Subject::Org(BRANCH), "2025-Q3");
    assert_eq!((q3.status, q3.evidence.len()), (Status::Exempt, 0));
}

#[test]
fn the_most_specific_local_frequency_wins_from_its_first_day() {
    let mut f = fixture();
    let study = cat().requirement("center-group-study").unwrap();
    f.settings.frequencies.push(LocalSetting {
        requirement: study,
        org: COUNTY,
        valid_from: d("2025-07-01"),
        period: PeriodKind::Quarter,
        count: 2,
    });
    f.settings.frequencies.push(LocalSetting {
        requirement: study,
        org: GOV_GROUP,
        valid_from: d("2025-01-01"),
        period: PeriodKind::Year,
        count: 6,
    });
    let acts = vec![act("center_group_study", COUNTY, "2025-08-05"), act("center_group_study", COUNTY, "2025-09-05")];
    let e = evaluate(&f, acts, "2026-01-31");
    assert_eq!(status(&e, "center-group-study", Subject::Org(COUNTY), "2025-06").0, Status::Missed);
    assert!(!has_cell(&e, "center-group-study", Subject::Org(COUNTY), "2025-07"));
    let q3 = cell(&e, "center-group-study", Subject::Org(COUNTY), "2025-Q3");
    assert_eq!((q3.status, q3.found, q3.needed), (Status::Met, 2, 2));
    let year = cell(&e, "center-group-study", Subject::Org(GOV_GROUP), "2025");
    assert_eq!((year.status, year.needed), (Status::Missed, 6));
    assert!(!has_cell(&e, "center-group-study", Subject::Org(GOV_GROUP), "2025-01"));
}

#[test]
fn recording_an_activity_updates_only_its_cells_and_the_rollups() {
    let f = fixture();
    let mut e = evaluate(&f, vec![], "2026-01-31");
    let req = cat().requirement("branch-committee-meeting").unwrap();
    let before = e.rollup(TOWNSHIP).count(req, Status::Met);
    e.upsert_activity(0, act("branch_committee_meeting", BRANCH, "2025-10-09").fact).unwrap();
    assert_eq!(status(&e, "branch-committee-meeting", Subject::Org(BRANCH), "2025-10"), (Status::Met, "held"));
    assert_eq!(e.rollup(TOWNSHIP).count(req, Status::Met), before + 1);
    assert_eq!(e.rollup(COUNTY).count(req, Status::Met), before + 1);
    assert_eq!(e.rollup(OLD_BRANCH).count(req, Status::Met), 0);
    e.remove_activity(0);
    assert_eq!(status(&e, "branch-committee-meeting", Subject::Org(BRANCH), "2025-10").0, Status::Missed);
    assert_eq!(e.rollup(TOWNSHIP).count(req, Status::Met), before);
}
