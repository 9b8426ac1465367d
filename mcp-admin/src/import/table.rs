//! Tables — CSV files and spreadsheets — read row by row, and the generic
//! layout (one product per row).
//!
//! Both sources give rows as a reused [`StringRecord`]; the header row picks
//! the layout ([`Layout`]) whose processor turns rows into products.

use std::borrow::Cow;
use std::io::{self, Cursor, Read};
use std::sync::Arc;

use csv::StringRecord;
use encoding_rs_io::DecodeReaderBytesBuilder;
use museo_sdk::types::Lang;

use crate::import::detect::{self, TextEncoding};
use crate::import::header::{EXPECTED_COLUMNS, Mapping};
use crate::import::product::{Draft, Notes, build};
use crate::import::sheet::SheetRows;
use crate::import::shopify::Shopify;
use crate::import::text::header_words;
use crate::import::woocommerce::WooCommerce;
use crate::import::{CountingReader, ImportError, Layout, Out, Progress, RowUnit};

/// What reading one row gave.
pub(crate) enum RowRead {
    /// A row, with its line or row number.
    Row(u64),
    /// The end of the table.
    End,
    /// An error after which nothing more can be read, at a line.
    Fatal(u64, String),
}

/// Why a CSV could not be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    Import(ImportError),
    Io(io::Error),
}

/// A CSV file, decoded to UTF-8 while streaming.
pub(crate) struct CsvRows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    progress: Arc<Progress>,
    pub(crate) encoding: TextEncoding,
    pub(crate) delimiter: u8,
}

impl CsvRows {
    /// Opens a CSV whose first bytes, `prefix`, were already read from
    /// `rest` (`complete` when they are the whole file): guesses the
    /// encoding from them and the delimiter from the decoded header line.
    pub(crate) fn open(
        prefix: Vec<u8>,
        complete: bool,
        rest: CountingReader,
        progress: Arc<Progress>,
    ) -> Result<CsvRows, OpenError> {
        let encoding = detect::sniff_encoding(&prefix, complete);
        let utf16 = matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be);
        if !utf16 && detect::looks_binary(&prefix) {
            return Err(OpenError::Import(ImportError::NotATable));
        }
        let mut start = Cursor::new(prefix);
        let decoded: Box<dyn Read + Send> = match encoding {
            TextEncoding::Utf8 { bom } => {
                start.set_position(bom as u64);
                Box::new(start.chain(rest))
            }
            TextEncoding::Utf16Le | TextEncoding::Utf16Be | TextEncoding::Windows1252 => {
                let label = match encoding {
                    TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
                    TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
                    _ => encoding_rs::WINDOWS_1252,
                };
                Box::new(
                    DecodeReaderBytesBuilder::new()
                        .encoding(Some(label))
                        .bom_override(true)
                        .strip_bom(true)
                        .build(start.chain(rest)),
                )
            }
        };
        let mut decoded = decoded;
        let head = read_header_text(&mut decoded).map_err(OpenError::Io)?;
        let delimiter = detect::sniff_delimiter(&head);
        let stream: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(decoded));
        // Records end at `\n` only, and a `\r` before it is dropped from the
        // last field below: with CSV's CRLF handling the `\n` of a record's
        // `\r\n` would be read with the next record, which would then report
        // the line before its own.
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(64 * 1024)
            .from_reader(stream);
        Ok(CsvRows {
            reader,
            progress,
            encoding,
            delimiter,
        })
    }

    /// Reads the next record into `record`, reusing its buffers: the bytes
    /// are checked as UTF-8 once and moved, not copied. A record that is not
    /// UTF-8 (a Windows-1252 line in a file that started as UTF-8) is
    /// decoded as Windows-1252, and noted.
    fn next_row(&mut self, record: &mut StringRecord, notes: &mut Notes) -> RowRead {
        self.progress.mark();
        let start = self.reader.position().line();
        let mut bytes = std::mem::take(record).into_byte_record();
        match self.reader.read_byte_record(&mut bytes) {
            Ok(true) => {
                let line = bytes.position().map_or(start, |p| p.line());
                let last = bytes.len().saturating_sub(1);
                if let Some(field) = bytes.get(last).and_then(|f| f.strip_suffix(b"\r")) {
                    let field = field.to_vec();
                    bytes.truncate(last);
                    bytes.push_field(&field);
                }
                match StringRecord::from_byte_record(bytes) {
                    Ok(text) => *record = text,
                    Err(e) => {
                        let bytes = e.into_byte_record();
                        record.clear();
                        for field in bytes.iter() {
                            match std::str::from_utf8(field) {
                                Ok(text) => record.push_field(text),
                                Err(_) => record.push_field(
                                    &encoding_rs::WINDOWS_1252
                                        .decode_without_bom_handling(field)
                                        .0,
                                ),
                            }
                        }
                        notes.count("lines that were not UTF-8, read as Windows-1252", || {
                            format!("line {line}")
                        });
                    }
                }
                RowRead::Row(line)
            }
            Ok(false) => RowRead::End,
            Err(e) => {
                let message = match e.kind() {
                    csv::ErrorKind::Io(io) => io.to_string(),
                    _ => e.to_string(),
                };
                RowRead::Fatal(start, format!("cannot read further: {message}"))
            }
        }
    }
}

