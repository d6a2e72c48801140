//! Roster files in every accepted format, read through `read_table` and
//! `parse_roster` as an import would.
#![allow(clippy::unwrap_used)] // Tests may unwrap.

use domain::org_sheet::{org_template_headers, parse_org_sheet};
use domain::roster::{RosterEntry, parse_roster, template_headers};
use domain::{MemberCategory, PositionKind, Sex};
use sheets::read_table;
use testkit::workbook::{Value, xlsx};
use testkit::{id_number as id, id_number_with_wrong_check as id_with_wrong_check, zh};

/// The day these files are read on.
fn today() -> chrono::NaiveDate {
    testkit::ymd(2025, 6, 1)
}

fn csv_text(rows: &[&str]) -> String {
    let mut text = template_headers().join(",");
    for row in rows {
        text.push_str("\r\n");
        text.push_str(row);
    }
    text.push_str("\r\n");
    text
}

fn roster_from(bytes: &[u8], file_name: &str) -> Result<Vec<RosterEntry>, Vec<String>> {
    let table = read_table(bytes, file_name).map_err(|e| vec![zh(&e.message())])?;
    parse_roster(&table, today()).map_err(|e| e.iter().map(|e| zh(&e.message())).collect())
}

fn errors_of(bytes: &[u8], file_name: &str) -> Vec<String> {
    roster_from(bytes, file_name).expect_err("the file should be refused")
}

/// Two members, as an XLSX file that uses date cells, a formula and a phone
/// number kept as a number.
fn two_members_xlsx() -> Vec<u8> {
    let (zhang, li) = (id("11010519900307123"), id("32010219850712342"));
    xlsx(
        &template_headers(),
        &[
            vec![
                Value::Text("张三"),
                Value::Blank,
                Value::Text("汉族"),
                Value::Owned(zhang),
                Value::Date(1990, 3, 7),
                Value::Formula("=\"正式\"&\"党员\"", "正式党员"),
                Value::Date(2015, 7, 1),
                Value::Date(2016, 7, 1),
                Value::Text("第一支部"),
                Value::Text("书记、委员"),
                Value::Number(13800138000.0),
            ],
            vec![
                Value::Text("李四"),
                Value::Text("女"),
                Value::Text("回族"),
                Value::Owned(li),
                Value::Blank,
                Value::Text("预备党员"),
                Value::Text("2024.07"),
                Value::Blank,
                Value::Blank,
                Value::Blank,
                Value::Blank,
            ],
        ],
    )
}

/// The same two members as CSV text.
fn two_members_csv() -> String {
    let (zhang, li) = (id("11010519900307123"), id("32010219850712342"));
    csv_text(&[
        &format!("张三,,汉族,{zhang},1990-03-07,正式党员,2015/7/1,2016年7月1日,第一支部,\"书记,委员\",13800138000"),
        &format!("李四,女,回族,{li},,预备党员,2024.07,,,,"),
    ])
}

#[test]
fn a_roster_saved_as_xlsx_reads_back_with_its_dates_numbers_and_formula_results() {
    let entries = roster_from(&two_members_xlsx(), "roster.xlsx").unwrap();
    assert_eq!(entries.len(), 2);
    let zhang = &entries[0];
    assert_eq!((zhang.line, zhang.name.as_str()), (2, "张三"));
    assert_eq!(zhang.sex, Some(Sex::Male));
    assert_eq!(zhang.category, MemberCategory::Full);
    assert_eq!(zhang.join_date.to_string(), "2015-07-01");
    assert_eq!(zhang.full_member_date.map(|d| d.to_string()).as_deref(), Some("2016-07-01"));
    assert_eq!(zhang.positions, [PositionKind::Secretary, PositionKind::CommitteeMember]);
    assert_eq!(zhang.phone.as_ref().map(|p| p.expose()), Some("13800138000"));
    let li = &entries[1];
    assert_eq!((li.line, li.sex, li.category), (3, Some(Sex::Female), MemberCategory::Probationary));
    assert_eq!(li.join_date.to_string(), "2024-07");
    assert_eq!(li.birth_date.map(|d| d.to_string()).as_deref(), Some("1985-07-12"));
    assert_eq!(li.organization, None);
}

