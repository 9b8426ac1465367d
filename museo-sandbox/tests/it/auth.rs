//! Admin authentication: one test per attack on `POST /v1/admin/products`.
//!
//! Every test first proves the endpoint works with a valid token (201), then
//! sends the attack with a body that is valid on its own (SKU `ATTACK-1`), and
//! checks the status, the error code, the `WWW-Authenticate` challenge, and
//! that nothing changed: no product, no audit entry, no recorded `jti`.
//! Finally the same body with a fresh valid token is accepted, so the refusal
//! can only have come from the token.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use museo_sandbox::config::AccountRegistration;
use museo_sdk::auth::{SigningAlgorithm, SigningKey, jwk_set};
use museo_sdk::config::DEFAULT_ADMIN_AUDIENCE;
use museo_sdk::museo::SCOPE_PRODUCTS_WRITE;
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::common::{TestSandbox, status_json};

const ATTACK_SKU: &str = "ATTACK-1";
const PRODUCTS: &str = "/v1/admin/products";
const SUBJECT: &str = "admin:alice@example.com";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

fn product(sku: &str) -> Value {
    json!({ "sku": sku, "title": { "en": "Attack vase" }, "price": { "amount": "12.50", "currency": "EUR" }, "stock": 3 })
}

/// Valid claims for the dev account, with `overrides` merged in (a `null`
/// override removes the claim).
fn claims(s: &TestSandbox, overrides: Value) -> Value {
    let t = now();
    let mut claims = json!({
        "iss": s.account.id, "sub": "admin:mallory@example.com", "aud": DEFAULT_ADMIN_AUDIENCE,
        "scope": SCOPE_PRODUCTS_WRITE, "iat": t, "nbf": t, "exp": t + 120,
        "jti": uuid::Uuid::new_v4().to_string(),
    });
    let map = claims.as_object_mut().expect("claims object");
    for (name, value) in overrides.as_object().expect("overrides object") {
        if value.is_null() {
            map.remove(name);
        } else {
            map.insert(name.clone(), value.clone());
        }
    }
    claims
}

/// Signs `claims` with `key` (through its PEM, as any outside party would),
/// naming `kid` in the header.
fn sign(key: &SigningKey, kid: &str, claims: &Value) -> String {
    let pem = key.to_pem();
    let encoding = match key.alg() {
        SigningAlgorithm::EdDSA => EncodingKey::from_ed_pem(pem.expose_secret().as_bytes()),
        SigningAlgorithm::ES256 => EncodingKey::from_ec_pem(pem.expose_secret().as_bytes()),
    }
    .expect("PEM loads");
    let mut header = Header::new(key.alg().jwt_algorithm());
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &encoding).expect("signs")
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// POSTs `body` to the admin create endpoint with a raw `Authorization`
/// header; returns status, WWW-Authenticate and JSON body.
async fn post_raw(s: &TestSandbox, authorization: Option<&str>, body: &Value) -> (u16, Option<String>, Value) {
    let mut request = s.http.post(s.url(PRODUCTS)).json(body);
    if let Some(value) = authorization {
        request = request.header(AUTHORIZATION, value);
    }
    let response = request.send().await.expect("request");
    let challenge = response.headers().get(WWW_AUTHENTICATE).map(|v| v.to_str().expect("ASCII challenge").to_owned());
    let (status, json) = status_json(response).await;
    (status, challenge, json)
}

/// What the database looks like from the outside, compared before and after.
fn snapshot(s: &TestSandbox) -> (i64, i64, i64, i64) {
    (
        s.count("SELECT count(*) FROM products"),
        s.count(&format!("SELECT count(*) FROM products WHERE sku = '{ATTACK_SKU}'")),
        s.count("SELECT count(*) FROM audit_log"),
        s.count("SELECT count(*) FROM used_jti"),
    )
}

/// A sandbox in which a valid token has just created a product.
async fn armed() -> TestSandbox {
    let s = TestSandbox::start().await;
    armed_check(&s, "VALID-1").await;
    s
}

async fn armed_check(s: &TestSandbox, sku: &str) {
    let (status, body) = s.send(reqwest::Method::POST, PRODUCTS, Some(product(sku)), Some(&s.admin_token(SUBJECT))).await;
    assert_eq!(status, 201, "a valid token must work first: {body}");
    assert_eq!(body["sku"], sku);
}

