//! Political birthdays of a branch, `/orgs/{id}/birthdays?month=YYYY-MM`:
//! the members whose political birthday (the month they joined the party)
//! falls in the month, with their join date and years in the party, and —
//! for those who may record at the branch — a one-step form: the day (today
//! by default), who led it (the branch committee), and everyone ticked. It
//! records one political birthday activity (the admission oath renewed,
//! sixty minutes, the chosen and the committee present) and goes to the
//! activity's page. A refused form comes back with the reason beside its
//! field, nothing written.
//!
//! Also the coordination of grassroots visits ([`visit_coordination`]): the
//! other visits to the same unit within fourteen days of a day, shown by
//! the template `visit_coordination.html` on the page of a planned visit
//! and in the recording form.

use crate::AppState;
use crate::pages::forms::message;
use crate::pages::session::CsrfForm;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer, render, render_status};
use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate};
use domain::access::Action;
use domain::{Field, FieldError, Id, OrgKind, Organization, PartialDate, Problem};
use i18n::Lang;
use std::collections::HashMap;
use store::StoreError;
use store::activities::ActivityStatus;
use store::birthdays::{Birthday, VISIT_WINDOW_DAYS};

/// The routes of the birthday page (merged into the page routes).
pub fn routes() -> Router<AppState> {
    Router::new().route("/orgs/{id}/birthdays", get(page).post(record))
}

/// Form field names: the day, the presenter, and one checkbox per member
/// (`member_<person id>`, value `1`).
const HELD_ON: &str = "held_on";
const PRESENTER: &str = "presenter";
const MEMBER_PREFIX: &str = "member_";
/// The hidden field keeping the month shown.
const MONTH: &str = "month";

/// A member whose birthday falls in the month, as listed.
pub struct BirthdayRow {
    pub id: String,
    pub name: String,
    /// The group the member belongs to, when not the organization shown.
    pub group: Option<String>,
    pub join_date: String,
    pub years: i32,
    /// The page of the political birthday they already attended this month.
    pub celebrated: Option<(String, String)>,
    /// Ticked in the form.
    pub checked: bool,
}

/// An option of the presenter select.
pub struct PresenterChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "org_birthdays.html")]
struct BirthdaysPage<'a> {
    c: &'a PageContext,
    org: OrgLink,
    /// `YYYY-MM`
    month: String,
    /// "2026年11月" / "November 2026"
    month_label: String,
    prev_href: String,
    next_href: Option<String>,
    rows: Vec<BirthdayRow>,
    /// The form is shown: the viewer may record here, and the month is not
    /// after this one.
    may_record: bool,
    csrf: String,
    held_on: String,
    presenters: Vec<PresenterChoice>,
    /// (field, message); `_form` for the form as a whole.
    errors: Vec<(String, String)>,
}

impl BirthdaysPage<'_> {
    /// The error shown beside `field`, if any.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

/// What the form sent, kept to show it again.
#[derive(Default)]
struct Sent {
    held_on: String,
    presenter: String,
    ticked: Vec<String>,
    errors: Vec<(String, String)>,
}

/// `YYYY-MM` between 2000-01 and next month, or `None`.
fn parse_month(raw: &str, today: NaiveDate) -> Option<(i32, u32)> {
    let (y, m) = raw.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (year, month) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let latest = today.with_day(1)?.checked_add_months(Months::new(1))?;
    (first.year() >= 2000 && first <= latest).then_some((year, month))
}

fn month_key(year: i32, month: u32) -> String {
    format!("{year:04}-{month:02}")
}

/// "2026年11月" / "November 2026".
fn month_label(lang: Lang, year: i32, month: u32) -> String {
    super::compliance::period_label(rules::Period::Month(year, u8::try_from(month).unwrap_or(1)), lang)
}

