//! Chooses and builds the AI provider from `INTENT_AI_*` variables.
//!
//! | variable | meaning |
//! |---|---|
//! | `INTENT_AI_PROVIDER` | `mock` (default), `openai`, `anthropic`, `none` |
//! | `INTENT_AI_BASE_URL` | default `https://api.openai.com/v1` / `https://api.anthropic.com` |
//! | `INTENT_AI_MODEL` | required for `openai` and `anthropic` |
//! | `INTENT_AI_API_KEY_FILE`, `INTENT_AI_API_KEY` | the file wins; trimmed; required for `anthropic` and for api.openai.com |
//! | `INTENT_AI_TIMEOUT_MS` | 100..=30000, default 2500 |
//! | `INTENT_AI_MOCK_FILE` | scripted answers for `mock` |

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use museo_sdk::config::{ConfigError, EnvSource, env_parse, parse_http_url};
use museo_sdk::env;
use secrecy::SecretString;

use super::anthropic::ANTHROPIC_BASE_URL;
use super::openai::OPENAI_BASE_URL;
use super::{AiProvider, Anthropic, Mock, OpenAiCompatible};

/// Default bound on one AI request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(2500);

/// Allowed `INTENT_AI_TIMEOUT_MS` values.
const TIMEOUT_RANGE_MS: std::ops::RangeInclusive<u64> = 100..=30_000;

/// The provider the environment asks for. With nothing set: [`Mock`] with the
/// script of `INTENT_AI_MOCK_FILE`, or an empty one.
pub fn from_env(source: &dyn EnvSource) -> Result<Arc<dyn AiProvider>, ConfigError> {
    let kind = source
        .var(env::INTENT_AI_PROVIDER)
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_else(|| "mock".to_owned());
    let timeout = timeout(source)?;
    let provider: Arc<dyn AiProvider> = match kind.as_str() {
        "mock" => Arc::new(match source.var(env::INTENT_AI_MOCK_FILE) {
            Some(path) => Mock::from_file(Path::new(path.trim()))?,
            None => Mock::new(),
        }),
        "none" => Arc::new(Mock::new()),
        "openai" => {
            let model = model(source, "openai", "gpt-4o-mini, or llama3.2 for Ollama")?;
            let base_url = base_url(source, OPENAI_BASE_URL)?;
            let api_key = api_key(source)?;
            if api_key.is_none() && base_url.starts_with(OPENAI_BASE_URL) {
                return Err(ConfigError::new(
                    env::INTENT_AI_API_KEY,
                    "api.openai.com needs a key: set INTENT_AI_API_KEY or INTENT_AI_API_KEY_FILE \
                     (or INTENT_AI_BASE_URL for a local server)",
                ));
            }
            let mut provider = OpenAiCompatible::new(base_url, model)
                .with_timeout(timeout)
                .with_http(http_client(timeout)?);
            provider.api_key = api_key;
            Arc::new(provider)
        }
        "anthropic" => {
            let model = model(source, "anthropic", "claude-haiku-4-5")?;
            let base_url = base_url(source, ANTHROPIC_BASE_URL)?;
            let api_key = api_key(source)?.ok_or_else(|| {
                ConfigError::new(
                    env::INTENT_AI_API_KEY,
                    "required when INTENT_AI_PROVIDER=anthropic: set INTENT_AI_API_KEY or INTENT_AI_API_KEY_FILE",
                )
            })?;
            Arc::new(
                Anthropic::new(model, api_key)
                    .with_base_url(base_url)
                    .with_timeout(timeout)
                    .with_http(http_client(timeout)?),
            )
        }
        other => {
            return Err(ConfigError::new(
                env::INTENT_AI_PROVIDER,
                format!("`{other}` is not a provider: use mock, openai, anthropic or none"),
            ));
        }
    };
    tracing::info!(
        provider = provider.name(),
        timeout_ms = timeout.as_millis() as u64,
        "AI tier configured"
    );
    Ok(provider)
}

fn timeout(source: &dyn EnvSource) -> Result<Duration, ConfigError> {
    let ms = env_parse::<u64>(source, env::INTENT_AI_TIMEOUT_MS)?
        .unwrap_or(DEFAULT_TIMEOUT.as_millis() as u64);
    if !TIMEOUT_RANGE_MS.contains(&ms) {
        return Err(ConfigError::new(
            env::INTENT_AI_TIMEOUT_MS,
            format!("must be between 100 and 30000 ms, got {ms}"),
        ));
    }
    Ok(Duration::from_millis(ms))
}

fn model(source: &dyn EnvSource, provider: &str, example: &str) -> Result<String, ConfigError> {
    source
        .var(env::INTENT_AI_MODEL)
        .map(|m| m.trim().to_owned())
        .ok_or_else(|| {
            ConfigError::new(
                env::INTENT_AI_MODEL,
                format!("required when INTENT_AI_PROVIDER={provider} (e.g. {example})"),
            )
        })
}

