//! The column names of the import templates (roster, organizations,
//! activities): a file format, read and written in Chinese whatever the
//! reader's language, with the fields' API names accepted beside them. These
//! are words of the spreadsheets, not of the pages: labels shown on pages and
//! in messages come from `locales/`.

use crate::error::Field;

/// The name column of the organization template (the roster's is 姓名).
pub const ORG_NAME_COLUMN: &str = "组织名称";

impl Field {
    /// An earlier column name still accepted on import (files made with an
    /// older template keep working).
    pub fn former_column_name(self) -> Option<&'static str> {
        match self {
            Field::CadreRank => Some("职级"),
            _ => None,
        }
    }

    /// The column name of the field in the import templates.
    pub fn column_name(self) -> &'static str {
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
            Field::CadreRank => "职务层次",
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
            Field::Province => "所在省份",
            Field::StartedOn => "开始日期",
        }
    }
}
