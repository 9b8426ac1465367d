//! The words mcp-storefront writes itself, in English, Spanish and French,
//! and money written for a reader.
//!
//! Product data comes translated from the API; what is here is only the
//! frame around it (attribute names, "in stock"), so the three languages stay
//! side by side and a missing translation is a compile-time gap, not a
//! runtime surprise.

use museo_sdk::types::{Lang, Money};
use rust_decimal::Decimal;

/// Longest locale tag accepted (BCP-47 tags in practice are far shorter).
const MAX_LOCALE_LEN: usize = 35;

/// Reads an optional BCP-47 `locale`. A well-formed tag in a language the shop
/// does not write (`de-DE`) falls back to English, so the tool still works;
/// text that is not a language tag at all is refused.
pub fn locale(tag: Option<&str>) -> Result<Lang, String> {
    let Some(tag) = tag.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(Lang::En);
    };
    let well_formed = tag.len() <= MAX_LOCALE_LEN
        && tag.split(['-', '_']).all(|part| {
            !part.is_empty() && part.len() <= 8 && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        && tag.split(['-', '_']).next().is_some_and(|primary| {
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic())
        });
    if !well_formed {
        return Err(format!(
            "locale {:?} is not a BCP-47 language tag; use one such as \"en-GB\", \"es-ES\" or \"fr-FR\"",
            truncate(tag, 40)
        ));
    }
    Ok(Lang::from_tag(tag).unwrap_or(Lang::En))
}

/// `text` cut to at most `max` characters, for quoting user input in errors.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Money as a reader in `lang` expects it: `€49.90` (en), `49,90 €` (es, fr);
/// thousands grouped the CLDR way (`€1,234.50`, `1234,50 €` and
/// `12.345,00 €` in Spanish, `1 234,50 €` with a narrow no-break space in
/// French). Falls back to `49.90 XYZ` for a currency without a symbol here.
pub fn money(value: &Money, lang: Lang) -> String {
    let Ok(amount) = value.amount.parse::<Decimal>() else {
        return format!("{} {}", value.amount, value.currency);
    };
    let symbol = match value.currency.as_str() {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        _ => None,
    };
    let negative = amount.is_sign_negative();
    let text = amount.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let (group, decimal, min_grouping) = match lang {
        Lang::En => (",", ".", 4),
        Lang::Es => (".", ",", 5),
        Lang::Fr => ("\u{202f}", ",", 4),
    };
    let mut grouped = String::new();
    if whole.len() >= min_grouping {
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push_str(group);
            }
            grouped.push(digit);
        }
    } else {
        grouped.push_str(whole);
    }
    if !fraction.is_empty() {
        grouped.push_str(decimal);
        grouped.push_str(fraction);
    }
    let sign = if negative { "-" } else { "" };
    match (lang, symbol) {
        (Lang::En, Some(symbol)) => format!("{sign}{symbol}{grouped}"),
        (_, Some(symbol)) => format!("{sign}{grouped}\u{a0}{symbol}"),
        (_, None) => format!("{sign}{grouped}\u{a0}{}", value.currency),
    }
}

