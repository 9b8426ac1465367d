//! Conversations: recent turns, what was shown (products, basket), locale and
//! role, kept per session with a TTL that every write refreshes.
//!
//! Two stores behind one trait: in-process (the embedded default) and Redis
//! (`REDIS_URL`; one `SET … EX` per turn through a reconnecting connection
//! manager, so any gateway instance sharing the Redis can serve any session).
//! When Redis is down the gateway keeps serving from what the session holds
//! in memory and says so in its logs and `/readyz`; writes resume when Redis
//! is back.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// Turns kept per conversation.
pub const MAX_TURNS: usize = 12;

/// One chat turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    /// `user` or `assistant`.
    pub role: String,
    /// What was said.
    pub text: String,
    /// The intent (assistant turns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
}

/// An admin action waiting for the admin's yes (see [`crate::dialog::admin`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The server to call.
    #[serde(default = "default_pending_server")]
    pub server: String,
    /// The tool to call.
    pub tool: String,
    /// Its arguments.
    pub args: serde_json::Value,
    /// When the question was asked (Unix seconds).
    pub asked_at: i64,
    /// Names the question in the store's one-time keys: only one "yes" acts.
    #[serde(default)]
    pub nonce: String,
    /// The product's title as the question named it (every language), so the
    /// answer names it the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<serde_json::Value>,
}

fn default_pending_server() -> String {
    "mcp-admin".into()
}

impl Pending {
    /// An action asked about now.
    pub fn new(server: &str, tool: &str, args: serde_json::Value) -> Self {
        Self {
            server: server.to_owned(),
            tool: tool.to_owned(),
            args,
            asked_at: jiff::Timestamp::now().as_second(),
            nonce: uuid::Uuid::new_v4().simple().to_string(),
            title: None,
        }
    }

    /// Its one-time key for `session`.
    pub fn once_key(&self, session: &str) -> String {
        format!("pending:{session}:{}", self.nonce)
    }

    /// Seconds since the question.
    pub fn age_secs(&self) -> i64 {
        jiff::Timestamp::now().as_second() - self.asked_at
    }
}

/// What the gateway remembers of a session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// Recent turns, oldest first.
    pub turns: VecDeque<Turn>,
    /// What the dialog knows: the last search, the products shown, the
    /// product in focus, the basket, the open question.
    #[serde(default)]
    pub dialog: crate::dialog::state::Dialog,
    /// The locale in use.
    pub locale: String,
    /// True when the locale was chosen (hello, phone, Accept-Language), not
    /// guessed from the messages: a resumed session keeps it.
    #[serde(default)]
    pub locale_fixed: bool,
    /// `customer` or `admin` (informational: a resumed session's role
    /// always comes from the new connection's credentials).
    pub role: String,
    /// Who the session belongs to (an API key's name, a JWT's `sub`, or
    /// `anonymous`): another subject may not resume it.
    #[serde(default)]
    pub subject: String,
    /// An admin action waiting for confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
}

impl Conversation {
    /// Appends a turn, dropping the oldest beyond [`MAX_TURNS`].
    pub fn push(&mut self, turn: Turn) {
        self.turns.push_back(turn);
        while self.turns.len() > MAX_TURNS {
            self.turns.pop_front();
        }
    }
}

/// A store failure (Redis unreachable, a corrupt entry).
#[derive(Debug, thiserror::Error)]
#[error("conversation store: {0}")]
pub struct StoreError(pub String);

/// Where conversations live.
pub trait ConversationStore: Send + Sync {
    /// The conversation of `session`, if it exists and has not expired.
    fn load(
        &self,
        session: &str,
    ) -> impl Future<Output = Result<Option<Conversation>, StoreError>> + Send;
    /// Saves it and refreshes its TTL.
    fn save(
        &self,
        session: &str,
        conversation: &Conversation,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Records a one-time `key` that lives `ttl` (an open confirmation question).
    fn put_once(
        &self,
        key: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Takes `key` if it is still there: `true` for exactly one caller, on
    /// any gateway instance sharing the store.
    fn take_once(&self, key: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// True when the store answers.
    fn ping(&self) -> impl Future<Output = bool> + Send;
}

/// Most conversations an in-process store keeps; beyond it the ones closest
/// to expiring go first.
pub const MEMORY_MAX_ENTRIES: usize = 100_000;

/// The in-process store: same TTL semantics as Redis.
#[derive(Debug)]
pub struct MemoryStore {
    ttl: Duration,
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    conversations: HashMap<String, (Instant, Conversation)>,
    once: HashMap<String, Instant>,
    swept: Option<Instant>,
}

impl Entries {
    /// Drops what expired (at most once a minute) and keeps within the cap.
    fn sweep(&mut self, now: Instant) {
        if self
            .swept
            .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(60))
        {
            self.conversations.retain(|_, (expires, _)| *expires > now);
            self.once.retain(|_, expires| *expires > now);
            self.swept = Some(now);
        }
        if self.conversations.len() > MEMORY_MAX_ENTRIES {
            let mut by_expiry: Vec<(Instant, String)> = self
                .conversations
                .iter()
                .map(|(k, (e, _))| (*e, k.clone()))
                .collect();
            by_expiry.sort();
            let excess = self.conversations.len() - MEMORY_MAX_ENTRIES;
            for (_, key) in by_expiry.into_iter().take(excess) {
                self.conversations.remove(&key);
            }
        }
    }
}

impl MemoryStore {
    /// A store whose entries expire `ttl` after their last write.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(Entries::default()),
        }
    }

