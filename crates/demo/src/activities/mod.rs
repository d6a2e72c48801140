//! The activities of the demo county: everything its organizations held from
//! the first day of last year up to yesterday, so that evaluating the
//! requirement catalogue shows a realistic, mostly compliant county.
//!
//! - every branch: a committee meeting and a theme party day each month, a
//!   members' assembly and a party lesson each quarter, political birthdays
//!   for the members who joined in the month, an organizational life meeting
//!   in January and a discipline education session; each 党小组 meets monthly;
//! - the county committee, the government's party group and the county
//!   organs' working committee: center-group study monthly, standing
//!   committee (party group) meetings two or three a month opening with the
//!   theory study, a reading class, a democratic life meeting, one positive
//!   and one negative typical case and discipline education a year; township
//!   and grassroots committees analyse their typical cases too;
//! - leaders: each member of a county leadership team gives a special party
//!   class at a grassroots branch (counted as that branch's party lesson for
//!   the quarter), grassroots and township secretaries give a party class or
//!   lesson, and county-level cadres make one grassroots visit of each kind;
//! - trainings for secretaries and committee members, and make-up trainings
//!   so that every member reaches the yearly study hours.
//!
//! Last year carries a few planted gaps, listed in [`PlantedGap`]s (see
//! `gaps`); the current year is kept compliant up to yesterday. The figures
//! the generation aims at (class hours of 45 minutes, 32 and 56 a year, a
//! quorum of more than half) mirror the catalogue; the `planted_gaps` test
//! evaluates the catalogue over the generated county and checks that the
//! cells missed are exactly the planted ones.
//!
//! Added afterwards from a random stream of their own (`EXTRAS_STREAM`),
//! so that the held activities stay exactly as they were: their minutes
//! (`minutes`), the research projects their visits and typical cases belong
//! to (`research`), plans (`plans`), the problems raised at life meetings
//! (`problems`) and attachments (`attachments`).
//!
//! Participants are always everyone expected (attendance is recorded by
//! exception in `absentees`); each of them was, on the day, a member of the
//! host's subtree or held a position in the host.

mod attachments;
mod branches;
mod county;
mod gaps;
mod hours;
mod json;
mod minutes;
mod plans;
mod problems;
mod research;
mod words;

pub use json::planted_gaps_json;

use crate::people::Member;
use crate::random::{Random, ymd};
use crate::tree::Tree;
use chrono::{Datelike, NaiveDate, NaiveTime};
use domain::{Id, MemberStatus, OrgKind, OrgLevel, PositionKind};
use std::collections::HashSet;

/// One held activity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoActivity {
    pub id: Id,
    /// The activity kind's code in the catalogue's vocabulary.
    pub kind: &'static str,
    /// Index into [`crate::DemoData::orgs`].
    pub host: usize,
    pub title: String,
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub duration_minutes: u32,
    /// Index into [`crate::DemoData::people`].
    pub presenter: Option<usize>,
    /// Agenda items in order: (agenda kind code, title).
    pub agenda: Vec<(&'static str, String)>,
    /// Everyone expected (indexes into the people), the absent included.
    pub participants: Vec<usize>,
    /// The participants who were absent, each with a reason.
    pub absentees: Vec<(usize, String)>,
    /// Set on grassroots visits (visit kind code).
    pub visit_kind: Option<&'static str>,
    /// Set on typical case analyses: `positive` or `negative`.
    pub polarity: Option<&'static str>,
    /// `Held` in [`crate::DemoData::activities`]; `Planned` or `Cancelled`
    /// in [`crate::DemoData::plans`].
    pub status: DemoStatus,
    /// The minutes, if any were written (see `minutes`).
    pub minutes: Option<DemoMinutes>,
    /// The research project the activity belongs to: an index into
    /// [`crate::DemoData::projects`] (a leader's grassroots and research
    /// visits, some typical case analyses).
    pub research_project: Option<usize>,
}

