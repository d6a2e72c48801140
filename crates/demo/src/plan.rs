//! The plan of the county before anything is named, dated or peopled: which
//! grassroots units stand under the county and each township, how many
//! branches each unit has, and how many members each branch counts, of whom
//! how many are probationary, abroad or mobile, plus the transferred-out and
//! deceased members who stay on its roll without counting.
//!
//! Every rule about sizes is settled here, so that naming ("支部委员会" for a
//! branch with a committee, "支部" otherwise) and people generation only
//! follow the plan.

use crate::random::Random;
use crate::vocab;
use domain::UnitType;

/// The most members who count in a branch (the rule allows 50; the plan keeps
/// a little room).
pub(crate) const MAX_BRANCH_SIZE: usize = 48;
/// Full members from which a branch elects a committee.
pub(crate) const COMMITTEE_THRESHOLD: usize = 7;
/// The fewest full members a branch may have.
pub(crate) const MIN_FULL_MEMBERS: usize = 3;

/// What kind of people a branch gathers, which decides its size, its age
/// and sex make-up and how likely its members are to be away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Profile {
    CountyOrgan,
    TownshipOrgan,
    Retirees,
    Hospital,
    School,
    Village,
    Community,
    Enterprise,
    SmallEnterprise,
    SocialOrg,
    Clinic,
}

/// The numbers behind a [`Profile`]. Weights are relative; ages are on the
/// day the demo is generated for.
pub(crate) struct Traits {
    /// Fewest, and usual range of, members who count in the branch.
    pub min: usize,
    pub lo: usize,
    pub hi: usize,
    /// Weight of a member being among those aged 61 or older.
    pub old_weight: u64,
    /// Share of women among members under 61, in thousandths.
    pub female_per_mille: u32,
    pub mobile_weight: u64,
    pub abroad_weight: u64,
    pub probation_weight: u64,
    pub deceased_weight: u64,
    /// Age range of members under 61 and whether ages lean to the older end.
    pub youngest: i32,
    pub oldest: i32,
    pub skew_older: bool,
}

impl Profile {
    pub(crate) fn traits(self) -> Traits {
        let t = |min, lo, hi, old_weight, female_per_mille, mobile_weight, abroad_weight, probation_weight| Traits {
            min,
            lo,
            hi,
            old_weight,
            female_per_mille,
            mobile_weight,
            abroad_weight,
            probation_weight,
            deceased_weight: 1,
            youngest: 24,
            oldest: 59,
            skew_older: false,
        };
        match self {
            Profile::CountyOrgan => Traits { youngest: 26, ..t(14, 14, 30, 0, 380, 0, 0, 1) },
            Profile::TownshipOrgan => Traits { youngest: 23, oldest: 58, ..t(18, 18, 32, 0, 330, 0, 0, 2) },
            Profile::Retirees => Traits { youngest: 56, oldest: 60, deceased_weight: 6, ..t(10, 18, 42, 2000, 300, 0, 1, 0) },
            Profile::Hospital => t(6, 14, 36, 3, 600, 0, 2, 3),
            Profile::School => Traits { youngest: 23, ..t(4, 8, 26, 3, 620, 0, 1, 3) },
            Profile::Village => Traits { oldest: 60, skew_older: true, deceased_weight: 3, ..t(6, 8, 34, 16, 200, 4, 1, 2) },
            Profile::Community => Traits { oldest: 60, skew_older: true, deceased_weight: 2, ..t(5, 8, 30, 14, 450, 2, 2, 2) },
            Profile::Enterprise => Traits { youngest: 23, ..t(5, 8, 28, 2, 300, 2, 1, 3) },
            Profile::SmallEnterprise => Traits { youngest: 22, oldest: 58, ..t(3, 3, 12, 3, 300, 2, 0, 2) },
            Profile::SocialOrg => Traits { youngest: 25, oldest: 60, ..t(3, 3, 6, 4, 450, 0, 0, 1) },
            Profile::Clinic => t(4, 6, 16, 3, 620, 0, 1, 2),
        }
    }
}

/// How a grassroots unit is organized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// 基层党委 with three or more branches.
    Committee,
    /// 党总支 with two or more branches.
    GeneralBranch,
    /// A single branch that is itself the unit's organization.
    Single,
}

/// The part a unit plays beyond holding members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The organ branch of a county body; the index is into [`COUNTY_ORGANS`].
    CountyOrgan(usize),
    /// The organ branch of a township, where its leaders are members.
    TownshipOrgan,
    Other,
}