    fn entries(&self) -> Result<std::sync::MutexGuard<'_, Entries>, StoreError> {
        self.entries
            .lock()
            .map_err(|_| StoreError("poisoned".into()))
    }
}

impl ConversationStore for MemoryStore {
    async fn load(&self, session: &str) -> Result<Option<Conversation>, StoreError> {
        let entries = self.entries()?;
        let now = Instant::now();
        Ok(entries
            .conversations
            .get(session)
            .filter(|(expires, _)| *expires > now)
            .map(|(_, c)| c.clone()))
    }

    async fn save(&self, session: &str, conversation: &Conversation) -> Result<(), StoreError> {
        let mut entries = self.entries()?;
        let now = Instant::now();
        entries
            .conversations
            .insert(session.to_owned(), (now + self.ttl, conversation.clone()));
        entries.sweep(now);
        Ok(())
    }

    async fn put_once(&self, key: &str, ttl: Duration) -> Result<(), StoreError> {
        let mut entries = self.entries()?;
        entries.once.insert(key.to_owned(), Instant::now() + ttl);
        Ok(())
    }

    async fn take_once(&self, key: &str) -> Result<bool, StoreError> {
        let mut entries = self.entries()?;
        Ok(entries
            .once
            .remove(key)
            .is_some_and(|expires| expires > Instant::now()))
    }

    async fn ping(&self) -> bool {
        true
    }
}

/// Conversations in Redis, as JSON under `<prefix><session>` with `EX ttl`.
///
/// The connection is made at start and kept by redis' connection manager,
/// which reconnects by itself. A gateway started while Redis is down starts
/// anyway (degraded): operations fail at once while a background task tries
/// to connect, once a second.
#[derive(Clone)]
pub struct RedisStore {
    client: redis::Client,
    manager: std::sync::Arc<std::sync::RwLock<Option<redis::aio::ConnectionManager>>>,
    connecting: std::sync::Arc<std::sync::atomic::AtomicBool>,
    prefix: String,
    ttl: Duration,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// Longest wait for Redis on one operation; the reply does not wait longer.
const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

impl RedisStore {
    /// A store on `url`. Credentials in the URL never appear in errors or logs.
    pub async fn connect(url: &str, prefix: &str, ttl: Duration) -> Result<Self, StoreError> {
        let client = redis::Client::open(url)
            .map_err(|_| StoreError("REDIS_URL is not a redis:// or rediss:// URL".into()))?;
        let store = Self {
            client,
            manager: std::sync::Arc::default(),
            connecting: std::sync::Arc::default(),
            prefix: prefix.to_owned(),
            ttl,
        };
        if let Err(e) = store.try_connect().await {
            tracing::warn!(error = %e, "Redis is not answering yet: conversations stay in session memory until it does");
            store.reconnect_in_background();
        }
        Ok(store)
    }

    async fn try_connect(&self) -> Result<(), StoreError> {
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1);
        let manager = tokio::time::timeout(
            REDIS_TIMEOUT * 2,
            redis::aio::ConnectionManager::new_with_config(self.client.clone(), config),
        )
        .await
        .map_err(|_| StoreError("Redis did not answer".into()))?
        .map_err(|e| StoreError(e.to_string()))?;
        if let Ok(mut slot) = self.manager.write() {
            *slot = Some(manager);
        }
        Ok(())
    }

    fn reconnect_in_background(&self) {
        use std::sync::atomic::Ordering;
        if self.connecting.swap(true, Ordering::AcqRel) {
            return;
        }
        let store = self.clone();
        tokio::spawn(async move {
            while store.try_connect().await.is_err() {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tracing::info!("connected to Redis");
            store.connecting.store(false, Ordering::Release);
        });
    }

    fn conn(&self) -> Result<redis::aio::ConnectionManager, StoreError> {
        let current = self.manager.read().ok().and_then(|m| m.clone());
        current.ok_or_else(|| {
            self.reconnect_in_background();
            StoreError("not connected to Redis yet".into())
        })
    }

    fn key(&self, session: &str) -> String {
        format!("{}{session}", self.prefix)
    }
}

impl ConversationStore for RedisStore {
    async fn load(&self, session: &str) -> Result<Option<Conversation>, StoreError> {
        let mut conn = self.conn()?;
        let raw: Option<String> = redis::cmd("GET")
            .arg(self.key(session))
            .query_async(&mut conn)
            .await
            .map_err(|e| StoreError(e.to_string()))?;
        raw.map(|r| serde_json::from_str(&r).map_err(|e| StoreError(format!("corrupt entry: {e}"))))
            .transpose()
    }

