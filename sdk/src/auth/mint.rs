//! Minting short-lived tokens as a service account.
//!
//! A [`Minter`] signs tokens for one [`ServiceAccount`]: `iss` is the account
//! id, and each [`TokenRequest`] says who the token speaks for (`sub`), who may
//! accept it (`aud`), what it allows (`scope`) and for how long (at most
//! [`MAX_TOKEN_LIFETIME`]).
//!
//! Two ways to get a token, because audiences differ:
//!
//! - [`Minter::one_time`] signs a fresh token (new `jti`) on every call. Use
//!   it for audiences that refuse a replayed `jti`, such as the Museo admin
//!   API, and whenever the token must not be shared between requests.
//! - [`Minter::cached`] returns the same token for the same request until its
//!   remaining life drops below max(20 % of its lifetime, 10 s), so busy
//!   callers do not sign per request and peers never receive a token about to
//!   expire in transit.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jsonwebtoken::Header;
use secrecy::SecretString;
use serde::Serialize;
use serde_json::{Map, Value};

use super::keys::{ServiceAccount, SigningAlgorithm, jwk_set};
use super::{AuthError, JwkSet, MAX_TOKEN_LIFETIME, unix_now};

/// Claims a request may not set through [`TokenRequest::extra`]: the minter
/// owns them.
const REGISTERED_CLAIMS: [&str; 8] = ["iss", "sub", "aud", "scope", "iat", "nbf", "exp", "jti"];

/// Never refresh a cached token later than this before it expires.
const MIN_REFRESH_MARGIN_SECS: u64 = 10;

/// What a token should say.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRequest {
    /// Who the token acts for (`sub`): an admin's user id, or the service
    /// account itself when it acts on its own behalf.
    pub subject: String,
    /// The single service allowed to accept the token (`aud`).
    pub audience: String,
    /// Granted scopes, written space-separated in `scope`. A scope may not
    /// be empty or contain whitespace.
    pub scopes: Vec<String>,
    /// Requested lifetime; clamped to [`MAX_TOKEN_LIFETIME`], whole seconds,
    /// at least one second.
    pub ttl: Duration,
    /// Additional claims such as `role`. Registered claims (`iss`, `sub`,
    /// `aud`, `scope`, `iat`, `nbf`, `exp`, `jti`) are refused here.
    pub extra: Map<String, Value>,
}

impl TokenRequest {
    /// Lifetime used by [`TokenRequest::new`].
    pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

    /// A request with no scopes, no extra claims and [`Self::DEFAULT_TTL`].
    pub fn new(subject: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            audience: audience.into(),
            scopes: Vec::new(),
            ttl: Self::DEFAULT_TTL,
            extra: Map::new(),
        }
    }

    /// Sets the granted scopes.
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the requested lifetime.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Adds an extra claim, e.g. `with_claim("role", "admin")`.
    pub fn with_claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }

    /// Checks the request and returns its lifetime in whole seconds, clamped.
    fn validated_ttl_secs(&self) -> Result<u64, AuthError> {
        if self.subject.trim().is_empty() {
            return Err(AuthError::Mint("subject must not be empty".to_owned()));
        }
        if self.audience.trim().is_empty() {
            return Err(AuthError::Mint("audience must not be empty".to_owned()));
        }
        if let Some(bad) = self
            .scopes
            .iter()
            .find(|s| s.is_empty() || s.chars().any(char::is_whitespace))
        {
            return Err(AuthError::Mint(format!(
                "scope {bad:?} is empty or contains whitespace"
            )));
        }
        if let Some(claim) = REGISTERED_CLAIMS
            .iter()
            .find(|c| self.extra.contains_key(**c))
        {
            return Err(AuthError::Mint(format!(
                "extra claim `{claim}` would override a registered claim"
            )));
        }
        let secs = self.ttl.as_secs();
        if secs == 0 {
            return Err(AuthError::Mint(
                "ttl must be at least one second".to_owned(),
            ));
        }
        Ok(secs.min(MAX_TOKEN_LIFETIME.as_secs()))
    }
}

/// The payload as it goes on the wire.
#[derive(Serialize)]
struct OutgoingClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    #[serde(skip_serializing_if = "String::is_empty")]
    scope: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    jti: String,
    #[serde(flatten)]
    extra: &'a Map<String, Value>,
}

/// A signed token and the times it was signed for.
#[derive(Clone)]
struct Minted {
    token: SecretString,
    iat: u64,
    exp: u64,
}

