//! The generated county and roster shared by the roster benchmarks: a
//! deterministic tree of 2,000 branches under a county (province → city →
//! county → 20 townships → 10 village committees each → 10 branches each)
//! and a roster file of any size spread over its branches, every row valid.
//! (Each benchmark uses part of it.)
#![allow(dead_code)]

use chrono::{Datelike, Days, NaiveDate};
use domain::{Id, IdNumber, Name, OrgKind, OrgLevel, Organization, UnitType};
use std::fmt::Write as _;
use store::orgs::NewOrg;
use store::{Actor, Store};

pub const TOWNSHIPS: usize = 20;
pub const VILLAGES_PER_TOWNSHIP: usize = 10;
pub const BRANCHES_PER_VILLAGE: usize = 10;

/// The day the roster is valid for.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

/// A small deterministic generator (SplitMix64), so every run imports the same file.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }

    pub fn id(&mut self, serial: u64) -> Id {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next().to_le_bytes());
        random[8..].copy_from_slice(&self.next().to_le_bytes()[..2]);
        Id::from_parts(1_700_000_000_000 + serial, random)
    }
}

/// The branches a roster row may name, by name (unique within the county).
pub struct Tree {
    pub county: Id,
    pub branches: Vec<String>,
    pub orgs: usize,
}

const PLACE_A: [&str; 20] =
    ["青", "石", "龙", "金", "白", "安", "清", "新", "永", "长", "桃", "柳", "凤", "云", "东", "西", "南", "北", "平", "大"];
const PLACE_B: [&str; 20] =
    ["山", "河", "溪", "岭", "坪", "湾", "桥", "庄", "坝", "塘", "林", "岗", "田", "湖", "口", "沟", "堡", "源", "园", "泉"];
const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn name(s: &str) -> Name {
    Name::parse(domain::Field::Name, s).unwrap()
}

/// Province → city → county (the import target) → 20 townships → 10 village
/// committees each → 10 branches each: 2,000 branches.
pub async fn build_tree(store: &Store, rng: &mut Rng) -> anyhow::Result<Tree> {
    let founded = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    let mut w = store.writer(&Actor::system("bench")).await?;
    let new = |parent: Option<&Id>, name_text: &str, level, id: Id| NewOrg {
        id: Some(id),
        parent_id: parent.cloned(),
        name: name(name_text),
        level,
        kind: OrgKind::Committee,
        unit_type: None,
        founded_on: founded,
    };
    let province = store.create_org(&mut w, new(None, "中共测试省委员会", OrgLevel::Provincial, rng.id(0))).await?;
    let city = store.create_org(&mut w, new(Some(&province.id), "中共测试市委员会", OrgLevel::City, rng.id(1))).await?;
    let county = store.create_org(&mut w, new(Some(&city.id), "中共测试县委员会", OrgLevel::County, rng.id(2))).await?;
    let mut serial = 3;
    let mut orgs = Vec::new();
    let mut branches = Vec::new();
    let mut child = |parent: &Organization, name_text: String, level, kind, unit_type| {
        serial += 1;
        let id = rng.id(serial);
        let mut path = parent.path.clone();
        path.push(id.clone());
        Organization {
            id,
            province_id: parent.province_id.clone(),
            parent_id: Some(parent.id.clone()),
            name: name(&name_text),
            level,
            kind,
            unit_type,
            founded_on: founded,
            closed_on: None,
            path,
            version: 1,
        }
    };
    for t in 0..TOWNSHIPS {
        let town_name = format!("{}{}镇", PLACE_A[t], PLACE_B[(t * 7) % 20]);
        let town = child(&county, format!("中共{town_name}委员会"), OrgLevel::Township, OrgKind::Committee, None);
        for v in 0..VILLAGES_PER_TOWNSHIP {
            let village_name = format!("{}{}村", PLACE_A[(v * 3 + t) % 20], PLACE_B[(v + 11) % 20]);
            let village = child(
                &town,
                format!("中共{town_name}{village_name}委员会"),
                OrgLevel::Grassroots,
                OrgKind::Committee,
                Some(UnitType::Village),
            );
            for ordinal in ORDINALS.iter().take(BRANCHES_PER_VILLAGE) {
                let branch_name = format!("中共{town_name}{village_name}第{ordinal}支部委员会");
                let branch = child(&village, branch_name.clone(), OrgLevel::Grassroots, OrgKind::Branch, Some(UnitType::Village));
                branches.push(branch_name);
                orgs.push(branch);
            }
            orgs.push(village);
        }
        orgs.push(town);
    }
    // A parent before its children.
    orgs.sort_by_key(|o| o.path.len());
    store.insert_orgs(&mut w, &orgs).await?;
    w.commit().await?;
    Ok(Tree { county: county.id, branches, orgs: orgs.len() + 3 })
}

