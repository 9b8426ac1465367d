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
use museo_sdk::auth::{SigningAlgorithm, SigningKey, TokenRequest, jwk_set};
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
    let since = SystemTime::now().duration_since(UNIX_EPOCH);
    since.expect("clock after 1970").as_secs()
}

fn product(sku: &str) -> Value {
    let price = json!({ "amount": "12.50", "currency": "EUR" });
    json!({ "sku": sku, "title": { "en": "Attack vase" }, "price": price, "stock": 3 })
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
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

/// Signs `claims` with `key` through its PEM, as any outside party would,
/// naming `kid` in the header.
fn sign(key: &SigningKey, kid: &str, claims: &Value) -> String {
    let pem = key.to_pem();
    let pem = pem.expose_secret().as_bytes();
    let encoding = match key.alg() {
        SigningAlgorithm::EdDSA => EncodingKey::from_ed_pem(pem),
        SigningAlgorithm::ES256 => EncodingKey::from_ec_pem(pem),
    };
    let mut header = Header::new(key.alg().jwt_algorithm());
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &encoding.expect("PEM loads")).expect("signs")
}

/// The dev key signing `overrides` on top of valid claims.
fn dev_token(s: &TestSandbox, overrides: Value) -> String {
    sign(&s.account.key, s.account.key.kid(), &claims(s, overrides))
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn decode_payload(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload part");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json")
}

/// What the database looks like from the outside, compared before and after.
fn snapshot(s: &TestSandbox) -> [i64; 4] {
    [
        "SELECT count(*) FROM products",
        "SELECT count(*) FROM products WHERE sku = 'ATTACK-1'",
        "SELECT count(*) FROM audit_log",
        "SELECT count(*) FROM used_jti",
    ]
    .map(|sql| s.count(sql))
}

async fn create(s: &TestSandbox, sku: &str, token: &str) -> (u16, Value) {
    s.send(
        reqwest::Method::POST,
        PRODUCTS,
        Some(product(sku)),
        Some(token),
    )
    .await
}

/// A sandbox in which a valid token has just created a product.
async fn armed() -> TestSandbox {
    let s = TestSandbox::start().await;
    let (status, body) = create(&s, "VALID-1", &s.admin_token(SUBJECT)).await;
    assert_eq!(status, 201, "a valid token must work first: {body}");
    s
}

/// Sends the attack (body: a valid new product) with the raw
/// `Authorization` header; asserts the refusal, its challenge and that
/// nothing was written. Returns the error code.
async fn refuse(s: &TestSandbox, authorization: Option<&str>, status: u16) -> String {
    let before = snapshot(s);
    assert_eq!(before[1], 0, "{ATTACK_SKU} must not exist yet");
    let mut request = s.http.post(s.url(PRODUCTS)).json(&product(ATTACK_SKU));
    if let Some(value) = authorization {
        request = request.header(AUTHORIZATION, value);
    }
    let response = request.send().await.expect("request");
    let challenge = response.headers().get(WWW_AUTHENTICATE).cloned();
    let (got, body) = status_json(response).await;
    assert_eq!(got, status, "{body}");
    let code = body["code"].as_str().expect("an error code").to_owned();
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    let challenge = challenge.expect("a WWW-Authenticate challenge");
    let challenge = challenge.to_str().expect("ASCII challenge");
    assert!(
        challenge.starts_with("Bearer realm=\"museo-admin\""),
        "{challenge}"
    );
    if code == "missing_token" {
        // RFC 6750 §3.1: a request without credentials gets no error code.
        assert!(!challenge.contains("error="), "{challenge}");
    } else if status == 401 {
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
        let description = format!("error_description=\"{code}\"");
        assert!(challenge.contains(&description), "{challenge}");
    } else {
        assert!(
            challenge.contains("error=\"insufficient_scope\""),
            "{challenge}"
        );
        assert!(
            challenge.contains("scope=\"products:write\""),
            "{challenge}"
        );
    }
    assert_eq!(
        snapshot(s),
        before,
        "the refused request changed the database"
    );
    code
}

/// [`refuse`] with an expected code, then the very same body passes with a
/// valid token: only the token was at fault.
async fn assert_refused(s: &TestSandbox, authorization: Option<&str>, status: u16, code: &str) {
    assert_eq!(refuse(s, authorization, status).await, code);
    let (ok, created) = create(s, ATTACK_SKU, &s.admin_token(SUBJECT)).await;
    assert_eq!(ok, 201, "{created}");
}

/// A bearer token refused with 401 and `code`.
async fn token_refused(s: &TestSandbox, token: &str, code: &str) {
    assert_refused(s, Some(&bearer(token)), 401, code).await;
}

#[tokio::test]
async fn no_token_is_401() {
    let s = armed().await;
    assert_refused(&s, None, 401, "missing_token").await;
}

