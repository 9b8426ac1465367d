//! The conversational intents and entities a dialog engine relies on, in
//! English, Spanish and French: `basket.update`, `store.info`,
//! `order.status`, basket totals, and the reference and refinement entities
//! (`ordinal`, `anaphora`, `name`, `refine`, `sort`, `pick`, `in_stock`,
//! `more`, `quantity_delta`).

use mcp_intent::{AnalyzeRequest, Analyzer, Role, Turn};
use serde_json::{Map, Value, json};

fn turn(role: Role, text: &str, intent: &str, entities: Value) -> Turn {
    Turn {
        role,
        text: text.into(),
        intent: Some(intent.into()),
        entities: entities.as_object().cloned(),
    }
}

/// A search that showed `skus`, in order.
fn searched(query: &str, skus: &[&str]) -> Vec<Turn> {
    let products: Vec<Value> = skus
        .iter()
        .map(|s| json!({ "id": format!("prd_{s}"), "sku": s, "title": s }))
        .collect();
    vec![
        turn(
            Role::User,
            query,
            "product.search",
            json!({ "query": query }),
        ),
        turn(
            Role::Assistant,
            "Here are some products.",
            "product.search",
            json!({ "products": products }),
        ),
    ]
}

/// One product in focus (a detail view).
fn viewed(sku: &str) -> Vec<Turn> {
    vec![
        turn(
            Role::User,
            "show me that",
            "product.details",
            json!({ "product_ref": sku }),
        ),
        turn(
            Role::Assistant,
            &format!("{sku} – €14.90."),
            "product.details",
            json!({ "products": [{ "id": format!("prd_{sku}"), "sku": sku, "title": sku }] }),
        ),
    ]
}

/// A product just added to the basket.
fn added(sku: &str, quantity: u32) -> Vec<Turn> {
    vec![
        turn(
            Role::User,
            "add it",
            "basket.add",
            json!({ "product_ref": sku, "quantity": quantity }),
        ),
        turn(
            Role::Assistant,
            &format!("Added {quantity} × {sku} to your basket."),
            "basket.add",
            json!({ "products": [{ "id": format!("prd_{sku}"), "sku": sku, "title": sku }] }),
        ),
    ]
}

async fn analyze(message: &str, history: Option<Vec<Turn>>) -> (String, Map<String, Value>) {
    let result = Analyzer::default()
        .analyze(&AnalyzeRequest {
            message: message.into(),
            locale: None,
            history,
        })
        .await
        .expect("analysable");
    (result.intent, result.entities)
}

/// Checks the intent and that every expected entity is there with its value
/// (strings compared lowercased).
async fn expect(message: &str, history: Option<Vec<Turn>>, intent: &str, entities: Value) {
    let (got, found) = analyze(message, history).await;
    assert_eq!(got, intent, "{message}: {found:?}");
    for (key, value) in entities.as_object().expect("object") {
        let have = found.get(key);
        let same = match (have, value) {
            (Some(Value::String(h)), Value::String(v)) => h.to_lowercase() == v.to_lowercase(),
            (Some(h), v) => h == v,
            (None, _) => false,
        };
        assert!(
            same,
            "{message}: {key} expected {value}, got {have:?} in {found:?}"
        );
    }
}

#[tokio::test]
async fn basket_update_sets_a_line_quantity_in_three_languages() {
    expect(
        "make it two",
        Some(added("MUG-WAVE-01", 1)),
        "basket.update",
        json!({ "quantity": 2, "anaphora": true, "product_ref": "MUG-WAVE-01" }),
    )
    .await;
    expect(
        "actually make that 3",
        Some(added("PC-NYMPH-01", 2)),
        "basket.update",
        json!({ "quantity": 3 }),
    )
    .await;
    expect(
        "change the mugs to 3",
        Some(added("MUG-WAVE-01", 1)),
        "basket.update",
        json!({ "quantity": 3, "name": "mugs" }),
    )
    .await;
    expect(
        "mejor que sean dos",
        Some(added("MUG-MENINAS-01", 1)),
        "basket.update",
        json!({ "quantity": 2, "anaphora": true }),
    )
    .await;
    expect(
        "pon 4",
        Some(added("PC-MENINAS-01", 1)),
        "basket.update",
        json!({ "quantity": 4 }),
    )
    .await;
    expect(
        "plutôt trois",
        Some(added("MUG-STARRY-01", 1)),
        "basket.update",
        json!({ "quantity": 3 }),
    )
    .await;
    expect(
        "change la quantité des mugs Nymphéas à 2",
        None,
        "basket.update",
        json!({ "quantity": 2, "name": "mugs nymphéas" }),
    )
    .await;
}

