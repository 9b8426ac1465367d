//! The tokens the gateway mints for mcp-admin: EdDSA, `aud` mcp-admin, `sub`
//! the admin, `role`, scope `products:write`, a fresh `jti`, two minutes. The
//! signing key is generated on each start; mcp-admin reads the public half
//! from the JWKS the gateway publishes.

use std::sync::Arc;
use std::time::Duration;

use museo_sdk::auth::{JwkSet, Minter, ServiceAccount, SigningAlgorithm, TokenRequest};
use museo_sdk::museo::SCOPE_PRODUCTS_WRITE;
use secrecy::ExposeSecret as _;

/// The gateway's token minter for mcp-admin. `Debug` shows the account and
/// `kid`, never the key.
#[derive(Debug, Clone)]
pub struct AdminTokens {
    minter: Arc<Minter>,
}

impl AdminTokens {
    /// A fresh signing key (rotated on each start; mcp-admin reads the JWKS).
    pub fn generate() -> anyhow::Result<Self> {
        let account = ServiceAccount::generate("mcp-gateway", SigningAlgorithm::EdDSA)?;
        Ok(Self {
            minter: Arc::new(Minter::new(account)),
        })
    }

    /// The public keys.
    pub fn jwks(&self) -> JwkSet {
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
