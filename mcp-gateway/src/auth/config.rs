//! The environment variables that configure authentication, and
//! [`Authenticator::from_env`]. Every error names its variable.
//!
//! Setting a `GATEWAY_JWT_*` variable without `GATEWAY_JWKS_URL` or
//! `GATEWAY_JWKS_FILE` is an error rather than silently ignored: it almost
//! always means the JWKS variable is misspelt, and the operator expects JWTs
//! to work.

use std::path::Path;
use std::time::Duration;

use museo_sdk::auth::{Jwk, JwkSet, KeySet};
use museo_sdk::config::{ConfigError, EnvSource, env_parse, parse_http_url};

use super::Authenticator;
use super::api_keys::parse_key_spec;
use super::jwt::{JwtConfig, REGISTERED_CLAIMS};

/// `GATEWAY_API_KEYS`: `role:sha256hex[:name]` entries, comma-separated
/// (`role` is `admin` or `customer`; the hash is of the key the app sends).
pub const ENV_API_KEYS: &str = "GATEWAY_API_KEYS";
/// `GATEWAY_JWKS_URL`: where the identity provider publishes the public keys
/// of app JWTs (fetched on first use, refetched on an unknown `kid`).
pub const ENV_JWKS_URL: &str = "GATEWAY_JWKS_URL";
/// `GATEWAY_JWKS_FILE`: the identity provider's public keys as a JWKS file,
/// read at start-up. Exclusive with `GATEWAY_JWKS_URL`.
pub const ENV_JWKS_FILE: &str = "GATEWAY_JWKS_FILE";
/// `GATEWAY_JWT_ISSUER`: the `iss` app JWTs must carry, when set.
pub const ENV_JWT_ISSUER: &str = "GATEWAY_JWT_ISSUER";
/// `GATEWAY_JWT_AUDIENCE`: the `aud` app JWTs must carry (default `mcp-gateway`).
pub const ENV_JWT_AUDIENCE: &str = "GATEWAY_JWT_AUDIENCE";
/// `GATEWAY_JWT_ROLE_CLAIM`: the claim holding `admin` or `customer`
/// (default `role`; a `roles` array containing `admin` also counts).
pub const ENV_JWT_ROLE_CLAIM: &str = "GATEWAY_JWT_ROLE_CLAIM";
/// `GATEWAY_JWT_MAX_LIFETIME_SECS`: the longest app-JWT lifetime
/// (`exp - iat`) accepted, in seconds (default 86400).
pub const ENV_JWT_MAX_LIFETIME_SECS: &str = "GATEWAY_JWT_MAX_LIFETIME_SECS";

/// A JWKS file larger than this is refused (providers publish a few keys).
const MAX_JWKS_FILE_BYTES: u64 = 256 * 1024;

impl Authenticator {
    /// Reads `GATEWAY_API_KEYS`, `GATEWAY_JWKS_URL` or `GATEWAY_JWKS_FILE`
    /// and `GATEWAY_JWT_*`. Nothing set: no API keys and no JWTs. A JWKS URL
    /// is not fetched here, so start-up does not depend on the identity
    /// provider; `http` is the client it is fetched with later.
    pub fn from_env(env: &dyn EnvSource, http: reqwest::Client) -> Result<Self, ConfigError> {
        let keys = match env.var(ENV_API_KEYS) {
            Some(spec) => parse_key_spec(&spec)?,
            None => Vec::new(),
        };
        Ok(Self::new(keys, jwt_from_env(env, http)?))
    }
}

fn jwt_from_env(
    env: &dyn EnvSource,
    http: reqwest::Client,
) -> Result<Option<JwtConfig>, ConfigError> {
    let keys = match (env.var(ENV_JWKS_URL), env.var(ENV_JWKS_FILE)) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::new(
                ENV_JWKS_FILE,
                format!("set {ENV_JWKS_URL} or {ENV_JWKS_FILE}, not both"),
            ));
        }
        (Some(url), None) => {
            let url = parse_http_url(ENV_JWKS_URL, &url)?;
            if url.scheme() == "http" && !is_loopback(&url) {
                tracing::warn!(
                    var = ENV_JWKS_URL,
                    "the identity provider's keys are fetched without TLS"
                );
            }
            Some(KeySet::remote(url, http))
        }
        (None, Some(path)) => Some(load_jwks_file(Path::new(path.trim()))?),
        (None, None) => None,
    };
    let Some(keys) = keys else {
        let stray = [
            ENV_JWT_ISSUER,
            ENV_JWT_AUDIENCE,
            ENV_JWT_ROLE_CLAIM,
            ENV_JWT_MAX_LIFETIME_SECS,
        ]
        .into_iter()
        .find(|var| env.var(var).is_some());
        return match stray {
            Some(var) => Err(ConfigError::new(
                var,
                format!(
                    "is set but neither {ENV_JWKS_URL} nor {ENV_JWKS_FILE} is, so no JWT would be accepted"
                ),
            )),
            None => Ok(None),
        };
    };

    let mut config = JwtConfig::new(keys);
    if let Some(audience) = env.var(ENV_JWT_AUDIENCE) {
        config = config.with_audience(audience.trim());
    }
    if let Some(issuer) = env.var(ENV_JWT_ISSUER) {
        config = config.with_issuer(issuer.trim());
    }
    if let Some(claim) = env.var(ENV_JWT_ROLE_CLAIM) {
        let claim = claim.trim();
        if REGISTERED_CLAIMS.contains(&claim) {
            return Err(ConfigError::new(
                ENV_JWT_ROLE_CLAIM,
                format!("`{claim}` is a registered claim and cannot carry a role"),
            ));
        }
        config = config.with_role_claim(claim);
    }
    if let Some(secs) = env_parse::<u64>(env, ENV_JWT_MAX_LIFETIME_SECS)? {
        if secs == 0 {
            return Err(ConfigError::new(
                ENV_JWT_MAX_LIFETIME_SECS,
                "must be at least 1 (seconds)",
            ));
        }
        config = config.with_max_lifetime(Duration::from_secs(secs));
    }
    Ok(Some(config))
}

/// Reads a JWKS file. Like a fetched JWKS, an entry this crate cannot parse
/// does not hide the others; errors give the position of a syntax error,
/// never the file's text.
fn load_jwks_file(path: &Path) -> Result<KeySet, ConfigError> {
    let bad = |what: String| ConfigError::new(ENV_JWKS_FILE, format!("{}: {what}", path.display()));
    let size = std::fs::metadata(path)
        .map_err(|e| bad(format!("cannot read the file ({e})")))?
        .len();
    if size > MAX_JWKS_FILE_BYTES {
        return Err(bad(format!(
            "larger than {MAX_JWKS_FILE_BYTES} bytes, not a JWKS"
        )));
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read the file ({e})")))?;
    #[derive(serde::Deserialize)]
    struct RawSet {
        keys: Vec<serde_json::Value>,
    }
    let raw: RawSet = serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "not a JWKS document (`{{\"keys\": [...]}}`; error at line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let keys = raw
        .keys
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Jwk>(v).ok())
        .collect();
    KeySet::from_jwks(JwkSet { keys }).map_err(|e| bad(e.to_string()))
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
