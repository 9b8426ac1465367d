//! Admin endpoints through real HTTP: create, validate, update, delete, the
//! audit log and bulk upserts. Each test has its own sandbox and SKUs.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{TestSandbox, status_json};

const ALICE: &str = "admin:alice@example.com";
const PRODUCTS: &str = "/v1/admin/products";
const BULK: &str = "/v1/admin/products/bulk";

/// A valid product input: a draft at `amount` EUR with 5 in stock.
fn input(sku: &str, amount: &str) -> Value {
    json!({ "sku": sku, "title": { "en": format!("Test {sku}") }, "price": { "amount": amount, "currency": "EUR" }, "stock": 5 })
}

fn with(mut value: Value, field: &str, v: Value) -> Value {
    value[field] = v;
    value
}

/// An admin call with a fresh token acting for Alice.
async fn admin(s: &TestSandbox, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    s.send(method, path, body, Some(&s.admin_token(ALICE))).await
}

/// An admin call for `sub` carrying `X-Request-Id`, which must be echoed.
async fn admin_traced(s: &TestSandbox, method: Method, path: &str, body: Option<Value>, sub: &str, request_id: &str) -> (u16, Value) {
    let mut request = s.http.request(method, s.url(path)).bearer_auth(s.admin_token(sub)).header("x-request-id", request_id);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let echoed = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(echoed.as_deref(), Some(request_id));
    status_json(response).await
}

async fn create(s: &TestSandbox, body: Value) -> Value {
    let (status, product) = admin(s, Method::POST, PRODUCTS, Some(body)).await;
    assert_eq!(status, 201, "{product}");
    product
}

async fn admin_get(s: &TestSandbox, sku: &str) -> (u16, Value) {
    admin(s, Method::GET, &format!("{PRODUCTS}/{sku}"), None).await
}

fn price_minor(s: &TestSandbox, sku: &str) -> i64 {
    s.count(&format!("SELECT price_minor FROM products WHERE sku = '{sku}'"))
}

/// Row counts of every table an admin write can touch.
fn tables(s: &TestSandbox) -> [i64; 4] {
    ["products", "categories", "audit_log", "basket_items"].map(|t| s.count(&format!("SELECT count(*) FROM {t}")))
}

#[tokio::test]
async fn created_products_are_drafts_until_published() {
    let s = TestSandbox::start().await;
    let draft = create(&s, input("ADM-DRAFT-1", "19.90")).await;
    assert_eq!(draft["sku"], "ADM-DRAFT-1");
    assert_eq!(draft["published"], false);
    assert_eq!(draft["price"], json!({ "amount": "19.90", "currency": "EUR" }));
    assert_eq!((draft["stock"].as_i64(), draft["in_stock"].as_bool()), (Some(5), Some(true)));
    assert_eq!(draft["category"], "uncategorised");
    assert_eq!(draft["title"], json!({ "en": "Test ADM-DRAFT-1", "es": "Test ADM-DRAFT-1", "fr": "Test ADM-DRAFT-1" }));
    let id = draft["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("prd_"), "{id}");

    // Shoppers cannot see a draft, by SKU, id or handle; admins can.
    for reference in ["ADM-DRAFT-1", id.as_str(), draft["handle"].as_str().expect("handle")] {
        let (status, body) = s.get(&format!("/v1/products/{reference}")).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{reference}: {body}");
    }
    let (status, seen) = admin_get(&s, "ADM-DRAFT-1").await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen, draft);
    let (status, by_id) = admin_get(&s, &id).await;
    assert_eq!((status, &by_id["sku"]), (200, &json!("ADM-DRAFT-1")));

    let published = create(&s, with(input("ADM-PUB-1", "5.00"), "published", json!(true))).await;
    assert_eq!(published["published"], true);
    assert_eq!(s.product("ADM-PUB-1").await["id"], published["id"]);
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku IN ('ADM-DRAFT-1', 'ADM-PUB-1')"), 2);
}

