//! A row's candidate activities: alive, of one of the requirement's kinds,
//! held in the evaluated year on or before the as-of day, and the subject's
//! by the requirement's rule: hosted by the subject organization (or in its
//! subtree, or anywhere), presented by the subject person, or attended by
//! them. Candidates are gathered once per row from the engine's indexes, in
//! ascending activity order, and every index entry is checked against the
//! world again (entries may be stale after edits).

use super::{Engine, Scratch, Subject};
use crate::catalogue::{HostRule, KindIx, Requirement};
use crate::world::ActivityFact;
use chrono::Datelike;

impl Engine {
    /// Fills `scratch.facts` with the candidates of a row of `req` for `subject`.
    pub(super) fn gather_candidates<'a>(&'a self, req: &Requirement, subject: Subject, scratch: &mut Scratch<'a>) {
        scratch.candidates.clear();
        match subject {
            Subject::Org(o) => match req.satisfied_by.host {
                HostRule::Subject => self.by_host.collect(o, o + 1, &mut scratch.candidates),
                HostRule::SubjectSubtree | HostRule::Any => {
                    let end = self.world.orgs.get(o as usize).map_or(o + 1, |x| x.subtree_end);
                    self.by_host.collect(o, end, &mut scratch.candidates)
                }
            },
            Subject::Person(p) => {
                if req.satisfied_by.presenter_is_subject {
                    self.by_presenter.collect(p, p + 1, &mut scratch.candidates);
                } else if req.satisfied_by.attended_by_subject {
                    self.by_attendee.collect(p, p + 1, &mut scratch.candidates);
                }
            }
        }
        if scratch.candidates.len() > 1 {
            scratch.candidates.sort_unstable();
            scratch.candidates.dedup();
        }
        let kinds = &req.satisfied_by.kinds;
        scratch.facts.clear();
        scratch.facts.extend(scratch.candidates.iter().filter_map(|&a| self.candidate(req, subject, a, kinds).map(|act| (a, act))));
    }

    /// Whether an activity still satisfies the basic match for a row: alive,
    /// of a kind, in the year and on or before the as-of date, and hosted,
    /// presented or attended as the requirement says.
    fn candidate(&self, req: &Requirement, subject: Subject, a: u32, kinds: &[KindIx]) -> Option<&ActivityFact> {
        let act = self.world.activities.get(a as usize)?.as_ref()?;
        if !kinds.contains(&act.kind) || act.held_on.year() != self.year || act.held_on > self.as_of {
            return None;
        }
        let ok = match subject {
            Subject::Org(o) => match req.satisfied_by.host {
                HostRule::Subject => act.host == o,
                HostRule::SubjectSubtree => self.in_subtree(act.host, o),
                HostRule::Any => true,
            },
            Subject::Person(p) => {
                (!req.satisfied_by.presenter_is_subject || act.presenter == Some(p))
                    && (!req.satisfied_by.attended_by_subject || act.present.contains(&p))
            }
        };
        ok.then_some(act)
    }
}
