//! mcp-admin: the Museo catalog managed over MCP.
//!
//! Tools (DESIGN.md): `create_product` (from a sentence in en/es/fr or
//! structured fields), `update_product`, `delete_product` (never without
//! confirmation), `import_products` (CSV incl. Shopify and WooCommerce
//! exports, XLSX/XLS/ODS, JSON, NDJSON; streamed, batched, with progress),
//! plus `get_product`, `list_products` and `get_import_job` for an admin's
//! own checks. Every write goes through the Museo admin API with
//! mcp-admin's own service-account token, on behalf of the verified admin
//! ([`auth`]).
//!
//! - [`describe`] reads a product out of a sentence;
//! - [`import`] reads product files into API inputs, streaming;
//! - [`run`] and [`jobs`] run an import in batches, in the foreground or as a job;
//! - [`views`] holds the tools' result shapes;
//! - [`server`] is the MCP surface.

pub mod auth;
pub mod describe;
pub mod import;
pub mod jobs;
pub mod run;
pub mod server;
pub mod views;

pub use server::AdminServer;
