//! A brute-force reference evaluation that shares no code with the engine:
//! for every requirement, subject and period it scans every activity. It is
//! slow on purpose and written from the rules as documented in
//! docs/EVALUATION.md, not from the engine's code.

use chrono::{Datelike, Days, NaiveDate};
use rules::catalogue::{Binding, Catalogue, EachOf, HostRule, HoursRule, Quorum, Requirement, SourceKind, SubjectKind};
use rules::{PeriodKind, Settings, World};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RefCell {
    pub requirement: u16,
    /// (0 = organization, 1 = person, index)
    pub subject: (u8, u32),
    pub period: String,
    pub status: &'static str,
    pub why: &'static str,
    pub found: u32,
    pub needed: u32,
    pub evidence: Vec<u32>,
}

#[derive(Clone, Copy)]
struct P {
    label_kind: char,
    n: u32,
    first: NaiveDate,
    last: NaiveDate,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn month_last(y: i32, m: u32) -> NaiveDate {
    if m == 12 { ymd(y, 12, 31) } else { ymd(y, m + 1, 1).pred_opt().unwrap() }
}

impl P {
    fn new(year: i32, kind: char, n: u32) -> P {
        let (m1, m2) = match kind {
            'Y' => (1, 12),
            'H' => (n * 6 - 5, n * 6),
            'Q' => (n * 3 - 2, n * 3),
            _ => (n, n),
        };
        P { label_kind: kind, n, first: ymd(year, m1, 1), last: month_last(year, m2) }
    }
    fn mid(&self) -> NaiveDate {
        let m = (self.first.month() + self.last.month()) / 2;
        ymd(self.first.year(), m, 15)
    }
    fn label(&self) -> String {
        let y = self.first.year();
        match self.label_kind {
            'Y' => format!("{y}"),
            'H' => format!("{y}-H{}", self.n),
            'Q' => format!("{y}-Q{}", self.n),
            _ => format!("{y}-{:02}", self.n),
        }
    }
    fn has(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }
    fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

fn periods(year: i32, kind: PeriodKind, join_month: u32) -> Vec<P> {
    match kind {
        PeriodKind::Year => vec![P::new(year, 'Y', 1)],
        PeriodKind::Half => (1..=2).map(|n| P::new(year, 'H', n)).collect(),
        PeriodKind::Quarter => (1..=4).map(|n| P::new(year, 'Q', n)).collect(),
        PeriodKind::Month | PeriodKind::PerMeeting => (1..=12).map(|n| P::new(year, 'M', n)).collect(),
        PeriodKind::JoinMonth => vec![P::new(year, 'M', join_month)],
    }
}

type Span = (NaiveDate, Option<NaiveDate>);

/// The days a person is bound, merged into maximal spans.
fn spans_of(world: &World, req: &Requirement, p: u32) -> Vec<Span> {
    let members: Vec<Span> = world.memberships.iter().filter(|m| m.person == p).map(|m| (m.from, m.to)).collect();
    let raw: Vec<Span> = match &req.binds {
        Binding::Members => members,
        Binding::Cadres { min_rank } => {
            if world.people[p as usize].cadre_rank >= *min_rank {
                members
            } else {
                vec![]
            }
        }
        Binding::PositionHolders(rule) => world
            .positions
            .iter()
            .filter(|x| x.person == p && rule.matches(x.kind, world.orgs[x.org as usize].kind, world.orgs[x.org as usize].level))
            .map(|x| (x.from, x.to))
            .collect(),
        Binding::Organizations { .. } => vec![],
    };
    // Merge by repeated passes (slow and obvious).
    let mut spans = raw;
    loop {
        let mut merged = false;
        'outer: for i in 0..spans.len() {
            for j in 0..spans.len() {
                if i == j {
                    continue;
                }
                let (a, b) = (spans[i], spans[j]);
                let touches = a.0 <= b.0 && a.1.is_none_or(|t| t >= b.0);
                if touches {
                    let to = match (a.1, b.1) {
                        (None, _) | (_, None) => None,
                        (Some(x), Some(y)) => Some(x.max(y)),
                    };
                    spans[i] = (a.0, to);
                    spans.remove(j);
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            break;
        }
    }
    spans
}

fn in_subtree(world: &World, o: u32, root: u32) -> bool {
    // Walk up the parents rather than using the pre-order ranges.
    let mut at = Some(o);
    while let Some(x) = at {
        if x == root {
            return true;
        }
        at = world.orgs[x as usize].parent;
    }
    false
}

/// What every cell is evaluated against.
struct Ctx<'a> {
    cat: &'a Catalogue,
    world: &'a World,
    settings: &'a Settings,
    year: i32,
    as_of: NaiveDate,
    jan1: NaiveDate,
    /// The last evaluated day: the year's end, or the as-of day if earlier.
    day_end: NaiveDate,
}

/// One row: a requirement and a subject bound by it.
struct Row<'a> {
    ri: u16,
    req: &'a Requirement,
    /// (0 = organization, 1 = person, index)
    subject: (u8, u32),
    spans: Vec<Span>,
    join: NaiveDate,
}

pub fn evaluate(cat: &Catalogue, world: &World, settings: &Settings, year: i32, as_of: NaiveDate) -> Vec<RefCell> {
    let mut reqs: Vec<(Requirement, Option<(u32, NaiveDate)>)> = cat.requirements.iter().map(|r| (r.clone(), None)).collect();
    for (r, o, f) in &settings.local_requirements {
        reqs.push((r.clone(), Some((*o, *f))));
    }
    let jan1 = ymd(year, 1, 1);
    let cx = Ctx { cat, world, settings, year, as_of, jan1, day_end: ymd(year, 12, 31).min(as_of) };
    let mut out = Vec::new();
    if cx.day_end < jan1 {
        return out;
    }
    for (ri, (req, scope)) in reqs.iter().enumerate() {
        for (subject, home, spans) in subjects(&cx, req, *scope) {
            let join = if subject.0 == 1 { world.people[subject.1 as usize].joined_on } else { jan1 };
            let row = Row { ri: ri as u16, req, subject, spans, join };
            for (p, count) in row_periods(&cx, &row, home, *scope) {
                out.extend(cell(&cx, &row, p, count));
            }
        }
    }
    out.sort();
    out
}

/// The subjects bound by a requirement in the year, with their home
/// organization and the spans of days they are bound.
fn subjects(cx: &Ctx, req: &Requirement, scope: Option<(u32, NaiveDate)>) -> Vec<((u8, u32), u32, Vec<Span>)> {
    let (world, jan1, day_end) = (cx.world, cx.jan1, cx.day_end);
    match req.subject {
        SubjectKind::Organization => (0..world.orgs.len() as u32)
            .filter_map(|o| {
                let org = &world.orgs[o as usize];
                let Binding::Organizations { kinds, levels } = &req.binds else { return None };
                let ok = (kinds.is_empty() || kinds.contains(&org.kind))
                    && (levels.is_empty() || levels.contains(&org.level))
                    && org.founded_on <= day_end
                    && org.closed_on.is_none_or(|c| c > jan1)
                    && scope.is_none_or(|(root, f)| in_subtree(world, o, root) && f <= day_end);
                ok.then(|| ((0, o), o, vec![(org.founded_on, org.closed_on)]))
            })
            .collect(),
        SubjectKind::Person => (0..world.people.len() as u32)
            .filter_map(|p| {
                let spans = spans_of(world, req, p);
                if !spans.iter().any(|(f, t)| *f <= day_end && t.is_none_or(|t| t > jan1)) {
                    return None;
                }
                let ms: Vec<_> = world.memberships.iter().filter(|m| m.person == p).collect();
                let home = ms
                    .iter()
                    .find(|m| m.from <= day_end && m.to.is_none_or(|t| t > day_end))
                    .or_else(|| ms.iter().max_by_key(|m| m.from))
                    .map(|m| m.org)?;
                if !scope.is_none_or(|(root, f)| in_subtree(world, home, root) && f <= day_end) {
                    return None;
                }
                Some(((1, p), home, spans))
            })
            .collect(),
    }
}

/// The periods of a row with their counts: the frequency timeline from the
/// nearest organization with settings.
fn row_periods(cx: &Ctx, row: &Row, home: u32, scope: Option<(u32, NaiveDate)>) -> Vec<(P, u32)> {
    let req = row.req;
    // Until a local setting applies, a frequency pending the local rule has
    // no count: its cells are not applicable.
    let mut timeline = vec![(NaiveDate::MIN, req.period, if req.pending_local_rule { 0 } else { req.count })];
    if req.locally_set {
        let mut at = Some(home);
        while let Some(o) = at {
            let mut mine: Vec<_> = cx
                .settings
                .frequencies
                .iter()
                .filter(|s| s.requirement == row.ri && s.org == o)
                .map(|s| (s.valid_from, s.period, s.count))
                .collect();
            if !mine.is_empty() {
                mine.sort_by_key(|x| x.0);
                timeline.extend(mine);
                break;
            }
            at = cx.world.orgs[o as usize].parent;
        }
    }
    let mut ps: Vec<(P, u32)> = Vec::new();
    for (i, (from, kind, count)) in timeline.iter().enumerate() {
        let until = timeline.get(i + 1).map(|t| t.0);
        for p in periods(cx.year, *kind, row.join.month()) {
            if (i == 0 || p.first >= *from)
                && until.is_none_or(|u| p.first < u)
                && p.first <= cx.as_of
                && scope.is_none_or(|(_, f)| p.first >= f)
            {
                ps.push((p, *count));
            }
        }
    }
    ps
}

/// Whether an exemption of the row covers at least half of the period.
fn exempt(cx: &Ctx, row: &Row, p: &P) -> bool {
    cx.settings.exemptions.iter().any(|e| {
        let same = e.requirement == row.ri
            && match e.subject {
                rules::Subject::Org(o) => row.subject == (0, o),
                rules::Subject::Person(x) => row.subject == (1, x),
            };
        let lo = e.from.max(p.first);
        let hi = e.to.min(p.last);
        same && hi >= lo && ((hi - lo).num_days() + 1) * 2 >= p.days()
    })
}

/// The status of a period not met.
fn unmet(cx: &Ctx, p: &P) -> &'static str {
    let window = cx.cat.late_window.days;
    assert!(!cx.cat.late_window.working_days, "the reference counts calendar days only");
    if cx.as_of <= p.last {
        "due"
    } else if cx.as_of <= p.last.checked_add_days(Days::new(u64::from(window))).unwrap() {
        "overdue"
    } else {
        "missed"
    }
}

