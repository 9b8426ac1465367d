//! The channels' providers behind one trait, and the retry loop around them.
//!
//! A [`Provider`] takes one rendered, validated message ([`Outgoing`]) and
//! either hands it over ([`Accepted`], with the provider's own id) or says
//! why not ([`ProviderError`], which knows whether trying again can help).
//! [`send_with_retries`] retries the errors that can pass — HTTP 429 and
//! 5xx, timeouts, connection failures, SMTP 4xx — with exponential backoff
//! and jitter, honouring a provider's `Retry-After` up to the policy's
//! longest delay; any other 4xx is final at once.
//!
//! - [`smtp`] sends mail through an SMTP relay with lettre;
//! - [`twilio`] sends SMS through Twilio's Messages API;
//! - [`whatsapp`] sends through the WhatsApp Cloud API;
//! - [`outbox`] writes each message to a directory and plays the provider's
//!   part in status reports.

pub mod email;
pub mod outbox;
pub mod smtp;
pub mod twilio;
pub mod whatsapp;

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable as _};
use futures::future::BoxFuture;
use jiff::Timestamp;
use lettre::message::Mailbox;
use museo_sdk::locale::FormatLocale;

use crate::config::RetryPolicy;
use crate::status::{Channel, Status};
use crate::validate::SmsEncoding;

/// A message ready for its provider.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Our id.
    pub message_id: String,
    /// The recipient: an e-mail address or an E.164 number.
    pub to: String,
    /// The locale it is written for.
    pub locale: FormatLocale,
    /// The template it came from.
    pub template: Option<String>,
    /// What to send.
    pub content: Content,
}

/// The channel-specific content of a message.
#[derive(Debug, Clone)]
pub enum Content {
    /// An e-mail with a text and an HTML part.
    Email {
        /// Sender.
        from: Mailbox,
        /// Recipient.
        to: Mailbox,
        /// Subject line.
        subject: String,
        /// text/plain part.
        text: String,
        /// text/html part.
        html: String,
    },
    /// An SMS.
    Sms {
        /// The text.
        body: String,
        /// Its encoding.
        encoding: SmsEncoding,
        /// Its number of segments.
        segments: usize,
    },
    /// A WhatsApp free-form text (only inside the 24-hour window).
    WhatsAppText {
        /// The text.
        body: String,
    },
    /// A WhatsApp template message.
    WhatsAppTemplate {
        /// The approved template's name.
        name: String,
        /// Its language code (`en`, `es`, `fr`).
        language: String,
        /// The body parameters, in order.
        parameters: Vec<String>,
        /// The text the recipient will read.
        preview: String,
    },
}

impl Content {
    /// The channel this content goes on.
    pub fn channel(&self) -> Channel {
        match self {
            Content::Email { .. } => Channel::Email,
            Content::Sms { .. } => Channel::Sms,
            Content::WhatsAppText { .. } | Content::WhatsAppTemplate { .. } => Channel::Whatsapp,
        }
    }

    /// The text the recipient reads (the text part, for e-mail).
    pub fn text(&self) -> &str {
        match self {
            Content::Email { text, .. } => text,
            Content::Sms { body, .. } | Content::WhatsAppText { body } => body,
            Content::WhatsAppTemplate { preview, .. } => preview,
        }
    }
}

/// A provider took the message.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// The provider's id for it.
    pub provider_id: String,
    /// Where it stands according to the provider's answer.
    pub status: Status,
    /// Where the outbox wrote it.
    pub outbox_path: Option<PathBuf>,
}

/// A provider did not take the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    /// Whether the same call may succeed later.
    pub retryable: bool,
    /// HTTP status or SMTP reply code.
    pub status: Option<u16>,
    /// The provider's error code (Twilio `21211`, Meta `131047`).
    pub code: Option<String>,
    /// The provider's explanation.
    pub message: String,
    /// How long the provider asked us to wait.
    pub retry_after: Option<Duration>,
}

impl ProviderError {
    /// An error that will not pass on a retry.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            retryable: false,
            status: None,
            code: None,
            message: message.into(),
            retry_after: None,
        }
    }

    /// An error that may pass on a retry.
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            retryable: true,
            ..Self::permanent(message)
        }
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.status, &self.code) {
            (Some(status), Some(code)) => write!(f, "{status} (code {code}): {}", self.message),
            (Some(status), None) => write!(f, "{status}: {}", self.message),
            (None, Some(code)) => write!(f, "code {code}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// One channel's way out.
pub trait Provider: Send + Sync + fmt::Debug {
    /// `outbox`, `smtp`, `twilio` or `whatsapp`: the `source` of the
    /// provider's reports and the namespace of its ids.
    fn name(&self) -> &'static str;

    /// Hands one message over; one attempt, no retries.
    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, ProviderError>>;
}

/// Sends with retries per `policy`; returns the outcome and the number of
/// attempts made.
pub async fn send_with_retries(
    provider: &dyn Provider,
    message: &Outgoing,
    policy: RetryPolicy,
) -> (Result<Accepted, ProviderError>, u32) {
    let attempts = AtomicU32::new(0);
    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.min_delay)
        .with_max_delay(policy.max_delay)
        .with_max_times(policy.retries)
        .with_jitter();
    let result = (|| {
        attempts.fetch_add(1, Ordering::Relaxed);
        provider.send(message)
    })
    .retry(backoff)
    .sleep(tokio::time::sleep)
    .when(|e: &ProviderError| e.retryable)
    .adjust(|e: &ProviderError, delay| {
        delay.map(|d| e.retry_after.map_or(d, |wait| wait.min(policy.max_delay)))
    })
    .notify(|e: &ProviderError, delay| {
        tracing::warn!(
            provider = provider.name(),
            message_id = %message.message_id,
            error = %e,
            retry_in_ms = delay.as_millis(),
            "provider call failed; retrying"
        );
    })
    .await;
    (result, attempts.load(Ordering::Relaxed))
}

/// Classifies an HTTP failure that produced no response.
pub(crate) fn transport_error(error: &reqwest::Error) -> ProviderError {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    // The kind and its cause, not reqwest's own message, which repeats the URL.
    match std::error::Error::source(error) {
        Some(cause) => ProviderError::transient(format!("{what}: {cause}")),
        None => ProviderError::transient(what),
    }
}

/// Whether an HTTP status may pass on a retry: 429 and 5xx.
pub(crate) fn retryable_status(status: reqwest::StatusCode) -> bool {
    status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// A `Retry-After` in seconds (the HTTP-date form is not used by these providers).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Text of an error body, cut for quoting.
pub(crate) fn body_excerpt(body: &str) -> String {
    crate::validate::quote(body.trim(), 300)
}

/// The time a provider gave as Unix seconds (Meta's `timestamp`), or now.
pub(crate) fn unix_or_now(seconds: Option<&str>) -> Timestamp {
    seconds
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
        .unwrap_or_else(Timestamp::now)
}
