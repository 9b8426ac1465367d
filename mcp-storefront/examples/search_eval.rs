//! Search quality of `search_products`, measured: recall@5 and the first
//! result over a labelled set of shoppers' searches in English, Spanish and
//! French (`examples/search_eval.json`), through a real MCP client against a
//! freshly seeded sandbox.
//!
//! ```text
//! cargo run -p mcp-storefront --example search_eval            # after (this code) vs the recorded before
//! cargo run -p mcp-storefront --example search_eval -- -v      # and every query's top 5
//! cargo run -p mcp-storefront --example search_eval -- --record examples/search_eval_before.json
//! ```
//!
//! Each query lists its `relevant` SKUs (and optionally the SKUs acceptable
//! `first`). recall@5 of a query is the share of its relevant products in the
//! first five results, out of min(5, relevant); precision@5 the share of
//! relevant products among the (at most five) results shown, 0 when there are
//! none; first@1 is whether the first result is acceptable. The numbers of the code before the search work
//! (`examples/search_eval_before.json`, written with `--record`) are printed
//! beside the current ones.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use mcp_storefront::StorefrontServer;
use museo_sandbox::SandboxConfig;
use museo_sdk::config::MuseoConfig;
use museo_sdk::museo::MuseoClient;
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, JsonObject};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
struct Case {
    lang: String,
    query: String,
    kind: String,
    relevant: Vec<String>,
    #[serde(default)]
    first: Option<Vec<String>>,
}

/// Scores of one group of queries.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Score {
    queries: usize,
    recall_at_5: f64,
    #[serde(default)]
    precision_at_5: f64,
    first_at_1: f64,
}

impl Score {
    fn add(&mut self, recall: f64, precision: f64, first: bool) {
        self.queries += 1;
        self.recall_at_5 += recall;
        self.precision_at_5 += precision;
        self.first_at_1 += f64::from(u8::from(first));
    }

    fn mean(&self) -> Self {
        let n = self.queries.max(1) as f64;
        Self {
            queries: self.queries,
            recall_at_5: self.recall_at_5 / n,
            precision_at_5: self.precision_at_5 / n,
            first_at_1: self.first_at_1 / n,
        }
    }
}

fn set_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/search_eval.json")
}

fn before_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/search_eval_before.json")
}

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v" || a == "--verbose");
    let record = args
        .iter()
        .position(|a| a == "--record")
        .map(|i| args.get(i + 1).cloned().context("--record needs a path"))
        .transpose()?;
    let cases: Vec<Case> = serde_json::from_str(&std::fs::read_to_string(set_path())?)?;

    let dir = tempfile::tempdir()?;
    let sandbox = museo_sandbox::spawn(SandboxConfig::dev(dir.path().to_owned()), None).await?;
    let mut config = MuseoConfig::for_url(sandbox.url.clone());
    config.timeout = Duration::from_secs(10);
    let server = StorefrontServer::new(MuseoClient::new(config)?);
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let client = ().serve(client_io).await?;

    let mut groups: BTreeMap<String, Score> = BTreeMap::new();
    for case in &cases {
        let Value::Object(arguments) =
            json!({ "query": case.query, "locale": case.lang, "limit": 5 })
        else {
            bail!("not an object")
        };
        let result = client
            .call_tool(
                CallToolRequestParams::new("search_products")
                    .with_arguments(arguments as JsonObject),
            )
            .await?;
        let (skus, understood): (Vec<String>, Value) = match &result.structured_content {
            Some(found) if result.is_error != Some(true) => (
                found["products"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .filter_map(|p| p["sku"].as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                found["understood"].clone(),
            ),
            _ => (Vec::new(), json!("refused")),
        };
        let top5 = &skus[..skus.len().min(5)];
        let hits = top5.iter().filter(|s| case.relevant.contains(s)).count();
        let recall = hits as f64 / case.relevant.len().min(5) as f64;
        let precision = if top5.is_empty() {
            0.0
        } else {
            hits as f64 / top5.len() as f64
        };
        let acceptable = case.first.as_ref().unwrap_or(&case.relevant);
        let first = skus.first().is_some_and(|s| acceptable.contains(s));
        for key in [
            "all".to_owned(),
            format!("lang {}", case.lang),
            format!("kind {}", case.kind),
        ] {
            groups.entry(key).or_default().add(recall, precision, first);
        }
        if verbose || recall < 1.0 {
            println!(
                "{:>4.0}% {} [{}] {:?} → {}  (understood {})",
                recall * 100.0,
                if first { "✓" } else { "✗" },
                case.lang,
                case.query,
                top5.join(", "),
                understood
            );
        }
    }
    let means: BTreeMap<String, Score> =
        groups.iter().map(|(k, s)| (k.clone(), s.mean())).collect();
    let before: Option<BTreeMap<String, Score>> = std::fs::read_to_string(before_path())
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    println!();
    println!(
        "{:<14} {:>7}  {:>16}  {:>16}  {:>16}",
        "", "queries", "recall@5", "precision@5", "first@1"
    );
    println!(
        "{:<14} {:>7}  {:>7} {:>8}  {:>7} {:>8}  {:>7} {:>8}",
        "", "", "before", "after", "before", "after", "before", "after"
    );
    for (key, score) in &means {
        let old = before.as_ref().and_then(|b| b.get(key));
        let show = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{:.3}", v));
        println!(
            "{:<14} {:>7}  {:>7} {:>8}  {:>7} {:>8}  {:>7} {:>8}",
            key,
            score.queries,
            show(old.map(|o| o.recall_at_5)),
            show(Some(score.recall_at_5)),
            show(old.map(|o| o.precision_at_5)),
            show(Some(score.precision_at_5)),
            show(old.map(|o| o.first_at_1)),
            show(Some(score.first_at_1)),
        );
    }
    if let Some(path) = record {
        std::fs::write(&path, serde_json::to_string_pretty(&means)? + "\n")?;
        println!("\nrecorded to {path}");
    }
    client.cancel().await?;
    sandbox.stop().await;
    Ok(())
}
