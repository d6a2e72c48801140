//! The evaluation engine: (catalogue, tree, activities, settings and
//! exemptions, as-of date) → cells, one per requirement × subject × period,
//! each with a status, the evidence activities and a reason.
//!
//! Cells are grouped in rows (one requirement × one subject). A full
//! evaluation computes every row; recording, editing or deleting one activity
//! recomputes only the rows that activity touches (its host organization, its
//! presenter, its attendees), from indexes kept by the engine, and updates the
//! subtree counters used by roll-ups. Either way a row's cells depend only on
//! the facts, the settings and the as-of date, never on the order in which
//! they were recorded or on how the work was split over threads.
//!
//! The parts, each in its own module: building the indexes (`build`),
//! spreading rows over threads and merging their results (`schedule`),
//! deciding which subjects have a row and which periods it holds (`rows`),
//! gathering a row's candidate activities (`candidates`), evaluating its
//! cells by the family of its requirement (`families`), the rules the
//! deliberately wrong variants bend (`policy`), incremental updates
//! (`incremental`) and reading the results (`read`).

use crate::calendar::Calendar;
use crate::catalogue::{Catalogue, Requirement, RequirementIx};
use crate::period::{Period, PeriodKind};
use crate::settings::Settings;
use crate::why::WhyCode;
use crate::world::{ActivityFact, World, WorldError};
use chrono::NaiveDate;
use std::collections::HashMap;

mod bounds;
mod build;
mod candidates;
mod counters;
mod families;
mod incremental;
mod index;
mod policy;
mod read;
mod rows;
mod schedule;

use bounds::{PeriodCode, YearBounds};
use counters::Fenwick;
use index::Index;
#[cfg(feature = "mutants")]
pub use policy::Mutation;

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

/// A cell as stored: 20 bytes, its period in one byte and its evidence a
/// range of the part's evidence list.
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
    /// The deliberately wrong variant evaluated (tests only).
    #[cfg(feature = "mutants")]
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

/// Rows with their cells and evidence: those of one requirement for a range
/// of subjects, or one recomputed row.
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
        let mut engine = Engine::unevaluated(catalogue, calendar, world, settings, year, as_of)?;
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
}
