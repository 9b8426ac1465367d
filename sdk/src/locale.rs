//! Money and dates written the way a reader in a locale expects them.
//!
//! `49,90 €` in fr-FR, `€49.90` in en-IE, `$49.90` in en-US: the numbers,
//! symbols and patterns are CLDR's (the data behind ICU), written out by hand
//! for the six locales the platform serves — en-US, en-GB, en-IE, es-ES,
//! es-MX and fr-FR — rather than pulled from ICU4X at build time. This crate
//! is a dependency of every server, and ICU4X's formatters (`icu` 2.x for
//! dates, `icu_experimental`'s `CurrencyFormatter` for money) would add their
//! compile time and baked data to all of them for six locales and a handful
//! of currencies. The outputs were checked against ICU 78 / CLDR 48
//! (`Intl.NumberFormat`, `Intl.DateTimeFormat`); the tests below pin them,
//! including CLDR's spaces: U+00A0 (no-break space) between a number and a
//! trailing symbol, U+202F (narrow no-break space) as the French thousands
//! separator and before `AM`/`PM`. One deliberate difference: a Spanish date
//! and time are joined with CLDR's standard `{date}, {time}` rather than its
//! `a las` form, which ICU writes even for one o'clock (`a las 1:05`, where
//! Spanish says `a la 1:05`).
//!
//! Any other tag falls back to the nearest of the six by language
//! ([`FormatLocale::negotiate`]): `fr-CA` is written like `fr-FR`, `en-AU`
//! like `en-GB`, `de-DE` like `en-US`.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::types::{Currency, Lang};

/// No-break space, between a number and a trailing currency symbol (CLDR).
const NBSP: char = '\u{a0}';
/// Narrow no-break space: French digit grouping, and before `AM`/`PM`.
const NNBSP: char = '\u{202f}';

/// One of the locales money and dates are formatted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormatLocale {
    /// English (United States): `$1,234.50`, `June 3, 2025`.
    EnUs,
    /// English (United Kingdom): `£1,234.50`, `US$49.90`, `3 June 2025`.
    EnGb,
    /// English (Ireland): `€1,234.50`, `3 June 2025`.
    EnIe,
    /// Spanish (Spain): `1234,50 €`, `12.345,67 €`, `3 de junio de 2025`.
    EsEs,
    /// Spanish (Mexico): `$1,234.50` for pesos, `EUR 49.90`.
    EsMx,
    /// French (France): `1 234,50 €`, `3 juin 2025`.
    FrFr,
}

impl FormatLocale {
    /// Every supported locale.
    pub const ALL: [FormatLocale; 6] = [
        FormatLocale::EnUs,
        FormatLocale::EnGb,
        FormatLocale::EnIe,
        FormatLocale::EsEs,
        FormatLocale::EsMx,
        FormatLocale::FrFr,
    ];

