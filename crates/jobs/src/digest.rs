//! The weekly digest: a plain-text message telling a person what is due
//! and overdue for them and, for a secretary, for their organization.
//! Composing it is pure; nothing is composed when nothing is open (no
//! empty mail). The text states facts and deadlines only: it demands no
//! reply, no check-in and no proof.

use chrono::{Datelike, NaiveDate};
use i18n::{Lang, Value, t, t_args};
use store::obligations::Obligation;

/// A composed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

/// An organization whose secretary the person is, with what is open for it.
#[derive(Clone, Debug)]
pub struct OrgOpen<'a> {
    pub name: &'a str,
    pub obligations: &'a [Obligation],
}

/// Whom the digest is for and what is open.
#[derive(Clone, Debug)]
pub struct DigestFor<'a> {
    pub name: &'a str,
    /// The day the digest is composed on.
    pub as_of: NaiveDate,
    pub own: &'a [Obligation],
    pub orgs: Vec<OrgOpen<'a>>,
}

/// The ISO week of a day as `2026-W48`: the period key of a weekly message.
pub fn week_key(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// A day as a letter writes it in `lang` (`2026年11月23日`).
pub fn long_date(lang: Lang, day: NaiveDate) -> String {
    t_args(
        lang,
        "date-long",
        &[("year", day.year().into()), ("month", day.month().into()), ("day", day.day().into()), ("iso", day.to_string().into())],
    )
}

/// The catalogue's language for `lang`.
pub fn catalogue_lang(lang: Lang) -> rules::catalogue::Lang {
    match lang {
        Lang::ZhCn => rules::catalogue::Lang::Zh,
        Lang::En => rules::catalogue::Lang::En,
    }
}

/// The digest, or `None` when nothing is due or overdue.
pub fn digest(person: &DigestFor<'_>, lang: Lang) -> Option<Letter> {
    let all = || person.own.iter().chain(person.orgs.iter().flat_map(|o| o.obligations.iter()));
    let total = all().count();
    if total == 0 {
        return None;
    }
    let overdue = all().filter(|o| o.is_overdue()).count();
    let week = week_key(person.as_of);
    let counts = [("total", Value::from(total)), ("overdue", Value::from(overdue)), ("week", Value::from(week.as_str()))];
    let subject = t_args(lang, "mail-digest-subject", &counts);
    let mut summary_args = counts.to_vec();
    summary_args.push(("as_of", long_date(lang, person.as_of).into()));
    let mut body = format!(
        "{}\n\n{}\n",
        t_args(lang, "mail-greeting", &[("name", person.name.into())]),
        t_args(lang, "mail-digest-summary", &summary_args)
    );
    if !person.own.is_empty() {
        body.push_str(&format!("\n{}\n", t(lang, "mail-digest-own")));
        list(&mut body, person.own, lang);
    }
    for org in person.orgs.iter().filter(|o| !o.obligations.is_empty()) {
        body.push_str(&format!("\n{}\n", t_args(lang, "mail-digest-org", &[("org", org.name.into())])));
        list(&mut body, org.obligations, lang);
    }
    body.push_str(&format!("\n{}\n{}\n", t(lang, "mail-digest-late-entry"), t(lang, "mail-digest-footer")));
    Some(Letter { subject, body })
}

fn list(body: &mut String, items: &[Obligation], lang: Lang) {
    for o in items {
        let id = if o.is_overdue() { "mail-digest-item-overdue" } else { "mail-digest-item-due" };
        let args = [
            ("title", Value::from(o.title(catalogue_lang(lang)))),
            ("period", o.period.label().into()),
            ("due_on", o.due_on.to_string().into()),
            ("why", i18n::render(lang, &o.why).into()),
        ];
        body.push_str(&t_args(lang, id, &args));
        body.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::{Period, Status};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    fn obligation(title: &str, period: Period, status: Status, due: &str) -> Obligation {
        Obligation {
            requirement_id: title.to_owned(),
            title_zh: title.to_owned(),
            title_en: title.to_owned(),
            period,
            status,
            due_on: day(due),
            why: domain::Message::new("why-not-enough").number("found", 0).number("needed", 1),
        }
    }

    #[test]
    fn weeks_are_iso_weeks() {
        assert_eq!(week_key(day("2026-11-23")), "2026-W48");
        assert_eq!(week_key(day("2026-11-29")), "2026-W48");
        assert_eq!(week_key(day("2027-01-01")), "2026-W53");
        assert_eq!(week_key(day("2024-12-30")), "2025-W01");
    }

    #[test]
    fn nothing_open_means_no_message() {
        let person =
            DigestFor { name: "王建国", as_of: day("2026-11-23"), own: &[], orgs: vec![OrgOpen { name: "支部", obligations: &[] }] };
        assert_eq!(digest(&person, Lang::ZhCn), None);
    }

    #[test]
    fn the_digest_lists_own_and_organization_obligations() {
        let own = [obligation("政治生日", Period::Month(2026, 11), Status::Due, "2026-11-30")];
        let branch = [
            obligation("支部委员会会议", Period::Month(2026, 10), Status::Overdue, "2026-11-10"),
            obligation("党课", Period::Quarter(2026, 4), Status::Due, "2026-12-31"),
        ];
        let person = DigestFor {
            name: "王建国",
            as_of: day("2026-11-23"),
            own: &own,
            orgs: vec![OrgOpen { name: "石桥村第一党支部", obligations: &branch }],
        };
        let zh = digest(&person, Lang::ZhCn).unwrap_or_else(|| unreachable!());
        assert_eq!(zh.subject, "长效：本周待办3项（逾期1项）· 2026-W48");
        assert!(zh.body.starts_with("王建国同志：\n\n截至2026年11月23日（2026-W48），需要关注的事项共3项，其中逾期1项。\n"), "{}", zh.body);
        assert!(zh.body.contains("\n本人\n- [待办] 政治生日（2026-11）：截止2026-11-30。已开展0次，要求1次\n"), "{}", zh.body);
        assert!(
            zh.body.contains("\n石桥村第一党支部（您任书记）\n- [逾期] 支部委员会会议（2026-10）：补录截止2026-11-10。"),
            "{}",
            zh.body
        );
        let en = digest(&person, Lang::En).unwrap_or_else(|| unreachable!());
        assert_eq!(en.subject, "Changxiao: 3 open this week (1 overdue) · 2026-W48");
        assert!(en.body.contains("- [overdue] 支部委员会会议 (2026-10): late entry until 2026-11-10."), "{}", en.body);
    }
}
