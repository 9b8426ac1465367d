//! Catalog search: full text in three languages, filters, stable pagination.
//!
//! Text goes through FTS5 (`unicode61`, diacritics removed), so case and
//! accents never matter. Each word becomes a quoted prefix term — quoting
//! means no user text is ever read as FTS syntax — with a light plural strip
//! ("mugs" → `mug*`, "tazas" → `taza*`, "bijoux" → `bijou*`). All words must
//! match, plus one of the `any_of` words when there are some ("mugs or
//! cups"). When that finds nothing the search is relaxed, on the first page:
//! first with each word no product matches read as the nearest word of a
//! title (one or two edits: "umbrela" → "umbrella"), then without its weakest
//! words — those matching no product, else the one matching fewest —, then
//! with any one word enough, best first. The page says how (`relaxed`).
//!
//! Cursors are opaque (base64url JSON) and bound to the query that made them.
//! Price and newest orders page by keyset `(price, seq)` / `seq`, so rows
//! added while someone pages never shift the pages; relevance pages by offset
//! with `seq` as the tie-break, which is stable while the catalog is.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use museo_sdk::types::{Page, Product, ProductSearchPage, SearchRelaxation, SortOrder};
use rusqlite::Connection;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use super::catalog::by_seq;
use crate::error::{ApiError, ApiResult};

/// Default and maximum page sizes.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page.
pub const MAX_LIMIT: u32 = 100;
const MAX_QUERY_CHARS: usize = 200;
const MAX_TERMS: usize = 12;
/// How many matches (newest first, after filters) relevance ranking considers.
/// Sorting by price or date always considers every match.
pub const RELEVANCE_WINDOW: usize = 1000;

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "for", "with", "in", "on", "to", "el", "la", "los", "las",
    "un", "una", "unos", "unas", "y", "o", "de", "del", "con", "para", "por", "en", "le", "les",
    "une", "des", "du", "et", "ou", "avec", "pour", "au", "aux", "sur",
];

/// A validated search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// Free text.
    pub text: Option<String>,
    /// Words of which at least one must match, besides every word of `text`.
    pub any_of: Option<String>,
    /// Category slug.
    pub category: Option<String>,
    /// Currency of the price bounds (set when a bound is).
    pub price_currency: Option<String>,
    /// Lowest price, minor units.
    pub price_min: Option<i64>,
    /// Highest price, minor units.
    pub price_max: Option<i64>,
    /// Only in stock.
    pub in_stock: bool,
    /// Order.
    pub sort: SortOrder,
    /// Page size.
    pub limit: u32,
    /// Include drafts (admin).
    pub include_unpublished: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    /// Fingerprint of the search that made the cursor.
    f: String,
    /// Offset (relevance order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    o: Option<i64>,
    /// Last price (price orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<i64>,
    /// Last seq (keyset orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<i64>,
}

impl Search {
    fn fingerprint(&self) -> String {
        let canonical = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{}",
            self.text.as_deref().map(str::to_lowercase),
            self.any_of.as_deref().map(str::to_lowercase),
            self.category,
            (self.price_min, &self.price_currency),
            self.price_max,
            self.in_stock,
            self.sort,
            self.include_unpublished
        );
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes());
        URL_SAFE_NO_PAD.encode(&digest.as_ref()[..9])
    }

    fn decode_cursor(&self, raw: &str) -> ApiResult<Cursor> {
        let invalid = || {
            ApiError::field(
                "cursor",
                "this cursor is invalid or belongs to another search; start again without a cursor",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| invalid())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if cursor.f != self.fingerprint() {
            return Err(invalid());
        }
        Ok(cursor)
    }

    fn encode_cursor(&self, o: Option<i64>, p: Option<i64>, s: Option<i64>) -> String {
        let cursor = Cursor {
            f: self.fingerprint(),
            o,
            p,
            s,
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&cursor).unwrap_or_default())
    }
}

/// One searchable word: as read (lowercase) and as an FTS5 term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word, lowercase.
    pub text: String,
    /// Its FTS5 expression (quoted, with its singular or as a prefix).
    pub term: String,
}

/// Turns free text into FTS5 terms; `None` when no searchable word is left.
pub fn fts_terms(text: &str) -> ApiResult<Option<Vec<String>>> {
    Ok(fts_words(text, "q")?.map(|words| words.into_iter().map(|w| w.term).collect()))
}

