//! The sdk's Museo client against a real sandbox, and its retry rules
//! against a real misbehaving HTTP server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use museo_sdk::config::MuseoConfig;
use museo_sdk::museo::{MuseoClient, MuseoError};
use museo_sdk::telemetry::TraceContext;
use museo_sdk::types::{Localized, Money, ProductInput, ProductQuery};

use crate::common::TestSandbox;

fn client_for(url: &url::Url) -> MuseoClient {
    let mut config = MuseoConfig::for_url(url.clone());
    config.timeout = Duration::from_secs(5);
    MuseoClient::new(config).expect("client")
}

#[tokio::test]
async fn shopping_through_the_client() {
    let s = TestSandbox::start().await;
    let client = client_for(&s.sandbox.url);
    let ctx = TraceContext::new_root();
    let page = client
        .search_products(
            &ProductQuery {
                q: Some("taza".into()),
                limit: Some(5),
                ..Default::default()
            },
            &ctx,
        )
        .await
        .expect("search");
    assert!(!page.items.is_empty());
    let product = client
        .get_product("MUG-NYMPH-01", &ctx)
        .await
        .expect("product");
    assert_eq!(product.price, Money::parse("14.90", "EUR").expect("money"));
    let basket = client.create_basket(None, &ctx).await.expect("basket");
    let basket = client
        .add_basket_item(&basket.id, &product.id, 2, None, &ctx)
        .await
        .expect("add");
    assert_eq!(basket.total.amount, "29.80");
    let link = client
        .create_payment_link(&basket.id, &ctx)
        .await
        .expect("link");
    assert!(link.url.contains("/checkout/"));
    let basket = client
        .remove_basket_item(&basket.id, &product.id, &ctx)
        .await
        .expect("remove");
    assert!(basket.items.is_empty());
    let err = client.get_product("NO-SUCH", &ctx).await.expect_err("404");
    assert!(err.is_not_found() && !err.is_retryable(), "{err:?}");
    assert_eq!(err.code(), "not_found");
    let err = client
        .add_basket_item(&basket.id, "MUG-TRAVEL-01", 1, None, &ctx)
        .await
        .expect_err("out of stock");
    assert_eq!((err.status(), err.code()), (Some(409), "out_of_stock"));
}

#[tokio::test]
async fn admin_calls_carry_a_fresh_token_and_the_subject_reaches_the_audit_log() {
    let s = TestSandbox::start().await;
    let client = client_for(&s.sandbox.url).with_service_account(s.minter());
    let ctx = TraceContext::new_root();
    let input = ProductInput {
        sku: Some("CLIENT-1".into()),
        handle: None,
        title: Localized {
            en: "Client vase".into(),
            ..Default::default()
        },
        description: Localized::default(),
        price: Money::parse("35", "EUR").expect("money"),
        stock: Some(5),
        category: Some("home-decor".into()),
        tags: vec![],
        attributes: Default::default(),
        images: vec![],
        variants: vec![],
        published: None,
    };
    let created = client
        .admin_create_product(&input, Some("admin:ana@example.com"), &ctx)
        .await
        .expect("create");
    assert!(!created.published, "new products are drafts");
    assert_eq!(
        created.title.es, "Client vase",
        "missing languages are filled"
    );
    // Two more admin calls in a row: each needs its own jti.
    client
        .admin_get_product("CLIENT-1", None, &ctx)
        .await
        .expect("get");
    client
        .admin_delete_product("CLIENT-1", None, &ctx)
        .await
        .expect("delete");
    assert_eq!(
        s.count("SELECT count(*) FROM audit_log WHERE on_behalf_of = 'admin:ana@example.com' AND action = 'product.create'"),
        1
    );
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) FROM audit_log WHERE correlation_id = '{}'",
            ctx.correlation_id()
        )),
        2
    );
    let no_account = client_for(&s.sandbox.url);
    let err = no_account
        .admin_delete_product("MUG-NYMPH-01", None, &ctx)
        .await
        .expect_err("no account");
    assert!(matches!(err, MuseoError::NoServiceAccount));
}

/// A server answering 503 `failures` times, then 200 `[]`, counting hits.
async fn flaky(failures: usize) -> (url::Url, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let handler = move || {
        let counter = counter.clone();
        async move {
            if counter.fetch_add(1, Ordering::SeqCst) < failures {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    axum::Json(serde_json::json!({ "code": "busy", "message": "later" })),
                )
            } else {
                (StatusCode::OK, axum::Json(serde_json::json!([])))
            }
        }
    };
    let app = axum::Router::new()
        .route("/v1/categories", axum::routing::get(handler.clone()))
        .route("/v1/baskets", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url =
        url::Url::parse(&format!("http://{}", listener.local_addr().expect("addr"))).expect("url");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hits)
}

#[tokio::test]
async fn idempotent_calls_are_retried_and_others_are_not() {
    let ctx = TraceContext::new_root();
    let (url, hits) = flaky(2).await;
    let categories = client_for(&url)
        .list_categories(&ctx)
        .await
        .expect("third attempt succeeds");
    assert!(categories.is_empty());
    assert_eq!(hits.load(Ordering::SeqCst), 3);

    let (url, hits) = flaky(1).await;
    let err = client_for(&url)
        .create_basket(None, &ctx)
        .await
        .expect_err("a plain POST is not retried");
    assert!(err.is_retryable() && err.status() == Some(503), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    let (url, hits) = flaky(1).await;
    let result = client_for(&url).create_basket(Some("key-1"), &ctx).await;
    assert!(
        matches!(result, Err(MuseoError::Decode(_))),
        "retried, then the fake's body is not a basket"
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "a POST with an idempotency key is retried"
    );

    let (url, hits) = flaky(100).await;
    let err = client_for(&url)
        .list_categories(&ctx)
        .await
        .expect_err("gives up");
    assert_eq!(err.status(), Some(503));
    assert_eq!(hits.load(Ordering::SeqCst), 3, "1 try + 2 retries");
}

#[tokio::test]
async fn an_unreachable_api_is_a_retryable_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url =
        url::Url::parse(&format!("http://{}", listener.local_addr().expect("addr"))).expect("url");
    drop(listener);
    let mut config = MuseoConfig::for_url(url);
    config.retries = 0;
    let err = MuseoClient::new(config)
        .expect("client")
        .list_categories(&TraceContext::new_root())
        .await
        .expect_err("refused");
    assert!(
        matches!(err, MuseoError::Transport(_)) && err.is_retryable(),
        "{err:?}"
    );
}
