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

pub const MIGRATIONS: &[Migration] = &[
    Migration {
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
    },
    Migration {
        version: 2,
        name: "accounts, grants, sessions, tokens and the audit hash chain",
        statements: &[
            // Accounts and their sessions are not rows of one organization: on
            // Citus they are reference tables. Grants belong to the
            // organization they are held on.
            "CREATE TABLE accounts (
                id TEXT NOT NULL PRIMARY KEY,
                login TEXT NOT NULL,
                display_name TEXT NOT NULL,
                person_id TEXT,
                password_hash TEXT NOT NULL,
                must_change_password BIGINT NOT NULL,
                disabled_at TEXT,
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )",
            "CREATE UNIQUE INDEX accounts_by_login ON accounts (login)",
            "CREATE TABLE grants (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                account_id TEXT NOT NULL,
                role TEXT NOT NULL,
                org_id TEXT NOT NULL,
                valid_from TEXT NOT NULL,
                valid_to TEXT,
                granted_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX grants_by_account ON grants (account_id)",
            "CREATE INDEX grants_by_org ON grants (org_id)",
            "CREATE TABLE sessions (
                token_hash TEXT NOT NULL PRIMARY KEY,
                account_id TEXT NOT NULL,
                csrf_token TEXT NOT NULL,
                address TEXT,
                created_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL
            )",
            "CREATE INDEX sessions_by_account ON sessions (account_id)",
            "CREATE TABLE api_tokens (
                id TEXT NOT NULL PRIMARY KEY,
                account_id TEXT NOT NULL,
                name TEXT NOT NULL,
                token_hash TEXT NOT NULL,
                org_id TEXT NOT NULL,
                scope TEXT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            )",
            "CREATE UNIQUE INDEX api_tokens_by_hash ON api_tokens (token_hash)",
            "CREATE TABLE password_resets (
                token_hash TEXT NOT NULL PRIMARY KEY,
                account_id TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_at TEXT
            )",
            "CREATE TABLE login_failures (
                throttle_key TEXT NOT NULL PRIMARY KEY,
                failures BIGINT NOT NULL,
                last_failure_at TEXT NOT NULL
            )",
            "ALTER TABLE audit_log ADD COLUMN prev_hash TEXT",
            "ALTER TABLE audit_log ADD COLUMN hash TEXT",
            // Where a chain starts after old entries were removed under the
            // retention rule: the first kept entry and the hash before it.
            "CREATE TABLE audit_anchors (
                province_id TEXT NOT NULL PRIMARY KEY,
                first_seq BIGINT NOT NULL,
                prev_hash TEXT NOT NULL,
                purged_at TEXT NOT NULL
            )",
        ],
    },
    Migration {
        version: 3,
        name: "activities, requirement settings and exemptions",
        statements: &[
            // One real-world event recorded once. `created_at` is when it was
            // entered (RFC 3339), `held_on` when it happened; a deleted
            // activity keeps its row with `deleted_at` set.
            "CREATE TABLE activities (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                kind TEXT NOT NULL,
                host_org_id TEXT NOT NULL,
                title TEXT,
                held_on TEXT NOT NULL,
                starts_at TEXT,
                duration_minutes BIGINT NOT NULL,
                presenter_id TEXT,
                visit_kind TEXT,
                polarity TEXT,
                research_project_id TEXT,
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                deleted_at TEXT,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX activities_by_host ON activities (province_id, host_org_id, held_on)",
            "CREATE INDEX activities_by_presenter ON activities (province_id, presenter_id)",
            // Lookups by the opaque id in a URL, as for people and organizations.
            "CREATE INDEX activities_by_id ON activities (id)",
            "CREATE TABLE activity_agenda_items (
                province_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                position BIGINT NOT NULL,
                kind TEXT NOT NULL,
                title TEXT,
                PRIMARY KEY (province_id, activity_id, position)
            )",
            // Everyone expected; attendance by exception (absent = 1 with a reason).
            "CREATE TABLE activity_participants (
                province_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                person_id TEXT NOT NULL,
                absent BIGINT NOT NULL,
                absence_reason TEXT,
                PRIMARY KEY (province_id, activity_id, person_id)
            )",
            "CREATE INDEX activity_participants_by_person ON activity_participants (province_id, person_id)",
            // A frequency set for a subtree (period and count) or a local
            // requirement (its TOML definition), in force from valid_from
            // until ended_on (exclusive).
            "CREATE TABLE requirement_settings (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                org_id TEXT NOT NULL,
                requirement_id TEXT NOT NULL,
                valid_from TEXT NOT NULL,
                period TEXT,
                count BIGINT,
                definition TEXT,
                reason TEXT NOT NULL,
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                ended_on TEXT,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX requirement_settings_by_org ON requirement_settings (province_id, org_id)",
            "CREATE INDEX requirement_settings_by_id ON requirement_settings (id)",
            // An organization or person exempted from a requirement from
            // from_date to to_date (both inclusive).
            "CREATE TABLE exemptions (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                requirement_id TEXT NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                from_date TEXT NOT NULL,
                to_date TEXT NOT NULL,
                reason TEXT NOT NULL,
                approved_by TEXT NOT NULL,
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_at TEXT,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX exemptions_by_subject ON exemptions (province_id, subject_id)",
            "CREATE INDEX exemptions_by_id ON exemptions (id)",
        ],
    },
    Migration {
        version: 4,
        name: "calendar feeds, the outbox and e-mail addresses of accounts",
        statements: &[
            // A secret subscription link to the open obligations of a person
            // or an organization. Only the SHA-256 of the token is kept; the
            // token starts with the province id, so a lookup is routed to
            // one shard. Creating a new link for a subject revokes the old.
            "CREATE TABLE calendar_feeds (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                token_hash TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_at TEXT,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX calendar_feeds_by_token ON calendar_feeds (province_id, token_hash)",
            "CREATE INDEX calendar_feeds_by_subject ON calendar_feeds (province_id, subject_id)",
            // Messages composed by the scheduled jobs (the weekly digest),
            // one per person, kind and period: a second run creates nothing.
            // `sent_at` stays NULL until a mail server accepted it;
            // `send_error` says why it was not (yet) sent.
            "CREATE TABLE outbox (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                person_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                period_key TEXT NOT NULL,
                lang TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                sent_at TEXT,
                send_error TEXT,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE UNIQUE INDEX outbox_once ON outbox (province_id, person_id, kind, period_key)",
            "CREATE INDEX outbox_by_period ON outbox (province_id, kind, period_key)",
            // Where the weekly digest of the person linked to an account is
            // sent; NULL: no mail for this account.
            "ALTER TABLE accounts ADD COLUMN email TEXT",
        ],
    },
    Migration {
        version: 5,
        name: "plans, minutes, attachments, research projects and problems",
        statements: &[
            // `planned`: announced for held_on, not yet held (counts for no
            // requirement); `held`; `cancelled`: a plan dropped. planned_on
            // keeps the day first planned once the activity is held.
            "ALTER TABLE activities ADD COLUMN status TEXT NOT NULL DEFAULT 'held'",
            "ALTER TABLE activities ADD COLUMN planned_on TEXT",
            // Minutes typed or pasted; minutes_state is NULL (none),
            // 'draft' or 'final'. A final record changes only with a reason.
            "ALTER TABLE activities ADD COLUMN minutes TEXT",
            "ALTER TABLE activities ADD COLUMN minutes_state TEXT",
            "CREATE INDEX activities_by_status ON activities (province_id, status, held_on)",
            "CREATE INDEX activities_by_project ON activities (province_id, research_project_id)",
            // Why a final record was corrected, one row per correction (the
            // version it produced); the audit trail keeps before and after.
            "CREATE TABLE activity_corrections (
                province_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                version BIGINT NOT NULL,
                reason TEXT NOT NULL,
                corrected_at TEXT NOT NULL,
                corrected_by TEXT NOT NULL,
                PRIMARY KEY (province_id, activity_id, version)
            )",
            // Files attached to an activity. The content is stored once per
            // SHA-256 under the data directory; rows only point at it.
            "CREATE TABLE attachments (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                file_name TEXT NOT NULL,
                media_type TEXT NOT NULL,
                size_bytes BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                deleted_at TEXT,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX attachments_by_activity ON attachments (province_id, activity_id)",
            "CREATE INDEX attachments_by_id ON attachments (id)",
            // Research projects (调研课题) of an organization: topic, lead,
            // team, findings; results say what each turned into.
            "CREATE TABLE research_projects (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                org_id TEXT NOT NULL,
                topic TEXT NOT NULL,
                lead_id TEXT NOT NULL,
                started_on TEXT NOT NULL,
                findings TEXT,
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX research_projects_by_org ON research_projects (province_id, org_id)",
            "CREATE INDEX research_projects_by_id ON research_projects (id)",
            "CREATE TABLE research_team (
                province_id TEXT NOT NULL,
                project_id TEXT NOT NULL,
                person_id TEXT NOT NULL,
                PRIMARY KEY (province_id, project_id, person_id)
            )",
            // kind: 'measure', 'document' or 'problem' (then problem_id).
            "CREATE TABLE research_results (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                project_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                description TEXT NOT NULL,
                problem_id TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX research_results_by_project ON research_results (province_id, project_id)",
            // Problems found (at a life meeting, by research): the first
            // entries of the rectification ledger, typed once. person_id is
            // whose problem it is when it is one person's (criticism and
            // self-criticism), NULL when it is the organization's.
            "CREATE TABLE problems (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                org_id TEXT NOT NULL,
                source_activity_id TEXT,
                source_project_id TEXT,
                person_id TEXT,
                description TEXT NOT NULL,
                raised_on TEXT NOT NULL,
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX problems_by_org ON problems (province_id, org_id)",
            "CREATE INDEX problems_by_activity ON problems (province_id, source_activity_id)",
            "CREATE INDEX problems_by_id ON problems (id)",
        ],
    },
    Migration {
        version: 6,
        name: "spreadsheets uploaded through the web and the API",
        statements: &[
            // A spreadsheet previewed for one organization's subtree, then
            // committed, cancelled, or found stale at its commit. The file is
            // kept under the data directory by its SHA-256; `digest` sums up
            // what each row met at the preview; `shown_json` keeps the first
            // rows that change something, `warnings_json` the warnings.
            "CREATE TABLE uploads (
                province_id TEXT NOT NULL,
                id TEXT NOT NULL,
                kind TEXT NOT NULL,
                org_id TEXT NOT NULL,
                file_name TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size_bytes BIGINT NOT NULL,
                status TEXT NOT NULL,
                rows_total BIGINT NOT NULL,
                created BIGINT NOT NULL,
                updated BIGINT NOT NULL,
                unchanged BIGINT NOT NULL,
                digest TEXT NOT NULL,
                shown_json TEXT NOT NULL,
                warnings_json TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                decided_at TEXT,
                decided_by TEXT,
                PRIMARY KEY (province_id, id)
            )",
            "CREATE INDEX uploads_by_org ON uploads (province_id, org_id, created_at)",
            "CREATE INDEX uploads_by_id ON uploads (id)",
        ],
    },
    // Version 7 is another change's; versions are applied by number, each
    // once, so a database may hold 8 before 7 arrives.
    Migration {
        version: 8,
        name: "audit entries stamped with the organization they are about",
        statements: &[
            // The organization whose record the entry is about (NULL: a
            // system entry, or one written before this column existed).
            "ALTER TABLE audit_log ADD COLUMN org_id TEXT",
            "CREATE INDEX audit_log_by_org ON audit_log (province_id, org_id, seq)",
        ],
    },
];

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
    ("accounts", "id"),
    ("grants", "province_id, id"),
    ("sessions", "token_hash"),
    ("api_tokens", "id"),
    ("password_resets", "token_hash"),
    ("login_failures", "throttle_key"),
    ("audit_anchors", "province_id"),
    ("activities", "province_id, id"),
    ("activity_agenda_items", "province_id, activity_id, position"),
    ("activity_participants", "province_id, activity_id, person_id"),
    ("requirement_settings", "province_id, id"),
    ("exemptions", "province_id, id"),
    ("calendar_feeds", "province_id, id"),
    ("outbox", "province_id, id"),
    ("activity_corrections", "province_id, activity_id, version"),
    ("attachments", "province_id, id"),
    ("research_projects", "province_id, id"),
    ("research_team", "province_id, project_id, person_id"),
    ("research_results", "province_id, id"),
    ("problems", "province_id, id"),
    ("uploads", "province_id, id"),
];
