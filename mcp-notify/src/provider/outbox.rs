//! The embedded provider: every message becomes a file a person can open.
//!
//! E-mails are written as `.eml` files — the exact RFC 5322 message SMTP
//! would carry, built by the same code — so any mail client shows them as
//! the recipient would. SMS and WhatsApp messages are JSON files holding the
//! text the recipient would read and the request the real provider would
//! have received. Files are written under a temporary name and renamed, so a
//! reader never sees half a message.
//!
//! The outbox then plays the provider's part: it reports `sent` and then
//! `delivered` a step apart, through the same path as a webhook, so a
//! message's history looks like one sent for real.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt as _};
use jiff::Timestamp;
use serde_json::json;

use super::{Accepted, Content, Outgoing, Provider, ProviderError, email, twilio, whatsapp};
use crate::status::{Event, Status};
use crate::store::{StatusStore, record_provider_event};

/// The sender shown in outbox SMS files.
const SMS_SENDER: &str = "Museo";

/// Writes messages to a directory.
#[derive(Debug, Clone)]
pub struct OutboxProvider {
    dir: PathBuf,
    step: Duration,
    store: Arc<dyn StatusStore>,
}

impl OutboxProvider {
    /// An outbox in `dir` (created when the first message is written) that
    /// reports each status `step` after the previous one into `store`.
    pub fn new(dir: PathBuf, step: Duration, store: Arc<dyn StatusStore>) -> Self {
        Self { dir, step, store }
    }

    /// The directory messages are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    async fn write(&self, name: &str, bytes: Vec<u8>) -> Result<PathBuf, ProviderError> {
        let io = |e: std::io::Error| {
            ProviderError::permanent(format!(
                "cannot write to the outbox {}: {e}",
                self.dir.display()
            ))
        };
        tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
        let path = self.dir.join(name);
        let partial = self.dir.join(format!(".{name}.partial"));
        tokio::fs::write(&partial, bytes).await.map_err(io)?;
        tokio::fs::rename(&partial, &path).await.map_err(io)?;
        Ok(path)
    }

    /// Reports `sent`, then `delivered`, a step apart, as a provider would.
    fn advance(&self, provider_id: String) {
        let store = Arc::clone(&self.store);
        let step = self.step;
        tokio::spawn(async move {
            for status in [Status::Sent, Status::Delivered] {
                tokio::time::sleep(step).await;
                let event = Event::now(status, "outbox");
                if let Err(error) =
                    record_provider_event(store.as_ref(), "outbox", &provider_id, &event).await
                {
                    tracing::warn!(%error, message_id = %provider_id, "outbox could not record a status");
                    return;
                }
            }
        });
    }
}

fn json_bytes(value: &serde_json::Value) -> Result<Vec<u8>, ProviderError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| ProviderError::permanent(format!("cannot encode the outbox file: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

impl Provider for OutboxProvider {
    fn name(&self) -> &'static str {
        "outbox"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, ProviderError>> {
        async move {
            let now = Timestamp::now();
            let stamp = now.strftime("%Y%m%dT%H%M%SZ");
            let common = json!({
                "message_id": message.message_id,
                "provider": "outbox",
                "created_at": now.to_string(),
                "to": message.to,
                "locale": message.locale.tag(),
                "template": message.template,
            });
            let (name, bytes) = match &message.content {
                Content::Email { .. } => {
                    let mail = email::build(message)?;
                    (format!("{stamp}-email-{}.eml", message.message_id), mail.formatted())
                }
                Content::Sms {
                    body,
                    encoding,
                    segments,
                } => {
                    let mut file = common;
                    file["channel"] = json!("sms");
                    file["text"] = json!(body);
                    file["encoding"] = json!(encoding);
                    file["segments"] = json!(segments);
                    let form: serde_json::Map<String, serde_json::Value> =
                        twilio::TwilioProvider::form(&message.to, SMS_SENDER, body, None)
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), json!(v)))
                            .collect();
                    file["twilio_request"] = serde_json::Value::Object(form);
                    (format!("{stamp}-sms-{}.json", message.message_id), json_bytes(&file)?)
                }
                Content::WhatsAppText { .. } | Content::WhatsAppTemplate { .. } => {
                    let mut file = common;
                    file["channel"] = json!("whatsapp");
                    file["kind"] = json!(match message.content {
                        Content::WhatsAppText { .. } => "text",
                        _ => "template",
                    });
                    file["text"] = json!(message.content.text());
                    file["cloud_api_request"] = whatsapp::payload(message)?;
                    (format!("{stamp}-whatsapp-{}.json", message.message_id), json_bytes(&file)?)
                }
            };
            let path = self.write(&name, bytes).await?;
            tracing::info!(path = %path.display(), message_id = %message.message_id, "message written to the outbox");
            self.advance(message.message_id.clone());
            Ok(Accepted {
                provider_id: message.message_id.clone(),
                status: Status::Accepted,
                outbox_path: Some(path),
            })
        }
        .boxed()
    }
}