/// Sends the attack and asserts the refusal and that nothing was written;
/// then shows the very same body passes with a valid token.
async fn assert_refused(s: &TestSandbox, authorization: Option<&str>, status: u16, code: &str) {
    let before = snapshot(s);
    assert_eq!(before.1, 0, "{ATTACK_SKU} must not exist yet");
    let (got, challenge, body) = post_raw(s, authorization, &product(ATTACK_SKU)).await;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    let challenge = challenge.expect("a WWW-Authenticate challenge");
    assert!(challenge.starts_with("Bearer realm=\"museo-admin\""), "{challenge}");
    if status == 401 {
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
        assert!(challenge.contains(&format!("error_description=\"{code}\"")), "{challenge}");
    } else {
        assert!(challenge.contains("error=\"insufficient_scope\""), "{challenge}");
        assert!(challenge.contains("scope=\"products:write\""), "{challenge}");
    }
    assert_eq!(snapshot(s), before, "the refused request changed the database");

    // The body was fine: only the token was at fault.
    let (ok, _, created) = post_raw(s, Some(&format!("Bearer {}", s.admin_token(SUBJECT))), &product(ATTACK_SKU)).await;
    assert_eq!(ok, 201, "{created}");
}

#[tokio::test]
async fn no_token_is_401() {
    let s = armed().await;
    assert_refused(&s, None, 401, "missing_token").await;
}

#[tokio::test]
async fn basic_auth_is_401() {
    let s = armed().await;
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("museo-dev:secret"));
    assert_refused(&s, Some(&basic), 401, "malformed_token").await;
}

#[tokio::test]
async fn bearer_without_token_is_401() {
    let s = armed().await;
    assert_refused(&s, Some("Bearer "), 401, "malformed_token").await;
}

#[tokio::test]
async fn alg_none_is_401() {
    let s = armed().await;
    let payload = b64(&claims(&s, json!({})));
    for alg in ["none", "None", "NONE"] {
        let header = b64(&json!({ "alg": alg, "typ": "JWT", "kid": s.account.key.kid() }));
        for token in [format!("{header}.{payload}."), format!("{header}.{payload}")] {
            let before = snapshot(&s);
            let (status, _, body) = post_raw(&s, Some(&format!("Bearer {token}")), &product(ATTACK_SKU)).await;
            assert_eq!(status, 401, "{alg}: {body}");
            assert!(["unsupported_algorithm", "malformed_token"].contains(&body["code"].as_str().unwrap_or("")), "{body}");
            assert_eq!(snapshot(&s), before);
        }
    }
    let header = b64(&json!({ "alg": "none", "typ": "JWT", "kid": s.account.key.kid() }));
    assert_refused(&s, Some(&format!("Bearer {header}.{payload}.")), 401, "unsupported_algorithm").await;
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_401() {
    let s = armed().await;
    let jwk = serde_json::to_value(s.account.key.public_jwk()).expect("jwk json");
    let x = jwk["x"].as_str().expect("OKP x").to_owned();
    let raw = URL_SAFE_NO_PAD.decode(&x).expect("x is base64url");
    let jwk_text = jwk.to_string();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(s.account.key.kid().to_owned());
    let claims = claims(&s, json!({}));
    // Every form in which a verifier might hold the public key.
    let secrets: [&[u8]; 3] = [&raw, x.as_bytes(), jwk_text.as_bytes()];
    for secret in secrets {
        let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(secret)).expect("HS256 signs");
        let before = snapshot(&s);
        let (status, _, body) = post_raw(&s, Some(&format!("Bearer {token}")), &product(ATTACK_SKU)).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("unsupported_algorithm")), "{body}");
        assert_eq!(snapshot(&s), before);
    }
    let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&raw)).expect("HS256 signs");
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "unsupported_algorithm").await;
}

#[tokio::test]
async fn wrong_audience_is_401() {
    let s = armed().await;
    let key = &s.account.key;
    for aud in [json!("mcp-admin"), json!(["mcp-admin", "storefront"]), json!("")] {
        let token = sign(key, key.kid(), &claims(&s, json!({ "aud": aud })));
        let before = snapshot(&s);
        let (status, _, body) = post_raw(&s, Some(&format!("Bearer {token}")), &product(ATTACK_SKU)).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("wrong_audience")), "{aud}: {body}");
        assert_eq!(snapshot(&s), before);
    }
    let token = sign(key, key.kid(), &claims(&s, json!({ "aud": "mcp-admin" })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "wrong_audience").await;
}

