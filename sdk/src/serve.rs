//! How every MCP server binary serves: stdio by default, Streamable HTTP with `--http`.
//!
//! mcp-intent, mcp-storefront, mcp-admin and mcp-notify differ only in their
//! [`ServerHandler`]; the transports, the DNS-rebinding protection, health
//! checks and graceful shutdown are the same, so they live here once.
//!
//! - **stdio** ([`serve_stdio`]) is what an MCP host such as Claude Desktop
//!   launches and what the gateway supervises. stdout carries JSON-RPC only;
//!   logs go to stderr (see [`crate::telemetry`]).
//! - **Streamable HTTP** ([`http_router`], [`serve_http`]) mounts rmcp's
//!   `StreamableHttpService` at `/mcp` with stateful sessions
//!   ([`LocalSessionManager`]), so 2025-11-25 clients (which `initialize` and
//!   then send `Mcp-Session-Id`) work next to stateless 2026-07-28 ones, which
//!   rmcp serves without a session whatever this setting is. `GET /healthz`
//!   answers for load balancers.
//! - **DNS rebinding**: a web page must not be able to reach a local server
//!   by pointing its own host name at 127.0.0.1. rmcp checks the `Host`
//!   header against an allow-list (loopback by default) and, once the list of
//!   origins is non-empty, the `Origin` header too. We keep both checks on:
//!   loopback plus whatever `--allowed-host` adds.
//! - **Shutdown**: SIGTERM or ctrl-c cancels one [`CancellationToken`]; rmcp
//!   ends its sessions and SSE streams on it, so axum's graceful shutdown can
//!   finish instead of waiting forever on a long-lived event stream. A bounded
//!   drain ([`DRAIN_TIMEOUT`]) covers anything that still lingers.
//! - **Tool schemas** ([`portable_input_schema`], [`portable_output_schema`]):
//!   schemars spells an optional field `"type": ["string", "null"]` and a
//!   `u64` `"format": "uint64"`. Both are legal JSON Schema, but clients that
//!   map tool schemas onto a single-`type` dialect (Gemini's OpenAPI subset)
//!   or validate formats strictly (MCP Inspector `--strict`) warn or reject
//!   the tool, so every server lists the plainer spelling.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use rmcp::handler::server::tool::{schema_for_input, schema_for_output};
use rmcp::model::JsonObject;
use rmcp::schemars::JsonSchema;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ServerHandler, ServiceExt as _};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Host names that are always accepted in `Host`: loopback only.
pub const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// How long open HTTP connections may take to close after shutdown starts.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// The path the MCP endpoint is served at.
pub const MCP_PATH: &str = "/mcp";

/// Command-line options shared by every MCP server binary (flatten them into
/// the binary's own `clap::Parser`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// Serve Streamable HTTP at http://ADDR/mcp (for example 127.0.0.1:3401)
    /// instead of stdio.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// A host name (optionally host:port) clients may use in the Host header,
    /// besides loopback. Repeatable. Anything else is refused with 403, which
    /// protects a local server from DNS-rebinding attacks.
    #[arg(long = "allowed-host", value_name = "HOST")]
    pub allowed_hosts: Vec<String>,
}

/// Settings of the Streamable HTTP endpoint.
#[derive(Debug, Clone, Default)]
pub struct HttpConfig {
    /// Host names (or `host:port`) accepted besides [`LOOPBACK_HOSTS`]; the
    /// same names, over http and https, are the accepted browser origins.
    pub allowed_hosts: Vec<String>,
}

impl From<&ServeArgs> for HttpConfig {
    fn from(args: &ServeArgs) -> Self {
        Self {
            allowed_hosts: args.allowed_hosts.clone(),
        }
    }
}

impl HttpConfig {
    /// Every host accepted in the `Host` header.
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = LOOPBACK_HOSTS.iter().map(|h| (*h).to_owned()).collect();
        for host in &self.allowed_hosts {
            let host = host.trim();
            if !host.is_empty() && !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
                hosts.push(host.to_owned());
            }
        }
        hosts
    }

    /// Every origin accepted in the `Origin` header (requests without one,
    /// i.e. non-browser clients, are not affected).
    pub fn origins(&self) -> Vec<String> {
        let mut origins = Vec::new();
        for host in self.hosts() {
            // A bare IPv6 address needs brackets inside a URL.
            let authority = if host.parse::<std::net::Ipv6Addr>().is_ok() {
                format!("[{host}]")
            } else {
                host
            };
            // `host:port` matches that port only; a bare host any port.
            let has_port = axum::http::uri::Authority::try_from(authority.as_str())
                .is_ok_and(|a| a.port_u16().is_some());
            for scheme in ["http", "https"] {
                if has_port {
                    origins.push(format!("{scheme}://{authority}"));
                } else {
                    origins.push(format!("{scheme}://{authority}:*"));
                }
            }
        }
        origins
    }

    fn rmcp_config(&self, cancel: CancellationToken) -> StreamableHttpServerConfig {
        StreamableHttpServerConfig::default()
            .with_allowed_hosts(self.hosts())
            .with_allowed_origins(self.origins())
            .with_cancellation_token(cancel)
    }
}

