//! Sending a message and reading its status: the domain, without MCP.
//!
//! A send runs the same steps on every channel, cheapest first, so that a
//! refusal costs nothing and never leaves a half-made message behind:
//!
//! 1. the recipient is checked (an e-mail address; an E.164 number valid in
//!    its country's plan) and the locale decided (the caller's, else the
//!    number's country, else English);
//! 2. the content is rendered from a template or taken from `text`, and
//!    measured against the channel's limits (SMS segments, WhatsApp length);
//! 3. WhatsApp free text is refused outside the 24-hour window;
//! 4. the idempotency key is claimed — a key that already names a message
//!    returns that message, never a second send;
//! 5. the message is recorded as `queued`, handed to the provider with
//!    retries, and the outcome (the provider's id and status, or its final
//!    error) appended to its history.

use std::sync::Arc;

use jiff::{Timestamp, ToSpan as _};
use lettre::message::Mailbox;
use museo_sdk::locale::FormatLocale;
use museo_sdk::types::Lang;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::RetryPolicy;
use crate::error::NotifyError;
use crate::provider::{Content, Outgoing, Provider, send_with_retries};
use crate::status::{Channel, Event, MessageRecord, Status, fold};
use crate::store::{Claim, StatusStore};
use crate::templates::{Catalog, TemplateInfo};
use crate::validate::{self, SmsEncoding};

/// How long after a customer's last WhatsApp message free text may be sent.
pub const WHATSAPP_WINDOW_HOURS: i64 = 24;

/// One message to send, as the tools receive it.
#[derive(Debug, Clone, Default)]
pub struct SendRequest {
    /// Recipient: an e-mail address or an E.164 number.
    pub to: String,
    /// A template name.
    pub template: Option<String>,
    /// The template's variables.
    pub variables: Option<Map<String, Value>>,
    /// Free text, instead of a template.
    pub text: Option<String>,
    /// E-mail subject (required with `text`; overrides a template's).
    pub subject: Option<String>,
    /// BCP-47 locale.
    pub locale: Option<String>,
    /// Idempotency key.
    pub idempotency_key: Option<String>,
}

/// SMS length, as carriers bill it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SmsInfo {
    /// Parts the message is split into.
    pub segments: usize,
    /// `GSM-7` or `UCS-2`.
    pub encoding: SmsEncoding,
}

/// What a send did.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SendOutcome {
    /// Our id of the message: pass it to get_delivery_status.
    pub message_id: String,
    /// Its status now: queued, accepted, sending, sent, delivered, read, failed or undelivered.
    pub status: Status,
    /// The channel.
    pub channel: Channel,
    /// The recipient, normalised (E.164 for numbers).
    pub to: String,
    /// Where it went: outbox, smtp, twilio or whatsapp.
    pub provider: String,
    /// The provider's id for it (Twilio SM…, WhatsApp wamid…, the e-mail's Message-ID).
    pub provider_message_id: Option<String>,
    /// The locale it was written for (money and dates follow it).
    pub locale: String,
    /// True when the requested language has no translation and English was used.
    pub locale_fallback: bool,
    /// The template used, if any.
    pub template: Option<String>,
    /// The e-mail subject.
    pub subject: Option<String>,
    /// The text the recipient reads (the text part, for e-mail), cut at 500 characters.
    pub preview: String,
    /// For WhatsApp: `text` (free text) or `template` (an approved template message).
    pub whatsapp_kind: Option<String>,
    /// For SMS: segments and encoding.
    pub sms: Option<SmsInfo>,
    /// Provider calls made (more than one when retried).
    pub attempts: u32,
    /// True when this idempotency_key already named this message: nothing was sent again.
    pub duplicate: bool,
    /// Where the outbox wrote the message (outbox mode only).
    pub outbox_path: Option<String>,
}

/// One entry of a message's history.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HistoryItem {
    /// The status reported.
    pub status: Status,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who reported it: mcp-notify, outbox, smtp, twilio or whatsapp.
    pub source: String,
    /// The provider's error, for failures.
    pub error: Option<String>,
    /// Whether this report moved the status (false for late or lower reports).
    pub changed_status: bool,
}

/// A message's delivery status.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DeliveryReport {
    /// Our id.
    pub message_id: String,
    /// Where it stands: the furthest status any report proved.
    pub status: Status,
    /// True when nothing more is expected (delivered, read, failed, undelivered).
    pub is_final: bool,
    /// The channel.
    pub channel: Channel,
    /// The recipient.
    pub to: String,
    /// Where it went.
    pub provider: String,
    /// The provider's id.
    pub provider_message_id: Option<String>,
    /// The template used, if any.
    pub template: Option<String>,
    /// The locale it was written for.
    pub locale: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Provider calls made.
    pub attempts: u32,
    /// The latest error reported, if any.
    pub error: Option<String>,
    /// Every report, in the order they arrived (duplicates dropped).
    pub history: Vec<HistoryItem>,
}

