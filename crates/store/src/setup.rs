//! Setting up an empty store: the root organization and the first
//! administrator and security auditor, in one audited transaction.
//!
//! A store that already holds an organization or an account is refused,
//! changing nothing. The root's province follows the province rule
//! (docs/ARCHITECTURE.md): a central organization is its own shard; a
//! provincial one stands for its province (the id derived from its code when
//! the code is given); a city or county may run alone (its own id) or name
//! its province; below county level the province must be named.

use crate::accounts::Account;
use crate::audit::Audited;
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::access::{Login, Password, Role};
use domain::{Field, FieldError, Id, Name, OrgKind, OrgLevel, Organization, Problem, ProvinceCode, UnitType};

/// The organization at the root of a new deployment.
#[derive(Clone, Debug)]
pub struct NewRoot {
    pub name: Name,
    pub level: OrgLevel,
    pub kind: OrgKind,
    pub unit_type: Option<UnitType>,
    pub founded_on: NaiveDate,
    /// The province it belongs to, by its code.
    pub province: Option<ProvinceCode>,
}

/// One of the first two accounts; the password is for the first login only.
#[derive(Clone, Debug)]
pub struct FirstAccount {
    pub login: Login,
    pub name: Name,
    pub password: Password,
}

/// What an empty store is set up with.
#[derive(Clone, Debug)]
pub struct Setup {
    pub root: NewRoot,
    pub administrator: FirstAccount,
    pub auditor: FirstAccount,
}

/// What was set up.
#[derive(Clone, Debug)]
pub struct SetUp {
    pub root: Organization,
    pub administrator: Account,
    pub auditor: Account,
}

impl NewRoot {
    /// The `province_id` the root's rows carry, or why the root cannot be one.
    pub fn province_id(&self, own: &Id) -> Result<Id> {
        let wrong = |problem: Problem, value: String| StoreError::Invalid(FieldError::new(Field::Province, problem, &value));
        match (self.level, self.province) {
            (OrgLevel::Central, None) => Ok(own.clone()),
            (OrgLevel::Central, Some(code)) => Err(wrong(Problem::rule("province-for-central"), code.to_string())),
            (_, Some(code)) => Ok(Id::of_province(code)),
            (OrgLevel::Provincial | OrgLevel::City | OrgLevel::County, None) => Ok(own.clone()),
            (OrgLevel::Township | OrgLevel::Grassroots, None) => Err(wrong(Problem::rule("province-required"), String::new())),
        }
    }
}

impl Store {
    /// Whether the store holds no organization and no account yet.
    pub async fn is_empty(&self) -> Result<bool> {
        let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations").fetch_one(self.pool()).await?;
        let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(self.pool()).await?;
        Ok(orgs == 0 && accounts == 0)
    }

    /// Sets up an empty store (see the module). Both accounts must change
    /// their password at the first login; each holds its role on the root.
    pub async fn set_up(&self, w: &mut Audited, setup: Setup) -> Result<SetUp> {
        w.lock_tree().await?;
        let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations").fetch_one(&mut **w.tx()).await?;
        let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(&mut **w.tx()).await?;
        if orgs + accounts > 0 {
            return Err(StoreError::rule("store-already-set-up"));
        }
        if setup.administrator.login == setup.auditor.login {
            return Err(StoreError::Invalid(FieldError::rule(
                Field::Login,
                domain::Message::new("login-taken"),
                setup.auditor.login.as_str(),
            )));
        }
        let id = Id::generate();
        let root = Organization {
            province_id: setup.root.province_id(&id)?,
            id: id.clone(),
            parent_id: None,
            name: setup.root.name,
            level: setup.root.level,
            kind: setup.root.kind,
            unit_type: setup.root.unit_type,
            founded_on: setup.root.founded_on,
            closed_on: None,
            path: vec![id],
            version: 1,
        };
        self.insert_orgs(w, std::slice::from_ref(&root)).await?;
        let mut first = Vec::with_capacity(2);
        for (account, role) in [(setup.administrator, Role::Administrator), (setup.auditor, Role::SecurityAuditor)] {
            let created = self.create_account(w, account.login, account.name, None, &account.password, true).await?;
            self.add_grant(w, &created.id, role, &root.id, root.founded_on).await?;
            first.push(created);
        }
        let (Some(auditor), Some(administrator)) = (first.pop(), first.pop()) else {
            return Err(StoreError::Corrupt("the first accounts were not created".into()));
        };
        Ok(SetUp { root, administrator, auditor })
    }
}

