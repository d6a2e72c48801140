//! Research projects (调研课题) of an organization: the topic, who leads it,
//! the team, what was found, and the results with what each turned into —
//! a measure (举措), a document (制度文件), or a problem handed to the
//! rectification ledger (a problem record, see [`crate::problems`]).
//!
//! Grassroots visits ("four under the grassroots": publicize, investigate,
//! receive petitions, on-site work) and typical-case analyses are recorded
//! as activities; an activity names its project in `research_project_id`
//! ([`check_project_link`] checks that link when an activity is recorded) and is listed with the
//! project. A project without any result yet is flagged `produced_nothing`,
//! so an organization sees which of its research has come to nothing so far.
//!
//! **Who may lead or join a project.** A person of the organization's
//! province who, on the day the project started or on the day of the write,
//! was a member of the organization or of one under it, or held a position
//! in the organization or in one under it. (A leading cadre holds a post in
//! the committee without being one of its members; a team is often drawn
//! from the departments and branches below.) The lead is not listed again
//! in the team: a team that names the lead simply leaves them out.
//!
//! Every write is audited; every refusal names the field and writes nothing.

use crate::activities::{ActivityStatus, line};
use crate::audit::Audited;
use crate::orgs::{Page, date_text, parse_date, path_end, root_path};
use crate::problems::{NewProblem, Problem, free_text};
use crate::rows::{Value, in_list_size, insert_rows, int, opt_text, parsed, text};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::{Field, FieldError, Id, OrgLevel, Organization, Problem as Wrong};
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::{HashMap, HashSet};

/// The longest topic, in characters (one line).
pub const TOPIC_MAX: usize = 200;
/// The longest findings, in characters.
pub const FINDINGS_MAX: usize = 20_000;
/// The longest description of a result, in characters.
pub const RESULT_MAX: usize = 2_000;
/// The most team members of a project (besides the lead).
pub const MAX_TEAM: usize = 100;

/// What a result of a project turned into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    /// A working measure adopted (举措).
    Measure,
    /// A document: a rule, a report, a system (制度文件).
    Document,
    /// A problem for the rectification ledger (a problem record).
    Problem,
}

impl ResultKind {
    pub const ALL: [ResultKind; 3] = [ResultKind::Measure, ResultKind::Document, ResultKind::Problem];

    pub fn code(self) -> &'static str {
        match self {
            ResultKind::Measure => "measure",
            ResultKind::Document => "document",
            ResultKind::Problem => "problem",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "measure" => Some(ResultKind::Measure),
            "document" => Some(ResultKind::Document),
            "problem" => Some(ResultKind::Problem),
            _ => None,
        }
    }

    /// Like [`ResultKind::parse`], a refusal naming [`Field::Outcome`].
    pub fn parse_field(raw: &str) -> std::result::Result<Self, FieldError> {
        Self::parse(raw).ok_or_else(|| {
            let problem =
                if raw.trim().is_empty() { Wrong::Required } else { Wrong::UnknownValue { allowed: "measure, document, problem".into() } };
            FieldError::new(Field::Outcome, problem, raw)
        })
    }
}

/// A project to start.
#[derive(Clone, Debug)]
pub struct NewProject {
    pub org_id: Id,
    pub topic: String,
    pub lead_id: Id,
    pub team: Vec<Id>,
    pub started_on: NaiveDate,
    pub findings: Option<String>,
}

/// Changes to a project; `None` leaves a value as it is.
#[derive(Clone, Debug, Default)]
pub struct ProjectChanges {
    pub topic: Option<String>,
    pub lead_id: Option<Id>,
    /// The whole new team.
    pub team: Option<Vec<Id>>,
    pub started_on: Option<NaiveDate>,
    /// `Some(None)` (or blank text) clears the findings.
    pub findings: Option<Option<String>>,
}

/// One result of a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResearchResult {
    pub id: Id,
    pub project_id: Id,
    pub kind: ResultKind,
    pub description: String,
    /// The problem record it became (kind `problem`).
    pub problem_id: Option<Id>,
    pub created_at: String,
    pub created_by: String,
}