/// A template rendered without sending.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Preview {
    /// The template.
    pub template: String,
    /// The channel it was rendered for.
    pub channel: Channel,
    /// The locale used.
    pub locale: String,
    /// True when English was used for lack of a translation.
    pub locale_fallback: bool,
    /// E-mail subject.
    pub subject: Option<String>,
    /// The text the recipient reads (e-mail text part, SMS, WhatsApp).
    pub text: String,
    /// E-mail HTML part.
    pub html: Option<String>,
    /// WhatsApp template parameters, in order.
    pub whatsapp_parameters: Option<Vec<String>>,
    /// SMS segments and encoding.
    pub sms: Option<SmsInfo>,
}

/// The provider of each channel.
#[derive(Debug, Clone)]
pub struct Providers {
    /// E-mail.
    pub email: Arc<dyn Provider>,
    /// SMS.
    pub sms: Arc<dyn Provider>,
    /// WhatsApp.
    pub whatsapp: Arc<dyn Provider>,
}

/// Sends messages and answers for their status.
#[derive(Debug)]
pub struct Notifier {
    catalog: Catalog,
    store: Arc<dyn StatusStore>,
    providers: Providers,
    email_from: Mailbox,
    retry: RetryPolicy,
}

/// A message ready to record and send.
struct Prepared {
    to: String,
    locale: FormatLocale,
    locale_fallback: bool,
    content: Content,
    subject: Option<String>,
}

