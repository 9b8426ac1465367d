//! Baskets, stock limits, payment links, the checkout page and paying.

use reqwest::Method;
use serde_json::json;

use crate::common::TestSandbox;

#[tokio::test]
async fn a_basket_fills_totals_and_empties() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    let (status, b) = s
        .post(
            &format!("/v1/baskets/{basket}/items"),
            json!({ "product_id": "MUG-NYMPH-01", "quantity": 2 }),
        )
        .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["total"], json!({ "amount": "29.80", "currency": "EUR" }));
    assert_eq!(b["items"][0]["line_total"]["amount"], "29.80");
    assert_eq!(b["items"][0]["unit_price"]["amount"], "14.90");
    // Adding again adds to the line; a second product adds a line.
    let (_, b) = s
        .post(
            &format!("/v1/baskets/{basket}/items"),
            json!({ "product_id": "MUG-NYMPH-01" }),
        )
        .await;
    assert_eq!(b["items"][0]["quantity"], 3);
    let (_, b) = s
        .post(
            &format!("/v1/baskets/{basket}/items"),
            json!({ "product_id": "PC-NYMPH-01", "quantity": 4 }),
        )
        .await;
    assert_eq!(b["item_count"], 7);
    assert_eq!(b["total"]["amount"], "51.90");
    // Set a quantity, then remove lines.
    let (_, b) = s
        .send(
            Method::PUT,
            &format!("/v1/baskets/{basket}/items/MUG-NYMPH-01"),
            Some(json!({ "quantity": 1 })),
            None,
        )
        .await;
    assert_eq!(b["total"]["amount"], "22.10");
    let (status, b) = s
        .send(
            Method::DELETE,
            &format!("/v1/baskets/{basket}/items/PC-NYMPH-01"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["items"].as_array().expect("items").len(), 1);
    let (_, b) = s
        .send(
            Method::PUT,
            &format!("/v1/baskets/{basket}/items/MUG-NYMPH-01"),
            Some(json!({ "quantity": 0 })),
            None,
        )
        .await;
    assert_eq!(b["total"]["amount"], "0.00");
    let (status, b) = s.get(&format!("/v1/baskets/{basket}")).await;
    assert_eq!(status, 200);
    assert_eq!(b["items"], json!([]));
}

#[tokio::test]
async fn stock_limits_are_enforced() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    let path = format!("/v1/baskets/{basket}/items");
    // MUG-GREEK-01 has 3 in stock.
    let (status, _) = s
        .post(
            &path,
            json!({ "product_id": "MUG-GREEK-01", "quantity": 3 }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = s
        .post(
            &path,
            json!({ "product_id": "MUG-GREEK-01", "quantity": 1 }),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "insufficient_stock");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("only 3"),
        "{body}"
    );
    let (status, body) = s
        .post(&path, json!({ "product_id": "MUG-TRAVEL-01" }))
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("out_of_stock")));
    // Nothing changed by the refusals.
    let (_, b) = s.get(&format!("/v1/baskets/{basket}")).await;
    assert_eq!(b["item_count"], 3);
}

#[tokio::test]
async fn bad_quantities_and_unknown_ids_are_clear_errors() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    let path = format!("/v1/baskets/{basket}/items");
    for quantity in [json!(0), json!(-2), json!(1001), json!(i64::MAX)] {
        let (status, body) = s
            .post(
                &path,
                json!({ "product_id": "MUG-NYMPH-01", "quantity": quantity }),
            )
            .await;
        assert_eq!(status, 400, "{quantity}: {body}");
        assert_eq!(body["field"], "quantity");
    }
    for quantity in [json!("two"), json!(1.5), json!(null)] {
        let (status, body) = s
            .post(
                &path,
                json!({ "product_id": "MUG-NYMPH-01", "quantity": quantity }),
            )
            .await;
        assert_eq!(status, 400, "{quantity}: {body}");
        assert_eq!(body["code"], "invalid_json");
    }
    let (status, body) = s.post(&path, json!({ "product_id": "NOPE" })).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, body) = s
        .post(
            "/v1/baskets/bsk_unknown/items",
            json!({ "product_id": "MUG-NYMPH-01" }),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, _) = s.get("/v1/baskets/bsk_unknown").await;
    assert_eq!(status, 404);
    let (_, b) = s.get(&format!("/v1/baskets/{basket}")).await;
    assert_eq!(b["items"], json!([]), "refused requests left lines behind");
}

