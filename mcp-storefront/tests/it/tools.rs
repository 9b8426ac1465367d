//! The tools added after the first seven — `update_basket_item` and
//! `get_order` — and the machine-readable errors every tool carries in
//! `_meta["dev.museo/error"]`, through a real rmcp client against a real
//! sandbox.

use anyhow::{Context as _, ensure};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::{Client, call, cents, client_for, first_text, ok, sandbox};

/// The `_meta["dev.museo/error"]` of a call that must be refused.
async fn error_meta(client: &Client, tool: &str, arguments: Value) -> anyhow::Result<Value> {
    let result = call(client, tool, arguments.clone()).await?;
    ensure!(
        result.is_error == Some(true),
        "{tool} {arguments} should be refused, got {result:?}"
    );
    ensure!(!first_text(&result).is_empty(), "{tool}: no error text");
    let meta = result
        .meta
        .as_ref()
        .and_then(|meta| meta.0.get("dev.museo/error"))
        .cloned()
        .with_context(|| {
            format!(
                "{tool} {arguments}: no dev.museo/error in {:?}",
                result.meta
            )
        })?;
    ensure!(meta["code"].is_string(), "{tool}: code {meta}");
    ensure!(meta["retryable"].is_boolean(), "{tool}: retryable {meta}");
    Ok(meta)
}

/// Checks that `meta` has `code` and every `(key, value)` of `facts`.
fn expect(meta: &Value, code: &str, facts: &[(&str, Value)]) -> anyhow::Result<()> {
    ensure!(meta["code"] == code, "expected {code}, got {meta}");
    for (key, value) in facts {
        ensure!(
            &meta[*key] == value,
            "{code}: {key} should be {value} in {meta}"
        );
    }
    Ok(())
}

/// POSTs to `url` with no body (the checkout page's Pay button); the status.
async fn post(url: &str) -> anyhow::Result<u16> {
    let url = url::Url::parse(url)?;
    let host = url.host_str().context("host")?;
    let port = url.port_or_known_default().context("port")?;
    let mut stream = tokio::net::TcpStream::connect((host, port)).await?;
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        url.path()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let head = String::from_utf8_lossy(&response);
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status line")
}

