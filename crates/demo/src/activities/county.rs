//! Activities of the leading bodies: the county committee, the government's
//! party group and the county organs' working committee (study sessions,
//! meetings, reading class, democratic life meeting, typical cases,
//! discipline education), the township committees (meetings, center-group
//! study, reading class, typical cases, discipline education, trainings, the
//! secretary's party class), the grassroots committees, and the county and
//! township leaders' special party classes, the county leaders' grassroots
//! visits and research visits.

use super::gaps::Plan;
use super::{Gen, agenda, kind, month_last, quarter_days, words};
use crate::plan::{Form, Profile};
use crate::random::{Random, ymd};
use domain::{CadreRank, PositionKind};

/// The people a special party class is asked of: secretaries, deputy
/// secretaries and leadership members of the county committee, the
/// government's party group, the county organs' working committee and the
/// township committees (the Opinions' 各级).
pub(crate) fn special_class_holders(g: &Gen) -> Vec<usize> {
    let t = g.tree;
    let mut out: Vec<usize> = [t.root, t.government_group, t.organs_committee]
        .into_iter()
        .chain(t.townships.iter().map(|township| township.org))
        .collect::<Vec<usize>>()
        .iter()
        .flat_map(|&o| g.holders.get(o).into_iter().flatten())
        .filter(|(_, k)| matches!(k, PositionKind::Secretary | PositionKind::DeputySecretary | PositionKind::LeadershipMember))
        .map(|(p, _)| *p)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Holders of any position in `org` on `day`.
fn leadership_on(g: &Gen, org: usize, day: chrono::NaiveDate) -> Vec<usize> {
    g.holders_on(org, day, |_| true)
}

/// The yearly and monthly activities of the three county bodies.
pub(crate) fn leadership(r: &mut Random, g: &mut Gen, year: i32, plan: Option<&Plan>) {
    let t = g.tree;
    let bodies = [
        (t.root, kind::STANDING_COMMITTEE, (2, 3)),
        (t.government_group, kind::PARTY_GROUP_MEETING, (2, 3)),
        (t.organs_committee, kind::STANDING_COMMITTEE, (1, 2)),
    ];
    for (body, meeting, (lo, hi)) in bodies {
        for month in 1..=12 {
            let (first, last) = (ymd(year, month, 1), month_last(year, month));
            if let Some(day) = g.day(r, first, last, body) {
                let study = r.pick(&words::STUDIES);
                let people = leadership_on(g, body, day);
                let absent = g.absences(r, &people, 1);
                let a = g.add(r, kind::CENTER_GROUP, body, day, 180, format!("{year}年{month}月理论学习中心组集体学习：{study}"));
                a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::OTHER, format!("专题学习研讨：{study}"))];
                a.participants = people;
                a.absentees = absent;
            }
            let count = r.count_between(lo, hi);
            for n in 0..count {
                let Some(day) = g.day(r, first, last, body) else { continue };
                let off_agenda = body == t.root && n == 0 && plan.is_some_and(|p| p.off_agenda_month == month);
                let people = leadership_on(g, body, day);
                let absent = g.absences(r, &people, 1);
                let (b1, b2) = (words::business(r), words::business(r));
                let title = if meeting == kind::PARTY_GROUP_MEETING { "党组会议" } else { "常委会会议" };
                let a = g.add(r, meeting, body, day, 150, format!("{year}年{month}月{title}"));
                a.agenda = if off_agenda {
                    vec![(agenda::BUSINESS, b1.to_owned()), (agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned())]
                } else {
                    vec![
                        (agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()),
                        (agenda::BUSINESS, b1.to_owned()),
                        (agenda::BUSINESS, b2.to_owned()),
                    ]
                };
                a.participants = people;
                a.absentees = absent;
            }
        }
        if let Some(day) = g.day_in_months(r, year, (3, 4), body) {
            let people = leadership_on(g, body, day);
            let a = g.add(r, kind::READING_CLASS, body, day, 720, format!("{year}年领导班子读书班"));
            a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::OTHER, "集中自学与专题研讨交流".to_owned())];
            a.participants = people;
        }
        if let Some(day) = g.day_in_months(r, year, (1, 2), body) {
            let people = leadership_on(g, body, day);
            let a = g.add(r, kind::DEMOCRATIC_LIFE, body, day, 300, format!("{}年度领导班子民主生活会", year - 1));
            a.agenda = vec![
                (agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()),
                (agenda::THREE_MUSTS, "对照“三个务必”检视剖析".to_owned()),
                (agenda::NEGATIVE_CASE, format!("剖析{}", r.pick(&words::NEGATIVE_CASES))),
                (agenda::CRITICISM, "开展批评和自我批评".to_owned()),
            ];
            a.participants = people;
        }
        committee_year(r, g, year, body);
    }
}

