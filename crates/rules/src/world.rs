//! The facts the engine evaluates: the organization tree, people with their
//! memberships and positions, and held activities with their attendance, all
//! addressed by dense indices. The caller keeps the mapping from indices to
//! stored ids; the engine never sees an id.

use crate::catalogue::{KindIx, Polarity, Quorum};
use chrono::NaiveDate;
use domain::{CadreRank, OrgKind, OrgLevel, PositionKind};

/// An organization. Organizations are listed in pre-order: a parent comes
/// before its children and a subtree is the contiguous range
/// `index..subtree_end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgFact {
    pub parent: Option<u32>,
    pub level: OrgLevel,
    pub kind: OrgKind,
    pub founded_on: NaiveDate,
    /// The first day it no longer exists.
    pub closed_on: Option<NaiveDate>,
    /// One past the last index of its subtree.
    pub subtree_end: u32,
}

impl OrgFact {
    /// Held at a grassroots unit or a branch.
    pub fn is_grassroots(&self) -> bool {
        self.level == OrgLevel::Grassroots || matches!(self.kind, OrgKind::Branch | OrgKind::GeneralBranch | OrgKind::Group)
    }
}

/// A party member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFact {
    /// The day they joined the party (political birthday).
    pub joined_on: NaiveDate,
    pub cadre_rank: CadreRank,
}

/// A person's membership of an organization from `from` (inclusive) to `to`
/// (exclusive, open if `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MembershipFact {
    pub person: u32,
    pub org: u32,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// A position held in an organization over a span of days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PositionFact {
    pub person: u32,
    pub org: u32,
    pub kind: PositionKind,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// Of those expected at a meeting, the members with a vote (full members,
/// not probationary ones) present and absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Voters {
    pub present: u32,
    pub absent: u32,
}

/// A held activity. `present` are the people who attended; `absent` counts
/// those expected who did not (attendance is recorded by exception).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityFact {
    pub kind: KindIx,
    pub host: u32,
    pub held_on: NaiveDate,
    pub minutes: u32,
    pub presenter: Option<u32>,
    /// The agenda item kinds in order.
    pub agenda: Vec<u16>,
    pub visit_kind: Option<u16>,
    pub polarity: Option<Polarity>,
    pub present: Vec<u32>,
    pub absent: u32,
    /// The members with a vote among those expected, for a vote's quorum.
    pub voters: Voters,
}

impl ActivityFact {
    /// Whether the meeting had the quorum `q` (docs/EVALUATION.md, "Quorum").
    pub fn has_quorum(&self, q: Quorum) -> bool {
        let present = self.present.len() as u64;
        let expected = present + u64::from(self.absent);
        match q {
            Quorum::HalfOrMore => present > 0 && present * 2 >= expected,
            Quorum::MoreThanHalf => present * 2 > expected,
            Quorum::VotersMoreThanHalf { item } => {
                !self.agenda.contains(&item) || {
                    let (p, a) = (u64::from(self.voters.present), u64::from(self.voters.absent));
                    p * 2 > p + a
                }
            }
        }
    }
}

/// Everything the engine evaluates for one year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct World {
    pub orgs: Vec<OrgFact>,
    pub people: Vec<PersonFact>,
    pub memberships: Vec<MembershipFact>,
    pub positions: Vec<PositionFact>,
    /// Indexed by activity number; `None` marks a deleted slot.
    pub activities: Vec<Option<ActivityFact>>,
}

/// Why a world cannot be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    #[error("organization {0} is not in pre-order (its parent or subtree range is wrong)")]
    NotPreOrder(u32),
    #[error("{what} {index} refers to {target} {value}, which does not exist")]
    Dangling { what: &'static str, index: u32, target: &'static str, value: u32 },
}

impl World {
    /// Checks the indices and the pre-order; the engine relies on both.
    pub fn check(&self) -> Result<(), WorldError> {
        let n = self.orgs.len() as u32;
        for (i, o) in self.orgs.iter().enumerate() {
            let i = i as u32;
            let parent_ok = match o.parent {
                None => true,
                Some(p) => p < i && self.orgs.get(p as usize).is_some_and(|po| po.subtree_end >= o.subtree_end),
            };
            if !parent_ok || o.subtree_end <= i || o.subtree_end > n {
                return Err(WorldError::NotPreOrder(i));
            }
        }
        let people = self.people.len() as u32;
        let dangling = |what, index: usize, target, value: u32, max: u32| {
            if value < max { Ok(()) } else { Err(WorldError::Dangling { what, index: index as u32, target, value }) }
        };
        for (i, m) in self.memberships.iter().enumerate() {
            dangling("membership", i, "person", m.person, people)?;
            dangling("membership", i, "organization", m.org, n)?;
        }
        for (i, p) in self.positions.iter().enumerate() {
            dangling("position", i, "person", p.person, people)?;
            dangling("position", i, "organization", p.org, n)?;
        }
        for (i, a) in self.activities.iter().enumerate() {
            let Some(a) = a else { continue };
            dangling("activity", i, "organization", a.host, n)?;
            if let Some(p) = a.presenter {
                dangling("activity", i, "person", p, people)?;
            }
            for &p in &a.present {
                dangling("activity", i, "person", p, people)?;
            }
        }
        Ok(())
    }
}
