//! WhatsApp through Meta's Cloud API.
//!
//! `POST {base}/{version}/{phone-number-id}/messages` with a bearer token and
//! a JSON body: `type: "text"` for free text (only inside the 24-hour
//! customer-service window, which [`crate::notifier`] checks first) or
//! `type: "template"` for an approved template, whose translation is chosen
//! by `language.code` and whose body parameters are filled in order. The
//! answer carries the `wamid…` id that Meta's status webhooks refer to.
//!
//! Retried: HTTP 429 and 5xx, and Meta's throttling codes (4, 80007, 130429,
//! 131056), which Meta may send with a 400 although they mean "slow down".
//! Every other error is final.

use futures::future::{BoxFuture, FutureExt as _};
use secrecy::ExposeSecret as _;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Accepted, Content, Outgoing, Provider, ProviderError, body_excerpt, retry_after,
    retryable_status, transport_error,
};
use crate::config::WhatsAppConfig;
use crate::status::Status;

/// Meta error codes that mean "too many requests", whatever the HTTP status.
const THROTTLING_CODES: [i64; 4] = [4, 80007, 130429, 131056];

/// Sends WhatsApp messages through the Cloud API.
#[derive(Debug, Clone)]
pub struct WhatsAppProvider {
    config: WhatsAppConfig,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct Sent {
    messages: Vec<SentMessage>,
}

#[derive(Deserialize)]
struct SentMessage {
    id: String,
    #[serde(default)]
    message_status: Option<String>,
}

#[derive(Deserialize)]
struct Refusal {
    error: MetaError,
}

#[derive(Deserialize)]
struct MetaError {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    error_data: Option<Value>,
}

impl WhatsAppProvider {
    /// A provider for `config`.
    pub fn new(config: WhatsAppConfig, client: reqwest::Client) -> Self {
        Self { config, client }
    }

    fn endpoint(&self) -> Result<url::Url, ProviderError> {
        self.config
            .base_url
            .join(&format!(
                "{}/{}/messages",
                self.config.api_version, self.config.phone_number_id
            ))
            .map_err(|e| ProviderError::permanent(format!("bad WhatsApp URL: {e}")))
    }
}

/// The Cloud API request body for `message` (also what the outbox records).
pub fn payload(message: &Outgoing) -> Result<Value, ProviderError> {
    // The Cloud API takes the number without its +.
    let to = message.to.trim_start_matches('+');
    match &message.content {
        Content::WhatsAppText { body } => Ok(json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": { "preview_url": false, "body": body },
        })),
        Content::WhatsAppTemplate {
            name,
            language,
            parameters,
            ..
        } => {
            let parameters: Vec<Value> = parameters
                .iter()
                .map(|text| json!({ "type": "text", "text": text }))
                .collect();
            Ok(json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "template",
                "template": {
                    "name": name,
                    "language": { "code": language },
                    "components": [ { "type": "body", "parameters": parameters } ],
                },
            }))
        }
        _ => Err(ProviderError::permanent("not a WhatsApp message")),
    }
}

impl Provider for WhatsAppProvider {
    fn name(&self) -> &'static str {
        "whatsapp"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, ProviderError>> {
        async move {
            let body = payload(message)?;
            let response = self
                .client
                .post(self.endpoint()?)
                .bearer_auth(self.config.token.expose_secret())
                .json(&body)
                .send()
                .await
                .map_err(|e| transport_error(&e))?;
            let status = response.status();
            let wait = retry_after(response.headers());
            let text = response.text().await.map_err(|e| transport_error(&e))?;
            if status.is_success() {
                let sent: Sent = serde_json::from_str(&text).map_err(|e| {
                    ProviderError::permanent(format!(
                        "the Cloud API answered {status} with an unreadable body ({e})"
                    ))
                })?;
                let first = sent.messages.into_iter().next().ok_or_else(|| {
                    ProviderError::permanent("the Cloud API answered without a message id")
                })?;
                return Ok(Accepted {
                    provider_id: first.id,
                    status: first
                        .message_status
                        .as_deref()
                        .and_then(Status::from_meta)
                        .unwrap_or(Status::Accepted),
                    outbox_path: None,
                });
            }
            let refusal = serde_json::from_str::<Refusal>(&text).ok().map(|r| r.error);
            let code = refusal.as_ref().and_then(|e| e.code);
            let details = refusal
                .as_ref()
                .and_then(|e| e.error_data.as_ref())
                .and_then(|d| d.get("details"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let message = match (refusal.and_then(|e| e.message), details) {
                (Some(message), Some(details)) => format!("{message}: {details}"),
                (Some(message), None) => message,
                (None, _) => body_excerpt(&text),
            };
            Err(ProviderError {
                retryable: retryable_status(status)
                    || code.is_some_and(|c| THROTTLING_CODES.contains(&c)),
                status: Some(status.as_u16()),
                code: code.map(|c| c.to_string()),
                message,
                retry_after: wait,
            })
        }
        .boxed()
    }
}
