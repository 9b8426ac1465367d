//! What mcp-admin's tools return (their `outputSchema`s).

use museo_sdk::types::{Money, Product};
use schemars::JsonSchema;
use serde::Serialize;

use crate::describe::Described;

/// A product as the admin API returns it, drafts included.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProductView {
    /// The product (id, sku, handle, title and description per language, price, stock, category, tags, attributes, images, variants, published, url, timestamps).
    #[serde(flatten)]
    pub product: Product,
    /// What was read out of a natural-language description or change, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub understood: Option<Described>,
}

/// Result of `delete_product`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Deleted {
    /// Always true: a refused delete is a tool error.
    pub deleted: bool,
    /// The deleted product's id.
    pub id: String,
    /// Its SKU.
    pub sku: String,
    /// Its English title.
    pub title: String,
    /// How the deletion was confirmed: `confirm` (the argument) or `elicitation` (the admin answered the client's prompt).
    pub confirmed_by: String,
}

/// One product in a list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProductRow {
    /// Product id.
    pub id: String,
    /// SKU.
    pub sku: String,
    /// English title.
    pub title: String,
    /// Price.
    pub price: Money,
    /// Units in stock.
    pub stock: i64,
    /// Visible to shoppers.
    pub published: bool,
    /// Category slug.
    pub category: String,
}

impl From<&Product> for ProductRow {
    fn from(p: &Product) -> Self {
        Self {
            id: p.id.clone(),
            sku: p.sku.clone(),
            title: p.title.en.clone(),
            price: p.price.clone(),
            stock: p.stock,
            published: p.published,
            category: p.category.clone(),
        }
    }
}

/// Result of `list_products`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProductList {
    /// Matching products, drafts included.
    pub products: Vec<ProductRow>,
    /// Pass back as `cursor` for more.
    pub next_cursor: Option<String>,
}

/// A row that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RowFailure {
    /// The line (CSV, NDJSON), row (sheets) or position (JSON) in the file, from 1.
    pub row: u64,
    /// The SKU, when the row had one.
    pub sku: Option<String>,
    /// What is wrong, naming the field.
    pub error: String,
}

/// What a dry run would do with one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PlanEntry {
    /// Where the product starts in the file.
    pub row: u64,
    /// Its SKU.
    pub sku: Option<String>,
    /// `create`, `update` or `skip` (already up to date).
    pub action: String,
}

/// Result of `import_products` and `get_import_job`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct ImportReport {
    /// `running` (a background job), `done`, `cancelled` or `failed`.
    pub status: String,
    /// The background job's id, to poll with get_import_job.
    pub job_id: Option<String>,
    /// True when nothing was written.
    pub dry_run: bool,
    /// `upsert` or `create`.
    pub mode: String,
    /// The file format read (csv, xlsx, xls, ods, json, ndjson).
    pub format: String,
    /// The layout recognised: generic, shopify or woocommerce.
    pub layout: String,
    /// Rows (lines) read so far.
    pub rows_read: u64,
    /// Products sent to the catalog (several Shopify rows make one product).
    pub products: u64,
    /// Products created (or that would be, in a dry run).
    pub created: u64,
    /// Products updated (or that would be).
    pub updated: u64,
    /// Products already up to date.
    pub unchanged: u64,
    /// Rows or products refused, with the reason (the first 1000).
    pub failed: Vec<RowFailure>,
    /// How many were refused in all.
    pub failed_count: u64,
    /// Dry run: what would happen to each product (the first 1000).
    pub plan: Vec<PlanEntry>,
    /// Notes about the file (columns ignored, SKUs generated…).
    pub warnings: Vec<String>,
    /// Why the import stopped early, when it did.
    pub stopped: Option<String>,
    /// Time taken so far, in milliseconds.
    pub duration_ms: u64,
}
