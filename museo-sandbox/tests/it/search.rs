//! Search relevance, filters, languages, accent folding and pagination.

use std::collections::HashSet;

use crate::common::{TestSandbox, skus};

#[tokio::test]
async fn the_same_product_is_found_in_each_language() {
    let s = TestSandbox::start().await;
    for q in ["mug", "taza", "tasse", "mugs", "tazas"] {
        let (status, page) = s.get(&format!("/v1/products?q={}", urlencode(q))).await;
        assert_eq!(status, 200, "{q}: {page}");
        let found = skus(&page);
        assert!(found.len() >= 10, "{q} found too little: {found:?}");
        assert!(
            found.iter().take(10).all(|sku| sku.starts_with("MUG-")),
            "{q} ranks non-mugs first: {found:?}"
        );
    }
    for q in ["Mug Nymphéas", "nenúfares taza", "water lilies mug"] {
        let (_, page) = s.get(&format!("/v1/products?q={}", urlencode(q))).await;
        assert_eq!(
            skus(&page).first().map(String::as_str),
            Some("MUG-NYMPH-01"),
            "{q}: {page}"
        );
    }
    let (_, page) = s.get("/v1/products?q=taza%20nenufares").await;
    assert_eq!(
        skus(&page).first().map(String::as_str),
        Some("MUG-NYMPH-01"),
        "{page}"
    );
}

#[tokio::test]
async fn what_a_product_is_comes_before_what_its_title_mentions() {
    let s = TestSandbox::start().await;
    // Earrings first, the "Girl with a Pearl Earring" postcard after them.
    let (_, page) = s.get("/v1/products?q=earrings&limit=4").await;
    let found = skus(&page);
    assert_eq!(found.len(), 4, "{page}");
    assert!(found.iter().all(|sku| sku.starts_with("JWL-")), "{found:?}");
    // Several words name a product: every title with them, whatever the
    // catalog's words say.
    let (_, page) = s.get("/v1/products?q=starry%20night%20mug").await;
    let found = skus(&page);
    for sku in ["MUG-STARRY-01", "MUG-HEAT-01"] {
        assert!(found.contains(&sku.to_owned()), "{sku}: {found:?}");
    }
    // "Silk" is no category's name: cotton scarves are not silk.
    let (_, page) = s.get("/v1/products?q=silk&category=scarves").await;
    let found = skus(&page);
    assert!(found.contains(&"SCF-STARRY-SILK".to_owned()), "{found:?}");
    assert!(
        !found.contains(&"SCF-SOROLLA-COTTON".to_owned()),
        "{found:?}"
    );
    // The postcard, when it is what the words name.
    let (_, page) = s
        .get("/v1/products?q=girl%20with%20a%20pearl%20earring%20postcard")
        .await;
    assert_eq!(
        skus(&page).first().map(String::as_str),
        Some("PC-PEARL-01"),
        "{page}"
    );
}

#[tokio::test]
async fn accents_and_case_do_not_matter() {
    let s = TestSandbox::start().await;
    let (_, plain) = s.get("/v1/products?q=nympheas").await;
    let (_, accented) = s.get("/v1/products?q=Nymph%C3%A9as").await;
    let (_, shouting) = s.get("/v1/products?q=NYMPHEAS").await;
    assert!(skus(&plain).contains(&"MUG-NYMPH-01".to_owned()), "{plain}");
    assert_eq!(skus(&plain), skus(&accented));
    assert_eq!(skus(&plain), skus(&shouting));
}

#[tokio::test]
async fn plurals_find_singulars() {
    let s = TestSandbox::start().await;
    let (_, page) = s.get("/v1/products?q=mugs").await;
    assert!(skus(&page).contains(&"MUG-WAVE-01".to_owned()), "{page}");
    let (_, page) = s.get("/v1/products?q=tazas").await;
    assert!(skus(&page).contains(&"MUG-WAVE-01".to_owned()), "{page}");
}

#[tokio::test]
async fn all_words_first_then_any_word() {
    let s = TestSandbox::start().await;
    let (_, both) = s.get("/v1/products?q=great%20wave%20mug&limit=100").await;
    for sku in skus(&both) {
        assert!(
            sku.contains("WAVE") || sku.contains("TRAVEL"),
            "{sku} does not match every word"
        );
    }
    // No product matches both words: the fallback still answers something.
    let (_, any) = s.get("/v1/products?q=hokusai%20xylophone").await;
    assert!(!skus(&any).is_empty(), "{any}");
}