/// Where an activity stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DemoStatus {
    /// Held on its day (not after yesterday).
    Held,
    /// Announced for its day; counts for no requirement.
    Planned,
    /// A plan that was dropped.
    Cancelled,
}

/// The minutes of a meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoMinutes {
    /// A few lines in Chinese, separated by `\n`.
    pub text: String,
    /// Settled (定稿) rather than a draft.
    pub is_final: bool,
}

/// A research project (调研课题) of the county committee, led by a county
/// leader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoProject {
    /// Index into [`crate::DemoData::orgs`]: the county committee.
    pub org: usize,
    pub topic: String,
    /// Index into [`crate::DemoData::people`].
    pub lead: usize,
    /// Other county leaders (indexes into the people), the lead not among them.
    pub team: Vec<usize>,
    /// A day in January, not after yesterday.
    pub started_on: NaiveDate,
    /// What was found, on projects that have results.
    pub findings: Option<String>,
    /// In the order they were added; empty while the project has produced nothing.
    pub results: Vec<DemoResult>,
}

/// A result of a research project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoResult {
    /// `measure`, `document` or `problem` (the store's result kind codes).
    pub kind: &'static str,
    pub description: String,
    /// Whose problem it is (a result of kind `problem` only): the lead or a
    /// member of the team.
    pub person: Option<usize>,
}

/// A problem raised at a life meeting by criticism and self-criticism.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoProblem {
    /// Index into [`crate::DemoData::activities`]: a democratic or an
    /// organizational life meeting.
    pub activity: usize,
    /// Whose own problem it is: a participant present at the meeting.
    pub person: Option<usize>,
    pub description: String,
}

/// A file attached to a held activity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAttachment {
    /// Index into [`crate::DemoData::activities`].
    pub activity: usize,
    pub file_name: String,
    /// A small PDF or PNG, valid of its kind.
    pub bytes: Vec<u8>,
}

/// What the demo adds around the held activities: plans, research
/// projects, problems and attachments (minutes and project links are set
/// on the activities themselves).
#[derive(Default)]
pub(crate) struct Extras {
    pub plans: Vec<DemoActivity>,
    pub projects: Vec<DemoProject>,
    pub problems: Vec<DemoProblem>,
    pub attachments: Vec<DemoAttachment>,
}

/// The ChaCha stream the additions draw from (the held activities draw
/// from stream 0), so that adding them changes no held activity.
const EXTRAS_STREAM: u64 = 1;

/// Whom a planted gap is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GapSubject {
    /// Index into [`crate::DemoData::orgs`].
    Org(usize),
    /// Index into [`crate::DemoData::people`].
    Person(usize),
}

/// A gap planted on purpose: the cell of `requirement` for `subject` and
/// `period` must come out with `expected_status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlantedGap {
    /// The requirement id in the catalogue.
    pub requirement: &'static str,
    pub subject: GapSubject,
    /// `2025`, `2025-Q3` or `2025-07`.
    pub period: String,
    /// `missed`, `overdue` or `due`.
    pub expected_status: &'static str,
    /// What was left undone, in Chinese.
    pub note: String,
}

/// Activity kind codes.
pub(crate) mod kind {
    pub const BRANCH_COMMITTEE: &str = "branch_committee_meeting";
    pub const GROUP_MEETING: &str = "group_meeting";
    pub const ASSEMBLY: &str = "members_assembly";
    pub const LESSON: &str = "party_lesson";
    pub const CLASS: &str = "party_class";
    pub const THEME_DAY: &str = "theme_party_day";
    pub const BIRTHDAY: &str = "political_birthday";
    pub const CENTER_GROUP: &str = "center_group_study";
    pub const STANDING_COMMITTEE: &str = "standing_committee_meeting";
    pub const PARTY_GROUP_MEETING: &str = "party_group_meeting";
    pub const READING_CLASS: &str = "reading_class";
    pub const VISIT: &str = "grassroots_visit";
    pub const RESEARCH: &str = "research_visit";
    pub const CASE: &str = "case_analysis";
    pub const DEMOCRATIC_LIFE: &str = "democratic_life_meeting";
    pub const ORGANIZATIONAL_LIFE: &str = "organizational_life_meeting";
    pub const DISCIPLINE: &str = "discipline_education";
    pub const TRAINING: &str = "training";

