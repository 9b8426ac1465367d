//! The gateway's configuration file: which MCP servers to run and how to
//! supervise them, plus the gateway's own limits.
//!
//! Two spellings of one shape are read (chosen by the file's extension, or
//! by its first character when the extension says nothing):
//!
//! - **TOML** (`gateway.toml`): `[servers.NAME]` tables and a `[gateway]` table;
//! - **JSON in Claude Desktop's shape** (`{"mcpServers": {NAME: {"command": …,
//!   "args": […], "env": {…}}}}`), so a host's existing configuration can be
//!   pointed at the gateway unchanged. `servers` is accepted as well.
//!
//! A server is a process spoken to over stdio (`command`, `args`, `env`) or a
//! Streamable HTTP endpoint (`url`, `headers`). A server named like a
//! built-in one (`mcp-intent`, `mcp-storefront`, `mcp-admin`, `mcp-notify`)
//! with neither a command nor a URL keeps the built-in launch, so a file may
//! change a timeout without knowing where the binaries live. With no file the
//! four built-in servers run with the default policy.
//!
//! Reading is two-step: raw structs that reject unknown keys,
//! then [`Config`], validated; every error names the key at fault.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use museo_sdk::config::ConfigError;
use serde::Deserialize;

use crate::auth::Role;

/// The servers the built-in configuration starts, and the names the chat
/// routing table calls.
pub const BUILTIN: [&str; 4] = ["mcp-intent", "mcp-storefront", "mcp-admin", "mcp-notify"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default, alias = "mcpServers")]
    servers: BTreeMap<String, RawServer>,
    #[serde(default)]
    gateway: RawGateway,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGateway {
    max_sessions: Option<usize>,
    rate_per_second: Option<u32>,
    session_ttl_secs: Option<u64>,
    drain_secs: Option<u64>,
    max_frame_bytes: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    command: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// `stdio`, `http` or `streamable-http` (some hosts write it; optional).
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    disabled: bool,
    /// Seconds.
    timeout: Option<f64>,
    access: Option<String>,
    restart: Option<RawRestart>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRestart {
    max_restarts: Option<u32>,
    window_secs: Option<u64>,
    backoff_initial_ms: Option<u64>,
    backoff_max_ms: Option<u64>,
    stable_secs: Option<u64>,
    ping_interval_secs: Option<u64>,
    ping_timeout_ms: Option<u64>,
}

/// How a child is supervised.
#[derive(Debug, Clone, PartialEq)]
pub struct RestartPolicy {
    /// Restarts within [`Self::window`] after which the child is `degraded`
    /// (no more automatic restarts until an operator starts it).
    pub max_restarts: u32,
    /// The crash-loop window.
    pub window: Duration,
    /// First backoff before a restart; it doubles per consecutive failure.
    pub backoff_initial: Duration,
    /// Largest backoff.
    pub backoff_max: Duration,
    /// Up this long, a child's failure count resets.
    pub stable_after: Duration,
    /// Health ping period; zero disables pings.
    pub ping_interval: Duration,
    /// A ping unanswered this long means the child is hung: it is restarted.
    pub ping_timeout: Duration,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self {
            max_restarts: 5,
            window: Duration::from_secs(60),
            backoff_initial: Duration::from_millis(100),
            backoff_max: Duration::from_secs(10),
            stable_after: Duration::from_secs(60),
            ping_interval: Duration::from_secs(15),
            ping_timeout: Duration::from_secs(5),
        }
    }
}

/// Where a server runs.
#[derive(Clone, PartialEq)]
pub enum Transport {
    /// The built-in server: the sibling binary, else this executable.
    Builtin {
        /// Extra environment for it (on top of the gateway's own).
        env: Vec<(String, String)>,
    },
    /// A process over stdio.
    Stdio {
        /// The executable (a path, or a name looked up on `PATH`).
        command: PathBuf,
        /// Its arguments.
        args: Vec<String>,
        /// Extra environment (on top of the gateway's own).
        env: Vec<(String, String)>,
    },
    /// A Streamable HTTP endpoint.
    Http {
        /// The MCP endpoint, e.g. `http://127.0.0.1:3502/mcp`.
        url: url::Url,
        /// Extra request headers (e.g. `Authorization`).
        headers: Vec<(String, String)>,
    },
}

