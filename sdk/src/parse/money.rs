//! Prices in chat: "under 20 euros", "moins de 20 €", "menos de 15€",
//! "$40", "entre 20 y 50", "from 10 to 30 EUR", "49,90".
//!
//! Amounts are exact decimals (`rust_decimal`), never floats. Callers turn
//! them into JSON numbers or minor units at their own edge.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::numbers::quantity;

/// An ISO 4217 code named by a currency word or symbol.
pub type Currency = &'static str;

/// Price bounds read from a message, with the word positions they used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PriceBounds {
    /// Lowest acceptable price.
    pub min: Option<Decimal>,
    /// Highest acceptable price.
    pub max: Option<Decimal>,
    /// A price stated on its own ("49.90 EUR"), e.g. for a product to create.
    pub exact: Option<Decimal>,
    /// The currency named, if any.
    pub currency: Option<Currency>,
    /// "cheap", "barato", "pas cher" and the like.
    pub cheap: bool,
    /// Indices of the words that were part of a price expression.
    pub used: Vec<usize>,
}

fn currency_word(word: &str) -> Option<Currency> {
    Some(match word {
        "€" | "eur" | "euro" | "euros" => "EUR",
        "$" | "usd" | "dollar" | "dollars" | "dolar" | "dolares" => "USD",
        "£" | "gbp" | "pound" | "pounds" | "libra" | "libras" | "livre" | "livres" | "quid" => {
            "GBP"
        }
        // Slang: "20 pavos" (es), "20 balles" (fr), "20 bucks" (en).
        "pavos" | "balles" => "EUR",
        "bucks" => "USD",
        _ => return None,
    })
}

/// An amount written as one word: "49.90", "49,90", "20€", "€20", "$40", "40usd".
pub fn parse_amount(word: &str) -> Option<(Decimal, Option<Currency>)> {
    let mut currency = None;
    let mut core = word;
    for symbol in ["€", "$", "£", "eur", "usd", "gbp"] {
        if let Some(rest) = core.strip_prefix(symbol) {
            currency = currency_word(symbol);
            core = rest;
        } else if let Some(rest) = core.strip_suffix(symbol) {
            currency = currency_word(symbol);
            core = rest;
        }
    }
    if core.is_empty() || !core.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !core
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    // One separator followed by one or two digits is a decimal separator;
    // a separator followed by three digits groups thousands (1.500, 1,500).
    let normalised = match core.rfind(['.', ',']) {
        Some(pos) if core.len() - pos - 1 <= 2 => {
            let (int, frac) = core.split_at(pos);
            format!("{}.{}", int.replace(['.', ','], ""), &frac[1..])
        }
        Some(_) => core.replace(['.', ','], ""),
        None => core.to_owned(),
    };
    let value = Decimal::from_str(&normalised).ok()?;
    Some((value.normalize(), currency))
}

/// An amount at `i`: one word ("20€"), or a number word ("twenty", "veinte").
/// Returns the value, the currency and the number of words used.
fn amount_at(words: &[&str], i: usize) -> Option<(Decimal, Option<Currency>, usize)> {
    let word = *words.get(i)?;
    if let Some((value, currency)) = parse_amount(word) {
        return Some((value, currency, 1));
    }
    // "$ 40", "€ 20": a symbol, then the number.
    if let Some(currency) = currency_word(word).filter(|_| matches!(word, "$" | "€" | "£")) {
        let (value, _, used) = amount_at(words, i + 1)?;
        return Some((value, Some(currency), used + 1));
    }
    let (n, used) = quantity(words, i, false)?;
    Some((Decimal::from(n), None, used))
}

