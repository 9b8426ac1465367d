//! Streamable HTTP: in-process (`serve_http` on a port-0 listener, the router
//! with `oneshot`) and the real binary with `--http`.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use mcp_intent::Analyzer;
use mcp_intent::server::IntentServer;
use museo_sdk::serve::{DRAIN_TIMEOUT, HttpConfig, http_router, serve_http};
use rmcp::ClientServiceExt as _;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::json;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

use crate::support::{
    INITIALIZE, analyze, bounded, check_analysis, check_listing, check_peer, check_tool_error,
    free_port, lifecycles, named, raw_http,
};

#[tokio::test]
async fn rmcp_http_client_in_process_with_both_lifecycles() -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/mcp", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let analyzer = Arc::new(Analyzer::default());
    let server = tokio::spawn(serve_http(
        move || IntentServer::new(analyzer.clone()),
        HttpConfig::default(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));

    let mut clients = Vec::new();
    for (name, lifecycle) in lifecycles() {
        let transport = StreamableHttpClientTransport::from_uri(url.as_str());
        let client = bounded("start", ().serve_with_lifecycle(transport, lifecycle)).await??;
        check_peer(&client, name)?;
        let tools = bounded("list tools", client.list_all_tools()).await??;
        check_listing(&tools).map_err(|e| e.context(name))?;
        let schema = named(&tools, "analyze_intent")?.output_schema.clone();
        let result = analyze(&client, json!({ "message": "¿tienen tazas de Van Gogh?" })).await?;
        check_analysis(&result, schema.as_deref()).map_err(|e| e.context(name))?;
        let empty = analyze(&client, json!({ "message": "" })).await?;
        check_tool_error(&empty, "`message` is empty")?;
        let wrong = analyze(&client, json!({ "message": 42 })).await?;
        check_tool_error(&wrong, "expected a string")?;
        // Keep the sessions (and their event streams) open over shutdown.
        clients.push(client);
    }

    let started = Instant::now();
    let _ = stop.send(());
    bounded("server shutdown", server).await???;
    assert!(
        started.elapsed() < DRAIN_TIMEOUT,
        "open sessions held shutdown for {:?}; cancelling them should end their streams",
        started.elapsed()
    );
    drop(clients);
    Ok(())
}

fn post_initialize(host: &str, origin: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/mcp")
        .header("host", host)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request.body(Body::from(INITIALIZE)).expect("request")
}

async fn status(router: &axum::Router, request: Request<Body>) -> anyhow::Result<StatusCode> {
    let response = bounded("oneshot", router.clone().oneshot(request)).await??;
    Ok(response.status())
}

#[tokio::test]
async fn host_and_origin_checks_refuse_dns_rebinding() -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    let router = mcp_intent::server::router(Arc::new(Analyzer::default()), cancel.clone());

    assert_eq!(
        status(&router, post_initialize("evil.example", None)).await?,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(&router, post_initialize("evil.example:8080", None)).await?,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(&router, post_initialize("127.0.0.1:3401", None)).await?,
        StatusCode::OK
    );
    assert_eq!(
        status(&router, post_initialize("localhost", None)).await?,
        StatusCode::OK
    );
    assert_eq!(
        status(&router, post_initialize("[::1]:3401", None)).await?,
        StatusCode::OK
    );
    // A page on another origin may not drive a local server from a browser…
    assert_eq!(
        status(
            &router,
            post_initialize("localhost:3401", Some("http://evil.example"))
        )
        .await?,
        StatusCode::FORBIDDEN
    );
    // …but a local page (an MCP inspector, say) may.
    assert_eq!(
        status(
            &router,
            post_initialize("localhost:3401", Some("http://localhost:6274"))
        )
        .await?,
        StatusCode::OK
    );

    let health = Request::get("/healthz")
        .header("host", "localhost")
        .body(Body::empty())?;
    let response = router.clone().oneshot(health).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), 1024).await?;
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body)?,
        json!({ "status": "ok" })
    );
    cancel.cancel();
    Ok(())
}

