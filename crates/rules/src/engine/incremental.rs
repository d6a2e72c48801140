//! Incremental updates: recording, replacing or deleting one activity
//! recomputes only the rows it touches (its host's and the organizations
//! above for subtree rules, its presenter's, its attendees') and adjusts the
//! roll-up counters. The cells afterwards are those a full evaluation of
//! the changed world would give (the property test checks it on thousands
//! of worlds).

use super::families::RowInput;
use super::policy::with_policy;
use super::{Chunk, Engine, NO_ROW, Part, Row, Scratch};
use crate::catalogue::{HostRule, RequirementIx, SubjectKind};
use crate::engine::Subject;
use crate::world::{ActivityFact, WorldError};
use chrono::Datelike;
use std::collections::HashSet;

impl Engine {
    /// Records a new activity or replaces one, and updates the cells it touches.
    pub fn upsert_activity(&mut self, ix: u32, fact: ActivityFact) -> Result<(), WorldError> {
        let check = |what: &'static str, target, value: u32, max: usize| {
            if (value as usize) < max { Ok(()) } else { Err(WorldError::Dangling { what, index: ix, target, value }) }
        };
        check("activity", "organization", fact.host, self.world.orgs.len())?;
        if let Some(p) = fact.presenter {
            check("activity", "person", p, self.world.people.len())?;
        }
        for &p in &fact.present {
            check("activity", "person", p, self.world.people.len())?;
        }
        self.change(ix, Some(fact));
        Ok(())
    }

    /// Deletes an activity and updates the cells it touched.
    pub fn remove_activity(&mut self, ix: u32) {
        self.change(ix, None);
    }

    fn change(&mut self, ix: u32, new: Option<ActivityFact>) {
        if self.world.activities.len() <= ix as usize {
            self.world.activities.resize(ix as usize + 1, None);
        }
        let old = self.world.activities[ix as usize].take();
        let mut touched: HashSet<(RequirementIx, Subject)> = HashSet::new();
        for fact in old.iter().chain(new.iter()) {
            self.touched_rows(fact, &mut touched);
        }
        // Class hours: take the old activity out, put the new one in.
        for (sign, fact) in [(-1i64, old.as_ref()), (1, new.as_ref())] {
            let Some(fact) = fact else { continue };
            if fact.held_on.year() != self.year || fact.held_on > self.as_of {
                continue;
            }
            for (ri, req) in self.requirements.iter().enumerate() {
                let Some(h) = &req.hours else { continue };
                if !h.kinds.contains(&fact.kind) {
                    continue;
                }
                if let Some(acc) = self.minutes.get_mut(ri) {
                    for &p in &fact.present {
                        if let Some(m) = acc.get_mut(p as usize) {
                            *m = if sign < 0 { m.saturating_sub(fact.minutes) } else { m.saturating_add(fact.minutes) };
                        }
                    }
                }
            }
        }
        if let Some(fact) = &new
            && fact.held_on.year() == self.year
        {
            self.by_host.add(fact.host, ix);
            if let Some(p) = fact.presenter {
                self.by_presenter.add(p, ix);
            }
            let attended = self
                .reqs_by_kind
                .get(usize::from(fact.kind))
                .is_some_and(|rs| rs.iter().any(|r| self.requirements[usize::from(*r)].satisfied_by.attended_by_subject));
            if attended {
                let month = fact.held_on.month();
                for &p in &fact.present {
                    let joined = self.world.people.get(p as usize).map_or(0, |x| x.joined_on.month());
                    if !self.attendance_in_join_month_only || joined == month {
                        self.by_attendee.add(p, ix);
                    }
                }
            }
        }
        self.world.activities[ix as usize] = new;
        let mut touched: Vec<_> = touched.into_iter().collect();
        touched.sort_unstable();
        for (r, subject) in touched {
            self.recompute_row(r, subject);
        }
    }

    /// The rows an activity can affect.
    fn touched_rows(&self, fact: &ActivityFact, out: &mut HashSet<(RequirementIx, Subject)>) {
        let Some(reqs) = self.reqs_by_kind.get(usize::from(fact.kind)) else { return };
        for &r in reqs {
            let req = &self.requirements[usize::from(r)];
            if req.hours.as_ref().is_some_and(|h| h.kinds.contains(&fact.kind)) {
                out.extend(fact.present.iter().map(|&p| (r, Subject::Person(p))));
            }
            if !req.satisfied_by.kinds.contains(&fact.kind) {
                continue;
            }
            match req.subject {
                SubjectKind::Organization => match req.satisfied_by.host {
                    HostRule::Subject => {
                        out.insert((r, Subject::Org(fact.host)));
                    }
                    HostRule::SubjectSubtree | HostRule::Any => {
                        let mut at = Some(fact.host);
                        while let Some(o) = at {
                            out.insert((r, Subject::Org(o)));
                            at = self.org_depth_parent.get(o as usize).copied().flatten();
                        }
                    }
                },
                SubjectKind::Person => {
                    if req.satisfied_by.presenter_is_subject {
                        out.extend(fact.presenter.map(|p| (r, Subject::Person(p))));
                    } else if req.satisfied_by.attended_by_subject {
                        out.extend(fact.present.iter().map(|&p| (r, Subject::Person(p))));
                    }
                }
            }
        }
    }

    fn recompute_row(&mut self, r: RequirementIx, subject: Subject) {
        let s = match subject {
            Subject::Org(o) | Subject::Person(o) => o,
        };
        let Some(&row_ix) = self.results[usize::from(r)].row_of.get(s as usize) else { return };
        if row_ix == NO_ROW {
            return;
        }
        let mut computed = Chunk::default();
        {
            let mut scratch = Scratch::default();
            let mut spans = Vec::new();
            if let Some(home) = self.row_home(r, subject, &mut spans) {
                let row = RowInput { r, subject, home, spans: &spans };
                with_policy!(self, evaluate_row(&row, &mut scratch, &mut computed));
            }
        }
        let rc = &mut self.results[usize::from(r)];
        let row = rc.rows[row_ix as usize];
        let fen = &mut self.fenwick[usize::from(r)];
        for c in rc.cells(&row) {
            fen[c.status.slot()].add(row.home, -1);
        }
        let part = match rc.updates {
            Some(p) => p,
            None => {
                rc.parts.push(Part::default());
                let p = (rc.parts.len() - 1) as u32;
                rc.updates = Some(p);
                p
            }
        };
        let Some(updates) = rc.parts.get_mut(part as usize) else { return };
        let ev_base = updates.evidence.len() as u32;
        updates.evidence.extend_from_slice(&computed.evidence);
        let start = updates.cells.len() as u32;
        for mut c in computed.cells {
            c.ev_start += ev_base;
            fen[c.status.slot()].add(row.home, 1);
            updates.cells.push(c);
        }
        let len = updates.cells.len() as u32 - start;
        rc.rows[row_ix as usize] = Row { part, start, len, ..row };
    }
}
