//! Exports: CSV that Excel opens as UTF-8, XLSX with text cells only, and
//! formula injection defused in both.
#![allow(clippy::unwrap_used)] // Tests may unwrap.

use domain::roster::{parse_roster, template_headers};
use sheets::{Cell, OutputFormat, SheetError, neutralize, read_table, write_csv, write_xlsx};
use std::borrow::Cow;
use std::path::Path;
use testkit::id_number as id;

/// The day these files are read on.
fn today() -> chrono::NaiveDate {
    testkit::ymd(2025, 6, 1)
}

const INJECTIONS: [&str; 6] = ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"];

fn rows(values: &[&str]) -> Vec<Vec<String>> {
    values.iter().map(|v| vec![v.to_string()]).collect()
}

#[test]
fn neutralize_puts_a_quote_before_anything_a_spreadsheet_could_run() {
    for cell in INJECTIONS {
        assert_eq!(neutralize(cell), format!("'{cell}"));
    }
    assert_eq!(neutralize("＝1+1"), "'＝1+1");
    for harmless in ["张三", "1", "", "a=b", "'already quoted", " =1"] {
        assert!(matches!(neutralize(harmless), Cow::Borrowed(_)), "{harmless:?}");
    }
}

#[test]
fn write_csv_starts_with_a_bom_and_defuses_formulas() {
    let bytes = write_csv(&["值"], &rows(&INJECTIONS)).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("值\r\n'=1+1\r\n'+1\r\n'-1\r\n'@SUM(A1)\r\n"), "{text:?}");
    let table = read_table(&bytes, "export.csv").unwrap();
    let read: Vec<String> = table.rows.iter().map(|r| r.cells[0].to_text()).collect();
    // The file holds the guarded text; reading it back as a value removes the
    // guard again, so an export imports back unchanged.
    assert_eq!(read, ["=1+1", "+1", "-1", "@SUM(A1)", "'\tcmd", "'\rcmd"].map(|s| s.trim().to_owned()));
}

#[test]
fn write_xlsx_writes_formula_look_alikes_as_quoted_text_never_as_formulas() {
    let bytes = write_xlsx(&["=HEADER()", "值"], &[vec!["=1+1".into(), "@SUM(A1)".into()], vec!["-1".into(), "张三".into()]]).unwrap();
    let table = read_table(&bytes, "export.xlsx").unwrap();
    assert_eq!(table.headers, ["=HEADER()", "值"], "headers are read as values: the guard is removed again");
    assert_eq!(table.rows[0].cells, [Cell::Text("'=1+1".into()), Cell::Text("'@SUM(A1)".into())]);
    assert_eq!(table.rows[1].cells, [Cell::Text("'-1".into()), Cell::Text("张三".into())]);
}

#[test]
fn an_exported_roster_can_be_imported_again_from_either_format() {
    let headers = template_headers();
    let row: Vec<String> =
        ["张三", "男", "汉族", &id("11010519900307123"), "1990-03-07", "正式党员", "2015-07-01", "", "第一支部", "书记", "13800138000"]
            .map(String::from)
            .to_vec();
    for format in [OutputFormat::Xlsx, OutputFormat::Csv] {
        let bytes = format.write(&headers, std::slice::from_ref(&row)).unwrap();
        let table = read_table(&bytes, &format!("export.{}", format.extension())).unwrap();
        let entries = parse_roster(&table, today()).unwrap();
        assert_eq!(entries[0].id_number.expose(), row[3], "{format:?}");
    }
}

#[test]
fn long_text_is_written_and_text_beyond_excels_limit_is_an_error_not_a_panic() {
    let long = "长".repeat(10_000);
    let bytes = write_xlsx(&["备注"], &rows(&[&long])).unwrap();
    assert_eq!(read_table(&bytes, "long.xlsx").unwrap().rows[0].cells[0], Cell::Text(long));
    let too_long = "x".repeat(40_000);
    assert!(matches!(write_xlsx(&["备注"], &rows(&[&too_long])), Err(SheetError::Write(_))));
}

#[test]
fn the_output_format_follows_the_file_extension() {
    assert_eq!(OutputFormat::from_path(Path::new("out/名单.XLSX")), Some(OutputFormat::Xlsx));
    assert_eq!(OutputFormat::from_path(Path::new("名单.csv")), Some(OutputFormat::Csv));
    assert_eq!(OutputFormat::from_path(Path::new("名单.xls")), None);
    assert_eq!(OutputFormat::from_path(Path::new("名单")), None);
}
