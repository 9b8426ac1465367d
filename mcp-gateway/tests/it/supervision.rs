//! Children as real processes: `kill -9` mid-request, a hung child found by
//! its health ping, a crash loop marked degraded, operator stop/start over
//! HTTP, a Streamable HTTP child, and progress frames from a long import.

use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use mcp_gateway::auth::Role;
use mcp_gateway::config::{Config, DEFAULT_TIMEOUT, RestartPolicy, ServerConfig, Transport};
use mcp_gateway::start::Builtins;
use serde_json::json;

use crate::support::{Ws, gateway_with};

/// The gateway binary: `serve NAME` runs a built-in server over stdio.
fn gateway_bin() -> std::path::PathBuf {
    env!("CARGO_BIN_EXE_mcp-gateway").into()
}

fn builtin(name: &str, env: &[(&str, String)], restart: RestartPolicy) -> ServerConfig {
    ServerConfig {
        name: name.into(),
        transport: Transport::Stdio {
            command: gateway_bin(),
            args: vec!["serve".into(), name.into()],
            env: env.iter().map(|(k, v)| ((*k).into(), v.clone())).collect(),
        },
        access: if name == "mcp-admin" || name == "mcp-notify" {
            Role::Admin
        } else {
            Role::Customer
        },
        timeout: DEFAULT_TIMEOUT,
        restart,
    }
}

fn fast_restarts() -> RestartPolicy {
    RestartPolicy {
        backoff_initial: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
        ..RestartPolicy::default()
    }
}

/// An "AI provider" that accepts connections and never answers: a request
/// to it is in flight for as long as the test wants. Counts connections.
async fn silent_ai() -> anyhow::Result<(String, tokio::sync::mpsc::UnboundedReceiver<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/v1", listener.local_addr()?);
    let (seen, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            let _ = seen.send(());
            held.push(socket);
        }
    });
    Ok((url, rx))
}

async fn wait_for<F, Fut>(what: &str, within: Duration, mut check: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if check().await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("{what}: not within {within:?}")
}

fn kill(signal: &str, pid: u32) -> anyhow::Result<()> {
    ensure!(
        std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()?
            .success(),
        "kill {signal} {pid}"
    );
    Ok(())
}

#[tokio::test]
async fn kill_9_mid_request_answers_within_a_second_and_the_child_comes_back() -> anyhow::Result<()>
{
    let dir = tempfile::tempdir()?;
    let (ai, mut asked) = silent_ai().await?;
    let intent = builtin(
        "mcp-intent",
        &[
            ("INTENT_AI_PROVIDER", "openai".into()),
            ("INTENT_AI_BASE_URL", ai),
            ("INTENT_AI_MODEL", "test".into()),
            ("INTENT_AI_TIMEOUT_MS", "30000".into()),
        ],
        fast_restarts(),
    );
    let config = Config {
        servers: vec![intent],
        ..Config::default()
    };
    let gw = gateway_with(dir.path(), config, Builtins::Processes, &[]).await?;
    let child = gw
        .gateway
        .children
        .get("mcp-intent")
        .context("child")?
        .clone();
    let mut ws = Ws::connect(&gw.url).await?;
    ws.hello(json!({ "locale": "en" })).await?;
    let greeting = ws.say("0", "hello").await?;
    ensure!(greeting["intent"] == "greeting", "{greeting}");
    let pid = child.status().pid.context("a process")?;

    // Unsure wording: the intent server asks the (silent) AI and waits.
    ws.send(json!({ "type": "message", "id": "1", "text": "zorblax quindle the frumious thing" }))
        .await?;
    tokio::time::timeout(Duration::from_secs(10), asked.recv())
        .await
        .context("the intent server never asked the AI")?;
    let killed = Instant::now();
    kill("-9", pid)?;
    let answer = ws.next().await?;
    let waited = killed.elapsed();
    ensure!(
        answer["type"] == "error" && answer["id"] == "1" && answer["code"] == "unavailable",
        "{answer}"
    );
    ensure!(
        waited < Duration::from_secs(1),
        "the caller waited {waited:?}"
    );

    wait_for("a new intent process", Duration::from_secs(10), || {
        let child = child.clone();
        async move {
            let status = child.status();
            status.state == "running" && status.pid.is_some_and(|p| p != pid)
        }
    })
    .await?;
    let after = ws.say("2", "hello").await?;
    ensure!(after["intent"] == "greeting", "{after}");
    ensure!(child.status().restarts >= 1);
    let metrics = reqwest::get(format!("{}/metrics", gw.http))
        .await?
        .text()
        .await?;
    ensure!(
        metrics.contains("gateway_child_restarts_total{server=\"mcp-intent\"} 1"),
        "{metrics}"
    );
    gw.shutdown().await
}

