//! Gateway figures: time from start to ready, a direct `call` round trip
//! through the gateway against the same tool called over stdio, chat
//! messages/s with many concurrent sessions, and memory per idle connection.
//!
//! ```sh
//! cargo build --release --workspace
//! cargo run --release -p mcp-gateway --example load -- [SESSIONS] [MESSAGES_PER_SESSION]
//! ```
//!
//! The round trip and chat figures come from a gateway in this process on a
//! loopback port, with the sibling binaries as children (built beside this
//! example) and the embedded sandbox. Start-to-ready and memory per idle
//! connection come from the `mcp-gateway` binary run as its own process
//! (its `/readyz`, its `VmRSS`), so the client's memory is not counted.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures::{SinkExt as _, StreamExt as _};
use museo_sdk::config::EnvSource;
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

struct Env(Vec<(String, String)>);
impl EnvSource for Env {
    fn var(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn exchange(ws: &mut Socket, frame: &Value) -> anyhow::Result<Value> {
    ws.send(Message::Text(frame.to_string().into())).await?;
    loop {
        if let Message::Text(text) = ws.next().await.context("closed")?? {
            return Ok(serde_json::from_str(&text)?);
        }
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn percentiles(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    format!("p50 {:.2?}, p99 {:.2?}", at(0.5), at(0.99))
}

/// Runs the `mcp-gateway` binary on a free port: time to a 200 from
/// `/readyz`, then its RSS before and after `sessions` idle WebSocket sessions.
async fn process_figures(sessions: usize) -> anyhow::Result<(Duration, u64, u64)> {
    let exe = std::env::current_exe()?;
    let bin = exe
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("mcp-gateway"))
        .filter(|p| p.is_file())
        .context("the mcp-gateway binary is not built (cargo build --release --workspace)")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let data = tempfile::tempdir()?;
    let started = Instant::now();
    let mut gateway = tokio::process::Command::new(bin)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("MUSEO_SANDBOX_DATA_DIR", data.path())
        .env("RUST_LOG", "error")
        .env("GATEWAY_RATE_PER_SECOND", "1000000")
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let pid = gateway.id().context("pid")?;
    let http = reqwest::Client::new();
    let ready = loop {
        if let Ok(r) = http
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            && r.status().is_success()
        {
            break started.elapsed();
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "the gateway never became ready"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let url = format!("ws://127.0.0.1:{port}/ws");
    // One session first, so lazily built state is not counted per connection.
    let (mut warm, _) = tokio_tungstenite::connect_async(&url).await?;
    exchange(&mut warm, &json!({ "type": "hello" })).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_kib(pid);
    let mut idle = Vec::new();
    for _ in 0..sessions {
        let (mut ws, _) = tokio_tungstenite::connect_async(&url).await?;
        exchange(&mut ws, &json!({ "type": "hello" })).await?;
        idle.push(ws);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = rss_kib(pid);
    drop(idle);
    // SIGTERM: the graceful path.
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = tokio::time::timeout(Duration::from_secs(15), gateway.wait()).await;
    Ok((ready, before, after))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sessions: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(200);
    let per_session: usize = std::env::args()
        .nth(2)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(5);
    let data = tempfile::tempdir()?;
    let env = Env(vec![
        (
            "MUSEO_SANDBOX_DATA_DIR".into(),
            data.path().display().to_string(),
        ),
        ("RUST_LOG".into(), "error".into()),
        ("GATEWAY_RATE_PER_SECOND".into(), "1000000".into()),
    ]);
    let started = Instant::now();
    let gw = mcp_gateway::start::start(
        &env,
        mcp_gateway::config::Config::default(),
        mcp_gateway::start::Builtins::Processes,
    )
    .await?;
    for child in gw.gateway.children.values() {
        child.warm().await?;
    }
    println!(
        "start to ready (sandbox + 4 children initialised): {:?}",
        started.elapsed()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("ws://{}/ws", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mcp_gateway::start::run(
        gw.gateway.clone(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));

    // Direct call through the gateway vs the same tool over stdio.
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await?;
    exchange(&mut ws, &json!({ "type": "hello", "locale": "en" })).await?;
    let call = json!({ "type": "call", "id": "c", "server": "mcp-storefront", "tool": "get_product", "arguments": { "product_id": "MUG-NYMPH-01" } });
    let rounds = 1000;
    let first = exchange(&mut ws, &call).await?;
    anyhow::ensure!(
        first["type"] == "result" && first["is_error"] == false,
        "{first}"
    );
    let bin =
        mcp_gateway::children::find_binary("mcp-storefront").context("mcp-storefront binary")?;
    let mut command = tokio::process::Command::new(bin);
    command
        .env("MUSEO_API_URL", gw.backend.client.base_url().as_str())
        .env("RUST_LOG", "error");
    let direct = ().serve(rmcp::transport::TokioChildProcess::new(command)?).await?;
    let Value::Object(arguments) = json!({ "product_id": "MUG-NYMPH-01" }) else {
        unreachable!()
    };
    let direct_call = || {
        direct
            .call_tool(CallToolRequestParams::new("get_product").with_arguments(arguments.clone()))
    };
    for _ in 0..50 {
        exchange(&mut ws, &call).await?;
        direct_call().await?;
    }
    // Interleaved, so both paths see the same machine at the same moment.
    let mut via_gateway = Vec::with_capacity(rounds);
    let mut over_stdio = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        let result = exchange(&mut ws, &call).await?;
        via_gateway.push(t.elapsed());
        anyhow::ensure!(result["type"] == "result", "{result}");
        let t = Instant::now();
        direct_call().await?;
        over_stdio.push(t.elapsed());
    }
    let median = |v: &Vec<Duration>| {
        let mut v = v.clone();
        v.sort();
        v[v.len() / 2]
    };
    let ratio = median(&via_gateway).as_secs_f64() / median(&over_stdio).as_secs_f64();
    println!(
        "get_product round trip: via gateway {} | direct over stdio {} | median ratio {ratio:.2}×",
        percentiles(via_gateway),
        percentiles(over_stdio)
    );
    direct.cancel().await?;

    // Chat with many concurrent sessions.
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..sessions {
        let url = url.clone();
        tasks.spawn(async move {
            let (mut ws, _) = tokio_tungstenite::connect_async(&url).await?;
            let locale = ["en", "es", "fr"][n % 3];
            exchange(&mut ws, &json!({ "type": "hello", "locale": locale })).await?;
            let mut times = Vec::new();
            let texts = ["show me Monet mugs", "busco láminas de Klimt", "foulard en soie", "add two of those", "hello"];
            for i in 0..per_session {
                let t = Instant::now();
                let reply = exchange(&mut ws, &json!({ "type": "message", "id": i.to_string(), "text": texts[(n + i) % texts.len()] })).await?;
                anyhow::ensure!(reply["type"] == "reply", "{reply}");
                times.push(t.elapsed());
            }
            anyhow::Ok(times)
        });
    }
    let mut times = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        times.extend(joined??);
    }
    let wall = started.elapsed();
    println!(
        "chat: {sessions} concurrent sessions × {per_session} messages = {} in {wall:.2?} → {:.0} messages/s, {}",
        times.len(),
        times.len() as f64 / wall.as_secs_f64(),
        percentiles(times)
    );

    // The gateway binary as a process: start to ready, memory per idle connection.
    let (ready_after, rss_before, rss_after) = process_figures(sessions).await?;
    println!("gateway process: start to ready (sandbox + 4 child processes) {ready_after:.2?}");
    println!(
        "idle connections: {sessions} → +{:.1} MiB gateway RSS ({:.1} MiB → {:.1} MiB), {:.1} KiB each",
        rss_after.saturating_sub(rss_before) as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        rss_after.saturating_sub(rss_before) as f64 / sessions as f64
    );
    let _ = stop.send(());
    server.await??;
    Ok(())
}
