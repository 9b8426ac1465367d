//! The Museo API an MCP server talks to: `MUSEO_API_URL`, or this sandbox
//! started inside the server's own process with its seeded catalog
//! (docs/gateway.md and the README; "Running a server"). mcp-storefront and mcp-admin both start
//! this way, so each works on its own under an MCP host.
//!
//! The embedded sandbox keeps its SQLite file in the shared dev data dir
//! (`MUSEO_SANDBOX_DATA_DIR`, else `$XDG_DATA_HOME/museo-sandbox`, else
//! `~/.local/share/museo-sandbox`), so servers started side by side see one
//! catalog: a product the admin creates is found by the shopper. It listens
//! on a loopback port of its own (`MUSEO_SANDBOX_LISTEN` pins it), which is
//! where payment links point.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use museo_sdk::auth::ServiceAccount;
use museo_sdk::config::{
    ConfigError, EnvSource, MuseoConfig, RawMuseoConfig, ServiceAccountSource, env_parse,
};
use museo_sdk::museo::MuseoClient;

use crate::{RunningSandbox, SandboxConfig, credentials};

/// The API client, and the sandbox behind it when it runs in this process
/// (dropping it stops the sandbox).
#[derive(Debug)]
pub struct Backend {
    /// Client of the Museo API (without admin rights; see [`Backend::service_account`]).
    pub client: MuseoClient,
    /// The in-process sandbox, when no `MUSEO_API_URL` was configured.
    pub sandbox: Option<RunningSandbox>,
    /// The sandbox data dir in use or, with `MUSEO_API_URL`, the one a
    /// standalone sandbox on this machine would use.
    pub data_dir: PathBuf,
}

impl Backend {
    /// Connects to `MUSEO_API_URL`, or starts the embedded sandbox and says so
    /// on stderr (a person starting `server` should know which shop it is).
    pub async fn from_env(env: &dyn EnvSource, server: &str) -> anyhow::Result<Self> {
        let data_dir = match env.var(museo_sdk::env::SANDBOX_DATA_DIR) {
            Some(dir) if !dir.trim().is_empty() => dir.into(),
            _ => crate::config::default_data_dir(),
        };
        if let Some(config) = MuseoConfig::resolve(RawMuseoConfig::default(), env)? {
            tracing::info!(url = %config.url, "using the Museo API");
            let client = MuseoClient::new(config)?;
            return Ok(Self {
                client,
                sandbox: None,
                data_dir,
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
        let sandbox = crate::spawn(SandboxConfig::dev(data_dir.clone()), listen)
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
            data_dir,
        })
    }

    /// The service account for admin calls: `SERVICE_ACCOUNT_ID` with its key
    /// when set; else the embedded sandbox's dev account; else, when
    /// `MUSEO_API_URL` is a sandbox on this machine (a loopback URL), the dev
    /// account that sandbox keeps in its data dir. `None` when there is none.
    pub fn service_account(&self, env: &dyn EnvSource) -> anyhow::Result<Option<ServiceAccount>> {
        if let Some(source) = ServiceAccountSource::from_env(env)? {
            return Ok(Some(source.load()?));
        }
        if let Some(sandbox) = &self.sandbox {
            return Ok(sandbox.dev_account.clone());
        }
        let loopback = self.client.base_url().host_str().is_some_and(|h| {
            h == "localhost"
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
                || h == "[::1]"
        });
        let path = credentials::dev_key_path(&self.data_dir);
        if loopback && path.exists() {
            tracing::warn!(
                key = %path.display(),
                "no SERVICE_ACCOUNT_ID: using the local sandbox's dev account"
            );
            return Ok(Some(ServiceAccount::load(
                credentials::DEV_ACCOUNT_ID,
                &path,
            )?));
        }
        Ok(None)
    }
}
