//! Who an app is, and the tokens the gateway mints for mcp-admin.
//!
//! Apps present one credential, in `Authorization: Bearer` on the upgrade or
//! in `hello.token`, and one [`Authenticator`] decides what it is:
//!
//! - a token shaped like a JWT (three base64url segments) is an app token
//!   from the identity provider: its signature is checked against the
//!   provider's JWKS (`GATEWAY_JWKS_URL` or `GATEWAY_JWKS_FILE`), then `aud`
//!   (default `mcp-gateway`), `iss` when configured, `exp`/`nbf`/`iat` and the
//!   lifetime, with museo-sdk's verifier (asymmetric algorithms only, so
//!   `none` and HMAC tokens are refused before any key is looked up). The role
//!   comes from a claim (`role` by default, or a `roles` array);
//! - anything else is an API key, configured hashed (`GATEWAY_API_KEYS` =
//!   `role:sha256hex[:name],…`) and compared in constant time.
//!
//! Either way the result is an [`Identity`] (role, subject, how) or an
//! [`AuthFailure`] whose message is safe to show the client: it never echoes
//! the token nor any key material. Whether *no* credential means `customer`
//! is the caller's policy, not this module's.
//!
//! For every admin tool call the gateway mints a short-lived JWT
//! ([`AdminTokens`]: EdDSA, `aud` mcp-admin, `sub` the admin, `role`, scope,
//! `jti`, 2 minutes) and passes it in `_meta`; its public keys are at
//! `/.well-known/jwks.json` and in a JWKS file mcp-admin children read.
//!
//! Layout: [`api_keys`] (hashed keys), [`jwt`] (app JWTs), [`config`] (the
//! environment), [`admin_tokens`] (minting for mcp-admin).

pub mod admin_tokens;
pub mod api_keys;
pub mod config;
pub mod jwt;

use std::fmt;
use std::sync::Arc;

pub use admin_tokens::AdminTokens;
pub use api_keys::{ApiKey, authenticate, parse_keys, sha256_hex};
pub use config::{
    ENV_API_KEYS, ENV_JWKS_FILE, ENV_JWKS_URL, ENV_JWT_AUDIENCE, ENV_JWT_ISSUER,
    ENV_JWT_MAX_LIFETIME_SECS, ENV_JWT_ROLE_CLAIM,
};
pub use jwt::JwtConfig;

/// Longer tokens are refused before hashing or parsing. JWTs from identity
/// providers are a few KB at most; API keys far less.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// A session's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A shopper.
    Customer,
    /// A shop administrator.
    Admin,
}

impl Role {
    /// `customer` / `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Admin => "admin",
        }
    }
}

/// Who presented a credential that was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// What the session may do.
    pub role: Role,
    /// Who it is: the API key's name, or the JWT's `sub`. Safe to log.
    pub subject: String,
    /// How it was proven: [`Identity::VIA_API_KEY`] or [`Identity::VIA_JWT`].
    pub via: &'static str,
}

impl Identity {
    /// [`Identity::via`] for an API key.
    pub const VIA_API_KEY: &'static str = "api_key";
    /// [`Identity::via`] for a JWT.
    pub const VIA_JWT: &'static str = "jwt";
}

/// Why a credential was refused. Every message is safe to send to the client
/// and to log: none contains the token, a key, a hash or a claim value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    /// Nothing (or only whitespace) was presented.
    #[error("no token was presented")]
    Missing,
    /// Longer than [`MAX_TOKEN_BYTES`].
    #[error("token is too long")]
    TooLong,
    /// The `Bearer ` prefix of the header was sent as part of the token.
    #[error("send the token without the `Bearer ` prefix")]
    BearerPrefix,
    /// Not a JWT, and not a configured API key.
    #[error("unknown API key")]
    UnknownApiKey,
    /// A JWT, but no identity provider keys are configured.
    #[error("JWTs are not accepted: no GATEWAY_JWKS_URL/FILE configured")]
    JwtNotAccepted,
    /// A JWT that is not well formed, lacks a required claim or lives too long.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The JWT's `alg` is not accepted (`none`, HMAC, or not its key's).
    #[error("token algorithm is not accepted (EdDSA or ES256 only)")]
    Algorithm,
    /// The JWT names no `kid`, or one the identity provider does not publish.
    #[error("token signing key is unknown")]
    UnknownKey,
    /// The JWT's signature does not verify.
    #[error("token signature invalid")]
    BadSignature,
    /// The JWT was issued for another audience.
    #[error("token audience is not {expected}")]
    WrongAudience {
        /// The audience this gateway accepts (configuration, not a secret).
        expected: String,
    },
    /// The JWT was issued by an issuer this gateway does not trust.
    #[error("token issuer is not trusted")]
    WrongIssuer,
    /// The JWT's `exp` has passed.
    #[error("token expired")]
    Expired,
    /// The JWT's `nbf` or `iat` lies in the future.
    #[error("token is not valid yet")]
    NotYetValid,
    /// The JWT's role claim is present but says neither admin nor customer.
    #[error("token claim `{claim}` is not admin or customer")]
    BadRole {
        /// The claim's name (never its value).
        claim: String,
    },
    /// The identity provider's JWKS could not be fetched; not the client's fault.
    #[error("the identity provider's keys are unavailable; try again shortly")]
    KeysUnavailable,
    /// Refused for a reason the verifier does not name.
    #[error("token rejected")]
    Rejected,
}

