//! What the tools return: their `outputSchema`s (derived with schemars) and
//! the conversions from API types, in the requested language.
//!
//! Money is `{ amount, currency }` with a decimal-string amount (never a
//! float) plus `display`, the amount as a reader in the requested language
//! writes it. Titles and descriptions come in that language, falling back to
//! another one when a product lacks a translation.

use std::collections::BTreeMap;

use museo_sdk::types::{Basket, BasketLine, Lang, Money, Order, PaymentLink, Product, Variant};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::text;

/// An amount of money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Price {
    /// Decimal string with the currency's number of decimals ("49.90").
    pub amount: String,
    /// ISO 4217 code ("EUR").
    pub currency: String,
    /// The amount written for a reader in the requested language ("€49.90", "49,90 €").
    pub display: String,
}

impl Price {
    /// `money` shown in `lang`.
    pub fn new(money: &Money, lang: Lang) -> Self {
        Self {
            amount: money.amount.clone(),
            currency: money.currency.clone(),
            display: text::money(money, lang),
        }
    }
}

/// A product in a list of results.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProductCard {
    /// Product id; pass it to get_product, add_to_basket or answer_product_question.
    pub id: String,
    /// Merchant SKU (also accepted wherever an id is).
    pub sku: String,
    /// Title in the requested language.
    pub title: String,
    /// Unit price.
    pub price: Price,
    /// Whether it can be bought now.
    pub in_stock: bool,
    /// Units in stock.
    pub stock: i64,
    /// Category slug.
    pub category: String,
    /// Main image URL, when there is one.
    pub image: Option<String>,
    /// Public product page.
    pub url: String,
}

impl ProductCard {
    /// The card of `product` in `lang`.
    pub fn new(product: &Product, lang: Lang) -> Self {
        Self {
            id: product.id.clone(),
            sku: product.sku.clone(),
            title: product.title.get(lang).to_owned(),
            price: Price::new(&product.price, lang),
            in_stock: product.in_stock,
            stock: product.stock,
            category: product.category.clone(),
            image: product.images.first().cloned(),
            url: product.url.clone(),
        }
    }
}

/// How a search was read, so the caller can see (and correct) what was understood.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Understood {
    /// The words searched for in titles, descriptions and attributes, if any were left.
    pub text: Option<String>,
    /// Category slug applied.
    pub category: Option<String>,
    /// Colour looked for (English name, as products record it).
    pub colour: Option<String>,
    /// Lowest price applied.
    pub price_min: Option<String>,
    /// Highest price applied.
    pub price_max: Option<String>,
    /// Currency of the price bounds.
    pub currency: Option<String>,
    /// Only products in stock.
    pub in_stock: bool,
    /// Ordering: `relevance`, `price_asc` ("cheap", "barato", "pas cher"), `price_desc` or `newest`.
    pub sort: String,
    /// Words of which any one may match ("mugs or cups", "carnets ou agendas"), besides `text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any_of: Option<String>,
    /// True when no product matched every word and the match was relaxed: the products match only some of the words (`dropped` says which were left out, `any_word` whether any single word was enough). Tell the shopper these are the closest matches.
    pub relaxed: bool,
    /// Words left out because no product matched them with the others.
    pub dropped: Vec<String>,
    /// True when products matching any one of the words were accepted.
    pub any_word: bool,
    /// Misspelt words read as a catalog word, `typed→read` ("umbrela→umbrella").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrected: Vec<String>,
}

/// Result of `search_products`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SearchResult {
    /// Matching products, best first.
    pub products: Vec<ProductCard>,
    /// Pass back as `cursor` (with the same query and filters) for more results; absent on the last page.
    pub next_cursor: Option<String>,
    /// How the query was read.
    pub understood: Understood,
    /// Language of the titles ("en", "es" or "fr").
    pub language: Lang,
}

