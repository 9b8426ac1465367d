//! End-to-end import figures: the real `mcp-admin` binary, driven over stdio
//! by an rmcp client, imports a file into a sandbox running in this process
//! (loopback HTTP, SQLite on a temp dir). Prints rows/s for a dry run and for
//! the full import, each in a fresh `mcp-admin` process, and that process's
//! peak RSS (VmHWM) — mcp-admin's own memory, not the sandbox's.
//!
//! ```sh
//! cargo build --release -p mcp-admin
//! cargo run --release -p mcp-admin --example gen_shopify -- 100000 /tmp/shopify_100k.csv
//! cargo run --release -p mcp-admin --example import_bench -- /tmp/shopify_100k.csv
//! ```
//!
//! `MCP_ADMIN_BIN` overrides the binary's path (default: beside this example).
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use museo_sandbox::SandboxConfig;
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};

fn binary() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("MCP_ADMIN_BIN") {
        return Ok(path.into());
    }
    let exe = std::env::current_exe()?;
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .context("no target dir")?
        .join("mcp-admin");
    ensure!(
        bin.exists(),
        "{} is missing: cargo build [--release] -p mcp-admin first",
        bin.display()
    );
    Ok(bin)
}

/// Peak resident memory of a process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn run_once(
    file: &Path,
    api: &url::Url,
    data_dir: &Path,
    dry_run: bool,
) -> anyhow::Result<(Value, Duration, Option<u64>)> {
    let mut command = tokio::process::Command::new(binary()?);
    command
        .env("RUST_LOG", "warn")
        .env("MUSEO_API_URL", api.as_str())
        .env("MUSEO_API_TIMEOUT_MS", "120000")
        .env("SERVICE_ACCOUNT_ID", museo_sandbox::DEV_ACCOUNT_ID)
        .env(
            "SERVICE_ACCOUNT_KEY_FILE",
            museo_sandbox::credentials::dev_key_path(data_dir),
        )
        .env_remove("MCP_ADMIN_JWKS_URL")
        .env_remove("MCP_ADMIN_JWKS_FILE");
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(std::process::Stdio::inherit())
        .spawn()?;
    let pid = transport.id().context("no pid")?;
    let client = ().serve(transport).await?;
    let serde_json::Value::Object(arguments) =
        json!({ "path": file, "dry_run": dry_run, "background": false })
    else {
        bail!("object")
    };
    let started = Instant::now();
    let result = client
        .call_tool(CallToolRequestParams::new("import_products").with_arguments(arguments))
        .await?;
    let elapsed = started.elapsed();
    let rss = peak_rss_kib(pid);
    ensure!(
        result.is_error != Some(true),
        "import failed: {:?}",
        result.content
    );
    let report = result.structured_content.context("no report")?;
    client.cancel().await?;
    Ok((report, elapsed, rss))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let file: PathBuf = std::env::args()
        .nth(1)
        .context("usage: import_bench FILE.csv")?
        .into();
    let data = tempfile::tempdir()?;
    let sandbox = museo_sandbox::spawn(SandboxConfig::dev(data.path().to_owned()), None).await?;
    let size = std::fs::metadata(&file)?.len();
    println!(
        "{} ({:.1} MB) into a sandbox at {}",
        file.display(),
        size as f64 / 1e6,
        sandbox.url
    );
    for dry_run in [true, false] {
        let (report, elapsed, rss) = run_once(&file, &sandbox.url, data.path(), dry_run).await?;
        let rows = report["rows_read"].as_u64().unwrap_or(0);
        println!(
            "{:<12} {rows:>8} rows, {:>7} products ({} created, {} updated, {} unchanged, {} failed) in {:>6.2} s = {:>7.0} rows/s, {:>6.0} products/s; mcp-admin peak RSS {}",
            if dry_run { "dry run" } else { "full import" },
            report["products"],
            report["created"],
            report["updated"],
            report["unchanged"],
            report["failed_count"],
            elapsed.as_secs_f64(),
            rows as f64 / elapsed.as_secs_f64(),
            report["products"].as_u64().unwrap_or(0) as f64 / elapsed.as_secs_f64(),
            rss.map_or("n/a".to_owned(), |kib| format!(
                "{:.1} MiB",
                kib as f64 / 1024.0
            )),
        );
        if report["failed_count"].as_u64().unwrap_or(0) > 0 {
            println!(
                "  first failures: {}",
                report["failed"]
                    .as_array()
                    .map(|f| f
                        .iter()
                        .take(3)
                        .map(Value::to_string)
                        .collect::<Vec<_>>()
                        .join(" | "))
                    .unwrap_or_default()
            );
        }
    }
    sandbox.stop().await;
    Ok(())
}
