//! The gateway's WebSocket wire protocol (docs/gateway.md and the README; "Gateway wire protocol",
//! fixed core): JSON text frames, `type` tagged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A frame from an app.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum ClientFrame {
    /// Opens (or resumes) a session.
    Hello {
        /// An API key or JWT (browsers cannot set headers on the upgrade).
        token: Option<String>,
        /// A session to resume.
        session: Option<String>,
        /// BCP-47 locale.
        locale: Option<String>,
        /// `web`, `whatsapp`, `mobile` or `cli`.
        channel: Option<String>,
        /// The user's phone (WhatsApp), E.164.
        phone: Option<String>,
    },
    /// Chat.
    Message {
        /// The client's id, echoed.
        id: String,
        /// What the person wrote.
        text: String,
    },
    /// A direct tool call.
    Call {
        /// The client's id, echoed.
        id: String,
        /// `mcp-storefront`, `mcp-admin`, …
        server: String,
        /// The tool.
        tool: String,
        /// Its arguments.
        #[serde(default)]
        arguments: Map<String, Value>,
    },
}

impl ClientFrame {
    /// The client's id of a `message` or `call`.
    pub fn id(&self) -> Option<&str> {
        match self {
            ClientFrame::Hello { .. } => None,
            ClientFrame::Message { id, .. } | ClientFrame::Call { id, .. } => Some(id),
        }
    }
}

/// A frame to an app.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ServerFrame {
    /// The session is open.
    Welcome {
        /// Its id (pass it in `hello.session` to resume).
        session: String,
        /// The locale replies use.
        locale: String,
        /// `customer` or `admin`.
        role: String,
    },
    /// The answer to a `message`.
    Reply {
        /// The client's id.
        id: String,
        /// The gateway's id for the request.
        correlation_id: String,
        /// The intent understood.
        intent: String,
        /// The reply text, formatted for the channel.
        text: String,
        /// Structured data (products, basket…).
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<Value>,
    },
    /// The answer to a `call`.
    Result {
        /// The client's id.
        id: String,
        /// The gateway's id for the request.
        correlation_id: String,
        /// The tool's structured result.
        #[serde(skip_serializing_if = "Option::is_none")]
        structured: Option<Value>,
        /// Its text.
        text: String,
        /// True when the tool refused.
        is_error: bool,
    },
    /// Progress of a long `message` or `call` (an import), before its answer.
    Progress {
        /// The client's id of the request.
        id: String,
        /// Work done so far.
        progress: f64,
        /// Total, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        total: Option<f64>,
        /// What is happening.
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Something went wrong with a frame.
    Error {
        /// The client's id, when the frame had one.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The gateway's id for the request.
        correlation_id: String,
        /// Stable code: `bad_frame`, `unknown_type`, `forbidden`, `unavailable`, `rate_limited`…
        code: String,
        /// For a person.
        message: String,
    },
}

/// A text frame that could not be read, as the `error` frame to answer with.
pub fn parse(text: &str) -> Result<ClientFrame, (Option<String>, &'static str, String)> {
    // The common case, a well-formed frame, is read in one pass; only a
    // frame that fails is read again to say what is wrong with it.
    if let Ok(frame) = serde_json::from_str::<ClientFrame>(text) {
        return Ok(frame);
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| (None, "bad_frame", format!("not JSON: {e}")))?;
    let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
    let Some(kind) = value.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return Err((id, "bad_frame", "a frame needs a string `type`".into()));
    };
    if !matches!(kind.as_str(), "hello" | "message" | "call") {
        return Err((
            id,
            "unknown_type",
            format!(
                "unknown frame type {:?}; send hello, message or call",
                kind.chars().take(30).collect::<String>()
            ),
        ));
    }
    serde_json::from_value(value).map_err(|e| (id, "bad_frame", format!("{kind} frame: {e}")))
}
