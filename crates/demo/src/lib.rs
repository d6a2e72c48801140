//! The demo county: a deterministic, realistic fictional county, 青岚县, with
//! its organization tree and about 2,500 party members, generated from a seed
//! for a given day. The same seed and day always give the same county; a
//! different seed gives different people, names, sizes and ids.
//!
//! The tree: the county committee (中共青岚县委员会) with its organization
//! department, the government's party group and the county organs' working
//! committee (县直机关工委), under which stand the organ branches of the
//! county bodies (where the county leaders are members), a retired cadres'
//! branch, the county hospital and the county high school; then eight
//! townships and streets, each with its organ branch and its villages,
//! communities, enterprises, schools and other units — 60 grassroots
//! organizations and about 150 branches, some with 党小组.
//!
//! Members are attached to branches only. A 党小组 holds no members of its
//! own: it is led by a member of its parent branch who holds
//! [`domain::PositionKind::GroupLeader`] in the group. A position always names
//! the organization where it is held, so that county and township leaders,
//! members of organ branches, can lead the county and township committees.
//!
//! The county also holds the activities its organizations held from the
//! first day of last year up to yesterday, with a few gaps planted in last
//! year and listed in [`DemoData::planted_gaps`] (see [`activities`]).
//! Around them, drawn from a random stream of their own so that they change
//! no held activity: minutes of most meetings, plans for the coming weeks
//! (and a few left unclosed or cancelled), the county leaders' research
//! projects with their visits and typical cases, the problems raised at life
//! meetings, and small PDF and PNG attachments.
//!
//! Pure code: no I/O. See [`stats`] for the definitions behind the figures.
#![forbid(unsafe_code)]

pub mod activities;
mod files;
mod people;
mod plan;
mod positions;
mod random;
mod stats;
mod tree;
mod vocab;

pub use activities::{
    DemoActivity, DemoAttachment, DemoMinutes, DemoProblem, DemoProject, DemoResult, DemoStatus, GapSubject, PlantedGap, planted_gaps_json,
};
pub use stats::{BranchFigures, DemoStats, branch_figures, is_outside_bmp, stats};

use chrono::NaiveDate;
use domain::{
    CadreRank, Id, IdNumber, MemberCategory, MemberStatus, Name, OrgKind, OrgLevel, PartialDate, PhoneNumber, PositionKind, Sex, UnitType,
};

/// The seed of the demo county shipped with the product.
pub const DEFAULT_SEED: u64 = 2025;

/// The fictional county.
pub const COUNTY_NAME: &str = "青岚县";

/// The (fictional) administrative division code of the county, which opens
/// most identity numbers.
pub const REGION_CODE: &str = "512823";

/// The one branch where two members share a name, whatever the seed: the
/// organ branch of the first street.
pub const DUPLICATE_NAME_BRANCH: &str = "中共城关街道机关支部委员会";

/// The names shown for the demo's login accounts, by login.
pub const ACCOUNT_NAMES: [(&str, &str); 4] =
    [("admin", "县委系统管理员"), ("zuzhibu", "县委组织部"), ("shuji", "支部书记"), ("shenji", "安全审计员")];

/// The name shown for the demo login `login`.
pub fn account_name(login: &str) -> Option<&'static str> {
    ACCOUNT_NAMES.iter().find(|(l, _)| *l == login).map(|(_, name)| *name)
}

/// The name the two members of [`DUPLICATE_NAME_BRANCH`] share.
pub const DUPLICATE_NAME: &str = "张伟";

/// The generated county.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoData {
    /// Parents always come before their children.
    pub orgs: Vec<DemoOrg>,
    /// Grouped by branch, in the order of the branches.
    pub people: Vec<DemoPerson>,
    /// Held from the first day of last year up to yesterday, by year. Most
    /// committee meetings, members' assemblies and standing committee
    /// meetings carry minutes: final if held before last month, drafts if
    /// held this month, either if held last month. A county leader's visits
    /// of the year, and some typical case analyses, name a research project.
    pub activities: Vec<DemoActivity>,
    /// The gaps planted in the activities, with the status their cells must have.
    pub planted_gaps: Vec<PlantedGap>,
    /// Activities not held: planned for the next two to four weeks, a few
    /// planned for four to ten days ago and never closed, one or two
    /// cancelled. None counts for any requirement; none is at
    /// [`DUPLICATE_NAME_BRANCH`].
    pub plans: Vec<DemoActivity>,
    /// The county leaders' research projects, one for each leader who makes
    /// grassroots visits; about two thirds have findings and results.
    pub projects: Vec<DemoProject>,
    /// The problems raised at the life meetings (1 to 3 at each).
    pub problems: Vec<DemoProblem>,
    /// Files attached to held activities: minutes scans (PDF) and sign-in
    /// sheets (PNG).
    pub attachments: Vec<DemoAttachment>,
}

/// An organization of the demo county.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOrg {
    pub id: Id,
    pub parent_id: Option<Id>,
    pub name: Name,
    pub level: OrgLevel,
    pub kind: OrgKind,
    /// Set on every organization of a grassroots unit.
    pub unit_type: Option<UnitType>,
    pub founded_on: NaiveDate,
}

/// A member of the demo county.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoPerson {
    pub id: Id,
    /// Always a branch.
    pub org_id: Id,
    pub name: Name,
    pub sex: Sex,
    pub ethnicity: String,
    pub id_number: IdNumber,
    pub category: MemberCategory,
    pub status: MemberStatus,
    pub join_date: PartialDate,
    /// One year after joining; `None` for probationary members.
    pub full_member_date: Option<PartialDate>,
    pub cadre_rank: CadreRank,
    /// Positions held, each with the organization where it is held.
    pub positions: Vec<(Id, PositionKind)>,
    pub phone: Option<PhoneNumber>,
}

impl DemoPerson {
    /// The birth date, as written in the identity number.
    pub fn birth_date(&self) -> NaiveDate {
        self.id_number.birth_date()
    }
}

/// Generates the demo county for `today` from `seed`. Ages, join dates,
/// founding dates and activities are relative to `today`, which should be
/// after 2000.
pub fn generate(seed: u64, today: NaiveDate) -> DemoData {
    build(seed, today, true)
}

/// Like [`generate`], without what is added around the held activities:
/// no plans, minutes, research projects, problems or attachments. The held
/// activities are the same as [`generate`]'s but for their minutes and
/// project links (the additions draw from a random stream of their own);
/// tests compare the two.
pub fn generate_held_only(seed: u64, today: NaiveDate) -> DemoData {
    build(seed, today, false)
}

fn build(seed: u64, today: NaiveDate, extras: bool) -> DemoData {
    let mut r = random::Random::new(seed, today);
    let county = plan::plan_county(&mut r);
    let tree = tree::build(&mut r, county);
    let mut members = people::generate(&mut r, &tree);
    positions::assign(&mut r, &tree, &mut members);
    let (activities, planted_gaps, added) = activities::generate(&mut r, &tree, &members, extras);
    DemoData {
        orgs: tree.orgs,
        people: members.into_iter().map(|m| m.person).collect(),
        activities,
        planted_gaps,
        plans: added.plans,
        projects: added.projects,
        problems: added.problems,
        attachments: added.attachments,
    }
}
