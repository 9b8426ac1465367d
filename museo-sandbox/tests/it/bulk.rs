//! Bulk upserts beyond the basics in `admin.rs`: the search index after a
//! batch creates, renames or merely reprices products, every outcome in one
//! batch, variants, dry runs, and what an `unchanged` item leaves untouched.

use serde_json::{Value, json};

use crate::admin::{ALICE, audit, bulk, counts, eur, fetch, outcomes, with};
use crate::common::{TestSandbox, skus};

/// A published product titled `title` in every language, with a handle that
/// shares no word with the title (the index holds handles too).
fn titled(sku: &str, title: &str, amount: &str) -> Value {
    let handle = sku.to_ascii_lowercase();
    let title = json!({ "en": title, "es": title, "fr": title });
    json!({ "sku": sku, "handle": handle, "title": title, "price": eur(amount), "stock": 3, "published": true })
}

/// SKUs a public search for one `word` finds.
async fn search(s: &TestSandbox, word: &str) -> Vec<String> {
    let (status, page) = s.get(&format!("/v1/products?q={word}&limit=100")).await;
    assert_eq!(status, 200, "{page}");
    let mut found = skus(&page);
    found.sort();
    found
}

/// A bulk request that must answer 200.
async fn upsert(s: &TestSandbox, body: Value) -> Value {
    let (status, report) = bulk(s, body).await;
    assert_eq!(status, 200, "{report}");
    report
}

/// Every row of `sql`, each as text, read straight from the SQLite file.
fn rows(s: &TestSandbox, sql: &str) -> Vec<String> {
    let path = s.sandbox.data_dir.join("museo.db");
    let conn = rusqlite::Connection::open(path).expect("open db");
    let mut stmt = conn.prepare(sql).expect("prepare");
    let columns = stmt.column_count();
    let rows = stmt.query_map([], |r| {
        let values = (0..columns)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(values.join("|"))
    });
    let rows = rows.expect("query").collect::<rusqlite::Result<_>>();
    rows.expect("rows")
}

#[tokio::test]
async fn renames_reach_the_search_index_and_old_titles_leave_it() {
    let s = TestSandbox::start().await;
    let items = [
        titled("IDX-A", "Quillwort teapot", "10.00"),
        titled("IDX-B", "Bramblewood stool", "20.00"),
        titled("IDX-C", "Xanthoria scarf", "30.00"),
    ];
    let report = upsert(&s, json!({ "items": items })).await;
    assert_eq!(counts(&report), [3, 0, 0, 0], "{report}");
    assert_eq!(search(&s, "quillwort").await, ["IDX-A"]);
    assert_eq!(search(&s, "bramblewood").await, ["IDX-B"]);

    // Newest first, so the index is written out of rowid order; B only
    // changes price, which leaves its index entry as it was.
    let items = [
        titled("IDX-D", "Zephyrine mug", "5.00"),
        titled("IDX-C", "Zephyrine scarf", "30.00"),
        titled("IDX-B", "Bramblewood stool", "25.00"),
        titled("IDX-A", "Larkspur teapot", "10.00"),
    ];
    let report = upsert(&s, json!({ "items": items })).await;
    let expected = "IDX-D:created IDX-C:updated IDX-B:updated IDX-A:updated";
    assert_eq!(outcomes(&report), expected);
    assert_eq!(search(&s, "quillwort").await, Vec::<String>::new());
    assert_eq!(search(&s, "xanthoria").await, Vec::<String>::new());
    assert_eq!(search(&s, "larkspur").await, ["IDX-A"]);
    assert_eq!(search(&s, "zephyrine").await, ["IDX-C", "IDX-D"]);
    assert_eq!(search(&s, "bramblewood").await, ["IDX-B"]);
    assert_eq!(search(&s, "teapot").await, ["IDX-A"]);
    let (_, b) = fetch(&s, "IDX-B").await;
    assert_eq!(b["price"], eur("25.00"), "{b}");

    // Tags, attributes and the category are indexed too.
    let retagged = with(
        titled("IDX-B", "Bramblewood stool", "25.00"),
        "tags",
        json!(["ochreous"]),
    );
    let retagged = with(retagged, "category", json!("garden-furniture"));
    let report = upsert(&s, json!({ "items": [retagged] })).await;
    assert_eq!(counts(&report), [0, 1, 0, 0], "{report}");
    assert_eq!(search(&s, "ochreous").await, ["IDX-B"]);
    assert_eq!(search(&s, "garden").await, ["IDX-B"]);
}

