//! Applying a validated roster to the database: new members are created,
//! members already known by their ID number are updated only where the file
//! says something different, and nothing at all is written when nothing
//! changed. The whole file is one transaction: any bad row rejects it.

use crate::audit::Audited;
use crate::people::{NewPerson, PersonChanges, membership_start};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::roster::RosterEntry;
use domain::sheet::RowError;
use domain::{Field, FieldError, Id, MemberStatus, OrgKind, Organization, PositionKind, Problem};
use std::collections::HashMap;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Problems that do not block the import (branch too large, committee missing).
    pub warnings: Vec<String>,
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
/// separated by `/`, within the target's subtree.
struct OrgResolver<'a> {
    target: &'a Organization,
    orgs: &'a [Organization],
}

impl OrgResolver<'_> {
    fn resolve(&self, written: Option<&str>) -> std::result::Result<&Organization, Problem> {
        let Some(written) = written.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(self.target);
        };
        let names: Vec<&str> = written.split('/').map(str::trim).filter(|s| !s.is_empty()).collect();
        let Some(last) = names.last() else { return Ok(self.target) };
        let by_id: HashMap<&Id, &Organization> = self.orgs.iter().map(|o| (&o.id, o)).collect();
        let candidates: Vec<&Organization> = self
            .orgs
            .iter()
            .filter(|o| o.name.as_str() == *last)
            .filter(|o| {
                // Every earlier name must appear, in order, among the ancestors.
                let ancestors: Vec<&str> = o.path.iter().filter_map(|id| by_id.get(id).map(|a| a.name.as_str())).collect();
                let mut rest = ancestors.iter();
                names[..names.len() - 1].iter().all(|n| rest.any(|a| a == n))
            })
            .collect();
        match candidates.as_slice() {
            [one] => Ok(one),
            [] => Err(Problem::NotFound),
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
        let target_org = self.org_in(w, target, today).await?.ok_or(StoreError::NotFound)?;
        let orgs = self.subtree(target, today).await?;
        let resolver = OrgResolver { target: &target_org, orgs: &orgs };
        let mut errors = Vec::new();
        let mut placed = Vec::with_capacity(entries.len());
        for entry in entries {
            match resolver.resolve(entry.organization.as_deref()) {
                Ok(org) if org.kind.holds_members() => placed.push((entry, org.clone())),
                Ok(org) => errors.push(RowError {
                    line: entry.line,
                    error: FieldError::new(
                        Field::Organization,
                        Problem::Invalid { reason_zh: "不能接收党员".into(), reason_en: "cannot hold members".into() },
                        org.name.as_str(),
                    ),
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
        let existing = self.existing_by_fingerprint(w, &province, &placed).await?;
        let mut report = ImportReport { rows: placed.len(), ..ImportReport::default() };
        let mut new_people = Vec::new();
        for (entry, org) in &placed {
            let fingerprint = self.keys().fingerprint(entry.id_number.expose());
            match existing.get(&fingerprint) {
                None => {
                    let start = membership_start(entry.join_date, org);
                    new_people.push((new_person(entry, org), province.clone(), start));
                }
                Some(person_id) => {
                    if self.apply_changes(w, person_id, entry, org, today).await? {
                        report.updated += 1;
                    } else {
                        report.unchanged += 1;
                    }
                }
            }
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
        report.warnings = self.branch_warnings(w, placed.iter().map(|(_, o)| o), today).await?;
        Ok(report)
    }

    async fn existing_by_fingerprint(
        &self,
        w: &mut Audited,
        province: &Id,
        placed: &[(RosterEntry, Organization)],
    ) -> Result<HashMap<String, Id>> {
        let mut found = HashMap::new();
        let prints: Vec<String> = placed.iter().map(|(e, _)| self.keys().fingerprint(e.id_number.expose())).collect();
        for chunk in prints.chunks(1000) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT id, id_hmac FROM people WHERE province_id = $1 AND id_hmac IN ({})", placeholders.join(", "));
            let mut query = sqlx::query(&sql).bind(province.as_str());
            for p in chunk {
                query = query.bind(p.as_str());
            }
            for row in query.fetch_all(&mut **w.tx()).await? {
                found.insert(crate::rows::text(&row, "id_hmac")?, Id::from_stored(crate::rows::text(&row, "id")?));
            }
        }
        Ok(found)
    }

    /// Brings a known member in line with the row; true if anything changed.
    async fn apply_changes(&self, w: &mut Audited, id: &Id, entry: &RosterEntry, org: &Organization, today: NaiveDate) -> Result<bool> {
        let Some(current) = self.person_in(w, id, today).await? else {
            return Err(StoreError::NotFound);
        };
        let stored_phone: Option<String> = sqlx::query_scalar("SELECT phone_cipher FROM people WHERE province_id = $1 AND id = $2")
            .bind(current.province_id.as_str())
            .bind(id.as_str())
            .fetch_one(&mut **w.tx())
            .await?;
        let stored_phone = stored_phone.map(|c| self.keys().decrypt(&c)).transpose()?;
        let mut changes = PersonChanges::default();
        let mut changed = false;
        if current.name != entry.name {
            changes.name = Some(entry.name.clone());
            changed = true;
        }
        if let Some(sex) = entry.sex.filter(|s| current.sex != Some(*s)) {
            changes.sex = Some(Some(sex));
            changed = true;
        }
        if entry.ethnicity.is_some() && current.ethnicity != entry.ethnicity {
            changes.ethnicity = Some(entry.ethnicity.clone());
            changed = true;
        }
        if current.category != entry.category {
            changes.category = Some(entry.category);
            changed = true;
        }
        if current.full_member_date != entry.full_member_date {
            changes.full_member_date = Some(entry.full_member_date);
            changed = true;
        }
        if entry.phone.as_ref().map(|p| p.expose()) != stored_phone.as_deref() && entry.phone.is_some() {
            changes.phone = Some(entry.phone.clone());
            changed = true;
        }
        let mut kinds: Vec<PositionKind> = entry.positions.clone();
        kinds.sort();
        kinds.dedup();
        let moving = current.org_id != org.id;
        if !moving && kinds != current.positions {
            changes.positions = Some(kinds.clone());
            changed = true;
        }
        if current.status != MemberStatus::Active && current.status != MemberStatus::Abroad && current.status != MemberStatus::Mobile {
            // A member listed on a current roster is active again.
            changes.status = Some(MemberStatus::Active);
            changed = true;
        }
        if current.join_date != entry.join_date {
            sqlx::query("UPDATE people SET join_date = $1 WHERE province_id = $2 AND id = $3")
                .bind(entry.join_date.to_string())
                .bind(current.province_id.as_str())
                .bind(id.as_str())
                .execute(&mut **w.tx())
                .await?;
            changed = true;
        }
        let mut version = current.version;
        if changed {
            version = self.update_person(w, id, version, changes, today).await?.version;
        }
        if moving {
            let moved = self.move_person(w, id, &org.id, today, version).await?;
            if !kinds.is_empty() {
                let changes = PersonChanges { positions: Some(kinds), ..PersonChanges::default() };
                self.update_person(w, id, moved.version, changes, today).await?;
            }
            changed = true;
        }
        Ok(changed)
    }

    /// Soft warnings for the branches an import touched: over 50 members, or
    /// 7 or more full members without a committee.
    async fn branch_warnings<'o>(
        &self,
        w: &mut Audited,
        orgs: impl Iterator<Item = &'o Organization>,
        today: NaiveDate,
    ) -> Result<Vec<String>> {
        let mut seen: Vec<&Organization> = Vec::new();
        for org in orgs {
            if org.kind == OrgKind::Branch && !seen.iter().any(|o| o.id == org.id) {
                seen.push(org);
            }
        }
        let mut warnings = Vec::new();
        let day = crate::orgs::date_text(today);
        for org in seen {
            let path = crate::orgs::root_path(org);
            let counts = sqlx::query(
                "SELECT p.category AS category, COUNT(*) AS n FROM memberships m
                 JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
                 JOIN org_links l ON l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
                 WHERE l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3)
                   AND p.status IN ('active', 'abroad', 'mobile')
                 GROUP BY p.category",
            )
            .bind(&path)
            .bind(crate::orgs::path_end(&path))
            .bind(&day)
            .fetch_all(&mut **w.tx())
            .await?;
            let mut total = 0;
            let mut full = 0;
            for row in &counts {
                let n = crate::rows::int(row, "n")?;
                total += n;
                if crate::rows::text(row, "category")? == "full" {
                    full += n;
                }
            }
            let committee: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM positions WHERE org_id = $1 AND kind IN ('deputy_secretary', 'committee_member') AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)",
            )
            .bind(org.id.as_str())
            .bind(&day)
            .fetch_one(&mut **w.tx())
            .await?;
            if total > 50 {
                warnings.push(format!("{}：{total} 名党员，超过 50 名 / {}: {total} members, more than 50", org.name, org.name));
            }
            if full >= 7 && committee == 0 {
                warnings.push(format!(
                    "{}：正式党员 {full} 名，应设支部委员会 / {}: {full} full members but no branch committee",
                    org.name, org.name
                ));
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
        let resolver = OrgResolver { target: &target_org, orgs: &existing };
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
            let same: Vec<Organization> = self.children(&parent.id, today).await?.into_iter().filter(|c| c.name == entry.name).collect();
            if let Some(found) = same.first() {
                if found.level != entry.level || found.kind != entry.kind {
                    errors.push(RowError {
                        line: entry.line,
                        error: FieldError::new(
                            Field::Kind,
                            Problem::Invalid {
                                reason_zh: "与已有同名组织的层级或类别不同".into(),
                                reason_en: "differs in level or kind from the organization of that name already recorded".into(),
                            },
                            entry.kind.code(),
                        ),
                    });
                    continue;
                }
                if entry.unit_type.is_some() && found.unit_type != entry.unit_type {
                    let changes = crate::orgs::OrgChanges { name: None, unit_type: Some(entry.unit_type) };
                    let updated = self.update_org(w, &found.id, found.version, changes, today).await?;
                    by_line.insert(entry.line, updated);
                    report.updated += 1;
                } else {
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
                    by_line.insert(entry.line, org);
                    report.created += 1;
                }
                Err(StoreError::Invalid(error)) => errors.push(RowError { line: entry.line, error }),
                Err(StoreError::Rule(message)) => errors.push(RowError {
                    line: entry.line,
                    error: FieldError::new(
                        Field::Parent,
                        Problem::Invalid {
                            reason_zh: message.split(" / ").next().unwrap_or_default().to_owned(),
                            reason_en: message.split(" / ").nth(1).unwrap_or_default().to_owned(),
                        },
                        "",
                    ),
                }),
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
