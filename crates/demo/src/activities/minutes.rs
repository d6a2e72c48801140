//! The minutes (会议记录) of most branch committee meetings, members'
//! assemblies and standing committee (party group) meetings: when and where,
//! who chaired and who was absent, what was studied and what was decided,
//! a few lines composed from the meeting's own agenda.
//!
//! Minutes of meetings held before last month are final (定稿); those of
//! this month are drafts, and so are some of last month's.

use super::{DemoMinutes, Gen, agenda, kind, words};
use crate::random::{Random, add_days, ymd};
use chrono::{Datelike, NaiveDate};
use domain::PositionKind;
use std::collections::HashMap;

/// The kinds of meeting that get minutes.
pub(crate) const KINDS: [&str; 4] = [kind::BRANCH_COMMITTEE, kind::ASSEMBLY, kind::STANDING_COMMITTEE, kind::PARTY_GROUP_MEETING];

/// Out of a thousand meetings of those kinds, how many have minutes.
const WRITTEN_PER_MILLE: u32 = 880;

/// Out of a thousand minutes of last month, how many are already final.
const LAST_MONTH_FINAL_PER_MILLE: u32 = 600;

/// The first day of the month before the one of `day`.
pub(crate) fn last_month_start(day: NaiveDate) -> NaiveDate {
    if day.month() == 1 { ymd(day.year() - 1, 12, 1) } else { ymd(day.year(), day.month() - 1, 1) }
}

/// Writes the minutes of most meetings of [`KINDS`].
pub(crate) fn write(r: &mut Random, g: &mut Gen) {
    let today = add_days(g.last_day, 1);
    let this_month = ymd(today.year(), today.month(), 1);
    let last_month = last_month_start(today);
    for i in 0..g.out.len() {
        let Some(a) = g.out.get(i) else { continue };
        if !KINDS.contains(&a.kind) || !r.chance(WRITTEN_PER_MILLE) {
            continue;
        }
        let text = compose(r, g, a);
        let is_final = if a.held_on < last_month {
            true
        } else if a.held_on >= this_month {
            false
        } else {
            r.chance(LAST_MONTH_FINAL_PER_MILLE)
        };
        if let Some(a) = g.out.get_mut(i) {
            a.minutes = Some(DemoMinutes { text, is_final });
        }
    }
}

/// The minutes of one meeting.
fn compose(r: &mut Random, g: &Gen, a: &super::DemoActivity) -> String {
    let name = |p: usize| g.members.get(p).map_or("", |m| m.person.name.as_str());
    let absent: HashMap<usize, &str> = a.absentees.iter().map(|(p, why)| (*p, why.as_str())).collect();
    let present: Vec<usize> = a.participants.iter().copied().filter(|p| !absent.contains_key(p)).collect();
    let t = g.tree;
    let room = if [t.root, t.government_group, t.organs_committee].contains(&a.host) {
        r.pick(&words::COUNTY_ROOMS)
    } else if t.townships.iter().any(|n| n.org == a.host) {
        "党委会议室"
    } else {
        r.pick(&words::BRANCH_ROOMS)
    };
    let secretary = g.holder(a.host, PositionKind::Secretary).filter(|s| present.contains(s));
    let chair = secretary.or_else(|| present.first().copied());
    let recorder = present.iter().copied().find(|p| Some(*p) != chair && !name(*p).is_empty());
    let d = a.held_on;
    let time = a.starts_at.map(|t| t.format(" %H:%M").to_string()).unwrap_or_default();
    let mut lines = vec![format!("时间：{}年{}月{}日{time}", d.year(), d.month(), d.day()), format!("地点：{room}")];
    if let Some(chair) = chair {
        lines.push(format!("主持人：{}", name(chair)));
    }
    let mut attendance = format!("应到{}人，实到{}人", a.participants.len(), present.len());
    if !a.absentees.is_empty() {
        let away: Vec<String> = a.absentees.iter().map(|(p, why)| format!("{}（{why}）", name(*p))).collect();
        attendance.push_str(&format!("；请假：{}", away.join("、")));
    }
    lines.push(attendance + "。");
    if let Some(recorder) = recorder {
        lines.push(format!("记录人：{}", name(recorder)));
    }
    lines.push("会议内容：".to_owned());
    for (i, (item, title)) in a.agenda.iter().enumerate() {
        let n = crate::vocab::numeral(i + 1);
        let line = match *item {
            agenda::THEORY_STUDY => {
                let (said, resolve) = (r.pick(&words::STUDY_TAKEAWAYS), r.pick(&words::COMMITMENTS));
                format!("{n}、{title}。{said}，一致表示要{resolve}。")
            }
            agenda::BUSINESS => {
                let decision = words::BUSINESS
                    .iter()
                    .position(|b| b == title)
                    .and_then(|i| words::DECISIONS.get(i))
                    .copied()
                    .unwrap_or_else(|| words::DECISIONS.get(r.pick(&[0, 2, 6])).copied().unwrap_or_default());
                format!("{n}、{title}。经讨论，会议决定：{decision}。")
            }
            _ => format!("{n}、{title}。"),
        };
        lines.push(line);
    }
    lines.join("\n")
}
