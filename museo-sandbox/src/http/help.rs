//! The shop's help pages: `GET /v1/help` and `GET /v1/help/{slug}`.
//!
//! The pages (shipping, returns, payment, gift wrapping, contact, product
//! care, FAQ) are hand-written in English, Spanish and French in
//! `seed/help.json`, compiled in with `include_str!` and parsed once, on first
//! use. [`help_center`] never panics: a broken seed is an error, which
//! [`crate::prepare`] turns into a failed start (and the unit tests below into
//! a failed build) long before a request could see it.
//!
//! Search (`?q=`) is an in-memory word match over every page's title and body
//! in all three languages, on [`fold`]ed text, so case and accents never
//! matter (`envío`, `envio` and `ENVIO` are one word). Articles, conjunctions,
//! common prepositions and question words (`the`, `how`, `de`, `qué`, `comment`…)
//! are ignored. A query word matches a page word with the same singular (a
//! final `s` or `x` is dropped from words of more than three letters) or, when
//! it has four letters or more, a page word it starts (`ship` finds
//! "shipping", `retour` finds "retours"). Pages matching at least one word are
//! returned, most matched words first; ties go to the pages whose title
//! matches more words, then to those with more matching words in all, then to
//! the seed's order.

use std::collections::HashSet;
use std::sync::LazyLock;

use axum::Json;
use museo_sdk::parse::fold;
use museo_sdk::types::{HelpPage, Localized};
use serde::Deserialize;

use super::{ApiPath, ApiQuery};
use crate::error::{ApiError, ApiResult};
use crate::seed::Localized as SeedText;

/// The help pages as compiled in.
const SEED: &str = include_str!("../../seed/help.json");

/// Longest `q`, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// Query words at least this long also match as a prefix.
const PREFIX_MIN_CHARS: usize = 4;

/// Words a help search ignores, folded (no accents), per language: articles,
/// conjunctions, common prepositions, pronouns and question words.
const STOP_WORDS: [&[&str]; 3] = [
    &[
        "a", "an", "the", "and", "or", "of", "for", "with", "in", "on", "to", "at", "by", "from",
        "is", "are", "be", "it", "its", "this", "that", "do", "does", "can", "i", "me", "my",
        "you", "your", "we", "our", "how", "what", "when", "where", "which", "who", "why",
    ],
    &[
        "el", "la", "lo", "los", "las", "un", "una", "unos", "unas", "y", "o", "de", "del", "al",
        "con", "para", "por", "en", "es", "son", "se", "mi", "mis", "tu", "tus", "su", "sus",
        "que", "como", "cuando", "donde", "cual", "quien", "puedo",
    ],
    &[
        "le", "les", "une", "des", "du", "et", "ou", "avec", "pour", "au", "aux", "sur", "est",
        "sont", "je", "j", "l", "d", "qu", "mon", "ma", "mes", "ton", "ta", "tes", "votre", "vos",
        "nous", "vous", "il", "elle", "ce", "cette", "comment", "quand", "quel", "quelle", "qui",
    ],
];

/// `GET /v1/help` query parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpQuery {
    /// Free text in any of the three languages.
    pub q: Option<String>,
}

/// One page of `seed/help.json`: every language is required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedPage {
    slug: String,
    title: SeedText,
    body: SeedText,
}

/// The parsed help pages and their search index.
#[derive(Debug)]
pub struct HelpCenter {
    pages: Vec<HelpPage>,
    /// `index[i]` holds the folded words of `pages[i]`.
    index: Vec<PageWords>,
}

/// The folded words of one page, every language together.
#[derive(Debug)]
struct PageWords {
    title: Vec<String>,
    body: Vec<String>,
}

/// How well a page matches a search; compared field by field, larger first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    /// Distinct query words found anywhere in the page.
    matched: usize,
    /// Distinct query words found in its title.
    in_title: usize,
    /// Matching page words, counting repeats.
    hits: usize,
}

static HELP: LazyLock<Result<HelpCenter, String>> = LazyLock::new(|| HelpCenter::parse(SEED));

/// The compiled-in help pages, parsed on first use.
pub fn help_center() -> ApiResult<&'static HelpCenter> {
    HELP.as_ref()
        .map_err(|e| ApiError::Internal(format!("seed/help.json: {e}")))
}

