//! Every refusal the verifier promises, each with a token built to trip it.

use std::time::Duration;

use aws_lc_rs::hmac;
use jsonwebtoken::Header;
use secrecy::ExposeSecret;
use serde_json::json;

use super::*;
use crate::auth::keys::{ServiceAccount, SigningKey, jwk_set};
use crate::auth::mint::{Minter, TokenRequest};

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
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json");
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

#[tokio::test]
async fn max_lifetime_can_be_raised_for_longer_lived_tokens() {
    let f = fixture(SigningAlgorithm::EdDSA);
    assert_eq!(f.verifier.max_lifetime(), MAX_TOKEN_LIFETIME);
    let verifier = f
        .verifier
        .clone()
        .with_max_lifetime(Duration::from_secs(3600));
    assert_eq!(verifier.max_lifetime(), Duration::from_secs(3600));
    let now = unix_now();
    let mut c = claims();
    c["exp"] = json!(now + 3600);
    let hour = sign(&f.key, &c);
    assert!(
        matches!(refusal(&f, &hour).await, AuthError::Malformed(_)),
        "the default still refuses an hour"
    );
    verifier.verify(&hour).await.expect("an hour is accepted");
    // The new maximum plus leeway is the limit, one second more is refused.
    c["exp"] = json!(now + 3630);
    verifier
        .verify(&sign(&f.key, &c))
        .await
        .expect("at the limit");
    c["exp"] = json!(now + 3631);
    match verifier.verify(&sign(&f.key, &c)).await {
        Err(AuthError::Malformed(msg)) => assert!(msg.contains("3600 s"), "{msg}"),
        other => panic!("expected Malformed, got {other:?}"),
    }
}