impl Notifier {
    /// A notifier sending through `providers`, keeping statuses in `store`.
    pub fn new(
        store: Arc<dyn StatusStore>,
        providers: Providers,
        email_from: Mailbox,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            catalog: Catalog::shipped(),
            store,
            providers,
            email_from,
            retry,
        }
    }

    /// The status store (webhooks report into it).
    pub fn store(&self) -> &Arc<dyn StatusStore> {
        &self.store
    }

    /// The templates, optionally only those for `channel`.
    pub fn templates(&self, channel: Option<Channel>) -> Vec<TemplateInfo> {
        self.catalog
            .list()
            .iter()
            .filter(|t| channel.is_none_or(|c| t.channels.contains(&c)))
            .cloned()
            .collect()
    }

    fn provider(&self, channel: Channel) -> &Arc<dyn Provider> {
        match channel {
            Channel::Email => &self.providers.email,
            Channel::Sms => &self.providers.sms,
            Channel::Whatsapp => &self.providers.whatsapp,
        }
    }

    /// Sends one message on `channel`.
    pub async fn send(
        &self,
        channel: Channel,
        request: SendRequest,
    ) -> Result<SendOutcome, NotifyError> {
        let key = request
            .idempotency_key
            .as_deref()
            .map(validate::idempotency_key)
            .transpose()
            .map_err(|m| NotifyError::invalid("idempotency_key", m))?;
        let prepared = self.prepare(channel, &request).await?;
        let fingerprint = fingerprint(channel, &prepared, request.template.as_deref());
        let message_id = format!("msg_{}", uuid::Uuid::now_v7().simple());
        if let Some(key) = &key
            && let Claim::Taken(existing) = self.store.claim_idempotency(key, &message_id).await?
        {
            return self.replay(&existing, key, &fingerprint, channel).await;
        }
        let provider = Arc::clone(self.provider(channel));
        let outgoing = Outgoing {
            message_id: message_id.clone(),
            to: prepared.to.clone(),
            locale: prepared.locale,
            template: request.template.clone(),
            content: prepared.content,
        };
        let mut record = MessageRecord {
            message_id: message_id.clone(),
            channel,
            to: prepared.to.clone(),
            provider: provider.name().to_owned(),
            provider_message_id: None,
            template: request.template.clone(),
            locale: prepared.locale.tag().to_owned(),
            created_at: Timestamp::now(),
            attempts: 0,
            fingerprint,
            idempotency_key: key,
            outbox_path: None,
        };
        self.store.put_message(&record).await?;
        self.store
            .append_event(&message_id, &Event::now(Status::Queued, "mcp-notify"))
            .await?;
        let (result, attempts) = send_with_retries(provider.as_ref(), &outgoing, self.retry).await;
        record.attempts = attempts;
        let accepted = match result {
            Ok(accepted) => accepted,
            Err(error) => {
                self.store.put_message(&record).await?;
                let event =
                    Event::now(Status::Failed, provider.name()).with_error(error.to_string());
                self.store.append_event(&message_id, &event).await?;
                tracing::warn!(%message_id, provider = provider.name(), attempts, %error, "message failed");
                return Err(NotifyError::Provider {
                    message_id,
                    provider: provider.name().to_owned(),
                    attempts,
                    error,
                });
            }
        };
        record.provider_message_id = Some(accepted.provider_id.clone());
        record.outbox_path = accepted
            .outbox_path
            .as_ref()
            .map(|p| p.display().to_string());
        self.store.put_message(&record).await?;
        self.store
            .append_event(&message_id, &Event::now(accepted.status, provider.name()))
            .await?;
        self.store
            .link_provider(provider.name(), &accepted.provider_id, &message_id)
            .await?;
        let (status, _) = fold(&self.store.history(&message_id).await?);
        tracing::info!(%message_id, provider = provider.name(), channel = channel.as_str(), attempts, "message handed over");
        Ok(SendOutcome {
            message_id,
            status: status.unwrap_or(accepted.status),
            channel,
            to: prepared.to,
            provider: provider.name().to_owned(),
            provider_message_id: Some(accepted.provider_id),
            locale: prepared.locale.tag().to_owned(),
            locale_fallback: prepared.locale_fallback,
            template: request.template,
            subject: prepared.subject,
            preview: validate::quote(outgoing.content.text(), 500),
            whatsapp_kind: whatsapp_kind(&outgoing.content),
            sms: sms_info(&outgoing.content),
            attempts,
            duplicate: false,
            outbox_path: record.outbox_path,
        })
    }

    /// The answer to a call whose idempotency key already names a message.
    async fn replay(
        &self,
        message_id: &str,
        key: &str,
        fingerprint: &str,
        channel: Channel,
    ) -> Result<SendOutcome, NotifyError> {
        let Some(record) = self.store.get_message(message_id).await? else {
            // The first call claimed the key and is still recording its message.
            return Ok(SendOutcome {
                message_id: message_id.to_owned(),
                status: Status::Queued,
                channel,
                to: String::new(),
                provider: self.provider(channel).name().to_owned(),
                provider_message_id: None,
                locale: String::new(),
                locale_fallback: false,
                template: None,
                subject: None,
                preview: String::new(),
                whatsapp_kind: None,
                sms: None,
                attempts: 0,
                duplicate: true,
                outbox_path: None,
            });
        };
        if record.fingerprint != fingerprint {
            return Err(NotifyError::IdempotencyConflict {
                key: validate::quote(key, 60),
                message_id: message_id.to_owned(),
            });
        }
        let history = self.store.history(message_id).await?;
        let (status, _) = fold(&history);
        let status = status.unwrap_or(Status::Queued);
        if status == Status::Failed && record.provider_message_id.is_none() {
            let error = history
                .iter()
                .rev()
                .find_map(|e| e.error.clone())
                .unwrap_or_else(|| "the provider did not take it".to_owned());
            return Err(NotifyError::AlreadyFailed {
                message_id: message_id.to_owned(),
                error,
            });
        }
        Ok(SendOutcome {
            message_id: record.message_id,
            status,
            channel: record.channel,
            to: record.to,
            provider: record.provider,
            provider_message_id: record.provider_message_id,
            locale: record.locale,
            locale_fallback: false,
            template: record.template,
            subject: None,
            preview: String::new(),
            whatsapp_kind: None,
            sms: None,
            attempts: record.attempts,
            duplicate: true,
            outbox_path: record.outbox_path,
        })
    }

    /// Validates, renders and measures a message; nothing is recorded.
    async fn prepare(
        &self,
        channel: Channel,
        request: &SendRequest,
    ) -> Result<Prepared, NotifyError> {
        let (to, region) = match channel {
            Channel::Email => {
                let mailbox =
                    validate::mailbox(&request.to).map_err(|m| NotifyError::invalid("to", m))?;
                (mailbox.to_string(), None)
            }
            Channel::Sms | Channel::Whatsapp => {
                let phone =
                    validate::phone(&request.to).map_err(|m| NotifyError::invalid("to", m))?;
                (phone.e164, phone.region)
            }
        };
        let tag = match request.locale.as_deref() {
            Some(tag) => {
                validate::locale_tag(tag).map_err(|m| NotifyError::invalid("locale", m))?
            }
            None => region
                .as_deref()
                .map_or("en", validate::locale_for_region)
                .to_owned(),
        };
        let locale = FormatLocale::negotiate(&tag);
        let locale_fallback = Lang::from_tag(&tag).is_none();
        if channel != Channel::Email && request.subject.is_some() {
            return Err(NotifyError::invalid(
                "subject",
                "only e-mails have a subject; leave it out",
            ));
        }
        let template = match (&request.template, &request.text) {
            (Some(_), Some(_)) => {
                return Err(NotifyError::invalid(
                    "text",
                    "give either a template (with its variables) or text, not both",
                ));
            }
            (None, None) => {
                return Err(NotifyError::invalid(
                    "text",
                    "missing: give the text to send, or a template with its variables (list_templates shows them)",
                ));
            }
            (Some(name), None) => Some(name.trim()),
            (None, Some(_)) => {
                if request.variables.is_some() {
                    return Err(NotifyError::invalid(
                        "variables",
                        "only go with a template; with text, write the values into the text",
                    ));
                }
                None
            }
        };
        let empty = Map::new();
        let variables = request.variables.as_ref().unwrap_or(&empty);
        let text = |max: usize| {
            validate::free_text(request.text.as_deref().unwrap_or_default(), max)
                .map_err(|m| NotifyError::invalid("text", m))
        };
        let (content, subject) = match channel {
            Channel::Email => {
                let recipient =
                    validate::mailbox(&request.to).map_err(|m| NotifyError::invalid("to", m))?;
                let override_subject = request
                    .subject
                    .as_deref()
                    .map(validate::subject)
                    .transpose()
                    .map_err(|m| NotifyError::invalid("subject", m))?;
                let (subject, text, html) = match template {
                    Some(name) => {
                        let rendered = self.catalog.render_email(name, variables, locale)?;
                        (
                            override_subject.unwrap_or(rendered.subject),
                            rendered.text,
                            rendered.html,
                        )
                    }
                    None => {
                        let subject = override_subject.ok_or_else(|| {
                            NotifyError::invalid(
                                "subject",
                                "missing: an e-mail written as text needs a subject",
                            )
                        })?;
                        let body = text(validate::MAX_EMAIL_TEXT)?;
                        let html = self.catalog.plain_html(&subject, &body, locale.lang())?;
                        (subject, body, html)
                    }
                };
                (
                    Content::Email {
                        from: self.email_from.clone(),
                        to: recipient,
                        subject: subject.clone(),
                        text,
                        html,
                    },
                    Some(subject),
                )
            }
            Channel::Sms => {
                let body = match template {
                    Some(name) => {
                        self.catalog
                            .render_message(name, channel, variables, locale)?
                            .text
                    }
                    None => text(validate::MAX_SMS_SEGMENTS * 160)?,
                };
                let body = validate::sms_text(&body);
                let length = validate::sms(&body).map_err(|m| NotifyError::invalid("text", m))?;
                (
                    Content::Sms {
                        body,
                        encoding: length.encoding,
                        segments: length.segments,
                    },
                    None,
                )
            }
            Channel::Whatsapp => match template {
                Some(name) => {
                    let rendered = self
                        .catalog
                        .render_message(name, channel, variables, locale)?;
                    let chars = rendered.text.chars().count();
                    if chars > validate::MAX_WHATSAPP_TEMPLATE_BODY {
                        return Err(NotifyError::invalid(
                            "variables",
                            format!(
                                "make the message {chars} characters long; a WhatsApp template body holds at most {}",
                                validate::MAX_WHATSAPP_TEMPLATE_BODY
                            ),
                        ));
                    }
                    (
                        Content::WhatsAppTemplate {
                            name: name.to_owned(),
                            language: locale.lang().code().to_owned(),
                            parameters: rendered.parameters,
                            preview: rendered.text,
                        },
                        None,
                    )
                }
                None => {
                    let body = text(validate::MAX_WHATSAPP_TEXT)?;
                    validate::whatsapp_text(&body).map_err(|m| NotifyError::invalid("text", m))?;
                    self.check_window(&to).await?;
                    (Content::WhatsAppText { body }, None)
                }
            },
        };
        Ok(Prepared {
            to,
            locale,
            locale_fallback,
            content,
            subject,
        })
    }

    /// Refuses free text to a number that has not written in the last 24 hours.
    async fn check_window(&self, to: &str) -> Result<(), NotifyError> {
        let last = self.store.last_inbound(to).await?;
        let cutoff = Timestamp::now()
            .checked_sub(WHATSAPP_WINDOW_HOURS.hours())
            .unwrap_or(Timestamp::MIN);
        match last {
            Some(at) if at >= cutoff => Ok(()),
            Some(at) => Err(NotifyError::WindowClosed {
                to: to.to_owned(),
                last: format!("last wrote at {at}"),
            }),
            None => Err(NotifyError::WindowClosed {
                to: to.to_owned(),
                last: "has not written to us".to_owned(),
            }),
        }
    }

    /// A message's status and history.
    pub async fn status(&self, message_id: &str) -> Result<DeliveryReport, NotifyError> {
        let message_id = message_id.trim();
        if message_id.is_empty() {
            return Err(NotifyError::invalid(
                "message_id",
                "is empty: pass the message_id a send tool returned",
            ));
        }
        if message_id.len() > 100
            || !message_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(NotifyError::UnknownMessage(validate::quote(message_id, 60)));
        }
        let record = self
            .store
            .get_message(message_id)
            .await?
            .ok_or_else(|| NotifyError::UnknownMessage(message_id.to_owned()))?;
        let history = self.store.history(message_id).await?;
        let (status, moved) = fold(&history);
        let status = status.unwrap_or(Status::Queued);
        Ok(DeliveryReport {
            message_id: record.message_id,
            status,
            is_final: status.is_final(),
            channel: record.channel,
            to: record.to,
            provider: record.provider,
            provider_message_id: record.provider_message_id,
            template: record.template,
            locale: record.locale,
            created_at: record.created_at.to_string(),
            attempts: record.attempts,
            error: history.iter().rev().find_map(|e| e.error.clone()),
            history: history
                .into_iter()
                .zip(moved)
                .map(|(event, changed_status)| HistoryItem {
                    status: event.status,
                    at: event.at.to_string(),
                    source: event.source,
                    error: event.error,
                    changed_status,
                })
                .collect(),
        })
    }

    /// Renders a template for a channel without sending anything.
    pub fn preview(
        &self,
        template: &str,
        channel: Channel,
        variables: &Map<String, Value>,
        locale: Option<&str>,
    ) -> Result<Preview, NotifyError> {
        let tag = locale
            .map(validate::locale_tag)
            .transpose()
            .map_err(|m| NotifyError::invalid("locale", m))?
            .unwrap_or_else(|| "en".to_owned());
        let locale = FormatLocale::negotiate(&tag);
        let locale_fallback = Lang::from_tag(&tag).is_none();
        let template = template.trim();
        Ok(match channel {
            Channel::Email => {
                let email = self.catalog.render_email(template, variables, locale)?;
                Preview {
                    template: template.to_owned(),
                    channel,
                    locale: locale.tag().to_owned(),
                    locale_fallback,
                    subject: Some(email.subject),
                    text: email.text,
                    html: Some(email.html),
                    whatsapp_parameters: None,
                    sms: None,
                }
            }
            Channel::Sms | Channel::Whatsapp => {
                let message = self
                    .catalog
                    .render_message(template, channel, variables, locale)?;
                let (text, sms) = if channel == Channel::Sms {
                    let text = validate::sms_text(&message.text);
                    let length = validate::sms_length(&text);
                    (
                        text,
                        Some(SmsInfo {
                            segments: length.segments,
                            encoding: length.encoding,
                        }),
                    )
                } else {
                    (message.text, None)
                };
                Preview {
                    template: template.to_owned(),
                    channel,
                    locale: locale.tag().to_owned(),
                    locale_fallback,
                    subject: None,
                    text,
                    html: None,
                    whatsapp_parameters: (channel == Channel::Whatsapp)
                        .then_some(message.parameters),
                    sms,
                }
            }
        })
    }
}

fn whatsapp_kind(content: &Content) -> Option<String> {
    match content {
        Content::WhatsAppText { .. } => Some("text".to_owned()),
        Content::WhatsAppTemplate { .. } => Some("template".to_owned()),
        _ => None,
    }
}

fn sms_info(content: &Content) -> Option<SmsInfo> {
    match content {
        Content::Sms {
            encoding, segments, ..
        } => Some(SmsInfo {
            segments: *segments,
            encoding: *encoding,
        }),
        _ => None,
    }
}

/// A hash of what makes a message this message: channel, recipient,
/// template, locale and the exact text.
fn fingerprint(channel: Channel, prepared: &Prepared, template: Option<&str>) -> String {
    let html = match &prepared.content {
        Content::Email { html, .. } => html.as_str(),
        _ => "",
    };
    let canonical = serde_json::json!([
        channel.as_str(),
        prepared.to,
        template,
        prepared.locale.tag(),
        prepared.subject,
        prepared.content.text(),
        html,
    ]);
    let digest =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.to_string().as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}
