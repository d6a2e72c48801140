//! Loading what the evaluation engine needs for one year: the organization
//! tree in pre-order, the people with their memberships and positions, the
//! activities held, and the local settings and exemptions, all turned into the
//! dense indices of [`rules::World`] and [`rules::Settings`], with the maps
//! back to stored ids.
//!
//! Each table is read once (a handful of ordered range queries, agenda items
//! and attendance aggregated per activity), never once per organization, so a
//! county loads in a fraction of a second.

use crate::orgs::{date_text, parse_date, path_end, root_path};
use crate::rows::{int, opt_parsed, opt_text, parsed, text};
use crate::{Backend, Result, Store, StoreError};
use chrono::NaiveDate;
use domain::{CadreRank, Id, MemberStatus, OrgKind, OrgLevel, PartialDate, PositionKind};
use rules::catalogue::Polarity;
use rules::engine::Subject;
use rules::period::PeriodKind;
use rules::{
    ActivityFact, Catalogue, Exemption, LocalSetting, MembershipFact, OrgFact, PersonFact, PositionFact, RequirementIx, Settings, Voters,
    World,
};
use std::collections::HashMap;

/// A world ready for the engine, and how its indices map to stored records.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub world: World,
    pub settings: Settings,
    /// The stored id of each organization index.
    pub org_ids: Vec<Id>,
    pub org_names: Vec<String>,
    /// The stored id of each person index.
    pub person_ids: Vec<Id>,
    pub person_names: Vec<String>,
    /// The stored id of each activity index (slots of activities whose
    /// kinds the catalogue does not know are `None` in the world).
    pub activity_ids: Vec<Id>,
    pub org_index: HashMap<Id, u32>,
    pub person_index: HashMap<Id, u32>,
    pub activity_index: HashMap<Id, u32>,
    /// The day the tree was read on: the end of the year, or `as_of` if earlier.
    pub tree_day: NaiveDate,
    /// For each person index, the first day they have a vote (a full
    /// member); `None` for a probationary member.
    pub full_since: Vec<Option<NaiveDate>>,
}

impl Loaded {
    /// Whether person `ix` has a vote (is a full member) on `day`.
    fn votes_on(&self, ix: u32, day: NaiveDate) -> bool {
        self.full_since.get(ix as usize).copied().flatten().is_some_and(|since| since <= day)
    }
}

/// The read transaction all of a world is loaded in.
type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A membership or position as read: person, organization, from, to.
type SpanFact = (u32, u32, NaiveDate, Option<NaiveDate>);

/// One organization as read, before it is put in pre-order.
struct OrgRow {
    id: String,
    parent: Option<String>,
    name: String,
    level: OrgLevel,
    kind: OrgKind,
    founded_on: NaiveDate,
    closed_on: Option<NaiveDate>,
}

/// The rows of the year: the path range of the subtree, the province (for
/// a subtree below central level), the first and last day of the year and
/// the day the tree is read on.
struct Scope {
    from: String,
    to: String,
    province: Option<String>,
    year_start: String,
    year_end: String,
    day: String,
}

impl Scope {
    /// Organizations of the subtree whose place lasted into the year (`$1` to `$4`).
    const LINKS: &'static str = "SELECT l.org_id FROM org_links l WHERE l.path >= $1 AND l.path < $2 AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $4)";

    fn bind<'q>(
        &'q self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        query.bind(&self.from).bind(&self.to).bind(&self.day).bind(&self.year_start)
    }

    /// Activities of the year hosted in the subtree (`$5` to `$7`), for a query on `activities a`.
    fn activities(&self) -> String {
        let province = if self.province.is_some() { "a.province_id = $7" } else { "$7 = $7" };
        format!(
            "a.deleted_at IS NULL AND a.status = 'held' AND a.held_on >= $5 AND a.held_on <= $6 AND {province} AND a.host_org_id IN ({})",
            Self::LINKS
        )
    }

    fn bind_activities<'q>(
        &'q self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        self.bind(query).bind(&self.year_start).bind(&self.year_end).bind(self.province.clone().unwrap_or_default())
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| StoreError::Rule(domain::Message::new("year-unusable").number("year", year)))
}

fn index(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::rule("evaluation-too-many-records"))
}

