//! The MCP surface of mcp-admin.
//!
//! Every tool first asks the [`Gate`] who is calling (and refuses with no
//! side effect when it cannot tell), then acts through the Museo admin API
//! with mcp-admin's own service account, naming the verified admin as the
//! one it acts for. Arguments are deserialized here, so a wrong type or a
//! misspelt field is a tool error naming the field, which the model can fix.

use std::sync::Arc;
use std::time::Instant;

use museo_sdk::museo::{MuseoClient, MuseoError};
use museo_sdk::parse::fold;
use museo_sdk::serve::{portable_input_schema, portable_output_schema};
use museo_sdk::telemetry::TraceContext;
use museo_sdk::types::{
    BulkMode, Currency, Lang, Localized, Money, Product, ProductInput, ProductPatch, ProductQuery,
};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{Extensions, JsonObject, RequestMetaObject};
use rmcp::service::ElicitationError;
use rmcp::{Json, Peer, RoleServer, ServerHandler, tool, tool_handler, tool_router};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use crate::auth::{Actor, Gate};
use crate::describe;
use crate::jobs::Jobs;
use crate::views::{Deleted, ImportReport, ProductList, ProductRow, ProductView};

/// Highest price accepted.
const MAX_PRICE: u32 = 1_000_000;
/// Most characters in a description to read.
const MAX_DESCRIPTION_CHARS: usize = 2000;

/// Arguments of `create_product`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    /// The product in the admin's words, in English, Spanish or French: "Ceramic vase inspired by Miró, 49.90 EUR, 12 in stock, SKU VASE-MIRO-01". Title, price, currency, stock, SKU, category, colour and "published/draft" are read from it; structured fields below override it.
    pub description: Option<String>,
    /// Title (in the language of `locale`, English by default).
    pub title: Option<String>,
    /// Price, greater than 0 (a number or a decimal string such as "49.90").
    pub price: Option<serde_json::Value>,
    /// ISO 4217 currency (default EUR).
    pub currency: Option<String>,
    /// Units in stock, 0 or more (default 0).
    pub stock: Option<i64>,
    /// SKU: letters, digits, `.`, `_`, `-`, at most 64 (generated from the title when absent).
    pub sku: Option<String>,
    /// Category slug (mugs, prints, scarves…).
    pub category: Option<String>,
    /// Facts such as material, colour, dimensions, artist.
    pub attributes: Option<std::collections::BTreeMap<String, String>>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Longer text shown on the product page.
    pub long_description: Option<String>,
    /// Make it visible to shoppers now (default false: new products are drafts).
    pub published: Option<bool>,
    /// BCP-47 locale of the text (en, es, fr); by default the language it is written in.
    pub locale: Option<String>,
}

/// Arguments of `update_product`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    /// The product: its id (prd_…), SKU, or a name that matches exactly one product.
    pub product_id: String,
    /// The change in the admin's words: "price 39.90 EUR, 5 in stock, published". Price, currency, stock, category and published are read from it; structured fields below override it.
    pub changes: Option<String>,
    /// New title (in the language of `locale`, English by default; other languages are kept).
    pub title: Option<String>,
    /// New description (in the language of `locale`).
    pub description: Option<String>,
    /// New price, greater than 0 (a number or a decimal string).
    pub price: Option<serde_json::Value>,
    /// ISO 4217 currency of the new price (default: the product's).
    pub currency: Option<String>,
    /// New stock, 0 or more.
    pub stock: Option<i64>,
    /// New SKU.
    pub sku: Option<String>,
    /// New category slug.
    pub category: Option<String>,
    /// Attributes to set; an empty value removes that attribute.
    pub attributes: Option<std::collections::BTreeMap<String, String>>,
    /// Replaces the tags.
    pub tags: Option<Vec<String>>,
    /// Publish (true) or unpublish (false).
    pub published: Option<bool>,
    /// BCP-47 locale of the title/description text (en, es, fr).
    pub locale: Option<String>,
}

