//! Where a verifier gets public keys: a fixed JWKS, or one fetched over HTTP.
//!
//! A remote [`KeySet`] is what makes key rotation painless. It fetches the
//! JWKS on first use, keeps it for a while (10 minutes by default) and, when a
//! token names a `kid` it has not seen — the signer has just rotated — fetches
//! again at once, but at most every 30 seconds so a stream of tokens with
//! made-up `kid`s cannot turn the verifier into a JWKS flooder. Concurrent
//! verifications share one fetch.
//!
//! Only keys that can verify our algorithms are kept: Ed25519 (`OKP`) and
//! P-256 (`EC`) keys with `use: sig` (or no `use`) and a matching `alg` (or
//! none). Symmetric (`oct`) keys are dropped on sight, so a JWKS can never
//! make a verifier accept HMAC tokens.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, PublicKeyUse};
use tokio::time::Instant;
use url::Url;

use super::AuthError;
use super::keys::SigningAlgorithm;

/// Give up on a JWKS request after this long.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// A JWKS larger than this is refused (ours hold a handful of keys).
const MAX_JWKS_BYTES: usize = 64 * 1024;
/// After a failed fetch, callers fail fast for this long instead of retrying.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(2);

/// A public key a verifier can use, with the one algorithm it is good for.
#[derive(Debug, Clone)]
pub(crate) struct VerificationKey {
    pub(crate) alg: SigningAlgorithm,
    pub(crate) key: DecodingKey,
}

type KeyMap = HashMap<String, VerificationKey>;

/// The public keys a [`Verifier`](super::Verifier) trusts, looked up by `kid`.
/// Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct KeySet {
    source: Source,
}

#[derive(Clone)]
enum Source {
    Static(Arc<KeyMap>),
    Remote(Remote),
}

#[derive(Clone)]
struct Remote {
    url: Url,
    http: reqwest::Client,
    cache_ttl: Duration,
    min_refresh_interval: Duration,
    shared: Arc<RemoteShared>,
}

#[derive(Default)]
struct RemoteShared {
    state: RwLock<RemoteState>,
    /// Held while fetching, so concurrent misses wait for one request.
    fetch_lock: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct RemoteState {
    keys: Arc<KeyMap>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
    last_error: Option<AuthError>,
}

impl RemoteState {
    fn is_fresh(&self, now: Instant, ttl: Duration) -> bool {
        self.fetched_at
            .is_some_and(|at| now.duration_since(at) < ttl)
    }

    fn attempted_within(&self, now: Instant, window: Duration) -> bool {
        self.last_attempt
            .is_some_and(|at| now.duration_since(at) < window)
    }
}

/// What a lookup decided without fetching.
enum Cached {
    Hit(VerificationKey),
    Miss,
    Failed(AuthError),
    NeedFetch,
}

impl KeySet {
    /// How long a remote JWKS is trusted before it is fetched again.
    pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(600);
    /// Minimum time between two fetches caused by unknown `kid`s.
    pub const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(30);

    /// A fixed set of keys, e.g. a JWKS from configuration or
    /// [`Minter::jwks`](super::Minter::jwks) in-process. Fails when the set
    /// holds no usable key, which is always a configuration mistake.
    pub fn from_jwks(jwks: JwkSet) -> Result<Self, AuthError> {
        let keys = usable_keys(jwks.keys);
        if keys.is_empty() {
            return Err(AuthError::Jwks(
                "the JWKS holds no usable Ed25519 or P-256 signing key".to_owned(),
            ));
        }
        Ok(Self {
            source: Source::Static(Arc::new(keys)),
        })
    }

