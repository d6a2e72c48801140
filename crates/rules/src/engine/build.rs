//! Building an engine before its first evaluation: the requirements (the
//! catalogue's, then local ones), which requirements each activity kind can
//! touch, the indexes from organizations and people to their facts, the
//! class-hour minutes, local frequencies and exemptions.
//!
//! The world is checked while the indexes are built (on two threads); an
//! index build leaves out keys outside the world, so nothing is read out of
//! bounds before the check has failed.

use super::{Engine, Index, Subject, Timelines, YearBounds};
use crate::calendar::Calendar;
use crate::catalogue::{Catalogue, KindIx, Requirement, RequirementIx};
use crate::period::{Period, PeriodKind};
use crate::settings::Settings;
use crate::world::{ActivityFact, World, WorldError};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// The year and day evaluated.
#[derive(Clone, Copy)]
struct When {
    year: i32,
    as_of: NaiveDate,
}

impl When {
    fn in_year(self, a: &ActivityFact) -> bool {
        a.held_on.year() == self.year
    }
}

/// What the activity kinds are used for by the requirements.
struct KindUse {
    /// Requirements each activity kind can touch.
    reqs_by_kind: Vec<Vec<RequirementIx>>,
    /// Kinds whose attendance meets some requirement.
    attended: Vec<bool>,
    /// Every requirement met by attendance is a political birthday, so only
    /// attendance in the attendee's month of joining can ever count.
    attendance_in_join_month_only: bool,
}

impl KindUse {
    fn of(requirements: &[Requirement], n_kinds: usize) -> Self {
        let mut reqs_by_kind: Vec<Vec<RequirementIx>> = vec![Vec::new(); n_kinds];
        let mut attended = vec![false; n_kinds];
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
                    if let Some(flag) = attended.get_mut(usize::from(k)) {
                        *flag = true;
                    }
                }
            }
        }
        let attendance_in_join_month_only =
            requirements.iter().filter(|r| r.satisfied_by.attended_by_subject).all(|r| r.period == PeriodKind::JoinMonth);
        KindUse { reqs_by_kind, attended, attendance_in_join_month_only }
    }
}

/// The indexes from organizations and people to facts.
struct Indexes {
    memberships: Index,
    positions: Index,
    by_host: Index,
    by_presenter: Index,
    by_attendee: Index,
    minutes: Vec<Vec<u32>>,
}

impl Indexes {
    /// Attendance (and class-hour minutes) on one thread, the check and the
    /// other indexes on this one.
    fn build(world: &World, requirements: &[Requirement], kinds: &KindUse, n_kinds: usize, when: When) -> Result<Self, WorldError> {
        let (n_orgs, n_people) = (world.orgs.len(), world.people.len());
        let (checked, indexes) = std::thread::scope(|scope| {
            let attendance = scope.spawn(move || {
                let by_attendee = attendance_index(world, kinds, when);
                (by_attendee, class_hour_minutes(world, requirements, n_kinds, when))
            });
            let checked = world.check();
            let memberships = Index::build(n_people, |f| world.memberships.iter().enumerate().for_each(|(i, m)| f(m.person, i as u32)));
            let positions = Index::build(n_people, |f| world.positions.iter().enumerate().for_each(|(i, p)| f(p.person, i as u32)));
            let by_host = Index::build(n_orgs, |f| {
                world.activities.iter().enumerate().for_each(|(i, a)| {
                    if let Some(a) = a.as_ref().filter(|a| when.in_year(a)) {
                        f(a.host, i as u32)
                    }
                })
            });
            let by_presenter = Index::build(n_people, |f| {
                world.activities.iter().enumerate().for_each(|(i, a)| {
                    if let Some(p) = a.as_ref().filter(|a| when.in_year(a)).and_then(|a| a.presenter) {
                        f(p, i as u32)
                    }
                })
            });
            let (by_attendee, minutes) = attendance.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (checked, Indexes { memberships, positions, by_host, by_presenter, by_attendee, minutes })
        });
        checked.map(|()| indexes)
    }
}

