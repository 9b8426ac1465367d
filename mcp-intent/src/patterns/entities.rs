//! Entity extraction: SKUs, e-mails, phones, files, quantities, prices,
//! colours, categories, product titles, and what is left as a query.

use museo_sdk::parse::{PriceBounds, category, colour, parse_amount, price_bounds, quantity};
use museo_sdk::types::Lang;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value};

use super::lexicon::FILLER;
use super::text::Text;

/// A SKU as merchants write them: uppercase letters and digits in dashed
/// groups (`MUG-NYMPH-01`, `VASE-01`), at least one dash and one letter.
pub fn sku(raw_message: &str) -> Option<String> {
    raw_message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map(|t| t.trim_matches('-'))
        .find(|t| {
            t.len() >= 4
                && t.len() <= 64
                && t.contains('-')
                && t.chars().any(|c| c.is_ascii_uppercase())
                && !t.chars().any(|c| c.is_ascii_lowercase())
                && t.split('-').all(|part| !part.is_empty())
        })
        .map(str::to_owned)
}

/// The first e-mail address.
pub fn email(text: &Text) -> Option<String> {
    text.words
        .iter()
        .map(|w| w.raw.trim_end_matches(['.', ',']))
        .find_map(|w| {
            let (local, domain) = w.split_once('@')?;
            let ok = !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.');
            ok.then(|| w.to_owned())
        })
}

/// The first phone number, in E.164; national numbers are read in the
/// region of the locale (`612 345 678` with `es` → `+34612345678`).
pub fn phone(raw_message: &str, locale: Option<&str>, lang: Lang) -> Option<String> {
    let chars: Vec<char> = raw_message.chars().collect();
    let region = locale
        .and_then(|l| l.split(['-', '_']).nth(1))
        .map(str::to_ascii_uppercase)
        .unwrap_or_else(|| match lang {
            Lang::Es => "ES".to_owned(),
            Lang::Fr => "FR".to_owned(),
            Lang::En => "GB".to_owned(),
        });
    let region = region.parse::<phonenumber::country::Id>().ok();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '+' || chars[i].is_ascii_digit() {
            let start = i;
            let mut j = i + 1;
            while j < chars.len()
                && (chars[j].is_ascii_digit() || matches!(chars[j], ' ' | '.' | '-' | '(' | ')'))
            {
                j += 1;
            }
            let candidate: String = chars[start..j].iter().collect();
            let candidate = candidate.trim_end_matches([' ', '.', '-']).to_owned();
            let digits = candidate.chars().filter(char::is_ascii_digit).count();
            // Parseable is enough: reserved test ranges (UK 07700 900xxx) are
            // not "valid" numbers, yet people use them and providers reject
            // them with a clear error later.
            if (8..=15).contains(&digits)
                && let Ok(number) = phonenumber::parse(region, &candidate)
                && (phonenumber::is_valid(&number) || candidate.starts_with('+') || digits >= 10)
            {
                return Some(number.format().mode(phonenumber::Mode::E164).to_string());
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// The first file name with a catalog extension.
pub fn file(text: &Text) -> Option<String> {
    const EXT: [&str; 8] = [
        ".csv", ".tsv", ".xlsx", ".xls", ".ods", ".json", ".ndjson", ".jsonl",
    ];
    text.words
        .iter()
        .map(|w| w.raw.as_str())
        .find(|w| EXT.iter().any(|e| w.ends_with(e) && w.len() > e.len()))
        .map(str::to_owned)
}

/// A JSON number from an exact decimal.
pub fn number(value: Decimal) -> Value {
    if value.fract().is_zero()
        && let Some(i) = value.to_i64()
    {
        return Value::from(i);
    }
    value.to_f64().map_or(Value::Null, Value::from)
}

/// Words for a pack whose size is part of a product's name ("set of 12").
const PACKS: [&str; 10] = [
    "set", "pack", "box", "juego", "caja", "paquete", "lote", "coffret", "lot", "boite",
];

/// The first quantity in the words (digits or number words; "a couple" is 2).
/// Articles count only when `articles` is set. Returns the value and its index.
pub fn first_quantity(words: &[&str], skip: &[usize], articles: bool) -> Option<(u32, usize)> {
    (0..words.len())
        .filter(|i| !skip.contains(i))
        .find_map(|i| {
            // Not a quantity: part of a SKU-like or decimal word, or an ordinal's "one".
            if words[i].contains(['.', ','])
                || (words[i] == "one"
                    && i > 0
                    && super::lexicon::ORDINALS
                        .iter()
                        .any(|(o, _)| *o == words[i - 1]))
            {
                return None;
            }
            // Part of a name: "the set of 12 postcards", "coffret de 12 cartes".
            if i >= 2 && matches!(words[i - 1], "of" | "de" | "du") && PACKS.contains(&words[i - 2])
            {
                return None;
            }
            quantity(words, i, articles)
                .filter(|(n, _)| *n > 0 && *n <= 10_000)
                .map(|(n, _)| (n, i))
        })
}

/// Prices and currency found in the words.
pub fn prices(words: &[&str]) -> PriceBounds {
    price_bounds(words)
}

/// Colour and category entities.
pub fn colour_and_category(words: &[&str], entities: &mut Map<String, Value>) {
    if let Some(c) = words.iter().find_map(|w| colour(w)) {
        entities.insert("color".into(), c.into());
    }
    if let Some(c) = words.iter().find_map(|w| category(w)) {
        entities.insert("category".into(), c.into());
    }
}

/// The stock named in an admin message: "12 in stock", "stock 30",
/// "5 unidades", "cinquante en stock", "out of stock" → 0.
pub fn stock(text: &Text) -> Option<u32> {
    let norms = text.norms();
    if text.has(&[
        "out of stock",
        "agotado",
        "agotada",
        "epuise",
        "epuisee",
        "sold out",
    ]) {
        return Some(0);
    }
    for (i, w) in norms.iter().enumerate() {
        let after_stock = matches!(*w, "stock" | "existencias")
            && !matches!(norms.get(i.wrapping_sub(1)), Some(&"in") | Some(&"en"));
        if after_stock && let Some((n, _)) = quantity(&norms, i + 1, false) {
            return Some(n);
        }
        let unit_next = |k: usize| {
            matches!(norms.get(k), Some(&"in") | Some(&"en")) && norms.get(k + 1) == Some(&"stock")
                || matches!(
                    norms.get(k),
                    Some(&"units")
                        | Some(&"unit")
                        | Some(&"pcs")
                        | Some(&"pieces")
                        | Some(&"unidades")
                        | Some(&"unites")
                        | Some(&"uds")
                        | Some(&"exemplaires")
                        | Some(&"ejemplares")
                )
        };
        if let Some((n, used)) = quantity(&norms, i, false)
            && unit_next(i + used)
        {
            return Some(n);
        }
    }
    None
}

/// Where cues occur, as (first word, number of words). A cue ending in `*`
/// matches its last word as a prefix. Most cues do not occur at all: a cheap
/// phrase check skips them before any positional work.
fn cue_spans<'a>(
    text: &'a Text,
    norms: &'a [&'a str],
    cues: &'a [&'a str],
) -> impl Iterator<Item = (usize, usize)> + 'a {
    cues.iter()
        .filter(|cue| text.has_one(cue))
        .flat_map(move |cue| {
            let parts: Vec<&str> = cue.trim_end_matches('*').split(' ').collect();
            let prefix = cue.ends_with('*');
            (0..norms.len()).filter_map(move |i| {
                let hit = parts.iter().enumerate().all(|(k, p)| {
                    norms.get(i + k).is_some_and(|w| {
                        if prefix && k == parts.len() - 1 {
                            w.starts_with(p)
                        } else {
                            w == p
                        }
                    })
                });
                hit.then_some((i, parts.len()))
            })
        })
}

