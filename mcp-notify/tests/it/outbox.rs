//! With no configuration: every channel writes to the outbox in the
//! recipient's language, statuses advance as a provider's would, and the
//! tools refuse bad input with messages that name the problem.

use anyhow::{Context as _, ensure};
use axum::http::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::support::{
    config, connect, files, hit, meta_inbound, meta_post, ok, read_eml, refused, statuses,
    wait_for_status,
};

fn order(locale: &str) -> Value {
    json!({
        "customer_name": match locale { "es-ES" => "Lucía", "fr-FR" => "Élodie", _ => "Ana" },
        "order_number": "A-1042",
        "order_date": "2025-06-03",
        "total": "1234.5",
        "currency": "EUR",
        "order_url": "https://shop.museo.example/orders/A-1042",
    })
}

/// (locale, words the e-mail must hold, the formatted total).
const LANGUAGES: [(&str, &str, &str, &str); 3] = [
    (
        "en-IE",
        "Your Museo order A-1042 is confirmed",
        "Thank you for your order",
        "€1,234.50",
    ),
    (
        "es-ES",
        "Tu pedido A-1042 de Museo está confirmado",
        "Gracias por tu pedido",
        "1234,50\u{a0}€",
    ),
    (
        "fr-FR",
        "Votre commande Museo A-1042 est confirmée",
        "Merci pour votre commande",
        "1\u{202f}234,50\u{a0}€",
    ),
];

