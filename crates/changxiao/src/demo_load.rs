//! Rebuilding the demo: a directory of its own (never the real data
//! directory), wiped and filled with the generated county through the
//! audited write path — organizations, people, logins, research projects,
//! held and planned activities (with minutes), the projects' results, the
//! problems raised at life meetings, and attachments, whose files go to
//! `<data dir>/attachments` where the server looks for them.

use crate::say::{While, refuse};
use anyhow::Result;
use chrono::NaiveDate;
use domain::access::{Login, Password, Role};
use domain::{Id, Message, Name, Organization};
use std::collections::HashMap;
use std::path::Path;
use store::activities::{Activity, ActivityStatus, AgendaItem, MinutesState, Participant};
use store::attachments::Files;
use store::people::{NewPerson, membership_start};
use store::problems::NewProblem;
use store::research::{NewProject, ResultKind};
use store::{Actor, Audited, Store};

/// The file that marks a directory as the demo's, so it may be wiped.
const MARKER: &str = ".changxiao-demo";

/// The machine-readable list of the gaps planted in the demo's records,
/// written beside its database.
pub const PLANTED_GAPS: &str = "planted-gaps.json";

/// The folder of the data directory where attachment files are kept (the
/// server's, see `serve`).
pub const ATTACHMENTS: &str = "attachments";

pub async fn rebuild(data_dir: &Path, database_url: Option<&str>, seed: u64, today: NaiveDate) -> Result<Store> {
    prepare_directory(data_dir)?;
    if let Some(url) = database_url {
        let name = url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default();
        if !name.contains("demo") {
            return refuse(Message::new("cli-demo-database-name").text("name", name));
        }
        store::drop_postgres_database(url).await.during(Message::new("cli-dropping-demo-database"))?;
    }
    let store = crate::open(data_dir, database_url).await?;
    store.migrate().await.during(Message::new("cli-applying-schema"))?;
    let gaps = load(&store, &Files::new(data_dir.join(ATTACHMENTS)), seed, today).await?;
    let file = data_dir.join(PLANTED_GAPS);
    std::fs::write(&file, gaps).during(writing(&file))?;
    Ok(store)
}

fn writing(path: &Path) -> Message {
    Message::new("cli-writing-file").text("file", path.display().to_string())
}

/// A step of building the demo that cannot fail unless the generator is wrong.
fn inconsistent(detail: impl Into<String>) -> Message {
    Message::new("cli-demo-inconsistent").text("detail", detail)
}

fn prepare_directory(dir: &Path) -> Result<()> {
    let shown = dir.display().to_string();
    if dir.exists() {
        let has_entries = std::fs::read_dir(dir).during(Message::new("cli-reading-dir").text("dir", shown.clone()))?.next().is_some();
        if has_entries && !dir.join(MARKER).exists() {
            return refuse(Message::new("cli-not-a-demo-dir").text("dir", shown).text("marker", MARKER));
        }
        std::fs::remove_dir_all(dir).during(Message::new("cli-removing-demo").text("dir", shown.clone()))?;
    }
    std::fs::create_dir_all(dir).during(Message::new("cli-creating-data-dir").text("dir", shown))?;
    std::fs::write(dir.join(MARKER), "changxiao demo\n").during(writing(&dir.join(MARKER)))?;
    Ok(())
}

