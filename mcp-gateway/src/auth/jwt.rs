//! App JWTs from an identity provider, verified with museo-sdk's verifier.
//!
//! The provider publishes its public keys as a JWKS (a URL, refetched when a
//! token names an unknown `kid`, or a file read at start-up). Only the
//! asymmetric algorithms the sdk implements are accepted (EdDSA, ES256); `none`
//! and every HMAC algorithm are refused before any key lookup, and a JWKS can
//! never contribute a symmetric key.
//!
//! App tokens live longer than the gateway's own two-minute tokens for
//! mcp-admin (an hour is common), so the lifetime cap here is
//! [`DEFAULT_MAX_LIFETIME`] rather than the sdk's M2M maximum.
//!
//! The role: the configured claim (`role` by default) may be a string,
//! `admin` or `customer` (case-insensitive; anything else is refused rather
//! than guessed), or an array that grants admin when it contains `admin`. A
//! `roles` array containing `admin` also grants admin. No role claim at all
//! means customer.

use std::time::Duration;

use museo_sdk::auth::{AuthError, Claims, KeySet, SigningAlgorithm, Verifier, VerifyPolicy};
use serde_json::Value;

use super::{AuthFailure, Identity, Role};

/// The audience app tokens must carry unless configured otherwise.
pub const DEFAULT_AUDIENCE: &str = "mcp-gateway";
/// The claim naming the role unless configured otherwise.
pub const DEFAULT_ROLE_CLAIM: &str = "role";
/// An array claim that also grants admin when it contains `admin`.
pub const ROLES_CLAIM: &str = "roles";
/// The longest app-token lifetime (`exp - iat`) accepted by default: a day,
/// which covers the defaults of common identity providers.
pub const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Claims the verifier owns; a role cannot live in one of them.
pub(crate) const REGISTERED_CLAIMS: [&str; 8] =
    ["iss", "sub", "aud", "iat", "nbf", "exp", "jti", "scope"];

/// How app JWTs are verified.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    /// The identity provider's public keys.
    pub keys: KeySet,
    /// The `aud` tokens must carry.
    pub audience: String,
    /// The `iss` tokens must carry; `None` trusts any issuer whose key is in
    /// [`JwtConfig::keys`].
    pub issuer: Option<String>,
    /// The claim naming the role.
    pub role_claim: String,
    /// The longest lifetime (`exp - iat`) accepted, plus the verifier's leeway.
    pub max_lifetime: Duration,
}

impl JwtConfig {
    /// Tokens signed by `keys` for [`DEFAULT_AUDIENCE`], any issuer, role in
    /// [`DEFAULT_ROLE_CLAIM`], living at most [`DEFAULT_MAX_LIFETIME`].
    pub fn new(keys: KeySet) -> Self {
        Self {
            keys,
            audience: DEFAULT_AUDIENCE.to_owned(),
            issuer: None,
            role_claim: DEFAULT_ROLE_CLAIM.to_owned(),
            max_lifetime: DEFAULT_MAX_LIFETIME,
        }
    }

    /// Sets the required `aud`.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// Requires `iss` to be `issuer`.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Sets the claim naming the role.
    pub fn with_role_claim(mut self, claim: impl Into<String>) -> Self {
        self.role_claim = claim.into();
        self
    }

    /// Sets the longest accepted lifetime.
    pub fn with_max_lifetime(mut self, max_lifetime: Duration) -> Self {
        self.max_lifetime = max_lifetime;
        self
    }
}

/// A ready verifier plus what to read from verified claims.
#[derive(Debug, Clone)]
pub(super) struct JwtAuth {
    verifier: Verifier,
    role_claim: String,
}

impl JwtAuth {
    pub(super) fn new(config: JwtConfig) -> Self {
        let mut policy = VerifyPolicy::new(config.audience).with_algorithms(SigningAlgorithm::ALL);
        if let Some(issuer) = config.issuer {
            policy = policy.with_issuer(issuer);
        }
        Self {
            verifier: Verifier::new(config.keys, policy).with_max_lifetime(config.max_lifetime),
            role_claim: config.role_claim,
        }
    }

    pub(super) async fn identify(&self, token: &str) -> Result<Identity, AuthFailure> {
        let verified = self
            .verifier
            .verify(token)
            .await
            .map_err(|e| self.failure(e))?;
        let role = role_of(&verified.claims, &self.role_claim)?;
        if verified.claims.sub.trim().is_empty() {
            return Err(AuthFailure::Malformed("claim `sub` is empty".to_owned()));
        }
        Ok(Identity {
            role,
            subject: verified.claims.sub,
            via: Identity::VIA_JWT,
        })
    }

    fn failure(&self, error: AuthError) -> AuthFailure {
        match error {
            AuthError::MissingToken => AuthFailure::Missing,
            // The sdk's messages name claims and limits, never values.
            AuthError::Malformed(why) => AuthFailure::Malformed(why),
            AuthError::UnsupportedAlgorithm(_) => AuthFailure::Algorithm,
            AuthError::UnknownKey { .. } => AuthFailure::UnknownKey,
            AuthError::BadSignature => AuthFailure::BadSignature,
            AuthError::WrongAudience => AuthFailure::WrongAudience {
                expected: self.verifier.policy().audience.clone(),
            },
            AuthError::WrongIssuer => AuthFailure::WrongIssuer,
            AuthError::Expired => AuthFailure::Expired,
            AuthError::NotYetValid => AuthFailure::NotYetValid,
            // The key set has logged the cause (URL without credentials).
            AuthError::Jwks(_) => AuthFailure::KeysUnavailable,
            AuthError::MissingScope { .. }
            | AuthError::Replayed
            | AuthError::KeyLoad(_)
            | AuthError::Mint(_) => AuthFailure::Rejected,
        }
    }
}

/// Three dot-separated base64url segments, the first two non-empty (the
/// signature may be empty, as in `alg: none`, so such tokens reach the
/// verifier and are refused for their algorithm rather than as API keys).
pub(super) fn looks_like_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let base64url = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    !header.is_empty()
        && !payload.is_empty()
        && base64url(header)
        && base64url(payload)
        && base64url(signature)
}

fn role_of(claims: &Claims, role_claim: &str) -> Result<Role, AuthFailure> {
    let bad = || AuthFailure::BadRole {
        claim: role_claim.to_owned(),
    };
    let mut admin = match claims.claim(role_claim) {
        None | Some(Value::Null) => false,
        Some(Value::String(role)) => match role.trim() {
            r if r.eq_ignore_ascii_case(Role::Admin.as_str()) => true,
            r if r.eq_ignore_ascii_case(Role::Customer.as_str()) => false,
            _ => return Err(bad()),
        },
        Some(Value::Array(roles)) => contains_admin(roles),
        Some(_) => return Err(bad()),
    };
    if role_claim != ROLES_CLAIM
        && let Some(Value::Array(roles)) = claims.claim(ROLES_CLAIM)
    {
        admin |= contains_admin(roles);
    }
    Ok(if admin { Role::Admin } else { Role::Customer })
}

fn contains_admin(roles: &[Value]) -> bool {
    roles.iter().any(|r| {
        r.as_str()
            .is_some_and(|r| r.trim().eq_ignore_ascii_case(Role::Admin.as_str()))
    })
}
