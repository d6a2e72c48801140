//! The "obligations" section of a person's page: this year's cells of the
//! person (a leader's special party class, a secretary's party class, the
//! political birthday month, class hours so far, "four under the
//! grassroots" visits) with the records behind them, and the attended
//! activities that count toward class hours.
//!
//! It is information, not a demand: the words say what has been recorded
//! ("recorded", "none recorded yet"), and nothing here asks a member to
//! fill anything in.

use super::{EvidenceLink, evidence_link, period_label, rules_lang, status_symbol, with_year};
use crate::AppState;
use crate::evaluation::Evaluated;
use chrono::Datelike;
use domain::Id;
use i18n::Lang;
use rules::{Status, Subject};

/// One obligation of the person this year.
pub struct Obligation {
    pub requirement: String,
    pub title: String,
    pub period: String,
    /// `met`, `due`, ... (for the class attribute).
    pub code: &'static str,
    pub symbol: &'static str,
    /// What has been recorded, in words that ask nothing of the member.
    pub word: &'static str,
    /// The reason, or for class hours "x of y class hours".
    pub reason: String,
    pub evidence: Vec<EvidenceLink>,
}

/// An attended activity counting toward class hours.
pub struct HoursLine {
    pub link: EvidenceLink,
    pub minutes: u32,
}

/// The section of the person page.
pub struct Obligations {
    pub year: i32,
    pub items: Vec<Obligation>,
    pub hours: Vec<HoursLine>,
}

/// The locale key of what has been recorded, for a person's cell.
fn recorded_key(status: Status) -> &'static str {
    match status {
        Status::Met => "obligations-met",
        Status::Due => "obligations-due",
        Status::Overdue => "obligations-overdue",
        Status::Missed => "obligations-missed",
        Status::Exempt => "obligations-exempt",
        Status::NotApplicable => "obligations-not-applicable",
    }
}

/// The locale key of where class hours stand.
fn hours_key(status: Status) -> &'static str {
    match status {
        Status::Met => "obligations-hours-met",
        Status::Due => "obligations-hours-due",
        Status::Overdue | Status::Missed => "obligations-hours-short",
        Status::Exempt => "obligations-exempt",
        Status::NotApplicable => "obligations-not-applicable",
    }
}

/// Class hours with at most one decimal: 1350 minutes of 45 → "30".
pub fn class_hours(minutes: u32, class_minutes: u32) -> String {
    let tenths = u64::from(minutes) * 10 / u64::from(class_minutes.max(1));
    if tenths % 10 == 0 { format!("{}", tenths / 10) } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

fn obligations_of(ev: &Evaluated, person: &Id, lang: Lang) -> Obligations {
    let year = ev.engine.year();
    let mut out = Obligations { year, items: Vec::new(), hours: Vec::new() };
    let Some(&ix) = ev.loaded.person_index.get(person) else { return out };
    let catalogue = ev.engine.catalogue();
    let mut hour_kinds = Vec::new();
    for cell in ev.engine.cells_of(Subject::Person(ix)) {
        let Some(req) = ev.engine.requirements().get(usize::from(cell.requirement)) else { continue };
        let (word, reason) = match &req.hours {
            Some(h) if matches!(cell.status, Status::Met | Status::Due | Status::Overdue | Status::Missed) => {
                hour_kinds.extend(h.kinds.iter().copied());
                let so_far = i18n::t_args(
                    lang,
                    "obligations-hours",
                    &[
                        ("found", class_hours(cell.found, catalogue.class_hour_minutes).into()),
                        ("needed", class_hours(cell.needed, catalogue.class_hour_minutes).into()),
                    ],
                );
                (i18n::t(lang, hours_key(cell.status)), so_far)
            }
            // A method, not a duty: nothing recorded is said as such, not as "not applicable".
            _ if cell.why == rules::why::WhyCode::MethodNotDuty => (
                i18n::t(lang, "obligations-method-not-recorded"),
                i18n::render(lang, &rules::why::message(catalogue, req, cell.why, cell.found, cell.needed)),
            ),
            _ => (
                i18n::t(lang, recorded_key(cell.status)),
                i18n::render(lang, &rules::why::message(catalogue, req, cell.why, cell.found, cell.needed)),
            ),
        };
        out.items.push(Obligation {
            requirement: req.id.clone(),
            title: req.title(rules_lang(lang)).to_owned(),
            period: period_label(cell.period, lang),
            code: cell.status.code(),
            symbol: status_symbol(cell.status),
            word,
            reason,
            evidence: cell.evidence.iter().filter_map(|&a| evidence_link(ev, a, lang)).collect(),
        });
    }
    if !hour_kinds.is_empty() {
        for (a, fact) in ev.engine.world().activities.iter().enumerate() {
            let Some(f) = fact else { continue };
            let counts = f.held_on.year() == year
                && f.held_on <= ev.engine.as_of()
                && hour_kinds.contains(&f.kind)
                && f.present.binary_search(&ix).is_ok();
            if let (true, Ok(a)) = (counts, u32::try_from(a))
                && let Some(link) = evidence_link(ev, a, lang)
            {
                out.hours.push(HoursLine { link, minutes: f.minutes });
            }
        }
        out.hours.sort_by(|a, b| a.link.date.cmp(&b.link.date).then_with(|| a.link.href.cmp(&b.link.href)));
    }
    out
}

/// This year's obligations of a person (the viewer may read the person);
/// `None`, logged, if the evaluation cannot be had, so that the page still
/// shows the record.
pub async fn section(state: &AppState, person: &Id, lang: Lang) -> Option<Obligations> {
    let year = state.today.date().year();
    match with_year(state, year, |ev| obligations_of(ev, person, lang)).await {
        Ok(o) => Some(o),
        Err(e) => {
            tracing::error!(error = ?e, person = %person, "the person page is shown without its obligations");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_hours_keep_one_decimal_at_most() {
        assert_eq!(class_hours(1350, 45), "30");
        assert_eq!(class_hours(90, 45), "2");
        assert_eq!(class_hours(100, 45), "2.2");
        assert_eq!(class_hours(0, 45), "0");
        assert_eq!(class_hours(10, 0), "10", "a catalogue without class minutes counts minutes");
    }

    #[test]
    fn what_was_recorded_has_words_in_both_languages() {
        for lang in Lang::ALL {
            for s in Status::ALL {
                assert!(i18n::has(lang, recorded_key(s)), "{} lacks {}", lang.code(), recorded_key(s));
                assert!(i18n::has(lang, hours_key(s)), "{} lacks {}", lang.code(), hours_key(s));
            }
            let hours = i18n::t_args(lang, "obligations-hours", &[("found", "12.5".into()), ("needed", "32".into())]);
            assert!(hours.contains("12.5") && hours.contains("32"), "{hours}");
        }
    }
}