#[tokio::test]
async fn invalid_products_are_refused_with_the_field_at_fault() {
    let s = TestSandbox::start().await;
    let base = || input("ADM-VAL-1", "12.00");
    let cases = [
        ("blank title", with(base(), "title", json!({ "en": "  ", "es": "" })), "title"),
        ("empty title object", with(base(), "title", json!({})), "title"),
        ("price 0", with(base(), "price", json!({ "amount": "0", "currency": "EUR" })), "price"),
        ("negative price", with(base(), "price", json!({ "amount": "-3.00", "currency": "EUR" })), "price"),
        ("too many decimals", with(base(), "price", json!({ "amount": "1.999", "currency": "EUR" })), "price"),
        ("not a number", with(base(), "price", json!({ "amount": "twelve", "currency": "EUR" })), "price"),
        ("bad currency", with(base(), "price", json!({ "amount": "12.00", "currency": "EURO" })), "price"),
        ("negative stock", with(base(), "stock", json!(-1)), "stock"),
        ("bad SKU", with(base(), "sku", json!("bad sku!")), "sku"),
        ("SKU with a leading dash", with(base(), "sku", json!("-ADM")), "sku"),
        ("SKU too long", with(base(), "sku", json!("X".repeat(65))), "sku"),
        ("bad category", with(base(), "category", json!("Tote Bags")), "category"),
        ("bad handle", with(base(), "handle", json!("Not A Slug")), "handle"),
    ];
    for (name, body, field) in cases {
        let before = tables(&s);
        let (status, error) = admin(&s, Method::POST, PRODUCTS, Some(body)).await;
        assert_eq!(status, 400, "{name}: {error}");
        assert_eq!(error["code"], "invalid_field", "{name}: {error}");
        assert_eq!(error["field"], field, "{name}: {error}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{name}: {error}");
        assert_eq!(tables(&s), before, "{name} wrote something");
    }
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku = 'ADM-VAL-1'"), 0);
    // The base input itself is fine: each case failed for its one change.
    create(&s, base()).await;
}