/// The display name of a product attribute key in `lang` (`dimensions` →
/// "Medidas"); unknown keys are shown as written, underscores as spaces.
pub fn attribute_label(key: &str, lang: Lang) -> String {
    let known = match (key, lang) {
        ("material", Lang::En) => "Material",
        ("material", Lang::Es) => "Material",
        ("material", Lang::Fr) => "Matériau",
        ("colour" | "color", Lang::En) => "Colour",
        ("colour" | "color", Lang::Es) => "Color",
        ("colour" | "color", Lang::Fr) => "Couleur",
        ("dimensions", Lang::En) => "Dimensions",
        ("dimensions", Lang::Es) => "Medidas",
        ("dimensions", Lang::Fr) => "Dimensions",
        ("artist", Lang::En) => "Artist",
        ("artist", Lang::Es) => "Artista",
        ("artist", Lang::Fr) => "Artiste",
        ("period", Lang::En) => "Period",
        ("period", Lang::Es) => "Época",
        ("period", Lang::Fr) => "Période",
        ("origin", Lang::En) => "Origin",
        ("origin", Lang::Es) => "Origen",
        ("origin", Lang::Fr) => "Origine",
        ("care", Lang::En) => "Care",
        ("care", Lang::Es) => "Cuidados",
        ("care", Lang::Fr) => "Entretien",
        ("weight", Lang::En) => "Weight",
        ("weight", Lang::Es) => "Peso",
        ("weight", Lang::Fr) => "Poids",
        ("pages", Lang::En) => "Pages",
        ("pages", Lang::Es) => "Páginas",
        ("pages", Lang::Fr) => "Pages",
        ("dishwasher_safe", Lang::En) => "Dishwasher safe",
        ("dishwasher_safe", Lang::Es) => "Apto para lavavajillas",
        ("dishwasher_safe", Lang::Fr) => "Passe au lave-vaisselle",
        ("language", Lang::En) => "Language",
        ("language", Lang::Es) => "Idioma",
        ("language", Lang::Fr) => "Langue",
        ("isbn", _) => "ISBN",
        ("capacity", Lang::En) => "Capacity",
        ("capacity", Lang::Es) => "Capacidad",
        ("capacity", Lang::Fr) => "Contenance",
        ("size", Lang::En) => "Size",
        ("size", Lang::Es) => "Talla",
        ("size", Lang::Fr) => "Taille",
        _ => return key.replace('_', " "),
    };
    known.to_owned()
}

/// "yes"/"no" attribute values in `lang`; other values unchanged.
pub fn attribute_value(value: &str, lang: Lang) -> String {
    match (value.trim().to_ascii_lowercase().as_str(), lang) {
        ("yes" | "true", Lang::Es) => "sí".to_owned(),
        ("yes" | "true", Lang::Fr) => "oui".to_owned(),
        ("yes" | "true", Lang::En) => "yes".to_owned(),
        ("no" | "false", Lang::Fr) => "non".to_owned(),
        ("no" | "false", _) => "no".to_owned(),
        _ => value.to_owned(),
    }
}

/// "in stock (12)" / "out of stock" in `lang`.
pub fn availability(stock: i64, lang: Lang) -> String {
    match (stock > 0, lang) {
        (true, Lang::En) => format!("in stock ({stock})"),
        (true, Lang::Es) => format!("disponible ({stock})"),
        (true, Lang::Fr) => format!("en stock ({stock})"),
        (false, Lang::En) => "out of stock".to_owned(),
        (false, Lang::Es) => "agotado".to_owned(),
        (false, Lang::Fr) => "en rupture de stock".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(amount: &str) -> Money {
        Money {
            amount: amount.into(),
            currency: "EUR".into(),
        }
    }

    #[test]
    fn money_reads_the_way_each_language_writes_it() {
        assert_eq!(money(&eur("49.90"), Lang::En), "€49.90");
        assert_eq!(money(&eur("49.90"), Lang::Es), "49,90\u{a0}€");
        assert_eq!(money(&eur("49.90"), Lang::Fr), "49,90\u{a0}€");
        assert_eq!(money(&eur("1234.50"), Lang::En), "€1,234.50");
        assert_eq!(money(&eur("1234.50"), Lang::Es), "1234,50\u{a0}€");
        assert_eq!(money(&eur("12345.00"), Lang::Es), "12.345,00\u{a0}€");
        assert_eq!(money(&eur("1234.50"), Lang::Fr), "1\u{202f}234,50\u{a0}€");
        let yen = Money {
            amount: "1500".into(),
            currency: "JPY".into(),
        };
        assert_eq!(money(&yen, Lang::En), "1,500\u{a0}JPY");
        assert_eq!(money(&eur("not a number"), Lang::En), "not a number EUR");
    }

    #[test]
    fn locales_fall_back_or_are_refused() {
        assert_eq!(locale(None), Ok(Lang::En));
        assert_eq!(locale(Some("es-MX")), Ok(Lang::Es));
        assert_eq!(locale(Some("fr_CA")), Ok(Lang::Fr));
        assert_eq!(locale(Some("de-DE")), Ok(Lang::En));
        assert_eq!(locale(Some("  ")), Ok(Lang::En));
        for bad in ["<script>", "e", "12-34", "en--GB", &"x".repeat(500)] {
            let error = locale(Some(bad)).expect_err(bad);
            assert!(error.contains("BCP-47"), "{error}");
            assert!(error.len() < 200, "{error}");
        }
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("éèà", 2), "éè…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
