//! Plans (计划): activities announced for the coming two to four weeks —
//! theme party days and members' assemblies at branches, special party
//! classes by county leaders at village and community branches, and county
//! leaders' grassroots visits, three places visited twice by different
//! leaders within a fortnight (so that coordinating visits has something to
//! show) — plus a few plans whose day passed four to ten days ago and that
//! nobody closed (the reminder job has work), and one or two plans that were
//! cancelled.
//!
//! Plans count for no requirement. Nothing is planned at the secretary's
//! branch ([`super::secretary_branch`]), and the leader whose special party
//! class is pending ([`super::class_pending`]) is not given one.

use super::{DemoActivity, DemoProject, DemoStatus, Gen, agenda, blank, county, kind, words};
use crate::plan::Profile;
use crate::random::{Random, add_days, sub_days};
use chrono::{Datelike, NaiveDate};
use domain::CadreRank;

/// How many plans of each sort.
const THEME_DAYS: usize = 10;
const ASSEMBLIES: usize = 8;
const CLASSES: usize = 4;
/// Places visited twice within a fortnight, and places visited once.
const SHARED_VISITS: usize = 3;
const SINGLE_VISITS: usize = 3;

/// The first and last day plans ahead may lie on, counted from today.
pub(crate) const AHEAD: (u64, u64) = (2, 27);
/// How many days ago the plans nobody closed were for.
pub(crate) const UNCLOSED_AGO: (i64, i64) = (4, 10);

/// The plans, linked to their presenter's research project where there is one.
pub(crate) fn generate(r: &mut Random, g: &Gen, projects: &[DemoProject]) -> Vec<DemoActivity> {
    let today = add_days(g.last_day, 1);
    let (soon, late) = (add_days(today, AHEAD.0), add_days(today, AHEAD.1));
    let secretary = super::secretary_branch(g);
    let open_branches = |profiles: Option<&[Profile]>| -> Vec<usize> {
        (0..g.tree.branches.len())
            .filter(|&b| {
                g.tree.branches.get(b).is_some_and(|n| {
                    Some(n.org) != secretary
                        && g.founded(n.org) < today
                        && profiles.is_none_or(|p| p.contains(&n.plan.profile))
                        && !g.branch_members(b, today).is_empty()
                })
            })
            .collect()
    };
    let mut branches = open_branches(None);
    r.shuffle(&mut branches);
    let mut pool = branches.into_iter();
    let mut out = Vec::new();
    for b in pool.by_ref().take(THEME_DAYS) {
        let day = r.day_between(soon, late);
        out.extend(at_branch(r, g, kind::THEME_DAY, b, day, DemoStatus::Planned));
    }
    for b in pool.by_ref().take(ASSEMBLIES) {
        let day = r.day_between(soon, late);
        out.extend(at_branch(r, g, kind::ASSEMBLY, b, day, DemoStatus::Planned));
    }
    let unclosed = r.count_between(2, 3);
    for (n, b) in pool.by_ref().take(unclosed).enumerate() {
        let ago = u64::try_from(r.between(UNCLOSED_AGO.0, UNCLOSED_AGO.1)).unwrap_or(5);
        let k = if n % 2 == 0 { kind::THEME_DAY } else { kind::ASSEMBLY };
        out.extend(at_branch(r, g, k, b, sub_days(today, ago), DemoStatus::Planned));
    }
    let cancelled = r.count_between(1, 2);
    for (n, b) in pool.by_ref().take(cancelled).enumerate() {
        let day = r.day_between(soon, late);
        let k = if n % 2 == 0 { kind::ASSEMBLY } else { kind::THEME_DAY };
        out.extend(at_branch(r, g, k, b, day, DemoStatus::Cancelled));
    }

    let mut villages = open_branches(Some(&[Profile::Village, Profile::Community]));
    r.shuffle(&mut villages);
    let pending = super::class_pending(g);
    let mut leaders: Vec<usize> =
        county::special_class_holders(g).into_iter().filter(|&p| Some(p) != pending && g.member_on(p, today)).collect();
    r.shuffle(&mut leaders);
    for (&leader, &b) in leaders.iter().zip(villages.iter()).take(CLASSES) {
        let day = r.day_between(soon, late);
        if let Some(mut a) = at_branch(r, g, kind::CLASS, b, day, DemoStatus::Planned) {
            a.presenter = Some(leader);
            out.push(a);
        }
    }

    let mut hosts = open_branches(Some(&[Profile::Village, Profile::Community, Profile::TownshipOrgan]));
    r.shuffle(&mut hosts);
    let mut cadres: Vec<usize> = (0..g.members.len())
        .filter(|&p| g.members.get(p).is_some_and(|m| m.person.cadre_rank >= CadreRank::CountyDeputy) && g.member_on(p, today))
        .collect();
    r.shuffle(&mut cadres);
    let mut cadres = cadres.into_iter().cycle();
    for (n, &b) in hosts.iter().take(SHARED_VISITS + SINGLE_VISITS).enumerate() {
        let first = r.day_between(soon, sub_days(late, 10).max(soon));
        let mut days = vec![first];
        if n < SHARED_VISITS {
            days.push(add_days(first, u64::try_from(r.between(1, 9)).unwrap_or(3)));
        }
        for day in days {
            let Some(cadre) = cadres.next() else { break };
            if let Some(a) = visit(r, g, b, cadre, day, projects) {
                out.push(a);
            }
        }
    }
    out
}

