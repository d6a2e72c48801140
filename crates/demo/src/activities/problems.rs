//! The problems raised at the life meetings (民主生活会、组织生活会) by
//! criticism and self-criticism: one to three at each, some a person's own
//! (a participant who was present), the others the branch's or the
//! leadership team's.

use super::{DemoProblem, Gen, kind, words};
use crate::random::Random;
use std::collections::HashSet;

/// Out of a thousand problems, how many are one participant's own.
const PERSONAL_PER_MILLE: u32 = 550;

/// The problems of every life meeting held.
pub(crate) fn raise(r: &mut Random, g: &Gen) -> Vec<DemoProblem> {
    let mut out = Vec::new();
    for (i, a) in g.out.iter().enumerate() {
        let team = a.kind == kind::DEMOCRATIC_LIFE;
        if !team && a.kind != kind::ORGANIZATIONAL_LIFE {
            continue;
        }
        let absent: HashSet<usize> = a.absentees.iter().map(|(p, _)| *p).collect();
        let present: Vec<usize> = a.participants.iter().copied().filter(|p| !absent.contains(p)).collect();
        let mut said = HashSet::new();
        for _ in 0..r.count_between(1, 3) {
            let (person, description) = if !present.is_empty() && r.chance(PERSONAL_PER_MILLE) {
                (present.get(r.below(present.len())).copied(), r.pick(&words::PERSONAL_PROBLEMS))
            } else if team {
                (None, r.pick(&words::TEAM_PROBLEMS))
            } else {
                (None, r.pick(&words::BRANCH_PROBLEMS))
            };
            if said.insert((person, description)) {
                out.push(DemoProblem { activity: i, person, description: description.to_owned() });
            }
        }
    }
    out
}
