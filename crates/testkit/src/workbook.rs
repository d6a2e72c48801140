//! Real XLSX files for the tests of spreadsheet reading: text, numbers,
//! dates formatted as Excel formats them, formulas with their cached
//! results and blank cells, written by rust_xlsxwriter.

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

/// A value to put in a test workbook cell.
pub enum Value {
    Text(&'static str),
    Owned(String),
    Number(f64),
    /// A date cell formatted `yyyy-mm-dd`.
    Date(u16, u8, u8),
    /// A formula with its cached result.
    Formula(&'static str, &'static str),
    Blank,
}

/// Builds an XLSX file whose first sheet has `headers` and `rows`.
pub fn xlsx(headers: &[&str], rows: &[Vec<Value>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match value {
                Value::Text(s) => {
                    sheet.write_string(r, c, *s).unwrap();
                }
                Value::Owned(s) => {
                    sheet.write_string(r, c, s).unwrap();
                }
                Value::Number(n) => {
                    sheet.write_number(r, c, *n).unwrap();
                }
                Value::Date(y, m, d) => {
                    let date = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    sheet.write_datetime_with_format(r, c, &date, &date_format).unwrap();
                }
                Value::Formula(f, result) => {
                    sheet.write_formula(r, c, Formula::new(*f).set_result(*result)).unwrap();
                }
                Value::Blank => {}
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}
