//! Problem records (问题): the problems raised at democratic and
//! organizational life meetings (民主生活会、组织生活会) and those a research
//! project found, each typed once, where it came up.
//!
//! These rows are the first entries of the problem and rectification ledger
//! (问题清单/整改台账, a later feature): the ledger takes them over as they
//! are — the owning organization (`org_id`), where they came from
//! (`source_activity_id` for a meeting, `source_project_id` for research),
//! whose problem it is when it is one person's (`person_id`, as in
//! criticism and self-criticism; `None` when it is the organization's), the
//! text and the day it was raised — so nobody types them a second time.
//! Every row carries a `version` for the ledger's later changes.
//!
//! Only a held life meeting takes problems, and a person named must have
//! been expected at it. Every write is audited; a refusal names the field
//! and writes nothing.

use crate::activities::Activity;
use crate::audit::Audited;
use crate::orgs::{Page, date_text, parse_date, path_end, root_path};
use crate::rows::{Value, insert_rows, int, opt_text, parsed, text};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::{Field, FieldError, Id, OrgLevel, Organization, Problem as Wrong};
use serde::Serialize;
use sqlx::any::AnyRow;

/// The longest description of a problem, in characters.
pub const DESCRIPTION_MAX: usize = 2_000;
/// The most problems raised in one request.
pub const MAX_AT_ONCE: usize = 200;

/// Whether problems may be raised at an activity of this kind.
pub fn is_life_meeting(kind: &str) -> bool {
    rules::vocabulary::ActivityKind::raises_problems(kind)
}

/// A problem to record.
#[derive(Clone, Debug, Default)]
pub struct NewProblem {
    /// Whose problem it is, when it is one person's.
    pub person_id: Option<Id>,
    pub description: String,
}

/// A stored problem record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub id: Id,
    pub province_id: Id,
    /// The organization that owns the problem.
    pub org_id: Id,
    /// The life meeting where it was raised.
    pub source_activity_id: Option<Id>,
    /// The research project that found it.
    pub source_project_id: Option<Id>,
    pub person_id: Option<Id>,
    pub description: String,
    pub raised_on: NaiveDate,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
}

const COLUMNS: [&str; 11] = [
    "province_id",
    "id",
    "org_id",
    "source_activity_id",
    "source_project_id",
    "person_id",
    "description",
    "raised_on",
    "version",
    "created_at",
    "created_by",
];
const SELECT: &str = "p.province_id, p.id, p.org_id, p.source_activity_id, p.source_project_id, p.person_id, p.description, p.raised_on, p.version, p.created_at, p.created_by";

/// Free text of 1 to `max` characters, trimmed, line breaks allowed (kept as
/// `\n`), no other control or direction-override characters.
pub(crate) fn free_text(field: Field, raw: &str, max: usize) -> Result<String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(StoreError::Invalid(FieldError::new(field, Wrong::Required, "")));
    }
    if value.chars().count() > max {
        return Err(StoreError::Invalid(FieldError::new(field, Wrong::TooLong { max }, value)));
    }
    if value.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || domain::text::is_bidi_control(c)) {
        return Err(StoreError::Invalid(FieldError::new(field, Wrong::ControlCharacter, value)));
    }
    Ok(value.replace("\r\n", "\n"))
}

fn problem_from_row(row: &AnyRow) -> Result<Problem> {
    Ok(Problem {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        org_id: Id::from_stored(text(row, "org_id")?),
        source_activity_id: opt_text(row, "source_activity_id")?.map(Id::from_stored),
        source_project_id: opt_text(row, "source_project_id")?.map(Id::from_stored),
        person_id: opt_text(row, "person_id")?.map(Id::from_stored),
        description: text(row, "description")?,
        raised_on: parsed(row, "raised_on", parse_date)?,
        version: int(row, "version")?,
        created_at: text(row, "created_at")?,
        created_by: text(row, "created_by")?,
    })
}

