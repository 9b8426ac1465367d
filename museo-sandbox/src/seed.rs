//! Seed data for the sandbox: a hand-written museum-shop catalog in English, Spanish and French.
//!
//! `seed/categories.json` and `seed/catalog.json` are compiled into the binary with
//! `include_str!`, so a fresh sandbox always starts from the same realistic catalog: products
//! inspired by public-domain art (Monet, Hokusai, Klimt, Vermeer, Goya, Egyptian and Greek
//! antiquities…), with localized titles and descriptions, prices in EUR minor units, stock
//! levels that include out-of-stock and low-stock items, and sized variants for apparel,
//! scarves, prints and umbrellas. Descriptions repeat the facts held in `attributes`
//! (material, capacity, dimensions, pages…) because shopper questions are answered from them.
//!
//! The real seed has under two hundred products, which is too small to say anything about
//! search or pagination performance. [`generate`] therefore extends it deterministically to any
//! size: the first `catalog().len()` items are the seed itself and the rest are variations of it
//! (new SKU and handle with a numeric suffix, colour/edition/collection qualifiers in all three
//! languages, jittered prices and stock). Template and qualifier choices are skewed, so term
//! frequencies in a 100k-product catalog are uneven, as in a real shop. No randomness crate is
//! involved: every choice is a pure function of the item's index.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// A text in the three languages the shop supports.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub en: String,
    pub es: String,
    pub fr: String,
}

impl Localized {
    /// Builds each language's text from the same closure (`0` = en, `1` = es, `2` = fr).
    fn map(&self, f: impl Fn(usize, &str) -> String) -> Localized {
        Localized {
            en: f(0, &self.en),
            es: f(1, &self.es),
            fr: f(2, &self.fr),
        }
    }
}

/// A product category (`slug` is what products refer to).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeedCategory {
    pub slug: String,
    pub name: Localized,
}

/// A purchasable variant (size, format or colour) of a product.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeedVariant {
    pub sku: String,
    pub title: Localized,
    /// `None` means "same price as the product".
    pub price_minor: Option<i64>,
    pub stock: i64,
    pub attributes: BTreeMap<String, String>,
}

/// A catalog product. When `variants` is non-empty, `stock` is the sum of the variants' stock.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProduct {
    pub sku: String,
    pub handle: String,
    pub category: String,
    pub title: Localized,
    pub description: Localized,
    /// Price in minor units of `currency` (cents).
    pub price_minor: i64,
    pub currency: String,
    pub stock: i64,
    pub tags: Vec<String>,
    pub attributes: BTreeMap<String, String>,
    pub images: Vec<String>,
    #[serde(default)]
    pub variants: Vec<SeedVariant>,
}

static CATEGORIES: LazyLock<Vec<SeedCategory>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../seed/categories.json"))
        .expect("seed/categories.json is compiled in and checked by the seed tests")
});

static CATALOG: LazyLock<Vec<SeedProduct>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../seed/catalog.json"))
        .expect("seed/catalog.json is compiled in and checked by the seed tests")
});

/// The seed categories.
pub fn categories() -> Vec<SeedCategory> {
    CATEGORIES.clone()
}

/// The real, hand-written seed catalog.
pub fn catalog() -> Vec<SeedProduct> {
    CATALOG.clone()
}

/// Deterministic generator for large benchmark catalogs.
///
/// Yields `n` products. The first `catalog().len()` items are the real seed (fewer if `n` is
/// smaller); every later item `i` is a variation of a seed product: SKU and handle get the suffix
/// `-{i}` (seed SKUs and handles never end in a number that large, so they stay unique), titles
/// get a colour, edition or artist-collection qualifier in each language, the description a
/// matching sentence, the price a ±15–25 % jitter and the stock a new value (about 6 % are out of
/// stock). Template and qualifier choices are skewed rather than uniform, so that term
/// frequencies differ as in a real catalog. The same `i` always yields the same product.
pub fn generate(n: usize) -> impl Iterator<Item = SeedProduct> {
    let base: &'static [SeedProduct] = &CATALOG;
    (0..n).map(move |i| match base.get(i) {
        Some(product) => product.clone(),
        None => variation(base, i),
    })
}

