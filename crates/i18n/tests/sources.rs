//! The sources hold no words for people: no Rust file of the product
//! (`crates/*/src`, tests aside) has a Chinese string or an English
//! sentence that could reach a page, an API answer, the command line or a
//! mail, and every message id the code and the templates name exists in
//! both languages of `locales/`.
//!
//! What the scan passes over, and why: attributes (doc comments, `#[error]`
//! texts of log-only `Display`s, clap's help, OpenAPI descriptions), the
//! tracing macros (logs are for operators, in English), `#[cfg(test)]`
//! modules, and the files in [`DATA_FILES`], whose strings are vocabulary
//! or content by nature (words accepted in spreadsheet cells, template
//! column names, the demo county).
#![allow(clippy::unwrap_used)]

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Files whose strings are data, not messages, with the reason.
const DATA_FILES: &[(&str, &str)] = &[
    ("crates/domain/src/columns.rs", "the import templates' column names: a file format"),
    ("crates/domain/src/org.rs", "the words spreadsheets use for levels, kinds and unit types"),
    ("crates/domain/src/person.rs", "the words spreadsheets use for sex, categories, statuses, positions and ranks"),
    ("crates/domain/src/access.rs", "the words spreadsheets and forms use for roles"),
    ("crates/domain/src/roster.rs", "the words spreadsheets use for sex and the separators of lists"),
    ("crates/domain/src/activity_sheet.rs", "the activity template's example row and the spellings of times and durations"),
    ("crates/domain/src/sheet.rs", "full-width signs read in spreadsheet cells"),
    ("crates/demo/src", "the demo county: names, places, minutes and titles"),
    ("crates/store/src/schema.rs", "the names of the migrations, kept in the schema_migrations table"),
    ("crates/web/src/api/mod.rs", "the OpenAPI description, written for the API's programmers"),
    ("crates/web/src/api/codes.rs", "the OpenAPI descriptions of the codes, written for the API's programmers"),
    ("crates/testkit/src", "the test kit, never shipped: the names of the trees and people tests build"),
];

/// Constructors whose text is a technical cause for the log, never shown
/// to a reader (who is told that something failed, in their language).
const CAUSES: &[&str] = &["Corrupt", "Setup", "Files", "other", "Evaluation"];

/// Macros whose arguments go to the log or stop the program, never to a reader.
const SKIPPED_MACROS: &[&str] = &[
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "event",
    "panic",
    "unreachable",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "include_str",
];

/// Calls whose literal arguments are message ids.
const MESSAGE_CALLS: &[&str] = &["new", "t", "t_args", "lookup", "rule", "broken", "render"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crates/*/src/**/*.rs`, as (path relative to the workspace, text).
fn product_sources() -> Vec<(String, String)> {
    let root = workspace();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        rust_files(&krate.path().join("src"), &mut files);
    }
    files
        .into_iter()
        .map(|p| {
            let relative = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            (relative, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// A string literal found by the scan, with its line.
struct Found {
    line: usize,
    text: String,
    /// The call it is an argument of, if it is one of [`MESSAGE_CALLS`].
    call: Option<String>,
}

fn literal_text(raw: &str) -> Option<String> {
    let raw = raw.strip_prefix('b').unwrap_or(raw);
    if let Some(rest) = raw.strip_prefix('r') {
        let hashes = rest.chars().take_while(|c| *c == '#').count();
        let inner = rest.get(hashes + 1..rest.len().checked_sub(hashes + 1)?)?;
        return Some(inner.to_owned());
    }
    raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).map(str::to_owned)
}

/// Walks a token stream, collecting the string literals outside attributes,
/// skipped macros and `#[cfg(test)]` items.
fn collect(stream: TokenStream, call: Option<&str>, out: &mut Vec<Found>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    let mut skip_next_item = false;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                let mut j = i + 1;
                if matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    j += 1;
                }
                if let Some(TokenTree::Group(g)) = tokens.get(j)
                    && g.delimiter() == Delimiter::Bracket
                {
                    let text = g.stream().to_string().replace(' ', "");
                    if text.starts_with("cfg(test") || text.contains("cfg(test)") {
                        skip_next_item = true;
                    }
                    i = j + 1;
                    continue;
                }
            }
            TokenTree::Ident(id)
                if matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!')
                    && SKIPPED_MACROS.contains(&id.to_string().as_str()) =>
            {
                i += 3;
                continue;
            }
            TokenTree::Ident(id) if skip_next_item && id == "mod" => {
                // `mod name { … }` or `mod name;`
                i += 3;
                skip_next_item = false;
                continue;
            }
            TokenTree::Ident(id) if skip_next_item && (id == "fn" || id == "impl" || id == "use") => {
                while i < tokens.len() && !matches!(&tokens[i], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace) {
                    if matches!(&tokens[i], TokenTree::Punct(p) if p.as_char() == ';') {
                        break;
                    }
                    i += 1;
                }
                i += 1;
                skip_next_item = false;
                continue;
            }
            TokenTree::Group(g) => {
                let called = match (i.checked_sub(1).and_then(|k| tokens.get(k)), g.delimiter()) {
                    (Some(TokenTree::Ident(name)), Delimiter::Parenthesis) if MESSAGE_CALLS.contains(&name.to_string().as_str()) => {
                        Some(name.to_string())
                    }
                    _ => None,
                };
                let cause = matches!(i.checked_sub(1).and_then(|k| tokens.get(k)), Some(TokenTree::Ident(name)) if CAUSES.contains(&name.to_string().as_str()));
                if !cause {
                    collect(g.stream(), called.as_deref(), out);
                }
            }
            TokenTree::Literal(l) => {
                if let Some(text) = literal_text(&l.to_string()) {
                    out.push(Found { line: l.span().start().line, text, call: call.map(str::to_owned) });
                }
            }
            _ => {}
        }
        i += 1;
    }
}

