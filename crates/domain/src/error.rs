//! Field-level validation errors, as data.
//!
//! Every input path (spreadsheet rows, API bodies, web forms) reports a bad
//! value as a [`FieldError`]: which field, what is wrong, and the offending
//! value unless it is personal data that must never be echoed. The words
//! are not here: [`FieldError::message`] gives the message that the edge
//! renders from `locales/` in the reader's language.

use crate::message::Message;
use serde::Serialize;
use std::fmt;

/// The fields that users fill in, with their template and API names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Sex,
    Ethnicity,
    IdNumber,
    BirthDate,
    Category,
    JoinDate,
    FullMemberDate,
    Organization,
    Position,
    Phone,
    Status,
    CadreRank,
    Parent,
    Level,
    Kind,
    UnitType,
    FoundedOn,
    ClosedOn,
    ValidFrom,
    Version,
    Cursor,
    Limit,
    File,
    Login,
    Password,
    Role,
    ActivityKind,
    Host,
    Title,
    HeldOn,
    StartsAt,
    Duration,
    Presenter,
    Agenda,
    Participant,
    Absentee,
    Reason,
    VisitKind,
    Polarity,
    ResearchProject,
    Requirement,
    Period,
    Count,
    Definition,
    SubjectKind,
    Subject,
    FromDate,
    ToDate,
    ActivityStatus,
    Minutes,
    MinutesState,
    Attachment,
    Topic,
    Lead,
    Team,
    Findings,
    Outcome,
    Description,
    Person,
    StartedOn,
    CorrectionReason,
    Province,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Name,
        Field::Sex,
        Field::Ethnicity,
        Field::IdNumber,
        Field::BirthDate,
        Field::Category,
        Field::JoinDate,
        Field::FullMemberDate,
        Field::Organization,
        Field::Position,
        Field::Phone,
        Field::Status,
        Field::CadreRank,
        Field::Parent,
        Field::Level,
        Field::Kind,
        Field::UnitType,
        Field::FoundedOn,
        Field::ClosedOn,
        Field::ValidFrom,
        Field::Version,
        Field::Cursor,
        Field::Limit,
        Field::File,
        Field::Login,
        Field::Password,
        Field::Role,
        Field::ActivityKind,
        Field::Host,
        Field::Title,
        Field::HeldOn,
        Field::StartsAt,
        Field::Duration,
        Field::Presenter,
        Field::Agenda,
        Field::Participant,
        Field::Absentee,
        Field::Reason,
        Field::VisitKind,
        Field::Polarity,
        Field::ResearchProject,
        Field::Requirement,
        Field::Period,
        Field::Count,
        Field::Definition,
        Field::SubjectKind,
        Field::Subject,
        Field::FromDate,
        Field::ToDate,
        Field::ActivityStatus,
        Field::Minutes,
        Field::MinutesState,
        Field::Attachment,
        Field::Topic,
        Field::Lead,
        Field::Team,
        Field::Findings,
        Field::Outcome,
        Field::Description,
        Field::Person,
        Field::StartedOn,
        Field::CorrectionReason,
        Field::Province,
    ];

    /// The field with this [`Field::code`].
    pub fn from_code(code: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.code() == code)
    }

    /// A stable snake_case code, unique per field: the locale labels are
    /// `field-<code>` (with `-` for `_`).
    pub fn code(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Sex => "sex",
            Field::Ethnicity => "ethnicity",
            Field::IdNumber => "id_number",
            Field::BirthDate => "birth_date",
            Field::Category => "category",
            Field::JoinDate => "join_date",
            Field::FullMemberDate => "full_member_date",
            Field::Organization => "organization",
            Field::Position => "position",
            Field::Phone => "phone",
            Field::Status => "status",
            Field::CadreRank => "cadre_rank",
            Field::Parent => "parent",
            Field::Level => "level",
            Field::Kind => "kind",
            Field::UnitType => "unit_type",
            Field::FoundedOn => "founded_on",
            Field::ClosedOn => "closed_on",
            Field::ValidFrom => "valid_from",
            Field::Version => "version",
            Field::Cursor => "cursor",
            Field::Limit => "limit",
            Field::File => "file",
            Field::Login => "login",
            Field::Password => "password",
            Field::Role => "role",
            Field::ActivityKind => "activity_kind",
            Field::Host => "host",
            Field::Title => "title",
            Field::HeldOn => "held_on",
            Field::StartsAt => "starts_at",
            Field::Duration => "duration",
            Field::Presenter => "presenter",
            Field::Agenda => "agenda",
            Field::Participant => "participant",
            Field::Absentee => "absentee",
            Field::Reason => "reason",
            Field::VisitKind => "visit_kind",
            Field::Polarity => "polarity",
            Field::ResearchProject => "research_project",
            Field::Requirement => "requirement",
            Field::Period => "period",
            Field::Count => "count",
            Field::Definition => "definition",
            Field::SubjectKind => "subject_kind",
            Field::Subject => "subject",
            Field::FromDate => "from_date",
            Field::ToDate => "to_date",
            Field::ActivityStatus => "activity_status",
            Field::Minutes => "minutes",
            Field::MinutesState => "minutes_state",
            Field::Attachment => "attachment",
            Field::Topic => "topic",
            Field::Lead => "lead",
            Field::Team => "team",
            Field::Findings => "findings",
            Field::Outcome => "outcome",
            Field::Description => "description",
            Field::Person => "person",
            Field::StartedOn => "started_on",
            Field::CorrectionReason => "correction_reason",
            Field::Province => "province",
        }
    }

    /// The English (API and template alias) name of the field: its
    /// [`code`](Field::code), except where the API names the field by the
    /// id it holds or in the plural.
    pub fn api_name(self) -> &'static str {
        match self {
            Field::ActivityKind => "kind",
            Field::Host => "host_org_id",
            Field::Duration => "duration_minutes",
            Field::Presenter => "presenter_id",
            Field::Participant => "participants",
            Field::Absentee => "absentees",
            Field::ResearchProject => "research_project_id",
            Field::Requirement => "requirement_id",
            Field::Subject => "subject_id",
            Field::FromDate => "from",
            Field::ToDate => "to",
            Field::ActivityStatus => "status",
            Field::Lead => "lead_id",
            Field::Person => "person_id",
            other => other.code(),
        }
    }

    /// Whether values of this field are personal data that must never be
    /// repeated in an error message or a log line.
    pub fn is_personal(self) -> bool {
        matches!(self, Field::IdNumber | Field::Phone | Field::Password)
    }
}

