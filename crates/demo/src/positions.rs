//! Positions and cadre ranks. A position names the organization where it is
//! held, which need not be the holder's own branch: the county leaders are
//! members of county organ branches and lead the county committee and the
//! government's party group; township leaders are members of their
//! township's organ branch and sit on the township committee; grassroots
//! committees and general branches are led by members of their branches.
//!
//! Every branch has exactly one secretary. A branch with 7 or more full
//! members has a committee of 3 or 5 (secretary, deputy secretary, committee
//! members); a smaller one has only its secretary. Each 党小组 is led by a
//! member of its parent branch holding `GroupLeader` in the group.

use crate::people::Member;
use crate::plan::{Form, ORGANIZATION_ORGAN};
use crate::random::Random;
use crate::tree::Tree;
use domain::{CadreRank, Id, PositionKind};

/// The leadership body of the county in which a leader holds a position.
#[derive(Clone, Copy)]
enum Body {
    /// 县委: the county committee.
    Committee,
    /// 县政府党组: the government's party group.
    Government,
}

/// A county leader: the organ branch (index into the county organs) where the
/// leader is a member, the rank and the positions held.
struct Leader {
    organ: usize,
    rank: CadreRank,
    posts: &'static [(Body, PositionKind)],
}

const COUNTY_LEADERS: [Leader; 12] = {
    use Body::*;
    use PositionKind::*;
    let deputy = CadreRank::CountyDeputy;
    [
        // 县委书记
        Leader { organ: 0, rank: CadreRank::County, posts: &[(Committee, Secretary)] },
        // 县长
        Leader { organ: 1, rank: CadreRank::County, posts: &[(Committee, DeputySecretary), (Government, Secretary)] },
        // 专职副书记
        Leader { organ: 0, rank: deputy, posts: &[(Committee, DeputySecretary)] },
        // 纪委书记
        Leader { organ: 3, rank: deputy, posts: &[(Committee, LeadershipMember)] },
        // 组织部长
        Leader { organ: 2, rank: deputy, posts: &[(Committee, LeadershipMember)] },
        // 宣传部长
        Leader { organ: 4, rank: deputy, posts: &[(Committee, LeadershipMember)] },
        // 政法委书记
        Leader { organ: 0, rank: deputy, posts: &[(Committee, LeadershipMember)] },
        // 统战部长
        Leader { organ: 0, rank: deputy, posts: &[(Committee, LeadershipMember)] },
        // 常务副县长
        Leader { organ: 1, rank: deputy, posts: &[(Committee, LeadershipMember), (Government, LeadershipMember)] },
        // 县委办主任
        Leader { organ: 0, rank: deputy, posts: &[(Committee, LeadershipMember)] },
        // 副县长
        Leader { organ: 1, rank: deputy, posts: &[(Government, LeadershipMember)] },
        // 副县长
        Leader { organ: 1, rank: deputy, posts: &[(Government, LeadershipMember)] },
    ]
};

/// Assigns every position and cadre rank.
pub(crate) fn assign(r: &mut Random, tree: &Tree, members: &mut [Member]) {
    let mut by_branch: Vec<Vec<usize>> = vec![Vec::new(); tree.branches.len()];
    for (i, m) in members.iter().enumerate() {
        if let Some(list) = by_branch.get_mut(m.branch) {
            list.push(i);
        }
    }
    let mut a = Assigner { r, tree, members, by_branch };
    a.county_leaders();
    a.township_leaders();
    a.organs_committee();
    a.branches();
    a.units();
}

struct Assigner<'a> {
    r: &'a mut Random,
    tree: &'a Tree,
    members: &'a mut [Member],
    by_branch: Vec<Vec<usize>>,
}