/// How far a deployment has come in its first hour, for the subtree of one
/// root: what is in place and what is left.
#[derive(Clone, Debug, Default)]
pub struct FirstHour {
    /// Organizations below the root.
    pub orgs_below: usize,
    pub members: i64,
    /// Branches with no member in them or in their groups.
    pub branches_without_members: Vec<Organization>,
    /// Branches with no secretary's account on them or above them.
    pub branches_without_secretary: Vec<Organization>,
    /// Accounts of the organization department on the subtree.
    pub department_accounts: usize,
    /// Local settings (frequencies and local requirements) in force in the subtree.
    pub local_settings: i64,
}

impl Store {
    /// What the first hour has done under `root` on `on`.
    pub async fn first_hour(&self, root: &Id, on: NaiveDate) -> Result<FirstHour> {
        let orgs = self.subtree(root, on).await?;
        let counts: std::collections::HashMap<Id, i64> = self.member_counts(root, on).await?.into_iter().collect();
        let (from, to) = self.subtree_bounds(Some(root), on).await?;
        let day = crate::orgs::date_text(on);
        let grants = sqlx::query(
            "SELECT g.role AS role, g.org_id AS org_id FROM grants g
             JOIN org_links l ON l.org_id = g.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
             JOIN accounts a ON a.id = g.account_id
             WHERE l.path >= $1 AND l.path < $2 AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3) AND a.disabled_at IS NULL",
        )
        .bind(&from)
        .bind(&to)
        .bind(&day)
        .fetch_all(self.pool())
        .await?;
        let mut secretaries = std::collections::HashSet::new();
        let mut department_accounts = 0;
        for row in &grants {
            match crate::rows::text(row, "role")?.as_str() {
                "secretary" => {
                    secretaries.insert(Id::from_stored(crate::rows::text(row, "org_id")?));
                }
                "org_department" => department_accounts += 1,
                _ => {}
            }
        }
        let local_settings: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM requirement_settings s
             JOIN org_links l ON l.org_id = s.org_id AND l.valid_from <= $3 AND (l.valid_to IS NULL OR l.valid_to > $3)
             WHERE l.path >= $1 AND l.path < $2 AND (s.ended_on IS NULL OR s.ended_on > $3)",
        )
        .bind(&from)
        .bind(&to)
        .bind(&day)
        .fetch_one(self.pool())
        .await?;
        let branches: std::collections::HashSet<&Id> = orgs.iter().filter(|o| o.kind.is_branch()).map(|o| &o.id).collect();
        // Each organization's members count for every branch on its path.
        let mut in_branch: std::collections::HashMap<&Id, i64> = std::collections::HashMap::new();
        for org in &orgs {
            let n = counts.get(&org.id).copied().unwrap_or(0);
            for id in org.path.iter().filter(|id| branches.contains(id)) {
                *in_branch.entry(id).or_default() += n;
            }
        }
        let mut first = FirstHour { orgs_below: orgs.len().saturating_sub(1), local_settings, department_accounts, ..FirstHour::default() };
        for branch in orgs.iter().filter(|o| o.kind.is_branch()) {
            if in_branch.get(&branch.id).copied().unwrap_or(0) == 0 {
                first.branches_without_members.push(branch.clone());
            }
            if !branch.path.iter().any(|id| secretaries.contains(id)) {
                first.branches_without_secretary.push(branch.clone());
            }
        }
        first.members = counts.values().sum();
        Ok(first)
    }
}