/// A purchasable variant of a product.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VariantDetails {
    /// The variant's SKU.
    pub sku: String,
    /// Its label in the requested language ("50 × 70 cm").
    pub title: String,
    /// Its price (the product's when it has none of its own).
    pub price: Price,
    /// Units in stock.
    pub stock: i64,
    /// What distinguishes it (`size`, `colour`…).
    pub attributes: BTreeMap<String, String>,
}

/// Result of `get_product`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProductDetails {
    /// Product id.
    pub id: String,
    /// Merchant SKU.
    pub sku: String,
    /// Title in the requested language.
    pub title: String,
    /// Description in the requested language.
    pub description: String,
    /// Unit price.
    pub price: Price,
    /// Units in stock (over all variants).
    pub stock: i64,
    /// Whether it can be bought now.
    pub in_stock: bool,
    /// Facts about it: material, colour, dimensions, artist…
    pub attributes: BTreeMap<String, String>,
    /// Category slug.
    pub category: String,
    /// Tags (artist, movement, theme).
    pub tags: Vec<String>,
    /// Variants (sizes, colours), possibly none.
    pub variants: Vec<VariantDetails>,
    /// Image URLs.
    pub images: Vec<String>,
    /// Public product page.
    pub url: String,
    /// Language of the texts.
    pub language: Lang,
}

impl ProductDetails {
    /// The details of `product` in `lang`.
    pub fn new(product: &Product, lang: Lang) -> Self {
        Self {
            id: product.id.clone(),
            sku: product.sku.clone(),
            title: product.title.get(lang).to_owned(),
            description: product.description.get(lang).to_owned(),
            price: Price::new(&product.price, lang),
            stock: product.stock,
            in_stock: product.in_stock,
            attributes: product.attributes.clone(),
            category: product.category.clone(),
            tags: product.tags.clone(),
            variants: product
                .variants
                .iter()
                .map(|v| VariantDetails::new(v, &product.price, lang))
                .collect(),
            images: product.images.clone(),
            url: product.url.clone(),
            language: lang,
        }
    }
}

impl VariantDetails {
    fn new(variant: &Variant, product_price: &Money, lang: Lang) -> Self {
        Self {
            sku: variant.sku.clone(),
            title: variant.title.get(lang).to_owned(),
            price: Price::new(variant.price.as_ref().unwrap_or(product_price), lang),
            stock: variant.stock,
            attributes: variant.attributes.clone(),
        }
    }
}

/// One basket line.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct BasketItem {
    /// The product's id.
    pub product_id: String,
    /// The product's SKU.
    pub sku: String,
    /// Title in the requested language.
    pub title: String,
    /// Units in the basket.
    pub quantity: i64,
    /// Current unit price.
    pub unit_price: Price,
    /// quantity × unit_price.
    pub line_total: Price,
    /// Units in stock right now.
    pub available: i64,
}

/// A whole basket (the result of `add_to_basket`, `view_basket` and `remove_from_basket`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct BasketView {
    /// Basket id: keep it and pass it to every later basket call; it is the only key to this basket.
    pub basket_id: String,
    /// Lines, in the order they were added.
    pub items: Vec<BasketItem>,
    /// Units over all lines.
    pub item_count: i64,
    /// Sum of the line totals.
    pub total: Price,
    /// `open`, or `ordered` once paid (a paid basket cannot change).
    pub status: String,
    /// Problems to tell the shopper about before paying (a line above the stock left, a withdrawn product).
    pub warnings: Vec<String>,
    /// Language of the titles.
    pub language: Lang,
}

impl BasketView {
    /// The view of `basket` in `lang`.
    pub fn new(basket: &Basket, lang: Lang) -> Self {
        let warnings = basket
            .items
            .iter()
            .filter_map(|line| line_warning(line, lang))
            .collect();
        Self {
            basket_id: basket.id.clone(),
            items: basket
                .items
                .iter()
                .map(|line| BasketItem {
                    product_id: line.product_id.clone(),
                    sku: line.sku.clone(),
                    title: line.title.get(lang).to_owned(),
                    quantity: line.quantity,
                    unit_price: Price::new(&line.unit_price, lang),
                    line_total: Price::new(&line.line_total, lang),
                    available: line.available,
                })
                .collect(),
            item_count: basket.item_count,
            total: Price::new(&basket.total, lang),
            status: basket.status.clone(),
            warnings,
            language: lang,
        }
    }
}

