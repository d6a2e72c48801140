//! The member-roster import template: its columns, and the reading of a
//! [`Table`] into checked roster entries, reporting every bad value of every
//! row at once.

use crate::dates::PartialDate;
use crate::error::{Field, FieldError, Problem};
use crate::id_number::IdNumber;
use crate::person::{MemberCategory, PhoneNumber, PositionKind, Sex};
use crate::sheet::{
    Cell, ColumnMap, ImportErrors, RowError, SheetRow, Table, cell_date, cell_text, data_rows, keep, org_path, required_date, required_text,
};
use crate::text::Name;
use chrono::{Months, NaiveDate};
use std::collections::HashMap;

/// Problems found in a roster file (the same type every import uses).
pub type RosterErrors = ImportErrors;

/// The template's columns, in template order.
pub const ROSTER_COLUMNS: [Field; 11] = [
    Field::Name,
    Field::Sex,
    Field::Ethnicity,
    Field::IdNumber,
    Field::BirthDate,
    Field::Category,
    Field::JoinDate,
    Field::FullMemberDate,
    Field::Organization,
    Field::Position,
    Field::Phone,
];

/// Columns a roster file must have.
pub const ROSTER_REQUIRED: [Field; 4] = [Field::Name, Field::IdNumber, Field::Category, Field::JoinDate];

/// The longest ethnicity accepted, in characters.
pub const ETHNICITY_MAX: usize = 20;

/// The template's Chinese headers, in order.
pub fn template_headers() -> Vec<&'static str> {
    ROSTER_COLUMNS.iter().map(|f| f.column_name()).collect()
}

/// One member as read from a roster row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    /// The row's line number in the file.
    pub line: usize,
    pub name: Name,
    /// As given, or else taken from the ID number.
    pub sex: Option<Sex>,
    pub ethnicity: Option<String>,
    pub id_number: IdNumber,
    /// As given, or else taken from the ID number.
    pub birth_date: Option<PartialDate>,
    pub category: MemberCategory,
    pub join_date: PartialDate,
    pub full_member_date: Option<PartialDate>,
    /// An organization name or a path `A/B/C` within the import's target
    /// subtree (segments trimmed); `None` means the target itself.
    pub organization: Option<String>,
    pub positions: Vec<PositionKind>,
    pub phone: Option<PhoneNumber>,
}

/// Reads every data row of a roster. Either all rows are good, or every
/// problem of every row is returned (one per bad field per row).
pub fn parse_roster(table: &Table, today: NaiveDate) -> Result<Vec<RosterEntry>, RosterErrors> {
    let mut errors = ImportErrors::default();
    let columns = ColumnMap::new(table, &ROSTER_COLUMNS, &ROSTER_REQUIRED);
    let rows = data_rows(table);
    let (columns, rows) = match (columns, rows) {
        (Ok(c), Ok(r)) => (c, r),
        (c, r) => {
            errors.errors.extend(c.err().unwrap_or_default());
            errors.errors.extend(r.err());
            return errors.into_result(Vec::new());
        }
    };
    let mut entries = Vec::with_capacity(rows.len());
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let mut row_errors = Vec::new();
        let entry = parse_row(&columns, row, today, &mut first_seen, &mut row_errors);
        if row_errors.is_empty() {
            entries.extend(entry);
        } else {
            errors.errors.extend(row_errors.into_iter().map(|e| RowError::new(row.line, e)));
        }
    }
    errors.into_result(entries)
}

