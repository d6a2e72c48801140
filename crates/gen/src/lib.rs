//! A deterministic province for benchmarks and demonstrations: the tree,
//! members with memberships, positions and cadre ranks, and a year (2025) of
//! activities with attendance, as a [`World`] ready for the engine, and the
//! world written as CSV tables for loading into other engines.
//!
//! The crate lives in `crates/gen` and is called `province-gen`
//! (`province_gen` in code): `gen` alone is a reserved keyword in Rust 2024,
//! so a crate of that name could only be written `r#gen`. It is outside
//! `rules` because it writes files' contents and builds a dataset of
//! millions of facts, while `rules` promises no I/O.
//!
//! At scale 1.0 the province has about 260,000 organizations (a provincial
//! committee, 16 city committees, 8 counties each with their party
//! groups, 15 townships per county on average, grassroots committees and general
//! branches, about 211,000 branches, some with groups), about 5 million
//! members and about 9.2 million activities with about 108 million attendance
//! facts. `scale` shrinks or grows the number of branches (and so members and
//! activities) linearly, from the top of the tree down: at 0.01 there is one
//! city with one county of about 19 townships.
//!
//! The same seed always gives the same world. The random generator is a
//! small SplitMix64; nothing here reads or opens files. [`write_table`]
//! writes the world as CSV to a writer the caller opens, for comparisons with
//! SQL databases.
#![forbid(unsafe_code)]

use chrono::{Datelike, Days, NaiveDate};
use domain::{CadreRank, OrgKind, OrgLevel, PositionKind};
use rules::catalogue::{Catalogue, KindIx, Polarity};
use rules::world::{ActivityFact, MembershipFact, OrgFact, PersonFact, PositionFact, World};
use std::io::{self, Write};

/// The year the activities are held in.
pub const YEAR: i32 = 2025;

/// The mean fan-out below the province at scale 1.0: cities, counties per
/// city, townships per county, grassroots units per township, branches per
/// grassroots unit.
const FANOUT: [f64; 5] = [16.0, 8.0, 15.0, 12.0, 9.0];

/// A generated province.
#[derive(Clone, Debug)]
pub struct Generated {
    pub world: World,
    pub year: i32,
    /// The day to evaluate as of: the end of January after the year, when
    /// every period of the year is over and past the late-entry window.
    pub as_of: NaiveDate,
    /// The provincial committee (the root, index 0).
    pub province: u32,
    /// City committees.
    pub cities: Vec<u32>,
    /// County committees.
    pub counties: Vec<u32>,
    /// Branches, ascending.
    pub branches: Vec<u32>,
    /// For each entry of `branches`: its first member and number of members
    /// (members are numbered branch by branch).
    pub branch_members: Vec<(u32, u32)>,
}

/// Sizes of a generated world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub orgs: usize,
    pub branches: usize,
    pub groups: usize,
    pub people: usize,
    pub memberships: usize,
    pub positions: usize,
    pub activities: usize,
    pub attendance: u64,
}

impl Generated {
    pub fn summary(&self) -> Summary {
        let w = &self.world;
        Summary {
            orgs: w.orgs.len(),
            branches: self.branches.len(),
            groups: w.orgs.iter().filter(|o| o.kind == OrgKind::Group).count(),
            people: w.people.len(),
            memberships: w.memberships.len(),
            positions: w.positions.len(),
            activities: w.activities.iter().flatten().count(),
            attendance: w.activities.iter().flatten().map(|a| a.present.len() as u64).sum(),
        }
    }
}

/// Why a province cannot be generated.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GenerateError {
    #[error("scale {0} must be greater than 0 and at most 8")]
    BadScale(f64),
    #[error("the catalogue has no {what} '{code}'")]
    MissingCode { what: &'static str, code: &'static str },
    #[error("the embedded catalogue does not load: {0}")]
    Catalogue(String),
}

/// A province at `scale` from `seed`, for the embedded catalogue.
pub fn province(scale: f64, seed: u64) -> Result<Generated, GenerateError> {
    let catalogue = Catalogue::embedded().map_err(|e| GenerateError::Catalogue(e.to_string()))?;
    province_for(&catalogue, scale, seed)
}

/// A province at `scale` from `seed`, with activity and agenda kinds numbered
/// as in `catalogue`.
pub fn province_for(catalogue: &Catalogue, scale: f64, seed: u64) -> Result<Generated, GenerateError> {
    if !(scale > 0.0 && scale <= 8.0) {
        return Err(GenerateError::BadScale(scale));
    }
    let kinds = Kinds::of(catalogue)?;
    let mut g = Gen::new(kinds, seed);
    g.tree(scale);
    g.members();
    g.positions_all();
    g.activities_all();
    Ok(g.finish())
}

