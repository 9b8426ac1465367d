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
//! ODS, a JSON array (or an object with a `products` array) and NDJSON. See
//! [`detect_format`](detect::detect_format) for how an unnamed file is recognised.
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

mod detect;
mod header;
mod json;
mod product;
mod sheet;
mod shopify;
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
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use museo_sdk::types::{Currency, ProductInput};

use crate::import::product::{Ctx, FieldError, Notes};

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

/// Turns a tool's inline `content` into file bytes.
///
/// The rule: content starting with `base64:` is the base64 of the file
/// (standard or URL-safe alphabet, padding optional, whitespace ignored); a
/// data URL `data:<type>;base64,<data>` likewise; a plain data URL
/// `data:<type>,<text>` is its percent-decoded text; anything else is the
/// file's text itself, as UTF-8. Text is never guessed to be base64, since a
/// one-column CSV can look like base64.
pub fn decode_content(content: &str) -> Result<Vec<u8>, ImportError> {
    let trimmed = content.trim_start();
    let head = trimmed.get(..5).unwrap_or("").to_ascii_lowercase();
    if trimmed.len() >= 7 && trimmed[..7].eq_ignore_ascii_case("base64:") {
        return decode_base64(&trimmed[7..]);
    }
    if head == "data:"
        && let Some(comma) = trimmed.find(',')
    {
        let meta = &trimmed[5..comma];
        let data = &trimmed[comma + 1..];
        if meta
            .rsplit(';')
            .next()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("base64"))
        {
            return decode_base64(data);
        }
        return Ok(percent_decode(data));
    }
    Ok(content.as_bytes().to_vec())
}

fn decode_base64(data: &str) -> Result<Vec<u8>, ImportError> {
    let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    let unpadded = compact.trim_end_matches('=');
    let engine = if unpadded.contains(['-', '_']) {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD
    };
    engine
        .decode(unpadded)
        .map_err(|e| ImportError::Base64(e.to_string()))
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Byte counts shared between the importer and the reader it wraps.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Bytes read from the source so far.
    read: AtomicU64,
    /// `read` when the current record started.
    mark: AtomicU64,
}

impl Progress {
    /// Notes that a new record starts here.
    pub(crate) fn mark(&self) {
        self.mark
            .store(self.read.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    pub(crate) fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }
}

/// A reader that counts the bytes it passes and refuses a record longer
/// than `limit` (so an unclosed quote cannot make the importer hold the rest
/// of a huge file).
pub(crate) struct CountingReader {
    inner: Box<dyn Read + Send>,
    progress: Arc<Progress>,
    limit: u64,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = self.progress.read.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if read.saturating_sub(self.progress.mark.load(Ordering::Relaxed)) > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a single record is longer than {} MiB; is a quote left open?",
                    self.limit / (1024 * 1024)
                ),
            ));
        }
        Ok(n)
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
        let mut reader = CountingReader {
            inner,
            progress: Arc::clone(&progress),
            limit: MAX_RECORD_BYTES,
        };
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
        let mut importer = Importer {
            format,
            layout: Layout::Generic,
            encoding: None,
            delimiter: None,
            reader: Reader::Json(json::JsonItems::empty()),
            progress: Arc::clone(&progress),
            total_bytes,
            ctx,
            notes: Notes::default(),
            queue: VecDeque::new(),
            finished: false,
            aborted: false,
        };
        match format {
            Format::Csv => {
                let csv = table::CsvRows::open(prefix, complete, reader, Arc::clone(&progress))
                    .map_err(|e| match e {
                        table::OpenError::Import(e) => e,
                        table::OpenError::Io(source) => io_error(source),
                    })?;
                importer.encoding = Some(csv.encoding.name());
                importer.delimiter = Some(csv.delimiter);
                let table = table::Table::open(table::Rows::Csv(csv), None, &mut notes)?;
                importer.layout = table.layout();
                importer.reader = Reader::Table(table);
            }
            Format::Xlsx | Format::Xls | Format::Ods => {
                if let Some(size) = total_bytes.filter(|s| *s > MAX_SHEET_BYTES) {
                    return Err(ImportError::TooLarge {
                        size,
                        limit: MAX_SHEET_BYTES,
                    });
                }
                reader.limit = MAX_SHEET_BYTES;
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
                let table = table::Table::open(table::Rows::Sheet(rows), None, &mut notes)?;
                importer.layout = table.layout();
                importer.reader = Reader::Table(table);
            }
            Format::Json | Format::Ndjson => {
                let items = json::JsonItems::open(
                    prefix,
                    reader,
                    format == Format::Ndjson,
                    None,
                    Arc::clone(&progress),
                )?;
                importer.reader = Reader::Json(items);
            }
        }
        importer.notes = notes;
        Ok(importer)
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

/// Reads until `limit` bytes or the end of the input.
fn read_up_to(reader: &mut impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(limit.min(64 * 1024));
    reader.by_ref().take(limit as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The prefix already read followed by the rest of the input.
fn read_rest(mut prefix: Vec<u8>, mut reader: impl Read) -> io::Result<Vec<u8>> {
    reader.read_to_end(&mut prefix)?;
    Ok(prefix)
}
