//! Machine-to-machine authentication with short-lived signed JWTs.
//!
//! Two hops in Museo MCP carry a token, and both use this module:
//!
//! - the gateway mints a token for mcp-admin (`aud` = mcp-admin, `sub` = the
//!   admin, `role`, scopes) and mcp-admin verifies it;
//! - mcp-admin mints its **own** token for the Museo admin API, acting on
//!   behalf of the verified subject. Tokens are never forwarded to another
//!   audience.
//!
//! Why it looks the way it does:
//!
//! - **Asymmetric keys only** (EdDSA or ES256). Verifiers hold public keys, so
//!   a compromised verifier cannot mint. There is no HMAC path at all, which
//!   also closes the classic key-confusion attack (an `HS256` token "signed"
//!   with the public key).
//! - **Short lifetimes.** Minted tokens live at most [`MAX_TOKEN_LIFETIME`]
//!   and verifiers refuse anything longer, so a leaked token is worth little
//!   and revocation lists are unnecessary.
//! - **Rotation by `kid`.** Every token names its key; verifiers look the key
//!   up in a JWKS ([`KeySet`]) and refetch it when an unknown `kid` appears.
//! - **Replay is the caller's call.** Each token has a unique `jti`, but the
//!   verifier is stateless; a service that must refuse replays keeps its own
//!   store of seen `jti`s until `exp` (see [`Claims::jti`]).
//! - **Secrets stay secret.** Private keys and minted tokens are held in
//!   [`secrecy`] types, `Debug` output is redacted, and no [`AuthError`]
//!   message ever contains a token or key material.
//!
//! Layout: [`keys`] (key pairs, JWKs, service accounts), [`mint`] (issuing),
//! [`keyset`] (where verifiers get public keys), [`verify`] (checking) and
//! [`claims`] (what a verified token says).

pub mod claims;
pub mod keys;
pub mod keyset;
pub mod mint;
pub mod verify;

use std::time::Duration;

pub use claims::Claims;
pub use jsonwebtoken::jwk::{Jwk, JwkSet};
pub use keys::{ServiceAccount, SigningAlgorithm, SigningKey, jwk_set};
pub use keyset::KeySet;
pub use mint::{Minter, TokenRequest};
pub use verify::{Verified, Verifier, VerifyPolicy};

/// The `_meta` key of an MCP request that carries the caller's JWT (the one
/// the gateway mints for mcp-admin). A `_meta` entry rather than a tool
/// argument: the model never sees or writes it, and stdio has no headers.
pub const META_AUTHORIZATION: &str = "dev.museo/authorization";

/// The claim naming the caller's role (`admin` or `customer`).
pub const ROLE_CLAIM: &str = "role";

/// The longest lifetime (`exp - iat`) a token may have: minters clamp to it,
/// verifiers refuse anything longer (plus leeway).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// Why a token could not be minted or was refused.
///
/// One enum for the whole module so callers map it to the wire in one place
/// with [`AuthError::status`] and [`AuthError::code`]. Messages describe the
/// problem only: they never contain the token, claims values or key material,
/// so they are safe to log and to return to the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No token was presented.
    #[error("no token was presented")]
    MissingToken,
    /// The token is not a well-formed JWT of the shape we issue.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The token's `alg` is not one this verifier accepts (including `none`
    /// and every HMAC algorithm), or does not match the key's algorithm.
    #[error("unsupported or disallowed signing algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// The token names no key (`kid` absent) or a key the verifier does not know.
    #[error("{}", match kid {
        Some(kid) => format!("unknown signing key `{kid}`"),
        None => "token header has no `kid`".to_owned(),
    })]
    UnknownKey {
        /// The `kid` from the token header, if there was one.
        kid: Option<String>,
    },
    /// The signature does not verify with the named key.
    #[error("signature verification failed")]
    BadSignature,
    /// The token was issued for another audience.
    #[error("token was issued for another audience")]
    WrongAudience,
    /// The token was issued by an issuer this verifier does not trust.
    #[error("token was issued by an untrusted issuer")]
    WrongIssuer,
    /// `exp` has passed (beyond the allowed clock skew).
    #[error("token has expired")]
    Expired,
    /// `nbf` or `iat` lies in the future (beyond the allowed clock skew).
    #[error("token is not valid yet")]
    NotYetValid,
    /// The token is authentic but lacks a scope the operation needs.
    #[error("token lacks the required scope `{needed}`")]
    MissingScope {
        /// The scope that was needed.
        needed: String,
    },
    /// The token's `jti` was already used (raised by callers that keep a
    /// replay store; the verifier itself is stateless).
    #[error("token was already used")]
    Replayed,
    /// A private key could not be loaded or generated.
    #[error("could not load signing key: {0}")]
    KeyLoad(String),
    /// The verifier could not obtain usable public keys.
    #[error("could not obtain verification keys: {0}")]
    Jwks(String),
    /// A token could not be minted.
    #[error("could not mint token: {0}")]
    Mint(String),
}

