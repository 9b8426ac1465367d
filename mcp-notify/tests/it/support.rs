//! Helpers: configurations on temp dirs, an rmcp client connected in-process,
//! calls, signed webhooks, real Redis with a prefix per test, and the Python
//! side (a venv with aiosmtpd) for the SMTP tests and `.eml` reading.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use mcp_notify::App;
use mcp_notify::config::{NotifyConfig, RetryPolicy};
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject};
use rmcp::service::{RoleClient, RunningService};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tower::ServiceExt as _;

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

/// Outbox-mode settings writing to `dir`, with fast retries and status steps.
pub fn config(dir: &Path) -> NotifyConfig {
    let mut config = NotifyConfig::outbox(dir.to_owned());
    config.retry = RetryPolicy {
        retries: 3,
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    };
    config.provider_timeout = Duration::from_secs(2);
    config.outbox_step = Duration::from_millis(20);
    config
}

/// A client connected to `app`'s MCP server through a pipe.
pub async fn connect(app: &App) -> anyhow::Result<Client> {
    let server = app.server();
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
        bail!("arguments must be an object")
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
    let text = first_text(&result);
    ensure!(
        result.is_error == Some(true),
        "{tool} {} should be refused, got {text}",
        excerpt(&arguments.to_string())
    );
    for needle in needles {
        ensure!(
            text.to_lowercase().contains(&needle.to_lowercase()),
            "{tool} {}: {text:?} does not mention {needle:?}",
            excerpt(&arguments.to_string())
        );
    }
    Ok(text)
}

fn excerpt(text: &str) -> String {
    text.chars().take(120).collect()
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

/// Polls get_delivery_status until `message_id` reaches `status` (5 s at most).
pub async fn wait_for_status(
    client: &Client,
    message_id: &str,
    status: &str,
) -> anyhow::Result<Value> {
    let mut last = Value::Null;
    for _ in 0..250 {
        last = ok(
            client,
            "get_delivery_status",
            serde_json::json!({ "message_id": message_id }),
        )
        .await?;
        if last["status"] == status {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bail!("{message_id} never reached {status}: {last}")
}

/// The statuses of a history, in order.
pub fn statuses(report: &Value) -> Vec<String> {
    report["history"]
        .as_array()
        .map(|h| {
            h.iter()
                .map(|e| e["status"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Sends one request to a router in-process; the status and body.
pub async fn hit(
    router: &axum::Router,
    request: Request<Body>,
) -> anyhow::Result<(StatusCode, String)> {
    let response = router.clone().oneshot(request).await?;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}

/// A Meta webhook POST of `body`, signed with `secret` (or with `signature` as given).
pub fn meta_post(body: &str, signature: Option<&str>) -> anyhow::Result<Request<Body>> {
    let mut builder =
        Request::post("/webhooks/whatsapp").header("content-type", "application/json");
    if let Some(signature) = signature {
        builder = builder.header("x-hub-signature-256", signature);
    }
    Ok(builder.body(Body::from(body.to_owned()))?)
}

/// A Meta status notification for `wamid`.
pub fn meta_status(wamid: &str, status: &str, timestamp: i64) -> String {
    serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "WABA", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "34910000000", "phone_number_id": "1234567890" },
            "statuses": [{ "id": wamid, "status": status, "timestamp": timestamp.to_string(), "recipient_id": "34612345678" }]
        }}]}]
    })
    .to_string()
}

/// A Meta inbound-message notification from `from` (digits, no +).
pub fn meta_inbound(from: &str, timestamp: i64) -> String {
    serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "WABA", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "contacts": [{ "profile": { "name": "Ana" }, "wa_id": from }],
            "messages": [{ "from": from, "id": "wamid.inbound", "timestamp": timestamp.to_string(), "type": "text", "text": { "body": "Hola" } }]
        }}]}]
    })
    .to_string()
}

/// A Twilio status callback to `url` (the full URL Twilio calls), signed with `token`.
pub fn twilio_post(
    url: &str,
    params: &[(&str, &str)],
    token: Option<&str>,
) -> anyhow::Result<Request<Body>> {
    let pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        body.append_pair(k, v);
    }
    let parsed = url::Url::parse(url)?;
    let path = match parsed.query() {
        Some(query) => format!("{}?{query}", parsed.path()),
        None => parsed.path().to_owned(),
    };
    let mut builder = Request::post(path)
        .header("host", parsed.host_str().unwrap_or("localhost"))
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(token) = token {
        builder = builder.header(
            "x-twilio-signature",
            mcp_notify::webhooks::twilio_signature(token, url, &pairs),
        );
    }
    Ok(builder.body(Body::from(body.finish()))?)
}

/// The Redis URL of the tests: `REDIS_URL`, else the local server.
pub fn redis_url() -> String {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379".to_owned())
}

