//! The words of the catalogue's vocabulary that the program itself names.
//!
//! Activity, agenda-item and visit kinds are data (`catalogue/vocabulary.toml`):
//! a deployment may add its own. A few carry behaviour in the code — a
//! grassroots visit names its kind of visit, a political birthday is recorded
//! in one step, problems are raised at life meetings — and those are named
//! here, once, as enums. [`check`] holds the catalogue to them when it loads,
//! so a vocabulary that lost one of them is refused at start instead of
//! failing in a handler.

use crate::catalogue::{Catalogue, Term};

/// Activity kinds with behaviour of their own in the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActivityKind {
    /// A "four under the grassroots" visit: names its kind of visit.
    GrassrootsVisit,
    /// A typical-case analysis: says whether the case is positive or negative.
    CaseAnalysis,
    /// A research visit: may belong to a research project.
    ResearchVisit,
    /// A political birthday, recorded for several members in one step.
    PoliticalBirthday,
    /// A leadership team's democratic life meeting: raises problems.
    DemocraticLifeMeeting,
    /// A branch's organizational life meeting: raises problems.
    OrganizationalLifeMeeting,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 6] = [
        ActivityKind::GrassrootsVisit,
        ActivityKind::CaseAnalysis,
        ActivityKind::ResearchVisit,
        ActivityKind::PoliticalBirthday,
        ActivityKind::DemocraticLifeMeeting,
        ActivityKind::OrganizationalLifeMeeting,
    ];

    /// The kind's code in the catalogue.
    pub const fn code(self) -> &'static str {
        match self {
            ActivityKind::GrassrootsVisit => "grassroots_visit",
            ActivityKind::CaseAnalysis => "case_analysis",
            ActivityKind::ResearchVisit => "research_visit",
            ActivityKind::PoliticalBirthday => "political_birthday",
            ActivityKind::DemocraticLifeMeeting => "democratic_life_meeting",
            ActivityKind::OrganizationalLifeMeeting => "organizational_life_meeting",
        }
    }

    /// Whether `code` is this kind.
    pub fn is(self, code: &str) -> bool {
        self.code() == code
    }

    /// Kinds whose records may belong to a research project.
    pub fn links_research(code: &str) -> bool {
        [ActivityKind::GrassrootsVisit, ActivityKind::CaseAnalysis, ActivityKind::ResearchVisit].iter().any(|k| k.is(code))
    }

    /// Kinds at which problems are raised (the two life meetings).
    pub fn raises_problems(code: &str) -> bool {
        [ActivityKind::DemocraticLifeMeeting, ActivityKind::OrganizationalLifeMeeting].iter().any(|k| k.is(code))
    }
}

/// Agenda-item kinds the code puts on an agenda itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AgendaKind {
    /// Renewing the admission oath (a political birthday's first item).
    OathReview,
    /// Business of the organization: the item a new agenda starts with.
    Business,
    /// Anything else.
    Other,
}

impl AgendaKind {
    pub const ALL: [AgendaKind; 3] = [AgendaKind::OathReview, AgendaKind::Business, AgendaKind::Other];

    /// The kind's code in the catalogue.
    pub const fn code(self) -> &'static str {
        match self {
            AgendaKind::OathReview => "oath_review",
            AgendaKind::Business => "business",
            AgendaKind::Other => "other",
        }
    }
}

/// A word the code names that the catalogue's vocabulary lacks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the vocabulary has no {table} '{code}', which the program needs")]
pub struct Missing {
    pub table: &'static str,
    pub code: &'static str,
}

/// Checks that the catalogue's vocabulary has every kind named here.
pub fn check(catalogue: &Catalogue) -> Result<(), Missing> {
    let has = |terms: &[Term], code: &str| terms.iter().any(|t| t.code == code);
    for kind in ActivityKind::ALL {
        if !has(&catalogue.activity_kinds, kind.code()) {
            return Err(Missing { table: "activity_kind", code: kind.code() });
        }
    }
    for kind in AgendaKind::ALL {
        if !has(&catalogue.agenda_kinds, kind.code()) {
            return Err(Missing { table: "agenda_kind", code: kind.code() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalogue_has_every_kind_the_program_names() {
        let catalogue = Catalogue::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check(&catalogue), Ok(()));
        let mut without = catalogue.clone();
        without.agenda_kinds.retain(|t| t.code != "oath_review");
        assert_eq!(check(&without), Err(Missing { table: "agenda_kind", code: "oath_review" }));
    }
}