/// What is wrong with a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    Required,
    NotADate,
    NotANumber,
    TooLong {
        max: usize,
    },
    ControlCharacter,
    UnknownValue {
        allowed: String,
    },
    BadCheckDigit,
    BadIdNumber,
    InFuture,
    JoinedBeforeEighteen,
    BeforeJoinDate,
    /// The same value as another row of the file; row 0 means a record
    /// already stored.
    Duplicate {
        first_row: usize,
    },
    NotFound,
    Ambiguous,
    /// A rule of the domain that the value breaks, as a message.
    Rule(Message),
}

impl Problem {
    /// A rule broken by the value: the message `id` with no arguments.
    pub fn rule(id: &'static str) -> Self {
        Problem::Rule(Message::new(id))
    }

    /// What is wrong, as a message without the field.
    pub fn message(&self) -> Message {
        match self {
            Problem::Required => Message::new("problem-required"),
            Problem::NotADate => Message::new("problem-not-a-date"),
            Problem::NotANumber => Message::new("problem-not-a-number"),
            Problem::TooLong { max } => Message::new("problem-too-long").count("max", *max),
            Problem::ControlCharacter => Message::new("problem-control-character"),
            Problem::UnknownValue { allowed } => Message::new("problem-unknown-value").text("allowed", allowed.clone()),
            Problem::BadCheckDigit => Message::new("problem-bad-check-digit"),
            Problem::BadIdNumber => Message::new("problem-bad-id-number"),
            Problem::InFuture => Message::new("problem-in-future"),
            Problem::JoinedBeforeEighteen => Message::new("problem-joined-before-eighteen"),
            Problem::BeforeJoinDate => Message::new("problem-before-join-date"),
            Problem::Duplicate { first_row: 0 } => Message::new("problem-already-recorded"),
            Problem::Duplicate { first_row } => Message::new("problem-duplicate").count("row", *first_row),
            Problem::NotFound => Message::new("problem-not-found"),
            Problem::Ambiguous => Message::new("problem-ambiguous"),
            Problem::Rule(m) => m.clone(),
        }
    }

