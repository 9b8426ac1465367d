//! The replies, checked as exact strings: CLDR money and dates per locale,
//! plurals, each channel's formatting, missing fields and hostile titles;
//! and the three `.ftl` files kept in step.

use std::collections::{BTreeMap, BTreeSet};

use fluent_bundle::{FluentArgs, FluentValue};
use fluent_syntax::ast;
use museo_sdk::types::Lang;
use serde_json::{Value, json};

use super::l10n::{bundle_for, source};
use super::*;

/// No-break space (between a number and a trailing currency symbol).
const NBSP: char = '\u{a0}';

fn card(title: &str, amount: &str, currency: &str, in_stock: bool) -> Value {
    json!({
        "id": format!("prd_{}", title.len()),
        "sku": "SKU-1",
        "title": title,
        // Deliberately wrong for every locale: it must never be shown
        // when the amount and currency are there.
        "price": { "amount": amount, "currency": currency, "display": format!("{amount} {currency}") },
        "in_stock": in_stock,
        "url": "https://shop.example/p/1",
    })
}

// ---- the .ftl files ----

/// Every message id of a file with the variables its patterns use.
fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let resource = match fluent_syntax::parser::parse(source(lang)) {
        Ok(resource) => resource,
        Err((_, errors)) => panic!("{}/gateway.ftl does not parse: {errors:?}", lang.code()),
    };
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            ast::Entry::Message(message) => {
                let mut vars = BTreeSet::new();
                if let Some(pattern) = &message.value {
                    pattern_vars(pattern, &mut vars);
                }
                let id = message.id.name.to_owned();
                assert!(
                    out.insert(id.clone(), vars).is_none(),
                    "{id} twice in {}",
                    lang.code()
                );
            }
            ast::Entry::Junk { content } => panic!("junk in {}: {content}", lang.code()),
            _ => {}
        }
    }
    out
}

fn pattern_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for variant in variants {
                pattern_vars(&variant.value, vars);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(inline, vars),
    }
}

fn inline_vars(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

/// Sample values for each variable, covering every selector's variants.
fn samples(name: &str) -> Vec<FluentValue<'static>> {
    let numbers = || [0, 1, 2, 5, 21, 1000].map(FluentValue::from).to_vec();
    let strings = |values: &[&str]| -> Vec<FluentValue<'static>> {
        values
            .iter()
            .map(|v| FluentValue::from(v.to_string()))
            .collect()
    };
    match name {
        "count" | "quantity" | "created" | "updated" | "unchanged" | "failed" | "row" | "rows" => {
            numbers()
        }
        "state" => strings(&["published", "draft"]),
        "channel" => strings(&["email", "sms", "whatsapp"]),
        "status" => strings(&[
            "queued",
            "accepted",
            "sending",
            "sent",
            "delivered",
            "read",
            "failed",
            "undelivered",
            "unknown",
            "something-new",
        ]),
        _ => strings(&["**Mug** (MUG-1)", "€49.90"]),
    }
}

#[test]
fn every_message_is_in_every_language_and_formats_cleanly() {
    let english = messages(Lang::En);
    for phrase in Phrase::ALL {
        assert!(english.contains_key(phrase.id()), "{phrase:?}");
    }
    for lang in Lang::ALL {
        let these = messages(lang);
        let ids: BTreeSet<_> = these.keys().collect();
        assert_eq!(
            ids,
            english.keys().collect(),
            "{} has other ids than en",
            lang.code()
        );
        let bundle = bundle_for(lang);
        for (id, vars) in &these {
            assert_eq!(
                vars,
                &english[id],
                "{id}: other variables in {}",
                lang.code()
            );
            let pattern = bundle
                .get_message(id)
                .and_then(|m| m.value())
                .unwrap_or_else(|| panic!("{id} has no value in {}", lang.code()));
            let values: Vec<_> = vars.iter().map(|v| (v.as_str(), samples(v))).collect();
            let rounds = values.iter().map(|(_, v)| v.len()).max().unwrap_or(1);
            for round in 0..rounds {
                let mut args = FluentArgs::new();
                for (name, options) in &values {
                    args.set(*name, options[round % options.len()].clone());
                }
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{id} in {}: {errors:?}", lang.code());
                assert!(!text.trim().is_empty(), "{id} in {} is empty", lang.code());
                assert!(
                    !text.contains(['{', '}', '\u{2068}', '\u{2069}']),
                    "{id} in {}: {text}",
                    lang.code()
                );
            }
        }
    }
}