impl std::fmt::Debug for Transport {
    /// Names only: environment values, arguments, URL credentials and header
    /// values may hold secrets (`check-config` and logs print this).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys =
            |pairs: &[(String, String)]| pairs.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        match self {
            Transport::Builtin { env } => {
                f.debug_struct("Builtin").field("env", &keys(env)).finish()
            }
            Transport::Stdio { command, args, env } => f
                .debug_struct("Stdio")
                .field("command", command)
                .field("args", &args.len())
                .field("env", &keys(env))
                .finish(),
            Transport::Http { url, headers } => f
                .debug_struct("Http")
                .field("url", &crate::children::redacted(url))
                .field("headers", &keys(headers))
                .finish(),
        }
    }
}

/// One configured server.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// Its name: the `server` of `call` frames.
    pub name: String,
    /// How it is reached.
    pub transport: Transport,
    /// The lowest role that may call it.
    pub access: Role,
    /// Longest wait for one tool call.
    pub timeout: Duration,
    /// Supervision.
    pub restart: RestartPolicy,
}

/// The gateway's limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Most open WebSocket sessions.
    pub max_sessions: usize,
    /// Frames per second one session may send.
    pub rate_per_second: u32,
    /// How long an idle conversation is kept.
    pub session_ttl: Duration,
    /// How long shutdown waits for sessions to finish their requests.
    pub drain: Duration,
    /// Largest WebSocket frame; bigger ones close the connection with 1009.
    pub max_frame_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_sessions: 1000,
            rate_per_second: 20,
            session_ttl: Duration::from_secs(24 * 3600),
            drain: Duration::from_secs(10),
            max_frame_bytes: 64 * 1024,
        }
    }
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Servers to run (disabled ones are left out).
    pub servers: Vec<ServerConfig>,
    /// Limits.
    pub limits: Limits,
}

/// Default time a tool call may take (imports run as jobs beyond it).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for Config {
    /// The built-in configuration: the four Museo servers.
    fn default() -> Self {
        Self {
            servers: BUILTIN
                .iter()
                .map(|name| ServerConfig {
                    name: (*name).to_owned(),
                    transport: Transport::Builtin { env: Vec::new() },
                    access: builtin_access(name),
                    timeout: DEFAULT_TIMEOUT,
                    restart: RestartPolicy::default(),
                })
                .collect(),
            limits: Limits::default(),
        }
    }
}

/// Customers may reach intent analysis and the storefront; the rest is for admins.
fn builtin_access(name: &str) -> Role {
    match name {
        "mcp-intent" | "mcp-storefront" => Role::Customer,
        _ => Role::Admin,
    }
}

