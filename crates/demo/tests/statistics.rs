//! The demo county meets the figures and rules it promises, for seeds 1, 2
//! and the default seed, on 2026-11-23.
//!
//! Definitions are those of `demo::stats`: grassroots organizations are the
//! top organizations of grassroots units; branch sizes and the share aged 61
//! or older count the members whose status counts in the branch; people
//! belong to branches only, and 党小组 are represented by their leaders.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, Months};
use demo::{DEFAULT_SEED, DUPLICATE_NAME, DUPLICATE_NAME_BRANCH, DemoData, DemoOrg, branch_figures, generate, stats};
use domain::dates::age_on;
use domain::org::check_placement;
use domain::{CadreRank, Field, IdNumber, MemberCategory, MemberStatus, Name, OrgKind, OrgLevel, PositionKind, Sex};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use testkit::today;

const SEEDS: [u64; 3] = [1, 2, DEFAULT_SEED];

/// The county for each seed, generated once for all tests.
fn counties() -> &'static [(u64, DemoData)] {
    static COUNTIES: OnceLock<Vec<(u64, DemoData)>> = OnceLock::new();
    COUNTIES.get_or_init(|| SEEDS.iter().map(|&seed| (seed, generate(seed, today()))).collect())
}

fn orgs_by_id(data: &DemoData) -> HashMap<&str, &DemoOrg> {
    data.orgs.iter().map(|o| (o.id.as_str(), o)).collect()
}

#[test]
fn the_county_has_exactly_one_root_which_is_the_county_committee() {
    for (seed, data) in counties() {
        let roots: Vec<_> = data.orgs.iter().filter(|o| o.parent_id.is_none()).collect();
        assert_eq!(roots.len(), 1, "seed {seed}");
        assert_eq!(roots[0].level, OrgLevel::County);
        assert_eq!(roots[0].kind, OrgKind::Committee);
        assert_eq!(roots[0].name.as_str(), "中共青岚县委员会");
        assert_eq!(stats(data, today()).roots, 1);
        assert!(data.orgs.iter().any(|o| o.name.as_str() == "中共青岚县委组织部" && o.kind == OrgKind::Department));
    }
}

#[test]
fn eight_township_committees_stand_under_the_county_committee() {
    for (seed, data) in counties() {
        let root = &data.orgs[0];
        let townships: Vec<_> = data.orgs.iter().filter(|o| o.level == OrgLevel::Township).collect();
        assert_eq!(townships.len(), 8, "seed {seed}");
        for t in townships {
            assert_eq!(t.kind, OrgKind::Committee);
            assert_eq!(t.parent_id.as_ref(), Some(&root.id));
        }
        assert_eq!(stats(data, today()).townships, 8);
    }
}

#[test]
fn there_are_55_to_65_grassroots_organizations_each_with_a_unit_type() {
    for (seed, data) in counties() {
        let s = stats(data, today());
        assert!((55..=65).contains(&s.grassroots_organizations), "seed {seed}: {}", s.grassroots_organizations);
        for org in data.orgs.iter().filter(|o| data.is_grassroots_organization(o)) {
            assert!(org.unit_type.is_some(), "{}", org.name);
            assert!(matches!(org.kind, OrgKind::Committee | OrgKind::GeneralBranch | OrgKind::Branch));
        }
    }
}

#[test]
fn there_are_140_to_160_branches_and_some_have_groups_of_members() {
    for (seed, data) in counties() {
        let s = stats(data, today());
        assert!((140..=160).contains(&s.branches), "seed {seed}: {}", s.branches);
        assert!(s.groups > 0, "seed {seed}");
        assert!(data.orgs.iter().any(|o| o.kind == OrgKind::GeneralBranch));
    }
}

#[test]
fn there_are_2400_to_2600_people() {
    for (seed, data) in counties() {
        assert!((2400..=2600).contains(&data.people.len()), "seed {seed}: {}", data.people.len());
    }
}

#[test]
fn between_27_and_31_percent_of_the_members_counted_in_branches_are_61_or_older() {
    for (seed, data) in counties() {
        let s = stats(data, today());
        assert!((0.27..=0.31).contains(&s.share_aged_61_or_older), "seed {seed}: {}", s.share_aged_61_or_older);
    }
}

#[test]
fn every_branch_counts_3_to_50_members_of_whom_at_least_3_are_full() {
    for (seed, data) in counties() {
        for b in branch_figures(data) {
            assert!((3..=50).contains(&b.members), "seed {seed}: {} has {}", b.name, b.members);
            assert!(b.full_members >= 3, "seed {seed}: {} has {} full members", b.name, b.full_members);
        }
        let s = stats(data, today());
        assert!(s.min_branch_size >= 3 && s.max_branch_size <= 50);
    }
}