/// The searchable words of `text` (the parameter `field`) with their FTS5 terms.
pub fn fts_words(text: &str, field: &str) -> ApiResult<Option<Vec<Word>>> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::field(
            field,
            format!("a search has at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let lowered = text.to_lowercase();
    let words: Vec<&str> = lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // A search made only of stop words ("the") has no text to match: it browses.
    let kept: Vec<&str> = words
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(w))
        .take(MAX_TERMS)
        .collect();
    let last = kept.len().saturating_sub(1);
    // Whole words are exact terms (cheap: one doclist each); a word also
    // tries its other forms (below). Only the last word is a prefix, for a
    // word still being typed ("nymph" → Nymphéas): prefix terms merge the
    // doclists of every matching token, which is what made frequent words
    // slow.
    let words: Vec<Word> = kept
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let n = w.chars().count();
            let singular =
                (n > 3 && (w.ends_with('s') || w.ends_with('x'))).then(|| &w[..w.len() - 1]);
            let mut alternatives = vec![(*w).to_owned()];
            alternatives.extend(singular.map(str::to_owned));
            for form in forms(w) {
                if !alternatives.contains(&form) {
                    alternatives.push(form);
                }
            }
            let mut terms: Vec<String> = alternatives.iter().map(|a| format!("\"{a}\"")).collect();
            // The last word also matches whole, so that a product with the
            // word itself ranks above one that only extends it ("cats":
            // the cat statue before the catalogue).
            if i == last {
                terms.push(format!("\"{}\"*", singular.unwrap_or(w)));
            }
            let term = match terms.as_slice() {
                [one] => one.clone(),
                many => format!("({})", many.join(" OR ")),
            };
            Word {
                text: (*w).to_owned(),
                term,
            }
        })
        .collect();
    Ok(if words.is_empty() { None } else { Some(words) })
}

/// Words that name the same thing across the three languages and their
/// regional variants, for the subjects and kinds of a museum shop whose
/// tags are in English only or whose titles use one country's word:
/// "joyas egipcias" finds the Egypt-tagged ring, "aretes" the earrings
/// ("pendientes"), "medias" the socks, "casquettes" a cap. Folded, singular
/// and plural both where the plural is not the singular plus "s".
#[rustfmt::skip]
const EQUIVALENTS: &[&[&str]] = &[
    &["egypt", "egyptian", "egipto", "egipcio", "egipcia", "egipcios", "egipcias", "egypte", "egyptien", "egyptienne", "egyptiens", "egyptiennes"],
    &["greece", "greek", "grecia", "griego", "griega", "griegos", "griegas", "grece", "grec", "grecque", "grecs", "grecques"],
    &["japan", "japanese", "japon", "japones", "japonesa", "japoneses", "japonesas", "japonais", "japonaise", "japonaises"],
    &["spain", "spanish", "espana", "espanol", "espanola", "espanoles", "espanolas", "espagne", "espagnol", "espagnole", "espagnols", "espagnoles"],
    &["cat", "cats", "gato", "gata", "gatos", "gatas", "gatito", "gatita", "chat", "chats", "chatte", "chaton"],
    &["owl", "buho", "lechuza", "chouette", "hibou", "hiboux"],
    &["flower", "flor", "flores", "fleur", "floral"],
    &["star", "estrella", "estrellas", "etoile", "etoiles", "starry", "estrellada", "etoilee"],
    &["christmas", "xmas", "navidad", "navideno", "navidena", "noel"],
    &["kids", "children", "child", "nino", "nina", "ninos", "ninas", "infantil", "infantiles", "enfant", "enfants"],
    &["earring", "earrings", "pendiente", "pendientes", "arete", "aretes", "aros", "boucles"],
    &["sock", "socks", "calcetin", "calcetines", "medias", "chaussette", "chaussettes"],
    &["umbrella", "paraguas", "sombrilla", "parapluie", "parapluies"],
    &["camiseta", "camisetas", "playera", "playeras", "remera", "remeras", "polera", "poleras", "tee"],
    &["sweatshirt", "sudadera", "sudaderas", "buzo", "buzos", "sweat"],
    &["cap", "gorra", "gorras", "cachucha", "casquette", "casquettes"],
    &["sticker", "stickers", "pegatina", "pegatinas", "calcomania", "calcomanias", "autocollant", "autocollants", "gommette", "gommettes"],
    &["pen", "boligrafo", "boligrafos", "lapicera", "lapiceras", "birome", "lapicero", "lapiceros", "stylo", "stylos"],
    &["cuaderno", "cuadernos", "libreta", "libretas", "carnet", "carnets"],
    &["poster", "lamina", "laminas", "afiche", "afiches", "affiche", "affiches", "print"],
    &["glass", "cristal", "vidrio", "verre"],
    &["wood", "wooden", "madera", "bois"],
    &["cotton", "algodon", "coton"],
    &["silk", "seda", "soie"],
    &["scarf", "scarves", "panuelo", "panuelos", "fular", "fulares", "bufanda", "bufandas", "foulard", "foulards", "echarpe", "echarpes"],
    &["apron", "delantal", "delantales", "mandil", "tablier", "tabliers"],
    &["puzzle", "puzzles", "puzle", "puzles", "rompecabezas"],
    &["magnet", "iman", "imanes", "aimant", "aimants"],
    &["horse", "caballo", "caballos", "cheval", "chevaux"],
    &["bird", "pajaro", "pajaros", "ave", "aves", "oiseau", "oiseaux"],
];

