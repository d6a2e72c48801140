//! The recording form as shown: the template's view model, filled from a
//! draft in named steps (the hosts the viewer may record for, the presenters
//! the form may name, the agenda and the people expected, what only some
//! kinds ask), and the catalogue's words it needs.

use crate::AppState;
use crate::pages::compliance::rules_lang;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer};
use askama::Template;
use chrono::NaiveDate;
use domain::access::Action;
use domain::{Id, Organization};
use i18n::Lang;
use rules::Catalogue;
use rules::vocabulary::ActivityKind;
use std::collections::{HashMap, HashSet};

use super::form::Draft;

/// Empty agenda rows offered below the template's for additions.
const SPARE_AGENDA_ROWS: usize = 2;

/// An option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options under a heading.
pub struct ChoiceGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

/// One row of the agenda table.
pub struct AgendaRow {
    pub index: usize,
    pub kinds: Vec<Choice>,
    pub title: String,
}

/// One expected person: present unless ticked absent.
pub struct AttendeeRow {
    pub id: String,
    pub name: String,
    pub absent: bool,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "record_form.html")]
pub struct RecordForm<'a> {
    pub c: &'a PageContext,
    pub org: OrgLink,
    pub heading: String,
    pub action: String,
    pub csrf: String,
    pub form_key: String,
    /// The host the people were listed for (sent back to notice a change of host).
    pub people_host: String,
    /// Editing a stored record (its version is sent back).
    pub version: Option<i64>,
    /// The record's minutes are final: a correction needs a reason.
    pub needs_reason: bool,
    pub correction_reason: String,
    /// A new record or a plan: it may (still) be only planned.
    pub may_plan: bool,
    pub planned: bool,
    pub kind: String,
    /// Other kinds, for the "another kind" switch (a GET form).
    pub kinds: Vec<Choice>,
    pub held_on: String,
    pub starts_at: String,
    pub duration: String,
    pub title: String,
    pub hosts: Vec<Choice>,
    pub presenters: Vec<ChoiceGroup>,
    pub no_presenter: bool,
    pub agenda: Vec<AgendaRow>,
    pub first_issue: bool,
    pub people: Vec<AttendeeRow>,
    pub visit_kinds: Vec<Choice>,
    pub polarities: Vec<Choice>,
    /// Other visits to the same unit within 14 days (grassroots visits only).
    pub visit_coordination: Option<crate::pages::birthdays::VisitCoordination>,
    /// Research projects a visit or case analysis may belong to (those of
    /// the host and the organizations above it); empty for other kinds.
    pub projects: Vec<Choice>,
    pub minutes: String,
    pub minutes_final: bool,
    pub errors: Vec<(String, String)>,
}

impl RecordForm<'_> {
    /// The error shown beside `field`, if any.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

/// The kind chooser shown when no kind is given.
#[derive(Template)]
#[template(path = "record_choose.html")]
pub struct ChooseKind<'a> {
    pub c: &'a PageContext,
    pub org: OrgLink,
    /// Kinds the organization's requirements ask for, first.
    pub suggested: Vec<Choice>,
    pub others: Vec<Choice>,
}

pub(super) fn term_label(terms: &[rules::catalogue::Term], code: &str, lang: Lang) -> String {
    terms.iter().find(|t| t.code == code).map_or_else(|| code.to_owned(), |t| t.label(rules_lang(lang)).to_owned())
}

pub(super) fn choices(terms: &[rules::catalogue::Term], selected: &str, lang: Lang) -> Vec<Choice> {
    terms
        .iter()
        .map(|t| Choice { value: t.code.clone(), label: t.label(rules_lang(lang)).to_owned(), selected: t.code == selected })
        .collect()
}

