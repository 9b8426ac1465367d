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

/// Which AI provider mcp-intent asks when its pattern tier is unsure: `mock`
/// (the default: answers only from a scripted file, otherwise declines),
/// `openai` (any OpenAI-compatible `/chat/completions` server, Ollama and
/// vLLM included), `anthropic`, or `none`.
pub const INTENT_AI_PROVIDER: &str = "INTENT_AI_PROVIDER";
/// Base URL of the AI provider (`https://api.openai.com/v1`,
/// `http://127.0.0.1:11434/v1`, `https://api.anthropic.com`).
pub const INTENT_AI_BASE_URL: &str = "INTENT_AI_BASE_URL";
/// Model name sent to the AI provider; required for `openai` and `anthropic`.
pub const INTENT_AI_MODEL: &str = "INTENT_AI_MODEL";
/// The AI provider's API key (required for `anthropic`, optional for local
/// OpenAI-compatible servers).
pub const INTENT_AI_API_KEY: &str = "INTENT_AI_API_KEY";
/// Path of a file holding the AI provider's API key (trimmed).
/// `INTENT_AI_API_KEY_FILE` wins when both are set.
pub const INTENT_AI_API_KEY_FILE: &str = "INTENT_AI_API_KEY_FILE";
/// Per-request timeout toward the AI provider, in milliseconds (100..=30000,
/// default 2500). There are no retries: on failure the pattern answer stands.
pub const INTENT_AI_TIMEOUT_MS: &str = "INTENT_AI_TIMEOUT_MS";
/// JSON file of scripted answers for the `mock` provider:
/// `{ "<message>": { "intent", "confidence", "language", "entities" } }`.
pub const INTENT_AI_MOCK_FILE: &str = "INTENT_AI_MOCK_FILE";
