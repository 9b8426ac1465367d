//! Spreadsheets (XLSX, XLS, ODS) through calamine.
//!
//! The sheet read is the one named `products`, `productos`, `produits` (or
//! the singular, any case) when there is one, else the first. calamine loads
//! the whole sheet, so memory grows with it; rows are then handed out one by
//! one like CSV records, numbered as the spreadsheet numbers them.

use std::io::Cursor;

use calamine::{Data, Ods, Range, Reader, Xls, Xlsx, open_workbook_from_rs};
use csv::StringRecord;

use crate::import::table::RowRead;
use crate::import::text::fold_lower;
use crate::import::{Format, ImportError};

/// The rows of one worksheet.
pub(crate) struct SheetRows {
    range: Range<Data>,
    next: usize,
    /// The spreadsheet row number of the range's first row, minus one.
    offset: u64,
    /// Rows consumed by the header, for the data row count.
    header_rows: u64,
}

impl SheetRows {
    /// Opens the workbook in `bytes` and loads its product sheet.
    pub(crate) fn open(bytes: Vec<u8>, format: Format) -> Result<SheetRows, ImportError> {
        let cursor = Cursor::new(bytes);
        let spreadsheet = |e: String| ImportError::Spreadsheet(e);
        let range = match format {
            Format::Xls => {
                let mut book = open_workbook_from_rs::<Xls<_>, _>(cursor)
                    .map_err(|e| spreadsheet(e.to_string()))?;
                product_sheet(&mut book)?
            }
            Format::Ods => {
                let mut book = open_workbook_from_rs::<Ods<_>, _>(cursor)
                    .map_err(|e| spreadsheet(e.to_string()))?;
                product_sheet(&mut book)?
            }
            _ => {
                let mut book = open_workbook_from_rs::<Xlsx<_>, _>(cursor)
                    .map_err(|e| spreadsheet(e.to_string()))?;
                product_sheet(&mut book)?
            }
        };
        let offset = range.start().map_or(0, |(row, _)| u64::from(row));
        Ok(SheetRows {
            range,
            next: 0,
            offset,
            header_rows: 0,
        })
    }

    /// Fills `record` with the next row's cells as text.
    pub(crate) fn next_row(&mut self, record: &mut StringRecord) -> RowRead {
        let (height, width) = self.range.get_size();
        if self.next >= height {
            return RowRead::End;
        }
        let row = self.next;
        self.next += 1;
        record.clear();
        let mut text = String::new();
        for col in 0..width {
            text.clear();
            if let Some(cell) = self.range.get((row, col)) {
                cell_text(cell, &mut text);
            }
            record.push_field(&text);
        }
        if self.header_rows == 0 && record.iter().any(|c| !c.trim().is_empty()) {
            self.header_rows = self.next as u64;
        }
        RowRead::Row(self.offset + row as u64 + 1)
    }

    /// Rows after the header.
    pub(crate) fn data_rows(&self) -> u64 {
        (self.range.height() as u64).saturating_sub(self.header_rows)
    }
}

/// The sheet to read: one named like "products" in English, Spanish or
/// French, else the first.
fn product_sheet<RS, R>(book: &mut R) -> Result<Range<Data>, ImportError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| {
            matches!(
                fold_lower(n.trim()).as_str(),
                "products" | "product" | "productos" | "producto" | "produits" | "produit"
            )
        })
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| ImportError::Spreadsheet("the workbook has no sheet".into()))?;
    book.worksheet_range(&name)
        .map_err(|e| ImportError::Spreadsheet(format!("sheet `{name}`: {e}")))
}

/// A cell as the text a CSV would hold: whole numbers without `.0`, other
/// numbers in their shortest exact form, booleans as `true`/`false`, errors
/// (`#N/A`) as empty.
fn cell_text(cell: &Data, out: &mut String) {
    use std::fmt::Write as _;
    match cell {
        Data::Empty | Data::Error(_) => {}
        Data::String(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                let _ = write!(out, "{}", *f as i64);
            } else {
                let _ = write!(out, "{f}");
            }
        }
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_like_csv_text() {
        let text = |d: Data| {
            let mut s = String::new();
            cell_text(&d, &mut s);
            s
        };
        assert_eq!(text(Data::Float(12.0)), "12");
        assert_eq!(text(Data::Float(49.9)), "49.9");
        assert_eq!(text(Data::Int(-3)), "-3");
        assert_eq!(text(Data::Bool(true)), "true");
        assert_eq!(text(Data::String("Jarrón".into())), "Jarrón");
        assert_eq!(text(Data::Empty), "");
    }
}
