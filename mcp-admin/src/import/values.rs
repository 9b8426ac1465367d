//! Cell values as people type them in spreadsheets: prices with either
//! decimal separator and a currency sign, stock counts saved as `12.0`,
//! yes/no flags in three languages, and the API's limits on product fields.

use museo_sdk::types::{Currency, Money, MoneyError};

/// Limits of the Museo admin API on product fields (docs/museo-api.md,
/// "Limits"), checked here so a bad row is reported with its line number
/// rather than as a failed bulk item.
pub(crate) mod limits {
    /// SKU length.
    pub const SKU_CHARS: usize = 64;
    /// Handle and category slug length.
    pub const SLUG_CHARS: usize = 100;
    /// Title length per language.
    pub const TITLE_CHARS: usize = 200;
    /// Description length per language.
    pub const DESCRIPTION_CHARS: usize = 5000;
    /// Highest price, in minor units.
    pub const PRICE_MINOR: i64 = 1_000_000_000;
    /// Highest stock.
    pub const STOCK: i64 = 1_000_000_000;
    /// Number of tags.
    pub const TAGS: usize = 50;
    /// Tag length.
    pub const TAG_CHARS: usize = 60;
    /// Number of images (more are dropped with a warning).
    pub const IMAGES: usize = 20;
    /// Image URL length.
    pub const IMAGE_CHARS: usize = 500;
    /// Number of attributes.
    pub const ATTRIBUTES: usize = 50;
    /// Attribute key length.
    pub const ATTRIBUTE_KEY_CHARS: usize = 60;
    /// Attribute value length.
    pub const ATTRIBUTE_VALUE_CHARS: usize = 500;
    /// Number of variants.
    pub const VARIANTS: usize = 100;
    /// Any single cell, in bytes: longer is certainly a mistake (a quote
    /// left open swallowing the next lines).
    pub const CELL_BYTES: usize = 64 * 1024;
}

/// Parses a price cell in `default` currency unless the cell names its own:
/// `49.90`, `49,90`, `1.234,50`, `1,234.50`, `1 234,50`, `€49.90`,
/// `49.90 EUR`, `US$ 12`. With both separators the last one is the decimal
/// point; a single `,` or `.` is the decimal point; several of the same are
/// thousands separators. The amount must be > 0, have no more decimals than
/// the currency and stay within the API's maximum.
pub(crate) fn parse_price(cell: &str, default: Currency) -> Result<Money, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Err("the price is empty".into());
    }
    let mut currency: Option<Currency> = None;
    let mut number = String::with_capacity(text.len());
    let mut letters = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' | '.' | ',' | '-' | '+' => {
                flush_letters(cell, &mut letters, &mut currency)?;
                number.push(c);
            }
            ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’' | '_' => {
                flush_letters(cell, &mut letters, &mut currency)?;
            }
            c if c.is_ascii_alphabetic() => letters.push(c),
            '$' => {
                if letters.is_empty() {
                    letters.push_str("USD");
                }
                flush_letters(cell, &mut letters, &mut currency)?;
            }
            _ => {
                let code = match c {
                    '€' => "EUR",
                    '£' => "GBP",
                    '¥' => "JPY",
                    '₹' => "INR",
                    '₩' => "KRW",
                    '₺' => "TRY",
                    '₽' => "RUB",
                    '₪' => "ILS",
                    '₫' => "VND",
                    '฿' => "THB",
                    '₱' => "PHP",
                    '₦' => "NGN",
                    _ => return Err(format!("`{cell}` is not a price")),
                };
                flush_letters(cell, &mut letters, &mut currency)?;
                set_currency(cell, code, &mut currency)?;
            }
        }
    }
    flush_letters(cell, &mut letters, &mut currency)?;
    let currency = currency.unwrap_or(default);
    let normalized =
        normalize_decimal(&number).ok_or_else(|| format!("`{cell}` is not a price"))?;
    let money = Money::parse(&normalized, currency.code()).map_err(|e| match e {
        MoneyError::TooPrecise { exponent, .. } => format!(
            "`{cell}` has more decimals than {} allows ({exponent})",
            currency.code()
        ),
        MoneyError::NotANumber(_) => format!("`{cell}` is not a price"),
        other => other.to_string(),
    })?;
    let (minor, _) = money.to_minor().map_err(|e| e.to_string())?;
    if minor <= 0 {
        return Err(format!("the price must be greater than zero, got `{cell}`"));
    }
    if minor > limits::PRICE_MINOR {
        return Err(format!(
            "`{cell}` is above the highest price the shop accepts"
        ));
    }
    Ok(money)
}

/// Records the currency a price cell names; two different ones are an error.
fn set_currency(cell: &str, code: &str, slot: &mut Option<Currency>) -> Result<(), String> {
    let found = Currency::parse(code).map_err(|_| format!("`{cell}` is not a price"))?;
    match slot {
        Some(existing) if *existing != found => Err(format!(
            "`{cell}` names two currencies ({existing} and {found})"
        )),
        _ => {
            *slot = Some(found);
            Ok(())
        }
    }
}

