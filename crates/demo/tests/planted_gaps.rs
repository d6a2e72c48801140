//! The demo county's activities, evaluated with the embedded catalogue: the
//! cells of last year (2025) that come out missed are exactly the planted
//! gaps, the current year (2026, up to 2026-11-23) misses nothing it did not
//! plant, requirements whose feature is not built are not applicable, every
//! activity kind but the political check-up occurs, and every activity could
//! be recorded (participants eligible, absentees among them, codes given
//! where the kind needs them).
//!
//! The conversion into a `rules::World` is the one a loader would make:
//! organizations in pre-order; one membership per member who still counts
//! in their branch (transferred-out and deceased members have none), from
//! the later of the join date and the branch's founding; positions held from
//! the start of that membership.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, NaiveDate};
use demo::{DEFAULT_SEED, DemoData, GapSubject, generate, planted_gaps_json};
use rules::catalogue::Polarity;
use rules::{
    ActivityFact, Calendar, Catalogue, Cell, Engine, MembershipFact, OrgFact, PersonFact, PositionFact, Settings, Status, Subject, World,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;
use testkit::demo::county as data;
use testkit::{today, ymd};

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| Catalogue::embedded().unwrap())
}

/// The world and the mapping of organization indices.
struct Converted {
    world: World,
    /// World index → demo index.
    demo_org: Vec<usize>,
}

fn membership_start(data: &DemoData, p: usize, index: &HashMap<&domain::Id, usize>) -> Option<(usize, NaiveDate)> {
    let person = &data.people[p];
    if !person.status.counts_in_branch() {
        return None;
    }
    let b = index[&person.org_id];
    Some((b, person.join_date.first_day().max(data.orgs[b].founded_on)))
}

fn convert(data: &DemoData, cat: &Catalogue) -> Converted {
    let index: HashMap<&domain::Id, usize> = data.orgs.iter().enumerate().map(|(i, o)| (&o.id, i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); data.orgs.len()];
    let mut roots = Vec::new();
    for (i, o) in data.orgs.iter().enumerate() {
        match &o.parent_id {
            Some(p) => children[index[p]].push(i),
            None => roots.push(i),
        }
    }
    // Pre-order by an explicit stack; children keep their order.
    let mut demo_org = Vec::with_capacity(data.orgs.len());
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(o) = stack.pop() {
        demo_org.push(o);
        stack.extend(children[o].iter().rev());
    }
    assert_eq!(demo_org.len(), data.orgs.len(), "every organization is reachable from a root");
    let mut world_org = vec![0u32; data.orgs.len()];
    for (w, &d) in demo_org.iter().enumerate() {
        world_org[d] = w as u32;
    }
    let mut orgs: Vec<OrgFact> = demo_org
        .iter()
        .map(|&d| {
            let o = &data.orgs[d];
            OrgFact {
                parent: o.parent_id.as_ref().map(|p| world_org[index[p]]),
                level: o.level,
                kind: o.kind,
                founded_on: o.founded_on,
                closed_on: None,
                subtree_end: 0,
            }
        })
        .collect();
    // Children come after their parent, so a backward pass sees them first.
    for w in (0..orgs.len()).rev() {
        let mut last = w as u32 + 1;
        for &c in &children[demo_org[w]] {
            last = last.max(orgs[world_org[c] as usize].subtree_end);
        }
        orgs[w].subtree_end = last;
    }
    let people = data.people.iter().map(|p| PersonFact { joined_on: p.join_date.first_day(), cadre_rank: p.cadre_rank }).collect();
    let mut memberships = Vec::new();
    let mut positions = Vec::new();
    for (p, person) in data.people.iter().enumerate() {
        let Some((branch, from)) = membership_start(data, p, &index) else { continue };
        memberships.push(MembershipFact { person: p as u32, org: world_org[branch], from, to: None });
        for (org, kind) in &person.positions {
            positions.push(PositionFact { person: p as u32, org: world_org[index[org]], kind: *kind, from, to: None });
        }
    }
    let activities = data
        .activities
        .iter()
        .map(|a| {
            let absent: HashSet<usize> = a.absentees.iter().map(|(p, _)| *p).collect();
            Some(ActivityFact {
                kind: cat.kind(a.kind).unwrap_or_else(|| panic!("unknown activity kind {}", a.kind)),
                host: world_org[a.host],
                held_on: a.held_on,
                minutes: a.duration_minutes,
                presenter: a.presenter.map(|p| p as u32),
                agenda: a.agenda.iter().map(|(k, _)| cat.agenda_kind(k).unwrap_or_else(|| panic!("unknown agenda kind {k}"))).collect(),
                visit_kind: a.visit_kind.map(|v| cat.visit_kind(v).unwrap()),
                polarity: a.polarity.map(|p| Polarity::parse(p).unwrap()),
                present: a.participants.iter().filter(|p| !absent.contains(p)).map(|&p| p as u32).collect(),
                absent: absent.len() as u32,
                voters: rules::Voters::default(),
            })
        })
        .collect();
    let world = World { orgs, people, memberships, positions, activities };
    world.check().unwrap();
    Converted { world, demo_org }
}

