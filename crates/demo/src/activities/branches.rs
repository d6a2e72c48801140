//! Activities of every branch and 党小组: the monthly committee meeting,
//! theme party day, political birthdays and group meetings, the quarterly
//! members' assembly and party lesson (the secretary gives the second
//! quarter's), the organizational life meeting in January and a discipline
//! education session.
//!
//! A 党小组 holds no members of its own (see the crate documentation): only
//! its leader, who holds a position in it, can be listed at its meetings.

use super::gaps::Plan;
use super::{Gen, agenda, kind, month_last, quarter_days, words};
use crate::random::{Random, ymd};
use chrono::Datelike;
use domain::PositionKind;

/// Generates the branch activities of `year`.
pub(crate) fn generate(r: &mut Random, g: &mut Gen, year: i32, plan: Option<&Plan>) {
    for b in 0..g.tree.branches.len() {
        let Some(node) = g.tree.branches.get(b) else { continue };
        let org = node.org;
        for month in 1..=12 {
            committee_meeting(r, g, year, month, b, plan);
            theme_day(r, g, year, month, b);
            birthday(r, g, year, month, b);
            for &group in &node.groups {
                group_meeting(r, g, year, month, group);
            }
        }
        for q in 1..=4 {
            if !plan.is_some_and(|p| p.no_assembly.contains(&(org, q))) {
                assembly(r, g, year, q, b);
            }
            let given = g.lesson_given.contains(&(org, year, q));
            let open = super::left_open(g, org, year, None, Some(q));
            if !given && !open && !plan.is_some_and(|p| p.no_lesson.contains(&(org, q))) {
                lesson(r, g, year, q, b);
            }
        }
        yearly(r, g, year, b);
    }
}

fn committee_meeting(r: &mut Random, g: &mut Gen, year: i32, month: u32, b: usize, plan: Option<&Plan>) {
    let Some(org) = g.tree.branches.get(b).map(|n| n.org) else { return };
    if super::left_open(g, org, year, Some(month), None) {
        return;
    }
    let Some(day) = g.day(r, ymd(year, month, 1), month_last(year, month), org) else { return };
    let mut people = g.committee_on(org, day);
    if people.is_empty() {
        people = g.branch_members(b, day).into_iter().take(3).collect();
    }
    let absent = if plan.and_then(|p| p.no_quorum) == Some((org, month)) {
        let away = people.len() - people.len() / 2;
        let reasons = ["因公出差", "住院治疗", "外出学习培训", "家中有事", "值班值守"];
        people.iter().take(away).zip(reasons.iter().cycle()).map(|(&p, why)| (p, (*why).to_owned())).collect()
    } else {
        g.absences(r, &people, people.len().saturating_sub(1) / 2)
    };
    let business = words::business(r);
    let a = g.add(r, kind::BRANCH_COMMITTEE, org, day, 90, format!("{year}年{month}月支部委员会会议"));
    a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::BUSINESS, business.to_owned())];
    a.participants = people;
    a.absentees = absent;
}

fn theme_day(r: &mut Random, g: &mut Gen, year: i32, month: u32, b: usize) {
    let Some(org) = g.tree.branches.get(b).map(|n| n.org) else { return };
    let Some(day) = g.day(r, ymd(year, month, 1), month_last(year, month), org) else { return };
    let people = g.branch_members(b, day);
    let absent = g.absences(r, &people, people.len() / 3);
    let theme = words::THEME_DAYS.get(month as usize - 1).copied().unwrap_or("主题党日");
    let a = g.add(r, kind::THEME_DAY, org, day, 120, format!("{year}年{month}月主题党日：{theme}"));
    a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::OTHER, theme.to_owned())];
    a.participants = people;
    a.absentees = absent;
}

/// A birthday activity for the members who joined the party in `month` of
/// an earlier year, with the branch committee.
fn birthday(r: &mut Random, g: &mut Gen, year: i32, month: u32, b: usize) {
    let Some(org) = g.tree.branches.get(b).map(|n| n.org) else { return };
    let Some(day) = g.day(r, ymd(year, month, 1), month_last(year, month), org) else { return };
    let celebrated: Vec<usize> = g
        .branch_members(b, day)
        .into_iter()
        .filter(|&p| g.members.get(p).is_some_and(|m| m.person.join_date.month() == month && m.person.join_date.year() < year))
        .collect();
    if celebrated.is_empty() {
        return;
    }
    let mut people = celebrated.clone();
    people.extend(g.committee_on(org, day));
    people.sort_unstable();
    people.dedup();
    let a = g.add(r, kind::BIRTHDAY, org, day, 60, format!("{year}年{month}月党员政治生日"));
    a.agenda = vec![
        (agenda::OATH, "重温入党誓词".to_owned()),
        (agenda::OTHER, format!("为{}名党员过政治生日，赠送政治生日贺卡", celebrated.len())),
    ];
    a.participants = people;
}

