//! Who an app is, and the tokens the gateway mints for mcp-admin.
//!
//! Apps present an API key (in `Authorization: Bearer` on the upgrade or in
//! `hello.token`). Keys are configured hashed (`GATEWAY_API_KEYS` =
//! `role:sha256hex,…`) and compared in constant time; no credentials means
//! `customer`, bad credentials are refused. For every admin tool call the
//! gateway mints a short-lived JWT (EdDSA, `aud` mcp-admin, `sub` the admin,
//! `role`, scope, `jti`, 2 minutes) and passes it in `_meta`; its public keys
//! are at `/.well-known/jwks.json` and in a JWKS file mcp-admin children read.

use std::time::Duration;

use museo_sdk::auth::{Minter, ServiceAccount, SigningAlgorithm, TokenRequest};
use museo_sdk::museo::SCOPE_PRODUCTS_WRITE;
use secrecy::ExposeSecret as _;

/// `GATEWAY_API_KEYS`: `role:sha256hex` pairs, comma-separated.
pub const ENV_API_KEYS: &str = "GATEWAY_API_KEYS";

/// A session's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A shopper.
    Customer,
    /// A shop administrator.
    Admin,
}

impl Role {
    /// `customer` / `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Admin => "admin",
        }
    }
}

/// One configured key.
#[derive(Debug, Clone)]
pub struct ApiKey {
    /// Who holds it.
    pub role: Role,
    /// SHA-256 of the key, hex.
    pub sha256: String,
    /// A name for logs and `sub`.
    pub name: String,
}

/// Parses `GATEWAY_API_KEYS` (`admin:<hex>[:name],customer:<hex>`).
pub fn parse_keys(spec: &str) -> Result<Vec<ApiKey>, String> {
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, entry)| {
            let mut parts = entry.split(':');
            let role = match parts.next() {
                Some("admin") => Role::Admin,
                Some("customer") => Role::Customer,
                other => return Err(format!("{ENV_API_KEYS} entry {}: role {other:?} is not admin or customer", i + 1)),
            };
            let hash = parts.next().unwrap_or_default().to_ascii_lowercase();
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("{ENV_API_KEYS} entry {}: the key must be given as its SHA-256 in hex (64 digits)", i + 1));
            }
            let name = parts.next().map_or_else(|| format!("{}-key-{}", role.as_str(), i + 1), str::to_owned);
            Ok(ApiKey { role, sha256: hash, name })
        })
        .collect()
}

/// SHA-256 of `text`, hex.
pub fn sha256_hex(text: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The key matching `token`, compared in constant time.
pub fn authenticate<'a>(keys: &'a [ApiKey], token: &str) -> Option<&'a ApiKey> {
    let hash = sha256_hex(token.trim());
    keys.iter().find(|k| {
        aws_lc_rs::constant_time::verify_slices_are_equal(k.sha256.as_bytes(), hash.as_bytes())
            .is_ok()
    })
}

/// The gateway's token minter for mcp-admin.
#[derive(Debug, Clone)]
pub struct AdminTokens {
    minter: std::sync::Arc<Minter>,
}

impl AdminTokens {
    /// A fresh signing key (rotated on each start; mcp-admin reads the JWKS).
    pub fn generate() -> anyhow::Result<Self> {
        let account = ServiceAccount::generate("mcp-gateway", SigningAlgorithm::EdDSA)?;
        Ok(Self {
            minter: std::sync::Arc::new(Minter::new(account)),
        })
    }

    /// The public keys.
    pub fn jwks(&self) -> museo_sdk::auth::JwkSet {
        self.minter.jwks()
    }

    /// A token for mcp-admin acting for `subject`.
    pub fn mint(&self, subject: &str) -> anyhow::Result<String> {
        let request = TokenRequest::new(subject, "mcp-admin")
            .with_scopes([SCOPE_PRODUCTS_WRITE])
            .with_claim("role", "admin")
            .with_ttl(Duration::from_secs(120));
        Ok(self.minter.one_time(&request)?.expose_secret().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_matched_by_hash() {
        let keys = parse_keys(&format!(
            "admin:{}:ops,customer:{}",
            sha256_hex("s3cret"),
            sha256_hex("shopper")
        ))
        .expect("keys");
        assert_eq!(
            authenticate(&keys, "s3cret").map(|k| k.role),
            Some(Role::Admin)
        );
        assert_eq!(
            authenticate(&keys, "s3cret").map(|k| k.name.as_str()),
            Some("ops")
        );
        assert_eq!(
            authenticate(&keys, "shopper").map(|k| k.role),
            Some(Role::Customer)
        );
        assert!(authenticate(&keys, "guess").is_none());
        assert!(parse_keys("root:abc").is_err());
        assert!(parse_keys("admin:plaintext").is_err());
    }
}
