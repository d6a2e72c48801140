//! The organization tree: effective-dated parent links with materialized
//! paths, so that "all descendants of X", "the path from the root to X" and
//! "the tree as it was on date D" are each one indexed range query.
//!
//! A path is `/root-id/…/own-id/`. Ids are lowercase hex, so every path with
//! prefix `P` sorts in `[P, P')` where `P'` is `P` with its final `/`
//! replaced by `0` (the next byte), and descendant queries are range scans.

use crate::audit::Audited;
use crate::rows::{Value, insert_rows, int, like_escape, opt_parsed, opt_text, parsed, text};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::org::{PlacementError, check_placement};
use domain::{Field, FieldError, Id, Name, OrgKind, OrgLevel, Organization, Problem, UnitType};
use sqlx::any::AnyRow;

/// What is needed to found an organization.
#[derive(Clone, Debug)]
pub struct NewOrg {
    /// A chosen id (demo data, imports that keep ids); generated if `None`.
    pub id: Option<Id>,
    pub parent_id: Option<Id>,
    pub name: Name,
    pub level: OrgLevel,
    pub kind: OrgKind,
    pub unit_type: Option<UnitType>,
    pub founded_on: NaiveDate,
}

/// Changes to an organization's own attributes; `None` leaves a field as is.
#[derive(Clone, Debug, Default)]
pub struct OrgChanges {
    pub name: Option<Name>,
    pub unit_type: Option<Option<UnitType>>,
}

/// A page of results and the cursor for the next one.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page from `limit + 1` rows read in cursor order: the extra row, if
    /// there is one, only tells that another page follows.
    pub(crate) fn cut(mut items: Vec<T>, limit: usize, cursor_of: impl Fn(&T) -> String) -> Self {
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(cursor_of)
        } else {
            None
        };
        Page { items, next_cursor }
    }
}

const ORG_COLUMNS: &str =
    "o.province_id, o.id, o.name, o.level, o.kind, o.unit_type, o.founded_on, o.closed_on, o.version, l.parent_id, l.path";
const VALID_ON: &str = "l.valid_from <= $D AND (l.valid_to IS NULL OR l.valid_to > $D)";

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(s: &str) -> std::result::Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
}

/// The exclusive upper bound of the paths that start with `path`.
pub(crate) fn path_end(path: &str) -> String {
    let mut end = path.trim_end_matches('/').to_owned();
    end.push('0');
    end
}

fn path_ids(path: &str) -> Vec<Id> {
    path.split('/').filter(|s| !s.is_empty()).map(|s| Id::from_stored(s.to_owned())).collect()
}

fn org_from_row(row: &AnyRow) -> Result<Organization> {
    Ok(Organization {
        id: Id::from_stored(text(row, "id")?),
        province_id: Id::from_stored(text(row, "province_id")?),
        parent_id: opt_text(row, "parent_id")?.map(Id::from_stored),
        name: Name::from_stored(text(row, "name")?),
        level: parsed(row, "level", OrgLevel::parse)?,
        kind: parsed(row, "kind", OrgKind::parse)?,
        unit_type: opt_parsed(row, "unit_type", UnitType::parse)?,
        founded_on: parsed(row, "founded_on", parse_date)?,
        closed_on: opt_parsed(row, "closed_on", parse_date)?,
        path: path_ids(&text(row, "path")?),
        version: int(row, "version")?,
    })
}

fn placement_error(e: PlacementError) -> StoreError {
    crate::invalid(Field::Parent, e.message(), "")
}

/// A move of a subtree: its paths before and after, the organization
/// moved, its new parent and the first day under it.
struct Relink<'a> {
    old_prefix: String,
    new_prefix: String,
    moved: &'a Id,
    new_parent: &'a Id,
    day: String,
}

