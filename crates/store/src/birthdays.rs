//! Political birthdays (政治生日), the spread of grassroots visits, and plans
//! left open — three small helpers over the recorded activities:
//!
//! - **Political birthdays.** A member's political birthday falls in the
//!   month they joined the party (catalogue requirement `political-birthday`:
//!   a `political_birthday` activity attended by the member in that month;
//!   a member who joined this year has none yet). [`Store::birthdays_in_month`]
//!   lists the members of a branch (its groups included) whose birthday falls
//!   in a month, and [`Store::record_birthday`] records one activity for the
//!   chosen ones in one step: the admission oath renewed, all of them and
//!   the branch committee present, sixty minutes.
//! - **Visit coordination** (Opinions §3 item 7: visits spread, not gathered
//!   and repeated at the same places): [`Store::planned_visits_near`] lists
//!   the grassroots visits planned or held at one unit within
//!   [`VISIT_WINDOW_DAYS`] days of a day.
//! - **Plans left open**: [`Store::overdue_plans`] lists planned activities
//!   whose day is [`OVERDUE_AFTER_DAYS`] or more days past and that were
//!   neither marked held nor cancelled, and [`Store::plan_recipients`] says
//!   whom to remind.

use crate::activities::{Activity, ActivityStatus, NewActivity, NewAgendaItem};
use crate::audit::Audited;
use crate::orgs::{date_text, parse_date, path_end, root_path};
use crate::rows::{opt_text, parsed, text};
use crate::{Result, Store, StoreError};
use chrono::{Datelike, Duration, NaiveDate};
use domain::{Field, FieldError, Id, MemberStatus, Message, OrgLevel, Organization, PartialDate, PositionKind, Problem};
use rules::Catalogue;
use rules::vocabulary::{ActivityKind, AgendaKind};
use serde::Serialize;
use sqlx::AnyConnection;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The activity kind of a political birthday.
pub const POLITICAL_BIRTHDAY: &str = ActivityKind::PoliticalBirthday.code();
/// The agenda of a birthday recorded in one step: the admission oath renewed,
/// then the birthday itself (kinds of the catalogue's vocabulary). The items
/// are titled with the catalogue's Chinese words: the oath item with its
/// kind's, the other with the activity kind's ([`birthday_agenda`]).
pub const BIRTHDAY_AGENDA: [&str; 2] = [AgendaKind::OathReview.code(), AgendaKind::Other.code()];

/// The agenda items of a birthday recorded in one step, titled from the catalogue.
pub fn birthday_agenda(catalogue: &Catalogue) -> Vec<NewAgendaItem> {
    let word = |list: &[rules::catalogue::Term], code: &str| list.iter().find(|t| t.code == code).map(|t| t.zh.clone());
    let titles = [word(&catalogue.agenda_kinds, BIRTHDAY_AGENDA[0]), word(&catalogue.activity_kinds, POLITICAL_BIRTHDAY)];
    BIRTHDAY_AGENDA.iter().zip(titles).map(|(kind, title)| NewAgendaItem { kind: (*kind).to_owned(), title }).collect()
}
/// How long a birthday recorded in one step lasted, in minutes.
pub const BIRTHDAY_MINUTES: i64 = 60;
/// Two visits to the same unit are "in the same fortnight" when at most this
/// many days lie between their days, in either direction (|Δ| ≤ 14): a
/// window centred on the day rather than a calendar fortnight, so that two
/// visits a day apart across a fortnight's boundary are still seen together.
pub const VISIT_WINDOW_DAYS: i64 = 14;
/// A plan is overdue when its day is this many days or more in the past and
/// it was neither marked held nor cancelled.
pub const OVERDUE_AFTER_DAYS: i64 = 3;

/// A member whose political birthday falls in the month asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BirthdayMember {
    pub person_id: Id,
    pub name: String,
    /// The organization the member belongs to (the branch or one of its groups).
    pub org_id: Id,
    pub join_date: PartialDate,
    /// Whole years in the party that year.
    pub years: i32,
    /// A held political birthday the member attended in that month (the
    /// latest), which is what the requirement asks for; `None` if none yet.
    pub celebrated_in: Option<Id>,
    pub celebrated_on: Option<NaiveDate>,
}

/// A holder of a committee position (secretary, deputy, committee member)
/// of an organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitteeMember {
    pub person_id: Id,
    pub name: String,
    /// The committee positions held, in the order of their kinds.
    pub positions: Vec<PositionKind>,
}

