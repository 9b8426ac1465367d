//! SQLite storage: one writer connection, a few readers, WAL mode.
//!
//! rusqlite is synchronous, so every access runs on Tokio's blocking pool.
//! SQLite allows one writer at a time anyway; a single writer connection
//! behind a mutex makes that explicit and keeps `BEGIN IMMEDIATE`
//! transactions short, while readers proceed in parallel under WAL.

pub mod admin;
pub mod baskets;
pub mod catalog;
pub mod checkout;
pub mod search;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::error::{ApiError, ApiResult};

const SCHEMA: &str = include_str!("schema.sql");
const SCHEMA_VERSION: i64 = 1;
const READERS: usize = 4;

/// Handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    path: String,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens (creating if needed) the database at `path` and applies the schema.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let writer = Connection::open(path)?;
        configure(&writer)?;
        let version: i64 = writer.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            writer.execute_batch(SCHEMA)?;
            writer.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        } else if version != SCHEMA_VERSION {
            anyhow::bail!(
                "{} has schema version {version}, this sandbox expects {SCHEMA_VERSION}; delete it or point --db elsewhere",
                path.display()
            );
        }
        // The words of the full-text index, for reading misspelt words
        // (search.rs). A view over the index, so databases made before it
        // get it too, without a new schema version.
        writer.execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS products_fts_terms USING fts5vocab(products_fts, 'col');",
        )?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open(path)?;
            configure(&reader)?;
            reader.pragma_update(None, "query_only", true)?;
            readers.push(reader);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers: Mutex::new(readers),
                path: path.display().to_string(),
            }),
        })
    }

    /// Runs `f` on a reader connection on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner.readers.lock().map_err(poisoned)?.pop();
            match conn {
                Some(conn) => {
                    let result = f(&conn);
                    inner.readers.lock().map_err(poisoned)?.push(conn);
                    result
                }
                // All readers busy: a fresh short-lived connection beats waiting.
                None => {
                    let conn = Connection::open(&inner.path)?;
                    configure(&conn)?;
                    f(&conn)
                }
            }
        })
        .await?
    }

    /// Runs `f` inside an immediate write transaction; commits when it returns
    /// `Ok`, rolls back otherwise.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> ApiResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.writer.lock().map_err(poisoned)?;
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await?
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Reads go through the OS page cache by memory mapping instead of one
    // syscall per page; a 64 MiB page cache per connection keeps the FTS and
    // product b-tree interiors resident.
    conn.pragma_update(None, "mmap_size", 1_i64 << 30)?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> ApiError {
    ApiError::Internal("a database lock was poisoned by an earlier panic".into())
}

/// Now, as stored in `*_at` columns.
pub fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// Parses a stored timestamp.
pub fn parse_ts(raw: &str) -> rusqlite::Result<jiff::Timestamp> {
    raw.parse().map_err(|e: jiff::Error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A new random id with a type prefix (`bsk_…`): 128 random bits, so an id is
/// also a bearer capability where nothing else guards the resource.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}