/// The links of the subtree to move as they stand on the day of the move;
/// a link of the subtree that starts or ends after that day means a later
/// change, before which no earlier move can be inserted.
async fn current_links(w: &mut Audited, relink: &Relink<'_>) -> Result<Vec<Link>> {
    let later: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_links WHERE path >= $1 AND path < $2 AND valid_from > $3")
        .bind(&relink.old_prefix)
        .bind(path_end(&relink.old_prefix))
        .bind(&relink.day)
        .fetch_one(&mut **w.tx())
        .await?;
    if later > 0 {
        return Err(StoreError::rule("move-before-later-change"));
    }
    let rows = sqlx::query(
        "SELECT province_id, id, org_id, parent_id, path, valid_from, valid_to FROM org_links
         WHERE path >= $1 AND path < $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)",
    )
    .bind(&relink.old_prefix)
    .bind(path_end(&relink.old_prefix))
    .bind(&relink.day)
    .fetch_all(&mut **w.tx())
    .await?;
    let mut links = Vec::with_capacity(rows.len());
    for r in &rows {
        if opt_text(r, "valid_to")?.is_some() {
            return Err(StoreError::rule("move-before-later-change"));
        }
        links.push(Link {
            province_id: text(r, "province_id")?,
            id: text(r, "id")?,
            org_id: text(r, "org_id")?,
            parent_id: opt_text(r, "parent_id")?,
            path: text(r, "path")?,
            valid_from: text(r, "valid_from")?,
        });
    }
    Ok(links)
}

/// Ends each link of the subtree on the day of the move and starts one
/// under the new path (a link that starts that very day is rewritten).
async fn rewrite_links(w: &mut Audited, relink: &Relink<'_>, links: Vec<Link>) -> Result<()> {
    let day = &relink.day;
    let mut new_links = Vec::new();
    for link in links {
        let path = format!("{}{}", relink.new_prefix, &link.path[relink.old_prefix.len()..]);
        let parent_id = if link.org_id == relink.moved.as_str() { Some(relink.new_parent.to_string()) } else { link.parent_id.clone() };
        if &link.valid_from == day {
            sqlx::query("UPDATE org_links SET path = $1, parent_id = $2 WHERE province_id = $3 AND id = $4")
                .bind(&path)
                .bind(&parent_id)
                .bind(&link.province_id)
                .bind(&link.id)
                .execute(&mut **w.tx())
                .await?;
        } else {
            sqlx::query("UPDATE org_links SET valid_to = $1 WHERE province_id = $2 AND id = $3")
                .bind(day)
                .bind(&link.province_id)
                .bind(&link.id)
                .execute(&mut **w.tx())
                .await?;
            let depth = path.split('/').filter(|s| !s.is_empty()).count() as i64;
            new_links.push(vec![
                Value::from(link.province_id),
                Value::from(Id::generate().to_string()),
                Value::from(link.org_id),
                Value::from(parent_id),
                Value::from(path),
                Value::Int(depth),
                Value::from(day.clone()),
                Value::Text(None),
            ]);
        }
    }
    insert_rows(w.tx(), "org_links", &["province_id", "id", "org_id", "parent_id", "path", "depth", "valid_from", "valid_to"], new_links)
        .await
}

/// A link row as needed to rewrite paths.
struct Link {
    province_id: String,
    id: String,
    org_id: String,
    parent_id: Option<String>,
    path: String,
    valid_from: String,
}

impl Store {
    /// An organization with its place in the tree on `on` (or, if it was not
    /// yet founded then, its first place).
    pub async fn org(&self, id: &Id, on: NaiveDate) -> Result<Option<Organization>> {
        org_at(self.pool(), id, on).await
    }

    /// Like [`Store::org`] but a missing organization is an error.
    pub async fn org_required(&self, id: &Id, on: NaiveDate) -> Result<Organization> {
        self.org(id, on).await?.ok_or(StoreError::NotFound)
    }

