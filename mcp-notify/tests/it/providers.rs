//! Twilio and the WhatsApp Cloud API, faked by real HTTP servers (wiremock)
//! that check the exact requests: form fields and basic auth for Twilio, the
//! JSON body and bearer token for Meta. Retries on 429/5xx/timeouts, none on
//! other 4xx; then signed status webhooks arriving late, twice and out of
//! order, and forged ones that must change nothing.

use std::time::Duration;

use anyhow::{Context as _, ensure};
use axum::http::StatusCode;
use base64::Engine as _;
use mcp_notify::config::{NotifyConfig, TwilioConfig, WhatsAppConfig};
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    config, connect, hit, meta_post, meta_status, ok, refused, statuses, twilio_post,
};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "twilio-auth-token";
const PUBLIC: &str = "https://notify.museo.example";
const META_SECRET: &str = "meta-app-secret";

fn twilio_config(dir: &std::path::Path, server: &MockServer) -> anyhow::Result<NotifyConfig> {
    let mut config = config(dir);
    config.twilio = Some(TwilioConfig {
        account_sid: SID.to_owned(),
        auth_token: SecretString::from(TOKEN.to_owned()),
        from: "+34910000000".to_owned(),
        base_url: url::Url::parse(&format!("{}/", server.uri()))?,
    });
    config.webhooks.twilio_auth_token = Some(SecretString::from(TOKEN.to_owned()));
    config.webhooks.public_url = Some(url::Url::parse(PUBLIC)?);
    Ok(config)
}

fn whatsapp_config(dir: &std::path::Path, server: &MockServer) -> anyhow::Result<NotifyConfig> {
    let mut config = config(dir);
    config.whatsapp = Some(WhatsAppConfig {
        token: SecretString::from("wa-bearer".to_owned()),
        phone_number_id: "1234567890".to_owned(),
        base_url: url::Url::parse(&format!("{}/", server.uri()))?,
        api_version: "v23.0".to_owned(),
    });
    config.webhooks.meta_app_secret = Some(SecretString::from(META_SECRET.to_owned()));
    config.webhooks.meta_verify_token = Some(SecretString::from("verify-me".to_owned()));
    Ok(config)
}

fn messages_path() -> String {
    format!("/2010-04-01/Accounts/{SID}/Messages.json")
}

fn created(sid: &str) -> ResponseTemplate {
    ResponseTemplate::new(201)
        .set_body_json(json!({ "sid": sid, "status": "queued", "account_sid": SID }))
}