type Key = (String, GapSubject, String);

fn evaluate(data: &DemoData, year: i32, as_of: NaiveDate) -> (Engine, Converted) {
    let conv = convert(data, catalogue());
    let engine = Engine::new(catalogue(), Calendar::embedded().unwrap(), conv.world.clone(), &Settings::default(), year, as_of).unwrap();
    (engine, conv)
}

fn key(engine: &Engine, conv: &Converted, c: &Cell) -> Key {
    let req = engine.requirements()[usize::from(c.requirement)].id.clone();
    let subject = match c.subject {
        Subject::Org(o) => GapSubject::Org(conv.demo_org[o as usize]),
        Subject::Person(p) => GapSubject::Person(p as usize),
    };
    (req, subject, c.period.label())
}

fn describe(data: &DemoData, (req, subject, period): &Key, cell: Option<&Cell>) -> String {
    let who = match subject {
        GapSubject::Org(o) => format!("org {} {}", o, data.orgs[*o].name),
        GapSubject::Person(p) => format!("person {} {}", p, data.people[*p].name),
    };
    let why = cell.map(|c| format!(" [{} {} found {} needed {}]", c.status.code(), c.why.code(), c.found, c.needed)).unwrap_or_default();
    format!("  {req} · {who} · {period}{why}")
}

/// The cells of `year` as of `as_of` whose status is one of `statuses`,
/// and the number of cells of each status.
fn cells_with(data: &DemoData, year: i32, as_of: NaiveDate, statuses: &[Status]) -> (BTreeMap<Key, Cell>, BTreeMap<Status, usize>) {
    let (engine, conv) = evaluate(data, year, as_of);
    let mut found = BTreeMap::new();
    let mut by_status = BTreeMap::new();
    for c in engine.cells() {
        *by_status.entry(c.status).or_insert(0) += 1;
        if statuses.contains(&c.status) {
            found.insert(key(&engine, &conv, &c), c);
        }
    }
    (found, by_status)
}

/// The planted gaps of `year` whose expected status is one of `statuses`
/// (all of them when `statuses` is empty), with that status.
fn planted(data: &DemoData, year: i32, statuses: &[&str]) -> BTreeMap<Key, String> {
    data.planted_gaps
        .iter()
        .filter(|g| g.period.starts_with(&year.to_string()) && (statuses.is_empty() || statuses.contains(&g.expected_status)))
        .map(|g| ((g.requirement.to_owned(), g.subject, g.period.clone()), g.expected_status.to_owned()))
        .collect()
}

/// Compares the cells found with the gaps planted (by key and status) and
/// lists both differences.
fn differences(data: &DemoData, what: &str, found: &BTreeMap<Key, Cell>, planted: &BTreeMap<Key, String>) -> Option<String> {
    let extra: Vec<String> = found
        .iter()
        .filter(|(k, c)| planted.get(*k).is_none_or(|s| s != c.status.code()))
        .map(|(k, c)| describe(data, k, Some(c)))
        .collect();
    let absent: Vec<String> = planted
        .iter()
        .filter(|(k, s)| found.get(*k).is_none_or(|c| c.status.code() != s.as_str()))
        .map(|(k, s)| format!("{} (expected {s})", describe(data, k, None)))
        .collect();
    (!extra.is_empty() || !absent.is_empty()).then(|| {
        format!(
            "{what}\nfound but not planted ({}):\n{}\nplanted but not found ({}):\n{}",
            extra.len(),
            extra.iter().take(60).cloned().collect::<Vec<_>>().join("\n"),
            absent.len(),
            absent.join("\n"),
        )
    })
}

