//! The real `mcp-admin` binary: over stdio with nothing configured (embedded
//! sandbox, its dev service account), and as an OAuth 2.1 resource server
//! over HTTP.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, ensure};
use rmcp::ServiceExt as _;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use serde_json::{Value, json};
use tokio::process::Command;

use crate::support::{TestClient, bounded, ok, refused};

const BIN: &str = env!("CARGO_BIN_EXE_mcp-admin");

fn command(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .env("RUST_LOG", "warn")
        .env_remove("MUSEO_API_URL")
        .env_remove("MCP_ADMIN_JWKS_URL")
        .env_remove("MCP_ADMIN_JWKS_FILE")
        .env_remove("SERVICE_ACCOUNT_ID")
        .env("MUSEO_SANDBOX_DATA_DIR", data_dir)
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn stdio_with_nothing_configured_acts_with_the_dev_account() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (transport, _) = TokioChildProcess::builder(command(dir.path()))
        .stderr(Stdio::null())
        .spawn()?;
    let client = bounded("start", TestClient::default().serve(transport)).await??;
    let tools = bounded("list", client.list_all_tools()).await??;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for fixed in [
        "create_product",
        "update_product",
        "delete_product",
        "import_products",
    ] {
        ensure!(names.contains(&fixed), "{fixed} missing: {names:?}");
    }
    let delete = tools
        .iter()
        .find(|t| t.name == "delete_product")
        .context("delete")?;
    ensure!(
        delete.annotations.as_ref().and_then(|a| a.destructive_hint) == Some(true),
        "delete must be destructive"
    );
    for tool in &tools {
        let schema = Value::Object(tool.input_schema.as_ref().clone());
        for (name, property) in schema["properties"].as_object().context("properties")? {
            ensure!(
                property["description"].is_string(),
                "{}.{name} has no description",
                tool.name
            );
        }
    }
    let created = ok(
        &client,
        "create_product",
        json!({ "description": "Vase en céramique bleue, 42 €, 8 en stock" }),
    )
    .await?;
    ensure!(
        created["title"]["fr"] == "Vase en céramique bleue" && created["stock"] == 8,
        "{created}"
    );
    bounded("cancel", client.cancel()).await??;
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn dev_token(dir: &std::path::Path, role: &str) -> anyhow::Result<String> {
    let output = command(dir)
        .args([
            "dev-token",
            "--subject",
            "carla@museo.example",
            "--role",
            role,
        ])
        .output()
        .await?;
    ensure!(
        output.status.success(),
        "dev-token: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8(output.stdout)?.trim().to_owned())
}

#[tokio::test]
async fn http_is_an_oauth_protected_resource() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut child = command(dir.path())
        .args(["--http", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ensure!(up, "--http did not come up");

    // No token: 401 pointing at the RFC 9728 metadata.
    let initialize = json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}});
    let post = |token: Option<String>| {
        let mut request = http
            .post(format!("{base}/mcp"))
            .header("accept", "application/json, text/event-stream")
            .json(&initialize);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let anonymous = post(None).await?;
    ensure!(
        anonymous.status() == 401,
        "no token: {}",
        anonymous.status()
    );
    let challenge = anonymous
        .headers()
        .get("www-authenticate")
        .context("no WWW-Authenticate")?
        .to_str()?
        .to_owned();
    ensure!(
        challenge.starts_with("Bearer ")
            && challenge.contains("resource_metadata=\"http://127.0.0.1"),
        "{challenge}"
    );
    let bad = post(Some("not.a.jwt".into())).await?;
    ensure!(bad.status() == 401, "bad token: {}", bad.status());
    ensure!(
        bad.headers()["www-authenticate"]
            .to_str()?
            .contains("error=\"invalid_token\""),
        "bad token challenge"
    );
    let customer = post(Some(dev_token(dir.path(), "customer").await?)).await?;
    ensure!(customer.status() == 403, "customer: {}", customer.status());
    ensure!(
        customer.headers()["www-authenticate"]
            .to_str()?
            .contains("insufficient_scope"),
        "customer challenge"
    );
    let metadata: Value = http
        .get(format!("{base}/.well-known/oauth-protected-resource"))
        .send()
        .await?
        .json()
        .await?;
    ensure!(
        metadata["resource"] == format!("{base}/mcp")
            && metadata["bearer_methods_supported"] == json!(["header"]),
        "{metadata}"
    );

    // An admin's bearer: the tools work and act for that admin.
    let token = dev_token(dir.path(), "admin").await?;
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(format!("{base}/mcp")).auth_header(token),
    );
    let client = bounded("start", TestClient::default().serve(transport)).await??;
    let created = ok(
        &client,
        "create_product",
        json!({ "title": "HTTP vase", "price": 30, "sku": "HTTP-VASE-1" }),
    )
    .await?;
    ensure!(created["sku"] == "HTTP-VASE-1", "{created}");
    refused(
        &client,
        "delete_product",
        json!({ "product_id": "HTTP-VASE-1" }),
        &["confirm"],
    )
    .await?;
    bounded("cancel", client.cancel()).await??;

    let pid = child.id().context("pid")?;
    ensure!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()?
            .success(),
        "kill"
    );
    let status = bounded("exit", child.wait()).await??;
    ensure!(status.success(), "exit {status}");
    Ok(())
}
