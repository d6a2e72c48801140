//! Passes 1 and 2: the organizations in pre-order (a subtree is a
//! contiguous range, as the engine requires), with the size of each branch;
//! then the members, numbered branch by branch, and their memberships, with
//! the transfers and departures of the year.

use super::{BranchInfo, Gen, YEAR, ymd};
use crate::random::Draws;
use domain::{CadreRank, OrgKind, OrgLevel};
use rules::world::{MembershipFact, PersonFact};

/// The mean fan-out below the province at scale 1.0: cities, counties per
/// city, townships per county, grassroots units per township, branches per
/// grassroots unit.
const FANOUT: [f64; 5] = [16.0, 8.0, 15.0, 12.0, 9.0];

impl Gen {
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
    pub(crate) fn tree(&mut self, scale: f64) {
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
                        let kind = if self.rng.with_probability(0.3) { OrgKind::Committee } else { OrgKind::GeneralBranch };
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
        let founded_in_year = r.with_probability(0.003);
        let closed_in_year = !founded_in_year && r.with_probability(0.003);
        let founded = if founded_in_year {
            r.day_between(ymd(YEAR, 2, 1), ymd(YEAR, 9, 30))
        } else {
            r.day_between(ymd(1955, 1, 1), ymd(YEAR - 1, 12, 31))
        };
        let closed = closed_in_year.then(|| r.day_between(ymd(YEAR, 3, 1), ymd(YEAR, 11, 30)));
        let n = if r.with_probability(0.02) { r.between(50, 80) } else { r.between(5, 41) };
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
    pub(crate) fn members(&mut self) {
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
                let joined_on = if r.with_probability(0.015) {
                    r.day_between(year_start, ymd(YEAR, 11, 30))
                } else {
                    let years = (r.unit() * r.unit() * 55.0) as i32;
                    r.day_between(ymd(YEAR - 1 - years, 1, 1), ymd(YEAR - 1 - years, 12, 31))
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
                let leaves = joined_on < ymd(YEAR, 11, 1) && from < ymd(YEAR, 12, 1) && r.with_probability(0.013);
                if leaves {
                    let day = r.day_between(from.max(year_start).succ_opt().unwrap_or(from), ymd(YEAR, 12, 20));
                    self.memberships.push(MembershipFact { person: p, org, from, to: Some(day) });
                    // Most move to the neighbouring branch; the others leave the province.
                    if r.with_probability(0.75) {
                        self.memberships.push(MembershipFact { person: p, org: neighbour, from: day, to: None });
                    }
                } else {
                    self.memberships.push(MembershipFact { person: p, org, from, to: None });
                }
            }
        }
    }
}
