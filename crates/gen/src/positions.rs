//! Pass 3: positions and cadre ranks: branch committees and group leaders
//! first (from the branch's own members), then the leadership of every body
//! above, drawn from members under it who hold nothing yet, with the cadre
//! ranks of their level.

use super::{Body, Gen, YEAR, ymd};
use chrono::NaiveDate;
use domain::{CadreRank, OrgKind, OrgLevel, PositionKind};
use rules::world::PositionFact;

impl Gen {
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
    pub(crate) fn positions_all(&mut self) {
        use CadreRank as R;
        use PositionKind as P;
        self.team = vec![Vec::new(); self.orgs.len()];
        // Branch committees and group leaders first, so that leaders above are drawn from other members.
        for bi in 0..self.branches.len() {
            let b = self.branches[bi];
            let size = if b.n < 7 { 1 } else { 3 + u32::from(b.n >= 15) + u32::from(b.n >= 30) };
            let from = self.old_day(2019, YEAR - 1);
            let change = if b.n > size && self.rng.with_probability(0.02) {
                Some((self.rng.day_between(ymd(YEAR, 3, 1), ymd(YEAR, 10, 31)), size))
            } else {
                None
            };
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
}
