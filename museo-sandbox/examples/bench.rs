//! Search latency and bulk-upsert throughput of the sandbox, over real HTTP.
//!
//! Run: `cargo run --release -p museo-sandbox --example bench -- [PRODUCTS] [QUERIES]`
//! (defaults 100000 and 2000). It seeds a fresh catalog of PRODUCTS products
//! in a temp dir, times QUERIES searches (a mix of text in three languages,
//! filters, sorts and page-2 cursors) one at a time from a loopback client,
//! then times bulk upserts of 1000-row batches, and prints the figures.

use std::time::{Duration, Instant};

use museo_sandbox::SandboxConfig;
use museo_sdk::auth::{Minter, TokenRequest};
use museo_sdk::museo::SCOPE_PRODUCTS_WRITE;
use secrecy::ExposeSecret;

const QUERIES: &[&str] = &[
    "q=mug",
    "q=taza",
    "q=tasse%20nymph%C3%A9as",
    "q=water%20lilies%20scarf",
    "q=pa%C3%B1uelo%20seda",
    "q=great%20wave&in_stock=true",
    "q=klimt&sort=price_asc",
    "q=poster&price_max=30",
    "category=mugs&price_max=20&in_stock=true",
    "sort=price_desc",
    "sort=newest&category=books",
    "q=blue%20edition%20mug",
    "q=edici%C3%B3n%20azul",
    "q=the",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[allow(clippy::print_stdout)]
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let products: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let queries: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2000);
    let dir = tempfile::tempdir()?;
    let mut config = SandboxConfig::dev(dir.path().to_path_buf());
    config.seed_products = products;
    let started = Instant::now();
    let sandbox = museo_sandbox::spawn(config, None).await?;
    let seeded = started.elapsed();
    let base = sandbox.url.as_str().trim_end_matches('/').to_owned();
    let http = reqwest::Client::new();
    println!(
        "catalog: {products} products seeded in {:.1} s",
        seeded.as_secs_f64()
    );

    // Warm the page cache and prepared statements, then measure.
    for q in QUERIES {
        http.get(format!("{base}/v1/products?{q}"))
            .send()
            .await?
            .error_for_status()?;
    }
    let mut times = Vec::with_capacity(queries);
    let mut by_shape: Vec<Vec<Duration>> = vec![Vec::new(); QUERIES.len()];
    for i in 0..queries {
        let q = QUERIES[i % QUERIES.len()];
        let t = Instant::now();
        let page: serde_json::Value = http
            .get(format!("{base}/v1/products?{q}"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        // Every fourth query also fetches page 2, as a shopper paging would.
        if i % 4 == 0
            && let Some(cursor) = page["next_cursor"].as_str()
        {
            http.get(format!("{base}/v1/products?{q}&cursor={cursor}"))
                .send()
                .await?
                .error_for_status()?;
        }
        times.push(t.elapsed());
        by_shape[i % QUERIES.len()].push(t.elapsed());
    }
    times.sort();
    for (shape, mut samples) in QUERIES.iter().zip(by_shape) {
        samples.sort();
        if !samples.is_empty() {
            println!(
                "  {shape:<45} p50 {:.2} ms  p99 {:.2} ms",
                percentile(&samples, 0.5).as_secs_f64() * 1e3,
                percentile(&samples, 0.99).as_secs_f64() * 1e3
            );
        }
    }
    println!(
        "search over HTTP ({queries} requests, {} query shapes): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        QUERIES.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.90).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );

    let account = sandbox
        .dev_account
        .clone()
        .ok_or_else(|| anyhow::anyhow!("dev account"))?;
    let minter = Minter::new(account);
    let batches = 10;
    let mut rows = 0;
    let started = Instant::now();
    for batch in 0..batches {
        // Each batch overlaps half of the one before: 500 updates, 500 new SKUs.
        let items: Vec<serde_json::Value> = (0..1000)
            .map(|i| {
                let n = batch * 500 + i;
                serde_json::json!({
                    "sku": format!("BENCH-{n:07}"),
                    "title": { "en": format!("Bench product {n}"), "es": format!("Producto {n}"), "fr": format!("Produit {n}") },
                    "description": { "en": "A product made by the benchmark." },
                    "price": { "amount": format!("{}.{:02}", 5 + n % 90, (n * 7) % 100), "currency": "EUR" },
                    "stock": (n * 13 + batch) % 50,
                    "category": "stationery",
                    "tags": ["bench"],
                    "attributes": { "material": "paper" }
                })
            })
            .collect();
        let token = minter.one_time(
            &TokenRequest::new("bench", museo_sdk::config::DEFAULT_ADMIN_AUDIENCE)
                .with_scopes([SCOPE_PRODUCTS_WRITE]),
        )?;
        let response: serde_json::Value = http
            .post(format!("{base}/v1/admin/products/bulk"))
            .bearer_auth(token.expose_secret())
            .json(&serde_json::json!({ "mode": "upsert", "items": items }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        anyhow::ensure!(
            response["failed"] == 0,
            "bulk batch failed: {}",
            response["results"][0]
        );
        rows += 1000;
    }
    let elapsed = started.elapsed();
    println!(
        "bulk upsert over HTTP: {rows} rows in {batches} batches of 1000 in {:.2} s = {:.0} rows/s",
        elapsed.as_secs_f64(),
        rows as f64 / elapsed.as_secs_f64()
    );
    sandbox.stop().await;
    Ok(())
}