/// One branch to be.
#[derive(Clone, Debug)]
pub(crate) struct BranchPlan {
    pub profile: Profile,
    /// "内科支部", or empty for a numbered branch ("第一支部") until labelled.
    pub label: String,
    pub numbered: bool,
    /// Members who count in the branch (active, abroad, mobile).
    pub size: usize,
    pub probationary: usize,
    pub abroad: usize,
    pub mobile: usize,
    pub transferred_out: usize,
    pub deceased: usize,
    /// 党小组 under the branch.
    pub groups: usize,
}

impl BranchPlan {
    fn new(profile: Profile, label: &str) -> Self {
        BranchPlan {
            profile,
            label: label.to_owned(),
            numbered: label.is_empty(),
            size: 0,
            probationary: 0,
            abroad: 0,
            mobile: 0,
            transferred_out: 0,
            deceased: 0,
            groups: 0,
        }
    }

    /// Full members who count in the branch.
    pub(crate) fn full(&self) -> usize {
        self.size.saturating_sub(self.probationary)
    }

    pub(crate) fn has_committee(&self) -> bool {
        self.full() >= COMMITTEE_THRESHOLD
    }

    /// Full members who are present (neither abroad nor mobile): at least
    /// three, and at least three quarters of the full members.
    pub(crate) fn active_full(&self) -> usize {
        self.full().saturating_sub(self.abroad + self.mobile)
    }

    fn room_for_probation(&self) -> usize {
        self.size.saturating_sub(MIN_FULL_MEMBERS).min(3).saturating_sub(self.probationary)
    }

    fn room_for_absence(&self) -> usize {
        (self.full() / 4).saturating_sub(self.abroad + self.mobile)
    }
}

/// One grassroots unit to be: a village, community, enterprise, school, organ...
#[derive(Clone, Debug)]
pub(crate) struct UnitPlan {
    /// The name without "中共" and the kind word: "桃园村", "青岚县人民医院".
    pub stem: String,
    pub unit_type: UnitType,
    pub form: Form,
    /// Years within which the unit's organization was founded.
    pub founded: (i32, i32),
    pub role: Role,
    pub branches: Vec<BranchPlan>,
}

impl UnitPlan {
    fn single(stem: String, unit_type: UnitType, profile: Profile, founded: (i32, i32), role: Role) -> Self {
        UnitPlan { stem, unit_type, form: Form::Single, founded, role, branches: vec![BranchPlan::new(profile, "支部")] }
    }

    fn multi(stem: &str, unit_type: UnitType, form: Form, founded: (i32, i32), branches: &[(&str, Profile)]) -> Self {
        UnitPlan {
            stem: stem.to_owned(),
            unit_type,
            form,
            founded,
            role: Role::Other,
            branches: branches.iter().map(|(label, profile)| BranchPlan::new(*profile, label)).collect(),
        }
    }

    fn numbered(&self) -> usize {
        self.branches.iter().filter(|b| b.numbered).count()
    }

    /// Whether a numbered branch may be added (`grow`) or removed.
    fn can_change(&self, grow: bool) -> bool {
        let (fewest, most) = match self.form {
            Form::Committee => (3, 7),
            Form::GeneralBranch => (2, 5),
            Form::Single => return false,
        };
        let numbered = self.numbered();
        numbered > 0 && if grow { self.branches.len() < most } else { numbered > fewest }
    }
}

/// A township or street to be.
#[derive(Clone, Debug)]
pub(crate) struct TownshipPlan {
    pub name: &'static str,
    pub street: bool,
    pub founded: (i32, i32),
    pub units: Vec<UnitPlan>,
}

/// The whole county to be.
#[derive(Clone, Debug)]
pub(crate) struct CountyPlan {
    /// Units under the county organs' working committee (县直机关工委).
    pub county_units: Vec<UnitPlan>,
    pub townships: Vec<TownshipPlan>,
}

impl CountyPlan {
    fn units_mut(&mut self) -> impl Iterator<Item = &mut UnitPlan> {
        self.county_units.iter_mut().chain(self.townships.iter_mut().flat_map(|t| t.units.iter_mut()))
    }

    fn branches_mut(&mut self) -> Vec<&mut BranchPlan> {
        self.units_mut().flat_map(|u| u.branches.iter_mut()).collect()
    }
}

/// The county bodies whose organ branches hold the county leaders, with the
/// years their branches were founded.
pub(crate) const COUNTY_ORGANS: [(&str, (i32, i32)); 7] = [
    ("青岚县委办公室", (1950, 1952)),
    ("青岚县人民政府办公室", (1950, 1953)),
    ("青岚县委组织部机关", (1950, 1952)),
    ("青岚县纪委监委机关", (2018, 2018)),
    ("青岚县委宣传部机关", (1951, 1956)),
    ("青岚县财政局机关", (1953, 1965)),
    ("青岚县教育和体育局机关", (1979, 2002)),
];