#[tokio::test]
async fn allowed_hosts_extend_loopback_for_deployments() -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    let analyzer = Arc::new(Analyzer::default());
    let config = HttpConfig {
        allowed_hosts: vec!["mcp.museo.example".into()],
    };
    let router = http_router(
        move || IntentServer::new(analyzer.clone()),
        &config,
        cancel.clone(),
    );

    assert_eq!(
        status(&router, post_initialize("mcp.museo.example", None)).await?,
        StatusCode::OK
    );
    assert_eq!(
        status(
            &router,
            post_initialize("mcp.museo.example", Some("https://mcp.museo.example"))
        )
        .await?,
        StatusCode::OK
    );
    assert_eq!(
        status(&router, post_initialize("127.0.0.1", None)).await?,
        StatusCode::OK
    );
    assert_eq!(
        status(&router, post_initialize("evil.example", None)).await?,
        StatusCode::FORBIDDEN
    );
    cancel.cancel();
    Ok(())
}

/// Ending a session answers 204 (rmcp says 202; the Python SDK warns on
/// anything but 200/204), and the session is gone afterwards.
#[tokio::test]
async fn deleting_a_session_answers_no_content() -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    let router = mcp_intent::server::router(Arc::new(Analyzer::default()), cancel.clone());
    let response = bounded(
        "initialize",
        router.clone().oneshot(post_initialize("localhost", None)),
    )
    .await??;
    assert_eq!(response.status(), StatusCode::OK);
    let session = response
        .headers()
        .get("mcp-session-id")
        .expect("a stateful session id")
        .clone();

    let delete = Request::delete("/mcp")
        .header("host", "localhost")
        .header("mcp-session-id", session.clone())
        .body(Body::empty())?;
    assert_eq!(status(&router, delete).await?, StatusCode::NO_CONTENT);

    let list = Request::post("/mcp")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", session)
        .body(Body::from(
            r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
        ))?;
    assert_eq!(status(&router, list).await?, StatusCode::NOT_FOUND);
    cancel.cancel();
    Ok(())
}

/// The real binary with `--http`: a client session works, a rebinding
/// attempt is refused, and SIGTERM stops it while a session is still open.
#[tokio::test]
async fn real_binary_over_http() -> anyhow::Result<()> {
    let port = free_port()?;
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcp-intent"))
        .args(["--http", &addr.to_string()])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let host = format!("127.0.0.1:{port}");
        if let Ok((200, body)) = raw_http(addr, "GET", "/healthz", &[("Host", &host)], "").await {
            assert!(body.contains("ok"), "{body}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "mcp-intent --http did not come up"
        );
        assert!(
            child.try_wait()?.is_none(),
            "mcp-intent --http exited early"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let transport = StreamableHttpClientTransport::from_uri(format!("http://{addr}/mcp"));
    let (_, lifecycle) = lifecycles().into_iter().next().expect("initialize");
    let client = bounded("start", ().serve_with_lifecycle(transport, lifecycle)).await??;
    let tools = bounded("list tools", client.list_all_tools()).await??;
    check_listing(&tools)?;
    let result = analyze(&client, json!({ "message": "je voudrais payer" })).await?;
    check_analysis(
        &result,
        named(&tools, "analyze_intent")?.output_schema.as_deref(),
    )?;

    let headers = [
        ("Host", "evil.example"),
        ("Content-Type", "application/json"),
        ("Accept", "application/json, text/event-stream"),
    ];
    let (code, body) = raw_http(addr, "POST", "/mcp", &headers, INITIALIZE).await?;
    assert_eq!(code, 403, "{body}");

    let pid = child.id().expect("pid").to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()?
            .success()
    );
    let status = tokio::time::timeout(DRAIN_TIMEOUT + Duration::from_secs(5), child.wait())
        .await
        .map_err(|_| anyhow::anyhow!("still running after SIGTERM"))??;
    assert!(status.success(), "exit status {status}");
    drop(client);
    Ok(())
}