/// Other forms of a query word worth matching exactly: the words that name
/// the same thing (`EQUIVALENTS`); else a Spanish plural in "-es" ("flores"
/// → "flor"), the other gender ("egipcia" → "egipcio") and a diminutive's
/// base ("gatita" → "gata", "gato") of a Spanish word, and a French
/// feminine's masculine ("bleue" → "bleu"). Exact terms, so each costs one
/// doclist; a wrong form only widens a search every other word still narrows.
fn forms(word: &str) -> Vec<String> {
    let folded = museo_sdk::parse::fold(word);
    if let Some(group) = EQUIVALENTS.iter().find(|g| g.contains(&folded.as_str())) {
        return group.iter().map(|w| (*w).to_owned()).collect();
    }
    let mut out = Vec::new();
    if folded.chars().count() < 5 {
        return out;
    }
    let singular = folded.strip_suffix('s').unwrap_or(&folded);
    if let Some(stem) = folded.strip_suffix("es").filter(|s| s.len() >= 3) {
        out.push(stem.to_owned());
    }
    for base in [folded.as_str(), singular] {
        if let Some(stem) = base
            .strip_suffix("ita")
            .or_else(|| base.strip_suffix("ito"))
        {
            out.push(format!("{stem}a"));
            out.push(format!("{stem}o"));
        } else if let Some(stem) = base.strip_suffix('a') {
            out.push(format!("{stem}o"));
        } else if let Some(stem) = base.strip_suffix('o') {
            out.push(format!("{stem}a"));
        } else if let Some(stem) = base.strip_suffix("nne") {
            out.push(format!("{stem}n"));
        } else if let Some(stem) = base.strip_suffix('e') {
            out.push(stem.to_owned());
        }
    }
    out
}

/// What must match: each word of `q` is a group of one, the `any_of` words
/// one group; a product matches a group when it matches any of its words.
#[derive(Debug, Clone)]
struct Group {
    words: Vec<Word>,
}

impl Group {
    fn expr(&self) -> String {
        match self.words.as_slice() {
            [one] => one.term.clone(),
            many => format!(
                "({})",
                many.iter()
                    .map(|w| w.term.as_str())
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ),
        }
    }
}

fn groups(s: &Search) -> ApiResult<Vec<Group>> {
    let mut groups: Vec<Group> = s
        .text
        .as_deref()
        .map(|t| fts_words(t, "q"))
        .transpose()?
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .map(|w| Group { words: vec![w] })
        .collect();
    if let Some(words) = s
        .any_of
        .as_deref()
        .map(|t| fts_words(t, "any_of"))
        .transpose()?
        .flatten()
    {
        groups.push(Group { words });
    }
    Ok(groups)
}

