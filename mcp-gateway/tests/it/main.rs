//! mcp-gateway's integration tests: a real WebSocket client against the
//! gateway on a loopback port, with the MCP servers in-process and as the
//! real sibling binaries, and conversations in real Redis.

mod binary;
mod chat;
mod dialog;
mod followups;
mod frames;
mod http;
mod redis;
mod supervision;
mod support;
