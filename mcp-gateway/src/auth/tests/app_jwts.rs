//! App JWTs: roles, lifetimes, and every refusal.

use super::*;

#[tokio::test]
async fn jwt_roles_come_from_the_claims() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c);

    let admin = auth
        .authenticate(&idp.mint(request("carla").with_claim("role", "admin")))
        .await
        .expect("admin");
    assert_eq!(
        admin,
        Identity {
            role: Role::Admin,
            subject: "carla".into(),
            via: Identity::VIA_JWT,
        }
    );

    let customer = auth
        .authenticate(&idp.mint(request("user-9")))
        .await
        .expect("no role claim");
    assert_eq!(
        (customer.role, customer.subject.as_str(), customer.via),
        (Role::Customer, "user-9", "jwt")
    );

    let explicit = auth
        .authenticate(&idp.mint(request("u").with_claim("role", "Customer")))
        .await
        .expect("customer, any case");
    assert_eq!(explicit.role, Role::Customer);

    let roles = auth
        .authenticate(&idp.mint(request("u").with_claim("roles", json!(["editor", "admin"]))))
        .await
        .expect("roles array");
    assert_eq!(roles.role, Role::Admin);

    let roles = auth
        .authenticate(&idp.mint(request("u").with_claim("roles", json!(["editor"]))))
        .await
        .expect("roles array without admin");
    assert_eq!(roles.role, Role::Customer);

    let array = auth
        .authenticate(&idp.mint(request("u").with_claim("role", json!(["admin"]))))
        .await
        .expect("role as an array");
    assert_eq!(array.role, Role::Admin);
}

#[tokio::test]
async fn an_unknown_role_is_refused_not_guessed() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c);
    for role in [json!("superuser"), json!(1), json!({"admin": true})] {
        let failure = refusal(&auth, &idp.mint(request("u").with_claim("role", role))).await;
        assert_eq!(
            failure,
            AuthFailure::BadRole {
                claim: "role".into()
            }
        );
        assert!(!failure.to_string().contains("superuser"));
    }
}

#[tokio::test]
async fn the_role_claim_can_be_renamed() {
    let idp = idp();
    let claim = "https://museo.example/role";
    let auth = authenticator(&idp, |c| c.with_role_claim(claim));
    let admin = auth
        .authenticate(&idp.mint(request("u").with_claim(claim, "admin")))
        .await
        .expect("namespaced claim");
    assert_eq!(admin.role, Role::Admin);
    let ignored = auth
        .authenticate(&idp.mint(request("u").with_claim("role", "admin")))
        .await
        .expect("`role` is just another claim now");
    assert_eq!(ignored.role, Role::Customer);
}

#[tokio::test]
async fn es256_providers_work_too() {
    let idp = idp_with(IDP, SigningAlgorithm::ES256);
    let auth = authenticator(&idp, |c| c);
    let id = auth
        .authenticate(&idp.sign(&{
            let mut c = claims(3600);
            c["role"] = json!("admin");
            c
        }))
        .await
        .expect("ES256");
    assert_eq!(id.role, Role::Admin);
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c);
    let mut c = claims(60);
    let now = now();
    c["iat"] = json!(now - 3600);
    c["nbf"] = json!(now - 3600);
    c["exp"] = json!(now - 120);
    let failure = refusal(&auth, &idp.sign(&c)).await;
    assert_eq!(failure, AuthFailure::Expired);
    assert_eq!(failure.to_string(), "token expired");
}

#[tokio::test]
async fn app_tokens_may_live_an_hour_but_not_forever() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c);
    auth.authenticate(&idp.sign(&claims(3600)))
        .await
        .expect("an hour, beyond the sdk's 5-minute M2M cap");
    assert!(matches!(
        refusal(&auth, &idp.sign(&claims(2 * 86_400))).await,
        AuthFailure::Malformed(msg) if msg.contains("lifetime")
    ));
    let strict = authenticator(&idp, |c| c.with_max_lifetime(Duration::from_secs(600)));
    assert!(matches!(
        refusal(&strict, &idp.sign(&claims(3600))).await,
        AuthFailure::Malformed(msg) if msg.contains("600 s")
    ));
}

#[tokio::test]
async fn the_wrong_audience_is_refused() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c);
    let token = idp.mint(TokenRequest::new("u", "mcp-admin").with_claim("role", "admin"));
    let failure = refusal(&auth, &token).await;
    assert_eq!(
        failure,
        AuthFailure::WrongAudience {
            expected: "mcp-gateway".into()
        }
    );
    assert_eq!(failure.to_string(), "token audience is not mcp-gateway");

    let custom = authenticator(&idp, |c| c.with_audience("museo-apps"));
    assert!(matches!(
        refusal(&custom, &idp.mint(request("u"))).await,
        AuthFailure::WrongAudience { expected } if expected == "museo-apps"
    ));
}

#[tokio::test]
async fn the_issuer_is_checked_when_configured() {
    let idp = idp();
    let pinned = authenticator(&idp, |c| c.with_issuer(IDP));
    pinned
        .authenticate(&idp.mint(request("u")))
        .await
        .expect("the right issuer");
    let mut c = claims(60);
    c["iss"] = json!("https://evil.example/");
    assert_eq!(
        refusal(&pinned, &idp.sign(&c)).await,
        AuthFailure::WrongIssuer
    );
    // Without GATEWAY_JWT_ISSUER, any issuer whose key is trusted will do.
    let open = authenticator(&idp, |c| c);
    open.authenticate(&idp.sign(&c))
        .await
        .expect("issuer not pinned");
}

