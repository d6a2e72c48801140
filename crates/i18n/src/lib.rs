//! The words of Changxiao, in Project Fluent: every sentence and label a
//! person reads (pages, API errors, the command line, mail) lives in
//! `locales/<lang>/*.ftl`, embedded in the binary and parsed once. This crate
//! renders a message id with its arguments, or a typed
//! [`domain::Message`], in one language.
//!
//! A missing message shows as its id, so a gap is visible but never breaks a
//! page; the unit tests hold both languages to the same set of ids, and the
//! workspace's source scan holds every id used in the code to the files.
//! Placeables are not wrapped in Unicode isolation marks: the two languages
//! are written left to right, and the marks would end up in JSON and logs.
#![forbid(unsafe_code)]

use domain::{Arg, Message};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A language the product speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag, as used in `<html lang>`, the `lang` query and cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Reads a tag as given in `?lang=`, a cookie or `--lang` (case-insensitive;
    /// a region or script after `zh` or `en` is accepted).
    pub fn parse(raw: &str) -> Option<Lang> {
        let tag = raw.trim().to_ascii_lowercase();
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary {
            "zh" if !tag.contains("hant") && !tag.ends_with("-tw") && !tag.ends_with("-hk") => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best language of an HTTP `Accept-Language` header, by its
    /// quality values; `None` when it names neither language.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::parse) else { continue };
            let q = pieces.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang)
    }

    fn sources(self) -> &'static [&'static str] {
        match self {
            Lang::ZhCn => ZH_CN_FILES,
            Lang::En => EN_FILES,
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        match self {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }
}

/// The Fluent files of each language, in the order they are added.
macro_rules! locale_files {
    ($lang:literal) => {
        [
            include_str!(concat!("../../../locales/", $lang, "/pages.ftl")),
            include_str!(concat!("../../../locales/", $lang, "/errors.ftl")),
            include_str!(concat!("../../../locales/", $lang, "/cli.ftl")),
            include_str!(concat!("../../../locales/", $lang, "/mail.ftl")),
            include_str!(concat!("../../../locales/", $lang, "/why.ftl")),
            include_str!(concat!("../../../locales/", $lang, "/uploads.ftl")),
        ]
    };
}

static ZH_CN_FILES: &[&str] = &locale_files!("zh-CN");
static EN_FILES: &[&str] = &locale_files!("en");

static ZH_CN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| load(Lang::ZhCn));
static EN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| load(Lang::En));

fn load(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    for source in lang.sources() {
        let resource = match FluentResource::try_new((*source).to_owned()) {
            Ok(r) => r,
            Err((r, errors)) => {
                // The unit tests parse every file, so this only guards a broken build.
                tracing::error!(lang = lang.code(), ?errors, "a locale file does not parse; keeping what does");
                r
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(lang = lang.code(), ?errors, "a locale file repeats a message id");
        }
    }
    bundle
}

/// The words of every message of a language that takes no arguments,
/// rendered once: the page words, looked up without formatting.
static ZH_CN_WORDS: LazyLock<HashMap<String, String>> = LazyLock::new(|| plain_words(Lang::ZhCn));
static EN_WORDS: LazyLock<HashMap<String, String>> = LazyLock::new(|| plain_words(Lang::En));

fn plain_words(lang: Lang) -> HashMap<String, String> {
    let bundle = lang.bundle();
    let plain = |id: &str| {
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errors);
        errors.is_empty().then(|| text.into_owned())
    };
    ids(lang).into_iter().filter_map(|id| plain(&id).map(|text| (id, text))).collect()
}

fn words(lang: Lang) -> &'static HashMap<String, String> {
    match lang {
        Lang::ZhCn => &ZH_CN_WORDS,
        Lang::En => &EN_WORDS,
    }
}

/// The words of message `id`, or the id itself when the language lacks it.
/// For messages without arguments; [`t_args`] fills them in.
pub fn t(lang: Lang, id: &str) -> &str {
    lookup(lang, id).unwrap_or(id)
}

/// The words of message `id`, if the language has it.
pub fn lookup(lang: Lang, id: &str) -> Option<&'static str> {
    words(lang).get(id).map(String::as_str)
}

/// Whether the language has message `id` (with or without arguments).
pub fn has(lang: Lang, id: &str) -> bool {
    lang.bundle().has_message(id)
}