/// An activity (a grassroots visit, a case analysis...) recorded as part
/// of a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkedActivity {
    pub id: Id,
    pub kind: String,
    pub host_org_id: Id,
    pub title: Option<String>,
    pub held_on: NaiveDate,
    pub status: ActivityStatus,
    pub visit_kind: Option<String>,
    pub polarity: Option<String>,
}

/// A research project with its team, results and linked activities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Project {
    pub id: Id,
    pub province_id: Id,
    pub org_id: Id,
    pub topic: String,
    pub lead_id: Id,
    /// Besides the lead; ordered by id.
    pub team: Vec<Id>,
    pub started_on: NaiveDate,
    pub findings: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    /// In the order they were added.
    pub results: Vec<ResearchResult>,
    /// Activities that name this project, by day held.
    pub activities: Vec<LinkedActivity>,
    /// No result yet.
    pub produced_nothing: bool,
}

impl Project {
    /// The project's own record as the audit trail keeps it (without the
    /// results and activities, which have entries of their own).
    fn audit_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({
            "id": self.id,
            "province_id": self.province_id,
            "org_id": self.org_id,
            "topic": self.topic,
            "lead_id": self.lead_id,
            "team": self.team,
            "started_on": date_text(self.started_on),
            "findings": self.findings,
            "version": self.version,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "updated_at": self.updated_at,
        }))
    }
}

/// Someone who may lead or join a project of an organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub id: Id,
    pub name: String,
}

const PROJECT_COLUMNS: &str =
    "r.province_id, r.id, r.org_id, r.topic, r.lead_id, r.started_on, r.findings, r.version, r.created_at, r.created_by, r.updated_at";

fn project_from_row(row: &AnyRow) -> Result<Project> {
    Ok(Project {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        org_id: Id::from_stored(text(row, "org_id")?),
        topic: text(row, "topic")?,
        lead_id: Id::from_stored(text(row, "lead_id")?),
        team: Vec::new(),
        started_on: parsed(row, "started_on", parse_date)?,
        findings: opt_text(row, "findings")?,
        version: int(row, "version")?,
        created_at: text(row, "created_at")?,
        created_by: text(row, "created_by")?,
        updated_at: text(row, "updated_at")?,
        results: Vec::new(),
        activities: Vec::new(),
        produced_nothing: true,
    })
}

fn result_from_row(row: &AnyRow) -> Result<ResearchResult> {
    Ok(ResearchResult {
        id: Id::from_stored(text(row, "id")?),
        project_id: Id::from_stored(text(row, "project_id")?),
        kind: parsed(row, "kind", |s| ResultKind::parse(s).ok_or(()))?,
        description: text(row, "description")?,
        problem_id: opt_text(row, "problem_id")?.map(Id::from_stored),
        created_at: text(row, "created_at")?,
        created_by: text(row, "created_by")?,
    })
}

fn topic(raw: &str) -> Result<String> {
    line(Field::Topic, raw, TOPIC_MAX).map_err(StoreError::Invalid)
}

fn findings(raw: Option<&str>) -> Result<Option<String>> {
    match raw.filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(s) => free_text(Field::Findings, s, FINDINGS_MAX).map(Some),
    }
}

/// The team as stored: each listed once, the lead left out, ordered by id.
fn team(lead: &Id, team: &[Id]) -> Result<Vec<Id>> {
    let mut seen = HashSet::with_capacity(team.len());
    for person in team {
        if !seen.insert(person.as_str()) {
            return Err(crate::broken(Field::Team, "listed-twice", person.as_str()));
        }
    }
    let mut out: Vec<Id> = team.iter().filter(|p| *p != lead).cloned().collect();
    if out.len() > MAX_TEAM {
        return Err(StoreError::Invalid(FieldError::new(Field::Team, Wrong::TooLong { max: MAX_TEAM }, "")));
    }
    out.sort();
    Ok(out)
}

fn not_of_org(field: Field, person: &Id) -> StoreError {
    crate::broken(field, "research-person-outside", person.as_str())
}

