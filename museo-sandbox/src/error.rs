//! The sandbox's one error type and its mapping to HTTP.
//!
//! Client mistakes are 4xx with a JSON body `{code, message, field?}` that
//! says what to change. Internal faults are a 500 whose body carries only the
//! correlation id; the cause is logged inside the request's span.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use museo_sdk::auth::AuthError;
use museo_sdk::types::ApiErrorBody;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed or a field is invalid.
    #[error("{message}")]
    Invalid {
        /// Stable code (`invalid_field`, `invalid_json`…).
        code: &'static str,
        /// What to fix.
        message: String,
        /// The field at fault.
        field: Option<String>,
    },
    /// No such resource.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state (stock, uniqueness…).
    #[error("{message}")]
    Conflict {
        /// Stable code (`insufficient_stock`, `sku_taken`…).
        code: &'static str,
        /// What happened and what to do.
        message: String,
    },
    /// A payment link that has expired.
    #[error("{0}")]
    Gone(String),
    /// Authentication or authorisation failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A replayed token.
    #[error("this token was already used; mint a new one for each request")]
    Replayed,
    /// The body is larger than this endpoint accepts.
    #[error("the request body is too large: 64 KiB at most (8 MiB for bulk requests)")]
    TooLarge,
    /// The body is not JSON.
    #[error("send the body as JSON with `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// The path exists but not with this method.
    #[error("this endpoint does not accept that method; see /openapi.json")]
    MethodNotAllowed,
    /// Anything else: a bug or a broken database.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// An invalid field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code: "invalid_field",
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// A malformed request as a whole.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// A state conflict.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// HTTP status and wire body (without correlation id).
    pub fn parts(&self) -> (StatusCode, ApiErrorBody) {
        let (status, code, field) = match self {
            Self::Invalid { code, field, .. } => (StatusCode::BAD_REQUEST, *code, field.clone()),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", None),
            Self::Conflict { code, .. } => (StatusCode::CONFLICT, *code, None),
            Self::Gone(_) => (StatusCode::GONE, "expired", None),
            Self::Auth(e) => (
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNAUTHORIZED),
                e.code(),
                None,
            ),
            Self::Replayed => (StatusCode::UNAUTHORIZED, "token_replayed", None),
            Self::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", None),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                None,
            ),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", None),
        };
        let message = match self {
            Self::Internal(_) => {
                "something went wrong on our side; quote the correlation id if you report it"
                    .to_owned()
            }
            other => other.to_string(),
        };
        (
            status,
            ApiErrorBody {
                code: code.to_owned(),
                message,
                field,
                correlation_id: None,
            },
        )
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Internal(format!("database: {e}"))
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(format!("worker: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), code = %body.code, "request refused");
        }
        let mut response = (status, axum::Json(body)).into_response();
        if matches!(self, Self::Auth(AuthError::MissingToken)) {
            // RFC 6750 §3.1: no error code when the request had no credentials.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"museo-admin\""),
            );
        } else if status == StatusCode::UNAUTHORIZED {
            let challenge = format!(
                "Bearer realm=\"museo-admin\", error=\"invalid_token\", error_description=\"{}\"",
                self.parts().1.code
            );
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        } else if status == StatusCode::FORBIDDEN {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"museo-admin\", error=\"insufficient_scope\", scope=\"products:write\""),
            );
        }
        response
    }
}

/// Result alias for handlers and stores.
pub type ApiResult<T> = Result<T, ApiError>;
