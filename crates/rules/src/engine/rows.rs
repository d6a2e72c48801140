//! Which subjects have a row and what a row holds: a subject has a row for a
//! requirement when it is bound by it on some day of the year up to the
//! last evaluated day (an organization of the bound kinds that exists, a
//! person who is a member, a cadre of the rank or a holder of the position),
//! inside the subtree of a local requirement. A row counts under its home
//! organization (the organization itself, or the person's organization on
//! the last evaluated day) and holds one cell per period of the
//! requirement's frequency, after local settings, that has begun by the
//! as-of day.

use super::families::RowInput;
use super::policy::Policy;
use super::{Chunk, Engine, Row, Scratch, Span, Subject};
use crate::catalogue::{Binding, Requirement, RequirementIx, SubjectKind};
use crate::period::{Period, PeriodKind};
use chrono::{Datelike, NaiveDate};

impl Engine {
    /// The rows of requirement `r` for subjects `from..to`.
    pub(super) fn evaluate_chunk<P: Policy>(&self, r: RequirementIx, from: u32, to: u32) -> Chunk {
        let req = &self.requirements[usize::from(r)];
        let mut out = Chunk::default();
        // Requirements binding every member have a row for nearly every
        // subject: reserve instead of growing.
        if matches!(req.binds, Binding::Members) {
            let rows = (to - from) as usize;
            let periods = match req.period {
                PeriodKind::Year | PeriodKind::JoinMonth => 1,
                PeriodKind::Half => 2,
                PeriodKind::Quarter => 4,
                PeriodKind::Month | PeriodKind::PerMeeting => 12,
            };
            out.rows.reserve_exact(rows);
            out.cells.reserve_exact(rows * periods);
            if req.hours.is_none() {
                out.evidence.reserve(rows * periods);
            }
        }
        let mut scratch = Scratch::default();
        for s in from..to {
            let subject = match req.subject {
                SubjectKind::Organization => Subject::Org(s),
                SubjectKind::Person => Subject::Person(s),
            };
            let mut spans = std::mem::take(&mut scratch.spans);
            if let Some(home) = self.row_home(r, subject, &mut spans) {
                let start = out.cells.len() as u32;
                self.evaluate_row::<P>(&RowInput { r, subject, home, spans: &spans }, &mut scratch, &mut out);
                let len = out.cells.len() as u32 - start;
                out.rows.push(Row { subject: s, home, part: 0, start, len });
            }
            scratch.spans = spans;
        }
        out
    }

    /// Whether `subject` has a row for requirement `r` (it is bound at some
    /// time in the year up to the as-of date), and the organization it counts
    /// under in roll-ups.
    /// `spans` receives the spans of days in which the subject is bound
    /// (an organization's lifetime).
    pub(super) fn row_home(&self, r: RequirementIx, subject: Subject, spans: &mut Vec<Span>) -> Option<u32> {
        spans.clear();
        let req = &self.requirements[usize::from(r)];
        let (year_start, year_end) = (self.bounds.year.first, self.last_evaluated);
        if year_end < year_start {
            return None;
        }
        let overlaps = |(from, to): Span| from <= year_end && to.is_none_or(|t| t > year_start);
        match subject {
            Subject::Org(o) => {
                let org = self.world.orgs.get(o as usize)?;
                let Binding::Organizations { kinds, levels } = &req.binds else { return None };
                let bound = (kinds.is_empty() || kinds.contains(&org.kind)) && (levels.is_empty() || levels.contains(&org.level));
                let in_scope = self.scope[usize::from(r)].is_none_or(|(root, from)| self.in_subtree(o, root) && from <= year_end);
                spans.push((org.founded_on, org.closed_on));
                (bound && in_scope && overlaps((org.founded_on, org.closed_on))).then_some(o)
            }
            Subject::Person(p) => {
                self.binding_spans(req, p, spans);
                if !spans.iter().any(|s| overlaps(*s)) {
                    return None;
                }
                let home = self.home_org(p)?;
                let in_scope = self.scope[usize::from(r)].is_none_or(|(root, from)| self.in_subtree(home, root) && from <= year_end);
                in_scope.then_some(home)
            }
        }
    }

    pub(super) fn in_subtree(&self, o: u32, root: u32) -> bool {
        self.world.orgs.get(root as usize).is_some_and(|r| root <= o && o < r.subtree_end)
    }

    /// The organization a person counts under: their membership on the last
    /// evaluated day, or their latest membership.
    pub(super) fn home_org(&self, p: u32) -> Option<u32> {
        let day = self.last_evaluated;
        let ms = || self.memberships.base(p, p + 1).iter().filter_map(|&i| self.world.memberships.get(i as usize));
        ms().find(|m| m.from <= day && m.to.is_none_or(|t| t > day)).or_else(|| ms().max_by_key(|m| m.from)).map(|m| m.org)
    }