#[tokio::test]
async fn signatures_from_other_keys_are_refused() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c);

    // Another provider: its `kid` is not in our JWKS.
    let other = idp_with(IDP, SigningAlgorithm::EdDSA);
    let failure = refusal(&auth, &other.mint(request("u").with_claim("role", "admin"))).await;
    assert_eq!(failure, AuthFailure::UnknownKey);

    // A forger who copies our `kid` but signs with their own key.
    let forged_key = SigningKey::from_pem(
        other.key.to_pem().expose_secret(),
        Some(idp.key.kid().into()),
    )
    .expect("key");
    let forger = Idp {
        minter: Minter::new(ServiceAccount::new(IDP, forged_key.clone()).expect("account")),
        key: forged_key,
    };
    let failure = refusal(
        &auth,
        &forger.mint(request("u").with_claim("role", "admin")),
    )
    .await;
    assert_eq!(failure, AuthFailure::BadSignature);
    assert_eq!(failure.to_string(), "token signature invalid");

    // A genuine token with its payload swapped.
    let token = idp.mint(request("u"));
    let parts: Vec<&str> = token.split('.').collect();
    let mut c = claims(60);
    c["role"] = json!("admin");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(c.to_string()),
        parts[2]
    );
    assert_eq!(refusal(&auth, &tampered).await, AuthFailure::BadSignature);
}

#[tokio::test]
async fn none_and_hmac_tokens_are_refused() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c);
    let mut c = claims(60);
    c["role"] = json!("admin");
    let payload = URL_SAFE_NO_PAD.encode(c.to_string());
    for alg in ["none", "None", "HS256"] {
        let header = json!({"alg": alg, "typ": "JWT", "kid": idp.key.kid()});
        let token = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(header.to_string()));
        assert_eq!(
            refusal(&auth, &token).await,
            AuthFailure::Algorithm,
            "{alg}"
        );
    }
    // HS256 signed with the published public key (key confusion) and with a guess.
    let jwk = serde_json::to_value(idp.key.public_jwk()).expect("jwk");
    let public = jwk["x"].as_str().expect("x").as_bytes().to_vec();
    for secret in [public, b"secret".to_vec()] {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(idp.key.kid().to_owned());
        let token = jsonwebtoken::encode(
            &header,
            &c,
            &jsonwebtoken::EncodingKey::from_secret(&secret),
        )
        .expect("signs");
        let failure = refusal(&auth, &token).await;
        assert_eq!(failure, AuthFailure::Algorithm);
        assert!(failure.to_string().contains("EdDSA or ES256"));
    }
}

#[tokio::test]
async fn jwts_without_a_jwks_fail_clearly() {
    let idp = idp();
    let auth = Authenticator::new(api_keys(), None);
    assert!(!auth.accepts_jwts());
    let failure = refusal(&auth, &idp.mint(request("u").with_claim("role", "admin"))).await;
    assert_eq!(failure, AuthFailure::JwtNotAccepted);
    assert!(failure.to_string().contains(ENV_JWKS_URL), "{failure}");
    // API keys still work.
    assert_eq!(
        auth.authenticate(ADMIN_KEY).await.map(|i| i.role),
        Ok(Role::Admin)
    );
}

#[tokio::test]
async fn garbage_is_refused_without_panicking() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c);
    let jwt = idp.mint(request("u").with_claim("role", "admin"));
    let huge = "a".repeat(100 * 1024);
    let huge_jwt = format!("{}.{}.{}", "a".repeat(40_000), "b".repeat(40_000), "c");
    let cases: Vec<(String, AuthFailure)> = vec![
        (String::new(), AuthFailure::Missing),
        (" \t\n".into(), AuthFailure::Missing),
        (huge, AuthFailure::TooLong),
        (huge_jwt, AuthFailure::TooLong),
        ("clé-secrète-ñ-🔑".into(), AuthFailure::UnknownApiKey),
        ("\0\0\0".into(), AuthFailure::UnknownApiKey),
        (format!("Bearer {ADMIN_KEY}"), AuthFailure::BearerPrefix),
        (format!("bearer {jwt}"), AuthFailure::BearerPrefix),
        ("Bearer".into(), AuthFailure::UnknownApiKey),
        ("a.b.c.d".into(), AuthFailure::UnknownApiKey),
        ("..".into(), AuthFailure::UnknownApiKey),
        (format!("{jwt}."), AuthFailure::UnknownApiKey),
    ];
    for (token, expected) in cases {
        let failure = refusal(&auth, &token).await;
        assert_eq!(failure, expected, "for a {}-byte token", token.len());
    }
    // JWT-shaped junk reaches the verifier and is refused as malformed.
    let no_kid = format!("{}.e30.", URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA"}"#));
    assert_eq!(refusal(&auth, &no_kid).await, AuthFailure::UnknownKey);
    for junk in ["a.b.c", "e30.e30.e30", "x.y.z_-"] {
        assert!(
            matches!(refusal(&auth, junk).await, AuthFailure::Malformed(_)),
            "{junk}"
        );
    }
}

#[tokio::test]
async fn debug_shows_no_secrets_and_clones_share() {
    let idp = idp();
    let auth = authenticator(&idp, |c| c.with_issuer(IDP));
    let debug = format!("{auth:?}");
    assert!(
        debug.contains("ops") && debug.contains("mcp-gateway"),
        "{debug}"
    );
    for secret in [ADMIN_KEY, SHOPPER_KEY] {
        assert!(!debug.contains(secret) && !debug.contains(&sha256_hex(secret)));
    }
    assert!(!debug.contains(idp.key.to_pem().expose_secret().trim()));
    let clone = auth.clone();
    assert_eq!(clone.api_keys().len(), 2);
    assert!(clone.accepts_jwts());
}