#[tokio::test]
async fn an_order_confirmation_lands_in_the_outbox_in_three_languages() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&config(dir.path())).await?;
    let client = connect(&app).await?;
    for (index, (locale, subject, greeting, total)) in LANGUAGES.iter().enumerate() {
        let email = ok(
            &client,
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": order(locale), "locale": locale }),
        )
        .await?;
        ensure!(
            email["provider"] == "outbox" && email["locale"] == *locale,
            "{email}"
        );
        ensure!(email["subject"] == *subject, "{email}");
        let sms = ok(
            &client,
            "send_sms",
            json!({ "to": "+34612345678", "template": "order_confirmation", "variables": order(locale), "locale": locale }),
        )
        .await?;
        // No-break spaces become plain ones on SMS, so French money stays GSM-7.
        let plain_total = total.replace(['\u{a0}', '\u{202f}'], " ");
        ensure!(
            sms["preview"]
                .as_str()
                .is_some_and(|p| p.contains(&plain_total)),
            "{sms}"
        );
        let whatsapp = ok(
            &client,
            "send_whatsapp",
            json!({ "to": "+33612345678", "template": "order_confirmation", "variables": order(locale), "locale": locale }),
        )
        .await?;
        ensure!(whatsapp["whatsapp_kind"] == "template", "{whatsapp}");
        for sent in [&email, &sms, &whatsapp] {
            let id = sent["message_id"].as_str().context("message_id")?;
            let report = wait_for_status(&client, id, "delivered").await?;
            ensure!(
                statuses(&report) == ["queued", "accepted", "sent", "delivered"],
                "{report}"
            );
        }

        let emails = files(dir.path(), "eml", index + 1).await?;
        let newest = emails
            .iter()
            .find(|p| {
                p.to_string_lossy()
                    .contains(email["message_id"].as_str().unwrap_or("?"))
            })
            .context("the e-mail's file")?;
        let mail = read_eml(std::slice::from_ref(newest))?.remove(0);
        ensure!(mail["subject"] == *subject, "{mail}");
        ensure!(mail["content_type"] == "multipart/alternative", "{mail}");
        ensure!(
            mail["parts"] == json!(["text/plain", "text/html"]),
            "{mail}"
        );
        ensure!(mail["content_language"] == locale[..2], "{mail}");
        let text = mail["text"].as_str().context("text part")?;
        ensure!(text.contains(greeting) && text.contains(total), "{text}");
        let html = mail["html"].as_str().context("html part")?;
        ensure!(
            html.contains(&format!("<html lang=\"{}\">", &locale[..2])) && html.contains(total),
            "{html}"
        );
        ensure!(
            mail["message_id"]
                .as_str()
                .is_some_and(|m| m.contains(email["message_id"].as_str().unwrap_or("?"))),
            "{mail}"
        );

        let sms_file =
            std::fs::read_to_string(sms["outbox_path"].as_str().context("sms outbox_path")?)?;
        let sms_file: Value = serde_json::from_str(&sms_file)?;
        ensure!(
            sms_file["twilio_request"]["To"] == "+34612345678",
            "{sms_file}"
        );
        // "Lucía" (í) is outside GSM-7: the Spanish text is UCS-2, two segments.
        let expected = if *locale == "es-ES" {
            ("UCS-2", 2)
        } else {
            ("GSM-7", 1)
        };
        ensure!(
            sms_file["encoding"] == expected.0 && sms_file["segments"] == expected.1,
            "{sms_file}"
        );
        let wa_file: Value = serde_json::from_str(&std::fs::read_to_string(
            whatsapp["outbox_path"].as_str().context("wa outbox_path")?,
        )?)?;
        let request = &wa_file["cloud_api_request"];
        ensure!(
            request["to"] == "33612345678" && request["type"] == "template",
            "{wa_file}"
        );
        ensure!(
            request["template"]["language"]["code"] == locale[..2]
                && request["template"]["name"] == "order_confirmation",
            "{wa_file}"
        );
        ensure!(
            request["template"]["components"][0]["parameters"][2]["text"] == *total,
            "{wa_file}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_same_message_and_sends_once() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&config(dir.path())).await?;
    let client = connect(&app).await?;
    let args = json!({ "to": "+34612345678", "text": "Your parcel is at the door.", "idempotency_key": "parcel-1" });
    let first = ok(&client, "send_sms", args.clone()).await?;
    let second = ok(&client, "send_sms", args.clone()).await?;
    ensure!(
        first["message_id"] == second["message_id"],
        "{first} {second}"
    );
    ensure!(
        first["duplicate"] == false && second["duplicate"] == true,
        "{second}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    ensure!(files(dir.path(), "json", 1).await?.len() == 1, "sent twice");
    refused(
        &client,
        "send_sms",
        json!({ "to": "+34612345678", "text": "Something else", "idempotency_key": "parcel-1" }),
        &[
            "already used for a different message",
            first["message_id"].as_str().unwrap_or("?"),
        ],
    )
    .await?;
    // Concurrent calls with one key: one message.
    let calls = (0..8).map(|_| {
        let client = &client;
        async move {
            ok(
                client,
                "send_email",
                json!({ "to": "ana@example.com", "subject": "Hi", "text": "Hello", "idempotency_key": "race-1" }),
            )
            .await
        }
    });
    let results = futures::future::try_join_all(calls).await?;
    let ids: std::collections::HashSet<&str> = results
        .iter()
        .filter_map(|r| r["message_id"].as_str())
        .collect();
    ensure!(ids.len() == 1, "{ids:?}");
    ensure!(
        results.iter().filter(|r| r["duplicate"] == false).count() == 1,
        "{results:?}"
    );
    ensure!(files(dir.path(), "eml", 1).await?.len() == 1, "raced sends");
    Ok(())
}

#[tokio::test]
async fn whatsapp_free_text_needs_the_24_hour_window() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = config(dir.path());
    config.webhooks.meta_app_secret = Some(SecretString::from("meta-secret".to_owned()));
    let app = mcp_notify::build(&config).await?;
    let client = connect(&app).await?;
    let text = json!({ "to": "+34612345678", "text": "¿Te ayudo con tu pedido?" });
    refused(
        &client,
        "send_whatsapp",
        text.clone(),
        &["24 hours", "has not written", "template"],
    )
    .await?;
    // A message from the customer two days ago does not open the window.
    let old = jiff::Timestamp::now().as_second() - 2 * 24 * 3600;
    let body = meta_inbound("34612345678", old);
    let signed = mcp_notify::webhooks::meta_signature("meta-secret", body.as_bytes());
    ensure!(
        hit(&app.webhooks, meta_post(&body, Some(&signed))?)
            .await?
            .0
            == StatusCode::OK
    );
    refused(&client, "send_whatsapp", text.clone(), &["last wrote at"]).await?;
    // A forged one is refused and opens nothing.
    let now = jiff::Timestamp::now().as_second();
    let body = meta_inbound("34612345678", now);
    let forged = mcp_notify::webhooks::meta_signature("guess", body.as_bytes());
    ensure!(
        hit(&app.webhooks, meta_post(&body, Some(&forged))?)
            .await?
            .0
            == StatusCode::FORBIDDEN
    );
    ensure!(hit(&app.webhooks, meta_post(&body, None)?).await?.0 == StatusCode::UNAUTHORIZED);
    refused(&client, "send_whatsapp", text.clone(), &["24 hours"]).await?;
    // A real one does.
    let signed = mcp_notify::webhooks::meta_signature("meta-secret", body.as_bytes());
    ensure!(
        hit(&app.webhooks, meta_post(&body, Some(&signed))?)
            .await?
            .0
            == StatusCode::OK
    );
    let sent = ok(&client, "send_whatsapp", text).await?;
    ensure!(
        sent["whatsapp_kind"] == "text" && sent["locale"] == "es-ES",
        "{sent}"
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(
        sent["outbox_path"].as_str().context("path")?,
    )?)?;
    ensure!(
        file["cloud_api_request"]["text"]["body"] == "¿Te ayudo con tu pedido?",
        "{file}"
    );
    // The window is per number.
    refused(
        &client,
        "send_whatsapp",
        json!({ "to": "+33612345678", "text": "Bonjour" }),
        &["24 hours"],
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn hostile_text_is_escaped_in_the_html_part() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&config(dir.path())).await?;
    let client = connect(&app).await?;
    let mut variables = order("en-US");
    variables["customer_name"] = json!("<script>alert(1)</script><img src=x onerror=alert(2)>");
    ok(
        &client,
        "send_email",
        json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": variables }),
    )
    .await?;
    ok(
        &client,
        "send_email",
        json!({ "to": "ana@example.com", "subject": "Note", "text": "<b>bold</b> & <a href=\"javascript:x\">link</a>" }),
    )
    .await?;
    let mails = read_eml(&files(dir.path(), "eml", 2).await?)?;
    for mail in &mails {
        let html = mail["html"].as_str().context("html")?;
        ensure!(
            !html.contains("<script") && !html.contains("<img") && !html.contains("<b>"),
            "{html}"
        );
        ensure!(html.contains("&lt;"), "{html}");
    }
    Ok(())
}

#[tokio::test]
async fn templates_are_listed_with_their_variables_and_previewed() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&config(dir.path())).await?;
    let client = connect(&app).await?;
    let listed = ok(&client, "list_templates", json!({})).await?;
    let names: Vec<&str> = listed["templates"]
        .as_array()
        .context("templates")?
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    ensure!(
        names
            == [
                "order_confirmation",
                "shipping_update",
                "payment_link",
                "back_in_stock"
            ],
        "{names:?}"
    );
    let payment = &listed["templates"][2];
    ensure!(
        payment["variables"]
            == json!([
                "currency",
                "customer_name",
                "expires_at",
                "payment_url",
                "total"
            ]),
        "{payment}"
    );
    ensure!(payment["locales"] == json!(["en", "es", "fr"]), "{payment}");
    ensure!(payment["whatsapp"][1]["code"] == "es", "{payment}");
    let preview = ok(
        &client,
        "preview_template",
        json!({
            "template": "payment_link", "channel": "email", "locale": "en-US",
            "variables": { "customer_name": "Ana", "total": "49.9", "currency": "USD",
                "payment_url": "https://pay.example/x", "expires_at": "2025-06-03T14:05:00Z" }
        }),
    )
    .await?;
    ensure!(
        preview["subject"] == "Your payment link for $49.90",
        "{preview}"
    );
    ensure!(
        preview["text"]
            .as_str()
            .is_some_and(|t| t.contains("June 3, 2025 at 2:05\u{202f}PM UTC")),
        "{preview}"
    );
    let sms = ok(
        &client,
        "preview_template",
        json!({
            "template": "shipping_update", "channel": "sms", "locale": "fr",
            "variables": { "order_number": "A-7", "carrier": "Colissimo", "tracking_url": "https://t.example/1",
                "estimated_delivery": "2025-08-15" }
        }),
    )
    .await?;
    ensure!(
        sms["text"]
            .as_str()
            .is_some_and(|t| t.contains("le 15 août 2025")),
        "{sms}"
    );
    // "août" (û) is outside GSM-7, so the whole text is UCS-2.
    ensure!(
        sms["sms"] == json!({ "segments": 2, "encoding": "UCS-2" }),
        "{sms}"
    );
    let german = ok(
        &client,
        "preview_template",
        json!({ "template": "back_in_stock", "channel": "whatsapp", "locale": "de-DE",
            "variables": { "product_title": "Mug", "price": "9", "currency": "EUR", "product_url": "https://x.example/m" } }),
    )
    .await?;
    ensure!(
        german["locale_fallback"] == true && german["locale"] == "en-US",
        "{german}"
    );
    ensure!(
        german["whatsapp_parameters"] == json!(["Mug", "€9.00", "https://x.example/m"]),
        "{german}"
    );
    Ok(())
}