/// Checks a county generated for `today`: last year evaluated after every
/// window misses exactly the planted gaps; last year and the current year
/// evaluated as of `today` are missed or overdue exactly where planted, and
/// due where a planted gap says so.
fn check(data: &DemoData, today: NaiveDate) -> Vec<String> {
    let mut problems = Vec::new();
    let last_year = today.year() - 1;
    let after_windows = today.max(ymd(today.year(), 1, 31));
    let (missed, by_status) = cells_with(data, last_year, after_windows, &[Status::Missed]);
    let what = format!("{last_year} as of {after_windows}: cells by status {by_status:?}");
    let all_missed: BTreeMap<Key, String> = planted(data, last_year, &[]).into_keys().map(|k| (k, "missed".to_owned())).collect();
    problems.extend(differences(data, &what, &missed, &all_missed));
    for year in [last_year, today.year()] {
        let (found, by_status) = cells_with(data, year, today, &[Status::Missed, Status::Overdue]);
        let what = format!("{year} as of {today}: cells by status {by_status:?}");
        problems.extend(differences(data, &what, &found, &planted(data, year, &["missed", "overdue"])));
        let (due, _) = cells_with(data, year, today, &[Status::Due]);
        for (k, _) in planted(data, year, &["due"]) {
            if !due.contains_key(&k) {
                problems.push(format!("{year} as of {today}: planted as due but not due:\n{}", describe(data, &k, None)));
            }
        }
    }
    problems
}

#[test]
fn the_missed_cells_are_exactly_the_planted_gaps() {
    let problems = check(data(), today());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    let gaps = planted(data(), 2025, &["missed"]);
    assert_eq!(gaps.len(), 11, "on {} every planted gap of 2025 is missed", today());
    let count = |req: &str| gaps.keys().filter(|k| k.0 == req).count();
    assert_eq!(count("members-assembly") + count("party-lesson"), 3);
    assert_eq!(count("special-party-class"), 2);
    assert_eq!(count("first-issue"), 1);
    assert_eq!(count("study-hours"), 4);
    assert_eq!(count("branch-committee-meeting"), 1);
    // One of the two leaders gave the class, but not at the grassroots; the
    // committee meeting was held without a quorum.
    let (missed, _) = cells_with(data(), 2025, ymd(2026, 1, 31), &[Status::Missed]);
    let why = |req: &str| missed.iter().filter(|(k, _)| k.0 == req).map(|(_, c)| c.why.code()).collect::<BTreeSet<_>>();
    assert_eq!(why("special-party-class"), BTreeSet::from(["not_at_grassroots", "not_enough"]));
    assert_eq!(why("branch-committee-meeting"), BTreeSet::from(["held_without_quorum"]));
    assert_eq!(why("first-issue"), BTreeSet::from(["meetings_without_study"]));
    // In the current year nothing is missed: the secretary's branch has this
    // month's committee meeting and this quarter's lesson still to hold, and
    // one county leader the year's special party class still to give.
    let now = planted(data(), 2026, &[]);
    assert_eq!(now.len(), 3, "{now:?}");
    assert!(now.values().all(|s| s == "due"), "{now:?}");
}

#[test]
fn other_seeds_and_days_miss_only_what_they_planted() {
    // Early January: last year's gaps are still within the late window.
    for (seed, day) in [(1, ymd(2026, 1, 6)), (2, ymd(2026, 4, 2)), (3, ymd(2026, 7, 1))] {
        let data = generate(seed, day);
        let problems = check(&data, day);
        assert!(problems.is_empty(), "seed {seed} on {day}:\n{}", problems.join("\n\n"));
        assert_eq!(data.planted_gaps.len(), 14, "seed {seed} on {day}: 11 gaps of last year, 3 open items of this one");
    }
}

