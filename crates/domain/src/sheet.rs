//! Spreadsheet content as the import templates see it, independent of the
//! file format: a header row, data rows that keep the line numbers the user
//! sees, and typed cells.
//!
//! Reading files is the `sheets` crate's job; this module holds the values,
//! the header-to-field mapping shared by the templates, and the row-numbered
//! error type every import reports.

use crate::dates::PartialDate;
use crate::error::{Field, FieldError, Problem};
use crate::message::Message;
use crate::text::Name;
use std::collections::HashMap;
use std::fmt;

/// One cell's value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Cell {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    /// A number that Excel formats as a date: a serial day number in the 1900
    /// date system (45047 is 2023-05-01).
    DateSerial(f64),
    Bool(bool),
    /// An error value such as `#DIV/0!` left by a formula.
    Error(String),
}

impl Cell {
    /// True for empty cells and text that is only whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as trimmed text: integers without `.0` and never in
    /// scientific notation (13800138000), dates as `YYYY-MM-DD`.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => strip_neutralizing_quote(s.trim()).to_owned(),
            Cell::Number(n) => number_to_text(*n),
            Cell::DateSerial(n) => PartialDate::from_excel_serial(Field::File, *n).map_or_else(|_| number_to_text(*n), |d| d.to_string()),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Cell::Error(e) => e.trim().to_owned(),
        }
    }
}

/// Removes the apostrophe that exports put before a value that could be
/// read as a formula (`'+86 10 6512 3456`), so an exported file imports back.
fn strip_neutralizing_quote(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '＝', '＋', '－', '＠']) => rest,
        _ => s,
    }
}

/// Formats a number the way a person would write it: `13800138000`, not
/// `13800138000.0` or `1.38e10`; `2.5` stays `2.5`.
pub fn number_to_text(n: f64) -> String {
    if n == 0.0 {
        // Also turns -0 into 0.
        return "0".to_owned();
    }
    // Rust's `Display` for floats never uses scientific notation and prints
    // integral values without a fraction.
    format!("{n}")
}

/// One data row with its 1-based line number as the spreadsheet shows it
/// (the header is line 1).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SheetRow {
    pub line: usize,
    pub cells: Vec<Cell>,
}

impl SheetRow {
    /// The cell in column `index`; missing cells (short rows) are empty.
    pub fn cell(&self, index: usize) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.cells.get(index).unwrap_or(&EMPTY)
    }

    /// True if every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}

/// The first worksheet of a file: its header row and its data rows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// The line number reported for problems with the header row.
pub const HEADER_LINE: usize = 1;

/// A bad value in one row of an imported file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("row {line}, {error}")]
pub struct RowError {
    pub line: usize,
    pub error: FieldError,
}

impl RowError {
    pub fn new(line: usize, error: FieldError) -> Self {
        RowError { line, error }
    }

    /// "第17行 入党日期：“2023-13-40”不是日期" in Chinese.
    pub fn message(&self) -> Message {
        Message::new("row-error").count("row", self.line).message("message", self.error.message())
    }
}

/// Every problem found in an imported file, in row order. An import with any
/// problem imports nothing.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ImportErrors {
    pub errors: Vec<RowError>,
}