#[test]
fn csv_in_utf8_with_and_without_bom_and_in_gb18030_reads_the_same_as_xlsx() {
    let from_xlsx = roster_from(&two_members_xlsx(), "roster.xlsx").unwrap();
    let text = two_members_csv();
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let (gb18030, _, had_errors) = encoding_rs::GB18030.encode(&text);
    assert!(!had_errors);
    assert!(std::str::from_utf8(&gb18030).is_err(), "the GB18030 bytes must not also be UTF-8");
    for (bytes, name) in [(text.as_bytes(), "plain.csv"), (&with_bom[..], "bom.csv"), (&gb18030[..], "gbk.csv")] {
        assert_eq!(roster_from(bytes, name).unwrap(), from_xlsx, "{name}");
    }
}

#[test]
fn english_headers_in_any_order_and_case_are_accepted() {
    let zhang = id("11010519900307123");
    let text = format!("Join_Date, ID_NUMBER ,name,category\n2015-07-01,{zhang},张三,full\n");
    let entries = roster_from(text.as_bytes(), "english.csv").unwrap();
    assert_eq!(entries[0].name.as_str(), "张三");
    assert_eq!(entries[0].category, MemberCategory::Full);
}

#[test]
fn a_bad_date_is_reported_with_its_row_and_field() {
    let text = csv_text(&[
        &format!("张三,,,{},,正式党员,2015-07-01,,,,", id("11010519900307123")),
        &format!("李四,,,{},,正式党员,2023-13-40,,,,", id("32010219850712342")),
    ]);
    assert_eq!(errors_of(text.as_bytes(), "dates.csv"), ["第3行 入党日期：“2023-13-40”不是日期"]);
}

#[test]
fn a_repeated_id_number_is_reported_naming_both_rows() {
    let same = id("11010519900307123");
    let text = csv_text(&[
        &format!("张三,,,{same},,正式党员,2015-07-01,,,,"),
        &format!("王五,,,{},,正式党员,2015-07-01,,,,", id("32010219850712342")),
        &format!("张三丰,,,{same},,正式党员,2016-07-01,,,,"),
    ]);
    assert_eq!(errors_of(text.as_bytes(), "dup.csv"), ["第4行 公民身份号码：与第2行重复"]);
}

#[test]
fn unknown_and_missing_columns_are_reported_on_the_header_row() {
    let text = "姓名,籍贯,公民身份号码,人员类别\n张三,北京,x,正式党员\n";
    let errors = errors_of(text.as_bytes(), "headers.csv");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("第1行 文件：“籍贯”不是模板中的列"), "{errors:?}");
    assert!(errors[1].starts_with("第1行 入党日期：缺少此列"), "{errors:?}");
}

#[test]
fn under_age_future_wrong_check_digit_and_mismatched_birth_date_rows_are_all_refused_together() {
    let teen = id("11010520000615123"); // born 2000-06-15
    let text = csv_text(&[
        &format!("甲,,,{teen},,正式党员,2018-06-14,,,,"),
        &format!("乙,,,{},,预备党员,2025-07-01,,,,", id("11010519900307123")),
        &format!("丙,,,{},,正式党员,2015-07-01,,,,", id_with_wrong_check("32010219850712342")),
        &format!("丁,,,{},1985-07-13,正式党员,2015-07-01,,,,", id("32010219850712342")),
    ]);
    let errors = errors_of(text.as_bytes(), "rules.csv");
    assert_eq!(
        errors,
        [
            "第2行 入党日期：“2018-06-14”入党时未满 18 周岁",
            "第3行 入党日期：“2025-07-01”晚于今天",
            "第4行 公民身份号码：校验码错误（GB 11643）",
            "第5行 出生日期：“1985-07-13”与公民身份号码不符",
        ]
    );
}