fn form_of(request: &wiremock::Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

#[tokio::test]
async fn twilio_gets_the_exact_request_and_signed_callbacks_drive_the_status() -> anyhow::Result<()>
{
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(created("SM00000000000000000000000000000001"))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&twilio_config(dir.path(), &server)?).await?;
    let client = connect(&app).await?;
    let sent = ok(
        &client,
        "send_sms",
        json!({ "to": "+34 612 34 56 78", "text": "Tu pedido A-1042 ha salido. 12,50 €" }),
    )
    .await?;
    ensure!(
        sent["provider"] == "twilio" && sent["status"] == "accepted",
        "{sent}"
    );
    ensure!(
        sent["provider_message_id"] == "SM00000000000000000000000000000001",
        "{sent}"
    );
    ensure!(
        sent["sms"]["encoding"] == "GSM-7" && sent["attempts"] == 1,
        "{sent}"
    );

    let requests = server.received_requests().await.context("recording")?;
    ensure!(requests.len() == 1, "{} requests", requests.len());
    let request = &requests[0];
    let expected_auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"))
    );
    ensure!(
        request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(expected_auth.as_str()),
        "authorization header"
    );
    ensure!(
        request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            == Some("application/x-www-form-urlencoded"),
        "content type"
    );
    let form = form_of(request);
    ensure!(
        form == [
            ("To".to_owned(), "+34612345678".to_owned()),
            ("From".to_owned(), "+34910000000".to_owned()),
            (
                "Body".to_owned(),
                "Tu pedido A-1042 ha salido. 12,50 €".to_owned()
            ),
            (
                "StatusCallback".to_owned(),
                format!("{PUBLIC}/webhooks/twilio")
            ),
        ],
        "{form:?}"
    );

    let url = format!("{PUBLIC}/webhooks/twilio");
    let callback = |status: &'static str| {
        vec![
            ("MessageSid", "SM00000000000000000000000000000001"),
            ("MessageStatus", status),
            ("AccountSid", SID),
            ("To", "+34612345678"),
        ]
    };
    let message_id = sent["message_id"].as_str().context("id")?;
    // Forged (wrong token) and unsigned callbacks change nothing.
    let (code, _) = hit(
        &app.webhooks,
        twilio_post(&url, &callback("delivered"), Some("not-the-token"))?,
    )
    .await?;
    ensure!(code == StatusCode::FORBIDDEN, "forged: {code}");
    let (code, _) = hit(
        &app.webhooks,
        twilio_post(&url, &callback("delivered"), None)?,
    )
    .await?;
    ensure!(code == StatusCode::UNAUTHORIZED, "unsigned: {code}");
    let report = ok(
        &client,
        "get_delivery_status",
        json!({ "message_id": message_id }),
    )
    .await?;
    ensure!(statuses(&report) == ["queued", "accepted"], "{report}");

    for status in ["sent", "delivered", "delivered", "sent"] {
        let (code, _) = hit(
            &app.webhooks,
            twilio_post(&url, &callback(status), Some(TOKEN))?,
        )
        .await?;
        ensure!(code == StatusCode::OK, "{status}: {code}");
    }
    let mut failed = callback("failed");
    failed.push(("ErrorCode", "30008"));
    let (code, _) = hit(&app.webhooks, twilio_post(&url, &failed, Some(TOKEN))?).await?;
    ensure!(code == StatusCode::OK, "failed: {code}");
    let report = ok(
        &client,
        "get_delivery_status",
        json!({ "message_id": message_id }),
    )
    .await?;
    ensure!(
        report["status"] == "delivered",
        "a failed after delivered regressed: {report}"
    );
    ensure!(
        statuses(&report) == ["queued", "accepted", "sent", "delivered", "failed"],
        "duplicates kept: {report}"
    );
    let history = report["history"].as_array().context("history")?;
    ensure!(history[4]["changed_status"] == false, "{report}");
    ensure!(
        history[4]["error"]
            .as_str()
            .is_some_and(|e| e.contains("30008"))
            && history[4]["source"] == "twilio",
        "{report}"
    );
    // A callback for a message we never sent is kept aside, harmlessly.
    let stray = vec![
        ("MessageSid", "SMffffffffffffffffffffffffffffffff"),
        ("MessageStatus", "delivered"),
    ];
    ensure!(
        hit(&app.webhooks, twilio_post(&url, &stray, Some(TOKEN))?)
            .await?
            .0
            == StatusCode::OK
    );
    Ok(())
}

#[tokio::test]
async fn twilio_429_and_500_are_retried_then_succeed() -> anyhow::Result<()> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(
                    json!({ "code": 20429, "message": "Too Many Requests", "status": 429 }),
                ),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream trouble"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(created("SM00000000000000000000000000000002"))
        .with_priority(3)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&twilio_config(dir.path(), &server)?).await?;
    let client = connect(&app).await?;
    let sent = ok(
        &client,
        "send_sms",
        json!({ "to": "+34612345678", "text": "Hola", "idempotency_key": "retry-1" }),
    )
    .await?;
    ensure!(
        sent["attempts"] == 3 && sent["status"] == "accepted",
        "{sent}"
    );
    // The same key again: no fourth request.
    let again = ok(
        &client,
        "send_sms",
        json!({ "to": "+34612345678", "text": "Hola", "idempotency_key": "retry-1" }),
    )
    .await?;
    ensure!(
        again["message_id"] == sent["message_id"] && again["duplicate"] == true,
        "{again}"
    );
    let requests = server.received_requests().await.context("recording")?;
    ensure!(requests.len() == 3, "{} requests", requests.len());
    Ok(())
}