impl AuthError {
    /// HTTP status for this error: `401` when the presented credential is
    /// missing or not acceptable, `403` when it is valid but lacks a scope,
    /// `503` when verification keys are unavailable (not the caller's fault)
    /// and `500` for local key-loading or minting faults.
    pub fn status(&self) -> u16 {
        match self {
            Self::MissingScope { .. } => 403,
            Self::Jwks(_) => 503,
            Self::KeyLoad(_) | Self::Mint(_) => 500,
            Self::MissingToken
            | Self::Malformed(_)
            | Self::UnsupportedAlgorithm(_)
            | Self::UnknownKey { .. }
            | Self::BadSignature
            | Self::WrongAudience
            | Self::WrongIssuer
            | Self::Expired
            | Self::NotYetValid
            | Self::Replayed => 401,
        }
    }

    /// A stable snake_case code for logs, metrics and error bodies. These are
    /// part of the wire contract: never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingToken => "missing_token",
            Self::Malformed(_) => "malformed_token",
            Self::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            Self::UnknownKey { .. } => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::WrongAudience => "wrong_audience",
            Self::WrongIssuer => "wrong_issuer",
            Self::Expired => "token_expired",
            Self::NotYetValid => "token_not_yet_valid",
            Self::MissingScope { .. } => "missing_scope",
            Self::Replayed => "token_replayed",
            Self::KeyLoad(_) => "key_load_failed",
            Self::Jwks(_) => "jwks_unavailable",
            Self::Mint(_) => "mint_failed",
        }
    }
}

/// Seconds since the Unix epoch, the unit of every JWT time claim.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<AuthError> {
        vec![
            AuthError::MissingToken,
            AuthError::Malformed("x".into()),
            AuthError::UnsupportedAlgorithm("none".into()),
            AuthError::UnknownKey { kid: None },
            AuthError::UnknownKey {
                kid: Some("k1".into()),
            },
            AuthError::BadSignature,
            AuthError::WrongAudience,
            AuthError::WrongIssuer,
            AuthError::Expired,
            AuthError::NotYetValid,
            AuthError::MissingScope {
                needed: "orders:write".into(),
            },
            AuthError::Replayed,
            AuthError::KeyLoad("x".into()),
            AuthError::Jwks("x".into()),
            AuthError::Mint("x".into()),
        ]
    }

    #[test]
    fn statuses_separate_authentication_from_authorization() {
        for e in all() {
            let expected = match e {
                AuthError::MissingScope { .. } => 403,
                AuthError::Jwks(_) => 503,
                AuthError::KeyLoad(_) | AuthError::Mint(_) => 500,
                _ => 401,
            };
            assert_eq!(e.status(), expected, "{e:?}");
        }
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let mut codes: Vec<&str> = all().iter().map(AuthError::code).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'))
        );
        codes.dedup(); // the two UnknownKey entries are adjacent
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len());
        assert_eq!(AuthError::Expired.code(), "token_expired");
    }

    #[test]
    fn messages_name_the_problem() {
        assert_eq!(
            AuthError::UnknownKey { kid: None }.to_string(),
            "token header has no `kid`"
        );
        assert_eq!(
            AuthError::UnknownKey {
                kid: Some("k1".into())
            }
            .to_string(),
            "unknown signing key `k1`"
        );
    }
}