/// Arguments of `delete_product`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteArgs {
    /// The product: its id, SKU, or a name that matches exactly one product.
    pub product_id: String,
    /// Set to true only after the admin has confirmed this deletion. Without it, clients that support elicitation are asked; others get an error asking for confirmation.
    pub confirm: Option<bool>,
}

/// Arguments of `get_product`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetArgs {
    /// The product: its id, SKU, handle, or a name that matches exactly one product. Drafts included.
    pub product_id: String,
}

/// Arguments of `list_products`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Words to look for in titles, descriptions, SKUs and attributes (any of en/es/fr).
    pub query: Option<String>,
    /// Category slug.
    pub category: Option<String>,
    /// Only products with stock.
    pub in_stock: Option<bool>,
    /// Results per page, 1–100 (default 20).
    pub limit: Option<u32>,
    /// The next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// Arguments of `import_products`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportArgs {
    /// A file on this server's machine: CSV (Shopify or WooCommerce exports as they come, or any columns in en/es/fr), XLSX, XLS, ODS, JSON or NDJSON.
    pub path: Option<String>,
    /// The file's content instead of a path: text, or base64 prefixed with `base64:` (or a data: URL) for binary files such as XLSX.
    pub content: Option<String>,
    /// csv, xlsx, xls, ods, json or ndjson; detected from the name and content when absent.
    pub format: Option<String>,
    /// Report what would be created, updated or skipped, and every bad row, without writing anything.
    pub dry_run: Option<bool>,
    /// upsert (default: create new SKUs, update existing ones) or create (existing SKUs are errors).
    pub mode: Option<BulkMode>,
    /// Publish every imported product (true) or keep them drafts (false); by default the file's own published/status column, else drafts.
    pub publish: Option<bool>,
    /// Currency of prices the file does not qualify (default EUR).
    pub currency: Option<String>,
    /// Run as a background job and return its job_id at once (poll with get_import_job). By default files over 100 MB run in the background; false keeps any file in the foreground.
    pub background: Option<bool>,
}

/// Arguments of `get_import_job`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobArgs {
    /// The job_id import_products returned.
    pub job_id: String,
    /// Set to true to stop the job (what was written stays; re-running the file is safe).
    pub cancel: Option<bool>,
}

/// Asked of the admin before a delete, on clients that support elicitation.
#[derive(Debug, Deserialize, serde::Serialize, JsonSchema)]
pub struct ConfirmDelete {
    /// Delete it (this cannot be undone).
    pub confirm: bool,
}
rmcp::elicit_safe!(ConfirmDelete);