impl ImportErrors {
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn len(&self) -> usize {
        self.errors.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, RowError> {
        self.errors.iter()
    }

    /// Orders the problems by line, keeping the order within a line.
    fn sorted(mut self) -> Self {
        self.errors.sort_by_key(|e| e.line);
        self
    }

    /// `Ok(value)` if there were no problems, the sorted problems otherwise.
    pub fn into_result<T>(self, value: T) -> Result<T, ImportErrors> {
        if self.is_empty() { Ok(value) } else { Err(self.sorted()) }
    }
}

impl fmt::Display for ImportErrors {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

impl<'a> IntoIterator for &'a ImportErrors {
    type Item = &'a RowError;
    type IntoIter = std::slice::Iter<'a, RowError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

/// Reduces a header to the form compared with the template names: trimmed,
/// without a byte-order mark or the `*` that marks required columns,
/// lowercase, with spaces and hyphens as underscores.
fn normalize_header(raw: &str) -> String {
    raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '*' || c == '＊').to_lowercase().replace([' ', '-'], "_")
}

/// Which template field each column of a table holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMap {
    columns: HashMap<Field, usize>,
}

impl ColumnMap {
    /// Maps the headers of `table` to `fields`, accepting each field's Chinese
    /// template name or English API name in any order. Unknown headers,
    /// columns given twice and missing `required` columns are errors on the
    /// header line. A column with no header is ignored if it holds no data.
    pub fn new(table: &Table, fields: &[Field], required: &[Field]) -> Result<Self, Vec<RowError>> {
        let named: Vec<(Field, &str)> = fields.iter().map(|f| (*f, f.column_name())).collect();
        Self::with_column_names(table, &named, required)
    }

    /// Like [`ColumnMap::new`], with the Chinese header of each field given
    /// (a template may call a field differently, as 组织名称 for a name).
    pub fn with_column_names(table: &Table, fields: &[(Field, &str)], required: &[Field]) -> Result<Self, Vec<RowError>> {
        let mut columns = HashMap::new();
        let mut errors = Vec::new();
        let header_error = |field: Field, problem: Problem, value: &str| RowError::new(HEADER_LINE, FieldError::new(field, problem, value));
        for (index, raw) in table.headers.iter().enumerate() {
            let header = normalize_header(raw);
            if header.is_empty() {
                if table.rows.iter().any(|r| !r.cell(index).is_blank()) {
                    errors.push(header_error(
                        Field::File,
                        Problem::Rule(Message::new("column-without-header").count("column", index + 1)),
                        "",
                    ));
                }
                continue;
            }
            let found = fields
                .iter()
                .find(|(f, zh)| {
                    header == normalize_header(zh)
                        || header == f.api_name()
                        || f.former_column_name().is_some_and(|old| header == normalize_header(old))
                })
                .map(|(f, _)| *f);
            match found {
                Some(field) if columns.contains_key(&field) => {
                    errors.push(header_error(field, Problem::rule("column-twice"), ""));
                }
                Some(field) => {
                    columns.insert(field, index);
                }
                None => {
                    let names: Vec<&str> = fields.iter().map(|(_, name)| *name).collect();
                    let api: Vec<&str> = fields.iter().map(|(f, _)| f.api_name()).collect();
                    let rule = Message::new("column-unknown").text("allowed", names.join("、")).text("allowed_api", api.join(", "));
                    errors.push(header_error(Field::File, Problem::Rule(rule), raw));
                }
            }
        }
        for field in required {
            if !columns.contains_key(field) {
                errors.push(header_error(*field, Problem::rule("column-missing"), ""));
            }
        }
        if errors.is_empty() { Ok(ColumnMap { columns }) } else { Err(errors) }
    }

    /// Whether the table has a column for `field`.
    pub fn has(&self, field: Field) -> bool {
        self.columns.contains_key(&field)
    }

    /// The cell of `row` in `field`'s column (empty if there is no such column).
    pub fn cell<'r>(&self, row: &'r SheetRow, field: Field) -> &'r Cell {
        static EMPTY: Cell = Cell::Empty;
        self.columns.get(&field).map_or(&EMPTY, |&i| row.cell(i))
    }
}

/// The data rows that are not entirely blank; a table without any gets a
/// "no data rows" error on the header line.
pub fn data_rows(table: &Table) -> Result<Vec<&SheetRow>, RowError> {
    let rows: Vec<&SheetRow> = table.rows.iter().filter(|r| !r.is_blank()).collect();
    if rows.is_empty() {
        return Err(RowError::new(HEADER_LINE, FieldError::new(Field::File, Problem::rule("file-no-data-rows"), "")));
    }
    Ok(rows)
}

