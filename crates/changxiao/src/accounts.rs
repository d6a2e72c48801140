//! Account and audit-trail commands: creating the first administrator,
//! verifying the hash chains, and trimming the trail under the retention rule.

use crate::say::{self, While, refuse};
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use domain::access::{Login, Password, Role};
use domain::{Field, Id, Message, Name};
use std::process::ExitCode;
use store::heads::HeadsFinding;
use store::{Actor, Store};

/// A readable random password: four groups of four characters.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let secret = store::accounts::new_secret();
    let chars: Vec<char> = (0..16)
        .map(|i| {
            let n = secret.get(i * 2..i * 2 + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()).unwrap_or_default();
            ALPHABET[usize::from(n) % ALPHABET.len()] as char
        })
        .collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The refusal of a value given on the command line.
fn bad(e: domain::FieldError) -> anyhow::Error {
    say::Refusal(e.message()).into()
}

/// An organization id given with `--org`.
pub fn org_option(raw: &str) -> Result<Id> {
    Id::parse(raw.trim()).during(Message::new("cli-not-an-org-id").text("value", raw))
}

/// What `account create` is told.
pub struct NewAccount<'a> {
    pub login: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub org: &'a str,
}

pub async fn create(store: &Store, new: NewAccount<'_>, today: NaiveDate) -> Result<()> {
    let login = Login::parse(new.login).map_err(bad)?;
    let name = Name::parse(Field::Name, new.name).map_err(bad)?;
    let role = Role::parse(new.role).map_err(bad)?;
    let org = org_option(new.org)?;
    let password_text = generate_password();
    let password = Password::parse(&password_text, &login).map_err(bad)?;
    let mut w = store.writer(&Actor::system("cli")).await?;
    let account = store.create_account(&mut w, login.clone(), name, None, &password, true).await?;
    store.add_grant(&mut w, &account.id, role, &org, today).await?;
    w.commit().await?;
    say::out(&Message::new("cli-account-created").text("login", login.as_str()));
    say::out(&Message::new("cli-one-time-password").text("password", password_text));
    Ok(())
}

pub async fn verify(store: &Store, data_dir: &std::path::Path) -> Result<ExitCode> {
    let report = store.verify_audit().await?;
    if let Some(broken) = report.first_break {
        say::err(&Message::new("cli-audit-broken").message("where", broken.message()));
        return Ok(ExitCode::FAILURE);
    }
    say::out(
        &Message::new("cli-audit-intact")
            .count("chains", report.chains)
            .number("entries", i64::try_from(report.entries).unwrap_or(i64::MAX)),
    );
    let chain = |c: &str| {
        if c.is_empty() { Message::new("audit-chain-system") } else { Message::new("cli-audit-chain").text("chain", c.to_owned()) }
    };
    match store.check_heads(data_dir).await? {
        HeadsFinding::Current { signed_at, restored } => {
            let id = if restored { "cli-audit-heads-restored" } else { "cli-audit-heads-current" };
            say::out(&Message::new(id).text("at", signed_at));
            Ok(ExitCode::SUCCESS)
        }
        HeadsFinding::NoneSigned => {
            say::out(&Message::new("cli-audit-heads-none"));
            Ok(ExitCode::SUCCESS)
        }
        HeadsFinding::BadSignature { line } => {
            say::err(&Message::new("cli-audit-heads-forged").number("line", i64::try_from(line).unwrap_or(i64::MAX)));
            Ok(ExitCode::FAILURE)
        }
        HeadsFinding::Truncated { chain: c, signed_seq, seq } => {
            say::err(
                &Message::new("cli-audit-heads-truncated").message("chain", chain(&c)).number("signed", signed_seq).number("seq", seq),
            );
            Ok(ExitCode::FAILURE)
        }
        HeadsFinding::RolledBack { chain: c, signed_seq, seq, copy_of } => {
            say::err(
                &Message::new("cli-audit-heads-rolled-back")
                    .message("chain", chain(&c))
                    .number("signed", signed_seq)
                    .number("seq", seq)
                    .text("copy", copy_of),
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

pub async fn purge(store: &Store, data_dir: &std::path::Path, keep_months: u32, today: NaiveDate) -> Result<ExitCode> {
    if keep_months < 6 {
        return refuse(Message::new("cli-keep-months-too-few"));
    }
    let too_far = || Message::new("cli-keep-months-too-many");
    let months = i32::try_from(keep_months).ok().during(too_far())?;
    let total = today.year() * 12 + i32::try_from(today.month0()).unwrap_or(0) - months;
    let cut = NaiveDate::from_ymd_opt(total.div_euclid(12), u32::try_from(total.rem_euclid(12)).unwrap_or(0) + 1, 1).during(too_far())?;
    let removed = store.purge_audit(&format!("{cut}T00:00:00+08:00")).await?;
    store.sign_heads(data_dir, "purge").await?;
    say::out(&Message::new("cli-audit-purged").number("removed", i64::try_from(removed).unwrap_or(i64::MAX)).date("cut", cut));
    Ok(ExitCode::SUCCESS)
}

/// `changxiao audit restored`: the database was put back from a copy on purpose.
pub async fn announce_restore(store: &Store, data_dir: &std::path::Path) -> Result<ExitCode> {
    let signed = store.announce_restore(data_dir, &store::Actor::system("cli")).await?;
    say::out(&Message::new("cli-audit-restore-recorded").text("at", signed.at));
    Ok(ExitCode::SUCCESS)
}

/// The demo's logins, one per role; what each is for is the label
/// `demo-login-<login>` of `locales/*/cli.ftl`.
pub struct DemoLogin {
    pub login: &'static str,
    pub password: &'static str,
    pub role: Role,
}

pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin { login: "admin", password: "demo-admin-2025", role: Role::Administrator },
    DemoLogin { login: "zuzhibu", password: "demo-zuzhibu-2025", role: Role::OrgDepartment },
    DemoLogin { login: "shuji", password: "demo-shuji-2025", role: Role::Secretary },
    DemoLogin { login: "shenji", password: "demo-shenji-2025", role: Role::SecurityAuditor },
];
