//! The weekly digest: a plain-text message telling a person what is due
//! and overdue for them and, for a secretary, for their organization.
//! Composing it is pure; nothing is composed when nothing is open (no
//! empty mail). The text states facts and deadlines only: it demands no
//! reply, no check-in and no proof.

use crate::obligations::Obligation;
use chrono::{Datelike, NaiveDate};
use rules::catalogue::Lang;

/// A composed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
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

/// The code of a language as stored with a message.
pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// The digest, or `None` when nothing is due or overdue.
pub fn digest(person: &DigestFor<'_>, lang: Lang) -> Option<Message> {
    let all = || person.own.iter().chain(person.orgs.iter().flat_map(|o| o.obligations.iter()));
    let total = all().count();
    if total == 0 {
        return None;
    }
    let overdue = all().filter(|o| o.is_overdue()).count();
    let week = week_key(person.as_of);
    let zh = lang == Lang::Zh;
    let subject = match (zh, overdue) {
        (true, 0) => format!("长效：本周待办{total}项 · {week}"),
        (true, n) => format!("长效：本周待办{total}项（逾期{n}项）· {week}"),
        (false, 0) => format!("Changxiao: {total} open this week · {week}"),
        (false, n) => format!("Changxiao: {total} open this week ({n} overdue) · {week}"),
    };
    let mut body = String::new();
    if zh {
        body.push_str(&format!("{}同志：\n\n", person.name));
        body.push_str(&format!("截至{}（{week}），需要关注的事项共{total}项", person.as_of.format("%Y年%-m月%-d日")));
        body.push_str(&if overdue > 0 { format!("，其中逾期{overdue}项。\n") } else { "。\n".to_owned() });
    } else {
        body.push_str(&format!("Dear {},\n\n", person.name));
        body.push_str(&format!("As of {} ({week}), {total} obligation(s) are open", person.as_of));
        body.push_str(&if overdue > 0 { format!(", {overdue} of them overdue.\n") } else { ".\n".to_owned() });
    }
    if !person.own.is_empty() {
        body.push_str(if zh { "\n本人\n" } else { "\nYour own\n" });
        list(&mut body, person.own, zh);
    }
    for org in person.orgs.iter().filter(|o| !o.obligations.is_empty()) {
        body.push_str(&if zh {
            format!("\n{}（您任书记）\n", org.name)
        } else {
            format!("\n{} (you are its secretary)\n", org.name)
        });
        list(&mut body, org.obligations, zh);
    }
    body.push_str(if zh {
        "\n逾期事项在补录截止日前补录仍然有效；已开展但尚未登记的，登记一次即可。\n本邮件由长效平台每周自动生成，无需回复。\n"
    } else {
        "\nOverdue items still count if recorded by the late-entry deadline; an activity held but not yet recorded needs recording once.\nThis message is composed weekly by Changxiao; no reply is needed.\n"
    });
    Some(Message { subject, body })
}

fn list(body: &mut String, items: &[Obligation], zh: bool) {
    for o in items {
        let line = match (zh, o.is_overdue()) {
            (true, true) => format!("- [逾期] {}（{}）：补录截止{}。{}\n", o.title, o.period.label(), o.due_on, o.why),
            (true, false) => format!("- [待办] {}（{}）：截止{}。{}\n", o.title, o.period.label(), o.due_on, o.why),
            (false, true) => format!("- [overdue] {} ({}): late entry until {}. {}\n", o.title, o.period.label(), o.due_on, o.why),
            (false, false) => format!("- [due] {} ({}): due {}. {}\n", o.title, o.period.label(), o.due_on, o.why),
        };
        body.push_str(&line);
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
            title: title.to_owned(),
            period,
            status,
            due_on: day(due),
            why: "已开展0次，要求1次".to_owned(),
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
        assert_eq!(digest(&person, Lang::Zh), None);
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
        let zh = digest(&person, Lang::Zh).unwrap_or_else(|| unreachable!());
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