    /// Organizations without a parent that are open on `on`.
    pub async fn roots(&self, on: NaiveDate) -> Result<Vec<Organization>> {
        self.query_orgs(
            &format!("l.parent_id IS NULL AND {VALID_ON} AND (o.closed_on IS NULL OR o.closed_on > $D) ORDER BY o.name"),
            &[],
            on,
        )
        .await
    }

    /// The direct children of `id` open on `on`, by name.
    pub async fn children(&self, id: &Id, on: NaiveDate) -> Result<Vec<Organization>> {
        self.query_orgs(
            &format!("l.parent_id = $1 AND {VALID_ON} AND (o.closed_on IS NULL OR o.closed_on > $D) ORDER BY o.kind, o.name"),
            &[id.as_str()],
            on,
        )
        .await
    }

    /// `id` and all organizations under it that are open on `on`, in path order
    /// (a parent before its children).
    pub async fn subtree(&self, id: &Id, on: NaiveDate) -> Result<Vec<Organization>> {
        let Some(root) = self.org(id, on).await? else {
            return Err(StoreError::NotFound);
        };
        let path = root_path(&root);
        let end = path_end(&path);
        self.query_orgs(
            &format!("l.path >= $1 AND l.path < $2 AND {VALID_ON} AND (o.closed_on IS NULL OR o.closed_on > $D) ORDER BY l.path"),
            &[&path, &end],
            on,
        )
        .await
    }

