//! Which organization an audit entry is about, and which entries an
//! auditor's grants let them read.
//!
//! Every entry is stamped when it is written with the organization its
//! record belonged to (`audit_log.org_id`): the organization itself, the
//! host of an activity, a member's organization, the organization of a
//! problem, setting, project, upload or import. An auditor granted on a
//! subtree reads the entries stamped with an organization that is or was
//! in that subtree; entries about accounts, grants and tokens, the system
//! chain and entries with no organization are read only with a grant at
//! the root ([`TrailScope::Everything`]).

use serde_json::Value as Json;
use sqlx::{Any, Transaction};

/// What an auditor may read of the trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrailScope {
    /// Every chain and every entry: a grant at the root.
    Everything,
    /// The entries about records in these subtrees (materialized paths
    /// `/root/…/org/`), in the organizations' chains only.
    Subtrees(Vec<String>),
}

/// The entities of the system: read only with a grant at the root.
pub const SYSTEM_ENTITIES: &[&str] = &["account", "grant", "api_token", "audit_entry", "audit_head"];

/// The organization an entry is about, from its record.
pub(crate) async fn owner(
    tx: &mut Transaction<'static, Any>,
    entity: &str,
    entity_id: &str,
    before: Option<&Json>,
    after: Option<&Json>,
) -> crate::Result<Option<String>> {
    if SYSTEM_ENTITIES.contains(&entity) {
        return Ok(None);
    }
    if matches!(entity, "organization" | "roster_export") {
        return Ok(Some(entity_id.to_owned()));
    }
    let field = |name: &str| -> Option<String> {
        [after, before].into_iter().flatten().find_map(|j| j.get(name).and_then(Json::as_str).map(str::to_owned))
    };
    if let Some(org) = field("host_org_id").or_else(|| field("org_id")).or_else(|| field("organization")) {
        return Ok(Some(org));
    }
    let scalar = async |tx: &mut Transaction<'static, Any>, sql: &str, id: &str| -> crate::Result<Option<String>> {
        Ok(sqlx::query_scalar::<_, String>(sql).bind(id.to_owned()).fetch_optional(&mut **tx).await?)
    };
    match entity {
        "person" => member_org(tx, entity_id).await,
        "message" => match field("person_id") {
            Some(person) => member_org(tx, &person).await,
            None => Ok(None),
        },
        "upload" => scalar(tx, "SELECT org_id FROM uploads WHERE id = $1", entity_id).await,
        "attachment" => {
            scalar(
                tx,
                "SELECT a.host_org_id FROM attachments t JOIN activities a ON a.province_id = t.province_id AND a.id = t.activity_id WHERE t.id = $1",
                entity_id,
            )
            .await
        }
        "research_result" => {
            scalar(
                tx,
                "SELECT p.org_id FROM research_results r JOIN research_projects p ON p.province_id = r.province_id AND p.id = r.project_id WHERE r.id = $1",
                entity_id,
            )
            .await
        }
        "exemption" | "calendar_feed" => match (field("subject_kind").as_deref(), field("subject_id")) {
            (Some("person"), Some(person)) => member_org(tx, &person).await,
            (Some(_), Some(org)) => Ok(Some(org)),
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

/// A member's organization: the current membership, else the latest.
async fn member_org(tx: &mut Transaction<'static, Any>, person_id: &str) -> crate::Result<Option<String>> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT org_id FROM memberships WHERE person_id = $1 ORDER BY CASE WHEN valid_to IS NULL THEN 0 ELSE 1 END, valid_from DESC LIMIT 1",
    )
    .bind(person_id.to_owned())
    .fetch_optional(&mut **tx)
    .await?)
}
