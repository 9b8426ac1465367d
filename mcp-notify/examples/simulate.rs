//! A simulated provider against mcp-notify: a local fake Twilio and a fake
//! WhatsApp Cloud API take the messages (Twilio throttles the first call with
//! a 429 to show a retry), then send signed status webhooks out of order and
//! twice, plus a forged one, to mcp-notify's webhook endpoints. The example
//! prints each message's delivery-status history as get_delivery_status
//! returns it.
//!
//! Run:
//!
//! ```text
//! cargo run -p mcp-notify --example simulate
//! ```
//!
//! Everything listens on 127.0.0.1 with ports chosen by the system; nothing
//! leaves the machine. Exits non-zero if a status is not what the rules say.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context as _, ensure};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use mcp_notify::config::{NotifyConfig, RetryPolicy, TwilioConfig, WhatsAppConfig};
use mcp_notify::webhooks::{meta_signature, twilio_signature};
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, JsonObject};
use rmcp::service::{RoleClient, RunningService};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::net::TcpListener;

const SID: &str = "AC5e0d1a2b3c4d5e6f708192a3b4c5d6e7";
const TOKEN: &str = "simulated-twilio-token";
const META_SECRET: &str = "simulated-meta-secret";

type Client = RunningService<RoleClient, ()>;

/// What the fake providers need to call mcp-notify back.
#[derive(Clone)]
struct Fake {
    notify: String,
    calls: Arc<AtomicUsize>,
    http: reqwest::Client,
}

async fn listen(router: Router) -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(url)
}

/// Fake Twilio: 429 on the first call, then 201; status callbacks follow,
/// signed like Twilio's, out of order and twice.
async fn twilio_messages(
    State(fake): State<Fake>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    if fake.calls.fetch_add(1, Ordering::SeqCst) == 0 {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            json!({ "code": 20429, "message": "Too Many Requests" }).to_string(),
        );
    }
    let authorized = headers
        .get("authorization")
        .is_some_and(|v| v.as_bytes().starts_with(b"Basic "));
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let callback = form
        .iter()
        .find(|(k, _)| k == "StatusCallback")
        .map(|(_, v)| v.clone());
    let (Some(callback), true) = (callback, authorized) else {
        return (StatusCode::BAD_REQUEST, "{}".to_owned());
    };
    let sid = "SM0f9e8d7c6b5a49382716f5e4d3c2b1a0";
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        for (status, error) in [
            ("sent", None),
            ("delivered", None),
            ("sent", None),
            ("delivered", None),
            ("undelivered", Some("30005")),
        ] {
            let mut params = vec![
                ("AccountSid".to_owned(), SID.to_owned()),
                ("MessageSid".to_owned(), sid.to_owned()),
                ("MessageStatus".to_owned(), status.to_owned()),
            ];
            if let Some(code) = error {
                params.push(("ErrorCode".to_owned(), code.to_owned()));
            }
            let signature = twilio_signature(TOKEN, &callback, &params);
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&params)
                .finish();
            let _ = fake
                .http
                .post(&callback)
                .header("X-Twilio-Signature", signature)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    (
        StatusCode::CREATED,
        json!({ "sid": sid, "status": "queued" }).to_string(),
    )
}

/// Fake Cloud API: accepts the message, then sends receipts read-first.
async fn meta_messages(State(fake): State<Fake>) -> (StatusCode, String) {
    let wamid = "wamid.HBgLMzM2MTIzNDU2NzgVAgARGBJBQkNERUY";
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = jiff::Timestamp::now().as_second();
        let url = format!("{}/webhooks/whatsapp", fake.notify);
        let receipts = [
            ("read", 40, META_SECRET),
            ("sent", 2, META_SECRET),
            ("failed", 50, "forged-secret"),
            ("delivered", 20, META_SECRET),
            ("delivered", 20, META_SECRET),
        ];
        for (status, offset, secret) in receipts {
            let body = json!({ "object": "whatsapp_business_account", "entry": [{ "id": "WABA", "changes": [{ "field": "messages", "value": {
                "messaging_product": "whatsapp",
                "statuses": [{ "id": wamid, "status": status, "timestamp": (now + offset).to_string(), "recipient_id": "33612345678" }]
            }}]}]})
            .to_string();
            let _ = fake
                .http
                .post(&url)
                .header("Content-Type", "application/json")
                .header(
                    "X-Hub-Signature-256",
                    meta_signature(secret, body.as_bytes()),
                )
                .body(body)
                .send()
                .await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    (StatusCode::OK, json!({ "messaging_product": "whatsapp", "messages": [{ "id": wamid, "message_status": "accepted" }] }).to_string())
}

async fn call(client: &Client, tool: &str, arguments: Value) -> anyhow::Result<Value> {
    let Value::Object(map) = arguments else {
        anyhow::bail!("arguments must be an object")
    };
    let result = client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(map as JsonObject))
        .await?;
    ensure!(
        result.is_error != Some(true),
        "{tool}: {:?}",
        result.content
    );
    result.structured_content.context("no structuredContent")
}