#[tokio::test]
async fn a_hung_child_is_found_by_its_health_ping_and_replaced() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let policy = RestartPolicy {
        ping_interval: Duration::from_millis(300),
        ping_timeout: Duration::from_millis(300),
        ..fast_restarts()
    };
    let config = Config {
        servers: vec![builtin("mcp-intent", &[], policy)],
        ..Config::default()
    };
    let gw = gateway_with(dir.path(), config, Builtins::Processes, &[]).await?;
    let child = gw
        .gateway
        .children
        .get("mcp-intent")
        .context("child")?
        .clone();
    child.warm().await?;
    let pid = child.status().pid.context("a process")?;
    kill("-STOP", pid)?;
    wait_for("the hung child replaced", Duration::from_secs(10), || {
        let child = child.clone();
        async move {
            let status = child.status();
            status.state == "running" && status.pid.is_some_and(|p| p != pid)
        }
    })
    .await?;
    let status = child.status();
    ensure!(
        status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("health ping")),
        "{status:?}"
    );
    // The frozen process was killed, not left behind.
    wait_for(
        "the frozen process gone",
        Duration::from_secs(5),
        || async move {
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|s| s.contains(") Z "))
        },
    )
    .await?;
    let mut ws = Ws::connect(&gw.url).await?;
    let reply = ws.say("1", "hola").await?;
    ensure!(reply["intent"] == "greeting", "{reply}");
    gw.shutdown().await
}

#[tokio::test]
async fn a_crash_loop_is_degraded_until_an_operator_starts_it() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let key = "ops-key-for-tests";
    let broken = ServerConfig {
        name: "broken".into(),
        transport: Transport::Stdio {
            command: "/bin/sh".into(),
            args: vec!["-c".into(), "echo crashing >&2; exit 3".into()],
            env: Vec::new(),
        },
        access: Role::Customer,
        timeout: DEFAULT_TIMEOUT,
        restart: RestartPolicy {
            max_restarts: 2,
            backoff_initial: Duration::from_millis(10),
            backoff_max: Duration::from_millis(20),
            ..RestartPolicy::default()
        },
    };
    let config = Config {
        servers: vec![broken],
        ..Config::default()
    };
    let keys = format!("admin:{}:ops", mcp_gateway::auth::sha256_hex(key));
    let gw = gateway_with(
        dir.path(),
        config,
        Builtins::InProcess,
        &[("GATEWAY_API_KEYS", keys)],
    )
    .await?;
    let child = gw.gateway.children.get("broken").context("child")?.clone();
    wait_for("degraded", Duration::from_secs(10), || {
        let child = child.clone();
        async move { child.status().state == "degraded" }
    })
    .await?;
    let mut ws = Ws::connect(&gw.url).await?;
    ws.hello(json!({ "token": key })).await?;
    let started = Instant::now();
    ws.send(json!({ "type": "call", "id": "c", "server": "broken", "tool": "x" }))
        .await?;
    let refused = ws.next().await?;
    ensure!(
        refused["code"] == "unavailable"
            && refused["message"]
                .as_str()
                .is_some_and(|m| m.contains("degraded")),
        "{refused}"
    );
    ensure!(
        started.elapsed() < Duration::from_secs(1),
        "degraded calls fail fast"
    );

    let http = reqwest::Client::new();
    let listing: serde_json::Value = http
        .get(format!("{}/admin/servers", gw.http))
        .bearer_auth(key)
        .send()
        .await?
        .json()
        .await?;
    ensure!(
        listing[0]["state"] == "degraded"
            && listing[0]["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("could not start")),
        "{listing}"
    );
    let again = http
        .post(format!("{}/admin/servers/broken/start", gw.http))
        .bearer_auth(key)
        .send()
        .await?;
    ensure!(again.status() == 502, "{}", again.status());
    gw.shutdown().await
}

