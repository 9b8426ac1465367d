//! Configuration loading in two steps, shared by every component.
//!
//! A component declares a *raw* struct (`#[serde(deny_unknown_fields)]`, every
//! field optional) that a TOML file fills, overlays environment variables on
//! it (env wins over the file), then validates it into the struct the code
//! uses. Every error names the key at fault — the file key or the env var —
//! so an operator knows exactly what to fix.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::env;

/// A configuration problem, naming the key (file key or env var) at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration `{key}`: {message}")]
pub struct ConfigError {
    /// The file key (`museo.timeout_ms`) or env var (`MUSEO_API_URL`).
    pub key: String,
    /// What is wrong with it.
    pub message: String,
}

impl ConfigError {
    /// An error about `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Where environment variables come from: the process, or a map in tests.
pub trait EnvSource {
    /// The value of `key`, if set and not empty.
    fn var(&self, key: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.trim().is_empty())
    }
}

impl EnvSource for HashMap<String, String> {
    fn var(&self, key: &str) -> Option<String> {
        self.get(key).filter(|v| !v.trim().is_empty()).cloned()
    }
}

/// Reads and parses env var `key`; `Ok(None)` when unset.
pub fn env_parse<T>(source: &dyn EnvSource, key: &str) -> Result<Option<T>, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    source
        .var(key)
        .map(|raw| {
            raw.trim()
                .parse::<T>()
                .map_err(|e| ConfigError::new(key, e.to_string()))
        })
        .transpose()
}

/// Reads a boolean env var: `true/false`, `1/0`, `yes/no`, `on/off`.
pub fn env_bool(source: &dyn EnvSource, key: &str) -> Result<Option<bool>, ConfigError> {
    source
        .var(key)
        .map(|raw| match raw.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            other => Err(ConfigError::new(
                key,
                format!("expected true or false, got `{other}`"),
            )),
        })
        .transpose()
}

/// Parses a TOML file into a raw config struct (which should deny unknown fields).
pub fn load_toml<T: DeserializeOwned>(path: &Path) -> Result<T, ConfigError> {
    let key = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(&key, format!("cannot read the file: {e}")))?;
    parse_toml(&text).map_err(|e| ConfigError::new(key, e.message))
}

/// Parses TOML text into a raw config struct; the error names the failing key.
pub fn parse_toml<T: DeserializeOwned>(text: &str) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let message = e.message().to_owned();
        let key = e
            .span()
            .and_then(|span| text.get(..span.start))
            .map(|before| format!("line {}", before.matches('\n').count() + 1))
            .unwrap_or_else(|| "(file)".to_owned());
        ConfigError::new(key, message)
    })
}

/// Raw settings of the Museo API client, as a file gives them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawMuseoConfig {
    /// Base URL of the API.
    pub url: Option<String>,
    /// Per-request timeout in milliseconds (default 10 000).
    pub timeout_ms: Option<u64>,
    /// Retries for idempotent requests (default 2).
    pub retries: Option<u32>,
    /// Audience of admin tokens (default `museo-admin-api`).
    pub admin_audience: Option<String>,
}

/// Validated settings of the Museo API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MuseoConfig {
    /// Base URL; paths such as `/v1/products` are joined to it.
    pub url: url::Url,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries for idempotent requests.
    pub retries: u32,
    /// Audience of admin tokens.
    pub admin_audience: String,
}

/// Default audience of the Museo admin API's tokens.
pub const DEFAULT_ADMIN_AUDIENCE: &str = "museo-admin-api";

impl MuseoConfig {
    /// Settings for a given base URL with every default.
    pub fn for_url(url: url::Url) -> Self {
        Self {
            url,
            timeout: Duration::from_secs(10),
            retries: 2,
            admin_audience: DEFAULT_ADMIN_AUDIENCE.to_owned(),
        }
    }

    /// Overlays the environment on `raw` and validates. `Ok(None)` when no URL
    /// is configured at all (callers then start the sandbox in-process).
    pub fn resolve(raw: RawMuseoConfig, env: &dyn EnvSource) -> Result<Option<Self>, ConfigError> {
        let (url_key, url) = match env.var(env::MUSEO_API_URL) {
            Some(url) => (env::MUSEO_API_URL, url),
            None => match raw.url {
                Some(url) => ("museo.url", url),
                None => return Ok(None),
            },
        };
        let url = parse_http_url(url_key, &url)?;
        let timeout_ms = match env_parse::<u64>(env, env::MUSEO_API_TIMEOUT_MS)? {
            Some(ms) => (env::MUSEO_API_TIMEOUT_MS, ms),
            None => ("museo.timeout_ms", raw.timeout_ms.unwrap_or(10_000)),
        };
        if !(1..=120_000).contains(&timeout_ms.1) {
            return Err(ConfigError::new(
                timeout_ms.0,
                "must be between 1 and 120000 ms",
            ));
        }
        let retries = raw.retries.unwrap_or(2);
        if retries > 10 {
            return Err(ConfigError::new("museo.retries", "must be at most 10"));
        }
        let admin_audience = env
            .var(env::MUSEO_ADMIN_AUDIENCE)
            .or(raw.admin_audience)
            .unwrap_or_else(|| DEFAULT_ADMIN_AUDIENCE.to_owned());
        Ok(Some(Self {
            url,
            timeout: Duration::from_millis(timeout_ms.1),
            retries,
            admin_audience,
        }))
    }
}

