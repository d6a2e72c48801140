//! A row's cells, one per period, evaluated by the family of its requirement:
//!
//! - **counted** (most requirements): met when at least `count` candidate
//!   activities held in the period pass every condition (host at the
//!   grassroots, first agenda item, agenda items included, quorum); when too
//!   few do, the reason is the first condition that failed (quoting how many
//!   activities failed it) or else that too few were held;
//! - **each of** (each kind of visit, a positive and a negative case): met
//!   when the passing activities cover every part; the figures are bit masks
//!   of the parts;
//! - **per meeting** (every meeting opens with the theory study): a cell
//!   only for the months in which such meetings were held, met when none of
//!   them opened with something else and missed otherwise;
//! - **class hours**: the minutes attended in the year against the minimum
//!   (a higher one for some positions), prorated by months for those bound
//!   from after the year began.
//!
//! The first three share the rules of applicability, in this order: an
//! unbuilt feature, a subject not bound (or an organization not existing)
//! from the period's midpoint to its end, a frequency pending the local
//! rule, a political birthday of a member who joined this year, an
//! exemption covering half of the period; then a requirement that is a
//! method, not a duty, is not applicable unless met. A cell that is not
//! applicable or exempt keeps no evidence. A period not met is
//! due until its last day, overdue within the late-entry window and missed
//! after it.

use super::bounds::{Bounds, PeriodCode};
use super::policy::{Policy, Product};
use super::{CellRec, Chunk, Engine, Scratch, Span, Status, Subject};
use crate::catalogue::{EachOf, HoursRule, Requirement, RequirementIx, SourceKind};
use crate::period::{Period, PeriodKind};
use crate::why::WhyCode;
use crate::world::ActivityFact;
use chrono::{Datelike, NaiveDate};

/// The row being evaluated.
pub(super) struct RowInput<'s> {
    pub(super) r: RequirementIx,
    pub(super) subject: Subject,
    /// The organization the row counts under.
    pub(super) home: u32,
    /// The spans of days in which the subject is bound.
    pub(super) spans: &'s [Span],
}

/// How a requirement's cells are evaluated.
enum Family<'q> {
    Hours(&'q HoursRule),
    Activities(ActivityRule<'q>),
}

/// The families met by holding activities.
#[derive(Clone, Copy)]
enum ActivityRule<'q> {
    PerMeeting,
    EachOf(&'q EachOf),
    Counted,
}

impl<'q> Family<'q> {
    fn of(req: &'q Requirement) -> Self {
        if req.period == PeriodKind::PerMeeting {
            Family::Activities(ActivityRule::PerMeeting)
        } else if let Some(hours) = &req.hours {
            Family::Hours(hours)
        } else if let Some(each) = &req.satisfied_by.each_of {
            Family::Activities(ActivityRule::EachOf(each))
        } else {
            Family::Activities(ActivityRule::Counted)
        }
    }
}

/// A cell's status, reason and figures, before the rules of applicability.
struct Outcome {
    status: Status,
    why: WhyCode,
    found: u32,
    needed: u32,
}

/// The candidates held in a period.
fn held_in<'c, 'a>(candidates: &'c [(u32, &'a ActivityFact)], b: Bounds) -> impl Iterator<Item = &'c (u32, &'a ActivityFact)> + Clone {
    candidates.iter().filter(move |(_, act)| b.first <= act.held_on && act.held_on <= b.last)
}

