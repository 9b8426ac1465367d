//! Logging and correlation ids.
//!
//! Logs always go to **stderr**: stdout belongs to MCP's stdio transport, and
//! one stray line there corrupts the protocol. `LOG_FORMAT=json` switches to
//! JSON lines for log shippers; `RUST_LOG` filters.
//!
//! A request's correlation id is its W3C trace id. It is created where a
//! request enters the system (or read from an incoming `traceparent` /
//! `X-Request-Id`), carried as a span field, and propagated downstream as a
//! `traceparent` header (HTTP) or `_meta.traceparent` (MCP), plus
//! `X-Request-Id` for tools that only know that header.

use std::fmt;
use std::sync::OnceLock;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;

use crate::env;

/// The HTTP header carrying the W3C trace context.
pub const TRACEPARENT: &str = "traceparent";
/// The HTTP header carrying the correlation id on its own.
pub const X_REQUEST_ID: &str = "x-request-id";
/// The key of the trace context in an MCP request's `_meta`.
pub const META_TRACEPARENT: &str = "traceparent";

static INIT: OnceLock<()> = OnceLock::new();

/// Installs the global subscriber once; later calls do nothing. `default_filter`
/// applies when `RUST_LOG` is unset (e.g. `"info"`).
pub fn init(default_filter: &str) {
    INIT.get_or_init(|| {
        let filter = EnvFilter::try_from_default_env()
            .or_else(|_| EnvFilter::try_new(default_filter))
            .unwrap_or_else(|_| EnvFilter::new("info"));
        let json = std::env::var(env::LOG_FORMAT).is_ok_and(|v| v.eq_ignore_ascii_case("json"));
        let builder = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr.with_max_level(tracing::Level::TRACE));
        // A second global subscriber (another test in the same process) is not an error.
        let _ = if json {
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .try_init()
        } else {
            builder
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .try_init()
        };
    });
}

/// A W3C trace context: the trace id is the correlation id of a request.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceContext {
    trace_id: u128,
    span_id: u64,
    sampled: bool,
}

impl TraceContext {
    /// A new trace, for a request that arrived without one.
    pub fn new_root() -> Self {
        let trace_id = uuid::Uuid::new_v4().as_u128();
        Self {
            trace_id,
            span_id: new_span_id(),
            sampled: true,
        }
    }

    /// The same trace with a new span id, for a call made downstream.
    pub fn child(&self) -> Self {
        Self {
            span_id: new_span_id(),
            ..*self
        }
    }

    /// Parses a `traceparent` value (`00-<32 hex>-<16 hex>-<2 hex>`). Invalid
    /// values (all-zero ids, wrong lengths, version `ff`) give `None`.
    pub fn parse(header: &str) -> Option<Self> {
        let mut parts = header.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let hex = |s: &str, len: usize| {
            s.len() == len
                && s.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        };
        if !hex(version, 2)
            || version == "ff"
            || !hex(trace, 32)
            || !hex(span, 16)
            || !hex(flags, 2)
        {
            return None;
        }
        if version == "00" && parts.next().is_some() {
            return None;
        }
        let trace_id = u128::from_str_radix(trace, 16).ok().filter(|v| *v != 0)?;
        let span_id = u64::from_str_radix(span, 16).ok().filter(|v| *v != 0)?;
        let sampled = u8::from_str_radix(flags, 16).ok()? & 1 == 1;
        Some(Self {
            trace_id,
            span_id,
            sampled,
        })
    }

    /// Reads the context from request headers: `traceparent` first, then an
    /// `X-Request-Id` that is itself a 32-hex trace id; otherwise a new root.
    pub fn from_headers<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        if let Some(ctx) = get(TRACEPARENT).and_then(Self::parse) {
            return ctx;
        }
        if let Some(id) = get(X_REQUEST_ID).map(str::trim)
            && id.len() == 32
            && let Ok(trace_id) = u128::from_str_radix(id, 16)
            && trace_id != 0
        {
            return Self {
                trace_id,
                span_id: new_span_id(),
                sampled: true,
            };
        }
        Self::new_root()
    }

    /// Reads the context from an MCP request's `_meta`, or starts a new one.
    pub fn from_meta(meta: Option<&serde_json::Map<String, serde_json::Value>>) -> Self {
        meta.and_then(|m| m.get(META_TRACEPARENT))
            .and_then(|v| v.as_str())
            .and_then(Self::parse)
            .unwrap_or_else(Self::new_root)
    }

    /// Writes the context into an MCP `_meta` object.
    pub fn inject_meta(&self, meta: &mut serde_json::Map<String, serde_json::Value>) {
        meta.insert(META_TRACEPARENT.to_owned(), self.traceparent().into());
    }

    /// The correlation id: the trace id as 32 lowercase hex digits.
    pub fn correlation_id(&self) -> String {
        format!("{:032x}", self.trace_id)
    }

    /// The `traceparent` header value.
    pub fn traceparent(&self) -> String {
        format!(
            "00-{:032x}-{:016x}-{:02x}",
            self.trace_id,
            self.span_id,
            u8::from(self.sampled)
        )
    }
}

impl fmt::Debug for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.traceparent())
    }
}

impl fmt::Display for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.correlation_id())
    }
}

fn new_span_id() -> u64 {
    // The low half of a v4 UUID is random; zero is invalid in traceparent.
    let id = uuid::Uuid::new_v4().as_u64_pair().1;
    if id == 0 { 1 } else { id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_round_trips_and_children_keep_the_trace() {
        let root = TraceContext::new_root();
        let parsed = TraceContext::parse(&root.traceparent()).expect("own output parses");
        assert_eq!(parsed, root);
        let child = root.child();
        assert_eq!(child.correlation_id(), root.correlation_id());
        assert_ne!(child.traceparent(), root.traceparent());
    }

    #[test]
    fn rejects_invalid_traceparents() {
        let w3c = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let ctx = TraceContext::parse(w3c).expect("the W3C example parses");
        assert_eq!(ctx.correlation_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        for bad in [
            "",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "garbage",
        ] {
            assert!(
                TraceContext::parse(bad).is_none(),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn request_id_header_is_reused_when_it_is_a_trace_id() {
        let id = "4bf92f3577b34da6a3ce929d0e0e4736";
        let ctx = TraceContext::from_headers(|h| (h == X_REQUEST_ID).then_some(id));
        assert_eq!(ctx.correlation_id(), id);
        let fresh = TraceContext::from_headers(|h| (h == X_REQUEST_ID).then_some("not-hex"));
        assert_ne!(fresh.correlation_id(), id);
    }

    #[test]
    fn meta_round_trip() {
        let ctx = TraceContext::new_root();
        let mut meta = serde_json::Map::new();
        ctx.inject_meta(&mut meta);
        assert_eq!(TraceContext::from_meta(Some(&meta)), ctx);
    }
}