    /// The ids of `id` and of every organization under it open on `on`: one
    /// range scan, returned as one aggregated row (the driver's cost is per
    /// row, and a county has some 1,500 organizations).
    pub async fn descendant_ids(&self, id: &Id, on: NaiveDate) -> Result<Vec<Id>> {
        let root = self.org_required(id, on).await?;
        let path = root_path(&root);
        let aggregate = match self.backend() {
            crate::Backend::Sqlite => "group_concat(l.org_id, ',')",
            crate::Backend::Postgres => "string_agg(l.org_id, ',')",
        };
        // A closure ends the organization's link, so the links alone answer.
        let sql = format!(
            "SELECT {aggregate} FROM org_links l
             WHERE l.path >= $1 AND l.path < $2 AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)"
        );
        let joined: Option<String> =
            sqlx::query_scalar(&sql).bind(&path).bind(path_end(&path)).bind(date_text(on)).fetch_one(self.pool()).await?;
        Ok(joined.unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(|s| Id::from_stored(s.to_owned())).collect())
    }

    /// The organizations from the root down to `id` on `on`, `id` included,
    /// read in one query.
    pub async fn path_to(&self, id: &Id, on: NaiveDate) -> Result<Vec<Organization>> {
        let Some(org) = self.org(id, on).await? else {
            return Err(StoreError::NotFound);
        };
        let placeholders: Vec<String> = (1..=org.path.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {ORG_COLUMNS}, l.valid_from FROM organizations o JOIN org_links l ON l.province_id = o.province_id AND l.org_id = o.id
             WHERE o.id IN ({}) ORDER BY o.id, l.valid_from",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for ancestor in &org.path {
            query = query.bind(ancestor.as_str());
        }
        let rows = query.fetch_all(self.pool()).await?;
        let mut by_org: std::collections::HashMap<String, Vec<AnyRow>> = std::collections::HashMap::new();
        for row in rows {
            by_org.entry(text(&row, "id")?).or_default().push(row);
        }
        let mut out = Vec::with_capacity(org.path.len());
        for ancestor in &org.path {
            let links = by_org.get(ancestor.as_str()).map(Vec::as_slice).unwrap_or_default();
            let row = pick_link(links, on)?.ok_or_else(|| StoreError::Corrupt(format!("ancestor {ancestor} has no link")))?;
            out.push(org_from_row(row)?);
        }
        Ok(out)
    }

    /// Organizations whose name contains `query`, open on `on`, within the
    /// subtree of `under` if given.
    pub async fn search_orgs(&self, query: &str, under: Option<&Id>, on: NaiveDate, limit: usize) -> Result<Vec<Organization>> {
        let pattern = format!("%{}%", like_escape(query.trim()));
        let (from, to) = self.subtree_bounds(under, on).await?;
        self.query_orgs(
            &format!(
                "LOWER(o.name) LIKE LOWER($1) ESCAPE '\\' AND l.path >= $2 AND l.path < $3 AND {VALID_ON} AND (o.closed_on IS NULL OR o.closed_on > $D) ORDER BY o.name, o.id LIMIT {}",
                limit.min(500)
            ),
            &[&pattern, &from, &to],
            on,
        )
        .await
    }

    /// Organizations in the subtree of `under` (or all), ordered by id, after
    /// the cursor (an id), open on `on`.
    pub async fn list_orgs(&self, under: Option<&Id>, cursor: Option<&Id>, limit: usize, on: NaiveDate) -> Result<Page<Organization>> {
        let (from, to) = self.subtree_bounds(under, on).await?;
        let after = cursor.map(|c| c.as_str().to_owned()).unwrap_or_default();
        let limit = limit.clamp(1, 500);
        let items = self
            .query_orgs(
                &format!(
                    "l.path >= $1 AND l.path < $2 AND o.id > $3 AND {VALID_ON} AND (o.closed_on IS NULL OR o.closed_on > $D) ORDER BY o.id LIMIT {}",
                    limit + 1
                ),
                &[&from, &to, &after],
                on,
            )
            .await?;
        Ok(Page::cut(items, limit, |o| o.id.to_string()))
    }

    /// The path range of a subtree, or of everything.
    pub(crate) async fn subtree_bounds(&self, under: Option<&Id>, on: NaiveDate) -> Result<(String, String)> {
        match under {
            None => Ok(("/".to_owned(), "0".to_owned())),
            Some(id) => {
                let org = self.org_required(id, on).await?;
                let path = root_path(&org);
                let end = path_end(&path);
                Ok((path, end))
            }
        }
    }

    /// Runs a query over organizations joined with their links; `$D` in the
    /// condition is the day, bound after the given parameters.
    async fn query_orgs(&self, condition: &str, params: &[&str], on: NaiveDate) -> Result<Vec<Organization>> {
        let day_param = format!("${}", params.len() + 1);
        let sql = format!(
            "SELECT {ORG_COLUMNS} FROM organizations o JOIN org_links l ON l.province_id = o.province_id AND l.org_id = o.id WHERE {}",
            condition.replace("$D", &day_param)
        );
        let mut query = sqlx::query(&sql);
        for p in params {
            query = query.bind(*p);
        }
        let rows = query.bind(date_text(on)).fetch_all(self.pool()).await?;
        rows.iter().map(org_from_row).collect()
    }

    /// Founds an organization under its parent.
    pub async fn create_org(&self, w: &mut Audited, new: NewOrg) -> Result<Organization> {
        w.lock_tree().await?;
        let id = new.id.clone().unwrap_or_else(Id::generate);
        let (province_id, parent_path) = match &new.parent_id {
            None => (id.clone(), "/".to_owned()),
            Some(parent_id) => {
                let parent = self
                    .org_in(w, parent_id, new.founded_on)
                    .await?
                    .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Parent, Problem::NotFound, parent_id.as_str())))?;
                if !parent.is_open_on(new.founded_on) {
                    return Err(StoreError::rule("parent-not-open-at-founding"));
                }
                check_placement(new.level, new.kind, parent.level, parent.kind).map_err(placement_error)?;
                let province =
                    if matches!(new.level, OrgLevel::Central | OrgLevel::Provincial) { id.clone() } else { parent.province_id.clone() };
                (province, root_path(&parent))
            }
        };
        let path = format!("{parent_path}{id}/");
        let org = Organization {
            id: id.clone(),
            province_id: province_id.clone(),
            parent_id: new.parent_id.clone(),
            name: new.name,
            level: new.level,
            kind: new.kind,
            unit_type: new.unit_type,
            founded_on: new.founded_on,
            closed_on: None,
            path: path_ids(&path),
            version: 1,
        };
        self.insert_orgs(w, std::slice::from_ref(&org)).await?;
        Ok(org)
    }

    /// Inserts organizations whose place and province are already worked out
    /// (a parent before its children), with one audit entry each.
    pub async fn insert_orgs(&self, w: &mut Audited, orgs: &[Organization]) -> Result<()> {
        let at = w.at().to_owned();
        let mut org_rows = Vec::with_capacity(orgs.len());
        let mut link_rows = Vec::with_capacity(orgs.len());
        for org in orgs {
            let path = format!("/{}/", org.path.iter().map(Id::as_str).collect::<Vec<_>>().join("/"));
            org_rows.push(vec![
                Value::from(org.province_id.to_string()),
                Value::from(org.id.to_string()),
                Value::from(org.name.as_str()),
                Value::from(org.level.code()),
                Value::from(org.kind.code()),
                Value::from(org.unit_type.map(|u| u.code().to_owned())),
                Value::from(date_text(org.founded_on)),
                Value::from(org.closed_on.map(date_text)),
                Value::Int(org.version),
                Value::from(at.clone()),
                Value::from(at.clone()),
            ]);
            link_rows.push(vec![
                Value::from(org.province_id.to_string()),
                Value::from(Id::generate().to_string()),
                Value::from(org.id.to_string()),
                Value::from(org.parent_id.as_ref().map(|p| p.to_string())),
                Value::from(path),
                Value::Int(org.path.len() as i64),
                Value::from(date_text(org.founded_on)),
                Value::Text(None),
            ]);
            w.record(org.province_id.as_str(), "create", "organization", org.id.as_str(), None, serde_json::to_value(org).ok());
        }
        insert_rows(
            w.tx(),
            "organizations",
            &["province_id", "id", "name", "level", "kind", "unit_type", "founded_on", "closed_on", "version", "created_at", "updated_at"],
            org_rows,
        )
        .await?;
        insert_rows(
            w.tx(),
            "org_links",
            &["province_id", "id", "org_id", "parent_id", "path", "depth", "valid_from", "valid_to"],
            link_rows,
        )
        .await
    }

    /// Reads an organization inside a write transaction.
    pub(crate) async fn org_in(&self, w: &mut Audited, id: &Id, on: NaiveDate) -> Result<Option<Organization>> {
        org_at(&mut **w.tx(), id, on).await
    }

    /// Changes an organization's name or unit type, if `expected_version` is current.
    pub async fn update_org(
        &self,
        w: &mut Audited,
        id: &Id,
        expected_version: i64,
        changes: OrgChanges,
        today: NaiveDate,
    ) -> Result<Organization> {
        let before = self.org_in(w, id, today).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version {
            return Err(StoreError::Conflict { current: before.version });
        }
        let mut after = before.clone();
        if let Some(name) = changes.name {
            after.name = name;
        }
        if let Some(unit_type) = changes.unit_type {
            after.unit_type = unit_type;
        }
        after.version += 1;
        let at = w.at().to_owned();
        let done = sqlx::query("UPDATE organizations SET name = $1, unit_type = $2, version = $3, updated_at = $4 WHERE province_id = $5 AND id = $6 AND version = $7")
            .bind(after.name.as_str())
            .bind(after.unit_type.map(|u| u.code()))
            .bind(after.version)
            .bind(at)
            .bind(before.province_id.as_str())
            .bind(id.as_str())
            .bind(expected_version)
            .execute(&mut **w.tx())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: before.version + 1 });
        }
        w.record(
            before.province_id.as_str(),
            "update",
            "organization",
            id.as_str(),
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }

    /// Moves `id` and its whole subtree under `new_parent` from `on`.
    pub async fn move_org(&self, w: &mut Audited, id: &Id, new_parent: &Id, on: NaiveDate, expected_version: i64) -> Result<Organization> {
        w.lock_tree().await?;
        let org = self.org_in(w, id, on).await?.ok_or(StoreError::NotFound)?;
        if org.version != expected_version {
            return Err(StoreError::Conflict { current: org.version });
        }
        if !org.is_open_on(on) {
            return Err(StoreError::rule("org-not-open-on-day"));
        }
        let parent = self
            .org_in(w, new_parent, on)
            .await?
            .ok_or_else(|| StoreError::Invalid(FieldError::new(Field::Parent, Problem::NotFound, new_parent.as_str())))?;
        if !parent.is_open_on(on) {
            return Err(StoreError::rule("new-parent-not-open"));
        }
        if parent.path.contains(id) {
            return Err(placement_error(PlacementError::Cycle));
        }
        check_placement(org.level, org.kind, parent.level, parent.kind).map_err(placement_error)?;
        let stays_in_province = matches!(org.level, OrgLevel::Central | OrgLevel::Provincial) || parent.province_id == org.province_id;
        if !stays_in_province {
            return Err(StoreError::rule("move-to-other-province"));
        }
        let relink = Relink {
            old_prefix: root_path(&org),
            new_prefix: format!("{}{}/", root_path(&parent), id),
            moved: id,
            new_parent,
            day: date_text(on),
        };
        let links = current_links(w, &relink).await?;
        rewrite_links(w, &relink, links).await?;
        self.bump_org_version(w, &org).await?;
        let after = self.org_in(w, id, on).await?.ok_or(StoreError::NotFound)?;
        w.record(
            org.province_id.as_str(),
            "move",
            "organization",
            id.as_str(),
            serde_json::to_value(&org).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }

    /// Closes an organization from `on`. It must have no open organizations
    /// under it and no current members.
    pub async fn close_org(&self, w: &mut Audited, id: &Id, on: NaiveDate, expected_version: i64) -> Result<Organization> {
        w.lock_tree().await?;
        let org = self.org_in(w, id, on).await?.ok_or(StoreError::NotFound)?;
        if org.version != expected_version {
            return Err(StoreError::Conflict { current: org.version });
        }
        if org.closed_on.is_some() {
            return Err(StoreError::rule("org-already-closed"));
        }
        if on < org.founded_on {
            return Err(StoreError::Invalid(FieldError::new(Field::ClosedOn, Problem::rule("close-before-founding"), &date_text(on))));
        }
        let day = date_text(on);
        let open_children: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM org_links l JOIN organizations o ON o.province_id = l.province_id AND o.id = l.org_id
             WHERE l.parent_id = $1 AND (l.valid_to IS NULL OR l.valid_to > $2) AND (o.closed_on IS NULL OR o.closed_on > $2)",
        )
        .bind(id.as_str())
        .bind(&day)
        .fetch_one(&mut **w.tx())
        .await?;
        if open_children > 0 {
            return Err(StoreError::rule("close-with-open-children"));
        }
        let members: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships m JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
             WHERE m.org_id = $1 AND (m.valid_to IS NULL OR m.valid_to > $2) AND p.status IN ('active', 'abroad', 'mobile')",
        )
        .bind(id.as_str())
        .bind(&day)
        .fetch_one(&mut **w.tx())
        .await?;
        if members > 0 {
            return Err(StoreError::rule("close-with-members"));
        }
        let mut after = org.clone();
        after.closed_on = Some(on);
        after.version += 1;
        let done = sqlx::query(
            "UPDATE organizations SET closed_on = $1, version = $2, updated_at = $3 WHERE province_id = $4 AND id = $5 AND version = $6",
        )
        .bind(&day)
        .bind(after.version)
        .bind(w.at().to_owned())
        .bind(org.province_id.as_str())
        .bind(id.as_str())
        .bind(expected_version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: org.version + 1 });
        }
        // The organization's place in the tree ends with it, so that a range
        // scan of links alone answers "open on that day".
        sqlx::query("UPDATE org_links SET valid_to = $1 WHERE org_id = $2 AND valid_to IS NULL")
            .bind(&day)
            .bind(id.as_str())
            .execute(&mut **w.tx())
            .await?;
        w.record(
            org.province_id.as_str(),
            "close",
            "organization",
            id.as_str(),
            serde_json::to_value(&org).ok(),
            serde_json::to_value(&after).ok(),
        );
        Ok(after)
    }

    async fn bump_org_version(&self, w: &mut Audited, org: &Organization) -> Result<()> {
        let done = sqlx::query(
            "UPDATE organizations SET version = version + 1, updated_at = $1 WHERE province_id = $2 AND id = $3 AND version = $4",
        )
        .bind(w.at().to_owned())
        .bind(org.province_id.as_str())
        .bind(org.id.as_str())
        .bind(org.version)
        .execute(&mut **w.tx())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { current: org.version + 1 });
        }
        Ok(())
    }

    /// Current member counts per organization in the subtree of `id`
    /// (members directly attached to each organization).
    pub async fn member_counts(&self, id: &Id, on: NaiveDate) -> Result<Vec<(Id, i64)>> {
        let org = self.org_required(id, on).await?;
        let path = root_path(&org);
        let day = date_text(on);
        let rows = sqlx::query(
            "SELECT m.org_id AS org_id, COUNT(*) AS n FROM memberships m
             JOIN org_links l ON l.org_id = m.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
             JOIN people p ON p.province_id = m.province_id AND p.id = m.person_id
             WHERE l.path >= $1 AND l.path < $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3)
               AND p.status IN ('active', 'abroad', 'mobile')
             GROUP BY m.org_id",
        )
        .bind(&path)
        .bind(path_end(&path))
        .bind(&day)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((Id::from_stored(text(r, "org_id")?), int(r, "n")?))).collect()
    }
}

