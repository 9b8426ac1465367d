//! `mcp-gateway`: WebSocket chat on `--listen` (default 127.0.0.1:3300) to
//! the Museo MCP servers. With no configuration it starts the Museo sandbox,
//! the four servers as supervised child processes, an in-memory conversation
//! store, and serves `/ws`, `/healthz`, `/readyz`, `/metrics`.
//!
//! `mcp-gateway serve NAME` runs one built-in server over stdio; it is how
//! the gateway starts its children when their own binaries are not built.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use mcp_gateway::config::Config;
use mcp_gateway::start::Builtins;

/// The Museo chat gateway.
#[derive(Debug, Parser)]
#[command(name = "mcp-gateway", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3300", env = "GATEWAY_LISTEN")]
    listen: SocketAddr,
    /// Servers to run and their supervision: TOML, or JSON in Claude
    /// Desktop's `mcpServers` shape (see docs/gateway.md). Default: the four
    /// built-in Museo servers.
    #[arg(long, env = "GATEWAY_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run the built-in MCP servers inside the gateway instead of as child processes.
    #[arg(long)]
    in_process: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve one built-in MCP server over stdio (mcp-intent, mcp-storefront,
    /// mcp-admin or mcp-notify).
    Serve {
        /// The server.
        name: String,
    },
    /// Read the configuration, print the servers it would start, and exit.
    CheckConfig,
}

#[allow(clippy::print_stdout)]
fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    museo_sdk::telemetry::init("info");
    if let Some(Command::Serve { name }) = &args.command {
        // mcp-admin keeps to one thread, as its own binary does (memory).
        let mut runtime = if name == "mcp-admin" {
            tokio::runtime::Builder::new_current_thread()
        } else {
            tokio::runtime::Builder::new_multi_thread()
        };
        return runtime
            .enable_all()
            .build()?
            .block_on(mcp_gateway::start::serve_builtin(name));
    }
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(Command::CheckConfig) = args.command {
        for server in &config.servers {
            println!(
                "{}: {:?}, access {}, timeout {:?}",
                server.name,
                server.transport,
                server.access.as_str(),
                server.timeout
            );
        }
        return Ok(());
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(gateway(args, config))
}

async fn gateway(args: Args, config: Config) -> anyhow::Result<()> {
    let builtins = if args.in_process {
        Builtins::InProcess
    } else {
        Builtins::Processes
    };
    let started =
        mcp_gateway::start::start(&museo_sdk::config::ProcessEnv, config, builtins).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(url = %format!("ws://{}/ws", listener.local_addr()?), "gateway listening");
    let result = mcp_gateway::start::run(
        started.gateway.clone(),
        listener,
        museo_sdk::serve::shutdown_signal(),
    )
    .await;
    if let Some(sandbox) = started.backend.sandbox {
        sandbox.stop().await;
    }
    result
}
