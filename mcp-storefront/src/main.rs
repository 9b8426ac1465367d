//! `mcp-storefront`: shopping tools over stdio, or Streamable HTTP at `/mcp`
//! with `--http 127.0.0.1:PORT`. With no `MUSEO_API_URL` it runs the Museo
//! sandbox in-process. Logs go to stderr.

use clap::Parser;
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
    mcp_storefront::serve_from_env(args.serve).await
}
