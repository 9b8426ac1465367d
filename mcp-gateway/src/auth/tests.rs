//! Shared fixtures (API keys, an identity provider, claims) and the API-key
//! tests; JWTs in [`app_jwts`], configuration and remote JWKS in
//! [`from_env`].

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use museo_sdk::auth::{
    JwkSet, KeySet, Minter, ServiceAccount, SigningAlgorithm, SigningKey, TokenRequest,
};
use museo_sdk::config::ConfigError;
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};

use super::api_keys::parse_key_spec;
use super::*;

const ADMIN_KEY: &str = "k-admin-7f3a9c1e5b";
const SHOPPER_KEY: &str = "k-shop-2d8e4a6c0f";
const IDP: &str = "https://idp.museo.example/";

fn api_keys() -> Vec<ApiKey> {
    parse_keys(&format!(
        "admin:{}:ops,customer:{}",
        sha256_hex(ADMIN_KEY),
        sha256_hex(SHOPPER_KEY)
    ))
    .expect("keys")
}

/// An identity provider: a signing account and its minter.
struct Idp {
    minter: Minter,
    key: SigningKey,
}

fn idp_with(id: &str, alg: SigningAlgorithm) -> Idp {
    let account = ServiceAccount::generate(id, alg).expect("generate");
    let key = account.key.clone();
    Idp {
        minter: Minter::new(account),
        key,
    }
}

fn idp() -> Idp {
    idp_with(IDP, SigningAlgorithm::EdDSA)
}

impl Idp {
    fn keys(&self) -> KeySet {
        KeySet::from_jwks(self.minter.jwks()).expect("usable keys")
    }

    fn mint(&self, request: TokenRequest) -> String {
        self.minter
            .one_time(&request)
            .expect("mints")
            .expose_secret()
            .to_owned()
    }

    /// Signs arbitrary claims (the minter refuses to backdate or to exceed
    /// the M2M lifetime), with this provider's `kid`.
    fn sign(&self, claims: &Value) -> String {
        let pem = self.key.to_pem();
        let (alg, key) = match self.key.alg() {
            SigningAlgorithm::EdDSA => (
                jsonwebtoken::Algorithm::EdDSA,
                jsonwebtoken::EncodingKey::from_ed_pem(pem.expose_secret().as_bytes()),
            ),
            SigningAlgorithm::ES256 => (
                jsonwebtoken::Algorithm::ES256,
                jsonwebtoken::EncodingKey::from_ec_pem(pem.expose_secret().as_bytes()),
            ),
        };
        let mut header = jsonwebtoken::Header::new(alg);
        header.kid = Some(self.key.kid().to_owned());
        jsonwebtoken::encode(&header, claims, &key.expect("pem")).expect("signs")
    }
}

fn request(subject: &str) -> TokenRequest {
    TokenRequest::new(subject, jwt::DEFAULT_AUDIENCE)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// Valid claims for a token living `ttl` seconds from now.
fn claims(ttl: u64) -> Value {
    let now = now();
    json!({
        "iss": IDP, "sub": "user-1", "aud": jwt::DEFAULT_AUDIENCE,
        "iat": now, "nbf": now, "exp": now + ttl, "jti": "jti-1",
    })
}

fn authenticator(idp: &Idp, config: impl FnOnce(JwtConfig) -> JwtConfig) -> Authenticator {
    Authenticator::new(api_keys(), Some(config(JwtConfig::new(idp.keys()))))
}

/// Refused, with a message that gives nothing away.
async fn refusal(auth: &Authenticator, token: &str) -> AuthFailure {
    let failure = auth
        .authenticate(token)
        .await
        .expect_err("the token must be refused");
    let message = failure.to_string();
    let trimmed = token.trim();
    if trimmed.len() >= 8 {
        assert!(!message.contains(trimmed), "message echoes the token");
    }
    for secret in [ADMIN_KEY, SHOPPER_KEY] {
        assert!(!message.contains(secret) && !message.contains(&sha256_hex(secret)));
    }
    failure
}

fn env(vars: &[(&str, &str)]) -> HashMap<String, String> {
    vars.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn jwks_file(jwks: &JwkSet) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(serde_json::to_string(jwks).expect("json").as_bytes())
        .expect("write");
    file
}

fn config_error(vars: &[(&str, &str)]) -> ConfigError {
    Authenticator::from_env(&env(vars), reqwest::Client::new())
        .expect_err("the configuration must be refused")
}

// ---- API keys ----

#[test]
fn keys_are_matched_by_hash() {
    let keys = api_keys();
    assert_eq!(
        authenticate(&keys, ADMIN_KEY).map(|k| k.role),
        Some(Role::Admin)
    );
    assert_eq!(
        authenticate(&keys, ADMIN_KEY).map(|k| k.name.as_str()),
        Some("ops")
    );
    assert_eq!(
        authenticate(&keys, SHOPPER_KEY).map(|k| k.name.as_str()),
        Some("customer-key-2")
    );
    assert!(authenticate(&keys, "guess").is_none());
    assert!(parse_keys("root:abc").is_err());
    assert!(parse_keys("admin:plaintext").is_err());
    assert!(parse_keys("").expect("empty is no keys").is_empty());
}

#[tokio::test]
async fn api_keys_give_their_role_and_name() {
    let auth = Authenticator::new(api_keys(), None);
    assert_eq!(
        auth.authenticate(ADMIN_KEY).await,
        Ok(Identity {
            role: Role::Admin,
            subject: "ops".into(),
            via: Identity::VIA_API_KEY,
        })
    );
    let shopper = auth
        .authenticate(&format!("  {SHOPPER_KEY}\n"))
        .await
        .expect("surrounding whitespace is ignored");
    assert_eq!(
        (shopper.role, shopper.via),
        (Role::Customer, Identity::VIA_API_KEY)
    );
    let unknown = refusal(&auth, "k-admin-7f3a9c1e5c").await;
    assert_eq!(unknown, AuthFailure::UnknownApiKey);
    assert_eq!(unknown.to_string(), "unknown API key");
    assert_eq!((unknown.code(), unknown.status()), ("unauthorized", 401));
}

#[test]
fn key_config_errors_name_the_variable_and_never_the_key() {
    let err = parse_key_spec("s3cret-plaintext-key").expect_err("no role");
    assert_eq!(err.key, ENV_API_KEYS);
    assert!(err.message.contains("entry 1"), "{err}");
    assert!(!err.to_string().contains("s3cret"), "{err}");

    let hash = sha256_hex("a");
    let err = parse_key_spec(&format!("admin:{hash},customer:hunter2hunter2")).expect_err("bad");
    assert!(err.message.starts_with("entry 2:"), "{err}");
    assert!(!err.to_string().contains("hunter2"), "{err}");

    let err = parse_key_spec(&format!("admin:{hash},customer:{}", hash.to_uppercase()))
        .expect_err("the same key twice");
    assert!(err.message.contains("same key as entry 1"), "{err}");

    let keys = parse_key_spec(&format!("admin:{hash}:ops:eu")).expect("a name may hold `:`");
    assert_eq!(keys[0].name, "ops:eu");
    // The String form the start-up code uses names the variable too.
    assert!(
        parse_keys("root:x")
            .expect_err("bad")
            .contains(ENV_API_KEYS)
    );
}

mod app_jwts;
mod from_env;