/// Which organ in [`COUNTY_ORGANS`] the organization department's branch is.
pub(crate) const ORGANIZATION_ORGAN: usize = 2;

#[derive(Clone, Copy)]
enum UnitKind {
    Village,
    Community,
    WaterGroup,
    SmallEnterprise,
    SocialOrg,
    Clinic(&'static str),
    School(&'static str),
}

struct TownshipSpec {
    name: &'static str,
    short: &'static str,
    street: bool,
    founded: (i32, i32),
    units: &'static [(UnitKind, usize)],
}

/// The eight townships and streets; the first is where the branch with two
/// members of the same name stands (see [`crate::DUPLICATE_NAME_BRANCH`]).
const TOWNSHIPS: [TownshipSpec; 8] = {
    use UnitKind::*;
    let town = (1952, 1956);
    [
        TownshipSpec {
            name: "城关街道",
            short: "城关",
            street: true,
            founded: (1984, 1986),
            units: &[(Community, 4), (Village, 1), (WaterGroup, 1), (SmallEnterprise, 1), (SocialOrg, 1)],
        },
        TownshipSpec {
            name: "河西街道",
            short: "河西",
            street: true,
            founded: (2006, 2010),
            units: &[(Community, 3), (Village, 2), (School("青岚县河西小学"), 1), (Clinic("青岚县河西街道社区卫生服务中心"), 1)],
        },
        TownshipSpec {
            name: "临溪镇",
            short: "临溪",
            street: false,
            founded: town,
            units: &[(Village, 4), (Community, 1), (School("青岚县临溪镇中心小学"), 1)],
        },
        TownshipSpec { name: "青石镇", short: "青石", street: false, founded: town, units: &[(Village, 4), (SmallEnterprise, 1)] },
        TownshipSpec { name: "白马镇", short: "白马", street: false, founded: town, units: &[(Village, 4), (SmallEnterprise, 1)] },
        TownshipSpec {
            name: "石门镇",
            short: "石门",
            street: false,
            founded: town,
            units: &[(Village, 3), (School("青岚县石门镇初级中学"), 1)],
        },
        TownshipSpec { name: "桃坪乡", short: "桃坪", street: false, founded: town, units: &[(Village, 4)] },
        TownshipSpec { name: "云台乡", short: "云台", street: false, founded: town, units: &[(Village, 3)] },
    ]
};

/// Plans the county: 60 grassroots units, about 150 branches and about 2,500
/// people, all drawn from `r`.
pub(crate) fn plan_county(r: &mut Random) -> CountyPlan {
    let mut plan = CountyPlan { county_units: county_units(), townships: townships(r) };
    let target_branches = r.count_between(146, 154);
    adjust_branch_count(r, &mut plan, target_branches);
    label_branches(&mut plan);

    let people = r.count_between(2460, 2540);
    let transferred_out = people * r.count_between(12, 17) / 1000;
    let deceased = people * r.count_between(10, 15) / 1000;
    let counted = people - transferred_out - deceased;
    let mut branches = plan.branches_mut();
    plan_sizes(r, &mut branches, counted);
    plan_statuses(r, &mut branches, people, counted, transferred_out, deceased);
    for b in branches.iter_mut() {
        if b.size >= 22 && r.chance(550) {
            b.groups = (b.size / 10).clamp(2, 4);
        }
    }
    plan
}

fn county_units() -> Vec<UnitPlan> {
    let mut units: Vec<UnitPlan> = COUNTY_ORGANS
        .iter()
        .enumerate()
        .map(|(i, (stem, founded))| {
            UnitPlan::single((*stem).to_owned(), UnitType::Agency, Profile::CountyOrgan, *founded, Role::CountyOrgan(i))
        })
        .collect();
    units.push(UnitPlan::single("青岚县直机关离退休干部".to_owned(), UnitType::Agency, Profile::Retirees, (1986, 1995), Role::Other));
    let h = Profile::Hospital;
    units.push(UnitPlan::multi(
        "青岚县人民医院",
        UnitType::Institution,
        Form::Committee,
        (1956, 1970),
        &[("内科支部", h), ("外科支部", h), ("医技支部", h), ("行政后勤支部", h)],
    ));
    units.push(UnitPlan::multi(
        "青岚中学",
        UnitType::School,
        Form::GeneralBranch,
        (1958, 1978),
        &[("高中部支部", Profile::School), ("初中部支部", Profile::School), ("退休教师支部", Profile::Retirees)],
    ));
    units
}

fn townships(r: &mut Random) -> Vec<TownshipPlan> {
    let mut villages = vocab::VILLAGES.to_vec();
    r.shuffle(&mut villages);
    let mut villages = villages.into_iter();
    let mut communities = vocab::COMMUNITIES.to_vec();
    r.shuffle(&mut communities);
    let mut communities = communities.into_iter();

    let mut townships = Vec::with_capacity(TOWNSHIPS.len());
    for spec in &TOWNSHIPS {
        let organ =
            UnitPlan::single(format!("{}机关", spec.name), UnitType::Agency, Profile::TownshipOrgan, spec.founded, Role::TownshipOrgan);
        let mut units = vec![organ];
        for (kind, count) in spec.units {
            for _ in 0..*count {
                let unit = match kind {
                    UnitKind::Village => villages.next().map(|v| neighbourhood(r, format!("{v}村"), Profile::Village)),
                    UnitKind::Community => communities.next().map(|c| neighbourhood(r, format!("{c}社区"), Profile::Community)),
                    UnitKind::WaterGroup => {
                        let e = Profile::Enterprise;
                        Some(UnitPlan::multi(
                            "青岚县水务投资集团有限公司",
                            UnitType::Enterprise,
                            Form::Committee,
                            (2009, 2014),
                            &[("机关支部", e), ("供水分公司支部", e), ("工程建设支部", e), ("营销服务支部", e)],
                        ))
                    }
                    UnitKind::SmallEnterprise => {
                        let stem = format!("青岚县{}{}有限公司", spec.short, r.pick(&vocab::TRADES));
                        let profile = Profile::SmallEnterprise;
                        Some(UnitPlan::single(stem, UnitType::Enterprise, profile, (2003, 2021), Role::Other))
                    }
                    UnitKind::SocialOrg => Some(UnitPlan::single(
                        "青岚县个体劳动者协会".to_owned(),
                        UnitType::SocialOrganization,
                        Profile::SocialOrg,
                        (2012, 2020),
                        Role::Other,
                    )),
                    UnitKind::Clinic(name) => {
                        Some(UnitPlan::single((*name).to_owned(), UnitType::Institution, Profile::Clinic, (1958, 1978), Role::Other))
                    }
                    UnitKind::School(name) => {
                        Some(UnitPlan::single((*name).to_owned(), UnitType::School, Profile::School, (1956, 1990), Role::Other))
                    }
                };
                units.extend(unit);
            }
        }
        townships.push(TownshipPlan { name: spec.name, street: spec.street, founded: spec.founded, units });
    }
    townships
}

/// A village or community: a committee, a general branch or a single branch,
/// with numbered branches and, in communities, often a retirees' branch.
fn neighbourhood(r: &mut Random, stem: String, profile: Profile) -> UnitPlan {
    let (unit_type, founded, committee, general) = match profile {
        Profile::Community => (UnitType::Community, (1996, 2016), 25, 80),
        _ => (UnitType::Village, (1953, 1972), 40, 85),
    };
    let roll = r.below(100);
    let (form, numbered) = if roll < committee {
        (Form::Committee, r.count_between(3, 5))
    } else if roll < general {
        (Form::GeneralBranch, r.count_between(2, 3))
    } else {
        return UnitPlan::single(stem, unit_type, profile, founded, Role::Other);
    };
    let mut branches: Vec<BranchPlan> = (0..numbered).map(|_| BranchPlan::new(profile, "")).collect();
    if profile == Profile::Community && r.chance(600) {
        branches.push(BranchPlan::new(Profile::Retirees, "退休党员支部"));
    }
    UnitPlan { stem, unit_type, form, founded, role: Role::Other, branches }
}

/// Adds or removes numbered branches of villages and communities until the
/// county has `target` branches (or no unit can change).
fn adjust_branch_count(r: &mut Random, plan: &mut CountyPlan, target: usize) {
    let mut units: Vec<&mut UnitPlan> = plan.units_mut().collect();
    for _ in 0..1000 {
        let total: usize = units.iter().map(|u| u.branches.len()).sum();
        if total == target {
            break;
        }
        let grow = total < target;
        let weights: Vec<u64> = units.iter().map(|u| u64::from(u.can_change(grow))).collect();
        let Some(unit) = r.weighted(&weights).and_then(|i| units.get_mut(i)) else {
            break;
        };
        let numbered = unit.numbered();
        let profile = unit.branches.first().map_or(Profile::Village, |b| b.profile);
        if grow {
            unit.branches.insert(numbered, BranchPlan::new(profile, ""));
        } else if numbered > 0 {
            unit.branches.remove(numbered - 1);
        }
    }
}

/// Gives numbered branches their labels: "第一支部", "第二支部"...
fn label_branches(plan: &mut CountyPlan) {
    for unit in plan.units_mut() {
        for (i, branch) in unit.branches.iter_mut().filter(|b| b.numbered).enumerate() {
            branch.label = format!("第{}支部", vocab::numeral(i + 1));
        }
    }
}

/// Draws each branch's size from its profile, scales the sizes to sum to
/// `counted` and corrects the rounding one member at a time.
fn plan_sizes(r: &mut Random, branches: &mut [&mut BranchPlan], counted: usize) {
    for b in branches.iter_mut() {
        let t = b.profile.traits();
        b.size = r.count_between(t.lo, t.hi);
    }
    let raw: usize = branches.iter().map(|b| b.size).sum();
    for b in branches.iter_mut() {
        let min = b.profile.traits().min;
        b.size = (b.size * counted / raw.max(1)).clamp(min, MAX_BRANCH_SIZE);
    }
    for _ in 0..20_000 {
        let sum: usize = branches.iter().map(|b| b.size).sum();
        if sum == counted {
            break;
        }
        let grow = sum < counted;
        let weights: Vec<u64> = branches
            .iter()
            .map(|b| {
                let movable = if grow { b.size < MAX_BRANCH_SIZE } else { b.size > b.profile.traits().min };
                if movable { b.size as u64 } else { 0 }
            })
            .collect();
        let Some(b) = r.weighted(&weights).and_then(|i| branches.get_mut(i)) else {
            break;
        };
        if grow {
            b.size += 1;
        } else {
            b.size -= 1;
        }
    }
}

/// Places the probationary, abroad, mobile, transferred-out and deceased
/// members, each a quota of the county, where the rules leave room.
fn plan_statuses(r: &mut Random, branches: &mut [&mut BranchPlan], people: usize, counted: usize, transferred_out: usize, deceased: usize) {
    let probationary = people * r.count_between(22, 28) / 1000;
    distribute(
        r,
        branches,
        probationary,
        |b| {
            if b.room_for_probation() > 0 { b.profile.traits().probation_weight * b.size as u64 } else { 0 }
        },
        |b| b.probationary += 1,
    );

    let abroad = counted * r.count_between(6, 9) / 1000;
    distribute(
        r,
        branches,
        abroad,
        |b| {
            if b.room_for_absence() > 0 { b.profile.traits().abroad_weight * b.size as u64 } else { 0 }
        },
        |b| b.abroad += 1,
    );

    let mobile = counted * r.count_between(15, 20) / 1000;
    distribute(
        r,
        branches,
        mobile,
        |b| {
            if b.room_for_absence() > 0 { b.profile.traits().mobile_weight * b.size as u64 } else { 0 }
        },
        |b| b.mobile += 1,
    );

    distribute(
        r,
        branches,
        transferred_out,
        |b| {
            if b.transferred_out < 4 { b.size as u64 } else { 0 }
        },
        |b| b.transferred_out += 1,
    );

    distribute(
        r,
        branches,
        deceased,
        |b| {
            if b.deceased < 4 { b.profile.traits().deceased_weight * b.size as u64 } else { 0 }
        },
        |b| b.deceased += 1,
    );
}

/// Applies `apply` to `quota` branches drawn by `weight` (which is zero where
/// a branch has no room left).
fn distribute(
    r: &mut Random,
    branches: &mut [&mut BranchPlan],
    quota: usize,
    weight: impl Fn(&BranchPlan) -> u64,
    apply: impl Fn(&mut BranchPlan),
) {
    for _ in 0..quota {
        let weights: Vec<u64> = branches.iter().map(|b| weight(b)).collect();
        let Some(b) = r.weighted(&weights).and_then(|i| branches.get_mut(i)) else {
            return;
        };
        apply(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::ymd;

    #[test]
    fn every_branch_keeps_three_full_members_and_room_under_fifty() {
        for seed in 0..20 {
            let mut r = Random::new(seed, ymd(2026, 11, 23));
            let mut plan = plan_county(&mut r);
            for b in plan.branches_mut() {
                assert!(b.full() >= MIN_FULL_MEMBERS, "{b:?}");
                assert!(b.active_full() >= MIN_FULL_MEMBERS, "{b:?}");
                assert!(b.size <= MAX_BRANCH_SIZE, "{b:?}");
                assert!(!b.label.is_empty());
            }
        }
    }
}
