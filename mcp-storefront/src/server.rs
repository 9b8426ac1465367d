//! The MCP surface of mcp-storefront.
//!
//! Tools take their arguments as a raw JSON object and deserialize it here,
//! so that a wrong type, a missing field or a misspelt one comes back as a
//! tool result with `isError: true` naming the field — something the model
//! can fix and retry — rather than a protocol error it never sees. The input
//! schemas are still derived from the argument types, so clients see exactly
//! what is accepted.
//!
//! Every refusal is a [`ToolError`]: English text for the model, and
//! `_meta["dev.museo/error"]` with a stable code (`out_of_stock`,
//! `insufficient_stock`, `not_found`, `not_in_basket`, `basket_closed`,
//! `basket_empty`, `basket_full`, `invalid_argument`, `unavailable`,
//! `internal`) and its facts for programs — the table is in [`crate::error`].
//!
//! Every call gets a [`TraceContext`]: the caller's `traceparent` from
//! `_meta` when there is one (the gateway sends it), else a new trace. Its
//! id goes to the Museo API and into every error message, so a failure a
//! shopper reports can be found in the logs of every hop.

use std::future::Future;
use std::time::Instant;

use museo_sdk::museo::{MuseoClient, MuseoError};
use museo_sdk::serve::{portable_input_schema, portable_output_schema};
use museo_sdk::telemetry::TraceContext;
use museo_sdk::types::{Basket, HelpPage, Lang};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResponse, GetPromptResult, JsonObject, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams, Prompt,
    PromptArgument, PromptMessage, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, RequestMetaObject, Resource, ResourceContents, ResourceTemplate, Role,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, Json, RoleServer, ServerHandler, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::cards::{
    BasketView, HelpHit, HelpResult, OrderView, PaymentLinkView, ProductAnswer, ProductCard,
    ProductDetails, SearchResult,
};
use crate::error::{Code, StockFacts, Subject, ToolError, What, api_error};
use crate::query::{self, SearchArgs};
use crate::text::{self, truncate};

/// The most units one basket line may hold (the API's limit).
pub const MAX_QUANTITY: i64 = 1000;
/// The longest question accepted.
pub const MAX_QUESTION_CHARS: usize = 1000;
/// Help pages returned by one `search_help`.
const HELP_HITS: usize = 3;
/// URI prefix of the help pages served as resources.
const HELP_URI: &str = "museo://help/";
/// The category list served as a resource.
const CATEGORIES_URI: &str = "museo://categories";

/// Arguments naming one product.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductArgs {
    /// Product id (prd_…) or SKU, as search_products returns them.
    pub product_id: String,
    /// BCP-47 locale of the shopper ("fr-FR"); texts and prices come back in its language.
    pub locale: Option<String>,
}

/// Arguments of `add_to_basket`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddArgs {
    /// The basket to add to. Leave it out to start a new basket (its id comes back as basket_id: keep it for every later call).
    pub basket_id: Option<String>,
    /// Product id (prd_…) or SKU.
    pub product_id: String,
    /// Units to add, 1–1000 (default 1). Added to any units of this product already in the basket.
    pub quantity: Option<i64>,
    /// BCP-47 locale of the shopper; titles and prices come back in its language.
    pub locale: Option<String>,
}

/// Arguments naming one basket.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasketArgs {
    /// Basket id (bsk_…) from add_to_basket.
    pub basket_id: String,
    /// BCP-47 locale of the shopper; titles and prices come back in its language.
    pub locale: Option<String>,
}

/// Arguments of `remove_from_basket`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveArgs {
    /// Basket id (bsk_…).
    pub basket_id: String,
    /// Product id (prd_…) or SKU of the line.
    pub product_id: String,
    /// Units to take out (at least 1). Leave it out to remove the whole line; taking out as many as the line holds, or more, removes it too.
    pub quantity: Option<i64>,
    /// BCP-47 locale of the shopper; titles and prices come back in its language.
    pub locale: Option<String>,
}