impl Assigner<'_> {
    fn org_id(&self, org: usize) -> Option<Id> {
        self.tree.orgs.get(org).map(|o| o.id.clone())
    }

    fn give(&mut self, member: usize, org: usize, kind: PositionKind) {
        let Some(id) = self.org_id(org) else { return };
        if let Some(m) = self.members.get_mut(member) {
            m.person.positions.push((id, kind));
        }
    }

    fn raise(&mut self, member: usize, rank: CadreRank) {
        if let Some(m) = self.members.get_mut(member) {
            m.person.cadre_rank = m.person.cadre_rank.max(rank);
        }
    }

    fn member(&self, i: usize) -> Option<&Member> {
        self.members.get(i)
    }

    /// Present full members of the branches, shuffled; those matching
    /// `prefer` first when at least `wanted` of them do.
    fn candidates(&mut self, branches: &[usize], wanted: usize, prefer: impl Fn(&Member) -> bool) -> Vec<usize> {
        let mut all: Vec<usize> = branches
            .iter()
            .filter_map(|b| self.by_branch.get(*b))
            .flatten()
            .copied()
            .filter(|&i| self.member(i).is_some_and(|m| m.can_lead() && !m.person.cadre_rank.is_county_level_or_above()))
            .collect();
        self.r.shuffle(&mut all);
        let preferred: Vec<usize> = all.iter().copied().filter(|&i| self.member(i).is_some_and(&prefer)).collect();
        if preferred.len() >= wanted { preferred } else { all }
    }

    /// Moves the candidates whose age is in `ages` to the front, keeping
    /// the drawn order otherwise.
    fn older_first(&self, found: &mut [usize], ages: std::ops::RangeInclusive<i32>) {
        found.sort_by_key(|&i| !self.member(i).is_some_and(|m| ages.contains(&m.age)));
    }

    fn county_leaders(&mut self) {
        for leader in &COUNTY_LEADERS {
            let Some(&branch) = self.tree.county_organs.get(leader.organ) else {
                continue;
            };
            let found = self.candidates(&[branch], 1, |m| (42..=58).contains(&m.age));
            let Some(&who) = found.first() else { continue };
            self.raise(who, leader.rank);
            for (body, kind) in leader.posts {
                let org = match body {
                    Body::Committee => self.tree.root,
                    Body::Government => self.tree.government_group,
                };
                self.give(who, org, *kind);
            }
        }
    }

    fn township_leaders(&mut self) {
        let tree = self.tree;
        for t in &tree.townships {
            let committee_members = self.r.count_between(4, 6);
            let extra_deputies = self.r.count_between(1, 3);
            let wanted = 3 + committee_members + extra_deputies;
            let mut found = self.candidates(&[t.organ_branch], wanted, |m| (30..=57).contains(&m.age));
            // The secretary and deputies (section rank) are seasoned cadres.
            self.older_first(&mut found, 35..=55);
            for (n, &who) in found.iter().take(wanted).enumerate() {
                match n {
                    0 => self.give(who, t.org, PositionKind::Secretary),
                    1 | 2 => self.give(who, t.org, PositionKind::DeputySecretary),
                    _ if n < 3 + committee_members => self.give(who, t.org, PositionKind::CommitteeMember),
                    _ => {}
                }
                self.raise(who, if n < 3 { CadreRank::Section } else { CadreRank::SectionDeputy });
            }
        }
    }

    /// The county organs' working committee, and the heads of the county
    /// bodies (section ranks).
    fn organs_committee(&mut self) {
        let organs = self.tree.county_organs.clone();
        let org = self.tree.organs_committee;
        let secretary_branch = organs.get(ORGANIZATION_ORGAN).copied().into_iter().collect::<Vec<_>>();
        if let Some(&who) = self.candidates(&secretary_branch, 1, |m| (40..=56).contains(&m.age)).first() {
            self.give(who, org, PositionKind::Secretary);
            self.raise(who, CadreRank::Section);
        }
        let others = self.candidates(&organs, 4, |m| m.person.positions.is_empty() && (32..=56).contains(&m.age));
        for (n, &who) in others.iter().take(4).enumerate() {
            if n == 0 {
                self.give(who, org, PositionKind::DeputySecretary);
                self.raise(who, CadreRank::SectionDeputy);
            } else {
                self.give(who, org, PositionKind::CommitteeMember);
            }
        }
        for branch in organs {
            let unranked = |m: &Member| m.person.cadre_rank == CadreRank::None;
            let head = self.candidates(&[branch], 1, |m| unranked(m) && (38..=57).contains(&m.age));
            if let Some(&who) = head.first() {
                self.raise(who, CadreRank::Section);
            }
            let deputies = self.r.count_between(1, 2);
            let found = self.candidates(&[branch], deputies, |m| unranked(m) && (30..=55).contains(&m.age));
            let found: Vec<usize> = found.into_iter().filter(|&i| self.member(i).is_some_and(unranked)).take(deputies).collect();
            for who in found {
                self.raise(who, CadreRank::SectionDeputy);
            }
        }
    }

    /// Each branch's secretary or committee, and its group leaders.
    fn branches(&mut self) {
        let tree = self.tree;
        for (b, node) in tree.branches.iter().enumerate() {
            let seats = if node.plan.has_committee() {
                let full = node.plan.full();
                if full >= 30 || (full >= 15 && self.r.chance(500)) { 5 } else { 3 }
            } else {
                1
            };
            let found = self.candidates(&[b], seats, |_| true);
            let seats = seats.min(found.len());
            for (n, &who) in found.iter().take(seats).enumerate() {
                let kind = match n {
                    0 => PositionKind::Secretary,
                    1 if seats == 5 || self.r.chance(500) => PositionKind::DeputySecretary,
                    _ => PositionKind::CommitteeMember,
                };
                self.give(who, node.org, kind);
            }
            for (g, &group) in node.groups.iter().enumerate() {
                let leader = found.get(seats + g).or_else(|| found.get(g)).copied();
                if let Some(who) = leader {
                    self.give(who, group, PositionKind::GroupLeader);
                }
            }
        }
    }

    /// Grassroots committees (5 or 7 seats) and general branches (3 or 5).
    fn units(&mut self) {
        let tree = self.tree;
        for unit in &tree.units {
            let (seats, deputies) = match unit.form {
                Form::Committee => {
                    if self.r.chance(500) {
                        (7, 2)
                    } else {
                        (5, 1)
                    }
                }
                _ => {
                    if self.r.chance(500) {
                        (5, 1)
                    } else {
                        (3, usize::from(self.r.chance(500)))
                    }
                }
            };
            let found = self.candidates(&unit.branches, seats, |m| m.age <= 60);
            for (n, &who) in found.iter().take(seats).enumerate() {
                let kind = match n {
                    0 => PositionKind::Secretary,
                    _ if n <= deputies => PositionKind::DeputySecretary,
                    _ => PositionKind::CommitteeMember,
                };
                self.give(who, unit.org, kind);
            }
        }
    }
}
