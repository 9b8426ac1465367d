//! Chat follow-ups resolved from the conversation, in en/es/fr: "the second
//! one" after a search, "add two of those", the basket and its total,
//! "remove one", a product named but never shown, money in each locale's
//! format; and an admin's delete by chat, which waits for a yes.

use anyhow::{Context as _, ensure};
use mcp_gateway::reply::{Phrase, phrase, title_of};
use museo_sdk::locale::format_money;
use museo_sdk::types::Money;
use serde_json::{Value, json};

use crate::support::{Ws, gateway, gateway_with_keys};

const ADMIN_KEY: &str = "followups-admin-key";
const CUSTOMER_KEY: &str = "followups-customer-key";

/// message → reply (never an error frame).
async fn chat(ws: &mut Ws, id: &str, text: &str) -> anyhow::Result<Value> {
    let reply = ws.say(id, text).await?;
    ensure!(
        reply["type"] == "reply" && reply["id"] == id,
        "{text:?}: {reply}"
    );
    Ok(reply)
}

/// `{ amount, currency }` in minor units.
fn minor(money: &Value) -> anyhow::Result<i64> {
    let amount = money["amount"].as_str().context("amount")?;
    let currency = money["currency"].as_str().context("currency")?;
    Ok(Money::parse(amount, currency)?.to_minor()?.0)
}

/// The products a search reply showed, checked to be at least two.
fn shown(reply: &Value) -> anyhow::Result<Vec<Value>> {
    ensure!(reply["intent"] == "product.search", "{reply}");
    let products = reply["data"]["products"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    ensure!(products.len() >= 2, "a search showing two or more: {reply}");
    Ok(products)
}

/// The basket's only line.
fn only_line(reply: &Value) -> anyhow::Result<&Value> {
    let items = reply["data"]["items"].as_array().context("items")?;
    ensure!(items.len() == 1, "one line: {reply}");
    Ok(&items[0])
}

/// Whether `sku` can still be read from the storefront.
async fn exists(ws: &mut Ws, sku: &str) -> anyhow::Result<bool> {
    let got = ws
        .call(
            "exists",
            "mcp-storefront",
            "get_product",
            json!({ "product_id": sku }),
        )
        .await?;
    ensure!(got["type"] == "result", "{got}");
    Ok(got["is_error"] == false && got["structured"]["sku"] == sku)
}

/// Each language's wording of the same conversation.
struct Turns {
    locale: &'static str,
    search: &'static str,
    second: &'static str,
    add_two: &'static str,
    view: &'static str,
    remove_one: &'static str,
}

const TURNS: [Turns; 3] = [
    Turns {
        locale: "en-IE",
        search: "mugs",
        second: "is the second one dishwasher safe?",
        add_two: "add two of those",
        view: "show my basket",
        remove_one: "remove one",
    },
    Turns {
        locale: "es-ES",
        search: "tazas",
        second: "¿la segunda va al lavavajillas?",
        add_two: "añade dos",
        view: "ver mi cesta",
        remove_one: "quita 1 de la cesta",
    },
    Turns {
        locale: "fr-FR",
        search: "mugs",
        second: "le deuxième passe au lave-vaisselle ?",
        add_two: "ajoute-en deux",
        view: "mon panier",
        remove_one: "enlève 1 du panier",
    },
];

#[tokio::test]
async fn follow_ups_resolve_against_the_products_shown_in_three_languages() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway(dir.path(), true, &[]).await?;
    for turns in TURNS {
        let locale = turns.locale;
        let mut ws = Ws::connect(&gw.url).await?;
        let welcome = ws.hello(json!({ "locale": locale })).await?;
        ensure!(welcome["locale"] == locale, "{welcome}");

        let found = chat(&mut ws, "1", turns.search).await?;
        let products = shown(&found)?;
        let ids: Vec<&str> = products.iter().filter_map(|p| p["id"].as_str()).collect();

        // "The second one" is the second product shown.
        let answer = chat(&mut ws, "2", turns.second).await?;
        ensure!(
            answer["intent"] == "product.question"
                && answer["data"]["product_id"] == products[1]["id"],
            "{locale}: about {} — {answer}",
            products[1]["id"]
        );
        ensure!(
            answer["text"]
                .as_str()
                .is_some_and(|t| !t.trim().is_empty()),
            "{answer}"
        );

        // "Two of those": a line of 2 for a product that was shown.
        let added = chat(&mut ws, "3", turns.add_two).await?;
        ensure!(added["intent"] == "basket.add", "{locale}: {added}");
        let line = only_line(&added)?;
        ensure!(line["quantity"] == 2, "{locale}: {added}");
        let product = line["product_id"].as_str().context("product_id")?;
        ensure!(
            ids.contains(&product),
            "{locale}: added {product}, not one of {ids:?}"
        );

        // The basket: total = 2 × unit price, written for the locale.
        let basket = chat(&mut ws, "4", turns.view).await?;
        ensure!(basket["intent"] == "basket.view", "{locale}: {basket}");
        let line = only_line(&basket)?;
        ensure!(
            line["quantity"] == 2 && line["product_id"] == product,
            "{basket}"
        );
        let unit = minor(&line["unit_price"])?;
        ensure!(
            minor(&basket["data"]["total"])? == 2 * unit && minor(&line["line_total"])? == 2 * unit,
            "{locale}: total is not 2 × {unit}: {basket}"
        );
        let total = &basket["data"]["total"];
        let written = format_money(
            total["amount"].as_str().context("amount")?,
            total["currency"].as_str().context("currency")?,
            locale,
        );
        ensure!(
            basket["text"]
                .as_str()
                .is_some_and(|t| t.contains(&written)),
            "{locale}: {written:?} not in {basket}"
        );

        // "Remove one": one left, so the line's quantity changed.
        let removed = chat(&mut ws, "5", turns.remove_one).await?;
        ensure!(removed["intent"] == "basket.update", "{locale}: {removed}");
        let line = only_line(&removed)?;
        ensure!(
            line["quantity"] == 1 && line["product_id"] == product,
            "{locale}: {removed}"
        );
        ensure!(
            minor(&removed["data"]["total"])? == unit,
            "{locale}: {removed}"
        );
    }
    gw.shutdown().await
}