/// Interprets the letters gathered in a price cell: an ISO code (`EUR`), or
/// the prefix of a dollar sign (`US$`, `C$`, `A$`).
fn flush_letters(
    cell: &str,
    letters: &mut String,
    slot: &mut Option<Currency>,
) -> Result<(), String> {
    if letters.is_empty() {
        return Ok(());
    }
    let word = std::mem::take(letters).to_ascii_uppercase();
    let code = match word.as_str() {
        "US" => "USD",
        "CA" | "C" => "CAD",
        "AU" | "A" => "AUD",
        "NZ" => "NZD",
        "MX" => "MXN",
        "R" => "BRL",
        "EURO" | "EUROS" => "EUR",
        other => other,
    };
    set_currency(cell, code, slot)
}

/// `1.234,50` → `1234.50`; see [`parse_price`] for the rule. `None` when the
/// digits and separators do not form a number.
fn normalize_decimal(number: &str) -> Option<String> {
    let (sign, digits) = match number.strip_prefix(['-', '+']) {
        Some(rest) => (&number[..1], rest),
        None => ("", number),
    };
    if digits.is_empty() || digits.contains(['-', '+']) {
        return None;
    }
    let commas = digits.matches(',').count();
    let dots = digits.matches('.').count();
    let decimal = match (commas, dots) {
        (0, 0) => None,
        (_, 0) if commas == 1 => Some(','),
        (0, _) if dots == 1 => Some('.'),
        (_, 0) | (0, _) => None,
        _ => digits
            .rfind([',', '.'])
            .map(|i| digits.as_bytes()[i] as char),
    };
    let mut out = String::with_capacity(number.len());
    out.push_str(if sign == "-" { "-" } else { "" });
    let mut seen_decimal = false;
    for c in digits.chars() {
        match c {
            '0'..='9' => out.push(c),
            c if Some(c) == decimal => {
                if seen_decimal {
                    return None;
                }
                seen_decimal = true;
                out.push('.');
            }
            // A thousands separator.
            _ => {}
        }
    }
    if !out.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(out)
}

/// Parses a stock cell: empty → `None`; `12`, `12.0`, `12,00`, `1 200` →
/// a count; negative, fractional or not a number → an error.
pub(crate) fn parse_stock(cell: &str) -> Result<Option<i64>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | '\''))
        .collect();
    let value = match compact.parse::<i64>() {
        Ok(v) => v,
        Err(_) => {
            let normalized = normalize_decimal(&compact)
                .ok_or_else(|| format!("`{cell}` is not a whole number"))?;
            let decimal: rust_decimal::Decimal = normalized
                .parse()
                .map_err(|_| format!("`{cell}` is not a whole number"))?;
            if !decimal.fract().is_zero() {
                return Err(format!("`{cell}` is not a whole number"));
            }
            i64::try_from(decimal).map_err(|_| format!("`{cell}` is too large"))?
        }
    };
    if value < 0 {
        return Err(format!("the stock cannot be negative, got `{cell}`"));
    }
    if value > limits::STOCK {
        return Err(format!(
            "`{cell}` is above the highest stock the shop accepts"
        ));
    }
    Ok(Some(value))
}

/// Parses a published/status cell: `yes no true false 1 0 -1 sí oui non
/// active draft archived publish published publicado publié borrador
/// brouillon visible hidden private…`; empty → `None`.
pub(crate) fn parse_published(cell: &str) -> Result<Option<bool>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text == "-1" {
        // WooCommerce's draft.
        return Ok(Some(false));
    }
    let words = crate::import::text::header_words(text);
    let value = match words.as_str() {
        "1" | "yes" | "y" | "true" | "t" | "x" | "si" | "oui" | "o" | "active" | "activo"
        | "activa" | "actif" | "active online" | "publish" | "published" | "publicado"
        | "publicada" | "publie" | "publiee" | "visible" | "online" | "en ligne" | "enabled"
        | "on" | "live" => true,
        "0" | "1 0" | "no" | "n" | "false" | "f" | "non" | "draft" | "archived" | "archive"
        | "borrador" | "archivado" | "brouillon" | "archive e" | "hidden" | "private"
        | "privado" | "prive" | "inactive" | "inactivo" | "inactif" | "unpublished"
        | "no publicado" | "non publie" | "disabled" | "off" | "offline" | "oculto" | "cache"
        | "pending" => false,
        _ => {
            return Err(format!(
                "`{cell}` is neither yes nor no (use yes/no, true/false, 1/0, active/draft)"
            ));
        }
    };
    Ok(Some(value))
}

/// Checks a SKU against the API's rule: 1–64 characters of `A-Z a-z 0-9 . _ -`,
/// starting with a letter or digit.
pub(crate) fn check_sku(sku: &str) -> Result<(), String> {
    if sku.chars().count() > limits::SKU_CHARS {
        return Err(format!(
            "SKU `{}…` is longer than {} characters",
            sku.chars().take(20).collect::<String>(),
            limits::SKU_CHARS
        ));
    }
    if !sku.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("SKU `{sku}` must start with a letter or a digit"));
    }
    if let Some(bad) = sku
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "SKU `{sku}` contains `{bad}`; use only letters, digits, '.', '_' and '-'"
        ));
    }
    Ok(())
}

