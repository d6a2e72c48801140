//! Pass 4: a year of activities, organization by organization in
//! pre-order, and then the cadres' visits. Each kind of activity is held
//! with a probability short of certain, so that every requirement has some
//! periods missed; the order of draws is fixed, so a seed gives one world.

use super::{Body, BranchInfo, Gen, YEAR};
use crate::random::Draws;
use chrono::{Datelike, NaiveDate};
use domain::{OrgKind, OrgLevel};
use rules::catalogue::{KindIx, Polarity};
use rules::world::ActivityFact;

/// An activity to record with [`Gen::act`].
struct Held {
    kind: KindIx,
    host: u32,
    on: NaiveDate,
    minutes: u32,
    presenter: Option<u32>,
    agenda: Vec<u16>,
    /// The number expected who were not present.
    absent: u32,
}

/// A branch and what its year of activities depends on.
struct BranchYear {
    b: BranchInfo,
    founded: NaiveDate,
    closed: Option<NaiveDate>,
    /// The branch's attendance rate.
    rate: f64,
    /// Its committee, secretary first.
    team: Vec<u32>,
}

impl BranchYear {
    /// Whether the branch exists on day `d`.
    fn alive(&self, d: NaiveDate) -> bool {
        d >= self.founded && self.closed.is_none_or(|c| d < c)
    }

    /// The branch's members, `lo..hi`.
    fn members(&self) -> (u32, u32) {
        (self.b.first, self.b.first + self.b.n)
    }

    /// The secretary on day `d` (a new one from the day of a change).
    fn secretary_on(&self, d: NaiveDate) -> Option<u32> {
        match self.b.new_secretary {
            Some((day, offset)) if d >= day => Some(self.b.first + offset),
            _ => self.team.first().copied(),
        }
    }
}

impl Gen {
    /// Records an activity; those present are the ones the last
    /// `attend_range` or `attend_list` chose.
    fn act(&mut self, held: Held) {
        let present = self.scratch.as_slice().to_vec();
        self.scratch.clear();
        self.activities.push(Some(ActivityFact {
            kind: held.kind,
            host: held.host,
            held_on: held.on,
            minutes: held.minutes,
            presenter: held.presenter,
            agenda: held.agenda,
            visit_kind: None,
            polarity: None,
            present,
            absent: held.absent,
            voters: rules::Voters::default(),
        }));
    }

    /// Puts each of `lo..hi` in the present list with probability `rate`; the number absent.
    fn attend_range(&mut self, lo: u32, hi: u32, rate: f64) -> u32 {
        self.scratch.clear();
        let threshold = (rate * (u64::MAX as f64)) as u64;
        for p in lo..hi {
            if self.rng.bits() < threshold {
                self.scratch.push(p);
            }
        }
        (hi - lo) - self.scratch.len() as u32
    }

    fn attend_list(&mut self, list: &[u32], rate: f64) -> u32 {
        self.scratch.clear();
        let threshold = (rate * (u64::MAX as f64)) as u64;
        for &p in list {
            if self.rng.bits() < threshold {
                self.scratch.push(p);
            }
        }
        list.len() as u32 - self.scratch.len() as u32
    }

    /// Pass 4: a year of activities, organization by organization.
    pub(crate) fn activities_all(&mut self) {
        let expected = self.branches.iter().map(|b| 42 + b.groups as usize * 12).sum::<usize>() + self.orgs.len() * 2;
        self.activities.reserve_exact(expected);
        let mut next_branch = 0usize;
        let mut next_body = 0usize;
        for o in 0..self.orgs.len() as u32 {
            if let Some(b) = self.branches.get(next_branch).copied()
                && b.org == o
            {
                self.branch_activities(b);
                next_branch += 1;
                continue;
            }
            let Some(org) = self.orgs.get(o as usize) else { continue };
            let (level, kind) = (org.level, org.kind);
            match (level, kind) {
                (OrgLevel::Grassroots, OrgKind::Group) => {}
                (OrgLevel::Grassroots, _) => self.unit_activities(o, kind == OrgKind::Committee),
                (OrgLevel::Township, _) => self.township_activities(o),
                _ => {
                    if self.bodies.get(next_body).is_some_and(|b| b.org == o) {
                        let body = std::mem::replace(&mut self.bodies[next_body], Body { org: o, scope: o, team: Vec::new() });
                        self.body_activities(&body, kind);
                        self.bodies[next_body] = body;
                        next_body += 1;
                    }
                }
            }
        }
        self.cadre_visits();
    }

