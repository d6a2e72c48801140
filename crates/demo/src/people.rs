//! The members of the demo county, branch by branch as the plan says: their
//! standing (full or probationary; active, abroad, mobile, transferred out or
//! deceased), age, sex, dates of joining, ethnicity, name, identity number
//! and phone. Positions and cadre ranks come afterwards (see `positions`).
//!
//! Exactly `round(28.9%)` of the members who count in a branch are aged 61
//! or older on the given day; who they are is drawn by branch profile
//! (villages and retirees' branches are older, organs have none).

use crate::plan::Profile;
use crate::random::{Random, add_days, add_years, sub_days, sub_years};
use crate::tree::{Tree, name};
use crate::vocab::{self, DottedName};
use crate::{DUPLICATE_NAME, DemoPerson, REGION_CODE};
use chrono::{Datelike, Months, NaiveDate};
use domain::dates::age_on;
use domain::{CadreRank, IdNumber, MemberCategory, MemberStatus, PartialDate, PhoneNumber, Sex};
use std::collections::HashSet;

/// Thousandths of the members counted in branches who are aged 61 or older.
pub(crate) const OLD_PER_MILLE: usize = 289;

/// A generated person with what positions assignment needs to know.
pub(crate) struct Member {
    pub person: DemoPerson,
    /// Index into the tree's branches.
    pub branch: usize,
    /// Age on the day the demo is generated for.
    pub age: i32,
}

impl Member {
    /// Present full members, who may hold positions.
    pub(crate) fn can_lead(&self) -> bool {
        self.person.status == MemberStatus::Active && self.person.category == MemberCategory::Full
    }
}