#[allow(clippy::print_stdout)]
fn print_history(title: &str, report: &Value) {
    println!(
        "\n{title}: {} → status {}",
        report["message_id"].as_str().unwrap_or("?"),
        report["status"].as_str().unwrap_or("?")
    );
    println!(
        "  {:<12} {:<11} {:<32} {:<8} error",
        "status", "source", "at", "moved"
    );
    for entry in report["history"].as_array().into_iter().flatten() {
        println!(
            "  {:<12} {:<11} {:<32} {:<8} {}",
            entry["status"].as_str().unwrap_or(""),
            entry["source"].as_str().unwrap_or(""),
            entry["at"].as_str().unwrap_or(""),
            if entry["changed_status"] == true {
                "yes"
            } else {
                "no"
            },
            entry["error"].as_str().unwrap_or("")
        );
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // mcp-notify's webhook listener first: the fakes need its address.
    let webhook_listener = TcpListener::bind("127.0.0.1:0").await?;
    let notify = format!("http://{}", webhook_listener.local_addr()?);
    let fake = Fake {
        notify: notify.clone(),
        calls: Arc::new(AtomicUsize::new(0)),
        http: reqwest::Client::new(),
    };
    let twilio = listen(
        Router::new()
            .route(
                &format!("/2010-04-01/Accounts/{SID}/Messages.json"),
                post(twilio_messages),
            )
            .with_state(fake.clone()),
    )
    .await?;
    let meta = listen(
        Router::new()
            .route("/v23.0/100200300/messages", post(meta_messages))
            .with_state(fake),
    )
    .await?;

    let outbox = tempfile::tempdir()?;
    let mut config = NotifyConfig::outbox(outbox.path().to_owned());
    config.retry = RetryPolicy {
        retries: 3,
        min_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
    };
    config.twilio = Some(TwilioConfig {
        account_sid: SID.to_owned(),
        auth_token: SecretString::from(TOKEN.to_owned()),
        from: "+34910000000".to_owned(),
        base_url: url::Url::parse(&format!("{twilio}/"))?,
    });
    config.whatsapp = Some(WhatsAppConfig {
        token: SecretString::from("simulated-bearer".to_owned()),
        phone_number_id: "100200300".to_owned(),
        base_url: url::Url::parse(&format!("{meta}/"))?,
        api_version: "v23.0".to_owned(),
    });
    config.webhooks.twilio_auth_token = Some(SecretString::from(TOKEN.to_owned()));
    config.webhooks.meta_app_secret = Some(SecretString::from(META_SECRET.to_owned()));
    config.webhooks.public_url = Some(url::Url::parse(&notify)?);
    let app = mcp_notify::build(&config).await?;
    let routes = app.webhooks.clone();
    tokio::spawn(async move { axum::serve(webhook_listener, routes).await });

    let server = app.server();
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let client: Client = ().serve(client_io).await?;

    let sms = call(&client, "send_sms", json!({
        "to": "+34612345678", "template": "shipping_update", "locale": "es-ES",
        "variables": { "order_number": "A-1042", "carrier": "Correos", "estimated_delivery": "2025-06-05", "tracking_url": "https://track.example/PK1" }
    })).await?;
    let whatsapp = call(&client, "send_whatsapp", json!({
        "to": "+33612345678", "template": "order_confirmation", "locale": "fr-FR",
        "variables": { "customer_name": "Élodie", "order_number": "A-1043", "total": "1234.5", "currency": "EUR", "order_url": "https://shop.example/o/A-1043" }
    })).await?;
    tokio::time::sleep(Duration::from_millis(600)).await;

    let sms = call(
        &client,
        "get_delivery_status",
        json!({ "message_id": sms["message_id"] }),
    )
    .await?;
    let whatsapp = call(
        &client,
        "get_delivery_status",
        json!({ "message_id": whatsapp["message_id"] }),
    )
    .await?;
    print_history(
        &format!("SMS via fake Twilio ({} attempts)", sms["attempts"]),
        &sms,
    );
    print_history("WhatsApp via fake Cloud API", &whatsapp);
    ensure!(
        sms["status"] == "delivered",
        "an undelivered after delivered must not regress the status"
    );
    ensure!(
        whatsapp["status"] == "read",
        "a late delivered must not overwrite read"
    );
    ensure!(
        whatsapp["history"]
            .as_array()
            .is_some_and(|h| h.iter().all(|e| e["status"] != "failed")),
        "the forged report was recorded"
    );
    client.cancel().await?;
    Ok(())
}