impl Engine {
    /// Appends the cells of one row to `out.cells` and their evidence to `out.evidence`.
    pub(super) fn evaluate_row<'a, P: Policy>(&'a self, row: &RowInput<'_>, scratch: &mut Scratch<'a>, out: &mut Chunk) {
        let req = &self.requirements[usize::from(row.r)];
        let mut periods = std::mem::take(&mut scratch.periods);
        self.periods_of(row.r, row.subject, row.home, &mut periods);
        match Family::of(req) {
            Family::Hours(hours) => {
                for &(period, _) in &periods {
                    let cell = self.hours_cell::<P>(row, hours, period, out.evidence.len() as u32);
                    out.cells.push(cell);
                }
            }
            Family::Activities(rule) => {
                self.gather_candidates(req, row.subject, scratch);
                for &(period, count) in &periods {
                    self.activity_cell::<P>(row, rule, (period, count), &scratch.facts, out);
                }
            }
        }
        scratch.periods = periods;
    }

    /// The cell of a period of a requirement met by holding activities, if it has one.
    fn activity_cell<P: Policy>(
        &self,
        row: &RowInput<'_>,
        rule: ActivityRule<'_>,
        (period, count): (Period, u32),
        candidates: &[(u32, &ActivityFact)],
        out: &mut Chunk,
    ) {
        let req = &self.requirements[usize::from(row.r)];
        let ev_start = out.evidence.len() as u32;
        let held = held_in(candidates, self.bounds.of(period));
        let outcome = match rule {
            ActivityRule::PerMeeting => match per_meeting(req, held, &mut out.evidence) {
                Some(outcome) => outcome,
                None => return,
            },
            ActivityRule::EachOf(each) => self.each_of::<P>(req, each, period, held, &mut out.evidence),
            ActivityRule::Counted => self.counted::<P>(req, (period, count), held, &mut out.evidence),
        };
        let (status, why) = match self.applicability(row, req, (period, count)) {
            Some(replaced) => replaced,
            None if req.source_kind == SourceKind::Method && outcome.status != Status::Met => {
                (Status::NotApplicable, WhyCode::MethodNotDuty)
            }
            None => (outcome.status, outcome.why),
        };
        if status == Status::NotApplicable || status == Status::Exempt {
            out.evidence.truncate(ev_start as usize);
        }
        let ev_len = out.evidence.len() as u32 - ev_start;
        out.cells.push(CellRec {
            period: PeriodCode::of(period),
            status,
            why,
            found: outcome.found,
            needed: outcome.needed,
            ev_start,
            ev_len,
        });
    }

    /// The status and reason that replace a cell's own, if any: binding,
    /// a frequency pending the local rule (a count of 0), exemption and
    /// unbuilt features come before the record.
    fn applicability(&self, row: &RowInput<'_>, req: &Requirement, (period, count): (Period, u32)) -> Option<(Status, WhyCode)> {
        let b = self.bounds.of(period);
        let covered = || row.spans.iter().any(|(from, to)| *from <= b.mid && to.is_none_or(|t| t > b.last));
        let joined_this_year = || match row.subject {
            Subject::Person(p) => self.world.people.get(p as usize).is_some_and(|x| x.joined_on.year() >= self.year),
            Subject::Org(_) => false,
        };
        if req.feature_not_built.is_some() {
            Some((Status::NotApplicable, WhyCode::FeatureNotBuilt))
        } else if !covered() {
            Some((Status::NotApplicable, if matches!(row.subject, Subject::Org(_)) { WhyCode::NotExisting } else { WhyCode::NotBound }))
        } else if count == 0 {
            Some((Status::NotApplicable, WhyCode::PendingLocalRule))
        } else if req.period == PeriodKind::JoinMonth && joined_this_year() {
            Some((Status::NotApplicable, WhyCode::JoinedThisYear))
        } else if self.exempt(row.r, row.subject, period) {
            Some((Status::Exempt, WhyCode::Exempted))
        } else {
            None
        }
    }

    /// Counted: at least `count` passing activities in the period.
    fn counted<'c, 'a: 'c, P: Policy>(
        &self,
        req: &Requirement,
        (period, count): (Period, u32),
        held: impl Iterator<Item = &'c (u32, &'a ActivityFact)>,
        evidence: &mut Vec<u32>,
    ) -> Outcome {
        let mut matched = 0u32;
        let mut first_failure: Option<(WhyCode, u32)> = None;
        for (a, act) in held {
            match self.failed_condition::<P>(req, act) {
                None => {
                    matched += 1;
                    evidence.push(*a);
                }
                Some(why) => match &mut first_failure {
                    Some((w, n)) if *w == why => *n += 1,
                    None => first_failure = Some((why, 1)),
                    Some(_) => {}
                },
            }
        }
        let (met, why, found) = if matched >= count {
            (true, WhyCode::Held, matched)
        } else if let Some((why, n)) = first_failure {
            (false, why, n)
        } else {
            (false, WhyCode::NotEnough, matched)
        };
        Outcome { status: self.met_or_unmet::<P>(met, period), why, found, needed: count }
    }

    /// Each of: the passing activities cover every part.
    fn each_of<'c, 'a: 'c, P: Policy>(
        &self,
        req: &Requirement,
        each: &EachOf,
        period: Period,
        held: impl Iterator<Item = &'c (u32, &'a ActivityFact)>,
        evidence: &mut Vec<u32>,
    ) -> Outcome {
        let mut parts_covered = 0u32;
        for (a, act) in held {
            if self.failed_condition::<P>(req, act).is_some() {
                continue;
            }
            let part = match each {
                EachOf::VisitKinds(v) => act.visit_kind.and_then(|k| v.iter().position(|x| *x == k)),
                EachOf::Polarities(v) => act.polarity.and_then(|k| v.iter().position(|x| *x == k)),
            };
            if let Some(i) = part {
                parts_covered |= 1 << i;
                evidence.push(*a);
            }
        }
        let all = (1u32 << each.len()) - 1;
        let (met, why) = if parts_covered == all { (true, WhyCode::AllParts) } else { (false, WhyCode::PartsMissing) };
        Outcome { status: self.met_or_unmet::<P>(met, period), why, found: parts_covered, needed: all }
    }

    /// The first condition an activity fails, if any.
    #[inline]
    fn failed_condition<P: Policy>(&self, req: &Requirement, act: &ActivityFact) -> Option<WhyCode> {
        let s = &req.satisfied_by;
        if s.host_grassroots && !self.world.orgs.get(act.host as usize).is_some_and(|o| o.is_grassroots()) {
            return Some(WhyCode::NotAtGrassroots);
        }
        if let Some(first) = s.first_agenda_item
            && act.agenda.first() != Some(&first)
        {
            return Some(WhyCode::FirstItemNotStudy);
        }
        if s.agenda_includes.iter().any(|k| !act.agenda.contains(k)) {
            return Some(WhyCode::AgendaItemMissing);
        }
        if let Some(q) = s.quorum
            && !P::counts_as_quorate(act.has_quorum(q))
        {
            return Some(WhyCode::HeldWithoutQuorum);
        }
        None
    }

    /// Class hours: the minutes attended in the year against the minimum.
    fn hours_cell<P: Policy>(&self, row: &RowInput<'_>, hours: &HoursRule, period: Period, ev_start: u32) -> CellRec {
        let b = self.bounds.of(period);
        let found = match row.subject {
            Subject::Person(p) => self.minutes.get(usize::from(row.r)).and_then(|m| m.get(p as usize).copied()),
            Subject::Org(_) => None,
        }
        .unwrap_or(0);
        let minimum = self.raised_minimum(hours, row.subject, b).unwrap_or(hours.minimum);
        // Members who joined during the year owe a share by months.
        let start = row.spans.iter().filter(|(_, to)| to.is_none_or(|t| t > b.first)).map(|(from, _)| *from).min();
        let months = match start {
            Some(s) if s > b.first => 12 - s.month0(),
            _ => 12,
        };
        let needed = (u64::from(minimum) * u64::from(self.catalogue.class_hour_minutes) * u64::from(months)).div_ceil(12) as u32;
        let bound = row.spans.iter().any(|(from, to)| *from <= b.last && to.is_none_or(|t| t > b.last.min(self.as_of)));
        let (status, why) = if !bound {
            (Status::NotApplicable, WhyCode::NotBound)
        } else if self.exempt(row.r, row.subject, period) {
            (Status::Exempt, WhyCode::Exempted)
        } else if found >= needed {
            (Status::Met, WhyCode::HoursReached)
        } else {
            (self.unmet_status::<P>(period), WhyCode::HoursShort)
        };
        CellRec { period: PeriodCode::of(period), status, why, found, needed, ev_start, ev_len: 0 }
    }

    /// The raised minimum of class hours, when the person holds one of its
    /// positions at some time in the period up to the as-of day.
    fn raised_minimum(&self, hours: &HoursRule, subject: Subject, b: Bounds) -> Option<u32> {
        let (Some((min, rule)), Subject::Person(p)) = (&hours.raised, subject) else { return None };
        let holds = self.positions.base(p, p + 1).iter().filter_map(|&i| self.world.positions.get(i as usize)).any(|pos| {
            pos.from <= b.last.min(self.as_of)
                && pos.to.is_none_or(|t| t > b.first)
                && self.world.orgs.get(pos.org as usize).is_some_and(|o| rule.matches(pos.kind, o.kind, o.level))
        });
        holds.then_some(*min)
    }

    #[inline]
    fn met_or_unmet<P: Policy>(&self, met: bool, period: Period) -> Status {
        if met { Status::Met } else { self.unmet_status::<P>(period) }
    }

    /// Due, overdue or missed for a period not met, by the as-of date.
    fn unmet_status<P: Policy>(&self, period: Period) -> Status {
        if self.as_of <= self.bounds.of(period).last {
            Status::Due
        } else if self.as_of <= self.deadline::<P>(period) {
            Status::Overdue
        } else {
            Status::Missed
        }
    }

    fn deadline<P: Policy>(&self, period: Period) -> NaiveDate {
        let end = period.last_day();
        let window = P::late_window(self.catalogue.late_window);
        if window.working_days {
            self.calendar.add_working_days(end, window.days)
        } else {
            end.checked_add_days(chrono::Days::new(u64::from(window.days))).unwrap_or(end)
        }
    }

    /// The last day on which a record for `period` still counts before the
    /// cell becomes missed: the period's last day plus the late-entry window
    /// (calendar or working days).
    pub fn late_entry_deadline(&self, period: Period) -> NaiveDate {
        self.deadline::<Product>(period)
    }
}

/// Per meeting: the cell of a month in which meetings were held (`None`
/// when none were).
fn per_meeting<'c, 'a: 'c>(
    req: &Requirement,
    held: impl Iterator<Item = &'c (u32, &'a ActivityFact)> + Clone,
    evidence: &mut Vec<u32>,
) -> Option<Outcome> {
    let meetings = held.clone().count() as u32;
    if meetings == 0 {
        return None;
    }
    let first = req.satisfied_by.first_agenda_item;
    let broken = held.clone().filter(|(_, act)| first.is_some_and(|f| act.agenda.first() != Some(&f))).count() as u32;
    evidence.extend(held.map(|(a, _)| *a));
    let (status, why) =
        if broken == 0 { (Status::Met, WhyCode::EveryMeetingOpenedWithStudy) } else { (Status::Missed, WhyCode::MeetingsWithoutStudy) };
    Some(Outcome { status, why, found: broken, needed: meetings })
}