#[tokio::test]
async fn basic_auth_is_401() {
    let s = armed().await;
    let credentials = base64::engine::general_purpose::STANDARD.encode("museo-dev:secret");
    assert_refused(
        &s,
        Some(&format!("Basic {credentials}")),
        401,
        "malformed_token",
    )
    .await;
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
        for token in [
            format!("{header}.{payload}."),
            format!("{header}.{payload}"),
        ] {
            let code = refuse(&s, Some(&bearer(&token)), 401).await;
            assert!(
                ["unsupported_algorithm", "malformed_token"].contains(&code.as_str()),
                "{code}"
            );
        }
    }
    let header = b64(&json!({ "alg": "none", "typ": "JWT", "kid": s.account.key.kid() }));
    token_refused(&s, &format!("{header}.{payload}."), "unsupported_algorithm").await;
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_401() {
    let s = armed().await;
    let jwk = serde_json::to_value(s.account.key.public_jwk()).expect("jwk json");
    let x = jwk["x"].as_str().expect("OKP x").to_owned();
    let raw = URL_SAFE_NO_PAD.decode(&x).expect("x is base64url");
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(s.account.key.kid().to_owned());
    let claims = claims(&s, json!({}));
    let hs256 = |secret: &[u8]| {
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(secret)).expect("HS256")
    };
    // Every form in which a verifier might hold the public key.
    for secret in [x.as_bytes(), jwk.to_string().as_bytes()] {
        let code = refuse(&s, Some(&bearer(&hs256(secret))), 401).await;
        assert_eq!(code, "unsupported_algorithm");
    }
    token_refused(&s, &hs256(&raw), "unsupported_algorithm").await;
}

#[tokio::test]
async fn wrong_audience_is_401() {
    let s = armed().await;
    for aud in [json!(["mcp-admin", "storefront"]), json!("")] {
        let code = refuse(
            &s,
            Some(&bearer(&dev_token(&s, json!({ "aud": aud })))),
            401,
        )
        .await;
        assert_eq!(code, "wrong_audience", "{aud}");
    }
    token_refused(
        &s,
        &dev_token(&s, json!({ "aud": "mcp-admin" })),
        "wrong_audience",
    )
    .await;
}

#[tokio::test]
async fn missing_audience_is_401() {
    let s = armed().await;
    token_refused(&s, &dev_token(&s, json!({ "aud": null })), "wrong_audience").await;
}

#[tokio::test]
async fn expired_token_is_401() {
    let s = armed().await;
    // Signed by hand with the real key and kid: only `exp` is wrong, and by
    // more than the 30 s leeway.
    let t = now();
    let token = dev_token(&s, json!({ "iat": t - 200, "nbf": t - 200, "exp": t - 60 }));
    token_refused(&s, &token, "token_expired").await;
}

#[tokio::test]
async fn token_not_yet_valid_is_401() {
    let s = armed().await;
    let t = now();
    let token = dev_token(&s, json!({ "nbf": t + 120, "exp": t + 240 }));
    token_refused(&s, &token, "token_not_yet_valid").await;
}

#[tokio::test]
async fn issued_in_the_future_is_401() {
    let s = armed().await;
    let t = now();
    let token = dev_token(&s, json!({ "iat": t + 120, "nbf": null, "exp": t + 240 }));
    token_refused(&s, &token, "token_not_yet_valid").await;
}

/// `token` with its payload claims edited, the original signature kept.
fn tamper(token: &str, edit: impl FnOnce(&mut Value)) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = decode_payload(token);
    edit(&mut claims);
    format!("{}.{}.{}", parts[0], b64(&claims), parts[2])
}

#[tokio::test]
async fn tampered_payload_is_401() {
    let s = armed().await;
    let other_sub = tamper(&s.admin_token(SUBJECT), |c| {
        c["sub"] = json!("admin:root@x.com")
    });
    assert_eq!(
        refuse(&s, Some(&bearer(&other_sub)), 401).await,
        "bad_signature"
    );

    // A token minted without the scope, the scope added afterwards.
    let unscoped = TokenRequest::new(SUBJECT, DEFAULT_ADMIN_AUDIENCE);
    let unscoped = s.minter().one_time(&unscoped).expect("mint");
    let scoped = tamper(unscoped.expose_secret(), |c| {
        c["scope"] = json!(SCOPE_PRODUCTS_WRITE)
    });
    token_refused(&s, &scoped, "bad_signature").await;
}

#[tokio::test]
async fn unknown_kid_is_401() {
    let s = armed().await;
    let token = sign(&s.account.key, "no-such-key", &claims(&s, json!({})));
    token_refused(&s, &token, "unknown_key").await;
}

#[tokio::test]
async fn missing_kid_is_401() {
    let s = armed().await;
    let pem = s.account.key.to_pem();
    let key = EncodingKey::from_ed_pem(pem.expose_secret().as_bytes()).expect("PEM loads");
    let header = Header::new(Algorithm::EdDSA);
    let token = jsonwebtoken::encode(&header, &claims(&s, json!({})), &key).expect("signs");
    token_refused(&s, &token, "unknown_key").await;
}

#[tokio::test]
async fn unregistered_key_with_the_dev_kid_is_401() {
    let s = armed().await;
    let rogue = SigningKey::generate(SigningAlgorithm::EdDSA).expect("generate");
    let token = sign(&rogue, s.account.key.kid(), &claims(&s, json!({})));
    token_refused(&s, &token, "bad_signature").await;
}