impl Store {
    /// Starts a research project after checking it:
    ///
    /// - the organization exists and is open today, and was founded by `started_on`;
    /// - `started_on` is not after `today`;
    /// - the topic is one line of 1 to 200 characters; findings, if any, at
    ///   most 20,000 characters;
    /// - the lead and each team member may take part (see the module
    ///   documentation); the team lists nobody twice and at most 100 people.
    pub async fn create_project(&self, w: &mut Audited, new: NewProject, today: NaiveDate) -> Result<Project> {
        let topic = topic(&new.topic)?;
        let findings = findings(new.findings.as_deref())?;
        let org = self.open_org_in(w, &new.org_id, today).await?;
        check_started_on(&org, new.started_on, today)?;
        let team = team(&new.lead_id, &new.team)?;
        let days = [new.started_on, today];
        self.check_people(w, &org, &days, std::slice::from_ref(&new.lead_id), Field::Lead).await?;
        self.check_people(w, &org, &days, &team, Field::Team).await?;
        let at = w.at().to_owned();
        let project = Project {
            id: Id::generate(),
            province_id: org.province_id.clone(),
            org_id: org.id.clone(),
            topic,
            lead_id: new.lead_id,
            team,
            started_on: new.started_on,
            findings,
            version: 1,
            created_at: at.clone(),
            created_by: w.actor().id.clone(),
            updated_at: at,
            results: Vec::new(),
            activities: Vec::new(),
            produced_nothing: true,
        };
        let row = vec![
            Value::from(project.province_id.to_string()),
            Value::from(project.id.to_string()),
            Value::from(project.org_id.to_string()),
            Value::from(project.topic.clone()),
            Value::from(project.lead_id.to_string()),
            Value::from(date_text(project.started_on)),
            Value::from(project.findings.clone()),
            Value::Int(project.version),
            Value::from(project.created_at.clone()),
            Value::from(project.created_by.clone()),
            Value::from(project.updated_at.clone()),
        ];
        insert_rows(
            w.tx(),
            "research_projects",
            &[
                "province_id",
                "id",
                "org_id",
                "topic",
                "lead_id",
                "started_on",
                "findings",
                "version",
                "created_at",
                "created_by",
                "updated_at",
            ],
            vec![row],
        )
        .await?;
        self.insert_team(w, &project).await?;
        w.record(project.province_id.as_str(), "create", "research_project", project.id.as_str(), None, project.audit_json());
        Ok(project)
    }