#[tokio::test]
async fn missing_audience_is_401() {
    let s = armed().await;
    let token = sign(&s.account.key, s.account.key.kid(), &claims(&s, json!({ "aud": null })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "wrong_audience").await;
}

#[tokio::test]
async fn expired_token_is_401() {
    let s = armed().await;
    // Signed by hand with the real key and kid: only `exp` is wrong, and by
    // more than the 30 s leeway.
    let t = now();
    let token = sign(&s.account.key, s.account.key.kid(), &claims(&s, json!({ "iat": t - 200, "nbf": t - 200, "exp": t - 60 })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "token_expired").await;
}

#[tokio::test]
async fn token_not_yet_valid_is_401() {
    let s = armed().await;
    let t = now();
    let token = sign(&s.account.key, s.account.key.kid(), &claims(&s, json!({ "nbf": t + 120, "exp": t + 240 })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "token_not_yet_valid").await;
}

#[tokio::test]
async fn issued_in_the_future_is_401() {
    let s = armed().await;
    let t = now();
    let token = sign(&s.account.key, s.account.key.kid(), &claims(&s, json!({ "iat": t + 120, "nbf": null, "exp": t + 240 })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "token_not_yet_valid").await;
}

#[tokio::test]
async fn tampered_payload_is_401() {
    let s = armed().await;
    let valid = s.admin_token(SUBJECT);
    let mut parts = valid.split('.');
    let (header, payload, signature) =
        (parts.next().expect("header"), parts.next().expect("payload"), parts.next().expect("signature"));
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("claims json");
    claims["sub"] = json!("admin:root@example.com");
    let forged_sub = format!("{header}.{}.{signature}", b64(&claims));
    let before = snapshot(&s);
    let (status, _, body) = post_raw(&s, Some(&format!("Bearer {forged_sub}")), &product(ATTACK_SKU)).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("bad_signature")), "{body}");
    assert_eq!(snapshot(&s), before);

    // A scope-stripped token with a scope added back is refused the same way.
    let unscoped = s
        .minter()
        .one_time(&museo_sdk::auth::TokenRequest::new(SUBJECT, DEFAULT_ADMIN_AUDIENCE))
        .expect("mint")
        .expose_secret()
        .to_owned();
    let mut parts = unscoped.split('.');
    let (header, payload, signature) =
        (parts.next().expect("header"), parts.next().expect("payload"), parts.next().expect("signature"));
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("claims json");
    claims["scope"] = json!(SCOPE_PRODUCTS_WRITE);
    let forged_scope = format!("{header}.{}.{signature}", b64(&claims));
    assert_refused(&s, Some(&format!("Bearer {forged_scope}")), 401, "bad_signature").await;
}

#[tokio::test]
async fn unknown_kid_is_401() {
    let s = armed().await;
    let token = sign(&s.account.key, "no-such-key", &claims(&s, json!({})));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "unknown_key").await;
}

#[tokio::test]
async fn missing_kid_is_401() {
    let s = armed().await;
    let pem = s.account.key.to_pem();
    let encoding = EncodingKey::from_ed_pem(pem.expose_secret().as_bytes()).expect("PEM loads");
    let token = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims(&s, json!({})), &encoding).expect("signs");
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "unknown_key").await;
}

#[tokio::test]
async fn unregistered_key_with_the_dev_kid_is_401() {
    let s = armed().await;
    let rogue = SigningKey::generate(SigningAlgorithm::EdDSA).expect("generate");
    let token = sign(&rogue, s.account.key.kid(), &claims(&s, json!({})));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "bad_signature").await;
}

#[tokio::test]
async fn es256_key_claiming_the_eddsa_kid_is_401() {
    let s = armed().await;
    let rogue = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
    let token = sign(&rogue, s.account.key.kid(), &claims(&s, json!({})));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "unsupported_algorithm").await;
}

/// A sandbox with a second registered account, `partner-b`, whose key is
/// returned; its tokens work when they say `iss: partner-b`.
async fn with_partner() -> (TestSandbox, SigningKey, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
    let jwks = dir.path().join("partner-b.jwks.json");
    std::fs::write(&jwks, serde_json::to_string(&jwk_set([&key])).expect("jwks json")).expect("write jwks");
    let s = TestSandbox::start_with(|c| c.service_accounts.push(AccountRegistration { id: "partner-b".into(), jwks })).await;
    armed_check(&s, "VALID-1").await;
    let token = sign(&key, key.kid(), &claims(&s, json!({ "iss": "partner-b", "sub": "admin:bob@example.com" })));
    let (status, body) = s.send(reqwest::Method::POST, PRODUCTS, Some(product("VALID-B")), Some(&token)).await;
    assert_eq!(status, 201, "partner-b signing as itself must work: {body}");
    (s, key, dir)
}

