//! Tool-call latency and throughput of the real `mcp-storefront` binary over
//! stdio, with its embedded (in-process) sandbox on a fresh data dir: what an
//! MCP host such as Claude Desktop, or the gateway, sees.
//!
//! Run (the example drives the binary built beside it):
//!
//! ```text
//! cargo build --release -p mcp-storefront
//! cargo run --release -p mcp-storefront --example bench -- [CALLS]
//! ```
//!
//! CALLS (default 1000) calls of `search_products` (en/es/fr queries with
//! prices, categories and colours) and of `add_to_basket` (a new basket
//! every 20 lines) are made one at a time, then again with 8 in flight on the
//! same connection. Prints p50/p90/p99/max per call and calls per second.
//! `MCP_STOREFRONT_BIN` overrides the binary's path.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, JsonObject};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};

type Client = RunningService<RoleClient, ()>;

const QUERIES: [(&str, &str); 8] = [
    ("Monet mug", "en"),
    ("posters under 30 euros", "en"),
    ("red silk scarf", "en"),
    ("tazas azules baratas", "es"),
    ("láminas de Van Gogh", "es"),
    ("affiches entre 20 et 50 €", "fr"),
    ("foulard en soie pas cher", "fr"),
    ("Klimt", "en"),
];

fn binary() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("MCP_STOREFRONT_BIN") {
        return Ok(path.into());
    }
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(|examples| examples.parent())
        .context("no target dir")?;
    let bin = dir.join("mcp-storefront");
    ensure!(
        bin.exists(),
        "{} does not exist: build it first (cargo build [--release] -p mcp-storefront) or set MCP_STOREFRONT_BIN",
        bin.display()
    );
    Ok(bin)
}

async fn call(client: &Client, tool: &str, arguments: Value) -> anyhow::Result<Value> {
    let Value::Object(map) = arguments else {
        bail!("arguments must be an object")
    };
    let result = client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(map as JsonObject))
        .await?;
    ensure!(
        result.is_error != Some(true),
        "{tool} failed: {:?}",
        result.content
    );
    result.structured_content.context("no structuredContent")
}

#[allow(clippy::print_stdout)]
fn report(label: &str, mut times: Vec<Duration>, wall: Duration) {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{label:<34} {:>6} calls  p50 {:>7.2?}  p90 {:>7.2?}  p99 {:>7.2?}  max {:>7.2?}  {:>7.0} calls/s",
        times.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
        times.len() as f64 / wall.as_secs_f64()
    );
}

/// Ids of products with plenty of stock, for the basket calls.
async fn stocked_products(client: &Client) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    for category in ["mugs", "prints", "postcards", "stationery", "books"] {
        let page = call(
            client,
            "search_products",
            json!({ "query": "", "category": category, "in_stock": true, "limit": 50 }),
        )
        .await?;
        for product in page["products"].as_array().into_iter().flatten() {
            if product["stock"].as_i64().unwrap_or(0) >= 5
                && let Some(id) = product["id"].as_str()
            {
                ids.push(id.to_owned());
            }
        }
    }
    ensure!(ids.len() >= 20, "only {} stocked products", ids.len());
    ids.truncate(20);
    Ok(ids)
}

async fn searches(
    client: &Arc<Client>,
    calls: usize,
    in_flight: usize,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    run(calls, in_flight, {
        let client = client.clone();
        move |i| {
            let client = client.clone();
            async move {
                let (query, locale) = QUERIES[i % QUERIES.len()];
                call(
                    &client,
                    "search_products",
                    json!({ "query": query, "locale": locale }),
                )
                .await
                .map(drop)
            }
        }
    })
    .await
}

async fn adds(
    client: &Arc<Client>,
    products: &Arc<Vec<String>>,
    calls: usize,
    in_flight: usize,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    // One basket per worker and round of 20 products, so lines never exceed stock.
    let baskets = Arc::new(tokio::sync::Mutex::new(std::collections::HashMap::<
        usize,
        String,
    >::new()));
    run(calls, in_flight, {
        let client = client.clone();
        let products = products.clone();
        move |i| {
            let client = client.clone();
            let products = products.clone();
            let baskets = baskets.clone();
            async move {
                let slot = i / products.len();
                let basket = baskets.lock().await.get(&slot).cloned();
                let mut args = json!({ "product_id": products[i % products.len()], "quantity": 1 });
                if let Some(basket) = basket {
                    args["basket_id"] = json!(basket);
                }
                let result = call(&client, "add_to_basket", args).await?;
                if let Some(id) = result["basket_id"].as_str() {
                    baskets
                        .lock()
                        .await
                        .entry(slot)
                        .or_insert_with(|| id.to_owned());
                }
                Ok(())
            }
        }
    })
    .await
}

async fn run<F, Fut>(
    calls: usize,
    in_flight: usize,
    make: F,
) -> anyhow::Result<(Vec<Duration>, Duration)>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let semaphore = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let mut tasks = tokio::task::JoinSet::new();
    let wall = Instant::now();
    for i in 0..calls {
        let permit = semaphore.clone().acquire_owned().await?;
        let future = make(i);
        tasks.spawn(async move {
            let started = Instant::now();
            let result = future.await;
            drop(permit);
            result.map(|()| started.elapsed())
        });
    }
    let mut times = Vec::with_capacity(calls);
    while let Some(joined) = tasks.join_next().await {
        times.push(joined??);
    }
    Ok((times, wall.elapsed()))
}

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let calls: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1000);
    let data = tempfile::tempdir()?;
    let mut command = tokio::process::Command::new(binary()?);
    command
        .env("RUST_LOG", "warn")
        .env_remove("MUSEO_API_URL")
        .env("MUSEO_SANDBOX_DATA_DIR", data.path());
    let started = Instant::now();
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let client = Arc::new(().serve(transport).await?);
    // The first call waits for the sandbox to seed its catalog.
    call(&client, "search_products", json!({ "query": "mug" })).await?;
    println!(
        "start-up to the first answer (spawn, seed 176 products, search): {:?}",
        started.elapsed()
    );
    let products = Arc::new(stocked_products(&client).await?);

    for in_flight in [1, 8] {
        let (times, wall) = searches(&client, calls, in_flight).await?;
        report(
            &format!("search_products, {in_flight} in flight"),
            times,
            wall,
        );
        let adds_calls = calls.min(products.len() * 40);
        let (times, wall) = adds(&client, &products, adds_calls, in_flight).await?;
        report(
            &format!("add_to_basket, {in_flight} in flight"),
            times,
            wall,
        );
    }
    if let Ok(client) = Arc::try_unwrap(client) {
        client.cancel().await?;
    }
    Ok(())
}
