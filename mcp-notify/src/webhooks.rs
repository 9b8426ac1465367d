//! Delivery reports from the providers, as signed webhooks.
//!
//! Served next to `/mcp` in HTTP mode, or on their own listener
//! (`--webhooks ADDR`) when the MCP side is stdio:
//!
//! - `POST /webhooks/twilio` — Twilio status callbacks (form-encoded
//!   `MessageSid`, `MessageStatus`, `ErrorCode`). Twilio signs each one in
//!   `X-Twilio-Signature`: base64 of HMAC-SHA1, keyed with the auth token,
//!   over the full URL Twilio called followed by every POST parameter sorted
//!   by name, name and value concatenated ([`twilio_signature`]). The URL is
//!   `NOTIFY_PUBLIC_URL` + `/webhooks/twilio` when configured (what Twilio
//!   was told to call), else rebuilt from the `Host` header.
//! - `GET /webhooks/whatsapp` — Meta's subscription check: echoes
//!   `hub.challenge` when `hub.mode=subscribe` and `hub.verify_token` matches.
//! - `POST /webhooks/whatsapp` — Meta's notifications, signed in
//!   `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>` over
//!   the raw bytes received (never re-serialised JSON). `statuses` advance
//!   message histories; inbound `messages` open the 24-hour window of the
//!   number that wrote.
//!
//! Signatures are compared in constant time (aws-lc's `hmac::verify`). A
//! request without a signature gets 401, a wrong one 403, and neither records
//! anything. An endpoint whose secret is not configured answers 404.

use std::sync::Arc;

use aws_lc_rs::hmac;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use secrecy::ExposeSecret as _;
use serde::Deserialize;
use serde_json::Value;

use crate::config::WebhookConfig;
use crate::provider::unix_or_now;
use crate::status::{Event, Status};
use crate::store::{StatusStore, record_provider_event};

/// Path of Twilio status callbacks.
pub const TWILIO_PATH: &str = "/webhooks/twilio";
/// Path of Meta's WhatsApp webhook.
pub const WHATSAPP_PATH: &str = "/webhooks/whatsapp";
/// Largest webhook body accepted.
pub const MAX_BODY: usize = 1 << 20;
/// Longest provider id accepted from a webhook.
const MAX_ID: usize = 256;

#[derive(Clone)]
struct Hooks {
    store: Arc<dyn StatusStore>,
    config: Arc<WebhookConfig>,
}

/// The webhook routes, reporting into `store`.
pub fn router(store: Arc<dyn StatusStore>, config: WebhookConfig) -> Router {
    Router::new()
        .route(TWILIO_PATH, post(twilio))
        .route(WHATSAPP_PATH, get(meta_verify).post(meta_notify))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(Hooks {
            store,
            config: Arc::new(config),
        })
}

/// The URL Twilio is told to post status callbacks to, when there is a public URL.
pub fn twilio_callback_url(config: &WebhookConfig) -> Option<url::Url> {
    let base = config.public_url.as_ref()?;
    let mut url = base.clone();
    let path = format!("{}{}", base.path().trim_end_matches('/'), TWILIO_PATH);
    url.set_path(&path);
    Some(url)
}

/// `X-Twilio-Signature` for a request to `url` with POST `params`.
pub fn twilio_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, auth_token.as_bytes());
    let tag = hmac::sign(&key, twilio_signed_data(url, params).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// Whether `signature` is Twilio's for this request (constant-time).
pub fn verify_twilio(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    signature: &str,
) -> bool {
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, auth_token.as_bytes());
    hmac::verify(&key, twilio_signed_data(url, params).as_bytes(), &expected).is_ok()
}

fn twilio_signed_data(url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = url.to_owned();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    data
}

/// `X-Hub-Signature-256` for `body` (`sha256=<hex>`).
pub fn meta_signature(app_secret: &str, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, app_secret.as_bytes());
    let tag = hmac::sign(&key, body);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Whether `header` is Meta's signature of `body` (constant-time).
