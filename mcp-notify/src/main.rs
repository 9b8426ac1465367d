//! `mcp-notify`: e-mail, SMS and WhatsApp over MCP — stdio by default,
//! Streamable HTTP at `/mcp` (with the provider webhooks beside it) with
//! `--http 127.0.0.1:PORT`. With no provider settings every channel writes to
//! the outbox directory. Logs go to stderr.

use std::net::SocketAddr;

use clap::Parser;
use mcp_notify::config::NotifyConfig;
use museo_sdk::config::ProcessEnv;
use museo_sdk::serve::ServeArgs;

/// Museo notifications (e-mail, SMS, WhatsApp) as an MCP server (stdio by default).
#[derive(Debug, Parser)]
#[command(name = "mcp-notify", version, about)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
    /// Also serve the provider webhooks (/webhooks/twilio, /webhooks/whatsapp)
    /// on ADDR, e.g. 127.0.0.1:3405 — for stdio mode, where there is no HTTP
    /// server to put them on.
    #[arg(long, value_name = "ADDR")]
    webhooks: Option<SocketAddr>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    museo_sdk::telemetry::init("info");
    let config = NotifyConfig::from_env(&ProcessEnv)?;
    mcp_notify::run(args.serve, args.webhooks, config).await
}