/// A grassroots visit near a day, as the coordination of visits shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NearbyVisit {
    pub id: Id,
    pub held_on: NaiveDate,
    /// `Planned` or `Held` (cancelled ones are not listed).
    pub status: ActivityStatus,
    pub presenter_id: Option<Id>,
    pub presenter_name: Option<String>,
    pub visit_kind: Option<String>,
    /// `held_on` minus the day asked about, in days (negative: before it).
    pub days_apart: i64,
}

/// A planned activity whose day has passed without it being marked held or
/// cancelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OverduePlan {
    pub id: Id,
    pub province_id: Id,
    pub kind: String,
    pub title: Option<String>,
    pub host_org_id: Id,
    pub host_name: String,
    /// The day it was planned for (its `held_on`).
    pub planned_for: NaiveDate,
    /// The account (or role) that entered the plan.
    pub created_by: String,
    /// Days since the planned day.
    pub days_overdue: i64,
}

/// A political birthday to record in one step: the organization, the day,
/// the members whose birthday it is, and who presents it, if anyone.
#[derive(Clone, Copy, Debug)]
pub struct Birthday<'a> {
    pub org_id: &'a Id,
    pub day: NaiveDate,
    pub person_ids: &'a [Id],
    pub presenter: Option<&'a Id>,
}

/// Someone to remind of a plan left open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRecipient {
    pub person_id: Id,
    pub name: String,
}

/// A member of the branch's subtree on a day, whatever their join month.
struct Member {
    person_id: Id,
    name: String,
    org_id: Id,
    join_date: PartialDate,
}

/// The first and last day of a month, or `None` if there is no such month.
fn month_bounds(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = PartialDate::year_month(year, month)?.last_day();
    Some((first, last))
}

/// Whole years from joining to `year`, if the member's political birthday
/// falls in `month` of `year` (never in the year they joined, or before it).
fn birthday_years(join: PartialDate, year: i32, month: u32) -> Option<i32> {
    let years = year - join.year();
    (join.month() == month && years >= 1).then_some(years)
}

impl Store {
    /// The members of `org_id` and the organizations under it (a branch and
    /// its groups) whose political birthday falls in `month` of `year`, by
    /// name: those who joined the party in that month of an earlier year and
    /// who count in their organization (not transferred out, not deceased),
    /// as members on the last day of the month (or `today`, if earlier).
    /// Each says whether they already attended a held political birthday in
    /// that month.
    pub async fn birthdays_in_month(&self, org_id: &Id, year: i32, month: u32, today: NaiveDate) -> Result<Vec<BirthdayMember>> {
        let Some((first, last)) = month_bounds(year, month) else {
            return Err(StoreError::Invalid(FieldError::new(Field::Period, Problem::NotADate, &format!("{year:04}-{month:02}"))));
        };
        let on = last.min(today);
        let org = self.org_required(org_id, on).await?;
        let mut conn = self.pool().acquire().await?;
        let members = members_on(&mut conn, &org, on).await?;
        let mut found: Vec<BirthdayMember> = members
            .into_iter()
            .filter_map(|m| {
                let years = birthday_years(m.join_date, year, month)?;
                Some(BirthdayMember {
                    person_id: m.person_id,
                    name: m.name,
                    org_id: m.org_id,
                    join_date: m.join_date,
                    years,
                    celebrated_in: None,
                    celebrated_on: None,
                })
            })
            .collect();
        let ids: Vec<&Id> = found.iter().map(|m| &m.person_id).collect();
        let attended = attended_birthdays(&mut conn, &org.province_id, &ids, first, last).await?;
        for m in &mut found {
            if let Some((activity, day)) = attended.get(m.person_id.as_str()) {
                m.celebrated_in = Some(activity.clone());
                m.celebrated_on = Some(*day);
            }
        }
        Ok(found)
    }

    /// The holders of committee positions (secretary, deputy secretary,
    /// committee member) in `org_id` on `on` who count in their
    /// organization, by name.
    pub async fn branch_committee(&self, org_id: &Id, on: NaiveDate) -> Result<Vec<CommitteeMember>> {
        let org = self.org_required(org_id, on).await?;
        let mut conn = self.pool().acquire().await?;
        committee_on(&mut conn, &org, on).await
    }