/// The MCP server of mcp-admin. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AdminServer {
    client: MuseoClient,
    gate: Arc<Gate>,
    jobs: Arc<Jobs>,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl AdminServer {
    /// A server writing through `client` (which must carry a service account)
    /// and admitting callers through `gate`.
    pub fn new(client: MuseoClient, gate: Arc<Gate>) -> Self {
        Self {
            client,
            gate,
            jobs: Arc::new(Jobs::default()),
            tool_router: Self::tool_router(),
        }
    }

    /// Creates a catalog product from a sentence in English, Spanish or French ("Jarrón de cerámica azul, 35 euros, 5 unidades") or from structured fields.
    /// Title and price are required; new products are unpublished drafts unless asked. Returns the created product and what was read from the sentence.
    #[tool(
        name = "create_product",
        title = "Create product",
        input_schema = portable_input_schema::<CreateArgs>(),
        output_schema = portable_output_schema::<ProductView>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false)
    )]
    async fn create_product(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
        extensions: Extensions,
    ) -> Result<Json<ProductView>, String> {
        let (ctx, actor) = self.admit("create_product", &meta, &extensions).await?;
        let args: CreateArgs = museo_sdk::serve::tool_arguments("create_product", args)?;
        let lang = locale(args.locale.as_deref())?;
        let described = match args.description.as_deref().map(str::trim) {
            Some(text) if text.chars().count() > MAX_DESCRIPTION_CHARS => {
                return Err(format!(
                    "description is over {MAX_DESCRIPTION_CHARS} characters; describe the product in a sentence or two"
                ));
            }
            Some(text) if !text.is_empty() => Some(describe::describe(text, lang)),
            _ => None,
        };
        let said = described.clone().unwrap_or_default();
        let lang = lang.or(said.language).unwrap_or(Lang::En);
        let title = args
            .title
            .clone()
            .or(said.title.clone())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        let price = match &args.price {
            Some(value) => Some(price_arg("price", value)?),
            None => said
                .price
                .as_deref()
                .map(|p| p.parse::<Decimal>())
                .transpose()
                .map_err(|e| e.to_string())?
                .map(|d| (d, said.currency.clone())),
        };
        let mut missing = Vec::new();
        if title.is_none() {
            missing.push("title");
        }
        if price.is_none() {
            missing.push("price");
        }
        if !missing.is_empty() {
            return Err(format!(
                "missing required field{}: {}. Give them as arguments or in the description, e.g. \"Ceramic vase inspired by Miró, 49.90 EUR, 12 in stock\"",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(" and ")
            ));
        }
        let (Some(title), Some((amount, said_currency))) = (title, price) else {
            return Err("title and price are required".to_owned());
        };
        let currency = currency_arg(args.currency.as_deref().or(said_currency.as_deref()))?;
        let price = money(amount, &currency)?;
        let stock = args.stock.or(said.stock);
        check_stock(stock)?;
        let mut attributes = args.attributes.clone().unwrap_or_default();
        if let Some(colour) = &said.colour {
            attributes
                .entry("colour".into())
                .or_insert_with(|| colour.clone());
        }
        let input = ProductInput {
            sku: args
                .sku
                .clone()
                .or(said.sku.clone())
                .map(|s| s.trim().to_owned()),
            handle: None,
            title: localized(lang, &title),
            description: args
                .long_description
                .as_deref()
                .or(said.description.as_deref())
                .map(|d| localized(lang, d))
                .unwrap_or_default(),
            price,
            stock,
            category: args.category.clone().or(said.category.clone()),
            tags: args.tags.clone().unwrap_or_default(),
            attributes,
            images: Vec::new(),
            variants: Vec::new(),
            published: Some(args.published.or(said.published).unwrap_or(false)),
        };
        let product = self
            .client
            .admin_create_product(&input, actor.subject.as_deref(), &ctx)
            .await
            .map_err(|e| api_error(&e, &ctx))?;
        tracing::info!(correlation_id = %ctx.correlation_id(), via = actor.via, sku = %product.sku, "product created");
        Ok(Json(ProductView {
            product,
            understood: described,
        }))
    }

    /// Changes a product found by id, SKU or an unambiguous name: only the fields given change.
    /// A change may also be written in words ("price 39.90 EUR, 5 in stock, publish it"). Prices must be above 0, stock 0 or more, currencies ISO 4217. Returns the updated product.
    #[tool(
        name = "update_product",
        title = "Update product",
        input_schema = portable_input_schema::<UpdateArgs>(),
        output_schema = portable_output_schema::<ProductView>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn update_product(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
        extensions: Extensions,
    ) -> Result<Json<ProductView>, String> {
        let (ctx, actor) = self.admit("update_product", &meta, &extensions).await?;
        let args: UpdateArgs = museo_sdk::serve::tool_arguments("update_product", args)?;
        let lang = locale(args.locale.as_deref())?.unwrap_or(Lang::En);
        let described = match args.changes.as_deref().map(str::trim) {
            Some(text) if text.chars().count() > MAX_DESCRIPTION_CHARS => {
                return Err(format!(
                    "changes is over {MAX_DESCRIPTION_CHARS} characters"
                ));
            }
            Some(text) if !text.is_empty() => Some(describe::describe(text, Some(lang))),
            _ => None,
        };
        let said = described.clone().unwrap_or_default();
        let product = self.resolve(&args.product_id, &actor, &ctx).await?;
        let price = match &args.price {
            Some(value) => Some(price_arg("price", value)?),
            None => said
                .price
                .as_deref()
                .map(|p| p.parse::<Decimal>())
                .transpose()
                .map_err(|e| e.to_string())?
                .map(|d| (d, said.currency.clone())),
        };
        let price = match price {
            Some((amount, said_currency)) => {
                let currency = match args.currency.as_deref().or(said_currency.as_deref()) {
                    Some(code) => currency_arg(Some(code))?,
                    None => product.price.currency.clone(),
                };
                Some(money(amount, &currency)?)
            }
            None if args.currency.is_some() => {
                let currency = currency_arg(args.currency.as_deref())?;
                Some(money(
                    product
                        .price
                        .amount
                        .parse::<Decimal>()
                        .map_err(|e| e.to_string())?,
                    &currency,
                )?)
            }
            None => None,
        };
        let stock = args.stock.or(said.stock);
        check_stock(stock)?;
        let patch = ProductPatch {
            sku: args.sku.clone().map(|s| s.trim().to_owned()),
            handle: None,
            title: args.title.as_deref().map(|t| partial(lang, t)),
            description: args.description.as_deref().map(|d| partial(lang, d)),
            price,
            stock,
            category: args.category.clone().or(said.category.clone()),
            tags: args.tags.clone(),
            attributes: args.attributes.clone(),
            images: None,
            variants: None,
            published: args.published.or(said.published),
        };
        if patch == ProductPatch::default() {
            return Err("nothing to change: give at least one field (price, stock, title, published…) or describe the change in `changes`".to_owned());
        }
        let updated = self
            .client
            .admin_update_product(&product.id, &patch, actor.subject.as_deref(), &ctx)
            .await
            .map_err(|e| api_error(&e, &ctx))?;
        tracing::info!(correlation_id = %ctx.correlation_id(), via = actor.via, sku = %updated.sku, "product updated");
        Ok(Json(ProductView {
            product: updated,
            understood: described,
        }))
    }

    /// Deletes a product for good. Never without confirmation: clients that support elicitation ask the admin; otherwise pass confirm: true only after the admin has said yes.
    /// Returns what was deleted.
    #[tool(
        name = "delete_product",
        title = "Delete product",
        input_schema = portable_input_schema::<DeleteArgs>(),
        output_schema = portable_output_schema::<Deleted>(),
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn delete_product(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
        extensions: Extensions,
        peer: Peer<RoleServer>,
    ) -> Result<Json<Deleted>, String> {
        let (ctx, actor) = self.admit("delete_product", &meta, &extensions).await?;
        let args: DeleteArgs = museo_sdk::serve::tool_arguments("delete_product", args)?;
        let product = self.resolve(&args.product_id, &actor, &ctx).await?;
        let what = format!("{} ({}, {})", product.title.en, product.sku, product.id);
        let confirmed_by = match args.confirm {
            Some(true) => "confirm",
            Some(false) => return Err(format!("not deleted: confirm is false, so {what} stays")),
            None if can_elicit(&peer) => {
                match peer
                    .elicit::<ConfirmDelete>(format!("Delete {what}? This cannot be undone."))
                    .await
                {
                    Ok(Some(ConfirmDelete { confirm: true })) => "elicitation",
                    Ok(_) | Err(ElicitationError::UserDeclined) => {
                        return Err(format!(
                            "not deleted: the admin did not confirm deleting {what}"
                        ));
                    }
                    Err(ElicitationError::UserCancelled) => {
                        return Err(format!(
                            "not deleted: the admin dismissed the confirmation for {what}"
                        ));
                    }
                    Err(e) => {
                        return Err(format!(
                            "not deleted: could not ask the admin to confirm ({e}); call again with confirm: true once they have"
                        ));
                    }
                }
            }
            None => {
                return Err(format!(
                    "not deleted: deleting {what} cannot be undone, so it needs the admin's confirmation. Ask them, then call delete_product again with confirm: true"
                ));
            }
        };
        let deleted = self
            .client
            .admin_delete_product(&product.id, actor.subject.as_deref(), &ctx)
            .await
            .map_err(|e| api_error(&e, &ctx))?;
        tracing::info!(correlation_id = %ctx.correlation_id(), via = actor.via, sku = %deleted.sku, confirmed_by, "product deleted");
        Ok(Json(Deleted {
            deleted: true,
            id: deleted.id,
            sku: deleted.sku,
            title: deleted.title.en,
            confirmed_by: confirmed_by.to_owned(),
        }))
    }

    /// One product with everything the admin API knows (drafts included), by id, SKU, handle or an unambiguous name.
    #[tool(
        name = "get_product",
        title = "Get product",
        input_schema = portable_input_schema::<GetArgs>(),
        output_schema = portable_output_schema::<ProductView>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_product(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
        extensions: Extensions,
    ) -> Result<Json<ProductView>, String> {
        let (ctx, actor) = self.admit("get_product", &meta, &extensions).await?;
        let args: GetArgs = museo_sdk::serve::tool_arguments("get_product", args)?;
        let product = self.resolve(&args.product_id, &actor, &ctx).await?;
        Ok(Json(ProductView {
            product,
            understood: None,
        }))
    }

    /// Lists catalog products, drafts included, optionally filtered by words, category or stock.
    #[tool(
        name = "list_products",
        title = "List products",
        input_schema = portable_input_schema::<ListArgs>(),
        output_schema = portable_output_schema::<ProductList>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn list_products(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
        extensions: Extensions,
    ) -> Result<Json<ProductList>, String> {
        let (ctx, actor) = self.admit("list_products", &meta, &extensions).await?;
        let args: ListArgs = museo_sdk::serve::tool_arguments("list_products", args)?;
        let limit = args.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(format!("limit must be between 1 and 100; got {limit}"));
        }
        if args.query.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err("query is over 200 characters".to_owned());
        }
        let query = ProductQuery {
            q: args.query.clone().filter(|q| !q.trim().is_empty()),
            category: args.category.clone().filter(|c| !c.trim().is_empty()),
            in_stock: args.in_stock.filter(|s| *s),
            limit: Some(limit),
            cursor: args.cursor.clone().filter(|c| !c.trim().is_empty()),
            include_unpublished: Some(true),
            ..ProductQuery::default()
        };
        let page = self
            .client
            .admin_list_products(&query, actor.subject.as_deref(), &ctx)
            .await
            .map_err(|e| api_error(&e, &ctx))?;
        Ok(Json(ProductList {
            products: page.items.iter().map(ProductRow::from).collect(),
            next_cursor: page.next_cursor,
        }))
    }

    /// Imports products from a file (path on this machine) or inline content: CSV — Shopify and WooCommerce exports as they come, or columns named in en/es/fr, comma or semicolon, UTF-8 or Windows-1252 — XLSX, XLS, ODS, JSON or NDJSON.
    /// Upserts by SKU (re-running a file creates nothing new); dry_run reports the plan and every bad row without writing. Reports progress while it runs, stops when cancelled, and large files run as a background job (poll get_import_job).
    #[tool(
        name = "import_products",
        title = "Import products",
        input_schema = portable_input_schema::<ImportArgs>(),
        output_schema = portable_output_schema::<ImportReport>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn import_products(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
        extensions: Extensions,
        peer: Peer<RoleServer>,
        cancel: CancellationToken,
    ) -> Result<Json<ImportReport>, String> {
        let progress = meta.get_progress_token();
        let (ctx, actor) = self.admit("import_products", &meta, &extensions).await?;
        let args: ImportArgs = museo_sdk::serve::tool_arguments("import_products", args)?;
        let request = crate::run::ImportRequest::from_args(&args)?;
        let run = crate::run::Run {
            client: self.client.clone(),
            on_behalf_of: actor.subject.clone(),
            ctx,
        };
        if request.background {
            let report = self.jobs.start(run, request);
            return Ok(Json(report));
        }
        let sink = crate::run::Progress::Peer {
            peer,
            token: progress,
        };
        let report = run.execute(request, sink, cancel).await?;
        tracing::info!(correlation_id = %ctx.correlation_id(), via = actor.via, created = report.created, updated = report.updated, failed = report.failed_count, "import finished");
        Ok(Json(report))
    }

    /// The state of a background import: counts so far, failures, and whether it is still running. Can also cancel it.
    #[tool(
        name = "get_import_job",
        title = "Import job status",
        input_schema = portable_input_schema::<JobArgs>(),
        output_schema = portable_output_schema::<ImportReport>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_import_job(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
        extensions: Extensions,
    ) -> Result<Json<ImportReport>, String> {
        let (_ctx, _actor) = self.admit("get_import_job", &meta, &extensions).await?;
        let args: JobArgs = museo_sdk::serve::tool_arguments("get_import_job", args)?;
        self.jobs
            .get(args.job_id.trim(), args.cancel == Some(true))
            .map(Json)
            .ok_or_else(|| {
                format!(
                    "no import job {:?}: jobs are kept in memory until the server restarts",
                    args.job_id.chars().take(40).collect::<String>()
                )
            })
    }
}