/// Message `id` with its arguments; the id itself when the language lacks it.
pub fn t_args(lang: Lang, id: &str, args: &[(&str, Value)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(*name, value.to_fluent());
    }
    format(lang, id, Some(&fluent)).map_or_else(|| id.to_owned(), Cow::into_owned)
}

/// An argument value for [`t_args`].
#[derive(Clone, Debug)]
pub enum Value {
    Text(String),
    Number(i64),
}

impl Value {
    fn to_fluent(&self) -> FluentValue<'static> {
        match self {
            Value::Text(s) => FluentValue::from(s.clone()),
            Value::Number(n) => FluentValue::from(*n),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(i64::from(n))
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(i64::from(n))
    }
}

/// A typed message in `lang`: each argument rendered as its kind asks
/// (a field as its label, a code as its label, a nested message as its text).
pub fn render(lang: Lang, message: &Message) -> String {
    let mut args = FluentArgs::new();
    for (name, arg) in &message.args {
        args.set(*name, value(lang, arg));
    }
    match format(lang, message.id, Some(&args)) {
        Some(text) => text.into_owned(),
        None => {
            tracing::warn!(id = message.id, lang = lang.code(), "message without words");
            message.to_string()
        }
    }
}

fn value(lang: Lang, arg: &Arg) -> FluentValue<'static> {
    match arg {
        Arg::Number(n) => FluentValue::from(*n),
        other => FluentValue::from(arg_text(lang, other)),
    }
}

/// An argument as text in `lang`.
fn arg_text(lang: Lang, arg: &Arg) -> String {
    match arg {
        Arg::Text(s) => s.clone(),
        Arg::Number(n) => n.to_string(),
        Arg::Date(d) => d.to_string(),
        Arg::Field(f) => field_label(lang, *f).to_owned(),
        Arg::Code { vocabulary, code } => code_label(lang, vocabulary, code),
        Arg::Message(m) => render(lang, m),
        Arg::Bilingual { zh, en } => match lang {
            Lang::ZhCn => zh.clone(),
            Lang::En => en.clone(),
        },
        Arg::List(items) => {
            let separator = t(lang, "list-separator");
            items.iter().map(|a| arg_text(lang, a)).collect::<Vec<_>>().join(separator)
        }
    }
}

/// The label of a field, as forms and messages name it.
pub fn field_label(lang: Lang, field: domain::Field) -> &'static str {
    lookup(lang, &format!("field-{}", field.code().replace('_', "-"))).unwrap_or(field.api_name())
}

/// The label of a code of a closed vocabulary, such as
/// `label(lang, "org_kind", "branch")`; the code itself when none exists.
pub fn label<'a>(lang: Lang, vocabulary: &str, code: &'a str) -> &'a str {
    lookup(lang, &message_id(vocabulary, code)).unwrap_or(code)
}

fn code_label(lang: Lang, vocabulary: &str, code: &str) -> String {
    label(lang, vocabulary, code).to_owned()
}

/// The message id of a vocabulary's code: `<vocabulary>-<code>`, `_` as `-`.
pub fn message_id(vocabulary: &str, code: &str) -> String {
    format!("{vocabulary}-{code}").replace('_', "-")
}

fn format(lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> Option<Cow<'static, str>> {
    let bundle = lang.bundle();
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::warn!(id, lang = lang.code(), ?errors, "message rendered with errors");
    }
    Some(text)
}

/// Every message id of a language, sorted (for checks and tooling).
pub fn ids(lang: Lang) -> Vec<String> {
    let mut ids = Vec::new();
    for source in lang.sources() {
        let resource = match FluentResource::try_new((*source).to_owned()) {
            Ok(r) | Err((r, _)) => r,
        };
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                ids.push(m.id.name.to_owned());
            }
        }
    }
    ids.sort_unstable();
    ids
}

/// The parse errors of every locale file, as `lang/file: error` lines.
pub fn parse_errors() -> Vec<String> {
    let mut out = Vec::new();
    for lang in Lang::ALL {
        for (i, source) in lang.sources().iter().enumerate() {
            if let Err((_, errors)) = FluentResource::try_new((*source).to_owned()) {
                out.extend(errors.iter().map(|e| format!("{} file {i}: {e:?}", lang.code())));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
