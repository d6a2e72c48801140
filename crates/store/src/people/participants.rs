//! Who may take part in an activity and who is expected: the members of
//! the host's subtree (or of the host alone, above the grassroots) and the
//! holders of positions in it, on the day; the committee for committee
//! meetings. Also the lookups a recording form needs: people's names and
//! the holders of positions in a list of organizations.

use crate::orgs::{date_text, path_end, root_path};
use crate::rows::{parsed, text};
use crate::{Result, Store};
use chrono::NaiveDate;
use domain::{Id, MemberStatus, OrgKind, OrgLevel, Organization};
use rules::Catalogue;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Whether a host's expected participants are the members of its whole
/// subtree (a grassroots committee, general branch, branch or group: their
/// members' assembly) or only its own members and position holders (a
/// township committee or above, whose meetings are its leadership's).
fn expects_whole_subtree(org: &Organization) -> bool {
    org.level == OrgLevel::Grassroots || matches!(org.kind, OrgKind::GeneralBranch | OrgKind::Branch | OrgKind::Group)
}

/// Who may take part in an activity of `host` held on `day`.
pub(crate) struct Eligible {
    /// Everyone who may be listed: members of the host's subtree and
    /// holders of positions in the host, on the day.
    pub(crate) all: HashSet<String>,
    /// Who is expected when the record lists nobody (people who count in
    /// their organization only).
    pub(crate) default: BTreeSet<String>,
}

impl Store {
    /// The people expected at an activity of `kind` hosted by `host` on
    /// `day` when the record lists nobody (in id order): what a recording
    /// form offers, each to be ticked absent or left present.
    pub async fn expected_participants(&self, catalogue: &Catalogue, kind: &str, host: &Id, day: NaiveDate) -> Result<Vec<Id>> {
        let Some(host) = self.org(host, day).await? else { return Ok(Vec::new()) };
        let mut conn = self.pool().acquire().await?;
        let eligible = eligible(&mut conn, &host, day, catalogue.is_committee_meeting(kind)).await?;
        Ok(eligible.default.into_iter().map(Id::from_stored).collect())
    }

    /// The names of people, by id (those not found are left out).
    pub async fn names_of(&self, ids: &[Id]) -> Result<HashMap<Id, String>> {
        let mut names = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(crate::rows::in_list_size(self.backend()).min(500)) {
            let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT id, name FROM people WHERE id IN ({})", list.join(", "));
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                names.insert(Id::from_stored(text(&row, "id")?), text(&row, "name")?);
            }
        }
        Ok(names)
    }

    /// The holders of positions in the organizations `orgs` on `day`, as
    /// (person, organization) pairs: the leaders a recording form offers as
    /// presenters beside the host's own members.
    pub async fn position_holders(&self, orgs: &[Id], day: NaiveDate) -> Result<Vec<(Id, Id)>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (2..orgs.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT DISTINCT person_id, org_id FROM positions WHERE org_id IN ({}) AND valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) ORDER BY org_id, person_id",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(date_text(day));
        for org in orgs {
            query = query.bind(org.as_str());
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((Id::from_stored(text(r, "person_id")?), Id::from_stored(text(r, "org_id")?))))
            .collect()
    }
}

/// The people who may take part in an activity of `host` on `day`.
///
/// For a committee meeting the expected people are the holders of
/// positions in the host. A group of members (党小组) holds no members of
/// its own: its meetings may list the members of its branch.
pub(crate) async fn eligible(
    conn: &mut sqlx::AnyConnection,
    host: &Organization,
    day: NaiveDate,
    committee_only: bool,
) -> Result<Eligible> {
    let path = if host.kind == OrgKind::Group && host.path.len() > 1 {
        let mut branch = host.clone();
        branch.path.pop();
        root_path(&branch)
    } else {
        root_path(host)
    };
    let day = date_text(day);
    // A subtree below central level lies in one province.
    let province = if host.level == OrgLevel::Central { "$4 = $4" } else { "m.province_id = $4" };
    let members = sqlx::query(&format!(
        "SELECT m.person_id, m.org_id, p.status FROM memberships m
         JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
         JOIN org_links l ON l.province_id = m.province_id AND l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
         WHERE {province} AND l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3)"
    ))
    .bind(&path)
    .bind(path_end(&path))
    .bind(&day)
    .bind(host.province_id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let holders = sqlx::query(
        "SELECT s.person_id, s.org_id, p.status FROM positions s JOIN people p ON p.province_id = s.province_id AND p.id = s.person_id
         WHERE s.org_id = $1 AND s.valid_from <= $2 AND (s.valid_to IS NULL OR s.valid_to > $2)",
    )
    .bind(host.id.as_str())
    .bind(&day)
    .fetch_all(&mut *conn)
    .await?;
    let whole_subtree = expects_whole_subtree(host);
    let mut eligible = Eligible { all: HashSet::new(), default: BTreeSet::new() };
    for (row, is_member) in members.iter().map(|r| (r, true)).chain(holders.iter().map(|r| (r, false))) {
        let person = text(row, "person_id")?;
        let counts = parsed(row, "status", MemberStatus::parse)?.counts_in_branch();
        let expected = !is_member || (!committee_only && (whole_subtree || text(row, "org_id")? == host.id.as_str()));
        if counts && expected {
            eligible.default.insert(person.clone());
        }
        eligible.all.insert(person);
    }
    Ok(eligible)
}
