//! What a message was understood as, typed: mcp-intent's analysis read once
//! into an [`Intent`] and [`Entities`], so the rest of the dialog never
//! indexes JSON.

use museo_sdk::types::Lang;
use serde_json::{Map, Value};

/// The fixed intent ids, as the gateway acts on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    /// `product.search`
    Search,
    /// `product.details`
    Details,
    /// `product.question`
    Question,
    /// `basket.add`
    Add,
    /// `basket.update`: set or change a line's quantity.
    Update,
    /// `basket.remove`
    Remove,
    /// `basket.view`
    View,
    /// `checkout.pay`
    Pay,
    /// `store.info`: shipping, returns, payment methods, contact…
    StoreInfo,
    /// `order.status`
    OrderStatus,
    /// `greeting`
    Greeting,
    /// `help`
    Help,
    /// `goodbye`
    Goodbye,
    /// `unknown`
    Unknown,
    /// `admin.product.create`
    AdminCreate,
    /// `admin.product.update`
    AdminUpdate,
    /// `admin.product.delete`
    AdminDelete,
    /// `admin.product.import`
    AdminImport,
    /// `notify.send`
    Notify,
}

impl Intent {
    /// Every intent.
    pub const ALL: [Intent; 19] = [
        Intent::Search,
        Intent::Details,
        Intent::Question,
        Intent::Add,
        Intent::Update,
        Intent::Remove,
        Intent::View,
        Intent::Pay,
        Intent::StoreInfo,
        Intent::OrderStatus,
        Intent::Greeting,
        Intent::Help,
        Intent::Goodbye,
        Intent::Unknown,
        Intent::AdminCreate,
        Intent::AdminUpdate,
        Intent::AdminDelete,
        Intent::AdminImport,
        Intent::Notify,
    ];

    /// Its fixed id.
    pub fn id(self) -> &'static str {
        match self {
            Intent::Search => "product.search",
            Intent::Details => "product.details",
            Intent::Question => "product.question",
            Intent::Add => "basket.add",
            Intent::Update => "basket.update",
            Intent::Remove => "basket.remove",
            Intent::View => "basket.view",
            Intent::Pay => "checkout.pay",
            Intent::StoreInfo => "store.info",
            Intent::OrderStatus => "order.status",
            Intent::Greeting => "greeting",
            Intent::Help => "help",
            Intent::Goodbye => "goodbye",
            Intent::Unknown => "unknown",
            Intent::AdminCreate => "admin.product.create",
            Intent::AdminUpdate => "admin.product.update",
            Intent::AdminDelete => "admin.product.delete",
            Intent::AdminImport => "admin.product.import",
            Intent::Notify => "notify.send",
        }
    }

    /// The intent an id names; anything else is [`Intent::Unknown`].
    pub fn from_id(id: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|i| i.id() == id)
            .unwrap_or(Intent::Unknown)
    }

    /// Whether only admins may ask for it.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Intent::AdminCreate
                | Intent::AdminUpdate
                | Intent::AdminDelete
                | Intent::AdminImport
                | Intent::Notify
        )
    }
}

/// How a search should be ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Cheapest first.
    PriceAsc,
    /// Dearest first.
    PriceDesc,
}

impl Sort {
    /// The storefront's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
        }
    }
}

/// What the analysis found in the message. Every field is optional: a
/// value of the wrong type is treated as absent, never trusted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entities {
    /// The words to search for.
    pub query: Option<String>,
    /// A product reference as mcp-intent read it (an id, a SKU it resolved
    /// from the history, or words).
    pub product_ref: Option<String>,
    /// A SKU written in the message.
    pub sku: Option<String>,
    /// The words naming a product ("sunflowers", "tazas de las meninas").
    pub name: Option<String>,
    /// A position in what was shown, 1-based; -1 is the last.
    pub ordinal: Option<i64>,
    /// A pronoun pointing back ("it", "lo", "le", "that one").
    pub anaphora: bool,
    /// How many units (or, for `basket.update`, the new quantity).
    pub quantity: Option<i64>,
    /// A change of quantity ("one more" +1, "one less" −1).
    pub quantity_delta: Option<i64>,
    /// Lowest price.
    pub price_min: Option<f64>,
    /// Highest price.
    pub price_max: Option<f64>,
    /// Category slug or word.
    pub category: Option<String>,
    /// Colour (English name).
    pub color: Option<String>,
    /// Only what can be bought now.
    pub in_stock: bool,
    /// An ordering asked for.
    pub sort: Option<Sort>,
    /// "Which is the cheapest?": one product picked by price.
    pub pick: Option<Sort>,
    /// The message narrows the last search instead of starting one.
    pub refine: bool,
    /// "More", "next": the next page of the last search.
    pub more: bool,
    /// A help topic (`shipping`, `returns`…).
    pub topic: Option<String>,
    /// An order id (`ord_…`).
    pub order_id: Option<String>,
    /// Everything, as sent (the admin routes read `price`, `stock`, `email`…).
    pub raw: Map<String, Value>,
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(200).collect())
}