/// A key prefix no other test (or run) shares.
pub fn unique_prefix(test: &str) -> String {
    format!(
        "museo:notify:test:{test}:{}:",
        uuid::Uuid::new_v4().simple()
    )
}

/// Deletes every key under `prefix`.
pub async fn drop_prefix(prefix: &str) -> anyhow::Result<()> {
    let client = redis::Client::open(redis_url())?;
    let mut connection = client.get_multiplexed_async_connection().await?;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut connection)
        .await?;
    if !keys.is_empty() {
        let () = redis::cmd("DEL")
            .arg(keys)
            .query_async(&mut connection)
            .await?;
    }
    Ok(())
}

/// Waits until `dir` holds `count` files with extension `ext`; their paths, sorted.
pub async fn files(dir: &Path, ext: &str, count: usize) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for _ in 0..250 {
        found = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == ext))
                    .collect()
            })
            .unwrap_or_default();
        if found.len() >= count {
            found.sort();
            return Ok(found);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bail!(
        "{} holds {} .{ext} files, expected {count}",
        dir.display(),
        found.len()
    )
}

static PYTHON: Mutex<Option<PathBuf>> = Mutex::new(None);

/// A Python with aiosmtpd: the workspace's venv (`$MUSEO_TOOLS_CACHE` or
/// `~/.cache`, `museo-py`), created and completed here when missing, each
/// step bounded by `timeout`.
pub fn python() -> anyhow::Result<PathBuf> {
    let mut ready = PYTHON.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(python) = ready.as_ref() {
        return Ok(python.clone());
    }
    let cache = std::env::var_os("MUSEO_TOOLS_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .context("neither MUSEO_TOOLS_CACHE nor HOME is set: no place for the Python venv")?;
    let venv = cache.join("museo-py");
    let python = venv.join("bin/python");
    if !python.exists() {
        run_bounded(
            "creating the Python venv",
            std::process::Command::new("timeout")
                .args(["120", "python3", "-m", "venv"])
                .arg(&venv),
        )?;
    }
    let has_aiosmtpd = std::process::Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_aiosmtpd {
        run_bounded(
            "installing aiosmtpd into the venv",
            std::process::Command::new("timeout")
                .arg("300")
                .arg(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "aiosmtpd==1.4.6",
                ]),
        )?;
    }
    *ready = Some(python.clone());
    Ok(python)
}

fn run_bounded(what: &str, command: &mut std::process::Command) -> anyhow::Result<()> {
    let output = command
        .output()
        .with_context(|| format!("{what}: cannot run {command:?}"))?;
    ensure!(
        output.status.success(),
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

/// `tests/python/smtp_sink.py`.
pub fn sink_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/smtp_sink.py")
}

/// `.eml` files as Python's `email` package reads them (decoded subject,
/// headers, text and HTML parts).
pub fn read_eml(paths: &[PathBuf]) -> anyhow::Result<Vec<Value>> {
    let output = std::process::Command::new(python()?)
        .arg(sink_script())
        .arg("--parse")
        .args(paths)
        .output()?;
    ensure!(
        output.status.success(),
        "parsing .eml failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let readings: Vec<Value> = serde_json::from_slice(&output.stdout)?;
    Ok(readings)
}

/// A real SMTP server (aiosmtpd in a child process) keeping what it receives.
#[derive(Debug)]
pub struct SmtpSink {
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: tempfile::TempDir,
    _child: tokio::process::Child,
}

impl SmtpSink {
    /// Starts the sink with extra `args` (`--auth u:p`, `--fail-first 2`, `--reject`).
    pub async fn start(args: &[&str]) -> anyhow::Result<Self> {
        let python = tokio::task::spawn_blocking(python).await??;
        let dir = tempfile::tempdir()?;
        let mut child = tokio::process::Command::new(python)
            .arg(sink_script())
            .arg(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start the SMTP sink")?;
        let stdout = child.stdout.take().context("sink stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = bounded("SMTP sink start", lines.next_line())
            .await??
            .context("the SMTP sink exited before listening")?;
        let port = line
            .strip_prefix("LISTENING ")
            .and_then(|p| p.trim().parse().ok())
            .with_context(|| format!("unexpected sink output {line:?}"))?;
        Ok(Self {
            port,
            dir,
            _child: child,
        })
    }

    /// The messages received so far, as the sink read them (waits for `count`).
    pub async fn received(&self, count: usize) -> anyhow::Result<Vec<Value>> {
        let paths = files(self.dir.path(), "json", count).await?;
        paths
            .iter()
            .map(|p| Ok(serde_json::from_str(&std::fs::read_to_string(p)?)?))
            .collect()
    }

    /// How many messages it has accepted.
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.dir.path())
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                    .count()
            })
            .unwrap_or(0)
    }
}