    /// Records, in one step, the political birthday of the chosen members of
    /// `org_id` held on `day`: a held `political_birthday` activity hosted by
    /// the organization, with the agenda [`BIRTHDAY_AGENDA`], lasting
    /// [`BIRTHDAY_MINUTES`], whose participants (all present) are the chosen
    /// members and the holders of the organization's committee positions,
    /// presented by `presenter` if given. Then [`Store::record_activity`]
    /// checks and writes it, so the record satisfies the requirement
    /// `political-birthday` of each chosen member.
    ///
    /// Refused, naming the field and writing nothing: a day after `today`
    /// (`held_on`); no one chosen, someone chosen twice, someone who was not
    /// a member of the organization or one under it on the day, or whose
    /// political birthday does not fall in the day's month (`participants`);
    /// a presenter who was neither a member there nor on its committee
    /// (`presenter_id`).
    pub async fn record_birthday(
        &self,
        w: &mut Audited,
        catalogue: &Catalogue,
        birthday: Birthday<'_>,
        today: NaiveDate,
    ) -> Result<Activity> {
        let Birthday { org_id, day, person_ids, presenter } = birthday;
        if day > today {
            return Err(StoreError::Invalid(FieldError::new(Field::HeldOn, Problem::InFuture, &date_text(day))));
        }
        if person_ids.is_empty() {
            return Err(crate::broken(Field::Participant, "birthday-none-chosen", ""));
        }
        let org = self
            .org_in(w, org_id, day)
            .await?
            .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Host, Problem::NotFound, org_id.as_str())))?;
        let members = members_on(w.tx(), &org, day).await?;
        let committee = committee_on(w.tx(), &org, day).await?;
        let by_id: HashMap<&str, &Member> = members.iter().map(|m| (m.person_id.as_str(), m)).collect();
        let mut seen = HashSet::with_capacity(person_ids.len());
        for person in person_ids {
            if !seen.insert(person.as_str()) {
                return Err(crate::broken(Field::Participant, "listed-twice", person.as_str()));
            }
            let Some(member) = by_id.get(person.as_str()) else {
                return Err(crate::broken(Field::Participant, "birthday-not-member", person.as_str()));
            };
            if birthday_years(member.join_date, day.year(), day.month()).is_none() {
                let rule = Message::new("birthday-other-month")
                    .text("name", member.name.clone())
                    .number("year", day.year())
                    .number("month", day.month())
                    .text("joined", member.join_date.to_string());
                return Err(crate::invalid(Field::Participant, rule, person.as_str()));
            }
        }
        if let Some(p) = presenter
            && !by_id.contains_key(p.as_str())
            && !committee.iter().any(|c| &c.person_id == p)
        {
            return Err(crate::broken(Field::Presenter, "birthday-presenter-outside", p.as_str()));
        }
        let mut participants: Vec<Id> = person_ids.to_vec();
        for c in &committee {
            if !participants.contains(&c.person_id) {
                participants.push(c.person_id.clone());
            }
        }
        let new = NewActivity {
            id: None,
            kind: POLITICAL_BIRTHDAY.to_owned(),
            host_org_id: org.id.clone(),
            title: None,
            held_on: day,
            starts_at: None,
            duration_minutes: BIRTHDAY_MINUTES,
            presenter_id: presenter.cloned(),
            agenda: birthday_agenda(catalogue),
            participants: Some(participants),
            absentees: Vec::new(),
            visit_kind: None,
            polarity: None,
            research_project_id: None,
            status: ActivityStatus::Held,
            minutes: None,
            minutes_state: None,
        };
        self.record_activity(w, catalogue, new, today).await
    }

    /// The grassroots visits to `unit_org_id` (its own, not those of the
    /// organizations under it) planned or held within [`VISIT_WINDOW_DAYS`]
    /// days of `day` either way, cancelled and deleted ones left out, and
    /// `exclude` (the visit being looked at) too; by day, then id.
    pub async fn planned_visits_near(&self, unit_org_id: &Id, day: NaiveDate, exclude: Option<&Id>) -> Result<Vec<NearbyVisit>> {
        let unit = self.org_required(unit_org_id, day).await?;
        let mut conn = self.pool().acquire().await?;
        let window = Duration::days(VISIT_WINDOW_DAYS);
        let rows = sqlx::query(
            "SELECT a.id, a.held_on, a.status, a.presenter_id, a.visit_kind, p.name AS presenter_name FROM activities a
             LEFT JOIN people p ON p.province_id = a.province_id AND p.id = a.presenter_id
             WHERE a.province_id = $1 AND a.host_org_id = $2 AND a.held_on >= $3 AND a.held_on <= $4 AND a.kind = $5
               AND a.deleted_at IS NULL AND a.status <> 'cancelled' AND a.id <> $6
             ORDER BY a.held_on, a.id",
        )
        .bind(unit.province_id.as_str())
        .bind(unit.id.as_str())
        .bind(date_text(day.checked_sub_signed(window).unwrap_or(NaiveDate::MIN)))
        .bind(date_text(day.checked_add_signed(window).unwrap_or(NaiveDate::MAX)))
        .bind(ActivityKind::GrassrootsVisit.code())
        .bind(exclude.map(Id::to_string).unwrap_or_default())
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                let held_on = parsed(r, "held_on", parse_date)?;
                Ok(NearbyVisit {
                    id: Id::from_stored(text(r, "id")?),
                    held_on,
                    status: parsed(r, "status", |s| ActivityStatus::parse(s).ok_or(()))?,
                    presenter_id: opt_text(r, "presenter_id")?.map(Id::from_stored),
                    presenter_name: opt_text(r, "presenter_name")?,
                    visit_kind: opt_text(r, "visit_kind")?,
                    days_apart: (held_on - day).num_days(),
                })
            })
            .collect()
    }

    /// Planned activities (not deleted) whose day is [`OVERDUE_AFTER_DAYS`]
    /// or more days before `today` and that are still only planned, in every
    /// province; by province, day and id.
    pub async fn overdue_plans(&self, today: NaiveDate) -> Result<Vec<OverduePlan>> {
        let rows = sqlx::query(
            "SELECT a.province_id, a.id, a.kind, a.title, a.host_org_id, a.held_on, a.created_by, o.name AS host_name FROM activities a
             LEFT JOIN organizations o ON o.province_id = a.province_id AND o.id = a.host_org_id
             WHERE a.status = 'planned' AND a.deleted_at IS NULL AND a.held_on <= $1
             ORDER BY a.province_id, a.held_on, a.id",
        )
        .bind(date_text(today - Duration::days(OVERDUE_AFTER_DAYS)))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let planned_for = parsed(r, "held_on", parse_date)?;
                Ok(OverduePlan {
                    id: Id::from_stored(text(r, "id")?),
                    province_id: Id::from_stored(text(r, "province_id")?),
                    kind: text(r, "kind")?,
                    title: opt_text(r, "title")?,
                    host_org_id: Id::from_stored(text(r, "host_org_id")?),
                    host_name: opt_text(r, "host_name")?.unwrap_or_default(),
                    planned_for,
                    created_by: text(r, "created_by")?,
                    days_overdue: (today - planned_for).num_days(),
                })
            })
            .collect()
    }

    /// Whom to remind of a plan left open: the holders of the secretary
    /// position of the host on `on` who count in their organization; if
    /// there are none, the member linked to the account that entered the
    /// plan (if it is a live account linked to a member who counts).
    pub async fn plan_recipients(&self, plan: &OverduePlan, on: NaiveDate) -> Result<Vec<PlanRecipient>> {
        let rows = sqlx::query(
            "SELECT DISTINCT p.id, p.name, p.status FROM positions s JOIN people p ON p.province_id = s.province_id AND p.id = s.person_id
             WHERE s.province_id = $1 AND s.org_id = $2 AND s.kind = $3 AND s.valid_from <= $4 AND (s.valid_to IS NULL OR s.valid_to > $4)
             ORDER BY p.id",
        )
        .bind(plan.province_id.as_str())
        .bind(plan.host_org_id.as_str())
        .bind(PositionKind::Secretary.code())
        .bind(date_text(on))
        .fetch_all(self.pool())
        .await?;
        let mut found = recipients(&rows)?;
        if found.is_empty() {
            let rows = sqlx::query(
                "SELECT p.id, p.name, p.status FROM accounts a JOIN people p ON p.id = a.person_id
                 WHERE a.id = $1 AND a.disabled_at IS NULL",
            )
            .bind(&plan.created_by)
            .fetch_all(self.pool())
            .await?;
            found = recipients(&rows)?;
        }
        Ok(found)
    }
}