/// Reads decoded text up to the end of the first line (or 64 KiB), for the
/// delimiter sniffer.
fn read_header_text(reader: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(8 * 1024);
    let mut chunk = [0u8; 8 * 1024];
    while head.len() < detect::SNIFF_BYTES {
        let n = reader.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
        if chunk[..n].contains(&b'\n') {
            break;
        }
    }
    Ok(head)
}

/// Where rows come from.
pub(crate) enum Rows {
    Csv(CsvRows),
    Sheet(SheetRows),
}

impl Rows {
    fn next_row(&mut self, record: &mut StringRecord, notes: &mut Notes) -> RowRead {
        match self {
            Rows::Csv(csv) => csv.next_row(record, notes),
            Rows::Sheet(sheet) => sheet.next_row(record),
        }
    }

    fn unit(&self) -> RowUnit {
        match self {
            Rows::Csv(_) => RowUnit::Line,
            Rows::Sheet(_) => RowUnit::Row,
        }
    }
}

/// What turns rows into products.
enum Processor {
    Generic(Generic),
    Shopify(Box<Shopify>),
    WooCommerce(Box<WooCommerce>),
}

/// A table being imported.
pub(crate) struct Table {
    rows: Rows,
    record: StringRecord,
    processor: Processor,
    rows_read: u64,
}

impl Table {
    /// Reads the header (the first row with a non-empty cell) and picks the layout.
    pub(crate) fn open(
        mut rows: Rows,
        language: Option<Lang>,
        notes: &mut Notes,
    ) -> Result<Table, ImportError> {
        let mut record = StringRecord::new();
        loop {
            match rows.next_row(&mut record, notes) {
                RowRead::Row(_) if is_blank(&record) => continue,
                RowRead::Row(_) => break,
                RowRead::End => {
                    return Err(ImportError::NoHeader(
                        "the table is empty: its first row should name the columns".into(),
                    ));
                }
                RowRead::Fatal(_, message) => return Err(ImportError::NoHeader(message)),
            }
        }
        let headers: Vec<String> = record.iter().map(|h| h.trim().to_owned()).collect();
        let processor = match detect_layout(&headers) {
            Layout::Shopify => Processor::Shopify(Box::new(Shopify::new(&headers, notes))),
            Layout::WooCommerce => {
                Processor::WooCommerce(Box::new(WooCommerce::new(&headers, notes)))
            }
            Layout::Generic => {
                let mapping = Mapping::new(headers.iter().map(String::as_str), language);
                if !mapping.has_title() || !mapping.has_price() {
                    return Err(ImportError::NoUsableColumns {
                        found: headers.into_iter().filter(|h| !h.is_empty()).collect(),
                        expected: EXPECTED_COLUMNS.to_owned(),
                    });
                }
                if mapping.language != Lang::En {
                    notes.warn(format!(
                        "titles and descriptions without a language read as {} (from the header words)",
                        match mapping.language {
                            Lang::Es => "Spanish",
                            Lang::Fr => "French",
                            Lang::En => "English",
                        }
                    ));
                }
                if !mapping.ignored.is_empty() {
                    notes.warn(format!("ignored columns: {}", mapping.ignored.join(", ")));
                }
                Processor::Generic(Generic { mapping })
            }
        };
        Ok(Table {
            rows,
            record,
            processor,
            rows_read: 0,
        })
    }

