//! The activity import template, for organizations moving their records
//! from spreadsheets: its columns, and the reading of a [`Table`] into
//! checked activity entries, reporting every bad value of every row at once
//! (the same style as the roster).
//!
//! Activity, agenda-item and visit kinds are catalogue data: the caller hands
//! them over as a [`Vocabulary`], and a cell may hold a kind's code or its
//! Chinese or English label. Names (the host organization, the presenter, the
//! absentees) are only read here; the store resolves them within the
//! import's target organization.
//!
//! Cell formats, as documented in `docs/IMPORT.md`:
//! - 议程 (agenda): items separated by `；`, `;` or line breaks, each
//!   `类型：标题` (`kind: title`) or just a kind, e.g.
//!   `第一议题：学习……；研究工作/议事：讨论发展党员`;
//! - 缺席人员 (absentees): `姓名（原因）` separated by `；`, `;` or line breaks;
//!   a person may also be given by their 32-character id.

use crate::error::{Field, FieldError, Problem};
use crate::id::Id;
use crate::message::Message;
use crate::sheet::{
    Cell, ColumnMap, ImportErrors, RowError, SheetRow, Table, cell_date, cell_text, data_rows, keep, org_path, required_text,
};
use crate::text::{Name, is_bidi_control};
use chrono::{NaiveDate, NaiveTime, Timelike};
use std::collections::{HashMap, HashSet};

/// The template's columns, in template order.
pub const ACTIVITY_COLUMNS: [Field; 12] = [
    Field::ActivityKind,
    Field::Host,
    Field::HeldOn,
    Field::StartsAt,
    Field::Duration,
    Field::Presenter,
    Field::Agenda,
    Field::Absentee,
    Field::VisitKind,
    Field::Polarity,
    Field::Title,
    Field::Minutes,
];

/// Columns an activity file must have. Without a 主办组织 column every
/// activity is the import's target organization's.
pub const ACTIVITY_REQUIRED: [Field; 4] = [Field::ActivityKind, Field::HeldOn, Field::Duration, Field::Agenda];

/// The longest activity, in minutes (a day).
pub const MAX_DURATION_MINUTES: i64 = 1440;
/// The longest title and agenda-item title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest reason for an absence, in characters.
pub const REASON_MAX: usize = 200;
/// The longest minutes, in characters.
pub const MINUTES_MAX: usize = 50_000;
/// The most agenda items one activity may have.
pub const MAX_AGENDA_ITEMS: usize = 50;

/// The template's Chinese headers, in order.
pub fn activity_template_headers() -> Vec<&'static str> {
    ACTIVITY_COLUMNS.iter().map(|f| f.column_name()).collect()
}

/// The example row written under the template's headers. A file that still
/// holds it unchanged is refused on that row, so the example is never
/// imported by mistake.
pub fn activity_template_example() -> Vec<&'static str> {
    vec![
        "支部党员大会",
        "第一支部",
        "2025-03-15",
        "09:00",
        "90",
        "",
        "第一议题：学习习近平总书记最新重要讲话精神；研究工作/议事：讨论接收预备党员",
        "张三（出差）；李四（病假）",
        "",
        "",
        "示例：三月支部党员大会（导入前请删除此行）",
        "",
    ]
}

/// A word of the catalogue's vocabulary: its code and its labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// Other words written for the same kind (earlier or shorter names).
    pub also: Vec<String>,
}

/// The kinds a cell may name, each by code, Chinese or English label, or the
/// part of a label before a colon or bracket when only one kind has it
/// (`第一议题` for the first-issue item, `常委会会议` for
/// `常委会会议（党委会议）`). Quotes, spaces and letter case do not matter.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    activity: Words,
    agenda: Words,
    visit: Words,
}

impl Vocabulary {
    pub fn new(activity_kinds: Vec<Term>, agenda_kinds: Vec<Term>, visit_kinds: Vec<Term>) -> Self {
        Vocabulary { activity: Words::new(activity_kinds), agenda: Words::new(agenda_kinds), visit: Words::new(visit_kinds) }
    }

    /// The code of the activity kind `written` names.
    pub fn activity_kind(&self, written: &str) -> Option<&str> {
        self.activity.find(written)
    }