/// Reads one row, pushing each bad field's error; `Some` only if the row is
/// entirely good. `first_seen` maps the ID numbers of earlier rows to their
/// lines.
fn parse_row(
    columns: &ColumnMap,
    row: &SheetRow,
    today: NaiveDate,
    first_seen: &mut HashMap<String, usize>,
    errors: &mut Vec<FieldError>,
) -> Option<RosterEntry> {
    let cell = |field| columns.cell(row, field);

    let name = keep(errors, required_text(Field::Name, cell(Field::Name)).and_then(|s| Name::parse(Field::Name, &s)));
    let id_number = keep(errors, read_id_number(cell(Field::IdNumber)));
    if let Some(id) = &id_number {
        match first_seen.get(id.expose()) {
            Some(&first_row) => errors.push(FieldError::new(Field::IdNumber, Problem::Duplicate { first_row }, "")),
            None => {
                first_seen.insert(id.expose().to_owned(), row.line);
            }
        }
    }
    let sex = keep(errors, cell_text(Field::Sex, cell(Field::Sex)).and_then(|s| s.map(|s| Sex::parse(&s)).transpose()));
    let ethnicity = keep(errors, cell_text(Field::Ethnicity, cell(Field::Ethnicity)).and_then(|s| s.map(|s| ethnicity(&s)).transpose()));
    let birth_date = keep(errors, cell_date(Field::BirthDate, cell(Field::BirthDate)));
    let category = keep(errors, required_text(Field::Category, cell(Field::Category)).and_then(|s| MemberCategory::parse(&s)));
    let join_date = keep(errors, required_date(Field::JoinDate, cell(Field::JoinDate)));
    let full_member_date = keep(errors, cell_date(Field::FullMemberDate, cell(Field::FullMemberDate)));
    let organization = keep(
        errors,
        cell_text(Field::Organization, cell(Field::Organization)).and_then(|s| s.map(|s| org_path(Field::Organization, &s)).transpose()),
    );
    let positions = keep(errors, cell_text(Field::Position, cell(Field::Position)).and_then(|s| positions(s.as_deref().unwrap_or(""))));
    let phone = keep(errors, cell_text(Field::Phone, cell(Field::Phone)).and_then(|s| s.map(|s| PhoneNumber::parse(&s)).transpose()));

    // Checks across fields, made only where both values could be read.
    let mut checks = Vec::new();
    if let Some(id) = &id_number {
        let born = id.birth_date();
        if let Some(Some(sex)) = sex
            && sex != id.sex()
        {
            checks.push(FieldError::new(Field::Sex, mismatch(), sex_word(sex)));
        }
        if let Some(Some(birth)) = birth_date
            && !agrees_with(birth, born)
        {
            checks.push(FieldError::new(Field::BirthDate, mismatch(), &birth.to_string()));
        }
        if let Some(join) = join_date
            && born.checked_add_months(Months::new(18 * 12)).is_some_and(|adult| join.last_day() < adult)
        {
            checks.push(FieldError::new(Field::JoinDate, Problem::JoinedBeforeEighteen, &join.to_string()));
        }
    }
    if let Some(join) = join_date
        && join.first_day() > today
    {
        checks.push(FieldError::new(Field::JoinDate, Problem::InFuture, &join.to_string()));
    }
    if let Some(Some(full)) = full_member_date {
        if full.first_day() > today {
            checks.push(FieldError::new(Field::FullMemberDate, Problem::InFuture, &full.to_string()));
        } else if let Some(join) = join_date
            && full.last_day() < join.first_day()
        {
            checks.push(FieldError::new(Field::FullMemberDate, Problem::BeforeJoinDate, &full.to_string()));
        }
    }
    errors.extend(checks);
    if !errors.is_empty() {
        return None;
    }
    let id_number = id_number?;
    Some(RosterEntry {
        line: row.line,
        name: name?,
        sex: sex?.or(Some(id_number.sex())),
        ethnicity: ethnicity?,
        birth_date: birth_date?.or(Some(PartialDate::full(id_number.birth_date()))),
        id_number,
        category: category?,
        join_date: join_date?,
        full_member_date: full_member_date?,
        organization: organization?,
        positions: positions?,
        phone: phone?,
    })
}

fn mismatch() -> Problem {
    Problem::rule("id-number-mismatch")
}

fn sex_word(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "男",
        Sex::Female => "女",
    }
}

/// Whether a (possibly partial) birth date can be the ID number's.
fn agrees_with(birth: PartialDate, born: NaiveDate) -> bool {
    birth.first_day() <= born && born <= birth.last_day()
}

/// Excel keeps an ID number typed into a number cell as a float, which holds
/// only 15 to 17 significant digits: the last digits are already lost.
fn read_id_number(cell: &Cell) -> Result<IdNumber, FieldError> {
    if let Cell::Number(n) = cell
        && n.abs() >= 1e15
    {
        return Err(FieldError::new(Field::IdNumber, Problem::rule("id-number-stored-as-number"), ""));
    }
    IdNumber::parse(&required_text(Field::IdNumber, cell)?)
}

