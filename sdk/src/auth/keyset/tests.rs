//! Remote key sets against a real HTTP server: caching, rotation, rate
//! limiting and failures, counted by endpoint hits.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use secrecy::ExposeSecret;
use serde_json::json;

use super::*;
use crate::auth::keys::{ServiceAccount, SigningKey, jwk_set};
use crate::auth::mint::{Minter, TokenRequest};
use crate::auth::verify::{Verifier, VerifyPolicy};

/// A JWKS endpoint whose document, availability and hit count the test controls.
#[derive(Clone, Default)]
struct JwksEndpoint {
    jwks: Arc<Mutex<serde_json::Value>>,
    failing: Arc<AtomicBool>,
    hits: Arc<AtomicUsize>,
}

impl JwksEndpoint {
    /// Publishes the keys of `minters`, replacing what was there.
    fn publish(&self, minters: &[&Minter]) {
        let keys: Vec<Jwk> = minters.iter().flat_map(|m| m.jwks().keys).collect();
        *self.jwks.lock().expect("not poisoned") = json!({ "keys": keys });
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn serve_jwks(State(endpoint): State<JwksEndpoint>) -> Response {
    endpoint.hits.fetch_add(1, Ordering::SeqCst);
    if endpoint.failing.load(Ordering::SeqCst) {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let doc = endpoint.jwks.lock().expect("not poisoned").clone();
    axum::Json(doc).into_response()
}

/// Serves `endpoint` on 127.0.0.1:0 and returns the JWKS URL.
async fn start(endpoint: &JwksEndpoint) -> Url {
    let app = axum::Router::new()
        .route("/jwks.json", get(serve_jwks))
        .with_state(endpoint.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}/jwks.json")).expect("url")
}

fn minter(alg: SigningAlgorithm) -> Minter {
    Minter::new(ServiceAccount::generate("museo-gateway", alg).expect("generate"))
}

async fn verify(keys: &KeySet, m: &Minter) -> Result<(), AuthError> {
    let token = m
        .one_time(&TokenRequest::new("admin-42", "mcp-admin"))
        .expect("mints");
    let verifier = Verifier::new(keys.clone(), VerifyPolicy::new("mcp-admin"));
    verifier.verify(token.expose_secret()).await.map(|_| ())
}

#[tokio::test]
async fn remote_keys_are_fetched_lazily_and_cached() {
    let endpoint = JwksEndpoint::default();
    let (ed, ec) = (
        minter(SigningAlgorithm::EdDSA),
        minter(SigningAlgorithm::ES256),
    );
    endpoint.publish(&[&ed, &ec]);
    let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new());
    assert_eq!(
        endpoint.hits(),
        0,
        "nothing is fetched before the first token"
    );

    for _ in 0..3 {
        verify(&keys, &ed).await.expect("EdDSA token verifies");
        verify(&keys, &ec).await.expect("ES256 token verifies");
    }
    assert_eq!(endpoint.hits(), 1, "the JWKS is fetched once, then cached");
    verify(&keys.clone(), &ed)
        .await
        .expect("clones share the cache");
    assert_eq!(endpoint.hits(), 1);
}

#[tokio::test]
async fn concurrent_first_uses_share_one_fetch() {
    let endpoint = JwksEndpoint::default();
    let m = Arc::new(minter(SigningAlgorithm::EdDSA));
    endpoint.publish(&[&m]);
    let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new());
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (keys, m) = (keys.clone(), Arc::clone(&m));
            tokio::spawn(async move { verify(&keys, &m).await })
        })
        .collect();
    for task in tasks {
        task.await.expect("task runs").expect("token verifies");
    }
    assert_eq!(endpoint.hits(), 1);
}

#[tokio::test]
async fn expired_cache_is_refetched() {
    let endpoint = JwksEndpoint::default();
    let m = minter(SigningAlgorithm::EdDSA);
    endpoint.publish(&[&m]);
    let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new())
        .with_cache_ttl(Duration::from_millis(50));
    verify(&keys, &m).await.expect("verifies");
    tokio::time::sleep(Duration::from_millis(100)).await;
    verify(&keys, &m).await.expect("verifies");
    assert_eq!(endpoint.hits(), 2);
}

#[tokio::test]
async fn rotation_is_picked_up_on_unknown_kid() {
    let endpoint = JwksEndpoint::default();
    let (old, new) = (
        minter(SigningAlgorithm::EdDSA),
        minter(SigningAlgorithm::EdDSA),
    );
    endpoint.publish(&[&old]);
    let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new())
        .with_min_refresh_interval(Duration::ZERO);
    verify(&keys, &old).await.expect("old key verifies");
    assert_eq!(endpoint.hits(), 1);

    // The signer rotates and retires the old key.
    endpoint.publish(&[&new]);
    verify(&keys, &new)
        .await
        .expect("unknown kid triggers a refresh");
    assert_eq!(endpoint.hits(), 2);
    verify(&keys, &new).await.expect("now cached");
    assert_eq!(endpoint.hits(), 2);
    let retired = verify(&keys, &old).await.expect_err("retired key");
    assert_eq!(
        retired,
        AuthError::UnknownKey {
            kid: Some(old.kid().to_owned())
        }
    );
}