/// The cell of one period of a row, if it has one.
fn cell(cx: &Ctx, row: &Row, p: P, count: u32) -> Option<RefCell> {
    let mut cell = RefCell {
        requirement: row.ri,
        subject: row.subject,
        period: p.label(),
        status: "not_applicable",
        why: "not_bound",
        found: 0,
        needed: count,
        evidence: vec![],
    };
    if let Some(h) = &row.req.hours {
        hours_cell(cx, row, h, &p, &mut cell);
        return Some(cell);
    }
    let s = &row.req.satisfied_by;
    let matching: Vec<(u32, &rules::ActivityFact)> = cx
        .world
        .activities
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.as_ref().map(|a| (i as u32, a)))
        .filter(|(_, a)| s.kinds.contains(&a.kind) && a.held_on.year() == cx.year && a.held_on <= cx.as_of && p.has(a.held_on))
        .filter(|(_, a)| match row.subject {
            (0, o) => match s.host {
                HostRule::Subject => a.host == o,
                _ => in_subtree(cx.world, a.host, o),
            },
            (_, x) => {
                (s.presenter_is_subject || s.attended_by_subject)
                    && (!s.presenter_is_subject || a.presenter == Some(x))
                    && (!s.attended_by_subject || a.present.contains(&x))
            }
        })
        .collect();
    if row.req.period == PeriodKind::PerMeeting {
        if matching.is_empty() {
            return None;
        }
        let broken = matching.iter().filter(|(_, a)| s.first_agenda_item.is_some_and(|f| a.agenda.first() != Some(&f))).count() as u32;
        cell.found = broken;
        cell.needed = matching.len() as u32;
        cell.evidence = matching.iter().map(|m| m.0).collect();
        (cell.status, cell.why) =
            if broken == 0 { ("met", "every_meeting_opened_with_study") } else { ("missed", "meetings_without_study") };
    } else {
        held_cell(cx, row, &p, &matching, &mut cell);
    }
    applicability(cx, row, &p, count, &mut cell);
    Some(cell)
}