#[test]
fn markup_and_sql_look_alikes_stay_plain_names() {
    let file = xlsx(
        &template_headers(),
        &[
            vec![
                Value::Text("<script>alert(1)</script>"),
                Value::Blank,
                Value::Blank,
                Value::Owned(id("11010519900307123")),
                Value::Blank,
                Value::Text("正式党员"),
                Value::Text("2015-07-01"),
            ],
            vec![
                Value::Text("'; DROP TABLE members; --"),
                Value::Blank,
                Value::Blank,
                Value::Owned(id("32010219850712342")),
                Value::Blank,
                Value::Text("正式党员"),
                Value::Text("2015-07-01"),
            ],
        ],
    );
    let entries = roster_from(&file, "hostile.xlsx").unwrap();
    assert_eq!(entries[0].name.as_str(), "<script>alert(1)</script>");
    assert_eq!(entries[1].name.as_str(), "'; DROP TABLE members; --");
}

#[test]
fn nul_direction_override_and_ten_thousand_character_names_are_refused_by_row_and_field() {
    let row = |name: Value, first17: &str| {
        vec![name, Value::Blank, Value::Blank, Value::Owned(id(first17)), Value::Blank, Value::Text("正式党员"), Value::Date(2015, 7, 1)]
    };
    let file = xlsx(
        &template_headers(),
        &[
            row(Value::Text("张\u{0}三"), "11010519900307123"),
            row(Value::Text("张\u{202E}三"), "32010219850712342"),
            row(Value::Owned("长".repeat(10_000)), "11010519800101001"),
        ],
    );
    let errors = errors_of(&file, "hostile.xlsx");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].starts_with("第2行 姓名：“张\\u{0}三”含有控制字符"), "{errors:?}");
    assert!(errors[1].starts_with("第3行 姓名：“张\\u{202e}三”含有控制字符"), "{errors:?}");
    assert!(errors[2].starts_with("第4行 姓名：“长长长"), "{errors:?}");
    assert!(errors[2].ends_with(&format!("“{}…”超过 100 个字符", "长".repeat(40))), "{errors:?}");
}

#[test]
fn a_formula_error_cell_is_refused_naming_its_field() {
    let file = xlsx(
        &template_headers(),
        &[vec![
            Value::Text("张三"),
            Value::Blank,
            Value::Blank,
            Value::Owned(id("11010519900307123")),
            Value::Blank,
            Value::Text("正式党员"),
            Value::Formula("=1/0", "#DIV/0!"),
        ]],
    );
    assert_eq!(errors_of(&file, "formula.xlsx"), ["第2行 入党日期：“#DIV/0!”是公式错误值"]);
}

#[test]
fn an_id_number_typed_as_an_excel_number_is_explained() {
    let file = xlsx(
        &template_headers(),
        &[vec![
            Value::Text("张三"),
            Value::Blank,
            Value::Blank,
            Value::Number(110105199003071230.0),
            Value::Blank,
            Value::Text("正式党员"),
            Value::Date(2015, 7, 1),
        ]],
    );
    let errors = errors_of(&file, "numbers.xlsx");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("第2行 公民身份号码：以数字格式保存"), "{errors:?}");
}

#[test]
fn an_organization_tree_reads_from_csv_with_the_same_error_style() {
    let mut text = org_template_headers().join(",");
    text.push_str(
        "\n城关镇党委,,乡镇,党委,,1950-01-01\n第一支部,城关镇党委,村,党支部,村,1985.07\n第一支部,城关镇党委,村,党支部,村,1985.07\n",
    );
    let table = read_table(text.as_bytes(), "orgs.csv").unwrap();
    let errors = parse_org_sheet(&table, today()).unwrap_err().iter().map(|e| zh(&e.message())).collect::<Vec<_>>().join("\n");
    assert_eq!(errors, "第4行 姓名：“第一支部”与第3行重复");
    text.truncate(text.trim_end().rfind('\n').unwrap() + 1);
    let table = read_table(text.as_bytes(), "orgs.csv").unwrap();
    let entries = parse_org_sheet(&table, today()).unwrap();
    assert_eq!(entries[1].parent_line, Some(2));
    assert_eq!(entries[1].founded_on.to_string(), "1985-07-01");
}
