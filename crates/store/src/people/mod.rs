//! Party members: their records, their effective-dated membership in an
//! organization and the positions they hold.
//!
//! Personal numbers are stored as a keyed fingerprint, an encrypted value and
//! a masked form; only export decrypts them.

pub mod participants;

use crate::audit::Audited;
use crate::orgs::{Page, date_text, path_end, root_path};
use crate::rows::{Value, insert_rows, int, like_escape, opt_parsed, opt_text, parsed, text};
use crate::{PiiKeys, Result, Store, StoreError};
use chrono::NaiveDate;
use domain::{
    CadreRank, Field, FieldError, Id, IdNumber, MemberCategory, MemberStatus, Name, Organization, PartialDate, Person, PhoneNumber,
    PositionKind, Problem, Sex,
};
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// A member to be recorded, fully validated.
#[derive(Clone, Debug)]
pub struct NewPerson {
    pub id: Option<Id>,
    pub org_id: Id,
    pub name: Name,
    pub sex: Option<Sex>,
    pub ethnicity: Option<String>,
    pub birth_date: Option<PartialDate>,
    pub category: MemberCategory,
    pub status: MemberStatus,
    pub join_date: PartialDate,
    pub full_member_date: Option<PartialDate>,
    pub cadre_rank: CadreRank,
    pub id_number: Option<IdNumber>,
    pub phone: Option<PhoneNumber>,
    /// Positions held, each in a named organization.
    pub positions: Vec<(Id, PositionKind)>,
}

/// Changes to a member's own record; `None` leaves a field as is.
#[derive(Clone, Debug, Default)]
pub struct PersonChanges {
    pub name: Option<Name>,
    pub join_date: Option<PartialDate>,
    pub sex: Option<Option<Sex>>,
    pub ethnicity: Option<Option<String>>,
    pub category: Option<MemberCategory>,
    pub status: Option<MemberStatus>,
    pub full_member_date: Option<Option<PartialDate>>,
    pub cadre_rank: Option<CadreRank>,
    pub phone: Option<Option<PhoneNumber>>,
    pub positions: Option<Vec<PositionKind>>,
}

/// A member with the personal numbers in clear, for export only.
#[derive(Clone, Debug)]
pub struct RosterRecord {
    pub person: Person,
    pub org_name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

const PERSON_COLUMNS: &str = "p.province_id, p.id, p.name, p.sex, p.ethnicity, p.birth_date, p.category, p.status, p.join_date, p.full_member_date, p.cadre_rank, p.id_masked, p.phone_masked, p.version, m.org_id";
const MEMBER_ON: &str = "m.valid_from <= $D AND (m.valid_to IS NULL OR m.valid_to > $D)";

fn person_from_row(row: &AnyRow) -> Result<Person> {
    person_with_org(row, Id::from_stored(text(row, "org_id")?))
}

/// A person from a row of `people` columns, in the organization given.
fn person_with_org(row: &AnyRow, org_id: Id) -> Result<Person> {
    Ok(Person {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        org_id,
        name: Name::from_stored(text(row, "name")?),
        sex: opt_parsed(row, "sex", Sex::parse)?,
        ethnicity: opt_text(row, "ethnicity")?,
        birth_date: opt_parsed(row, "birth_date", |s| PartialDate::parse_iso(s).ok_or(()))?,
        category: parsed(row, "category", MemberCategory::parse)?,
        status: parsed(row, "status", MemberStatus::parse)?,
        join_date: parsed(row, "join_date", |s| PartialDate::parse_iso(s).ok_or(()))?,
        full_member_date: opt_parsed(row, "full_member_date", |s| PartialDate::parse_iso(s).ok_or(()))?,
        cadre_rank: parsed(row, "cadre_rank", CadreRank::parse)?,
        id_number_masked: opt_text(row, "id_masked")?,
        phone_masked: opt_text(row, "phone_masked")?,
        positions: Vec::new(),
        version: int(row, "version")?,
    })
}

/// The day a membership is taken to start: the join date, or the founding of
/// the organization if that came later.
pub fn membership_start(join_date: PartialDate, org: &Organization) -> NaiveDate {
    join_date.first_day().max(org.founded_on)
}

impl Store {
    async fn query_people(&self, condition: &str, params: &[&str], on: NaiveDate) -> Result<Vec<Person>> {
        let day_param = format!("${}", params.len() + 1);
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p JOIN memberships m ON m.province_id = p.province_id AND m.person_id = p.id WHERE {}",
            condition.replace("$D", &day_param)
        );
        let mut query = sqlx::query(&sql);
        for p in params {
            query = query.bind(*p);
        }
        let rows = query.bind(date_text(on)).fetch_all(self.pool()).await?;
        let mut people = rows.iter().map(person_from_row).collect::<Result<Vec<_>>>()?;
        self.attach_positions(&mut people, on).await?;
        Ok(people)
    }