/// The agenda-item kind the "first issue" system puts first for meetings of `kind`, if any.
pub(super) fn first_item(catalogue: &Catalogue, kind: &str) -> Option<String> {
    let ix = catalogue.activity_kinds.iter().position(|t| t.code == kind)?;
    catalogue.requirements.iter().find_map(|r| {
        let s = &r.satisfied_by;
        if s.kinds.iter().any(|k| usize::from(*k) == ix) {
            s.first_agenda_item.and_then(|a| catalogue.agenda_kinds.get(usize::from(a))).map(|t| t.code.clone())
        } else {
            None
        }
    })
}

/// Agenda-item kinds a requirement on meetings of `kind` asks to include (life meetings).
pub(super) fn required_items(catalogue: &Catalogue, kind: &str) -> Vec<String> {
    let Some(ix) = catalogue.activity_kinds.iter().position(|t| t.code == kind) else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    for r in &catalogue.requirements {
        if r.satisfied_by.kinds.iter().any(|k| usize::from(*k) == ix) {
            for a in &r.satisfied_by.agenda_includes {
                if let Some(t) = catalogue.agenda_kinds.get(usize::from(*a))
                    && !out.contains(&t.code)
                {
                    out.push(t.code.clone());
                }
            }
        }
    }
    out
}

/// The first activity kind that satisfies requirement `id`.
pub(super) fn kind_for_requirement(catalogue: &Catalogue, id: &str) -> Option<String> {
    let r = catalogue.requirements.iter().find(|r| r.id == id)?;
    let kind = r.satisfied_by.kinds.first().or_else(|| r.hours.as_ref().and_then(|h| h.kinds.first()))?;
    catalogue.activity_kinds.get(usize::from(*kind)).map(|t| t.code.clone())
}

/// What the form needs besides the draft.
pub(super) struct Frame<'a> {
    pub(super) org: &'a Organization,
    /// The record being changed, if any.
    pub(super) activity: Option<Id>,
    pub(super) heading: String,
    pub(super) action: String,
    pub(super) version: Option<i64>,
    pub(super) needs_reason: bool,
    pub(super) may_plan: bool,
}

/// The presenters the form offers and the names it may show.
struct Presenters {
    groups: Vec<ChoiceGroup>,
    /// Names of the people the host's form may name.
    names: HashMap<Id, String>,
}

/// The hosts the viewer may record for: the organization and those
/// directly under it; and the host the draft names, if the viewer may
/// record for it (the form never shows anything of another organization).
async fn hosts(
    state: &AppState,
    viewer: &Viewer,
    org: &Organization,
    draft: &Draft,
    day: NaiveDate,
) -> Result<(Vec<Choice>, Organization), PageError> {
    let today = state.today.date();
    let mut hosts = vec![Choice { value: org.id.to_string(), label: org.name.to_string(), selected: false }];
    for child in state.store.children(&org.id, today).await? {
        if viewer.may(Action::Record, &child.path, today) {
            hosts.push(Choice { value: child.id.to_string(), label: child.name.to_string(), selected: false });
        }
    }
    let host_org = match Id::parse(&draft.host) {
        Some(id) if id != org.id => match state.store.org(&id, day).await? {
            Some(o) if viewer.may(Action::Record, &o.path, today) => o,
            _ => org.clone(),
        },
        _ => org.clone(),
    };
    if !hosts.iter().any(|h| h.value == host_org.id.as_str()) {
        hosts.push(Choice { value: host_org.id.to_string(), label: host_org.name.to_string(), selected: true });
    }
    for h in &mut hosts {
        h.selected = h.value == host_org.id.as_str();
    }
    Ok((hosts, host_org))
}

