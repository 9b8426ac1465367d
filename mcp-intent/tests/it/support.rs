//! Helpers shared by the transport tests: connecting clients, and checking a
//! result against the fixed `analyze_intent` contract (shape and types only;
//! classification quality is the analyser's own tests' business).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use mcp_intent::server::IntentServer;
use mcp_intent::{Analyzer, INTENTS};
use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject, ProtocolVersion, Tool};
use rmcp::service::{RoleClient, RunningService};
use rmcp::{ClientLifecycleMode, ClientServiceExt as _, ServiceError, ServiceExt as _};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Upper bound for any single step of a test; nothing here should come close.
pub const STEP: Duration = Duration::from_secs(20);

/// A connected rmcp client that does nothing on its own.
pub type Client = RunningService<RoleClient, ()>;

/// Fails instead of hanging when `future` takes longer than [`STEP`].
pub async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> anyhow::Result<T> {
    tokio::time::timeout(STEP, future)
        .await
        .with_context(|| format!("{what} took longer than {STEP:?}"))
}

/// The two ways a client may start: the 2025-11-25 `initialize` handshake or
/// the stateless 2026-07-28 `server/discover`.
pub fn lifecycles() -> [(&'static str, ClientLifecycleMode); 2] {
    [
        ("initialize", ClientLifecycleMode::Initialize),
        (
            "discover",
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        ),
    ]
}

/// The protocol version a client started with lifecycle `name` must end up on.
pub fn expected_version(name: &str) -> ProtocolVersion {
    if name == "discover" {
        ProtocolVersion::V_2026_07_28
    } else {
        ProtocolVersion::V_2025_11_25
    }
}

/// Checks who answered and on which protocol revision.
pub fn check_peer(client: &Client, lifecycle: &str) -> anyhow::Result<()> {
    let info = client.peer_info().context("no server info after start")?;
    let server = info.server_info.as_ref().context("no serverInfo")?;
    ensure!(server.name == "mcp-intent", "server name {:?}", server.name);
    ensure!(
        server.version == env!("CARGO_PKG_VERSION"),
        "server version {:?}",
        server.version
    );
    ensure!(info.capabilities.tools.is_some(), "no tools capability");
    let expected = expected_version(lifecycle);
    ensure!(
        info.protocol_version == expected,
        "{lifecycle}: negotiated {:?}, expected {expected:?}",
        info.protocol_version
    );
    Ok(())
}

/// A fresh server behind an in-memory pipe, and a client connected to it.
pub async fn duplex_client(lifecycle: ClientLifecycleMode) -> anyhow::Result<Client> {
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    let server = IntentServer::new(Arc::new(Analyzer::default()));
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let client = bounded(
        "client start",
        ().serve_with_lifecycle(client_io, lifecycle),
    )
    .await?
    .context("client could not connect over duplex")?;
    Ok(client)
}

/// Arguments of a call, from a JSON object literal.
pub fn args(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        other => panic!("arguments must be an object, got {other}"),
    }
}

/// Calls `analyze_intent` with `arguments`.
pub async fn analyze(client: &Client, arguments: Value) -> Result<CallToolResult, ServiceError> {
    let params = CallToolRequestParams::new("analyze_intent").with_arguments(args(arguments));
    match tokio::time::timeout(STEP, client.call_tool(params)).await {
        Ok(result) => result,
        Err(_) => Err(ServiceError::Timeout { timeout: STEP }),
    }
}

/// The text of the result's first text block.
pub fn first_text(result: &CallToolResult) -> anyhow::Result<&str> {
    result
        .content
        .iter()
        .find_map(|block| block.as_text())
        .map(|text| text.text.as_str())
        .context("the result has no text block")
}

/// Checks the listing of a server: `analyze_intent`, as the contract fixes
/// it, then `resolve_turn`, with schemas a strict client accepts.
pub fn check_listing(tools: &[Tool]) -> anyhow::Result<()> {
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort_unstable();
    ensure!(
        names == ["analyze_intent", "resolve_turn"],
        "tools listed: {names:?}"
    );

    let tool = named(tools, "analyze_intent")?;
    ensure!(
        tool.title.as_deref() == Some("Analyze intent"),
        "title {:?}",
        tool.title
    );
    let annotations = tool.annotations.as_ref().context("no annotations")?;
    ensure!(annotations.idempotent_hint == Some(true), "idempotentHint");
    ensure!(annotations.open_world_hint == Some(false), "openWorldHint");
    let (input, output) = check_read_only_tool(tool, &["message", "locale", "history"])?;
    ensure!(
        input["type"] == "object",
        "inputSchema type: {}",
        input["type"]
    );
    ensure!(
        input["properties"]["message"]["type"] == "string",
        "message must be a string"
    );
    ensure!(
        output["type"] == "object",
        "outputSchema type: {}",
        output["type"]
    );
    ensure!(
        required(&output)? == ["confidence", "entities", "intent", "language", "source"],
        "outputSchema required: {:?}",
        required(&output)
    );
    ensure!(
        output["properties"]["confidence"]["type"] == "number",
        "confidence is a number"
    );
    ensure!(
        output["properties"]["entities"]["type"] == "object",
        "entities is an object"
    );

    let (_, output) = check_read_only_tool(
        named(tools, "resolve_turn")?,
        &["message", "products", "asked"],
    )?;
    ensure!(
        required(&output)? == ["action", "confidence"],
        "resolve_turn output required: {:?}",
        required(&output)
    );
    Ok(())
}

