//! Reading a shopper's search into API filters.
//!
//! "tazas azules baratas", "Monet posters under 30 euros", "foulards en soie
//! entre 20 et 50 €": the price bounds, the category, a colour, "cheap" and
//! "in stock" are read out of the words (with `museo_sdk::parse`, the parsers
//! mcp-intent uses too) and become filters; filler words ("show me", "busco",
//! "je cherche") and the chat around a request ("a present for my mum, she
//! loves…", "pour ma sœur qui adore…", "para mi padre que le gusta…") are
//! dropped; what is left is the text the API matches in titles, descriptions
//! and attributes. Arguments given explicitly always win over what the text
//! says.
//!
//! "X or Y" ("mugs or cups", "carnets ou agendas", "Monet o Klimt") asks for
//! either: two names of one category become that category; otherwise the
//! words go to the API as `any_of`, of which one match is enough (best
//! first). "Gift" words (present, regalo, cadeau) only count when nothing
//! else is asked for.
//!
//! Colours are stored in English in product attributes, so a colour word in
//! any language is searched under its English name ("azules" → "blue").

use museo_sdk::parse::{self, PriceBounds};
use museo_sdk::types::{ProductQuery, SortOrder};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::cards::Understood;
use crate::error::ToolError;
use crate::text::truncate;

/// The most characters a search may have.
pub const MAX_QUERY_CHARS: usize = 500;
/// Results per page by default, and at most.
pub const DEFAULT_LIMIT: u32 = 10;
/// The largest `limit` accepted.
pub const MAX_LIMIT: u32 = 50;
/// The largest price bound accepted.
const MAX_PRICE: u32 = 1_000_000;

/// Arguments of `search_products`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// What the shopper asked for, in their words, in English, Spanish or French ("blue mugs under 20 euros", "láminas de Monet baratas", "foulard en soie"). Price ranges, categories, colours, "cheap" and "in stock" are read out of it. May be empty when a category or price filter is given.
    pub query: String,
    /// Lowest price, inclusive, in the shop's currency (EUR unless `currency` says otherwise). Overrides a minimum read from the query.
    pub price_min: Option<f64>,
    /// Highest price, inclusive. Overrides a maximum read from the query.
    pub price_max: Option<f64>,
    /// Category slug (mugs, prints, postcards, tote-bags, books, jewellery, stationery, scarves, home-decor, kids, apparel, replicas, umbrellas) or its name in en/es/fr ("tazas", "affiches").
    pub category: Option<String>,
    /// Only products that can be bought now.
    pub in_stock: Option<bool>,
    /// Results per page, 1–50 (default 10).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page of this same search.
    pub cursor: Option<String>,
    /// BCP-47 locale of the shopper ("es-ES"); titles and prices come back in its language (en, es or fr; others get English).
    pub locale: Option<String>,
    /// Ordering: relevance (default), price_asc, price_desc or newest. Overrides "cheap" read from the query.
    pub sort: Option<SortOrder>,
    /// ISO 4217 currency of price_min/price_max (default: the one named in the query, else EUR).
    pub currency: Option<String>,
}

