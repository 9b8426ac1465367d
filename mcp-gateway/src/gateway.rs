//! Sessions and requests: what every WebSocket session shares ([`Gateway`]),
//! one session's state ([`Session`]), and the two requests a session makes —
//! a chat `message` (the dialog engine, [`crate::dialog`]) and a direct
//! `call`.
//!
//! Roles are checked in [`Gateway::child_call`], the one place every tool
//! call passes through, whatever led to it: a server configured for admins
//! refuses customers before anything is sent, and calls to mcp-admin carry a
//! freshly minted token for the session's subject (docs/gateway.md, "Who is who").

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use museo_sdk::auth::META_AUTHORIZATION;
use museo_sdk::telemetry::TraceContext;
use museo_sdk::types::Lang;
use rmcp::model::{CallToolResult, JsonObject};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument as _;

use crate::auth::{AdminTokens, Authenticator, Role};
use crate::children::{Child, ChildError, Progress};
use crate::config::Limits;
use crate::metrics::Metrics;
use crate::protocol::ServerFrame;
use crate::reply::{self, Channel, Phrase};
use crate::store::{Conversation, ConversationStore, Store, Turn};

/// Where a request's progress updates go (the session's socket).
pub type ProgressTx = mpsc::UnboundedSender<Progress>;

/// Everything sessions share.
#[derive(Debug)]
pub struct Gateway {
    /// The MCP servers by name.
    pub children: BTreeMap<String, Arc<Child>>,
    /// Conversations.
    pub store: Store,
    /// Tokens for mcp-admin.
    pub tokens: AdminTokens,
    /// Who apps are (API keys, JWTs).
    pub auth: Authenticator,
    /// Counters and histograms.
    pub metrics: Metrics,
    /// Sessions, frame rate, drain time.
    pub limits: Limits,
    /// Set while the store fails and the gateway runs without it.
    pub store_degraded: AtomicBool,
    /// Cancelled when the gateway shuts down: sessions finish and close.
    pub shutdown: CancellationToken,
    /// Open sessions, waited for on shutdown.
    pub sessions: TaskTracker,
    /// Cancelled when the drain time is over: sessions still busy close.
    pub abort: CancellationToken,
    /// The children's supervisors (they stop on `shutdown`).
    pub supervisors: TaskTracker,
}

/// One WebSocket session's state.
#[derive(Debug)]
pub struct Session {
    /// Its id.
    pub id: String,
    /// Its role.
    pub role: Role,
    /// Who (for `sub` in admin tokens).
    pub subject: String,
    /// The BCP-47 locale replies, money and dates use (`fr-FR`, `en-IE`, `es`).
    pub locale: String,
    /// True when the locale was given (hello, phone, Accept-Language, a resumed session).
    pub locale_fixed: bool,
    /// How replies are formatted.
    pub channel: Channel,
    /// What the store holds for it (also kept here when the store is down).
    pub conversation: Conversation,
}

impl Session {
    /// A new session.
    pub fn new(role: Role, subject: String, locale: Option<String>, channel: Channel) -> Self {
        Self {
            id: format!("ses_{}", uuid::Uuid::new_v4().simple()),
            role,
            subject,
            locale_fixed: locale.is_some(),
            locale: locale.unwrap_or_else(|| "en".into()),
            channel,
            conversation: Conversation::default(),
        }
    }

    /// The language of its locale.
    pub fn lang(&self) -> Lang {
        Lang::from_tag(&self.locale).unwrap_or(Lang::En)
    }
}

/// How a request failed before or outside any tool: the `error` frame's code.
fn error_code(e: &ChildError) -> &'static str {
    match e {
        ChildError::Timeout(..) => "timeout",
        ChildError::Refused(..) => "bad_call",
        ChildError::Unavailable(..) | ChildError::Broken(..) => "unavailable",
    }
}

/// A refusal decided by the gateway itself.
#[derive(Debug)]
pub enum CallError {
    /// The session's role may not reach the server.
    Forbidden(String),
    /// No such server.
    UnknownServer(String),
    /// The child failed.
    Child(ChildError),
}

impl Gateway {
    /// Calls `tool` on `server` for `session`: the role check, the admin
    /// token, the trace context, progress, and the per-server latency.
    pub async fn child_call(
        &self,
        server: &str,
        tool: &str,
        args: JsonObject,
        session: &Session,
        ctx: &TraceContext,
        progress: Option<&ProgressTx>,
    ) -> Result<CallToolResult, CallError> {
        let Some(child) = self.children.get(server) else {
            // Customers learn nothing about which admin servers exist.
            return Err(if session.role == Role::Admin {
                CallError::UnknownServer(server.to_owned())
            } else {
                CallError::Forbidden(server.to_owned())
            });
        };
        // Checked here, where the action happens, whatever led to it.
        if child.access == Role::Admin && session.role != Role::Admin {
            tracing::warn!(correlation_id = %ctx.correlation_id(), session = %session.id, server, tool, "refused: role customer");
            return Err(CallError::Forbidden(server.to_owned()));
        }
        let mut meta = JsonObject::new();
        ctx.child().inject_meta(&mut meta);
        // Only an admin session's call carries a token, whatever the configuration says.
        if server == "mcp-admin" && session.role == Role::Admin {
            let token = self.tokens.mint(&session.subject).map_err(|e| {
                CallError::Child(ChildError::Unavailable(server.to_owned(), e.to_string()))
            })?;
            meta.insert(META_AUTHORIZATION.into(), Value::String(token));
        }
        let started = Instant::now();
        let result = child
            .call(tool, args, meta, progress.cloned())
            .await
            .map_err(CallError::Child);
        self.metrics.tool_call(server, started.elapsed());
        result
    }