impl Minted {
    /// The instant from which the cache mints anew instead of handing this out.
    fn refresh_at(&self) -> u64 {
        let lifetime = self.exp.saturating_sub(self.iat);
        let margin = (lifetime / 5).max(MIN_REFRESH_MARGIN_SECS);
        self.exp.saturating_sub(margin)
    }

    fn fresh_at(&self, now: u64) -> bool {
        now < self.refresh_at()
    }
}

/// Identifies interchangeable requests. Scopes are a set; the lifetime is
/// part of the key so a caller asking for 30 s never gets a 5-minute token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    subject: String,
    audience: String,
    scopes: Vec<String>,
    extra: String,
    ttl_secs: u64,
}

impl CacheKey {
    fn new(req: &TokenRequest, ttl_secs: u64) -> Self {
        let mut scopes = req.scopes.clone();
        scopes.sort();
        scopes.dedup();
        Self {
            subject: req.subject.clone(),
            audience: req.audience.clone(),
            scopes,
            extra: Value::Object(req.extra.clone()).to_string(),
            ttl_secs,
        }
    }
}

/// Signs tokens as one service account. Share it (`Arc<Minter>`): it is
/// thread-safe and its cache is only useful when shared.
pub struct Minter {
    account: ServiceAccount,
    header: Header,
    cache: Mutex<HashMap<CacheKey, Minted>>,
    cache_capacity: usize,
}

impl Minter {
    /// How many distinct requests [`Minter::cached`] remembers by default.
    pub const DEFAULT_CACHE_CAPACITY: usize = 1024;

    /// A minter signing as `account`.
    pub fn new(account: ServiceAccount) -> Self {
        let mut header = Header::new(account.key.alg().jwt_algorithm());
        header.kid = Some(account.key.kid().to_owned());
        Self {
            account,
            header,
            cache: Mutex::new(HashMap::new()),
            cache_capacity: Self::DEFAULT_CACHE_CAPACITY,
        }
    }

    /// Bounds the token cache; `0` disables caching (every call mints).
    pub fn with_cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// The service account id, i.e. the `iss` of every token.
    pub fn account_id(&self) -> &str {
        &self.account.id
    }

    /// The `kid` every token names.
    pub fn kid(&self) -> &str {
        self.account.key.kid()
    }

    /// The signing algorithm.
    pub fn alg(&self) -> SigningAlgorithm {
        self.account.key.alg()
    }

    /// The JWKS verifiers need to accept this minter's tokens.
    pub fn jwks(&self) -> JwkSet {
        jwk_set([&self.account.key])
    }

    /// A fresh token (new `jti`) on every call.
    pub fn one_time(&self, req: &TokenRequest) -> Result<SecretString, AuthError> {
        self.mint_at(req, unix_now()).map(|m| m.token)
    }

    /// The cached token for an equivalent request while it has more than
    /// max(20 % of its lifetime, 10 s) left; otherwise a fresh one. Do not use
    /// toward audiences that refuse a replayed `jti`.
    pub fn cached(&self, req: &TokenRequest) -> Result<SecretString, AuthError> {
        self.cached_at(req, unix_now())
    }

    fn cached_at(&self, req: &TokenRequest, now: u64) -> Result<SecretString, AuthError> {
        let key = CacheKey::new(req, req.validated_ttl_secs()?);
        if let Some(hit) = self.lock_cache().get(&key).filter(|m| m.fresh_at(now)) {
            return Ok(hit.token.clone());
        }
        // Sign outside the lock; two racing callers both mint, and the
        // later one wins the slot, which is harmless.
        let minted = self.mint_at(req, now)?;
        let token = minted.token.clone();
        if self.cache_capacity > 0 {
            let mut cache = self.lock_cache();
            if cache.len() >= self.cache_capacity && !cache.contains_key(&key) {
                cache.retain(|_, m| m.fresh_at(now));
                if cache.len() >= self.cache_capacity
                    && let Some(oldest) = cache
                        .iter()
                        .min_by_key(|(_, m)| m.exp)
                        .map(|(k, _)| k.clone())
                {
                    cache.remove(&oldest);
                }
            }
            cache.insert(key, minted);
        }
        Ok(token)
    }

