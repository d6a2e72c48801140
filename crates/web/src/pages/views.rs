//! View models: domain records turned into the translated, display-ready
//! strings the templates print. Personal numbers appear only masked; the ID
//! number never appears in lists.

use chrono::NaiveDate;
use domain::{Organization, PartialDate, Person};
use i18n::Lang;
use std::collections::HashMap;

/// An organization as a link with its level and kind.
pub struct OrgLink {
    pub id: String,
    pub name: String,
    pub level: &'static str,
    pub kind: &'static str,
}

impl OrgLink {
    pub fn new(org: &Organization, lang: Lang) -> Self {
        OrgLink {
            id: org.id.to_string(),
            name: org.name.to_string(),
            level: i18n::label(lang, "org_level", org.level.code()),
            kind: i18n::label(lang, "org_kind", org.kind.code()),
        }
    }
}

/// A direct child of the organization shown, with the members of its subtree.
pub struct ChildRow {
    pub org: OrgLink,
    pub members: i64,
}

/// One member in an organization's list (no ID number here).
pub struct MemberRow {
    pub id: String,
    pub name: String,
    /// The group (or other sub-organization) the member belongs to, when it
    /// is not the organization shown.
    pub org: Option<String>,
    pub sex: &'static str,
    pub age: String,
    pub category: &'static str,
    /// Only when the member is not simply on the roll.
    pub status: Option<&'static str>,
    pub positions: String,
    pub join_date: String,
    pub phone: String,
}

impl MemberRow {
    pub fn new(person: &Person, shown_org: &domain::Id, org_names: &HashMap<domain::Id, String>, today: NaiveDate, lang: Lang) -> Self {
        MemberRow {
            id: person.id.to_string(),
            name: person.name.to_string(),
            org: (&person.org_id != shown_org).then(|| org_names.get(&person.org_id).cloned()).flatten(),
            sex: person.sex.map_or("", |s| i18n::label(lang, "sex", s.code())),
            age: person.birth_date.map(|b| age(b, today).to_string()).unwrap_or_default(),
            category: i18n::label(lang, "member_category", person.category.code()),
            status: (person.status != domain::MemberStatus::Active).then(|| i18n::label(lang, "member_status", person.status.code())),
            positions: positions(person, lang),
            join_date: person.join_date.to_string(),
            phone: person.phone_masked.clone().unwrap_or_default(),
        }
    }
}

/// A labelled value on a record's page.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// One entry of a record's audit trail: when, who, what.
pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub what: String,
}

impl HistoryRow {
    /// `who` is the actor's display name when `names` knows the account.
    pub fn new(entry: &store::audit::AuditEntry, names: &HashMap<String, String>, lang: Lang) -> Self {
        let what = i18n::lookup(lang, &i18n::message_id("audit_action", &entry.action)).map_or_else(|| entry.action.clone(), str::to_owned);
        HistoryRow { when: minute(&entry.at), who: names.get(&entry.actor).cloned().unwrap_or_else(|| entry.actor.clone()), what }
    }
}

/// An RFC 3339 instant to the minute, as stored (China Standard Time).
pub fn minute(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map_or_else(|_| at.to_owned(), |at| at.format("%Y-%m-%d %H:%M").to_string())
}

/// "显示名（login）" for each actor that is an account; other actors
/// (`system:…`, `anonymous`) are left to show as they are.
pub async fn actor_names(store: &store::Store, mut actors: Vec<String>) -> Result<HashMap<String, String>, store::StoreError> {
    actors.sort();
    actors.dedup();
    let mut names = HashMap::new();
    for actor in actors {
        if let Some(id) = domain::Id::parse(&actor)
            && let Some(account) = store.account(&id).await?
        {
            names.insert(actor, format!("{}（{}）", account.display_name, account.login.as_str()));
        }
    }
    Ok(names)
}

/// A record's history as its page shows it, oldest first.
pub async fn history_rows(
    store: &store::Store,
    entries: &[store::audit::AuditEntry],
    lang: Lang,
) -> Result<Vec<HistoryRow>, store::StoreError> {
    let names = actor_names(store, entries.iter().map(|e| e.actor.clone()).collect()).await?;
    Ok(entries.iter().map(|e| HistoryRow::new(e, &names, lang)).collect())
}

/// Age in whole years; a birth date without its day counts from the 1st.
pub fn age(birth: PartialDate, today: NaiveDate) -> i32 {
    domain::dates::age_on(birth.first_day(), today)
}

