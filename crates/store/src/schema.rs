//! The one schema of Changxiao, as an ordered history of migrations that
//! serve SQLite and PostgreSQL alike.
//!
//! The SQL is written in the subset both backends accept: TEXT for strings,
//! dates (`YYYY-MM-DD`) and instants (RFC 3339), BIGINT for integers, one
//! change per statement. The only backend-specific spelling is `{path_text}`,
//! the type of materialized paths, which must compare bytewise (`COLLATE "C"`
//! on PostgreSQL, SQLite's default BINARY collation).
//!
//! Rule for distribution (Citus): every table whose rows belong to an
//! organization has `province_id` as the first column of its primary key and
//! of every unique index.

use crate::Backend;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub statements: &'static [&'static str],
}

pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "organizations and people",
    statements: &[
        "CREATE TABLE organizations (
            province_id TEXT NOT NULL,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            level TEXT NOT NULL,
            kind TEXT NOT NULL,
            unit_type TEXT,
            founded_on TEXT NOT NULL,
            closed_on TEXT,
            version BIGINT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (province_id, id)
        )",
        "CREATE INDEX organizations_by_id ON organizations (id)",
        "CREATE INDEX organizations_by_name ON organizations (name)",
        // Effective-dated parent links; `path` is '/root/.../self/' as it
        // stood from valid_from (inclusive) to valid_to (exclusive, NULL = open).
        "CREATE TABLE org_links (
            province_id TEXT NOT NULL,
            id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            parent_id TEXT,
            path {path_text} NOT NULL,
            depth BIGINT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_to TEXT,
            PRIMARY KEY (province_id, id)
        )",
        "CREATE INDEX org_links_by_path ON org_links (path)",
        "CREATE INDEX org_links_by_org ON org_links (org_id, valid_from)",
        "CREATE INDEX org_links_by_parent ON org_links (parent_id)",
        "CREATE TABLE people (
            province_id TEXT NOT NULL,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            sex TEXT,
            ethnicity TEXT,
            birth_date TEXT,
            category TEXT NOT NULL,
            status TEXT NOT NULL,
            join_date TEXT NOT NULL,
            full_member_date TEXT,
            cadre_rank TEXT NOT NULL,
            id_hmac TEXT,
            id_cipher TEXT,
            id_masked TEXT,
            phone_cipher TEXT,
            phone_masked TEXT,
            version BIGINT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (province_id, id)
        )",
        "CREATE UNIQUE INDEX people_by_id_number ON people (province_id, id_hmac)",
        "CREATE INDEX people_by_id ON people (id)",
        "CREATE INDEX people_by_name ON people (name)",
        "CREATE TABLE memberships (
            province_id TEXT NOT NULL,
            id TEXT NOT NULL,
            person_id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_to TEXT,
            PRIMARY KEY (province_id, id)
        )",
        "CREATE INDEX memberships_by_org ON memberships (org_id, valid_to)",
        "CREATE INDEX memberships_by_person ON memberships (person_id, valid_from)",
        "CREATE TABLE positions (
            province_id TEXT NOT NULL,
            id TEXT NOT NULL,
            person_id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_to TEXT,
            PRIMARY KEY (province_id, id)
        )",
        "CREATE INDEX positions_by_person ON positions (person_id, valid_to)",
        "CREATE INDEX positions_by_org ON positions (org_id, valid_to)",
        // Append-only record of every write; one sequence per province
        // (an empty province_id holds system-wide events).
        "CREATE TABLE audit_log (
            province_id TEXT NOT NULL,
            seq BIGINT NOT NULL,
            id TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            address TEXT,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT,
            PRIMARY KEY (province_id, seq)
        )",
        "CREATE INDEX audit_log_by_entity ON audit_log (entity_id)",
        // Responses to POSTs that carried an Idempotency-Key.
        "CREATE TABLE idempotency_keys (
            key TEXT NOT NULL PRIMARY KEY,
            request_hash TEXT NOT NULL,
            status BIGINT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL
        )",
    ],
}];

/// The statement as the backend must receive it.
pub fn render(statement: &str, backend: Backend) -> String {
    let path_text = match backend {
        Backend::Sqlite => "TEXT",
        Backend::Postgres => "TEXT COLLATE \"C\"",
    };
    statement.replace("{path_text}", path_text)
}

/// Tables in the order a full dump lists them, with their sort keys.
pub const DUMP_TABLES: &[(&str, &str)] = &[
    ("organizations", "province_id, id"),
    ("org_links", "province_id, id"),
    ("people", "province_id, id"),
    ("memberships", "province_id, id"),
    ("positions", "province_id, id"),
    ("audit_log", "province_id, seq"),
    ("idempotency_keys", "key"),
];
