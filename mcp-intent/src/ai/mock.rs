//! The default provider: scripted answers only, no network, no guessing.
//!
//! It answers a message only when a person scripted that exact message (case
//! and surrounding or repeated whitespace aside) and declines everything else,
//! so an unconfigured server never dresses up a guess as an AI answer. Tests
//! and demos script it in code ([`Mock::with_script`]) or with a JSON file
//! named by `INTENT_AI_MOCK_FILE`:
//!
//! ```json
//! { "add two of those": { "intent": "basket.add", "confidence": 0.9,
//!                         "language": "en", "entities": { "quantity": 2 } },
//!   "the one my aunt would like": { "action": "add", "product": "p2",
//!                                   "quantity": 1, "confidence": 0.9 } }
//! ```
//!
//! An answer with an `action` key is a `resolve_turn` resolution; it is
//! checked against each request's state when asked, like a model's.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use museo_sdk::config::ConfigError;
use museo_sdk::env;
use serde_json::{Map, Value};

use super::{AiAnswer, AiError, AiFuture, AiProvider, AiRequest, ResolveFuture, validate};
use crate::resolution::{self, ResolveRequest};

/// Scripted answers keyed by normalised message.
#[derive(Clone, Default)]
pub struct Mock {
    script: HashMap<String, AiAnswer>,
    resolutions: HashMap<String, Value>,
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mock")
            .field("scripted", &self.script.len())
            .field("resolutions", &self.resolutions.len())
            .finish()
    }
}

impl Mock {
    /// A mock that declines everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// A mock answering the scripted messages (keys are matched ignoring case
    /// and extra whitespace). Answers are returned as given.
    pub fn with_script(script: HashMap<String, AiAnswer>) -> Self {
        Self {
            script: script
                .into_iter()
                .map(|(message, answer)| (normalise(&message), answer))
                .collect(),
            resolutions: HashMap::new(),
        }
    }

    /// Adds scripted `resolve_turn` answers (raw, as a model would write
    /// them; each is checked against the request it answers).
    pub fn with_resolutions(mut self, resolutions: HashMap<String, Value>) -> Self {
        self.resolutions.extend(
            resolutions
                .into_iter()
                .map(|(message, raw)| (normalise(&message), raw)),
        );
        self
    }

    /// Loads a script from a JSON file: an object from message to answer.
    /// Every answer must pass [`validate`]; errors name
    /// `INTENT_AI_MOCK_FILE` and the message at fault.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let fail = |message: String| {
            ConfigError::new(
                env::INTENT_AI_MOCK_FILE,
                format!("{}: {message}", path.display()),
            )
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail(format!("cannot read the file: {e}")))?;
        let raw: Map<String, Value> = serde_json::from_str(&text)
            .map_err(|e| fail(format!("expected a JSON object of message → answer ({e})")))?;
        let mut script = HashMap::with_capacity(raw.len());
        let mut resolutions = HashMap::new();
        for (message, answer) in raw {
            if answer.get("action").is_some() {
                resolutions.insert(message, answer);
                continue;
            }
            let answer = validate(answer).map_err(|e| fail(format!("`{message}`: {e}")))?;
            script.insert(message, answer);
        }
        Ok(Self::with_script(script).with_resolutions(resolutions))
    }

    /// How many messages are scripted (answers and resolutions).
    pub fn len(&self) -> usize {
        self.script.len() + self.resolutions.len()
    }

    /// Whether nothing is scripted (every message is declined).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The scripted answer for `message`, if any.
    pub fn answer(&self, message: &str) -> Option<&AiAnswer> {
        self.script.get(&normalise(message))
    }
}

/// Lowercase, trimmed, inner whitespace collapsed to one space.
fn normalise(message: &str) -> String {
    message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl AiProvider for Mock {
    fn name(&self) -> &'static str {
        "mock"
    }

    fn classify<'a>(&'a self, request: &'a AiRequest) -> AiFuture<'a> {
        let result = self
            .answer(&request.message)
            .cloned()
            .ok_or(AiError::Declined);
        Box::pin(std::future::ready(result))
    }

    fn resolve<'a>(&'a self, request: &'a ResolveRequest) -> ResolveFuture<'a> {
        let result = match self.resolutions.get(&normalise(&request.message)) {
            Some(raw) => resolution::check(raw.clone(), request),
            None => Err(AiError::Declined),
        };
        Box::pin(std::future::ready(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_ignores_case_and_spacing() {
        let answer = AiAnswer {
            intent: "greeting".into(),
            confidence: 0.9,
            language: "es".into(),
            entities: Map::new(),
        };
        let mock = Mock::with_script(HashMap::from([("  Hola   Amigos ".into(), answer.clone())]));
        assert_eq!(mock.answer("hola amigos"), Some(&answer));
        assert_eq!(mock.answer("HOLA\tAMIGOS\n"), Some(&answer));
        assert_eq!(mock.answer("hola"), None);
        assert_eq!(format!("{mock:?}"), "Mock { scripted: 1, resolutions: 0 }");
    }
}
