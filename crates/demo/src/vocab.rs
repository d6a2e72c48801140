//! The words the demo county is made of: surnames weighted by frequency,
//! given-name characters by sex and era, minority names, place names and the
//! names of enterprises. Data only, plus the function that composes a name.

use crate::random::Random;
use domain::Sex;

/// Common surnames with rough weights (per hundred thousand people).
pub(crate) const SURNAMES: [(&str, u64); 107] = [
    ("王", 710),
    ("李", 700),
    ("张", 690),
    ("刘", 540),
    ("陈", 450),
    ("杨", 310),
    ("黄", 220),
    ("赵", 200),
    ("吴", 200),
    ("周", 190),
    ("徐", 130),
    ("孙", 150),
    ("马", 130),
    ("朱", 130),
    ("胡", 120),
    ("郭", 120),
    ("何", 120),
    ("高", 110),
    ("林", 110),
    ("罗", 110),
    ("郑", 100),
    ("梁", 100),
    ("谢", 80),
    ("宋", 80),
    ("唐", 80),
    ("许", 70),
    ("韩", 70),
    ("冯", 70),
    ("邓", 70),
    ("曹", 70),
    ("彭", 70),
    ("曾", 60),
    ("肖", 60),
    ("田", 60),
    ("董", 50),
    ("袁", 50),
    ("潘", 50),
    ("于", 50),
    ("蒋", 50),
    ("蔡", 50),
    ("余", 50),
    ("杜", 50),
    ("叶", 50),
    ("程", 50),
    ("苏", 40),
    ("魏", 40),
    ("吕", 40),
    ("丁", 40),
    ("任", 40),
    ("沈", 40),
    ("姚", 40),
    ("卢", 40),
    ("姜", 40),
    ("崔", 40),
    ("钟", 40),
    ("谭", 40),
    ("陆", 30),
    ("汪", 30),
    ("范", 30),
    ("金", 30),
    ("石", 30),
    ("廖", 30),
    ("贾", 30),
    ("夏", 30),
    ("韦", 30),
    ("付", 30),
    ("方", 30),
    ("白", 30),
    ("邹", 30),
    ("孟", 30),
    ("熊", 30),
    ("秦", 30),
    ("邱", 30),
    ("江", 30),
    ("尹", 30),
    ("薛", 20),
    ("闫", 20),
    ("段", 20),
    ("雷", 20),
    ("侯", 20),
    ("龙", 20),
    ("史", 20),
    ("陶", 20),
    ("黎", 20),
    ("贺", 20),
    ("顾", 20),
    ("毛", 20),
    ("郝", 20),
    ("龚", 20),
    ("邵", 20),
    ("万", 20),
    ("钱", 20),
    ("严", 20),
    ("覃", 20),
    ("武", 20),
    ("戴", 20),
    ("莫", 20),
    ("孔", 20),
    ("向", 20),
    ("汤", 20),
    ("母", 10),
    ("敬", 10),
    ("苟", 10),
    ("欧阳", 5),
    ("司马", 2),
    ("上官", 2),
    ("诸葛", 2),
];

const MALE_CHARS: [char; 60] = [
    '伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '明', '刚', '平', '辉', '鹏', '华', '飞', '鑫', '波', '宇', '浩', '凯', '健',
    '俊', '帆', '帅', '旭', '宁', '龙', '林', '洋', '峰', '建', '国', '志', '文', '德', '福', '贵', '才', '兵', '海', '庆', '永', '春',
    '成', '荣', '东', '晨', '轩', '睿', '博', '泽', '然', '毅', '坤', '松', '柏', '山', '川', '江',
];

const FEMALE_CHARS: [char; 50] = [
    '芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '秀', '英', '玲', '燕', '萍', '红', '梅', '琳', '洁', '婷', '雪', '莉', '慧', '倩',
    '颖', '琴', '云', '兰', '凤', '珍', '芬', '华', '佳', '欣', '怡', '悦', '涵', '月', '晶', '璐', '琪', '蓉', '瑶', '菲', '丹', '琼',
    '蕾', '薇', '娇', '琦', '露', '春',
];

/// Given names typical of people born before the mid-1960s.
const OLD_MALE_GIVEN: [&str; 20] = [
    "建国", "国庆", "援朝", "卫东", "建华", "国华", "德明", "志刚", "树林", "长生", "福贵", "永红", "解放", "跃进", "立新", "红军", "学文",
    "少华", "新民", "光明",
];
const OLD_FEMALE_GIVEN: [&str; 16] =
    ["秀英", "桂英", "玉兰", "桂兰", "淑珍", "秀兰", "凤英", "玉珍", "翠花", "素芬", "春梅", "美华", "淑芬", "秀珍", "桂芳", "玉梅"];

/// Given names typical of people born from 1990 on.
const YOUNG_MALE_GIVEN: [&str; 12] = ["子轩", "浩然", "宇航", "梓豪", "俊杰", "一鸣", "嘉豪", "博文", "思远", "子豪", "鑫磊", "天宇"];
const YOUNG_FEMALE_GIVEN: [&str; 12] = ["欣怡", "梓涵", "雨桐", "诗涵", "思雨", "可馨", "佳怡", "雨欣", "紫萱", "梦瑶", "语嫣", "静怡"];

/// Tibetan names (no surname, no separating dot).
const TIBETAN_MALE: [&str; 8] = ["泽仁多吉", "格桑", "扎西尼玛", "洛绒丹增", "降央", "次仁顿珠", "贡布", "尼玛扎西"];
const TIBETAN_FEMALE: [&str; 8] = ["泽仁拉姆", "次仁卓玛", "降央曲珍", "格桑梅朵", "央金", "德吉卓嘎", "拉姆措", "白玛"];