/// What both tools share: a description the model can act on, read-only
/// hints, `message` required, `fields` described, and schemas free of what
/// strict clients warn about (MCP Inspector --strict, Gemini's single-type
/// dialect: nullable type arrays and numeric formats). Returns the input and
/// output schemas.
fn check_read_only_tool(tool: &Tool, fields: &[&str]) -> anyhow::Result<(Value, Value)> {
    let name = tool.name.as_ref();
    ensure!(
        tool.description.as_deref().is_some_and(|d| d.len() > 40),
        "{name}: the description is what the model reads: {:?}",
        tool.description
    );
    let annotations = tool.annotations.as_ref().context("no annotations")?;
    ensure!(
        annotations.read_only_hint == Some(true),
        "{name} readOnlyHint"
    );
    ensure!(
        annotations.destructive_hint == Some(false),
        "{name} destructiveHint"
    );
    let input = Value::Object(tool.input_schema.as_ref().clone());
    ensure!(
        input["required"] == json!(["message"]),
        "{name} inputSchema required: {}",
        input["required"]
    );
    for field in fields {
        ensure!(
            input["properties"][field]["description"].is_string(),
            "{name} inputSchema `{field}` has no description (the model reads it)"
        );
    }
    let output = Value::Object(
        tool.output_schema
            .as_ref()
            .context("no outputSchema")?
            .as_ref()
            .clone(),
    );
    for (what, schema) in [("inputSchema", &input), ("outputSchema", &output)] {
        let text = schema.to_string();
        for awkward in [r#""null""#, "uint64", "double", "int32"] {
            ensure!(
                !text.contains(awkward),
                "{name} {what} contains {awkward}: {text}"
            );
        }
    }
    Ok((input, output))
}

/// A schema's `required`, sorted.
fn required(schema: &Value) -> anyhow::Result<Vec<&str>> {
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .context("outputSchema has no `required`")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    required.sort_unstable();
    Ok(required)
}

/// The tool called `name`.
pub fn named<'a>(tools: &'a [Tool], name: &str) -> anyhow::Result<&'a Tool> {
    tools
        .iter()
        .find(|t| t.name == name)
        .with_context(|| format!("no tool {name}"))
}

/// Checks a successful result against the fixed contract and against the
/// tool's own `outputSchema` (when given); returns `structuredContent`.
pub fn check_analysis(
    result: &CallToolResult,
    output_schema: Option<&JsonObject>,
) -> anyhow::Result<Map<String, Value>> {
    ensure!(
        result.is_error != Some(true),
        "unexpected tool error: {:?}",
        first_text(result).unwrap_or("<no text>")
    );
    let Some(Value::Object(structured)) = &result.structured_content else {
        bail!(
            "no structuredContent object: {:?}",
            result.structured_content
        );
    };
    let intent = structured
        .get("intent")
        .and_then(Value::as_str)
        .context("intent")?;
    ensure!(
        INTENTS.contains(&intent),
        "intent {intent:?} is not one of the fixed ids"
    );
    let confidence = structured
        .get("confidence")
        .and_then(Value::as_f64)
        .context("confidence")?;
    ensure!(
        (0.0..=1.0).contains(&confidence),
        "confidence {confidence} outside [0, 1]"
    );
    let language = structured
        .get("language")
        .and_then(Value::as_str)
        .context("language")?;
    ensure!(
        ["en", "es", "fr"].contains(&language),
        "language {language:?}"
    );
    let source = structured
        .get("source")
        .and_then(Value::as_str)
        .context("source")?;
    ensure!(["pattern", "ai"].contains(&source), "source {source:?}");
    ensure!(
        structured.get("entities").is_some_and(Value::is_object),
        "entities must be an object"
    );

    // Clients that read only text get the same JSON.
    let text: Value =
        serde_json::from_str(first_text(result)?).context("text block is not JSON")?;
    ensure!(
        text == Value::Object(structured.clone()),
        "text block differs from structuredContent"
    );

    if let Some(schema) = output_schema {
        let schema = Value::Object(schema.clone());
        conforms(&Value::Object(structured.clone()), &schema, &schema, "$")?;
    }
    Ok(structured.clone())
}

