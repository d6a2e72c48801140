//! The evaluation engine: (catalogue, tree, activities, settings and
//! exemptions, as-of date) → cells, one per requirement × subject × period,
//! each with a status, the evidence activities and a reason.
//!
//! Cells are grouped in rows (one requirement × one subject). A full
//! evaluation computes every row; recording, editing or deleting one activity
//! recomputes only the rows that activity touches (its host organization, its
//! presenter, its attendees), from indexes kept by the engine, and updates the
//! subtree counters used by roll-ups.

use crate::calendar::Calendar;
use crate::catalogue::{Binding, Catalogue, EachOf, HostRule, KindIx, Quorum, Requirement, RequirementIx, SubjectKind};
use crate::period::{Period, PeriodKind};
use crate::settings::Settings;
use crate::why::WhyCode;
use crate::world::{ActivityFact, World, WorldError};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

mod bounds;
mod counters;
mod incremental;
mod index;
mod read;

use bounds::{PeriodCode, YearBounds};
use counters::Fenwick;
use index::Index;

/// Whom a cell is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    Org(u32),
    Person(u32),
}

/// The status of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Met,
    Due,
    Overdue,
    Missed,
    Exempt,
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 6] = [Status::Met, Status::Due, Status::Overdue, Status::Missed, Status::Exempt, Status::NotApplicable];

    pub fn code(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Due => "due",
            Status::Overdue => "overdue",
            Status::Missed => "missed",
            Status::Exempt => "exempt",
            Status::NotApplicable => "not_applicable",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// One evaluated cell.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cell {
    pub requirement: RequirementIx,
    pub subject: Subject,
    pub period: Period,
    pub status: Status,
    pub why: WhyCode,
    /// The figures the reason quotes: counts, a bit mask of covered parts,
    /// or minutes for class hours.
    pub found: u32,
    pub needed: u32,
    /// Activity indices, ascending.
    pub evidence: Vec<u32>,
}

/// Counts of cells by status for each requirement over a subtree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollup {
    /// Indexed by requirement, then by [`Status::ALL`] order.
    pub counts: Vec<[u64; 6]>,
}

impl Rollup {
    pub fn count(&self, req: RequirementIx, status: Status) -> u64 {
        self.counts.get(usize::from(req)).map_or(0, |c| c[status.slot()])
    }
}

const NO_ROW: u32 = u32::MAX;

/// Deliberately wrong variants of the engine, switched on only with the
/// `mutants` feature, so that tests can show the property test catches them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mutation {
    #[default]
    None,
    /// Meetings count when they lack a quorum, and not when they have one.
    QuorumFlipped,
    /// Unmet periods go straight from due to missed.
    NoLateWindow,
}
#[derive(Clone, Copy, Debug)]
struct CellRec {
    period: PeriodCode,
    status: Status,
    why: WhyCode,
    found: u32,
    needed: u32,
    ev_start: u32,
    ev_len: u32,
}

#[derive(Clone, Copy, Debug)]
struct Row {
    subject: u32,
    /// The organization the row counts under in roll-ups.
    home: u32,
    /// The part holding the row's cells, and where in it.
    part: u32,
    start: u32,
    len: u32,
}

/// Cells and their evidence as one thread wrote them (a chunk of subjects,
/// or the rows recomputed since).
#[derive(Default)]
struct Part {
    cells: Vec<CellRec>,
    evidence: Vec<u32>,
}

/// The cells of one requirement. The parts written by the threads are kept
/// as they are, not copied into one vector.
#[derive(Default)]
struct ReqCells {
    row_of: Vec<u32>,
    rows: Vec<Row>,
    parts: Vec<Part>,
    /// The part that recomputed rows are appended to, once there is one.
    updates: Option<u32>,
}

impl ReqCells {
    #[inline]
    fn cells(&self, row: &Row) -> &[CellRec] {
        self.parts.get(row.part as usize).and_then(|p| p.cells.get(row.start as usize..(row.start + row.len) as usize)).unwrap_or(&[])
    }