    fn mint_at(&self, req: &TokenRequest, now: u64) -> Result<Minted, AuthError> {
        let ttl_secs = req.validated_ttl_secs()?;
        let exp = now + ttl_secs;
        let claims = OutgoingClaims {
            iss: &self.account.id,
            sub: &req.subject,
            aud: &req.audience,
            scope: req.scopes.join(" "),
            iat: now,
            nbf: now,
            exp,
            jti: uuid::Uuid::new_v4().to_string(),
            extra: &req.extra,
        };
        let token = jsonwebtoken::encode(&self.header, &claims, &self.account.key.encoding_key())
            .map_err(|e| AuthError::Mint(format!("signing failed: {e}")))?;
        Ok(Minted {
            token: SecretString::from(token),
            iat: now,
            exp,
        })
    }

    fn lock_cache(&self) -> MutexGuard<'_, HashMap<CacheKey, Minted>> {
        // The map holds no invariants a panicking holder could break.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Minter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minter")
            .field("account", &self.account)
            .field("cached_tokens", &self.lock_cache().len())
            .field("cache_capacity", &self.cache_capacity)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn minter(alg: SigningAlgorithm) -> Minter {
        Minter::new(ServiceAccount::generate("museo-gateway", alg).expect("generate key"))
    }

    fn claims_of(token: &SecretString) -> Value {
        jsonwebtoken::dangerous::insecure_decode_claims(token.expose_secret())
            .expect("token decodes")
    }

    fn request() -> TokenRequest {
        TokenRequest::new("admin-42", "mcp-admin").with_scopes(["orders:read", "orders:write"])
    }

    #[test]
    fn tokens_carry_every_claim_and_the_kid() {
        for alg in SigningAlgorithm::ALL {
            let minter = minter(alg);
            let token = minter
                .one_time(
                    &request()
                        .with_ttl(Duration::from_secs(120))
                        .with_claim("role", "admin"),
                )
                .expect("mints");
            let header = jsonwebtoken::decode_header(token.expose_secret()).expect("header");
            assert_eq!(header.alg, alg.jwt_algorithm());
            assert_eq!(header.kid.as_deref(), Some(minter.kid()));

            let c = claims_of(&token);
            assert_eq!(c["iss"], "museo-gateway");
            assert_eq!(c["sub"], "admin-42");
            assert_eq!(c["aud"], "mcp-admin");
            assert_eq!(c["scope"], "orders:read orders:write");
            assert_eq!(c["role"], "admin");
            let iat = c["iat"].as_u64().expect("iat");
            assert!(iat.abs_diff(unix_now()) <= 2);
            assert_eq!(c["nbf"].as_u64(), Some(iat));
            assert_eq!(c["exp"].as_u64(), Some(iat + 120));
            let jti = c["jti"].as_str().expect("jti");
            assert_eq!(
                uuid::Uuid::parse_str(jti).expect("uuid").get_version_num(),
                4
            );
        }
    }

    #[test]
    fn lifetime_is_clamped_to_five_minutes() {
        let token = minter(SigningAlgorithm::EdDSA)
            .one_time(&request().with_ttl(Duration::from_secs(3600)));
        let c = claims_of(&token.expect("mints"));
        let lifetime = c["exp"].as_u64().expect("exp") - c["iat"].as_u64().expect("iat");
        assert_eq!(lifetime, MAX_TOKEN_LIFETIME.as_secs());
    }

    #[test]
    fn refuses_bad_requests() {
        let m = minter(SigningAlgorithm::EdDSA);
        let bad = [
            request().with_ttl(Duration::ZERO),
            request().with_ttl(Duration::from_millis(500)),
            TokenRequest::new("", "mcp-admin"),
            TokenRequest::new("admin-42", " "),
            request().with_scopes(["orders:read orders:write"]),
            request().with_scopes([""]),
            request().with_claim("exp", 9_999_999_999_u64),
            request().with_claim("aud", "museo-admin-api"),
        ];
        for req in bad {
            assert!(
                matches!(m.one_time(&req), Err(AuthError::Mint(_))),
                "{req:?}"
            );
            assert!(matches!(m.cached(&req), Err(AuthError::Mint(_))), "{req:?}");
        }
    }

    #[test]
    fn one_time_tokens_are_always_fresh() {
        let m = minter(SigningAlgorithm::EdDSA);
        let a = m.one_time(&request()).expect("mints");
        let b = m.one_time(&request()).expect("mints");
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert_ne!(claims_of(&a)["jti"], claims_of(&b)["jti"]);
    }