#[tokio::test]
async fn twilio_400_is_final_and_recorded_with_the_provider_error() -> anyhow::Result<()> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": 21211, "message": "The 'To' number +34612345678 is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400
        })))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&twilio_config(dir.path(), &server)?).await?;
    let client = connect(&app).await?;
    let text = refused(
        &client,
        "send_sms",
        json!({ "to": "+34612345678", "text": "Hola", "idempotency_key": "bad-1" }),
        &[
            "twilio did not take",
            "1 attempt",
            "21211",
            "will not help",
            "correlation id",
        ],
    )
    .await?;
    ensure!(
        server.received_requests().await.map(|r| r.len()) == Some(1),
        "retried a 400"
    );
    let message_id = text
        .split_whitespace()
        .find(|w| w.starts_with("msg_"))
        .context("message id in the error")?;
    let report = ok(
        &client,
        "get_delivery_status",
        json!({ "message_id": message_id }),
    )
    .await?;
    ensure!(
        report["status"] == "failed" && report["attempts"] == 1,
        "{report}"
    );
    ensure!(
        report["error"]
            .as_str()
            .is_some_and(|e| e.contains("not a valid phone number")),
        "{report}"
    );
    // Retrying with the same key sends nothing and says why.
    refused(
        &client,
        "send_sms",
        json!({ "to": "+34612345678", "text": "Hola", "idempotency_key": "bad-1" }),
        &["already failed", "new idempotency_key"],
    )
    .await?;
    ensure!(
        server.received_requests().await.map(|r| r.len()) == Some(1),
        "sent again"
    );
    Ok(())
}

#[tokio::test]
async fn a_provider_timeout_is_retried_and_reported() -> anyhow::Result<()> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(created("SM3").set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir()?;
    let mut config = twilio_config(dir.path(), &server)?;
    config.provider_timeout = Duration::from_millis(200);
    config.retry.retries = 1;
    let app = mcp_notify::build(&config).await?;
    let client = connect(&app).await?;
    refused(
        &client,
        "send_sms",
        json!({ "to": "+34612345678", "text": "Hola" }),
        &["2 attempt", "timed out", "may help"],
    )
    .await?;
    ensure!(
        server.received_requests().await.map(|r| r.len()) == Some(2),
        "not retried"
    );
    Ok(())
}

