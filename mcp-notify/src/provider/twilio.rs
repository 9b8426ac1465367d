//! SMS through Twilio's Messages API.
//!
//! `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded
//! (`To`, `From` or `MessagingServiceSid`, `Body`, `StatusCallback`), HTTP
//! basic auth with the account SID and auth token. A `201` carries the
//! message SID (`SM…`) and its first status; later statuses come to
//! `/webhooks/twilio` when a public URL is configured.

use futures::future::{BoxFuture, FutureExt as _};
use secrecy::ExposeSecret as _;
use serde::Deserialize;

use super::{
    Accepted, Content, Outgoing, Provider, ProviderError, body_excerpt, retry_after,
    retryable_status, transport_error,
};
use crate::config::TwilioConfig;
use crate::status::Status;

/// Sends SMS through Twilio.
#[derive(Debug, Clone)]
pub struct TwilioProvider {
    config: TwilioConfig,
    client: reqwest::Client,
    status_callback: Option<url::Url>,
}

#[derive(Deserialize)]
struct Created {
    sid: String,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct Refusal {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<String>,
}

impl TwilioProvider {
    /// A provider for `config`; Twilio is asked to post statuses to
    /// `status_callback` when given.
    pub fn new(
        config: TwilioConfig,
        client: reqwest::Client,
        status_callback: Option<url::Url>,
    ) -> Self {
        Self {
            config,
            client,
            status_callback,
        }
    }

    fn endpoint(&self) -> Result<url::Url, ProviderError> {
        self.config
            .base_url
            .join(&format!(
                "2010-04-01/Accounts/{}/Messages.json",
                self.config.account_sid
            ))
            .map_err(|e| ProviderError::permanent(format!("bad Twilio URL: {e}")))
    }

    /// The form Twilio receives for `message` (also what the outbox records).
    pub fn form(
        to: &str,
        from: &str,
        body: &str,
        status_callback: Option<&url::Url>,
    ) -> Vec<(&'static str, String)> {
        let sender = if from.starts_with("MG") {
            "MessagingServiceSid"
        } else {
            "From"
        };
        let mut form = vec![
            ("To", to.to_owned()),
            (sender, from.to_owned()),
            ("Body", body.to_owned()),
        ];
        if let Some(url) = status_callback {
            form.push(("StatusCallback", url.to_string()));
        }
        form
    }
}

impl Provider for TwilioProvider {
    fn name(&self) -> &'static str {
        "twilio"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, ProviderError>> {
        async move {
            let Content::Sms { body, .. } = &message.content else {
                return Err(ProviderError::permanent("Twilio sends SMS only"));
            };
            let form = {
                let mut encoded = url::form_urlencoded::Serializer::new(String::new());
                for (key, value) in Self::form(
                    &message.to,
                    &self.config.from,
                    body,
                    self.status_callback.as_ref(),
                ) {
                    encoded.append_pair(key, &value);
                }
                encoded.finish()
            };
            let response = self
                .client
                .post(self.endpoint()?)
                .basic_auth(
                    &self.config.account_sid,
                    Some(self.config.auth_token.expose_secret()),
                )
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(form)
                .send()
                .await
                .map_err(|e| transport_error(&e))?;
            let status = response.status();
            let wait = retry_after(response.headers());
            let text = response.text().await.map_err(|e| transport_error(&e))?;
            if status.is_success() {
                let created: Created = serde_json::from_str(&text).map_err(|e| {
                    ProviderError::permanent(format!(
                        "Twilio answered {status} with an unreadable body ({e})"
                    ))
                })?;
                let state = created
                    .status
                    .as_deref()
                    .and_then(Status::from_twilio)
                    .unwrap_or(Status::Accepted);
                return Ok(Accepted {
                    provider_id: created.sid,
                    status: state,
                    outbox_path: None,
                });
            }
            let refusal: Option<Refusal> = serde_json::from_str(&text).ok();
            Err(ProviderError {
                retryable: retryable_status(status),
                status: Some(status.as_u16()),
                code: refusal
                    .as_ref()
                    .and_then(|r| r.code.as_ref())
                    .map(|c| c.to_string().trim_matches('"').to_owned()),
                message: refusal
                    .and_then(|r| r.message)
                    .unwrap_or_else(|| body_excerpt(&text)),
                retry_after: wait,
            })
        }
        .boxed()
    }
}
