//! Party organizations and the tree they form.
//!
//! Levels run from central to grassroots; kinds distinguish committees,
//! general branches, branches and groups-of-members. Parent links and
//! lifetimes are effective-dated facts kept by the store; this module holds
//! the values and the rules that need no storage.

use crate::coded_enum;
use crate::error::Field;
use crate::{Id, Name};
use chrono::NaiveDate;
use serde::Serialize;

coded_enum!(
    /// The administrative level at which an organization stands.
    OrgLevel, Field::Level, {
        Central => "central" ["中央"],
        Provincial => "provincial" ["省级", "省"],
        City => "city" ["市级", "市", "地市级"],
        County => "county" ["县级", "县", "县区级"],
        Township => "township" ["乡镇街道", "乡镇", "街道"],
        Grassroots => "grassroots" ["基层", "村社区", "村", "社区"],
    }
);

coded_enum!(
    /// What kind of organization it is.
    OrgKind, Field::Kind, {
        /// 党委: a party committee (county committee, township committee, grassroots committee).
        Committee => "committee" ["党委", "党工委"],
        /// 党组: a party group in a state organ or public body.
        PartyGroup => "party_group" ["党组"],
        /// 工作机关: a working department of a committee, such as its organization department.
        Department => "department" ["工作机关", "部门"],
        /// 党总支: a general branch.
        GeneralBranch => "general_branch" ["党总支", "总支"],
        /// 党支部: a branch.
        Branch => "branch" ["党支部", "支部"],
        /// 党小组: a group of members inside a branch.
        Group => "group" ["党小组", "小组"],
    }
);

coded_enum!(
    /// The kind of unit a grassroots organization is set up in.
    UnitType, Field::UnitType, {
        Village => "village" ["村"],
        Community => "community" ["社区"],
        Enterprise => "enterprise" ["企业"],
        Institution => "institution" ["事业单位"],
        Agency => "agency" ["机关"],
        School => "school" ["学校"],
        SocialOrganization => "social_organization" ["社会组织"],
        Other => "other" ["其他"],
    }
);

impl OrgLevel {
    /// Levels ordered from the top; a child is never above its parent.
    pub fn rank(self) -> u8 {
        match self {
            OrgLevel::Central => 0,
            OrgLevel::Provincial => 1,
            OrgLevel::City => 2,
            OrgLevel::County => 3,
            OrgLevel::Township => 4,
            OrgLevel::Grassroots => 5,
        }
    }
}

impl OrgKind {
    /// Whether people are members of organizations of this kind (branches and
    /// groups hold members; committees hold them through their branches, but a
    /// roster may still attach a member to a committee directly).
    pub fn holds_members(self) -> bool {
        !matches!(self, OrgKind::Department)
    }

    /// Whether this kind is a branch in the sense of the branch work
    /// regulations (the unit of "three meetings and one lesson").
    pub fn is_branch(self) -> bool {
        matches!(self, OrgKind::Branch)
    }
}

/// An organization as it is on a given day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Organization {
    pub id: Id,
    /// The provincial-level ancestor (or the deployment's root): the
    /// distribution key of every row belonging to this organization.
    pub province_id: Id,
    pub parent_id: Option<Id>,
    pub name: Name,
    pub level: OrgLevel,
    pub kind: OrgKind,
    pub unit_type: Option<UnitType>,
    pub founded_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// Ids from the root down to this organization, itself included.
    pub path: Vec<Id>,
    pub version: i64,
}

impl Organization {
    pub fn is_open_on(&self, day: NaiveDate) -> bool {
        self.founded_on <= day && self.closed_on.is_none_or(|c| day < c)
    }
}

/// Why a placement of an organization under a parent is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlacementError {
    #[error("the parent stands at a lower level than the organization")]
    ParentBelow,
    #[error("a group of members cannot have organizations under it")]
    UnderGroup,
    #[error("a group of members belongs under a branch")]
    GroupOutsideBranch,
    #[error("an organization cannot move under its own descendant")]
    Cycle,
}

impl PlacementError {
    pub fn message(self) -> crate::Message {
        crate::Message::new(match self {
            PlacementError::ParentBelow => "placement-parent-below",
            PlacementError::UnderGroup => "placement-under-group",
            PlacementError::GroupOutsideBranch => "placement-group-outside-branch",
            PlacementError::Cycle => "placement-cycle",
        })
    }
}

/// Checks that an organization of `level`/`kind` may stand under `parent`.
pub fn check_placement(level: OrgLevel, kind: OrgKind, parent_level: OrgLevel, parent_kind: OrgKind) -> Result<(), PlacementError> {
    if parent_kind == OrgKind::Group {
        return Err(PlacementError::UnderGroup);
    }
    if kind == OrgKind::Group && parent_kind != OrgKind::Branch {
        return Err(PlacementError::GroupOutsideBranch);
    }
    if level.rank() < parent_level.rank() {
        return Err(PlacementError::ParentBelow);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Problem;

    #[test]
    fn levels_and_kinds_read_codes_and_chinese_words() {
        assert_eq!(OrgKind::parse("党支部"), Ok(OrgKind::Branch));
        assert_eq!(OrgKind::parse("General_Branch"), Ok(OrgKind::GeneralBranch));
        assert_eq!(OrgLevel::parse("乡镇"), Ok(OrgLevel::Township));
        let err = OrgKind::parse("协会").unwrap_err();
        assert!(matches!(err.problem, Problem::UnknownValue { .. }));
        assert_eq!(err.field, Field::Kind);
    }

    #[test]
    fn placements_follow_the_tree_rules() {
        use OrgKind::*;
        use OrgLevel::*;
        assert_eq!(check_placement(Grassroots, Branch, Township, Committee), Ok(()));
        assert_eq!(check_placement(Grassroots, Group, Grassroots, Branch), Ok(()));
        assert_eq!(check_placement(Grassroots, Group, Grassroots, GeneralBranch), Err(PlacementError::GroupOutsideBranch));
        assert_eq!(check_placement(Grassroots, Branch, Grassroots, Group), Err(PlacementError::UnderGroup));
        assert_eq!(check_placement(County, Committee, Township, Committee), Err(PlacementError::ParentBelow));
    }
}
