//! `/metrics`: the gateway's Prometheus metrics, kept in a per-gateway
//! registry (prometheus-client) rather than a process-global one, so several
//! gateways in one process — the tests — never mix their figures.
//!
//! - `gateway_frames_total{type}`: frames received (`hello`, `message`,
//!   `call`, `binary`, `invalid`);
//! - `gateway_intents_total{intent}`: chat messages by the intent understood;
//! - `gateway_outcomes_total{kind,outcome}`: how requests ended (`ok`,
//!   `tool_error`, `clarify`, `refused`, `error`);
//! - `gateway_errors_total{code}`: `error` frames by code;
//! - `gateway_request_duration_seconds{kind}`: message and call latency;
//! - `gateway_tool_call_duration_seconds{server}`: time spent in each child;
//! - `gateway_child_restarts_total{server}`, `gateway_child_up{server}`;
//! - `gateway_open_sessions`, `gateway_store_up`.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TypeLabel {
    r#type: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct IntentLabel {
    intent: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    kind: String,
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ServerLabel {
    server: String,
}

/// From 0.5 ms to about 33 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 17))
}

/// The gateway's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    frames: Family<TypeLabel, Counter>,
    intents: Family<IntentLabel, Counter>,
    outcomes: Family<OutcomeLabels, Counter>,
    errors: Family<CodeLabel, Counter>,
    requests: Family<KindLabel, Histogram, fn() -> Histogram>,
    tool_calls: Family<ServerLabel, Histogram, fn() -> Histogram>,
    restarts: Family<ServerLabel, Counter>,
    child_up: Family<ServerLabel, Gauge>,
    /// Open WebSocket sessions.
    pub sessions: Gauge,
    store_up: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with every metric registered.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let frames = Family::<TypeLabel, Counter>::default();
        let intents = Family::<IntentLabel, Counter>::default();
        let outcomes = Family::<OutcomeLabels, Counter>::default();
        let errors = Family::<CodeLabel, Counter>::default();
        let requests: Family<KindLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        let tool_calls: Family<ServerLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        let restarts = Family::<ServerLabel, Counter>::default();
        let child_up = Family::<ServerLabel, Gauge>::default();
        let sessions = Gauge::default();
        let store_up = Gauge::default();
        registry.register("gateway_frames", "Frames received, by type", frames.clone());
        registry.register(
            "gateway_intents",
            "Chat messages by the intent understood",
            intents.clone(),
        );
        registry.register(
            "gateway_outcomes",
            "How requests ended, by kind (message, call) and outcome",
            outcomes.clone(),
        );
        registry.register(
            "gateway_errors",
            "Error frames sent, by code",
            errors.clone(),
        );
        registry.register(
            "gateway_request_duration_seconds",
            "Time from a message or call frame to its answer",
            requests.clone(),
        );
        registry.register(
            "gateway_tool_call_duration_seconds",
            "Time spent in one child's tool call",
            tool_calls.clone(),
        );
        registry.register(
            "gateway_child_restarts",
            "Restarts of each MCP server",
            restarts.clone(),
        );
        registry.register(
            "gateway_child_up",
            "1 when the MCP server is running",
            child_up.clone(),
        );
        registry.register(
            "gateway_open_sessions",
            "Open WebSocket sessions",
            sessions.clone(),
        );
        registry.register(
            "gateway_store_up",
            "1 when the conversation store answers",
            store_up.clone(),
        );
        Self {
            registry,
            frames,
            intents,
            outcomes,
            errors,
            requests,
            tool_calls,
            restarts,
            child_up,
            sessions,
            store_up,
        }
    }

    /// Counts a frame of `kind`.
    pub fn frame(&self, kind: &str) {
        self.frames
            .get_or_create(&TypeLabel {
                r#type: kind.to_owned(),
            })
            .inc();
    }

    /// Counts a chat message understood as `intent`.
    pub fn intent(&self, intent: &str) {
        self.intents
            .get_or_create(&IntentLabel {
                intent: intent.to_owned(),
            })
            .inc();
    }

    /// Records how a request of `kind` ended and how long it took.
    pub fn outcome(&self, kind: &str, outcome: &str, took: Duration) {
        self.outcomes
            .get_or_create(&OutcomeLabels {
                kind: kind.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
        self.requests
            .get_or_create(&KindLabel {
                kind: kind.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// Counts an error frame.
    pub fn error(&self, code: &str) {
        self.errors
            .get_or_create(&CodeLabel {
                code: code.to_owned(),
            })
            .inc();
    }

    /// Records one tool call to `server`.
    pub fn tool_call(&self, server: &str, took: Duration) {
        self.tool_calls
            .get_or_create(&ServerLabel {
                server: server.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// Sets a child's restart count and whether it is up (at scrape time).
    pub fn child(&self, server: &str, restarts: u64, up: bool) {
        let label = ServerLabel {
            server: server.to_owned(),
        };
        let counter = self.restarts.get_or_create(&label);
        let seen = counter.get();
        if restarts > seen {
            counter.inc_by(restarts - seen);
        }
        self.child_up.get_or_create(&label).set(i64::from(up));
    }

    /// Sets whether the store answers (at scrape time).
    pub fn store(&self, up: bool) {
        self.store_up.set(i64::from(up));
    }

    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_every_family() {
        let m = Metrics::new();
        m.frame("message");
        m.frame("message");
        m.intent("product.search");
        m.outcome("message", "ok", Duration::from_millis(12));
        m.error("bad_frame");
        m.tool_call("mcp-storefront", Duration::from_millis(3));
        m.child("mcp-storefront", 2, true);
        m.child("mcp-storefront", 2, true);
        m.sessions.set(3);
        let text = m.encode();
        for line in [
            "gateway_frames_total{type=\"message\"} 2",
            "gateway_intents_total{intent=\"product.search\"} 1",
            "gateway_outcomes_total{kind=\"message\",outcome=\"ok\"} 1",
            "gateway_errors_total{code=\"bad_frame\"} 1",
            "gateway_request_duration_seconds_count{kind=\"message\"} 1",
            "gateway_tool_call_duration_seconds_bucket{le=\"0.004\",server=\"mcp-storefront\"} 1",
            "gateway_child_restarts_total{server=\"mcp-storefront\"} 2",
            "gateway_child_up{server=\"mcp-storefront\"} 1",
            "gateway_open_sessions 3",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
    }
}