fn all_of(groups: &[&Group]) -> String {
    groups
        .iter()
        .map(|g| g.expr())
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The tiers of a first page, tried in order before every column: the
/// catalog's words alone (category, tags, attributes: what a product is;
/// "earrings" lists earrings before the "Girl with a Pearl Earring"
/// postcard), for a one-word search only, since several words name a
/// product and a title with every one must not be hidden ("starry night
/// mug" lists both Starry Night mugs); then titles and the catalog's words
/// (what it is called: "boucles d'oreilles" lists earrings, not the plush
/// cat whose description mentions one). Each: its cursor prefix, its
/// columns, whether it is for one word only.
const NAME_TIERS: [(&str, &str, bool); 2] = [("kd.", "meta", true), ("nm.", "titles meta", false)];

/// Every group, in `columns` only.
fn in_columns(columns: &str, groups: &[&Group]) -> String {
    format!("{{{columns}}} : ({})", all_of(groups))
}

fn any_word(groups: &[Group]) -> String {
    groups
        .iter()
        .flat_map(|g| g.words.iter().map(|w| w.term.as_str()))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// How many products each group matches on its own.
fn counts(conn: &Connection, groups: &[Group]) -> ApiResult<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT count(*) FROM products_fts WHERE products_fts MATCH ?1")?;
    groups
        .iter()
        .map(|group| {
            stmt.query_row([group.expr()], |r| r.get(0))
                .map_err(map_fts_error)
        })
        .collect()
}

/// The groups a relaxed search leaves out, given each group's `counts`:
/// every group no product matches (none can ever be part of a match), else
/// the one matching fewest products (the later one on a tie: chat puts the
/// extras last). `None` when that would leave nothing.
fn weakest(counts: &[i64]) -> Option<Vec<usize>> {
    if counts.len() < 2 {
        return None;
    }
    let mut dropped: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] == 0).collect();
    if dropped.is_empty()
        && let Some(min) = counts.iter().min()
        && let Some(i) = counts.iter().rposition(|c| c == min)
    {
        dropped.push(i);
    }
    (dropped.len() < counts.len()).then_some(dropped)
}

fn relaxation(groups: &[Group], dropped: &[usize]) -> SearchRelaxation {
    SearchRelaxation {
        dropped: dropped
            .iter()
            .flat_map(|&i| groups[i].words.iter().map(|w| w.text.clone()))
            .collect(),
        any_word: false,
        corrected: Vec::new(),
    }
}

/// Shortest word read as a misspelling of a title's word.
const MIN_CORRECTED_CHARS: usize = 5;

/// The search with each word no product matches read as the nearest word
/// of a title ("umbrela" → "umbrella", "nymphes" → "nympheas"): one edit
/// away for words of 5 to 7 letters, two from 8, the word in most titles
/// on a tie. `None` when no word needed and found a reading. The words are
/// the index's own (accents and case folded), so a title word is never
/// more than one lookup away. `counts` are the groups' own matches.
fn corrected(
    conn: &Connection,
    groups: &[Group],
    counts: &[i64],
) -> ApiResult<Option<(Vec<Group>, Vec<String>)>> {
    let mut terms: Option<Vec<(String, i64)>> = None;
    let mut fixed = groups.to_vec();
    let mut notes = Vec::new();
    for (at, group) in groups.iter().enumerate() {
        let [word] = group.words.as_slice() else {
            continue;
        };
        let typed = museo_sdk::parse::fold(&word.text);
        let letters = typed.chars().count();
        if letters < MIN_CORRECTED_CHARS
            || !typed.chars().all(char::is_alphabetic)
            || counts[at] > 0
        {
            continue;
        }
        if terms.is_none() {
            let mut stmt = conn.prepare_cached(
                "SELECT term, doc FROM products_fts_terms WHERE col = 'titles' AND length(term) >= 4",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            terms = Some(rows.collect::<Result<_, _>>()?);
        }
        let most = if letters >= 8 { 2 } else { 1 };
        let best = terms
            .iter()
            .flatten()
            .filter_map(|(term, docs)| {
                let edits = strsim::osa_distance(&typed, term);
                (edits <= most).then_some((edits, std::cmp::Reverse(*docs), term))
            })
            .min();
        if let Some((_, _, term)) = best {
            notes.push(format!("{}→{term}", word.text));
            fixed[at] = Group {
                words: vec![Word {
                    text: term.clone(),
                    term: format!("\"{term}\""),
                }],
            };
        }
    }
    Ok((!notes.is_empty()).then_some((fixed, notes)))
}

/// How a search read with corrected words was relaxed.
fn spelt(corrected: Vec<String>) -> SearchRelaxation {
    SearchRelaxation {
        dropped: Vec::new(),
        any_word: false,
        corrected,
    }
}

fn kept<'a>(groups: &'a [Group], dropped: &[usize]) -> Vec<&'a Group> {
    groups
        .iter()
        .enumerate()
        .filter(|(i, _)| !dropped.contains(i))
        .map(|(_, g)| g)
        .collect()
}

