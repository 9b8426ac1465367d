//! Wiring the gateway from its environment and configuration file: the Museo
//! API (the embedded sandbox when `MUSEO_API_URL` is unset, shared by every
//! child), the conversation store (`REDIS_URL` or memory), the signing key
//! for mcp-admin tokens and its JWKS file, and one supervised child per
//! configured server with the environment that makes it trust the gateway.
//!
//! A built-in server (`mcp-intent`…) is started, in order of preference, as
//! the sibling binary next to the gateway (or on `PATH`), as this very
//! executable with `serve NAME` (so `cargo run -p mcp-gateway` alone gives
//! four real child processes), or — in tests and with `--in-process` — inside
//! the gateway over an in-memory pipe.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures::FutureExt as _;
use museo_sandbox::embedded::Backend;
use museo_sdk::auth::Minter;
use museo_sdk::config::{EnvSource, MuseoConfig};
use museo_sdk::museo::MuseoClient;
use rmcp::ServiceExt as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::{AdminTokens, Authenticator};
use crate::children::{Child, InProcess, Launch, find_binary};
use crate::config::{BUILTIN, Config, Transport};
use crate::gateway::Gateway;
use crate::metrics::Metrics;
use crate::store::{MemoryStore, RedisStore, Store};

/// A running gateway's parts.
#[derive(Debug)]
pub struct Started {
    /// The shared state.
    pub gateway: Arc<Gateway>,
    /// The embedded Museo API, when it runs here.
    pub backend: Backend,
}

/// How built-in servers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtins {
    /// Child processes: the sibling binaries, else this executable (`serve NAME`).
    Processes,
    /// Inside the gateway (tests, `--in-process`).
    InProcess,
}

