//! How a child is started: a process over stdio, a Streamable HTTP
//! endpoint, or a server inside the gateway over an in-memory pipe.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use rmcp::ServiceExt as _;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use tokio::io::AsyncBufReadExt as _;
use tokio::time::Instant;

use super::Relay;

/// Starts a server inside the gateway on one end of a pipe.
pub type InProcess = Arc<dyn Fn(tokio::io::DuplexStream) -> BoxFuture<'static, ()> + Send + Sync>;

/// Longest wait for a child to answer `initialize`.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Environment variables a third-party server process inherits from the
/// gateway (everything else it gets from its own `env`): what a program needs
/// to run, nothing that could hold the gateway's secrets.
pub const INHERITED_ENV: [&str; 9] = [
    "PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "RUST_LOG",
];

/// How a child is started.
#[derive(Clone)]
pub enum Launch {
    /// A process spoken to over stdio.
    Process {
        /// The executable.
        command: PathBuf,
        /// Its arguments.
        args: Vec<String>,
        /// Its environment on top of what it inherits.
        env: Vec<(String, String)>,
        /// Inherit only [`INHERITED_ENV`] from the gateway (third-party
        /// servers); `false` inherits everything (the built-in servers, which
        /// are configured through the gateway's environment).
        isolated: bool,
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
    /// Names only: arguments, environment values, URL credentials and header
    /// values may hold secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Launch::Process {
                command,
                args,
                env,
                isolated,
            } => f
                .debug_struct("Process")
                .field("command", command)
                .field("args", &args.len())
                .field("env", &env.iter().map(|(k, _)| k).collect::<Vec<_>>())
                .field("isolated", isolated)
                .finish(),
            Launch::Http { url, headers } => f
                .debug_struct("Http")
                .field("url", &redacted(url))
                .field(
                    "headers",
                    &headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
                )
                .finish(),
            Launch::InProcess(_) => f.write_str("InProcess"),
        }
    }
}

/// `url` without user, password or query (which may carry a key).
pub fn redacted(url: &url::Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.to_string()
}

impl Launch {
    /// `process`, `http` or `in-process`.
    pub fn kind(&self) -> &'static str {
        match self {
            Launch::Process { .. } => "process",
            Launch::Http { .. } => "http",
            Launch::InProcess(_) => "in-process",
        }
    }
}

/// A started child.
pub(super) struct Running {
    pub(super) service: RunningService<RoleClient, Relay>,
    pub(super) started: Instant,
    pub(super) pid: Option<u32>,
    /// Which start this is: a health ping's verdict applies to its own start only.
    pub(super) generation: u64,
}

/// Starts `launch` for server `name`, its notifications going to `relay`.
pub(super) async fn start(
    name: &str,
    launch: &Launch,
    relay: &Relay,
    generation: u64,
) -> anyhow::Result<Running> {
    let started = Instant::now();
    let starting = async {
        anyhow::Ok(match launch {
            Launch::Process {
                command,
                args,
                env,
                isolated,
            } => {
                let mut cmd = tokio::process::Command::new(command);
                cmd.args(args).kill_on_drop(true);
                if *isolated {
                    cmd.env_clear();
                    for key in INHERITED_ENV {
                        if let Some(value) = std::env::var_os(key) {
                            cmd.env(key, value);
                        }
                    }
                }
                for (k, v) in env {
                    cmd.env(k, v);
                }
                let (transport, stderr) = TokioChildProcess::builder(cmd)
                    .stderr(std::process::Stdio::piped())
                    .spawn()?;
                let pid = transport.id();
                if let Some(stderr) = stderr {
                    let name = name.to_owned();
                    tokio::spawn(async move {
                        let mut lines = tokio::io::BufReader::new(stderr).lines();
                        while let Ok(Some(line)) = lines.next_line().await {
                            tracing::info!(server = %name, "{line}");
                        }
                    });
                }
                let service = relay.clone().serve(transport).await?;
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
                let transport =
                    StreamableHttpClientTransport::from_config(config.custom_headers(custom));
                let service = relay.clone().serve(transport).await?;
                (service, None)
            }
            Launch::InProcess(factory) => {
                let (server_io, client_io) = tokio::io::duplex(1 << 20);
                tokio::spawn(factory(server_io));
                let service = relay.clone().serve(client_io).await?;
                (service, None)
            }
        })
    };
    let (service, pid) = tokio::time::timeout(START_TIMEOUT, starting)
        .await
        .map_err(|_| anyhow::anyhow!("no answer to initialize within {START_TIMEOUT:?}"))??;
    tracing::info!(server = %name, ?pid, launch = launch.kind(), ms = started.elapsed().as_millis() as u64, "started");
    Ok(Running {
        service,
        started: Instant::now(),
        pid,
        generation,
    })
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
