//! Reading and writing spreadsheet files: XLSX and XLS through calamine, CSV
//! in UTF-8 (with or without BOM), UTF-16 or GB18030, and XLSX and CSV
//! exports safe against formula injection.
//!
//! This crate knows file formats only; what the rows mean is the domain's
//! business (`domain::roster`, `domain::org_sheet`), which reads the
//! [`Table`] produced here.
#![forbid(unsafe_code)]

mod error;
mod read;
mod workbook;
mod write;

pub use domain::sheet::{Cell, SheetRow, Table};
pub use error::SheetError;
pub use read::{MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, read_table, read_table_from_path};
pub use write::{OutputFormat, neutralize, write_csv, write_xlsx};
