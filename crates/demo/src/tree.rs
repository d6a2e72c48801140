//! The organization tree of the demo county, built from the plan: names,
//! levels, kinds, unit types, founding dates and ids, parents always listed
//! before their children. It also keeps the indexes that people generation
//! and the assignment of positions need (which branch is which).

use crate::plan::{BranchPlan, CountyPlan, Form, Role, UnitPlan};
use crate::random::{Random, add_days, ymd};
use crate::vocab;
use crate::{COUNTY_NAME, DemoOrg};
use chrono::NaiveDate;
use domain::{Field, Name, OrgKind, OrgLevel, UnitType};

/// A branch in the tree with its plan and its groups.
pub(crate) struct BranchNode {
    pub org: usize,
    pub plan: BranchPlan,
    /// The 党小组 under the branch (indexes into the organizations).
    pub groups: Vec<usize>,
}

/// A grassroots committee or general branch and the branches under it.
pub(crate) struct UnitNode {
    pub org: usize,
    pub form: Form,
    pub branches: Vec<usize>,
}

/// A township and the branch of its organs, where its leaders are members.
pub(crate) struct TownshipNode {
    pub org: usize,
    pub organ_branch: usize,
}

/// The built tree.
pub(crate) struct Tree {
    pub orgs: Vec<DemoOrg>,
    pub root: usize,
    pub government_group: usize,
    pub organs_committee: usize,
    pub branches: Vec<BranchNode>,
    /// Units with more than one branch.
    pub units: Vec<UnitNode>,
    pub townships: Vec<TownshipNode>,
    /// The organ branches of the county bodies, in the order of
    /// [`crate::plan::COUNTY_ORGANS`] (indexes into `branches`).
    pub county_organs: Vec<usize>,
}

/// Makes a name from text the demo composed itself (always valid; checked
/// again by the tests).
pub(crate) fn name(text: String) -> Name {
    match Name::parse(Field::Name, &text) {
        Ok(name) => name,
        Err(_) => Name::from_stored(text),
    }
}

impl Tree {
    fn push(
        &mut self,
        r: &mut Random,
        parent: Option<usize>,
        text: String,
        (level, kind): (OrgLevel, OrgKind),
        unit_type: Option<UnitType>,
        founded_on: NaiveDate,
    ) -> usize {
        let parent_id = parent.and_then(|p| self.orgs.get(p)).map(|p| p.id.clone());
        self.orgs.push(DemoOrg { id: r.id(), parent_id, name: name(text), level, kind, unit_type, founded_on });
        self.orgs.len() - 1
    }

    fn founded(&self, org: usize) -> NaiveDate {
        self.orgs.get(org).map_or(NaiveDate::MIN, |o| o.founded_on)
    }

    /// A founding day for a child of `parent` drawn within `years`, moved to
    /// shortly after the parent's founding if it would come before it.
    fn child_founded(&self, r: &mut Random, parent: usize, (lo, hi): (i32, i32)) -> NaiveDate {
        let parent_founded = self.founded(parent);
        let drawn = r.day_between(ymd(lo, 1, 1), ymd(hi, 12, 31)).min(r.yesterday());
        if drawn >= parent_founded {
            drawn
        } else {
            let after = add_days(parent_founded, u64::try_from(r.between(0, 400)).unwrap_or(0));
            after.min(r.yesterday()).max(parent_founded)
        }
    }

