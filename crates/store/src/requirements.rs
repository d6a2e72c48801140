//! Local requirement settings and exemptions.
//!
//! An organization (a province, a county...) sets for its subtree the period
//! and count that the documents leave open ("set locally"), or adds a
//! requirement of its own written in the catalogue's TOML form. A supervisor
//! exempts an organization or a person from a requirement for a span of
//! days, with a reason and the approver. Settings end (`ended_on`,
//! exclusive) and exemptions are revoked; nothing is deleted, and every
//! change is audited.

use crate::audit::Audited;
use crate::orgs::{date_text, parse_date, path_end, root_path};
use crate::rows::{Value, insert_rows, int, opt_parsed, opt_text, parsed, text};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::{Field, FieldError, Id, Message, OrgLevel, Problem, Text};
use rules::Catalogue;
use rules::catalogue::SubjectKind;
use rules::settings::{SettingError, check_frequency};
use serde::Serialize;
use sqlx::any::AnyRow;

/// The longest reason of a setting or exemption, in characters.
pub const REASON_MAX: usize = 500;
/// The longest local requirement definition, in characters.
pub const DEFINITION_MAX: usize = 20_000;
/// The name a local definition goes by in error messages ("definition line 3: ...").
pub const DEFINITION_SOURCE: &str = "definition";

/// A frequency to set for a subtree.
#[derive(Clone, Debug)]
pub struct NewFrequency {
    pub org_id: Id,
    pub requirement_id: String,
    /// `month`, `quarter`, `half` or `year`.
    pub period: String,
    pub count: i64,
    pub valid_from: NaiveDate,
    pub reason: String,
}

/// A requirement of an organization's own, for its subtree.
#[derive(Clone, Debug)]
pub struct NewLocalRequirement {
    pub org_id: Id,
    /// One `[[requirement]]` table in the catalogue's TOML form.
    pub definition: String,
    pub valid_from: NaiveDate,
    pub reason: String,
}

/// A stored setting: a frequency (`period` and `count`) or a local
/// requirement (`definition`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequirementSetting {
    pub id: Id,
    pub province_id: Id,
    pub org_id: Id,
    pub requirement_id: String,
    pub valid_from: NaiveDate,
    pub period: Option<String>,
    pub count: Option<i64>,
    pub definition: Option<String>,
    pub reason: String,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    /// The first day it no longer applies.
    pub ended_on: Option<NaiveDate>,
}

/// A setting as listed for an organization: its own, or one of an ancestor
/// that applies to it too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListedSetting {
    #[serde(flatten)]
    pub setting: RequirementSetting,
    /// Set on an organization above the one asked about.
    pub inherited: bool,
}

/// An exemption to grant.
#[derive(Clone, Debug)]
pub struct NewExemption {
    pub requirement_id: String,
    /// `organization` or `person`.
    pub subject_kind: String,
    pub subject_id: Id,
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub reason: String,
    /// The account (or role) that approved it.
    pub approved_by: String,
}

/// A stored exemption.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exemption {
    pub id: Id,
    pub province_id: Id,
    pub requirement_id: String,
    pub subject_kind: String,
    pub subject_id: Id,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub approved_by: String,
    pub version: i64,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

const SETTING_COLUMNS: &str =
    "province_id, id, org_id, requirement_id, valid_from, period, count, definition, reason, version, created_at, created_by, ended_on";
const SETTING_INSERT: [&str; 13] = [
    "province_id",
    "id",
    "org_id",
    "requirement_id",
    "valid_from",
    "period",
    "count",
    "definition",
    "reason",
    "version",
    "created_at",
    "created_by",
    "ended_on",
];
const EXEMPTION_COLUMNS: &str =
    "province_id, id, requirement_id, subject_kind, subject_id, from_date, to_date, reason, approved_by, version, created_at, revoked_at";
const EXEMPTION_INSERT: [&str; 12] = [
    "province_id",
    "id",
    "requirement_id",
    "subject_kind",
    "subject_id",
    "from_date",
    "to_date",
    "reason",
    "approved_by",
    "version",
    "created_at",
    "revoked_at",
];

fn reason(raw: &str) -> Result<String> {
    let t = Text::parse(Field::Reason, raw).map_err(StoreError::Invalid)?;
    if t.as_str().chars().count() > REASON_MAX {
        return Err(StoreError::Invalid(FieldError::new(Field::Reason, Problem::TooLong { max: REASON_MAX }, raw)));
    }
    Ok(t.as_str().to_owned())
}