/// The configured base URL (or `default`), without a trailing slash.
fn base_url(source: &dyn EnvSource, default: &str) -> Result<String, ConfigError> {
    match source.var(env::INTENT_AI_BASE_URL) {
        Some(raw) => {
            let url = parse_http_url(env::INTENT_AI_BASE_URL, &raw)?;
            if url.query().is_some() || url.fragment().is_some() {
                return Err(ConfigError::new(
                    env::INTENT_AI_BASE_URL,
                    "must not have a query or fragment",
                ));
            }
            Ok(url.as_str().trim_end_matches('/').to_owned())
        }
        None => Ok(default.to_owned()),
    }
}

/// The key from `INTENT_AI_API_KEY_FILE` (wins) or `INTENT_AI_API_KEY`,
/// trimmed. Errors never quote the key.
fn api_key(source: &dyn EnvSource) -> Result<Option<SecretString>, ConfigError> {
    let (origin, key) = match source.var(env::INTENT_AI_API_KEY_FILE) {
        Some(path) => {
            let path = path.trim();
            let text = std::fs::read_to_string(path).map_err(|e| {
                ConfigError::new(
                    env::INTENT_AI_API_KEY_FILE,
                    format!("cannot read {path}: {e}"),
                )
            })?;
            let key = text.trim().to_owned();
            if key.is_empty() {
                return Err(ConfigError::new(
                    env::INTENT_AI_API_KEY_FILE,
                    format!("{path} is empty"),
                ));
            }
            (env::INTENT_AI_API_KEY_FILE, key)
        }
        None => match source.var(env::INTENT_AI_API_KEY) {
            Some(key) => (env::INTENT_AI_API_KEY, key.trim().to_owned()),
            None => return Ok(None),
        },
    };
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ConfigError::new(
            origin,
            "the key has spaces or characters an HTTP header cannot carry",
        ));
    }
    Ok(Some(SecretString::from(key)))
}

fn http_client(timeout: Duration) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("mcp-intent/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            ConfigError::new(
                env::INTENT_AI_PROVIDER,
                format!("cannot build the HTTP client: {e}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn timeouts_are_bounded() {
        for bad in ["99", "30001", "soon"] {
            let err = from_env(&env(&[(env::INTENT_AI_TIMEOUT_MS, bad)])).expect_err(bad);
            assert_eq!(err.key, env::INTENT_AI_TIMEOUT_MS);
        }
        assert_eq!(
            timeout(&env(&[(env::INTENT_AI_TIMEOUT_MS, "100")])).expect("ok"),
            Duration::from_millis(100)
        );
        assert_eq!(timeout(&env(&[])).expect("ok"), DEFAULT_TIMEOUT);
    }

    #[test]
    fn unknown_providers_and_bad_urls_name_their_key() {
        let err = from_env(&env(&[(env::INTENT_AI_PROVIDER, "gpt")])).expect_err("unknown");
        assert_eq!(err.key, env::INTENT_AI_PROVIDER);
        let err = from_env(&env(&[
            (env::INTENT_AI_PROVIDER, "openai"),
            (env::INTENT_AI_MODEL, "m"),
            (env::INTENT_AI_BASE_URL, "ftp://x"),
        ]))
        .expect_err("ftp");
        assert_eq!(err.key, env::INTENT_AI_BASE_URL);
    }

    #[test]
    fn openai_needs_a_key_only_for_openai_itself() {
        let err = from_env(&env(&[
            (env::INTENT_AI_PROVIDER, "openai"),
            (env::INTENT_AI_MODEL, "gpt-4o-mini"),
        ]))
        .expect_err("no key for api.openai.com");
        assert_eq!(err.key, env::INTENT_AI_API_KEY);
        let local = from_env(&env(&[
            (env::INTENT_AI_PROVIDER, "OpenAI"),
            (env::INTENT_AI_MODEL, "llama3.2"),
            (env::INTENT_AI_BASE_URL, "http://127.0.0.1:11434/v1/"),
        ]))
        .expect("a local server needs no key");
        assert_eq!(local.name(), "openai");
        assert!(format!("{local:?}").contains("http://127.0.0.1:11434/v1\""));
    }

    #[test]
    fn keys_with_spaces_are_refused_without_quoting_them() {
        let err = from_env(&env(&[
            (env::INTENT_AI_PROVIDER, "anthropic"),
            (env::INTENT_AI_MODEL, "m"),
            (env::INTENT_AI_API_KEY, "sk ant"),
        ]))
        .expect_err("space");
        assert_eq!(err.key, env::INTENT_AI_API_KEY);
        assert!(!err.to_string().contains("sk ant"));
    }
}