/// Parses an `http`/`https` URL, naming `key` on failure.
pub fn parse_http_url(key: &str, raw: &str) -> Result<url::Url, ConfigError> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| ConfigError::new(key, format!("not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::new(key, "must be an http:// or https:// URL"));
    }
    Ok(url)
}

impl ServiceAccountSource {
    /// Loads the account's key.
    pub fn load(&self) -> Result<crate::auth::ServiceAccount, ConfigError> {
        let loaded = match &self.key {
            KeySource::File(path) => crate::auth::ServiceAccount::load(self.id.clone(), path),
            KeySource::Pem(pem) => crate::auth::ServiceAccount::from_pem(self.id.clone(), pem),
        };
        loaded.map_err(|e| {
            let key = match self.key {
                KeySource::File(_) => env::SERVICE_ACCOUNT_KEY_FILE,
                KeySource::Pem(_) => env::SERVICE_ACCOUNT_KEY,
            };
            ConfigError::new(key, e.to_string())
        })
    }
}

/// Where a service account's private key comes from.
#[derive(Debug, Clone)]
pub struct ServiceAccountSource {
    /// The account id (`SERVICE_ACCOUNT_ID`).
    pub id: String,
    /// The key: a file path, or the PEM itself.
    pub key: KeySource,
}

/// A private key's location.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A PKCS#8 PEM file.
    File(PathBuf),
    /// The PEM text (from an env var).
    Pem(SecretString),
}

impl ServiceAccountSource {
    /// Reads `SERVICE_ACCOUNT_ID` with `SERVICE_ACCOUNT_KEY_FILE` or
    /// `SERVICE_ACCOUNT_KEY`. `Ok(None)` when none is set; an error when only
    /// half of it is.
    pub fn from_env(env: &dyn EnvSource) -> Result<Option<Self>, ConfigError> {
        let id = env.var(env::SERVICE_ACCOUNT_ID);
        let key = match (
            env.var(env::SERVICE_ACCOUNT_KEY_FILE),
            env.var(env::SERVICE_ACCOUNT_KEY),
        ) {
            (Some(path), _) => Some(KeySource::File(PathBuf::from(path))),
            (None, Some(pem)) => Some(KeySource::Pem(SecretString::from(pem))),
            (None, None) => None,
        };
        match (id, key) {
            (None, None) => Ok(None),
            (Some(id), Some(key)) => Ok(Some(Self { id, key })),
            (Some(_), None) => Err(ConfigError::new(
                env::SERVICE_ACCOUNT_KEY_FILE,
                "SERVICE_ACCOUNT_ID is set but no key: set SERVICE_ACCOUNT_KEY_FILE or SERVICE_ACCOUNT_KEY",
            )),
            (None, Some(_)) => Err(ConfigError::new(
                env::SERVICE_ACCOUNT_ID,
                "a service-account key is set but SERVICE_ACCOUNT_ID is not",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn env_overrides_file() {
        let raw = RawMuseoConfig {
            url: Some("http://file.example".into()),
            ..Default::default()
        };
        let cfg = MuseoConfig::resolve(raw, &env(&[(env::MUSEO_API_URL, "https://env.example")]))
            .expect("valid")
            .expect("configured");
        assert_eq!(cfg.url.as_str(), "https://env.example/");
        assert_eq!(cfg.timeout, Duration::from_secs(10));
    }

    #[test]
    fn no_url_means_not_configured() {
        let cfg = MuseoConfig::resolve(RawMuseoConfig::default(), &env(&[])).expect("valid");
        assert!(cfg.is_none());
    }

    #[test]
    fn errors_name_the_key() {
        let err = MuseoConfig::resolve(
            RawMuseoConfig::default(),
            &env(&[(env::MUSEO_API_URL, "ftp://x")]),
        )
        .expect_err("ftp refused");
        assert_eq!(err.key, env::MUSEO_API_URL);
        let err = MuseoConfig::resolve(
            RawMuseoConfig::default(),
            &env(&[
                (env::MUSEO_API_URL, "http://x"),
                (env::MUSEO_API_TIMEOUT_MS, "soon"),
            ]),
        )
        .expect_err("not a number");
        assert_eq!(err.key, env::MUSEO_API_TIMEOUT_MS);
        let raw = RawMuseoConfig {
            url: Some("http://x".into()),
            timeout_ms: Some(0),
            ..Default::default()
        };
        assert_eq!(
            MuseoConfig::resolve(raw, &env(&[])).expect_err("zero").key,
            "museo.timeout_ms"
        );
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let err = parse_toml::<RawMuseoConfig>("url = \"http://x\"\ntimout_ms = 5\n")
            .expect_err("typo refused");
        assert!(err.message.contains("timout_ms"), "{err}");
        assert_eq!(err.key, "line 2");
    }

    #[test]
    fn half_a_service_account_is_an_error() {
        let err = ServiceAccountSource::from_env(&env(&[(env::SERVICE_ACCOUNT_ID, "svc")]))
            .expect_err("no key");
        assert_eq!(err.key, env::SERVICE_ACCOUNT_KEY_FILE);
        assert!(
            ServiceAccountSource::from_env(&env(&[]))
                .expect("ok")
                .is_none()
        );
        assert!(env_bool(&env(&[("B", "maybe")]), "B").is_err());
        assert_eq!(
            env_bool(&env(&[("B", "YES")]), "B").expect("ok"),
            Some(true)
        );
    }
}