#[tokio::test]
async fn update_basket_item_sets_the_line_and_checks_stock() -> anyhow::Result<()> {
    let (sandbox, _dir) = sandbox().await?;
    let client = client_for(sandbox.url.clone()).await?;
    let mug = ok(
        &client,
        "get_product",
        json!({ "product_id": "MUG-NYMPH-01" }),
    )
    .await?;
    let (price, stock) = (
        cents(&mug["price"])?,
        mug["stock"].as_i64().context("stock")?,
    );
    let basket = ok(
        &client,
        "add_to_basket",
        json!({ "product_id": "MUG-NYMPH-01" }),
    )
    .await?;
    let basket_id = basket["basket_id"]
        .as_str()
        .context("basket_id")?
        .to_owned();

    let three = ok(
        &client,
        "update_basket_item",
        json!({ "basket_id": basket_id, "product_id": "mug-nymph-01", "quantity": 3, "locale": "fr-FR" }),
    )
    .await?;
    ensure!(three["items"][0]["quantity"] == 3, "{three}");
    ensure!(cents(&three["total"])? == 3 * price, "{three}");
    ensure!(
        three["language"] == "fr" && three["items"][0]["title"] == "Mug Nymphéas",
        "{three}"
    );
    // Setting is idempotent: the same call again changes nothing.
    let again = ok(
        &client,
        "update_basket_item",
        json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": 3 }),
    )
    .await?;
    ensure!(again["items"][0]["quantity"] == 3, "{again}");

    // A product not in the basket yet gets a line.
    let two_lines = ok(
        &client,
        "update_basket_item",
        json!({ "basket_id": basket_id, "product_id": "PC-WAVE-01", "quantity": 2 }),
    )
    .await?;
    ensure!(
        two_lines["items"].as_array().map(Vec::len) == Some(2),
        "{two_lines}"
    );

    // More than the stock: refused with the facts, in the shopper's language.
    let meta = error_meta(
        &client,
        "update_basket_item",
        json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": stock + 1, "locale": "es-ES" }),
    )
    .await?;
    expect(
        &meta,
        "insufficient_stock",
        &[
            ("sku", json!("MUG-NYMPH-01")),
            ("title", json!("Taza Nenúfares")),
            ("available", json!(stock)),
            ("requested", json!(stock + 1)),
            ("retryable", json!(false)),
        ],
    )?;
    ensure!(
        meta["correlation_id"].as_str().map(str::len) == Some(32),
        "{meta}"
    );

    // 0 removes the line; removing it again is no error.
    for _ in 0..2 {
        let removed = ok(
            &client,
            "update_basket_item",
            json!({ "basket_id": basket_id, "product_id": "PC-WAVE-01", "quantity": 0 }),
        )
        .await?;
        ensure!(
            removed["items"].as_array().map(Vec::len) == Some(1),
            "{removed}"
        );
        ensure!(removed["items"][0]["sku"] == "MUG-NYMPH-01", "{removed}");
    }

    // Sold out: out_of_stock names the product.
    let meta = error_meta(
        &client,
        "update_basket_item",
        json!({ "basket_id": basket_id, "product_id": "HOM-LAMP-DRAGON", "quantity": 1 }),
    )
    .await?;
    expect(
        &meta,
        "out_of_stock",
        &[
            ("sku", json!("HOM-LAMP-DRAGON")),
            ("title", json!("Dragonfly stained-glass table lamp")),
        ],
    )?;

    // Unknown ids say which thing is missing.
    let meta = error_meta(
        &client,
        "update_basket_item",
        json!({ "basket_id": basket_id, "product_id": "NOPE-1", "quantity": 1 }),
    )
    .await?;
    expect(
        &meta,
        "not_found",
        &[("what", json!("product")), ("id", json!("NOPE-1"))],
    )?;
    let meta = error_meta(
        &client,
        "update_basket_item",
        json!({ "basket_id": "bsk_00000000000000000000000000000000", "product_id": "MUG-NYMPH-01", "quantity": 1 }),
    )
    .await?;
    expect(
        &meta,
        "not_found",
        &[
            ("what", json!("basket")),
            ("id", json!("bsk_00000000000000000000000000000000")),
        ],
    )?;

    // Bad arguments: wrong types, missing fields, huge values, hostile text.
    let bad: Vec<(Value, &str)> = vec![
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": -1 }),
            "quantity",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": 1001 }),
            "quantity",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": i64::MAX }),
            "quantity",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": 1e30 }),
            "quantity",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": 1.5 }),
            "quantity",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": "2" }),
            "quantity",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": null }),
            "quantity",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01" }),
            "quantity",
        ),
        (
            json!({ "basket_id": basket_id, "quantity": 1 }),
            "product_id",
        ),
        (
            json!({ "product_id": "MUG-NYMPH-01", "quantity": 1 }),
            "basket_id",
        ),
        (
            json!({ "basket_id": 7, "product_id": "MUG-NYMPH-01", "quantity": 1 }),
            "basket_id",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": ["MUG-NYMPH-01"], "quantity": 1 }),
            "product_id",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": 1, "colour": "red" }),
            "colour",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": " ", "quantity": 1 }),
            "product_id",
        ),
        (
            json!({ "basket_id": "x".repeat(201), "product_id": "MUG-NYMPH-01", "quantity": 1 }),
            "basket_id",
        ),
        (
            json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01", "quantity": 1, "locale": "<script>" }),
            "locale",
        ),
    ];
    for (arguments, field) in bad {
        let meta = error_meta(&client, "update_basket_item", arguments.clone()).await?;
        expect(&meta, "invalid_argument", &[("field", json!(field))])
            .with_context(|| arguments.to_string())?;
    }
    for hostile in [
        "../../v1/orders",
        "'; DROP TABLE baskets; --",
        "\u{0}\u{202e}",
        "%2e%2e/",
    ] {
        let meta = error_meta(
            &client,
            "update_basket_item",
            json!({ "basket_id": basket_id, "product_id": hostile, "quantity": 1 }),
        )
        .await?;
        ensure!(
            meta["code"] == "not_found" || meta["code"] == "invalid_argument",
            "{hostile:?}: {meta}"
        );
    }
    let after = ok(&client, "view_basket", json!({ "basket_id": basket_id })).await?;
    ensure!(
        after["items"].as_array().map(Vec::len) == Some(1) && after["items"][0]["quantity"] == 3,
        "refusals changed the basket: {after}"
    );
    client.cancel().await?;
    sandbox.stop().await;
    Ok(())
}

