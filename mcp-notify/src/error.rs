//! The one error type of the library, and how it reads as a tool result.
//!
//! Every variant is something the model can act on (fix an argument, pick a
//! template, wait and retry, look a message up), so each becomes a tool
//! result with `isError: true` through [`NotifyError::tool_message`], which
//! adds what to do next and, for faults on our side, the correlation id to
//! quote.

use crate::provider::ProviderError;
use crate::store::StoreError;
use crate::templates::TemplateError;

/// Why a tool call could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// An argument is missing, malformed or out of range.
    #[error("invalid argument `{field}`: {message}")]
    Invalid {
        /// The argument.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The template is unknown, lacks variables, or a value does not render.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// No message has this id.
    #[error(
        "there is no message {0:?}; message ids (msg_…) come from send_email, send_sms and send_whatsapp, and are kept 30 days with Redis, until a restart without it"
    )]
    UnknownMessage(String),
    /// WhatsApp free text outside the 24-hour customer-service window.
    #[error(
        "WhatsApp only delivers free text to a number that wrote to us in the last 24 hours, and {to} {last}. Send an approved template instead: give `template` (list_templates shows them) with its `variables` rather than `text`"
    )]
    WindowClosed {
        /// The recipient.
        to: String,
        /// When it last wrote, in words.
        last: String,
    },
    /// An idempotency key reused for a different message.
    #[error(
        "idempotency_key {key:?} was already used for a different message ({message_id}); use a new key for a new message"
    )]
    IdempotencyConflict {
        /// The key.
        key: String,
        /// The message it names.
        message_id: String,
    },
    /// The provider refused the message, or kept failing until retries ran out.
    #[error("{provider} did not take message {message_id} after {attempts} attempt(s): {error}")]
    Provider {
        /// Our id; its history records the failure.
        message_id: String,
        /// The provider.
        provider: String,
        /// Calls made.
        attempts: u32,
        /// The provider's last error.
        error: ProviderError,
    },
    /// A retried call whose idempotency key names a message that failed.
    #[error("message {message_id} (same idempotency_key) already failed: {error}")]
    AlreadyFailed {
        /// The message.
        message_id: String,
        /// Its recorded error.
        error: String,
    },
    /// The status store is unreachable or returned something unreadable.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl NotifyError {
    /// An error about one argument.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The text of the tool result: the error, what to do, and the
    /// correlation id where the fault is on our side or the provider's.
    pub fn tool_message(&self, correlation_id: &str) -> String {
        match self {
            Self::Provider {
                error, message_id, ..
            } => {
                let next = if error.retryable {
                    "The provider is unavailable or throttling; trying again in a minute may help."
                } else {
                    "Retrying the same call will not help: fix what the provider objects to."
                };
                format!(
                    "{self}. {next} The failure is in the message's history (get_delivery_status {message_id}). (correlation id {correlation_id})"
                )
            }
            Self::AlreadyFailed { .. } => format!(
                "{self}. Nothing was sent again; to try once more, call with a new idempotency_key. (correlation id {correlation_id})"
            ),
            // The cause (a Redis address, a parse error) stays in the logs.
            Self::Store(_) => format!(
                "Something went wrong on our side: delivery statuses cannot be read or written right now. Retrying in a few seconds may help. (correlation id {correlation_id})"
            ),
            _ => self.to_string(),
        }
    }
}