pub(crate) fn setting_from_row(row: &AnyRow) -> Result<RequirementSetting> {
    Ok(RequirementSetting {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        org_id: Id::from_stored(text(row, "org_id")?),
        requirement_id: text(row, "requirement_id")?,
        valid_from: parsed(row, "valid_from", parse_date)?,
        period: opt_text(row, "period")?,
        count: opt_int(row, "count")?,
        definition: opt_text(row, "definition")?,
        reason: text(row, "reason")?,
        version: int(row, "version")?,
        created_at: text(row, "created_at")?,
        created_by: text(row, "created_by")?,
        ended_on: opt_parsed(row, "ended_on", parse_date)?,
    })
}

fn opt_int(row: &AnyRow, column: &str) -> Result<Option<i64>> {
    use sqlx::Row;
    row.try_get::<Option<i64>, _>(column).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

pub(crate) fn exemption_from_row(row: &AnyRow) -> Result<Exemption> {
    Ok(Exemption {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        requirement_id: text(row, "requirement_id")?,
        subject_kind: text(row, "subject_kind")?,
        subject_id: Id::from_stored(text(row, "subject_id")?),
        from: parsed(row, "from_date", parse_date)?,
        to: parsed(row, "to_date", parse_date)?,
        reason: text(row, "reason")?,
        approved_by: text(row, "approved_by")?,
        version: int(row, "version")?,
        created_at: text(row, "created_at")?,
        revoked_at: opt_text(row, "revoked_at")?,
    })
}

fn setting_error(e: SettingError) -> StoreError {
    match e {
        SettingError::UnknownRequirement(id) => StoreError::Invalid(FieldError::new(Field::Requirement, Problem::NotFound, &id)),
        SettingError::NotLocallySet(id) => crate::broken(Field::Requirement, "setting-fixed-by-documents", &id),
        SettingError::BadPeriod(p) => {
            StoreError::Invalid(FieldError::new(Field::Period, Problem::UnknownValue { allowed: "month, quarter, half, year".into() }, &p))
        }
        SettingError::BadCount(n) => crate::broken(Field::Count, "setting-bad-count", &n.to_string()),
    }
}

impl Store {
    /// Sets the period and count of a locally set catalogue requirement for
    /// the subtree of `org_id` from `valid_from` on.
    pub async fn set_frequency(&self, w: &mut Audited, catalogue: &Catalogue, new: NewFrequency) -> Result<RequirementSetting> {
        let requirement = catalogue.requirement(&new.requirement_id).and_then(|ix| catalogue.requirements.get(usize::from(ix)));
        let (period, count) = check_frequency(requirement, &new.requirement_id, &new.period, new.count).map_err(setting_error)?;
        let reason = reason(&new.reason)?;
        let province = self.setting_org(w, &new.org_id, new.valid_from).await?;
        let same_day: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM requirement_settings WHERE province_id = $1 AND org_id = $2 AND requirement_id = $3 AND valid_from = $4 AND ended_on IS NULL",
        )
        .bind(province.as_str())
        .bind(new.org_id.as_str())
        .bind(&new.requirement_id)
        .bind(date_text(new.valid_from))
        .fetch_one(&mut **w.tx())
        .await?;
        if same_day > 0 {
            return Err(crate::broken(Field::ValidFrom, "setting-same-day", &date_text(new.valid_from)));
        }
        let setting = RequirementSetting {
            id: Id::generate(),
            province_id: province,
            org_id: new.org_id,
            requirement_id: new.requirement_id,
            valid_from: new.valid_from,
            period: Some(period.code().to_owned()),
            count: Some(i64::from(count)),
            definition: None,
            reason,
            version: 1,
            created_at: w.at().to_owned(),
            created_by: w.actor().id.clone(),
            ended_on: None,
        };
        self.insert_setting(w, &setting).await?;
        Ok(setting)
    }

    /// Adds a requirement of the organization's own for its subtree. The
    /// definition is checked against the catalogue (its messages keep the
    /// line: "definition line 3: ..."); its id must differ from every
    /// catalogue requirement and every local one in force in the province.
    pub async fn add_local_requirement(
        &self,
        w: &mut Audited,
        catalogue: &Catalogue,
        new: NewLocalRequirement,
    ) -> Result<RequirementSetting> {
        if new.definition.trim().is_empty() {
            return Err(StoreError::Invalid(FieldError::new(Field::Definition, Problem::Required, "")));
        }
        if new.definition.chars().count() > DEFINITION_MAX {
            return Err(StoreError::Invalid(FieldError::new(Field::Definition, Problem::TooLong { max: DEFINITION_MAX }, "")));
        }
        let requirement = catalogue
            .parse_local_requirement(DEFINITION_SOURCE, &new.definition)
            .map_err(|e| crate::invalid(Field::Definition, Message::new("local-requirement-bad").message("detail", e.message()), ""))?;
        let reason = reason(&new.reason)?;
        let province = self.setting_org(w, &new.org_id, new.valid_from).await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM requirement_settings WHERE province_id = $1 AND requirement_id = $2 AND definition IS NOT NULL AND ended_on IS NULL",
        )
        .bind(province.as_str())
        .bind(&requirement.id)
        .fetch_one(&mut **w.tx())
        .await?;
        if taken > 0 {
            return Err(crate::invalid(
                Field::Definition,
                Message::new("local-requirement-id-taken").text("id", requirement.id.clone()),
                "",
            ));
        }
        let setting = RequirementSetting {
            id: Id::generate(),
            province_id: province,
            org_id: new.org_id,
            requirement_id: requirement.id,
            valid_from: new.valid_from,
            period: None,
            count: None,
            definition: Some(new.definition),
            reason,
            version: 1,
            created_at: w.at().to_owned(),
            created_by: w.actor().id.clone(),
            ended_on: None,
        };
        self.insert_setting(w, &setting).await?;
        Ok(setting)
    }

    /// The province of the organization a setting is made for, which must
    /// exist and not be closed by `valid_from`.
    async fn setting_org(&self, w: &mut Audited, org_id: &Id, valid_from: NaiveDate) -> Result<Id> {
        let org = self
            .org_in(w, org_id, valid_from)
            .await?
            .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Organization, Problem::NotFound, org_id.as_str())))?;
        if org.closed_on.is_some_and(|c| c <= valid_from) {
            return Err(crate::broken(Field::ValidFrom, "setting-org-closed", &date_text(valid_from)));
        }
        Ok(org.province_id)
    }

    async fn insert_setting(&self, w: &mut Audited, s: &RequirementSetting) -> Result<()> {
        // Bound one by one: the nullable BIGINT `count` needs an integer NULL on PostgreSQL.
        let placeholders: Vec<String> = (1..=SETTING_INSERT.len()).map(|i| format!("${i}")).collect();
        let sql = format!("INSERT INTO requirement_settings ({}) VALUES ({})", SETTING_INSERT.join(", "), placeholders.join(", "));
        sqlx::query(&sql)
            .bind(s.province_id.as_str())
            .bind(s.id.as_str())
            .bind(s.org_id.as_str())
            .bind(s.requirement_id.as_str())
            .bind(date_text(s.valid_from))
            .bind(s.period.clone())
            .bind(s.count)
            .bind(s.definition.clone())
            .bind(s.reason.as_str())
            .bind(s.version)
            .bind(s.created_at.as_str())
            .bind(s.created_by.as_str())
            .bind(s.ended_on.map(date_text))
            .execute(&mut **w.tx())
            .await?;
        w.record(s.province_id.as_str(), "create", "requirement_setting", s.id.as_str(), None, serde_json::to_value(s).ok());
        Ok(())
    }

    /// One setting, ended or not.
    pub async fn requirement_setting(&self, id: &Id) -> Result<Option<RequirementSetting>> {
        let row = sqlx::query(&format!("SELECT {SETTING_COLUMNS} FROM requirement_settings WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(setting_from_row).transpose()
    }

    /// Ends a setting from `on` (the first day it no longer applies), if
    /// `expected_version` is current.
    pub async fn end_setting(&self, w: &mut Audited, id: &Id, on: NaiveDate, expected_version: i64) -> Result<RequirementSetting> {
        let row = sqlx::query(&format!("SELECT {SETTING_COLUMNS} FROM requirement_settings WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = setting_from_row(&row)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        if before.ended_on.is_some() {
            return Err(StoreError::rule("setting-already-ended"));
        }
        if on < before.valid_from {
            return Err(crate::broken(Field::ClosedOn, "setting-end-before-start", &date_text(on)));
        }
        let mut after = before.clone();
        after.ended_on = Some(on);
        after.version += 1;
        let done =
            sqlx::query("UPDATE requirement_settings SET ended_on = $1, version = $2 WHERE province_id = $3 AND id = $4 AND version = $5")
                .bind(date_text(on))
                .bind(after.version)
                .bind(before.province_id.as_str())
                .bind(id.as_str())
                .bind(expected_version)
                .execute(&mut **w.tx())
                .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        w.record(
            before.province_id.as_str(),
            "end",
            "requirement_setting",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }

    /// The settings that apply to `org_id` on `on` (not ended by then): its
    /// own and those of the organizations above it, from the top down, each
    /// level by `valid_from`.
    pub async fn list_settings(&self, org_id: &Id, on: NaiveDate) -> Result<Vec<ListedSetting>> {
        let path = self.path_to(org_id, on).await?;
        let placeholders: Vec<String> = (2..path.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {SETTING_COLUMNS} FROM requirement_settings WHERE (ended_on IS NULL OR ended_on > $1) AND org_id IN ({}) ORDER BY valid_from, id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(date_text(on));
        for org in &path {
            query = query.bind(org.id.as_str());
        }
        let rows = query.fetch_all(self.pool()).await?;
        let mut listed = rows
            .iter()
            .map(|r| {
                let setting = setting_from_row(r)?;
                Ok(ListedSetting { inherited: setting.org_id != *org_id, setting })
            })
            .collect::<Result<Vec<_>>>()?;
        let depth = |id: &Id| path.iter().position(|o| o.id == *id).unwrap_or(usize::MAX);
        listed.sort_by_key(|l| depth(&l.setting.org_id));
        Ok(listed)
    }

    /// Exempts an organization or a person from a requirement (of the
    /// catalogue, or a local one in force in the subject's province) from
    /// `from` to `to`, both inclusive.
    pub async fn exempt(&self, w: &mut Audited, catalogue: &Catalogue, new: NewExemption) -> Result<Exemption> {
        let kind = match new.subject_kind.trim() {
            "organization" => SubjectKind::Organization,
            "person" => SubjectKind::Person,
            other => {
                return Err(StoreError::Invalid(FieldError::new(
                    Field::SubjectKind,
                    Problem::UnknownValue { allowed: "organization, person".into() },
                    other,
                )));
            }
        };
        if new.to < new.from {
            return Err(crate::broken(Field::ToDate, "exemption-to-before-from", &date_text(new.to)));
        }
        let reason = reason(&new.reason)?;
        let province: Option<String> = match kind {
            SubjectKind::Organization => {
                sqlx::query_scalar("SELECT province_id FROM organizations WHERE id = $1")
                    .bind(new.subject_id.as_str())
                    .fetch_optional(&mut **w.tx())
                    .await?
            }
            SubjectKind::Person => {
                sqlx::query_scalar("SELECT province_id FROM people WHERE id = $1")
                    .bind(new.subject_id.as_str())
                    .fetch_optional(&mut **w.tx())
                    .await?
            }
        };
        let province = province
            .map(Id::from_stored)
            .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Subject, Problem::NotFound, new.subject_id.as_str())))?;
        let binds = match catalogue.requirement(&new.requirement_id).and_then(|ix| catalogue.requirements.get(usize::from(ix))) {
            Some(r) => r.subject,
            None => self
                .local_requirement_in(w, catalogue, &province, &new.requirement_id)
                .await?
                .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Requirement, Problem::NotFound, &new.requirement_id)))?,
        };
        if binds != kind {
            let binds = if binds == SubjectKind::Person { "person" } else { "org" };
            return Err(crate::invalid(Field::SubjectKind, Message::new("exemption-wrong-subject").text("binds", binds), kind.code()));
        }
        let exemption = Exemption {
            id: Id::generate(),
            province_id: province,
            requirement_id: new.requirement_id,
            subject_kind: kind.code().to_owned(),
            subject_id: new.subject_id,
            from: new.from,
            to: new.to,
            reason,
            approved_by: new.approved_by,
            version: 1,
            created_at: w.at().to_owned(),
            revoked_at: None,
        };
        let row = vec![
            Value::from(exemption.province_id.to_string()),
            Value::from(exemption.id.to_string()),
            Value::from(exemption.requirement_id.clone()),
            Value::from(exemption.subject_kind.clone()),
            Value::from(exemption.subject_id.to_string()),
            Value::from(date_text(exemption.from)),
            Value::from(date_text(exemption.to)),
            Value::from(exemption.reason.clone()),
            Value::from(exemption.approved_by.clone()),
            Value::Int(exemption.version),
            Value::from(exemption.created_at.clone()),
            Value::Text(None),
        ];
        insert_rows(w.tx(), "exemptions", &EXEMPTION_INSERT, vec![row]).await?;
        w.record(exemption.province_id.as_str(), "create", "exemption", exemption.id.as_str(), None, serde_json::to_value(&exemption).ok());
        Ok(exemption)
    }

    /// Whom a local requirement in force in the province binds, if there is one.
    async fn local_requirement_in(&self, w: &mut Audited, catalogue: &Catalogue, province: &Id, id: &str) -> Result<Option<SubjectKind>> {
        let definition: Option<Option<String>> = sqlx::query_scalar(
            "SELECT definition FROM requirement_settings WHERE province_id = $1 AND requirement_id = $2 AND definition IS NOT NULL AND ended_on IS NULL",
        )
        .bind(province.as_str())
        .bind(id)
        .fetch_optional(&mut **w.tx())
        .await?;
        let Some(Some(definition)) = definition else { return Ok(None) };
        let requirement = catalogue
            .parse_local_requirement(DEFINITION_SOURCE, &definition)
            .map_err(|e| StoreError::Corrupt(format!("local requirement '{id}' no longer loads: {e}")))?;
        Ok(Some(requirement.subject))
    }

    /// One exemption, revoked or not.
    pub async fn exemption(&self, id: &Id) -> Result<Option<Exemption>> {
        let row = sqlx::query(&format!("SELECT {EXEMPTION_COLUMNS} FROM exemptions WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(exemption_from_row).transpose()
    }

    /// Revokes an exemption, if `expected_version` is current.
    pub async fn revoke_exemption(&self, w: &mut Audited, id: &Id, expected_version: i64) -> Result<Exemption> {
        let row = sqlx::query(&format!("SELECT {EXEMPTION_COLUMNS} FROM exemptions WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = exemption_from_row(&row)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        if before.revoked_at.is_some() {
            return Err(StoreError::rule("exemption-already-revoked"));
        }
        let mut after = before.clone();
        after.version += 1;
        after.revoked_at = Some(w.at().to_owned());
        let done = sqlx::query("UPDATE exemptions SET revoked_at = $1, version = $2 WHERE province_id = $3 AND id = $4 AND version = $5")
            .bind(after.revoked_at.clone())
            .bind(after.version)
            .bind(before.province_id.as_str())
            .bind(id.as_str())
            .bind(expected_version)
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        w.record(
            before.province_id.as_str(),
            "revoke",
            "exemption",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }

    /// The exemptions not revoked of the organizations in the subtree of
    /// `org_id` and of the members of those organizations, as the tree stands
    /// on `on`, by first day.
    pub async fn list_exemptions(&self, org_id: &Id, on: NaiveDate) -> Result<Vec<Exemption>> {
        let org = self.org_required(org_id, on).await?;
        let path = root_path(&org);
        let province = if org.level == OrgLevel::Central { "e.province_id = e.province_id AND $4 = $4" } else { "e.province_id = $4" };
        let sql = format!(
            "SELECT {EXEMPTION_COLUMNS} FROM exemptions e WHERE e.revoked_at IS NULL AND {province} AND (
               (e.subject_kind = 'organization' AND e.subject_id IN (SELECT l.org_id FROM org_links l
                  WHERE l.path >= $1 AND l.path < $2 AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)))
               OR (e.subject_kind = 'person' AND e.subject_id IN (SELECT m.person_id FROM memberships m
                  JOIN org_links l ON l.province_id = m.province_id AND l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
                  WHERE l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3))))
             ORDER BY e.from_date, e.id"
        );
        let rows = sqlx::query(&sql)
            .bind(&path)
            .bind(path_end(&path))
            .bind(date_text(on))
            .bind(org.province_id.as_str())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(exemption_from_row).collect()
    }
}