impl Config {
    /// Reads `path` (TOML, or JSON in the `mcpServers` shape).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(&file, format!("cannot read the file: {e}")))?;
        let json = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => true,
            Some("toml") => false,
            _ => text.trim_start().starts_with('{'),
        };
        let parsed = if json {
            Self::parse_json(&text)
        } else {
            Self::parse_toml(&text)
        };
        parsed.map_err(|e| ConfigError::new(format!("{file}: {}", e.key), e.message))
    }

    /// Parses TOML text.
    pub fn parse_toml(text: &str) -> Result<Self, ConfigError> {
        museo_sdk::config::parse_toml::<RawFile>(text).and_then(Self::validate)
    }

    /// Parses JSON text (Claude Desktop's `mcpServers` shape).
    pub fn parse_json(text: &str) -> Result<Self, ConfigError> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let raw: RawFile = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            ConfigError::new(
                if path == "." { "(file)".into() } else { path },
                e.into_inner().to_string(),
            )
        })?;
        Self::validate(raw)
    }

    fn validate(raw: RawFile) -> Result<Self, ConfigError> {
        let defaults = Limits::default();
        let g = raw.gateway;
        let limits = Limits {
            max_sessions: positive(
                "gateway.max_sessions",
                g.max_sessions,
                defaults.max_sessions,
            )?,
            rate_per_second: positive(
                "gateway.rate_per_second",
                g.rate_per_second,
                defaults.rate_per_second,
            )?,
            session_ttl: g
                .session_ttl_secs
                .map(|s| positive("gateway.session_ttl_secs", Some(s), 1).map(Duration::from_secs))
                .transpose()?
                .unwrap_or(defaults.session_ttl),
            drain: g.drain_secs.map_or(defaults.drain, Duration::from_secs),
            max_frame_bytes: match g.max_frame_bytes {
                None => defaults.max_frame_bytes,
                Some(n) if (1024..=16 << 20).contains(&n) => n,
                Some(_) => {
                    return Err(ConfigError::new(
                        "gateway.max_frame_bytes",
                        "from 1024 to 16777216 (16 MiB)",
                    ));
                }
            },
        };
        let mut servers = Vec::new();
        for (name, server) in raw.servers {
            let key = format!("servers.{name}");
            if name.is_empty()
                || name.len() > 64
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(ConfigError::new(
                    key,
                    "a server name is 1–64 letters, digits, `-` or `_`",
                ));
            }
            if server.disabled {
                continue;
            }
            servers.push(validate_server(&key, name, server)?);
        }
        Ok(Self { servers, limits })
    }
}

fn positive<T: PartialOrd + Default + Copy + std::fmt::Display>(
    key: &str,
    value: Option<T>,
    default: T,
) -> Result<T, ConfigError> {
    match value {
        Some(v) if v <= T::default() => Err(ConfigError::new(key, "must be above 0")),
        Some(v) => Ok(v),
        None => Ok(default),
    }
}