    /// The spans of days in which a person is bound by a requirement, merged, into `spans`.
    fn binding_spans(&self, req: &Requirement, p: u32, spans: &mut Vec<Span>) {
        spans.clear();
        let memberships = || self.memberships.base(p, p + 1).iter().filter_map(|&i| self.world.memberships.get(i as usize));
        match &req.binds {
            Binding::Organizations { .. } => {}
            Binding::Members => spans.extend(memberships().map(|m| (m.from, m.to))),
            Binding::Cadres { min_rank } => {
                if self.world.people.get(p as usize).is_some_and(|person| person.cadre_rank >= *min_rank) {
                    spans.extend(memberships().map(|m| (m.from, m.to)));
                }
            }
            Binding::PositionHolders(rule) => spans.extend(
                self.positions
                    .base(p, p + 1)
                    .iter()
                    .filter_map(|&i| self.world.positions.get(i as usize))
                    .filter(|pos| self.world.orgs.get(pos.org as usize).is_some_and(|o| rule.matches(pos.kind, o.kind, o.level)))
                    .map(|pos| (pos.from, pos.to)),
            ),
        }
        if spans.len() > 1 {
            merge_spans(spans);
        }
    }

    /// The periods of a row with the count each needs, after local settings.
    pub(super) fn periods_of(&self, r: RequirementIx, subject: Subject, home: u32, out: &mut Vec<(Period, u32)>) {
        out.clear();
        let req = &self.requirements[usize::from(r)];
        // A count of 0 marks the periods that wait for the local rule.
        let default = [(NaiveDate::MIN, req.period, if req.pending_local_rule { 0 } else { req.count })];
        let local = if req.locally_set { self.local_timeline(r, home) } else { &[] };
        let local_from = self.scope[usize::from(r)].map(|(_, from)| from);
        let timeline = || default.iter().chain(local.iter());
        for (i, (from, kind, count)) in timeline().enumerate() {
            let until = timeline().nth(i + 1).map(|t| t.0);
            let mut push = |period: Period| {
                let start = self.bounds.of(period).first;
                let in_segment = (i == 0 || start >= *from) && until.is_none_or(|u| start < u);
                if in_segment && start <= self.as_of && local_from.is_none_or(|f| start >= f) {
                    out.push((period, *count));
                }
            };
            match (kind, subject) {
                (PeriodKind::JoinMonth, Subject::Person(p)) => {
                    let joined = self.world.people.get(p as usize).map(|x| x.joined_on.month() as u8).unwrap_or(1);
                    push(Period::Month(self.year, joined));
                }
                (PeriodKind::JoinMonth, Subject::Org(_)) => {}
                (PeriodKind::Year, _) => push(Period::Year(self.year)),
                (PeriodKind::Half, _) => (1..=2).for_each(|h| push(Period::Half(self.year, h))),
                (PeriodKind::Quarter, _) => (1..=4).for_each(|q| push(Period::Quarter(self.year, q))),
                (PeriodKind::Month | PeriodKind::PerMeeting, _) => (1..=12).for_each(|m| push(Period::Month(self.year, m))),
            }
        }
    }

    /// The local settings of requirement `r` that apply under `home`: those of
    /// the nearest organization at or above it that has any.
    fn local_timeline(&self, r: RequirementIx, home: u32) -> &[(NaiveDate, PeriodKind, u32)] {
        let map = &self.frequencies[usize::from(r)];
        let mut at = if map.is_empty() { None } else { Some(home) };
        while let Some(o) = at {
            if let Some(list) = map.get(&o) {
                return list;
            }
            at = self.org_depth_parent.get(o as usize).copied().flatten();
        }
        &[]
    }

    /// Whether an exemption covers at least half of the period's days.
    pub(super) fn exempt(&self, r: RequirementIx, subject: Subject, period: Period) -> bool {
        !self.exemptions.is_empty()
            && self.exemptions.get(&(r, subject)).is_some_and(|list| {
                list.iter().any(|(from, to)| {
                    let lo = (*from).max(self.bounds.of(period).first);
                    let hi = (*to).min(self.bounds.of(period).last);
                    hi >= lo && ((hi - lo).num_days() + 1) * 2 >= self.bounds.of(period).days
                })
            })
    }
}

/// Sorts spans and merges those that touch or overlap.
fn merge_spans(spans: &mut Vec<Span>) {
    spans.sort_by_key(|s| s.0);
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for &(from, to) in spans.iter() {
        if let Some(last) = out.last_mut()
            && last.1.is_none_or(|t| t >= from)
        {
            last.1 = match (last.1, to) {
                (None, _) | (_, None) => None,
                (Some(a), Some(b)) => Some(a.max(b)),
            };
            continue;
        }
        out.push((from, to));
    }
    *spans = out;
}