fn group_meeting(r: &mut Random, g: &mut Gen, year: i32, month: u32, group: usize) {
    let Some(day) = g.day(r, ymd(year, month, 1), month_last(year, month), group) else { return };
    let people = g.holders_on(group, day, |k| k == PositionKind::GroupLeader);
    let a = g.add(r, kind::GROUP_MEETING, group, day, 60, format!("{year}年{month}月党小组会"));
    a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::OTHER, "交流学习体会，收集群众意见".to_owned())];
    a.participants = people;
}

fn assembly(r: &mut Random, g: &mut Gen, year: i32, q: u32, b: usize) {
    let Some(org) = g.tree.branches.get(b).map(|n| n.org) else { return };
    let (first, last) = quarter_days(year, q);
    let Some(day) = g.day(r, first, last, org) else { return };
    let people = g.branch_members(b, day);
    let absent = g.absences(r, &people, people.len().saturating_sub(1) / 2);
    let a = g.add(r, kind::ASSEMBLY, org, day, 90, format!("{year}年{}支部党员大会", words::quarter(q)));
    a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::BUSINESS, "通报支部工作，讨论决定重要事项".to_owned())];
    a.participants = people;
    a.absentees = absent;
}

/// The quarter's party lesson: the secretary gives the second quarter's,
/// committee members the others.
fn lesson(r: &mut Random, g: &mut Gen, year: i32, q: u32, b: usize) {
    let Some(org) = g.tree.branches.get(b).map(|n| n.org) else { return };
    let (mut first, last) = quarter_days(year, q);
    let secretary = g.holder(org, PositionKind::Secretary);
    let secretary_start = secretary.and_then(|s| g.start.get(s).copied().flatten());
    if q == 2
        && let Some(start) = secretary_start.filter(|s| *s <= last)
    {
        first = first.max(start);
    }
    let Some(day) = g.day(r, first, last, org) else { return };
    let presenter = if q == 2 && secretary.is_some_and(|s| g.member_on(s, day)) {
        secretary
    } else {
        let committee = g.committee_on(org, day);
        committee.get(r.below(committee.len())).copied()
    };
    let people = g.branch_members(b, day);
    let absent = g.absences(r, &people, people.len().saturating_sub(1) / 2);
    let topic = words::lesson(r);
    let a = g.add(r, kind::LESSON, org, day, 90, format!("{year}年{}党课：{topic}", words::quarter(q)));
    a.presenter = presenter;
    a.agenda = vec![(agenda::OTHER, topic.to_owned())];
    a.participants = people;
    a.absentees = absent;
}

/// The organizational life meeting in January and discipline education.
fn yearly(r: &mut Random, g: &mut Gen, year: i32, b: usize) {
    let Some(org) = g.tree.branches.get(b).map(|n| n.org) else { return };
    if let Some(day) = g.day_in_months(r, year, (1, 1), org) {
        let people = g.branch_members(b, day);
        let absent = g.absences(r, &people, people.len().saturating_sub(1) / 2);
        let a = g.add(r, kind::ORGANIZATIONAL_LIFE, org, day, 180, format!("{}年度组织生活会", day.year() - 1));
        a.agenda = vec![
            (agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()),
            (agenda::CRITICISM, "开展批评和自我批评".to_owned()),
            (agenda::APPRAISAL, "民主评议党员".to_owned()),
        ];
        a.participants = people;
        a.absentees = absent;
    }
    let month = u32::try_from(r.count_between(4, 11)).unwrap_or(6);
    if let Some(day) = g.day_in_months(r, year, (month, month), org) {
        let people = g.branch_members(b, day);
        let absent = g.absences(r, &people, people.len().saturating_sub(1) / 2);
        let a = g.add(r, kind::DISCIPLINE, org, day, 90, format!("{year}年纪律教育专题学习"));
        a.agenda = vec![(agenda::DISCIPLINE, "学习党章党规党纪，开展警示教育".to_owned())];
        a.participants = people;
        a.absentees = absent;
    }
}
