//! Anthropic's Messages API, with the answer forced through one tool.
//!
//! `tool_choice` names the tool `record_intent`, so the model must answer by
//! calling it, and the tool's `input` is the answer object; its
//! `input_schema` is the (non-strict) answer schema.

use std::time::Duration;

use reqwest::header::HeaderName;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::config::DEFAULT_TIMEOUT;
use super::http::{post_json, secret_header};
use super::prompt::{
    answer_schema, resolution_schema, resolve_system_prompt, resolve_user_content, system_prompt,
    user_content,
};
use super::{AiAnswer, AiError, AiFuture, AiProvider, AiRequest, ResolveFuture, validate};
use crate::resolution::{self, Resolution, ResolveRequest};

/// Default base URL of the Anthropic API.
pub const ANTHROPIC_BASE_URL: &str = "https://api.anthropic.com";
/// The API version header sent with every request.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// The tool the model must call.
pub const TOOL_NAME: &str = "record_intent";
/// The tool the model must call to resolve a turn.
pub const RESOLVE_TOOL_NAME: &str = "record_resolution";

/// A provider speaking Anthropic's Messages API.
#[derive(Debug, Clone)]
pub struct Anthropic {
    /// Base URL without `/v1`, e.g. `https://api.anthropic.com`;
    /// `/v1/messages` is appended.
    pub base_url: String,
    /// The model name.
    pub model: String,
    /// Sent as `x-api-key`.
    pub api_key: SecretString,
    /// The HTTP client (share one per process).
    pub http: reqwest::Client,
    /// Bound on each request, end to end.
    pub timeout: Duration,
}

impl Anthropic {
    /// A provider for `model` at the default base URL with the default timeout.
    pub fn new(model: impl Into<String>, api_key: SecretString) -> Self {
        Self {
            base_url: ANTHROPIC_BASE_URL.to_owned(),
            model: model.into(),
            api_key,
            http: reqwest::Client::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Sets the base URL.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Uses `http` instead of a client of its own.
    pub fn with_http(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The JSON body sent for `request`.
    pub fn request_body(&self, request: &AiRequest) -> Value {
        self.body(
            system_prompt(),
            user_content(request),
            TOOL_NAME,
            "Record the intent, confidence, language and entities of the shopper's message.",
            answer_schema(false),
        )
    }

    /// The JSON body sent for a `resolve_turn` request.
    pub fn resolve_body(&self, request: &ResolveRequest) -> Value {
        self.body(
            resolve_system_prompt(),
            resolve_user_content(request),
            RESOLVE_TOOL_NAME,
            "Record what the shopper's message does to the conversation's products.",
            resolution_schema(false),
        )
    }

    fn body(&self, system: String, user: String, tool: &str, about: &str, schema: Value) -> Value {
        json!({
            "model": self.model,
            "max_tokens": 400,
            "temperature": 0,
            "system": system,
            "messages": [{ "role": "user", "content": user }],
            "tools": [{ "name": tool, "description": about, "input_schema": schema }],
            "tool_choice": { "type": "tool", "name": tool },
        })
    }

    /// POSTs `body` and returns the forced tool's input.
    async fn complete(&self, body: Value) -> Result<Value, AiError> {
        let url = format!("{}/v1/messages", self.base_url.trim_end_matches('/'));
        let headers = vec![
            (
                HeaderName::from_static("x-api-key"),
                secret_header("", &self.api_key)?,
            ),
            (
                HeaderName::from_static("anthropic-version"),
                reqwest::header::HeaderValue::from_static(ANTHROPIC_VERSION),
            ),
        ];
        let response = post_json(
            &self.http,
            &url,
            headers,
            &body,
            self.timeout,
            Some(&self.api_key),
        )
        .await?;
        tool_input(response)
    }

    async fn call(&self, request: &AiRequest) -> Result<AiAnswer, AiError> {
        validate(self.complete(self.request_body(request)).await?)
    }

    async fn call_resolve(&self, request: &ResolveRequest) -> Result<Resolution, AiError> {
        resolution::check(self.complete(self.resolve_body(request)).await?, request)
    }
}

/// The `input` of the first `tool_use` content block.
fn tool_input(mut response: Value) -> Result<Value, AiError> {
    if response.get("stop_reason").and_then(Value::as_str) == Some("refusal") {
        return Err(AiError::Declined);
    }
    let blocks = response
        .get_mut("content")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| AiError::Invalid("no content array in the response".into()))?;
    blocks
        .iter_mut()
        .find(|block| block.get("type").and_then(Value::as_str) == Some("tool_use"))
        .and_then(|block| block.get_mut("input"))
        .map(Value::take)
        .ok_or_else(|| AiError::Invalid("the response has no tool_use block with an input".into()))
}

impl AiProvider for Anthropic {
    fn name(&self) -> &'static str {
        "anthropic"
    }

    fn classify<'a>(&'a self, request: &'a AiRequest) -> AiFuture<'a> {
        Box::pin(self.call(request))
    }

    fn resolve<'a>(&'a self, request: &'a ResolveRequest) -> ResolveFuture<'a> {
        Box::pin(self.call_resolve(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_tool_use_input_is_taken() {
        let response = json!({
            "content": [
                { "type": "text", "text": "Let me record that." },
                { "type": "tool_use", "id": "t1", "name": TOOL_NAME, "input": { "a": 1 } },
                { "type": "tool_use", "id": "t2", "name": TOOL_NAME, "input": { "a": 2 } }
            ],
            "stop_reason": "tool_use"
        });
        assert_eq!(tool_input(response), Ok(json!({ "a": 1 })));
    }

    #[test]
    fn a_refusal_is_declined_and_text_only_is_invalid() {
        let refusal = json!({ "content": [], "stop_reason": "refusal" });
        assert_eq!(tool_input(refusal), Err(AiError::Declined));
        let text = json!({ "content": [{ "type": "text", "text": "{}" }] });
        assert!(matches!(tool_input(text), Err(AiError::Invalid(_))));
    }
}