impl HelpCenter {
    /// Parses and checks a JSON array of pages: every language present and
    /// non-empty, slugs of lowercase letters, digits and single dashes, and
    /// unique.
    pub fn parse(json: &str) -> Result<Self, String> {
        let seed: Vec<SeedPage> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if seed.is_empty() {
            return Err("no help pages".into());
        }
        let mut slugs = HashSet::new();
        let mut pages = Vec::with_capacity(seed.len());
        for page in seed {
            let slug = page.slug;
            if !is_slug(&slug) {
                return Err(format!(
                    "slug {slug:?}: use lowercase letters, digits and single dashes"
                ));
            }
            if !slugs.insert(slug.clone()) {
                return Err(format!("slug {slug:?} appears twice"));
            }
            let title = localized(&slug, "title", page.title)?;
            let body = localized(&slug, "body", page.body)?;
            pages.push(HelpPage { slug, title, body });
        }
        let index = pages
            .iter()
            .map(|p| PageWords {
                title: page_words(&p.title),
                body: page_words(&p.body),
            })
            .collect();
        Ok(Self { pages, index })
    }

    /// Every page, in the seed's order.
    pub fn pages(&self) -> &[HelpPage] {
        &self.pages
    }

    /// The page with this slug (ASCII case ignored).
    pub fn get(&self, slug: &str) -> Option<&HelpPage> {
        self.pages
            .iter()
            .find(|p| p.slug.eq_ignore_ascii_case(slug))
    }

