//! The planted gaps as JSON (`planted-gaps.json` beside the demo database),
//! written by hand: a list of objects with the requirement, the subject's
//! kind, id and name, the period label, the expected status and a note.

use super::GapSubject;
use crate::DemoData;
use std::fmt::Write;

/// A JSON string literal.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The planted gaps of `data` as a pretty-printed JSON array.
pub fn planted_gaps_json(data: &DemoData) -> String {
    let mut out = String::from("[");
    for (i, gap) in data.planted_gaps.iter().enumerate() {
        let (kind, id, name) = match gap.subject {
            GapSubject::Org(o) => {
                let org = data.orgs.get(o);
                ("organization", org.map(|x| x.id.to_string()), org.map(|x| x.name.as_str().to_owned()))
            }
            GapSubject::Person(p) => {
                let person = data.people.get(p);
                ("person", person.map(|x| x.id.to_string()), person.map(|x| x.name.as_str().to_owned()))
            }
        };
        let fields = [
            ("requirement", quoted(gap.requirement)),
            ("subject_kind", quoted(kind)),
            ("subject_id", quoted(&id.unwrap_or_default())),
            ("subject_name", quoted(&name.unwrap_or_default())),
            ("period", quoted(&gap.period)),
            ("expected_status", quoted(gap.expected_status)),
            ("note", quoted(&gap.note)),
        ];
        out.push_str(if i == 0 { "\n  {" } else { ",\n  {" });
        for (j, (key, value)) in fields.iter().enumerate() {
            let _ = write!(out, "{}\n    \"{key}\": {value}", if j == 0 { "" } else { "," });
        }
        out.push_str("\n  }");
    }
    out.push_str(if data.planted_gaps.is_empty() { "]\n" } else { "\n]\n" });
    out
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quoted("a\"b\\c\n\u{1}中"), "\"a\\\"b\\\\c\\n\\u0001中\"");
    }
}