/// Arguments of `update_basket_item`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    /// Basket id (bsk_…) from add_to_basket.
    pub basket_id: String,
    /// Product id (prd_…) or SKU of the line. A product not yet in the basket gets a new line.
    pub product_id: String,
    /// The line's new number of units, 0–1000. 0 removes the line.
    #[schemars(range(min = 0, max = 1000))]
    pub quantity: i64,
    /// BCP-47 locale of the shopper; titles and prices come back in its language.
    pub locale: Option<String>,
}

/// Arguments of `get_order`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderArgs {
    /// Order id (ord_…), as get_payment_link returns it.
    pub order_id: String,
    /// BCP-47 locale of the shopper; the total comes back written for its language.
    pub locale: Option<String>,
}

/// Arguments of `answer_product_question`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionArgs {
    /// Product id (prd_…) or SKU.
    pub product_id: String,
    /// The shopper's question, in their words (English, Spanish or French): "is it dishwasher safe?", "¿qué tallas hay?", "c'est en quelle matière ?".
    pub question: String,
    /// BCP-47 locale for the answer; by default the question's own language.
    pub locale: Option<String>,
}

/// Arguments of `search_help`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HelpArgs {
    /// What the shopper wants to know about the shop, in their words: "how long does shipping take", "devoluciones", "emballage cadeau".
    pub query: String,
    /// BCP-47 locale of the shopper; pages come back in its language.
    pub locale: Option<String>,
}