    /// The code of the agenda-item kind `written` names.
    pub fn agenda_kind(&self, written: &str) -> Option<&str> {
        self.agenda.find(written)
    }

    /// The code of the visit kind `written` names.
    pub fn visit_kind(&self, written: &str) -> Option<&str> {
        self.visit.find(written)
    }
}

/// One list of terms with its lookup keys.
#[derive(Clone, Debug, Default)]
struct Words {
    terms: Vec<Term>,
    by_key: HashMap<String, usize>,
}

impl Words {
    fn new(terms: Vec<Term>) -> Self {
        let mut by_key = HashMap::new();
        for (i, t) in terms.iter().enumerate() {
            for written in [&t.code, &t.zh, &t.en].into_iter().chain(&t.also) {
                by_key.entry(match_key(written)).or_insert(i);
            }
        }
        // Shortened labels count only where they name one term.
        let mut short: HashMap<String, Option<usize>> = HashMap::new();
        for (i, t) in terms.iter().enumerate() {
            for label in [&t.zh, &t.en] {
                for cut in [&[':', '：'][..], &['(', '（'][..]] {
                    if let Some((head, _)) = label.split_once(cut) {
                        let key = match_key(head);
                        if !key.is_empty() {
                            let slot = short.entry(key).or_insert(Some(i));
                            if *slot != Some(i) {
                                *slot = None;
                            }
                        }
                    }
                }
            }
        }
        for (key, found) in short {
            if let Some(i) = found {
                by_key.entry(key).or_insert(i);
            }
        }
        Words { terms, by_key }
    }

    fn find(&self, written: &str) -> Option<&str> {
        let key = match_key(written);
        if key.is_empty() {
            return None;
        }
        self.by_key.get(&key).and_then(|&i| self.terms.get(i)).map(|t| t.code.as_str())
    }

    /// `message` with the allowed values: the Chinese words as `$allowed`,
    /// the codes as `$allowed_api`.
    fn allowed(&self, message: Message) -> Message {
        message
            .text("allowed", self.terms.iter().map(|t| t.zh.as_str()).collect::<Vec<_>>().join("、"))
            .text("allowed_api", self.terms.iter().map(|t| t.code.as_str()).collect::<Vec<_>>().join(", "))
    }
}

/// The form in which written kinds are compared: lowercase, without spaces
/// or quotes, with full-width brackets and colons as ASCII.
fn match_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '‘' | '’' | '"' | '\'' | '「' | '」' | '『' | '』'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A person named in a row: by name (resolved by the store) or by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonRef {
    Id(Id),
    Name(Name),
}

impl PersonRef {
    fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        match Id::parse(s) {
            Some(id) => Ok(PersonRef::Id(id)),
            None => Name::parse(field, s).map(PersonRef::Name),
        }
    }

    /// The name or id as written.
    pub fn as_str(&self) -> &str {
        match self {
            PersonRef::Id(id) => id.as_str(),
            PersonRef::Name(name) => name.as_str(),
        }
    }
}

/// One agenda item as read from a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaEntry {
    /// The agenda-item kind's catalogue code.
    pub kind: String,
    pub title: Option<String>,
}

/// An absent participant and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbsenteeEntry {
    pub person: PersonRef,
    pub reason: String,
}

/// One held activity as read from a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityEntry {
    /// The row's line number in the file.
    pub line: usize,
    /// The activity kind's catalogue code.
    pub kind: String,
    /// The host's name or path `A/B/C` within the import's target subtree;
    /// `None` means the target itself.
    pub host: Option<String>,
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub duration_minutes: i64,
    pub presenter: Option<PersonRef>,
    pub agenda: Vec<AgendaEntry>,
    pub absentees: Vec<AbsenteeEntry>,
    /// The visit kind's catalogue code.
    pub visit_kind: Option<String>,
    /// `positive` or `negative`.
    pub polarity: Option<String>,
    pub title: Option<String>,
    pub minutes: Option<String>,
}

/// Reads every data row of an activity file. Either all rows are good, or
/// every problem of every row is returned (one per bad field per row).
/// Held dates after `today` are refused.
pub fn parse_activity_sheet(table: &Table, vocabulary: &Vocabulary, today: NaiveDate) -> Result<Vec<ActivityEntry>, ImportErrors> {
    let (entries, errors) = read_activity_sheet(table, vocabulary, today);
    errors.into_result(entries)
}