#[tokio::test]
async fn unknown_kid_refreshes_are_rate_limited() {
    let endpoint = JwksEndpoint::default();
    let (known, stranger) = (
        minter(SigningAlgorithm::EdDSA),
        minter(SigningAlgorithm::ES256),
    );
    endpoint.publish(&[&known]);
    // Default interval: 30 s.
    let keys = KeySet::remote(start(&endpoint).await, reqwest::Client::new());
    verify(&keys, &known).await.expect("verifies");
    endpoint.publish(&[&known, &stranger]);
    for _ in 0..5 {
        let err = verify(&keys, &stranger)
            .await
            .expect_err("refresh is not due yet");
        assert_eq!(
            err,
            AuthError::UnknownKey {
                kid: Some(stranger.kid().to_owned())
            }
        );
    }
    assert_eq!(
        endpoint.hits(),
        1,
        "unknown kids within 30 s cause no fetch"
    );
}

#[tokio::test]
async fn fetch_failures_are_jwks_errors() {
    let endpoint = JwksEndpoint::default();
    let m = minter(SigningAlgorithm::EdDSA);
    endpoint.publish(&[&m]);
    endpoint.failing.store(true, Ordering::SeqCst);
    let url = start(&endpoint).await;
    let keys = KeySet::remote(url.clone(), reqwest::Client::new());
    let err = verify(&keys, &m).await.expect_err("endpoint fails");
    assert!(
        matches!(err, AuthError::Jwks(ref msg) if msg.contains("500")),
        "{err:?}"
    );
    assert_eq!((err.status(), err.code()), (503, "jwks_unavailable"));
    // Right after a failure, callers fail fast instead of hammering the endpoint.
    verify(&keys, &m).await.expect_err("still failing");
    assert_eq!(endpoint.hits(), 1);

    // Once it recovers, a new key set fetches fine.
    endpoint.failing.store(false, Ordering::SeqCst);
    verify(&KeySet::remote(url, reqwest::Client::new()), &m)
        .await
        .expect("recovered");

    // Garbage and nothing-usable documents are failures too.
    *endpoint.jwks.lock().expect("not poisoned") = json!({ "nope": [] });
    let url = start(&endpoint).await;
    let err = verify(&KeySet::remote(url.clone(), reqwest::Client::new()), &m).await;
    assert!(matches!(err, Err(AuthError::Jwks(ref msg)) if msg.contains("not a JWKS")));
    *endpoint.jwks.lock().expect("not poisoned") =
        json!({ "keys": [{ "kty": "oct", "kid": "k", "k": "c2VjcmV0" }] });
    let err = verify(&KeySet::remote(url, reqwest::Client::new()), &m).await;
    assert!(matches!(err, Err(AuthError::Jwks(ref msg)) if msg.contains("no usable")));

    // Nobody listening.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = Url::parse(&format!("http://user:hunter2@{addr}/jwks.json")).expect("url");
    let err = verify(&KeySet::remote(url, reqwest::Client::new()), &m).await;
    match err {
        Err(AuthError::Jwks(msg)) => assert!(!msg.contains("hunter2"), "{msg}"),
        other => panic!("expected a Jwks error, got {other:?}"),
    }
}

#[test]
fn static_sets_keep_only_usable_signature_keys() {
    let ed = SigningKey::generate(SigningAlgorithm::EdDSA).expect("generate");
    let ec = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
    let mut mislabelled = ed.public_jwk();
    mislabelled.common.key_algorithm = Some(jsonwebtoken::jwk::KeyAlgorithm::ES256);
    mislabelled.common.key_id = Some("mislabelled".into());
    let mut encryption = ec.public_jwk();
    encryption.common.public_key_use = Some(PublicKeyUse::Encryption);
    encryption.common.key_id = Some("enc".into());
    let mut no_kid = ed.public_jwk();
    no_kid.common.key_id = None;
    let oct: Jwk = serde_json::from_value(
        json!({ "kty": "oct", "kid": "hmac", "alg": "HS256", "k": "c2VjcmV0" }),
    )
    .expect("oct jwk");

    let mut jwks = jwk_set([&ed, &ec]);
    jwks.keys
        .extend([mislabelled, encryption, no_kid, oct.clone()]);
    let keys = usable_keys(jwks.keys);
    let mut kids: Vec<&str> = keys.keys().map(String::as_str).collect();
    kids.sort_unstable();
    let mut expected = vec![ed.kid(), ec.kid()];
    expected.sort_unstable();
    assert_eq!(kids, expected);
    assert_eq!(keys[ed.kid()].alg, SigningAlgorithm::EdDSA);
    assert_eq!(keys[ec.kid()].alg, SigningAlgorithm::ES256);

    let only_hmac = KeySet::from_jwks(JwkSet { keys: vec![oct] });
    assert!(matches!(only_hmac, Err(AuthError::Jwks(_))));
    let debug = format!("{:?}", KeySet::from_jwks(jwk_set([&ed])).expect("usable"));
    assert!(debug.contains(ed.kid()));
}
