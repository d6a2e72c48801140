//! Reading activities: one by id (with its agenda and attendance), the last
//! of a kind at a host (the recording form's template), a subtree's page,
//! the corrections of a record, and a record as it stands inside a write.

use super::{ACTIVITY_COLUMNS, Activity, ActivityFilter, ActivityStatus, AgendaItem, Correction, Participant, activity_from_row};
use crate::audit::Audited;
use crate::orgs::{Page, date_text, path_end, root_path};
use crate::rows::{int, opt_text, text};
use crate::{Result, Store};
use chrono::NaiveDate;
use domain::{Id, OrgLevel, Organization};
use std::collections::HashMap;

impl Store {
    /// An activity that has not been deleted.
    pub async fn activity(&self, id: &Id) -> Result<Option<Activity>> {
        let row = sqlx::query(&format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = $1 AND a.deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut found = vec![activity_from_row(&row)?];
        self.attach_details(&mut found).await?;
        Ok(found.pop())
    }

    /// The last held activity of `kind` hosted by `host` (the template a
    /// recording form starts from: its agenda, duration and presenter).
    pub async fn last_of_kind(&self, host: &Organization, kind: &str) -> Result<Option<Activity>> {
        let row = sqlx::query(&format!(
            "SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.province_id = $1 AND a.host_org_id = $2 AND a.kind = $3
               AND a.status = 'held' AND a.deleted_at IS NULL ORDER BY a.held_on DESC, a.id DESC LIMIT 1"
        ))
        .bind(host.province_id.as_str())
        .bind(host.id.as_str())
        .bind(kind)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut found = vec![activity_from_row(&row)?];
        self.attach_details(&mut found).await?;
        Ok(found.pop())
    }

    /// Activities hosted by an organization or in its subtree, by id
    /// (entry order), after the cursor. An organization counts as in the
    /// subtree for an activity if it stood under the organization's present
    /// place at any time up to the day the activity was held (organizations
    /// moved away later keep their earlier activities here, closed ones too).
    pub async fn list_activities(
        &self,
        filter: &ActivityFilter,
        cursor: Option<&Id>,
        limit: usize,
        today: NaiveDate,
    ) -> Result<Page<Activity>> {
        let org = self.org_required(&filter.org, today).await?;
        let limit = limit.clamp(1, 500);
        let path = root_path(&org);
        let mut conditions = vec![
            "a.deleted_at IS NULL".to_owned(),
            "a.id > $1".to_owned(),
            "a.held_on >= $2".to_owned(),
            "a.held_on <= $3".to_owned(),
            "($4 = '' OR a.kind = $4)".to_owned(),
            "($8 = '' OR a.status = $8)".to_owned(),
        ];
        if filter.subtree {
            conditions.push(
                "EXISTS (SELECT 1 FROM org_links l WHERE l.province_id = a.province_id AND l.org_id = a.host_org_id AND l.path >= $5 AND l.path < $6 AND (l.valid_to IS NULL OR l.valid_to > a.held_on))"
                    .to_owned(),
            );
        } else {
            conditions.push("a.host_org_id = $5 AND $6 = $6".to_owned());
        }
        // A subtree below central level lies in one province.
        if org.level != OrgLevel::Central {
            conditions.push("a.province_id = $7".to_owned());
        } else {
            conditions.push("$7 = $7".to_owned());
        }
        let sql =
            format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE {} ORDER BY a.id LIMIT {}", conditions.join(" AND "), limit + 1);
        let (first, second) = if filter.subtree { (path.clone(), path_end(&path)) } else { (org.id.to_string(), String::new()) };
        let rows = sqlx::query(&sql)
            .bind(cursor.map(|c| c.to_string()).unwrap_or_default())
            .bind(filter.from.map(date_text).unwrap_or_else(|| "0000-00-00".to_owned()))
            .bind(filter.to.map(date_text).unwrap_or_else(|| "9999-99-99".to_owned()))
            .bind(filter.kind.clone().unwrap_or_default())
            .bind(first)
            .bind(second)
            .bind(org.province_id.to_string())
            .bind(filter.status.map(ActivityStatus::code).unwrap_or_default())
            .fetch_all(self.pool())
            .await?;
        let items = rows.iter().map(activity_from_row).collect::<Result<Vec<_>>>()?;
        let mut page = Page::cut(items, limit, |a| a.id.to_string());
        self.attach_details(&mut page.items).await?;
        Ok(page)
    }

    /// The corrections of a record, oldest first.
    pub async fn corrections(&self, activity: &Activity) -> Result<Vec<Correction>> {
        let rows = sqlx::query(
            "SELECT version, reason, corrected_at, corrected_by FROM activity_corrections WHERE province_id = $1 AND activity_id = $2 ORDER BY version",
        )
        .bind(activity.province_id.as_str())
        .bind(activity.id.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Correction {
                    version: int(r, "version")?,
                    reason: text(r, "reason")?,
                    corrected_at: text(r, "corrected_at")?,
                    corrected_by: text(r, "corrected_by")?,
                })
            })
            .collect()
    }

    /// Reads the agenda and participants of activities (of one province
    /// each), a few queries for the lot.
    pub(super) async fn attach_details(&self, activities: &mut [Activity]) -> Result<()> {
        if activities.is_empty() {
            return Ok(());
        }
        let mut agenda: HashMap<String, Vec<AgendaItem>> = HashMap::new();
        let mut participants: HashMap<String, Vec<Participant>> = HashMap::new();
        for chunk in activities.chunks(crate::rows::in_list_size(self.backend()).min(500)) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let list = placeholders.join(", ");
            let sql = format!(
                "SELECT activity_id, position, kind, title FROM activity_agenda_items WHERE activity_id IN ({list}) ORDER BY activity_id, position"
            );
            let mut query = sqlx::query(&sql);
            for a in chunk.iter() {
                query = query.bind(a.id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                agenda
                    .entry(text(&row, "activity_id")?)
                    .or_default()
                    .push(AgendaItem { kind: text(&row, "kind")?, title: opt_text(&row, "title")? });
            }
            let sql = format!(
                "SELECT activity_id, person_id, absent, absence_reason FROM activity_participants WHERE activity_id IN ({list}) ORDER BY activity_id, person_id"
            );
            let mut query = sqlx::query(&sql);
            for a in chunk.iter() {
                query = query.bind(a.id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                participants.entry(text(&row, "activity_id")?).or_default().push(Participant {
                    person_id: Id::from_stored(text(&row, "person_id")?),
                    present: int(&row, "absent")? == 0,
                    absence_reason: opt_text(&row, "absence_reason")?,
                });
            }
        }
        for a in activities.iter_mut() {
            a.agenda = agenda.remove(a.id.as_str()).unwrap_or_default();
            a.participants = participants.remove(a.id.as_str()).unwrap_or_default();
        }
        Ok(())
    }

    /// An activity not deleted, read inside a write (with its details).
    pub(super) async fn activity_in(&self, w: &mut Audited, id: &Id) -> Result<Option<Activity>> {
        let row = sqlx::query(&format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = $1 AND a.deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut a = activity_from_row(&row)?;
        let agenda =
            sqlx::query("SELECT kind, title FROM activity_agenda_items WHERE province_id = $1 AND activity_id = $2 ORDER BY position")
                .bind(a.province_id.as_str())
                .bind(a.id.as_str())
                .fetch_all(&mut **w.tx())
                .await?;
        a.agenda = agenda.iter().map(|r| Ok(AgendaItem { kind: text(r, "kind")?, title: opt_text(r, "title")? })).collect::<Result<_>>()?;
        let people = sqlx::query(
            "SELECT person_id, absent, absence_reason FROM activity_participants WHERE province_id = $1 AND activity_id = $2 ORDER BY person_id",
        )
        .bind(a.province_id.as_str())
        .bind(a.id.as_str())
        .fetch_all(&mut **w.tx())
        .await?;
        a.participants = people
            .iter()
            .map(|r| {
                Ok(Participant {
                    person_id: Id::from_stored(text(r, "person_id")?),
                    present: int(r, "absent")? == 0,
                    absence_reason: opt_text(r, "absence_reason")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Some(a))
    }
}