#[test]
fn a_branch_has_a_committee_exactly_when_it_has_7_or_more_full_members() {
    for (seed, data) in counties() {
        for b in branch_figures(data) {
            assert_eq!(b.secretaries, 1, "seed {seed}: {}", b.name);
            if b.full_members >= 7 {
                assert!((3..=5).contains(&b.committee_seats), "seed {seed}: {} {b:?}", b.name);
                assert!(b.name.as_str().ends_with("委员会"), "{}", b.name);
            } else {
                assert_eq!(b.committee_seats, 1, "seed {seed}: {} {b:?}", b.name);
                assert!(!b.name.as_str().ends_with("委员会"), "{}", b.name);
            }
        }
        let s = stats(data, today());
        assert_eq!(s.branches_with_committee, s.branches_with_7_or_more_full_members);
        assert!(s.branches_with_committee > 0 && s.branches_with_committee < s.branches);
    }
}

#[test]
fn at_least_3_names_lie_outside_the_basic_multilingual_plane() {
    for (seed, data) in counties() {
        assert!(stats(data, today()).names_outside_bmp >= 3, "seed {seed}");
    }
}

#[test]
fn at_least_3_names_have_a_middle_dot_and_their_bearers_are_minorities() {
    for (seed, data) in counties() {
        assert!(stats(data, today()).names_with_middle_dot >= 3, "seed {seed}");
        for p in data.people.iter().filter(|p| p.name.as_str().contains('·')) {
            assert_ne!(p.ethnicity, "汉族", "{}", p.name);
        }
    }
}

#[test]
fn exactly_one_branch_has_two_members_sharing_a_name_and_it_is_the_one_named() {
    for (seed, data) in counties() {
        let s = stats(data, today());
        assert_eq!(s.duplicate_name_branches.len(), 1, "seed {seed}");
        let branch = data.org(&s.duplicate_name_branches[0]).expect("the branch exists");
        assert_eq!(branch.name.as_str(), DUPLICATE_NAME_BRANCH);
        let namesakes = data.people.iter().filter(|p| p.org_id == branch.id && p.name.as_str() == DUPLICATE_NAME);
        assert_eq!(namesakes.count(), 2, "seed {seed}");
    }
}

#[test]
fn identity_numbers_are_unique_valid_and_match_the_sex() {
    for (seed, data) in counties() {
        let mut seen = HashSet::new();
        for p in &data.people {
            let number = p.id_number.expose();
            assert!(seen.insert(number), "seed {seed}: duplicate identity number");
            assert_eq!(IdNumber::parse(number).as_ref(), Ok(&p.id_number));
            assert_eq!(p.id_number.sex(), p.sex, "{}", p.name);
        }
    }
}

#[test]
fn everyone_joined_at_18_or_older_and_never_after_today() {
    for (seed, data) in counties() {
        for p in &data.people {
            assert!(age_on(p.birth_date(), p.join_date.first_day()) >= 18, "seed {seed}: {} {p:?}", p.name);
            assert!(p.join_date.last_day() <= today(), "seed {seed}: {p:?}");
        }
    }
}

#[test]
fn most_joined_between_20_and_35_and_none_after_45() {
    for (seed, data) in counties() {
        let join_ages: Vec<i32> = data.people.iter().map(|p| age_on(p.birth_date(), p.join_date.first_day())).collect();
        assert!(join_ages.iter().all(|a| (18..=46).contains(a)), "seed {seed}");
        let typical = join_ages.iter().filter(|a| (20..=35).contains(*a)).count();
        assert!(typical * 100 >= join_ages.len() * 70, "seed {seed}: {typical}");
    }
}

#[test]
fn two_to_three_percent_are_probationary_members_who_joined_within_the_last_year() {
    let year_ago = today().checked_sub_months(Months::new(12)).expect("a valid date");
    for (seed, data) in counties() {
        let probationary: Vec<_> = data.people.iter().filter(|p| p.category == MemberCategory::Probationary).collect();
        let share = probationary.len() as f64 / data.people.len() as f64;
        assert!((0.02..=0.03).contains(&share), "seed {seed}: {share}");
        for p in probationary {
            assert_eq!(p.full_member_date, None);
            assert!(p.join_date.first_day() > year_ago, "{p:?}");
        }
    }
}