/// The MCP server of mcp-storefront. Cheap to clone (the API client is
/// shared), which is how Streamable HTTP gets one per session.
#[derive(Debug, Clone)]
pub struct StorefrontServer {
    client: MuseoClient,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl StorefrontServer {
    /// A server calling the Museo API through `client`.
    pub fn new(client: MuseoClient) -> Self {
        Self {
            client,
            tool_router: Self::tool_router(),
        }
    }

    /// Searches the museum shop's catalog with the shopper's own words in English, Spanish or French.
    /// Price ranges ("under 30 euros", "entre 20 y 50 €"), categories ("tazas", "affiches"), colours and "cheap / barato / pas cher" are read out of the query; explicit arguments override them.
    /// Returns compact product cards (id, sku, title, price, stock, image, url) and a next_cursor for more; `understood` shows how the query was read.
    #[tool(
        name = "search_products",
        title = "Search products",
        input_schema = portable_input_schema::<SearchArgs>(),
        output_schema = portable_output_schema::<SearchResult>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn search_products(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<SearchResult>, ToolError> {
        let ctx = trace(&meta);
        logged("search_products", &ctx, async {
            let args: SearchArgs = arguments("search_products", args)?;
            let lang = locale(args.locale.as_deref())?;
            let read = query::read(&args)?;
            let mut page = self
                .client
                .search_products_matched(&read.query, read.any_of.as_deref(), &ctx)
                .await
                .map_err(|e| api_error(&e, &ctx, &Subject::default()))?;
            let mut understood = read.understood;
            // Every word matches outside the category a word named, and not
            // within it: the word named a kind, not a shelf.
            if (page.relaxed.is_some() || page.items.is_empty())
                && let Some(wider) = &read.without_category
            {
                let other = self
                    .client
                    .search_products_matched(wider, None, &ctx)
                    .await
                    .map_err(|e| api_error(&e, &ctx, &Subject::default()))?;
                if other.relaxed.is_none() && !other.items.is_empty() {
                    // Still the closest matches: "Klimt mugs" that are no
                    // mugs are not what was asked for.
                    page = other;
                    understood.category = None;
                    understood.relaxed = true;
                    understood.dropped = read.category_word.into_iter().collect();
                }
            }
            if let Some(relaxed) = page.relaxed.take() {
                understood.relaxed = true;
                understood.dropped = relaxed.dropped;
                understood.any_word = relaxed.any_word;
                understood.corrected = relaxed.corrected;
            }
            Ok(Json(SearchResult {
                products: page
                    .items
                    .iter()
                    .map(|p| ProductCard::new(p, lang))
                    .collect(),
                next_cursor: page.next_cursor,
                understood,
                language: lang,
            }))
        })
        .await
    }

    /// Everything about one product, by id or SKU: title and description in the shopper's language, price, stock, attributes (material, dimensions, artist…), variants, images and its page.
    #[tool(
        name = "get_product",
        title = "Product details",
        input_schema = portable_input_schema::<ProductArgs>(),
        output_schema = portable_output_schema::<ProductDetails>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_product(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<ProductDetails>, ToolError> {
        let ctx = trace(&meta);
        logged("get_product", &ctx, async {
            let args: ProductArgs = arguments("get_product", args)?;
            let lang = locale(args.locale.as_deref())?;
            let id = id_arg("product_id", &args.product_id)?;
            let product = self
                .client
                .get_product(id, &ctx)
                .await
                .map_err(|e| api_error(&e, &ctx, &Subject::product(id)))?;
            Ok(Json(ProductDetails::new(&product, lang)))
        })
        .await
    }

    /// Adds units of a product to the shopper's basket, starting a new basket when basket_id is left out.
    /// Stock is checked: asking for more than is left fails with the number available.
    /// Returns the whole basket (basket_id, items, total); keep basket_id for every later basket call.
    #[tool(
        name = "add_to_basket",
        title = "Add to basket",
        input_schema = portable_input_schema::<AddArgs>(),
        output_schema = portable_output_schema::<BasketView>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false)
    )]
    async fn add_to_basket(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<BasketView>, ToolError> {
        let ctx = trace(&meta);
        logged("add_to_basket", &ctx, async {
            let args: AddArgs = arguments("add_to_basket", args)?;
            let lang = locale(args.locale.as_deref())?;
            let product_id = id_arg("product_id", &args.product_id)?;
            let quantity = args.quantity.unwrap_or(1);
            if !(1..=MAX_QUANTITY).contains(&quantity) {
                return Err(ToolError::invalid("quantity", format!(
                    "quantity must be between 1 and {MAX_QUANTITY}; got {quantity} (to take units out, use remove_from_basket or update_basket_item)"
                )));
            }
            let basket_id = match args.basket_id.as_deref().map(str::trim) {
                Some(id) if !id.is_empty() => id_arg("basket_id", id)?.to_owned(),
                _ => {
                    // Look the product up first: a typo must not leave an empty basket behind.
                    let product = self
                        .client
                        .get_product(product_id, &ctx)
                        .await
                        .map_err(|e| api_error(&e, &ctx, &Subject::product(product_id)))?;
                    let basket = self
                        .client
                        .create_basket(Some(&ctx.child().traceparent()), &ctx)
                        .await
                        .map_err(|e| api_error(&e, &ctx, &Subject::default()))?;
                    tracing::info!(correlation_id = %ctx.correlation_id(), sku = %product.sku, "new basket");
                    basket.id
                }
            };
            // A key of its own per call: the client may retry the POST, and a
            // retry must not add the units twice.
            let key = ctx.child().traceparent();
            let basket = match self
                .client
                .add_basket_item(&basket_id, product_id, quantity, Some(&key), &ctx)
                .await
            {
                Ok(basket) => basket,
                Err(e) => {
                    let line = Line { basket_id: &basket_id, product_id, units: Units::Add(quantity) };
                    return Err(self.line_refusal(&e, &ctx, lang, &line).await);
                }
            };
            Ok(Json(BasketView::new(&basket, lang)))
        })
        .await
    }

    /// Shows a basket: its lines (product, quantity, unit price, line total), the total, and warnings to settle before paying.
    #[tool(
        name = "view_basket",
        title = "View basket",
        input_schema = portable_input_schema::<BasketArgs>(),
        output_schema = portable_output_schema::<BasketView>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn view_basket(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<BasketView>, ToolError> {
        let ctx = trace(&meta);
        logged("view_basket", &ctx, async {
            let args: BasketArgs = arguments("view_basket", args)?;
            let lang = locale(args.locale.as_deref())?;
            let basket = self.basket(&args.basket_id, &ctx).await?;
            Ok(Json(BasketView::new(&basket, lang)))
        })
        .await
    }

    /// Takes a product out of a basket: the whole line, or only `quantity` units of it.
    /// Returns the whole basket.
    #[tool(
        name = "remove_from_basket",
        title = "Remove from basket",
        input_schema = portable_input_schema::<RemoveArgs>(),
        output_schema = portable_output_schema::<BasketView>(),
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn remove_from_basket(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<BasketView>, ToolError> {
        let ctx = trace(&meta);
        logged("remove_from_basket", &ctx, async {
            let args: RemoveArgs = arguments("remove_from_basket", args)?;
            let lang = locale(args.locale.as_deref())?;
            let product_id = id_arg("product_id", &args.product_id)?;
            if let Some(quantity) = args.quantity
                && !(1..=MAX_QUANTITY).contains(&quantity)
            {
                return Err(ToolError::invalid("quantity", format!(
                    "quantity must be between 1 and {MAX_QUANTITY}; got {quantity} (leave it out to remove the whole line)"
                )));
            }
            let basket = self.basket(&args.basket_id, &ctx).await?;
            let Some(line) = basket.items.iter().find(|line| {
                line.product_id == product_id || line.sku.eq_ignore_ascii_case(product_id)
            }) else {
                let held: Vec<String> = basket
                    .items
                    .iter()
                    .map(|l| format!("{} ({})", l.product_id, l.sku))
                    .collect();
                let code = Code::NotInBasket {
                    id: truncate(product_id, 200),
                    basket_id: basket.id.clone(),
                };
                return Err(ToolError::new(code, if held.is_empty() {
                    format!("{} is not in this basket: the basket is empty", truncate(product_id, 60))
                } else {
                    format!(
                        "{} is not in this basket; it holds {}",
                        truncate(product_id, 60),
                        held.join(", ")
                    )
                }));
            };
            let left = args.quantity.map_or(0, |q| (line.quantity - q).max(0));
            let result = if left == 0 {
                self.client
                    .remove_basket_item(&basket.id, &line.product_id, &ctx)
                    .await
            } else {
                self.client
                    .set_basket_item(&basket.id, &line.product_id, left, &ctx)
                    .await
            };
            let basket = result.map_err(|e| api_error(&e, &ctx, &Subject::basket_line(&basket.id, product_id)))?;
            Ok(Json(BasketView::new(&basket, lang)))
        })
        .await
    }

    /// Sets how many units of a product a basket holds: the line's new quantity, not units to add. 0 removes the line; a product not in the basket yet gets a line.
    /// Stock is checked when the line grows, as add_to_basket checks it; lowering a line is always allowed.
    /// Returns the whole basket (basket_id, items, total).
    #[tool(
        name = "update_basket_item",
        title = "Change a basket line's quantity",
        input_schema = portable_input_schema::<UpdateArgs>(),
        output_schema = portable_output_schema::<BasketView>(),
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn update_basket_item(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<BasketView>, ToolError> {
        let ctx = trace(&meta);
        logged("update_basket_item", &ctx, async {
            let args: UpdateArgs = arguments("update_basket_item", args)?;
            let lang = locale(args.locale.as_deref())?;
            let basket_id = id_arg("basket_id", &args.basket_id)?;
            let product_id = id_arg("product_id", &args.product_id)?;
            let quantity = args.quantity;
            if !(0..=MAX_QUANTITY).contains(&quantity) {
                return Err(ToolError::invalid(
                    "quantity",
                    format!(
                        "quantity must be between 0 and {MAX_QUANTITY}; got {quantity} (0 removes the line)"
                    ),
                ));
            }
            match self
                .client
                .set_basket_item(basket_id, product_id, quantity, &ctx)
                .await
            {
                Ok(basket) => Ok(Json(BasketView::new(&basket, lang))),
                Err(e) => {
                    let line = Line {
                        basket_id,
                        product_id,
                        units: Units::Set(quantity),
                    };
                    Err(self.line_refusal(&e, &ctx, lang, &line).await)
                }
            }
        })
        .await
    }

    /// Where an order stands: pending (its payment link not used yet), paid, or expired (the link ran out unpaid), with its total, when it was created and paid, and its basket.
    #[tool(
        name = "get_order",
        title = "Order status",
        input_schema = portable_input_schema::<OrderArgs>(),
        output_schema = portable_output_schema::<OrderView>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_order(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<OrderView>, ToolError> {
        let ctx = trace(&meta);
        logged("get_order", &ctx, async {
            let args: OrderArgs = arguments("get_order", args)?;
            let lang = locale(args.locale.as_deref())?;
            let order_id = id_arg("order_id", &args.order_id)?;
            let order = self
                .client
                .get_order(order_id, &ctx)
                .await
                .map_err(|e| api_error(&e, &ctx, &Subject::order(order_id)))?;
            Ok(Json(OrderView::new(&order, lang)))
        })
        .await
    }

    /// Creates a secure checkout link for the whole basket: the url to give the shopper, when it expires and the total to pay.
    /// Asking again for an unchanged basket returns the same pending order.
    #[tool(
        name = "get_payment_link",
        title = "Payment link",
        input_schema = portable_input_schema::<BasketArgs>(),
        output_schema = portable_output_schema::<PaymentLinkView>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_payment_link(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<PaymentLinkView>, ToolError> {
        let ctx = trace(&meta);
        logged("get_payment_link", &ctx, async {
            let args: BasketArgs = arguments("get_payment_link", args)?;
            let lang = locale(args.locale.as_deref())?;
            let basket_id = id_arg("basket_id", &args.basket_id)?;
            let link = self
                .client
                .create_payment_link(basket_id, &ctx)
                .await
                .map_err(|e| api_error(&e, &ctx, &Subject::basket(basket_id)))?;
            Ok(Json(PaymentLinkView::new(&link, lang)))
        })
        .await
    }

    /// Answers a shopper's question about one product (price, stock, sizes, material, dimensions, care, artist…) from that product's own data only.
    /// Returns the answer, whether the data answered it, and the product fields used as sources; when the data is silent the answer says so instead of guessing.
    #[tool(
        name = "answer_product_question",
        title = "Answer a product question",
        input_schema = portable_input_schema::<QuestionArgs>(),
        output_schema = portable_output_schema::<ProductAnswer>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn answer_product_question(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<ProductAnswer>, ToolError> {
        let ctx = trace(&meta);
        logged("answer_product_question", &ctx, async {
            let args: QuestionArgs = arguments("answer_product_question", args)?;
            let question = args.question.trim();
            if question.is_empty() {
                return Err(ToolError::invalid(
                    "question",
                    "question is empty: pass the shopper's question about the product",
                ));
            }
            if question.chars().count() > MAX_QUESTION_CHARS {
                return Err(ToolError::invalid(
                    "question",
                    format!(
                        "question has {} characters; keep it under {MAX_QUESTION_CHARS}",
                        question.chars().count()
                    ),
                ));
            }
            let lang = match args
                .locale
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                Some(tag) => locale(Some(tag))?,
                None => crate::answer::guess_language(question).unwrap_or(Lang::En),
            };
            let product_id = id_arg("product_id", &args.product_id)?;
            let product = self
                .client
                .get_product(product_id, &ctx)
                .await
                .map_err(|e| api_error(&e, &ctx, &Subject::product(product_id)))?;
            Ok(Json(crate::answer::answer(&product, question, lang)))
        })
        .await
    }

    /// Searches the shop's help pages — shipping, returns, payment, gift wrapping, contact, product care, FAQ — in English, Spanish or French.
    /// Returns the best matching pages in the shopper's language (also readable as museo://help/{slug} resources).
    #[tool(
        name = "search_help",
        title = "Search shop help",
        input_schema = portable_input_schema::<HelpArgs>(),
        output_schema = portable_output_schema::<HelpResult>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn search_help(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<HelpResult>, ToolError> {
        let ctx = trace(&meta);
        logged("search_help", &ctx, async {
            let args: HelpArgs = arguments("search_help", args)?;
            let lang = locale(args.locale.as_deref())?;
            let query = args.query.trim();
            if query.is_empty() {
                return Err(ToolError::invalid("query", "query is empty: say what the shopper wants to know (\"shipping to France\", \"devoluciones\")"));
            }
            if query.chars().count() > 200 {
                return Err(ToolError::invalid("query", "query is too long: keep it under 200 characters"));
            }
            let pages = self
                .client
                .list_help_pages(Some(query), &ctx)
                .await
                .map_err(|e| api_error(&e, &ctx, &Subject::default()))?;
            Ok(Json(HelpResult {
                pages: pages
                    .iter()
                    .take(HELP_HITS)
                    .map(|page| help_hit(page, lang))
                    .collect(),
                language: lang,
            }))
        })
        .await
    }
}

impl StorefrontServer {
    async fn basket(&self, basket_id: &str, ctx: &TraceContext) -> Result<Basket, ToolError> {
        let basket_id = id_arg("basket_id", basket_id)?;
        self.client
            .get_basket(basket_id, ctx)
            .await
            .map_err(|e| api_error(&e, ctx, &Subject::basket(basket_id)))
    }

    /// A refused change to a basket line, with the facts behind it: for a
    /// stock refusal the product's SKU, title and stock and the units the
    /// line would have held; for a 404, whether the basket or the product is
    /// missing. Only failed calls pay for these lookups.
    async fn line_refusal(
        &self,
        error: &MuseoError,
        ctx: &TraceContext,
        lang: Lang,
        line: &Line<'_>,
    ) -> ToolError {
        let mut subject = Subject::basket_line(line.basket_id, line.product_id);
        match error.code() {
            "out_of_stock" | "insufficient_stock" => {
                if let Ok(product) = self.client.get_product(line.product_id, ctx).await {
                    let requested = match line.units {
                        Units::Set(quantity) => quantity,
                        Units::Add(quantity) => {
                            let held = match self.client.get_basket(line.basket_id, ctx).await {
                                Ok(basket) => basket
                                    .items
                                    .iter()
                                    .find(|l| l.product_id == product.id)
                                    .map_or(0, |l| l.quantity),
                                Err(_) => 0,
                            };
                            held + quantity
                        }
                    };
                    subject.stock = Some(StockFacts {
                        sku: product.sku.clone(),
                        title: product.title.get(lang).to_owned(),
                        available: product.stock,
                        requested,
                    });
                }
            }
            "not_found" => {
                subject.missing = Some(match self.client.get_basket(line.basket_id, ctx).await {
                    Err(e) if e.is_not_found() => What::Basket,
                    _ => What::Product,
                });
            }
            _ => {}
        }
        api_error(error, ctx, &subject)
    }

    async fn help_pages(&self, ctx: &TraceContext) -> Result<Vec<HelpPage>, ErrorData> {
        self.client.list_help_pages(None, ctx).await.map_err(|e| {
            ErrorData::internal_error(api_error(&e, ctx, &Subject::default()).message, None)
        })
    }
}

const INSTRUCTIONS: &str = "The Museo museum shop's storefront. Find products with \
    search_products (the shopper's own words in English, Spanish or French; prices, \
    categories, colours and 'cheap' are understood), show one with get_product, answer \
    questions about it with answer_product_question (grounded in its data; it says when \
    the data is silent), then add_to_basket (omit basket_id the first time and keep the \
    basket_id it returns), view_basket, remove_from_basket or update_basket_item (set a \
    line's quantity, 0 removes it) and get_payment_link to pay; get_order says whether \
    an order is paid. \
    Shipping, returns and payment questions: search_help. Pass the shopper's locale \
    (en/es/fr) so titles and prices come back in their language. Never invent prices, \
    stock or product facts: quote the tools.";

#[tool_handler(router = self.tool_router)]
impl ServerHandler for StorefrontServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(rmcp::model::Implementation::new(
            "mcp-storefront",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_instructions(INSTRUCTIONS.to_owned())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let ctx = TraceContext::from_meta(Some(&context.meta.0.0));
        let mut resources: Vec<Resource> = self
            .help_pages(&ctx)
            .await?
            .iter()
            .map(|page| {
                Resource::new(format!("{HELP_URI}{}", page.slug), page.slug.clone())
                    .with_title(page.title.get(Lang::En))
                    .with_description(format!(
                        "{} (English; {HELP_URI}{}/es and /fr for Spanish and French)",
                        page.title.get(Lang::En),
                        page.slug
                    ))
                    .with_mime_type("text/markdown")
            })
            .collect();
        resources.push(
            Resource::new(CATEGORIES_URI, "categories")
                .with_title("Product categories")
                .with_description(
                    "Every category slug with its name in en/es/fr and its number of products",
                )
                .with_mime_type("application/json"),
        );
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(format!("{HELP_URI}{{slug}}/{{lang}}"), "help-page")
                .with_title("Shop help page in a language")
                .with_description("A help page (shipping, returns, payment, gift-wrapping, contact, product-care, faq) in en, es or fr")
                .with_mime_type("text/markdown"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let ctx = TraceContext::from_meta(Some(&context.meta.0.0));
        let uri = request.uri.as_str();
        if uri == CATEGORIES_URI {
            let categories = self.client.list_categories(&ctx).await.map_err(|e| {
                ErrorData::internal_error(api_error(&e, &ctx, &Subject::default()).message, None)
            })?;
            let json = serde_json::to_string_pretty(&categories)
                .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
            return Ok(ReadResourceResponse::Complete(ReadResourceResult::new(
                vec![ResourceContents::text(json, uri).with_mime_type("application/json")],
            )));
        }
        let not_found = || {
            ErrorData::resource_not_found(
                format!(
                    "no resource {}; list them with resources/list",
                    truncate(uri, 80)
                ),
                None,
            )
        };
        let rest = uri.strip_prefix(HELP_URI).ok_or_else(not_found)?;
        let (slug, lang) = match rest.split_once('/') {
            None => (rest, Lang::En),
            Some((slug, code)) => (
                slug,
                match code {
                    "en" => Lang::En,
                    "es" => Lang::Es,
                    "fr" => Lang::Fr,
                    _ => return Err(not_found()),
                },
            ),
        };
        let page = match self.client.get_help_page(slug, &ctx).await {
            Ok(page) => page,
            Err(e) if e.is_not_found() || matches!(e, MuseoError::InvalidRequest(_)) => {
                return Err(not_found());
            }
            Err(e) => {
                return Err(ErrorData::internal_error(
                    api_error(&e, &ctx, &Subject::default()).message,
                    None,
                ));
            }
        };
        let text = format!("# {}\n\n{}\n", page.title.get(lang), page.body.get(lang));
        Ok(ReadResourceResponse::Complete(ReadResourceResult::new(
            vec![ResourceContents::text(text, uri).with_mime_type("text/markdown")],
        )))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(vec![
            Prompt::new(
                "shopping_assistant",
                Some("Act as the Museo shop's shopping assistant: find products, answer questions from product data, build a basket and hand over a payment link, in the shopper's language."),
                Some(vec![
                    PromptArgument::new("locale")
                        .with_title("Shopper's locale")
                        .with_description("BCP-47 locale of the shopper (en-GB, es-ES, fr-FR); the assistant answers in its language")
                        .with_required(false),
                ]),
            )
            .with_title("Museo shopping assistant"),
        ]))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        if request.name != "shopping_assistant" {
            return Err(ErrorData::invalid_params(
                format!(
                    "no prompt {:?}; the only prompt is shopping_assistant",
                    truncate(&request.name, 60)
                ),
                None,
            ));
        }
        let locale = match request.arguments.as_ref().and_then(|a| a.get("locale")) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(tag)) => Some(tag.as_str()),
            Some(_) => {
                return Err(ErrorData::invalid_params(
                    "locale must be a string such as \"es-ES\"",
                    None,
                ));
            }
        };
        let lang = text::locale(locale).map_err(|e| ErrorData::invalid_params(e, None))?;
        let language = match lang {
            Lang::En => "English",
            Lang::Es => "Spanish",
            Lang::Fr => "French",
        };
        let text = format!(
            "You are the shopping assistant of the Museo museum shop. Reply in {language}, \
             briefly and warmly, and pass locale \"{code}\" to every tool.\n\n\
             - Find products with search_products using the shopper's own words; show at most \
               five, each with its title, price and whether it is in stock.\n\
             - For details use get_product; for questions about a product use \
               answer_product_question and repeat its answer. If it says the data does not \
               answer the question, say so: never guess prices, sizes, materials or stock.\n\
             - To buy, call add_to_basket (leave basket_id out the first time, then always pass \
               the basket_id it returned), show the basket total, and when the shopper is ready \
               call get_payment_link and give them the url and when it expires. To change \
               how many of a product the basket holds, call update_basket_item with the new \
               quantity (0 removes it); to see whether an order is paid, get_order.\n\
             - Questions about shipping, returns, payment or opening hours: search_help.\n\
             - If a tool returns an error, tell the shopper what happened in plain words and \
               what they can do; if it says a retry may help, try once more.",
            code = lang.code()
        );
        Ok(GetPromptResponse::Complete(
            GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                .with_description("Museo shopping assistant"),
        ))
    }
}

/// The trace of a call: the caller's `traceparent` from `_meta`, or a new one.
fn trace(meta: &RequestMetaObject) -> TraceContext {
    TraceContext::from_meta(Some(&meta.0.0))
}

/// Runs one tool call, logging its outcome with the correlation id.
async fn logged<T>(
    tool: &'static str,
    ctx: &TraceContext,
    call: impl Future<Output = Result<T, ToolError>>,
) -> Result<T, ToolError> {
    let started = Instant::now();
    let result = call.await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let correlation_id = ctx.correlation_id();
    match &result {
        Ok(_) => tracing::info!(tool, %correlation_id, ms, "tool call ok"),
        Err(error) => {
            tracing::info!(tool, %correlation_id, ms, code = %error.code_name(), error = %truncate(&error.message, 200), "tool call refused")
        }
    }
    result
}

/// A tool's arguments read into `T`: a wrong type, a missing field or a
/// misspelt one is an `invalid_argument` naming the field, worded as
/// [`museo_sdk::serve::tool_arguments`] words it.
fn arguments<T: serde::de::DeserializeOwned>(tool: &str, args: JsonObject) -> Result<T, ToolError> {
    serde_path_to_error::deserialize(serde_json::Value::Object(args)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." {
            // A missing or unknown field is named between backticks.
            let field = inner
                .split('`')
                .nth(1)
                .map_or_else(String::new, |f| truncate(f, 60));
            ToolError::invalid(&field, format!("invalid arguments for {tool}: {inner}"))
        } else {
            let field = path.split(['.', '[']).next().unwrap_or_default();
            ToolError::invalid(
                field,
                format!("invalid argument `{path}` for {tool}: {inner}"),
            )
        }
    })
}

/// The shopper's `locale` argument.
fn locale(tag: Option<&str>) -> Result<Lang, ToolError> {
    text::locale(tag).map_err(|e| ToolError::invalid("locale", e))
}

/// A non-empty id of at most 200 characters.
fn id_arg<'a>(name: &str, value: &'a str) -> Result<&'a str, ToolError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ToolError::invalid(name, format!("{name} is empty")));
    }
    if value.chars().count() > 200 {
        return Err(ToolError::invalid(
            name,
            format!("{name} is too long to be an id (at most 200 characters)"),
        ));
    }
    Ok(value)
}

/// The basket line a call changes.
#[derive(Debug)]
struct Line<'a> {
    basket_id: &'a str,
    product_id: &'a str,
    units: Units,
}

/// How a call changes a line's units.
#[derive(Debug, Clone, Copy)]
enum Units {
    /// Adds this many.
    Add(i64),
    /// Sets the line to this many.
    Set(i64),
}

fn help_hit(page: &HelpPage, lang: Lang) -> HelpHit {
    HelpHit {
        slug: page.slug.clone(),
        title: page.title.get(lang).to_owned(),
        body: page.body.get(lang).to_owned(),
        uri: match lang {
            Lang::En => format!("{HELP_URI}{}", page.slug),
            other => format!("{HELP_URI}{}/{}", page.slug, other.code()),
        },
    }
}

/// The Streamable HTTP app (`/mcp` and `/healthz`) serving `client`, with the
/// default (loopback-only) host checks; `cancel` ends its sessions.
pub fn router(client: MuseoClient, cancel: tokio_util::sync::CancellationToken) -> axum::Router {
    let server = StorefrontServer::new(client);
    museo_sdk::serve::http_router(
        move || server.clone(),
        &museo_sdk::serve::HttpConfig::default(),
        cancel,
    )
}
