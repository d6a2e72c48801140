//! The catalogue indices the generator uses, looked up by code once.

use super::GenerateError;
use rules::catalogue::{Catalogue, KindIx};

/// The catalogue indices the generator uses.
pub(crate) struct Kinds {
    pub(crate) committee_meeting: KindIx,
    pub(crate) group_meeting: KindIx,
    pub(crate) assembly: KindIx,
    pub(crate) lesson: KindIx,
    pub(crate) party_class: KindIx,
    pub(crate) theme_day: KindIx,
    pub(crate) birthday: KindIx,
    pub(crate) center_group: KindIx,
    pub(crate) standing: KindIx,
    pub(crate) party_group_meeting: KindIx,
    pub(crate) reading: KindIx,
    pub(crate) visit: KindIx,
    pub(crate) case: KindIx,
    pub(crate) democratic_life: KindIx,
    pub(crate) organizational_life: KindIx,
    pub(crate) discipline: KindIx,
    pub(crate) theory: u16,
    pub(crate) business: u16,
    pub(crate) three_musts: u16,
    pub(crate) negative_case: u16,
    pub(crate) criticism: u16,
    pub(crate) appraisal: u16,
    pub(crate) oath: u16,
    pub(crate) visits: [u16; 4],
}

impl Kinds {
    pub(crate) fn of(c: &Catalogue) -> Result<Self, GenerateError> {
        let kind = |code: &'static str| c.kind(code).ok_or(GenerateError::MissingCode { what: "activity kind", code });
        let agenda = |code: &'static str| c.agenda_kind(code).ok_or(GenerateError::MissingCode { what: "agenda item kind", code });
        let visit = |code: &'static str| c.visit_kind(code).ok_or(GenerateError::MissingCode { what: "visit kind", code });
        Ok(Kinds {
            committee_meeting: kind("branch_committee_meeting")?,
            group_meeting: kind("group_meeting")?,
            assembly: kind("members_assembly")?,
            lesson: kind("party_lesson")?,
            party_class: kind("party_class")?,
            theme_day: kind("theme_party_day")?,
            birthday: kind("political_birthday")?,
            center_group: kind("center_group_study")?,
            standing: kind("standing_committee_meeting")?,
            party_group_meeting: kind("party_group_meeting")?,
            reading: kind("reading_class")?,
            visit: kind("grassroots_visit")?,
            case: kind("case_analysis")?,
            democratic_life: kind("democratic_life_meeting")?,
            organizational_life: kind("organizational_life_meeting")?,
            discipline: kind("discipline_education")?,
            theory: agenda("theory_study")?,
            business: agenda("business")?,
            three_musts: agenda("three_musts_comparison")?,
            negative_case: agenda("negative_case_analysis")?,
            criticism: agenda("criticism_self_criticism")?,
            appraisal: agenda("democratic_appraisal")?,
            oath: agenda("oath_review")?,
            visits: [visit("publicize")?, visit("investigate")?, visit("receive_petitions")?, visit("on_site_work")?],
        })
    }
}
