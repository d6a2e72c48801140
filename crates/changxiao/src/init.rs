//! `changxiao init`: the first hour of a deployment begins here. On an
//! empty data directory or database it creates the root organization and
//! the first administrator and security auditor, and prints their one-time
//! passwords. Values come from the flags; on a terminal, each missing one is
//! asked for (and asked again while it is refused); elsewhere a missing one
//! is refused by its flag. On a store already set up it refuses and changes
//! nothing.

use crate::say::{self, While, refuse};
use anyhow::Result;
use chrono::NaiveDate;
use domain::access::{Login, Password};
use domain::{Field, FieldError, Message, Name, OrgKind, OrgLevel, ProvinceCode, UnitType};
use std::io::{BufRead, IsTerminal, Write};
use store::Store;
use store::setup::{FirstAccount, NewRoot, Setup};

/// The values given as flags (any of them may be missing).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct InitFlags {
    /// The root organization's name.
    #[arg(long)]
    pub name: Option<String>,
    /// central | provincial | city | county | township | grassroots
    #[arg(long)]
    pub level: Option<String>,
    /// committee | party_group | department | general_branch | branch | group
    #[arg(long)]
    pub kind: Option<String>,
    /// The unit a grassroots organization is set up in (optional).
    #[arg(long)]
    pub unit_type: Option<String>,
    /// The day it was founded, YYYY-MM-DD.
    #[arg(long)]
    pub founded_on: Option<String>,
    /// The province's code (GB/T 2260: 51, or 510000); needed below county level.
    #[arg(long)]
    pub province: Option<String>,
    #[arg(long)]
    pub admin_login: Option<String>,
    #[arg(long)]
    pub admin_name: Option<String>,
    #[arg(long)]
    pub auditor_login: Option<String>,
    #[arg(long)]
    pub auditor_name: Option<String>,
}

/// Where missing values come from: a person at a terminal, or nowhere.
struct Asker {
    terminal: bool,
}

impl Asker {
    /// The value of `flag`, read by `parse`: the one given, or asked for.
    fn value<T>(&self, flag: &str, given: Option<&str>, parse: impl Fn(&str) -> Result<T, FieldError>) -> Result<T> {
        if let Some(raw) = given {
            return parse(raw)
                .map_err(|e| say::Refusal(Message::new("cli-init-bad-flag").text("flag", flag).message("problem", e.message())).into());
        }
        if !self.terminal {
            return refuse(Message::new("cli-init-missing-flag").text("flag", flag));
        }
        loop {
            let answer = ask(&Message::new(question(flag)))?;
            match parse(&answer) {
                Ok(value) => return Ok(value),
                Err(e) => say::err(&e.message()),
            }
        }
    }

    /// An optional value: the one given, or asked for (an empty answer is none).
    fn optional<T>(&self, flag: &str, given: Option<&str>, parse: impl Fn(&str) -> Result<T, FieldError>) -> Result<Option<T>> {
        match given {
            Some(raw) if raw.trim().is_empty() => Ok(None),
            Some(_) => self.value(flag, given, parse).map(Some),
            None if !self.terminal => Ok(None),
            None => loop {
                let answer = ask(&Message::new(question(flag)))?;
                if answer.trim().is_empty() {
                    return Ok(None);
                }
                match parse(&answer) {
                    Ok(value) => return Ok(Some(value)),
                    Err(e) => say::err(&e.message()),
                }
            },
        }
    }
}

/// The question asking for `flag`.
fn question(flag: &str) -> &'static str {
    match flag {
        "--name" => "cli-init-ask-name",
        "--level" => "cli-init-ask-level",
        "--kind" => "cli-init-ask-kind",
        "--unit-type" => "cli-init-ask-unit-type",
        "--founded-on" => "cli-init-ask-founded-on",
        "--province" => "cli-init-ask-province",
        "--admin-login" => "cli-init-ask-admin-login",
        "--admin-name" => "cli-init-ask-admin-name",
        "--auditor-login" => "cli-init-ask-auditor-login",
        _ => "cli-init-ask-auditor-name",
    }
}

