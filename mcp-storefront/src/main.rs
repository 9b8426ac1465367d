//! `mcp-storefront`: shopping tools over stdio, or Streamable HTTP at `/mcp`
//! with `--http 127.0.0.1:PORT`. With no `MUSEO_API_URL` it runs the Museo
//! sandbox in-process. Logs go to stderr.

use clap::Parser;
use mcp_storefront::StorefrontServer;
use museo_sandbox::embedded::Backend;
use museo_sdk::serve::ServeArgs;

/// The Museo shop's storefront as an MCP server (stdio by default).
#[derive(Debug, Parser)]
#[command(name = "mcp-storefront", version, about)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    museo_sdk::telemetry::init("info");
    let backend = Backend::from_env(&museo_sdk::config::ProcessEnv, "mcp-storefront").await?;
    let server = StorefrontServer::new(backend.client.clone());
    let result = museo_sdk::serve::run(args.serve, "mcp-storefront", move || server.clone()).await;
    if let Some(sandbox) = backend.sandbox {
        sandbox.stop().await;
    }
    result
}
