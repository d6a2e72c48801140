//! Writing exports as XLSX or CSV. Every cell is written as text, and text
//! that a spreadsheet program could take for a formula is defused first.

use crate::error::SheetError;
use rust_xlsxwriter::{Format, Workbook};
use std::borrow::Cow;
use std::path::Path;

/// An export file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Xlsx,
    Csv,
}

impl OutputFormat {
    /// The format named by a path's extension (`.xlsx` or `.csv`, any case).
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(OutputFormat::Xlsx),
            "csv" => Some(OutputFormat::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Xlsx => "xlsx",
            OutputFormat::Csv => "csv",
        }
    }

    /// The media type for an HTTP response.
    pub fn content_type(self) -> &'static str {
        match self {
            OutputFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            OutputFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn write(self, headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, SheetError> {
        match self {
            OutputFormat::Xlsx => write_xlsx(headers, rows),
            OutputFormat::Csv => write_csv(headers, rows),
        }
    }
}

/// Defuses formula injection: text starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return (or their full-width forms, which an IME may type)
/// gets a leading `'`, so a spreadsheet shows it as text instead of running it.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Writes one worksheet: a bold, frozen header row and every cell as text.
pub fn write_xlsx(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, SheetError> {
    let write_error = |e: rust_xlsxwriter::XlsxError| SheetError::Write(e.to_string());
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = Format::new().set_bold();
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column(col)?, neutralize(header), &bold).map_err(write_error)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let line = u32::try_from(index + 1).map_err(|_| SheetError::Write("too many rows".into()))?;
        for (col, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(line, column(col)?, neutralize(value)).map_err(write_error)?;
            }
        }
    }
    let columns = rows.iter().map(Vec::len).chain([headers.len()]).max().unwrap_or(0);
    for col in 0..columns {
        let widest = headers
            .get(col)
            .map(|h| display_width(h))
            .into_iter()
            .chain(rows.iter().take(1000).filter_map(|r| r.get(col)).map(|v| display_width(v)))
            .max()
            .unwrap_or(0);
        let width = (widest + 2).clamp(8, 60) as f64;
        sheet.set_column_width(column(col)?, width).map_err(write_error)?;
    }
    if !headers.is_empty() {
        sheet.set_freeze_panes(1, 0).map_err(write_error)?;
    }
    workbook.save_to_buffer().map_err(write_error)
}

/// Writes CSV in UTF-8 with a byte-order mark, which Excel needs to read
/// Chinese text correctly; lines end in CRLF.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, SheetError> {
    let write_error = |e: csv::Error| SheetError::Write(e.to_string());
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(&mut out);
        writer.write_record(headers.iter().map(|h| neutralize(h).into_owned())).map_err(write_error)?;
        for row in rows {
            writer.write_record(row.iter().map(|v| neutralize(v).into_owned())).map_err(write_error)?;
        }
        writer.flush().map_err(|e| SheetError::Write(e.to_string()))?;
    }
    Ok(out)
}

fn column(index: usize) -> Result<u16, SheetError> {
    u16::try_from(index).map_err(|_| SheetError::Write("too many columns".into()))
}

/// Roughly how many narrow characters wide a text is: CJK and other wide
/// characters count twice.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if u32::from(c) >= 0x1100 { 2 } else { 1 }).sum()
}
