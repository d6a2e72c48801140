//! Figures about a generated county: how many organizations of each level
//! and kind, how many members, how old, how big each branch is and whether it
//! has a committee. Used by the tests and handy for showing what the demo
//! holds.
//!
//! Definitions:
//! - a *grassroots organization* is the top party organization of one
//!   grassroots unit: an organization at the grassroots level whose parent is
//!   not at the grassroots level (a village committee, a community general
//!   branch, or a branch standing directly under a township or the county
//!   organs' working committee);
//! - a branch's *size* counts the people attached to it whose status counts
//!   in the branch (active, abroad, mobile). People are attached to branches
//!   only, never to 党小组; a group is represented by its leader;
//! - the share aged 61 or older is taken over those same counted members;
//! - a branch *has a committee* when three or more people hold committee
//!   positions (secretary, deputy secretary, committee member) in it.

use crate::{DemoData, DemoOrg};
use chrono::NaiveDate;
use domain::dates::age_on;
use domain::{Id, MemberCategory, MemberStatus, Name, OrgKind, OrgLevel, PositionKind};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The figures of one branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchFigures {
    pub id: Id,
    pub name: Name,
    /// People whose status counts in the branch.
    pub members: usize,
    /// Full members among them.
    pub full_members: usize,
    /// Everyone attached, transferred-out and deceased members included.
    pub on_roll: usize,
    /// Distinct people holding a committee position in the branch.
    pub committee_seats: usize,
    /// People holding the secretary's position in the branch.
    pub secretaries: usize,
    /// Whether two people attached to the branch share a name.
    pub has_duplicate_names: bool,
}

impl BranchFigures {
    pub fn has_committee(&self) -> bool {
        self.committee_seats >= 3
    }
}

/// The figures of the whole county (see the module documentation for the
/// definitions).
#[derive(Clone, Debug, PartialEq)]
pub struct DemoStats {
    pub orgs_by_level: BTreeMap<OrgLevel, usize>,
    pub orgs_by_kind: BTreeMap<OrgKind, usize>,
    /// Organizations without a parent.
    pub roots: usize,
    pub townships: usize,
    pub grassroots_organizations: usize,
    pub branches: usize,
    pub groups: usize,
    pub people: usize,
    pub people_by_status: BTreeMap<MemberStatus, usize>,
    /// People whose status counts in their branch.
    pub members_in_branches: usize,
    pub probationary_members: usize,
    /// Members counted in branches aged 61 or older, and their share.
    pub aged_61_or_older: usize,
    pub share_aged_61_or_older: f64,
    pub min_branch_size: usize,
    pub max_branch_size: usize,
    pub branches_with_committee: usize,
    pub branches_with_7_or_more_full_members: usize,
    pub names_outside_bmp: usize,
    pub names_with_middle_dot: usize,
    /// Branches where two people share a name.
    pub duplicate_name_branches: Vec<Id>,
}

impl DemoData {
    /// The organization with this id.
    pub fn org(&self, id: &Id) -> Option<&DemoOrg> {
        self.orgs.iter().find(|o| &o.id == id)
    }

    /// Whether `org` is the top organization of a grassroots unit.
    pub fn is_grassroots_organization(&self, org: &DemoOrg) -> bool {
        let parent_level = org.parent_id.as_ref().and_then(|p| self.org(p)).map(|p| p.level);
        org.level == OrgLevel::Grassroots && parent_level != Some(OrgLevel::Grassroots)
    }
}

/// Whether the name holds a character outside the Basic Multilingual Plane.
pub fn is_outside_bmp(name: &str) -> bool {
    name.chars().any(|c| u32::from(c) > 0xFFFF)
}