/// Activities by attendee, for the kinds whose attendance counts (only in
/// the attendee's month of joining when that is all that can count).
fn attendance_index(world: &World, kinds: &KindUse, when: When) -> Index {
    let join_month_only = kinds.attendance_in_join_month_only;
    // Months of joining in one byte each, read for every attendance.
    let join_month: Vec<u8> = if join_month_only { world.people.iter().map(|x| x.joined_on.month() as u8).collect() } else { Vec::new() };
    Index::build(world.people.len(), |f| {
        world.activities.iter().enumerate().for_each(|(i, a)| {
            if let Some(a) = a.as_ref().filter(|a| when.in_year(a) && kinds.attended.get(usize::from(a.kind)).copied().unwrap_or(false)) {
                let month = a.held_on.month() as u8;
                for &p in &a.present {
                    if !join_month_only || join_month.get(p as usize) == Some(&month) {
                        f(p, i as u32)
                    }
                }
            }
        })
    })
}

/// Attended minutes per person up to the as-of day, for each class-hours
/// requirement (empty for the others).
fn class_hour_minutes(world: &World, requirements: &[Requirement], n_kinds: usize, when: When) -> Vec<Vec<u32>> {
    let mut minutes: Vec<Vec<u32>> = vec![Vec::new(); requirements.len()];
    for (ri, r) in requirements.iter().enumerate() {
        let Some(h) = &r.hours else { continue };
        let mut counts = vec![false; n_kinds];
        for &k in &h.kinds {
            if let Some(c) = counts.get_mut(usize::from(k)) {
                *c = true;
            }
        }
        let mut acc = vec![0u32; world.people.len()];
        for a in world.activities.iter().flatten() {
            if when.in_year(a) && a.held_on <= when.as_of && counts.get(usize::from(a.kind)).copied().unwrap_or(false) {
                for &p in &a.present {
                    if let Some(m) = acc.get_mut(p as usize) {
                        *m = m.saturating_add(a.minutes);
                    }
                }
            }
        }
        minutes[ri] = acc;
    }
    minutes
}

/// The catalogue's requirements followed by local ones, with the scope of each
/// local one (the organization whose subtree it binds and its first day).
fn with_local_requirements(catalogue: &Catalogue, settings: &Settings) -> (Vec<Requirement>, Vec<Option<(u32, NaiveDate)>>) {
    let mut requirements = catalogue.requirements.clone();
    let mut scope = vec![None; requirements.len()];
    for (req, org, from) in &settings.local_requirements {
        requirements.push(req.clone());
        scope.push(Some((*org, *from)));
    }
    (requirements, scope)
}

/// Local frequency settings by requirement and organization, each list by
/// valid-from day.
fn frequencies(settings: &Settings, n_requirements: usize) -> Vec<Timelines> {
    let mut frequencies: Vec<Timelines> = vec![HashMap::new(); n_requirements];
    for s in &settings.frequencies {
        if let Some(map) = frequencies.get_mut(usize::from(s.requirement)) {
            let list = map.entry(s.org).or_default();
            list.push((s.valid_from, s.period, s.count));
            list.sort_by_key(|e| e.0);
        }
    }
    frequencies
}

type Exemptions = HashMap<(RequirementIx, Subject), Vec<(NaiveDate, NaiveDate)>>;

fn exemptions(settings: &Settings) -> Exemptions {
    let mut exemptions: Exemptions = HashMap::new();
    for e in &settings.exemptions {
        exemptions.entry((e.requirement, e.subject)).or_default().push((e.from, e.to));
    }
    exemptions
}

impl Engine {
    /// The engine with its indexes built and nothing evaluated yet.
    pub(super) fn unevaluated(
        catalogue: &Catalogue,
        calendar: Calendar,
        world: World,
        settings: &Settings,
        year: i32,
        as_of: NaiveDate,
    ) -> Result<Self, WorldError> {
        let (requirements, scope) = with_local_requirements(catalogue, settings);
        let n_kinds = catalogue.activity_kinds.len();
        let kinds = KindUse::of(&requirements, n_kinds);
        let indexes = Indexes::build(&world, &requirements, &kinds, n_kinds, When { year, as_of })?;
        let frequencies = frequencies(settings, requirements.len());
        let org_depth_parent = world.orgs.iter().map(|o| o.parent).collect();
        Ok(Engine {
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
            memberships: indexes.memberships,
            positions: indexes.positions,
            by_host: indexes.by_host,
            by_presenter: indexes.by_presenter,
            by_attendee: indexes.by_attendee,
            reqs_by_kind: kinds.reqs_by_kind,
            attendance_in_join_month_only: kinds.attendance_in_join_month_only,
            minutes: indexes.minutes,
            frequencies,
            exemptions: exemptions(settings),
            results: Vec::new(),
            fenwick: Vec::new(),
            #[cfg(feature = "mutants")]
            mutation: super::Mutation::None,
        })
    }
}
