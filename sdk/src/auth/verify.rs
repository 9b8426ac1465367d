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
//! 4. `iat` not in the future and `exp - iat` within [`MAX_TOKEN_LIFETIME`],
//!    so a leaked signing key cannot produce long-lived tokens unnoticed;
//! 5. the policy's required scopes, last, because only that failure is a
//!    `403` rather than a `401`.
//!
//! Replay is deliberately **not** checked here: it needs shared state the
//! verifier does not own. Services that must refuse a second use of a token
//! record [`Claims::jti`] until [`Claims::exp`] and answer
//! [`AuthError::Replayed`] themselves.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Validation;
use jsonwebtoken::errors::ErrorKind;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::keys::SigningAlgorithm;
use super::keyset::KeySet;
use super::{AuthError, MAX_TOKEN_LIFETIME, unix_now};

/// Tokens longer than this are refused before parsing (ours are ~500 bytes).
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The claims of a verified token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer: the id of the service account that minted the token.
    pub iss: String,
    /// Subject: who the token acts for.
    pub sub: String,
    /// Audiences; the token may carry one string or an array.
    #[serde(deserialize_with = "one_or_many")]
    pub aud: Vec<String>,
    /// Granted scopes, space-separated (empty when none).
    #[serde(default)]
    pub scope: String,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Not before (Unix seconds), if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// Expires at (Unix seconds).
    pub exp: u64,
    /// Unique token id, for replay stores.
    pub jti: String,
    /// Every other claim, e.g. `role`.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Claims {
    /// The granted scopes.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_ascii_whitespace()
    }

    /// Whether `scope` was granted (exact match).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }

    /// `Ok` if `scope` was granted, else [`AuthError::MissingScope`].
    pub fn require_scope(&self, scope: &str) -> Result<(), AuthError> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(AuthError::MissingScope {
                needed: scope.to_owned(),
            })
        }
    }

    /// The token's unique id. The verifier does not check replay; a service
    /// that must accept each token once stores this until [`Claims::exp`]
    /// (plus leeway) and refuses repeats with [`AuthError::Replayed`].
    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// An extra claim by name, e.g. `claim("role")`.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.extra.get(name)
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

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
        Self { keys, policy }
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
        if self.policy.audience.is_empty() {
            // `Validation` would match an empty `aud`; we never issue one.
            return Err(AuthError::WrongAudience);
        }
        let leeway = self.policy.leeway_secs;
        if claims.iat > unix_now().saturating_add(leeway) {
            return Err(AuthError::NotYetValid);
        }
        let lifetime = claims
            .exp
            .checked_sub(claims.iat)
            .ok_or_else(|| AuthError::Malformed("`exp` precedes `iat`".to_owned()))?;
        if lifetime > MAX_TOKEN_LIFETIME.as_secs() + leeway {
            return Err(AuthError::Malformed(format!(
                "token lifetime exceeds the {} s maximum",
                MAX_TOKEN_LIFETIME.as_secs()
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

/// Turns the verified payload into [`Claims`]. Error messages name missing
/// claims but never echo claim values.
fn parse_claims(payload: Map<String, Value>) -> Result<Claims, AuthError> {
    serde_json::from_value(Value::Object(payload)).map_err(|e| {
        let msg = e.to_string();
        AuthError::Malformed(if msg.starts_with("missing field") {
            msg.replacen("missing field", "missing claim", 1)
        } else {
            "claims have unexpected types".to_owned()
        })
    })
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
mod tests {
    use std::time::Duration;

    use aws_lc_rs::hmac;
    use jsonwebtoken::Header;
    use secrecy::ExposeSecret;
    use serde_json::json;

    use super::super::keys::{ServiceAccount, SigningKey, jwk_set};
    use super::super::mint::{Minter, TokenRequest};
    use super::*;

    const AUD: &str = "mcp-admin";
    const ISS: &str = "museo-gateway";

    struct Fixture {
        key: SigningKey,
        minter: Minter,
        verifier: Verifier,
    }

    fn fixture(alg: SigningAlgorithm) -> Fixture {
        fixture_with(alg, |p| p)
    }

    fn fixture_with(
        alg: SigningAlgorithm,
        policy: impl FnOnce(VerifyPolicy) -> VerifyPolicy,
    ) -> Fixture {
        let key = SigningKey::generate(alg).expect("generate");
        let keys = KeySet::from_jwks(jwk_set([&key])).expect("usable key");
        let minter = Minter::new(ServiceAccount::new(ISS, key.clone()).expect("account"));
        let verifier = Verifier::new(keys, policy(VerifyPolicy::new(AUD).with_issuer(ISS)));
        Fixture {
            key,
            minter,
            verifier,
        }
    }

    fn request() -> TokenRequest {
        TokenRequest::new("admin-42", AUD).with_scopes(["orders:read", "orders:refund"])
    }

    /// Valid claims, to be bent by each test.
    fn claims() -> Value {
        let now = unix_now();
        json!({
            "iss": ISS, "sub": "admin-42", "aud": AUD, "scope": "orders:read",
            "iat": now, "nbf": now, "exp": now + 60, "jti": uuid::Uuid::new_v4().to_string(),
        })
    }

    /// Signs arbitrary claims with the fixture key, `kid` in the header.
    fn sign(key: &SigningKey, claims: &Value) -> String {
        let mut header = Header::new(key.alg().jwt_algorithm());
        header.kid = Some(key.kid().to_owned());
        sign_with_header(key, &header, claims)
    }

    fn sign_with_header(key: &SigningKey, header: &Header, claims: &Value) -> String {
        jsonwebtoken::encode(header, claims, &key.encoding_key()).expect("signs")
    }

    fn b64(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    async fn refusal(f: &Fixture, token: &str) -> AuthError {
        f.verifier
            .verify(token)
            .await
            .expect_err("token must be refused")
    }

    #[tokio::test]
    async fn minted_tokens_round_trip() {
        for alg in SigningAlgorithm::ALL {
            let f = fixture(alg);
            let token = f
                .minter
                .one_time(&request().with_claim("role", "admin"))
                .expect("mints");
            let verified = f
                .verifier
                .verify(token.expose_secret())
                .await
                .expect("verifies");
            assert_eq!(verified.kid, f.key.kid());
            let c = &verified.claims;
            assert_eq!((c.iss.as_str(), c.sub.as_str()), (ISS, "admin-42"));
            assert_eq!(c.aud, vec![AUD.to_owned()]);
            assert!(c.has_scope("orders:refund") && !c.has_scope("orders"));
            assert_eq!(c.claim("role"), Some(&json!("admin")));
            assert!(uuid::Uuid::parse_str(c.jti()).is_ok());
            assert_eq!(c.nbf, Some(c.iat));

            let cached = f.minter.cached(&request()).expect("mints");
            f.verifier
                .verify(cached.expose_secret())
                .await
                .expect("cached token verifies");
        }
    }

    #[tokio::test]
    async fn audience_may_be_an_array_and_leeway_absorbs_skew() {
        let f = fixture(SigningAlgorithm::EdDSA);
        let mut c = claims();
        c["aud"] = json!(["museo-admin-api", AUD]);
        let now = unix_now();
        c["iat"] = json!(now - 70);
        c["nbf"] = json!(now - 70);
        c["exp"] = json!(now - 10); // expired 10 s ago, within the 30 s leeway
        let verified = f
            .verifier
            .verify(&sign(&f.key, &c))
            .await
            .expect("accepted");
        assert_eq!(verified.claims.aud.len(), 2);
    }

    #[tokio::test]
    async fn refuses_alg_none() {
        let f = fixture(SigningAlgorithm::EdDSA);
        for alg in ["none", "None", "NONE"] {
            let header = json!({ "alg": alg, "typ": "JWT", "kid": f.key.kid() });
            let token = format!("{}.{}.", b64(&header), b64(&claims()));
            assert_eq!(
                refusal(&f, &token).await,
                AuthError::UnsupportedAlgorithm(alg.to_owned())
            );
        }
    }

    #[tokio::test]
    async fn refuses_hmac_signed_with_the_public_key() {
        // The classic key-confusion forgery: HS256 keyed with the published key.
        for alg in SigningAlgorithm::ALL {
            let f = fixture(alg);
            let jwk = serde_json::to_value(f.key.public_jwk()).expect("jwk");
            let x = URL_SAFE_NO_PAD
                .decode(jwk["x"].as_str().expect("x"))
                .expect("b64");
            let secrets = [
                x,
                jwk["x"].as_str().expect("x").as_bytes().to_vec(),
                jwk.to_string().into_bytes(),
            ];
            for secret in secrets {
                let header = json!({ "alg": "HS256", "typ": "JWT", "kid": f.key.kid() });
                let input = format!("{}.{}", b64(&header), b64(&claims()));
                let tag = hmac::sign(
                    &hmac::Key::new(hmac::HMAC_SHA256, &secret),
                    input.as_bytes(),
                );
                let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()));
                assert_eq!(
                    refusal(&f, &token).await,
                    AuthError::UnsupportedAlgorithm("HS256".into())
                );
            }
        }
    }

    #[tokio::test]
    async fn refuses_an_alg_that_does_not_match_the_key() {
        // A genuine ES256 signature, but the `kid` names the EdDSA key.
        let f = fixture(SigningAlgorithm::EdDSA);
        let other = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
        let mut header = Header::new(other.alg().jwt_algorithm());
        header.kid = Some(f.key.kid().to_owned());
        let token = sign_with_header(&other, &header, &claims());
        assert_eq!(
            refusal(&f, &token).await,
            AuthError::UnsupportedAlgorithm("ES256".into())
        );
    }

    #[tokio::test]
    async fn refuses_algorithms_outside_the_allow_list() {
        let f = fixture_with(SigningAlgorithm::EdDSA, |p| {
            p.with_algorithms([SigningAlgorithm::ES256])
        });
        let token = f.minter.one_time(&request()).expect("mints");
        assert_eq!(
            refusal(&f, token.expose_secret()).await,
            AuthError::UnsupportedAlgorithm("EdDSA".into())
        );
    }

    #[tokio::test]
    async fn refuses_the_wrong_audience() {
        let f = fixture(SigningAlgorithm::EdDSA);
        let token = f
            .minter
            .one_time(&TokenRequest::new("admin-42", "museo-admin-api"))
            .expect("mints");
        assert_eq!(
            refusal(&f, token.expose_secret()).await,
            AuthError::WrongAudience
        );
        let mut c = claims();
        c["aud"] = json!(["museo-admin-api", "mcp-catalog"]);
        assert_eq!(
            refusal(&f, &sign(&f.key, &c)).await,
            AuthError::WrongAudience
        );
    }

    #[tokio::test]
    async fn refuses_the_wrong_issuer() {
        let f = fixture(SigningAlgorithm::EdDSA);
        let mut c = claims();
        c["iss"] = json!("rogue-service");
        assert_eq!(refusal(&f, &sign(&f.key, &c)).await, AuthError::WrongIssuer);
    }

    #[tokio::test]
    async fn refuses_expired_tokens() {
        let f = fixture(SigningAlgorithm::ES256);
        let now = unix_now();
        let mut c = claims();
        c["iat"] = json!(now - 200);
        c["nbf"] = json!(now - 200);
        c["exp"] = json!(now - 100);
        let err = refusal(&f, &sign(&f.key, &c)).await;
        assert_eq!(
            (err.clone(), err.code(), err.status()),
            (AuthError::Expired, "token_expired", 401)
        );
    }

    #[tokio::test]
    async fn refuses_tokens_not_valid_yet() {
        let f = fixture(SigningAlgorithm::EdDSA);
        let now = unix_now();
        let mut c = claims();
        c["nbf"] = json!(now + 120);
        c["exp"] = json!(now + 240);
        assert_eq!(refusal(&f, &sign(&f.key, &c)).await, AuthError::NotYetValid);

        // Issued in the future, no `nbf`.
        let mut c = claims();
        c.as_object_mut().expect("object").remove("nbf");
        c["iat"] = json!(now + 120);
        c["exp"] = json!(now + 240);
        assert_eq!(refusal(&f, &sign(&f.key, &c)).await, AuthError::NotYetValid);
    }

    #[tokio::test]
    async fn refuses_long_lived_tokens() {
        let f = fixture(SigningAlgorithm::EdDSA);
        let now = unix_now();
        let mut c = claims();
        c["exp"] = json!(now + 3600);
        match refusal(&f, &sign(&f.key, &c)).await {
            AuthError::Malformed(msg) => assert!(msg.contains("lifetime"), "{msg}"),
            other => panic!("expected Malformed, got {other:?}"),
        }
        // Exactly the maximum plus leeway is still fine.
        c["exp"] = json!(now + 330);
        f.verifier
            .verify(&sign(&f.key, &c))
            .await
            .expect("at the limit");
    }

    #[tokio::test]
    async fn refuses_tampered_payloads() {
        for alg in SigningAlgorithm::ALL {
            let f = fixture(alg);
            let token = f
                .minter
                .one_time(&TokenRequest::new("admin-42", AUD))
                .expect("mints");
            let mut parts = token.expose_secret().split('.');
            let (header, payload, signature) = (
                parts.next().expect("header"),
                parts.next().expect("payload"),
                parts.next().expect("signature"),
            );
            let mut c: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64"))
                    .expect("json");
            c["scope"] = json!("orders:refund");
            let forged = format!("{header}.{}.{signature}", b64(&c));
            assert_eq!(refusal(&f, &forged).await, AuthError::BadSignature);
        }
    }

    #[tokio::test]
    async fn refuses_unknown_and_missing_kids() {
        let f = fixture(SigningAlgorithm::EdDSA);
        let stranger =
            Minter::new(ServiceAccount::generate(ISS, SigningAlgorithm::EdDSA).expect("generate"));
        let token = stranger.one_time(&request()).expect("mints");
        assert_eq!(
            refusal(&f, token.expose_secret()).await,
            AuthError::UnknownKey {
                kid: Some(stranger.kid().to_owned())
            }
        );

        let no_kid = sign_with_header(&f.key, &Header::new(f.key.alg().jwt_algorithm()), &claims());
        assert_eq!(
            refusal(&f, &no_kid).await,
            AuthError::UnknownKey { kid: None }
        );
    }

    #[tokio::test]
    async fn missing_scope_is_forbidden_not_unauthenticated() {
        let f = fixture_with(SigningAlgorithm::EdDSA, |p| {
            p.with_required_scopes(["orders:read", "catalog:write"])
        });
        let token = f.minter.one_time(&request()).expect("mints");
        let err = refusal(&f, token.expose_secret()).await;
        assert_eq!(
            err,
            AuthError::MissingScope {
                needed: "catalog:write".into()
            }
        );
        assert_eq!(err.status(), 403);

        let granted = f
            .minter
            .one_time(&request().with_scopes(["catalog:write", "orders:read"]))
            .expect("mints");
        f.verifier
            .verify(granted.expose_secret())
            .await
            .expect("has both scopes");
    }

    #[tokio::test]
    async fn refuses_malformed_input() {
        let f = fixture(SigningAlgorithm::EdDSA);
        assert_eq!(refusal(&f, "").await, AuthError::MissingToken);
        assert_eq!(refusal(&f, "  ").await, AuthError::MissingToken);
        for junk in ["abc", "a.b", "a.b.c.d", "!!.e30.sig", "e30.e30.sig"] {
            assert!(
                matches!(refusal(&f, junk).await, AuthError::Malformed(_)),
                "{junk}"
            );
        }
        let huge = format!("{}.e30.sig", "a".repeat(MAX_TOKEN_BYTES));
        assert!(matches!(refusal(&f, &huge).await, AuthError::Malformed(_)));

        // Signed, but missing `jti`: the message names the claim, not values.
        let mut c = claims();
        c.as_object_mut().expect("object").remove("jti");
        assert_eq!(
            refusal(&f, &sign(&f.key, &c)).await,
            AuthError::Malformed("missing claim `jti`".into())
        );

        // Unknown critical extensions must be refused (RFC 7515 §4.1.11).
        let mut header = Header::new(f.key.alg().jwt_algorithm());
        header.kid = Some(f.key.kid().to_owned());
        header.crit = Some(vec!["b64".into()]);
        assert!(matches!(
            refusal(&f, &sign_with_header(&f.key, &header, &claims())).await,
            AuthError::Malformed(_)
        ));
    }

    #[tokio::test]
    async fn errors_never_echo_the_token() {
        let f = fixture(SigningAlgorithm::EdDSA);
        let token = f
            .minter
            .one_time(&request().with_ttl(Duration::from_secs(10)))
            .expect("mints");
        let mut c = claims();
        c["sub"] = json!("secret-subject-value");
        c["iat"] = json!("not a number");
        let forged = sign(&f.key, &c);
        for t in [token.expose_secret().replace('.', ""), forged.clone()] {
            let err = refusal(&f, &t).await;
            let text = format!("{err} {err:?}");
            assert!(
                !text.contains(&t) && !text.contains("secret-subject-value"),
                "{text}"
            );
        }
    }

    #[test]
    fn claims_accept_string_or_array_audiences() {
        let mut c = claims();
        let one: Claims = serde_json::from_value(c.clone()).expect("string aud");
        assert_eq!(one.aud, vec![AUD.to_owned()]);
        c["aud"] = json!(["a", "b"]);
        c["role"] = json!("admin");
        let many: Claims = serde_json::from_value(c).expect("array aud");
        assert_eq!(many.aud, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(many.claim("role"), Some(&json!("admin")));
        assert!(many.require_scope("orders:read").is_ok());
        assert_eq!(
            many.require_scope("orders:write"),
            Err(AuthError::MissingScope {
                needed: "orders:write".into()
            })
        );
    }
}
