//! Reading product files for the `import_products` tool.
//!
//! [`Importer::open`] takes a file (a path or bytes), works out what it is
//! and yields one [`ImportItem`] per product — a ready
//! [`ProductInput`] for the bulk endpoint — or one [`RowError`] per row that
//! cannot become one, never stopping at a bad row. Whole-file problems (an
//! unreadable file, no header, no usable column) are an [`ImportError`] from
//! `open`.
//!
//! **Formats** ([`Format`]): CSV (UTF-8 with or without BOM, UTF-16 with a
//! BOM, Windows-1252; comma, semicolon, tab or `|` delimited), XLSX, XLS,
//! ODS, a JSON array (or an object with a `products` array) and NDJSON.
//! Without `ImportOptions::format`, the extension decides (but a
//! spreadsheet's magic bytes win over `.csv`, and the content tells JSON from
//! NDJSON); without an extension the first bytes do: `PK\x03\x04` is XLSX,
//! or ODS when its `mimetype` entry says so; `\xD0\xCF\x11\xE0` is XLS; a
//! first non-space `[` is JSON; `{` is NDJSON when the first line is a whole
//! object and another line follows, JSON otherwise; anything else is CSV.
//! A CSV's encoding is its BOM, else UTF-16 when every other byte is zero,
//! else UTF-8 when the first 64 KiB are valid UTF-8, else Windows-1252 (a
//! later line that is not UTF-8 is read as Windows-1252 too, with a warning);
//! its delimiter is the most frequent of `,` `;` tab `|` outside quotes on
//! the header line.
//!
//! **Layouts** ([`Layout`]): a generic table whose headers are matched in
//! English, Spanish and French (see the `header` module for the rules), a
//! Shopify product export (rows grouped by `Handle` into variants), or a
//! WooCommerce product export (`variable` products with their `variation`
//! rows). The layout is recognised from the header row.
//!
//! **Memory.** CSV, JSON and NDJSON are streamed: the importer holds one
//! record (at most 16 MiB; a longer one is reported and ends the import, as it
//! means a quote was left open) plus, for Shopify and WooCommerce, the rows of
//! the product being grouped (at most 1000). Spreadsheets are read whole by
//! calamine, so memory grows with the sheet; files over
//! [`MAX_SHEET_BYTES`] are refused.
//!
//! The iterator blocks on I/O: run it on a blocking thread.

mod content;
mod detect;
mod header;
mod json;
mod product;
mod sheet;
mod shopify;
mod stream;
mod table;
mod text;
mod values;
mod woocommerce;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Cursor, Read};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use museo_sdk::types::{Currency, ProductInput};

pub use crate::import::content::decode_content;
use crate::import::product::{Ctx, FieldError, Notes};
pub(crate) use crate::import::stream::{CountingReader, Progress};
use crate::import::stream::{read_rest, read_up_to};

/// The largest spreadsheet accepted, in bytes: spreadsheets are read whole.
pub const MAX_SHEET_BYTES: u64 = 64 * 1024 * 1024;

/// The longest CSV record or JSON item, in bytes.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// A product file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Delimited text.
    Csv,
    /// Excel 2007+ workbook.
    Xlsx,
    /// Excel 97–2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// A JSON array of products, or an object with a `products` array.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    /// The lowercase name (`csv`, `xlsx`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }

    fn is_sheet(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls | Format::Ods)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = ImportError;

    /// Parses `csv`, `xlsx`, `xls`, `ods`, `json`, `ndjson` or `jsonl`, in any
    /// case, with or without a leading dot.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().trim_start_matches('.').to_ascii_lowercase();
        Ok(match name.as_str() {
            "csv" | "tsv" => Format::Csv,
            "xlsx" | "xlsm" => Format::Xlsx,
            "xls" => Format::Xls,
            "ods" => Format::Ods,
            "json" => Format::Json,
            "ndjson" | "jsonl" => Format::Ndjson,
            _ => return Err(ImportError::UnknownFormat(s.to_owned())),
        })
    }
}

/// How a table lays out its products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// One product per row (or per JSON object), headers matched by name.
    Generic,
    /// A Shopify product export: one row per variant or extra image, grouped by `Handle`.
    Shopify,
    /// A WooCommerce product export: `variation` rows follow their `variable` parent.
    WooCommerce,
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layout::Generic => "generic",
            Layout::Shopify => "shopify",
            Layout::WooCommerce => "woocommerce",
        })
    }
}