    /// Keys fetched from the JWKS at `url` on first use, cached for
    /// [`Self::DEFAULT_CACHE_TTL`] and refetched when a token names an unknown
    /// `kid` (at most every [`Self::DEFAULT_MIN_REFRESH_INTERVAL`]).
    pub fn remote(url: Url, http: reqwest::Client) -> Self {
        Self {
            source: Source::Remote(Remote {
                url,
                http,
                cache_ttl: Self::DEFAULT_CACHE_TTL,
                min_refresh_interval: Self::DEFAULT_MIN_REFRESH_INTERVAL,
                shared: Arc::default(),
            }),
        }
    }

    /// Sets how long a fetched JWKS is used before fetching it again.
    /// No effect on a static set.
    pub fn with_cache_ttl(mut self, ttl: Duration) -> Self {
        if let Source::Remote(remote) = &mut self.source {
            remote.cache_ttl = ttl;
        }
        self
    }

    /// Sets the minimum time between fetches caused by unknown `kid`s.
    /// No effect on a static set.
    pub fn with_min_refresh_interval(mut self, interval: Duration) -> Self {
        if let Source::Remote(remote) = &mut self.source {
            remote.min_refresh_interval = interval;
        }
        self
    }

    /// The key named `kid`, fetching or refreshing a remote set as needed.
    pub(crate) async fn resolve(&self, kid: &str) -> Result<VerificationKey, AuthError> {
        match &self.source {
            Source::Static(keys) => keys.get(kid).cloned().ok_or_else(|| unknown(kid)),
            Source::Remote(remote) => remote.resolve(kid).await,
        }
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Static(keys) => {
                let mut kids: Vec<&String> = keys.keys().collect();
                kids.sort();
                f.debug_struct("KeySet").field("kids", &kids).finish()
            }
            Source::Remote(remote) => f
                .debug_struct("KeySet")
                .field("url", &redacted_url(&remote.url))
                .field("cache_ttl", &remote.cache_ttl)
                .field("min_refresh_interval", &remote.min_refresh_interval)
                .finish(),
        }
    }
}

