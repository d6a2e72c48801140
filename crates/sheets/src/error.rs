//! The errors of reading and writing spreadsheet files, worded in Chinese and
//! English like the domain's field errors, with stable codes for the API.

use crate::read::{MAX_CELLS, MAX_COLUMNS};

/// Why a file could not be read or written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("文件过大（{bytes} 字节，上限 32 MiB） / the file is too large ({bytes} bytes; the limit is 32 MiB)")]
    TooLarge { bytes: u64 },
    #[error("文件为空 / empty file")]
    Empty,
    #[error("'{file}' 不是电子表格（请上传 XLSX、XLS 或 CSV） / '{file}' is not a spreadsheet (upload XLSX, XLS or CSV)")]
    NotASpreadsheet { file: String },
    #[error("'{file}' 已损坏，无法读取（{reason}） / '{file}' is damaged and cannot be read ({reason})")]
    Corrupt { file: String, reason: String },
    #[error(
        "'{file}' 的文字编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV / '{file}' is not text in UTF-8 or GB18030; save it as a UTF-8 CSV"
    )]
    Encoding { file: String },
    #[error("'{file}' 中没有工作表 / '{file}' has no worksheet")]
    NoWorksheet { file: String },
    #[error("表格超过 {MAX_COLUMNS} 列 / the sheet has more than {MAX_COLUMNS} columns")]
    TooWide,
    #[error("表格超过 {MAX_CELLS} 个单元格 / the sheet has more than {MAX_CELLS} cells")]
    TooManyCells,
    #[error("无法读取文件（{0}） / the file cannot be read ({0})")]
    Io(String),
    #[error("无法生成文件（{0}） / the file could not be written ({0})")]
    Write(String),
}

impl SheetError {
    /// A stable snake_case code for APIs.
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::TooLarge { .. } => "file_too_large",
            SheetError::Empty => "empty_file",
            SheetError::NotASpreadsheet { .. } => "not_a_spreadsheet",
            SheetError::Corrupt { .. } => "corrupt_file",
            SheetError::Encoding { .. } => "unknown_encoding",
            SheetError::NoWorksheet { .. } => "no_worksheet",
            SheetError::TooWide => "too_many_columns",
            SheetError::TooManyCells => "too_many_cells",
            SheetError::Io(_) => "unreadable_file",
            SheetError::Write(_) => "write_failed",
        }
    }
}

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
