//! Tool errors: English text for a model, and a stable code with the facts
//! behind it for a program.
//!
//! Every tool error result (`isError: true`) carries, besides its text,
//! `_meta["dev.museo/error"]`: an object with a stable `code`, the facts a
//! client needs to word the refusal itself in any language, `retryable`, and
//! the `correlation_id` of the call when the Museo API was reached:
//!
//! ```json
//! {"code": "insufficient_stock", "sku": "MUG-GREEK-01", "title": "Greek key meander cup",
//!  "available": 3, "requested": 5, "retryable": false, "correlation_id": "4bf9…"}
//! ```
//!
//! | `code` | Facts | When |
//! |---|---|---|
//! | `out_of_stock` | `sku`, `title` | The product has no stock at all. |
//! | `insufficient_stock` | `sku`, `title`, `available`, `requested` | The line would hold more units (`requested`) than are left (`available`). |
//! | `not_found` | `what` (`product`, `basket`, `order`), `id` | No such product, basket or order. |
//! | `not_in_basket` | `id`, `basket_id` | The basket has no line for that product. |
//! | `basket_closed` | `basket_id` | The basket has been paid (`ordered`): it cannot change. |
//! | `basket_empty` | `basket_id` | A payment link for an empty basket. |
//! | `basket_full` | `basket_id` | A 101st different product in one basket. |
//! | `invalid_argument` | `field` | An argument is missing, of the wrong type, unknown or out of range. |
//! | `unavailable` | — | The Museo API is down or overloaded; `retryable` is true. |
//! | `internal` | — | Anything else the API refused; the text says what. |
//!
//! Codes are never renamed; new codes and new facts may appear, so a client
//! falls back to the text for a code it does not know.

use museo_sdk::museo::MuseoError;
use museo_sdk::telemetry::TraceContext;
use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, MetaObject};
use serde::Serialize;
use serde_json::Value;

use crate::text::truncate;

/// The `_meta` key of the machine-readable error.
pub const META_KEY: &str = "dev.museo/error";

/// What kind of thing was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    /// A product (by id, SKU or handle).
    Product,
    /// A basket.
    Basket,
    /// An order.
    Order,
}

/// The stable code of a refusal and its facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Code {
    /// The product has no stock.
    OutOfStock {
        /// Its SKU.
        sku: String,
        /// Its title in the call's language.
        title: String,
    },
    /// Fewer units left than the line would hold.
    InsufficientStock {
        /// Its SKU.
        sku: String,
        /// Its title in the call's language.
        title: String,
        /// Units in stock.
        available: i64,
        /// Units the basket line would hold.
        requested: i64,
    },
    /// No such product, basket or order.
    NotFound {
        /// Which kind of thing.
        what: What,
        /// The id as given (cut to 200 characters).
        id: String,
    },
    /// The product is not in the basket.
    NotInBasket {
        /// The product as given.
        id: String,
        /// The basket.
        basket_id: String,
    },
    /// The basket has been paid.
    BasketClosed {
        /// The basket.
        basket_id: String,
    },
    /// A payment link for an empty basket.
    BasketEmpty {
        /// The basket.
        basket_id: String,
    },
    /// Too many different products in one basket.
    BasketFull {
        /// The basket.
        basket_id: String,
    },
    /// An argument is wrong.
    InvalidArgument {
        /// The argument at fault (`quantity`, `basket_id`, `query`…).
        field: String,
    },
    /// The Museo API is unavailable.
    Unavailable,
    /// Any other refusal.
    Internal,
}

/// A tool's refusal: the text for the model and the code for programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    /// What happened and what to do, in English, for a model.
    pub message: String,
    /// The machine-readable code and facts.
    pub code: Code,
    /// Whether the same call later may succeed.
    pub retryable: bool,
    /// The correlation id of the call, when the API was reached.
    pub correlation_id: Option<String>,
}