/// The positions held, translated and joined.
pub fn positions(person: &Person, lang: Lang) -> String {
    let labels: Vec<&str> = person.positions.iter().map(|p| i18n::label(lang, "position", p.code())).collect();
    labels.join(i18n::t(lang, "list-separator"))
}

/// The facts of a member's own page, in reading order.
pub fn person_facts(person: &Person, today: NaiveDate, lang: Lang) -> Vec<Fact> {
    let t = |key: &'static str| i18n::t(lang, key);
    let or_blank = |v: Option<String>| v.unwrap_or_else(|| t("common-not-recorded").to_owned());
    let none = t("common-none").to_owned();
    let mut facts = vec![
        Fact { label: t("member-sex"), value: or_blank(person.sex.map(|s| i18n::label(lang, "sex", s.code()).to_owned())) },
        Fact { label: t("person-ethnicity"), value: or_blank(person.ethnicity.clone()) },
        Fact { label: t("person-birth-date"), value: or_blank(person.birth_date.map(|d| d.to_string())) },
    ];
    if let Some(birth) = person.birth_date {
        facts.push(Fact { label: t("member-age"), value: age(birth, today).to_string() });
    }
    facts.push(Fact { label: t("member-category"), value: i18n::label(lang, "member_category", person.category.code()).to_owned() });
    facts.push(Fact { label: t("member-status"), value: i18n::label(lang, "member_status", person.status.code()).to_owned() });
    facts.push(Fact { label: t("member-join-date"), value: person.join_date.to_string() });
    facts.push(Fact {
        label: t("person-political-birthday"),
        value: i18n::t(lang, &format!("month-{}", person.join_date.month())).to_owned(),
    });
    facts.push(Fact { label: t("person-full-member-date"), value: or_blank(person.full_member_date.map(|d| d.to_string())) });
    let held = positions(person, lang);
    facts.push(Fact { label: t("member-positions"), value: if held.is_empty() { none } else { held } });
    facts.push(Fact { label: t("person-cadre-rank"), value: i18n::label(lang, "cadre_rank", person.cadre_rank.code()).to_owned() });
    facts.push(Fact { label: t("person-id-number"), value: or_blank(person.id_number_masked.clone()) });
    facts.push(Fact { label: t("member-phone"), value: or_blank(person.phone_masked.clone()) });
    facts
}

/// The members of each direct child's subtree: `counts` holds the members of
/// every organization in `subtree` (the subtree of `parent`, in any order).
pub fn child_totals(parent: &Organization, subtree: &[Organization], counts: &[(domain::Id, i64)]) -> HashMap<domain::Id, i64> {
    let counts: HashMap<&domain::Id, i64> = counts.iter().map(|(id, n)| (id, *n)).collect();
    let depth = parent.path.len();
    let mut totals = HashMap::new();
    for org in subtree {
        let (Some(n), Some(child)) = (counts.get(&org.id), org.path.get(depth)) else {
            continue;
        };
        if org.path.get(depth.saturating_sub(1)) == Some(&parent.id) {
            *totals.entry(child.clone()).or_insert(0) += n;
        }
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Id, Name, OrgKind, OrgLevel};

    fn org(path: &[&Id]) -> Organization {
        let id = path.last().map(|i| (*i).clone()).unwrap_or_else(Id::generate);
        Organization {
            id,
            province_id: path[0].clone(),
            parent_id: None,
            name: Name::from_stored("x".into()),
            level: OrgLevel::Grassroots,
            kind: OrgKind::Branch,
            unit_type: None,
            founded_on: NaiveDate::MIN,
            closed_on: None,
            path: path.iter().map(|i| (*i).clone()).collect(),
            version: 1,
        }
    }

    #[test]
    fn child_totals_add_up_each_childs_whole_subtree() {
        let (root, a, b, a1, a2) = (Id::generate(), Id::generate(), Id::generate(), Id::generate(), Id::generate());
        let parent = org(&[&root]);
        let subtree = vec![parent.clone(), org(&[&root, &a]), org(&[&root, &a, &a1]), org(&[&root, &a, &a1, &a2]), org(&[&root, &b])];
        let counts = vec![(root.clone(), 2), (a.clone(), 1), (a1.clone(), 3), (a2.clone(), 4)];
        let totals = child_totals(&parent, &subtree, &counts);
        assert_eq!(totals.get(&a), Some(&8));
        assert_eq!(totals.get(&b), None);
        assert_eq!(totals.get(&root), None);
    }

    #[test]
    fn ages_count_whole_years_from_partial_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
        assert_eq!(age(PartialDate::year_month(1950, 12).expect("a month"), today), 75);
        assert_eq!(age(PartialDate::year_month(1950, 11).expect("a month"), today), 76);
    }
}
