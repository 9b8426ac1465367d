//! Where messages, their status histories, idempotency keys and the last
//! inbound time of WhatsApp numbers are kept.
//!
//! One trait, [`StatusStore`], with two implementations: [`MemoryStore`]
//! (the embedded default, gone when the process ends) and [`RedisStore`]
//! (when `REDIS_URL` is set: shared by every instance, kept for
//! [`RETENTION`]). Both keep a history as an append-only list guarded by a
//! set of the reports already seen, so appending is idempotent and atomic
//! and the status rules stay in one Rust function ([`crate::status::fold`])
//! rather than being repeated in a Redis script.
//!
//! A webhook can arrive before the provider's answer to the send call has
//! told us the provider's id (Meta is fast). Such a report is parked under
//! the provider id and moved into the history when the id is linked
//! ([`StatusStore::link_provider`]).

mod memory;
mod redis;

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;

pub use memory::MemoryStore;
pub use redis::RedisStore;

use crate::status::{Event, MessageRecord};

/// How long messages, histories and idempotency keys are kept in Redis.
pub const RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long a report for an unknown provider id waits to be claimed.
pub const PARKED_RETENTION: Duration = Duration::from_secs(24 * 3600);
/// How long the last inbound time of a WhatsApp number is kept (the window is 24 h).
pub const INBOUND_RETENTION: Duration = Duration::from_secs(48 * 3600);

/// A store failure (Redis unreachable, a record that does not parse).
#[derive(Debug, Clone, thiserror::Error)]
#[error("status store: {0}")]
pub struct StoreError(pub String);

/// The result of claiming an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key was free and now names the new message.
    Claimed,
    /// The key already names this message.
    Taken(String),
}

/// Storage of messages and their status histories.
pub trait StatusStore: Send + Sync + fmt::Debug {
    /// Makes `key` name `message_id`, unless it already names a message.
    fn claim_idempotency<'a>(
        &'a self,
        key: &'a str,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<Claim, StoreError>>;

    /// Saves (or replaces) a message's record.
    fn put_message<'a>(
        &'a self,
        record: &'a MessageRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// A message's record.
    fn get_message<'a>(
        &'a self,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<MessageRecord>, StoreError>>;

    /// Appends a report to a message's history; `false` when the same report
    /// (status and source) is already there.
    fn append_event<'a>(
        &'a self,
        message_id: &'a str,
        event: &'a Event,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// A message's history, in arrival order.
    fn history<'a>(&'a self, message_id: &'a str) -> BoxFuture<'a, Result<Vec<Event>, StoreError>>;

    /// Records that `provider` calls this message `provider_id`, and moves
    /// any reports parked under that id into its history.
    fn link_provider<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Our id of the message `provider` calls `provider_id`.
    fn find_by_provider<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>>;

    /// Keeps a report for a provider id not linked yet.
    fn park_event<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
        event: &'a Event,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Records that `phone` (E.164) wrote to us at `at`; the latest time is kept.
    fn note_inbound<'a>(
        &'a self,
        phone: &'a str,
        at: Timestamp,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// When `phone` last wrote to us.
    fn last_inbound<'a>(
        &'a self,
        phone: &'a str,
    ) -> BoxFuture<'a, Result<Option<Timestamp>, StoreError>>;
}

/// Reports a provider made about one of its ids, wherever that id stands.
///
/// Returns our message id when the report went into a history, `None` when
/// it was parked for an id not linked yet.
pub async fn record_provider_event(
    store: &dyn StatusStore,
    provider: &str,
    provider_id: &str,
    event: &Event,
) -> Result<Option<String>, StoreError> {
    if let Some(message_id) = store.find_by_provider(provider, provider_id).await? {
        store.append_event(&message_id, event).await?;
        return Ok(Some(message_id));
    }
    store.park_event(provider, provider_id, event).await?;
    // The id may have been linked between the look-up and the parking; the
    // link drains parked reports, so drain again (appending is idempotent).
    if let Some(message_id) = store.find_by_provider(provider, provider_id).await? {
        store
            .link_provider(provider, provider_id, &message_id)
            .await?;
        return Ok(Some(message_id));
    }
    Ok(None)
}
