//! The errors of reading and writing spreadsheet files: typed, with stable
//! codes for the API and messages rendered at the edge.

use crate::read::{MAX_CELLS, MAX_COLUMNS};
use domain::Message;

/// Why a file could not be read or written. `Display` is for logs; people
/// read [`SheetError::message`] in their language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is too large ({bytes} bytes; the limit is 32 MiB)")]
    TooLarge { bytes: u64 },
    #[error("empty file")]
    Empty,
    #[error("'{file}' is not a spreadsheet")]
    NotASpreadsheet { file: String },
    #[error("'{file}' is damaged and cannot be read ({reason})")]
    Corrupt { file: String, reason: String },
    #[error("'{file}': the quoted field opened on row {row} is never closed")]
    UnclosedQuote { file: String, row: usize },
    #[error("'{file}' is not text in UTF-8 or GB18030")]
    Encoding { file: String },
    #[error("'{file}' has no worksheet")]
    NoWorksheet { file: String },
    #[error("the sheet has more than {MAX_COLUMNS} columns")]
    TooWide,
    #[error("the sheet has more than {MAX_CELLS} cells")]
    TooManyCells,
    #[error("the file cannot be read ({0})")]
    Io(String),
    #[error("the file could not be written ({0})")]
    Write(String),
}

impl SheetError {
    /// A stable snake_case code for APIs.
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::TooLarge { .. } => "file_too_large",
            SheetError::Empty => "empty_file",
            SheetError::NotASpreadsheet { .. } => "not_a_spreadsheet",
            SheetError::Corrupt { .. } | SheetError::UnclosedQuote { .. } => "corrupt_file",
            SheetError::Encoding { .. } => "unknown_encoding",
            SheetError::NoWorksheet { .. } => "no_worksheet",
            SheetError::TooWide => "too_many_columns",
            SheetError::TooManyCells => "too_many_cells",
            SheetError::Io(_) => "unreadable_file",
            SheetError::Write(_) => "write_failed",
        }
    }

    /// What went wrong, for the reader.
    pub fn message(&self) -> Message {
        match self {
            SheetError::TooLarge { bytes } => {
                Message::new("sheet-too-large").number("bytes", i64::try_from(*bytes).unwrap_or(i64::MAX)).count("limit_mib", MAX_MIB)
            }
            SheetError::Empty => Message::new("sheet-empty"),
            SheetError::NotASpreadsheet { file } => Message::new("sheet-not-a-spreadsheet").text("file", file.clone()),
            SheetError::Corrupt { file, reason } => Message::new("sheet-corrupt").text("file", file.clone()).text("reason", reason.clone()),
            SheetError::UnclosedQuote { file, row } => Message::new("sheet-unclosed-quote").text("file", file.clone()).count("row", *row),
            SheetError::Encoding { file } => Message::new("sheet-encoding").text("file", file.clone()),
            SheetError::NoWorksheet { file } => Message::new("sheet-no-worksheet").text("file", file.clone()),
            SheetError::TooWide => Message::new("sheet-too-wide").count("max", MAX_COLUMNS),
            SheetError::TooManyCells => Message::new("sheet-too-many-cells").count("max", MAX_CELLS),
            SheetError::Io(reason) => Message::new("sheet-unreadable").text("reason", reason.clone()),
            SheetError::Write(reason) => Message::new("sheet-write-failed").text("reason", reason.clone()),
        }
    }
}

/// The size limit in MiB, as messages state it.
const MAX_MIB: usize = (crate::MAX_FILE_BYTES / (1024 * 1024)) as usize;

/// A file name as it may appear in a message: the last path component, with
/// control and direction characters escaped and the length bounded.
pub(crate) fn display_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    sanitize(base, 80)
}

/// A reason from a parser library, bounded so it cannot flood a page.
pub(crate) fn short_reason(reason: impl std::fmt::Display) -> String {
    sanitize(&reason.to_string(), 160)
}

fn sanitize(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .flat_map(|c| if c.is_control() || domain::text::is_bidi_control(c) { c.escape_unicode().collect::<Vec<_>>() } else { vec![c] })
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}