const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁",
    "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "欧阳",
];
const GIVEN_MALE: [&str; 24] = [
    "伟", "强", "军", "勇", "杰", "涛", "斌", "明", "刚", "平", "辉", "建国", "志强", "海", "鹏", "俊", "磊", "波", "浩", "宇", "国庆",
    "春生", "德", "峰",
];
const GIVEN_FEMALE: [&str; 24] = [
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "桂英", "玲", "婷", "雪", "慧", "燕", "红", "梅", "琳", "洁", "颖", "淑珍",
    "晓", "萍", "倩",
];
const ETHNICITIES: [&str; 6] = ["汉族", "回族", "彝族", "藏族", "羌族", "苗族"];
const REGIONS: [&str; 5] = ["510104", "510106", "512823", "511102", "513401"];

fn pick<'a>(rng: &mut Rng, words: &[&'a str]) -> &'a str {
    words[rng.below(words.len())]
}

/// The roster file: a header and one line per member, UTF-8 with a BOM as
/// Excel saves it. Every row is valid; members are spread at random over the
/// branches; the first three members of each branch hold positions.
pub fn roster_csv(rng: &mut Rng, branches: &[String], members: usize) -> String {
    let today = today();
    let mut out = String::with_capacity(members * 160);
    out.push('\u{feff}');
    out.push_str(&domain::roster::template_headers().join(","));
    out.push_str("\r\n");
    let mut seen = std::collections::HashSet::new();
    let mut placed = vec![0usize; branches.len()];
    for i in 0..members {
        let male = rng.chance(700);
        let born = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + Days::new(rng.below(365 * 62) as u64);
        let id_number = loop {
            let seq = rng.below(500) * 2 + usize::from(male);
            let first17 = format!("{}{}{:03}", pick(rng, &REGIONS), born.format("%Y%m%d"), seq);
            if seen.insert(first17.clone()) {
                break IdNumber::with_check_char(&first17).unwrap();
            }
        };
        let adult = born.with_year(born.year() + 18).unwrap_or(born + Days::new(366 * 18));
        let probationary = rng.chance(60);
        let join = if probationary {
            today - Days::new(30 + rng.below(300) as u64)
        } else {
            let latest = today - Days::new(400);
            let span = (latest - adult).num_days().max(1) as usize;
            adult + Days::new(rng.below(span) as u64)
        };
        let full = (!probationary).then(|| join + Days::new(365));
        let surname = pick(rng, &SURNAMES);
        let given = if male { pick(rng, &GIVEN_MALE) } else { pick(rng, &GIVEN_FEMALE) };
        let branch = rng.below(branches.len());
        let rank = placed[branch];
        placed[branch] += 1;
        let position = match rank {
            0 => "书记",
            1 => "副书记",
            2 => "委员",
            3 => "委员、党小组长",
            _ => "",
        };
        let ethnicity = if rng.chance(850) { "汉族" } else { pick(rng, &ETHNICITIES) };
        let phone = if rng.chance(900) { format!("1{}{:09}", 3 + rng.below(7), rng.next() % 1_000_000_000) } else { String::new() };
        let birth = if i % 3 == 0 { String::new() } else { born.format("%Y-%m-%d").to_string() };
        let join_text = if i % 5 == 0 { join.format("%Y.%m").to_string() } else { join.format("%Y-%m-%d").to_string() };
        let full_text = full.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let _ = write!(
            out,
            "{surname}{given},{},{ethnicity},{},{birth},{},{join_text},{full_text},{},{position},{phone}\r\n",
            if male { "男" } else { "女" },
            id_number.expose(),
            if probationary { "预备党员" } else { "正式党员" },
            branches[branch],
        );
    }
    out
}