    /// The closest supported locale to a BCP-47 tag (`fr` → fr-FR, `en-AU`
    /// → en-GB, `es-419` → es-MX). Unknown or malformed tags give en-US,
    /// CLDR's `en`.
    pub fn negotiate(tag: &str) -> Self {
        let mut parts = tag.trim().split(['-', '_']);
        let language = parts.next().unwrap_or_default().to_ascii_lowercase();
        // The region is the first two-letter or three-digit subtag after the
        // language (a script such as `Latn` may come between).
        let region = parts
            .find(|p| {
                (p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic()))
                    || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
            })
            .map(str::to_ascii_uppercase)
            .unwrap_or_default();
        match (language.as_str(), region.as_str()) {
            ("en", "" | "US" | "CA" | "PH" | "PR") => Self::EnUs,
            ("en", "IE") => Self::EnIe,
            ("en", _) => Self::EnGb,
            ("es", "MX" | "US" | "419") => Self::EsMx,
            ("es", _) => Self::EsEs,
            ("fr", _) => Self::FrFr,
            _ => Self::EnUs,
        }
    }

    /// The BCP-47 tag (`fr-FR`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::EnUs => "en-US",
            Self::EnGb => "en-GB",
            Self::EnIe => "en-IE",
            Self::EsEs => "es-ES",
            Self::EsMx => "es-MX",
            Self::FrFr => "fr-FR",
        }
    }

    /// The language.
    pub fn lang(self) -> Lang {
        match self {
            Self::EnUs | Self::EnGb | Self::EnIe => Lang::En,
            Self::EsEs | Self::EsMx => Lang::Es,
            Self::FrFr => Lang::Fr,
        }
    }

    /// The number symbols and currency pattern of this locale.
    fn numbers(self) -> Numbers {
        match self {
            Self::EnUs | Self::EnGb | Self::EnIe => Numbers {
                group: ",",
                decimal: '.',
                min_grouping: 1,
                symbol_first: true,
            },
            Self::EsMx => Numbers {
                group: ",",
                decimal: '.',
                min_grouping: 1,
                symbol_first: true,
            },
            // CLDR `es`: minimumGroupingDigits = 2, so 1234 stays ungrouped.
            Self::EsEs => Numbers {
                group: ".",
                decimal: ',',
                min_grouping: 2,
                symbol_first: false,
            },
            Self::FrFr => Numbers {
                group: "\u{202f}",
                decimal: ',',
                min_grouping: 1,
                symbol_first: false,
            },
        }
    }

    /// The currency symbol CLDR gives this locale for `code`, if it has one
    /// other than the code itself.
    fn symbol(self, code: &str) -> Option<&'static str> {
        let symbol = match (self, code) {
            (_, "EUR") if self != Self::EsMx => "€",
            (Self::EnUs, "USD") => "$",
            (Self::EnGb | Self::EnIe, "USD") => "US$",
            (Self::EsEs, "USD") => "US$",
            (Self::FrFr, "USD") => "$US",
            (Self::EnUs | Self::EnGb | Self::EnIe, "GBP") => "£",
            (Self::FrFr, "GBP") => "£GB",
            (Self::EnUs, "JPY") => "¥",
            (Self::EnGb | Self::EnIe, "JPY") => "JP¥",
            (Self::EnUs | Self::EnGb | Self::EnIe, "MXN") => "MX$",
            (Self::EsMx, "MXN") => "$",
            (Self::FrFr, "MXN") => "$MX",
            (Self::EnUs | Self::EnGb | Self::EnIe, "CAD") => "CA$",
            (Self::FrFr, "CAD") => "$CA",
            _ => return None,
        };
        Some(symbol)
    }

    fn month(self, month: i8) -> &'static str {
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        const ES: [&str; 12] = [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ];
        const FR: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        let index = usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0);
        match self.lang() {
            Lang::En => EN[index],
            Lang::Es => ES[index],
            Lang::Fr => FR[index],
        }
    }
}

impl fmt::Display for FormatLocale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

struct Numbers {
    group: &'static str,
    decimal: char,
    /// Digits the integer part needs beyond the first group before it is
    /// grouped at all (CLDR `minimumGroupingDigits`).
    min_grouping: usize,
    symbol_first: bool,
}

/// Why an amount could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// Not a decimal number.
    #[error("`{0}` is not a decimal amount (write it like 49.90)")]
    NotANumber(String),
    /// Not an ISO 4217 code.
    #[error("`{0}` is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")]
    UnknownCurrency(String),
}

/// Money for a reader in `locale`: `format_money("49.90", "EUR", "fr-FR")` is
/// `49,90 €` (with a no-break space), `"en-IE"` gives `€49.90` and
/// `("49.90", "USD", "en-US")` gives `$49.90`. Amounts are rounded half-even
/// to the currency's decimals. An amount or currency that cannot be read is
/// written back as given (`abc XYZ`); use [`try_format_money`] to refuse it.
pub fn format_money(amount: &str, currency: &str, locale: &str) -> String {
    try_format_money(amount, currency, locale)
        .unwrap_or_else(|_| format!("{} {}", amount.trim(), currency.trim()))
}

