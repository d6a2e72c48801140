//! Applying a validated activity file (`domain::activity_sheet`) to the
//! database: host organizations and people are found by name within the
//! import's target organization, and each row is recorded as a held activity
//! through [`Store::record_activity`], with all its checks. The whole file is
//! one audited transaction: any bad row rejects it, and every bad row is
//! reported. A row already recorded (same kind, host, day, start time and
//! title) is skipped, so importing the same file twice creates nothing.

use crate::activities::{ActivityStatus, NewAbsentee, NewActivity, NewAgendaItem};
use crate::audit::Audited;
use crate::import::{ImportError, OrgResolver};
use crate::orgs::{date_text, path_end, root_path};
use crate::rows::text;
use crate::uploads::{RowAction, RowOutcome};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::activity_sheet::{ActivityEntry, PersonRef, Term, Vocabulary};
use domain::sheet::RowError;
use domain::{Field, FieldError, Id, Message, OrgKind, OrgLevel, Organization, Problem};
use rules::Catalogue;
use std::collections::HashMap;

/// What an activity import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ActivityImportReport {
    pub rows: usize,
    pub created: usize,
    /// Rows already recorded by an earlier import (or by hand), skipped.
    pub unchanged: usize,
    /// What became of each row, in the file's order.
    #[serde(skip)]
    pub outcomes: Vec<RowOutcome>,
}

/// The catalogue's kinds, as the activity template reads them.
pub fn vocabulary(catalogue: &Catalogue) -> Vocabulary {
    let terms = |list: &[rules::catalogue::Term]| -> Vec<Term> {
        list.iter().map(|t| Term { code: t.code.clone(), zh: t.zh.clone(), en: t.en.clone(), also: t.also.clone() }).collect()
    };
    Vocabulary::new(terms(&catalogue.activity_kinds), terms(&catalogue.agenda_kinds), terms(&catalogue.visit_kinds))
}

/// The people who may be named at activities of one host on one day, by name.
type NameIndex = HashMap<String, Vec<Id>>;

/// What an import keeps while it goes through the rows: the catalogue, the
/// organization imported into, the day, and the people looked up so far
/// (by host and day, and by name outside the host).
struct ImportRun<'a> {
    catalogue: &'a Catalogue,
    target: &'a Organization,
    people: HashMap<(Id, NaiveDate), NameIndex>,
    outside: HashMap<(String, NaiveDate), Vec<Id>>,
    today: NaiveDate,
}

/// What became of one row.
enum Outcome {
    Created,
    Unchanged,
}