#[test]
fn requirements_whose_feature_is_not_built_are_not_applicable() {
    let (engine, _) = evaluate(data(), 2025, ymd(2026, 1, 31));
    let unbuilt: HashSet<u16> =
        engine.requirements().iter().enumerate().filter(|(_, r)| r.feature_not_built.is_some()).map(|(i, _)| i as u16).collect();
    assert!(!unbuilt.is_empty());
    let cells: Vec<Cell> = engine.cells().into_iter().filter(|c| unbuilt.contains(&c.requirement)).collect();
    assert!(!cells.is_empty());
    for c in cells {
        assert_eq!(c.status, Status::NotApplicable, "{c:?}");
    }
}

#[test]
fn every_activity_kind_but_the_political_checkup_occurs() {
    let used: HashSet<&str> = data().activities.iter().map(|a| a.kind).collect();
    for term in &catalogue().activity_kinds {
        if term.code == "political_checkup" {
            continue;
        }
        assert!(used.contains(term.code.as_str()), "no activity of kind {}", term.code);
    }
    for year in [2025, 2026] {
        assert!(data().activities.iter().any(|a| a.held_on.year() == year), "{year}");
    }
}

/// Whether `org` is `root` or stands under it.
fn under(data: &DemoData, index: &HashMap<&domain::Id, usize>, mut org: usize, root: usize) -> bool {
    loop {
        if org == root {
            return true;
        }
        match &data.orgs[org].parent_id {
            Some(p) => org = index[p],
            None => return false,
        }
    }
}

#[test]
fn every_activity_could_be_recorded() {
    let data = data();
    let cat = catalogue();
    let index: HashMap<&domain::Id, usize> = data.orgs.iter().enumerate().map(|(i, o)| (&o.id, i)).collect();
    let mut ids = HashSet::new();
    for a in &data.activities {
        assert!(ids.insert(a.id.clone()), "duplicate id {}", a.id);
        let host = &data.orgs[a.host];
        assert!(a.held_on >= ymd(2025, 1, 1) && a.held_on < today(), "{a:?}");
        assert!(a.held_on >= host.founded_on, "held before the host was founded: {a:?}");
        assert!((1..=1440).contains(&a.duration_minutes), "{a:?}");
        assert!(!a.title.trim().is_empty() && a.title.chars().count() <= 200);
        assert_eq!(a.visit_kind.is_some(), a.kind == "grassroots_visit", "{a:?}");
        assert_eq!(a.polarity.is_some(), a.kind == "case_analysis", "{a:?}");
        assert!(cat.kind(a.kind).is_some());
        let mut seen = HashSet::new();
        for &p in &a.participants {
            assert!(seen.insert(p), "listed twice: {a:?}");
            let person = &data.people[p];
            let member = membership_start(data, p, &index).is_some_and(|(b, from)| from <= a.held_on && under(data, &index, b, a.host));
            let holder = person.positions.iter().any(|(o, _)| index[o] == a.host)
                && membership_start(data, p, &index).is_some_and(|(_, from)| from <= a.held_on);
            assert!(member || holder, "{} is not eligible for {} at {} on {}", person.name, a.title, host.name, a.held_on);
        }
        for (p, reason) in &a.absentees {
            assert!(a.participants.contains(p), "absentee not a participant: {a:?}");
            assert!(!reason.trim().is_empty());
        }
        if a.kind == "members_assembly" {
            assert!((a.participants.len() - a.absentees.len()) * 2 > a.participants.len(), "assembly without quorum: {a:?}");
        }
    }
}

#[test]
fn the_planted_gaps_are_written_as_json() {
    let json = planted_gaps_json(data());
    assert!(json.starts_with("[\n  {") && json.ends_with("}\n]\n"), "{json}");
    assert_eq!(json.matches("\"requirement\":").count(), data().planted_gaps.len());
    assert_eq!(data().planted_gaps.len(), 14);
    assert!(json.contains("\"expected_status\": \"due\""));
    assert!(json.contains("\"expected_status\": \"missed\""));
}

#[test]
fn the_same_seed_and_day_give_the_same_activities() {
    let again = generate(DEFAULT_SEED, today());
    assert_eq!(again.activities, data().activities);
    assert_eq!(again.planted_gaps, data().planted_gaps);
}
