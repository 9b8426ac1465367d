//! Text helpers shared by every layout: accent folding for header matching,
//! slugs, list splitting, and HTML to plain text for product descriptions.

use std::borrow::Cow;

/// Lowercases `text` and folds the accents of Latin letters (`Référence` →
/// `reference`, `Œuvre` → `oeuvre`), so headers and slugs compare the way a
/// person reads them.
pub(crate) fn fold_lower(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for lower in c.to_lowercase() {
            match fold_char(lower) {
                Some(folded) => out.push_str(folded),
                None => out.push(lower),
            }
        }
    }
    out
}

/// The ASCII spelling of an accented lowercase Latin letter.
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// A header or JSON key reduced to lowercase ASCII words separated by single
/// spaces: `Título (ES)` → `titulo es`, `Variant_Inventory-Qty` →
/// `variant inventory qty`.
pub(crate) fn header_words(header: &str) -> String {
    let folded = fold_lower(header);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A URL slug: lowercase ASCII letters and digits separated by single dashes,
/// at most `max` bytes (`Home & Garden` → `home-garden`, `Cerámica` →
/// `ceramica`). Empty when nothing is left.
pub(crate) fn slugify(text: &str, max: usize) -> String {
    let folded = fold_lower(text);
    let mut out = String::with_capacity(folded.len().min(max));
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if out.len() >= max {
                break;
            }
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            if out.len() + 1 >= max {
                break;
            }
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Splits a list cell (`"a, b; c"`) on any of `separators`, trimming items and
/// dropping empty and repeated ones while keeping the first order.
pub(crate) fn split_list(cell: &str, separators: &[char]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in cell.split(separators) {
        push_unique(&mut out, item);
    }
    out
}

/// Appends `item`, trimmed, unless it is empty or already there.
pub(crate) fn push_unique(list: &mut Vec<String>, item: &str) {
    let item = item.trim();
    if !item.is_empty() && !list.iter().any(|i| i == item) {
        list.push(item.to_owned());
    }
}

/// The slug of the last segment of a category path: `Home & Garden > Decor`
/// → `decor`. WooCommerce's list of categories (`Prints > Posters, Gifts`,
/// commas inside a name escaped as `\,`) gives its first category.
pub(crate) fn category_slug(cell: &str) -> Option<String> {
    let first = first_unescaped_item(cell);
    let leaf = first.rsplit('>').find(|s| !s.trim().is_empty())?;
    let slug = slugify(&leaf.replace("\\,", ","), 100);
    (!slug.is_empty()).then_some(slug)
}

/// The text before the first comma that is not escaped as `\,`.
fn first_unescaped_item(cell: &str) -> &str {
    let bytes = cell.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b',' && (i == 0 || bytes[i - 1] != b'\\') {
            return &cell[..i];
        }
    }
    cell
}

/// Removes control characters other than newline and tab, and turns `\r\n`
/// and lone `\r` into `\n`: the API refuses other control characters.
pub(crate) fn clean_text(text: &str) -> Cow<'_, str> {
    let text = text.trim();
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A one-line text: whitespace runs, newlines included, become one space.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    let text = text.trim();
    let needs_work = text
        .as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_whitespace() && w[1].is_ascii_whitespace())
        || text.chars().any(|c| c.is_control() || c == '\u{a0}');
    if !needs_work {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    Cow::Owned(out)
}