fn page(p: Page<Product>, relaxed: Option<SearchRelaxation>, prefix: &str) -> ProductSearchPage {
    ProductSearchPage {
        items: p.items,
        next_cursor: p.next_cursor.map(|c| format!("{prefix}{c}")),
        relaxed,
    }
}

/// Runs a search; `cursor` continues an earlier page.
pub fn search(
    conn: &Connection,
    search: &Search,
    cursor: Option<&str>,
    base: &str,
) -> ApiResult<Page<Product>> {
    search_with_cursor(conn, search, cursor, base).map(|p| Page {
        items: p.items,
        next_cursor: p.next_cursor,
    })
}

/// Runs a search, relaxing it on the first page when nothing matches every
/// word; a cursor starting with `rx.` (words left out) or `or.` (any word)
/// continues a relaxed search the same way.
pub fn search_with_cursor(
    conn: &Connection,
    s: &Search,
    cursor: Option<&str>,
    base: &str,
) -> ApiResult<ProductSearchPage> {
    let cursor = cursor.map(str::trim).filter(|c| !c.is_empty());
    let groups = groups(s)?;
    let relaxed_cursor = |rest: &str| -> ApiResult<Cursor> {
        if groups.len() < 2 && groups.iter().all(|g| g.words.len() < 2) {
            return Err(ApiError::field(
                "cursor",
                "this cursor belongs to another search",
            ));
        }
        s.decode_cursor(rest)
    };
    if let Some(rest) = cursor.and_then(|c| c.strip_prefix("or.")) {
        let cursor = relaxed_cursor(rest)?;
        let p = run(conn, s, Some(&any_word(&groups)), Some(&cursor), base)?;
        let relaxed = SearchRelaxation {
            dropped: Vec::new(),
            any_word: true,
            corrected: Vec::new(),
        };
        return Ok(page(p, Some(relaxed), "or."));
    }
    if let Some(rest) = cursor.and_then(|c| c.strip_prefix("fx.")) {
        let cursor = s.decode_cursor(rest)?;
        let Some((fixed, notes)) = corrected(conn, &groups, &counts(conn, &groups)?)? else {
            return Err(ApiError::field(
                "cursor",
                "this cursor belongs to another search",
            ));
        };
        let every: Vec<&Group> = fixed.iter().collect();
        let p = run(conn, s, Some(&all_of(&every)), Some(&cursor), base)?;
        return Ok(page(p, Some(spelt(notes)), "fx."));
    }
    for (prefix, columns, _) in NAME_TIERS {
        if let Some(rest) = cursor.and_then(|c| c.strip_prefix(prefix)) {
            let cursor = s.decode_cursor(rest)?;
            let every: Vec<&Group> = groups.iter().collect();
            let p = run(
                conn,
                s,
                Some(&in_columns(columns, &every)),
                Some(&cursor),
                base,
            )?;
            return Ok(page(p, None, prefix));
        }
    }
    if let Some(rest) = cursor.and_then(|c| c.strip_prefix("rx.")) {
        let cursor = relaxed_cursor(rest)?;
        let dropped = weakest(&counts(conn, &groups)?).unwrap_or_default();
        let p = run(
            conn,
            s,
            Some(&all_of(&kept(&groups, &dropped))),
            Some(&cursor),
            base,
        )?;
        return Ok(page(p, Some(relaxation(&groups, &dropped)), "rx."));
    }
    let cursor = cursor.map(|c| s.decode_cursor(c)).transpose()?;
    if groups.is_empty() {
        return Ok(page(run(conn, s, None, cursor.as_ref(), base)?, None, ""));
    }
    let every: Vec<&Group> = groups.iter().collect();
    // Products whose names have every word come alone when there are any.
    if cursor.is_none() {
        for (prefix, columns, one_word) in NAME_TIERS {
            if one_word && every.len() != 1 {
                continue;
            }
            let p = run(conn, s, Some(&in_columns(columns, &every)), None, base)?;
            if !p.items.is_empty() {
                return Ok(page(p, None, prefix));
            }
        }
    }
    let strict = run(conn, s, Some(&all_of(&every)), cursor.as_ref(), base)?;
    if !strict.items.is_empty() || cursor.is_some() {
        return Ok(page(strict, None, ""));
    }
    // Nothing with every word (first page): with misspelt words read as
    // the titles', then without the weakest words, then any word.
    let counts = counts(conn, &groups)?;
    if let Some((fixed, notes)) = corrected(conn, &groups, &counts)? {
        let every: Vec<&Group> = fixed.iter().collect();
        let p = run(conn, s, Some(&all_of(&every)), None, base)?;
        if !p.items.is_empty() {
            return Ok(page(p, Some(spelt(notes)), "fx."));
        }
    }
    if let Some(dropped) = weakest(&counts) {
        let p = run(conn, s, Some(&all_of(&kept(&groups, &dropped))), None, base)?;
        if !p.items.is_empty() {
            return Ok(page(p, Some(relaxation(&groups, &dropped)), "rx."));
        }
    }
    let words: usize = groups.iter().map(|g| g.words.len()).sum();
    if words < 2 {
        return Ok(page(strict, None, ""));
    }
    let p = run(conn, s, Some(&any_word(&groups)), None, base)?;
    let relaxed = (!p.items.is_empty()).then(|| SearchRelaxation {
        dropped: Vec::new(),
        any_word: true,
        corrected: Vec::new(),
    });
    Ok(page(p, relaxed, "or."))
}