#[tokio::test]
async fn add_two_of_those_after_asking_about_the_second_adds_the_second() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway(dir.path(), true, &[]).await?;
    let mut wrong = Vec::new();
    for turns in TURNS {
        let mut ws = Ws::connect(&gw.url).await?;
        ws.hello(json!({ "locale": turns.locale })).await?;
        let products = shown(&chat(&mut ws, "1", turns.search).await?)?;
        let answer = chat(&mut ws, "2", turns.second).await?;
        ensure!(
            answer["data"]["product_id"] == products[1]["id"],
            "{answer}"
        );
        let added = chat(&mut ws, "3", turns.add_two).await?;
        let line = only_line(&added)?;
        if line["quantity"] != 2 || line["product_id"] != products[1]["id"] {
            wrong.push(format!(
                "{}: the product in focus is {} ({}), added {} × {} ({})",
                turns.locale,
                products[1]["id"],
                products[1]["title"],
                line["quantity"],
                line["product_id"],
                line["title"]
            ));
        }
    }
    ensure!(wrong.is_empty(), "{}", wrong.join("\n"));
    gw.shutdown().await
}

#[tokio::test]

async fn remove_one_in_words_removes_one_unit_in_spanish_and_french() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway(dir.path(), true, &[]).await?;
    let mut wrong = Vec::new();
    for (locale, search, add, remove) in [
        ("en-GB", "mugs", "add two of those", "remove one"),
        ("es-ES", "tazas", "añade dos", "quita una de la cesta"),
        ("es-ES", "tazas", "añade dos", "quita una"),
        ("es-ES", "tazas", "añade dos", "quita uno"),
        ("fr-FR", "mugs", "ajoute-en deux", "enlève-en un du panier"),
        ("fr-FR", "mugs", "ajoute-en deux", "enlève-en un"),
    ] {
        let mut ws = Ws::connect(&gw.url).await?;
        ws.hello(json!({ "locale": locale })).await?;
        shown(&chat(&mut ws, "1", search).await?)?;
        let mut added = chat(&mut ws, "2", add).await?;
        // "Two of those" after a list of several: asked which, then picked.
        if added["data"]["question"].is_object() {
            added = chat(&mut ws, "2b", "1").await?;
        }
        ensure!(only_line(&added)?["quantity"] == 2, "{added}");
        let removed = chat(&mut ws, "3", remove).await?;
        // (One of two taken out leaves the line: `basket.update`.)
        if removed["intent"] != "basket.update" || removed["data"]["items"][0]["quantity"] != 1 {
            wrong.push(format!(
                "{locale} {remove:?}: intent {}, items {}",
                removed["intent"], removed["data"]["items"]
            ));
        }
    }
    ensure!(
        wrong.is_empty(),
        "one of two should be left:\n{}",
        wrong.join("\n")
    );
    gw.shutdown().await
}

