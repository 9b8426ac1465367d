//! Helpers: a sandbox on a temp dir, a client connected in-process, calls.

use std::future::Future;
use std::time::Duration;

use anyhow::{Context as _, ensure};
use mcp_storefront::StorefrontServer;
use museo_sandbox::{RunningSandbox, SandboxConfig};
use museo_sdk::config::MuseoConfig;
use museo_sdk::museo::MuseoClient;
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject};
use rmcp::service::{RoleClient, RunningService};
use serde_json::Value;

/// Upper bound for any single step; nothing here should come close.
pub const STEP: Duration = Duration::from_secs(30);

/// A connected rmcp client that does nothing on its own.
pub type Client = RunningService<RoleClient, ()>;

/// Fails instead of hanging when `future` takes longer than [`STEP`].
pub async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> anyhow::Result<T> {
    tokio::time::timeout(STEP, future)
        .await
        .with_context(|| format!("{what} took longer than {STEP:?}"))
}

/// A seeded sandbox on a fresh temp dir (kept alive by the returned guard).
pub async fn sandbox() -> anyhow::Result<(RunningSandbox, tempfile::TempDir)> {
    let dir = tempfile::tempdir()?;
    let sandbox = museo_sandbox::spawn(SandboxConfig::dev(dir.path().to_owned()), None).await?;
    Ok((sandbox, dir))
}

/// A storefront over `url`, and a client connected to it through a pipe.
pub async fn client_for(url: url::Url) -> anyhow::Result<Client> {
    let mut config = MuseoConfig::for_url(url);
    config.timeout = Duration::from_secs(2);
    config.retries = 1;
    let server = StorefrontServer::new(MuseoClient::new(config)?);
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    bounded("client start", ().serve(client_io))
        .await?
        .context("client could not connect over duplex")
}

/// Calls `tool` with the JSON object `arguments`.
pub async fn call(client: &Client, tool: &str, arguments: Value) -> anyhow::Result<CallToolResult> {
    let Value::Object(map) = arguments else {
        anyhow::bail!("arguments must be an object")
    };
    let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(map as JsonObject);
    Ok(bounded(tool, client.call_tool(params)).await??)
}

/// The structured result of a successful call, checked against its text mirror.
pub async fn ok(client: &Client, tool: &str, arguments: Value) -> anyhow::Result<Value> {
    let result = call(client, tool, arguments.clone()).await?;
    ensure!(
        result.is_error != Some(true),
        "{tool} {arguments}: {}",
        first_text(&result)
    );
    let structured = result
        .structured_content
        .clone()
        .with_context(|| format!("{tool}: no structuredContent"))?;
    let text: Value = serde_json::from_str(&first_text(&result))?;
    ensure!(
        text == structured,
        "{tool}: the text block differs from structuredContent"
    );
    Ok(structured)
}

/// The error text of a call that must fail with `isError`, checked to mention every needle.
pub async fn refused(
    client: &Client,
    tool: &str,
    arguments: Value,
    needles: &[&str],
) -> anyhow::Result<String> {
    let result = call(client, tool, arguments.clone()).await?;
    ensure!(
        result.is_error == Some(true),
        "{tool} {arguments} should be refused, got {result:?}"
    );
    let text = first_text(&result);
    for needle in needles {
        ensure!(
            text.to_lowercase().contains(&needle.to_lowercase()),
            "{tool} {arguments}: {text:?} does not mention {needle:?}"
        );
    }
    Ok(text)
}

/// The first text block of a result.
pub fn first_text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .find_map(|block| block.as_text())
        .map(|text| text.text.clone())
        .unwrap_or_default()
}

/// A decimal amount of a `{amount, currency}` value, in cents.
pub fn cents(price: &Value) -> anyhow::Result<i64> {
    let amount = price["amount"].as_str().context("amount is not a string")?;
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, "0"));
    let fraction = format!("{fraction:0<2}");
    Ok(whole.parse::<i64>()? * 100 + fraction[..2].parse::<i64>()?)
}
