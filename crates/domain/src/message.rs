//! Messages as data: what went wrong or what happened, as a stable id and
//! typed arguments, never as text. The words live in `locales/*/*.ftl`
//! (Project Fluent) and are put together once, at the edge (the web's pages
//! and API, the command line, the mail), in the reader's one language.
//!
//! The id of a message is its Fluent message id (`plan-too-far-ahead`); an
//! argument is named as in the Fluent pattern (`{ $founded_on }`). A field
//! argument renders as the field's label, a code as its label in its
//! vocabulary, and a nested message as its own text, so a message can say
//! "row 17" around a field error without the parts being glued as strings.

use crate::error::Field;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// A message: a Fluent id and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// One argument of a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    /// Text shown as it is (a name, a value typed by the user).
    Text(String),
    /// A whole number, which may select a plural form.
    Number(i64),
    /// A day, shown as `YYYY-MM-DD`.
    Date(NaiveDate),
    /// A field, shown as its label.
    Field(Field),
    /// A code of a closed vocabulary, shown as its label
    /// (`<vocabulary>-<code>` in the locale, `_` read as `-`).
    Code { vocabulary: &'static str, code: String },
    /// Another message, shown as its text.
    Message(Box<Message>),
    /// Words of a data file that is bilingual by nature (the requirement
    /// catalogue): shown in the reader's language.
    Bilingual { zh: String, en: String },
    /// Several arguments, shown joined by the language's list separator.
    List(Vec<Arg>),
}

impl Message {
    pub fn new(id: &'static str) -> Self {
        Message { id, args: Vec::new() }
    }

    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, Arg::Text(value.into())));
        self
    }

    pub fn number(mut self, name: &'static str, value: impl Into<i64>) -> Self {
        self.args.push((name, Arg::Number(value.into())));
        self
    }

    /// A count that does not fit `i64` is shown as the largest one that does.
    pub fn count(self, name: &'static str, value: usize) -> Self {
        self.number(name, i64::try_from(value).unwrap_or(i64::MAX))
    }

    pub fn date(mut self, name: &'static str, value: NaiveDate) -> Self {
        self.args.push((name, Arg::Date(value)));
        self
    }

    pub fn field(mut self, name: &'static str, value: Field) -> Self {
        self.args.push((name, Arg::Field(value)));
        self
    }

    pub fn code(mut self, name: &'static str, vocabulary: &'static str, code: impl Into<String>) -> Self {
        self.args.push((name, Arg::Code { vocabulary, code: code.into() }));
        self
    }

    pub fn message(mut self, name: &'static str, value: Message) -> Self {
        self.args.push((name, Arg::Message(Box::new(value))));
        self
    }

    pub fn bilingual(mut self, name: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        self.args.push((name, Arg::Bilingual { zh: zh.into(), en: en.into() }));
        self
    }

    pub fn list(mut self, name: &'static str, items: Vec<Arg>) -> Self {
        self.args.push((name, Arg::List(items)));
        self
    }

    /// The argument named `name`, if given.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }
}

/// For logs and panics only: the id and the arguments, no words.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)?;
        for (i, (name, arg)) in self.args.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { ", " })?;
            write!(f, "{name}=")?;
            match arg {
                Arg::Text(s) => write!(f, "{s:?}")?,
                Arg::Number(n) => write!(f, "{n}")?,
                Arg::Date(d) => write!(f, "{d}")?,
                Arg::Field(field) => f.write_str(field.api_name())?,
                Arg::Code { code, .. } => f.write_str(code)?,
                Arg::Message(m) => write!(f, "[{m}]")?,
                Arg::Bilingual { en, .. } => write!(f, "{en:?}")?,
                Arg::List(items) => write!(f, "[{} items]", items.len())?,
            }
        }
        if !self.args.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_id_and_arguments_without_words() {
        let m = Message::new("host-closed")
            .date("closed_on", NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default())
            .field("field", Field::Host);
        assert_eq!(m.to_string(), "host-closed (closed_on=2025-03-01, field=host_org_id)");
        assert_eq!(Message::new("not-found").to_string(), "not-found");
    }
}
