//! `from_env`: a JWKS file, a remote JWKS, and config errors that name their variable.

use super::*;

#[tokio::test]
async fn from_env_reads_keys_and_a_jwks_file() {
    let idp = idp();
    let file = jwks_file(&idp.minter.jwks());
    let keys = format!("admin:{}:ops", sha256_hex(ADMIN_KEY));
    let path = file.path().display().to_string();
    let vars = env(&[
        (ENV_API_KEYS, &keys),
        (ENV_JWKS_FILE, &path),
        (ENV_JWT_ISSUER, IDP),
        (ENV_JWT_AUDIENCE, "museo-apps"),
        (ENV_JWT_ROLE_CLAIM, "app_role"),
        (ENV_JWT_MAX_LIFETIME_SECS, "7200"),
    ]);
    let auth = Authenticator::from_env(&vars, reqwest::Client::new()).expect("config");
    assert_eq!(
        auth.authenticate(ADMIN_KEY).await.map(|i| i.subject),
        Ok("ops".into())
    );
    let token = idp.mint(TokenRequest::new("carla", "museo-apps").with_claim("app_role", "admin"));
    assert_eq!(
        auth.authenticate(&token).await.map(|i| (i.role, i.via)),
        Ok((Role::Admin, "jwt"))
    );
    let mut c = claims(7200);
    c["aud"] = json!("museo-apps");
    auth.authenticate(&idp.sign(&c))
        .await
        .expect("within GATEWAY_JWT_MAX_LIFETIME_SECS");
    c["exp"] = json!(now() + 3 * 3600);
    assert!(matches!(
        refusal(&auth, &idp.sign(&c)).await,
        AuthFailure::Malformed(_)
    ));

    let empty = Authenticator::from_env(&env(&[]), reqwest::Client::new()).expect("nothing set");
    assert!(empty.api_keys().is_empty() && !empty.accepts_jwts());
}

#[test]
fn config_errors_name_the_variable() {
    let err = config_error(&[(ENV_API_KEYS, "admin:not-a-hash")]);
    assert_eq!(err.key, ENV_API_KEYS);
    assert!(err.to_string().contains(ENV_API_KEYS));

    let err = config_error(&[
        (ENV_JWKS_URL, "https://idp.example/jwks.json"),
        (ENV_JWKS_FILE, "/etc/jwks.json"),
    ]);
    assert_eq!(err.key, ENV_JWKS_FILE);
    assert!(err.message.contains(ENV_JWKS_URL) && err.message.contains("not both"));

    let err = config_error(&[(ENV_JWKS_FILE, "/nonexistent/museo/jwks.json")]);
    assert_eq!(err.key, ENV_JWKS_FILE);
    assert!(
        err.message.contains("/nonexistent/museo/jwks.json"),
        "{err}"
    );

    let mut not_json = tempfile::NamedTempFile::new().expect("temp");
    not_json
        .write_all(b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIsecretsecret\n")
        .expect("write");
    let path = not_json.path().display().to_string();
    let err = config_error(&[(ENV_JWKS_FILE, &path)]);
    assert_eq!(err.key, ENV_JWKS_FILE);
    assert!(err.message.contains("not a JWKS"), "{err}");
    assert!(!err.to_string().contains("secretsecret"), "{err}");

    let no_usable = jwks_file(&JwkSet { keys: Vec::new() });
    let path = no_usable.path().display().to_string();
    let err = config_error(&[(ENV_JWKS_FILE, &path)]);
    assert_eq!(err.key, ENV_JWKS_FILE);
    assert!(err.message.contains("no usable"), "{err}");

    for url in ["not a url", "ftp://idp.example/jwks"] {
        assert_eq!(config_error(&[(ENV_JWKS_URL, url)]).key, ENV_JWKS_URL);
    }

    for var in [
        ENV_JWT_ISSUER,
        ENV_JWT_AUDIENCE,
        ENV_JWT_ROLE_CLAIM,
        ENV_JWT_MAX_LIFETIME_SECS,
    ] {
        let err = config_error(&[(var, "x")]);
        assert_eq!(err.key, var);
        assert!(err.message.contains(ENV_JWKS_URL), "{err}");
    }

    let idp = idp();
    let file = jwks_file(&idp.minter.jwks());
    let path = file.path().display().to_string();
    for (var, value) in [
        (ENV_JWT_MAX_LIFETIME_SECS, "0"),
        (ENV_JWT_MAX_LIFETIME_SECS, "an hour"),
        (ENV_JWT_ROLE_CLAIM, "sub"),
    ] {
        let err = config_error(&[(ENV_JWKS_FILE, &path), (var, value)]);
        assert_eq!(err.key, var, "{err}");
    }
}

#[tokio::test]
async fn jwks_file_entries_we_cannot_use_do_not_hide_the_others() {
    let idp = idp();
    let mut doc = serde_json::to_value(idp.minter.jwks()).expect("json");
    let keys = doc["keys"].as_array_mut().expect("keys");
    keys.insert(0, json!({"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"}));
    keys.insert(0, json!({"kty": "weird"}));
    let mut file = tempfile::NamedTempFile::new().expect("temp");
    file.write_all(doc.to_string().as_bytes()).expect("write");
    let path = file.path().display().to_string();
    let auth = Authenticator::from_env(&env(&[(ENV_JWKS_FILE, &path)]), reqwest::Client::new())
        .expect("the usable key is enough");
    auth.authenticate(&idp.mint(request("u")))
        .await
        .expect("verifies");
}

#[tokio::test]
async fn a_remote_jwks_is_fetched_once_and_used() {
    let idp = idp();
    let body = serde_json::to_string(&idp.minter.jwks()).expect("json");
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/.well-known/jwks.json",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let url = format!("http://{addr}/.well-known/jwks.json");
    let vars = env(&[(ENV_JWKS_URL, &url), (ENV_JWT_ISSUER, IDP)]);
    let auth = Authenticator::from_env(&vars, reqwest::Client::new()).expect("config");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "not fetched at start-up");

    let admin = auth
        .authenticate(&idp.mint(request("carla").with_claim("role", "admin")))
        .await
        .expect("verified with the fetched keys");
    assert_eq!((admin.role, admin.subject.as_str()), (Role::Admin, "carla"));
    let customer = auth
        .clone()
        .authenticate(&idp.mint(request("user-2")))
        .await
        .expect("cached keys, shared by clones");
    assert_eq!(customer.role, Role::Customer);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    server.abort();
}

#[tokio::test]
async fn an_unreachable_jwks_is_unavailable_not_unauthorized() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = format!("http://{addr}/jwks.json");
    let auth = Authenticator::from_env(&env(&[(ENV_JWKS_URL, &url)]), reqwest::Client::new())
        .expect("not fetched at start-up");
    let failure = refusal(&auth, &idp().mint(request("u"))).await;
    assert_eq!(failure, AuthFailure::KeysUnavailable);
    assert_eq!((failure.code(), failure.status()), ("unavailable", 503));
    assert!(!failure.to_string().contains(&addr.to_string()));
}