#[tokio::test]
async fn relative_changes_carry_a_signed_delta() {
    // Increments stay basket.add and decrements basket.remove (as labelled
    // before basket.update existed), with the signed change alongside.
    for (message, intent, delta) in [
        ("one more", "basket.add", 1_i64),
        ("two more", "basket.add", 2),
        ("dos más", "basket.add", 2),
        ("deux de plus", "basket.add", 2),
        ("one less", "basket.remove", -1),
        ("uno menos", "basket.remove", -1),
        ("un de moins", "basket.remove", -1),
    ] {
        expect(
            message,
            Some(added("PC-WAVE-01", 3)),
            intent,
            json!({ "quantity_delta": delta, "quantity": delta.abs() }),
        )
        .await;
    }
}

#[tokio::test]
async fn store_questions_name_their_topic() {
    for (message, topic) in [
        ("do you ship internationally?", "shipping"),
        ("¿hacéis envíos a Canarias?", "shipping"),
        ("quels sont les délais de livraison ?", "shipping"),
        ("what is your return policy?", "returns"),
        ("quiero devolver un pedido", "returns"),
        ("je veux retourner un article", "returns"),
        ("which payment methods do you accept?", "payment"),
        ("¿qué formas de pago aceptáis?", "payment"),
        ("vous acceptez PayPal ?", "payment"),
        ("do you offer gift wrapping?", "gift-wrapping"),
        ("¿tenéis tarjetas regalo?", "gift-wrapping"),
        ("vous faites l'emballage cadeau ?", "gift-wrapping"),
        ("I want to talk to a human", "contact"),
        ("¿cuál es vuestro teléfono?", "contact"),
        ("comment vous contacter ?", "contact"),
        ("how do I look after a silk scarf?", "product-care"),
        ("¿cómo cuido un pañuelo de seda?", "product-care"),
        ("comment entretenir un mug en porcelaine ?", "product-care"),
    ] {
        expect(message, None, "store.info", json!({ "topic": topic })).await;
        let (_, entities) = analyze(message, None).await;
        assert!(
            entities.get("query").and_then(Value::as_str).is_some(),
            "{message}: {entities:?}"
        );
    }
    // The museum's hours and customs duties stay out of scope.
    for message in [
        "what time does the museum open?",
        "import duties to Canada?",
    ] {
        let (intent, _) = analyze(message, None).await;
        assert_eq!(intent, "unknown", "{message}");
    }
    // Paying now with a method is still checkout.
    let (intent, _) = analyze("je peux payer avec PayPal maintenant ?", None).await;
    assert_eq!(intent, "checkout.pay");
}

#[tokio::test]
async fn order_tracking_is_order_status_with_the_id() {
    let id = "ord_3f2a9c1b7d5e4a60b1c2d3e4f5a6b7c8";
    expect("where is my order?", None, "order.status", json!({})).await;
    expect("¿dónde está mi pedido?", None, "order.status", json!({})).await;
    expect(
        &format!("où en est ma commande {id} ?"),
        None,
        "order.status",
        json!({ "order_id": id }),
    )
    .await;
    expect("has my order shipped", None, "order.status", json!({})).await;
    // Changing or cancelling a placed order is still out of scope.
    let (intent, _) = analyze("cancel my order from Tuesday", None).await;
    assert_eq!(intent, "unknown");
}

#[tokio::test]
async fn basket_totals_stay_basket_view() {
    for message in [
        "what do I owe?",
        "what's the total?",
        "¿cuánto es en total?",
        "ça fait combien au total ?",
        "how much is my basket",
    ] {
        expect(message, None, "basket.view", json!({})).await;
    }
}

#[tokio::test]
async fn refinements_narrow_or_reorder_the_last_results() {
    let mugs = || {
        Some(searched(
            "mugs",
            &["MUG-NYMPH-01", "MUG-WAVE-01", "MUG-STARRY-01"],
        ))
    };
    expect(
        "which of those are under 15 euros?",
        mugs(),
        "product.search",
        json!({ "refine": true, "price_max": 15 }),
    )
    .await;
    expect(
        "any cheaper?",
        mugs(),
        "product.search",
        json!({ "refine": true, "sort": "price_asc" }),
    )
    .await;
    expect(
        "¿algo más barato?",
        mugs(),
        "product.search",
        json!({ "refine": true, "sort": "price_asc" }),
    )
    .await;
    expect(
        "moins cher ?",
        mugs(),
        "product.search",
        json!({ "refine": true, "sort": "price_asc" }),
    )
    .await;
    expect(
        "in blue?",
        mugs(),
        "product.search",
        json!({ "refine": true, "color": "blue" }),
    )
    .await;
    expect(
        "only the ones in stock",
        mugs(),
        "product.search",
        json!({ "refine": true, "in_stock": true }),
    )
    .await;
    expect(
        "which is the cheapest?",
        mugs(),
        "product.search",
        json!({ "refine": true, "pick": "cheapest", "sort": "price_asc" }),
    )
    .await;
    expect(
        "¿cuál es el más caro?",
        mugs(),
        "product.search",
        json!({ "pick": "dearest", "sort": "price_desc" }),
    )
    .await;
    expect(
        "le moins cher ?",
        mugs(),
        "product.search",
        json!({ "pick": "cheapest" }),
    )
    .await;
    for message in ["show me more", "más", "la suite"] {
        expect(message, mugs(), "product.search", json!({ "more": true })).await;
    }
    // Without results shown there is nothing to refine.
    let (_, entities) = analyze("anything cheaper?", None).await;
    assert!(!entities.contains_key("refine"), "{entities:?}");
}