/// SplitMix64: a tiny, well-mixed hash of the index, good enough for benchmark data.
fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Deterministic stream of pseudo-random numbers for one generated item.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = splitmix64(self.0);
        self.0
    }

    /// Uniform in `0..len` (`len` > 0; the modulo bias is irrelevant here).
    fn below(&mut self, len: usize) -> usize {
        (self.next() % len as u64) as usize
    }

    /// Skewed towards small indices: the minimum of two uniform draws.
    fn skewed(&mut self, len: usize) -> usize {
        self.below(len).min(self.below(len))
    }
}

/// A colour qualifier: English word (also the `colour` attribute), Spanish and French forms
/// agreeing with the feminine "edición"/"édition", and the forms used after "en".
struct Colour {
    en: &'static str,
    es_fem: &'static str,
    es: &'static str,
    fr_fem: &'static str,
    fr: &'static str,
}

const fn colour(
    en: &'static str,
    es_fem: &'static str,
    es: &'static str,
    fr_fem: &'static str,
    fr: &'static str,
) -> Colour {
    Colour {
        en,
        es_fem,
        es,
        fr_fem,
        fr,
    }
}

const COLOURS: &[Colour] = &[
    colour("blue", "azul", "azul", "bleue", "bleu"),
    colour("gold", "dorada", "dorado", "dorée", "doré"),
    colour("black", "negra", "negro", "noire", "noir"),
    colour("white", "blanca", "blanco", "blanche", "blanc"),
    colour("red", "roja", "rojo", "rouge", "rouge"),
    colour("green", "verde", "verde", "verte", "vert"),
    colour("yellow", "amarilla", "amarillo", "jaune", "jaune"),
    colour(
        "turquoise",
        "turquesa",
        "turquesa",
        "turquoise",
        "turquoise",
    ),
    colour("pink", "rosa", "rosa", "rose", "rose"),
    colour("silver", "plateada", "plateado", "argentée", "argenté"),
    colour("purple", "morada", "morado", "violette", "violet"),
    colour("orange", "naranja", "naranja", "orange", "orange"),
];

