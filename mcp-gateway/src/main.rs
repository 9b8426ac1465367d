//! `mcp-gateway`: WebSocket chat on `--listen` (default 127.0.0.1:3300) to
//! the Museo MCP servers. With no configuration it starts the Museo sandbox,
//! the four servers (sibling binaries, else in-process), an in-memory
//! conversation store, and serves `/ws`, `/healthz`, `/readyz`, `/metrics`.

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::Parser;

/// The Museo chat gateway.
#[derive(Debug, Parser)]
#[command(name = "mcp-gateway", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3300", env = "GATEWAY_LISTEN")]
    listen: SocketAddr,
    /// Run every MCP server inside the gateway instead of as child processes.
    #[arg(long)]
    in_process: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    museo_sdk::telemetry::init("info");
    let started =
        mcp_gateway::start::start(&museo_sdk::config::ProcessEnv, args.in_process).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(url = %format!("ws://{}/ws", listener.local_addr()?), "gateway listening");
    let gateway = started.gateway.clone();
    // Start every child now, so the first chat does not wait and /readyz
    // turns green once all are initialised.
    for child in gateway.children.values().cloned() {
        tokio::spawn(async move {
            if let Err(e) = child.warm().await {
                tracing::warn!(server = %child.name, error = %e, "could not start");
            }
        });
    }
    axum::serve(listener, mcp_gateway::server::router(gateway.clone()))
        .with_graceful_shutdown(museo_sdk::serve::shutdown_signal())
        .await?;
    for child in gateway.children.values() {
        child.stop().await;
    }
    if let Some(sandbox) = started.backend.sandbox {
        sandbox.stop().await;
    }
    Ok(())
}
