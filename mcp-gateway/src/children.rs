//! The MCP servers the gateway talks to: one child per server, shared by all
//! sessions. rmcp matches each answer to its request by JSON-RPC id, so
//! answers never cross between sessions; progress notifications are routed
//! back by their progress token (see [`Relay`]).
//!
//! A child is a process spoken to over stdio, a Streamable HTTP endpoint, or
//! (tests, `--in-process`) the same server run inside the gateway over an
//! in-memory pipe ([`Launch`]).
//!
//! Supervision ([`Child::supervise`], one task per child, the only place a
//! child is started):
//! - a broken connection (crash, `kill -9`, the endpoint gone) fails the calls
//!   in flight at once and schedules a restart after an exponential backoff
//!   with jitter; the failure count resets once the child has been up for
//!   [`RestartPolicy::stable_after`];
//! - a health ping every [`RestartPolicy::ping_interval`]; a child that does
//!   not answer within [`RestartPolicy::ping_timeout`] is hung and restarted;
//! - more than [`RestartPolicy::max_restarts`] failures within the window
//!   mark it `degraded`: calls fail fast until an operator starts it again;
//! - an operator may stop, start and restart it (`/admin/servers`).
//!
//! State sits behind a `std::sync::Mutex` that is never held across an
//! `.await`, so `/readyz`, `/metrics` and the operator endpoint answer while a
//! child is starting. Calls take the running peer from an `RwLock`; a call
//! that finds the child down wakes the supervisor and waits for it (a short
//! backoff), instead of starting a child of its own: one start at a time,
//! one failure counted per failure. Child stderr goes to the gateway's log
//! under the server's name.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Duration;

use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResult, ClientRequest, JsonObject, MetaObject,
    PingRequest, RequestMetaObject, ServerResult,
};
use rmcp::service::{Peer, PeerRequestOptions, RoleClient};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::auth::Role;
use crate::config::RestartPolicy;

mod launch;
mod relay;

use launch::Running;
pub use launch::{INHERITED_ENV, InProcess, Launch, find_binary, redacted};
use relay::{Abandoned, token_text};
pub use relay::{Progress, Relay};

/// A call that finds its child down waits at most this long for a restart.
pub const RESTART_WAIT: Duration = Duration::from_secs(3);

/// Why a call to a child failed.
#[derive(Debug, thiserror::Error)]
pub enum ChildError {
    /// The child is not running and may not be started now.
    #[error("{0} is unavailable: {1}")]
    Unavailable(String, String),
    /// No answer in time.
    #[error("{0} did not answer within {1:?}")]
    Timeout(String, Duration),
    /// The connection broke during the call (the child will be restarted).
    #[error("{0} failed during the call: {1}")]
    Broken(String, String),
    /// The server answered with a JSON-RPC error (e.g. unknown tool, bad params).
    #[error("{0} refused the call: {1}")]
    Refused(String, String),
}

#[derive(Default)]
struct State {
    running: Option<Running>,
    /// Starts so far (the generation of the next one).
    starts: u64,
    /// The supervisor is starting it now.
    starting: bool,
    next_start: Option<Instant>,
    failures: u32,
    recent: Vec<Instant>,
    degraded: bool,
    stopped: bool,
    last_error: Option<String>,
}

/// One supervised MCP server.
pub struct Child {
    /// Its name (`mcp-intent`…).
    pub name: String,
    /// The lowest role that may call it.
    pub access: Role,
    launch: Launch,
    timeout: Duration,
    policy: RestartPolicy,
    relay: Relay,
    peer: RwLock<Option<Peer<RoleClient>>>,
    state: Mutex<State>,
    restarts: AtomicU64,
    /// Bumped on every change of state; callers wait on it.
    changed: watch::Sender<u64>,
    /// Wakes the supervisor (a lost connection, a waiting caller, an operator).
    wake: tokio::sync::Notify,
}

impl std::fmt::Debug for Child {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Child")
            .field("name", &self.name)
            .field("launch", &self.launch)
            .finish_non_exhaustive()
    }
}

/// A child's state, for the operator endpoint and `/metrics`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChildStatus {
    /// Name.
    pub name: String,
    /// `running`, `starting`, `stopped` (by an operator) or `degraded`.
    pub state: String,
    /// OS process id when it is a process.
    pub pid: Option<u32>,
    /// Restarts since the gateway started.
    pub restarts: u64,
    /// `process`, `http` or `in-process`.
    pub launch: String,
    /// Seconds since it started, when running.
    pub uptime_secs: Option<u64>,
    /// Why it last failed.
    pub last_error: Option<String>,
    /// `customer` or `admin`.
    pub access: String,
}

