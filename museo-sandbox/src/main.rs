//! `museo-sandbox`: the Museo REST API on a local SQLite database.
//!
//! `museo-sandbox` serves on 127.0.0.1:3400 with a seeded catalog; see `--help`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use museo_sandbox::config::{self, AccountRegistration, SandboxConfig};
use museo_sdk::env;
use secrecy::SecretString;

/// The Museo commerce REST API, for real, on a local SQLite database.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = env::SANDBOX_LISTEN, default_value_t = config::default_listen())]
    listen: SocketAddr,
    /// Directory for the database and dev credentials.
    #[arg(long, env = env::SANDBOX_DATA_DIR)]
    data_dir: Option<PathBuf>,
    /// SQLite file (default: <data-dir>/museo.db).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Public base URL used in payment links and product pages.
    #[arg(long, env = env::SANDBOX_PUBLIC_URL, value_parser = config::public_url)]
    public_url: Option<url::Url>,
    /// On first start, generate a catalog of this many products (the real seed first).
    #[arg(long, default_value_t = 0)]
    seed_products: usize,
    /// Register a service account for the admin API: ID=JWKS_FILE (repeatable).
    #[arg(long = "service-account")]
    service_accounts: Vec<AccountRegistration>,
    /// Audience admin tokens must carry.
    #[arg(long, env = env::MUSEO_ADMIN_AUDIENCE, default_value = museo_sdk::config::DEFAULT_ADMIN_AUDIENCE)]
    admin_audience: String,
    /// Refuse dev credentials: a link secret and service accounts must be given.
    #[arg(long, env = env::SANDBOX_PRODUCTION)]
    production: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    museo_sdk::telemetry::init("info");
    let args = Args::parse();
    let config = SandboxConfig {
        data_dir: args.data_dir.unwrap_or_else(config::default_data_dir),
        db: args.db,
        public_url: args.public_url,
        production: args.production,
        link_secret: std::env::var(env::SANDBOX_LINK_SECRET)
            .ok()
            .map(SecretString::from),
        service_accounts: args.service_accounts,
        seed_products: args.seed_products,
        admin_audience: args.admin_audience,
    };
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    eprintln!(
        "Museo API sandbox on http://{} (data: {})",
        listener.local_addr()?,
        config.data_dir.display()
    );
    museo_sandbox::run(config, listener, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
