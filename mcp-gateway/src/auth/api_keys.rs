//! API keys: configured as SHA-256 hashes, matched in constant time.
//!
//! The gateway never holds a key itself, only its hash, so its configuration
//! and memory are not credentials. Errors name the entry by position and never
//! repeat what it says: an operator who pasted a plaintext key where the role
//! or hash belongs must not find it in the logs.

use std::fmt;

use museo_sdk::config::ConfigError;

use super::Role;
use super::config::ENV_API_KEYS;

/// One configured key.
#[derive(Clone)]
pub struct ApiKey {
    /// Who holds it.
    pub role: Role,
    /// SHA-256 of the key, lowercase hex.
    pub sha256: String,
    /// A name for logs and `sub`.
    pub name: String,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("role", &self.role)
            .field("name", &self.name)
            .field("sha256", &"<redacted>")
            .finish()
    }
}

/// Parses `GATEWAY_API_KEYS` (`admin:<hex>[:name],customer:<hex>`); the error
/// names the variable and the entry.
pub fn parse_keys(spec: &str) -> Result<Vec<ApiKey>, String> {
    parse_key_spec(spec).map_err(|e| e.to_string())
}

/// [`parse_keys`] with a [`ConfigError`] keyed by `GATEWAY_API_KEYS`.
pub(crate) fn parse_key_spec(spec: &str) -> Result<Vec<ApiKey>, ConfigError> {
    let mut keys: Vec<ApiKey> = Vec::new();
    let entries = spec.split(',').map(str::trim).filter(|s| !s.is_empty());
    for (i, entry) in entries.enumerate() {
        let n = i + 1;
        let bad = |what: &str| ConfigError::new(ENV_API_KEYS, format!("entry {n}: {what}"));
        let mut parts = entry.splitn(3, ':');
        let role = match parts.next().map(str::trim) {
            Some("admin") => Role::Admin,
            Some("customer") => Role::Customer,
            _ => {
                return Err(bad(
                    "the role must be admin or customer (`role:sha256hex[:name]`)",
                ));
            }
        };
        let hash = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(
                "the key must be given as its SHA-256 in hex (64 digits)",
            ));
        }
        let name = match parts.next().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => format!("{}-key-{n}", role.as_str()),
        };
        if let Some(j) = keys.iter().position(|k| k.sha256 == hash) {
            return Err(bad(&format!("the same key as entry {}", j + 1)));
        }
        keys.push(ApiKey {
            role,
            sha256: hash,
            name,
        });
    }
    Ok(keys)
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
