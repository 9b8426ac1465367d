//! Admin endpoints through real HTTP: create, validate, update, delete, the
//! audit log and bulk upserts. Each test has its own sandbox and SKUs.

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::common::{TestSandbox, status_json};

const ALICE: &str = "admin:alice@example.com";
const PRODUCTS: &str = "/v1/admin/products";
const BULK: &str = "/v1/admin/products/bulk";

type Reply = (u16, Value);

fn money(amount: &str, currency: &str) -> Value {
    json!({ "amount": amount, "currency": currency })
}

fn eur(amount: &str) -> Value {
    money(amount, "EUR")
}

/// A valid product input: a draft at `amount` EUR with 5 in stock.
fn input(sku: &str, amount: &str) -> Value {
    let title = json!({ "en": format!("Test {sku}") });
    json!({ "sku": sku, "title": title, "price": eur(amount), "stock": 5 })
}

fn with(mut value: Value, field: &str, v: Value) -> Value {
    value[field] = v;
    value
}

fn published(sku: &str, amount: &str) -> Value {
    with(input(sku, amount), "published", json!(true))
}

/// An admin call with a fresh token acting for Alice.
async fn call(s: &TestSandbox, method: Method, path: &str, body: Option<Value>) -> Reply {
    s.send(method, path, body, Some(&s.admin_token(ALICE)))
        .await
}

async fn post(s: &TestSandbox, body: Value) -> Reply {
    call(s, Method::POST, PRODUCTS, Some(body)).await
}

async fn patch(s: &TestSandbox, sku: &str, body: Value) -> Reply {
    call(s, Method::PATCH, &format!("{PRODUCTS}/{sku}"), Some(body)).await
}

async fn fetch(s: &TestSandbox, sku: &str) -> Reply {
    call(s, Method::GET, &format!("{PRODUCTS}/{sku}"), None).await
}

async fn bulk(s: &TestSandbox, body: Value) -> Reply {
    call(s, Method::POST, BULK, Some(body)).await
}

async fn audit(s: &TestSandbox, limit: u32) -> Reply {
    call(
        s,
        Method::GET,
        &format!("/v1/admin/audit?limit={limit}"),
        None,
    )
    .await
}

async fn create(s: &TestSandbox, body: Value) -> Value {
    let (status, product) = post(s, body).await;
    assert_eq!(status, 201, "{product}");
    product
}