impl AdminServer {
    /// The trace of the call and who it is for; refuses before anything else.
    async fn admit(
        &self,
        tool: &'static str,
        meta: &RequestMetaObject,
        extensions: &Extensions,
    ) -> Result<(TraceContext, Actor), String> {
        let ctx = TraceContext::from_meta(Some(&meta.0.0));
        let bearer = extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<museo_sdk::auth::Verified>());
        match self.gate.authorize(&meta.0.0, bearer).await {
            Ok(actor) => {
                tracing::info!(tool, correlation_id = %ctx.correlation_id(), via = actor.via, subject = actor.subject.as_deref().unwrap_or("-"), "admin call");
                Ok((ctx, actor))
            }
            Err(refusal) => {
                tracing::warn!(tool, correlation_id = %ctx.correlation_id(), "admin call refused");
                Err(format!(
                    "{refusal} (correlation id {})",
                    ctx.correlation_id()
                ))
            }
        }
    }

    /// A product by id, SKU or handle, else by a name that matches exactly one.
    async fn resolve(
        &self,
        reference: &str,
        actor: &Actor,
        ctx: &TraceContext,
    ) -> Result<Product, String> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Err("product_id is empty: give the product's id, SKU or name".to_owned());
        }
        if reference.chars().count() > 200 {
            return Err("product_id is over 200 characters".to_owned());
        }
        match self
            .client
            .admin_get_product(reference, actor.subject.as_deref(), ctx)
            .await
        {
            Ok(product) => return Ok(product),
            Err(e) if e.is_not_found() || matches!(e, MuseoError::InvalidRequest(_)) => {}
            Err(e) => return Err(api_error(&e, ctx)),
        }
        let query = ProductQuery {
            q: Some(reference.to_owned()),
            include_unpublished: Some(true),
            limit: Some(10),
            ..ProductQuery::default()
        };
        let page = self
            .client
            .admin_list_products(&query, actor.subject.as_deref(), ctx)
            .await
            .map_err(|e| api_error(&e, ctx))?;
        // Only titles that are the name, or contain all its words, count: a
        // search also returns loose matches, and a write must not land on one.
        let wanted = fold(reference);
        let wanted_words = museo_sdk::parse::words(&wanted);
        let titles = |p: &Product| [fold(&p.title.en), fold(&p.title.es), fold(&p.title.fr)];
        let exact: Vec<&Product> = page
            .items
            .iter()
            .filter(|p| titles(p).iter().any(|t| t.trim() == wanted.trim()))
            .collect();
        let containing: Vec<&Product> = page
            .items
            .iter()
            .filter(|p| {
                titles(p).iter().any(|t| {
                    let words = museo_sdk::parse::words(t);
                    wanted_words.iter().all(|w| words.contains(w))
                })
            })
            .collect();
        let candidates = if exact.is_empty() { containing } else { exact };
        match candidates.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(format!(
                "no product with id, SKU or name {reference:?}; list_products finds products by words"
            )),
            several => {
                let listed: Vec<String> = several
                    .iter()
                    .take(5)
                    .map(|p| format!("{} ({}, {})", p.title.en, p.sku, p.id))
                    .collect();
                Err(format!(
                    "{reference:?} matches several products: {}. Pass the id or SKU of the one you mean",
                    listed.join("; ")
                ))
            }
        }
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "mcp-admin",
    instructions = "Manage the Museo shop's catalog. create_product takes a sentence in English, \
        Spanish or French ('Ceramic vase inspired by Miró, 49.90 EUR, 12 in stock, SKU VASE-MIRO-01') \
        or fields; new products are drafts unless asked. update_product changes only what is given, \
        finding the product by id, SKU or exact name. delete_product needs the admin's explicit \
        confirmation (confirm: true after asking them). import_products reads Shopify or WooCommerce \
        CSV exports, spreadsheets, JSON or NDJSON; run it with dry_run: true first and show the plan. \
        get_product and list_products include drafts. Every call acts for the verified admin."
)]
impl ServerHandler for AdminServer {}

