//! The dialog's own sentences: questions offering products, refusals worded
//! for shoppers, basket line changes, the cheapest pick, help pages and
//! orders.

use museo_sdk::parse::{fold, words};
use serde_json::Value;

use super::l10n::{format, message, n, s};
use super::{Channel, lang_of, markup, money, product_lines};

/// Why a shopper's request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// None left.
    OutOfStock,
    /// Fewer left than asked for.
    NotEnough,
    /// No such product.
    NotFound,
    /// The basket was paid and cannot change.
    BasketClosed,
    /// The product is not in the basket.
    NotInBasket,
    /// Anything else.
    Failed,
}

/// A refusal for the shopper, naming the product when known.
pub fn refusal(
    kind: Refusal,
    product: Option<&str>,
    available: Option<i64>,
    locale: &str,
    channel: Channel,
) -> String {
    let lang = lang_of(locale);
    let product = product.map(|p| channel.bold(&channel.name(p)));
    let named = |id: &str, generic: &str| match &product {
        Some(p) => format(lang, id, &[("product", s(p.clone()))]),
        None => message(lang, generic),
    };
    match kind {
        Refusal::OutOfStock => named("refuse-out-of-stock", "refuse-out-of-stock-any"),
        Refusal::NotEnough => match (&product, available) {
            (Some(p), Some(left)) => format(
                lang,
                "refuse-not-enough",
                &[("product", s(p.clone())), ("available", n(left))],
            ),
            _ => named("refuse-out-of-stock", "refuse-out-of-stock-any"),
        },
        Refusal::NotFound => message(lang, "refuse-not-found"),
        Refusal::BasketClosed => message(lang, "refuse-basket-closed"),
        Refusal::NotInBasket => named("refuse-not-in-basket", "refuse-not-in-basket-any"),
        Refusal::Failed => named("refuse-failed", "refuse-failed-any"),
    }
}

/// "Which one do you mean?" and the numbered options (`data.products`).
pub fn choices(data: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let mut lines = vec![message(lang, "which-one")];
    let products = data["products"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    lines.extend(product_lines(products, lang, locale, channel));
    lines.join("\n")
}

/// What happened to a basket line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    /// It now holds this many units.
    Now(i64),
    /// It was removed.
    Removed,
}

/// "You now have 2 × … in your basket." / "Removed … from your basket."
pub fn basket_line(change: LineChange, title: &str, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let product = channel.bold(&channel.name(title));
    match change {
        LineChange::Now(quantity) => format(
            lang,
            "basket-now",
            &[("quantity", n(quantity)), ("product", s(product))],
        ),
        LineChange::Removed => format(lang, "basket-removed", &[("product", s(product))]),
    }
}

/// "The cheapest is … at €9.90." (`dearest`: the most expensive).
pub fn picked(dearest: bool, title: &str, price: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let product = channel.bold(&channel.name(title));
    let price = money(price, locale).unwrap_or_default();
    let id = if dearest {
        "pick-dearest"
    } else {
        "pick-cheapest"
    };
    format(
        lang,
        id,
        &[("product", s(product)), ("price", s(channel.text(&price)))],
    )
}

/// Words a shopper asks with, and the words the help pages answer with
/// ("your email?" → the "E-mail:" line; "¿dónde está la tienda?" → the
/// address).
const ASKED_AS: &[(&[&str], &str)] = &[
    (
        &[
            "email", "mail", "correo", "courriel", "write", "escribir", "ecrire",
        ],
        "mail correo courriel",
    ),
    (
        &[
            "phone",
            "call",
            "telefono",
            "llamar",
            "llamo",
            "telephone",
            "appeler",
            "tel",
        ],
        "phone telefono telephone",
    ),
    (
        &[
            "where",
            "address",
            "donde",
            "direccion",
            "adresse",
            "located",
            "situee",
            "situe",
        ],
        "calle prado madrid",
    ),
    (
        &[
            "hours", "open", "opening", "horario", "abre", "abren", "abierto", "horaires",
            "ouvert", "ouverte", "ouvre",
        ],
        "horario horaires hours opening",
    ),
    (
        &[
            "customs",
            "aduana",
            "aduanas",
            "douane",
            "douanes",
            "duties",
            "aranceles",
        ],
        "customs aranceles douane",
    ),
    (
        &[
            "broken", "damaged", "roto", "rota", "rotos", "casse", "cassee", "abime", "abimee",
        ],
        "damaged dañado abîmé",
    ),
];