/// Serves one MCP session over stdin/stdout until the client closes stdin or
/// `shutdown` completes.
///
/// Nothing but JSON-RPC may be written to stdout while this runs; log through
/// `tracing` (which [`crate::telemetry::init`] sends to stderr).
pub async fn serve_stdio<S>(server: S, shutdown: impl Future<Output = ()>) -> anyhow::Result<()>
where
    S: ServerHandler,
{
    let cancel = CancellationToken::new();
    tokio::pin!(shutdown);
    // `stdio_pipes` reads through the non-blocking pipe driver when the host
    // gave us pipes (the usual case), so shutdown never waits on a blocking
    // stdin read; on a terminal it falls back to the blocking handles.
    let running = tokio::select! {
        running = server.serve_with_ct(rmcp::transport::stdio_pipes(), cancel.clone()) => {
            running.context("MCP session over stdio failed to start")?
        }
        () = &mut shutdown => return Ok(()),
    };
    tokio::select! {
        reason = running.waiting() => {
            let reason = reason.context("MCP stdio session task failed")?;
            tracing::info!(?reason, "stdio session ended");
        }
        () = &mut shutdown => {
            cancel.cancel();
            tracing::info!("stdio session cancelled by shutdown");
        }
    }
    Ok(())
}

/// The HTTP app: rmcp's Streamable HTTP service at [`MCP_PATH`] and
/// `GET /healthz`. `factory` makes one server per MCP session (or per request,
/// for stateless clients); `cancel` ends every session and stream.
pub fn http_router<S, F>(factory: F, config: &HttpConfig, cancel: CancellationToken) -> Router
where
    S: ServerHandler + Send + 'static,
    F: Fn() -> S + Send + Sync + 'static,
{
    let mcp = StreamableHttpService::new(
        move || Ok(factory()),
        Arc::new(LocalSessionManager::default()),
        config.rmcp_config(cancel),
    );
    Router::new()
        .route("/healthz", get(healthz))
        .route_service(MCP_PATH, mcp)
        .layer(axum::middleware::from_fn(session_deleted_is_no_content))
}

/// rmcp answers a session `DELETE` with 202 Accepted; the Python SDK expects
/// 200 or 204 and logs a warning for anything else. The session is already
/// gone when rmcp answers, so 204 No Content is the accurate status.
async fn session_deleted_is_no_content(request: Request, next: Next) -> Response {
    let is_delete = request.method() == Method::DELETE;
    let mut response = next.run(request).await;
    if is_delete && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}

async fn healthz() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

/// Serves [`http_router`] on `listener` until `shutdown` completes, then
/// cancels the MCP sessions and waits up to [`DRAIN_TIMEOUT`] for open
/// connections to close. Tests bind port 0 and pass their own `shutdown`.
pub async fn serve_http<S, F>(
    factory: F,
    config: HttpConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()>
where
    S: ServerHandler + Send + 'static,
    F: Fn() -> S + Send + Sync + 'static,
{
    serve_app(listener, shutdown, |cancel| {
        http_router(factory, &config, cancel)
    })
    .await
}

/// Serves the router `app` builds (from the cancellation token its MCP
/// sessions must end on) until `shutdown` completes, with the same drain as
/// [`serve_http`]. For servers that wrap [`http_router`] in more routes or
/// layers (mcp-admin's OAuth resource server).
pub async fn serve_app(
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    app: impl FnOnce(CancellationToken) -> Router,
) -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    let router = app(cancel.clone());
    let server = axum::serve(listener, router).with_graceful_shutdown({
        let cancel = cancel.clone();
        async move {
            shutdown.await;
            cancel.cancel();
        }
    });
    let drained = async {
        cancel.cancelled().await;
        tokio::time::sleep(DRAIN_TIMEOUT).await;
    };
    tokio::select! {
        result = server => result.context("HTTP server failed")?,
        () = drained => {
            tracing::warn!(timeout = ?DRAIN_TIMEOUT, "connections still open after shutdown; closing them");
        }
    }
    Ok(())
}

/// Runs an MCP server the way its binary was asked to: stdio, or Streamable
/// HTTP when `args.http` is set. Returns on SIGTERM or ctrl-c (or, on stdio,
/// when the client closes stdin). `name` appears in the logs.
pub async fn run<S, F>(args: ServeArgs, name: &str, factory: F) -> anyhow::Result<()>
where
    S: ServerHandler + Send + 'static,
    F: Fn() -> S + Send + Sync + 'static,
{
    run_with(args, name, factory, |router| router).await
}