/// Whether `title` carries one of `words` (lowercase).
fn names_one_of(title: &str, words: &[&str]) -> bool {
    let title = title.to_lowercase();
    words.iter().any(|w| title.contains(w))
}

#[tokio::test]
async fn a_product_named_but_not_shown_is_searched_for_and_never_guessed() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway(dir.path(), true, &[]).await?;
    for (locale, ask, words) in [
        ("en-GB", "add the Great Wave print", &["great wave"][..]),
        ("es-ES", "añade la lámina de La gran ola", &["gran ola"][..]),
        (
            "fr-FR",
            "ajoute l'affiche de la Grande Vague",
            &["grande vague"][..],
        ),
    ] {
        let mut ws = Ws::connect(&gw.url).await?;
        ws.hello(json!({ "locale": locale })).await?;
        let products = shown(&chat(&mut ws, "1", "mugs").await?)?;
        ensure!(
            !products
                .iter()
                .any(|p| names_one_of(p["title"].as_str().unwrap_or_default(), words)),
            "{locale}: the product was shown already: {products:?}"
        );
        let reply = chat(&mut ws, "2", ask).await?;
        ensure!(reply["intent"] == "basket.add", "{locale}: {reply}");
        if let Some(items) = reply["data"]["items"].as_array() {
            // Added: only what was asked for.
            ensure!(!items.is_empty(), "{reply}");
            for item in items {
                let title = item["title"].as_str().unwrap_or_default();
                ensure!(
                    names_one_of(title, words),
                    "{locale}: {ask:?} added {title:?}"
                );
            }
        } else {
            // Not sure: candidates and a question, nothing added.
            let candidates = reply["data"]["products"].as_array().context("candidates")?;
            ensure!(
                candidates
                    .iter()
                    .all(|p| names_one_of(p["title"].as_str().unwrap_or_default(), words)),
                "{locale}: {reply}"
            );
            ensure!(
                reply["data"]["question"].is_object()
                    && reply["text"].as_str().is_some_and(|t| t.contains('?')),
                "{reply}"
            );
        }
    }

    // A name nothing matches adds nothing.
    let mut ws = Ws::connect(&gw.url).await?;
    ws.hello(json!({ "locale": "en-GB" })).await?;
    shown(&chat(&mut ws, "1", "mugs").await?)?;
    let reply = chat(&mut ws, "2", "add the Zorblax Quindle").await?;
    ensure!(
        reply["data"]["items"].as_array().is_none_or(Vec::is_empty),
        "{reply}"
    );
    let basket = chat(&mut ws, "3", "show my basket").await?;
    ensure!(
        basket["data"]["items"].as_array().is_none_or(Vec::is_empty),
        "{basket}"
    );
    gw.shutdown().await
}

#[tokio::test]
async fn a_name_matching_only_a_generic_word_adds_nothing_without_asking() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway(dir.path(), true, &[]).await?;
    let mut ws = Ws::connect(&gw.url).await?;
    ws.hello(json!({ "locale": "en-GB" })).await?;
    shown(&chat(&mut ws, "1", "mugs").await?)?;
    let reply = chat(&mut ws, "2", "add the Zorblax Quindle figurine").await?;
    for item in reply["data"]["items"].as_array().into_iter().flatten() {
        let title = item["title"].as_str().unwrap_or_default();
        ensure!(
            names_one_of(title, &["zorblax", "quindle"]),
            "added {title:?} for the Zorblax Quindle figurine"
        );
    }
    gw.shutdown().await
}

