//! Guessing what a file is from its name and its first bytes: the format,
//! a CSV's text encoding, and its delimiter.

use std::path::Path;

use crate::import::Format;

/// How many bytes are looked at to guess.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// The format a file name's extension says, if it says one.
pub(crate) fn format_from_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" | "tsv" | "tab" | "txt" => Format::Csv,
        "xlsx" | "xlsm" => Format::Xlsx,
        "xls" => Format::Xls,
        "ods" => Format::Ods,
        "json" => Format::Json,
        "ndjson" | "jsonl" => Format::Ndjson,
        _ => return None,
    })
}

/// The spreadsheet container the magic bytes show: `PK\x03\x04` is XLSX, or
/// ODS when its first entry is the `mimetype` file naming an OpenDocument
/// spreadsheet; `\xD0\xCF\x11\xE0` (an OLE compound file) is XLS.
fn container(prefix: &[u8]) -> Option<Format> {
    if prefix.starts_with(b"PK\x03\x04") {
        let ods = prefix.get(30..38) == Some(b"mimetype".as_slice())
            && prefix.get(38..).is_some_and(|rest| {
                rest.starts_with(b"application/vnd.oasis.opendocument.spreadsheet")
            });
        return Some(if ods { Format::Ods } else { Format::Xlsx });
    }
    if prefix.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some(Format::Xls);
    }
    None
}

/// The format of a file from its extension (if any) and its first bytes.
///
/// The extension decides, except that a spreadsheet's magic bytes win over a
/// text extension (a workbook saved as `products.csv`), and that for `.json`
/// and `.ndjson` the content tells JSON from NDJSON. Without an extension
/// the bytes decide: a spreadsheet container as above; else the first
/// non-space character `[` is JSON, `{` is NDJSON when the first line is a
/// complete JSON object and another line follows, JSON otherwise; anything
/// else is CSV.
pub(crate) fn detect_format(extension: Option<Format>, prefix: &[u8]) -> Format {
    let magic = container(prefix);
    match (extension, magic) {
        (Some(ext @ (Format::Xlsx | Format::Xls | Format::Ods)), _) => ext,
        (_, Some(magic)) => magic,
        (Some(Format::Json | Format::Ndjson), None) => match text_format(prefix) {
            Format::Csv => extension.unwrap_or(Format::Json),
            json => json,
        },
        (Some(ext), None) => ext,
        (None, None) => text_format(prefix),
    }
}

fn text_format(prefix: &[u8]) -> Format {
    let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    match text.first() {
        Some(b'[') => Format::Json,
        Some(b'{') => {
            let Some(newline) = text.iter().position(|b| *b == b'\n') else {
                return Format::Json;
            };
            let first = text[..newline].trim_ascii();
            let complete_object = first.ends_with(b"}")
                && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok();
            let second_line = text[newline..].iter().any(|b| !b.is_ascii_whitespace());
            if complete_object && second_line {
                Format::Ndjson
            } else {
                Format::Json
            }
        }
        _ => Format::Csv,
    }
}

/// A CSV file's text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    /// UTF-8, with `bom` bytes to skip (0 or 3).
    Utf8 { bom: usize },
    /// UTF-16 little-endian, with or without a BOM.
    Utf16Le,
    /// UTF-16 big-endian, with or without a BOM.
    Utf16Be,
    /// Windows-1252, what Excel on Windows writes for "CSV".
    Windows1252,
}

impl TextEncoding {
    /// The encoding's usual name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 { .. } => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

/// Guesses the encoding of text starting with `prefix` (`complete` when it
/// is the whole file): a BOM first; then UTF-16 without a BOM when every
/// other byte is zero; then UTF-8 if the bytes are valid UTF-8 (a character
/// cut at the end of an incomplete prefix does not count); else Windows-1252.
pub(crate) fn sniff_encoding(prefix: &[u8], complete: bool) -> TextEncoding {
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        return TextEncoding::Utf8 { bom: 3 };
    }
    if prefix.starts_with(b"\xFF\xFE") {
        return TextEncoding::Utf16Le;
    }
    if prefix.starts_with(b"\xFE\xFF") {
        return TextEncoding::Utf16Be;
    }
    let sample = &prefix[..prefix.len().min(1024) & !1];
    if sample.len() >= 4 {
        let pairs = sample.len() / 2;
        let even_zero = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_zero = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|b| **b == 0)
            .count();
        if odd_zero * 10 >= pairs * 3 && even_zero * 20 < pairs {
            return TextEncoding::Utf16Le;
        }
        if even_zero * 10 >= pairs * 3 && odd_zero * 20 < pairs {
            return TextEncoding::Utf16Be;
        }
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => TextEncoding::Utf8 { bom: 0 },
        Err(e) if e.error_len().is_none() && !complete => TextEncoding::Utf8 { bom: 0 },
        Err(_) => TextEncoding::Windows1252,
    }
}