/// Places a shopper names, and the words of the shipping zone they are in
/// as the help pages name it (in en/es/fr), so that "shipping to France?"
/// finds the European Union's line.
const ZONES: &[(&[&str], &str)] = &[
    (
        &[
            "spain",
            "espana",
            "espagne",
            "madrid",
            "barcelona",
            "barcelone",
            "valencia",
            "sevilla",
            "seville",
            "bilbao",
            "malaga",
            "zaragoza",
            "baleares",
            "mallorca",
            "majorque",
            "ibiza",
            "peninsula",
        ],
        "spain españa espagne mainland península",
    ),
    (
        &[
            "france",
            "francia",
            "portugal",
            "germany",
            "alemania",
            "allemagne",
            "italy",
            "italia",
            "italie",
            "belgium",
            "belgica",
            "belgique",
            "netherlands",
            "holanda",
            "pays-bas",
            "ireland",
            "irlanda",
            "irlande",
            "austria",
            "autriche",
            "greece",
            "grecia",
            "grece",
            "poland",
            "polonia",
            "pologne",
            "sweden",
            "suecia",
            "suede",
            "denmark",
            "dinamarca",
            "danemark",
            "finland",
            "finlandia",
            "finlande",
            "luxembourg",
            "luxemburgo",
            "paris",
            "lisboa",
            "lisbon",
            "lisbonne",
            "berlin",
            "roma",
            "rome",
            "europe",
            "europa",
        ],
        "european union unión europea union européenne",
    ),
    (
        &[
            "canada",
            "usa",
            "us",
            "states",
            "unidos",
            "etats-unis",
            "mexico",
            "mexique",
            "argentina",
            "argentine",
            "chile",
            "chili",
            "colombia",
            "colombie",
            "japan",
            "japon",
            "uk",
            "kingdom",
            "reino",
            "royaume-uni",
            "england",
            "inglaterra",
            "angleterre",
            "switzerland",
            "suiza",
            "suisse",
            "australia",
            "australie",
            "brazil",
            "brasil",
            "bresil",
            "china",
            "chine",
            "morocco",
            "marruecos",
            "maroc",
            "norway",
            "noruega",
            "norvege",
            "canarias",
            "canary",
            "canaries",
            "tenerife",
            "world",
            "mundo",
            "monde",
            "outside",
            "overseas",
            "abroad",
            "internationally",
            "fuera",
            "extranjero",
            "hors",
        ],
        "rest world resto mundo reste monde",
    ),
];

/// The telling words of a question to a help page (four letters or more),
/// with the shipping zone of a place it names.
fn asked_words(question: &str) -> Vec<String> {
    let mut asked = fold(question);
    let named: Vec<&str> = words(&asked).into_iter().collect();
    let zones: Vec<&str> = ZONES
        .iter()
        .filter(|(places, _)| named.iter().any(|w| places.contains(w)))
        .map(|(_, zone)| *zone)
        .collect();
    let answered = ASKED_AS
        .iter()
        .filter(|(asking, _)| named.iter().any(|w| asking.contains(w)))
        .map(|(_, answering)| *answering)
        .collect::<Vec<_>>();
    for more in zones.into_iter().chain(answered) {
        asked.push(' ');
        asked.push_str(&fold(more));
    }
    words(&asked)
        .into_iter()
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_owned)
        .collect()
}

/// How many of the question's words (their first five letters) a line has.
fn line_score(asked: &[&str], line: &str) -> usize {
    let folded = fold(line);
    // "E-mail:", "(CET)": the words inside the punctuation.
    let line_words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    asked
        .iter()
        .filter(|w| {
            line_words
                .iter()
                .any(|l| l.chars().take(5).eq(w.chars().take(5)))
        })
        .count()
}

/// How well a help page's best line answers `question`: the question's
/// words it shares.
pub fn help_score(body: &str, question: &str) -> usize {
    let asked = asked_words(question);
    let asked: Vec<&str> = asked.iter().map(String::as_str).collect();
    body.lines()
        .map(|line| line_score(&asked, line))
        .max()
        .unwrap_or(0)
}

/// A help page answering `question`: its title, its lead (the first line,
/// which says what matters most: "you can return most items within 30
/// days"), and the lines of it that share the most words with the question
/// (the first lines when none does). A heading that shares words
/// ("Emballage cadeau :") counts double and brings the lines under it.
pub fn help_page(title: &str, body: &str, question: &str, channel: Channel) -> String {
    let asked = asked_words(question);
    let asked: Vec<&str> = asked.iter().map(String::as_str).collect();
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let score = |line: &str| {
        let shared = line_score(&asked, line);
        if line.ends_with(':') {
            2 * shared
        } else {
            shared
        }
    };
    let mut best: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, l)| (score(l), i))
        .filter(|(score, _)| *score > 0)
        .collect();
    best.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut picked: Vec<usize> = best.iter().take(3).map(|(_, i)| *i).collect();
    if picked.is_empty() {
        picked = (1..lines.len().min(3)).collect();
    }
    if !lines.is_empty() {
        picked.push(0);
    }
    // A heading picked ("Gift wrapping:") brings the lines under it.
    for i in picked.clone() {
        if lines[i].ends_with(':') {
            picked.extend(
                (i + 1..lines.len())
                    .take_while(|&j| !lines[j].ends_with(':'))
                    .take(4),
            );
        }
    }
    picked.sort_unstable();
    picked.dedup();
    let excerpt: Vec<String> = picked
        .iter()
        .map(|&i| channel.text(&markup::shorten(lines[i], channel.text_limit())))
        .collect();
    format!(
        "{}\n{}",
        channel.bold(&channel.name(title)),
        excerpt.join("\n")
    )
}

/// An order's status and total (`get_order`).
pub fn order(result: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let id = result["order_id"]
        .as_str()
        .or_else(|| result["id"].as_str())
        .unwrap_or_default();
    let status = result["status"].as_str().unwrap_or("unknown");
    let mut lines = vec![format(
        lang,
        "order-status",
        &[
            ("order", s(channel.text(id))),
            ("status", s(status.to_owned())),
        ],
    )];
    if let Some(total) = money(&result["total"], locale) {
        lines.push(format(
            lang,
            "basket-total",
            &[("total", s(channel.bold(&channel.text(&total))))],
        ));
    }
    lines.join("\n")
}