/// A valid SKU made from `text` (a handle, a name): uppercase, other
/// characters replaced by `-`, at most 64 characters; `None` if nothing is left.
pub(crate) fn sku_from(text: &str) -> Option<String> {
    let slug = crate::import::text::slugify(text, limits::SKU_CHARS);
    (!slug.is_empty()).then(|| slug.to_ascii_uppercase())
}

/// A generated variant SKU `<BASE>-<n>`, shortened so it fits in 64 characters.
pub(crate) fn variant_sku(base: &str, n: usize) -> String {
    let suffix = format!("-{n}");
    let mut base: String = base
        .chars()
        .take(limits::SKU_CHARS - suffix.len())
        .collect();
    while base.ends_with('-') {
        base.pop();
    }
    base.push_str(&suffix);
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").expect("EUR is ISO 4217")
    }

    fn price(cell: &str) -> Result<(String, String), String> {
        parse_price(cell, eur()).map(|m| (m.amount, m.currency))
    }

    fn ok(amount: &str, currency: &str) -> Result<(String, String), String> {
        Ok((amount.to_owned(), currency.to_owned()))
    }

    #[test]
    fn prices_in_every_spelling() {
        assert_eq!(price("49.90"), ok("49.90", "EUR"));
        assert_eq!(price("49,9"), ok("49.90", "EUR"));
        assert_eq!(price("1.234,50"), ok("1234.50", "EUR"));
        assert_eq!(price("1,234.50"), ok("1234.50", "EUR"));
        assert_eq!(price("1 234,50 €"), ok("1234.50", "EUR"));
        assert_eq!(price("1.234.567"), ok("1234567.00", "EUR"));
        assert_eq!(price("€49.90"), ok("49.90", "EUR"));
        assert_eq!(price("49.90 EUR"), ok("49.90", "EUR"));
        assert_eq!(price("usd 12"), ok("12.00", "USD"));
        assert_eq!(price("$12.5"), ok("12.50", "USD"));
        assert_eq!(price("US$ 12"), ok("12.00", "USD"));
        assert_eq!(price("£7"), ok("7.00", "GBP"));
        assert_eq!(price("1500 JPY"), ok("1500", "JPY"));
        assert_eq!(price("12"), ok("12.00", "EUR"));
    }

    #[test]
    fn bad_prices_say_why() {
        for (cell, needle) in [
            ("abc", "not a price"),
            ("", "empty"),
            ("0", "greater than zero"),
            ("-5", "greater than zero"),
            ("1.999", "more decimals"),
            ("12 XYZ", "not a price"),
            ("€12 USD", "two currencies"),
            ("1.2.3,4,5", "not a price"),
            ("9999999999", "highest price"),
            ("12-3", "not a price"),
            (".", "not a price"),
        ] {
            let err = price(cell).expect_err(cell);
            assert!(err.contains(needle), "{cell}: {err}");
        }
    }

    #[test]
    fn stock_counts() {
        assert_eq!(parse_stock(""), Ok(None));
        assert_eq!(parse_stock(" 12 "), Ok(Some(12)));
        assert_eq!(parse_stock("12.0"), Ok(Some(12)));
        assert_eq!(parse_stock("12,00"), Ok(Some(12)));
        assert_eq!(parse_stock("1 200"), Ok(Some(1200)));
        assert!(
            parse_stock("-3")
                .expect_err("negative")
                .contains("negative")
        );
        assert!(parse_stock("1.5").is_err());
        assert!(parse_stock("lots").is_err());
    }

    #[test]
    fn published_flags_in_three_languages() {
        for yes in [
            "yes", "TRUE", "1", "Sí", "oui", "active", "publish", "Publié",
        ] {
            assert_eq!(parse_published(yes), Ok(Some(true)), "{yes}");
        }
        for no in [
            "no", "FALSE", "0", "-1", "non", "draft", "archived", "Borrador",
        ] {
            assert_eq!(parse_published(no), Ok(Some(false)), "{no}");
        }
        assert_eq!(parse_published(" "), Ok(None));
        assert!(parse_published("maybe").is_err());
    }

    #[test]
    fn skus_follow_the_api_rule() {
        assert!(check_sku("MUG-01.a_b").is_ok());
        assert!(check_sku("BAD SKU!").expect_err("space").contains("` `"));
        assert!(check_sku("-X").is_err());
        assert!(check_sku(&"A".repeat(65)).expect_err("long").contains("64"));
        assert_eq!(
            sku_from("water-lilies mug"),
            Some("WATER-LILIES-MUG".into())
        );
        assert_eq!(variant_sku("MUG", 2), "MUG-2");
        assert_eq!(variant_sku(&"A".repeat(70), 12).len(), 64);
    }
}