pub fn verify_meta(app_secret: &str, body: &[u8], header: &str) -> bool {
    let Some(expected) = header.trim().strip_prefix("sha256=").and_then(decode_hex) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, app_secret.as_bytes());
    hmac::verify(&key, body, &expected).is_ok()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn reply(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

fn store_failed(error: &crate::store::StoreError) -> Response {
    tracing::error!(%error, "webhook could not be recorded");
    // 5xx: the provider retries later, which is what we want.
    reply(
        StatusCode::SERVICE_UNAVAILABLE,
        "something went wrong; retry later",
    )
}

async fn twilio(State(hooks): State<Hooks>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let Some(token) = hooks.config.twilio_auth_token.as_ref() else {
        return reply(StatusCode::NOT_FOUND, "Twilio webhooks are not configured");
    };
    let Some(signature) = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return reply(StatusCode::UNAUTHORIZED, "missing X-Twilio-Signature");
    };
    let url = match twilio_callback_url(&hooks.config) {
        Some(mut url) => {
            url.set_query(uri.query());
            url.to_string()
        }
        None => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("localhost");
            let path = uri.path_and_query().map_or(TWILIO_PATH, |p| p.as_str());
            format!("http://{host}{path}")
        }
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    if !verify_twilio(token.expose_secret(), &url, &params, signature) {
        tracing::warn!(%url, "Twilio callback with a wrong signature refused");
        return reply(StatusCode::FORBIDDEN, "invalid X-Twilio-Signature");
    }
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let (Some(sid), Some(reported)) = (param("MessageSid"), param("MessageStatus")) else {
        return reply(
            StatusCode::BAD_REQUEST,
            "MessageSid and MessageStatus are required",
        );
    };
    if sid.is_empty() || sid.len() > MAX_ID {
        return reply(StatusCode::BAD_REQUEST, "bad MessageSid");
    }
    let Some(status) = Status::from_twilio(reported) else {
        tracing::debug!(reported, "Twilio status not about delivery; ignored");
        return reply(StatusCode::OK, "");
    };
    let mut event = Event::now(status, "twilio");
    if let Some(code) = param("ErrorCode").filter(|c| !c.is_empty()) {
        let message = param("ErrorMessage").unwrap_or("see https://www.twilio.com/docs/api/errors");
        event = event.with_error(format!("Twilio error {code}: {message}"));
    }
    match record_provider_event(hooks.store.as_ref(), "twilio", sid, &event).await {
        Ok(message_id) => {
            tracing::info!(provider_id = sid, status = %status, message_id = ?message_id, "Twilio status recorded");
            reply(StatusCode::OK, "")
        }
        Err(error) => store_failed(&error),
    }
}

#[derive(Deserialize)]
struct Verification {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

async fn meta_verify(State(hooks): State<Hooks>, Query(query): Query<Verification>) -> Response {
    let Some(expected) = hooks.config.meta_verify_token.as_ref() else {
        return reply(
            StatusCode::NOT_FOUND,
            "WhatsApp webhook verification is not configured",
        );
    };
    let token_ok = query.verify_token.as_deref().is_some_and(|given| {
        aws_lc_rs::constant_time::verify_slices_are_equal(
            given.as_bytes(),
            expected.expose_secret().as_bytes(),
        )
        .is_ok()
    });
    match (query.mode.as_deref(), query.challenge) {
        (Some("subscribe"), Some(challenge))
            if token_ok
                && challenge.len() <= 256
                && challenge.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            (StatusCode::OK, challenge).into_response()
        }
        _ => reply(StatusCode::FORBIDDEN, "verification refused"),
    }
}