/// The figures of every branch, in the order of the organizations.
pub fn branch_figures(data: &DemoData) -> Vec<BranchFigures> {
    let mut figures: Vec<BranchFigures> = data
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Branch)
        .map(|o| BranchFigures {
            id: o.id.clone(),
            name: o.name.clone(),
            members: 0,
            full_members: 0,
            on_roll: 0,
            committee_seats: 0,
            secretaries: 0,
            has_duplicate_names: false,
        })
        .collect();
    let index: HashMap<Id, usize> = figures.iter().enumerate().map(|(i, f)| (f.id.clone(), i)).collect();
    let mut names: Vec<HashSet<&str>> = vec![HashSet::new(); figures.len()];
    let mut committee: Vec<HashSet<usize>> = vec![HashSet::new(); figures.len()];
    for (p, person) in data.people.iter().enumerate() {
        if let Some(f) = index.get(&person.org_id).and_then(|&i| figures.get_mut(i).zip(names.get_mut(i))) {
            let (figure, seen) = f;
            figure.on_roll += 1;
            if person.status.counts_in_branch() {
                figure.members += 1;
                if person.category == MemberCategory::Full {
                    figure.full_members += 1;
                }
            }
            if !seen.insert(person.name.as_str()) {
                figure.has_duplicate_names = true;
            }
        }
        for (org, kind) in &person.positions {
            let Some(&i) = index.get(org) else { continue };
            if kind.is_committee()
                && let Some(holders) = committee.get_mut(i)
            {
                holders.insert(p);
            }
            if *kind == PositionKind::Secretary
                && let Some(figure) = figures.get_mut(i)
            {
                figure.secretaries += 1;
            }
        }
    }
    for (figure, holders) in figures.iter_mut().zip(&committee) {
        figure.committee_seats = holders.len();
    }
    figures
}

/// Computes the county's figures on `today`.
pub fn stats(data: &DemoData, today: NaiveDate) -> DemoStats {
    let mut orgs_by_level = BTreeMap::new();
    let mut orgs_by_kind = BTreeMap::new();
    for org in &data.orgs {
        *orgs_by_level.entry(org.level).or_insert(0) += 1;
        *orgs_by_kind.entry(org.kind).or_insert(0) += 1;
    }
    let mut people_by_status = BTreeMap::new();
    for person in &data.people {
        *people_by_status.entry(person.status).or_insert(0) += 1;
    }
    let counted: Vec<_> = data.people.iter().filter(|p| p.status.counts_in_branch()).collect();
    let aged_61_or_older = counted.iter().filter(|p| age_on(p.birth_date(), today) >= 61).count();
    let share_aged_61_or_older = if counted.is_empty() { 0.0 } else { aged_61_or_older as f64 / counted.len() as f64 };
    let branches = branch_figures(data);
    DemoStats {
        roots: data.orgs.iter().filter(|o| o.parent_id.is_none()).count(),
        townships: orgs_by_level.get(&OrgLevel::Township).copied().unwrap_or(0),
        grassroots_organizations: data.orgs.iter().filter(|o| data.is_grassroots_organization(o)).count(),
        branches: branches.len(),
        groups: orgs_by_kind.get(&OrgKind::Group).copied().unwrap_or(0),
        people: data.people.len(),
        people_by_status,
        members_in_branches: counted.len(),
        probationary_members: counted.iter().filter(|p| p.category == MemberCategory::Probationary).count(),
        aged_61_or_older,
        share_aged_61_or_older,
        min_branch_size: branches.iter().map(|b| b.members).min().unwrap_or(0),
        max_branch_size: branches.iter().map(|b| b.members).max().unwrap_or(0),
        branches_with_committee: branches.iter().filter(|b| b.has_committee()).count(),
        branches_with_7_or_more_full_members: branches.iter().filter(|b| b.full_members >= 7).count(),
        names_outside_bmp: data.people.iter().filter(|p| is_outside_bmp(p.name.as_str())).count(),
        names_with_middle_dot: data.people.iter().filter(|p| p.name.as_str().contains('·')).count(),
        duplicate_name_branches: branches.iter().filter(|b| b.has_duplicate_names).map(|b| b.id.clone()).collect(),
        orgs_by_level,
        orgs_by_kind,
    }
}