#[test]
fn phrases_follow_the_language_of_the_tag() {
    assert_eq!(
        phrase(Phrase::WhichFile, "fr-CA"),
        "Quel fichier ? Donnez son chemin sur le serveur."
    );
    assert_eq!(phrase(Phrase::NoBasket, "es-MX"), "Tu cesta está vacía.");
    assert_eq!(
        phrase(Phrase::NeedEmail, "en-IE"),
        "Who should I send it to? Give me their e-mail address."
    );
    // Another language falls back to English.
    assert_eq!(
        phrase(Phrase::Forbidden, "de-DE"),
        "This session is not allowed to do that."
    );
    assert_eq!(
        confirm_delete("Tasse\n  Nymphéas", "es"),
        "¿Eliminar Tasse Nymphéas definitivamente? No se puede deshacer. Responde \"sí\" para eliminarlo o \"no\" para conservarlo."
    );
    assert_eq!(
        confirm_delete("", "fr-FR"),
        "Supprimer définitivement (produit sans titre) ? C'est irréversible. Répondez « oui » pour le supprimer ou « non » pour le garder."
    );
}

#[test]
fn channels_come_from_the_hello_frame() {
    assert_eq!(Channel::from_name(Some("mobile")), Channel::Mobile);
    assert_eq!(Channel::from_name(Some("WhatsApp")), Channel::WhatsApp);
    assert_eq!(Channel::from_name(Some("cli")), Channel::Plain);
    assert_eq!(Channel::from_name(Some("web")), Channel::Web);
    assert_eq!(Channel::from_name(None), Channel::Web);
}

// ---- money, plurals, channels ----

#[test]
fn french_products_use_cldr_money_and_plurals() {
    let one = json!({ "products": [card("Tasse Nymphéas", "49.90", "EUR", true)] });
    assert_eq!(
        products(&one, "fr-FR", Channel::Plain),
        format!("J'ai trouvé 1 produit :\n1. Tasse Nymphéas — 49,90{NBSP}€")
    );
    let three = json!({ "products": [
        card("Tasse Nymphéas", "49.90", "EUR", true),
        card("Affiche Monet", "1234.5", "EUR", false),
        card("Carnet", "5", "EUR", true),
    ] });
    assert_eq!(
        products(&three, "fr-FR", Channel::Plain),
        format!(
            "J'ai trouvé 3 produits :\n1. Tasse Nymphéas — 49,90{NBSP}€\n2. Affiche Monet — 1\u{202f}234,50{NBSP}€ (épuisé)\n3. Carnet — 5,00{NBSP}€"
        )
    );
    let spanish = products(&three, "es-ES", Channel::Mobile);
    assert!(
        spanish.starts_with(&format!(
            "He encontrado 3 productos:\n1. Tasse Nymphéas — 49,90{NBSP}€\n2. Affiche Monet — 1234,50{NBSP}€ (agotado)"
        )),
        "{spanish}"
    );
}