/// [`run`], with `wrap` applied to the HTTP app (more routes, an auth layer)
/// before it is served. `wrap` is not called on stdio.
pub async fn run_with<S, F>(
    args: ServeArgs,
    name: &str,
    factory: F,
    wrap: impl FnOnce(Router) -> Router,
) -> anyhow::Result<()>
where
    S: ServerHandler + Send + 'static,
    F: Fn() -> S + Send + Sync + 'static,
{
    let shutdown = shutdown_signal();
    match args.http {
        None => {
            tracing::info!(server = name, "serving MCP over stdio");
            serve_stdio(factory(), shutdown).await
        }
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            let local = listener.local_addr()?;
            let config = HttpConfig::from(&args);
            if !local.ip().is_loopback() && args.allowed_hosts.is_empty() {
                tracing::warn!(
                    %local,
                    "listening beyond loopback but only loopback Host headers are accepted; \
                     add --allowed-host NAME for each name clients use"
                );
            }
            tracing::info!(server = name, url = %format!("http://{local}{MCP_PATH}"), "serving MCP over Streamable HTTP");
            serve_app(listener, shutdown, |cancel| {
                wrap(http_router(factory, &config, cancel))
            })
            .await
        }
    }
}

/// The input schema of a tool taking `Parameters<T>`, spelled portably: a
/// property that is not required and typed `[T, "null"]` (or `anyOf` T and
/// null) is listed as plain `T`, since leaving it out is how a client says
/// "none"; numeric `format`s (`uint64`, `double`…) are dropped. The server
/// still accepts `null` for such a field. Use it as
/// `#[tool(input_schema = portable_input_schema::<T>())]`.
///
/// # Panics
/// When the schema root is not an object, which MCP requires of tool input
/// (rmcp's own default panics the same way).
pub fn portable_input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    let schema = schema_for_input::<T>()
        .unwrap_or_else(|e| panic!("input schema of {}: {e}", std::any::type_name::<T>()));
    let mut schema = serde_json::Value::Object(schema.as_ref().clone());
    make_portable(&mut schema, true);
    let serde_json::Value::Object(schema) = schema else {
        unreachable!("still an object")
    };
    Arc::new(schema)
}

/// The output schema of a tool returning `Json<T>`, with numeric `format`s
/// dropped. Nullable fields keep their `null`: a result may really carry it.
/// Use it as `#[tool(output_schema = portable_output_schema::<T>())]`.
pub fn portable_output_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    let mut schema = serde_json::Value::Object(schema_for_output::<T>().as_ref().clone());
    make_portable(&mut schema, false);
    let serde_json::Value::Object(schema) = schema else {
        unreachable!("still an object")
    };
    Arc::new(schema)
}

/// Numeric formats schemars adds that say nothing `type` and `minimum` do not.
const NUMERIC_FORMATS: [&str; 12] = [
    "int8", "int16", "int32", "int64", "int128", "uint8", "uint16", "uint32", "uint64", "uint128",
    "float", "double",
];

fn make_portable(schema: &mut serde_json::Value, drop_optional_null: bool) {
    use serde_json::Value;
    match schema {
        Value::Object(map) => {
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| NUMERIC_FORMATS.contains(&f))
            {
                map.remove("format");
            }
            if drop_optional_null {
                let required: Vec<String> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(Value::Object(properties)) = map.get_mut("properties") {
                    for (name, property) in properties.iter_mut() {
                        if !required.contains(name) {
                            drop_null(property);
                        }
                    }
                }
            }
            for value in map.values_mut() {
                make_portable(value, drop_optional_null);
            }
        }
        Value::Array(items) => {
            for item in items {
                make_portable(item, drop_optional_null);
            }
        }
        _ => {}
    }
}

/// `{"type": ["string", "null"]}` → `{"type": "string"}`, and
/// `{"anyOf": [S, {"type": "null"}]}` → `S` (keeping the outer description).
fn drop_null(property: &mut serde_json::Value) {
    use serde_json::Value;
    let Value::Object(map) = property else { return };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
    let nullable_any_of = matches!(
        map.get("anyOf"),
        Some(Value::Array(options)) if options.len() == 2 && options.iter().filter(|o| is_null(o)).count() == 1
    );
    if nullable_any_of {
        let Some(Value::Array(options)) = map.remove("anyOf") else {
            return;
        };
        if let Some(Value::Object(inner)) = options.into_iter().find(|o| !is_null(o)) {
            for (key, value) in inner {
                map.entry(key).or_insert(value);
            }
        }
    }
}