fn recipients(rows: &[sqlx::any::AnyRow]) -> Result<Vec<PlanRecipient>> {
    let mut out = Vec::new();
    for r in rows {
        if parsed(r, "status", MemberStatus::parse)?.counts_in_branch() {
            out.push(PlanRecipient { person_id: Id::from_stored(text(r, "id")?), name: text(r, "name")? });
        }
    }
    Ok(out)
}

/// The members of `org`'s subtree on `on` who count in their organization,
/// by name.
async fn members_on(conn: &mut AnyConnection, org: &Organization, on: NaiveDate) -> Result<Vec<Member>> {
    let path = root_path(org);
    // A subtree below central level lies in one province.
    let province = if org.level == OrgLevel::Central { "$4 = $4" } else { "m.province_id = $4" };
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.name, p.join_date, p.status, m.org_id FROM memberships m
         JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
         JOIN org_links l ON l.province_id = m.province_id AND l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
         WHERE {province} AND l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3)
         ORDER BY p.name, p.id"
    ))
    .bind(&path)
    .bind(path_end(&path))
    .bind(date_text(on))
    .bind(org.province_id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        if !parsed(r, "status", MemberStatus::parse)?.counts_in_branch() {
            continue;
        }
        out.push(Member {
            person_id: Id::from_stored(text(r, "id")?),
            name: text(r, "name")?,
            org_id: Id::from_stored(text(r, "org_id")?),
            join_date: parsed(r, "join_date", |s| PartialDate::parse_iso(s).ok_or(()))?,
        });
    }
    Ok(out)
}