/// Errors found while reading the JSON (before validation) name the field too.
#[tokio::test]
async fn malformed_product_json_names_the_field() {
    let s = TestSandbox::start().await;
    let base = || input("ADM-JSON-1", "12.00");
    let mut missing_title = base();
    missing_title.as_object_mut().expect("object").remove("title");
    let cases = [
        ("missing title", missing_title, "title"),
        ("unknown field", with(base(), "colour", json!("blue")), "colour"),
        ("stock as a string", with(base(), "stock", json!("five")), "stock"),
        ("price as a number", with(base(), "price", json!(12.5)), "price"),
        ("title as a string", with(base(), "title", json!("Vase")), "title"),
        ("published as a string", with(base(), "published", json!("yes")), "published"),
    ];
    let mut failures = Vec::new();
    for (name, body, field) in cases {
        let before = tables(&s);
        let (status, error) = admin(&s, Method::POST, PRODUCTS, Some(body)).await;
        assert_eq!(status, 400, "{name}: {error}");
        assert!(["invalid_json", "invalid_field"].contains(&error["code"].as_str().unwrap_or("")), "{name}: {error}");
        assert_eq!(tables(&s), before, "{name} wrote something");
        if error["field"] != field {
            failures.push(format!("{name}: expected field `{field}`, got {error}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn a_taken_sku_is_a_conflict() {
    let s = TestSandbox::start().await;
    let first = create(&s, input("ADM-TAKEN-1", "10.00")).await;
    for sku in ["ADM-TAKEN-1", "adm-taken-1", " ADM-TAKEN-1 "] {
        let before = tables(&s);
        let (status, error) = admin(&s, Method::POST, PRODUCTS, Some(input(sku, "99.00"))).await;
        assert_eq!((status, error["code"].as_str()), (409, Some("sku_taken")), "{sku}: {error}");
        assert_eq!(tables(&s), before);
    }
    assert_eq!(price_minor(&s, "ADM-TAKEN-1"), 1000);

    // Renaming another product onto the SKU is refused as well.
    create(&s, input("ADM-TAKEN-2", "10.00")).await;
    let (status, error) = admin(&s, Method::PATCH, &format!("{PRODUCTS}/ADM-TAKEN-2"), Some(json!({ "sku": "ADM-TAKEN-1" }))).await;
    assert_eq!((status, error["code"].as_str()), (409, Some("sku_taken")), "{error}");
    assert_eq!(admin_get(&s, "ADM-TAKEN-1").await.1["id"], first["id"]);
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku = 'ADM-TAKEN-2'"), 1);
}

#[tokio::test]
async fn patch_changes_only_what_is_sent() {
    let s = TestSandbox::start().await;
    let original = create(
        &s,
        json!({
            "sku": "ADM-PATCH-1", "title": { "en": "Blue vase", "es": "Jarrón azul", "fr": "Vase bleu" },
            "description": { "en": "Stoneware." }, "price": { "amount": "30.00", "currency": "EUR" }, "stock": 4,
            "category": "vases", "tags": ["blue", "vase"], "attributes": { "material": "ceramic", "colour": "blue" },
        }),
    )
    .await;
    let path = format!("{PRODUCTS}/ADM-PATCH-1");

    // Price only.
    let (status, after) = admin(&s, Method::PATCH, &path, Some(json!({ "price": { "amount": "35.5", "currency": "EUR" } }))).await;
    assert_eq!(status, 200, "{after}");
    let mut expected = original.clone();
    expected["price"] = json!({ "amount": "35.50", "currency": "EUR" });
    expected["updated_at"] = after["updated_at"].clone();
    assert_eq!(after, expected);
    assert_eq!(price_minor(&s, "ADM-PATCH-1"), 3550);
    assert_eq!(admin_get(&s, "ADM-PATCH-1").await.1, after);

    // One language of the title: the others stay.
    let (status, after) = admin(&s, Method::PATCH, &path, Some(json!({ "title": { "es": "Jarrón nuevo" } }))).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["title"], json!({ "en": "Blue vase", "es": "Jarrón nuevo", "fr": "Vase bleu" }));
    assert_eq!(after["price"]["amount"], "35.50");

    // Attributes merge; an empty value removes the key.
    let (status, after) = admin(&s, Method::PATCH, &path, Some(json!({ "attributes": { "colour": "", "size": "30 cm" } }))).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["attributes"], json!({ "material": "ceramic", "size": "30 cm" }));
    assert_eq!((after["tags"].clone(), after["stock"].as_i64()), (json!(["blue", "vase"]), Some(4)));

    // An invalid patch changes nothing, and neither does a patch to the same values.
    let audit = s.count("SELECT count(*) FROM audit_log");
    let (status, error) = admin(&s, Method::PATCH, &path, Some(json!({ "stock": -1 }))).await;
    assert_eq!((status, error["field"].as_str()), (400, Some("stock")), "{error}");
    let (status, same) = admin(&s, Method::PATCH, &path, Some(json!({ "stock": 4, "title": { "fr": "Vase bleu" } }))).await;
    assert_eq!(status, 200, "{same}");
    assert_eq!(same, after);
    assert_eq!(s.count("SELECT count(*) FROM audit_log"), audit);
    assert_eq!(admin_get(&s, "ADM-PATCH-1").await.1, after);
}

#[tokio::test]
async fn unknown_products_are_404() {
    let s = TestSandbox::start().await;
    let before = tables(&s);
    let path = format!("{PRODUCTS}/ADM-NOPE-1");
    for (method, body) in [(Method::PATCH, Some(json!({ "price": { "amount": "1.00", "currency": "EUR" } }))), (Method::DELETE, None), (Method::GET, None)] {
        let (status, error) = admin(&s, method.clone(), &path, body).await;
        assert_eq!((status, error["code"].as_str()), (404, Some("not_found")), "{method}: {error}");
    }
    assert_eq!(tables(&s), before);
}

#[tokio::test]
async fn delete_returns_the_product_and_empties_basket_lines() {
    let s = TestSandbox::start().await;
    let doomed = create(&s, with(input("ADM-DEL-1", "8.00"), "published", json!(true))).await;
    let kept = create(&s, with(input("ADM-DEL-KEEP", "9.00"), "published", json!(true))).await;
    let basket = s.new_basket().await;
    for product in [&doomed, &kept] {
        let (status, body) = s.post(&format!("/v1/baskets/{basket}/items"), json!({ "product_id": product["id"], "quantity": 2 })).await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(s.get(&format!("/v1/baskets/{basket}")).await.1["items"].as_array().map(Vec::len), Some(2));

    let (status, deleted) = admin(&s, Method::DELETE, &format!("{PRODUCTS}/ADM-DEL-1"), None).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted, doomed);
    assert_eq!(admin_get(&s, "ADM-DEL-1").await.0, 404);
    assert_eq!(s.get("/v1/products/ADM-DEL-1").await.0, 404);
    let (status, again) = admin(&s, Method::DELETE, &format!("{PRODUCTS}/ADM-DEL-1"), None).await;
    assert_eq!((status, again["code"].as_str()), (404, Some("not_found")), "{again}");

    let (_, basket) = s.get(&format!("/v1/baskets/{basket}")).await;
    let skus: Vec<&str> = basket["items"].as_array().expect("items").iter().filter_map(|l| l["sku"].as_str()).collect();
    assert_eq!(skus, ["ADM-DEL-KEEP"], "{basket}");
    assert_eq!(basket["total"]["amount"], "18.00", "{basket}");
    assert_eq!(s.count("SELECT count(*) FROM basket_items WHERE product_seq NOT IN (SELECT seq FROM products)"), 0);
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku = 'ADM-DEL-1'"), 0);
}

#[tokio::test]
async fn the_audit_log_names_account_subject_and_correlation_id() {
    let s = TestSandbox::start().await;
    let (rid_create, rid_patch, rid_delete) =
        ("0af7651916cd43dd8448eb211c80319c", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7a3ce929d0e0e4736");
    let (status, created) = admin_traced(&s, Method::POST, PRODUCTS, Some(input("ADM-AUDIT-1", "10.00")), ALICE, rid_create).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("{PRODUCTS}/ADM-AUDIT-1");
    let bob = "admin:bob@example.com";
    let (status, _) = admin_traced(&s, Method::PATCH, &path, Some(json!({ "price": { "amount": "11.00", "currency": "EUR" } })), bob, rid_patch).await;
    assert_eq!(status, 200);
    let (status, _) = admin_traced(&s, Method::DELETE, &path, None, ALICE, rid_delete).await;
    assert_eq!(status, 200);
    // Refused and read-only requests leave no entry.
    let (status, _) = s.send(Method::POST, PRODUCTS, Some(input("ADM-AUDIT-2", "1.00")), None).await;
    assert_eq!(status, 401);
    let (status, _) = admin_get(&s, "ADM-AUDIT-1").await;
    assert_eq!(status, 404);

    let (status, entries) = admin(&s, Method::GET, "/v1/admin/audit?limit=10", None).await;
    assert_eq!(status, 200, "{entries}");
    let entries = entries.as_array().expect("array").clone();
    assert_eq!(entries.len(), 3, "{entries:#?}");
    let id = created["id"].as_str().expect("id");
    let expected = [
        ("product.delete", ALICE, rid_delete, json!({ "sku": "ADM-AUDIT-1" })),
        ("product.update", bob, rid_patch, json!({ "fields": ["price"] })),
        ("product.create", ALICE, rid_create, json!({ "sku": "ADM-AUDIT-1" })),
    ];
    for (entry, (action, sub, rid, details)) in entries.iter().zip(expected) {
        assert_eq!(entry["action"], action, "{entry}");
        assert_eq!(entry["actor"], s.account.id.as_str(), "{entry}");
        assert_eq!(entry["actor"], museo_sandbox::DEV_ACCOUNT_ID, "{entry}");
        assert_eq!(entry["on_behalf_of"], sub, "{entry}");
        assert_eq!(entry["correlation_id"], rid, "{entry}");
        assert_eq!(entry["target"], id, "{entry}");
        assert_eq!(entry["details"], details, "{entry}");
    }
    let (status, latest) = admin(&s, Method::GET, "/v1/admin/audit?limit=1", None).await;
    assert_eq!((status, latest.as_array().map(Vec::len)), (200, Some(1)));
    let (status, error) = admin(&s, Method::GET, "/v1/admin/audit?limit=0", None).await;
    assert_eq!((status, error["field"].as_str()), (400, Some("limit")), "{error}");
}

fn outcomes(response: &Value) -> Vec<(Option<&str>, &str)> {
    response["results"].as_array().expect("results").iter().map(|r| (r["sku"].as_str(), r["outcome"].as_str().expect("outcome"))).collect()
}

fn counts(response: &Value) -> [i64; 4] {
    ["created", "updated", "unchanged", "failed"].map(|k| response[k].as_i64().expect("count"))
}

#[tokio::test]
async fn bulk_reports_each_item_and_writes_only_the_valid_ones() {
    let s = TestSandbox::start().await;
    let changed = create(&s, input("BULK-CHG", "10.00")).await;
    let same = create(&s, input("BULK-SAME", "20.00")).await;
    let batch = json!({ "items": [
        input("BULK-NEW", "7.00"),
        input("BULK-CHG", "11.00"),
        input("BULK-SAME", "20.00"),
        input("BULK-BAD", "0.00"),
        { "sku": "bulk-new", "title": { "en": "Impostor" }, "price": { "amount": "99.00", "currency": "EUR" } },
    ]});
    let (status, report) = admin(&s, Method::POST, BULK, Some(batch.clone())).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["dry_run"], false);
    assert_eq!(counts(&report), [1, 1, 1, 2], "{report}");
    assert_eq!(
        outcomes(&report),
        [
            (Some("BULK-NEW"), "created"),
            (Some("BULK-CHG"), "updated"),
            (Some("BULK-SAME"), "unchanged"),
            (Some("BULK-BAD"), "failed"),
            (Some("bulk-new"), "failed"),
        ]
    );
    let results = report["results"].as_array().expect("results");
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["index"], i, "{r}");
    }
    assert_eq!(results[1]["id"], changed["id"]);
    assert_eq!(results[2]["id"], same["id"]);
    assert!(results[0]["id"].as_str().is_some_and(|id| id.starts_with("prd_")));
    assert!(results[..3].iter().all(|r| r["error"].is_null()));
    assert!(results[3..].iter().all(|r| r["id"].is_null()));
    assert_eq!((results[3]["error"]["code"].as_str(), results[3]["error"]["field"].as_str()), (Some("invalid_field"), Some("price")));
    assert_eq!(results[4]["error"]["code"], "duplicate_in_request");

    // Valid items written, failed ones not; the duplicate did not overwrite.
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku LIKE 'BULK-%'"), 3);
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku = 'BULK-BAD'"), 0);
    let (_, new) = admin_get(&s, "BULK-NEW").await;
    assert_eq!((new["id"].clone(), new["title"]["en"].clone()), (results[0]["id"].clone(), json!("Test BULK-NEW")));
    assert_eq!((price_minor(&s, "BULK-NEW"), price_minor(&s, "BULK-CHG"), price_minor(&s, "BULK-SAME")), (700, 1100, 2000));
    assert_eq!(admin_get(&s, "BULK-SAME").await.1["updated_at"], same["updated_at"]);
    let (_, audit) = admin(&s, Method::GET, "/v1/admin/audit?limit=1", None).await;
    assert_eq!((audit[0]["action"].as_str(), audit[0]["target"].as_str()), (Some("products.bulk"), Some("bulk")), "{audit}");
    assert_eq!(audit[0]["details"], json!({ "mode": "upsert", "created": 1, "updated": 1, "unchanged": 1, "failed": 2 }));
    assert_eq!(audit[0]["on_behalf_of"], ALICE);

    // The same batch again: nothing new, nothing changed.
    let before = tables(&s);
    let changed_at = admin_get(&s, "BULK-CHG").await.1["updated_at"].clone();
    let (status, again) = admin(&s, Method::POST, BULK, Some(batch)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(counts(&again), [0, 0, 3, 2], "{again}");
    let again_results = again["results"].as_array().expect("results");
    assert_eq!(again_results[0]["id"], results[0]["id"]);
    assert_eq!(tables(&s)[..2], before[..2]);
    assert_eq!(admin_get(&s, "BULK-CHG").await.1["updated_at"], changed_at);
}

#[tokio::test]
async fn bulk_create_mode_refuses_existing_skus() {
    let s = TestSandbox::start().await;
    create(&s, input("BULK-C-OLD", "10.00")).await;
    let generated = json!({ "title": { "en": "Generated sku" }, "price": { "amount": "3.00", "currency": "EUR" } });
    let batch = json!({ "mode": "create", "items": [input("BULK-C-OLD", "99.00"), input("BULK-C-NEW", "5.00"), generated] });
    let (status, report) = admin(&s, Method::POST, BULK, Some(batch)).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(outcomes(&report), [(Some("BULK-C-OLD"), "failed"), (Some("BULK-C-NEW"), "created"), (None, "created")]);
    assert_eq!(counts(&report), [2, 0, 0, 1]);
    assert_eq!(report["results"][0]["error"]["code"], "sku_taken");
    assert_eq!(price_minor(&s, "BULK-C-OLD"), 1000);
    let id = report["results"][2]["id"].as_str().expect("id of the generated product");
    let (status, product) = admin_get(&s, id).await;
    assert_eq!(status, 200, "{product}");
    assert!(product["sku"].as_str().is_some_and(|sku| sku.starts_with("GENERATED-SKU-")), "{product}");
}

#[tokio::test]
async fn bulk_upsert_items_need_a_sku() {
    let s = TestSandbox::start().await;
    let before = s.count("SELECT count(*) FROM products");
    let no_sku = json!({ "title": { "en": "No sku" }, "price": { "amount": "3.00", "currency": "EUR" } });
    let blank_sku = with(no_sku.clone(), "sku", json!("   "));
    let (status, report) = admin(&s, Method::POST, BULK, Some(json!({ "items": [no_sku, blank_sku, input("BULK-U-OK", "4.00")] }))).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(outcomes(&report), [(None, "failed"), (None, "failed"), (Some("BULK-U-OK"), "created")]);
    for i in 0..2 {
        assert_eq!(report["results"][i]["error"]["field"], "sku", "{report}");
    }
    assert_eq!(s.count("SELECT count(*) FROM products"), before + 1);
}

#[tokio::test]
async fn bulk_dry_run_reports_the_plan_and_writes_nothing() {
    let s = TestSandbox::start().await;
    let old = create(&s, input("BULK-D-OLD", "10.00")).await;
    let items = json!([
        with(input("BULK-D-NEW", "6.00"), "category", json!("dry-run-only")),
        input("BULK-D-OLD", "12.00"),
        input("BULK-D-BAD", "0"),
    ]);
    let before = tables(&s);
    let (status, plan) = admin(&s, Method::POST, BULK, Some(json!({ "dry_run": true, "items": items }))).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["dry_run"], true);
    assert_eq!(counts(&plan), [1, 1, 0, 1], "{plan}");
    assert_eq!(outcomes(&plan), [(Some("BULK-D-NEW"), "created"), (Some("BULK-D-OLD"), "updated"), (Some("BULK-D-BAD"), "failed")]);
    assert_eq!(tables(&s), before, "a dry run wrote something");
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku = 'BULK-D-NEW'"), 0);
    assert_eq!(s.count("SELECT count(*) FROM categories WHERE slug = 'dry-run-only'"), 0);
    assert_eq!(admin_get(&s, "BULK-D-OLD").await.1, old);

    // The real run does what the dry run announced.
    let (status, done) = admin(&s, Method::POST, BULK, Some(json!({ "items": items }))).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["dry_run"], false);
    assert_eq!((counts(&done), outcomes(&done)), (counts(&plan), outcomes(&plan)));
    assert_eq!((price_minor(&s, "BULK-D-NEW"), price_minor(&s, "BULK-D-OLD")), (600, 1200));
}