#[tokio::test]
async fn an_identical_reupsert_is_unchanged_and_writes_no_product_or_index_row() {
    let s = TestSandbox::start().await;
    let variants = json!([{ "sku": "SAME-3-S", "stock": 2 }, { "sku": "SAME-3-M", "stock": 4 }]);
    let items = json!([
        with(
            titled("SAME-1", "Ochre notebook", "4.50"),
            "tags",
            json!(["paper", "ochre"])
        ),
        with(
            titled("SAME-2", "Umber pencil", "1.20"),
            "attributes",
            json!({ "Colour": "umber" })
        ),
        with(
            titled("SAME-3", "Sienna apron", "18.00"),
            "variants",
            variants
        ),
    ]);
    let first = upsert(&s, json!({ "items": items })).await;
    assert_eq!(counts(&first), [3, 0, 0, 0], "{first}");
    let products = "SELECT * FROM products ORDER BY seq";
    let index = "SELECT * FROM products_fts_data ORDER BY id";
    let before = (rows(&s, products), rows(&s, index));

    let again = upsert(&s, json!({ "items": items })).await;
    assert_eq!(counts(&again), [0, 0, 3, 0], "{again}");
    assert_eq!(
        outcomes(&again),
        "SAME-1:unchanged SAME-2:unchanged SAME-3:unchanged"
    );
    for i in 0..3 {
        assert_eq!(again["results"][i]["id"], first["results"][i]["id"]);
        assert!(again["results"][i]["error"].is_null(), "{again}");
    }
    assert_eq!((rows(&s, products), rows(&s, index)), before);
    // The audit entry stays truthful: one per request, with its counts.
    let (_, entries) = audit(&s, 1).await;
    let details =
        json!({ "mode": "upsert", "created": 0, "updated": 0, "unchanged": 3, "failed": 0 });
    assert_eq!(entries[0]["details"], details);
    assert_eq!(entries[0]["on_behalf_of"], ALICE);
}

#[tokio::test]
async fn one_batch_reports_creates_updates_unchanged_and_failures_each_in_place() {
    let s = TestSandbox::start().await;
    let existing = [
        titled("MIX-UPD", "Cinnabar bowl", "10.00"),
        titled("MIX-SAME", "Verdigris bowl", "11.00"),
        titled("MIX-CASE", "Gamboge bowl", "12.00"),
        with(
            titled("MIX-HOLD", "Smalt bowl", "13.00"),
            "handle",
            json!("taken-handle"),
        ),
    ];
    let setup = upsert(&s, json!({ "items": existing })).await;
    assert_eq!(counts(&setup), [4, 0, 0, 0], "{setup}");
    let id = |sku: &str| {
        let results = setup["results"].as_array().expect("results");
        let found = results.iter().find(|r| r["sku"] == sku).expect("set up");
        found["id"].clone()
    };

    let items = json!([
        titled("MIX-NEW", "Cinnabar jug", "9.00"),
        titled("MIX-UPD", "Cinnabar bowl", "10.50"),
        titled("MIX-SAME", "Verdigris bowl", "11.00"),
        titled("MIX-BAD", "Broken", "0"),
        titled("mix-new", "Second occurrence", "9.00"),
        with(
            titled("MIX-STEAL", "Thief", "3.00"),
            "handle",
            json!("taken-handle")
        ),
        titled("mix-case", "Gamboge dish", "12.00"),
        titled("MIX-LAST", "Cinnabar cup", "8.00"),
    ]);
    let report = upsert(&s, json!({ "items": items })).await;
    let expected = "MIX-NEW:created MIX-UPD:updated MIX-SAME:unchanged MIX-BAD:failed \
                    mix-new:failed MIX-STEAL:failed mix-case:updated MIX-LAST:created";
    assert_eq!(outcomes(&report), expected);
    assert_eq!(counts(&report), [2, 2, 1, 3], "{report}");
    let results = report["results"].as_array().expect("results");
    let code = |i: usize| {
        results[i]["error"]["code"]
            .as_str()
            .unwrap_or("-")
            .to_owned()
    };
    let codes: Vec<String> = (0..results.len()).map(code).collect();
    let failed = ["invalid_field", "duplicate_in_request", "handle_taken"];
    assert_eq!(codes[3..6], failed);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["index"], i, "{r}");
        assert_eq!(r["id"].is_null(), (3..6).contains(&i), "{r}");
    }
    assert_eq!(results[1]["id"], id("MIX-UPD"));
    assert_eq!(results[2]["id"], id("MIX-SAME"));
    // Matched case-insensitively; the stored SKU stays as it was.
    assert_eq!(results[6]["id"], id("MIX-CASE"));
    let (_, case) = fetch(&s, "MIX-CASE").await;
    assert_eq!(
        (&case["sku"], &case["title"]["en"]),
        (&json!("MIX-CASE"), &json!("Gamboge dish"))
    );

    // Failed items left nothing; the handle still belongs to its holder.
    for sku in ["MIX-BAD", "MIX-STEAL"] {
        assert_eq!(fetch(&s, sku).await.0, 404, "{sku}");
    }
    let (_, holder) = fetch(&s, "taken-handle").await;
    assert_eq!(holder["sku"], "MIX-HOLD");
    let (_, new) = fetch(&s, "MIX-NEW").await;
    assert_eq!(
        new["title"]["en"], "Cinnabar jug",
        "the duplicate overwrote it"
    );
    assert_eq!(
        search(&s, "cinnabar").await,
        ["MIX-LAST", "MIX-NEW", "MIX-UPD"]
    );
    assert_eq!(search(&s, "gamboge").await, ["MIX-CASE"]);
    let (_, entries) = audit(&s, 1).await;
    let details =
        json!({ "mode": "upsert", "created": 2, "updated": 2, "unchanged": 1, "failed": 3 });
    assert_eq!(entries[0]["details"], details);
}