impl Store {
    /// Imports held activities for organizations in the subtree of `target`
    /// (a row without a host is the target's). `file_hash` identifies the
    /// file in the audit trail.
    ///
    /// A row's host is a name or a path of names within the subtree; its
    /// presenter a person of the host (member of its subtree or holder of a
    /// position in it) on the day, or else a member of the target's subtree;
    /// its absentees people of the host on the day. A name that fits several
    /// people is refused (the person's id may be written instead). Everyone
    /// expected at the host is a participant, the absentees marked absent.
    pub async fn import_activities(
        &self,
        w: &mut Audited,
        catalogue: &Catalogue,
        target: &Id,
        entries: Vec<ActivityEntry>,
        file_hash: &str,
        today: NaiveDate,
    ) -> Result<ActivityImportReport, ImportError> {
        // The tree is read once and must not change under the import; a
        // concurrent import of the same file waits and then finds its rows.
        w.lock_tree().await?;
        let target_org = self.org_in(w, target, today).await?.ok_or(StoreError::NotFound)?;
        let orgs = self.subtree(target, today).await?;
        let mut resolver = OrgResolver::new(&target_org, &orgs);
        let mut report = ActivityImportReport { rows: entries.len(), ..ActivityImportReport::default() };
        let mut errors = Vec::new();
        let mut first_seen: HashMap<(String, Id, NaiveDate, Option<String>), usize> = HashMap::new();
        let mut run = ImportRun { catalogue, target: &target_org, people: HashMap::new(), outside: HashMap::new(), today };
        for entry in entries {
            let line = entry.line;
            let host = match resolver.resolve(entry.host.as_deref()) {
                Ok(org) => org.clone(),
                Err(problem) => {
                    errors.push(RowError::new(line, FieldError::new(Field::Host, problem, entry.host.as_deref().unwrap_or_default())));
                    continue;
                }
            };
            let starts_at = entry.starts_at.map(|t| t.format("%H:%M").to_string());
            let key = (entry.kind.clone(), host.id.clone(), entry.held_on, starts_at.clone());
            if let Some(&first) = first_seen.get(&key) {
                errors.push(RowError::new(
                    line,
                    FieldError::rule(Field::HeldOn, Message::new("row-same-activity").count("row", first), &date_text(entry.held_on)),
                ));
                continue;
            }
            first_seen.insert(key, line);
            let basis = format!("{}/{}/{}/{}", entry.kind, host.id, date_text(entry.held_on), starts_at.as_deref().unwrap_or_default());
            let name = format!("{} {}", date_text(entry.held_on), entry.title.as_deref().unwrap_or(&entry.kind));
            let row = |action| RowOutcome { line, action, name, org: host.name.as_str().to_owned(), changed: Vec::new(), basis };
            let outcome = self.import_row(w, &mut run, &host, entry, starts_at).await;
            match outcome {
                Ok(Outcome::Created) => {
                    report.created += 1;
                    report.outcomes.push(row(RowAction::Create));
                }
                Ok(Outcome::Unchanged) => {
                    report.unchanged += 1;
                    report.outcomes.push(row(RowAction::Keep));
                }
                Err(RowOrStore::Row(error)) => errors.push(RowError::new(line, error)),
                Err(RowOrStore::Store(e)) => return Err(e.into()),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(ImportError::Rows(errors));
        }
        if report.created > 0 {
            let after = serde_json::json!({
                "file_sha256": file_hash, "rows": report.rows, "created": report.created,
                "unchanged": report.unchanged, "organization": target.as_str(),
            });
            w.record(target_org.province_id.as_str(), "import", "activity_import", file_hash, None, Some(after));
        }
        Ok(report)
    }

    /// Records one row, or says why not.
    async fn import_row(
        &self,
        w: &mut Audited,
        run: &mut ImportRun<'_>,
        host: &Organization,
        entry: ActivityEntry,
        starts_at: Option<String>,
    ) -> std::result::Result<Outcome, RowOrStore> {
        let ImportRun { catalogue, target, people, outside, today } = run;
        let (catalogue, target, today) = (*catalogue, *target, *today);
        let states: Vec<String> = sqlx::query_scalar(
            "SELECT status FROM activities WHERE province_id = $1 AND host_org_id = $2 AND held_on = $3 AND kind = $4
               AND COALESCE(starts_at, '') = $5 AND COALESCE(title, '') = $6 AND deleted_at IS NULL AND status <> 'cancelled'",
        )
        .bind(host.province_id.as_str())
        .bind(host.id.as_str())
        .bind(date_text(entry.held_on))
        .bind(&entry.kind)
        .bind(starts_at.clone().unwrap_or_default())
        .bind(entry.title.clone().unwrap_or_default())
        .fetch_all(&mut **w.tx())
        .await
        .map_err(StoreError::from)?;
        if states.iter().any(|s| s == ActivityStatus::Held.code()) {
            return Ok(Outcome::Unchanged);
        }
        if !states.is_empty() {
            return Err(RowOrStore::Row(FieldError::new(Field::HeldOn, Problem::rule("same-activity-planned"), &date_text(entry.held_on))));
        }

        let key = (host.id.clone(), entry.held_on);
        if !people.contains_key(&key) {
            let index = self.people_of_host(w, host, entry.held_on).await?;
            people.insert(key.clone(), index);
        }
        let index = people.get(&key).ok_or_else(|| StoreError::Corrupt("name index".into()))?;
        // Ids as written, to give back names in the record's own messages.
        let mut written: HashMap<Id, String> = HashMap::new();
        let mut absentees = Vec::with_capacity(entry.absentees.len());
        for a in &entry.absentees {
            let id = by_name(index, &a.person, Field::Absentee, || {
                FieldError::new(Field::Absentee, Problem::rule("participant-not-eligible"), a.person.as_str())
            })?;
            written.insert(id.clone(), a.person.as_str().to_owned());
            absentees.push(NewAbsentee { person_id: id, reason: a.reason.clone() });
        }
        let presenter_id = match &entry.presenter {
            None => None,
            Some(PersonRef::Id(id)) => Some(id.clone()),
            Some(person @ PersonRef::Name(name)) => {
                let id = if index.contains_key(name.as_str()) {
                    by_name(index, person, Field::Presenter, || FieldError::new(Field::Presenter, Problem::NotFound, name.as_str()))?
                } else {
                    let key = (name.as_str().to_owned(), entry.held_on);
                    if !outside.contains_key(&key) {
                        let found = self.members_named(w, target, name.as_str(), entry.held_on).await?;
                        outside.insert(key.clone(), found);
                    }
                    match outside.get(&key).map(Vec::as_slice).unwrap_or_default() {
                        [one] => one.clone(),
                        [] => {
                            return Err(RowOrStore::Row(FieldError::new(
                                Field::Presenter,
                                Problem::rule("presenter-outside-import"),
                                name.as_str(),
                            )));
                        }
                        _ => return Err(RowOrStore::Row(ambiguous(Field::Presenter, name.as_str()))),
                    }
                };
                written.insert(id.clone(), name.as_str().to_owned());
                Some(id)
            }
        };

        let new = NewActivity {
            id: None,
            kind: entry.kind,
            host_org_id: host.id.clone(),
            title: entry.title,
            held_on: entry.held_on,
            starts_at: entry.starts_at,
            duration_minutes: entry.duration_minutes,
            presenter_id,
            agenda: entry.agenda.into_iter().map(|a| NewAgendaItem { kind: a.kind, title: a.title }).collect(),
            participants: None,
            absentees,
            visit_kind: entry.visit_kind,
            polarity: entry.polarity,
            research_project_id: None,
            status: ActivityStatus::Held,
            minutes: entry.minutes,
            minutes_state: None,
        };
        match self.record_activity(w, catalogue, new, today).await {
            Ok(_) => Ok(Outcome::Created),
            Err(StoreError::Invalid(error)) => {
                // The record names people by id; the file named them by name.
                let name = error.value.as_deref().and_then(Id::parse).and_then(|id| written.get(&id));
                Err(RowOrStore::Row(match name {
                    Some(name) => FieldError::new(error.field, error.problem.clone(), name),
                    None => error,
                }))
            }
            Err(StoreError::Rule(message)) => Err(RowOrStore::Row(FieldError::rule(Field::ActivityKind, message, ""))),
            Err(other) => Err(RowOrStore::Store(other)),
        }
    }

    /// The people who may be named at an activity of `host` on `day` (the
    /// members of its subtree, of its branch's for a group of members, and
    /// the holders of positions in it), by name.
    async fn people_of_host(&self, w: &mut Audited, host: &Organization, day: NaiveDate) -> Result<NameIndex> {
        let path = if host.kind == OrgKind::Group && host.path.len() > 1 {
            let mut branch = host.clone();
            branch.path.pop();
            root_path(&branch)
        } else {
            root_path(host)
        };
        let day = date_text(day);
        // A subtree below central level lies in one province.
        let province = if host.level == OrgLevel::Central { "$4 = $4" } else { "m.province_id = $4" };
        let members = sqlx::query(&format!(
            "SELECT m.person_id, p.name FROM memberships m
             JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
             JOIN org_links l ON l.province_id = m.province_id AND l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
             WHERE {province} AND l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3)"
        ))
        .bind(&path)
        .bind(path_end(&path))
        .bind(&day)
        .bind(host.province_id.as_str())
        .fetch_all(&mut **w.tx())
        .await?;
        let holders = sqlx::query(
            "SELECT s.person_id, p.name FROM positions s JOIN people p ON p.province_id = s.province_id AND p.id = s.person_id
             WHERE s.org_id = $1 AND s.valid_from <= $2 AND (s.valid_to IS NULL OR s.valid_to > $2)",
        )
        .bind(host.id.as_str())
        .bind(&day)
        .fetch_all(&mut **w.tx())
        .await?;
        let mut index = NameIndex::new();
        for row in members.iter().chain(&holders) {
            let id = Id::from_stored(text(row, "person_id")?);
            let ids = index.entry(text(row, "name")?).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(index)
    }

    /// The members named `name` in the subtree of `target` on `day`.
    async fn members_named(&self, w: &mut Audited, target: &Organization, name: &str, day: NaiveDate) -> Result<Vec<Id>> {
        let path = root_path(target);
        let province = if target.level == OrgLevel::Central { "$4 = $4" } else { "m.province_id = $4" };
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT m.person_id FROM memberships m
             JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
             JOIN org_links l ON l.province_id = m.province_id AND l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
             WHERE {province} AND l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3) AND p.name = $5
             ORDER BY m.person_id"
        ))
        .bind(&path)
        .bind(path_end(&path))
        .bind(date_text(day))
        .bind(target.province_id.as_str())
        .bind(name)
        .fetch_all(&mut **w.tx())
        .await?;
        rows.iter().map(|r| Ok(Id::from_stored(text(r, "person_id")?))).collect()
    }
}

