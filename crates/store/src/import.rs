//! Applying a validated roster to the database: new members are created,
//! members already known by their ID number are updated only where the file
//! says something different, and nothing at all is written when nothing
//! changed. The whole file is one transaction: any bad row rejects it.

use crate::audit::Audited;
use crate::people::{NewPerson, PersonChanges, membership_start};
use crate::uploads::{RowAction, RowOutcome};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::roster::RosterEntry;
use domain::sheet::RowError;
use domain::{Field, FieldError, Id, MemberStatus, Message, OrgKind, Organization, Person, PositionKind, Problem};
use std::collections::{HashMap, HashSet};

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Problems that do not block the import (branch too large, committee missing).
    pub warnings: Vec<Message>,
    /// What became of each row, in the file's order.
    #[serde(skip)]
    pub outcomes: Vec<RowOutcome>,
}

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Finds the organization a row names: by name, or by a path of names
/// separated by `/`, within the target's subtree. Organizations are indexed
/// by id and name once, and each distinct text is resolved once.
pub(crate) struct OrgResolver<'a> {
    target: &'a Organization,
    by_id: HashMap<&'a Id, &'a Organization>,
    by_name: HashMap<&'a str, Vec<&'a Organization>>,
    resolved: HashMap<String, std::result::Result<&'a Organization, Problem>>,
}

impl<'a> OrgResolver<'a> {
    pub(crate) fn new(target: &'a Organization, orgs: &'a [Organization]) -> Self {
        let mut by_name: HashMap<&str, Vec<&Organization>> = HashMap::new();
        for o in orgs {
            by_name.entry(o.name.as_str()).or_default().push(o);
        }
        OrgResolver { target, by_id: orgs.iter().map(|o| (&o.id, o)).collect(), by_name, resolved: HashMap::new() }
    }

    pub(crate) fn resolve(&mut self, written: Option<&str>) -> std::result::Result<&'a Organization, Problem> {
        let Some(written) = written.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(self.target);
        };
        if let Some(done) = self.resolved.get(written) {
            return done.clone();
        }
        let done = self.find(written);
        self.resolved.insert(written.to_owned(), done.clone());
        done
    }

    fn find(&self, written: &str) -> std::result::Result<&'a Organization, Problem> {
        let names: Vec<&str> = written.split('/').map(str::trim).filter(|s| !s.is_empty()).collect();
        let Some(last) = names.last() else { return Ok(self.target) };
        let candidates: Vec<&'a Organization> = self
            .by_name
            .get(last)
            .into_iter()
            .flatten()
            .copied()
            .filter(|o| {
                // Every earlier name must appear, in order, among the ancestors.
                let ancestors: Vec<&str> = o.path.iter().filter_map(|id| self.by_id.get(id).map(|a| a.name.as_str())).collect();
                let mut rest = ancestors.iter();
                names[..names.len() - 1].iter().all(|n| rest.any(|a| a == n))
            })
            .collect();
        match candidates.as_slice() {
            [one] => Ok(one),
            [] => Err(Problem::Rule(Message::new("org-not-under-target").text("target", self.target.name.as_str()))),
            _ => Err(Problem::Ambiguous),
        }
    }
}