/// Like [`parse_activity_sheet`], giving back the good rows beside the
/// problems of the bad ones (in row order), so that a caller can check the
/// good rows further and report every bad row of the file at once. Problems
/// with the header give no rows.
pub fn read_activity_sheet(table: &Table, vocabulary: &Vocabulary, today: NaiveDate) -> (Vec<ActivityEntry>, ImportErrors) {
    let mut errors = ImportErrors::default();
    let (columns, rows) = match (ColumnMap::new(table, &ACTIVITY_COLUMNS, &ACTIVITY_REQUIRED), data_rows(table)) {
        (Ok(c), Ok(r)) => (c, r),
        (c, r) => {
            errors.errors.extend(c.err().unwrap_or_default());
            errors.errors.extend(r.err());
            return (Vec::new(), errors);
        }
    };
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        if is_example(&columns, row) {
            errors.errors.push(RowError::new(
                row.line,
                FieldError::new(Field::Title, Problem::rule("row-is-example"), &columns.cell(row, Field::Title).to_text()),
            ));
            continue;
        }
        let mut row_errors = Vec::new();
        let entry = parse_row(&columns, row, vocabulary, today, &mut row_errors);
        if row_errors.is_empty() {
            entries.extend(entry);
        } else {
            errors.errors.extend(row_errors.into_iter().map(|e| RowError::new(row.line, e)));
        }
    }
    errors.errors.sort_by_key(|e| e.line);
    (entries, errors)
}

/// Whether a row is the template's example, left in place.
fn is_example(columns: &ColumnMap, row: &SheetRow) -> bool {
    ACTIVITY_COLUMNS.iter().zip(activity_template_example()).all(|(f, example)| columns.cell(row, *f).to_text() == example)
}