#[tokio::test]
async fn es256_key_claiming_the_eddsa_kid_is_401() {
    let s = armed().await;
    let rogue = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
    let token = sign(&rogue, s.account.key.kid(), &claims(&s, json!({})));
    token_refused(&s, &token, "unsupported_algorithm").await;
}

/// A sandbox with a second registered account, `partner-b` (its key is
/// returned), whose tokens work when they say `iss: partner-b`.
async fn with_partner() -> (TestSandbox, SigningKey, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
    let jwks = dir.path().join("partner-b.jwks.json");
    let text = serde_json::to_string(&jwk_set([&key])).expect("jwks json");
    std::fs::write(&jwks, text).expect("write jwks");
    let registration = AccountRegistration {
        id: "partner-b".into(),
        jwks,
    };
    let s = TestSandbox::start_with(|c| c.service_accounts.push(registration)).await;
    let (status, body) = create(&s, "VALID-1", &s.admin_token(SUBJECT)).await;
    assert_eq!(status, 201, "the dev account still works: {body}");
    let own = claims(
        &s,
        json!({ "iss": "partner-b", "sub": "admin:bob@example.com" }),
    );
    let (status, body) = create(&s, "VALID-B", &sign(&key, key.kid(), &own)).await;
    assert_eq!(status, 201, "partner-b signing as itself must work: {body}");
    (s, key, dir)
}

#[tokio::test]
async fn partner_key_claiming_the_dev_account_is_401() {
    let (s, partner, _dir) = with_partner().await;
    let token = sign(
        &partner,
        partner.kid(),
        &claims(&s, json!({ "iss": s.account.id })),
    );
    token_refused(&s, &token, "wrong_issuer").await;
}

#[tokio::test]
async fn dev_key_claiming_the_partner_account_is_401() {
    let (s, _partner, _dir) = with_partner().await;
    token_refused(
        &s,
        &dev_token(&s, json!({ "iss": "partner-b" })),
        "wrong_issuer",
    )
    .await;
    let by_partner = "SELECT count(*) FROM audit_log WHERE actor = 'partner-b'";
    assert_eq!(
        s.count(by_partner),
        1,
        "only VALID-B is on partner-b's record"
    );
}

#[tokio::test]
async fn missing_scope_is_403() {
    let s = armed().await;
    let scopes = [
        json!(null),
        json!(""),
        json!("products:write:all orders:write"),
    ];
    for scope in scopes {
        let token = dev_token(&s, json!({ "scope": scope }));
        assert_eq!(
            refuse(&s, Some(&bearer(&token)), 403).await,
            "missing_scope",
            "{scope}"
        );
    }
    let token = dev_token(&s, json!({ "scope": "products:read" }));
    assert_refused(&s, Some(&bearer(&token)), 403, "missing_scope").await;
}

#[tokio::test]
async fn lifetime_over_five_minutes_is_401() {
    let s = armed().await;
    let t = now();
    let lasting = |secs: u64| dev_token(&s, json!({ "iat": t, "nbf": t, "exp": t + secs }));
    // 300 s is the maximum; the verifier allows its 30 s leeway on top.
    let (status, body) = create(&s, "VALID-300", &lasting(300)).await;
    assert_eq!(status, 201, "a 300 s token is fine: {body}");
    for secs in [331, 86_400 * 365] {
        let code = refuse(&s, Some(&bearer(&lasting(secs))), 401).await;
        assert_eq!(code, "malformed_token", "{secs} s");
    }
    token_refused(&s, &lasting(3600), "malformed_token").await;
}

#[tokio::test]
async fn replayed_jti_is_401() {
    let s = armed().await;
    let token = s.admin_token(SUBJECT);
    let (status, body) = create(&s, "REPLAY-1", &token).await;
    assert_eq!(status, 201, "{body}");
    // The same token again, on a request that would otherwise succeed.
    token_refused(&s, &token, "token_replayed").await;
    assert_eq!(
        s.count("SELECT count(*) FROM products WHERE sku = 'REPLAY-1'"),
        1
    );

    // Another token reusing the jti of a used one is a replay too.
    let same_jti = dev_token(&s, json!({ "jti": decode_payload(&token)["jti"] }));
    let (status, body) = create(&s, "REPLAY-2", &same_jti).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_replayed")),
        "{body}"
    );
    assert_eq!(
        s.count("SELECT count(*) FROM products WHERE sku = 'REPLAY-2'"),
        0
    );
}

#[tokio::test]
async fn an_authenticated_token_is_used_up_even_if_the_body_is_refused() {
    // The jti is consumed once the token passes every check, before the body
    // is read: a token is good for one request, whatever that request holds.
    let s = armed().await;
    let token = s.admin_token(SUBJECT);
    let no_title = Some(json!({ "sku": "NO-TITLE" }));
    let (status, body) = s
        .send(reqwest::Method::POST, PRODUCTS, no_title, Some(&token))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = create(&s, "AFTER-400", &token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_replayed")),
        "{body}"
    );
    assert_eq!(
        s.count("SELECT count(*) FROM products WHERE sku = 'AFTER-400'"),
        0
    );
}