/// Filler words of a shopper's request in the three languages, folded.
const FILLER: &[&str] = &[
    // English
    "show",
    "me",
    "find",
    "search",
    "searching",
    "looking",
    "look",
    "for",
    "i",
    "im",
    "want",
    "wanna",
    "would",
    "like",
    "need",
    "some",
    "any",
    "please",
    "pls",
    "do",
    "you",
    "have",
    "got",
    "sell",
    "is",
    "are",
    "there",
    "what",
    "which",
    "can",
    "could",
    "get",
    "buy",
    "my",
    "your",
    "a",
    "an",
    "the",
    "something",
    "things",
    "items",
    "item",
    "products",
    "product",
    "stuff",
    "all",
    "with",
    "of",
    "in",
    "to",
    "on",
    "and",
    "or",
    "that",
    "this",
    "those",
    "these",
    "it",
    "ll",
    "d",
    "s",
    "hi",
    "hello",
    "hey",
    // Spanish
    "muestrame",
    "muestra",
    "mostrar",
    "ensename",
    "ensenadme",
    "busco",
    "buscar",
    "buscando",
    "quiero",
    "quisiera",
    "necesito",
    "tienes",
    "tienen",
    "teneis",
    "tiene",
    "hay",
    "algun",
    "alguna",
    "algunos",
    "algunas",
    "unos",
    "unas",
    "un",
    "una",
    "el",
    "la",
    "los",
    "las",
    "de",
    "del",
    "para",
    "por",
    "con",
    "mi",
    "favor",
    "que",
    "cual",
    "cuales",
    "venden",
    "vendeis",
    "vendes",
    "comprar",
    "producto",
    "productos",
    "algo",
    "cosas",
    "y",
    "o",
    "hola",
    // French
    "montre",
    "montrez",
    "montrer",
    "moi",
    "je",
    "cherche",
    "recherche",
    "cherchez",
    "veux",
    "voudrais",
    "voulez",
    "besoin",
    "avez",
    "vous",
    "il",
    "y",
    "des",
    "les",
    "le",
    "du",
    "d",
    "pour",
    "avec",
    "quelque",
    "chose",
    "plait",
    "produits",
    "acheter",
    "qu",
    "quels",
    "quelles",
    "quel",
    "quelle",
    "est",
    "ce",
    "ces",
    "vendez",
    "auriez",
    "et",
    "ou",
    "bonjour",
    "l",
    "j",
    "une",
    // The chat around a request: who it is for and what they like.
    "mum",
    "mom",
    "mommy",
    "mother",
    "dad",
    "daddy",
    "father",
    "sister",
    "brother",
    "wife",
    "husband",
    "son",
    "daughter",
    "friend",
    "girlfriend",
    "boyfriend",
    "grandma",
    "granny",
    "grandmother",
    "grandpa",
    "grandfather",
    "aunt",
    "uncle",
    "nephew",
    "niece",
    "partner",
    "boss",
    "colleague",
    "teacher",
    "someone",
    "somebody",
    "she",
    "he",
    "her",
    "him",
    "his",
    "they",
    "them",
    "their",
    "who",
    "loves",
    "love",
    "likes",
    "adores",
    "adore",
    "enjoys",
    "into",
    "really",
    "big",
    "fan",
    "huge",
    "ideas",
    "idea",
    "suggest",
    "suggestions",
    "recommend",
    "anything",
    "everything",
    "is",
    "be",
    "am",
    "was",
    "will",
    "should",
    "just",
    "also",
    "very",
    "so",
    "much",
    "lot",
    "lots",
    "nice",
    "lovely",
    "pretty",
    "thanks",
    "thank",
    "ok",
    "okay",
    "maybe",
    "perhaps",
    "thing",
    "kind",
    "sort",
    "at",
    "from",
    "by",
    "we",
    "us",
    "our",
    "here",
    "think",
    "maybe",
    "possible",
    "something",
    "for",
    "madre",
    "mama",
    "padre",
    "papa",
    "hermana",
    "hermano",
    "hija",
    "hijo",
    "amiga",
    "amigo",
    "novia",
    "novio",
    "esposa",
    "esposo",
    "mujer",
    "marido",
    "abuela",
    "abuelo",
    "tia",
    "tio",
    "sobrina",
    "sobrino",
    "prima",
    "primo",
    "jefe",
    "jefa",
    "alguien",
    "mis",
    "su",
    "sus",
    "tu",
    "tus",
    "le",
    "les",
    "lo",
    "me",
    "te",
    "se",
    "nos",
    "ella",
    "ellos",
    "ellas",
    "gusta",
    "gustan",
    "encanta",
    "encantan",
    "adora",
    "adoran",
    "ama",
    "aman",
    "fan",
    "mucho",
    "muy",
    "tambien",
    "podrias",
    "puedes",
    "podeis",
    "ver",
    "gustaria",
    "es",
    "son",
    "esta",
    "estan",
    "este",
    "esto",
    "eso",
    "ese",
    "al",
    "cosa",
    "cualquier",
    "ideas",
    "sugerencias",
    "recomiendas",
    "recomendais",
    "buenas",
    "gracias",
    "tenes",
    "tendrias",
    "tendreis",
    "teneis",
    "ustedes",
    "usted",
    "mere",
    "maman",
    "pere",
    "soeur",
    "sour",
    "frere",
    "fille",
    "fils",
    "amie",
    "ami",
    "copine",
    "copain",
    "femme",
    "mari",
    "grand-mere",
    "grand-pere",
    "mamie",
    "papi",
    "tante",
    "oncle",
    "neveu",
    "niece",
    "cousin",
    "cousine",
    "collegue",
    "quelqu",
    "quelqu'un",
    "ma",
    "mon",
    "mes",
    "sa",
    "son",
    "ses",
    "ta",
    "ton",
    "tes",
    "elle",
    "lui",
    "leur",
    "leurs",
    "qui",
    "aime",
    "aiment",
    "adore",
    "adorent",
    "passionne",
    "passionnee",
    "tres",
    "beaucoup",
    "aussi",
    "salut",
    "merci",
    "choses",
    "idee",
    "idees",
    "conseillez",
    "conseiller",
    "a",
    "as",
    "ai",
    "vous",
    "tu",
    "serait",
    "sont",
    "c",
    "n",
    "s",
    "t",
    "m",
    "ne",
    "pas",
];

