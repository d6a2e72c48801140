//! Party members: who they are, their standing in the party, the positions
//! they hold and their cadre rank.
//!
//! Membership in an organization and positions are effective-dated facts kept
//! by the store; this module holds the values.

use crate::coded_enum;
use crate::error::{Field, FieldError, Problem};
use crate::{Id, Name, PartialDate};
use serde::Serialize;
use std::fmt;

coded_enum!(
    Sex, Field::Sex, {
        Male => "male" ["男"],
        Female => "female" ["女"],
    }
);

coded_enum!(
    /// 人员类别: full member or probationary member.
    MemberCategory, Field::Category, {
        Full => "full" ["正式党员", "正式"],
        Probationary => "probationary" ["预备党员", "预备"],
    }
);

coded_enum!(
    /// Where the member stands now. Transferred-out and deceased members stay
    /// on record (nothing is deleted) but no longer count in the branch.
    MemberStatus, Field::Status, {
        Active => "active" ["在册", "正常"],
        TransferredOut => "transferred_out" ["转出", "已转出"],
        Abroad => "abroad" ["出国（境）", "出国", "出境"],
        Mobile => "mobile" ["流动党员", "流动"],
        Deceased => "deceased" ["去世", "已去世"],
    }
);

coded_enum!(
    /// 党内职务: a position held in an organization.
    PositionKind, Field::Position, {
        Secretary => "secretary" ["书记"],
        DeputySecretary => "deputy_secretary" ["副书记"],
        CommitteeMember => "committee_member" ["委员"],
        /// 组织委员: the committee member in charge of organization.
        OrganizationMember => "organization_member" ["组织委员"],
        /// 宣传委员: the committee member in charge of publicity.
        PublicityMember => "publicity_member" ["宣传委员"],
        /// 纪检委员: the committee member in charge of discipline inspection.
        DisciplineMember => "discipline_member" ["纪检委员"],
        /// 领导班子成员: a member of a leadership team (county level and above).
        LeadershipMember => "leadership_member" ["班子成员", "常委"],
        /// 党小组组长
        GroupLeader => "group_leader" ["党小组组长", "党小组长", "组长"],
    }
);

coded_enum!(
    /// 职级: the cadre rank, if any.
    CadreRank, Field::CadreRank, {
        None => "none" ["无"],
        SectionDeputy => "section_deputy" ["副科级"],
        Section => "section" ["正科级"],
        CountyDeputy => "county_deputy" ["副处级", "副县级"],
        County => "county" ["正处级", "正县级", "县处级"],
        BureauDeputy => "bureau_deputy" ["副厅级"],
        Bureau => "bureau" ["正厅级"],
        ProvinceDeputy => "province_deputy" ["副部级"],
        Province => "province" ["正部级"],
    }
);

impl MemberStatus {
    /// Whether the member still counts in their organization.
    pub fn counts_in_branch(self) -> bool {
        matches!(self, MemberStatus::Active | MemberStatus::Abroad | MemberStatus::Mobile)
    }
}

impl PositionKind {
    /// Positions that make the holder a member of the branch committee.
    pub fn is_committee(self) -> bool {
        matches!(
            self,
            PositionKind::Secretary
                | PositionKind::DeputySecretary
                | PositionKind::CommitteeMember
                | PositionKind::OrganizationMember
                | PositionKind::PublicityMember
                | PositionKind::DisciplineMember
        )
    }
}

impl CadreRank {
    /// 县处级以上: county (division) level and above, deputy included.
    pub fn is_county_level_or_above(self) -> bool {
        self >= CadreRank::CountyDeputy
    }
}

/// A phone number: digits with optional `+`, spaces and hyphens; 5 to 20
/// characters. Personal data: shown masked, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw.trim().chars().filter(|c| *c != ' ' && *c != '-').collect();
        let digits = s.strip_prefix('+').unwrap_or(&s);
        if s.is_empty() {
            return Err(FieldError::new(Field::Phone, Problem::Required, raw));
        }
        if !(5..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(Field::Phone, Problem::rule("phone-bad-form"), raw));
        }
        Ok(PhoneNumber(s))
    }

    /// `138****1234`: the first three and last four digits.
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        if n <= 7 {
            return "*".repeat(n);
        }
        let head: String = self.0.chars().take(3).collect();
        let tail: String = self.0.chars().skip(n - 4).collect();
        format!("{head}{}{tail}", "*".repeat(n - 7))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

/// A party member as shown on pages and in the API: personal numbers appear
/// only masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: Id,
    pub province_id: Id,
    pub org_id: Id,
    pub name: Name,
    pub sex: Option<Sex>,
    pub ethnicity: Option<String>,
    pub birth_date: Option<PartialDate>,
    pub category: MemberCategory,
    pub status: MemberStatus,
    pub join_date: PartialDate,
    pub full_member_date: Option<PartialDate>,
    pub cadre_rank: CadreRank,
    pub id_number_masked: Option<String>,
    pub phone_masked: Option<String>,
    pub positions: Vec<PositionKind>,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_masked() {
        let p = PhoneNumber::parse("138-0013-1234").unwrap();
        assert_eq!(p.masked(), "138****1234");
        assert!(!format!("{p:?}").contains("0013"));
        assert!(PhoneNumber::parse("call me").is_err());
        assert!(PhoneNumber::parse("+86 10 6512 3456").is_ok());
    }

    #[test]
    fn ranks_order_from_none_to_province() {
        assert!(CadreRank::County.is_county_level_or_above());
        assert!(CadreRank::CountyDeputy.is_county_level_or_above());
        assert!(!CadreRank::Section.is_county_level_or_above());
        assert_eq!(MemberCategory::parse("预备党员"), Ok(MemberCategory::Probationary));
    }
}
