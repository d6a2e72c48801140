//! Reminders of plans left open: an activity planned for a day that has
//! passed, neither marked held nor cancelled, gets a reminder in the outbox
//! 3 days after that day, and again 7 days after it — for the holders of the
//! secretary position of the host (or, when there is none, the member linked
//! to the account that entered the plan; see
//! [`store::Store::plan_recipients`]).
//!
//! One message per person, plan and stage: its period key is
//! `<activity id>:3d` or `<activity id>:7d`, so a second run queues nothing
//! (the outbox's unique index). A run queues only the latest stage reached
//! (a plan first seen 8 days late gets the 7-day reminder, not both). Once
//! the plan is held or cancelled it is no longer overdue and nothing more
//! is queued; its unsent reminders are not sent any more either.
//!
//! The message states the facts and where to close the plan; it demands
//! no reply and no proof. Like the digest it is written in the deployment's
//! language (`locales/*/mail.ftl`), and mailed when a mail server
//! is configured and the person has an address; otherwise it stays in the
//! outbox with the reason, and is tried again on the next run while the plan
//! is still open.

use crate::JobError;
use crate::digest::{Letter, catalogue_lang, long_date};
use crate::smtp::{Mail, SmtpConfig};
use chrono::{DateTime, FixedOffset, NaiveDate};
use i18n::{Lang, Value, t, t_args};
use rules::Catalogue;
use std::collections::HashSet;
use store::birthdays::OverduePlan;
use store::outbox::{NO_ADDRESS, NO_MAIL_SERVER, NewMessage, OutboxMessage};
use store::{Actor, Store};

/// The outbox kind of a reminder of a plan left open.
pub const PLAN_REMINDER: &str = "plan_reminder";

/// The stages of reminders: days after the planned day, and the suffix of
/// the period key. The latest stage first.
pub const STAGES: [(i64, &str); 2] = [(7, "7d"), (3, "3d")];

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reminders {
    /// Plans 3 or more days past and still open.
    pub open_plans: usize,
    /// Reminders queued by this run.
    pub queued: usize,
    /// Reminders of this stage already in the outbox.
    pub already_queued: usize,
    /// Open plans with nobody to remind.
    pub nobody: usize,
    pub sent: usize,
    pub failed: usize,
    /// Left unsent: no mail server configured, or no address.
    pub held: usize,
}

/// For logs: the figures as `name=value` pairs.
impl std::fmt::Display for Reminders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "open_plans={} queued={} already_queued={} nobody={} sent={} failed={} held={}",
            self.open_plans, self.queued, self.already_queued, self.nobody, self.sent, self.failed, self.held
        )
    }
}

/// The latest stage a plan `days_overdue` days past has reached, if any.
pub fn stage(days_overdue: i64) -> Option<&'static str> {
    STAGES.iter().find(|(days, _)| days_overdue >= *days).map(|(_, key)| *key)
}

/// The period key of a reminder: `<activity id>:3d`.
pub fn period_key(plan: &OverduePlan, stage: &str) -> String {
    format!("{}:{stage}", plan.id)
}

/// What a reminder says of its plan.
#[derive(Clone, Debug)]
pub struct PlanFor<'a> {
    /// Whom it is for.
    pub name: &'a str,
    /// The activity kind in words.
    pub kind: &'a str,
    pub title: Option<&'a str>,
    pub host: &'a str,
    pub planned_for: NaiveDate,
    pub days_overdue: i64,
    /// `/activities/<id>`
    pub link: &'a str,
}

/// The reminder of one plan.
pub fn compose(plan: &PlanFor<'_>, lang: Lang) -> Letter {
    let what = match plan.title.filter(|t| !t.trim().is_empty()) {
        Some(title) => t_args(lang, "mail-plan-what-titled", &[("kind", plan.kind.into()), ("title", title.into())]),
        None => t_args(lang, "mail-plan-what", &[("kind", plan.kind.into())]),
    };
    let subject = t_args(lang, "mail-plan-subject", &[("kind", plan.kind.into()), ("planned_for", plan.planned_for.to_string().into())]);
    let body_args = [
        ("host", Value::from(plan.host)),
        ("day", long_date(lang, plan.planned_for).into()),
        ("what", what.into()),
        ("days", plan.days_overdue.into()),
    ];
    let body = format!(
        "{}\n\n{}\n\n{}\n\n{}\n",
        t_args(lang, "mail-greeting", &[("name", plan.name.into())]),
        t_args(lang, "mail-plan-body", &body_args),
        t_args(lang, "mail-plan-action", &[("link", plan.link.into())]),
        t(lang, "mail-plan-footer"),
    );
    Letter { subject, body }
}

/// The activity kind in words, from the catalogue's vocabulary (the code if
/// it is not there).
fn kind_words(catalogue: Option<&Catalogue>, code: &str, lang: Lang) -> String {
    catalogue
        .and_then(|c| c.activity_kinds.iter().find(|t| t.code == code))
        .map_or_else(|| code.to_owned(), |t| t.label(catalogue_lang(lang)).to_owned())
}