impl Child {
    /// A child started by `launch`, calls bounded by `timeout`.
    pub fn new(
        name: impl Into<String>,
        launch: Launch,
        access: Role,
        timeout: Duration,
        policy: RestartPolicy,
    ) -> Self {
        Self {
            name: name.into(),
            access,
            launch,
            timeout,
            policy,
            relay: Relay::default(),
            peer: RwLock::new(None),
            state: Mutex::new(State::default()),
            restarts: AtomicU64::new(0),
            changed: watch::channel(0).0,
            wake: tokio::sync::Notify::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind: keep going.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Calls `tool` with `arguments` and `_meta`; with `progress`, the
    /// server's progress notifications for this call are sent there. The
    /// call's timeout restarts on each progress update (a long import that
    /// reports is not cut off), up to twenty times the timeout in all. A call
    /// dropped before its answer (the session went away) is cancelled on the
    /// server.
    pub async fn call(
        &self,
        tool: &str,
        arguments: JsonObject,
        meta: JsonObject,
        progress: Option<mpsc::UnboundedSender<Progress>>,
    ) -> Result<CallToolResult, ChildError> {
        let peer = self.peer(RESTART_WAIT).await?;
        let mut params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        if !meta.is_empty() {
            params.meta = Some(RequestMetaObject(MetaObject(meta)));
        }
        let mut options = PeerRequestOptions::with_timeout(self.timeout);
        options.reset_timeout_on_progress = true;
        options.max_total_timeout = Some(self.timeout.saturating_mul(20));
        let sent = peer
            .send_request_with_option(
                ClientRequest::CallToolRequest(CallToolRequest::new(params)),
                options,
            )
            .await;
        let handle = match sent {
            Ok(handle) => handle,
            Err(e) => {
                self.lost(&e.to_string());
                return Err(ChildError::Broken(self.name.clone(), e.to_string()));
            }
        };
        // rmcp picks the progress token; notifications are routed by it.
        let token = token_text(&handle.progress_token.0);
        if let Some(to) = progress {
            self.relay.route(&token, to);
        }
        let mut abandoned =
            Abandoned::new(peer.clone(), handle.id.clone(), self.relay.clone(), token);
        let outcome = handle.await_response().await;
        abandoned.answered();
        match outcome {
            Ok(ServerResult::CallToolResult(result)) => Ok(result),
            Ok(_) => Err(ChildError::Refused(
                self.name.clone(),
                "answered tools/call with something other than a tool result".into(),
            )),
            Err(rmcp::ServiceError::McpError(e)) => {
                let tool: String = tool.chars().take(64).collect();
                Err(ChildError::Refused(
                    self.name.clone(),
                    format!("{tool:?}: {}", e.message),
                ))
            }
            Err(rmcp::ServiceError::Timeout { timeout }) => {
                Err(ChildError::Timeout(self.name.clone(), timeout))
            }
            Err(e) => {
                self.lost(&e.to_string());
                Err(ChildError::Broken(self.name.clone(), e.to_string()))
            }
        }
    }

    fn current(&self) -> Option<Peer<RoleClient>> {
        let guard = self.peer.read().ok()?;
        guard.as_ref().filter(|p| !p.is_transport_closed()).cloned()
    }

    fn publish(&self, peer: Option<Peer<RoleClient>>) {
        if let Ok(mut guard) = self.peer.write() {
            *guard = peer;
        }
    }

    /// The running peer; when the child is down, wakes the supervisor and
    /// waits up to `wait` for it to come back.
    async fn peer(&self, wait: Duration) -> Result<Peer<RoleClient>, ChildError> {
        if let Some(peer) = self.current() {
            return Ok(peer);
        }
        let deadline = Instant::now() + wait;
        let mut changes = self.changed.subscribe();
        loop {
            {
                let state = self.state();
                if state.stopped {
                    return Err(self.unavailable("stopped by an operator"));
                }
                if state.degraded {
                    return Err(self.unavailable(
                        "restarting too often (degraded); start it again from /admin/servers",
                    ));
                }
                if !state.starting
                    && let Some(at) = state.next_start
                    && at > deadline
                {
                    let secs = (at - Instant::now()).as_secs().max(1);
                    return Err(self.unavailable(&format!("restarting in {secs} s")));
                }
            }
            if let Some(peer) = self.current() {
                return Ok(peer);
            }
            self.wake.notify_one();
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                _ => {
                    let why = self
                        .state()
                        .last_error
                        .clone()
                        .unwrap_or_else(|| "not running yet".into());
                    return Err(self.unavailable(&why));
                }
            }
        }
    }

    fn unavailable(&self, why: &str) -> ChildError {
        ChildError::Unavailable(self.name.clone(), why.to_owned())
    }

    /// Records a failure: the backoff before the next start, `degraded` past
    /// the crash-loop limit.
    fn note_failure(&self, state: &mut State, why: &str) {
        let now = Instant::now();
        state.failures = state.failures.saturating_add(1);
        state.last_error = Some(why.to_owned());
        let window = self.policy.window;
        state.recent.retain(|t| now.duration_since(*t) < window);
        state.recent.push(now);
        if state.recent.len() > self.policy.max_restarts as usize {
            state.degraded = true;
        }
        let doubling = self
            .policy
            .backoff_initial
            .saturating_mul(1 << state.failures.saturating_sub(1).min(16));
        let base = doubling.min(self.policy.backoff_max);
        // Up to 25 % jitter, so children that fail together do not restart together.
        let jitter_ms = base.as_millis() as u64 / 4;
        let jitter = if jitter_ms == 0 {
            Duration::ZERO
        } else {
            Duration::from_millis(uuid::Uuid::new_v4().as_u128() as u64 % jitter_ms)
        };
        state.next_start = Some(now + base + jitter);
        tracing::warn!(server = %self.name, why, failures = state.failures, degraded = state.degraded, "child lost");
    }

    /// Drops the running child if its connection closed, counting the
    /// failure once (a call and the supervisor may both notice); `true` then.
    fn drop_if_closed(&self, why: &str) -> bool {
        let dead = {
            let mut state = self.state();
            let closed = state
                .running
                .as_ref()
                .is_some_and(|r| r.service.is_transport_closed());
            if closed {
                self.publish(None);
                self.note_failure(&mut state, why);
            }
            closed.then(|| state.running.take()).flatten()
        };
        let dropped = dead.is_some();
        drop(dead);
        if dropped {
            self.bump();
        }
        dropped
    }

    /// A call saw the connection break: drop the child and wake the supervisor.
    fn lost(&self, why: &str) {
        self.drop_if_closed(why);
        self.wake.notify_one();
    }

    /// Keeps the child up until `shutdown`: starts it, restarts it after a
    /// failure, pings it, resets its failure count once it is stable.
    pub async fn supervise(&self, shutdown: CancellationToken) {
        let tick = Duration::from_millis(250);
        let mut last_ping = Instant::now();
        loop {
            // A connection that closed on its own (no call noticed).
            self.drop_if_closed("its connection closed");
            let generation = {
                let mut state = self.state();
                let due = state.next_start.is_none_or(|at| at <= Instant::now());
                let start = !state.stopped
                    && !state.degraded
                    && !state.starting
                    && state.running.is_none()
                    && due;
                if start {
                    state.starting = true;
                    state.starts += 1;
                }
                start.then_some(state.starts)
            };
            if let Some(generation) = generation {
                self.bump();
                let started = tokio::select! {
                    started = launch::start(&self.name, &self.launch, &self.relay, generation) => started,
                    () = shutdown.cancelled() => break,
                };
                let unwanted = {
                    let mut state = self.state();
                    state.starting = false;
                    match started {
                        Ok(running) if !state.stopped => {
                            if state.failures > 0 {
                                self.restarts.fetch_add(1, Ordering::Relaxed);
                                tracing::warn!(server = %self.name, pid = ?running.pid, "restarted");
                            }
                            self.publish(Some(running.service.peer().clone()));
                            state.running = Some(running);
                            state.next_start = None;
                            last_ping = Instant::now();
                            None
                        }
                        // Stopped by an operator while it was starting.
                        Ok(running) => Some(running),
                        Err(e) => {
                            self.note_failure(&mut state, &format!("could not start: {e:#}"));
                            None
                        }
                    }
                };
                drop(unwanted);
                self.bump();
            }
            // A stable child forgets its failures; a due one is pinged.
            let ping = {
                let mut state = self.state();
                let stable_after = self.policy.stable_after;
                let found = state
                    .running
                    .as_ref()
                    .map(|r| (r.generation, r.service.peer().clone(), r.started.elapsed()));
                if let Some((_, _, up)) = &found
                    && state.failures > 0
                    && *up >= stable_after
                {
                    state.failures = 0;
                }
                let due = !self.policy.ping_interval.is_zero()
                    && last_ping.elapsed() >= self.policy.ping_interval;
                found
                    .filter(|_| due)
                    .map(|(generation, peer, _)| (generation, peer))
            };
            if let Some((generation, peer)) = ping {
                last_ping = Instant::now();
                let answer = tokio::time::timeout(
                    self.policy.ping_timeout,
                    peer.send_request(ClientRequest::PingRequest(PingRequest::default())),
                )
                .await;
                if !matches!(answer, Ok(Ok(_))) {
                    let hung = {
                        let mut state = self.state();
                        let same = state
                            .running
                            .as_ref()
                            .is_some_and(|r| r.generation == generation);
                        if same {
                            self.publish(None);
                            self.note_failure(&mut state, "no answer to a health ping (hung)");
                        }
                        same.then(|| state.running.take()).flatten()
                    };
                    if let Some(hung) = hung {
                        self.bump();
                        // The process is killed when its transport is dropped.
                        let _ = hung.service.cancel().await;
                    }
                }
            }
            if !self.pause(&shutdown, tick).await {
                break;
            }
        }
    }

    /// Waits for the next tick or a wake-up; `false` on shutdown.
    async fn pause(&self, shutdown: &CancellationToken, tick: Duration) -> bool {
        tokio::select! {
            () = shutdown.cancelled() => false,
            () = self.wake.notified() => true,
            () = tokio::time::sleep(tick) => true,
        }
    }

    /// Waits until the child runs (start-up, tests).
    pub async fn warm(&self) -> Result<(), ChildError> {
        self.peer(launch::START_TIMEOUT + Duration::from_secs(5))
            .await
            .map(drop)
    }

    /// Operator: starts a stopped or degraded child (and clears its
    /// history); waits for the start to succeed or fail.
    pub async fn start_now(&self) -> Result<(), ChildError> {
        let mut changes = self.changed.subscribe();
        let failures_before = {
            let mut state = self.state();
            state.stopped = false;
            state.degraded = false;
            state.recent.clear();
            state.failures = 0;
            state.next_start = None;
            state.failures
        };
        self.bump();
        self.wake.notify_one();
        let deadline = Instant::now() + launch::START_TIMEOUT + Duration::from_secs(5);
        loop {
            {
                let state = self.state();
                if state.running.is_some() {
                    return Ok(());
                }
                if !state.starting && state.failures > failures_before {
                    let why = state.last_error.clone().unwrap_or_default();
                    return Err(self.unavailable(&why));
                }
            }
            if tokio::time::timeout_at(deadline, changes.changed())
                .await
                .is_err()
            {
                return Err(self.unavailable("did not start in time"));
            }
        }
    }

    /// Operator (and shutdown): stops the child; calls fail until it is
    /// started again.
    pub async fn stop_now(&self) {
        let running = {
            let mut state = self.state();
            state.stopped = true;
            self.publish(None);
            state.running.take()
        };
        self.bump();
        if let Some(running) = running {
            let _ = running.service.cancel().await;
        }
    }

    /// Operator: stops and starts it; a restart is counted when it is back.
    pub async fn restart(&self) -> Result<(), ChildError> {
        self.stop_now().await;
        self.start_now().await?;
        self.restarts.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Its state (never waits).
    pub fn status(&self) -> ChildStatus {
        let state = self.state();
        let running = state
            .running
            .as_ref()
            .filter(|r| !r.service.is_transport_closed());
        ChildStatus {
            name: self.name.clone(),
            state: if state.stopped {
                "stopped"
            } else if state.degraded {
                "degraded"
            } else if running.is_some() {
                "running"
            } else {
                "starting"
            }
            .into(),
            pid: running.and_then(|r| r.pid),
            restarts: self.restarts.load(Ordering::Relaxed),
            launch: self.launch.kind().into(),
            uptime_secs: running.map(|r| r.started.elapsed().as_secs()),
            last_error: state.last_error.clone(),
            access: self.access.as_str().into(),
        }
    }
}
