//! The commerce types that travel between the Museo API and the MCP servers.
//!
//! These are the wire shapes of `docs/museo-api.md`: the sandbox serialises
//! them and [`crate::museo::MuseoClient`] deserialises them, so the contract
//! lives in one place.

mod money;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use money::{Currency, Money, MoneyError, parse_minor};

/// The languages the platform writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, the fallback.
    #[default]
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
}

impl Lang {
    /// All languages, in fallback order.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Es, Lang::Fr];

    /// The language of a BCP-47 tag (`fr-CA` → `Fr`); `None` for other languages.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
        }
    }
}

/// A text in each language. On input a missing language may be empty; the
/// API fills it from another language so readers always get some text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Localized {
    /// English.
    #[serde(default)]
    pub en: String,
    /// Spanish.
    #[serde(default)]
    pub es: String,
    /// French.
    #[serde(default)]
    pub fr: String,
}

impl Localized {
    /// The text in `lang`, falling back to any non-empty language.
    pub fn get(&self, lang: Lang) -> &str {
        let own = match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
            Lang::Fr => &self.fr,
        };
        if !own.is_empty() {
            return own;
        }
        [&self.en, &self.es, &self.fr]
            .into_iter()
            .find(|t| !t.is_empty())
            .map_or("", |t| t)
    }

    /// True when every language is empty.
    pub fn is_empty(&self) -> bool {
        self.en.trim().is_empty() && self.es.trim().is_empty() && self.fr.trim().is_empty()
    }

    /// Fills empty languages from the first non-empty one (en, es, fr order).
    pub fn filled(mut self) -> Self {
        let first = Lang::ALL
            .iter()
            .map(|l| self.get(*l).trim().to_owned())
            .next();
        if let Some(first) = first {
            for text in [&mut self.en, &mut self.es, &mut self.fr] {
                if text.trim().is_empty() {
                    text.clone_from(&first);
                }
            }
        }
        self
    }
}

/// A product category with its name in each language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Category {
    /// Stable slug (`mugs`, `prints`).
    pub slug: String,
    /// Display name per language.
    pub name: Localized,
    /// Number of published products in it.
    pub product_count: i64,
}

/// A page of the shop's help centre (shipping, returns, payment, FAQ…),
/// written in every language the shop supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct HelpPage {
    /// Stable slug (`shipping`, `returns`, `faq`…), the key of
    /// `GET /v1/help/{slug}`.
    pub slug: String,
    /// Page title per language.
    pub title: Localized,
    /// Page text per language: plain text, paragraphs separated by a blank
    /// line, list items starting with `- `.
    pub body: Localized,
}

/// A purchasable variant of a product (a size, a colour).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Variant {
    /// The variant's own SKU.
    pub sku: String,
    /// Its label per language (`Size S`).
    pub title: Localized,
    /// Its price when it differs from the product's.
    pub price: Option<Money>,
    /// Units in stock.
    pub stock: i64,
    /// Its distinguishing attributes (`size: S`).
    pub attributes: BTreeMap<String, String>,
}

/// A catalog product as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Product {
    /// Platform id (`prd_…`), stable.
    pub id: String,
    /// Merchant SKU, unique.
    pub sku: String,
    /// URL slug, unique.
    pub handle: String,
    /// Title per language.
    pub title: Localized,
    /// Description per language.
    pub description: Localized,
    /// Unit price.
    pub price: Money,
    /// Units in stock (the sum of the variants' when it has variants).
    pub stock: i64,
    /// `stock > 0`.
    pub in_stock: bool,
    /// Category slug.
    pub category: String,
    /// Free tags (artist, movement, theme).
    pub tags: Vec<String>,
    /// Facts about the product: material, colour, dimensions, capacity…
    pub attributes: BTreeMap<String, String>,
    /// Image URLs.
    pub images: Vec<String>,
    /// Variants, possibly none.
    pub variants: Vec<Variant>,
    /// Visible to shoppers.
    pub published: bool,
    /// Public product page.
    pub url: String,
    /// Creation time.
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub created_at: jiff::Timestamp,
    /// Last change.
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub updated_at: jiff::Timestamp,
}

