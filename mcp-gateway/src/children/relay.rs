//! Progress routing and cancellation for calls in flight: one child serves
//! every session, so its progress notifications are matched back to the
//! call that asked for them by progress token, and a call its caller stopped
//! waiting for is cancelled on the server.

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::ClientHandler;
use rmcp::model::{CancelledNotificationParam, NumberOrString, ProgressNotificationParam};
use rmcp::service::{NotificationContext, Peer, RoleClient};
use tokio::sync::mpsc;

/// One progress update of a call in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Work done so far.
    pub progress: f64,
    /// Total, when known.
    pub total: Option<f64>,
    /// What is happening.
    pub message: Option<String>,
}

/// The gateway's MCP client handler: routes progress notifications to the
/// call that asked for them, by progress token.
#[derive(Debug, Clone, Default)]
pub struct Relay {
    routes: Arc<std::sync::Mutex<HashMap<String, mpsc::UnboundedSender<Progress>>>>,
}

impl Relay {
    pub(super) fn route(&self, token: &str, to: mpsc::UnboundedSender<Progress>) {
        if let Ok(mut routes) = self.routes.lock() {
            routes.insert(token.to_owned(), to);
        }
    }

    pub(super) fn unroute(&self, token: &str) {
        if let Ok(mut routes) = self.routes.lock() {
            routes.remove(token);
        }
    }
}

impl ClientHandler for Relay {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let token = token_text(&params.progress_token.0);
        let to = self.routes.lock().ok().and_then(|r| r.get(&token).cloned());
        if let Some(to) = to {
            let _ = to.send(Progress {
                progress: params.progress,
                total: params.total,
                message: params.message,
            });
        }
    }
}

pub(super) fn token_text(token: &NumberOrString) -> String {
    match token {
        NumberOrString::String(s) => s.to_string(),
        NumberOrString::Number(n) => n.to_string(),
    }
}

/// Cancels a call on the server when the caller stops waiting for it, and
/// always stops routing its progress.
pub(super) struct Abandoned {
    peer: Peer<RoleClient>,
    id: Option<rmcp::model::RequestId>,
    relay: Relay,
    token: String,
}

impl Abandoned {
    pub(super) fn new(
        peer: Peer<RoleClient>,
        id: rmcp::model::RequestId,
        relay: Relay,
        token: String,
    ) -> Self {
        Self {
            peer,
            id: Some(id),
            relay,
            token,
        }
    }

    /// The answer came: nothing to cancel.
    pub(super) fn answered(&mut self) {
        self.id = None;
    }
}

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.relay.unroute(&self.token);
        let Some(id) = self.id.take() else { return };
        let peer = self.peer.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = peer
                    .notify_cancelled(CancelledNotificationParam::new(
                        Some(id),
                        Some("the client went away".into()),
                    ))
                    .await;
            });
        }
    }
}
