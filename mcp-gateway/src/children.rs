//! The MCP servers the gateway talks to, one child per server shared by all
//! sessions (rmcp matches answers to requests by id, so answers never cross
//! between sessions).
//!
//! A child is the sibling binary (`mcp-intent` next to the gateway's own
//! executable, else on `PATH`) spoken to over stdio, or — when no binary is
//! found, e.g. under `cargo run -p mcp-gateway` — the same server run inside
//! the gateway over an in-memory pipe. Supervision: every call has a timeout;
//! a child whose connection breaks (crash, kill -9) is dropped and started
//! again on the next call, after an exponential backoff with jitter that
//! resets once the child has been up for a minute; more than
//! [`CRASH_LOOP_LIMIT`] restarts within a minute marks it `degraded` until
//! an operator restarts it. Child stderr goes to the gateway's log under the
//! server's name.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use rmcp::ServiceExt as _;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, JsonObject, MetaObject, RequestMetaObject,
};
use rmcp::service::{Peer, RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use tokio::io::AsyncBufReadExt as _;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Restarts within a minute after which a child is `degraded`.
pub const CRASH_LOOP_LIMIT: u32 = 5;

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
            Launch::InProcess(_) => f.write_str("InProcess"),
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
}

struct Running {
    service: RunningService<RoleClient, ()>,
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
}

/// One supervised MCP server.
pub struct Child {
    /// Its name (`mcp-intent`…).
    pub name: String,
    launch: Launch,
    timeout: Duration,
    slot: Mutex<Slot>,
    restarts: AtomicU64,
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
    /// `running`, `stopped` or `degraded`.
    pub state: String,
    /// OS process id when it is a process.
    pub pid: Option<u32>,
    /// Restarts since the gateway started.
    pub restarts: u64,
    /// `process` or `in-process`.
    pub launch: String,
}

impl Child {
    /// A child started by `launch`, calls bounded by `timeout`.
    pub fn new(name: impl Into<String>, launch: Launch, timeout: Duration) -> Self {
        Self {
            name: name.into(),
            launch,
            timeout,
            slot: Mutex::new(Slot::default()),
            restarts: AtomicU64::new(0),
        }
    }

    /// Calls `tool` with `arguments` and `_meta`.
    pub async fn call(
        &self,
        tool: &str,
        arguments: JsonObject,
        meta: JsonObject,
    ) -> Result<CallToolResult, ChildError> {
        let peer = self.peer().await?;
        let mut params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        if !meta.is_empty() {
            params.meta = Some(RequestMetaObject(MetaObject(meta)));
        }
        match tokio::time::timeout(self.timeout, peer.call_tool(params)).await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(rmcp::ServiceError::McpError(e))) => {
                Err(ChildError::Broken(self.name.clone(), e.message.to_string()))
            }
            Ok(Err(e)) => {
                self.lost(&e.to_string()).await;
                Err(ChildError::Broken(self.name.clone(), e.to_string()))
            }
            Err(_) => Err(ChildError::Timeout(self.name.clone(), self.timeout)),
        }
    }

    /// The child's peer, starting it when needed.
    async fn peer(&self) -> Result<Peer<RoleClient>, ChildError> {
        let mut slot = self.slot.lock().await;
        if let Some(running) = &slot.running {
            if !running.service.is_transport_closed() {
                let peer = running.service.peer().clone();
                if running.started.elapsed() > Duration::from_secs(60) {
                    slot.failures = 0;
                }
                return Ok(peer);
            }
            slot.running = None;
            self.note_failure(&mut slot, "its connection closed");
        }
        if slot.degraded {
            return Err(ChildError::Unavailable(
                self.name.clone(),
                "restarting too often (degraded); restart it from the admin endpoint".into(),
            ));
        }
        if let Some(at) = slot.next_start {
            let now = Instant::now();
            if at > now {
                tokio::time::sleep(at - now).await;
            }
        }
        let running = self
            .start()
            .await
            .map_err(|e| ChildError::Unavailable(self.name.clone(), e.to_string()))?;
        let peer = running.service.peer().clone();
        if slot.failures > 0 {
            self.restarts.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(server = %self.name, pid = ?running.pid, "restarted");
        }
        slot.running = Some(running);
        Ok(peer)
    }

    fn note_failure(&self, slot: &mut Slot, why: &str) {
        let now = Instant::now();
        slot.failures = slot.failures.saturating_add(1);
        slot.recent
            .retain(|t| now.duration_since(*t) < Duration::from_secs(60));
        slot.recent.push(now);
        if slot.recent.len() as u32 > CRASH_LOOP_LIMIT {
            slot.degraded = true;
        }
        let base = 100u64.saturating_mul(1 << slot.failures.min(7));
        let jitter = u64::from(uuid::Uuid::new_v4().as_u128() as u16 % 100);
        slot.next_start = Some(now + Duration::from_millis(base.min(10_000) + jitter));
        tracing::warn!(server = %self.name, why, failures = slot.failures, degraded = slot.degraded, "child lost");
    }

    async fn lost(&self, why: &str) {
        let mut slot = self.slot.lock().await;
        if slot.running.take().is_some() {
            self.note_failure(&mut slot, why);
        }
    }

    async fn start(&self) -> anyhow::Result<Running> {
        match &self.launch {
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
                let service =
                    tokio::time::timeout(Duration::from_secs(20), ().serve(transport)).await??;
                tracing::info!(server = %self.name, ?pid, "started");
                Ok(Running {
                    service,
                    started: Instant::now(),
                    pid,
                })
            }
            Launch::InProcess(factory) => {
                let (server_io, client_io) = tokio::io::duplex(1 << 20);
                tokio::spawn(factory(server_io));
                let service = ().serve(client_io).await?;
                Ok(Running {
                    service,
                    started: Instant::now(),
                    pid: None,
                })
            }
        }
    }

    /// Starts the child now if it is not running (start-up, `/readyz`).
    pub async fn warm(&self) -> Result<(), ChildError> {
        self.peer().await.map(drop)
    }

    /// Stops the child (it starts again on the next call) and clears `degraded`.
    pub async fn restart(&self) {
        let mut slot = self.slot.lock().await;
        if let Some(running) = slot.running.take() {
            let _ = running.service.cancel().await;
        }
        *slot = Slot::default();
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
            state: if slot.degraded {
                "degraded"
            } else if running.is_some() {
                "running"
            } else {
                "stopped"
            }
            .into(),
            pid: running.and_then(|r| r.pid),
            restarts: self.restarts.load(Ordering::Relaxed),
            launch: match self.launch {
                Launch::Process { .. } => "process",
                Launch::InProcess(_) => "in-process",
            }
            .into(),
        }
    }

    /// Stops it for good (shutdown).
    pub async fn stop(&self) {
        let mut slot = self.slot.lock().await;
        if let Some(running) = slot.running.take() {
            let _ = running.service.cancel().await;
        }
    }
}

/// The sibling binary `name`: next to this executable, else on `PATH`.
pub fn find_binary(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let mut dirs: Vec<PathBuf> = exe.parent().map(|d| vec![d.to_owned()]).unwrap_or_default();
    // Test binaries live in target/<profile>/deps.
    if let Some(parent) = exe.parent().and_then(|d| d.parent()) {
        dirs.push(parent.to_owned());
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}
