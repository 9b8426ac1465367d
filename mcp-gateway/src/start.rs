//! Wiring the gateway from its environment: the Museo API (the embedded
//! sandbox when `MUSEO_API_URL` is unset, shared by every child), the
//! conversation store (`REDIS_URL` or memory), the signing key for mcp-admin
//! tokens and its JWKS file, and the four children with the environment
//! that makes them trust the gateway.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures::FutureExt as _;
use museo_sandbox::embedded::Backend;
use museo_sdk::auth::Minter;
use museo_sdk::config::{EnvSource, MuseoConfig};
use museo_sdk::museo::MuseoClient;
use rmcp::ServiceExt as _;

use crate::auth::{self, AdminTokens};
use crate::children::{Child, InProcess, Launch, find_binary};
use crate::gateway::{Gateway, Metrics, SESSION_TTL};
use crate::store::{MemoryStore, RedisStore, Store};

/// The servers the built-in configuration starts.
pub const SERVERS: [&str; 4] = ["mcp-intent", "mcp-storefront", "mcp-admin", "mcp-notify"];

/// A running gateway's parts.
#[derive(Debug)]
pub struct Started {
    /// The shared state.
    pub gateway: Arc<Gateway>,
    /// The embedded Museo API, when it runs here.
    pub backend: Backend,
}

/// Builds the gateway from `env`. `in_process: true` runs every server in
/// this process (tests, or no sibling binaries).
pub async fn start(env: &dyn EnvSource, force_in_process: bool) -> anyhow::Result<Started> {
    let backend = Backend::from_env(env, "mcp-gateway").await?;
    let account = backend.service_account(env)?;
    let tokens = AdminTokens::generate()?;
    std::fs::create_dir_all(&backend.data_dir)?;
    let jwks_file = backend.data_dir.join("gateway-jwks.json");
    std::fs::write(&jwks_file, serde_json::to_string(&tokens.jwks())?)
        .with_context(|| format!("writing {}", jwks_file.display()))?;
    let store = match env.var(museo_sdk::env::REDIS_URL) {
        Some(url) => Store::Redis(
            RedisStore::connect(&url, "museo:gateway:", SESSION_TTL)
                .await
                .context("REDIS_URL")?,
        ),
        None => Store::Memory(MemoryStore::new(SESSION_TTL)),
    };
    let keys = match env.var(auth::ENV_API_KEYS) {
        Some(spec) => auth::parse_keys(&spec).map_err(anyhow::Error::msg)?,
        None => Vec::new(),
    };
    let api = backend.client.base_url().clone();
    let mut child_env = vec![
        ("MUSEO_API_URL".to_owned(), api.to_string()),
        (
            "MUSEO_SANDBOX_DATA_DIR".to_owned(),
            backend.data_dir.display().to_string(),
        ),
        (
            "MCP_ADMIN_JWKS_FILE".to_owned(),
            jwks_file.display().to_string(),
        ),
        (
            "RUST_LOG".to_owned(),
            env.var("RUST_LOG").unwrap_or_else(|| "warn".into()),
        ),
    ];
    if let Some(account) = &account
        && env.var(museo_sdk::env::SERVICE_ACCOUNT_ID).is_none()
    {
        child_env.push(("SERVICE_ACCOUNT_ID".into(), account.id.clone()));
        child_env.push((
            "SERVICE_ACCOUNT_KEY_FILE".into(),
            museo_sandbox::credentials::dev_key_path(&backend.data_dir)
                .display()
                .to_string(),
        ));
    }
    let timeout = Duration::from_secs(30);
    let mut children = HashMap::new();
    for name in SERVERS {
        let launch = match (force_in_process, find_binary(name)) {
            (false, Some(command)) => Launch::Process {
                command,
                args: Vec::new(),
                env: child_env.clone(),
            },
            _ => {
                tracing::info!(
                    server = name,
                    "no sibling binary: running it inside the gateway"
                );
                Launch::InProcess(in_process(name, &api, account.clone(), &jwks_file).await?)
            }
        };
        children.insert(name.to_owned(), Arc::new(Child::new(name, launch, timeout)));
    }
    let gateway = Gateway {
        children,
        store,
        tokens,
        keys,
        metrics: Metrics::default(),
        max_sessions: 1000,
        rate_per_second: match env.var("GATEWAY_RATE_PER_SECOND") {
            Some(rate) => rate
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|r| *r > 0)
                .context("GATEWAY_RATE_PER_SECOND must be a whole number above 0")?,
            None => 20,
        },
        store_degraded: std::sync::atomic::AtomicBool::new(false),
    };
    Ok(Started {
        gateway: Arc::new(gateway),
        backend,
    })
}

async fn in_process(
    name: &str,
    api: &url::Url,
    account: Option<museo_sdk::auth::ServiceAccount>,
    jwks_file: &std::path::Path,
) -> anyhow::Result<InProcess> {
    let client = MuseoClient::new(MuseoConfig::for_url(api.clone()))?;
    Ok(match name {
        "mcp-intent" => {
            let analyzer = Arc::new(mcp_intent::Analyzer::default());
            Arc::new(move |io| {
                let server = mcp_intent::server::IntentServer::new(analyzer.clone());
                async move {
                    if let Ok(running) = server.serve(io).await {
                        let _ = running.waiting().await;
                    }
                }
                .boxed()
            })
        }
        "mcp-storefront" => Arc::new(move |io| {
            let server = mcp_storefront::StorefrontServer::new(client.clone());
            async move {
                if let Ok(running) = server.serve(io).await {
                    let _ = running.waiting().await;
                }
            }
            .boxed()
        }),
        "mcp-admin" => {
            let account = account.context("no service account for mcp-admin")?;
            let client = client.with_service_account(Arc::new(Minter::new(account)));
            let env = FixedEnv(vec![(
                "MCP_ADMIN_JWKS_FILE".into(),
                jwks_file.display().to_string(),
            )]);
            let config = mcp_admin::auth::AuthConfig::from_env(&env)?;
            let gate = Arc::new(mcp_admin::auth::Gate::new(config.verifier()?));
            Arc::new(move |io| {
                let server = mcp_admin::AdminServer::new(client.clone(), gate.clone());
                async move {
                    if let Ok(running) = server.serve(io).await {
                        let _ = running.waiting().await;
                    }
                }
                .boxed()
            })
        }
        _ => {
            let config =
                mcp_notify::config::NotifyConfig::from_env(&museo_sdk::config::ProcessEnv)?;
            let app = mcp_notify::build(&config).await?;
            Arc::new(move |io| {
                let server = app.server();
                async move {
                    if let Ok(running) = server.serve(io).await {
                        let _ = running.waiting().await;
                    }
                }
                .boxed()
            })
        }
    })
}

struct FixedEnv(Vec<(String, String)>);

impl EnvSource for FixedEnv {
    fn var(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}
