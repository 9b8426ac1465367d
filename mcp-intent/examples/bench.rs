//! Latency of the pattern tier, in-process.
//!
//! Run: `cargo run --release -p mcp-intent --example bench -- [ROUNDS]`
//! (default 20). Analyses every message of the dataset ROUNDS times, with its
//! history, and prints p50/p99/max per message and messages per second.

use std::time::{Duration, Instant};

use mcp_intent::{AnalyzeRequest, Analyzer};

#[allow(clippy::print_stdout)]
fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(20);
    let started = Instant::now();
    let analyzer = Analyzer::default();
    println!(
        "start-up (speller index + learned model): {:?}",
        started.elapsed()
    );
    let requests: Vec<AnalyzeRequest> = include_str!("../data/intents.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str::<serde_json::Value>)
        .map(|v| -> anyhow::Result<AnalyzeRequest> {
            let v = v?;
            Ok(AnalyzeRequest {
                message: v["message"].as_str().unwrap_or_default().to_owned(),
                locale: v["locale"].as_str().map(str::to_owned),
                history: serde_json::from_value(v["history"].clone()).ok(),
            })
        })
        .collect::<Result<_, _>>()?;
    let mut times: Vec<Duration> = Vec::with_capacity(requests.len() * rounds);
    let all = Instant::now();
    for _ in 0..rounds {
        for request in &requests {
            let t = Instant::now();
            let result = analyzer.analyze_patterns(request)?;
            std::hint::black_box(result);
            times.push(t.elapsed());
        }
    }
    let elapsed = all.elapsed();
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "pattern tier over {} messages × {rounds}: p50 {:?}, p90 {:?}, p99 {:?}, max {:?}; {:.0} messages/s on one core",
        requests.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        times[times.len() - 1],
        times.len() as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