fn run(
    conn: &Connection,
    s: &Search,
    fts: Option<&str>,
    cursor: Option<&Cursor>,
    base: &str,
) -> ApiResult<Page<Product>> {
    let mut sql = String::with_capacity(512);
    let mut args: Vec<Value> = Vec::new();
    let relevance = fts.is_some() && s.sort == SortOrder::Relevance;
    if let Some(fts) = fts {
        // CROSS JOIN keeps the full-text index as the outer loop: without it the
        // planner may walk the price index and probe the FTS table per row.
        sql.push_str(
            "SELECT p.seq, p.price_minor, bm25(products_fts, 10.0, 3.0, 1.0) AS score FROM products_fts \
             CROSS JOIN products p ON p.seq = products_fts.rowid WHERE products_fts MATCH ?",
        );
        args.push(Value::Text(fts.to_owned()));
    } else {
        sql.push_str("SELECT p.seq, p.price_minor, 0.0 AS score FROM products p WHERE 1");
    }
    if !s.include_unpublished {
        // For "newest first" over the whole catalog, `+` keeps the planner
        // off the (published, price) index, which would otherwise win for
        // `published = 1` and then sort every product by date.
        let newest = fts.is_none()
            && s.category.is_none()
            && matches!(s.sort, SortOrder::Relevance | SortOrder::Newest);
        sql.push_str(if newest {
            " AND +p.published = 1"
        } else {
            " AND p.published = 1"
        });
    }
    if let Some(category) = &s.category {
        sql.push_str(" AND p.category = ?");
        args.push(Value::Text(category.clone()));
    }
    if let Some(currency) = &s.price_currency {
        sql.push_str(" AND p.currency = ?");
        args.push(Value::Text(currency.clone()));
    }
    if let Some(min) = s.price_min {
        sql.push_str(" AND p.price_minor >= ?");
        args.push(Value::Integer(min));
    }
    if let Some(max) = s.price_max {
        sql.push_str(" AND p.price_minor <= ?");
        args.push(Value::Integer(max));
    }
    if s.in_stock {
        sql.push_str(" AND p.stock > 0");
    }
    let mut offset = 0;
    if relevance {
        // Rank the newest RELEVANCE_WINDOW matches that pass the filters, not
        // every match: bm25 costs a lookup per document, and a word found in
        // 10 000 products would otherwise cost tens of milliseconds.
        sql = format!(
            "SELECT seq, price_minor, score FROM ({sql} ORDER BY products_fts.rowid DESC LIMIT {RELEVANCE_WINDOW})"
        );
    }
    let order = match (relevance, s.sort) {
        (true, _) => {
            offset = cursor.and_then(|c| c.o).unwrap_or(0).max(0);
            " ORDER BY score, seq"
        }
        (false, SortOrder::PriceAsc) => {
            if let Some((p, seq)) = cursor.and_then(|c| c.p.zip(c.s)) {
                sql.push_str(" AND (p.price_minor, p.seq) > (?, ?)");
                args.extend([Value::Integer(p), Value::Integer(seq)]);
            }
            " ORDER BY p.price_minor, p.seq"
        }
        (false, SortOrder::PriceDesc) => {
            if let Some((p, seq)) = cursor.and_then(|c| c.p.zip(c.s)) {
                sql.push_str(" AND (p.price_minor, -p.seq) < (?, ?)");
                args.extend([Value::Integer(p), Value::Integer(-seq)]);
            }
            " ORDER BY p.price_minor DESC, p.seq"
        }
        // Newest, and relevance without text.
        (false, _) => {
            if let Some(seq) = cursor.and_then(|c| c.s) {
                sql.push_str(" AND p.seq < ?");
                args.push(Value::Integer(seq));
            }
            " ORDER BY p.seq DESC"
        }
    };
    sql.push_str(order);
    sql.push_str(" LIMIT ? OFFSET ?");
    args.push(Value::Integer(i64::from(s.limit) + 1));
    args.push(Value::Integer(offset));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    // Phase one ranks and pages with narrow rows (seq, price); phase two reads
    // whole products for the page only.
    let mut seqs = Vec::with_capacity(s.limit as usize + 1);
    let mut prices = Vec::with_capacity(s.limit as usize + 1);
    while let Some(row) = rows.next().map_err(map_fts_error)? {
        seqs.push(row.get::<_, i64>(0)?);
        prices.push(row.get::<_, i64>(1)?);
    }
    let more = seqs.len() > s.limit as usize;
    seqs.truncate(s.limit as usize);
    let items = seqs
        .iter()
        .map(|seq| by_seq(conn, *seq, base))
        .collect::<ApiResult<Vec<_>>>()?;
    let next_cursor = more.then(|| {
        let last = items.len() - 1;
        if relevance {
            s.encode_cursor(Some(offset + items.len() as i64), None, None)
        } else {
            s.encode_cursor(None, Some(prices[last]), Some(seqs[last]))
        }
    });
    Ok(Page { items, next_cursor })
}