async fn meta_notify(State(hooks): State<Hooks>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = hooks.config.meta_app_secret.as_ref() else {
        return reply(
            StatusCode::NOT_FOUND,
            "WhatsApp webhooks are not configured",
        );
    };
    let Some(signature) = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
    else {
        return reply(StatusCode::UNAUTHORIZED, "missing X-Hub-Signature-256");
    };
    if !verify_meta(secret.expose_secret(), &body, signature) {
        tracing::warn!("WhatsApp webhook with a wrong signature refused");
        return reply(StatusCode::FORBIDDEN, "invalid X-Hub-Signature-256");
    }
    let Ok(payload) = serde_json::from_slice::<Value>(&body) else {
        return reply(StatusCode::BAD_REQUEST, "the body is not JSON");
    };
    let values = payload["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|entry| entry["changes"].as_array().into_iter().flatten())
        .map(|change| &change["value"]);
    for value in values {
        for report in value["statuses"].as_array().into_iter().flatten() {
            let (Some(id), Some(status)) = (
                report["id"]
                    .as_str()
                    .filter(|id| !id.is_empty() && id.len() <= MAX_ID),
                report["status"].as_str().and_then(Status::from_meta),
            ) else {
                continue;
            };
            let mut event = Event {
                status,
                at: unix_or_now(report["timestamp"].as_str()),
                source: "whatsapp".to_owned(),
                error: None,
            };
            if let Some(error) = report["errors"].as_array().and_then(|e| e.first()) {
                event = event.with_error(meta_error(error));
            }
            if let Err(error) =
                record_provider_event(hooks.store.as_ref(), "whatsapp", id, &event).await
            {
                return store_failed(&error);
            }
            tracing::info!(provider_id = id, status = %status, "WhatsApp status recorded");
        }
        for message in value["messages"].as_array().into_iter().flatten() {
            let Some(from) = message["from"].as_str() else {
                continue;
            };
            let Ok(phone) = crate::validate::phone(&format!("+{}", from.trim_start_matches('+')))
            else {
                continue;
            };
            let at = unix_or_now(message["timestamp"].as_str());
            if let Err(error) = hooks.store.note_inbound(&phone.e164, at).await {
                return store_failed(&error);
            }
            tracing::info!(from = %phone.e164, "WhatsApp inbound message: 24-hour window open");
        }
    }
    reply(StatusCode::OK, "")
}

/// Meta's error object as one line: `131047 Re-engagement message: details`.
fn meta_error(error: &Value) -> String {
    let code = error["code"]
        .as_i64()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let title = error["title"]
        .as_str()
        .or_else(|| error["message"].as_str())
        .unwrap_or("error");
    match error["error_data"]["details"].as_str() {
        Some(details) => format!("WhatsApp error {code} {title}: {details}"),
        None => format!("WhatsApp error {code} {title}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Twilio's documented example (security docs): this URL, these
    /// parameters and token `12345` sign to `0/KCTR6DLpKmkAf8muzZqo1nDgQ=`.
    #[test]
    fn twilio_documented_vector() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        let params = pairs(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]);
        assert_eq!(
            twilio_signature("12345", url, &params),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
        assert!(verify_twilio(
            "12345",
            url,
            &params,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        // Parameter order on the wire does not matter; their values do.
        let mut shuffled = params.clone();
        shuffled.reverse();
        assert!(verify_twilio(
            "12345",
            url,
            &shuffled,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        let mut forged = params.clone();
        forged[2].1 = "9999".to_owned();
        assert!(!verify_twilio(
            "12345",
            url,
            &forged,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        assert!(!verify_twilio(
            "54321",
            url,
            &params,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        assert!(!verify_twilio(
            "12345",
            "https://mycompany.com/myapp.php",
            &params,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        assert!(!verify_twilio("12345", url, &params, "not base64!"));
    }

    /// HMAC-SHA256 of RFC 4231 test case 2 ("Jefe", "what do ya want for nothing?").
    #[test]
    fn meta_signature_is_hmac_sha256_hex() {
        let header = meta_signature("Jefe", b"what do ya want for nothing?");
        assert_eq!(
            header,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify_meta(
            "Jefe",
            b"what do ya want for nothing?",
            &header
        ));
        assert!(verify_meta(
            "Jefe",
            b"what do ya want for nothing?",
            &header.to_uppercase().replace("SHA256=", "sha256=")
        ));
        assert!(!verify_meta(
            "Jefe",
            b"what do ya want for nothing!",
            &header
        ));
        assert!(!verify_meta(
            "jefe",
            b"what do ya want for nothing?",
            &header
        ));
        assert!(!verify_meta(
            "Jefe",
            b"what do ya want for nothing?",
            "sha1=abc"
        ));
        assert!(!verify_meta(
            "Jefe",
            b"what do ya want for nothing?",
            "sha256=zz"
        ));
    }

    #[test]
    fn callback_url_keeps_the_public_path() {
        let config = WebhookConfig {
            public_url: url::Url::parse("https://hooks.example.com/notify/").ok(),
            ..WebhookConfig::default()
        };
        assert_eq!(
            twilio_callback_url(&config).map(|u| u.to_string()),
            Some("https://hooks.example.com/notify/webhooks/twilio".to_owned())
        );
    }
}
