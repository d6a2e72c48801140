//! The gaps planted in last year, chosen from the seed: three branches that
//! skipped one quarter's members' assembly or party lesson, two county
//! leaders without a special party class at the grassroots (one gave it at
//! the county organs' working committee, which does not count), one standing
//! committee meeting of the county committee that did not open with the
//! theory study, four members short of study hours, and one branch committee
//! meeting without a quorum.

use super::{GapSubject, Gen, PlantedGap, county, month_last, quarter_days, words};
use crate::plan::Profile;
use crate::random::{Random, add_days, ymd};
use chrono::NaiveDate;
use domain::{CadreRank, MemberCategory, MemberStatus, PositionKind};
use std::collections::HashSet;

/// What is left undone, and where.
pub(crate) struct Plan {
    pub year: i32,
    /// Branch organizations and the quarter whose members' assembly was skipped.
    pub no_assembly: Vec<(usize, u32)>,
    /// Branch organizations and the quarter whose party lesson was skipped.
    pub no_lesson: Vec<(usize, u32)>,
    /// Leaders who gave no special party class at the grassroots; the
    /// first gave one at the county organs' working committee.
    pub no_class: Vec<usize>,
    /// The month in which one meeting of the county standing committee did
    /// not open with the theory study.
    pub off_agenda_month: u32,
    /// Members short of study hours.
    pub short: Vec<usize>,
    /// The branch organization and month whose committee meeting lacked a quorum.
    pub no_quorum: Option<(usize, u32)>,
    /// Branch organizations carrying a gap, where no outside class is given.
    pub keep_clear: HashSet<usize>,
}

/// Chooses the gaps of `year` from the organizations and people that
/// existed before it began.
pub(crate) fn choose(r: &mut Random, g: &Gen, year: i32) -> Plan {
    let jan1 = ymd(year, 1, 1);
    let tree = g.tree;
    let in_unit: HashSet<usize> = tree.units.iter().flat_map(|u| u.branches.iter().copied()).collect();
    let mut old_branches: Vec<usize> = (0..tree.branches.len())
        .filter(|&b| tree.branches.get(b).is_some_and(|n| g.founded(n.org) < jan1) && g.branch_members(b, jan1).len() >= 6)
        .collect();
    r.shuffle(&mut old_branches);
    let mut used: HashSet<usize> = HashSet::new();
    let org_of = |b: usize| tree.branches.get(b).map_or(0, |n| n.org);

    // A single-branch unit (neither an organ nor under a grassroots
    // committee), whose secretary gives the lesson of the second quarter.
    let lesson_branch = old_branches.iter().copied().find(|&b| {
        let Some(node) = tree.branches.get(b) else { return false };
        let secretary = g.holder(node.org, domain::PositionKind::Secretary);
        !in_unit.contains(&b)
            && !matches!(node.plan.profile, Profile::CountyOrgan | Profile::TownshipOrgan)
            && secretary.is_some_and(|s| g.member_on(s, jan1))
    });
    let mut no_lesson = Vec::new();
    if let Some(b) = lesson_branch {
        used.insert(b);
        no_lesson.push((org_of(b), r.pick(&[1, 3, 4])));
    }
    let mut no_assembly = Vec::new();
    for &b in old_branches.iter().filter(|b| !used.contains(b)).take(3 - no_lesson.len()) {
        no_assembly.push((org_of(b), u32::try_from(r.count_between(1, 4)).unwrap_or(1)));
    }
    used.extend(no_assembly.iter().filter_map(|(o, _)| g.branch_of_org.get(*o).copied().flatten()));

    let quorum_branch = old_branches.iter().copied().find(|&b| !used.contains(&b) && g.committee_on(org_of(b), jan1).len() >= 3);
    let no_quorum = quorum_branch.map(|b| (org_of(b), u32::try_from(r.count_between(1, 12)).unwrap_or(1)));
    used.extend(quorum_branch);

    // Ordinary members, mostly working away, of branches large enough that
    // their absences never cost a quorum.
    let mut short = Vec::new();
    for &b in &old_branches {
        if short.len() >= 4 {
            break;
        }
        if used.contains(&b) || g.branch_members(b, jan1).len() < 10 {
            continue;
        }
        let mut candidates: Vec<usize> = g
            .branch_members(b, jan1)
            .into_iter()
            .filter(|&p| {
                g.members.get(p).is_some_and(|m| {
                    m.person.positions.is_empty()
                        && m.person.cadre_rank == CadreRank::None
                        && m.person.category == MemberCategory::Full
                        && matches!(m.person.status, MemberStatus::Active | MemberStatus::Mobile)
                        && m.age < 70
                })
            })
            .collect();
        candidates.sort_by_key(|&p| g.members.get(p).is_none_or(|m| m.person.status != MemberStatus::Mobile));
        if let Some(&p) = candidates.first() {
            short.push(p);
            used.insert(b);
        }
    }

    // Township secretaries also give the class at their organs' branch, so
    // a gap is planted only for other leaders.
    let township_secretaries: Vec<usize> = g.tree.townships.iter().filter_map(|t| g.holder(t.org, PositionKind::Secretary)).collect();
    let mut leaders = county::special_class_holders(g);
    leaders.retain(|&p| g.member_on(p, jan1) && !township_secretaries.contains(&p));
    r.shuffle(&mut leaders);
    let no_class: Vec<usize> = leaders.into_iter().take(2).collect();

    let keep_clear = used.iter().map(|&b| org_of(b)).collect();
    Plan {
        year,
        no_assembly,
        no_lesson,
        no_class,
        off_agenda_month: u32::try_from(r.count_between(2, 11)).unwrap_or(3),
        short,
        no_quorum,
        keep_clear,
    }
}

