//! A product read out of one sentence, in English, Spanish or French.
//!
//! "Ceramic vase inspired by Miró, 49.90 EUR, 12 in stock, SKU VASE-MIRO-01",
//! "Jarrón de cerámica azul, 35 euros, 5 unidades", "Affiche Monet, 25 €,
//! catégorie affiches, publiée". The text is split into parts at commas that
//! are not decimal commas, semicolons and line breaks; each part is tried as
//! a SKU, a price, a stock, a category, a colour or a publish flag (with the
//! sdk's parsers, shared with mcp-intent); the first part that is none of
//! these is the title, and any other such parts become the description.
//! Nothing is invented: a field the sentence does not state stays empty, and
//! the tool then names what is missing.

use museo_sdk::parse::{self, fold, words};
use museo_sdk::types::Lang;
use rust_decimal::Decimal;

/// What a description states.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Described {
    /// The product's name.
    pub title: Option<String>,
    /// Further text about it.
    pub description: Option<String>,
    /// The price, as a decimal string.
    pub price: Option<String>,
    /// ISO 4217 currency named with the price.
    pub currency: Option<String>,
    /// Units in stock.
    pub stock: Option<i64>,
    /// SKU.
    pub sku: Option<String>,
    /// Category slug.
    pub category: Option<String>,
    /// Colour (English name).
    pub colour: Option<String>,
    /// Publish now (true) or keep as a draft (false).
    pub published: Option<bool>,
    /// The language the text is written in.
    pub language: Option<Lang>,
}

const SKU_CUES: &[&str] = &[
    "sku",
    "ref",
    "reference",
    "referencia",
    "code",
    "codigo",
    "article",
];
const STOCK_UNITS: &[&[&str]] = &[
    &["in", "stock"],
    &["en", "stock"],
    &["units"],
    &["unit"],
    &["pcs"],
    &["pieces"],
    &["items"],
    &["copies"],
    &["unidades"],
    &["unidad"],
    &["ejemplares"],
    &["piezas"],
    &["en", "existencia"],
    &["unites"],
    &["unite"],
    &["exemplaires"],
    &["pieces"],
];
const STOCK_CUES: &[&str] = &[
    "stock",
    "quantity",
    "qty",
    "cantidad",
    "existencias",
    "quantite",
    "inventory",
    "inventario",
];
const CATEGORY_CUES: &[&str] = &["category", "categoria", "categorie", "cat"];
const PUBLISH: &[&str] = &[
    "published",
    "publish",
    "publicado",
    "publicada",
    "publicar",
    "publie",
    "publiee",
    "publier",
    "visible",
    "live",
];
const DRAFT: &[&str] = &[
    "draft",
    "unpublished",
    "borrador",
    "brouillon",
    "hidden",
    "oculto",
    "cache",
];

/// Reads a product description. `lang` is the locale's language when known.
pub fn describe(text: &str, lang: Option<Lang>) -> Described {
    let mut out = Described {
        language: lang.or_else(|| guess_language(text)),
        ..Described::default()
    };
    let mut rest: Vec<String> = Vec::new();
    for part in split_parts(text) {
        let folded = fold(&part);
        let ws = words(&folded);
        if ws.is_empty() {
            continue;
        }
        if out.sku.is_none()
            && let Some(sku) = sku_in(&part, &ws)
        {
            out.sku = Some(sku);
            continue;
        }
        if out.price.is_none() {
            let bounds = parse::price_bounds(&ws);
            let value = bounds.exact.or(if bounds.currency.is_some() {
                bounds.min.or(bounds.max)
            } else {
                None
            });
            if let Some(value) = value
                && bounds.used.len() * 2 >= ws.len()
            {
                out.price = Some(value.normalize().to_string());
                out.currency = bounds.currency.map(str::to_owned);
                continue;
            }
            // A bare decimal ("49.90") on its own is a price.
            if ws.len() == 1
                && ws[0].contains(['.', ','])
                && let Some((value, currency)) = parse::parse_amount(ws[0])
            {
                out.price = Some(value.normalize().to_string());
                out.currency = currency.map(str::to_owned);
                continue;
            }
        }
        if out.stock.is_none()
            && let Some(stock) = stock_in(&ws)
        {
            out.stock = Some(stock);
            continue;
        }
        if out.published.is_none() && ws.len() <= 3 {
            if ws.iter().any(|w| PUBLISH.contains(w))
                && !ws.iter().any(|w| matches!(*w, "not" | "no" | "pas"))
            {
                out.published = Some(true);
                continue;
            }
            if ws.iter().any(|w| DRAFT.contains(w))
                || ws.windows(2).any(|w| {
                    w == ["not", "published"] || w == ["no", "publicado"] || w == ["non", "publie"]
                })
            {
                out.published = Some(false);
                continue;
            }
        }
        if out.category.is_none()
            && ws.len() <= 3
            // "catégorie affiches", or a category word on its own ("posters");
            // a title that merely contains one ("Affiche Les Nymphéas") is not.
            && (ws.iter().any(|w| CATEGORY_CUES.contains(w)) || ws.len() == 1)
            && let Some(slug) = ws.iter().find_map(|w| parse::category(w))
        {
            out.category = Some(slug.to_owned());
            continue;
        }
        if out.colour.is_none()
            && ws.len() <= 2
            && let Some(colour) = ws
                .iter()
                .filter(|w| w.len() >= 3)
                .find_map(|w| parse::colour(w))
        {
            out.colour = Some(colour.to_owned());
            continue;
        }
        rest.push(part.trim().to_owned());
    }
    let mut rest = rest.into_iter().filter(|p| !p.is_empty());
    out.title = rest.next().map(|t| clean_title(&t));
    if out.colour.is_none()
        && let Some(title) = &out.title
    {
        let folded = fold(title);
        out.colour = words(&folded)
            .iter()
            .filter(|w| w.len() >= 3)
            .find_map(|w| parse::colour(w))
            .map(str::to_owned);
    }
    let description: Vec<String> = rest.collect();
    if !description.is_empty() {
        out.description = Some(description.join(". "));
    }
    out
}