fn line_warning(line: &BasketLine, lang: Lang) -> Option<String> {
    let title = line.title.get(lang);
    if !line.published {
        return Some(match lang {
            Lang::En => format!("{title} is no longer sold; remove it before paying."),
            Lang::Es => format!("{title} ya no está a la venta; quítalo antes de pagar."),
            Lang::Fr => format!("{title} n'est plus en vente ; retirez-le avant de payer."),
        });
    }
    if line.quantity > line.available {
        let (wanted, left) = (line.quantity, line.available);
        return Some(match lang {
            Lang::En => format!("{title}: {wanted} in the basket but only {left} left in stock."),
            Lang::Es => format!("{title}: {wanted} en la cesta pero solo quedan {left}."),
            Lang::Fr => format!("{title} : {wanted} dans le panier mais il n'en reste que {left}."),
        });
    }
    None
}

/// Result of `get_payment_link`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PaymentLinkView {
    /// The checkout page to send the shopper to.
    pub url: String,
    /// When the link stops working (RFC 3339, UTC).
    pub expires_at: String,
    /// Amount to pay.
    pub total: Price,
    /// The basket it pays.
    pub basket_id: String,
    /// The order created for it.
    pub order_id: String,
}

impl PaymentLinkView {
    /// The view of `link` in `lang`.
    pub fn new(link: &PaymentLink, lang: Lang) -> Self {
        Self {
            url: link.url.clone(),
            expires_at: link.expires_at.to_string(),
            total: Price::new(&link.total, lang),
            basket_id: link.basket_id.clone(),
            order_id: link.order_id.clone(),
        }
    }
}

/// Result of `get_order`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OrderView {
    /// Order id (`ord_…`).
    pub order_id: String,
    /// `pending` (not paid yet), `paid`, or `expired` (its payment link ran out unpaid).
    pub status: String,
    /// Amount of the order.
    pub total: Price,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it was paid (RFC 3339, UTC); absent until then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    /// The basket it pays.
    pub basket_id: String,
}

impl OrderView {
    /// The view of `order` in `lang`.
    pub fn new(order: &Order, lang: Lang) -> Self {
        Self {
            order_id: order.id.clone(),
            status: order.status.clone(),
            total: Price::new(&order.total, lang),
            created_at: order.created_at.to_string(),
            paid_at: order.paid_at.map(|t| t.to_string()),
            basket_id: order.basket_id.clone(),
        }
    }
}

/// One product field an answer was drawn from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// The field: `price`, `stock`, `description`, `variants`, or `attributes.<key>`.
    pub field: String,
    /// Its value as used.
    pub value: String,
}

/// Result of `answer_product_question`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProductAnswer {
    /// The product asked about.
    pub product_id: String,
    /// Its title in the answer's language.
    pub title: String,
    /// The answer, built only from `sources`.
    pub answer: String,
    /// False when the product's data does not answer the question (the answer then says so).
    pub answered: bool,
    /// The product fields used.
    pub sources: Vec<Source>,
    /// Language of the answer.
    pub language: Lang,
}

/// A help page matched by `search_help`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HelpHit {
    /// Page slug (`shipping`, `returns`…).
    pub slug: String,
    /// Title in the requested language.
    pub title: String,
    /// The page's text in the requested language.
    pub body: String,
    /// The same page as an MCP resource.
    pub uri: String,
}

/// Result of `search_help`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HelpResult {
    /// Matching pages, best first (empty when nothing matched).
    pub pages: Vec<HelpHit>,
    /// Language of the texts.
    pub language: Lang,
}
