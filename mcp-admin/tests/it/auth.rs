//! Under the gateway: every call carries a JWT in `_meta`; each kind of bad
//! token is refused before anything happens, and the API's audit log names
//! the verified admin.

use std::time::Duration;

use anyhow::{Context as _, ensure};
use mcp_admin::auth::{AuthConfig, Gate};
use museo_sdk::auth::{
    META_AUTHORIZATION, Minter, ServiceAccount, SigningAlgorithm, TokenRequest, jwk_set,
};
use museo_sdk::config::EnvSource;
use rmcp::model::JsonObject;
use secrecy::ExposeSecret as _;
use serde_json::json;

use crate::support::{Shop, TestClient, ok_with_meta, refused_with_meta};

struct Env(Vec<(&'static str, String)>);
impl EnvSource for Env {
    fn var(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }
}

fn meta(token: &str) -> Option<JsonObject> {
    let mut meta = JsonObject::new();
    meta.insert(META_AUTHORIZATION.into(), json!(token));
    Some(meta)
}

fn token(issuer: &ServiceAccount, audience: &str, sub: &str, role: &str) -> anyhow::Result<String> {
    let request = TokenRequest::new(sub, audience)
        .with_scopes(["products:write"])
        .with_claim("role", role)
        .with_ttl(Duration::from_secs(120));
    Ok(Minter::new(issuer.clone())
        .one_time(&request)?
        .expose_secret()
        .to_owned())
}

/// A token with `exp` in the past, signed by `issuer` (what no minter issues).
fn expired(issuer: &ServiceAccount) -> anyhow::Result<String> {
    let now = jiff::Timestamp::now().as_second();
    let claims = json!({
        "iss": issuer.id, "sub": "alice", "aud": "mcp-admin", "scope": "products:write", "role": "admin",
        "iat": now - 400, "exp": now - 200, "jti": "expired-1",
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some(issuer.key.kid().to_owned());
    let key =
        jsonwebtoken::EncodingKey::from_ed_pem(issuer.key.to_pem().expose_secret().as_bytes())?;
    Ok(jsonwebtoken::encode(&header, &claims, &key)?)
}

#[tokio::test]
async fn every_bad_token_is_refused_and_changes_nothing() -> anyhow::Result<()> {
    let shop = Shop::start().await?;
    let gateway = ServiceAccount::generate("museo-gateway", SigningAlgorithm::EdDSA)?;
    let jwks = shop.dir.path().join("gateway-jwks.json");
    std::fs::write(&jwks, serde_json::to_string(&jwk_set([&gateway.key]))?)?;
    let config = AuthConfig::from_env(&Env(vec![(
        "MCP_ADMIN_JWKS_FILE",
        jwks.display().to_string(),
    )]))?;
    let client = shop
        .connect(Gate::new(config.verifier()?), TestClient::default())
        .await?;

    let create = json!({ "description": "Forged vase, 10 EUR, SKU FORGED-1" });
    let audit_before = shop.audit().await?.len();
    let intruder = ServiceAccount::generate("intruder", SigningAlgorithm::EdDSA)?;
    // Same kid as the gateway's key, signed by another key.
    let impostor = ServiceAccount::new(
        "museo-gateway",
        museo_sdk::auth::SigningKey::from_pem(
            intruder.key.to_pem().expose_secret(),
            Some(gateway.key.kid().to_owned()),
        )?,
    )?;
    let cases: Vec<(&str, Option<JsonObject>, &str)> = vec![
        ("no token", None, "no token was presented"),
        ("not a JWT", meta("not-a-jwt"), "malformed"),
        (
            "token of a stranger",
            meta(&token(&intruder, "mcp-admin", "eve", "admin")?),
            "unknown signing key",
        ),
        (
            "forged with the gateway's kid",
            meta(&token(&impostor, "mcp-admin", "eve", "admin")?),
            "signature",
        ),
        ("expired", meta(&expired(&gateway)?), "expired"),
        (
            "wrong audience",
            meta(&token(&gateway, "museo-admin-api", "alice", "admin")?),
            "audience",
        ),
        (
            "customer role",
            meta(&token(&gateway, "mcp-admin", "bob", "customer")?),
            "role `customer`",
        ),
        (
            "no role",
            meta(&token(&gateway, "mcp-admin", "bob", "")?),
            "forbidden",
        ),
    ];
    for (what, meta, needle) in cases {
        let message = refused_with_meta(&client, "create_product", create.clone(), meta, &[needle])
            .await
            .with_context(|| what.to_owned())?;
        ensure!(message.contains("correlation id"), "{what}: {message}");
    }
    let mut non_string = JsonObject::new();
    non_string.insert(META_AUTHORIZATION.into(), json!({ "token": 1 }));
    refused_with_meta(
        &client,
        "delete_product",
        json!({ "product_id": "MUG-NYMPH-01", "confirm": true }),
        Some(non_string),
        &["string"],
    )
    .await?;
    ensure!(
        shop.count("Forged").await? == 0,
        "a refused call created a product"
    );
    ensure!(
        shop.audit().await?.len() == audit_before,
        "a refused call reached the admin API"
    );

    // A valid admin token works once; the API's audit log names the admin.
    let alice = token(&gateway, "mcp-admin", "alice@museo.example", "admin")?;
    let created = ok_with_meta(
        &client,
        "create_product",
        json!({ "description": "Gateway vase, 10 EUR, SKU GW-VASE-1" }),
        meta(&alice),
    )
    .await?;
    ensure!(created["sku"] == "GW-VASE-1", "{created}");
    refused_with_meta(
        &client,
        "get_product",
        json!({ "product_id": "GW-VASE-1" }),
        meta(&alice),
        &["already used"],
    )
    .await?;
    let audit = shop.audit().await?;
    let entry = audit
        .iter()
        .find(|e| e["action"] == "product.create")
        .context("no audit entry")?;
    ensure!(
        entry["on_behalf_of"] == "alice@museo.example" && entry["actor"] == "museo-dev",
        "{entry}"
    );
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn auth_config_names_its_variables() {
    let both = AuthConfig::from_env(&Env(vec![
        ("MCP_ADMIN_JWKS_FILE", "a".into()),
        ("MCP_ADMIN_JWKS_URL", "http://127.0.0.1/jwks".into()),
    ]));
    assert!(both.is_err_and(|e| e.key == "MCP_ADMIN_JWKS_FILE"));
    let bad_url = AuthConfig::from_env(&Env(vec![("MCP_ADMIN_JWKS_URL", "ftp://x".into())]));
    assert!(bad_url.is_err_and(|e| e.key == "MCP_ADMIN_JWKS_URL"));
    let missing = AuthConfig::from_env(&Env(vec![(
        "MCP_ADMIN_JWKS_FILE",
        "/nonexistent/jwks.json".into(),
    )]))
    .expect("config")
    .verifier();
    assert!(missing.is_err_and(|e| e.to_string().contains("MCP_ADMIN_JWKS_FILE")));
}