fn can_elicit(peer: &Peer<RoleServer>) -> bool {
    peer.peer_info().is_some_and(|info| {
        info.capabilities.elicitation.is_some()
            && info.protocol_version < rmcp::model::ProtocolVersion::V_2026_07_28
    })
}

fn locale(tag: Option<&str>) -> Result<Option<Lang>, String> {
    match tag.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(tag)
            if tag.len() <= 35
                && tag
                    .split(['-', '_'])
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric())) =>
        {
            Ok(Some(Lang::from_tag(tag).unwrap_or(Lang::En)))
        }
        Some(_) => {
            Err("locale is not a BCP-47 tag such as \"en\", \"es-ES\" or \"fr-FR\"".to_owned())
        }
    }
}

fn price_arg(name: &str, value: &serde_json::Value) -> Result<(Decimal, Option<String>), String> {
    let (amount, currency) = describe::price_value(value).ok_or_else(|| {
        format!(
            "{name} must be a number or a decimal string such as \"49.90\"; got {}",
            truncate_json(value)
        )
    })?;
    if amount <= Decimal::ZERO {
        return Err(format!("{name} must be greater than 0; got {amount}"));
    }
    if amount > Decimal::from(MAX_PRICE) {
        return Err(format!("{name} must be at most {MAX_PRICE}; got {amount}"));
    }
    Ok((amount, currency.map(str::to_owned)))
}

