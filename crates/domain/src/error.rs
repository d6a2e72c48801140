//! Field-level validation errors, worded in Chinese and English.
//!
//! Every input path (spreadsheet rows, API bodies, web forms) reports a bad
//! value as a [`FieldError`]: which field, what is wrong, and the offending
//! value unless it is personal data that must never be echoed.

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
}

impl Field {
    /// The English (API and template alias) name of the field.
    pub fn api_name(self) -> &'static str {
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
            Field::ActivityKind => "kind",
            Field::Host => "host_org_id",
            Field::Title => "title",
            Field::HeldOn => "held_on",
            Field::StartsAt => "starts_at",
            Field::Duration => "duration_minutes",
            Field::Presenter => "presenter_id",
            Field::Agenda => "agenda",
            Field::Participant => "participants",
            Field::Absentee => "absentees",
            Field::Reason => "reason",
            Field::VisitKind => "visit_kind",
            Field::Polarity => "polarity",
            Field::ResearchProject => "research_project_id",
            Field::Requirement => "requirement_id",
            Field::Period => "period",
            Field::Count => "count",
            Field::Definition => "definition",
            Field::SubjectKind => "subject_kind",
            Field::Subject => "subject_id",
            Field::FromDate => "from",
            Field::ToDate => "to",
            Field::ActivityStatus => "status",
            Field::Minutes => "minutes",
            Field::MinutesState => "minutes_state",
            Field::Attachment => "attachment",
            Field::Topic => "topic",
            Field::Lead => "lead_id",
            Field::Team => "team",
            Field::Findings => "findings",
            Field::Outcome => "outcome",
            Field::Description => "description",
            Field::Person => "person_id",
            Field::CorrectionReason => "correction_reason",
            Field::StartedOn => "started_on",
        }
    }

    /// The Chinese name of the field, as in the import templates.
    pub fn zh_name(self) -> &'static str {
        match self {
            Field::Name => "姓名",
            Field::Sex => "性别",
            Field::Ethnicity => "民族",
            Field::IdNumber => "公民身份号码",
            Field::BirthDate => "出生日期",
            Field::Category => "人员类别",
            Field::JoinDate => "入党日期",
            Field::FullMemberDate => "转正日期",
            Field::Organization => "所在党组织",
            Field::Position => "党内职务",
            Field::Phone => "联系电话",
            Field::Status => "状态",
            Field::CadreRank => "职级",
            Field::Parent => "上级组织",
            Field::Level => "组织层级",
            Field::Kind => "组织类别",
            Field::UnitType => "单位类型",
            Field::FoundedOn => "成立日期",
            Field::ClosedOn => "撤销日期",
            Field::ValidFrom => "生效日期",
            Field::Version => "版本",
            Field::Cursor => "游标",
            Field::Limit => "条数",
            Field::File => "文件",
            Field::Login => "登录名",
            Field::Password => "密码",
            Field::Role => "角色",
            Field::ActivityKind => "活动类型",
            Field::Host => "主办组织",
            Field::Title => "标题",
            Field::HeldOn => "举办日期",
            Field::StartsAt => "开始时间",
            Field::Duration => "时长（分钟）",
            Field::Presenter => "主讲人",
            Field::Agenda => "议程",
            Field::Participant => "参加人员",
            Field::Absentee => "缺席人员",
            Field::Reason => "理由",
            Field::VisitKind => "走访类型",
            Field::Polarity => "案例性质",
            Field::ResearchProject => "调研课题",
            Field::Requirement => "制度要求",
            Field::Period => "周期",
            Field::Count => "次数",
            Field::Definition => "自定义要求",
            Field::SubjectKind => "对象类型",
            Field::Subject => "对象",
            Field::FromDate => "起始日期",
            Field::ToDate => "截止日期",
            Field::ActivityStatus => "活动状态",
            Field::Minutes => "会议记录",
            Field::MinutesState => "记录状态",
            Field::Attachment => "附件",
            Field::Topic => "课题",
            Field::Lead => "牵头人",
            Field::Team => "课题组成员",
            Field::Findings => "调研发现",
            Field::Outcome => "成果",
            Field::Description => "内容",
            Field::Person => "人员",
            Field::CorrectionReason => "更正理由",
            Field::StartedOn => "开始日期",
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
    TooLong { max: usize },
    ControlCharacter,
    UnknownValue { allowed: String },
    BadCheckDigit,
    BadIdNumber,
    InFuture,
    JoinedBeforeEighteen,
    BeforeJoinDate,
    Duplicate { first_row: usize },
    NotFound,
    Ambiguous,
    Invalid { reason_zh: String, reason_en: String },
}

