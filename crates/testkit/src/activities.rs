//! Activities as tests write them: one builder for what the store records
//! and what the JSON API is sent, so a members' assembly reads the same in
//! both:
//!
//! ```text
//! let assembly = activity("members_assembly", &branch, "2026-10-10")
//!     .titled("十月党员大会")
//!     .starting("09:30")
//!     .presented_by(&secretary)
//!     .agenda_item("theory_study", "学习最新重要讲话")
//!     .agenda(&["business"])
//!     .absent(&zhao, "外出务工");
//! let recorded = record(&store, assembly.build()).await;   // through the store
//! let body = assembly.json();                                // or for POST /api/v1/activities
//! ```
//!
//! Unless a test says otherwise an activity is held, lasts 90 minutes, has
//! no title, start time or presenter, and expects everyone it expects by
//! default (nobody listed).

use crate::{day, today};
use chrono::{NaiveDate, NaiveTime};
use domain::Id;
use rules::Catalogue;
use serde_json::{Value, json};
use store::activities::{Activity, ActivityStatus, NewAbsentee, NewActivity, NewAgendaItem};
use store::{Actor, Store, StoreError};

/// An activity of `kind` held by `host` on `held_on` (`YYYY-MM-DD`).
pub fn activity(kind: &str, host: &Id, held_on: &str) -> ActivityBuilder {
    ActivityBuilder {
        new: NewActivity {
            id: None,
            kind: kind.into(),
            host_org_id: host.clone(),
            title: None,
            held_on: day(held_on),
            starts_at: None,
            duration_minutes: 90,
            presenter_id: None,
            agenda: Vec::new(),
            participants: None,
            absentees: Vec::new(),
            visit_kind: None,
            polarity: None,
            research_project_id: None,
            status: ActivityStatus::Held,
            minutes: None,
            minutes_state: None,
        },
        status_given: false,
    }
}

/// An activity being described; `build` gives it to the store, `json` to the API.
#[derive(Clone, Debug)]
pub struct ActivityBuilder {
    new: NewActivity,
    /// Whether the status was chosen (the API body names it only then).
    status_given: bool,
}

impl ActivityBuilder {
    pub fn titled(mut self, title: &str) -> Self {
        self.new.title = Some(title.into());
        self
    }

    /// Starts at `hh:mm`.
    pub fn starting(mut self, at: &str) -> Self {
        self.new.starts_at = Some(NaiveTime::parse_from_str(at, "%H:%M").unwrap_or_else(|e| panic!("{at}: {e}")));
        self
    }

    pub fn minutes(mut self, minutes: i64) -> Self {
        self.new.duration_minutes = minutes;
        self
    }

    pub fn presented_by(mut self, presenter: &Id) -> Self {
        self.new.presenter_id = Some(presenter.clone());
        self
    }

    /// Agenda items of these kinds, without titles, after those given so far.
    pub fn agenda(mut self, kinds: &[&str]) -> Self {
        self.new.agenda.extend(kinds.iter().map(|k| NewAgendaItem { kind: (*k).into(), title: None }));
        self
    }

    /// One agenda item with its title.
    pub fn agenda_item(mut self, kind: &str, title: &str) -> Self {
        self.new.agenda.push(NewAgendaItem { kind: kind.into(), title: Some(title.into()) });
        self
    }

    /// Lists exactly these people as expected (none: nobody is expected).
    pub fn participants(mut self, people: &[&Id]) -> Self {
        self.new.participants = Some(people.iter().map(|p| (*p).clone()).collect());
        self
    }

    pub fn absent(mut self, person: &Id, reason: &str) -> Self {
        self.new.absentees.push(NewAbsentee { person_id: person.clone(), reason: reason.into() });
        self
    }

    /// A grassroots visit's kind (`investigate`, `publicize`, …).
    pub fn visit(mut self, kind: &str) -> Self {
        self.new.visit_kind = Some(kind.into());
        self
    }

    /// A case analysis's polarity (`positive`, `negative`).
    pub fn polarity(mut self, polarity: &str) -> Self {
        self.new.polarity = Some(polarity.into());
        self
    }

    /// Done for this research project.
    pub fn for_project(mut self, project: &Id) -> Self {
        self.new.research_project_id = Some(project.clone());
        self
    }

    pub fn status(mut self, status: ActivityStatus) -> Self {
        self.new.status = status;
        self.status_given = true;
        self
    }

    /// A plan for the day, not yet held.
    pub fn planned(self) -> Self {
        self.status(ActivityStatus::Planned)
    }

    /// What the store is given.
    pub fn build(self) -> NewActivity {
        self.new
    }

    /// The body of `POST /api/v1/activities`: the fields given, and the
    /// kind, host, day, length and agenda always.
    pub fn json(&self) -> Value {
        let n = &self.new;
        let agenda: Vec<Value> = n
            .agenda
            .iter()
            .map(|item| match &item.title {
                Some(title) => json!({"kind": item.kind, "title": title}),
                None => json!({"kind": item.kind}),
            })
            .collect();
        let mut body = json!({
            "kind": n.kind,
            "host_org_id": n.host_org_id.to_string(),
            "held_on": n.held_on.to_string(),
            "duration_minutes": n.duration_minutes,
            "agenda": agenda,
        });
        let mut put = |field: &str, value: Value| body[field] = value;
        if let Some(title) = &n.title {
            put("title", json!(title));
        }
        if let Some(at) = n.starts_at {
            put("starts_at", json!(at.format("%H:%M").to_string()));
        }
        if let Some(presenter) = &n.presenter_id {
            put("presenter_id", json!(presenter.to_string()));
        }
        if let Some(people) = &n.participants {
            put("participants", json!(people.iter().map(Id::to_string).collect::<Vec<_>>()));
        }
        if !n.absentees.is_empty() {
            let absentees: Vec<Value> =
                n.absentees.iter().map(|a| json!({"person_id": a.person_id.to_string(), "reason": a.reason})).collect();
            put("absentees", json!(absentees));
        }
        if let Some(kind) = &n.visit_kind {
            put("visit_kind", json!(kind));
        }
        if let Some(polarity) = &n.polarity {
            put("polarity", json!(polarity));
        }
        if let Some(project) = &n.research_project_id {
            put("research_project_id", json!(project.to_string()));
        }
        if self.status_given {
            put("status", json!(n.status.code()));
        }
        body
    }
}

/// Records `new` as of [`today`], committed.
pub async fn record(store: &Store, new: NewActivity) -> Activity {
    try_record(store, new).await.unwrap_or_else(|e| panic!("recording the activity: {e}"))
}

/// Records `new` as of [`today`]; committed only when the store accepts it.
pub async fn try_record(store: &Store, new: NewActivity) -> Result<Activity, StoreError> {
    record_as_of(store, new, today()).await
}

/// Records `new` as of `today`; committed only when the store accepts it.
pub async fn record_as_of(store: &Store, new: NewActivity, today: NaiveDate) -> Result<Activity, StoreError> {
    let mut w = store.writer(&Actor::system("test")).await?;
    let recorded = store.record_activity(&mut w, &Catalogue::embedded().unwrap(), new, today).await?;
    w.commit().await?;
    Ok(recorded)
}
