//! Money as the wire carries it: a decimal string plus an ISO 4217 code.
//!
//! Floats never hold money anywhere in the workspace. Storage uses integer
//! minor units; the wire uses `{"amount": "49.90", "currency": "EUR"}` whose
//! number of decimals is the currency's ISO 4217 exponent (two for EUR, zero
//! for JPY, three for KWD).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why an amount or a currency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not an ISO 4217 code.
    #[error("`{0}` is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")]
    UnknownCurrency(String),
    /// Not a decimal number.
    #[error("`{0}` is not a decimal amount (e.g. 49.90)")]
    NotANumber(String),
    /// More decimals than the currency has.
    #[error("{currency} amounts have at most {exponent} decimals, got `{amount}`")]
    TooPrecise {
        /// The amount given.
        amount: String,
        /// The currency.
        currency: String,
        /// Its ISO 4217 exponent.
        exponent: u32,
    },
    /// Outside what 64-bit minor units can hold.
    #[error("`{0}` is too large")]
    TooLarge(String),
}

/// A validated ISO 4217 currency code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Parses a code, case-insensitively (`eur` is `EUR`).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        iso_currency::Currency::from_code(&code.trim().to_ascii_uppercase())
            .map(Self)
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
    }

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Number of decimals of the minor unit (2 for EUR, 0 for JPY).
    pub fn exponent(&self) -> u32 {
        // Funds and metals (XAU…) have no minor unit; treat them as whole units.
        self.0.exponent().map_or(0, u32::from)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount of money on the wire: `{"amount": "49.90", "currency": "EUR"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Money {
    /// Decimal string with exactly the currency's number of decimals.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

impl Money {
    /// Builds the wire form from integer minor units (`4990`, EUR → `"49.90"`).
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        let amount = Decimal::new(minor, currency.exponent());
        Self {
            amount: amount.to_string(),
            currency: currency.code().to_owned(),
        }
    }

    /// Parses a decimal amount (`"49.9"`, `"49,90"`, `"50"`) in `currency`.
    /// A comma is accepted as the decimal separator when it is the only separator.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, MoneyError> {
        let currency = Currency::parse(currency)?;
        let minor = parse_minor(amount, currency)?;
        Ok(Self::from_minor(minor, currency))
    }

    /// The amount in minor units, validating both fields.
    pub fn to_minor(&self) -> Result<(i64, Currency), MoneyError> {
        let currency = Currency::parse(&self.currency)?;
        Ok((parse_minor(&self.amount, currency)?, currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// Parses a decimal amount into minor units of `currency`.
pub fn parse_minor(amount: &str, currency: Currency) -> Result<i64, MoneyError> {
    let trimmed = amount.trim();
    let normalised = if trimmed.contains(',') && !trimmed.contains('.') {
        trimmed.replacen(',', ".", 1)
    } else {
        trimmed.to_owned()
    };
    if normalised.is_empty() || normalised.contains(['e', 'E']) {
        return Err(MoneyError::NotANumber(amount.to_owned()));
    }
    let value =
        Decimal::from_str(&normalised).map_err(|_| MoneyError::NotANumber(amount.to_owned()))?;
    let exponent = currency.exponent();
    if value.normalize().scale() > exponent {
        return Err(MoneyError::TooPrecise {
            amount: amount.to_owned(),
            currency: currency.code().to_owned(),
            exponent,
        });
    }
    let scaled = value
        .checked_mul(Decimal::from(10_i64.pow(exponent)))
        .ok_or_else(|| MoneyError::TooLarge(amount.to_owned()))?;
    i64::try_from(scaled.normalize()).map_err(|_| MoneyError::TooLarge(amount.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").expect("EUR is ISO 4217")
    }

    #[test]
    fn minor_units_round_trip_with_the_currency_exponent() {
        assert_eq!(Money::from_minor(4990, eur()).amount, "49.90");
        assert_eq!(Money::from_minor(5, eur()).amount, "0.05");
        assert_eq!(Money::from_minor(0, eur()).amount, "0.00");
        let jpy = Currency::parse("jpy").expect("JPY");
        assert_eq!(Money::from_minor(1500, jpy).amount, "1500");
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(Money::from_minor(1500, kwd).amount, "1.500");
    }

    #[test]
    fn parses_either_decimal_separator() {
        assert_eq!(Money::parse("49.9", "EUR").expect("valid").amount, "49.90");
        assert_eq!(Money::parse("49,90", "eur").expect("valid").amount, "49.90");
        assert_eq!(
            Money::parse(" 50 ", "USD")
                .expect("valid")
                .to_minor()
                .expect("ok")
                .0,
            5000
        );
    }

    #[test]
    fn refuses_what_is_not_money() {
        assert!(matches!(
            Money::parse("1.999", "EUR"),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            Money::parse("12", "EURO"),
            Err(MoneyError::UnknownCurrency(_))
        ));
        assert!(matches!(
            Money::parse("abc", "EUR"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("1e3", "EUR"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("", "EUR"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("99999999999999999999", "EUR"),
            Err(MoneyError::TooLarge(_)) | Err(MoneyError::NotANumber(_))
        ));
    }
}
