//! One recorded activity, `/activities/{id}`: what was held, where, when,
//! by whom, its agenda in order, who took part and who was absent and why,
//! and every requirement this one record satisfied (for the host, the
//! organizations above it, the presenter or the participants). Reading it
//! needs `read` on the host; the day it was entered is shown to those who
//! supervise the host.

use super::{period_label, rules_lang, with_year};
use crate::AppState;
use crate::evaluation::Evaluated;
use crate::pages::views::{OrgLink, minute};
use crate::pages::{PageContext, PageError, Viewer, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Datelike;
use domain::Id;
use domain::access::Action;
use i18n::Lang;
use rules::{Catalogue, Subject};
use std::collections::HashMap;
use store::activities::{Activity, ActivityStatus, MinutesState};

/// A person named on the page, linked to their page.
pub struct PersonLink {
    pub href: String,
    pub name: String,
}

/// An agenda item in words.
pub struct AgendaLine {
    pub kind: String,
    pub title: Option<String>,
}

/// Someone expected who did not come, and why.
pub struct AbsentLine {
    pub person: PersonLink,
    pub reason: String,
}

/// A cell this record is evidence of.
pub struct SatisfiedLine {
    pub title: String,
    pub subject: String,
    pub subject_href: String,
    pub period: String,
    pub code: &'static str,
    pub word: &'static str,
    pub symbol: &'static str,
}

#[derive(Template)]
#[template(path = "compliance_activity.html")]
struct ActivityPage<'a> {
    c: &'a PageContext,
    id: String,
    kind: String,
    title: Option<String>,
    host: OrgLink,
    held_on: String,
    starts_at: Option<String>,
    duration: i64,
    presenter: Option<PersonLink>,
    agenda: Vec<AgendaLine>,
    present: Vec<PersonLink>,
    absent: Vec<AbsentLine>,
    visit_kind: Option<String>,
    polarity: Option<&'static str>,
    /// When it was entered; only for those who supervise the host.
    entered_on: Option<String>,
    /// How many days after it was held it was entered, when more than one.
    entered_late: Option<String>,
    satisfied: Vec<SatisfiedLine>,
    grid_href: String,
    /// `planned`, `held` or `cancelled`.
    status: &'static str,
    planned_on: Option<String>,
    minutes: Option<String>,
    minutes_final: bool,
    corrections: Vec<store::activities::Correction>,
    /// The viewer may change the record (hold or cancel a plan, correct it).
    may_record: bool,
    version: i64,
    csrf: String,
    notice: Notice,
    /// Its files, and the form to add one (`activity_attachments.html`).
    attachments: crate::pages::attachments::AttachmentsSection,
    /// Life meetings: the problems raised, and the form to add some (`activity_problems.html`).
    problems: Option<crate::pages::research::ProblemsSection>,
    /// For a planned grassroots visit: the other visits to the same unit
    /// within 14 days (`visit_coordination.html`).
    visit_coordination: Option<crate::pages::birthdays::VisitCoordination>,
}

/// What the page says about the form just sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Notice {
    #[default]
    None,
    Saved,
    SavedAgain,
    NotChanged,
}

/// The page's query: what happened just before.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ActivityQuery {
    saved: Option<String>,
    again: Option<String>,
    conflict: Option<String>,
}

impl ActivityQuery {
    fn notice(&self) -> Notice {
        if self.conflict.is_some() {
            Notice::NotChanged
        } else if self.again.is_some() {
            Notice::SavedAgain
        } else if self.saved.is_some() {
            Notice::Saved
        } else {
            Notice::None
        }
    }
}

/// `GET /activities/{id}`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<axum::extract::Query<ActivityQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let notice = query.map(|q| q.0.notice()).unwrap_or_default();
    ctx.respond(activity_page(&state, &ctx, &viewer, &id, notice).await)
}

fn term(list: &[rules::catalogue::Term], code: &str, lang: Lang) -> String {
    list.iter().find(|t| t.code == code).map_or_else(|| code.to_owned(), |t| t.label(rules_lang(lang)).to_owned())
}

