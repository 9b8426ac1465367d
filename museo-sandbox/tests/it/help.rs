//! The shop's help pages over real HTTP: listing, one page, search in three
//! languages, refused queries, hostile input, and the sdk client.

use std::collections::BTreeSet;
use std::time::Duration;

use museo_sdk::config::MuseoConfig;
use museo_sdk::museo::MuseoClient;
use museo_sdk::telemetry::TraceContext;
use serde_json::Value;

use crate::common::TestSandbox;
use crate::search::urlencode;

const SLUGS: [&str; 7] = [
    "shipping",
    "returns",
    "payment",
    "gift-wrapping",
    "contact",
    "product-care",
    "faq",
];

/// The slugs of a `GET /v1/help` answer, in order.
fn slugs(pages: &Value) -> Vec<String> {
    pages
        .as_array()
        .expect("an array of pages")
        .iter()
        .map(|p| p["slug"].as_str().expect("slug").to_owned())
        .collect()
}

/// `GET /v1/help?q=<text>`.
async fn search(s: &TestSandbox, text: &str) -> (u16, Value) {
    s.get(&format!("/v1/help?q={}", urlencode(text))).await
}

/// A page has exactly `slug`, `title` and `body`, with text in every language.
fn assert_page(page: &Value) {
    let object = page.as_object().expect("a page is an object");
    let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["slug", "title", "body"]), "{page}");
    for field in ["title", "body"] {
        for lang in ["en", "es", "fr"] {
            let text = page[field][lang].as_str().unwrap_or_default();
            assert!(!text.trim().is_empty(), "{} {field}.{lang}", page["slug"]);
        }
    }
}

#[tokio::test]
async fn every_page_is_listed_in_every_language() {
    let s = TestSandbox::start().await;
    let (status, pages) = s.get("/v1/help").await;
    assert_eq!(status, 200, "{pages}");
    assert_eq!(slugs(&pages), SLUGS);
    for page in pages.as_array().expect("array") {
        assert_page(page);
    }
}

#[tokio::test]
async fn one_page_by_slug() {
    let s = TestSandbox::start().await;
    let (_, pages) = s.get("/v1/help").await;
    for (i, slug) in SLUGS.iter().enumerate() {
        let (status, page) = s.get(&format!("/v1/help/{slug}")).await;
        assert_eq!(status, 200, "{slug}: {page}");
        assert_page(&page);
        assert_eq!(page, pages[i], "{slug} differs from its listing");
    }
    let (_, returns) = s.get("/v1/help/returns").await;
    let en = returns["body"]["en"].as_str().expect("en body");
    assert!(en.contains("30 days") && en.contains("14 days"), "{en}");
}

