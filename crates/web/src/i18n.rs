//! Translations for the pages: the words live in `locales/zh-CN.toml` and
//! `locales/en.toml` (data, not code), are embedded in the binary and parsed
//! once. A missing key shows as the key itself, so a gap is visible but
//! never breaks a page.
//!
//! Keys are flat and dotted (`nav.search`, `org_kind.branch`); every code of
//! the domain's closed vocabularies has a label under `<vocabulary>.<code>`.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A language the pages are offered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
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

    /// Reads a tag as given in `?lang=` or the cookie (case-insensitive).
    pub fn parse(raw: &str) -> Option<Lang> {
        let s = raw.trim();
        if s.eq_ignore_ascii_case("zh-CN") || s.eq_ignore_ascii_case("zh") || s.eq_ignore_ascii_case("zh-Hans") {
            Some(Lang::ZhCn)
        } else if s.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::ZhCn => include_str!("../../../locales/zh-CN.toml"),
            Lang::En => include_str!("../../../locales/en.toml"),
        }
    }

    fn table(self) -> &'static HashMap<String, String> {
        match self {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }
}

static ZH_CN: LazyLock<HashMap<String, String>> = LazyLock::new(|| load(Lang::ZhCn));
static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| load(Lang::En));

fn load(lang: Lang) -> HashMap<String, String> {
    match parse_locale(lang.source()) {
        Ok(map) => map,
        Err(e) => {
            // The unit tests parse both files, so this only guards a broken build.
            tracing::error!(lang = lang.code(), error = %e, "locale file does not parse; showing keys instead of words");
            HashMap::new()
        }
    }
}

/// Parses a locale file into flat dotted keys. Every value must be a string.
pub fn parse_locale(source: &str) -> Result<HashMap<String, String>, String> {
    let tree: serde_json::Value = basic_toml::from_str(source).map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    flatten("", &tree, &mut out)?;
    Ok(out)
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut HashMap<String, String>) -> Result<(), String> {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out)?;
            }
            Ok(())
        }
        serde_json::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
            Ok(())
        }
        other => Err(format!("{prefix}: expected a string, found {other}")),
    }
}

/// The translation of `key`, if the locale has one.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    lang.table().get(key).map(String::as_str)
}

/// The translation of `key`, or the key itself when it is missing.
pub fn t(lang: Lang, key: &str) -> &str {
    lookup(lang, key).unwrap_or(key)
}

/// The label of a domain code, such as `label(lang, "org_kind", "branch")`;
/// the code itself when no label exists.
pub fn label(lang: Lang, vocabulary: &str, code: &'static str) -> &'static str {
    lookup(lang, &format!("{vocabulary}.{code}")).unwrap_or(code)
}

/// All keys of a locale, sorted (for checks and tooling).
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = lang.table().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locale_files_parse_and_have_exactly_the_same_keys() {
        let zh = parse_locale(Lang::ZhCn.source()).expect("zh-CN.toml parses");
        let en = parse_locale(Lang::En.source()).expect("en.toml parses");
        let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        assert!(only_zh.is_empty() && only_en.is_empty(), "only in zh-CN: {only_zh:?}; only in en: {only_en:?}");
        assert!(zh.len() > 50);
        assert!(zh.values().chain(en.values()).all(|v| !v.trim().is_empty()), "no empty translations");
    }

    #[test]
    fn every_domain_code_has_a_label_in_both_languages() {
        let mut keys = Vec::new();
        keys.extend(domain::OrgLevel::ALL.iter().map(|v| format!("org_level.{}", v.code())));
        keys.extend(domain::OrgKind::ALL.iter().map(|v| format!("org_kind.{}", v.code())));
        keys.extend(domain::UnitType::ALL.iter().map(|v| format!("unit_type.{}", v.code())));
        keys.extend(domain::Sex::ALL.iter().map(|v| format!("sex.{}", v.code())));
        keys.extend(domain::MemberCategory::ALL.iter().map(|v| format!("member_category.{}", v.code())));
        keys.extend(domain::MemberStatus::ALL.iter().map(|v| format!("member_status.{}", v.code())));
        keys.extend(domain::PositionKind::ALL.iter().map(|v| format!("position.{}", v.code())));
        keys.extend(domain::CadreRank::ALL.iter().map(|v| format!("cadre_rank.{}", v.code())));
        keys.extend((1..=12).map(|m| format!("month.{m}")));
        keys.extend(domain::access::Role::ALL.iter().map(|v| format!("role.{}", v.code())));
        keys.extend(domain::access::TokenScope::ALL.iter().map(|v| format!("token_scope.{}", v.code())));
        for lang in Lang::ALL {
            for key in &keys {
                assert!(lookup(lang, key).is_some(), "{} lacks {key}", lang.code());
            }
        }
    }

    #[test]
    fn missing_keys_fall_back_to_the_key_and_tags_parse() {
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(t(Lang::ZhCn, "position.secretary"), "书记");
        assert_eq!(t(Lang::En, "position.secretary"), "Secretary");
        assert_eq!(label(Lang::En, "org_kind", "branch"), "Branch");
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("zh-cn"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("fr"), None);
    }
}
