//! `can` against a brute-force reference that shares no code with it, over
//! random trees, grants and days; and proof that the comparison has teeth:
//! deliberately wrong variants of `can` are caught.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::Id;
use domain::access::{Action, Grant, Role, can};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// A random forest: `parents[i]` is the index of node i's parent (always < i) or None.
#[derive(Clone, Debug)]
struct Case {
    parents: Vec<Option<usize>>,
    grants: Vec<(usize, usize, i64, Option<i64>)>, // role index, org node, from day, to day
    action: usize,
    target: usize,
    today: i64,
}

const ROLES: [Role; 4] = [Role::Secretary, Role::OrgDepartment, Role::Administrator, Role::SecurityAuditor];
const ACTIONS: [Action; 8] = [
    Action::Read,
    Action::Record,
    Action::ManageMembers,
    Action::ManageTree,
    Action::ManageAccounts,
    Action::Supervise,
    Action::ReadHistory,
    Action::ReadAudit,
];

/// The permission table, written out by hand as the documents state it.
const TABLE: &[(&str, &str)] = &[
    ("secretary", "read"),
    ("secretary", "record"),
    ("secretary", "manage_members"),
    ("secretary", "read_history"),
    ("org_department", "read"),
    ("org_department", "supervise"),
    ("org_department", "read_history"),
    ("administrator", "read"),
    ("administrator", "manage_members"),
    ("administrator", "manage_tree"),
    ("administrator", "manage_accounts"),
    ("security_auditor", "read_audit"),
];

fn case() -> impl Strategy<Value = Case> {
    (1usize..30).prop_flat_map(|n| {
        let parents =
            (0..n).map(|i| if i == 0 { Just(None).boxed() } else { proptest::option::weighted(0.9, 0..i).boxed() }).collect::<Vec<_>>();
        let grant = (0..ROLES.len(), 0..n, 0i64..40, proptest::option::of(0i64..60));
        (parents, proptest::collection::vec(grant, 0..5), 0..ACTIONS.len(), 0..n, 0i64..60)
            .prop_map(|(parents, grants, action, target, today)| Case { parents, grants, action, target, today })
    })
}

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(n)
}

fn node_id(i: usize) -> Id {
    Id::from_parts(1_700_000_000_000, [i as u8; 10])
}

/// Brute force: walk up from the target one parent at a time.
fn reference(c: &Case) -> bool {
    let action = ACTIONS[c.action].code();
    c.grants.iter().any(|&(role, org, from, to)| {
        let role = ROLES[role].code();
        let allowed = TABLE.iter().any(|&(r, a)| r == role && a == action);
        let in_time = from <= c.today && to.is_none_or(|t| c.today < t);
        let mut node = Some(c.target);
        let mut inside = false;
        while let Some(n) = node {
            if n == org {
                inside = true;
            }
            node = c.parents[n];
        }
        allowed && in_time && inside
    })
}

/// The inputs of `can` built from a case.
fn inputs(c: &Case) -> (Vec<Grant>, Vec<Id>) {
    let grants = c
        .grants
        .iter()
        .map(|&(role, org, from, to)| Grant { role: ROLES[role], org_id: node_id(org), valid_from: day(from), valid_to: to.map(day) })
        .collect();
    let mut path = Vec::new();
    let mut node = Some(c.target);
    while let Some(n) = node {
        path.push(node_id(n));
        node = c.parents[n];
    }
    path.reverse();
    (grants, path)
}

type CanFn = fn(&[Grant], Action, &[Id], NaiveDate) -> bool;

/// Runs many generated cases; Err names the first disagreement.
fn compare(candidate: CanFn, cases: u32) -> Result<(), String> {
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&case(), |c| {
            let (grants, path) = inputs(&c);
            let got = candidate(&grants, ACTIONS[c.action], &path, day(c.today));
            if got == reference(&c) { Ok(()) } else { Err(TestCaseError::fail(format!("{c:?}: can said {got}"))) }
        })
        .map_err(|e| e.to_string())
}

#[test]
fn can_agrees_with_the_brute_force_reference() {
    compare(can, 5_000).unwrap();
}

// Wrong variants, each with one condition flipped.
fn ignores_end_date(grants: &[Grant], action: Action, path: &[Id], today: NaiveDate) -> bool {
    grants.iter().any(|g| g.valid_from <= today && g.role.allows(action) && path.contains(&g.org_id))
}
fn end_date_inclusive(grants: &[Grant], action: Action, path: &[Id], today: NaiveDate) -> bool {
    grants
        .iter()
        .any(|g| g.valid_from <= today && g.valid_to.is_none_or(|t| today <= t) && g.role.allows(action) && path.contains(&g.org_id))
}
fn only_the_granted_node(grants: &[Grant], action: Action, path: &[Id], today: NaiveDate) -> bool {
    grants
        .iter()
        .any(|g| g.valid_from <= today && g.valid_to.is_none_or(|t| today < t) && g.role.allows(action) && path.last() == Some(&g.org_id))
}
fn any_role_reads(grants: &[Grant], action: Action, path: &[Id], today: NaiveDate) -> bool {
    grants.iter().any(|g| {
        g.valid_from <= today
            && g.valid_to.is_none_or(|t| today < t)
            && (g.role.allows(action) || action == Action::Read)
            && path.contains(&g.org_id)
    })
}

#[test]
fn a_deliberately_wrong_can_is_caught() {
    for (name, wrong) in [
        ("ignores the end date", ignores_end_date as CanFn),
        ("end date inclusive", end_date_inclusive),
        ("only the granted node, not its subtree", only_the_granted_node),
        ("every role may read (the auditor too)", any_role_reads),
    ] {
        assert!(compare(wrong, 5_000).is_err(), "the property test missed a wrong can(): {name}");
    }
}
