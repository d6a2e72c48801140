//! Random small worlds for property tests: a tree in pre-order, people with
//! memberships and positions, activities of every kind, settings and
//! exemptions, all from one seed of the shared [`Seeded`] source. Chances
//! are in thousandths.

use chrono::NaiveDate;
use domain::{CadreRank, OrgKind, OrgLevel, PositionKind};
use rules::catalogue::{Catalogue, Polarity};
use rules::settings::{Exemption, LocalSetting};
use rules::{ActivityFact, MembershipFact, OrgFact, PeriodKind, PersonFact, PositionFact, Settings, Subject, Voters, World};
use seeded::Seeded;

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub struct Case {
    pub world: World,
    pub settings: Settings,
    pub as_of: NaiveDate,
}

const SHAPES: [(OrgLevel, OrgKind); 7] = [
    (OrgLevel::County, OrgKind::PartyGroup),
    (OrgLevel::County, OrgKind::Committee),
    (OrgLevel::Township, OrgKind::Committee),
    (OrgLevel::Grassroots, OrgKind::Committee),
    (OrgLevel::Grassroots, OrgKind::GeneralBranch),
    (OrgLevel::Grassroots, OrgKind::Branch),
    (OrgLevel::Grassroots, OrgKind::Branch),
];

/// A random world for 2025 from `seed`.
pub fn generate(cat: &Catalogue, seed: u64) -> Case {
    let mut r = Seeded::new(seed);
    let orgs = tree(&mut r);
    let n = orgs.len();
    let (people, memberships, positions) = people(&mut r, n);
    let n_people = people.len() as u32;
    let n_acts = r.below(60u64) as usize;
    let mut activities = Vec::new();
    let theory = cat.agenda_kind("theory_study").unwrap();
    for _ in 0..n_acts {
        if r.chance(50) {
            activities.push(None);
            continue;
        }
        activities.push(Some(activity(cat, &mut r, n as u32, n_people, theory)));
    }
    let settings = settings(cat, &mut r, n, n_people);
    let as_of = r.day_between(ymd(2025, 1, 1), ymd(2026, 2, 15));
    Case { world: World { orgs, people, memberships, positions, activities }, settings, as_of }
}

/// A tree of 3 to 11 organizations in pre-order, some founded or closed in 2025.
fn tree(r: &mut Seeded) -> Vec<OrgFact> {
    let (year_start, year_end) = (ymd(2025, 1, 1), ymd(2025, 12, 31));
    // The tree as parent links, then put in pre-order.
    let n = 3 + r.below(9u64) as usize;
    let mut shape = vec![(OrgLevel::County, OrgKind::Committee)];
    let mut parent: Vec<Option<usize>> = vec![None];
    for i in 1..n {
        let mut s = r.pick(&SHAPES);
        let p = r.below(i as u64) as usize;
        if shape[p].1 == OrgKind::Branch && r.chance(500) {
            s = (OrgLevel::Grassroots, OrgKind::Group);
        }
        if shape[p].1 == OrgKind::Group {
            s = (OrgLevel::Grassroots, OrgKind::Group);
        }
        shape.push(s);
        parent.push(Some(p));
    }
    let mut order = Vec::new();
    let mut stack = vec![0usize];
    while let Some(x) = stack.pop() {
        order.push(x);
        let mut kids: Vec<usize> = (0..n).filter(|&c| parent[c] == Some(x)).collect();
        kids.reverse();
        stack.extend(kids);
    }
    let mut new_ix = vec![0u32; n];
    for (i, &x) in order.iter().enumerate() {
        new_ix[x] = i as u32;
    }
    let mut orgs: Vec<OrgFact> = order
        .iter()
        .map(|&x| {
            let founded = if r.chance(200) { r.day_between(year_start, year_end) } else { ymd(2000, 1, 1) };
            let closed = if r.chance(150) { Some(r.day_between(founded.max(year_start), ymd(2026, 1, 1))) } else { None };
            OrgFact {
                parent: parent[x].map(|p| new_ix[p]),
                level: shape[x].0,
                kind: shape[x].1,
                founded_on: founded,
                closed_on: closed,
                subtree_end: 0,
            }
        })
        .collect();
    for i in (0..n).rev() {
        let end = (i + 1..n).take_while(|&j| {
            let mut at = orgs[j].parent;
            while let Some(a) = at {
                if a as usize == i {
                    return true;
                }
                at = orgs[a as usize].parent;
            }
            false
        });
        orgs[i].subtree_end = (i + 1 + end.count()) as u32;
    }
    orgs
}