/// Where the file comes from.
pub enum Source {
    /// A file on disk; its extension helps recognise the format.
    Path(PathBuf),
    /// The file's bytes (see [`decode_content`] for inline content).
    Bytes(Vec<u8>),
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Source::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The format; `None` recognises it from the extension and the content.
    pub format: Option<Format>,
    /// Currency of prices that name none (ISO 4217, default `EUR`).
    pub default_currency: String,
    /// Sets every product's `published`, overriding the file.
    pub publish: Option<bool>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            format: None,
            default_currency: "EUR".to_owned(),
            publish: None,
        }
    }
}

/// One product read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    /// Where its first row is: the 1-based line of a CSV record (the header
    /// is line 1) or NDJSON line, the row number in a spreadsheet, the
    /// 1-based position in a JSON array.
    pub row: u64,
    /// The product, ready for the bulk endpoint.
    pub input: ProductInput,
}

/// What [`RowError::row`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowUnit {
    /// A line of a text file (CSV, NDJSON).
    #[default]
    Line,
    /// A spreadsheet row.
    Row,
    /// An item of a JSON array.
    Item,
}

impl fmt::Display for RowUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RowUnit::Line => "line",
            RowUnit::Row => "row",
            RowUnit::Item => "item",
        })
    }
}

/// A row that could not become a product. The import goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Where: see [`ImportItem::row`].
    pub row: u64,
    /// What `row` counts.
    pub unit: RowUnit,
    /// The product field at fault (`price`, `title.es`, `sku`,
    /// `variants[1].sku`), when one is.
    pub field: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for RowError {
    /// `line 14, field price: column `Precio`: `abc` is not a price`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.unit, self.row)?;
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RowError {}

/// Why a file cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error("cannot read {what}: {source}")]
    Io {
        /// The file.
        what: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A format name that is not one of ours.
    #[error("unknown format `{0}`: use csv, xlsx, xls, ods, json or ndjson")]
    UnknownFormat(String),
    /// Binary content that is not a spreadsheet.
    #[error(
        "the file is not a table: it is neither CSV text, a spreadsheet (xlsx, xls, ods) nor JSON"
    )]
    NotATable,
    /// Nothing to read a header from.
    #[error("no header row: {0}")]
    NoHeader(String),
    /// A header row without the columns a product needs.
    #[error("no usable columns: found {}; expected {expected}", found_list(.found))]
    NoUsableColumns {
        /// The headers of the file.
        found: Vec<String>,
        /// What was looked for.
        expected: String,
    },
    /// A file beyond what is read into memory.
    #[error("the file is too large: {size} bytes, the most for this format is {limit}")]
    TooLarge {
        /// The file's size (or the bytes read before giving up).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Inline content announced as base64 that is not.
    #[error("the content is not valid base64: {0}")]
    Base64(String),
    /// A workbook calamine cannot read.
    #[error("cannot read the spreadsheet: {0}")]
    Spreadsheet(String),
    /// JSON whose top level is not an array or object of products.
    #[error("cannot read the JSON: {0}")]
    Json(String),
    /// An option that is not valid.
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

fn found_list(found: &[String]) -> String {
    if found.is_empty() {
        return "no named column".to_owned();
    }
    let shown: Vec<String> = found.iter().take(30).map(|h| format!("`{h}`")).collect();
    let more = found.len().saturating_sub(30);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Where the importer puts what a step produced.
pub(crate) struct Out<'a> {
    pub(crate) ctx: &'a Ctx,
    pub(crate) notes: &'a mut Notes,
    queue: &'a mut VecDeque<Result<ImportItem, RowError>>,
    pub(crate) unit: RowUnit,
    /// Set when reading cannot go on.
    aborted: &'a mut bool,
}

impl Out<'_> {
    pub(crate) fn item(&mut self, row: u64, input: ProductInput) {
        self.queue.push_back(Ok(ImportItem { row, input }));
    }

    pub(crate) fn error(&mut self, row: u64, error: FieldError) {
        self.queue.push_back(Err(RowError {
            row,
            unit: self.unit,
            field: error.field,
            message: error.message,
        }));
    }

    pub(crate) fn result(&mut self, row: u64, result: Result<ProductInput, FieldError>) {
        match result {
            Ok(input) => self.item(row, input),
            Err(error) => self.error(row, error),
        }
    }

    /// Reports an error after which nothing more can be read.
    pub(crate) fn fatal(&mut self, row: u64, message: String) {
        self.error(
            row,
            FieldError {
                field: None,
                message,
            },
        );
        *self.aborted = true;
    }
}

