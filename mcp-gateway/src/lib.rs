//! mcp-gateway: WebSocket chat from apps (web admin, WhatsApp, mobile, CLI)
//! turned into MCP tool calls on the Museo servers.
//!
//! - [`protocol`]: the fixed wire frames;
//! - [`children`]: the supervised MCP servers (sibling binaries over stdio,
//!   or in-process when no binary is found);
//! - [`gateway`]: sessions, routing by intent, role checks, admin tokens;
//! - [`store`]: conversations in memory or Redis;
//! - [`auth`], [`locale`], [`reply`]: who, which language, what to say;
//! - [`server`]: the HTTP and WebSocket surface; [`start`] wires it all.

pub mod auth;
pub mod children;
pub mod gateway;
pub mod locale;
pub mod protocol;
pub mod reply;
pub mod server;
pub mod start;
pub mod store;
