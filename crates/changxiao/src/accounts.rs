//! Account and audit-trail commands: creating the first administrator,
//! verifying the hash chains, and trimming the trail under the retention rule.

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use domain::access::{Login, Password, Role};
use domain::{Field, Id, Name};
use std::process::ExitCode;
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

pub async fn create(store: &Store, login: &str, name: &str, role: &str, org: &str, today: NaiveDate) -> Result<()> {
    let login = Login::parse(login).map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = Name::parse(Field::Name, name).map_err(|e| anyhow::anyhow!("{e}"))?;
    let role = Role::parse(role).map_err(|e| anyhow::anyhow!("{e}"))?;
    let org = Id::parse(org.trim()).with_context(|| format!("--org '{org}' is not an organization id"))?;
    let password_text = generate_password();
    let password = Password::parse(&password_text, &login).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut w = store.writer(&Actor::system("cli")).await?;
    let account = store.create_account(&mut w, login.clone(), name, None, &password, true).await?;
    match store.add_grant(&mut w, &account.id, role, &org, today).await {
        Err(store::StoreError::Invalid(e)) => bail!("{e}"),
        other => other?,
    };
    w.commit().await?;
    println!("已创建账号 / account created: {}", login.as_str());
    println!("一次性密码（首次登录后须修改）/ one-time password (to be changed at first login): {password_text}");
    Ok(())
}

pub async fn verify(store: &Store) -> Result<ExitCode> {
    let report = store.verify_audit().await?;
    match report.first_break {
        None => {
            println!("审计链完好 / audit trail intact: {} chains, {} entries", report.chains, report.entries);
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            eprintln!("审计链被破坏 / audit trail broken: {broken}");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub async fn purge(store: &Store, keep_months: u32, today: NaiveDate) -> Result<ExitCode> {
    if keep_months < 6 {
        bail!("--keep-months must be at least 6: the audit trail is kept for six months or more");
    }
    let months = i32::try_from(keep_months).context("--keep-months is too large")?;
    let total = today.year() * 12 + i32::try_from(today.month0()).unwrap_or(0) - months;
    let cut = NaiveDate::from_ymd_opt(total.div_euclid(12), u32::try_from(total.rem_euclid(12)).unwrap_or(0) + 1, 1)
        .context("--keep-months reaches too far back")?;
    let removed = store.purge_audit(&format!("{cut}T00:00:00+08:00")).await?;
    println!("已删除 {removed} 条早于 {cut} 的审计记录 / removed {removed} audit entries older than {cut}");
    Ok(ExitCode::SUCCESS)
}

/// The demo's logins, one per role.
pub struct DemoLogin {
    pub login: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub what_zh: &'static str,
    pub what_en: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        login: "admin",
        password: "demo-admin-2025",
        role: Role::Administrator,
        what_zh: "县委系统管理员",
        what_en: "administrator of the county",
    },
    DemoLogin {
        login: "zuzhibu",
        password: "demo-zuzhibu-2025",
        role: Role::OrgDepartment,
        what_zh: "县委组织部",
        what_en: "organization department of the county",
    },
    DemoLogin {
        login: "shuji",
        password: "demo-shuji-2025",
        role: Role::Secretary,
        what_zh: "支部书记",
        what_en: "secretary of one branch",
    },
    DemoLogin {
        login: "shenji",
        password: "demo-shenji-2025",
        role: Role::SecurityAuditor,
        what_zh: "安全审计员",
        what_en: "security auditor",
    },
];