fn has_han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

/// Prose: at least four plain words, most of the literal, one of them a
/// small English word that code and data rarely hold (SQL keywords are
/// upper case, paths and codes have no spaces).
fn is_english_sentence(s: &str) -> bool {
    const SMALL: &[&str] =
        &["the", "is", "are", "a", "an", "of", "to", "not", "must", "be", "this", "with", "for", "and", "or", "no", "was", "has", "cannot"];
    let without_placeholders: String = {
        let mut out = String::new();
        let mut depth = 0;
        for c in s.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth > 0 => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    };
    let tokens: Vec<&str> = without_placeholders.split_whitespace().collect();
    let words: Vec<&str> = tokens
        .iter()
        .map(|t| t.trim_end_matches(['.', ',', ':', ';', '!', '?', ')']).trim_start_matches('('))
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphabetic() || c == '\''))
        .collect();
    let sql = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", " FROM "].iter().any(|k| s.contains(k));
    !sql && words.len() >= 4 && words.len() * 10 >= tokens.len() * 6 && words.iter().any(|w| SMALL.contains(w))
}

fn is_data_file(path: &str) -> bool {
    DATA_FILES.iter().any(|(prefix, _)| path.starts_with(prefix))
}

fn is_message_id(s: &str) -> bool {
    let mut parts = s.split('-');
    parts.clone().count() >= 2
        && parts.next().is_some_and(|p| p.starts_with(|c: char| c.is_ascii_lowercase()))
        && s.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

#[test]
fn no_source_file_holds_words_for_people() {
    let mut found = Vec::new();
    for (path, text) in product_sources() {
        let stream = TokenStream::from_str(&text).unwrap_or_else(|e| panic!("{path} does not tokenize: {e:?}"));
        let mut literals = Vec::new();
        collect(stream, None, &mut literals);
        if is_data_file(&path) {
            continue;
        }
        for l in literals {
            if has_han(&l.text) || is_english_sentence(&l.text) {
                found.push(format!("{path}:{}: {:?}", l.line, l.text));
            }
        }
    }
    assert!(found.is_empty(), "words for people in the sources (move them to locales/):\n{}", found.join("\n"));
}

#[test]
fn every_message_id_the_code_names_is_in_both_languages() {
    let mut missing = Vec::new();
    let mut named = 0;
    for (path, text) in product_sources() {
        let stream = TokenStream::from_str(&text).unwrap_or_else(|e| panic!("{path} does not tokenize: {e:?}"));
        let mut literals = Vec::new();
        collect(stream, None, &mut literals);
        for l in literals.into_iter().filter(|l| l.call.is_some() && is_message_id(&l.text)) {
            named += 1;
            for lang in i18n::Lang::ALL {
                if !i18n::has(lang, &l.text) && !i18n::ids(lang).contains(&l.text) {
                    missing.push(format!("{path}:{}: {} lacks {}", l.line, lang.code(), l.text));
                }
            }
        }
    }
    let templates = workspace().join("crates/web/templates");
    for entry in std::fs::read_dir(&templates).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (at, _) in text.match_indices("c.t(\"") {
            let id = text[at + 5..].split('"').next().unwrap_or_default();
            named += 1;
            for lang in i18n::Lang::ALL {
                if !i18n::has(lang, id) {
                    missing.push(format!("{}: {} lacks {id}", entry.path().display(), lang.code()));
                }
            }
        }
    }
    assert!(named > 500, "the scan found the ids ({named})");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_scan_sees_what_it_must() {
    let source = r#"
        fn shown() { let a = "不能为空"; let b = format!("the value is not a date"); }
        #[error("the file is too large for this")]
        struct E;
        fn logged() { tracing::warn!("the request is not a good one"); }
        #[cfg(test)]
        mod tests { fn t() { let c = "测试用的中文"; } }
        fn ids() { Message::new("problem-required"); }
    "#;
    let mut found = Vec::new();
    collect(TokenStream::from_str(source).unwrap(), None, &mut found);
    let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, ["不能为空", "the value is not a date", "problem-required"]);
    assert!(has_han(texts[0]) && is_english_sentence(texts[1]) && !is_english_sentence(texts[2]));
    assert_eq!(found[2].call.as_deref(), Some("new"));
    assert!(!is_english_sentence("SELECT id FROM orgs WHERE path >= $1"));
    assert!(!is_english_sentence("default-src 'self'; base-uri 'none'"));
    assert!(is_message_id("why-held") && !is_message_id("held") && !is_message_id("a-B"));
}