/// A township committee's center-group study each month and its reading
/// class, attended by its leadership.
fn study_year(r: &mut Random, g: &mut Gen, year: i32, org: usize) {
    for month in 1..=12 {
        let Some(day) = g.day(r, ymd(year, month, 1), month_last(year, month), org) else { continue };
        let study = r.pick(&words::STUDIES);
        let people = leadership_on(g, org, day);
        let a = g.add(r, kind::CENTER_GROUP, org, day, 120, format!("{year}年{month}月党委理论学习中心组学习：{study}"));
        a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::OTHER, format!("专题学习研讨：{study}"))];
        a.participants = people;
    }
    if let Some(day) = g.day_in_months(r, year, (3, 4), org) {
        let people = leadership_on(g, org, day);
        let a = g.add(r, kind::READING_CLASS, org, day, 480, format!("{year}年党委领导班子读书班"));
        a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::OTHER, "集中自学与专题研讨交流".to_owned())];
        a.participants = people;
    }
}

/// Typical cases and discipline education of a committee (or party group),
/// attended by its leadership.
fn committee_year(r: &mut Random, g: &mut Gen, year: i32, org: usize) {
    cases(r, g, year, org);
    discipline(r, g, year, org);
}

fn cases(r: &mut Random, g: &mut Gen, year: i32, org: usize) {
    for (polarity, months) in [("positive", (4, 6)), ("negative", (8, 10))] {
        let Some(day) = g.day_in_months(r, year, months, org) else { continue };
        let people = leadership_on(g, org, day);
        let (title, item) = if polarity == "positive" {
            let case = r.pick(&words::POSITIVE_CASES);
            (format!("正面典型案例剖析：{case}"), (agenda::OTHER, format!("学习{case}")))
        } else {
            let case = r.pick(&words::NEGATIVE_CASES);
            (format!("反面典型案例剖析：{case}"), (agenda::NEGATIVE_CASE, format!("剖析{case}")))
        };
        let a = g.add(r, kind::CASE, org, day, 120, title);
        a.agenda = vec![item, (agenda::OTHER, "对照检查、交流体会".to_owned())];
        a.polarity = Some(polarity);
        a.participants = people;
    }
}

fn discipline(r: &mut Random, g: &mut Gen, year: i32, org: usize) {
    let Some(day) = g.day_in_months(r, year, (5, 6), org) else { return };
    let people = leadership_on(g, org, day);
    let a = g.add(r, kind::DISCIPLINE, org, day, 120, format!("{year}年纪律教育专题学习"));
    a.agenda = vec![(agenda::DISCIPLINE, "学习《中国共产党纪律处分条例》，观看警示教育片".to_owned())];
    a.participants = people;
}