/// 2 to 11 people with their memberships (some moving during 2025) and positions.
fn people(r: &mut Seeded, n: usize) -> (Vec<PersonFact>, Vec<MembershipFact>, Vec<PositionFact>) {
    let (year_start, year_end) = (ymd(2025, 1, 1), ymd(2025, 12, 31));
    let n_people = 2 + r.below(10u64) as u32;
    let ranks = [CadreRank::None, CadreRank::Section, CadreRank::CountyDeputy, CadreRank::County];
    let mut people = Vec::new();
    let mut memberships = Vec::new();
    let mut positions = Vec::new();
    for p in 0..n_people {
        let joined = if r.chance(200) { r.day_between(year_start, year_end) } else { r.day_between(ymd(1980, 1, 1), ymd(2024, 12, 31)) };
        people.push(PersonFact { joined_on: joined, cadre_rank: r.pick(&ranks) });
        let from = if r.chance(250) { r.day_between(year_start, year_end) } else { joined.min(ymd(2020, 1, 1)) };
        let org = r.below(n as u64) as u32;
        if r.chance(250) {
            let moved = r.day_between(from, ymd(2026, 1, 1));
            memberships.push(MembershipFact { person: p, org, from, to: Some(moved) });
            if r.chance(700) {
                memberships.push(MembershipFact { person: p, org: r.below(n as u64) as u32, from: moved, to: None });
            }
        } else {
            memberships.push(MembershipFact { person: p, org, from, to: None });
        }
        for _ in 0..r.below(3u64) {
            let kinds =
                [PositionKind::Secretary, PositionKind::DeputySecretary, PositionKind::CommitteeMember, PositionKind::LeadershipMember];
            let from = if r.chance(300) { r.day_between(year_start, year_end) } else { ymd(2015, 1, 1) };
            let to = if r.chance(300) { Some(r.day_between(from, ymd(2026, 1, 1))) } else { None };
            positions.push(PositionFact { person: p, org: r.below(n as u64) as u32, kind: r.pick(&kinds), from, to });
        }
    }
    (people, memberships, positions)
}

/// Local frequencies, sometimes a local requirement, and exemptions.
fn settings(cat: &Catalogue, r: &mut Seeded, n: usize, n_people: u32) -> Settings {
    let year_end = ymd(2025, 12, 31);
    let mut settings = Settings::default();
    let locally: Vec<u16> = cat.requirements.iter().enumerate().filter(|(_, q)| q.locally_set).map(|(i, _)| i as u16).collect();
    for _ in 0..r.below(3u64) {
        if locally.is_empty() {
            break;
        }
        let kinds = [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year];
        settings.frequencies.push(LocalSetting {
            requirement: locally[r.below(locally.len())],
            org: r.below(n as u64) as u32,
            valid_from: r.day_between(ymd(2024, 6, 1), year_end),
            period: r.pick(&kinds),
            count: 1 + r.below(3u64) as u32,
        });
    }
    if r.chance(300) {
        let text = format!(
            "[[requirement]]\nid = \"local-visits\"\nzh = \"本地走访\"\nen = \"Local visits\"\nclause = \"Local rule\"\nsubject = \"organization\"\norg_kinds = [\"branch\"]\nperiod = \"quarter\"\ncount = {}\nkinds = [\"grassroots_visit\", \"theme_party_day\"]\n",
            1 + r.below(2u64)
        );
        let req = cat.parse_local_requirement("local", &text).unwrap();
        settings.local_requirements.push((req, r.below(n as u64) as u32, r.day_between(ymd(2024, 6, 1), year_end)));
    }
    let n_reqs = cat.requirements.len() + settings.local_requirements.len();
    for _ in 0..r.below(4u64) {
        let from = r.day_between(ymd(2024, 10, 1), year_end);
        let subject =
            if r.chance(500) { Subject::Org(r.below(n as u64) as u32) } else { Subject::Person(r.below(u64::from(n_people)) as u32) };
        settings.exemptions.push(Exemption {
            requirement: r.below(n_reqs as u64) as u16,
            subject,
            from,
            to: r.day_between(from, ymd(2026, 3, 1)),
        });
    }
    settings
}

/// One random activity.
pub fn activity(cat: &Catalogue, r: &mut Seeded, n_orgs: u32, n_people: u32, theory: u16) -> ActivityFact {
    let held_on =
        if r.chance(80) { r.day_between(ymd(2024, 11, 1), ymd(2026, 1, 31)) } else { r.day_between(ymd(2025, 1, 1), ymd(2025, 12, 31)) };
    let mut agenda = Vec::new();
    if r.chance(600) {
        agenda.push(theory);
    }
    for _ in 0..r.below(3u64) {
        agenda.push(r.below(cat.agenda_kinds.len() as u64) as u16);
    }
    let present: Vec<u32> = (0..n_people).filter(|_| r.chance(500)).collect();
    ActivityFact {
        kind: r.below(cat.activity_kinds.len() as u64) as u16,
        host: r.below(u64::from(n_orgs)) as u32,
        held_on,
        minutes: 30 + r.below(200u64) as u32,
        presenter: if r.chance(600) { Some(r.below(u64::from(n_people)) as u32) } else { None },
        agenda,
        visit_kind: if r.chance(700) { Some(r.below(cat.visit_kinds.len() as u64) as u16) } else { None },
        polarity: match r.below(3u64) {
            0 => Some(Polarity::Positive),
            1 => Some(Polarity::Negative),
            _ => None,
        },
        voters: Voters { present: r.below(present.len() as u64 + 1) as u32, absent: r.below(4u64) as u32 },
        present,
        absent: r.below(6u64) as u32,
    }
}
