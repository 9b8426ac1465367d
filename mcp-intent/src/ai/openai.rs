//! Any OpenAI-compatible `/chat/completions` server: OpenAI itself, Ollama,
//! vLLM, llama.cpp, LM Studio.
//!
//! The answer is constrained with `response_format: json_schema` (strict), so
//! servers that honour it can only produce a schema-shaped object; servers
//! that ignore it still go through [`validate`].

use std::time::Duration;

use reqwest::header::AUTHORIZATION;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::config::DEFAULT_TIMEOUT;
use super::http::{post_json, secret_header};
use super::prompt::{
    answer_schema, resolution_schema, resolve_system_prompt, resolve_user_content, system_prompt,
    user_content,
};
use super::validation::clip;
use super::{AiAnswer, AiError, AiFuture, AiProvider, AiRequest, ResolveFuture, validate};
use crate::resolution::{self, Resolution, ResolveRequest};

/// Default base URL: OpenAI's API.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

/// A provider speaking the OpenAI chat-completions protocol.
#[derive(Debug, Clone)]
pub struct OpenAiCompatible {
    /// Base URL up to the version segment, e.g. `https://api.openai.com/v1`
    /// or `http://127.0.0.1:11434/v1`; `/chat/completions` is appended.
    pub base_url: String,
    /// The model name.
    pub model: String,
    /// Sent as `Authorization: Bearer` when set (local servers need none).
    pub api_key: Option<SecretString>,
    /// The HTTP client (share one per process).
    pub http: reqwest::Client,
    /// Bound on each request, end to end.
    pub timeout: Duration,
}

impl OpenAiCompatible {
    /// A provider for `model` at `base_url`, without a key, with the default
    /// timeout.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            http: reqwest::Client::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Sets the API key.
    pub fn with_api_key(mut self, key: SecretString) -> Self {
        self.api_key = Some(key);
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
            "intent",
            answer_schema(true),
        )
    }

    /// The JSON body sent for a `resolve_turn` request.
    pub fn resolve_body(&self, request: &ResolveRequest) -> Value {
        self.body(
            resolve_system_prompt(),
            resolve_user_content(request),
            "resolution",
            resolution_schema(true),
        )
    }

    fn body(&self, system: String, user: String, name: &str, schema: Value) -> Value {
        json!({
            "model": self.model,
            "temperature": 0,
            "messages": [
                { "role": "system", "content": system },
                { "role": "user", "content": user },
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": { "name": name, "strict": true, "schema": schema },
            },
        })
    }

    /// POSTs `body` and returns the JSON object the model wrote.
    async fn complete(&self, body: Value) -> Result<Value, AiError> {
        let url = format!("{}/chat/completions", self.base_url.trim_end_matches('/'));
        let mut headers = Vec::new();
        if let Some(key) = &self.api_key {
            headers.push((AUTHORIZATION, secret_header("Bearer ", key)?));
        }
        let response = post_json(
            &self.http,
            &url,
            headers,
            &body,
            self.timeout,
            self.api_key.as_ref(),
        )
        .await?;
        answer_json(&response)
    }

    async fn call(&self, request: &AiRequest) -> Result<AiAnswer, AiError> {
        validate(self.complete(self.request_body(request)).await?)
    }

    async fn call_resolve(&self, request: &ResolveRequest) -> Result<Resolution, AiError> {
        resolution::check(self.complete(self.resolve_body(request)).await?, request)
    }
}

/// The JSON object inside `choices[0].message.content`.
fn answer_json(response: &Value) -> Result<Value, AiError> {
    let message = response
        .pointer("/choices/0/message")
        .ok_or_else(|| AiError::Invalid("no choices[0].message in the response".into()))?;
    if message
        .get("refusal")
        .and_then(Value::as_str)
        .is_some_and(|r| !r.trim().is_empty())
    {
        return Err(AiError::Declined);
    }
    let content = message
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| AiError::Invalid("choices[0].message.content is not text".into()))?;
    serde_json::from_str(strip_code_fence(content)).map_err(|e| {
        AiError::Invalid(format!(
            "the message content is not JSON ({e}): {}",
            clip(content, 80)
        ))
    })
}

/// Servers that ignore `response_format` often wrap JSON in a Markdown fence.
fn strip_code_fence(content: &str) -> &str {
    let trimmed = content.trim();
    trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .map_or(trimmed, str::trim)
}

impl AiProvider for OpenAiCompatible {
    fn name(&self) -> &'static str {
        "openai"
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
    fn fenced_json_is_unwrapped() {
        assert_eq!(strip_code_fence("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(strip_code_fence(" ```\n{}\n``` "), "{}");
        assert_eq!(strip_code_fence("{\"a\":1}"), "{\"a\":1}");
    }

    #[test]
    fn a_refusal_is_declined() {
        let response = json!({
            "choices": [{ "message": { "content": null, "refusal": "I can't help with that." } }]
        });
        assert_eq!(answer_json(&response), Err(AiError::Declined));
    }

    #[test]
    fn missing_choices_are_invalid() {
        assert!(matches!(
            answer_json(&json!({ "choices": [] })),
            Err(AiError::Invalid(_))
        ));
    }
}