/// Ethnic minorities other than those with dotted names, with rough weights
/// for a county in the south-west.
pub(crate) const MINORITIES: [(&str, u64); 8] =
    [("羌族", 20), ("彝族", 15), ("藏族", 10), ("回族", 10), ("土家族", 8), ("苗族", 5), ("满族", 3), ("蒙古族", 2)];

pub(crate) const HAN: &str = "汉族";

/// A name written with a middle dot, with the ethnicity and the region code
/// of the place of birth that go with it.
#[derive(Clone, Copy)]
pub(crate) struct DottedName {
    pub name: &'static str,
    pub sex: Sex,
    pub ethnicity: &'static str,
    pub region: &'static str,
}

const fn dotted(name: &'static str, sex: Sex, ethnicity: &'static str, region: &'static str) -> DottedName {
    DottedName { name, sex, ethnicity, region }
}

pub(crate) const DOTTED_NAMES: [DottedName; 10] = [
    dotted("买买提·艾力", Sex::Male, "维吾尔族", "650104"),
    dotted("艾尔肯·吐尔逊", Sex::Male, "维吾尔族", "650104"),
    dotted("扎西·次仁", Sex::Male, "藏族", "513301"),
    dotted("努尔兰·别克", Sex::Male, "哈萨克族", "654002"),
    dotted("阿不都拉·卡德尔", Sex::Male, "维吾尔族", "653101"),
    dotted("阿依古丽·买买提", Sex::Female, "维吾尔族", "650104"),
    dotted("古丽娜尔·吐尔逊", Sex::Female, "维吾尔族", "650104"),
    dotted("德吉·卓玛", Sex::Female, "藏族", "513301"),
    dotted("阿依努尔·艾山", Sex::Female, "维吾尔族", "653101"),
    dotted("加娜尔·努尔兰", Sex::Female, "哈萨克族", "654002"),
];

/// Han names using characters outside the Basic Multilingual Plane, which
/// break software that counts UTF-16 units or uses a legacy encoding.
pub(crate) const RARE_NAMES: [&str; 4] = ["王𠮷祥", "李𡈽生", "吴𪚥", "陈𠀾"];

/// Village names (a village is "XX村").
pub(crate) const VILLAGES: [&str; 36] = [
    "桃园",
    "杨柳",
    "石桥",
    "新华",
    "红星",
    "长岭",
    "水井",
    "柏林",
    "中坝",
    "大坪",
    "上寨",
    "金竹",
    "清水",
    "黄泥",
    "双河",
    "团结",
    "和平",
    "胜利",
    "向阳",
    "油坊",
    "马家湾",
    "张家沟",
    "青龙",
    "白果",
    "龙潭",
    "太平",
    "永安",
    "高桥",
    "花园",
    "三合",
    "五星",
    "松林",
    "茶园",
    "竹林",
    "观音",
    "梨树",
];

/// Community names (a community is "XX社区").
pub(crate) const COMMUNITIES: [&str; 12] = ["滨江", "文昌", "北街", "南门", "东升", "桂花", "锦绣", "紫荆", "凤凰", "翠屏", "学府", "新城"];

/// Trades of the small enterprises ("青岚县临溪茶业有限公司").
pub(crate) const TRADES: [&str; 8] = ["茶业", "建材", "农业开发", "物流", "食品", "电子科技", "中药材", "竹木制品"];

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The Chinese numeral for 1 to 10 ("第一支部").
pub(crate) fn numeral(n: usize) -> &'static str {
    n.checked_sub(1).and_then(|i| NUMERALS.get(i)).copied().unwrap_or("十")
}

/// A Han name: a weighted surname and a given name of one or two characters
/// in the fashion of the person's birth year.
pub(crate) fn han_name(r: &mut Random, sex: Sex, birth_year: i32) -> String {
    let surname = r.weighted_item(&SURNAMES).unwrap_or("王");
    let male = sex == Sex::Male;
    let given: String = if birth_year < 1966 && r.chance(350) {
        let given = if male { r.pick(&OLD_MALE_GIVEN) } else { r.pick(&OLD_FEMALE_GIVEN) };
        given.to_owned()
    } else if birth_year >= 1990 && r.chance(300) {
        let given = if male { r.pick(&YOUNG_MALE_GIVEN) } else { r.pick(&YOUNG_FEMALE_GIVEN) };
        given.to_owned()
    } else {
        let single = r.chance(if birth_year < 1970 { 300 } else { 150 });
        let mut next_char = || {
            if male { r.pick(&MALE_CHARS) } else { r.pick(&FEMALE_CHARS) }
        };
        if single { next_char().to_string() } else { [next_char(), next_char()].iter().collect() }
    };
    format!("{surname}{given}")
}

/// A Tibetan name of the given sex.
pub(crate) fn tibetan_name(r: &mut Random, sex: Sex) -> String {
    let name = if sex == Sex::Male { r.pick(&TIBETAN_MALE) } else { r.pick(&TIBETAN_FEMALE) };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_names_reach_outside_the_basic_multilingual_plane() {
        for name in RARE_NAMES {
            assert!(name.chars().any(|c| u32::from(c) > 0xFFFF), "{name}");
        }
    }

    #[test]
    fn place_names_are_distinct() {
        let mut villages = VILLAGES.to_vec();
        villages.sort_unstable();
        villages.dedup();
        assert_eq!(villages.len(), VILLAGES.len());
        let mut dotted: Vec<&str> = DOTTED_NAMES.iter().map(|d| d.name).collect();
        dotted.sort_unstable();
        dotted.dedup();
        assert_eq!(dotted.len(), DOTTED_NAMES.len());
        assert!(DOTTED_NAMES.iter().all(|d| d.name.contains('·')));
    }
}