/// The path from the root to an organization of the evaluated world.
fn org_path(ev: &Evaluated, org: u32) -> Vec<Id> {
    let world = ev.engine.world();
    let mut path = Vec::new();
    let mut at = Some(org);
    while let Some(o) = at {
        if let Some(id) = ev.loaded.org_ids.get(o as usize) {
            path.push(id.clone());
        }
        at = world.orgs.get(o as usize).and_then(|f| f.parent);
    }
    path.reverse();
    path
}

/// The cells whose evidence includes activity `ix`: those of the host and
/// the organizations above it, of the presenter and of those present —
/// only of subjects the reader may read (`may` is asked with the path of
/// the organization, or of the person's organization).
fn satisfied(ev: &Evaluated, ix: u32, lang: Lang, may: &dyn Fn(&[Id]) -> bool) -> Vec<SatisfiedLine> {
    let world = ev.engine.world();
    let Some(Some(fact)) = world.activities.get(ix as usize) else { return Vec::new() };
    let mut subjects = Vec::new();
    let mut org = Some(fact.host);
    while let Some(o) = org {
        subjects.push(Subject::Org(o));
        org = world.orgs.get(o as usize).and_then(|f| f.parent);
    }
    subjects.extend(fact.presenter.map(Subject::Person));
    subjects.extend(fact.present.iter().map(|&p| Subject::Person(p)));
    subjects.dedup();
    subjects.retain(|s| ev.engine.home_of(*s).is_some_and(|home| may(&org_path(ev, home))));
    let mut out = Vec::new();
    for subject in subjects {
        // A cell counts this record when it names it as evidence, or, for
        // study hours, when the record's attended minutes add to it.
        let counts = |c: &rules::Cell| {
            c.evidence.contains(&ix)
                || (matches!(subject, Subject::Person(p) if fact.present.contains(&p))
                    && c.period.contains(fact.held_on)
                    && ev
                        .engine
                        .requirements()
                        .get(usize::from(c.requirement))
                        .and_then(|r| r.hours.as_ref())
                        .is_some_and(|h| h.kinds.contains(&fact.kind)))
        };
        for cell in ev.engine.cells_of(subject).into_iter().filter(counts) {
            let Some(req) = ev.engine.requirements().get(usize::from(cell.requirement)) else { continue };
            let (subject, subject_href) = match subject {
                Subject::Org(o) => (ev.loaded.org_names.get(o as usize), ev.loaded.org_ids.get(o as usize).map(|id| format!("/orgs/{id}"))),
                Subject::Person(p) => {
                    (ev.loaded.person_names.get(p as usize), ev.loaded.person_ids.get(p as usize).map(|id| format!("/people/{id}")))
                }
            };
            let (Some(subject), Some(subject_href)) = (subject, subject_href) else { continue };
            out.push(SatisfiedLine {
                title: req.title(rules_lang(lang)).to_owned(),
                subject: subject.clone(),
                subject_href,
                period: period_label(cell.period, lang),
                code: cell.status.code(),
                word: i18n::t(lang, super::status_key(cell.status)),
                symbol: super::status_symbol(cell.status),
            });
        }
    }
    out
}

/// The names of the people the record mentions, from the evaluation where
/// it knows them.
fn known_names(ev: &Evaluated, ids: &[&Id]) -> HashMap<Id, String> {
    ids.iter()
        .filter_map(|id| {
            let ix = ev.loaded.person_index.get(*id)?;
            Some(((*id).clone(), ev.loaded.person_names.get(*ix as usize)?.clone()))
        })
        .collect()
}

