//! Inline file content from a tool call: text, or base64 when it says so.

use base64::Engine as _;

use crate::import::ImportError;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decoding_rule() {
        assert_eq!(
            decode_content("sku,title\n").ok(),
            Some(b"sku,title\n".to_vec())
        );
        assert_eq!(
            decode_content("c2t1LHRpdGxl").ok(),
            Some(b"c2t1LHRpdGxl".to_vec()),
            "never guessed"
        );
        assert_eq!(
            decode_content("base64:c2t1LHRpdGxl").ok(),
            Some(b"sku,title".to_vec())
        );
        assert_eq!(
            decode_content("BASE64: c2t1 LHRp\ndGxl\n").ok(),
            Some(b"sku,title".to_vec())
        );
        assert_eq!(decode_content("base64:_-8").ok(), Some(vec![0xff, 0xef]));
        assert_eq!(
            decode_content("data:text/csv;charset=utf-8;base64,c2t1LHRpdGxl").ok(),
            Some(b"sku,title".to_vec())
        );
        assert_eq!(
            decode_content("data:text/csv,sku%2Ctitle%0A").ok(),
            Some(b"sku,title\n".to_vec())
        );
        assert!(matches!(
            decode_content("base64:@@@"),
            Err(ImportError::Base64(_))
        ));
    }
}