impl Store {
    /// Loads the world of `year` for the subtree of `root` (every root if
    /// `None`), with the tree as it stands at the end of the year or on
    /// `as_of` if that is earlier.
    ///
    /// - Organizations: every one of the subtree whose place in it lasted
    ///   into the year (closed ones included, with their closing day), each
    ///   at its latest place up to that day, in pre-order with children by
    ///   name; a subtree is `index..subtree_end`.
    /// - People: members and position holders of those organizations whose
    ///   membership or position overlaps the year, except those who no
    ///   longer count in their organization (transferred out, deceased); the
    ///   political birthday is the first day of the recorded join date.
    /// - Activities held in the year and not deleted, hosted in the subtree.
    ///   A presenter or participant outside the world is left out of the
    ///   fact (the absent are still counted).
    /// - Settings: frequencies and local requirements in force on the tree's
    ///   day, from the organizations of the subtree and those above it (whose
    ///   settings are attached to the subtree's root), ordered from the top
    ///   down and then by `valid_from`, so that a later entry is the more
    ///   specific; exemptions overlapping the year, not revoked, of subjects
    ///   in the world. Local requirements take the indices after the
    ///   catalogue's, in the order listed.
    pub async fn load_world(&self, catalogue: &Catalogue, root: Option<&Id>, year: i32, as_of: NaiveDate) -> Result<Loaded> {
        let year_start = ymd(year, 1, 1)?;
        let year_end = ymd(year, 12, 31)?;
        let day = year_end.min(as_of);
        let (from, to, province, ancestors) = match root {
            None => ("/".to_owned(), "0".to_owned(), None, Vec::new()),
            Some(id) => {
                let org = self.org_required(id, day).await?;
                let path = root_path(&org);
                let end = path_end(&path);
                let province = (org.level != OrgLevel::Central).then(|| org.province_id.to_string());
                let ancestors = org.path[..org.path.len().saturating_sub(1)].to_vec();
                (path, end, province, ancestors)
            }
        };
        let scope = Scope { from, to, province, year_start: date_text(year_start), year_end: date_text(year_end), day: date_text(day) };
        let mut loaded = Loaded { tree_day: day, ..Loaded::default() };
        // One snapshot for every table. PostgreSQL's JIT compiler is off for
        // it: these are many small correlated lookups, which it would spend
        // longer compiling than running.
        let mut tx = match self.backend() {
            Backend::Sqlite => self.pool().begin().await?,
            Backend::Postgres => self.pool().begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?,
        };
        if self.backend() == Backend::Postgres {
            sqlx::query("SET LOCAL jit = off").execute(&mut *tx).await?;
        }
        let depths = load_orgs(&mut tx, &scope, &mut loaded).await?;
        load_people(&mut tx, &scope, &mut loaded).await?;
        load_activities(&mut tx, self.backend(), catalogue, &scope, &mut loaded).await?;
        load_settings(&mut tx, catalogue, &scope, &ancestors, &depths, &mut loaded).await?;
        tx.commit().await?;
        Ok(loaded)
    }
}