fn int(map: &Map<String, Value>, key: &str) -> Option<i64> {
    match map.get(key)? {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn number(map: &Map<String, Value>, key: &str) -> Option<f64> {
    match map.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite() && *f >= 0.0)
}

fn flag(map: &Map<String, Value>, key: &str) -> bool {
    matches!(map.get(key), Some(Value::Bool(true)))
}

fn sort(value: Option<String>) -> Option<Sort> {
    match value?.as_str() {
        "price_asc" | "cheapest" | "asc" => Some(Sort::PriceAsc),
        "price_desc" | "dearest" | "desc" | "most_expensive" => Some(Sort::PriceDesc),
        _ => None,
    }
}

impl Entities {
    /// The product's name, else the words searched for ("and the
    /// sunflowers mug?" read as a search names it in its query).
    pub fn name_or_query(&self) -> Option<&str> {
        self.name.as_deref().or(self.query.as_deref())
    }

    /// Reads the analysis' `entities` object.
    pub fn from_map(map: Map<String, Value>) -> Self {
        let product_ref = match map.get("product_ref") {
            Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Self {
            query: text(&map, "query"),
            product_ref,
            sku: text(&map, "sku"),
            name: text(&map, "name"),
            ordinal: int(&map, "ordinal").filter(|n| *n == -1 || (1..=50).contains(n)),
            anaphora: flag(&map, "anaphora"),
            quantity: int(&map, "quantity").filter(|q| (0..=1000).contains(q)),
            quantity_delta: int(&map, "quantity_delta").filter(|d| (-1000..=1000).contains(d)),
            price_min: number(&map, "price_min"),
            price_max: number(&map, "price_max"),
            category: text(&map, "category"),
            color: text(&map, "color"),
            in_stock: flag(&map, "in_stock"),
            sort: sort(text(&map, "sort")),
            pick: sort(text(&map, "pick")),
            refine: flag(&map, "refine"),
            more: flag(&map, "more"),
            topic: text(&map, "topic"),
            order_id: text(&map, "order_id"),
            raw: map,
        }
    }
}

/// A message as understood.
#[derive(Debug, Clone, PartialEq)]
pub struct Understanding {
    /// The intent.
    pub intent: Intent,
    /// How sure the analysis is, in [0, 1].
    pub confidence: f64,
    /// The language the message is written in.
    pub language: Option<Lang>,
    /// What it names.
    pub entities: Entities,
}

impl Understanding {
    /// From mcp-intent's analysis.
    pub fn from_analysis(analysis: mcp_intent::Analysis) -> Self {
        Self {
            intent: Intent::from_id(&analysis.intent),
            confidence: analysis.confidence.clamp(0.0, 1.0),
            language: Lang::from_tag(&analysis.language),
            entities: Entities::from_map(analysis.entities),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_id_round_trips_and_others_are_unknown() {
        for intent in Intent::ALL {
            assert_eq!(Intent::from_id(intent.id()), intent);
        }
        assert_eq!(Intent::from_id("admin.everything"), Intent::Unknown);
        assert_eq!(Intent::from_id(""), Intent::Unknown);
    }

    #[test]
    fn entities_of_the_wrong_type_are_absent() {
        let map = json!({
            "quantity": "3", "ordinal": 99, "anaphora": "yes", "price_max": -4,
            "price_min": "12,50", "pick": "cheapest", "name": "  ", "product_ref": 7,
            "quantity_delta": 1.5
        });
        let e = Entities::from_map(map.as_object().cloned().unwrap_or_default());
        assert_eq!(e.quantity, Some(3));
        assert_eq!(e.ordinal, None);
        assert!(!e.anaphora);
        assert_eq!(e.price_max, None);
        assert_eq!(e.price_min, Some(12.5));
        assert_eq!(e.pick, Some(Sort::PriceAsc));
        assert_eq!(e.name, None);
        assert_eq!(e.product_ref.as_deref(), Some("7"));
        assert_eq!(e.quantity_delta, None);
    }
}