const MAX_CUES: &[&[&str]] = &[
    &["under"],
    &["below"],
    &["less", "than"],
    &["cheaper", "than"],
    &["max"],
    &["maximum"],
    &["up", "to"],
    &["no", "more", "than"],
    &["at", "most"],
    &["menos", "de"],
    &["menos", "que"],
    &["hasta"],
    &["maximo"],
    &["como", "mucho"],
    &["no", "mas", "de"],
    &["mas", "barato", "que"],
    &["moins", "de"],
    &["sous", "les"],
    &["sous"],
    &["jusqu", "a"],
    &["jusque"],
    &["au", "plus"],
    &["pas", "plus", "de"],
    &["en", "dessous", "de"],
    &["moins", "cher", "que"],
    &["inferieur", "a"],
];
const MIN_CUES: &[&[&str]] = &[
    &["over"],
    &["above"],
    &["more", "than"],
    &["at", "least"],
    &["min"],
    &["minimum"],
    &["mas", "de"],
    &["desde"],
    &["minimo"],
    &["al", "menos"],
    &["a", "partir", "de"],
    &["plus", "de"],
    &["au", "moins"],
    &["des"],
    &["superieur", "a"],
];
const RANGE_CUES: &[(&str, &[&str])] = &[
    ("between", &["and"]),
    ("from", &["to", "and"]),
    ("entre", &["y", "e", "et", "a"]),
    ("de", &["a"]),
    ("desde", &["hasta", "a"]),
];
const CHEAP: &[&[&str]] = &[
    &["cheap"],
    &["cheapest"],
    &["inexpensive"],
    &["budget"],
    &["affordable"],
    &["barato"],
    &["barata"],
    &["baratos"],
    &["baratas"],
    &["economico"],
    &["economica"],
    &["pas", "cher"],
    &["pas", "chere"],
    &["bon", "marche"],
    &["petit", "prix"],
    &["cheaper"],
    &["mas", "barato"],
    &["moins", "cher"],
];

fn starts_with(words: &[&str], i: usize, cue: &[&str]) -> bool {
    cue.iter()
        .enumerate()
        .all(|(k, c)| words.get(i + k) == Some(c))
}

