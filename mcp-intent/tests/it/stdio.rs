//! The real `mcp-intent` binary over stdio, as an MCP host launches it.

use std::process::Stdio;
use std::time::Duration;

use rmcp::ClientServiceExt as _;
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::process::Command;

use crate::support::{
    INITIALIZE, analyze, bounded, check_analysis, check_listing, check_peer, check_tool_error,
    lifecycles, named,
};

const BIN: &str = env!("CARGO_BIN_EXE_mcp-intent");

fn command() -> Command {
    let mut command = Command::new(BIN);
    command.env("RUST_LOG", "warn").kill_on_drop(true);
    command
}

#[tokio::test]
async fn rmcp_client_talks_to_the_binary_over_stdio() -> anyhow::Result<()> {
    for (name, lifecycle) in lifecycles() {
        let (transport, _) = TokioChildProcess::builder(command())
            .stderr(Stdio::null())
            .spawn()?;
        let client = bounded("start", ().serve_with_lifecycle(transport, lifecycle)).await??;
        check_peer(&client, name)?;
        let tools = bounded("list tools", client.list_all_tools()).await??;
        check_listing(&tools).map_err(|e| e.context(name))?;
        let schema = named(&tools, "analyze_intent")?.output_schema.clone();
        let result = analyze(&client, json!({ "message": "do you have Monet posters?" })).await?;
        check_analysis(&result, schema.as_deref()).map_err(|e| e.context(name))?;
        let empty = analyze(&client, json!({ "message": "" })).await?;
        check_tool_error(&empty, "`message` is empty")?;
        bounded("cancel", client.cancel()).await??;
    }
    Ok(())
}

async fn write_lines(
    stdin: &mut tokio::process::ChildStdin,
    lines: &[Value],
) -> anyhow::Result<()> {
    for line in lines {
        stdin.write_all(format!("{line}\n").as_bytes()).await?;
    }
    stdin.flush().await?;
    Ok(())
}

/// stdout is the protocol: every line on it must be a JSON-RPC message, and
/// logs go to stderr. Closing stdin ends the server cleanly.
#[tokio::test]
async fn stdout_carries_only_jsonrpc_and_eof_ends_the_server() -> anyhow::Result<()> {
    let mut child = command()
        .env("RUST_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin");
    let initialize: Value = serde_json::from_str(INITIALIZE)?;
    write_lines(
        &mut stdin,
        &[
            initialize,
            json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }),
            json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list" }),
            json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/call",
                    "params": { "name": "analyze_intent", "arguments": { "message": "hola" } } }),
            json!({ "jsonrpc": "2.0", "id": 4, "method": "ping" }),
        ],
    )
    .await?;
    // Wait for the answers before closing stdin: the server may stop
    // answering in-flight requests once its input ends.
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut ids = Vec::new();
    while ids.len() < 4 {
        let line = bounded("stdout line", stdout.next_line())
            .await??
            .expect("a line before EOF");
        let message: Value = serde_json::from_str(&line)
            .map_err(|e| anyhow::anyhow!("non-JSON on stdout: {line:?}: {e}"))?;
        assert_eq!(message["jsonrpc"], "2.0", "{line}");
        assert!(message.get("error").is_none(), "{line}");
        ids.push(message["id"].as_i64().expect("a response id"));
    }
    ids.sort_unstable();
    assert_eq!(ids, [1, 2, 3, 4]);

    drop(stdin);
    let status = bounded("exit after EOF", child.wait()).await??;
    assert!(status.success(), "exit status {status}");
    assert!(
        bounded("stdout EOF", stdout.next_line()).await??.is_none(),
        "trailing stdout"
    );
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .await?;
    assert!(
        stderr.contains("serving MCP over stdio"),
        "logs belong on stderr: {stderr}"
    );
    Ok(())
}

#[tokio::test]
async fn sigterm_stops_a_stdio_server_even_while_stdin_stays_open() -> anyhow::Result<()> {
    let mut child = command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin");
    write_lines(&mut stdin, &[serde_json::from_str(INITIALIZE)?]).await?;
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let line = bounded("initialize response", stdout.next_line())
        .await??
        .expect("a line");
    assert!(line.contains("\"protocolVersion\""), "{line}");

    let pid = child.id().expect("pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()?;
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .map_err(|_| anyhow::anyhow!("still running 10 s after SIGTERM"))??;
    assert!(status.success(), "exit status {status}");
    drop(stdin);
    Ok(())
}