/// One page of a list, with the opaque cursor of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A page of `GET /v1/products` with how its text was matched
/// ([`crate::museo::MuseoClient::search_products_matched`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ProductSearchPage {
    /// The products of this page.
    pub items: Vec<Product>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Present when no product matched every word of the search and the
    /// match was relaxed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relaxed: Option<SearchRelaxation>,
}

/// How a search that no product matched in full was relaxed: first with its
/// misspelt words read as the titles' nearest words (`corrected`), then
/// without its weakest words (`dropped`), then, if that still found
/// nothing, with any one word enough (`any_word`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SearchRelaxation {
    /// The words left out (as the API read them: lowercase), when leaving
    /// them out found products; empty when any word was accepted instead.
    #[serde(default)]
    pub dropped: Vec<String>,
    /// True when products matching any one word were accepted.
    #[serde(default)]
    pub any_word: bool,
    /// Misspelt words read as a word of the catalog's titles ("umbrela" as
    /// "umbrella"), written `typed→read`, when that found products.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrected: Vec<String>,
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best text match first (newest first without a text query).
    #[default]
    Relevance,
    /// Cheapest first.
    PriceAsc,
    /// Dearest first.
    PriceDesc,
    /// Most recently created first.
    Newest,
}

/// Parameters of `GET /v1/products`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductQuery {
    /// Free text in any of the three languages; accents and case are ignored.
    pub q: Option<String>,
    /// Category slug.
    pub category: Option<String>,
    /// Lowest price, inclusive, as a decimal string.
    pub price_min: Option<String>,
    /// Highest price, inclusive, as a decimal string.
    pub price_max: Option<String>,
    /// Currency of `price_min`/`price_max` (default EUR, the shop's currency);
    /// with a bound, only products priced in this currency match.
    pub currency: Option<String>,
    /// Only products with stock.
    pub in_stock: Option<bool>,
    /// Ordering.
    pub sort: Option<SortOrder>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<u32>,
    /// Cursor from a previous page.
    pub cursor: Option<String>,
    /// Include unpublished products (admin tokens only).
    pub include_unpublished: Option<bool>,
}

/// A basket line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BasketLine {
    /// The product's id.
    pub product_id: String,
    /// The product's SKU.
    pub sku: String,
    /// The product's title per language.
    pub title: Localized,
    /// Units in the basket.
    pub quantity: i64,
    /// Current unit price.
    pub unit_price: Money,
    /// `quantity × unit_price`.
    pub line_total: Money,
    /// Units in stock right now (a line may exceed it if stock fell since it was added).
    pub available: i64,
    /// False when the product was withdrawn after it was added: such a line
    /// cannot be paid and should be removed.
    pub published: bool,
}

/// A shopping basket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Basket {
    /// Basket id (`bsk_…`), unguessable: it is the only key to the basket.
    pub id: String,
    /// Currency of every line.
    pub currency: String,
    /// The lines, in the order they were added.
    pub items: Vec<BasketLine>,
    /// Number of units over all lines.
    pub item_count: i64,
    /// Sum of the line totals.
    pub total: Money,
    /// `open`, or `ordered` once paid (then it can no longer change).
    pub status: String,
    /// Creation time.
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub created_at: jiff::Timestamp,
    /// Last change.
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub updated_at: jiff::Timestamp,
}

/// A signed, expiring link to the checkout page of a basket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PaymentLink {
    /// The basket paid by this link.
    pub basket_id: String,
    /// The order the link pays.
    pub order_id: String,
    /// The checkout page.
    pub url: String,
    /// When the link stops working.
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub expires_at: jiff::Timestamp,
    /// Amount to pay.
    pub total: Money,
}

/// An order, created with a payment link and paid on the checkout page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Order {
    /// Order id (`ord_…`).
    pub id: String,
    /// The basket it was made from.
    pub basket_id: String,
    /// `pending`, `paid` or `expired`.
    pub status: String,
    /// Amount.
    pub total: Money,
    /// Creation time.
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub created_at: jiff::Timestamp,
    /// Payment time.
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub paid_at: Option<jiff::Timestamp>,
}

