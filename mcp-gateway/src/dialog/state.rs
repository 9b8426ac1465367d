//! The dialog's state, kept with the conversation (memory or Redis): the
//! last search, the products shown in order, the product in focus, the
//! basket's lines, and the question the assistant is waiting on.

use mcp_storefront::cards::{BasketView, ProductCard, ProductDetails};
use museo_sdk::types::Money;
use serde::{Deserialize, Serialize};

use super::intent::Sort;

/// A product the shopper has seen (in a list, a details view, an answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Product id.
    pub id: String,
    /// SKU.
    pub sku: String,
    /// Title as shown (the session's language).
    pub title: String,
    /// Unit price, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    /// Units in stock, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
}

impl Item {
    /// The price in minor units, for comparisons.
    pub fn minor(&self) -> Option<i64> {
        let (minor, _) = self.price.as_ref()?.to_minor().ok()?;
        Some(minor)
    }

    /// The card an app can draw (the storefront's search card fields).
    pub fn card(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "sku": self.sku,
            "title": self.title,
            "price": self.price,
            "in_stock": self.stock.map(|s| s > 0),
            "stock": self.stock,
        })
    }
}

impl From<&ProductCard> for Item {
    fn from(card: &ProductCard) -> Self {
        Self {
            id: card.id.clone(),
            sku: card.sku.clone(),
            title: card.title.clone(),
            price: Some(Money {
                amount: card.price.amount.clone(),
                currency: card.price.currency.clone(),
            }),
            stock: Some(card.stock),
        }
    }
}

impl From<&ProductDetails> for Item {
    fn from(product: &ProductDetails) -> Self {
        Self {
            id: product.id.clone(),
            sku: product.sku.clone(),
            title: product.title.clone(),
            price: Some(Money {
                amount: product.price.amount.clone(),
                currency: product.price.currency.clone(),
            }),
            stock: Some(product.stock),
        }
    }
}

/// The last search, so that refinements and "more" apply to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Search {
    /// The words searched for.
    pub query: String,
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Lowest price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_min: Option<f64>,
    /// Highest price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_max: Option<f64>,
    /// Only products in stock.
    #[serde(default)]
    pub in_stock: bool,
    /// Ordering asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<Sort>,
    /// The cursor of the next page, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// How many products were shown before the current page.
    #[serde(default)]
    pub offset: usize,
}

/// One line of the basket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The product.
    pub item: Item,
    /// Units.
    pub quantity: i64,
}

/// The session's basket, as the storefront last returned it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basket {
    /// Basket id.
    pub id: String,
    /// Its lines, in the order they were added.
    pub lines: Vec<Line>,
    /// The product id of the line last added or changed: what "make it
    /// two" changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

impl Basket {
    /// The basket of a storefront result (keeping `last`).
    pub fn update(&mut self, view: &BasketView) {
        self.id = view.basket_id.clone();
        self.lines = view
            .items
            .iter()
            .map(|i| Line {
                item: Item {
                    id: i.product_id.clone(),
                    sku: i.sku.clone(),
                    title: i.title.clone(),
                    price: Some(Money {
                        amount: i.unit_price.amount.clone(),
                        currency: i.unit_price.currency.clone(),
                    }),
                    stock: Some(i.available),
                },
                quantity: i.quantity,
            })
            .collect();
        if let Some(last) = &self.last
            && !self.lines.iter().any(|l| &l.item.id == last)
        {
            self.last = None;
        }
    }

    /// The line of `item`, by id or SKU.
    pub fn line(&self, item: &Item) -> Option<&Line> {
        self.lines
            .iter()
            .find(|l| l.item.id == item.id || l.item.sku.eq_ignore_ascii_case(&item.sku))
    }
}

/// What the assistant will do with the product the shopper picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Show it.
    Details,
    /// Answer this question about it.
    Question {
        /// The shopper's question.
        text: String,
    },
    /// Add units of it.
    Add {
        /// Units.
        quantity: i64,
    },
    /// Remove it (or units of it).
    Remove {
        /// Units; absent: the whole line.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quantity: Option<i64>,
    },
    /// Set or change its quantity.
    Update {
        /// The new quantity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quantity: Option<i64>,
        /// The change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delta: Option<i64>,
    },
}

/// A question the assistant asked and is waiting on: which product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// What to do with the answer.
    pub action: Action,
    /// The products offered, in the order shown.
    pub options: Vec<Item>,
    /// The words searched for when the question came from a name ("celui
    /// des nymphéas"): an answer naming none of the options ("le
    /// parapluie") is searched with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Everything the dialog remembers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dialog {
    /// The last search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<Search>,
    /// The products last listed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shown: Vec<Item>,
    /// The product last spoken about: what "it" means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<Item>,
    /// The product in focus before `focus`: with it, the two a shopper
    /// weighing one against the other means by "both" / "les deux".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier: Option<Item>,
    /// The basket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basket: Option<Basket>,
    /// The question waiting for an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    /// The order of the last payment link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// What the last turn did to the basket; it holds for one turn only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub just: Option<Just>,
    /// The help page last answered with (its slug): what "how long does it
    /// take?" right after it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The product question last answered ("is it dishwasher safe?"): what
    /// "and the sunflowers one?" right after it asks again, of another
    /// product. It holds for one turn only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<String>,
}

/// What the last turn did to the basket, for the turn right after it: a bare
/// number then ("no wait, 5", "ponme dos", "ok 2 alors") is about that
/// product and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Just {
    /// This product's line was added to or changed: the number is its new
    /// quantity.
    Changed {
        /// The product.
        item: Item,
    },
    /// Adding this product was refused for its stock: the number is how
    /// many to add instead.
    Refused {
        /// The product.
        item: Item,
    },
}

impl Dialog {
    /// The basket's id, when there is a basket.
    pub fn basket_id(&self) -> Option<&str> {
        self.basket.as_ref().map(|b| b.id.as_str())
    }

    /// Whether the basket has a line of `item`.
    pub fn holds(&self, item: &Item) -> bool {
        self.basket.as_ref().is_some_and(|b| b.line(item).is_some())
    }

    /// A list was shown: it is what positions refer to; one product alone is
    /// also in focus.
    pub fn show(&mut self, items: Vec<Item>) {
        self.focus = match items.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        };
        self.shown = items;
    }
}
