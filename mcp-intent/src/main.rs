//! `mcp-intent`: serves `analyze_intent` over stdio, or Streamable HTTP at
//! `/mcp` with `--http 127.0.0.1:PORT`. Logs go to stderr.

use clap::Parser;
use museo_sdk::serve::ServeArgs;

/// Multilingual intent analysis as an MCP server (stdio by default).
#[derive(Debug, Parser)]
#[command(name = "mcp-intent", version, about)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    museo_sdk::telemetry::init("info");
    mcp_intent::serve_from_env(args.serve).await
}
