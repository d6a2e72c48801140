//! What is open for a subject: the cells of a person or an organization
//! that are due (the period lasts) or overdue (the period ended, the
//! late-entry window has not), each with the day it falls due, the
//! requirement's title and why. The web's calendar feeds and pages and the
//! jobs' weekly digest all list these, from whichever evaluation they have
//! at hand ([`OpenObligations`]).

use crate::Store;
use crate::evaluation::Loaded;
use chrono::{Datelike, NaiveDate};
use domain::{Id, Message};
use rules::catalogue::{Catalogue, Lang};
use rules::{Engine, Period, Status, Subject};
use std::future::Future;

/// A person or an organization, by its stored id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectRef {
    Person(Id),
    Org(Id),
}

impl SubjectRef {
    pub fn id(&self) -> &Id {
        match self {
            SubjectRef::Person(id) | SubjectRef::Org(id) => id,
        }
    }

    /// The engine's subject for this id in a loaded world, if it is there.
    pub fn resolve(&self, loaded: &Loaded) -> Option<Subject> {
        match self {
            SubjectRef::Person(id) => loaded.person_index.get(id).map(|&ix| Subject::Person(ix)),
            SubjectRef::Org(id) => loaded.org_index.get(id).map(|&ix| Subject::Org(ix)),
        }
    }
}

/// One open obligation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obligation {
    /// The requirement id of the catalogue (or of a local requirement).
    pub requirement_id: String,
    /// The requirement's title in Chinese and in English (catalogue data).
    pub title_zh: String,
    pub title_en: String,
    pub period: Period,
    /// [`Status::Due`] or [`Status::Overdue`].
    pub status: Status,
    /// The last day of the period for a due cell; the last day of the
    /// late-entry window for an overdue one.
    pub due_on: NaiveDate,
    /// Why the cell is not met.
    pub why: Message,
}

impl Obligation {
    /// The requirement's title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.title_zh,
            Lang::En => &self.title_en,
        }
    }

    pub fn is_overdue(&self) -> bool {
        self.status == Status::Overdue
    }
}

/// The years that can still hold open obligations on `today`: this year,
/// and last year while its last periods may still be inside the late-entry
/// window (a window in working days is bounded by twice as many calendar
/// days; the cells themselves say exactly which are still overdue).
pub fn open_years(catalogue: &Catalogue, today: NaiveDate) -> Vec<i32> {
    let window = catalogue.late_window;
    let bound = u64::from(window.days) * if window.working_days { 2 } else { 1 };
    let last_year_end = NaiveDate::from_ymd_opt(today.year() - 1, 12, 31);
    let last_open = last_year_end.and_then(|d| d.checked_add_days(chrono::Days::new(bound)));
    if last_open.is_some_and(|d| today <= d) { vec![today.year() - 1, today.year()] } else { vec![today.year()] }
}

/// Puts the obligations of several years together, soonest first.
pub fn merge_years(per_year: Vec<Vec<Vec<Obligation>>>, subjects: usize) -> Vec<Vec<Obligation>> {
    let mut out: Vec<Vec<Obligation>> = vec![Vec::new(); subjects];
    for year in per_year {
        for (all, these) in out.iter_mut().zip(year) {
            all.extend(these);
        }
    }
    for list in &mut out {
        list.sort_by(|a, b| (a.due_on, &a.requirement_id, a.period).cmp(&(b.due_on, &b.requirement_id, b.period)));
    }
    out
}

/// The open obligations of `subject`, soonest first.
pub fn open_obligations(engine: &Engine, subject: Subject) -> Vec<Obligation> {
    let requirements = engine.requirements();
    let mut open: Vec<Obligation> = engine
        .cells_of(subject)
        .into_iter()
        .filter(|c| matches!(c.status, Status::Due | Status::Overdue))
        .filter_map(|c| {
            let r = requirements.get(usize::from(c.requirement))?;
            let due_on = if c.status == Status::Overdue { engine.late_entry_deadline(c.period) } else { c.period.last_day() };
            Some(Obligation {
                requirement_id: r.id.clone(),
                title_zh: r.title(Lang::Zh).to_owned(),
                title_en: r.title(Lang::En).to_owned(),
                period: c.period,
                status: c.status,
                due_on,
                why: rules::why::message(engine.catalogue(), r, c.why, c.found, c.needed),
            })
        })
        .collect();
    open.sort_by(|a, b| (a.due_on, &a.requirement_id, a.period).cmp(&(b.due_on, &b.requirement_id, b.period)));
    open
}

/// Why the open obligations could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ObligationsError {
    #[error(transparent)]
    Store(#[from] crate::StoreError),
    #[error("the records cannot be evaluated: {0}")]
    World(#[from] rules::world::WorldError),
    #[error("the evaluation failed: {0}")]
    Evaluation(String),
}

/// Where the open obligations come from: the web server's evaluation kept
/// current, or one built from the records for the occasion.
pub trait OpenObligations: Sync {
    /// The open obligations of each subject (in the order given) as of
    /// `today`: this year's, and last year's while its late-entry window
    /// lasts ([`open_years`]); an unknown subject has none.
    fn open_obligations(
        &self,
        store: &Store,
        today: NaiveDate,
        subjects: &[SubjectRef],
    ) -> impl Future<Output = Result<Vec<Vec<Obligation>>, ObligationsError>> + Send;
}

impl<T: OpenObligations + Send> OpenObligations for std::sync::Arc<T> {
    fn open_obligations(
        &self,
        store: &Store,
        today: NaiveDate,
        subjects: &[SubjectRef],
    ) -> impl Future<Output = Result<Vec<Vec<Obligation>>, ObligationsError>> + Send {
        (**self).open_obligations(store, today, subjects)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn last_year_stays_open_through_its_late_entry_window() {
        let cat = Catalogue::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cat.late_window.days, 10);
        assert_eq!(open_years(&cat, day("2026-01-05")), vec![2025, 2026]);
        assert_eq!(open_years(&cat, day("2026-01-10")), vec![2025, 2026]);
        assert_eq!(open_years(&cat, day("2026-01-11")), vec![2026]);
        assert_eq!(open_years(&cat, day("2026-11-23")), vec![2026]);
    }
}
