//! A chat client for the gateway: a REPL, one-shot messages and direct calls.
//!
//! ```sh
//! cargo run -p mcp-gateway --example cli                       # REPL on ws://127.0.0.1:3300/ws
//! cargo run -p mcp-gateway --example cli -- -m "busco tazas de Monet" -m "añade dos"
//! cargo run -p mcp-gateway --example cli -- --call mcp-storefront get_product '{"product_id":"MUG-NYMPH-01"}'
//! cargo run -p mcp-gateway --example cli -- --json --trace --locale fr --token "$KEY"
//! cargo run -p mcp-gateway --example cli -- --token "$ADMIN_KEY" --servers               # status
//! cargo run -p mcp-gateway --example cli -- --token "$ADMIN_KEY" --server mcp-notify restart
//! ```
//!
//! In the REPL, a line starting with `/call SERVER TOOL {json}` is a direct
//! call; anything else is chat. `--json` prints the frames instead of the
//! text; `--trace` prints every frame sent and received.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write as _;

use anyhow::{Context as _, bail};
use clap::Parser;
use futures::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt as _;
use tokio_tungstenite::tungstenite::Message;

/// Chat with the Museo gateway.
#[derive(Debug, Parser)]
struct Args {
    /// The gateway's WebSocket URL.
    #[arg(long, default_value = "ws://127.0.0.1:3300/ws")]
    url: String,
    /// An API key (admin or customer).
    #[arg(long, env = "MUSEO_GATEWAY_TOKEN")]
    token: Option<String>,
    /// Locale (en, es-ES, fr-FR…).
    #[arg(long)]
    locale: Option<String>,
    /// Resume this session.
    #[arg(long)]
    session: Option<String>,
    /// One-shot messages (repeatable); without them and without --call, a REPL.
    #[arg(short, long = "message")]
    messages: Vec<String>,
    /// A direct call: SERVER TOOL JSON-ARGUMENTS.
    #[arg(long, num_args = 3, value_names = ["SERVER", "TOOL", "JSON"])]
    call: Option<Vec<String>>,
    /// Print frames as JSON.
    #[arg(long)]
    json: bool,
    /// Print every frame sent and received.
    #[arg(long)]
    trace: bool,
    /// Operator: print the MCP servers' status (needs an admin --token).
    #[arg(long)]
    servers: bool,
    /// Operator: start, stop or restart one MCP server (needs an admin --token).
    #[arg(long, num_args = 2, value_names = ["NAME", "start|stop|restart"])]
    server: Option<Vec<String>>,
}