impl ToolError {
    /// A refusal with `code`, not retryable.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code,
            retryable: false,
            correlation_id: None,
        }
    }

    /// A wrong argument `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(
            Code::InvalidArgument {
                field: field.to_owned(),
            },
            message,
        )
    }

    /// The `_meta["dev.museo/error"]` value.
    pub fn meta_value(&self) -> Value {
        let mut value = serde_json::to_value(&self.code)
            .unwrap_or_else(|_| serde_json::json!({ "code": "internal" }));
        if let Value::Object(map) = &mut value {
            map.insert("retryable".into(), Value::Bool(self.retryable));
            if let Some(id) = &self.correlation_id {
                map.insert("correlation_id".into(), Value::String(id.clone()));
            }
        }
        value
    }

    /// The code's name (`out_of_stock`…), for logs.
    pub fn code_name(&self) -> String {
        self.meta_value()["code"]
            .as_str()
            .unwrap_or("internal")
            .to_owned()
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl IntoCallToolResult for ToolError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, rmcp::ErrorData> {
        let mut meta = MetaObject::new();
        meta.0.insert(META_KEY.to_owned(), self.meta_value());
        Ok(
            CallToolResult::error(vec![ContentBlock::text(self.message)])
                .with_meta(Some(meta))
                .into(),
        )
    }
}

/// The facts of the product a stock refusal is about.
#[derive(Debug, Clone, Default)]
pub struct StockFacts {
    /// SKU.
    pub sku: String,
    /// Title in the call's language.
    pub title: String,
    /// Units in stock.
    pub available: i64,
    /// Units the line would hold.
    pub requested: i64,
}

/// What a failed API call was about, to name it in the code.
#[derive(Debug, Clone, Default)]
pub struct Subject<'a> {
    /// The product the call named, if any.
    pub product: Option<&'a str>,
    /// The basket the call named, if any.
    pub basket: Option<&'a str>,
    /// The order the call named, if any.
    pub order: Option<&'a str>,
    /// Which of them a 404 is about, when the caller knows.
    pub missing: Option<What>,
    /// The product's facts, for a stock refusal.
    pub stock: Option<StockFacts>,
}

impl<'a> Subject<'a> {
    /// A call about one product.
    pub fn product(id: &'a str) -> Self {
        Self {
            product: Some(id),
            missing: Some(What::Product),
            ..Self::default()
        }
    }

    /// A call about one basket.
    pub fn basket(id: &'a str) -> Self {
        Self {
            basket: Some(id),
            missing: Some(What::Basket),
            ..Self::default()
        }
    }

    /// A call about one order.
    pub fn order(id: &'a str) -> Self {
        Self {
            order: Some(id),
            missing: Some(What::Order),
            ..Self::default()
        }
    }

    /// A call about a product's line in a basket (a 404 is about the
    /// product unless `missing` says otherwise).
    pub fn basket_line(basket: &'a str, product: &'a str) -> Self {
        Self {
            basket: Some(basket),
            product: Some(product),
            ..Self::default()
        }
    }
}