    /// A stable snake_case code for APIs.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::NotADate => "not_a_date",
            Problem::NotANumber => "not_a_number",
            Problem::TooLong { .. } => "too_long",
            Problem::ControlCharacter => "control_character",
            Problem::UnknownValue { .. } => "unknown_value",
            Problem::BadCheckDigit => "bad_check_digit",
            Problem::BadIdNumber => "bad_id_number",
            Problem::InFuture => "in_future",
            Problem::JoinedBeforeEighteen => "joined_before_eighteen",
            Problem::BeforeJoinDate => "before_join_date",
            Problem::Duplicate { .. } => "duplicate",
            Problem::NotFound => "not_found",
            Problem::Ambiguous => "ambiguous",
            Problem::Rule(_) => "invalid",
        }
    }
}

/// One bad value: the field, the problem and (unless personal) the value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
    /// The value as given, shortened; `None` for personal data.
    pub value: Option<String>,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem, value: &str) -> Self {
        let value = if field.is_personal() || value.is_empty() { None } else { Some(shorten(value)) };
        FieldError { field, problem, value }
    }

    /// A rule of the domain broken by `value` of `field`.
    pub fn rule(field: Field, rule: Message, value: &str) -> Self {
        FieldError::new(field, Problem::Rule(rule), value)
    }

    /// The error as a message: "入党日期: '2023-13-40' 不是日期" in Chinese.
    pub fn message(&self) -> Message {
        match &self.value {
            Some(v) => Message::new("field-error-value").field("field", self.field).text("value", v.clone()),
            None => Message::new("field-error").field("field", self.field),
        }
        .message("problem", self.problem.message())
    }
}

/// For logs: the field's API name, the problem's message id and the value.
impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}: {:?} {}", self.field.api_name(), v, self.problem.message()),
            None => write!(f, "{}: {}", self.field.api_name(), self.problem.message()),
        }
    }
}

/// Values longer than this are cut in messages so one bad cell cannot flood
/// the screen; control characters are shown escaped.
fn shorten(value: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = value
        .chars()
        .take(MAX)
        .flat_map(|c| if c.is_control() || crate::text::is_bidi_control(c) { c.escape_unicode().collect::<Vec<_>>() } else { vec![c] })
        .collect();
    if value.chars().count() > MAX {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Arg;

    #[test]
    fn errors_are_data_naming_the_field_the_problem_and_the_value() {
        let e = FieldError::new(Field::JoinDate, Problem::NotADate, "2023-13-40");
        let m = e.message();
        assert_eq!(m.id, "field-error-value");
        assert_eq!(m.arg("field"), Some(&Arg::Field(Field::JoinDate)));
        assert_eq!(m.arg("value"), Some(&Arg::Text("2023-13-40".into())));
        assert_eq!(m.arg("problem"), Some(&Arg::Message(Box::new(Message::new("problem-not-a-date")))));
        assert_eq!(e.to_string(), "join_date: \"2023-13-40\" problem-not-a-date");
    }

    #[test]
    fn personal_values_are_never_echoed() {
        let e = FieldError::new(Field::IdNumber, Problem::BadCheckDigit, "110101199003071234");
        assert_eq!(e.value, None);
        assert!(!e.to_string().contains("1101"));
        assert_eq!(e.message().id, "field-error");
    }

    #[test]
    fn long_and_control_values_are_shortened_and_escaped() {
        let e = FieldError::new(Field::Name, Problem::TooLong { max: 50 }, &"长".repeat(10_000));
        assert!(e.value.as_deref().is_some_and(|v| v.chars().count() == 41));
        let e = FieldError::new(Field::Name, Problem::ControlCharacter, "a\u{0}b\u{202e}");
        assert_eq!(e.value.as_deref(), Some("a\\u{0}b\\u{202e}"));
    }

    #[test]
    fn every_field_has_its_own_code() {
        let mut codes: Vec<&str> = Field::ALL.iter().map(|f| f.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Field::ALL.len());
    }
}