/// The words left once cue words, fillers and used positions are removed, in
/// their written form (accents kept), joined by spaces.
pub fn residue(text: &Text, cues: &[&str], used: &[usize]) -> Option<String> {
    let mut drop = vec![false; text.len()];
    for &u in used {
        if let Some(d) = drop.get_mut(u) {
            *d = true;
        }
    }
    let norms = text.norms();
    for (start, len) in cue_spans(text, &norms, cues) {
        for d in &mut drop[start..start + len] {
            *d = true;
        }
    }
    // Numbers and ordinals are quantities and references, not names.
    for (i, w) in text.words.iter().enumerate() {
        let n = w.norm.as_str();
        if n.parse::<f64>().is_ok()
            || museo_sdk::parse::number_word(n).is_some()
                && !matches!(n, "a" | "an" | "un" | "une" | "una" | "uno")
            || super::lexicon::ORDINALS.iter().any(|(o, _)| *o == n)
            || matches!(
                n,
                "couple" | "one" | "ones" | "anymore" | "more" | "mas" | "plus"
            )
        {
            drop[i] = true;
        }
    }
    // Fillers go only at the ends: inside a name they belong to it
    // ("taza de la gran ola", "Las Meninas").
    let kept: Vec<(usize, &super::text::Word)> = text
        .words
        .iter()
        .enumerate()
        .filter(|(i, _)| !drop[*i])
        .collect();
    let is_filler = |w: &super::text::Word| FILLER.contains(&w.norm.as_str());
    let start = kept.iter().position(|(_, w)| !is_filler(w));
    let end = kept.iter().rposition(|(_, w)| !is_filler(w));
    let (Some(start), Some(end)) = (start, end) else {
        return None;
    };
    let joined = kept[start..=end]
        .iter()
        .map(|(_, w)| w.raw.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let trimmed = joined.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The words after the last occurrence of any cue, minus fillers, used
/// positions and trailing chatter: "yo do u guys sell umbrellas" → "umbrellas".
/// `None` when no cue occurs or nothing is left after it.
pub fn after_last(text: &Text, cues: &[&str], used: &[usize]) -> Option<String> {
    let norms = text.norms();
    let end_of_cue = cue_spans(text, &norms, cues)
        .map(|(start, len)| start + len)
        .max();
    let start = end_of_cue?;
    let rest: Vec<usize> = (start..norms.len()).filter(|i| !used.contains(i)).collect();
    let words: Vec<&str> = rest
        .iter()
        .map(|&i| &text.words[i])
        .take_while(|w| {
            !matches!(
                w.norm.as_str(),
                "please" | "pls" | "thx" | "thanks" | "for" | "para" | "pour" | "under" | "below"
            )
        })
        .filter(|w| {
            !FILLER.contains(&w.norm.as_str()) && museo_sdk::parse::colour(&w.norm).is_none()
        })
        .map(|w| w.raw.as_str())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The noun phrase after the first definite article or demonstrative ("the
/// Great Wave travel mug", "la taza de la gran ola", "le foulard Nymphéas"),
/// up to a word that starts a new clause or a preposition of place or
/// purpose. Inside Spanish and French names "de", "la", "du" belong to the
/// name and do not stop it.
pub fn noun_phrase(text: &Text) -> Option<String> {
    const DETERMINERS: &[&str] = &[
        "the", "this", "that", "these", "those", "el", "la", "los", "las", "este", "esta", "ese",
        "esa", "le", "les", "l", "ce", "cette", "ces",
    ];
    const STOPS: &[&str] = &[
        "in", "into", "to", "for", "with", "on", "come", "comes", "is", "are", "be", "keep",
        "keeps", "fit", "fits", "page", "up", "or", "and", "made", "real", "big", "please", "pls",
        "thx", "if", "would", "could", "because", "but", "from", "at", "have", "has", "go", "do",
        "does", "en", "para", "por", "con", "es", "son", "tiene", "lleva", "viene", "al", "y", "o",
        "que", "pour", "avec", "dans", "est", "sont", "a", "au", "aux", "et", "ou", "qui", "se",
        "sur", "in", "my", "mi", "mon", "ma", "your", "tu", "ton", "out", "off", "from", "del",
        "du", "ok", "safe", "apta", "va", "passe", "resiste", "garde",
    ];
    let words = &text.words;
    let start = words
        .iter()
        .position(|w| DETERMINERS.contains(&w.norm.as_str()))?
        + 1;
    let mut out: Vec<&str> = Vec::new();
    for (i, w) in words.iter().enumerate().skip(start) {
        let n = w.norm.as_str();
        // "de la", "de los", "du", "des" continue a Spanish/French name.
        let joins_name = matches!(n, "de" | "des" | "d")
            || (matches!(n, "la" | "los" | "las" | "le" | "les" | "l") && i > start);
        if STOPS.contains(&n) && !joins_name || n.parse::<f64>().is_ok() {
            break;
        }
        out.push(w.raw.as_str());
        if out.len() >= 7 {
            break;
        }
    }
    while out
        .last()
        .is_some_and(|w| FILLER.contains(&museo_sdk::parse::fold(w).trim()))
    {
        out.pop();
    }
    (!out.is_empty()).then(|| out.join(" "))
}

/// A product title given in an admin message: quoted, or after "called",
/// "title:", "product:", up to the first comma or price/stock/SKU cue.
pub fn title(raw_message: &str) -> Option<String> {
    for (open, close) in [('«', '»'), ('“', '”'), ('"', '"'), ('\'', '\''), ('‘', '’')] {
        if let Some(start) = raw_message.find(open) {
            let rest = &raw_message[start + open.len_utf8()..];
            if let Some(end) = rest.find(close) {
                let inner = rest[..end].trim();
                if inner.chars().count() >= 2
                    && !(open == '\'' && inner.contains(' ') && inner.len() < 3)
                {
                    return Some(inner.to_owned());
                }
            }
        }
    }
    let lower = raw_message.to_lowercase();
    // Named markers first ("title:", "called"), then any colon or dash.
    let named = [
        "title:",
        "titulo:",
        "título:",
        "titre :",
        "titre:",
        "called ",
        "llamado ",
        "llamada ",
        "appelé ",
        "appelée ",
        "nommé ",
        "named ",
    ];
    let find = |markers: &[&str]| {
        markers
            .iter()
            .filter_map(|m| lower.find(m).map(|p| p + m.len()))
            .min()
    };
    let start = find(&named).or_else(|| find(&[":", " - "]))?;
    let rest = raw_message
        .get(start..)?
        .trim_start_matches([' ', ':', '-'])
        .trim();
    let mut out = Vec::new();
    for word in rest.split_whitespace() {
        let folded = museo_sdk::parse::fold(word);
        let folded = folded.trim();
        let is_cue = matches!(
            folded,
            "price"
                | "priced"
                | "precio"
                | "prix"
                | "stock"
                | "sku"
                | "category"
                | "categoria"
                | "categorie"
                | "a"
                | "at"
                | "en"
                | "for"
                | "por"
        ) && !out.is_empty();
        if is_cue
            || parse_amount(folded.trim_end_matches([',', '.'])).is_some()
                && !out.is_empty()
                && !word.contains('x')
        {
            break;
        }
        let ends_clause = word.ends_with(',') || word.ends_with(';');
        out.push(word.trim_end_matches([',', ';']));
        if ends_clause {
            break;
        }
    }
    let title = out
        .join(" ")
        .trim()
        .trim_matches(['"', '\'', '«', '»'])
        .trim()
        .to_owned();
    (!title.is_empty()).then_some(title)
}

/// The category named after "category"/"categoría"/"catégorie".
pub fn named_category(text: &Text) -> Option<&'static str> {
    let norms = text.norms();
    let at = norms
        .iter()
        .position(|w| matches!(*w, "category" | "categoria" | "categorie"))?;
    norms[at + 1..]
        .iter()
        .take(4)
        .find_map(|w| category(w).or_else(|| slug_category(w)))
}

fn slug_category(word: &str) -> Option<&'static str> {
    const SLUGS: [&str; 13] = [
        "prints",
        "postcards",
        "mugs",
        "tote-bags",
        "books",
        "jewellery",
        "stationery",
        "scarves",
        "home-decor",
        "kids",
        "apparel",
        "replicas",
        "umbrellas",
    ];
    SLUGS.iter().find(|s| **s == word).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_size_is_part_of_the_name_not_a_quantity() {
        let words = ["add", "the", "set", "of", "12", "postcards"];
        assert_eq!(first_quantity(&words, &[], false), None);
        let words = ["ajoute", "2", "coffret", "de", "12", "cartes"];
        assert_eq!(first_quantity(&words, &[], false), Some((2, 1)));
        let words = ["add", "12", "of", "the", "mugs"];
        assert_eq!(first_quantity(&words, &[], false), Some((12, 1)));
    }

    #[test]
    fn skus_emails_files_phones() {
        assert_eq!(
            sku("tell me more about MUG-NYMPH-01").as_deref(),
            Some("MUG-NYMPH-01")
        );
        assert_eq!(sku("t-shirts van gogh"), None);
        assert_eq!(
            phone("call +34 612 345 678", None, Lang::Es).as_deref(),
            Some("+34612345678")
        );
        assert_eq!(
            phone("al 612 345 678", Some("es-ES"), Lang::Es).as_deref(),
            Some("+34612345678")
        );
        assert_eq!(
            phone("au 06 12 34 56 78", None, Lang::Fr).as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            phone("the +1 514 555 0199 one", None, Lang::Fr).as_deref(),
            Some("+15145550199")
        );
        assert_eq!(phone("order 55120", None, Lang::Es), None);
    }

    #[test]
    fn titles() {
        assert_eq!(
            title("create a new product: Ceramic vase, 49.90 EUR, 12 in stock").as_deref(),
            Some("Ceramic vase")
        );
        assert_eq!(
            title("create product 'Starry Night bookmark' SKU X-1").as_deref(),
            Some("Starry Night bookmark")
        );
        assert_eq!(
            title("pls create a product called Hokusai fan priced at 22 EUR").as_deref(),
            Some("Hokusai fan")
        );
        assert_eq!(
            title("creat a new prodcut: Sunflowers umbrella 29.90 eur").as_deref(),
            Some("Sunflowers umbrella")
        );
        assert_eq!(
            title("crée le produit « Magnet Les Ménines » à 4 euros").as_deref(),
            Some("Magnet Les Ménines")
        );
        assert_eq!(
            title("new product - title: Great Wave socks, price 9.90").as_deref(),
            Some("Great Wave socks")
        );
    }
}