/// Two trainings a year for the secretaries and committee members under a
/// township or the county organs' working committee.
fn trainings(r: &mut Random, g: &mut Gen, year: i32, region: usize) {
    for (month, title) in [(3, "基层党组织书记和党务干部培训班"), (9, "基层党组织书记和委员轮训班")] {
        let Some(day) = g.day(r, ymd(year, month, 1), month_last(year, month), region) else { continue };
        let people: Vec<usize> = (0..g.members.len())
            .filter(|&p| {
                g.raised.get(p).copied().unwrap_or(false) && g.member_on(p, day) && g.branch_org(p).is_some_and(|o| g.region(o) == region)
            })
            .collect();
        if people.is_empty() {
            continue;
        }
        let a = g.add(r, kind::TRAINING, region, day, 240, format!("{year}年{title}"));
        a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::OTHER, "党务工作实务与“三会一课”规范".to_owned())];
        a.participants = people;
    }
}

/// A party class by `presenter` at the branch organization `host` in the
/// third quarter, which also gives the branch its party lesson.
fn class_at_branch(r: &mut Random, g: &mut Gen, year: i32, host: usize, presenter: usize, who: &str) -> bool {
    let (first, last) = quarter_days(year, 3);
    let Some(day) = g.day(r, first, last, host) else { return false };
    if !g.member_on(presenter, day) {
        return false;
    }
    let Some(branch) = g.branch_of_org.get(host).copied().flatten() else { return false };
    let people = g.branch_members(branch, day);
    let absent = g.absences(r, &people, people.len().saturating_sub(1) / 2);
    let topic = words::lesson(r);
    let a = g.add(r, kind::CLASS, host, day, 90, format!("{who}讲专题党课：{topic}"));
    a.presenter = Some(presenter);
    a.agenda = vec![(agenda::OTHER, topic.to_owned())];
    a.participants = people;
    a.absentees = absent;
    g.lesson_given.insert((host, year, 3));
    true
}

/// Townships, the county organs' working committee and grassroots units.
pub(crate) fn townships_and_units(r: &mut Random, g: &mut Gen, year: i32) {
    let t = g.tree;
    for township in &t.townships {
        let org = township.org;
        for month in 1..=12 {
            for _ in 0..r.count_between(1, 2) {
                let Some(day) = g.day(r, ymd(year, month, 1), month_last(year, month), org) else { continue };
                let people = leadership_on(g, org, day);
                let business = words::business(r);
                let a = g.add(r, kind::STANDING_COMMITTEE, org, day, 120, format!("{year}年{month}月党委会议"));
                a.agenda = vec![(agenda::THEORY_STUDY, words::FIRST_ITEM.to_owned()), (agenda::BUSINESS, business.to_owned())];
                a.participants = people;
            }
        }
        study_year(r, g, year, org);
        committee_year(r, g, year, org);
        trainings(r, g, year, org);
        let host = t.branches.get(township.organ_branch).map(|b| b.org);
        if let (Some(secretary), Some(host)) = (g.holder(org, PositionKind::Secretary), host) {
            class_at_branch(r, g, year, host, secretary, "乡镇（街道）党（工）委书记");
        }
    }
    trainings(r, g, year, t.organs_committee);
    for unit in &t.units {
        if unit.form == Form::Committee {
            committee_year(r, g, year, unit.org);
        } else {
            discipline(r, g, year, unit.org);
        }
        let Some(secretary) = g.holder(unit.org, PositionKind::Secretary) else { continue };
        let own = g.branch_org(secretary).filter(|o| unit.branches.iter().any(|&b| t.branches.get(b).is_some_and(|n| n.org == *o)));
        let host = own.or_else(|| unit.branches.first().and_then(|&b| t.branches.get(b)).map(|n| n.org));
        if let Some(host) = host {
            class_at_branch(r, g, year, host, secretary, "基层党组织书记");
        }
    }
}

/// Branch organizations of the given profiles founded before `year`,
/// except those carrying a gap.
fn branch_pool(g: &Gen, year: i32, profiles: &[Profile], plan: Option<&Plan>) -> Vec<usize> {
    g.tree
        .branches
        .iter()
        .filter(|b| profiles.contains(&b.plan.profile) && plan.is_none_or(|p| !p.keep_clear.contains(&b.org)))
        .map(|b| b.org)
        .filter(|&o| g.founded(o) < ymd(year, 1, 1))
        .collect()
}

