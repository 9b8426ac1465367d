//! Where the Museo API is: `MUSEO_API_URL`, or the sandbox started in this
//! process with its seeded catalog (DESIGN.md, "Running a server").
//!
//! The embedded sandbox keeps its SQLite file in the shared dev data dir
//! (`MUSEO_SANDBOX_DATA_DIR`, else `$XDG_DATA_HOME/museo-sandbox`, else
//! `~/.local/share/museo-sandbox`), so mcp-storefront and mcp-admin started
//! side by side by an MCP host see one catalog: a product the admin creates
//! is found by the shopper. It listens on a loopback port of its own
//! (`MUSEO_SANDBOX_LISTEN` to pin it), which is where payment links point.

use std::net::SocketAddr;

use anyhow::Context as _;
use museo_sandbox::{RunningSandbox, SandboxConfig};
use museo_sdk::config::{ConfigError, EnvSource, MuseoConfig, RawMuseoConfig, env_parse};
use museo_sdk::museo::MuseoClient;

/// The API client, and the sandbox behind it when it runs in this process
/// (dropping it stops the sandbox).
#[derive(Debug)]
pub struct Backend {
    /// Client of the Museo API.
    pub client: MuseoClient,
    /// The in-process sandbox, when no `MUSEO_API_URL` was configured.
    pub sandbox: Option<RunningSandbox>,
}

impl Backend {
    /// Connects to `MUSEO_API_URL`, or starts the embedded sandbox and says so
    /// on stderr (a person starting the server should know which shop it is).
    pub async fn from_env(env: &dyn EnvSource, server: &str) -> anyhow::Result<Self> {
        if let Some(config) = MuseoConfig::resolve(RawMuseoConfig::default(), env)? {
            tracing::info!(url = %config.url, "using the Museo API");
            let client = MuseoClient::new(config)?;
            return Ok(Self {
                client,
                sandbox: None,
            });
        }
        let listen: Option<SocketAddr> = env_parse(env, museo_sdk::env::SANDBOX_LISTEN)?;
        if let Some(addr) = listen
            && !addr.ip().is_loopback()
        {
            return Err(ConfigError::new(
                museo_sdk::env::SANDBOX_LISTEN,
                "the embedded sandbox listens on loopback only (its dev credentials are in its data dir)",
            )
            .into());
        }
        let data_dir = match env.var(museo_sdk::env::SANDBOX_DATA_DIR) {
            Some(dir) if !dir.trim().is_empty() => dir.into(),
            _ => museo_sandbox::config::default_data_dir(),
        };
        let sandbox = museo_sandbox::spawn(SandboxConfig::dev(data_dir), listen)
            .await
            .context("starting the embedded Museo sandbox")?;
        // Always shown, whatever RUST_LOG says: which shop this is matters.
        eprintln!(
            "{server}: MUSEO_API_URL is not set; using the embedded Museo sandbox at {} \
             (seeded catalog, data in {})",
            sandbox.url,
            sandbox.data_dir.display()
        );
        let client = MuseoClient::new(MuseoConfig::for_url(sandbox.url.clone()))?;
        Ok(Self {
            client,
            sandbox: Some(sandbox),
        })
    }
}