/// Days after the end of a period during which a missing record is
/// overdue rather than missed (the catalogue's `late_entry_window`, "10d").
const LATE_WINDOW_DAYS: u64 = 10;

/// The status a cell left unmet for the period ending on `end` has on `today`.
fn unmet_status(end: NaiveDate, today: NaiveDate) -> &'static str {
    if today <= end {
        "due"
    } else if today <= add_days(end, LATE_WINDOW_DAYS) {
        "overdue"
    } else {
        "missed"
    }
}

impl Plan {
    /// The planted gaps as a list, with the status each cell has on the day
    /// after `g`'s last day (the demo's today). A meeting that did not open
    /// with the theory study is missed at once.
    pub(crate) fn gaps(&self, g: &Gen) -> Vec<PlantedGap> {
        let y = self.year;
        let today = add_days(g.last_day, 1);
        let year_end = ymd(y, 12, 31);
        let gap = |requirement, subject, period: String, end: NaiveDate, note: String| PlantedGap {
            requirement,
            subject,
            period,
            expected_status: unmet_status(end, today),
            note,
        };
        let mut out = Vec::new();
        for &(org, q) in &self.no_assembly {
            let note = format!("{y}年{}未召开支部党员大会", words::quarter(q));
            out.push(gap("members-assembly", GapSubject::Org(org), format!("{y}-Q{q}"), quarter_days(y, q).1, note));
        }
        for &(org, q) in &self.no_lesson {
            let note = format!("{y}年{}未上党课", words::quarter(q));
            out.push(gap("party-lesson", GapSubject::Org(org), format!("{y}-Q{q}"), quarter_days(y, q).1, note));
        }
        for (i, &p) in self.no_class.iter().enumerate() {
            let note = if i == 0 {
                format!("{y}年的专题党课在县直机关工委讲授，不是在基层单位或支部，不计入")
            } else {
                format!("{y}年未到基层讲专题党课")
            };
            out.push(gap("special-party-class", GapSubject::Person(p), format!("{y}"), year_end, note));
        }
        let m = self.off_agenda_month;
        let note = format!("{y}年{m}月有一次县委常委会会议的第一议题不是理论学习");
        out.push(gap("first-issue", GapSubject::Org(g.tree.root), format!("{y}-{m:02}"), NaiveDate::MIN, note));
        for &p in &self.short {
            let note = format!("{y}年多次缺席集中学习，学时不足");
            out.push(gap("study-hours", GapSubject::Person(p), format!("{y}"), year_end, note));
        }
        if let Some((org, m)) = self.no_quorum {
            let note = format!("{y}年{m}月支部委员会会议到会委员未过半数，不计入");
            out.push(gap("branch-committee-meeting", GapSubject::Org(org), format!("{y}-{m:02}"), month_last(y, m), note));
        }
        out
    }
}
