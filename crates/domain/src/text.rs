//! Checked text: names of people and organizations, and free text fields.
//!
//! Text is trimmed, bounded in length (counted in characters, so a rare
//! character outside the BMP counts once) and free of control characters and
//! Unicode direction overrides, which could disguise what a name says.

use crate::error::{Field, FieldError, Problem};
use serde::Serialize;
use std::fmt;

/// True for the bidirectional embedding, override and isolate controls.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn check(field: Field, raw: &str, max: usize, allow_newlines: bool) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, Problem::Required, raw));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, Problem::TooLong { max }, raw));
    }
    let bad = |c: char| (c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t'))) || is_bidi_control(c);
    if value.chars().any(bad) {
        return Err(FieldError::new(field, Problem::ControlCharacter, raw));
    }
    Ok(value.to_owned())
}

/// A single-line name of a person or organization, 1 to 100 characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub const MAX: usize = 100;

    pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        check(field, raw, Self::MAX, false).map(Name)
    }

    pub fn from_stored(s: String) -> Self {
        Name(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Free text (notes, reasons), up to 5,000 characters, newlines allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    pub const MAX: usize = 5_000;

    pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        check(field, raw, Self::MAX, true).map(Text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_rare_characters_and_middle_dots() {
        assert_eq!(Name::parse(Field::Name, " 𠀾𪚥 ").map(|n| n.0), Ok("𠀾𪚥".to_owned()));
        assert!(Name::parse(Field::Name, "买买提·艾力").is_ok());
    }

    #[test]
    fn names_refuse_empty_long_control_and_override_text() {
        assert_eq!(Name::parse(Field::Name, "  ").unwrap_err().problem, Problem::Required);
        assert_eq!(Name::parse(Field::Name, &"张".repeat(101)).unwrap_err().problem, Problem::TooLong { max: 100 });
        assert_eq!(Name::parse(Field::Name, "张\u{0}三").unwrap_err().problem, Problem::ControlCharacter);
        assert_eq!(Name::parse(Field::Name, "张\u{202E}三").unwrap_err().problem, Problem::ControlCharacter);
        assert_eq!(Name::parse(Field::Name, "张\n三").unwrap_err().problem, Problem::ControlCharacter);
        assert!(Text::parse(Field::Name, "第一行\n第二行").is_ok());
    }

    #[test]
    fn markup_is_kept_as_text_for_the_templates_to_escape() {
        let n = Name::parse(Field::Name, "<script>alert(1)</script>").map(|n| n.0);
        assert_eq!(n, Ok("<script>alert(1)</script>".to_owned()));
    }
}