    #[inline]
    fn evidence(&self, row: &Row, c: &CellRec) -> &[u32] {
        self.parts.get(row.part as usize).and_then(|p| p.evidence.get(c.ev_start as usize..(c.ev_start + c.ev_len) as usize)).unwrap_or(&[])
    }
}
/// Local frequency settings of one requirement by organization, by valid-from day.
type Timelines = HashMap<u32, Vec<(NaiveDate, PeriodKind, u32)>>;

/// A span of days: from (inclusive) to (exclusive, open if `None`).
type Span = (NaiveDate, Option<NaiveDate>);

/// The engine with its indexes and results.
pub struct Engine {
    catalogue: Catalogue,
    requirements: Vec<Requirement>,
    /// For local requirements: the organization whose subtree they bind and
    /// the first day.
    scope: Vec<Option<(u32, NaiveDate)>>,
    calendar: Calendar,
    year: i32,
    as_of: NaiveDate,
    bounds: YearBounds,
    /// The last day evaluated: the year's end or the as-of day if earlier.
    last_evaluated: NaiveDate,
    world: World,
    org_depth_parent: Vec<Option<u32>>,
    memberships: Index,
    positions: Index,
    by_host: Index,
    by_presenter: Index,
    by_attendee: Index,
    /// Requirements an activity kind can touch.
    reqs_by_kind: Vec<Vec<RequirementIx>>,
    /// The attendance index holds only attendance in the attendee's month of
    /// joining (all requirements met by attendance are political birthdays).
    attendance_in_join_month_only: bool,
    /// Attended minutes per person for each class-hours requirement.
    /// Indexed by requirement; empty for requirements without class hours.
    minutes: Vec<Vec<u32>>,
    frequencies: Vec<Timelines>,
    exemptions: HashMap<(RequirementIx, Subject), Vec<(NaiveDate, NaiveDate)>>,
    results: Vec<ReqCells>,
    fenwick: Vec<[Fenwick; 6]>,
    mutation: Mutation,
}

/// Reusable buffers for evaluating rows without allocating per row.
#[derive(Default)]
struct Scratch<'a> {
    candidates: Vec<u32>,
    facts: Vec<(u32, &'a ActivityFact)>,
    spans: Vec<Span>,
    periods: Vec<(Period, u32)>,
}

/// The rows of one requirement for a range of subjects.
#[derive(Default)]
struct Chunk {
    rows: Vec<Row>,
    cells: Vec<CellRec>,
    evidence: Vec<u32>,
}

