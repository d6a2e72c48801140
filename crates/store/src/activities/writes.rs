//! Writing activities, each change audited: recording (checked in
//! [`super::checks`], then inserted), writing records checked elsewhere
//! (the demo), replacing a record (holding a plan, changing, correcting with
//! a reason), cancelling a plan, deleting (the row stays, `deleted_at`).

use super::checks::refuse_cancelled;
use super::{ACTIVITY_COLUMNS, Activity, ActivityStatus, INSERT_COLUMNS, MinutesState, NewActivity, REASON_MAX, activity_from_row, line};
use crate::audit::Audited;
use crate::orgs::date_text;
use crate::rows::{Value, insert_rows};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::{Field, Id};
use rules::Catalogue;

/// Which record an update replaces: its id, the version the writer read,
/// and why it is corrected (required once its minutes are final).
#[derive(Clone, Copy, Debug)]
pub struct Revision<'a> {
    pub id: &'a Id,
    pub expected_version: i64,
    pub reason: Option<&'a str>,
}

/// What an update did, for the caller to keep derived state current.
#[derive(Clone, Debug)]
pub struct Updated {
    pub before: Activity,
    pub after: Activity,
}

impl Store {
    /// Records an activity after checking everything about it:
    ///
    /// - `kind` and every agenda item's kind are in the catalogue; `visit_kind`
    ///   is given (and known) exactly for grassroots visits, `polarity`
    ///   (`positive`/`negative`) exactly for case analyses;
    /// - the host exists and was open on `held_on`, which is not after `today`;
    /// - the duration is 1 to 1,440 minutes;
    /// - the presenter is a member recorded in the host's province;
    /// - every participant was, on `held_on`, a member of the host's subtree
    ///   or held a position in the host, and is listed once. Without a list,
    ///   those expected are the members of the host's subtree (for a
    ///   grassroots committee, a general branch, a branch or a group) or of
    ///   the host itself (township committees and above), plus the holders of
    ///   positions in the host — members who no longer count in their
    ///   organization (transferred out, deceased) left out;
    /// - every absentee is a participant and has a reason of at most 200 characters.
    ///
    /// A `Planned` activity may lie on any day and lists no absentees yet
    /// (attendance is marked when it is held); its minutes cannot be final.
    /// Every activity has at least one agenda item.
    pub async fn record_activity(&self, w: &mut Audited, catalogue: &Catalogue, new: NewActivity, today: NaiveDate) -> Result<Activity> {
        refuse_cancelled(&new)?;
        let (actor, at) = (w.actor().id.clone(), w.at().to_owned());
        let activity = self.prepare(w.tx(), (&actor, &at), catalogue, new, today).await?;
        self.record_checked(w, activity).await
    }

    /// Writes a record checked by [`Store::check_new_activity`], entered now
    /// by the writer.
    pub async fn record_checked(&self, w: &mut Audited, mut activity: Activity) -> Result<Activity> {
        activity.created_at = w.at().to_owned();
        activity.updated_at = activity.created_at.clone();
        activity.created_by = w.actor().id.clone();
        self.insert_activity(w, &activity).await?;
        w.record(activity.province_id.as_str(), "create", "activity", activity.id.as_str(), None, serde_json::to_value(&activity).ok());
        Ok(activity)
    }

    /// Writes activities already checked elsewhere (the demo, whose test
    /// holds every generated activity to [`Store::record_activity`]'s rules),
    /// audited one entry each.
    pub async fn insert_activities(&self, w: &mut Audited, activities: &[Activity]) -> Result<()> {
        for a in activities {
            self.insert_activity(w, a).await?;
            w.record(a.province_id.as_str(), "create", "activity", a.id.as_str(), None, serde_json::to_value(a).ok());
        }
        Ok(())
    }

    async fn insert_activity(&self, w: &mut Audited, a: &Activity) -> Result<()> {
        let province = a.province_id.to_string();
        let row = vec![
            Value::from(province.clone()),
            Value::from(a.id.to_string()),
            Value::from(a.kind.clone()),
            Value::from(a.host_org_id.to_string()),
            Value::from(a.title.clone()),
            Value::from(date_text(a.held_on)),
            Value::from(a.starts_at.clone()),
            Value::Int(a.duration_minutes),
            Value::from(a.presenter_id.as_ref().map(Id::to_string)),
            Value::from(a.visit_kind.clone()),
            Value::from(a.polarity.clone()),
            Value::from(a.research_project_id.as_ref().map(Id::to_string)),
            Value::from(a.status.code().to_owned()),
            Value::from(a.planned_on.map(date_text)),
            Value::from(a.minutes.clone()),
            Value::from(a.minutes_state.map(|m| m.code().to_owned())),
            Value::Int(a.version),
            Value::from(a.created_at.clone()),
            Value::from(a.created_by.clone()),
            Value::from(a.updated_at.clone()),
            Value::Text(None),
        ];
        insert_rows(w.tx(), "activities", &INSERT_COLUMNS, vec![row]).await?;
        self.insert_details(w, a).await
    }

