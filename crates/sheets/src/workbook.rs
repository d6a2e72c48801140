//! Reading the first worksheet of an XLSX or XLS workbook with calamine,
//! keeping date-formatted cells as dates and every row's line number.
//!
//! XLSX sheets are streamed cell by cell, so a file that claims a huge sheet
//! with a few far-apart cells costs only the cells it holds.

use crate::error::{SheetError, display_name, short_reason};
use crate::read::{MAX_CELLS, MAX_COLUMNS, finish};
use calamine::{Data, DataRef, ExcelDateTime, Reader, Sheet, SheetType, SheetVisible, Xls, Xlsx};
use chrono::NaiveDate;
use domain::sheet::{Cell, SheetRow, Table};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

pub(crate) fn read_xlsx(bytes: &[u8], file_name: &str) -> Result<Table, SheetError> {
    guarded(file_name, || {
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| corrupt(file_name, e))?;
        let sheet = first_worksheet(book.sheets_metadata(), file_name)?;
        let mut cells = book.worksheet_cells_reader(&sheet).map_err(|e| corrupt(file_name, e))?;
        let mut builder = Builder::default();
        while let Some(cell) = cells.next_cell().map_err(|e| corrupt(file_name, e))? {
            let (row, col) = cell.get_position();
            builder.push(row, col, from_data_ref(cell.get_value()))?;
        }
        builder.finish()
    })
}

pub(crate) fn read_xls(bytes: &[u8], file_name: &str) -> Result<Table, SheetError> {
    guarded(file_name, || {
        let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| corrupt(file_name, e))?;
        let sheet = first_worksheet(book.sheets_metadata(), file_name)?;
        let range = book.worksheet_range(&sheet).map_err(|e| corrupt(file_name, e))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut builder = Builder::default();
        for (row, col, data) in range.used_cells() {
            let row = top.saturating_add(u32::try_from(row).unwrap_or(u32::MAX));
            let col = left.saturating_add(u32::try_from(col).unwrap_or(u32::MAX));
            builder.push(row, col, from_data(data))?;
        }
        builder.finish()
    })
}

fn corrupt(file_name: &str, reason: impl std::fmt::Display) -> SheetError {
    SheetError::Corrupt { file: display_name(file_name), reason: short_reason(reason) }
}

/// Runs a parser on untrusted bytes; should the parser panic, the file is
/// reported as damaged instead.
fn guarded(file_name: &str, parse: impl FnOnce() -> Result<Table, SheetError>) -> Result<Table, SheetError> {
    catch_unwind(AssertUnwindSafe(parse)).unwrap_or_else(|_| Err(corrupt(file_name, "the parser failed")))
}

/// The first visible worksheet, or else the first worksheet at all (chart
/// and macro sheets are skipped).
fn first_worksheet(sheets: &[Sheet], file_name: &str) -> Result<String, SheetError> {
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
        .ok_or_else(|| SheetError::NoWorksheet { file: display_name(file_name) })
}

fn text(s: &str) -> Cell {
    if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) }
}

fn from_data(data: &Data) -> Cell {
    match data {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => text(s),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

fn from_data_ref(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

/// A date-formatted cell as a serial day in the 1900 date system, whatever
/// system the workbook uses (Mac workbooks may count from 1904). Durations
/// are plain numbers.
fn date_cell(dt: &ExcelDateTime) -> Cell {
    let value = dt.as_f64();
    if dt.is_duration() {
        return Cell::Number(value);
    }
    // Excel's own range of dates; outside it the value is passed on as is.
    if !(0.0..2_958_466.0).contains(&value) {
        return Cell::DateSerial(value);
    }
    let (year, month, day, ..) = dt.to_ymd_hms_milli();
    let date = NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day));
    let (Some(date), Some(epoch), Some(leap_bug_end)) = (date, NaiveDate::from_ymd_opt(1899, 12, 30), NaiveDate::from_ymd_opt(1900, 3, 1))
    else {
        return Cell::DateSerial(value);
    };
    if date < leap_bug_end {
        return Cell::DateSerial(value);
    }
    // From 1900-03-01 on, the 1900 system's serial is the days since 1899-12-30.
    let days = (date - epoch).num_days() as f64;
    Cell::DateSerial(days + value.fract())
}

/// Gathers the non-empty cells of a sheet by row.
#[derive(Default)]
struct Builder {
    rows: BTreeMap<u32, Vec<(usize, Cell)>>,
    cells: usize,
}

impl Builder {
    fn push(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), SheetError> {
        if cell.is_blank() {
            return Ok(());
        }
        let col = usize::try_from(col).unwrap_or(usize::MAX);
        if col >= MAX_COLUMNS {
            return Err(SheetError::TooWide);
        }
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(SheetError::TooManyCells);
        }
        self.rows.entry(row).or_default().push((col, cell));
        Ok(())
    }

    /// The first row with content is the header; line numbers are the
    /// sheet's own (row index + 1).
    fn finish(self) -> Result<Table, SheetError> {
        // Each row is as wide as its own last cell; the slots of all rows are
        // bounded so that a sparse sheet cannot ask for gigabytes.
        let slots: usize = self.rows.values().map(|cells| cells.iter().map(|(col, _)| col + 1).max().unwrap_or(0)).sum();
        if slots > MAX_CELLS * 2 {
            return Err(SheetError::TooManyCells);
        }
        let mut rows = self.rows.into_iter().map(|(index, cells)| {
            let width = cells.iter().map(|(col, _)| col + 1).max().unwrap_or(0);
            let mut full = vec![Cell::Empty; width];
            for (col, cell) in cells {
                if let Some(slot) = full.get_mut(col) {
                    *slot = cell;
                }
            }
            SheetRow { line: usize::try_from(index).unwrap_or(usize::MAX).saturating_add(1), cells: full }
        });
        let header = rows.next().ok_or(SheetError::Empty)?;
        let headers = header.cells.iter().map(Cell::to_text).collect();
        finish(headers, rows.collect())
    }
}