/// Reads the organizations and puts them in pre-order; returns the depth
/// of each (0 for a root of the world).
async fn load_orgs(tx: &mut Tx, scope: &Scope, loaded: &mut Loaded) -> Result<Vec<usize>> {
    let rows = scope
        .bind(sqlx::query(
            "SELECT l.org_id, l.parent_id, l.valid_from, o.name, o.level, o.kind, o.founded_on, o.closed_on
             FROM org_links l JOIN organizations o ON o.province_id = l.province_id AND o.id = l.org_id
             WHERE l.path >= $1 AND l.path < $2 AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $4)
             ORDER BY l.org_id, l.valid_from",
        ))
        .fetch_all(&mut **tx)
        .await?;
    // The latest place of each organization (rows come by valid_from).
    let mut orgs: Vec<OrgRow> = Vec::new();
    for r in &rows {
        let row = OrgRow {
            id: text(r, "org_id")?,
            parent: opt_text(r, "parent_id")?,
            name: text(r, "name")?,
            level: parsed(r, "level", OrgLevel::parse)?,
            kind: parsed(r, "kind", OrgKind::parse)?,
            founded_on: parsed(r, "founded_on", parse_date)?,
            closed_on: opt_parsed(r, "closed_on", parse_date)?,
        };
        match orgs.last_mut() {
            Some(last) if last.id == row.id => *last = row,
            _ => orgs.push(row),
        }
    }
    let position: HashMap<&str, usize> = orgs.iter().enumerate().map(|(i, o)| (o.id.as_str(), i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); orgs.len()];
    let mut roots = Vec::new();
    for (i, o) in orgs.iter().enumerate() {
        match o.parent.as_deref().and_then(|p| position.get(p)) {
            Some(&p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    let by_name = |a: &usize, b: &usize| orgs[*a].name.cmp(&orgs[*b].name).then_with(|| orgs[*a].id.cmp(&orgs[*b].id));
    roots.sort_by(by_name);
    for list in &mut children {
        list.sort_by(by_name);
    }
    // Depth-first, children by name; a node's subtree ends where the
    // next node not under it begins.
    let mut order: Vec<(usize, Option<u32>, usize)> = Vec::with_capacity(orgs.len());
    let mut stack: Vec<(usize, Option<u32>, usize)> = roots.iter().rev().map(|&r| (r, None, 0)).collect();
    while let Some((node, parent, depth)) = stack.pop() {
        let me = index(order.len())?;
        order.push((node, parent, depth));
        for &child in children[node].iter().rev() {
            stack.push((child, Some(me), depth + 1));
        }
    }
    if order.len() != orgs.len() {
        return Err(StoreError::Corrupt("the organization links form a cycle".into()));
    }
    let mut subtree_end = vec![0u32; order.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, (_, _, depth)) in order.iter().enumerate() {
        while open.len() > *depth {
            if let Some(done) = open.pop() {
                subtree_end[done] = index(i)?;
            }
        }
        open.push(i);
    }
    for done in open {
        subtree_end[done] = index(order.len())?;
    }
    let mut depths = Vec::with_capacity(order.len());
    for (i, (node, parent, depth)) in order.into_iter().enumerate() {
        let o = &orgs[node];
        loaded.world.orgs.push(OrgFact {
            parent,
            level: o.level,
            kind: o.kind,
            founded_on: o.founded_on,
            closed_on: o.closed_on,
            subtree_end: subtree_end[i],
        });
        let id = Id::from_stored(o.id.clone());
        loaded.org_index.insert(id.clone(), index(i)?);
        loaded.org_ids.push(id);
        loaded.org_names.push(o.name.clone());
        depths.push(depth);
    }
    Ok(depths)
}

/// Reads memberships, positions and the people they belong to.
async fn load_people(tx: &mut Tx, scope: &Scope, loaded: &mut Loaded) -> Result<()> {
    let spans = |table: &str, extra: &str| {
        format!(
            "SELECT t.person_id, t.org_id, t.valid_from, t.valid_to{extra} FROM {table} t
             WHERE t.valid_from <= $3 AND (t.valid_to IS NULL OR t.valid_to > $4) AND t.org_id IN ({})
             ORDER BY t.person_id, t.valid_from, t.org_id",
            Scope::LINKS
        )
    };
    let memberships = scope.bind(sqlx::query(&spans("memberships", ""))).fetch_all(&mut **tx).await?;
    let positions = scope.bind(sqlx::query(&spans("positions", ", t.kind"))).fetch_all(&mut **tx).await?;
    let people = scope
        .bind(sqlx::query(&format!(
            "SELECT p.id, p.name, p.join_date, p.cadre_rank, p.status, p.category, p.full_member_date FROM people p
             WHERE p.id IN (SELECT t.person_id FROM memberships t WHERE t.valid_from <= $3 AND (t.valid_to IS NULL OR t.valid_to > $4) AND t.org_id IN ({links}))
                OR p.id IN (SELECT t.person_id FROM positions t WHERE t.valid_from <= $3 AND (t.valid_to IS NULL OR t.valid_to > $4) AND t.org_id IN ({links}))
             ORDER BY p.id",
            links = Scope::LINKS
        )))
        .fetch_all(&mut **tx)
        .await?;
    for r in &people {
        if !parsed(r, "status", MemberStatus::parse)?.counts_in_branch() {
            continue;
        }
        let joined = parsed(r, "join_date", |s| PartialDate::parse_iso(s).ok_or(()))?;
        let ix = index(loaded.person_ids.len())?;
        let id = Id::from_stored(text(r, "id")?);
        loaded.world.people.push(PersonFact { joined_on: joined.first_day(), cadre_rank: parsed(r, "cadre_rank", CadreRank::parse)? });
        loaded.person_index.insert(id.clone(), ix);
        loaded.person_ids.push(id);
        loaded.person_names.push(text(r, "name")?);
        // A full member without a recorded date has had a vote all along.
        let full_since = match text(r, "category")?.as_str() {
            "full" => {
                Some(opt_text(r, "full_member_date")?.and_then(|s| PartialDate::parse_iso(&s)).map_or(NaiveDate::MIN, |d| d.first_day()))
            }
            _ => None,
        };
        loaded.full_since.push(full_since);
    }
    let lookup = |loaded: &Loaded, r: &sqlx::any::AnyRow| -> Result<Option<SpanFact>> {
        let person = loaded.person_index.get(&Id::from_stored(text(r, "person_id")?)).copied();
        let org = loaded.org_index.get(&Id::from_stored(text(r, "org_id")?)).copied();
        let (Some(person), Some(org)) = (person, org) else { return Ok(None) };
        Ok(Some((person, org, parsed(r, "valid_from", parse_date)?, opt_parsed(r, "valid_to", parse_date)?)))
    };
    for r in &memberships {
        if let Some((person, org, from, to)) = lookup(loaded, r)? {
            loaded.world.memberships.push(MembershipFact { person, org, from, to });
        }
    }
    for r in &positions {
        if let Some((person, org, from, to)) = lookup(loaded, r)? {
            let kind = parsed(r, "kind", PositionKind::parse)?;
            loaded.world.positions.push(PositionFact { person, org, kind, from, to });
        }
    }
    Ok(())
}

/// Reads the activities of the year with their agenda kinds in order and
/// their attendance, one row per activity: attendance is the participants'
/// ids with `-` for each absent one.
async fn load_activities(tx: &mut Tx, backend: Backend, catalogue: &Catalogue, scope: &Scope, loaded: &mut Loaded) -> Result<()> {
    let (agenda, attendance) = match backend {
        Backend::Sqlite => (
            "group_concat(i.kind, ',' ORDER BY i.position)",
            "group_concat(CASE WHEN t.absent = 0 THEN t.person_id ELSE '-' || t.person_id END, ',')",
        ),
        Backend::Postgres => (
            "string_agg(i.kind, ',' ORDER BY i.position)",
            "string_agg(CASE WHEN t.absent = 0 THEN t.person_id ELSE '-' || t.person_id END, ',')",
        ),
    };
    let rows = scope
        .bind_activities(sqlx::query(&format!(
            "SELECT a.id, a.kind, a.host_org_id, a.held_on, a.duration_minutes, a.presenter_id, a.visit_kind, a.polarity,
               (SELECT {agenda} FROM activity_agenda_items i WHERE i.province_id = a.province_id AND i.activity_id = a.id) AS agenda,
               (SELECT {attendance} FROM activity_participants t WHERE t.province_id = a.province_id AND t.activity_id = a.id) AS attendance
             FROM activities a WHERE {} ORDER BY a.id",
            scope.activities()
        )))
        .fetch_all(&mut **tx)
        .await?;
    let people: HashMap<&str, u32> = loaded.person_ids.iter().zip(0u32..).map(|(id, ix)| (id.as_str(), ix)).collect();
    let mut facts = Vec::with_capacity(rows.len());
    let mut ids = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = text(r, "id")?;
        let Some(&host) = loaded.org_index.get(&Id::from_stored(text(r, "host_org_id")?)) else { continue };
        let fact = activity_fact(catalogue, (&people, loaded), r, host)?;
        if fact.is_none() {
            tracing::warn!(activity = %id, "activity left out of evaluation: the catalogue does not know one of its kinds");
        }
        ids.push(Id::from_stored(id));
        facts.push(fact);
    }
    for id in ids {
        loaded.activity_index.insert(id.clone(), index(loaded.activity_ids.len())?);
        loaded.activity_ids.push(id);
    }
    loaded.world.activities = facts;
    Ok(())
}

/// Reads settings and exemptions and maps them to the world's indices.
async fn load_settings(
    tx: &mut Tx,
    catalogue: &Catalogue,
    scope: &Scope,
    ancestors: &[Id],
    depths: &[usize],
    loaded: &mut Loaded,
) -> Result<()> {
    let province = if scope.province.is_some() { "province_id = $1" } else { "$1 = $1" };
    let settings = sqlx::query(&format!(
        "SELECT id, org_id, requirement_id, valid_from, period, count, definition FROM requirement_settings
         WHERE {province} AND valid_from <= $2 AND (ended_on IS NULL OR ended_on > $3) ORDER BY valid_from, id"
    ))
    .bind(scope.province.clone().unwrap_or_default())
    .bind(&scope.year_end)
    .bind(&scope.day)
    .fetch_all(&mut **tx)
    .await?;
    // Where a setting applies in the world, and how deep its organization stands.
    let place = |org: &Id| -> Option<(u32, usize)> {
        if let Some(&ix) = loaded.org_index.get(org) {
            return Some((ix, ancestors.len() + depths.get(ix as usize).copied().unwrap_or_default()));
        }
        let depth = ancestors.iter().position(|a| a == org)?;
        // An ancestor's setting covers the whole world, which is the root's subtree (index 0).
        (!loaded.world.orgs.is_empty()).then_some((0, depth))
    };
    let mut frequencies = Vec::new();
    let mut locals = Vec::new();
    for r in &settings {
        let org = Id::from_stored(text(r, "org_id")?);
        let Some((org_ix, depth)) = place(&org) else { continue };
        let valid_from = parsed(r, "valid_from", parse_date)?;
        let requirement_id = text(r, "requirement_id")?;
        if let Some(definition) = opt_text(r, "definition")? {
            match catalogue.parse_local_requirement(&format!("setting {}", text(r, "id")?), &definition) {
                Ok(req) => locals.push((depth, req, org_ix, valid_from)),
                Err(e) => tracing::warn!(error = %e, "local requirement left out of evaluation"),
            }
            continue;
        }
        let requirement = catalogue.requirement(&requirement_id);
        let period = opt_text(r, "period")?.as_deref().and_then(PeriodKind::parse);
        let count = {
            use sqlx::Row;
            r.try_get::<Option<i64>, _>("count").map_err(|e| StoreError::Corrupt(format!("count: {e}")))?
        };
        if let (Some(requirement), Some(period), Some(count)) = (requirement, period, count.and_then(|c| u32::try_from(c).ok())) {
            frequencies.push((depth, LocalSetting { requirement, org: org_ix, valid_from, period, count }));
        }
    }
    frequencies.sort_by_key(|(depth, s)| (*depth, s.valid_from));
    locals.sort_by_key(|(depth, _, _, valid_from)| (*depth, *valid_from));
    loaded.settings.frequencies = frequencies.into_iter().map(|(_, s)| s).collect();
    loaded.settings.local_requirements = locals.into_iter().map(|(_, req, org, from)| (req, org, from)).collect();
    let mut requirement_of: HashMap<String, RequirementIx> = HashMap::new();
    for (i, (req, _, _)) in loaded.settings.local_requirements.iter().enumerate() {
        let ix = RequirementIx::try_from(catalogue.requirements.len() + i)
            .map_err(|_| StoreError::rule("evaluation-too-many-local-requirements"))?;
        requirement_of.entry(req.id.clone()).or_insert(ix);
    }

    let exemptions = sqlx::query(&format!(
        "SELECT requirement_id, subject_kind, subject_id, from_date, to_date FROM exemptions
         WHERE {province} AND revoked_at IS NULL AND from_date <= $2 AND to_date >= $3 ORDER BY from_date, id"
    ))
    .bind(scope.province.clone().unwrap_or_default())
    .bind(&scope.year_end)
    .bind(&scope.year_start)
    .fetch_all(&mut **tx)
    .await?;
    for r in &exemptions {
        let requirement_id = text(r, "requirement_id")?;
        let Some(requirement) = catalogue.requirement(&requirement_id).or_else(|| requirement_of.get(&requirement_id).copied()) else {
            continue;
        };
        let subject_id = Id::from_stored(text(r, "subject_id")?);
        let subject = match text(r, "subject_kind")?.as_str() {
            "organization" => loaded.org_index.get(&subject_id).map(|&ix| Subject::Org(ix)),
            "person" => loaded.person_index.get(&subject_id).map(|&ix| Subject::Person(ix)),
            _ => None,
        };
        let Some(subject) = subject else { continue };
        loaded.settings.exemptions.push(Exemption {
            requirement,
            subject,
            from: parsed(r, "from_date", parse_date)?,
            to: parsed(r, "to_date", parse_date)?,
        });
    }
    Ok(())
}

/// The engine's view of one activity row, or `None` if the catalogue does
/// not know one of its kinds.
fn activity_fact(
    catalogue: &Catalogue,
    (people, loaded): (&HashMap<&str, u32>, &Loaded),
    r: &sqlx::any::AnyRow,
    host: u32,
) -> Result<Option<ActivityFact>> {
    let Some(kind) = catalogue.kind(&text(r, "kind")?) else { return Ok(None) };
    let mut agenda = Vec::new();
    for code in opt_text(r, "agenda")?.unwrap_or_default().split(',').filter(|c| !c.is_empty()) {
        let Some(k) = catalogue.agenda_kind(code) else { return Ok(None) };
        agenda.push(k);
    }
    let visit_kind = match opt_text(r, "visit_kind")? {
        None => None,
        Some(code) => match catalogue.visit_kind(&code) {
            Some(k) => Some(k),
            None => return Ok(None),
        },
    };
    let polarity = opt_text(r, "polarity")?.as_deref().and_then(Polarity::parse);
    let attendance = opt_text(r, "attendance")?.unwrap_or_default();
    let held_on = parsed(r, "held_on", parse_date)?;
    let mut present = Vec::new();
    let mut absent = 0u32;
    let mut voters = Voters::default();
    for p in attendance.split(',').filter(|p| !p.is_empty()) {
        if let Some(id) = p.strip_prefix('-') {
            absent = absent.saturating_add(1);
            if people.get(id).is_some_and(|&ix| loaded.votes_on(ix, held_on)) {
                voters.absent += 1;
            }
        } else if let Some(&ix) = people.get(p) {
            present.push(ix);
            if loaded.votes_on(ix, held_on) {
                voters.present += 1;
            }
        }
    }
    present.sort_unstable();
    Ok(Some(ActivityFact {
        kind,
        host,
        held_on,
        minutes: u32::try_from(int(r, "duration_minutes")?).unwrap_or_default(),
        presenter: opt_text(r, "presenter_id")?.and_then(|p| people.get(p.as_str()).copied()),
        agenda,
        visit_kind,
        polarity,
        present,
        absent,
        voters,
    }))
}

impl Loaded {
    /// The engine's fact for a recorded activity, with this world's
    /// indices; `None` if its host is outside the world or the catalogue
    /// does not know one of its kinds. People outside the world are left out
    /// of the fact (the absent are still counted).
    pub fn fact_of(&self, catalogue: &Catalogue, a: &crate::activities::Activity) -> Option<ActivityFact> {
        if a.status != crate::activities::ActivityStatus::Held || a.deleted_at.is_some() {
            return None;
        }
        let host = *self.org_index.get(&a.host_org_id)?;
        let kind = catalogue.kind(&a.kind)?;
        let agenda = a.agenda.iter().map(|i| catalogue.agenda_kind(&i.kind)).collect::<Option<Vec<_>>>()?;
        let visit_kind = match &a.visit_kind {
            None => None,
            Some(code) => Some(catalogue.visit_kind(code)?),
        };
        let mut present: Vec<u32> =
            a.participants.iter().filter(|p| p.present).filter_map(|p| self.person_index.get(&p.person_id).copied()).collect();
        present.sort_unstable();
        let votes = |present: bool| {
            let with_vote = a
                .participants
                .iter()
                .filter(|p| p.present == present)
                .filter(|p| self.person_index.get(&p.person_id).is_some_and(|&ix| self.votes_on(ix, a.held_on)));
            u32::try_from(with_vote.count()).unwrap_or(u32::MAX)
        };
        Some(ActivityFact {
            kind,
            host,
            held_on: a.held_on,
            minutes: u32::try_from(a.duration_minutes).unwrap_or_default(),
            presenter: a.presenter_id.as_ref().and_then(|p| self.person_index.get(p).copied()),
            agenda,
            visit_kind,
            polarity: a.polarity.as_deref().and_then(Polarity::parse),
            present,
            absent: u32::try_from(a.participants.iter().filter(|p| !p.present).count()).unwrap_or(u32::MAX),
            voters: Voters { present: votes(true), absent: votes(false) },
        })
    }

    /// The index of an activity, given one if it is new to this world.
    pub fn activity_slot(&mut self, id: &Id) -> u32 {
        if let Some(&ix) = self.activity_index.get(id) {
            return ix;
        }
        let ix = u32::try_from(self.activity_ids.len()).unwrap_or(u32::MAX);
        self.activity_ids.push(id.clone());
        self.activity_index.insert(id.clone(), ix);
        ix
    }
}