    /// A branch's year: committee meetings, assemblies and lessons, theme
    /// party days, political birthdays, the organizational life meeting,
    /// discipline education and group meetings, in this order of draws.
    fn branch_activities(&mut self, b: BranchInfo) {
        let Some(org) = self.orgs.get(b.org as usize) else { return };
        let (founded, closed) = (org.founded_on, org.closed_on);
        let rate = 0.70 + 0.27 * self.rng.unit();
        let team = self.team.get(b.org as usize).cloned().unwrap_or_default();
        let y = BranchYear { b, founded, closed, rate, team };
        self.committee_meetings(&y);
        self.assemblies_and_lessons(&y);
        self.theme_days(&y);
        self.political_birthdays(&y);
        self.organizational_life(&y);
        self.discipline_education(&y);
        self.group_meetings(&y);
    }

    /// Branch committee meetings, monthly.
    fn committee_meetings(&mut self, y: &BranchYear) {
        let (kind, business) = (self.k.committee_meeting, self.k.business);
        for m in 1..=12 {
            let d = self.rng.day_of(m);
            if self.rng.with_probability(0.95) && y.alive(d) {
                let absent = self.attend_list(&y.team, 0.95);
                let minutes = self.rng.between(60, 120);
                self.act(Held { kind, host: y.b.org, on: d, minutes, presenter: None, agenda: vec![business], absent });
            }
        }
    }

    /// Members' assemblies and party lessons, quarterly; the secretary gives a lesson in most branches.
    fn assemblies_and_lessons(&mut self, y: &BranchYear) {
        let (assembly, lesson, business) = (self.k.assembly, self.k.lesson, self.k.business);
        let (lo, hi) = y.members();
        let secretary_teaches = self.rng.with_probability(0.92);
        let mut taught = false;
        for q in 0..4u32 {
            let d = self.rng.day_in(q * 3 + 1, q * 3 + 3);
            if self.rng.with_probability(0.94) && y.alive(d) {
                let r = if self.rng.with_probability(0.015) { 0.3 } else { y.rate };
                let absent = self.attend_range(lo, hi, r);
                let minutes = self.rng.between(90, 150);
                self.act(Held { kind: assembly, host: y.b.org, on: d, minutes, presenter: None, agenda: vec![business], absent });
            }
            let d = self.rng.day_in(q * 3 + 1, q * 3 + 3);
            if self.rng.with_probability(0.94) && y.alive(d) {
                let presenter = if secretary_teaches && !taught {
                    taught = true;
                    y.secretary_on(d)
                } else if y.team.len() > 1 {
                    y.team.get(1 + self.rng.below(y.team.len() as u32 - 1) as usize).copied()
                } else {
                    None
                };
                let absent = self.attend_range(lo, hi, y.rate);
                let minutes = self.rng.between(90, 150);
                self.act(Held { kind: lesson, host: y.b.org, on: d, minutes, presenter, agenda: Vec::new(), absent });
            }
        }
    }

    /// Theme party days, monthly.
    fn theme_days(&mut self, y: &BranchYear) {
        let (kind, oath) = (self.k.theme_day, self.k.oath);
        let (lo, hi) = y.members();
        for m in 1..=12 {
            let d = self.rng.day_of(m);
            if self.rng.with_probability(0.95) && y.alive(d) {
                let absent = self.attend_range(lo, hi, y.rate);
                let minutes = self.rng.between(120, 240);
                let agenda = if self.rng.with_probability(0.25) { vec![oath] } else { Vec::new() };
                self.act(Held { kind, host: y.b.org, on: d, minutes, presenter: None, agenda, absent });
            }
        }
    }