/// Words that only ask for a gift: searched (as the "gift" tag products
/// carry) only when nothing else is asked for.
const GIFT: &[&str] = &[
    "gift", "gifts", "present", "presents", "regalo", "regalos", "obsequio", "cadeau", "cadeaux",
];

/// Words joining alternatives: "mugs or cups", "tazas o jarras", "carnets ou agendas".
const OR: &[&str] = &["or", "o", "u", "ou"];

/// Words asking for products in stock.
const IN_STOCK: &[&[&str]] = &[
    &["in", "stock"],
    &["available"],
    &["en", "stock"],
    &["disponible"],
    &["disponibles"],
    &["dispo"],
    &["en", "existencia"],
];

/// Words asking for the dearest first.
const DEAR: &[&str] = &[
    "expensive",
    "luxury",
    "caro",
    "caros",
    "cara",
    "caras",
    "lujo",
    "luxe",
];
/// Words asking for the newest first.
const NEWEST: &[&str] = &["newest", "latest", "novedades", "nouveautes", "nouveaute"];

/// A search read into API filters, and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSearch {
    /// The request for `GET /v1/products`.
    pub query: ProductQuery,
    /// Words of which one match is enough (`any_of`), from "X or Y".
    pub any_of: Option<String>,
    /// What was understood, for the result.
    pub understood: Understood,
    /// The query without the category read from one of its words ("livre"
    /// of "livre vincent tournesols"), when other words are left: tried
    /// when the words do not all match within that category (the picture
    /// book is on the children's shelf, not the books').
    pub without_category: Option<ProductQuery>,
    /// The word the category was read from, when one was.
    pub category_word: Option<String>,
}

