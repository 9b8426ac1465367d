//! Replays `analyze_intent` requests, one JSON object per line on stdin
//! (`{"message", "locale"?, "history"?}` plus any other fields, kept), and
//! prints each with the analysis added as `analysis`: a way to re-run the
//! turns a dialog engine sent, e.g. to see how a change moves them.
//!
//! Run: `cargo run --release -p mcp-intent --example replay < requests.jsonl`

use std::io::{BufRead, Write};

use mcp_intent::{AnalyzeRequest, Analyzer};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let analyzer = Analyzer::default();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let mut item: serde_json::Value = serde_json::from_str(&line)?;
        let request: AnalyzeRequest = serde_json::from_value(item.clone())?;
        let analysis = analyzer.analyze(&request).await?;
        item["analysis"] = serde_json::to_value(&analysis)?;
        writeln!(out, "{item}")?;
    }
    Ok(())
}