    /// Political birthdays: one activity a month for the members who joined in that month.
    fn political_birthdays(&mut self, y: &BranchYear) {
        let kind = self.k.birthday;
        let (lo, hi) = y.members();
        let mut by_month: [Vec<u32>; 12] = Default::default();
        for p in lo..hi {
            if let Some(person) = self.people.get(p as usize)
                && person.joined_on.year() < YEAR
            {
                by_month[person.joined_on.month0() as usize].push(p);
            }
        }
        for (m0, celebrants) in by_month.iter().enumerate() {
            if celebrants.is_empty() {
                continue;
            }
            let d = self.rng.day_of(m0 as u32 + 1);
            if self.rng.with_probability(0.93) && y.alive(d) {
                let absent = self.attend_list(celebrants, 0.95);
                let minutes = self.rng.between(30, 60);
                self.act(Held { kind, host: y.b.org, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
            }
        }
    }

    /// The organizational life meeting, once a year.
    fn organizational_life(&mut self, y: &BranchYear) {
        let (kind, criticism, appraisal) = (self.k.organizational_life, self.k.criticism, self.k.appraisal);
        let (lo, hi) = y.members();
        let month = [1, 2, 12, 12][self.rng.below(4usize)];
        let d = self.rng.day_of(month);
        if self.rng.with_probability(0.96) && y.alive(d) {
            let agenda = if self.rng.with_probability(0.97) { vec![criticism, appraisal] } else { vec![appraisal] };
            let absent = self.attend_range(lo, hi, y.rate);
            let minutes = self.rng.between(120, 180);
            self.act(Held { kind, host: y.b.org, on: d, minutes, presenter: None, agenda, absent });
        }
    }

    /// Discipline education, once or twice.
    fn discipline_education(&mut self, y: &BranchYear) {
        let kind = self.k.discipline;
        let (lo, hi) = y.members();
        for p in [0.95, 0.5] {
            let d = self.rng.day_in(1, 12);
            if self.rng.with_probability(p) && y.alive(d) {
                let absent = self.attend_range(lo, hi, y.rate);
                let minutes = self.rng.between(60, 120);
                self.act(Held { kind, host: y.b.org, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
            }
        }
    }

    /// Group meetings, monthly, in branches with groups.
    fn group_meetings(&mut self, y: &BranchYear) {
        let kind = self.k.group_meeting;
        let b = y.b;
        let lo = b.first;
        for g in 0..b.groups {
            let (glo, ghi) = (lo + g * b.n / b.groups, lo + (g + 1) * b.n / b.groups);
            for m in 1..=12 {
                let d = self.rng.day_of(m);
                if self.rng.with_probability(0.95) && y.alive(d) {
                    let absent = self.attend_range(glo, ghi, y.rate);
                    let minutes = self.rng.between(45, 90);
                    self.act(Held { kind, host: b.org + 1 + g, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
                }
            }
        }
    }

    /// Two typical cases (positive, negative), each held with probability `p`.
    fn cases(&mut self, o: u32, team: &[u32], p: f64) {
        for polarity in [Polarity::Positive, Polarity::Negative] {
            let d = self.rng.day_in(3, 11);
            if self.rng.with_probability(p) {
                let absent = self.attend_list(team, 0.9);
                let minutes = self.rng.between(90, 150);
                self.act(Held { kind: self.k.case, host: o, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
                if let Some(Some(a)) = self.activities.last_mut() {
                    a.polarity = Some(polarity);
                }
            }
        }
    }

    /// A random branch under `scope` and its members.
    fn branch_under(&mut self, scope: u32) -> Option<BranchInfo> {
        let end = self.orgs.get(scope as usize)?.subtree_end;
        let lo = self.branches.partition_point(|b| b.org < scope);
        let hi = self.branches.partition_point(|b| b.org < end);
        if hi <= lo {
            return None;
        }
        self.branches.get(lo + self.rng.below((hi - lo) as u32) as usize).copied()
    }

    /// A special party class by `presenter` at a branch under `scope`
    /// (sometimes at `fallback`, which is not a grassroots organization).
    fn special_class(&mut self, presenter: u32, scope: u32, fallback: Option<u32>) {
        let d = self.rng.day_in(2, 11);
        let minutes = self.rng.between(90, 120);
        let party_class = self.k.party_class;
        match fallback {
            Some(host) if self.rng.with_probability(0.05) => {
                let team = self.team.get(host as usize).cloned().unwrap_or_default();
                let absent = self.attend_list(&team, 0.9);
                self.act(Held { kind: party_class, host, on: d, minutes, presenter: Some(presenter), agenda: Vec::new(), absent });
            }
            _ => {
                let Some(b) = self.branch_under(scope) else { return };
                let absent = self.attend_range(b.first, b.first + b.n, 0.9);
                self.act(Held { kind: party_class, host: b.org, on: d, minutes, presenter: Some(presenter), agenda: Vec::new(), absent });
            }
        }
    }

    /// Grassroots committees and general branches.
    fn unit_activities(&mut self, o: u32, committee: bool) {
        let team = self.team.get(o as usize).cloned().unwrap_or_default();
        let d = self.rng.day_in(1, 12);
        if self.rng.with_probability(0.9) {
            let absent = self.attend_list(&team, 0.9);
            let minutes = self.rng.between(60, 120);
            self.act(Held { kind: self.k.discipline, host: o, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
        }
        if committee {
            self.cases(o, &team, 0.85);
        }
        // The secretary's party class, held at the unit.
        if let Some(&secretary) = team.first() {
            let d = self.rng.day_in(2, 11);
            if self.rng.with_probability(0.92) {
                let absent = self.attend_list(&team, 0.9);
                let minutes = self.rng.between(90, 120);
                self.act(Held {
                    kind: self.k.party_class,
                    host: o,
                    on: d,
                    minutes,
                    presenter: Some(secretary),
                    agenda: Vec::new(),
                    absent,
                });
            }
        }
    }

    /// A township committee: its meetings open with the theory study, a
    /// center-group session most months, a reading class, typical cases,
    /// discipline education, and each member of the team gives a special
    /// party class at a branch under it (the Opinions' 各级).
    fn township_activities(&mut self, o: u32) {
        let team = self.team.get(o as usize).cloned().unwrap_or_default();
        let (theory, business) = (self.k.theory, self.k.business);
        for m in 1..=12 {
            let d = self.rng.day_of(m);
            if self.rng.with_probability(0.95) {
                let absent = self.attend_list(&team, 0.9);
                let minutes = self.rng.between(60, 150);
                let agenda = if self.rng.with_probability(0.97) { vec![theory, business] } else { vec![business] };
                self.act(Held { kind: self.k.standing, host: o, on: d, minutes, presenter: None, agenda, absent });
            }
            let d = self.rng.day_of(m);
            if self.rng.with_probability(0.93) {
                let absent = self.attend_list(&team, 0.9);
                let minutes = self.rng.between(90, 150);
                self.act(Held { kind: self.k.center_group, host: o, on: d, minutes, presenter: None, agenda: vec![theory], absent });
            }
        }
        let d = self.rng.day_in(3, 10);
        if self.rng.with_probability(0.9) {
            let absent = self.attend_list(&team, 0.9);
            let minutes = self.rng.between(2, 4) * 240;
            self.act(Held { kind: self.k.reading, host: o, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
        }
        self.cases(o, &team, 0.88);
        let d = self.rng.day_in(1, 12);
        if self.rng.with_probability(0.92) {
            let absent = self.attend_list(&team, 0.9);
            let minutes = self.rng.between(60, 120);
            self.act(Held { kind: self.k.discipline, host: o, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
        }
        for &p in &team {
            if self.rng.with_probability(0.94) {
                self.special_class(p, o, None);
            }
        }
    }

    /// County, city and provincial committees and party groups.
    fn body_activities(&mut self, body: &Body, kind: OrgKind) {
        let k = &self.k;
        let (meeting, center_group, reading, democratic_life, discipline) = (
            if kind == OrgKind::PartyGroup { k.party_group_meeting } else { k.standing },
            k.center_group,
            k.reading,
            k.democratic_life,
            k.discipline,
        );
        let (theory, business, three_musts, negative_case, criticism) = (k.theory, k.business, k.three_musts, k.negative_case, k.criticism);
        let o = body.org;
        let team = &body.team;
        let per_month = if kind == OrgKind::PartyGroup { (1u32, 2) } else { (2, 3) };
        for m in 1..=12 {
            for _ in 0..self.rng.between(per_month.0, per_month.1) {
                let d = self.rng.day_of(m);
                let agenda = if self.rng.with_probability(0.97) {
                    vec![theory, business]
                } else if self.rng.with_probability(0.5) {
                    vec![business, theory]
                } else {
                    vec![business]
                };
                let absent = self.attend_list(team, 0.92);
                let minutes = self.rng.between(90, 180);
                self.act(Held { kind: meeting, host: o, on: d, minutes, presenter: None, agenda, absent });
            }
            let d = self.rng.day_of(m);
            if self.rng.with_probability(0.93) {
                let agenda = if self.rng.with_probability(0.98) { vec![theory] } else { vec![business] };
                let absent = self.attend_list(team, 0.9);
                let minutes = self.rng.between(120, 180);
                self.act(Held { kind: center_group, host: o, on: d, minutes, presenter: None, agenda, absent });
            }
        }
        let d = self.rng.day_in(3, 10);
        if self.rng.with_probability(0.9) {
            let absent = self.attend_list(team, 0.9);
            let minutes = self.rng.between(5, 7) * 360;
            self.act(Held { kind: reading, host: o, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
        }
        self.cases(o, team, 0.9);
        let d = self.rng.day_in(1, 12);
        if self.rng.with_probability(0.95) {
            let agenda =
                if self.rng.with_probability(0.92) { vec![three_musts, negative_case, criticism] } else { vec![three_musts, criticism] };
            let absent = self.attend_list(team, 0.95);
            let minutes = self.rng.between(180, 360);
            self.act(Held { kind: democratic_life, host: o, on: d, minutes, presenter: None, agenda, absent });
        }
        let d = self.rng.day_in(1, 12);
        if self.rng.with_probability(0.93) {
            let absent = self.attend_list(team, 0.9);
            let minutes = self.rng.between(60, 120);
            self.act(Held { kind: discipline, host: o, on: d, minutes, presenter: None, agenda: Vec::new(), absent });
        }
        // Each member of the team gives a special party class, mostly at a branch.
        let fallback = self.township_under(body.scope);
        for &p in team {
            if self.rng.with_probability(0.93) {
                self.special_class(p, body.scope, fallback);
            }
        }
    }

    /// The first township under `scope`, if any.
    fn township_under(&self, scope: u32) -> Option<u32> {
        let end = self.orgs.get(scope as usize)?.subtree_end;
        (scope..end).find(|&o| self.orgs.get(o as usize).is_some_and(|x| x.level == OrgLevel::Township))
    }

    /// "Four under the grassroots" visits of every cadre of county-deputy rank or above.
    fn cadre_visits(&mut self) {
        let cadres = std::mem::take(&mut self.cadres);
        let (visit, visits) = (self.k.visit, self.k.visits);
        for &(p, scope) in &cadres {
            for v in visits {
                let times = if self.rng.with_probability(0.88) { 1 + u32::from(self.rng.with_probability(0.15)) } else { 0 };
                for _ in 0..times {
                    let Some(b) = self.branch_under(scope) else { continue };
                    let d = self.rng.day_in(1, 12);
                    let minutes = self.rng.between(120, 480);
                    self.scratch.clear();
                    self.act(Held { kind: visit, host: b.org, on: d, minutes, presenter: Some(p), agenda: Vec::new(), absent: 0 });
                    if let Some(Some(a)) = self.activities.last_mut() {
                        a.visit_kind = Some(v);
                    }
                }
            }
        }
        self.cadres = cadres;
    }
}
