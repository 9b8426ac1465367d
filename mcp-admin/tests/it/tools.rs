//! Every tool with good and bad input, run directly (no gateway: the
//! service account acts alone).

use anyhow::{Context as _, ensure};
use mcp_admin::auth::Gate;
use serde_json::json;

use crate::support::{Shop, TestClient, ok, refused};

#[tokio::test]
async fn create_from_sentences_in_three_languages() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let client = shop.connect(Gate::new(None), TestClient::default()).await?;
    let vase = ok(
        &client,
        "create_product",
        json!({
            "description": "Ceramic vase inspired by Miró, 49.90 EUR, 12 in stock, SKU VASE-MIRO-01"
        }),
    )
    .await?;
    ensure!(
        vase["sku"] == "VASE-MIRO-01" && vase["title"]["en"] == "Ceramic vase inspired by Miró",
        "{vase}"
    );
    ensure!(
        vase["price"] == json!({ "amount": "49.90", "currency": "EUR" }),
        "{}",
        vase["price"]
    );
    ensure!(
        vase["stock"] == 12 && vase["published"] == false,
        "new products are drafts: {vase}"
    );
    ensure!(vase["understood"]["stock"] == 12, "{}", vase["understood"]);

    let jarron = ok(
        &client,
        "create_product",
        json!({ "description": "Jarrón de cerámica azul, 35 euros, 5 unidades" }),
    )
    .await?;
    ensure!(
        jarron["title"]["es"] == "Jarrón de cerámica azul" && jarron["price"]["amount"] == "35.00",
        "{jarron}"
    );
    ensure!(
        jarron["stock"] == 5 && jarron["attributes"]["colour"] == "blue",
        "{jarron}"
    );

    let affiche = ok(
        &client,
        "create_product",
        json!({
            "description": "Affiche Les Nymphéas; 24,90 €; 8 en stock; catégorie affiches; publiée",
        }),
    )
    .await?;
    ensure!(
        affiche["title"]["fr"] == "Affiche Les Nymphéas" && affiche["category"] == "prints",
        "{affiche}"
    );
    ensure!(
        affiche["published"] == true && affiche["price"]["amount"] == "24.90",
        "{affiche}"
    );

    // Structured fields override the sentence.
    let structured = ok(&client, "create_product", json!({
        "description": "Silk scarf, 30 EUR", "price": "45.5", "currency": "usd", "sku": "SCF-TEST-9", "published": true
    })).await?;
    ensure!(
        structured["price"] == json!({ "amount": "45.50", "currency": "USD" })
            && structured["published"] == true,
        "{structured}"
    );
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn create_refuses_what_is_missing_or_wrong_and_writes_nothing() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let client = shop.connect(Gate::new(None), TestClient::default()).await?;
    let before = shop.audit().await?.len();
    let cases = [
        (
            json!({ "description": "a lovely vase" }),
            vec!["missing required field", "price"],
        ),
        (
            json!({ "description": "49.90 EUR, 3 in stock" }),
            vec!["title"],
        ),
        (json!({}), vec!["title and price"]),
        (
            json!({ "title": "Vase", "price": 0 }),
            vec!["greater than 0"],
        ),
        (
            json!({ "title": "Vase", "price": -5 }),
            vec!["greater than 0"],
        ),
        (json!({ "title": "Vase", "price": "abc" }), vec!["price"]),
        (json!({ "title": "Vase", "price": 1e12 }), vec!["at most"]),
        (
            json!({ "title": "Vase", "price": 10, "currency": "EURO" }),
            vec!["ISO 4217"],
        ),
        (
            json!({ "title": "Vase", "price": 10, "stock": -1 }),
            vec!["stock"],
        ),
        (
            json!({ "title": "Vase", "price": 10, "stock": "many" }),
            vec!["`stock`"],
        ),
        (json!({ "title": "Vase", "price": 10.123 }), vec!["price"]),
        (
            json!({ "title": "Vase", "price": 10, "sku": "BAD SKU!" }),
            vec!["sku"],
        ),
        (
            json!({ "title": "Vase", "price": 10, "colour": "blue" }),
            vec!["unknown field `colour`"],
        ),
        (json!({ "description": "x".repeat(3000) }), vec!["2000"]),
        (json!({ "title": 42, "price": 10 }), vec!["`title`"]),
    ];
    for (arguments, needles) in cases {
        refused(&client, "create_product", arguments, &needles).await?;
    }
    ensure!(
        shop.audit().await?.len() == before,
        "a refused create wrote something"
    );
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn update_by_id_sku_or_name_with_validation() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let client = shop.connect(Gate::new(None), TestClient::default()).await?;
    let created = ok(&client, "create_product", json!({ "title": "Klimt kiss tote bag", "price": 19.5, "stock": 10, "sku": "TOTE-TEST-77" })).await?;
    let id = created["id"].as_str().context("id")?;

    let by_sku = ok(
        &client,
        "update_product",
        json!({ "product_id": "TOTE-TEST-77", "price": "21.00" }),
    )
    .await?;
    ensure!(
        by_sku["price"]["amount"] == "21.00" && by_sku["stock"] == 10,
        "{by_sku}"
    );
    let by_name = ok(
        &client,
        "update_product",
        json!({ "product_id": "klimt kiss tote bag", "changes": "5 in stock, published" }),
    )
    .await?;
    ensure!(
        by_name["id"] == id && by_name["stock"] == 5 && by_name["published"] == true,
        "{by_name}"
    );
    let spanish = ok(
        &client,
        "update_product",
        json!({ "product_id": id, "title": "Bolsa El beso de Klimt", "locale": "es" }),
    )
    .await?;
    ensure!(
        spanish["title"]["es"] == "Bolsa El beso de Klimt"
            && spanish["title"]["en"] == "Klimt kiss tote bag",
        "{spanish}"
    );

    refused(
        &client,
        "update_product",
        json!({ "product_id": id }),
        &["nothing to change"],
    )
    .await?;
    refused(
        &client,
        "update_product",
        json!({ "product_id": id, "price": -1 }),
        &["greater than 0"],
    )
    .await?;
    refused(
        &client,
        "update_product",
        json!({ "product_id": id, "stock": -2 }),
        &["stock"],
    )
    .await?;
    refused(
        &client,
        "update_product",
        json!({ "product_id": id, "currency": "ZZZ" }),
        &["ISO 4217"],
    )
    .await?;
    refused(
        &client,
        "update_product",
        json!({ "product_id": "prd_nope", "price": 3 }),
        &["no product"],
    )
    .await?;
    refused(
        &client,
        "update_product",
        json!({ "product_id": "mug", "price": 3 }),
        &["matches several products"],
    )
    .await?;
    refused(
        &client,
        "update_product",
        json!({ "product_id": "", "price": 3 }),
        &["empty"],
    )
    .await?;
    let unchanged = ok(&client, "get_product", json!({ "product_id": id })).await?;
    ensure!(
        unchanged["price"]["amount"] == "21.00" && unchanged["stock"] == 5,
        "a refused update changed it: {unchanged}"
    );
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn delete_needs_confirmation_by_argument_or_elicitation() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let plain = shop.connect(Gate::new(None), TestClient::default()).await?;
    let one = ok(
        &plain,
        "create_product",
        json!({ "title": "Doomed mug", "price": 9, "sku": "DOOM-1" }),
    )
    .await?;
    refused(
        &plain,
        "delete_product",
        json!({ "product_id": "DOOM-1" }),
        &["not deleted", "confirm: true"],
    )
    .await?;
    refused(
        &plain,
        "delete_product",
        json!({ "product_id": "DOOM-1", "confirm": false }),
        &["not deleted"],
    )
    .await?;
    ensure!(
        ok(&plain, "get_product", json!({ "product_id": "DOOM-1" })).await?["id"] == one["id"],
        "deleted without confirmation"
    );
    let deleted = ok(
        &plain,
        "delete_product",
        json!({ "product_id": "DOOM-1", "confirm": true }),
    )
    .await?;
    ensure!(
        deleted["deleted"] == true
            && deleted["sku"] == "DOOM-1"
            && deleted["confirmed_by"] == "confirm",
        "{deleted}"
    );
    refused(
        &plain,
        "get_product",
        json!({ "product_id": "DOOM-1" }),
        &["no product"],
    )
    .await?;
    refused(
        &plain,
        "delete_product",
        json!({ "product_id": "DOOM-1", "confirm": true }),
        &["no product"],
    )
    .await?;

    // A client that can ask the admin: yes deletes, no keeps.
    ok(
        &plain,
        "create_product",
        json!({ "title": "Asked mug", "price": 9, "sku": "ASK-1" }),
    )
    .await?;
    ok(
        &plain,
        "create_product",
        json!({ "title": "Kept mug", "price": 9, "sku": "KEEP-1" }),
    )
    .await?;
    let yes = TestClient {
        elicit: Some(true),
        ..TestClient::default()
    };
    let asked = yes.asked.clone();
    let agreeing = shop.connect(Gate::new(None), yes).await?;
    let deleted = ok(
        &agreeing,
        "delete_product",
        json!({ "product_id": "ASK-1" }),
    )
    .await?;
    ensure!(deleted["confirmed_by"] == "elicitation", "{deleted}");
    ensure!(
        asked
            .lock()
            .map(|a| a
                .iter()
                .any(|m| m.contains("Asked mug") && m.contains("cannot be undone")))
            .unwrap_or(false),
        "the admin was not asked"
    );
    let declining = shop
        .connect(
            Gate::new(None),
            TestClient {
                elicit: Some(false),
                ..TestClient::default()
            },
        )
        .await?;
    refused(
        &declining,
        "delete_product",
        json!({ "product_id": "KEEP-1" }),
        &["did not confirm"],
    )
    .await?;
    ok(&plain, "get_product", json!({ "product_id": "KEEP-1" })).await?;
    for client in [plain, agreeing, declining] {
        client.cancel().await?;
    }
    Ok(())
}