/// The committee of `org` on `on`: holders of its secretary, deputy
/// secretary and committee member positions who count, by name.
async fn committee_on(conn: &mut AnyConnection, org: &Organization, on: NaiveDate) -> Result<Vec<CommitteeMember>> {
    let rows = sqlx::query(
        "SELECT s.person_id, s.kind, p.name, p.status FROM positions s JOIN people p ON p.province_id = s.province_id AND p.id = s.person_id
         WHERE s.province_id = $1 AND s.org_id = $2 AND s.valid_from <= $3 AND (s.valid_to IS NULL OR s.valid_to > $3)
         ORDER BY p.name, s.person_id",
    )
    .bind(org.province_id.as_str())
    .bind(org.id.as_str())
    .bind(date_text(on))
    .fetch_all(&mut *conn)
    .await?;
    let mut by_person: BTreeMap<(String, String), Vec<PositionKind>> = BTreeMap::new();
    for r in &rows {
        let kind = parsed(r, "kind", PositionKind::parse)?;
        if !kind.is_committee() || !parsed(r, "status", MemberStatus::parse)?.counts_in_branch() {
            continue;
        }
        by_person.entry((text(r, "name")?, text(r, "person_id")?)).or_default().push(kind);
    }
    Ok(by_person
        .into_iter()
        .map(|((name, id), mut positions)| {
            positions.sort();
            positions.dedup();
            CommitteeMember { person_id: Id::from_stored(id), name, positions }
        })
        .collect())
}

/// For each of `people`, the latest held political birthday (not deleted)
/// between `from` and `to` that they attended: person id → (activity, day).
async fn attended_birthdays(
    conn: &mut AnyConnection,
    province: &Id,
    people: &[&Id],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<String, (Id, NaiveDate)>> {
    let mut out: HashMap<String, (Id, NaiveDate)> = HashMap::new();
    for chunk in people.chunks(400) {
        let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 5)).collect();
        let sql = format!(
            "SELECT ap.person_id, a.id, a.held_on FROM activity_participants ap
             JOIN activities a ON a.province_id = ap.province_id AND a.id = ap.activity_id
             WHERE ap.province_id = $1 AND a.kind = $2 AND a.held_on >= $3 AND a.held_on <= $4 AND a.status = 'held'
               AND a.deleted_at IS NULL AND ap.absent = 0 AND ap.person_id IN ({})
             ORDER BY a.held_on, a.id",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(province.as_str()).bind(POLITICAL_BIRTHDAY).bind(date_text(from)).bind(date_text(to));
        for p in chunk {
            query = query.bind(p.as_str());
        }
        for r in query.fetch_all(&mut *conn).await? {
            // Ordered by day: the last one seen is the latest.
            out.insert(text(&r, "person_id")?, (Id::from_stored(text(&r, "id")?), parsed(&r, "held_on", parse_date)?));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(s: &str) -> PartialDate {
        PartialDate::parse_iso(s).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn a_birthday_falls_in_the_month_of_joining_from_the_next_year_on() {
        assert_eq!(birthday_years(joined("1995-11-03"), 2026, 11), Some(31));
        assert_eq!(birthday_years(joined("2025-11"), 2026, 11), Some(1));
        assert_eq!(birthday_years(joined("2026-11-01"), 2026, 11), None, "joined that very month");
        assert_eq!(birthday_years(joined("1995-10-31"), 2026, 11), None, "another month");
        assert_eq!(birthday_years(joined("2027-11-01"), 2026, 11), None, "not yet joined");
    }

    #[test]
    fn month_bounds_know_the_length_of_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| unreachable!());
        assert_eq!(month_bounds(2028, 2), Some((d("2028-02-01"), d("2028-02-29"))));
        assert_eq!(month_bounds(2026, 12), Some((d("2026-12-01"), d("2026-12-31"))));
        assert_eq!(month_bounds(2026, 13), None);
        assert_eq!(month_bounds(2026, 0), None);
    }
}
