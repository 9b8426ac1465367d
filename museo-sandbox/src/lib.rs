//! The Museo commerce REST API, for real: axum over SQLite (WAL, FTS5).
//!
//! This is the embedded default backend of mcp-storefront and mcp-admin and
//! the backend of the integration tests. It implements the contract of
//! `docs/museo-api.md` (and `openapi.json`, served at `/openapi.json`):
//! catalog search in English, Spanish and French, baskets with stock checks,
//! signed payment links with a real checkout page, the shop's help pages,
//! and admin endpoints that verify service-account JWTs exactly as the real
//! platform must.
//!
//! Start it with [`run`] on a listener you bound (tests bind port 0), or with
//! [`spawn`] to get a running instance and its URL in one call.

pub mod config;
pub mod credentials;
pub mod embedded;
pub mod error;
pub mod http;
pub mod seed;
pub mod store;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use museo_sdk::auth::{
    JwkSet, KeySet, ServiceAccount, SigningAlgorithm, Verifier, VerifyPolicy, jwk_set,
};
use museo_sdk::museo::SCOPE_PRODUCTS_WRITE;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::SandboxConfig;
pub use credentials::DEV_ACCOUNT_ID;

/// The OpenAPI 3.1 description served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Opens the database, seeds it, and assembles the shared state for a server
/// reachable at `local_addr`. Returns the dev account when one is in use.
pub async fn prepare(
    config: &SandboxConfig,
    local_addr: SocketAddr,
) -> anyhow::Result<(http::AppState, Option<ServiceAccount>)> {
    config.validate()?;
    http::help_center().context("the compiled-in help pages (seed/help.json)")?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data dir {}", config.data_dir.display()))?;
    let db_path = config.db_path();
    let seed_total = config.seed_products;
    let db = tokio::task::spawn_blocking(move || -> anyhow::Result<store::Db> {
        let mut conn = rusqlite::Connection::open(&db_path)?;
        let db = store::Db::open(&db_path)?;
        let inserted = store::catalog::seed_if_empty(&mut conn, seed_total)?;
        if inserted > 0 {
            tracing::info!(products = inserted, db = %db_path.display(), "seeded the catalog");
        }
        Ok(db)
    })
    .await??;

    let link_secret = match &config.link_secret {
        Some(secret) => secret.clone(),
        None => credentials::ensure_link_secret(&config.data_dir)?,
    };
    let signer = store::checkout::LinkSigner::new(link_secret.expose_secret().as_bytes());

    let mut keys = Vec::new();
    let mut owners = HashMap::new();
    for account in &config.service_accounts {
        let text = std::fs::read_to_string(&account.jwks).with_context(|| {
            format!(
                "--service-account {}: reading {}",
                account.id,
                account.jwks.display()
            )
        })?;
        let set: JwkSet = serde_json::from_str(&text).with_context(|| {
            format!(
                "--service-account {}: {} is not a JWKS",
                account.id,
                account.jwks.display()
            )
        })?;
        for key in set.keys {
            let kid = key.common.key_id.clone().with_context(|| {
                format!("--service-account {}: every key needs a kid", account.id)
            })?;
            owners.insert(kid, account.id.clone());
            keys.push(key);
        }
    }
    let dev = if config.production {
        None
    } else {
        let dev = credentials::ensure_dev_account(&config.data_dir)?;
        for key in jwk_set([&dev.key]).keys {
            if let Some(kid) = key.common.key_id.clone() {
                owners.insert(kid, dev.id.clone());
            }
            keys.push(key);
        }
        Some(dev)
    };
    let policy = VerifyPolicy {
        audience: config.admin_audience.clone(),
        issuer: None,
        algorithms: vec![SigningAlgorithm::EdDSA, SigningAlgorithm::ES256],
        leeway_secs: 30,
        required_scopes: vec![SCOPE_PRODUCTS_WRITE.to_owned()],
    };
    let verifier = Verifier::new(KeySet::from_jwks(JwkSet { keys })?, policy);
    let base_url = match &config.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => format!("http://{local_addr}"),
    };
    let state = http::AppState {
        db,
        base_url: base_url.into(),
        signer,
        verifier: Arc::new(verifier),
        key_owners: Arc::new(owners),
    };
    Ok((state, dev))
}

/// Serves the API on `listener` until `shutdown` resolves, then drains.
pub async fn run(
    config: SandboxConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let (state, _) = prepare(&config, addr).await?;
    tracing::info!(%addr, "Museo API sandbox listening");
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// A sandbox running on a background task.
#[derive(Debug)]
pub struct RunningSandbox {
    /// Its base URL, e.g. `http://127.0.0.1:40123`.
    pub url: url::Url,
    /// The dev service account, unless in production mode.
    pub dev_account: Option<ServiceAccount>,
    /// The data directory in use.
    pub data_dir: PathBuf,
    shutdown: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningSandbox {
    /// Stops the server and waits for in-flight requests.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Starts a sandbox on `127.0.0.1:0` (or the given address) in this process.
pub async fn spawn(
    config: SandboxConfig,
    addr: Option<SocketAddr>,
) -> anyhow::Result<RunningSandbox> {
    let listener =
        TcpListener::bind(addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)))).await?;
    let local = listener.local_addr()?;
    let (state, dev_account) = prepare(&config, local).await?;
    let url = url::Url::parse(&state.base_url)?;
    let shutdown = CancellationToken::new();
    let token = shutdown.clone();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, http::router(state))
            .with_graceful_shutdown(token.cancelled_owned());
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "sandbox server stopped");
        }
    });
    Ok(RunningSandbox {
        url,
        dev_account,
        data_dir: config.data_dir,
        shutdown,
        task: Some(task),
    })
}
