//! The MCP face of the analyser: `analyze_intent` (its name and contract are
//! fixed; see the README), and `resolve_turn` for chat engines whose rules
//! could not read a message (see [`crate::resolution`]).
//!
//! Input that the analyser refuses (an empty or over-long message, a bad
//! locale) comes back as a tool result with `isError: true` and a message that
//! says what to send instead, because the model calling the tool can act on
//! it. Arguments that do not match the input schema at all (a missing or
//! non-string `message`) are rejected by rmcp as a JSON-RPC invalid-params
//! error before the tool runs.
//!
//! The result is structured: rmcp derives the tool's `outputSchema` from
//! [`Analysis`] and sends the value as `structuredContent` plus the same JSON
//! as a text block, for clients that read only text.

use std::sync::Arc;

use museo_sdk::serve::{portable_input_schema, portable_output_schema};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{Json, ServerHandler, tool, tool_handler, tool_router};

use crate::resolution::{Resolution, ResolveRequest};
use crate::{Analysis, AnalyzeRequest, Analyzer};

/// The MCP server of mcp-intent. Cheap to clone (the analyser is shared and
/// the tool list is built once), which is how HTTP gets one per session.
#[derive(Debug, Clone)]
pub struct IntentServer {
    analyzer: Arc<Analyzer>,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl IntentServer {
    /// A server answering with `analyzer`.
    pub fn new(analyzer: Arc<Analyzer>) -> Self {
        Self {
            analyzer,
            tool_router: Self::tool_router(),
        }
    }

    /// Classifies one shop chat message written in English, Spanish or French.
    /// Returns which of the fixed intents it expresses (product.search, basket.add, checkout.pay, admin.product.create, greeting, ...), a confidence in [0, 1], the message's language and the entities it mentions (query, product_ref, quantity, price_max, email, ...).
    /// Pass recent turns in `history` so follow-ups such as "add two of those" resolve.
    // Doc lines become the tool description joined by newlines, so each line
    // above is one sentence. The schemas are rmcp's, spelled portably (see
    // `museo_sdk::serve::portable_input_schema`).
    #[tool(
        name = "analyze_intent",
        title = "Analyze intent",
        input_schema = portable_input_schema::<AnalyzeRequest>(),
        output_schema = portable_output_schema::<Analysis>(),
        annotations(
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn analyze_intent(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
    ) -> Result<Json<Analysis>, String> {
        match self.analyzer.analyze(&request).await {
            Ok(analysis) => {
                tracing::debug!(intent = %analysis.intent, confidence = analysis.confidence, "analyzed");
                Ok(Json(analysis))
            }
            Err(error) => {
                tracing::debug!(error = %error, "refused");
                Err(error.to_string())
            }
        }
    }

    /// For a chat engine whose own rules could not read a message: what the message does to the products the conversation knows.
    /// Send the message and the state's products, each under your own short reference (ref); the answer is one action (add, remove, set_quantity, change_quantity, show or none) on one of those references, checked against the state.
    /// Only a configured AI provider resolves; otherwise, and whenever unsure, the action is none.
    #[tool(
        name = "resolve_turn",
        title = "Resolve a chat turn",
        input_schema = portable_input_schema::<ResolveRequest>(),
        output_schema = portable_output_schema::<Resolution>(),
        annotations(
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn resolve_turn(
        &self,
        Parameters(request): Parameters<ResolveRequest>,
    ) -> Result<Json<Resolution>, String> {
        match self.analyzer.resolve(&request).await {
            Ok(resolution) => Ok(Json(resolution)),
            Err(error) => Err(error.to_string()),
        }
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "mcp-intent",
    instructions = "Call analyze_intent with the exact text a shop customer or \
        administrator wrote (English, Spanish or French) to learn what they want: \
        one of 19 fixed intents (product.search, product.details, product.question, \
        basket.add, basket.view, basket.remove, checkout.pay, admin.product.create, \
        admin.product.update, admin.product.delete, admin.product.import, notify.send, \
        greeting, help, goodbye, unknown, basket.update, store.info, order.status), a \
        confidence in [0,1], the language, and entities such as query, product_ref, \
        quantity, price_max, name, ordinal, anaphora, refine, topic or order_id. Pass a BCP-47 \
        `locale` when known and recent `history` turns so short follow-ups resolve. \
        `resolve_turn` is for chat engines: given a message their rules could not \
        read and the products of their state under their own references, it says \
        which action (if any) the message asks for. \
        The tools only read; they never change a basket or the catalog."
)]
impl ServerHandler for IntentServer {}

/// The Streamable HTTP app (`/mcp` and `/healthz`) serving `analyzer`, with
/// the default (loopback-only) host checks; `cancel` ends its sessions. Handy
/// for in-process tests.
pub fn router(
    analyzer: Arc<Analyzer>,
    cancel: tokio_util::sync::CancellationToken,
) -> axum::Router {
    let server = IntentServer::new(analyzer);
    museo_sdk::serve::http_router(
        move || server.clone(),
        &museo_sdk::serve::HttpConfig::default(),
        cancel,
    )
}