enum Reader {
    Table(table::Table),
    Json(json::JsonItems),
}

/// Reads a product file: an iterator of products and row errors.
///
/// ```no_run
/// use mcp_admin::import::{Importer, ImportOptions, Source};
///
/// let importer = Importer::open(Source::Path("products.csv".into()), &ImportOptions::default())?;
/// for item in importer {
///     match item {
///         Ok(item) => { /* batch item.input for the bulk endpoint */ }
///         Err(row_error) => eprintln!("{row_error}"),
///     }
/// }
/// # Ok::<(), mcp_admin::import::ImportError>(())
/// ```
pub struct Importer {
    format: Format,
    layout: Layout,
    encoding: Option<&'static str>,
    delimiter: Option<u8>,
    reader: Reader,
    progress: Arc<Progress>,
    total_bytes: Option<u64>,
    ctx: Ctx,
    notes: Notes,
    queue: VecDeque<Result<ImportItem, RowError>>,
    finished: bool,
    aborted: bool,
}

impl fmt::Debug for Importer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Importer")
            .field("format", &self.format)
            .field("layout", &self.layout)
            .field("encoding", &self.encoding)
            .field("rows_read", &self.rows_read())
            .field("bytes_read", &self.bytes_read())
            .field("total_bytes", &self.total_bytes)
            .finish_non_exhaustive()
    }
}

impl Importer {
    /// Opens a file, recognises its format and layout, and reads its header.
    pub fn open(source: Source, options: &ImportOptions) -> Result<Importer, ImportError> {
        match source {
            Source::Path(path) => {
                let what = path.display().to_string();
                let io_error = |source| ImportError::Io {
                    what: what.clone(),
                    source,
                };
                let file = std::fs::File::open(&path).map_err(io_error)?;
                let size = file.metadata().map_err(io_error)?.len();
                let extension = detect::format_from_extension(&path);
                Self::start(Box::new(file), Some(size), extension, what.clone(), options)
            }
            Source::Bytes(bytes) => {
                let size = bytes.len() as u64;
                Self::start(
                    Box::new(Cursor::new(bytes)),
                    Some(size),
                    None,
                    "the content".to_owned(),
                    options,
                )
            }
        }
    }