    /// Writes the agenda and participants of an activity.
    async fn insert_details(&self, w: &mut Audited, a: &Activity) -> Result<()> {
        let province = a.province_id.to_string();
        let agenda = a
            .agenda
            .iter()
            .enumerate()
            .map(|(i, item)| {
                vec![
                    Value::from(province.clone()),
                    Value::from(a.id.to_string()),
                    Value::Int(i as i64),
                    Value::from(item.kind.clone()),
                    Value::from(item.title.clone()),
                ]
            })
            .collect();
        insert_rows(w.tx(), "activity_agenda_items", &["province_id", "activity_id", "position", "kind", "title"], agenda).await?;
        let participants = a
            .participants
            .iter()
            .map(|p| {
                vec![
                    Value::from(province.clone()),
                    Value::from(a.id.to_string()),
                    Value::from(p.person_id.to_string()),
                    Value::Int(i64::from(!p.present)),
                    Value::from(p.absence_reason.clone()),
                ]
            })
            .collect();
        insert_rows(w.tx(), "activity_participants", &["province_id", "activity_id", "person_id", "absent", "absence_reason"], participants)
            .await
    }

    /// Deletes an activity (it stays stored, marked deleted), if
    /// `expected_version` is current.
    pub async fn delete_activity(&self, w: &mut Audited, id: &Id, expected_version: i64) -> Result<Activity> {
        let row = sqlx::query(&format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = $1 AND a.deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(&mut **w.tx())
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = activity_from_row(&row)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let at = w.at().to_owned();
        let done = sqlx::query(
            "UPDATE activities SET deleted_at = $1, updated_at = $1, version = $2 WHERE province_id = $3 AND id = $4 AND version = $5 AND deleted_at IS NULL",
        )
        .bind(&at)
        .bind(before.version + 1)
        .bind(before.province_id.as_str())
        .bind(id.as_str())
        .bind(expected_version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        let mut after = before.clone();
        after.version += 1;
        after.deleted_at = Some(at.clone());
        after.updated_at = at;
        w.record(
            before.province_id.as_str(),
            "delete",
            "activity",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }

    /// Replaces an activity's record by `new` (checked as
    /// [`Store::record_activity`] checks a new one), if `expected_version`
    /// is current; otherwise `Conflict` and nothing changes.
    ///
    /// - a planned activity may be held (then `planned_on` keeps the day it
    ///   was planned for), moved or changed; a held one stays held;
    /// - a record whose minutes are final is changed only with a `reason`
    ///   (at most 200 characters), kept as a correction beside the audit
    ///   entry, and its minutes stay final;
    /// - a cancelled plan is not changed.
    pub async fn update_activity(
        &self,
        w: &mut Audited,
        catalogue: &Catalogue,
        revision: Revision<'_>,
        new: NewActivity,
        today: NaiveDate,
    ) -> Result<Updated> {
        let Revision { id, expected_version, reason } = revision;
        let before = self.activity_in(w, id).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let reason = check_revision(&before, &new, reason)?;
        let (actor, at) = (w.actor().id.clone(), w.at().to_owned());
        let mut after = self.prepare(w.tx(), (&actor, &at), catalogue, new, today).await?;
        if after.province_id != before.province_id {
            return Err(crate::broken(Field::Host, "host-other-province", after.host_org_id.as_str()));
        }
        after.id = before.id.clone();
        after.version = before.version + 1;
        after.created_at = before.created_at.clone();
        after.created_by = before.created_by.clone();
        after.planned_on = match (before.status, after.status) {
            (ActivityStatus::Planned, ActivityStatus::Held) => Some(before.planned_on.unwrap_or(before.held_on)),
            _ => before.planned_on,
        };
        self.rewrite(w, &after, expected_version).await?;
        let action = match &reason {
            Some(reason) => {
                self.keep_correction(w, &after, reason).await?;
                "correct"
            }
            None if before.status == ActivityStatus::Planned && after.status == ActivityStatus::Held => "hold",
            None => "update",
        };
        let mut after_json = serde_json::to_value(&after).ok();
        if let (Some(serde_json::Value::Object(map)), Some(reason)) = (after_json.as_mut(), &reason) {
            map.insert("correction_reason".into(), serde_json::Value::String(reason.clone()));
        }
        w.record(after.province_id.as_str(), action, "activity", after.id.as_str(), serde_json::to_value(&before).ok(), after_json);
        Ok(Updated { before, after })
    }

    /// Writes `after` over the stored row of version `expected_version`, its
    /// agenda and attendance anew.
    async fn rewrite(&self, w: &mut Audited, after: &Activity, expected_version: i64) -> Result<()> {
        let done = sqlx::query(
            "UPDATE activities SET kind = $1, host_org_id = $2, title = $3, held_on = $4, starts_at = $5, duration_minutes = $6,
               presenter_id = $7, visit_kind = $8, polarity = $9, research_project_id = $10, status = $11, planned_on = $12,
               minutes = $13, minutes_state = $14, version = $15, updated_at = $16
             WHERE province_id = $17 AND id = $18 AND version = $19 AND deleted_at IS NULL",
        )
        .bind(&after.kind)
        .bind(after.host_org_id.as_str())
        .bind(after.title.clone())
        .bind(date_text(after.held_on))
        .bind(after.starts_at.clone())
        .bind(after.duration_minutes)
        .bind(after.presenter_id.as_ref().map(Id::to_string))
        .bind(after.visit_kind.clone())
        .bind(after.polarity.clone())
        .bind(after.research_project_id.as_ref().map(Id::to_string))
        .bind(after.status.code())
        .bind(after.planned_on.map(date_text))
        .bind(after.minutes.clone())
        .bind(after.minutes_state.map(MinutesState::code))
        .bind(after.version)
        .bind(&after.updated_at)
        .bind(after.province_id.as_str())
        .bind(after.id.as_str())
        .bind(expected_version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: expected_version + 1 });
        }
        for table in ["activity_agenda_items", "activity_participants"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE province_id = $1 AND activity_id = $2"))
                .bind(after.province_id.as_str())
                .bind(after.id.as_str())
                .execute(&mut **w.tx())
                .await?;
        }
        self.insert_details(w, after).await
    }

    /// Keeps why a record whose minutes were final was corrected.
    async fn keep_correction(&self, w: &mut Audited, after: &Activity, reason: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO activity_corrections (province_id, activity_id, version, reason, corrected_at, corrected_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(after.province_id.as_str())
        .bind(after.id.as_str())
        .bind(after.version)
        .bind(reason)
        .bind(&after.updated_at)
        .bind(w.actor().id.clone())
        .execute(&mut **w.tx())
        .await?;
        Ok(())
    }

    /// Cancels a planned activity (it stays stored, marked cancelled), if
    /// `expected_version` is current.
    pub async fn cancel_plan(&self, w: &mut Audited, id: &Id, expected_version: i64) -> Result<Updated> {
        let before = self.activity_in(w, id).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        if before.status != ActivityStatus::Planned {
            return Err(crate::broken(Field::ActivityStatus, "cancel-not-planned", before.status.code()));
        }
        let at = w.at().to_owned();
        let done = sqlx::query(
            "UPDATE activities SET status = 'cancelled', version = $1, updated_at = $2 WHERE province_id = $3 AND id = $4 AND version = $5 AND deleted_at IS NULL",
        )
        .bind(before.version + 1)
        .bind(&at)
        .bind(before.province_id.as_str())
        .bind(id.as_str())
        .bind(expected_version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        let mut after = before.clone();
        after.status = ActivityStatus::Cancelled;
        after.version += 1;
        after.updated_at = at;
        w.record(
            after.province_id.as_str(),
            "cancel",
            "activity",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(Updated { before, after })
    }
}

/// The changes of status a replacement may make, and the reason a record
/// whose minutes are final needs (trimmed; `None` when none is given).
fn check_revision(before: &Activity, new: &NewActivity, reason: Option<&str>) -> Result<Option<String>> {
    match (before.status, new.status) {
        (ActivityStatus::Cancelled, _) => return Err(crate::broken(Field::ActivityStatus, "cancelled-plan-frozen", "cancelled")),
        (_, ActivityStatus::Cancelled) => return Err(crate::broken(Field::ActivityStatus, "cancel-by-update", "cancelled")),
        (ActivityStatus::Held, ActivityStatus::Planned) => {
            return Err(crate::broken(Field::ActivityStatus, "held-back-to-plan", "planned"));
        }
        _ => {}
    }
    let was_final = before.minutes_state == Some(MinutesState::Final);
    if was_final && new.minutes_state != Some(MinutesState::Final) {
        return Err(crate::broken(Field::MinutesState, "final-minutes-to-draft", "draft"));
    }
    let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(line(Field::CorrectionReason, r, REASON_MAX).map_err(StoreError::Invalid)?),
        None => None,
    };
    if was_final && reason.is_none() {
        return Err(crate::broken(Field::CorrectionReason, "correction-needs-reason", ""));
    }
    Ok(reason)
}