/// Queues the reminders due on `today` and sends the unsent ones of plans
/// still open.
pub async fn run_plan_reminders(store: &Store, mail: Option<&SmtpConfig>, lang: Lang, today: NaiveDate) -> Result<Reminders, JobError> {
    let catalogue = match Catalogue::embedded() {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(error = %e, "the catalogue did not load; reminders name activity kinds by their codes");
            None
        }
    };
    let plans = store.overdue_plans(today).await?;
    let mut summary = Reminders { open_plans: plans.len(), ..Reminders::default() };
    let actor = Actor::system("jobs");
    let mut to_deliver = Vec::new();
    for plan in &plans {
        let Some(stage) = stage(plan.days_overdue) else { continue };
        let recipients = store.plan_recipients(plan, today).await?;
        if recipients.is_empty() {
            summary.nobody += 1;
            continue;
        }
        let key = period_key(plan, stage);
        let kind = kind_words(catalogue.as_ref(), &plan.kind, lang);
        let link = format!("/activities/{}", plan.id);
        let mut w = store.writer(&actor).await?;
        for r in &recipients {
            let m = compose(
                &PlanFor {
                    name: &r.name,
                    kind: &kind,
                    title: plan.title.as_deref(),
                    host: &plan.host_name,
                    planned_for: plan.planned_for,
                    days_overdue: plan.days_overdue,
                    link: &link,
                },
                lang,
            );
            let new = NewMessage {
                province_id: plan.province_id.clone(),
                person_id: r.person_id.clone(),
                kind: PLAN_REMINDER.to_owned(),
                period_key: key.clone(),
                lang: lang.code().to_owned(),
                subject: m.subject,
                body: m.body,
            };
            match store.queue_message(&mut w, new).await? {
                Some(_) => summary.queued += 1,
                None => summary.already_queued += 1,
            }
        }
        w.commit().await?;
        to_deliver.push((plan.province_id.clone(), key));
    }
    let mut seen = HashSet::new();
    for (province, key) in to_deliver {
        if !seen.insert((province.clone(), key.clone())) {
            continue;
        }
        for message in store.unsent_messages(&province, PLAN_REMINDER, &key).await? {
            let to = store.person_email(&message.person_id).await?;
            deliver(store, &actor, mail, &message, to.as_deref(), &mut summary).await?;
        }
    }
    Ok(summary)
}

/// Sends one reminder, or records why it stays unsent.
async fn deliver(
    store: &Store,
    actor: &Actor,
    mail: Option<&SmtpConfig>,
    message: &OutboxMessage,
    to: Option<&str>,
    summary: &mut Reminders,
) -> Result<(), JobError> {
    let reason = match (mail, to) {
        (None, _) => NO_MAIL_SERVER.to_owned(),
        (Some(_), None) => NO_ADDRESS.to_owned(),
        (Some(config), Some(to)) => {
            let date = DateTime::parse_from_rfc3339(&message.created_at).unwrap_or_else(|_| now());
            let m = Mail { to, subject: &message.subject, body: &message.body, message_id: message.id.as_str(), date };
            match crate::smtp::send(config, &m).await {
                Ok(()) => {
                    let mut w = store.writer(actor).await?;
                    match store.mark_sent(&mut w, message).await {
                        Ok(()) => summary.sent += 1,
                        // Another run marked it sent meanwhile.
                        Err(store::StoreError::NotFound) => tracing::info!(message = %message.id, "the reminder was already marked sent"),
                        Err(e) => return Err(e.into()),
                    }
                    w.commit().await?;
                    return Ok(());
                }
                Err(e) => {
                    tracing::warn!(message = %message.id, error = %e, "a plan reminder was not accepted");
                    summary.failed += 1;
                    let mut w = store.writer(actor).await?;
                    store.mark_failed(&mut w, message, &e.to_string()).await?;
                    w.commit().await?;
                    return Ok(());
                }
            }
        }
    };
    let mut w = store.writer(actor).await?;
    store.mark_failed(&mut w, message, &reason).await?;
    w.commit().await?;
    summary.held += 1;
    Ok(())
}

fn now() -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!());
    chrono::Utc::now().with_timezone(&offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> PlanFor<'static> {
        PlanFor {
            name: "王建国",
            kind: "主题党日",
            title: Some("十一月主题党日"),
            host: "石桥村第一党支部",
            planned_for: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_else(|| unreachable!()),
            days_overdue: 3,
            link: "/activities/0123",
        }
    }

    #[test]
    fn stages_are_reached_at_three_and_seven_days() {
        assert_eq!(stage(2), None);
        assert_eq!(stage(3), Some("3d"));
        assert_eq!(stage(6), Some("3d"));
        assert_eq!(stage(7), Some("7d"));
        assert_eq!(stage(40), Some("7d"));
    }

    #[test]
    fn the_reminder_names_the_kind_the_day_the_host_and_where_to_close_it() {
        let zh = compose(&plan(), Lang::ZhCn);
        assert!(zh.subject.contains("主题党日") && zh.subject.contains("2026-11-20"), "{}", zh.subject);
        for part in [
            "王建国同志",
            "石桥村第一党支部",
            "2026年11月20日",
            "“主题党日”（十一月主题党日）",
            "3天",
            "/activities/0123",
            "标记为已举办",
            "取消计划",
        ] {
            assert!(zh.body.contains(part), "{part}: {}", zh.body);
        }
        let en = compose(&plan(), Lang::En);
        for part in ["Dear 王建国", "石桥村第一党支部", "2026-11-20", "3 days past", "/activities/0123", "mark it held", "cancel the plan"]
        {
            assert!(en.body.contains(part), "{part}: {}", en.body);
        }
        let untitled = compose(&PlanFor { title: None, ..plan() }, Lang::ZhCn);
        assert!(untitled.body.contains("开展的“主题党日”，"), "{}", untitled.body);
    }
}