/// A Museo API failure as a refusal: the message the model can act on (what
/// happened, whether a retry can help, the correlation id to quote) and the
/// code with its facts.
pub fn api_error(error: &MuseoError, ctx: &TraceContext, subject: &Subject<'_>) -> ToolError {
    let correlation_id = ctx.correlation_id();
    let what = match error {
        MuseoError::Api { status, body } => {
            let hint = match (*status, body.code.as_str()) {
                (404, _) => {
                    " Check the id: search_products gives product ids, and add_to_basket without basket_id starts a new basket."
                }
                (409, "out_of_stock" | "insufficient_stock") => {
                    " Offer the shopper fewer units or another product."
                }
                (409, _) => "",
                (400 | 422, _) => " Fix the request and try again.",
                _ => "",
            };
            let field = body
                .field
                .as_deref()
                .map(|f| format!(" (field {f})"))
                .unwrap_or_default();
            format!("{}{field}.{hint}", body.message.trim_end_matches('.'))
        }
        MuseoError::InvalidRequest(message) => format!("{message}."),
        other => format!("{other}."),
    };
    let retryable = error.is_retryable();
    let retry = if retryable {
        "The shop's API is unavailable right now; retrying in a few seconds may help."
    } else {
        "Retrying the same call will not help."
    };
    tracing::debug!(%correlation_id, code = error.code(), status = ?error.status(), "Museo API call failed");
    let cut = |id: &str| truncate(id, 200);
    let basket_id = || cut(subject.basket.unwrap_or_default());
    let code = match (error, error.code()) {
        (_, _) if retryable => Code::Unavailable,
        (MuseoError::Transport(_), _) => Code::Unavailable,
        (_, "out_of_stock" | "insufficient_stock") => {
            let facts = subject.stock.clone().unwrap_or_else(|| StockFacts {
                sku: subject.product.map(cut).unwrap_or_default(),
                ..StockFacts::default()
            });
            if facts.available <= 0 {
                Code::OutOfStock {
                    sku: facts.sku,
                    title: facts.title,
                }
            } else {
                Code::InsufficientStock {
                    sku: facts.sku,
                    title: facts.title,
                    available: facts.available,
                    requested: facts.requested,
                }
            }
        }
        (_, "not_found") => {
            let what = subject.missing.unwrap_or(match subject {
                Subject { order: Some(_), .. } => What::Order,
                Subject {
                    basket: Some(_),
                    product: None,
                    ..
                } => What::Basket,
                _ => What::Product,
            });
            let id = match what {
                What::Product => subject.product,
                What::Basket => subject.basket,
                What::Order => subject.order,
            };
            Code::NotFound {
                what,
                id: cut(id.unwrap_or_default()),
            }
        }
        (_, "basket_closed") => Code::BasketClosed {
            basket_id: basket_id(),
        },
        (_, "basket_empty") => Code::BasketEmpty {
            basket_id: basket_id(),
        },
        (_, "basket_full") => Code::BasketFull {
            basket_id: basket_id(),
        },
        (MuseoError::Api { body, .. }, "invalid_field") => Code::InvalidArgument {
            field: match body.field.as_deref() {
                // The API's names for the tools' arguments.
                Some("q") => "query".to_owned(),
                Some(field) => field.to_owned(),
                None => String::new(),
            },
        },
        (MuseoError::InvalidRequest(_), _) => Code::InvalidArgument {
            field: if subject.order.is_some() {
                "order_id"
            } else if subject.product.is_some() {
                "product_id"
            } else {
                "basket_id"
            }
            .to_owned(),
        },
        _ => Code::Internal,
    };
    ToolError {
        message: format!("{what} {retry} (correlation id {correlation_id})"),
        code,
        retryable,
        correlation_id: Some(correlation_id.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use museo_sdk::types::ApiErrorBody;

    fn api(status: u16, code: &str) -> MuseoError {
        MuseoError::Api {
            status,
            body: ApiErrorBody {
                code: code.into(),
                message: "something".into(),
                field: None,
                correlation_id: None,
            },
        }
    }

    #[test]
    fn codes_carry_their_facts() {
        let ctx = TraceContext::new_root();
        let stock = Subject {
            product: Some("MUG-GREEK-01"),
            basket: Some("bsk_1"),
            stock: Some(StockFacts {
                sku: "MUG-GREEK-01".into(),
                title: "Greek key meander cup".into(),
                available: 3,
                requested: 5,
            }),
            ..Subject::default()
        };
        let error = api_error(&api(409, "insufficient_stock"), &ctx, &stock);
        let meta = error.meta_value();
        assert_eq!(meta["code"], "insufficient_stock");
        assert_eq!(meta["available"], 3);
        assert_eq!(meta["requested"], 5);
        assert_eq!(meta["retryable"], false);
        assert_eq!(
            meta["correlation_id"].as_str(),
            Some(ctx.correlation_id().to_string().as_str())
        );
        assert!(error.message.contains("Offer the shopper fewer units"));

        let basket = Subject {
            basket: Some("bsk_nope"),
            ..Subject::default()
        };
        let meta = api_error(&api(404, "not_found"), &ctx, &basket).meta_value();
        assert_eq!(meta["what"], "basket");
        assert_eq!(meta["id"], "bsk_nope");
        let meta = api_error(&api(503, "unavailable"), &ctx, &basket).meta_value();
        assert_eq!(meta["code"], "unavailable");
        assert_eq!(meta["retryable"], true);
        let meta = api_error(&api(409, "basket_closed"), &ctx, &basket).meta_value();
        assert_eq!(meta["code"], "basket_closed");
        assert_eq!(meta["basket_id"], "bsk_nope");
        let meta = ToolError::invalid("quantity", "no").meta_value();
        assert_eq!(
            meta,
            serde_json::json!({"code": "invalid_argument", "field": "quantity", "retryable": false})
        );
    }
}
