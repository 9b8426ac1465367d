//! The one HTTP exchange both real providers make: POST JSON, read JSON,
//! bounded by a strict timeout, with errors that never carry the API key.

use std::error::Error as _;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Value;

use super::AiError;
use super::validation::clip;

/// Most characters of an error body kept in [`AiError::Http`].
const MAX_DETAIL_CHARS: usize = 200;
/// Most bytes of an error body read at all.
const MAX_ERROR_BODY_BYTES: usize = 4096;

/// A sensitive header value built from the key (`prefix` + key), so that
/// reqwest and `http` keep it out of their Debug output.
pub(crate) fn secret_header(prefix: &str, key: &SecretString) -> Result<HeaderValue, AiError> {
    let mut value =
        HeaderValue::from_str(&format!("{prefix}{}", key.expose_secret())).map_err(|_| {
            AiError::Transport("the API key has characters an HTTP header cannot carry".into())
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// POSTs `body` to `url` and returns the JSON answer of a 2xx response.
///
/// The whole exchange (connect, send, read the body) is bounded by
/// `timeout` twice: by reqwest and by `tokio::time::timeout`, so a server
/// that trickles bytes cannot hold the caller. No retries.
pub(crate) async fn post_json(
    http: &reqwest::Client,
    url: &str,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: &Value,
    timeout: Duration,
    key: Option<&SecretString>,
) -> Result<Value, AiError> {
    let exchange = async {
        let mut request = http.post(url).timeout(timeout).json(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| transport(&e, key))?;
        let status = response.status();
        if !status.is_success() {
            return Err(AiError::Http {
                status: status.as_u16(),
                detail: error_detail(status, response, key).await,
            });
        }
        let bytes = response.bytes().await.map_err(|e| transport(&e, key))?;
        serde_json::from_slice::<Value>(&bytes)
            .map_err(|e| AiError::Invalid(format!("the response body is not JSON ({e})")))
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result,
        Err(_elapsed) => Err(AiError::Timeout),
    }
}

/// A short excerpt of an error body. Empty for 401/403: authentication
/// errors are where providers echo the key back (sometimes partly masked,
/// which a plain search for the key would miss).
async fn error_detail(
    status: StatusCode,
    mut response: reqwest::Response,
    key: Option<&SecretString>,
) -> String {
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
        return String::new();
    }
    let mut bytes = Vec::new();
    while bytes.len() < MAX_ERROR_BODY_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(MAX_ERROR_BODY_BYTES);
    let text = String::from_utf8_lossy(&bytes);
    let oneline = text.split_whitespace().collect::<Vec<_>>().join(" ");
    clip(&scrub(&oneline, key), MAX_DETAIL_CHARS)
}

/// Maps a reqwest error, keeping its causes (which say *why* a connection
/// failed) and scrubbing the key from all of it.
fn transport(error: &reqwest::Error, key: Option<&SecretString>) -> AiError {
    if error.is_timeout() {
        return AiError::Timeout;
    }
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    AiError::Transport(clip(&scrub(&message, key), 300))
}

/// `text` with every occurrence of the key replaced.
pub(crate) fn scrub(text: &str, key: Option<&SecretString>) -> String {
    match key.map(|k| k.expose_secret()) {
        Some(secret) if !secret.is_empty() => text.replace(secret, "[redacted]"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_every_copy_of_the_key() {
        let key = SecretString::from("sk-secret-123");
        assert_eq!(
            scrub("bad key sk-secret-123 (sk-secret-123)", Some(&key)),
            "bad key [redacted] ([redacted])"
        );
        assert_eq!(scrub("nothing here", None), "nothing here");
        assert_eq!(
            scrub("empty key", Some(&SecretString::from(""))),
            "empty key"
        );
    }

    #[test]
    fn secret_headers_are_sensitive() {
        let key = SecretString::from("k");
        let value = secret_header("Bearer ", &key).expect("ascii key");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains('k'));
        assert!(secret_header("", &SecretString::from("bad\nkey")).is_err());
    }
}