impl AuthFailure {
    /// The gateway wire error code: `unavailable` when the identity
    /// provider's keys could not be fetched, `unauthorized` otherwise.
    pub fn code(&self) -> &'static str {
        match self {
            Self::KeysUnavailable => "unavailable",
            _ => "unauthorized",
        }
    }

    /// HTTP status: `503` when keys are unavailable, `401` otherwise.
    pub fn status(&self) -> u16 {
        match self {
            Self::KeysUnavailable => 503,
            _ => 401,
        }
    }

    /// A stable snake_case label for logs and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing => "missing_token",
            Self::TooLong => "token_too_long",
            Self::BearerPrefix => "bearer_prefix",
            Self::UnknownApiKey => "unknown_api_key",
            Self::JwtNotAccepted => "jwt_not_accepted",
            Self::Malformed(_) => "malformed_token",
            Self::Algorithm => "unsupported_algorithm",
            Self::UnknownKey => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::WrongAudience { .. } => "wrong_audience",
            Self::WrongIssuer => "wrong_issuer",
            Self::Expired => "token_expired",
            Self::NotYetValid => "token_not_yet_valid",
            Self::BadRole { .. } => "bad_role",
            Self::KeysUnavailable => "jwks_unavailable",
            Self::Rejected => "token_rejected",
        }
    }
}

/// Decides who a token is: API key or identity-provider JWT. Cheap to clone
/// (clones share the keys and the JWKS cache); `Debug` shows key names, roles
/// and the JWT policy, never a hash or a key.
#[derive(Clone)]
pub struct Authenticator {
    keys: Arc<[ApiKey]>,
    jwt: Option<jwt::JwtAuth>,
}

impl Authenticator {
    /// From parts; [`Authenticator::from_env`] is the usual way.
    pub fn new(keys: Vec<ApiKey>, jwt: Option<JwtConfig>) -> Self {
        Self {
            keys: keys.into(),
            jwt: jwt.map(jwt::JwtAuth::new),
        }
    }

    /// The configured API keys.
    pub fn api_keys(&self) -> &[ApiKey] {
        &self.keys
    }

    /// Whether JWTs can be accepted (an identity provider's keys are configured).
    pub fn accepts_jwts(&self) -> bool {
        self.jwt.is_some()
    }

    /// Who `token` is. Surrounding whitespace is ignored; a leftover `Bearer `
    /// prefix is refused. Logs the outcome at debug (subject and `via`, or
    /// the reason), never the token.
    pub async fn authenticate(&self, token: &str) -> Result<Identity, AuthFailure> {
        let result = self.identify(token).await;
        match &result {
            Ok(identity) => tracing::debug!(
                subject = %identity.subject,
                via = identity.via,
                role = identity.role.as_str(),
                "authenticated"
            ),
            Err(failure) => tracing::debug!(reason = failure.reason(), "credential refused"),
        }
        result
    }

    async fn identify(&self, token: &str) -> Result<Identity, AuthFailure> {
        let token = token.trim();
        if token.is_empty() {
            return Err(AuthFailure::Missing);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthFailure::TooLong);
        }
        if token
            .as_bytes()
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"bearer "))
        {
            return Err(AuthFailure::BearerPrefix);
        }
        if jwt::looks_like_jwt(token) {
            return match &self.jwt {
                Some(jwt) => jwt.identify(token).await,
                None => Err(AuthFailure::JwtNotAccepted),
            };
        }
        authenticate(&self.keys, token)
            .map(|key| Identity {
                role: key.role,
                subject: key.name.clone(),
                via: Identity::VIA_API_KEY,
            })
            .ok_or(AuthFailure::UnknownApiKey)
    }
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("api_keys", &self.keys)
            .field("jwt", &self.jwt)
            .finish()
    }
}

#[cfg(test)]
mod tests;