    /// The kinds whose attended minutes count as study hours.
    pub const STUDY_HOURS: [&str; 9] =
        [CENTER_GROUP, READING_CLASS, LESSON, CLASS, THEME_DAY, ASSEMBLY, DISCIPLINE, TRAINING, ORGANIZATIONAL_LIFE];
}

/// Agenda item kind codes.
pub(crate) mod agenda {
    pub const THEORY_STUDY: &str = "theory_study";
    pub const THREE_MUSTS: &str = "three_musts_comparison";
    pub const NEGATIVE_CASE: &str = "negative_case_analysis";
    pub const CRITICISM: &str = "criticism_self_criticism";
    pub const APPRAISAL: &str = "democratic_appraisal";
    pub const OATH: &str = "oath_review";
    pub const DISCIPLINE: &str = "discipline_education";
    pub const BUSINESS: &str = "business";
    pub const OTHER: &str = "other";
}

/// The activities being generated, with what every part of the generation
/// needs to know about the county.
pub(crate) struct Gen<'a> {
    pub tree: &'a Tree,
    pub members: &'a [Member],
    /// The last day anything may have been held on (yesterday).
    pub last_day: NaiveDate,
    /// The day each person's membership of their branch begins; `None` for
    /// those who no longer count in it (transferred out, deceased).
    pub start: Vec<Option<NaiveDate>>,
    /// The people who count in each branch (by index into the tree's branches).
    pub branch_people: Vec<Vec<usize>>,
    /// The holders of positions in each organization.
    pub holders: Vec<Vec<(usize, PositionKind)>>,
    /// Secretaries and committee members of township and grassroots
    /// committees, general branches and branches (56 class hours a year).
    pub raised: Vec<bool>,
    /// The branch (index into the tree's branches) of each organization that is one.
    pub branch_of_org: Vec<Option<usize>>,
    /// The parent of each organization.
    pub parent: Vec<Option<usize>>,
    /// Branch organizations and quarters whose party lesson a party class
    /// given there already provides: (org, year, quarter).
    pub lesson_given: HashSet<(usize, i32, u32)>,
    pub out: Vec<DemoActivity>,
}

impl<'a> Gen<'a> {
    fn new(tree: &'a Tree, members: &'a [Member], last_day: NaiveDate) -> Self {
        let org_ix: std::collections::HashMap<&Id, usize> = tree.orgs.iter().enumerate().map(|(i, o)| (&o.id, i)).collect();
        let mut branch_of_org = vec![None; tree.orgs.len()];
        for (b, node) in tree.branches.iter().enumerate() {
            if let Some(slot) = branch_of_org.get_mut(node.org) {
                *slot = Some(b);
            }
        }
        let mut start = Vec::with_capacity(members.len());
        let mut branch_people = vec![Vec::new(); tree.branches.len()];
        let mut holders = vec![Vec::new(); tree.orgs.len()];
        let mut raised = vec![false; members.len()];
        for (p, m) in members.iter().enumerate() {
            let founded = tree.branches.get(m.branch).and_then(|b| tree.orgs.get(b.org)).map_or(NaiveDate::MIN, |o| o.founded_on);
            let counts = m.person.status.counts_in_branch();
            start.push(counts.then(|| m.person.join_date.first_day().max(founded)));
            if counts && let Some(list) = branch_people.get_mut(m.branch) {
                list.push(p);
            }
            for (org_id, position) in &m.person.positions {
                let Some(&o) = org_ix.get(org_id) else { continue };
                if let Some(list) = holders.get_mut(o) {
                    list.push((p, *position));
                }
                let org = &tree.orgs[o];
                let raising_org = matches!(org.kind, OrgKind::Committee | OrgKind::GeneralBranch | OrgKind::Branch)
                    && matches!(org.level, OrgLevel::Township | OrgLevel::Grassroots);
                if raising_org && position.is_committee() {
                    raised[p] = true;
                }
            }
        }
        let parent = tree.orgs.iter().map(|o| o.parent_id.as_ref().and_then(|id| org_ix.get(id).copied())).collect();
        Gen {
            tree,
            members,
            last_day,
            start,
            branch_people,
            holders,
            raised,
            branch_of_org,
            parent,
            lesson_given: HashSet::new(),
            out: Vec::new(),
        }
    }