#[tokio::test]
async fn idempotency_keys_return_the_first_answer() {
    let s = TestSandbox::start().await;
    let create = |key: &'static str| {
        s.http
            .post(s.url("/v1/baskets"))
            .header("Idempotency-Key", key)
            .json(&json!({}))
            .send()
    };
    let first: serde_json::Value = create("k-1")
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let again: serde_json::Value = create("k-1")
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let other: serde_json::Value = create("k-2")
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(first["id"], again["id"]);
    assert_ne!(first["id"], other["id"]);
    let basket = first["id"].as_str().expect("id");
    let add = || {
        s.http
            .post(s.url(&format!("/v1/baskets/{basket}/items")))
            .header("Idempotency-Key", "add-1")
            .json(&json!({ "product_id": "MUG-WAVE-01", "quantity": 2 }))
            .send()
    };
    add().await.expect("send");
    let retried: serde_json::Value = add().await.expect("send").json().await.expect("json");
    assert_eq!(retried["item_count"], 2, "a retried add must not add twice");
}

#[tokio::test]
async fn payment_link_checkout_page_and_payment() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    s.post(
        &format!("/v1/baskets/{basket}/items"),
        json!({ "product_id": "MUG-WAVE-01", "quantity": 2 }),
    )
    .await;
    let stock_before = s.product("MUG-WAVE-01").await["stock"]
        .as_i64()
        .expect("stock");
    let (status, link) = s
        .post(&format!("/v1/baskets/{basket}/payment-link"), json!({}))
        .await;
    assert_eq!(status, 201, "{link}");
    assert_eq!(link["total"]["amount"], "33.80");
    let (_, again) = s
        .post(&format!("/v1/baskets/{basket}/payment-link"), json!({}))
        .await;
    assert_eq!(
        again["order_id"], link["order_id"],
        "an unchanged basket keeps its order"
    );
    let url = link["url"].as_str().expect("url");
    let page = s.http.get(url).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("The Great Wave stoneware mug") && html.contains("33.80"),
        "{html}"
    );
    assert!(html.contains("<form method=\"post\""));
    // Stock is not taken until payment.
    assert_eq!(
        s.product("MUG-WAVE-01").await["stock"].as_i64(),
        Some(stock_before)
    );
    let paid = s.http.post(format!("{url}/pay")).send().await.expect("pay");
    assert_eq!(paid.status(), 200);
    assert!(paid.text().await.expect("html").contains("is paid"));
    assert_eq!(
        s.product("MUG-WAVE-01").await["stock"].as_i64(),
        Some(stock_before - 2)
    );
    let (_, order) = s
        .get(&format!(
            "/v1/orders/{}",
            link["order_id"].as_str().expect("order")
        ))
        .await;
    assert_eq!(order["status"], "paid");
    // Paying twice charges once; the basket is closed.
    let twice = s.http.post(format!("{url}/pay")).send().await.expect("pay");
    assert_eq!(twice.status(), 200);
    assert_eq!(
        s.product("MUG-WAVE-01").await["stock"].as_i64(),
        Some(stock_before - 2)
    );
    let (status, body) = s
        .post(
            &format!("/v1/baskets/{basket}/items"),
            json!({ "product_id": "MUG-WAVE-01" }),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("basket_closed"))
    );
    assert_eq!(
        s.count("SELECT count(*) FROM events WHERE kind = 'order.paid'"),
        1
    );
}

#[tokio::test]
async fn forged_or_altered_links_are_refused() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    s.post(
        &format!("/v1/baskets/{basket}/items"),
        json!({ "product_id": "MUG-WAVE-01" }),
    )
    .await;
    let (_, link) = s
        .post(&format!("/v1/baskets/{basket}/payment-link"), json!({}))
        .await;
    let url = link["url"].as_str().expect("url");
    let mut altered = url.to_owned();
    let last = altered.pop().expect("char");
    altered.push(if last == 'A' { 'B' } else { 'A' });
    let response = s
        .http
        .post(format!("{altered}/pay"))
        .send()
        .await
        .expect("pay");
    assert_eq!(response.status(), 404);
    let response = s
        .http
        .get(s.url("/checkout/not-a-token"))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 404);
    assert_eq!(
        s.count("SELECT count(*) FROM orders WHERE status = 'paid'"),
        0
    );
    let empty = s.new_basket().await;
    let (status, body) = s
        .post(&format!("/v1/baskets/{empty}/payment-link"), json!({}))
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("basket_empty")));
}

