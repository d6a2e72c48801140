//! What the command line says, in one language: the `--lang` option (or
//! `CHANGXIAO_LANG`, zh-CN by default) picks it once at start, and every
//! line a person reads is a message of `locales/*/cli.ftl` (or of the
//! errors it reports) rendered here.
//!
//! A command that refuses its input returns a [`Refusal`]: the message is
//! printed as it is. Any other failure is a failure of the installation (a
//! database out of reach, a file that cannot be written) and is printed
//! with its technical cause for the operator.

use domain::Message;
use i18n::Lang;
use std::fmt;
use std::sync::OnceLock;

static LANG: OnceLock<Lang> = OnceLock::new();

/// Chooses the language of everything printed from now on (the first call wins).
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The language of the command line.
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// A message in the command line's language.
pub fn text(message: &Message) -> String {
    i18n::render(lang(), message)
}

/// Prints a message on standard output.
pub fn out(message: &Message) {
    println!("{}", text(message));
}

/// Prints a message on standard error.
pub fn err(message: &Message) {
    eprintln!("{}", text(message));
}

/// A command refused its input or options; nothing was changed.
#[derive(Debug)]
pub struct Refusal(pub Message);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refusal {}

/// A refusal as an error of any command.
pub fn refuse<T>(message: Message) -> anyhow::Result<T> {
    Err(Refusal(message).into())
}

/// A failure of the installation while doing `what`: printed as the
/// message, then the technical cause.
#[derive(Debug)]
pub struct Failure {
    pub what: Message,
    pub cause: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.cause)
    }
}

impl std::error::Error for Failure {}

/// Names what was being done when a result fails.
pub trait While<T> {
    fn during(self, what: Message) -> anyhow::Result<T>;
}

impl<T, E: fmt::Display> While<T> for Result<T, E> {
    fn during(self, what: Message) -> anyhow::Result<T> {
        self.map_err(|e| Failure { what, cause: e.to_string() }.into())
    }
}

impl<T> While<T> for Option<T> {
    fn during(self, what: Message) -> anyhow::Result<T> {
        self.ok_or_else(|| Refusal(what).into())
    }
}

/// What a failed command prints: a refusal's message; a store's refusal
/// (a bad value, a broken rule) as the store words it; otherwise the
/// failure with its cause.
pub fn describe(error: &anyhow::Error) -> String {
    if let Some(Refusal(message)) = error.downcast_ref::<Refusal>() {
        return text(message);
    }
    if let Some(Failure { what, cause }) = error.downcast_ref::<Failure>() {
        return text(&Message::new("cli-failed").message("what", what.clone()).text("cause", cause.clone()));
    }
    if let Some(e) = error.downcast_ref::<store::StoreError>() {
        match e {
            store::StoreError::Invalid(fe) => return text(&fe.message()),
            store::StoreError::Rule(m) => return text(m),
            store::StoreError::NotFound => return text(&Message::new("api-not-found")),
            _ => {}
        }
    }
    text(&Message::new("cli-error").text("cause", format!("{error:#}")))
}
