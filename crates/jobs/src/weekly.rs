//! The weekly digest job: on any day of an ISO week, queue one digest per
//! recipient for that week (a second run queues nothing), then hand the
//! week's unsent digests to the mail server, if one is configured.
//!
//! Recipients are the people linked to a live account and the holders of
//! a secretary position ([`store::Store::digest_recipients`]). A secretary's
//! digest also lists what is open for their organization. Nobody with
//! nothing open gets a message. Mail goes to the address of an account
//! linked to the person; without a mail server or an address the message
//! stays in the outbox with the reason, and is tried again on the next run
//! of the same week.

use crate::JobError;
use crate::digest::{DigestFor, OrgOpen, digest, week_key};
use crate::smtp::{Mail, SmtpConfig};
use chrono::{DateTime, FixedOffset, NaiveDate};
use domain::Id;
use i18n::Lang;
use rules::{Calendar, Catalogue, Engine};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use store::obligations::{Obligation, ObligationsError, OpenObligations, SubjectRef, merge_years, open_obligations, open_years};
use store::outbox::{NO_ADDRESS, NO_MAIL_SERVER, NewMessage, OutboxMessage, WEEKLY_DIGEST};
use store::{Actor, Store};

/// How many messages are queued per transaction.
const QUEUE_CHUNK: usize = 500;

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The ISO week, e.g. `2026-W48`.
    pub week: String,
    pub recipients: usize,
    /// Digests queued by this run.
    pub queued: usize,
    /// Recipients whose digest for the week was already queued.
    pub already_queued: usize,
    /// Recipients with nothing due or overdue (no message).
    pub nothing_open: usize,
    /// Messages a mail server accepted in this run.
    pub sent: usize,
    /// Messages the mail server refused or that could not be delivered.
    pub failed: usize,
    /// Messages left unsent: no mail server configured, or no address.
    pub held: usize,
}

/// For logs: the figures as `name=value` pairs.
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "week={} recipients={} queued={} already_queued={} nothing_open={} sent={} failed={} held={}",
            self.week, self.recipients, self.queued, self.already_queued, self.nothing_open, self.sent, self.failed, self.held
        )
    }
}

impl Summary {
    /// What the run did, for people.
    pub fn message(&self) -> domain::Message {
        domain::Message::new("jobs-digest-summary")
            .text("week", self.week.clone())
            .count("recipients", self.recipients)
            .count("queued", self.queued)
            .count("already_queued", self.already_queued)
            .count("nothing_open", self.nothing_open)
            .count("sent", self.sent)
            .count("failed", self.failed)
            .count("held", self.held)
    }
}

/// An evaluator that builds the engine from the records on every call:
/// for the command line (`changxiao jobs run`) and the tests.
#[derive(Clone, Debug)]
pub struct FreshEvaluator {
    pub catalogue: Arc<Catalogue>,
    pub calendar: Calendar,
}

impl FreshEvaluator {
    /// With the embedded catalogue and calendars.
    pub fn embedded() -> Result<Self, JobError> {
        Ok(FreshEvaluator {
            catalogue: Arc::new(Catalogue::embedded().map_err(|e| JobError::Evaluation(e.to_string()))?),
            calendar: Calendar::embedded().map_err(|e| JobError::Evaluation(e.to_string()))?,
        })
    }
}

impl OpenObligations for FreshEvaluator {
    async fn open_obligations(
        &self,
        store: &Store,
        today: NaiveDate,
        subjects: &[SubjectRef],
    ) -> Result<Vec<Vec<Obligation>>, ObligationsError> {
        let mut per_year = Vec::new();
        for year in open_years(&self.catalogue, today) {
            let loaded = store.load_world(&self.catalogue, None, year, today).await?;
            let engine = Engine::new(&self.catalogue, self.calendar.clone(), loaded.world.clone(), &loaded.settings, year, today)?;
            per_year.push(subjects.iter().map(|s| s.resolve(&loaded).map(|x| open_obligations(&engine, x)).unwrap_or_default()).collect());
        }
        Ok(merge_years(per_year, subjects.len()))
    }
}

