//! Reading an uploaded file into a [`Table`]: size limits first, then the
//! format told by the content (never by the name), then CSV decoding.

use crate::error::{SheetError, display_name, short_reason};
use crate::workbook;
use domain::sheet::{Cell, SheetRow, Table};
use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

/// The largest file accepted: 32 MiB.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The widest sheet accepted (non-blank cells beyond it are refused).
pub const MAX_COLUMNS: usize = 256;

/// The most cells a sheet may hold, so a small file cannot claim a huge
/// amount of memory.
pub const MAX_CELLS: usize = 5_000_000;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads the file at `path`, refusing it by its size before reading it.
pub fn read_table_from_path(path: &Path) -> Result<Table, SheetError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let io = |e: std::io::Error| SheetError::Io(format!("{}: {}", display_name(&name), short_reason(e.kind())));
    let metadata = std::fs::metadata(path).map_err(io)?;
    if !metadata.is_file() {
        return Err(SheetError::Io(format!("{}: not a file", display_name(&name))));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(SheetError::TooLarge { bytes: metadata.len() });
    }
    // The file may have grown since; never read more than the limit allows.
    let capacity = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    std::fs::File::open(path).map_err(io)?.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    read_table(&bytes, &name)
}

/// Reads the first worksheet of an XLSX or XLS file, or a CSV file.
/// `file_name` is used in messages and to refuse a non-spreadsheet that
/// claims to be one; the format itself is told by the content.
pub fn read_table(bytes: &[u8], file_name: &str) -> Result<Table, SheetError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > MAX_FILE_BYTES {
        return Err(SheetError::TooLarge { bytes: size });
    }
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(EMPTY_ZIP_MAGIC) {
        return workbook::read_xlsx(bytes, file_name);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return workbook::read_xls(bytes, file_name);
    }
    let lower = file_name.to_lowercase();
    if [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"].iter().any(|ext| lower.ends_with(ext)) {
        return Err(SheetError::NotASpreadsheet { file: display_name(file_name) });
    }
    read_csv(bytes, file_name)
}

/// Decodes CSV text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or else
/// GB18030 (which includes GBK and GB2312).
fn decode<'a>(bytes: &'a [u8], file_name: &str) -> Result<Cow<'a, str>, SheetError> {
    let encoding_error = || SheetError::Encoding { file: display_name(file_name) };
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return std::str::from_utf8(rest).map(Cow::Borrowed).map_err(|_| encoding_error());
    }
    for (bom, encoding) in [(b"\xFF\xFE", encoding_rs::UTF_16LE), (b"\xFE\xFF", encoding_rs::UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|text| Cow::Owned(text.into_owned()))
                .ok_or_else(encoding_error);
        }
    }
    if looks_binary(bytes) {
        return Err(SheetError::NotASpreadsheet { file: display_name(file_name) });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| Cow::Owned(text.into_owned()))
            .ok_or_else(encoding_error),
    }
}

/// Text files hold no NUL bytes and few other control bytes.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)).count();
    bytes.contains(&0) || controls * 100 > head.len()
}

/// The separator of the first line: a comma, unless the line has more tabs
/// (Excel's "Unicode text") or only semicolons.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|&x| x == c).count();
    let (commas, tabs, semicolons) = (count(','), count('\t'), count(';'));
    if tabs > commas {
        b'\t'
    } else if commas == 0 && semicolons > 0 {
        b';'
    } else {
        b','
    }
}