/// Fields of a product to create, or to set in a bulk upsert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// Unique SKU (`[A-Za-z0-9._-]`, ≤ 64 chars). Generated from the title when absent.
    pub sku: Option<String>,
    /// URL slug; generated from the English title when absent.
    pub handle: Option<String>,
    /// Title in at least one language.
    pub title: Localized,
    /// Description, optional.
    #[serde(default)]
    pub description: Localized,
    /// Price, greater than zero.
    pub price: Money,
    /// Units in stock, ≥ 0 (default 0).
    pub stock: Option<i64>,
    /// Category slug (default `uncategorised`).
    pub category: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Attributes.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Image URLs.
    #[serde(default)]
    pub images: Vec<String>,
    /// Variants.
    #[serde(default)]
    pub variants: Vec<VariantInput>,
    /// Visible to shoppers (default false: new products are drafts).
    pub published: Option<bool>,
}

/// A variant to create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VariantInput {
    /// The variant's SKU.
    pub sku: String,
    /// Its label.
    #[serde(default)]
    pub title: Localized,
    /// Its own price, when different.
    pub price: Option<Money>,
    /// Units in stock.
    #[serde(default)]
    pub stock: i64,
    /// Its attributes.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// A partial update: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    /// New SKU.
    pub sku: Option<String>,
    /// New handle.
    pub handle: Option<String>,
    /// Languages present replace those languages only.
    pub title: Option<Localized>,
    /// Languages present replace those languages only.
    pub description: Option<Localized>,
    /// New price (> 0).
    pub price: Option<Money>,
    /// New stock (≥ 0).
    pub stock: Option<i64>,
    /// New category.
    pub category: Option<String>,
    /// Replaces the tags.
    pub tags: Option<Vec<String>>,
    /// Keys present are set; a key with an empty value is removed.
    pub attributes: Option<BTreeMap<String, String>>,
    /// Replaces the images.
    pub images: Option<Vec<String>>,
    /// Replaces the variants (the stock becomes their sum).
    pub variants: Option<Vec<VariantInput>>,
    /// Publish or unpublish.
    pub published: Option<bool>,
}

/// How a bulk request treats SKUs that already exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkMode {
    /// Existing SKUs are updated, new ones created.
    #[default]
    Upsert,
    /// Existing SKUs are an error for that item.
    Create,
}

/// `POST /v1/admin/products/bulk`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// Upsert (default) or create.
    #[serde(default)]
    pub mode: BulkMode,
    /// Validate and report without writing.
    #[serde(default)]
    pub dry_run: bool,
    /// Items, at most 1000.
    pub items: Vec<ProductInput>,
}

/// What happened to one bulk item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkOutcome {
    /// A new product (or, in a dry run, would be).
    Created,
    /// An existing product changed (or would).
    Updated,
    /// An existing product already had these values.
    Unchanged,
    /// Refused; see `error`.
    Failed,
}

/// One item's result in a bulk response, in request order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BulkItemResult {
    /// Position in the request, from 0.
    pub index: usize,
    /// The item's SKU, when it had one.
    pub sku: Option<String>,
    /// What happened.
    pub outcome: BulkOutcome,
    /// The product id, for created/updated/unchanged.
    pub id: Option<String>,
    /// Why it failed.
    pub error: Option<ApiErrorBody>,
}

/// `POST /v1/admin/products/bulk` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BulkResponse {
    /// True when nothing was written.
    pub dry_run: bool,
    /// Items created.
    pub created: usize,
    /// Items updated.
    pub updated: usize,
    /// Items already up to date.
    pub unchanged: usize,
    /// Items refused.
    pub failed: usize,
    /// One entry per item, in request order.
    pub results: Vec<BulkItemResult>,
}

/// The JSON body of every API error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ApiErrorBody {
    /// Stable machine code (`not_found`, `out_of_stock`, `invalid_field`…).
    pub code: String,
    /// What went wrong and what to do, for a person.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The request's correlation id (also in `X-Request-Id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localized_falls_back_and_fills() {
        let text = Localized {
            en: String::new(),
            es: "Taza".into(),
            fr: String::new(),
        };
        assert_eq!(text.get(Lang::Fr), "Taza");
        let filled = text.filled();
        assert_eq!(filled.en, "Taza");
        assert_eq!(filled.fr, "Taza");
        assert!(Localized::default().is_empty());
    }

    #[test]
    fn lang_from_bcp47() {
        assert_eq!(Lang::from_tag("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("es_MX"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("de"), None);
    }
}
