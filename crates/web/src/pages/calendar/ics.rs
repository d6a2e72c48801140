//! iCalendar text (RFC 5545) for the obligation feeds, written by hand:
//! one all-day VEVENT per open obligation, TEXT values escaped (`\`, `;`,
//! `,` and line breaks) and content lines folded at 75 octets without
//! splitting a UTF-8 character.
//!
//! All-day events rather than VTODOs, because the calendars people
//! subscribe with (Outlook, Google Calendar, many phone calendars) show
//! events from a subscription and ignore to-dos.

use chrono::{DateTime, NaiveDate, Utc};

/// One all-day event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Stable across requests for the same obligation.
    pub uid: String,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line into lines of at most 75 octets, continuation
/// lines starting with a space (RFC 5545 §3.1), each ending in CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn date_value(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The whole calendar.
pub fn calendar(name: &str, events: &[Event], stamp: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |l: String| out.push_str(&fold(&l));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Changxiao//Obligations//ZH".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("NAME:{}", escape_text(name)));
    line(format!("X-WR-CALNAME:{}", escape_text(name)));
    line("REFRESH-INTERVAL;VALUE=DURATION:PT6H".into());
    line("X-PUBLISHED-TTL:PT6H".into());
    let dtstamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape_text(&e.uid)));
        line(format!("DTSTAMP:{dtstamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", date_value(e.date)));
        line(format!("DTEND;VALUE=DATE:{}", date_value(e.date.succ_opt().unwrap_or(e.date))));
        line(format!("SUMMARY:{}", escape_text(&e.summary)));
        line(format!("DESCRIPTION:{}", escape_text(&e.description)));
        line("TRANSP:TRANSPARENT".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    /// Undoes [`fold`]: what a calendar client reads.
    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape_text("第一行\n第二行\r\n第三行\r"), r"第一行\n第二行\n第三行\n");
        assert_eq!(escape_text("tab\there\u{7}"), "tabhere");
        assert_eq!(escape_text("已开展0次，要求1次"), "已开展0次，要求1次", "full-width commas are text");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "党支部委员会会议".repeat(10));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for (i, l) in folded.trim_end_matches("\r\n").split("\r\n").enumerate() {
            assert!(l.len() <= 75, "line {i} has {} octets", l.len());
            if i > 0 {
                assert!(l.starts_with(' '));
            }
        }
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
        assert_eq!(fold("SHORT:x"), "SHORT:x\r\n");
        let ascii = "X".repeat(75);
        assert_eq!(fold(&ascii), format!("{ascii}\r\n"), "exactly 75 octets stay on one line");
        assert_eq!(fold(&"X".repeat(76)), format!("{}\r\n X\r\n", "X".repeat(75)));
    }

    #[test]
    fn a_calendar_has_one_all_day_event_per_obligation_with_stable_uids() {
        let events = vec![Event {
            uid: "branch-committee-meeting+0194ab+2026-11@changxiao".into(),
            date: day("2026-11-30"),
            summary: "支部委员会会议".into(),
            description: "已开展0次，要求1次; 2026-11".into(),
        }];
        let stamp = DateTime::parse_from_rfc3339("2026-11-23T01:02:03Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default();
        let text = calendar("王建国, 长效", &events, stamp);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Changxiao//Obligations//ZH\r\n"));
        assert!(text.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(text.contains("X-WR-CALNAME:王建国\\, 长效\r\n"));
        let event = unfold(&text);
        assert!(event.contains("UID:branch-committee-meeting+0194ab+2026-11@changxiao\r\n"));
        assert!(event.contains("DTSTAMP:20261123T010203Z\r\n"));
        assert!(event.contains("DTSTART;VALUE=DATE:20261130\r\nDTEND;VALUE=DATE:20261201\r\n"));
        assert!(event.contains("SUMMARY:支部委员会会议\r\n"));
        assert!(event.contains("DESCRIPTION:已开展0次，要求1次\\; 2026-11\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
        assert!(text.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(calendar("王建国, 长效", &events, stamp), text, "the same obligations give the same text");
    }
}
