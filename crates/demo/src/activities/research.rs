//! The county leaders' research projects (调研课题): one for each cadre of
//! county rank who makes grassroots and research visits, hosted by the
//! county committee and started in January, with one to three other
//! leaders on its team. The leader's visits of the year belong to it, and
//! so do some typical case analyses of the committees. About two thirds of
//! the projects have findings and one to three results (a measure, a
//! document or a problem for the rectification ledger); the others have
//! produced nothing yet.

use super::{DemoProject, DemoResult, Gen, kind, month_last, words};
use crate::random::{Random, add_days, ymd};
use chrono::{Datelike, NaiveDate};
use domain::CadreRank;

/// The result kind codes of the store.
pub(crate) const RESULT_KINDS: [&str; 3] = ["measure", "document", "problem"];

/// The year the projects are of: the current one, unless it is too young
/// to have started any (its first day or second).
pub(crate) fn project_year(g: &Gen) -> i32 {
    let today = add_days(g.last_day, 1);
    if g.last_day >= ymd(today.year(), 1, 2) { today.year() } else { today.year() - 1 }
}

/// The cadres of county rank who make visits (as in `county::leaders`)
/// and were members on `day`.
fn visiting_cadres(g: &Gen, day: NaiveDate) -> Vec<usize> {
    (0..g.members.len())
        .filter(|&p| g.members.get(p).is_some_and(|m| m.person.cadre_rank >= CadreRank::CountyDeputy) && g.member_on(p, day))
        .collect()
}

/// Starts the projects and links the visits and some case analyses to them.
pub(crate) fn projects(r: &mut Random, g: &mut Gen) -> Vec<DemoProject> {
    let year = project_year(g);
    let latest_start = month_last(year, 1).min(g.last_day);
    let root = g.tree.root;
    let mut topics = words::RESEARCH_TOPICS;
    r.shuffle(&mut topics);
    let leaders = visiting_cadres(g, ymd(year, 1, 2));
    let mut out = Vec::with_capacity(leaders.len());
    for (i, &lead) in leaders.iter().enumerate() {
        let started_on = r.day_between(ymd(year, 1, 2).max(g.founded(root)), latest_start);
        let mut others: Vec<usize> = leaders.iter().copied().filter(|&p| p != lead && g.member_on(p, started_on)).collect();
        r.shuffle(&mut others);
        others.truncate(r.count_between(1, 3));
        others.sort_unstable();
        let topic = topics.get(i % topics.len()).copied().unwrap_or("专题调研");
        out.push(DemoProject { org: root, topic: topic.to_owned(), lead, team: others, started_on, findings: None, results: Vec::new() });
        for a in g.out.iter_mut() {
            let visit = a.kind == kind::VISIT || a.kind == kind::RESEARCH;
            if visit && a.presenter == Some(lead) && a.held_on.year() == year && a.held_on >= started_on {
                a.research_project = Some(i);
            }
        }
    }
    let mut order: Vec<usize> = (0..out.len()).collect();
    r.shuffle(&mut order);
    let productive: Vec<usize> = order.into_iter().take(with_results(out.len())).collect();
    for &i in &productive {
        let Some(project) = out.get_mut(i) else { continue };
        let mut found = words::FINDINGS;
        r.shuffle(&mut found);
        project.findings = Some(found.iter().take(2).copied().collect::<Vec<_>>().join("\n"));
        let mut people = vec![project.lead];
        people.extend(project.team.iter().copied());
        for _ in 0..r.count_between(1, 3) {
            let kind = r.pick(&RESULT_KINDS);
            let (description, person) = match kind {
                "measure" => (r.pick(&words::MEASURES), None),
                "document" => (r.pick(&words::DOCUMENTS), None),
                _ => {
                    let person = r.chance(400).then(|| people.get(r.below(people.len())).copied()).flatten();
                    (r.pick(&words::RESEARCH_PROBLEMS), person)
                }
            };
            if project.results.iter().all(|x| x.description != description) {
                project.results.push(DemoResult { kind, description: description.to_owned(), person });
            }
        }
    }
    link_cases(r, g, year, &out, &productive);
    out
}

/// How many of `n` projects have results: two thirds, rounded.
pub(crate) fn with_results(n: usize) -> usize {
    (2 * n + 1) / 3
}

/// Links about one case analysis of the year for every two projects to a
/// project that has results, started before the case was analysed.
fn link_cases(r: &mut Random, g: &mut Gen, year: i32, projects: &[DemoProject], productive: &[usize]) {
    if productive.is_empty() {
        return;
    }
    let mut cases: Vec<usize> =
        g.out.iter().enumerate().filter(|(_, a)| a.kind == kind::CASE && a.held_on.year() == year).map(|(i, _)| i).collect();
    r.shuffle(&mut cases);
    for c in cases.into_iter().take(projects.len().div_ceil(2)) {
        let Some(&p) = productive.get(r.below(productive.len())) else { continue };
        let Some(started) = projects.get(p).map(|x| x.started_on) else { continue };
        if let Some(a) = g.out.get_mut(c).filter(|a| a.held_on >= started) {
            a.research_project = Some(p);
        }
    }
}