/// Asserts an error reply's status, code and field.
fn check(reply: &Reply, status: u16, code: &str, field: Option<&str>) {
    let body = &reply.1;
    let got = (reply.0, body["code"].as_str(), body["field"].as_str());
    assert_eq!(got, (status, Some(code), field), "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// An admin call for `sub` carrying `X-Request-Id`, which must be echoed.
async fn traced(s: &TestSandbox, method: Method, path: &str, sub: &str, rid: &str) -> Reply {
    let request = s.http.request(method.clone(), s.url(path));
    let mut request = request
        .bearer_auth(s.admin_token(sub))
        .header("x-request-id", rid);
    if method == Method::PATCH {
        request = request.json(&json!({ "price": eur("11.00") }));
    } else if method == Method::POST {
        request = request.json(&input("ADM-AUDIT-1", "10.00"));
    }
    let response = request.send().await.expect("request");
    let echoed = response.headers().get("x-request-id").cloned();
    assert_eq!(echoed.as_ref().map(|v| v.as_bytes()), Some(rid.as_bytes()));
    status_json(response).await
}

fn price_minor(s: &TestSandbox, sku: &str) -> i64 {
    s.count(&format!(
        "SELECT price_minor FROM products WHERE sku = '{sku}'"
    ))
}

/// Products whose SKU matches the SQL `LIKE` pattern.
fn skus_like(s: &TestSandbox, pattern: &str) -> i64 {
    s.count(&format!(
        "SELECT count(*) FROM products WHERE sku LIKE '{pattern}'"
    ))
}

/// Row counts of every table an admin write can touch.
fn tables(s: &TestSandbox) -> [i64; 4] {
    ["products", "categories", "audit_log", "basket_items"]
        .map(|t| s.count(&format!("SELECT count(*) FROM {t}")))
}

#[tokio::test]
async fn created_products_are_drafts_until_published() {
    let s = TestSandbox::start().await;
    let draft = create(&s, input("ADM-DRAFT-1", "19.90")).await;
    assert_eq!(draft["sku"], "ADM-DRAFT-1");
    assert_eq!(draft["published"], false);
    assert_eq!(draft["price"], eur("19.90"));
    assert_eq!(
        (&draft["stock"], &draft["in_stock"]),
        (&json!(5), &json!(true))
    );
    assert_eq!(draft["category"], "uncategorised");
    let title = "Test ADM-DRAFT-1";
    let titles = json!({ "en": title, "es": title, "fr": title });
    assert_eq!(draft["title"], titles);
    let id = draft["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("prd_"), "{id}");

    // Shoppers cannot see a draft, by SKU, id or handle; admins can.
    let handle = draft["handle"].as_str().expect("handle");
    for reference in ["ADM-DRAFT-1", id.as_str(), handle] {
        let reply = s.get(&format!("/v1/products/{reference}")).await;
        check(&reply, 404, "not_found", None);
    }
    assert_eq!(fetch(&s, "ADM-DRAFT-1").await, (200, draft.clone()));
    assert_eq!(fetch(&s, &id).await, (200, draft));

    let public = create(&s, published("ADM-PUB-1", "5.00")).await;
    assert_eq!(public["published"], true);
    assert_eq!(s.product("ADM-PUB-1").await, public);
}

#[tokio::test]
async fn invalid_products_are_refused_with_the_field_at_fault() {
    let s = TestSandbox::start().await;
    let base = || input("ADM-VAL-1", "12.00");
    let cases = [
        ("title", json!({ "en": "  ", "es": "" })),
        ("title", json!({})),
        ("price", eur("0")),
        ("price", eur("-3.00")),
        ("price", eur("1.999")),
        ("price", eur("twelve")),
        ("price", money("12.00", "EURO")),
        ("stock", json!(-1)),
        ("sku", json!("bad sku!")),
        ("sku", json!("-ADM")),
        ("sku", json!("X".repeat(65))),
        ("category", json!("Tote Bags")),
        ("handle", json!("Not A Slug")),
    ];
    for (field, value) in cases {
        let before = tables(&s);
        let reply = post(&s, with(base(), field, value.clone())).await;
        check(&reply, 400, "invalid_field", Some(field));
        assert_eq!(tables(&s), before, "{field} = {value} wrote something");
    }
    assert_eq!(skus_like(&s, "ADM-VAL-1"), 0);
    // The base input itself is fine: each case failed for its one change.
    create(&s, base()).await;
}

/// Errors found while reading the JSON (before validation) name the field too.
#[tokio::test]
async fn malformed_product_json_names_the_field() {
    let s = TestSandbox::start().await;
    let base = || input("ADM-JSON-1", "12.00");
    let mut no_title = base();
    no_title.as_object_mut().expect("object").remove("title");
    let cases = [
        ("title", no_title),
        ("colour", with(base(), "colour", json!("blue"))),
        ("stock", with(base(), "stock", json!("five"))),
        ("price", with(base(), "price", json!(12.5))),
        ("title", with(base(), "title", json!("Vase"))),
        ("published", with(base(), "published", json!("yes"))),
    ];
    let mut failures = Vec::new();
    for (field, body) in cases {
        let before = tables(&s);
        let (status, error) = post(&s, body).await;
        assert_eq!(status, 400, "{error}");
        assert_eq!(tables(&s), before, "{field}: wrote something");
        if error["field"] != field {
            failures.push(format!("expected field `{field}`, got {error}"));
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
        check(&post(&s, input(sku, "99.00")).await, 409, "sku_taken", None);
        assert_eq!(tables(&s), before);
    }
    assert_eq!(price_minor(&s, "ADM-TAKEN-1"), 1000);

    // Renaming another product onto the SKU is refused as well.
    create(&s, input("ADM-TAKEN-2", "10.00")).await;
    let rename = json!({ "sku": "ADM-TAKEN-1" });
    check(
        &patch(&s, "ADM-TAKEN-2", rename).await,
        409,
        "sku_taken",
        None,
    );
    assert_eq!(fetch(&s, "ADM-TAKEN-1").await.1["id"], first["id"]);
    assert_eq!(skus_like(&s, "ADM-TAKEN-2"), 1);
}

#[tokio::test]
async fn patch_changes_only_what_is_sent() {
    let s = TestSandbox::start().await;
    let title = json!({ "en": "Blue vase", "es": "Jarrón azul", "fr": "Vase bleu" });
    let original = json!({
        "sku": "ADM-PATCH-1", "title": title, "description": { "en": "Stoneware." },
        "price": eur("30.00"), "stock": 4, "category": "vases", "tags": ["blue", "vase"],
        "attributes": { "material": "ceramic", "colour": "blue" },
    });
    let original = create(&s, original).await;
    let sku = "ADM-PATCH-1";

    // Price only.
    let (status, after) = patch(&s, sku, json!({ "price": eur("35.5") })).await;
    assert_eq!(status, 200, "{after}");
    let mut expected = original.clone();
    expected["price"] = eur("35.50");
    expected["updated_at"] = after["updated_at"].clone();
    assert_eq!(after, expected);
    assert_eq!(price_minor(&s, sku), 3550);
    assert_eq!(fetch(&s, sku).await, (200, after));

    // One language of the title: the others stay.
    let spanish = json!({ "title": { "es": "Jarrón nuevo" } });
    let (status, after) = patch(&s, sku, spanish).await;
    assert_eq!(status, 200, "{after}");
    let title = json!({ "en": "Blue vase", "es": "Jarrón nuevo", "fr": "Vase bleu" });
    assert_eq!(after["title"], title);
    assert_eq!(after["price"], eur("35.50"));

    // Attributes merge; an empty value removes the key.
    let attributes = json!({ "attributes": { "colour": "", "size": "30 cm" } });
    let (status, after) = patch(&s, sku, attributes).await;
    assert_eq!(status, 200, "{after}");
    let merged = json!({ "material": "ceramic", "size": "30 cm" });
    assert_eq!(after["attributes"], merged);
    assert_eq!(after["tags"], json!(["blue", "vase"]));
    assert_eq!(after["stock"], 4);

    // An invalid patch changes nothing, and neither does one to the same values.
    let audit_rows = s.count("SELECT count(*) FROM audit_log");
    let invalid = json!({ "stock": -1, "price": eur("1.00") });
    check(
        &patch(&s, sku, invalid).await,
        400,
        "invalid_field",
        Some("stock"),
    );
    let same = json!({ "stock": 4, "title": { "fr": "Vase bleu" } });
    assert_eq!(patch(&s, sku, same).await, (200, after.clone()));
    assert_eq!(s.count("SELECT count(*) FROM audit_log"), audit_rows);
    assert_eq!(fetch(&s, sku).await, (200, after));
}

#[tokio::test]
async fn unknown_products_are_404() {
    let s = TestSandbox::start().await;
    let before = tables(&s);
    let path = format!("{PRODUCTS}/ADM-NOPE-1");
    let body = Some(json!({ "price": eur("1.00") }));
    for (method, body) in [
        (Method::PATCH, body),
        (Method::DELETE, None),
        (Method::GET, None),
    ] {
        check(&call(&s, method, &path, body).await, 404, "not_found", None);
    }
    assert_eq!(tables(&s), before);
}

#[tokio::test]
async fn delete_returns_the_product_and_empties_basket_lines() {
    let s = TestSandbox::start().await;
    let doomed = create(&s, published("ADM-DEL-1", "8.00")).await;
    let kept = create(&s, published("ADM-DEL-KEEP", "9.00")).await;
    let basket = s.new_basket().await;
    for product in [&doomed, &kept] {
        let line = json!({ "product_id": product["id"], "quantity": 2 });
        let (status, body) = s.post(&format!("/v1/baskets/{basket}/items"), line).await;
        assert_eq!(status, 200, "{body}");
    }

    let path = format!("{PRODUCTS}/ADM-DEL-1");
    assert_eq!(call(&s, Method::DELETE, &path, None).await, (200, doomed));
    assert_eq!(fetch(&s, "ADM-DEL-1").await.0, 404);
    assert_eq!(s.get("/v1/products/ADM-DEL-1").await.0, 404);
    let again = call(&s, Method::DELETE, &path, None).await;
    check(&again, 404, "not_found", None);
    assert_eq!(skus_like(&s, "ADM-DEL-1"), 0);

    let (_, basket) = s.get(&format!("/v1/baskets/{basket}")).await;
    let lines = basket["items"].as_array().expect("items");
    let skus: Vec<&str> = lines.iter().filter_map(|l| l["sku"].as_str()).collect();
    assert_eq!(skus, ["ADM-DEL-KEEP"], "{basket}");
    assert_eq!(basket["total"]["amount"], "18.00", "{basket}");
}

#[tokio::test]
async fn the_audit_log_names_account_subject_and_correlation_id() {
    let s = TestSandbox::start().await;
    let rids = [
        "0af7651916cd43dd8448eb211c80319c",
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7a3ce929d0e0e4736",
    ];
    let bob = "admin:bob@example.com";
    let (status, created) = traced(&s, Method::POST, PRODUCTS, ALICE, rids[0]).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("{PRODUCTS}/ADM-AUDIT-1");
    assert_eq!(traced(&s, Method::PATCH, &path, bob, rids[1]).await.0, 200);
    assert_eq!(
        traced(&s, Method::DELETE, &path, ALICE, rids[2]).await.0,
        200
    );
    // Refused and read-only requests leave no entry.
    let body = Some(input("ADM-AUDIT-2", "1.00"));
    assert_eq!(s.send(Method::POST, PRODUCTS, body, None).await.0, 401);
    assert_eq!(fetch(&s, "ADM-AUDIT-1").await.0, 404);

    let (status, entries) = audit(&s, 10).await;
    assert_eq!(status, 200, "{entries}");
    let entries = entries.as_array().expect("array").clone();
    assert_eq!(entries.len(), 3, "{entries:#?}");
    let sku = json!({ "sku": "ADM-AUDIT-1" });
    let expected = [
        ("product.delete", ALICE, rids[2], sku.clone()),
        (
            "product.update",
            bob,
            rids[1],
            json!({ "fields": ["price"] }),
        ),
        ("product.create", ALICE, rids[0], sku),
    ];
    for (entry, (action, sub, rid, details)) in entries.iter().zip(expected) {
        assert_eq!(entry["action"], action, "{entry}");
        assert_eq!(entry["actor"], s.account.id.as_str(), "{entry}");
        assert_eq!(entry["actor"], museo_sandbox::DEV_ACCOUNT_ID, "{entry}");
        assert_eq!(entry["on_behalf_of"], sub, "{entry}");
        assert_eq!(entry["correlation_id"], rid, "{entry}");
        assert_eq!(entry["target"], created["id"], "{entry}");
        assert_eq!(entry["details"], details, "{entry}");
    }
    assert_eq!(audit(&s, 1).await, (200, json!([entries[0]])));
    check(&audit(&s, 0).await, 400, "invalid_field", Some("limit"));
}

/// `sku:outcome` of every item, in order (`-` for no SKU).
fn outcomes(report: &Value) -> String {
    let results = report["results"].as_array().expect("results");
    let outcome = |r: &Value| {
        let sku = r["sku"].as_str().unwrap_or("-");
        format!("{sku}:{}", r["outcome"].as_str().expect("outcome"))
    };
    results.iter().map(outcome).collect::<Vec<_>>().join(" ")
}

/// `[created, updated, unchanged, failed]`.
fn counts(report: &Value) -> [i64; 4] {
    ["created", "updated", "unchanged", "failed"].map(|k| report[k].as_i64().expect("count"))
}

#[tokio::test]
async fn bulk_reports_each_item_and_writes_only_the_valid_ones() {
    let s = TestSandbox::start().await;
    let changed = create(&s, input("BULK-CHG", "10.00")).await;
    let same = create(&s, input("BULK-SAME", "20.00")).await;
    let title = json!({ "en": "Impostor" });
    let impostor = json!({ "sku": "bulk-new", "title": title, "price": eur("99.00") });
    let batch = json!({ "items": [
        input("BULK-NEW", "7.00"),
        input("BULK-CHG", "11.00"),
        input("BULK-SAME", "20.00"),
        input("BULK-BAD", "0.00"),
        impostor,
    ]});
    let (status, report) = bulk(&s, batch.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["dry_run"], false);
    assert_eq!(counts(&report), [1, 1, 1, 2], "{report}");
    let expected =
        "BULK-NEW:created BULK-CHG:updated BULK-SAME:unchanged BULK-BAD:failed bulk-new:failed";
    assert_eq!(outcomes(&report), expected);
    let results = report["results"].as_array().expect("results");
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["index"], i, "{r}");
        assert_eq!(r["id"].is_null(), i >= 3, "{r}");
        assert_eq!(r["error"].is_null(), i < 3, "{r}");
    }
    assert_eq!(results[1]["id"], changed["id"]);
    assert_eq!(results[2]["id"], same["id"]);
    let error = |i: usize| &results[i]["error"];
    assert_eq!(
        (&error(3)["code"], &error(3)["field"]),
        (&json!("invalid_field"), &json!("price"))
    );
    assert_eq!(error(4)["code"], "duplicate_in_request");

    // Valid items written, failed ones not; the duplicate did not overwrite.
    assert_eq!(skus_like(&s, "BULK-%"), 3);
    assert_eq!(skus_like(&s, "BULK-BAD"), 0);
    let new = fetch(&s, "BULK-NEW").await.1;
    assert_eq!(new["id"], results[0]["id"]);
    assert_eq!(new["title"]["en"], "Test BULK-NEW");
    let prices = ["BULK-NEW", "BULK-CHG", "BULK-SAME"].map(|sku| price_minor(&s, sku));
    assert_eq!(prices, [700, 1100, 2000]);
    assert_eq!(fetch(&s, "BULK-SAME").await.1, same);
    let (_, entries) = audit(&s, 1).await;
    let entry = &entries[0];
    assert_eq!(
        (&entry["action"], &entry["target"]),
        (&json!("products.bulk"), &json!("bulk"))
    );
    assert_eq!(entry["on_behalf_of"], ALICE);
    let details =
        json!({ "mode": "upsert", "created": 1, "updated": 1, "unchanged": 1, "failed": 2 });
    assert_eq!(entry["details"], details);

    // The same batch again: nothing new, nothing changed.
    let before = tables(&s);
    let changed_now = fetch(&s, "BULK-CHG").await.1;
    let (status, again) = bulk(&s, batch).await;
    assert_eq!((status, counts(&again)), (200, [0, 0, 3, 2]), "{again}");
    assert_eq!(again["results"][0]["id"], results[0]["id"]);
    assert_eq!(tables(&s)[..2], before[..2]);
    assert_eq!(fetch(&s, "BULK-CHG").await.1, changed_now);
}

#[tokio::test]
async fn bulk_create_mode_refuses_existing_skus() {
    let s = TestSandbox::start().await;
    create(&s, input("BULK-C-OLD", "10.00")).await;
    let title = json!({ "en": "Generated sku" });
    let generated = json!({ "title": title, "price": eur("3.00") });
    let items = [
        input("BULK-C-OLD", "9.00"),
        input("BULK-C-NEW", "5.00"),
        generated,
    ];
    let (status, report) = bulk(&s, json!({ "mode": "create", "items": items })).await;
    assert_eq!((status, counts(&report)), (200, [2, 0, 0, 1]), "{report}");
    let expected = "BULK-C-OLD:failed BULK-C-NEW:created -:created";
    assert_eq!(outcomes(&report), expected);
    assert_eq!(report["results"][0]["error"]["code"], "sku_taken");
    assert_eq!(price_minor(&s, "BULK-C-OLD"), 1000);
    let id = report["results"][2]["id"]
        .as_str()
        .expect("generated product id");
    let (status, product) = fetch(&s, id).await;
    let sku = product["sku"].as_str().unwrap_or_default();
    assert!(
        status == 200 && sku.starts_with("GENERATED-SKU-"),
        "{product}"
    );
}

#[tokio::test]
async fn bulk_upsert_items_need_a_sku() {
    let s = TestSandbox::start().await;
    let before = s.count("SELECT count(*) FROM products");
    let no_sku = json!({ "title": { "en": "No sku" }, "price": eur("3.00") });
    let blank_sku = with(no_sku.clone(), "sku", json!("   "));
    let items = [no_sku, blank_sku, input("BULK-U-OK", "4.00")];
    let (status, report) = bulk(&s, json!({ "items": items })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(outcomes(&report), "-:failed -:failed BULK-U-OK:created");
    for i in 0..2 {
        assert_eq!(report["results"][i]["error"]["field"], "sku", "{report}");
    }
    assert_eq!(s.count("SELECT count(*) FROM products"), before + 1);
}

/// An item that fails half-way through (a new category is already inserted
/// when the merged attributes turn out to be too many) leaves no trace.
#[tokio::test]
async fn a_bulk_item_failing_midway_leaves_no_trace() {
    let s = TestSandbox::start().await;
    let many = |prefix: &str| -> Value {
        let map: Map<String, Value> = (0..30)
            .map(|i| (format!("{prefix}{i}"), json!("v")))
            .collect();
        Value::Object(map)
    };
    let original = create(
        &s,
        with(input("BULK-M-1", "10.00"), "attributes", many("a")),
    )
    .await;
    let item = with(
        input("BULK-M-1", "11.00"),
        "category",
        json!("ghost-category"),
    );
    let item = with(item, "attributes", many("b"));
    let items = json!([item, input("BULK-M-2", "3.00")]);
    let (status, report) = bulk(&s, json!({ "items": items })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(outcomes(&report), "BULK-M-1:failed BULK-M-2:created");
    assert_eq!(
        report["results"][0]["error"]["field"], "attributes",
        "{report}"
    );
    let ghosts = "SELECT count(*) FROM categories WHERE slug = 'ghost-category'";
    assert_eq!(s.count(ghosts), 0);
    assert_eq!(fetch(&s, "BULK-M-1").await, (200, original.clone()));

    // The same change as a PATCH: refused whole.
    let change = json!({ "category": "ghost-category", "attributes": many("b") });
    let reply = patch(&s, "BULK-M-1", change).await;
    check(&reply, 400, "invalid_field", Some("attributes"));
    assert_eq!(s.count(ghosts), 0);
    assert_eq!(fetch(&s, "BULK-M-1").await, (200, original));
}

#[tokio::test]
async fn bulk_dry_run_reports_the_plan_and_writes_nothing() {
    let s = TestSandbox::start().await;
    let old = create(&s, input("BULK-D-OLD", "10.00")).await;
    let items = json!([
        with(
            input("BULK-D-NEW", "6.00"),
            "category",
            json!("dry-run-only")
        ),
        input("BULK-D-OLD", "12.00"),
        input("BULK-D-BAD", "0"),
    ]);
    let before = tables(&s);
    let (status, plan) = bulk(&s, json!({ "dry_run": true, "items": items })).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["dry_run"], true);
    assert_eq!(counts(&plan), [1, 1, 0, 1], "{plan}");
    let expected = "BULK-D-NEW:created BULK-D-OLD:updated BULK-D-BAD:failed";
    assert_eq!(outcomes(&plan), expected);
    assert_eq!(tables(&s), before, "a dry run wrote something");
    assert_eq!(skus_like(&s, "BULK-D-NEW"), 0);
    assert_eq!(fetch(&s, "BULK-D-OLD").await, (200, old));

    // The real run does what the dry run announced.
    let (status, done) = bulk(&s, json!({ "items": items })).await;
    assert_eq!((status, &done["dry_run"]), (200, &json!(false)), "{done}");
    assert_eq!(
        (counts(&done), outcomes(&done)),
        (counts(&plan), outcomes(&plan))
    );
    assert_eq!(price_minor(&s, "BULK-D-NEW"), 600);
    assert_eq!(price_minor(&s, "BULK-D-OLD"), 1200);
}

#[tokio::test]
async fn bulk_item_count_is_bounded() {
    let s = TestSandbox::start().await;
    let items = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| input(&format!("BULK-N-{i:04}"), "1.00"))
            .collect()
    };
    let before = tables(&s);
    let (status, plan) = bulk(&s, json!({ "dry_run": true, "items": items(1000) })).await;
    assert_eq!(
        (status, counts(&plan)),
        (200, [1000, 0, 0, 0]),
        "1000 items are allowed"
    );
    for n in [1001, 0] {
        let reply = bulk(&s, json!({ "items": items(n) })).await;
        check(&reply, 400, "invalid_field", Some("items"));
    }
    assert_eq!(
        bulk(&s, json!({ "mode": "upsert" })).await.0,
        400,
        "items are required"
    );
    assert_eq!(tables(&s), before);
}

/// A valid item of about 15 kB (three 5000-character descriptions).
fn heavy(sku: &str) -> Value {
    let text = "x".repeat(5000);
    let description = json!({ "en": text, "es": text, "fr": text });
    with(input(sku, "2.00"), "description", description)
}

#[tokio::test]
async fn bulk_bodies_may_exceed_64_kib_but_not_8_mib() {
    let s = TestSandbox::start().await;
    // ~1 MiB: well above the ordinary 64 KiB limit, fine for bulk.
    let items: Vec<Value> = (0..70)
        .map(|i| heavy(&format!("BULK-BIG-{i:03}")))
        .collect();
    let (status, report) = bulk(&s, json!({ "items": items })).await;
    assert_eq!((status, counts(&report)), (200, [70, 0, 0, 0]));

    // ~9 MB of valid items: refused whole, before anything is written.
    let items: Vec<Value> = (0..600)
        .map(|i| heavy(&format!("BULK-HUGE-{i:03}")))
        .collect();
    let body = serde_json::to_vec(&json!({ "items": items })).expect("serialise");
    assert!(body.len() > 8 * 1024 * 1024, "{}", body.len());
    let before = tables(&s);
    let request = s.http.post(s.url(BULK)).bearer_auth(s.admin_token(ALICE));
    let request = request
        .header("content-type", "application/json")
        .body(body);
    let response = request
        .send()
        .await
        .expect("a response, not a reset connection");
    let json_type = response.headers().get("content-type").cloned();
    let json_type = json_type.is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    let reply = status_json(response).await;
    check(&reply, 413, "body_too_large", None);
    assert!(json_type, "{}", reply.1);
    assert_eq!(tables(&s), before);
    assert_eq!(skus_like(&s, "BULK-HUGE-%"), 0);
}

#[tokio::test]
async fn oversized_bodies_name_the_limit() {
    let s = TestSandbox::start().await;
    // The single-product endpoint keeps the 64 KiB limit.
    let images = json!(["x".repeat(70 * 1024)]);
    let before = tables(&s);
    let reply = post(&s, with(input("ADM-BIG-1", "2.00"), "images", images)).await;
    check(&reply, 413, "body_too_large", None);
    assert_eq!(tables(&s), before);
    let message = reply.1["message"].as_str().expect("message");
    assert!(
        !message.contains(" 0 bytes"),
        "states a wrong limit: {message}"
    );
    let states_limit = message.contains("65536") || message.contains("64 KiB");
    assert!(
        states_limit,
        "the message should state the limit: {message}"
    );
}