    /// Changes a project, if `expected_version` is current (otherwise
    /// `Conflict` and nothing changes). Changed values are checked as
    /// [`Store::create_project`] checks them; a new lead or new team members
    /// must be people who may take part, while those already on the project
    /// stay even if they have since left the organization.
    pub async fn update_project(
        &self,
        w: &mut Audited,
        id: &Id,
        expected_version: i64,
        changes: ProjectChanges,
        today: NaiveDate,
    ) -> Result<Project> {
        let before = self.project_in(w, id).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let mut after = before.clone();
        if let Some(raw) = &changes.topic {
            after.topic = topic(raw)?;
        }
        if let Some(raw) = &changes.findings {
            after.findings = findings(raw.as_deref())?;
        }
        let org = self.org_in(w, &before.org_id, today).await?.ok_or(StoreError::NotFound)?;
        if let Some(day) = changes.started_on {
            check_started_on(&org, day, today)?;
            after.started_on = day;
        }
        if let Some(lead) = &changes.lead_id {
            after.lead_id = lead.clone();
        }
        let listed = changes.team.as_deref().unwrap_or(&before.team);
        after.team = team(&after.lead_id, listed)?;
        let known: HashSet<&Id> = before.team.iter().chain(std::iter::once(&before.lead_id)).collect();
        let days = [after.started_on, today];
        if !known.contains(&after.lead_id) {
            self.check_people(w, &org, &days, std::slice::from_ref(&after.lead_id), Field::Lead).await?;
        }
        let joining: Vec<Id> = after.team.iter().filter(|p| !known.contains(p)).cloned().collect();
        self.check_people(w, &org, &days, &joining, Field::Team).await?;
        after.version = before.version + 1;
        after.updated_at = w.at().to_owned();
        let done = sqlx::query(
            "UPDATE research_projects SET topic = $1, lead_id = $2, started_on = $3, findings = $4, version = $5, updated_at = $6
             WHERE province_id = $7 AND id = $8 AND version = $9",
        )
        .bind(&after.topic)
        .bind(after.lead_id.as_str())
        .bind(date_text(after.started_on))
        .bind(after.findings.clone())
        .bind(after.version)
        .bind(&after.updated_at)
        .bind(after.province_id.as_str())
        .bind(after.id.as_str())
        .bind(expected_version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        if after.team != before.team {
            sqlx::query("DELETE FROM research_team WHERE province_id = $1 AND project_id = $2")
                .bind(after.province_id.as_str())
                .bind(after.id.as_str())
                .execute(&mut **w.tx())
                .await?;
            self.insert_team(w, &after).await?;
        }
        w.record(after.province_id.as_str(), "update", "research_project", after.id.as_str(), before.audit_json(), after.audit_json());
        Ok(after)
    }

    /// Adds a result to a project. A result of kind `problem` creates its
    /// problem record in the same transaction (owned by the project's
    /// organization, found by the project, raised today) and points to it:
    /// `problem` may name whose problem it is (a person who may take part
    /// in the project) and word it differently (by default the result's
    /// description). Other kinds take no `problem`.
    pub async fn add_result(
        &self,
        w: &mut Audited,
        project_id: &Id,
        kind: ResultKind,
        description: &str,
        problem: Option<NewProblem>,
        today: NaiveDate,
    ) -> Result<(ResearchResult, Option<Problem>)> {
        let project = self.project_in(w, project_id).await?.ok_or(StoreError::NotFound)?;
        let description = free_text(Field::Description, description, RESULT_MAX)?;
        let at = w.at().to_owned();
        let problem = match (kind, problem) {
            (ResultKind::Problem, problem) => {
                let problem = problem.unwrap_or_default();
                let org = self.org_in(w, &project.org_id, today).await?.ok_or(StoreError::NotFound)?;
                if let Some(person) = &problem.person_id {
                    self.check_people(w, &org, &[project.started_on, today], std::slice::from_ref(person), Field::Person).await?;
                }
                let worded = if problem.description.trim().is_empty() {
                    description.clone()
                } else {
                    free_text(Field::Description, &problem.description, crate::problems::DESCRIPTION_MAX)?
                };
                let record = Problem {
                    id: Id::generate(),
                    province_id: project.province_id.clone(),
                    org_id: project.org_id.clone(),
                    source_activity_id: None,
                    source_project_id: Some(project.id.clone()),
                    person_id: problem.person_id,
                    description: worded,
                    raised_on: today,
                    version: 1,
                    created_at: at.clone(),
                    created_by: w.actor().id.clone(),
                };
                self.insert_problems(w, std::slice::from_ref(&record)).await?;
                Some(record)
            }
            (_, Some(_)) => {
                return Err(crate::broken(Field::Outcome, "research-problem-only", kind.code()));
            }
            (_, None) => None,
        };
        let result = ResearchResult {
            id: Id::generate(),
            project_id: project.id.clone(),
            kind,
            description,
            problem_id: problem.as_ref().map(|p| p.id.clone()),
            created_at: at,
            created_by: w.actor().id.clone(),
        };
        let row = vec![
            Value::from(project.province_id.to_string()),
            Value::from(result.id.to_string()),
            Value::from(result.project_id.to_string()),
            Value::from(kind.code()),
            Value::from(result.description.clone()),
            Value::from(result.problem_id.as_ref().map(Id::to_string)),
            Value::from(result.created_at.clone()),
            Value::from(result.created_by.clone()),
        ];
        insert_rows(
            w.tx(),
            "research_results",
            &["province_id", "id", "project_id", "kind", "description", "problem_id", "created_at", "created_by"],
            vec![row],
        )
        .await?;
        w.record(project.province_id.as_str(), "create", "research_result", result.id.as_str(), None, serde_json::to_value(&result).ok());
        Ok((result, problem))
    }

    /// One project with its team, results and linked activities.
    pub async fn project(&self, id: &Id) -> Result<Option<Project>> {
        let row = sqlx::query(&format!("SELECT {PROJECT_COLUMNS} FROM research_projects r WHERE r.id = $1"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut found = vec![project_from_row(&row)?];
        self.attach_project_details(&mut found).await?;
        Ok(found.pop())
    }

    /// The projects of an organization (`subtree`: or of any organization
    /// that stood under its present place on the day the project started),
    /// the latest started first, each with its details.
    pub async fn projects_of(&self, org: &Organization, subtree: bool) -> Result<Vec<Project>> {
        let mut projects = self.query_projects(org, subtree, None, None).await?;
        projects.sort_by(|a, b| b.started_on.cmp(&a.started_on).then_with(|| b.id.cmp(&a.id)));
        Ok(projects)
    }

    /// Like [`Store::projects_of`], a page at a time, by id (the order of
    /// entry), after the cursor.
    pub async fn list_projects(&self, org: &Organization, subtree: bool, cursor: Option<&Id>, limit: usize) -> Result<Page<Project>> {
        let limit = limit.clamp(1, 500);
        let items = self.query_projects(org, subtree, cursor, Some(limit + 1)).await?;
        Ok(Page::cut(items, limit, |p| p.id.to_string()))
    }

    async fn query_projects(&self, org: &Organization, subtree: bool, cursor: Option<&Id>, limit: Option<usize>) -> Result<Vec<Project>> {
        let path = root_path(org);
        let owner = if subtree {
            "EXISTS (SELECT 1 FROM org_links l WHERE l.province_id = r.province_id AND l.org_id = r.org_id AND l.path >= $2 AND l.path < $3 AND (l.valid_to IS NULL OR l.valid_to > r.started_on))"
        } else {
            "r.org_id = $2 AND $3 = $3"
        };
        // A subtree below central level lies in one province.
        let province = if org.level == OrgLevel::Central { "$4 = $4" } else { "r.province_id = $4" };
        let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
        let sql =
            format!("SELECT {PROJECT_COLUMNS} FROM research_projects r WHERE r.id > $1 AND {owner} AND {province} ORDER BY r.id{limit}");
        let (first, second) = if subtree { (path.clone(), path_end(&path)) } else { (org.id.to_string(), String::new()) };
        let rows = sqlx::query(&sql)
            .bind(cursor.map(Id::to_string).unwrap_or_default())
            .bind(first)
            .bind(second)
            .bind(org.province_id.as_str())
            .fetch_all(self.pool())
            .await?;
        let mut projects = rows.iter().map(project_from_row).collect::<Result<Vec<_>>>()?;
        self.attach_project_details(&mut projects).await?;
        Ok(projects)
    }

    /// The people who may lead or join a project of `org` on `on` (see the
    /// module documentation), by name, at most `limit`.
    pub async fn project_candidates(&self, org: &Organization, on: NaiveDate, limit: usize) -> Result<Vec<Candidate>> {
        let (sql, binds) = eligible_query(org, on, &[], Some(limit.clamp(1, 5000)));
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(|r| Ok(Candidate { id: Id::from_stored(text(r, "id")?), name: text(r, "name")? })).collect()
    }

    /// Refuses, naming `field`, the first of `people` who may not take part
    /// in a project of `org` on any of `days`.
    async fn check_people(&self, w: &mut Audited, org: &Organization, days: &[NaiveDate], people: &[Id], field: Field) -> Result<()> {
        if people.is_empty() {
            return Ok(());
        }
        let mut found: HashSet<String> = HashSet::new();
        for day in days {
            let (sql, binds) = eligible_query(org, *day, people, None);
            let mut query = sqlx::query(&sql);
            for b in binds {
                query = query.bind(b);
            }
            for row in query.fetch_all(&mut **w.tx()).await? {
                found.insert(text(&row, "id")?);
            }
        }
        match people.iter().find(|p| !found.contains(p.as_str())) {
            Some(missing) => Err(not_of_org(field, missing)),
            None => Ok(()),
        }
    }

    /// An organization open on `today`, read inside a write; a missing or
    /// closed one is refused naming the organization.
    async fn open_org_in(&self, w: &mut Audited, id: &Id, today: NaiveDate) -> Result<Organization> {
        let org = self
            .org_in(w, id, today)
            .await?
            .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Organization, Wrong::NotFound, id.as_str())))?;
        if !org.is_open_on(today) {
            return Err(crate::broken(Field::Organization, "research-org-not-open", id.as_str()));
        }
        Ok(org)
    }