#[tokio::test]
async fn get_order_follows_an_order_from_pending_to_paid() -> anyhow::Result<()> {
    let (sandbox, _dir) = sandbox().await?;
    let client = client_for(sandbox.url.clone()).await?;
    let basket = ok(
        &client,
        "add_to_basket",
        json!({ "product_id": "PC-WAVE-01", "quantity": 2 }),
    )
    .await?;
    let basket_id = basket["basket_id"]
        .as_str()
        .context("basket_id")?
        .to_owned();
    let link = ok(
        &client,
        "get_payment_link",
        json!({ "basket_id": basket_id }),
    )
    .await?;
    let order_id = link["order_id"].as_str().context("order_id")?.to_owned();

    let pending = ok(
        &client,
        "get_order",
        json!({ "order_id": order_id, "locale": "es-ES" }),
    )
    .await?;
    ensure!(pending["status"] == "pending", "{pending}");
    ensure!(pending["order_id"] == order_id.as_str(), "{pending}");
    ensure!(pending["basket_id"] == basket_id.as_str(), "{pending}");
    ensure!(
        pending["total"] == link["total"] || cents(&pending["total"])? == cents(&link["total"])?,
        "{pending}"
    );
    ensure!(pending.get("paid_at").is_none(), "{pending}");
    let _: jiff::Timestamp = pending["created_at"]
        .as_str()
        .context("created_at")?
        .parse()?;

    let url = link["url"].as_str().context("url")?;
    ensure!(post(&format!("{url}/pay")).await? == 200, "payment failed");
    let paid = ok(&client, "get_order", json!({ "order_id": order_id })).await?;
    ensure!(paid["status"] == "paid", "{paid}");
    let paid_at: jiff::Timestamp = paid["paid_at"].as_str().context("paid_at")?.parse()?;
    let created: jiff::Timestamp = paid["created_at"].as_str().context("created_at")?.parse()?;
    ensure!(paid_at >= created, "{paid}");

    // A paid basket is closed to every change, and says so by code.
    for (tool, arguments) in [
        (
            "update_basket_item",
            json!({ "basket_id": basket_id, "product_id": "PC-WAVE-01", "quantity": 1 }),
        ),
        (
            "add_to_basket",
            json!({ "basket_id": basket_id, "product_id": "PC-WAVE-01" }),
        ),
        ("get_payment_link", json!({ "basket_id": basket_id })),
    ] {
        let meta = error_meta(&client, tool, arguments).await?;
        expect(&meta, "basket_closed", &[("basket_id", json!(basket_id))]).with_context(|| tool)?;
    }

    let meta = error_meta(
        &client,
        "get_order",
        json!({ "order_id": "ord_00000000000000000000000000000000" }),
    )
    .await?;
    expect(
        &meta,
        "not_found",
        &[
            ("what", json!("order")),
            ("id", json!("ord_00000000000000000000000000000000")),
        ],
    )?;
    for (arguments, field) in [
        (json!({}), "order_id"),
        (json!({ "order_id": 42 }), "order_id"),
        (json!({ "order_id": null }), "order_id"),
        (json!({ "order_id": "" }), "order_id"),
        (json!({ "order_id": "o".repeat(10_000) }), "order_id"),
        (json!({ "order_id": order_id, "status": "paid" }), "status"),
        (json!({ "order_id": order_id, "locale": 3 }), "locale"),
    ] {
        let meta = error_meta(&client, "get_order", arguments.clone()).await?;
        expect(&meta, "invalid_argument", &[("field", json!(field))])
            .with_context(|| arguments.to_string())?;
    }
    for hostile in ["../baskets", "ord_<script>", "' OR 1=1 --", "\u{202e}ord"] {
        let meta = error_meta(&client, "get_order", json!({ "order_id": hostile })).await?;
        ensure!(
            meta["code"] == "not_found" || meta["code"] == "invalid_argument",
            "{hostile:?}: {meta}"
        );
    }
    client.cancel().await?;
    sandbox.stop().await;
    Ok(())
}