/// Queues this week's digests and sends the week's unsent ones.
pub async fn run_weekly_digests<E: OpenObligations>(
    store: &Store,
    evaluator: &E,
    mail: Option<&SmtpConfig>,
    lang: Lang,
    today: NaiveDate,
) -> Result<Summary, JobError> {
    let week = week_key(today);
    let mut summary = Summary { week: week.clone(), ..Summary::default() };
    let recipients = store.digest_recipients(today).await?;
    summary.recipients = recipients.len();

    let mut subjects: BTreeSet<SubjectRef> = BTreeSet::new();
    for r in &recipients {
        subjects.insert(SubjectRef::Person(r.person_id.clone()));
        subjects.extend(r.secretary_of.iter().cloned().map(SubjectRef::Org));
    }
    let subjects: Vec<SubjectRef> = subjects.into_iter().collect();
    let open: HashMap<SubjectRef, Vec<Obligation>> =
        subjects.iter().cloned().zip(evaluator.open_obligations(store, today, &subjects).await?).collect();
    let mut org_names: HashMap<Id, String> = HashMap::new();
    for s in &subjects {
        if let SubjectRef::Org(id) = s {
            let name = store.org(id, today).await?.map(|o| o.name.to_string()).unwrap_or_default();
            org_names.insert(id.clone(), name);
        }
    }

    let mut messages = Vec::new();
    for r in &recipients {
        let none = Vec::new();
        let own = open.get(&SubjectRef::Person(r.person_id.clone())).unwrap_or(&none);
        let orgs: Vec<OrgOpen<'_>> = r
            .secretary_of
            .iter()
            .map(|id| OrgOpen {
                name: org_names.get(id).map_or("", String::as_str),
                obligations: open.get(&SubjectRef::Org(id.clone())).map_or(&[][..], Vec::as_slice),
            })
            .collect();
        match digest(&DigestFor { name: &r.name, as_of: today, own, orgs }, lang) {
            Some(m) => messages.push(NewMessage {
                province_id: r.province_id.clone(),
                person_id: r.person_id.clone(),
                kind: WEEKLY_DIGEST.to_owned(),
                period_key: week.clone(),
                lang: lang.code().to_owned(),
                subject: m.subject,
                body: m.body,
            }),
            None => summary.nothing_open += 1,
        }
    }
    let actor = Actor::system("jobs");
    for chunk in messages.chunks(QUEUE_CHUNK) {
        let mut w = store.writer(&actor).await?;
        for m in chunk {
            match store.queue_message(&mut w, m.clone()).await? {
                Some(_) => summary.queued += 1,
                None => summary.already_queued += 1,
            }
        }
        w.commit().await?;
    }

    let emails: HashMap<&Id, &str> = recipients.iter().filter_map(|r| r.email.as_deref().map(|e| (&r.person_id, e))).collect();
    let provinces: BTreeSet<&Id> = recipients.iter().map(|r| &r.province_id).collect();
    for province in provinces {
        for message in store.unsent_messages(province, WEEKLY_DIGEST, &week).await? {
            let to = match emails.get(&message.person_id) {
                Some(e) => Some((*e).to_owned()),
                None => store.person_email(&message.person_id).await?,
            };
            deliver(store, &actor, mail, &message, to.as_deref(), &mut summary).await?;
        }
    }
    Ok(summary)
}

/// Sends one message, or records why it stays unsent.
async fn deliver(
    store: &Store,
    actor: &Actor,
    mail: Option<&SmtpConfig>,
    message: &OutboxMessage,
    to: Option<&str>,
    summary: &mut Summary,
) -> Result<(), JobError> {
    let outcome = match (mail, to) {
        (None, _) => Err(NO_MAIL_SERVER.to_owned()),
        (Some(_), None) => Err(NO_ADDRESS.to_owned()),
        (Some(config), Some(to)) => {
            let date = DateTime::parse_from_rfc3339(&message.created_at).unwrap_or_else(|_| now());
            let m = Mail { to, subject: &message.subject, body: &message.body, message_id: message.id.as_str(), date };
            match crate::smtp::send(config, &m).await {
                Ok(()) => Ok(()),
                Err(e) => {
                    tracing::warn!(message = %message.id, error = %e, "the weekly digest was not accepted");
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
    match outcome {
        Ok(()) => match store.mark_sent(&mut w, message).await {
            Ok(()) => summary.sent += 1,
            // Another run marked it sent meanwhile: nothing to record, and
            // the rest of the round goes on.
            Err(store::StoreError::NotFound) => tracing::info!(message = %message.id, "the digest was already marked sent"),
            Err(e) => return Err(e.into()),
        },
        Err(reason) => {
            store.mark_failed(&mut w, message, &reason).await?;
            summary.held += 1;
        }
    }
    w.commit().await?;
    Ok(())
}

fn now() -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!());
    chrono::Utc::now().with_timezone(&offset)
}