pub(crate) const VISITS: [(&str, (u32, u32), &str); 4] = [
    ("publicize", (2, 3), "宣讲党的创新理论和惠民政策"),
    ("investigate", (4, 5), "专题调研产业发展和基层治理"),
    ("receive_petitions", (6, 7), "下访接待群众来访"),
    ("on_site_work", (8, 9), "现场办公协调解决群众急难愁盼问题"),
];

/// The county leaders' special party classes, grassroots visits and research visits.
pub(crate) fn leaders(r: &mut Random, g: &mut Gen, year: i32, plan: Option<&Plan>) {
    let t = g.tree;
    let mut hosts = branch_pool(g, year, &[Profile::Village, Profile::Community], plan);
    r.shuffle(&mut hosts);
    let mut hosts = hosts.into_iter().cycle();
    let pending = (year == chrono::Datelike::year(&crate::random::add_days(g.last_day, 1))).then(|| super::class_pending(g)).flatten();
    for leader in special_class_holders(g) {
        if pending == Some(leader) {
            continue;
        }
        let skipped = plan.map_or(&[][..], |p| p.no_class.as_slice());
        if skipped.first() == Some(&leader) {
            let (first, last) = quarter_days(year, 3);
            if let Some(day) = g.day(r, first, last, t.organs_committee) {
                let people = leadership_on(g, t.organs_committee, day);
                let topic = words::lesson(r);
                let a = g.add(r, kind::CLASS, t.organs_committee, day, 90, format!("县领导讲专题党课：{topic}"));
                a.presenter = Some(leader);
                a.agenda = vec![(agenda::OTHER, topic.to_owned())];
                a.participants = people;
            }
            continue;
        }
        if skipped.contains(&leader) {
            continue;
        }
        for _ in 0..4 {
            let Some(host) = hosts.next() else { break };
            if class_at_branch(r, g, year, host, leader, "县领导") {
                break;
            }
        }
    }

    let villages = branch_pool(g, year, &[Profile::Village, Profile::Community, Profile::TownshipOrgan], None);
    let units =
        branch_pool(g, year, &[Profile::Enterprise, Profile::SmallEnterprise, Profile::School, Profile::Hospital, Profile::Clinic], None);
    let cadres: Vec<usize> =
        (0..g.members.len()).filter(|&p| g.members.get(p).is_some_and(|m| m.person.cadre_rank >= CadreRank::CountyDeputy)).collect();
    for cadre in cadres {
        for (visit, months, what) in VISITS {
            let host = villages.get(r.below(villages.len())).copied().unwrap_or(t.root);
            let joined = g.start.get(cadre).copied().flatten().unwrap_or(chrono::NaiveDate::MAX);
            let Some(day) = g.day_in_months_after(r, year, months, host, joined) else { continue };
            if !g.member_on(cadre, day) {
                continue;
            }
            let people = g.committee_on(host, day);
            let a = g.add(r, kind::VISIT, host, day, 180, format!("“四下基层”：{what}"));
            a.presenter = Some(cadre);
            a.visit_kind = Some(visit);
            a.agenda = vec![(agenda::OTHER, what.to_owned())];
            a.participants = people;
        }
        let host = units.get(r.below(units.len())).copied().unwrap_or(t.root);
        if let Some(day) = g.day_in_months(r, year, (10, 11), host)
            && g.member_on(cadre, day)
        {
            let people = g.committee_on(host, day);
            let a = g.add(r, kind::RESEARCH, host, day, 240, "专题调研：企事业单位党建与发展".to_owned());
            a.presenter = Some(cadre);
            a.agenda = vec![(agenda::OTHER, "听取汇报、实地察看、座谈交流".to_owned())];
            a.participants = people;
        }
    }
}