// ------------------------------------------------------------------ random

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 if `n` is 0).
    fn below(&mut self, n: u32) -> u32 {
        (((self.next() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A count around `mean` (±30 %), rounded at random so that the mean holds; at least 1.
    fn around(&mut self, mean: f64) -> u32 {
        let x = mean * (0.7 + 0.6 * self.unit());
        let whole = x.floor();
        let n = whole as u32 + u32::from(self.unit() < x - whole);
        n.max(1)
    }

    /// A day in `from..=to`.
    fn day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().clamp(0, i64::from(u32::MAX - 1)) as u32;
        from.checked_add_days(Days::new(u64::from(self.below(span + 1)))).unwrap_or(from)
    }

    /// A day of `month` of [`YEAR`] (1st to 28th).
    fn day_of(&mut self, month: u32) -> NaiveDate {
        ymd(YEAR, month, self.between(1, 28))
    }

    /// A day of [`YEAR`] in a month from `lo` to `hi`.
    fn day_in(&mut self, lo: u32, hi: u32) -> NaiveDate {
        let m = self.between(lo, hi);
        self.day_of(m)
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

// ------------------------------------------------------------------ vocabulary

/// The catalogue indices the generator uses.
struct Kinds {
    committee_meeting: KindIx,
    group_meeting: KindIx,
    assembly: KindIx,
    lesson: KindIx,
    party_class: KindIx,
    theme_day: KindIx,
    birthday: KindIx,
    center_group: KindIx,
    standing: KindIx,
    party_group_meeting: KindIx,
    reading: KindIx,
    visit: KindIx,
    case: KindIx,
    democratic_life: KindIx,
    organizational_life: KindIx,
    discipline: KindIx,
    theory: u16,
    business: u16,
    three_musts: u16,
    negative_case: u16,
    criticism: u16,
    appraisal: u16,
    oath: u16,
    visits: [u16; 4],
}

impl Kinds {
    fn of(c: &Catalogue) -> Result<Self, GenerateError> {
        let kind = |code: &'static str| c.kind(code).ok_or(GenerateError::MissingCode { what: "activity kind", code });
        let agenda = |code: &'static str| c.agenda_kind(code).ok_or(GenerateError::MissingCode { what: "agenda item kind", code });
        let visit = |code: &'static str| c.visit_kind(code).ok_or(GenerateError::MissingCode { what: "visit kind", code });
        Ok(Kinds {
            committee_meeting: kind("branch_committee_meeting")?,
            group_meeting: kind("group_meeting")?,
            assembly: kind("members_assembly")?,
            lesson: kind("party_lesson")?,
            party_class: kind("party_class")?,
            theme_day: kind("theme_party_day")?,
            birthday: kind("political_birthday")?,
            center_group: kind("center_group_study")?,
            standing: kind("standing_committee_meeting")?,
            party_group_meeting: kind("party_group_meeting")?,
            reading: kind("reading_class")?,
            visit: kind("grassroots_visit")?,
            case: kind("case_analysis")?,
            democratic_life: kind("democratic_life_meeting")?,
            organizational_life: kind("organizational_life_meeting")?,
            discipline: kind("discipline_education")?,
            theory: agenda("theory_study")?,
            business: agenda("business")?,
            three_musts: agenda("three_musts_comparison")?,
            negative_case: agenda("negative_case_analysis")?,
            criticism: agenda("criticism_self_criticism")?,
            appraisal: agenda("democratic_appraisal")?,
            oath: agenda("oath_review")?,
            visits: [visit("publicize")?, visit("investigate")?, visit("receive_petitions")?, visit("on_site_work")?],
        })
    }
}

// ------------------------------------------------------------------ generator

/// A branch and its members.
#[derive(Clone, Copy)]
struct BranchInfo {
    org: u32,
    first: u32,
    n: u32,
    groups: u32,
    /// A new secretary (the member at this offset) from this day.
    new_secretary: Option<(NaiveDate, u32)>,
}

/// The leadership of a body above the branches, for classes and visits.
struct Body {
    org: u32,
    /// Where its members give special party classes and make visits.
    scope: u32,
    team: Vec<u32>,
}

struct Gen {
    rng: Rng,
    k: Kinds,
    orgs: Vec<OrgFact>,
    people: Vec<PersonFact>,
    memberships: Vec<MembershipFact>,
    positions: Vec<PositionFact>,
    activities: Vec<Option<ActivityFact>>,
    cities: Vec<u32>,
    counties: Vec<u32>,
    branches: Vec<BranchInfo>,
    /// For each organization, the number of members in branches before it (in
    /// pre-order), so that the members under a subtree `o..end` are
    /// `people_before[o]..people_before[end]`.
    people_before: Vec<u32>,
    /// Members of branch committees, grassroots units and townships, by organization.
    team: Vec<Vec<u32>>,
    /// County-level and higher bodies.
    bodies: Vec<Body>,
    /// Cadres of county-deputy rank or above with the organization whose subtree they visit.
    cadres: Vec<(u32, u32)>,
    /// People who already hold a position or rank given by the generator.
    taken: Vec<bool>,
    scratch: Vec<u32>,
}

impl Gen {
    fn new(k: Kinds, seed: u64) -> Self {
        Gen {
            rng: Rng(seed ^ 0x6368_616e_6778_6961),
            k,
            orgs: Vec::new(),
            people: Vec::new(),
            memberships: Vec::new(),
            positions: Vec::new(),
            activities: Vec::new(),
            cities: Vec::new(),
            counties: Vec::new(),
            branches: Vec::new(),
            people_before: Vec::new(),
            team: Vec::new(),
            bodies: Vec::new(),
            cadres: Vec::new(),
            taken: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn finish(self) -> Generated {
        let branch_members = self.branches.iter().map(|b| (b.first, b.n)).collect();
        Generated {
            world: World {
                orgs: self.orgs,
                people: self.people,
                memberships: self.memberships,
                positions: self.positions,
                activities: self.activities,
            },
            year: YEAR,
            as_of: ymd(YEAR + 1, 1, 31),
            province: 0,
            cities: self.cities,
            counties: self.counties,
            branches: self.branches.iter().map(|b| b.org).collect(),
            branch_members,
        }
    }

    fn push_org(
        &mut self,
        parent: Option<u32>,
        level: OrgLevel,
        kind: OrgKind,
        founded_on: NaiveDate,
        closed_on: Option<NaiveDate>,
    ) -> u32 {
        let ix = self.orgs.len() as u32;
        self.orgs.push(OrgFact { parent, level, kind, founded_on, closed_on, subtree_end: ix + 1 });
        ix
    }

    fn close_subtree(&mut self, o: u32) {
        let end = self.orgs.len() as u32;
        if let Some(org) = self.orgs.get_mut(o as usize) {
            org.subtree_end = end;
        }
    }

    fn old_day(&mut self, from_year: i32, to_year: i32) -> NaiveDate {
        self.rng.day(ymd(from_year, 1, 1), ymd(to_year, 12, 31))
    }

    /// The fan-outs at `scale`: the number of cities and of counties per
    /// city (rounded, with the rest carried down), then the means for
    /// townships, grassroots units and branches. Levels are shrunk from the
    /// top (fewer cities first) so that the number of branches stays linear.
    fn fanouts(scale: f64) -> (u32, u32, [f64; 3]) {
        let cities = (FANOUT[0] * scale).round().max(1.0);
        let mut carry = FANOUT[0] * scale / cities;
        let counties = (FANOUT[1] * carry).round().max(1.0);
        carry *= FANOUT[1] / counties;
        let mut means = [FANOUT[2], FANOUT[3], FANOUT[4]];
        for m in means.iter_mut() {
            let want = *m * carry;
            if want >= 1.0 {
                *m = want;
                carry = 1.0;
            } else {
                *m = 1.0;
                carry = want;
            }
        }
        (cities as u32, counties as u32, means)
    }

    /// Pass 1: the organizations in pre-order, with the size of each branch.
    fn tree(&mut self, scale: f64) {
        let (cities, counties, means) = Self::fanouts(scale);
        let mut branch_sizes: Vec<(u32, u32)> = Vec::new();
        let province = self.push_org(None, OrgLevel::Provincial, OrgKind::Committee, ymd(1949, 10, 1), None);
        for _ in 0..8 {
            let founded = self.old_day(1950, 1990);
            let pg = self.push_org(Some(province), OrgLevel::Provincial, OrgKind::PartyGroup, founded, None);
            self.close_subtree(pg);
        }
        for _ in 0..cities {
            let founded = self.old_day(1949, 1985);
            let city = self.push_org(Some(province), OrgLevel::City, OrgKind::Committee, founded, None);
            self.cities.push(city);
            for _ in 0..5 {
                let founded = self.old_day(1955, 1995);
                let pg = self.push_org(Some(city), OrgLevel::City, OrgKind::PartyGroup, founded, None);
                self.close_subtree(pg);
            }
            for _ in 0..counties {
                let founded = self.old_day(1949, 1990);
                let county = self.push_org(Some(city), OrgLevel::County, OrgKind::Committee, founded, None);
                self.counties.push(county);
                for _ in 0..3 {
                    let founded = self.old_day(1955, 2000);
                    let pg = self.push_org(Some(county), OrgLevel::County, OrgKind::PartyGroup, founded, None);
                    self.close_subtree(pg);
                }
                let n_townships = self.rng.around(means[0]);
                for _ in 0..n_townships {
                    let founded = self.old_day(1950, 2000);
                    let township = self.push_org(Some(county), OrgLevel::Township, OrgKind::Committee, founded, None);
                    let n_units = self.rng.around(means[1]);
                    for _ in 0..n_units {
                        let kind = if self.rng.chance(0.3) { OrgKind::Committee } else { OrgKind::GeneralBranch };
                        let founded = self.old_day(1955, 2015);
                        let unit = self.push_org(Some(township), OrgLevel::Grassroots, kind, founded, None);
                        let n_branches = self.rng.around(means[2]);
                        for _ in 0..n_branches {
                            self.branch(unit, &mut branch_sizes);
                        }
                        self.close_subtree(unit);
                    }
                    self.close_subtree(township);
                }
                self.close_subtree(county);
            }
            self.close_subtree(city);
        }
        self.close_subtree(province);
        // Members are numbered branch by branch in pre-order.
        let mut before = vec![0u32; self.orgs.len() + 1];
        let mut next = 0u32;
        let mut sizes = branch_sizes.iter().peekable();
        for (i, slot) in before.iter_mut().enumerate() {
            *slot = next;
            if let Some(&&(org, n)) = sizes.peek()
                && org as usize == i
            {
                self.branches.push(BranchInfo { org, first: next, n, groups: 0, new_secretary: None });
                next += n;
                sizes.next();
            }
        }
        self.people_before = before;
        for b in self.branches.iter_mut() {
            let end = self.orgs.get(b.org as usize).map_or(b.org + 1, |o| o.subtree_end);
            b.groups = end - b.org - 1;
        }
    }

    fn branch(&mut self, unit: u32, sizes: &mut Vec<(u32, u32)>) {
        let r = &mut self.rng;
        let founded_in_year = r.chance(0.003);
        let closed_in_year = !founded_in_year && r.chance(0.003);
        let founded =
            if founded_in_year { r.day(ymd(YEAR, 2, 1), ymd(YEAR, 9, 30)) } else { r.day(ymd(1955, 1, 1), ymd(YEAR - 1, 12, 31)) };
        let closed = closed_in_year.then(|| r.day(ymd(YEAR, 3, 1), ymd(YEAR, 11, 30)));
        let n = if r.chance(0.02) { r.between(50, 80) } else { r.between(5, 41) };
        let groups = if n >= 60 {
            3
        } else if n >= 41 {
            2
        } else {
            0
        };
        let branch = self.push_org(Some(unit), OrgLevel::Grassroots, OrgKind::Branch, founded, closed);
        sizes.push((branch, n));
        for _ in 0..groups {
            let g = self.push_org(Some(branch), OrgLevel::Grassroots, OrgKind::Group, founded, closed);
            self.close_subtree(g);
        }
        self.close_subtree(branch);
    }

    /// Pass 2: members and their memberships; transfers and departures in the year.
    fn members(&mut self) {
        let total = self.people_before.last().copied().unwrap_or(0) as usize;
        self.people.reserve_exact(total);
        self.memberships.reserve_exact(total + total / 50);
        self.taken = vec![false; total];
        let year_start = ymd(YEAR, 1, 1);
        for bi in 0..self.branches.len() {
            let b = self.branches[bi];
            let (founded, closed) = self.orgs.get(b.org as usize).map_or((year_start, None), |o| (o.founded_on, o.closed_on));
            // Where members go when they transfer: a neighbouring branch.
            let neighbour = self.branches.get(bi + 1).or_else(|| self.branches.get(bi.wrapping_sub(1))).map_or(b.org, |x| x.org);
            for p in b.first..b.first + b.n {
                let r = &mut self.rng;
                let joined_on = if r.chance(0.015) {
                    r.day(year_start, ymd(YEAR, 11, 30))
                } else {
                    let years = (r.unit() * r.unit() * 55.0) as i32;
                    r.day(ymd(YEAR - 1 - years, 1, 1), ymd(YEAR - 1 - years, 12, 31))
                };
                self.people.push(PersonFact { joined_on, cadre_rank: CadreRank::None });
                let from = joined_on.max(founded);
                let (org, from) = match closed {
                    Some(c) if from < c => {
                        self.memberships.push(MembershipFact { person: p, org: b.org, from, to: Some(c) });
                        (neighbour, c)
                    }
                    // Joined after the branch closed: a member of the neighbour from the start.
                    Some(_) => (neighbour, joined_on),
                    None => (b.org, from),
                };
                let r = &mut self.rng;
                let leaves = joined_on < ymd(YEAR, 11, 1) && from < ymd(YEAR, 12, 1) && r.chance(0.013);
                if leaves {
                    let day = r.day(from.max(year_start).succ_opt().unwrap_or(from), ymd(YEAR, 12, 20));
                    self.memberships.push(MembershipFact { person: p, org, from, to: Some(day) });
                    // Most move to the neighbouring branch; the others leave the province.
                    if r.chance(0.75) {
                        self.memberships.push(MembershipFact { person: p, org: neighbour, from: day, to: None });
                    }
                } else {
                    self.memberships.push(MembershipFact { person: p, org, from, to: None });
                }
            }
        }
    }

    fn position(&mut self, person: u32, org: u32, kind: PositionKind, from: NaiveDate, to: Option<NaiveDate>) {
        self.positions.push(PositionFact { person, org, kind, from, to });
        if let Some(t) = self.taken.get_mut(person as usize) {
            *t = true;
        }
    }

    /// A member under `scope` who holds nothing yet (or anyone there after a few tries).
    fn free_member(&mut self, scope: u32) -> Option<u32> {
        let end = self.orgs.get(scope as usize)?.subtree_end;
        let lo = *self.people_before.get(scope as usize)?;
        let hi = *self.people_before.get(end as usize)?;
        if hi <= lo {
            return None;
        }
        let mut p = lo + self.rng.below(hi - lo);
        for _ in 0..20 {
            if !self.taken.get(p as usize).copied().unwrap_or(true) {
                break;
            }
            p = lo + self.rng.below(hi - lo);
        }
        Some(p)
    }

    /// A leadership team of `sizes` (position, rank, how many) for `org`,
    /// drawn from the members under `scope`.
    fn team_of(&mut self, org: u32, scope: u32, sizes: &[(PositionKind, CadreRank, u32)]) -> Vec<u32> {
        let mut team = Vec::new();
        for &(kind, rank, n) in sizes {
            for _ in 0..n {
                let Some(p) = self.free_member(scope) else { continue };
                let from = self.old_day(2018, YEAR - 1);
                self.position(p, org, kind, from, None);
                if let Some(person) = self.people.get_mut(p as usize)
                    && person.cadre_rank < rank
                {
                    person.cadre_rank = rank;
                }
                team.push(p);
            }
        }
        team
    }

    /// Cadres without a position (officials of the level), drawn from under `scope`.
    fn plain_cadres(&mut self, scope: u32, n: u32, ranks: &[CadreRank]) {
        for i in 0..n {
            let Some(p) = self.free_member(scope) else { continue };
            if let Some(t) = self.taken.get_mut(p as usize) {
                *t = true;
            }
            if let Some(person) = self.people.get_mut(p as usize) {
                person.cadre_rank = ranks[i as usize % ranks.len()];
            }
            self.cadres.push((p, scope));
        }
    }

    /// Pass 3: positions and cadre ranks.
    fn positions_all(&mut self) {
        use CadreRank as R;
        use PositionKind as P;
        self.team = vec![Vec::new(); self.orgs.len()];
        // Branch committees and group leaders first, so that leaders above are drawn from other members.
        for bi in 0..self.branches.len() {
            let b = self.branches[bi];
            let size = if b.n < 7 { 1 } else { 3 + u32::from(b.n >= 15) + u32::from(b.n >= 30) };
            let from = self.old_day(2019, YEAR - 1);
            let change =
                if b.n > size && self.rng.chance(0.02) { Some((self.rng.day(ymd(YEAR, 3, 1), ymd(YEAR, 10, 31)), size)) } else { None };
            let mut team = Vec::new();
            for i in 0..size {
                let kind = match i {
                    0 => P::Secretary,
                    1 if b.n >= 10 => P::DeputySecretary,
                    _ => P::CommitteeMember,
                };
                let to = if i == 0 { change.map(|c| c.0) } else { None };
                self.position(b.first + i, b.org, kind, from, to);
                team.push(b.first + i);
            }
            if let Some((day, offset)) = change {
                self.position(b.first + offset, b.org, P::Secretary, day, None);
                team.push(b.first + offset);
            }
            self.branches[bi].new_secretary = change;
            self.team[b.org as usize] = team;
            for g in 0..b.groups {
                let leader = b.first + g * b.n / b.groups.max(1) + size.min(b.n / b.groups.max(1) - 1);
                self.position(leader, b.org + 1 + g, P::GroupLeader, from, None);
            }
        }
        // Units, townships, counties, cities and the province, in pre-order.
        for o in 0..self.orgs.len() as u32 {
            let Some(org) = self.orgs.get(o as usize) else { continue };
            let (level, kind, parent) = (org.level, org.kind, org.parent.unwrap_or(0));
            let team = match (level, kind) {
                (OrgLevel::Grassroots, OrgKind::Committee | OrgKind::GeneralBranch) => {
                    let n = self.rng.between(2, 4);
                    self.team_of(o, o, &[(P::Secretary, R::None, 1), (P::DeputySecretary, R::None, 1), (P::CommitteeMember, R::None, n)])
                }
                (OrgLevel::Township, OrgKind::Committee) => self.team_of(
                    o,
                    o,
                    &[(P::Secretary, R::Section, 1), (P::DeputySecretary, R::Section, 2), (P::CommitteeMember, R::SectionDeputy, 6)],
                ),
                (OrgLevel::County, OrgKind::Committee) => {
                    let team = self.team_of(
                        o,
                        o,
                        &[(P::Secretary, R::County, 1), (P::DeputySecretary, R::County, 3), (P::LeadershipMember, R::CountyDeputy, 7)],
                    );
                    self.plain_cadres(o, 20, &[R::CountyDeputy, R::County]);
                    team
                }
                (OrgLevel::County, OrgKind::PartyGroup) => {
                    self.team_of(o, parent, &[(P::Secretary, R::County, 1), (P::LeadershipMember, R::CountyDeputy, 3)])
                }
                (OrgLevel::City, OrgKind::Committee) => {
                    let team = self.team_of(
                        o,
                        o,
                        &[(P::Secretary, R::Bureau, 1), (P::DeputySecretary, R::Bureau, 3), (P::LeadershipMember, R::BureauDeputy, 9)],
                    );
                    self.plain_cadres(o, 60, &[R::CountyDeputy, R::County, R::BureauDeputy]);
                    team
                }
                (OrgLevel::City, OrgKind::PartyGroup) => {
                    self.team_of(o, parent, &[(P::Secretary, R::Bureau, 1), (P::LeadershipMember, R::BureauDeputy, 4)])
                }
                (OrgLevel::Provincial, OrgKind::Committee) => {
                    let team = self.team_of(
                        o,
                        o,
                        &[
                            (P::Secretary, R::Province, 1),
                            (P::DeputySecretary, R::ProvinceDeputy, 3),
                            (P::LeadershipMember, R::ProvinceDeputy, 9),
                        ],
                    );
                    self.plain_cadres(o, 200, &[R::CountyDeputy, R::County, R::BureauDeputy, R::Bureau]);
                    team
                }
                (OrgLevel::Provincial, OrgKind::PartyGroup) => {
                    self.team_of(o, parent, &[(P::Secretary, R::ProvinceDeputy, 1), (P::LeadershipMember, R::Bureau, 4)])
                }
                _ => continue,
            };
            let county_or_above = matches!(level, OrgLevel::County | OrgLevel::City | OrgLevel::Provincial);
            if county_or_above {
                let scope = if kind == OrgKind::PartyGroup { parent } else { o };
                for &p in &team {
                    self.cadres.push((p, scope));
                }
                self.bodies.push(Body { org: o, scope, team: team.clone() });
            }
            self.team[o as usize] = team;
        }
    }

    // -------------------------------------------------------------- activities

    #[allow(clippy::too_many_arguments)]
    fn act(&mut self, kind: KindIx, host: u32, held_on: NaiveDate, minutes: u32, presenter: Option<u32>, agenda: Vec<u16>, absent: u32) {
        let present = self.scratch.as_slice().to_vec();
        self.scratch.clear();
        self.activities.push(Some(ActivityFact {
            kind,
            host,
            held_on,
            minutes,
            presenter,
            agenda,
            visit_kind: None,
            polarity: None,
            present,
            absent,
        }));
    }

    /// Puts each of `lo..hi` in the present list with probability `rate`; the number absent.
    fn attend_range(&mut self, lo: u32, hi: u32, rate: f64) -> u32 {
        self.scratch.clear();
        let threshold = (rate * (u64::MAX as f64)) as u64;
        for p in lo..hi {
            if self.rng.next() < threshold {
                self.scratch.push(p);
            }
        }
        (hi - lo) - self.scratch.len() as u32
    }

    fn attend_list(&mut self, list: &[u32], rate: f64) -> u32 {
        self.scratch.clear();
        let threshold = (rate * (u64::MAX as f64)) as u64;
        for &p in list {
            if self.rng.next() < threshold {
                self.scratch.push(p);
            }
        }
        list.len() as u32 - self.scratch.len() as u32
    }

    /// Pass 4: a year of activities, organization by organization.
    fn activities_all(&mut self) {
        let expected = self.branches.iter().map(|b| 42 + b.groups as usize * 12).sum::<usize>() + self.orgs.len() * 2;
        self.activities.reserve_exact(expected);
        let mut next_branch = 0usize;
        let mut next_body = 0usize;
        for o in 0..self.orgs.len() as u32 {
            if let Some(b) = self.branches.get(next_branch).copied()
                && b.org == o
            {
                self.branch_activities(b);
                next_branch += 1;
                continue;
            }
            let Some(org) = self.orgs.get(o as usize) else { continue };
            let (level, kind) = (org.level, org.kind);
            match (level, kind) {
                (OrgLevel::Grassroots, OrgKind::Group) => {}
                (OrgLevel::Grassroots, _) => self.unit_activities(o, kind == OrgKind::Committee),
                (OrgLevel::Township, _) => self.township_activities(o),
                _ => {
                    if self.bodies.get(next_body).is_some_and(|b| b.org == o) {
                        let body = std::mem::replace(&mut self.bodies[next_body], Body { org: o, scope: o, team: Vec::new() });
                        self.body_activities(&body, kind);
                        self.bodies[next_body] = body;
                        next_body += 1;
                    }
                }
            }
        }
        self.cadre_visits();
    }

    fn branch_activities(&mut self, b: BranchInfo) {
        let k = &self.k;
        let (committee_meeting, assembly, lesson, theme_day, birthday, organizational_life, discipline, group_meeting) =
            (k.committee_meeting, k.assembly, k.lesson, k.theme_day, k.birthday, k.organizational_life, k.discipline, k.group_meeting);
        let (business, oath, criticism, appraisal) = (k.business, k.oath, k.criticism, k.appraisal);
        let Some(org) = self.orgs.get(b.org as usize) else { return };
        let (founded, closed) = (org.founded_on, org.closed_on);
        let alive = |d: NaiveDate| d >= founded && closed.is_none_or(|c| d < c);
        let (lo, hi) = (b.first, b.first + b.n);
        let rate = 0.70 + 0.27 * self.rng.unit();
        let team = self.team.get(b.org as usize).cloned().unwrap_or_default();
        let old_secretary = team.first().copied();
        let secretary_on = |d: NaiveDate| match b.new_secretary {
            Some((day, offset)) if d >= day => Some(b.first + offset),
            _ => old_secretary,
        };
        // Branch committee meetings, monthly.
        for m in 1..=12 {
            let d = self.rng.day_of(m);
            if self.rng.chance(0.95) && alive(d) {
                let absent = self.attend_list(&team, 0.95);
                let minutes = self.rng.between(60, 120);
                self.act(committee_meeting, b.org, d, minutes, None, vec![business], absent);
            }
        }
        // Members' assemblies and party lessons, quarterly; the secretary gives a lesson in most branches.
        let secretary_teaches = self.rng.chance(0.92);
        let mut taught = false;
        for q in 0..4u32 {
            let d = self.rng.day_in(q * 3 + 1, q * 3 + 3);
            if self.rng.chance(0.94) && alive(d) {
                let r = if self.rng.chance(0.015) { 0.3 } else { rate };
                let absent = self.attend_range(lo, hi, r);
                let minutes = self.rng.between(90, 150);
                self.act(assembly, b.org, d, minutes, None, vec![business], absent);
            }
            let d = self.rng.day_in(q * 3 + 1, q * 3 + 3);
            if self.rng.chance(0.94) && alive(d) {
                let presenter = if secretary_teaches && !taught {
                    taught = true;
                    secretary_on(d)
                } else if team.len() > 1 {
                    team.get(1 + self.rng.below(team.len() as u32 - 1) as usize).copied()
                } else {
                    None
                };
                let absent = self.attend_range(lo, hi, rate);
                let minutes = self.rng.between(90, 150);
                self.act(lesson, b.org, d, minutes, presenter, Vec::new(), absent);
            }
        }
        // Theme party days, monthly.
        for m in 1..=12 {
            let d = self.rng.day_of(m);
            if self.rng.chance(0.95) && alive(d) {
                let absent = self.attend_range(lo, hi, rate);
                let minutes = self.rng.between(120, 240);
                let agenda = if self.rng.chance(0.25) { vec![oath] } else { Vec::new() };
                self.act(theme_day, b.org, d, minutes, None, agenda, absent);
            }
        }
        // Political birthdays: one activity a month for the members who joined in that month.
        let mut by_month: [Vec<u32>; 12] = Default::default();
        for p in lo..hi {
            if let Some(person) = self.people.get(p as usize)
                && person.joined_on.year() < YEAR
            {
                by_month[person.joined_on.month0() as usize].push(p);
            }
        }
        for (m0, celebrants) in by_month.iter().enumerate() {
            if celebrants.is_empty() {
                continue;
            }
            let d = self.rng.day_of(m0 as u32 + 1);
            if self.rng.chance(0.93) && alive(d) {
                let absent = self.attend_list(celebrants, 0.95);
                let minutes = self.rng.between(30, 60);
                self.act(birthday, b.org, d, minutes, None, Vec::new(), absent);
            }
        }
        // The organizational life meeting, once a year.
        let month = [1, 2, 12, 12][self.rng.below(4) as usize];
        let d = self.rng.day_of(month);
        if self.rng.chance(0.96) && alive(d) {
            let agenda = if self.rng.chance(0.97) { vec![criticism, appraisal] } else { vec![appraisal] };
            let absent = self.attend_range(lo, hi, rate);
            let minutes = self.rng.between(120, 180);
            self.act(organizational_life, b.org, d, minutes, None, agenda, absent);
        }
        // Discipline education, once or twice.
        for p in [0.95, 0.5] {
            let d = self.rng.day_in(1, 12);
            if self.rng.chance(p) && alive(d) {
                let absent = self.attend_range(lo, hi, rate);
                let minutes = self.rng.between(60, 120);
                self.act(discipline, b.org, d, minutes, None, Vec::new(), absent);
            }
        }
        // Group meetings, monthly, in branches with groups.
        for g in 0..b.groups {
            let (glo, ghi) = (lo + g * b.n / b.groups, lo + (g + 1) * b.n / b.groups);
            for m in 1..=12 {
                let d = self.rng.day_of(m);
                if self.rng.chance(0.95) && alive(d) {
                    let absent = self.attend_range(glo, ghi, rate);
                    let minutes = self.rng.between(45, 90);
                    self.act(group_meeting, b.org + 1 + g, d, minutes, None, Vec::new(), absent);
                }
            }
        }
    }

    /// Two typical cases (positive, negative), each held with probability `p`.
    fn cases(&mut self, o: u32, team: &[u32], p: f64) {
        for polarity in [Polarity::Positive, Polarity::Negative] {
            let d = self.rng.day_in(3, 11);
            if self.rng.chance(p) {
                let absent = self.attend_list(team, 0.9);
                let minutes = self.rng.between(90, 150);
                self.act(self.k.case, o, d, minutes, None, Vec::new(), absent);
                if let Some(Some(a)) = self.activities.last_mut() {
                    a.polarity = Some(polarity);
                }
            }
        }
    }

    /// A random branch under `scope` and its members.
    fn branch_under(&mut self, scope: u32) -> Option<BranchInfo> {
        let end = self.orgs.get(scope as usize)?.subtree_end;
        let lo = self.branches.partition_point(|b| b.org < scope);
        let hi = self.branches.partition_point(|b| b.org < end);
        if hi <= lo {
            return None;
        }
        self.branches.get(lo + self.rng.below((hi - lo) as u32) as usize).copied()
    }

    /// A special party class by `presenter` at a branch under `scope`
    /// (sometimes at `fallback`, which is not a grassroots organization).
    fn special_class(&mut self, presenter: u32, scope: u32, fallback: Option<u32>) {
        let d = self.rng.day_in(2, 11);
        let minutes = self.rng.between(90, 120);
        let party_class = self.k.party_class;
        match fallback {
            Some(host) if self.rng.chance(0.05) => {
                let team = self.team.get(host as usize).cloned().unwrap_or_default();
                let absent = self.attend_list(&team, 0.9);
                self.act(party_class, host, d, minutes, Some(presenter), Vec::new(), absent);
            }
            _ => {
                let Some(b) = self.branch_under(scope) else { return };
                let absent = self.attend_range(b.first, b.first + b.n, 0.9);
                self.act(party_class, b.org, d, minutes, Some(presenter), Vec::new(), absent);
            }
        }
    }

    /// Grassroots committees and general branches.
    fn unit_activities(&mut self, o: u32, committee: bool) {
        let team = self.team.get(o as usize).cloned().unwrap_or_default();
        let d = self.rng.day_in(1, 12);
        if self.rng.chance(0.9) {
            let absent = self.attend_list(&team, 0.9);
            let minutes = self.rng.between(60, 120);
            self.act(self.k.discipline, o, d, minutes, None, Vec::new(), absent);
        }
        if committee {
            self.cases(o, &team, 0.85);
        }
        // The secretary's party class, held at the unit.
        if let Some(&secretary) = team.first() {
            let d = self.rng.day_in(2, 11);
            if self.rng.chance(0.92) {
                let absent = self.attend_list(&team, 0.9);
                let minutes = self.rng.between(90, 120);
                self.act(self.k.party_class, o, d, minutes, Some(secretary), Vec::new(), absent);
            }
        }
    }

    fn township_activities(&mut self, o: u32) {
        let team = self.team.get(o as usize).cloned().unwrap_or_default();
        for m in 1..=12 {
            let d = self.rng.day_of(m);
            if self.rng.chance(0.95) {
                let absent = self.attend_list(&team, 0.9);
                let minutes = self.rng.between(60, 150);
                self.act(self.k.standing, o, d, minutes, None, vec![self.k.business], absent);
            }
        }
        self.cases(o, &team, 0.88);
        let d = self.rng.day_in(1, 12);
        if self.rng.chance(0.92) {
            let absent = self.attend_list(&team, 0.9);
            let minutes = self.rng.between(60, 120);
            self.act(self.k.discipline, o, d, minutes, None, Vec::new(), absent);
        }
        if let Some(&secretary) = team.first()
            && self.rng.chance(0.94)
        {
            self.special_class(secretary, o, None);
        }
    }

    /// County, city and provincial committees and party groups.
    fn body_activities(&mut self, body: &Body, kind: OrgKind) {
        let k = &self.k;
        let (meeting, center_group, reading, democratic_life, discipline) = (
            if kind == OrgKind::PartyGroup { k.party_group_meeting } else { k.standing },
            k.center_group,
            k.reading,
            k.democratic_life,
            k.discipline,
        );
        let (theory, business, three_musts, negative_case, criticism) = (k.theory, k.business, k.three_musts, k.negative_case, k.criticism);
        let o = body.org;
        let team = &body.team;
        let per_month = if kind == OrgKind::PartyGroup { (1, 2) } else { (2, 3) };
        for m in 1..=12 {
            for _ in 0..self.rng.between(per_month.0, per_month.1) {
                let d = self.rng.day_of(m);
                let agenda = if self.rng.chance(0.97) {
                    vec![theory, business]
                } else if self.rng.chance(0.5) {
                    vec![business, theory]
                } else {
                    vec![business]
                };
                let absent = self.attend_list(team, 0.92);
                let minutes = self.rng.between(90, 180);
                self.act(meeting, o, d, minutes, None, agenda, absent);
            }
            let d = self.rng.day_of(m);
            if self.rng.chance(0.93) {
                let agenda = if self.rng.chance(0.98) { vec![theory] } else { vec![business] };
                let absent = self.attend_list(team, 0.9);
                let minutes = self.rng.between(120, 180);
                self.act(center_group, o, d, minutes, None, agenda, absent);
            }
        }
        let d = self.rng.day_in(3, 10);
        if self.rng.chance(0.9) {
            let absent = self.attend_list(team, 0.9);
            let minutes = self.rng.between(5, 7) * 360;
            self.act(reading, o, d, minutes, None, Vec::new(), absent);
        }
        self.cases(o, team, 0.9);
        let d = self.rng.day_in(1, 12);
        if self.rng.chance(0.95) {
            let agenda = if self.rng.chance(0.92) { vec![three_musts, negative_case, criticism] } else { vec![three_musts, criticism] };
            let absent = self.attend_list(team, 0.95);
            let minutes = self.rng.between(180, 360);
            self.act(democratic_life, o, d, minutes, None, agenda, absent);
        }
        let d = self.rng.day_in(1, 12);
        if self.rng.chance(0.93) {
            let absent = self.attend_list(team, 0.9);
            let minutes = self.rng.between(60, 120);
            self.act(discipline, o, d, minutes, None, Vec::new(), absent);
        }
        // Each member of the team gives a special party class, mostly at a branch.
        let fallback = self.township_under(body.scope);
        for &p in team {
            if self.rng.chance(0.93) {
                self.special_class(p, body.scope, fallback);
            }
        }
    }

    /// The first township under `scope`, if any.
    fn township_under(&self, scope: u32) -> Option<u32> {
        let end = self.orgs.get(scope as usize)?.subtree_end;
        (scope..end).find(|&o| self.orgs.get(o as usize).is_some_and(|x| x.level == OrgLevel::Township))
    }

    /// "Four under the grassroots" visits of every cadre of county-deputy rank or above.
    fn cadre_visits(&mut self) {
        let cadres = std::mem::take(&mut self.cadres);
        let (visit, visits) = (self.k.visit, self.k.visits);
        for &(p, scope) in &cadres {
            for v in visits {
                let times = if self.rng.chance(0.88) { 1 + u32::from(self.rng.chance(0.15)) } else { 0 };
                for _ in 0..times {
                    let Some(b) = self.branch_under(scope) else { continue };
                    let d = self.rng.day_in(1, 12);
                    let minutes = self.rng.between(120, 480);
                    self.scratch.clear();
                    self.act(visit, b.org, d, minutes, Some(p), Vec::new(), 0);
                    if let Some(Some(a)) = self.activities.last_mut() {
                        a.visit_kind = Some(v);
                    }
                }
            }
        }
        self.cadres = cadres;
    }
}

// ------------------------------------------------------------------ CSV

/// The tables [`write_table`] writes, one CSV file each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Orgs,
    People,
    Memberships,
    Positions,
    Activities,
    Attendance,
}

impl Table {
    pub const ALL: [Table; 6] = [Table::Orgs, Table::People, Table::Memberships, Table::Positions, Table::Activities, Table::Attendance];

    /// The file name, e.g. `orgs.csv`.
    pub fn file_name(self) -> &'static str {
        match self {
            Table::Orgs => "orgs.csv",
            Table::People => "people.csv",
            Table::Memberships => "memberships.csv",
            Table::Positions => "positions.csv",
            Table::Activities => "activities.csv",
            Table::Attendance => "attendance.csv",
        }
    }

    /// The header line (without the line end).
    pub fn header(self) -> &'static str {
        match self {
            Table::Orgs => "id,parent,subtree_end,path,level,kind,founded_on,closed_on",
            Table::People => "id,joined_on,cadre_rank,cadre_rank_ord",
            Table::Memberships => "person,org,from_day,to_day",
            Table::Positions => "person,org,kind,from_day,to_day",
            Table::Activities => "id,kind,host,held_on,minutes,presenter,first_agenda,agenda_mask,visit_kind,polarity,present,absent",
            Table::Attendance => "activity,person",
        }
    }
}

/// A line buffer with fast number and date formatting.
struct Lines<'w> {
    out: &'w mut dyn Write,
    buf: Vec<u8>,
}

impl<'w> Lines<'w> {
    fn new(out: &'w mut dyn Write) -> Self {
        Lines { out, buf: Vec::with_capacity(1 << 17) }
    }

    fn num(&mut self, v: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = v;
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[i..]);
        self
    }

    fn opt(&mut self, v: Option<u64>) -> &mut Self {
        if let Some(v) = v {
            self.num(v);
        }
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.buf.extend_from_slice(s.as_bytes());
        self
    }

    fn date(&mut self, d: NaiveDate) -> &mut Self {
        let (y, m, day) = (d.year().clamp(0, 9999) as u32, d.month(), d.day());
        let b = [
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (day / 10) as u8,
            b'0' + (day % 10) as u8,
        ];
        self.buf.extend_from_slice(&b);
        self
    }

    fn opt_date(&mut self, d: Option<NaiveDate>) -> &mut Self {
        if let Some(d) = d {
            self.date(d);
        }
        self
    }

    fn comma(&mut self) -> &mut Self {
        self.buf.push(b',');
        self
    }

    fn end(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        if self.buf.len() >= 1 << 16 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

/// Writes one table of `g` as CSV (UTF-8, a header line, empty fields for
/// absent values, dates as `YYYY-MM-DD`, codes as in the catalogue and the
/// domain). Activity and agenda kinds are written as the codes of
/// `catalogue`, which must be the one the world was generated for;
/// `agenda_mask` has bit *i* set when agenda item kind *i* is on the agenda.
/// The path of an organization is its ancestors' indices and its own, each
/// followed by a dot (`0.17.18.`).
pub fn write_table(g: &Generated, catalogue: &Catalogue, table: Table, out: &mut dyn Write) -> io::Result<()> {
    let w = &g.world;
    let mut l = Lines::new(out);
    l.text(table.header()).end()?;
    match table {
        Table::Orgs => {
            let mut paths: Vec<String> = Vec::with_capacity(w.orgs.len());
            for (i, o) in w.orgs.iter().enumerate() {
                let mut path = o.parent.and_then(|p| paths.get(p as usize)).cloned().unwrap_or_default();
                path.push_str(&i.to_string());
                path.push('.');
                l.num(i as u64).comma().opt(o.parent.map(u64::from)).comma().num(u64::from(o.subtree_end)).comma();
                l.text(&path).comma().text(o.level.code()).comma().text(o.kind.code()).comma();
                l.date(o.founded_on).comma().opt_date(o.closed_on).end()?;
                paths.push(path);
            }
        }
        Table::People => {
            for (i, p) in w.people.iter().enumerate() {
                let ord = CadreRank::ALL.iter().position(|r| *r == p.cadre_rank).unwrap_or(0) as u64;
                l.num(i as u64).comma().date(p.joined_on).comma().text(p.cadre_rank.code()).comma().num(ord).end()?;
            }
        }
        Table::Memberships => {
            for m in &w.memberships {
                l.num(u64::from(m.person)).comma().num(u64::from(m.org)).comma().date(m.from).comma().opt_date(m.to).end()?;
            }
        }
        Table::Positions => {
            for p in &w.positions {
                l.num(u64::from(p.person)).comma().num(u64::from(p.org)).comma().text(p.kind.code()).comma();
                l.date(p.from).comma().opt_date(p.to).end()?;
            }
        }
        Table::Activities => {
            fn code(terms: &[rules::catalogue::Term], i: u16) -> &str {
                terms.get(usize::from(i)).map_or("", |t| t.code.as_str())
            }
            for (i, a) in w.activities.iter().enumerate() {
                let Some(a) = a else { continue };
                let mask = a.agenda.iter().fold(0u64, |m, &k| m | 1u64.checked_shl(u32::from(k)).unwrap_or(0));
                l.num(i as u64).comma().text(code(&catalogue.activity_kinds, a.kind)).comma().num(u64::from(a.host)).comma();
                l.date(a.held_on).comma().num(u64::from(a.minutes)).comma().opt(a.presenter.map(u64::from)).comma();
                l.text(a.agenda.first().map_or("", |&k| code(&catalogue.agenda_kinds, k))).comma().num(mask).comma();
                l.text(a.visit_kind.map_or("", |v| code(&catalogue.visit_kinds, v))).comma();
                l.text(a.polarity.map_or("", Polarity::code)).comma();
                l.num(a.present.len() as u64).comma().num(u64::from(a.absent)).end()?;
            }
        }
        Table::Attendance => {
            for (i, a) in w.activities.iter().enumerate() {
                let Some(a) = a else { continue };
                for &p in &a.present {
                    l.num(i as u64).comma().num(u64::from(p)).end()?;
                }
            }
        }
    }
    l.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::{Calendar, Engine, Settings, Status};

    fn small() -> (Catalogue, Generated) {
        let cat = Catalogue::embedded().unwrap();
        let g = province_for(&cat, 0.01, 7).unwrap();
        (cat, g)
    }

    #[test]
    fn the_world_is_in_pre_order_and_has_the_expected_shape() {
        let (_, g) = small();
        g.world.check().unwrap();
        let s = g.summary();
        // About 1 % of the province.
        assert!((1_500..3_000).contains(&s.branches), "{s:?}");
        assert!((30_000..75_000).contains(&s.people), "{s:?}");
        assert!((60_000..140_000).contains(&s.activities), "{s:?}");
        assert!(s.attendance > 15 * s.activities as u64 / 2, "{s:?}");
        assert_eq!(g.cities.len(), 1);
        assert!(g.world.orgs.iter().all(|o| o.subtree_end as usize <= g.world.orgs.len()));
    }

    #[test]
    fn the_same_seed_gives_the_same_world() {
        let cat = Catalogue::embedded().unwrap();
        let a = province_for(&cat, 0.002, 3).unwrap();
        let b = province_for(&cat, 0.002, 3).unwrap();
        assert_eq!(a.world, b.world);
        let c = province_for(&cat, 0.002, 4).unwrap();
        assert_ne!(a.world, c.world);
    }

    #[test]
    fn the_scale_is_linear_and_checked() {
        let cat = Catalogue::embedded().unwrap();
        let a = province_for(&cat, 0.01, 1).unwrap().summary().branches as f64;
        let b = province_for(&cat, 0.04, 1).unwrap().summary().branches as f64;
        assert!((3.0..5.5).contains(&(b / a)), "{a} {b}");
        assert!(province_for(&cat, 0.0, 1).is_err());
        assert!(province_for(&cat, f64::NAN, 1).is_err());
    }

    #[test]
    fn most_requirements_are_mostly_met_and_some_are_missed() {
        let (cat, g) = small();
        let engine = Engine::new(&cat, Calendar::default(), g.world.clone(), &Settings::default(), g.year, g.as_of).unwrap();
        let all = engine.rollup(g.province);
        let mut total_missed = 0;
        for (i, r) in cat.requirements.iter().enumerate() {
            let i = i as u16;
            let (met, missed) = (all.count(i, Status::Met), all.count(i, Status::Missed));
            if r.feature_not_built.is_some() {
                assert_eq!(met + missed, 0, "{}", r.id);
                continue;
            }
            assert!(met > missed, "{}: met {met}, missed {missed}", r.id);
            total_missed += missed;
        }
        assert!(total_missed > 100, "{total_missed}");
    }

    #[test]
    fn tables_are_written_with_a_header_and_one_line_per_fact() {
        let (cat, g) = small();
        let mut out = Vec::new();
        write_table(&g, &cat, Table::Orgs, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), g.world.orgs.len() + 1);
        assert!(text.lines().nth(1).unwrap().starts_with("0,,"));
        let mut out = Vec::new();
        write_table(&g, &cat, Table::Attendance, &mut out).unwrap();
        assert_eq!(out.iter().filter(|b| **b == b'\n').count() as u64, g.summary().attendance + 1);
        let mut out = Vec::new();
        write_table(&g, &cat, Table::Activities, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().any(|l| l.contains(",theory_study,")));
        assert!(text.lines().any(|l| l.contains(",negative,")));
    }
}