#[tokio::test]
async fn a_search_nothing_matches_in_full_drops_its_weakest_word_and_says_so() {
    let s = TestSandbox::start().await;
    // No Van Gogh scarf is wool: "wool" (one product) is left out.
    let (status, page) = s
        .get("/v1/products?q=van%20gogh%20scarf%20wool&limit=100")
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page["relaxed"],
        serde_json::json!({ "dropped": ["wool"], "any_word": false }),
        "{page}"
    );
    let found = skus(&page);
    assert!(!found.is_empty(), "{page}");
    for sku in &found {
        assert!(sku.starts_with("SCF-"), "{sku} is not a scarf: {found:?}");
    }
    assert!(found.contains(&"SCF-STARRY-SILK".to_owned()), "{found:?}");
    // A word no product has is left out whatever its place.
    let (_, page) = s.get("/v1/products?q=xylophone%20hokusai%20mug").await;
    assert_eq!(page["relaxed"]["dropped"], serde_json::json!(["xylophone"]));
    assert_eq!(
        skus(&page).first().map(String::as_str),
        Some("MUG-WAVE-01"),
        "{page}"
    );
    // Every word matching together: no relaxation, no field.
    let (_, page) = s.get("/v1/products?q=great%20wave%20mug").await;
    assert!(page.get("relaxed").is_none(), "{page}");
    // Nothing left after dropping: any word, said so.
    let (_, page) = s.get("/v1/products?q=zebra%20giraffe%20nympheas").await;
    assert!(!skus(&page).is_empty(), "{page}");
    assert!(page["relaxed"].is_object(), "{page}");
}

#[tokio::test]
async fn a_misspelt_word_is_read_as_the_nearest_title_word() {
    let s = TestSandbox::start().await;
    // One edit in a word of 5–7 letters, two from 8; accents never count.
    for (q, read) in [
        ("starry%20night%20umbrela", "umbrela→umbrella"),
        ("paraplui%20mucha", "paraplui→parapluie"),
        ("nenufares%20tazza", "tazza→taza"),
    ] {
        let (status, page) = s.get(&format!("/v1/products?q={q}&limit=100")).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(
            page["relaxed"]["corrected"],
            serde_json::json!([read]),
            "{q}: {page}"
        );
        assert!(!skus(&page).is_empty(), "{q}: {page}");
    }
    let (_, page) = s.get("/v1/products?q=starry%20night%20umbrela").await;
    assert_eq!(
        skus(&page),
        ["UMB-STARRY-MINI"],
        "the umbrella alone: {page}"
    );
    // Short words and words some product has are never read otherwise.
    let (_, page) = s.get("/v1/products?q=mugg").await;
    assert!(page["relaxed"].get("corrected").is_none(), "{page}");
    let (_, page) = s.get("/v1/products?q=great%20wave%20mug").await;
    assert!(page.get("relaxed").is_none(), "{page}");
    // Paging a corrected search continues it.
    let (_, first) = s.get("/v1/products?q=umbrelas&limit=2").await;
    let cursor = first["next_cursor"].as_str().expect("more umbrellas");
    let (status, next) = s
        .get(&format!("/v1/products?q=umbrelas&limit=2&cursor={cursor}"))
        .await;
    assert_eq!(status, 200, "{next}");
    assert_eq!(next["relaxed"], first["relaxed"]);
    assert!(!skus(&next).is_empty(), "{next}");
    assert!(skus(&next).iter().all(|k| !skus(&first).contains(k)));
}

#[tokio::test]
async fn relaxed_searches_page_through_the_relaxed_matches() {
    let s = TestSandbox::start().await;
    for q in ["van%20gogh%20wool", "zebra%20okapi%20nympheas%20mug"] {
        let (_, everything) = s.get(&format!("/v1/products?q={q}&limit=100")).await;
        let all = skus(&everything);
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/v1/products?q={q}&limit=3&cursor={c}"),
                None => format!("/v1/products?q={q}&limit=3"),
            };
            let (status, page) = s.get(&path).await;
            assert_eq!(status, 200, "{q}: {page}");
            assert_eq!(page["relaxed"], everything["relaxed"], "{q}");
            paged.extend(skus(&page));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(paged, all, "{q}");
    }
    // A relaxed cursor does not continue another search.
    let (_, page) = s.get("/v1/products?q=van%20gogh%20wool&limit=2").await;
    let cursor = page["next_cursor"].as_str().expect("more");
    let (status, body) = s
        .get(&format!("/v1/products?q=monet&limit=2&cursor={cursor}"))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "cursor");
}

#[tokio::test]
async fn any_of_needs_one_of_its_words() {
    let s = TestSandbox::start().await;
    let (status, page) = s
        .get("/v1/products?any_of=carnets%20agendas&limit=100")
        .await;
    assert_eq!(status, 200, "{page}");
    let mut found = skus(&page);
    found.sort();
    assert_eq!(
        found,
        [
            "STA-NB-KLIMT",
            "STA-NB-MONET",
            "STA-NB-WAVE",
            "STA-SKETCH-DURER"
        ],
        "{page}"
    );
    // With q: every word of q and one of any_of.
    let (_, page) = s
        .get("/v1/products?q=van%20gogh&any_of=mug%20umbrella&limit=100")
        .await;
    let found = skus(&page);
    assert!(found.len() >= 4, "{found:?}");
    for sku in &found {
        assert!(sku.starts_with("MUG-") || sku.starts_with("UMB-"), "{sku}");
    }
    // Hostile text is only ever words, and over-long text is refused by name.
    let (status, _) = s.get("/v1/products?any_of=%22%20OR%20*%20NEAR(%20)").await;
    assert_eq!(status, 200);
    let (status, body) = s
        .get(&format!("/v1/products?any_of={}", "a".repeat(201)))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "any_of");
}