/// True when the bytes are plainly not text: NUL bytes, or more than 1% of
/// control characters other than tab, newline, carriage return and form feed.
pub(crate) fn looks_binary(prefix: &[u8]) -> bool {
    if prefix.contains(&0) || prefix.starts_with(b"%PDF") {
        return true;
    }
    let controls = prefix
        .iter()
        .filter(|b| (**b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || **b == 0x7f)
        .count();
    controls * 100 > prefix.len()
}

/// The delimiter of a CSV whose decoded text starts with `text`: whichever
/// of `,` `;` tab `|` occurs most often outside quotes on the header line
/// (the first line that is not blank; ties in that order); `,` when none does.
pub(crate) fn sniff_delimiter(text: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let start = text
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n' | b' '))
        .unwrap_or(text.len());
    let text = &text[start..];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..CANDIDATES.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    CANDIDATES[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names_and_bytes() {
        let ext = |p: &str| format_from_extension(Path::new(p));
        assert_eq!(ext("a/b.CSV"), Some(Format::Csv));
        assert_eq!(ext("b.jsonl"), Some(Format::Ndjson));
        assert_eq!(ext("b.bin"), None);
        assert_eq!(ext("noext"), None);

        let mut ods = b"PK\x03\x04".to_vec();
        ods.resize(30, 0);
        ods.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet");
        assert_eq!(detect_format(None, &ods), Format::Ods);
        assert_eq!(detect_format(None, b"PK\x03\x04\x14\x00"), Format::Xlsx);
        assert_eq!(
            detect_format(Some(Format::Csv), b"PK\x03\x04\x14\x00"),
            Format::Xlsx
        );
        assert_eq!(
            detect_format(None, b"\xD0\xCF\x11\xE0\xA1\xB1"),
            Format::Xls
        );
        assert_eq!(detect_format(None, b"  \n[{\"a\":1}]"), Format::Json);
        assert_eq!(
            detect_format(None, b"{\"a\":1}\n{\"a\":2}\n"),
            Format::Ndjson
        );
        assert_eq!(detect_format(None, b"{\"a\":1}\n"), Format::Json);
        assert_eq!(
            detect_format(None, b"{\n \"products\": []\n}"),
            Format::Json
        );
        assert_eq!(detect_format(None, b"sku,title\n"), Format::Csv);
        assert_eq!(
            detect_format(Some(Format::Json), b"sku,title\n"),
            Format::Json
        );
        assert_eq!(
            detect_format(Some(Format::Json), b"{\"a\":1}\n{\"a\":2}"),
            Format::Ndjson
        );
        assert_eq!(
            detect_format(Some(Format::Ndjson), b"[{\"a\":1}]"),
            Format::Json
        );
    }

    #[test]
    fn encodings() {
        assert_eq!(
            sniff_encoding(b"\xEF\xBB\xBFa,b", true),
            TextEncoding::Utf8 { bom: 3 }
        );
        assert_eq!(
            sniff_encoding(b"\xFF\xFEa\x00", true),
            TextEncoding::Utf16Le
        );
        assert_eq!(
            sniff_encoding(b"\xFE\xFF\x00a", true),
            TextEncoding::Utf16Be
        );
        assert_eq!(
            sniff_encoding(b"a\x00,\x00b\x00\n\x00", true),
            TextEncoding::Utf16Le
        );
        assert_eq!(
            sniff_encoding("Jarrón".as_bytes(), true),
            TextEncoding::Utf8 { bom: 0 }
        );
        assert_eq!(
            sniff_encoding(b"Jarr\xf3n", true),
            TextEncoding::Windows1252
        );
        // A multibyte character cut by the end of the sample is still UTF-8…
        let cut = &"añ".as_bytes()[..2];
        assert_eq!(sniff_encoding(cut, false), TextEncoding::Utf8 { bom: 0 });
        // …but not at the real end of the file.
        assert_eq!(sniff_encoding(cut, true), TextEncoding::Windows1252);
    }

    #[test]
    fn binary_and_delimiters() {
        assert!(looks_binary(b"\x1f\x8b\x08\x00abc"));
        assert!(!looks_binary(b"sku;title\r\nA;B\r\n"));
        assert_eq!(sniff_delimiter(b"sku,title,price\n"), b',');
        assert_eq!(sniff_delimiter(b"sku;\"a,b,c\";precio\n1,2,3,4,5"), b';');
        assert_eq!(sniff_delimiter(b"sku\ttitle\tprice"), b'\t');
        assert_eq!(sniff_delimiter(b"title"), b',');
        assert_eq!(sniff_delimiter(b"\r\n\nsku;title"), b';');
    }
}