#[test]
fn english_money_follows_the_region() {
    let euro = json!({ "products": [card("Water lilies mug", "49.90", "EUR", true)] });
    assert_eq!(
        products(&euro, "en-IE", Channel::Plain),
        "I found 1 product:\n1. Water lilies mug — €49.90"
    );
    let dollars = json!({ "products": [
        card("Museum tote", "49.90", "USD", true),
        card("Poster", "12", "USD", false),
    ], "next_cursor": "abc" });
    assert_eq!(
        products(&dollars, "en-US", Channel::Plain),
        "Here are the first 2 products:\n1. Museum tote — $49.90\n2. Poster — $12.00 (out of stock)"
    );
    let details_result = json!({
        "title": "Museum tote", "description": "Cotton,\nmade in Lyon.", "stock": 3,
        "price": { "amount": "49.9", "currency": "USD" }, "url": "https://shop.example/p/tote",
    });
    assert_eq!(
        details(&details_result, "en-US", Channel::Plain),
        "Museum tote — $49.90 (3 in stock)\nCotton, made in Lyon.\nView the product: https://shop.example/p/tote"
    );
}

#[test]
fn whatsapp_is_bold_with_stars_and_short() {
    let many: Vec<Value> = (1..=7)
        .map(|i| card(&format!("Print {i}"), "10", "EUR", true))
        .chain([card(
            "A very long title for a framed reproduction of Water Lilies",
            "99",
            "EUR",
            true,
        )])
        .collect();
    let result = json!({ "products": many });
    assert_eq!(
        products(&result, "en-IE", Channel::WhatsApp),
        "I found 8 products:\n1. *Print 1* — €10.00\n2. *Print 2* — €10.00\n3. *Print 3* — €10.00\n4. *Print 4* — €10.00\n5. *Print 5* — €10.00\n…and 3 more."
    );
    let long = json!({ "products": [card(
        "A very long title for a framed reproduction of Water Lilies",
        "99",
        "EUR",
        true,
    )] });
    assert_eq!(
        products(&long, "fr-FR", Channel::WhatsApp),
        format!(
            "J'ai trouvé 1 produit :\n1. *A very long title for a framed reproduc…* — 99,00{NBSP}€"
        )
    );
    let basket_result = json!({
        "items": [{ "title": "Mug", "quantity": 2, "line_total": { "amount": "99.80", "currency": "EUR" } }],
        "item_count": 2,
        "total": { "amount": "99.80", "currency": "EUR" },
    });
    assert_eq!(
        basket(&basket_result, "es-ES", Channel::WhatsApp, Some(("Mug", 2))),
        format!(
            "He añadido 2 × *Mug* a tu cesta.\nTu cesta (2 artículos):\n- 2 × Mug — 99,80{NBSP}€\nTotal: *99,80{NBSP}€*"
        )
    );
}

#[test]
fn the_web_gets_markdown() {
    let result = json!({ "products": [card("Water lilies mug", "49.90", "EUR", true)] });
    assert_eq!(
        products(&result, "en-IE", Channel::Web),
        "I found 1 product:\n1. [**Water lilies mug**](https://shop.example/p/1) — €49.90"
    );
    let basket_result = json!({
        "items": [
            { "title": "Water lilies mug", "quantity": 1, "line_total": { "amount": "49.90", "currency": "EUR" } },
            { "title": "Poster", "quantity": 2, "line_total": { "amount": "30", "currency": "EUR" } },
        ],
        "total": { "amount": "79.90", "currency": "EUR" },
        "warnings": ["Poster: 2 in the basket but only 1 left in stock."],
    });
    assert_eq!(
        basket(&basket_result, "fr-FR", Channel::Web, None),
        format!(
            "Votre panier (3 articles) :\n- 1 × Water lilies mug — 49,90{NBSP}€\n- 2 × Poster — 30,00{NBSP}€\nTotal : **79,90{NBSP}€**\n⚠ Poster: 2 in the basket but only 1 left in stock."
        )
    );
    let details_result = json!({
        "title": "Water lilies mug", "description": "Fine *bone* china.", "stock": 0,
        "price": { "amount": "49.90", "currency": "EUR" }, "url": "https://shop.example/p/(mug)",
    });
    assert_eq!(
        details(&details_result, "en-GB", Channel::Web),
        "**Water lilies mug** — €49.90 (out of stock)\nFine \\*bone\\* china.\n[View the product](https://shop.example/p/%28mug%29)"
    );
}