    async fn insert_team(&self, w: &mut Audited, project: &Project) -> Result<()> {
        let rows = project
            .team
            .iter()
            .map(|p| vec![Value::from(project.province_id.to_string()), Value::from(project.id.to_string()), Value::from(p.to_string())])
            .collect();
        insert_rows(w.tx(), "research_team", &["province_id", "project_id", "person_id"], rows).await
    }

    /// A project and its team as they stand inside the write `w`.
    pub async fn project_in(&self, w: &mut Audited, id: &Id) -> Result<Option<Project>> {
        let row = sqlx::query(&format!("SELECT {PROJECT_COLUMNS} FROM research_projects r WHERE r.id = $1"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut project = project_from_row(&row)?;
        let rows = sqlx::query("SELECT person_id FROM research_team WHERE province_id = $1 AND project_id = $2 ORDER BY person_id")
            .bind(project.province_id.as_str())
            .bind(project.id.as_str())
            .fetch_all(&mut **w.tx())
            .await?;
        project.team = rows.iter().map(|r| text(r, "person_id").map(Id::from_stored)).collect::<Result<_>>()?;
        Ok(Some(project))
    }

    /// Reads the team, results and linked activities of projects, a few
    /// queries for the lot.
    async fn attach_project_details(&self, projects: &mut [Project]) -> Result<()> {
        if projects.is_empty() {
            return Ok(());
        }
        let mut teams: HashMap<String, Vec<Id>> = HashMap::new();
        let mut results: HashMap<String, Vec<ResearchResult>> = HashMap::new();
        let mut activities: HashMap<String, Vec<LinkedActivity>> = HashMap::new();
        // Each query stays in one province (the first column of every index).
        let mut by_province: Vec<(String, Vec<String>)> = Vec::new();
        for p in projects.iter() {
            match by_province.iter_mut().find(|(province, _)| province == p.province_id.as_str()) {
                Some((_, ids)) => ids.push(p.id.to_string()),
                None => by_province.push((p.province_id.to_string(), vec![p.id.to_string()])),
            }
        }
        let size = in_list_size(self.backend()).min(500);
        let mut chunks: Vec<(String, Vec<String>)> = Vec::new();
        for (province, ids) in by_province {
            for chunk in ids.chunks(size) {
                chunks.push((province.clone(), chunk.to_vec()));
            }
        }
        for (province, chunk) in &chunks {
            let list = (2..=chunk.len() + 1).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let statements = [
                format!(
                    "SELECT project_id, person_id FROM research_team WHERE province_id = $1 AND project_id IN ({list}) ORDER BY project_id, person_id"
                ),
                format!(
                    "SELECT id, project_id, kind, description, problem_id, created_at, created_by FROM research_results
                     WHERE province_id = $1 AND project_id IN ({list}) ORDER BY project_id, created_at, id"
                ),
                format!(
                    "SELECT id, research_project_id, kind, host_org_id, title, held_on, status, visit_kind, polarity FROM activities
                     WHERE province_id = $1 AND research_project_id IN ({list}) AND deleted_at IS NULL ORDER BY research_project_id, held_on, id"
                ),
            ];
            for (n, sql) in statements.iter().enumerate() {
                let mut query = sqlx::query(sql).bind(province.as_str());
                for id in chunk {
                    query = query.bind(id.as_str());
                }
                for row in query.fetch_all(self.pool()).await? {
                    match n {
                        0 => teams.entry(text(&row, "project_id")?).or_default().push(Id::from_stored(text(&row, "person_id")?)),
                        1 => results.entry(text(&row, "project_id")?).or_default().push(result_from_row(&row)?),
                        _ => activities.entry(text(&row, "research_project_id")?).or_default().push(LinkedActivity {
                            id: Id::from_stored(text(&row, "id")?),
                            kind: text(&row, "kind")?,
                            host_org_id: Id::from_stored(text(&row, "host_org_id")?),
                            title: opt_text(&row, "title")?,
                            held_on: parsed(&row, "held_on", parse_date)?,
                            status: parsed(&row, "status", |s| ActivityStatus::parse(s).ok_or(()))?,
                            visit_kind: opt_text(&row, "visit_kind")?,
                            polarity: opt_text(&row, "polarity")?,
                        }),
                    }
                }
            }
        }
        for p in projects.iter_mut() {
            p.team = teams.remove(p.id.as_str()).unwrap_or_default();
            p.results = results.remove(p.id.as_str()).unwrap_or_default();
            p.activities = activities.remove(p.id.as_str()).unwrap_or_default();
            p.produced_nothing = p.results.is_empty();
        }
        Ok(())
    }
}

fn check_started_on(org: &Organization, day: NaiveDate, today: NaiveDate) -> Result<()> {
    if day > today {
        return Err(StoreError::Invalid(FieldError::new(Field::StartedOn, Wrong::InFuture, &date_text(day))));
    }
    if day < org.founded_on {
        let rule = domain::Message::new("research-before-founding").date("founded_on", org.founded_on);
        return Err(crate::invalid(Field::StartedOn, rule, &date_text(day)));
    }
    Ok(())
}

/// The people of `org`'s province who, on `day`, were members of `org` or
/// an organization under it, or held a position in one of them: all of them
/// (by name, at most `limit`), or those among `only`.
fn eligible_query(org: &Organization, day: NaiveDate, only: &[Id], limit: Option<usize>) -> (String, Vec<String>) {
    let path = root_path(org);
    let mut binds = vec![path.clone(), path_end(&path), org.province_id.to_string(), date_text(day)];
    let among = if only.is_empty() {
        String::new()
    } else {
        let list = (0..only.len()).map(|i| format!("${}", i + 5)).collect::<Vec<_>>().join(", ");
        binds.extend(only.iter().map(Id::to_string));
        format!(" AND p.id IN ({list})")
    };
    let on_day = |t: &str| format!("{t}.valid_from <= $4 AND ({t}.valid_to IS NULL OR {t}.valid_to > $4)");
    let (m, l, s) = (on_day("m"), on_day("l"), on_day("s"));
    let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
    let sql = format!(
        "SELECT p.id, p.name FROM people p WHERE p.province_id = $3{among} AND p.id IN (
           SELECT m.person_id FROM memberships m JOIN org_links l ON l.province_id = m.province_id AND l.org_id = m.org_id AND {l}
           WHERE m.province_id = $3 AND l.path >= $1 AND l.path < $2 AND {m}
           UNION
           SELECT s.person_id FROM positions s JOIN org_links l ON l.province_id = s.province_id AND l.org_id = s.org_id AND {l}
           WHERE s.province_id = $3 AND l.path >= $1 AND l.path < $2 AND {s})
         ORDER BY p.name, p.id{limit}"
    );
    (sql, binds)
}

/// Checks that an activity of a host in `host_province` may name
/// `project_id` as its research project: the project exists and belongs to
/// the same province. A refusal names `research_project_id`.
pub(crate) async fn check_project_link(conn: &mut sqlx::AnyConnection, project_id: &Id, host_province: &Id) -> Result<()> {
    let province: Option<String> = sqlx::query_scalar("SELECT province_id FROM research_projects WHERE id = $1")
        .bind(project_id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if province.as_deref() != Some(host_province.as_str()) {
        return Err(StoreError::Invalid(FieldError::new(Field::ResearchProject, Wrong::NotFound, project_id.as_str())));
    }
    Ok(())
}