fn truncate_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

fn currency_arg(code: Option<&str>) -> Result<String, String> {
    let code = code
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or("EUR");
    Currency::parse(&code.to_ascii_uppercase())
        .map(|c| c.code().to_owned())
        .map_err(|_| {
            format!(
                "currency {:?} is not an ISO 4217 code such as EUR, USD or GBP",
                code.chars().take(20).collect::<String>()
            )
        })
}

fn money(amount: Decimal, currency: &str) -> Result<Money, String> {
    Money::parse(&amount.normalize().to_string(), currency).map_err(|e| format!("price: {e}"))
}

fn check_stock(stock: Option<i64>) -> Result<(), String> {
    match stock {
        Some(s) if s < 0 => Err(format!("stock must be 0 or more; got {s}")),
        Some(s) if s > 1_000_000_000 => Err(format!("stock must be at most 1000000000; got {s}")),
        _ => Ok(()),
    }
}

fn localized(lang: Lang, text: &str) -> Localized {
    let mut out = Localized::default();
    match lang {
        Lang::En => out.en = text.to_owned(),
        Lang::Es => out.es = text.to_owned(),
        Lang::Fr => out.fr = text.to_owned(),
    }
    out
}

/// A patch of one language only (the API keeps the others).
fn partial(lang: Lang, text: &str) -> Localized {
    localized(lang, text.trim())
}

/// A Museo API failure as a message the model can act on.
pub fn api_error(error: &MuseoError, ctx: &TraceContext) -> String {
    let correlation_id = ctx.correlation_id();
    let what = match error {
        MuseoError::Api { body, .. } => {
            let field = body
                .field
                .as_deref()
                .map(|f| format!(" (field {f})"))
                .unwrap_or_default();
            format!("{}{field}.", body.message.trim_end_matches('.'))
        }
        other => format!("{other}."),
    };
    let retry = if error.is_retryable() {
        "The Museo API is unavailable right now; retrying in a few seconds may help."
    } else {
        "Retrying the same call will not help."
    };
    format!("{what} {retry} (correlation id {correlation_id})")
}

/// Start time helper for reports.
pub(crate) fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
