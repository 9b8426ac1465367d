//! What can go wrong talking to the Museo API.

use crate::auth::AuthError;
use crate::types::ApiErrorBody;

/// A failed Museo API call. API errors keep the HTTP status and the API's own
/// error body, so callers can tell "no such product" from "try again later".
#[derive(Debug, thiserror::Error)]
pub enum MuseoError {
    /// The API answered with an error status.
    #[error("Museo API {status}: {} ({})", body.message, body.code)]
    Api {
        /// HTTP status.
        status: u16,
        /// The API's error body (synthesised when the body was not JSON).
        body: ApiErrorBody,
    },
    /// No answer: connection refused, reset, or timed out.
    #[error("Museo API unreachable: {0}")]
    Transport(String),
    /// The answer did not have the documented shape.
    #[error("Museo API answered with an unexpected body: {0}")]
    Decode(String),
    /// A token for the admin API could not be made.
    #[error("cannot authenticate to the Museo admin API: {0}")]
    Auth(#[from] AuthError),
    /// An admin call was attempted without a service account.
    #[error(
        "admin calls need a service account (set SERVICE_ACCOUNT_ID and SERVICE_ACCOUNT_KEY_FILE)"
    )]
    NoServiceAccount,
    /// A request was refused before it was sent (a bad id, say).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl MuseoError {
    /// The HTTP status when the API answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's error code (`not_found`, `out_of_stock`…) or a local one.
    pub fn code(&self) -> &str {
        match self {
            Self::Api { body, .. } => &body.code,
            Self::Transport(_) => "unavailable",
            Self::Decode(_) => "bad_response",
            Self::Auth(e) => e.code(),
            Self::NoServiceAccount => "no_service_account",
            Self::InvalidRequest(_) => "invalid_request",
        }
    }

    /// True when repeating the same call later may succeed (overload, outage).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { status, .. } => matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
            Self::Transport(_) => true,
            _ => false,
        }
    }

    /// True for "that thing does not exist".
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}