    /// Reads from any reader (a pipe, a download), recognising the format
    /// from the content unless `options.format` names it. Spreadsheets are
    /// read into memory first.
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        options: &ImportOptions,
    ) -> Result<Importer, ImportError> {
        Self::start(
            Box::new(reader),
            None,
            None,
            "the input".to_owned(),
            options,
        )
    }

    fn start(
        inner: Box<dyn Read + Send>,
        total_bytes: Option<u64>,
        extension: Option<Format>,
        what: String,
        options: &ImportOptions,
    ) -> Result<Importer, ImportError> {
        let currency = Currency::parse(&options.default_currency).map_err(|_| {
            ImportError::InvalidOption(format!(
                "default_currency `{}` is not an ISO 4217 code (EUR, USD, GBP…)",
                options.default_currency
            ))
        })?;
        let ctx = Ctx {
            currency,
            publish: options.publish,
        };
        let progress = Arc::new(Progress::default());
        let mut reader = CountingReader::new(inner, Arc::clone(&progress), MAX_RECORD_BYTES);
        let io_error = |source| ImportError::Io {
            what: what.clone(),
            source,
        };
        let prefix = read_up_to(&mut reader, detect::SNIFF_BYTES).map_err(io_error)?;
        let complete = prefix.len() < detect::SNIFF_BYTES;
        let format = options
            .format
            .unwrap_or_else(|| detect::detect_format(extension, &prefix));
        let mut notes = Notes::default();
        let (mut encoding, mut delimiter) = (None, None);
        let reader = match format {
            Format::Csv => {
                let csv = table::CsvRows::open(prefix, complete, reader, Arc::clone(&progress))
                    .map_err(|e| match e {
                        table::OpenError::Import(e) => e,
                        table::OpenError::Io(source) => io_error(source),
                    })?;
                encoding = Some(csv.encoding.name());
                delimiter = Some(csv.delimiter);
                Reader::Table(table::Table::open(table::Rows::Csv(csv), None, &mut notes)?)
            }
            Format::Xlsx | Format::Xls | Format::Ods => {
                if let Some(size) = total_bytes.filter(|s| *s > MAX_SHEET_BYTES) {
                    return Err(ImportError::TooLarge {
                        size,
                        limit: MAX_SHEET_BYTES,
                    });
                }
                reader.set_limit(MAX_SHEET_BYTES);
                let bytes = read_rest(prefix, reader).map_err(|e| {
                    if e.kind() == io::ErrorKind::InvalidData {
                        ImportError::TooLarge {
                            size: progress.read(),
                            limit: MAX_SHEET_BYTES,
                        }
                    } else {
                        io_error(e)
                    }
                })?;
                let rows = sheet::SheetRows::open(bytes, format)?;
                Reader::Table(table::Table::open(
                    table::Rows::Sheet(rows),
                    None,
                    &mut notes,
                )?)
            }
            Format::Json | Format::Ndjson => Reader::Json(json::JsonItems::open(
                prefix,
                reader,
                format == Format::Ndjson,
                None,
                Arc::clone(&progress),
            )?),
        };
        let layout = match &reader {
            Reader::Table(table) => table.layout(),
            Reader::Json(_) => Layout::Generic,
        };
        Ok(Importer {
            format,
            layout,
            encoding,
            delimiter,
            reader,
            progress,
            total_bytes,
            ctx,
            notes,
            queue: VecDeque::new(),
            finished: false,
            aborted: false,
        })
    }

    /// The file's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The layout recognised from the header (always `Generic` for JSON).
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The text encoding of a CSV (`UTF-8`, `UTF-16LE`, `UTF-16BE`,
    /// `windows-1252`); `None` for other formats.
    pub fn encoding(&self) -> Option<&'static str> {
        self.encoding
    }

    /// The delimiter of a CSV; `None` for other formats.
    pub fn delimiter(&self) -> Option<char> {
        self.delimiter.map(char::from)
    }

    /// Data rows (or JSON items) read so far, header excluded.
    pub fn rows_read(&self) -> u64 {
        match &self.reader {
            Reader::Table(table) => table.rows_read(),
            Reader::Json(items) => items.rows_read(),
        }
    }

    /// Total data rows when known up front (spreadsheets).
    pub fn total_rows(&self) -> Option<u64> {
        match &self.reader {
            Reader::Table(table) => table.total_rows(),
            Reader::Json(_) => None,
        }
    }

    /// Bytes of the file consumed so far, for progress against
    /// [`total_bytes`](Self::total_bytes). Streams count what was read
    /// (a buffer ahead of the rows returned); spreadsheets, read whole,
    /// report the share of rows done.
    pub fn bytes_read(&self) -> u64 {
        match (&self.reader, self.total_bytes) {
            (Reader::Table(table), Some(total)) if self.format.is_sheet() => {
                match table.total_rows() {
                    Some(rows) if rows > 0 => {
                        let done = table.rows_read().min(rows);
                        (u128::from(total) * u128::from(done) / u128::from(rows)) as u64
                    }
                    _ => total,
                }
            }
            _ => self.progress.read(),
        }
    }

    /// The file's size when known (a path or bytes; not a plain reader).
    pub fn total_bytes(&self) -> Option<u64> {
        self.total_bytes
    }

    /// Things worth telling the user that are not row errors: ignored
    /// columns, generated SKUs, rows read as Windows-1252… Each once.
    pub fn warnings(&self) -> Vec<String> {
        self.notes.render()
    }

    /// True when reading stopped early on an error that made the rest of the
    /// file unreadable (reported as the last [`RowError`]).
    pub fn aborted(&self) -> bool {
        self.aborted
    }

    /// Bytes held by the importer's own row buffers (for the memory tests).
    #[cfg(test)]
    fn buffered_bytes(&self) -> usize {
        match &self.reader {
            Reader::Table(table) => table.buffered_bytes(),
            Reader::Json(_) => 0,
        }
    }
}

impl Iterator for Importer {
    type Item = Result<ImportItem, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(next) = self.queue.pop_front() {
                return Some(next);
            }
            if self.finished {
                return None;
            }
            let mut out = Out {
                ctx: &self.ctx,
                notes: &mut self.notes,
                queue: &mut self.queue,
                unit: RowUnit::Line,
                aborted: &mut self.aborted,
            };
            let more = match &mut self.reader {
                Reader::Table(table) => {
                    out.unit = table.unit();
                    table.step(&mut out)
                }
                Reader::Json(items) => {
                    out.unit = items.unit();
                    items.step(&mut out)
                }
            };
            if !more || self.aborted {
                self.finished = true;
            }
        }
    }
}