#[test]
fn full_members_became_full_one_year_after_joining_and_not_after_today() {
    for (seed, data) in counties() {
        for p in data.people.iter().filter(|p| p.category == MemberCategory::Full) {
            let full = p.full_member_date.expect("a full member has a full-member date");
            assert_eq!((full.year(), full.month()), (p.join_date.year() + 1, p.join_date.month()), "seed {seed}");
            assert_eq!(full.day().is_some(), p.join_date.day().is_some());
            assert!(full.last_day() <= today(), "seed {seed}: {p:?}");
        }
    }
}

#[test]
fn some_members_who_joined_before_1990_have_no_known_day() {
    for (seed, data) in counties() {
        let early: Vec<_> = data.people.iter().filter(|p| p.join_date.year() < 1990).collect();
        let unknown_day = early.iter().filter(|p| p.join_date.day().is_none()).count();
        let share = unknown_day as f64 / early.len() as f64;
        assert!((0.2..=0.4).contains(&share), "seed {seed}: {share}");
        assert!(data.people.iter().filter(|p| p.join_date.year() >= 1990).all(|p| p.join_date.day().is_some()));
    }
}

#[test]
fn most_members_are_active_and_every_other_status_is_rare_but_present() {
    for (seed, data) in counties() {
        let s = stats(data, today());
        for status in [MemberStatus::TransferredOut, MemberStatus::Abroad, MemberStatus::Mobile, MemberStatus::Deceased] {
            let n = s.people_by_status.get(&status).copied().unwrap_or(0);
            assert!(n > 0 && n * 100 <= s.people * 3, "seed {seed}: {status} {n}");
        }
    }
}

#[test]
fn most_members_are_han_with_several_minorities() {
    for (seed, data) in counties() {
        let han = data.people.iter().filter(|p| p.ethnicity == "汉族").count();
        assert!(han * 100 >= data.people.len() * 85 && han < data.people.len(), "seed {seed}");
        let groups: HashSet<&str> = data.people.iter().map(|p| p.ethnicity.as_str()).collect();
        assert!(groups.len() >= 5, "seed {seed}: {groups:?}");
    }
}

#[test]
fn most_have_an_eleven_digit_mobile_number_and_some_none() {
    for (seed, data) in counties() {
        let phones: Vec<&str> = data.people.iter().filter_map(|p| p.phone.as_ref()).map(|p| p.expose()).collect();
        assert!(phones.len() * 100 >= data.people.len() * 80 && phones.len() < data.people.len(), "seed {seed}");
        for phone in phones {
            assert_eq!(phone.len(), 11);
            assert!(["13", "15", "18"].iter().any(|p| phone.starts_with(p)), "{phone}");
        }
    }
}

#[test]
fn every_name_is_a_valid_domain_name() {
    for (_, data) in counties() {
        let names = data.people.iter().map(|p| &p.name).chain(data.orgs.iter().map(|o| &o.name));
        for name in names {
            assert_eq!(Name::parse(Field::Name, name.as_str()).as_ref(), Ok(name));
        }
    }
}

#[test]
fn the_same_seed_and_day_give_the_same_county() {
    assert_eq!(generate(DEFAULT_SEED, today()), generate(DEFAULT_SEED, today()));
}

#[test]
fn different_seeds_give_different_names_and_ids() {
    let one = generate(1, today());
    let two = generate(2, today());
    assert_ne!(one.orgs[0].id, two.orgs[0].id);
    let names = |d: &DemoData| d.people.iter().take(50).map(|p| p.name.clone()).collect::<Vec<_>>();
    assert_ne!(names(&one), names(&two));
}

#[test]
fn parents_come_before_children_and_are_founded_first() {
    for (seed, data) in counties() {
        let mut seen: HashMap<&str, &DemoOrg> = HashMap::new();
        for org in &data.orgs {
            if let Some(parent_id) = &org.parent_id {
                let parent = seen.get(parent_id.as_str()).unwrap_or_else(|| panic!("seed {seed}: {} before parent", org.name));
                assert!(org.founded_on >= parent.founded_on, "seed {seed}: {}", org.name);
                assert_eq!(check_placement(org.level, org.kind, parent.level, parent.kind), Ok(()), "{}", org.name);
            }
            assert!(org.founded_on < today(), "{}", org.name);
            assert!(org.founded_on.year() >= 1949, "{}", org.name);
            assert!(seen.insert(org.id.as_str(), org).is_none(), "seed {seed}: duplicate id");
        }
    }
}