#[tokio::test]
async fn operators_stop_and_start_servers_over_http() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let admin = "ops-admin-key";
    let shopper = "shopper-key";
    let keys = format!(
        "admin:{}:ops,customer:{}:shopper",
        mcp_gateway::auth::sha256_hex(admin),
        mcp_gateway::auth::sha256_hex(shopper)
    );
    let gw = gateway_with(
        dir.path(),
        Config::default(),
        Builtins::InProcess,
        &[("GATEWAY_API_KEYS", keys)],
    )
    .await?;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", gw.http);
    for (token, status) in [(None, 401), (Some("wrong"), 401), (Some(shopper), 403)] {
        let mut request = http.post(url("/admin/servers/mcp-storefront/stop"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        ensure!(
            response.status() == status,
            "{token:?}: {}",
            response.status()
        );
    }
    let stopped: serde_json::Value = http
        .post(url("/admin/servers/mcp-storefront/stop"))
        .bearer_auth(admin)
        .send()
        .await?
        .json()
        .await?;
    ensure!(stopped["state"] == "stopped", "{stopped}");
    let mut ws = Ws::connect(&gw.url).await?;
    ws.hello(json!({ "token": admin })).await?;
    ws.send(json!({ "type": "call", "id": "c", "server": "mcp-storefront", "tool": "get_product", "arguments": { "product_id": "MUG-NYMPH-01" } })).await?;
    let down = ws.next().await?;
    ensure!(
        down["code"] == "unavailable"
            && down["message"]
                .as_str()
                .is_some_and(|m| m.contains("stopped by an operator")),
        "{down}"
    );
    // A customer is told it is unavailable, without the operator's details.
    let mut shopper_ws = Ws::connect(&gw.url).await?;
    shopper_ws.hello(json!({})).await?;
    shopper_ws.send(json!({ "type": "call", "id": "s", "server": "mcp-storefront", "tool": "get_product", "arguments": { "product_id": "MUG-NYMPH-01" } })).await?;
    let generic = shopper_ws.next().await?;
    ensure!(
        generic["code"] == "unavailable"
            && generic["message"]
                .as_str()
                .is_some_and(|m| !m.contains("operator") && !m.contains("mcp-storefront")),
        "{generic}"
    );
    let chat = ws.say("m", "show me Monet mugs").await?;
    ensure!(
        chat["type"] == "reply" && chat.get("data").is_none_or(|d| d.is_null()),
        "a chat reply says the shop is unavailable: {chat}"
    );
    let ready = http.get(url("/readyz")).send().await?;
    ensure!(ready.status() == 503);
    for action in ["start", "restart"] {
        let response: serde_json::Value = http
            .post(url(&format!("/admin/servers/mcp-storefront/{action}")))
            .bearer_auth(admin)
            .send()
            .await?
            .json()
            .await?;
        ensure!(response["state"] == "running", "{action}: {response}");
    }
    for (path, status) in [
        ("/admin/servers/nope/start", 404),
        ("/admin/servers/mcp-storefront/explode", 404),
    ] {
        let response = http.post(url(path)).bearer_auth(admin).send().await?;
        ensure!(response.status() == status, "{path}: {}", response.status());
    }
    ws.send(json!({ "type": "call", "id": "c2", "server": "mcp-storefront", "tool": "get_product", "arguments": { "product_id": "MUG-NYMPH-01" } })).await?;
    let back = ws.next().await?;
    ensure!(
        back["type"] == "result" && back["structured"]["sku"] == "MUG-NYMPH-01",
        "{back}"
    );
    gw.shutdown().await
}

#[tokio::test]
async fn a_streamable_http_server_is_a_child_too() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}/mcp", listener.local_addr()?);
    let shop = ServerConfig {
        name: "remote-shop".into(),
        transport: Transport::Http {
            url: endpoint.parse()?,
            headers: vec![("X-Museo-Tenant".into(), "test".into())],
        },
        access: Role::Customer,
        timeout: DEFAULT_TIMEOUT,
        restart: fast_restarts(),
    };
    let mut config = Config::default();
    config.servers.push(shop);
    let gw = gateway_with(dir.path(), config, Builtins::InProcess, &[]).await?;
    // The storefront over real HTTP, against the gateway's own sandbox.
    let client = museo_sdk::museo::MuseoClient::new(museo_sdk::config::MuseoConfig::for_url(
        gw.backend_url().parse()?,
    ))?;
    let cancel = tokio_util::sync::CancellationToken::new();
    let router = museo_sdk::serve::http_router(
        move || mcp_storefront::StorefrontServer::new(client.clone()),
        &museo_sdk::serve::HttpConfig::default(),
        cancel.clone(),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let mut ws = Ws::connect(&gw.url).await?;
    ws.hello(json!({ "locale": "fr-FR" })).await?;
    ws.send(json!({ "type": "call", "id": "h", "server": "remote-shop", "tool": "search_products", "arguments": { "query": "foulard", "locale": "fr-FR" } })).await?;
    let found = ws.next().await?;
    ensure!(
        found["type"] == "result"
            && found["structured"]["products"]
                .as_array()
                .is_some_and(|p| !p.is_empty()),
        "{found}"
    );
    let status = gw
        .gateway
        .children
        .get("remote-shop")
        .context("child")?
        .status();
    ensure!(
        status.launch == "http" && status.state == "running",
        "{status:?}"
    );
    cancel.cancel();
    gw.shutdown().await
}

