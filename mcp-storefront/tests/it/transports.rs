//! The real `mcp-storefront` binary, as an MCP host runs it: over stdio with
//! the embedded sandbox (no configuration at all), and over Streamable HTTP
//! with its DNS-rebinding protection and a clean stop on SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, ensure};
use rmcp::ServiceExt as _;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use serde_json::json;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::process::Command;

use crate::support::{bounded, cents, ok, refused};

const BIN: &str = env!("CARGO_BIN_EXE_mcp-storefront");

fn command(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .env("RUST_LOG", "warn")
        .env_remove("MUSEO_API_URL")
        .env("MUSEO_SANDBOX_DATA_DIR", data_dir)
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn stdio_with_the_embedded_sandbox_and_no_configuration() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (transport, stderr) = TokioChildProcess::builder(command(dir.path()))
        .stderr(Stdio::piped())
        .spawn()?;
    let client = bounded("start", ().serve(transport)).await??;
    let info = client.peer_info().context("no server info")?;
    ensure!(
        info.server_info
            .as_ref()
            .is_some_and(|s| s.name == "mcp-storefront"),
        "{:?}",
        info.server_info
    );
    ensure!(
        info.capabilities.tools.is_some()
            && info.capabilities.resources.is_some()
            && info.capabilities.prompts.is_some(),
        "capabilities {:?}",
        info.capabilities
    );
    let tools = bounded("list", client.list_all_tools()).await??;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for fixed in [
        "search_products",
        "get_product",
        "add_to_basket",
        "view_basket",
        "remove_from_basket",
        "get_payment_link",
        "answer_product_question",
    ] {
        ensure!(names.contains(&fixed), "{fixed} missing from {names:?}");
    }
    for tool in &tools {
        let schema = serde_json::Value::Object(tool.input_schema.as_ref().clone());
        for (name, property) in schema["properties"].as_object().context("properties")? {
            ensure!(
                property["description"].is_string(),
                "{}.{name} has no description",
                tool.name
            );
            ensure!(
                !property["type"].is_array(),
                "{}.{name}: nullable type array",
                tool.name
            );
        }
        ensure!(
            tool.output_schema.is_some(),
            "{} has no outputSchema",
            tool.name
        );
    }
    let found = ok(
        &client,
        "search_products",
        json!({ "query": "láminas de Monet", "locale": "es" }),
    )
    .await?;
    ensure!(
        found["products"].as_array().is_some_and(|p| !p.is_empty()),
        "{found}"
    );
    let basket = ok(
        &client,
        "add_to_basket",
        json!({ "product_id": found["products"][0]["id"], "quantity": 2 }),
    )
    .await?;
    ensure!(
        cents(&basket["total"])? == 2 * cents(&found["products"][0]["price"])?,
        "{basket}"
    );
    refused(
        &client,
        "view_basket",
        json!({ "basket_id": 12 }),
        &["`basket_id`"],
    )
    .await?;
    bounded("cancel", client.cancel()).await??;

    let mut stderr = stderr.context("stderr")?;
    let mut logged = String::new();
    bounded("stderr", stderr.read_to_string(&mut logged)).await??;
    ensure!(
        logged.contains("MUSEO_API_URL is not set; using the embedded Museo sandbox"),
        "the start-up line is missing from stderr: {logged}"
    );
    ensure!(
        dir.path().join("museo.db").exists(),
        "the sandbox did not use MUSEO_SANDBOX_DATA_DIR"
    );
    Ok(())
}

#[tokio::test]
async fn a_bad_museo_api_url_stops_the_start_with_its_name() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let output = bounded(
        "run",
        command(dir.path())
            .env("MUSEO_API_URL", "ftp://shop.example")
            .stdin(Stdio::null())
            .output(),
    )
    .await??;
    ensure!(!output.status.success(), "started with a bad URL");
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(stderr.contains("MUSEO_API_URL"), "{stderr}");
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn status_of(port: u16, host: &str, origin: Option<&str>) -> anyhow::Result<u16> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    let origin = origin
        .map(|o| format!("Origin: {o}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: {host}\r\n{origin}Content-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).await?;
    line.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status in {line:?}"))
}

#[tokio::test]
async fn streamable_http_binary_guards_hosts_and_stops_on_sigterm() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut child = command(dir.path())
        .args(["--http", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let mut up = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ensure!(up, "--http did not listen on {port}");

    let url = format!("http://127.0.0.1:{port}/mcp");
    let client = bounded(
        "start",
        ().serve(StreamableHttpClientTransport::from_uri(url.as_str())),
    )
    .await??;
    let found = ok(
        &client,
        "search_products",
        json!({ "query": "foulard en soie", "locale": "fr-FR" }),
    )
    .await?;
    let card = &found["products"][0];
    ensure!(
        card["price"]["display"]
            .as_str()
            .is_some_and(|d| d.ends_with('€')),
        "{card}"
    );
    let basket = ok(
        &client,
        "add_to_basket",
        json!({ "product_id": card["id"], "quantity": 2 }),
    )
    .await?;
    let link = ok(
        &client,
        "get_payment_link",
        json!({ "basket_id": basket["basket_id"] }),
    )
    .await?;
    ensure!(
        link["url"]
            .as_str()
            .is_some_and(|u| u.contains("/checkout/")),
        "{link}"
    );
    bounded("cancel", client.cancel()).await??;

    // DNS rebinding: a foreign Host or Origin is refused; loopback is served.
    ensure!(
        status_of(port, "evil.example", None).await? == 403,
        "foreign Host served"
    );
    ensure!(
        status_of(
            port,
            &format!("127.0.0.1:{port}"),
            Some("http://evil.example")
        )
        .await?
            == 403,
        "foreign Origin served"
    );
    ensure!(
        status_of(port, &format!("localhost:{port}"), None).await? == 200,
        "loopback refused"
    );

    let pid = child.id().context("pid")?;
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    ensure!(kill.success(), "kill -TERM failed");
    let status = bounded("exit after SIGTERM", child.wait()).await??;
    ensure!(status.success(), "exit status {status} after SIGTERM");
    Ok(())
}