#[tokio::test]
async fn bulk_item_count_is_bounded() {
    let s = TestSandbox::start().await;
    let items = |n: usize| (0..n).map(|i| input(&format!("BULK-N-{i:04}"), "1.00")).collect::<Vec<_>>();
    let before = tables(&s);
    let (status, plan) = admin(&s, Method::POST, BULK, Some(json!({ "dry_run": true, "items": items(1000) }))).await;
    assert_eq!(status, 200, "1000 items are allowed: {plan}");
    assert_eq!(counts(&plan), [1000, 0, 0, 0]);
    for (name, body) in [("1001 items", json!({ "items": items(1001) })), ("no items", json!({ "items": [] }))] {
        let (status, error) = admin(&s, Method::POST, BULK, Some(body)).await;
        assert_eq!(status, 400, "{name}: {error}");
        assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("invalid_field"), Some("items")), "{name}: {error}");
    }
    let (status, error) = admin(&s, Method::POST, BULK, Some(json!({ "mode": "upsert" }))).await;
    assert_eq!(status, 400, "missing items: {error}");
    assert_eq!(tables(&s), before);
}

/// A valid item of about 15 kB (three 5000-character descriptions).
fn heavy(sku: &str) -> Value {
    let text = "x".repeat(5000);
    with(input(sku, "2.00"), "description", json!({ "en": text, "es": text, "fr": text }))
}

