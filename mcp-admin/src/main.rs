//! `mcp-admin`: catalog management over stdio, or Streamable HTTP at `/mcp`
//! with `--http 127.0.0.1:PORT` (an OAuth 2.1 resource server). With no
//! `MUSEO_API_URL` it runs the Museo sandbox in-process and acts with the
//! sandbox's dev service account. Logs go to stderr.

use std::time::Duration;

use clap::{Parser, Subcommand};
use mcp_admin::auth::{self, AuthConfig};
use museo_sdk::config::ProcessEnv;
use museo_sdk::serve::ServeArgs;

/// The Museo catalog's administration as an MCP server (stdio by default).
#[derive(Debug, Parser)]
#[command(name = "mcp-admin", version, about)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a bearer token from the local dev issuer (trusted by `--http`
    /// when no MCP_ADMIN_JWKS_URL/FILE is set). For development only.
    DevToken {
        /// The admin the token names (`sub`).
        #[arg(long, default_value = "dev-admin")]
        subject: String,
        /// The role claim (`admin` may manage products).
        #[arg(long, default_value = "admin")]
        role: String,
        /// Lifetime in seconds (at most 300).
        #[arg(long, default_value_t = 300)]
        ttl: u64,
    },
}

fn data_dir() -> std::path::PathBuf {
    match std::env::var_os(museo_sdk::env::SANDBOX_DATA_DIR) {
        Some(dir) if !dir.is_empty() => dir.into(),
        _ => museo_sandbox::config::default_data_dir(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    museo_sdk::telemetry::init("info");
    let auth_config = AuthConfig::from_env(&ProcessEnv)?;
    if let Some(Command::DevToken { subject, role, ttl }) = &args.command {
        if auth_config.jwks.is_some() {
            eprintln!(
                "mcp-admin: note: MCP_ADMIN_JWKS_URL/FILE is set, so a server with this environment will not trust dev tokens"
            );
        }
        let issuer = auth::dev_issuer(&data_dir())?;
        let token = auth::dev_token(
            &issuer,
            &auth_config.audience,
            subject,
            role,
            Duration::from_secs(*ttl),
        )?;
        #[allow(clippy::print_stdout)]
        {
            println!("{token}");
        }
        return Ok(());
    }

    mcp_admin::serve_from_env(args.serve, auth_config).await
}