/// Reads price bounds and a currency out of folded words.
pub fn price_bounds(words: &[&str]) -> PriceBounds {
    let mut out = PriceBounds::default();
    let mut i = 0;
    while i < words.len() {
        // Ranges: "between 20 and 50", "entre 20 y 50", "from 10 to 30", "20-50".
        if let Some((_, joins)) = RANGE_CUES.iter().find(|(start, _)| words[i] == *start)
            && let Some((low, c1, n1)) = amount_at(words, i + 1)
            && let Some(join) = words.get(i + 1 + n1)
            && joins.contains(join)
            && let Some((high, c2, n2)) = amount_at(words, i + 2 + n1)
        {
            out.min = Some(low.min(high));
            out.max = Some(low.max(high));
            out.currency = out.currency.or(c1).or(c2);
            out.used.extend(i..i + 2 + n1 + n2);
            i += 2 + n1 + n2;
            continue;
        }
        if let Some((low, high)) = words[i].split_once('-')
            && let (Some((low, c1)), Some((high, c2))) = (parse_amount(low), parse_amount(high))
        {
            out.min = Some(low.min(high));
            out.max = Some(low.max(high));
            out.currency = out.currency.or(c1).or(c2);
            out.used.push(i);
            i += 1;
            continue;
        }
        let bound = MAX_CUES
            .iter()
            .find(|cue| starts_with(words, i, cue))
            .map(|cue| (true, cue.len()))
            .or_else(|| {
                MIN_CUES
                    .iter()
                    .find(|cue| starts_with(words, i, cue))
                    .map(|cue| (false, cue.len()))
            });
        if let Some((is_max, len)) = bound
            && let Some((value, currency, used)) = amount_at(words, i + len)
            // "more than two" is a quantity, not a price: ask for a currency or a decimal.
            && (currency.is_some()
                || words.get(i + len + used).copied().and_then(currency_word).is_some()
                || words[i + len].contains(['.', ','])
                || value >= Decimal::from(5))
        {
            if is_max {
                out.max = Some(value);
            } else {
                out.min = Some(value);
            }
            out.currency = out.currency.or(currency);
            out.used.extend(i..i + len + used);
            i += len + used;
            continue;
        }
        if let Some(cue) = CHEAP.iter().find(|cue| starts_with(words, i, cue)) {
            out.cheap = true;
            out.used.extend(i..i + cue.len());
            i += cue.len();
            continue;
        }
        // "Livre" is a book as often as a pound: a currency only next to
        // an amount ("20 livres", "livres 20").
        let amount_beside = (i > 0
            && (out.used.contains(&(i - 1)) || parse_amount(words[i - 1]).is_some()))
            || words.get(i + 1).and_then(|w| parse_amount(w)).is_some();
        if matches!(words[i], "livre" | "livres" | "libra" | "libras") && !amount_beside {
            i += 1;
            continue;
        }
        if let Some(currency) = currency_word(words[i]) {
            out.currency = out.currency.or(Some(currency));
            // A currency word right after a bare amount makes that amount a price.
            if i > 0
                && !out.used.contains(&(i - 1))
                && let Some((value, _)) = parse_amount(words[i - 1])
            {
                out.exact = out.exact.or(Some(value));
                out.used.push(i - 1);
            } else if i > 0 && out.used.contains(&(i - 1)) {
                // "under 20 euros": the word belongs to the bound just read.
            }
            out.used.push(i);
            i += 1;
            continue;
        }
        if let Some((value, Some(currency))) = parse_amount(words[i]) {
            out.exact = out.exact.or(Some(value));
            out.currency = out.currency.or(Some(currency));
            out.used.push(i);
        } else if let Some((value, None)) = parse_amount(words[i])
            && words[i]
                .rfind(['.', ','])
                .is_some_and(|p| words[i].len() - p == 3)
        {
            // "14.90", "9,50": two decimals make a price even without a currency.
            out.exact = out.exact.or(Some(value));
            out.used.push(i);
        }
        i += 1;
    }
    out.used.sort_unstable();
    out.used.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{fold, words};

    fn bounds(text: &str) -> PriceBounds {
        let folded = fold(text);
        price_bounds(&words(&folded))
    }

    #[test]
    fn a_book_is_no_pound_without_an_amount() {
        let book = bounds("le livre mucha affiches art nouveau");
        assert_eq!(book.currency, None);
        assert!(book.used.is_empty());
        let pounds = bounds("moins de 20 livres");
        assert_eq!(pounds.currency, Some("GBP"));
        assert_eq!(pounds.max, Some(Decimal::from(20)));
        assert_eq!(bounds("un libro de 30 libras").currency, Some("GBP"));
    }

    fn d(v: &str) -> Option<Decimal> {
        Some(Decimal::from_str(v).expect("decimal"))
    }

    #[test]
    fn upper_bounds_in_three_languages() {
        for (text, max, currency) in [
            ("mugs under 20 euros", "20", Some("EUR")),
            ("moins de 20 €", "20", Some("EUR")),
            ("menos de 15€", "15", Some("EUR")),
            ("jewelry under $100", "100", Some("USD")),
            ("below twenty-five euros", "25", Some("EUR")),
            ("t-shirts jusqu'à 25,90 €", "25.9", Some("EUR")),
            ("max 60€", "60", Some("EUR")),
            ("por menos de veinte euros", "20", Some("EUR")),
            ("cheaper than 15", "15", None),
        ] {
            let b = bounds(text);
            assert_eq!(b.max, d(max), "{text}: {b:?}");
            assert_eq!(b.currency, currency, "{text}");
        }
    }

    #[test]
    fn ranges_and_exact_prices() {
        let b = bounds("entre 20 y 50");
        assert_eq!((b.min, b.max), (d("20"), d("50")));
        let b = bounds("from 20 to 40 euros please");
        assert_eq!((b.min, b.max, b.currency), (d("20"), d("40"), Some("EUR")));
        let b = bounds("bijoux libellule entre 50 et 200 euros");
        assert_eq!((b.min, b.max), (d("50"), d("200")));
        let b = bounds("Ceramic vase, 49.90 EUR, 12 in stock");
        assert_eq!((b.exact, b.currency), (d("49.9"), Some("EUR")));
        let b = bounds("Vase bleu, 49,90 €");
        assert_eq!(b.exact, d("49.9"));
        assert!(bounds("cartes postales pas cher").cheap);
        assert!(bounds("postales baratas").cheap);
        assert_eq!(
            bounds("add more than two").min,
            None,
            "a quantity is not a price"
        );
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("1.500").map(|a| a.0), d("1500"));
        assert_eq!(parse_amount("9,5").map(|a| a.0), d("9.5"));
        assert_eq!(parse_amount("$40"), Some((Decimal::from(40), Some("USD"))));
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount("12a"), None);
    }
}