#[tokio::test]
async fn partner_key_claiming_the_dev_account_is_401() {
    let (s, partner, _dir) = with_partner().await;
    let token = sign(&partner, partner.kid(), &claims(&s, json!({ "iss": s.account.id })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "wrong_issuer").await;
}

#[tokio::test]
async fn dev_key_claiming_the_partner_account_is_401() {
    let (s, _partner, _dir) = with_partner().await;
    let token = sign(&s.account.key, s.account.key.kid(), &claims(&s, json!({ "iss": "partner-b" })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "wrong_issuer").await;
    // The failed attempt did not burn anything the audit log could blame on B.
    assert_eq!(s.count("SELECT count(*) FROM audit_log WHERE actor = 'partner-b'"), 1);
}

#[tokio::test]
async fn missing_scope_is_403() {
    let s = armed().await;
    let key = &s.account.key;
    for scope in [json!(null), json!(""), json!("products:read"), json!("products:write:all orders:write")] {
        let token = sign(key, key.kid(), &claims(&s, json!({ "scope": scope })));
        let before = snapshot(&s);
        let (status, challenge, body) = post_raw(&s, Some(&format!("Bearer {token}")), &product(ATTACK_SKU)).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("missing_scope")), "{scope}: {body}");
        assert!(challenge.is_some_and(|c| c.contains("insufficient_scope")));
        assert_eq!(snapshot(&s), before);
    }
    let token = sign(key, key.kid(), &claims(&s, json!({ "scope": "products:read" })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 403, "missing_scope").await;
}

#[tokio::test]
async fn lifetime_over_five_minutes_is_401() {
    let s = armed().await;
    let t = now();
    let key = &s.account.key;
    // 300 s is the maximum; the verifier allows its 30 s leeway on top.
    let fine = sign(key, key.kid(), &claims(&s, json!({ "iat": t, "nbf": t, "exp": t + 300 })));
    let (status, body) = s.send(reqwest::Method::POST, PRODUCTS, Some(product("VALID-300")), Some(&fine)).await;
    assert_eq!(status, 201, "a 300 s token is fine: {body}");
    for lifetime in [331, 3600, 86_400 * 365] {
        let token = sign(key, key.kid(), &claims(&s, json!({ "iat": t, "nbf": t, "exp": t + lifetime })));
        let before = snapshot(&s);
        let (status, _, body) = post_raw(&s, Some(&format!("Bearer {token}")), &product(ATTACK_SKU)).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("malformed_token")), "{lifetime}: {body}");
        assert_eq!(snapshot(&s), before);
    }
    let token = sign(key, key.kid(), &claims(&s, json!({ "iat": t, "nbf": t, "exp": t + 3600 })));
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "malformed_token").await;
}

#[tokio::test]
async fn replayed_jti_is_401() {
    let s = armed().await;
    let token = s.admin_token(SUBJECT);
    let (status, body) = s.send(reqwest::Method::POST, PRODUCTS, Some(product("REPLAY-1")), Some(&token)).await;
    assert_eq!(status, 201, "{body}");
    // The same token again, on a request that would otherwise succeed.
    assert_refused(&s, Some(&format!("Bearer {token}")), 401, "token_replayed").await;
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku = 'REPLAY-1'"), 1);

    // A different token reusing the jti of a used one is a replay too.
    let jti = {
        let payload = token.split('.').nth(1).expect("payload");
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json");
        claims["jti"].clone()
    };
    let same_jti = sign(&s.account.key, s.account.key.kid(), &claims(&s, json!({ "jti": jti })));
    let before = snapshot(&s);
    let (status, _, body) = post_raw(&s, Some(&format!("Bearer {same_jti}")), &product("REPLAY-2")).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("token_replayed")), "{body}");
    assert_eq!(snapshot(&s), before);
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku = 'REPLAY-2'"), 0);
}

#[tokio::test]
async fn an_authenticated_token_is_used_up_even_if_the_body_is_refused() {
    // The jti is consumed once the token passes every check, before the body
    // is read: a token is good for one request, whatever that request holds.
    let s = armed().await;
    let token = s.admin_token(SUBJECT);
    let (status, body) = s.send(reqwest::Method::POST, PRODUCTS, Some(json!({ "sku": "NO-TITLE" })), Some(&token)).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = s.send(reqwest::Method::POST, PRODUCTS, Some(product("AFTER-400")), Some(&token)).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("token_replayed")), "{body}");
    assert_eq!(s.count("SELECT count(*) FROM products WHERE sku = 'AFTER-400'"), 0);
}
