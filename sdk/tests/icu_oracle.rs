//! ICU4X as the oracle of `museo_sdk::locale`: the CLDR patterns written out
//! there must give what ICU4X gives for the six locales the platform serves.
//!
//! Dates are compared with `icu_datetime` (stable). Money is compared with
//! `icu_experimental`'s `CurrencyFormatter`, which is incomplete: where it
//! departs from ICU 78 / CLDR 48 (the `Intl.NumberFormat` of Node 20, which
//! `locale`'s own tests pin), the cases are listed in [`ICU4X_DIFFERS`] with
//! both outputs, and the test fails if ICU4X ever starts agreeing, so the
//! list cannot go stale.

use icu_datetime::{DateTimeFormatter, fieldsets};
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use museo_sdk::locale::{FormatLocale, date_for, money_for};
use museo_sdk::types::Currency;
use writeable::Writeable as _;

fn icu_locale(locale: FormatLocale) -> icu_locale_core::Locale {
    locale.tag().parse().expect("a valid tag")
}

#[test]
fn long_dates_are_icu4x_s() {
    let mut checked = 0;
    for locale in FormatLocale::ALL {
        let formatter =
            DateTimeFormatter::try_new((&icu_locale(locale)).into(), fieldsets::YMD::long())
                .expect("compiled data has the locale");
        for month in 1..=12 {
            for day in [1, 3, 28] {
                let ours = date_for(jiff::civil::date(2025, month, day), locale);
                let date = icu_calendar::Date::try_new_iso(2025, month as u8, day as u8)
                    .expect("a valid date");
                let icu = formatter.format(&date).to_string();
                assert_eq!(ours, icu, "{} {month}/{day}", locale.tag());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 6 * 12 * 3);
}

/// Where `icu_experimental` 0.7 writes a symbol and CLDR 48 (ICU 78,
/// `Intl.NumberFormat` in Node 20: `49,90 GBP` in es-ES, `EUR 0.50` and
/// `USD 49.90` in es-MX, `500 JPY` in fr-FR) writes the ISO code, as
/// `locale` does: `(locale, currency, icu_experimental's symbol)`. The
/// digits, grouping and spacing are still compared.
const ICU4X_SYMBOL_NOT_CLDR: [(&str, &str, &str); 8] = [
    ("es-ES", "GBP", "£"),
    ("es-ES", "MXN", "MX$"),
    ("es-ES", "JPY", "JP¥"),
    ("es-MX", "EUR", "€"),
    ("es-MX", "USD", "US$"),
    ("es-MX", "GBP", "£"),
    ("es-MX", "JPY", "JP¥"),
    ("fr-FR", "JPY", "JP¥"),
];

fn icu_money(locale: FormatLocale, currency: &str, amount: &str) -> String {
    let code = CurrencyType::try_from_str(&currency.to_ascii_lowercase()).expect("ISO code");
    let formatter =
        CurrencyFormatter::try_new_symbol((&icu_locale(locale)).into(), code, Default::default())
            .expect("compiled data has the locale");
    let value: fixed_decimal::Decimal = amount.parse().expect("a decimal");
    formatter
        .format_fixed_decimal(&value)
        .write_to_string()
        .into_owned()
}

#[test]
fn money_is_icu4x_s_except_where_icu4x_departs_from_cldr() {
    let mut agreed = 0;
    for locale in FormatLocale::ALL {
        for (currency, amounts) in [
            (
                "EUR",
                &[
                    "0.50",
                    "9.99",
                    "49.90",
                    "999.99",
                    "1234.50",
                    "12345.67",
                    "1234567.89",
                ][..],
            ),
            ("USD", &["49.90", "1234.50"][..]),
            ("GBP", &["49.90", "1234.50"][..]),
            ("MXN", &["49.90", "12345.67"][..]),
            ("JPY", &["500", "1234"][..]),
        ] {
            for amount in amounts {
                let ours = money_for(
                    amount.parse().expect("a decimal"),
                    Currency::parse(currency).expect("ISO code"),
                    locale,
                );
                let icu = icu_money(locale, currency, amount);
                match ICU4X_SYMBOL_NOT_CLDR
                    .iter()
                    .find(|(l, c, _)| *l == locale.tag() && *c == currency)
                {
                    Some((_, _, symbol)) => {
                        // The code before the number has a no-break space; a symbol none.
                        let with_symbol = match ours.strip_prefix(&format!("{currency}\u{a0}")) {
                            Some(number) => format!("{symbol}{number}"),
                            None => ours.replace(currency, symbol),
                        };
                        assert_eq!(with_symbol, icu, "{} {currency} {amount}", locale.tag());
                        assert_ne!(
                            ours,
                            icu,
                            "icu_experimental now agrees for {} {currency}: shorten ICU4X_SYMBOL_NOT_CLDR",
                            locale.tag()
                        );
                    }
                    None => {
                        assert_eq!(ours, icu, "{} {currency} {amount}", locale.tag());
                        agreed += 1;
                    }
                }
            }
        }
    }
    // 90 cases: 69 identical, 21 with a symbol where CLDR has a code.
    assert_eq!(agreed, 69, "{agreed} cases agreed");
}
