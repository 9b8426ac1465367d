//! The `analyze_intent` contract (fixed; see mcp-intent/data/README.md): its input and result.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The fixed intent ids. Ids are only ever added, at the end.
pub const INTENTS: [&str; 19] = [
    "product.search",
    "product.details",
    "product.question",
    "basket.add",
    "basket.view",
    "basket.remove",
    "checkout.pay",
    "admin.product.create",
    "admin.product.update",
    "admin.product.delete",
    "admin.product.import",
    "notify.send",
    "greeting",
    "help",
    "goodbye",
    "unknown",
    "basket.update",
    "store.info",
    "order.status",
];

/// Who said a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person chatting.
    User,
    /// The assistant (the gateway's replies).
    Assistant,
}

/// An earlier turn of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Turn {
    /// Who said it.
    pub role: Role,
    /// What was said.
    pub text: String,
    /// The intent of that turn, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// Entities of that turn. An assistant turn that showed products lists
    /// them as `products: [{id, sku, title}]`, in the order shown, so that
    /// "the second one" can be resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Input of `analyze_intent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnalyzeRequest {
    /// The message to analyse, as the person wrote it (any of English, Spanish, French).
    pub message: String,
    /// BCP-47 locale hint such as `es-MX`; trusted over detection for one- or two-word messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Recent turns, oldest first, used to resolve follow-ups ("the second one", "add two of those").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Turn>>,
}

/// Which tier produced an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The pattern tier (no network).
    Pattern,
    /// The AI provider.
    Ai,
}

/// Result of `analyze_intent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Analysis {
    /// One of the fixed intent ids.
    pub intent: String,
    /// Calibrated confidence in [0, 1].
    pub confidence: f64,
    /// The message's language: `en`, `es` or `fr`.
    pub language: String,
    /// Entities found (`query`, `product_ref`, `quantity`, `price_max`…; for
    /// a dialog engine also `name`, `ordinal`, `anaphora`, `quantity_delta`,
    /// `refine`, `sort`, `pick`, `in_stock`, `more`, `topic`, `order_id`).
    pub entities: serde_json::Map<String, serde_json::Value>,
    /// `pattern` or `ai`.
    pub source: Source,
}