/// The organization, if the viewer may read it and it is one whose members
/// keep their birthdays together (a branch, a general branch, a group).
async fn birthday_org(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Organization, PageError> {
    let id = Id::parse(raw_id).ok_or(PageError::NotFound)?;
    let org = viewer.require(state, Action::Read, &id, state.today.date()).await?;
    if !matches!(org.kind, OrgKind::Branch | OrgKind::GeneralBranch | OrgKind::Group) {
        return Err(PageError::NotFound);
    }
    Ok(org)
}

/// `GET /orgs/{id}/birthdays`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    Path(id): Path<String>,
    query: Result<Query<MonthQuery>, QueryRejection>,
) -> Response {
    let result = async {
        let org = birthday_org(&state, &viewer, &id).await?;
        let today = state.today.date();
        let (year, month) = match query.ok().and_then(|Query(q)| q.month).filter(|m| !m.trim().is_empty()) {
            None => (today.year(), today.month()),
            Some(raw) => parse_month(&raw, today).ok_or(PageError::NotFound)?,
        };
        let page = birthdays_page(&state, &ctx, &viewer, &org, year, month, None).await?;
        render(&page)
    }
    .await;
    ctx.respond(result)
}

/// The default day of the form: today in this month, else the month's last day.
fn default_day(year: i32, month: u32, today: NaiveDate) -> NaiveDate {
    let last = PartialDate::year_month(year, month).map_or(today, |d| d.last_day());
    last.min(today)
}

async fn birthdays_page<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    viewer: &Viewer,
    org: &Organization,
    year: i32,
    month: u32,
    sent: Option<Sent>,
) -> Result<BirthdaysPage<'a>, PageError> {
    let today = state.today.date();
    let lang = ctx.lang;
    let store = &state.store;
    let members = store.birthdays_in_month(&org.id, year, month, today).await?;
    let names: HashMap<Id, String> = store.subtree(&org.id, today).await?.into_iter().map(|o| (o.id, o.name.to_string())).collect();
    let sent_form = sent.is_some();
    let sent = sent.unwrap_or_default();
    let rows = members
        .iter()
        .map(|m| BirthdayRow {
            id: m.person_id.to_string(),
            name: m.name.clone(),
            group: (m.org_id != org.id).then(|| names.get(&m.org_id).cloned()).flatten(),
            join_date: m.join_date.to_string(),
            years: m.years,
            celebrated: m
                .celebrated_in
                .as_ref()
                .map(|a| (format!("/activities/{a}"), m.celebrated_on.map(|d| d.to_string()).unwrap_or_default())),
            // Everyone still to celebrate is ticked; a form sent back keeps its ticks.
            checked: if sent_form { sent.ticked.contains(&m.person_id.to_string()) } else { m.celebrated_in.is_none() },
        })
        .collect();
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(PageError::NotFound)?;
    let prev = first.checked_sub_months(Months::new(1)).ok_or(PageError::NotFound)?;
    let next = first.checked_add_months(Months::new(1)).ok_or(PageError::NotFound)?;
    let this_month = today.with_day(1).unwrap_or(today);
    let may_record = viewer.may(Action::Record, &org.path, today) && first <= this_month;
    let mut presenters = Vec::new();
    let mut held_on = sent.held_on.clone();
    if may_record {
        let day = default_day(year, month, today);
        if !sent_form {
            held_on = day.to_string();
        }
        let committee = store.branch_committee(&org.id, day).await?;
        let chosen =
            if sent_form { sent.presenter.clone() } else { committee.first().map(|c| c.person_id.to_string()).unwrap_or_default() };
        presenters.push(PresenterChoice {
            value: String::new(),
            label: i18n::t(lang, "birthdays-no-presenter").to_owned(),
            selected: chosen.is_empty(),
        });
        for c in committee {
            let positions: Vec<&str> = c.positions.iter().map(|p| i18n::label(lang, "position", p.code())).collect();
            let value = c.person_id.to_string();
            presenters.push(PresenterChoice {
                selected: value == chosen,
                label: format!("{}（{}）", c.name, positions.join(i18n::t(lang, "list-separator"))),
                value,
            });
        }
    }
    Ok(BirthdaysPage {
        c: ctx,
        org: OrgLink::new(org, lang),
        month: month_key(year, month),
        month_label: month_label(lang, year, month),
        prev_href: format!("/orgs/{}/birthdays?month={}", org.id, month_key(prev.year(), prev.month())),
        next_href: (next <= this_month).then(|| format!("/orgs/{}/birthdays?month={}", org.id, month_key(next.year(), next.month()))),
        rows,
        may_record,
        csrf: viewer.csrf().unwrap_or_default().to_owned(),
        held_on,
        presenters,
        errors: sent.errors,
    })
}