/// A row's own problem, or a failure of the database that ends the import.
enum RowOrStore {
    Row(FieldError),
    Store(StoreError),
}

impl From<StoreError> for RowOrStore {
    fn from(e: StoreError) -> Self {
        RowOrStore::Store(e)
    }
}

/// The id of the one person `person` names in `index`; an id is taken as
/// written (the record checks it).
fn by_name(
    index: &NameIndex,
    person: &PersonRef,
    field: Field,
    not_found: impl FnOnce() -> FieldError,
) -> std::result::Result<Id, RowOrStore> {
    match person {
        PersonRef::Id(id) => Ok(id.clone()),
        PersonRef::Name(name) => match index.get(name.as_str()).map(Vec::as_slice).unwrap_or_default() {
            [one] => Ok(one.clone()),
            [] => Err(RowOrStore::Row(not_found())),
            _ => Err(RowOrStore::Row(ambiguous(field, name.as_str()))),
        },
    }
}

fn ambiguous(field: Field, name: &str) -> FieldError {
    FieldError::new(field, Problem::rule("name-ambiguous"), name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use domain::activity_sheet::{activity_template_example, activity_template_headers, parse_activity_sheet};
    use domain::sheet::{Cell, SheetRow, Table};

    #[test]
    fn the_catalogue_names_every_kind_the_template_example_uses() {
        let catalogue = Catalogue::embedded().unwrap();
        let v = vocabulary(&catalogue);
        assert_eq!(v.activity_kind("支部党员大会"), Some("members_assembly"));
        assert_eq!(v.agenda_kind("第一议题"), Some("theory_study"));
        assert_eq!(v.activity_kind("四下基层走访"), Some("grassroots_visit"));
        assert_eq!(v.visit_kind("on_site_work"), Some("on_site_work"));
        // The example with its title changed is a good row.
        let mut cells: Vec<Cell> = activity_template_example().iter().map(|c| Cell::Text(c.to_string())).collect();
        cells[10] = Cell::Text("三月支部党员大会".into());
        let table =
            Table { headers: activity_template_headers().iter().map(|h| h.to_string()).collect(), rows: vec![SheetRow { line: 2, cells }] };
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let entries = parse_activity_sheet(&table, &v, today).unwrap();
        assert_eq!(entries[0].agenda[0].kind, "theory_study");
        assert_eq!(entries[0].agenda[1].kind, "business");
    }
}