/// Parts of the text: split at line breaks, semicolons, " - " and commas that
/// are not between two digits ("49,90" stays whole).
fn split_parts(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let decimal_comma = c == ','
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if (c == ',' && !decimal_comma) || matches!(c, ';' | '\n' | '\r' | '|') {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .flat_map(|p| p.split(" - ").map(str::to_owned).collect::<Vec<_>>())
        .map(|p| p.trim().trim_end_matches('.').trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// "SKU VASE-MIRO-01", "ref: TAZ-01", "référence ABC_12".
fn sku_in(original: &str, folded: &[&str]) -> Option<String> {
    let cue = folded.iter().position(|w| SKU_CUES.contains(w))?;
    // The token after the cue, taken from the original text to keep its case.
    let tokens: Vec<&str> = original
        .split(|c: char| c.is_whitespace() || c == ':' || c == '#')
        .filter(|t| !t.is_empty())
        .collect();
    let candidate = tokens.get(cue + 1).or_else(|| tokens.last())?;
    let sku = candidate.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let valid = !sku.is_empty()
        && sku.len() <= 64
        && sku
            .bytes()
            .any(|b| b.is_ascii_digit() || b == b'-' || b.is_ascii_uppercase())
        && sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (valid && folded.len() <= 3).then(|| sku.to_ascii_uppercase())
}

/// "12 in stock", "5 unidades", "stock: 8", "cantidad 3".
fn stock_in(ws: &[&str]) -> Option<i64> {
    let number = |w: &str| -> Option<i64> {
        if w.bytes().all(|b| b.is_ascii_digit()) && w.len() <= 9 {
            w.parse().ok()
        } else {
            parse::number_word(w).map(i64::from)
        }
    };
    if ws.len() > 4 {
        return None;
    }
    for (i, w) in ws.iter().enumerate() {
        if let Some(n) = number(w) {
            let after = &ws[i + 1..];
            if STOCK_UNITS.iter().any(|unit| after.starts_with(unit)) {
                return Some(n);
            }
            if i > 0 && STOCK_CUES.contains(&ws[i - 1]) {
                return Some(n);
            }
        }
    }
    None
}

/// Drops a leading verb of creation ("create", "nuevo producto:", "ajoute").
fn clean_title(title: &str) -> String {
    const LEADS: &[&str] = &[
        "create a product",
        "create product",
        "create",
        "add a product",
        "add product",
        "new product",
        "crea un producto",
        "crear producto",
        "crea",
        "nuevo producto",
        "añade",
        "anade",
        "crée un produit",
        "cree un produit",
        "créer",
        "nouveau produit",
        "ajoute",
    ];
    let trimmed = title.trim();
    let lower = trimmed.to_lowercase();
    for lead in LEADS {
        if let Some(rest) = lower.strip_prefix(lead)
            && (rest.starts_with([' ', ':']) || rest.is_empty())
        {
            let cut = trimmed.len() - rest.len();
            let rest = trimmed[cut..].trim_start_matches([' ', ':']).trim();
            if !rest.is_empty() {
                return capitalise(rest);
            }
        }
    }
    capitalise(trimmed)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The language of a description from a few function words.
pub fn guess_language(text: &str) -> Option<Lang> {
    const ES: &[&str] = &[
        "de", "del", "con", "y", "unidades", "azul", "rojo", "jarron", "taza", "lamina", "euros",
        "el", "la", "para", "ceramica",
    ];
    const FR: &[&str] = &[
        "de",
        "du",
        "avec",
        "et",
        "en",
        "unites",
        "bleu",
        "bleue",
        "vase",
        "affiche",
        "tasse",
        "le",
        "la",
        "pour",
        "ceramique",
    ];
    const EN: &[&str] = &[
        "with", "and", "of", "the", "in", "stock", "blue", "red", "vase", "mug", "print",
        "inspired", "by", "ceramic", "for",
    ];
    let folded = fold(text);
    let ws = words(&folded);
    let score = |list: &[&str]| ws.iter().filter(|w| list.contains(w)).count();
    let (en, es, fr) = (score(EN), score(ES), score(FR));
    if en == 0 && es == 0 && fr == 0 {
        None
    } else if es > en && es > fr {
        Some(Lang::Es)
    } else if fr > en && fr > es {
        Some(Lang::Fr)
    } else {
        Some(Lang::En)
    }
}

/// A decimal price from a JSON number or string ("49.90", "49,90", "€49.90").
pub fn price_value(value: &serde_json::Value) -> Option<(Decimal, Option<&'static str>)> {
    match value {
        serde_json::Value::Number(n) => n.to_string().parse::<Decimal>().ok().map(|d| (d, None)),
        serde_json::Value::String(s) => {
            let folded = fold(s);
            let ws = words(&folded);
            let bounds = parse::price_bounds(&ws);
            bounds
                .exact
                .map(|d| (d, bounds.currency))
                .or_else(|| ws.first().and_then(|w| parse::parse_amount(w)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_examples() {
        let d = describe(
            "Ceramic vase inspired by Miró, 49.90 EUR, 12 in stock, SKU VASE-MIRO-01",
            None,
        );
        assert_eq!(d.title.as_deref(), Some("Ceramic vase inspired by Miró"));
        assert_eq!(d.price.as_deref(), Some("49.9"));
        assert_eq!(d.currency.as_deref(), Some("EUR"));
        assert_eq!(d.stock, Some(12));
        assert_eq!(d.sku.as_deref(), Some("VASE-MIRO-01"));
        assert_eq!(d.language, Some(Lang::En));

        let d = describe("Jarrón de cerámica azul, 35 euros, 5 unidades", None);
        assert_eq!(d.title.as_deref(), Some("Jarrón de cerámica azul"));
        assert_eq!(d.price.as_deref(), Some("35"));
        assert_eq!(d.stock, Some(5));
        assert_eq!(d.colour.as_deref(), Some("blue"));
        assert_eq!(d.language, Some(Lang::Es));
        assert_eq!(d.sku, None);
    }

    #[test]
    fn french_with_category_publish_and_decimal_comma() {
        let d = describe(
            "Affiche Les Nymphéas; 24,90 €; 8 en stock; catégorie affiches; publiée",
            None,
        );
        assert_eq!(d.title.as_deref(), Some("Affiche Les Nymphéas"));
        assert_eq!(d.price.as_deref(), Some("24.9"));
        assert_eq!(d.stock, Some(8));
        assert_eq!(d.category.as_deref(), Some("prints"));
        assert_eq!(d.published, Some(true));
        assert_eq!(d.language, Some(Lang::Fr));
    }

    #[test]
    fn leading_verbs_and_extra_text() {
        let d = describe(
            "Create a product: tote bag with Klimt's kiss, 100% cotton, 19.50 EUR, stock 40, draft",
            None,
        );
        assert_eq!(d.title.as_deref(), Some("Tote bag with Klimt's kiss"));
        assert_eq!(d.description.as_deref(), Some("100% cotton"));
        assert_eq!(d.stock, Some(40));
        assert_eq!(d.published, Some(false));
    }

    #[test]
    fn missing_fields_stay_empty() {
        let d = describe("a vase", None);
        assert_eq!(d.title.as_deref(), Some("A vase"));
        assert_eq!(d.price, None);
        assert_eq!(d.stock, None);
        let d = describe("49.90 EUR", None);
        assert_eq!(d.title, None);
        assert_eq!(d.price.as_deref(), Some("49.9"));
        let d = describe("", None);
        assert_eq!(d, Described::default());
    }
}