#[tokio::test]
async fn a_long_import_sends_progress_frames_before_its_result() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let key = "importer-key";
    let keys = format!("admin:{}:carla", mcp_gateway::auth::sha256_hex(key));
    let gw = gateway_with(
        dir.path(),
        Config::default(),
        Builtins::InProcess,
        &[("GATEWAY_API_KEYS", keys)],
    )
    .await?;
    let mut csv = String::from("sku,title,price,currency,stock\n");
    for n in 0..1200 {
        csv.push_str(&format!(
            "PROG-{n:05},Progress print {n},{}.50,EUR,{}\n",
            10 + n % 50,
            n % 9
        ));
    }
    let mut ws = Ws::connect(&gw.url).await?;
    ws.hello(json!({ "token": key })).await?;
    ws.send(json!({ "type": "call", "id": "imp", "server": "mcp-admin", "tool": "import_products", "arguments": { "content": csv, "format": "csv" } })).await?;
    let mut progress = Vec::new();
    let result = loop {
        let frame = ws.next().await?;
        if frame["type"] == "progress" {
            ensure!(frame["id"] == "imp", "{frame}");
            progress.push(frame["progress"].as_f64().unwrap_or(-1.0));
            continue;
        }
        break frame;
    };
    ensure!(
        result["type"] == "result" && result["structured"]["created"] == 1200,
        "{result}"
    );
    ensure!(!progress.is_empty(), "no progress frames");
    ensure!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress goes forward: {progress:?}"
    );
    gw.shutdown().await
}