fn ask(question: &Message) -> Result<String> {
    print!("{} ", say::text(question));
    std::io::stdout().flush().during(Message::new("cli-init-asking"))?;
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line).during(Message::new("cli-init-asking"))?;
    if read == 0 {
        return refuse(Message::new("cli-init-no-answer"));
    }
    Ok(line.trim().to_owned())
}

fn day(raw: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| FieldError::new(Field::FoundedOn, domain::Problem::NotADate, raw))
}

/// Gathers the setup from the flags and, on a terminal, from answers.
fn gather(flags: &InitFlags, today: NaiveDate) -> Result<Setup> {
    let asker = Asker { terminal: std::io::stdin().is_terminal() && std::io::stdout().is_terminal() };
    let name = asker.value("--name", flags.name.as_deref(), |s| Name::parse(Field::Name, s))?;
    let level = asker.value("--level", flags.level.as_deref(), OrgLevel::parse)?;
    let kind = asker.value("--kind", flags.kind.as_deref(), OrgKind::parse)?;
    let unit_type = asker.optional("--unit-type", flags.unit_type.as_deref(), UnitType::parse)?;
    let founded_on = asker.value("--founded-on", flags.founded_on.as_deref(), |s| {
        day(s).and_then(|d| if d > today { Err(FieldError::new(Field::FoundedOn, domain::Problem::InFuture, s)) } else { Ok(d) })
    })?;
    let needs_province = matches!(level, OrgLevel::Township | OrgLevel::Grassroots);
    let province_code = |s: &str| ProvinceCode::parse(Field::Province, s);
    let province = if needs_province {
        Some(asker.value("--province", flags.province.as_deref(), province_code)?)
    } else {
        asker.optional("--province", flags.province.as_deref(), province_code)?
    };
    let mut accounts = Vec::with_capacity(2);
    for (login_flag, name_flag, login, name) in [
        ("--admin-login", "--admin-name", flags.admin_login.as_deref(), flags.admin_name.as_deref()),
        ("--auditor-login", "--auditor-name", flags.auditor_login.as_deref(), flags.auditor_name.as_deref()),
    ] {
        let login = asker.value(login_flag, login, Login::parse)?;
        let name = asker.value(name_flag, name, |s| Name::parse(Field::Name, s))?;
        let password =
            Password::parse(&crate::accounts::generate_password(), &login).map_err(|e| anyhow::Error::from(say::Refusal(e.message())))?;
        accounts.push(FirstAccount { login, name, password });
    }
    let (Some(auditor), Some(administrator)) = (accounts.pop(), accounts.pop()) else {
        return refuse(Message::new("cli-init-no-answer"));
    };
    Ok(Setup { root: NewRoot { name, level, kind, unit_type, founded_on, province }, administrator, auditor })
}

pub async fn run(store: &Store, flags: &InitFlags, today: NaiveDate) -> Result<()> {
    if !store.is_empty().await? {
        return refuse(Message::new("store-already-set-up"));
    }
    let setup = gather(flags, today)?;
    let passwords = [
        (setup.administrator.login.clone(), setup.administrator.password.expose().to_owned()),
        (setup.auditor.login.clone(), setup.auditor.password.expose().to_owned()),
    ];
    let mut w = store.writer(&store::Actor::system("cli")).await?;
    let done = store.set_up(&mut w, setup).await?;
    w.commit().await?;
    say::out(&Message::new("cli-init-done").text("root", done.root.name.as_str()).text("id", done.root.id.as_str()));
    for (role, (login, password)) in ["administrator", "security_auditor"].iter().zip(passwords) {
        let line = Message::new("cli-init-account").code("role", "role", *role).text("login", login.as_str()).text("password", password);
        say::out(&line);
    }
    say::out(&Message::new("cli-init-next"));
    Ok(())
}