    /// The child of the county committee that `org` stands under (a
    /// township or the county organs' working committee), or `org` itself.
    pub fn region(&self, org: usize) -> usize {
        let mut at = org;
        while let Some(p) = self.parent.get(at).copied().flatten() {
            if p == self.tree.root {
                return at;
            }
            at = p;
        }
        at
    }

    /// The organization of a person's branch.
    pub fn branch_org(&self, p: usize) -> Option<usize> {
        self.members.get(p).and_then(|m| self.tree.branches.get(m.branch)).map(|b| b.org)
    }

    pub fn founded(&self, org: usize) -> NaiveDate {
        self.tree.orgs.get(org).map_or(NaiveDate::MAX, |o| o.founded_on)
    }

    /// A day in `from..=to` on which `org` existed, or `None` if there is
    /// none or the day drawn is still to come.
    pub fn day(&self, r: &mut Random, from: NaiveDate, to: NaiveDate, org: usize) -> Option<NaiveDate> {
        let lo = from.max(self.founded(org));
        if lo > to {
            return None;
        }
        Some(r.day_between(lo, to)).filter(|d| *d <= self.last_day)
    }

    /// A day in the months `months` of `year`, or later in the year if
    /// `org` was founded after them.
    pub fn day_in_months(&self, r: &mut Random, year: i32, months: (u32, u32), org: usize) -> Option<NaiveDate> {
        self.day_in_months_after(r, year, months, org, NaiveDate::MIN)
    }

    /// Like [`Gen::day_in_months`], not before `after` (when a person the
    /// activity needs became a member).
    pub fn day_in_months_after(
        &self,
        r: &mut Random,
        year: i32,
        (first, last): (u32, u32),
        org: usize,
        after: NaiveDate,
    ) -> Option<NaiveDate> {
        let lo = self.founded(org).max(after);
        let to = month_last(year, last);
        if lo > to && lo.year() == year {
            return self.day(r, lo, ymd(year, 12, 31), org);
        }
        self.day(r, ymd(year, first, 1).max(lo), to, org)
    }

    /// Whether the person was a member (of their branch) on `day`.
    pub fn member_on(&self, p: usize, day: NaiveDate) -> bool {
        self.start.get(p).copied().flatten().is_some_and(|s| s <= day)
    }

    /// The members of a branch (index into the tree's branches) on `day`.
    pub fn branch_members(&self, branch: usize, day: NaiveDate) -> Vec<usize> {
        self.branch_people.get(branch).map_or_else(Vec::new, |list| list.iter().copied().filter(|&p| self.member_on(p, day)).collect())
    }

