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
//! The same seed always gives the same world: every draw comes from the
//! workspace's shared [`Seeded`] source (ChaCha8), in a fixed order. Nothing
//! here reads or opens files. [`write_table`]
//! writes the world as CSV to a writer the caller opens, for comparisons with
//! SQL databases.
#![forbid(unsafe_code)]
mod activities;
mod csv;
mod positions;
mod random;
mod tree;
mod vocabulary;

pub use csv::{Table, write_table};

use chrono::NaiveDate;
use domain::{OrgKind, OrgLevel};
use rules::catalogue::Catalogue;
use rules::world::{ActivityFact, MembershipFact, OrgFact, PersonFact, PositionFact, World};
use seeded::Seeded;
use vocabulary::Kinds;

/// The year the activities are held in.
pub const YEAR: i32 = 2025;

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
fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}
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
    rng: Seeded,
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
            rng: Seeded::new(seed),
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
        self.rng.day_between(ymd(from_year, 1, 1), ymd(to_year, 12, 31))
    }
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
        // Summed over seeds: at 0.01 the province is one county, whose
        // number of townships alone varies by ±30 %.
        let branches = |scale: f64| (1..=4).map(|seed| province_for(&cat, scale, seed).unwrap().summary().branches as f64).sum::<f64>();
        let (a, b) = (branches(0.01), branches(0.04));
        assert!((3.0..5.0).contains(&(b / a)), "{a} {b}");
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
            if r.feature_not_built.is_some() || r.pending_local_rule {
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
