//! Verifying tokens: signature, algorithm, audience, issuer, times, scopes.
//!
//! The checks run cheapest and most fundamental first, so a forged token is
//! refused before any key lookup or signature work:
//!
//! 1. shape, `alg` in the policy's allow-list (never `none`, never HMAC),
//!    `kid` present;
//! 2. the key named by `kid`, whose own algorithm must equal `alg` — a token
//!    cannot pick how its key is used (key confusion);
//! 3. the signature, then `exp`/`nbf`/`aud`/`iss` with leeway;
//! 4. `iat` not in the future and `exp - iat` within [`MAX_TOKEN_LIFETIME`]
//!    (or the verifier's [`Verifier::with_max_lifetime`]), so a leaked
//!    signing key cannot produce long-lived tokens unnoticed;
//! 5. the policy's required scopes, last, because only that failure is a
//!    `403` rather than a `401`.
//!
//! Replay is deliberately **not** checked here: it needs shared state the
//! verifier does not own. Services that must refuse a second use of a token
//! record [`Claims::jti`] until [`Claims::exp`] and answer
//! [`AuthError::Replayed`] themselves.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Validation;
use jsonwebtoken::errors::ErrorKind;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::claims::{Claims, parse_claims};
use super::keys::SigningAlgorithm;
use super::keyset::KeySet;
use super::{AuthError, MAX_TOKEN_LIFETIME, unix_now};

/// Tokens longer than this are refused before parsing (ours are ~500 bytes).
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// What a [`Verifier`] accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyPolicy {
    /// This service's audience name; the token's `aud` must contain it.
    pub audience: String,
    /// The issuer (service account id) to trust; `None` trusts any issuer
    /// whose key is in the [`KeySet`].
    pub issuer: Option<String>,
    /// Accepted algorithms, an explicit allow-list.
    pub algorithms: Vec<SigningAlgorithm>,
    /// Allowed clock skew for `exp`, `nbf`, `iat` and the lifetime check.
    pub leeway_secs: u64,
    /// Scopes every token must carry.
    pub required_scopes: Vec<String>,
}

impl VerifyPolicy {
    /// Clock skew allowed by default.
    pub const DEFAULT_LEEWAY_SECS: u64 = 30;

    /// Accepts tokens for `audience` from any known key, EdDSA or ES256,
    /// with the default leeway and no required scope.
    pub fn new(audience: impl Into<String>) -> Self {
        Self {
            audience: audience.into(),
            issuer: None,
            algorithms: SigningAlgorithm::ALL.to_vec(),
            leeway_secs: Self::DEFAULT_LEEWAY_SECS,
            required_scopes: Vec::new(),
        }
    }

    /// Trusts only tokens issued by `issuer`.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Replaces the algorithm allow-list.
    pub fn with_algorithms(
        mut self,
        algorithms: impl IntoIterator<Item = SigningAlgorithm>,
    ) -> Self {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// Sets the allowed clock skew.
    pub fn with_leeway_secs(mut self, leeway_secs: u64) -> Self {
        self.leeway_secs = leeway_secs;
        self
    }

    /// Sets the scopes every token must carry.
    pub fn with_required_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.required_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
}

/// A token that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Its claims.
    pub claims: Claims,
    /// The `kid` of the key that signed it.
    pub kid: String,
}

/// Checks tokens against a [`KeySet`] and a [`VerifyPolicy`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: KeySet,
    policy: VerifyPolicy,
    max_lifetime: Duration,
}

/// The header fields we look at before trusting anything.
#[derive(Deserialize)]
struct RawHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    crit: Option<Value>,
}

impl Verifier {
    /// A verifier for `policy`, trusting the keys in `keys`.
    pub fn new(keys: KeySet, policy: VerifyPolicy) -> Self {
        Self {
            keys,
            policy,
            max_lifetime: MAX_TOKEN_LIFETIME,
        }
    }

    /// Accepts tokens living up to `max_lifetime` (`exp - iat`, whole
    /// seconds, plus leeway) instead of [`MAX_TOKEN_LIFETIME`]. For tokens
    /// this workspace does not mint, such as an identity provider's app
    /// tokens, which commonly live an hour or more; keep the default for
    /// machine-to-machine tokens.
    pub fn with_max_lifetime(mut self, max_lifetime: Duration) -> Self {
        self.max_lifetime = max_lifetime;
        self
    }

    /// The longest token lifetime accepted.
    pub fn max_lifetime(&self) -> Duration {
        self.max_lifetime
    }

