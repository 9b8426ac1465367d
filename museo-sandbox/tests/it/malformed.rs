//! Every malformed request gets a JSON error and a 4xx, never a 500, and
//! changes nothing.

use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::json;

use crate::common::{TestSandbox, status_json};

#[tokio::test]
async fn malformed_bodies_are_4xx_json() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    let path = s.url(&format!("/v1/baskets/{basket}/items"));
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "application/json",
            b"{not json".to_vec(),
            400,
            "invalid_json",
        ),
        ("application/json", b"".to_vec(), 400, "invalid_json"),
        ("application/json", b"[1,2,3]".to_vec(), 400, "invalid_json"),
        (
            "application/json",
            br#"{"product_id": 12}"#.to_vec(),
            400,
            "invalid_json",
        ),
        (
            "application/json",
            br#"{"product_id": "MUG-NYMPH-01", "extra": true}"#.to_vec(),
            400,
            "invalid_json",
        ),
        (
            "application/json",
            vec![0xff, 0xfe, 0x00],
            400,
            "invalid_json",
        ),
        (
            "text/plain",
            br#"{"product_id": "MUG-NYMPH-01"}"#.to_vec(),
            415,
            "unsupported_media_type",
        ),
    ];
    for (content_type, body, status, code) in cases {
        let response = s
            .http
            .post(&path)
            .header(CONTENT_TYPE, content_type)
            .body(body.clone())
            .send()
            .await
            .expect("send");
        let (got, value) = status_json(response).await;
        assert_eq!(got, status, "{:?}: {value}", String::from_utf8_lossy(&body));
        assert_eq!(value["code"], code, "{value}");
        assert!(value["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (_, b) = s.get(&format!("/v1/baskets/{basket}")).await;
    assert_eq!(b["items"], json!([]));
}

#[tokio::test]
async fn huge_bodies_are_refused_with_413() {
    let s = TestSandbox::start().await;
    let basket = s.new_basket().await;
    let huge = json!({ "product_id": "x".repeat(200_000) });
    let (status, body) = s.post(&format!("/v1/baskets/{basket}/items"), huge).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], "body_too_large");
}

#[tokio::test]
async fn bad_query_parameters_name_the_problem() {
    let s = TestSandbox::start().await;
    for (query, field_or_code) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "invalid_query"),
        ("price_min=abc", "price_min"),
        ("price_min=-5", "price_min"),
        ("price_min=30&price_max=10", "price_min"),
        ("price_max=1.999", "price_max"),
        ("in_stock=perhaps", "invalid_query"),
        ("sort=random", "invalid_query"),
        ("colour=blue", "invalid_query"),
        ("include_unpublished=true", "include_unpublished"),
    ] {
        let (status, body) = s.get(&format!("/v1/products?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(
            body["field"] == field_or_code || body["code"] == field_or_code,
            "{query}: {body}"
        );
    }
    let (status, body) = s.get(&format!("/v1/products?q={}", "a".repeat(300))).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("q")));
}

#[tokio::test]
async fn hostile_text_is_just_text() {
    let s = TestSandbox::start().await;
    for q in [
        "\" OR 1=1 --",
        "'; DROP TABLE products; --",
        "NEAR(mug taza, 2)",
        "mug*",
        "<script>alert(1)</script>",
        "\u{0}\u{1b}[31m",
        "🏺🖼️",
        "title_en:mug",
        "^mug",
    ] {
        let (status, body) = s
            .get(&format!("/v1/products?q={}", crate::search::urlencode(q)))
            .await;
        assert_eq!(status, 200, "{q:?}: {body}");
    }
    for reference in ["' OR '1'='1", "..%2F..%2Fetc%2Fpasswd", "%00"] {
        let (status, _) = s.get(&format!("/v1/products/{reference}")).await;
        assert_eq!(status, 404, "{reference}");
    }
    let (_, health) = s.get("/healthz").await;
    assert!(
        health["products"].as_i64().expect("count") >= 150,
        "the catalog survived: {health}"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let s = TestSandbox::start().await;
    let (status, body) = s.get("/v2/nothing").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, _) = s.send(Method::DELETE, "/v1/products", None, None).await;
    assert_eq!(status, 405);
    let (_, body) = s.send(Method::PATCH, "/v1/baskets", None, None).await;
    assert_eq!(body["code"], "method_not_allowed", "{body}");
}

#[tokio::test]
async fn correlation_ids_are_echoed() {
    let s = TestSandbox::start().await;
    let id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let response = s
        .http
        .get(s.url("/v1/products/NOPE"))
        .header("x-request-id", id)
        .send()
        .await
        .expect("send");
    assert_eq!(response.headers()["x-request-id"], id);
    assert!(
        response.headers()["traceparent"]
            .to_str()
            .expect("ascii")
            .contains(id)
    );
    let (_, body) = status_json(response).await;
    assert_eq!(body["correlation_id"], id);
    let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let response = s
        .http
        .get(s.url("/healthz"))
        .header("traceparent", tp)
        .send()
        .await
        .expect("send");
    assert_eq!(
        response.headers()["x-request-id"],
        "0af7651916cd43dd8448eb211c80319c"
    );
}