#[test]
fn payment_links_say_until_when_in_the_locale() {
    let result = json!({
        "url": "https://pay.example/checkout/abc",
        "expires_at": "2025-06-03T14:05:00Z",
        "total": { "amount": "49.90", "currency": "EUR", "display": "EUR 49.90" },
    });
    assert_eq!(
        payment(&result, "fr-FR", Channel::Plain),
        format!(
            "Votre commande s'élève à 49,90{NBSP}€.\nPayer maintenant : https://pay.example/checkout/abc\nLe lien est valable jusqu'au 3 juin 2025 à 14:05 UTC."
        )
    );
    assert_eq!(
        payment(&result, "es-ES", Channel::WhatsApp),
        format!(
            "Tu pedido suma *49,90{NBSP}€*.\nPagar ahora: https://pay.example/checkout/abc\nEl enlace es válido hasta el 3 de junio de 2025, 14:05 UTC."
        )
    );
    let dollars = json!({
        "url": "https://pay.example/checkout/abc",
        "expires_at": "2025-06-03T14:05:00Z",
        "total": { "amount": "49.90", "currency": "USD" },
    });
    assert_eq!(
        payment(&dollars, "en-US", Channel::Web),
        "Your order comes to **$49.90**.\n[Pay now](https://pay.example/checkout/abc)\nThe link is valid until June 3, 2025 at 2:05\u{202f}PM UTC."
    );
    assert_eq!(
        payment(&result, "en-IE", Channel::Web),
        "Your order comes to **€49.90**.\n[Pay now](https://pay.example/checkout/abc)\nThe link is valid until 3 June 2025 at 14:05 UTC."
    );
}

#[test]
fn answers_are_the_storefront_answer_or_say_there_is_none() {
    let result =
        json!({ "title": "Mug", "answer": "Yes: it is *dishwasher* safe.", "answered": true });
    assert_eq!(
        answer(&result, "en", Channel::Web),
        "Yes: it is \\*dishwasher\\* safe."
    );
    assert_eq!(
        answer(&result, "en", Channel::Plain),
        "Yes: it is *dishwasher* safe."
    );
    let none = json!({ "title": "Tasse", "answer": "", "answered": false });
    assert_eq!(
        answer(&none, "fr-FR", Channel::Web),
        "La fiche de **Tasse** ne répond pas à cette question."
    );
}

// ---- admin ----

#[test]
fn admin_import_summary_in_spanish() {
    let dry = json!({
        "status": "done", "dry_run": true, "mode": "upsert",
        "created": 3, "updated": 1, "unchanged": 0,
        "failed": [{ "row": 4, "sku": null, "error": "price: not a number" }],
        "failed_count": 1,
    });
    assert_eq!(
        admin("import_products", &dry, "es-ES", Channel::Plain),
        "Simulación, no se ha guardado nada: 3 por crear, 1 por actualizar, 0 sin cambios y 1 con errores.\n- Fila 4: price: not a number"
    );
    let done = json!({
        "status": "done", "dry_run": false, "created": 1, "updated": 2, "unchanged": 1,
        "failed": [], "failed_count": 0, "warnings": ["column `colour_hex` ignored"],
    });
    assert_eq!(
        admin("import_products", &done, "es", Channel::Web),
        "Importación terminada: 1 creado, 2 actualizados, 1 sin cambios y 0 con errores.\n⚠ column \\`colour\\_hex\\` ignored"
    );
    let stopped = json!({
        "status": "cancelled", "dry_run": false, "rows_read": 120, "created": 40,
        "updated": 0, "unchanged": 0, "failed_count": 0,
    });
    assert_eq!(
        admin("import_products", &stopped, "fr-FR", Channel::Plain),
        "L'import a été annulé après 120 lignes.\nAvant l'arrêt : 40 créés, 0 mis à jour, 0 inchangé, 0 en erreur."
    );
    let running = json!({ "status": "running", "job_id": "job_7" });
    assert_eq!(
        admin("import_products", &running, "en", Channel::Plain),
        "The import is running in the background (job job_7). Ask me for its status in a moment."
    );
}