#[tokio::test]
async fn new_searches_lose_the_chatter() {
    expect(
        "a present for my mum, she loves Van Gogh",
        None,
        "product.search",
        json!({ "query": "van gogh" }),
    )
    .await;
    expect(
        "do you have any silk scarves?",
        None,
        "product.search",
        json!({ "query": "silk scarves" }),
    )
    .await;
    expect(
        "un regalo para mi madre, le encanta Van Gogh",
        None,
        "product.search",
        json!({ "query": "van gogh" }),
    )
    .await;
}

#[tokio::test]
async fn references_say_how_a_product_was_pointed_at() {
    let mugs = || {
        Some(searched(
            "mugs",
            &["MUG-NYMPH-01", "MUG-WAVE-01", "MUG-STARRY-01"],
        ))
    };
    expect(
        "show me the second one",
        mugs(),
        "product.details",
        json!({ "ordinal": 2, "product_ref": "MUG-WAVE-01" }),
    )
    .await;
    expect(
        "el último",
        mugs(),
        "product.details",
        json!({ "ordinal": -1, "product_ref": "MUG-STARRY-01" }),
    )
    .await;
    expect(
        "how much is it?",
        Some(viewed("HOM-VASE-IRIS")),
        "product.question",
        json!({ "anaphora": true, "product_ref": "HOM-VASE-IRIS" }),
    )
    .await;
    expect(
        "celui de la Nuit étoilée coûte combien ?",
        mugs(),
        "product.question",
        json!({ "name": "nuit étoilée" }),
    )
    .await;
    expect(
        "add the sunflowers one",
        mugs(),
        "basket.add",
        json!({ "name": "sunflowers", "quantity": 1 }),
    )
    .await;
    expect(
        "remove the postcard",
        Some(added("PC-WAVE-01", 1)),
        "basket.remove",
        json!({ "name": "postcard" }),
    )
    .await;
    expect(
        "me lo llevo",
        Some(viewed("JWL-HORUS-01")),
        "basket.add",
        json!({ "anaphora": true, "product_ref": "JWL-HORUS-01" }),
    )
    .await;
    expect(
        "je le prends",
        Some(viewed("JWL-HORUS-01")),
        "basket.add",
        json!({ "anaphora": true }),
    )
    .await;
    // A pronoun is never a name.
    for message in [
        "add it",
        "me lo llevo",
        "je le prends",
        "tell me more about that one",
    ] {
        let (_, entities) = analyze(message, Some(viewed("JWL-HORUS-01"))).await;
        assert!(!entities.contains_key("name"), "{message}: {entities:?}");
    }
}

#[tokio::test]
async fn compound_buying_is_basket_add_with_quantity_and_name() {
    expect(
        "quiero 2 tazas de Las Meninas",
        None,
        "basket.add",
        json!({ "quantity": 2, "name": "tazas de las meninas" }),
    )
    .await;
    expect(
        "add 3 Great Wave postcards",
        None,
        "basket.add",
        json!({ "quantity": 3, "name": "great wave postcards" }),
    )
    .await;
    expect(
        "je voudrais 3 cartes postales de la Grande Vague",
        None,
        "basket.add",
        json!({ "quantity": 3, "name": "cartes postales de la grande vague" }),
    )
    .await;
    expect(
        "great, I'll take two",
        Some(viewed("MUG-STARRY-01")),
        "basket.add",
        json!({ "quantity": 2, "anaphora": true }),
    )
    .await;
    expect(
        "ok add it to my basket",
        Some(viewed("MUG-STARRY-01")),
        "basket.add",
        json!({ "quantity": 1, "anaphora": true }),
    )
    .await;
    expect(
        "add the Great Wave one please",
        Some(searched("tote bags", &["TOTE-NYMPH-01", "TOTE-WAVE-01"])),
        "basket.add",
        json!({ "quantity": 1, "name": "great wave" }),
    )
    .await;
    expect(
        "y una postal de Las Meninas también",
        Some(added("MUG-MENINAS-01", 1)),
        "basket.add",
        json!({ "quantity": 1, "name": "postal de las meninas" }),
    )
    .await;
}
