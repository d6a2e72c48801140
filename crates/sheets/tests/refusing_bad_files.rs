//! Files that are not rosters at all: empty, too large, binary, damaged,
//! undecodable, absurdly wide. Each gets a clear error, never a panic.
#![allow(clippy::unwrap_used)] // Tests may unwrap.

use domain::roster::{parse_roster, template_headers};
use sheets::{Cell, MAX_FILE_BYTES, SheetError, read_table, read_table_from_path};
use testkit::workbook::{Value, xlsx};
use testkit::{en, zh};

/// The day these files are read on.
fn today() -> chrono::NaiveDate {
    testkit::ymd(2025, 6, 1)
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    for name in ["roster.csv", "roster.xlsx"] {
        let err = read_table(b"", name).unwrap_err();
        assert_eq!(err, SheetError::Empty);
        assert!(en(&err.message()).contains("the file is empty"));
    }
    assert_eq!(read_table(b"\xEF\xBB\xBF\r\n\r\n", "blank.csv").unwrap_err(), SheetError::Empty);
}

#[test]
fn a_header_only_file_reads_but_has_no_rows_to_import() {
    let csv = template_headers().join(",");
    let from_xlsx = xlsx(&template_headers(), &[]);
    for table in [read_table(csv.as_bytes(), "a.csv").unwrap(), read_table(&from_xlsx, "a.xlsx").unwrap()] {
        assert!(table.rows.is_empty());
        let err = parse_roster(&table, today()).unwrap_err().iter().map(|e| zh(&e.message())).collect::<Vec<_>>().join("\n");
        assert_eq!(err, "第1行 文件：没有数据行（只有表头或为空）");
    }
}

#[test]
fn a_file_over_32_mib_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xlsx");
    // A sparse file: its size is checked from the metadata, nothing is parsed.
    std::fs::File::create(&path).unwrap().set_len(MAX_FILE_BYTES + 1).unwrap();
    let err = read_table_from_path(&path).unwrap_err();
    assert_eq!(err, SheetError::TooLarge { bytes: MAX_FILE_BYTES + 1 });
    assert!(en(&err.message()).contains("32 MiB"));

    let bytes = vec![b'a'; usize::try_from(MAX_FILE_BYTES).unwrap() + 1];
    assert!(matches!(read_table(&bytes, "big.csv"), Err(SheetError::TooLarge { .. })));
}

#[test]
fn a_file_read_from_disk_reads_like_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.xlsx");
    let bytes = xlsx(&["姓名"], &[vec![Value::Text("张三")]]);
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(read_table_from_path(&path).unwrap(), read_table(&bytes, "roster.xlsx").unwrap());
    let missing = read_table_from_path(&dir.path().join("missing.csv")).unwrap_err();
    assert!(matches!(missing, SheetError::Io(_)), "{missing:?}");
    assert!(en(&missing.message()).contains("missing.csv"));
}

#[test]
fn binary_garbage_named_xlsx_is_not_a_spreadsheet() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let err = read_table(&garbage, "roster.xlsx").unwrap_err();
    assert_eq!(err, SheetError::NotASpreadsheet { file: "roster.xlsx".into() });
    assert!(en(&err.message()).contains("'roster.xlsx' is not a spreadsheet"));
    // Named as CSV it is still refused: text has no NUL bytes.
    assert!(matches!(read_table(&garbage, "roster.csv"), Err(SheetError::NotASpreadsheet { .. })));
    // Text named .xlsx is not taken for CSV either.
    assert!(matches!(read_table(b"a,b\n1,2\n", "roster.xlsx"), Err(SheetError::NotASpreadsheet { .. })));
}

#[test]
fn a_truncated_xlsx_is_reported_as_damaged() {
    let whole = xlsx(&template_headers(), &[vec![Value::Text("张三")]]);
    let half = &whole[..whole.len() / 2];
    let err = read_table(half, "cut.xlsx").unwrap_err();
    assert!(matches!(err, SheetError::Corrupt { .. }), "{err:?}");
    assert!(en(&err.message()).contains("'cut.xlsx' is damaged"), "{err}");
}

#[test]
fn garbage_after_the_xls_signature_is_reported_as_damaged() {
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend((0..2000u32).map(|i| (i * 7 % 251) as u8));
    let err = read_table(&bytes, "old.xls").unwrap_err();
    assert!(matches!(err, SheetError::Corrupt { .. }), "{err:?}");
    assert!(en(&err.message()).contains("'old.xls'"));
}

#[test]
fn text_in_neither_utf8_nor_gb18030_is_an_encoding_error() {
    let err = read_table(b"name\n\x81\x20abc\n", "odd.csv").unwrap_err();
    assert_eq!(err, SheetError::Encoding { file: "odd.csv".into() });
    assert!(en(&err.message()).contains("UTF-8"));
}

#[test]
fn file_names_in_messages_cannot_smuggle_control_characters_or_paths() {
    let err = read_table(b"\0\0\0", "../../etc/evil\u{202E}xslx.csv").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("evil\\u{202e}xslx.csv"), "{text}");
    assert!(!text.contains("../"), "{text}");
}

#[test]
fn a_cell_far_down_the_sheet_costs_only_itself_and_keeps_its_line_number() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(1_000_000, 0, "张三").unwrap();
    let table = read_table(&workbook.save_to_buffer().unwrap(), "tall.xlsx").unwrap();
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].line, 1_000_001);
    assert_eq!(table.rows[0].cells, [Cell::Text("张三".into())]);
}

#[test]
fn a_sheet_wider_than_allowed_is_refused() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(0, 16_000, "far").unwrap();
    let err = read_table(&workbook.save_to_buffer().unwrap(), "wide.xlsx").unwrap_err();
    assert_eq!(err, SheetError::TooWide);
}

#[test]
fn a_workbook_with_only_an_empty_sheet_is_empty() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet();
    let err = read_table(&workbook.save_to_buffer().unwrap(), "blank.xlsx").unwrap_err();
    assert_eq!(err, SheetError::Empty);
}