impl Remote {
    async fn resolve(&self, kid: &str) -> Result<VerificationKey, AuthError> {
        let arrived = Instant::now();
        match self.lookup(kid, arrived, None) {
            Cached::Hit(key) => return Ok(key),
            Cached::Miss => return Err(unknown(kid)),
            Cached::Failed(e) => return Err(e),
            Cached::NeedFetch => {}
        }

        let _fetching = self.shared.fetch_lock.lock().await;
        // Whoever held the lock before us may have fetched already.
        match self.lookup(kid, Instant::now(), Some(arrived)) {
            Cached::Hit(key) => return Ok(key),
            Cached::Miss => return Err(unknown(kid)),
            Cached::Failed(e) => return Err(e),
            Cached::NeedFetch => {}
        }

        let attempt = Instant::now();
        let result = self.fetch().await;
        let mut state = self
            .shared
            .state
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        state.last_attempt = Some(attempt);
        match result {
            Ok(keys) => {
                state.keys = Arc::new(keys);
                state.fetched_at = Some(attempt);
                state.last_error = None;
                state.keys.get(kid).cloned().ok_or_else(|| unknown(kid))
            }
            Err(e) => {
                tracing::warn!(url = %redacted_url(&self.url), error = %e, "JWKS fetch failed");
                state.last_error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Decides from the cache alone. `waited_since` is set on the second look,
    /// after waiting for the fetch lock: any attempt made since then is
    /// reused rather than repeated.
    fn lookup(&self, kid: &str, now: Instant, waited_since: Option<Instant>) -> Cached {
        let state = self.read_state();
        let attempted_meanwhile =
            waited_since.is_some_and(|since| state.last_attempt.is_some_and(|at| at >= since));
        if state.is_fresh(now, self.cache_ttl) {
            if let Some(key) = state.keys.get(kid) {
                return Cached::Hit(key.clone());
            }
            if attempted_meanwhile || state.attempted_within(now, self.min_refresh_interval) {
                return Cached::Miss;
            }
            return Cached::NeedFetch;
        }
        // Nothing usable cached: fetch, unless a fetch just failed.
        if let Some(e) = &state.last_error
            && (attempted_meanwhile || state.attempted_within(now, RETRY_AFTER_FAILURE))
        {
            return Cached::Failed(e.clone());
        }
        Cached::NeedFetch
    }

    fn read_state(&self) -> RwLockReadGuard<'_, RemoteState> {
        self.shared
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    async fn fetch(&self) -> Result<KeyMap, AuthError> {
        let url = redacted_url(&self.url);
        let failed = |what: String| AuthError::Jwks(format!("{url}: {what}"));
        let response = self
            .http
            .get(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!("answered {status}")));
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_JWKS_BYTES as u64)
        {
            return Err(failed("document too large".to_owned()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        if body.len() > MAX_JWKS_BYTES {
            return Err(failed("document too large".to_owned()));
        }
        #[derive(serde::Deserialize)]
        struct RawSet {
            keys: Vec<serde_json::Value>,
        }
        let raw: RawSet =
            serde_json::from_slice(&body).map_err(|_| failed("not a JWKS document".to_owned()))?;
        // One odd entry must not hide the others.
        let jwks = raw
            .keys
            .into_iter()
            .filter_map(|v| serde_json::from_value::<Jwk>(v).ok());
        let keys = usable_keys(jwks);
        if keys.is_empty() {
            return Err(failed("no usable Ed25519 or P-256 signing key".to_owned()));
        }
        tracing::debug!(url = %url, keys = keys.len(), "fetched JWKS");
        Ok(keys)
    }
}

fn unknown(kid: &str) -> AuthError {
    AuthError::UnknownKey {
        kid: Some(kid.to_owned()),
    }
}

/// The URL without credentials, for logs and error messages.
fn redacted_url(url: &Url) -> Url {
    let mut url = url.clone();
    // Both fail only for URLs that cannot carry credentials anyway.
    let _ = url.set_password(None);
    let _ = url.set_username("");
    url
}

/// Keeps the keys that can verify EdDSA or ES256 tokens, by `kid`.
fn usable_keys(jwks: impl IntoIterator<Item = Jwk>) -> KeyMap {
    let mut keys = KeyMap::new();
    for jwk in jwks {
        let Some(kid) = jwk.common.key_id.clone().filter(|k| !k.is_empty()) else {
            tracing::warn!("ignoring a JWK without `kid`");
            continue;
        };
        match usable_key(&jwk) {
            Ok(key) => match keys.entry(kid) {
                Entry::Occupied(entry) => {
                    tracing::warn!(
                        kid = entry.key(),
                        "ignoring a second JWK with the same `kid`"
                    );
                }
                Entry::Vacant(entry) => {
                    entry.insert(key);
                }
            },
            Err(why) => tracing::debug!(kid, why, "ignoring JWK"),
        }
    }
    keys
}

fn usable_key(jwk: &Jwk) -> Result<VerificationKey, &'static str> {
    if jwk
        .common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != PublicKeyUse::Signature)
    {
        return Err("not a signature key");
    }
    let alg = match &jwk.algorithm {
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => {
            SigningAlgorithm::EdDSA
        }
        AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256 => {
            SigningAlgorithm::ES256
        }
        _ => return Err("unsupported key type"),
    };
    if jwk
        .common
        .key_algorithm
        .is_some_and(|a| a != alg.key_algorithm())
    {
        return Err("`alg` does not match the key type");
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|_| "invalid key encoding")?;
    let bytes = key.try_get_as_bytes().map_err(|_| "invalid key encoding")?;
    let well_formed = match alg {
        SigningAlgorithm::EdDSA => bytes.len() == 32,
        SigningAlgorithm::ES256 => bytes.len() == 65 && bytes.first() == Some(&4),
    };
    if !well_formed {
        return Err("invalid key length");
    }
    Ok(VerificationKey { alg, key })
}

#[cfg(test)]
mod tests;
