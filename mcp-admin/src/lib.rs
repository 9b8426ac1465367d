//! mcp-admin: the Museo catalog managed over MCP.
//!
//! Tools (fixed names, see the README): `create_product` (from a sentence in en/es/fr or
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

/// Serves catalog management as the `mcp-admin` binary does: over stdio
/// (verifying the gateway's tokens when `auth` names its keys, else acting
/// with the service account alone) or, with `--http`, as an OAuth 2.1
/// resource server. The Museo API comes from `MUSEO_API_URL`, else the
/// embedded sandbox.
pub async fn serve_from_env(
    serve: museo_sdk::serve::ServeArgs,
    auth_config: auth::AuthConfig,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use auth::{Gate, HttpAuth};
    use museo_sdk::config::ProcessEnv;
    use std::sync::Arc;
    let backend = museo_sandbox::embedded::Backend::from_env(&ProcessEnv, "mcp-admin").await?;
    let account = backend.service_account(&ProcessEnv)?.context(
        "no service account for the Museo admin API: set SERVICE_ACCOUNT_ID and SERVICE_ACCOUNT_KEY_FILE",
    )?;
    tracing::info!(account = %account.id, "acting with this service account");
    let client = backend
        .client
        .clone()
        .with_service_account(Arc::new(museo_sdk::auth::Minter::new(account)));

    let result = if serve.http.is_some() {
        let verifier = match auth_config.verifier()? {
            Some(verifier) => verifier,
            None => {
                let dev = auth::dev_issuer(&backend.data_dir)?;
                tracing::warn!(
                    data_dir = %backend.data_dir.display(),
                    "no MCP_ADMIN_JWKS_URL/FILE: --http trusts the local dev issuer (mint with `mcp-admin dev-token`); configure the gateway's JWKS in production"
                );
                auth_config.dev_verifier(&dev)?
            }
        };
        let http_auth = HttpAuth {
            verifier: Arc::new(verifier),
            authorization_server: auth_config.authorization_server.clone(),
        };
        let server = AdminServer::new(client, Arc::new(Gate::bearer_only()));
        museo_sdk::serve::run_with(
            serve,
            "mcp-admin",
            move || server.clone(),
            move |router| auth::protect(router, http_auth),
        )
        .await
    } else {
        let gate = Gate::new(auth_config.verifier()?);
        if gate.requires_token() {
            tracing::info!("every call must carry a verified admin token in _meta");
        } else {
            tracing::info!(
                "no MCP_ADMIN_JWKS_URL/FILE: calls act with the service account alone (direct use under an MCP host)"
            );
        }
        let server = AdminServer::new(client, Arc::new(gate));
        museo_sdk::serve::run(serve, "mcp-admin", move || server.clone()).await
    };
    if let Some(sandbox) = backend.sandbox {
        sandbox.stop().await;
    }
    result
}