    fn unit(&mut self, r: &mut Random, parent: usize, unit: UnitPlan) {
        let level = OrgLevel::Grassroots;
        let ut = Some(unit.unit_type);
        let founded = self.child_founded(r, parent, unit.founded);
        let role = unit.role;
        let stem = unit.stem;
        let mut branch_nodes = Vec::new();
        let unit_org = match unit.form {
            Form::Single => None,
            Form::Committee | Form::GeneralBranch => {
                let (kind, word) = match unit.form {
                    Form::Committee => (OrgKind::Committee, "委员会"),
                    _ => (OrgKind::GeneralBranch, "总支部委员会"),
                };
                Some(self.push(r, Some(parent), format!("中共{stem}{word}"), (level, kind), ut, founded))
            }
        };
        // The first branch comes with the unit; later ones in label order.
        let mut later: Vec<NaiveDate> = (1..unit.branches.len()).map(|_| r.day_after(founded, 30)).collect();
        later.sort_unstable();
        let dates = std::iter::once(founded).chain(later);
        for (plan, branch_founded) in unit.branches.into_iter().zip(dates) {
            let branch_parent = unit_org.unwrap_or(parent);
            let stem_and_label = format!("{stem}{}", plan.label);
            let suffix = if plan.has_committee() { "委员会" } else { "" };
            let text = format!("中共{stem_and_label}{suffix}");
            let org = self.push(r, Some(branch_parent), text, (level, OrgKind::Branch), ut, branch_founded);
            let mut group_dates: Vec<NaiveDate> = (0..plan.groups).map(|_| r.day_after(branch_founded, 15)).collect();
            group_dates.sort_unstable();
            let mut groups = Vec::with_capacity(plan.groups);
            for (g, group_founded) in group_dates.into_iter().enumerate() {
                let text = format!("中共{stem_and_label}第{}党小组", vocab::numeral(g + 1));
                groups.push(self.push(r, Some(org), text, (level, OrgKind::Group), ut, group_founded));
            }
            branch_nodes.push(self.branches.len());
            self.branches.push(BranchNode { org, plan, groups });
        }
        match (role, branch_nodes.first()) {
            (Role::CountyOrgan(_), Some(b)) => self.county_organs.push(*b),
            (Role::TownshipOrgan, Some(b)) => {
                if let Some(t) = self.townships.last_mut() {
                    t.organ_branch = *b;
                }
            }
            _ => {}
        }
        if let Some(org) = unit_org {
            self.units.push(UnitNode { org, form: unit.form, branches: branch_nodes });
        }
    }
}

/// Builds the tree: the county committee, its organization department, the
/// government's party group and the county organs' working committee with the
/// county units under it, then each township with its units.
pub(crate) fn build(r: &mut Random, plan: CountyPlan) -> Tree {
    let mut tree = Tree {
        orgs: Vec::new(),
        root: 0,
        government_group: 0,
        organs_committee: 0,
        branches: Vec::new(),
        units: Vec::new(),
        townships: Vec::new(),
        county_organs: Vec::new(),
    };
    let county = (OrgLevel::County, OrgKind::Committee);
    let root_founded = r.day_between(ymd(1949, 12, 1), ymd(1950, 6, 30)).min(r.yesterday());
    tree.root = tree.push(r, None, format!("中共{COUNTY_NAME}委员会"), county, None, root_founded);
    let department_founded = r.day_between(root_founded, add_days(root_founded, 60)).min(r.yesterday()).max(root_founded);
    let department = (OrgLevel::County, OrgKind::Department);
    tree.push(r, Some(tree.root), format!("中共{COUNTY_NAME}委组织部"), department, None, department_founded);
    let group_founded = tree.child_founded(r, tree.root, (1950, 1956));
    let party_group = (OrgLevel::County, OrgKind::PartyGroup);
    tree.government_group = tree.push(r, Some(tree.root), format!("中共{COUNTY_NAME}人民政府党组"), party_group, None, group_founded);
    let committee_founded = tree.child_founded(r, tree.root, (1952, 1956));
    tree.organs_committee = tree.push(r, Some(tree.root), format!("中共{COUNTY_NAME}直属机关工作委员会"), county, None, committee_founded);

    for unit in plan.county_units {
        tree.unit(r, tree.organs_committee, unit);
    }
    for township in plan.townships {
        let founded = tree.child_founded(r, tree.root, township.founded);
        let word = if township.street { "工作委员会" } else { "委员会" };
        let kind = (OrgLevel::Township, OrgKind::Committee);
        let org = tree.push(r, Some(tree.root), format!("中共{}{word}", township.name), kind, None, founded);
        tree.townships.push(TownshipNode { org, organ_branch: 0 });
        for unit in township.units {
            tree.unit(r, org, unit);
        }
    }
    tree
}