#[tokio::test]
async fn filters_combine() {
    let s = TestSandbox::start().await;
    let (status, page) = s
        .get("/v1/products?category=mugs&price_max=15&in_stock=true&limit=100")
        .await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().expect("items");
    assert!(!items.is_empty());
    for p in items {
        assert_eq!(p["category"], "mugs");
        assert!(p["in_stock"].as_bool().expect("bool"));
        let price: f64 = p["price"]["amount"]
            .as_str()
            .expect("amount")
            .parse()
            .expect("decimal");
        assert!(price <= 15.0, "{p}");
    }
    // Out-of-stock products appear without the filter and vanish with it.
    let (_, all) = s.get("/v1/products?category=mugs&limit=100").await;
    assert!(skus(&all).contains(&"MUG-TRAVEL-01".to_owned()));
    assert!(!skus(&page).contains(&"MUG-TRAVEL-01".to_owned()));
    let (_, range) = s
        .get("/v1/products?price_min=20&price_max=30,5&sort=price_asc&limit=100")
        .await;
    let prices: Vec<f64> = range["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| {
            p["price"]["amount"]
                .as_str()
                .expect("a")
                .parse()
                .expect("n")
        })
        .collect();
    assert!(!prices.is_empty());
    assert!(
        prices.windows(2).all(|w| w[0] <= w[1]),
        "not sorted: {prices:?}"
    );
    assert!(
        prices.iter().all(|p| (20.0..=30.5).contains(p)),
        "{prices:?}"
    );
}

#[tokio::test]
async fn pagination_is_stable_and_complete_in_every_order() {
    let s = TestSandbox::start().await;
    for query in [
        "sort=price_asc",
        "sort=price_desc",
        "sort=newest",
        "q=nymphéas",
        "q=the",
    ] {
        let (_, everything) = s.get(&format!("/v1/products?{query}&limit=100")).await;
        let mut all = skus(&everything);
        let mut cursor = everything["next_cursor"].as_str().map(str::to_owned);
        while let Some(c) = cursor {
            let (_, page) = s
                .get(&format!("/v1/products?{query}&limit=100&cursor={c}"))
                .await;
            all.extend(skus(&page));
            cursor = page["next_cursor"].as_str().map(str::to_owned);
        }
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/v1/products?{query}&limit=7&cursor={c}"),
                None => format!("/v1/products?{query}&limit=7"),
            };
            let (status, page) = s.get(&path).await;
            assert_eq!(status, 200, "{query}: {page}");
            paged.extend(skus(&page));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(paged, all, "{query}: small pages differ from big pages");
        let unique: HashSet<_> = paged.iter().collect();
        assert_eq!(
            unique.len(),
            paged.len(),
            "{query}: a product appeared twice"
        );
    }
}

#[tokio::test]
async fn a_cursor_only_continues_its_own_search() {
    let s = TestSandbox::start().await;
    let (_, page) = s.get("/v1/products?sort=price_asc&limit=5").await;
    let cursor = page["next_cursor"].as_str().expect("more pages");
    let (status, body) = s
        .get(&format!(
            "/v1/products?sort=price_desc&limit=5&cursor={cursor}"
        ))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "cursor");
    let (status, _) = s.get("/v1/products?cursor=bm90LWEtY3Vyc29y").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn products_by_id_sku_or_handle() {
    let s = TestSandbox::start().await;
    let by_sku = s.product("MUG-NYMPH-01").await;
    let id = by_sku["id"].as_str().expect("id");
    let handle = by_sku["handle"].as_str().expect("handle");
    assert_eq!(s.product(id).await, by_sku);
    assert_eq!(s.product(handle).await, by_sku);
    assert_eq!(
        s.product("mug-nymph-01").await,
        by_sku,
        "SKUs are case-insensitive"
    );
    assert_eq!(
        by_sku["price"],
        serde_json::json!({ "amount": "14.90", "currency": "EUR" })
    );
    assert_eq!(by_sku["title"]["fr"], "Mug Nymphéas");
    let (status, body) = s.get("/v1/products/NO-SUCH-SKU").await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "not_found");
    assert_eq!(
        body["correlation_id"].as_str().map(str::len),
        Some(32),
        "{body}"
    );
}

#[tokio::test]
async fn categories_are_localized_and_counted() {
    let s = TestSandbox::start().await;
    let (status, cats) = s.get("/v1/categories").await;
    assert_eq!(status, 200);
    let cats = cats.as_array().expect("array");
    assert!(cats.len() >= 10, "{cats:?}");
    let mugs = cats
        .iter()
        .find(|c| c["slug"] == "mugs")
        .expect("mugs category");
    assert!(mugs["product_count"].as_i64().expect("count") >= 8);
    assert!(!mugs["name"]["es"].as_str().expect("es").is_empty());
}

pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