/// An organization and the link that places it on `on`: the link valid that
/// day, or the first one if the organization was founded later.
pub(crate) async fn org_at<'e, E>(executor: E, id: &Id, on: NaiveDate) -> Result<Option<Organization>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {ORG_COLUMNS}, l.valid_from FROM organizations o JOIN org_links l ON l.province_id = o.province_id AND l.org_id = o.id
         WHERE o.id = $1 ORDER BY l.valid_from"
    ))
    .bind(id.as_str())
    .fetch_all(executor)
    .await?;
    pick_link(&rows, on)?.map(org_from_row).transpose()
}

/// Of one organization's links in `valid_from` order, the one in force on
/// `on`, or the first if none was yet.
fn pick_link(rows: &[AnyRow], on: NaiveDate) -> Result<Option<&AnyRow>> {
    let day = date_text(on);
    let mut chosen = None;
    for row in rows {
        if chosen.is_none() || text(row, "valid_from")? <= day {
            chosen = Some(row);
        }
    }
    Ok(chosen)
}

/// The stored path string of an organization.
pub(crate) fn root_path(org: &Organization) -> String {
    let mut s = String::from("/");
    for id in &org.path {
        s.push_str(id.as_str());
        s.push('/');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ranges_cover_exactly_the_subtree() {
        let p = "/ab/cd/";
        let end = path_end(p);
        assert_eq!(end, "/ab/cd0");
        for inside in ["/ab/cd/", "/ab/cd/ef/", "/ab/cd/ff/00/"] {
            assert!(inside >= p && inside < end.as_str(), "{inside}");
        }
        for outside in ["/ab/", "/ab/ce/", "/ab/cdf/", "/ab/c/"] {
            assert!(!(outside >= p && outside < end.as_str()), "{outside}");
        }
    }
}
