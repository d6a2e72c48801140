//! Why a cell has its status: a stable code for machines (`why_code`) and a
//! sentence in zh-CN or English for people (`why`).

use crate::catalogue::{Catalogue, EachOf, Lang, Requirement};

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
        }
    }
}

fn hours(minutes: u32, class_minutes: u32) -> String {
    let tenths = (u64::from(minutes) * 10 + u64::from(class_minutes) / 2) / u64::from(class_minutes.max(1));
    if tenths % 10 == 0 { format!("{}", tenths / 10) } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// The sentence for a cell.
pub fn sentence(cat: &Catalogue, req: &Requirement, code: WhyCode, found: u32, needed: u32, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let parts = |mask: u32, want_covered: bool| -> String {
        let names: Vec<String> = match &req.satisfied_by.each_of {
            Some(EachOf::VisitKinds(v)) => {
                v.iter().map(|k| cat.visit_kinds.get(usize::from(*k)).map(|t| t.label(lang).to_owned()).unwrap_or_default()).collect()
            }
            Some(EachOf::Polarities(v)) => v
                .iter()
                .map(|p| match (p, zh) {
                    (crate::catalogue::Polarity::Positive, true) => "正面典型".to_owned(),
                    (crate::catalogue::Polarity::Negative, true) => "反面典型".to_owned(),
                    (crate::catalogue::Polarity::Positive, false) => "a positive case".to_owned(),
                    (crate::catalogue::Polarity::Negative, false) => "a negative case".to_owned(),
                })
                .collect(),
            None => Vec::new(),
        };
        let picked: Vec<String> =
            names.into_iter().enumerate().filter(|(i, _)| ((mask >> i) & 1 == 1) == want_covered).map(|(_, n)| n).collect();
        picked.join(if zh { "、" } else { ", " })
    };
    let cm = cat.class_hour_minutes;
    match (code, zh) {
        (WhyCode::Held, true) => format!("已开展{found}次，要求{needed}次"),
        (WhyCode::Held, false) => format!("{found} held, {needed} required"),
        (WhyCode::NotEnough, true) => format!("已开展{found}次，要求{needed}次"),
        (WhyCode::NotEnough, false) => format!("{found} of {needed} held"),
        (WhyCode::HeldWithoutQuorum, true) => format!("有{found}次会议到会人数未过半，不计入"),
        (WhyCode::HeldWithoutQuorum, false) => format!("{found} meeting(s) held without more than half present do not count"),
        (WhyCode::FirstItemNotStudy, true) => format!("有{found}次会议第一议题不是理论学习，不计入"),
        (WhyCode::FirstItemNotStudy, false) => format!("{found} meeting(s) did not open with the theory study and do not count"),
        (WhyCode::AgendaItemMissing, true) => format!("有{found}次会议缺少规定议程，不计入"),
        (WhyCode::AgendaItemMissing, false) => format!("{found} meeting(s) lacked a required agenda item and do not count"),
        (WhyCode::NotAtGrassroots, true) => format!("有{found}次党课不是在基层单位或支部讲授，不计入"),
        (WhyCode::NotAtGrassroots, false) => format!("{found} class(es) were not given at a grassroots unit or branch and do not count"),
        (WhyCode::AllParts, true) => "各项均已开展".to_owned(),
        (WhyCode::AllParts, false) => "every part was covered".to_owned(),
        (WhyCode::PartsMissing, true) => format!("尚缺：{}", parts(found, false)),
        (WhyCode::PartsMissing, false) => format!("still missing: {}", parts(found, false)),
        (WhyCode::EveryMeetingOpenedWithStudy, true) => format!("本月{needed}次会议均以理论学习为第一议题"),
        (WhyCode::EveryMeetingOpenedWithStudy, false) => format!("all {needed} meeting(s) this month opened with the theory study"),
        (WhyCode::MeetingsWithoutStudy, true) => format!("本月{needed}次会议中有{found}次第一议题不是理论学习"),
        (WhyCode::MeetingsWithoutStudy, false) => format!("{found} of {needed} meeting(s) this month did not open with the theory study"),
        (WhyCode::HoursReached, true) => format!("已学习{}学时，要求{}学时", hours(found, cm), hours(needed, cm)),
        (WhyCode::HoursReached, false) => format!("{} of {} class hours", hours(found, cm), hours(needed, cm)),
        (WhyCode::HoursShort, true) => format!("已学习{}学时，要求{}学时", hours(found, cm), hours(needed, cm)),
        (WhyCode::HoursShort, false) => format!("{} of {} class hours", hours(found, cm), hours(needed, cm)),
        (WhyCode::NotExisting, true) => "该期间组织尚未成立或已撤销".to_owned(),
        (WhyCode::NotExisting, false) => "the organization did not exist for this period".to_owned(),
        (WhyCode::NotBound, true) => "该期间不在适用范围内（未在册或未任相关职务）".to_owned(),
        (WhyCode::NotBound, false) => "not bound for this period (not a member or not holding the position)".to_owned(),
        (WhyCode::JoinedThisYear, true) => "本年入党，首个政治生日在明年".to_owned(),
        (WhyCode::JoinedThisYear, false) => "joined this year; the first political birthday is next year".to_owned(),
        (WhyCode::Exempted, true) => "经批准免于本项要求".to_owned(),
        (WhyCode::Exempted, false) => "exempted by a supervisor".to_owned(),
        (WhyCode::FeatureNotBuilt, true) => "相关功能尚未建成，暂不评估".to_owned(),
        (WhyCode::FeatureNotBuilt, false) => {
            format!("not evaluated yet: {} is not built", req.feature_not_built.as_deref().unwrap_or("the feature"))
        }
    }
}