fn read_csv(bytes: &[u8], file_name: &str) -> Result<Table, SheetError> {
    let text = decode(bytes, file_name)?;
    if text.contains('\0') {
        return Err(SheetError::NotASpreadsheet { file: display_name(file_name) });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let records = csv_records(text, sniff_delimiter(text), file_name)?;
    let mut records = records.into_iter();
    let header = records.next().ok_or(SheetError::Empty)?;
    let headers = header.into_iter().map(|h| h.trim().to_owned()).collect();
    let rows = records
        .enumerate()
        .map(|(index, fields)| SheetRow {
            line: index + 2,
            cells: fields.into_iter().map(|f| if f.is_empty() { Cell::Empty } else { Cell::Text(f) }).collect(),
        })
        .collect();
    finish(headers, rows)
}

/// Splits CSV text into records the way Excel opens it, so that record `n`
/// is spreadsheet row `n + 1`: records end at CRLF, LF or CR outside quotes;
/// an empty line is an empty record; a field that starts with `"` is quoted
/// (`""` inside it is one quote, and text after the closing quote is kept).
fn csv_records(text: &str, delimiter: u8, file_name: &str) -> Result<Vec<Vec<String>>, SheetError> {
    let delimiter = char::from(delimiter);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut cells_seen = 0usize;
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    let mut end_field = |record: &mut Vec<String>, field: &mut String| -> Result<(), SheetError> {
        if record.len() >= MAX_COLUMNS {
            if !field.trim().is_empty() {
                return Err(SheetError::TooWide);
            }
            field.clear();
            return Ok(());
        }
        cells_seen += 1;
        if cells_seen > MAX_CELLS {
            return Err(SheetError::TooManyCells);
        }
        record.push(std::mem::take(field));
        Ok(())
    };
    while let Some(c) = chars.next() {
        if at_field_start && c == '"' {
            let opened_on = records.len() + 1;
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(other) => field.push(other),
                    None => {
                        return Err(SheetError::UnclosedQuote { file: display_name(file_name), row: opened_on });
                    }
                }
            }
            at_field_start = false;
            continue;
        }
        at_field_start = false;
        if c == delimiter {
            end_field(&mut record, &mut field)?;
            at_field_start = true;
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            end_field(&mut record, &mut field)?;
            records.push(std::mem::take(&mut record));
            at_field_start = true;
        } else {
            field.push(c);
        }
    }
    if !at_field_start || !field.is_empty() || !record.is_empty() {
        end_field(&mut record, &mut field)?;
        records.push(record);
    }
    Ok(records)
}

/// Drops trailing blank rows; a sheet with nothing in it is empty.
pub(crate) fn finish(headers: Vec<String>, mut rows: Vec<SheetRow>) -> Result<Table, SheetError> {
    while rows.last().is_some_and(SheetRow::is_blank) {
        rows.pop();
    }
    if rows.is_empty() && headers.iter().all(|h| h.is_empty()) {
        return Err(SheetError::Empty);
    }
    Ok(Table { headers, rows })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_read_from_the_first_line() {
        assert_eq!(sniff_delimiter("a,b\tc"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc,d"), b'\t');
        assert_eq!(sniff_delimiter("a;b"), b';');
        assert_eq!(sniff_delimiter("姓名"), b',');
    }

    #[test]
    fn utf16_text_with_a_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "姓名\t性别\r\n张三\t男\r\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let table = read_table(&bytes, "roster.txt").unwrap();
        assert_eq!(table.headers, ["姓名", "性别"]);
        assert_eq!(table.rows[0].cells[1], Cell::Text("男".into()));
    }

    fn records(text: &str) -> Vec<Vec<String>> {
        csv_records(text, b',', "t.csv").unwrap()
    }

    #[test]
    fn records_split_like_excel_splits_rows() {
        assert_eq!(records("a,b\r\n\r\nc,d\r\n"), [vec!["a", "b"], vec![""], vec!["c", "d"]]);
        assert_eq!(records("a\rb\nc"), [["a"], ["b"], ["c"]]);
        assert_eq!(records("\"x\ny\",\"say \"\"hi\"\"\"\n,"), [vec!["x\ny", "say \"hi\""], vec!["", ""]]);
        assert_eq!(records("他说\"好\",\"ab\"c"), [["他说\"好\"", "abc"]]);
        assert_eq!(records("a,"), [["a", ""]]);
        assert!(records("").is_empty());
        let err = csv_records("a\n\"open", b',', "t.csv").unwrap_err();
        assert!(err.to_string().contains("the quoted field opened on row 2 is never closed"), "{err}");
    }

    #[test]
    fn blank_lines_keep_their_row_numbers_and_trailing_ones_are_dropped() {
        let table = read_table("姓名,性别\n\n张三,男\n\"多\n行\",女\n李四\n,\n , \n".as_bytes(), "a.csv").unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4, 5]);
        assert!(table.rows[0].is_blank());
        assert_eq!(table.rows[3].cells, [Cell::Text("李四".into())]);
    }

    #[test]
    fn a_sheet_wider_than_allowed_is_refused_but_empty_extra_columns_are_not() {
        let wide = format!("a{}", ",x".repeat(MAX_COLUMNS));
        assert_eq!(read_table(wide.as_bytes(), "wide.csv").unwrap_err(), SheetError::TooWide);
        let padded = format!("a{}\nb\n", ",".repeat(MAX_COLUMNS + 10));
        assert_eq!(read_table(padded.as_bytes(), "pad.csv").unwrap().headers.len(), MAX_COLUMNS);
    }
}