#[tokio::test]
async fn every_refusal_carries_a_code_and_its_facts() -> anyhow::Result<()> {
    let (sandbox, _dir) = sandbox().await?;
    let client = client_for(sandbox.url.clone()).await?;
    // The sold-out lamp: the English text stays, the code comes beside it.
    let result = call(
        &client,
        "add_to_basket",
        json!({ "product_id": "HOM-LAMP-DRAGON", "locale": "fr-FR" }),
    )
    .await?;
    ensure!(
        first_text(&result).contains("Offer the shopper fewer units"),
        "{}",
        first_text(&result)
    );
    let meta = error_meta(
        &client,
        "add_to_basket",
        json!({ "product_id": "HOM-LAMP-DRAGON", "locale": "fr-FR" }),
    )
    .await?;
    expect(
        &meta,
        "out_of_stock",
        &[
            ("sku", json!("HOM-LAMP-DRAGON")),
            ("title", json!("Lampe de table en vitrail Libellules")),
        ],
    )?;
    // Adding counts the units already in the basket.
    let basket = ok(
        &client,
        "add_to_basket",
        json!({ "product_id": "MUG-GREEK-01", "quantity": 2 }),
    )
    .await?;
    let basket_id = basket["basket_id"]
        .as_str()
        .context("basket_id")?
        .to_owned();
    let available = basket["items"][0]["available"]
        .as_i64()
        .context("available")?;
    let meta = error_meta(
        &client,
        "add_to_basket",
        json!({ "basket_id": basket_id, "product_id": "MUG-GREEK-01", "quantity": available }),
    )
    .await?;
    expect(
        &meta,
        "insufficient_stock",
        &[
            ("sku", json!("MUG-GREEK-01")),
            ("available", json!(available)),
            ("requested", json!(available + 2)),
        ],
    )?;
    let meta = error_meta(
        &client,
        "add_to_basket",
        json!({ "basket_id": "bsk_missing", "product_id": "MUG-GREEK-01" }),
    )
    .await?;
    expect(
        &meta,
        "not_found",
        &[("what", json!("basket")), ("id", json!("bsk_missing"))],
    )?;
    let meta = error_meta(
        &client,
        "add_to_basket",
        json!({ "basket_id": basket_id, "product_id": "NOPE-1" }),
    )
    .await?;
    expect(
        &meta,
        "not_found",
        &[("what", json!("product")), ("id", json!("NOPE-1"))],
    )?;
    let meta = error_meta(&client, "get_product", json!({ "product_id": "prd_nope" })).await?;
    expect(
        &meta,
        "not_found",
        &[("what", json!("product")), ("id", json!("prd_nope"))],
    )?;
    let meta = error_meta(&client, "view_basket", json!({ "basket_id": "bsk_gone" })).await?;
    expect(&meta, "not_found", &[("what", json!("basket"))])?;
    let meta = error_meta(
        &client,
        "remove_from_basket",
        json!({ "basket_id": basket_id, "product_id": "MUG-NYMPH-01" }),
    )
    .await?;
    expect(
        &meta,
        "not_in_basket",
        &[
            ("id", json!("MUG-NYMPH-01")),
            ("basket_id", json!(basket_id)),
        ],
    )?;
    let empty = ok(
        &client,
        "update_basket_item",
        json!({ "basket_id": basket_id, "product_id": "MUG-GREEK-01", "quantity": 0 }),
    )
    .await?;
    ensure!(empty["items"] == json!([]), "{empty}");
    let meta = error_meta(
        &client,
        "get_payment_link",
        json!({ "basket_id": basket_id }),
    )
    .await?;
    expect(&meta, "basket_empty", &[("basket_id", json!(basket_id))])?;
    // Arguments: each names its field.
    for (tool, arguments, field) in [
        ("search_products", json!({ "query": "" }), "query"),
        ("search_products", json!({}), "query"),
        ("search_products", json!({ "query": 7 }), "query"),
        (
            "search_products",
            json!({ "query": "mug", "limit": 0 }),
            "limit",
        ),
        (
            "search_products",
            json!({ "query": "mug", "limit": -3 }),
            "limit",
        ),
        (
            "search_products",
            json!({ "query": "mug", "price_max": -1 }),
            "price_max",
        ),
        (
            "search_products",
            json!({ "query": "mug", "category": "'; --" }),
            "category",
        ),
        (
            "search_products",
            json!({ "query": "mug", "cursor": "zzz" }),
            "cursor",
        ),
        (
            "search_products",
            json!({ "query": "mug", "sort": "cheapest" }),
            "sort",
        ),
        (
            "search_products",
            json!({ "query": "mug", "colour": "red" }),
            "colour",
        ),
        ("get_product", json!({ "product_id": "" }), "product_id"),
        (
            "add_to_basket",
            json!({ "product_id": "MUG-GREEK-01", "quantity": 0 }),
            "quantity",
        ),
        (
            "remove_from_basket",
            json!({ "basket_id": basket_id, "product_id": "MUG-GREEK-01", "quantity": -1 }),
            "quantity",
        ),
        (
            "answer_product_question",
            json!({ "product_id": "MUG-GREEK-01", "question": " " }),
            "question",
        ),
        (
            "search_help",
            json!({ "query": "envío", "locale": "'; --" }),
            "locale",
        ),
    ] {
        let meta = error_meta(&client, tool, arguments.clone()).await?;
        expect(&meta, "invalid_argument", &[("field", json!(field))])
            .with_context(|| format!("{tool} {arguments}"))?;
    }
    client.cancel().await?;
    sandbox.stop().await;

    // The API gone: unavailable, retryable.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let client = client_for(format!("http://127.0.0.1:{port}").parse()?).await?;
    for (tool, arguments) in [
        ("search_products", json!({ "query": "mug" })),
        ("get_order", json!({ "order_id": "ord_1" })),
        (
            "update_basket_item",
            json!({ "basket_id": "bsk_1", "product_id": "MUG-GREEK-01", "quantity": 1 }),
        ),
    ] {
        let meta = error_meta(&client, tool, arguments).await?;
        expect(&meta, "unavailable", &[("retryable", json!(true))]).with_context(|| tool)?;
    }
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn chat_searches_find_what_the_shopper_means() -> anyhow::Result<()> {
    let (sandbox, _dir) = sandbox().await?;
    let client = client_for(sandbox.url.clone()).await?;
    let top = |found: &Value| -> Vec<String> {
        found["products"]
            .as_array()
            .map(|p| {
                p.iter()
                    .take(5)
                    .filter_map(|p| p["sku"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    // The first `n` results are about `tag` (only two products have cats).
    for (query, locale, tag, n) in [
        (
            "a present for my mum, she loves Van Gogh",
            "en",
            "van gogh",
            5,
        ),
        ("do you have anything with cats?", "en", "cat", 2),
        (
            "je cherche un cadeau pour ma sœur qui adore Klimt",
            "fr",
            "klimt",
            5,
        ),
        ("algo para mi padre que le gusta Goya", "es", "goya", 4),
    ] {
        let found = ok(
            &client,
            "search_products",
            json!({ "query": query, "locale": locale, "limit": 5 }),
        )
        .await?;
        let skus = top(&found);
        ensure!(
            skus.len() >= n,
            "{query}: {skus:?}; understood {}",
            found["understood"]
        );
        for sku in &skus[..n] {
            let product = ok(&client, "get_product", json!({ "product_id": sku })).await?;
            ensure!(
                product["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t == tag)),
                "{query}: {sku} is not about {tag}; understood {}",
                found["understood"]
            );
        }
        ensure!(
            found["understood"]["relaxed"] == false,
            "{query}: {}",
            found["understood"]
        );
    }
    // "X ou Y": either.
    let found = ok(
        &client,
        "search_products",
        json!({ "query": "avez-vous des carnets ou des agendas ?", "locale": "fr-FR" }),
    )
    .await?;
    let mut skus = top(&found);
    skus.sort();
    ensure!(
        skus == [
            "STA-NB-KLIMT",
            "STA-NB-MONET",
            "STA-NB-WAVE",
            "STA-SKETCH-DURER"
        ],
        "{skus:?}; understood {}",
        found["understood"]
    );
    let found = ok(
        &client,
        "search_products",
        json!({ "query": "mugs or cups", "limit": 50 }),
    )
    .await?;
    ensure!(
        found["understood"]["category"] == "mugs",
        "{}",
        found["understood"]
    );
    let mugs = ok(
        &client,
        "search_products",
        json!({ "query": "", "category": "mugs", "limit": 50 }),
    )
    .await?;
    ensure!(
        found["products"].as_array().map(Vec::len) == mugs["products"].as_array().map(Vec::len),
        "mugs or cups found {} of {} mugs",
        found["products"].as_array().map_or(0, Vec::len),
        mugs["products"].as_array().map_or(0, Vec::len)
    );
    // Nothing matches every word: relaxed, and said so.
    let found = ok(
        &client,
        "search_products",
        json!({ "query": "Van Gogh scarf in wool" }),
    )
    .await?;
    ensure!(
        found["understood"]["relaxed"] == true,
        "{}",
        found["understood"]
    );
    ensure!(
        found["understood"]["dropped"] == json!(["wool"]),
        "{}",
        found["understood"]
    );
    ensure!(
        top(&found).contains(&"SCF-STARRY-SILK".to_owned()),
        "{found}"
    );
    client.cancel().await?;
    sandbox.stop().await;
    Ok(())
}