/// Class hours: every attended minute of the counted kinds in the year.
fn hours_cell(cx: &Ctx, row: &Row, h: &HoursRule, p: &P, cell: &mut RefCell) {
    let (world, spans) = (cx.world, &row.spans);
    let (SubjectKind::Person, (_, person)) = (row.req.subject, row.subject) else { unreachable!() };
    let raised = h.raised.as_ref().filter(|(_, rule)| {
        world.positions.iter().any(|x| {
            x.person == person
                && x.from <= p.last.min(cx.as_of)
                && x.to.is_none_or(|t| t > p.first)
                && rule.matches(x.kind, world.orgs[x.org as usize].kind, world.orgs[x.org as usize].level)
        })
    });
    let minimum = raised.map_or(h.minimum, |r| r.0);
    let start = spans.iter().filter(|(_, t)| t.is_none_or(|t| t > p.first)).map(|s| s.0).min();
    let months = match start {
        Some(s) if s > p.first => 13 - s.month(),
        _ => 12,
    };
    let needed = (u64::from(minimum) * u64::from(cx.cat.class_hour_minutes) * u64::from(months)).div_ceil(12) as u32;
    let mut found = 0u32;
    for a in world.activities.iter().flatten() {
        if h.kinds.contains(&a.kind) && a.held_on.year() == cx.year && a.held_on <= cx.as_of && a.present.contains(&person) {
            found += a.minutes;
        }
    }
    cell.found = found;
    cell.needed = needed;
    let bound = spans.iter().any(|(f, t)| *f <= p.last && t.is_none_or(|t| t > p.last.min(cx.as_of)));
    if !bound {
    } else if exempt(cx, row, p) {
        (cell.status, cell.why) = ("exempt", "exempted");
    } else if found >= needed {
        (cell.status, cell.why) = ("met", "hours_reached");
    } else {
        (cell.status, cell.why) = (unmet(cx, p), "hours_short");
    }
}