#[test]
fn every_person_belongs_to_an_existing_branch_and_ids_are_unique() {
    for (seed, data) in counties() {
        let orgs = orgs_by_id(data);
        let mut ids = HashSet::new();
        for p in &data.people {
            let org = orgs.get(p.org_id.as_str()).unwrap_or_else(|| panic!("seed {seed}: no org for {}", p.name));
            assert!(org.kind.holds_members() && org.kind == OrgKind::Branch, "{}", org.name);
            assert!(ids.insert(p.id.as_str()) && !orgs.contains_key(p.id.as_str()));
            for (held_in, _) in &p.positions {
                assert!(orgs.contains_key(held_in.as_str()));
            }
        }
    }
}

#[test]
fn positions_are_held_by_present_full_members() {
    for (seed, data) in counties() {
        for p in data.people.iter().filter(|p| !p.positions.is_empty()) {
            assert_eq!((p.status, p.category), (MemberStatus::Active, MemberCategory::Full), "seed {seed}: {p:?}");
        }
    }
}

#[test]
fn ten_to_twelve_county_leaders_lead_the_county_committee_with_county_ranks() {
    for (seed, data) in counties() {
        let root = &data.orgs[0].id;
        let leaders: Vec<_> = data.people.iter().filter(|p| p.cadre_rank.is_county_level_or_above()).collect();
        assert!((10..=12).contains(&leaders.len()), "seed {seed}: {}", leaders.len());
        let holds = |kind| data.people.iter().filter(|p| p.positions.contains(&(root.clone(), kind))).count();
        assert_eq!(holds(PositionKind::Secretary), 1);
        assert_eq!(holds(PositionKind::DeputySecretary), 2);
        assert!(holds(PositionKind::LeadershipMember) >= 5);
        let orgs = orgs_by_id(data);
        for leader in leaders {
            let branch = orgs.get(leader.org_id.as_str()).expect("the leader's branch exists");
            assert_eq!(branch.unit_type, Some(domain::UnitType::Agency), "{}", branch.name);
            assert!(leader.positions.iter().all(|(org, _)| org != &leader.org_id));
            assert!(age_on(leader.birth_date(), today()) < 61);
        }
        let top = data.people.iter().find(|p| p.positions.contains(&(root.clone(), PositionKind::Secretary)));
        assert_eq!(top.map(|p| p.cadre_rank), Some(CadreRank::County));
    }
}

#[test]
fn each_township_has_a_secretary_of_section_rank_from_its_organ_branch() {
    for (seed, data) in counties() {
        let orgs = orgs_by_id(data);
        for township in data.orgs.iter().filter(|o| o.level == OrgLevel::Township) {
            let secretaries: Vec<_> =
                data.people.iter().filter(|p| p.positions.contains(&(township.id.clone(), PositionKind::Secretary))).collect();
            assert_eq!(secretaries.len(), 1, "seed {seed}: {}", township.name);
            let secretary = secretaries[0];
            assert_eq!(secretary.cadre_rank, CadreRank::Section);
            let branch = orgs.get(secretary.org_id.as_str()).expect("the branch exists");
            assert_eq!(branch.parent_id.as_ref(), Some(&township.id));
            assert!(branch.name.as_str().contains("机关"), "{}", branch.name);
        }
        let ranked = data.people.iter().filter(|p| p.cadre_rank != CadreRank::None).count();
        assert!(ranked * 10 < data.people.len(), "most members have no cadre rank");
    }
}

#[test]
fn every_group_is_led_by_one_member_of_its_parent_branch() {
    for (seed, data) in counties() {
        for group in data.orgs.iter().filter(|o| o.kind == OrgKind::Group) {
            let leaders: Vec<_> =
                data.people.iter().filter(|p| p.positions.contains(&(group.id.clone(), PositionKind::GroupLeader))).collect();
            assert_eq!(leaders.len(), 1, "seed {seed}: {}", group.name);
            assert_eq!(Some(&leaders[0].org_id), group.parent_id.as_ref());
        }
    }
}

#[test]
fn grassroots_committees_and_general_branches_have_a_secretary() {
    for (seed, data) in counties() {
        for unit in
            data.orgs.iter().filter(|o| o.level == OrgLevel::Grassroots && matches!(o.kind, OrgKind::Committee | OrgKind::GeneralBranch))
        {
            let secretaries = data.people.iter().filter(|p| p.positions.contains(&(unit.id.clone(), PositionKind::Secretary))).count();
            assert_eq!(secretaries, 1, "seed {seed}: {}", unit.name);
        }
    }
}

#[test]
fn women_are_a_minority_of_about_a_quarter_to_a_third() {
    for (seed, data) in counties() {
        let women = data.people.iter().filter(|p| p.sex == Sex::Female).count();
        let share = women as f64 / data.people.len() as f64;
        assert!((0.2..=0.4).contains(&share), "seed {seed}: {share}");
    }
}
