//! The MCP servers the gateway talks to: one child per server, shared by all
//! sessions. rmcp matches each answer to its request by JSON-RPC id, so
//! answers never cross between sessions; progress notifications are routed
//! back by their progress token (see [`Relay`]).
//!
//! A child is a process spoken to over stdio, a Streamable HTTP endpoint, or
//! (tests, `--in-process`) the same server run inside the gateway over an
//! in-memory pipe.
//!
//! Supervision ([`Child::supervise`], one task per child):
//! - a broken connection (crash, `kill -9`, the endpoint gone) fails the calls
//!   in flight at once and schedules a restart after an exponential backoff
//!   with jitter; the failure count resets once the child has been up for
//!   [`RestartPolicy::stable_after`];
//! - a health ping every [`RestartPolicy::ping_interval`]; a child that does
//!   not answer within [`RestartPolicy::ping_timeout`] is hung and restarted;
//! - more than [`RestartPolicy::max_restarts`] restarts within the window mark
//!   it `degraded`: calls fail fast until an operator starts it again;
//! - an operator may stop, start and restart it (`/admin/servers`).
//!
//! Calls take the running peer from an `RwLock` without waiting on anything
//! else; only a call that finds the child down goes through the start path.
//! Child stderr goes to the gateway's log under the server's name.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::future::BoxFuture;
use rmcp::ServiceExt as _;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResult, ClientRequest, JsonObject, MetaObject,
    PingRequest, RequestMetaObject, ServerResult,
};
use rmcp::service::{Peer, PeerRequestOptions, RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use tokio::io::AsyncBufReadExt as _;
use tokio::sync::{Mutex, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::auth::Role;

mod relay;

use crate::config::RestartPolicy;
use relay::{Abandoned, token_text};
pub use relay::{Progress, Relay};

/// Starts a server inside the gateway on one end of a pipe.
pub type InProcess = Arc<dyn Fn(tokio::io::DuplexStream) -> BoxFuture<'static, ()> + Send + Sync>;

/// How a child is started.
#[derive(Clone)]
pub enum Launch {
    /// A process spoken to over stdio.
    Process {
        /// The executable.
        command: PathBuf,
        /// Its arguments.
        args: Vec<String>,
        /// Extra environment.
        env: Vec<(String, String)>,
    },
    /// A Streamable HTTP endpoint.
    Http {
        /// The MCP endpoint.
        url: url::Url,
        /// Extra headers on every request.
        headers: Vec<(String, String)>,
    },
    /// The server run in this process.
    InProcess(InProcess),
}

impl std::fmt::Debug for Launch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Launch::Process { command, args, .. } => f
                .debug_struct("Process")
                .field("command", command)
                .field("args", args)
                .finish_non_exhaustive(),
            // Header values may hold credentials: names only.
            Launch::Http { url, .. } => f
                .debug_struct("Http")
                .field("url", url)
                .finish_non_exhaustive(),
            Launch::InProcess(_) => f.write_str("InProcess"),
        }
    }
}

impl Launch {
    fn kind(&self) -> &'static str {
        match self {
            Launch::Process { .. } => "process",
            Launch::Http { .. } => "http",
            Launch::InProcess(_) => "in-process",
        }
    }
}

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

struct Running {
    service: RunningService<RoleClient, Relay>,
    started: Instant,
    pid: Option<u32>,
}

