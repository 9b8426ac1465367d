//! `import_products` through a real client on fixture files: dry runs that
//! write nothing, upserts that converge, bad rows reported by line and
//! field, every format, progress, background jobs and cancellation.

use std::io::Write as _;
use std::time::Duration;

use anyhow::{Context as _, ensure};
use base64::Engine as _;
use mcp_admin::auth::Gate;
use rmcp::model::{
    CallToolRequestParams, ClientRequest, JsonObject, MetaObject, Request, RequestMetaObject,
};
use rmcp::service::PeerRequestOptions;
use serde_json::{Value, json};

use crate::support::{Shop, TestClient, bounded, fixture, ok, ok_with_meta, refused};

fn progress_meta() -> Option<JsonObject> {
    let mut meta = JsonObject::new();
    meta.insert("progressToken".into(), json!("import-1"));
    Some(meta)
}

#[tokio::test]
async fn shopify_dry_run_then_import_then_rerun() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let handler = TestClient::default();
    let progress = handler.progress.clone();
    let client = shop.connect(Gate::new(None), handler).await?;
    let path = fixture("shopify_2024.csv");
    let audit_before = shop.audit().await?.len();

    let plan = ok(
        &client,
        "import_products",
        json!({ "path": path, "dry_run": true }),
    )
    .await?;
    ensure!(
        plan["status"] == "done" && plan["dry_run"] == true && plan["layout"] == "shopify",
        "{plan}"
    );
    let would_create = plan["created"].as_u64().context("created")?;
    ensure!(would_create >= 3, "{plan}");
    ensure!(
        plan["plan"].as_array().is_some_and(
            |p| p.len() as u64 == would_create && p.iter().all(|e| e["action"] == "create")
        ),
        "{}",
        plan["plan"]
    );
    ensure!(
        shop.audit().await?.len() == audit_before,
        "the dry run wrote to the catalog"
    );

    let done = ok_with_meta(
        &client,
        "import_products",
        json!({ "path": path }),
        progress_meta(),
    )
    .await?;
    ensure!(
        done["created"] == would_create && done["failed_count"] == 0,
        "{done}"
    );
    ensure!(
        progress.lock().map(|p| !p.is_empty()).unwrap_or(false),
        "no progress notification"
    );

    let again = ok(&client, "import_products", json!({ "path": path })).await?;
    ensure!(
        again["created"] == 0 && again["updated"] == 0 && again["unchanged"] == would_create,
        "re-running created or changed something: {again}"
    );
    let create_mode = ok(
        &client,
        "import_products",
        json!({ "path": path, "mode": "create" }),
    )
    .await?;
    ensure!(
        create_mode["created"] == 0 && create_mode["failed_count"] == would_create,
        "{create_mode}"
    );
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn every_format_imports() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let client = shop.connect(Gate::new(None), TestClient::default()).await?;
    for name in [
        "shopify_legacy.csv",
        "woocommerce.csv",
        "generic_es_semicolon_cp1252.csv",
        "generic_fr_bom.csv",
        "products.xlsx",
        "products.json",
        "products.ndjson",
    ] {
        let report = ok(&client, "import_products", json!({ "path": fixture(name) }))
            .await
            .with_context(|| name.to_owned())?;
        ensure!(
            report["created"].as_u64().unwrap_or(0) >= 1,
            "{name}: {report}"
        );
    }
    // The same files inline: text as is, binary as base64.
    let xlsx = std::fs::read(fixture("products.xlsx"))?;
    let inline = ok(&client, "import_products", json!({
        "content": format!("base64:{}", base64::engine::general_purpose::STANDARD.encode(&xlsx)),
        "format": "xlsx",
    })).await?;
    ensure!(
        inline["unchanged"].as_u64().unwrap_or(0) >= 1,
        "inline xlsx: {inline}"
    );
    let json_text = std::fs::read_to_string(fixture("products.json"))?;
    let inline = ok(&client, "import_products", json!({ "content": json_text })).await?;
    ensure!(
        inline["format"] == "json" && inline["created"] == 0,
        "inline json: {inline}"
    );
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn bad_rows_are_reported_and_good_rows_still_land() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let client = shop.connect(Gate::new(None), TestClient::default()).await?;
    let report = ok(
        &client,
        "import_products",
        json!({ "path": fixture("bad_rows.csv") }),
    )
    .await?;
    let failed = report["failed"].as_array().context("failed")?;
    ensure!(failed.len() >= 5, "{report}");
    for failure in failed {
        ensure!(
            failure["row"].as_u64().unwrap_or(0) >= 2,
            "a failure without its line: {failure}"
        );
        ensure!(
            !failure["error"].as_str().unwrap_or_default().is_empty(),
            "{failure}"
        );
    }
    ensure!(
        report["created"].as_u64().unwrap_or(0) >= 1,
        "the good rows were not imported: {report}"
    );

    for (arguments, needles) in [
        (json!({}), vec!["nothing to import"]),
        (json!({ "path": "a.csv", "content": "x" }), vec!["not both"]),
        (
            json!({ "path": "/nonexistent/products.csv" }),
            vec!["cannot read"],
        ),
        (
            json!({ "path": env!("CARGO_MANIFEST_DIR") }),
            vec!["not a regular file"],
        ),
        (
            json!({ "content": "title,price\nVase,10", "format": "pdf" }),
            vec!["format"],
        ),
        (json!({ "content": "   " }), vec!["empty"]),
        (json!({ "path": fixture("not_a_table.bin") }), vec![]),
        (
            json!({ "content": "title,price\nVase,10", "mode": "replace" }),
            vec!["`mode`"],
        ),
        (
            json!({ "content": "title,price\nVase,10", "currency": "EUROS" }),
            vec!["ISO 4217"],
        ),
    ] {
        refused(&client, "import_products", arguments, &needles).await?;
    }
    refused(
        &client,
        "get_import_job",
        json!({ "job_id": "job_nope" }),
        &["no import job"],
    )
    .await?;
    // Inline content has a size limit (checked without sending 50 MB through the pipe).
    let huge = mcp_admin::server::ImportArgs {
        content: Some("x".repeat(mcp_admin::run::MAX_CONTENT_BYTES + 1)),
        ..Default::default()
    };
    let error = mcp_admin::run::ImportRequest::from_args(&huge).expect_err("over the limit");
    ensure!(error.contains("pass its path"), "{error}");
    client.cancel().await?;
    Ok(())
}

