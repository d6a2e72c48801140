//! Study hours: every member of a finished year reaches the yearly class
//! hours (32, or 56 for secretaries and committee members of township and
//! grassroots organizations; a share by months for those who joined during
//! the year), except the members planted short of them.
//!
//! Absences drawn at random may leave a member short: some of them are
//! turned back into attendance, longest activities first, and whoever is
//! still short (mostly members who joined late in the year) attends a
//! make-up training at their branch.

use super::gaps::Plan;
use super::{Gen, agenda, kind};
use crate::random::{Random, add_days, ymd};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashSet};

/// Minutes in one class hour.
const CLASS_HOUR: u64 = 45;
/// Class hours a year for members, and for secretaries and committee members.
const ORDINARY: u64 = 32;
const RAISED: u64 = 56;
/// Minutes kept above the minimum.
const MARGIN: u32 = 45;
/// How far below the minimum a member planted short ends up (six class hours).
const SHORT_BY: u32 = 270;

/// The minutes `p` must attend in `year`, if they are bound then.
fn needed(g: &Gen, p: usize, year: i32) -> Option<u32> {
    let start = g.start.get(p).copied().flatten()?;
    if start > ymd(year, 12, 31) {
        return None;
    }
    let minimum = if g.raised.get(p).copied().unwrap_or(false) { RAISED } else { ORDINARY };
    let months = if start > ymd(year, 1, 1) { 12 - u64::from(start.month0()) } else { 12 };
    u32::try_from((minimum * CLASS_HOUR * months).div_ceil(12)).ok()
}

fn counts(a: &super::DemoActivity, year: i32) -> bool {
    a.held_on.year() == year && kind::STUDY_HOURS.contains(&a.kind)
}

/// Minutes attended in `year` by everyone, and the activities each person missed.
fn attended(g: &Gen, year: i32) -> (Vec<u32>, Vec<Vec<usize>>) {
    let mut minutes = vec![0u32; g.members.len()];
    let mut missed = vec![Vec::new(); g.members.len()];
    for (i, a) in g.out.iter().enumerate().filter(|(_, a)| counts(a, year)) {
        let absent: HashSet<usize> = a.absentees.iter().map(|(p, _)| *p).collect();
        for &p in &a.participants {
            if absent.contains(&p) {
                if let Some(list) = missed.get_mut(p) {
                    list.push(i);
                }
            } else if let Some(m) = minutes.get_mut(p) {
                *m = m.saturating_add(a.duration_minutes);
            }
        }
    }
    (minutes, missed)
}

/// Brings every member bound in `year` (but those planted short) to their class hours.
pub(crate) fn complete(r: &mut Random, g: &mut Gen, year: i32, plan: Option<&Plan>) {
    let (minutes, mut missed) = attended(g, year);
    let planted: HashSet<usize> = plan.map(|p| p.short.iter().copied().collect()).unwrap_or_default();
    // Still short after attending everything: (branch organization) → [(person, minutes short)].
    let mut short: BTreeMap<usize, Vec<(usize, u32)>> = BTreeMap::new();
    for (p, (mut have, list)) in minutes.into_iter().zip(missed.iter_mut()).enumerate() {
        let Some(need) = needed(g, p, year) else { continue };
        if planted.contains(&p) {
            continue;
        }
        let target = need + MARGIN;
        list.sort_by_key(|&i| std::cmp::Reverse(g.out.get(i).map_or(0, |a| a.duration_minutes)));
        for &i in list.iter() {
            if have >= target {
                break;
            }
            if let Some(a) = g.out.get_mut(i) {
                a.absentees.retain(|(q, _)| *q != p);
                have = have.saturating_add(a.duration_minutes);
            }
        }
        if have < target
            && let Some(org) = g.branch_org(p)
        {
            short.entry(org).or_default().push((p, target - have));
        }
    }
    for (org, people) in short {
        let latest = people.iter().filter_map(|(p, _)| g.start.get(*p).copied().flatten()).max().unwrap_or(ymd(year, 1, 1));
        let day: NaiveDate = add_days(latest, 7).min(ymd(year, 12, 31)).min(g.last_day).max(latest);
        let deficit = people.iter().map(|(_, d)| *d).max().unwrap_or(0);
        let minutes = deficit.div_ceil(30).saturating_mul(30).clamp(60, 1440);
        let a = g.add(r, kind::TRAINING, org, day, minutes, format!("{year}年新党员和补学党员集中培训"));
        a.agenda =
            vec![(agenda::THEORY_STUDY, super::words::FIRST_ITEM.to_owned()), (agenda::OTHER, "党章党规和党的基本知识学习".to_owned())];
        a.participants = people.iter().map(|(p, _)| *p).collect();
    }
}

/// Marks the members planted short absent from enough of `year`'s study
/// activities (never costing a members' assembly its quorum).
pub(crate) fn plant_shortfalls(g: &mut Gen, year: i32, plan: &Plan) {
    for &p in &plan.short {
        let Some(need) = needed(g, p, year) else { continue };
        let aim = need.saturating_sub(SHORT_BY);
        let (minutes, _) = attended(g, year);
        let mut left = minutes.get(p).copied().unwrap_or(0);
        for a in g.out.iter_mut().filter(|a| counts(a, year) && a.participants.contains(&p)) {
            if left <= aim {
                break;
            }
            if a.absentees.iter().any(|(q, _)| *q == p) {
                continue;
            }
            let present = a.participants.len() - a.absentees.len() - 1;
            if a.kind == kind::ASSEMBLY && present * 2 <= a.participants.len() {
                continue;
            }
            a.absentees.push((p, "外出务工".to_owned()));
            left = left.saturating_sub(a.duration_minutes);
        }
    }
}
