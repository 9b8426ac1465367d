//! `mcp-intent`: serves `analyze_intent` over stdio, or Streamable HTTP at
//! `/mcp` with `--http 127.0.0.1:PORT`. Logs go to stderr.

use std::sync::Arc;

use clap::Parser;
use mcp_intent::Analyzer;
use mcp_intent::server::IntentServer;
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
    let ai = mcp_intent::ai::from_env(&museo_sdk::config::ProcessEnv)?;
    let server = IntentServer::new(Arc::new(Analyzer::new(ai)));
    museo_sdk::serve::run(args.serve, "mcp-intent", move || server.clone()).await
}