    /// The pages matching `text`, best first (see the module documentation).
    /// Text without a searchable word matches nothing.
    pub fn search(&self, text: &str) -> Vec<HelpPage> {
        let terms = query_terms(text);
        if terms.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(Score, &HelpPage)> = self
            .pages
            .iter()
            .zip(&self.index)
            .map(|(page, words)| (score(&terms, words), page))
            .filter(|(score, _)| score.matched > 0)
            .collect();
        // Stable: equal scores keep the seed's order.
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        scored.into_iter().map(|(_, page)| page.clone()).collect()
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn localized(slug: &str, what: &str, text: SeedText) -> Result<Localized, String> {
    for (lang, value) in [("en", &text.en), ("es", &text.es), ("fr", &text.fr)] {
        if value.trim().is_empty() {
            return Err(format!("{slug}: empty {what} in {lang}"));
        }
        if value.trim() != value {
            return Err(format!(
                "{slug}: {what} in {lang} has surrounding whitespace"
            ));
        }
    }
    Ok(Localized {
        en: text.en,
        es: text.es,
        fr: text.fr,
    })
}

/// Folded words: lowercase, no accents, split on anything not a letter or digit.
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn page_words(text: &Localized) -> Vec<String> {
    [&text.en, &text.es, &text.fr]
        .into_iter()
        .flat_map(|t| words(t))
        .collect()
}

/// A word without a final plural `s` or `x` (words of more than three letters).
fn singular(word: &str) -> &str {
    if word.chars().count() > 3 && (word.ends_with('s') || word.ends_with('x')) {
        &word[..word.len() - 1]
    } else {
        word
    }
}

/// The distinct singular words of a query, stop words left out.
fn query_terms(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    words(text)
        .iter()
        .filter(|w| !STOP_WORDS.iter().any(|list| list.contains(&w.as_str())))
        .map(|w| singular(w).to_owned())
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// Whether the page word `word` matches the query term `term` (a singular).
fn matches(term: &str, word: &str) -> bool {
    singular(word) == term || (term.chars().count() >= PREFIX_MIN_CHARS && word.starts_with(term))
}

fn score(terms: &[String], page: &PageWords) -> Score {
    let mut score = Score {
        matched: 0,
        in_title: 0,
        hits: 0,
    };
    for term in terms {
        let count = |words: &[String]| words.iter().filter(|w| matches(term, w)).count();
        let (title, body) = (count(&page.title), count(&page.body));
        score.matched += usize::from(title + body > 0);
        score.in_title += usize::from(title > 0);
        score.hits += title + body;
    }
    score
}

/// Checks `q`: 1 to [`MAX_QUERY_CHARS`] characters, not blank.
fn validate_query(q: &str) -> ApiResult<&str> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::field(
            "q",
            format!("a help search has at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let q = q.trim();
    if q.is_empty() {
        return Err(ApiError::field(
            "q",
            "q is empty: give some words to search for, or leave q out to list every page",
        ));
    }
    Ok(q)
}

/// `GET /v1/help`.
pub async fn list(ApiQuery(query): ApiQuery<HelpQuery>) -> ApiResult<Json<Vec<HelpPage>>> {
    let help = help_center()?;
    match query.q.as_deref() {
        None => Ok(Json(help.pages().to_vec())),
        Some(q) => Ok(Json(help.search(validate_query(q)?))),
    }
}

/// `GET /v1/help/{slug}`.
pub async fn get_page(ApiPath(slug): ApiPath<String>) -> ApiResult<Json<HelpPage>> {
    let help = help_center()?;
    help.get(&slug).cloned().map(Json).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no help page `{}`; GET /v1/help lists them",
            crate::store::catalog::truncate(&slug, 80)
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const SLUGS: [&str; 7] = [
        "shipping",
        "returns",
        "payment",
        "gift-wrapping",
        "contact",
        "product-care",
        "faq",
    ];

    fn help() -> HelpCenter {
        HelpCenter::parse(SEED).expect("seed/help.json parses")
    }

    fn texts(l: &Localized) -> [(&'static str, &str); 3] {
        [("en", &l.en), ("es", &l.es), ("fr", &l.fr)]
    }

    fn slugs(pages: &[HelpPage]) -> Vec<&str> {
        pages.iter().map(|p| p.slug.as_str()).collect()
    }

    /// The numbers a text states, decimal commas read as points and `:00`
    /// of clock times dropped (`9:00` and `9 h` both say 9).
    fn numbers(text: &str) -> BTreeSet<String> {
        let text = text.replace(":00", "");
        let mut found = BTreeSet::new();
        let mut current = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                current.push(c);
            } else if (c == '.' || c == ',')
                && !current.is_empty()
                && chars.peek().is_some_and(char::is_ascii_digit)
            {
                current.push('.');
            } else if !current.is_empty() {
                found.insert(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            found.insert(current);
        }
        found
    }

    #[test]
    fn the_compiled_seed_parses() {
        assert!(help_center().is_ok(), "{:?}", help_center().err());
        assert_eq!(slugs(help().pages()), SLUGS);
    }

    #[test]
    fn malformed_seeds_are_errors_not_panics() {
        let page = |slug: &str, en: &str| {
            format!(
                r#"{{"slug": "{slug}", "title": {{"en": "{en}", "es": "T", "fr": "T"}}, "body": {{"en": "B", "es": "B", "fr": "B"}}}}"#
            )
        };
        let bad = [
            "not json".to_owned(),
            "{}".to_owned(),
            "[]".to_owned(),
            format!("[{}, {}]", page("faq", "A"), page("faq", "B")),
            format!("[{}]", page("Bad Slug", "A")),
            format!("[{}]", page("-faq", "A")),
            format!("[{}]", page("faq", "  ")),
            format!("[{}]", page("faq", " padded")),
            r#"[{"slug": "faq", "title": {"en": "T", "es": "T"}, "body": {"en": "B", "es": "B", "fr": "B"}}]"#.to_owned(),
            r#"[{"slug": "faq", "title": {"en": "T", "es": "T", "fr": "T", "de": "T"}, "body": {"en": "B", "es": "B", "fr": "B"}}]"#.to_owned(),
            r#"[{"slug": "faq", "title": {"en": "T", "es": "T", "fr": "T"}, "body": {"en": "B", "es": "B", "fr": "B"}, "extra": 1}]"#.to_owned(),
        ];
        for json in bad {
            assert!(HelpCenter::parse(&json).is_err(), "accepted {json}");
        }
        assert!(HelpCenter::parse(&format!("[{}]", page("faq", "A"))).is_ok());
    }

    #[test]
    fn every_page_is_written_in_every_language() {
        for page in help().pages() {
            for (lang, title) in texts(&page.title) {
                let n = title.split_whitespace().count();
                assert!(
                    (1..=8).contains(&n),
                    "{} title in {lang}: {n} words",
                    page.slug
                );
                assert!(!title.contains('\n'), "{} title in {lang}", page.slug);
            }
            for (lang, body) in texts(&page.body) {
                let what = format!("{} body in {lang}", page.slug);
                let n = body.split_whitespace().count();
                assert!((80..=250).contains(&n), "{what}: {n} words");
                assert!(
                    !body.contains('\r') && !body.contains('\t') && !body.contains("\n\n\n"),
                    "{what}: stray whitespace"
                );
                for line in body.lines() {
                    assert_eq!(line.trim_end(), line, "{what}: trailing space in {line:?}");
                    assert!(
                        !["* ", "• ", "#", "**", "`"]
                            .iter()
                            .any(|m| line.starts_with(m) || line.contains("**")),
                        "{what}: plain text with `- ` lists only: {line:?}"
                    );
                }
            }
            // The translations state the same facts: the same numbers.
            let en = numbers(&page.body.en);
            assert_eq!(numbers(&page.body.es), en, "{}: es numbers", page.slug);
            assert_eq!(numbers(&page.body.fr), en, "{}: fr numbers", page.slug);
        }
    }

    #[test]
    fn the_pages_state_the_shop_facts() {
        let help = help();
        let page = |slug: &str| help.get(slug).expect(slug).body.clone();
        let all = |slug: &str, facts: &[&str]| {
            let body = page(slug);
            for (lang, text) in texts(&body) {
                let text = text.replace("3,50", "3.50").replace(",90", ".90");
                for fact in facts {
                    assert!(text.contains(fact), "{slug} in {lang} lacks {fact:?}");
                }
            }
        };
        all(
            "shipping",
            &["4.90", "9.90", "19.90", "60", "90", "shop@museo.example"],
        );
        all("returns", &["30", "14", "shop@museo.example", "ord_"]);
        all(
            "payment",
            &[
                "Visa",
                "Mastercard",
                "American Express",
                "PayPal",
                "Bizum",
                "24",
                "EUR",
            ],
        );
        all("gift-wrapping", &["3.50", "200", "25, 50", "100"]);
        all(
            "contact",
            &[
                "shop@museo.example",
                "+34 910 000 000",
                "CET",
                "Calle del Prado 12, 28014 Madrid",
            ],
        );
        all("faq", &["shop@museo.example", "Calle del Prado 12"]);
        let faq = page("faq");
        let questions = faq.en.lines().filter(|l| l.ends_with('?')).count();
        assert!((6..=8).contains(&questions), "{questions} FAQ questions");
        for (lang, text) in texts(&faq) {
            let n = text.lines().filter(|l| l.ends_with('?')).count();
            assert_eq!(n, questions, "faq in {lang}");
        }
    }

    #[test]
    fn search_ranks_the_page_about_the_word_first() {
        let help = help();
        for (q, first) in [
            ("envío", "shipping"),
            ("envio", "shipping"),
            ("ENVÍOS", "shipping"),
            ("livraison", "shipping"),
            ("shipping", "shipping"),
            ("retour", "returns"),
            ("devolución", "returns"),
            ("3-D Secure", "payment"),
            ("emballage cadeau", "gift-wrapping"),
            ("teléfono", "contact"),
            ("silk scarf dishwasher", "product-care"),
            ("lavavajillas", "product-care"),
            ("¿Puedo cancelar mi pedido?", "faq"),
        ] {
            let found = help.search(q);
            assert_eq!(
                found.first().map(|p| p.slug.as_str()),
                Some(first),
                "{q}: {:?}",
                slugs(&found)
            );
        }
    }

    #[test]
    fn search_ignores_case_accents_and_stop_words() {
        let help = help();
        assert_eq!(
            slugs(&help.search("LIVRAISON")),
            slugs(&help.search("livraison"))
        );
        assert_eq!(slugs(&help.search("envío")), slugs(&help.search("envio")));
        assert!(help.search("the and de la").is_empty());
        assert!(help.search("¿?! -- ;").is_empty());
        assert!(help.search("xylophone").is_empty());
        assert!(help.search("<script></script>").is_empty());
    }

    #[test]
    fn more_matched_words_rank_higher() {
        let terms = query_terms("the Tubes tube, envíos");
        assert_eq!(terms, ["tube", "envio"]);
        let help = help();
        let both = help.search("Bizum tubes");
        // Several pages name Bizum or tubes; only the FAQ names both.
        assert_eq!(both.first().map(|p| p.slug.as_str()), Some("faq"));
        assert!(slugs(&both).contains(&"payment") && slugs(&both).contains(&"shipping"));
    }

    #[test]
    fn queries_are_validated() {
        assert!(validate_query("").is_err());
        assert!(validate_query("   ").is_err());
        assert!(validate_query(&"a".repeat(MAX_QUERY_CHARS)).is_ok());
        assert!(validate_query(&"é".repeat(MAX_QUERY_CHARS)).is_ok());
        assert!(validate_query(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
        assert_eq!(validate_query("  envío ").ok(), Some("envío"));
    }

    #[test]
    fn slugs_are_found_ignoring_case_and_nothing_else() {
        let help = help();
        assert_eq!(help.get("FAQ").map(|p| p.slug.as_str()), Some("faq"));
        for slug in ["", "../../etc", "faq/", "shipping ", "nope"] {
            assert!(help.get(slug).is_none(), "{slug:?}");
        }
    }
}
