//! Why a cell has its status: a stable code for machines ([`WhyCode`]) and
//! a message for people ([`message`]), whose words are in `locales/` and
//! are rendered at the edge in the reader's language.

use crate::catalogue::{Catalogue, EachOf, Lang, Polarity, Requirement};
use domain::{Arg, Message};

/// The reason behind a status. `found` and `needed` carry the figures the
/// sentence quotes (counts, parts, or minutes for class hours).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WhyCode {
    /// Enough satisfying activities were held.
    Held,
    /// Fewer satisfying activities than required.
    NotEnough,
    /// Some meetings were held but without a quorum.
    HeldWithoutQuorum,
    /// Some meetings were held but did not open with the theory study.
    FirstItemNotStudy,
    /// Some meetings were held but lacked a required agenda item.
    AgendaItemMissing,
    /// Some classes were given, but not at a grassroots unit or branch.
    NotAtGrassroots,
    /// Every part (visit kind, positive/negative case) was covered.
    AllParts,
    /// Some parts are missing; `found` is a bit mask of the parts covered.
    PartsMissing,
    /// Every meeting of the month opened with the theory study.
    EveryMeetingOpenedWithStudy,
    /// `found` of `needed` meetings of the month did not open with the study.
    MeetingsWithoutStudy,
    /// Class hours reached (`found` minutes of `needed`).
    HoursReached,
    /// Class hours short (`found` minutes of `needed`).
    HoursShort,
    /// The organization did not exist for the period.
    NotExisting,
    /// The person was not a member (or did not hold the position) for the period.
    NotBound,
    /// The member joined the party this year; the first political birthday is next year.
    JoinedThisYear,
    /// Exempted by a supervisor.
    Exempted,
    /// The feature the requirement needs is not built yet.
    FeatureNotBuilt,
    /// No document sets the frequency and no local rule has set it yet.
    PendingLocalRule,
    /// A method offered, not a duty: nothing recorded is no failure.
    MethodNotDuty,
}

impl WhyCode {
    pub fn code(self) -> &'static str {
        match self {
            WhyCode::Held => "held",
            WhyCode::NotEnough => "not_enough",
            WhyCode::HeldWithoutQuorum => "held_without_quorum",
            WhyCode::FirstItemNotStudy => "first_item_not_study",
            WhyCode::AgendaItemMissing => "agenda_item_missing",
            WhyCode::NotAtGrassroots => "not_at_grassroots",
            WhyCode::AllParts => "all_parts",
            WhyCode::PartsMissing => "parts_missing",
            WhyCode::EveryMeetingOpenedWithStudy => "every_meeting_opened_with_study",
            WhyCode::MeetingsWithoutStudy => "meetings_without_study",
            WhyCode::HoursReached => "hours_reached",
            WhyCode::HoursShort => "hours_short",
            WhyCode::NotExisting => "not_existing",
            WhyCode::NotBound => "not_bound",
            WhyCode::JoinedThisYear => "joined_this_year",
            WhyCode::Exempted => "exempted",
            WhyCode::FeatureNotBuilt => "feature_not_built",
            WhyCode::PendingLocalRule => "pending_local_rule",
            WhyCode::MethodNotDuty => "method_not_duty",
        }
    }

    /// The id of the message saying why (`why-<code>`).
    pub fn message_id(self) -> &'static str {
        match self {
            WhyCode::Held => "why-held",
            WhyCode::NotEnough => "why-not-enough",
            WhyCode::HeldWithoutQuorum => "why-held-without-quorum",
            WhyCode::FirstItemNotStudy => "why-first-item-not-study",
            WhyCode::AgendaItemMissing => "why-agenda-item-missing",
            WhyCode::NotAtGrassroots => "why-not-at-grassroots",
            WhyCode::AllParts => "why-all-parts",
            WhyCode::PartsMissing => "why-parts-missing",
            WhyCode::EveryMeetingOpenedWithStudy => "why-every-meeting-opened-with-study",
            WhyCode::MeetingsWithoutStudy => "why-meetings-without-study",
            WhyCode::HoursReached => "why-hours-reached",
            WhyCode::HoursShort => "why-hours-short",
            WhyCode::NotExisting => "why-not-existing",
            WhyCode::NotBound => "why-not-bound",
            WhyCode::JoinedThisYear => "why-joined-this-year",
            WhyCode::Exempted => "why-exempted",
            WhyCode::FeatureNotBuilt => "why-feature-not-built",
            WhyCode::PendingLocalRule => "why-pending-local-rule",
            WhyCode::MethodNotDuty => "why-method-not-duty",
        }
    }
}

fn hours(minutes: u32, class_minutes: u32) -> String {
    let tenths = (u64::from(minutes) * 10 + u64::from(class_minutes) / 2) / u64::from(class_minutes.max(1));
    if tenths % 10 == 0 { format!("{}", tenths / 10) } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// Why a cell has its status, as a message (`why-<code>` in `locales/`)
/// with the figures it quotes: `found` and `needed`, class hours as
/// `hours_found` and `hours_needed`, the parts still missing as `missing`,
/// and the feature a requirement waits for as `feature`.
pub fn message(cat: &Catalogue, req: &Requirement, code: WhyCode, found: u32, needed: u32) -> Message {
    let message = Message::new(code.message_id()).number("found", found).number("needed", needed);
    match code {
        WhyCode::HoursReached | WhyCode::HoursShort => {
            let cm = cat.class_hour_minutes;
            message.text("hours_found", hours(found, cm)).text("hours_needed", hours(needed, cm))
        }
        WhyCode::PartsMissing => message.list("missing", missing_parts(cat, req, found)),
        WhyCode::FeatureNotBuilt => message.text("feature", req.feature_not_built.clone().unwrap_or_default()),
        _ => message,
    }
}

/// The parts of an "each of" requirement not covered by the bit mask `covered`.
fn missing_parts(cat: &Catalogue, req: &Requirement, covered: u32) -> Vec<Arg> {
    let parts: Vec<Arg> = match &req.satisfied_by.each_of {
        Some(EachOf::VisitKinds(v)) => v
            .iter()
            .map(|k| match cat.visit_kinds.get(usize::from(*k)) {
                Some(t) => Arg::Bilingual { zh: t.label(Lang::Zh).to_owned(), en: t.label(Lang::En).to_owned() },
                None => Arg::Text(String::new()),
            })
            .collect(),
        Some(EachOf::Polarities(v)) => v.iter().map(|p| Arg::Message(Box::new(Message::new(polarity_case(*p))))).collect(),
        None => Vec::new(),
    };
    parts.into_iter().enumerate().filter(|(i, _)| (covered >> i) & 1 == 0).map(|(_, p)| p).collect()
}

fn polarity_case(p: Polarity) -> &'static str {
    match p {
        Polarity::Positive => "why-positive-case",
        Polarity::Negative => "why-negative-case",
    }
}