/// An edition qualifier: `[en, es, fr]` name and a sentence appended to the description.
struct Edition {
    name: [&'static str; 3],
    sentence: [&'static str; 3],
    tag: &'static str,
}

const EDITIONS: &[Edition] = &[
    Edition {
        name: ["Museum edition", "edición museo", "édition musée"],
        sentence: [
            "This museum edition is sold exclusively in our shops.",
            "Esta edición museo se vende exclusivamente en nuestras tiendas.",
            "Cette édition musée est vendue exclusivement dans nos boutiques.",
        ],
        tag: "museum edition",
    },
    Edition {
        name: ["Limited edition", "edición limitada", "édition limitée"],
        sentence: [
            "Limited edition, each piece individually numbered.",
            "Edición limitada, cada pieza numerada individualmente.",
            "Édition limitée, chaque pièce numérotée individuellement.",
        ],
        tag: "limited edition",
    },
    Edition {
        name: ["Gift edition", "edición regalo", "édition cadeau"],
        sentence: [
            "The gift edition comes in a rigid box with a greeting card.",
            "La edición regalo se presenta en una caja rígida con tarjeta de felicitación.",
            "L'édition cadeau est présentée dans une boîte rigide avec une carte de vœux.",
        ],
        tag: "gift",
    },
    Edition {
        name: [
            "Anniversary edition",
            "edición aniversario",
            "édition anniversaire",
        ],
        sentence: [
            "Made for the museum's anniversary, with a commemorative label.",
            "Creada para el aniversario del museo, con una etiqueta conmemorativa.",
            "Créée pour l'anniversaire du musée, avec une étiquette commémorative.",
        ],
        tag: "anniversary",
    },
    Edition {
        name: [
            "Collector's edition",
            "edición de coleccionista",
            "édition collector",
        ],
        sentence: [
            "A collector's edition with a certificate of authenticity.",
            "Una edición de coleccionista con certificado de autenticidad.",
            "Une édition collector accompagnée d'un certificat d'authenticité.",
        ],
        tag: "collector",
    },
    Edition {
        name: [
            "Summer collection",
            "colección de verano",
            "collection d'été",
        ],
        sentence: [
            "Part of our summer collection, in lighter seasonal tones.",
            "Forma parte de nuestra colección de verano, en tonos de temporada más claros.",
            "Issu de notre collection d'été, dans des tons de saison plus clairs.",
        ],
        tag: "summer",
    },
    Edition {
        name: [
            "Winter collection",
            "colección de invierno",
            "collection d'hiver",
        ],
        sentence: [
            "Part of our winter collection, in deeper seasonal tones.",
            "Forma parte de nuestra colección de invierno, en tonos de temporada más intensos.",
            "Issu de notre collection d'hiver, dans des tons de saison plus profonds.",
        ],
        tag: "winter",
    },
];

/// Price jitter factors in percent, skewed towards small changes.
const PRICE_PERCENT: &[i64] = &[100, 95, 105, 90, 110, 85, 115, 120, 125];

/// Rounds a price to a shop-like value: whole tens of cents below 10 €, then prices ending in
/// ,90 (or 9,90 from 100 € up).
fn shop_price(minor: i64) -> i64 {
    match minor {
        ..1_000 => ((minor + 5) / 10).max(1) * 10,
        1_000..10_000 => (minor + 50) / 100 * 100 - 10,
        _ => (minor + 500) / 1_000 * 1_000 - 10,
    }
}

fn variation(base: &[SeedProduct], i: usize) -> SeedProduct {
    let mut rng = Rng(splitmix64(i as u64 ^ 0x6D75_7365_6F00_0000));
    // Skewed template choice; the stride spreads the popular templates over all categories
    // instead of favouring the first ones in the file.
    let template = &base[(rng.skewed(base.len()) * 37 + 11) % base.len()];

    let colour = &COLOURS[rng.skewed(COLOURS.len())];
    let edition = &EDITIONS[rng.skewed(EDITIONS.len())];
    let artist = template.attributes.get("artist").map(String::as_str);
    let pattern = rng.below(10);

    let mut tags = template.tags.clone();
    let mut attributes = template.attributes.clone();
    let (title, sentence): ([String; 3], [String; 3]) = match (pattern, artist) {
        // Colour edition: "Water Lilies mug – Blue edition".
        (0..=3, _) => {
            attributes.insert("colour".to_owned(), colour.en.to_owned());
            tags.push(colour.en.to_owned());
            (
                [
                    format!("{} edition", capitalize(colour.en)),
                    format!("edición {}", colour.es_fem),
                    format!("édition {}", colour.fr_fem),
                ],
                [
                    format!("This version comes in {}.", colour.en),
                    format!("Esta versión se presenta en {}.", colour.es),
                    format!("Cette version est proposée en {}.", colour.fr),
                ],
            )
        }
        // Edition: "Water Lilies mug – Limited edition".
        (4..=6, _) | (_, None) => {
            tags.push(edition.tag.to_owned());
            (
                edition.name.map(str::to_owned),
                edition.sentence.map(str::to_owned),
            )
        }
        // Edition and colour: "Water Lilies mug – Gift edition in gold".
        (7..=8, _) => {
            attributes.insert("colour".to_owned(), colour.en.to_owned());
            tags.push(edition.tag.to_owned());
            tags.push(colour.en.to_owned());
            (
                [
                    format!("{} in {}", edition.name[0], colour.en),
                    format!("{} en {}", edition.name[1], colour.es),
                    format!("{} en {}", edition.name[2], colour.fr),
                ],
                edition.sentence.map(str::to_owned),
            )
        }
        // Artist collection: "Water Lilies mug – Monet collection".
        (_, Some(artist)) => {
            let short = short_artist_name(artist);
            tags.push(short.to_lowercase());
            (
                [
                    format!("{short} collection"),
                    format!("colección {short}"),
                    format!("collection {short}"),
                ],
                [
                    format!("Part of our {artist} collection."),
                    format!("Forma parte de nuestra colección {artist}."),
                    format!("Fait partie de notre collection {artist}."),
                ],
            )
        }
    };

    let percent = PRICE_PERCENT[rng.skewed(PRICE_PERCENT.len())];
    let jitter = |minor: i64| shop_price(minor * percent / 100);

    let variants: Vec<SeedVariant> = template
        .variants
        .iter()
        .map(|v| SeedVariant {
            sku: format!("{}-{i}", v.sku),
            title: v.title.clone(),
            price_minor: v.price_minor.map(jitter),
            stock: random_stock(&mut rng),
            attributes: v.attributes.clone(),
        })
        .collect();
    let stock = if variants.is_empty() {
        random_stock(&mut rng)
    } else {
        variants.iter().map(|v| v.stock).sum()
    };

    let handle = format!("{}-{i}", template.handle);
    let images = template
        .images
        .iter()
        .map(|url| url.replacen(&template.handle, &handle, 1))
        .collect();

    SeedProduct {
        sku: format!("{}-{i}", template.sku),
        handle,
        category: template.category.clone(),
        title: template.title.map(|l, t| format!("{t} – {}", title[l])),
        description: template
            .description
            .map(|l, d| format!("{d} {}", sentence[l])),
        price_minor: jitter(template.price_minor),
        currency: template.currency.clone(),
        stock,
        tags,
        attributes,
        images,
        variants,
    }
}

/// Stock level: about 6 % out of stock, 10 % low (1–3), the rest 4–120 skewed low.
fn random_stock(rng: &mut Rng) -> i64 {
    match rng.below(100) {
        0..=5 => 0,
        6..=15 => 1 + rng.below(3) as i64,
        _ => 4 + rng.skewed(117) as i64,
    }
}

/// "Vincent van Gogh" → "Van Gogh", "Pieter Bruegel the Elder" → "Bruegel",
/// "Rembrandt van Rijn" → "Rembrandt", "J. M. W. Turner" → "Turner".
fn short_artist_name(artist: &str) -> String {
    let name = artist.strip_suffix(" the Elder").unwrap_or(artist);
    if name.starts_with("Rembrandt") {
        return "Rembrandt".to_owned();
    }
    match name.find(" van ") {
        Some(pos) => capitalize(&name[pos + 1..]),
        None => name.rsplit(' ').next().unwrap_or(name).to_owned(),
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    const ALLOWED_ATTRIBUTES: &[&str] = &[
        "material",
        "colour",
        "dimensions",
        "capacity",
        "weight",
        "artist",
        "period",
        "origin",
        "care",
        "dishwasher_safe",
        "pages",
        "language",
        "isbn",
        "size",
    ];

    fn is_sku(s: &str) -> bool {
        !s.is_empty()
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    }

    fn is_handle(s: &str) -> bool {
        !s.is_empty()
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    fn assert_localized(what: &str, l: &Localized) {
        for (lang, text) in [("en", &l.en), ("es", &l.es), ("fr", &l.fr)] {
            assert!(!text.trim().is_empty(), "{what}: empty {lang} text");
            assert_eq!(text.trim(), text, "{what}: untrimmed {lang} text");
        }
    }

    fn isbn13_valid(isbn: &str) -> bool {
        let digits: Vec<u32> = isbn.chars().filter_map(|c| c.to_digit(10)).collect();
        isbn.starts_with("978-")
            && digits.len() == 13
            && digits
                .iter()
                .enumerate()
                .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
                .sum::<u32>()
                % 10
                == 0
    }

    /// Invariants every product (seed or generated) must satisfy.
    fn assert_product(p: &SeedProduct, slugs: &HashSet<String>) {
        let sku = &p.sku;
        assert!(is_sku(sku), "bad SKU {sku:?}");
        assert!(is_handle(&p.handle), "{sku}: bad handle {:?}", p.handle);
        assert!(
            slugs.contains(&p.category),
            "{sku}: unknown category {:?}",
            p.category
        );
        assert_localized(&format!("{sku} title"), &p.title);
        assert_localized(&format!("{sku} description"), &p.description);
        assert_eq!(p.currency, "EUR", "{sku}: currency");
        assert!(
            (50..=50_000).contains(&p.price_minor),
            "{sku}: implausible price {}",
            p.price_minor
        );
        assert!(p.stock >= 0, "{sku}: negative stock");
        assert!(!p.tags.is_empty(), "{sku}: no tags");
        for tag in &p.tags {
            assert!(
                !tag.trim().is_empty() && *tag == tag.to_lowercase(),
                "{sku}: tag {tag:?}"
            );
        }
        for (key, value) in &p.attributes {
            assert!(
                ALLOWED_ATTRIBUTES.contains(&key.as_str()),
                "{sku}: attribute {key:?}"
            );
            assert!(!value.trim().is_empty(), "{sku}: empty attribute {key:?}");
        }
        if let Some(isbn) = p.attributes.get("isbn") {
            assert!(isbn13_valid(isbn), "{sku}: bad ISBN {isbn}");
        }
        if let Some(dw) = p.attributes.get("dishwasher_safe") {
            assert!(dw == "yes" || dw == "no", "{sku}: dishwasher_safe {dw:?}");
        }
        assert!(!p.images.is_empty(), "{sku}: no images");
        for url in &p.images {
            assert!(
                url.starts_with("https://cdn.museo.example/products/") && url.contains(&p.handle),
                "{sku}: image {url}"
            );
        }
        if !p.variants.is_empty() {
            let sum: i64 = p.variants.iter().map(|v| v.stock).sum();
            assert_eq!(
                p.stock, sum,
                "{sku}: stock must be the sum of the variants' stock"
            );
        }
        for v in &p.variants {
            assert!(is_sku(&v.sku), "{sku}: bad variant SKU {:?}", v.sku);
            assert_localized(&format!("{} title", v.sku), &v.title);
            assert!(v.stock >= 0, "{}: negative stock", v.sku);
            assert!(v.price_minor.is_none_or(|p| p > 0), "{}: price", v.sku);
            assert!(
                !v.attributes.is_empty(),
                "{}: variant without attributes",
                v.sku
            );
            for key in v.attributes.keys() {
                assert!(
                    ALLOWED_ATTRIBUTES.contains(&key.as_str()),
                    "{}: attribute {key:?}",
                    v.sku
                );
            }
        }
    }

    fn slugs() -> HashSet<String> {
        categories().into_iter().map(|c| c.slug).collect()
    }

    #[test]
    fn categories_are_valid() {
        let cats = categories();
        assert!(cats.len() >= 12, "only {} categories", cats.len());
        let mut seen = HashSet::new();
        for c in &cats {
            assert!(is_handle(&c.slug), "bad slug {:?}", c.slug);
            assert!(seen.insert(c.slug.clone()), "duplicate slug {}", c.slug);
            assert_localized(&c.slug, &c.name);
        }
    }

    #[test]
    fn catalog_invariants() {
        let products = catalog();
        let slugs = slugs();
        assert!(products.len() >= 160, "only {} products", products.len());

        let mut skus = HashSet::new();
        let mut handles = HashSet::new();
        let mut per_category: HashMap<&str, usize> = HashMap::new();
        for p in &products {
            assert_product(p, &slugs);
            assert!(skus.insert(p.sku.clone()), "duplicate SKU {}", p.sku);
            for v in &p.variants {
                assert!(skus.insert(v.sku.clone()), "duplicate SKU {}", v.sku);
            }
            assert!(
                handles.insert(p.handle.clone()),
                "duplicate handle {}",
                p.handle
            );
            *per_category.entry(p.category.as_str()).or_default() += 1;
        }
        for slug in &slugs {
            let count = per_category.get(slug.as_str()).copied().unwrap_or(0);
            assert!(count >= 8, "category {slug} has only {count} products");
        }

        let out_of_stock = products.iter().filter(|p| p.stock == 0).count();
        assert!(
            out_of_stock >= 8,
            "only {out_of_stock} products out of stock"
        );
        let low = products
            .iter()
            .filter(|p| (1..=3).contains(&p.stock))
            .count();
        assert!(low >= 3, "only {low} products with low stock");
        let with_variants = products.iter().filter(|p| !p.variants.is_empty()).count();
        assert!(
            with_variants * 20 >= products.len() && with_variants * 5 <= products.len(),
            "{with_variants} products with variants: should be about 10 %"
        );
    }

    #[test]
    fn seed_skus_and_handles_leave_room_for_generated_suffixes() {
        // `generate` appends `-{i}` with i >= catalog().len(); a seed identifier ending in such a
        // number could collide with a generated one.
        let products = catalog();
        let ids = products.iter().flat_map(|p| {
            [p.sku.as_str(), p.handle.as_str()]
                .into_iter()
                .chain(p.variants.iter().map(|v| v.sku.as_str()))
        });
        for id in ids {
            let last = id.rsplit('-').next().unwrap_or(id);
            if let Ok(n) = last.parse::<usize>() {
                assert!(
                    n < products.len(),
                    "{id} ends in {n}, which generate() may produce"
                );
            }
        }
    }

    #[test]
    fn descriptions_state_the_facts_in_attributes() {
        for p in catalog() {
            for key in ["capacity", "pages", "weight"] {
                let Some(value) = p.attributes.get(key) else {
                    continue;
                };
                let number: String = value
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                let comma = number.replace('.', ",");
                for (lang, text) in [
                    ("en", &p.description.en),
                    ("es", &p.description.es),
                    ("fr", &p.description.fr),
                ] {
                    assert!(
                        text.contains(&number) || text.contains(&comma),
                        "{}: {lang} description does not mention {key} {value}",
                        p.sku
                    );
                }
            }
        }
    }

    #[test]
    fn json_round_trips() {
        let products = catalog();
        let json = serde_json::to_string(&products).expect("serialize catalog");
        let back: Vec<SeedProduct> = serde_json::from_str(&json).expect("parse catalog");
        assert_eq!(products, back);
    }

    #[test]
    fn generate_starts_with_the_seed_and_is_deterministic() {
        let seed = catalog();
        let n = seed.len() + 2_000;
        let a: Vec<SeedProduct> = generate(n).collect();
        let b: Vec<SeedProduct> = generate(n).collect();
        assert_eq!(a.len(), n);
        assert_eq!(a, b);
        assert_eq!(a[..seed.len()], seed[..]);
        assert_eq!(generate(5).collect::<Vec<_>>(), seed[..5].to_vec());
        assert_eq!(generate(0).count(), 0);

        let slugs = slugs();
        for p in &a[seed.len()..] {
            assert_product(p, &slugs);
        }
    }

    #[test]
    fn generate_200k_has_unique_skus_and_handles() {
        let n = 200_000;
        let mut skus: HashSet<String> = HashSet::with_capacity(n * 2);
        let mut handles: HashSet<String> = HashSet::with_capacity(n);
        let mut count = 0;
        for p in generate(n) {
            count += 1;
            for v in p.variants {
                assert!(skus.insert(v.sku), "duplicate variant SKU");
            }
            let sku = p.sku;
            assert!(skus.insert(sku.clone()), "duplicate SKU {sku}");
            assert!(handles.insert(p.handle), "duplicate handle for {sku}");
        }
        assert_eq!(count, n);
    }

    #[test]
    fn generated_term_frequencies_are_uneven() {
        let seed_len = catalog().len();
        let mut colours: HashMap<String, usize> = HashMap::new();
        let mut templates: HashMap<String, usize> = HashMap::new();
        let mut out_of_stock = 0;
        let mut prices = HashSet::new();
        for p in generate(seed_len + 20_000).skip(seed_len) {
            if let Some(c) = p.attributes.get("colour") {
                *colours.entry(c.clone()).or_default() += 1;
            }
            let base = p
                .handle
                .rsplit_once('-')
                .map(|(h, _)| h.to_owned())
                .unwrap_or_default();
            *templates.entry(base).or_default() += 1;
            out_of_stock += usize::from(p.stock == 0);
            prices.insert(p.price_minor);
        }
        let spread = |m: &HashMap<String, usize>| {
            let max = m.values().max().copied().unwrap_or(0);
            let min = m.values().min().copied().unwrap_or(0);
            (min, max)
        };
        let (min, max) = spread(&colours);
        assert!(
            colours.len() >= 10 && max >= 2 * min,
            "colours too uniform: {colours:?}"
        );
        let (min, max) = spread(&templates);
        assert!(
            templates.len() >= seed_len * 9 / 10,
            "templates: only {}",
            templates.len()
        );
        assert!(max >= 3 * min.max(1), "templates too uniform: {min}..{max}");
        assert!(
            out_of_stock > 200,
            "only {out_of_stock} generated products out of stock"
        );
        assert!(prices.len() > 100, "only {} distinct prices", prices.len());
    }
}
