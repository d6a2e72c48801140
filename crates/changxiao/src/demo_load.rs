//! Rebuilding the demo: a directory of its own (never the real data
//! directory), wiped and filled with the generated county through the
//! audited write path.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use domain::access::{Login, Password, Role};
use domain::{Id, Name, Organization};
use std::collections::HashMap;
use std::path::Path;
use store::activities::{Activity, ActivityStatus, AgendaItem, Participant};
use store::people::{NewPerson, membership_start};
use store::{Actor, Store};

/// The file that marks a directory as the demo's, so it may be wiped.
const MARKER: &str = ".changxiao-demo";

/// The machine-readable list of the gaps planted in the demo's records,
/// written beside its database.
pub const PLANTED_GAPS: &str = "planted-gaps.json";

pub async fn rebuild(data_dir: &Path, database_url: Option<&str>, seed: u64, today: NaiveDate) -> Result<Store> {
    prepare_directory(data_dir)?;
    if let Some(url) = database_url {
        let name = url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default();
        if !name.contains("demo") {
            bail!("the demo rebuilds its database from scratch, so its name must contain 'demo' (got '{name}')");
        }
        store::drop_postgres_database(url).await.context("dropping the previous demo database")?;
    }
    let store = crate::open(data_dir, database_url).await?;
    store.migrate().await.context("applying the schema")?;
    let gaps = load(&store, seed, today).await?;
    let file = data_dir.join(PLANTED_GAPS);
    std::fs::write(&file, gaps).with_context(|| format!("writing {}", file.display()))?;
    Ok(store)
}

fn prepare_directory(dir: &Path) -> Result<()> {
    if dir.exists() {
        let has_entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.next().is_some();
        if has_entries && !dir.join(MARKER).exists() {
            bail!(
                "{} is not a demo directory (no {MARKER} file); the demo only rebuilds its own directory. Choose another --data-dir.",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir).with_context(|| format!("removing the previous demo in {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join(MARKER), "This directory is rebuilt by `changxiao demo`.\n")?;
    Ok(())
}

/// Writes the generated county through the audited path, in one transaction.
/// Fills the store with the demo county; returns the planted gaps as JSON.
pub async fn load(store: &Store, seed: u64, today: NaiveDate) -> Result<String> {
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
        let org = placed.get(&p.org_id).with_context(|| format!("demo person {} has no organization", p.id))?;
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
    let root = orgs.first().context("the demo has no organizations")?;
    let branch = orgs.iter().find(|o| o.name.as_str() == demo::DUPLICATE_NAME_BRANCH).context("the demo branch is missing")?;
    for demo_login in &crate::accounts::DEMO_LOGINS {
        let login = Login::parse(demo_login.login).map_err(|e| anyhow::anyhow!("{e}"))?;
        let password = Password::parse(demo_login.password, &login).map_err(|e| anyhow::anyhow!("{e}"))?;
        let name = Name::parse(domain::Field::Name, demo_login.what_zh).map_err(|e| anyhow::anyhow!("{e}"))?;
        let account = store.create_account(&mut w, login, name, None, &password, false).await?;
        let org = if demo_login.role == Role::Secretary { branch } else { root };
        store.add_grant(&mut w, &account.id, demo_login.role, &org.id, root.founded_on).await?;
    }
    let activities = demo_activities(&data, &placed, &w)?;
    store.insert_activities(&mut w, &activities).await?;
    w.commit().await?;
    store.refresh_statistics().await?;
    Ok(demo::planted_gaps_json(&data))
}

/// The demo's activities as records, entered by the demo's writer.
fn demo_activities(data: &demo::DemoData, placed: &HashMap<Id, Organization>, w: &store::Audited) -> Result<Vec<Activity>> {
    let person = |i: usize| data.people.get(i).map(|p| p.id.clone()).with_context(|| format!("demo activity names person {i}"));
    let mut out = Vec::with_capacity(data.activities.len());
    for a in &data.activities {
        let host = data.orgs.get(a.host).and_then(|o| placed.get(&o.id)).with_context(|| format!("demo activity {} has no host", a.id))?;
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
            research_project_id: None,
            status: ActivityStatus::Held,
            planned_on: None,
            minutes: None,
            minutes_state: None,
            version: 1,
            created_at: w.at().to_owned(),
            created_by: w.actor().id.clone(),
            updated_at: w.at().to_owned(),
            deleted_at: None,
        });
    }
    Ok(out)
}