/// Reads a cell as trimmed text; an error cell is refused naming `field`.
/// Returns `None` for a blank cell.
pub fn cell_text(field: Field, cell: &Cell) -> Result<Option<String>, FieldError> {
    if let Cell::Error(e) = cell {
        return Err(FieldError::new(field, Problem::rule("cell-formula-error"), e));
    }
    let text = cell.to_text();
    Ok(if text.is_empty() { None } else { Some(text) })
}

/// Reads a date cell: a date-formatted cell, a number (a serial day, a
/// `yyyymmdd` number, or a `yyyy.mm` typed into a number cell) or text in any
/// spelling [`PartialDate::parse_flexible`] reads. `None` for a blank cell.
pub fn cell_date(field: Field, cell: &Cell) -> Result<Option<PartialDate>, FieldError> {
    match cell {
        Cell::DateSerial(n) => PartialDate::from_excel_serial(field, *n).map(Some),
        Cell::Number(n) => date_from_number(field, *n).map(Some),
        Cell::Bool(_) => Err(FieldError::new(field, Problem::NotADate, &cell.to_text())),
        _ => match cell_text(field, cell)? {
            None => Ok(None),
            Some(text) => PartialDate::parse_flexible(field, &text).map(Some),
        },
    }
}

/// Reads a cell that must not be blank, as trimmed text.
pub fn required_text(field: Field, cell: &Cell) -> Result<String, FieldError> {
    cell_text(field, cell)?.ok_or_else(|| FieldError::new(field, Problem::Required, ""))
}

/// Reads a date cell that must not be blank.
pub fn required_date(field: Field, cell: &Cell) -> Result<PartialDate, FieldError> {
    cell_date(field, cell)?.ok_or_else(|| FieldError::new(field, Problem::Required, ""))
}

/// Reads an organization name or path `A / B / C` into `A/B/C`; each part
/// must be a valid name.
pub fn org_path(field: Field, raw: &str) -> Result<String, FieldError> {
    let mut parts = Vec::new();
    for part in raw.split('/') {
        if part.trim().is_empty() {
            return Err(FieldError::new(field, Problem::rule("path-empty-part"), raw));
        }
        let name = Name::parse(field, part).map_err(|e| FieldError::new(field, e.problem, raw))?;
        parts.push(name);
    }
    Ok(parts.iter().map(Name::as_str).collect::<Vec<_>>().join("/"))
}

