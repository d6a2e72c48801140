//! What is open for a subject: the cells of a person or an organization
//! that are due (the period lasts) or overdue (the period ended, the
//! late-entry window has not), each with the day it falls due, the
//! requirement's title and the reason sentence. The calendar feeds and the
//! weekly digest both list these.

use chrono::NaiveDate;
use domain::Id;
use rules::catalogue::Lang;
use rules::{Engine, Period, Status, Subject};
use store::evaluation::Loaded;

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
    /// The requirement's title in the language asked for.
    pub title: String,
    pub period: Period,
    /// [`Status::Due`] or [`Status::Overdue`].
    pub status: Status,
    /// The last day of the period for a due cell; the last day of the
    /// late-entry window for an overdue one.
    pub due_on: NaiveDate,
    /// Why the cell is not met, in the language asked for.
    pub why: String,
}

impl Obligation {
    pub fn is_overdue(&self) -> bool {
        self.status == Status::Overdue
    }
}

/// The open obligations of `subject`, soonest first.
pub fn open_obligations(engine: &Engine, subject: Subject, lang: Lang) -> Vec<Obligation> {
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
                title: r.title(lang).to_owned(),
                period: c.period,
                status: c.status,
                due_on,
                why: rules::why::sentence(engine.catalogue(), r, c.why, c.found, c.needed, lang),
            })
        })
        .collect();
    open.sort_by(|a, b| (a.due_on, &a.requirement_id, a.period).cmp(&(b.due_on, &b.requirement_id, b.period)));
    open
}