/// A generic CSV of `rows` products (GEN-<n>) in a temp file.
fn generated(rows: usize) -> anyhow::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile()?;
    writeln!(file, "sku,title,price,stock")?;
    for n in 0..rows {
        writeln!(
            file,
            "GEN-{n},Generated print {n},{}.50,{}",
            5 + n % 90,
            n % 40
        )?;
    }
    file.flush()?;
    Ok(file)
}

#[tokio::test]
async fn background_jobs_run_and_can_be_cancelled() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let client = shop.connect(Gate::new(None), TestClient::default()).await?;
    let small = generated(1500)?;
    let started = ok(
        &client,
        "import_products",
        json!({ "path": small.path(), "background": true }),
    )
    .await?;
    let job = started["job_id"].as_str().context("job_id")?.to_owned();
    ensure!(started["status"] == "running", "{started}");
    let mut last = Value::Null;
    for _ in 0..300 {
        last = ok(&client, "get_import_job", json!({ "job_id": job })).await?;
        if last["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(
        last["status"] == "done" && last["created"] == 1500,
        "{last}"
    );

    let big = generated(20_000)?;
    let started = ok(
        &client,
        "import_products",
        json!({ "path": big.path(), "background": true }),
    )
    .await?;
    let job = started["job_id"].as_str().context("job_id")?.to_owned();
    ok(
        &client,
        "get_import_job",
        json!({ "job_id": job, "cancel": true }),
    )
    .await?;
    for _ in 0..300 {
        last = ok(&client, "get_import_job", json!({ "job_id": job })).await?;
        if last["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(
        last["status"] == "cancelled" && last["stopped"].is_string(),
        "{last}"
    );
    ensure!(
        last["created"].as_u64().unwrap_or(0) < 20_000 - 1500,
        "cancel did not stop it: {last}"
    );
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn mcp_cancellation_stops_a_running_import() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let handler = TestClient::default();
    let progress = handler.progress.clone();
    let client = shop.connect(Gate::new(None), handler).await?;
    let big = generated(20_000)?;
    let Value::Object(arguments) = json!({ "path": big.path() }) else {
        anyhow::bail!("object")
    };
    let mut params = CallToolRequestParams::new("import_products").with_arguments(arguments);
    params.meta = Some(RequestMetaObject(MetaObject(
        progress_meta().context("meta")?,
    )));
    let handle = client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(Request::new(params)),
            PeerRequestOptions::no_options(),
        )
        .await?;
    bounded("first progress", async {
        while progress.lock().map(|p| p.is_empty()).unwrap_or(true) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await?;
    handle.cancel(Some("test".into())).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let settled = shop.audit().await?.len();
    tokio::time::sleep(Duration::from_secs(1)).await;
    ensure!(
        shop.audit().await?.len() == settled,
        "the import kept writing after cancellation"
    );
    refused(
        &client,
        "get_product",
        json!({ "product_id": "GEN-19999" }),
        &["no product"],
    )
    .await
    .context("the last row was imported despite cancellation")?;
    client.cancel().await?;
    Ok(())
}