fn validate_server(key: &str, name: String, raw: RawServer) -> Result<ServerConfig, ConfigError> {
    let kind = raw.kind.as_deref().map(str::to_ascii_lowercase);
    let transport = match (raw.command, raw.url, kind.as_deref()) {
        (Some(_), Some(_), _) => {
            return Err(ConfigError::new(
                key,
                "give either `command` (stdio) or `url` (Streamable HTTP), not both",
            ));
        }
        (Some(command), None, None | Some("stdio")) => {
            if command.trim().is_empty() {
                return Err(ConfigError::new(format!("{key}.command"), "is empty"));
            }
            Transport::Stdio {
                command: PathBuf::from(command),
                args: raw.args,
                env: raw.env.into_iter().collect(),
            }
        }
        (None, Some(url), None | Some("http" | "streamable-http" | "streamablehttp")) => {
            let url = museo_sdk::config::parse_http_url(&format!("{key}.url"), &url)?;
            Transport::Http {
                url,
                headers: raw.headers.into_iter().collect(),
            }
        }
        (None, None, None) if BUILTIN.contains(&name.as_str()) => {
            if !raw.args.is_empty() || !raw.headers.is_empty() {
                return Err(ConfigError::new(
                    key,
                    "`args` and `headers` need a `command` or `url`; a built-in server takes `env` only",
                ));
            }
            Transport::Builtin {
                env: raw.env.into_iter().collect(),
            }
        }
        (None, None, _) => {
            return Err(ConfigError::new(
                key,
                "needs `command` (a process over stdio) or `url` (Streamable HTTP)",
            ));
        }
        (_, _, Some(other)) => {
            return Err(ConfigError::new(
                format!("{key}.type"),
                format!(
                    "{other:?} does not match the server's `command`/`url`; use stdio or http (sse is not supported)"
                ),
            ));
        }
    };
    if name == "mcp-admin" && matches!(transport, Transport::Http { .. }) {
        return Err(ConfigError::new(
            format!("{key}.url"),
            "mcp-admin runs over stdio under the gateway: the per-call admin token travels in _meta, which its HTTP mode does not read",
        ));
    }
    let access = match raw.access.as_deref() {
        Some("customer") if name == "mcp-admin" => {
            return Err(ConfigError::new(
                format!("{key}.access"),
                "mcp-admin is for admins only",
            ));
        }
        None => builtin_access(&name),
        Some("customer") => Role::Customer,
        Some("admin") => Role::Admin,
        Some(other) => {
            return Err(ConfigError::new(
                format!("{key}.access"),
                format!("{other:?} is not customer or admin"),
            ));
        }
    };
    let timeout = match raw.timeout {
        None => DEFAULT_TIMEOUT,
        Some(secs) if secs.is_finite() && secs > 0.0 && secs <= 3600.0 => {
            Duration::from_secs_f64(secs)
        }
        Some(_) => {
            return Err(ConfigError::new(
                format!("{key}.timeout"),
                "seconds, above 0 and at most 3600",
            ));
        }
    };
    let mut restart = RestartPolicy::default();
    if let Some(r) = raw.restart {
        let rkey = |field: &str| format!("{key}.restart.{field}");
        if let Some(n) = r.max_restarts {
            restart.max_restarts = n;
        }
        if let Some(s) = r.window_secs {
            restart.window = Duration::from_secs(positive(&rkey("window_secs"), Some(s), 1)?);
        }
        if let Some(ms) = r.backoff_initial_ms {
            restart.backoff_initial = Duration::from_millis(ms);
        }
        if let Some(ms) = r.backoff_max_ms {
            restart.backoff_max = Duration::from_millis(ms);
        }
        if restart.backoff_max < restart.backoff_initial {
            return Err(ConfigError::new(
                rkey("backoff_max_ms"),
                "must not be below backoff_initial_ms",
            ));
        }
        if let Some(s) = r.stable_secs {
            restart.stable_after = Duration::from_secs(s);
        }
        if let Some(s) = r.ping_interval_secs {
            restart.ping_interval = Duration::from_secs(s);
        }
        if let Some(ms) = r.ping_timeout_ms {
            restart.ping_timeout =
                Duration::from_millis(positive(&rkey("ping_timeout_ms"), Some(ms), 1)?);
        }
    }
    Ok(ServerConfig {
        name,
        transport,
        access,
        timeout,
        restart,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_servers_with_policy() {
        let config = Config::parse_toml(
            r#"
            [gateway]
            max_sessions = 50

            [servers.mcp-storefront]
            timeout = 5
            restart = { max_restarts = 2, backoff_initial_ms = 50, ping_interval_secs = 0 }

            [servers.weather]
            command = "/usr/bin/weather-mcp"
            args = ["--stdio"]
            env = { UNITS = "metric" }
            access = "customer"

            [servers.remote]
            url = "http://127.0.0.1:3502/mcp"
            headers = { Authorization = "Bearer x" }

            [servers.old]
            command = "old-mcp"
            disabled = true
            "#,
        )
        .expect("valid");
        assert_eq!(config.limits.max_sessions, 50);
        let names: Vec<&str> = config.servers.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["mcp-storefront", "remote", "weather"]);
        let store = &config.servers[0];
        assert_eq!(store.transport, Transport::Builtin { env: Vec::new() });
        assert_eq!(store.timeout, Duration::from_secs(5));
        assert_eq!(store.restart.max_restarts, 2);
        assert_eq!(store.restart.backoff_initial, Duration::from_millis(50));
        assert_eq!(store.restart.ping_interval, Duration::ZERO);
        assert_eq!(store.access, Role::Customer);
        assert!(
            matches!(&config.servers[1].transport, Transport::Http { url, headers } if url.as_str() == "http://127.0.0.1:3502/mcp" && headers.len() == 1)
        );
        assert_eq!(config.servers[1].access, Role::Admin);
        assert_eq!(
            config.servers[2].transport,
            Transport::Stdio {
                command: "/usr/bin/weather-mcp".into(),
                args: vec!["--stdio".into()],
                env: vec![("UNITS".into(), "metric".into())],
            }
        );
        assert_eq!(config.servers[2].access, Role::Customer);
    }

    #[test]
    fn claude_desktop_json_is_read_as_is() {
        let config = Config::parse_json(
            r#"{ "mcpServers": {
                "mcp-intent": { "command": "/opt/museo/mcp-intent", "env": { "INTENT_AI_PROVIDER": "none" } },
                "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "disabled": true },
                "shop": { "type": "http", "url": "https://shop.example/mcp", "timeout": 2.5 }
            } }"#,
        )
        .expect("valid");
        assert_eq!(config.servers.len(), 2);
        assert!(
            matches!(&config.servers[0].transport, Transport::Stdio { command, .. } if command == Path::new("/opt/museo/mcp-intent"))
        );
        assert_eq!(config.servers[0].access, Role::Customer);
        assert_eq!(config.servers[1].timeout, Duration::from_millis(2500));
    }

    #[test]
    fn errors_name_the_key() {
        for (text, key) in [
            (
                r#"{"mcpServers":{"x":{"command":"a","url":"http://h/mcp"}}}"#,
                "servers.x",
            ),
            (r#"{"mcpServers":{"x":{}}}"#, "servers.x"),
            (
                r#"{"mcpServers":{"x":{"command":"a","timeout":-1}}}"#,
                "servers.x.timeout",
            ),
            (
                r#"{"mcpServers":{"x":{"command":"a","timeout":"fast"}}}"#,
                "mcpServers.x.timeout",
            ),
            (
                r#"{"mcpServers":{"x":{"command":"a","acess":"admin"}}}"#,
                "mcpServers.x.acess",
            ),
            (
                r#"{"mcpServers":{"x":{"command":"a","access":"root"}}}"#,
                "servers.x.access",
            ),
            (
                r#"{"mcpServers":{"x":{"url":"ftp://h/mcp"}}}"#,
                "servers.x.url",
            ),
            (
                r#"{"mcpServers":{"x":{"type":"sse","url":"http://h/sse"}}}"#,
                "servers.x.type",
            ),
            (
                r#"{"mcpServers":{"bad name":{"command":"a"}}}"#,
                "servers.bad name",
            ),
            (r#"{"gateway":{"max_sessions":0}}"#, "gateway.max_sessions"),
            (
                r#"{"mcpServers":{"mcp-admin":{"access":"customer"}}}"#,
                "servers.mcp-admin.access",
            ),
            (
                r#"{"mcpServers":{"mcp-admin":{"url":"http://h/mcp"}}}"#,
                "servers.mcp-admin.url",
            ),
            (
                r#"{"mcpServers":{"mcp-notify":{"args":["-v"]}}}"#,
                "servers.mcp-notify",
            ),
            (
                r#"{"mcpServers":{"x":{"command":"a","restart":{"backoff_initial_ms":500,"backoff_max_ms":100}}}}"#,
                "servers.x.restart.backoff_max_ms",
            ),
        ] {
            let err = Config::parse_json(text).expect_err(text);
            assert_eq!(err.key, key, "{text}: {err}");
        }
        let err = Config::parse_toml("[servers.x]\ncommand = 3\n").expect_err("type");
        assert_eq!(err.key, "line 2", "{err}");
    }

    #[test]
    fn files_are_read_by_extension_or_content() {
        let dir = tempfile::tempdir().expect("dir");
        let json = dir.path().join("servers.conf");
        std::fs::write(&json, r#"{"mcpServers":{"mcp-admin":{"timeout":9}}}"#).expect("write");
        let config = Config::load(&json).expect("json by content");
        assert_eq!(config.servers[0].timeout, Duration::from_secs(9));
        let missing = Config::load(&dir.path().join("nope.toml")).expect_err("missing");
        assert!(missing.key.ends_with("nope.toml"), "{missing}");
        assert_eq!(Config::default().servers.len(), 4);
    }
}