/// Counted and "each of" requirements: the matching activities that pass
/// every condition, and the first condition failed.
fn held_cell(cx: &Ctx, row: &Row, p: &P, matching: &[(u32, &rules::ActivityFact)], cell: &mut RefCell) {
    let s = &row.req.satisfied_by;
    let mut held = 0u32;
    let mut mask = 0u32;
    let mut failures: Vec<&'static str> = vec![];
    for (i, a) in matching {
        let failure = if s.host_grassroots && !cx.world.orgs[a.host as usize].is_grassroots() {
            Some("not_at_grassroots")
        } else if s.first_agenda_item.is_some_and(|f| a.agenda.first() != Some(&f)) {
            Some("first_item_not_study")
        } else if s.agenda_includes.iter().any(|k| !a.agenda.contains(k)) {
            Some("agenda_item_missing")
        } else if s.quorum.is_some_and(|q| !quorate(q, a)) {
            Some("held_without_quorum")
        } else {
            None
        };
        match failure {
            Some(f) => failures.push(f),
            None => match &s.each_of {
                Some(EachOf::VisitKinds(v)) => {
                    if let Some(k) = a.visit_kind.and_then(|k| v.iter().position(|x| *x == k)) {
                        mask |= 1 << k;
                        cell.evidence.push(*i);
                    }
                }
                Some(EachOf::Polarities(v)) => {
                    if let Some(k) = a.polarity.and_then(|k| v.iter().position(|x| *x == k)) {
                        mask |= 1 << k;
                        cell.evidence.push(*i);
                    }
                }
                None => {
                    held += 1;
                    cell.evidence.push(*i);
                }
            },
        }
    }
    let met = if let Some(each) = &s.each_of {
        let all = (1u32 << each.len()) - 1;
        (cell.found, cell.needed) = (mask, all);
        cell.why = if mask == all { "all_parts" } else { "parts_missing" };
        mask == all
    } else if held >= cell.needed {
        (cell.found, cell.why) = (held, "held");
        true
    } else if let Some(first) = failures.first() {
        (cell.found, cell.why) = (failures.iter().filter(|f| *f == first).count() as u32, first);
        false
    } else {
        (cell.found, cell.why) = (held, "not_enough");
        false
    };
    cell.status = if met { "met" } else { unmet(cx, p) };
}

/// 半数以上 includes half (and someone came); 超过半数 does not; a vote's
/// quorum counts the members with a vote, and only at a meeting that votes.
fn quorate(q: Quorum, a: &rules::ActivityFact) -> bool {
    let (present, absent) = (a.present.len() as u64, u64::from(a.absent));
    match q {
        Quorum::HalfOrMore => present >= 1 && 2 * present >= present + absent,
        Quorum::MoreThanHalf => 2 * present > present + absent,
        Quorum::VotersMoreThanHalf { item } => {
            if a.agenda.contains(&item) {
                2 * u64::from(a.voters.present) > u64::from(a.voters.present) + u64::from(a.voters.absent)
            } else {
                true
            }
        }
    }
}

/// Not built, not bound (or not existing), pending the local rule (a count
/// of 0), joined this year, exempt, then a method not met; cells not
/// applicable or exempt keep no evidence.
fn applicability(cx: &Ctx, row: &Row, p: &P, count: u32, cell: &mut RefCell) {
    let covered = row.spans.iter().any(|(f, t)| *f <= p.mid() && t.is_none_or(|t| t > p.last));
    if row.req.feature_not_built.is_some() {
        (cell.status, cell.why) = ("not_applicable", "feature_not_built");
    } else if !covered {
        (cell.status, cell.why) = ("not_applicable", if row.subject.0 == 0 { "not_existing" } else { "not_bound" });
    } else if count == 0 {
        (cell.status, cell.why) = ("not_applicable", "pending_local_rule");
    } else if row.req.period == PeriodKind::JoinMonth && row.join.year() >= cx.year {
        (cell.status, cell.why) = ("not_applicable", "joined_this_year");
    } else if exempt(cx, row, p) {
        (cell.status, cell.why) = ("exempt", "exempted");
    } else if row.req.source_kind == SourceKind::Method && cell.status != "met" {
        (cell.status, cell.why) = ("not_applicable", "method_not_duty");
    }
    if cell.status == "not_applicable" || cell.status == "exempt" {
        cell.evidence.clear();
    }
}