impl Store {
    /// Records the problems raised at a life meeting, all or none:
    ///
    /// - the activity is a democratic or organizational life meeting
    ///   ([`is_life_meeting`]), still recorded, and held (not planned or
    ///   cancelled), on a day not after `today`;
    /// - at least one problem, at most [`MAX_AT_ONCE`]; each description is
    ///   1 to 2,000 characters;
    /// - a person named was a participant of the meeting (present or not).
    ///
    /// Each problem belongs to the host, raised on the day of the meeting.
    pub async fn raise_problems(
        &self,
        w: &mut Audited,
        activity: &Activity,
        problems: Vec<NewProblem>,
        today: NaiveDate,
    ) -> Result<Vec<Problem>> {
        if !is_life_meeting(&activity.kind) {
            return Err(crate::broken(Field::ActivityKind, "problems-only-life-meetings", &activity.kind));
        }
        // The record as it stands now, inside this transaction.
        let row = sqlx::query("SELECT status FROM activities WHERE province_id = $1 AND id = $2 AND deleted_at IS NULL")
            .bind(activity.province_id.as_str())
            .bind(activity.id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?
            .ok_or(StoreError::NotFound)?;
        let status = text(&row, "status")?;
        if status != "held" || activity.held_on > today {
            return Err(crate::broken(Field::ActivityStatus, "problems-after-held", &status));
        }
        if problems.is_empty() {
            return Err(StoreError::Invalid(FieldError::new(Field::Description, Wrong::Required, "")));
        }
        if problems.len() > MAX_AT_ONCE {
            return Err(crate::invalid(Field::Description, domain::Message::new("problems-too-many").count("max", MAX_AT_ONCE), ""));
        }
        let at = w.at().to_owned();
        let mut stored = Vec::with_capacity(problems.len());
        for new in problems {
            let description = free_text(Field::Description, &new.description, DESCRIPTION_MAX)?;
            if let Some(person) = &new.person_id
                && !activity.participants.iter().any(|p| &p.person_id == person)
            {
                return Err(crate::broken(Field::Person, "problem-person-not-participant", person.as_str()));
            }
            stored.push(Problem {
                id: Id::generate(),
                province_id: activity.province_id.clone(),
                org_id: activity.host_org_id.clone(),
                source_activity_id: Some(activity.id.clone()),
                source_project_id: None,
                person_id: new.person_id,
                description,
                raised_on: activity.held_on,
                version: 1,
                created_at: at.clone(),
                created_by: w.actor().id.clone(),
            });
        }
        self.insert_problems(w, &stored).await?;
        Ok(stored)
    }

    /// Writes checked problem records, one audit entry each.
    pub(crate) async fn insert_problems(&self, w: &mut Audited, problems: &[Problem]) -> Result<()> {
        let rows = problems
            .iter()
            .map(|p| {
                vec![
                    Value::from(p.province_id.to_string()),
                    Value::from(p.id.to_string()),
                    Value::from(p.org_id.to_string()),
                    Value::from(p.source_activity_id.as_ref().map(Id::to_string)),
                    Value::from(p.source_project_id.as_ref().map(Id::to_string)),
                    Value::from(p.person_id.as_ref().map(Id::to_string)),
                    Value::from(p.description.clone()),
                    Value::from(date_text(p.raised_on)),
                    Value::Int(p.version),
                    Value::from(p.created_at.clone()),
                    Value::from(p.created_by.clone()),
                ]
            })
            .collect();
        insert_rows(w.tx(), "problems", &COLUMNS, rows).await?;
        for p in problems {
            w.record(p.province_id.as_str(), "create", "problem", p.id.as_str(), None, serde_json::to_value(p).ok());
        }
        Ok(())
    }

    /// The problems raised at an activity, in the order they were recorded.
    pub async fn problems_of_activity(&self, activity: &Activity) -> Result<Vec<Problem>> {
        let rows = sqlx::query(&format!(
            "SELECT {SELECT} FROM problems p WHERE p.province_id = $1 AND p.source_activity_id = $2 ORDER BY p.created_at, p.id"
        ))
        .bind(activity.province_id.as_str())
        .bind(activity.id.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(problem_from_row).collect()
    }

    /// One problem record.
    pub async fn problem(&self, id: &Id) -> Result<Option<Problem>> {
        let row =
            sqlx::query(&format!("SELECT {SELECT} FROM problems p WHERE p.id = $1")).bind(id.as_str()).fetch_optional(self.pool()).await?;
        row.as_ref().map(problem_from_row).transpose()
    }

    /// The problems owned by an organization (`subtree`: or by any
    /// organization that stood under its present place on the day the
    /// problem was raised), by id (the order of entry), after the cursor.
    pub async fn problems_of_org(&self, org: &Organization, subtree: bool, cursor: Option<&Id>, limit: usize) -> Result<Page<Problem>> {
        let limit = limit.clamp(1, 500);
        let path = root_path(org);
        let owner = if subtree {
            "EXISTS (SELECT 1 FROM org_links l WHERE l.province_id = p.province_id AND l.org_id = p.org_id AND l.path >= $2 AND l.path < $3 AND (l.valid_to IS NULL OR l.valid_to > p.raised_on))"
        } else {
            "p.org_id = $2 AND $3 = $3"
        };
        // A subtree below central level lies in one province.
        let province = if org.level == OrgLevel::Central { "$4 = $4" } else { "p.province_id = $4" };
        let sql = format!("SELECT {SELECT} FROM problems p WHERE p.id > $1 AND {owner} AND {province} ORDER BY p.id LIMIT {}", limit + 1);
        let (first, second) = if subtree { (path.clone(), path_end(&path)) } else { (org.id.to_string(), String::new()) };
        let rows = sqlx::query(&sql)
            .bind(cursor.map(Id::to_string).unwrap_or_default())
            .bind(first)
            .bind(second)
            .bind(org.province_id.as_str())
            .fetch_all(self.pool())
            .await?;
        let items = rows.iter().map(problem_from_row).collect::<Result<Vec<_>>>()?;
        Ok(Page::cut(items, limit, |p| p.id.to_string()))
    }
}
