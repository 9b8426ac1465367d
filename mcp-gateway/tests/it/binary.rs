//! The `mcp-gateway` binary as an operator runs it: a Claude Desktop-style
//! `mcpServers` JSON file, `check-config`, then serving, then SIGTERM.

use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use serde_json::json;

use crate::support::Ws;

#[tokio::test]
async fn the_binary_runs_an_mcp_servers_file_and_stops_on_sigterm() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("claude_desktop_config.json");
    std::fs::write(
        &config,
        json!({ "mcpServers": {
            "mcp-intent": {},
            "mcp-storefront": { "timeout": 5 },
            "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "disabled": true }
        } })
        .to_string(),
    )?;
    let bin = env!("CARGO_BIN_EXE_mcp-gateway");

    let checked = std::process::Command::new(bin)
        .args(["--config", &config.display().to_string(), "check-config"])
        .output()?;
    let listing = String::from_utf8_lossy(&checked.stdout);
    ensure!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    ensure!(
        listing.contains("mcp-intent")
            && listing.contains("mcp-storefront")
            && !listing.contains("files"),
        "{listing}"
    );

    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"mcpServers":{"x":{"command":"a","acess":"admin"}}}"#,
    )?;
    let refused = std::process::Command::new(bin)
        .args(["--config", &broken.display().to_string(), "check-config"])
        .output()?;
    let why = String::from_utf8_lossy(&refused.stderr);
    ensure!(
        !refused.status.success() && why.contains("mcpServers.x.acess"),
        "the error names the key: {why}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut gateway = tokio::process::Command::new(bin)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--config",
            &config.display().to_string(),
        ])
        .env("MUSEO_SANDBOX_DATA_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let http = reqwest::Client::new();
    let ready_url = format!("http://127.0.0.1:{port}/readyz");
    let deadline = Instant::now() + Duration::from_secs(60);
    let ready = loop {
        if let Ok(response) = http.get(&ready_url).send().await
            && response.status().is_success()
        {
            break response.json::<serde_json::Value>().await?;
        }
        ensure!(Instant::now() < deadline, "never ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    ensure!(ready["servers"]["total"] == 2, "{ready}");

    let mut ws = Ws::connect(&format!("ws://127.0.0.1:{port}/ws")).await?;
    ws.hello(json!({ "locale": "en-US" })).await?;
    let found = ws.say("1", "show me Monet mugs").await?;
    ensure!(found["intent"] == "product.search", "{found}");
    // Not configured, so not there: a customer learns nothing more.
    ws.send(json!({ "type": "call", "id": "c", "server": "mcp-admin", "tool": "list_products" }))
        .await?;
    let refused = ws.next().await?;
    ensure!(refused["code"] == "forbidden", "{refused}");

    let pid = gateway.id().context("pid")?;
    ensure!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()?
            .success()
    );
    let closed = ws.next_raw().await?;
    ensure!(
        matches!(&closed, Some(tokio_tungstenite::tungstenite::Message::Close(Some(frame))) if u16::from(frame.code) == 1001),
        "an open session is told to reconnect: {closed:?}"
    );
    let status = tokio::time::timeout(Duration::from_secs(20), gateway.wait())
        .await
        .context("the gateway did not stop within 20 s of SIGTERM")??;
    ensure!(status.success(), "{status}");
    Ok(())
}