/// Writes the generated county through the audited path, in one transaction,
/// attachment files into `files`; returns the planted gaps as JSON.
pub async fn load(store: &Store, files: &Files, seed: u64, today: NaiveDate) -> Result<String> {
    let data = demo::generate(seed, today);
    let mut placed: HashMap<Id, Organization> = HashMap::new();
    let mut orgs = Vec::with_capacity(data.orgs.len());
    for o in &data.orgs {
        let parent = o.parent_id.as_ref().and_then(|p| placed.get(p));
        let own_shard = parent.is_none() || matches!(o.level, domain::OrgLevel::Central | domain::OrgLevel::Provincial);
        let province_id = match parent {
            Some(p) if !own_shard => p.province_id.clone(),
            _ => o.id.clone(),
        };
        let mut path = parent.map(|p| p.path.clone()).unwrap_or_default();
        path.push(o.id.clone());
        let org = Organization {
            id: o.id.clone(),
            province_id,
            parent_id: o.parent_id.clone(),
            name: o.name.clone(),
            level: o.level,
            kind: o.kind,
            unit_type: o.unit_type,
            founded_on: o.founded_on,
            closed_on: None,
            path,
            version: 1,
        };
        placed.insert(org.id.clone(), org.clone());
        orgs.push(org);
    }
    let mut people = Vec::with_capacity(data.people.len());
    for p in &data.people {
        let org = placed.get(&p.org_id).during(inconsistent(format!("person {} / org", p.id)))?;
        let new = NewPerson {
            id: Some(p.id.clone()),
            org_id: p.org_id.clone(),
            name: p.name.clone(),
            sex: Some(p.sex),
            ethnicity: Some(p.ethnicity.clone()),
            birth_date: None,
            category: p.category,
            status: p.status,
            join_date: p.join_date,
            full_member_date: p.full_member_date,
            cadre_rank: p.cadre_rank,
            id_number: Some(p.id_number.clone()),
            phone: p.phone.clone(),
            positions: p.positions.clone(),
        };
        people.push((new, org.province_id.clone(), membership_start(p.join_date, org)));
    }
    let mut w = store.writer(&Actor::system("demo")).await?;
    store.insert_orgs(&mut w, &orgs).await?;
    store.insert_people(&mut w, people).await?;
    let root = orgs.first().during(inconsistent("root"))?;
    let branch = orgs.iter().find(|o| o.name.as_str() == demo::DUPLICATE_NAME_BRANCH).during(inconsistent("branch"))?;
    for demo_login in &crate::accounts::DEMO_LOGINS {
        let login = Login::parse(demo_login.login).during(inconsistent(demo_login.login))?;
        let password = Password::parse(demo_login.password, &login).during(inconsistent(demo_login.login))?;
        let name = demo::account_name(demo_login.login).during(inconsistent(demo_login.login))?;
        let name = Name::parse(domain::Field::Name, name).during(inconsistent(demo_login.login))?;
        let account = store.create_account(&mut w, login, name, None, &password, false).await?;
        let org = if demo_login.role == Role::Secretary { branch } else { root };
        store.add_grant(&mut w, &account.id, demo_login.role, &org.id, root.founded_on).await?;
    }
    let projects = create_projects(store, &mut w, &data, today).await?;
    let activities = demo_activities(&data, &data.activities, &placed, &projects, &w)?;
    store.insert_activities(&mut w, &activities).await?;
    let plans = demo_activities(&data, &data.plans, &placed, &projects, &w)?;
    store.insert_activities(&mut w, &plans).await?;
    add_results(store, &mut w, &data, &projects, today).await?;
    raise_problems(store, &mut w, &data, &activities, today).await?;
    attach_files(store, &mut w, files, &data, &activities).await?;
    w.commit().await?;
    store.refresh_statistics().await?;
    Ok(demo::planted_gaps_json(&data))
}

/// The id of the demo person at index `i`.
fn person_id(data: &demo::DemoData, i: usize) -> Result<Id> {
    data.people.get(i).map(|p| p.id.clone()).during(inconsistent(format!("person #{i}")))
}

/// Starts the research projects (before the activities that name them);
/// returns their ids in the demo's order.
async fn create_projects(store: &Store, w: &mut Audited, data: &demo::DemoData, today: NaiveDate) -> Result<Vec<Id>> {
    let mut ids = Vec::with_capacity(data.projects.len());
    for p in &data.projects {
        let org = data.orgs.get(p.org).during(inconsistent(format!("project {} / org", p.topic)))?;
        let new = NewProject {
            org_id: org.id.clone(),
            topic: p.topic.clone(),
            lead_id: person_id(data, p.lead)?,
            team: p.team.iter().map(|&t| person_id(data, t)).collect::<Result<_>>()?,
            started_on: p.started_on,
            findings: p.findings.clone(),
        };
        let project = store.create_project(w, new, today).await.during(inconsistent(format!("project {}", p.topic)))?;
        ids.push(project.id);
    }
    Ok(ids)
}

/// Adds the projects' results; a problem becomes a problem record.
async fn add_results(store: &Store, w: &mut Audited, data: &demo::DemoData, projects: &[Id], today: NaiveDate) -> Result<()> {
    for (p, id) in data.projects.iter().zip(projects) {
        for r in &p.results {
            let kind = ResultKind::parse(r.kind).during(inconsistent(format!("result {}", r.kind)))?;
            let problem = (kind == ResultKind::Problem)
                .then(|| {
                    Ok::<_, anyhow::Error>(NewProblem {
                        person_id: r.person.map(|x| person_id(data, x)).transpose()?,
                        description: String::new(),
                    })
                })
                .transpose()?;
            store.add_result(w, id, kind, &r.description, problem, today).await.during(inconsistent(format!("result / {}", p.topic)))?;
        }
    }
    Ok(())
}