#[tokio::test]
async fn get_and_list_include_drafts() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let client = shop.connect(Gate::new(None), TestClient::default()).await?;
    ok(
        &client,
        "create_product",
        json!({ "title": "Draft zebra print", "price": 12, "sku": "ZEBRA-1" }),
    )
    .await?;
    let listed = ok(&client, "list_products", json!({ "query": "zebra" })).await?;
    ensure!(
        listed["products"][0]["sku"] == "ZEBRA-1" && listed["products"][0]["published"] == false,
        "{listed}"
    );
    let page = ok(&client, "list_products", json!({ "limit": 5 })).await?;
    ensure!(
        page["products"].as_array().map(Vec::len) == Some(5) && page["next_cursor"].is_string(),
        "{page}"
    );
    refused(&client, "list_products", json!({ "limit": 0 }), &["limit"]).await?;
    refused(
        &client,
        "list_products",
        json!({ "query": "q".repeat(300) }),
        &["200"],
    )
    .await?;
    refused(
        &client,
        "get_product",
        json!({ "product_id": 5 }),
        &["`product_id`"],
    )
    .await?;
    refused(
        &client,
        "get_product",
        json!({ "product_id": "../../etc/passwd" }),
        &["no product"],
    )
    .await?;
    client.cancel().await?;
    Ok(())
}