/// Reads one row, pushing each bad field's error; `Some` only if the row is
/// entirely good.
fn parse_row(
    columns: &ColumnMap,
    row: &SheetRow,
    vocabulary: &Vocabulary,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<ActivityEntry> {
    let cell = |field| columns.cell(row, field);
    let optional = |field: Field| cell_text(field, cell(field));

    let kind = keep(errors, required_text(Field::ActivityKind, cell(Field::ActivityKind)).and_then(|s| activity_kind(vocabulary, &s)));
    let host = keep(errors, optional(Field::Host).and_then(|s| s.map(|s| org_path(Field::Host, &s)).transpose()));
    let held_on = keep(errors, held_on(cell(Field::HeldOn), today));
    let starts_at = keep(errors, starts_at(cell(Field::StartsAt)));
    let duration = keep(errors, duration(cell(Field::Duration)));
    let presenter = keep(errors, optional(Field::Presenter).and_then(|s| s.map(|s| PersonRef::parse(Field::Presenter, &s)).transpose()));
    let agenda = keep(errors, optional(Field::Agenda).and_then(|s| agenda(vocabulary, s.as_deref().unwrap_or(""))));
    let absentees = keep(errors, optional(Field::Absentee).and_then(|s| absentees(s.as_deref().unwrap_or(""))));
    let visit_kind = keep(errors, optional(Field::VisitKind).and_then(|s| s.map(|s| visit_kind(vocabulary, &s)).transpose()));
    let polarity = keep(errors, optional(Field::Polarity).and_then(|s| s.map(|s| polarity(&s)).transpose()));
    let title = keep(errors, optional(Field::Title).and_then(|s| s.map(|s| line(Field::Title, &s, TITLE_MAX)).transpose()));
    let minutes = keep(errors, optional(Field::Minutes).and_then(|s| s.map(|s| minutes(&s)).transpose()));
    if !errors.is_empty() {
        return None;
    }
    Some(ActivityEntry {
        line: row.line,
        kind: kind?,
        host: host?,
        held_on: held_on?,
        starts_at: starts_at?,
        duration_minutes: duration?,
        presenter: presenter?,
        agenda: agenda?,
        absentees: absentees?,
        visit_kind: visit_kind?,
        polarity: polarity?,
        title: title?,
        minutes: minutes?,
    })
}

fn activity_kind(vocabulary: &Vocabulary, written: &str) -> Result<String, FieldError> {
    vocabulary
        .activity_kind(written)
        .map(str::to_owned)
        .ok_or_else(|| FieldError::rule(Field::ActivityKind, vocabulary.activity.allowed(Message::new("activity-kind-unknown")), written))
}

fn visit_kind(vocabulary: &Vocabulary, written: &str) -> Result<String, FieldError> {
    vocabulary
        .visit_kind(written)
        .map(str::to_owned)
        .ok_or_else(|| FieldError::rule(Field::VisitKind, vocabulary.visit.allowed(Message::new("visit-kind-unknown")), written))
}

/// 正面/反面 (with or without 典型/案例), or the codes.
fn polarity(written: &str) -> Result<String, FieldError> {
    let key = match_key(written);
    let key = key.trim_end_matches("案例").trim_end_matches("典型");
    match key {
        "正面" | "positive" => Ok("positive".to_owned()),
        "反面" | "negative" => Ok("negative".to_owned()),
        _ => Err(FieldError::new(Field::Polarity, Problem::rule("polarity-unknown"), written)),
    }
}

/// The day it was held: a whole date, not after today.
fn held_on(cell: &Cell, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let date = cell_date(Field::HeldOn, cell)?.ok_or_else(|| FieldError::new(Field::HeldOn, Problem::Required, ""))?;
    if date.day().is_none() {
        return Err(FieldError::new(Field::HeldOn, Problem::rule("date-needs-day"), &date.to_string()));
    }
    let day = date.first_day();
    if day > today {
        return Err(FieldError::new(Field::HeldOn, Problem::InFuture, &date.to_string()));
    }
    Ok(day)
}

/// A time of day: `9:30`, `09:30:00`, `9：30`, `9点30`, `9时30分`, or a
/// time-formatted cell. Seconds are dropped.
fn starts_at(cell: &Cell) -> Result<Option<NaiveTime>, FieldError> {
    let bad = |value: &str| FieldError::new(Field::StartsAt, Problem::rule("time-bad-form"), value);
    match cell {
        Cell::DateSerial(n) | Cell::Number(n) if n.is_finite() && *n >= 0.0 => {
            // The fraction of a day; a date with a time keeps its time.
            let minutes = ((n.fract() * 1440.0).round() as u32).min(24 * 60 - 1);
            if matches!(cell, Cell::Number(_)) && *n >= 1.0 {
                return Err(bad(&cell.to_text()));
            }
            NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).map(Some).ok_or_else(|| bad(&cell.to_text()))
        }
        Cell::DateSerial(_) | Cell::Number(_) | Cell::Bool(_) => Err(bad(&cell.to_text())),
        _ => {
            let Some(text) = cell_text(Field::StartsAt, cell)? else { return Ok(None) };
            let normalized: String = text
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '分')
                .map(|c| if matches!(c, '：' | '点' | '时') { ':' } else { c })
                .collect();
            let normalized = if normalized.ends_with(':') { format!("{normalized}00") } else { normalized };
            let time = NaiveTime::parse_from_str(&normalized, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(&normalized, "%H:%M:%S"))
                .map_err(|_| bad(&text))?;
            Ok(time.with_second(0))
        }
    }
}

/// Whole minutes from 1 to 1,440: `90`, `90分钟`.
fn duration(cell: &Cell) -> Result<i64, FieldError> {
    let out_of_range = |value: &str| FieldError::new(Field::Duration, Problem::rule("duration-out-of-range"), value);
    let minutes = match cell {
        Cell::Number(n) => {
            if n.fract() != 0.0 || !n.is_finite() {
                return Err(FieldError::new(Field::Duration, Problem::rule("duration-not-whole"), &cell.to_text()));
            }
            if n.abs() > 1e9 {
                return Err(out_of_range(&cell.to_text()));
            }
            *n as i64
        }
        _ => {
            let text = required_text(Field::Duration, cell)?;
            let digits = text.trim_end_matches("分钟").trim_end_matches('分').trim_end_matches("minutes").trim_end_matches("min").trim();
            if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(FieldError::new(Field::Duration, Problem::NotANumber, &text));
            }
            digits.parse::<i64>().map_err(|_| FieldError::new(Field::Duration, Problem::NotANumber, &text))?
        }
    };
    if !(1..=MAX_DURATION_MINUTES).contains(&minutes) {
        return Err(out_of_range(&minutes.to_string()));
    }
    Ok(minutes)
}