fn ethnicity(raw: &str) -> Result<String, FieldError> {
    if raw.trim().chars().count() > ETHNICITY_MAX {
        return Err(FieldError::new(Field::Ethnicity, Problem::TooLong { max: ETHNICITY_MAX }, raw));
    }
    Name::parse(Field::Ethnicity, raw).map(|n| n.as_str().to_owned())
}

/// Reads a list of positions separated by 、 , ， ; ； or spaces; repeats
/// are dropped.
fn positions(raw: &str) -> Result<Vec<PositionKind>, FieldError> {
    let mut out = Vec::new();
    for word in raw.split(|c: char| matches!(c, '、' | ',' | '，' | ';' | '；') || c.is_whitespace()) {
        if word.is_empty() {
            continue;
        }
        let kind = PositionKind::parse(word).map_err(|e| FieldError::new(Field::Position, e.problem, raw))?;
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use Cell;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2025, 6, 1)
    }

    fn id(first17: &str) -> String {
        IdNumber::with_check_char(first17).unwrap().expose().to_owned()
    }

    fn table(rows: &[[&str; 11]]) -> Table {
        Table {
            headers: template_headers().iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| SheetRow {
                    line: i + 2,
                    cells: r.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text(c.to_string()) }).collect(),
                })
                .collect(),
        }
    }

    fn messages(t: &Table) -> Vec<String> {
        parse_roster(t, today()).unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_good_row_becomes_an_entry_with_sex_and_birth_date_from_the_id_number() {
        let id = id("11010519900307123");
        let t = table(&[[
            "张三",
            "",
            "汉族",
            &id,
            "",
            "正式党员",
            "2015.07",
            "2016-07-01",
            "第一支部 / 第一党小组",
            "书记、委员，书记",
            "138 0013 8000",
        ]]);
        let entries = parse_roster(&t, today()).unwrap();
        let e = &entries[0];
        assert_eq!(e.line, 2);
        assert_eq!(e.sex, Some(Sex::Male));
        assert_eq!(e.birth_date.map(|d| d.to_string()), Some("1990-03-07".into()));
        assert_eq!(e.join_date.to_string(), "2015-07");
        assert_eq!(e.organization.as_deref(), Some("第一支部/第一党小组"));
        assert_eq!(e.positions, vec![PositionKind::Secretary, PositionKind::CommitteeMember]);
        assert_eq!(e.phone.as_ref().map(PhoneNumber::expose), Some("13800138000"));
    }

    #[test]
    fn the_committee_positions_by_their_names_import() {
        let id = id("11010519900307123");
        let t = table(&[[
            "张三",
            "",
            "汉族",
            &id,
            "",
            "正式党员",
            "2015.07",
            "2016-07-01",
            "第一支部",
            "组织委员、宣传委员、纪检委员、党小组组长",
            "",
        ]]);
        let e = &parse_roster(&t, today()).unwrap()[0];
        use PositionKind::*;
        assert_eq!(e.positions, vec![OrganizationMember, PublicityMember, DisciplineMember, GroupLeader]);
        assert!(e.positions[..3].iter().all(|p| p.is_committee()));
        assert_eq!(GroupLeader.word(), "党小组组长");
        assert_eq!(OrganizationMember.word(), "组织委员");
    }

    #[test]
    fn a_bad_date_is_reported_with_its_row_and_field() {
        let id = id("11010519900307123");
        let t = table(&[["张三", "", "", &id, "", "正式党员", "2023-13-40", "", "", "", ""]]);
        assert_eq!(messages(&t), ["row 2, join_date: \"2023-13-40\" problem-not-a-date"]);
    }

    #[test]
    fn joining_before_eighteen_is_refused_but_a_month_that_may_be_after_is_not() {
        let id = id("11010520000615123");
        let t = table(&[["张三", "", "", &id, "", "正式党员", "2018-06-14", "", "", "", ""]]);
        assert!(messages(&t)[0].contains("problem-joined-before-eighteen"));
        let t = table(&[["张三", "", "", &id, "", "正式党员", "2018-06", "", "", "", ""]]);
        assert!(parse_roster(&t, today()).is_ok());
        let t = table(&[["张三", "", "", &id, "", "正式党员", "2018-05", "", "", "", ""]]);
        assert!(parse_roster(&t, today()).is_err());
    }

    #[test]
    fn future_dates_and_a_full_member_date_before_joining_are_refused() {
        let (first, second) = (id("11010519900307123"), id("32010219850712342"));
        let t = table(&[
            ["张三", "", "", &first, "", "预备党员", "2025-06-02", "", "", "", ""],
            ["李四", "", "", &second, "", "正式党员", "2020-01-01", "2019-12-31", "", "", ""],
        ]);
        let m = messages(&t);
        assert!(m[0].starts_with("row 2, join_date: \"2025-06-02\" problem-in-future"), "{m:?}");
        assert!(m[1].starts_with("row 3, full_member_date: \"2019-12-31\" problem-before-join-date"), "{m:?}");
    }

    #[test]
    fn sex_and_birth_date_must_agree_with_the_id_number() {
        let id = id("11010519900307123");
        let t = table(&[["张三", "女", "", &id, "1990-03-08", "正式党员", "2015-07-01", "", "", "", ""]]);
        let m = messages(&t);
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].contains("sex: \"女\" id-number-mismatch"));
        assert!(m[1].contains("birth_date: \"1990-03-08\" id-number-mismatch"));
        let t = table(&[["张三", "男", "", &id, "1990.03", "正式党员", "2015-07-01", "", "", "", ""]]);
        assert!(parse_roster(&t, today()).is_ok());
    }

    #[test]
    fn every_bad_field_of_every_row_is_reported_without_echoing_personal_data() {
        let good = id("11010519900307123");
        let wrong = format!("{}{}", &good[..17], if good.ends_with('0') { '1' } else { '0' });
        let t = table(&[
            ["", "男男", "汉族汉族汉族汉族汉族汉族汉族汉族汉族汉族汉族", &wrong, "", "党员", "", "", "A//B", "主席", "call me"],
            ["王五", "", "", "abc", "", "预备", "2020-01-01", "", "", "", ""],
        ]);
        let m = messages(&t);
        assert_eq!(m.len(), 10, "{m:?}");
        assert!(m[..9].iter().all(|s| s.starts_with("row 2,")));
        assert!(m[9].starts_with("row 3, id_number: problem-bad-id-number"));
        assert!(m.iter().any(|s| s.contains("problem-bad-check-digit")));
        assert!(!m.iter().any(|s| s.contains("1101") || s.contains("call me")));
    }

    #[test]
    fn a_repeated_id_number_names_the_first_row() {
        let id = id("11010519900307123");
        let row = ["张三", "", "", id.as_str(), "", "正式党员", "2015-07-01", "", "", "", ""];
        let t = table(&[row, row]);
        assert_eq!(messages(&t), ["row 3, id_number: problem-duplicate (row=2)"]);
    }

    #[test]
    fn a_repeated_id_number_is_reported_even_when_the_row_has_other_problems() {
        let id = id("11010519900307123");
        let t = table(&[
            ["张三", "", "", &id, "", "正式党员", "2015-07-01", "", "", "", ""],
            ["张三", "", "", &id, "", "党员", "2015-07-01", "", "", "", ""],
        ]);
        let m = messages(&t);
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].starts_with("row 3, id_number: problem-duplicate (row=2)"));
        assert!(m[1].starts_with("row 3, category: \"党员\""));
    }

    #[test]
    fn an_id_number_kept_as_an_excel_number_is_explained() {
        let mut t = table(&[["张三", "", "", "", "", "正式党员", "2015-07-01", "", "", "", ""]]);
        t.rows[0].cells[3] = Cell::Number(110105199003071230.0);
        assert!(messages(&t)[0].contains("id-number-stored-as-number"));
    }

    #[test]
    fn a_header_only_sheet_and_missing_columns_are_reported_on_line_one() {
        let t = Table { headers: vec!["姓名".into(), "phone".into()], rows: vec![] };
        let m = messages(&t);
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(m.iter().all(|s| s.starts_with("row 1,")));
        assert!(m[3].contains("file-no-data-rows"));
    }
}
