//! The real `mcp-notify` binary as an MCP host runs it: over stdio with no
//! configuration (the outbox), with `--webhooks` beside stdio, and over
//! Streamable HTTP with the webhooks next to `/mcp` and a clean stop on
//! SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, ensure};
use rmcp::ServiceExt as _;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::process::Command;

use crate::support::{bounded, files, meta_inbound, ok, refused, wait_for_status};

const BIN: &str = env!("CARGO_BIN_EXE_mcp-notify");

fn command(outbox: &std::path::Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .env("RUST_LOG", "info")
        .env("MUSEO_NOTIFY_OUTBOX", outbox)
        .env_remove("REDIS_URL")
        .env_remove("SMTP_HOST")
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("WHATSAPP_TOKEN")
        .kill_on_drop(true);
    command
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn wait_listening(port: u16) -> anyhow::Result<()> {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("nothing listens on {port}")
}

/// One HTTP/1.1 request over a raw socket; the status and body.
async fn http(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, String)],
    body: &str,
) -> anyhow::Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    BufReader::new(stream).read_to_string(&mut response).await?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status in {response:?}"))?;
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    Ok((status, body))
}

#[tokio::test]
async fn stdio_with_no_configuration_writes_to_the_outbox() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (transport, stderr) = TokioChildProcess::builder(command(dir.path()))
        .stderr(Stdio::piped())
        .spawn()?;
    let client = bounded("start", ().serve(transport)).await??;
    let info = client.peer_info().context("no server info")?;
    ensure!(
        info.server_info
            .as_ref()
            .is_some_and(|s| s.name == "mcp-notify"),
        "{:?}",
        info.server_info
    );
    let tools = bounded("list", client.list_all_tools()).await??;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for fixed in [
        "send_email",
        "send_sms",
        "send_whatsapp",
        "get_delivery_status",
        "list_templates",
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
        ensure!(
            tool.annotations.is_some(),
            "{} has no annotations",
            tool.name
        );
    }
    let sent = ok(
        &client,
        "send_email",
        json!({ "to": "ana@example.com", "subject": "Bonjour", "text": "Votre commande est prête.", "locale": "fr-FR" }),
    )
    .await?;
    let id = sent["message_id"].as_str().context("id")?;
    wait_for_status(&client, id, "delivered").await?;
    ensure!(files(dir.path(), "eml", 1).await?.len() == 1, "no .eml");
    refused(
        &client,
        "get_delivery_status",
        json!({ "message_id": 5 }),
        &["`message_id`"],
    )
    .await?;
    bounded("cancel", client.cancel()).await??;

    let mut logged = String::new();
    bounded(
        "stderr",
        stderr.context("stderr")?.read_to_string(&mut logged),
    )
    .await??;
    ensure!(
        logged.contains("email: outbox") && logged.contains("set SMTP_HOST"),
        "the start-up lines are missing: {logged}"
    );
    Ok(())
}

#[tokio::test]
async fn stdio_serves_webhooks_on_their_own_listener() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut command = command(dir.path());
    command
        .env("WHATSAPP_APP_SECRET", "bin-secret")
        .args(["--webhooks", &format!("127.0.0.1:{port}")]);
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::null())
        .spawn()?;
    let client = bounded("start", ().serve(transport)).await??;
    wait_listening(port).await?;
    let text = json!({ "to": "+34612345678", "text": "Hola Ana" });
    refused(&client, "send_whatsapp", text.clone(), &["24 hours"]).await?;
    let body = meta_inbound("34612345678", jiff::Timestamp::now().as_second());
    let forged = mcp_notify::webhooks::meta_signature("other", body.as_bytes());
    let json_type = ("Content-Type", "application/json".to_owned());
    let (status, _) = http(
        port,
        "POST",
        "/webhooks/whatsapp",
        &[json_type.clone(), ("X-Hub-Signature-256", forged)],
        &body,
    )
    .await?;
    ensure!(status == 403, "forged: {status}");
    refused(&client, "send_whatsapp", text.clone(), &["24 hours"]).await?;
    let signed = mcp_notify::webhooks::meta_signature("bin-secret", body.as_bytes());
    let (status, _) = http(
        port,
        "POST",
        "/webhooks/whatsapp",
        &[json_type, ("X-Hub-Signature-256", signed)],
        &body,
    )
    .await?;
    ensure!(status == 200, "signed: {status}");
    let sent = ok(&client, "send_whatsapp", text).await?;
    ensure!(sent["whatsapp_kind"] == "text", "{sent}");
    bounded("cancel", client.cancel()).await??;
    Ok(())
}

#[tokio::test]
async fn streamable_http_serves_mcp_and_webhooks_and_stops_on_sigterm() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut child = command(dir.path())
        .env("WHATSAPP_VERIFY_TOKEN", "verify-me")
        .env("WHATSAPP_APP_SECRET", "http-secret")
        .args(["--http", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    wait_listening(port).await?;
    let url = format!("http://127.0.0.1:{port}/mcp");
    let client = bounded(
        "start",
        ().serve(StreamableHttpClientTransport::from_uri(url.as_str())),
    )
    .await??;
    let sent = ok(
        &client,
        "send_whatsapp",
        json!({
            "to": "+33612345678", "template": "payment_link",
            "variables": { "customer_name": "Élodie", "total": "89", "currency": "EUR",
                "payment_url": "https://pay.museo.example/c/1", "expires_at": "2025-06-04T18:00:00Z" }
        }),
    )
    .await?;
    ensure!(
        sent["preview"]
            .as_str()
            .is_some_and(|p| p.contains("89,00\u{a0}€") && p.contains("4 juin 2025 à 18:00 UTC")),
        "{sent}"
    );
    let listed = ok(&client, "list_templates", json!({ "channel": "sms" })).await?;
    ensure!(
        listed["templates"].as_array().is_some_and(|t| t.len() == 4),
        "{listed}"
    );
    bounded("cancel", client.cancel()).await??;

    let (status, body) = http(
        port,
        "GET",
        "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=4242",
        &[],
        "",
    )
    .await?;
    ensure!(status == 200 && body == "4242", "{status} {body}");
    let (status, _) = http(
        port,
        "GET",
        "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=4242",
        &[],
        "",
    )
    .await?;
    ensure!(status == 403, "{status}");
    let (status, _) = http(
        port,
        "POST",
        "/webhooks/twilio",
        &[(
            "Content-Type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        "MessageSid=SM1&MessageStatus=delivered",
    )
    .await?;
    ensure!(status == 404, "Twilio is not configured: {status}");
    let (status, _) = http(port, "GET", "/healthz", &[], "").await?;
    ensure!(status == 200, "{status}");

    let pid = child.id().context("pid")?;
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    ensure!(kill.success(), "kill -TERM failed");
    let status = bounded("exit after SIGTERM", child.wait()).await??;
    ensure!(status.success(), "exit status {status} after SIGTERM");
    Ok(())
}

#[tokio::test]
async fn a_half_configured_channel_stops_the_start_with_its_name() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let output = bounded(
        "run",
        command(dir.path())
            .env("TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef")
            .env_remove("TWILIO_AUTH_TOKEN")
            .stdin(Stdio::null())
            .output(),
    )
    .await??;
    ensure!(!output.status.success(), "started half configured");
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(stderr.contains("TWILIO_AUTH_TOKEN"), "{stderr}");
    Ok(())
}