#[test]
fn admin_product_and_notification_summaries() {
    let created = json!({
        "id": "prd_1", "sku": "MUG-1",
        "title": { "en": "Water lilies mug", "es": "", "fr": "Tasse Nymphéas" },
        "price": { "amount": "12.5", "currency": "EUR" }, "stock": 0, "published": false,
    });
    assert_eq!(
        admin("create_product", &created, "fr-FR", Channel::Web),
        format!(
            "**Tasse Nymphéas** (MUG-1) a été créé et enregistré comme brouillon.\n12,50{NBSP}€ · épuisé"
        )
    );
    // No Spanish title: the first language that has one.
    let published = json!({ "sku": "MUG-1", "title": { "en": "Water lilies mug", "es": "" }, "published": true, "stock": 4 });
    assert_eq!(
        admin("create_product", &published, "es", Channel::WhatsApp),
        "He creado y publicado *Water lilies mug* (MUG-1).\n4 disponibles"
    );
    let deleted = json!({ "deleted": true, "id": "prd_1", "sku": "MUG-1", "title": "Water lilies mug", "confirmed_by": "confirm" });
    assert_eq!(
        admin("delete_product", &deleted, "en-GB", Channel::Plain),
        "Deleted Water lilies mug (MUG-1)."
    );
    let sms = json!({ "message_id": "msg_1", "status": "sent", "channel": "sms", "to": "+33612345678", "provider": "outbox", "duplicate": false });
    assert_eq!(
        admin("send_sms", &sms, "fr-FR", Channel::Plain),
        "SMS à +33612345678 : envoyé.\nIl est parti dans la boîte d'envoi locale, pas chez un vrai fournisseur.\nIdentifiant du message : msg_1"
    );
    let mail = json!({ "message_id": "msg_2", "status": "delivered", "to": "ana_lopez@example.com", "provider": "smtp", "duplicate": true });
    assert_eq!(
        admin("send_email", &mail, "es-ES", Channel::Web),
        "Correo a ana\\_lopez@example.com: entregado.\nYa se había enviado con la misma clave de idempotencia, así que no se ha vuelto a enviar.\nId. del mensaje: msg\\_2"
    );
}

// ---- robustness ----

#[test]
fn missing_fields_give_something_sensible() {
    let empty = json!({});
    let bare = json!({ "products": [{}] });
    assert_eq!(
        products(&bare, "en", Channel::Web),
        "I found 1 product:\n1. **(untitled product)**"
    );
    assert_eq!(
        products(&empty, "fr", Channel::Web),
        "Je n'ai rien trouvé de correspondant."
    );
    assert_eq!(
        products(&json!("oops"), "es", Channel::Plain),
        "No he encontrado nada que coincida."
    );
    assert_eq!(
        basket(&Value::Null, "en", Channel::Plain, None),
        "Your basket is empty."
    );
    assert_eq!(
        basket(
            &json!({ "items": [{ "sku": "MUG-1" }] }),
            "en",
            Channel::Plain,
            None
        ),
        "Your basket (1 item):\n- 1 × MUG-1"
    );
    assert_eq!(
        payment(&empty, "en", Channel::Web),
        "I could not get a payment link for your basket. Please try again in a moment."
    );
    // A bad timestamp is left out rather than shown raw.
    let odd = json!({ "url": "https://pay.example/c/1", "expires_at": "tomorrow", "total": { "display": "49,90 €" } });
    assert_eq!(
        payment(&odd, "fr-FR", Channel::Plain),
        "Votre commande s'élève à 49,90 €.\nPayer maintenant : https://pay.example/c/1"
    );
    assert_eq!(details(&empty, "en", Channel::Plain), "(untitled product)");
    assert_eq!(
        details(
            &json!({ "sku": "MUG-1", "price": { "amount": "3", "currency": "NOPE" } }),
            "en",
            Channel::Plain
        ),
        "MUG-1 — 3 NOPE"
    );
    assert_eq!(
        answer(&empty, "en", Channel::Plain),
        "The product information for (untitled product) does not answer that."
    );
    assert_eq!(
        admin("create_product", &empty, "en", Channel::Plain),
        "Created (untitled product), saved as a draft."
    );
    assert_eq!(
        admin("import_products", &empty, "en", Channel::Plain),
        "Import finished: 0 created, 0 updated, 0 unchanged, 0 failed."
    );
    assert_eq!(
        admin("send_whatsapp", &empty, "en", Channel::Plain),
        "WhatsApp message to ?: status unknown."
    );
    assert_eq!(
        admin("list_products", &empty, "fr", Channel::Plain),
        "Terminé : list_products."
    );
}