#[tokio::test]
async fn bulk_bodies_may_exceed_64_kib_but_not_8_mib() {
    let s = TestSandbox::start().await;
    // ~1 MiB: well above the ordinary 64 KiB limit, fine for bulk.
    let items: Vec<Value> = (0..70).map(|i| heavy(&format!("BULK-BIG-{i:03}"))).collect();
    let (status, report) = admin(&s, Method::POST, BULK, Some(json!({ "items": items }))).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(counts(&report), [70, 0, 0, 0]);

    // ~9 MB of valid items: refused whole, before anything is written.
    let items: Vec<Value> = (0..600).map(|i| heavy(&format!("BULK-HUGE-{i:03}"))).collect();
    let body = serde_json::to_vec(&json!({ "items": items })).expect("serialise");
    assert!(body.len() > 8 * 1024 * 1024, "{}", body.len());
    let before = tables(&s);
    let response = s
        .http
        .post(s.url(BULK))
        .bearer_auth(s.admin_token(ALICE))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("a response, not a reset connection");
    let json_type = response.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let (status, error) = status_json(response).await;
    assert_eq!(status, 413, "{error}");
    assert!(json_type, "{error}");
    assert_eq!(error["code"], "body_too_large", "{error}");
    assert_eq!(tables(&s), before);
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku LIKE 'BULK-HUGE-%'"), 0);
}

#[tokio::test]
async fn oversized_bodies_name_the_limit() {
    let s = TestSandbox::start().await;
    // The single-product endpoint keeps the 64 KiB limit.
    let body = with(input("ADM-BIG-1", "2.00"), "images", json!(["x".repeat(70 * 1024)]));
    let before = tables(&s);
    let (status, error) = admin(&s, Method::POST, PRODUCTS, Some(body)).await;
    assert_eq!((status, error["code"].as_str()), (413, Some("body_too_large")), "{error}");
    assert_eq!(tables(&s), before);
    let message = error["message"].as_str().expect("message");
    assert!(message.contains("65536"), "the message should state the limit: {message}");
}