/// Every tool, with wrong types, missing fields, huge values, unknown ids
/// and hostile text: each a tool error that says what is wrong.
#[tokio::test]
async fn bad_input_on_every_tool_is_a_clear_tool_error() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&config(dir.path())).await?;
    let client = connect(&app).await?;
    let huge = "x".repeat(200_000);
    let vars = order("en-US");
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        ("send_email", json!({}), vec!["missing field `to`"]),
        (
            "send_email",
            json!({ "to": 42, "text": "x", "subject": "s" }),
            vec!["`to`", "string"],
        ),
        (
            "send_email",
            json!({ "to": "ana", "text": "x", "subject": "s" }),
            vec!["`to`", "not a valid e-mail"],
        ),
        (
            "send_email",
            json!({ "to": "a@b.example\r\nBcc: x@y.example", "text": "x", "subject": "s" }),
            vec!["`to`"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "text": "hello" }),
            vec!["`subject`", "needs a subject"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "text": "x", "subject": "a\nBcc: x" }),
            vec!["`subject`", "one line"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "subject": "s" }),
            vec!["`text`", "template"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "subject": "s", "text": "a", "body": "b" }),
            vec!["`body`", "not both"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "subject": "s", "text": "a", "template": "order_confirmation" }),
            vec!["not both"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "subject": "s", "text": huge }),
            vec!["too long", "200000"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "invoice" }),
            vec!["no template \"invoice\"", "order_confirmation"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation" }),
            vec!["not given", "customer_name", "total"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": "Ana" }),
            vec!["`variables`"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": { "total": { "a": 1 } } }),
            vec!["`total`", "string, a number"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": { "customer_name": "x".repeat(5000) } }),
            vec!["customer_name", "too long"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": { "Bad-Name": 1 } }),
            vec!["not a variable name"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": merge(&vars, json!({ "total": "lots" })) }),
            vec!["not a decimal amount"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": merge(&vars, json!({ "currency": "EURO" })) }),
            vec!["ISO 4217"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "template": "order_confirmation", "variables": merge(&vars, json!({ "order_url": "javascript:alert(1)" })) }),
            vec!["order_url", "https://"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "text": "x", "subject": "s", "locale": "<script>" }),
            vec!["`locale`", "BCP-47"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "text": "x", "subject": "s", "idempotency_key": "has space" }),
            vec!["idempotency_key"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "text": "x", "subject": "s", "idempotency_key": "k".repeat(300) }),
            vec!["idempotency_key", "too long"],
        ),
        (
            "send_email",
            json!({ "to": "ana@example.com", "text": "x", "subject": "s", "cc": "b@example.com" }),
            vec!["unknown field `cc`"],
        ),
        (
            "send_sms",
            json!({ "to": "612345678", "text": "x" }),
            vec!["`to`", "E.164"],
        ),
        (
            "send_sms",
            json!({ "to": "+99912345", "text": "x" }),
            vec!["`to`"],
        ),
        (
            "send_sms",
            json!({ "to": ["+34612345678"], "text": "x" }),
            vec!["`to`"],
        ),
        (
            "send_sms",
            json!({ "to": "+34612345678", "text": "x", "subject": "s" }),
            vec!["unknown field `subject`"],
        ),
        (
            "send_sms",
            json!({ "to": "+34612345678", "text": "a".repeat(1531) }),
            vec!["too long for an SMS", "segments"],
        ),
        (
            "send_sms",
            json!({ "to": "+34612345678", "text": "ç€".repeat(400) }),
            vec!["too long", "UCS-2"],
        ),
        (
            "send_sms",
            json!({ "to": "+34612345678", "text": "   " }),
            vec!["empty"],
        ),
        (
            "send_sms",
            json!({ "to": "+34612345678", "text": "bell\u{7}" }),
            vec!["control characters"],
        ),
        (
            "send_sms",
            json!({ "to": "+34612345678", "text": "x", "variables": { "a": 1 } }),
            vec!["`variables`", "only go with a template"],
        ),
        (
            "send_sms",
            json!({ "to": "+34612345678", "template": "order_confirmation", "variables": { "customer_name": "Ana" } }),
            vec!["(sms)", "order_number", "order_url"],
        ),
        (
            "send_whatsapp",
            json!({ "to": "+34612345678", "text": "x".repeat(5000) }),
            vec!["too long", "4096"],
        ),
        (
            "send_whatsapp",
            json!({ "to": "+34612345678", "text": "Hola" }),
            vec!["24 hours", "template"],
        ),
        (
            "send_whatsapp",
            json!({ "to": "+34612345678", "template": 7 }),
            vec!["`template`"],
        ),
        (
            "get_delivery_status",
            json!({}),
            vec!["missing field `message_id`"],
        ),
        (
            "get_delivery_status",
            json!({ "message_id": 12 }),
            vec!["`message_id`"],
        ),
        (
            "get_delivery_status",
            json!({ "message_id": "msg_nope" }),
            vec!["no message \"msg_nope\""],
        ),
        (
            "get_delivery_status",
            json!({ "message_id": "../../etc/passwd" }),
            vec!["no message"],
        ),
        (
            "get_delivery_status",
            json!({ "message_id": "" }),
            vec!["empty"],
        ),
        (
            "get_delivery_status",
            json!({ "message_id": "m".repeat(10_000) }),
            vec!["no message"],
        ),
        (
            "list_templates",
            json!({ "channel": "fax" }),
            vec!["`channel`", "unknown variant"],
        ),
        (
            "preview_template",
            json!({ "template": "nope" }),
            vec!["no template"],
        ),
        (
            "preview_template",
            json!({}),
            vec!["missing field `template`"],
        ),
    ];
    let count = cases.len();
    for (tool, args, needles) in cases {
        refused(&client, tool, args, &needles).await?;
    }
    // Nothing was written by any refusal.
    let written = std::fs::read_dir(dir.path())
        .map(|d| d.count())
        .unwrap_or(0);
    ensure!(written == 0, "{written} files written by refused calls");
    ensure!(count >= 40, "{count} cases");
    Ok(())
}

fn merge(base: &Value, extra: Value) -> Value {
    let mut merged = base.clone();
    if let (Some(target), Value::Object(extra)) = (merged.as_object_mut(), extra) {
        target.extend(extra);
    }
    merged
}