    #[test]
    fn cached_tokens_are_reused_per_request() {
        let m = minter(SigningAlgorithm::ES256);
        let a = m.cached(&request()).expect("mints");
        let b = m.cached(&request()).expect("cached");
        assert_eq!(a.expose_secret(), b.expose_secret());

        // Same scopes in another order: the same grant, the same token.
        let reordered = request().with_scopes(["orders:write", "orders:read"]);
        assert_eq!(
            m.cached(&reordered).expect("cached").expose_secret(),
            a.expose_secret()
        );

        let different = [
            request().with_scopes(["orders:read"]),
            TokenRequest::new("admin-7", "mcp-admin").with_scopes(["orders:read", "orders:write"]),
            request().with_claim("role", "admin"),
            request().with_ttl(Duration::from_secs(30)),
        ];
        for req in different {
            let other = m.cached(&req).expect("mints");
            assert_ne!(other.expose_secret(), a.expose_secret(), "{req:?}");
        }
    }

    #[test]
    fn cached_tokens_are_renewed_before_they_run_out() {
        let m = minter(SigningAlgorithm::EdDSA);
        let t0 = unix_now();
        // 60 s lifetime: the margin is max(12 s, 10 s) = 12 s, so renew at t0 + 48.
        let req = request().with_ttl(Duration::from_secs(60));
        let first = m.cached_at(&req, t0).expect("mints");
        let still = m.cached_at(&req, t0 + 47).expect("cached");
        assert_eq!(first.expose_secret(), still.expose_secret());
        let renewed = m.cached_at(&req, t0 + 48).expect("renews");
        assert_ne!(first.expose_secret(), renewed.expose_secret());
        assert_eq!(claims_of(&renewed)["iat"].as_u64(), Some(t0 + 48));

        // 20 s lifetime: 20 % is 4 s, so the 10 s floor applies.
        let short = request().with_ttl(Duration::from_secs(20));
        let first = m.cached_at(&short, t0).expect("mints");
        assert_eq!(
            m.cached_at(&short, t0 + 9).expect("cached").expose_secret(),
            first.expose_secret()
        );
        assert_ne!(
            m.cached_at(&short, t0 + 10)
                .expect("renews")
                .expose_secret(),
            first.expose_secret()
        );
    }

    #[test]
    fn cache_is_bounded_and_evicts_stale_entries_first() {
        let m = minter(SigningAlgorithm::EdDSA).with_cache_capacity(2);
        let t0 = unix_now();
        let short = TokenRequest::new("a", "mcp-admin").with_ttl(Duration::from_secs(20));
        let long_b = TokenRequest::new("b", "mcp-admin").with_ttl(Duration::from_secs(300));
        let long_c = TokenRequest::new("c", "mcp-admin").with_ttl(Duration::from_secs(300));
        m.cached_at(&short, t0).expect("mints");
        let b = m.cached_at(&long_b, t0).expect("mints");
        // At t0 + 15 the short token is stale: it goes, b stays.
        m.cached_at(&long_c, t0 + 15).expect("mints");
        assert_eq!(m.lock_cache().len(), 2);
        assert_eq!(
            m.cached_at(&long_b, t0 + 15)
                .expect("cached")
                .expose_secret(),
            b.expose_secret()
        );

        // Full of fresh entries: the one expiring first (b) makes room.
        m.cached_at(&short, t0 + 16).expect("mints");
        assert_eq!(m.lock_cache().len(), 2);
        assert_ne!(
            m.cached_at(&long_b, t0 + 16)
                .expect("mints")
                .expose_secret(),
            b.expose_secret()
        );

        let uncached = minter(SigningAlgorithm::EdDSA).with_cache_capacity(0);
        let a = uncached.cached(&short).expect("mints");
        assert_ne!(
            uncached.cached(&short).expect("mints").expose_secret(),
            a.expose_secret()
        );
    }

    #[test]
    fn minter_is_shareable_and_debug_is_redacted() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Minter>();
        let m = minter(SigningAlgorithm::EdDSA);
        let token = m.cached(&request()).expect("mints");
        let debug = format!("{m:?}");
        assert!(debug.contains("museo-gateway") && debug.contains("cached_tokens: 1"));
        assert!(!debug.contains(token.expose_secret()));
        let jwks = m.jwks();
        assert_eq!(jwks.keys.len(), 1);
        assert_eq!(jwks.keys[0].common.key_id.as_deref(), Some(m.kid()));
    }
}