/// Names that must come out exactly so.
#[derive(Clone, Copy)]
enum Special {
    None,
    /// One of the two members sharing [`DUPLICATE_NAME`].
    Duplicate,
    Dotted(DottedName),
    Rare(&'static str),
}

/// A person being made, before names and numbers.
struct Slot {
    branch: usize,
    profile: Profile,
    category: MemberCategory,
    status: MemberStatus,
    old: bool,
    sex: Sex,
    birth: NaiveDate,
    join: PartialDate,
    special: Special,
}

impl Slot {
    fn counts(&self) -> bool {
        self.status.counts_in_branch()
    }
}

pub(crate) fn generate(r: &mut Random, tree: &Tree) -> Vec<Member> {
    let today = r.today();
    let mut slots = make_slots(r, tree);
    choose_old(r, &mut slots);
    for slot in slots.iter_mut() {
        let traits = slot.profile.traits();
        let mut female = traits.female_per_mille;
        if slot.old || slot.status == MemberStatus::Deceased {
            female = female * 7 / 10;
        }
        slot.sex = if r.chance(female) { Sex::Female } else { Sex::Male };
        let (birth, join) = dates(r, slot, today);
        slot.birth = birth;
        slot.join = join;
    }
    choose_specials(r, tree, &mut slots);

    let duplicate_branch = tree.townships.first().map(|t| t.organ_branch);
    let mut id_numbers = HashSet::new();
    let mut phones = HashSet::new();
    let mut names_in_branch: HashSet<String> = HashSet::new();
    let mut current_branch = usize::MAX;
    let mut members = Vec::with_capacity(slots.len());
    for slot in &slots {
        if slot.branch != current_branch {
            current_branch = slot.branch;
            names_in_branch.clear();
        }
        let reserved = (duplicate_branch == Some(slot.branch)).then_some(DUPLICATE_NAME);
        let (text, ethnicity, region) = identity(r, slot, &names_in_branch, reserved);
        names_in_branch.insert(text.clone());
        let Some(id_number) = id_number(r, &mut id_numbers, region, slot.birth, slot.sex) else {
            continue; // 500 sequence numbers per day of birth: cannot run out.
        };
        let age = age_on(slot.birth, today);
        let phone = phone(r, &mut phones, slot.status, age);
        let Some(branch) = tree.branches.get(slot.branch) else {
            continue;
        };
        let Some(org) = tree.orgs.get(branch.org) else {
            continue;
        };
        let person = DemoPerson {
            id: r.id(),
            org_id: org.id.clone(),
            name: name(text),
            sex: slot.sex,
            ethnicity: ethnicity.to_owned(),
            id_number,
            category: slot.category,
            status: slot.status,
            join_date: slot.join,
            full_member_date: full_member_date(slot.category, slot.join),
            cadre_rank: CadreRank::None,
            positions: Vec::new(),
            phone,
        };
        members.push(Member { person, branch: slot.branch, age });
    }
    members
}

/// One slot per member the plan asks for, shuffled within each branch.
fn make_slots(r: &mut Random, tree: &Tree) -> Vec<Slot> {
    let mut slots = Vec::new();
    for (b, node) in tree.branches.iter().enumerate() {
        let p = &node.plan;
        let active_full = p.active_full();
        let mut branch_slots = Vec::with_capacity(p.size + p.transferred_out + p.deceased);
        let mut add = |count: usize, category: MemberCategory, status: MemberStatus| {
            for _ in 0..count {
                branch_slots.push(Slot {
                    branch: b,
                    profile: p.profile,
                    category,
                    status,
                    old: false,
                    sex: Sex::Male,
                    birth: NaiveDate::MIN,
                    join: PartialDate::full(NaiveDate::MIN),
                    special: Special::None,
                });
            }
        };
        add(active_full, MemberCategory::Full, MemberStatus::Active);
        add(p.probationary, MemberCategory::Probationary, MemberStatus::Active);
        add(p.abroad, MemberCategory::Full, MemberStatus::Abroad);
        add(p.mobile, MemberCategory::Full, MemberStatus::Mobile);
        add(p.transferred_out, MemberCategory::Full, MemberStatus::TransferredOut);
        add(p.deceased, MemberCategory::Full, MemberStatus::Deceased);
        r.shuffle(&mut branch_slots);
        slots.append(&mut branch_slots);
    }
    slots
}

/// Marks exactly [`OLD_PER_MILLE`] of the counted members as aged 61 or
/// older, drawn one by one with weights from their branch profile.
fn choose_old(r: &mut Random, slots: &mut [Slot]) {
    let counted = slots.iter().filter(|s| s.counts()).count();
    let quota = (counted * OLD_PER_MILLE + 500) / 1000;
    let mut weights: Vec<u64> = slots
        .iter()
        .map(|s| {
            let w = if s.counts() && s.category == MemberCategory::Full { s.profile.traits().old_weight } else { 0 };
            if s.status == MemberStatus::Mobile { w / 4 } else { w }
        })
        .collect();
    for _ in 0..quota {
        let Some(i) = r.weighted(&weights) else { break };
        if let (Some(slot), Some(w)) = (slots.get_mut(i), weights.get_mut(i)) {
            slot.old = true;
            *w = 0;
        }
    }
}

/// Birth date and join date, consistent with the slot's standing.
fn dates(r: &mut Random, slot: &Slot, today: NaiveDate) -> (NaiveDate, PartialDate) {
    if slot.category == MemberCategory::Probationary {
        // Joined within the last year, aged 18 to 34 on joining.
        let joined = sub_days(today, u64::try_from(r.between(0, 360)).unwrap_or(0));
        let join_age = 18 + r.below(9) + r.below(9);
        let birth = r.birth_for_age(join_age as i32, joined);
        return (birth, PartialDate::full(joined));
    }
    let age = if slot.old {
        61 + r.below(35).min(r.below(35))
    } else {
        match slot.status {
            MemberStatus::Deceased => 65 + r.below(34).max(r.below(34)),
            MemberStatus::TransferredOut if r.chance(150) => 61 + r.below(25),
            MemberStatus::TransferredOut => 23 + r.below(38),
            _ => {
                let t = slot.profile.traits();
                let span = usize::try_from(t.oldest - t.youngest + 1).unwrap_or(1);
                let offset = if t.skew_older { r.below(span).max(r.below(span)) } else { r.below(span) };
                usize::try_from(t.youngest).unwrap_or(24) + offset
            }
        }
    };
    let birth = r.birth_for_age(age as i32, today);
    (birth, full_member_join(r, birth, today))
}

/// When a full member joined: aged 18 to 45 (mostly 20 to 35), at least a
/// year before `today`; before 1990 the day is often unknown.
fn full_member_join(r: &mut Random, birth: NaiveDate, today: NaiveDate) -> PartialDate {
    let latest = sub_days(sub_years(today, 1), 1);
    let age_now = age_on(birth, today);
    let roll = r.below(100);
    let drawn = if roll < 8 {
        18 + r.below(2)
    } else if roll < 90 {
        20 + r.below(16)
    } else {
        36 + r.below(10)
    };
    let join_age = (drawn as i32).min(age_now - 2).max(18);
    let from = add_years(birth, join_age as u32);
    let earliest = add_years(birth, 18);
    let joined = r.day_between(from, add_days(from, 364)).min(latest).max(earliest);
    if joined.year() < 1990
        && r.chance(300)
        && let Some(month) = PartialDate::year_month(joined.year(), joined.month())
        && age_on(birth, month.first_day()) >= 18
    {
        return month;
    }
    PartialDate::full(joined)
}

/// A full member became full one year after joining; a probationary member
/// has not yet.
fn full_member_date(category: MemberCategory, join: PartialDate) -> Option<PartialDate> {
    if category == MemberCategory::Probationary {
        return None;
    }
    match join.day() {
        Some(_) => join.first_day().checked_add_months(Months::new(12)).map(PartialDate::full),
        None => PartialDate::year_month(join.year() + 1, join.month()),
    }
}

/// Picks the two members who share [`DUPLICATE_NAME`] (in the first
/// township's organ branch), a few members with dotted minority names and a
/// few with rare characters.
fn choose_specials(r: &mut Random, tree: &Tree, slots: &mut [Slot]) {
    let duplicate_branch = tree.townships.first().map(|t| t.organ_branch);
    let mut pair: Vec<usize> =
        (0..slots.len()).filter(|&i| slots.get(i).is_some_and(|s| Some(s.branch) == duplicate_branch && s.counts())).collect();
    r.shuffle(&mut pair);
    for &i in pair.iter().take(2) {
        if let Some(slot) = slots.get_mut(i) {
            slot.special = Special::Duplicate;
            slot.sex = Sex::Male;
        }
    }

    let mut others: Vec<usize> =
        (0..slots.len()).filter(|&i| slots.get(i).is_some_and(|s| Some(s.branch) != duplicate_branch && s.counts())).collect();
    r.shuffle(&mut others);
    let mut others = others.into_iter();

    let mut dotted = vocab::DOTTED_NAMES.to_vec();
    r.shuffle(&mut dotted);
    let wanted = r.count_between(4, 6);
    let mut given = 0;
    while given < wanted {
        let Some(i) = others.next() else { break };
        let Some(slot) = slots.get_mut(i) else {
            continue;
        };
        if let Some(at) = dotted.iter().position(|d| d.sex == slot.sex) {
            slot.special = Special::Dotted(dotted.remove(at));
            given += 1;
        }
    }
    for rare in vocab::RARE_NAMES {
        if let Some(slot) = others.next().and_then(|i| slots.get_mut(i)) {
            slot.special = Special::Rare(rare);
        }
    }
}

/// Name, ethnicity and the region code of the identity number. Random names
/// are drawn again until they differ from every name already in the branch
/// and from the `reserved` name.
fn identity(r: &mut Random, slot: &Slot, taken: &HashSet<String>, reserved: Option<&str>) -> (String, &'static str, &'static str) {
    match slot.special {
        Special::Duplicate => return (DUPLICATE_NAME.to_owned(), vocab::HAN, REGION_CODE),
        Special::Dotted(d) => return (d.name.to_owned(), d.ethnicity, d.region),
        Special::Rare(n) => return (n.to_owned(), vocab::HAN, REGION_CODE),
        Special::None => {}
    }
    let ethnicity = if r.chance(930) { vocab::HAN } else { r.weighted_item(&vocab::MINORITIES).unwrap_or(vocab::HAN) };
    let region = if r.chance(900) { REGION_CODE } else { r.pick(&["512802", "510104", "500101"]) };
    let mut text = String::new();
    for attempt in 0..60 {
        text = if ethnicity == "藏族" && attempt < 30 {
            vocab::tibetan_name(r, slot.sex)
        } else {
            vocab::han_name(r, slot.sex, slot.birth.year())
        };
        if !taken.contains(&text) && reserved != Some(text.as_str()) {
            break;
        }
    }
    (text, ethnicity, region)
}

/// A valid identity number that no one else has: region, birth date, a
/// sequence number whose last digit is odd for men and even for women.
fn id_number(r: &mut Random, used: &mut HashSet<String>, region: &str, birth: NaiveDate, sex: Sex) -> Option<IdNumber> {
    let parity = usize::from(sex == Sex::Male);
    let start = r.below(500);
    for k in 0..500 {
        let sequence = ((start + k) % 500) * 2 + parity;
        let first17 = format!("{region}{}{sequence:03}", birth.format("%Y%m%d"));
        if used.contains(&first17) {
            continue;
        }
        if let Some(number) = IdNumber::with_check_char(&first17) {
            used.insert(first17);
            return Some(number);
        }
    }
    None
}

const MOBILE_PREFIXES: [&str; 26] = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "186", "187", "189",
];

/// A mobile number for most people; the oldest and the dead often have none.
fn phone(r: &mut Random, used: &mut HashSet<String>, status: MemberStatus, age: i32) -> Option<PhoneNumber> {
    let per_mille = match (status, age) {
        (MemberStatus::Deceased, _) => 150,
        (_, 80..) => 550,
        (_, 70..) => 780,
        _ => 960,
    };
    if !r.chance(per_mille) {
        return None;
    }
    for _ in 0..100 {
        let number = format!("{}{:08}", r.pick(&MOBILE_PREFIXES), r.below(100_000_000));
        if used.insert(number.clone()) {
            return PhoneNumber::parse(&number).ok();
        }
    }
    None
}