#[tokio::test]
async fn money_in_replies_is_written_for_the_locale() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway(dir.path(), true, &[]).await?;
    for locale in ["fr-FR", "en-IE", "en-US", "es-ES", "en-GB"] {
        let mut ws = Ws::connect(&gw.url).await?;
        let welcome = ws
            .hello(json!({ "locale": locale, "channel": "cli" }))
            .await?;
        ensure!(welcome["locale"] == locale, "{welcome}");
        let found = chat(&mut ws, "1", "mugs").await?;
        let products = shown(&found)?;
        let text = found["text"].as_str().unwrap_or_default();
        for product in &products {
            let amount = product["price"]["amount"].as_str().context("amount")?;
            let currency = product["price"]["currency"].as_str().context("currency")?;
            let written = format_money(amount, currency, locale);
            ensure!(
                text.contains(&written),
                "{locale}: {written:?} not in {text}"
            );
            // The shapes the contract names, checked on the reply itself.
            if currency == "EUR" {
                let shape = match locale {
                    "fr-FR" | "es-ES" => format!("{}\u{a0}€", amount.replace('.', ",")),
                    _ => format!("€{amount}"),
                };
                ensure!(text.contains(&shape), "{locale}: {shape:?} not in {text}");
            }
        }
        // Only a dollar price may be written with a dollar sign.
        if products.iter().all(|p| p["price"]["currency"] != "USD") {
            ensure!(!text.contains('$'), "{locale}: {text}");
        }
    }
    gw.shutdown().await
}

/// One language's wording of the delete conversation.
struct Delete {
    locale: &'static str,
    ask: &'static str,
    no: &'static str,
    yes: &'static str,
    sku: &'static str,
}

const DELETES: [Delete; 3] = [
    Delete {
        locale: "en",
        ask: "delete MUG-NYMPH-01",
        no: "no",
        yes: "yes",
        sku: "MUG-NYMPH-01",
    },
    Delete {
        locale: "es-ES",
        ask: "elimina MUG-WAVE-01",
        no: "no",
        yes: "sí",
        sku: "MUG-WAVE-01",
    },
    Delete {
        locale: "fr-FR",
        ask: "supprime MUG-STARRY-01",
        no: "non",
        yes: "oui",
        sku: "MUG-STARRY-01",
    },
];

#[tokio::test]
async fn an_admin_deletes_by_chat_only_after_saying_yes() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway_with_keys(dir.path(), ADMIN_KEY, CUSTOMER_KEY).await?;
    for delete in DELETES {
        let Delete {
            locale,
            ask,
            no,
            yes,
            sku,
        } = delete;
        let mut ws = Ws::connect(&gw.url).await?;
        let welcome = ws
            .hello(json!({ "token": ADMIN_KEY, "locale": locale }))
            .await?;
        ensure!(welcome["role"] == "admin", "{welcome}");

        // A question naming the product; nothing deleted yet.
        let question = chat(&mut ws, "1", ask).await?;
        ensure!(
            question["intent"] == "admin.product.delete" && question["data"]["sku"] == sku,
            "{locale}: {question}"
        );
        let title = title_of(&question["data"], locale);
        ensure!(
            question["text"]
                .as_str()
                .is_some_and(|t| t.contains(&title)),
            "{locale}: the question names {title:?}: {question}"
        );
        ensure!(exists(&mut ws, sku).await?, "{sku} deleted before any yes");

        // No: cancelled, still there.
        let cancelled = chat(&mut ws, "2", no).await?;
        ensure!(
            cancelled["intent"] == "admin.product.delete"
                && cancelled["text"] == phrase(Phrase::Cancelled, locale)
                && cancelled.get("data").is_none_or(Value::is_null),
            "{locale}: {cancelled}"
        );
        ensure!(exists(&mut ws, sku).await?, "{sku} deleted after no");
        // A yes now confirms nothing: the question was answered.
        let stray = chat(&mut ws, "3", yes).await?;
        ensure!(
            !stray["intent"]
                .as_str()
                .unwrap_or_default()
                .starts_with("admin."),
            "{locale}: {stray}"
        );
        ensure!(exists(&mut ws, sku).await?, "{sku} deleted by a stray yes");

        // Asked again, then yes: deleted.
        let question = chat(&mut ws, "4", ask).await?;
        ensure!(
            question["intent"] == "admin.product.delete" && question["data"]["sku"] == sku,
            "{locale}: {question}"
        );
        let deleted = chat(&mut ws, "5", yes).await?;
        ensure!(
            deleted["intent"] == "admin.product.delete" && deleted["data"]["deleted"] == true,
            "{locale}: {deleted}"
        );
        ensure!(!exists(&mut ws, sku).await?, "{sku} still there after yes");
    }
    gw.shutdown().await
}

