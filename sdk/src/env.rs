//! Every environment variable the workspace reads, in one place.
//!
//! Components refer to these constants rather than spelling names inline, so a
//! rename is one edit and `grep` finds every reader.

/// Base URL of the Museo REST API (e.g. `https://api.museo.example`). Unset: the
/// servers start the sandbox in-process.
pub const MUSEO_API_URL: &str = "MUSEO_API_URL";
/// Per-request timeout toward the Museo API, in milliseconds.
pub const MUSEO_API_TIMEOUT_MS: &str = "MUSEO_API_TIMEOUT_MS";
/// Audience of tokens for the Museo admin API.
pub const MUSEO_ADMIN_AUDIENCE: &str = "MUSEO_ADMIN_AUDIENCE";

/// Id of this component's service account (the `iss` of the tokens it mints).
pub const SERVICE_ACCOUNT_ID: &str = "SERVICE_ACCOUNT_ID";
/// Path of a PKCS#8 PEM file holding the service account's private key.
pub const SERVICE_ACCOUNT_KEY_FILE: &str = "SERVICE_ACCOUNT_KEY_FILE";
/// The service account's PKCS#8 PEM private key itself (for platforms that
/// inject secrets as variables). `SERVICE_ACCOUNT_KEY_FILE` wins when both are set.
pub const SERVICE_ACCOUNT_KEY: &str = "SERVICE_ACCOUNT_KEY";

/// `json` for JSON lines on stderr; anything else (or unset) for readable text.
pub const LOG_FORMAT: &str = "LOG_FORMAT";
/// A `tracing_subscriber::EnvFilter` directive such as `info,museo_sandbox=debug`.
pub const LOG_LEVEL: &str = "RUST_LOG";

/// Address the sandbox listens on.
pub const SANDBOX_LISTEN: &str = "MUSEO_SANDBOX_LISTEN";
/// Directory holding the sandbox's database and dev credentials.
pub const SANDBOX_DATA_DIR: &str = "MUSEO_SANDBOX_DATA_DIR";
/// Public base URL of the sandbox, used in payment links.
pub const SANDBOX_PUBLIC_URL: &str = "MUSEO_SANDBOX_PUBLIC_URL";
/// Secret signing payment links (any string of ≥ 32 bytes). Unset in dev: one
/// is generated into the data dir.
pub const SANDBOX_LINK_SECRET: &str = "MUSEO_SANDBOX_LINK_SECRET";
/// `true` forbids dev credentials: every secret and service account must be given.
pub const SANDBOX_PRODUCTION: &str = "MUSEO_SANDBOX_PRODUCTION";

/// Redis connection URL for shared state (conversations, delivery status).
pub const REDIS_URL: &str = "REDIS_URL";
