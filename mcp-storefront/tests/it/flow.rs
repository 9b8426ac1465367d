//! The shopping flow and its failures through a real rmcp client, against a
//! real sandbox.

use anyhow::{Context as _, ensure};
use serde_json::{Value, json};

use crate::support::{bounded, cents, client_for, ok, refused, sandbox};

#[tokio::test]
async fn shopping_flow_in_three_languages() -> anyhow::Result<()> {
    let (sandbox, _dir) = sandbox().await?;
    let client = client_for(sandbox.url.clone()).await?;
    for (locale, query, question, expected_field) in [
        (
            "en-GB",
            "Monet mug under 30 euros",
            "Is it dishwasher safe?",
            "attributes.dishwasher_safe",
        ),
        ("es-ES", "tazas de Van Gogh", "¿Cuánto cuesta?", "price"),
        (
            "fr-FR",
            "foulard en soie",
            "Il en reste combien en stock ?",
            "stock",
        ),
    ] {
        let lang = &locale[..2];
        let found = ok(
            &client,
            "search_products",
            json!({ "query": query, "locale": locale }),
        )
        .await?;
        ensure!(
            found["language"] == lang,
            "{query}: language {}",
            found["language"]
        );
        let card = found["products"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["stock"].as_i64() >= Some(2)))
            .with_context(|| {
                format!(
                    "{query}: nothing with stock; understood {}",
                    found["understood"]
                )
            })?
            .clone();
        let id = card["id"].as_str().context("id")?;
        let price = cents(&card["price"])?;

        let details = ok(
            &client,
            "get_product",
            json!({ "product_id": card["sku"], "locale": locale }),
        )
        .await?;
        ensure!(
            details["id"] == card["id"] && details["title"] == card["title"],
            "details {details}"
        );
        for key in ["description", "stock", "attributes"] {
            ensure!(!details[key].is_null(), "get_product lacks {key}");
        }

        let basket = ok(
            &client,
            "add_to_basket",
            json!({ "product_id": id, "quantity": 2, "locale": locale }),
        )
        .await?;
        let basket_id = basket["basket_id"]
            .as_str()
            .context("basket_id")?
            .to_owned();
        ensure!(
            cents(&basket["total"])? == 2 * price,
            "total {} for 2 × {price}",
            basket["total"]
        );

        let view = ok(
            &client,
            "view_basket",
            json!({ "basket_id": basket_id, "locale": locale }),
        )
        .await?;
        let line = &view["items"][0];
        ensure!(
            line["product_id"] == card["id"] && line["quantity"] == 2,
            "line {line}"
        );
        ensure!(
            cents(&line["unit_price"])? == price && cents(&line["line_total"])? == 2 * price,
            "line {line}"
        );
        ensure!(cents(&view["total"])? == 2 * price, "view total");

        let link = ok(
            &client,
            "get_payment_link",
            json!({ "basket_id": basket_id }),
        )
        .await?;
        ensure!(cents(&link["total"])? == 2 * price, "link total");
        let url = link["url"].as_str().context("url")?;
        ensure!(
            url.starts_with(sandbox.url.as_str()),
            "link {url} outside the sandbox"
        );
        let again = ok(
            &client,
            "get_payment_link",
            json!({ "basket_id": basket_id }),
        )
        .await?;
        ensure!(
            again["order_id"] == link["order_id"],
            "asking twice made two orders"
        );

        let answer = ok(
            &client,
            "answer_product_question",
            json!({ "product_id": id, "question": question }),
        )
        .await?;
        ensure!(
            answer["language"] == lang,
            "answer language {} for {question:?}",
            answer["language"]
        );
        ensure!(
            answer["answered"] == true,
            "{question:?} unanswered: {answer}"
        );
        ensure!(
            answer["sources"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["field"] == expected_field)),
            "{question:?}: sources {}",
            answer["sources"]
        );

        let fewer = ok(
            &client,
            "remove_from_basket",
            json!({ "basket_id": basket_id, "product_id": id, "quantity": 1 }),
        )
        .await?;
        ensure!(
            fewer["items"][0]["quantity"] == 1 && cents(&fewer["total"])? == price,
            "after removing one: {fewer}"
        );
        let empty = ok(
            &client,
            "remove_from_basket",
            json!({ "basket_id": basket_id, "product_id": card["sku"] }),
        )
        .await?;
        ensure!(
            empty["items"] == json!([]) && cents(&empty["total"])? == 0,
            "after removing the line: {empty}"
        );
    }
    client.cancel().await?;
    sandbox.stop().await;
    Ok(())
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() -> anyhow::Result<()> {
    let (sandbox, _dir) = sandbox().await?;
    let client = client_for(sandbox.url.clone()).await?;
    let found = ok(
        &client,
        "search_products",
        json!({ "query": "mug", "limit": 1 }),
    )
    .await?;
    let product = found["products"][0]["id"]
        .as_str()
        .context("a mug")?
        .to_owned();
    let stock = found["products"][0]["stock"].as_i64().context("stock")?;
    let basket = ok(&client, "add_to_basket", json!({ "product_id": product })).await?;
    let basket_id = basket["basket_id"]
        .as_str()
        .context("basket_id")?
        .to_owned();
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "search_products",
            json!({ "query": "" }),
            vec!["query is empty"],
        ),
        (
            "search_products",
            json!({ "query": 7 }),
            vec!["`query`", "string"],
        ),
        ("search_products", json!({}), vec!["missing field `query`"]),
        (
            "search_products",
            json!({ "query": "mug", "limit": 0 }),
            vec!["limit"],
        ),
        (
            "search_products",
            json!({ "query": "mug", "price_min": 90, "price_max": 10 }),
            vec!["above"],
        ),
        (
            "search_products",
            json!({ "query": "a".repeat(501) }),
            vec!["501"],
        ),
        (
            "search_products",
            json!({ "query": "mug", "cursor": "zzz" }),
            vec!["cursor", "will not help", "correlation id"],
        ),
        (
            "get_product",
            json!({ "product_id": "prd_0000000000000000" }),
            vec!["no product", "search_products"],
        ),
        (
            "get_product",
            json!({ "product_id": " " }),
            vec!["product_id is empty"],
        ),
        (
            "get_product",
            json!({ "product_id": "x".repeat(201) }),
            vec!["too long"],
        ),
        (
            "add_to_basket",
            json!({ "product_id": product, "quantity": 0 }),
            vec!["between 1 and 1000"],
        ),
        (
            "add_to_basket",
            json!({ "product_id": product, "quantity": 1.5 }),
            vec!["`quantity`"],
        ),
        (
            "add_to_basket",
            json!({ "product_id": product, "quantity": stock + 1, "basket_id": basket_id }),
            vec!["stock"],
        ),
        (
            "add_to_basket",
            json!({ "product_id": "NOPE-1" }),
            vec!["no product"],
        ),
        (
            "add_to_basket",
            json!({ "product_id": product, "basket_id": "bsk_missing" }),
            vec!["no basket"],
        ),
        (
            "view_basket",
            json!({ "basket_id": "bsk_missing" }),
            vec!["no basket"],
        ),
        (
            "view_basket",
            json!({ "basket_id": null }),
            vec!["`basket_id`"],
        ),
        (
            "remove_from_basket",
            json!({ "basket_id": basket_id, "product_id": "OTHER-1" }),
            vec!["not in this basket", &product],
        ),
        (
            "remove_from_basket",
            json!({ "basket_id": basket_id, "product_id": product, "quantity": -1 }),
            vec!["quantity"],
        ),
        (
            "get_payment_link",
            json!({ "basket_id": "bsk_missing" }),
            vec!["no basket"],
        ),
        (
            "answer_product_question",
            json!({ "product_id": product, "question": "  " }),
            vec!["question is empty"],
        ),
        (
            "answer_product_question",
            json!({ "product_id": product, "question": "?".repeat(1001) }),
            vec!["1001"],
        ),
        (
            "search_help",
            json!({ "query": "" }),
            vec!["query is empty"],
        ),
        (
            "search_help",
            json!({ "query": "envío", "locale": "'; --" }),
            vec!["BCP-47"],
        ),
    ];
    for (tool, arguments, needles) in cases {
        refused(&client, tool, arguments, &needles).await?;
    }
    let after = ok(&client, "view_basket", json!({ "basket_id": basket_id })).await?;
    ensure!(
        after["items"].as_array().map(Vec::len) == Some(1) && after["items"][0]["quantity"] == 1,
        "refusals changed the basket: {}",
        after["items"]
    );
    // Hostile text is only ever searched for.
    for query in [
        "'; DROP TABLE products; --",
        "<script>alert(1)</script>",
        "\"*) OR 1=1",
        "\u{0}\u{202e}",
    ] {
        let result =
            crate::support::call(&client, "search_products", json!({ "query": query })).await?;
        ensure!(
            result.is_error != Some(true) || !crate::support::first_text(&result).is_empty(),
            "{query}"
        );
    }
    let still = ok(&client, "search_products", json!({ "query": "mug" })).await?;
    ensure!(
        still["products"].as_array().is_some_and(|p| !p.is_empty()),
        "catalog gone"
    );
    client.cancel().await?;
    sandbox.stop().await;
    Ok(())
}

