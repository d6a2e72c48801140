//! Local settings and exemptions: a province or any organization sets the
//! period and count the documents leave open for its subtree, or adds a
//! requirement of its own; a supervisor exempts an organization or person
//! from a requirement for a span of days, with a reason.

use crate::catalogue::{Requirement, RequirementIx};
use crate::period::PeriodKind;
use chrono::NaiveDate;

/// A frequency set for a subtree from a day on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalSetting {
    pub requirement: RequirementIx,
    /// The organization whose subtree it applies to.
    pub org: u32,
    /// It applies to periods beginning on or after this day.
    pub valid_from: NaiveDate,
    pub period: PeriodKind,
    pub count: u32,
}

/// An exemption of one subject from one requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exemption {
    pub requirement: RequirementIx,
    pub subject: crate::engine::Subject,
    pub from: NaiveDate,
    /// Inclusive last day.
    pub to: NaiveDate,
}

/// Local settings, local requirements and exemptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub frequencies: Vec<LocalSetting>,
    /// Requirements added for a subtree: (the requirement, its organization,
    /// valid from). Their indices follow the catalogue's.
    pub local_requirements: Vec<(Requirement, u32, NaiveDate)>,
    pub exemptions: Vec<Exemption>,
}

/// Why a local setting is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("requirement: '{0}' is not a requirement of the catalogue")]
    UnknownRequirement(String),
    #[error("requirement: the frequency of '{0}' is fixed by the documents and cannot be set locally")]
    NotLocallySet(String),
    #[error("period: '{0}' is not one of month, quarter, half, year")]
    BadPeriod(String),
    #[error("count: {0} must be between 1 and 366")]
    BadCount(i64),
}

/// Checks a frequency setting against the catalogue entry it changes.
pub fn check_frequency(req: Option<&Requirement>, id: &str, period: &str, count: i64) -> Result<(PeriodKind, u32), SettingError> {
    let req = req.ok_or_else(|| SettingError::UnknownRequirement(id.to_owned()))?;
    if !req.locally_set {
        return Err(SettingError::NotLocallySet(id.to_owned()));
    }
    let period = PeriodKind::parse(period)
        .filter(|p| matches!(p, PeriodKind::Month | PeriodKind::Quarter | PeriodKind::Half | PeriodKind::Year))
        .ok_or_else(|| SettingError::BadPeriod(period.to_owned()))?;
    let count = u32::try_from(count).ok().filter(|c| (1..=366).contains(c)).ok_or(SettingError::BadCount(count))?;
    Ok((period, count))
}