/// The host's people and the leaders of the organizations above it, as
/// presenters; and the names of everyone the form may name: the host's
/// members on the day, the holders of its positions and of those above
/// it, and those expected there. Anyone else sent back is shown by id.
async fn presenters(
    state: &AppState,
    lang: Lang,
    host: &Organization,
    above_host: &[Organization],
    draft: &Draft,
    day: NaiveDate,
) -> Result<Presenters, PageError> {
    let own = state.store.list_people(Some(&host.id), None, 500, day).await?.items;
    let above: Vec<Id> = host.path.iter().filter(|p| **p != host.id).cloned().collect();
    let leaders = state.store.position_holders(&above, day).await?;
    let own_holders = state.store.position_holders(std::slice::from_ref(&host.id), day).await?;
    let expected = state.store.expected_participants(&state.catalogue, &draft.kind, &host.id, day).await?;
    let mut wanted: Vec<Id> = leaders.iter().map(|(p, _)| p.clone()).collect();
    wanted.extend(own_holders.iter().map(|(p, _)| p.clone()));
    wanted.extend(expected);
    let allowed: HashSet<Id> = wanted.iter().cloned().chain(own.iter().map(|p| p.id.clone())).collect();
    wanted.extend(draft.people.iter().map(|(p, _, _)| p.clone()).filter(|p| allowed.contains(p)));
    let mut names = state.store.names_of(&wanted).await?;
    for p in &own {
        names.insert(p.id.clone(), p.name.to_string());
    }
    let name = |id: &Id| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut own_options: Vec<Choice> = Vec::new();
    let mut seen = HashSet::new();
    for id in own_holders.iter().map(|(p, _)| p.clone()).chain(own.iter().map(|p| p.id.clone())) {
        if seen.insert(id.clone()) {
            own_options.push(Choice { selected: draft.presenter == id.as_str(), label: name(&id), value: id.to_string() });
        }
    }
    let org_names: HashMap<&Id, &str> = above_host.iter().map(|o| (&o.id, o.name.as_str())).collect();
    let mut leader_options = Vec::new();
    for (person, at) in &leaders {
        if seen.insert(person.clone()) {
            let label = match org_names.get(at) {
                Some(o) => i18n::t_args(lang, "record-presenter-at", &[("name", name(person).into()), ("org", (*o).into())]),
                None => name(person),
            };
            leader_options.push(Choice { selected: draft.presenter == person.as_str(), value: person.to_string(), label });
        }
    }
    if let Some(p) = Id::parse(&draft.presenter).filter(|p| allowed.contains(p))
        && seen.insert(p.clone())
    {
        own_options.push(Choice { label: name(&p), value: p.to_string(), selected: true });
    }
    let mut groups = vec![ChoiceGroup { label: i18n::t(lang, "record-presenters-here").to_owned(), options: own_options }];
    if !leader_options.is_empty() {
        groups.push(ChoiceGroup { label: i18n::t(lang, "record-presenters-above").to_owned(), options: leader_options });
    }
    Ok(Presenters { groups, names })
}

/// The draft's agenda, and spare rows for additions.
fn agenda_rows(catalogue: &Catalogue, draft: &Draft, lang: Lang) -> Vec<AgendaRow> {
    let mut agenda: Vec<AgendaRow> = draft
        .agenda
        .iter()
        .enumerate()
        .map(|(index, (kind, title))| AgendaRow { index, kinds: choices(&catalogue.agenda_kinds, kind, lang), title: title.clone() })
        .collect();
    for _ in 0..SPARE_AGENDA_ROWS {
        let index = agenda.len();
        agenda.push(AgendaRow { index, kinds: choices(&catalogue.agenda_kinds, "", lang), title: String::new() });
    }
    agenda
}

/// The people expected, by name, present unless ticked absent.
fn attendee_rows(draft: &Draft, names: &HashMap<Id, String>) -> Vec<AttendeeRow> {
    draft
        .people
        .iter()
        .map(|(p, absent, reason)| AttendeeRow {
            id: p.to_string(),
            name: names.get(p).cloned().unwrap_or_else(|| p.to_string()),
            absent: *absent,
            reason: reason.clone(),
        })
        .collect()
}

/// What only some kinds ask: the kind of visit, the kind of case, the
/// research project, and the other visits to the same unit.
struct KindParts {
    visit_kinds: Vec<Choice>,
    polarities: Vec<Choice>,
    projects: Vec<Choice>,
    visit_coordination: Option<crate::pages::birthdays::VisitCoordination>,
}