async fn activity_page(state: &AppState, ctx: &PageContext, viewer: &Viewer, raw_id: &str, notice: Notice) -> Result<Response, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let today = state.today.date();
    let activity = state.store.activity(&id).await?.ok_or(PageError::NotFound)?;
    let host = viewer.require(state, Action::Read, &activity.host_org_id, today).await?;
    let lang = ctx.lang;
    let may_see_reasons = viewer.may(Action::Record, &host.path, today) || viewer.may(Action::Supervise, &host.path, today);
    let mentioned: Vec<&Id> = activity.presenter_id.iter().chain(activity.participants.iter().map(|p| &p.person_id)).collect();
    let (satisfied, mut names) = with_year(state, activity.held_on.year(), |ev| {
        let may = |path: &[Id]| viewer.may(Action::Read, path, today);
        let satisfied = ev.loaded.activity_index.get(&id).map(|&ix| satisfied(ev, ix, lang, &may)).unwrap_or_default();
        (satisfied, known_names(ev, &mentioned))
    })
    .await?;
    for person in mentioned {
        if !names.contains_key(person)
            && let Some(p) = state.store.person(person, activity.held_on).await?
        {
            names.insert(person.clone(), p.name.to_string());
        }
    }
    let link = |person: &Id| PersonLink {
        href: format!("/people/{person}"),
        name: names.get(person).cloned().unwrap_or_else(|| i18n::t(lang, "activity-unknown-person").to_owned()),
    };
    let supervisor = viewer.may(Action::Supervise, &host.path, today);
    let entered = chrono::DateTime::parse_from_rfc3339(&activity.created_at).ok().map(|t| t.date_naive());
    let late_days = entered.map(|d| (d - activity.held_on).num_days()).filter(|d| *d > 1 && activity.status == ActivityStatus::Held);
    let corrections = state.store.corrections(&activity).await?;
    render(&ActivityPage {
        c: ctx,
        id: activity.id.to_string(),
        entered_late: late_days.filter(|_| supervisor).map(|d| i18n::t_args(lang, "record-entered-late", &[("days", d.into())])),
        status: activity.status.code(),
        planned_on: activity.planned_on.map(|d| d.format("%Y-%m-%d").to_string()),
        minutes: activity.minutes.clone(),
        minutes_final: activity.minutes_state == Some(MinutesState::Final),
        corrections,
        may_record: viewer.may(Action::Record, &host.path, today),
        version: activity.version,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        notice,
        attachments: crate::pages::attachments::section(state, viewer, &activity, &host, lang).await?,
        problems: crate::pages::research::problems_section(state, viewer, &activity, &host, lang).await?,
        visit_coordination: if rules::vocabulary::ActivityKind::GrassrootsVisit.is(&activity.kind)
            && activity.status == ActivityStatus::Planned
        {
            Some(crate::pages::birthdays::visit_coordination(state, lang, &host, activity.held_on, Some(&activity.id)).await?)
        } else {
            None
        },
        kind: term(&state.catalogue.activity_kinds, &activity.kind, lang),
        title: activity.title.clone(),
        held_on: activity.held_on.format("%Y-%m-%d").to_string(),
        starts_at: activity.starts_at.clone(),
        duration: activity.duration_minutes,
        presenter: activity.presenter_id.as_ref().map(link),
        agenda: agenda(&state.catalogue, &activity, lang),
        present: activity.participants.iter().filter(|p| p.present).map(|p| link(&p.person_id)).collect(),
        absent: activity
            .participants
            .iter()
            .filter(|p| !p.present)
            .map(|p| AbsentLine {
                person: link(&p.person_id),
                // Reasons may be personal (illness): only for those who record or supervise here.
                reason: if may_see_reasons { p.absence_reason.clone().unwrap_or_default() } else { String::new() },
            })
            .collect(),
        visit_kind: activity.visit_kind.as_deref().map(|v| term(&state.catalogue.visit_kinds, v, lang)),
        polarity: activity.polarity.as_deref().map(|p| polarity_word(p, lang)),
        entered_on: viewer.may(Action::Supervise, &host.path, today).then(|| minute(&activity.created_at)),
        satisfied,
        grid_href: format!("/orgs/{}/compliance?year={}", host.id, activity.held_on.year()),
        host: OrgLink::new(&host, lang),
    })
}

fn agenda(catalogue: &Catalogue, activity: &Activity, lang: Lang) -> Vec<AgendaLine> {
    activity.agenda.iter().map(|i| AgendaLine { kind: term(&catalogue.agenda_kinds, &i.kind, lang), title: i.title.clone() }).collect()
}

fn polarity_word(code: &str, lang: Lang) -> &'static str {
    match code {
        "positive" => i18n::t(lang, "activity-polarity-positive"),
        "negative" => i18n::t(lang, "activity-polarity-negative"),
        _ => i18n::t(lang, "common-not-recorded"),
    }
}