/// [`format_money`], refusing an amount that is not a decimal number or a
/// currency that is not an ISO 4217 code.
pub fn try_format_money(amount: &str, currency: &str, locale: &str) -> Result<String, FormatError> {
    let currency =
        Currency::parse(currency).map_err(|_| FormatError::UnknownCurrency(currency.to_owned()))?;
    let trimmed = amount.trim();
    if trimmed.is_empty() || trimmed.contains(['e', 'E', '_']) || trimmed.len() > 40 {
        return Err(FormatError::NotANumber(amount.to_owned()));
    }
    let value: Decimal = trimmed
        .parse()
        .map_err(|_| FormatError::NotANumber(amount.to_owned()))?;
    Ok(money_for(value, currency, FormatLocale::negotiate(locale)))
}

/// Money from a parsed amount and currency, for a negotiated locale.
pub fn money_for(amount: Decimal, currency: Currency, locale: FormatLocale) -> String {
    let digits = currency.exponent();
    let rounded = amount.round_dp_with_strategy(digits, RoundingStrategy::MidpointNearestEven);
    let numbers = locale.numbers();
    let number = digits_for(rounded.abs(), digits, &numbers);
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    match (locale.symbol(currency.code()), numbers.symbol_first) {
        (Some(symbol), true) => format!("{sign}{symbol}{number}"),
        // A code (or a symbol ending in a letter) before the number is kept
        // apart by a no-break space (CLDR currencySpacing).
        (None, true) => format!("{sign}{}{NBSP}{number}", currency.code()),
        (Some(symbol), false) => format!("{sign}{number}{NBSP}{symbol}"),
        (None, false) => format!("{sign}{number}{NBSP}{}", currency.code()),
    }
}

/// The digits of a non-negative amount with exactly `scale` decimals, grouped.
fn digits_for(value: Decimal, scale: u32, numbers: &Numbers) -> String {
    let mut value = value;
    value.rescale(scale);
    let text = value.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + 8);
    if whole.len() >= 4 + (numbers.min_grouping - 1) {
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push_str(numbers.group);
            }
            out.push(digit);
        }
    } else {
        out.push_str(whole);
    }
    if !fraction.is_empty() {
        out.push(numbers.decimal);
        out.push_str(fraction);
    }
    out
}

/// A date in CLDR's long form: `June 3, 2025` (en-US), `3 June 2025`
/// (en-GB, en-IE), `3 de junio de 2025` (es), `3 juin 2025` (fr).
pub fn format_date(date: Date, locale: &str) -> String {
    date_for(date, FormatLocale::negotiate(locale))
}

/// [`format_date`] for a negotiated locale.
pub fn date_for(date: Date, locale: FormatLocale) -> String {
    let (day, month, year) = (date.day(), locale.month(date.month()), date.year());
    match locale {
        FormatLocale::EnUs => format!("{month} {day}, {year}"),
        FormatLocale::EnGb | FormatLocale::EnIe => format!("{day} {month} {year}"),
        FormatLocale::EsEs | FormatLocale::EsMx => format!("{day} de {month} de {year}"),
        FormatLocale::FrFr => format!("{day} {month} {year}"),
    }
}

/// An instant as a long date and a short time in UTC, labelled as such:
/// `June 3, 2025 at 2:05 PM UTC` (en-US, with U+202F before `PM`),
/// `3 June 2025 at 14:05 UTC`, `3 de junio de 2025, 14:05 UTC`,
/// `3 de junio de 2025, 2:05 p.m. UTC` (es-MX), `3 juin 2025 à 14:05 UTC`.
pub fn format_datetime(at: Timestamp, locale: &str) -> String {
    datetime_for(at, FormatLocale::negotiate(locale))
}