#[tokio::test]
async fn the_deletion_reply_names_the_product_as_the_question_did() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway_with_keys(dir.path(), ADMIN_KEY, CUSTOMER_KEY).await?;
    for delete in DELETES {
        let mut ws = Ws::connect(&gw.url).await?;
        ws.hello(json!({ "token": ADMIN_KEY, "locale": delete.locale }))
            .await?;
        let question = chat(&mut ws, "1", delete.ask).await?;
        let title = title_of(&question["data"], delete.locale);
        let deleted = chat(&mut ws, "2", delete.yes).await?;
        ensure!(
            deleted["data"]["deleted"] == true
                && deleted["text"].as_str().is_some_and(|t| t.contains(&title)),
            "{}: the question said {title:?}, the answer {}",
            delete.locale,
            deleted["text"]
        );
    }
    gw.shutdown().await
}

#[tokio::test]
async fn a_yes_with_nothing_pending_is_never_an_admin_action() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway_with_keys(dir.path(), ADMIN_KEY, CUSTOMER_KEY).await?;
    let sku = "MUG-NYMPH-01";
    let no_admin_action = |reply: &Value| {
        !reply["intent"]
            .as_str()
            .unwrap_or_default()
            .starts_with("admin.")
            || reply.get("data").is_none_or(Value::is_null)
    };

    // A customer: yes out of the blue, and yes after an admin request.
    let mut customer = Ws::connect(&gw.url).await?;
    customer.hello(json!({ "token": CUSTOMER_KEY })).await?;
    for (id, text) in [("1", "yes"), ("2", "sí"), ("3", "oui"), ("4", "confirm")] {
        let reply = chat(&mut customer, id, text).await?;
        ensure!(no_admin_action(&reply), "{text}: {reply}");
    }
    let refused = chat(&mut customer, "5", &format!("delete {sku}")).await?;
    ensure!(
        refused["text"] == phrase(Phrase::AdminOnly, "en")
            && refused.get("data").is_none_or(Value::is_null),
        "{refused}"
    );
    let reply = chat(&mut customer, "6", "yes").await?;
    ensure!(no_admin_action(&reply), "{reply}");
    ensure!(
        exists(&mut customer, sku).await?,
        "{sku} deleted by a customer"
    );

    // An admin's open question is the admin's: another session's yes does
    // nothing, nor does a customer resuming the admin's session.
    let mut admin = Ws::connect(&gw.url).await?;
    let welcome = admin.hello(json!({ "token": ADMIN_KEY })).await?;
    let admin_session = welcome["session"].as_str().context("session")?.to_owned();
    let question = chat(&mut admin, "1", &format!("delete {sku}")).await?;
    ensure!(question["intent"] == "admin.product.delete", "{question}");
    let reply = chat(&mut customer, "7", "yes").await?;
    ensure!(no_admin_action(&reply), "{reply}");
    let mut intruder = Ws::connect(&gw.url).await?;
    let resumed = intruder
        .hello(json!({ "session": admin_session, "token": CUSTOMER_KEY }))
        .await?;
    ensure!(
        resumed["role"] == "customer" && resumed["session"] != admin_session.as_str(),
        "a customer resumed the admin's session: {resumed}"
    );
    let reply = chat(&mut intruder, "1", "yes").await?;
    ensure!(no_admin_action(&reply), "{reply}");
    ensure!(
        exists(&mut admin, sku).await?,
        "{sku} deleted by another session"
    );

    // An admin who changes the subject drops the question.
    let other = chat(&mut admin, "2", "show me mugs").await?;
    ensure!(other["intent"] == "product.search", "{other}");
    let reply = chat(&mut admin, "3", "yes").await?;
    ensure!(no_admin_action(&reply), "{reply}");
    ensure!(
        exists(&mut admin, sku).await?,
        "{sku} deleted by a yes after another topic"
    );
    gw.shutdown().await
}
