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
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;
    use secrecy::ExposeSecret;
    use serde_json::json;

    use super::super::keys::{ServiceAccount, SigningKey, jwk_set};
    use super::super::mint::{Minter, TokenRequest};
    use super::super::verify::{Verifier, VerifyPolicy};
    use super::*;

    /// A JWKS endpoint whose document, availability and hit count the test controls.
    #[derive(Clone, Default)]
    struct JwksEndpoint {
        jwks: Arc<Mutex<serde_json::Value>>,
        failing: Arc<AtomicBool>,
        hits: Arc<AtomicUsize>,
    }

    impl JwksEndpoint {
        /// Publishes the keys of `minters`, replacing what was there.
        fn publish(&self, minters: &[&Minter]) {
            let keys: Vec<Jwk> = minters.iter().flat_map(|m| m.jwks().keys).collect();
            *self.jwks.lock().expect("not poisoned") = json!({ "keys": keys });
        }

        fn hits(&self) -> usize {
            self.hits.load(Ordering::SeqCst)
        }
    }

    async fn serve_jwks(State(endpoint): State<JwksEndpoint>) -> Response {
        endpoint.hits.fetch_add(1, Ordering::SeqCst);
        if endpoint.failing.load(Ordering::SeqCst) {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        let doc = endpoint.jwks.lock().expect("not poisoned").clone();
        axum::Json(doc).into_response()
    }

    /// Serves `endpoint` on 127.0.0.1:0 and returns the JWKS URL.
    async fn start(endpoint: &JwksEndpoint) -> Url {
        let app = axum::Router::new()
            .route("/jwks.json", get(serve_jwks))
            .with_state(endpoint.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Url::parse(&format!("http://{addr}/jwks.json")).expect("url")
    }

    fn minter(alg: SigningAlgorithm) -> Minter {
        Minter::new(ServiceAccount::generate("museo-gateway", alg).expect("generate"))
    }

    async fn verify(keys: &KeySet, m: &Minter) -> Result<(), AuthError> {
        let token = m
            .one_time(&TokenRequest::new("admin-42", "mcp-admin"))
            .expect("mints");
        let verifier = Verifier::new(keys.clone(), VerifyPolicy::new("mcp-admin"));
        verifier.verify(token.expose_secret()).await.map(|_| ())
    }

    #[tokio::test]
    async fn remote_keys_are_fetched_lazily_and_cached() {
        let endpoint = JwksEndpoint::default();
        let (ed, ec) = (
            minter(SigningAlgorithm::EdDSA),
            minter(SigningAlgorithm::ES256),
        );
        endpoint.publish(&[&ed, &ec]);
        let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new());
        assert_eq!(
            endpoint.hits(),
            0,
            "nothing is fetched before the first token"
        );

        for _ in 0..3 {
            verify(&keys, &ed).await.expect("EdDSA token verifies");
            verify(&keys, &ec).await.expect("ES256 token verifies");
        }
        assert_eq!(endpoint.hits(), 1, "the JWKS is fetched once, then cached");
        verify(&keys.clone(), &ed)
            .await
            .expect("clones share the cache");
        assert_eq!(endpoint.hits(), 1);
    }

    #[tokio::test]
    async fn concurrent_first_uses_share_one_fetch() {
        let endpoint = JwksEndpoint::default();
        let m = Arc::new(minter(SigningAlgorithm::EdDSA));
        endpoint.publish(&[&m]);
        let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new());
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (keys, m) = (keys.clone(), Arc::clone(&m));
                tokio::spawn(async move { verify(&keys, &m).await })
            })
            .collect();
        for task in tasks {
            task.await.expect("task runs").expect("token verifies");
        }
        assert_eq!(endpoint.hits(), 1);
    }

    #[tokio::test]
    async fn expired_cache_is_refetched() {
        let endpoint = JwksEndpoint::default();
        let m = minter(SigningAlgorithm::EdDSA);
        endpoint.publish(&[&m]);
        let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new())
            .with_cache_ttl(Duration::from_millis(50));
        verify(&keys, &m).await.expect("verifies");
        tokio::time::sleep(Duration::from_millis(100)).await;
        verify(&keys, &m).await.expect("verifies");
        assert_eq!(endpoint.hits(), 2);
    }

    #[tokio::test]
    async fn rotation_is_picked_up_on_unknown_kid() {
        let endpoint = JwksEndpoint::default();
        let (old, new) = (
            minter(SigningAlgorithm::EdDSA),
            minter(SigningAlgorithm::EdDSA),
        );
        endpoint.publish(&[&old]);
        let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new())
            .with_min_refresh_interval(Duration::ZERO);
        verify(&keys, &old).await.expect("old key verifies");
        assert_eq!(endpoint.hits(), 1);

        // The signer rotates and retires the old key.
        endpoint.publish(&[&new]);
        verify(&keys, &new)
            .await
            .expect("unknown kid triggers a refresh");
        assert_eq!(endpoint.hits(), 2);
        verify(&keys, &new).await.expect("now cached");
        assert_eq!(endpoint.hits(), 2);
        let retired = verify(&keys, &old).await.expect_err("retired key");
        assert_eq!(
            retired,
            AuthError::UnknownKey {
                kid: Some(old.kid().to_owned())
            }
        );
    }

    #[tokio::test]
    async fn unknown_kid_refreshes_are_rate_limited() {
        let endpoint = JwksEndpoint::default();
        let (known, stranger) = (
            minter(SigningAlgorithm::EdDSA),
            minter(SigningAlgorithm::ES256),
        );
        endpoint.publish(&[&known]);
        // Default interval: 30 s.
        let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new());
        verify(&keys, &known).await.expect("verifies");
        endpoint.publish(&[&known, &stranger]);
        for _ in 0..5 {
            let err = verify(&keys, &stranger)
                .await
                .expect_err("refresh is not due yet");
            assert_eq!(
                err,
                AuthError::UnknownKey {
                    kid: Some(stranger.kid().to_owned())
                }
            );
        }
        assert_eq!(
            endpoint.hits(),
            1,
            "unknown kids within 30 s cause no fetch"
        );
    }

    #[tokio::test]
    async fn fetch_failures_are_jwks_errors() {
        let endpoint = JwksEndpoint::default();
        let m = minter(SigningAlgorithm::EdDSA);
        endpoint.publish(&[&m]);
        endpoint.failing.store(true, Ordering::SeqCst);
        let url = start(&endpoint).await;
        let keys = KeySet::remote(url.clone(), reqwest::Client::new());
        let err = verify(&keys, &m).await.expect_err("endpoint fails");
        assert!(
            matches!(err, AuthError::Jwks(ref msg) if msg.contains("500")),
            "{err:?}"
        );
        assert_eq!((err.status(), err.code()), (503, "jwks_unavailable"));
        // Right after a failure, callers fail fast instead of hammering the endpoint.
        verify(&keys, &m).await.expect_err("still failing");
        assert_eq!(endpoint.hits(), 1);

        // Once it recovers, a new key set fetches fine.
        endpoint.failing.store(false, Ordering::SeqCst);
        verify(&KeySet::remote(url, reqwest::Client::new()), &m)
            .await
            .expect("recovered");

        // Garbage and nothing-usable documents are failures too.
        *endpoint.jwks.lock().expect("not poisoned") = json!({ "nope": [] });
        let url = start(&endpoint).await;
        let err = verify(&KeySet::remote(url.clone(), reqwest::Client::new()), &m).await;
        assert!(matches!(err, Err(AuthError::Jwks(ref msg)) if msg.contains("not a JWKS")));
        *endpoint.jwks.lock().expect("not poisoned") =
            json!({ "keys": [{ "kty": "oct", "kid": "k", "k": "c2VjcmV0" }] });
        let err = verify(&KeySet::remote(url, reqwest::Client::new()), &m).await;
        assert!(matches!(err, Err(AuthError::Jwks(ref msg)) if msg.contains("no usable")));

        // Nobody listening.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let url = Url::parse(&format!("http://user:hunter2@{addr}/jwks.json")).expect("url");
        let err = verify(&KeySet::remote(url, reqwest::Client::new()), &m).await;
        match err {
            Err(AuthError::Jwks(msg)) => assert!(!msg.contains("hunter2"), "{msg}"),
            other => panic!("expected a Jwks error, got {other:?}"),
        }
    }

    #[test]
    fn static_sets_keep_only_usable_signature_keys() {
        let ed = SigningKey::generate(SigningAlgorithm::EdDSA).expect("generate");
        let ec = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
        let mut mislabelled = ed.public_jwk();
        mislabelled.common.key_algorithm = Some(jsonwebtoken::jwk::KeyAlgorithm::ES256);
        mislabelled.common.key_id = Some("mislabelled".into());
        let mut encryption = ec.public_jwk();
        encryption.common.public_key_use = Some(PublicKeyUse::Encryption);
        encryption.common.key_id = Some("enc".into());
        let mut no_kid = ed.public_jwk();
        no_kid.common.key_id = None;
        let oct: Jwk = serde_json::from_value(
            json!({ "kty": "oct", "kid": "hmac", "alg": "HS256", "k": "c2VjcmV0" }),
        )
        .expect("oct jwk");

        let mut jwks = jwk_set([&ed, &ec]);
        jwks.keys
            .extend([mislabelled, encryption, no_kid, oct.clone()]);
        let keys = usable_keys(jwks.keys);
        let mut kids: Vec<&str> = keys.keys().map(String::as_str).collect();
        kids.sort_unstable();
        let mut expected = vec![ed.kid(), ec.kid()];
        expected.sort_unstable();
        assert_eq!(kids, expected);
        assert_eq!(keys[ed.kid()].alg, SigningAlgorithm::EdDSA);
        assert_eq!(keys[ec.kid()].alg, SigningAlgorithm::ES256);

        let only_hmac = KeySet::from_jwks(JwkSet { keys: vec![oct] });
        assert!(matches!(only_hmac, Err(AuthError::Jwks(_))));
        let debug = format!("{:?}", KeySet::from_jwks(jwk_set([&ed])).expect("usable"));
        assert!(debug.contains(ed.kid()));
    }
}