/// A plan at the branch `b` (index into the tree's branches), expecting its members.
fn at_branch(r: &mut Random, g: &Gen, k: &'static str, b: usize, day: NaiveDate, status: DemoStatus) -> Option<DemoActivity> {
    let org = g.tree.branches.get(b)?.org;
    let people = g.branch_members(b, day);
    if people.is_empty() {
        return None;
    }
    let (year, month) = (day.year(), day.month());
    let (minutes, title, items) = match k {
        kind::THEME_DAY => {
            let theme = words::THEME_DAYS.get(month as usize - 1).copied().unwrap_or("主题党日");
            let items = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::OTHER, theme.to_owned())];
            (120, format!("{year}年{month}月主题党日：{theme}"), items)
        }
        kind::CLASS => {
            let topic = words::lesson(r);
            (90, format!("县领导讲专题党课：{topic}"), vec![(agenda::OTHER, topic.to_owned())])
        }
        _ => {
            let q = (month - 1) / 3 + 1;
            let items =
                vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::BUSINESS, "通报支部工作，讨论决定重要事项".to_owned())];
            (90, format!("{year}年{}支部党员大会", words::quarter(q)), items)
        }
    };
    let mut a = blank(r, k, org, day, minutes, title, status);
    a.agenda = items;
    a.participants = people;
    Some(a)
}

/// A planned grassroots visit by `cadre` to the branch `b`, expecting its
/// committee (or, without one, three of its members).
fn visit(r: &mut Random, g: &Gen, b: usize, cadre: usize, day: NaiveDate, projects: &[DemoProject]) -> Option<DemoActivity> {
    let org = g.tree.branches.get(b)?.org;
    let mut people = g.committee_on(org, day);
    if people.is_empty() {
        people = g.branch_members(b, day).into_iter().take(3).collect();
    }
    let (code, _, what) = r.pick(&county::VISITS);
    let mut a = blank(r, kind::VISIT, org, day, 180, format!("“四下基层”：{what}"), DemoStatus::Planned);
    a.presenter = Some(cadre);
    a.visit_kind = Some(code);
    a.agenda = vec![(agenda::OTHER, what.to_owned())];
    a.participants = people;
    a.research_project = projects.iter().position(|p| p.lead == cadre && p.started_on.year() == day.year() && p.started_on <= day);
    Some(a)
}