/// The form field a store error names.
fn form_field(field: Field) -> &'static str {
    match field {
        Field::HeldOn => HELD_ON,
        Field::Presenter => PRESENTER,
        Field::Participant => "members",
        _ => "_form",
    }
}

/// `POST /orgs/{id}/birthdays`: records the birthday of the ticked members
/// and goes to the activity's page; or shows the form again (422) with the
/// reason beside its field, nothing written.
pub async fn record(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    form: CsrfForm<HashMap<String, String>>,
) -> Response {
    let CsrfForm { viewer, form: fields } = form;
    let result = async {
        let org = birthday_org(&state, &viewer, &id).await?;
        let today = state.today.date();
        if !viewer.may(Action::Record, &org.path, today) {
            return Err(PageError::NotFound);
        }
        let lang = ctx.lang;
        let value = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
        let mut sent = Sent { held_on: value(HELD_ON), presenter: value(PRESENTER), ..Sent::default() };
        let mut ticked: Vec<(String, Id)> = Vec::new();
        let mut unknown = None;
        for (name, v) in &fields {
            let Some(raw) = name.strip_prefix(MEMBER_PREFIX) else { continue };
            if v.trim().is_empty() {
                continue;
            }
            match Id::parse(raw) {
                Some(person) => ticked.push((raw.to_owned(), person)),
                None => unknown = Some(raw.to_owned()),
            }
        }
        ticked.sort_by(|a, b| a.0.cmp(&b.0));
        sent.ticked = ticked.iter().map(|(raw, _)| raw.clone()).collect();
        let (shown_year, shown_month) = parse_month(&value(MONTH), today).unwrap_or((today.year(), today.month()));
        let held_on = if sent.held_on.is_empty() {
            sent.errors.push((HELD_ON.into(), message(lang, &FieldError::new(Field::HeldOn, Problem::Required, ""))));
            None
        } else {
            match NaiveDate::parse_from_str(&sent.held_on, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    sent.errors.push((HELD_ON.into(), message(lang, &FieldError::new(Field::HeldOn, Problem::NotADate, &sent.held_on))));
                    None
                }
            }
        };
        if let Some(raw) = unknown {
            sent.errors.push(("members".into(), message(lang, &FieldError::new(Field::Participant, Problem::NotFound, &raw))));
        }
        let presenter = match sent.presenter.as_str() {
            "" => None,
            raw => match Id::parse(raw) {
                Some(p) => Some(p),
                None => {
                    sent.errors.push((PRESENTER.into(), message(lang, &FieldError::new(Field::Presenter, Problem::NotFound, raw))));
                    None
                }
            },
        };
        let (Some(held_on), true) = (held_on, sent.errors.is_empty()) else {
            return again(&state, &ctx, &viewer, &org, shown_year, shown_month, sent).await;
        };
        let people: Vec<Id> = ticked.into_iter().map(|(_, p)| p).collect();
        let mut w = state.store.writer(&viewer.actor()).await?;
        match state
            .store
            .record_birthday(
                &mut w,
                &state.catalogue,
                Birthday { org_id: &org.id, day: held_on, person_ids: &people, presenter: presenter.as_ref() },
                today,
            )
            .await
        {
            Ok(activity) => {
                w.commit().await?;
                state.evaluations.activity_recorded(&activity);
                Ok(Redirect::to(&format!("/activities/{}", activity.id)).into_response())
            }
            Err(StoreError::Invalid(fe)) => {
                drop(w);
                sent.errors.push((form_field(fe.field).into(), message(lang, &fe)));
                again(&state, &ctx, &viewer, &org, shown_year, shown_month, sent).await
            }
            Err(StoreError::Rule(m)) => {
                drop(w);
                sent.errors.push(("_form".into(), i18n::render(lang, &m)));
                again(&state, &ctx, &viewer, &org, shown_year, shown_month, sent).await
            }
            Err(other) => Err(other.into()),
        }
    }
    .await;
    ctx.respond(result)
}