/// Reads `args` into a product query. Refuses (with a message the model can
/// act on) an empty search, an over-long one, and out-of-range numbers.
pub fn read(args: &SearchArgs) -> Result<ReadSearch, ToolError> {
    let text = args.query.trim();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ToolError::invalid(
            "query",
            format!(
                "query has {} characters; keep it under {MAX_QUERY_CHARS} (a few words describing the product)",
                text.chars().count()
            ),
        ));
    }
    let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ToolError::invalid(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}; got {limit}"),
        ));
    }
    let explicit_min =
        price_arg("price_min", args.price_min).map_err(|e| ToolError::invalid("price_min", e))?;
    let explicit_max =
        price_arg("price_max", args.price_max).map_err(|e| ToolError::invalid("price_max", e))?;
    if let (Some(min), Some(max)) = (explicit_min, explicit_max)
        && min > max
    {
        return Err(ToolError::invalid(
            "price_min",
            format!("price_min ({min}) is above price_max ({max})"),
        ));
    }
    let explicit_category = match args.category.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => Some(category_arg(name).map_err(|e| ToolError::invalid("category", e))?),
    };
    let explicit_currency = match args.currency.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(
            museo_sdk::types::Currency::parse(&code.to_ascii_uppercase())
                .map_err(|_| {
                    ToolError::invalid(
                        "currency",
                        format!(
                            "currency {:?} is not an ISO 4217 code such as EUR or USD",
                            truncate(code, 20)
                        ),
                    )
                })?
                .code()
                .to_owned(),
        ),
    };

    let folded = parse::fold(text);
    let words = parse::words(&folded);
    let bounds: PriceBounds = parse::price_bounds(&words);
    let mut used = vec![false; words.len()];
    for &i in &bounds.used {
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
    }
    let mut in_stock = false;
    let mut i = 0;
    while i < words.len() {
        if let Some(cue) = IN_STOCK.iter().find(|cue| starts_with(&words, i, cue)) {
            in_stock = true;
            used[i..i + cue.len()].iter_mut().for_each(|u| *u = true);
            i += cue.len();
        } else {
            i += 1;
        }
    }

    let mut sort = bounds.cheap.then_some(SortOrder::PriceAsc);
    let mut colour = None;
    let mut gift = false;
    let mut tokens: Vec<Token> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        if used[i] {
            continue;
        }
        if DEAR.contains(word) {
            sort = sort.or(Some(SortOrder::PriceDesc));
            continue;
        }
        if NEWEST.contains(word) {
            sort = sort.or(Some(SortOrder::Newest));
            continue;
        }
        if OR.contains(word) {
            tokens.push(Token::Or);
            continue;
        }
        if let Some(slug) = parse::category(word) {
            tokens.push(Token::Category(slug, (*word).to_owned()));
            continue;
        }
        if is_filler(word) {
            continue;
        }
        if GIFT.contains(word) {
            gift = true;
            continue;
        }
        // Bare small numbers ("2 mugs") are quantities, not search text.
        if word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if word.len() >= 3
            && let Some(english) = parse::colour(word)
        {
            colour.get_or_insert_with(|| english.to_owned());
            tokens.push(Token::Text(english.to_owned()));
            continue;
        }
        tokens.push(Token::Text((*word).to_owned()));
    }
    // "X or Y": the words on either side of a connector are alternatives.
    let mut alternatives: Vec<usize> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if *token != Token::Or {
            continue;
        }
        let before = tokens[..i].iter().rposition(|t| *t != Token::Or);
        let after = tokens[i + 1..]
            .iter()
            .position(|t| *t != Token::Or)
            .map(|k| i + 1 + k);
        if let (Some(before), Some(after)) = (before, after) {
            alternatives.extend([before, after]);
        }
    }
    alternatives.sort_unstable();
    alternatives.dedup();
    let alternative_categories: Vec<&str> = alternatives
        .iter()
        .filter_map(|&i| match &tokens[i] {
            Token::Category(slug, _) => Some(*slug),
            _ => None,
        })
        .collect();
    // Two names of one category ("mugs or cups") are that category; other
    // alternatives are searched as words, any one of which may match.
    let one_category = !alternatives.is_empty()
        && alternative_categories.len() == alternatives.len()
        && alternative_categories.windows(2).all(|w| w[0] == w[1]);
    let either = !alternatives.is_empty() && !one_category;
    // Two categories named together ("the kids hare umbrella"): which one
    // is the product's own is not clear, so both are searched as words.
    let mut named: Vec<&str> = tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| !alternatives.contains(i))
        .filter_map(|(_, token)| match token {
            Token::Category(slug, _) => Some(*slug),
            _ => None,
        })
        .collect();
    named.sort_unstable();
    named.dedup();
    let mixed = named.len() > 1;
    let mut category = None;
    let mut category_word = None;
    let mut kept: Vec<String> = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        match token {
            Token::Or => {}
            Token::Category(slug, word) => {
                let alternative = alternatives.contains(&i);
                if mixed && !alternative {
                    kept.push(word);
                } else if category.is_none() && (!alternative || one_category) {
                    category = Some(slug.to_owned());
                    category_word = (!alternative).then_some(word);
                } else if !(alternative && one_category) {
                    kept.push(word);
                }
            }
            Token::Text(word) => kept.push(word),
        }
    }
    let category = explicit_category.clone().or(category);
    if kept.is_empty() && gift && category.is_none() {
        // Only "a present" asked for: the products tagged as gifts. (A
        // present of a kind, "des cadeaux pour enfants", is that kind:
        // anything on its shelf can be given.)
        kept.push("gift".to_owned());
    }
    let price_min = explicit_min.or(bounds.min);
    let price_max = explicit_max.or(bounds.max);
    if let (Some(min), Some(max)) = (price_min, price_max)
        && min > max
    {
        return Err(ToolError::invalid(
            "price_min",
            format!(
                "the lowest price ({min}) is above the highest ({max}); check price_min, price_max and the query"
            ),
        ));
    }
    let words_text = (!kept.is_empty()).then(|| kept.join(" "));
    let (text, any_of) = if either {
        (None, words_text)
    } else {
        (words_text, None)
    };
    let has_filter = category.is_some()
        || price_min.is_some()
        || price_max.is_some()
        || sort.is_some()
        || args.sort.is_some()
        || in_stock
        || args.in_stock == Some(true);
    if text.is_none() && any_of.is_none() && !has_filter {
        let message = if args.query.trim().is_empty() {
            "query is empty: say what the shopper is looking for (\"Monet mug\", \"láminas baratas\"), or give a category or price filter".to_owned()
        } else {
            format!(
                "nothing to search for in {:?}: name a product, an artist, a category or a price",
                truncate(args.query.trim(), 60)
            )
        };
        return Err(ToolError::invalid("query", message));
    }
    let currency = explicit_currency.or_else(|| {
        (price_min.is_some() || price_max.is_some())
            .then(|| bounds.currency.unwrap_or("EUR").to_owned())
    });
    let sort = args.sort.or(sort).unwrap_or_default();
    let in_stock = args.in_stock.unwrap_or(in_stock);
    let understood = Understood {
        text: text.clone(),
        category: category.clone(),
        colour,
        price_min: price_min.map(|d| d.to_string()),
        price_max: price_max.map(|d| d.to_string()),
        currency: currency.clone(),
        in_stock,
        sort: sort_name(sort).to_owned(),
        any_of: any_of.clone(),
        relaxed: false,
        dropped: Vec::new(),
        any_word: false,
        corrected: Vec::new(),
    };
    let query = ProductQuery {
        q: text,
        category,
        price_min: understood.price_min.clone(),
        price_max: understood.price_max.clone(),
        currency,
        in_stock: in_stock.then_some(true),
        sort: Some(sort),
        limit: Some(limit),
        cursor: args
            .cursor
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        include_unpublished: None,
    };
    let without_category = (explicit_category.is_none()
        && category_word.is_some()
        && query.q.is_some()
        && any_of.is_none())
    .then(|| ProductQuery {
        category: None,
        ..query.clone()
    });
    Ok(ReadSearch {
        query,
        any_of,
        understood,
        without_category,
        category_word: category_word.filter(|_| explicit_category.is_none()),
    })
}