/// Splits a list cell at `；`, `;` and line breaks, dropping empty items.
fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(['；', ';', '\n', '\r']).map(str::trim).filter(|s| !s.is_empty())
}

/// Reads the agenda: at least one item, each `类型：标题` or a kind alone.
fn agenda(vocabulary: &Vocabulary, raw: &str) -> Result<Vec<AgendaEntry>, FieldError> {
    let mut out = Vec::new();
    for item in items(raw) {
        out.push(agenda_item(vocabulary, item)?);
    }
    if out.is_empty() {
        return Err(FieldError::new(Field::Agenda, Problem::Required, ""));
    }
    if out.len() > MAX_AGENDA_ITEMS {
        return Err(FieldError::new(Field::Agenda, Problem::TooLong { max: MAX_AGENDA_ITEMS }, ""));
    }
    Ok(out)
}

fn agenda_item(vocabulary: &Vocabulary, item: &str) -> Result<AgendaEntry, FieldError> {
    if let Some(kind) = vocabulary.agenda_kind(item) {
        return Ok(AgendaEntry { kind: kind.to_owned(), title: None });
    }
    if let Some((head, rest)) = item.split_once([':', '：'])
        && let Some(kind) = vocabulary.agenda_kind(head)
    {
        let title = match rest.trim() {
            "" => None,
            t => Some(line(Field::Agenda, t, TITLE_MAX)?),
        };
        return Ok(AgendaEntry { kind: kind.to_owned(), title });
    }
    Err(FieldError::rule(Field::Agenda, vocabulary.agenda.allowed(Message::new("agenda-kind-unknown")), item))
}

/// Reads the absentees: `姓名（原因）` items, each person once.
fn absentees(raw: &str) -> Result<Vec<AbsenteeEntry>, FieldError> {
    let mut out: Vec<AbsenteeEntry> = Vec::new();
    let mut seen = HashSet::new();
    for item in items(raw) {
        let open = item.find(['（', '(']);
        let body = item.strip_suffix(['）', ')']);
        let (Some(open), Some(body)) = (open, body) else {
            return Err(FieldError::new(Field::Absentee, Problem::rule("absence-bad-form"), item));
        };
        let name = &item[..open];
        let reason = body[open..].trim_start_matches(['（', '(']).trim();
        if reason.is_empty() {
            return Err(FieldError::new(Field::Absentee, Problem::rule("absence-needs-reason"), item));
        }
        let person = PersonRef::parse(Field::Absentee, name).map_err(|e| FieldError::new(Field::Absentee, e.problem, item))?;
        let reason = line(Field::Absentee, reason, REASON_MAX).map_err(|e| FieldError::new(Field::Absentee, e.problem, item))?;
        if !seen.insert(person.as_str().to_owned()) {
            return Err(FieldError::new(Field::Absentee, Problem::rule("listed-twice"), person.as_str()));
        }
        out.push(AbsenteeEntry { person, reason });
    }
    Ok(out)
}

/// A single line of at most `max` characters without control characters.
fn line(field: Field, raw: &str, max: usize) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, Problem::Required, raw));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(field, Problem::TooLong { max }, raw));
    }
    if s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Err(FieldError::new(field, Problem::ControlCharacter, raw));
    }
    Ok(s.to_owned())
}

