//! Delivery statuses, and how a history of reports becomes one status.
//!
//! Providers report statuses out of order and more than once: Meta may send
//! `delivered` after `read`, Twilio retries a callback it thinks was lost, a
//! carrier's `failed` can trail its own `delivered`. So nothing overwrites a
//! status in place. Every report is appended to the message's history
//! (exact repeats — the same status from the same source — are dropped), and
//! the status is a fold over that history ([`fold`]): the report with the
//! highest [`Status::rank`] wins, the first to arrive among equals. Ranks
//! follow what a report proves: `read` implies `delivered`, which is stronger
//! evidence than a `failed` (a late failure report for a message the handset
//! acknowledged is recorded, but does not regress it), which in turn ends
//! the in-flight states.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Recorded by mcp-notify, not yet handed to the provider.
    Queued,
    /// The provider took the request (Twilio `queued`/`accepted`, Meta `accepted`).
    Accepted,
    /// The provider is handing it to the carrier.
    Sending,
    /// Left the provider (for e-mail: the SMTP relay took it; there are no receipts after that).
    Sent,
    /// Could not be sent or delivered; the history entry has the provider's error.
    Failed,
    /// The carrier could not deliver it (Twilio).
    Undelivered,
    /// Reached the recipient's phone or mailbox.
    Delivered,
    /// Opened by the recipient (WhatsApp read receipts).
    Read,
}

impl Status {
    /// How far along a report proves the message got; see the module docs.
    pub fn rank(self) -> u8 {
        match self {
            Status::Queued => 0,
            Status::Accepted => 1,
            Status::Sending => 2,
            Status::Sent => 3,
            Status::Failed | Status::Undelivered => 4,
            Status::Delivered => 5,
            Status::Read => 6,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Accepted => "accepted",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Undelivered => "undelivered",
            Status::Delivered => "delivered",
            Status::Read => "read",
        }
    }

    /// Whether the message is done with (nothing more is expected but a read receipt).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Failed | Status::Undelivered | Status::Delivered | Status::Read
        )
    }

    /// A Twilio `MessageStatus`; `None` for statuses that are not about an
    /// outgoing message (`receiving`, `received`) or unknown.
    pub fn from_twilio(status: &str) -> Option<Self> {
        Some(match status {
            "accepted" | "scheduled" | "queued" => Status::Accepted,
            "sending" => Status::Sending,
            "sent" => Status::Sent,
            "failed" | "canceled" => Status::Failed,
            "undelivered" => Status::Undelivered,
            "delivered" => Status::Delivered,
            "read" => Status::Read,
            _ => return None,
        })
    }

    /// A WhatsApp Cloud API status (`statuses[].status`).
    pub fn from_meta(status: &str) -> Option<Self> {
        Some(match status {
            "accepted" => Status::Accepted,
            "sent" => Status::Sent,
            "delivered" => Status::Delivered,
            "read" | "played" => Status::Read,
            "failed" => Status::Failed,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// E-mail.
    Email,
    /// SMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Whatsapp];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
        }
    }
}

/// One status report, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The status reported.
    pub status: Status,
    /// When it happened (the provider's time when it gives one, else when it arrived).
    pub at: Timestamp,
    /// Who reported it: `mcp-notify`, `smtp`, `twilio`, `whatsapp` or `outbox`.
    pub source: String,
    /// The provider's error, for failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Event {
    /// A report happening now.
    pub fn now(status: Status, source: &str) -> Self {
        Self {
            status,
            at: Timestamp::now(),
            source: source.to_owned(),
            error: None,
        }
    }

    /// The same report with an error.
    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }

    /// What makes two reports the same report: status and source.
    pub fn dedup_key(&self) -> String {
        format!("{}|{}", self.status, self.source)
    }
}

/// The status a history adds up to, and for each entry whether it moved the
/// status when it arrived. `None` for an empty history.
pub fn fold(history: &[Event]) -> (Option<Status>, Vec<bool>) {
    let mut current: Option<Status> = None;
    let mut moved = Vec::with_capacity(history.len());
    for event in history {
        let advances = current.is_none_or(|c| event.status.rank() > c.rank());
        if advances {
            current = Some(event.status);
        }
        moved.push(advances);
    }
    (current, moved)
}

/// What is kept about a message besides its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Our id (`msg_…`).
    pub message_id: String,
    /// The channel.
    pub channel: Channel,
    /// The recipient (an address or an E.164 number).
    pub to: String,
    /// The provider it went to: `outbox`, `smtp`, `twilio` or `whatsapp`.
    pub provider: String,
    /// The provider's own id (Twilio `SM…`, Meta `wamid…`, the e-mail's Message-ID).
    #[serde(default)]
    pub provider_message_id: Option<String>,
    /// The template, when one was used.
    #[serde(default)]
    pub template: Option<String>,
    /// The locale the message was written for.
    pub locale: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// Provider calls made.
    #[serde(default)]
    pub attempts: u32,
    /// Hash of channel, recipient and content, to tell a retried call from a
    /// different message reusing an idempotency key.
    pub fingerprint: String,
    /// The caller's idempotency key.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Where the outbox wrote it.
    #[serde(default)]
    pub outbox_path: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(statuses: &[Status]) -> Vec<Event> {
        statuses
            .iter()
            .map(|s| Event::now(*s, "whatsapp"))
            .collect()
    }

    #[test]
    fn a_late_delivered_never_overwrites_read() {
        let (status, moved) = fold(&events(&[
            Status::Queued,
            Status::Sent,
            Status::Read,
            Status::Delivered,
        ]));
        assert_eq!(status, Some(Status::Read));
        assert_eq!(moved, [true, true, true, false]);
    }

    #[test]
    fn failed_after_delivered_is_history_only() {
        let (status, moved) = fold(&events(&[Status::Sent, Status::Delivered, Status::Failed]));
        assert_eq!(status, Some(Status::Delivered));
        assert_eq!(moved, [true, true, false]);
        let (status, _) = fold(&events(&[Status::Sent, Status::Failed]));
        assert_eq!(status, Some(Status::Failed));
    }

    #[test]
    fn any_arrival_order_gives_the_same_status() {
        let all = [
            Status::Queued,
            Status::Accepted,
            Status::Sent,
            Status::Delivered,
            Status::Read,
        ];
        // Every rotation of the reports ends at read.
        for shift in 0..all.len() {
            let mut order = all.to_vec();
            order.rotate_left(shift);
            assert_eq!(fold(&events(&order)).0, Some(Status::Read), "{order:?}");
        }
        assert_eq!(fold(&[]).0, None);
    }

    #[test]
    fn provider_vocabularies() {
        assert_eq!(Status::from_twilio("queued"), Some(Status::Accepted));
        assert_eq!(
            Status::from_twilio("undelivered"),
            Some(Status::Undelivered)
        );
        assert_eq!(Status::from_twilio("received"), None);
        assert_eq!(Status::from_meta("read"), Some(Status::Read));
        assert_eq!(Status::from_meta("deleted"), None);
    }
}