/// A word of a search, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// "or", "o", "ou".
    Or,
    /// A word naming a category, with the word itself.
    Category(&'static str, String),
    /// A word to search for.
    Text(String),
}

/// A filler word, also hyphenated ones made of filler ("avez-vous", "est-ce").
fn is_filler(word: &str) -> bool {
    FILLER.contains(&word)
        || (word.contains(['-', '\''])
            && word
                .split(['-', '\''])
                .all(|part| part.is_empty() || FILLER.contains(&part)))
}

fn starts_with(words: &[&str], i: usize, cue: &[&str]) -> bool {
    cue.iter()
        .enumerate()
        .all(|(k, c)| words.get(i + k) == Some(c))
}

fn sort_name(sort: SortOrder) -> &'static str {
    match sort {
        SortOrder::Relevance => "relevance",
        SortOrder::PriceAsc => "price_asc",
        SortOrder::PriceDesc => "price_desc",
        SortOrder::Newest => "newest",
    }
}

fn price_arg(name: &str, value: Option<f64>) -> Result<Option<Decimal>, String> {
    let Some(value) = value else { return Ok(None) };
    if !value.is_finite() || value < 0.0 || value > f64::from(MAX_PRICE) {
        return Err(format!(
            "{name} must be a price between 0 and {MAX_PRICE}; got {value}"
        ));
    }
    let decimal = Decimal::try_from(value)
        .map_err(|_| format!("{name} must be a plain number such as 29.90; got {value}"))?;
    Ok(Some(decimal.round_dp(2).normalize()))
}

