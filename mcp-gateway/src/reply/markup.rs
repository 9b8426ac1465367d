//! How each channel shows text: markdown on the web, WhatsApp's `*bold*`
//! with short lines, plain text for the CLI and the mobile app.
//!
//! Everything that comes from a tool result (titles, recipients, errors) is
//! untrusted: it is squeezed onto one line, and on the web its
//! markdown-significant characters are escaped, so a product called
//! `**SALE** [click](javascript:…)` shows exactly that instead of bold text
//! and a link. Links are only ever built from `http(s)` URLs.

use super::Channel;

/// Longest product name on WhatsApp, where lines wrap on a phone.
const WHATSAPP_NAME: usize = 40;

/// Characters escaped on the web: emphasis, code, links and images, raw
/// HTML and autolinks, strikethrough and tables. Every one of them is ASCII
/// punctuation, which CommonMark lets a backslash escape.
const MARKDOWN: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '~', '|', '#'];

impl Channel {
    /// Untrusted text made safe for one line of this channel.
    pub(super) fn text(self, raw: &str) -> String {
        let line = one_line(raw);
        match self {
            Channel::Web => escape_markdown(&line),
            Channel::WhatsApp | Channel::Plain | Channel::Mobile => line,
        }
    }

    /// A product name: [`Channel::text`], cut short on WhatsApp.
    pub(super) fn name(self, raw: &str) -> String {
        match self {
            Channel::WhatsApp => self.text(&shorten(&one_line(raw), WHATSAPP_NAME)),
            _ => self.text(raw),
        }
    }

    /// Emphasis around text already made safe.
    pub(super) fn bold(self, text: &str) -> String {
        if text.is_empty() {
            return String::new();
        }
        match self {
            Channel::Web => format!("**{text}**"),
            Channel::WhatsApp => format!("*{text}*"),
            Channel::Plain | Channel::Mobile => text.to_owned(),
        }
    }

    /// Most item lines in one list (products, basket lines, failed rows).
    pub(super) fn list_limit(self) -> usize {
        match self {
            Channel::WhatsApp => 5,
            Channel::Web | Channel::Plain | Channel::Mobile => 10,
        }
    }

    /// Longest block of free text (a description) before it is cut.
    pub(super) fn text_limit(self) -> usize {
        match self {
            Channel::WhatsApp => 300,
            Channel::Web | Channel::Plain | Channel::Mobile => 600,
        }
    }

    /// A markdown link on the web; `None` elsewhere, or when `url` is not
    /// an absolute `http(s)` URL. `label` is already safe.
    pub(super) fn link(self, label: &str, url: &str) -> Option<String> {
        match self {
            Channel::Web => safe_url(url).map(|url| format!("[{label}]({url})")),
            _ => None,
        }
    }

    /// A bare URL for the channels that show links as text (all but the
    /// web), when it is `http(s)`.
    pub(super) fn bare_url(self, url: &str) -> Option<String> {
        match self {
            Channel::WhatsApp | Channel::Plain | Channel::Mobile => safe_url(url),
            Channel::Web => None,
        }
    }
}

/// Control characters and runs of breaking whitespace (newlines included)
/// become one space, so a value cannot start a new markdown block or a fake
/// line.
pub(super) fn one_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        // No-break spaces stay: CLDR money and French numbers need them.
        let breaking = c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}');
        if breaking || c.is_control() || is_invisible(c) {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Bidi overrides and zero-width characters, which can make a title read
/// differently from what it is.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// `text` with every markdown-significant character backslash-escaped.
pub(super) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if MARKDOWN.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// At most `max` characters, the last one an ellipsis when cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if text.chars().count() > max => format!("{}…", text[..end].trim_end()),
        _ => text.to_owned(),
    }
}

/// An absolute `http(s)` URL fit to put in a markdown link or a message:
/// anything else (`javascript:`, relative paths, spaces) is refused, and
/// the characters that would end a markdown link destination are
/// percent-encoded.
fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    if !scheme_ok || url.len() > 2048 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '\\' => out.push_str("%5C"),
            '`' => out.push_str("%60"),
            _ => out.push(c),
        }
    }
    Some(out)
}
