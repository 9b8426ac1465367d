//! mcp-storefront: shopping over MCP.
//!
//! Seven tools with fixed names and arguments (see the README) — `search_products`,
//! `get_product`, `add_to_basket`, `view_basket`, `remove_from_basket`,
//! `get_payment_link`, `answer_product_question` — plus `update_basket_item`
//! (set a line's quantity), `get_order` (is it paid?), `search_help` over
//! the shop's shipping, returns and payment pages, those pages as resources,
//! and a `shopping_assistant` prompt.
//!
//! Every tool calls the Museo REST API through [`museo_sdk::museo::MuseoClient`];
//! with no `MUSEO_API_URL` the binary starts the sandbox in-process
//! ([`museo_sandbox::embedded`]). The modules split the work the way a reader looks for it:
//!
//! - [`query`] reads a natural-language search ("tazas azules baratas",
//!   "posters under 30 euros") into API filters;
//! - [`answer`] answers a question about one product from its own fields,
//!   and says so when they do not answer it;
//! - [`cards`] holds the result shapes (the tools' `outputSchema`s) and turns
//!   API types into them in the requested language;
//! - [`text`] has the few words the server writes itself, in en/es/fr, and
//!   money formatted for a reader;
//! - [`error`] makes every refusal a tool error with English text for a
//!   model and `_meta["dev.museo/error"]` (a stable code and its facts) for
//!   a program;
//! - [`server`] is the MCP surface.

pub mod answer;
pub mod cards;
pub mod error;
pub mod query;
pub mod server;
pub mod text;

pub use server::StorefrontServer;

/// Serves the storefront as the `mcp-storefront` binary does (stdio, or HTTP
/// with `--http`): the Museo API from `MUSEO_API_URL`, else the embedded sandbox.
pub async fn serve_from_env(serve: museo_sdk::serve::ServeArgs) -> anyhow::Result<()> {
    let backend = museo_sandbox::embedded::Backend::from_env(
        &museo_sdk::config::ProcessEnv,
        "mcp-storefront",
    )
    .await?;
    let server = StorefrontServer::new(backend.client.clone());
    let result = museo_sdk::serve::run(serve, "mcp-storefront", move || server.clone()).await;
    if let Some(sandbox) = backend.sandbox {
        sandbox.stop().await;
    }
    result
}