impl Store {
    /// Imports members into the subtree of `target`. `file_hash` identifies
    /// the file in the audit trail.
    pub async fn import_roster(
        &self,
        w: &mut Audited,
        target: &Id,
        entries: Vec<RosterEntry>,
        file_hash: &str,
        today: NaiveDate,
    ) -> Result<ImportReport, ImportError> {
        // The tree is read once and must not change under the import.
        w.lock_tree().await?;
        let target_org = self.org_in(w, target, today).await?.ok_or(StoreError::NotFound)?;
        let orgs = self.subtree(target, today).await?;
        let mut resolver = OrgResolver::new(&target_org, &orgs);
        let mut errors = Vec::new();
        let mut placed: Vec<(RosterEntry, &Organization)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match resolver.resolve(entry.organization.as_deref()) {
                Ok(org) if org.kind.holds_members() => placed.push((entry, org)),
                Ok(org) => errors.push(RowError {
                    line: entry.line,
                    error: FieldError::new(Field::Organization, Problem::rule("org-holds-no-members"), org.name.as_str()),
                }),
                Err(problem) => errors.push(RowError {
                    line: entry.line,
                    error: FieldError::new(Field::Organization, problem, entry.organization.as_deref().unwrap_or_default()),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(ImportError::Rows(errors));
        }
        let province = target_org.province_id.clone();
        let prints: Vec<String> = placed.iter().map(|(e, _)| self.keys().fingerprint(e.id_number.expose())).collect();
        let existing = self.people_in_by_fingerprint(w, &province, &prints, today).await?;
        let mut report = ImportReport { rows: placed.len(), ..ImportReport::default() };
        let mut new_people = Vec::new();
        for ((entry, org), print) in placed.iter().zip(&prints) {
            let outcome = |action, changed, basis| RowOutcome {
                line: entry.line,
                action,
                name: entry.name.as_str().to_owned(),
                org: org.name.as_str().to_owned(),
                changed,
                basis,
            };
            match existing.get(print) {
                None => {
                    let start = membership_start(entry.join_date, org);
                    new_people.push((new_person(entry, org), province.clone(), start));
                    report.outcomes.push(outcome(RowAction::Create, Vec::new(), format!("new:{print}@{}", org.id)));
                }
                // Known by ID number but without any membership.
                Some(None) => errors.push(RowError {
                    line: entry.line,
                    error: FieldError::new(Field::IdNumber, Problem::rule("member-without-membership"), ""),
                }),
                Some(Some((current, phone_cipher))) => {
                    let basis = format!("person:{}@{}", current.id, current.version);
                    match self.apply_changes(w, current, phone_cipher.as_deref(), entry, org, today).await {
                        Ok(changed) if changed.is_empty() => {
                            report.unchanged += 1;
                            report.outcomes.push(outcome(RowAction::Keep, changed, basis));
                        }
                        Ok(changed) => {
                            report.updated += 1;
                            report.outcomes.push(outcome(RowAction::Update, changed, basis));
                        }
                        // A change the rules refuse (a move dated before the current membership…) is this row's error.
                        Err(StoreError::Invalid(error)) => errors.push(RowError { line: entry.line, error }),
                        Err(StoreError::Rule(message)) => {
                            errors.push(RowError { line: entry.line, error: FieldError::rule(Field::Organization, message, "") })
                        }
                        Err(other) => return Err(other.into()),
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(ImportError::Rows(errors));
        }
        report.created = new_people.len();
        self.insert_people(w, new_people).await?;
        if report.created + report.updated > 0 {
            let after = serde_json::json!({
                "file_sha256": file_hash, "rows": report.rows, "created": report.created,
                "updated": report.updated, "unchanged": report.unchanged, "organization": target.as_str(),
            });
            w.record(province.as_str(), "import", "roster_import", file_hash, None, Some(after));
        }
        report.warnings = self.branch_warnings(w, placed.iter().map(|(_, o)| *o), &orgs, today).await?;
        Ok(report)
    }

    /// Brings a known member (as read by `people_in_by_fingerprint`) in line
    /// with the row; the fields that changed (none: nothing was written).
    async fn apply_changes(
        &self,
        w: &mut Audited,
        current: &Person,
        phone_cipher: Option<&str>,
        entry: &RosterEntry,
        org: &Organization,
        today: NaiveDate,
    ) -> Result<Vec<Field>> {
        let id = &current.id;
        let stored_phone = phone_cipher.map(|c| self.keys().decrypt(c)).transpose()?;
        let mut changes = PersonChanges::default();
        let mut changed = Vec::new();
        if current.name != entry.name {
            changes.name = Some(entry.name.clone());
            changed.push(Field::Name);
        }
        if let Some(sex) = entry.sex.filter(|s| current.sex != Some(*s)) {
            changes.sex = Some(Some(sex));
            changed.push(Field::Sex);
        }
        if entry.ethnicity.is_some() && current.ethnicity != entry.ethnicity {
            changes.ethnicity = Some(entry.ethnicity.clone());
            changed.push(Field::Ethnicity);
        }
        if current.category != entry.category {
            changes.category = Some(entry.category);
            changed.push(Field::Category);
        }
        if current.full_member_date != entry.full_member_date {
            changes.full_member_date = Some(entry.full_member_date);
            changed.push(Field::FullMemberDate);
        }
        if entry.phone.as_ref().map(|p| p.expose()) != stored_phone.as_deref() && entry.phone.is_some() {
            changes.phone = Some(entry.phone.clone());
            changed.push(Field::Phone);
        }
        let mut kinds: Vec<PositionKind> = entry.positions.clone();
        kinds.sort();
        kinds.dedup();
        let moving = current.org_id != org.id;
        if !moving && kinds != current.positions {
            changes.positions = Some(kinds.clone());
            changed.push(Field::Position);
        }
        if current.join_date != entry.join_date {
            changes.join_date = Some(entry.join_date);
            changed.push(Field::JoinDate);
        }
        let mut version = current.version;
        if !changed.is_empty() {
            version = self.update_person(w, id, version, changes, today).await?.version;
        }
        if moving {
            let moved = self.move_person(w, id, &org.id, today, version).await?;
            if !kinds.is_empty() {
                let changes = PersonChanges { positions: Some(kinds), ..PersonChanges::default() };
                self.update_person(w, id, moved.version, changes, today).await?;
            }
            changed.push(Field::Organization);
        }
        Ok(changed)
    }

    /// Soft warnings for the branches an import touched: over 50 members, or
    /// 7 or more full members without a committee. Members are counted in a
    /// branch and the organizations under it (`orgs`, the target's subtree),
    /// with a few grouped queries for all the branches together.
    async fn branch_warnings<'o>(
        &self,
        w: &mut Audited,
        touched: impl Iterator<Item = &'o Organization>,
        orgs: &[Organization],
        today: NaiveDate,
    ) -> Result<Vec<Message>> {
        let mut seen: Vec<&Organization> = Vec::new();
        let mut seen_ids: HashSet<&Id> = HashSet::new();
        for org in touched {
            if org.kind == OrgKind::Branch && seen_ids.insert(&org.id) {
                seen.push(org);
            }
        }
        if seen.is_empty() {
            return Ok(Vec::new());
        }
        // Each organization in a touched branch's subtree, with those branches.
        let mut counted_in: HashMap<&str, Vec<&Id>> = HashMap::new();
        for org in seen.iter().copied().chain(orgs) {
            let branches: Vec<&Id> = org.path.iter().filter(|id| seen_ids.contains(id)).collect();
            if !branches.is_empty() {
                counted_in.insert(org.id.as_str(), branches);
            }
        }
        let day = crate::orgs::date_text(today);
        // branch → (members, full members, committee positions)
        let mut figures: HashMap<&Id, (i64, i64, i64)> = HashMap::new();
        let org_ids: Vec<&str> = counted_in.keys().copied().collect();
        for chunk in org_ids.chunks(crate::rows::in_list_size(self.backend())) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT m.org_id AS org_id, p.category AS category, COUNT(*) AS n FROM memberships m
                 JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
                 WHERE m.org_id IN ({}) AND m.valid_from <= $1 AND (m.valid_to IS NULL OR m.valid_to > $1)
                   AND p.status IN ('active', 'abroad', 'mobile')
                 GROUP BY m.org_id, p.category",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(&day);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut **w.tx()).await? {
                let n = crate::rows::int(&row, "n")?;
                let full = if crate::rows::text(&row, "category")? == "full" { n } else { 0 };
                for branch in counted_in.get(crate::rows::text(&row, "org_id")?.as_str()).into_iter().flatten() {
                    let f = figures.entry(*branch).or_default();
                    f.0 += n;
                    f.1 += full;
                }
            }
        }
        let branch_ids: Vec<&str> = seen.iter().map(|o| o.id.as_str()).collect();
        for chunk in branch_ids.chunks(crate::rows::in_list_size(self.backend())) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT org_id, COUNT(*) AS n FROM positions
                 WHERE org_id IN ({}) AND kind IN ('deputy_secretary', 'committee_member', 'organization_member', 'publicity_member', 'discipline_member') AND valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)
                 GROUP BY org_id",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(&day);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut **w.tx()).await? {
                let id = Id::from_stored(crate::rows::text(&row, "org_id")?);
                if let Some(branch) = seen_ids.get(&id) {
                    figures.entry(*branch).or_default().2 += crate::rows::int(&row, "n")?;
                }
            }
        }
        let mut warnings = Vec::new();
        for org in seen {
            let (total, full, committee) = figures.get(&org.id).copied().unwrap_or_default();
            if total > 50 {
                warnings.push(Message::new("import-warning-large-branch").text("org", org.name.as_str()).number("total", total));
            }
            if full >= 7 && committee == 0 {
                warnings.push(Message::new("import-warning-needs-committee").text("org", org.name.as_str()).number("full", full));
            }
        }
        Ok(warnings)
    }
}