#[test]
fn hostile_titles_cannot_inject_markdown() {
    let evil = "**FREE** [click](javascript:alert(1)) <img src=x onerror=alert(1)>\n# Owned";
    let result = json!({ "products": [{
        "title": evil,
        "price": { "amount": "1", "currency": "EUR" },
        "in_stock": true,
        "url": "javascript:alert(1)",
    }] });
    assert_eq!(
        products(&result, "en-IE", Channel::Web),
        "I found 1 product:\n1. **\\*\\*FREE\\*\\* \\[click\\](javascript:alert(1)) \\<img src=x onerror=alert(1)\\> \\# Owned** — €1.00"
    );
    // Plain channels show the text as it is, on one line.
    assert_eq!(
        products(&result, "en-IE", Channel::Plain),
        "I found 1 product:\n1. **FREE** [click](javascript:alert(1)) <img src=x onerror=alert(1)> # Owned — €1.00"
    );
    let basket_result = json!({
        "items": [{ "title": "[x](https://evil.example)", "quantity": 1 }],
        "total": { "amount": "1", "currency": "EUR" },
    });
    assert_eq!(
        basket(
            &basket_result,
            "en-IE",
            Channel::Web,
            Some(("_x_\u{202e}", 1))
        ),
        "Added 1 × **\\_x\\_** to your basket.\nYour basket (1 item):\n- 1 × \\[x\\](https://evil.example)\nTotal: **€1.00**"
    );
    // A payment URL that is not http(s) is never linked.
    let link =
        json!({ "url": "javascript:alert(1)", "total": { "amount": "1", "currency": "EUR" } });
    assert_eq!(
        payment(&link, "en", Channel::Web),
        "I could not get a payment link for your basket. Please try again in a moment."
    );
}

#[test]
fn a_help_page_brings_its_lead_and_the_section_asked_about() {
    let body = "You can return most items within 30 days.\n\nHow to return:\n- Write to us with your order number.\n- Pack the items.\n\nGift wrapping:\n- 3.50 EUR per item.\n- Recycled paper.\n\nGift cards:\n- Digital gift cards of 25, 50 or 100 EUR, sent to you or to them.";
    let reply = help_page(
        "Returns",
        body,
        "can I send it back if they don't like it?",
        Channel::Plain,
    );
    assert!(
        reply.starts_with("Returns\nYou can return most items within 30 days."),
        "{reply}"
    );
    // A heading sharing the question's words outweighs a line sharing as many.
    let reply = help_page(
        "Gifts",
        body,
        "can you do gift wrapping for them?",
        Channel::Plain,
    );
    assert!(
        reply.contains("Gift wrapping:\n- 3.50 EUR per item."),
        "{reply}"
    );
    // Nothing shared: the lead and the first lines.
    let reply = help_page("Returns", body, "zzz", Channel::Plain);
    assert!(reply.contains("30 days"), "{reply}");
}
