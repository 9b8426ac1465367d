//! mcp-gateway: WebSocket chat from apps (web admin, WhatsApp, mobile, CLI)
//! turned into MCP tool calls on the Museo servers.
//!
//! - [`protocol`]: the fixed wire frames;
//! - [`config`]: which servers run and how they are supervised (TOML, or
//!   Claude Desktop's `mcpServers` JSON);
//! - [`children`]: the supervised MCP servers (processes over stdio,
//!   Streamable HTTP endpoints, or in-process);
//! - [`gateway`]: sessions, requests, role checks, admin tokens;
//! - [`dialog`]: the dialog engine: one chat message, understood, resolved
//!   against the conversation's state and acted on;
//! - [`metrics`]: what `/metrics` exposes;
//! - [`store`]: conversations in memory or Redis;
//! - [`auth`], [`locale`], [`reply`]: who, which language, what to say;
//! - [`server`]: the HTTP and WebSocket surface; [`start`] wires it all.

pub mod auth;
pub mod children;
pub mod config;
pub mod dialog;
pub mod gateway;
pub mod locale;
pub mod metrics;
pub mod protocol;
pub mod reply;
pub mod server;
pub mod start;
pub mod store;