async fn kind_parts(
    state: &AppState,
    lang: Lang,
    draft: &Draft,
    host: &Organization,
    above_host: &[Organization],
    day: NaiveDate,
    activity: Option<&Id>,
) -> Result<KindParts, PageError> {
    let visit = ActivityKind::GrassrootsVisit.is(&draft.kind);
    let visit_kinds = if visit { choices(&state.catalogue.visit_kinds, &draft.visit_kind, lang) } else { Vec::new() };
    let polarities = if ActivityKind::CaseAnalysis.is(&draft.kind) {
        ["positive", "negative"]
            .iter()
            .map(|p| Choice {
                value: (*p).to_owned(),
                label: i18n::t(lang, &format!("activity-polarity-{p}")).to_owned(),
                selected: draft.polarity == *p,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut projects = Vec::new();
    if ActivityKind::links_research(&draft.kind) {
        for at in above_host {
            for p in state.store.projects_of(at, false).await? {
                let label = i18n::t_args(lang, "record-project-of", &[("topic", p.topic.clone().into()), ("org", at.name.as_str().into())]);
                projects.push(Choice { selected: draft.project == p.id.as_str(), value: p.id.to_string(), label });
            }
        }
    }
    let visit_coordination =
        if visit { Some(crate::pages::birthdays::visit_coordination(state, lang, host, day, activity).await?) } else { None };
    Ok(KindParts { visit_kinds, polarities, projects, visit_coordination })
}

pub(super) async fn build_form<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    frame: Frame<'_>,
    draft: Draft,
    errors: Vec<(String, String)>,
) -> Result<RecordForm<'a>, PageError> {
    let lang = ctx.lang;
    let catalogue = &state.catalogue;
    let day = NaiveDate::parse_from_str(&draft.held_on, "%Y-%m-%d").unwrap_or(state.today.date());
    let (hosts, host_org) = hosts(state, viewer, frame.org, &draft, day).await?;
    // The host and the organizations above it, read once for the leaders' labels and the projects.
    let above_host = state.store.path_to(&host_org.id, day).await?;
    let presenters = presenters(state, lang, &host_org, &above_host, &draft, day).await?;
    let parts = kind_parts(state, lang, &draft, &host_org, &above_host, day, frame.activity.as_ref()).await?;
    Ok(RecordForm {
        c: ctx,
        projects: parts.projects,
        visit_coordination: parts.visit_coordination,
        org: OrgLink::new(frame.org, lang),
        heading: frame.heading,
        action: frame.action,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        form_key: draft.form_key.clone(),
        people_host: if draft.people_host.is_empty() { host_org.id.to_string() } else { draft.people_host.clone() },
        version: frame.version,
        needs_reason: frame.needs_reason,
        correction_reason: draft.correction_reason.clone(),
        may_plan: frame.may_plan,
        planned: draft.planned,
        kinds: choices(&catalogue.activity_kinds, &draft.kind, lang),
        first_issue: first_item(catalogue, &draft.kind).is_some(),
        no_presenter: draft.presenter.is_empty(),
        agenda: agenda_rows(catalogue, &draft, lang),
        people: attendee_rows(&draft, &presenters.names),
        presenters: presenters.groups,
        visit_kinds: parts.visit_kinds,
        polarities: parts.polarities,
        hosts,
        kind: draft.kind,
        held_on: draft.held_on,
        starts_at: draft.starts_at,
        duration: draft.duration,
        title: draft.title,
        minutes: draft.minutes,
        minutes_final: draft.minutes_final,
        errors,
    })
}

pub(super) fn heading_new(lang: Lang, kind_label: &str) -> String {
    format!("{}{}{}", i18n::t(lang, "record-heading-new"), i18n::t(lang, "compliance-colon"), kind_label)
}