/// Builds the gateway from `env` and `config`.
pub async fn start(
    env: &dyn EnvSource,
    config: Config,
    builtins: Builtins,
) -> anyhow::Result<Started> {
    let backend = Backend::from_env(env, "mcp-gateway").await?;
    let account = backend.service_account(env)?;
    let tokens = AdminTokens::generate()?;
    std::fs::create_dir_all(&backend.data_dir)?;
    let jwks_file = backend.data_dir.join("gateway-jwks.json");
    std::fs::write(&jwks_file, serde_json::to_string(&tokens.jwks())?)
        .with_context(|| format!("writing {}", jwks_file.display()))?;
    let ttl = config.limits.session_ttl;
    let store = match env.var(museo_sdk::env::REDIS_URL) {
        Some(url) => Store::Redis(
            RedisStore::connect(&url, "museo:gateway:", ttl)
                .await
                .context("REDIS_URL")?,
        ),
        None => Store::Memory(MemoryStore::new(ttl)),
    };
    let authenticator = Authenticator::from_env(env, reqwest::Client::new())?;
    let mut limits = config.limits.clone();
    if let Some(rate) = museo_sdk::config::env_parse::<u32>(env, ENV_RATE)? {
        anyhow::ensure!(rate > 0, "{ENV_RATE} must be a whole number above 0");
        limits.rate_per_second = rate;
    }

    let api = backend.client.base_url().clone();
    let builtin_env: BTreeMap<String, String> = [
        ("MUSEO_API_URL", api.to_string()),
        (
            museo_sdk::env::SANDBOX_DATA_DIR,
            backend.data_dir.display().to_string(),
        ),
        ("MCP_ADMIN_JWKS_FILE", jwks_file.display().to_string()),
        (
            "RUST_LOG",
            env.var("RUST_LOG").unwrap_or_else(|| "warn".into()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    // The admin API's credential goes to mcp-admin only.
    let mut admin_env = BTreeMap::new();
    if let Some(account) = &account
        && env.var(museo_sdk::env::SERVICE_ACCOUNT_ID).is_none()
    {
        admin_env.insert("SERVICE_ACCOUNT_ID".to_owned(), account.id.clone());
        admin_env.insert(
            "SERVICE_ACCOUNT_KEY_FILE".to_owned(),
            museo_sandbox::credentials::dev_key_path(&backend.data_dir)
                .display()
                .to_string(),
        );
    }
    let env_for = |name: &str, own: &[(String, String)]| -> Vec<(String, String)> {
        let mut merged = builtin_env.clone();
        if name == "mcp-admin" {
            merged.extend(admin_env.clone());
        }
        merged.extend(own.iter().cloned());
        merged.into_iter().collect()
    };

    let mut children = BTreeMap::new();
    for server in &config.servers {
        let builtin = BUILTIN.contains(&server.name.as_str());
        let launch = match &server.transport {
            Transport::Http { url, headers } => Launch::Http {
                url: url.clone(),
                headers: headers.clone(),
            },
            // A third-party server gets its own `env` and the basics only,
            // never the gateway's secrets.
            Transport::Stdio { command, args, env } => Launch::Process {
                command: command.clone(),
                args: args.clone(),
                env: if builtin {
                    env_for(&server.name, env)
                } else {
                    env.clone()
                },
                isolated: !builtin,
            },
            Transport::Builtin { env: own } => match builtins {
                Builtins::InProcess => {
                    if !own.is_empty() {
                        tracing::warn!(server = %server.name, "`env` applies to child processes; an in-process server reads the gateway's environment");
                    }
                    Launch::InProcess(
                        in_process(&server.name, &api, account.clone(), &jwks_file, env).await?,
                    )
                }
                Builtins::Processes => {
                    let (command, args) = builtin_command(&server.name)?;
                    Launch::Process {
                        command,
                        args,
                        env: env_for(&server.name, own),
                        isolated: false,
                    }
                }
            },
        };
        tracing::info!(server = %server.name, ?launch, "configured");
        children.insert(
            server.name.clone(),
            Arc::new(Child::new(
                server.name.clone(),
                launch,
                server.access,
                server.timeout,
                server.restart.clone(),
            )),
        );
    }
    if !children.contains_key("mcp-intent") {
        tracing::warn!("no mcp-intent server: chat messages will be refused; direct calls work");
    }
    // Each child's supervisor starts it now and keeps it up until shutdown.
    let shutdown = CancellationToken::new();
    let supervisors = TaskTracker::new();
    for child in children.values() {
        let child = Arc::clone(child);
        let shutdown = shutdown.clone();
        supervisors.spawn(async move { child.supervise(shutdown).await });
    }
    let gateway = Gateway {
        children,
        store,
        tokens,
        auth: authenticator,
        metrics: Metrics::new(),
        limits,
        store_degraded: std::sync::atomic::AtomicBool::new(false),
        shutdown,
        sessions: TaskTracker::new(),
        abort: CancellationToken::new(),
        supervisors,
    };
    Ok(Started {
        gateway: Arc::new(gateway),
        backend,
    })
}

/// `GATEWAY_RATE_PER_SECOND`: overrides `gateway.rate_per_second`.
pub const ENV_RATE: &str = "GATEWAY_RATE_PER_SECOND";

/// The command that runs built-in server `name`: its sibling binary, else
/// this executable with `serve NAME`.
fn builtin_command(name: &str) -> anyhow::Result<(std::path::PathBuf, Vec<String>)> {
    if let Some(binary) = find_binary(name) {
        return Ok((binary, Vec::new()));
    }
    let exe = std::env::current_exe().context("cannot find the gateway's own executable")?;
    let is_gateway = exe
        .file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s == "mcp-gateway");
    anyhow::ensure!(
        is_gateway,
        "no {name} binary next to {} or on PATH; build the workspace (cargo build --workspace) or run the servers in-process",
        exe.display()
    );
    Ok((exe, vec!["serve".into(), name.into()]))
}

/// Serves `gateway` on `listener` until `shutdown` completes, then drains:
/// no new connections, open sessions finish the request they are on and are
/// closed with 1001, children are stopped last.
pub async fn run(
    gateway: Arc<Gateway>,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let token = gateway.shutdown.clone();
    tokio::spawn(async move {
        shutdown.await;
        token.cancel();
    });
    let router = crate::server::router(gateway.clone());
    let token = gateway.shutdown.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move { token.cancelled().await })
        .await?;
    gateway.sessions.close();
    let open = gateway.sessions.len();
    if open > 0 {
        tracing::info!(open, "draining sessions");
    }
    if tokio::time::timeout(gateway.limits.drain, gateway.sessions.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            left = gateway.sessions.len(),
            "sessions still busy after the drain period; closing them"
        );
        gateway.abort.cancel();
        let _ = tokio::time::timeout(Duration::from_secs(2), gateway.sessions.wait()).await;
    }
    gateway.supervisors.close();
    gateway.supervisors.wait().await;
    futures::future::join_all(gateway.children.values().map(|child| child.stop_now())).await;
    tracing::info!("gateway stopped");
    Ok(())
}