/// A category argument: a slug (`tote-bags`) or a category word in any language.
fn category_arg(name: &str) -> Result<String, String> {
    let slug = name.to_lowercase();
    let valid_slug = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if let Some(word) = parse::words(&parse::fold(name)).first()
        && let Some(known) = parse::category(word)
    {
        return Ok(known.to_owned());
    }
    if valid_slug {
        return Ok(slug);
    }
    Err(format!(
        "category {:?} is not a category slug; use one such as mugs, prints, scarves or books",
        truncate(name, 40)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_query(query: &str) -> ReadSearch {
        read(&SearchArgs {
            query: query.into(),
            ..SearchArgs::default()
        })
        .unwrap_or_else(|e| panic!("{query}: {}", e.message))
    }

    #[test]
    fn price_category_and_colour_come_out_of_the_words_in_three_languages() {
        let en = read_query("show me blue mugs under 20 euros");
        assert_eq!(en.query.category.as_deref(), Some("mugs"));
        assert_eq!(en.query.q.as_deref(), Some("blue"));
        assert_eq!(en.query.price_max.as_deref(), Some("20"));
        assert_eq!(en.query.currency.as_deref(), Some("EUR"));

        let es = read_query("busco tazas azules baratas");
        assert_eq!(es.query.category.as_deref(), Some("mugs"));
        assert_eq!(es.query.q.as_deref(), Some("blue"));
        assert_eq!(es.query.sort, Some(SortOrder::PriceAsc));
        assert_eq!(es.understood.colour.as_deref(), Some("blue"));

        let fr = read_query("je cherche des affiches de Monet entre 20 et 50 €");
        assert_eq!(fr.query.category.as_deref(), Some("prints"));
        assert_eq!(fr.query.q.as_deref(), Some("monet"));
        assert_eq!(fr.query.price_min.as_deref(), Some("20"));
        assert_eq!(fr.query.price_max.as_deref(), Some("50"));

        let cheap = read_query("foulard pas cher en stock");
        assert_eq!(cheap.query.category.as_deref(), Some("scarves"));
        assert_eq!(cheap.query.sort, Some(SortOrder::PriceAsc));
        assert_eq!(cheap.query.in_stock, Some(true));
        assert_eq!(cheap.query.q, None);
    }

    #[test]
    fn explicit_arguments_win_over_the_text() {
        let read = read(&SearchArgs {
            query: "mugs under 20 euros".into(),
            price_max: Some(35.5),
            category: Some("Láminas".into()),
            sort: Some(SortOrder::Newest),
            in_stock: Some(false),
            ..SearchArgs::default()
        })
        .expect("valid");
        assert_eq!(read.query.price_max.as_deref(), Some("35.5"));
        assert_eq!(read.query.category.as_deref(), Some("prints"));
        assert_eq!(read.query.sort, Some(SortOrder::Newest));
        assert_eq!(read.query.in_stock, None);
    }

    #[test]
    fn bad_searches_are_refused_with_a_reason() {
        let refuse = |args: SearchArgs, needle: &str| {
            let error = read(&args).expect_err(needle).message;
            assert!(error.contains(needle), "{error}");
        };
        refuse(SearchArgs::default(), "query is empty");
        refuse(
            SearchArgs {
                query: "   ".into(),
                ..SearchArgs::default()
            },
            "query is empty",
        );
        refuse(
            SearchArgs {
                query: "show me some".into(),
                ..SearchArgs::default()
            },
            "nothing to search for",
        );
        refuse(
            SearchArgs {
                query: "x".repeat(MAX_QUERY_CHARS + 1),
                ..SearchArgs::default()
            },
            "characters",
        );
        for limit in [0, MAX_LIMIT + 1, u32::MAX] {
            refuse(
                SearchArgs {
                    query: "mug".into(),
                    limit: Some(limit),
                    ..SearchArgs::default()
                },
                "limit",
            );
        }
        for price in [-1.0, f64::NAN, f64::INFINITY, 1e12] {
            refuse(
                SearchArgs {
                    query: "mug".into(),
                    price_max: Some(price),
                    ..SearchArgs::default()
                },
                "price_max",
            );
        }
        refuse(
            SearchArgs {
                query: "mug".into(),
                price_min: Some(50.0),
                price_max: Some(10.0),
                ..SearchArgs::default()
            },
            "above",
        );
        refuse(
            SearchArgs {
                query: "mug".into(),
                category: Some("'; DROP TABLE products; --".into()),
                ..SearchArgs::default()
            },
            "category",
        );
        refuse(
            SearchArgs {
                query: "mug".into(),
                currency: Some("EURO!".into()),
                ..SearchArgs::default()
            },
            "ISO 4217",
        );
    }

    #[test]
    fn the_chat_around_a_request_is_not_searched() {
        for (query, text) in [
            ("a present for my mum, she loves Van Gogh", "van gogh"),
            ("do you have anything with cats?", "cats"),
            ("my sister is really into Klimt, any ideas?", "klimt"),
            ("je cherche un cadeau pour ma sœur qui adore Klimt", "klimt"),
            ("algo para mi padre que le gusta Goya", "goya"),
            ("quelque chose pour mon père, il aime Hokusai", "hokusai"),
            (
                "regalo para mi abuela, le encantan los girasoles",
                "girasoles",
            ),
        ] {
            let read = read_query(query);
            assert_eq!(read.query.q.as_deref(), Some(text), "{query}");
            assert_eq!(read.any_of, None, "{query}");
        }
        // A gift word alone is the search; beside other words it is not.
        assert_eq!(
            read_query("a gift for my dad").query.q.as_deref(),
            Some("gift")
        );
        assert_eq!(
            read_query("un regalo de Monet").query.q.as_deref(),
            Some("monet")
        );
        // A present of a kind is that kind.
        let kids = read_query("des cadeaux pour enfants");
        assert_eq!(kids.query.q, None);
        assert_eq!(kids.query.category.as_deref(), Some("kids"));
    }

    #[test]
    fn either_of_two_words() {
        // Two names of one category: the category.
        let cups = read_query("mugs or cups");
        assert_eq!(cups.query.category.as_deref(), Some("mugs"));
        assert_eq!((cups.query.q, cups.any_of), (None, None));
        let vg = read_query("des tasses ou des mugs Van Gogh");
        assert_eq!(vg.query.category.as_deref(), Some("mugs"));
        assert_eq!(vg.query.q.as_deref(), Some("van gogh"));
        // Otherwise any one of the words.
        let notebooks = read_query("avez-vous des carnets ou des agendas ?");
        assert_eq!(notebooks.query.q, None);
        assert_eq!(notebooks.any_of.as_deref(), Some("carnets agendas"));
        assert_eq!(
            notebooks.understood.any_of.as_deref(),
            Some("carnets agendas")
        );
        let umbrellas = read_query("paraguas de Monet o de Klimt");
        assert_eq!(umbrellas.query.category.as_deref(), Some("umbrellas"));
        assert_eq!(umbrellas.any_of.as_deref(), Some("monet klimt"));
        let mixed = read_query("parapluies ou ombrelles");
        assert_eq!(mixed.query.category, None);
        assert_eq!(mixed.any_of.as_deref(), Some("parapluies ombrelles"));
        // A connector with nothing on one side is filler.
        let alone = read_query("mugs or");
        assert_eq!(alone.query.category.as_deref(), Some("mugs"));
        assert_eq!(alone.any_of, None);
    }

    #[test]
    fn two_categories_named_together_are_words() {
        let umbrella = read_query("the kids hare umbrella");
        assert_eq!(umbrella.query.category, None);
        assert_eq!(umbrella.query.q.as_deref(), Some("kids hare umbrella"));
        let mugs = read_query("van gogh mugs");
        assert_eq!(mugs.query.category.as_deref(), Some("mugs"));
    }

    #[test]
    fn a_category_alone_browses_it() {
        let read = read(&SearchArgs {
            query: String::new(),
            category: Some("scarves".into()),
            ..SearchArgs::default()
        })
        .expect("browse");
        assert_eq!(read.query.q, None);
        assert_eq!(read.query.category.as_deref(), Some("scarves"));
    }
}