    /// Saves the session's conversation; a store failure degrades, never fails the reply.
    pub async fn save(&self, session: &Session) {
        match self.store.save(&session.id, &session.conversation).await {
            Ok(()) => {
                if self.store_degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("conversation store is back");
                }
            }
            Err(e) => {
                if !self.store_degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "conversation store unavailable: serving from session memory until it returns");
                }
            }
        }
    }

    /// A direct `call` frame.
    pub async fn call(
        &self,
        session: &Session,
        id: String,
        server: &str,
        tool: &str,
        args: JsonObject,
        progress: Option<&ProgressTx>,
    ) -> ServerFrame {
        let ctx = TraceContext::new_root();
        let span = tracing::info_span!("call", correlation_id = %ctx.correlation_id(), session = %session.id);
        self.call_in(session, id, server, tool, args, progress, ctx)
            .instrument(span)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn call_in(
        &self,
        session: &Session,
        id: String,
        server: &str,
        tool: &str,
        args: JsonObject,
        progress: Option<&ProgressTx>,
        ctx: TraceContext,
    ) -> ServerFrame {
        let correlation_id = ctx.correlation_id();
        let started = Instant::now();
        let outcome = self
            .child_call(server, tool, args, session, &ctx, progress)
            .await;
        let (frame, outcome) = match outcome {
            Ok(mut result) => {
                let is_error = result.is_error == Some(true);
                let text = first_text(&result);
                (
                    ServerFrame::Result {
                        id,
                        correlation_id: correlation_id.clone(),
                        structured: result.structured_content.take(),
                        text,
                        is_error,
                    },
                    if is_error { "tool_error" } else { "ok" },
                )
            }
            Err(e) => {
                let (code, message, outcome) = match &e {
                    CallError::Forbidden(_) => (
                        "forbidden",
                        reply::phrase(Phrase::Forbidden, &session.locale),
                        "refused",
                    ),
                    CallError::UnknownServer(server) => (
                        "unknown_server",
                        format!(
                            "no server {:?}; servers: {}",
                            server.chars().take(64).collect::<String>(),
                            self.children.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                        "error",
                    ),
                    // Admins see what failed; customers are not shown internals
                    // (the correlation id finds the cause in the log).
                    CallError::Child(e) if session.role == Role::Admin => {
                        (error_code(e), e.to_string(), "error")
                    }
                    CallError::Child(e @ ChildError::Refused(..)) => {
                        (error_code(e), e.to_string(), "error")
                    }
                    CallError::Child(e) => {
                        tracing::warn!(%correlation_id, server, tool, error = %e, "call failed");
                        (
                            error_code(e),
                            reply::phrase(Phrase::Unavailable, &session.locale),
                            "error",
                        )
                    }
                };
                self.metrics.error(code);
                (
                    ServerFrame::Error {
                        id: Some(id),
                        correlation_id: correlation_id.clone(),
                        code: code.into(),
                        message,
                    },
                    outcome,
                )
            }
        };
        tracing::info!(%correlation_id, session = %session.id, server, tool, outcome, ms = started.elapsed().as_millis() as u64, "call");
        self.metrics.outcome("call", outcome, started.elapsed());
        frame
    }

    /// A chat `message`.
    pub async fn message(
        &self,
        session: &mut Session,
        id: String,
        text: &str,
        progress: Option<&ProgressTx>,
    ) -> ServerFrame {
        let ctx = TraceContext::new_root();
        let span = tracing::info_span!("message", correlation_id = %ctx.correlation_id(), session = %session.id);
        self.message_in(session, id, text, progress, ctx)
            .instrument(span)
            .await
    }

    async fn message_in(
        &self,
        session: &mut Session,
        id: String,
        text: &str,
        progress: Option<&ProgressTx>,
        ctx: TraceContext,
    ) -> ServerFrame {
        let correlation_id = ctx.correlation_id();
        let started = Instant::now();
        let answer = match crate::dialog::turn(self, session, text, &ctx, progress).await {
            Ok(answer) => answer,
            Err(frame) => {
                let code = match &frame {
                    ServerFrame::Error { code, .. } => code.clone(),
                    _ => "error".into(),
                };
                self.metrics.error(&code);
                self.metrics.outcome("message", "error", started.elapsed());
                return match frame {
                    ServerFrame::Error { code, message, .. } => ServerFrame::Error {
                        id: Some(id),
                        correlation_id,
                        code,
                        message,
                    },
                    other => other,
                };
            }
        };
        let intent = answer.intent.id();
        tracing::info!(%correlation_id, session = %session.id, intent, outcome = answer.outcome, "routed");
        session.conversation.push(Turn {
            role: "user".into(),
            text: text.chars().take(2000).collect(),
            // What the message was understood as: mcp-intent reads follow-ups
            // ("enlève-en un" after an add) from the user turns' intents.
            intent: Some(intent.into()),
        });
        session.conversation.push(Turn {
            role: "assistant".into(),
            text: answer.text.chars().take(2000).collect(),
            intent: Some(intent.into()),
        });
        session.conversation.locale = session.locale.clone();
        session.conversation.locale_fixed = session.locale_fixed;
        self.save(session).await;
        self.metrics
            .outcome("message", answer.outcome, started.elapsed());
        ServerFrame::Reply {
            id,
            correlation_id,
            intent: intent.into(),
            text: answer.text,
            data: answer.data,
        }
    }
}

/// The first text block of a tool result.
pub fn first_text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .find_map(|b| b.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}