/// True when `text` contains something that looks like an HTML tag.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Plain text from an HTML fragment (a Shopify `Body (HTML)`, a WooCommerce
/// description): tags removed, `<script>`/`<style>` content dropped, entities
/// decoded (`&amp; &lt; &gt; &quot; &#39; &nbsp;`, numeric ones and common
/// accented letters), paragraphs and `<br>` turned into line breaks, list
/// items into `- ` lines, and whitespace collapsed as a browser would.
pub(crate) fn html_to_text(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return collapse_lines(html, false);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find(['<', '&']) {
        push_html_whitespace(&mut out, &rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('&') {
            match decode_entity(rest) {
                Some((decoded, used)) => {
                    out.push(if decoded == '\u{a0}' { ' ' } else { decoded });
                    rest = &rest[used..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(end) = rest.find('>') else {
            // A lone `<` (`a < b`): text, not a tag.
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() {
            // `<3`, `< b`: not a tag either.
            out.push('<');
            out.push_str(tag);
            out.push('>');
            continue;
        }
        match name.as_str() {
            "script" | "style" if !closing => {
                let close = format!("</{name}");
                rest = find_ignore_ascii_case(rest, &close)
                    .and_then(|at| rest[at..].find('>').map(|gt| &rest[at + gt + 1..]))
                    .unwrap_or("");
            }
            "br" => out.push('\n'),
            "li" if !closing => out.push_str("\n- "),
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "table"
            | "blockquote" | "section" | "article" | "header" | "footer" | "pre" | "hr" => {
                out.push_str("\n\n");
            }
            "tr" | "dt" | "dd" => out.push('\n'),
            "td" | "th" => out.push(' '),
            _ => {}
        }
    }
    push_html_whitespace(&mut out, rest);
    collapse_lines(&out, true)
}

/// Text between tags: in HTML a raw newline is just a space.
fn push_html_whitespace(out: &mut String, text: &str) {
    for c in text.chars() {
        out.push(if c.is_whitespace() { ' ' } else { c });
    }
}

fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let hay = haystack.as_bytes();
    let needle = needle.as_bytes();
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Trims every line, collapses runs of spaces, and keeps at most one blank
/// line between paragraphs.
fn collapse_lines(text: &str, html: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    let normalized;
    let text = if !html && text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        text
    };
    for line in text.split('\n') {
        let line = one_line(line);
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(&line);
    }
    out
}

/// Decodes the entity at the start of `text` (which starts with `&`):
/// the character and the number of bytes used, or `None` when it is not one.
fn decode_entity(text: &str) -> Option<(char, usize)> {
    let semi = text.as_bytes().iter().take(12).position(|b| *b == b';')?;
    let name = &text[1..semi];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        named_entity(name)?
    };
    Some((c, semi + 1))
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "times" => '×',
        "middot" => '·',
        "bull" => '•',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "iexcl" => '¡',
        "iquest" => '¿',
        "ordm" => 'º',
        "ordf" => 'ª',
        "szlig" => 'ß',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "aacute" => 'á',
        "agrave" => 'à',
        "acirc" => 'â',
        "auml" => 'ä',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "iacute" => 'í',
        "icirc" => 'î',
        "iuml" => 'ï',
        "oacute" => 'ó',
        "ocirc" => 'ô',
        "ouml" => 'ö',
        "uacute" => 'ú',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "ntilde" => 'ñ',
        "ccedil" => 'ç',
        "Aacute" => 'Á',
        "Agrave" => 'À',
        "Eacute" => 'É',
        "Egrave" => 'È',
        "Iacute" => 'Í',
        "Oacute" => 'Ó',
        "Uacute" => 'Ú',
        "Ntilde" => 'Ñ',
        "Ccedil" => 'Ç',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(
            fold_lower("Référence Œuvre ÑANDÚ"),
            "reference oeuvre nandu"
        );
        assert_eq!(header_words("Título (ES)"), "titulo es");
        assert_eq!(
            header_words("  Variant_Inventory-Qty "),
            "variant inventory qty"
        );
        assert_eq!(header_words("Body (HTML)"), "body html");
        assert_eq!(header_words("Mots-clés"), "mots cles");
    }

    #[test]
    fn slugs_keep_letters_digits_and_single_dashes() {
        assert_eq!(slugify("Home & Garden", 100), "home-garden");
        assert_eq!(slugify("  Cerámica -- Jarrones ", 100), "ceramica-jarrones");
        assert_eq!(slugify("¡!", 100), "");
        assert_eq!(slugify("abc def ghi", 7), "abc-def");
        assert_eq!(category_slug("Home & Garden > Decor"), Some("decor".into()));
        assert_eq!(
            category_slug("Prints > Posters, Gifts"),
            Some("posters".into())
        );
        assert_eq!(category_slug("Art\\, Prints > Big"), Some("big".into()));
        assert_eq!(category_slug(" > "), None);
    }

    #[test]
    fn lists_are_trimmed_and_deduplicated() {
        assert_eq!(split_list(" a, b ,,a; c", &[',', ';']), vec!["a", "b", "c"]);
    }

    #[test]
    fn html_becomes_plain_text() {
        let html = "<p>Hand-made <strong>mug</strong> &amp; saucer.</p>\n<ul><li>350&nbsp;ml</li><li>Dishwasher safe</li></ul><p>Caf&eacute; &lt;3 &#39;x&#39; &#x263A;</p><script>alert(1)</script><!-- note -->";
        assert_eq!(
            html_to_text(html),
            "Hand-made mug & saucer.\n\n- 350 ml\n- Dishwasher safe\n\nCafé <3 'x' ☺"
        );
        assert_eq!(html_to_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(
            html_to_text("line one<br>line two<BR/>three"),
            "line one\nline two\nthree"
        );
        assert_eq!(html_to_text("R&D; AT&T"), "R&D; AT&T");
        assert_eq!(
            html_to_text("plain\r\n\r\n\r\ntext  here"),
            "plain\n\ntext here"
        );
    }

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(clean_text(" a\u{7}b\r\nc\rd "), "ab\nc\nd");
        assert_eq!(one_line(" a \n  b\tc "), "a b c");
        assert!(looks_like_html("x <b>y</b>"));
        assert!(!looks_like_html("3 < 4"));
    }
}