impl Problem {
    fn zh(&self) -> String {
        match self {
            Problem::Required => "不能为空".into(),
            Problem::NotADate => "不是日期".into(),
            Problem::NotANumber => "不是数字".into(),
            Problem::TooLong { max } => format!("超过 {max} 个字符"),
            Problem::ControlCharacter => "含有控制字符或方向控制字符".into(),
            Problem::UnknownValue { allowed } => format!("不是可用的取值（可用：{allowed}）"),
            Problem::BadCheckDigit => "校验码错误（GB 11643）".into(),
            Problem::BadIdNumber => "不是 18 位公民身份号码".into(),
            Problem::InFuture => "晚于今天".into(),
            Problem::JoinedBeforeEighteen => "入党时未满 18 周岁".into(),
            Problem::BeforeJoinDate => "早于入党日期".into(),
            Problem::Duplicate { first_row } => format!("与第{first_row}行重复"),
            Problem::NotFound => "找不到".into(),
            Problem::Ambiguous => "对应多个组织，请写完整路径".into(),
            Problem::Invalid { reason_zh, .. } => reason_zh.clone(),
        }
    }

    fn en(&self) -> String {
        match self {
            Problem::Required => "is required".into(),
            Problem::NotADate => "is not a date".into(),
            Problem::NotANumber => "is not a number".into(),
            Problem::TooLong { max } => format!("is longer than {max} characters"),
            Problem::ControlCharacter => "contains a control or direction-override character".into(),
            Problem::UnknownValue { allowed } => format!("is not one of the allowed values ({allowed})"),
            Problem::BadCheckDigit => "has a wrong check digit (GB 11643)".into(),
            Problem::BadIdNumber => "is not an 18-character citizen ID number".into(),
            Problem::InFuture => "is in the future".into(),
            Problem::JoinedBeforeEighteen => "is before the member's 18th birthday".into(),
            Problem::BeforeJoinDate => "is before the join date".into(),
            Problem::Duplicate { first_row } => format!("duplicates row {first_row}"),
            Problem::NotFound => "was not found".into(),
            Problem::Ambiguous => "matches several organizations; give the full path".into(),
            Problem::Invalid { reason_en, .. } => reason_en.clone(),
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
            Problem::Invalid { .. } => "invalid",
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

    /// "入党日期: '2023-13-40' 不是日期"
    pub fn message_zh(&self) -> String {
        match &self.value {
            Some(v) => format!("{}: '{}' {}", self.field.zh_name(), v, self.problem.zh()),
            None => format!("{}: {}", self.field.zh_name(), self.problem.zh()),
        }
    }

    /// "join_date: '2023-13-40' is not a date"
    pub fn message_en(&self) -> String {
        match &self.value {
            Some(v) => format!("{}: '{}' {}", self.field.api_name(), v, self.problem.en()),
            None => format!("{}: {}", self.field.api_name(), self.problem.en()),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message_zh(), self.message_en())
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

    #[test]
    fn messages_name_the_field_and_value_in_both_languages() {
        let e = FieldError::new(Field::JoinDate, Problem::NotADate, "2023-13-40");
        assert_eq!(e.to_string(), "入党日期: '2023-13-40' 不是日期 / join_date: '2023-13-40' is not a date");
    }

    #[test]
    fn personal_values_are_never_echoed() {
        let e = FieldError::new(Field::IdNumber, Problem::BadCheckDigit, "110101199003071234");
        assert!(!e.to_string().contains("1101"));
    }

    #[test]
    fn long_and_control_values_are_shortened_and_escaped() {
        let e = FieldError::new(Field::Name, Problem::TooLong { max: 50 }, &"长".repeat(10_000));
        assert!(e.to_string().chars().count() < 200);
        let e = FieldError::new(Field::Name, Problem::ControlCharacter, "a\u{0}b\u{202e}");
        assert!(e.to_string().contains("\\u{0}"));
        assert!(e.to_string().contains("\\u{202e}"));
    }
}