#[tokio::test]
async fn variants_set_the_stock_and_replace_only_when_sent() {
    let s = TestSandbox::start().await;
    let two = json!([
        { "sku": "VAR-1-S", "title": { "en": "Small" }, "stock": 2 },
        { "sku": "VAR-1-M", "title": { "en": "Medium" }, "stock": 5 },
    ]);
    let item = with(
        titled("VAR-1", "Russet apron", "20.00"),
        "variants",
        two.clone(),
    );
    let item = with(item, "stock", json!(100));
    let report = upsert(&s, json!({ "items": [item.clone()] })).await;
    assert_eq!(counts(&report), [1, 0, 0, 0], "{report}");
    let (_, product) = fetch(&s, "VAR-1").await;
    assert_eq!(product["stock"], 7, "stock is the sum of the variants'");
    assert_eq!(product["variants"][1]["sku"], "VAR-1-M");

    let report = upsert(&s, json!({ "items": [item] })).await;
    assert_eq!(counts(&report), [0, 0, 1, 0], "{report}");

    let fewer = json!([{ "sku": "VAR-1-M", "title": { "en": "Medium" }, "stock": 1 }]);
    let item = with(titled("VAR-1", "Russet apron", "20.00"), "variants", fewer);
    let report = upsert(&s, json!({ "items": [item] })).await;
    assert_eq!(counts(&report), [0, 1, 0, 0], "{report}");
    let (_, product) = fetch(&s, "VAR-1").await;
    assert_eq!(
        (
            &product["stock"],
            product["variants"].as_array().map(Vec::len)
        ),
        (&json!(1), Some(1))
    );

    // Without variants the item keeps them; a stock of its own is refused.
    let plain = titled("VAR-1", "Russet apron", "20.00");
    let report = upsert(&s, json!({ "items": [plain.clone()] })).await;
    assert_eq!(counts(&report), [0, 0, 1, 0], "{report}");
    let report = upsert(&s, json!({ "items": [with(plain, "stock", json!(9))] })).await;
    assert_eq!(counts(&report), [0, 0, 0, 1], "{report}");
    assert_eq!(report["results"][0]["error"]["field"], "stock", "{report}");
    assert_eq!(fetch(&s, "VAR-1").await.1, product);
}

#[tokio::test]
async fn a_dry_run_leaves_the_search_index_as_it_was() {
    let s = TestSandbox::start().await;
    upsert(
        &s,
        json!({ "items": [titled("DRY-IDX", "Saffron lantern", "7.00")] }),
    )
    .await;
    let items = [
        titled("DRY-IDX", "Heliotrope lantern", "7.00"),
        titled("DRY-NEW", "Heliotrope kite", "6.00"),
    ];
    let plan = upsert(&s, json!({ "dry_run": true, "items": items })).await;
    assert_eq!(outcomes(&plan), "DRY-IDX:updated DRY-NEW:created");
    assert_eq!(search(&s, "heliotrope").await, Vec::<String>::new());
    assert_eq!(search(&s, "saffron").await, ["DRY-IDX"]);

    let done = upsert(&s, json!({ "items": items })).await;
    assert_eq!(outcomes(&done), outcomes(&plan));
    assert_eq!(search(&s, "heliotrope").await, ["DRY-IDX", "DRY-NEW"]);
    assert_eq!(search(&s, "saffron").await, Vec::<String>::new());
}