/// `/admin/servers` on the gateway's HTTP side.
async fn operator(args: &Args) -> anyhow::Result<()> {
    let mut base = url::Url::parse(&args.url)?;
    let scheme = if base.scheme() == "wss" {
        "https"
    } else {
        "http"
    };
    base.set_scheme(scheme)
        .map_err(|()| anyhow::anyhow!("cannot turn {} into an HTTP URL", args.url))?;
    let token = args
        .token
        .as_deref()
        .context("operator commands need an admin --token")?;
    let client = reqwest::Client::new();
    let request = match &args.server {
        Some(pair) => client.post(base.join(&format!("/admin/servers/{}/{}", pair[0], pair[1]))?),
        None => client.get(base.join("/admin/servers")?),
    };
    let response = request.bearer_auth(token).send().await?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if args.json || !status.is_success() {
        println!("{body}");
    } else {
        let list = if body.is_array() {
            body.as_array().cloned().unwrap_or_default()
        } else {
            vec![body]
        };
        for s in list {
            println!(
                "{:<16} {:<9} pid {:<8} restarts {:<3} {} {}",
                s["name"].as_str().unwrap_or_default(),
                s["state"].as_str().unwrap_or_default(),
                s["pid"].as_u64().map_or("-".to_owned(), |p| p.to_string()),
                s["restarts"],
                s["launch"].as_str().unwrap_or_default(),
                s["last_error"]
                    .as_str()
                    .map(|e| format!("(last error: {e})"))
                    .unwrap_or_default()
            );
        }
    }
    if !status.is_success() {
        bail!("the gateway answered {status}");
    }
    Ok(())
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn exchange(ws: &mut Socket, frame: Value, args: &Args) -> anyhow::Result<Value> {
    if args.trace {
        // The credential stays off the terminal.
        let mut shown = frame.clone();
        if shown.get("token").is_some_and(|t| !t.is_null()) {
            shown["token"] = json!("…");
        }
        eprintln!("→ {shown}");
    }
    ws.send(Message::Text(frame.to_string().into())).await?;
    loop {
        match ws
            .next()
            .await
            .context("the gateway closed the connection")??
        {
            Message::Text(text) => {
                if args.trace {
                    eprintln!("← {text}");
                }
                let frame: Value = serde_json::from_str(&text)?;
                if frame["type"] == "progress" {
                    if !args.json && !args.trace {
                        let total = frame["total"]
                            .as_f64()
                            .map(|t| format!("/{t}"))
                            .unwrap_or_default();
                        eprintln!(
                            "… {}{total} {}",
                            frame["progress"],
                            frame["message"].as_str().unwrap_or_default()
                        );
                    }
                    continue;
                }
                return Ok(frame);
            }
            Message::Close(frame) => bail!("closed: {frame:?}"),
            _ => {}
        }
    }
}

fn show(frame: &Value, args: &Args) {
    if args.json {
        println!("{frame}");
        return;
    }
    match frame["type"].as_str() {
        Some("reply") => println!("{}", frame["text"].as_str().unwrap_or_default()),
        Some("result") => println!(
            "{}",
            serde_json::to_string_pretty(frame.get("structured").unwrap_or(&frame["text"]))
                .unwrap_or_default()
        ),
        Some("error") => println!(
            "error ({}): {}",
            frame["code"].as_str().unwrap_or_default(),
            frame["message"].as_str().unwrap_or_default()
        ),
        _ => println!("{frame}"),
    }
}

fn call_frame(id: usize, server: &str, tool: &str, arguments: &str) -> anyhow::Result<Value> {
    let arguments: Value =
        serde_json::from_str(arguments).context("arguments must be a JSON object")?;
    Ok(
        json!({ "type": "call", "id": id.to_string(), "server": server, "tool": tool, "arguments": arguments }),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.servers || args.server.is_some() {
        return operator(&args).await;
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(&args.url)
        .await
        .with_context(|| format!("cannot connect to {} (is mcp-gateway running?)", args.url))?;
    let welcome = exchange(&mut ws, json!({ "type": "hello", "token": args.token, "locale": args.locale, "session": args.session, "channel": "cli" }), &args).await?;
    if welcome["type"] != "welcome" {
        show(&welcome, &args);
        bail!("the gateway refused the session");
    }
    if !args.json {
        eprintln!(
            "session {} ({}, {})",
            welcome["session"].as_str().unwrap_or_default(),
            welcome["role"].as_str().unwrap_or_default(),
            welcome["locale"].as_str().unwrap_or_default()
        );
    }
    let mut id = 0;
    if let Some(call) = &args.call {
        id += 1;
        let frame = call_frame(id, &call[0], &call[1], &call[2])?;
        show(&exchange(&mut ws, frame, &args).await?, &args);
        return Ok(());
    }
    if !args.messages.is_empty() {
        for text in &args.messages {
            id += 1;
            show(
                &exchange(
                    &mut ws,
                    json!({ "type": "message", "id": id.to_string(), "text": text }),
                    &args,
                )
                .await?,
                &args,
            );
        }
        return Ok(());
    }
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    loop {
        print!("> ");
        std::io::stdout().flush()?;
        let Some(line) = lines.next_line().await? else {
            break;
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if matches!(line, "/quit" | "/exit") {
            break;
        }
        id += 1;
        let frame = if let Some(rest) = line.strip_prefix("/call ") {
            let mut parts = rest.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(server), Some(tool), arguments) => {
                    match call_frame(id, server, tool, arguments.unwrap_or("{}")) {
                        Ok(frame) => frame,
                        Err(e) => {
                            eprintln!("{e}");
                            continue;
                        }
                    }
                }
                _ => {
                    eprintln!("usage: /call SERVER TOOL {{json}}");
                    continue;
                }
            }
        } else {
            json!({ "type": "message", "id": id.to_string(), "text": line })
        };
        show(&exchange(&mut ws, frame, &args).await?, &args);
    }
    Ok(())
}