    async fn attach_positions(&self, people: &mut [Person], on: NaiveDate) -> Result<()> {
        if people.is_empty() {
            return Ok(());
        }
        let mut by_id: HashMap<String, Vec<PositionKind>> = HashMap::new();
        for chunk in people.chunks(500) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT person_id, kind FROM positions WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) AND person_id IN ({}) ORDER BY person_id, kind",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(date_text(on));
            for p in chunk {
                query = query.bind(p.id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                by_id.entry(text(&row, "person_id")?).or_default().push(parsed(&row, "kind", PositionKind::parse)?);
            }
        }
        for p in people.iter_mut() {
            if let Some(mut kinds) = by_id.remove(p.id.as_str()) {
                kinds.sort();
                kinds.dedup();
                p.positions = kinds;
            }
        }
        Ok(())
    }

    /// A member with their organization on `on` (or their last one).
    pub async fn person(&self, id: &Id, on: NaiveDate) -> Result<Option<Person>> {
        let mut found =
            self.query_people("p.id = $1 AND m.valid_from <= $D ORDER BY m.valid_from DESC LIMIT 1", &[id.as_str()], on).await?;
        if found.is_empty() {
            found = self.query_people("p.id = $1 ORDER BY m.valid_from LIMIT 1", &[id.as_str()], on).await?;
        }
        Ok(found.pop())
    }

    /// Members of `org_id` and of the organizations under it on `on`, by name.
    pub async fn members(&self, org_id: &Id, on: NaiveDate, limit: usize) -> Result<Vec<Person>> {
        self.members_unbounded(org_id, on, limit.min(5000)).await
    }

    /// Like [`Store::members`] without the cap of pages (for exports).
    async fn members_unbounded(&self, org_id: &Id, on: NaiveDate, limit: usize) -> Result<Vec<Person>> {
        let (from, to) = self.subtree_bounds(Some(org_id), on).await?;
        self.query_people(
            &format!(
                "{MEMBER_ON} AND m.org_id IN (SELECT l.org_id FROM org_links l WHERE l.path >= $1 AND l.path < $2 AND l.valid_from <= $D AND (l.valid_to IS NULL OR l.valid_to > $D))
                 ORDER BY p.name, p.id LIMIT {limit}"
            ),
            &[&from, &to],
            on,
        )
        .await
    }

    /// Members whose name contains `query`, within the subtree of `under` if given.
    pub async fn search_people(&self, query: &str, under: Option<&Id>, on: NaiveDate, limit: usize) -> Result<Vec<Person>> {
        let pattern = format!("%{}%", like_escape(query.trim()));
        let (from, to) = self.subtree_bounds(under, on).await?;
        self.query_people(
            &format!(
                "LOWER(p.name) LIKE LOWER($1) ESCAPE '\\' AND {MEMBER_ON} AND m.org_id IN (SELECT l.org_id FROM org_links l WHERE l.path >= $2 AND l.path < $3 AND l.valid_from <= $D AND (l.valid_to IS NULL OR l.valid_to > $D))
                 ORDER BY p.name, p.id LIMIT {}",
                limit.min(500)
            ),
            &[&pattern, &from, &to],
            on,
        )
        .await
    }

    /// Members in the subtree of `under` (or all), by id, after the cursor.
    pub async fn list_people(&self, under: Option<&Id>, cursor: Option<&Id>, limit: usize, on: NaiveDate) -> Result<Page<Person>> {
        let (from, to) = self.subtree_bounds(under, on).await?;
        let after = cursor.map(|c| c.as_str().to_owned()).unwrap_or_default();
        let limit = limit.clamp(1, 500);
        let items = self
            .query_people(
                &format!(
                    "p.id > $3 AND {MEMBER_ON} AND m.org_id IN (SELECT l.org_id FROM org_links l WHERE l.path >= $1 AND l.path < $2 AND l.valid_from <= $D AND (l.valid_to IS NULL OR l.valid_to > $D))
                     ORDER BY p.id LIMIT {}",
                    limit + 1
                ),
                &[&from, &to, &after],
                on,
            )
            .await?;
        Ok(Page::cut(items, limit, |p| p.id.to_string()))
    }

    /// Records one member.
    pub async fn create_person(&self, w: &mut Audited, new: NewPerson) -> Result<Person> {
        let org = self.org_in(w, &new.org_id, new.join_date.first_day().max(chrono::NaiveDate::MIN)).await?;
        let org = org.ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Organization, Problem::NotFound, new.org_id.as_str())))?;
        if !org.kind.holds_members() || org.closed_on.is_some() {
            return Err(StoreError::Invalid(FieldError::new(
                Field::Organization,
                Problem::rule("org-cannot-take-member"),
                org.name.as_str(),
            )));
        }
        if let Some(number) = &new.id_number
            && self.find_by_id_number(w, &org.province_id, number).await?.is_some()
        {
            return Err(StoreError::Invalid(FieldError::new(Field::IdNumber, Problem::rule("id-number-already-recorded"), "")));
        }
        let start = membership_start(new.join_date, &org);
        let mut persons = self.insert_people(w, vec![(new, org.province_id.clone(), start)]).await?;
        persons.pop().ok_or(StoreError::NotFound)
    }

    /// Inserts members whose organization and province are known: one audit
    /// entry each. Returns them as stored.
    pub async fn insert_people(&self, w: &mut Audited, people: Vec<(NewPerson, Id, NaiveDate)>) -> Result<Vec<Person>> {
        let keys = self.keys().clone();
        let at = w.at().to_owned();
        let mut person_rows = Vec::with_capacity(people.len());
        let mut membership_rows = Vec::with_capacity(people.len());
        let mut position_rows = Vec::new();
        let mut out = Vec::with_capacity(people.len());
        for (new, province_id, start) in people {
            let id = new.id.clone().unwrap_or_else(Id::generate);
            let person = Person {
                id: id.clone(),
                province_id: province_id.clone(),
                org_id: new.org_id.clone(),
                name: new.name.clone(),
                sex: new.sex.or(new.id_number.as_ref().map(IdNumber::sex)),
                ethnicity: new.ethnicity.clone(),
                birth_date: new.birth_date.or(new.id_number.as_ref().map(|n| PartialDate::full(n.birth_date()))),
                category: new.category,
                status: new.status,
                join_date: new.join_date,
                full_member_date: new.full_member_date,
                cadre_rank: new.cadre_rank,
                id_number_masked: new.id_number.as_ref().map(IdNumber::masked),
                phone_masked: new.phone.as_ref().map(PhoneNumber::masked),
                positions: new.positions.iter().filter(|(o, _)| *o == new.org_id).map(|(_, k)| *k).collect(),
                version: 1,
            };
            person_rows.push(person_row(&person, &new, &keys, &at));
            membership_rows.push(vec![
                Value::from(province_id.to_string()),
                Value::from(Id::generate().to_string()),
                Value::from(id.to_string()),
                Value::from(new.org_id.to_string()),
                Value::from(date_text(start)),
                Value::Text(None),
            ]);
            for (org_id, kind) in &new.positions {
                position_rows.push(position_row(&province_id, &id, org_id, *kind, start));
            }
            w.record(province_id.as_str(), "create", "person", id.as_str(), None, serde_json::to_value(&person).ok());
            out.push(person);
        }
        insert_rows(w.tx(), "people", &PEOPLE_INSERT_COLUMNS, person_rows).await?;
        insert_rows(w.tx(), "memberships", &["province_id", "id", "person_id", "org_id", "valid_from", "valid_to"], membership_rows)
            .await?;
        insert_rows(w.tx(), "positions", &["province_id", "id", "person_id", "org_id", "kind", "valid_from", "valid_to"], position_rows)
            .await?;
        Ok(out)
    }

    /// The member with this ID number in the province, if any (by fingerprint).
    pub(crate) async fn find_by_id_number(&self, w: &mut Audited, province_id: &Id, number: &IdNumber) -> Result<Option<Id>> {
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM people WHERE province_id = $1 AND id_hmac = $2")
            .bind(province_id.as_str())
            .bind(self.keys().fingerprint(number.expose()))
            .fetch_optional(&mut **w.tx())
            .await?;
        Ok(id.map(Id::from_stored))
    }

    /// Reads a member inside a write transaction, with their current organization.
    pub(crate) async fn person_in(&self, w: &mut Audited, id: &Id, on: NaiveDate) -> Result<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p JOIN memberships m ON m.province_id = p.province_id AND m.person_id = p.id
             WHERE p.id = $1 ORDER BY CASE WHEN m.valid_from <= $2 THEN 0 ELSE 1 END, m.valid_from DESC LIMIT 1"
        );
        let row = sqlx::query(&sql).bind(id.as_str()).bind(date_text(on)).fetch_optional(&mut **w.tx()).await?;
        let Some(row) = row else { return Ok(None) };
        let mut person = person_from_row(&row)?;
        let kinds = sqlx::query("SELECT kind FROM positions WHERE person_id = $1 AND org_id = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3) ORDER BY kind")
            .bind(id.as_str())
            .bind(person.org_id.as_str())
            .bind(date_text(on))
            .fetch_all(&mut **w.tx())
            .await?;
        person.positions = kinds.iter().map(|r| parsed(r, "kind", PositionKind::parse)).collect::<Result<_>>()?;
        // In the order of the kinds, as callers compare them with sorted lists
        // (the query orders by code, which is not the same order).
        person.positions.sort();
        Ok(Some(person))
    }

    /// The members of a province with the given ID-number fingerprints, each
    /// read as [`Store::person_in`] reads one, with their encrypted phone
    /// number: a few queries per thousand members instead of three per member.
    /// A member without any membership maps to `None`.
    ///
    /// People, memberships and positions are read by separate queries on
    /// single indexes, so that PostgreSQL cannot choose a poor join plan for
    /// tables it has no statistics on yet (just after a large first import).
    pub(crate) async fn people_in_by_fingerprint(
        &self,
        w: &mut Audited,
        province_id: &Id,
        fingerprints: &[String],
        on: NaiveDate,
    ) -> Result<HashMap<String, Option<(Person, Option<String>)>>> {
        const PEOPLE_COLUMNS: &str = "p.province_id, p.id, p.name, p.sex, p.ethnicity, p.birth_date, p.category, p.status, p.join_date, p.full_member_date, p.cadre_rank, p.id_masked, p.phone_masked, p.version, p.id_hmac, p.phone_cipher";
        let day = date_text(on);
        let in_list = crate::rows::in_list_size(self.backend());
        let mut rows = Vec::new();
        for chunk in fingerprints.chunks(in_list) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql =
                format!("SELECT {PEOPLE_COLUMNS} FROM people p WHERE p.province_id = $1 AND p.id_hmac IN ({})", placeholders.join(", "));
            let mut query = sqlx::query(&sql).bind(province_id.as_str());
            for print in chunk {
                query = query.bind(print.as_str());
            }
            rows.extend(query.fetch_all(&mut **w.tx()).await?);
        }
        let person_ids: Vec<String> = rows.iter().map(|r| text(r, "id")).collect::<Result<_>>()?;
        // person → (membership start, organization), chosen as person_in
        // chooses: the latest begun by `on`, or else the latest.
        let mut memberships: HashMap<String, (String, String)> = HashMap::new();
        let mut held: HashMap<(String, String), Vec<PositionKind>> = HashMap::new();
        for chunk in person_ids.chunks(in_list) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT person_id, org_id, valid_from FROM memberships WHERE person_id IN ({})", placeholders.join(", "));
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            let rank = |from: &str| (from > day.as_str(), std::cmp::Reverse(from.to_owned()));
            for row in query.fetch_all(&mut **w.tx()).await? {
                let (person, from) = (text(&row, "person_id")?, text(&row, "valid_from")?);
                if memberships.get(&person).is_none_or(|(best, _)| rank(&from) < rank(best)) {
                    memberships.insert(person, (from, text(&row, "org_id")?));
                }
            }
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT person_id, org_id, kind FROM positions
                 WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) AND person_id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(&day);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for row in query.fetch_all(&mut **w.tx()).await? {
                let kind = parsed(&row, "kind", PositionKind::parse)?;
                held.entry((text(&row, "person_id")?, text(&row, "org_id")?)).or_default().push(kind);
            }
        }
        let mut found = HashMap::with_capacity(rows.len());
        for (row, person_id) in rows.iter().zip(person_ids) {
            let print = text(row, "id_hmac")?;
            let Some((_, org_id)) = memberships.remove(&person_id) else {
                found.insert(print, None);
                continue;
            };
            let mut positions = held.remove(&(person_id, org_id.clone())).unwrap_or_default();
            positions.sort();
            let person = Person { positions, ..person_with_org(row, Id::from_stored(org_id))? };
            found.insert(print, Some((person, opt_text(row, "phone_cipher")?)));
        }
        Ok(found)
    }

    /// Changes a member's record if `expected_version` is current. Position
    /// changes end the old positions and start the new ones on `today`.
    pub async fn update_person(
        &self,
        w: &mut Audited,
        id: &Id,
        expected_version: i64,
        changes: PersonChanges,
        today: NaiveDate,
    ) -> Result<Person> {
        let before = self.person_in(w, id, today).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let mut after = before.clone();
        if let Some(v) = changes.name {
            after.name = v;
        }
        if let Some(v) = changes.sex {
            after.sex = v;
        }
        if let Some(v) = changes.ethnicity {
            after.ethnicity = v;
        }
        if let Some(v) = changes.category {
            after.category = v;
        }
        if let Some(v) = changes.join_date {
            if v.first_day() > today {
                return Err(StoreError::Invalid(FieldError::new(Field::JoinDate, Problem::InFuture, &v.to_string())));
            }
            after.join_date = v;
        }
        if let Some(v) = changes.status {
            after.status = v;
        }
        if let Some(v) = changes.full_member_date {
            if let Some(d) = v {
                if d.last_day() < after.join_date.first_day() {
                    return Err(StoreError::Invalid(FieldError::new(Field::FullMemberDate, Problem::BeforeJoinDate, &d.to_string())));
                }
                if d.first_day() > today {
                    return Err(StoreError::Invalid(FieldError::new(Field::FullMemberDate, Problem::InFuture, &d.to_string())));
                }
            }
            after.full_member_date = v;
        }
        if let Some(v) = changes.cadre_rank {
            after.cadre_rank = v;
        }
        let mut phone_cipher = None;
        if let Some(v) = &changes.phone {
            after.phone_masked = v.as_ref().map(PhoneNumber::masked);
            phone_cipher = Some(v.as_ref().map(|p| self.keys().encrypt(p.expose())));
        }
        after.version += 1;
        let at = w.at().to_owned();
        // The phone's ciphertext changes only when a new phone was given.
        let sql =
            "UPDATE people SET name = $1, sex = $2, ethnicity = $3, category = $4, status = $5, full_member_date = $6, cadre_rank = $7,
                   phone_masked = $8, version = $9, updated_at = $10, join_date = $11,
                   phone_cipher = CASE WHEN $12 = 1 THEN $13 ELSE phone_cipher END
                   WHERE province_id = $14 AND id = $15 AND version = $16";
        let query = sqlx::query(sql)
            .bind(after.name.as_str())
            .bind(after.sex.map(|s| s.code()))
            .bind(after.ethnicity.clone())
            .bind(after.category.code())
            .bind(after.status.code())
            .bind(after.full_member_date.map(|d| d.to_string()))
            .bind(after.cadre_rank.code())
            .bind(after.phone_masked.clone())
            .bind(after.version)
            .bind(at)
            .bind(after.join_date.to_string())
            .bind(i64::from(phone_cipher.is_some()))
            .bind(phone_cipher.flatten())
            .bind(before.province_id.as_str())
            .bind(id.as_str());
        let done = query.bind(expected_version).execute(&mut **w.tx()).await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        if let Some(mut kinds) = changes.positions {
            kinds.sort();
            kinds.dedup();
            if kinds != before.positions {
                self.replace_positions(w, &before, &kinds, today).await?;
                after.positions = kinds;
            }
        }
        w.record(
            before.province_id.as_str(),
            "update",
            "person",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }

    async fn replace_positions(&self, w: &mut Audited, person: &Person, kinds: &[PositionKind], on: NaiveDate) -> Result<()> {
        let day = date_text(on);
        // Positions that started today are corrected in place; older ones end today.
        sqlx::query("DELETE FROM positions WHERE person_id = $1 AND org_id = $2 AND valid_from = $3 AND valid_to IS NULL")
            .bind(person.id.as_str())
            .bind(person.org_id.as_str())
            .bind(&day)
            .execute(&mut **w.tx())
            .await?;
        sqlx::query("UPDATE positions SET valid_to = $1 WHERE person_id = $2 AND org_id = $3 AND valid_to IS NULL")
            .bind(&day)
            .bind(person.id.as_str())
            .bind(person.org_id.as_str())
            .execute(&mut **w.tx())
            .await?;
        let rows = kinds.iter().map(|k| position_row(&person.province_id, &person.id, &person.org_id, *k, on)).collect();
        insert_rows(w.tx(), "positions", &["province_id", "id", "person_id", "org_id", "kind", "valid_from", "valid_to"], rows).await
    }

    /// Moves a member to another organization from `on` (their positions in
    /// the old organization end that day).
    pub async fn move_person(&self, w: &mut Audited, id: &Id, to: &Id, on: NaiveDate, expected_version: i64) -> Result<Person> {
        let before = self.person_in(w, id, on).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let target = self
            .org_in(w, to, on)
            .await?
            .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Organization, Problem::NotFound, to.as_str())))?;
        if !target.is_open_on(on) || !target.kind.holds_members() {
            return Err(StoreError::Invalid(FieldError::new(
                Field::Organization,
                Problem::rule("org-cannot-take-member-on-day"),
                target.name.as_str(),
            )));
        }
        if target.province_id != before.province_id {
            return Err(StoreError::rule("move-member-other-province"));
        }
        if target.id == before.org_id {
            return Err(StoreError::rule("move-member-same-org"));
        }
        let day = date_text(on);
        let current_from: Option<String> =
            sqlx::query_scalar("SELECT valid_from FROM memberships WHERE person_id = $1 AND valid_to IS NULL")
                .bind(id.as_str())
                .fetch_optional(&mut **w.tx())
                .await?;
        if current_from.as_deref().is_some_and(|from| from >= day.as_str()) {
            return Err(StoreError::Invalid(FieldError::new(Field::ValidFrom, Problem::rule("move-member-not-after-start"), &day)));
        }
        // The membership and the positions held in the old organization end
        // that day; positions held elsewhere (a county leader's) go on.
        for table in ["memberships", "positions"] {
            sqlx::query(&format!(
                "UPDATE {table} SET valid_to = $1 WHERE person_id = $2 AND org_id = $3 AND valid_to IS NULL AND valid_from <= $1"
            ))
            .bind(&day)
            .bind(id.as_str())
            .bind(before.org_id.as_str())
            .execute(&mut **w.tx())
            .await?;
        }
        insert_rows(
            w.tx(),
            "memberships",
            &["province_id", "id", "person_id", "org_id", "valid_from", "valid_to"],
            vec![vec![
                Value::from(before.province_id.to_string()),
                Value::from(Id::generate().to_string()),
                Value::from(id.to_string()),
                Value::from(to.to_string()),
                Value::from(day.clone()),
                Value::Text(None),
            ]],
        )
        .await?;
        let version = before.version + 1;
        let done = sqlx::query("UPDATE people SET version = $1, updated_at = $2 WHERE province_id = $3 AND id = $4 AND version = $5")
            .bind(version)
            .bind(w.at().to_owned())
            .bind(before.province_id.as_str())
            .bind(id.as_str())
            .bind(expected_version)
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: version });
        }
        let mut after = before.clone();
        after.org_id = to.clone();
        after.positions = Vec::new();
        after.version = version;
        w.record(
            before.province_id.as_str(),
            "move",
            "person",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }

    /// The roster of `org_id`'s subtree with personal numbers decrypted, for
    /// export: members who count in their organization (not those
    /// transferred out or deceased).
    pub async fn roster(&self, org_id: &Id, on: NaiveDate) -> Result<Vec<RosterRecord>> {
        let org = self.org_required(org_id, on).await?;
        let path = root_path(&org);
        let sql = "SELECT p.id, p.id_cipher, p.phone_cipher FROM people p JOIN memberships m ON m.province_id = p.province_id AND m.person_id = p.id
             JOIN org_links l ON l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
             WHERE l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3)";
        let rows = sqlx::query(sql).bind(&path).bind(path_end(&path)).bind(date_text(on)).fetch_all(self.pool()).await?;
        let mut secrets = HashMap::new();
        for r in &rows {
            let decrypt =
                |c: Option<String>| -> Result<Option<String>> { c.map(|c| self.keys().decrypt(&c)).transpose().map_err(StoreError::from) };
            secrets.insert(text(r, "id")?, (decrypt(opt_text(r, "id_cipher")?)?, decrypt(opt_text(r, "phone_cipher")?)?));
        }
        let names: HashMap<Id, String> = self.subtree(org_id, on).await?.into_iter().map(|o| (o.id, o.name.to_string())).collect();
        // A roster lists the current members with the posts they hold in their
        // own organization (a post elsewhere belongs to that organization's roster).
        let held = sqlx::query(
            "SELECT s.person_id, s.org_id, s.kind FROM positions s
             JOIN org_links l ON l.org_id = s.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
             WHERE l.path >= $1 AND l.path < $2 AND s.valid_from <= $3 AND (s.valid_to IS NULL OR s.valid_to > $3)",
        )
        .bind(&path)
        .bind(path_end(&path))
        .bind(date_text(on))
        .fetch_all(self.pool())
        .await?;
        let mut own: HashMap<(String, String), Vec<PositionKind>> = HashMap::new();
        for r in &held {
            own.entry((text(r, "person_id")?, text(r, "org_id")?)).or_default().push(parsed(r, "kind", PositionKind::parse)?);
        }
        let people = self.members_unbounded(org_id, on, usize::MAX >> 1).await?;
        Ok(people
            .into_iter()
            .filter(|person| person.status.counts_in_branch())
            .map(|mut person| {
                let mut kinds = own.remove(&(person.id.to_string(), person.org_id.to_string())).unwrap_or_default();
                kinds.sort();
                kinds.dedup();
                person.positions = kinds;
                let (id_number, phone) = secrets.remove(person.id.as_str()).unwrap_or_default();
                let org_name = names.get(&person.org_id).cloned().unwrap_or_default();
                RosterRecord { person, org_name, id_number, phone }
            })
            .collect())
    }
}