/// Runs built-in server `name` over stdio in this process (`mcp-gateway serve NAME`).
pub async fn serve_builtin(name: &str) -> anyhow::Result<()> {
    let serve = museo_sdk::serve::ServeArgs::default();
    match name {
        "mcp-intent" => mcp_intent::serve_from_env(serve).await,
        "mcp-storefront" => mcp_storefront::serve_from_env(serve).await,
        "mcp-admin" => {
            let auth = mcp_admin::auth::AuthConfig::from_env(&museo_sdk::config::ProcessEnv)?;
            mcp_admin::serve_from_env(serve, auth).await
        }
        "mcp-notify" => {
            let config =
                mcp_notify::config::NotifyConfig::from_env(&museo_sdk::config::ProcessEnv)?;
            mcp_notify::run(serve, None, config).await
        }
        other => anyhow::bail!(
            "no built-in server {other:?}; one of {}",
            BUILTIN.join(", ")
        ),
    }
}

async fn in_process(
    name: &str,
    api: &url::Url,
    account: Option<museo_sdk::auth::ServiceAccount>,
    jwks_file: &std::path::Path,
    env: &dyn EnvSource,
) -> anyhow::Result<InProcess> {
    let client = MuseoClient::new(MuseoConfig::for_url(api.clone()))?;
    Ok(match name {
        "mcp-intent" => {
            // The same INTENT_AI_* configuration as the mcp-intent binary.
            let ai = mcp_intent::ai::from_env(env)?;
            let analyzer = Arc::new(mcp_intent::Analyzer::new(ai));
            serve_in_process(move || mcp_intent::server::IntentServer::new(analyzer.clone()))
        }
        "mcp-storefront" => {
            serve_in_process(move || mcp_storefront::StorefrontServer::new(client.clone()))
        }
        "mcp-admin" => {
            let account = account.context("no service account for mcp-admin")?;
            let client = client.with_service_account(Arc::new(Minter::new(account)));
            let env = FixedEnv(vec![(
                "MCP_ADMIN_JWKS_FILE".into(),
                jwks_file.display().to_string(),
            )]);
            let config = mcp_admin::auth::AuthConfig::from_env(&env)?;
            let gate = Arc::new(mcp_admin::auth::Gate::new(config.verifier()?));
            serve_in_process(move || mcp_admin::AdminServer::new(client.clone(), gate.clone()))
        }
        _ => {
            let config = mcp_notify::config::NotifyConfig::from_env(env)?;
            let app = mcp_notify::build(&config).await?;
            serve_in_process(move || app.server())
        }
    })
}

/// A server made by `make` for each connection, served over the pipe.
fn serve_in_process<S: rmcp::ServerHandler>(
    make: impl Fn() -> S + Send + Sync + 'static,
) -> InProcess {
    Arc::new(move |io| {
        let server = make();
        async move {
            if let Ok(running) = server.serve(io).await {
                let _ = running.waiting().await;
            }
        }
        .boxed()
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