fn new_person(entry: &RosterEntry, org: &Organization) -> NewPerson {
    NewPerson {
        id: None,
        org_id: org.id.clone(),
        name: entry.name.clone(),
        sex: entry.sex,
        ethnicity: entry.ethnicity.clone(),
        birth_date: entry.birth_date,
        category: entry.category,
        status: MemberStatus::Active,
        join_date: entry.join_date,
        full_member_date: entry.full_member_date,
        cadre_rank: domain::CadreRank::None,
        id_number: Some(entry.id_number.clone()),
        phone: entry.phone.clone(),
        positions: entry.positions.iter().map(|k| (org.id.clone(), *k)).collect(),
    }
}

/// What an organization-tree import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct OrgImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// What became of each row, in the file's order.
    #[serde(skip)]
    pub outcomes: Vec<RowOutcome>,
}

impl Store {
    /// Imports organizations under `target`. A row whose organization already
    /// stands under the same parent with the same name is matched, not
    /// duplicated, so importing the same file twice changes nothing.
    pub async fn import_orgs(
        &self,
        w: &mut Audited,
        target: &Id,
        entries: Vec<domain::org_sheet::OrgEntry>,
        file_hash: &str,
        today: NaiveDate,
    ) -> Result<OrgImportReport, ImportError> {
        let target_org = self.org_in(w, target, today).await?.ok_or(StoreError::NotFound)?;
        let existing = self.subtree(target, today).await?;
        let mut resolver = OrgResolver::new(&target_org, &existing);
        let mut by_line: HashMap<usize, Organization> = HashMap::new();
        let mut report = OrgImportReport { rows: entries.len(), ..OrgImportReport::default() };
        let mut errors = Vec::new();
        for entry in entries {
            let parent = match (entry.parent_line, entry.parent.as_deref()) {
                (Some(line), _) => match by_line.get(&line) {
                    Some(p) => p.clone(),
                    None => continue, // the parent row failed; its error is reported
                },
                (None, written) => match resolver.resolve(written) {
                    Ok(p) => p.clone(),
                    Err(problem) => {
                        errors.push(RowError {
                            line: entry.line,
                            error: FieldError::new(Field::Parent, problem, written.unwrap_or_default()),
                        });
                        continue;
                    }
                },
            };
            let parent_basis = entry.parent_line.map_or_else(|| parent.id.to_string(), |line| format!("line:{line}"));
            let outcome = |action, changed, basis| RowOutcome {
                line: entry.line,
                action,
                name: entry.name.as_str().to_owned(),
                org: parent.name.as_str().to_owned(),
                changed,
                basis,
            };
            let same: Vec<Organization> = self.children(&parent.id, today).await?.into_iter().filter(|c| c.name == entry.name).collect();
            if let Some(found) = same.first() {
                if found.level != entry.level || found.kind != entry.kind {
                    errors.push(RowError {
                        line: entry.line,
                        error: FieldError::new(Field::Kind, Problem::rule("org-differs-from-namesake"), entry.kind.code()),
                    });
                    continue;
                }
                let basis = format!("org:{}@{}", found.id, found.version);
                if entry.unit_type.is_some() && found.unit_type != entry.unit_type {
                    let changes = crate::orgs::OrgChanges { name: None, unit_type: Some(entry.unit_type) };
                    let updated = self.update_org(w, &found.id, found.version, changes, today).await?;
                    report.outcomes.push(outcome(RowAction::Update, vec![Field::UnitType], basis));
                    by_line.insert(entry.line, updated);
                    report.updated += 1;
                } else {
                    report.outcomes.push(outcome(RowAction::Keep, Vec::new(), basis));
                    by_line.insert(entry.line, found.clone());
                    report.unchanged += 1;
                }
                continue;
            }
            let new = crate::orgs::NewOrg {
                id: None,
                parent_id: Some(parent.id.clone()),
                name: entry.name.clone(),
                level: entry.level,
                kind: entry.kind,
                unit_type: entry.unit_type,
                founded_on: entry.founded_on,
            };
            match self.create_org(w, new).await {
                Ok(org) => {
                    report.outcomes.push(outcome(RowAction::Create, Vec::new(), format!("new:{parent_basis}/{}", entry.name.as_str())));
                    by_line.insert(entry.line, org);
                    report.created += 1;
                }
                Err(StoreError::Invalid(error)) => errors.push(RowError { line: entry.line, error }),
                Err(StoreError::Rule(message)) => {
                    errors.push(RowError { line: entry.line, error: FieldError::rule(Field::Parent, message, "") })
                }
                Err(other) => return Err(other.into()),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(ImportError::Rows(errors));
        }
        if report.created + report.updated > 0 {
            let after = serde_json::json!({
                "file_sha256": file_hash, "rows": report.rows, "created": report.created,
                "updated": report.updated, "unchanged": report.unchanged, "organization": target.as_str(),
            });
            w.record(target_org.province_id.as_str(), "import", "org_import", file_hash, None, Some(after));
        }
        Ok(report)
    }
}