    /// Holders of positions in `org` on `day` (of the kinds accepted), each once.
    pub fn holders_on(&self, org: usize, day: NaiveDate, accept: impl Fn(PositionKind) -> bool) -> Vec<usize> {
        let mut out: Vec<usize> =
            self.holders.get(org).into_iter().flatten().filter(|(p, k)| accept(*k) && self.member_on(*p, day)).map(|(p, _)| *p).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The committee of a branch on `day`; the secretary alone where there is
    /// no committee.
    pub fn committee_on(&self, org: usize, day: NaiveDate) -> Vec<usize> {
        self.holders_on(org, day, PositionKind::is_committee)
    }

    /// The holder of `kind` in `org`, if any.
    pub fn holder(&self, org: usize, kind: PositionKind) -> Option<usize> {
        self.holders.get(org).and_then(|list| list.iter().find(|(_, k)| *k == kind)).map(|(p, _)| *p)
    }

    /// Draws who was absent among `people`: members working away, abroad or
    /// very old more often than others; at most `cap` of them.
    pub fn absences(&self, r: &mut Random, people: &[usize], cap: usize) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for &p in people {
            if out.len() >= cap {
                break;
            }
            let Some(m) = self.members.get(p) else { continue };
            let (per_mille, reason) = match (m.person.status, m.age) {
                (MemberStatus::Mobile, _) => (250, r.pick(&["外出务工", "在外地务工"])),
                (MemberStatus::Abroad, _) => (350, "出国（境）"),
                (_, 80..) => (300, "年老体弱"),
                (_, 70..) => (60, r.pick(&["年老体弱", "住院治疗"])),
                _ => (30, r.pick(&["因公出差", "住院治疗", "家中有事", "外出学习培训", "值班值守"])),
            };
            if r.chance(per_mille) {
                out.push((p, reason.to_owned()));
            }
        }
        out
    }

