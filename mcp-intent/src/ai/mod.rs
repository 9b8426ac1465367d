//! The AI tier: asked only when the pattern tier is unsure, never trusted
//! blindly.
//!
//! An [`AiProvider`] turns an [`AiRequest`] (the message, its locale hint, the
//! trimmed history and the pattern tier's best guesses) into an [`AiAnswer`].
//! Whatever a provider returns goes through [`validate`] first: the intent must
//! be one of the fixed ids, the confidence in [0, 1], the language en/es/fr,
//! and only the documented entity keys with the right JSON types survive. Any
//! failure is an [`AiError`], and the caller keeps the pattern answer — so
//! there are no retries here, and every request is bounded by a strict timeout
//! (both `tokio::time::timeout` and the HTTP client's own).
//!
//! Providers:
//! - [`OpenAiCompatible`]: any `/chat/completions` server (OpenAI, Ollama,
//!   vLLM, llama.cpp) with a strict `json_schema` response format.
//! - [`Anthropic`]: the Messages API with one forced tool, `record_intent`.
//! - [`Mock`], **the default**: deterministic and offline. It answers only the
//!   messages scripted for it (in code or in the JSON file named by
//!   `INTENT_AI_MOCK_FILE`) and declines everything else. With no
//!   configuration the pattern tier's answer therefore always stands, and
//!   nothing reports `source: "ai"` unless a real provider, or a script a
//!   person wrote, produced it. A mock that guessed would make tests and demos
//!   look smarter than the deployed system is.
//!
//! The same providers also answer `resolve_turn` ([`AiProvider::resolve`]):
//! what a message the gateway's rules could not read does to the
//! conversation's state, checked by [`crate::resolution::check`].
//!
//! [`from_env`] picks the provider from `INTENT_AI_*` variables (see
//! `museo_sdk::env`). API keys are [`secrecy::SecretString`]s: Debug output
//! redacts them and no error message contains one.

mod anthropic;
mod config;
mod http;
mod mock;
mod openai;
mod prompt;
pub(crate) mod validation;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::resolution::{Resolution, ResolveRequest};

pub use anthropic::Anthropic;
pub use config::{DEFAULT_TIMEOUT, from_env};
pub use mock::Mock;
pub use openai::OpenAiCompatible;
pub use prompt::{
    answer_schema, resolution_schema, resolve_system_prompt, resolve_user_content, system_prompt,
    user_content,
};
pub use validation::{ENTITY_KEYS, LANGUAGES, validate};

/// What [`AiProvider::classify`] returns: a boxed future, so the trait stays
/// object-safe without the `async-trait` crate.
pub type AiFuture<'a> = Pin<Box<dyn Future<Output = Result<AiAnswer, AiError>> + Send + 'a>>;

/// A model that classifies one message.
pub trait AiProvider: Send + Sync + std::fmt::Debug {
    /// Short name for logs and metrics (`openai`, `anthropic`, `mock`).
    fn name(&self) -> &'static str;

    /// Classifies `request`. Answers are already validated; every failure,
    /// including a timeout, is an error and the caller keeps its own answer.
    fn classify<'a>(&'a self, request: &'a AiRequest) -> AiFuture<'a>;

    /// Resolves a turn the caller's rules could not read (see
    /// [`crate::resolution`]). Answers are already checked against the
    /// request's state. Providers that cannot resolve decline.
    fn resolve<'a>(&'a self, request: &'a ResolveRequest) -> ResolveFuture<'a> {
        let _ = request;
        Box::pin(std::future::ready(Err(AiError::Declined)))
    }
}

/// What [`AiProvider::resolve`] returns.
pub type ResolveFuture<'a> = Pin<Box<dyn Future<Output = Result<Resolution, AiError>> + Send + 'a>>;

/// What the AI tier is asked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AiRequest {
    /// The message as the person wrote it.
    pub message: String,
    /// The BCP-47 locale hint, if any.
    pub locale: Option<String>,
    /// Recent turns, oldest first, already trimmed by the caller.
    pub history: Vec<crate::Turn>,
    /// The pattern tier's best intents with their scores, best first: a hint
    /// the model may overrule.
    pub candidates: Vec<(String, f64)>,
}

impl AiRequest {
    /// A request for `message` with no locale, history or candidates.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Self::default()
        }
    }
}

/// A validated answer from the AI tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiAnswer {
    /// One of [`crate::INTENTS`].
    pub intent: String,
    /// In [0, 1].
    pub confidence: f64,
    /// `en`, `es` or `fr`.
    pub language: String,
    /// Only the contract's entity keys, with their documented JSON types.
    pub entities: Map<String, Value>,
}

/// Why the AI tier gave no answer. No variant ever contains an API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AiError {
    /// No answer within the configured timeout.
    #[error("the AI provider did not answer in time")]
    Timeout,
    /// The provider answered with an HTTP error status. `detail` is at most
    /// 200 characters of the body with the API key scrubbed, and empty for
    /// 401/403, whose bodies tend to echo the key.
    #[error("the AI provider answered HTTP {status}{}", if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    Http {
        /// The HTTP status code.
        status: u16,
        /// A short, scrubbed excerpt of the body.
        detail: String,
    },
    /// The request could not be sent or the answer not read.
    #[error("the AI provider could not be reached: {0}")]
    Transport(String),
    /// The provider answered, but not with a valid classification.
    #[error("the AI provider's answer is invalid: {0}")]
    Invalid(String),
    /// The provider chose not to answer (a refusal, or the mock's unscripted
    /// messages).
    #[error("the AI provider declined to answer")]
    Declined,
}