    async fn save(&self, session: &str, conversation: &Conversation) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let json = serde_json::to_string(conversation).map_err(|e| StoreError(e.to_string()))?;
        redis::cmd("SET")
            .arg(self.key(session))
            .arg(json)
            .arg("EX")
            .arg(self.ttl.as_secs().max(1))
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| StoreError(e.to_string()))
    }

    async fn put_once(&self, key: &str, ttl: Duration) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        redis::cmd("SET")
            .arg(self.key(key))
            .arg(1)
            .arg("EX")
            .arg(ttl.as_secs().max(1))
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| StoreError(e.to_string()))
    }

    async fn take_once(&self, key: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        // GETDEL is atomic: of two gateways taking the same key, one gets it.
        let taken: Option<String> = redis::cmd("GETDEL")
            .arg(self.key(key))
            .query_async(&mut conn)
            .await
            .map_err(|e| StoreError(e.to_string()))?;
        Ok(taken.is_some())
    }

    async fn ping(&self) -> bool {
        let Ok(mut conn) = self.conn() else {
            return false;
        };
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .is_ok()
    }
}

/// The store in use.
#[derive(Debug)]
pub enum Store {
    /// In-process.
    Memory(MemoryStore),
    /// Redis.
    Redis(RedisStore),
}

impl ConversationStore for Store {
    async fn load(&self, session: &str) -> Result<Option<Conversation>, StoreError> {
        match self {
            Store::Memory(s) => s.load(session).await,
            Store::Redis(s) => s.load(session).await,
        }
    }

    async fn save(&self, session: &str, conversation: &Conversation) -> Result<(), StoreError> {
        match self {
            Store::Memory(s) => s.save(session, conversation).await,
            Store::Redis(s) => s.save(session, conversation).await,
        }
    }

    async fn put_once(&self, key: &str, ttl: Duration) -> Result<(), StoreError> {
        match self {
            Store::Memory(s) => s.put_once(key, ttl).await,
            Store::Redis(s) => s.put_once(key, ttl).await,
        }
    }

    async fn take_once(&self, key: &str) -> Result<bool, StoreError> {
        match self {
            Store::Memory(s) => s.take_once(key).await,
            Store::Redis(s) => s.take_once(key).await,
        }
    }

    async fn ping(&self) -> bool {
        match self {
            Store::Memory(s) => s.ping().await,
            Store::Redis(s) => s.ping().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn memory_entries_expire_after_their_last_write() {
        let store = MemoryStore::new(Duration::from_secs(60));
        let conversation = Conversation {
            locale: "es".into(),
            ..Conversation::default()
        };
        store.save("s1", &conversation).await.expect("save");
        tokio::time::advance(Duration::from_secs(50)).await;
        store.save("s1", &conversation).await.expect("refresh");
        tokio::time::advance(Duration::from_secs(50)).await;
        assert_eq!(store.load("s1").await.expect("load"), Some(conversation));
        tokio::time::advance(Duration::from_secs(11)).await;
        assert_eq!(store.load("s1").await.expect("load"), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_one_time_key_is_taken_once_and_expires() {
        let store = MemoryStore::new(Duration::from_secs(60));
        store
            .put_once("k", Duration::from_secs(10))
            .await
            .expect("put");
        assert!(store.take_once("k").await.expect("take"));
        assert!(!store.take_once("k").await.expect("again"));
        store
            .put_once("k2", Duration::from_secs(10))
            .await
            .expect("put");
        tokio::time::advance(Duration::from_secs(11)).await;
        assert!(!store.take_once("k2").await.expect("expired"));
    }

    #[tokio::test(start_paused = true)]
    async fn expired_conversations_are_swept_on_save() {
        let store = MemoryStore::new(Duration::from_secs(60));
        store
            .save("old", &Conversation::default())
            .await
            .expect("save");
        tokio::time::advance(Duration::from_secs(120)).await;
        store
            .save("new", &Conversation::default())
            .await
            .expect("save");
        let entries = store.entries().expect("lock");
        assert!(!entries.conversations.contains_key("old"));
        assert!(entries.conversations.contains_key("new"));
    }

    #[test]
    fn turns_are_capped() {
        let mut c = Conversation::default();
        for n in 0..30 {
            c.push(Turn {
                role: "user".into(),
                text: n.to_string(),
                intent: None,
            });
        }
        assert_eq!(c.turns.len(), MAX_TURNS);
        assert_eq!(c.turns.front().map(|t| t.text.as_str()), Some("18"));
    }
}