/// The value of `result`, or `None` after noting its error: lets a row
/// reader go on to the next field and report every bad one.
pub fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// A date typed into a cell Excel keeps as a plain number.
fn date_from_number(field: Field, n: f64) -> Result<PartialDate, FieldError> {
    let text = number_to_text(n);
    // 19850701 typed as a number.
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return PartialDate::parse_flexible(field, &text);
    }
    // "1985.07" typed into a number cell becomes 1985.07; "1985.10" becomes
    // 1985.1, which could also be January, so that one is refused.
    if (1900.0..3000.0).contains(&n) {
        return match text.split_once('.') {
            Some((year, month)) if month.len() == 2 => PartialDate::parse_flexible(field, &format!("{year}-{month}")),
            Some((year, "1")) => Err(FieldError::new(field, Problem::Rule(Message::new("date-ambiguous-month").text("year", year)), &text)),
            Some((year, month)) if month.len() == 1 => PartialDate::parse_flexible(field, &format!("{year}-{month}")),
            _ => Err(FieldError::new(field, Problem::NotADate, &text)),
        };
    }
    PartialDate::from_excel_serial(field, n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| SheetRow { line: i + 2, cells: r.iter().map(|c| Cell::Text(c.to_string())).collect() })
                .collect(),
        }
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(Cell::Number(13800138000.0).to_text(), "13800138000");
        assert_eq!(Cell::Number(1e20).to_text(), "100000000000000000000");
        assert_eq!(Cell::Number(2.5).to_text(), "2.5");
        assert_eq!(Cell::Number(-0.0).to_text(), "0");
        assert_eq!(Cell::Number(-3.0).to_text(), "-3");
        assert_eq!(Cell::DateSerial(45047.0).to_text(), "2023-05-01");
        assert_eq!(Cell::Text("  张三 ".into()).to_text(), "张三");
    }

    #[test]
    fn dates_typed_into_number_cells_are_understood() {
        let d = |n: f64| cell_date(Field::JoinDate, &Cell::Number(n)).map(|d| d.map(|d| d.to_string()));
        assert_eq!(d(45047.0), Ok(Some("2023-05-01".into())));
        assert_eq!(d(19850701.0), Ok(Some("1985-07-01".into())));
        assert_eq!(d(1985.07), Ok(Some("1985-07".into())));
        assert_eq!(d(1985.12), Ok(Some("1985-12".into())));
        assert_eq!(d(1985.3), Ok(Some("1985-03".into())));
        assert!(matches!(d(1985.1).unwrap_err().problem, Problem::Rule(_)));
        assert_eq!(d(1985.0).unwrap_err().problem, Problem::NotADate);
        assert_eq!(d(1985.13).unwrap_err().problem, Problem::NotADate);
    }

    #[test]
    fn formula_errors_are_refused_naming_the_field() {
        let e = cell_text(Field::Name, &Cell::Error("#DIV/0!".into())).unwrap_err();
        assert_eq!(e.to_string(), "name: \"#DIV/0!\" cell-formula-error");
    }

    #[test]
    fn row_errors_name_the_row_and_the_field_in_both_languages() {
        let e = RowError::new(17, FieldError::new(Field::JoinDate, Problem::NotADate, "2023-13-40"));
        assert_eq!(e.to_string(), "row 17, join_date: \"2023-13-40\" problem-not-a-date");
    }

    #[test]
    fn headers_match_in_either_language_in_any_order() {
        let t = table(&[" NAME ", "入党日期", "Id_Number*", ""], &[&["张三", "2000-01-01", "x", ""]]);
        let map = ColumnMap::new(&t, &[Field::Name, Field::IdNumber, Field::JoinDate], &[Field::Name]).unwrap();
        assert_eq!(map.cell(&t.rows[0], Field::Name), &Cell::Text("张三".into()));
        assert_eq!(map.cell(&t.rows[0], Field::IdNumber), &Cell::Text("x".into()));
        assert!(!map.has(Field::Phone));
    }

    #[test]
    fn unknown_twice_given_and_missing_columns_are_all_reported() {
        let t = table(&["姓名", "name", "籍贯"], &[]);
        let errors = ColumnMap::new(&t, &[Field::Name, Field::JoinDate], &[Field::Name, Field::JoinDate]).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[0].starts_with("row 1, name: column-twice"));
        assert!(text[1].contains("\"籍贯\" column-unknown"));
        assert!(text[2].contains("join_date: column-missing"));
    }

    #[test]
    fn a_table_with_only_blank_rows_has_no_data() {
        let t = table(&["姓名"], &[&["  "], &[""]]);
        assert!(data_rows(&t).unwrap_err().to_string().contains("file-no-data-rows"));
    }
}

#[cfg(test)]
mod neutralizing_quote_tests {
    use super::*;

    #[test]
    fn an_exported_formula_guard_is_removed_on_import_and_other_apostrophes_stay() {
        assert_eq!(Cell::Text("'+86 10 6512 3456".into()).to_text(), "+86 10 6512 3456");
        assert_eq!(Cell::Text("'=1+1".into()).to_text(), "=1+1");
        assert_eq!(Cell::Text("O'Neil".into()).to_text(), "O'Neil");
        assert_eq!(Cell::Text("'abc".into()).to_text(), "'abc");
    }
}