#[derive(Default)]
struct Slot {
    running: Option<Running>,
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
    slot: Mutex<Slot>,
    restarts: AtomicU64,
    /// Wakes the supervisor (a lost connection, an operator's command).
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

/// A child's state, for `/readyz`, `/metrics` and the admin endpoint.
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
            slot: Mutex::new(Slot::default()),
            restarts: AtomicU64::new(0),
            wake: tokio::sync::Notify::new(),
        }
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
        let peer = self.peer().await?;
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
                self.lost(&e.to_string()).await;
                return Err(ChildError::Broken(self.name.clone(), e.to_string()));
            }
        };
        // rmcp picks the progress token; notifications are routed by it.
        let token = token_text(&handle.progress_token.0);
        if let Some(to) = progress {
            self.relay.route(&token, to);
        }
        let mut abandoned = Abandoned {
            peer: peer.clone(),
            id: Some(handle.id.clone()),
        };
        let outcome = handle.await_response().await;
        abandoned.id = None;
        self.relay.unroute(&token);
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
                self.lost(&e.to_string()).await;
                Err(ChildError::Broken(self.name.clone(), e.to_string()))
            }
        }
    }

    /// The running peer, starting the child when it is down and may start.
    async fn peer(&self) -> Result<Peer<RoleClient>, ChildError> {
        if let Some(peer) = self.current() {
            return Ok(peer);
        }
        let mut slot = self.slot.lock().await;
        self.ensure_running(&mut slot).await?;
        self.current()
            .ok_or_else(|| ChildError::Unavailable(self.name.clone(), "not running".into()))
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

    /// Starts the child unless it is running, stopped, degraded, or waiting
    /// out a backoff longer than a caller should wait.
    async fn ensure_running(&self, slot: &mut Slot) -> Result<(), ChildError> {
        if let Some(running) = &slot.running {
            if !running.service.is_transport_closed() {
                return Ok(());
            }
            slot.running = None;
            self.publish(None);
            self.note_failure(slot, "its connection closed");
        }
        if slot.stopped {
            return Err(ChildError::Unavailable(
                self.name.clone(),
                "stopped by an operator".into(),
            ));
        }
        if slot.degraded {
            return Err(ChildError::Unavailable(
                self.name.clone(),
                "restarting too often (degraded); start it again from /admin/servers".into(),
            ));
        }
        if let Some(at) = slot.next_start {
            let now = Instant::now();
            if at > now {
                let wait = at - now;
                if wait > Duration::from_secs(2) {
                    return Err(ChildError::Unavailable(
                        self.name.clone(),
                        format!("restarting in {} s", wait.as_secs().max(1)),
                    ));
                }
                tokio::time::sleep(wait).await;
            }
        }
        match self.start().await {
            Ok(running) => {
                if slot.failures > 0 {
                    self.restarts.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(server = %self.name, pid = ?running.pid, "restarted");
                }
                self.publish(Some(running.service.peer().clone()));
                slot.running = Some(running);
                slot.next_start = None;
                Ok(())
            }
            Err(e) => {
                let why = format!("could not start: {e:#}");
                self.note_failure(slot, &why);
                Err(ChildError::Unavailable(self.name.clone(), why))
            }
        }
    }

    fn note_failure(&self, slot: &mut Slot, why: &str) {
        let now = Instant::now();
        slot.failures = slot.failures.saturating_add(1);
        slot.last_error = Some(why.to_owned());
        let window = self.policy.window;
        slot.recent.retain(|t| now.duration_since(*t) < window);
        slot.recent.push(now);
        if slot.recent.len() > self.policy.max_restarts as usize {
            slot.degraded = true;
        }
        let doubling = self
            .policy
            .backoff_initial
            .saturating_mul(1 << slot.failures.saturating_sub(1).min(16));
        let base = doubling.min(self.policy.backoff_max);
        // Up to 25 % jitter, so children that fail together do not restart together.
        let jitter_ms = base.as_millis() as u64 / 4;
        let jitter = if jitter_ms == 0 {
            Duration::ZERO
        } else {
            Duration::from_millis(uuid::Uuid::new_v4().as_u128() as u64 % jitter_ms)
        };
        slot.next_start = Some(now + base + jitter);
        tracing::warn!(server = %self.name, why, failures = slot.failures, degraded = slot.degraded, "child lost");
        self.wake.notify_one();
    }

    async fn lost(&self, why: &str) {
        let mut slot = self.slot.lock().await;
        if slot
            .running
            .as_ref()
            .is_some_and(|r| r.service.is_transport_closed())
        {
            slot.running = None;
            self.publish(None);
            self.note_failure(&mut slot, why);
        }
    }

    async fn start(&self) -> anyhow::Result<Running> {
        let started = Instant::now();
        let (service, pid) = match &self.launch {
            Launch::Process { command, args, env } => {
                let mut cmd = tokio::process::Command::new(command);
                cmd.args(args).kill_on_drop(true);
                for (k, v) in env {
                    cmd.env(k, v);
                }
                let (transport, stderr) = TokioChildProcess::builder(cmd)
                    .stderr(std::process::Stdio::piped())
                    .spawn()?;
                let pid = transport.id();
                if let Some(stderr) = stderr {
                    let name = self.name.clone();
                    tokio::spawn(async move {
                        let mut lines = tokio::io::BufReader::new(stderr).lines();
                        while let Ok(Some(line)) = lines.next_line().await {
                            tracing::info!(server = %name, "{line}");
                        }
                    });
                }
                let service = tokio::time::timeout(
                    Duration::from_secs(20),
                    self.relay.clone().serve(transport),
                )
                .await??;
                (service, pid)
            }
            Launch::Http { url, headers } => {
                use rmcp::transport::StreamableHttpClientTransport;
                use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
                let mut config = StreamableHttpClientTransportConfig::with_uri(url.as_str());
                let mut custom = HashMap::new();
                for (name, value) in headers {
                    if name.eq_ignore_ascii_case("authorization") {
                        let token = value.strip_prefix("Bearer ").unwrap_or(value);
                        config = config.auth_header(token.to_owned());
                    } else {
                        custom.insert(
                            axum::http::HeaderName::try_from(name.as_str())?,
                            axum::http::HeaderValue::try_from(value.as_str())?,
                        );
                    }
                }
                let config = config.custom_headers(custom);
                let transport = StreamableHttpClientTransport::from_config(config);
                let service = tokio::time::timeout(
                    Duration::from_secs(20),
                    self.relay.clone().serve(transport),
                )
                .await??;
                (service, None)
            }
            Launch::InProcess(factory) => {
                let (server_io, client_io) = tokio::io::duplex(1 << 20);
                tokio::spawn(factory(server_io));
                (self.relay.clone().serve(client_io).await?, None)
            }
        };
        tracing::info!(server = %self.name, ?pid, launch = self.launch.kind(), ms = started.elapsed().as_millis() as u64, "started");
        Ok(Running {
            service,
            started: Instant::now(),
            pid,
        })
    }

    /// Keeps the child up until `shutdown`: restarts it after a failure,
    /// pings it, resets its failure count once it is stable.
    pub async fn supervise(self: Arc<Self>, shutdown: CancellationToken) {
        let tick = Duration::from_millis(250);
        let mut last_ping = Instant::now();
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(tick) => {}
            }
            let ping = {
                let mut slot = self.slot.lock().await;
                if slot.stopped || slot.degraded {
                    None
                } else if slot
                    .running
                    .as_ref()
                    .is_none_or(|r| r.service.is_transport_closed())
                {
                    if slot.next_start.is_none_or(|at| at <= Instant::now()) {
                        let _ = self.ensure_running(&mut slot).await;
                    }
                    None
                } else {
                    if let Some(running) = &slot.running
                        && slot.failures > 0
                        && running.started.elapsed() >= self.policy.stable_after
                    {
                        slot.failures = 0;
                    }
                    let due = !self.policy.ping_interval.is_zero()
                        && last_ping.elapsed() >= self.policy.ping_interval;
                    due.then(|| slot.running.as_ref().map(|r| r.service.peer().clone()))
                        .flatten()
                }
            };
            if let Some(peer) = ping {
                last_ping = Instant::now();
                let answer = tokio::time::timeout(
                    self.policy.ping_timeout,
                    peer.send_request(ClientRequest::PingRequest(PingRequest::default())),
                )
                .await;
                if !matches!(answer, Ok(Ok(_))) {
                    let mut slot = self.slot.lock().await;
                    if let Some(running) = slot.running.take() {
                        self.publish(None);
                        let _ = running.service.cancel().await;
                        self.note_failure(&mut slot, "no answer to a health ping (hung)");
                    }
                }
            }
        }
    }

    /// Starts the child now if it is not running (start-up, `/readyz`).
    pub async fn warm(&self) -> Result<(), ChildError> {
        self.peer().await.map(drop)
    }

    /// Operator: starts a stopped or degraded child (and clears its history).
    pub async fn start_now(&self) -> Result<(), ChildError> {
        let mut slot = self.slot.lock().await;
        slot.stopped = false;
        slot.degraded = false;
        slot.recent.clear();
        slot.failures = 0;
        slot.next_start = None;
        self.ensure_running(&mut slot).await
    }

    /// Operator: stops the child; calls fail until it is started again.
    pub async fn stop_now(&self) {
        let mut slot = self.slot.lock().await;
        slot.stopped = true;
        self.publish(None);
        if let Some(running) = slot.running.take() {
            let _ = running.service.cancel().await;
        }
    }

    /// Operator: stops and starts it.
    pub async fn restart(&self) -> Result<(), ChildError> {
        self.stop_now().await;
        self.restarts.fetch_add(1, Ordering::Relaxed);
        self.start_now().await
    }

    /// Its state.
    pub async fn status(&self) -> ChildStatus {
        let slot = self.slot.lock().await;
        let running = slot
            .running
            .as_ref()
            .filter(|r| !r.service.is_transport_closed());
        ChildStatus {
            name: self.name.clone(),
            state: if slot.stopped {
                "stopped"
            } else if slot.degraded {
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
            last_error: slot.last_error.clone(),
            access: self.access.as_str().into(),
        }
    }

    /// Stops it for good (shutdown).
    pub async fn shutdown(&self) {
        let mut slot = self.slot.lock().await;
        slot.stopped = true;
        self.publish(None);
        if let Some(running) = slot.running.take() {
            let _ = running.service.cancel().await;
        }
    }
}

/// The sibling binary `name`: next to this executable (or its parent, for
/// test binaries in `target/<profile>/deps`), else on `PATH`.
pub fn find_binary(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let mut dirs: Vec<PathBuf> = exe.parent().map(|d| vec![d.to_owned()]).unwrap_or_default();
    if let Some(parent) = exe.parent().and_then(|d| d.parent()) {
        dirs.push(parent.to_owned());
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}