/// A future that completes on SIGTERM or ctrl-c (SIGINT).
///
/// The handlers are installed when this is *called*, not when the future is
/// first polled: a host may send SIGTERM right after its first answer, and a
/// signal that arrives before the handler exists kills the process instead
/// of shutting it down cleanly. Call it inside the Tokio runtime.
#[cfg(unix)]
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let interrupt = signal(SignalKind::interrupt());
    async move {
        let next = |signal: std::io::Result<tokio::signal::unix::Signal>| async move {
            match signal {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for a shutdown signal");
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::select! {
            () = next(term) => {},
            () = next(interrupt) => {},
        }
        tracing::info!("shutting down");
    }
}

/// A future that completes on ctrl-c.
#[cfg(not(unix))]
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    }
}

/// Deserializes a tool's raw JSON arguments into `T`, naming the field at
/// fault on failure ("invalid argument `quantity` for add_to_basket: invalid
/// type: string \"two\", expected i64").
///
/// Tools take `args: JsonObject` and call this instead of rmcp's
/// `Parameters<T>`, so a wrong type, a missing field or a misspelt one comes
/// back as a tool result with `isError: true` that the model can read and
/// fix, rather than a JSON-RPC error it never sees. The input schema is
/// still derived from `T` ([`portable_input_schema`]).
pub fn tool_arguments<T: serde::de::DeserializeOwned>(
    tool: &str,
    args: JsonObject,
) -> Result<T, String> {
    serde_path_to_error::deserialize(serde_json::Value::Object(args)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." {
            format!("invalid arguments for {tool}: {inner}")
        } else {
            format!("invalid argument `{path}` for {tool}: {inner}")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A tool input with the shapes schemars makes awkward.
    #[derive(rmcp::schemars::JsonSchema, serde::Deserialize)]
    #[schemars(crate = "rmcp::schemars")]
    #[allow(dead_code)]
    struct Input {
        /// Required text.
        text: String,
        /// Optional text.
        note: Option<String>,
        /// Optional count.
        limit: Option<u64>,
        /// Optional enum.
        mode: Option<Mode>,
    }

    #[derive(rmcp::schemars::JsonSchema, serde::Deserialize)]
    #[schemars(crate = "rmcp::schemars")]
    #[allow(dead_code)]
    enum Mode {
        Fast,
        Slow,
    }

    #[test]
    fn portable_input_schema_lists_optional_fields_without_null() {
        let schema = serde_json::Value::Object(portable_input_schema::<Input>().as_ref().clone());
        let properties = &schema["properties"];
        assert_eq!(properties["text"]["type"], "string");
        assert_eq!(properties["note"]["type"], "string");
        assert_eq!(properties["note"]["description"], "Optional text.");
        assert_eq!(properties["limit"]["type"], "integer");
        assert_eq!(properties["limit"].get("format"), None);
        assert_eq!(properties["limit"]["minimum"], 0);
        assert_eq!(properties["mode"].get("anyOf"), None, "{schema}");
        assert_eq!(properties["mode"]["$ref"], "#/$defs/Mode");
        assert_eq!(properties["mode"]["description"], "Optional enum.");
        assert!(!schema.to_string().contains("uint64"));
    }

    #[test]
    fn a_required_nullable_field_keeps_its_null() {
        let mut schema = json!({
            "type": "object",
            "required": ["cursor"],
            "properties": { "cursor": { "type": ["string", "null"] } }
        });
        make_portable(&mut schema, true);
        assert_eq!(
            schema["properties"]["cursor"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn output_schemas_keep_null_but_lose_numeric_formats() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "score": { "type": "number", "format": "double" },
                "next": { "type": ["string", "null"] },
                "at": { "type": "string", "format": "date-time" }
            }
        });
        make_portable(&mut schema, false);
        assert_eq!(schema["properties"]["score"], json!({ "type": "number" }));
        assert_eq!(
            schema["properties"]["next"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(schema["properties"]["at"]["format"], "date-time");
    }

    #[test]
    fn loopback_is_always_allowed_and_extra_hosts_are_added_once() {
        let config = HttpConfig {
            allowed_hosts: vec!["mcp.example.com".into(), "LOCALHOST".into(), " ".into()],
        };
        assert_eq!(
            config.hosts(),
            ["localhost", "127.0.0.1", "::1", "mcp.example.com"]
        );
    }

    #[test]
    fn origins_follow_hosts_with_any_port_unless_one_is_given() {
        let config = HttpConfig {
            allowed_hosts: vec!["mcp.example.com:8443".into()],
        };
        let origins = config.origins();
        assert!(origins.contains(&"http://localhost:*".to_owned()));
        assert!(origins.contains(&"http://[::1]:*".to_owned()));
        assert!(origins.contains(&"https://mcp.example.com:8443".to_owned()));
        assert!(!origins.iter().any(|o| o.contains("8443:*")));
    }
}