/// Minutes: text of up to 50,000 characters; line breaks and tabs allowed.
fn minutes(raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.chars().count() > MINUTES_MAX {
        return Err(FieldError::new(Field::Minutes, Problem::TooLong { max: MINUTES_MAX }, ""));
    }
    if s.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_control(c)) {
        return Err(FieldError::new(Field::Minutes, Problem::ControlCharacter, ""));
    }
    Ok(s.replace("\r\n", "\n"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2025, 6, 1)
    }

    fn term(code: &str, zh: &str, en: &str) -> Term {
        Term { code: code.into(), zh: zh.into(), en: en.into(), also: Vec::new() }
    }

    /// A few words of the real catalogue's vocabulary.
    fn vocabulary() -> Vocabulary {
        Vocabulary::new(
            vec![
                term("members_assembly", "支部党员大会", "Branch members' assembly"),
                term("standing_committee_meeting", "常委会会议（党委会议）", "Standing committee (party committee) meeting"),
                term("grassroots_visit", "“四下基层”走访", "\"Four under the grassroots\" visit"),
                term("case_analysis", "典型案例剖析", "Typical case analysis"),
            ],
            vec![
                term(
                    "theory_study",
                    "第一议题：学习习近平总书记最新重要讲话重要指示批示精神",
                    "First item: study of General Secretary Xi Jinping's latest important speeches and instructions",
                ),
                term("business", "研究工作/议事", "Business and decisions"),
                term("other", "其他", "Other"),
            ],
            vec![term("publicize", "宣传党的路线方针政策下基层", "Publicizing the Party's line and policies at the grassroots")],
        )
    }

    /// A table with the template's headers; each row gives the cells by field.
    fn table(rows: &[&[(Field, &str)]]) -> Table {
        Table {
            headers: activity_template_headers().iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, given)| SheetRow {
                    line: i + 2,
                    cells: ACTIVITY_COLUMNS
                        .iter()
                        .map(|f| given.iter().find(|(g, _)| g == f).map_or(Cell::Empty, |(_, v)| Cell::Text(v.to_string())))
                        .collect(),
                })
                .collect(),
        }
    }

    const GOOD: &[(Field, &str)] = &[
        (Field::ActivityKind, "支部党员大会"),
        (Field::HeldOn, "2025/3/15"),
        (Field::Duration, "90分钟"),
        (Field::Agenda, "第一议题：学习总书记重要讲话；其他"),
    ];

    fn with(changes: &[(Field, &'static str)]) -> Vec<(Field, &'static str)> {
        let mut row: Vec<(Field, &str)> = GOOD.iter().filter(|(f, _)| !changes.iter().any(|(c, _)| c == f)).copied().collect();
        row.extend_from_slice(changes);
        row
    }

    fn messages(t: &Table) -> Vec<String> {
        parse_activity_sheet(t, &vocabulary(), today()).unwrap_err().iter().map(ToString::to_string).collect()
    }

    fn one(changes: &[(Field, &'static str)]) -> Result<ActivityEntry, Vec<String>> {
        let t = table(&[&with(changes)]);
        parse_activity_sheet(&t, &vocabulary(), today()).map(|mut e| e.remove(0)).map_err(|e| e.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_good_row_becomes_an_entry_with_codes_for_its_kinds() {
        let e = one(&[
            (Field::Host, "石桥村党委 / 第一支部"),
            (Field::StartsAt, "9点30"),
            (Field::Absentee, "张三（出差）;李四(病假)\n"),
            (Field::Title, " 三月党员大会 "),
            (Field::Minutes, "会议记录\r\n第二行"),
        ])
        .unwrap();
        assert_eq!(e.line, 2);
        assert_eq!(e.kind, "members_assembly");
        assert_eq!(e.host.as_deref(), Some("石桥村党委/第一支部"));
        assert_eq!(e.held_on, day(2025, 3, 15));
        assert_eq!(e.starts_at, NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(e.duration_minutes, 90);
        assert_eq!(
            e.agenda,
            [
                AgendaEntry { kind: "theory_study".into(), title: Some("学习总书记重要讲话".into()) },
                AgendaEntry { kind: "other".into(), title: None }
            ]
        );
        assert_eq!(e.absentees.len(), 2);
        assert_eq!(e.absentees[1].person, PersonRef::Name(Name::parse(Field::Absentee, "李四").unwrap()));
        assert_eq!(e.absentees[1].reason, "病假");
        assert_eq!(e.title.as_deref(), Some("三月党员大会"));
        assert_eq!(e.minutes.as_deref(), Some("会议记录\n第二行"));
    }

    #[test]
    fn kinds_are_read_by_code_label_or_a_short_label_in_either_language() {
        let v = vocabulary();
        assert_eq!(v.activity_kind("members_assembly"), Some("members_assembly"));
        assert_eq!(v.activity_kind("BRANCH MEMBERS' ASSEMBLY"), Some("members_assembly"));
        assert_eq!(v.activity_kind("常委会会议(党委会议)"), Some("standing_committee_meeting"));
        assert_eq!(v.activity_kind("常委会会议"), Some("standing_committee_meeting"));
        assert_eq!(v.activity_kind("四下基层走访"), Some("grassroots_visit"));
        assert_eq!(v.agenda_kind("第一议题"), Some("theory_study"));
        assert_eq!(v.agenda_kind("First item"), Some("theory_study"));
        assert_eq!(v.agenda_kind("第一议题：学习习近平总书记最新重要讲话重要指示批示精神"), Some("theory_study"));
        assert_eq!(v.activity_kind("开会"), None);
        assert_eq!(v.activity_kind("  "), None);
    }

    #[test]
    fn a_full_first_issue_label_is_an_item_without_a_title_and_business_keeps_its_slash() {
        let e = one(&[(Field::Agenda, "第一议题：学习习近平总书记最新重要讲话重要指示批示精神\n研究工作/议事：发展党员")]).unwrap();
        assert_eq!(e.agenda[0], AgendaEntry { kind: "theory_study".into(), title: None });
        assert_eq!(e.agenda[1], AgendaEntry { kind: "business".into(), title: Some("发展党员".into()) });
    }

    #[test]
    fn visit_kinds_and_polarities_are_read_in_either_language() {
        let e = one(&[(Field::ActivityKind, "grassroots_visit"), (Field::VisitKind, "宣传党的路线方针政策下基层")]).unwrap();
        assert_eq!(e.visit_kind.as_deref(), Some("publicize"));
        let e = one(&[(Field::ActivityKind, "典型案例剖析"), (Field::Polarity, "反面典型")]).unwrap();
        assert_eq!(e.polarity.as_deref(), Some("negative"));
        assert_eq!(one(&[(Field::Polarity, "Positive")]).unwrap().polarity.as_deref(), Some("positive"));
        assert!(one(&[(Field::Polarity, "中性")]).unwrap_err()[0].contains("polarity: \"中性\" polarity-unknown"));
        assert!(one(&[(Field::VisitKind, "闲逛")]).unwrap_err()[0].contains("visit-kind-unknown"));
    }

    #[test]
    fn an_unknown_kind_names_the_row_the_column_and_the_allowed_kinds() {
        let m = one(&[(Field::ActivityKind, "茶话会")]).unwrap_err();
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("row 2, kind: \"茶话会\" activity-kind-unknown (allowed=\"支部党员大会、"), "{m:?}");
        assert!(m[0].contains("allowed_api=\"members_assembly, "), "{m:?}");
    }

    #[test]
    fn a_future_day_a_month_without_a_day_and_a_bad_date_are_refused() {
        assert!(one(&[(Field::HeldOn, "2025-06-02")]).unwrap_err()[0].starts_with("row 2, held_on: \"2025-06-02\" problem-in-future"));
        assert!(one(&[(Field::HeldOn, "2025-06-01")]).is_ok());
        assert!(one(&[(Field::HeldOn, "2025.03")]).unwrap_err()[0].contains("date-needs-day"));
        assert!(one(&[(Field::HeldOn, "三月")]).unwrap_err()[0].contains("problem-not-a-date"));
        assert!(one(&[(Field::HeldOn, "")]).unwrap_err()[0].contains("held_on: problem-required"));
    }

    #[test]
    fn durations_are_whole_minutes_from_one_to_a_day() {
        for bad in ["0", "1441", "-5", "一小时", "1.5"] {
            let m = one(&[(Field::Duration, bad)]).unwrap_err();
            assert!(m[0].starts_with("row 2, duration_minutes"), "{bad}: {m:?}");
        }
        assert!(one(&[(Field::Duration, "0")]).unwrap_err()[0].contains("duration-out-of-range"));
        assert_eq!(one(&[(Field::Duration, "1440")]).unwrap().duration_minutes, 1440);
        assert_eq!(duration(&Cell::Number(45.0)), Ok(45));
        assert!(duration(&Cell::Number(45.5)).is_err());
    }

    #[test]
    fn start_times_are_read_from_text_and_from_time_cells() {
        let t = |s: &'static str| one(&[(Field::StartsAt, s)]).map(|e| e.starts_at.map(|t| t.format("%H:%M").to_string()));
        assert_eq!(t("9:05"), Ok(Some("09:05".into())));
        assert_eq!(t("14：30：15"), Ok(Some("14:30".into())));
        assert_eq!(t("8时"), Ok(Some("08:00".into())));
        assert_eq!(t("8时30分"), Ok(Some("08:30".into())));
        assert!(t("25:00").is_err());
        assert!(t("上午").unwrap_err()[0].contains("starts_at: \"上午\" time-bad-form"));
        assert_eq!(starts_at(&Cell::DateSerial(0.375)), Ok(NaiveTime::from_hms_opt(9, 0, 0)));
        assert_eq!(starts_at(&Cell::DateSerial(45731.625)), Ok(NaiveTime::from_hms_opt(15, 0, 0)));
        assert!(starts_at(&Cell::Number(9.0)).is_err());
        assert_eq!(starts_at(&Cell::Empty), Ok(None));
    }

    #[test]
    fn an_empty_agenda_and_an_unknown_item_are_refused() {
        assert_eq!(one(&[(Field::Agenda, " ；; ")]).unwrap_err(), ["row 2, agenda: problem-required"]);
        let m = one(&[(Field::Agenda, "第一议题；研究发展党员")]).unwrap_err();
        assert!(m[0].starts_with("row 2, agenda: \"研究发展党员\" agenda-kind-unknown"), "{m:?}");
        assert!(m[0].contains("allowed_api=\"theory_study, "), "{m:?}");
        let many = "其他；".repeat(51);
        let t = table(&[&with(&[(Field::Agenda, many.leak())])]);
        assert!(messages(&t)[0].contains("problem-too-long (max=50)"));
    }

    #[test]
    fn absentees_need_a_reason_and_are_listed_once() {
        assert!(one(&[(Field::Absentee, "张三")]).unwrap_err()[0].contains("absence-"));
        assert!(one(&[(Field::Absentee, "张三（）")]).unwrap_err()[0].contains("absence-"));
        assert!(one(&[(Field::Absentee, "张三（病假）；张三（事假）")]).unwrap_err()[0].contains("\"张三\" listed-twice"));
        let id = Id::generate();
        let written: &'static str = format!("{id}（外出）").leak();
        assert_eq!(one(&[(Field::Absentee, written)]).unwrap().absentees[0].person, PersonRef::Id(id));
    }

    #[test]
    fn every_bad_field_of_every_row_is_reported_in_row_order() {
        let t = table(&[
            &with(&[(Field::ActivityKind, "茶话会"), (Field::Duration, "0"), (Field::Agenda, "")]),
            GOOD,
            &with(&[(Field::HeldOn, "2030-01-01"), (Field::Title, "第一行\n第二行")]),
        ]);
        let m = messages(&t);
        assert_eq!(m.len(), 5, "{m:?}");
        assert!(m[..3].iter().all(|s| s.starts_with("row 2,")));
        assert!(m[3].starts_with("row 4, held_on"));
        assert!(m[4].starts_with("row 4, title"));
    }

    #[test]
    fn the_good_rows_come_back_beside_the_problems_of_the_bad_ones() {
        let t = table(&[&with(&[(Field::Duration, "0")]), GOOD, &with(&[(Field::Title, "四月")])]);
        let (entries, errors) = read_activity_sheet(&t, &vocabulary(), today());
        assert_eq!(entries.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2]);
        assert!(read_activity_sheet(&Table::default(), &vocabulary(), today()).0.is_empty());
    }

    #[test]
    fn the_template_example_left_in_the_file_is_refused() {
        let example = activity_template_example();
        let t = Table {
            headers: activity_template_headers().iter().map(|h| h.to_string()).collect(),
            rows: vec![SheetRow { line: 2, cells: example.iter().map(|c| Cell::Text(c.to_string())).collect() }],
        };
        assert!(messages(&t)[0].contains("row-is-example"));
    }

    #[test]
    fn missing_columns_and_a_header_only_file_are_reported_on_line_one() {
        let t = Table { headers: vec!["活动类型".into(), "host_org_id".into()], rows: vec![] };
        let m = messages(&t);
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(m.iter().all(|s| s.starts_with("row 1,")));
        assert!(m[0].contains("held_on: column-missing"));
    }
}