    /// The policy in force.
    pub fn policy(&self) -> &VerifyPolicy {
        &self.policy
    }

    /// Verifies a compact JWS (without any `Bearer ` prefix).
    pub async fn verify(&self, token: &str) -> Result<Verified, AuthError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(AuthError::MissingToken);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::Malformed("token is too long".to_owned()));
        }

        if self.policy.audience.is_empty() {
            // `Validation` would match an empty `aud`; no token is meant for that.
            return Err(AuthError::WrongAudience);
        }

        let header = parse_header(token)?;
        let alg: SigningAlgorithm = header.alg.parse()?;
        if !self.policy.algorithms.contains(&alg) {
            return Err(AuthError::UnsupportedAlgorithm(header.alg));
        }
        if header
            .typ
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("JWT"))
        {
            return Err(AuthError::Malformed("header `typ` is not JWT".to_owned()));
        }
        if header.crit.is_some() {
            return Err(AuthError::Malformed(
                "critical header extensions are not supported".to_owned(),
            ));
        }
        let kid = header
            .kid
            .filter(|k| !k.is_empty())
            .ok_or(AuthError::UnknownKey { kid: None })?;

        let key = self.keys.resolve(&kid).await?;
        if key.alg != alg {
            // The token claims an algorithm its key is not for.
            return Err(AuthError::UnsupportedAlgorithm(header.alg));
        }

        let payload =
            jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &self.validation(alg))
                .map_err(|e| map_jwt_error(e.into_kind(), alg))?
                .claims;
        let claims = parse_claims(payload)?;
        self.check_times(&claims)?;
        for scope in &self.policy.required_scopes {
            claims.require_scope(scope)?;
        }
        Ok(Verified { claims, kid })
    }

    fn validation(&self, alg: SigningAlgorithm) -> Validation {
        let mut validation = Validation::new(alg.jwt_algorithm());
        validation.leeway = self.policy.leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_audience(&[&self.policy.audience]);
        if let Some(issuer) = &self.policy.issuer {
            validation.set_issuer(&[issuer]);
        }
        validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        validation
    }

    /// What `jsonwebtoken` does not check: `iat` and the lifetime.
    fn check_times(&self, claims: &Claims) -> Result<(), AuthError> {
        let leeway = self.policy.leeway_secs;
        if claims.iat > unix_now().saturating_add(leeway) {
            return Err(AuthError::NotYetValid);
        }
        let lifetime = claims
            .exp
            .checked_sub(claims.iat)
            .ok_or_else(|| AuthError::Malformed("`exp` precedes `iat`".to_owned()))?;
        let max = self.max_lifetime.as_secs();
        if lifetime > max.saturating_add(leeway) {
            return Err(AuthError::Malformed(format!(
                "token lifetime exceeds the {max} s maximum"
            )));
        }
        Ok(())
    }
}

fn parse_header(token: &str) -> Result<RawHeader, AuthError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthError::Malformed(
            "not a compact JWS (three dot-separated parts)".to_owned(),
        ));
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| AuthError::Malformed("header is not base64url".to_owned()))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| AuthError::Malformed("header is not a JSON object with `alg`".to_owned()))
}

fn map_jwt_error(kind: ErrorKind, alg: SigningAlgorithm) -> AuthError {
    match kind {
        ErrorKind::InvalidSignature
        | ErrorKind::InvalidEcdsaKey
        | ErrorKind::InvalidEddsaKey
        | ErrorKind::InvalidKeyFormat
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::Provider(_) => AuthError::BadSignature,
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::MissingRequiredClaim(claim) => match claim.as_str() {
            "aud" => AuthError::WrongAudience,
            "iss" => AuthError::WrongIssuer,
            other => AuthError::Malformed(format!("missing claim `{other}`")),
        },
        ErrorKind::InvalidClaimFormat(claim) => {
            AuthError::Malformed(format!("claim `{claim}` has the wrong type"))
        }
        ErrorKind::InvalidAlgorithm
        | ErrorKind::MissingAlgorithm
        | ErrorKind::UnsupportedAlgorithm
        | ErrorKind::InvalidAlgorithmName => AuthError::UnsupportedAlgorithm(alg.to_string()),
        ErrorKind::Base64(_) => AuthError::Malformed("not base64url".to_owned()),
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => {
            AuthError::Malformed("payload is not a JSON object".to_owned())
        }
        _ => AuthError::Malformed("token rejected".to_owned()),
    }
}

#[cfg(test)]
mod tests;
