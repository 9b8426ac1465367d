//! E-mail through a real SMTP server: aiosmtpd in a child process
//! (`tests/python/smtp_sink.py`), which keeps every message it accepts and
//! reads it with Python's `email` package, as a mail client would.

use anyhow::{Context as _, ensure};
use mcp_notify::config::{NotifyConfig, SmtpConfig, SmtpTls};
use secrecy::SecretString;
use serde_json::json;

use crate::support::{SmtpSink, config, connect, ok, refused};

fn smtp_config(dir: &std::path::Path, sink: &SmtpSink, password: &str) -> NotifyConfig {
    let mut config = config(dir);
    config.email_from = "Museo Shop <shop@museo.example>".to_owned();
    config.smtp = Some(SmtpConfig {
        host: "127.0.0.1".to_owned(),
        port: sink.port,
        tls: SmtpTls::None,
        credentials: Some(("museo".to_owned(), SecretString::from(password.to_owned()))),
    });
    config
}

#[tokio::test]
async fn mail_reaches_a_real_smtp_server_in_each_language() -> anyhow::Result<()> {
    let sink = SmtpSink::start(&["--auth", "museo:s3cret"]).await?;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&smtp_config(dir.path(), &sink, "s3cret")).await?;
    let client = connect(&app).await?;
    let cases = [
        (
            "en-US",
            "Your Museo order B-7 is confirmed",
            "Total: $49.90",
            "Order date: June 3, 2025",
        ),
        (
            "es-MX",
            "Tu pedido B-7 de Museo está confirmado",
            "Total: $49.90",
            "3 de junio de 2025",
        ),
        (
            "fr-FR",
            "Votre commande Museo B-7 est confirmée",
            "Total\u{a0}: 49,90\u{a0}$US",
            "3 juin 2025",
        ),
    ];
    for (locale, _, _, _) in &cases {
        let currency = if *locale == "es-MX" { "MXN" } else { "USD" };
        let sent = ok(
            &client,
            "send_email",
            json!({
                "to": "Ana Pérez <ana@example.com>", "template": "order_confirmation", "locale": locale,
                "variables": { "customer_name": "Ana", "order_number": "B-7", "order_date": "2025-06-03",
                    "total": "49.9", "currency": currency, "order_url": "https://shop.museo.example/o/B-7" }
            }),
        )
        .await?;
        ensure!(
            sent["provider"] == "smtp" && sent["status"] == "sent",
            "{sent}"
        );
    }
    let received = sink.received(3).await?;
    ensure!(received.len() == 3, "{received:?}");
    for (mail, (locale, subject, total, date)) in received.iter().zip(cases) {
        ensure!(mail["subject"] == subject, "{mail}");
        ensure!(mail["rcpt_tos"] == json!(["ana@example.com"]), "{mail}");
        ensure!(mail["mail_from"] == "shop@museo.example", "{mail}");
        ensure!(mail["to"] == "Ana Pérez <ana@example.com>", "{mail}");
        ensure!(mail["content_language"] == locale[..2], "{mail}");
        ensure!(
            mail["parts"] == json!(["text/plain", "text/html"]),
            "{mail}"
        );
        let text = mail["text"].as_str().context("text part")?;
        ensure!(
            text.contains(total) && text.contains(date),
            "{locale}: {text}"
        );
        let html = mail["html"].as_str().context("html part")?;
        ensure!(
            html.contains(&format!("lang=\"{}\"", &locale[..2]))
                && html.contains("shop.museo.example"),
            "{html}"
        );
    }
    // No receipts come after SMTP: the status stays `sent`.
    Ok(())
}

#[tokio::test]
async fn a_transient_smtp_refusal_is_retried() -> anyhow::Result<()> {
    let sink = SmtpSink::start(&["--auth", "museo:s3cret", "--fail-first", "2"]).await?;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&smtp_config(dir.path(), &sink, "s3cret")).await?;
    let client = connect(&app).await?;
    let sent = ok(
        &client,
        "send_email",
        json!({ "to": "ana@example.com", "subject": "Hello", "text": "Line one\n\nLine two" }),
    )
    .await?;
    ensure!(sent["attempts"] == 3, "{sent}");
    let mail = sink.received(1).await?.remove(0);
    ensure!(mail["subject"] == "Hello", "{mail}");
    ensure!(
        mail["html"]
            .as_str()
            .is_some_and(|h| h.contains("<p>Line two</p>")),
        "{mail}"
    );
    Ok(())
}

#[tokio::test]
async fn permanent_smtp_refusals_are_final() -> anyhow::Result<()> {
    let sink = SmtpSink::start(&["--auth", "museo:s3cret", "--reject"]).await?;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&smtp_config(dir.path(), &sink, "s3cret")).await?;
    let client = connect(&app).await?;
    refused(
        &client,
        "send_email",
        json!({ "to": "nobody@example.com", "subject": "Hi", "text": "x" }),
        &["smtp did not take", "1 attempt", "550"],
    )
    .await?;
    // A wrong password is refused by the server (535) and not retried either.
    let wrong = mcp_notify::build(&smtp_config(dir.path(), &sink, "guess")).await?;
    let client = connect(&wrong).await?;
    let text = refused(
        &client,
        "send_email",
        json!({ "to": "ana@example.com", "subject": "Hi", "text": "x" }),
        &["1 attempt", "535"],
    )
    .await?;
    ensure!(!text.contains("guess"), "the password leaked: {text}");
    ensure!(sink.count() == 0, "a refused message was stored");
    Ok(())
}
