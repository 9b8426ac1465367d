//! The shared store: Redis, when `REDIS_URL` is set.
//!
//! Key layout, under a configurable prefix (`museo:notify:` by default):
//! `msg:{id}` the record (JSON), `hist:{id}` the history (a list of JSON
//! reports), `seen:{id}` the reports already in it (a set of
//! `status|source`), `idem:{key}` an idempotency key's message id,
//! `prov:{provider}:{id}` a provider id's message id, `park:{provider}:{id}`
//! reports waiting for that link, `inbound:{phone}` the last time a WhatsApp
//! number wrote to us (Unix milliseconds). Every key expires: messages after
//! [`RETENTION`], parked reports after [`PARKED_RETENTION`], inbound times
//! after [`INBOUND_RETENTION`].

use std::time::Duration;

use futures::future::{BoxFuture, FutureExt as _};
use jiff::Timestamp;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands as _, Script};

use super::{Claim, INBOUND_RETENTION, PARKED_RETENTION, RETENTION, StatusStore, StoreError};
use crate::status::{Event, MessageRecord};

/// Adds a report to a history unless the same report is there already:
/// KEYS = seen set, history list; ARGV = dedup key, report JSON, TTL seconds.
const APPEND: &str = r"
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  return 1
end
return 0
";

/// Takes every parked report of a provider id: KEYS = the parked list.
const TAKE_PARKED: &str = r"
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return items
";

/// Keeps the later of two inbound times: KEYS = the key; ARGV = ms, TTL seconds.
const LATEST: &str = r"
local current = redis.call('GET', KEYS[1])
if (not current) or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
";

/// Messages and histories in Redis, shared by every instance.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    append: Script,
    take_parked: Script,
    latest: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url`; every key starts with `prefix`. Fails when Redis
    /// cannot be reached now (later outages are retried by the connection
    /// manager, and calls fail after a two-second response timeout).
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2);
        let connection = client
            .get_connection_manager_with_config(config)
            .await
            .map_err(|e| StoreError(format!("cannot reach Redis: {e}")))?;
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
            append: Script::new(APPEND),
            take_parked: Script::new(TAKE_PARKED),
            latest: Script::new(LATEST),
        })
    }

    fn key(&self, kind: &str, id: &str) -> String {
        format!("{}{kind}:{id}", self.prefix)
    }

    fn connection(&self) -> ConnectionManager {
        self.connection.clone()
    }

    async fn append(&self, message_id: &str, event: &Event) -> Result<bool, StoreError> {
        let json = serde_json::to_string(event).map_err(fault)?;
        let added: i64 = self
            .append
            .key(self.key("seen", message_id))
            .key(self.key("hist", message_id))
            .arg(event.dedup_key())
            .arg(json)
            .arg(RETENTION.as_secs())
            .invoke_async(&mut self.connection())
            .await
            .map_err(fault)?;
        Ok(added == 1)
    }
}

fn fault(error: impl std::fmt::Display) -> StoreError {
    StoreError(error.to_string())
}

impl StatusStore for RedisStore {
    fn claim_idempotency<'a>(
        &'a self,
        key: &'a str,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        async move {
            let redis_key = self.key("idem", key);
            let mut connection = self.connection();
            let set: Option<String> = redis::cmd("SET")
                .arg(&redis_key)
                .arg(message_id)
                .arg("NX")
                .arg("EX")
                .arg(RETENTION.as_secs())
                .query_async(&mut connection)
                .await
                .map_err(fault)?;
            if set.is_some() {
                return Ok(Claim::Claimed);
            }
            let existing: Option<String> = connection.get(&redis_key).await.map_err(fault)?;
            // Expired between the two calls: the key is free again.
            Ok(existing.map_or(Claim::Claimed, Claim::Taken))
        }
        .boxed()
    }

    fn put_message<'a>(
        &'a self,
        record: &'a MessageRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let json = serde_json::to_string(record).map_err(fault)?;
            let () = self
                .connection()
                .set_ex(
                    self.key("msg", &record.message_id),
                    json,
                    RETENTION.as_secs(),
                )
                .await
                .map_err(fault)?;
            Ok(())
        }
        .boxed()
    }

    fn get_message<'a>(
        &'a self,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<MessageRecord>, StoreError>> {
        async move {
            let json: Option<String> = self
                .connection()
                .get(self.key("msg", message_id))
                .await
                .map_err(fault)?;
            json.map(|json| serde_json::from_str(&json).map_err(fault))
                .transpose()
        }
        .boxed()
    }

    fn append_event<'a>(
        &'a self,
        message_id: &'a str,
        event: &'a Event,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.append(message_id, event).boxed()
    }

    fn history<'a>(&'a self, message_id: &'a str) -> BoxFuture<'a, Result<Vec<Event>, StoreError>> {
        async move {
            let items: Vec<String> = self
                .connection()
                .lrange(self.key("hist", message_id), 0, -1)
                .await
                .map_err(fault)?;
            items
                .iter()
                .map(|json| serde_json::from_str(json).map_err(fault))
                .collect()
        }
        .boxed()
    }

    fn link_provider<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let id = format!("{provider}:{provider_id}");
            let () = self
                .connection()
                .set_ex(self.key("prov", &id), message_id, RETENTION.as_secs())
                .await
                .map_err(fault)?;
            let parked: Vec<String> = self
                .take_parked
                .key(self.key("park", &id))
                .invoke_async(&mut self.connection())
                .await
                .map_err(fault)?;
            for json in parked {
                let event: Event = serde_json::from_str(&json).map_err(fault)?;
                self.append(message_id, &event).await?;
            }
            Ok(())
        }
        .boxed()
    }

    fn find_by_provider<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        async move {
            self.connection()
                .get(self.key("prov", &format!("{provider}:{provider_id}")))
                .await
                .map_err(fault)
        }
        .boxed()
    }

    fn park_event<'a>(
        &'a self,
        provider: &'a str,
        provider_id: &'a str,
        event: &'a Event,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let json = serde_json::to_string(event).map_err(fault)?;
            let key = self.key("park", &format!("{provider}:{provider_id}"));
            let mut pipe = redis::pipe();
            pipe.atomic()
                .rpush(&key, json)
                .ignore()
                .expire(
                    &key,
                    i64::try_from(PARKED_RETENTION.as_secs()).unwrap_or(i64::MAX),
                )
                .ignore();
            let () = pipe
                .query_async(&mut self.connection())
                .await
                .map_err(fault)?;
            Ok(())
        }
        .boxed()
    }

    fn note_inbound<'a>(
        &'a self,
        phone: &'a str,
        at: Timestamp,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let _: i64 = self
                .latest
                .key(self.key("inbound", phone))
                .arg(at.as_millisecond())
                .arg(INBOUND_RETENTION.as_secs())
                .invoke_async(&mut self.connection())
                .await
                .map_err(fault)?;
            Ok(())
        }
        .boxed()
    }

    fn last_inbound<'a>(
        &'a self,
        phone: &'a str,
    ) -> BoxFuture<'a, Result<Option<Timestamp>, StoreError>> {
        async move {
            let ms: Option<i64> = self
                .connection()
                .get(self.key("inbound", phone))
                .await
                .map_err(fault)?;
            ms.map(|ms| Timestamp::from_millisecond(ms).map_err(fault))
                .transpose()
        }
        .boxed()
    }
}