/// Records the problems raised at the life meetings, meeting by meeting.
async fn raise_problems(store: &Store, w: &mut Audited, data: &demo::DemoData, activities: &[Activity], today: NaiveDate) -> Result<()> {
    let mut by_meeting: Vec<(usize, Vec<NewProblem>)> = Vec::new();
    for p in &data.problems {
        let new = NewProblem { person_id: p.person.map(|x| person_id(data, x)).transpose()?, description: p.description.clone() };
        match by_meeting.last_mut() {
            Some((at, list)) if *at == p.activity => list.push(new),
            _ => by_meeting.push((p.activity, vec![new])),
        }
    }
    for (at, problems) in by_meeting {
        let meeting = activities.get(at).during(inconsistent(format!("problem / activity #{at}")))?;
        store.raise_problems(w, meeting, problems, today).await.during(inconsistent(format!("problems / {}", meeting.id)))?;
    }
    Ok(())
}

/// Files to attach to one activity: (name, content).
type Uploads<'a> = Vec<(&'a str, &'a [u8])>;

/// Attaches the demo's files, activity by activity.
async fn attach_files(store: &Store, w: &mut Audited, files: &Files, data: &demo::DemoData, activities: &[Activity]) -> Result<()> {
    let mut by_activity: Vec<(usize, Uploads)> = Vec::new();
    for f in &data.attachments {
        let upload = (f.file_name.as_str(), f.bytes.as_slice());
        match by_activity.last_mut() {
            Some((at, list)) if *at == f.activity => list.push(upload),
            _ => by_activity.push((f.activity, vec![upload])),
        }
    }
    for (at, uploads) in by_activity {
        let activity = activities.get(at).during(inconsistent(format!("attachment / activity #{at}")))?;
        store.attach_all(w, files, activity, &uploads).await.during(inconsistent(format!("attachments / {}", activity.id)))?;
    }
    Ok(())
}

/// Demo activities (held ones or plans) as records, entered by the demo's
/// writer; `projects` are the ids of the demo's research projects.
fn demo_activities(
    data: &demo::DemoData,
    list: &[demo::DemoActivity],
    placed: &HashMap<Id, Organization>,
    projects: &[Id],
    w: &Audited,
) -> Result<Vec<Activity>> {
    let person = |i: usize| person_id(data, i);
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        let host = data.orgs.get(a.host).and_then(|o| placed.get(&o.id)).during(inconsistent(format!("activity {} / host", a.id)))?;
        let absent: HashMap<usize, &String> = a.absentees.iter().map(|(p, reason)| (*p, reason)).collect();
        let mut participants = a
            .participants
            .iter()
            .map(|&p| {
                let reason = absent.get(&p).map(|r| (*r).clone());
                Ok(Participant { person_id: person(p)?, present: reason.is_none(), absence_reason: reason })
            })
            .collect::<Result<Vec<_>>>()?;
        participants.sort_by(|x, y| x.person_id.cmp(&y.person_id));
        out.push(Activity {
            id: a.id.clone(),
            province_id: host.province_id.clone(),
            kind: a.kind.to_owned(),
            host_org_id: host.id.clone(),
            title: Some(a.title.clone()),
            held_on: a.held_on,
            starts_at: a.starts_at.map(|t| t.format("%H:%M").to_string()),
            duration_minutes: i64::from(a.duration_minutes),
            presenter_id: a.presenter.map(person).transpose()?,
            agenda: a.agenda.iter().map(|(kind, title)| AgendaItem { kind: (*kind).to_owned(), title: Some(title.clone()) }).collect(),
            participants,
            visit_kind: a.visit_kind.map(str::to_owned),
            polarity: a.polarity.map(str::to_owned),
            research_project_id: a
                .research_project
                .map(|i| projects.get(i).cloned().during(inconsistent(format!("activity {} / project #{i}", a.id))))
                .transpose()?,
            status: match a.status {
                demo::DemoStatus::Held => ActivityStatus::Held,
                demo::DemoStatus::Planned => ActivityStatus::Planned,
                demo::DemoStatus::Cancelled => ActivityStatus::Cancelled,
            },
            planned_on: None,
            minutes: a.minutes.as_ref().map(|m| m.text.clone()),
            minutes_state: a.minutes.as_ref().map(|m| if m.is_final { MinutesState::Final } else { MinutesState::Draft }),
            version: 1,
            created_at: w.at().to_owned(),
            created_by: w.actor().id.clone(),
            updated_at: w.at().to_owned(),
            deleted_at: None,
        });
    }
    Ok(out)
}
