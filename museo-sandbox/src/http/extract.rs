//! Extractors whose rejections are the API's JSON errors, and the request
//! middleware that gives every request a correlation id.

use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use museo_sdk::telemetry::{TRACEPARENT, TraceContext, X_REQUEST_ID};
use tracing::Instrument;

use crate::error::ApiError;

/// `axum::Json` with the API's error body on rejection.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Query` with the API's error body on rejection.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path` with the API's error body on rejection.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            _ => ApiError::Invalid {
                code: "invalid_json",
                field: json_error_field(&rejection),
                message: rejection.body_text(),
            },
        }
    }
}

/// The field a JSON body error is about: the path where deserialisation
/// failed (`stock`, `variants[0].sku`, an unknown key) or the missing field.
fn json_error_field(rejection: &JsonRejection) -> Option<String> {
    let mut source = std::error::Error::source(rejection);
    while let Some(error) = source {
        if let Some(inner) = error.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            let path = inner.path().to_string();
            let message = inner.inner().to_string();
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .map(str::to_owned);
            return match (path.as_str(), missing) {
                (".", missing) => missing,
                (_, Some(missing)) => Some(format!("{path}.{missing}")),
                (_, None) => Some(path),
            };
        }
        source = error.source();
    }
    None
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::bad_request("invalid_query", rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::bad_request("invalid_path", rejection.body_text())
    }
}

/// Makes every request's trace context: read from `traceparent` /
/// `X-Request-Id` or new, stored in the request's extensions, recorded on a
/// span, echoed in the response headers and in every JSON error body.
pub async fn correlate(mut request: Request, next: Next) -> Response {
    let ctx = TraceContext::from_headers(|name| {
        request.headers().get(name).and_then(|v| v.to_str().ok())
    });
    request.extensions_mut().insert(ctx);
    let span = tracing::info_span!(
        "request",
        correlation_id = %ctx.correlation_id(),
        method = %request.method(),
        path = %loggable_path(request.uri().path()),
    );
    let mut response = next.run(request).instrument(span).await;
    if let Ok(id) = HeaderValue::from_str(&ctx.correlation_id()) {
        response.headers_mut().insert(X_REQUEST_ID, id);
    }
    if let Ok(tp) = HeaderValue::from_str(&ctx.traceparent()) {
        response.headers_mut().insert(TRACEPARENT, tp);
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(response.status().is_client_error() || response.status().is_server_error()) || !is_json {
        return response;
    }
    // Error bodies are small: add the correlation id so a person can quote it.
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.insert("correlation_id".into(), ctx.correlation_id().into());
            Body::from(serde_json::Value::Object(map).to_string())
        }
        _ => Body::from(bytes),
    };
    let mut response = Response::from_parts(parts, body);
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// The path as logs may show it: a payment-link token is a bearer credential,
/// so checkout paths are logged without it.
fn loggable_path(path: &str) -> &str {
    if path.starts_with("/checkout/") {
        "/checkout/<token>"
    } else {
        path
    }
}

/// The trace context the middleware stored.
#[derive(Debug, Clone, Copy)]
pub struct Ctx(pub TraceContext);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Ctx(parts
            .extensions
            .get::<TraceContext>()
            .copied()
            .unwrap_or_else(TraceContext::new_root)))
    }
}