    /// Adds an activity with no presenter, agenda or participants yet.
    pub fn add(
        &mut self,
        r: &mut Random,
        kind: &'static str,
        host: usize,
        held_on: NaiveDate,
        minutes: u32,
        title: String,
    ) -> &mut DemoActivity {
        self.out.push(blank(r, kind, host, held_on, minutes, title, DemoStatus::Held));
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// An activity with no presenter, agenda or participants yet, its starting
/// time drawn from what is usual for the kind.
pub(crate) fn blank(
    r: &mut Random,
    kind: &'static str,
    host: usize,
    held_on: NaiveDate,
    minutes: u32,
    title: String,
    status: DemoStatus,
) -> DemoActivity {
    let (h, m) = match kind {
        kind::THEME_DAY | kind::BIRTHDAY => r.pick(&[(9, 0), (14, 30), (15, 0)]),
        kind::TRAINING | kind::READING_CLASS | kind::VISIT | kind::RESEARCH => (8, 30),
        _ => r.pick(&[(9, 0), (10, 0), (14, 30), (15, 0), (19, 30)]),
    };
    DemoActivity {
        id: r.id(),
        kind,
        host,
        title,
        held_on,
        starts_at: NaiveTime::from_hms_opt(h, m, 0),
        duration_minutes: minutes,
        presenter: None,
        agenda: Vec::new(),
        participants: Vec::new(),
        absentees: Vec::new(),
        visit_kind: None,
        polarity: None,
        status,
        minutes: None,
        research_project: None,
    }
}

/// The last day of a month.
pub(crate) fn month_last(year: i32, month: u32) -> NaiveDate {
    let next = if month >= 12 { ymd(year + 1, 1, 1) } else { ymd(year, month + 1, 1) };
    next.pred_opt().unwrap_or(next)
}

/// The first and last day of a quarter.
pub(crate) fn quarter_days(year: i32, q: u32) -> (NaiveDate, NaiveDate) {
    (ymd(year, q * 3 - 2, 1), month_last(year, q * 3))
}

/// Generates the activities from the first day of last year up to
/// yesterday, and the gaps planted in last year; with `extras`, also the
/// plans, minutes, research projects, problems and attachments, drawn from
/// a stream of their own.
pub(crate) fn generate(r: &mut Random, tree: &Tree, members: &[Member], extras: bool) -> (Vec<DemoActivity>, Vec<PlantedGap>, Extras) {
    let today = r.today();
    let mut g = Gen::new(tree, members, r.yesterday());
    let first_year = today.year() - 1;
    let plan = gaps::choose(r, &g, first_year);
    for year in first_year..=today.year() {
        let planted = (year == first_year).then_some(&plan);
        county::leadership(r, &mut g, year, planted);
        county::townships_and_units(r, &mut g, year);
        county::leaders(r, &mut g, year, planted);
        branches::generate(r, &mut g, year, planted);
        if year < today.year() {
            hours::complete(r, &mut g, year, planted);
        }
        if let Some(plan) = planted {
            hours::plant_shortfalls(&mut g, year, plan);
        }
    }
    let mut gaps = plan.gaps(&g);
    gaps.extend(waiting(&g));
    let added = if extras { add_extras(&mut r.fork(EXTRAS_STREAM), &mut g) } else { Extras::default() };
    (g.out, gaps, added)
}

/// The additions around the held activities, in an order each step can rely
/// on: projects first (plans and visits link to them), minutes before the
/// attachments that show them.
fn add_extras(x: &mut Random, g: &mut Gen) -> Extras {
    let projects = research::projects(x, g);
    let plans = plans::generate(x, g, &projects);
    minutes::write(x, g);
    let problems = problems::raise(x, g);
    let attachments = attachments::make(x, g);
    Extras { plans, projects, problems, attachments }
}

/// The organization of the secretary's own branch (see
/// [`crate::DUPLICATE_NAME_BRANCH`]), whose current month and quarter are
/// left open so that the demo's secretary finds work due.
pub(crate) fn secretary_branch(g: &Gen) -> Option<usize> {
    g.tree.orgs.iter().position(|o| o.name.as_str() == crate::DUPLICATE_NAME_BRANCH)
}

/// Whether `org` is the secretary's branch and the month (or, for quarterly
/// work, the quarter) of `year` is the one of today.
pub(crate) fn left_open(g: &Gen, org: usize, year: i32, month: Option<u32>, quarter: Option<u32>) -> bool {
    let last = crate::random::add_days(g.last_day, 1);
    secretary_branch(g) == Some(org)
        && year == last.year()
        && month.is_none_or(|m| m == last.month())
        && quarter.is_none_or(|q| q == (last.month() - 1) / 3 + 1)
}

/// The county leader whose special party class of the current year is not
/// given yet: the first of them who sits on the county committee itself (so
/// that a branch's recording form offers them among the leaders above it).
pub(crate) fn class_pending(g: &Gen) -> Option<usize> {
    let root = g.holders.get(g.tree.root)?;
    county::special_class_holders(g).into_iter().find(|p| root.iter().any(|(h, _)| h == p))
}

/// Work of the current year that is simply not done yet: due, not a gap.
fn waiting(g: &Gen) -> Vec<PlantedGap> {
    let last = crate::random::add_days(g.last_day, 1);
    let (year, month, quarter) = (last.year(), last.month(), (last.month() - 1) / 3 + 1);
    let mut out = Vec::new();
    if let Some(org) = secretary_branch(g) {
        out.push(PlantedGap {
            requirement: "branch-committee-meeting",
            subject: GapSubject::Org(org),
            period: format!("{year}-{month:02}"),
            expected_status: "due",
            note: "本月支部委员会会议尚未召开".to_owned(),
        });
        out.push(PlantedGap {
            requirement: "party-lesson",
            subject: GapSubject::Org(org),
            period: format!("{year}-Q{quarter}"),
            expected_status: "due",
            note: "本季度党课尚未讲授".to_owned(),
        });
    }
    if let Some(leader) = class_pending(g) {
        out.push(PlantedGap {
            requirement: "special-party-class",
            subject: GapSubject::Person(leader),
            period: year.to_string(),
            expected_status: "due",
            note: "今年的专题党课尚未讲授".to_owned(),
        });
    }
    out
}
