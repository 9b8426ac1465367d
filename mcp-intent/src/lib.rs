//! mcp-intent: what does a shop chat message want?
//!
//! A pattern tier (normalisation, lexicons, entity parsers, history) answers
//! most messages in microseconds with no network; when its confidence is low
//! or two intents are too close, an AI provider is asked, and its answer is
//! validated before it may replace the pattern result. The [`server`] module
//! exposes [`Analyzer`] as the MCP tool `analyze_intent`.

pub mod ai;
pub mod analyze;
pub mod patterns;
pub mod resolution;
pub mod server;

pub use analyze::{Analysis, AnalyzeRequest, INTENTS, Role, Source, Turn};

/// Longest message accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Most history turns read (older ones are ignored).
pub const MAX_HISTORY_TURNS: usize = 20;

/// Why a request could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalyzeError {
    /// The message is empty or only whitespace.
    #[error("`message` is empty; send the text the person wrote")]
    EmptyMessage,
    /// The message is too long.
    #[error("`message` has {0} characters; at most {MAX_MESSAGE_CHARS} are analysed")]
    TooLong(usize),
    /// The locale is not a BCP-47 tag.
    #[error("`locale` `{0}` is not a BCP-47 tag such as en-GB, es or fr-CA")]
    BadLocale(String),
    /// A `resolve_turn` state that cannot be read.
    #[error(transparent)]
    State(#[from] resolution::StateError),
}

/// The analyser: pattern tier first, AI fallback.
#[derive(Debug)]
pub struct Analyzer {
    patterns: patterns::PatternTier,
    ai: std::sync::Arc<dyn ai::AiProvider>,
}

impl Default for Analyzer {
    /// Patterns with the `mock` AI provider (no network).
    fn default() -> Self {
        Self::new(std::sync::Arc::new(ai::Mock::new()))
    }
}

impl Analyzer {
    /// An analyser asking `ai` when the patterns are not confident.
    pub fn new(ai: std::sync::Arc<dyn ai::AiProvider>) -> Self {
        Self {
            patterns: patterns::PatternTier::new(),
            ai,
        }
    }

    /// Checks a request's input before analysis.
    fn check(request: &AnalyzeRequest) -> Result<(), AnalyzeError> {
        Self::check_message(&request.message, request.locale.as_deref())
    }

    /// Checks a message and its locale hint.
    fn check_message(message: &str, locale: Option<&str>) -> Result<(), AnalyzeError> {
        let chars = message.chars().count();
        if message.trim().is_empty() {
            return Err(AnalyzeError::EmptyMessage);
        }
        if chars > MAX_MESSAGE_CHARS {
            return Err(AnalyzeError::TooLong(chars));
        }
        if let Some(locale) = locale {
            let valid = !locale.is_empty()
                && locale.len() <= 35
                && locale.split(['-', '_']).all(|p| {
                    !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric())
                });
            if !valid {
                return Err(AnalyzeError::BadLocale(locale.chars().take(40).collect()));
            }
        }
        Ok(())
    }

    /// What a message the caller's rules could not read does to its state
    /// (`resolve_turn`): the AI provider's checked answer when it is at least
    /// [`resolution::RESOLVE_CONFIDENT`], otherwise `none`. With the default
    /// mock, only scripted messages resolve; every provider failure is `none`.
    pub async fn resolve(
        &self,
        request: &resolution::ResolveRequest,
    ) -> Result<resolution::Resolution, AnalyzeError> {
        Self::check_message(&request.message, request.locale.as_deref())?;
        resolution::check_state(request)?;
        let mut request = request.clone();
        if let Some(history) = &mut request.history {
            let start = history.len().saturating_sub(MAX_HISTORY_TURNS);
            history.drain(..start);
        }
        match self.ai.resolve(&request).await {
            Ok(found) if found.confidence >= resolution::RESOLVE_CONFIDENT => Ok(found),
            Ok(_) | Err(ai::AiError::Declined) => Ok(resolution::Resolution::none()),
            Err(error) => {
                tracing::warn!(provider = self.ai.name(), error = %error, "AI resolution failed; none");
                Ok(resolution::Resolution::none())
            }
        }
    }

    /// The pattern tier itself (diagnostics and benchmarks).
    pub fn patterns(&self) -> &patterns::PatternTier {
        &self.patterns
    }

    /// The pattern tier's answer alone (no network), with its candidates.
    pub fn analyze_patterns(
        &self,
        request: &AnalyzeRequest,
    ) -> Result<patterns::PatternResult, AnalyzeError> {
        Self::check(request)?;
        Ok(self.patterns.analyze(request))
    }

    /// Analyses one message: the pattern tier, then the AI provider when the
    /// patterns are not confident. Any AI failure (timeout, error, invalid
    /// answer, refusal) leaves the pattern result standing.
    pub async fn analyze(&self, request: &AnalyzeRequest) -> Result<Analysis, AnalyzeError> {
        let found = self.analyze_patterns(request)?;
        if found.analysis.confidence >= patterns::CONFIDENT {
            return Ok(found.analysis);
        }
        let history = request.history.clone().unwrap_or_default();
        let start = history.len().saturating_sub(MAX_HISTORY_TURNS);
        let ask = ai::AiRequest {
            message: request.message.clone(),
            locale: request.locale.clone(),
            history: history[start..].to_vec(),
            candidates: found
                .candidates
                .iter()
                .map(|(i, s)| ((*i).to_owned(), *s))
                .collect(),
        };
        match self.ai.classify(&ask).await {
            Ok(answer) => {
                // Admin needs the patterns' explicit catalog cues: a model may
                // not turn a shopper's wording into an admin action.
                let admin_cued = found.candidates.iter().any(|(i, _)| *i == answer.intent);
                if answer.intent.starts_with("admin.") && !admin_cued {
                    tracing::info!(provider = self.ai.name(), intent = %answer.intent, "AI proposed an admin intent without admin cues; ignored");
                    return Ok(found.analysis);
                }
                if answer.confidence <= found.analysis.confidence {
                    return Ok(found.analysis);
                }
                let mut entities = found.analysis.entities;
                if answer.intent != found.analysis.intent {
                    entities.clear();
                }
                entities.extend(answer.entities);
                Ok(Analysis {
                    intent: answer.intent,
                    confidence: answer.confidence,
                    language: answer.language,
                    entities,
                    source: Source::Ai,
                })
            }
            Err(ai::AiError::Declined) => Ok(found.analysis),
            Err(error) => {
                tracing::warn!(provider = self.ai.name(), error = %error, "AI tier failed; the pattern result stands");
                Ok(found.analysis)
            }
        }
    }
}

/// Serves `analyze_intent` as the `mcp-intent` binary does (stdio, or HTTP
/// with `--http`), configured from the process environment.
pub async fn serve_from_env(serve: museo_sdk::serve::ServeArgs) -> anyhow::Result<()> {
    let ai = ai::from_env(&museo_sdk::config::ProcessEnv)?;
    let server = server::IntentServer::new(std::sync::Arc::new(Analyzer::new(ai)));
    museo_sdk::serve::run(serve, "mcp-intent", move || server.clone()).await
}
