//! mcp-notify: e-mail, SMS and WhatsApp notifications over MCP.
//!
//! Five tools with fixed names (see the README) — `send_email`, `send_sms`,
//! `send_whatsapp`, `get_delivery_status`, `list_templates` — plus
//! `preview_template`, which renders a template without sending it.
//!
//! A send goes through the same steps on every channel ([`notifier`]): the
//! recipient is validated, the text comes from a template in the reader's
//! language ([`templates`], with money and dates from
//! [`museo_sdk::locale`]) or from the caller, an idempotency key is claimed,
//! the message is handed to the channel's [`provider`] with retries, and
//! every status it goes through is appended to its history in a
//! [`store::StatusStore`]. Providers report later statuses through signed
//! [`webhooks`]; the history keeps every report and the status only moves
//! forward ([`status`]).
//!
//! With nothing configured every channel writes to an outbox directory a
//! person can open (`.eml` mail, JSON texts) and advances its messages'
//! statuses the way a provider would; each channel switches to its real
//! provider (SMTP, Twilio, WhatsApp Cloud API) when its settings are present
//! ([`config`]).
//!
//! - [`server`] is the MCP surface; [`run`] wires configuration, store,
//!   providers and the webhook listener together for the binary.

pub mod config;
pub mod error;
pub mod notifier;
pub mod provider;
pub mod server;
pub mod status;
pub mod store;
pub mod templates;
pub mod validate;
pub mod webhooks;

mod app;

pub use app::{App, build, run};
pub use error::NotifyError;
pub use notifier::Notifier;
pub use server::NotifyServer;