#[tokio::test]
async fn unknown_slugs_are_not_found() {
    let s = TestSandbox::start().await;
    for path in [
        "/v1/help/no-such-page",
        "/v1/help/..%2F..%2Fetc",
        "/v1/help/..%2F..%2Fetc%2Fpasswd",
        "/v1/help/shipping%2F..%2Freturns",
        "/v1/help/%2Fetc%2Fpasswd",
        "/v1/help/faq%00",
    ] {
        let (status, body) = s.get(path).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["code"], "not_found", "{path}: {body}");
        assert_eq!(
            body["correlation_id"].as_str().map(str::len),
            Some(32),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn search_finds_the_page_in_each_language() {
    let s = TestSandbox::start().await;
    for q in ["envío", "envio", "ENVÍOS", "livraison", "shipping"] {
        let (status, pages) = search(&s, q).await;
        assert_eq!(status, 200, "{q}: {pages}");
        assert_eq!(
            slugs(&pages).first().map(String::as_str),
            Some("shipping"),
            "{q}: {:?}",
            slugs(&pages)
        );
        for page in pages.as_array().expect("array") {
            assert_page(page);
        }
    }
    for (q, first) in [
        ("retour", "returns"),
        ("devolución", "returns"),
        ("emballage cadeau", "gift-wrapping"),
        ("silk scarf", "product-care"),
        ("¿Cómo puedo seguir mi pedido?", "faq"),
    ] {
        let (status, pages) = search(&s, q).await;
        assert_eq!(status, 200, "{q}: {pages}");
        assert_eq!(
            slugs(&pages).first().map(String::as_str),
            Some(first),
            "{q}: {:?}",
            slugs(&pages)
        );
    }
    // Only matching pages are returned.
    let (status, pages) = search(&s, "xylophone").await;
    assert_eq!((status, slugs(&pages).len()), (200, 0), "{pages}");
}

#[tokio::test]
async fn blank_or_long_queries_are_refused() {
    let s = TestSandbox::start().await;
    let long = "a".repeat(500);
    let just_over = "é".repeat(201);
    for query in [
        "q=",
        "q=%20%20%20",
        "q=%09",
        &format!("q={long}"),
        &format!("q={}", urlencode(&just_over)),
    ] {
        let (status, body) = s.get(&format!("/v1/help?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["code"], "invalid_field", "{body}");
        assert_eq!(body["field"], "q", "{body}");
        assert!(body["correlation_id"].is_string(), "{body}");
    }
    let (status, body) = search(&s, &"é".repeat(200)).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = s.get("/v1/help?lang=fr").await;
    assert_eq!(
        (status, &body["code"]),
        (400, &Value::from("invalid_query")),
        "{body}"
    );
}

#[tokio::test]
async fn hostile_text_is_only_text() {
    let s = TestSandbox::start().await;
    for q in [
        "'; DROP TABLE products; --",
        "<script>alert('x')</script>",
        "\" OR 1=1 --",
        "%00 \\0 ../../etc/passwd",
        "{{7*7}} ${jndi:ldap://x}",
        "NEAR(shipping returns) AND * OR \"",
    ] {
        let (status, pages) = search(&s, q).await;
        assert_eq!(status, 200, "{q}: {pages}");
        for page in pages.as_array().expect("array") {
            assert_page(page);
            assert!(
                SLUGS.contains(&page["slug"].as_str().unwrap_or_default()),
                "{q}: {page}"
            );
        }
    }
    let (_, pages) = search(&s, "<script>").await;
    assert_eq!(slugs(&pages).len(), 0, "{pages}");
    // Nothing was dropped or changed.
    let (_, pages) = s.get("/v1/help").await;
    assert_eq!(slugs(&pages), SLUGS);
    let (status, health) = s.get("/healthz").await;
    assert_eq!(status, 200, "{health}");
    assert!(health["products"].as_i64().unwrap_or(0) > 0, "{health}");
}

#[tokio::test]
async fn help_through_the_client() {
    let s = TestSandbox::start().await;
    let mut config = MuseoConfig::for_url(s.sandbox.url.clone());
    config.timeout = Duration::from_secs(5);
    let client = MuseoClient::new(config).expect("client");
    let ctx = TraceContext::new_root();

    let all = client.list_help_pages(None, &ctx).await.expect("list");
    let listed: Vec<&str> = all.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(listed, SLUGS);

    let found = client
        .list_help_pages(Some("livraison"), &ctx)
        .await
        .expect("search");
    assert_eq!(found.first().map(|p| p.slug.as_str()), Some("shipping"));
    let found = client
        .list_help_pages(Some("envío gratis"), &ctx)
        .await
        .expect("search");
    assert_eq!(found.first().map(|p| p.slug.as_str()), Some("shipping"));

    let faq = client.get_help_page("faq", &ctx).await.expect("faq");
    assert_eq!(faq.slug, "faq");
    assert!(faq.body.fr.contains("encadrées"), "{}", faq.body.fr);
    assert_eq!(Some(&faq), all.iter().find(|p| p.slug == "faq"));

    let err = client
        .get_help_page("../../etc", &ctx)
        .await
        .expect_err("404");
    assert!(err.is_not_found(), "{err:?}");
    let err = client
        .list_help_pages(Some("  "), &ctx)
        .await
        .expect_err("400");
    assert_eq!((err.status(), err.code()), (Some(400), "invalid_field"));
}