const PEOPLE_INSERT_COLUMNS: [&str; 19] = [
    "province_id",
    "id",
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "category",
    "status",
    "join_date",
    "full_member_date",
    "cadre_rank",
    "id_hmac",
    "id_cipher",
    "id_masked",
    "phone_cipher",
    "phone_masked",
    "version",
    "created_at",
    "updated_at",
];

fn person_row(person: &Person, new: &NewPerson, keys: &PiiKeys, at: &str) -> Vec<Value> {
    vec![
        Value::from(person.province_id.to_string()),
        Value::from(person.id.to_string()),
        Value::from(person.name.as_str()),
        Value::from(person.sex.map(|s| s.code().to_owned())),
        Value::from(person.ethnicity.clone()),
        Value::from(person.birth_date.map(|d| d.to_string())),
        Value::from(person.category.code()),
        Value::from(person.status.code()),
        Value::from(person.join_date.to_string()),
        Value::from(person.full_member_date.map(|d| d.to_string())),
        Value::from(person.cadre_rank.code()),
        Value::from(new.id_number.as_ref().map(|n| keys.fingerprint(n.expose()))),
        Value::from(new.id_number.as_ref().map(|n| keys.encrypt(n.expose()))),
        Value::from(person.id_number_masked.clone()),
        Value::from(new.phone.as_ref().map(|p| keys.encrypt(p.expose()))),
        Value::from(person.phone_masked.clone()),
        Value::Int(person.version),
        Value::from(at.to_owned()),
        Value::from(at.to_owned()),
    ]
}

fn position_row(province_id: &Id, person_id: &Id, org_id: &Id, kind: PositionKind, from: NaiveDate) -> Vec<Value> {
    vec![
        Value::from(province_id.to_string()),
        Value::from(Id::generate().to_string()),
        Value::from(person_id.to_string()),
        Value::from(org_id.to_string()),
        Value::from(kind.code()),
        Value::from(date_text(from)),
        Value::Text(None),
    ]
}