impl Engine {
    /// Evaluates everything for `year` as of `as_of`.
    pub fn new(
        catalogue: &Catalogue,
        calendar: Calendar,
        world: World,
        settings: &Settings,
        year: i32,
        as_of: NaiveDate,
    ) -> Result<Self, WorldError> {
        let mut requirements = catalogue.requirements.clone();
        let mut scope = vec![None; requirements.len()];
        for (req, org, from) in &settings.local_requirements {
            requirements.push(req.clone());
            scope.push(Some((*org, *from)));
        }
        let n_orgs = world.orgs.len();
        let n_people = world.people.len();
        let mut reqs_by_kind: Vec<Vec<RequirementIx>> = vec![Vec::new(); catalogue.activity_kinds.len()];
        let mut attended_kinds = vec![false; catalogue.activity_kinds.len()];
        for (ri, r) in requirements.iter().enumerate() {
            let ri = ri as RequirementIx;
            let mut kinds: Vec<KindIx> = r.satisfied_by.kinds.clone();
            if let Some(h) = &r.hours {
                kinds.extend(&h.kinds);
            }
            for k in kinds {
                if let Some(list) = reqs_by_kind.get_mut(usize::from(k))
                    && !list.contains(&ri)
                {
                    list.push(ri);
                }
            }
            if r.satisfied_by.attended_by_subject {
                for &k in &r.satisfied_by.kinds {
                    if let Some(flag) = attended_kinds.get_mut(usize::from(k)) {
                        *flag = true;
                    }
                }
            }
        }
        // When every requirement met by attendance is a political birthday,
        // only attendance in the attendee's month of joining can ever count.
        let attendance_in_join_month_only =
            requirements.iter().filter(|r| r.satisfied_by.attended_by_subject).all(|r| r.period == PeriodKind::JoinMonth);
        let in_year = |a: &ActivityFact| a.held_on.year() == year;
        let world_ref = &world;
        let requirements_ref = &requirements;
        // Indexes of attendance (and class-hour minutes) on one thread, the
        // others on this one.
        let ((checked, memberships, positions, by_host, by_presenter), (by_attendee, minutes)) = std::thread::scope(|scope| {
            let attendance = scope.spawn(move || {
                // Months of joining in one byte each, read for every attendance.
                let join_month: Vec<u8> = if attendance_in_join_month_only {
                    world_ref.people.iter().map(|x| x.joined_on.month() as u8).collect()
                } else {
                    Vec::new()
                };
                let by_attendee = Index::build(n_people, |f| {
                    world_ref.activities.iter().enumerate().for_each(|(i, a)| {
                        if let Some(a) =
                            a.as_ref().filter(|a| in_year(a) && attended_kinds.get(usize::from(a.kind)).copied().unwrap_or(false))
                        {
                            let month = a.held_on.month() as u8;
                            for &p in &a.present {
                                if !attendance_in_join_month_only || join_month.get(p as usize) == Some(&month) {
                                    f(p, i as u32)
                                }
                            }
                        }
                    })
                });
                let mut minutes: Vec<Vec<u32>> = vec![Vec::new(); requirements_ref.len()];
                for (ri, r) in requirements_ref.iter().enumerate() {
                    let Some(h) = &r.hours else { continue };
                    let mut counts = vec![false; catalogue.activity_kinds.len()];
                    for &k in &h.kinds {
                        if let Some(c) = counts.get_mut(usize::from(k)) {
                            *c = true;
                        }
                    }
                    let mut acc = vec![0u32; n_people];
                    for a in world_ref.activities.iter().flatten() {
                        if in_year(a) && a.held_on <= as_of && counts.get(usize::from(a.kind)).copied().unwrap_or(false) {
                            for &p in &a.present {
                                if let Some(m) = acc.get_mut(p as usize) {
                                    *m = m.saturating_add(a.minutes);
                                }
                            }
                        }
                    }
                    minutes[ri] = acc;
                }
                (by_attendee, minutes)
            });
            let checked = world_ref.check();
            let memberships = Index::build(n_people, |f| world_ref.memberships.iter().enumerate().for_each(|(i, m)| f(m.person, i as u32)));
            let positions = Index::build(n_people, |f| world_ref.positions.iter().enumerate().for_each(|(i, p)| f(p.person, i as u32)));
            let by_host = Index::build(n_orgs, |f| {
                world_ref.activities.iter().enumerate().for_each(|(i, a)| {
                    if let Some(a) = a.as_ref().filter(|a| in_year(a)) {
                        f(a.host, i as u32)
                    }
                })
            });
            let by_presenter = Index::build(n_people, |f| {
                world_ref.activities.iter().enumerate().for_each(|(i, a)| {
                    if let Some(p) = a.as_ref().filter(|a| in_year(a)).and_then(|a| a.presenter) {
                        f(p, i as u32)
                    }
                })
            });
            let own = (checked, memberships, positions, by_host, by_presenter);
            (own, attendance.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        checked?;
        let mut frequencies: Vec<Timelines> = vec![HashMap::new(); requirements.len()];
        for s in &settings.frequencies {
            if let Some(map) = frequencies.get_mut(usize::from(s.requirement)) {
                let list = map.entry(s.org).or_default();
                list.push((s.valid_from, s.period, s.count));
                list.sort_by_key(|e| e.0);
            }
        }
        let mut exemptions: HashMap<(RequirementIx, Subject), Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
        for e in &settings.exemptions {
            exemptions.entry((e.requirement, e.subject)).or_default().push((e.from, e.to));
        }
        let org_depth_parent = world.orgs.iter().map(|o| o.parent).collect();
        let mut engine = Engine {
            catalogue: catalogue.clone(),
            requirements,
            scope,
            calendar,
            year,
            as_of,
            bounds: YearBounds::new(year),
            last_evaluated: Period::Year(year).last_day().min(as_of),
            world,
            org_depth_parent,
            memberships,
            positions,
            by_host,
            by_presenter,
            by_attendee,
            reqs_by_kind,
            attendance_in_join_month_only,
            minutes,
            frequencies,
            exemptions,
            results: Vec::new(),
            fenwick: Vec::new(),
            mutation: Mutation::None,
        };
        engine.evaluate_all();
        Ok(engine)
    }

    /// Switches to a deliberately wrong variant and evaluates again.
    #[cfg(feature = "mutants")]
    pub fn with_mutation(mut self, mutation: Mutation) -> Self {
        self.mutation = mutation;
        self.evaluate_all();
        self
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The catalogue's requirements followed by local ones.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    fn evaluate_all(&mut self) {
        let n = self.requirements.len();
        // Work items: ranges of subjects of each requirement, taken in turn by
        // as many threads as there are cores.
        let mut work: Vec<(RequirementIx, u32, u32)> = Vec::new();
        for (ri, req) in self.requirements.iter().enumerate() {
            let subjects = match req.subject {
                SubjectKind::Organization => self.world.orgs.len(),
                SubjectKind::Person => self.world.people.len(),
            } as u32;
            let step = (subjects / 16).max(4096);
            let mut from = 0;
            while from < subjects {
                let to = subjects.min(from.saturating_add(step));
                work.push((ri as RequirementIx, from, to));
                from = to;
            }
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let this = &*self;
        let mut done: Vec<Option<Chunk>> = (0..work.len()).map(|_| None).collect();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&(r, from, to)) = work.get(i) else { break };
                            out.push((i, this.evaluate_chunk(r, from, to)));
                        }
                        out
                    })
                })
                .collect();
            for h in handles {
                for (i, chunk) in h.join().unwrap_or_default() {
                    done[i] = Some(chunk);
                }
            }
        });
        // Chunks grouped by requirement; each requirement is merged and its
        // roll-up counters built on whichever thread takes it.
        let mut groups: Vec<Vec<Chunk>> = (0..n).map(|_| Vec::new()).collect();
        for (i, &(r, from, to)) in work.iter().enumerate() {
            // A chunk lost to a panicking thread is evaluated here.
            let chunk = done[i].take().unwrap_or_else(|| self.evaluate_chunk(r, from, to));
            groups[usize::from(r)].push(chunk);
        }
        let groups: Vec<std::sync::Mutex<Option<Vec<Chunk>>>> = groups.into_iter().map(|g| std::sync::Mutex::new(Some(g))).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut merged: Vec<Option<(ReqCells, [Fenwick; 6])>> = (0..n).map(|_| None).collect();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let r = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(slot) = groups.get(r) else { break };
                            let chunks = slot.lock().ok().and_then(|mut g| g.take()).unwrap_or_default();
                            let rc = this.merge(r as RequirementIx, chunks);
                            let fenwick = this.fenwick_for(&rc);
                            out.push((r, (rc, fenwick)));
                        }
                        out
                    })
                })
                .collect();
            for h in handles {
                for (r, result) in h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)) {
                    merged[r] = Some(result);
                }
            }
        });
        let (results, fenwick): (Vec<ReqCells>, Vec<[Fenwick; 6]>) =
            merged.into_iter().enumerate().map(|(r, m)| m.unwrap_or_else(|| self.merge_alone(r as RequirementIx))).unzip();
        self.fenwick = fenwick;
        self.results = results;
    }

    /// Puts the chunks of one requirement, in subject order, into one set of
    /// rows; their cells stay where the threads wrote them.
    fn merge(&self, r: RequirementIx, chunks: Vec<Chunk>) -> ReqCells {
        let subjects = match self.requirements[usize::from(r)].subject {
            SubjectKind::Organization => self.world.orgs.len(),
            SubjectKind::Person => self.world.people.len(),
        };
        let mut rc = ReqCells { row_of: vec![NO_ROW; subjects], ..ReqCells::default() };
        rc.rows.reserve_exact(chunks.iter().map(|c| c.rows.len()).sum());
        for (part, chunk) in chunks.into_iter().enumerate() {
            for row in chunk.rows {
                rc.row_of[row.subject as usize] = rc.rows.len() as u32;
                rc.rows.push(Row { part: part as u32, ..row });
            }
            rc.parts.push(Part { cells: chunk.cells, evidence: chunk.evidence });
        }
        rc
    }

    /// Evaluates one requirement on this thread (when a worker was lost).
    fn merge_alone(&self, r: RequirementIx) -> (ReqCells, [Fenwick; 6]) {
        let subjects = match self.requirements[usize::from(r)].subject {
            SubjectKind::Organization => self.world.orgs.len(),
            SubjectKind::Person => self.world.people.len(),
        } as u32;
        let rc = self.merge(r, vec![self.evaluate_chunk(r, 0, subjects)]);
        let fenwick = self.fenwick_for(&rc);
        (rc, fenwick)
    }

    fn fenwick_for(&self, rc: &ReqCells) -> [Fenwick; 6] {
        let n = self.world.orgs.len();
        let mut counts: [Vec<i32>; 6] = std::array::from_fn(|_| Vec::new());
        for row in &rc.rows {
            for c in rc.cells(row) {
                let slot = &mut counts[c.status.slot()];
                if slot.is_empty() {
                    *slot = vec![0i32; n + 1];
                }
                if let Some(count) = slot.get_mut(row.home as usize + 1) {
                    *count += 1;
                }
            }
        }
        counts.map(|c| if c.is_empty() { Fenwick { tree: Vec::new(), n } } else { Fenwick::from_counts(c, n) })
    }

    fn evaluate_chunk(&self, r: RequirementIx, from: u32, to: u32) -> Chunk {
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
                self.evaluate_row(r, subject, home, &spans, &mut scratch, &mut out.cells, &mut out.evidence);
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
    fn row_home(&self, r: RequirementIx, subject: Subject, spans: &mut Vec<Span>) -> Option<u32> {
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

    fn in_subtree(&self, o: u32, root: u32) -> bool {
        self.world.orgs.get(root as usize).is_some_and(|r| root <= o && o < r.subtree_end)
    }

    /// The organization a person counts under: their membership on the last
    /// evaluated day, or their latest membership.
    fn home_org(&self, p: u32) -> Option<u32> {
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
    fn periods_of(&self, r: RequirementIx, subject: Subject, home: u32, out: &mut Vec<(Period, u32)>) {
        out.clear();
        let req = &self.requirements[usize::from(r)];
        let default = [(NaiveDate::MIN, req.period, req.count)];
        let mut local: &[(NaiveDate, PeriodKind, u32)] = &[];
        if req.locally_set {
            let map = &self.frequencies[usize::from(r)];
            let mut at = if map.is_empty() { None } else { Some(home) };
            while let Some(o) = at {
                if let Some(list) = map.get(&o) {
                    local = list;
                    break;
                }
                at = self.org_depth_parent.get(o as usize).copied().flatten();
            }
        }
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

    fn exempt(&self, r: RequirementIx, subject: Subject, period: Period) -> bool {
        !self.exemptions.is_empty()
            && self.exemptions.get(&(r, subject)).is_some_and(|list| {
                list.iter().any(|(from, to)| {
                    let lo = (*from).max(self.bounds.of(period).first);
                    let hi = (*to).min(self.bounds.of(period).last);
                    hi >= lo && ((hi - lo).num_days() + 1) * 2 >= self.bounds.of(period).days
                })
            })
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

    /// The first condition an activity fails, if any.
    fn failed_condition(&self, req: &Requirement, act: &ActivityFact) -> Option<WhyCode> {
        let s = &req.satisfied_by;
        if s.host_grassroots && !self.world.orgs.get(act.host as usize).is_some_and(|o| o.is_grassroots()) {
            return Some(WhyCode::NotAtGrassroots);
        }
        if req.period != PeriodKind::PerMeeting
            && let Some(first) = s.first_agenda_item
            && act.agenda.first() != Some(&first)
        {
            return Some(WhyCode::FirstItemNotStudy);
        }
        if s.agenda_includes.iter().any(|k| !act.agenda.contains(k)) {
            return Some(WhyCode::AgendaItemMissing);
        }
        if s.quorum == Some(Quorum::MoreThanHalf) && act.has_quorum() == (self.mutation == Mutation::QuorumFlipped) {
            return Some(WhyCode::HeldWithoutQuorum);
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn evaluate_row<'a>(
        &'a self,
        r: RequirementIx,
        subject: Subject,
        home: u32,
        spans: &[Span],
        scratch: &mut Scratch<'a>,
        cells: &mut Vec<CellRec>,
        evidence: &mut Vec<u32>,
    ) {
        let req = &self.requirements[usize::from(r)];
        let mut periods = std::mem::take(&mut scratch.periods);
        self.periods_of(r, subject, home, &mut periods);
        // Candidate activities for the whole row.
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
        let candidates = &scratch.facts;
        let joined_this_year = match subject {
            Subject::Person(p) => self.world.people.get(p as usize).is_some_and(|x| x.joined_on.year() >= self.year),
            Subject::Org(_) => false,
        };
        for &(period, count) in &periods {
            let ev_start = evidence.len() as u32;
            let mut rec = CellRec {
                period: PeriodCode::of(period),
                status: Status::NotApplicable,
                why: WhyCode::NotBound,
                found: 0,
                needed: count,
                ev_start,
                ev_len: 0,
            };
            let covered =
                spans.iter().any(|(from, to)| *from <= self.bounds.of(period).mid && to.is_none_or(|t| t > self.bounds.of(period).last));
            let b = self.bounds.of(period);
            let in_period = candidates.iter().filter(|(_, act)| b.first <= act.held_on && act.held_on <= b.last);
            if req.period == PeriodKind::PerMeeting {
                // One cell per month in which such meetings were held.
                let meetings: Vec<&(u32, &ActivityFact)> = in_period.collect();
                if meetings.is_empty() {
                    continue;
                }
                let first = req.satisfied_by.first_agenda_item;
                let broken = meetings.iter().filter(|(_, act)| first.is_some_and(|f| act.agenda.first() != Some(&f))).count() as u32;
                evidence.extend(meetings.iter().map(|(a, _)| *a));
                rec.found = broken;
                rec.needed = meetings.len() as u32;
                (rec.status, rec.why) = if broken == 0 {
                    (Status::Met, WhyCode::EveryMeetingOpenedWithStudy)
                } else {
                    (Status::Missed, WhyCode::MeetingsWithoutStudy)
                };
            } else if let Some(hours) = &req.hours {
                let minutes = self.minutes.get(usize::from(r)).and_then(|m| match subject {
                    Subject::Person(p) => m.get(p as usize).copied(),
                    Subject::Org(_) => None,
                });
                let raised = match (&hours.raised, subject) {
                    (Some((min, rule)), Subject::Person(p)) => {
                        let holds = self.positions.base(p, p + 1).iter().filter_map(|&i| self.world.positions.get(i as usize)).any(|pos| {
                            pos.from <= self.bounds.of(period).last.min(self.as_of)
                                && pos.to.is_none_or(|t| t > self.bounds.of(period).first)
                                && self.world.orgs.get(pos.org as usize).is_some_and(|o| rule.matches(pos.kind, o.kind, o.level))
                        });
                        holds.then_some(*min)
                    }
                    _ => None,
                };
                let minimum = raised.unwrap_or(hours.minimum);
                // Members who joined during the year owe a share by months.
                let start = spans.iter().filter(|(_, to)| to.is_none_or(|t| t > self.bounds.of(period).first)).map(|(from, _)| *from).min();
                let months = match start {
                    Some(s) if s > self.bounds.of(period).first => 12 - s.month0(),
                    _ => 12,
                };
                let needed = (u64::from(minimum) * u64::from(self.catalogue.class_hour_minutes) * u64::from(months)).div_ceil(12) as u32;
                rec.needed = needed;
                rec.found = minutes.unwrap_or(0);
                let bound = spans.iter().any(|(from, to)| {
                    *from <= self.bounds.of(period).last && to.is_none_or(|t| t > self.bounds.of(period).last.min(self.as_of))
                });
                if !bound {
                    rec.why = WhyCode::NotBound;
                } else if self.exempt(r, subject, period) {
                    (rec.status, rec.why) = (Status::Exempt, WhyCode::Exempted);
                } else if rec.found >= needed {
                    (rec.status, rec.why) = (Status::Met, WhyCode::HoursReached);
                } else {
                    rec.status = self.unmet_status(period);
                    rec.why = WhyCode::HoursShort;
                }
                cells.push(rec);
                continue;
            } else {
                let mut matched = 0u32;
                let mut parts_covered = 0u32;
                let mut first_failure: Option<(WhyCode, u32)> = None;
                for (a, act) in in_period {
                    match self.failed_condition(req, act) {
                        None => {
                            if let Some(each) = &req.satisfied_by.each_of {
                                let part = match each {
                                    EachOf::VisitKinds(v) => act.visit_kind.and_then(|k| v.iter().position(|x| *x == k)),
                                    EachOf::Polarities(v) => act.polarity.and_then(|k| v.iter().position(|x| *x == k)),
                                };
                                if let Some(i) = part {
                                    parts_covered |= 1 << i;
                                    evidence.push(*a);
                                }
                            } else {
                                matched += 1;
                                evidence.push(*a);
                            }
                        }
                        Some(why) => match &mut first_failure {
                            Some((w, n)) if *w == why => *n += 1,
                            None => first_failure = Some((why, 1)),
                            Some(_) => {}
                        },
                    }
                }
                let (met, why) = match &req.satisfied_by.each_of {
                    Some(each) => {
                        let all = (1u32 << each.len()) - 1;
                        rec.found = parts_covered;
                        rec.needed = all;
                        if parts_covered == all { (true, WhyCode::AllParts) } else { (false, WhyCode::PartsMissing) }
                    }
                    None => {
                        rec.found = matched;
                        if matched >= count {
                            (true, WhyCode::Held)
                        } else if let Some((why, n)) = first_failure {
                            rec.found = n;
                            (false, why)
                        } else {
                            (false, WhyCode::NotEnough)
                        }
                    }
                };
                rec.why = why;
                rec.status = if met { Status::Met } else { self.unmet_status(period) };
            }
            // Binding, exemption and unbuilt features come before the record.
            if req.feature_not_built.is_some() {
                (rec.status, rec.why) = (Status::NotApplicable, WhyCode::FeatureNotBuilt);
            } else if !covered {
                rec.status = Status::NotApplicable;
                rec.why = if matches!(subject, Subject::Org(_)) { WhyCode::NotExisting } else { WhyCode::NotBound };
            } else if req.period == PeriodKind::JoinMonth && joined_this_year {
                (rec.status, rec.why) = (Status::NotApplicable, WhyCode::JoinedThisYear);
            } else if self.exempt(r, subject, period) {
                (rec.status, rec.why) = (Status::Exempt, WhyCode::Exempted);
            }
            if rec.status == Status::NotApplicable || rec.status == Status::Exempt {
                evidence.truncate(ev_start as usize);
            }
            rec.ev_len = evidence.len() as u32 - ev_start;
            cells.push(rec);
        }
        scratch.periods = periods;
    }

    /// Due, overdue or missed for a period not met, by the as-of date.
    fn unmet_status(&self, period: Period) -> Status {
        if self.as_of <= self.bounds.of(period).last {
            Status::Due
        } else if self.as_of <= self.late_entry_deadline(period) {
            Status::Overdue
        } else {
            Status::Missed
        }
    }

    /// The last day on which a record for `period` still counts before the
    /// cell becomes missed: the period's last day plus the late-entry window
    /// (calendar or working days).
    pub fn late_entry_deadline(&self, period: Period) -> NaiveDate {
        let end = period.last_day();
        let mut window = self.catalogue.late_window;
        if self.mutation == Mutation::NoLateWindow {
            window.days = 0;
        }
        if window.working_days {
            self.calendar.add_working_days(end, window.days)
        } else {
            end.checked_add_days(chrono::Days::new(u64::from(window.days))).unwrap_or(end)
        }
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