#[tokio::test]
async fn whatsapp_template_request_and_out_of_order_receipts() -> anyhow::Result<()> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v23.0/1234567890/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": "34612345678", "wa_id": "34612345678" }],
            "messages": [{ "id": "wamid.HBgLMzQ2MTIzNDU2NzgVAgARGBI", "message_status": "accepted" }]
        })))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&whatsapp_config(dir.path(), &server)?).await?;
    let client = connect(&app).await?;
    let sent = ok(
        &client,
        "send_whatsapp",
        json!({
            "to": "+34612345678", "template": "shipping_update",
            "variables": { "order_number": "A-1042", "carrier": "Correos", "estimated_delivery": "2025-06-05",
                "tracking_url": "https://track.example/PK1" }
        }),
    )
    .await?;
    ensure!(
        sent["provider"] == "whatsapp" && sent["locale"] == "es-ES",
        "{sent}"
    );
    let requests = server.received_requests().await.context("recording")?;
    ensure!(requests.len() == 1, "{} requests", requests.len());
    ensure!(
        requests[0]
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some("Bearer wa-bearer"),
        "bearer"
    );
    let body: Value = serde_json::from_slice(&requests[0].body)?;
    ensure!(
        body == json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "34612345678",
            "type": "template",
            "template": {
                "name": "shipping_update",
                "language": { "code": "es" },
                "components": [{ "type": "body", "parameters": [
                    { "type": "text", "text": "A-1042" },
                    { "type": "text", "text": "Correos" },
                    { "type": "text", "text": "5 de junio de 2025" },
                    { "type": "text", "text": "https://track.example/PK1" }
                ]}]
            }
        }),
        "{body}"
    );

    // Receipts out of order and twice, signed; one forged.
    let wamid = "wamid.HBgLMzQ2MTIzNDU2NzgVAgARGBI";
    let base = jiff::Timestamp::now().as_second();
    let forged = meta_status(wamid, "failed", base);
    let bad = mcp_notify::webhooks::meta_signature("wrong-secret", forged.as_bytes());
    ensure!(hit(&app.webhooks, meta_post(&forged, Some(&bad))?).await?.0 == StatusCode::FORBIDDEN);
    for (status, offset) in [
        ("read", 30),
        ("sent", 1),
        ("delivered", 10),
        ("delivered", 10),
        ("read", 30),
    ] {
        let body = meta_status(wamid, status, base + offset);
        let signature = mcp_notify::webhooks::meta_signature(META_SECRET, body.as_bytes());
        let (code, _) = hit(&app.webhooks, meta_post(&body, Some(&signature))?).await?;
        ensure!(code == StatusCode::OK, "{status}: {code}");
    }
    let report = ok(
        &client,
        "get_delivery_status",
        json!({ "message_id": sent["message_id"] }),
    )
    .await?;
    ensure!(
        report["status"] == "read" && report["is_final"] == true,
        "{report}"
    );
    ensure!(
        statuses(&report) == ["queued", "accepted", "read", "sent", "delivered"],
        "{report}"
    );
    let moved: Vec<bool> = report["history"]
        .as_array()
        .context("history")?
        .iter()
        .map(|e| e["changed_status"] == true)
        .collect();
    ensure!(moved == [true, true, true, false, false], "{report}");
    ensure!(
        report["history"][2]["at"] == jiff::Timestamp::from_second(base + 30)?.to_string(),
        "the provider's time is kept: {report}"
    );
    Ok(())
}

#[tokio::test]
async fn whatsapp_errors_other_than_throttling_are_not_retried() -> anyhow::Result<()> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v23.0/1234567890/messages"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": { "message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429 }
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v23.0/1234567890/messages"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": { "message": "(#131026) Message undeliverable", "type": "OAuthException", "code": 131026,
                "error_data": { "details": "Receiver is incapable of receiving this message" } }
        })))
        .with_priority(2)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&whatsapp_config(dir.path(), &server)?).await?;
    let client = connect(&app).await?;
    refused(
        &client,
        "send_whatsapp",
        json!({
            "to": "+34612345678", "template": "back_in_stock", "locale": "fr-FR",
            "variables": { "product_title": "Tasse Nymphéas", "price": "19", "currency": "EUR", "product_url": "https://x.example/p" }
        }),
        &["2 attempt", "131026", "incapable", "will not help"],
    )
    .await?;
    ensure!(
        server.received_requests().await.map(|r| r.len()) == Some(2),
        "one retry for the throttling 400, none for 131026"
    );
    Ok(())
}

#[tokio::test]
async fn meta_subscription_check() -> anyhow::Result<()> {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir()?;
    let app = mcp_notify::build(&whatsapp_config(dir.path(), &server)?).await?;
    let get = |query: &str| {
        axum::http::Request::get(format!("/webhooks/whatsapp?{query}"))
            .body(axum::body::Body::empty())
    };
    let (code, body) = hit(
        &app.webhooks,
        get("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")?,
    )
    .await?;
    ensure!(
        code == StatusCode::OK && body == "1158201444",
        "{code} {body}"
    );
    for query in [
        "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1",
        "hub.mode=subscribe&hub.challenge=1",
    ] {
        let (code, _) = hit(&app.webhooks, get(query)?).await?;
        ensure!(code == StatusCode::FORBIDDEN, "{query}: {code}");
    }
    // Unconfigured endpoints do not exist.
    let outbox = mcp_notify::build(&config(dir.path())).await?;
    let (code, _) = hit(
        &outbox.webhooks,
        get("hub.mode=subscribe&hub.verify_token=x&hub.challenge=1")?,
    )
    .await?;
    ensure!(code == StatusCode::NOT_FOUND, "{code}");
    Ok(())
}
