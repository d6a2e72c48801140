//! Who may do what where: roles granted on a subtree of the organization tree,
//! and the one permission check, [`can`], that every page and API call uses.
//!
//! The roles follow the separation of duties that China's graded protection
//! scheme expects: the people who run the work (secretaries, organization
//! departments), the administrator who manages accounts, and a separate
//! security auditor who reads the audit trail and nothing else. An
//! administrator cannot read the trail; an auditor cannot read records.

use crate::Id;
use crate::coded_enum;
use crate::error::Field;
use chrono::NaiveDate;

coded_enum!(
    /// A role, held on the subtree of one organization.
    Role, Field::Role, {
        /// 支部书记: records for the branch and its groups of members.
        Secretary => "secretary" ["书记", "支部书记"],
        /// 组织部门: reads the whole subtree, assigns and verifies rectification.
        OrgDepartment => "org_department" ["组织部门", "组织部"],
        /// 系统管理员: manages accounts and the organization tree.
        Administrator => "administrator" ["系统管理员", "管理员"],
        /// 安全审计员: reads the audit trail, nothing else.
        SecurityAuditor => "security_auditor" ["安全审计员", "审计员"],
    }
);

coded_enum!(
    /// Something a request wants to do to a record of an organization.
    Action, Field::Kind, {
        /// See the organization, its members and their records.
        Read => "read" [],
        /// Record activities and minutes for the organization.
        Record => "record" [],
        /// Add, change and move members of the organization.
        ManageMembers => "manage_members" [],
        /// Found, rename, move and close organizations.
        ManageTree => "manage_tree" [],
        /// Create accounts and grant roles.
        ManageAccounts => "manage_accounts" [],
        /// Assign and verify rectification.
        Supervise => "supervise" [],
        /// Read the change history of a record.
        ReadHistory => "read_history" [],
        /// Read the audit trail (logins, exports, every write).
        ReadAudit => "read_audit" [],
        /// Bring in spreadsheets of organizations, members and held
        /// activities for the subtree (every row checked as if typed).
        Import => "import" [],
    }
);

impl Role {
    /// The actions this role allows inside its subtree.
    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Secretary => matches!(action, Read | Record | ManageMembers | ReadHistory),
            Role::OrgDepartment => matches!(action, Read | Supervise | ReadHistory | Import),
            Role::Administrator => matches!(action, Read | ManageMembers | ManageTree | ManageAccounts | Import),
            Role::SecurityAuditor => matches!(action, ReadAudit),
        }
    }
}

/// A role held on the subtree rooted at `org_id`, for a span of days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub org_id: Id,
    pub valid_from: NaiveDate,
    /// Exclusive; `None` while the grant lasts.
    pub valid_to: Option<NaiveDate>,
}

impl Grant {
    fn in_force(&self, today: NaiveDate) -> bool {
        self.valid_from <= today && self.valid_to.is_none_or(|to| today < to)
    }
}

/// Whether grants allow `action` on a record of the organization whose path
/// from the root (itself included) is `target_path`, on `today`.
pub fn can(grants: &[Grant], action: Action, target_path: &[Id], today: NaiveDate) -> bool {
    grants.iter().any(|g| g.in_force(today) && g.role.allows(action) && target_path.contains(&g.org_id))
}

/// The roots of the subtrees in which `action` is allowed on `today`
/// (for lists and searches that must stay inside the grant).
pub fn scopes(grants: &[Grant], action: Action, today: NaiveDate) -> Vec<Id> {
    let mut roots: Vec<Id> = grants.iter().filter(|g| g.in_force(today) && g.role.allows(action)).map(|g| g.org_id.clone()).collect();
    roots.sort();
    roots.dedup();
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Id {
        Id::from_parts(1, [n; 10])
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_secretary_records_inside_the_branch_and_nowhere_else() {
        let grant = Grant { role: Role::Secretary, org_id: id(2), valid_from: day(2020, 1, 1), valid_to: None };
        let group = [id(1), id(2), id(3)];
        let other = [id(1), id(4)];
        assert!(can(std::slice::from_ref(&grant), Action::Record, &group, day(2026, 1, 1)));
        assert!(!can(std::slice::from_ref(&grant), Action::Record, &other, day(2026, 1, 1)));
        assert!(!can(std::slice::from_ref(&grant), Action::Record, &[id(1)], day(2026, 1, 1)), "not the parent");
        assert!(!can(&[grant], Action::ManageAccounts, &group, day(2026, 1, 1)));
    }

    #[test]
    fn the_administrator_and_the_auditor_are_kept_apart() {
        let admin = Grant { role: Role::Administrator, org_id: id(1), valid_from: day(2020, 1, 1), valid_to: None };
        let auditor = Grant { role: Role::SecurityAuditor, org_id: id(1), valid_from: day(2020, 1, 1), valid_to: None };
        let path = [id(1), id(2)];
        assert!(!can(std::slice::from_ref(&admin), Action::ReadAudit, &path, day(2026, 1, 1)));
        assert!(!can(std::slice::from_ref(&auditor), Action::Read, &path, day(2026, 1, 1)));
        assert!(can(&[auditor], Action::ReadAudit, &path, day(2026, 1, 1)));
    }

    #[test]
    fn grants_count_only_while_in_force() {
        let g = Grant { role: Role::OrgDepartment, org_id: id(1), valid_from: day(2025, 1, 1), valid_to: Some(day(2026, 1, 1)) };
        let path = [id(1)];
        assert!(!can(std::slice::from_ref(&g), Action::Read, &path, day(2024, 12, 31)));
        assert!(can(std::slice::from_ref(&g), Action::Read, &path, day(2025, 6, 1)));
        assert!(!can(&[g], Action::Read, &path, day(2026, 1, 1)));
    }
}

/// An account's login name: 3 to 64 characters, lowercase letters, digits,
/// `.`, `_` and `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Self, crate::FieldError> {
        let s = raw.trim();
        let ok = (3..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok { Ok(Login(s.to_owned())) } else { Err(crate::FieldError::new(Field::Login, crate::Problem::rule("login-bad-form"), raw)) }
    }

    pub fn from_stored(s: String) -> Self {
        Login(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 10 to 128 characters, not the login itself. Never
/// printed: `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 10;
    pub const MAX: usize = 128;

    pub fn parse(raw: &str, login: &Login) -> Result<Self, crate::FieldError> {
        let n = raw.chars().count();
        let problem = if n < Self::MIN {
            Some(crate::Message::new("password-too-short").count("min", Self::MIN))
        } else if n > Self::MAX {
            Some(crate::Message::new("password-too-long").count("max", Self::MAX))
        } else if raw.eq_ignore_ascii_case(login.as_str()) {
            Some(crate::Message::new("password-is-login"))
        } else {
            None
        };
        match problem {
            Some(rule) => Err(crate::FieldError::rule(Field::Password, rule, "")),
            None => Ok(Password(raw.to_owned())),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Password({} chars)", self.0.chars().count())
    }
}

coded_enum!(
    /// What an API token may do inside its subtree.
    TokenScope, Field::Kind, {
        Read => "read" ["只读"],
        Write => "write" ["读写"],
    }
);

impl TokenScope {
    /// Whether a token of this scope may perform `action` (its owner's grants
    /// must allow it too).
    pub fn allows(self, action: Action) -> bool {
        match self {
            TokenScope::Write => true,
            TokenScope::Read => matches!(action, Action::Read | Action::ReadHistory | Action::ReadAudit),
        }
    }
}