/// The page again with the form's errors (422), nothing written.
async fn again(
    state: &AppState,
    ctx: &PageContext,
    viewer: &Viewer,
    org: &Organization,
    year: i32,
    month: u32,
    sent: Sent,
) -> Result<Response, PageError> {
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &birthdays_page(state, ctx, viewer, org, year, month, Some(sent)).await?)
}

/// Another grassroots visit to the same unit near the day, as listed.
pub struct NearbyRow {
    pub href: String,
    pub held_on: String,
    /// "5 days later" / "the same day".
    pub when: String,
    pub presenter: String,
    pub presenter_href: Option<String>,
    pub visit_kind: String,
    /// `planned` or `held`.
    pub status: &'static str,
    pub status_word: &'static str,
}

/// The other grassroots visits to a unit within fourteen days of a day, for
/// the template `visit_coordination.html` (which reads a field
/// `visit_coordination: Option<VisitCoordination>` of the page).
pub struct VisitCoordination {
    pub around: String,
    /// What is listed, in the page's language.
    pub explain: String,
    pub rows: Vec<NearbyRow>,
}

/// The coordination section for a visit to `unit` on `day` (leaving out
/// `exclude`, the visit shown). Names of visit kinds come from the
/// catalogue, words from the page's language.
pub async fn visit_coordination(
    state: &AppState,
    lang: Lang,
    unit: &Organization,
    day: NaiveDate,
    exclude: Option<&Id>,
) -> Result<VisitCoordination, PageError> {
    let visits = state.store.planned_visits_near(&unit.id, day, exclude).await?;
    let rules_lang = match lang {
        Lang::ZhCn => rules::catalogue::Lang::Zh,
        Lang::En => rules::catalogue::Lang::En,
    };
    let rows = visits
        .into_iter()
        .map(|v| {
            let visit_kind = v
                .visit_kind
                .as_deref()
                .map(|code| {
                    state
                        .catalogue
                        .visit_kinds
                        .iter()
                        .find(|t| t.code == code)
                        .map_or_else(|| code.to_owned(), |t| t.label(rules_lang).to_owned())
                })
                .unwrap_or_default();
            let when = match v.days_apart {
                0 => i18n::t(lang, "visits-same-day").to_owned(),
                d if d > 0 => i18n::t_args(lang, "visits-days-after", &[("days", d.into())]),
                d => i18n::t_args(lang, "visits-days-before", &[("days", (-d).into())]),
            };
            let planned = v.status == ActivityStatus::Planned;
            NearbyRow {
                href: format!("/activities/{}", v.id),
                held_on: v.held_on.to_string(),
                when,
                presenter: v.presenter_name.clone().unwrap_or_else(|| i18n::t(lang, "common-not-recorded").to_owned()),
                presenter_href: v.presenter_id.as_ref().map(|p| format!("/people/{p}")),
                visit_kind,
                status: v.status.code(),
                status_word: i18n::t(lang, if planned { "visits-planned" } else { "visits-held" }),
            }
        })
        .collect();
    Ok(VisitCoordination {
        around: day.to_string(),
        explain: i18n::t_args(
            lang,
            "visits-explain",
            &[("days", VISIT_WINDOW_DAYS.into()), ("day", day.to_string().into()), ("unit", unit.name.as_str().into())],
        ),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn months_run_from_2000_to_next_month() {
        let today = d("2026-11-23");
        assert_eq!(parse_month("2026-11", today), Some((2026, 11)));
        assert_eq!(parse_month("2026-12", today), Some((2026, 12)));
        assert_eq!(parse_month("2000-01", today), Some((2000, 1)));
        for bad in ["2027-01", "1999-12", "2026-13", "2026-1", "26-11", "2026/11", "", "x"] {
            assert_eq!(parse_month(bad, today), None, "{bad}");
        }
    }

    #[test]
    fn the_forms_day_is_today_or_the_months_last_day() {
        let today = d("2026-11-23");
        assert_eq!(default_day(2026, 11, today), today);
        assert_eq!(default_day(2026, 10, today), d("2026-10-31"));
        assert_eq!(default_day(2024, 2, today), d("2024-02-29"));
    }
}