#[tokio::test]
async fn an_unreachable_api_says_a_retry_may_help() -> anyhow::Result<()> {
    // A port nothing listens on: bind one, then close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let client = client_for(format!("http://127.0.0.1:{port}").parse()?).await?;
    let started = std::time::Instant::now();
    let text = refused(
        &client,
        "search_products",
        json!({ "query": "mug" }),
        &["retrying", "may help", "correlation id"],
    )
    .await?;
    ensure!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    ensure!(!text.contains("will not help"), "{text}");
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn the_caller_trace_id_is_the_correlation_id() -> anyhow::Result<()> {
    let (sandbox, _dir) = sandbox().await?;
    let client = client_for(sandbox.url.clone()).await?;
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let mut meta = serde_json::Map::new();
    meta.insert(
        "traceparent".into(),
        json!(format!("00-{trace}-00f067aa0ba902b7-01")),
    );
    let Value::Object(arguments) = json!({ "product_id": "prd_nope" }) else {
        unreachable!()
    };
    let mut params =
        rmcp::model::CallToolRequestParams::new("get_product").with_arguments(arguments);
    params.meta = Some(rmcp::model::RequestMetaObject(rmcp::model::MetaObject(
        meta,
    )));
    let result = bounded("call", client.call_tool(params)).await??;
    let text = crate::support::first_text(&result);
    ensure!(
        text.contains(trace),
        "the error does not carry the caller's trace id: {text}"
    );
    client.cancel().await?;
    sandbox.stop().await;
    Ok(())
}

#[tokio::test]
async fn help_pages_resources_and_the_prompt() -> anyhow::Result<()> {
    let (sandbox, _dir) = sandbox().await?;
    let client = client_for(sandbox.url.clone()).await?;
    for (query, locale, slug) in [
        ("how long does delivery take", "en", "shipping"),
        ("devolver un pedido", "es", "returns"),
        ("emballage cadeau", "fr", "gift-wrapping"),
    ] {
        let help = ok(
            &client,
            "search_help",
            json!({ "query": query, "locale": locale }),
        )
        .await?;
        ensure!(
            help["pages"][0]["slug"] == slug,
            "{query}: {}",
            help["pages"]
        );
        ensure!(help["language"] == locale, "language");
    }
    let resources = bounded("list", client.list_all_resources()).await??;
    let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
    ensure!(
        uris.contains(&"museo://help/shipping") && uris.contains(&"museo://categories"),
        "{uris:?}"
    );
    let read = bounded(
        "read",
        client.read_resource(rmcp::model::ReadResourceRequestParams::new(
            "museo://help/shipping/fr",
        )),
    )
    .await??;
    let rmcp::model::ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        anyhow::bail!("not text")
    };
    ensure!(text.starts_with("# Livraison"), "{text}");
    for bad in [
        "museo://help/nope",
        "museo://help/shipping/de",
        "file:///etc/passwd",
        "museo://help/../categories",
    ] {
        let result = bounded(
            "read bad",
            client.read_resource(rmcp::model::ReadResourceRequestParams::new(bad)),
        )
        .await?;
        ensure!(result.is_err(), "{bad} was served");
    }
    let prompt = bounded(
        "prompt",
        client.get_prompt(
            rmcp::model::GetPromptRequestParams::new("shopping_assistant").with_arguments(
                serde_json::Map::from_iter([("locale".to_owned(), json!("es-MX"))]),
            ),
        ),
    )
    .await??;
    let text = serde_json::to_string(&prompt.messages)?;
    ensure!(
        text.contains("Spanish") && text.contains("get_payment_link"),
        "{text}"
    );
    client.cancel().await?;
    sandbox.stop().await;
    Ok(())
}