fn map_fts_error(e: rusqlite::Error) -> ApiError {
    // Quoted terms cannot be FTS syntax errors; anything here is ours.
    ApiError::Internal(format!("search: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_quoted_prefixes_with_plurals_stripped() {
        let terms = fts_terms("Blue MUGS with Nymphéas")
            .expect("valid")
            .expect("terms");
        assert_eq!(
            terms,
            vec![
                "\"blue\"",
                "(\"mugs\" OR \"mug\")",
                "(\"nymphéas\" OR \"nymphéa\" OR \"nympheo\" OR \"nymphéa\"*)"
            ]
        );
    }

    #[test]
    fn words_match_their_other_forms() {
        let has = |word: &str, form: &str| forms(word).iter().any(|f| f == form);
        assert!(has("egipcias", "egypt"), "a subject in any language");
        assert!(has("Égyptienne", "egipcio"));
        assert!(has("aretes", "pendientes"), "a regional word");
        assert!(has("flores", "flor"));
        assert!(has("doradas", "dorado"), "the other gender");
        assert!(has("gatita", "gato"), "a diminutive's base");
        assert!(has("bleue", "bleu"));
        assert!(forms("mug").is_empty(), "short words stay as they are");
    }

    #[test]
    fn hostile_text_cannot_reach_fts_syntax() {
        let terms = fts_terms("\" OR * NEAR( ); DROP TABLE products --")
            .expect("valid")
            .expect("terms");
        for term in &terms {
            // Only quoted words, OR and parentheses: no user text as syntax.
            let stripped = term.replace(" OR ", " ").replace(['(', ')', '*'], "");
            for word in stripped.split(' ') {
                let inner = word.trim_matches('"');
                assert!(inner.chars().all(char::is_alphanumeric), "{term}");
                assert_eq!(word.len(), inner.len() + 2, "{term}");
            }
        }
        assert!(fts_terms("!!! ???").expect("valid").is_none());
        assert!(
            fts_terms("the of la").expect("valid").is_none(),
            "stop words alone browse"
        );
        assert!(fts_terms(&"a".repeat(201)).is_err());
    }
}