/// [`format_datetime`] for a negotiated locale.
pub fn datetime_for(at: Timestamp, locale: FormatLocale) -> String {
    let utc = at.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    let date = date_for(utc.date(), locale);
    let (hour, minute) = (utc.hour(), utc.minute());
    let twelve = if hour % 12 == 0 { 12 } else { hour % 12 };
    match locale {
        FormatLocale::EnUs => {
            let half = if hour < 12 { "AM" } else { "PM" };
            format!("{date} at {twelve}:{minute:02}{NNBSP}{half} UTC")
        }
        FormatLocale::EnGb | FormatLocale::EnIe => {
            format!("{date} at {hour:02}:{minute:02} UTC")
        }
        FormatLocale::EsEs => format!("{date}, {hour}:{minute:02} UTC"),
        FormatLocale::EsMx => {
            let half = if hour < 12 { "a.m." } else { "p.m." };
            format!("{date}, {twelve}:{minute:02}{NNBSP}{half} UTC")
        }
        FormatLocale::FrFr => format!("{date} à {hour:02}:{minute:02} UTC"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_required_outputs() {
        assert_eq!(format_money("49.90", "EUR", "fr-FR"), "49,90\u{a0}€");
        assert_eq!(format_money("49.90", "EUR", "en-IE"), "€49.90");
        assert_eq!(format_money("49.90", "USD", "en-US"), "$49.90");
    }

    /// Each row is what ICU 78 (CLDR 48) writes for the same input.
    #[test]
    fn money_matches_cldr_in_every_locale() {
        let cases = [
            ("en-US", "1234.5", "EUR", "€1,234.50"),
            ("en-US", "12345.67", "EUR", "€12,345.67"),
            ("en-US", "-49.9", "EUR", "-€49.90"),
            ("en-US", "1234", "JPY", "¥1,234"),
            ("en-US", "5", "CHF", "CHF\u{a0}5.00"),
            ("en-GB", "49.90", "USD", "US$49.90"),
            ("en-GB", "49.9", "GBP", "£49.90"),
            ("en-GB", "1234", "JPY", "JP¥1,234"),
            ("en-IE", "1234567.891", "MXN", "MX$1,234,567.89"),
            ("es-ES", "49.90", "EUR", "49,90\u{a0}€"),
            ("es-ES", "1234.5", "EUR", "1234,50\u{a0}€"),
            ("es-ES", "12345.67", "EUR", "12.345,67\u{a0}€"),
            ("es-ES", "49.90", "USD", "49,90\u{a0}US$"),
            ("es-ES", "49.90", "GBP", "49,90\u{a0}GBP"),
            ("es-ES", "-49.9", "EUR", "-49,90\u{a0}€"),
            ("es-MX", "1234567.891", "MXN", "$1,234,567.89"),
            ("es-MX", "49.90", "EUR", "EUR\u{a0}49.90"),
            ("es-MX", "-49.9", "EUR", "-EUR\u{a0}49.90"),
            ("fr-FR", "1234.5", "EUR", "1\u{202f}234,50\u{a0}€"),
            ("fr-FR", "12345.67", "EUR", "12\u{202f}345,67\u{a0}€"),
            ("fr-FR", "49.90", "USD", "49,90\u{a0}$US"),
            ("fr-FR", "49.90", "GBP", "49,90\u{a0}£GB"),
            ("fr-FR", "1234", "JPY", "1\u{202f}234\u{a0}JPY"),
            ("fr-FR", "5", "CHF", "5,00\u{a0}CHF"),
        ];
        for (locale, amount, currency, expected) in cases {
            assert_eq!(
                format_money(amount, currency, locale),
                expected,
                "{amount} {currency} in {locale}"
            );
        }
    }

    #[test]
    fn rounding_is_half_even_to_the_currency_decimals() {
        assert_eq!(format_money("0.125", "EUR", "en-IE"), "€0.12");
        assert_eq!(format_money("0.135", "EUR", "en-IE"), "€0.14");
        assert_eq!(format_money("1.5", "JPY", "en-US"), "¥2");
        assert_eq!(format_money("-0.001", "EUR", "en-IE"), "€0.00");
        assert_eq!(format_money("1.2345", "KWD", "en-GB"), "KWD\u{a0}1.234");
    }

    #[test]
    fn unreadable_input_is_refused_or_written_back() {
        assert_eq!(
            try_format_money("abc", "EUR", "fr"),
            Err(FormatError::NotANumber("abc".into()))
        );
        assert_eq!(
            try_format_money("1e9", "EUR", "fr"),
            Err(FormatError::NotANumber("1e9".into()))
        );
        assert_eq!(
            try_format_money("1", "EURO", "fr"),
            Err(FormatError::UnknownCurrency("EURO".into()))
        );
        assert_eq!(format_money("abc", "XYZ", "fr"), "abc XYZ");
        assert_eq!(format_money(" 49.9 ", "eur", "fr_FR"), "49,90\u{a0}€");
    }

    #[test]
    fn tags_fall_back_to_the_nearest_locale() {
        let cases = [
            ("en", FormatLocale::EnUs),
            ("EN-us", FormatLocale::EnUs),
            ("en-IE", FormatLocale::EnIe),
            ("en-AU", FormatLocale::EnGb),
            ("en_GB", FormatLocale::EnGb),
            ("es", FormatLocale::EsEs),
            ("es-AR", FormatLocale::EsEs),
            ("es-419", FormatLocale::EsMx),
            ("es-Latn-MX", FormatLocale::EsMx),
            ("fr", FormatLocale::FrFr),
            ("fr-CA", FormatLocale::FrFr),
            ("de-DE", FormatLocale::EnUs),
            ("", FormatLocale::EnUs),
            ("<script>", FormatLocale::EnUs),
        ];
        for (tag, expected) in cases {
            assert_eq!(FormatLocale::negotiate(tag), expected, "{tag}");
        }
        for locale in FormatLocale::ALL {
            assert_eq!(FormatLocale::negotiate(locale.tag()), locale);
        }
    }

    #[test]
    fn dates_match_cldr_long_dates() -> Result<(), jiff::Error> {
        let date = Date::new(2025, 6, 3)?;
        assert_eq!(format_date(date, "en-US"), "June 3, 2025");
        assert_eq!(format_date(date, "en-GB"), "3 June 2025");
        assert_eq!(format_date(date, "en-IE"), "3 June 2025");
        assert_eq!(format_date(date, "es-ES"), "3 de junio de 2025");
        assert_eq!(format_date(date, "es-MX"), "3 de junio de 2025");
        assert_eq!(format_date(date, "fr-FR"), "3 juin 2025");
        assert_eq!(format_date(Date::new(2025, 8, 15)?, "fr"), "15 août 2025");
        assert_eq!(
            format_date(Date::new(2024, 2, 29)?, "es"),
            "29 de febrero de 2024"
        );
        Ok(())
    }

    #[test]
    fn date_times_are_in_utc_and_say_so() -> Result<(), jiff::Error> {
        let at: Timestamp = "2025-06-03T14:05:00Z".parse()?;
        assert_eq!(
            format_datetime(at, "en-US"),
            "June 3, 2025 at 2:05\u{202f}PM UTC"
        );
        assert_eq!(format_datetime(at, "en-GB"), "3 June 2025 at 14:05 UTC");
        assert_eq!(
            format_datetime(at, "es-ES"),
            "3 de junio de 2025, 14:05 UTC"
        );
        assert_eq!(
            format_datetime(at, "es-MX"),
            "3 de junio de 2025, 2:05\u{202f}p.m. UTC"
        );
        assert_eq!(format_datetime(at, "fr-FR"), "3 juin 2025 à 14:05 UTC");
        let midnight: Timestamp = "2025-01-01T00:07:00+01:00".parse()?;
        assert_eq!(
            format_datetime(midnight, "en-US"),
            "December 31, 2024 at 11:07\u{202f}PM UTC"
        );
        assert_eq!(
            format_datetime("2025-01-01T00:30:00Z".parse()?, "en-US"),
            "January 1, 2025 at 12:30\u{202f}AM UTC"
        );
        Ok(())
    }
}