    pub(crate) fn layout(&self) -> Layout {
        match self.processor {
            Processor::Generic(_) => Layout::Generic,
            Processor::Shopify(_) => Layout::Shopify,
            Processor::WooCommerce(_) => Layout::WooCommerce,
        }
    }

    pub(crate) fn unit(&self) -> RowUnit {
        self.rows.unit()
    }

    pub(crate) fn rows_read(&self) -> u64 {
        self.rows_read
    }

    pub(crate) fn total_rows(&self) -> Option<u64> {
        match &self.rows {
            Rows::Csv(_) => None,
            Rows::Sheet(sheet) => Some(sheet.data_rows()),
        }
    }

    /// Reads one row and hands it to the layout; false at the end.
    pub(crate) fn step(&mut self, out: &mut Out<'_>) -> bool {
        match self.rows.next_row(&mut self.record, out.notes) {
            RowRead::Row(row) => {
                self.rows_read += 1;
                if !is_blank(&self.record) {
                    match &mut self.processor {
                        Processor::Generic(g) => g.row(row, &self.record, out),
                        Processor::Shopify(s) => s.row(row, &self.record, out),
                        Processor::WooCommerce(w) => w.row(row, &self.record, out),
                    }
                }
                true
            }
            RowRead::End => {
                match &mut self.processor {
                    Processor::Generic(_) => {}
                    Processor::Shopify(s) => s.finish(out),
                    Processor::WooCommerce(w) => w.finish(out),
                }
                false
            }
            RowRead::Fatal(row, message) => {
                out.fatal(row, message);
                false
            }
        }
    }

    /// Bytes held by the row buffers.
    #[cfg(test)]
    pub(crate) fn buffered_bytes(&self) -> usize {
        let record = self.record.as_byte_record().as_slice().len();
        let group = match &self.processor {
            Processor::Generic(_) => 0,
            Processor::Shopify(s) => s.buffered_bytes(),
            Processor::WooCommerce(w) => w.buffered_bytes(),
        };
        record + group
    }
}

/// True when every cell is blank (Excel's `;;;;` rows).
fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|cell| cell.trim().is_empty())
}

/// The layout a header row shows. Shopify: a `Handle` (or `URL handle`)
/// column with one of Shopify's own columns (`Variant Price`, `Variant SKU`,
/// `Option1 Name`, `Option1 Value`, `Body (HTML)`, `Product image URL`).
/// WooCommerce: `Type` and `Regular price` with one of `Parent`, `In stock?`,
/// `Attribute 1 name` or `ID`.
pub(crate) fn detect_layout(headers: &[String]) -> Layout {
    let keys: Vec<String> = headers
        .iter()
        .map(|h| header_words(h).replace(' ', ""))
        .collect();
    let has = |k: &str| keys.iter().any(|h| h == k);
    if (has("handle") || has("urlhandle"))
        && (has("variantprice")
            || has("variantsku")
            || has("option1name")
            || has("option1value")
            || has("bodyhtml")
            || has("productimageurl"))
    {
        return Layout::Shopify;
    }
    if has("type")
        && has("regularprice")
        && (has("parent") || has("instock") || has("attribute1name") || has("id"))
    {
        return Layout::WooCommerce;
    }
    Layout::Generic
}

/// One product per row.
struct Generic {
    mapping: Mapping,
}

impl Generic {
    fn row(&mut self, row: u64, record: &StringRecord, out: &mut Out<'_>) {
        let mut draft = Draft::default();
        for ((cell, field), name) in record
            .iter()
            .zip(&self.mapping.fields)
            .zip(&self.mapping.names)
        {
            if let Some(field) = field {
                draft.set(field, name, Cow::Borrowed(cell));
            }
        }
        let result = build(draft, out.ctx, out.notes);
        out.result(row, result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(headers: &str) -> Layout {
        let headers: Vec<String> = headers.split(',').map(str::to_owned).collect();
        detect_layout(&headers)
    }

    #[test]
    fn layouts_from_headers() {
        assert_eq!(
            layout("Handle,Title,Body (HTML),Variant Price"),
            Layout::Shopify
        );
        assert_eq!(
            layout("Title,URL handle,Option1 name,Price"),
            Layout::Shopify
        );
        assert_eq!(layout("handle,title,price,image src"), Layout::Generic);
        assert_eq!(
            layout("ID,Type,SKU,Name,Regular price,Parent"),
            Layout::WooCommerce
        );
        assert_eq!(layout("sku,type,regular price"), Layout::Generic);
    }
}