/// Checks a tool error result: `isError: true`, no structured content, and a
/// text mentioning `needle`. Returns the text.
pub fn check_tool_error(result: &CallToolResult, needle: &str) -> anyhow::Result<String> {
    ensure!(
        result.is_error == Some(true),
        "expected isError: true, got {result:?}"
    );
    ensure!(
        result.structured_content.is_none(),
        "a tool error carries no structuredContent"
    );
    let text = first_text(result)?.to_owned();
    ensure!(
        text.contains(needle),
        "error {text:?} does not mention {needle:?}"
    );
    Ok(text)
}

/// A small validator for the JSON Schema subset schemars emits (type, const,
/// required, properties, additionalProperties, items, oneOf, anyOf, `$ref`
/// to `#/$defs/...`): enough to catch a structuredContent that a strict client
/// would reject.
fn conforms(value: &Value, schema: &Value, root: &Value, path: &str) -> anyhow::Result<()> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/$defs/")
            .with_context(|| format!("{path}: unsupported $ref {reference}"))?;
        conforms(value, &root["$defs"][name], root, path)?;
    }
    if let Some(expected) = schema.get("const") {
        ensure!(value == expected, "{path}: {value} is not {expected}");
    }
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            other => bail!("{path}: bad `type` {other}"),
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let ok = allowed.contains(&actual) || (actual == "integer" && allowed.contains(&"number"));
        ensure!(ok, "{path}: {actual} is not {allowed:?}");
    }
    for (keyword, need) in [("oneOf", 1usize), ("anyOf", 0)] {
        if let Some(Value::Array(options)) = schema.get(keyword) {
            let matching = options
                .iter()
                .filter(|o| conforms(value, o, root, path).is_ok())
                .count();
            let ok = if need == 1 {
                matching == 1
            } else {
                matching >= 1
            };
            ensure!(
                ok,
                "{path}: {matching} of the {keyword} options match {value}"
            );
        }
    }
    if let Value::Object(object) = value {
        if let Some(Value::Array(required)) = schema.get("required") {
            for key in required.iter().filter_map(Value::as_str) {
                ensure!(object.contains_key(key), "{path}: missing required `{key}`");
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (key, item) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => conforms(item, property, root, &format!("{path}.{key}"))?,
                None => ensure!(
                    schema.get("additionalProperties") != Some(&Value::Bool(false)),
                    "{path}: unexpected property `{key}`"
                ),
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            conforms(item, item_schema, root, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

/// Messages in the three languages, with and without hints; any intent is
/// fine, the contract is what is checked.
pub fn sample_requests() -> Vec<Value> {
    vec![
        json!({ "message": "show me red silk scarves under 50 euros" }),
        json!({ "message": "añade dos de esos a mi cesta", "locale": "es-MX" }),
        json!({ "message": "bonjour", "locale": "fr-CA" }),
        json!({ "message": "I want to pay now" }),
        json!({ "message": "create a product: Monet poster, 29.90 EUR, 40 in stock" }),
        json!({
            "message": "add two of those",
            "history": [
                { "role": "user", "text": "show me mugs" },
                {
                    "role": "assistant",
                    "text": "Here are 2 mugs",
                    "intent": "product.search",
                    "entities": { "products": [
                        { "id": "p1", "sku": "MUG-1", "title": "Starry Night mug" },
                        { "id": "p2", "sku": "MUG-2", "title": "Water Lilies mug" }
                    ] }
                }
            ]
        }),
    ]
}

/// A loopback port that was free a moment ago (for the real binary, whose
/// port 0 would be unknowable from outside).
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A raw HTTP/1.1 exchange with exact control over the headers (the point of
/// the DNS-rebinding tests). Returns the status code and the body.
pub async fn raw_http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> anyhow::Result<(u16, String)> {
    let mut stream = bounded("connect", tokio::net::TcpStream::connect(addr)).await??;
    let mut request = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    // SSE answers may stay open; the status line and headers are enough then.
    let _ = tokio::time::timeout(Duration::from_secs(3), stream.read_to_end(&mut response)).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status line in {response:?}"))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// An `initialize` request body for raw HTTP tests.
pub const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#;
