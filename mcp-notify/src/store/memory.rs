//! The embedded store: everything in one process's memory.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use futures::future::{BoxFuture, FutureExt as _};
use jiff::Timestamp;

use super::{Claim, StatusStore, StoreError};
use crate::status::{Event, MessageRecord};

/// Messages and histories in memory; the default when `REDIS_URL` is unset.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    keys: HashMap<String, String>,
    messages: HashMap<String, MessageRecord>,
    histories: HashMap<String, (Vec<Event>, HashSet<String>)>,
    providers: HashMap<(String, String), String>,
    parked: HashMap<(String, String), Vec<Event>>,
    inbound: HashMap<String, Timestamp>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain maps behind, still usable.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Inner {
    fn append(&mut self, message_id: &str, event: &Event) -> bool {
        let (events, seen) = self.histories.entry(message_id.to_owned()).or_default();
        if seen.insert(event.dedup_key()) {
            events.push(event.clone());
            true
        } else {
            false
        }
    }
}

impl StatusStore for MemoryStore {
    fn claim_idempotency<'a>(
        &'a self,
        key: &'a str,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        let mut inner = self.lock();
        let claim = match inner.keys.get(key) {
            Some(existing) => Claim::Taken(existing.clone()),
            None => {
                inner.keys.insert(key.to_owned(), message_id.to_owned());
                Claim::Claimed
            }
        };
        futures::future::ready(Ok(claim)).boxed()
    }

    fn put_message<'a>(
        &'a self,
        record: &'a MessageRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.lock()
            .messages
            .insert(record.message_id.clone(), record.clone());
        futures::future::ready(Ok(())).boxed()
    }

    fn get_message<'a>(
        &'a self,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<MessageRecord>, StoreError>> {
        let record = self.lock().messages.get(message_id).cloned();
        futures::future::ready(Ok(record)).boxed()
    }

    fn append_event<'a>(
        &'a self,
        message_id: &'a str,
        event: &'a Event,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let added = self.lock().append(message_id, event);
        futures::future::ready(Ok(added)).boxed()
    }

    fn history<'a>(&'a self, message_id: &'a str) -> BoxFuture<'a, Result<Vec<Event>, StoreError>> {
        let events = self
            .lock()
            .histories
            .get(message_id)
            .map(|(events, _)| events.clone())
            .unwrap_or_default();
        futures::future::ready(Ok(events)).boxed()
    }

    fn link_provider<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let mut inner = self.lock();
        let key = (provider.to_owned(), provider_id.to_owned());
        inner.providers.insert(key.clone(), message_id.to_owned());
        for event in inner.parked.remove(&key).unwrap_or_default() {
            inner.append(message_id, &event);
        }
        futures::future::ready(Ok(())).boxed()
    }

    fn find_by_provider<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        let found = self
            .lock()
            .providers
            .get(&(provider.to_owned(), provider_id.to_owned()))
            .cloned();
        futures::future::ready(Ok(found)).boxed()
    }

    fn park_event<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
        event: &'a Event,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.lock()
            .parked
            .entry((provider.to_owned(), provider_id.to_owned()))
            .or_default()
            .push(event.clone());
        futures::future::ready(Ok(())).boxed()
    }

    fn note_inbound<'a>(
        &'a self,
        phone: &'a str,
        at: Timestamp,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let mut inner = self.lock();
        let latest = inner.inbound.entry(phone.to_owned()).or_insert(at);
        if at > *latest {
            *latest = at;
        }
        futures::future::ready(Ok(())).boxed()
    }

    fn last_inbound<'a>(
        &'a self,
        phone: &'a str,
    ) -> BoxFuture<'a, Result<Option<Timestamp>, StoreError>> {
        let at = self.lock().inbound.get(phone).copied();
        futures::future::ready(Ok(at)).boxed()
    }
}