#[tokio::test]
async fn two_baskets_race_for_the_last_item() {
    let s = TestSandbox::start().await;
    // JWL-DRAGONFLY-01 has exactly one in stock: both baskets may hold it…
    let mut links = Vec::new();
    for _ in 0..2 {
        let basket = s.new_basket().await;
        let (status, body) = s
            .post(
                &format!("/v1/baskets/{basket}/items"),
                json!({ "product_id": "JWL-DRAGONFLY-01" }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, link) = s
            .post(&format!("/v1/baskets/{basket}/payment-link"), json!({}))
            .await;
        links.push(link["url"].as_str().expect("url").to_owned());
    }
    // …but only one payment can take it.
    let pays = links
        .iter()
        .map(|url| s.http.post(format!("{url}/pay")).send());
    let statuses: Vec<u16> = futures::future::join_all(pays)
        .await
        .into_iter()
        .map(|r| r.expect("pay").status().as_u16())
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![200, 409], "{statuses:?}");
    assert_eq!(s.product("JWL-DRAGONFLY-01").await["stock"], 0);
    assert_eq!(
        s.count("SELECT count(*) FROM orders WHERE status = 'paid'"),
        1
    );
    assert_eq!(
        s.count("SELECT count(*) FROM baskets WHERE status = 'ordered'"),
        1
    );
}

#[tokio::test]
async fn a_stale_link_cannot_pay_a_changed_basket() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    let items = format!("/v1/baskets/{basket}/items");
    s.post(&items, json!({ "product_id": "MUG-WAVE-01" })).await;
    let (_, old) = s
        .post(&format!("/v1/baskets/{basket}/payment-link"), json!({}))
        .await;
    s.post(
        &items,
        json!({ "product_id": "MUG-WAVE-01", "quantity": 4 }),
    )
    .await;
    let stale = s
        .http
        .post(format!("{}/pay", old["url"].as_str().expect("url")))
        .send()
        .await
        .expect("pay");
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.expect("html").contains("changed"));
    let (_, new) = s
        .post(&format!("/v1/baskets/{basket}/payment-link"), json!({}))
        .await;
    assert_ne!(new["order_id"], old["order_id"]);
    assert_eq!(new["total"]["amount"], "84.50");
    let paid = s
        .http
        .post(format!("{}/pay", new["url"].as_str().expect("url")))
        .send()
        .await
        .expect("pay");
    assert_eq!(paid.status(), 200);
}

#[tokio::test]
async fn a_withdrawn_product_can_be_removed_but_not_bought() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    s.post(
        &format!("/v1/baskets/{basket}/items"),
        json!({ "product_id": "MUG-WAVE-01" }),
    )
    .await;
    let token = s.admin_token("admin:test");
    let (status, _) = s
        .send(
            Method::PATCH,
            "/v1/admin/products/MUG-WAVE-01",
            Some(json!({ "published": false })),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200);
    let (_, b) = s.get(&format!("/v1/baskets/{basket}")).await;
    assert_eq!(b["items"][0]["published"], false);
    let (status, body) = s
        .post(&format!("/v1/baskets/{basket}/payment-link"), json!({}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("unavailable")),
        "{body}"
    );
    let (status, body) = s
        .post(
            &format!("/v1/baskets/{basket}/items"),
            json!({ "product_id": "MUG-WAVE-01" }),
        )
        .await;
    assert_eq!(
        status, 404,
        "cannot add more of a withdrawn product: {body}"
    );
    let (status, b) = s
        .send(
            Method::DELETE,
            &format!("/v1/baskets/{basket}/items/MUG-WAVE-01"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["items"], json!([]));
}

#[tokio::test]
async fn currency_changes_never_misprice_open_baskets() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    s.post(
        &format!("/v1/baskets/{basket}/items"),
        json!({ "product_id": "MUG-HARE-01" }),
    )
    .await;
    let token = s.admin_token("admin:test");
    let patch = json!({ "price": { "amount": "2500", "currency": "JPY" } });
    let (status, body) = s
        .send(
            Method::PATCH,
            "/v1/admin/products/MUG-HARE-01",
            Some(patch),
            Some(&token),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("currency_in_use")),
        "{body}"
    );
    // Deleting the only product of a basket frees the basket's currency.
    let token = s.admin_token("admin:test");
    let (status, _) = s
        .send(
            Method::DELETE,
            "/v1/admin/products/MUG-HARE-01",
            None,
            Some(&token),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM baskets WHERE id = '{basket}' AND currency IS NULL"
        )),
        1
    );
}
